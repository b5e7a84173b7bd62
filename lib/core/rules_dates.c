/* lib/core/rules_dates.c: the value rules' reading of dates and times (rules_int.h):
 * SQL Server's narrow date ranges and what its old types do to a time of day,
 * fractional digits, ISO 8601 text from a SQLite source or a text column, and
 * PostgreSQL's infinity and BC dates as psqlODBC gives them. What becomes of a value
 * (NULL, rejected, changed) is decided in rules.c. */
#include "rules_int.h"
#include "dialect.h"
#include <ctype.h>
#include <strings.h>

/* SQL Server's narrow date types (docs/sqlserver.md: 1753 is where DATETIME begins). */
bool
rules_date_in_range(const struct rpl_rules *ru, const struct rpl_column *dst, int y, unsigned m, unsigned d, char *why, size_t wn)
{
	long v = (long)y * 10000 + m * 100 + d;
	/* MariaDB's TIMESTAMP (before 11.5): seconds since 1970 in 32 bits, UTC as the
	 * session; the first and last days' seconds: rules_maria_ts_edge_fits */
	if (ru->dst_dialect->engine == RPL_ENGINE_MARIADB && dst->kind == RPL_KIND_TIMESTAMPTZ &&
	    (v < 19700101 || v > 20380119)) {
		snprintf(why, wn, "%04d-%02u-%02u is outside TIMESTAMP's 1970-01-01..2038-01-19", y, m, d);
		return false;
	}
	if (ru->dst_dialect->engine != RPL_ENGINE_MSSQL)
		return true;
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

bool
rules_maria_ts_edge_fits(const struct rpl_rules *ru, const struct rpl_column *dst, int y, unsigned m, unsigned d,
                         unsigned sod, unsigned long ns, char *why, size_t wn)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MARIADB || dst->kind != RPL_KIND_TIMESTAMPTZ || y < 1970 || y > 2038)
		return true;
	long v = (long)y * 10000 + m * 100 + d;
	/* 1970-01-01 00:00:01 to 2038-01-19 03:14:07.999999 (0 is its zero value) */
	bool first = v == 19700101 && sod == 0, last = v == 20380119 && sod >= 3 * 3600 + 14 * 60 + 8;
	if (!first && !last)
		return true;
	snprintf(why, wn, "%04d-%02u-%02u %02u:%02u:%02u%s is outside TIMESTAMP's 1970-01-01 00:00:01..2038-01-19 "
	         "03:14:07.999999", y, m, d, sod / 3600, sod / 60 % 60, sod % 60, ns != 0 ? ".…" : "");
	return false;
}

/* rules_text_time reads the seconds and the fraction (in ns) of an ISO text timestamp;
 * false when it has no time part. *extra: nonzero digits beyond nanoseconds. */
bool
rules_text_time(const char *t, unsigned *sec, unsigned long *ns, bool *extra)
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

/* rules_mssql_time_fits: what SQL Server's old types do to a time of day. DATETIME counts
 * 1/300 s: it rounds milliseconds to .xx0, .xx3 or .xx7 (.001 to .000, .002 and .004
 * to .003, .005-.008 to .007, .009 to .010, .999 to the next second); SMALLDATETIME
 * keeps whole minutes (29.998 s round down, 29.999 s up). Fidelity (docs/engines.md "How values
 * rules") says a value arrives as it left or is refused by a named rule: a time the
 * type would round is rejected as precision, one it keeps (.003 stays .003) passes. */
bool
rules_mssql_time_fits(const struct rpl_rules *ru, const struct rpl_column *dst, unsigned sec, unsigned long ns,
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
bool
rules_fraction_fits(const char *t, int keep)
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

/* rules_iso_text_fits: a SQLite date or datetime column holds whatever text or number it
 * was given, and other engines read more than dates from text: PostgreSQL takes
 * 'yesterday' and 'epoch' as dates, drops a time zone offset going into a timestamp
 * without one and a time of day going into a date. Into them only ISO 8601 passes
 * (YYYY-MM-DD, then [ T]HH:MM[:SS[.fff…]] and an offset only where the target keeps
 * one); the rest is refused, never reinterpreted (issue #15). The 'T' between date
 * and time is written as a space, which every engine and driver reads alike. */
bool
rules_iso_text_fits(char *t, SQLLEN *ind, const struct rpl_column *dst, enum rpl_rule *rule, char *why, size_t wn)
{
	char *q = t + 10;
	char *offset = NULL;
	bool time_of_day = false;
	if (strlen(t) < 10 || digits_at(t, 4) < 0 || t[4] != '-' || digits_at(t + 5, 2) < 0 || t[7] != '-' ||
	    digits_at(t + 8, 2) < 0)
		goto not_iso;
	if (*q == ' ' || *q == 'T') {
		/* hour 24 (PostgreSQL read 24:00:00 as the next day's midnight), minute or
		 * second 60: a time of day no target keeps as it is written */
		if (digits_at(q + 1, 2) < 0 || digits_at(q + 1, 2) > 23 || q[3] != ':' || digits_at(q + 4, 2) < 0 ||
		    digits_at(q + 4, 2) > 59)
			goto not_iso;
		time_of_day = digits_at(q + 1, 2) != 0 || digits_at(q + 4, 2) != 0;
		q += 6;
		if (*q == ':') {
			if (digits_at(q + 1, 2) < 0 || digits_at(q + 1, 2) > 59)
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
	/* zeros past six fractional digits (.1200000): the same time, which MariaDB's
	 * LOAD DATA refused as truncated; other digits there are the precision rule's */
	char *dot = strchr(t, '.');
	if (dot != NULL) {
		size_t k = strspn(dot + 1, "0123456789");
		if (k > 6 && strspn(dot + 7, "0") >= k - 6) {
			size_t tail = strlen(dot + 1 + k);
			memmove(dot + 7, dot + 1 + k, tail + 1);
			*ind -= (SQLLEN)(k - 6);
		}
	}
	return true;
not_iso:
	*rule = RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "\"%.40s\" is not an ISO 8601 date or time (YYYY-MM-DD[ HH:MM:SS[.fff]])", t);
	return false;
}

/* rules_pg_date_text: a date or timestamp read from psqlODBC as PostgreSQL's text (xfer.h,
 * RPL_XFER_SRC_PGODBC; sqlgen.c casts it). Its session runs in UTC, so a timestamptz
 * ends in "+00", which is dropped where the target type has no zone (PostgreSQL and
 * SQLite keep the text as it is). 'infinity', '-infinity' and a date before year 1
 * ("0044-03-15 BC") go into PostgreSQL (and SQLite's text) as themselves; elsewhere
 * false with *null_rule date_range (NULL, or the row rejected for a NOT NULL column)
 * and why. True: an ordinary date, read on. */
bool
rules_pg_date_text(const struct rpl_rules *ru, char *v, SQLLEN *ind, enum rpl_rule *null_rule, char *why, size_t wn)
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

/* rules_calendar_date: is y-m-d a day of the (proleptic Gregorian) calendar? A SQLite
 * text '2024-02-30', or a MariaDB date stored under ALLOW_INVALID_DATES, is not:
 * PostgreSQL and a strict MariaDB refuse it */
bool
rules_calendar_date(int y, unsigned m, unsigned d)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m < 1 || m > 12)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d >= 1 && d <= (unsigned)days[m - 1] + (m == 2 && leap);
}
