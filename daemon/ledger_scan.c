/* daemon/ledger_scan.c: replicad_jobs read at start (see ledger_scan.h). */
#include "ledger_scan.h"
#include "conn.h"
#include "ledger.h"
#include "serve.h"
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
	free(s->rows);
	free(s->msg);
	free(s);
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
	                          " finished_at, rows_read, rows_written, rows_rejected FROM replicad_jobs"
	                          " ORDER BY submitted_at DESC, id DESC";
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
		if (!SQL_SUCCEEDED(rc))
			break;
		const char *dash = strchr(r->id, '-');
		r->pid = dash != NULL ? atoi(dash + 1) : 0;
		r->alive_elsewhere = strcmp(r->state, "running") == 0 && alive_replicad(r->pid);
		s->n++;
	}
	if (!SQL_SUCCEEDED(rc))
		rpl_conn_fail(&c, st, &err, "reading replicad_jobs");
out:
	if (st != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_conn_close(&c);
	if (err.code != RPL_OK)
		snprintf(s->error, sizeof s->error, "ledger scan: %s", err.msg);
}
