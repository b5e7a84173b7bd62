/* lib/core/plan.h: cutting a job into partitions. A partition is a half-open range of days
 * [start, end) on the date column, or the whole table. Backfills are calendar months
 * clipped to the requested range; --day, --t0 and --t1 are single days. Pure date
 * arithmetic on the proleptic Gregorian calendar; "today" comes from the caller. */
#ifndef RPL_PLAN_H
#define RPL_PLAN_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_day { int y, m, d; };

struct rpl_range {
	bool all;                    /* whole table: no WHERE */
	struct rpl_day start, end;   /* [start, end) when !all */
};

/* rpl_plan_months cuts [from, to] (both inclusive, as users write them) into calendar
 * months, the first and last clipped. *parts is malloc'ed (caller frees). from > to
 * is an error naming both dates. */
int rpl_plan_months(struct rpl_day from, struct rpl_day to, struct rpl_range **parts,
                    size_t *n, struct rpl_err *err);

/* rpl_plan_day: the one-day range [d, d+1). */
struct rpl_range rpl_plan_day(struct rpl_day d);

/* rpl_day_add returns d moved by n days (n may be negative). */
struct rpl_day rpl_day_add(struct rpl_day d, long n);

/* rpl_day_cmp: <0, 0, >0 like strcmp. */
int rpl_day_cmp(struct rpl_day a, struct rpl_day b);

/* rpl_day_from_days / rpl_day_to_days: days since 1970-01-01. */
long rpl_day_to_days(struct rpl_day d);
struct rpl_day rpl_day_from_days(long days);

/* rpl_day_pgtext writes days (since 1970-01-01) as PostgreSQL writes a date in its
 * ISO style: YYYY-MM-DD, a year past 9999 with all its digits, a year before 1 as its
 * BC year with " BC" at the end ("0044-03-15 BC" is year -43). us >= 0: a timestamp,
 * then " HH:MM:SS" and the fraction without its trailing zeros ("12:00:00.5"), and
 * with utc "+00" (a timestamptz in a UTC session). Returns the length (at most 40). */
int rpl_day_pgtext(long days, long long us, bool utc, char *out, size_t n);

/* rpl_range_label writes "2024-01-01..2024-02-01" or "all" into out. */
void rpl_range_label(const struct rpl_range *r, char *out, size_t n);

#endif
