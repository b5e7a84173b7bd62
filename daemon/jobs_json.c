/* daemon/jobs_json.c: the jobs as the control protocol shows them (docs/protocol.md):
 * job.get's and job.list's bodies, built from loop state only. */
#include "jobs_int.h"
#include "account.h"
#include "verify_job.h"
#include "clock.h"
#include "ledger_scan.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static json_t *
iso_or_null(int64_t t)
{
	if (t == 0)
		return json_null();
	char buf[32];
	rd_time_iso(t, buf);
	return json_string(buf);
}

/* verify_json: a verify job's partitions as `replicad verify --json` gives them: whole
 * counts, and under "keys" the first keys of each list (verify_job.h); null while
 * it runs */
static json_t *
verify_json(const struct rd_job *job)
{
	if (job->res == NULL || job->res->vparts == NULL)
		return json_null();
	json_t *a = json_array();
	for (size_t i = 0; i < job->res->n; i++) {
		const struct rd_vpart *v = &job->res->vparts[i];
		const struct rpl_part_account *acc = &job->res->accs[i];
		char s[16], e[16];
		json_t *range = json_pack("{s:n,s:n}", "start", "end");
		if (!acc->range.all) {
			snprintf(s, sizeof s, "%04d-%02d-%02d", acc->range.start.y, acc->range.start.m, acc->range.start.d);
			snprintf(e, sizeof e, "%04d-%02d-%02d", acc->range.end.y, acc->range.end.m, acc->range.end.d);
			json_decref(range);
			range = json_pack("{s:s,s:s}", "start", s, "end", e);
		}
		bool ran = acc->state != RPL_PART_PENDING;
		json_t *keys = json_object();
		rd_verify_keys_json(&v->found, keys);
		json_array_append_new(a, json_pack("{s:o,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "range", range, "state",
		                                   ran ? rd_vpart_state_name(v->state) : "pending", "source_rows",
		                                   (json_int_t)v->source_rows, "target_rows", (json_int_t)v->target_rows,
		                                   "rejected", (json_int_t)v->rejected, "missing", (json_int_t)v->missing,
		                                   "extra", (json_int_t)v->extra, "changed", (json_int_t)v->changed, "ms",
		                                   (json_int_t)v->ms, "error",
		                                   v->state == 2 && ran ? json_string(acc->err.msg) : json_null(), "keys",
		                                   keys));
	}
	return a;
}

/* owners_json: who holds each running partition, any process of any node, from the
 * ledger (owner_node, owner_pid, lease_until) as the last scan read it, and how old
 * that read is; null until a scan has read the job */
static void
owners_json(json_t *o, const struct rd_job *job)
{
	if (job->owners_mono_ms == 0) {
		json_object_set_new(o, "owners", json_null());
		json_object_set_new(o, "owners_age_ms", json_null());
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < job->nowners; i++) {
		const struct rd_part_owner *w = &job->owners[i];
		json_array_append_new(a, json_pack("{s:{s:s,s:s},s:s,s:i,s:I}", "range", "start", w->start, "end", w->end,
		                                   "node", w->node, "pid", w->pid, "lease_left_ms",
		                                   (json_int_t)w->lease_left_ms));
	}
	json_object_set_new(o, "owners", a);
	json_object_set_new(o, "owners_age_ms", json_integer((json_int_t)(rd_now_mono_ms() - job->owners_mono_ms)));
}

json_t *
rd_job_json(const struct rd_job *job, bool detail)
{
	json_t *o = json_object();
	if (o == NULL)
		return NULL;
	json_object_set_new(o, "job", json_string(job->id));
	json_object_set_new(o, "ledger_id", job->ledger_id[0] ? json_string(job->ledger_id) : json_null());
	json_object_set_new(o, "table", json_string(job->table));
	json_object_set_new(o, "kind", json_string(job->kind));
	json_object_set_new(o, "origin", json_string(job->origin));
	if (strcmp(job->kind, "full") == 0 || job->from[0] == '\0')   /* a whole table: a copy's or a verify's */
		json_object_set_new(o, "range", json_string("all"));
	else
		json_object_set_new(o, "range", json_pack("{s:s,s:s}", "from", job->from, "to", job->to[0] ? job->to : job->from));
	json_object_set_new(o, "state", json_string(rd_job_state_name(job->state)));
	json_object_set_new(o, "submitted", iso_or_null(job->submitted));
	json_object_set_new(o, "started", iso_or_null(job->started));
	json_object_set_new(o, "finished", iso_or_null(job->finished));
	json_object_set_new(o, "partitions", json_integer((json_int_t)job->nparts));
	json_object_set_new(o, "partitions_done", json_integer((json_int_t)job->parts_done));
	json_object_set_new(o, "rows_written", json_integer(job->rows_written));
	int64_t rejected = job->l_rejected;
	if (job->res != NULL)
		for (size_t i = 0; i < job->res->n; i++)
			rejected += job->res->accs[i].rejected;
	else if (job->live != NULL)
		for (size_t i = 0; i < job->nparts; i++)
			rejected += job->live[i].rejected;   /* the partitions that have ended */
	json_object_set_new(o, "rows_rejected", json_integer(rejected));
	/* the clock of rate and ETA stops while the job is paused (issue #18 item 8), and
	 * the ETA is paced by the partitions this run loaded, not the ones it skipped */
	uint64_t end = !job->thread_live ? job->ended_mono_ms : job->paused_mono_ms ? job->paused_mono_ms : rd_now_mono_ms();
	if (!job->thread_live && job->paused_mono_ms != 0 && job->paused_mono_ms < end)
		end = job->paused_mono_ms;   /* it ended while paused (cancelled) */
	uint64_t span = job->started_mono_ms && end > job->started_mono_ms ? end - job->started_mono_ms : 0;
	double secs = span > job->paused_total_ms ? (double)(span - job->paused_total_ms) / 1000.0 : 0;
	size_t skipped = 0;
	for (size_t i = 0; job->live != NULL && i < job->nparts; i++)
		skipped += job->live[i].state == RPL_PART_SKIPPED;
	size_t loaded = job->parts_done > skipped ? job->parts_done - skipped : 0;
	json_object_set_new(o, "elapsed_s", job->started_mono_ms ? json_real(secs) : json_null());
	json_object_set_new(o, "rows_per_s", json_real(secs > 0 ? (double)job->rows_written / secs : 0.0));
	if (job->thread_live && loaded > 0 && job->parts_done < job->nparts && secs > 0)
		json_object_set_new(o, "eta_s", json_real(secs / (double)loaded * (double)(job->nparts - job->parts_done)));
	else
		json_object_set_new(o, "eta_s", json_null());
	json_object_set_new(o, "resumed", json_boolean(job->resumed || strcmp(job->origin, "resume") == 0));
	json_object_set_new(o, "error", job->error[0] ? json_string(job->error) : json_null());
	if (detail) {
		if (job->res != NULL && job->res->job_id[0] != '\0')
			json_object_set_new(o, "account", rd_account_json(job->table, job->res->job_id, job->res->accs, job->res->n,
			                                                  job->res->reject_path[0] ? job->res->reject_path : NULL,
			                                                  (int64_t)(job->ended_mono_ms - job->started_mono_ms)));
		else if (job->live != NULL && job->ledger_id[0] != '\0')   /* running: the partitions that have ended */
			json_object_set_new(o, "account", rd_account_json(job->table, job->ledger_id, job->live, job->nparts, NULL,
			                                                  (int64_t)(rd_now_mono_ms() - job->started_mono_ms)));
		else
			json_object_set_new(o, "account", json_null());
		if (job->verify)
			json_object_set_new(o, "verify", verify_json(job));
		else
			owners_json(o, job);
		if (strcmp(job->origin, "ledger") == 0)
			json_object_set_new(o, "ledger_totals", json_pack("{s:I,s:I,s:I}", "rows_read", (json_int_t)job->l_read,
			                                                  "rows_written", (json_int_t)job->l_written,
			                                                  "rows_rejected", (json_int_t)job->l_rejected));
	}
	return o;
}

/* list_key orders jobs newest first: by submit time, then by number */
struct list_key { int64_t submitted; unsigned long num; const struct rd_job *job; };

static int
list_cmp(const void *a, const void *b)
{
	const struct list_key *x = a, *y = b;
	if (x->submitted != y->submitted)
		return x->submitted > y->submitted ? -1 : 1;
	return x->num > y->num ? -1 : x->num < y->num;
}

/* A page is cut after a (submitted, number) key, not an index, so a job that ends or
 * is pruned between two pages moves nothing. The sort is O(n log n): an insertion
 * sort of thousands of jobs per call held the loop for seconds (issue #19). */
json_t *
rd_jobs_list_json(const struct rd_jobs *j, size_t limit, const char *after, char *next, size_t nextlen)
{
	json_t *arr = json_array();
	size_t n = 0;
	long long a_sub = 0;
	unsigned long a_num = 0;
	bool have_after = after != NULL && sscanf(after, "%lld-%lu", &a_sub, &a_num) == 2;
	next[0] = '\0';
	for (const struct rd_job *job = j->head; job != NULL; job = job->next)
		n++;
	struct list_key *v = calloc(n ? n : 1, sizeof *v);
	if (arr == NULL || v == NULL) {
		free(v);
		json_decref(arr);
		return NULL;
	}
	n = 0;
	for (const struct rd_job *job = j->head; job != NULL; job = job->next)
		v[n++] = (struct list_key){ job->submitted, job->num, job };
	qsort(v, n, sizeof *v, list_cmp);
	size_t i = 0, taken = 0;
	if (have_after) {
		struct list_key k = { a_sub, a_num, NULL };
		while (i < n && list_cmp(&v[i], &k) <= 0)
			i++;
	}
	for (; i < n && taken < limit; i++, taken++)
		json_array_append_new(arr, rd_job_json(v[i].job, false));
	if (i < n && taken > 0)
		snprintf(next, nextlen, "%lld-%lu", (long long)v[i - 1].submitted, v[i - 1].num);
	free(v);
	return arr;
}
