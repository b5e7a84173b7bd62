/* daemon/rpc_methods.c: the control protocol's methods (docs/protocol.md), one
 * handler each and one dispatch table. Policy (who may call what) is the table's
 * flags; handlers validate params strictly (unknown members are errors, like the
 * config) and never block: everything they read is loop state. */
#include "rpc_methods.h"
#include "jobs.h"
#include "ledger_scan.h"
#include "metrics.h"
#include "rpc_server.h"
#include "rpl_build.h"
#include "schedule.h"
#include "clock.h"
#include "serve.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int
bad_params(struct rd_rpc_error *e, const json_error_t *jerr)
{
	return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", jerr->text);
}

static int
no_params(json_t *params, struct rd_rpc_error *e)
{
	json_error_t jerr;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{}") != 0)
		return bad_params(e, &jerr);
	return 0;
}

static json_t *
iso_utc(int64_t t)
{
	char buf[32];
	rd_time_iso(t, buf);
	return json_string(buf);
}

/* cluster_json: with the cluster key, this node and every process of replicad_nodes
 * with the age of its last heartbeat (issue #20); null without it */
static json_t *
cluster_json(struct rd_serve *d)
{
	const struct rpl_cluster_config *k = &d->cfg->c.cluster;
	if (!k->on)
		return json_null();
	char host[256] = "";
	if (k->node == NULL && gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "localhost");
	size_t n = 0;
	const struct rd_node_row *rows = rd_jobs_nodes(d->jobs, &n);
	json_t *nodes = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(nodes, json_pack("{s:s,s:i,s:I}", "node", rows[i].node, "pid", rows[i].pid,
		                                       "heartbeat_age_ms", (json_int_t)rows[i].age_ms));
	return json_pack("{s:s,s:I,s:o}", "node", k->node != NULL ? k->node : host, "lease_s", (json_int_t)k->lease_s,
	                 "nodes", nodes);
}

/* daemon.status {} -> version, pid, uptime, socket, config, jobs by state, cluster */
static int
rpc_daemon_status(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	struct rd_serve *d = ctx;
	if (no_params(params, e) < 0)
		return -1;
	size_t n[RD_NJOBSTATES];
	rd_jobs_count(d->jobs, n);
	json_t *jobs = json_object();
	for (int s = 0; s < RD_NJOBSTATES; s++)
		json_object_set_new(jobs, rd_job_state_name((enum rd_job_state)s), json_integer((json_int_t)n[s]));
	struct rd_rpc_stats st;
	rd_rpc_server_stats(d->rpc, &st);
	*result = json_pack("{s:s,s:i,s:I,s:o,s:s,s:s,s:s,s:o,s:i,s:I,s:s,s:o,s:I}", "version", RPL_VERSION, "pid",
	                    (int)getpid(), "uptime_s", (json_int_t)((rd_now_mono_ms() - d->started_mono_ms) / 1000),
	                    "started", iso_utc(d->started_wall), "socket", d->socket_path, "config", d->config_path,
	                    "timezone", d->tz.name, "jobs", jobs, "workers", d->cfg->c.load.workers, "clients",
	                    (json_int_t)st.clients, "state", d->stopping ? "stopping" : "running", "last_reload_error",
	                    d->last_reload_error[0] ? json_string(d->last_reload_error) : json_null(), "reloads",
	                    (json_int_t)d->metrics.reloads);
	json_object_set_new(*result, "cluster", cluster_json(d));
	return 0;
}

/* submit_answered: the answer of a submit the cluster's ledger was asked about */
static void
submit_answered(void *data, struct rd_job *job, struct rd_rpc_error *e)
{
	struct rd_rpc_reply *reply = data;
	if (job != NULL)
		rd_rpc_reply_result(reply, rd_job_json(job, false));
	else
		rd_rpc_reply_error(reply, e);
}

/* cluster_submit: in a cluster a submit is answered once the target's ledger has the
 * job, or has named the job that covers the range (-32005 with its id, whichever node
 * made it: rd_jobs_submit_checked); the loop goes on meanwhile */
static int
cluster_submit(struct rd_serve *d, const struct rd_job_req *req, struct rd_rpc_error *e)
{
	struct rd_rpc_reply *reply = rd_rpc_defer();
	if (reply == NULL)
		return rd_rpc_error_set(e, RD_RPC_INVALID, "Invalid Request: in a cluster, job.submit is answered once the "
		                        "target's ledger has the job: send it alone, not in a batch");
	if (rd_jobs_submit_checked(d->jobs, req, submit_answered, reply, e) < 0) {
		rd_rpc_reply_drop(reply);
		return -1;
	}
	return RD_RPC_DEFERRED;
}

/* job_request: job.submit's and job.verify's common part */
static int
job_request(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e, bool verify)
{
	struct rd_serve *d = ctx;
	const char *table = NULL, *from = NULL, *to = NULL, *day = NULL;
	int t0 = 0, t1 = 0, full = 0, hold = 0;
	json_error_t jerr;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{s:s,s?s,s?s,s?s,s?b,s?b,s?b,s?b}", "table", &table, "from", &from,
	                   "to", &to, "day", &day, "t0", &t0, "t1", &t1, "full", &full, "hold", &hold) != 0)
		return bad_params(e, &jerr);
	struct rd_job_req req = { .table = table, .origin = "rpc", .held = hold != 0,
	                          .range = { .from = from, .to = to, .day = day, .t0 = t0 != 0, .t1 = t1 != 0,
	                                     .full = full != 0, .dashes = "" },
	                          .verify = verify };
	struct rpl_err err = RPL_ERR_INIT;
	if (rd_range_check(&req.range, &err) < 0)   /* before the table is looked up, as always */
		return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", err.msg);
	if (d->cfg->c.cluster.on && !verify && !hold)   /* a held job is not the cluster's until resumed */
		return cluster_submit(d, &req, e);
	struct rd_job *job;
	if (rd_jobs_submit(d->jobs, &req, &job, e) < 0)
		return -1;
	*result = rd_job_json(job, false);
	return 0;
}

/* job.submit {table, from+to | day | t0 | t1 | full, hold?} -> the job */
static int
rpc_job_submit(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	return job_request(ctx, params, result, e, false);
}

/* job.verify {table, from+to | day | t0 | t1 | full, hold?} -> the job (kind "verify":
 * the range verified, nothing written; docs/verify.md) */
static int
rpc_job_verify(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	return job_request(ctx, params, result, e, true);
}

/* job.list {limit?, after?} -> {jobs: [...], next}, newest first, one page of at most
 * limits.list_page jobs; next is the cursor of the following page, or null */
static int
rpc_job_list(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	struct rd_serve *d = ctx;
	int page = d->cfg->c.limits.list_page;
	json_int_t limit = page;
	const char *after = NULL;
	char next[64];
	json_error_t jerr;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{s?I,s?s}", "limit", &limit, "after", &after) != 0)
		return bad_params(e, &jerr);
	if (limit < 0 || limit > page) {
		rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: limit %lld: expected 0 to limits.list_page (%d); "
		                 "follow \"next\" for more", (long long)limit, page);
		e->data = json_pack("{s:s,s:i}", "limit", "limits.list_page", "max", page);
		return -1;
	}
	json_t *jobs = rd_jobs_list_json(d->jobs, (size_t)limit, after, next, sizeof next);
	*result = jobs != NULL ? json_pack("{s:o,s:o}", "jobs", jobs, "next", next[0] ? json_string(next) : json_null())
	                       : NULL;
	return 0;
}

static int
find_job(struct rd_serve *d, json_t *params, struct rd_job **job, struct rd_rpc_error *e)
{
	const char *id;
	json_error_t jerr;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{s:s}", "job", &id) != 0)
		return bad_params(e, &jerr);
	*job = rd_jobs_find(d->jobs, id);
	if (*job == NULL) {
		rd_rpc_error_set(e, RD_RPC_UNKNOWN_JOB, "unknown job '%s'", id);
		e->data = json_pack("{s:s}", "job", id);
		return -1;
	}
	return 0;
}

/* job.get {job} -> the job with progress and its account: the partitions ended so far
 * once the ledger job is open, the final account once the job has ended */
static int
rpc_job_get(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	struct rd_job *job;
	if (find_job(ctx, params, &job, e) < 0)
		return -1;
	*result = rd_job_json(job, true);
	return 0;
}

static int
job_verb(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e,
         int (*verb)(struct rd_jobs *, struct rd_job *, struct rd_rpc_error *))
{
	struct rd_serve *d = ctx;
	struct rd_job *job;
	if (find_job(d, params, &job, e) < 0 || verb(d->jobs, job, e) < 0)
		return -1;
	*result = json_pack("{s:s,s:s}", "job", job->id, "state", rd_job_state_name(job->state));
	return 0;
}

/* job.pause / job.resume / job.cancel {job} -> {job, state}; at once */
static int
rpc_job_pause(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	return job_verb(ctx, params, result, e, rd_jobs_pause);
}

static int
rpc_job_resume(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	return job_verb(ctx, params, result, e, rd_jobs_resume);
}

static int
rpc_job_cancel(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	return job_verb(ctx, params, result, e, rd_jobs_cancel);
}

/* schedule.list {} -> {timezone, slots: [{slot, at|every_s, tables, next, last}]} */
static int
rpc_schedule_list(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	struct rd_serve *d = ctx;
	if (no_params(params, e) < 0)
		return -1;
	*result = rd_sched_json(d->sched);
	return 0;
}

/* metrics.get {} -> {metrics: [{name, type, help, labels?, value}]} (Prometheus-shaped;
 * built in metrics.c) */
static int
rpc_metrics_get(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	if (no_params(params, e) < 0)
		return -1;
	*result = rd_metrics_json(ctx);
	return *result != NULL ? 0 : rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
}

static const struct rd_rpc_method methods[] = {
	{ "daemon.status", rpc_daemon_status, RD_RPC_READ },
	{ "job.submit", rpc_job_submit, RD_RPC_WRITE },
	{ "job.list", rpc_job_list, RD_RPC_READ },
	{ "job.get", rpc_job_get, RD_RPC_READ },
	{ "job.pause", rpc_job_pause, RD_RPC_WRITE },
	{ "job.resume", rpc_job_resume, RD_RPC_WRITE },
	{ "job.cancel", rpc_job_cancel, RD_RPC_WRITE },
	{ "job.verify", rpc_job_verify, RD_RPC_WRITE },
	{ "schedule.list", rpc_schedule_list, RD_RPC_READ },
	{ "metrics.get", rpc_metrics_get, RD_RPC_READ },
};

const struct rd_rpc_table rd_rpc_methods = { methods, sizeof methods / sizeof methods[0] };
