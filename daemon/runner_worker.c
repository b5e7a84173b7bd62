/* daemon/runner_worker.c: a job's worker threads (DESIGN in runner.h): each takes
 * the next partition from the job's counter, loads it on its own connections and
 * copy buffers, retries what is retryable with backoff, waits out a database outage
 * without spending attempts (outage_wait), records every attempt in the ledger and
 * reports each partition's end through the job's hooks. */
#include "runner_int.h"
#include "runner_idx.h"
#include "claims.h"
#include "clock.h"
#include "dialect.h"
#include "dlog.h"
#include "fence.h"
#include "ledger.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

long
runner_backoff_ms(int attempt)
{
	long base = 500L << (attempt < 6 ? attempt : 6);
	if (base > 30000)
		base = 30000;
	return base / 2 + rand() % (base / 2 + 1);
}

/* runner_connection_lost: errors after which the worker's connections are not to be trusted */
bool
runner_connection_lost(const struct rpl_err *e)
{
	/* 1927: MariaDB's "connection was killed" (a KILL CONNECTION, as fencing sends) */
	return strncmp(e->sqlstate, "08", 2) == 0 || strncmp(e->sqlstate, "57P", 3) == 0 || e->native == 2006 || e->native == 2013 ||
	       e->native == 2002 || e->native == 2003 || e->native == 1927;
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

/* runner_outage_wait: a worker that lost its source or target, or cannot reach it, waits for
 * it here instead of spending the partition's attempt (issue #18 item 4: with the
 * target stopped, ten partitions were tried five times each, 40 warnings in 128 s).
 * One warning when the outage starts, whichever worker finds it (a notice instead
 * when the worker has just reconnected: answers, its session was ended, the
 * databases are there); each wait doubles
 * from 1 s to 60 s; false (spend the attempt) when load.outage_wait is 0 or used up,
 * or when the job is cancelled. */
bool
runner_outage_wait(struct job *j, const struct rpl_err *e, bool answers)
{
	int64_t bound = j->cfg->load.outage_wait_s * 1000, now = (int64_t)rd_now_mono_ms();
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
	if (first && answers)   /* reconnected at once: an ended session, not a database gone */
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s sqlstate=%s error=%s retry_in_ms=%lld wait_max_s=%lld "
		       "msg=\"connection lost while the databases answer (a session ended by the server, an administrator or "
		       "another process's fencing): trying again, without spending attempts\"", j->job_id[0] ? j->job_id : "-",
		       qt, e->sqlstate[0] ? e->sqlstate : "-", qe, (long long)delay, (long long)(bound / 1000));
	else if (first)
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s sqlstate=%s error=%s retry_in_ms=%lld wait_max_s=%lld "
		       "msg=\"database unreachable: waiting for it, without spending attempts\"", j->job_id[0] ? j->job_id : "-", qt,
		       e->sqlstate[0] ? e->sqlstate : "-", qe, (long long)delay, (long long)(bound / 1000));
	else
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s waited_s=%lld retry_in_ms=%lld msg=\"still unreachable\"",
		       j->job_id[0] ? j->job_id : "-", qt, (long long)(waited / 1000), (long long)delay);
	for (int64_t slept = 0; slept < delay; slept += 100) {
		if (j->cancel != NULL && atomic_load(j->cancel))
			return false;
		rd_sleep_ms(100);
	}
	return true;
}

/* runner_outage_over: a partition went through, so the outage (if any) has ended */
void
runner_outage_over(struct job *j)
{
	uv_mutex_lock(&j->lock);
	int64_t since = j->outage_since;
	j->outage_since = 0;
	uv_mutex_unlock(&j->lock);
	if (since != 0) {
		char qt[300];
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s down_s=%lld msg=\"database reachable again: the job goes on\"",
		       j->job_id[0] ? j->job_id : "-", rd_q(qt, sizeof qt, j->tc->name), (long long)(((int64_t)rd_now_mono_ms() - since) / 1000));
	}
}

/* struct worker: one worker thread's connections and copy, and the rows of its
 * current partition already added to the job's count */
struct worker {
	struct job *j;
	int64_t counted;
	struct rpl_conn src, dst;
	struct rpl_copy *cp;
	bool connected;
	bool claimed;             /* the current partition's claim is ours (dctx.claim_no) */
	struct done_ctx dctx;
};

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
		return runner_open_pair(j->cfg, src, dst, err);
	memset(dst, 0, sizeof *dst);
	return rpl_conn_open(dst, "target", j->cfg->target.odbc, j->cfg->target.password, err);
}

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

/* worker_connect opens the worker's connections and its copy (again after a lost
 * connection); on failure perr says why and nothing stays open */
static void
worker_connect(struct worker *w, struct rpl_err *perr)
{
	struct job *j = w->j;
	struct rpl_copy_opts o;
	runner_copy_opts(j, &o, false);
	o.done_sql = done_sql;
	o.claim_sql = claim_sql;
	o.done_data = &w->dctx;
	o.progress = worker_progress;
	o.cb_data = w;
	o.catalogs_from = j->probe;
	if (worker_open_pair(j, &w->src, &w->dst, perr) == 0 && rpl_copy_prepare(&w->src, &w->dst, &o, &w->cp, perr) == 0) {
		w->connected = true;
		w->dctx.d = w->dst.dialect;
		/* the load session's name, which its fencing tag carries (fence.h); once per
		 * connection. Best effort: without it the tag still holds its start time */
		struct rpl_sbuf sql = RPL_SBUF_INIT;
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_fence_name_sql(w->dst.dialect, &j->me, &sql);
		if (sql.len > 0 && rpl_sbuf_ok(&sql))
			rpl_copy_session_exec(w->cp, rpl_sbuf_str(&sql), false, &ignored);
		rpl_sbuf_fini(&sql);
	} else {
		rpl_conn_close(&w->src);
		rpl_conn_close(&w->dst);
	}
}

static void
worker_disconnect(struct worker *w)
{
	if (!w->connected)
		return;
	rpl_copy_free(w->cp);
	w->cp = NULL;
	rpl_conn_close(&w->src);
	rpl_conn_close(&w->dst);
	w->connected = false;
}

/* part_start marks partition i running on its load session, which records that
 * session (named at connect: worker_connect) for whoever takes the partition over
 * (fence.h), under the claim: RPL_ECLAIM when it was taken over meanwhile. SQLite has
 * one writer and no session to end. */
static int
part_start(struct worker *w, size_t i, int attempt, struct rpl_err *err)
{
	struct job *j = w->j;
	const struct rpl_dialect *d = w->dst.dialect;
	if (d->engine == RPL_ENGINE_SQLITE)
		return rpl_ledger_part_start(&w->dst, j->job_id, j->tc->name, &j->parts[i], attempt, &j->me, w->dctx.claim_no,
		                             err);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_fence_start_sql(d, &j->me, j->job_id, j->tc->name, &j->parts[i], w->dctx.claim_no, attempt, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_copy_session_exec(w->cp, rpl_sbuf_str(&sql), true, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	if (r < 0)
		rpl_err_prefix(err, "ledger: starting a partition");
	return r;
}

/* fence_expired: before each attempt, the load sessions of the job's partitions whose
 * owners let their leases run out are ended (fence.h): their locks can reach past their
 * own ranges (InnoDB's next-key lock on the first row after one), so this attempt's
 * range DELETE would wait on them. Best effort: an error here is the attempt's own
 * to meet. */
static void
fence_expired(struct worker *w)
{
	struct job *j = w->j;
	struct rpl_err e = RPL_ERR_INIT;
	char msg[512] = "", qt[300], qm[1100];
	int ended = 0, refused = 0;
	if (w->dst.dialect->engine == RPL_ENGINE_SQLITE ||
	    rpl_fence_expired(&w->dst, &j->me, j->job_id, &ended, &refused, msg, sizeof msg, &e) < 0)
		return;
	if (ended > 0)
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s sessions=%d msg=\"fenced: ended the load sessions of partitions "
		       "whose owners' leases ran out; their open transactions roll back\"", j->job_id,
		       rd_q(qt, sizeof qt, j->tc->name), ended);
	if (refused > 0)
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s sessions=%d error=%s msg=\"cannot end the load sessions of "
		       "partitions whose owners' leases ran out: loads that meet their locks wait for them\"", j->job_id,
		       rd_q(qt, sizeof qt, j->tc->name), refused, rd_q(qm, sizeof qm, msg));
}

/* part_end_write: a failed or stopped attempt in the ledger, only while the claim is
 * ours (a lost claim's row is another's) */
static void
part_end_write(struct worker *w, const struct rpl_part_account *acc, const struct rpl_err *perr)
{
	struct job *j = w->j;
	struct rpl_err lerr = RPL_ERR_INIT;
	if (acc->state != RPL_PART_FAILED)
		rpl_ledger_part_stopped(&w->dst, j->job_id, j->tc->name, acc,
		                        acc->state == RPL_PART_CANCELLED ? "cancelled" : "interrupted", &j->me,
		                        w->dctx.claim_no, &lerr);
	else if (!runner_connection_lost(perr) && perr->code != RPL_ECLAIM)   /* a lost claim's row is another's */
		rpl_ledger_part_failed(&w->dst, j->job_id, j->tc->name, acc, perr, &j->me, w->dctx.claim_no, &lerr);
}

/* attempt_once loads partition i once (its ledger row first); 0 when it is done,
 * else acc and the ledger say how it failed or stopped */
static int
attempt_once(struct worker *w, size_t i, int attempt, struct rpl_part_account *acc, struct rpl_err *perr)
{
	struct job *j = w->j;
	acc->attempts = attempt;
	if (!w->connected) {
		acc->state = RPL_PART_FAILED;
		acc->err = *perr;
		return -1;
	}
	uv_mutex_lock(&j->lock);
	acc->ms[RPL_PHASE_DISABLE_IDX] = j->first_disable_ms;
	j->first_disable_ms = 0;
	j->rows -= w->counted;   /* an earlier attempt's rows were rolled back */
	uv_mutex_unlock(&j->lock);
	w->counted = 0;
	/* marked running first, right after the claim: a takeover then counts this attempt */
	int r = part_start(w, i, attempt, perr);
	if (r == 0)
		fence_expired(w);
	if (r == 0 && rpl_copy_partition(w->cp, &j->parts[i], acc, perr) == 0)
		return 0;
	acc->state = perr->code == RPL_ECANCELED ? stopped_state(j) : RPL_PART_FAILED;
	acc->err = *perr;
	part_end_write(w, acc, perr);
	return -1;
}

/* reconnects: after a lost connection, whether both databases take a new one (kept
 * when they do: the session was ended, the databases are there) */
static bool
reconnects(struct worker *w)
{
	struct rpl_err e = RPL_ERR_INIT;
	worker_disconnect(w);
	worker_connect(w, &e);
	return w->connected;
}

/* claim_held: after a lost connection, whether this process still holds its claim
 * on partition i: the connection may have been ended by the process that took the
 * partition over while this one was stopped or cut off (fence.h: gone), or ended
 * while the database answers and the claim is still ours (an administrator's kill,
 * or a fencing sweep after this process's renewals failed: ours). Reconnects to ask;
 * unknown when it cannot (an outage: the caller waits for the database). */
enum held { HELD_GONE, HELD_OURS, HELD_UNKNOWN };
static enum held
claim_held(struct worker *w, size_t i)
{
	struct job *j = w->j;
	struct rpl_err e = RPL_ERR_INIT;
	bool holds = true;
	char qt[300], label[64];
	if (!reconnects(w) || rpl_fence_holds(&w->dst, &j->me, j->job_id, j->tc->name, &j->parts[i], w->dctx.claim_no,
	                                     &holds, &e) < 0)
		return HELD_UNKNOWN;
	rpl_range_label(&j->parts[i], label, sizeof label);
	rd_q(qt, sizeof qt, j->tc->name);
	if (!holds)
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s range=%s claim=%d msg=\"claim lost: the partition was taken "
		       "over and this process's load session ended while it was stopped or cut off; its work was rolled back\"",
		       j->job_id, qt, label, w->dctx.claim_no);
	return holds ? HELD_OURS : HELD_GONE;
}

/* retryable: what the dialects say, or a lost connection; never a cancel */
static bool
retryable(const struct worker *w, const struct rpl_err *e)
{
	return e->code != RPL_ECANCELED &&
	       (rpl_dialect_retryable(rpl_dialect_for(RPL_ENGINE_UNKNOWN), e->sqlstate, e->native) ||
	        (w->connected && (rpl_dialect_retryable(w->dst.dialect, e->sqlstate, e->native) ||
	                          rpl_dialect_retryable(w->src.dialect, e->sqlstate, e->native))) ||
	        runner_connection_lost(e));
}

enum claimed { CLAIM_OURS, CLAIM_LATER, CLAIM_ENDED, CLAIM_FAILED };

/* claim_part claims partition i for this process (claims.h): ours; held by another
 * live process on the first pass (later); done meanwhile (ended: skipped); or failed
 * (held with --no-wait, cancelled while waiting, the database: perr) */
static enum claimed
claim_part(struct worker *w, size_t i, bool second, int *attempt, struct rpl_part_account *acc, struct rpl_err *perr)
{
	struct job *j = w->j;
	struct rpl_claim cl;
	for (;;) {   /* a table one process loads at a time (runner_idx.h) is claimed on its turn */
		int turn = j->one_process ? runner_table_turn(j, &w->dst, second, perr) : RD_TURN_FREE;
		if (turn == RD_TURN_LATER)
			return CLAIM_LATER;
		if (turn < 0 || rd_claim_wait(&w->dst, &j->me, j->lease_ms, j->no_wait, second, j->job_id, j->tc->name,
		                              &j->parts[i], j->cancel, j->pause, &cl, perr) < 0) {
			if (perr->code == RPL_ECANCELED && !(j->cancel != NULL && atomic_load(j->cancel)))
				atomic_store(&j->ledger_cancel, true);   /* cancelled by another process, through the ledger */
			acc->attempts = *attempt;
			acc->state = perr->code == RPL_ECANCELED ? stopped_state(j) : RPL_PART_FAILED;
			acc->err = *perr;
			return CLAIM_FAILED;
		}
		if (!(cl.state == RPL_CLAIM_TAKEN && j->one_process && runner_table_yield(j, &w->dst, &j->parts[i], cl.claim_no)))
			break;
		if (!second)
			return CLAIM_LATER;
	}
	if (cl.state == RPL_CLAIM_HELD)
		return CLAIM_LATER;
	if (cl.state == RPL_CLAIM_DONE) {   /* another process did it meanwhile */
		acc->state = RPL_PART_SKIPPED;
		acc->attempts = cl.attempts;
		return CLAIM_ENDED;
	}
	w->claimed = true;
	w->dctx.claim_no = cl.claim_no;
	if (cl.attempts + 1 > *attempt)    /* another process's attempts count too */
		*attempt = cl.attempts + 1;
	return CLAIM_OURS;
}

/* run_part tries partition i until it is done, stopped, or out of attempts; false
 * when another process holds it on the first pass (second: the deferred pass, which
 * waits for it) */
static bool
run_part(struct worker *w, size_t i, bool second, struct rpl_part_account *acc)
{
	struct job *j = w->j;
	int attempt = j->attempts[i];
	for (;;) {
		struct rpl_err perr = RPL_ERR_INIT;
		attempt++;
		if ((j->cancel != NULL && atomic_load(j->cancel)) || atomic_load(&j->ledger_cancel)) {
			acc->state = stopped_state(j);   /* not started: nothing to roll back, no attempt */
			break;
		}
		if (!w->connected)
			worker_connect(w, &perr);
		enum claimed c = w->connected && !w->claimed ? claim_part(w, i, second, &attempt, acc, &perr) : CLAIM_OURS;
		if (c == CLAIM_LATER)
			return false;
		if (c == CLAIM_ENDED)
			break;
		if (c == CLAIM_OURS && attempt_once(w, i, attempt, acc, &perr) == 0) {
			runner_outage_over(j);
			break;
		}
		if (perr.code == RPL_ECLAIM) {   /* taken over: claim it again, which waits for the new owner */
			w->claimed = false;
			attempt--;
			continue;
		}
		bool lost = perr.code != RPL_ECANCELED && runner_connection_lost(&perr);
		enum held held = lost && w->claimed ? claim_held(w, i) : HELD_UNKNOWN;
		if (held == HELD_GONE) {
			w->claimed = false;   /* as a lost claim: claimed again, which waits for the new owner */
			attempt--;
			continue;
		}
		/* whether the databases answer: the claim still ours, or, when the connection
		 * was lost between two partitions (no claim to ask about), a new one opens */
		bool answers = held == HELD_OURS || (lost && !w->claimed && reconnects(w));
		bool retry = retryable(w, &perr);
		/* the databases answer: the log says so instead of "unreachable"; waited and
		 * bounded as an outage all the same */
		if (lost && runner_outage_wait(j, &perr, answers)) {
			if (!answers)   /* new connections that answer are kept */
				worker_disconnect(w);
			attempt--;   /* the outage's, not the partition's: tried again as the same attempt */
			continue;
		}
		if (!retry || attempt >= j->cfg->load.max_attempts)
			break;
		if (lost)
			worker_disconnect(w);
		long ms = runner_backoff_ms(attempt);
		char qt[300], qe[1700];
		/* info, not a warning over the progress bar: most retries succeed (issue #18
		 * item 5), and one that does not ends in the partition's error */
		rd_log(RPL_LOG_INFO, "loader", "table=%s part=%zu attempt=%d retry_in_ms=%ld sqlstate=%s error=%s",
		       rd_q(qt, sizeof qt, j->tc->name), i + 1, attempt, ms, perr.sqlstate[0] ? perr.sqlstate : "-",
		       rd_q(qe, sizeof qe, perr.msg));
		rd_sleep_ms(ms);
	}
	return true;
}

/* release: the claim ends with the partition's outcome (a claim lost to another
 * process is not ours to end; a release that fails leaves the lease to run out) */
static void
release(struct worker *w, size_t i, const struct rpl_part_account *acc)
{
	struct job *j = w->j;
	static const char *const outcome[] = { "failed", "done", "failed", "done", "cancelled", "interrupted" };
	struct rpl_err ignored = RPL_ERR_INIT;
	if (w->claimed && w->connected)
		rpl_claim_release(&w->dst, &j->me, j->job_id, j->tc->name, &j->parts[i], w->dctx.claim_no, outcome[acc->state],
		                  &ignored);
	w->claimed = false;
}

/* next_part: the next partition in plan order, else one deferred (*second) */
static bool
next_part(struct job *j, size_t *i, bool *second)
{
	uv_mutex_lock(&j->lock);
	*second = false;
	*i = j->next < j->nparts ? j->next++ : j->nparts;
	if (*i >= j->nparts && j->ndeferred > 0) {
		*i = j->deferred[--j->ndeferred];
		*second = true;
	}
	uv_mutex_unlock(&j->lock);
	return *i < j->nparts;
}

/* part_ended: the partition's end, logged, given to the hooks and counted (a skipped
 * one counts as done: it is) */
static void
part_ended(struct worker *w, size_t i, const struct rpl_part_account *acc)
{
	struct job *j = w->j;
	log_part_end(j, i, acc);
	if (j->hooks != NULL && j->hooks->part_done != NULL)
		j->hooks->part_done(j->cb_data, i, acc);
	uv_mutex_lock(&j->lock);
	j->parts_done++;
	j->rows += acc->written - w->counted;   /* a failed attempt's rows were rolled back */
	w->counted = 0;
	size_t pd = j->parts_done;
	int64_t rows = j->rows;
	uv_mutex_unlock(&j->lock);
	if (j->progress != NULL)
		j->progress(j->cb_data, pd, j->nparts, rows);
}

void
runner_worker_main(void *arg)
{
	struct worker w = { .j = arg };
	struct job *j = w.j;
	w.dctx.j = j;
	size_t i;
	bool second;
	while (next_part(j, &i, &second)) {
		struct rpl_part_account *acc = &j->accs[i];
		acc->range = j->parts[i];
		if (j->done[i]) {
			acc->state = RPL_PART_SKIPPED;
			acc->attempts = j->attempts[i];
		} else if (!run_part(&w, i, second, acc)) {   /* another process loads it: others first */
			uv_mutex_lock(&j->lock);
			j->deferred[j->ndeferred++] = i;
			uv_mutex_unlock(&j->lock);
			continue;
		}
		release(&w, i, acc);
		if (acc->state == RPL_PART_DONE && w.connected)   /* the job's last? then its indexes now */
			runner_idx_part_done(j, &w.dst, acc);
		part_ended(&w, i, acc);
	}
	rpl_copy_free(w.cp);
	rpl_conn_close(&w.src);
	rpl_conn_close(&w.dst);
}
