/* lib/core/rules_times.c: a time or a duration into a target's time column: a
 * PostgreSQL time, a MariaDB TIME, a PostgreSQL interval. Outside runs found each of
 * these changed without a word or refused by the server: PostgreSQL rounded
 * 23:59:59.9 into a time(0) to 24:00:00 and MariaDB cut 10:00:00.75 to 10:00:00 (a
 * timestamp's extra digits were already rejected by precision); a MariaDB TIME of
 * 100 hours or below zero is no PostgreSQL time of day; MariaDB read PostgreSQL's
 * '1 day 02:00:00' as nothing; a time's zone was dropped. Each is now the same value
 * or a rejected row naming the column. */
#include "rules_int.h"
#include "dialect.h"
#include "vcmp.h"
#include <stdlib.h>

enum { NS = 1000000000 };
#define HOUR_NS (INT64_C(3600) * NS)

/* digits_of: the fraction digits a target time column keeps: its scale, or an
 * interval's declared "(n)" (6 when it declares none) */
static int
digits_of(const struct rpl_column *d)
{
	if (d->kind != RPL_KIND_INTERVAL)
		return d->scale < 0 ? 0 : d->scale > 9 ? 9 : d->scale;
	const char *p = strrchr(d->decl, '(');
	int n = p != NULL ? atoi(p + 1) : 6;
	return n < 0 ? 0 : n > 6 ? 6 : n;
}

/* spell_hours writes ns as [-]H:MM:SS[.ffffff], the form MariaDB's TIME reads */
static int
spell_hours(int64_t ns, char *out, size_t n)
{
	uint64_t m = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	uint64_t s = m / NS, frac = m % NS;
	int k = snprintf(out, n, "%s%llu:%02u:%02u", ns < 0 ? "-" : "", (unsigned long long)(s / 3600),
	                 (unsigned)(s / 60 % 60), (unsigned)(s % 60));
	if (frac != 0 && k > 0 && (size_t)k < n)
		k += snprintf(out + k, n - (size_t)k, ".%09llu", (unsigned long long)frac);
	while (frac != 0 && k > 0 && out[k - 1] == '0')
		out[--k] = '\0';
	return k;
}

/* respell puts text t of length k in place of the value, in the heap where the slot
 * has no room for it; false when neither has */
static bool
respell(struct rpl_xbuf *b, size_t r, size_t c, char *v, SQLLEN *ind, const char *t, int k)
{
	const struct rpl_xcol *x = &b->cols[c];
	char *room;
	if (k <= *ind || (!x->ool && k < x->width))
		memcpy(v, t, (size_t)k + 1);
	else if (x->ool && (room = rpl_xbuf_heap_put(b, r, c, (size_t)k + 1)) != NULL) {
		memcpy(room, t, (size_t)k + 1);
		rpl_xbuf_heap_used(b, (size_t)k + 1);
	} else
		return false;
	*ind = k;
	return true;
}

bool
rules_time_fits(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r, size_t c, char *v, SQLLEN *ind,
                enum rpl_rule *rule, char *why, size_t wn)
{
	const struct rpl_column *d = b->cols[c].dst;
	enum rpl_engine e = ru->dst_dialect->engine;
	bool pg_time = e == RPL_ENGINE_POSTGRES && d->cls == RPL_CLASS_TIME;
	int64_t ns;
	*rule = RPL_RULE_WRONG_TYPE;
	if (!rpl_vtime_parse(v, (size_t)*ind, &ns)) {
		if (d->kind == RPL_KIND_TIMETZ)
			return true;   /* a zone into a column that keeps one */
		/* a zone follows the time: '-1 days -02:00:00' (an interval) and a date's
		 * '-15' are none */
		bool interval = b->cols[c].src->kind == RPL_KIND_INTERVAL;
		const char *colon = *ind > 0 ? memchr(v, ':', (size_t)*ind) : NULL;
		if (!interval && colon != NULL && strpbrk(colon, "+-Z") != NULL) {
			snprintf(why, wn, "'%.40s' has a time zone, which the column %s would drop", v, d->name);
			return false;
		}
		if (strstr(v, "mon") != NULL || strstr(v, "year") != NULL) {
			if (d->kind == RPL_KIND_INTERVAL)
				return true;   /* an interval takes months */
			snprintf(why, wn, "the interval '%.40s' counts months or years, which have no fixed length: the "
			         "column %s holds hours", v, d->name);
			return false;
		}
		if (ru->untyped_source) {   /* SQLite holds 42 or '7:05' in a TIME column as well */
			snprintf(why, wn, "'%.40s' is no time as replicad reads one ([-]H:MM:SS[.fraction], a duration "
			         "with PostgreSQL's days) for the column %s", v, d->name);
			return false;
		}
		return true;   /* not a time replicad reads: the server judges it */
	}
	int digits = digits_of(d);
	int64_t unit = 1;
	for (int k = digits; k < 9; k++)
		unit *= 10;
	if (ns % unit != 0) {
		*rule = RPL_RULE_PRECISION;
		snprintf(why, wn, "'%.40s' has more fractional digits than the %d the column %s keeps (%s would %s it)", v,
		         digits, d->name, e == RPL_ENGINE_POSTGRES ? "PostgreSQL" : "MariaDB",
		         e == RPL_ENGINE_POSTGRES ? "round" : "cut");
		return false;
	}
	if (pg_time && (ns < 0 || ns > 24 * HOUR_NS)) {
		snprintf(why, wn, "'%.40s' is no time of day: PostgreSQL's time column %s holds 00:00:00 to 24:00:00", v,
		         d->name);
		return false;
	}
	if (e == RPL_ENGINE_MARIADB) {
		const int64_t max = 839 * HOUR_NS - 1000;   /* 838:59:59.999999 */
		if (ns < -max || ns > max) {
			snprintf(why, wn, "'%.40s' is beyond MariaDB's TIME range, -838:59:59.999999 to 838:59:59.999999 "
			         "(column %s)", v, d->name);
			return false;
		}
		if (memchr(v, 'd', (size_t)*ind) != NULL) {   /* PostgreSQL's days: MariaDB reads hours */
			char t[40];
			int k = spell_hours(ns, t, sizeof t);
			if (!respell(b, r, c, v, ind, t, k)) {
				snprintf(why, wn, "'%.40s' is %s, more characters than its column %s gives it", v, t, d->name);
				return false;
			}
		}
	}
	return true;
}
