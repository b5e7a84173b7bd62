/* daemon/jobs_order.c: the foreign-key order of a schedule firing (rd_jobs_order in
 * jobs.h): a thread of its own reads the target's foreign keys between the firing's
 * tables, and the loop gives each job the ids of its parents' jobs to wait for. */
#include "jobs_int.h"
#include "dlog.h"
#include "fkorder.h"
#include "odbc_conn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct order_ctx {
	uv_thread_t th;
	struct rd_jobs *jobs;
	struct rd_cfg *cfg;              /* owned reference */
	size_t n;
	char (*ids)[64];                 /* owned: the jobs, by id (the loop may drop one) */
	struct rpl_fktable *t;           /* owned array; names borrowed from cfg */
	bool *edge;                      /* owned, n * n: the thread's answer */
	bool cycle;
	int rc;
	struct rpl_err err;
	struct rd_msg *msg;              /* owned until posted */
};

static void
order_free(struct order_ctx *o)
{
	if (o == NULL)
		return;
	if (o->cfg != NULL)
		rd_cfg_unref(o->cfg);
	free(o->ids);
	free(o->t);
	free(o->edge);
	free(o->msg);
	free(o);
}

void
jobs_order_discard(struct order_ctx *o)
{
	uv_thread_join(&o->th);
	order_free(o);
}

/* order_thread reads the foreign keys on a connection of its own: the loop must not
 * wait for a target that is slow to answer. */
static void
order_thread(void *arg)
{
	struct order_ctx *o = arg;
	struct rpl_conn c = { 0 };
	const struct rpl_config *cfg = &o->cfg->c;
	o->rc = rpl_conn_open(&c, "target", cfg->target.odbc, cfg->target.password, &o->err);
	if (o->rc == 0)
		o->rc = rpl_fkorder_read(&c, o->t, o->n, o->edge, &o->err);
	rpl_conn_close(&c);
	struct rd_msg *m = o->msg;
	o->msg = NULL;
	m->order = o;
	jobs_post(o->jobs, m);
}

/* jobs_order_done gives each job of the group the jobs of its parents to wait for. */
void
jobs_order_done(struct rd_jobs *j, struct order_ctx *o)
{
	char q[700];
	uv_thread_join(&o->th);
	j->threads--;
	if (o->rc < 0)
		rd_log(RPL_LOG_WARNING, "sched", "msg=%s", rd_q(q, sizeof q, "cannot read the target's foreign keys: "
		                                                 "the tables load as configured"));
	size_t *order = calloc(o->n, sizeof *order);
	if (o->rc == 0 && order != NULL) {
		rpl_fkorder_sort(o->n, o->edge, order, &o->cycle);
		if (o->cycle)
			rd_log(RPL_LOG_WARNING, "sched", "msg=%s", rd_q(q, sizeof q, "tables reference each other in the target "
			                                                 "(a foreign-key cycle): those load in config order"));
	}
	for (size_t k = 0; k < o->n; k++) {
		size_t i = o->rc == 0 && order != NULL ? order[k] : k;
		struct rd_job *job = rd_jobs_find(j, o->ids[i]);
		if (job == NULL)
			continue;
		job->ordering = false;
		for (size_t p = 0; o->rc == 0 && order != NULL && p < k; p++) {
			/* placed before it and its parent (a cycle's later tables wait for nothing) */
			size_t pi = order[p];
			void *grown;
			if (!o->edge[i * o->n + pi] || (grown = realloc(job->after, (job->n_after + 1) * sizeof *job->after)) == NULL)
				continue;
			job->after = grown;
			snprintf(job->after[job->n_after++], sizeof job->after[0], "%s", o->ids[pi]);
			rd_log(RPL_LOG_INFO, "sched", "job=%s after=%s msg=\"waits for its parent table's job\"", job->id, o->ids[pi]);
		}
	}
	free(order);
	order_free(o);
	jobs_pump(j);
}

void
rd_jobs_order(struct rd_jobs *j, struct rd_job **jobs, size_t n)
{
	struct order_ctx *o = calloc(1, sizeof *o);
	if (n < 2 || o == NULL || (o->ids = calloc(n, sizeof *o->ids)) == NULL ||
	    (o->t = calloc(n, sizeof *o->t)) == NULL || (o->edge = calloc(n * n, sizeof *o->edge)) == NULL ||
	    (o->msg = calloc(1, sizeof *o->msg)) == NULL)
		goto as_submitted;
	o->jobs = j;
	o->n = n;
	o->cfg = rd_cfg_ref(jobs[0]->cfg);   /* the one the firing submitted them with */
	o->msg->kind = MSG_ORDER;
	for (size_t i = 0; i < n; i++) {
		snprintf(o->ids[i], sizeof o->ids[i], "%s", jobs[i]->id);
		o->t[i] = (struct rpl_fktable){ .schema = jobs[i]->tc->target_schema, .name = jobs[i]->tc->target };
		jobs[i]->ordering = true;
	}
	if (uv_thread_create(&o->th, order_thread, o) != 0)
		goto as_submitted;
	j->threads++;
	return;
as_submitted:   /* nothing to order, or no way to: they run as submitted */
	for (size_t i = 0; i < n; i++)
		jobs[i]->ordering = false;
	order_free(o);
	jobs_pump(j);
}
