/* tests/integration/test_firstload.c: the first load into a new MariaDB table with
 * two workers needs no retry (issue #18 item 5: under REPEATABLE READ the two
 * partitions' range DELETEs gap-locked the whole new table and their LOAD DATAs
 * deadlocked, once in every run here before the fix). Three runs, each into a table
 * replicad creates: every partition done at its first attempt. argv[1]: replicad. */
#include "edge.h"
#include "it.h"
#include <stdio.h>
#include <stdlib.h>

static const char *replicad_bin;

START_TEST(test_first_load_no_deadlock)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "first_t");
	it_exec(&src, "CREATE TABLE first_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	it_exec(&src, "INSERT INTO first_t SELECT g, date '2024-01-01' + (g % 91), md5(g::text), g * 1.5"
	              " FROM generate_series(1, 300000) g");
	char cfg[1024];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("firstload.json", getenv("RPL_TEST_PG_SRC"),
	         getenv("RPL_TEST_MARIADB_DST"), "first_t", "d", "{\"workers\": 2, \"create_missing_tables\": true}"));
	for (int run = 1; run <= 3; run++) {
		edge_drop(&dst, "first_t");
		int st = it_wait_replicad(it_spawn_replicad(replicad_bin, cfg, "first_t", "2024-01-01", "2024-03-31", true));
		ck_assert_msg(st == 0, "run %d ended with %d", run, st);
		int64_t n = 0;
		bool found = false;
		struct rpl_err err = RPL_ERR_INIT;
		ck_assert(rpl_conn_query_int64(&dst, "SELECT max(attempts) FROM replicad_partitions WHERE job_id ="
		                                     " (SELECT max(id) FROM replicad_jobs WHERE table_name = 'first_t')",
		                               &n, &found, &err) == 0);
		ck_assert_msg(found && n == 1, "run %d: a partition needed %lld attempts (a deadlock between the workers)", run,
		              (long long)n);
	}
	struct it_dump a, b;
	it_dump_table(&src, "first_t", "id", &a);
	it_dump_table(&dst, "first_t", "id", &b);
	it_dump_compare(&a, &b, "first load into a new mariadb table");
	it_dump_free(&a);
	it_dump_free(&b);
	edge_drop(&src, "first_t");
	edge_drop(&dst, "first_t");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_firstload /path/to/replicad\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("firstload");
	TCase *tc = tcase_create("firstload");
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_first_load_no_deadlock);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
