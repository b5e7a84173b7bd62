/* lib/core/rules_cross.c: a value into a target column of another class than its
 * source's (a table the user created: a decimal into an integer, a double into a
 * numeric(p,s), an exact number into a double or a float, a timestamp into a date).
 * The target would round, cut or drop what does not fit without a word (MariaDB
 * rounded 2.5 into an INT to 3, PostgreSQL 0.125 into numeric(10,2) to 0.13, a
 * timestamp into a date lost its time of day), so the row is rejected instead,
 * naming the value and what the column would make of it (docs/engines.md "How
 * values travel"). A value the column holds as the same number passes. So does
 * text that spells a number into a numeric column (MariaDB rounded '4.5' into an
 * INT to 5, PostgreSQL '1.239' into numeric(10,2) to 1.24), and an integer into a
 * boolean only as 0 or 1 (PostgreSQL made 2 and -1 true). */
#include "rules_int.h"
#include "dialect.h"
#include "numtext.h"
#include "vcmp.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>

/* int_fits: does i fit the target's integer of dst->int_bytes (SQL Server's TINYINT
 * is unsigned)? */
static bool
int_fits(const struct rpl_rules *ru, const struct rpl_column *dst, int64_t i)
{
	/* a MariaDB UNSIGNED, MEDIUMINT or YEAR; a YEAR's 0 only from an integer column
	 * (rules.c): the text '0' of a decimal, a double or a text is read as 2000 */
	int64_t lo, hi;
	if (rules_maria_int_bounds(ru, dst, &lo, &hi))
		return i >= lo && i <= hi;
	if (dst->int_bytes <= 0 || dst->int_bytes >= 8)
		return true;
	hi = (INT64_C(1) << (dst->int_bytes * 8 - 1)) - 1, lo = -hi - 1;
	if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && dst->int_bytes == 1)
		lo = 0, hi = 255;
	return i >= lo && i <= hi;
}

/* same_decimal: do the plain decimals a and b name the same number? (their normal
 * forms in room for all of them: a decimal may have 147457 characters) */
static bool
same_decimal(const char *a, const char *b)
{
	size_t al = strlen(a), bl = strlen(b);
	char *na = malloc(al + 2), *nb = malloc(bl + 2);
	bool same = false;
	if (na != NULL && nb != NULL) {
		size_t la = rpl_vdec_norm(a, al, na, al + 2), lb = rpl_vdec_norm(b, bl, nb, bl + 2);
		same = la == lb && memcmp(na, nb, la) == 0;
	}
	free(na);
	free(nb);
	return same;
}

/* as_stored: the decimal a double column (single: a float column) would hold for the
 * plain decimal text t, into out as a plain decimal; false when t is no finite number */
static bool
as_stored(const char *t, bool single, char *out, size_t n)
{
	char *end;
	double d = strtod(t, &end);
	if (end == t || *end != '\0' || !isfinite(d))
		return false;
	char sp[48];
	if (single) {
		float f = (float)d;
		if (!isfinite(f)) {
			snprintf(out, n, "beyond a float's range");
			return true;
		}
		d = rpl_numtext_float_decimal((double)f);   /* the double of the float's shortest decimal */
	}
	rpl_numtext_shortest(d, sp, sizeof sp);
	if (rpl_numtext_plain(sp, strlen(sp), out, n) < 0)
		snprintf(out, n, "%s", sp);
	return true;
}

/* exactly_held: is the plain decimal t exactly the value of a double (single: a
 * float), whose shortest spelling is another? -2^63 is a double: its shortest
 * spelling, -9223372036854776000, is not the integer, the double is. glibc prints a
 * double's exact digits; a double has at most 1074 fraction digits and 309 integer
 * digits. Asked only where the shortest spellings differ. */
static bool
exactly_held(const char *t, bool single)
{
	double d = strtod(t, NULL);
	if (single)
		d = (double)(float)d;
	if (!isfinite(d))
		return false;
	enum { ROOM = 1500 };
	char *exact = malloc(ROOM);
	bool same = false;
	if (exact != NULL) {
		int n = snprintf(exact, ROOM, "%.1074f", d);
		same = n > 0 && n < ROOM && same_decimal(t, exact);
	}
	free(exact);
	return same;
}

/* into_int: a decimal (text) or a double into an integer column */
static bool
into_int(const struct rpl_rules *ru, const struct rpl_xcol *x, char *v, SQLLEN *ind, enum rpl_rule *rule, char *why,
         size_t wn)
{
	int64_t i;
	int r;
	char t[48];
	const char *shown = v;
	if (x->as_text) {
		r = rpl_numtext_int64(v, (size_t)*ind, &i);
	} else {
		double d = *(const double *)v;
		if (!isfinite(d))
			return true;   /* the NaN rule's */
		rpl_numtext_shortest(d, t, sizeof t);
		shown = t;
		r = rpl_numtext_int64(t, strlen(t), &i);
	}
	if (r == RPL_NUMTEXT_NAN)
		return true;       /* not a number: the class's own rules judge it */
	if (r == RPL_NUMTEXT_FRACTION) {
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "%.60s has a fraction that the integer column %s would round away", shown, x->dst->name);
		return false;
	}
	if (r == RPL_NUMTEXT_RANGE || !int_fits(ru, x->dst, i)) {
		*rule = RPL_RULE_INT_RANGE;
		snprintf(why, wn, "%.60s does not fit the integer column %s", shown, x->dst->name);
		return false;
	}
	/* "7.000" is 7, which an integer column takes (PostgreSQL refused the spelling), and
	 * so is sqliteodbc's "1.5e+15" of a REAL: written as its digits where they fit (an
	 * out-of-line value's room is its own length) */
	if (x->as_text && strpbrk(v, ".eE") != NULL) {
		char digits[24];
		int n = snprintf(digits, sizeof digits, "%lld", (long long)i);
		if (n <= *ind || (!x->ool && n < x->width)) {
			memcpy(v, digits, (size_t)n + 1);
			*ind = n;
		}
	}
	return true;
}

/* into_decimal: a double into a numeric(p,s) that would round it */
static bool
into_decimal(const struct rpl_xcol *x, const char *v, enum rpl_rule *rule, char *why, size_t wn)
{
	double d;
	if (x->as_text) {
		char *end;
		d = strtod(v, &end);
		if (end == v || *end != '\0')
			return true;
	} else {
		d = *(const double *)v;
	}
	if (!isfinite(d))
		return true;       /* the NaN rule's */
	char sp[48], plain[400];
	rpl_numtext_shortest(d, sp, sizeof sp);
	if (rpl_numtext_plain(sp, strlen(sp), plain, sizeof plain) < 0 ||
	    !rules_decimal_fits(plain, x->dst->size, x->dst->scale, why, wn)) {
		*rule = RPL_RULE_PRECISION;
		if (strstr(why, "NUMERIC") == NULL)
			snprintf(why, wn, "the double %s does not fit NUMERIC(%ld,%d)", sp, x->dst->size, x->dst->scale);
		return false;
	}
	return true;
}

/* shown_number: the number a reason names: its plain spelling, or, when that is
 * longer than a reason shows, spelled (a double's shortest spelling, 1e+300) or
 * its first digits and how many there are */
static const char *
shown_number(const char *plain, const char *spelled, char *out, size_t n)
{
	size_t len = strlen(plain);
	if (len <= 60)
		return plain;
	if (spelled != NULL)
		return spelled;
	snprintf(out, n, "%.30s… (%zu characters)", plain, len);
	return out;
}

/* into_double: an integer or a decimal into a double column (single: a float one)
 * that would hold another number; spelled: the source's own spelling of a double
 * (NULL: none), for the reason */
static bool
into_double(const struct rpl_xcol *x, const char *v, SQLLEN ind, const char *spelled, enum rpl_rule *rule,
            char *why, size_t wn)
{
	bool single = x->dst->sql_type == SQL_REAL;
	char held[400];
	/* room for the plain spelling of any decimal a double could be (1e308: 309 digits)
	 * and of the longest decimal text */
	size_t cap = (size_t)ind + 400;
	char *src = malloc(cap);
	if (src == NULL)
		return true;       /* the copy's own allocation would fail next */
	int n = x->cls == RPL_CLASS_INT && !x->as_text ? snprintf(src, cap, "%lld", (long long)*(const int64_t *)v)
	                                               : rpl_numtext_plain(v, (size_t)ind, src, cap);
	bool stored = n >= 0 && as_stored(src, single, held, sizeof held);
	bool same = n == RPL_NUMTEXT_NAN || (stored && (same_decimal(src, held) || exactly_held(src, single)));
	if (n >= 0 && !stored)
		snprintf(held, sizeof held, "beyond a double's range");
	if (same) {   /* NaN: not a number, the class's own rules judge it */
		free(src);
		return true;
	}
	if (n < 0)
		snprintf(held, sizeof held, "another number (more digits than any double spells)");
	*rule = RPL_RULE_PRECISION;
	char cut[80];
	const char *shown = shown_number(n >= 0 ? src : (const char *)v, spelled, cut, sizeof cut);
	if (strncmp(held, "beyond", 6) == 0)
		snprintf(why, wn, "%.60s is beyond the range of the %s column %s", shown,
		         single ? "single-precision" : "double", x->dst->name);
	else
		snprintf(why, wn, "%.60s would be stored as %.60s by the %s column %s", shown, held,
		         single ? "single-precision" : "double", x->dst->name);
	free(src);
	return false;
}

/* into_float: a double into a float column that would hold another number */
static bool
into_float(const struct rpl_xcol *x, const char *v, enum rpl_rule *rule, char *why, size_t wn)
{
	char sp[48];
	if (x->as_text)
		snprintf(sp, sizeof sp, "%.40s", v);
	else if (!isfinite(*(const double *)v))
		return true;       /* the NaN rule's */
	else
		rpl_numtext_shortest(*(const double *)v, sp, sizeof sp);
	char src[400];
	if (rpl_numtext_plain(sp, strlen(sp), src, sizeof src) < 0)
		return true;
	return into_double(x, src, (SQLLEN)strlen(src), sp, rule, why, wn);
}

/* into_unsigned: an integer, a double or text into MariaDB's BIGINT UNSIGNED: a
 * number from 0 to 2^64 - 1 (the server refused -1 as the row's failure) */
static bool
into_unsigned(const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule, char *why, size_t wn)
{
	char t[400];
	if (x->cls == RPL_CLASS_INT && !x->as_text)
		snprintf(t, sizeof t, "%lld", (long long)*(const int64_t *)v);
	else if (x->cls == RPL_CLASS_DOUBLE && !x->as_text)
		rpl_numtext_shortest(*(const double *)v, t, sizeof t);
	else if (x->c_type != SQL_C_CHAR || rpl_numtext_plain(v, (size_t)ind, t, sizeof t) < 0)
		return true;       /* no number: the class's own rules, or the server, judge it */
	char plain[400];
	if (rpl_numtext_plain(t, strlen(t), plain, sizeof plain) < 0 || rules_maria_unsigned_fits(plain))
		return true;
	*rule = RPL_RULE_INT_RANGE;
	snprintf(why, wn, "%.60s does not fit %.60s", t, x->dst->decl);
	return false;
}

/* int_into_bool: an integer into a boolean column (PostgreSQL's boolean, a BIT(1)):
 * 0 or 1, or the row is rejected */
static bool
int_into_bool(const struct rpl_xcol *x, char *v, SQLLEN *ind, enum rpl_rule *rule, char *why, size_t wn)
{
	int64_t i;
	if (x->as_text ? !rules_int_text(v, ind, &i, rule, why, wn) : (memcpy(&i, v, sizeof i), false))
		return false;
	if (i == 0 || i == 1)
		return true;
	*rule = RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "%lld is a boolean other than 0 or 1", (long long)i);
	return false;
}

/* text_into_int: text into an integer column: a number without a fraction that the
 * column holds, respelled as its digits where they fit ("42 " of a CHAR(n), "3.0",
 * "1e3"), or the row is rejected */
static bool
text_into_int(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, char *v, SQLLEN *ind,
              enum rpl_rule *rule, char *why, size_t wn)
{
	const struct rpl_xcol *x = &b->cols[c];
	int64_t i;
	int rc = rpl_numtext_int64(v, (size_t)*ind, &i);   /* spaces around it dropped (text_into_number) */
	if (rc == RPL_NUMTEXT_FRACTION) {
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "\"%.60s\" has a fraction that the integer column %s would round away", v, x->dst->name);
		return false;
	}
	if (rc == RPL_NUMTEXT_RANGE || (rc == 0 && !int_fits(ru, x->dst, i))) {
		*rule = RPL_RULE_INT_RANGE;
		snprintf(why, wn, "\"%.60s\" does not fit the integer column %s", v, x->dst->name);
		return false;
	}
	if (rc < 0) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "\"%.60s\" is not a number for the integer column %s", v, x->dst->name);
		return false;
	}
	char digits[24], *room;
	int k = snprintf(digits, sizeof digits, "%lld", (long long)i);
	if (k <= *ind || (!x->ool && k < x->width)) {
		memcpy(v, digits, (size_t)k + 1);
	} else if (x->ool && (room = rpl_xbuf_heap_put(b, r, c, (size_t)k + 1)) != NULL) {
		memcpy(room, digits, (size_t)k + 1);   /* "1e3" is 1000: room of its own in the heap */
		rpl_xbuf_heap_used(b, (size_t)k + 1);
	} else {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "\"%.60s\" is %s, more characters than its column %s gives it", v, digits, x->dst->name);
		return false;
	}
	*ind = k;
	return true;
}

/* text_into_number: text into an integer, a numeric(p,s) or a double column: a
 * number the column holds as itself, or the row is rejected. NaN and infinity
 * spelled out are the target's to take or refuse (PostgreSQL's double keeps them). */
static bool
text_into_number(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, char *v, SQLLEN *ind,
                 enum rpl_rule *rule, char *why, size_t wn)
{
	const struct rpl_xcol *x = &b->cols[c];
	const struct rpl_column *d = x->dst;
	/* spaces around the number ("42 " of a CHAR(n)): MariaDB's LOAD DATA refused ' 3 '
	 * into a DECIMAL or a DOUBLE ("Data truncated"); the number is the same without them */
	size_t n = (size_t)*ind, s0 = strspn(v, " ");
	while (n > s0 && v[n - 1] == ' ')
		n--;
	if (s0 > 0 || n < (size_t)*ind) {
		memmove(v, v + s0, n - s0);
		v[n - s0] = '\0';
		*ind = (SQLLEN)(n - s0);
	}
	if (d->cls == RPL_CLASS_INT)
		return text_into_int(ru, b, r, c, v, ind, rule, why, wn);
	const char *t = v;
	if (d->cls == RPL_CLASS_DOUBLE &&
	    (strncasecmp(t + (*t == '-' || *t == '+'), "nan", 3) == 0 || strncasecmp(t + (*t == '-' || *t == '+'), "inf", 3) == 0))
		return true;
	char small[512];   /* no allocation per value but for long text */
	size_t cap = (size_t)*ind + 400;
	char *plain = cap <= sizeof small ? small : malloc(cap);
	if (plain == NULL)
		return true;       /* the copy's own allocation would fail next */
	int pn = rpl_numtext_plain(v, (size_t)*ind, plain, cap);
	bool ok = pn >= 0;
	if (!ok) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "\"%.60s\" is not a number for the %s column %s", v,
		         d->cls == RPL_CLASS_DOUBLE ? "double" : "numeric", d->name);
	} else if (d->cls == RPL_CLASS_DOUBLE) {
		ok = into_double(x, plain, (SQLLEN)pn, strlen(v) <= 60 ? v : NULL, rule, why, wn);
	} else if (!rules_decimal_fits(plain, d->size, d->scale, why, wn)) {
		*rule = RPL_RULE_PRECISION;
		ok = false;
	}
	if (plain != small)
		free(plain);
	return ok;
}

/* time_of_day: does the timestamp text t ("YYYY-MM-DD HH:MM:SS[.f]") hold a time
 * other than midnight? */
static bool
time_of_day(const char *t)
{
	if (strlen(t) <= 10 || (t[10] != ' ' && t[10] != 'T'))
		return false;
	for (const char *q = t + 11; *q != '\0'; q++)
		if (*q >= '1' && *q <= '9')
			return true;
		else if (*q != '0' && *q != ':' && *q != '.')
			return false;   /* a zone or anything else: the target judges it */
	return false;
}

/* short_text: is d a text column of a bounded length, which a number's or a GUID's
 * text may not fit? */
static bool
short_text(const struct rpl_xcol *x, const struct rpl_column *d)
{
	bool spelled = x->cls == RPL_CLASS_INT || x->cls == RPL_CLASS_DECIMAL || x->cls == RPL_CLASS_DOUBLE ||
	               x->cls == RPL_CLASS_GUID;
	return spelled && d->cls == RPL_CLASS_TEXT && !d->is_long && d->size > 0 && d->kind != RPL_KIND_ENUM &&
	       d->kind != RPL_KIND_SET;
}

/* into_short_text: a number or a GUID into a bounded text column: its text, as the
 * load writes it, must fit (MariaDB refused 12.50 in a varchar(4): "Data truncated";
 * PostgreSQL a uuid in a varchar(10)); the row is rejected by too_long, as text is.
 * A double is measured as the loads write it, %.17g: 0.1 is 0.10000000000000001 */
static bool
into_short_text(const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule, char *why, size_t wn)
{
	char t[48];
	const char *shown = t;
	size_t n;
	if (x->c_type == SQL_C_SBIGINT)
		n = (size_t)snprintf(t, sizeof t, "%lld", (long long)*(const int64_t *)v);
	else if (x->c_type == SQL_C_DOUBLE)   /* as the loads write it (tsv.c, xfer.c): 12000, not 1.2e+04 */
		n = (size_t)snprintf(t, sizeof t, "%.17g", *(const double *)v);
	else
		n = (size_t)ind, shown = v;   /* a decimal's or a GUID's text, as it travels */
	if (n <= (size_t)x->dst->size)
		return true;
	*rule = RPL_RULE_TOO_LONG;
	snprintf(why, wn, "%.60s is %zu characters, which do not fit the column %s of %ld", shown, n, x->dst->name,
	         x->dst->size);
	return false;
}

/* bytes_into: bytes (a BLOB, a MariaDB BIT(n) with more than one bit) into a column
 * of numbers, dates or times, which read no number from bytes: the servers refused
 * the load, row by row as server ("invalid input syntax for type smallint: \xff") */
static bool
bytes_into(const struct rpl_column *d)
{
	return d->cls == RPL_CLASS_INT || d->cls == RPL_CLASS_DECIMAL || d->cls == RPL_CLASS_DOUBLE ||
	       d->cls == RPL_CLASS_BOOL || d->cls == RPL_CLASS_DATE || d->cls == RPL_CLASS_TIMESTAMP ||
	       d->cls == RPL_CLASS_TIME;
}

/* bit_width: the bits of a MariaDB BIT(n) column, 0 for any other */
static long
bit_width(const struct rpl_rules *ru, const struct rpl_column *d)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MARIADB || d->kind != RPL_KIND_BITS || strncmp(d->decl, "bit(", 4) != 0)
		return 0;
	return strtol(d->decl + 4, NULL, 10);
}

/* bits_fit: a BIT(n) source's bytes (big-endian) into a MariaDB BIT(m): its highest
 * set bit within m (MariaDB refused 16 into a BIT(4): "Out of range value") */
static bool
bits_fit(const struct rpl_xcol *x, const unsigned char *v, SQLLEN ind, long m, enum rpl_rule *rule, char *why,
         size_t wn)
{
	long bits = 0;
	for (SQLLEN i = 0; i < ind; i++)
		if (v[i] != 0) {
			bits = (long)(ind - i - 1) * 8;
			for (unsigned b = v[i]; b != 0; b >>= 1)
				bits++;
			break;
		}
	if (bits <= m)
		return true;
	*rule = RPL_RULE_INT_RANGE;
	snprintf(why, wn, "a value of %ld bits does not fit the BIT(%ld) column %s", bits, m, x->dst->name);
	return false;
}

bool
rules_bits_judged(const struct rpl_rules *ru, const struct rpl_xcol *x)
{
	return x->cls == RPL_CLASS_BINARY && bit_width(ru, x->dst) > 0;
}

bool
rules_bits_fit(const struct rpl_rules *ru, const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule,
               char *why, size_t wn)
{
	return !rules_bits_judged(ru, x) || bits_fit(x, v, ind, bit_width(ru, x->dst), rule, why, wn);
}

bool
rules_cross_judged(const struct rpl_rules *ru, const struct rpl_xcol *x)
{
	const struct rpl_column *s = x->src, *d = x->dst;
	if (x->verbatim || ru->dst_dialect->engine == RPL_ENGINE_SQLITE)
		return false;      /* SQLite keeps any value in any column */
	if ((rules_maria_labels(ru, d) && x->cls != RPL_CLASS_TEXT) ||
	    (rules_maria_unsigned_decimal(ru, d) && x->cls != RPL_CLASS_DECIMAL))
		return true;       /* a number into an ENUM or SET, anything into BIGINT UNSIGNED (rules_maria.c) */
	if (short_text(x, d))
		return true;
	if (x->cls == RPL_CLASS_BINARY && bytes_into(d))
		return true;
	switch (x->cls) {
	case RPL_CLASS_INT:   /* a double keeps 53 bits, a float 24 */
		return d->cls == RPL_CLASS_BOOL ||
		       (d->cls == RPL_CLASS_DOUBLE && (s->int_bytes <= 0 || s->int_bytes > (d->sql_type == SQL_REAL ? 2 : 4)));
	case RPL_CLASS_TEXT:
		return d->cls == RPL_CLASS_INT || (d->cls == RPL_CLASS_DECIMAL && d->size > 0) ||
		       d->cls == RPL_CLASS_DOUBLE;
	case RPL_CLASS_DECIMAL:
		return d->cls == RPL_CLASS_INT || d->cls == RPL_CLASS_DOUBLE;
	case RPL_CLASS_DOUBLE:
		return d->cls == RPL_CLASS_INT || (d->cls == RPL_CLASS_DECIMAL && d->size > 0) ||
		       (d->cls == RPL_CLASS_DOUBLE && d->sql_type == SQL_REAL && s->sql_type != SQL_REAL);
	case RPL_CLASS_TIMESTAMP:
		return d->cls == RPL_CLASS_DATE;
	default:
		return false;
	}
}

bool
rules_cross_fits(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, void *v, SQLLEN *ind,
                 enum rpl_rule *rule, char *why, size_t wn)
{
	const struct rpl_xcol *x = &b->cols[c];
	const struct rpl_column *d = x->dst;
	if (!rules_cross_judged(ru, x))
		return true;
	if (rules_maria_labels(ru, d) && x->cls != RPL_CLASS_TEXT)
		return rules_maria_number_label(x, v, *ind, rule, why, wn);
	if (rules_maria_unsigned_decimal(ru, d) && x->cls != RPL_CLASS_DECIMAL) {
		/* a text's or a double's own rules into a DECIMAL(20,0) first, then the range */
		if ((x->cls == RPL_CLASS_TEXT && !text_into_number(ru, b, r, c, v, ind, rule, why, wn)) ||
		    (x->cls == RPL_CLASS_DOUBLE && !into_decimal(x, v, rule, why, wn)))
			return false;
		return into_unsigned(x, v, *ind, rule, why, wn);
	}
	if (short_text(x, d))
		return into_short_text(x, v, *ind, rule, why, wn);
	if (x->cls == RPL_CLASS_BINARY && bytes_into(d)) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "%ld bytes into the column %s: replicad reads no number, date or time from bytes",
		         (long)*ind, d->name);
		return false;
	}
	switch (x->cls) {
	case RPL_CLASS_INT:
		return d->cls == RPL_CLASS_BOOL ? int_into_bool(x, v, ind, rule, why, wn)
		                                : into_double(x, v, *ind, NULL, rule, why, wn);
	case RPL_CLASS_DECIMAL:
		return d->cls == RPL_CLASS_INT ? into_int(ru, x, v, ind, rule, why, wn)
		                               : into_double(x, v, *ind, NULL, rule, why, wn);
	case RPL_CLASS_TEXT:
		return text_into_number(ru, b, r, c, v, ind, rule, why, wn);
	case RPL_CLASS_DOUBLE:
		if (d->cls == RPL_CLASS_INT)
			return into_int(ru, x, v, ind, rule, why, wn);
		return d->cls == RPL_CLASS_DECIMAL ? into_decimal(x, v, rule, why, wn) : into_float(x, v, rule, why, wn);
	case RPL_CLASS_TIMESTAMP: {
		bool has;
		if (x->c_type == SQL_C_TYPE_TIMESTAMP) {
			const SQL_TIMESTAMP_STRUCT *t = v;
			has = t->hour || t->minute || t->second || t->fraction;
		} else {
			has = x->as_text && time_of_day(v);
		}
		if (!has)
			return true;
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "the date column %s would drop the timestamp's time of day", d->name);
		return false;
	}
	default:
		return true;
	}
}
