/* tests/unit/test_claim.c: the SQL text of claims (lib/core/claim.c) per engine: the
 * locking read each engine's claim starts with (SKIP LOCKED on PostgreSQL and
 * MariaDB, UPDLOCK/READPAST/ROWLOCK on SQL Server, which cannot run here, a plain
 * read on SQLite), the database clock in milliseconds, and the claim check that every
 * commit of a partition's rows runs. */
#include <check.h>
#include <string.h>
#include "claim.h"
#include "dialect.h"
#include "sbuf.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };

static const struct { enum rpl_engine e; const char *want; } selects[] = {
	{ RPL_ENGINE_POSTGRES,
	  "SELECT state, owner_node, owner_pid, lease_until, claim_no, attempts, "
	  "CAST(floor(extract(epoch from clock_timestamp()) * 1000) AS bigint) FROM replicad_partitions"
	  " WHERE job_id = 'j1' AND table_name = 'sales' AND range_start = '2024-01-01' FOR UPDATE SKIP LOCKED" },
	{ RPL_ENGINE_MARIADB,
	  "SELECT state, owner_node, owner_pid, lease_until, claim_no, attempts, "
	  "CAST(floor(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000) AS SIGNED) FROM replicad_partitions"
	  " WHERE job_id = 'j1' AND table_name = 'sales' AND range_start = '2024-01-01' FOR UPDATE SKIP LOCKED" },
	{ RPL_ENGINE_MSSQL,
	  "SELECT state, owner_node, owner_pid, lease_until, claim_no, attempts, "
	  "DATEDIFF_BIG(millisecond, '19700101', SYSUTCDATETIME()) FROM replicad_partitions"
	  " WITH (UPDLOCK, READPAST, ROWLOCK)"
	  " WHERE job_id = N'j1' AND table_name = N'sales' AND range_start = N'2024-01-01'" },
	{ RPL_ENGINE_SQLITE,
	  "SELECT state, owner_node, owner_pid, lease_until, claim_no, attempts, "
	  "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) FROM replicad_partitions"
	  " WHERE job_id = 'j1' AND table_name = 'sales' AND range_start = '2024-01-01'" },
};

START_TEST(test_claim_select)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_claim_select_sql(rpl_dialect_for(selects[_i].e), "j1", "sales", &jan, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), selects[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

/* the check names owner, process and claim counter, and changes the row (MariaDB
 * counts changed rows, not matched ones) */
START_TEST(test_claim_check)
{
	struct rpl_owner me;
	rpl_owner_init(&me, "node-a");
	me.pid = 4242;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_claim_check_sql(rpl_dialect_for(RPL_ENGINE_POSTGRES), &me, "j1", "sales", &jan, 7, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b),
	                 "UPDATE replicad_partitions SET claim_commits = COALESCE(claim_commits, 0) + 1"
	                 " WHERE job_id = 'j1' AND table_name = 'sales' AND range_start = '2024-01-01'"
	                 " AND owner_node = 'node-a' AND owner_pid = 4242 AND claim_no = 7");
	rpl_sbuf_fini(&b);
}
END_TEST

/* a node name is a literal, never SQL */
START_TEST(test_claim_quotes_node)
{
	struct rpl_owner me;
	rpl_owner_init(&me, "o'brien");
	me.pid = 1;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_claim_cond_sql(rpl_dialect_for(RPL_ENGINE_MARIADB), &me, 2, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "owner_node = 'o''brien'") != NULL ||
	              strstr(rpl_sbuf_str(&b), "owner_node = 'o\\'brien'") != NULL, "%s", rpl_sbuf_str(&b));
	rpl_sbuf_fini(&b);
}
END_TEST

/* without a node name, the host's */
START_TEST(test_owner_default)
{
	struct rpl_owner me;
	rpl_owner_init(&me, NULL);
	ck_assert_str_ne(me.node, "");
	ck_assert_int_gt(me.pid, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("claim");
	TCase *tc = tcase_create("sql");
	tcase_add_loop_test(tc, test_claim_select, 0, NCASES(selects));
	tcase_add_test(tc, test_claim_check);
	tcase_add_test(tc, test_claim_quotes_node);
	tcase_add_test(tc, test_owner_default);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
