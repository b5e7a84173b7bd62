/* daemon/runner_int.h: what the two halves of the runner share (DESIGN in runner.h):
 * runner.c is the job's own thread (control connection, ledger job, indexes, the
 * end), runner_worker.c the worker threads that load its partitions. Nothing else
 * includes it. */
#ifndef RD_RUNNER_INT_H
#define RD_RUNNER_INT_H
#include "runner.h"
#include "odbc_conn.h"
#include "reject.h"
#include "claim.h"
#include <uv.h>

struct job {
	const struct rpl_config *cfg;
	const struct rpl_table_config *tc;
	const struct rpl_range *parts;
	size_t nparts;
	const atomic_bool *cancel, *pause;
	bool *done;                  /* done in an earlier run: skip */
	int *attempts;               /* recorded attempts so far */
	char job_id[64];
	struct rpl_reject_log *rejects;
	struct rpl_part_account *accs;
	int64_t first_disable_ms;    /* DISABLE_IDX time, given to the first partition run */
	uv_mutex_t lock;             /* guards next, parts_done, rows, first_disable_ms */
	size_t next, parts_done;
	int64_t rows;
	rd_progress_fn progress;
	rpl_warn_fn warn;
	void *cb_data;
	const struct rd_runner_hooks *hooks;   /* borrowed; may be NULL */
	const struct rpl_copy *probe;          /* borrowed: the main thread's check, whose
	                                        * catalogs every worker's copy reuses */
	struct rpl_conn spare_src;             /* owned until a worker takes it (under lock):
	                                        * the main thread's source connection */
	int64_t outage_since;                  /* under lock: mono ms the current outage began, 0: none */
	int outage_tries;                      /* under lock: waits in the current outage */
	struct rpl_owner me;                   /* this process, as its claims name it (claim.h) */
	int64_t lease_ms;
	bool no_wait;                          /* a partition another process holds fails at once */
	size_t *deferred, ndeferred;           /* under lock: partitions another process held when
	                                        * first tried, taken again (and waited for) once
	                                        * every other partition was tried */
	atomic_bool ledger_cancel;             /* a claim found the job cancelled in the ledger
	                                        * (lib/core/jobctl.h): the rest is not loaded */
	int idx_restored;                      /* under lock: indexes a worker built again
	                                        * after the job's last partition (runner_idx.c) */
	bool one_process;                      /* the target's range DELETE locks more than its
	                                        * range (rangelock.h): one process at a time */
};

/* runner.c */
void runner_copy_opts(struct job *j, struct rpl_copy_opts *o, bool create);
int runner_open_pair(const struct rpl_config *cfg, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_err *err);

/* runner_worker.c: the worker thread's body (arg: the job); and what the job's own
 * thread uses of the workers' rules: when a connection is lost, waiting out an
 * outage without spending attempts, and the backoff between attempts */
void runner_worker_main(void *arg);
bool runner_connection_lost(const struct rpl_err *e);
bool runner_outage_wait(struct job *j, const struct rpl_err *e, bool answers);
void runner_outage_over(struct job *j);
long runner_backoff_ms(int attempt);

#endif
