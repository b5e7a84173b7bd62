/* daemon/runner_idx.c: a job's index work, once per job whichever processes share it
 * (issue #20; the states and their arrows are lib/core/jobidx.h's, the statements
 * lib/core/indexes.c's). Here is only when each arrow is tried:
 *
 * - at the job's start (its own thread, before the workers): a job nobody else works
 *   on that still has its indexes down (a process died with them dropped) gets them
 *   back; then the first process to open the job drops them (load.disable_indexes)
 *   or, for a table it has just created, records that its saved indexes are to come;
 * - after each partition this process marks done (a worker): if that left no
 *   partition of the job undone, its indexes are built now, by this worker;
 * - at the job's end (its own thread): the same, and a job that ends undone (failed,
 *   cancelled, interrupted) gets its indexes back if no other live process still loads
 *   it, else its hold is ended so that the last one does it;
 * - in the service's ledger scan: a finished job (done, failed, cancelled) whose
 *   indexes are still down and nobody's gets them back (rd_idx_sweep).
 *
 * A failure of the index work is the job's error at the start (nothing loaded yet)
 * and a warning after it (the rows are in; the next run or scan restores). */
#include "runner_idx.h"
#include "runner_int.h"
#include "dlog.h"
#include "indexes.h"
#include "jobidx.h"
#include "rangelock.h"
#include "clock.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* restore_held builds the saved indexes of tc while me holds the job's 'rebuilding';
 * then 'rebuilt', or back to 'disabled' and nobody's when it failed (someone tries
 * again: the next run, the end of another process, the service's scan) */
static int
restore_held(struct rpl_conn *dst, const struct rpl_owner *me, const char *job, const struct rpl_table_config *tc,
             int *n, struct rpl_err *err)
{
	bool won = false;
	struct rpl_err ignored = RPL_ERR_INIT;
	int r = rpl_indexes_restore(dst, tc->target_schema, tc->target, n, err);
	if (r == 0)
		r = rpl_jobidx_move(dst, me, job, "rebuilding", "rebuilt", true, &won, err);
	else
		rpl_jobidx_move(dst, me, job, "rebuilding", "disabled", false, &won, &ignored);
	return r;
}

static void
log_restored(const struct job *j, int n, int64_t t0, const char *why)
{
	char qt[300];
	rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s indexes_restored=%d ms=%lld msg=\"%s\"", j->job_id,
	       rd_q(qt, sizeof qt, j->tc->name), n, (long long)((int64_t)rd_now_mono_ms() - t0), why);
}

/* restore_dead: the job's indexes are down and nobody else works on it: take the
 * restore (one process wins) and do it. *busy when another process is on the job. */
static int
restore_dead(struct job *j, struct rpl_conn *dst, const struct rpl_jobidx *seen, bool *busy, int *n,
             struct rpl_err *err)
{
	bool dead = false, won = false;
	*busy = false;
	int r = rpl_jobidx_dead(dst, &j->me, j->lease_ms, j->job_id, seen, &dead, err);
	if (r == 0 && dead)
		r = rpl_jobidx_begin_rebuild_dead(dst, &j->me, j->job_id, seen, &won, err);
	if (r < 0)
		return r;
	*busy = !dead || !won;
	if (!won)
		return 0;
	int64_t t = (int64_t)rd_now_mono_ms();
	r = restore_held(dst, &j->me, j->job_id, j->tc, n, err);
	if (r == 0)
		log_restored(j, *n, t, "indexes a process left dropped are back");
	return r;
}

/* take_disable: the first process of the job drops its secondary indexes (keeping
 * what leads with the date column: each partition's DELETE uses it) */
static int
take_disable(struct job *j, struct rpl_conn *dst, bool drop, struct rd_job_result *res)
{
	bool won = false;
	/* a heartbeat first: another node judges a holder alive by it (jobidx.h) */
	struct rpl_err ignored = RPL_ERR_INIT;
	rpl_claim_renew(dst, &j->me, j->lease_ms, &ignored);
	if (rpl_jobidx_begin_disable(dst, &j->me, j->job_id, &won, &res->err) < 0)
		return -1;
	if (!won)
		return 0;   /* another process has the job's index work */
	int64_t t = (int64_t)rd_now_mono_ms();
	const struct rpl_table_config *tc = j->tc;
	if (drop && rpl_indexes_disable_keep(dst, tc->target_schema, tc->target, tc->date_column, &res->indexes_dropped,
	                                     &res->err) < 0)
		return -1;   /* the end of the run restores what went (the state is ours) */
	if (rpl_jobidx_move(dst, &j->me, j->job_id, "disabling", "disabled", true, &won, &res->err) < 0)
		return -1;
	if (drop) {
		j->first_disable_ms = (int64_t)rd_now_mono_ms() - t;
		char qt[300];
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s indexes_dropped=%d ms=%lld msg=\"secondary indexes dropped "
		       "for the load\"", j->job_id, rd_q(qt, sizeof qt, tc->name), res->indexes_dropped,
		       (long long)j->first_disable_ms);
	}
	return 0;
}

/* one_process_check: whether this table's partitions are loaded one process at a
 * time (rangelock.h), said once in the log. A job of one partition too: the T-0 and
 * T-1 jobs of one table, on two nodes, would lock each other's day the same way. */
static int
one_process_check(struct job *j, struct rpl_conn *dst, struct rd_job_result *res)
{
	const struct rpl_table_config *tc = j->tc;
	if (rpl_rangelock_wide(dst, tc->target_schema, tc->target, tc->date_column, &j->one_process, &res->err) < 0)
		return -1;
	if (j->one_process) {
		char msg[1200], qt[300], qm[1400];
		rpl_rangelock_msg(tc->name, tc->target, tc->date_column, msg, sizeof msg);
		rd_log(RPL_LOG_INFO, "loader", "job=%s table=%s msg=%s", j->job_id, rd_q(qt, sizeof qt, tc->name),
		       rd_q(qm, sizeof qm, msg));
	}
	return 0;
}

int
runner_idx_before(struct job *j, struct rpl_conn *dst, bool created, size_t todo, bool *shared,
                  struct rd_job_result *res)
{
	struct rpl_jobidx seen;
	const struct rpl_table_config *tc = j->tc;
	bool busy = false;
	*shared = false;
	if (one_process_check(j, dst, res) < 0)
		return -1;
	if (rpl_jobidx_read(dst, j->job_id, &seen, &res->err) < 0)
		return -1;
	if (rpl_jobidx_down(&seen)) {
		int n = 0;
		if (restore_dead(j, dst, &seen, &busy, &n, &res->err) < 0)
			return -1;
		res->indexes_restored += n;
	} else {
		bool dead = false;
		if (rpl_jobidx_dead(dst, &j->me, j->lease_ms, j->job_id, &seen, &dead, &res->err) < 0)
			return -1;
		busy = !dead;
		/* saved indexes no job state speaks for (a ledger from before it was kept) */
		if (dead && !created &&
		    rpl_indexes_restore(dst, tc->target_schema, tc->target, &res->indexes_restored, &res->err) < 0)
			return -1;
	}
	*shared = busy;
	if (busy)   /* another process loads this job: its indexes are as it left them */
		return 0;
	bool drop = j->cfg->load.disable_indexes && todo > 0;
	if (!drop && !created)   /* a created table's saved indexes are built after its load */
		return 0;
	return take_disable(j, dst, drop, res);
}

/* rebuild_if_done: the arrow after the last partition; the time goes to acc */
static void
rebuild_if_done(struct job *j, struct rpl_conn *dst, struct rpl_part_account *acc, struct rd_job_result *res)
{
	bool won = false;
	struct rpl_err err = RPL_ERR_INIT;
	if (rpl_jobidx_begin_rebuild_done(dst, &j->me, j->job_id, &won, &err) == 0 && won) {
		int n = 0;
		int64_t t = (int64_t)rd_now_mono_ms();
		if (restore_held(dst, &j->me, j->job_id, j->tc, &n, &err) == 0)
			log_restored(j, n, t, "every partition is done: indexes built again");
		if (acc != NULL)
			acc->ms[RPL_PHASE_REBUILD_IDX] = (int64_t)rd_now_mono_ms() - t;
		if (res != NULL)
			res->indexes_restored += n;
		else {
			uv_mutex_lock(&j->lock);
			j->idx_restored += n;
			uv_mutex_unlock(&j->lock);
		}
	}
	if (err.code != RPL_OK) {
		char qt[300], qe[1700];
		rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s error=%s msg=\"indexes not built again: the next run "
		       "or the service's ledger scan restores them\"", j->job_id, rd_q(qt, sizeof qt, j->tc->name),
		       rd_q(qe, sizeof qe, err.msg));
	}
}

void
runner_idx_part_done(struct job *j, struct rpl_conn *dst, struct rpl_part_account *acc)
{
	if (j->job_id[0] != '\0' && dst->dbc != SQL_NULL_HDBC)
		rebuild_if_done(j, dst, acc, NULL);
}

/* last_done: the account of the last partition done here, which the end's rebuild
 * time goes to (NULL: none) */
static struct rpl_part_account *
last_done(struct job *j)
{
	for (size_t i = j->nparts; j->accs != NULL && i-- > 0;)
		if (j->accs[i].state == RPL_PART_DONE)
			return &j->accs[i];
	return NULL;
}

int
runner_table_turn(struct job *j, struct rpl_conn *dst, bool wait, struct rpl_err *perr)
{
	bool logged = false;
	for (;;) {
		struct rpl_owner h;
		bool busy = false;
		if (rpl_jobidx_table_busy(dst, &j->me, j->lease_ms, j->tc->name, &h, &busy, perr) < 0)
			return -1;
		if (!busy)
			return RD_TURN_FREE;
		if (!wait)
			return RD_TURN_LATER;
		if (!logged) {
			char qt[300], who[300];
			rpl_owner_label(&h, who, sizeof who);
			rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s holder=\"%s\" msg=\"table loaded by another process: "
			       "its partitions are loaded one process at a time (no index leads with its date_column): waiting "
			       "for it\"", j->job_id, rd_q(qt, sizeof qt, j->tc->name), who);
			logged = true;
		}
		for (int slept = 0; slept < 200; slept += 100) {   /* polled: the holder's release is a row */
			if (j->cancel != NULL && atomic_load(j->cancel))
				return rpl_err_set(perr, RPL_ECANCELED, "cancelled while waiting for another process's load of %s",
				                   j->tc->name), -1;
			rd_sleep_ms(100);
		}
	}
}

bool
runner_table_yield(struct job *j, struct rpl_conn *dst, const struct rpl_range *r, int claim_no)
{
	struct rpl_owner h;
	bool busy = false;
	struct rpl_err ignored = RPL_ERR_INIT;
	if (rpl_jobidx_table_busy(dst, &j->me, j->lease_ms, j->tc->name, &h, &busy, &ignored) < 0 || !busy)
		return false;
	rpl_claim_release(dst, &j->me, j->job_id, j->tc->name, r, claim_no, "yielded", &ignored);
	rd_sleep_ms(100 + rand() % 400);   /* apart, so that the next tries do not meet again */
	return true;
}

static bool
is_me(const struct rpl_owner *o, const struct rpl_owner *me)
{
	return strcmp(o->node, me->node) == 0 && o->pid == me->pid;
}

void
runner_idx_end(struct job *j, struct rpl_conn *dst, struct rd_job_result *res)
{
	if (j->job_id[0] == '\0' || dst->dbc == SQL_NULL_HDBC)
		return;
	res->indexes_restored += j->idx_restored;
	struct rpl_jobidx seen;
	struct rpl_err err = RPL_ERR_INIT;
	bool busy = false, won = false;
	int n = 0;
	if (rpl_jobidx_read(dst, j->job_id, &seen, &err) == 0 && rpl_jobidx_down(&seen) &&
	    (seen.holder.node[0] == '\0' || is_me(&seen.holder, &j->me))) {
		/* ours (or nobody's): built now if every partition is done (the one whose
		 * done-mark was last may have been another process's, while ours was disabling) */
		rebuild_if_done(j, dst, last_done(j), res);
		rpl_jobidx_read(dst, j->job_id, &seen, &err);
	}
	/* down still: the job ends undone; back unless another live process loads it (a
	 * live holder of the state included: the index work is then its own) */
	if (err.code == RPL_OK && rpl_jobidx_down(&seen) &&
	    restore_dead(j, dst, &seen, &busy, &n, &err) == 0 && busy && is_me(&seen.holder, &j->me)) {
		rpl_jobidx_move(dst, &j->me, j->job_id, seen.state, "disabled", false, &won, &err);
		rd_log(RPL_LOG_INFO, "loader", "job=%s msg=\"another process still loads this job: the indexes are its to "
		       "restore\"", j->job_id);
	}
	res->indexes_restored += n;
	if (err.code != RPL_OK && res->err.code == RPL_OK)
		res->err = err;
}

/* sweep_one: a finished job id of table, indexes down: restore them if nobody is on it */
static void
sweep_one(struct rpl_conn *c, const struct rpl_config *cfg, const struct rpl_owner *me, const char *id,
          const char *table)
{
	const struct rpl_table_config *tc = NULL;
	for (size_t i = 0; i < cfg->n_tables && tc == NULL; i++)
		if (strcmp(cfg->tables[i].name, table) == 0)
			tc = &cfg->tables[i];
	if (tc == NULL)
		return;   /* a table this service does not know: its target name is not ours to guess */
	struct rpl_jobidx seen;
	struct rpl_err err = RPL_ERR_INIT;
	bool dead = false, won = false;
	int n = 0;
	if (rpl_jobidx_read(c, id, &seen, &err) == 0 && rpl_jobidx_down(&seen) &&
	    rpl_jobidx_dead(c, me, cfg->cluster.lease_s * 1000, id, &seen, &dead, &err) == 0 && dead &&
	    rpl_jobidx_begin_rebuild_dead(c, me, id, &seen, &won, &err) == 0 && won &&
	    restore_held(c, me, id, tc, &n, &err) == 0) {
		char qt[300];
		rd_log(RPL_LOG_NOTICE, "loader", "job=%s table=%s indexes_restored=%d msg=\"indexes of a finished job "
		       "restored: its last process had left them dropped\"", id, rd_q(qt, sizeof qt, table), n);
	}
	if (err.code != RPL_OK) {
		char qe[1700];
		rd_log(RPL_LOG_WARNING, "loader", "job=%s error=%s msg=\"cannot restore the indexes of a finished job\"", id,
		       rd_q(qe, sizeof qe, err.msg));
	}
}

void
rd_idx_sweep(struct rpl_conn *c, const struct rpl_config *cfg)
{
	static const char sql[] = "SELECT id, table_name FROM replicad_jobs WHERE indexes_state IN"
	                          " ('disabling', 'disabled', 'rebuilding') AND state IN ('done', 'failed', 'cancelled')";
	struct { char id[64], table[512]; } v[16];
	size_t n = 0;
	SQLHSTMT st;
	struct rpl_err err = RPL_ERR_INIT;
	if (rpl_conn_stmt(c, &st, &err) < 0)
		return;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	while (SQL_SUCCEEDED(rc) && n < sizeof v / sizeof v[0] && SQL_SUCCEEDED(rc = SQLFetch(st))) {
		SQLLEN ind = 0;
		if (!SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_CHAR, v[n].id, sizeof v[n].id, &ind)) ||
		    !SQL_SUCCEEDED(SQLGetData(st, 2, SQL_C_CHAR, v[n].table, sizeof v[n].table, &ind)))
			break;
		n++;
	}
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	if (!c->autocommit)
		rpl_conn_rollback(c, &err);
	struct rpl_owner me;
	rpl_owner_init(&me, cfg->cluster.node);
	for (size_t i = 0; i < n; i++)   /* the rest, next scan: each restore takes its time */
		sweep_one(c, cfg, &me, v[i].id, v[i].table);
}
