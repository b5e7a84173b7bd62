/* lib/pg/pg_binary.c: binary COPY tuples from the transport buffer (see pg_binary.h).
 * Formats, from PostgreSQL's send functions: integers big-endian of the column's
 * width, float8 IEEE big-endian, date int32 days and timestamp int64 microseconds
 * since 2000-01-01, bool one byte, text and bytea raw, numeric as
 * (ndigits, weight, sign, dscale, base-10000 digits), all int16 big-endian. */
#include "pg_binary.h"
#include "plan.h"
#include "sbuf.h"
#include "xfer.h"
#include <string.h>
#include <strings.h>

static const char copy_signature[11] = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0' };

/* Writers into reserved room: one rpl_sbuf_grow per value instead of an append per
 * field (appends were 11% of replicad's instructions into PostgreSQL, callgrind). */
static inline unsigned char *
w16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8), p[1] = (unsigned char)v;
	return p + 2;
}

static inline unsigned char *
w32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16), p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
	return p + 4;
}

static inline unsigned char *
w64(unsigned char *p, uint64_t v)
{
	return w32(w32(p, (uint32_t)(v >> 32)), (uint32_t)v);
}

static void
be16(struct rpl_sbuf *o, uint16_t v)
{
	char b[2] = { (char)(v >> 8), (char)v };
	rpl_sbuf_addn(o, b, 2);
}

static void
be32(struct rpl_sbuf *o, uint32_t v)
{
	char b[4] = { (char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v };
	rpl_sbuf_addn(o, b, 4);
}

void
rpl_pgbinary_header(struct rpl_sbuf *out)
{
	rpl_sbuf_addn(out, copy_signature, sizeof copy_signature);
	be32(out, 0);   /* flags */
	be32(out, 0);   /* header extension length */
}

void
rpl_pgbinary_trailer(struct rpl_sbuf *out)
{
	be16(out, 0xFFFF);
}

/* type names as psqlODBC's catalog gives them */
static bool
is_type(const char *t, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcasecmp(t, *names) == 0)
			return true;
	return false;
}

bool
rpl_pgbinary_usable(const struct rpl_xbuf *b, bool source)
{
	static const char *const ints[] = { "int2", "int4", "int8", NULL };
	static const char *const texts[] = { "text", "varchar", "bpchar", "name", NULL };
	static const char *const stamps[] = { "timestamp", "timestamptz", NULL };
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		const char *t = (source ? x->src : x->dst)->type_name;
		bool ok;
		switch (x->c_type) {
		case SQL_C_SBIGINT: ok = is_type(t, ints); break;
		case SQL_C_DOUBLE: ok = strcasecmp(t, "float8") == 0; break;
		case SQL_C_TYPE_DATE: ok = strcasecmp(t, "date") == 0; break;
		case SQL_C_TYPE_TIMESTAMP: ok = is_type(t, stamps); break;
		case SQL_C_BIT: ok = strcasecmp(t, "bool") == 0; break;
		case SQL_C_BINARY: ok = strcasecmp(t, "bytea") == 0; break;
		case SQL_C_CHAR:
			/* text into bytea: its bytes, as they are (bytea's binary form is raw) */
			ok = (x->cls == RPL_CLASS_TEXT && (is_type(t, texts) || (!source && strcasecmp(t, "bytea") == 0))) ||
			     (x->cls == RPL_CLASS_DECIMAL && strcasecmp(t, "numeric") == 0);
			break;
		default: ok = false; break;
		}
		if (!ok)
			return false;
	}
	return true;
}

/* numeric_room: the most bytes numeric_put writes for n characters of decimal text */
static size_t numeric_room(size_t n) { return 8 + 2 * (n / 4 + 2); }

/* numeric_special: NaN or ±Infinity at p as numeric_put writes them; NULL when s
 * is neither */
static unsigned char *
numeric_special(const char *s, size_t n, unsigned char *p)
{
	/* what PostgreSQL's numeric holds beside numbers: NaN (and, unconstrained,
	 * ±Infinity from version 14), as its text form spells them */
	static const struct { const char *text; uint16_t sign; } special[] = {
		{ "NaN", 0xC000 }, { "Infinity", 0xD000 }, { "-Infinity", 0xF000 },
	};
	bool maybe = n > 0 && (s[0] == 'N' || s[0] == 'I' || (s[0] == '-' && n > 1 && s[1] == 'I'));
	for (size_t k = 0; maybe && k < sizeof special / sizeof special[0]; k++)
		if (n == strlen(special[k].text) && memcmp(s, special[k].text, n) == 0) {
			p = w16(p, 0);
			p = w16(p, 0);
			p = w16(p, special[k].sign);
			return w16(p, 0);
		}
	return NULL;
}

/* numeric_groups: the digits of the integer part ip[0..nint) (no leading zeros) and
 * of the fraction fp[0..nfrac) as base-10000 groups into digits; returns how many */
static size_t
numeric_groups(const char *ip, size_t nint, const char *fp, size_t nfrac, uint16_t *digits)
{
	size_t k = 0;
	const char *q = ip;
	if (nint > 0) {
		size_t lead = nint % 4 ? nint % 4 : 4;
		unsigned v = 0;
		for (size_t j = 0; j < lead; j++)
			v = v * 10 + (unsigned)(q[j] - '0');
		digits[k++] = (uint16_t)v;
		for (q += lead; q < ip + nint; q += 4)
			digits[k++] = (uint16_t)((q[0] - '0') * 1000 + (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0'));
	}
	q = fp;
	for (size_t g = 0; g < nfrac / 4; g++, q += 4)
		digits[k++] = (uint16_t)((q[0] - '0') * 1000 + (q[1] - '0') * 100 + (q[2] - '0') * 10 + (q[3] - '0'));
	if (nfrac % 4) {
		unsigned v = 0;
		size_t j = 0;
		for (; j < nfrac % 4; j++)
			v = v * 10 + (unsigned)(q[j] - '0');
		for (; j < 4; j++)
			v *= 10;
		digits[k++] = (uint16_t)v;
	}
	return k;
}

/* numeric_write: the numeric's header and its groups digits[0..k) at p, leading and
 * trailing zero groups dropped; returns the end */
static unsigned char *
numeric_write(unsigned char *p, const uint16_t *digits, size_t k, int weight, bool neg,
              uint16_t dscale)
{
	size_t first = 0, last = k;
	while (first < last && digits[first] == 0) {   /* leading zero groups */
		first++;
		weight--;
	}
	while (last > first && digits[last - 1] == 0)  /* trailing zero groups */
		last--;
	if (first == last) {                           /* zero */
		p = w16(p, 0);
		p = w16(p, 0);
		p = w16(p, 0);
		return w16(p, dscale);
	}
	p = w16(p, (uint16_t)(last - first));
	p = w16(p, (uint16_t)(int16_t)weight);
	p = w16(p, neg ? 0x4000 : 0x0000);
	p = w16(p, dscale);
	for (size_t g = first; g < last; g++)
		p = w16(p, digits[g]);
	return p;
}

/* numeric_put writes the numeric's binary form at p (numeric_room(n) bytes free);
 * returns the end, or NULL when s is not plain decimal text. */
static unsigned char *
numeric_put(const char *s, size_t n, unsigned char *p)
{
	unsigned char *e = numeric_special(s, n, p);
	if (e != NULL)
		return e;
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	size_t int_start = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	size_t int_end = i, frac_start = i, frac_end = i;
	if (i < n && s[i] == '.') {
		frac_start = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		frac_end = i;
	}
	if (i != n || (int_end == int_start && frac_end == frac_start))
		return NULL;
	while (int_start < int_end && s[int_start] == '0')
		int_start++;
	size_t nint = int_end - int_start, nfrac = frac_end - frac_start;
	uint16_t dscale = (uint16_t)nfrac;
	/* base-10000 groups: the integer part from the right, the fraction from the left */
	size_t int_groups = (nint + 3) / 4, frac_groups = (nfrac + 3) / 4;
	uint16_t digits[512];
	if (int_groups + frac_groups > sizeof digits / sizeof digits[0])
		return NULL;
	/* four digits at a time: the integer part's first group takes what is left over
	 * (as if padded with zeros on the left), the fraction's last group is padded on
	 * the right; a branch per digit was most of this function's cost */
	size_t k = numeric_groups(s + int_start, nint, s + frac_start, nfrac, digits);
	return numeric_write(p, digits, k, (int)int_groups - 1, neg, dscale);
}

bool
rpl_pgbinary_numeric(const char *s, size_t n, struct rpl_sbuf *out)
{
	if (!rpl_sbuf_grow(out, numeric_room(n)))
		return false;
	unsigned char *start = (unsigned char *)out->s + out->len, *end = numeric_put(s, n, start);
	if (end == NULL)
		return false;
	out->len += (size_t)(end - start);
	out->s[out->len] = '\0';
	return true;
}



static const long pg_epoch_days = 10957;   /* 2000-01-01 in days since 1970-01-01 */

/* put_temporal: a date or timestamp value at p, as days or microseconds since
 * 2000-01-01 (PostgreSQL's ±infinity at the ends of the range, its dates outside
 * years 1..9999 from their day number, RPL_YEAR_FAR); returns the end */
static unsigned char *
put_temporal(const struct rpl_xcol *x, const void *v, unsigned char *p)
{
	switch (x->c_type) {
	case SQL_C_TYPE_DATE: {
		const SQL_DATE_STRUCT *d = v;
		if (x->endless && (d->year == RPL_YEAR_INFINITY || d->year == RPL_YEAR_MINUS_INFINITY))
			return w32(w32(p, 4), d->year > 0 ? (uint32_t)INT32_MAX : (uint32_t)INT32_MIN);
		long long days = x->endless && d->year == RPL_YEAR_FAR ? rpl_xdate_far_days(d->month, d->day)
		                 : rpl_day_to_days((struct rpl_day){ d->year, d->month, d->day });
		return w32(w32(p, 4), (uint32_t)(int32_t)(days - pg_epoch_days));
	}
	case SQL_C_TYPE_TIMESTAMP: {
		const SQL_TIMESTAMP_STRUCT *t = v;
		if (x->endless && (t->year == RPL_YEAR_INFINITY || t->year == RPL_YEAR_MINUS_INFINITY))
			return w64(w32(p, 8), t->year > 0 ? (uint64_t)INT64_MAX : (uint64_t)INT64_MIN);
		long long days = (x->endless && t->year == RPL_YEAR_FAR ? rpl_xdate_far_days(t->month, t->day)
		                  : rpl_day_to_days((struct rpl_day){ t->year, t->month, t->day })) - pg_epoch_days;
		int64_t us = ((int64_t)days * 86400 + t->hour * 3600 + t->minute * 60 + t->second) * 1000000 +
		             t->fraction / 1000;
		return w64(w32(p, 8), (uint64_t)us);
	}
	default:
		return p;
	}
}

/* put_value: one value of row r that is not NULL, with its length, at p (room
 * enough, rpl_pgbinary_rows); returns the end, or NULL with err set */
static unsigned char *
put_value(const struct rpl_xcol *x, const void *v, SQLLEN ind, unsigned char *p, size_t r,
          struct rpl_err *err)
{
	switch (x->c_type) {
	case SQL_C_SBIGINT: {
		int64_t i = *(const int64_t *)v;
		int w = x->dst->int_bytes;
		p = w32(p, (uint32_t)w);
		if (w == 2)
			p = w16(p, (uint16_t)(int16_t)i);
		else if (w == 4)
			p = w32(p, (uint32_t)(int32_t)i);
		else
			p = w64(p, (uint64_t)i);
		break;
	}
	case SQL_C_DOUBLE: {
		uint64_t u;
		memcpy(&u, v, 8);
		p = w64(w32(p, 8), u);
		break;
	}
	case SQL_C_TYPE_DATE:
	case SQL_C_TYPE_TIMESTAMP:
		p = put_temporal(x, v, p);
		break;
	case SQL_C_BIT:
		p = w32(p, 1);
		*p++ = *(const unsigned char *)v ? 1 : 0;
		break;
	case SQL_C_BINARY:
	case SQL_C_CHAR:
		if (x->cls == RPL_CLASS_DECIMAL) {
			unsigned char *end = numeric_put(v, (size_t)ind, p + 4);
			if (end == NULL) {
				rpl_err_set(err, RPL_ECONVERT, "column %s: \"%.40s\" is not a plain decimal",
				            x->src->name, (const char *)v);
				rpl_err_where(err, NULL, x->src->name, (int64_t)r);
				return NULL;
			}
			w32(p, (uint32_t)(end - p - 4));   /* the length, known once written */
			p = end;
		} else {
			p = w32(p, (uint32_t)ind);
			memcpy(p, v, (size_t)ind);
			p += ind;
		}
		break;
	default:
		rpl_err_set(err, RPL_EINVAL, "column %s: no binary COPY form", x->src->name);
		return NULL;
	}
	return p;
}

int
rpl_pgbinary_rows(const struct rpl_xbuf *b, size_t n, struct rpl_sbuf *out, struct rpl_err *err)
{
	for (size_t r = 0; r < n; r++) {
		if (!rpl_sbuf_grow(out, 2))
			return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering COPY data");
		w16((unsigned char *)out->s + out->len, (uint16_t)b->ncols);
		out->len += 2;
		for (size_t c = 0; c < b->ncols; c++) {
			const struct rpl_xcol *x = &b->cols[c];
			SQLLEN ind = *rpl_xind(b, r, c);
			bool var = x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY;
			size_t room = 4 + (ind == SQL_NULL_DATA ? 0 : !var ? 8 : x->cls == RPL_CLASS_DECIMAL
			                   ? numeric_room((size_t)ind) : (size_t)ind);
			if (!rpl_sbuf_grow(out, room))
				return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering COPY data");
			unsigned char *start = (unsigned char *)out->s + out->len, *p = start;
			if (ind == SQL_NULL_DATA) {
				w32(p, 0xFFFFFFFFu);
				out->len += 4;
				continue;
			}
			p = put_value(x, rpl_xval(b, r, c), ind, p, r, err);
			if (p == NULL)
				return err->code;
			out->len += (size_t)(p - start);
		}
	}
	if (out->s != NULL)
		out->s[out->len] = '\0';
	return 0;
}
