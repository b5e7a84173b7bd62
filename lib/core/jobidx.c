/* lib/core/jobidx.c: a job's index state in the ledger (see jobidx.h). Values are
 * few and ours (ids, node names, numbers), written as escaped literals through the
 * dialect, like ledger.c's and claim.c's. Every change is one UPDATE whose WHERE
 * holds the state it expects, and the row count says whether it was ours. */
#include "jobidx.h"
#include "catalog.h"
#include "dialect.h"
#include "sbuf.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the columns, added in place to every ledger (also to one made a moment ago: the
 * CREATE TABLE in ledger.c stays as it was, so there is one way they come) */
static const struct { const char *column, *type; } added[] = {
	{ "indexes_state", "varchar(16)" },
	{ "indexes_node", "varchar(256)" },
	{ "indexes_pid", "integer" },
	{ "indexes_at", "bigint" },
};
#define NADDED (sizeof added / sizeof added[0])

/* run_count runs sql, commits, and stores the rows it changed */
static int
run_count(struct rpl_conn *c, const struct rpl_sbuf *sql, int64_t *rows, struct rpl_err *err)
{
	if (!rpl_sbuf_ok(sql))
		return rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	int r = rpl_conn_exec_count(c, rpl_sbuf_str(sql), rows, err);
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	if (r < 0 && !c->autocommit) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	return r;
}

static int
missing(struct rpl_conn *c, bool *out, struct rpl_err *err)
{
	struct rpl_table t;
	bool exists = false;
	int r = rpl_catalog_read(c, NULL, "replicad_jobs", &t, &exists, err);
	for (size_t i = 0; i < NADDED; i++)
		out[i] = r == 0 && exists && rpl_table_find(&t, added[i].column) == NULL;
	if (r == 0 && exists)
		rpl_table_fini(&t);
	return r;
}

int
rpl_jobidx_upgrade(struct rpl_conn *c, struct rpl_err *err)
{
	bool miss[NADDED];
	int r = missing(c, miss, err);
	for (size_t i = 0; i < NADDED && r == 0; i++) {
		if (!miss[i])
			continue;
		struct rpl_sbuf sql = RPL_SBUF_INIT;
		struct rpl_err aerr = RPL_ERR_INIT;
		/* SQL Server's ALTER TABLE … ADD has no COLUMN keyword */
		rpl_sbuf_addf(&sql, "ALTER TABLE replicad_jobs ADD %s%s %s", c->dialect->engine == RPL_ENGINE_MSSQL ? "" : "COLUMN ",
		              added[i].column, added[i].type);
		if (run_count(c, &sql, NULL, &aerr) < 0) {   /* another process may have added it a moment ago */
			bool now[NADDED];
			if ((r = missing(c, now, err)) == 0 && now[i]) {
				*err = aerr;
				r = err->code;
			}
		}
		rpl_sbuf_fini(&sql);
		if (r < 0)
			rpl_err_prefix(err, "ledger: upgrading replicad_jobs (adding %s)", added[i].column);
	}
	return r;
}

bool
rpl_jobidx_down(const struct rpl_jobidx *x)
{
	return strcmp(x->state, "disabling") == 0 || strcmp(x->state, "disabled") == 0 ||
	       strcmp(x->state, "rebuilding") == 0;
}

static void
text_col(SQLHSTMT st, SQLUSMALLINT k, char *buf, size_t n)
{
	SQLLEN ind = 0;
	if (!SQL_SUCCEEDED(SQLGetData(st, k, SQL_C_CHAR, buf, (SQLLEN)n, &ind)) || ind == SQL_NULL_DATA)
		buf[0] = '\0';
}

int
rpl_jobidx_read(struct rpl_conn *c, const char *job, struct rpl_jobidx *out, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	SQLHSTMT st;
	memset(out, 0, sizeof *out);
	rpl_sbuf_add(&sql, "SELECT indexes_state, indexes_node, indexes_pid, state FROM replicad_jobs WHERE id = ");
	rpl_dialect_lit(c->dialect, job, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_stmt(c, &st, err) : rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	if (r < 0) {
		rpl_sbuf_fini(&sql);
		return r;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLFetch(st);
	if (SQL_SUCCEEDED(rc)) {
		SQLBIGINT pid = 0;
		SQLLEN ind = 0;
		text_col(st, 1, out->state, sizeof out->state);
		text_col(st, 2, out->holder.node, sizeof out->holder.node);
		if (SQL_SUCCEEDED(SQLGetData(st, 3, SQL_C_SBIGINT, &pid, 0, &ind)) && ind != SQL_NULL_DATA)
			out->holder.pid = (long)pid;
		text_col(st, 4, out->job_state, sizeof out->job_state);
		rc = SQL_SUCCESS;
	}
	if (rc == SQL_NO_DATA)
		rc = SQL_SUCCESS;
	if (!SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger: reading a job's index state");
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	if (r == 0 && !c->autocommit) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);   /* a read: let no snapshot or lock stay open */
	}
	rpl_sbuf_fini(&sql);
	return r;
}

/* set_sql: the UPDATE's head: state to, holder me (or none), the database's time */
static void
set_sql(const struct rpl_dialect *d, const struct rpl_owner *me, const char *to, const char *job,
        struct rpl_sbuf *sql)
{
	rpl_sbuf_add(sql, "UPDATE replicad_jobs SET indexes_state = ");
	rpl_dialect_lit(d, to, sql);
	if (me != NULL) {
		rpl_sbuf_add(sql, ", indexes_node = ");
		rpl_dialect_lit(d, me->node, sql);
		rpl_sbuf_addf(sql, ", indexes_pid = %ld", me->pid);
	} else {
		rpl_sbuf_add(sql, ", indexes_node = NULL, indexes_pid = NULL");
	}
	rpl_sbuf_add(sql, ", indexes_at = ");
	rpl_claim_now_sql(d, sql);
	rpl_sbuf_add(sql, " WHERE id = ");
	rpl_dialect_lit(d, job, sql);
}

static void
holder_cond(const struct rpl_dialect *d, const struct rpl_owner *o, struct rpl_sbuf *sql)
{
	if (o->node[0] == '\0') {
		rpl_sbuf_add(sql, " AND indexes_node IS NULL");
		return;
	}
	rpl_sbuf_add(sql, " AND indexes_node = ");
	rpl_dialect_lit(d, o->node, sql);
	rpl_sbuf_addf(sql, " AND indexes_pid = %ld", o->pid);
}

/* finish: run the compare-and-set in sql; *won when it changed the job's row */
static int
finish(struct rpl_conn *c, struct rpl_sbuf *sql, bool *won, const char *what, struct rpl_err *err)
{
	int64_t n = 0;
	int r = run_count(c, sql, &n, err);
	*won = r == 0 && n == 1;
	if (r < 0)
		rpl_err_prefix(err, "ledger: %s", what);
	rpl_sbuf_fini(sql);
	return r;
}

int
rpl_jobidx_begin_disable(struct rpl_conn *c, const struct rpl_owner *me, const char *job, bool *won,
                         struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	set_sql(c->dialect, me, "disabling", job, &sql);
	rpl_sbuf_add(&sql, " AND (indexes_state IS NULL OR indexes_state = 'rebuilt')");
	return finish(c, &sql, won, "taking a job's index work", err);
}

int
rpl_jobidx_move(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *from, const char *to,
                bool keep_holder, bool *won, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	set_sql(c->dialect, keep_holder ? me : NULL, to, job, &sql);
	rpl_sbuf_add(&sql, " AND indexes_state = ");
	rpl_dialect_lit(c->dialect, from, &sql);
	holder_cond(c->dialect, me, &sql);
	return finish(c, &sql, won, "recording a job's index state", err);
}

int
rpl_jobidx_begin_rebuild_done(struct rpl_conn *c, const struct rpl_owner *me, const char *job, bool *won,
                              struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	set_sql(c->dialect, me, "rebuilding", job, &sql);
	/* in the same statement as the state: nobody can still load a partition of it */
	rpl_sbuf_add(&sql, " AND indexes_state = 'disabled' AND NOT EXISTS (SELECT 1 FROM replicad_partitions p"
	             " WHERE p.job_id = ");
	rpl_dialect_lit(c->dialect, job, &sql);
	rpl_sbuf_add(&sql, " AND p.state <> 'done')");
	return finish(c, &sql, won, "taking a job's index rebuild", err);
}

int
rpl_jobidx_begin_rebuild_dead(struct rpl_conn *c, const struct rpl_owner *me, const char *job,
                              const struct rpl_jobidx *seen, bool *won, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	set_sql(c->dialect, me, "rebuilding", job, &sql);
	rpl_sbuf_add(&sql, " AND indexes_state = ");
	rpl_dialect_lit(c->dialect, seen->state, &sql);
	holder_cond(c->dialect, &seen->holder, &sql);
	return finish(c, &sql, won, "taking a dead job's index restore", err);
}

/* node_alive: a process of another node is alive while its heartbeat is younger than
 * a lease (the renewer beats every third of one) */
static int
node_alive(struct rpl_conn *c, const struct rpl_owner *o, int64_t lease_ms, bool *alive, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t n = 0;
	bool found = false;
	rpl_sbuf_add(&sql, "SELECT count(*) FROM replicad_nodes WHERE node = ");
	rpl_dialect_lit(c->dialect, o->node, &sql);
	rpl_sbuf_addf(&sql, " AND pid = %ld AND heartbeat > ", o->pid);
	rpl_claim_now_sql(c->dialect, &sql);
	rpl_sbuf_addf(&sql, " - %lld", (long long)lease_ms);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(&sql), &n, &found, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	*alive = r == 0 && n > 0;
	rpl_sbuf_fini(&sql);
	return r;
}

/* alive: o is me, a process of this node that exists, or another node's that beats */
static int
alive(struct rpl_conn *c, const struct rpl_owner *me, const struct rpl_owner *o, int64_t lease_ms, bool *out,
      struct rpl_err *err)
{
	*out = false;
	if (o->node[0] == '\0' || o->pid <= 0)
		return 0;
	if (strcmp(o->node, me->node) == 0) {
		*out = o->pid == me->pid || kill((pid_t)o->pid, 0) == 0 || errno == EPERM;
		return 0;
	}
	return node_alive(c, o, lease_ms, out, err);
}

/* others_live: whether another process that is alive holds a partition whose column
 * (job_id or table_name) is value under a lease that has not run out; *who: one of them */
static int
others_live(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *column, const char *value,
            bool *any, struct rpl_owner *who, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	SQLHSTMT st;
	struct rpl_owner v[64];
	size_t n = 0;
	*any = false;
	rpl_sbuf_addf(&sql, "SELECT DISTINCT owner_node, owner_pid FROM replicad_partitions WHERE %s = ", column);
	rpl_dialect_lit(c->dialect, value, &sql);
	rpl_sbuf_add(&sql, " AND state <> 'done' AND owner_node IS NOT NULL AND lease_until > ");
	rpl_claim_now_sql(c->dialect, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_stmt(c, &st, err) : rpl_err_set(err, RPL_ENOMEM, "ledger: out of memory");
	if (r < 0) {
		rpl_sbuf_fini(&sql);
		return r;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA && SQL_SUCCEEDED(rc)) {
		SQLBIGINT pid = 0;
		SQLLEN ind = 0;
		if (n == sizeof v / sizeof v[0]) {   /* that many owners: someone is surely alive */
			*any = true;
			continue;
		}
		memset(&v[n], 0, sizeof v[n]);
		text_col(st, 1, v[n].node, sizeof v[n].node);
		if (SQL_SUCCEEDED(SQLGetData(st, 2, SQL_C_SBIGINT, &pid, 0, &ind)) && ind != SQL_NULL_DATA)
			v[n].pid = (long)pid;
		n++;
	}
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "ledger: reading a job's claims");
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&sql);
	for (size_t i = 0; i < n && r == 0 && !*any; i++) {
		if (strcmp(v[i].node, me->node) == 0 && v[i].pid == me->pid)
			continue;
		if (who != NULL)
			*who = v[i];
		if (strcmp(v[i].node, me->node) != 0) {   /* its lease says it: another node's is renewed while it lives */
			*any = true;
			break;
		}
		r = alive(c, me, &v[i], lease_ms, any, err);
	}
	return r;
}

int
rpl_jobidx_table_busy(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *table,
                      struct rpl_owner *holder, bool *busy, struct rpl_err *err)
{
	memset(holder, 0, sizeof *holder);
	int r = others_live(c, me, lease_ms, "table_name", table, busy, holder, err);
	if (r == 0 && !c->autocommit) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	if (r < 0)
		*busy = false;
	return r;
}

int
rpl_jobidx_dead(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job,
                const struct rpl_jobidx *seen, bool *dead, struct rpl_err *err)
{
	bool live = false;
	*dead = false;
	int r = 0;
	if (seen->holder.node[0] != '\0' && !(strcmp(seen->holder.node, me->node) == 0 && seen->holder.pid == me->pid))
		r = alive(c, me, &seen->holder, lease_ms, &live, err);
	if (r == 0 && !live)
		r = others_live(c, me, lease_ms, "job_id", job, &live, NULL, err);
	if (r == 0 && !c->autocommit) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	*dead = r == 0 && !live;
	return r;
}
