/* daemon/jobs_ctl.c: pause, resume and cancel given to one process applied by every
 * process loading the job (issue #20; lib/core/jobctl.h), and the owners of each
 * job's running partitions for `show`.
 *
 * DESIGN. The loop never touches the database: a verb given to this process is
 * applied here at once (jobs_state.c) and queued; the ledger scan (ledger_scan.c,
 * on its own thread, started at once for it) writes it to replicad_jobs.control
 * before it reads the jobs. Every scan (at start, after a control, and in a cluster
 * every third of the lease) reads each job's control, and jobs_ctl_apply pauses,
 * resumes or cancels this process's copy of the job exactly as the verb given here
 * would, without writing it back. Between two scans the claims cover the gap: a
 * claim reads the control in its own transaction and takes nothing of a paused or
 * cancelled job (lib/core/claim.c). A scan that began before the last verb given
 * here applies nothing it read (ctl_gen), so a resume is never undone by the pause a
 * slower scan read a moment before it. Loop thread only. */
#include "jobs_int.h"
#include "clock.h"
#include "dlog.h"
#include "jobctl.h"
#include "ledger_scan.h"
#include <stdlib.h>
#include <string.h>

void
jobs_ctl_queue(struct rd_jobs *j, const struct rd_job *job, int c, bool now)
{
	if (job->verify)   /* no ledger job */
		return;
	j->ctl_gen++;
	struct rd_ctl_write *w = realloc(j->ctl, (j->nctl + 1) * sizeof *w);
	if (w == NULL) {
		rd_log(RPL_LOG_ERROR, "sched", "job=%s msg=\"out of memory: %s not written to the ledger; other processes "
		       "loading the job do not see it\"", job->id, rpl_jobctl_name((enum rpl_jobctl)c));
		return;
	}
	j->ctl = w;
	w = &j->ctl[j->nctl++];
	/* the ledger's id once its job is open; before, the id it will take (open_job_as) */
	snprintf(w->id, sizeof w->id, "%s", job->ledger_id[0] ? job->ledger_id : job->id);
	w->ctl = c;
	if (now)
		jobs_scan_kick(j);
}

void
jobs_ctl_give(struct rd_jobs *j, struct rd_ledger_scan *s)
{
	s->ctl = j->ctl;
	s->nctl = j->nctl;
	s->ctl_gen = j->ctl_gen;
	j->ctl = NULL;
	j->nctl = 0;
}

/* Without the cluster key the service is the one process that pauses its jobs, and
 * a restart resumes them as it always has (the journal keeps only a queued job's
 * hold); in a cluster the ledger's pause is the cluster's, and stands. */
bool
jobs_ctl_join(const struct rd_jobs *j, const struct rd_ledger_row *r, bool *held)
{
	enum rpl_jobctl c = rpl_jobctl_parse(r->control);
	*held = c == RPL_JOBCTL_PAUSE && jobs_cfg(j)->c.cluster.on;
	return c != RPL_JOBCTL_CANCEL;
}

void
jobs_ctl_restored(struct rd_jobs *j, const struct rd_job *job)
{
	if (!jobs_cfg(j)->c.cluster.on && !job->held)
		jobs_ctl_queue(j, job, RPL_JOBCTL_RUN, false);   /* written by the scan the start runs */
}

/* ctl_apply_one: the ledger's control c on this process's job, as the verb given here */
static void
ctl_apply_one(struct rd_jobs *j, struct rd_job *job, enum rpl_jobctl c)
{
	struct rd_rpc_error e = { 0 };
	int r = 1;
	if (c == RPL_JOBCTL_PAUSE && (job->state == RD_JOB_RUNNING || job->state == RD_JOB_QUEUED))
		r = jobs_pause(j, job, &e);
	else if (c == RPL_JOBCTL_RUN && job->state == RD_JOB_PAUSED)
		r = jobs_resume(j, job, &e);
	else if (c == RPL_JOBCTL_CANCEL && jobs_is_active(job) && job->state != RD_JOB_CANCELLING)
		r = jobs_cancel(j, job, &e);
	if (r == 0)
		rd_log(RPL_LOG_NOTICE, "sched", "job=%s control=%s msg=\"applied: given to another process (the ledger's "
		       "replicad_jobs.control)\"", job->id, rpl_jobctl_name(c));
	json_decref(e.data);
}

/* ctl_owners gives job the owners the scan read for its ledger row r */
static void
ctl_owners(struct rd_job *job, struct rd_ledger_row *r, uint64_t now)
{
	free(job->owners);
	job->owners = r->owners;
	job->nowners = r->nowners;
	job->owners_mono_ms = now;
	r->owners = NULL;
	r->nowners = 0;
}

void
jobs_ctl_apply(struct rd_jobs *j, struct rd_ledger_scan *s)
{
	bool fresh = s->ctl_gen == j->ctl_gen;   /* no verb given here since the scan began */
	uint64_t now = rd_now_mono_ms();
	for (size_t i = 0; i < s->n; i++) {
		struct rd_ledger_row *r = &s->rows[i];
		enum rpl_jobctl c = rpl_jobctl_parse(r->control);
		for (struct rd_job *job = j->head; job != NULL; job = job->next) {
			if (job->verify || (strcmp(job->ledger_id, r->id) != 0 && strcmp(job->id, r->id) != 0))
				continue;
			ctl_owners(job, r, now);
			if (fresh && c != RPL_JOBCTL_NONE && strcmp(job->origin, "ledger") != 0)
				ctl_apply_one(j, job, c);
		}
	}
}
