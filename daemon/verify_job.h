/* daemon/verify_job.h: a verify as a job of the service (job.verify, `replicactl verify`,
 * schedule.verify_at; docs/verify.md "In the service"): the partitions of a table
 * verified on the job's thread through lib/core/vtable.h, writing nothing (no ledger
 * job, no journal line: a verify that a restart lost is simply run again). */
#ifndef RD_VERIFY_JOB_H
#define RD_VERIFY_JOB_H
#include <stdatomic.h>
#include "config.h"
#include "plan.h"

struct rd_job_result;

/* One partition's verdict, as job.get shows it. */
struct rd_vpart {
	int state;                        /* 0 equal, 1 differ, 2 failed */
	int64_t source_rows, target_rows, rejected, missing, extra, changed, ms;
};

/* rd_verify_job_run verifies table tc over parts (borrowed) with cfg; cancel (may be
 * NULL) stops it between chunks. res gets one account per partition (done: verified,
 * equal or not; failed: could not verify, with the error; no rows counted as read or
 * written) and res->vparts the verdicts. On the job thread. */
void rd_verify_job_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const struct rpl_range *parts,
                       size_t nparts, const atomic_bool *cancel, struct rd_job_result *res);

/* rd_vpart_state_name: "equal", "differ" or "failed". */
const char *rd_vpart_state_name(int state);

#endif
