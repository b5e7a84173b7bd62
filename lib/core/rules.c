/* lib/core/rules.c: the value rules (docs/engines.md "How values travel"), applied in place to one row of the
 * transport buffer before it is sent. A value either passes unchanged, is set to NULL
 * by a named rule (counted), or makes the row rejected with that rule's name; nothing
 * is rounded or cut unless the user asked for truncation (counted too). Numbers and
 * dates are read by rules_numbers.c and rules_dates.c (rules_int.h); this file
 * decides, per transport class, what becomes of each value. */
#include "rules_int.h"
#include "sqlite_affinity.h"
#include "dialect.h"
#include "typedecl.h"
#include <math.h>
#include <stdlib.h>
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

/* text_into_date: is d a date or timestamp column of an engine that reads text into
 * it by its own rules? PostgreSQL takes 'yesterday' and 'now', and drops the time of
 * day of '2024-01-10 10:00:00' going into a date, without a word; MariaDB guesses at
 * other separators. Text from a text column is held to rules_iso_text_fits there, as a
 * SQLite date column's is (issue #15). SQLite keeps the text as it is. */
static bool
text_into_date(const struct rpl_rules *ru, const struct rpl_column *d)
{
	return (d->cls == RPL_CLASS_DATE || d->cls == RPL_CLASS_TIMESTAMP) && ru->dst_dialect->engine != RPL_ENGINE_SQLITE;
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

/* column_judged: can a value of x meet a rule (see rpl_rules_plan)? */
static bool
column_judged(const struct rpl_rules *ru, const struct rpl_xcol *x, enum rpl_engine src_engine)
{
	const struct rpl_column *s = x->src, *d = x->dst;
	bool enforced = src_engine != RPL_ENGINE_SQLITE;   /* SQLite stores any value in any column */
	if (x->verbatim)   /* SQLite to SQLite: only placeholder and zero dates become NULL */
		return x->cls == RPL_CLASS_DATE || x->cls == RPL_CLASS_TIMESTAMP;
	if (rules_cross_judged(ru, x))   /* into a column of another class (rules_cross.c) */
		return true;
	if (rules_time_source(x) && rules_time_target(ru, d))
		return true;   /* a time's digits and range (rules_times.c) */
	switch (x->cls) {
	case RPL_CLASS_INT: {
		int64_t lo, hi;
		if (x->as_text || rules_maria_int_bounds(ru, d, &lo, &hi))
			return true;   /* each value is read (rules_int_text); a MariaDB column's own limits */
		if (d->cls != RPL_CLASS_INT || d->int_bytes >= 8 || lite_target(ru))
			return false;
		if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && d->int_bytes == 1)
			return true;   /* TINYINT is unsigned there */
		/* an unsigned source (MariaDB's "int unsigned", SQL Server's TINYINT) holds
		 * values its signed namesake of the same size does not */
		if (strcasestr(s->type_name, "unsigned") != NULL || (src_engine == RPL_ENGINE_MSSQL && s->int_bytes == 1))
			return true;
		return !(enforced && s->int_bytes > 0 && s->int_bytes <= d->int_bytes);
	}
	case RPL_CLASS_DECIMAL:
		if (!enforced || sqlite_numeric(ru, d) || rules_maria_unsigned_decimal(ru, d))
			return true;   /* any spelling, or no number at all (rules_decimal_plain); SQLite's rounding */
		if (d->cls != RPL_CLASS_DECIMAL || d->size <= 0)
			return false;
		/* PostgreSQL's numeric also holds NaN (and Infinity, unconstrained), which no
		 * rule lets into another engine; a PostgreSQL target holds NaN too */
		if (!enforced || s->size <= 0 ||
		    (src_engine == RPL_ENGINE_POSTGRES && ru->dst_dialect->engine != RPL_ENGINE_POSTGRES))
			return true;
		return s->size - s->scale > d->size - d->scale || s->scale > d->scale;
	case RPL_CLASS_BOOL:
		return x->as_text;   /* sqliteodbc's text: 0 or 1, or refused (rules_int_text) */
	case RPL_CLASS_DOUBLE:
		if ((x->as_text && !enforced) || s->sql_type == SQL_REAL)
			return true;   /* text that is no number (rules: wrong_type); rules_float_decimal */
		/* MariaDB has no NaN and no -0.0 */
		return (!ru->dst_dialect->keeps_nan || !keeps_neg_zero(ru, d)) && src_engine != RPL_ENGINE_MARIADB;
	case RPL_CLASS_TEXT:
		if (text_into_date(ru, d) || rules_maria_labels(ru, d) ||
		    (!enforced && !lite_target(ru) && d->cls != RPL_CLASS_BINARY))
			return true;   /* the last: SQLite's text may be any bytes, which a binary column keeps (rules_text.c) */
		/* a character the MariaDB column's character set lacks (rules_text.c); a NUL
		 * into PostgreSQL: rpl_rules_plan */
		if (!lite_target(ru) && d->cls != RPL_CLASS_BINARY && d->charset != RPL_CHARSET_ANY)
			return true;
		if (rules_maria_byte_cap(ru, d) > 0)   /* a MariaDB TINYTEXT's 255 bytes */
			return !(enforced && !s->is_long && s->size > 0 && s->size * 4 <= rules_maria_byte_cap(ru, d));
		if (d->cls != RPL_CLASS_TEXT || d->is_long || d->size <= 0 || lite_target(ru))
			return false;
		return !(enforced && !s->is_long && s->size > 0 && s->size <= d->size);
	case RPL_CLASS_BINARY:
		if (rules_bits_judged(ru, x))
			return true;
		if (rules_maria_byte_cap(ru, d) > 0)
			return !(enforced && !s->is_long && s->size > 0 && s->size <= rules_maria_byte_cap(ru, d));
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

/* nul_judged: text into PostgreSQL's text from an engine whose text may hold a NUL
 * (only PostgreSQL's own has none; SQLite's bytes are judged whole, rules_text.c) */
static bool
nul_judged(const struct rpl_rules *ru, const struct rpl_xcol *x, enum rpl_engine src_engine)
{
	return x->cls == RPL_CLASS_TEXT && !x->verbatim && ru->dst_dialect->engine == RPL_ENGINE_POSTGRES &&
	       src_engine != RPL_ENGINE_POSTGRES && x->dst->cls != RPL_CLASS_BINARY;
}

void
rpl_rules_plan(const struct rpl_rules *ru, const struct rpl_xbuf *b, enum rpl_engine src_engine, bool *judged,
               bool *nul_only)
{
	for (size_t c = 0; c < b->ncols; c++) {
		judged[c] = column_judged(ru, &b->cols[c], src_engine);
		bool nul = !judged[c] && nul_judged(ru, &b->cols[c], src_engine);
		if (nul_only != NULL)
			nul_only[c] = nul;
		else
			judged[c] = judged[c] || nul;
	}
}

/* One value's verdict, filled by the judge_* functions below (each returns -1 when
 * the row must be rejected, with *rule and why). */
struct verdict {
	enum rpl_rule *rule;     /* the row's refusal: borrowed from the caller */
	char *why;
	size_t wn;
	enum rpl_rule null_rule; /* RPL_NRULES, or the rule that makes the value NULL */
	int act;                 /* a pending change of the value (b->act), 0 none */
	int pl_y;                /* the placeholder or zero date, for the message */
	unsigned pl_m, pl_d;
};

static int
judge_int(const struct rpl_rules *ru, const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd)
{
	const struct rpl_column *dst = x->dst;
	int64_t i;
	if (!x->as_text)
		i = *(int64_t *)v;
	else if (!rules_int_text(v, ind, &i, vd->rule, vd->why, vd->wn))
		return -1;
	if (dst->cls == RPL_CLASS_INT && dst->int_bytes < 8 && !lite_target(ru)) {
		int64_t hi = (INT64_C(1) << (dst->int_bytes * 8 - 1)) - 1, lo = -hi - 1;
		if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && dst->int_bytes == 1)
			lo = 0, hi = 255;     /* SQL Server's TINYINT is unsigned */
		if (i < lo || i > hi) {
			*vd->rule = RPL_RULE_INT_RANGE;
			snprintf(vd->why, vd->wn, "%lld does not fit a %d-byte integer", (long long)i, dst->int_bytes);
			return -1;
		}
	}
	int64_t lo, hi;
	if (rules_maria_int_bounds(ru, dst, &lo, &hi) && (i < lo || i > hi) &&
	    !(dst->kind == RPL_KIND_YEAR && i == 0 && !x->as_text)) {   /* a text "0" is 2000 to a YEAR (tsv.c pads integers) */
		*vd->rule = RPL_RULE_INT_RANGE;
		snprintf(vd->why, vd->wn, "%lld does not fit %.60s", (long long)i, dst->decl);
		return -1;
	}
	return 0;
}

static int
judge_bool(const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd)
{
	int64_t i;
	if (!x->as_text)
		return 0;
	if (!rules_int_text(v, ind, &i, vd->rule, vd->why, vd->wn))
		return -1;
	if (i != 0 && i != 1) {
		*vd->rule = RPL_RULE_WRONG_TYPE;
		snprintf(vd->why, vd->wn, "%lld is a boolean other than 0 or 1", (long long)i);
		return -1;
	}
	return 0;
}

static int
judge_decimal(const struct rpl_rules *ru, const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd)
{
	const struct rpl_column *dst = x->dst;
	if (x->as_text && !rules_decimal_plain(ru, x, v, ind, vd->rule, vd->why, vd->wn))
		return -1;
	if (dst->cls == RPL_CLASS_DECIMAL && dst->size > 0 && !lite_target(ru) &&
	    !rules_decimal_fits(v, dst->size, dst->scale, vd->why, vd->wn)) {
		*vd->rule = RPL_RULE_PRECISION;
		return -1;
	}
	if (sqlite_numeric(ru, dst) && !rules_sqlite_keeps(v, dst, vd->why, vd->wn)) {
		*vd->rule = RPL_RULE_PRECISION;
		return -1;
	}
	if (dst->size == 20 && rules_maria_unsigned_decimal(ru, dst) && !rules_maria_unsigned_fits(v)) {
		*vd->rule = RPL_RULE_INT_RANGE;
		snprintf(vd->why, vd->wn, "%.60s does not fit %.60s", (const char *)v, dst->decl);
		return -1;
	}
	return 0;
}

static int
judge_double(const struct rpl_rules *ru, const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd)
{
	/* into a float column the float goes as it is: its shortest decimal may lie past
	 * FLT_MAX as a double (3.4028235e+38), which MariaDB's FLOAT refused */
	if (x->src->sql_type == SQL_REAL && x->dst->sql_type != SQL_REAL)
		rules_float_decimal(x, v, ind);
	if (x->as_text && ru->untyped_source && ru->dst_dialect->engine != RPL_ENGINE_SQLITE) {
		char *end;   /* sqliteodbc's text of a REAL column: SQLite keeps any text there */
		strtod(v, &end);
		if (end == (char *)v || *end != '\0') {
			*vd->rule = RPL_RULE_WRONG_TYPE;
			snprintf(vd->why, vd->wn, "\"%.60s\" is not a number", (char *)v);
			return -1;
		}
	}
	bool nonfinite = x->as_text ? text_is_nonfinite(v) : !isfinite(*(double *)v);
	/* SQLite's REAL holds ±Infinity: only a NaN would be stored as NULL there */
	bool nan = x->as_text ? text_is_nan(v) : isnan(*(double *)v);
	if (nonfinite && !ru->dst_dialect->keeps_nan && !(ru->dst_dialect->keeps_inf && !nan))
		vd->null_rule = RPL_RULE_NAN;
	/* -0.0 where the target would store 0: 0, said and counted, never silent */
	else if (!nonfinite && rules_is_neg_zero(x, v) && !keeps_neg_zero(ru, x->dst))
		vd->act = ACT_ZERO;
	return 0;
}

/* ts_struct_fits: a binary timestamp's fraction against the target's digits */
static int
ts_struct_fits(const struct rpl_column *dst, const SQL_TIMESTAMP_STRUCT *t, struct verdict *vd)
{
	int keep = dst->scale < 9 ? dst->scale : 9;
	long unit = 1;
	for (int k = keep; k < 9; k++)
		unit *= 10;
	if (dst->cls == RPL_CLASS_TIMESTAMP && t->fraction % (SQLUINTEGER)unit != 0) {
		*vd->rule = RPL_RULE_PRECISION;
		snprintf(vd->why, vd->wn, "fractional seconds .%09lu need more than the target's %d digits",
		         (unsigned long)t->fraction, keep);
		return -1;
	}
	return 0;
}

/* date_text_read: a date or timestamp held as text, read into y, m, d. 1: read;
 * 0: leave the value as it is (judged already, or not ISO text: the target judges
 * it); -1: the row is rejected. */
static int
date_text_read(const struct rpl_rules *ru, const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd,
               int *y, unsigned *m, unsigned *d)
{
	const struct rpl_column *dst = x->dst;
	if (x->endless && x->as_text && !rules_pg_date_text(ru, v, ind, &vd->null_rule, vd->why, vd->wn))
		return 0;              /* ±infinity: as it is, or NULL or rejected (null_rule) */
	if (ru->untyped_source && ru->dst_dialect->engine != RPL_ENGINE_SQLITE &&
	    !rules_iso_text_fits(v, ind, dst, vd->rule, vd->why, vd->wn))
		return -1;             /* SQLite's text or number, another engine's date */
	if (!text_date(v, y, m, d))
		return 0;              /* not ISO text: let the target judge it */
	if (x->cls == RPL_CLASS_TIMESTAMP && dst->cls == RPL_CLASS_TIMESTAMP &&
	    ru->dst_dialect->engine != RPL_ENGINE_SQLITE && !rules_fraction_fits(v, dst->scale)) {
		*vd->rule = RPL_RULE_PRECISION;
		snprintf(vd->why, vd->wn, "%.40s needs more than the target's %d fractional digits", (char *)v,
		         dst->scale);
		return -1;
	}
	return 1;
}

/* no_such_day: a date the calendar lacks (rules_calendar_date) rejects its row */
static int
no_such_day(int y, unsigned m, unsigned d, struct verdict *vd)
{
	*vd->rule = RPL_RULE_WRONG_TYPE;
	snprintf(vd->why, vd->wn, "%04d-%02u-%02u is no day of the calendar", y, m, d);
	return -1;
}

/* ts_edge_fits: a value of MariaDB TIMESTAMP's first or last day, to the second */
static bool
ts_edge_fits(const struct rpl_rules *ru, const struct rpl_xcol *x, const void *v, int y, unsigned m, unsigned d,
             struct verdict *vd)
{
	unsigned h = 0, mi = 0, s = 0;
	unsigned long ns = 0;
	if (x->c_type == SQL_C_TYPE_TIMESTAMP) {
		const SQL_TIMESTAMP_STRUCT *t = v;
		h = t->hour, mi = t->minute, s = t->second, ns = t->fraction;
	} else if (x->c_type == SQL_C_CHAR) {
		const char *t = v;
		bool extra;
		if (rules_text_time(t, &s, &ns, &extra) && sscanf(t + 11, "%2u:%2u", &h, &mi) != 2)
			h = mi = 0;
	}
	return rules_maria_ts_edge_fits(ru, x->dst, y, m, d, h * 3600 + mi * 60 + s, ns, vd->why, vd->wn);
}

static int
judge_date(const struct rpl_rules *ru, const struct rpl_xcol *x, void *v, SQLLEN *ind, struct verdict *vd)
{
	const struct rpl_column *dst = x->dst;
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
		if (ts_struct_fits(dst, t, vd) < 0)
			return -1;
	} else {
		int rd = date_text_read(ru, x, v, ind, vd, &y, &m, &d);
		if (rd <= 0)
			return rd;
	}
	if (m == 0 || d == 0)   /* MariaDB's zero dates: 0000-00-00, 2020-00-00 */
		vd->null_rule = RPL_RULE_ZERO_DATE, vd->pl_y = y, vd->pl_m = m, vd->pl_d = d;
	else if (y != RPL_YEAR_FAR && !rules_calendar_date(y, m, d) && !lite_target(ru))   /* FAR: days in m, d */
		return no_such_day(y, m, d, vd);
	else if (is_placeholder(ru, y, m, d))
		vd->null_rule = RPL_RULE_PLACEHOLDER_DATE, vd->pl_y = y, vd->pl_m = m, vd->pl_d = d;
	else if (!rules_date_in_range(ru, dst, y, m, d, vd->why, vd->wn))
		vd->null_rule = RPL_RULE_DATE_RANGE;
	else if ((y == 1970 || y == 2038) && !ts_edge_fits(ru, x, v, y, m, d, vd))
		vd->null_rule = RPL_RULE_DATE_RANGE;
	/* only a value that is kept can lose its time of day; only SQL Server's
	 * old types do that (the text is parsed only for them: this runs per value) */
	else if (ru->dst_dialect->engine == RPL_ENGINE_MSSQL && dst->cls == RPL_CLASS_TIMESTAMP) {
		if (x->as_text)
			has_time = rules_text_time(v, &sec, &ns, &extra);
		if (has_time && !rules_mssql_time_fits(ru, dst, sec, ns, extra, vd->why, vd->wn)) {
			*vd->rule = RPL_RULE_PRECISION;
			return -1;
		}
	}
	return 0;
}

static int
judge_text(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t c, void *v, SQLLEN *ind, struct verdict *vd)
{
	const struct rpl_column *dst = b->cols[c].dst;
	if (!lite_target(ru) && dst->cls != RPL_CLASS_BINARY &&
	    ((ru->untyped_source && !rules_text_bytes_fit(v, *ind, vd->rule, vd->why, vd->wn)) ||
	     (ru->dst_dialect->engine == RPL_ENGINE_POSTGRES && !rules_text_nul_fits(v, *ind, vd->rule, vd->why, vd->wn)) ||
	     (dst->charset != RPL_CHARSET_ANY && !rules_text_charset_fits(dst, v, *ind, vd->rule, vd->why, vd->wn))))
		return -1;
	if (text_into_date(ru, dst)) {
		/* a text column into a date the user declared: as SQLite's dates */
		if ((size_t)*ind != strlen(v)) {
			*vd->rule = RPL_RULE_WRONG_TYPE;
			snprintf(vd->why, vd->wn, "text with a NUL byte is no date");
			return -1;
		}
		int y;
		unsigned m, d;
		if (!rules_iso_text_fits(v, ind, dst, vd->rule, vd->why, vd->wn))
			return -1;
		if (text_date(v, &y, &m, &d) && !rules_calendar_date(y, m, d))
			return no_such_day(y, m, d, vd);
		if (text_date(v, &y, &m, &d) && (!rules_date_in_range(ru, dst, y, m, d, vd->why, vd->wn) ||
		                                 ((y == 1970 || y == 2038) && !ts_edge_fits(ru, &b->cols[c], v, y, m, d, vd))))
			vd->null_rule = RPL_RULE_DATE_RANGE;   /* MariaDB's TIMESTAMP, SQL Server's old types */
		return 0;
	}
	/* a character is at least a byte: short text needs no counting */
	bool bounded = dst->cls == RPL_CLASS_TEXT && !dst->is_long && dst->size > 0 && !lite_target(ru);
	size_t n = (size_t)*ind, chars = !bounded || n <= (size_t)dst->size ? n : utf8_chars(v, n);
	if (bounded && chars > (size_t)dst->size && b->cols[c].src->kind == RPL_KIND_CHAR) {
		/* a CHAR(n)'s trailing spaces are its padding, not its value (PostgreSQL's
		 * char(10) sends 'abc' as 10 characters): the value without them */
		char *t = v;
		size_t k = n;
		while (k > 0 && t[k - 1] == ' ')
			k--;
		chars -= n - k;
		if (chars <= (size_t)dst->size) {
			t[k] = '\0';
			*ind = (SQLLEN)k;
			n = k;
		}
	}
	if (bounded && chars > (size_t)dst->size) {
		if (!ru->truncate_strings) {
			*vd->rule = RPL_RULE_TOO_LONG;
			char decl[200];   /* the type as users write it: a SET is no VARCHAR(17) */
			rpl_typedecl_of(dst, decl, sizeof decl);
			snprintf(vd->why, vd->wn, "%zu characters do not fit %s", chars, decl);
			return -1;
		}
		vd->act = ACT_CUT;
		b->cut[c] = utf8_cut(v, n, (size_t)dst->size);
		return 0;
	}
	/* a MariaDB TEXT's bytes, in its character set: a latin1 character is one */
	long cap = rules_maria_byte_cap(ru, dst);
	if (cap > 0 && (n > (size_t)cap || dst->charset == RPL_CHARSET_UCS2)) {   /* ucs2: 2 bytes an ASCII character */
		size_t bytes = dst->charset == RPL_CHARSET_LATIN1 || dst->charset == RPL_CHARSET_ASCII ? utf8_chars(v, n)
		               : dst->charset == RPL_CHARSET_UCS2                                  ? 2 * utf8_chars(v, n)
		                                                                                   : n;
		if (bytes > (size_t)cap) {
			*vd->rule = RPL_RULE_TOO_LONG;
			snprintf(vd->why, vd->wn, "%zu bytes do not fit the %.*s column %s (%ld bytes)", bytes,
			         (int)strcspn(dst->decl, " ("), dst->decl, dst->name, cap);
			return -1;
		}
	}
	/* a MariaDB ENUM's or SET's labels (rules_maria.c) */
	return rules_maria_labels(ru, dst) && !rules_maria_label_fits(dst, v, *ind, vd->rule, vd->why, vd->wn) ? -1 : 0;
}

static int
judge_binary(const struct rpl_rules *ru, const struct rpl_column *dst, const SQLLEN *ind, struct verdict *vd)
{
	long cap = rules_maria_byte_cap(ru, dst);
	if (cap > 0 && *ind > cap) {
		*vd->rule = RPL_RULE_TOO_LONG;
		snprintf(vd->why, vd->wn, "%ld bytes do not fit the %.*s column %s (%ld bytes)", (long)*ind,
		         (int)strcspn(dst->decl, " ("), dst->decl, dst->name, cap);
		return -1;
	}
	if (dst->cls == RPL_CLASS_BINARY && !dst->is_long && dst->size > 0 && *ind > dst->size && !lite_target(ru)) {
		*vd->rule = RPL_RULE_TOO_LONG;
		snprintf(vd->why, vd->wn, "%ld bytes do not fit VARBINARY(%ld)", (long)*ind, dst->size);
		return -1;
	}
	return 0;
}

/* judge_value: one value that is neither NULL nor a misfit, by its class */
static int
judge_value(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t c, void *v, SQLLEN *ind, struct verdict *vd)
{
	const struct rpl_xcol *x = &b->cols[c];
	switch (x->cls) {
	case RPL_CLASS_INT:
		return judge_int(ru, x, v, ind, vd);
	case RPL_CLASS_BOOL:
		return judge_bool(x, v, ind, vd);
	case RPL_CLASS_DECIMAL:
		return judge_decimal(ru, x, v, ind, vd);
	case RPL_CLASS_DOUBLE:
		return judge_double(ru, x, v, ind, vd);
	case RPL_CLASS_DATE:
	case RPL_CLASS_TIMESTAMP:
		return judge_date(ru, x, v, ind, vd);
	case RPL_CLASS_TEXT:
		return judge_text(ru, b, c, v, ind, vd);
	case RPL_CLASS_BINARY:
		if (!rules_bits_fit(ru, x, v, *ind, vd->rule, vd->why, vd->wn))
			return -1;
		return judge_binary(ru, x->dst, ind, vd);
	default:
		return 0;
	}
}

/* judge_null_rule: a rule would make the value NULL; a NOT NULL column rejects the
 * row instead, saying why */
static int
judge_null_rule(const struct rpl_column *dst, struct verdict *vd)
{
	if (dst->nullable) {
		vd->act = (int)vd->null_rule + 1;
		return 0;
	}
	*vd->rule = vd->null_rule;
	if (vd->null_rule == RPL_RULE_NAN)
		snprintf(vd->why, vd->wn, "NaN or infinity into NOT NULL column of an engine without NaN");
	else if (vd->null_rule == RPL_RULE_PLACEHOLDER_DATE)
		snprintf(vd->why, vd->wn, "placeholder date %04d-%02u-%02u into NOT NULL column", vd->pl_y, vd->pl_m,
		         vd->pl_d);
	else if (vd->null_rule == RPL_RULE_ZERO_DATE)
		snprintf(vd->why, vd->wn, "zero date %04d-%02u-%02u (MariaDB's placeholder) into NOT NULL column",
		         vd->pl_y, vd->pl_m, vd->pl_d);
	return -1;
}

/* judge_misfit: a value the source could not read as its type (xfer.h) */
static int
judge_misfit(const struct rpl_xbuf *b, size_t r, size_t c, struct verdict *vd)
{
	const struct rpl_misfit *m = rpl_xbuf_misfit_find(b, r, c);
	/* PostgreSQL's ±infinity where the target has no such date: NULL where
	 * the column is nullable, as any date outside the target's range */
	if (m != NULL && m->rule == RPL_RULE_DATE_RANGE && b->cols[c].dst->nullable) {
		vd->act = RPL_RULE_DATE_RANGE + 1;
		return 0;
	}
	*vd->rule = m != NULL ? (enum rpl_rule)m->rule : RPL_RULE_WRONG_TYPE;
	snprintf(vd->why, vd->wn, "%s", m != NULL ? m->why : "a value the source could not read as its type");
	return -1;
}

enum rpl_rule
rpl_rules_change(const struct rpl_xbuf *b, size_t c)
{
	return b->act[c] == ACT_ZERO  ? RPL_RULE_NEG_ZERO
	       : b->act[c] == ACT_CUT ? RPL_RULE_TRUNCATED
	                              : (enum rpl_rule)(b->act[c] - 1);
}

/* apply_changes: rpl_rules_apply's second phase, the row passed: its changes made
 * and counted */
static void
apply_changes(struct rpl_xbuf *b, size_t r, int64_t nulled[RPL_NRULES])
{
	for (size_t c = 0; c < b->ncols; c++) {
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
}

size_t
rpl_rules_watch(const struct rpl_rules *ru, const struct rpl_xbuf *b, size_t *watch, size_t *nnul)
{
	size_t n = 0;
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_column *d = b->cols[c].dst;
		if (ru->judged == NULL || ru->judged[c] || (!d->nullable && d->pk_pos == 0))
			watch[n++] = c;
	}
	*nnul = 0;
	for (size_t c = 0; ru->judged != NULL && ru->nul_only != NULL && c < b->ncols; c++)
		if (!ru->judged[c] && ru->nul_only[c])
			watch[n + (*nnul)++] = c;
	return n;
}

/* nul_row: the nul_only columns of row r (rpl_rules_plan), one memchr a value: a
 * loop of their own, as the main loop's set-up per value cost three times the memchr */
static int
nul_row(const struct rpl_rules *ru, const struct rpl_xbuf *b, unsigned char *row, enum rpl_rule *rule,
        size_t *col, char *why, size_t wn)
{
	for (size_t k = 0; k < ru->nnul; k++) {
		size_t c = ru->watch[ru->nwatch + k];
		if (!ru->nul_only[c])
			continue;   /* set aside (scan.c) */
		const struct rpl_xcol *x = &b->cols[c];
		SQLLEN ind = *(const SQLLEN *)(const void *)(row + x->ind_off);
		const char *v;
		if (ind <= 0 || memchr((v = rpl_xval_in(b, row, x)), '\0', (size_t)ind) == NULL)
			continue;
		*col = c;
		rules_text_nul_fits(v, ind, rule, why, wn);
		return -1;
	}
	return 0;
}

int
rpl_rules_apply(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r,
                int64_t nulled[RPL_NRULES], enum rpl_rule *rule, size_t *col,
                char *why, size_t wn)
{
	bool changes = false;
	struct verdict vd = { .rule = rule, .why = why, .wn = wn };
	/* the row's address once: this loop runs for every value of a copy */
	unsigned char *row = b->data + r * b->row_size;
	/* Two phases: decide for every column first, change the row only when it
	 * passes, so a rejected row keeps its source values (reject file) and its
	 * changes are not counted. */
	memset(b->act, 0, b->ncols * sizeof *b->act);
	if (ru->nnul > 0 && nul_row(ru, b, row, rule, col, why, wn) < 0)
		return -1;
	/* a misfit may be in any column: such a chunk's rows are looked at whole */
	bool all = ru->watch == NULL || b->nmisfits > 0;
	size_t n = all ? b->ncols : ru->nwatch;
	for (size_t k = 0; k < n; k++) {
		size_t c = all ? k : ru->watch[k];
		const struct rpl_xcol *x = &b->cols[c];
		SQLLEN *ind = (SQLLEN *)(void *)(row + x->ind_off);
		if (*ind == SQL_NULL_DATA) {
			if (!x->dst->nullable && x->dst->pk_pos == 0) {
				*col = c;
				*rule = RPL_RULE_NOT_NULL;
				snprintf(why, wn, "NULL into NOT NULL column");
				return -1;
			}
			continue;
		}
		/* most columns of most tables: nothing to judge (the check before the value's
		 * address and the verdict's set-up, which cost as much again) */
		if (*ind != RPL_IND_MISFIT && ru->judged != NULL && !ru->judged[c])
			continue;
		void *v = rpl_xval_in(b, row, x);
		*col = c;
		vd.null_rule = RPL_NRULES;
		vd.act = 0;
		if (*ind == RPL_IND_MISFIT) {
			if (judge_misfit(b, r, c, &vd) < 0)
				return -1;
		} else {
			if (x->verbatim) {   /* a date column's text, NUL-terminated after its class */
				if (*(unsigned char *)v != RPL_XV_TEXT)
					continue;
				v = (unsigned char *)v + 1;
			}
			if (rules_time_source(x) && rules_time_target(ru, x->dst) &&
			    !rules_time_fits(ru, b, r, c, v, ind, rule, why, wn))
				return -1;
			if (judge_value(ru, b, c, v, ind, &vd) < 0)
				return -1;
			if (vd.null_rule != RPL_NRULES && judge_null_rule(x->dst, &vd) < 0)
				return -1;
			/* into a column of another class, or a double into a float (rules_cross.c):
			 * tested here first, this runs for every date of every row */
			if ((x->cls != x->dst->cls || x->dst->sql_type == SQL_REAL) && vd.null_rule == RPL_NRULES &&
			    vd.act == 0 && !rules_cross_fits(ru, b, r, c, v, ind, rule, why, wn))
				return -1;
		}
		if (vd.act != 0) {
			b->act[c] = vd.act;
			changes = true;
		}
	}
	if (changes)
		apply_changes(b, r, nulled);
	return 0;
}
