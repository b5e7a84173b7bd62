/* daemon/jobs_resume.c: what a restart resumes (DESIGN in jobs.h). Unfinished jobs
 * are kept in step with state_dir/serve-jobs.json (journal.c), read back at start and
 * submitted again under their ids; then the ledger scan (ledger_scan.c, on a thread
 * of its own) brings the target's recent jobs, which are merged into the table:
 * jobs a killed process left 'running' or a daemon stop left 'interrupted' are
 * submitted again, the rest are listed as the ledger's. */
#include "jobs_int.h"
#include "clock.h"
#include "dlog.h"
#include "journal.h"
#include "ledger_scan.h"
#include "metrics.h"
#include "range.h"
#include "units.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* req_range: the range of a job the journal or the ledger knows by its kind */
static struct rd_range_opts
req_range(const char *kind, const char *from, const char *to)
{
	if (strcmp(kind, "full") == 0)
		return (struct rd_range_opts){ .full = true, .dashes = "" };
	if (strcmp(kind, "day") == 0)
		return (struct rd_range_opts){ .day = from, .dashes = "" };
	return (struct rd_range_opts){ .from = from, .to = to, .dashes = "" };
}

static bool
journal_keep(const struct rd_job *job)
{
	if (job->verify)   /* writes nothing: a restart does not resume it (verify_job.h) */
		return false;
	return (jobs_is_active(job) && !(job->state == RD_JOB_CANCELLING && !job->stop_by_daemon) &&
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
void
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
		r = whole ? rd_journal_write(jobs_cfg(j)->c.state_dir, j->next_num, e, a, err, sizeof err)
		          : rd_journal_append(jobs_cfg(j)->c.state_dir, j->next_num, e, a, del, d, err, sizeof err);
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

/* ledger_job lists a job of the ledger only, under its ledger id; from and to as the
 * table keys them ("" where they do not apply). -1: out of memory */
static int
ledger_job(struct rd_jobs *j, struct rd_ledger_row *r, const char *from, const char *to)
{
	struct rd_job *job = calloc(1, sizeof *job);
	if (job == NULL || (job->table = strdup(r->table)) == NULL) {
		free(job);
		return -1;
	}
	snprintf(job->id, sizeof job->id, "%s", r->id);   /* a job of the ledger only: its id */
	job->num = j->next_num++;   /* its place in job.list's order (a page's cursor) */
	snprintf(job->kind, sizeof job->kind, "%.11s", r->kind);
	snprintf(job->origin, sizeof job->origin, "ledger");
	snprintf(job->from, sizeof job->from, "%.10s", from);
	snprintf(job->to, sizeof job->to, "%.10s", to);
	snprintf(job->ledger_id, sizeof job->ledger_id, "%s", r->id);
	job->state = strcmp(r->state, "done") == 0 ? RD_JOB_DONE : strcmp(r->state, "cancelled") == 0 ? RD_JOB_CANCELLED
	             : strcmp(r->state, "running") == 0 ? RD_JOB_RUNNING
	             : strcmp(r->state, "interrupted") == 0 ? RD_JOB_INTERRUPTED : RD_JOB_FAILED;
	job->submitted = rd_time_from_iso(r->submitted);
	job->started = rd_time_from_iso(r->started);
	job->finished = rd_time_from_iso(r->finished);
	job->l_read = r->read;
	job->l_written = job->rows_written = r->written;
	job->l_rejected = r->rejected;
	ledger_account(job, r);
	if (r->alive_elsewhere)
		snprintf(job->error, sizeof job->error, "running in another live replicad process (pid %d)", r->pid);
	jobs_append(j, job);
	return 0;
}

void
jobs_scan_done(struct rd_jobs *j, struct rd_ledger_scan *s)
{
	uv_thread_join(&j->scan_thread);
	j->scan_live = false;
	j->threads--;
	j->scan_arg = NULL;
	char q[1200];
	if (s->error[0] != '\0')
		rd_log(RPL_LOG_WARNING, "ledger", "msg=%s", rd_q(q, sizeof q, s->error));
	if (s->nodes != NULL) {   /* the cluster's processes, for daemon.status */
		free(j->nodes);
		j->nodes = s->nodes;
		j->nnodes = s->nnodes;
		s->nodes = NULL;
	}
	for (size_t i = 0; i < s->n; i++)   /* staleness survives a restart: the ledger's done jobs */
		if (strcmp(s->rows[i].state, "done") == 0)
			rd_metrics_seen_done(j->host.metrics, s->rows[i].table, s->rows[i].finished);
	for (size_t i = s->merge ? s->n : 0; i-- > 0 && !jobs_stopping(j);) {   /* oldest first */
		struct rd_ledger_row *r = &s->rows[i];
		const char *from = r->start, *to = r->start;
		char last[11] = "";
		const char *mode = strcmp(r->kind, "full") == 0 ? "full" : strcmp(r->kind, "day") == 0 ? "day" : "range";
		if (strcmp(mode, "range") == 0) {
			struct rpl_day e;
			if (!rpl_parse_date(r->end, &e.y, &e.m, &e.d))
				continue;
			rd_range_fmt_day(rpl_day_add(e, -1), last);
			to = last;
		}
		if (strcmp(mode, "full") == 0)
			from = to = "";
		const char *key_to = strcmp(mode, "range") == 0 ? to : "";
		bool known = false;
		for (struct rd_job *job = j->head; job != NULL && !known; job = job->next)
			known = strcmp(job->ledger_id, r->id) == 0 ||
			        (jobs_is_active(job) && strcmp(r->state, "done") != 0 && strcmp(job->table, r->table) == 0 &&
			         strcmp(job->kind, r->kind) == 0 && strcmp(job->from, from) == 0 && strcmp(job->to, key_to) == 0);
		if (known)
			continue;
		bool interrupted = strcmp(r->state, "interrupted") == 0;
		/* in a cluster, a job another node loads is joined: the claims share it out */
		bool cluster = jobs_cfg(j)->c.cluster.on, held = false;
		if (((strcmp(r->state, "running") == 0 && (!r->alive_elsewhere || cluster)) || interrupted) &&
		    jobs_ctl_join(j, r, &held)) {   /* a job cancelled in the ledger is not joined; a paused one held */
			struct rd_job_req req = { .table = r->table, .range = req_range(r->kind, from, to), .origin = "resume",
			                          .id = r->id, .submitted = rd_time_from_iso(r->submitted), .held = held };
			struct rd_job *job;
			struct rd_rpc_error e = { 0 };
			if (rd_jobs_submit(j, &req, &job, &e) == 0) {
				jobs_ctl_restored(j, job);
				rd_log(RPL_LOG_NOTICE, "sched", "job=%s ledger_job=%s msg=%s", job->id, r->id,
				       interrupted ? "\"resuming a job a daemon stop interrupted\""
				       : cluster   ? "\"joining a job of the cluster\""
				                   : "\"resuming a job a stopped process left running\"");
			} else {
				rd_log(RPL_LOG_WARNING, "sched", "ledger_job=%s msg=%s", r->id, rd_q(q, sizeof q, e.message));
				json_decref(e.data);
			}
			continue;
		}
		if (ledger_job(j, r, from, strcmp(mode, "range") == 0 ? to : "") < 0)
			break;
	}
	if (s->error[0] == '\0')
		jobs_ctl_apply(j, s);
	rd_ledger_scan_free(s);
	jobs_prune(j);
	jobs_changed(j);
	j->host.thread_ended(j->host.data);
	if (j->nctl > 0)   /* controls asked while this scan ran */
		jobs_scan_kick(j);
}

/* scan_start reads the ledger on a thread of its own; its answer comes back to
 * jobs_scan_done through the queue */
static void
scan_start(struct rd_jobs *j, bool merge)
{
	struct rd_ledger_scan *s = rd_ledger_scan_new(j, jobs_cfg(j));
	if (s == NULL)
		return;
	s->msg = calloc(1, sizeof *s->msg);
	if (s->msg == NULL) {
		rd_ledger_scan_free(s);
		return;
	}
	s->msg->kind = MSG_LEDGER;
	s->merge = merge;
	jobs_ctl_give(j, s);
	if (uv_thread_create(&j->scan_thread, scan_thread, s) != 0) {
		rd_ledger_scan_free(s);
		return;
	}
	j->scan_live = true;
	j->scan_arg = s;
	j->threads++;
}

void
jobs_scan_kick(struct rd_jobs *j)
{
	/* without the cluster key only the start merges the ledger's jobs: a pause given
	 * here must not resume another process's interrupted job */
	if (!j->scan_live && !jobs_stopping(j))
		scan_start(j, jobs_cfg(j)->c.cluster.on);
}

const struct rd_node_row *
rd_jobs_nodes(const struct rd_jobs *j, size_t *n)
{
	*n = j->nnodes;
	return j->nodes;
}

void
rd_jobs_cluster_poll(struct rd_jobs *j)
{
	if (!jobs_cfg(j)->c.cluster.on || j->scan_live || jobs_stopping(j))
		return;
	scan_start(j, true);
}

void
rd_jobs_restore(struct rd_jobs *j)
{
	struct rd_journal_entry *e = NULL;
	size_t n = 0;
	unsigned next = 1;
	char err[600], q[700], qi[200];
	if (rd_journal_read(jobs_cfg(j)->c.state_dir, &next, &e, &n, err, sizeof err) < 0)
		rd_log(RPL_LOG_WARNING, "sched", "msg=%s", rd_q(q, sizeof q, err));
	if (next > j->next_num)
		j->next_num = next;
	for (size_t i = 0; i < n; i++) {
		struct rd_job_req req = { .table = e[i].table, .range = req_range(e[i].kind, e[i].from, e[i].to),
		                          .origin = "resume", .id = e[i].id, .held = e[i].held, .submitted = e[i].submitted };
		struct rd_job *job;
		struct rd_rpc_error re = { 0 };
		if (rd_jobs_submit(j, &req, &job, &re) == 0) {
			jobs_ctl_restored(j, job);
			rd_log(RPL_LOG_NOTICE, "sched", "job=%s table=%s msg=\"resuming a job the daemon had not finished\"",
			       job->id, rd_q(q, sizeof q, job->table));
		} else {
			rd_log(RPL_LOG_WARNING, "sched", "job=%s msg=%s", rd_q(qi, sizeof qi, e[i].id), rd_q(q, sizeof q, re.message));
		}
		json_decref(re.data);
	}
	rd_journal_free(e, n);
	jobs_journal(j);
	scan_start(j, true);
}
