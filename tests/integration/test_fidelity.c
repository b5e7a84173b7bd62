/* tests/integration/test_fidelity.c: the fidelity gaps an acceptance check on data no
 * test had seen found after issue #15's first part: MariaDB TIMESTAMP across a server
 * whose default time zone is not UTC (and a local time in a DST gap), and the values
 * below, each across the pairs it concerns, value by value. The broader corpus is
 * test_corpus_values.c (SQLite sources) and test_corpus_servers.c. */
#include "copy.h"
#include "edge.h"
#include "it.h"
#include "reject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* copy_all copies table from src to dst (whole table, one partition) into acc; odbc:
 * load.bulk "odbc" (no libmariadb source, no LOAD DATA, no COPY, no SQLite library). */
static int
copy_all(struct rpl_conn *src, struct rpl_conn *dst, const char *table, bool odbc, bool create,
         struct rpl_part_account *acc, struct rpl_err *err)
{
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table, .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .bulk_odbc = odbc, .create_missing = create };
	struct rpl_copy *cp;
	int r = rpl_copy_prepare(src, dst, &o, &cp, err);
	if (r < 0)
		return r;
	struct rpl_range all = { .all = true };
	r = rpl_copy_partition(cp, &all, acc, err);
	rpl_copy_free(cp);
	return r;
}

/* mariadb_root runs sql (or, with tz, loads Europe/Amsterdam's rules) as the harness
 * server's root over its socket: the test's own user may not set a global. */
static void
mariadb_root(const char *sql)
{
	const char *client = getenv("RPL_TEST_MARIADB_CLIENT"), *sock = getenv("RPL_TEST_MARIADB_SOCKET");
	ck_assert_msg(client != NULL && sock != NULL, "run the suite under tests/harness/with-servers");
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s --no-defaults --socket='%s' -uroot -e \"%s\"", client, sock, sql);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

/* The zone has a DST gap (2024-03-31 02:00-03:00 local) and a repeated hour
 * (2024-10-27 02:00-03:00 local): a session in it shifts the one and folds the other. */
static void
mariadb_default_zone_amsterdam(void)
{
	const char *client = getenv("RPL_TEST_MARIADB_CLIENT"), *sock = getenv("RPL_TEST_MARIADB_SOCKET");
	ck_assert_msg(client != NULL && sock != NULL, "run the suite under tests/harness/with-servers");
	char cmd[2048];
	snprintf(cmd, sizeof cmd,
	         "n=$(%s --no-defaults --socket='%s' -uroot -N -e \"SELECT COUNT(*) FROM mysql.time_zone_name"
	         " WHERE Name = 'Europe/Amsterdam'\") && { [ \"$n\" = 1 ] || mariadb-tzinfo-to-sql"
	         " /usr/share/zoneinfo/Europe/Amsterdam Europe/Amsterdam | %s --no-defaults --socket='%s' -uroot mysql; }",
	         client, sock, client, sock);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	mariadb_root("SET GLOBAL time_zone = 'Europe/Amsterdam'");
}

/* UTC instants: the epoch, one in the gap's UTC hour and the gap's local wall time
 * read as UTC, both instants of the repeated local hour, fractions, the 2038 limit */
static const struct { const char *utc; long long epoch_us; } ts_values[] = {
	{ "1970-01-01 00:00:01", 1000000LL },
	{ "2024-03-31 01:30:00", 1711848600000000LL },
	{ "2024-03-31 02:30:00", 1711852200000000LL },
	{ "2024-10-27 00:30:00", 1729989000000000LL },
	{ "2024-10-27 01:30:00", 1729992600000000LL },
	{ "2024-06-01 12:00:00.123456", 1717243200123456LL },
	{ "2038-01-19 03:14:07.999999", 2147483647999999LL },
};
#define NTS ((int)(sizeof ts_values / sizeof ts_values[0]))

static const char *
epoch_us_sql(int engine, int id, char *buf, size_t n)
{
	if (engine == IT_PG)
		snprintf(buf, n, "SELECT (EXTRACT(EPOCH FROM t) * 1000000)::bigint FROM tz WHERE id = %d", id);
	else
		snprintf(buf, n, "SELECT CAST(UNIX_TIMESTAMP(t) * 1000000 AS SIGNED) FROM tz WHERE id = %d", id);
	return buf;
}

/* _i: pair (0 MariaDB->MariaDB, 1 MariaDB->PostgreSQL timestamptz, 2 MariaDB->
 * PostgreSQL timestamp, 3 PostgreSQL->MariaDB) * 2 + through ODBC only. The server's
 * default zone is Amsterdam; every value arrives as the same instant. */
START_TEST(test_mariadb_timestamp_utc)
{
	static const int pairs[][2] = { { IT_MARIADB, IT_MARIADB }, { IT_MARIADB, IT_PG }, { IT_MARIADB, IT_PG },
	                                { IT_PG, IT_MARIADB } };
	static const char *const dst_type[] = { "timestamp(6) NULL", "timestamptz", "timestamp", "timestamp(6) NULL" };
	int p = _i / 2, s = pairs[p][0], d = pairs[p][1];
	bool odbc = _i % 2;
	mariadb_default_zone_amsterdam();
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");   /* the setup's session: the copy gets its own */
	it_connect(&dst, d, "dst");
	edge_drop(&src, "tz");
	edge_drop(&dst, "tz");
	if (s == IT_MARIADB) {
		it_exec(&src, "SET time_zone = '+00:00'");   /* the test writes UTC itself */
		it_exec(&src, "CREATE TABLE tz (id int PRIMARY KEY, t timestamp(6) NULL)");
	} else {
		it_exec(&src, "CREATE TABLE tz (id int PRIMARY KEY, t timestamptz)");
	}
	char sql[512], ddl[256];
	for (int k = 0; k < NTS; k++) {
		snprintf(sql, sizeof sql, "INSERT INTO tz VALUES (%d, '%s%s')", k + 1, ts_values[k].utc,
		         s == IT_PG ? "+00" : "");
		it_exec(&src, sql);
	}
	rpl_conn_close(&src);
	it_connect(&src, s, "src");
	snprintf(ddl, sizeof ddl, "CREATE TABLE tz (id int PRIMARY KEY, t %s)", dst_type[p]);
	it_exec(&dst, ddl);
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	int r = copy_all(&src, &dst, "tz", odbc, false, &acc, &err);
	mariadb_root("SET GLOBAL time_zone = 'SYSTEM'");
	ck_assert_msg(r == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, NTS);
	for (int k = 0; k < NTS; k++) {
		ck_assert_int_eq(it_query_int(&src, epoch_us_sql(s, k + 1, sql, sizeof sql)), ts_values[k].epoch_us);
		ck_assert_msg(it_query_int(&dst, epoch_us_sql(d, k + 1, sql, sizeof sql)) == ts_values[k].epoch_us,
		              "%s: %s arrived as another instant", dst_type[p], ts_values[k].utc);
	}
	edge_drop(&src, "tz");
	edge_drop(&dst, "tz");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fidelity");
	TCase *tc = tcase_create("timestamp");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_mariadb_timestamp_utc, 0, 8);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
