/* daemon/jobs_int.h: what the files of the job table share, and nothing else
 * includes (the public side is jobs.h). The table is split by purpose:
 *   jobs.c         the table itself: make, free, find, count, prune
 *   jobs_queue.c   the job threads and the queue from any thread to the loop
 *   jobs_state.c   the state machine: submit, start (pump), pause, resume, cancel,
 *                  a job's end, the daemon's stop
 *   jobs_resume.c  what a restart resumes: serve-jobs.json kept in step, and the
 *                  ledger's jobs merged into the table
 *   jobs_order.c   the foreign-key order of a schedule firing
 *   jobs_submit.c  a submit in a cluster, answered once the target's ledger has the
 *                  job (or names the job another node has for the range)
 *   jobs_json.c    job.get's and job.list's bodies
 * Loop thread only, except jobs_post and the hooks in jobs_queue.c. */
#ifndef RD_JOBS_INT_H
#define RD_JOBS_INT_H
#include "cfg.h"
#include "host.h"
#include "jobs.h"

struct rd_ctl_write;
struct rd_ledger_row;

enum msg_kind { MSG_PROGRESS, MSG_DONE, MSG_LEDGER, MSG_OPENED, MSG_PART, MSG_ORDER, MSG_SUBMIT };

struct rd_ledger_scan;
struct order_ctx;
struct submit_ctx;

/* struct rd_msg: by value, so the loop may have dropped the job meanwhile. Nothing
 * in it points into the runner's memory: accounts and flags are copies. */
struct rd_msg {
	enum msg_kind kind;
	unsigned num;                    /* the job's number (PROGRESS, DONE, OPENED, PART) */
	size_t parts_done, nparts;       /* PROGRESS; OPENED: nparts is the length of done[] */
	int64_t rows;
	struct rd_ledger_scan *scan;     /* LEDGER: taken */
	char ledger_id[64];              /* OPENED */
	bool resumed;                    /* OPENED */
	size_t index;                    /* PART: the partition, in plan order */
	struct rpl_part_account acc;     /* PART: a copy of its account */
	struct order_ctx *order;         /* ORDER: taken */
	struct submit_ctx *submit;       /* SUBMIT: taken */
	struct rd_msg *next;
	bool done[];                     /* OPENED: done in an earlier run (skipped) */
};

/* job_ctx: what a job thread reads. Pointers are borrowed from the job, which the
 * loop frees only after joining the thread. */
struct job_ctx {
	struct rd_jobs *jobs;
	unsigned num;
	const struct rpl_config *cfg;
	const struct rpl_table_config *tc;
	const char *kind;
	const struct rpl_range *parts;
	size_t nparts;
	const atomic_bool *cancel, *pause;
	struct rd_job_result *res;       /* the thread fills it; the loop takes it on DONE */
	struct rd_msg *done;             /* allocated by the loop: the end is always reported */
	struct rd_msg *opened;           /* allocated by the loop (done[nparts]); the job thread
	                                  * posts it and sets NULL; the loop frees it after the
	                                  * join if the ledger job was never opened */
	struct rd_runner_hooks hooks;    /* stopping points at the job's flag */
	uv_mutex_t lock;                 /* guards the rate limit below (several workers call) */
	uint64_t last_post_ms;
	size_t last_parts;
	bool verify;                     /* run rd_verify_job_run, not the runner */
};

struct rd_jobs {
	struct rd_host host;             /* the service, as far as jobs may reach it */
	struct rd_job *head, *tail;
	unsigned next_num;
	uv_mutex_t qlock;
	struct rd_msg *qhead, **qtail;
	uv_async_t async;
	int threads;                     /* job threads + scan thread alive */
	bool scan_live;
	uv_thread_t scan_thread;
	struct rd_ledger_scan *scan_arg;
	size_t journal_lines;            /* in serve-jobs.json; compacted past twice the jobs */
	bool journal_ok;                 /* false: rewrite it whole at the next change */
	struct rd_node_row *nodes;       /* owned: replicad_nodes as the last scan read it (cluster) */
	size_t nnodes;
	size_t submits_pending;          /* submits asking the cluster's ledger (jobs_submit.c) */
	struct rd_ctl_write *ctl;        /* owned: controls for the ledger not yet given to a scan */
	size_t nctl;
	unsigned ctl_gen;                /* controls asked so far: a scan that began before the
	                                  * last one does not apply what it read (jobs_ctl.c) */
};

/* the host's calls, spelled once */
static inline struct rd_cfg *
jobs_cfg(const struct rd_jobs *j)
{
	return j->host.config(j->host.data);
}

static inline bool
jobs_stopping(const struct rd_jobs *j)
{
	return j->host.stopping(j->host.data);
}

static inline void
jobs_changed(const struct rd_jobs *j)
{
	j->host.changed(j->host.data);
}

/* jobs.c */
bool jobs_is_active(const struct rd_job *job);
void job_free(struct rd_job *job);
struct rd_job *jobs_find_num(struct rd_jobs *j, unsigned num);
void jobs_append(struct rd_jobs *j, struct rd_job *job);
void jobs_prune(struct rd_jobs *j);
void jobs_new_id(struct rd_jobs *j, time_t t, char id[64]);

/* jobs_queue.c: jobs_post queues m for the loop and takes it (any thread);
 * jobs_start starts job's thread (a failure leaves the job failed, -1) */
void jobs_post(struct rd_jobs *j, struct rd_msg *m);
int jobs_start(struct rd_jobs *j, struct rd_job *job);
void jobs_on_async(uv_async_t *a);

/* jobs_state.c: jobs_make checks req and makes its job (not yet in the table: *out
 * is the caller's); jobs_add puts it in the table, journals it and pumps */
int jobs_make(struct rd_jobs *j, const struct rd_job_req *req, struct rd_job **out, struct rd_rpc_error *e);
void jobs_add(struct rd_jobs *j, struct rd_job *job);

/* jobs_state.c; jobs_pause, jobs_resume and jobs_cancel change this process's job
 * only (the rd_jobs_ verbs also write the ledger's control: jobs_ctl.c) */
void jobs_pump(struct rd_jobs *j);
int jobs_pause(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);
int jobs_resume(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);
int jobs_cancel(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e);
void jobs_meter(struct rd_jobs *j, struct rd_job *job, size_t i, const struct rpl_part_account *a);
void jobs_ended(struct rd_jobs *j, struct rd_job *job);

/* jobs_resume.c; jobs_scan_kick starts a ledger scan now unless one runs (its end
 * starts another when controls wait) */
void jobs_journal(struct rd_jobs *j);
void jobs_scan_done(struct rd_jobs *j, struct rd_ledger_scan *s);
void jobs_scan_kick(struct rd_jobs *j);

/* jobs_ctl.c: pause, resume and cancel through the ledger (lib/core/jobctl.h).
 * jobs_ctl_queue asks for job's control c to be written by the next scan (started
 * now with now, else left to the caller); jobs_ctl_give moves the waiting controls
 * to a scan as it starts; jobs_ctl_apply applies what a scan read to this process's
 * jobs, and gives each job the owners of its running partitions; jobs_ctl_join says
 * how a job found in the ledger is joined: false (cancelled: not at all), or *held;
 * jobs_ctl_restored: job was resumed at start, which without the cluster key
 * clears a pause the ledger kept (docs/operations.md) */
void jobs_ctl_queue(struct rd_jobs *j, const struct rd_job *job, int c, bool now);
void jobs_ctl_give(struct rd_jobs *j, struct rd_ledger_scan *s);
void jobs_ctl_apply(struct rd_jobs *j, struct rd_ledger_scan *s);
bool jobs_ctl_join(const struct rd_jobs *j, const struct rd_ledger_row *r, bool *held);
void jobs_ctl_restored(struct rd_jobs *j, const struct rd_job *job);

/* jobs_order.c: jobs_order_done runs the answer of the order thread; jobs_order_discard
 * joins and frees one whose answer was never run (the loop stopped first) */
void jobs_order_done(struct rd_jobs *j, struct order_ctx *o);
void jobs_order_discard(struct order_ctx *o);

/* jobs_submit.c: jobs_submit_done answers a submit the ledger was asked about;
 * jobs_submit_discard one whose answer was never run (the loop stopped first) */
void jobs_submit_done(struct rd_jobs *j, struct submit_ctx *s);
void jobs_submit_discard(struct submit_ctx *s);

#endif
