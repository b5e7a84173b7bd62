/* daemon/jobs_queue.c: the job threads and the queue from other threads to the loop
 * (DESIGN in jobs.h; STYLE example 5). A job thread runs rd_runner_run_hooks; the
 * runner's hooks, called on the job thread and its workers, turn what they report
 * into messages by value, queued under a mutex, and uv_async_send wakes the loop,
 * which drains the whole queue (sends coalesce) and hands each message to the part
 * of the table it concerns. */
#include "jobs_int.h"
#include "clock.h"
#include "dlog.h"
#include "verify_job.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
jobs_post(struct rd_jobs *j, struct rd_msg *m)
{
	m->next = NULL;
	uv_mutex_lock(&j->qlock);
	*j->qtail = m;
	j->qtail = &m->next;
	uv_mutex_unlock(&j->qlock);
	uv_async_send(&j->async);   /* sends coalesce; the queue is the truth */
}

static void
job_progress(void *data, size_t parts_done, size_t nparts, int64_t rows_written)
{
	struct job_ctx *c = data;
	uint64_t now = rd_now_mono_ms();
	uv_mutex_lock(&c->lock);
	bool post = parts_done != c->last_parts || now - c->last_post_ms >= 250;
	if (post) {
		c->last_parts = parts_done;
		c->last_post_ms = now;
	}
	uv_mutex_unlock(&c->lock);
	if (!post)
		return;
	struct rd_msg *m = calloc(1, sizeof *m);
	if (m == NULL)
		return;   /* progress is advisory; the next one or the end will come */
	*m = (struct rd_msg){ .kind = MSG_PROGRESS, .num = c->num, .parts_done = parts_done, .nparts = nparts,
	                      .rows = rows_written };
	jobs_post(c->jobs, m);
}

/* job_opened: the runner's opened hook, on the job thread (once) */
static void
job_opened(void *data, const char *ledger_id, bool resumed, const bool *done, size_t n)
{
	struct job_ctx *c = data;
	struct rd_msg *m = c->opened;
	if (m == NULL)
		return;
	c->opened = NULL;   /* the message is the loop's once posted */
	snprintf(m->ledger_id, sizeof m->ledger_id, "%s", ledger_id);
	m->resumed = resumed;
	for (size_t i = 0; i < n && i < m->nparts; i++)
		m->done[i] = done[i];
	jobs_post(c->jobs, m);
}

/* job_part_done: the runner's part_done hook, on a worker thread: a copy of the
 * partition's account goes to the loop */
static void
job_part_done(void *data, size_t index, const struct rpl_part_account *acc)
{
	struct job_ctx *c = data;
	struct rd_msg *m = calloc(1, sizeof *m);
	if (m == NULL)
		return;   /* the live account misses it; the end brings every account */
	m->kind = MSG_PART;
	m->num = c->num;
	m->index = index;
	m->acc = *acc;
	jobs_post(c->jobs, m);
}

static void
job_warn(void *data, const char *table, const char *column, const char *msg)
{
	struct job_ctx *c = data;
	char q1[300], q2[300], q3[600];
	rd_log(RPL_LOG_WARNING, "loader", "job=%s table=%s column=%s msg=%s", c->hooks.job_id, rd_q(q1, sizeof q1, table),
	       rd_q(q2, sizeof q2, column ? column : "-"), rd_q(q3, sizeof q3, msg));
}

static void
job_thread(void *arg)
{
	struct job_ctx *c = arg;
	if (c->verify)
		rd_verify_job_run(c->cfg, c->tc, c->parts, c->nparts, c->cancel, c->res);
	else
		rd_runner_run_hooks(c->cfg, c->tc, c->kind, c->parts, c->nparts, c->cancel, c->pause, job_progress, job_warn,
		                    c, &c->hooks, c->res);
	jobs_post(c->jobs, c->done);   /* last touch of anything shared */
}

int
jobs_start(struct rd_jobs *j, struct rd_job *job)
{
	struct job_ctx *c = calloc(1, sizeof *c);
	struct rd_job_result *res = calloc(1, sizeof *res);
	struct rd_msg *done = calloc(1, sizeof *done);
	struct rd_msg *opened = calloc(1, sizeof *opened + job->nparts * sizeof opened->done[0]);
	struct rpl_part_account *live = calloc(job->nparts ? job->nparts : 1, sizeof *live);
	if (c == NULL || res == NULL || done == NULL || opened == NULL || live == NULL)
		goto fail;
	*c = (struct job_ctx){ .jobs = j, .num = job->num, .cfg = &job->cfg->c,
	                       .tc = job->tc, .kind = job->kind, .parts = job->parts, .nparts = job->nparts,
	                       .cancel = &job->cancel, .pause = &job->pause, .res = res, .done = done,
	                       .opened = opened,
	                       .hooks = { .opened = job_opened, .part_done = job_part_done, .stopping = &job->stopping,
	                                  .job_id = job->id },
	                       .verify = job->verify };
	done->kind = MSG_DONE;
	done->num = c->num;
	opened->kind = MSG_OPENED;
	opened->num = c->num;
	opened->nparts = job->nparts;
	for (size_t i = 0; i < job->nparts; i++)
		live[i].range = job->parts[i];   /* pending until its partition ends */
	if (uv_mutex_init(&c->lock) != 0)
		goto fail;
	free(job->live);
	job->live = live;
	job->ctx = c;
	job->state = RD_JOB_RUNNING;
	job->started = rd_now_wall();
	job->started_mono_ms = rd_now_mono_ms();
	if (uv_thread_create(&job->thread, job_thread, c) != 0) {
		uv_mutex_destroy(&c->lock);
		job->ctx = NULL;
		job->live = NULL;
		goto fail;
	}
	job->thread_live = true;
	j->threads++;
	char q[600];
	rd_log(RPL_LOG_NOTICE, "sched", "job=%s table=%s kind=%s from=%s to=%s partitions=%zu origin=%s msg=\"started\"",
	       job->id, rd_q(q, sizeof q, job->table), job->kind, job->from[0] ? job->from : "-",
	       job->to[0] ? job->to : "-", job->nparts, job->origin);
	return 0;
fail:
	free(c);
	free(res);
	free(done);
	free(opened);
	free(live);
	job->state = RD_JOB_FAILED;
	job->finished = rd_now_wall();
	snprintf(job->error, sizeof job->error, "could not start the job's thread");
	rd_log(RPL_LOG_ERROR, "sched", "job=%s msg=\"could not start the job's thread\"", job->id);
	return -1;
}

/* job_opened_msg: the ledger job is known (loop thread) */
static void
job_opened_msg(struct rd_job *job, const struct rd_msg *m)
{
	snprintf(job->ledger_id, sizeof job->ledger_id, "%s", m->ledger_id);
	job->resumed = m->resumed;
	size_t skipped = 0;
	for (size_t i = 0; i < m->nparts && i < job->nparts && job->live != NULL; i++)
		if (m->done[i]) {
			job->live[i].state = RPL_PART_SKIPPED;
			skipped++;
		}
	rd_log(RPL_LOG_INFO, "sched", "job=%s ledger_job=%s resumed=%s skipped=%zu msg=\"ledger job open\"", job->id,
	       job->ledger_id, m->resumed ? "yes" : "no", skipped);
}

void
jobs_on_async(uv_async_t *a)
{
	struct rd_jobs *j = a->data;
	uv_mutex_lock(&j->qlock);
	struct rd_msg *m = j->qhead;
	j->qhead = NULL;
	j->qtail = &j->qhead;
	uv_mutex_unlock(&j->qlock);
	bool progressed = false;
	for (struct rd_msg *next; m != NULL; m = next) {
		next = m->next;
		struct rd_job *job = m->kind == MSG_LEDGER || m->kind == MSG_SUBMIT ? NULL : jobs_find_num(j, m->num);
		if (m->kind == MSG_PROGRESS && job != NULL && job->thread_live) {
			job->parts_done = m->parts_done;
			job->rows_written = m->rows;
			progressed = true;
		} else if (m->kind == MSG_OPENED && job != NULL && job->thread_live) {
			job_opened_msg(job, m);
		} else if (m->kind == MSG_PART && job != NULL && job->thread_live && job->live != NULL &&
		           m->index < job->nparts) {
			job->live[m->index] = m->acc;
			jobs_meter(j, job, m->index, &m->acc);
		} else if (m->kind == MSG_DONE && job != NULL) {
			jobs_ended(j, job);
		} else if (m->kind == MSG_LEDGER) {
			jobs_scan_done(j, m->scan);
		} else if (m->kind == MSG_ORDER) {
			jobs_order_done(j, m->order);
			progressed = true;
		} else if (m->kind == MSG_SUBMIT) {
			jobs_submit_done(j, m->submit);
		}
		free(m);
	}
	if (progressed)
		jobs_changed(j);
	j->host.thread_ended(j->host.data);
}
