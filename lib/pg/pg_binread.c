/* lib/pg/pg_binread.c: binary COPY rows into the transport buffer (see pg_binread.h).
 * The format: an 11-byte signature, flags and a header extension; then per row an
 * int16 field count and per field an int32 length (-1: NULL) and the value's bytes,
 * all integers big-endian; an int16 -1 ends the data. */
#include "pg_binread.h"
#include "catalog.h"
#include "plan.h"
#include "xfer.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const unsigned char signature[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0 };
static const long pg_epoch_days = 10957;   /* 2000-01-01 in days since 1970-01-01 */

static uint16_t get16(const unsigned char *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) << 32 | get32(p + 4); }

/* numeric_text_fast: numeric_text for most values, whose digits fit the room
 * (numeric_text checked), written without a check each */
static long
numeric_text_fast(const unsigned char *p, int ndigits, int weight, int dscale, uint16_t sign, char *out)
{
	char *q = out;
	int d = 0;
	if (sign == 0x4000)
		*q++ = '-';
	if (weight < 0) {
		d = weight + 1;
		*q++ = '0';
	} else {
		unsigned dig = ndigits > 0 ? get16(p + 8) : 0;   /* the first group without leading zeros */
		if (dig >= 1000)
			*q++ = (char)('0' + dig / 1000);
		if (dig >= 100)
			*q++ = (char)('0' + dig / 100 % 10);
		if (dig >= 10)
			*q++ = (char)('0' + dig / 10 % 10);
		*q++ = (char)('0' + dig % 10);
		for (d = 1; d <= weight; d++, q += 4) {
			dig = d < ndigits ? get16(p + 8 + 2 * d) : 0;
			q[0] = (char)('0' + dig / 1000), q[1] = (char)('0' + dig / 100 % 10);
			q[2] = (char)('0' + dig / 10 % 10), q[3] = (char)('0' + dig % 10);
		}
	}
	if (dscale > 0) {
		*q++ = '.';
		char *stop = q + dscale;
		for (; q < stop; d++, q += 4) {   /* may write up to 3 digits past stop: room has them */
			unsigned dig = d >= 0 && d < ndigits ? get16(p + 8 + 2 * d) : 0;
			q[0] = (char)('0' + dig / 1000), q[1] = (char)('0' + dig / 100 % 10);
			q[2] = (char)('0' + dig / 10 % 10), q[3] = (char)('0' + dig % 10);
		}
		q = stop;
	}
	*q = '\0';
	return (long)(q - out);
}

/* numeric_text_room: numeric_text for NaN, ±Infinity and values that may not fit
 * the room: cut at room - 1, the length it needed returned */
static long
numeric_text_room(const unsigned char *p, int ndigits, int weight, int dscale, uint16_t sign,
                  const char *special, char *out, size_t room)
{
	size_t o = 0;
#define PUT(ch) do { if (o < room) out[o] = (ch); o++; } while (0)
	if (special != NULL) {
		for (const char *s = special; *s; s++)
			PUT(*s);
	} else {
		if (sign == 0x4000)
			PUT('-');
		int d;
		if (weight < 0) {
			d = weight + 1;
			PUT('0');
		} else {
			for (d = 0; d <= weight; d++) {
				unsigned dig = d < ndigits ? get16(p + 8 + 2 * d) : 0;
				char g[4] = { (char)('0' + dig / 1000 % 10), (char)('0' + dig / 100 % 10), (char)('0' + dig / 10 % 10),
				              (char)('0' + dig % 10) };
				int k = 0;
				if (d == 0)        /* the first group without its leading zeros */
					while (k < 3 && g[k] == '0')
						k++;
				for (; k < 4; k++)
					PUT(g[k]);
			}
		}
		if (dscale > 0) {
			PUT('.');
			for (int i = 0; i < dscale; d++) {
				unsigned dig = d >= 0 && d < ndigits ? get16(p + 8 + 2 * d) : 0;
				char g[4] = { (char)('0' + dig / 1000 % 10), (char)('0' + dig / 100 % 10), (char)('0' + dig / 10 % 10),
				              (char)('0' + dig % 10) };
				for (int k = 0; k < 4 && i < dscale; k++, i++)
					PUT(g[k]);
			}
		}
	}
#undef PUT
	if (o < room)
		out[o] = '\0';
	else if (room > 0)
		out[room - 1] = '\0';
	return (long)o;
}

/* numeric_text writes the numeric's binary form p[0..n) as numeric_out prints it
 * into out (room bytes, NUL-terminated when it fits); returns the full length, or
 * -1 when p is not a numeric. */
static long
numeric_text(const unsigned char *p, size_t n, char *out, size_t room)
{
	if (n < 8)
		return -1;
	int ndigits = (int16_t)get16(p), weight = (int16_t)get16(p + 2), dscale = (int16_t)get16(p + 6);
	uint16_t sign = get16(p + 4);
	if (ndigits < 0 || dscale < 0 || n != 8 + 2 * (size_t)ndigits)
		return -1;
	const char *special = sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : sign == 0xF000 ? "-Infinity" : NULL;
	if (special == NULL && sign != 0x0000 && sign != 0x4000)
		return -1;
	for (int i = 0; i < ndigits; i++)   /* base 10000: a larger digit is no numeric */
		if (get16(p + 8 + 2 * i) > 9999)
			return -1;
	/* most values: the digits fit tmp-sized room, written without a check each */
	size_t most = 2 + 4 * (size_t)(weight >= 0 ? weight + 1 : 1) + 1 + (size_t)dscale + 4;
	if (special == NULL && weight < 64 && most <= room)
		return numeric_text_fast(p, ndigits, weight, dscale, sign, out);
	return numeric_text_room(p, ndigits, weight, dscale, sign, special, out, room);
}

/* civil: days since 2000-01-01 into a date within years 1..9999 */
static bool
civil(int64_t days, SQLSMALLINT *y, SQLUSMALLINT *m, SQLUSMALLINT *d)
{
	if (days < -800000 || days > 3000000)   /* beyond 1..9999 either way (and infinity) */
		return false;
	struct rpl_day v = rpl_day_from_days((long)days + pg_epoch_days);
	if (v.y < 1 || v.y > 9999)
		return false;
	*y = (SQLSMALLINT)v.y, *m = (SQLUSMALLINT)v.m, *d = (SQLUSMALLINT)v.d;
	return true;
}

/* text_value stores n bytes of text or bytea: out of line, or in line with the full
 * length in the indicator when it does not fit (the caller's check names it). */
static int
text_value(struct rpl_xbuf *b, size_t r, size_t c, const unsigned char *v, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLLEN *ind = rpl_xind(b, r, c);
	bool text = x->c_type == SQL_C_CHAR;
	if (x->ool) {
		char *out = rpl_xbuf_heap_put(b, r, c, n + 1);
		if (out == NULL)
			return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
		memcpy(out, v, n);
		out[n] = '\0';
		rpl_xbuf_heap_used(b, n + 1);
	} else {
		size_t room = (size_t)x->width - (text ? 1 : 0);
		char *out = rpl_xval(b, r, c);
		memcpy(out, v, n < room ? n : room);
		if (text)
			out[n < room ? n : room] = '\0';
	}
	*ind = (SQLLEN)n;
	return 0;
}

static int
bad_value(const struct rpl_xcol *x, size_t r, const char *what, struct rpl_err *err)
{
	rpl_err_set(err, RPL_ECONVERT, "source: column %s (%s): cannot read %s from COPY as %s", x->src->name,
	            x->src->type_name, what, rpl_class_name(x->cls));
	rpl_err_where(err, NULL, x->src->name, (int64_t)r);
	return err->code;
}

/* endless: "infinity" or "-infinity", PostgreSQL's endless dates and timestamps,
 * are no calendar date: into a PostgreSQL target through COPY they travel as
 * themselves (RPL_YEAR_INFINITY, xfer.h); anywhere else the value is a misfit of
 * rule date_range (xfer.h), as the text COPY reader does (pg_source.c). */
static int
endless(struct rpl_xbuf *b, size_t r, size_t c, bool minus, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	const char *v = minus ? "-infinity" : "infinity";
	if (x->endless) {
		rpl_xbuf_endless(b, r, c, minus);
		return 0;
	}
	char why[400];   /* the misfit keeps what fits */
	snprintf(why, sizeof why, "\"%s\" is no calendar date: no target date holds it (column %s, %s)", v,
	         x->src->name, x->src->type_name);
	return rpl_xbuf_misfit(b, r, c, RPL_RULE_DATE_RANGE, v, strlen(v), why, err);
}

/* far: a date or timestamp outside years 1..9999 that PostgreSQL has (4713 BC to
 * 5874897 AD), days since 1970-01-01 and us its time of day (-1: a date). Into
 * PostgreSQL through COPY it travels as itself (RPL_YEAR_FAR, xfer.h); anywhere else
 * no target date holds it, and the value is a misfit of rule date_range as ±infinity
 * is (endless), shown as the text COPY gives it (before, it failed the partition). */
static int
far(struct rpl_xbuf *b, size_t r, size_t c, long long days, int64_t us, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	if (rpl_xbuf_far(b, r, c, days, us))   /* into PostgreSQL through COPY, or false */
		return 0;
	char v[64], why[400];   /* the misfit keeps what fits */
	int n = rpl_day_pgtext((long)days, us, strcmp(x->src->type_name, "timestamptz") == 0, v, sizeof v);
	snprintf(why, sizeof why, "\"%s\" is outside years 1 to 9999: no target date holds it (column %s, %s)", v,
	         x->src->name, x->src->type_name);
	return rpl_xbuf_misfit(b, r, c, RPL_RULE_DATE_RANGE, v, (size_t)n, why, err);
}

/* field stores one value v[0..n) into row r, column c. */
static int
field(struct rpl_xbuf *b, size_t r, size_t c, const unsigned char *v, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLLEN *ind = rpl_xind(b, r, c);
	void *out = x->ool ? NULL : rpl_xval(b, r, c);
	switch (x->c_type) {
	case SQL_C_SBIGINT:
		if (n != 2 && n != 4 && n != 8)
			break;
		*(int64_t *)out = n == 2 ? (int16_t)get16(v) : n == 4 ? (int32_t)get32(v) : (int64_t)get64(v);
		*ind = 8;
		return 0;
	case SQL_C_DOUBLE: {
		if (n != 8)
			break;
		uint64_t u = get64(v);
		memcpy(out, &u, 8);
		*ind = 8;
		return 0;
	}
	case SQL_C_BIT:
		if (n != 1)
			break;
		*(unsigned char *)out = v[0] != 0;
		*ind = 1;
		return 0;
	case SQL_C_TYPE_DATE: {
		if (n != 4)
			break;
		int32_t days = (int32_t)get32(v);
		SQL_DATE_STRUCT *d = out;
		if (days == INT32_MAX || days == INT32_MIN)
			return endless(b, r, c, days == INT32_MIN, err);
		if (!civil(days, &d->year, &d->month, &d->day))
			return far(b, r, c, (long long)days + pg_epoch_days, -1, err);
		*ind = sizeof *d;
		return 0;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		if (n != 8)
			break;
		int64_t us = (int64_t)get64(v);
		const int64_t day_us = INT64_C(86400000000);
		int64_t days = us / day_us, rem = us % day_us;
		if (rem < 0)
			rem += day_us, days--;
		SQL_TIMESTAMP_STRUCT *t = out;
		if (us == INT64_MAX || us == INT64_MIN)
			return endless(b, r, c, us == INT64_MIN, err);
		if (!civil(days, &t->year, &t->month, &t->day))
			return far(b, r, c, (long long)days + pg_epoch_days, rem, err);
		int64_t s = rem / 1000000;
		t->hour = (SQLUSMALLINT)(s / 3600);
		t->minute = (SQLUSMALLINT)(s / 60 % 60);
		t->second = (SQLUSMALLINT)(s % 60);
		t->fraction = (SQLUINTEGER)(rem % 1000000 * 1000);
		*ind = sizeof *t;
		return 0;
	}
	case SQL_C_BINARY:
		return text_value(b, r, c, v, n, err);
	case SQL_C_CHAR: {
		if (x->cls != RPL_CLASS_DECIMAL)
			return text_value(b, r, c, v, n, err);
		char tmp[160];
		long len = numeric_text(v, n, tmp, sizeof tmp);
		if (len < 0)
			break;
		if ((size_t)len >= sizeof tmp) {   /* past 159 characters: write it where it goes */
			size_t room = (size_t)x->width;
			if (x->ool) {                   /* a numeric without precision (xfer.c) */
				room = (size_t)len + 1;
				if ((out = rpl_xbuf_heap_put(b, r, c, room)) == NULL)
					return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
				rpl_xbuf_heap_used(b, room);
			}
			len = numeric_text(v, n, out, room);
			*ind = len;
			return 0;
		}
		return text_value(b, r, c, (const unsigned char *)tmp, (size_t)len, err);
	}
	default:
		break;
	}
	return bad_value(x, r, "a value of an unexpected binary form", err);
}

int
rpl_pgbinread_message(const unsigned char *m, size_t len, struct rpl_xbuf *b, size_t r, int *got, bool *end,
                      struct rpl_err *err)
{
	*got = 0;
	const unsigned char *p = m, *e = m + len;
	if (len >= sizeof signature + 8 && memcmp(p, signature, sizeof signature) == 0) {
		if (get32(p + sizeof signature) & 0xffff0000u)   /* bit 16: OIDs; the rest: unknown, critical */
			return rpl_err_set(err, RPL_ECONVERT, "source: binary COPY header flags 0x%08x are not understood",
			                   get32(p + sizeof signature));
		uint32_t ext = get32(p + sizeof signature + 4);
		p += sizeof signature + 8;
		if (ext > (size_t)(e - p))
			goto short_message;
		p += ext;
	}
	while (p < e) {
		if (e - p < 2)
			goto short_message;
		int16_t nf = (int16_t)get16(p);
		p += 2;
		if (nf == -1) {
			*end = true;
			return 0;
		}
		if (*got)
			return rpl_err_set(err, RPL_ECONVERT, "source: a binary COPY message holds more than one row");
		if ((size_t)nf != b->ncols)
			return rpl_err_set(err, RPL_ECONVERT, "source: COPY row has %d fields for %zu columns", nf, b->ncols);
		for (size_t c = 0; c < b->ncols; c++) {
			if (e - p < 4)
				goto short_message;
			int32_t n = (int32_t)get32(p);
			p += 4;
			if (n == -1) {
				*rpl_xind(b, r, c) = SQL_NULL_DATA;
				rpl_xbuf_null_ool(b, r, c);
				continue;
			}
			if (n < 0 || n > e - p)
				goto short_message;
			int rc = field(b, r, c, p, (size_t)n, err);
			if (rc < 0)
				return rc;
			p += n;
		}
		*got = 1;
	}
	return 0;
short_message:
	return rpl_err_set(err, RPL_ECONVERT, "source: a binary COPY message ends inside a row (%zu bytes)", len);
}
