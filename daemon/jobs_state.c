/* daemon/jobs_state.c: a job's states (DESIGN in jobs.h): submitted (queued or
 * held), started by pump when a slot is free, paused, resumed, cancelled, ended, and
 * stopped with the daemon. Loop thread only. */
#include "jobs_int.h"
#include "clock.h"
#include "dlog.h"
#include "metrics.h"
#include "range.h"
#include "verify_job.h"
#include "jobctl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* jobs_pump starts queued jobs while there is room, one per table. Each job runs up to
 * workers_per_table worker threads (runner.c), so at most workers / workers_per_table
 * jobs run at once: the process never has more than load.workers copying threads,
 * and memory stays within workers x 2 x chunk_bytes (docs/architecture.md, "Threads"). */
void
jobs_pump(struct rd_jobs *j)
{
	if (jobs_stopping(j))
		return;
	const struct rpl_load_config *lc = &jobs_cfg(j)->c.load;
	int per_job = lc->workers_per_table < lc->workers ? lc->workers_per_table : lc->workers;
	int limit = per_job > 0 ? lc->workers / per_job : 1, live = 0;
	if (limit < 1)
		limit = 1;
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		live += job->thread_live;
	bool changed = false;
	for (struct rd_job *job = j->head; job != NULL && live < limit; job = job->next) {
		if (job->state != RD_JOB_QUEUED || job->held || job->ordering)
			continue;
		bool busy = false;
		for (size_t a = 0; a < job->n_after && !busy; a++) {
			const struct rd_job *parent = rd_jobs_find(j, job->after[a]);
			busy = parent != NULL && jobs_is_active(parent);
		}
		for (struct rd_job *o = j->head; o != NULL && !busy; o = o->next)
			busy = o->thread_live && strcmp(o->table, job->table) == 0;
		if (busy)
			continue;
		jobs_start(j, job);
		live += job->thread_live;
		changed = true;
	}
	if (changed) {
		jobs_journal(j);
		jobs_changed(j);
	}
}

/* ---- the end of a job ---- */

/* meter counts partition i of job into the metrics once: as it ends (MSG_PART), or
 * when the job ends for one whose message was lost to an allocation failure */
void
jobs_meter(struct rd_jobs *j, struct rd_job *job, size_t i, const struct rpl_part_account *a)
{
	if (a->state == RPL_PART_PENDING || i >= job->nparts || job->verify)
		return;   /* a verify's verdicts are counted when it ends (rd_metrics_verify) */
	if (job->metered == NULL && (job->metered = calloc(job->nparts, sizeof *job->metered)) == NULL)
		return;
	if (job->metered[i])
		return;
	job->metered[i] = true;
	rd_metrics_part(j->host.metrics, job->table, a, rd_now_wall_frac());
}

void
jobs_ended(struct rd_jobs *j, struct rd_job *job)
{
	struct job_ctx *c = job->ctx;
	uv_thread_join(&job->thread);
	job->thread_live = false;
	j->threads--;
	job->res = c->res;
	free(c->opened);   /* NULL unless the runner failed before the ledger job was open */
	uv_mutex_destroy(&c->lock);
	free(c);
	job->ctx = NULL;
	job->finished = rd_now_wall();
	job->ended_mono_ms = rd_now_mono_ms();
	struct rd_job_result *res = job->res;
	free(job->live);   /* the result has every account now */
	job->live = NULL;
	if (res->job_id[0] != '\0') {
		snprintf(job->ledger_id, sizeof job->ledger_id, "%s", res->job_id);
		job->resumed = res->resumed;
	}
	bool failed = res->failed;
	int64_t rejected = 0, written = 0;
	for (size_t i = 0; i < res->n; i++) {
		failed = failed || res->accs[i].state == RPL_PART_FAILED || res->accs[i].state == RPL_PART_PENDING ||
		         res->accs[i].state == RPL_PART_INTERRUPTED;   /* what the daemon's stop left undone */
		rejected += res->accs[i].rejected;
		written += res->accs[i].written;
	}
	job->rows_written = written;
	job->parts_done = 0;
	for (size_t i = 0; i < res->n; i++)
		job->parts_done += res->accs[i].state == RPL_PART_DONE || res->accs[i].state == RPL_PART_SKIPPED;
	if (res->failed)
		snprintf(job->error, sizeof job->error, "%s", res->err.msg);
	struct rd_metrics *m = j->host.metrics;
	for (size_t i = 0; i < res->n; i++)
		jobs_meter(j, job, i, &res->accs[i]);
	free(job->metered);
	job->metered = NULL;
	/* a cancelled verify says nothing of the table: the last one's figures stay; one
	 * that failed before or while comparing could not verify (-1) */
	if (job->verify && res->vparts != NULL && !atomic_load(&job->cancel))
		rd_metrics_verify(m, job->table, res->vparts, res->n, res->failed, rd_now_wall_frac());
	if (job->stop_by_daemon && failed) {
		job->state = RD_JOB_INTERRUPTED;   /* the ledger says 'interrupted' too: resumed at the next start */
	} else if ((atomic_load(&job->cancel) || res->ledger_cancel) && !job->stop_by_daemon) {
		job->state = RD_JOB_CANCELLED;
		m->jobs_cancelled++;
	} else if (failed) {
		job->state = RD_JOB_FAILED;
		m->jobs_failed++;
		if (job->error[0] == '\0')
			for (size_t i = 0; i < res->n && job->error[0] == '\0'; i++)
				if (res->accs[i].state == RPL_PART_FAILED)
					snprintf(job->error, sizeof job->error, "partition %zu: %s", i + 1, res->accs[i].err.msg);
	} else {
		job->state = RD_JOB_DONE;
		m->jobs_done++;
		m->jobs_rejected += rejected > 0;
	}
	char q[600], qe[1200], verdict[160] = "";
	if (job->verify && res->vparts != NULL) {   /* what the verify found, for the log's reader at 3 am */
		int64_t k[3] = { 0, 0, 0 };
		int differ = 0;
		for (size_t i = 0; i < res->n; i++) {
			differ += res->vparts[i].state == 1;
			k[0] += res->vparts[i].missing, k[1] += res->vparts[i].extra, k[2] += res->vparts[i].changed;
		}
		snprintf(verdict, sizeof verdict, " partitions_differ=%d missing=%lld extra=%lld changed=%lld", differ,
		         (long long)k[0], (long long)k[1], (long long)k[2]);
	}
	rd_log(job->state == RD_JOB_FAILED ? RPL_LOG_ERROR : RPL_LOG_NOTICE, "sched",
	       "job=%s ledger_job=%s table=%s state=%s rows_written=%lld rows_rejected=%lld ms=%llu%s%s%s", job->id,
	       job->ledger_id[0] ? job->ledger_id : "-", rd_q(q, sizeof q, job->table), rd_job_state_name(job->state),
	       (long long)written, (long long)rejected, (unsigned long long)(job->ended_mono_ms - job->started_mono_ms),
	       verdict, job->error[0] ? " error=" : "", job->error[0] ? rd_q(qe, sizeof qe, job->error) : "");
	jobs_journal(j);   /* also while stopping: a job that ended done must not be resumed */
	jobs_prune(j);
	jobs_pump(j);
	jobs_changed(j);
}

/* submit_admit: the daemon takes jobs, knows the table, and holds fewer than
 * limits.max_jobs unfinished ones */
static int
submit_admit(struct rd_jobs *j, const struct rd_job_req *req, const struct rpl_table_config **tc,
             struct rd_rpc_error *e)
{
	const struct rpl_config *cfg = &jobs_cfg(j)->c;
	if (jobs_stopping(j))
		return rd_rpc_error_set(e, RD_RPC_STOPPING, "the daemon is stopping");
	*tc = rpl_config_find_table(cfg, req->table);
	if (*tc == NULL) {
		rd_rpc_error_set(e, RD_RPC_UNKNOWN_TABLE, "unknown table '%s': not in %s", req->table, cfg->path);
		e->data = json_pack("{s:s,s:[]}", "table", req->table, "tables");
		for (size_t i = 0; e->data != NULL && i < cfg->n_tables; i++)
			json_array_append_new(json_object_get(e->data, "tables"), json_string(cfg->tables[i].name));
		return -1;
	}
	size_t unfinished = 0;
	for (const struct rd_job *x = j->head; x != NULL; x = x->next)
		unfinished += jobs_is_active(x) && strcmp(x->origin, "ledger") != 0;
	unfinished += j->submits_pending;   /* asking the cluster's ledger (jobs_submit.c) */
	if (unfinished >= (size_t)cfg->limits.max_jobs) {    /* a flood of submits must not grow without end */
		rd_rpc_error_set(e, RD_RPC_BUSY, "%zu unfinished jobs: at most limits.max_jobs (%d); wait for some to end",
		                 unfinished, cfg->limits.max_jobs);
		e->data = json_pack("{s:s,s:i}", "limit", "limits.max_jobs", "max", cfg->limits.max_jobs);
		return -1;
	}
	return 0;
}

/* submit_plan: the job's range through the one planner (range.h), as `run` plans it */
static int
submit_plan(struct rd_jobs *j, const struct rd_job_req *req, const struct rpl_table_config *tc,
            struct rd_range_plan *p, struct rd_rpc_error *e)
{
	const struct rpl_config *cfg = &jobs_cfg(j)->c;
	struct rd_range_env env = { .table = req->table, .has_date = tc->date_column != NULL,
	                            .max_partitions = cfg->limits.max_partitions, .tz = j->host.tz(j->host.data),
	                            .now = rd_now_wall() };
	struct rpl_err err = RPL_ERR_INIT;
	if (rd_range_plan(&req->range, &env, p, &err) == 0)
		return 0;
	if (err.code == RPL_ENOMEM)
		return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
	rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", err.msg);
	if (p->wanted > 0)
		e->data = json_pack("{s:s,s:i,s:i}", "limit", "limits.max_partitions", "max", cfg->limits.max_partitions,
		                    "partitions", (int)p->wanted);
	return -1;
}

/* job_new: the job of req over p's range, its partitions taken from p; NULL when out
 * of memory (p still owns them then) */
static struct rd_job *
job_new(struct rd_jobs *j, const struct rd_job_req *req, const struct rpl_table_config *tc, struct rd_range_plan *p)
{
	struct rd_job *job = calloc(1, sizeof *job);
	if (job == NULL || (job->table = strdup(req->table)) == NULL) {
		free(job);
		return NULL;
	}
	/* one id per job, the ledger's (issue #18 item 7): made here in the ledger's form,
	 * taken by the ledger job when it opens, kept across restarts (journal, ledger) */
	job->num = j->next_num++;
	if (req->id != NULL && req->id[0] != '\0' && rd_jobs_find(j, req->id) == NULL) {   /* an id to keep */
		snprintf(job->id, sizeof job->id, "%s", req->id);
		snprintf(job->origin, sizeof job->origin, "resume");
	} else {
		job->submitted = rd_now_wall();   /* the job's own time, also its id's stamp */
		jobs_new_id(j, (time_t)job->submitted, job->id);
		snprintf(job->origin, sizeof job->origin, "%s", req->origin ? req->origin : "rpc");
	}
	snprintf(job->kind, sizeof job->kind, "%s", req->verify ? "verify" : p->kind);
	job->verify = req->verify;
	memcpy(job->from, p->from, sizeof job->from);
	memcpy(job->to, p->to, sizeof job->to);
	job->parts = p->parts;
	job->nparts = p->nparts;
	p->parts = NULL;
	job->cfg = rd_cfg_ref(jobs_cfg(j));
	job->tc = tc;
	job->state = req->held ? RD_JOB_PAUSED : RD_JOB_QUEUED;
	job->held = req->held;
	job->ordering = req->ordering && !req->held;
	atomic_init(&job->cancel, false);
	atomic_init(&job->pause, false);
	atomic_init(&job->stopping, false);
	if (req->submitted > 0)
		job->submitted = req->submitted;   /* a resumed job keeps its own time */
	else if (job->submitted == 0)
		job->submitted = rd_now_wall();
	return job;
}

int
jobs_make(struct rd_jobs *j, const struct rd_job_req *req, struct rd_job **out, struct rd_rpc_error *e)
{
	const struct rpl_table_config *tc;
	struct rd_range_plan p;
	if (submit_admit(j, req, &tc, e) < 0 || submit_plan(j, req, tc, &p, e) < 0)
		return -1;
	struct rd_job *dup = rd_jobs_active_for(j, req->table, req->verify ? "verify" : p.kind, p.from, p.to);
	if (dup != NULL) {
		rd_range_plan_fini(&p);
		rd_rpc_error_set(e, RD_RPC_DUPLICATE, "job %s already covers table '%s' over this range (%s)", dup->id,
		                 req->table, rd_job_state_name(dup->state));
		e->data = json_pack("{s:s}", "job", dup->id);
		return -1;
	}
	struct rd_job *job = job_new(j, req, tc, &p);
	if (job == NULL) {
		rd_range_plan_fini(&p);
		return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
	}
	*out = job;
	return 0;
}

void
jobs_add(struct rd_jobs *j, struct rd_job *job)
{
	jobs_append(j, job);
	j->host.metrics->jobs_submitted++;
	jobs_journal(j);
	jobs_pump(j);
	jobs_changed(j);
}

int
rd_jobs_submit(struct rd_jobs *j, const struct rd_job_req *req, struct rd_job **out, struct rd_rpc_error *e)
{
	if (jobs_make(j, req, out, e) < 0)
		return -1;
	jobs_add(j, *out);
	return 0;
}

/* bad_state: job cannot take the verb now; only says which states can */
static int
bad_state(const struct rd_job *job, const char *only, struct rd_rpc_error *e)
{
	rd_rpc_error_set(e, RD_RPC_BAD_STATE, "job %s is %s: %s", job->id, rd_job_state_name(job->state), only);
	e->data = json_pack("{s:s,s:s}", "job", job->id, "state", rd_job_state_name(job->state));
	return -1;
}

int
jobs_pause(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (strcmp(job->origin, "ledger") == 0 || (job->state != RD_JOB_RUNNING && job->state != RD_JOB_QUEUED))
		return bad_state(job, "only a queued or running job can be paused", e);
	if (job->verify && job->thread_live)   /* it holds no transaction worth keeping: cancel it */
		return bad_state(job, "a running verify cannot be paused, only cancelled", e);
	if (job->thread_live) {
		atomic_store(&job->pause, true);   /* workers hold after their current chunk */
		job->paused_mono_ms = rd_now_mono_ms();
	} else {
		job->held = true;
	}
	job->state = RD_JOB_PAUSED;
	jobs_journal(j);
	jobs_changed(j);
	return 0;
}

int
jobs_resume(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (job->state != RD_JOB_PAUSED)
		return bad_state(job, "only a paused job can be resumed", e);
	if (job->thread_live) {
		atomic_store(&job->pause, false);
		job->state = RD_JOB_RUNNING;
		if (job->paused_mono_ms != 0)
			job->paused_total_ms += rd_now_mono_ms() - job->paused_mono_ms;
		job->paused_mono_ms = 0;
	} else {
		job->held = false;
		job->state = RD_JOB_QUEUED;
	}
	jobs_journal(j);
	jobs_pump(j);
	jobs_changed(j);
	return 0;
}

int
jobs_cancel(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (strcmp(job->origin, "ledger") == 0 || !jobs_is_active(job) || job->state == RD_JOB_CANCELLING)
		return bad_state(job, "only a queued, running or paused job can be cancelled", e);
	if (job->thread_live) {
		atomic_store(&job->cancel, true);   /* workers roll back their partitions */
		job->state = RD_JOB_CANCELLING;
	} else {
		job->state = RD_JOB_CANCELLED;
		job->finished = rd_now_wall();
		j->host.metrics->jobs_cancelled++;
	}
	rd_log(RPL_LOG_NOTICE, "sched", "job=%s msg=\"cancelled\"", job->id);
	jobs_journal(j);
	jobs_changed(j);
	return 0;
}

/* the verbs given to this process: applied here, then written to the ledger so every
 * process loading the job applies them too (jobs_ctl.c) */
int
rd_jobs_pause(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (jobs_pause(j, job, e) < 0)
		return -1;
	jobs_ctl_queue(j, job, RPL_JOBCTL_PAUSE, true);
	return 0;
}

int
rd_jobs_resume(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (jobs_resume(j, job, e) < 0)
		return -1;
	jobs_ctl_queue(j, job, RPL_JOBCTL_RUN, true);
	return 0;
}

int
rd_jobs_cancel(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (jobs_cancel(j, job, e) < 0)
		return -1;
	jobs_ctl_queue(j, job, RPL_JOBCTL_CANCEL, true);
	return 0;
}

void
rd_jobs_shutdown(struct rd_jobs *j)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next) {
		if (!job->thread_live || job->state == RD_JOB_CANCELLING)
			continue;   /* a cancel the user asked for stands: the job ends 'cancelled' */
		job->stop_by_daemon = true;
		/* stopping before cancel: a runner that sees cancel sees stopping, and leaves
		 * the ledger job 'interrupted' instead of 'cancelled' */
		atomic_store(&job->stopping, true);
		atomic_store(&job->cancel, true);
		job->state = RD_JOB_CANCELLING;
	}
	jobs_journal(j);
}
