/* tests/integration/test_idxjob.c: a job's index work recorded in the ledger (issue
 * #20; lib/core/jobidx.h, daemon/runner_idx.c).
 * 1. A replicad_jobs made before the index state was kept (its DDL as ledger.c has
 *    it) gets indexes_state, indexes_node, indexes_pid and indexes_at in place on the
 *    first rpl_ledger_ensure: the job's row and values are still there, the new
 *    columns NULL; a second ensure changes nothing. PostgreSQL, MariaDB, SQLite.
 * 2. Two `replicad run` of one six-month range, into PostgreSQL and into MariaDB, the
 *    target with a secondary index on s (dropped for the load) and one on d (kept):
 *    A is stopped while the ledger shows it holding a partition; B loads every other
 *    partition and waits for A's. Then the index on s is still dropped and the job's
 *    row says disabled by A: B did not build it while A still loads. A is continued;
 *    A, whose done-mark is the job's last, builds it, once: the row says rebuilt by
 *    A, only A's log drops and builds indexes, the index exists, nothing is left in
 *    replicad_indexes, and the target equals the source. (The lease is 10 minutes,
 *    so B never takes A's partition over while A is stopped.)
 * 3. A run killed (SIGKILL) with the indexes dropped: the next run, with
 *    load.disable_indexes false (so only the restore of a dead job's indexes can bring
 *    the index back), finds the job dead, restores the index and records it.
 * 4. The same kill, and the job's end then written by another process (as a cancel
 *    given on another node leaves it: 'cancelled', indexes still down): `replicad
 *    serve`'s ledger scan restores them.
 * 5. `replicad check` warns about a MariaDB (InnoDB) target with no index leading with
 *    the date column (an index with it second does not count), naming table and
 *    column and the index to add; not with one, nor for a PostgreSQL target.
 * 6. Two runs into such a table: while A is stopped holding a partition, B claims
 *    none and says it waits for the table; no two processes' claims overlap in time.
 * Nothing waits a fixed time: each step waits for what the ledger or a log shows.
 * argv[1] is the replicad binary. */
#include "edge.h"
#include "it.h"
#include "jobidx.h"
#include "ledger.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin;

/* replicad_jobs as ledger.c creates it, before the index state */
static const char old_jobs[] =
	"CREATE TABLE replicad_jobs ("
	" id varchar(64) NOT NULL PRIMARY KEY, table_name varchar(512) NOT NULL, kind varchar(16) NOT NULL,"
	" range_start varchar(10) NOT NULL, range_end varchar(10) NOT NULL, state varchar(16) NOT NULL,"
	" submitted_at varchar(32) NOT NULL, started_at varchar(32), finished_at varchar(32),"
	" rows_read bigint, rows_written bigint, rows_rejected bigint)";

static const int upgrade_engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };

START_TEST(test_upgrade_jobs)
{
	struct rpl_conn dst;
	it_connect(&dst, upgrade_engines[_i], "dst");
	static const char *const t[] = { "replicad_claims", "replicad_nodes", "replicad_partitions", "replicad_jobs",
	                                 "replicad_indexes" };
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", t[i]);
		it_exec(&dst, sql);
	}
	it_exec(&dst, old_jobs);
	it_exec(&dst, "INSERT INTO replicad_jobs VALUES ('20240101T000000Z-1-abcd', 'sales', 'backfill', '2024-01-01',"
	              " '2024-03-01', 'failed', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', '2024-01-01T00:00:09Z',"
	              " 10, 9, 1)");
	struct rpl_err err = RPL_ERR_INIT;
	for (int round = 0; round < 2; round++)   /* the second finds nothing to add */
		ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s: round %d: %s", it_engine_names[upgrade_engines[_i]],
		              round, err.msg);
	char v[256];
	it_query_str(&dst, "SELECT state FROM replicad_jobs WHERE id = '20240101T000000Z-1-abcd'", v, sizeof v);
	ck_assert_str_eq(v, "failed");
	it_query_str(&dst, "SELECT finished_at FROM replicad_jobs", v, sizeof v);
	ck_assert_str_eq(v, "2024-01-01T00:00:09Z");
	ck_assert_int_eq(it_query_int(&dst, "SELECT rows_read + rows_written + rows_rejected FROM replicad_jobs"), 20);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE indexes_state IS NULL"
	                                    " AND indexes_node IS NULL AND indexes_pid IS NULL AND indexes_at IS NULL"), 1);
	/* and they work: of two processes taking the job's index work, one wins */
	struct rpl_owner p1, p2;
	rpl_owner_init(&p1, "upgrade-1");
	rpl_owner_init(&p2, "upgrade-2");
	bool won1 = false, won2 = true;
	ck_assert_msg(rpl_jobidx_begin_disable(&dst, &p1, "20240101T000000Z-1-abcd", &won1, &err) == 0, "%s", err.msg);
	ck_assert_msg(rpl_jobidx_begin_disable(&dst, &p2, "20240101T000000Z-1-abcd", &won2, &err) == 0, "%s", err.msg);
	ck_assert(won1 && !won2);
	it_query_str(&dst, "SELECT indexes_node FROM replicad_jobs", v, sizeof v);
	ck_assert_str_eq(v, "upgrade-1");
	it_exec(&dst, "DROP TABLE replicad_jobs");   /* the next tests make the ledger afresh */
	rpl_conn_close(&dst);
}
END_TEST

/* the processes a case started: a failed check exits the case's process, and
 * a stopped run must not outlive it */
static int spawned[8];
static size_t nspawned;

static void
kill_spawned(void)
{
	for (size_t i = 0; i < nspawned; i++)
		if (spawned[i] > 0 && kill(spawned[i], 0) == 0) {
			kill(spawned[i], SIGKILL);
			waitpid(spawned[i], NULL, 0);
		}
}

static void
remember(int pid)
{
	if (nspawned == 0)
		atexit(kill_spawned);
	if (nspawned < sizeof spawned / sizeof spawned[0])
		spawned[nspawned++] = pid;
}

/* spawn runs `replicad -v -c cfg run idxjob_t --from 2024-01-01 --to 2024-06-30`,
 * stdout and stderr to log */
static int
spawn(const char *cfg, const char *log)
{
	unlink(log);   /* an earlier case's log must not answer for this one */
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(log, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(replicad_bin, replicad_bin, "-v", "-c", cfg, "run", "idxjob_t", "--from", "2024-01-01", "--to",
		      "2024-06-30", (char *)NULL);
		_exit(127);
	}
	remember((int)pid);
	return (int)pid;
}

/* count_in: how many times text occurs in the file at path */
static int
count_in(const char *path, const char *text)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	int k = 0;
	for (const char *p = buf; (p = strstr(p, text)) != NULL; p += strlen(text))
		k++;
	return k;
}

/* setup: idxjob_t (30,000 rows over six months) in the PostgreSQL source and target
 * d, with an index on d (kept: the range DELETE uses it) and one on s (dropped for a
 * load); the ledger without a row of it */
static void
setup(struct rpl_conn *src, struct rpl_conn *dst, int d)
{
	struct rpl_err err = RPL_ERR_INIT;
	edge_drop(src, "idxjob_t");
	edge_drop(dst, "idxjob_t");
	ck_assert_msg(rpl_ledger_ensure(dst, &err) == 0, "%s", err.msg);
	static const char *const ledger[] = { "replicad_claims", "replicad_partitions", "replicad_jobs", "replicad_indexes" };
	for (size_t i = 0; i < sizeof ledger / sizeof ledger[0]; i++) {
		char sql[256];
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE table_name = 'idxjob_t'", ledger[i]);
		it_exec(dst, sql);
	}
	it_exec(src, "CREATE TABLE idxjob_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	it_exec(src, "INSERT INTO idxjob_t SELECT g, date '2024-01-01' + (g % 182), md5(g::text), g * 1.125"
	             " FROM generate_series(1, 30000) g");
	it_exec(dst, d == IT_PG ? "CREATE TABLE idxjob_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))"
	                        : "CREATE TABLE idxjob_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3))"
	                          " ENGINE=InnoDB");
	it_exec(dst, "CREATE INDEX idxjob_t_d ON idxjob_t (d)");
	it_exec(dst, "CREATE INDEX idxjob_t_s ON idxjob_t (s)");
}

/* has_s_index: whether the target's index idxjob_t_s exists */
static bool
has_s_index(struct rpl_conn *dst, int d)
{
	return it_query_int(dst, d == IT_PG ? "SELECT count(*) FROM pg_indexes WHERE indexname = 'idxjob_t_s'"
	                                    : "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
	                                      " AND TABLE_NAME = 'idxjob_t' AND INDEX_NAME = 'idxjob_t_s'") > 0;
}

/* stop_holding stops pid (SIGSTOP) while the ledger shows it holding a partition of
 * idxjob_t, no ledger row locked (a process stopped inside a claim check keeps its
 * row lock: test_claims.c), and no partition before the ones it holds undone: on
 * MariaDB the range DELETE of the month before a stopped load waits for the load's
 * uncommitted rows at the range's end (InnoDB locks the first key past the range),
 * and under ASan that month was once the second run's, which then failed it */
static void
stop_holding(struct rpl_conn *dst, int d, int pid)
{
	char q[512], before[1024];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'idxjob_t' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", pid);
	snprintf(before, sizeof before, "SELECT count(*) FROM replicad_partitions p WHERE p.table_name = 'idxjob_t'"
	         " AND p.state <> 'done' AND NOT (COALESCE(p.owner_pid, 0) = %d AND p.lease_until IS NOT NULL)"
	         " AND p.range_start < (SELECT min(h.range_start) FROM replicad_partitions h WHERE h.table_name = 'idxjob_t'"
	         " AND h.owner_pid = %d AND h.lease_until IS NOT NULL AND h.state <> 'done')", pid, pid);
	for (;;) {
		ck_assert_msg(it_wait_query(dst, q, 1, pid, 600000) >= 1, "run %d never held a partition", pid);
		ck_assert_msg(it_stop(pid), "run %d ended before it could be stopped", pid);
		if (it_query_int(dst, q) >= 1 && it_query_int(dst, before) == 0 && !it_ledger_rows_locked(dst, d, "idxjob_t"))
			return;
		kill(pid, SIGCONT);
	}
}

/* spawn_stopped starts a run of cfg (its log to log) and stops it as stop_holding
 * does; its loads wait at a gate until then, so however fast it is, it cannot have
 * finished its partitions before the test sees it hold one */
static int
spawn_stopped(struct rpl_conn *dst, int d, const char *cfg, const char *log)
{
	struct it_gate gate;
	it_gate_shut(&gate, d, "idxjob_t");
	int pid = spawn(cfg, log);
	stop_holding(dst, d, pid);
	it_gate_open(&gate);
	return pid;
}

/* same_as_source: the target's idxjob_t equals the source's, value by value */
static void
same_as_source(struct rpl_conn *src, struct rpl_conn *dst, const char *what)
{
	struct it_dump sa, sb;
	it_dump_table(src, "idxjob_t", "id", &sa);
	it_dump_table(dst, "idxjob_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 30000);
	it_dump_compare(&sa, &sb, what);
	it_dump_free(&sa);
	it_dump_free(&sb);
}

static const int run_targets[] = { IT_PG, IT_MARIADB };

static const char *
dst_odbc(int d)
{
	return getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST");
}

START_TEST(test_two_runs_index_once)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d);
	char cfg[1024], la[1024], lb[1024], q[512], v[256];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxjob.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(d), "idxjob_t", "d",
	         "{\"workers\": 2, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\"}"));
	it_config_add(cfg, "\"cluster\": {\"lease\": \"10m\"},");
	snprintf(la, sizeof la, "%s", it_tmpfile("idxjob-a.log"));
	snprintf(lb, sizeof lb, "%s", it_tmpfile("idxjob-b.log"));
	int a = spawn_stopped(&dst, d, cfg, la);
	int64_t held = it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'idxjob_t'"
	                                  " AND lease_until IS NOT NULL AND state <> 'done'");
	/* A dropped the index before its first claim, and says so in the ledger */
	ck_assert_msg(!has_s_index(&dst, d), "the index on s is there while run A loads");
	it_query_str(&dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_str_eq(v, "disabled");
	ck_assert_int_eq(it_query_int(&dst, "SELECT indexes_pid FROM replicad_jobs WHERE table_name = 'idxjob_t'"), a);
	int b = spawn(cfg, lb);
	/* B loads every partition A does not hold, then waits for A's; or takes the
	 * index work too early (then its CREATE INDEX would wait for A's transaction: the
	 * state is asked for too, so that this fails instead of waiting) */
	snprintf(q, sizeof q, "SELECT CASE WHEN (SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t')"
	         " <> 'disabled' THEN 99 ELSE (SELECT count(*) FROM replicad_partitions WHERE table_name = 'idxjob_t'"
	         " AND state = 'done') END");
	ck_assert_int_ge(it_wait_query(&dst, q, 6 - held, b, 600000), 6 - held);
	it_query_str(&dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_msg(strcmp(v, "disabled") == 0, "run B took the index work (%s) while run A still loads", v);
	ck_assert_msg(it_wait_log(lb, "partition held by another process: waiting for it", b, 600000),
	              "run B did not wait for run A's partitions");
	/* nobody builds the indexes while A still loads */
	ck_assert_msg(!has_s_index(&dst, d), "the index on s was built while run A still loads");
	it_query_str(&dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_str_eq(v, "disabled");
	kill(a, SIGCONT);
	ck_assert_int_eq(it_wait_replicad(a), 0);
	ck_assert_int_eq(it_wait_replicad(b), 0);
	/* A marked the last partition done, and built the index once */
	it_query_str(&dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_str_eq(v, "rebuilt");
	ck_assert_int_eq(it_query_int(&dst, "SELECT indexes_pid FROM replicad_jobs WHERE table_name = 'idxjob_t'"), a);
	ck_assert_msg(has_s_index(&dst, d), "the index on s is missing after the job");
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_indexes WHERE table_name = 'idxjob_t'"), 0);
	ck_assert_int_eq(count_in(la, "indexes_dropped=1"), 1);
	ck_assert_int_eq(count_in(lb, "indexes_dropped="), 0);
	ck_assert_int_eq(count_in(la, "indexes_restored=1"), 1);
	ck_assert_int_eq(count_in(lb, "indexes_restored=1"), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'idxjob_t'"
	                                    " AND state = 'done'"), 6);
	same_as_source(&src, &dst, d == IT_PG ? "two runs into postgresql" : "two runs into mariadb");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* killed_with_indexes_down: setup, then a run A (one worker) killed with SIGKILL while
 * it holds a partition, its index on s dropped; returns A's pid */
static int
killed_with_indexes_down(struct rpl_conn *src, struct rpl_conn *dst, int d, const char *cfg)
{
	setup(src, dst, d);
	int a = spawn_stopped(dst, d, cfg, it_tmpfile("idxjob-killed.log"));
	ck_assert_msg(!has_s_index(dst, d), "the index on s is there while run A loads");
	kill(a, SIGKILL);
	ck_assert_int_eq(it_wait_replicad(a), -SIGKILL);
	char v[64];
	it_query_str(dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_str_eq(v, "disabled");
	return a;
}

START_TEST(test_killed_next_run_restores)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	char cfg[1024], cfg2[1024], lb[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxkill.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(d), "idxjob_t",
	         "d", "{\"workers\": 1, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\"}"));
	snprintf(cfg2, sizeof cfg2, "%s", it_write_config("idxkill2.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(d), "idxjob_t",
	         "d", "{\"workers\": 1, \"disable_indexes\": false}"));
	killed_with_indexes_down(&src, &dst, d, cfg);
	snprintf(lb, sizeof lb, "%s", it_tmpfile("idxkill-b.log"));
	int b = spawn(cfg2, lb);
	ck_assert_int_eq(it_wait_replicad(b), 0);
	ck_assert_msg(has_s_index(&dst, d), "the index on s is still missing after the next run");
	ck_assert_int_eq(count_in(lb, "indexes a process left dropped are back"), 1);
	char v[64];
	it_query_str(&dst, "SELECT indexes_state FROM replicad_jobs WHERE table_name = 'idxjob_t'", v, sizeof v);
	ck_assert_str_eq(v, "rebuilt");
	ck_assert_int_eq(it_query_int(&dst, "SELECT indexes_pid FROM replicad_jobs WHERE table_name = 'idxjob_t'"), b);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_indexes WHERE table_name = 'idxjob_t'"), 0);
	same_as_source(&src, &dst, "the run after a kill");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

START_TEST(test_killed_scan_restores)
{
	int d = IT_PG;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	char cfg[1024], sock[1024], log[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxscan.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(d), "idxjob_t",
	         "d", "{\"workers\": 1, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\"}"));
	int a = killed_with_indexes_down(&src, &dst, d, cfg);
	/* the job's end, as a cancel given on another node writes it */
	it_exec(&dst, "UPDATE replicad_jobs SET state = 'cancelled' WHERE table_name = 'idxjob_t'");
	/* daily slots 12 hours away, so that no scheduled job runs beside */
	time_t later = time(NULL) + 12 * 3600;
	struct tm tm;
	gmtime_r(&later, &tm);
	char keys[1400];
	snprintf(sock, sizeof sock, "%s", it_tmpfile("idxscan.sock"));
	snprintf(keys, sizeof keys, "\"socket\": \"%s\", \"schedule\": {\"t1_at\": \"%02d:%02d\", \"reference_at\":"
	         " \"%02d:%02d\", \"t0_every\": \"24h\"},", sock, tm.tm_hour, tm.tm_min, tm.tm_hour, tm.tm_min);
	it_config_add(cfg, keys);
	snprintf(log, sizeof log, "%s", it_tmpfile("idxscan.log"));
	unlink(log);
	pid_t s = fork();
	ck_assert(s >= 0);
	if (s == 0) {
		if (freopen(log, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(replicad_bin, replicad_bin, "-v", "-c", cfg, "serve", (char *)NULL);
		_exit(127);
	}
	remember((int)s);
	int64_t got = it_wait_query(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'idxjob_t'"
	                                  " AND indexes_state = 'rebuilt'", 1, s, 120000);
	kill(s, SIGTERM);
	int st;
	waitpid(s, &st, 0);
	ck_assert_msg(got == 1, "the service did not restore the indexes of the cancelled job (see %s)", log);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the service's stop: status %d (see %s)", st, log);
	ck_assert_msg(has_s_index(&dst, d), "the index on s is still missing");
	ck_assert_int_eq(it_query_int(&dst, "SELECT indexes_pid FROM replicad_jobs WHERE table_name = 'idxjob_t'"), s);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_indexes WHERE table_name = 'idxjob_t'"), 0);
	ck_assert_int_eq(count_in(log, "indexes of a finished job restored"), 1);
	ck_assert(a != s);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* check_output runs `replicad -c cfg check`, its stdout and stderr into out; returns
 * the exit status */
static int
check_output(const char *cfg, char *out, size_t n)
{
	char log[1024];
	snprintf(log, sizeof log, "%s", it_tmpfile("idxcheck.log"));
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(log, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(replicad_bin, replicad_bin, "-c", cfg, "check", (char *)NULL);
		_exit(127);
	}
	int st = it_wait_replicad((int)pid);
	FILE *f = fopen(log, "r");
	ck_assert(f != NULL);
	size_t len = fread(out, 1, n - 1, f);
	out[len] = '\0';
	fclose(f);
	return st;
}

static const char innodb_warning[] = "idxjob_t: warning: target table idxjob_t (InnoDB) has no index that leads with"
                                     " date_column d";

/* `check` names an InnoDB target without an index leading with the date column, and
 * the index to add; not once there is one, nor for a PostgreSQL target */
START_TEST(test_check_innodb_range_lock)
{
	struct rpl_conn src, dst, pg;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	it_connect(&pg, IT_PG, "dst");
	setup(&src, &dst, IT_MARIADB);
	it_exec(&dst, "DROP INDEX idxjob_t_d ON idxjob_t");
	it_exec(&dst, "CREATE INDEX idxjob_t_sd ON idxjob_t (s, d)");   /* d second: no use to the range DELETE */
	char cfg[1024], out[16384];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxcheck.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(IT_MARIADB),
	         "idxjob_t", "d", "{}"));
	ck_assert_int_eq(check_output(cfg, out, sizeof out), 0);   /* a warning, not an error */
	ck_assert_msg(strstr(out, innodb_warning) != NULL, "no InnoDB warning in:\n%s", out);
	ck_assert_msg(strstr(out, "CREATE INDEX idxjob_t_d ON idxjob_t (d)") != NULL, "no index suggested in:\n%s", out);
	it_exec(&dst, "CREATE INDEX idxjob_t_d ON idxjob_t (d, id)");
	ck_assert_int_eq(check_output(cfg, out, sizeof out), 0);
	ck_assert_msg(strstr(out, "InnoDB") == NULL, "a warning with an index on d:\n%s", out);
	edge_drop(&pg, "idxjob_t");
	it_exec(&pg, "CREATE TABLE idxjob_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxcheck-pg.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(IT_PG),
	         "idxjob_t", "d", "{}"));
	ck_assert_int_eq(check_output(cfg, out, sizeof out), 0);
	ck_assert_msg(strstr(out, "warning") == NULL, "a warning for a PostgreSQL target:\n%s", out);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	rpl_conn_close(&pg);
}
END_TEST

/* wait_turn: 0 once run b's log says it waits for the table, 1 if the ledger shows a
 * claim of b's first (one it did not yield), -1 if b ended first */
static int
wait_turn(struct rpl_conn *dst, const char *log, int b)
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'idxjob_t' AND owner_pid = %d"
	         " AND (outcome IS NULL OR outcome <> 'yielded')", b);
	for (;;) {
		if (count_in(log, "table loaded by another process") > 0)
			return 0;
		if (it_query_int(dst, q) > 0)
			return 1;
		if (waitpid(b, NULL, WNOHANG) != 0)
			return -1;
		it_nap_ms(50);
	}
}

/* Two runs of a table whose range DELETE locks the whole table (MariaDB, no index on
 * d): while A is stopped holding a partition, B claims none and says it waits for the
 * table; in the claim history no two processes' claims of the table overlap */
START_TEST(test_one_process_at_a_time)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	setup(&src, &dst, IT_MARIADB);
	it_exec(&dst, "DROP INDEX idxjob_t_d ON idxjob_t");
	char cfg[1024], la[1024], lb[1024], q[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("idxalone.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(IT_MARIADB),
	         "idxjob_t", "d", "{\"workers\": 2, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\"}"));
	it_config_add(cfg, "\"cluster\": {\"lease\": \"10m\"},");
	snprintf(la, sizeof la, "%s", it_tmpfile("idxalone-a.log"));
	snprintf(lb, sizeof lb, "%s", it_tmpfile("idxalone-b.log"));
	int a = spawn_stopped(&dst, IT_MARIADB, cfg, la);
	int b = spawn(cfg, lb);
	int seen = wait_turn(&dst, lb, b);
	ck_assert_msg(seen == 0, "run B did not wait for the table (%s): see %s", seen > 0 ? "it claimed a partition"
	              : "it ended", lb);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'idxjob_t' AND owner_pid = %d"
	         " AND (outcome IS NULL OR outcome <> 'yielded')", b);
	ck_assert_int_eq(it_query_int(&dst, q), 0);
	kill(a, SIGCONT);
	ck_assert_int_eq(it_wait_replicad(a), 0);
	ck_assert_int_eq(it_wait_replicad(b), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims x JOIN replicad_claims y"
	                                    " ON x.table_name = y.table_name AND x.owner_pid <> y.owner_pid"
	                                    " AND x.claimed_at <= y.claimed_at"
	                                    " WHERE x.table_name = 'idxjob_t' AND (x.released_at IS NULL OR y.claimed_at < x.released_at)"
	                                    " AND COALESCE(x.outcome, '') <> 'yielded' AND COALESCE(y.outcome, '') <> 'yielded'"), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims WHERE table_name = 'idxjob_t'"
	                                    " AND outcome = 'done'"), 6);
	same_as_source(&src, &dst, "one process at a time into mariadb");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	replicad_bin = argc > 1 ? argv[1] : "replicad";
	Suite *su = suite_create("idxjob");
	TCase *tc = tcase_create("idxjob");
	tcase_set_timeout(tc, 900);
	tcase_add_loop_test(tc, test_upgrade_jobs, 0, (int)(sizeof upgrade_engines / sizeof upgrade_engines[0]));
	tcase_add_loop_test(tc, test_two_runs_index_once, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	tcase_add_loop_test(tc, test_killed_next_run_restores, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	tcase_add_test(tc, test_killed_scan_restores);
	tcase_add_test(tc, test_check_innodb_range_lock);
	tcase_add_test(tc, test_one_process_at_a_time);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
