/* lib/pg/pg_conn.c: see pg_conn.h. */
#include "pg_conn.h"
#include "odbc_conn.h"
#include "log.h"
#include "refusal.h"
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* connstr_get: the first of keys the ODBC string sets */
static bool
connstr_get(const char *s, const char *const *keys, char *out, size_t n)
{
	for (const char *const *k = keys; *k != NULL; k++)
		if (rpl_connstr_get(s, *k, out, n))
			return true;
	return false;
}

int
rpl_pgconn_fail(void *conn, void *res, const char *side, const char *what, const char *secret,
                struct rpl_err *err)
{
	PGconn *c = conn;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	rpl_err_set(err, RPL_EPG, "%s: %s: %s", side, what, PQerrorMessage(c));
	for (char *p = err->msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (state != NULL)
		snprintf(err->sqlstate, sizeof err->sqlstate, "%s", state);
	/* the column the refusal is about, where PostgreSQL says (refusal.h): a
	 * constraint's own field, else COPY's context line "…, column foo: …" */
	const char *column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	char parsed[128];
	if (column == NULL && res != NULL && rpl_refusal_column(PQresultErrorField(res, PG_DIAG_CONTEXT), parsed, sizeof parsed))
		column = parsed;
	if (column != NULL)
		rpl_err_where(err, NULL, column, -1);
	else if (PQstatus(c) != CONNECTION_OK)
		snprintf(err->sqlstate, sizeof err->sqlstate, "08006");
	rpl_err_scrub(err, secret);
	if (res)
		PQclear(res);
	return err->code;
}

static const char *const k_host[] = { "Server", "Servername", "Host", NULL };
static const char *const k_db[] = { "Database", NULL };

bool
rpl_pgconn_where(const char *odbc)
{
	char v[256];
	return odbc != NULL && connstr_get(odbc, k_host, v, sizeof v) && connstr_get(odbc, k_db, v, sizeof v);
}

/* pg_notice: what the server says outside a result (a NOTICE, or the FATAL of a
 * session ended by pg_terminate_backend while idle) goes to the log, not to the
 * process's stderr where libpq's default would print it bare. arg is the side's name,
 * a string that outlives the connection. */
static void
pg_notice(void *arg, const char *message)
{
	size_t n = strcspn(message, "\n");
	bool serious = strncmp(message, "FATAL", 5) == 0 || strncmp(message, "PANIC", 5) == 0 ||
	               strncmp(message, "ERROR", 5) == 0 || strncmp(message, "WARNING", 7) == 0;
	rpl_log(serious ? RPL_LOG_NOTICE : RPL_LOG_DEBUG, RPL_LOG_ODBC, "%s: the server says: %.*s", (const char *)arg,
	        (int)n, message);
}

int
rpl_pgconn_open(const char *odbc, const char *password, const char *side, void **out, struct rpl_err *err)
{
	static const char *const k_port[] = { "Port", NULL };
	static const char *const k_user[] = { "Uid", "Username", "User", NULL };
	char host[256], port[16] = "5432", db[256], user[256] = "";
	*out = NULL;
	if (!rpl_pgconn_where(odbc))
		return 0;
	connstr_get(odbc, k_host, host, sizeof host);
	connstr_get(odbc, k_db, db, sizeof db);
	connstr_get(odbc, k_port, port, sizeof port);
	connstr_get(odbc, k_user, user, sizeof user);
	/* TimeZone UTC on both sides: timestamptz travels as UTC wall time (odbc_conn.c) */
	const char *keys[] = { "host", "port", "dbname", "user", "application_name", "connect_timeout", "options",
	                       "password", NULL };
	const char *vals[] = { host, port, db, user[0] ? user : NULL, "replicad", "15", "-c TimeZone=UTC", password, NULL };
	PGconn *c = PQconnectdbParams(keys, vals, 0);
	if (PQstatus(c) != CONNECTION_OK) {
		int r = rpl_pgconn_fail(c, NULL, side, "cannot connect", password, err);
		PQfinish(c);
		return r;
	}
	PQsetNoticeProcessor(c, pg_notice, (void *)side);
	*out = c;
	return 0;
}
