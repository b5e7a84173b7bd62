/* lib/core/ledger.c: the ledger's SQL (see ledger.h). Values are few and ours (ids,
 * dates, counts, error text), written as escaped literals through the dialect. */
#include "ledger.h"
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
};

static void
now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* submitted_iso: when a job was submitted. An id in the ledger's form starts with
 * its submit time ("20261206T214250Z-…", the service's too): that time, so the
 * service's "submitted" and the ledger's submitted_at agree; else now. */
static void
submitted_iso(const char *id, const char *now, char out[32])
{
	int y, mo, d, h, mi, se;
	char z = 0;
	if (id != NULL && sscanf(id, "%4d%2d%2dT%2d%2d%2d%c", &y, &mo, &d, &h, &mi, &se, &z) == 7 && z == 'Z' &&
	    strlen(id) >= 16 && id[8] == 'T')
		snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, se);
	else
		snprintf(out, 32, "%s", now);
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

/* run_committed runs sql and commits, whatever the connection's autocommit mode. */
static int
run_committed(struct rpl_conn *c, const struct rpl_sbuf *sql, struct rpl_err *err)
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
		int r = run_committed(c, &b, err);
		rpl_sbuf_fini(&b);
		if (r < 0)
			return r;
	}
	/* a ledger made before claims existed gets their columns in place, and one made
	 * before the job's index state was kept, its columns (jobidx.h) */
	int r = rpl_claim_upgrade(c, err);
	return r < 0 ? r : rpl_jobidx_upgrade(c, err);
}

/* query_string: first column of the first row as text, "" if none. */
static int
query_string(struct rpl_conn *c, const char *sql, char *out, size_t n, struct rpl_err *err)
{
	SQLHSTMT st;
	SQLLEN ind;
	out[0] = '\0';
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	if (SQL_SUCCEEDED(rc)) {
		rc = SQLFetch(st);
		if (SQL_SUCCEEDED(rc))
			rc = SQLGetData(st, 1, SQL_C_CHAR, out, (SQLLEN)n, &ind);
		if (rc == SQL_NO_DATA)
			rc = SQL_SUCCESS;
		else if (SQL_SUCCEEDED(rc) && ind == SQL_NULL_DATA)
			out[0] = '\0';
	}
	if (!SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger query");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

static int
load_states(struct rpl_conn *c, const char *job, const char *table, const struct rpl_range *parts,
            size_t n, bool *done, int *attempts, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT range_start, state, attempts FROM replicad_partitions WHERE job_id = ");
	rpl_dialect_lit(d, job, &sql);
	rpl_sbuf_add(&sql, " AND table_name = ");
	rpl_dialect_lit(d, table, &sql);
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0) {
		rpl_sbuf_fini(&sql);
		return r;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char start[16] = "", state[20] = "";
		SQLINTEGER att = 0;
		SQLLEN ind;
		if (!SQL_SUCCEEDED(rc))
			break;
		SQLGetData(st, 1, SQL_C_CHAR, start, sizeof start, &ind);
		if (ind == SQL_NULL_DATA)
			start[0] = '\0';
		SQLGetData(st, 2, SQL_C_CHAR, state, sizeof state, &ind);
		SQLGetData(st, 3, SQL_C_SLONG, &att, 0, &ind);
		for (size_t i = 0; i < n; i++) {
			char s[11], e[11];
			rpl_ledger_range_key(&parts[i], s, e);
			if (strcmp(s, start) == 0) {
				done[i] = strcmp(state, "done") == 0;
				attempts[i] = (int)att;
			}
		}
	}
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger: reading partitions");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&sql);
	return r;
}

static int open_job(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                    const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed, bool *done,
                    int *attempts, struct rpl_err *err);
static int find_twin(struct rpl_conn *c, const char *table, const char *kind,
                                    const struct rpl_range *parts, size_t n, char id[64], struct rpl_err *err);

/* rekey_job gives ledger job old the id want, with its partitions, in one transaction */
static int
rekey_job(struct rpl_conn *c, const char *old, const char *want, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	bool was_auto = c->autocommit;
	int r = rpl_conn_set_autocommit(c, false, err);
	static const char *const upd[] = { "UPDATE replicad_jobs SET id = ", "UPDATE replicad_partitions SET job_id = ",
	                                   "UPDATE replicad_claims SET job_id = " };
	for (int k = 0; k < 3 && r == 0; k++) {
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, upd[k]);
		rpl_dialect_lit(d, want, &sql);
		rpl_sbuf_add(&sql, k == 0 ? " WHERE id = " : " WHERE job_id = ");
		rpl_dialect_lit(d, old, &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	if (r == 0)
		r = rpl_conn_commit(c, err);
	if (r < 0) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	if (was_auto) {
		struct rpl_err e2 = RPL_ERR_INIT;
		rpl_conn_set_autocommit(c, true, &e2);
	}
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_open_job_as(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                       const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                       bool *done, int *attempts, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	char found[64] = "";
	rpl_sbuf_add(&sql, "SELECT id FROM replicad_jobs WHERE id = ");
	rpl_dialect_lit(c->dialect, want, &sql);
	int r = query_string(c, rpl_sbuf_str(&sql), found, sizeof found, err);
	rpl_sbuf_fini(&sql);
	if (r < 0)
		return r;
	if (found[0] == '\0') {   /* not (yet) the ledger's: take over an unfinished twin, if any */
		r = find_twin(c, table, kind, parts, n, found, err);
		if (r == 0 && found[0] != '\0')
			r = rekey_job(c, found, want, err);
		if (r < 0) {
			rpl_err_prefix(err, "ledger");
			return r;
		}
	}
	return open_job(c, want, table, kind, parts, n, job_id, resumed, done, attempts, err);
}

int
rpl_ledger_open_job_join(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                         const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                         bool *done, int *attempts, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	char found[64] = "";
	rpl_sbuf_add(&sql, "SELECT id FROM replicad_jobs WHERE id = ");
	rpl_dialect_lit(c->dialect, want, &sql);
	int r = query_string(c, rpl_sbuf_str(&sql), found, sizeof found, err);
	rpl_sbuf_fini(&sql);
	if (r == 0 && found[0] == '\0')   /* another node's job for the same range: join it */
		r = find_twin(c, table, kind, parts, n, found, err);
	if (r < 0) {
		rpl_err_prefix(err, "ledger");
		return r;
	}
	return open_job(c, found[0] != '\0' ? found : want, table, kind, parts, n, job_id, resumed, done, attempts, err);
}

/* find_twin: the newest unfinished job for table, kind and the
 * partitions' range into id ("" when there is none) */
static int
find_twin(struct rpl_conn *c, const char *table, const char *kind, const struct rpl_range *parts,
                         size_t n, char id[64], struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char first[11], last[11], junk[11];
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_ledger_range_key(&parts[0], first, junk);
	rpl_ledger_range_key(&parts[n - 1], junk, last);
	rpl_sbuf_add(&sql, "SELECT id FROM replicad_jobs WHERE table_name = ");
	rpl_dialect_lit(d, table, &sql);
	rpl_sbuf_add(&sql, " AND kind = ");
	rpl_dialect_lit(d, kind, &sql);
	rpl_sbuf_add(&sql, " AND range_start = ");
	rpl_dialect_lit(d, first, &sql);
	rpl_sbuf_add(&sql, " AND range_end = ");
	rpl_dialect_lit(d, last, &sql);
	rpl_sbuf_add(&sql, " AND state <> 'done' ORDER BY submitted_at DESC, id DESC");
	int r = query_string(c, rpl_sbuf_str(&sql), id, 64, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_open_job(struct rpl_conn *c, const char *table, const char *kind,
                    const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                    bool *done, int *attempts, struct rpl_err *err)
{
	return open_job(c, NULL, table, kind, parts, n, job_id, resumed, done, attempts, err);
}

/* open_job: want NULL, the newest unfinished twin or a new job with a new id; else
 * the job want, resumed if the ledger has it (done already: every partition is
 * skipped), new otherwise */
static int
open_job(struct rpl_conn *c, const char *want, const char *table, const char *kind, const struct rpl_range *parts,
         size_t n, char job_id[64], bool *resumed, bool *done, int *attempts, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char first[11], last[11], junk[11], now[32];
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int r;
	rpl_ledger_range_key(&parts[0], first, junk);
	rpl_ledger_range_key(&parts[n - 1], junk, last);
	for (size_t i = 0; i < n; i++)
		done[i] = false, attempts[i] = 0;
	*resumed = false;
	job_id[0] = '\0';
	if (want == NULL) {
		r = find_twin(c, table, kind, parts, n, job_id, err);
	} else {
		rpl_sbuf_add(&sql, "SELECT id FROM replicad_jobs WHERE id = ");
		rpl_dialect_lit(d, want, &sql);
		r = query_string(c, rpl_sbuf_str(&sql), job_id, 64, err);
	}
	if (r < 0)
		goto out;
	now_iso(now);
	if (job_id[0] != '\0') {
		*resumed = true;
		r = load_states(c, job_id, table, parts, n, done, attempts, err);
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "UPDATE replicad_jobs SET state = 'running', started_at = ");
		rpl_dialect_lit(d, now, &sql);
		rpl_sbuf_add(&sql, " WHERE id = ");
		rpl_dialect_lit(d, job_id, &sql);
		/* a job asked for by its id that ended meanwhile (another node of a cluster
		 * finished it) stays done: its partitions are all skipped */
		rpl_sbuf_add(&sql, " AND state <> 'done'");
		if (r == 0)
			r = run_committed(c, &sql, err);
		goto out;
	}
	/* a new job: its id says when and which process; the rows are created at once */
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
	if (want != NULL)
		snprintf(job_id, 64, "%s", want);
	else
		snprintf(job_id, 64, "%s-%d-%04x", stamp, (int)getpid(), (unsigned)(rand() & 0xffff));
	rpl_sbuf_reset(&sql);
	rpl_sbuf_add(&sql, "INSERT INTO replicad_jobs (id, table_name, kind, range_start, range_end, state, submitted_at, started_at) VALUES (");
	rpl_dialect_lit(d, job_id, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, table, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, kind, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, first, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, last, &sql);
	rpl_sbuf_add(&sql, ", 'running', ");
	char submitted[32];
	submitted_iso(job_id, now, submitted);
	rpl_dialect_lit(d, submitted, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, now, &sql);
	rpl_sbuf_add(&sql, ")");
	/* the job and its partition rows in one transaction: a process killed between
	 * them left a job without some of its rows, whose done-marks (UPDATEs) then
	 * found nothing to mark (tests/integration/test_resume.c) */
	bool was_auto = c->autocommit;
	if ((r = rpl_conn_set_autocommit(c, false, err)) < 0)
		goto out;
	r = rpl_conn_exec(c, rpl_sbuf_str(&sql), err);
	for (size_t i = 0; i < n && r == 0; i++) {
		char s[11], e[11];
		rpl_ledger_range_key(&parts[i], s, e);
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts, updated_at) VALUES (");
		rpl_dialect_lit(d, job_id, &sql);
		rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(d, table, &sql);
		rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(d, s, &sql);
		rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(d, e, &sql);
		rpl_sbuf_add(&sql, ", 'pending', 0, ");
		rpl_dialect_lit(d, now, &sql);
		rpl_sbuf_addc(&sql, ')');
		r = rpl_conn_exec(c, rpl_sbuf_str(&sql), err);
	}
	if (r == 0)
		r = rpl_conn_commit(c, err);
	if (r < 0) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	if (was_auto) {
		struct rpl_err e2 = RPL_ERR_INIT;
		int r2 = rpl_conn_set_autocommit(c, true, &e2);
		if (r == 0 && r2 < 0) {
			*err = e2;
			r = r2;
		}
	}
out:
	if (r < 0)
		rpl_err_prefix(err, "ledger");
	rpl_sbuf_fini(&sql);
	return r;
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
	now_iso(now);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_addf(&sql, "UPDATE replicad_partitions SET state = 'running', attempts = %d, updated_at = ", attempt);
	rpl_dialect_lit(c->dialect, now, &sql);
	rpl_ledger_where_part(c->dialect, job, table, r, &sql);
	int rr = run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return rr;
}

static void
counts_sql(const struct rpl_dialect *d, const struct rpl_part_account *a, struct rpl_sbuf *sql)
{
	char now[32];
	now_iso(now);
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
	char msg[1900];
	snprintf(msg, sizeof msg, "%s%s%s", e->sqlstate[0] ? e->sqlstate : "", e->sqlstate[0] ? " " : "", e->msg);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET state = 'failed', last_error = ");
	rpl_dialect_lit(c->dialect, msg, &sql);
	counts_sql(c->dialect, acc, &sql);
	rpl_ledger_where_part(c->dialect, job, table, &acc->range, &sql);
	int r = run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_part_stopped(struct rpl_conn *c, const char *job, const char *table,
                        const struct rpl_part_account *acc, const char *state, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET state = ");
	rpl_dialect_lit(c->dialect, state, &sql);
	rpl_sbuf_add(&sql, ", last_error = NULL");
	counts_sql(c->dialect, acc, &sql);
	rpl_ledger_where_part(c->dialect, job, table, &acc->range, &sql);
	int r = run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_ledger_job_finish(struct rpl_conn *c, const char *job, const char *state,
                      int64_t read, int64_t written, int64_t rejected, struct rpl_err *err)
{
	char now[32];
	now_iso(now);
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
	int r = run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}
