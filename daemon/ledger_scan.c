/* daemon/ledger_scan.c: replicad_jobs read at start (see ledger_scan.h). */
#include "ledger_scan.h"
#include "claim.h"
#include "jobctl.h"
#include "odbc_conn.h"
#include "dialect.h"
#include "ledger.h"
#include "runner_idx.h"
#include "sbuf.h"
#include "units.h"
#include "cfg.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rd_ledger_scan *
rd_ledger_scan_new(struct rd_jobs *jobs, struct rd_cfg *cfg)
{
	struct rd_ledger_scan *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->jobs = jobs;
	s->cfg = rd_cfg_ref(cfg);
	return s;
}

void
rd_ledger_scan_free(struct rd_ledger_scan *s)
{
	if (s == NULL)
		return;
	rd_cfg_unref(s->cfg);
	for (size_t i = 0; s->rows != NULL && i < s->n; i++) {
		free(s->rows[i].parts);
		free(s->rows[i].owners);
	}
	free(s->ctl);
	free(s->rows);
	free(s->nodes);
	free(s->msg);
	free(s);
}

/* scan_nodes (cluster key): this daemon's heartbeat (and the leases of any partition
 * it holds), then every process's, as replicactl status lists them. Best effort. */
static void
scan_nodes(struct rpl_conn *c, struct rd_ledger_scan *s)
{
	const struct rpl_config *cfg = &s->cfg->c;
	struct rpl_owner me;
	struct rpl_err err = RPL_ERR_INIT;
	rpl_owner_init(&me, cfg->cluster.node);
	SQLHSTMT st;
	if (rpl_claim_renew(c, &me, cfg->cluster.lease_s * 1000, &err) < 0 || rpl_conn_stmt(c, &st, &err) < 0 ||
	    (s->nodes = calloc(RD_NODES_MAX, sizeof *s->nodes)) == NULL)
		return;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT node, pid, ");
	rpl_claim_now_sql(c->dialect, &sql);
	rpl_sbuf_add(&sql, " - heartbeat FROM replicad_nodes ORDER BY node, pid");
	SQLRETURN rc = rpl_sbuf_ok(&sql) ? SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS) : SQL_ERROR;
	while (SQL_SUCCEEDED(rc) && s->nnodes < RD_NODES_MAX && SQL_SUCCEEDED(rc = SQLFetch(st))) {
		struct rd_node_row *n = &s->nodes[s->nnodes];
		SQLLEN ind[3];
		SQLINTEGER pid = 0;
		SQLBIGINT age = 0;
		SQLGetData(st, 1, SQL_C_CHAR, n->node, sizeof n->node, &ind[0]);
		SQLGetData(st, 2, SQL_C_SLONG, &pid, 0, &ind[1]);
		SQLGetData(st, 3, SQL_C_SBIGINT, &age, 0, &ind[2]);
		n->pid = (int)pid;
		n->age_ms = ind[2] == SQL_NULL_DATA ? -1 : (int64_t)age;
		s->nnodes++;
	}
	rpl_sbuf_fini(&sql);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* part_state: the ledger's partition state as the account's */
static int
part_state(const char *s)
{
	return strcmp(s, "done") == 0 ? RPL_PART_DONE : strcmp(s, "failed") == 0 ? RPL_PART_FAILED
	       : strcmp(s, "cancelled") == 0 ? RPL_PART_CANCELLED : strcmp(s, "interrupted") == 0 ? RPL_PART_INTERRUPTED
	       : RPL_PART_PENDING;
}

/* scan_part_row adds the fetched partition to its job's list (rows[i].id == job) */
static void
scan_part_row(struct rd_ledger_scan *s, const char *job, const char *start, const char *end, const char *state,
              const int64_t *v)
{
	for (size_t i = 0; i < s->n; i++) {
		struct rd_ledger_row *r = &s->rows[i];
		if (strcmp(r->id, job) != 0)
			continue;
		struct rpl_part_account *p = realloc(r->parts, (r->nparts + 1) * sizeof *p);
		if (p == NULL)
			return;
		r->parts = p;
		p = &r->parts[r->nparts++];
		memset(p, 0, sizeof *p);
		p->range.all = !rpl_parse_date(start, &p->range.start.y, &p->range.start.m, &p->range.start.d) ||
		               !rpl_parse_date(end, &p->range.end.y, &p->range.end.m, &p->range.end.d);
		p->state = part_state(state);
		p->attempts = (int)v[0];
		p->read = v[1], p->written = v[2], p->rejected = v[3], p->bytes = v[4], p->ms[RPL_PHASE_TOTAL] = v[5];
		return;
	}
}

/* scan_owner_row adds a partition held under a live lease to its job's owners */
static void
scan_owner_row(struct rd_ledger_scan *s, const char *job, const char *start, const char *end, const char *node,
               int pid, int64_t lease_left_ms)
{
	for (size_t i = 0; i < s->n; i++) {
		struct rd_ledger_row *r = &s->rows[i];
		if (strcmp(r->id, job) != 0)
			continue;
		struct rd_part_owner *o = realloc(r->owners, (r->nowners + 1) * sizeof *o);
		if (o == NULL)
			return;
		r->owners = o;
		o = &r->owners[r->nowners++];
		snprintf(o->start, sizeof o->start, "%s", start);
		snprintf(o->end, sizeof o->end, "%s", end);
		snprintf(o->node, sizeof o->node, "%s", node);
		o->pid = pid;
		o->lease_left_ms = lease_left_ms;
		return;
	}
}

/* scan_parts reads the partitions of the jobs read, best effort: a job without them
 * is shown with its totals only */
static void
scan_parts(struct rpl_conn *c, struct rd_ledger_scan *s, struct rpl_err *err)
{
	SQLHSTMT st;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	if (s->n == 0)
		return;
	rpl_sbuf_add(&sql, "SELECT job_id, range_start, range_end, state, attempts, rows_read, rows_written,"
	             " rows_rejected, bytes, ms_total, owner_pid, lease_until - ");
	rpl_claim_now_sql(c->dialect, &sql);
	rpl_sbuf_add(&sql, ", owner_node FROM replicad_partitions WHERE job_id IN (");
	for (size_t i = 0; i < s->n; i++) {   /* the jobs read, not the ledger's whole history */
		if (i > 0)
			rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(c->dialect, s->rows[i].id, &sql);
	}
	rpl_sbuf_add(&sql, ") ORDER BY job_id, range_start");
	if (!rpl_sbuf_ok(&sql) || rpl_conn_stmt(c, &st, err) < 0) {
		rpl_sbuf_fini(&sql);
		return;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	rpl_sbuf_fini(&sql);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char job[64] = "", start[12] = "", end[12] = "", state[20] = "";
		char *txt[] = { job, start, end, state };
		size_t len[] = { sizeof job, sizeof start, sizeof end, sizeof state };
		int64_t v[8] = { 0 };
		bool null[8] = { false };
		char node[256] = "";
		SQLLEN ind;
		for (SQLUSMALLINT k = 0; k < 4 && SQL_SUCCEEDED(rc); k++)
			if (SQL_SUCCEEDED(rc = SQLGetData(st, (SQLUSMALLINT)(k + 1), SQL_C_CHAR, txt[k], (SQLLEN)len[k], &ind)) &&
			    ind == SQL_NULL_DATA)
				txt[k][0] = '\0';
		for (SQLUSMALLINT k = 0; k < 8 && SQL_SUCCEEDED(rc); k++) {
			SQLBIGINT x = 0;
			if (SQL_SUCCEEDED(rc = SQLGetData(st, (SQLUSMALLINT)(k + 5), SQL_C_SBIGINT, &x, 0, &ind)))
				v[k] = (null[k] = ind == SQL_NULL_DATA) ? 0 : (int64_t)x;
		}
		if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(rc = SQLGetData(st, 13, SQL_C_CHAR, node, sizeof node, &ind)) &&
		    ind == SQL_NULL_DATA)
			node[0] = '\0';
		if (SQL_SUCCEEDED(rc))
			scan_part_row(s, job, start, end, state, v);
		if (SQL_SUCCEEDED(rc) && node[0] != '\0' && !null[7] && v[7] > 0 && strcmp(state, "done") != 0)
			scan_owner_row(s, job, start, end, node, (int)v[6], v[7]);
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* scan_write_ctl writes the controls the loop asked for (pause, resume, cancel given
 * to this process: jobctl.h) before the scan reads the jobs. A write that fails is
 * logged with the scan's error; the local state stands. */
static void
scan_write_ctl(struct rpl_conn *c, struct rd_ledger_scan *s)
{
	for (size_t i = 0; i < s->nctl; i++) {
		struct rpl_err err = RPL_ERR_INIT;
		if (rpl_jobctl_set(c, s->ctl[i].id, (enum rpl_jobctl)s->ctl[i].ctl, NULL, &err) < 0 && s->error[0] == '\0')
			snprintf(s->error, sizeof s->error, "ledger scan: %s", err.msg);
	}
}

/* alive_replicad: is pid a running replicad other than us? */
static bool
alive_replicad(int pid)
{
	char path[64], comm[64] = "";
	if (pid <= 0 || pid == (int)getpid())
		return false;
	if (kill(pid, 0) != 0 && errno != EPERM)
		return false;
	snprintf(path, sizeof path, "/proc/%d/comm", pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
	bool ok = fgets(comm, sizeof comm, f) != NULL;
	fclose(f);
	return ok && strncmp(comm, "replicad", 8) == 0 && (comm[8] == '\n' || comm[8] == '\0');
}

void
rd_ledger_scan_run(struct rd_ledger_scan *s)
{
	const struct rpl_config *cfg = &s->cfg->c;
	struct rpl_conn c = { 0 };
	struct rpl_err err = RPL_ERR_INIT;
	SQLHSTMT st = SQL_NULL_HSTMT;
	if (rpl_conn_open(&c, "target", cfg->target.odbc, cfg->target.password, &err) < 0 ||
	    rpl_ledger_ensure(&c, &err) < 0 || rpl_conn_stmt(&c, &st, &err) < 0)
		goto out;
	s->rows = calloc(RD_LEDGER_SCAN_MAX, sizeof *s->rows);
	if (s->rows == NULL) {
		rpl_err_set(&err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	static const char sql[] = "SELECT id, table_name, kind, range_start, range_end, state, submitted_at, started_at,"
	                          " finished_at, rows_read, rows_written, rows_rejected, control FROM replicad_jobs"
	                          " ORDER BY submitted_at DESC, id DESC";
	scan_write_ctl(&c, s);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	while (SQL_SUCCEEDED(rc) && s->n < RD_LEDGER_SCAN_MAX) {
		rc = SQLFetch(st);
		if (rc == SQL_NO_DATA) {
			rc = SQL_SUCCESS;
			break;
		}
		if (!SQL_SUCCEEDED(rc))
			break;
		struct rd_ledger_row *r = &s->rows[s->n];
		struct { char *buf; size_t len; } txt[] = {
			{ r->id, sizeof r->id }, { r->table, sizeof r->table }, { r->kind, sizeof r->kind },
			{ r->start, sizeof r->start }, { r->end, sizeof r->end }, { r->state, sizeof r->state },
			{ r->submitted, sizeof r->submitted }, { r->started, sizeof r->started },
			{ r->finished, sizeof r->finished },
		};
		for (SQLUSMALLINT k = 0; k < 9 && SQL_SUCCEEDED(rc); k++) {
			SQLLEN ind = 0;
			rc = SQLGetData(st, (SQLUSMALLINT)(k + 1), SQL_C_CHAR, txt[k].buf, (SQLLEN)txt[k].len, &ind);
			if (ind == SQL_NULL_DATA)
				txt[k].buf[0] = '\0';
		}
		int64_t *nums[] = { &r->read, &r->written, &r->rejected };
		for (SQLUSMALLINT k = 0; k < 3 && SQL_SUCCEEDED(rc); k++) {
			SQLLEN ind = 0;
			SQLBIGINT v = 0;
			rc = SQLGetData(st, (SQLUSMALLINT)(k + 10), SQL_C_SBIGINT, &v, 0, &ind);
			*nums[k] = ind == SQL_NULL_DATA ? 0 : (int64_t)v;
		}
		SQLLEN cind = 0;
		if (SQL_SUCCEEDED(rc) && SQL_SUCCEEDED(rc = SQLGetData(st, 13, SQL_C_CHAR, r->control, sizeof r->control, &cind)) &&
		    cind == SQL_NULL_DATA)
			r->control[0] = '\0';
		if (!SQL_SUCCEEDED(rc))
			break;
		const char *dash = strchr(r->id, '-');
		r->pid = dash != NULL ? atoi(dash + 1) : 0;
		r->alive_elsewhere = strcmp(r->state, "running") == 0 && alive_replicad(r->pid);
		s->n++;
	}
	if (!SQL_SUCCEEDED(rc))
		rpl_conn_fail(&c, st, &err, "reading replicad_jobs");
	else
		scan_parts(&c, s, &err);
	if (err.code == RPL_OK && cfg->cluster.on)
		scan_nodes(&c, s);
	if (err.code == RPL_OK)   /* finished jobs whose indexes a dead process left dropped */
		rd_idx_sweep(&c, cfg);
out:
	if (st != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_conn_close(&c);
	if (err.code != RPL_OK && s->error[0] == '\0')
		snprintf(s->error, sizeof s->error, "ledger scan: %s", err.msg);
}
