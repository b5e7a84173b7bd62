/* daemon/runner.h: runs one job (a table and its partitions) to the end, on a pool
 * of worker threads, with the ledger: resume, retries, index work. Used by
 * `replicad run` and by the service's job threads (jobs_queue.c).
 *
 * DESIGN. The calling thread (runner.c) opens its connections to both sides,
 * validates the copy once (the date column, the column mapping; creating a missing
 * target table) before anything is sent to the target, then ensures the ledger,
 * finds or creates the job (a job for the same table and range that is not 'done'
 * is resumed: its done partitions are skipped), restores indexes an earlier run
 * left dropped, and drops the secondary indexes if configured. Then min(workers,
 * workers_per_table) threads (runner_worker.c) take partitions in order from a
 * shared counter; each owns its source and target connections and its copy
 * buffers. A partition is tried up to max_attempts times when its error is
 * retryable (deadlock, serialization, lock timeout, lost connection: after such an
 * error the worker reconnects), with exponential backoff and jitter; every attempt
 * is recorded in the ledger. After the workers end the indexes are restored, the
 * job's state and totals are written, and the accounts are returned. A cancel flag stops workers between chunks. */
#ifndef RD_RUNNER_H
#define RD_RUNNER_H
#include <stdatomic.h>
#include <stdbool.h>
#include "config.h"
#include "copy.h"

struct rd_vpart;

struct rd_job_result {
	char job_id[64];
	bool resumed;
	char reject_path[4200];      /* "" if nothing was rejected */
	struct rpl_part_account *accs;   /* owned: one per partition, in plan order */
	size_t n;
	int indexes_dropped, indexes_restored;
	struct rpl_err err;          /* a job-level failure (before or after the partitions) */
	bool failed;                 /* err is set */
	struct rd_vpart *vparts;     /* owned; a verify job's verdicts, n of them (verify_job.h); NULL otherwise */
	bool ledger_cancel;          /* cancelled by a cancel given to another process, found in
	                              * the ledger by a claim (lib/core/jobctl.h) */
};

typedef void (*rd_progress_fn)(void *data, size_t parts_done, size_t nparts, int64_t rows_written);

/* Optional hooks for the service (any may be NULL; called with cb_data):
 * opened: once the ledger job is known (its id, whether it was resumed, which
 *   partitions were done before), on the calling thread;
 * part_done: after each partition ends (done, failed or skipped), with a copy of its
 *   account, on a worker thread.
 * stopping: when set together with cancel, the daemon is stopping rather than the
 *   user cancelling: the ledger job is left 'interrupted' (resumed by the next run),
 *   not 'cancelled'. */
struct rd_runner_hooks {
	void (*opened)(void *data, const char *ledger_id, bool resumed, const bool *done, size_t n);
	void (*part_done)(void *data, size_t index, const struct rpl_part_account *acc);
	const atomic_bool *stopping;
	const char *job_id;   /* borrowed; the service's id for the job, which the ledger job
	                       * takes (rpl_ledger_open_job_as); NULL: the ledger picks one */
	bool no_wait;         /* a partition another live process holds fails at once, naming
	                       * it (run --no-wait), instead of being waited for (claim.h) */
};

/* RD_CLUSTER_SQLITE: why a SQLite target refuses the cluster key, at start (from the
 * Driver= name) and when a job connects (a DSN) */
#define RD_CLUSTER_SQLITE "a SQLite target cannot be shared by several nodes (one file, one writer at a time): " \
	"remove the cluster key, or use a PostgreSQL or MariaDB target"

/* rd_runner_run runs table tc over parts (borrowed) with cfg; kind is "backfill",
 * "day" or "full". cancel stops workers between chunks (partitions rolled back);
 * pause holds them between chunks until cleared (both may be NULL). progress is
 * called from worker threads. Fills *res (free with rd_job_result_fini). Blocks
 * until the job ends: call it from a thread of its own in the service. */
void rd_runner_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
                   const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
                   const atomic_bool *pause,
                   rd_progress_fn progress, rpl_warn_fn warn, void *cb_data, struct rd_job_result *res);

/* rd_runner_run_hooks is rd_runner_run with the service's hooks (borrowed). */
void rd_runner_run_hooks(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
                         const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
                         const atomic_bool *pause, rd_progress_fn progress, rpl_warn_fn warn, void *cb_data,
                         const struct rd_runner_hooks *hooks, struct rd_job_result *res);

void rd_job_result_fini(struct rd_job_result *res);

#endif
