/* lib/core/tsv.c: tab-separated rows for COPY text and LOAD DATA (see tsv.h). Values are
 * written straight into the output's spare room, reserved once per value for its
 * worst case: snprintf and per-character appends were a fifth of replicad's
 * instructions on the seed-shaped table (callgrind, docs/benchmarks.md). */
#include "tsv.h"
#include "sbuf.h"
#include "xfer.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

/* escape copies s[0..n) to p with the escapes both readers understand; NUL only
 * reaches LOAD DATA (PostgreSQL text cannot hold it), which reads \0 as NUL.
 * Text ends with a NUL at s[n] (every source writes one), so strcspn, which the
 * C library scans many bytes at a time, finds the next special byte; binary values
 * have no terminator and go byte by byte. */
static const unsigned char special[256] = {
	['\\'] = '\\', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't', ['\0'] = '0',
};

static char *
escape(char *p, const unsigned char *s, size_t n, bool terminated)
{
	size_t i = 0;
	while (i < n) {
		size_t k = i;
		if (terminated) {
			k += strcspn((const char *)s + i, "\\\n\r\t");   /* stops at the NUL too */
			if (k > n)
				k = n;
		} else {
			while (k < n && special[s[k]] == 0)
				k++;
		}
		memcpy(p, s + i, k - i);
		p += k - i;
		if (k == n)
			break;
		*p++ = '\\';
		*p++ = (char)special[s[k]];
		i = k + 1;
	}
	return p;
}

static char *
put_digits(char *p, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static char *
put_int64(char *p, int64_t v)
{
	char tmp[24];
	char *t = tmp + sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--t = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--t = '-';
	size_t n = (size_t)(tmp + sizeof tmp - t);
	memcpy(p, t, n);
	return p + n;
}

/* put_date writes YYYY-MM-DD; years outside 1..9999 fall back to snprintf (BC, 5 digits) */
static char *
put_date(char *p, int y, unsigned m, unsigned d)
{
	if (y < 1 || y > 9999)
		return p + snprintf(p, 32, "%04d-%02u-%02u", y, m, d);
	p = put_digits(p, (unsigned long)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	return put_digits(p, d, 2);
}

/* value_room: the most bytes one value can take (escapes double text). */
static size_t
value_room(const struct rpl_xcol *x, SQLLEN ind)
{
	if (x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY)
		return (ind > 0 ? 2 * (size_t)ind : 0) + 8;
	return 64;
}

static char *
put_value(enum rpl_tsv_flavor f, char *p, const struct rpl_xcol *x, const void *v, SQLLEN ind)
{
	static const char hex[] = "0123456789abcdef";
	bool pg = f == RPL_TSV_PG_COPY;
	if (ind == SQL_NULL_DATA) {
		*p++ = '\\';
		*p++ = 'N';
		return p;
	}
	if (rpl_xdate_is_far(x, v))   /* a year outside 1..9999, PostgreSQL's (xfer.h) */
		return p + rpl_xdate_far_text(x, v, p, 64);
	switch (x->c_type) {
	case SQL_C_SBIGINT:
		if (pg && x->dst->cls == RPL_CLASS_BOOL) {
			*p++ = *(const int64_t *)v ? 't' : 'f';
			return p;
		}
		/* MariaDB reads a YEAR of fewer than four digits as a two-digit year: the
		 * "0" of YEAR 0000 was loaded as 2000 (and 5 as 2005) */
		if (!pg && x->dst->kind == RPL_KIND_YEAR && *(const int64_t *)v >= 0 && *(const int64_t *)v < 1000)
			return p + snprintf(p, 8, "%04d", (int)*(const int64_t *)v);
		return put_int64(p, *(const int64_t *)v);
	case SQL_C_BIT:
		if (pg && x->dst->cls == RPL_CLASS_BOOL)
			*p++ = *(const unsigned char *)v ? 't' : 'f';
		else
			*p++ = *(const unsigned char *)v ? '1' : '0';
		return p;
	case SQL_C_DOUBLE: {
		/* %.17g reads back as the same double in both servers; the value rules
		 * turn NaN and infinities into NULL where the target cannot hold them */
		double d = *(const double *)v;
		if (isnan(d))
			return p + snprintf(p, 16, "NaN");
		if (isinf(d))
			return p + snprintf(p, 16, "%s", d > 0 ? "Infinity" : "-Infinity");
		return p + snprintf(p, 40, "%.17g", d);
	}
	case SQL_C_TYPE_DATE: {
		const SQL_DATE_STRUCT *t = v;
		if (x->endless && (t->year == RPL_YEAR_INFINITY || t->year == RPL_YEAR_MINUS_INFINITY))
			return p + snprintf(p, 16, "%s", t->year > 0 ? "infinity" : "-infinity");
		return put_date(p, t->year, t->month, t->day);
	}
	case SQL_C_TYPE_TIMESTAMP: {
		const SQL_TIMESTAMP_STRUCT *t = v;
		if (x->endless && (t->year == RPL_YEAR_INFINITY || t->year == RPL_YEAR_MINUS_INFINITY))
			return p + snprintf(p, 16, "%s", t->year > 0 ? "infinity" : "-infinity");
		p = put_date(p, t->year, t->month, t->day);
		*p++ = ' ';
		p = put_digits(p, t->hour, 2);
		*p++ = ':';
		p = put_digits(p, t->minute, 2);
		*p++ = ':';
		p = put_digits(p, t->second, 2);
		*p++ = '.';
		return put_digits(p, (unsigned long)(t->fraction / 1000) % 1000000, 6);
	}
	case SQL_C_CHAR:
		/* text into bytea as bytea hex: bytea's text input reads backslash escapes
		 * ('\\x41' arrived as the byte 'A'), hex keeps the text's own bytes */
		if (!pg || x->dst->cls != RPL_CLASS_BINARY)
			return escape(p, v, (size_t)ind, true);
		/* fall through */
	case SQL_C_BINARY:
		if (pg) {
			const unsigned char *b = v;
			memcpy(p, "\\\\x", 3);
			p += 3;
			for (SQLLEN i = 0; i < ind; i++) {
				*p++ = hex[b[i] >> 4];
				*p++ = hex[b[i] & 15];
			}
			return p;
		}
		return escape(p, v, (size_t)ind, false);
	default:   /* text: NUL-terminated in the buffer */
		return escape(p, v, (size_t)ind, true);
	}
}

void
rpl_tsv_rows(enum rpl_tsv_flavor f, const struct rpl_xbuf *b, size_t first, size_t n, struct rpl_sbuf *out)
{
	for (size_t r = first; r < first + n; r++) {
		for (size_t c = 0; c < b->ncols; c++) {
			const struct rpl_xcol *x = &b->cols[c];
			SQLLEN ind = *rpl_xind(b, r, c);
			size_t room = value_room(x, ind) + 1;
			/* reserve room, write into the spare bytes, then claim what was used */
			if (!rpl_sbuf_grow(out, room))
				return;
			char *start = out->s + out->len, *p = start;
			if (c > 0)
				*p++ = '\t';
			p = put_value(f, p, x, rpl_xval(b, r, c), ind);
			out->len += (size_t)(p - start);
		}
		rpl_sbuf_addc(out, '\n');
	}
}
