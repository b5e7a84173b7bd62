/* daemon/verify_job.h: a verify as a job of the service (job.verify, `replicactl verify`,
 * schedule.verify_at; docs/verify.md "In the service"): the partitions of a table
 * verified on the job's thread through lib/core/vtable.h, writing nothing (no ledger
 * job, no journal line: a verify that a restart lost is simply run again). */
#ifndef RD_VERIFY_JOB_H
#define RD_VERIFY_JOB_H
#include <jansson.h>
#include <stdatomic.h>
#include "config.h"
#include "plan.h"
#include "verify.h"

struct rd_job_result;

/* Keys a verify job keeps of what it found (job.get's "keys"): at most
 * RD_VERIFY_JOB_KEYS of each list per partition, RD_VERIFY_JOB_KEYS_ALL in all the
 * job's partitions (the first ones that differ), so that the 200 finished jobs the
 * service keeps stay small whatever their ranges; `replicad verify` lists more. */
enum { RD_VERIFY_JOB_KEYS = 10, RD_VERIFY_JOB_KEYS_ALL = 100 };

/* One partition's verdict, as job.get shows it. */
struct rd_vpart {
	int state;                        /* 0 equal, 1 differ, 2 failed, 3 cancelled */
	int64_t source_rows, target_rows, rejected, missing, extra, changed, ms;
	struct rpl_verify_part found;     /* owned: its lists (the keys above), or none */
};

/* rd_verify_job_run verifies table tc over parts (borrowed) with cfg; cancel (may be
 * NULL) stops it between chunks. res gets one account per partition (done: verified,
 * equal or not; failed: could not verify, with the error; no rows counted as read or
 * written) and res->vparts the verdicts. On the job thread. */
void rd_verify_job_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const struct rpl_range *parts,
                       size_t nparts, const atomic_bool *cancel, struct rd_job_result *res);

/* rd_vpart_state_name: "equal", "differ", "failed" or "cancelled". */
const char *rd_vpart_state_name(int state);

/* rd_vparts_free frees n verdicts and their keys. */
void rd_vparts_free(struct rd_vpart *v, size_t n);

/* rd_json_text: a key (or a list of columns) lib/ wrote as JSON text, as a value:
 * its NULs kept, and the text itself if it does not parse (never dropped). */
json_t *rd_json_text(const char *text);

/* rd_verify_keys_json sets on o the lists of v as `replicad verify --json` gives them:
 * "missing" and "extra" [KEY], "changed" [{"key": KEY, "columns": [NAME]}]. */
void rd_verify_keys_json(const struct rpl_verify_part *v, json_t *o);

#endif
