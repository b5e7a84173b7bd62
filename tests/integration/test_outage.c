/* tests/integration/test_outage.c: the target server stops in the middle of a job and
 * comes back; the job retries, reconnects and finishes, and the target equals the
 * source. Source MariaDB, target PostgreSQL (COPY sink), restarted by the harness's
 * `servers.sh pg-down/pg-up`. argv[1]: replicad, argv[2]: tests/harness/servers.sh. */
#include "edge.h"
#include "it.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin, *servers_sh;

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

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
	         "{\"workers\": 1, \"commit_rows\": 2000, \"chunk_bytes\": \"64KiB\", \"max_attempts\": 10}"));
	/* how long a whole run takes, then the outage a third of the way into another */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int st;
	ck_assert_int_eq(it_wait_replicad(it_spawn_replicad(replicad_bin, cfg, "outage_t", "2024-01-01", "2024-06-30", true)), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long full_ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	pid_t pid = it_spawn_replicad(replicad_bin, cfg, "outage_t", "2024-01-01", "2024-06-30", true);
	sleep_ms(full_ms / 3);
	ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0, "the run ended before the outage (%ld ms)", full_ms);
	ck_assert_int_eq(harness("pg-down"), 0);
	sleep_ms(1500);
	ck_assert_int_eq(harness("pg-up"), 0);
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
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_target_restarts);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
