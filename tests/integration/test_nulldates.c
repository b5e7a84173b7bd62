/* tests/integration/test_nulldates.c: the count of NULL dates a ranged run and
 * `replicad check` make before they start (rpl_validate_null_dates,
 * lib/core/validate.c) is not made for a date column the source's catalog declares
 * NOT NULL: it holds none, and PostgreSQL before 17 scans the whole table to find
 * that out when no index serves the column, once more in every T-0 and T-1 run. Seen
 * through the transaction's own statistics (pg_stat_xact_user_tables), which count
 * a statement's scans as soon as it ends: no new scan of the NOT NULL column's table;
 * one of the same table when its catalog is not given (the count the catalog saves);
 * one of a nullable column's table, whose NULL is counted and named. On MariaDB the
 * count is made all the same: there it finds a NOT NULL date column's zero dates. */
#include "catalog.h"
#include "it.h"
#include "validate.h"
#include <stdio.h>
#include <string.h>

/* scans: the scans of table so far in c's open transaction */
static int64_t
scans(struct rpl_conn *c, const char *table)
{
	char q[300];
	snprintf(q, sizeof q, "SELECT COALESCE(max(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_xact_user_tables"
	         " WHERE relname = '%s'", table);
	return it_query_int(c, q);
}

static void
catalog(struct rpl_conn *c, const char *table, struct rpl_table *t)
{
	struct rpl_err err = RPL_ERR_INIT;
	bool exists = false;
	ck_assert_msg(rpl_catalog_read(c, NULL, table, t, &exists, &err) == 0 && exists, "%s: %s", table, err.msg);
}

START_TEST(test_not_null_not_counted)
{
	struct rpl_conn c;
	it_connect(&c, IT_PG, "src");
	it_exec(&c, "DROP TABLE IF EXISTS nd_nn");
	it_exec(&c, "DROP TABLE IF EXISTS nd_null");
	it_exec(&c, "CREATE TABLE nd_nn (id int PRIMARY KEY, d date NOT NULL)");
	it_exec(&c, "CREATE TABLE nd_null (id int PRIMARY KEY, d date)");
	it_exec(&c, "INSERT INTO nd_nn SELECT g, date '2024-01-01' + g FROM generate_series(1, 50) g");
	it_exec(&c, "INSERT INTO nd_null SELECT g, CASE WHEN g = 7 THEN NULL ELSE date '2024-01-01' + g END"
	            " FROM generate_series(1, 50) g");
	struct rpl_table nn, nul;
	catalog(&c, "nd_nn", &nn);
	catalog(&c, "nd_null", &nul);
	struct rpl_err err = RPL_ERR_INIT;
	char msg[600] = "";
	/* in one transaction, whose statistics are not flushed (and reset) before it ends;
	 * they may hold earlier ones' not yet flushed: differences are compared */
	ck_assert(rpl_conn_set_autocommit(&c, false, &err) == 0);
	int64_t before = scans(&c, "nd_nn");
	ck_assert_int_eq(rpl_validate_null_dates(&c, &nn, NULL, "nd_nn", "d", msg, sizeof msg, &err), 0);
	ck_assert_msg(scans(&c, "nd_nn") == before, "the NOT NULL date column's table was read to count its NULLs");
	/* the same count without the catalog: the statistics see it */
	ck_assert_int_eq(rpl_validate_null_dates(&c, NULL, NULL, "nd_nn", "d", msg, sizeof msg, &err), 0);
	ck_assert_msg(scans(&c, "nd_nn") > before, "a count the transaction's statistics do not show: this test sees nothing");
	ck_assert_int_eq(rpl_validate_null_dates(&c, &nul, NULL, "nd_null", "d", msg, sizeof msg, &err), 1);
	ck_assert_msg(strstr(msg, "1 row holds NULL in date_column d") != NULL, "%s", msg);
	ck_assert(rpl_conn_rollback(&c, &err) == 0);
	ck_assert(rpl_conn_set_autocommit(&c, true, &err) == 0);
	rpl_table_fini(&nn);
	rpl_table_fini(&nul);
	it_exec(&c, "DROP TABLE nd_nn");
	it_exec(&c, "DROP TABLE nd_null");
	rpl_conn_close(&c);
}
END_TEST

/* MariaDB: "col IS NULL" also matches a NOT NULL date column's zero dates, which no
 * range holds either: counted there whatever the catalog says, and named */
START_TEST(test_mariadb_zero_dates_counted)
{
	struct rpl_conn c;
	it_connect(&c, IT_MARIADB, "src");
	it_exec(&c, "DROP TABLE IF EXISTS nd_zero");
	it_exec(&c, "CREATE TABLE nd_zero (id int PRIMARY KEY, d date NOT NULL) ENGINE=InnoDB");
	it_exec(&c, "SET SESSION sql_mode = ''");   /* relaxed, as the tools that wrote such rows */
	it_exec(&c, "INSERT INTO nd_zero VALUES (1, '2024-01-02'), (2, '0000-00-00'), (3, '2024-01-03')");
	struct rpl_table t;
	catalog(&c, "nd_zero", &t);
	ck_assert_msg(!rpl_table_find(&t, "d")->nullable, "the catalog calls d nullable: this test proves nothing");
	struct rpl_err err = RPL_ERR_INIT;
	char msg[600] = "";
	ck_assert_int_eq(rpl_validate_null_dates(&c, &t, NULL, "nd_zero", "d", msg, sizeof msg, &err), 1);
	ck_assert_msg(strstr(msg, "1 row holds the zero date 0000-00-00") != NULL, "%s", msg);
	rpl_table_fini(&t);
	it_exec(&c, "DROP TABLE nd_zero");
	rpl_conn_close(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("nulldates");
	TCase *tc = tcase_create("nulldates");
	tcase_set_timeout(tc, 300);   /* a deadline for a hang, not a measure of speed */
	tcase_add_test(tc, test_not_null_not_counted);
	tcase_add_test(tc, test_mariadb_zero_dates_counted);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
