/* lib/core/claim.c: claims, leases and the ledger's in-place upgrade (see claim.h).
 * Values are few and ours (ids, dates, node names, numbers), written as escaped
 * literals through the dialect, like ledger.c's. */
#include "claim.h"
#include "catalog.h"
#include "dialect.h"
#include "fence.h"
#include "jobctl.h"
#include "ledger.h"
#include "sbuf.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* the columns claims need, added in place to ledgers made before issue #20 */
static const struct { const char *table, *column, *type; } added[] = {
	{ "replicad_partitions", "owner_node", "varchar(256)" },
	{ "replicad_partitions", "owner_pid", "integer" },
	{ "replicad_partitions", "lease_until", "bigint" },
	{ "replicad_partitions", "claim_no", "integer" },
	{ "replicad_partitions", "claim_commits", "integer" },
	{ "replicad_jobs", "control", "varchar(16)" },   /* jobctl.h: pause, resume, cancel everywhere */
	/* fence.h: the session that loads the partition, for whoever takes it over */
	{ "replicad_partitions", "load_session", "bigint" },
	{ "replicad_partitions", "load_tag", "varchar(512)" },
};

void
rpl_owner_init(struct rpl_owner *o, const char *node)
{
	memset(o, 0, sizeof *o);
	if (node != NULL && node[0] != '\0')
		snprintf(o->node, sizeof o->node, "%s", node);
	else if (gethostname(o->node, sizeof o->node - 1) != 0 || o->node[0] == '\0')
		snprintf(o->node, sizeof o->node, "localhost");
	o->pid = (long)getpid();
}

void
rpl_owner_label(const struct rpl_owner *o, char *out, size_t n)
{
	if (o->node[0] == '\0')
		snprintf(out, n, "another process (taking it at this moment)");
	else
		snprintf(out, n, "node %s pid %ld", o->node, o->pid);
}

/* run_one runs sql and commits, whatever the connection's autocommit mode */
static int
run_one(struct rpl_conn *c, const struct rpl_sbuf *sql, int64_t *rows, struct rpl_err *err)
{
	if (!rpl_sbuf_ok(sql))
		return rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	int r = rpl_conn_exec_count(c, rpl_sbuf_str(sql), rows, err);
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	return r;
}

/* missing_columns: which of added[] table lacks (one catalog read per table) */
static int
missing_columns(struct rpl_conn *c, const char *table, bool *missing, struct rpl_err *err)
{
	struct rpl_table t;
	bool exists = false;
	int r = rpl_catalog_read(c, NULL, table, &t, &exists, err);
	for (size_t i = 0; i < sizeof added / sizeof added[0]; i++)
		missing[i] = r == 0 && exists && strcmp(added[i].table, table) == 0 && rpl_table_find(&t, added[i].column) == NULL;
	if (r == 0 && exists)
		rpl_table_fini(&t);
	return r;
}

/* add_column: ALTER TABLE … ADD; when it fails, another process may have added the
 * column a moment ago, which is fine if it is there now */
static int
add_column(struct rpl_conn *c, size_t i, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	/* SQL Server's ALTER TABLE … ADD has no COLUMN keyword */
	rpl_sbuf_addf(&sql, "ALTER TABLE %s ADD %s%s %s", added[i].table,
	              c->dialect->engine == RPL_ENGINE_MSSQL ? "" : "COLUMN ", added[i].column, added[i].type);
	struct rpl_err aerr = RPL_ERR_INIT;
	int r = run_one(c, &sql, NULL, &aerr);
	rpl_sbuf_fini(&sql);
	if (r == 0)
		return 0;
	struct rpl_err ignored = RPL_ERR_INIT;
	bool missing[sizeof added / sizeof added[0]];
	if (!c->autocommit)
		rpl_conn_rollback(c, &ignored);
	if ((r = missing_columns(c, added[i].table, missing, err)) == 0 && missing[i]) {
		*err = aerr;
		r = err->code;
	}
	return r;
}

int
rpl_claim_upgrade(struct rpl_conn *c, struct rpl_err *err)
{
	bool missing[sizeof added / sizeof added[0]], more[sizeof added / sizeof added[0]];
	int r = missing_columns(c, "replicad_partitions", missing, err);
	if (r == 0)
		r = missing_columns(c, "replicad_jobs", more, err);
	for (size_t i = 0; i < sizeof added / sizeof added[0] && r == 0; i++)
		missing[i] = missing[i] || more[i];
	for (size_t i = 0; i < sizeof added / sizeof added[0] && r == 0; i++)
		if (missing[i] && (r = add_column(c, i, err)) < 0)
			rpl_err_prefix(err, "ledger: upgrading %s (adding %s)", added[i].table, added[i].column);
	return r;
}

void
rpl_claim_now_sql(const struct rpl_dialect *d, struct rpl_sbuf *out)
{
	switch (d->engine) {
	case RPL_ENGINE_POSTGRES:
		rpl_sbuf_add(out, "CAST(floor(extract(epoch from clock_timestamp()) * 1000) AS bigint)");
		break;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_add(out, "CAST(floor(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000) AS SIGNED)");
		break;
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_add(out, "DATEDIFF_BIG(millisecond, '19700101', SYSUTCDATETIME())");
		break;
	default:   /* SQLite, and any engine that speaks its dialect */
		rpl_sbuf_add(out, "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)");
		break;
	}
}

/* select_sql: the claim's read of the row, locking (skipping a locked row) or not */
static void
select_sql(const struct rpl_dialect *d, const char *job, const char *table, const struct rpl_range *r, bool lock,
           struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "SELECT state, owner_node, owner_pid, lease_until, claim_no, attempts, ");
	rpl_claim_now_sql(d, out);
	rpl_sbuf_add(out, " FROM replicad_partitions");
	/* READPAST skips rows another claimer has locked, as SKIP LOCKED does */
	if (lock && d->engine == RPL_ENGINE_MSSQL)
		rpl_sbuf_add(out, " WITH (UPDLOCK, READPAST, ROWLOCK)");
	rpl_ledger_where_part(d, job, table, r, out);
	if (lock && (d->engine == RPL_ENGINE_POSTGRES || d->engine == RPL_ENGINE_MARIADB))
		rpl_sbuf_add(out, " FOR UPDATE SKIP LOCKED");
}

void
rpl_claim_select_sql(const struct rpl_dialect *d, const char *job, const char *table, const struct rpl_range *r,
                     struct rpl_sbuf *out)
{
	select_sql(d, job, table, r, true, out);
}

void
rpl_claim_cond_sql(const struct rpl_dialect *d, const struct rpl_owner *me, int claim_no, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, " AND owner_node = ");
	rpl_dialect_lit(d, me->node, out);
	rpl_sbuf_addf(out, " AND owner_pid = %ld AND claim_no = %d", me->pid, claim_no);
}

void
rpl_claim_check_sql(const struct rpl_dialect *d, const struct rpl_owner *me, const char *job, const char *table,
                    const struct rpl_range *r, int claim_no, struct rpl_sbuf *out)
{
	/* the counter changes the row, so engines that count changed rows rather than
	 * matched ones (MariaDB) count it too */
	rpl_sbuf_add(out, "UPDATE replicad_partitions SET claim_commits = COALESCE(claim_commits, 0) + 1");
	rpl_ledger_where_part(d, job, table, r, out);
	rpl_claim_cond_sql(d, me, claim_no, out);
}

/* the partition's row as the claim's read found it */
struct row {
	bool found;
	char state[20];
	struct rpl_owner owner;    /* node "" when none */
	int64_t lease_until;       /* 0 when none */
	int claim_no, attempts;
	int64_t now;
};

static int
read_row(struct rpl_conn *c, const char *sql, struct row *w, struct rpl_err *err)
{
	SQLHSTMT st;
	memset(w, 0, sizeof *w);
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLFetch(st);
	if (SQL_SUCCEEDED(rc)) {
		SQLLEN ind[7];
		SQLBIGINT pid = 0, lease = 0, cno = 0, att = 0, now = 0;
		w->found = true;
		SQLGetData(st, 1, SQL_C_CHAR, w->state, sizeof w->state, &ind[0]);
		SQLGetData(st, 2, SQL_C_CHAR, w->owner.node, sizeof w->owner.node, &ind[1]);
		SQLGetData(st, 3, SQL_C_SBIGINT, &pid, 0, &ind[2]);
		SQLGetData(st, 4, SQL_C_SBIGINT, &lease, 0, &ind[3]);
		SQLGetData(st, 5, SQL_C_SBIGINT, &cno, 0, &ind[4]);
		SQLGetData(st, 6, SQL_C_SBIGINT, &att, 0, &ind[5]);
		rc = SQLGetData(st, 7, SQL_C_SBIGINT, &now, 0, &ind[6]);
		if (ind[1] == SQL_NULL_DATA)
			w->owner.node[0] = '\0';
		w->owner.pid = ind[2] == SQL_NULL_DATA ? 0 : (long)pid;
		w->lease_until = ind[3] == SQL_NULL_DATA ? 0 : (int64_t)lease;
		w->claim_no = ind[4] == SQL_NULL_DATA ? 0 : (int)cno;
		w->attempts = ind[5] == SQL_NULL_DATA ? 0 : (int)att;
		w->now = (int64_t)now;
	}
	if (rc == SQL_NO_DATA)
		rc = SQL_SUCCESS;
	if (!SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger: reading a partition's claim");
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

/* gone: an owner on this node whose process has ended (its lease may not have run
 * out yet: a `replicad run` killed a moment ago). A pid reused since is taken for
 * alive, which only means waiting for the lease. */
static bool
gone(const struct rpl_owner *o, const struct rpl_owner *me)
{
	if (strcmp(o->node, me->node) != 0 || o->pid <= 0)
		return false;
	if (o->pid == me->pid)
		return true;   /* our own: an attempt of ours that could not release it */
	return kill((pid_t)o->pid, 0) != 0 && errno == ESRCH;
}

/* take_row writes our claim on the row read in w (under its lock) and its history */
static int
take_row(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job, const char *table,
         const struct rpl_range *r, const struct row *w, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	char s[11], e[11];
	rpl_ledger_range_key(r, s, e);
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET owner_node = ");
	rpl_dialect_lit(d, me->node, &sql);
	rpl_sbuf_addf(&sql, ", owner_pid = %ld, lease_until = %lld, claim_no = %d, claim_commits = 0, load_session = NULL,"
	              " load_tag = NULL", me->pid,
	              (long long)(w->now + lease_ms), w->claim_no + 1);
	rpl_ledger_where_part(d, job, table, r, &sql);
	int rr = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (rr == 0 && w->owner.node[0] != '\0') {   /* the earlier claim ends here */
		rpl_sbuf_reset(&sql);
		rpl_sbuf_addf(&sql, "UPDATE replicad_claims SET released_at = %lld, outcome = 'expired'", (long long)w->now);
		rpl_ledger_where_part(d, job, table, r, &sql);
		rpl_sbuf_addf(&sql, " AND claim_no = %d AND released_at IS NULL", w->claim_no);
		rr = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	if (rr == 0) {
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "INSERT INTO replicad_claims (job_id, table_name, range_start, claim_no, owner_node, owner_pid,"
		             " claimed_at) VALUES (");
		rpl_dialect_lit(d, job, &sql);
		rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(d, table, &sql);
		rpl_sbuf_add(&sql, ", ");
		rpl_dialect_lit(d, s, &sql);
		rpl_sbuf_addf(&sql, ", %d, ", w->claim_no + 1);
		rpl_dialect_lit(d, me->node, &sql);
		rpl_sbuf_addf(&sql, ", %ld, %lld)", me->pid, (long long)w->now);
		rr = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	rpl_sbuf_fini(&sql);
	return rr;
}

/* decide: what the row read under its lock means for us */
static void
decide(const struct row *w, const struct rpl_owner *me, struct rpl_claim *out)
{
	out->attempts = w->attempts;
	if (strcmp(w->state, "done") == 0) {
		out->state = RPL_CLAIM_DONE;
		return;
	}
	bool held = w->owner.node[0] != '\0' && w->lease_until > w->now;
	if (held && !gone(&w->owner, me)) {
		out->state = RPL_CLAIM_HELD;
		out->holder = w->owner;
		out->lease_left_ms = w->lease_until - w->now;
		return;
	}
	out->state = RPL_CLAIM_TAKEN;
	out->claim_no = w->claim_no + 1;
	out->took_over = w->owner.node[0] != '\0' && w->lease_until != 0;
	if (out->took_over)
		out->holder = w->owner;
}

/* mine: an owner that is this process (its own sessions are never fenced) */
static bool
mine(const struct rpl_owner *o, const struct rpl_owner *me)
{
	return strcmp(o->node, me->node) == 0 && o->pid == me->pid;
}

/* skipped: the locking read skipped the row: locked by a claimer, or by its owner's
 * claim check just before a commit (a process stopped there keeps the lock), or not
 * there at all. The row as last committed (a read that takes no lock) names its
 * owner; when that owner's lease ran out, its load session is to be ended (*fence):
 * that is what holds the lock. */
static int
skipped(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *table, const struct rpl_range *r,
        struct rpl_claim *out, struct rpl_fence_session *fence, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct row w;
	select_sql(c->dialect, job, table, r, false, &sql);
	int rr = rpl_sbuf_ok(&sql) ? read_row(c, rpl_sbuf_str(&sql), &w, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	if (rr == 0 && !w.found)
		rr = rpl_err_set(err, RPL_ENOENT, "ledger: job %s has no row for a partition of %s", job, table);
	out->state = RPL_CLAIM_HELD;
	out->attempts = w.attempts;
	out->holder = w.owner;
	out->lease_left_ms = w.lease_until > w.now ? w.lease_until - w.now : 0;
	if (rr == 0 && strcmp(w.state, "done") != 0 && w.owner.node[0] != '\0' && w.lease_until != 0 &&
	    w.lease_until <= w.now && !mine(&w.owner, me))
		rr = rpl_fence_read(c, job, table, r, fence, err);
	return rr;
}

/* claim_locked: the claim's work under the row's lock (or the job's control saying
 * take nothing); *fence gets the session to end once it is over */
static int
claim_locked(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job, const char *table,
             const struct rpl_range *r, struct rpl_claim *out, struct rpl_fence_session *fence, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct row w;
	int rr = 0;
	/* SQLite: take the write lock first, so two claimers queue on it instead of both
	 * reading and then failing to upgrade their read locks */
	if (d->engine == RPL_ENGINE_SQLITE)
		rr = rpl_conn_exec(c, "UPDATE replicad_partitions SET claim_no = claim_no WHERE 1 = 0", err);
	/* the job's control first: a claim after a pause or cancel takes nothing
	 * (jobctl.h; read without a lock, so a process stopped here blocks nobody) */
	enum rpl_jobctl ctl = RPL_JOBCTL_NONE;
	if (rr == 0)
		rr = rpl_jobctl_read(c, job, &ctl, err);
	if (rr == 0 && (ctl == RPL_JOBCTL_PAUSE || ctl == RPL_JOBCTL_CANCEL)) {
		out->state = ctl == RPL_JOBCTL_PAUSE ? RPL_CLAIM_PAUSED : RPL_CLAIM_CANCELLED;
		return 0;   /* nothing taken: the caller's rollback ends the read */
	}
	rpl_claim_select_sql(d, job, table, r, &sql);
	if (rr == 0)
		rr = rpl_sbuf_ok(&sql) ? read_row(c, rpl_sbuf_str(&sql), &w, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	if (rr == 0 && !w.found)
		return skipped(c, me, job, table, r, out, fence, err);
	if (rr == 0) {
		decide(&w, me, out);
		/* the old owner's session, read before our claim clears it */
		if (out->state == RPL_CLAIM_TAKEN && out->took_over && !mine(&w.owner, me))
			rr = rpl_fence_read(c, job, table, r, fence, err);
		if (rr == 0 && out->state == RPL_CLAIM_TAKEN)
			rr = take_row(c, me, lease_ms, job, table, r, &w, err);
	}
	return rr;
}

int
rpl_claim_take(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job, const char *table,
               const struct rpl_range *r, struct rpl_claim *out, struct rpl_err *err)
{
	struct rpl_fence_session fence = { 0 };
	memset(out, 0, sizeof *out);
	bool was_auto = c->autocommit;
	int rr = rpl_conn_set_autocommit(c, false, err);
	if (rr == 0)
		rr = claim_locked(c, me, lease_ms, job, table, r, out, &fence, err);
	struct rpl_err ignored = RPL_ERR_INIT;
	if (rr == 0 && out->state == RPL_CLAIM_TAKEN)
		rr = rpl_conn_commit(c, err);
	else
		rpl_conn_rollback(c, &ignored);
	if (rr < 0)
		rpl_conn_rollback(c, &ignored);
	/* fencing after the claim's transaction: the old owner's session cannot commit
	 * under its claim any more (its claim counter is gone, or its lease ran out and
	 * the next claim takes it), and ending it releases the locks it holds */
	if (rr == 0 && fence.id > 0) {
		enum rpl_fence_result res;
		rr = rpl_fence_end(c, &fence, &res, out->fence_msg, sizeof out->fence_msg, err);
		/* skipped (the row still locked) and nothing provably the owner's to end */
		if (res == RPL_FENCE_NONE && out->state == RPL_CLAIM_HELD)
			res = RPL_FENCE_UNPROVEN;
		out->fenced = (int)res;
		out->fence_session = fence.id;
	}
	if (was_auto)
		rpl_conn_set_autocommit(c, true, rr < 0 ? &ignored : err);
	if (rr < 0)
		rpl_err_prefix(err, "ledger: claiming a partition");
	return rr;
}

int
rpl_claim_release(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *table,
                  const struct rpl_range *r, int claim_no, const char *outcome, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	bool was_auto = c->autocommit;
	int rr = rpl_conn_set_autocommit(c, false, err);
	int64_t n = 0;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET lease_until = NULL");
	rpl_ledger_where_part(d, job, table, r, &sql);
	rpl_claim_cond_sql(d, me, claim_no, &sql);
	if (rr == 0)
		rr = rpl_sbuf_ok(&sql) ? rpl_conn_exec_count(c, rpl_sbuf_str(&sql), &n, err)
		                       : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (rr == 0 && n > 0) {   /* still ours: its history ends here */
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "UPDATE replicad_claims SET released_at = ");
		rpl_claim_now_sql(d, &sql);
		rpl_sbuf_add(&sql, ", outcome = ");
		rpl_dialect_lit(d, outcome, &sql);
		rpl_ledger_where_part(d, job, table, r, &sql);
		rpl_sbuf_addf(&sql, " AND claim_no = %d AND released_at IS NULL", claim_no);
		rr = rpl_sbuf_ok(&sql) ? rpl_conn_exec(c, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	struct rpl_err ignored = RPL_ERR_INIT;
	if (rr == 0)
		rr = rpl_conn_commit(c, err);
	else
		rpl_conn_rollback(c, &ignored);
	if (was_auto)
		rpl_conn_set_autocommit(c, true, rr < 0 ? &ignored : err);
	if (rr < 0)
		rpl_err_prefix(err, "ledger: releasing a claim");
	rpl_sbuf_fini(&sql);
	return rr;
}

int
rpl_claim_renew(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t n = 0;
	rpl_sbuf_add(&sql, "UPDATE replicad_partitions SET lease_until = ");
	rpl_claim_now_sql(d, &sql);
	rpl_sbuf_addf(&sql, " + %lld WHERE lease_until IS NOT NULL AND owner_node = ", (long long)lease_ms);
	rpl_dialect_lit(d, me->node, &sql);
	rpl_sbuf_addf(&sql, " AND owner_pid = %ld", me->pid);
	int rr = run_one(c, &sql, NULL, err);
	rpl_sbuf_reset(&sql);
	rpl_sbuf_add(&sql, "UPDATE replicad_nodes SET heartbeat = ");
	rpl_claim_now_sql(d, &sql);
	rpl_sbuf_add(&sql, " WHERE node = ");
	rpl_dialect_lit(d, me->node, &sql);
	rpl_sbuf_addf(&sql, " AND pid = %ld", me->pid);
	if (rr == 0)
		rr = run_one(c, &sql, &n, err);
	if (rr == 0 && n == 0) {   /* first beat (or one in the same millisecond: a duplicate, harmless) */
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "INSERT INTO replicad_nodes (node, pid, heartbeat) VALUES (");
		rpl_dialect_lit(d, me->node, &sql);
		rpl_sbuf_addf(&sql, ", %ld, ", me->pid);
		rpl_claim_now_sql(d, &sql);
		rpl_sbuf_addc(&sql, ')');
		struct rpl_err dup = RPL_ERR_INIT;
		if (run_one(c, &sql, NULL, &dup) < 0 && !c->autocommit)
			rpl_conn_rollback(c, &dup);
	}
	if (rr < 0)
		rpl_err_prefix(err, "ledger: renewing leases");
	rpl_sbuf_fini(&sql);
	return rr;
}
