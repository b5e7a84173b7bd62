/* tests/integration/test_order.c: a schedule firing loads parent tables before their
 * children (issue #15; daemon/jobs.h rd_jobs_order). `replicad serve` with a T-0 slot
 * every second and two tables configured child first; the PostgreSQL target's child
 * has a foreign key to the parent (ON DELETE CASCADE, so that a later firing's
 * delete-before-insert of the parent may run). Had the child's job started first, its
 * rows would have found no parents and been rejected: every child job in the ledger
 * must have rejected nothing, and the daemon's log must say the child waited for its
 * parent's job. Waits by polling the ledger, never for a fixed time. */
#include "it.h"
#include "ledger.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin;

static int64_t
count(struct rpl_conn *c, const char *sql)
{
	int64_t n = 0;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_query_int64(c, sql, &n, &found, &err) == 0, "%s: %s", sql, err.msg);
	return found ? n : 0;
}

START_TEST(test_schedule_parent_first)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS ord_film, ord_lang");
	it_exec(&src, "CREATE TABLE ord_lang (id integer PRIMARY KEY, d date NOT NULL)");
	it_exec(&src, "CREATE TABLE ord_film (id integer PRIMARY KEY, d date NOT NULL, language_id integer)");
	/* today in UTC, the schedule's zone: the T-0 range */
	it_exec(&src, "INSERT INTO ord_lang SELECT g, (now() AT TIME ZONE 'UTC')::date FROM generate_series(1, 50) g");
	it_exec(&src, "INSERT INTO ord_film SELECT g, (now() AT TIME ZONE 'UTC')::date, 1 + g % 50"
	              " FROM generate_series(1, 2000) g");
	it_exec(&dst, "DROP TABLE IF EXISTS ord_film, ord_lang");
	struct rpl_err lerr = RPL_ERR_INIT;   /* the ledger the test polls, there before the daemon is */
	ck_assert_msg(rpl_ledger_ensure(&dst, &lerr) == 0, "ledger: %s", lerr.msg);
	it_exec_ok(&dst, "DELETE FROM replicad_partitions WHERE table_name IN ('ord_film', 'ord_lang')");
	it_exec_ok(&dst, "DELETE FROM replicad_jobs WHERE table_name IN ('ord_film', 'ord_lang')");
	it_exec(&dst, "CREATE TABLE ord_lang (id integer PRIMARY KEY, d date NOT NULL)");
	it_exec(&dst, "CREATE TABLE ord_film (id integer PRIMARY KEY, d date NOT NULL, language_id integer"
	              " REFERENCES ord_lang (id) ON DELETE CASCADE)");
	char pw[1024], cfg[1024], state[1024], sock[1024], logp[1024];
	snprintf(pw, sizeof pw, "%s", it_tmpfile("order-pw"));
	snprintf(cfg, sizeof cfg, "%s", it_tmpfile("order.json"));
	snprintf(state, sizeof state, "%s", it_tmpfile("order-state"));
	snprintf(sock, sizeof sock, "%s", it_tmpfile("order.sock"));
	snprintf(logp, sizeof logp, "%s", it_tmpfile("order.log"));
	unlink(logp);
	FILE *f = fopen(pw, "w");
	ck_assert(f != NULL);
	fprintf(f, "%s\n", getenv("RPL_TEST_PASSWORD"));
	fclose(f);
	ck_assert(chmod(pw, 0600) == 0);   /* a password file others may read is refused */
	f = fopen(cfg, "w");
	ck_assert(f != NULL);
	fprintf(f, "{ \"source\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"target\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"tables\": [{\"name\": \"ord_film\", \"date_column\": \"d\"}, {\"name\": \"ord_lang\", \"date_column\": \"d\"}],\n"
	           "  \"schedule\": {\"t0_every\": \"1s\", \"timezone\": \"UTC\"},\n"
	           "  \"load\": {\"workers\": 1},\n"   /* one job at a time: config order would run the child first */
	           "  \"state_dir\": \"%s\", \"socket\": \"%s\" }\n",
	        getenv("RPL_TEST_PG_SRC"), pw, getenv("RPL_TEST_PG_DST"), pw, state, sock);
	fclose(f);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		execl(replicad_bin, replicad_bin, "-vv", "-c", cfg, "serve", (char *)NULL);
		_exit(127);
	}
	/* until both tables have a finished T-0 job (a generous bound, not a wait) */
	int64_t done = 0;
	for (int i = 0; i < 1200 && done < 2; i++) {
		it_nap_ms(100);
		done = count(&dst, "SELECT count(DISTINCT table_name) FROM replicad_jobs WHERE state <> 'running'"
		                   " AND table_name IN ('ord_film', 'ord_lang')");
	}
	kill(pid, SIGTERM);
	int st;
	waitpid(pid, &st, 0);
	if (done != 2) {
		char cmd[1200];
		snprintf(cmd, sizeof cmd, "tail -n 40 '%s' >&2", logp);
		(void)!system(cmd);
	}
	ck_assert_msg(done == 2, "no finished job for both tables within 120 s (its log is above)");
	ck_assert_int_eq(count(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'ord_film'"
	                             " AND (state <> 'done' OR rows_rejected <> 0)"), 0);
	/* the child's job wrote every row, none refused by its foreign key: the table
	 * itself may be empty by now, as the next firing (t0_every 1 s) reloads the parent
	 * first, whose delete cascades to the child until the child's own job of that
	 * firing runs (seen once with a CPU hog beside the suite) */
	ck_assert_int_ge(count(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'ord_film'"
	                             " AND state = 'done' AND rows_written = 2000"), 1);
	char cmd[1200], line[2048];
	snprintf(cmd, sizeof cmd, "grep -c 'waits for its parent table' '%s'", logp);
	FILE *p = popen(cmd, "r");
	ck_assert(p != NULL && fgets(line, sizeof line, p) != NULL);
	pclose(p);
	ck_assert_msg(atoi(line) >= 1, "the daemon's log (%s) does not say the child waited", logp);
	/* under the sanitizers the daemon's own findings land in its log */
	snprintf(cmd, sizeof cmd, "grep -c -e 'Sanitizer' -e 'runtime error' '%s'", logp);
	p = popen(cmd, "r");
	ck_assert(p != NULL && fgets(line, sizeof line, p) != NULL);
	pclose(p);
	ck_assert_msg(atoi(line) == 0, "the daemon's log (%s) has sanitizer reports", logp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s REPLICAD\n", argv[0]);
		return 1;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("order");
	tcase_set_timeout(tc, 180);
	tcase_add_test(tc, test_schedule_parent_first);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
