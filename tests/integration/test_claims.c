/* tests/integration/test_claims.c: claims on partitions (issue #20, lib/core/claim.h).
 * 1. A ledger made before claims existed (its DDL as ledger.c had it then), with a
 *    job, a done and a running partition and a saved index in it, is upgraded in
 *    place by the first rpl_ledger_ensure: every row and value is still there, the
 *    claim columns and tables exist; a second ensure changes nothing. PostgreSQL,
 *    MariaDB and SQLite targets.
 * argv[1] is the replicad binary. */
#include "claim.h"
#include "edge.h"
#include "it.h"
#include "ledger.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *replicad_bin;

/* the ledger's DDL before issue #20 (ledger.c at commit 85a1f15) */
static const char *const old_ddl[] = {
	"CREATE TABLE replicad_jobs ("
	" id varchar(64) NOT NULL PRIMARY KEY, table_name varchar(512) NOT NULL, kind varchar(16) NOT NULL,"
	" range_start varchar(10) NOT NULL, range_end varchar(10) NOT NULL, state varchar(16) NOT NULL,"
	" submitted_at varchar(32) NOT NULL, started_at varchar(32), finished_at varchar(32),"
	" rows_read bigint, rows_written bigint, rows_rejected bigint)",
	"CREATE TABLE replicad_partitions ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" range_end varchar(10) NOT NULL, state varchar(16) NOT NULL, attempts integer NOT NULL,"
	" rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
	" ms_delete bigint, ms_disable_idx bigint, ms_insert bigint, ms_commit bigint,"
	" ms_rebuild_idx bigint, ms_total bigint, last_error varchar(2000), updated_at varchar(32),"
	" PRIMARY KEY (job_id, table_name, range_start))",
	"CREATE TABLE replicad_indexes ("
	" table_name varchar(512) NOT NULL, index_name varchar(256) NOT NULL, definition varchar(4000) NOT NULL,"
	" saved_at varchar(32) NOT NULL, PRIMARY KEY (table_name, index_name))",
};

static void
drop_ledger(struct rpl_conn *c)
{
	static const char *const t[] = { "replicad_claims", "replicad_nodes", "replicad_partitions", "replicad_jobs",
	                                 "replicad_indexes" };
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", t[i]);
		it_exec(c, sql);
	}
}

static const int upgrade_engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };

START_TEST(test_upgrade_in_place)
{
	struct rpl_conn dst;
	it_connect(&dst, upgrade_engines[_i], "dst");
	drop_ledger(&dst);
	for (size_t i = 0; i < sizeof old_ddl / sizeof old_ddl[0]; i++)
		it_exec(&dst, old_ddl[i]);
	it_exec(&dst, "INSERT INTO replicad_jobs VALUES ('20240101T000000Z-1-abcd', 'sales', 'backfill', '2024-01-01',"
	              " '2024-03-01', 'running', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', NULL, 10, 9, 1)");
	it_exec(&dst, "INSERT INTO replicad_partitions VALUES ('20240101T000000Z-1-abcd', 'sales', '2024-01-01', '2024-02-01',"
	              " 'done', 2, 10, 9, 1, 4096, 1, 2, 3, 4, 5, 15, 'HY000 first try failed', '2024-01-01T00:00:02Z')");
	it_exec(&dst, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts)"
	              " VALUES ('20240101T000000Z-1-abcd', 'sales', '2024-02-01', '2024-03-01', 'running', 1)");
	it_exec(&dst, "INSERT INTO replicad_indexes VALUES ('sales', 'sales_s', 'CREATE INDEX sales_s ON sales (s)',"
	              " '2024-01-01T00:00:00Z')");
	struct rpl_err err = RPL_ERR_INIT;
	for (int round = 0; round < 2; round++)   /* the second finds nothing to add */
		ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s: round %d: %s", it_engine_names[upgrade_engines[_i]],
		              round, err.msg);
	char v[256];
	it_query_str(&dst, "SELECT state FROM replicad_jobs WHERE id = '20240101T000000Z-1-abcd'", v, sizeof v);
	ck_assert_str_eq(v, "running");
	ck_assert_int_eq(it_query_int(&dst, "SELECT rows_rejected FROM replicad_jobs"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions"), 2);
	it_query_str(&dst, "SELECT last_error FROM replicad_partitions WHERE range_start = '2024-01-01'", v, sizeof v);
	ck_assert_str_eq(v, "HY000 first try failed");
	ck_assert_int_eq(it_query_int(&dst, "SELECT ms_total + bytes FROM replicad_partitions WHERE state = 'done'"), 4111);
	it_query_str(&dst, "SELECT definition FROM replicad_indexes", v, sizeof v);
	ck_assert_str_eq(v, "CREATE INDEX sales_s ON sales (s)");
	/* the new columns, empty for the old rows */
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE owner_node IS NULL"
	                                    " AND owner_pid IS NULL AND lease_until IS NULL AND claim_no IS NULL"
	                                    " AND claim_commits IS NULL"), 2);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims"), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_nodes"), 0);
	/* and they work: the old running partition (no owner) is claimed, the done one is not */
	struct rpl_owner me;
	rpl_owner_init(&me, "upgrade-test");
	struct rpl_claim cl;
	struct rpl_range feb = { .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } };
	struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "20240101T000000Z-1-abcd", "sales", &feb, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_TAKEN);
	ck_assert_int_eq(cl.claim_no, 1);
	ck_assert_int_eq(cl.attempts, 1);
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "20240101T000000Z-1-abcd", "sales", &jan, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_DONE);
	it_query_str(&dst, "SELECT owner_node FROM replicad_claims WHERE range_start = '2024-02-01' AND claim_no = 1", v, sizeof v);
	ck_assert_str_eq(v, "upgrade-test");
	drop_ledger(&dst);   /* the next tests make the ledger afresh */
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	replicad_bin = argc > 1 ? argv[1] : "replicad";
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("claims");
	tcase_set_timeout(tc, 900);
	tcase_add_loop_test(tc, test_upgrade_in_place, 0, (int)(sizeof upgrade_engines / sizeof upgrade_engines[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
