/* tests/integration/test_retry.c: real lock timeouts. Another connection holds row
 * locks on one month of the target while `replicad run` loads it; replicad's delete
 * times out (PostgreSQL lock_timeout 55P03 set on the database, MariaDB
 * innodb_lock_wait_timeout 1205 through InitStmt), is rolled back and retried with
 * backoff until the locks go; the job finishes, the data is equal, and the ledger
 * shows the extra attempts and the error that caused them. Then real serialization
 * failures between two workers' partitions. argv[1]: replicad. */
#include "edge.h"
#include "it.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin;

START_TEST(test_retry_on_lock_timeout)
{
	int d = _i == 0 ? IT_PG : IT_MARIADB;
	struct rpl_conn src, dst, blocker;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	it_connect(&blocker, d, "dst");
	edge_drop(&src, "retry_t");
	edge_drop(&dst, "retry_t");
	it_exec(&src, "CREATE TABLE retry_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(20))");
	it_exec(&src, "INSERT INTO retry_t SELECT g, date '2024-01-01' + (g % 90), 'v' || g FROM generate_series(1, 9000) g");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE retry_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(20))"
	                         : "CREATE TABLE retry_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(20)) ENGINE=InnoDB");
	it_exec(&dst, "INSERT INTO retry_t VALUES (1000001, '2024-02-10', 'old row')");
	/* replicad's sessions (ODBC and the COPY sink) give up waiting for a lock after
	 * half a second; set on the database so every connection gets it */
	if (d == IT_PG)
		it_exec(&dst, "ALTER DATABASE rpl_dst SET lock_timeout = '500ms'");
	/* hold a row lock inside February until we let go */
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert(rpl_conn_set_autocommit(&blocker, false, &err) == 0);
	it_exec(&blocker, "UPDATE retry_t SET s = s WHERE id = 1000001");

	char cfg[1024], dst_odbc[1200];
	snprintf(dst_odbc, sizeof dst_odbc, "%s%s", getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"),
	         d == IT_MARIADB ? ";InitStmt=SET innodb_lock_wait_timeout=1" : "");
	snprintf(cfg, sizeof cfg, "%s", it_write_config("retry.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "retry_t", "d",
	         "{\"workers\": 2, \"max_attempts\": 8, \"disable_indexes\": false}"));
	char log[1024];
	snprintf(log, sizeof log, "%s", it_tmpfile("retry.log"));
	unlink(log);
	int pid = it_spawn_replicad_log(replicad_bin, cfg, "retry_t", "2024-01-01", "2024-03-31", log);
	/* hold the lock until replicad says it retries February (part=2: the log counts
	 * partitions from 1), not for a number of seconds; on MariaDB the range deletes
	 * of the other months may wait on the lock's gap too, and their retries say
	 * nothing about February's */
	bool retried = it_wait_log(log, "part=2 attempt=", pid, 300000);
	ck_assert(rpl_conn_rollback(&blocker, &err) == 0);    /* let go */
	ck_assert_msg(retried, "replicad did not log a retry while the row was locked (see %s)", log);
	int st = it_wait_replicad(pid);
	ck_assert_msg(st == 0, "replicad ended with status %d", st);

	struct it_dump a, b;
	it_dump_table(&src, "retry_t", "id", &a);
	it_dump_table(&dst, "retry_t", "id", &b);
	it_dump_compare(&a, &b, "after retries");
	it_dump_free(&a);
	it_dump_free(&b);
	int64_t attempts;
	bool found;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT attempts FROM replicad_partitions WHERE table_name = 'retry_t'"
	                                     " AND range_start = '2024-02-01' AND state = 'done' AND job_id ="
	                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'retry_t')",
	                               &attempts, &found, &err) == 0);
	ck_assert_msg(found && attempts >= 2, "February took %lld attempts: the lock did not force a retry", (long long)attempts);
	/* a retry that succeeds is an info line (issue #18 item 5), not a warning over
	 * the progress: the log (-v) has them, each at info */
	FILE *f = fopen(log, "r");
	ck_assert(f != NULL);
	char line[4096];
	while (fgets(line, sizeof line, f) != NULL)
		ck_assert_msg(strstr(line, "retry_in_ms") == NULL || strncmp(line, "level=info ", 11) == 0,
		              "a retry that succeeded was printed above info: %s", line);
	fclose(f);
	int64_t with_error;
	ck_assert(rpl_conn_query_int64(&dst, d == IT_PG
	        ? "SELECT count(*) FROM replicad_partitions WHERE table_name = 'retry_t' AND last_error LIKE '55P03%'"
	        : "SELECT count(*) FROM replicad_partitions WHERE table_name = 'retry_t' AND last_error LIKE '%1205%'"
	          " OR last_error LIKE '%Lock wait timeout%'",
	        &with_error, &found, &err) == 0);
	ck_assert_msg(with_error >= 1, "the lock timeout was not recorded as the partition's last error");
	if (d == IT_PG)
		it_exec(&dst, "ALTER DATABASE rpl_dst RESET lock_timeout");
	rpl_conn_close(&blocker);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* Serialization failures between concurrent partitions: the target database runs
 * SERIALIZABLE by default, two workers load neighbouring months of one table whose
 * range DELETEs scan it whole, so PostgreSQL cancels one side with 40001. The
 * partition is retried, the job finishes, the data is equal, the ledger keeps the
 * 40001 as the partition's last error. Up to three runs, since which transaction
 * PostgreSQL picks is its business; every run must end equal. */
START_TEST(test_retry_on_serialization_failure)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "ser_t");
	edge_drop(&dst, "ser_t");
	it_exec(&src, "CREATE TABLE ser_t (id bigint PRIMARY KEY, d date NOT NULL, s text)");
	it_exec(&src, "INSERT INTO ser_t SELECT g, date '2024-01-01' + (g % 180), md5(g::text) FROM generate_series(1, 60000) g");
	it_exec(&dst, "CREATE TABLE ser_t (id bigint PRIMARY KEY, d date NOT NULL, s text)");
	it_exec_ok(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'ser_t'");
	it_exec_ok(&dst, "DELETE FROM replicad_jobs WHERE table_name = 'ser_t'");
	it_exec(&dst, "ALTER DATABASE rpl_dst SET default_transaction_isolation = 'serializable'");
	char cfg[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("ser.json", getenv("RPL_TEST_PG_SRC"), getenv("RPL_TEST_PG_DST"),
	         "ser_t", "d", "{\"workers\": 2, \"max_attempts\": 10}"));
	int64_t seen = 0;
	bool found;
	struct rpl_err err = RPL_ERR_INIT;
	for (int run = 0; run < 3 && seen == 0; run++) {
		int st = it_wait_replicad(it_spawn_replicad(replicad_bin, cfg, "ser_t", "2024-01-01", "2024-06-30", false));
		ck_assert_msg(st == 0, "run %d ended with status %d", run, st);
		struct it_dump a, b;
		it_dump_table(&src, "ser_t", "id", &a);
		it_dump_table(&dst, "ser_t", "id", &b);
		it_dump_compare(&a, &b, "serializable target");
		it_dump_free(&a);
		it_dump_free(&b);
		ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'ser_t'"
		                                     " AND state = 'done' AND attempts >= 2 AND last_error LIKE '40001%'",
		                               &seen, &found, &err) == 0);
	}
	it_exec(&dst, "ALTER DATABASE rpl_dst RESET default_transaction_isolation");
	ck_assert_msg(seen >= 1, "three runs without a serialization failure: nothing was retried");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_retry /path/to/replicad\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("retry");
	TCase *tc = tcase_create("retry");
	tcase_set_timeout(tc, 900);   /* a deadline for a hang, not a measure of speed */
	tcase_add_loop_test(tc, test_retry_on_lock_timeout, 0, 2);
	tcase_add_test(tc, test_retry_on_serialization_failure);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
