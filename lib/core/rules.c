/* lib/core/rules.c: the value rules (docs/engines.md "How values travel"), applied in place to one row of the
 * transport buffer before it is sent. A value either passes unchanged, is set to NULL
 * by a named rule (counted), or makes the row rejected with that rule's name; nothing
 * is rounded or cut unless the user asked for truncation (counted too). */
#include "sqlite_affinity.h"
#include "dialect.h"
#include "sqlite_num.h"
#include "numtext.h"
#include "xfer.h"
#include "typedecl.h"
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* b->act[c]: a rule's pending change of a value (rpl_rules_apply's second phase):
 * 0 none, a rule + 1 for NULL, or one of these */
enum { ACT_CUT = -1, ACT_ZERO = -2 };

static size_t
utf8_chars(const unsigned char *s, size_t n)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += (s[i] & 0xC0) != 0x80;
	return chars;
}

/* utf8_cut: byte length of the first max_chars characters of s[0..n). */
static size_t
utf8_cut(const unsigned char *s, size_t n, size_t max_chars)
{
	size_t chars = 0, i = 0;
	for (; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			if (chars == max_chars)
				break;
			chars++;
		}
	}
	return i;
}

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

/* decimal_fits: does the decimal text s fit NUMERIC(p, s)? Leading zeros and
 * trailing fractional zeros do not count; anything not plain decimal text fails. */
static bool
decimal_fits(const char *t, long p, long sc, char *why, size_t wn)
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

/* sqlite_keeps: SQLite's NUMERIC affinity would round a decimal with more digits
 * than a double keeps to a REAL, silently: the row is rejected instead. */
static bool
sqlite_keeps(const char *v, const struct rpl_column *dst, char *why, size_t wn)
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

/* decimal_plain: a decimal column's text as a plain decimal, in place: sqliteodbc
 * spells a REAL `1e-10`, and a SQLite column holds whatever text it was given. False
 * (with *rule and why) when the text is not a number from a source that does not
 * type its values, or its plain spelling needs more room than the column's buffer.
 * PostgreSQL's NaN and Infinity are left to the rules below (only an untyped source
 * is read as "not a number"). */
static bool
decimal_plain(const struct rpl_rules *ru, const struct rpl_xcol *x, char *v, SQLLEN *ind, enum rpl_rule *rule,
              char *why, size_t wn)
{
	if (!ru->untyped_source && strpbrk(v, "eE") == NULL)
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

/* int_text: an integer column read as text (a SQLite source through sqliteodbc,
 * xfer.c) holds an exact integer, respelled as its digits ("3.0" is 3), or the row is
 * refused: 3.5 and "n/a" are not integers. */
static bool
int_text(char *v, SQLLEN *ind, int64_t *i, enum rpl_rule *rule, char *why, size_t wn)
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

static bool
text_is_nonfinite(const char *t)
{
	if (*t == '-' || *t == '+')
		t++;
	return strncasecmp(t, "nan", 3) == 0 || strncasecmp(t, "inf", 3) == 0;
}

static bool
text_is_nan(const char *t)
{
	if (*t == '-' || *t == '+')
		t++;
	return strncasecmp(t, "nan", 3) == 0;
}

/* is_placeholder compares digits, not formatted text: this runs for every date value
 * (snprintf here was 4% of the instructions of a PostgreSQL copy). */
static int
digits_at(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

static bool
is_placeholder(const struct rpl_rules *ru, int y, unsigned m, unsigned d)
{
	for (size_t i = 0; i < ru->n_placeholder_dates; i++) {
		const char *p = ru->placeholder_dates[i];
		if (strlen(p) == 10 && digits_at(p, 4) == y && digits_at(p + 5, 2) == (int)m && digits_at(p + 8, 2) == (int)d)
			return true;
	}
	return false;
}

/* text_date reads the date at the start of an ISO text date or timestamp. This runs
 * for every date value of a SQLite side, and sscanf was 16% of the instructions of
 * a SQLite copy: "YYYY-MM-DD" is read digit by digit, and only other spellings
 * (short fields, signs, spaces) go to sscanf, so they are read as before. */
static bool
text_date(const char *t, int *y, unsigned *m, unsigned *d)
{
	int yy = digits_at(t, 4), mm, dd;
	if (yy >= 0 && t[4] == '-' && (mm = digits_at(t + 5, 2)) >= 0 && t[7] == '-' &&
	    (dd = digits_at(t + 8, 2)) >= 0) {
		*y = yy, *m = (unsigned)mm, *d = (unsigned)dd;
		return true;
	}
	return sscanf(t, "%4d-%2u-%2u", y, m, d) == 3;
}

/* SQL Server's narrow date types (docs/sqlserver.md: 1753 is where DATETIME begins). */
static bool
date_in_target_range(const struct rpl_rules *ru, const struct rpl_column *dst, int y, unsigned m, unsigned d, char *why, size_t wn)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MSSQL)
		return true;
	long v = (long)y * 10000 + m * 100 + d;
	if (strcasecmp(dst->type_name, "datetime") == 0 && (v < 17530101 || v > 99991231)) {
		snprintf(why, wn, "%04d-%02u-%02u is outside DATETIME's 1753-01-01..9999-12-31", y, m, d);
		return false;
	}
	if (strcasecmp(dst->type_name, "smalldatetime") == 0 && (v < 19000101 || v > 20790606)) {
		snprintf(why, wn, "%04d-%02u-%02u is outside SMALLDATETIME's 1900-01-01..2079-06-06", y, m, d);
		return false;
	}
	/* PostgreSQL has years before 1 and after 9999; SQL Server's wide types do not */
	if ((strcasecmp(dst->type_name, "datetime2") == 0 || strcasecmp(dst->type_name, "date") == 0 ||
	     strcasecmp(dst->type_name, "datetimeoffset") == 0) && (y < 1 || v > 99991231)) {
		snprintf(why, wn, "%04d-%02u-%02u is outside %s's 0001-01-01..9999-12-31", y, m, d, dst->type_name);
		return false;
	}
	return true;
}

/* text_time reads the seconds and the fraction (in ns) of an ISO text timestamp;
 * false when it has no time part. *extra: nonzero digits beyond nanoseconds. */
static bool
text_time(const char *t, unsigned *sec, unsigned long *ns, bool *extra)
{
	unsigned h, mi;
	*sec = 0, *ns = 0, *extra = false;
	if (strlen(t) < 19 || (t[10] != ' ' && t[10] != 'T') || sscanf(t + 11, "%2u:%2u:%2u", &h, &mi, sec) != 3)
		return false;
	if (t[19] != '.')
		return true;
	int i = 0;
	for (const char *q = t + 20; isdigit((unsigned char)*q); q++, i++) {
		if (i < 9)
			*ns = *ns * 10 + (unsigned long)(*q - '0');
		else if (*q != '0')
			*extra = true;
	}
	for (; i < 9; i++)
		*ns *= 10;
	return true;
}

/* mssql_time_fits: what SQL Server's old types do to a time of day. DATETIME counts
 * 1/300 s: it rounds milliseconds to .xx0, .xx3 or .xx7 (.001 to .000, .002 and .004
 * to .003, .005-.008 to .007, .009 to .010, .999 to the next second); SMALLDATETIME
 * keeps whole minutes (29.998 s round down, 29.999 s up). Fidelity (docs/engines.md "How values
 * rules") says a value arrives as it left or is refused by a named rule: a time the
 * type would round is rejected as precision, one it keeps (.003 stays .003) passes. */
static bool
mssql_time_fits(const struct rpl_rules *ru, const struct rpl_column *dst, unsigned sec, unsigned long ns,
                bool extra, char *why, size_t wn)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MSSQL)
		return true;
	if (strcasecmp(dst->type_name, "datetime") == 0) {
		unsigned long ms = ns / 1000000, ticks = (ms * 3 + 5) / 10, kept = (ticks * 10 + 1) / 3;
		if (!extra && ns % 1000000 == 0 && kept == ms)
			return true;
		if (extra || ns % 1000000 != 0)
			snprintf(why, wn, "fractional seconds .%09lu: DATETIME keeps 1/300 s (.000, .003, .007)", ns);
		else
			snprintf(why, wn, "fractional seconds .%03lu: DATETIME keeps 1/300 s and would store %s.%03lu",
			         ms, kept >= 1000 ? "the next second's " : "", kept % 1000);
		return false;
	}
	if (strcasecmp(dst->type_name, "smalldatetime") == 0 && (sec != 0 || ns != 0 || extra)) {
		snprintf(why, wn, "%02u.%09lu seconds: SMALLDATETIME keeps whole minutes", sec, ns);
		return false;
	}
	return true;
}

/* fraction digits of a text timestamp beyond keep, that are not zero */
static bool
text_fraction_fits(const char *t, int keep)
{
	const char *dot = strchr(t, '.');
	if (dot == NULL)
		return true;
	const char *q = dot + 1;
	int i = 0;
	for (; isdigit((unsigned char)*q); q++, i++)
		if (i >= keep && *q != '0')
			return false;
	return true;
}

/* offset_is_utc: is the ISO 8601 offset at off zero: Z, +00, +00:00, +0000, -00:00? */
static bool
offset_is_utc(const char *off)
{
	if (off[0] == 'Z')
		return off[1] == '\0';
	if (digits_at(off + 1, 2) != 0)
		return false;
	const char *p = off + 3;
	if (*p == ':')
		p++;
	return *p == '\0' || (digits_at(p, 2) == 0 && p[2] == '\0');
}

/* iso_text_fits: a SQLite date or datetime column holds whatever text or number it
 * was given, and other engines read more than dates from text: PostgreSQL takes
 * 'yesterday' and 'epoch' as dates, drops a time zone offset going into a timestamp
 * without one and a time of day going into a date. Into them only ISO 8601 passes
 * (YYYY-MM-DD, then [ T]HH:MM[:SS[.fff…]] and an offset only where the target keeps
 * one); the rest is refused, never reinterpreted (issue #15). The 'T' between date
 * and time is written as a space, which every engine and driver reads alike. */
static bool
iso_text_fits(char *t, SQLLEN *ind, const struct rpl_column *dst, enum rpl_rule *rule, char *why, size_t wn)
{
	char *q = t + 10;
	char *offset = NULL;
	bool time_of_day = false;
	if (strlen(t) < 10 || digits_at(t, 4) < 0 || t[4] != '-' || digits_at(t + 5, 2) < 0 || t[7] != '-' ||
	    digits_at(t + 8, 2) < 0)
		goto not_iso;
	if (*q == ' ' || *q == 'T') {
		if (digits_at(q + 1, 2) < 0 || q[3] != ':' || digits_at(q + 4, 2) < 0)
			goto not_iso;
		time_of_day = digits_at(q + 1, 2) != 0 || digits_at(q + 4, 2) != 0;
		q += 6;
		if (*q == ':') {
			if (digits_at(q + 1, 2) < 0)
				goto not_iso;
			time_of_day = time_of_day || digits_at(q + 1, 2) != 0;
			q += 3;
			if (*q == '.') {
				for (q++; isdigit((unsigned char)*q); q++)
					time_of_day = time_of_day || *q != '0';
			}
		}
		if (*q == 'Z' || *q == '+' || *q == '-') {
			offset = q;
			q += *q == 'Z' ? 1 : strspn(q + 1, "0123456789:") + 1;
		}
	}
	if (*q != '\0')
		goto not_iso;
	/* UTC said out loud ('Z', '+00:00'), as SQLite's date functions read it: into a
	 * timestamp without a zone (a MariaDB TIMESTAMP's session is UTC too) it is the
	 * same wall time, the offset dropped (issue #15). Another offset would move it. */
	if (offset != NULL && dst->cls == RPL_CLASS_TIMESTAMP && offset_is_utc(offset) &&
	    strcasestr(dst->type_name, "tz") == NULL && strcasestr(dst->type_name, "time zone") == NULL) {
		*offset = '\0';
		*ind = (SQLLEN)(offset - t);
		offset = NULL;
	}
	if (offset != NULL && strcasestr(dst->type_name, "tz") == NULL && strcasestr(dst->type_name, "time zone") == NULL) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "\"%.40s\" has a time zone offset that the target's %s does not keep", t, dst->type_name);
		return false;
	}
	if (time_of_day && dst->cls == RPL_CLASS_DATE) {
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "\"%.40s\" has a time of day that the target's %s does not keep", t, dst->type_name);
		return false;
	}
	/* only now: a refused value goes to the reject line as it was stored */
	if (t[10] == 'T')
		t[10] = ' ';   /* the same time: psqlODBC read only the date of a 'T' spelling */
	return true;
not_iso:
	*rule = RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "\"%.40s\" is not an ISO 8601 date or time (YYYY-MM-DD[ HH:MM:SS[.fff]])", t);
	return false;
}

/* text_into_date: is d a date or timestamp column of an engine that reads text into
 * it by its own rules? PostgreSQL takes 'yesterday' and 'now', and drops the time of
 * day of '2024-01-10 10:00:00' going into a date, without a word; MariaDB guesses at
 * other separators. Text from a text column is held to iso_text_fits there, as a
 * SQLite date column's is (issue #15). SQLite keeps the text as it is. */
static bool
text_into_date(const struct rpl_rules *ru, const struct rpl_column *d)
{
	return (d->cls == RPL_CLASS_DATE || d->cls == RPL_CLASS_TIMESTAMP) && ru->dst_dialect->engine != RPL_ENGINE_SQLITE;
}

/* pg_date_text: a date or timestamp read from psqlODBC as PostgreSQL's text (xfer.h,
 * RPL_XFER_SRC_PGODBC; sqlgen.c casts it). Its session runs in UTC, so a timestamptz
 * ends in "+00", which is dropped where the target type has no zone (PostgreSQL and
 * SQLite keep the text as it is). 'infinity', '-infinity' and a date before year 1
 * ("0044-03-15 BC") go into PostgreSQL (and SQLite's text) as themselves; elsewhere
 * false with *null_rule date_range (NULL, or the row rejected for a NOT NULL column)
 * and why. True: an ordinary date, read on. */
static bool
pg_date_text(const struct rpl_rules *ru, char *v, SQLLEN *ind, enum rpl_rule *null_rule, char *why, size_t wn)
{
	enum rpl_engine e = ru->dst_dialect->engine;
	bool keeps = e == RPL_ENGINE_POSTGRES || e == RPL_ENGINE_SQLITE;
	const char *t = v[0] == '-' ? v + 1 : v;
	size_t n = (size_t)*ind;
	bool bc = n > 3 && strcmp(v + n - 3, " BC") == 0;   /* a year before 1: text_date would drop the era */
	if (strcmp(t, "infinity") == 0 || bc) {
		if (!keeps) {
			*null_rule = RPL_RULE_DATE_RANGE;
			snprintf(why, wn, "\"%s\" is %s: the target has no such date", v, bc ? "before year 1" : "no calendar date");
		}
		return false;
	}
	if (!keeps && n > 19 && strcmp(v + n - 3, "+00") == 0) {
		v[n - 3] = '\0';
		*ind = (SQLLEN)(n - 3);
	}
	return true;
}

/* sqlite_numeric: is d a SQLite target's decimal column of NUMERIC affinity, which
 * stores a decimal a double cannot keep as a rounded REAL (sqlite_num.h)? A created
 * one is DECIMAL_TEXT (TEXT affinity): it keeps every digit. */
static bool
sqlite_numeric(const struct rpl_rules *ru, const struct rpl_column *d)
{
	return ru->dst_dialect->engine == RPL_ENGINE_SQLITE && d->cls == RPL_CLASS_DECIMAL &&
	       rpl_sqlite_affinity(d->type_name) == RPL_AFF_NUMERIC;
}

/* lite_target: SQLite keeps a value of any length, precision or integer size in any
 * column, whatever its declaration says (a STRICT table checks the storage class,
 * which SQLite itself refuses: the row is rejected with its words). A rule SQLite does
 * not apply would refuse values the target holds (issue #15). */
static bool
lite_target(const struct rpl_rules *ru)
{
	return ru->dst_dialect->engine == RPL_ENGINE_SQLITE;
}

/* enum_refuses_empty: is d a MariaDB ENUM without '' among its values? Its '' is then
 * the error value (index 0), which a relaxed sql_mode stores for an invalid value
 * and no strict-mode statement writes: the server refused it as text and as the
 * number 0 ("Data truncated"), and a relaxed sql_mode for the load would let every
 * other invalid value of the statement change without a word (issue #15 item 6). */
static bool
enum_refuses_empty(const struct rpl_rules *ru, const struct rpl_column *d)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MARIADB || d->kind != RPL_KIND_ENUM || d->decl[0] == '\0')
		return false;
	return strstr(d->decl, "('',") == NULL && strstr(d->decl, "('')") == NULL &&
	       strstr(d->decl, ",'',") == NULL && strstr(d->decl, ",'')") == NULL;
}

/* keeps_neg_zero: does target column d store -0.0 as -0.0? PostgreSQL's float types
 * do; MariaDB stores 0 (its DOUBLE, and any literal or parameter -0e0); SQLite's
 * REAL, NUMERIC and INTEGER affinities store 0 (a REAL without a fraction is kept as
 * an integer), its BLOB affinity keeps the value and TEXT its spelling "-0.0"; a
 * decimal has no negative zero anywhere. SQL Server is not known to keep it. */
static bool
keeps_neg_zero(const struct rpl_rules *ru, const struct rpl_column *d)
{
	if (ru->dst_dialect->engine == RPL_ENGINE_POSTGRES)
		return d->cls == RPL_CLASS_DOUBLE;
	if (ru->dst_dialect->engine == RPL_ENGINE_SQLITE) {
		enum rpl_affinity a = rpl_sqlite_affinity(d->type_name);
		return a == RPL_AFF_BLOB || a == RPL_AFF_TEXT;
	}
	return false;
}

/* is_neg_zero: is a double value (binary, or text as sqliteodbc gives it) -0.0? */
static bool
is_neg_zero(const struct rpl_xcol *x, const void *v)
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

/* float_decimal: a single-precision source value (SQL_REAL: MariaDB's FLOAT,
 * PostgreSQL's real) as the double of the decimal its engine shows. libmariadb and
 * Connector/ODBC widened MariaDB's 1.1f to 1.100000023841858 while PostgreSQL's real
 * arrived as 1.1 (issue #15); the float is the same either way, only the spelling a
 * double target keeps differs. Not a rule: no value changes as a float. */
static void
float_decimal(const struct rpl_xcol *x, void *v, SQLLEN *ind)
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

/* column_judged: can a value of x meet a rule (see rpl_rules_plan)? */
static bool
column_judged(const struct rpl_rules *ru, const struct rpl_xcol *x, enum rpl_engine src_engine)
{
	const struct rpl_column *s = x->src, *d = x->dst;
	bool enforced = src_engine != RPL_ENGINE_SQLITE;   /* SQLite stores any value in any column */
	if (x->verbatim)   /* SQLite to SQLite: only placeholder and zero dates become NULL */
		return x->cls == RPL_CLASS_DATE || x->cls == RPL_CLASS_TIMESTAMP;
	switch (x->cls) {
	case RPL_CLASS_INT:
		if (x->as_text)
			return true;   /* each value is read (int_text) */
		if (d->cls != RPL_CLASS_INT || d->int_bytes >= 8 || lite_target(ru))
			return false;
		if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && d->int_bytes == 1)
			return true;   /* TINYINT is unsigned there */
		/* an unsigned source (MariaDB's "int unsigned", SQL Server's TINYINT) holds
		 * values its signed namesake of the same size does not */
		if (strcasestr(s->type_name, "unsigned") != NULL || (src_engine == RPL_ENGINE_MSSQL && s->int_bytes == 1))
			return true;
		return !(enforced && s->int_bytes > 0 && s->int_bytes <= d->int_bytes);
	case RPL_CLASS_DECIMAL:
		if (!enforced || sqlite_numeric(ru, d))
			return true;   /* any spelling, or no number at all (decimal_plain); SQLite's rounding */
		if (d->cls != RPL_CLASS_DECIMAL || d->size <= 0)
			return false;
		/* PostgreSQL's numeric also holds NaN (and Infinity, unconstrained), which no
		 * rule lets into another engine; a PostgreSQL target holds NaN too */
		if (!enforced || s->size <= 0 ||
		    (src_engine == RPL_ENGINE_POSTGRES && ru->dst_dialect->engine != RPL_ENGINE_POSTGRES))
			return true;
		return s->size - s->scale > d->size - d->scale || s->scale > d->scale;
	case RPL_CLASS_BOOL:
		return x->as_text;   /* sqliteodbc's text: 0 or 1, or refused (int_text) */
	case RPL_CLASS_DOUBLE:
		if ((x->as_text && !enforced) || s->sql_type == SQL_REAL)
			return true;   /* text that is no number (rules: wrong_type); float_decimal */
		/* MariaDB has no NaN and no -0.0 */
		return (!ru->dst_dialect->keeps_nan || !keeps_neg_zero(ru, d)) && src_engine != RPL_ENGINE_MARIADB;
	case RPL_CLASS_TEXT:
		if (text_into_date(ru, d) || enum_refuses_empty(ru, d))
			return true;
		if (d->cls != RPL_CLASS_TEXT || d->is_long || d->size <= 0 || lite_target(ru))
			return false;
		return !(enforced && !s->is_long && s->size > 0 && s->size <= d->size);
	case RPL_CLASS_BINARY:
		if (d->cls != RPL_CLASS_BINARY || d->is_long || d->size <= 0 || lite_target(ru))
			return false;
		return !(enforced && !s->is_long && s->size > 0 && s->size <= d->size);
	case RPL_CLASS_DATE:
	case RPL_CLASS_TIMESTAMP:
		return true;
	default:
		return false;
	}
}

void
rpl_rules_plan(const struct rpl_rules *ru, const struct rpl_xbuf *b, enum rpl_engine src_engine, bool *judged)
{
	for (size_t c = 0; c < b->ncols; c++)
		judged[c] = column_judged(ru, &b->cols[c], src_engine);
}

int
rpl_rules_apply(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r,
                int64_t nulled[RPL_NRULES], enum rpl_rule *rule, size_t *col,
                char *why, size_t wn)
{
	int pl_y = 0;
	unsigned pl_m = 0, pl_d = 0;
	bool changes = false;
	/* the row's address once: this loop runs for every value of a copy */
	unsigned char *row = b->data + r * b->row_size;
	/* Two phases: decide for every column first, change the row only when it
	 * passes, so a rejected row keeps its source values (reject file) and its
	 * changes are not counted. */
	memset(b->act, 0, b->ncols * sizeof *b->act);
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		const struct rpl_column *dst = x->dst;
		SQLLEN *ind = (SQLLEN *)(void *)(row + x->ind_off);
		void *v = rpl_xval_in(b, row, x);
		enum rpl_rule null_rule = RPL_NRULES;   /* set: the value becomes NULL by this rule */
		*col = c;
		if (*ind == SQL_NULL_DATA)
			goto null_check;
		if (*ind == RPL_IND_MISFIT) {   /* the source could not read it (xfer.h) */
			const struct rpl_misfit *m = rpl_xbuf_misfit_find(b, r, c);
			/* PostgreSQL's ±infinity where the target has no such date: NULL where
			 * the column is nullable, as any date outside the target's range */
			if (m != NULL && m->rule == RPL_RULE_DATE_RANGE && dst->nullable) {
				b->act[c] = RPL_RULE_DATE_RANGE + 1;
				changes = true;
				continue;
			}
			*rule = m != NULL ? (enum rpl_rule)m->rule : RPL_RULE_WRONG_TYPE;
			snprintf(why, wn, "%s", m != NULL ? m->why : "a value the source could not read as its type");
			return -1;
		}
		if (ru->judged != NULL && !ru->judged[c])
			continue;
		if (x->verbatim) {   /* a date column's text, NUL-terminated after its class */
			if (*(unsigned char *)v != RPL_XV_TEXT)
				continue;
			v = (unsigned char *)v + 1;
		}
		switch (x->cls) {
		case RPL_CLASS_INT: {
			int64_t i;
			if (!x->as_text)
				i = *(int64_t *)v;
			else if (!int_text(v, ind, &i, rule, why, wn))
				return -1;
			if (dst->cls == RPL_CLASS_INT && dst->int_bytes < 8 && !lite_target(ru)) {
				int64_t hi = (INT64_C(1) << (dst->int_bytes * 8 - 1)) - 1, lo = -hi - 1;
				if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && dst->int_bytes == 1)
					lo = 0, hi = 255;     /* SQL Server's TINYINT is unsigned */
				if (i < lo || i > hi) {
					*rule = RPL_RULE_INT_RANGE;
					snprintf(why, wn, "%lld does not fit a %d-byte integer", (long long)i, dst->int_bytes);
					return -1;
				}
			}
			break;
		}
		case RPL_CLASS_BOOL: {
			int64_t i;
			if (!x->as_text)
				break;
			if (!int_text(v, ind, &i, rule, why, wn))
				return -1;
			if (i != 0 && i != 1) {
				*rule = RPL_RULE_WRONG_TYPE;
				snprintf(why, wn, "%lld is a boolean other than 0 or 1", (long long)i);
				return -1;
			}
			break;
		}
		case RPL_CLASS_DECIMAL:
			if (x->as_text && !decimal_plain(ru, x, v, ind, rule, why, wn))
				return -1;
			if (dst->cls == RPL_CLASS_DECIMAL && dst->size > 0 && !lite_target(ru) &&
			    !decimal_fits(v, dst->size, dst->scale, why, wn)) {
				*rule = RPL_RULE_PRECISION;
				return -1;
			}
			if (sqlite_numeric(ru, dst) && !sqlite_keeps(v, dst, why, wn)) {
				*rule = RPL_RULE_PRECISION;
				return -1;
			}
			break;
		case RPL_CLASS_DOUBLE: {
			if (x->src->sql_type == SQL_REAL)
				float_decimal(x, v, ind);
			if (x->as_text && ru->untyped_source && ru->dst_dialect->engine != RPL_ENGINE_SQLITE) {
				char *end;   /* sqliteodbc's text of a REAL column: SQLite keeps any text there */
				strtod(v, &end);
				if (end == (char *)v || *end != '\0') {
					*rule = RPL_RULE_WRONG_TYPE;
					snprintf(why, wn, "\"%.60s\" is not a number", (char *)v);
					return -1;
				}
			}
			bool nonfinite = x->as_text ? text_is_nonfinite(v) : !isfinite(*(double *)v);
			/* SQLite's REAL holds ±Infinity: only a NaN would be stored as NULL there */
			bool nan = x->as_text ? text_is_nan(v) : isnan(*(double *)v);
			if (nonfinite && !ru->dst_dialect->keeps_nan && !(ru->dst_dialect->keeps_inf && !nan))
				null_rule = RPL_RULE_NAN;
			/* -0.0 where the target would store 0: 0, said and counted, never silent */
			else if (!nonfinite && is_neg_zero(x, v) && !keeps_neg_zero(ru, dst)) {
				b->act[c] = ACT_ZERO;
				changes = true;
				continue;
			}
			break;
		}
		case RPL_CLASS_DATE:
		case RPL_CLASS_TIMESTAMP: {
			int y;
			unsigned m, d, sec = 0;
			unsigned long ns = 0;
			bool has_time = false, extra = false;
			if (x->c_type == SQL_C_TYPE_DATE) {
				const SQL_DATE_STRUCT *t = v;
				y = t->year, m = t->month, d = t->day;
			} else if (x->c_type == SQL_C_TYPE_TIMESTAMP) {
				const SQL_TIMESTAMP_STRUCT *t = v;
				y = t->year, m = t->month, d = t->day;
				has_time = true, sec = t->second, ns = t->fraction;
				int keep = dst->scale < 9 ? dst->scale : 9;
				long unit = 1;
				for (int k = keep; k < 9; k++)
					unit *= 10;
				if (dst->cls == RPL_CLASS_TIMESTAMP && t->fraction % (SQLUINTEGER)unit != 0) {
					*rule = RPL_RULE_PRECISION;
					snprintf(why, wn, "fractional seconds .%09lu need more than the target's %d digits",
					         (unsigned long)t->fraction, keep);
					return -1;
				}
			} else if (x->endless && x->as_text && !pg_date_text(ru, v, ind, &null_rule, why, wn)) {
				break;                 /* ±infinity: as it is, or NULL or rejected (null_rule) */
			} else if (ru->untyped_source && ru->dst_dialect->engine != RPL_ENGINE_SQLITE &&
			           !iso_text_fits(v, ind, dst, rule, why, wn)) {
				return -1;             /* SQLite's text or number, another engine's date */
			} else if (!text_date(v, &y, &m, &d)) {
				break;                 /* not ISO text: let the target judge it */
			} else if (x->cls == RPL_CLASS_TIMESTAMP && dst->cls == RPL_CLASS_TIMESTAMP &&
			           ru->dst_dialect->engine != RPL_ENGINE_SQLITE && !text_fraction_fits(v, dst->scale)) {
				*rule = RPL_RULE_PRECISION;
				snprintf(why, wn, "%.40s needs more than the target's %d fractional digits", (char *)v, dst->scale);
				return -1;
			}
			if (m == 0 || d == 0)   /* MariaDB's zero dates: 0000-00-00, 2020-00-00 */
				null_rule = RPL_RULE_ZERO_DATE, pl_y = y, pl_m = m, pl_d = d;
			else if (is_placeholder(ru, y, m, d))
				null_rule = RPL_RULE_PLACEHOLDER_DATE, pl_y = y, pl_m = m, pl_d = d;
			else if (!date_in_target_range(ru, dst, y, m, d, why, wn))
				null_rule = RPL_RULE_DATE_RANGE;
			/* only a value that is kept can lose its time of day; only SQL Server's
			 * old types do that (the text is parsed only for them: this runs per value) */
			else if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && dst->cls == RPL_CLASS_TIMESTAMP) {
				if (x->as_text)
					has_time = text_time(v, &sec, &ns, &extra);
				if (has_time && !mssql_time_fits(ru, dst, sec, ns, extra, why, wn)) {
					*rule = RPL_RULE_PRECISION;
					return -1;
				}
			}
			break;
		}
		case RPL_CLASS_TEXT: {
			if (text_into_date(ru, dst)) {
				/* a text column into a date the user declared: as SQLite's dates */
				if ((size_t)*ind != strlen(v)) {
					*rule = RPL_RULE_WRONG_TYPE;
					snprintf(why, wn, "text with a NUL byte is no date");
					return -1;
				}
				if (!iso_text_fits(v, ind, dst, rule, why, wn))
					return -1;
				break;
			}
			if (*ind == 0 && enum_refuses_empty(ru, dst)) {
				*rule = RPL_RULE_WRONG_TYPE;
				snprintf(why, wn, "'' is MariaDB's ENUM error value (index 0, stored for an invalid value under a"
				         " relaxed sql_mode): a strict-mode load cannot write it, as text or as index 0, and a relaxed"
				         " one would change other values without a word");
				return -1;
			}
			if (dst->cls != RPL_CLASS_TEXT || dst->is_long || dst->size <= 0 || lite_target(ru))
				break;
			/* a character is at least a byte: short text needs no counting */
			size_t n = (size_t)*ind, chars = n <= (size_t)dst->size ? n : utf8_chars(v, n);
			if (chars > (size_t)dst->size) {
				if (!ru->truncate_strings) {
					*rule = RPL_RULE_TOO_LONG;
					char decl[200];   /* the type as users write it: a SET is no VARCHAR(17) */
					rpl_typedecl_of(dst, decl, sizeof decl);
					snprintf(why, wn, "%zu characters do not fit %s", chars, decl);
					return -1;
				}
				b->act[c] = ACT_CUT;
				b->cut[c] = utf8_cut(v, n, (size_t)dst->size);
				changes = true;
				continue;
			}
			break;
		}
		case RPL_CLASS_BINARY:
			if (dst->cls == RPL_CLASS_BINARY && !dst->is_long && dst->size > 0 && *ind > dst->size && !lite_target(ru)) {
				*rule = RPL_RULE_TOO_LONG;
				snprintf(why, wn, "%ld bytes do not fit VARBINARY(%ld)", (long)*ind, dst->size);
				return -1;
			}
			break;
		default:
			break;
		}
		if (null_rule != RPL_NRULES) {
			if (!dst->nullable) {
				*rule = null_rule;
				if (null_rule == RPL_RULE_NAN)
					snprintf(why, wn, "NaN or infinity into NOT NULL column of an engine without NaN");
				else if (null_rule == RPL_RULE_PLACEHOLDER_DATE)
					snprintf(why, wn, "placeholder date %04d-%02u-%02u into NOT NULL column", pl_y, pl_m, pl_d);
				else if (null_rule == RPL_RULE_ZERO_DATE)
					snprintf(why, wn, "zero date %04d-%02u-%02u (MariaDB's placeholder) into NOT NULL column",
					         pl_y, pl_m, pl_d);
				return -1;
			}
			b->act[c] = (int)null_rule + 1;
			changes = true;
		}
		continue;
null_check:
		if (!dst->nullable && dst->pk_pos == 0) {
			*rule = RPL_RULE_NOT_NULL;
			snprintf(why, wn, "NULL into NOT NULL column");
			return -1;
		}
	}
	for (size_t c = 0; changes && c < b->ncols; c++) {
		if (b->act[c] == 0)
			continue;
		SQLLEN *ind = rpl_xind(b, r, c);
		if (b->act[c] == ACT_ZERO) {
			if (b->cols[c].as_text)
				*ind = snprintf(rpl_xval(b, r, c), 2, "0");
			else
				*(double *)rpl_xval(b, r, c) = 0.0;
			nulled[RPL_RULE_NEG_ZERO]++;
		} else if (b->act[c] == ACT_CUT) {
			((char *)rpl_xval(b, r, c))[b->cut[c]] = '\0';
			*ind = (SQLLEN)b->cut[c];
			nulled[RPL_RULE_TRUNCATED]++;
		} else {
			*ind = SQL_NULL_DATA;
			nulled[b->act[c] - 1]++;
		}
	}
	return 0;
}
