/* tests/integration/it.c: see it.h. */
#include "it.h"
#include "dialect.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *const it_engine_names[IT_NENGINES] = { "sqlite", "postgresql", "mariadb" };

static const char *
need_env(const char *name)
{
	const char *v = getenv(name);
	ck_assert_msg(v != NULL && v[0] != '\0', "%s is not set: run the suite under tests/harness/with-servers", name);
	return v;
}

const char *
it_tmpfile(const char *name)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s/%s", need_env("RPL_TEST_DIR"), name);
	return path;
}

void
it_connect(struct rpl_conn *c, int e, const char *which)
{
	char connstr[1200];
	const char *pw = NULL;
	bool src = strcmp(which, "src") == 0;
	if (e == IT_SQLITE) {
		const char *path = it_tmpfile(src ? "it_src.db" : "it_dst.db");
		snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", path);
		/* a source file must exist (replicad does not make one: odbc_conn.h); the
		 * tests write theirs through this connection, as another tool would */
		FILE *f = src ? fopen(path, "a") : NULL;
		if (f != NULL)
			fclose(f);
	} else {
		snprintf(connstr, sizeof connstr, "%s", need_env(e == IT_PG ? (src ? "RPL_TEST_PG_SRC" : "RPL_TEST_PG_DST")
		                                                             : (src ? "RPL_TEST_MARIADB_SRC" : "RPL_TEST_MARIADB_DST")));
		pw = need_env("RPL_TEST_PASSWORD");
	}
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_conn_open(c, src ? "source" : "target", connstr, pw, &err);
	ck_assert_msg(r == 0, "connect %s %s: %s", it_engine_names[e], which, err.msg);
}

int
it_exec_ok(struct rpl_conn *c, const char *sql)
{
	struct rpl_err err = RPL_ERR_INIT;
	return rpl_conn_exec(c, sql, &err) == 0 ? 0 : -1;
}

void
it_exec(struct rpl_conn *c, const char *sql)
{
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_conn_exec(c, sql, &err);
	ck_assert_msg(r == 0, "%s: %.200s: %s", rpl_engine_name(c->engine), sql, err.msg);
}

const char *
it_write_config(const char *name, const char *src_odbc, const char *dst_odbc, const char *table,
                const char *date_column, const char *load_json)
{
	static char cfg[1024];
	char pw[1024], state[1024], tabs[512];
	snprintf(pw, sizeof pw, "%s", it_tmpfile("it-password"));
	FILE *f = fopen(pw, "w");
	ck_assert(f != NULL);
	fprintf(f, "%s\n", need_env("RPL_TEST_PASSWORD"));
	fclose(f);
	ck_assert(chmod(pw, 0600) == 0);   /* a password file others may read is refused */
	snprintf(state, sizeof state, "%s", it_tmpfile("it-state"));
	if (date_column != NULL)
		snprintf(tabs, sizeof tabs, "{\"name\": \"%s\", \"date_column\": \"%s\"}", table, date_column);
	else
		snprintf(tabs, sizeof tabs, "{\"name\": \"%s\"}", table);
	snprintf(cfg, sizeof cfg, "%s", it_tmpfile(name));
	f = fopen(cfg, "w");
	ck_assert(f != NULL);
	fprintf(f, "{ \"source\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"target\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"tables\": [%s],\n  \"load\": %s,\n  \"state_dir\": \"%s\" }\n",
	        src_odbc, pw, dst_odbc, pw, tabs, load_json, state);
	fclose(f);
	return cfg;
}

int
it_spawn_replicad(const char *bin, const char *cfg, const char *table, const char *from, const char *to,
                  bool keep_stderr)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL || (!keep_stderr && freopen("/dev/null", "w", stderr) == NULL))
			_exit(126);
		execl(bin, bin, "-c", cfg, "run", table, "--from", from, "--to", to, (char *)NULL);
		_exit(127);
	}
	return (int)pid;
}

int
it_spawn_replicad_log(const char *bin, const char *cfg, const char *table, const char *from, const char *to,
                      const char *log)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL || freopen(log, "a", stderr) == NULL)
			_exit(126);
		execl(bin, bin, "-v", "-c", cfg, "run", table, "--from", from, "--to", to, (char *)NULL);
		_exit(127);
	}
	return (int)pid;
}

void
it_config_add(const char *cfg, const char *text)
{
	char buf[8192];
	FILE *f = fopen(cfg, "r");
	ck_assert_msg(f != NULL, "cannot read %s", cfg);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *sd = strstr(buf, "\"state_dir\"");
	ck_assert_msg(sd != NULL, "%s has no state_dir", cfg);
	f = fopen(cfg, "w");
	ck_assert_msg(f != NULL, "cannot write %s", cfg);
	fprintf(f, "%.*s%s\n  %s", (int)(sd - buf), buf, text, sd);
	fclose(f);
}

bool
it_file_has(const char *path, const char *text)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

bool
it_stop(int pid)
{
	ck_assert_msg(kill((pid_t)pid, SIGSTOP) == 0, "cannot stop process %d", pid);
	siginfo_t si;
	for (;;) {   /* the group stop is reported once it is complete; WNOWAIT reaps nothing */
		memset(&si, 0, sizeof si);
		if (waitid(P_PID, (id_t)pid, &si, WSTOPPED | WEXITED | WNOWAIT) == 0)
			break;
		ck_assert_msg(errno == EINTR, "waiting for process %d to stop: %s", pid, strerror(errno));
	}
	return si.si_code == CLD_STOPPED;
}

/* it_alive: a child that has exited but not been waited for is a zombie, which
 * kill(pid, 0) still finds; /proc says which it is */
static bool
it_alive(int pid)
{
	char path[64], state = '?';
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return false;
	if (fscanf(f, "%*d (%*[^)]) %c", &state) != 1)
		state = '?';
	fclose(f);
	return state != 'Z' && state != 'X';
}

bool
it_wait_log(const char *log, const char *text, int pid, int timeout_ms)
{
	for (int waited = 0;; waited += 50) {
		FILE *f = fopen(log, "r");
		if (f != NULL) {
			char line[4096];
			bool found = false;
			while (!found && fgets(line, sizeof line, f) != NULL)
				found = strstr(line, text) != NULL;
			fclose(f);
			if (found)
				return true;
		}
		if (waited >= timeout_ms || (pid > 0 && !it_alive(pid)))
			return false;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int64_t
it_wait_query(struct rpl_conn *c, const char *q, int64_t want, int pid, int timeout_ms)
{
	int64_t v = 0;
	for (int waited = 0;; waited += 50) {
		bool found = false;
		struct rpl_err err = RPL_ERR_INIT;
		ck_assert_msg(rpl_conn_query_int64(c, q, &v, &found, &err) == 0, "%s: %s", q, err.msg);
		if (!found)
			v = 0;
		if (v >= want || waited >= timeout_ms)
			return v;
		if (pid > 0 && !it_alive(pid)) {   /* it may have ended just after the read: its last state */
			ck_assert_msg(rpl_conn_query_int64(c, q, &v, &found, &err) == 0, "%s: %s", q, err.msg);
			return found ? v : 0;
		}
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	}
}

int
it_wait_replicad(int pid)
{
	int st;
	ck_assert(waitpid((pid_t)pid, &st, 0) == (pid_t)pid);
	return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
}

void
it_query_str(struct rpl_conn *c, const char *sql, char *out, size_t n)
{
	SQLHSTMT st;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_stmt(c, &st, &err) == 0, "stmt: %s", err.msg);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	ck_assert_msg(SQL_SUCCEEDED(rc), "%s failed", sql);
	rc = SQLFetch(st);
	ck_assert_msg(SQL_SUCCEEDED(rc), "%s: no row", sql);
	SQLLEN ind = 0;
	rc = SQLGetData(st, 1, SQL_C_CHAR, out, (SQLLEN)n, &ind);
	ck_assert_msg(SQL_SUCCEEDED(rc), "%s: no value", sql);
	if (ind == SQL_NULL_DATA)
		snprintf(out, n, "NULL");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

int64_t
it_query_int(struct rpl_conn *c, const char *sql)
{
	int64_t v = -1;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_query_int64(c, sql, &v, &found, &err) == 0 && found, "%s: %s", sql, err.msg);
	return v;
}

void
it_nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* busy_statements: statements other sessions of dst's database are running that do
 * not wait for a lock: one sent just before a process was stopped may still be on
 * its way to taking a lock the NOWAIT check below would then miss */
static int64_t
busy_statements(struct rpl_conn *dst, int d)
{
	return it_query_int(dst, d == IT_PG
		? "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
		  " AND state = 'active' AND wait_event_type IS DISTINCT FROM 'Lock'"
		  " AND wait_event_type IS DISTINCT FROM 'Client'"
		: "SELECT count(*) FROM information_schema.PROCESSLIST p WHERE p.ID <> CONNECTION_ID()"
		  " AND p.DB = DATABASE() AND p.COMMAND IN ('Query', 'Execute') AND p.STATE NOT LIKE '%lock%'"
		  " AND p.ID NOT IN (SELECT trx_mysql_thread_id FROM information_schema.INNODB_TRX"
		  " WHERE trx_state = 'LOCK WAIT')");
}

/* it_ledger_rows_locked: whether a ledger row of table t (its partitions, its jobs)
 * or the ledger's lock row is locked right now (a claim, a claim check or done-mark
 * just before its commit, an open of a job, of a process the test is about to stop:
 * stopped there, it would keep the lock, and nobody could take its partition until it
 * goes on). Asked of the database with NOWAIT, then let go at once, once no other
 * session is in the middle of a statement that does not wait for a lock. */
bool
it_ledger_rows_locked(struct rpl_conn *dst, int d, const char *t)
{
	for (int i = 0; busy_statements(dst, d) > 0; i++) {
		ck_assert_msg(i < 12000, "the target's sessions never settled");
		it_nap_ms(20);
	}
	static const char *const what[] = {
		"SELECT 1 FROM replicad_partitions WHERE table_name = ",
		"SELECT 1 FROM replicad_jobs WHERE table_name = ",
		"SELECT 1 FROM replicad_lock WHERE name <> ",
	};
	bool locked = false;
	struct rpl_err err = RPL_ERR_INIT, ignored = RPL_ERR_INIT;
	for (size_t k = 0; k < sizeof what / sizeof what[0] && !locked; k++) {
		char sel[300], q[400];
		int64_t n = 0;
		bool found = false;
		snprintf(sel, sizeof sel, "%s'%s'", what[k], t);
		if (d == IT_PG)
			snprintf(q, sizeof q, "SELECT count(*) FROM (%s FOR UPDATE NOWAIT) x", sel);
		else
			snprintf(q, sizeof q, "%s FOR UPDATE NOWAIT", sel);
		ck_assert(rpl_conn_set_autocommit(dst, false, &err) == 0);
		locked = rpl_conn_query_int64(dst, q, &n, &found, &err) < 0;
		rpl_conn_rollback(dst, &ignored);
		ck_assert(rpl_conn_set_autocommit(dst, true, &ignored) == 0);
	}
	return locked;
}
