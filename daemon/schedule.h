/* daemon/schedule.h: the scheduler (not sched.h: that name would shadow the system <sched.h>): T-1 of every date-based table daily at
 * schedule.t1_at, T-0 every schedule.t0_every, reference tables (no date_column) in
 * full daily at schedule.reference_at, all in schedule.timezone (slots.h has the
 * arithmetic). One loop timer wakes at the next slot (at most a minute ahead, so a
 * changed wall clock is noticed). A slot does not start a table again while the job
 * it started last is unfinished. The last firing of each slot is kept in
 * state_dir/schedule.json: a daily slot missed while the daemon was down runs once
 * at start (a first start with no record only records). It reaches the service
 * only through struct rd_host (host.h). Loop thread only. */
#ifndef RD_SCHEDULE_H
#define RD_SCHEDULE_H
#include <jansson.h>
#include <stdint.h>
#include "host.h"

struct rd_jobs;
struct rd_sched;

/* rd_sched_new: a stopped scheduler on host's loop (host is copied) that submits to
 * jobs (borrowed; it must outlive the scheduler). */
struct rd_sched *rd_sched_new(const struct rd_host *host, struct rd_jobs *jobs);

/* rd_sched_start reads the record, runs missed daily slots, arms the timer. */
int rd_sched_start(struct rd_sched *s);

/* rd_sched_reconfigure recomputes the next slots (after a reload). */
void rd_sched_reconfigure(struct rd_sched *s);

/* rd_sched_close closes the timer; rd_sched_free after the loop ran the close. */
void rd_sched_close(struct rd_sched *s);
void rd_sched_free(struct rd_sched *s);

/* rd_sched_json: schedule.list's result. New reference. */
json_t *rd_sched_json(const struct rd_sched *s);

#endif
