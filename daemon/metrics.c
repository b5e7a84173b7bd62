/* daemon/metrics.c: counters per partition and per table, and metrics.get's answer
 * (see metrics.h). The exposition text is replicactl's (ctl/print.c): one HELP and
 * TYPE per family, samples of a family together, so this file emits them in order. */
#include "metrics.h"
#include "ledger_scan.h"
#include "clock.h"
#include "jobs.h"
#include "rpc_server.h"
#include "serve.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "verify_job.h"

/* table_of finds or adds table's counters; NULL when out of memory */
static struct rd_table_metrics *
table_of(struct rd_metrics *m, const char *table)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (strcmp(m->tables[i].table, table) == 0)
			return &m->tables[i];
	struct rd_table_metrics *t = realloc(m->tables, (m->ntables + 1) * sizeof *t);
	if (t == NULL)
		return NULL;
	m->tables = t;
	t = &m->tables[m->ntables];
	memset(t, 0, sizeof *t);
	if ((t->table = strdup(table)) == NULL)
		return NULL;
	m->ntables++;
	return t;
}

void
rd_metrics_verify(struct rd_metrics *m, const char *table, const struct rd_vpart *v, size_t n, bool failed,
                  double now)
{
	struct rd_table_metrics *t = table_of(m, table);
	if (t == NULL)
		return;
	int64_t diffs = failed ? -1 : 0;   /* failed: before its first partition, or in one */
	for (size_t i = 0; i < n && diffs >= 0; i++)
		diffs = v[i].state == 2 ? -1 : diffs + v[i].missing + v[i].extra + v[i].changed;
	t->verify_differences = diffs;
	t->verify_last = now;
}

void
rd_metrics_part(struct rd_metrics *m, const char *table, const struct rpl_part_account *acc, double now)
{
	m->parts_done += acc->state == RPL_PART_DONE;
	m->parts_failed += acc->state == RPL_PART_FAILED;
	m->parts_skipped += acc->state == RPL_PART_SKIPPED;
	m->parts_cancelled += acc->state == RPL_PART_CANCELLED;
	m->parts_interrupted += acc->state == RPL_PART_INTERRUPTED;
	struct rd_table_metrics *t = table_of(m, table);
	if (t != NULL && (unsigned)acc->state <= RPL_PART_INTERRUPTED)
		t->parts[acc->state]++;
	if (acc->state == RPL_PART_SKIPPED)
		return;   /* done by an earlier run: counted then */
	uint64_t retries = acc->attempts > 1 ? (uint64_t)(acc->attempts - 1) : 0;
	m->retries += retries;
	m->rows_read += acc->read;
	m->rows_written += acc->written;
	m->rows_rejected += acc->rejected;
	m->bytes += acc->bytes;
	for (int p = 0; p < RPL_NPHASES; p++)
		m->phase_ms[p] += acc->ms[p];
	if (t == NULL)
		return;
	t->retries += retries;
	t->rows_read += acc->read;
	t->rows_written += acc->written;
	t->rows_rejected += acc->rejected;
	t->bytes += acc->bytes;
	for (int p = 0; p < RPL_NPHASES; p++)
		t->phase_ms[p] += acc->ms[p];
	if (acc->state == RPL_PART_DONE)
		t->last_success = now;
	else if (acc->state == RPL_PART_FAILED)
		t->last_failure = now;
}

void
rd_metrics_seen_done(struct rd_metrics *m, const char *table, const char *finished)
{
	double t = (double)rd_time_from_iso(finished);
	if (t == 0)
		return;
	struct rd_table_metrics *tm_ = table_of(m, table);
	if (tm_ != NULL && t > tm_->last_success)
		tm_->last_success = t;
}

void
rd_metrics_fini(struct rd_metrics *m)
{
	for (size_t i = 0; i < m->ntables; i++)
		free(m->tables[i].table);
	free(m->tables);
	m->tables = NULL;
	m->ntables = 0;
}

static void
metric(json_t *arr, const char *name, const char *type, const char *help, json_t *labels, double value)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:f}", "name", name, "type", type, "help", help, "value", value);
	if (o != NULL && labels != NULL)
		json_object_set_new(o, "labels", labels);
	else
		json_decref(labels);
	json_array_append_new(arr, o);
}

static const char *const part_states[] = { "pending", "done", "failed", "skipped", "cancelled", "interrupted" };

/* table_families: the per-table families, each over every table */
static void
table_families(json_t *a, const struct rd_metrics *m)
{
	for (int s = RPL_PART_DONE; s <= RPL_PART_INTERRUPTED; s++)
		for (size_t i = 0; i < m->ntables; i++)
			metric(a, "replicad_partitions_total", "counter",
			       "Partitions ended, by table and state (cancelled and interrupted are not failures).",
			       json_pack("{s:s,s:s}", "table", m->tables[i].table, "state", part_states[s]),
			       (double)m->tables[i].parts[s]);
	static const struct { const char *name, *help; size_t off; } rows[] = {
		{ "replicad_rows_read_total", "Rows read from the source, by table (partitions ended).",
		  offsetof(struct rd_table_metrics, rows_read) },
		{ "replicad_rows_written_total", "Rows committed to the target, by table (partitions ended).",
		  offsetof(struct rd_table_metrics, rows_written) },
		{ "replicad_rows_rejected_total", "Rows rejected by the value rules, by table.",
		  offsetof(struct rd_table_metrics, rows_rejected) },
		{ "replicad_bytes_total", "Bytes copied, by table (partitions ended).", offsetof(struct rd_table_metrics, bytes) },
	};
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
		for (size_t i = 0; i < m->ntables; i++)
			metric(a, rows[r].name, "counter", rows[r].help, json_pack("{s:s}", "table", m->tables[i].table),
			       (double)*(const int64_t *)((const char *)&m->tables[i] + rows[r].off));
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_retries_total", "counter", "Partition attempts retried after a retryable error, by table.",
		       json_pack("{s:s}", "table", m->tables[i].table), (double)m->tables[i].retries);
	/* the phases of a partition, TOTAL left out: it is their sum (plus waits), and a
	 * sum() over the family would count it twice */
	for (int p = 0; p < RPL_NPHASES; p++) {
		if (p == RPL_PHASE_TOTAL)
			continue;
		char phase[32];
		snprintf(phase, sizeof phase, "%s", rpl_phase_name((enum rpl_phase)p));
		for (char *c = phase; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		for (size_t i = 0; i < m->ntables; i++)
			metric(a, "replicad_phase_seconds_total", "counter", "Time spent in each phase of a partition, by table.",
			       json_pack("{s:s,s:s}", "table", m->tables[i].table, "phase", phase),
			       (double)m->tables[i].phase_ms[p] / 1000.0);
	}
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_partition_seconds_total", "counter", "Wall time of partitions from start to end, by table.",
		       json_pack("{s:s}", "table", m->tables[i].table), (double)m->tables[i].phase_ms[RPL_PHASE_TOTAL] / 1000.0);
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_table_last_success_timestamp_seconds", "gauge",
		       "When the table's newest partition ended done (Unix time; 0: none since the daemon started).",
		       json_pack("{s:s}", "table", m->tables[i].table), m->tables[i].last_success);
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_table_last_failure_timestamp_seconds", "gauge",
		       "When a partition of the table last failed (Unix time; 0: none since the daemon started).",
		       json_pack("{s:s}", "table", m->tables[i].table), m->tables[i].last_failure);
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_table_verify_differences", "gauge",
		       "Rows missing, extra or changed that the table's last verify found (-1: it could not verify).",
		       json_pack("{s:s}", "table", m->tables[i].table), (double)m->tables[i].verify_differences);
	for (size_t i = 0; i < m->ntables; i++)
		metric(a, "replicad_table_verify_timestamp_seconds", "gauge",
		       "When the table's last verify ended (Unix time; 0: none since the daemon started).",
		       json_pack("{s:s}", "table", m->tables[i].table), m->tables[i].verify_last);
}

/* cluster_families (cluster key): which node this is, so the metrics of several hosts
 * tell their node, and the cluster's processes whose heartbeat is within three leases
 * (live) or older (stale), as the last ledger read found them */
static void
cluster_families(json_t *a, struct rd_serve *d)
{
	const struct rpl_cluster_config *k = &d->cfg->c.cluster;
	if (!k->on)
		return;
	char host[256] = "";
	if (k->node == NULL && gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "localhost");
	metric(a, "replicad_cluster_node_info", "gauge", "This daemon's node in the cluster (cluster.node).",
	       json_pack("{s:s}", "node", k->node != NULL ? k->node : host), 1);
	size_t n = 0, live = 0;
	const struct rd_node_row *rows = rd_jobs_nodes(d->jobs, &n);
	for (size_t i = 0; i < n; i++)
		live += rows[i].age_ms >= 0 && rows[i].age_ms <= 3 * k->lease_s * 1000;
	metric(a, "replicad_cluster_processes", "gauge", "The cluster's processes in replicad_nodes, by heartbeat age.",
	       json_pack("{s:s}", "state", "live"), (double)live);
	metric(a, "replicad_cluster_processes", "gauge", "The cluster's processes in replicad_nodes, by heartbeat age.",
	       json_pack("{s:s}", "state", "stale"), (double)(n - live));
}

json_t *
rd_metrics_json(struct rd_serve *d)
{
	struct rd_metrics *m = &d->metrics;
	for (size_t i = 0; i < d->cfg->c.n_tables; i++)   /* every configured table, from the start */
		(void)table_of(m, d->cfg->c.tables[i].name);
	json_t *a = json_array();
	size_t n[RD_NJOBSTATES];
	rd_jobs_count(d->jobs, n);
	for (int s = 0; s < RD_NJOBSTATES; s++)
		metric(a, "replicad_jobs", "gauge", "Jobs in the daemon's table, by state.",
		       json_pack("{s:s}", "state", rd_job_state_name((enum rd_job_state)s)), (double)n[s]);
	metric(a, "replicad_jobs_submitted_total", "counter", "Jobs submitted (RPC, schedule, resume).", NULL,
	       (double)m->jobs_submitted);
	static const char *const ends[] = { "done", "failed", "cancelled" };
	const uint64_t endv[] = { m->jobs_done, m->jobs_failed, m->jobs_cancelled };
	for (int i = 0; i < 3; i++)
		metric(a, "replicad_jobs_finished_total", "counter", "Jobs finished, by final state.",
		       json_pack("{s:s}", "state", ends[i]), (double)endv[i]);
	metric(a, "replicad_jobs_with_rejects_total", "counter", "Jobs done with rejected rows.", NULL,
	       (double)m->jobs_rejected);
	table_families(a, m);
	metric(a, "replicad_rows_written_running", "gauge", "Rows written so far by running jobs' partitions in progress.",
	       NULL, (double)rd_jobs_rows_live(d->jobs));
	struct rd_rpc_stats st;
	rd_rpc_server_stats(d->rpc, &st);
	metric(a, "replicad_rpc_clients", "gauge", "Connected control clients.", NULL, (double)st.clients);
	metric(a, "replicad_rpc_requests_total", "counter", "Control messages handled.", NULL, (double)st.requests);
	metric(a, "replicad_rpc_clients_dropped_total", "counter", "Control clients dropped (stalled, too much unread).",
	       NULL, (double)st.clients_dropped);
	metric(a, "replicad_reloads_total", "counter", "Configuration reloads (SIGHUP).", NULL, (double)m->reloads);
	metric(a, "replicad_reload_failures_total", "counter", "Reloads that kept the old configuration.", NULL,
	       (double)m->reload_failures);
	metric(a, "replicad_uptime_seconds", "gauge", "Seconds since the daemon started.", NULL,
	       (double)(rd_now_mono_ms() - d->started_mono_ms) / 1000.0);
	cluster_families(a, d);
	return json_pack("{s:o}", "metrics", a);
}
