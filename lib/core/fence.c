/* lib/core/fence.c: recording a partition's load session and ending an old owner's
 * (see fence.h). The tag is computed by the server, both when it is recorded and
 * when it is checked, from the same expression, so the two compare as text (MariaDB's
 * server start time, computed from its uptime, may differ by a second between the
 * two: it is compared within a few seconds). */
#include "fence.h"
#include "dialect.h"
#include "ledger.h"
#include "ledger_int.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the server's tag of session `who` (an SQL expression for its id), as text */
static const char pg_tag[] = "application_name || '|' || CAST(CAST(floor(extract(epoch FROM backend_start) * 1000000)"
                             " AS bigint) AS varchar)";
static const char my_userhost[] = "CONCAT(p.USER, '@', p.HOST)";
static const char my_boot[] = "(CAST(UNIX_TIMESTAMP() AS SIGNED) - CAST(g.VARIABLE_VALUE AS SIGNED))";
static const char ms_tag[] = "CONCAT(program_name, '|', CONVERT(varchar(33), login_time, 126))";

void
rpl_fence_name_sql(const struct rpl_dialect *d, const struct rpl_owner *me, struct rpl_sbuf *out)
{
	if (d->engine != RPL_ENGINE_POSTGRES)
		return;
	/* the server cuts it to 63 bytes: the tag is read back from the server, so a
	 * long node name only shortens what people see in pg_stat_activity */
	char name[300];
	snprintf(name, sizeof name, "replicad %s %ld", me->node, me->pid);
	rpl_sbuf_add(out, "SET application_name = ");
	rpl_dialect_lit(d, name, out);
}

void
rpl_fence_start_sql(const struct rpl_dialect *d, const struct rpl_owner *me, const char *job, const char *table,
                    const struct rpl_range *r, int claim_no, int attempt, struct rpl_sbuf *out)
{
	char now[32];
	rpl_ledger_now_iso(now);
	rpl_sbuf_addf(out, "UPDATE replicad_partitions SET state = 'running', attempts = %d, updated_at = ", attempt);
	rpl_dialect_lit(d, now, out);
	switch (d->engine) {
	case RPL_ENGINE_POSTGRES:
		rpl_sbuf_addf(out, ", load_session = pg_backend_pid(), load_tag = (SELECT %s FROM pg_stat_activity"
		              " WHERE pid = pg_backend_pid())", pg_tag);
		break;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_addf(out, ", load_session = CONNECTION_ID(), load_tag = (SELECT CONCAT(%s, '|', %s)"
		              " FROM information_schema.PROCESSLIST p, information_schema.GLOBAL_STATUS g"
		              " WHERE p.ID = CONNECTION_ID() AND g.VARIABLE_NAME = 'UPTIME')", my_userhost, my_boot);
		break;
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_addf(out, ", load_session = @@SPID, load_tag = (SELECT %s FROM sys.dm_exec_sessions"
		              " WHERE session_id = @@SPID)", ms_tag);
		break;
	default:   /* SQLite: one writer, no session to end */
		rpl_sbuf_add(out, ", load_session = NULL, load_tag = NULL");
		break;
	}
	/* the counter changes the row, so engines that count changed rows rather than
	 * matched ones (MariaDB) count it even when the same attempt starts again */
	rpl_sbuf_add(out, ", claim_commits = COALESCE(claim_commits, 0) + 1");
	rpl_ledger_where_part(d, job, table, r, out);
	rpl_claim_cond_sql(d, me, claim_no, out);
}

/* my_split: a MariaDB tag is "user@host|boot"; false when it is not */
static bool
my_split(const char *tag, char *uh, size_t n, long long *boot)
{
	const char *bar = strrchr(tag, '|');
	char *end;
	if (bar == NULL || (size_t)(bar - tag) >= n || bar[1] == '\0')
		return false;
	*boot = strtoll(bar + 1, &end, 10);
	if (*end != '\0')
		return false;
	memcpy(uh, tag, (size_t)(bar - tag));
	uh[bar - tag] = '\0';
	return true;
}

void
rpl_fence_probe_sql(const struct rpl_dialect *d, const struct rpl_fence_session *s, struct rpl_sbuf *out)
{
	char uh[sizeof s->tag];
	long long boot;
	switch (d->engine) {
	case RPL_ENGINE_POSTGRES:
		rpl_sbuf_addf(out, "SELECT pid FROM pg_stat_activity WHERE pid = %lld AND pid <> pg_backend_pid() AND %s = ",
		              (long long)s->id, pg_tag);
		rpl_dialect_lit(d, s->tag, out);
		break;
	case RPL_ENGINE_MARIADB:
		if (!my_split(s->tag, uh, sizeof uh, &boot))
			return;
		rpl_sbuf_addf(out, "SELECT p.ID FROM information_schema.PROCESSLIST p, information_schema.GLOBAL_STATUS g"
		              " WHERE p.ID = %lld AND p.ID <> CONNECTION_ID() AND g.VARIABLE_NAME = 'UPTIME' AND %s = ",
		              (long long)s->id, my_userhost);
		rpl_dialect_lit(d, uh, out);
		rpl_sbuf_addf(out, " AND ABS(%s - %lld) <= 5", my_boot, boot);
		break;
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_addf(out, "SELECT session_id FROM sys.dm_exec_sessions WHERE session_id = %lld"
		              " AND session_id <> @@SPID AND %s = ", (long long)s->id, ms_tag);
		rpl_dialect_lit(d, s->tag, out);
		break;
	default:
		break;
	}
}

void
rpl_fence_kill_sql(const struct rpl_dialect *d, const struct rpl_fence_session *s, struct rpl_sbuf *out)
{
	switch (d->engine) {
	case RPL_ENGINE_POSTGRES:
		/* OFFSET 0 keeps the planner from calling pg_terminate_backend before the
		 * probe's conditions have chosen the row */
		rpl_sbuf_add(out, "SELECT CASE WHEN pg_terminate_backend(s.pid) THEN 1 ELSE 0 END FROM (");
		rpl_fence_probe_sql(d, s, out);
		rpl_sbuf_add(out, " OFFSET 0) s");
		break;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_addf(out, "KILL CONNECTION %lld", (long long)s->id);
		break;
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_addf(out, "KILL %lld", (long long)s->id);
		break;
	default:
		break;
	}
}

int
rpl_fence_read(struct rpl_conn *c, const char *job, const char *table, const struct rpl_range *r,
               struct rpl_fence_session *s, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	SQLHSTMT st;
	memset(s, 0, sizeof *s);
	rpl_sbuf_add(&sql, "SELECT load_session, load_tag FROM replicad_partitions");
	rpl_ledger_where_part(c->dialect, job, table, r, &sql);
	if (!rpl_sbuf_ok(&sql))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int rr = rpl_conn_stmt(c, &st, err);
	if (rr < 0) {
		rpl_sbuf_fini(&sql);
		return rr;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLFetch(st);
	if (SQL_SUCCEEDED(rc)) {
		SQLBIGINT id = 0;
		SQLLEN ind[2] = { SQL_NULL_DATA, SQL_NULL_DATA };
		SQLGetData(st, 1, SQL_C_SBIGINT, &id, 0, &ind[0]);
		rc = SQLGetData(st, 2, SQL_C_CHAR, s->tag, sizeof s->tag, &ind[1]);
		s->id = ind[0] == SQL_NULL_DATA ? 0 : (int64_t)id;
		if (ind[1] == SQL_NULL_DATA || !SQL_SUCCEEDED(rc) || rc == SQL_SUCCESS_WITH_INFO)
			s->id = 0, s->tag[0] = '\0';   /* no tag (or one cut short): nothing provable */
		rc = SQL_SUCCESS;
	}
	if (rc == SQL_NO_DATA)
		rc = SQL_SUCCESS;
	if (!SQL_SUCCEEDED(rc))
		rr = rpl_conn_fail(c, st, err, "ledger: reading a partition's load session");
	SQLCloseCursor(st);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&sql);
	return rr;
}

/* refusal: an error of the kill itself (privileges, an unknown id), not of the
 * connection, which is the caller's */
static bool
refusal(const struct rpl_err *e)
{
	return strncmp(e->sqlstate, "08", 2) != 0 && e->native != 2006 && e->native != 2013;
}

int
rpl_fence_end(struct rpl_conn *c, const struct rpl_fence_session *s, enum rpl_fence_result *res, char *msg, size_t n,
              struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct rpl_err kerr = RPL_ERR_INIT;
	int64_t v = 0;
	bool found = false;
	*res = RPL_FENCE_NONE;
	if (n > 0)
		msg[0] = '\0';
	if (s->id <= 0 || s->tag[0] == '\0')
		return 0;
	int rr = 0;
	if (d->engine == RPL_ENGINE_POSTGRES) {
		rpl_fence_kill_sql(d, s, &sql);
		rr = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(&sql), &v, &found, &kerr)
		                       : rpl_err_set(&kerr, RPL_ENOMEM, "out of memory");
		if (rr == 0 && found && v == 1)
			*res = RPL_FENCE_ENDED;
	} else {
		rpl_fence_probe_sql(d, s, &sql);
		if (sql.len > 0) {
			rr = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(&sql), &v, &found, &kerr)
			                       : rpl_err_set(&kerr, RPL_ENOMEM, "out of memory");
			if (rr == 0 && found) {
				rpl_sbuf_reset(&sql);
				rpl_fence_kill_sql(d, s, &sql);
				rr = rpl_conn_exec(c, rpl_sbuf_str(&sql), &kerr);
				if (rr == 0)
					*res = RPL_FENCE_ENDED;
				else if (kerr.native == 1094)   /* unknown thread: it ended meanwhile */
					rr = 0;
			}
		}
	}
	rpl_sbuf_fini(&sql);
	struct rpl_err ignored = RPL_ERR_INIT;
	if (rr < 0 && kerr.code != RPL_ENOMEM && refusal(&kerr)) {
		*res = RPL_FENCE_REFUSED;
		snprintf(msg, n, "%s", kerr.msg);
		rr = 0;
	}
	if (!c->autocommit)
		rpl_conn_rollback(c, &ignored);   /* the fence changed no row: end what it read */
	if (rr < 0)
		*err = kerr;
	return rr;
}

int
rpl_fence_holds(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *table,
                const struct rpl_range *r, int claim_no, bool *holds, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t v = 0;
	bool found = false;
	rpl_sbuf_add(&sql, "SELECT count(*) FROM replicad_partitions");
	rpl_ledger_where_part(c->dialect, job, table, r, &sql);
	rpl_claim_cond_sql(c->dialect, me, claim_no, &sql);
	int rr = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(&sql), &v, &found, err)
	                           : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	struct rpl_err ignored = RPL_ERR_INIT;
	if (!c->autocommit)
		rpl_conn_rollback(c, &ignored);
	*holds = rr == 0 && found && v > 0;
	rpl_sbuf_fini(&sql);
	return rr;
}

int
rpl_fence_expired(struct rpl_conn *c, const struct rpl_owner *me, const char *job, int *ended, int *refused, char *msg,
                  size_t n, struct rpl_err *err)
{
	enum { MAX = 16 };   /* a sweep's sessions; more are left to the next sweep */
	struct rpl_fence_session s[MAX];
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	SQLHSTMT st;
	size_t k = 0;
	*ended = *refused = 0;
	rpl_sbuf_add(&sql, "SELECT load_session, load_tag FROM replicad_partitions WHERE job_id = ");
	rpl_dialect_lit(c->dialect, job, &sql);
	rpl_sbuf_add(&sql, " AND state <> 'done' AND load_session IS NOT NULL AND lease_until IS NOT NULL AND lease_until <= ");
	rpl_claim_now_sql(c->dialect, &sql);
	rpl_sbuf_add(&sql, " AND NOT (owner_node = ");
	rpl_dialect_lit(c->dialect, me->node, &sql);
	rpl_sbuf_addf(&sql, " AND owner_pid = %ld)", me->pid);
	int rr = rpl_sbuf_ok(&sql) ? rpl_conn_stmt(c, &st, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (rr == 0) {
		SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
		while (SQL_SUCCEEDED(rc) && k < MAX && SQL_SUCCEEDED(rc = SQLFetch(st))) {
			SQLBIGINT id = 0;
			SQLLEN ind[2] = { SQL_NULL_DATA, SQL_NULL_DATA };
			SQLGetData(st, 1, SQL_C_SBIGINT, &id, 0, &ind[0]);
			rc = SQLGetData(st, 2, SQL_C_CHAR, s[k].tag, sizeof s[k].tag, &ind[1]);
			s[k].id = (int64_t)id;
			if (ind[0] != SQL_NULL_DATA && ind[1] != SQL_NULL_DATA && rc == SQL_SUCCESS)
				k++;
			rc = SQL_SUCCESS;
		}
		if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
			rr = rpl_conn_fail(c, st, err, "ledger: reading the load sessions of expired claims");
		SQLCloseCursor(st);
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	}
	rpl_sbuf_fini(&sql);
	struct rpl_err ignored = RPL_ERR_INIT;
	if (!c->autocommit)
		rpl_conn_rollback(c, &ignored);
	for (size_t i = 0; i < k && rr == 0; i++) {
		enum rpl_fence_result res;
		char m[512];
		rr = rpl_fence_end(c, &s[i], &res, m, sizeof m, err);
		*ended += res == RPL_FENCE_ENDED;
		if (res == RPL_FENCE_REFUSED) {
			(*refused)++;
			snprintf(msg, n, "%s", m);
		}
	}
	return rr;
}
