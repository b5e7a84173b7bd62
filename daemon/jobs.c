/* daemon/jobs.c: the job table itself: making and freeing it, finding, counting and
 * pruning its jobs, and the one id each job gets (DESIGN in jobs.h; which file holds
 * which part of the table: jobs_int.h). */
#include "jobs_int.h"
#include "ledger_scan.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const state_names[RD_NJOBSTATES] = {
	"queued", "running", "paused", "cancelling", "done", "failed", "cancelled", "interrupted",
};

const char *
rd_job_state_name(enum rd_job_state s)
{
	return s < RD_NJOBSTATES ? state_names[s] : "?";
}

/* jobs_new_id: an id in the ledger's form, "<UTC stamp>-<pid>-<4 hex>", not used by
 * any job the daemon knows (the ledger never reuses one: its stamp moves on). The
 * stamp is the submit time t: the ledger takes the job's submitted_at from it, so
 * the daemon's "submitted" and the ledger's agree to the second. */
void
jobs_new_id(struct rd_jobs *j, time_t t, char id[64])
{
	char stamp[32];
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	do
		snprintf(id, 64, "%s-%d-%04x", stamp, (int)getpid(), (unsigned)(rand() & 0xffff));
	while (rd_jobs_find(j, id) != NULL);
}

struct rd_job *
jobs_find_num(struct rd_jobs *j, unsigned num)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (job->num == num)
			return job;
	return NULL;
}

bool
jobs_is_active(const struct rd_job *job)
{
	return job->state == RD_JOB_QUEUED || job->state == RD_JOB_RUNNING || job->state == RD_JOB_PAUSED ||
	       job->state == RD_JOB_CANCELLING;
}

void
job_free(struct rd_job *job)
{
	if (job->res != NULL) {
		rd_job_result_fini(job->res);
		free(job->res);
	}
	if (job->cfg != NULL)
		rd_cfg_unref(job->cfg);
	free(job->live);
	free(job->metered);
	free(job->owners);
	free(job->parts);
	free(job->table);
	free(job->after);
	free(job);
}

/* jobs_prune keeps at most RD_JOBS_KEEP finished jobs */
void
jobs_prune(struct rd_jobs *j)
{
	size_t fin = 0;
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		fin += !jobs_is_active(job) && !job->thread_live && !job->journaled;
	for (struct rd_job **pp = &j->head; *pp != NULL && fin > RD_JOBS_KEEP;) {
		struct rd_job *job = *pp;
		if (!jobs_is_active(job) && !job->thread_live && !job->journaled) {   /* its removal is written first */
			*pp = job->next;
			job_free(job);
			fin--;
		} else {
			pp = &job->next;
		}
	}
	j->tail = NULL;
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		j->tail = job;
}

void
jobs_append(struct rd_jobs *j, struct rd_job *job)
{
	if (j->tail != NULL)
		j->tail->next = job;
	else
		j->head = job;
	j->tail = job;
}

struct rd_jobs *
rd_jobs_new(const struct rd_host *host)
{
	struct rd_jobs *j = calloc(1, sizeof *j);
	if (j == NULL)
		return NULL;
	j->host = *host;
	j->next_num = 1;
	j->qtail = &j->qhead;
	if (uv_mutex_init(&j->qlock) != 0) {
		free(j);
		return NULL;
	}
	if (uv_async_init(host->loop, &j->async, jobs_on_async) != 0) {
		uv_mutex_destroy(&j->qlock);
		free(j);
		return NULL;
	}
	j->async.data = j;
	return j;
}

void
rd_jobs_close(struct rd_jobs *j)
{
	uv_close((uv_handle_t *)&j->async, NULL);   /* embedded: freed with j */
}

void
rd_jobs_free(struct rd_jobs *j)
{
	if (j == NULL)
		return;
	for (struct rd_msg *m = j->qhead, *next; m != NULL; m = next) {
		next = m->next;
		if (m->kind == MSG_LEDGER)
			rd_ledger_scan_free(m->scan);
		if (m->kind == MSG_ORDER)
			jobs_order_discard(m->order);
		if (m->kind == MSG_SUBMIT)
			jobs_submit_discard(m->submit);
		free(m);
	}
	for (struct rd_job *job = j->head, *next; job != NULL; job = next) {
		next = job->next;
		job_free(job);
	}
	uv_mutex_destroy(&j->qlock);
	free(j->nodes);
	free(j->ctl);
	free(j);
}

int
rd_jobs_threads_alive(const struct rd_jobs *j)
{
	return j->threads;
}

struct rd_job *
rd_jobs_find(struct rd_jobs *j, const char *id)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (strcmp(job->id, id) == 0 || (job->ledger_id[0] != '\0' && strcmp(job->ledger_id, id) == 0))
			return job;
	return NULL;
}

struct rd_job *
rd_jobs_active_for(struct rd_jobs *j, const char *table, const char *kind, const char *from, const char *to)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (jobs_is_active(job) && strcmp(job->origin, "ledger") != 0 && strcmp(job->table, table) == 0 &&
		    strcmp(job->kind, kind) == 0 && strcmp(job->from, from) == 0 && strcmp(job->to, to) == 0)
			return job;
	return NULL;
}

struct rd_job *
rd_jobs_active_origin(struct rd_jobs *j, const char *table, const char *origin)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (jobs_is_active(job) && strcmp(job->table, table) == 0 && strcmp(job->origin, origin) == 0)
			return job;
	return NULL;
}

void
rd_jobs_count(const struct rd_jobs *j, size_t n[RD_NJOBSTATES])
{
	memset(n, 0, RD_NJOBSTATES * sizeof n[0]);
	for (const struct rd_job *job = j->head; job != NULL; job = job->next)
		if (strcmp(job->origin, "ledger") != 0)   /* the record of past runs is not ours to count */
			n[job->state]++;
}

int64_t
rd_jobs_rows_live(const struct rd_jobs *j)
{
	int64_t r = 0;
	for (const struct rd_job *job = j->head; job != NULL; job = job->next) {
		if (!job->thread_live)
			continue;
		int64_t ended = 0;   /* already in replicad_rows_written_total */
		for (size_t i = 0; job->live != NULL && i < job->nparts; i++)
			ended += job->live[i].state != RPL_PART_PENDING ? job->live[i].written : 0;
		r += job->rows_written > ended ? job->rows_written - ended : 0;
	}
	return r;
}

