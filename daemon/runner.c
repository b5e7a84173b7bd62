/* daemon/runner.c: one job on a worker pool (DESIGN in runner.h). */
#include "runner.h"
#include "claims.h"
#include "dialect.h"
#include "dlog.h"
#include "indexes.h"
#include "ledger.h"
#include "log.h"
#include "reject.h"
#include "sbuf.h"
#include "validate.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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
};

static int64_t mono_ms(void);

/* job_shared: whether another live process holds a partition of this job (two runs of
 * one range, a run beside a serve): the index work is then left to the first one to
 * start and the last one to end (claim.h) */
static bool
job_shared(struct job *j, struct rpl_conn *dst)
{
	int64_t n = 0;
	struct rpl_err err = RPL_ERR_INIT;
	return j->job_id[0] != '\0' && rpl_claim_others_live(dst, &j->me, j->job_id, &n, &err) == 0 && n > 0;
}

static void
copy_opts(struct job *j, struct rpl_copy_opts *o, bool create)
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

static int
open_pair(const struct rpl_config *cfg, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_err *err)
{
	memset(src, 0, sizeof *src);
	memset(dst, 0, sizeof *dst);
	int r = rpl_conn_open(src, "source", cfg->source.odbc, cfg->source.password, err);
	if (r == 0)
		r = rpl_conn_open(dst, "target", cfg->target.odbc, cfg->target.password, err);
	return r;
}

/* worker_open_pair is open_pair for a worker: the first one takes the source
 * connection the main thread no longer needs instead of opening another (a TCP
 * handshake and an authentication saved). */
static int
worker_open_pair(struct job *j, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_err *err)
{
	uv_mutex_lock(&j->lock);
	bool spare = j->spare_src.dbc != SQL_NULL_HDBC;
	if (spare) {
		*src = j->spare_src;
		memset(&j->spare_src, 0, sizeof j->spare_src);
	}
	uv_mutex_unlock(&j->lock);
	if (!spare)
		return open_pair(j->cfg, src, dst, err);
	memset(dst, 0, sizeof *dst);
	return rpl_conn_open(dst, "target", j->cfg->target.odbc, j->cfg->target.password, err);
}

/* the ledger's done-mark, built for copy.c to run inside the last transaction, and
 * the claim check of every commit before it: both touch the partition's row only
 * while this process holds claim claim_no (claim.h) */
struct done_ctx { struct job *j; const struct rpl_dialect *d; int claim_no; };
static void
done_sql(void *data, const struct rpl_part_account *acc, struct rpl_sbuf *out)
{
	struct done_ctx *c = data;
	rpl_ledger_done_sql(c->d, c->j->job_id, c->j->tc->name, acc, out);
	rpl_claim_cond_sql(c->d, &c->j->me, c->claim_no, out);
}

static void
claim_sql(void *data, const struct rpl_range *r, struct rpl_sbuf *out)
{
	struct done_ctx *c = data;
	rpl_claim_check_sql(c->d, &c->j->me, c->j->job_id, c->j->tc->name, r, c->claim_no, out);
}

/* release: the claim ends with the partition's outcome (a claim lost to another
 * process is not ours to end; a release that fails leaves the lease to run out) */
static void
release(struct job *j, struct rpl_conn *dst, size_t i, int claim_no, const struct rpl_part_account *acc)
{
	if (acc->err.code == RPL_ECLAIM || acc->err.code == RPL_EHELD || dst->dbc == SQL_NULL_HDBC)
		return;
	static const char *const outcome[] = { "failed", "done", "failed", "done", "cancelled", "interrupted" };
	struct rpl_err ignored = RPL_ERR_INIT;
	rpl_claim_release(dst, &j->me, j->job_id, j->tc->name, &j->parts[i], claim_no, outcome[acc->state], &ignored);
}

static long
backoff_ms(int attempt)
{
	long base = 500L << (attempt < 6 ? attempt : 6);
	if (base > 30000)
		base = 30000;
	return base / 2 + rand() % (base / 2 + 1);
}

/* connection_lost: errors after which the worker's connections are not to be trusted */
static bool
connection_lost(const struct rpl_err *e)
{
	return strncmp(e->sqlstate, "08", 2) == 0 || strncmp(e->sqlstate, "57P", 3) == 0 || e->native == 2006 || e->native == 2013 ||
	       e->native == 2002 || e->native == 2003;
}

/* stopped_state: what a partition the cancel flag stopped is: interrupted when the
 * process is stopping (resumed by the next run), cancelled when a user asked */
static int
stopped_state(const struct job *j)
{
	bool stopping = j->hooks != NULL && j->hooks->stopping != NULL && atomic_load(j->hooks->stopping);
	return stopping ? RPL_PART_INTERRUPTED : RPL_PART_CANCELLED;
}

/* log_part_end: -v shows each partition as it ends, with its account; a failure is
 * the caller's to report (run prints it, the service logs it with the job) */
static void
log_part_end(const struct job *j, size_t i, const struct rpl_part_account *acc)
{
	static const char *const states[] = { "pending", "done", "failed", "skipped", "cancelled", "interrupted" };
	char qt[300], label[64], qe[1700];
	rpl_range_label(&acc->range, label, sizeof label);
	rd_log(RPL_LOG_INFO, "loader",
	       "job=%s table=%s part=%zu range=%s state=%s attempts=%d rows_read=%lld rows_written=%lld rows_rejected=%lld "
	       "ms=%lld%s%s", j->job_id, rd_q(qt, sizeof qt, j->tc->name), i + 1, label, states[acc->state], acc->attempts,
	       (long long)acc->read, (long long)acc->written, (long long)acc->rejected, (long long)acc->ms[RPL_PHASE_TOTAL],
	       acc->state == RPL_PART_FAILED ? " error=" : "", acc->state == RPL_PART_FAILED ? rd_q(qe, sizeof qe, acc->err.msg) : "");
}

/* outage_wait: a worker that lost its source or target, or cannot reach it, waits for
 * it here instead of spending the partition's attempt (issue #18 item 4: with the
 * target stopped, ten partitions were tried five times each, 40 warnings in 128 s).
 * One warning when the outage starts, whichever worker finds it; each wait doubles
 * from 1 s to 60 s; false (spend the attempt) when load.outage_wait is 0 or used up,
 * or when the job is cancelled. */
static bool
outage_wait(struct job *j, const struct rpl_err *e)
{
	int64_t bound = j->cfg->load.outage_wait_s * 1000, now = mono_ms();
	if (bound <= 0)
		return false;
	uv_mutex_lock(&j->lock);
	bool first = j->outage_since == 0;
	if (first) {
		j->outage_since = now;
		j->outage_tries = 0;
	}
	int tries = ++j->outage_tries;
	int64_t waited = now - j->outage_since;
	uv_mutex_unlock(&j->lock);
	char qt[300], qe[1700];
	rd_q(qt, sizeof qt, j->tc->name);
	rd_q(qe, sizeof qe, e->msg);
	if (waited >= bound) {
		rd_log(RPL_LOG_ERROR, "loader", "job=%s table=%s waited_s=%lld error=%s msg=\"database still unreachable after "
		       "load.outage_wait: partitions spend their attempts now\"", j->job_id[0] ? j->job_id : "-", qt, (long long)(waited / 1000), qe);
		return false;
	}
	int64_t delay = 1000LL << (tries - 1 < 6 ? tries - 1 : 6);
	delay = delay > 60000 ? 60000 : delay;
	delay = delay > bound - waited ? bound - waited : delay;
	if (first)
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s sqlstate=%s error=%s retry_in_ms=%lld wait_max_s=%lld "
		       "msg=\"database unreachable: waiting for it, without spending attempts\"", j->job_id[0] ? j->job_id : "-", qt,
		       e->sqlstate[0] ? e->sqlstate : "-", qe, (long long)delay, (long long)(bound / 1000));
	else
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s waited_s=%lld retry_in_ms=%lld msg=\"still unreachable\"",
		       j->job_id[0] ? j->job_id : "-", qt, (long long)(waited / 1000), (long long)delay);
	for (int64_t slept = 0; slept < delay; slept += 100) {
		if (j->cancel != NULL && atomic_load(j->cancel))
			return false;
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return true;
}

/* outage_over: a partition went through, so the outage (if any) has ended */
static void
outage_over(struct job *j)
{
	uv_mutex_lock(&j->lock);
	int64_t since = j->outage_since;
	j->outage_since = 0;
	uv_mutex_unlock(&j->lock);
	if (since != 0) {
		char qt[300];
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s down_s=%lld msg=\"database reachable again: the job goes on\"",
		       j->job_id[0] ? j->job_id : "-", rd_q(qt, sizeof qt, j->tc->name), (long long)((mono_ms() - since) / 1000));
	}
}

/* per worker: rows of the current partition already added to the job's count */
struct worker { struct job *j; int64_t counted; };

static void
worker_progress(void *data, const struct rpl_range *r, int64_t rows_read, int64_t rows_written)
{
	struct worker *w = data;
	(void)r;
	(void)rows_read;
	uv_mutex_lock(&w->j->lock);
	w->j->rows += rows_written - w->counted;
	int64_t rows = w->j->rows;
	size_t pd = w->j->parts_done;
	uv_mutex_unlock(&w->j->lock);
	w->counted = rows_written;
	if (w->j->progress != NULL)
		w->j->progress(w->j->cb_data, pd, w->j->nparts, rows);
}

static void
worker_main(void *arg)
{
	struct job *j = arg;
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_copy *cp = NULL;
	struct rpl_err err = RPL_ERR_INIT;
	bool connected = false;
	struct done_ctx dctx = { .j = j };
	bool claimed = false;
	struct worker w = { .j = j };
	for (;;) {
		bool second = false;   /* a deferred partition: wait for it now */
		uv_mutex_lock(&j->lock);
		size_t i = j->next < j->nparts ? j->next++ : j->nparts;
		if (i >= j->nparts && j->ndeferred > 0) {
			i = j->deferred[--j->ndeferred];
			second = true;
		}
		uv_mutex_unlock(&j->lock);
		if (i >= j->nparts)
			break;
		struct rpl_part_account *acc = &j->accs[i];
		acc->range = j->parts[i];
		if (j->done[i]) {
			acc->state = RPL_PART_SKIPPED;
			acc->attempts = j->attempts[i];
			log_part_end(j, i, acc);
			if (j->hooks != NULL && j->hooks->part_done != NULL)
				j->hooks->part_done(j->cb_data, i, acc);
			uv_mutex_lock(&j->lock);
			size_t pd = ++j->parts_done;   /* progress counts it as done: it is */
			int64_t rows = j->rows;
			uv_mutex_unlock(&j->lock);
			if (j->progress != NULL)
				j->progress(j->cb_data, pd, j->nparts, rows);
			continue;
		}
		int attempt = j->attempts[i];
		bool defer = false;
		claimed = false;
		for (;;) {
			struct rpl_err perr = RPL_ERR_INIT;
			attempt++;
			if (j->cancel != NULL && atomic_load(j->cancel)) {
				acc->state = stopped_state(j);   /* not started: nothing to roll back, no attempt */
				break;
			}
			if (!connected) {
				struct rpl_copy_opts o;
				copy_opts(j, &o, false);
				o.done_sql = done_sql;
				o.claim_sql = claim_sql;
				o.done_data = &dctx;
				o.progress = worker_progress;
				o.cb_data = &w;
				o.catalogs_from = j->probe;
				if (worker_open_pair(j, &src, &dst, &perr) == 0 &&
				    rpl_copy_prepare(&src, &dst, &o, &cp, &perr) == 0) {
					connected = true;
					dctx.d = dst.dialect;
				} else {
					rpl_conn_close(&src);
					rpl_conn_close(&dst);
				}
			}
			if (connected && !claimed) {   /* a partition another process holds is not loaded here */
				struct rpl_claim cl;
				if (rd_claim_wait(&dst, &j->me, j->lease_ms, j->no_wait, second, j->job_id, j->tc->name, &j->parts[i],
				                  j->cancel, &cl, &perr) == 0) {
					if (cl.state == RPL_CLAIM_HELD) {   /* another process loads it: others first */
						defer = true;
						break;
					}
					if (cl.state == RPL_CLAIM_DONE) {   /* another process did it meanwhile */
						acc->state = RPL_PART_SKIPPED;
						acc->attempts = cl.attempts;
						break;
					}
					claimed = true;
					dctx.claim_no = cl.claim_no;
					attempt = cl.attempts + 1 > attempt ? cl.attempts + 1 : attempt;
				}
			}
			if (connected && claimed) {
				struct rpl_err lerr = RPL_ERR_INIT;
				acc->attempts = attempt;
				uv_mutex_lock(&j->lock);
				acc->ms[RPL_PHASE_DISABLE_IDX] = j->first_disable_ms;
				j->first_disable_ms = 0;
				uv_mutex_unlock(&j->lock);
				uv_mutex_lock(&j->lock);
				j->rows -= w.counted;   /* an earlier attempt's rows were rolled back */
				uv_mutex_unlock(&j->lock);
				w.counted = 0;
				if (rpl_ledger_part_start(&dst, j->job_id, j->tc->name, &j->parts[i], attempt, &perr) == 0 &&
				    rpl_copy_partition(cp, &j->parts[i], acc, &perr) == 0) {
					outage_over(j);
					break;
				}
				acc->state = perr.code == RPL_ECANCELED ? stopped_state(j) : RPL_PART_FAILED;
				acc->attempts = attempt;
				acc->err = perr;
				if (perr.code == RPL_ECLAIM) {   /* taken over: claim it again, which waits for the new owner */
					claimed = false;
					attempt--;
					continue;
				}
				if (acc->state != RPL_PART_FAILED)
					rpl_ledger_part_stopped(&dst, j->job_id, j->tc->name, acc,
					                        acc->state == RPL_PART_CANCELLED ? "cancelled" : "interrupted", &lerr);
				else if (!connection_lost(&perr))
					rpl_ledger_part_failed(&dst, j->job_id, j->tc->name, acc, &perr, &lerr);
			} else {
				acc->state = perr.code == RPL_ECANCELED ? stopped_state(j) : RPL_PART_FAILED;
				acc->attempts = attempt;
				acc->err = perr;
			}
			bool retry = perr.code != RPL_ECANCELED &&
			             (rpl_dialect_retryable(rpl_dialect_for(RPL_ENGINE_UNKNOWN), perr.sqlstate, perr.native) ||
			              (connected && (rpl_dialect_retryable(dst.dialect, perr.sqlstate, perr.native) ||
			                             rpl_dialect_retryable(src.dialect, perr.sqlstate, perr.native))) ||
			              connection_lost(&perr));
			if (perr.code != RPL_ECANCELED && connection_lost(&perr) && outage_wait(j, &perr)) {
				if (connected) {
					rpl_copy_free(cp);
					cp = NULL;
					rpl_conn_close(&src);
					rpl_conn_close(&dst);
					connected = false;
				}
				attempt--;   /* the outage's, not the partition's: tried again as the same attempt */
				continue;
			}
			if (!retry || attempt >= j->cfg->load.max_attempts)
				break;
			if (connected && connection_lost(&perr)) {
				rpl_copy_free(cp);
				cp = NULL;
				rpl_conn_close(&src);
				rpl_conn_close(&dst);
				connected = false;
			}
			long ms = backoff_ms(attempt);
			char qt[300], qe[1700];
			/* info, not a warning over the progress bar: most retries succeed (issue #18
			 * item 5), and one that does not ends in the partition's error */
			rd_log(RPL_LOG_INFO, "loader", "table=%s part=%zu attempt=%d retry_in_ms=%ld sqlstate=%s error=%s",
			       rd_q(qt, sizeof qt, j->tc->name), i + 1, attempt, ms, perr.sqlstate[0] ? perr.sqlstate : "-",
			       rd_q(qe, sizeof qe, perr.msg));
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (defer) {
			uv_mutex_lock(&j->lock);
			j->deferred[j->ndeferred++] = i;
			uv_mutex_unlock(&j->lock);
			continue;
		}
		if (claimed)
			release(j, &dst, i, dctx.claim_no, acc);
		log_part_end(j, i, acc);
		if (j->hooks != NULL && j->hooks->part_done != NULL)
			j->hooks->part_done(j->cb_data, i, acc);
		uv_mutex_lock(&j->lock);
		j->parts_done++;
		j->rows += acc->written - w.counted;   /* a failed attempt's rows were rolled back */
		w.counted = 0;
		size_t pd = j->parts_done;
		int64_t rows = j->rows;
		uv_mutex_unlock(&j->lock);
		if (j->progress != NULL)
			j->progress(j->cb_data, pd, j->nparts, rows);
	}
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	(void)err;
}

/* validate_first: what the run would refuse, from the catalogs and the file system,
 * before its first statement on the target (the ledger's CREATE, the DELETE): a
 * date_column that is not a date (issue #18 item 2; `replicad check` asks the same;
 * the column mapping is rpl_copy_prepare's, the state_dir was checked at start). A missing table is left to
 * rpl_copy_prepare, which creates it or says so. */
static int
validate_first(const struct rpl_table_config *tc, struct rpl_conn *src, struct rpl_conn *dst, struct rpl_err *err)
{
	struct rpl_table st, dt;
	bool s_exists = false, d_exists = false;
	char label[600];
	snprintf(label, sizeof label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	int r = rpl_catalog_read(src, tc->schema, tc->name, &st, &s_exists, err);
	if (r == 0 && s_exists)
		r = rpl_catalog_read(dst, tc->target_schema, tc->target, &dt, &d_exists, err);
	if (r == 0 && s_exists)
		r = rpl_validate_table(&st, src->engine, d_exists ? &dt : NULL, dst->engine, label, tc->date_column, err);
	if (s_exists)
		rpl_table_fini(&st);
	if (d_exists)
		rpl_table_fini(&dt);
	return r;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
rd_runner_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
              const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
              const atomic_bool *pause, rd_progress_fn progress, rpl_warn_fn warn, void *cb_data, struct rd_job_result *res)
{
	rd_runner_run_hooks(cfg, tc, kind, parts, nparts, cancel, pause, progress, warn, cb_data, NULL, res);
}

void
rd_runner_run_hooks(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
                    const struct rpl_range *parts, size_t nparts, const atomic_bool *cancel,
                    const atomic_bool *pause, rd_progress_fn progress, rpl_warn_fn warn, void *cb_data,
                    const struct rd_runner_hooks *hooks, struct rd_job_result *res)
{
	struct job j = { .cfg = cfg, .tc = tc, .parts = parts, .nparts = nparts, .cancel = cancel, .pause = pause,
	                 .hooks = hooks,
	                 .progress = progress, .warn = warn, .cb_data = cb_data,
	                 .lease_ms = RD_LEASE_MS, .no_wait = hooks != NULL && hooks->no_wait };
	struct rd_renewer renewer = { .started = false };
	bool shared = false;   /* another live process loads this job too: the index work is its */
	rpl_owner_init(&j.me, NULL);
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_copy *probe = NULL;
	struct rpl_err *err = &res->err;
	char label[600];
	memset(res, 0, sizeof *res);
	rpl_err_init(err);
	snprintf(label, sizeof label, "%s%s%s", tc->target_schema ? tc->target_schema : "",
	         tc->target_schema ? "." : "", tc->target);
	j.accs = res->accs = calloc(nparts, sizeof *res->accs);
	j.done = calloc(nparts, sizeof *j.done);
	j.attempts = calloc(nparts, sizeof *j.attempts);
	j.deferred = calloc(nparts, sizeof *j.deferred);
	res->n = nparts;
	uv_mutex_init(&j.lock);
	bool indexes_down = false;
	if (j.accs == NULL || j.done == NULL || j.attempts == NULL || j.deferred == NULL) {
		rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nparts; i++)
		j.accs[i].range = parts[i];
	while (open_pair(cfg, &src, &dst, err) < 0) {   /* a database down at the start is waited for too */
		rpl_conn_close(&src);
		rpl_conn_close(&dst);
		if (!connection_lost(err) || !outage_wait(&j, err))
			goto out;
		rpl_err_init(err);
	}
	outage_over(&j);
	if (validate_first(tc, &src, &dst, err) < 0)
		goto out;
	/* validate once (the column mapping included: nothing is sent to the target
	 * before it passes, the ledger's tables neither), create a missing target table,
	 * say what is narrower */
	struct rpl_copy_opts o;
	copy_opts(&j, &o, cfg->load.create_missing_tables);
	o.probe = true;    /* the workers open their own COPY and SQLite paths */
	if (rpl_copy_prepare(&src, &dst, &o, &probe, err) < 0 || rpl_ledger_ensure(&dst, err) < 0)
		goto out;
	j.probe = probe;
	if ((hooks != NULL && hooks->job_id != NULL
	     ? rpl_ledger_open_job_as(&dst, hooks->job_id, tc->name, kind, parts, nparts, j.job_id, &res->resumed, j.done,
	                              j.attempts, err)
	     : rpl_ledger_open_job(&dst, tc->name, kind, parts, nparts, j.job_id, &res->resumed, j.done, j.attempts,
	                           err)) < 0)
		goto out;
	snprintf(res->job_id, sizeof res->job_id, "%s", j.job_id);
	char qt[300];
	rd_log(RPL_LOG_INFO, "ledger", "job=%s table=%s kind=%s partitions=%zu resumed=%s msg=\"ledger job open\"", j.job_id,
	       rd_q(qt, sizeof qt, tc->name), kind, nparts, res->resumed ? "yes" : "no");
	if (hooks != NULL && hooks->opened != NULL)
		hooks->opened(cb_data, j.job_id, res->resumed, j.done, nparts);
	snprintf(res->reject_path, sizeof res->reject_path, "%s/rejects/%s.jsonl", cfg->state_dir, j.job_id);
	j.rejects = rpl_reject_new(res->reject_path);
	if (j.rejects == NULL) {
		rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	/* an earlier run may have died with the indexes dropped: put them back first;
	 * a table created just now has only its source's indexes there, built after
	 * the load (createidx.h) */
	bool created = rpl_copy_created(probe);
	indexes_down = created;
	if ((shared = job_shared(&j, &dst)))
		indexes_down = false;
	else if (!created && rpl_indexes_restore(&dst, tc->target_schema, tc->target, &res->indexes_restored, err) < 0)
		goto out;
	size_t todo = 0;
	for (size_t i = 0; i < nparts; i++)
		todo += !j.done[i];
	if (cfg->load.disable_indexes && todo > 0 && !shared) {
		int64_t t = mono_ms();
		indexes_down = true;
		/* keep what leads with the date column: each partition's DELETE uses it */
		if (rpl_indexes_disable_keep(&dst, tc->target_schema, tc->target, tc->date_column, &res->indexes_dropped,
		                             err) < 0)
			goto out;
		j.first_disable_ms = mono_ms() - t;
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s indexes_dropped=%d ms=%lld msg=\"secondary indexes dropped for the load\"",
		       j.job_id, qt, res->indexes_dropped, (long long)j.first_disable_ms);
	}
	if (!rd_renewer_start(&renewer, cfg, &j.me, j.lease_ms))
		rd_log(RPL_LOG_WARNING, "ledger", "job=%s msg=\"no thread to renew leases: a partition loading for longer "
		       "than a lease may be taken over by another process\"", j.job_id);
	/* the first worker takes it; a thread's handles pass on under the job's lock */
	j.spare_src = src;
	memset(&src, 0, sizeof src);
	size_t nworkers = (size_t)(cfg->load.workers < cfg->load.workers_per_table ? cfg->load.workers
	                                                                           : cfg->load.workers_per_table);
	if (nworkers > todo)
		nworkers = todo > 0 ? todo : 1;
	uv_thread_t *threads = calloc(nworkers, sizeof *threads);
	size_t started = 0;
	for (; threads != NULL && started < nworkers; started++)
		if (uv_thread_create(&threads[started], worker_main, &j) != 0)
			break;
	if (started == 0)
		worker_main(&j);   /* no thread could start: do the work here */
	for (size_t i = 0; i < started; i++)
		uv_thread_join(&threads[i]);
	free(threads);
	rd_renewer_stop(&renewer);
	rpl_conn_close(&j.spare_src);   /* no worker needed it (nothing left to do) */
	/* the control connection sat idle through the load; the target may have been
	 * restarted meanwhile (the workers reconnected). One trivial statement tells, at
	 * a round trip instead of a new connection (TCP + SCRAM, ~11 ms); only when it
	 * fails is the connection opened again, with the workers' backoff. */
	int64_t one = 0;
	bool alive = false;
	struct rpl_err perr = RPL_ERR_INIT;
	if (rpl_conn_query_int64(&dst, "SELECT 1", &one, &alive, &perr) < 0 || !alive) {
		rpl_conn_close(&dst);
		for (int attempt = 1;; attempt++) {
			struct rpl_err cerr = RPL_ERR_INIT;
			if (rpl_conn_open(&dst, "target", cfg->target.odbc, cfg->target.password, &cerr) == 0)
				break;
			if (connection_lost(&cerr) && outage_wait(&j, &cerr)) {
				attempt--;
				continue;
			}
			if (attempt >= cfg->load.max_attempts) {
				*err = cerr;
				break;
			}
			long ms = backoff_ms(attempt);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
out:
	rd_renewer_stop(&renewer);
	/* the last process of a shared job puts back what the first one dropped */
	if ((indexes_down || shared) && dst.dbc != SQL_NULL_HDBC && job_shared(&j, &dst)) {
		rd_log(RPL_LOG_INFO, "loader", "job=%s msg=\"another process still loads this job: it restores the indexes\"",
		       j.job_id);
		indexes_down = false;
	} else if (shared) {
		indexes_down = true;
	}
	if (indexes_down && dst.dbc != SQL_NULL_HDBC) {
		struct rpl_err ierr = RPL_ERR_INIT;
		int64_t t = mono_ms();
		int n = 0;
		if (rpl_indexes_restore(&dst, tc->target_schema, tc->target, &n, &ierr) < 0 && err->code == RPL_OK)
			*err = ierr;
		res->indexes_restored += n;
		char qt2[300];
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s indexes_restored=%d ms=%lld", j.job_id[0] ? j.job_id : "-",
		       rd_q(qt2, sizeof qt2, tc->name), n, (long long)(mono_ms() - t));		for (size_t i = nparts; i-- > 0;)
			if (j.accs != NULL && j.accs[i].state == RPL_PART_DONE) {
				j.accs[i].ms[RPL_PHASE_REBUILD_IDX] = mono_ms() - t;
				break;
			}
	}
	res->failed = err->code != RPL_OK;
	if (j.job_id[0] != '\0' && dst.dbc != SQL_NULL_HDBC) {
		int64_t rd = 0, wr = 0, rj = 0;
		bool any_failed = res->failed, held = false;
		for (size_t i = 0; i < nparts; i++) {
			rd += j.accs[i].read, wr += j.accs[i].written, rj += j.accs[i].rejected;
			any_failed = any_failed || j.accs[i].state == RPL_PART_FAILED || j.accs[i].state == RPL_PART_PENDING;
			held = held || j.accs[i].err.code == RPL_EHELD;
		}
		struct rpl_err lerr = RPL_ERR_INIT;
		bool cancelled = cancel != NULL && atomic_load(cancel);
		bool stopping = hooks != NULL && hooks->stopping != NULL && atomic_load(hooks->stopping);
		/* with partitions another process holds (--no-wait), the job's end is that
		 * process's to write */
		if (!held)
			rpl_ledger_job_finish(&dst, j.job_id, cancelled ? (stopping ? "interrupted" : "cancelled")
		                      : any_failed ? "failed" : "done", rd, wr, rj, &lerr);
	}
	if (j.rejects == NULL || rpl_reject_count(j.rejects) == 0)
		res->reject_path[0] = '\0';
	rpl_reject_free(j.rejects);
	rpl_copy_free(probe);
	rpl_conn_close(&j.spare_src);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	uv_mutex_destroy(&j.lock);
	free(j.done);
	free(j.attempts);
	free(j.deferred);
}

void
rd_job_result_fini(struct rd_job_result *res)
{
	free(res->accs);
	res->accs = NULL;
}
