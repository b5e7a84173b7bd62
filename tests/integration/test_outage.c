/* tests/integration/test_outage.c: the target server stops in the middle of a job and
 * comes back; the job retries, reconnects and finishes, and the target equals the
 * source (load.outage_wait "0": attempts are spent); and with waiting on (the
 * default), outages cost no attempt (test_outage_waits). Source MariaDB, target
 * PostgreSQL (COPY sink), restarted by the harness's `servers.sh pg-down/pg-up`:
 * down once a partition of the job is done, up once replicad has logged a retry
 * (states, not times). argv[1]: replicad, argv[2]: tests/harness/servers.sh. */
#include "edge.h"
#include "it.h"
#include "logfmt.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin, *servers_sh;

static int
harness(const char *verb)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s' %s '%s'", servers_sh, verb, getenv("RPL_TEST_DIR"));
	return system(cmd);
}

START_TEST(test_target_restarts)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "outage_t");
	edge_drop(&dst, "outage_t");
	it_exec(&src, "CREATE TABLE outage_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO outage_t SELECT seq, '2024-01-01' + INTERVAL (seq MOD 182) DAY, MD5(seq), seq * 1.125"
	              " FROM seq_1_to_60000");
	it_exec(&dst, "CREATE TABLE outage_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	rpl_conn_close(&dst);

	char cfg[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("outage.json", getenv("RPL_TEST_MARIADB_SRC"),
	         getenv("RPL_TEST_PG_DST"), "outage_t", "d",
	         "{\"workers\": 1, \"commit_rows\": 2000, \"chunk_bytes\": \"64KiB\", \"max_attempts\": 10,"
	         " \"outage_wait\": \"0\"}"));   /* the attempts path; test_outage_waits has the other */
	/* a first run loads everything; then the outage comes once a second run has a
	 * partition done (a state in the ledger, not a moment measured on a quiet
	 * machine), and ends once replicad says it is retrying. The second run is held
	 * at February by a transaction of the test's that deleted February's rows and
	 * keeps their locks (the run's range DELETE waits for it): a fast copy once
	 * loaded all six months between two looks at the ledger. The restart ends it. */
	int st;
	ck_assert_int_eq(it_wait_replicad(it_spawn_replicad(replicad_bin, cfg, "outage_t", "2024-01-01", "2024-06-30", true)), 0);
	it_connect(&dst, IT_PG, "dst");
	int64_t jobs = it_wait_query(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'outage_t'", 1, 0, 0);
	char log[1024], q[400];
	snprintf(log, sizeof log, "%s", it_tmpfile("outage.log"));
	unlink(log);
	struct rpl_conn blk;
	struct rpl_err berr = RPL_ERR_INIT;
	it_connect(&blk, IT_PG, "dst");
	ck_assert(rpl_conn_set_autocommit(&blk, false, &berr) == 0);
	ck_assert_msg(rpl_conn_exec(&blk, "DELETE FROM outage_t WHERE d >= '2024-02-01' AND d < '2024-03-01'", &berr) == 0,
	              "%s", berr.msg);
	pid_t pid = it_spawn_replicad_log(replicad_bin, cfg, "outage_t", "2024-01-01", "2024-06-30", log);
	snprintf(q, sizeof q, "SELECT CASE WHEN (SELECT count(*) FROM replicad_jobs WHERE table_name = 'outage_t') > %lld"
	         " THEN (SELECT count(*) FROM replicad_partitions WHERE state = 'done' AND job_id ="
	         " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'outage_t')) ELSE 0 END", (long long)jobs);
	int64_t done = it_wait_query(&dst, q, 1, pid, 300000);
	rpl_conn_close(&dst);
	ck_assert_msg(done >= 1 && done < 6 && waitpid(pid, &st, WNOHANG) == 0,
	              "the second run was not under way with partitions left (%lld of 6 done)", (long long)done);
	ck_assert_int_eq(harness("pg-down"), 0);
	bool felt = it_wait_log(log, "retry_in_ms", pid, 300000);
	ck_assert_int_eq(harness("pg-up"), 0);
	rpl_conn_close(&blk);   /* its server is gone, and its transaction with it */
	ck_assert_msg(felt, "replicad never retried while the target was down (see %s)", log);
	st = it_wait_replicad(pid);
	ck_assert_msg(st == 0, "replicad ended with status %d after the outage", st);

	it_connect(&dst, IT_PG, "dst");
	struct it_dump a, b;
	it_dump_table(&src, "outage_t", "id", &a);
	it_dump_table(&dst, "outage_t", "id", &b);
	ck_assert_int_eq(a.nrows, 60000);
	it_dump_compare(&a, &b, "after the target restarted");
	it_dump_free(&a);
	it_dump_free(&b);
	int64_t n;
	bool found;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT max(attempts) FROM replicad_partitions WHERE job_id ="
	                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'outage_t')",
	                               &n, &found, &err) == 0);
	ck_assert_msg(n >= 2, "no partition needed a second attempt: the outage was not felt");
	/* the job's end is recorded on the control connection, which the restart broke:
	 * the runner must notice and open it again */
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM replicad_jobs WHERE state = 'done' AND id ="
	                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'outage_t')",
	                               &n, &found, &err) == 0);
	ck_assert_msg(n == 1, "the job is not recorded as done after the target restarted");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* spawn_logged starts replicad -v run outage_w over two years, stdout to /dev/null,
 * stderr into log */
static pid_t
spawn_logged(const char *cfg, const char *log)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL || freopen(log, "w", stderr) == NULL)
			_exit(126);
		execl(replicad_bin, replicad_bin, "-v", "-c", cfg, "run", "outage_w", "--from", "2022-01-01", "--to",
		      "2023-12-31", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* log_count: lines of log holding text */
static int
log_count(const char *log, const char *text)
{
	FILE *f = fopen(log, "r");
	if (f == NULL)
		return 0;
	char line[8192];
	int n = 0;
	while (fgets(line, sizeof line, f) != NULL)
		n += strstr(line, text) != NULL;
	fclose(f);
	return n;
}

/* wait_lines waits until log holds want lines with text, or pid has ended; true when
 * it holds them */
static bool
wait_lines(const char *log, const char *text, int want, pid_t pid, int *status)
{
	for (int i = 0; i < 1200; i++) {   /* a state, not a time: 60 s at most */
		if (log_count(log, text) >= want)
			return true;
		int st;
		if (*status == -2 && waitpid(pid, &st, WNOHANG) == pid)
			*status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		if (*status != -2)
			return log_count(log, text) >= want;
		it_nap_ms(50);
	}
	return false;
}

static bool
wait_log(const char *log, const char *text, pid_t pid, int *status)
{
	return wait_lines(log, text, 1, pid, status);
}

/* An outage is waited out, not paid in attempts (issue #18 item 4): with
 * max_attempts 1, a target that is down when the job starts, and then every
 * connection to it cut in the middle of the job, still give a job that ends done,
 * every partition at attempt 1, one line per outage (a warning while the target is
 * down, a notice that the databases answer when only the connections were cut) and
 * one notice when it ends. */
START_TEST(test_outage_waits)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "outage_w");
	edge_drop(&dst, "outage_w");
	it_exec(&src, "CREATE TABLE outage_w (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
	it_exec(&src, "INSERT INTO outage_w SELECT g, date '2022-01-01' + (g % 730), md5(g::text) FROM generate_series(1, 240000) g");
	it_exec(&dst, "CREATE TABLE outage_w (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
	rpl_conn_close(&dst);
	char cfg[1024], log[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("outage-w.json", getenv("RPL_TEST_PG_SRC"), getenv("RPL_TEST_PG_DST"),
	         "outage_w", "d", "{\"workers\": 1, \"commit_rows\": 2000, \"max_attempts\": 1, \"outage_wait\": \"10m\"}"));
	snprintf(log, sizeof log, "%s", it_tmpfile("outage-w.log"));

	/* 1. the target is down when the job starts: it waits, then goes on */
	ck_assert_int_eq(harness("pg-down"), 0);
	pid_t pid = spawn_logged(cfg, log);
	int st = -2;
	bool felt = wait_log(log, "database unreachable", pid, &st);
	ck_assert_int_eq(harness("pg-up"), 0);
	rpl_conn_close(&src);   /* the restart cut this one too */
	it_connect(&src, IT_PG, "src");
	ck_assert_msg(felt, "no 'database unreachable' line while the target was down (status %d)", st);
	/* 2. mid-job, once a partition is done, every connection to the target is cut
	 * while the worker holds no claim: the job is paused through the ledger, so the
	 * worker waits before its next partition (a state: its log says so), and the cut
	 * is found by its next look at the claim. A cut in the middle of a partition, the
	 * claim held, is test_fence's test_session_ended_reachable. */
	ck_assert_msg(wait_log(log, "state=done", pid, &st), "no partition done after the target came back (status %d)", st);
	it_connect(&dst, IT_PG, "dst");
	ck_assert_msg(st == -2, "the job ended before its connections could be cut: make the table bigger");
	const char *job = "(SELECT max(id) FROM replicad_jobs WHERE table_name = 'outage_w')";
	char q[300];
	snprintf(q, sizeof q, "UPDATE replicad_jobs SET control = 'pause' WHERE id = %s", job);
	it_exec(&dst, q);
	ck_assert_msg(wait_log(log, "holding before this partition", pid, &st), "the pause never held the worker (status %d)", st);
	it_exec(&dst, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
	              " AND datname = current_database() AND usename = current_user");
	bool cut_felt = wait_log(log, "connection lost while the databases answer", pid, &st);
	snprintf(q, sizeof q, "UPDATE replicad_jobs SET control = 'run' WHERE id = %s", job);
	it_exec(&dst, q);
	/* the target answers while its connections are cut: the log says so, not "unreachable" */
	ck_assert_msg(cut_felt && wait_lines(log, "reachable again", 2, pid, &st) && log_count(log, "database unreachable") == 1 &&
	              log_count(log, "connection lost while the databases answer") == 1,
	              "the cut was not waited out as a lost connection (status %d, %d outages logged, %d cuts)", st,
	              log_count(log, "database unreachable"), log_count(log, "connection lost while the databases answer"));
	if (st == -2)
		st = it_wait_replicad(pid);
	char text[8192] = "";
	FILE *f = fopen(log, "r");
	if (f != NULL) {
		text[fread(text, 1, sizeof text - 1, f)] = '\0';
		fclose(f);
	}
	ck_assert_msg(st == 0, "replicad ended with %d after two outages and max_attempts 1:\n%.3000s", st, text);
	ck_assert_msg(log_count(log, "reachable again") == 2 && log_count(log, "state=failed") == 0, "%.3000s", text);
	int64_t n = 0;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT max(attempts) FROM replicad_partitions WHERE job_id ="
	                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'outage_w')",
	                               &n, &found, &err) == 0);
	ck_assert_msg(n == 1, "a partition spent %lld attempts on an outage", (long long)n);
	{   /* every log line of the run is logfmt (issue #18 item 6): -vv SQL, errors that quote */
		char bad[1000];
		long nl = logfmt_check_file(log, bad, sizeof bad);
		ck_assert_msg(nl > 0 && bad[0] == '\0', "%ld log lines; %s", nl, bad);
	}
	struct it_dump a, b;
	it_dump_table(&src, "outage_w", "id", &a);
	it_dump_table(&dst, "outage_w", "id", &b);
	it_dump_compare(&a, &b, "after two outages waited out");
	it_dump_free(&a);
	it_dump_free(&b);
	edge_drop(&src, "outage_w");
	edge_drop(&dst, "outage_w");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_outage /path/to/replicad /path/to/servers.sh\n");
		return 2;
	}
	replicad_bin = argv[1];
	servers_sh = argv[2];
	Suite *s = suite_create("outage");
	TCase *tc = tcase_create("outage");
	tcase_set_timeout(tc, 900);   /* a deadline for a hang, not a measure of speed */
	tcase_add_test(tc, test_target_restarts);
	tcase_add_test(tc, test_outage_waits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
