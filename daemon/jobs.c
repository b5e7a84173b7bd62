/* daemon/jobs.c: the job table, the job threads and the worker-to-loop queue (DESIGN
 * in jobs.h). The ledger scan at start lives in ledger_scan.c, the journal file in
 * journal.c; this file owns the states. */
#include "jobs.h"
#include "metrics.h"
#include "account.h"
#include "dlog.h"
#include "fkorder.h"
#include "journal.h"
#include "ledger_scan.h"
#include "serve.h"
#include "slots.h"
#include "units.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const state_names[RD_NJOBSTATES] = {
	"queued", "running", "paused", "cancelling", "done", "failed", "cancelled", "interrupted",
};

const char *
rd_job_state_name(enum rd_job_state s)
{
	return s < RD_NJOBSTATES ? state_names[s] : "?";
}

enum msg_kind { MSG_PROGRESS, MSG_DONE, MSG_LEDGER, MSG_OPENED, MSG_PART, MSG_ORDER };

/* struct rd_msg: by value, so the loop may have dropped the job meanwhile. Nothing
 * in it points into the runner's memory: accounts and flags are copies. */
struct rd_msg {
	enum msg_kind kind;
	unsigned num;                    /* the job's number (PROGRESS, DONE, OPENED, PART) */
	size_t parts_done, nparts;       /* PROGRESS; OPENED: nparts is the length of done[] */
	int64_t rows;
	struct rd_ledger_scan *scan;     /* LEDGER: taken */
	char ledger_id[64];              /* OPENED */
	bool resumed;                    /* OPENED */
	size_t index;                    /* PART: the partition, in plan order */
	struct rpl_part_account acc;     /* PART: a copy of its account */
	struct order_ctx *order;         /* ORDER: taken */
	struct rd_msg *next;
	bool done[];                     /* OPENED: done in an earlier run (skipped) */
};

/* job_ctx: what a job thread reads. Pointers are borrowed from the job, which the
 * loop frees only after joining the thread. */
struct job_ctx {
	struct rd_jobs *jobs;
	unsigned num;
	const struct rpl_config *cfg;
	const struct rpl_table_config *tc;
	const char *kind;
	const struct rpl_range *parts;
	size_t nparts;
	const atomic_bool *cancel, *pause;
	struct rd_job_result *res;       /* the thread fills it; the loop takes it on DONE */
	struct rd_msg *done;             /* allocated by the loop: the end is always reported */
	struct rd_msg *opened;           /* allocated by the loop (done[nparts]); the job thread
	                                  * posts it and sets NULL; the loop frees it after the
	                                  * join if the ledger job was never opened */
	struct rd_runner_hooks hooks;    /* stopping points at the job's flag */
	uv_mutex_t lock;                 /* guards the rate limit below (several workers call) */
	uint64_t last_post_ms;
	size_t last_parts;
};

struct rd_jobs {
	struct rd_serve *d;
	struct rd_job *head, *tail;
	unsigned next_num;
	uv_mutex_t qlock;
	struct rd_msg *qhead, **qtail;
	uv_async_t async;
	int threads;                     /* job threads + scan thread alive */
	bool scan_live;
	uv_thread_t scan_thread;
	struct rd_ledger_scan *scan_arg;
	size_t journal_lines;            /* in serve-jobs.json; compacted past twice the jobs */
	bool journal_ok;                 /* false: rewrite it whole at the next change */
};

/* ---- the queue: any thread posts, the loop drains ---- */

static void
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
	uint64_t now = uv_hrtime() / 1000000;
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
	rd_runner_run_hooks(c->cfg, c->tc, c->kind, c->parts, c->nparts, c->cancel, c->pause, job_progress, job_warn, c,
	                    &c->hooks, c->res);
	jobs_post(c->jobs, c->done);   /* last touch of anything shared */
}

/* ---- helpers ---- */

/* iso_seconds: the ledger's UTC "YYYY-MM-DDTHH:MM:SSZ" as seconds; 0 if it is not */
static int64_t
iso_seconds(const char *s)
{
	struct tm tm = { 0 };
	const char *end = s != NULL ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	return end != NULL && *end == '\0' ? (int64_t)timegm(&tm) : 0;
}

/* ledger_account gives a job read from the ledger its partitions (taken from r), so
 * `show` of any job lists them (issue #18 item 7) */
static void
ledger_account(struct rd_job *job, struct rd_ledger_row *r)
{
	if (r->nparts == 0 || (job->res = calloc(1, sizeof *job->res)) == NULL)
		return;
	job->res->accs = r->parts;
	job->res->n = job->nparts = r->nparts;
	r->parts = NULL;
	r->nparts = 0;
	snprintf(job->res->job_id, sizeof job->res->job_id, "%s", r->id);
	for (size_t i = 0; i < job->nparts; i++)
		job->parts_done += job->res->accs[i].state == RPL_PART_DONE;
}

/* new_id: an id in the ledger's form, "<UTC stamp>-<pid>-<4 hex>", not used by any
 * job the daemon knows (the ledger never reuses one: its stamp moves on) */
static void
new_id(struct rd_jobs *j, char id[64])
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	do
		snprintf(id, 64, "%s-%d-%04x", stamp, (int)getpid(), (unsigned)(rand() & 0xffff));
	while (rd_jobs_find(j, id) != NULL);
}

static struct rd_job *
find_num(struct rd_jobs *j, unsigned num)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (job->num == num)
			return job;
	return NULL;
}

static bool
is_active(const struct rd_job *job)
{
	return job->state == RD_JOB_QUEUED || job->state == RD_JOB_RUNNING || job->state == RD_JOB_PAUSED ||
	       job->state == RD_JOB_CANCELLING;
}

static void
fmt_day(struct rpl_day d, char out[11])
{
	char buf[40];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

static void
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
	free(job->parts);
	free(job->table);
	free(job->after);
	free(job);
}

static bool
journal_keep(const struct rd_job *job)
{
	return (is_active(job) && !(job->state == RD_JOB_CANCELLING && !job->stop_by_daemon) &&
	        strcmp(job->origin, "ledger") != 0) ||
	       job->state == RD_JOB_INTERRUPTED;
}

static struct rd_journal_entry
journal_entry(const struct rd_job *job)
{
	return (struct rd_journal_entry){ .id = job->id, .table = job->table, .kind = job->kind, .from = job->from,
	                                  .to = job->to, .origin = job->origin, .held = job->held,
	                                  .submitted = job->submitted };
}

/* jobs_journal brings serve-jobs.json in step with the table: the jobs that changed
 * are appended (added, replaced or removed); the whole list is written only when the
 * file is not known good or has grown past twice the jobs it holds, so a submit costs
 * a line, not the journal (issue #19). */
static void
jobs_journal(struct rd_jobs *j)
{
	size_t live = 0, nadd = 0, ndel = 0, n = 0;
	for (struct rd_job *job = j->head; job != NULL; job = job->next) {
		bool keep = journal_keep(job);
		live += keep;
		nadd += keep && (!job->journaled || job->held != job->journaled_held);
		ndel += !keep && job->journaled;
		n++;
	}
	if (nadd + ndel == 0 && j->journal_ok)
		return;
	bool whole = !j->journal_ok || j->journal_lines + nadd + ndel > 2 * live + 64;
	struct rd_journal_entry *e = calloc(n ? n : 1, sizeof *e);
	const char **del = calloc(n ? n : 1, sizeof *del);
	char err[600];
	int r = -1;
	if (e != NULL && del != NULL) {
		size_t a = 0, d = 0;
		for (struct rd_job *job = j->head; job != NULL; job = job->next) {
			bool keep = journal_keep(job);
			if (keep && (whole || !job->journaled || job->held != job->journaled_held))
				e[a++] = journal_entry(job);
			else if (!keep && job->journaled && !whole)
				del[d++] = job->id;
		}
		r = whole ? rd_journal_write(j->d->cfg->c.state_dir, j->next_num, e, a, err, sizeof err)
		          : rd_journal_append(j->d->cfg->c.state_dir, j->next_num, e, a, del, d, err, sizeof err);
		if (r == 0)
			j->journal_lines = whole ? 1 + a : j->journal_lines + a + d;
	} else {
		snprintf(err, sizeof err, "journal: out of memory");
	}
	j->journal_ok = r == 0;
	if (r == 0) {
		for (struct rd_job *job = j->head; job != NULL; job = job->next) {
			job->journaled = journal_keep(job);
			job->journaled_held = job->held;
		}
	} else {
		char q[700];
		rd_log(RPL_LOG_ERROR, "sched", "msg=%s", rd_q(q, sizeof q, err));
	}
	free(e);
	free(del);
}

/* prune keeps at most RD_JOBS_KEEP finished jobs */
static void
prune(struct rd_jobs *j)
{
	size_t fin = 0;
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		fin += !is_active(job) && !job->thread_live && !job->journaled;
	for (struct rd_job **pp = &j->head; *pp != NULL && fin > RD_JOBS_KEEP;) {
		struct rd_job *job = *pp;
		if (!is_active(job) && !job->thread_live && !job->journaled) {   /* its removal is written first */
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

static void
append(struct rd_jobs *j, struct rd_job *job)
{
	if (j->tail != NULL)
		j->tail->next = job;
	else
		j->head = job;
	j->tail = job;
}

/* ---- starting ---- */

static int
job_start(struct rd_jobs *j, struct rd_job *job)
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
	                                  .job_id = job->id } };
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

/* pump starts queued jobs while there is room, one per table. Each job runs up to
 * workers_per_table worker threads (runner.c), so at most workers / workers_per_table
 * jobs run at once: the process never has more than load.workers copying threads,
 * and memory stays within workers x 2 x chunk_bytes (DESIGN.md). */
static void
pump(struct rd_jobs *j)
{
	if (j->d->stopping)
		return;
	const struct rpl_load_config *lc = &j->d->cfg->c.load;
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
			busy = parent != NULL && is_active(parent);
		}
		for (struct rd_job *o = j->head; o != NULL && !busy; o = o->next)
			busy = o->thread_live && strcmp(o->table, job->table) == 0;
		if (busy)
			continue;
		job_start(j, job);
		live += job->thread_live;
		changed = true;
	}
	if (changed) {
		jobs_journal(j);
		rd_serve_status_changed(j->d);
	}
}

/* ---- the end of a job ---- */

/* meter counts partition i of job into the metrics once: as it ends (MSG_PART), or
 * when the job ends for one whose message was lost to an allocation failure */
static void
meter(struct rd_jobs *j, struct rd_job *job, size_t i, const struct rpl_part_account *a)
{
	if (a->state == RPL_PART_PENDING || i >= job->nparts)
		return;
	if (job->metered == NULL && (job->metered = calloc(job->nparts, sizeof *job->metered)) == NULL)
		return;
	if (job->metered[i])
		return;
	job->metered[i] = true;
	rd_metrics_part(&j->d->metrics, job->table, a, rd_wall_now());
}

static void
job_ended(struct rd_jobs *j, struct rd_job *job)
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
	struct rd_metrics *m = &j->d->metrics;
	for (size_t i = 0; i < res->n; i++)
		meter(j, job, i, &res->accs[i]);
	free(job->metered);
	job->metered = NULL;
	if (job->stop_by_daemon && failed) {
		job->state = RD_JOB_INTERRUPTED;   /* the ledger says 'interrupted' too: resumed at the next start */
	} else if (atomic_load(&job->cancel) && !job->stop_by_daemon) {
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
	char q[600], qe[1200];
	rd_log(job->state == RD_JOB_FAILED ? RPL_LOG_ERROR : RPL_LOG_NOTICE, "sched",
	       "job=%s ledger_job=%s table=%s state=%s rows_written=%lld rows_rejected=%lld ms=%llu%s%s", job->id,
	       job->ledger_id[0] ? job->ledger_id : "-", rd_q(q, sizeof q, job->table), rd_job_state_name(job->state),
	       (long long)written, (long long)rejected, (unsigned long long)(job->ended_mono_ms - job->started_mono_ms),
	       job->error[0] ? " error=" : "", job->error[0] ? rd_q(qe, sizeof qe, job->error) : "");
	jobs_journal(j);   /* also while stopping: a job that ended done must not be resumed */
	prune(j);
	pump(j);
	rd_serve_status_changed(j->d);
}

/* ---- the ledger scan: recent jobs for job.list, and 'running' ones to resume ---- */

static void
scan_thread(void *arg)
{
	struct rd_ledger_scan *s = arg;
	rd_ledger_scan_run(s);
	struct rd_msg *m = s->msg;
	s->msg = NULL;   /* the message is the loop's now */
	m->scan = s;
	jobs_post(s->jobs, m);
}

static int64_t
iso_to_time(const char *s)
{
	struct tm tm = { 0 };
	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) == NULL)
		return 0;
	return (int64_t)timegm(&tm);
}

static void
scan_done(struct rd_jobs *j, struct rd_ledger_scan *s)
{
	uv_thread_join(&j->scan_thread);
	j->scan_live = false;
	j->threads--;
	j->scan_arg = NULL;
	char q[1200];
	if (s->error[0] != '\0')
		rd_log(RPL_LOG_WARNING, "ledger", "msg=%s", rd_q(q, sizeof q, s->error));
	for (size_t i = 0; i < s->n; i++)   /* staleness survives a restart: the ledger's done jobs */
		if (strcmp(s->rows[i].state, "done") == 0)
			rd_metrics_seen_done(&j->d->metrics, s->rows[i].table, s->rows[i].finished);
	for (size_t i = s->n; i-- > 0 && !j->d->stopping;) {   /* oldest first */
		struct rd_ledger_row *r = &s->rows[i];
		const char *from = r->start, *to = r->start;
		char last[11] = "";
		const char *mode = strcmp(r->kind, "full") == 0 ? "full" : strcmp(r->kind, "day") == 0 ? "day" : "range";
		if (strcmp(mode, "range") == 0) {
			struct rpl_day e;
			if (!rpl_parse_date(r->end, &e.y, &e.m, &e.d))
				continue;
			fmt_day(rpl_day_add(e, -1), last);
			to = last;
		}
		if (strcmp(mode, "full") == 0)
			from = to = "";
		const char *key_to = strcmp(mode, "range") == 0 ? to : "";
		bool known = false;
		for (struct rd_job *job = j->head; job != NULL && !known; job = job->next)
			known = strcmp(job->ledger_id, r->id) == 0 ||
			        (is_active(job) && strcmp(r->state, "done") != 0 && strcmp(job->table, r->table) == 0 &&
			         strcmp(job->kind, r->kind) == 0 && strcmp(job->from, from) == 0 && strcmp(job->to, key_to) == 0);
		if (known)
			continue;
		bool interrupted = strcmp(r->state, "interrupted") == 0;
		if ((strcmp(r->state, "running") == 0 && !r->alive_elsewhere) || interrupted) {
			struct rd_job_req req = { .table = r->table, .mode = mode, .from = from, .to = to, .origin = "resume",
			                          .id = r->id, .submitted = iso_seconds(r->submitted) };
			struct rd_job *job;
			struct rd_rpc_error e = { 0 };
			if (rd_jobs_submit(j, &req, &job, &e) == 0) {
				rd_log(RPL_LOG_NOTICE, "sched", "job=%s ledger_job=%s msg=%s", job->id, r->id,
				       interrupted ? "\"resuming a job a daemon stop interrupted\""
				                   : "\"resuming a job a stopped process left running\"");
			} else {
				rd_log(RPL_LOG_WARNING, "sched", "ledger_job=%s msg=%s", r->id, rd_q(q, sizeof q, e.message));
				json_decref(e.data);
			}
			continue;
		}
		struct rd_job *job = calloc(1, sizeof *job);
		if (job == NULL || (job->table = strdup(r->table)) == NULL) {
			free(job);
			break;
		}
		snprintf(job->id, sizeof job->id, "%s", r->id);   /* a job of the ledger only: its id */
		job->num = j->next_num++;   /* its place in job.list's order (a page's cursor) */
		snprintf(job->kind, sizeof job->kind, "%.11s", r->kind);
		snprintf(job->origin, sizeof job->origin, "ledger");
		snprintf(job->from, sizeof job->from, "%.10s", from);
		snprintf(job->to, sizeof job->to, "%.10s", strcmp(mode, "range") == 0 ? to : "");
		snprintf(job->ledger_id, sizeof job->ledger_id, "%s", r->id);
		job->state = strcmp(r->state, "done") == 0 ? RD_JOB_DONE : strcmp(r->state, "cancelled") == 0 ? RD_JOB_CANCELLED
		             : strcmp(r->state, "running") == 0 ? RD_JOB_RUNNING
		             : strcmp(r->state, "interrupted") == 0 ? RD_JOB_INTERRUPTED : RD_JOB_FAILED;
		job->submitted = iso_to_time(r->submitted);
		job->started = iso_to_time(r->started);
		job->finished = iso_to_time(r->finished);
		job->l_read = r->read;
		job->l_written = job->rows_written = r->written;
		job->l_rejected = r->rejected;
		ledger_account(job, r);
		if (r->alive_elsewhere)
			snprintf(job->error, sizeof job->error, "running in another live replicad process (pid %d)", r->pid);
		append(j, job);
	}
	rd_ledger_scan_free(s);
	prune(j);
	rd_serve_status_changed(j->d);
	rd_serve_check_stopped(j->d);
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

/* ---- foreign-key order of a schedule firing (rd_jobs_order) ---- */

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

/* order_done gives each job of the group the jobs of its parents to wait for. */
static void
order_done(struct rd_jobs *j, struct order_ctx *o)
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
	pump(j);
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
	pump(j);
}

static void
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
		struct rd_job *job = m->kind == MSG_LEDGER ? NULL : find_num(j, m->num);
		if (m->kind == MSG_PROGRESS && job != NULL && job->thread_live) {
			job->parts_done = m->parts_done;
			job->rows_written = m->rows;
			progressed = true;
		} else if (m->kind == MSG_OPENED && job != NULL && job->thread_live) {
			job_opened_msg(job, m);
		} else if (m->kind == MSG_PART && job != NULL && job->thread_live && job->live != NULL &&
		           m->index < job->nparts) {
			job->live[m->index] = m->acc;
			meter(j, job, m->index, &m->acc);
		} else if (m->kind == MSG_DONE && job != NULL) {
			job_ended(j, job);
		} else if (m->kind == MSG_LEDGER) {
			scan_done(j, m->scan);
		} else if (m->kind == MSG_ORDER) {
			order_done(j, m->order);
			progressed = true;
		}
		free(m);
	}
	if (progressed)
		rd_serve_status_changed(j->d);
	rd_serve_check_stopped(j->d);
}

/* ---- public ---- */

struct rd_jobs *
rd_jobs_new(struct rd_serve *d)
{
	struct rd_jobs *j = calloc(1, sizeof *j);
	if (j == NULL)
		return NULL;
	j->d = d;
	j->next_num = 1;
	j->qtail = &j->qhead;
	if (uv_mutex_init(&j->qlock) != 0) {
		free(j);
		return NULL;
	}
	if (uv_async_init(d->loop, &j->async, jobs_on_async) != 0) {
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
		if (m->kind == MSG_ORDER) {
			uv_thread_join(&m->order->th);
			order_free(m->order);
		}
		free(m);
	}
	for (struct rd_job *job = j->head, *next; job != NULL; job = next) {
		next = job->next;
		job_free(job);
	}
	uv_mutex_destroy(&j->qlock);
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
		if (is_active(job) && strcmp(job->origin, "ledger") != 0 && strcmp(job->table, table) == 0 &&
		    strcmp(job->kind, kind) == 0 && strcmp(job->from, from) == 0 && strcmp(job->to, to) == 0)
			return job;
	return NULL;
}

struct rd_job *
rd_jobs_active_origin(struct rd_jobs *j, const char *table, const char *origin)
{
	for (struct rd_job *job = j->head; job != NULL; job = job->next)
		if (is_active(job) && strcmp(job->table, table) == 0 && strcmp(job->origin, origin) == 0)
			return job;
	return NULL;
}

static int
parse_day(const char *what, const char *s, struct rpl_day *d, struct rd_rpc_error *e)
{
	if (s == NULL || !rpl_parse_date(s, &d->y, &d->m, &d->d))
		return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s '%s': expected a date YYYY-MM-DD", what,
		                        s ? s : "");
	return 0;
}

int
rd_jobs_submit(struct rd_jobs *j, const struct rd_job_req *req, struct rd_job **out, struct rd_rpc_error *e)
{
	struct rd_serve *d = j->d;
	const struct rpl_config *cfg = &d->cfg->c;
	struct rpl_range *parts = NULL;
	size_t nparts = 0;
	char from[11] = "", to[11] = "";
	const char *kind;
	if (d->stopping)
		return rd_rpc_error_set(e, RD_RPC_STOPPING, "the daemon is stopping");
	const struct rpl_table_config *tc = rpl_config_find_table(cfg, req->table);
	if (tc == NULL) {
		rd_rpc_error_set(e, RD_RPC_UNKNOWN_TABLE, "unknown table '%s': not in %s", req->table, cfg->path);
		e->data = json_pack("{s:s,s:[]}", "table", req->table, "tables");
		for (size_t i = 0; e->data != NULL && i < cfg->n_tables; i++)
			json_array_append_new(json_object_get(e->data, "tables"), json_string(cfg->tables[i].name));
		return -1;
	}
	size_t unfinished = 0;
	for (const struct rd_job *x = j->head; x != NULL; x = x->next)
		unfinished += is_active(x) && strcmp(x->origin, "ledger") != 0;
	if (unfinished >= (size_t)cfg->limits.max_jobs) {    /* a flood of submits must not grow without end */
		rd_rpc_error_set(e, RD_RPC_BUSY, "%zu unfinished jobs: at most limits.max_jobs (%d); wait for some to end",
		                 unfinished, cfg->limits.max_jobs);
		e->data = json_pack("{s:s,s:i}", "limit", "limits.max_jobs", "max", cfg->limits.max_jobs);
		return -1;
	}
	bool full = strcmp(req->mode, "full") == 0;
	if (!full && tc->date_column == NULL)
		return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: table '%s' has no date_column: only full applies",
		                        req->table);
	if (full) {
		kind = "full";
		parts = calloc(1, sizeof *parts);
		if (parts == NULL)
			return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
		parts[0].all = true;
		nparts = 1;
	} else if (strcmp(req->mode, "range") == 0) {
		struct rpl_day f, t;
		struct rpl_err err = RPL_ERR_INIT;
		kind = "backfill";
		if (parse_day("from", req->from, &f, e) < 0 || parse_day("to", req->to, &t, e) < 0)
			return -1;
		long months = ((long)t.y - f.y) * 12 + (t.m - f.m) + 1;   /* counted before anything is planned */
		if (months > cfg->limits.max_partitions) {
			rd_rpc_error_set(e, RD_RPC_PARAMS,
			                 "Invalid params: %s..%s would make %ld partitions, more than limits.max_partitions (%d)",
			                 req->from, req->to, months, cfg->limits.max_partitions);
			e->data = json_pack("{s:s,s:i,s:i}", "limit", "limits.max_partitions", "max", cfg->limits.max_partitions,
			                    "partitions", (int)months);
			return -1;
		}
		if (rpl_plan_months(f, t, &parts, &nparts, &err) < 0)
			return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", err.msg);
		fmt_day(f, from);
		fmt_day(t, to);
	} else {
		struct rpl_day day;
		kind = "day";
		if (strcmp(req->mode, "day") == 0) {
			if (parse_day("day", req->from, &day, e) < 0)
				return -1;
		} else {
			day = rpl_day_add(rd_slot_today(&d->tz, rd_now_wall()), strcmp(req->mode, "t1") == 0 ? -1 : 0);
		}
		parts = malloc(sizeof *parts);
		if (parts == NULL)
			return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
		parts[0] = rpl_plan_day(day);
		nparts = 1;
		fmt_day(day, from);
	}
	struct rd_job *dup = rd_jobs_active_for(j, req->table, kind, from, to);
	if (dup != NULL) {
		free(parts);
		rd_rpc_error_set(e, RD_RPC_DUPLICATE, "job %s already covers table '%s' over this range (%s)", dup->id,
		                 req->table, rd_job_state_name(dup->state));
		e->data = json_pack("{s:s}", "job", dup->id);
		return -1;
	}
	struct rd_job *job = calloc(1, sizeof *job);
	if (job == NULL || (job->table = strdup(req->table)) == NULL) {
		free(job);
		free(parts);
		return rd_rpc_error_set(e, RD_RPC_INTERNAL, "out of memory");
	}
	/* one id per job, the ledger's (issue #18 item 7): made here in the ledger's form,
	 * taken by the ledger job when it opens, kept across restarts (journal, ledger) */
	job->num = j->next_num++;
	if (req->id != NULL && req->id[0] != '\0' && rd_jobs_find(j, req->id) == NULL) {   /* an id to keep */
		snprintf(job->id, sizeof job->id, "%s", req->id);
		snprintf(job->origin, sizeof job->origin, "resume");
	} else {
		new_id(j, job->id);
		snprintf(job->origin, sizeof job->origin, "%s", req->origin ? req->origin : "rpc");
	}
	snprintf(job->kind, sizeof job->kind, "%s", kind);
	memcpy(job->from, from, sizeof from);
	memcpy(job->to, to, sizeof to);
	job->parts = parts;
	job->nparts = nparts;
	job->cfg = rd_cfg_ref(d->cfg);
	job->tc = tc;
	job->state = req->held ? RD_JOB_PAUSED : RD_JOB_QUEUED;
	job->held = req->held;
	job->ordering = req->ordering && !req->held;
	atomic_init(&job->cancel, false);
	atomic_init(&job->pause, false);
	atomic_init(&job->stopping, false);
	job->submitted = req->submitted > 0 ? req->submitted : rd_now_wall();   /* the job's own time */
	append(j, job);
	d->metrics.jobs_submitted++;
	*out = job;
	jobs_journal(j);
	pump(j);
	rd_serve_status_changed(d);
	return 0;
}

int
rd_jobs_pause(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (strcmp(job->origin, "ledger") == 0 || (job->state != RD_JOB_RUNNING && job->state != RD_JOB_QUEUED)) {
		rd_rpc_error_set(e, RD_RPC_BAD_STATE, "job %s is %s: only a queued or running job can be paused", job->id,
		                 rd_job_state_name(job->state));
		e->data = json_pack("{s:s,s:s}", "job", job->id, "state", rd_job_state_name(job->state));
		return -1;
	}
	if (job->thread_live) {
		atomic_store(&job->pause, true);   /* workers hold after their current chunk */
		job->paused_mono_ms = rd_now_mono_ms();
	} else {
		job->held = true;
	}
	job->state = RD_JOB_PAUSED;
	jobs_journal(j);
	rd_serve_status_changed(j->d);
	return 0;
}

int
rd_jobs_resume(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (job->state != RD_JOB_PAUSED) {
		rd_rpc_error_set(e, RD_RPC_BAD_STATE, "job %s is %s: only a paused job can be resumed", job->id,
		                 rd_job_state_name(job->state));
		e->data = json_pack("{s:s,s:s}", "job", job->id, "state", rd_job_state_name(job->state));
		return -1;
	}
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
	pump(j);
	rd_serve_status_changed(j->d);
	return 0;
}

int
rd_jobs_cancel(struct rd_jobs *j, struct rd_job *job, struct rd_rpc_error *e)
{
	if (strcmp(job->origin, "ledger") == 0 || !is_active(job) || job->state == RD_JOB_CANCELLING) {
		rd_rpc_error_set(e, RD_RPC_BAD_STATE, "job %s is %s: only a queued, running or paused job can be cancelled",
		                 job->id, rd_job_state_name(job->state));
		e->data = json_pack("{s:s,s:s}", "job", job->id, "state", rd_job_state_name(job->state));
		return -1;
	}
	if (job->thread_live) {
		atomic_store(&job->cancel, true);   /* workers roll back their partitions */
		job->state = RD_JOB_CANCELLING;
	} else {
		job->state = RD_JOB_CANCELLED;
		job->finished = rd_now_wall();
		j->d->metrics.jobs_cancelled++;
	}
	rd_log(RPL_LOG_NOTICE, "sched", "job=%s msg=\"cancelled\"", job->id);
	jobs_journal(j);
	rd_serve_status_changed(j->d);
	return 0;
}

void
rd_jobs_restore(struct rd_jobs *j)
{
	struct rd_journal_entry *e = NULL;
	size_t n = 0;
	unsigned next = 1;
	char err[600], q[700], qi[200];
	if (rd_journal_read(j->d->cfg->c.state_dir, &next, &e, &n, err, sizeof err) < 0)
		rd_log(RPL_LOG_WARNING, "sched", "msg=%s", rd_q(q, sizeof q, err));
	if (next > j->next_num)
		j->next_num = next;
	for (size_t i = 0; i < n; i++) {
		struct rd_job_req req = { .table = e[i].table, .from = e[i].from, .to = e[i].to, .origin = "resume",
		                          .id = e[i].id, .held = e[i].held, .submitted = e[i].submitted,
		                          .mode = strcmp(e[i].kind, "full") == 0 ? "full" : strcmp(e[i].kind, "day") == 0 ? "day" : "range" };
		struct rd_job *job;
		struct rd_rpc_error re = { 0 };
		if (rd_jobs_submit(j, &req, &job, &re) == 0)
			rd_log(RPL_LOG_NOTICE, "sched", "job=%s table=%s msg=\"resuming a job the daemon had not finished\"",
			       job->id, rd_q(q, sizeof q, job->table));
		else
			rd_log(RPL_LOG_WARNING, "sched", "job=%s msg=%s", rd_q(qi, sizeof qi, e[i].id), rd_q(q, sizeof q, re.message));
		json_decref(re.data);
	}
	rd_journal_free(e, n);
	jobs_journal(j);
	struct rd_ledger_scan *s = rd_ledger_scan_new(j, j->d->cfg);
	if (s == NULL)
		return;
	s->msg = calloc(1, sizeof *s->msg);
	if (s->msg == NULL) {
		rd_ledger_scan_free(s);
		return;
	}
	s->msg->kind = MSG_LEDGER;
	if (uv_thread_create(&j->scan_thread, scan_thread, s) != 0) {
		rd_ledger_scan_free(s);
		return;
	}
	j->scan_live = true;
	j->scan_arg = s;
	j->threads++;
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

static json_t *
iso_or_null(int64_t t)
{
	if (t == 0)
		return json_null();
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
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
	if (strcmp(job->kind, "full") == 0)
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
