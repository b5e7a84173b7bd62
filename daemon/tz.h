/* daemon/tz.h: one IANA time zone, read from its TZif file, for the scheduler and
 * for "today" (--t0/--t1) in the service.
 *
 * Why not TZ + localtime_r: the service has job threads running ODBC drivers that
 * read the environment and (psqlODBC, for timestamptz) the process time zone;
 * setenv("TZ") while they run is a data race, and a process-wide TZ would change
 * the values some drivers deliver. So the zone is a value the loop owns and passes
 * to pure functions, and the unit tests can hand it any "now".
 *
 * Transitions come from the file's 64-bit block (version 2+); instants after the
 * last one follow the POSIX TZ footer (Mm.w.d rules), so slim zone files work too.
 * Loop thread only (or any single thread owning the struct). */
#ifndef RD_TZ_H
#define RD_TZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "plan.h"

struct rd_tz_rule { int month, week, wday; int32_t secs; };   /* Mm.w.d/secs */

struct rd_tz {
	char name[128];
	int64_t *trans;         /* owned; ascending UTC instants */
	uint8_t *idx;           /* owned; type in effect from trans[i] */
	size_t ntrans;
	int32_t *offs;          /* owned; UTC offset of each type, seconds east */
	size_t ntypes;
	int32_t first_off;      /* before the first transition */
	bool have_rule;         /* the footer gives the rule after the last transition */
	bool rule_dst;          /* the rule has daylight time */
	int32_t std_off, dst_off;
	struct rd_tz_rule start, end;
};

/* rd_tz_load reads zone name from dir (NULL: $TZDIR or /usr/share/zoneinfo) into
 * *tz (caller memory; free with rd_tz_fini). "UTC" always works. On failure returns
 * -1 and writes why into errbuf. */
int rd_tz_load(struct rd_tz *tz, const char *name, const char *dir, char *errbuf, size_t errlen);

void rd_tz_fini(struct rd_tz *tz);

/* rd_tz_offset: the zone's UTC offset (seconds east) at UTC instant t. */
int32_t rd_tz_offset(const struct rd_tz *tz, int64_t t);

/* rd_tz_local: the local calendar day and seconds after local midnight at t. */
void rd_tz_local(const struct rd_tz *tz, int64_t t, struct rpl_day *day, int *secs);

/* rd_tz_utc: the UTC instant of local wall time day + secs. A time that does not
 * exist (spring forward) moves forward by the gap; a time that exists twice (fall
 * back) is its first occurrence. */
int64_t rd_tz_utc(const struct rd_tz *tz, struct rpl_day day, int secs);

/* rd_tz_format writes t as local ISO-8601 with offset ("2024-03-31T03:00:00+02:00"). */
void rd_tz_format(const struct rd_tz *tz, int64_t t, char *out, size_t n);

#endif
