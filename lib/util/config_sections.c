/* lib/util/config_sections.c: the sections of replicad.json that are plain keys
 * and their checks: "schedule", "load", "values", "limits" and "cluster", with the
 * checks that go beyond one value's type (load.workers_per_table against
 * load.workers, limits.message_timeout, cluster.lease). What the service does with
 * them is daemon/'s business. */
#include "config_int.h"
#include <stdint.h>
#include <string.h>
#include "units.h"

static bool
timezone_ok(const char *s)
{
	return rpl_timezone_valid(s, NULL);
}

static bool
bulk_ok(const char *s)
{
	return strcmp(s, "auto") == 0 || strcmp(s, "odbc") == 0;
}

int
cfg_schedule(const struct cfg_ctx *c, const json_t *root, struct rpl_schedule_config *s)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "schedule", "schedule.", NULL, &o);
	if (r == 0)
		r = cfg_get_time(&o, "t1_at", &s->t1_at_min);
	if (r == 0)
		r = cfg_get_seconds(&o, "t0_every", &s->t0_every_s);
	if (r == 0)
		r = cfg_get_time(&o, "reference_at", &s->reference_at_min);
	s->verify_at_min = -1;   /* off unless set */
	if (r == 0)
		r = cfg_get_time(&o, "verify_at", &s->verify_at_min);
	if (r == 0)
		r = cfg_check_string(&o, "timezone", "an IANA time zone like \"Europe/Amsterdam\" or \"UTC\"",
		                     timezone_ok, &s->timezone);
	return r;
}

int
cfg_load_section(const struct cfg_ctx *c, const json_t *root, struct rpl_load_config *l)
{
	struct cfg_obj o;
	int64_t workers = 0, per_table = 0, attempts = 0;
	int r = cfg_section(c, root, "load", "load.", NULL, &o);
	if (r == 0)
		r = cfg_get_int(&o, "workers", 1, 256, &workers);
	/* The documented default of 2 would make a lone "workers": 1 an error. */
	if (r == 0 && json_object_get(o.obj, "workers_per_table") == NULL) {
		per_table = workers < 2 ? workers : 2;
	} else if (r == 0) {
		r = cfg_get_int(&o, "workers_per_table", 1, 256, &per_table);
		if (r == 0 && per_table > workers)
			r = cfg_fail(c, "load.workers_per_table", "expected an integer from 1 to load.workers (%lld), got %lld",
			             (long long)workers, (long long)per_table);
	}
	if (r == 0)
		r = cfg_get_size(&o, "chunk_bytes", 64LL << 10, 1LL << 30, &l->chunk_bytes);
	if (r == 0)
		r = cfg_get_int(&o, "commit_rows", 1, INT64_MAX, &l->commit_rows);
	if (r == 0)
		r = cfg_get_int(&o, "max_attempts", 1, 100, &attempts);
	if (r == 0)   /* issue #18 item 4: an outage is waited out, not paid in attempts */
		r = cfg_get_seconds(&o, "outage_wait", &l->outage_wait_s);
	if (r == 0)
		r = cfg_get_bool(&o, "disable_indexes", &l->disable_indexes);
	if (r == 0)
		r = cfg_get_bool(&o, "create_missing_tables", &l->create_missing_tables);
	if (r == 0)
		r = cfg_get_bool(&o, "table_lock", &l->table_lock);
	if (r == 0)
		r = cfg_check_string(&o, "bulk", "\"auto\" or \"odbc\"", bulk_ok, &l->bulk);
	l->workers = (int)workers;
	l->workers_per_table = (int)per_table;
	l->max_attempts = (int)attempts;
	return r;
}

int
cfg_values(const struct cfg_ctx *c, const json_t *root, struct rpl_values_config *v)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "values", "values.", NULL, &o);
	if (r == 0)
		r = cfg_get_dates(&o, "placeholder_dates", &v->placeholder_dates, &v->n_placeholder_dates);
	if (r == 0)
		r = cfg_get_bool(&o, "truncate_strings", &v->truncate_strings);
	return r;
}

int
cfg_limits(const struct cfg_ctx *c, const json_t *root, struct rpl_limits_config *l)
{
	struct cfg_obj o;
	int64_t clients = 0, jobs = 0, parts = 0, page = 0, batch = 0;
	int r = cfg_section(c, root, "limits", "limits.", NULL, &o);
	if (r == 0)
		r = cfg_get_int(&o, "max_clients", 16, 65536, &clients);
	if (r == 0)
		r = cfg_get_seconds(&o, "client_idle", &l->client_idle_s);
	if (r == 0)
		r = cfg_get_seconds(&o, "message_timeout", &l->message_timeout_s);
	if (r == 0 && l->message_timeout_s == 0)
		r = cfg_fail(c, "limits.message_timeout", "expected a duration of at least 1s, got 0");
	if (r == 0)
		r = cfg_get_int(&o, "max_jobs", 1, 1000000, &jobs);
	if (r == 0)
		r = cfg_get_int(&o, "max_partitions", 1, 1000000, &parts);
	if (r == 0)
		r = cfg_get_int(&o, "list_page", 1, 10000, &page);
	if (r == 0)
		r = cfg_get_int(&o, "batch_ms", 1, 10000, &batch);
	l->max_clients = (int)clients;
	l->max_jobs = (int)jobs;
	l->max_partitions = (int)parts;
	l->list_page = (int)page;
	l->batch_ms = (int)batch;
	return r;
}

/* node_ok: a node name is written into the ledger and logs: printable, 1-255 bytes */
static bool
node_ok(const char *s)
{
	size_t n = strlen(s);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return n >= 1 && n <= 255;
}

int
cfg_cluster(const struct cfg_ctx *c, const json_t *root, struct rpl_cluster_config *k)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "cluster", "cluster.", NULL, &o);
	k->on = o.obj != NULL;
	if (r == 0)
		r = cfg_check_string(&o, "node", "a node name of 1 to 255 printable characters", node_ok, &k->node);
	if (r == 0)
		r = cfg_get_seconds(&o, "lease", &k->lease_s);
	if (r == 0 && (k->lease_s < 1 || k->lease_s > 86400))
		r = cfg_fail(c, "cluster.lease", "expected a duration from 1s to 24h, got %llds", (long long)k->lease_s);
	return r;
}
