/* lib/core/jobctl.c: replicad_jobs.control, read and written (see jobctl.h). */
#include "jobctl.h"
#include "dialect.h"
#include "sbuf.h"
#include <string.h>

static const char *const names[] = { "", "run", "pause", "cancel" };

const char *
rpl_jobctl_name(enum rpl_jobctl c)
{
	return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "";
}

enum rpl_jobctl
rpl_jobctl_parse(const char *s)
{
	for (size_t i = 1; s != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum rpl_jobctl)i;
	return RPL_JOBCTL_NONE;
}

void
rpl_jobctl_read_sql(const struct rpl_dialect *d, const char *job, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "SELECT control FROM replicad_jobs WHERE id = ");
	rpl_dialect_lit(d, job, out);
}

void
rpl_jobctl_set_sql(const struct rpl_dialect *d, const char *job, enum rpl_jobctl c, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "UPDATE replicad_jobs SET control = ");
	rpl_dialect_lit(d, rpl_jobctl_name(c), out);
	rpl_sbuf_add(out, " WHERE id = ");
	rpl_dialect_lit(d, job, out);
	if (c != RPL_JOBCTL_CANCEL)   /* a cancel is final: a late resume does not undo it */
		rpl_sbuf_add(out, " AND (control IS NULL OR control <> 'cancel')");
}

int
rpl_jobctl_read(struct rpl_conn *c, const char *job, enum rpl_jobctl *out, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	SQLHSTMT st;
	char text[16] = "";
	*out = RPL_JOBCTL_NONE;
	rpl_jobctl_read_sql(c->dialect, job, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_stmt(c, &st, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r < 0) {
		rpl_sbuf_fini(&sql);
		return r;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLFetch(st);
	if (SQL_SUCCEEDED(rc)) {
		SQLLEN ind = 0;
		rc = SQLGetData(st, 1, SQL_C_CHAR, text, sizeof text, &ind);
		if (SQL_SUCCEEDED(rc) && ind != SQL_NULL_DATA)
			*out = rpl_jobctl_parse(text);
	}
	if (rc == SQL_NO_DATA)
		rc = SQL_SUCCESS;
	if (!SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger: reading a job's control");
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_jobctl_clear_cancelled(struct rpl_conn *c, const char *table, const char *kind, const char *first,
                           const char *last, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_jobs SET control = NULL WHERE control = 'cancel' AND state = 'cancelled'"
	             " AND table_name = ");
	rpl_dialect_lit(d, table, &sql);
	rpl_sbuf_add(&sql, " AND kind = ");
	rpl_dialect_lit(d, kind, &sql);
	rpl_sbuf_add(&sql, " AND range_start = ");
	rpl_dialect_lit(d, first, &sql);
	rpl_sbuf_add(&sql, " AND range_end = ");
	rpl_dialect_lit(d, last, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	if (r < 0)
		rpl_err_prefix(err, "ledger: clearing the cancel of an ended job of %s", table);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_jobctl_set(struct rpl_conn *c, const char *job, enum rpl_jobctl ctl, int64_t *rows, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t n = 0;
	rpl_jobctl_set_sql(c->dialect, job, ctl, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_exec_count(c, rpl_sbuf_str(&sql), &n, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	if (r < 0) {
		struct rpl_err ignored = RPL_ERR_INIT;
		if (!c->autocommit)
			rpl_conn_rollback(c, &ignored);
		rpl_err_prefix(err, "ledger: writing %s for job %s", rpl_jobctl_name(ctl), job);
	}
	if (rows != NULL)
		*rows = n;
	rpl_sbuf_fini(&sql);
	return r;
}
