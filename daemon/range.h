/* daemon/range.h: the one range planner of every command that takes a RANGE
 * (`replicad run`, job.submit, the scheduler's slots, the jobs a restart resumes):
 * --from/--to, --day, --t0, --t1 or --full, already parsed from argv or from JSON,
 * become the ledger's kind and the list of partitions (plan.h). Errors name the
 * argument as the caller's user wrote it ("--from" on the command line, "from" in
 * job.submit) and never print: the caller puts its own prefix before err->msg.
 * Pure but for the time zone it is given: any thread. */
#ifndef RD_RANGE_H
#define RD_RANGE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "plan.h"
#include "tz.h"

/* rd_range_opts: the range as given. Strings are borrowed; NULL when absent. */
struct rd_range_opts {
	const char *from, *to;       /* a backfill, both days inclusive, YYYY-MM-DD */
	const char *day;             /* one day, YYYY-MM-DD */
	bool t0, t1;                 /* today, yesterday in tz */
	bool full;                   /* the whole table */
	const char *dashes;          /* how errors name arguments: "--" (command line) or "" (job.submit) */
};

/* rd_range_env: what the planner checks the range against. */
struct rd_range_env {
	const char *table;           /* borrowed: the table's name, for messages */
	bool has_date;               /* the table has a date_column: else only full applies */
	const char *config_path;     /* borrowed; NULL: messages do not name the file */
	int max_partitions;          /* a backfill over this many months is refused; 0: no limit */
	const struct rd_tz *tz;      /* borrowed; for t0 and t1 only (NULL otherwise is fine) */
	int64_t now;                 /* UTC seconds; for t0 and t1 only */
};

/* rd_range_plan: the result. */
struct rd_range_plan {
	char kind[12];               /* "backfill", "day" or "full": the ledger's */
	char from[11], to[11];       /* first and last day as YYYY-MM-DD; to "" for a day,
	                              * both "" for full */
	struct rpl_range *parts;     /* owned (rd_range_plan_fini) */
	size_t nparts;
	long wanted;                 /* refused over max_partitions: the partitions it would make; else 0 */
};

/* rd_range_check: exactly one kind of range, and from with to. RPL_EINVAL with a
 * message naming the arguments otherwise. */
int rd_range_check(const struct rd_range_opts *o, struct rpl_err *err);

/* rd_range_plan checks o (rd_range_check), parses its dates, refuses a dated range
 * on a table without date_column and a backfill over env->max_partitions months
 * (counted before anything is allocated; p->wanted says how many), and plans the
 * partitions into *p (zeroed first). 0, or RPL_EINVAL / RPL_ENOMEM with err set and
 * nothing to free. */
int rd_range_plan(const struct rd_range_opts *o, const struct rd_range_env *env, struct rd_range_plan *p,
                  struct rpl_err *err);

/* rd_range_fmt_day writes d as YYYY-MM-DD. */
void rd_range_fmt_day(struct rpl_day d, char out[11]);

/* rd_range_plan_fini frees p's partitions. */
void rd_range_plan_fini(struct rd_range_plan *p);

#endif
