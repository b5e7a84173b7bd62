/* lib/core/rules_numbers.c: the value rules' reading of numbers (rules_int.h): a
 * decimal's digits against its target's precision and scale, SQLite's NUMERIC
 * rounding, numbers a SQLite source holds as text, -0.0 and single-precision floats.
 * What becomes of a value (NULL, rejected, changed) is decided in rules.c. */
#include "rules_int.h"
#include "numtext.h"
#include "sqlite_num.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>

/* digits_start: the first character after the sign, or after "-." style prefixes */
static const char *
digits_start(const char *t)
{
	if (*t == '-' || *t == '+')
		t++;
	if (*t == '.')
		t++;
	return t;
}

/* rules_decimal_fits: does the decimal text s fit NUMERIC(p, s)? Leading zeros and
 * trailing fractional zeros do not count; anything not plain decimal text fails. */
bool
rules_decimal_fits(const char *t, long p, long sc, char *why, size_t wn)
{
	const char *q = t;
	if (*q == '-' || *q == '+')
		q++;
	while (*q == '0' && isdigit((unsigned char)q[1]))
		q++;
	long intd = 0, fracd = 0;
	if (*q == '0' && (q[1] == '.' || q[1] == '\0'))
		q++;
	while (isdigit((unsigned char)*q))
		q++, intd++;
	if (*q == '.') {
		q++;
		const char *f = q;
		while (isdigit((unsigned char)*q))
			q++;
		const char *e = q;
		while (e > f && e[-1] == '0')
			e--;
		fracd = (long)(e - f);
	}
	if (*q != '\0' || !isdigit((unsigned char)*digits_start(t))) {
		snprintf(why, wn, "\"%.40s\" is not an exact decimal", t);
		return false;
	}
	if (intd > p - sc || fracd > sc) {
		/* a long value keeps both ends: cut at 60, 1e-100 showed only zeros */
		size_t len = strlen(t);
		char shown[72];
		if (len > 60)
			snprintf(shown, sizeof shown, "%.28s...%s", t, t + len - 28);
		else
			snprintf(shown, sizeof shown, "%s", t);
		snprintf(why, wn, "%s (%ld integer digits, %ld decimal places) does not fit NUMERIC(%ld,%ld)", shown, intd,
		         fracd, p, sc);
		return false;
	}
	return true;
}

/* rules_sqlite_keeps: SQLite's NUMERIC affinity would round a decimal with more digits
 * than a double keeps to a REAL, silently: the row is rejected instead. */
bool
rules_sqlite_keeps(const char *v, const struct rpl_column *dst, char *why, size_t wn)
{
	char real[64];
	if (rpl_litenum_keeps(v, real, sizeof real))
		return true;
	size_t len = strlen(v);
	snprintf(why, wn, "%.28s%s%s would be stored as the REAL %s by SQLite's NUMERIC affinity (column %s, %s):"
	         " declare it DECIMAL_TEXT or TEXT to keep every digit", v, len > 60 ? "..." : "",
	         len > 60 ? v + len - 28 : len > 28 ? v + 28 : "", real, dst->name, dst->type_name);
	return false;
}

/* rules_decimal_plain: a decimal column's text as a plain decimal, in place: sqliteodbc
 * spells a REAL `1e-10`, and a SQLite column holds whatever text it was given. False
 * (with *rule and why) when the text is not a number from a source that does not
 * type its values, or its plain spelling needs more room than the column's buffer.
 * PostgreSQL's NaN and Infinity are left to the rules below (only an untyped source
 * is read as "not a number"). */
bool
rules_decimal_plain(const struct rpl_rules *ru, const struct rpl_xcol *x, char *v, SQLLEN *ind, enum rpl_rule *rule,
              char *why, size_t wn)
{
	if (!ru->untyped_source && strpbrk(v, "eE") == NULL)
		return true;
	if (x->ool)   /* written out by its reader already, and no room to grow (sqlite_source.c) */
		return true;
	char tmp[512];
	int n = rpl_numtext_plain(v, strlen(v), tmp, sizeof tmp);
	if (n == RPL_NUMTEXT_NAN) {
		if (!ru->untyped_source)
			return true;
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "\"%.60s\" is not a number", v);
		return false;
	}
	if (n < 0 || n >= x->width) {
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "%.60s has more digits than replicad carries for this column (%ld)", v, (long)x->width - 1);
		return false;
	}
	memcpy(v, tmp, (size_t)n + 1);
	*ind = n;
	return true;
}

/* rules_int_text: an integer column read as text (a SQLite source through sqliteodbc,
 * xfer.c) holds an exact integer, respelled as its digits ("3.0" is 3), or the row is
 * refused: 3.5 and "n/a" are not integers. */
bool
rules_int_text(char *v, SQLLEN *ind, int64_t *i, enum rpl_rule *rule, char *why, size_t wn)
{
	int rc = rpl_numtext_int64(v, (size_t)*ind, i);
	if (rc == 0) {
		*ind = snprintf(v, 21, "%lld", (long long)*i);
		return true;
	}
	*rule = rc == RPL_NUMTEXT_RANGE ? RPL_RULE_INT_RANGE : RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "\"%.60s\" %s", v, rc == RPL_NUMTEXT_FRACTION ? "is not an integer (it has a fraction)"
	                                    : rc == RPL_NUMTEXT_RANGE ? "is beyond a 64-bit integer" : "is not a number");
	return false;
}

/* rules_is_neg_zero: is a double value (binary, or text as sqliteodbc gives it) -0.0? */
bool
rules_is_neg_zero(const struct rpl_xcol *x, const void *v)
{
	double d;
	if (x->as_text) {
		char *end;
		d = strtod(v, &end);
		if (end == (const char *)v || *end != '\0')
			return false;
	} else {
		memcpy(&d, v, sizeof d);
	}
	return d == 0 && signbit(d);
}

/* rules_float_decimal: a single-precision source value (SQL_REAL: MariaDB's FLOAT,
 * PostgreSQL's real) as the double of the decimal its engine shows. libmariadb and
 * Connector/ODBC widened MariaDB's 1.1f to 1.100000023841858 while PostgreSQL's real
 * arrived as 1.1 (issue #15); the float is the same either way, only the spelling a
 * double target keeps differs. Not a rule: no value changes as a float. */
void
rules_float_decimal(const struct rpl_xcol *x, void *v, SQLLEN *ind)
{
	double d;
	if (!x->as_text) {
		memcpy(&d, v, sizeof d);
		d = rpl_numtext_float_decimal(d);
		memcpy(v, &d, sizeof d);
		return;
	}
	char *end;
	d = strtod(v, &end);
	if (end == (char *)v || *end != '\0' || !isfinite(d) || rpl_numtext_float_decimal(d) == d)
		return;
	char t[40];
	int n = rpl_numtext_shortest(rpl_numtext_float_decimal(d), t, sizeof t);
	if (n > 0 && n < x->width) {
		memcpy(v, t, (size_t)n + 1);
		*ind = n;
	}
}
