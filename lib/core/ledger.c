/* lib/core/ledger.c: the ledger's SQL (see ledger.h). Values are few and ours (ids,
 * dates, counts, error text), written as escaped literals through the dialect. */
#include "ledger.h"
#include "ledger_int.h"
#include "claim.h"
#include "jobidx.h"
#include "dialect.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *const ddl[] = {
	"CREATE TABLE IF NOT EXISTS replicad_jobs ("
	" id varchar(64) NOT NULL PRIMARY KEY, table_name varchar(512) NOT NULL, kind varchar(16) NOT NULL,"
	" range_start varchar(10) NOT NULL, range_end varchar(10) NOT NULL, state varchar(16) NOT NULL,"
	" submitted_at varchar(32) NOT NULL, started_at varchar(32), finished_at varchar(32),"
	" rows_read bigint, rows_written bigint, rows_rejected bigint)",
	"CREATE TABLE IF NOT EXISTS replicad_partitions ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" range_end varchar(10) NOT NULL, state varchar(16) NOT NULL, attempts integer NOT NULL,"
	" rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
	" ms_delete bigint, ms_disable_idx bigint, ms_insert bigint, ms_commit bigint,"
	" ms_rebuild_idx bigint, ms_total bigint, last_error varchar(2000), updated_at varchar(32),"
	" PRIMARY KEY (job_id, table_name, range_start))",
	"CREATE TABLE IF NOT EXISTS replicad_indexes ("
	" table_name varchar(512) NOT NULL, index_name varchar(256) NOT NULL, definition varchar(4000) NOT NULL,"
	" saved_at varchar(32) NOT NULL, PRIMARY KEY (table_name, index_name))",
	/* claims (claim.h, issue #20): each process's heartbeat, and every claim of a
	 * partition with its owner, times (ms on the database's clock) and outcome */
	"CREATE TABLE IF NOT EXISTS replicad_nodes ("
	" node varchar(256) NOT NULL, pid integer NOT NULL, heartbeat bigint, PRIMARY KEY (node, pid))",
	"CREATE TABLE IF NOT EXISTS replicad_claims ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" claim_no integer NOT NULL, owner_node varchar(256) NOT NULL, owner_pid integer NOT NULL,"
	" claimed_at bigint NOT NULL, released_at bigint, outcome varchar(16),"
	" PRIMARY KEY (job_id, table_name, range_start, claim_no))",
	/* one row, 'jobs', that every opening of a job updates first: the row lock
	 * serializes the opens of all processes, so one unfinished job per table, kind
	 * and range (ledger_open.c, issue #20) */
	"CREATE TABLE IF NOT EXISTS replicad_lock ("
	" name varchar(64) NOT NULL PRIMARY KEY, n bigint NOT NULL)",
};

void
rpl_ledger_now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
rpl_ledger_range_key(const struct rpl_range *r, char start[11], char end[11])
{
	if (r->all) {
		start[0] = end[0] = '\0';
		return;
	}
	snprintf(start, 11, "%04u-%02u-%02u", (unsigned)r->start.y % 10000u, (unsigned)r->start.m % 100u,
	         (unsigned)r->start.d % 100u);
	snprintf(end, 11, "%04u-%02u-%02u", (unsigned)r->end.y % 10000u, (unsigned)r->end.m % 100u,
	         (unsigned)r->end.d % 100u);
}

int
rpl_ledger_run_committed(struct rpl_conn *c, const struct rpl_sbuf *sql, struct rpl_err *err)
{
	if (!rpl_sbuf_ok(sql))
		return rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	int r = rpl_conn_exec(c, rpl_sbuf_str(sql), err);
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	if (r < 0)
		rpl_err_prefix(err, "ledger");
	return r;
}

bool
rpl_ledger_ddl(const struct rpl_dialect *d, size_t i, struct rpl_sbuf *out)
{
	if (i >= sizeof ddl / sizeof ddl[0])
		return false;
	if (d->engine != RPL_ENGINE_MSSQL) {
		rpl_sbuf_add(out, ddl[i]);
		return true;
	}
	/* SQL Server has no CREATE TABLE IF NOT EXISTS: the same table, created only when
	 * OBJECT_ID finds no user table of that name in the login's default schema */
	static const char ine[] = "CREATE TABLE IF NOT EXISTS ";
	const char *name = ddl[i] + sizeof ine - 1, *sp = strchr(name, ' ');
	rpl_sbuf_add(out, "IF OBJECT_ID(N'");
	rpl_sbuf_addn(out, name, (size_t)(sp - name));
	rpl_sbuf_add(out, "', N'U') IS NULL CREATE TABLE ");
	rpl_sbuf_add(out, name);
	return true;
}

int
rpl_ledger_ensure(struct rpl_conn *c, struct rpl_err *err)
{
	for (size_t i = 0; i < sizeof ddl / sizeof ddl[0]; i++) {
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_ledger_ddl(c->dialect, i, &b);
		int r = rpl_ledger_run_committed(c, &b, err);
		rpl_sbuf_fini(&b);
		if (r < 0)
			return r;
	}
	/* a ledger made before claims existed gets their columns in place, one made
	 * before the lock row its row, and one made before the job's index state was
	 * kept, its columns (jobidx.h) */
	int r = rpl_claim_upgrade(c, err);
	if (r == 0)
		r = rpl_ledger_lock_row(c, err);
	return r < 0 ? r : rpl_jobidx_upgrade(c, err);
}

void
rpl_ledger_where_part(const struct rpl_dialect *d, const char *job, const char *table, const struct rpl_range *range,
                      struct rpl_sbuf *sql)
{
	char s[11], e[11];
	rpl_ledger_range_key(range, s, e);
	rpl_sbuf_add(sql, " WHERE job_id = ");
	rpl_dialect_lit(d, job, sql);
	rpl_sbuf_add(sql, " AND table_name = ");
	rpl_dialect_lit(d, table, sql);
	rpl_sbuf_add(sql, " AND range_start = ");
	rpl_dialect_lit(d, s, sql);
}

int
rpl_ledger_part_start(struct rpl_conn *c, const char *job, const char *table,
                      const struct rpl_range *r, int attempt, struct rpl_err *err)
{
	char now[32];
	rpl_ledger_now_iso(now);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_addf(&sql, "UPDATE replicad_partitions SET state = 'running', attempts = %d, updated_at = ", attempt);
	rpl_dialect_lit(c->dialect, now, &sql);
	rpl_ledger_where_part(c->dialect, job, table, r, &sql);
	int rr = rpl_ledger_run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return rr;
}

static void
counts_sql(const struct rpl_dialect *d, const struct rpl_part_account *a, struct rpl_sbuf *sql)
{
	char now[32];
	rpl_ledger_now_iso(now);
	rpl_sbuf_addf(sql, ", attempts = %d, rows_read = %lld, rows_written = %lld, rows_rejected = %lld, bytes = %lld,"
	              " ms_delete = %lld, ms_disable_idx = %lld, ms_insert = %lld, ms_commit = %lld,"
	              " ms_rebuild_idx = %lld, ms_total = %lld, updated_at = ",
	              a->attempts, (long long)a->read, (long long)a->written, (long long)a->rejected, (long long)a->bytes,
	              (long long)a->ms[RPL_PHASE_DELETE], (long long)a->ms[RPL_PHASE_DISABLE_IDX],
	              (long long)a->ms[RPL_PHASE_INSERT], (long long)a->ms[RPL_PHASE_COMMIT],
	              (long long)a->ms[RPL_PHASE_REBUILD_IDX], (long long)a->ms[RPL_PHASE_TOTAL]);
	rpl_dialect_lit(d, now, sql);
}

void
rpl_ledger_done_sql(const struct rpl_dialect *d, const char *job, const char *table,
                    const struct rpl_part_account *acc, struct rpl_sbuf *out)
{
	/* last_error stays: the history of a partition that needed retries */
	rpl_sbuf_add(out, "UPDATE replicad_partitions SET state = 'done'");
	counts_sql(d, acc, out);
	rpl_ledger_where_part(d, job, table, &acc->range, out);
}

int
rpl_ledger_part_failed(struct rpl_conn *c, const char *job, const char *table,
                       const struct rpl_part_account *acc, const struct rpl_err *e, struct rpl_err *err)
{
	return rpl_ledger_part_failed_if(c, job, table, acc, e, NULL, err);
}

int
rpl_ledger_part_failed_if(struct rpl_conn *c, const char *job, const char *table, const struct rpl_part_account *acc,
                          const struct rpl_err *e, const char *cond, struct rpl_err *err)
{
	char msg[1900];
	snprintf(msg, sizeof msg, "%s%s%s", e->sqlstate[0] ? e->sqlstate : "", e->sqlstate[0] ? " " : "", e->msg);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET state = 'failed', last_error = ");
	rpl_dialect_lit(c->dialect, msg, &sql);
	counts_sql(c->dialect, acc, &sql);
	rpl_ledger_where_part(c->dialect, job, table, &acc->range, &sql);
	if (cond != NULL)
		rpl_sbuf_add(&sql, cond);
	int r = rpl_ledger_run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_part_stopped(struct rpl_conn *c, const char *job, const char *table,
                        const struct rpl_part_account *acc, const char *state, struct rpl_err *err)
{
	return rpl_ledger_part_stopped_if(c, job, table, acc, state, NULL, err);
}

int
rpl_ledger_part_stopped_if(struct rpl_conn *c, const char *job, const char *table, const struct rpl_part_account *acc,
                           const char *state, const char *cond, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET state = ");
	rpl_dialect_lit(c->dialect, state, &sql);
	rpl_sbuf_add(&sql, ", last_error = NULL");
	counts_sql(c->dialect, acc, &sql);
	rpl_ledger_where_part(c->dialect, job, table, &acc->range, &sql);
	if (cond != NULL)
		rpl_sbuf_add(&sql, cond);
	int r = rpl_ledger_run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_job_finish(struct rpl_conn *c, const char *job, const char *state,
                      int64_t read, int64_t written, int64_t rejected, struct rpl_err *err)
{
	char now[32];
	rpl_ledger_now_iso(now);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_jobs SET state = ");
	rpl_dialect_lit(c->dialect, state, &sql);
	if (read < 0) {   /* several processes loaded it: the partitions' rows, whoever loaded them */
		static const char *const col[] = { "rows_read", "rows_written", "rows_rejected" };
		for (int k = 0; k < 3; k++) {
			rpl_sbuf_addf(&sql, ", %s = (SELECT COALESCE(SUM(%s), 0) FROM replicad_partitions WHERE job_id = ", col[k], col[k]);
			rpl_dialect_lit(c->dialect, job, &sql);
			rpl_sbuf_addc(&sql, ')');
		}
		rpl_sbuf_add(&sql, ", finished_at = ");
	} else {
		rpl_sbuf_addf(&sql, ", rows_read = %lld, rows_written = %lld, rows_rejected = %lld, finished_at = ",
		              (long long)read, (long long)written, (long long)rejected);
	}
	rpl_dialect_lit(c->dialect, now, &sql);
	rpl_sbuf_add(&sql, " WHERE id = ");
	rpl_dialect_lit(c->dialect, job, &sql);
	int r = rpl_ledger_run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}
