/* lib/odbc/odbc_conn.c: ODBC connections. Knows the options each driver needs and how to turn
 * a driver's diagnostics into an rpl_err without ever showing the password. SQL text
 * belongs to the dialects, not here. */
#include "odbc_conn.h"
#include "version.h"
#include "dialect.h"
#include "log.h"
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static pthread_mutex_t connect_lock = PTHREAD_MUTEX_INITIALIZER;

/* Options appended when the user's connection string does not set them. Why each:
 * psqlODBC loads the whole result before the first row unless UseDeclareFetch=1
 * (2.2 GB for 200k wide rows, DRIVERS.md), and maps boolean to char(5) unless
 * BoolsAsChar=0; sqliteodbc streams only with StepAPI=1, and BigInt=1 keeps
 * INTEGER columns 64-bit instead of SQL_INTEGER. */
static const char *
engine_options(enum rpl_engine e)
{
	switch (e) {
	case RPL_ENGINE_POSTGRES:
		return "UseDeclareFetch=1;Fetch=1000;BoolsAsChar=0;Protocol=7.4-0;ConnSettings=SET TimeZone TO 'UTC';UnknownSizes=2;MaxVarcharSize=65535;MaxLongVarcharSize=1048576";
	case RPL_ENGINE_SQLITE:
		return "StepAPI=1;BigInt=1";
	default:
		return "";
	}
}

const char *
rpl_engine_name(enum rpl_engine e)
{
	switch (e) {
	case RPL_ENGINE_SQLITE: return "sqlite";
	case RPL_ENGINE_POSTGRES: return "postgresql";
	case RPL_ENGINE_MARIADB: return "mariadb";
	case RPL_ENGINE_MSSQL: return "mssql";
	case RPL_ENGINE_UNKNOWN: break;
	}
	return "unknown";
}

enum rpl_engine
rpl_engine_from_name(const char *n)
{
	static const struct { const char *name; enum rpl_engine e; } names[] = {
		{ "sqlite", RPL_ENGINE_SQLITE }, { "sqlite3", RPL_ENGINE_SQLITE },
		{ "postgresql", RPL_ENGINE_POSTGRES }, { "postgres", RPL_ENGINE_POSTGRES },
		{ "pg", RPL_ENGINE_POSTGRES }, { "mariadb", RPL_ENGINE_MARIADB },
		{ "mysql", RPL_ENGINE_MARIADB }, { "mssql", RPL_ENGINE_MSSQL },
		{ "sqlserver", RPL_ENGINE_MSSQL }, { "microsoft sql server", RPL_ENGINE_MSSQL },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcasecmp(n, names[i].name) == 0)
			return names[i].e;
	return RPL_ENGINE_UNKNOWN;
}

static enum rpl_engine
engine_from_dbms(const char *dbms)
{
	if (strncasecmp(dbms, "SQLite", 6) == 0)
		return RPL_ENGINE_SQLITE;
	if (strncasecmp(dbms, "PostgreSQL", 10) == 0)
		return RPL_ENGINE_POSTGRES;
	if (strncasecmp(dbms, "MariaDB", 7) == 0 || strncasecmp(dbms, "MySQL", 5) == 0)
		return RPL_ENGINE_MARIADB;
	if (strstr(dbms, "SQL Server") != NULL)
		return RPL_ENGINE_MSSQL;
	return RPL_ENGINE_UNKNOWN;
}

/* conn_read_committed: MariaDB target sessions in READ COMMITTED. Under InnoDB's REPEATABLE
 * READ, two workers' range DELETEs on a table without an index on the date column
 * (every table replicad has just created) each gap-lock the whole table, and their
 * LOAD DATAs then deadlock: every first load with two workers retried a partition
 * (issue #18 item 5). READ COMMITTED takes no gap locks. Not when the server writes a
 * statement-based binary log, which refuses READ COMMITTED writes: there the retry
 * stays. Best effort: a refusal leaves the server's default. */
static void
conn_read_committed(struct rpl_conn *c)
{
	int64_t ok = 0;
	bool found = false;
	struct rpl_err e = RPL_ERR_INIT;
	if (c->engine != RPL_ENGINE_MARIADB || c->side == NULL || strcmp(c->side, "target") != 0 ||
	    rpl_conn_query_int64(c, "SELECT @@log_bin = 0 OR @@binlog_format <> 'STATEMENT'", &ok, &found, &e) < 0 ||
	    !found || ok != 1)
		return;
	SQLSetConnectAttr(c->dbc, SQL_ATTR_TXN_ISOLATION, (SQLPOINTER)(uintptr_t)SQL_TXN_READ_COMMITTED, 0);
}

int
rpl_err_odbc_at(struct rpl_err *e, SQLSMALLINT ht, SQLHANDLE h, const char *what,
                const char *file, int line)
{
	SQLCHAR state[6], text[SQL_MAX_MESSAGE_LENGTH];
	SQLINTEGER native;
	SQLSMALLINT len;
	if (e->code != RPL_OK)
		return e->code;                         /* keep the innermost cause */
	rpl_err_set_at(e, RPL_EODBC, file, line, "%s", what);
	for (SQLSMALLINT i = 1; h != SQL_NULL_HANDLE && SQL_SUCCEEDED(SQLGetDiagRec(ht, h, i,
	                        state, &native, text, sizeof text, &len)); i++) {
		if (i == 1) {
			memcpy(e->sqlstate, state, sizeof e->sqlstate);
			e->native = native;
		}
		size_t n = strlen(e->msg);
		/* drivers end messages with newlines; one line per error reads better */
		for (char *t = (char *)text; *t != '\0'; t++)
			if (*t == '\n' || *t == '\r')
				*t = ' ';
		snprintf(e->msg + n, sizeof e->msg - n, ": [%s] %s", (char *)state, (char *)text);
	}
	return RPL_EODBC;
}

int
rpl_conn_fail_at(struct rpl_conn *c, SQLHSTMT st, struct rpl_err *e, const char *what,
                 const char *file, int line)
{
	if (e->code != RPL_OK)
		return e->code;
	if (st != SQL_NULL_HSTMT)
		rpl_err_odbc_at(e, SQL_HANDLE_STMT, st, what, file, line);
	else
		rpl_err_odbc_at(e, SQL_HANDLE_DBC, c->dbc, what, file, line);
	rpl_err_prefix(e, "%s", c->side);
	rpl_err_scrub(e, c->secret);
	return RPL_EODBC;
}

/* conn_driver_connect builds "connstr;extra;PWD={pw}" and connects. The full string
 * lives only on the stack and is wiped after use. */
static int
conn_driver_connect(struct rpl_conn *c, const char *extra, const char *password, struct rpl_err *err)
{
	size_t need = strlen(c->connstr) + strlen(extra) + (password ? 2 * strlen(password) : 0) + 16;
	char *full = malloc(need);
	if (full == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "%s: out of memory", c->side);
	size_t o = (size_t)snprintf(full, need, "%s", c->connstr);
	if (o > 0 && full[o - 1] != ';' && (extra[0] != '\0' || password != NULL))
		full[o++] = ';', full[o] = '\0';
	if (extra[0] != '\0')
		o += (size_t)snprintf(full + o, need - o, "%s;", extra);
	if (password != NULL) {
		/* braces let a password hold ';'; a '}' inside is doubled per ODBC rules */
		o += (size_t)snprintf(full + o, need - o, "PWD={");
		for (const char *p = password; *p != '\0'; p++) {
			full[o++] = *p;
			if (*p == '}')
				full[o++] = '}';
		}
		full[o++] = '}';
		full[o] = '\0';
	}
	/* one connect at a time in the process: psqlODBC's connect calls setlocale(),
	 * which frees the locale name another thread's connect may be reading (ASan saw
	 * it when verify's slices connected side by side). A connect is milliseconds; one
	 * that hangs holds the others for at most its login timeout (conn_alloc_dbc). */
	pthread_mutex_lock(&connect_lock);
	SQLRETURN rc = SQLDriverConnect(c->dbc, NULL, (SQLCHAR *)full, SQL_NTS, NULL, 0, NULL,
	                                SQL_DRIVER_NOPROMPT);
	pthread_mutex_unlock(&connect_lock);
	explicit_bzero(full, need);
	free(full);
	if (!SQL_SUCCEEDED(rc)) {
		char red[512], what[600];
		rpl_connstr_redact(c->connstr, red, sizeof red);
		snprintf(what, sizeof what, "cannot connect to \"%s\"", red);
		return rpl_conn_fail(c, SQL_NULL_HSTMT, err, what);
	}
	return 0;
}

static void
conn_info(struct rpl_conn *c, SQLUSMALLINT what, char *out, size_t n)
{
	SQLSMALLINT len = 0;
	out[0] = '\0';
	if (!SQL_SUCCEEDED(SQLGetInfo(c->dbc, what, out, (SQLSMALLINT)n, &len)))
		snprintf(out, n, "?");
}

static void
conn_free_handles(struct rpl_conn *c)
{
	if (c->dbc != SQL_NULL_HDBC) {
		SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_ROLLBACK);
		SQLDisconnect(c->dbc);
		SQLFreeHandle(SQL_HANDLE_DBC, c->dbc);
		c->dbc = SQL_NULL_HDBC;
	}
}

static int
conn_alloc_dbc(struct rpl_conn *c, struct rpl_err *err)
{
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, c->env, &c->dbc))) {
		rpl_err_odbc(err, SQL_HANDLE_ENV, c->env, "cannot allocate a connection handle");
		rpl_err_prefix(err, "%s", c->side);
		return RPL_EODBC;
	}
	/* a dead server must not hang a worker forever (seconds) */
	SQLSetConnectAttr(c->dbc, SQL_ATTR_LOGIN_TIMEOUT, (SQLPOINTER)(uintptr_t)15, 0);
	return 0;
}

/* conn_extra fills extra with the options of engine e that connstr does not set
 * itself: options the user wrote always win. */
static void
conn_extra(enum rpl_engine e, const char *connstr, bool existing, char *extra, size_t size)
{
	extra[0] = '\0';
	char opts[512];
	/* NoCreat=1: sqliteodbc made an empty file of a source's or a verify's misspelled
	 * path, which then had "no table" */
	snprintf(opts, sizeof opts, "%s%s", engine_options(e), e == RPL_ENGINE_SQLITE && existing ? ";NoCreat=1" : "");
	for (const char *p = opts; *p != '\0';) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		char kv[128];
		snprintf(kv, sizeof kv, "%.*s", (int)n, p);
		char *eq = strchr(kv, '=');
		*eq = '\0';
		if (!rpl_connstr_has_key(connstr, kv)) {
			*eq = '=';
			size_t l = strlen(extra);
			snprintf(extra + l, size - l, "%s%s", l ? ";" : "", kv);
		}
		p += n + (semi ? 1 : 0);
	}
}

enum rpl_engine
rpl_conn_guess_engine(const char *connstr)
{
	/* names as odbcinst.ini registers them, and the libraries' file names for
	 * Driver=/path/to/lib.so strings */
	static const struct { const char *part; enum rpl_engine e; } parts[] = {
		{ "postgres", RPL_ENGINE_POSTGRES }, { "psqlodbc", RPL_ENGINE_POSTGRES },
		{ "mariadb", RPL_ENGINE_MARIADB }, { "mysql", RPL_ENGINE_MARIADB },
		{ "maodbc", RPL_ENGINE_MARIADB }, { "sqlite", RPL_ENGINE_SQLITE },
		{ "freetds", RPL_ENGINE_MSSQL }, { "tdsodbc", RPL_ENGINE_MSSQL },
		{ "sql server", RPL_ENGINE_MSSQL },
	};
	char drv[256];
	enum rpl_engine found = RPL_ENGINE_UNKNOWN;
	if (!rpl_connstr_get(connstr, "Driver", drv, sizeof drv))
		return RPL_ENGINE_UNKNOWN;            /* a DSN: only the cache can tell */
	for (char *t = drv; *t != '\0'; t++)
		*t = (char)tolower((unsigned char)*t);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (strstr(drv, parts[i].part) == NULL)
			continue;
		if (found != RPL_ENGINE_UNKNOWN && found != parts[i].e)
			return RPL_ENGINE_UNKNOWN;        /* names two engines: no guess */
		found = parts[i].e;
	}
	return found;
}

/* The engine each connection string turned out to be, learned from SQL_DBMS_NAME at
 * its first open in this process: a run opens the same two strings on the main
 * thread and again on every worker, and a DSN names no driver to guess from. Strings
 * longer than a slot are not kept (they are guessed every time). */
static struct { char connstr[512]; enum rpl_engine e; } engine_cache[16];
static size_t engine_cache_next;
static pthread_mutex_t engine_cache_lock = PTHREAD_MUTEX_INITIALIZER;

static enum rpl_engine
engine_cache_get(const char *connstr)
{
	enum rpl_engine e = RPL_ENGINE_UNKNOWN;
	pthread_mutex_lock(&engine_cache_lock);
	for (size_t i = 0; i < sizeof engine_cache / sizeof engine_cache[0]; i++)
		if (engine_cache[i].e != RPL_ENGINE_UNKNOWN && strcmp(engine_cache[i].connstr, connstr) == 0) {
			e = engine_cache[i].e;
			break;
		}
	pthread_mutex_unlock(&engine_cache_lock);
	return e;
}

static void
engine_cache_put(const char *connstr, enum rpl_engine e)
{
	size_t n = sizeof engine_cache / sizeof engine_cache[0];
	if (e == RPL_ENGINE_UNKNOWN || strlen(connstr) >= sizeof engine_cache[0].connstr)
		return;                             /* nothing to learn, or no room */
	pthread_mutex_lock(&engine_cache_lock);
	size_t slot = n;
	for (size_t i = 0; i < n && slot == n; i++)
		if (engine_cache[i].e != RPL_ENGINE_UNKNOWN && strcmp(engine_cache[i].connstr, connstr) == 0)
			slot = i;
	if (slot == n)
		slot = engine_cache_next++ % n;     /* oldest first when full */
	snprintf(engine_cache[slot].connstr, sizeof engine_cache[slot].connstr, "%s", connstr);
	engine_cache[slot].e = e;
	pthread_mutex_unlock(&engine_cache_lock);
}

/* conn_reconnect drops c's connection and connects again with extra. */
static int
conn_reconnect(struct rpl_conn *c, const char *extra, const char *password, struct rpl_err *err)
{
	conn_free_handles(c);
	int r = conn_alloc_dbc(c, err);
	return r == 0 ? conn_driver_connect(c, extra, password, err) : r;
}

bool
rpl_conn_sqlite_missing(const char *connstr, char *path, size_t n)
{
	return rpl_conn_guess_engine(connstr) == RPL_ENGINE_SQLITE && rpl_connstr_get(connstr, "Database", path, n) &&
	       path[0] != '\0' && strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0;
}

static int
conn_open(struct rpl_conn *c, const char *side, const char *connstr, const char *password, bool existing,
          struct rpl_err *err)
{
	memset(c, 0, sizeof *c);
	char path[1024];
	if (existing && rpl_conn_sqlite_missing(connstr, path, sizeof path))
		return rpl_err_set(err, RPL_EINVAL, "%s: the SQLite database file %s does not exist", side, path);
	c->side = side;
	c->autocommit = true;
	c->connstr = strdup(connstr);
	c->secret = password != NULL ? strdup(password) : NULL;
	if (c->connstr == NULL || (password != NULL && c->secret == NULL)) {
		rpl_conn_close(c);
		return rpl_err_set(err, RPL_ENOMEM, "%s: out of memory", side);
	}
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &c->env)) ||
	    !SQL_SUCCEEDED(SQLSetEnvAttr(c->env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0))) {
		rpl_conn_close(c);
		return rpl_err_set(err, RPL_EODBC, "%s: cannot initialise unixODBC", side);
	}
	/* Connect once with the options of the engine we expect (an earlier open of the
	 * same string, else the Driver= name): each connect is a TCP handshake plus SCRAM
	 * authentication, ~11 ms on loopback, and a run opens a dozen. The server's own
	 * SQL_DBMS_NAME still decides; a wrong guess costs the reconnect that every open
	 * used to make. */
	enum rpl_engine guess = engine_cache_get(connstr);
	if (guess == RPL_ENGINE_UNKNOWN)
		guess = rpl_conn_guess_engine(connstr);
	char used[512], want[512];
	conn_extra(guess, c->connstr, existing, used, sizeof used);
	struct rpl_err gerr = RPL_ERR_INIT;
	int r = conn_alloc_dbc(c, err);
	if (r == 0 && (r = conn_driver_connect(c, used, password, &gerr)) < 0) {
		/* A driver might refuse options meant for another's; not when the server
		 * could not be reached at all (class 08, timeouts): that would only double
		 * the wait for a dead server. */
		bool unreachable = strncmp(gerr.sqlstate, "08", 2) == 0 || strcmp(gerr.sqlstate, "HYT00") == 0 ||
		                   strcmp(gerr.sqlstate, "HYT01") == 0;
		if (used[0] == '\0' || unreachable) {
			if (err->code == RPL_OK)
				*err = gerr;
		} else {
			used[0] = '\0';
			r = conn_reconnect(c, used, password, err);
		}
	}
	if (r < 0)
		goto out;
	conn_info(c, SQL_DBMS_NAME, c->dbms_name, sizeof c->dbms_name);
	c->engine = engine_from_dbms(c->dbms_name);
	conn_extra(c->engine, c->connstr, existing, want, sizeof want);
	if (strcmp(want, used) != 0 && (r = conn_reconnect(c, want, password, err)) < 0)
		goto out;
	engine_cache_put(connstr, c->engine);
	conn_info(c, SQL_DBMS_VER, c->dbms_ver, sizeof c->dbms_ver);
	conn_info(c, SQL_DRIVER_NAME, c->driver_name, sizeof c->driver_name);
	conn_info(c, SQL_DRIVER_VER, c->driver_ver, sizeof c->driver_ver);
	conn_info(c, SQL_DRIVER_ODBC_VER, c->driver_odbc_ver, sizeof c->driver_odbc_ver);
	rpl_version_tidy(c->dbms_ver, sizeof c->dbms_ver, c->engine, true);
	rpl_version_tidy(c->driver_ver, sizeof c->driver_ver, c->engine, false);
	rpl_version_tidy(c->driver_odbc_ver, sizeof c->driver_odbc_ver, c->engine, false);
	conn_read_committed(c);
	/* MariaDB reads and writes TIMESTAMP as wall time in the session's zone: in UTC,
	 * like the PostgreSQL sessions, a TIMESTAMP travels as its instant whatever zone
	 * the server or a user's default sets, and no local time falls into a DST gap
	 * (issue #15). An offset needs no time zone tables. */
	if (c->engine == RPL_ENGINE_MARIADB && (r = rpl_conn_exec(c, "SET time_zone = '+00:00'", err)) < 0)
		goto out;
	c->dialect = rpl_dialect_for(c->engine);
out:
	if (r < 0)
		rpl_conn_close(c);
	return r;
}

int
rpl_conn_open(struct rpl_conn *c, const char *side, const char *connstr, const char *password, struct rpl_err *err)
{
	return conn_open(c, side, connstr, password, strcmp(side, "source") == 0, err);
}

int
rpl_conn_open_existing(struct rpl_conn *c, const char *side, const char *connstr, const char *password,
                       struct rpl_err *err)
{
	return conn_open(c, side, connstr, password, true, err);
}

void
rpl_conn_close(struct rpl_conn *c)
{
	conn_free_handles(c);
	if (c->env != SQL_NULL_HENV)
		SQLFreeHandle(SQL_HANDLE_ENV, c->env);
	c->env = SQL_NULL_HENV;
	free(c->connstr);
	c->connstr = NULL;
	rpl_secret_free(c->secret);
	c->secret = NULL;
}

int
rpl_conn_stmt(struct rpl_conn *c, SQLHSTMT *st, struct rpl_err *err)
{
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, c->dbc, st)))
		return rpl_conn_fail(c, SQL_NULL_HSTMT, err, "cannot allocate a statement");
	return 0;
}

int
rpl_conn_exec_count(struct rpl_conn *c, const char *sql, int64_t *rows, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (rows != NULL)
		*rows = 0;
	if (r < 0)
		return r;
	/* -vv: what replicad sends outside the row stream (statements carry ranges, ids
	 * and counts, never row values) */
	rpl_log(RPL_LOG_DEBUG, RPL_LOG_ODBC, "%s: %s", c->side ? c->side : "?", sql);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) {
		char what[300];
		snprintf(what, sizeof what, "%.280s", sql);
		r = rpl_conn_fail(c, st, err, what);
	} else if (rows != NULL && rc != SQL_NO_DATA) {
		SQLLEN n = 0;
		if (SQL_SUCCEEDED(SQLRowCount(st, &n)) && n > 0)
			*rows = n;
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

int
rpl_conn_exec(struct rpl_conn *c, const char *sql, struct rpl_err *err)
{
	return rpl_conn_exec_count(c, sql, NULL, err);
}

int
rpl_conn_query_int64(struct rpl_conn *c, const char *sql, int64_t *out, bool *found,
                     struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLLEN ind = SQL_NULL_DATA;
	*found = false;
	rpl_log(RPL_LOG_DEBUG, RPL_LOG_ODBC, "%s: %s", c->side ? c->side : "?", sql);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLBindCol(st, 1, SQL_C_SBIGINT, out, 0, &ind);
	if (SQL_SUCCEEDED(rc)) {
		rc = SQLFetch(st);
		if (rc == SQL_NO_DATA)
			rc = SQL_SUCCESS;
		else if (SQL_SUCCEEDED(rc))
			*found = ind != SQL_NULL_DATA;
	}
	if (!SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, sql);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

int
rpl_conn_set_autocommit(struct rpl_conn *c, bool on, struct rpl_err *err)
{
	SQLRETURN rc = SQLSetConnectAttr(c->dbc, SQL_ATTR_AUTOCOMMIT,
	                                 (SQLPOINTER)(uintptr_t)(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), 0);
	if (!SQL_SUCCEEDED(rc))
		return rpl_conn_fail(c, SQL_NULL_HSTMT, err, "cannot set autocommit");
	c->autocommit = on;
	return 0;
}

int
rpl_conn_commit(struct rpl_conn *c, struct rpl_err *err)
{
	if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_COMMIT)))
		return rpl_conn_fail(c, SQL_NULL_HSTMT, err, "commit");
	return 0;
}

int
rpl_conn_rollback(struct rpl_conn *c, struct rpl_err *err)
{
	if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, c->dbc, SQL_ROLLBACK)))
		return rpl_conn_fail(c, SQL_NULL_HSTMT, err, "rollback");
	return 0;
}
