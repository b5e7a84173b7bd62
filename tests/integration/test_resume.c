/* tests/integration/test_resume.c: `replicad run` killed with SIGKILL at many moments
 * of a six-month backfill (with two workers, commits every 1,000 rows, and the
 * target's secondary index dropped during the load), then run again until it
 * finishes: the target must equal the source value by value, the index must exist
 * again, and nothing may be left in replicad_indexes. Targets: PostgreSQL (COPY sink)
 * and MariaDB. argv[1] is the replicad binary. */
#include "copy.h"
#include "edge.h"
#include "it.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin;

/* The job's progress as the target shows it: 10,000 for each partition the ledger has
 * done, plus the rows committed so far in the ranges of the running ones. Kills are
 * placed by it, not by a fraction of a run timed on a quiet machine (a busy one
 * moved every kill point; issue #19). */
static const char progress_q[] =
	"SELECT 10000 * (SELECT count(*) FROM replicad_partitions WHERE state = 'done' AND job_id ="
	" (SELECT max(id) FROM replicad_jobs WHERE table_name = 'resume_t'))"
	" + (SELECT count(*) FROM resume_t t WHERE EXISTS (SELECT 1 FROM replicad_partitions p WHERE p.state = 'running'"
	" AND p.job_id = (SELECT max(id) FROM replicad_jobs WHERE table_name = 'resume_t')"
	" AND t.d >= CAST(p.range_start AS date) AND t.d < CAST(p.range_end AS date)))";

/* run_replicad runs the backfill; kills it with SIGKILL once the progress reaches
 * kill_at (<0: never). Returns the exit status, or -9 when killed. */
static int
run_replicad(struct rpl_conn *dst, const char *cfg, long kill_at)
{
	int pid = it_spawn_replicad(replicad_bin, cfg, "resume_t", "2024-01-01", "2024-06-30", false);
	if (kill_at >= 0 && it_wait_query(dst, progress_q, kill_at, pid, 600000) >= kill_at)
		kill(pid, SIGKILL);
	return it_wait_replicad(pid);
}

START_TEST(test_kill_and_resume)
{
	int d = _i == 0 ? IT_PG : IT_MARIADB;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "resume_t");
	edge_drop(&dst, "resume_t");
	it_exec_ok(&dst, "DELETE FROM replicad_indexes");
	it_exec_ok(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'resume_t'");
	it_exec_ok(&dst, "DELETE FROM replicad_jobs WHERE table_name = 'resume_t'");
	it_exec(&src, "CREATE TABLE resume_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3), ts timestamp(6))");
	it_exec(&src, "INSERT INTO resume_t SELECT g, date '2024-01-01' + (g % 182), md5(g::text), g * 1.125,"
	              " timestamp '2024-01-01 00:00:00' + g * interval '1.000123 second' FROM generate_series(1, 40000) g");
	if (d == IT_PG) {
		it_exec(&dst, "CREATE TABLE resume_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3), ts timestamp(6))");
		it_exec(&dst, "CREATE INDEX resume_t_s ON resume_t (s)");
	} else {
		it_exec(&dst, "CREATE TABLE resume_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3), ts datetime(6),"
		              " KEY resume_t_s (s)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	}
	char cfg[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("resume.json", getenv("RPL_TEST_PG_SRC"),
	         getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"), "resume_t", "d",
	         "{\"workers\": 2, \"commit_rows\": 1000, \"chunk_bytes\": \"64KiB\", \"max_attempts\": 3}"));
	/* a first full run, then runs killed further and further into the job, each
	 * resuming what the one before left unfinished */
	ck_assert_int_eq(run_replicad(&dst, cfg, -1), 0);
	int killed = 0;
	for (int k = 1; k <= 12; k++) {
		int st = run_replicad(&dst, cfg, 4000L * k);
		ck_assert_msg(st == -SIGKILL || st == 0, "run %d ended with %d", k, st);
		killed += st == -SIGKILL;
	}
	ck_assert_msg(killed >= 4, "only %d of 12 runs were killed before finishing: the kill points prove little", killed);
	int st = run_replicad(&dst, cfg, -1);
	ck_assert_int_eq(st, 0);
	struct it_dump a, b;
	it_dump_table(&src, "resume_t", "id", &a);
	it_dump_table(&dst, "resume_t", "id", &b);
	ck_assert_int_eq(a.nrows, 40000);
	it_dump_compare(&a, &b, d == IT_PG ? "resume into postgresql" : "resume into mariadb");
	it_dump_free(&a);
	it_dump_free(&b);
	/* the index is back and nothing is left saved */
	int64_t n;
	bool found;
	struct rpl_err err = RPL_ERR_INIT;
	const char *q = d == IT_PG ? "SELECT count(*) FROM pg_indexes WHERE tablename = 'resume_t' AND indexname = 'resume_t_s'"
	                           : "SELECT count(*) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"
	                             " AND TABLE_NAME = 'resume_t' AND INDEX_NAME = 'resume_t_s'";
	ck_assert_msg(rpl_conn_query_int64(&dst, q, &n, &found, &err) == 0, "%s", err.msg);
	ck_assert_msg(n >= 1, "index resume_t_s was not restored");
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM replicad_indexes", &n, &found, &err) == 0);
	ck_assert_int_eq(n, 0);
	/* every job the runs made is finished, and the last one has its six partitions done */
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'resume_t' AND state <> 'done'",
	                               &n, &found, &err) == 0);
	ck_assert_int_eq(n, 0);
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM replicad_partitions WHERE state = 'done' AND job_id ="
	                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'resume_t')",
	                               &n, &found, &err) == 0);
	ck_assert_int_eq(n, 6);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_resume /path/to/replicad\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("resume");
	TCase *tc = tcase_create("resume");
	tcase_set_timeout(tc, 1200);   /* a deadline for a hang, not a measure of speed */
	tcase_add_loop_test(tc, test_kill_and_resume, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
