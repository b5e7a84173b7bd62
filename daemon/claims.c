/* daemon/claims.c: claiming partitions and renewing leases (see claims.h). */
#include "claims.h"
#include "dlog.h"
#include "fence.h"
#include <stdio.h>
#include <string.h>
#include <time.h>

static void
renewer_main(void *arg)
{
	struct rd_renewer *rn = arg;
	struct rpl_conn dst = { 0 };
	bool open = false, warned = false;
	uint64_t period_ns = (uint64_t)(rn->lease_ms / 3) * 1000000u;
	uv_mutex_lock(&rn->lock);
	while (!rn->stop) {
		uv_mutex_unlock(&rn->lock);
		struct rpl_err err = RPL_ERR_INIT;
		if (!open)
			open = rpl_conn_open(&dst, "target", rn->cfg->target.odbc, rn->cfg->target.password, &err) == 0;
		if (open && rpl_claim_renew(&dst, &rn->me, rn->lease_ms, &err) < 0) {
			rpl_conn_close(&dst);   /* opened again next time */
			open = false;
		}
		if (err.code != RPL_OK && !warned) {   /* once: the next failures say nothing new */
			char q[1100];
			rd_log(RPL_LOG_WARNING, "ledger", "node=%s pid=%ld error=%s msg=\"cannot renew leases: they run out "
			       "unless the target answers again\"", rn->me.node, rn->me.pid, rd_q(q, sizeof q, err.msg));
			warned = true;
		} else if (err.code == RPL_OK) {
			warned = false;
		}
		uv_mutex_lock(&rn->lock);
		if (!rn->stop)
			uv_cond_timedwait(&rn->wake, &rn->lock, period_ns);
	}
	uv_mutex_unlock(&rn->lock);
	rpl_conn_close(&dst);
}

bool
rd_renewer_start(struct rd_renewer *rn, const struct rpl_config *cfg, const struct rpl_owner *me, int64_t lease_ms)
{
	memset(rn, 0, sizeof *rn);
	rn->cfg = cfg;
	rn->me = *me;
	rn->lease_ms = lease_ms < 300 ? 300 : lease_ms;
	if (uv_mutex_init(&rn->lock) != 0)
		return false;
	if (uv_cond_init(&rn->wake) != 0) {
		uv_mutex_destroy(&rn->lock);
		return false;
	}
	rn->started = uv_thread_create(&rn->thread, renewer_main, rn) == 0;
	if (!rn->started) {
		uv_cond_destroy(&rn->wake);
		uv_mutex_destroy(&rn->lock);
	}
	return rn->started;
}

void
rd_renewer_stop(struct rd_renewer *rn)
{
	if (!rn->started)
		return;
	uv_mutex_lock(&rn->lock);
	rn->stop = true;
	uv_cond_signal(&rn->wake);
	uv_mutex_unlock(&rn->lock);
	uv_thread_join(&rn->thread);
	uv_cond_destroy(&rn->wake);
	uv_mutex_destroy(&rn->lock);
	rn->started = false;
}

/* nap sleeps ms in steps of 100 ms; false when cancel was set meanwhile */
static bool
nap(int64_t ms, const atomic_bool *cancel)
{
	for (int64_t slept = 0; slept < ms; slept += 100) {
		if (cancel != NULL && atomic_load(cancel))
			return false;
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return cancel == NULL || !atomic_load(cancel);
}

/* paused_here: this process's own pause of the job (a local pause is also written
 * to the ledger, but off the loop: a claim may come first) */
static bool
paused_here(const atomic_bool *pause, const atomic_bool *cancel)
{
	return pause != NULL && atomic_load(pause) && !(cancel != NULL && atomic_load(cancel));
}

/* log_fence: what became of the old owner's load session (fence.h): ended (notice,
 * each time); refused by the server, or not provably the owner's while its lock
 * keeps the row (a warning, once per partition wait: it is tried again with every
 * look at the partition) */
static void
log_fence(const struct rpl_claim *cl, const char *job, const char *table, const char *label, bool *warned)
{
	char qt[300], who[300], qm[1100];
	if (cl->fenced == RPL_FENCE_NONE)
		return;
	rpl_owner_label(&cl->holder, who, sizeof who);
	rd_q(qt, sizeof qt, table);
	if (cl->fenced == RPL_FENCE_ENDED) {
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s range=%s from=\"%s\" session=%lld msg=\"fenced: ended the "
		       "load session of the partition's owner, whose lease ran out; its open transaction rolls back\"", job, qt,
		       label, who, (long long)cl->fence_session);
	} else if (cl->fenced == RPL_FENCE_UNPROVEN && !*warned) {
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s range=%s from=\"%s\" session=%lld msg=\"the partition's ledger "
		       "row stays locked by its owner, whose lease ran out, and the target shows no session that is provably "
		       "that owner's load session (all nodes need the same target user to see each other's sessions): not "
		       "ending any, waiting for the lock\"", job, qt, label, who, (long long)cl->fence_session);
		*warned = true;
	} else if (cl->fenced == RPL_FENCE_REFUSED && !*warned) {
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s range=%s from=\"%s\" session=%lld error=%s msg=\"cannot end "
		       "the load session of the partition's owner, whose lease ran out (ending a session of the same user "
		       "needs no more privileges; check the target's user): waiting for that session to end\"", job, qt, label,
		       who, (long long)cl->fence_session, rd_q(qm, sizeof qm, cl->fence_msg));
		*warned = true;
	}
}

int
rd_claim_wait(struct rpl_conn *dst, const struct rpl_owner *me, int64_t lease_ms, bool no_wait, bool wait,
              const char *job, const char *table, const struct rpl_range *r, const atomic_bool *cancel,
              const atomic_bool *pause, struct rpl_claim *out, struct rpl_err *err)
{
	char label[64], who[300];
	rpl_range_label(r, label, sizeof label);
	memset(out, 0, sizeof *out);
	bool said_paused = false, fence_warned = false;
	for (int held_polls = 0;;) {
		bool here = paused_here(pause, cancel);
		int rr = here ? 0 : rpl_claim_take(dst, me, lease_ms, job, table, r, out, err);
		if (rr == 0 && !here)
			log_fence(out, job, table, label, &fence_warned);
		if (rr == 0 && (here || out->state == RPL_CLAIM_PAUSED)) {
			/* pause holds before a claim too: nothing new is taken until resumed */
			if (!here && !said_paused) {   /* given to another process: say why this one waits */
				char qt[300];
				rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s range=%s msg=\"job paused (replicad_jobs.control, "
				       "written by a pause given to any process): holding before this partition until resumed\"", job,
				       rd_q(qt, sizeof qt, table), label);
				said_paused = true;
			}
			int64_t ms = lease_ms / 3 < 100 ? 100 : lease_ms / 3 > 1000 ? 1000 : lease_ms / 3;
			if (!nap(ms, cancel))
				return rpl_err_set(err, RPL_ECANCELED, "cancelled while paused before partition %s", label);
			continue;
		}
		if (rr == 0 && out->state == RPL_CLAIM_CANCELLED)
			return rpl_err_set(err, RPL_ECANCELED, "job %s was cancelled (replicad_jobs.control, written by "
			                   "a cancel given to any process): partition %s not loaded", job, label);
		if (rr < 0 || out->state != RPL_CLAIM_HELD)
			break;
		held_polls++;
		rpl_owner_label(&out->holder, who, sizeof who);
		if (no_wait)
			return rpl_err_set(err, RPL_EHELD, "partition %s of %s is held by %s (lease for %lld ms more): "
			                   "not waiting for it (--no-wait)", label, table, who, (long long)out->lease_left_ms);
		if (!wait)
			return 0;
		if (held_polls == 1) {
			char qt[300];
			rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s range=%s holder=\"%s\" msg=\"partition held by another "
			       "process: waiting for it\"", job, rd_q(qt, sizeof qt, table), label, who);
		}
		/* a held partition ends when its holder finishes it or its lease runs out */
		int64_t ms = out->lease_left_ms < 250 ? 250 : out->lease_left_ms < 1000 ? out->lease_left_ms + 50 : 1000;
		if (!nap(ms, cancel))
			return rpl_err_set(err, RPL_ECANCELED, "cancelled while waiting for partition %s", label);
	}
	if (out->state == RPL_CLAIM_TAKEN && out->took_over) {
		char qt[300];
		rpl_owner_label(&out->holder, who, sizeof who);
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s range=%s from=\"%s\" claim=%d msg=\"partition taken over: "
		       "its owner's lease ran out\"", job, rd_q(qt, sizeof qt, table), label, who, out->claim_no);
	}
	return err->code;
}
