/* lib/core/rules_int.h: what the value rules' files share (rules.c applies them to a
 * row; rules_numbers.c and rules_dates.c read numbers and dates), private to them.
 * The helpers here are static inline because they run for every date value of a
 * copy (rpl_rules_apply is per row, per value); the rest are plain calls. */
#ifndef RPL_RULES_INT_H
#define RPL_RULES_INT_H
#include "dialect.h"
#include "xfer.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* is_placeholder compares digits, not formatted text: this runs for every date value
 * (snprintf here was 4% of the instructions of a PostgreSQL copy). */
static inline int
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

static inline bool
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
static inline bool
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

/* rules_dates.c: is y-m-d a day of the calendar? */
bool rules_calendar_date(int y, unsigned m, unsigned d);

/* rules_numbers.c */
bool rules_decimal_fits(const char *t, long p, long sc, char *why, size_t wn);
bool rules_sqlite_keeps(const char *v, const struct rpl_column *dst, char *why, size_t wn);
bool rules_decimal_plain(const struct rpl_rules *ru, const struct rpl_xcol *x, char *v, SQLLEN *ind, enum rpl_rule *rule,
              char *why, size_t wn);
bool rules_int_text(char *v, SQLLEN *ind, int64_t *i, enum rpl_rule *rule, char *why, size_t wn);
bool rules_is_neg_zero(const struct rpl_xcol *x, const void *v);
void rules_float_decimal(const struct rpl_xcol *x, void *v, SQLLEN *ind);

/* rules_maria.c: a MariaDB target column's own limits. rules_maria_int_bounds: the
 * range of an UNSIGNED, MEDIUMINT or YEAR integer column (a YEAR also takes 0); false
 * where the catalog's width says it. rules_maria_label_fits: a value of an ENUM or SET
 * column is made of its declared labels. */
bool rules_maria_int_bounds(const struct rpl_rules *ru, const struct rpl_column *d, int64_t *lo, int64_t *hi);
bool rules_maria_labels(const struct rpl_rules *ru, const struct rpl_column *d);
/* rules_maria_byte_cap: the bytes a MariaDB TINYTEXT, TEXT, MEDIUMTEXT or a BLOB of
 * those sizes holds (255, 65535, 16777215: its length prefix); 0 for any other column */
long rules_maria_byte_cap(const struct rpl_rules *ru, const struct rpl_column *d);
/* rules_maria_number_label: a number (or any value not text) into an ENUM or SET is
 * one of its labels as spelled, else MariaDB stores it by index or bits */
bool rules_maria_number_label(const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                              size_t wn);
/* rules_maria_unsigned_decimal: is d a MariaDB BIGINT UNSIGNED (a DECIMAL(20,0) to
 * the catalog), which takes no negative number? */
bool rules_maria_unsigned_decimal(const struct rpl_rules *ru, const struct rpl_column *d);
/* rules_maria_unsigned_fits: is the plain decimal text a BIGINT UNSIGNED value, 0 to
 * 2^64 - 1 (its fraction is the precision rule's)? */
bool rules_maria_unsigned_fits(const char *plain);
bool rules_maria_label_fits(const struct rpl_column *d, const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                            size_t wn);

/* rules_text.c: a SQLite source's text into an engine that checks its bytes: UTF-8;
 * any text into PostgreSQL: no NUL; into a MariaDB column of a narrower character set
 * (dst->charset): only its characters */
bool rules_text_bytes_fit(const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                          size_t wn);
bool rules_text_nul_fits(const char *v, SQLLEN ind, enum rpl_rule *rule, char *why, size_t wn);
bool rules_text_charset_fits(const struct rpl_column *dst, const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                             size_t wn);

/* rules_times.c: a time or a duration (a time column's text, a PostgreSQL interval's
 * or timetz's) into a PostgreSQL time or interval or a MariaDB TIME: the same value
 * (days respelled as hours for MariaDB), or rejected: more fraction digits than the
 * column keeps (precision), outside its range, a zone it would drop, months into
 * hours (wrong_type) */
static inline bool
rules_time_source(const struct rpl_xcol *x)
{
	return x->c_type == SQL_C_CHAR && !x->verbatim &&
	       (x->cls == RPL_CLASS_TIME || x->src->kind == RPL_KIND_INTERVAL || x->src->kind == RPL_KIND_TIMETZ);
}

static inline bool
rules_time_target(const struct rpl_rules *ru, const struct rpl_column *d)
{
	enum rpl_engine e = ru->dst_dialect->engine;
	return (e == RPL_ENGINE_POSTGRES || e == RPL_ENGINE_MARIADB) &&
	       (d->cls == RPL_CLASS_TIME || (e == RPL_ENGINE_POSTGRES && d->kind == RPL_KIND_INTERVAL));
}
bool rules_time_fits(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, char *v, SQLLEN *ind,
                     enum rpl_rule *rule, char *why, size_t wn);

/* rules_cross.c: a BIT(n) source's bytes into a MariaDB BIT(m): its bits within m */
bool rules_bits_judged(const struct rpl_rules *ru, const struct rpl_xcol *x);
bool rules_bits_fit(const struct rpl_rules *ru, const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule,
                    char *why, size_t wn);

/* rules_cross.c: a value into a target column of another class (a decimal into an
 * integer, a double into a numeric(p,s), an exact number into a double or a float, a
 * timestamp into a date): can it meet the rule at all, and does the column hold it
 * as the same value? */
bool rules_cross_judged(const struct rpl_rules *ru, const struct rpl_xcol *x);
bool rules_cross_fits(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, void *v, SQLLEN *ind, enum rpl_rule *rule,
                      char *why, size_t wn);

/* rules_dates.c */
bool rules_date_in_range(const struct rpl_rules *ru, const struct rpl_column *dst, int y, unsigned m, unsigned d, char *why, size_t wn);
/* rules_maria_ts_edge_fits: a MariaDB TIMESTAMP's first and last days to the second
 * (sod: seconds of the day, ns its fraction): the day alone is judged above */
bool rules_maria_ts_edge_fits(const struct rpl_rules *ru, const struct rpl_column *dst, int y, unsigned m, unsigned d,
                              unsigned sod, unsigned long ns, char *why, size_t wn);
bool rules_text_time(const char *t, unsigned *sec, unsigned long *ns, bool *extra);
bool rules_mssql_time_fits(const struct rpl_rules *ru, const struct rpl_column *dst, unsigned sec, unsigned long ns,
                bool extra, char *why, size_t wn);
bool rules_fraction_fits(const char *t, int keep);
bool rules_iso_text_fits(char *t, SQLLEN *ind, const struct rpl_column *dst, enum rpl_rule *rule, char *why, size_t wn);
bool rules_pg_date_text(const struct rpl_rules *ru, char *v, SQLLEN *ind, enum rpl_rule *null_rule, char *why, size_t wn);

#endif
