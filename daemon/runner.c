/* daemon/runner.c: one job on a worker pool (DESIGN in runner.h), on the job's own
 * thread: the control connection, validation, the probe copy, the ledger job, index
 * work before and after, the workers (runner_worker.c), the ledger job's end. */
#include "runner_int.h"
#include "runner_idx.h"
#include "claims.h"
#include "clock.h"
#include "dlog.h"
#include "indexes.h"
#include "ledger.h"
#include "jobctl.h"
#include "log.h"
#include "validate.h"
#include "verify_job.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
runner_copy_opts(struct job *j, struct rpl_copy_opts *o, bool create)
{
	const struct rpl_table_config *tc = j->tc;
	const struct rpl_config *cfg = j->cfg;
	*o = (struct rpl_copy_opts){
		.src_schema = tc->schema, .src_table = tc->name,
		.dst_schema = tc->target_schema, .dst_table = tc->target,
		.date_column = tc->date_column, .chunk_bytes = cfg->load.chunk_bytes,
		.commit_rows = cfg->load.commit_rows, .create_missing = create,
		.table_lock = cfg->load.table_lock, .truncate_strings = cfg->values.truncate_strings,
		.bulk_odbc = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0,
		.placeholder_dates = (const char *const *)cfg->values.placeholder_dates,
		.n_placeholder_dates = cfg->values.n_placeholder_dates,
		.rejects = j->rejects, .warn = create ? j->warn : NULL, .cb_data = j->cb_data,
		.cancel = j->cancel, .pause = j->pause, .map = &tc->map,
		.only_parent = !tc->inherited,
	};
}

int
runner_open_pair(const struct rpl_config *cfg, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_err *err)
{
	memset(src, 0, sizeof *src);
	memset(dst, 0, sizeof *dst);
	int r = rpl_conn_open(src, "source", cfg->source.odbc, cfg->source.password, err);
	if (r == 0)
		r = rpl_conn_open(dst, "target", cfg->target.odbc, cfg->target.password, err);
	return r;
}

/* validate_first: what the run would refuse, from the catalogs and the file system
 * (the source's catalog left in st when *s_exists, for the caller to fini),
 * before its first statement on the target (the ledger's CREATE, the DELETE): a
 * date_column that is not a date (issue #18 item 2; `replicad check` asks the same;
 * the column mapping is rpl_copy_prepare's, the state_dir was checked at start). A missing table is left to
 * rpl_copy_prepare, which creates it or says so. */
static int
validate_first(const struct rpl_table_config *tc, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_table *st,
               bool *s_exists, struct rpl_err *err)
{
	struct rpl_table dt;
	bool d_exists = false;
	char label[600];
	snprintf(label, sizeof label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	int r = rpl_catalog_read(src, tc->schema, tc->name, st, s_exists, err);
	if (r == 0 && *s_exists)
		r = rpl_catalog_read(dst, tc->target_schema, tc->target, &dt, &d_exists, err);
	if (r == 0 && *s_exists)
		r = rpl_validate_table(st, src->engine, d_exists ? &dt : NULL, dst->engine, label, tc->date_column, err);
	if (d_exists)
		rpl_table_fini(&dt);
	return r;
}

void
rd_runner_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
              const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
              const atomic_bool *pause, rd_progress_fn progress, rpl_warn_fn warn, void *cb_data, struct rd_job_result *res)
{
	rd_runner_run_hooks(cfg, tc, kind, parts, nparts, cancel, pause, progress, warn, cb_data, NULL, res);
}

/* struct run: the job's own thread's state, from the start to the end */
struct run {
	struct job j;
	const char *kind;
	struct rpl_conn src, dst;     /* the control connections (src goes to the first worker) */
	struct rpl_copy *probe;       /* owned */
	bool shared;                  /* another live process loaded this job when it opened
	                               * (its totals are not this process's alone) */
	size_t todo;                  /* partitions not done in an earlier run */
	struct rd_job_result *res;
};

/* run_connect opens both sides; a database down at the start is waited for like one
 * lost later (runner_outage_wait) */
static int
run_connect(struct run *r)
{
	struct rpl_err *err = &r->res->err;
	while (runner_open_pair(r->j.cfg, &r->src, &r->dst, err) < 0) {
		rpl_conn_close(&r->src);
		rpl_conn_close(&r->dst);
		if (!runner_connection_lost(err) || !runner_outage_wait(&r->j, err, false))
			return -1;
		rpl_err_init(err);
	}
	runner_outage_over(&r->j);
	if (r->j.cfg->cluster.on && r->dst.engine == RPL_ENGINE_SQLITE)   /* a DSN main.c could not tell */
		return rpl_err_set(err, RPL_EINVAL, "%s: cluster: %s", r->j.cfg->path, RD_CLUSTER_SQLITE);
	return 0;
}

/* warn_dates: a ranged run says once how many rows of its date_column no range
 * holds: a SQLite one's dates that are not ISO text (rpl_validate_lite_dates), any
 * engine's NULLs (rpl_validate_null_dates); `replicad check` asks the same */
static int
warn_dates(struct job *j, struct rpl_conn *src, const struct rpl_table *st, struct rpl_err *err)
{
	const struct rpl_table_config *tc = j->tc;
	if (j->nparts == 0 || j->parts[0].all)
		return 0;   /* a whole-table copy reads every row */
	char msg[600], label[600];
	int r = rpl_validate_lite_dates(src, tc->schema, tc->name, tc->date_column, msg, sizeof msg, err);
	snprintf(label, sizeof label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	if (r > 0 && j->warn != NULL)
		j->warn(j->cb_data, label, NULL, msg);
	if (r >= 0 && (r = rpl_validate_null_dates(src, st, tc->schema, tc->name, tc->date_column, msg, sizeof msg, err)) > 0 &&
	    j->warn != NULL)
		j->warn(j->cb_data, label, NULL, msg);   /* msg names the column */
	return r < 0 ? r : 0;
}

/* run_open_job checks the copy once (validate_first, then the probe: the column
 * mapping included, so nothing is sent to the target before it passes, the ledger's
 * tables neither; it creates a missing target and says what is narrower), then
 * ensures the ledger, opens or resumes the ledger job and the reject file */
static int
run_open_job(struct run *r)
{
	struct job *j = &r->j;
	const struct rpl_table_config *tc = j->tc;
	struct rd_job_result *res = r->res;
	struct rpl_err *err = &res->err;
	const struct rd_runner_hooks *hooks = j->hooks;
	struct rpl_table st;
	bool s_exists = false;
	int vr = validate_first(tc, &r->src, &r->dst, &st, &s_exists, err);
	if (vr == 0)
		vr = warn_dates(j, &r->src, s_exists ? &st : NULL, err);
	if (s_exists)
		rpl_table_fini(&st);
	if (vr < 0)
		return -1;
	struct rpl_copy_opts o;
	runner_copy_opts(j, &o, j->cfg->load.create_missing_tables);
	o.probe = true;    /* the workers open their own COPY and SQLite paths */
	if (rpl_copy_prepare(&r->src, &r->dst, &o, &r->probe, err) < 0 || rpl_ledger_ensure(&r->dst, err) < 0)
		return -1;
	j->probe = r->probe;
	char first[11], last[11], junk[11];   /* a cancelled job of the range opened again runs (jobctl.h) */
	rpl_ledger_range_key(&j->parts[0], first, junk);
	rpl_ledger_range_key(&j->parts[j->nparts - 1], junk, last);
	if (rpl_jobctl_clear_cancelled(&r->dst, tc->name, r->kind, first, last, err) < 0)
		return -1;
	/* the ledger's lock row held longer than a lease: its holder stopped mid-open */
	r->dst.ledger_wait_ms = j->cfg->cluster.lease_s * 1000;
	if ((hooks != NULL && hooks->job_id != NULL && j->cfg->cluster.on
	     ? rpl_ledger_open_job_join(&r->dst, hooks->job_id, tc->name, r->kind, j->parts, j->nparts, j->job_id,
	                                &res->resumed, j->done, j->attempts, err)
	     : hooks != NULL && hooks->job_id != NULL
	     ? rpl_ledger_open_job_as(&r->dst, hooks->job_id, tc->name, r->kind, j->parts, j->nparts, j->job_id,
	                              &res->resumed, j->done, j->attempts, err)
	     : rpl_ledger_open_job(&r->dst, tc->name, r->kind, j->parts, j->nparts, j->job_id, &res->resumed, j->done,
	                           j->attempts, err)) < 0)
		return -1;
	snprintf(res->job_id, sizeof res->job_id, "%s", j->job_id);
	char qt[300];
	rd_log(RPL_LOG_INFO, "ledger", "job=%s table=%s kind=%s partitions=%zu resumed=%s msg=\"ledger job open\"", j->job_id,
	       rd_q(qt, sizeof qt, tc->name), r->kind, j->nparts, res->resumed ? "yes" : "no");
	if (hooks != NULL && hooks->opened != NULL)
		hooks->opened(j->cb_data, j->job_id, res->resumed, j->done, j->nparts);
	snprintf(res->reject_path, sizeof res->reject_path, "%s/rejects/%s.jsonl", j->cfg->state_dir, j->job_id);
	j->rejects = rpl_reject_new(res->reject_path);
	if (j->rejects == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	return 0;
}

/* run_indexes_before: the index work of the job's start (runner_idx.c): indexes a
 * dead process left dropped come back, then the first process of the job drops them */
static int
run_indexes_before(struct run *r)
{
	struct job *j = &r->j;
	for (size_t i = 0; i < j->nparts; i++)
		r->todo += !j->done[i];
	return runner_idx_before(j, &r->dst, rpl_copy_created(r->probe), r->todo, &r->shared, r->res);
}

/* run_workers: min(workers, workers_per_table) threads, no more than partitions to do;
 * the first takes the control source connection (a thread's handles pass on under
 * the job's lock) */
static void
run_workers(struct run *r)
{
	struct job *j = &r->j;
	j->spare_src = r->src;
	memset(&r->src, 0, sizeof r->src);
	const struct rpl_load_config *lc = &j->cfg->load;
	size_t nworkers = (size_t)(lc->workers < lc->workers_per_table ? lc->workers : lc->workers_per_table);
	if (nworkers > r->todo)
		nworkers = r->todo > 0 ? r->todo : 1;
	struct rd_renewer renewer;
	if (!rd_renewer_start(&renewer, j->cfg, &j->me, j->lease_ms))
		rd_log(RPL_LOG_WARNING, "ledger", "job=%s msg=\"no thread to renew leases: a partition loading for longer "
		       "than a lease may be taken over by another process\"", j->job_id);
	uv_thread_t *threads = calloc(nworkers, sizeof *threads);
	size_t started = 0;
	for (; threads != NULL && started < nworkers; started++)
		if (uv_thread_create(&threads[started], runner_worker_main, j) != 0)
			break;
	if (started == 0)
		runner_worker_main(j);   /* no thread could start: do the work here */
	for (size_t i = 0; i < started; i++)
		uv_thread_join(&threads[i]);
	free(threads);
	rd_renewer_stop(&renewer);
	rpl_conn_close(&j->spare_src);   /* no worker needed it (nothing left to do) */
}

/* run_reconnect: the control connection sat idle through the load; the target may
 * have been restarted meanwhile (the workers reconnected). One trivial statement
 * tells, at a round trip instead of a new connection (TCP + SCRAM, ~11 ms); only when
 * it fails is the connection opened again, with the workers' backoff. */
static void
run_reconnect(struct run *r)
{
	const struct rpl_config *cfg = r->j.cfg;
	int64_t one = 0;
	bool alive = false;
	struct rpl_err perr = RPL_ERR_INIT;
	if (rpl_conn_query_int64(&r->dst, "SELECT 1", &one, &alive, &perr) == 0 && alive)
		return;
	rpl_conn_close(&r->dst);
	for (int attempt = 1;; attempt++) {
		struct rpl_err cerr = RPL_ERR_INIT;
		if (rpl_conn_open(&r->dst, "target", cfg->target.odbc, cfg->target.password, &cerr) == 0)
			break;
		if (runner_connection_lost(&cerr) && runner_outage_wait(&r->j, &cerr, false)) {
			attempt--;
			continue;
		}
		if (attempt >= cfg->load.max_attempts) {
			r->res->err = cerr;
			break;
		}
		rd_sleep_ms(runner_backoff_ms(attempt));
	}
}

/* run_finish writes the ledger job's end: its state and totals */
static void
run_finish(struct run *r)
{
	struct job *j = &r->j;
	int64_t rd = 0, wr = 0, rj = 0;
	bool any_failed = r->res->failed, held = false, others = r->shared;
	for (size_t i = 0; i < j->nparts; i++) {
		rd += j->accs[i].read, wr += j->accs[i].written, rj += j->accs[i].rejected;
		any_failed = any_failed || j->accs[i].state == RPL_PART_FAILED || j->accs[i].state == RPL_PART_PENDING;
		held = held || j->accs[i].err.code == RPL_EHELD;
		others = others || (j->accs[i].state == RPL_PART_SKIPPED && !j->done[i]);   /* done by another meanwhile */
	}
	if (held)   /* partitions another process holds (--no-wait): the job's end is its to write */
		return;
	if (others || j->cfg->cluster.on)   /* other processes' rows count too, and theirs ours */
		rd = wr = rj = -1;
	struct rpl_err lerr = RPL_ERR_INIT;
	bool cancelled = (j->cancel != NULL && atomic_load(j->cancel)) || atomic_load(&j->ledger_cancel);
	r->res->ledger_cancel = atomic_load(&j->ledger_cancel);
	bool stopping = j->hooks != NULL && j->hooks->stopping != NULL && atomic_load(j->hooks->stopping);
	rpl_ledger_job_finish(&r->dst, j->job_id, cancelled ? (stopping ? "interrupted" : "cancelled")
	                      : any_failed ? "failed" : "done", rd, wr, rj, &lerr);
}

void
rd_runner_run_hooks(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
                    const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
                    const atomic_bool *pause, rd_progress_fn progress, rpl_warn_fn warn, void *cb_data,
                    const struct rd_runner_hooks *hooks, struct rd_job_result *res)
{
	struct run r = { .j = { .cfg = cfg, .tc = tc, .parts = parts, .nparts = nparts, .cancel = cancel, .pause = pause,
	                        .hooks = hooks, .progress = progress, .warn = warn, .cb_data = cb_data,
	                        .lease_ms = cfg->cluster.lease_s * 1000, .no_wait = hooks != NULL && hooks->no_wait },
	                 .kind = kind, .res = res };
	struct job *j = &r.j;
	rpl_owner_init(&j->me, cfg->cluster.node);
	atomic_init(&j->ledger_cancel, false);
	memset(res, 0, sizeof *res);
	rpl_err_init(&res->err);
	j->accs = res->accs = calloc(nparts, sizeof *res->accs);
	j->done = calloc(nparts, sizeof *j->done);
	j->attempts = calloc(nparts, sizeof *j->attempts);
	j->deferred = calloc(nparts, sizeof *j->deferred);
	res->n = nparts;
	uv_mutex_init(&j->lock);
	if (j->accs == NULL || j->done == NULL || j->attempts == NULL || j->deferred == NULL) {
		rpl_err_set(&res->err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nparts; i++)
		j->accs[i].range = parts[i];
	if (run_connect(&r) < 0 || run_open_job(&r) < 0 || run_indexes_before(&r) < 0)
		goto out;
	run_workers(&r);
	run_reconnect(&r);
out:
	/* indexes built after the last partition, or put back when nobody else loads it */
	runner_idx_end(j, &r.dst, res);
	res->failed = res->err.code != RPL_OK;
	if (j->job_id[0] != '\0' && r.dst.dbc != SQL_NULL_HDBC) {
		run_finish(&r);
	} else if (hooks != NULL && hooks->job_id != NULL && cfg->cluster.on && r.dst.dbc != SQL_NULL_HDBC) {
		struct rpl_err ignored = RPL_ERR_INIT;   /* a submit's reservation (jobs_submit.c) frees its range */
		rpl_ledger_fail_unopened(&r.dst, hooks->job_id, &ignored);
	}
	if (j->rejects == NULL || rpl_reject_count(j->rejects) == 0)
		res->reject_path[0] = '\0';
	rpl_reject_free(j->rejects);
	rpl_copy_free(r.probe);
	rpl_conn_close(&j->spare_src);
	rpl_conn_close(&r.src);
	rpl_conn_close(&r.dst);
	uv_mutex_destroy(&j->lock);
	free(j->done);
	free(j->attempts);
	free(j->deferred);
}

void
rd_job_result_fini(struct rd_job_result *res)
{
	free(res->accs);
	res->accs = NULL;
	rd_vparts_free(res->vparts, res->n);
	res->vparts = NULL;
}
