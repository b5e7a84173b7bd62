/* lib/core/vcmp.c: canonical values and their comparison for verify and scan (see
 * vcmp.h). */
#include "vcmp.h"
#include "numtext.h"
#include "plan.h"
#include "xfer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_PER_DAY INT64_C(86400000000000)

size_t
rpl_vdec_norm(const char *in, size_t len, char *out, size_t n)
{
	size_t i = 0, o = 0;
	bool neg = false;
	if (n < 2)
		return 0;
	if (i < len && (in[i] == '-' || in[i] == '+'))
		neg = in[i++] == '-';
	while (i < len && in[i] == '0')
		i++;
	size_t ip = i;
	while (i < len && in[i] >= '0' && in[i] <= '9')
		i++;
	size_t ie = i, fp = i, fe = i;
	if (i < len && in[i] == '.') {
		fp = ++i;
		while (i < len && in[i] >= '0' && in[i] <= '9')
			i++;
		fe = i;
		while (fe > fp && in[fe - 1] == '0')
			fe--;
	}
	bool zero = ie == ip && fe == fp;
	if (neg && !zero)
		out[o++] = '-';
	if (ie == ip)
		out[o++] = '0';
	for (size_t k = ip; k < ie && o + 1 < n; k++)
		out[o++] = in[k];
	if (fe > fp && o + 2 < n) {
		out[o++] = '.';
		for (size_t k = fp; k < fe && o + 1 < n; k++)
			out[o++] = in[k];
	}
	out[o] = '\0';
	return o;
}

/* mag_cmp compares two non-negative normalized decimals. */
static int
mag_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	const char *ap = memchr(a, '.', an), *bp = memchr(b, '.', bn);
	size_t ai = ap ? (size_t)(ap - a) : an, bi = bp ? (size_t)(bp - b) : bn;
	if (ai != bi)
		return ai < bi ? -1 : 1;
	/* same integer length: the digits in order, the shorter fraction padded with 0 */
	size_t m = an > bn ? an : bn;
	for (size_t k = 0; k < m; k++) {
		char x = k < an ? a[k] : '0', y = k < bn ? b[k] : '0';
		if (x == '.' || y == '.')
			continue;
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

int
rpl_vdec_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	bool na = an > 0 && a[0] == '-', nb = bn > 0 && b[0] == '-';
	if (na != nb)
		return na ? -1 : 1;
	int m = mag_cmp(a + na, an - na, b + nb, bn - nb);
	return na ? -m : m;
}

/* parse_ts reads YYYY-MM-DD[( |T)HH:MM:SS[.fraction]] */
static bool
parse_ts(const char *s, size_t n, long *days, int64_t *ns)
{
	char t[64];
	if (n >= sizeof t)
		return false;
	memcpy(t, s, n);
	t[n] = '\0';
	int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
	if (sscanf(t, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10)
		return false;
	const char *p = t + used;
	int64_t frac = 0;
	if (*p == ' ' || *p == 'T') {
		/* seconds may be left out ('2024-01-05 10:00'), as ISO 8601 and the value
		 * rules allow (rules_iso_text_fits): a run wrote 10:00:00 */
		int u2 = 0, u3 = 0;
		if (sscanf(p + 1, "%2d:%2d%n", &h, &mi, &u2) != 2 || u2 != 5)
			return false;
		p += 1 + u2;
		if (*p == ':') {
			if (sscanf(p + 1, "%2d%n", &sec, &u3) != 1 || u3 != 2)
				return false;
			p += 1 + u3;
		}
		if (*p == '.') {
			int64_t scale = 100000000;
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
				frac += scale > 0 ? (*p - '0') * scale : 0;
		}
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31)
		return false;
	*days = rpl_day_to_days((struct rpl_day){ y, mo, d });
	*ns = ((int64_t)h * 3600 + mi * 60 + sec) * INT64_C(1000000000) + frac;
	return true;
}

static void
get_int(const struct rpl_xcol *x, const void *v, const char *p, size_t n, bool is_bool, struct rpl_vval *out)
{
	out->k = RPL_V_INT;
	switch (x->c_type) {
	case SQL_C_SBIGINT: out->i = *(const int64_t *)v; return;
	case SQL_C_BIT: out->i = *(const unsigned char *)v; return;
	case SQL_C_DOUBLE:
		if (rpl_double_int64(*(const double *)v, &out->i) == 0)
			return;
		break;
	case SQL_C_BINARY:   /* a MariaDB BIT(n) holding a BIT(1)'s 0 or 1: its bytes, big-endian */
		if (n <= 8) {
			uint64_t u = 0;
			for (size_t k = 0; k < n; k++)
				u = u << 8 | (unsigned char)p[k];
			if (u <= INT64_MAX) {
				out->i = (int64_t)u;
				return;
			}
		}
		break;
	case SQL_C_CHAR:
		if (rpl_numtext_int64(p, n, &out->i) == 0)
			return;
		if (is_bool && (n == 1 || n == 4 || n == 5)) {
			if (strncasecmp(p, "t", n) == 0 || strncasecmp(p, "true", n) == 0) {
				out->i = 1;
				return;
			}
			if (strncasecmp(p, "f", n) == 0 || strncasecmp(p, "false", n) == 0) {
				out->i = 0;
				return;
			}
		}
		break;
	}
	out->k = RPL_V_OTHER;
}

/* get_dbl_text: a double's text, or a decimal's compared as a double (a decimal into
 * a double column: -1e300 is 301 characters) */
static void
get_dbl_text(const char *p, size_t n, struct rpl_vval *out)
{
	char small[64], *t = n < sizeof small ? small : malloc(n + 1), *end;
	if (n == 0 || t == NULL) {
		out->k = RPL_V_OTHER;
		return;
	}
	memcpy(t, p, n);
	t[n] = '\0';
	out->d = strtod(t, &end);
	if (*end != '\0')
		out->k = RPL_V_OTHER;
	if (t != small)
		free(t);
}

static void
get_dec(const struct rpl_xcol *x, const void *v, const char *p, size_t n, struct rpl_vval *out)
{
	char plain[sizeof out->dec];
	int len = -1;
	if (x->c_type == SQL_C_SBIGINT)
		len = snprintf(plain, sizeof plain, "%lld", (long long)*(const int64_t *)v);
	else if (x->c_type == SQL_C_DOUBLE)
		len = rpl_numtext_from_double(*(const double *)v, plain, sizeof plain);
	else if (x->c_type == SQL_C_CHAR)
		len = rpl_numtext_plain(p, n, plain, sizeof plain);
	if (len < 0) {
		out->k = RPL_V_OTHER;
		return;
	}
	out->k = RPL_V_DEC;
	out->n = rpl_vdec_norm(plain, (size_t)len, out->dec, sizeof out->dec);
	out->p = out->dec;
}

bool
rpl_vts_struct(int c_type, const void *v, long *days, int64_t *ns)
{
	/* RPL_YEAR_FAR: a year outside 1..9999, its day number in month and day (xfer.h) */
	if (c_type == SQL_C_TYPE_DATE) {
		const SQL_DATE_STRUCT *t = v;
		*days = t->year == RPL_YEAR_FAR ? (long)rpl_xdate_far_days(t->month, t->day)
		                                : rpl_day_to_days((struct rpl_day){ t->year, t->month, t->day });
		*ns = 0;
		return true;
	}
	if (c_type == SQL_C_TYPE_TIMESTAMP) {
		const SQL_TIMESTAMP_STRUCT *t = v;
		*days = t->year == RPL_YEAR_FAR ? (long)rpl_xdate_far_days(t->month, t->day)
		                                : rpl_day_to_days((struct rpl_day){ t->year, t->month, t->day });
		*ns = ((int64_t)t->hour * 3600 + t->minute * 60 + t->second) * INT64_C(1000000000) + t->fraction;
		return true;
	}
	return false;
}

/* digits_ns: the unsigned number in s[*i..n) (at most max digits), or -1 */
static int64_t
digits_ns(const char *s, size_t n, size_t *i, int max)
{
	int64_t v = 0;
	int k = 0;
	for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++)
		if (++k > max)
			return -1;
		else
			v = v * 10 + (s[*i] - '0');
	return k == 0 ? -1 : v;
}

bool
rpl_vtime_parse(const char *s, size_t n, int64_t *ns)
{
	size_t i = 0;
	int64_t total = 0;
	bool any = false;
	for (int part = 0; part < 2 && i < n; part++) {
		bool neg = s[i] == '-';
		if (s[i] == '-' || s[i] == '+')
			i++;
		int64_t h = digits_ns(s, n, &i, 9);
		if (h < 0)
			return false;
		int64_t v;
		if (part == 0 && i < n && s[i] == ' ') {   /* "N day(s)" */
			i++;
			if (n - i >= 4 && memcmp(s + i, "days", 4) == 0)
				i += 4;
			else if (n - i >= 3 && memcmp(s + i, "day", 3) == 0)
				i += 3;
			else
				return false;
			if (__builtin_mul_overflow(h, 86400 * INT64_C(1000000000), &v))
				return false;   /* past ±292 years: no time of any engine */
			if (i < n && s[i++] != ' ')
				return false;
		} else {
			int64_t mi, sec, frac = 0;
			if (i >= n || s[i++] != ':' || (mi = digits_ns(s, n, &i, 2)) < 0 || mi > 59 || i >= n ||
			    s[i++] != ':' || (sec = digits_ns(s, n, &i, 2)) < 0 || sec > 59)
				return false;
			if (i < n && s[i] == '.') {
				int64_t scale = 100000000;
				size_t f0 = ++i;
				for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
					frac += scale > 0 ? (s[i] - '0') * scale : 0;
				if (i == f0)
					return false;
			}
			if (__builtin_mul_overflow(h * 3600 + mi * 60 + sec, INT64_C(1000000000), &v) ||
			    __builtin_add_overflow(v, frac, &v))
				return false;
			part = 2;   /* the time is last */
		}
		if (__builtin_add_overflow(total, neg ? -v : v, &total))
			return false;
		any = true;
	}
	if (!any || i != n)
		return false;
	*ns = total;
	return true;
}

/* dur_cut: |ns| cut (round false) or rounded to digits, its sign kept */
static int64_t
dur_cut(int64_t ns, int digits, bool round)
{
	int64_t m = ns < 0 ? -ns : ns, out;
	int64_t unit = 1;
	for (int k = digits < 0 ? 0 : digits; k < 9; k++)
		unit *= 10;
	out = m / unit * unit;
	if (round && (m % unit) * 2 >= unit)
		out += unit;
	return ns < 0 ? -out : out;
}

static void
get_ts(const struct rpl_xcol *x, const void *v, const char *p, size_t n, struct rpl_vval *out)
{
	out->k = RPL_V_TS;
	if (rpl_vts_struct(x->c_type, v, &out->days, &out->ns))
		return;
	if (x->c_type == SQL_C_CHAR && parse_ts(p, n, &out->days, &out->ns))
		return;
	out->k = RPL_V_OTHER;
}

/* get_verbatim: a SQLite value as SQLite stored it (xfer.h RPL_XV_*), whatever its
 * column: an INTEGER as a number and a REAL as its bits (SQLite orders the two by
 * value, rpl_vval_order too), a TEXT as its bytes, a BLOB as its bytes of another
 * kind (after every TEXT, as SQLite orders them; never equal to one) */
static void
get_verbatim(const char *p, size_t n, struct rpl_vval *out)
{
	out->k = RPL_V_OTHER;
	if (n == 0)
		return;
	out->p = p + 1;
	out->n = n - 1;
	switch ((unsigned char)p[0]) {
	case RPL_XV_INTEGER:
		if (n - 1 == sizeof out->i) {
			memcpy(&out->i, p + 1, sizeof out->i);
			out->k = RPL_V_INT;
		}
		return;
	case RPL_XV_REAL:
		if (n - 1 == sizeof out->d) {
			memcpy(&out->d, p + 1, sizeof out->d);
			out->k = RPL_V_DBL;
		}
		return;
	case RPL_XV_TEXT: out->k = RPL_V_BYTES; return;
	default: return;   /* a BLOB */
	}
}

/* int_dbl_cmp: an integer against a double by value (SQLite's order of its INTEGER
 * and REAL values); equal values as the integer first; NaN last */
static int
int_dbl_cmp(int64_t i, double d)
{
	if (d != d)
		return -1;
	if (d >= 9223372036854775808.0)
		return -1;
	if (d < -9223372036854775808.0)
		return 1;
	int64_t t = (int64_t)d;   /* d toward zero, in range */
	if (i != t)
		return i < t ? -1 : 1;
	double frac = d - (double)t;
	return frac > 0 ? -1 : frac < 0 ? 1 : -1;
}

void
rpl_vval_get(const struct rpl_xbuf *b, size_t r, size_t c, enum rpl_class cls, bool pad, struct rpl_vval *out)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLLEN ind = *rpl_xind(b, r, c);
	out->p = "";
	out->n = 0;
	if (ind == SQL_NULL_DATA) {
		out->k = RPL_V_NULL;
		return;
	}
	const void *v = rpl_xval(b, r, c);
	const char *p = "";
	size_t n = 0;
	if (ind == RPL_IND_MISFIT) {
		const struct rpl_misfit *m = rpl_xbuf_misfit_find(b, r, c);
		out->k = RPL_V_OTHER;
		out->p = m != NULL ? m->value : "";
		out->n = strlen(out->p);
		return;
	}
	if (x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY)
		rpl_xtext(b, r, c, ind, &p, &n);
	out->p = p;
	out->n = n;
	if (x->verbatim) {
		get_verbatim(p, n, out);
		return;
	}
	switch (cls) {
	case RPL_CLASS_INT:
	case RPL_CLASS_BOOL:
		get_int(x, v, p, n, cls == RPL_CLASS_BOOL, out);
		return;
	case RPL_CLASS_DECIMAL:
		get_dec(x, v, p, n, out);
		return;
	case RPL_CLASS_DOUBLE:
		out->k = RPL_V_DBL;
		if (x->c_type == SQL_C_DOUBLE)
			out->d = *(const double *)v;
		else if (x->c_type == SQL_C_SBIGINT)
			out->d = (double)*(const int64_t *)v;
		else
			get_dbl_text(p, n, out);
		return;
	case RPL_CLASS_DATE:
	case RPL_CLASS_TIMESTAMP:
		get_ts(x, v, p, n, out);
		return;
	case RPL_CLASS_TIME:
		if (x->c_type == SQL_C_CHAR && rpl_vtime_parse(p, n, &out->ns)) {
			out->k = RPL_V_DUR;
			return;
		}
		/* a time with its zone: compared as its bytes */
		__attribute__((fallthrough));
	default:
		if (x->c_type != SQL_C_CHAR && x->c_type != SQL_C_BINARY) {
			out->k = RPL_V_OTHER;
			return;
		}
		out->k = RPL_V_BYTES;
		if (pad)
			while (out->n > 0 && out->p[out->n - 1] == ' ')
				out->n--;
		return;
	}
}

static int
bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c != 0)
		return c < 0 ? -1 : 1;
	return an == bn ? 0 : an < bn ? -1 : 1;
}

/* ts_cut: ns cut (round false) or rounded to digits; a rounding past midnight moves
 * to the next day. */
static void
ts_cut(long days, int64_t ns, int digits, bool round, long *od, int64_t *ons)
{
	int64_t unit = 1;
	for (int k = digits < 0 ? 0 : digits; k < 9; k++)
		unit *= 10;
	int64_t q = ns / unit, rem = ns % unit;
	if (round && rem * 2 >= unit)
		q++;
	*ons = q * unit;
	*od = days;
	if (*ons >= NS_PER_DAY) {
		*ons -= NS_PER_DAY;
		(*od)++;
	}
}

bool
rpl_vval_equal(const struct rpl_vval *s, const struct rpl_vval *t, int ts_digits)
{
	if (s->k != t->k)
		return false;
	switch (s->k) {
	case RPL_V_NULL: return true;
	case RPL_V_INT: return s->i == t->i;
	case RPL_V_DBL: return memcmp(&s->d, &t->d, sizeof s->d) == 0;
	case RPL_V_TS: {
		if (s->days == t->days && s->ns == t->ns)
			return true;
		for (int round = 0; round < 2; round++) {
			long d;
			int64_t ns;
			ts_cut(s->days, s->ns, ts_digits, round, &d, &ns);
			if (d == t->days && ns == t->ns)
				return true;
		}
		return false;
	}
	case RPL_V_DEC: return s->n == t->n && memcmp(s->dec, t->dec, s->n) == 0;
	case RPL_V_DUR:
		return s->ns == t->ns || dur_cut(s->ns, ts_digits, false) == t->ns || dur_cut(s->ns, ts_digits, true) == t->ns;
	default:
		return s->n == t->n && memcmp(s->p, t->p, s->n) == 0;
	}
}

int
rpl_vval_order(const struct rpl_vval *a, const struct rpl_vval *b)
{
	if (a->k == RPL_V_INT && b->k == RPL_V_DBL)
		return int_dbl_cmp(a->i, b->d);
	if (a->k == RPL_V_DBL && b->k == RPL_V_INT)
		return -int_dbl_cmp(b->i, a->d);
	if (a->k != b->k)
		return a->k < b->k ? -1 : 1;
	switch (a->k) {
	case RPL_V_NULL: return 0;
	case RPL_V_INT: return a->i < b->i ? -1 : a->i > b->i;
	case RPL_V_DBL: return a->d < b->d ? -1 : a->d > b->d;
	case RPL_V_DEC: return rpl_vdec_cmp(a->dec, a->n, b->dec, b->n);
	case RPL_V_TS:
		if (a->days != b->days)
			return a->days < b->days ? -1 : 1;
		return a->ns < b->ns ? -1 : a->ns > b->ns;
	case RPL_V_DUR: return a->ns < b->ns ? -1 : a->ns > b->ns;
	default: return bytes_cmp(a->p, a->n, b->p, b->n);
	}
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

uint64_t
rpl_vval_hash(const struct rpl_vval *v, int ts_digits, uint64_t h)
{
	unsigned char tag = (unsigned char)v->k;
	h = fnv(h, &tag, 1);
	switch (v->k) {
	case RPL_V_NULL: return h;
	case RPL_V_INT: return fnv(h, &v->i, sizeof v->i);
	case RPL_V_DBL: return fnv(h, &v->d, sizeof v->d);
	case RPL_V_TS: {
		long d;
		int64_t ns;
		ts_cut(v->days, v->ns, ts_digits, false, &d, &ns);
		int64_t dd = d;
		h = fnv(h, &dd, sizeof dd);
		return fnv(h, &ns, sizeof ns);
	}
	case RPL_V_DUR: {
		int64_t ns = dur_cut(v->ns, ts_digits, false);
		return fnv(h, &ns, sizeof ns);
	}
	default:
		h = fnv(h, &v->n, sizeof v->n);
		return fnv(h, v->k == RPL_V_DEC ? v->dec : v->p, v->n);
	}
}
