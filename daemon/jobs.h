/* daemon/jobs.h: the service's job table. A job is a table and its partitions,
 * submitted over RPC, by the scheduler, or resumed at start; it runs
 * rd_runner_run_hooks on a uv_thread of its own.
 *
 * DESIGN. States: queued → running ⇄ paused → done | failed | cancelled, and
 * queued ⇄ paused (held before it started), cancelling while a cancelled job's
 * thread rolls back; interrupted when the daemon stopped it (it is resumed at the
 * next start). At most load.workers / min(load.workers, load.workers_per_table)
 * jobs run at once (pump) and one per table (two runners on one table would fight
 * over its indexes and exceed workers_per_table); the rest wait in submit order,
 * and a schedule firing's jobs also wait for their parent tables' jobs
 * (rd_jobs_order).
 * The job thread and its workers report through the queue in
 * jobs_queue.c (messages by value, STYLE example 5; the hooks never touch loop state):
 * progress, the ledger job once it is open (its id, resumed, the partitions done
 * before), a copy of each partition's account as it ends, and the end; the loop
 * joins the thread on its DONE message, so a job's memory outlives its thread. A
 * daemon stop sets the job's stopping flag before cancel, so the runner leaves the
 * ledger job 'interrupted' (a user's cancel leaves it 'cancelled'). Unfinished jobs
 * are kept in state_dir/serve-jobs.json (a line appended per change, journal.h) so a restart
 * resumes them, including queued ones that never reached the ledger; the runner
 * resumes the ledger's job when the range matches. Finished jobs stay listed (the newest
 * RD_JOBS_KEEP), together with the ledger's recent jobs read at start. The table
 * reaches the service only through struct rd_host (host.h); which file holds which
 * part: jobs_int.h. Loop thread only, except where a function says otherwise. */
#ifndef RD_JOBS_H
#define RD_JOBS_H
#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "host.h"
#include "plan.h"
#include "range.h"
#include "rpc.h"
#include "runner.h"

#define RD_JOBS_KEEP 200

enum rd_job_state { RD_JOB_QUEUED, RD_JOB_RUNNING, RD_JOB_PAUSED, RD_JOB_CANCELLING, RD_JOB_DONE,
                    RD_JOB_FAILED, RD_JOB_CANCELLED, RD_JOB_INTERRUPTED, RD_NJOBSTATES };

const char *rd_job_state_name(enum rd_job_state s);

struct rd_cfg;
struct job_ctx;
struct rd_part_owner;

struct rd_job {
	struct rd_job *next;             /* the table, in submit order */
	char id[64];                     /* the job's one id, in the ledger's form
	                                  * ("<UTC stamp>-<pid>-<hex>"): made at submit, taken
	                                  * by its ledger job, kept across restarts */
	char *table;                     /* owned */
	char kind[12];                   /* "backfill", "day", "full" (the ledger's) */
	char origin[12];                 /* "rpc", "t0", "t1", "reference", "resume", "ledger" */
	char from[11], to[11];           /* inclusive dates as submitted; "" for full */
	struct rpl_range *parts;         /* owned */
	size_t nparts;
	struct rd_cfg *cfg;              /* owned reference: the config it runs with */
	const struct rpl_table_config *tc;   /* borrowed from cfg */
	enum rd_job_state state;
	bool held;                       /* paused before it started */
	atomic_bool cancel, pause;       /* read by the job's threads */
	atomic_bool stopping;            /* set before cancel by a daemon stop (the hooks' flag) */
	bool stop_by_daemon;             /* cancelled by shutdown: interrupted, not cancelled */
	bool thread_live;
	uv_thread_t thread;
	struct job_ctx *ctx;             /* owned; the thread's arguments */
	int64_t submitted, started, finished;   /* UTC seconds; 0 = not yet */
	uint64_t started_mono_ms, ended_mono_ms;
	size_t parts_done;               /* from progress messages */
	int64_t rows_written;
	struct rd_job_result *res;       /* owned; set when the thread has ended */
	struct rpl_part_account *live;   /* owned; nparts accounts while the thread runs (from
	                                  * the hooks' messages: pending until a partition ends,
	                                  * skipped when done before); NULL before and after */
	char ledger_id[64];              /* "" until the ledger job is open */
	bool resumed;
	int64_t l_read, l_written, l_rejected;   /* origin "ledger": the ledger's totals */
	char error[1100];                /* a job-level failure */
	bool ordering;                   /* queued, waiting for its group's foreign-key order */
	char (*after)[64];               /* owned; ids of jobs that must end before it starts
	                                  * (its parents in the target, same schedule firing) */
	size_t n_after;
	bool journaled, journaled_held;  /* in serve-jobs.json, and with which held */
	uint64_t paused_mono_ms;         /* when the running job was paused; 0 when it is not */
	uint64_t paused_total_ms;        /* time spent paused before that: rate and ETA leave it out */
	unsigned num;                    /* the daemon's key for the job's messages (never shown) */
	bool *metered;                   /* owned; nparts flags: partition counted in the metrics
	                                  * (as it ended; the rest when the job ends); may be NULL */
	bool verify;                     /* kind "verify": a verify job (verify_job.h), no ledger
	                                  * job and no journal line */
	struct rd_part_owner *owners;    /* owned: its partitions held under a live lease, any
	                                  * process's, as the last ledger scan read them */
	size_t nowners;
	uint64_t owners_mono_ms;         /* when that scan ended; 0: never read */
};

struct rd_jobs;

/* rd_jobs_new creates the table and its async handle on host's loop; host is copied. */
struct rd_jobs *rd_jobs_new(const struct rd_host *host);

/* rd_jobs_close closes the async handle; rd_jobs_free frees everything once the
 * loop has run the close and no thread is alive. */
void rd_jobs_close(struct rd_jobs *j);
void rd_jobs_free(struct rd_jobs *j);

/* rd_jobs_threads_alive: job threads and the ledger scan still running. */
int rd_jobs_threads_alive(const struct rd_jobs *j);

/* A request to run table over a range (as `run` takes it: range.h; its dashes "",
 * since job.submit's errors name its members). */
struct rd_job_req {
	const char *table, *origin;
	struct rd_range_opts range;
	const char *id;      /* NULL, or the id to keep (a journal entry, a ledger job resumed) */
	bool held;
	bool ordering;       /* not started until rd_jobs_order has placed it (a schedule firing) */
	int64_t submitted;   /* 0, or when the job was first submitted (UTC seconds) */
	bool verify;         /* job.verify: verify the range, write nothing (kind "verify") */
};

/* rd_jobs_submit validates req like `replicad run` does, against the current
 * configuration, and queues the job (starting it if a slot is free). *out gets the
 * job (borrowed). Errors: RD_RPC_PARAMS, RD_RPC_UNKNOWN_TABLE, RD_RPC_DUPLICATE,
 * RD_RPC_STOPPING. */
int rd_jobs_submit(struct rd_jobs *j, const struct rd_job_req *req, struct rd_job **out, struct rd_rpc_error *e);

/* rd_jobs_submitted_fn: the answer of rd_jobs_submit_checked, on the loop: the job
 * (borrowed, in the table), or NULL and e (its data the callee's to take). */
typedef void (*rd_jobs_submitted_fn)(void *data, struct rd_job *job, struct rd_rpc_error *e);

/* rd_jobs_submit_checked is rd_jobs_submit for job.submit in a cluster (issue #20:
 * one unfinished job per table, kind and range in the whole cluster): after the
 * checks rd_jobs_submit makes, a thread of its own asks the target's ledger
 * (rpl_ledger_submit), which reserves the job under its id, or names the job another
 * node has for the range: RD_RPC_DUPLICATE with that id. Returns -1 (e set, cb never
 * called) or 0: cb(data, ...) is called once, later, on the loop. */
int rd_jobs_submit_checked(struct rd_jobs *j, const struct rd_job_req *req, rd_jobs_submitted_fn cb, void *data,
                           struct rd_rpc_error *e);

/* rd_jobs_order holds the n queued jobs (a schedule firing's, borrowed, submitted
 * with req.ordering so that none starts before) until a thread of its own has read the target's foreign keys between their tables
 * (lib/core/fkorder.h); then each job starts only after the jobs of the tables it
 * references have ended (done, failed or cancelled), parents first; tables that
 * reference each other keep config order, with one warning. If the target cannot be
 * read, they run as submitted, with a warning. */
void rd_jobs_order(struct rd_jobs *j, struct rd_job **jobs, size_t n);

/* rd_jobs_find: by id (the ledger's form) or ledger id; NULL if unknown. */
struct rd_job *rd_jobs_find(struct rd_jobs *j, const char *id);

/* rd_jobs_active_for: an unfinished job of table over the same kind and range. */
struct rd_job *rd_jobs_active_for(struct rd_jobs *j, const char *table, const char *kind, const char *from,
                                  const char *to);

/* rd_jobs_active_origin: an unfinished job of table that origin (a slot) started. */
struct rd_job *rd_jobs_active_origin(struct rd_jobs *j, const char *table, const char *origin);

/* pause/resume/cancel answer at once; errors: RD_RPC_BAD_STATE. */
int rd_jobs_pause(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);
int rd_jobs_resume(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);
int rd_jobs_cancel(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);

/* rd_jobs_restore resubmits what serve-jobs.json lists and starts the ledger scan
 * (recent jobs for job.list; jobs left 'running' by a killed process or
 * 'interrupted' by a stopped daemon are resumed unless a job here covers them). */
void rd_jobs_restore(struct rd_jobs *j);

/* rd_jobs_cluster_poll, with the cluster key, reads the ledger again (unless a read
 * is under way) and joins the unfinished jobs other nodes made (issue #20). Loop
 * thread; called every third of cluster.lease. */
void rd_jobs_cluster_poll(struct rd_jobs *j);

/* rd_jobs_nodes: the cluster's processes (replicad_nodes) as the last ledger read
 * found them (borrowed until the next read; NULL, *n 0 before one or without the
 * cluster key). Loop thread. */
struct rd_node_row;
const struct rd_node_row *rd_jobs_nodes(const struct rd_jobs *j, size_t *n);

/* rd_jobs_shutdown cancels every running job with its stopping flag set first (their
 * ledger rows are left 'interrupted' and resumed at the next start; a job the user
 * was already cancelling stays cancelled) and holds the queue. */
void rd_jobs_shutdown(struct rd_jobs *j);

/* rd_jobs_count fills n[RD_NJOBSTATES] with this daemon's jobs in each state (not
 * the past jobs read from the ledger). */
void rd_jobs_count(const struct rd_jobs *j, size_t n[RD_NJOBSTATES]);

/* rd_jobs_rows_live: rows written so far by running jobs' partitions still in progress
 * (those that ended are in the metrics' counters already). */
int64_t rd_jobs_rows_live(const struct rd_jobs *j);

/* rd_job_json: the job's summary (detail: with the account: the final one once the
 * job has ended, the partitions ended so far while it runs). New ref. */
json_t *rd_job_json(const struct rd_job *job, bool detail);

/* rd_jobs_list_json: the jobs newest first, at most limit, starting after the cursor
 * after (NULL: from the newest). next gets the cursor of the following page ("" when
 * this one reaches the end). New ref. */
json_t *rd_jobs_list_json(const struct rd_jobs *j, size_t limit, const char *after, char *next, size_t nextlen);

#endif
