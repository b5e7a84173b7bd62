/* daemon/jobs_submit.c: job.submit in a cluster (rd_jobs_submit_checked in jobs.h;
 * issue #20). One unfinished job per table, kind and range in the whole cluster: a
 * node learns of another node's job only at its next read of the ledger, so a submit
 * asks the ledger itself before it answers. A thread of its own connects to the
 * target and calls rpl_ledger_submit, which, behind the ledger's lock row, either
 * reserves the job under the id the node gave it (a new job, 'running' with every
 * partition pending, which this node's runner then opens by that id and the other
 * nodes join at their next read) or names the job that already covers the range;
 * the loop then adds the job to the table, or answers -32005 with the ledger's id.
 * The loop never waits for the database: the answer waits instead (rpc.h's deferred
 * replies). A target that cannot be reached does not refuse the submit: the job is
 * queued as without a cluster, with a warning, and its runner's open joins whatever
 * job the ledger has by then (rpl_ledger_open_job_join). */
#include "jobs_int.h"
#include "dlog.h"
#include "ledger.h"
#include "odbc_conn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct submit_ctx {
	uv_thread_t th;
	struct rd_jobs *jobs;
	struct rd_job *job;              /* owned until the loop adds it to the table */
	rd_jobs_submitted_fn cb;
	void *cb_data;
	int rc;                          /* the thread's answer: < 0, the ledger was not asked */
	struct rpl_err err;
	char holder[64];                 /* the ledger's job for the range, "" if ours is reserved */
	struct rd_msg *msg;              /* owned until posted */
};

static void
submit_free(struct submit_ctx *s)
{
	if (s->job != NULL)
		job_free(s->job);
	free(s->msg);
	free(s);
}

/* submit_thread asks the ledger on a connection of its own; job's fields are
 * read-only here (the loop does not know the job yet) */
static void
submit_thread(void *arg)
{
	struct submit_ctx *s = arg;
	struct rpl_conn c = { 0 };
	const struct rpl_config *cfg = &s->job->cfg->c;
	s->rc = rpl_conn_open(&c, "target", cfg->target.odbc, cfg->target.password, &s->err);
	c.ledger_wait_ms = cfg->cluster.lease_s * 1000;   /* a stopped opener holds no submit for ever */
	if (s->rc == 0)
		s->rc = rpl_ledger_ensure(&c, &s->err);
	if (s->rc == 0)
		s->rc = rpl_ledger_submit(&c, s->job->id, s->job->tc->name, s->job->kind, s->job->parts, s->job->nparts,
		                          s->holder, &s->err);
	rpl_conn_close(&c);
	struct rd_msg *m = s->msg;
	s->msg = NULL;
	m->submit = s;
	jobs_post(s->jobs, m);
}

int
rd_jobs_submit_checked(struct rd_jobs *j, const struct rd_job_req *req, rd_jobs_submitted_fn cb, void *data,
                       struct rd_rpc_error *e)
{
	struct rd_job *job;
	if (jobs_make(j, req, &job, e) < 0)
		return -1;
	struct submit_ctx *s = calloc(1, sizeof *s);
	struct rd_msg *m = calloc(1, sizeof *m);
	if (s == NULL || m == NULL) {
		free(s);
		free(m);
		job_free(job);
		return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
	}
	*s = (struct submit_ctx){ .jobs = j, .job = job, .cb = cb, .cb_data = data, .msg = m, .err = RPL_ERR_INIT };
	m->kind = MSG_SUBMIT;
	if (uv_thread_create(&s->th, submit_thread, s) != 0) {
		submit_free(s);
		return rd_rpc_error_set(e, RD_RPC_INTERNAL, "cannot start a thread to ask the ledger");
	}
	j->threads++;
	j->submits_pending++;
	return 0;
}

/* submit_refuse answers s's submit with error e (its data passed on) and drops the job */
static void
submit_refuse(struct submit_ctx *s, struct rd_rpc_error *e)
{
	s->cb(s->cb_data, NULL, e);
	json_decref(e->data);
	submit_free(s);
}

void
jobs_submit_done(struct rd_jobs *j, struct submit_ctx *s)
{
	uv_thread_join(&s->th);
	j->threads--;
	j->submits_pending--;
	struct rd_job *job = s->job, *known;
	struct rd_rpc_error e = { 0 };
	char q[700];
	if (jobs_stopping(j)) {
		rd_rpc_error_set(&e, RD_RPC_STOPPING, "the daemon is stopping");
		submit_refuse(s, &e);
		return;
	}
	if (s->rc == 0 && s->holder[0] != '\0') {   /* another node's, or one this node has not read yet */
		rd_rpc_error_set(&e, RD_RPC_DUPLICATE, "job %s already covers table '%s' over this range (in the ledger)",
		                 s->holder, job->table);
		e.data = json_pack("{s:s}", "job", s->holder);
		submit_refuse(s, &e);
		return;
	}
	/* a read of the ledger meanwhile may have joined the job just reserved (same id),
	 * or a job for the range came in otherwise: that one answers */
	if ((known = rd_jobs_find(j, job->id)) != NULL ||
	    (known = rd_jobs_active_for(j, job->table, job->kind, job->from, job->to)) != NULL) {
		if (strcmp(known->id, job->id) != 0 && strcmp(known->ledger_id, job->id) != 0) {
			rd_rpc_error_set(&e, RD_RPC_DUPLICATE, "job %s already covers table '%s' over this range (%s)", known->id,
			                 job->table, rd_job_state_name(known->state));
			e.data = json_pack("{s:s}", "job", known->id);
			submit_refuse(s, &e);
			return;
		}
		s->cb(s->cb_data, known, NULL);
		submit_free(s);
		return;
	}
	if (s->rc < 0) {
		char qe[1200];
		rd_log(RPL_LOG_WARNING, "sched", "job=%s msg=%s error=%s", job->id,
		       rd_q(q, sizeof q, "cannot ask the ledger whether another node has this job: queued; it joins the "
		                         "ledger's job when it starts"), rd_q(qe, sizeof qe, s->err.msg));
	}
	s->job = NULL;   /* the table's now */
	jobs_add(j, job);
	s->cb(s->cb_data, job, NULL);
	submit_free(s);
}

void
jobs_submit_discard(struct submit_ctx *s)
{
	struct rd_rpc_error e = { 0 };
	uv_thread_join(&s->th);
	rd_rpc_error_set(&e, RD_RPC_STOPPING, "the daemon is stopping");
	submit_refuse(s, &e);
}
