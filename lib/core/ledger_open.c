/* lib/core/ledger_open.c: opening a ledger job (ledger.h): `replicad run`'s, the
 * service's under the id it gave at submit, a cluster node's joining another's, and
 * a submit's reservation. One unfinished job per table, kind and range, whichever
 * process opens it (issue #20; docs/jobs.md "Claims"): every open runs in one
 * transaction that first updates replicad_lock's one row, so the opens of all
 * processes on the target take turns; inside it, the look for an unfinished twin and
 * the INSERT of a new job cannot interleave with another process's. An UPDATE locks
 * the row on every engine without a dialect's hint (PostgreSQL, MariaDB and SQL
 * Server lock the row, SQLite takes its write lock), and every statement after it
 * reads what the turn before it committed (PostgreSQL and MariaDB sessions of the
 * target are READ COMMITTED; InnoDB's REPEATABLE READ takes its snapshot at the
 * first plain read, which comes after the lock). Claims, done-marks and job ends
 * never take the lock: only opens wait for each other, and an open is a few rows. */
#include "ledger.h"
#include "ledger_int.h"
#include "dialect.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

int
rpl_ledger_lock_row(struct rpl_conn *c, struct rpl_err *err)
{
	char found[64];
	int r = query_string(c, "SELECT name FROM replicad_lock WHERE name = 'jobs'", found, sizeof found, err);
	if (r < 0 || found[0] != '\0')
		return r;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "INSERT INTO replicad_lock (name, n) VALUES ('jobs', 0)");
	struct rpl_err e2 = RPL_ERR_INIT;
	r = rpl_ledger_run_committed(c, &sql, &e2);
	rpl_sbuf_fini(&sql);
	if (r < 0) {   /* another process may have made it first: then all is well */
		struct rpl_err ignored = RPL_ERR_INIT;
		if (!c->autocommit)
			rpl_conn_rollback(c, &ignored);
		r = query_string(c, "SELECT name FROM replicad_lock WHERE name = 'jobs'", found, sizeof found, err);
		if (r == 0 && found[0] == '\0')
			*err = e2, r = e2.code;
	}
	return r;
}

bool
rpl_ledger_lock_wait_sql(const struct rpl_dialect *d, int64_t ms, bool bound, char *out, size_t n)
{
	if (d->engine == RPL_ENGINE_POSTGRES && bound)
		snprintf(out, n, "SET LOCAL lock_timeout = %lld", (long long)ms);
	else if (d->engine == RPL_ENGINE_POSTGRES)
		snprintf(out, n, "SET LOCAL lock_timeout = DEFAULT");
	else if (d->engine == RPL_ENGINE_MSSQL)
		snprintf(out, n, "SET LOCK_TIMEOUT %lld", bound ? (long long)ms : -1LL);
	else
		return false;
	return true;
}

/* lock_waited_out: err is the server's "waited the lock timeout out" (PostgreSQL's
 * 55P03, SQL Server's 1222) */
static bool
lock_waited_out(const struct rpl_conn *c, const struct rpl_err *err)
{
	if (c->engine == RPL_ENGINE_MSSQL)
		return err->native == 1222;
	return strcmp(err->sqlstate, "55P03") == 0;
}

/* lock_jobs: the open's turn (see the top): the lock row updated in the caller's
 * transaction, held until its commit or rollback. PostgreSQL and SQL Server servers
 * wait for it without a bound by default: a process stopped in the middle of its own
 * open (a SIGSTOP, a frozen VM) would hold every other open on the target without a
 * word, so the wait is bounded by c->ledger_wait_ms (the service's cluster.lease),
 * and *timed_out says the bound was met (InnoDB ends such a wait itself, after
 * innodb_lock_wait_timeout). */
static int
lock_jobs(struct rpl_conn *c, bool *timed_out, struct rpl_err *err)
{
	int64_t rows = 0;
	char sql[80];
	bool bounded = c->ledger_wait_ms > 0 &&
	               rpl_ledger_lock_wait_sql(c->dialect, c->ledger_wait_ms, true, sql, sizeof sql);
	int r = bounded ? rpl_conn_exec(c, sql, err) : 0;
	if (r == 0)
		r = rpl_conn_exec_count(c, "UPDATE replicad_lock SET n = n + 1 WHERE name = 'jobs'", &rows, err);
	*timed_out = r < 0 && bounded && lock_waited_out(c, err);
	/* the bound is the lock row's only: the open's other statements wait as before (a
	 * resumed job's partition rows may be locked by a load under way elsewhere). SQL
	 * Server's is the session's: unbounded again even after a failure (a lock timeout
	 * leaves its transaction open), PostgreSQL's ends with the rollback anyway */
	if (bounded && (r == 0 || c->engine == RPL_ENGINE_MSSQL)) {
		struct rpl_err e2 = RPL_ERR_INIT;
		rpl_ledger_lock_wait_sql(c->dialect, 0, false, sql, sizeof sql);
		int r2 = rpl_conn_exec(c, sql, &e2);
		if (r == 0 && r2 < 0)
			*err = e2, r = r2;
	}
	if (r == 0 && rows != 1)
		r = rpl_err_set(err, RPL_EINVAL, "replicad_lock has no row 'jobs' (rpl_ledger_ensure makes it): "
		                "cannot open a job without the lock that keeps it single");
	return r;
}

/* find_twin: the newest unfinished job for table, kind and the partitions' range
 * into id ("" when there is none); running: only one whose state is 'running' */
static int
find_twin(struct rpl_conn *c, const char *table, const char *kind, const struct rpl_range *parts, size_t n,
          bool running, char id[64], struct rpl_err *err)
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
	rpl_sbuf_add(&sql, running ? " AND state = 'running'" : " AND state <> 'done'");
	rpl_sbuf_add(&sql, " ORDER BY submitted_at DESC, id DESC");
	int r = rpl_sbuf_ok(&sql) ? query_string(c, rpl_sbuf_str(&sql), id, 64, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	return r;
}

/* rekey_job gives ledger job old the id want, with its partitions and claims, in the
 * caller's transaction */
static int
rekey_job(struct rpl_conn *c, const char *old, const char *want, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	static const char *const upd[] = { "UPDATE replicad_jobs SET id = ", "UPDATE replicad_partitions SET job_id = ",
	                                   "UPDATE replicad_claims SET job_id = " };
	int r = 0;
	for (int k = 0; k < 3 && r == 0; k++) {
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, upd[k]);
		rpl_dialect_lit(d, want, &sql);
		rpl_sbuf_add(&sql, k == 0 ? " WHERE id = " : " WHERE job_id = ");
		rpl_dialect_lit(d, old, &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	rpl_sbuf_fini(&sql);
	return r;
}

/* what an open is for, and what it found */
enum open_mode {
	OPEN_RUN,      /* replicad run: the newest unfinished twin, else a new job with a new id */
	OPEN_AS,       /* the service's id: that job, else a twin re-keyed to it, else a new one */
	OPEN_JOIN,     /* a cluster node: that job, else a twin under its own id, else a new one */
	OPEN_SUBMIT,   /* a submit's reservation: a running twin is refused (holder), else as OPEN_AS */
};

struct open_req {
	enum open_mode mode;
	const char *want, *table, *kind;   /* borrowed; want NULL for OPEN_RUN */
	const struct rpl_range *parts;
	size_t n;
	char *job_id;                      /* [64] */
	bool *resumed, *done;
	int *attempts;
	char *holder;                      /* [64], OPEN_SUBMIT: the running twin, "" if none */
};

/* resume_job: job_id, which the ledger has, running again with its partitions' states
 * read (one that ended meanwhile, done by another process, stays done: its
 * partitions are all skipped) */
static int
resume_job(struct rpl_conn *c, const struct open_req *q, const char *now, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	*q->resumed = true;
	int r = q->done != NULL ? load_states(c, q->job_id, q->table, q->parts, q->n, q->done, q->attempts, err) : 0;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_jobs SET state = 'running', started_at = ");
	rpl_dialect_lit(d, now, &sql);
	rpl_sbuf_add(&sql, " WHERE id = ");
	rpl_dialect_lit(d, q->job_id, &sql);
	rpl_sbuf_add(&sql, " AND state <> 'done'");
	if (r == 0)
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	return r;
}

/* insert_values appends one row's VALUES list: the literals of vals, then tail */
static void
insert_values(const struct rpl_dialect *d, const char *const *vals, size_t nv, const char *tail, struct rpl_sbuf *sql)
{
	rpl_sbuf_add(sql, " VALUES (");
	for (size_t i = 0; i < nv; i++) {
		rpl_dialect_lit(d, vals[i], sql);
		rpl_sbuf_add(sql, i + 1 < nv ? ", " : "");
	}
	rpl_sbuf_add(sql, tail);
}

/* insert_job: a new job job_id with every partition pending, in the caller's
 * transaction (a job never lacks the row its done-marks update: test_resume.c) */
static int
insert_job(struct rpl_conn *c, const struct open_req *q, const char *now, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char first[11], last[11], junk[11], submitted[32];
	rpl_ledger_range_key(&q->parts[0], first, junk);
	rpl_ledger_range_key(&q->parts[q->n - 1], junk, last);
	submitted_iso(q->job_id, now, submitted);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "INSERT INTO replicad_jobs (id, table_name, kind, range_start, range_end, submitted_at,"
	                   " started_at, state)");
	const char *job[] = { q->job_id, q->table, q->kind, first, last, submitted, now };
	insert_values(d, job, 7, ", 'running')", &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (size_t i = 0; i < q->n && r == 0; i++) {
		char s[11], e[11];
		rpl_ledger_range_key(&q->parts[i], s, e);
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, updated_at,"
		                   " state, attempts)");
		const char *part[] = { q->job_id, q->table, s, e, now };
		insert_values(d, part, 5, ", 'pending', 0)", &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	rpl_sbuf_fini(&sql);
	return r;
}

/* open_turn: what q asks, inside the lock's turn */
static int
open_turn(struct rpl_conn *c, struct open_req *q, struct rpl_err *err)
{
	char now[32], twin[64] = "";
	rpl_ledger_now_iso(now);
	int r = 0;
	if (q->want != NULL) {
		struct rpl_sbuf sql = RPL_SBUF_INIT;
		rpl_sbuf_add(&sql, "SELECT id FROM replicad_jobs WHERE id = ");
		rpl_dialect_lit(c->dialect, q->want, &sql);
		r = rpl_sbuf_ok(&sql) ? query_string(c, rpl_sbuf_str(&sql), q->job_id, 64, err)
		                      : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&sql);
	}
	if (r < 0 || q->job_id[0] != '\0')
		return r < 0 ? r : q->mode == OPEN_SUBMIT ? 0 : resume_job(c, q, now, err);
	if (q->mode == OPEN_SUBMIT) {   /* a job some process is loading, or is about to */
		if ((r = find_twin(c, q->table, q->kind, q->parts, q->n, true, q->holder, err)) < 0 || q->holder[0] != '\0')
			return r;
	}
	if ((r = find_twin(c, q->table, q->kind, q->parts, q->n, false, twin, err)) < 0)
		return r;
	if (twin[0] != '\0' && (q->mode == OPEN_RUN || q->mode == OPEN_JOIN)) {
		snprintf(q->job_id, 64, "%s", twin);
		return resume_job(c, q, now, err);
	}
	if (twin[0] != '\0') {   /* a failed, cancelled or interrupted twin takes the id */
		snprintf(q->job_id, 64, "%s", q->want);
		r = rekey_job(c, twin, q->want, err);
		return r < 0 ? r : resume_job(c, q, now, err);
	}
	if (q->want != NULL) {
		snprintf(q->job_id, 64, "%s", q->want);
	} else {   /* a new job: its id says when and which process */
		char stamp[32];
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
		snprintf(q->job_id, 64, "%s-%d-%04x", stamp, (int)getpid(), (unsigned)(rand() & 0xffff));
	}
	return insert_job(c, q, now, err);
}

/* lock_held_too_long: err rewritten for an open that waited c->ledger_wait_ms for
 * the lock row, naming the sessions that hold it (PostgreSQL: those whose
 * transaction wrote replicad_lock) and how to end one. After the rollback. */
static void
lock_held_too_long(struct rpl_conn *c, struct rpl_err *err)
{
	char who[400] = "";
	struct rpl_err e2 = RPL_ERR_INIT;
	/* best effort: without it, the message still says what happened */
	if (c->engine == RPL_ENGINE_POSTGRES)
		query_string(c, "SELECT string_agg('pid ' || a.pid || ' (' || COALESCE(NULLIF(a.application_name, ''), "
		                "'no application_name') || ', ' || COALESCE(host(a.client_addr), 'local') || ', its "
		                "transaction open ' || COALESCE(extract(epoch FROM date_trunc('second', now() - "
		                "a.xact_start))::bigint::text, '?') || ' s)', '; ' ORDER BY a.pid) FROM pg_catalog.pg_locks l "
		                "JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid WHERE l.relation = "
		                "to_regclass('replicad_lock') AND l.mode = 'RowExclusiveLock' AND l.granted AND l.pid <> "
		                "pg_backend_pid()",
		             who, sizeof who, &e2);
	rpl_conn_rollback(c, &e2);   /* that read's transaction ends here too */
	char sqlstate[sizeof err->sqlstate];
	int32_t native = err->native;
	memcpy(sqlstate, err->sqlstate, sizeof sqlstate);
	rpl_err_init(err);   /* the driver's "canceling statement due to lock timeout" said less */
	rpl_err_set(err, RPL_EINVAL, "the ledger's lock row (replicad_lock) has been held longer than %lld ms by %s: "
	            "a process stopped in the middle of opening a job? Resume or end it (%s); no job was opened",
	            (long long)c->ledger_wait_ms, who[0] ? who : "another session",
	            c->engine == RPL_ENGINE_MSSQL ? "SQL Server: its session in sys.dm_tran_locks, then KILL"
	                                          : "PostgreSQL: pg_terminate_backend(pid)");
	memcpy(err->sqlstate, sqlstate, sizeof sqlstate);   /* the server's, as it said them */
	err->native = native;
}

/* open_locked runs open_turn in one transaction that takes the lock first */
static int
open_locked(struct rpl_conn *c, struct open_req *q, struct rpl_err *err)
{
	for (size_t i = 0; q->done != NULL && i < q->n; i++)
		q->done[i] = false, q->attempts[i] = 0;
	if (q->resumed != NULL)
		*q->resumed = false;
	q->job_id[0] = '\0';
	bool was_auto = c->autocommit;
	bool timed_out = false;
	int r = rpl_conn_set_autocommit(c, false, err);
	if (r == 0 && (r = lock_jobs(c, &timed_out, err)) == 0 && (r = open_turn(c, q, err)) == 0)
		r = rpl_conn_commit(c, err);
	if (r < 0) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
		q->job_id[0] = '\0';
		if (timed_out)
			lock_held_too_long(c, err);
	}
	if (was_auto) {
		struct rpl_err e2 = RPL_ERR_INIT;
		int r2 = rpl_conn_set_autocommit(c, true, &e2);
		if (r == 0 && r2 < 0)
			*err = e2, r = r2;
	}
	if (r < 0)
		rpl_err_prefix(err, "ledger");
	return r;
}

int
rpl_ledger_open_job(struct rpl_conn *c, const char *table, const char *kind, const struct rpl_range *parts, size_t n,
                    char job_id[64], bool *resumed, bool *done, int *attempts, struct rpl_err *err)
{
	struct open_req q = { .mode = OPEN_RUN, .table = table, .kind = kind, .parts = parts, .n = n, .job_id = job_id,
	                      .resumed = resumed, .done = done, .attempts = attempts };
	return open_locked(c, &q, err);
}

int
rpl_ledger_open_job_as(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                       const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed, bool *done,
                       int *attempts, struct rpl_err *err)
{
	struct open_req q = { .mode = OPEN_AS, .want = want, .table = table, .kind = kind, .parts = parts, .n = n,
	                      .job_id = job_id, .resumed = resumed, .done = done, .attempts = attempts };
	return open_locked(c, &q, err);
}

int
rpl_ledger_open_job_join(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                         const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed, bool *done,
                         int *attempts, struct rpl_err *err)
{
	struct open_req q = { .mode = OPEN_JOIN, .want = want, .table = table, .kind = kind, .parts = parts, .n = n,
	                      .job_id = job_id, .resumed = resumed, .done = done, .attempts = attempts };
	return open_locked(c, &q, err);
}

int
rpl_ledger_submit(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                  const struct rpl_range *parts, size_t n, char holder[64], struct rpl_err *err)
{
	char job_id[64];
	bool resumed;
	holder[0] = '\0';
	struct open_req q = { .mode = OPEN_SUBMIT, .want = want, .table = table, .kind = kind, .parts = parts, .n = n,
	                      .job_id = job_id, .resumed = &resumed, .holder = holder };
	return open_locked(c, &q, err);
}

int
rpl_ledger_fail_unopened(struct rpl_conn *c, const char *id, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char now[32];
	rpl_ledger_now_iso(now);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "UPDATE replicad_jobs SET state = 'failed', finished_at = ");
	rpl_dialect_lit(d, now, &sql);
	rpl_sbuf_add(&sql, " WHERE id = ");
	rpl_dialect_lit(d, id, &sql);
	rpl_sbuf_add(&sql, " AND state = 'running' AND NOT EXISTS (SELECT 1 FROM replicad_partitions WHERE job_id = ");
	rpl_dialect_lit(d, id, &sql);
	rpl_sbuf_add(&sql, " AND (state <> 'pending' OR owner_pid IS NOT NULL))");
	int r = rpl_ledger_run_committed(c, &sql, err);
	rpl_sbuf_fini(&sql);
	return r;
}
