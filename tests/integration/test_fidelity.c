/* tests/integration/test_fidelity.c: dates and times, of the fidelity gaps an
 * acceptance check on data no test had seen found after issue #15's first part, each
 * across the pairs it concerns, value by value: MariaDB TIMESTAMP across a server
 * whose default time zone is not UTC (and a local time in a DST gap), SQLite text
 * timestamps that say UTC, text into a date or timestamp column (ISO 8601 only), and
 * PostgreSQL's ±infinity. The other values are test_fidelity_values.c, the refusals'
 * reject lines test_fidelity_rejects.c; the broader corpus is test_corpus_values.c
 * (SQLite sources) and test_corpus_servers.c. */
#include "copy.h"
#include "edge.h"
#include "fidelity_it.h"
#include "it.h"
#include "reject.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* SQLite text timestamps that say UTC ('Z', '+00:00'), with and without a fraction,
 * as SQLite's own date functions read them: the same wall time in a timestamp
 * target without a zone (they were refused); another offset is still refused.
 * _i: target (0 PostgreSQL, 1 MariaDB) * 2 + through ODBC only. */
START_TEST(test_sqlite_utc_text)
{
	int d = _i / 2 ? IT_MARIADB : IT_PG;
	bool odbc = _i % 2;
	char srcdb[1024];
	snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("utc_src.db"));
	unlink(srcdb);
	sqlite3 *h;
	ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE zt (id INTEGER PRIMARY KEY, at DATETIME)");
	lite_exec(h, "INSERT INTO zt VALUES (1, '2024-01-02T03:04:05Z'), (2, '2024-01-02T03:04:05.123456Z'),"
	             " (3, '2024-01-02 03:04:05.5+00:00'), (4, '2024-01-02T03:04:05+02:00')");
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	it_connect(&dst, d, "dst");
	edge_drop(&dst, "zt");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE zt (id int PRIMARY KEY, at timestamp(6))"
	                         : "CREATE TABLE zt (id int PRIMARY KEY, at datetime(6))");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "zt", odbc, false, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 1);   /* +02:00 is no UTC */
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM zt WHERE (id = 1 AND at = '2024-01-02 03:04:05')"
	                                    " OR (id = 2 AND at = '2024-01-02 03:04:05.123456')"
	                                    " OR (id = 3 AND at = '2024-01-02 03:04:05.5')"), 3);
	edge_drop(&dst, "zt");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* Text into a date or timestamp column the user created: PostgreSQL reads more than
 * ISO 8601 there ('yesterday' is a date, '2024-01-10 10:00:00' a date without its
 * time of day) and took both without a word. Only ISO text passes; a time of day a
 * date cannot keep and a word are refused, naming the column. _i: source (0 SQLite,
 * 1 PostgreSQL) * 2 + target (0 PostgreSQL, 1 MariaDB). */
START_TEST(test_text_into_date)
{
	bool lite = _i / 2 == 0;
	int d = _i % 2 ? IT_MARIADB : IT_PG;
	struct rpl_conn src, dst;
	const char *rows = "INSERT INTO td VALUES (1, '2024-01-10', '2024-01-10 10:00:00'),"
	                   " (2, '2024-01-10 10:00:00', '2024-01-10'), (3, 'yesterday', 'now'),"
	                   " (4, '2024-01-11 00:00:00', '2024-01-11T12:30:00')";
	if (lite) {
		char srcdb[1024];
		snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("td_src.db"));
		unlink(srcdb);
		sqlite3 *h;
		ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
		lite_exec(h, "CREATE TABLE td (id INTEGER PRIMARY KEY, d TEXT, ts TEXT)");
		lite_exec(h, rows);
		sqlite3_close(h);
		lite_conn(&src, "source", srcdb);
	} else {
		it_connect(&src, IT_PG, "src");
		edge_drop(&src, "td");
		it_exec(&src, "CREATE TABLE td (id int PRIMARY KEY, d text, ts varchar(40))");
		it_exec(&src, rows);
	}
	it_connect(&dst, d, "dst");
	edge_drop(&dst, "td");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE td (id int PRIMARY KEY, d date, ts timestamp(0))"
	                         : "CREATE TABLE td (id int PRIMARY KEY, d date, ts datetime(0))");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "td", false, false, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 2);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_PRECISION], 1);    /* row 2: 10:00 in a date */
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 1);   /* row 3: words */
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM td WHERE (id = 1 AND d = '2024-01-10'"
	                                    " AND ts = '2024-01-10 10:00:00') OR (id = 4 AND d = '2024-01-11'"
	                                    " AND ts = '2024-01-11 12:30:00')"), 2);
	edge_drop(&dst, "td");
	if (!lite)
		edge_drop(&src, "td");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* PostgreSQL's ±infinity dates and timestamps: copied as themselves into PostgreSQL
 * (binary COPY, text COPY); into MariaDB, which has no such date, NULL where the column
 * is nullable and a rejected row where not (rule date_range). _i: 0 PostgreSQL binary,
 * 1 PostgreSQL text COPY, 2 MariaDB (LOAD DATA), 3 MariaDB through ODBC, 4 PostgreSQL
 * through ODBC (psqlODBC made 'infinity' today's date, or 9999-12-31 23:59:59). */
START_TEST(test_pg_infinity)
{
	int d = _i < 2 || _i == 4 ? IT_PG : IT_MARIADB;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "inf");
	edge_drop(&dst, "inf");
	it_exec(&src, "CREATE TABLE inf (id int PRIMARY KEY, d date, ts timestamp(6), tz timestamptz, dn date NOT NULL)");
	it_exec(&src, "INSERT INTO inf VALUES (1, 'infinity', 'infinity', 'infinity', '2024-01-01'),"
	              " (2, '-infinity', '-infinity', '-infinity', '-infinity'),"
	              " (3, '2024-01-02', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05.5+00', '2024-01-02')");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE inf (id int PRIMARY KEY, d date, ts timestamp(6), tz timestamptz,"
	                           " dn date NOT NULL)"
	                         : "CREATE TABLE inf (id int PRIMARY KEY, d date, ts datetime(6), tz datetime(6),"
	                           " dn date NOT NULL)");
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("inf-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "inf", .dst_table = "inf", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .text_copy = _i == 1, .bulk_odbc = _i >= 3 };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.read, 3);
	if (d == IT_PG) {
		ck_assert_int_eq(acc.written, 3);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM inf WHERE id = 1 AND d = 'infinity'"
		                                    " AND ts = 'infinity' AND tz = 'infinity'"), 1);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM inf WHERE id = 2 AND d = '-infinity'"
		                                    " AND ts = '-infinity' AND tz = '-infinity' AND dn = '-infinity'"), 1);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM inf WHERE id = 3 AND d = '2024-01-02'"
		                                    " AND ts = '2024-01-02 03:04:05.123456' AND tz = '2024-01-02 03:04:05.5+00'"),
		                 1);
	} else {
		ck_assert_int_eq(acc.written, 2);
		ck_assert_int_eq(acc.rejected_by[RPL_RULE_DATE_RANGE], 1);   /* row 2: dn is NOT NULL */
		ck_assert_int_eq(acc.nulled[RPL_RULE_DATE_RANGE], 3);         /* row 1's d, ts, tz */
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM inf WHERE id = 1 AND d IS NULL AND ts IS NULL"
		                                    " AND tz IS NULL AND dn = '2024-01-01'"), 1);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM inf WHERE id = 3 AND d = '2024-01-02'"
		                                    " AND ts = '2024-01-02 03:04:05.123456' AND tz = '2024-01-02 03:04:05.5'"), 1);
		FILE *f = fopen(rpath, "r");
		ck_assert_msg(f != NULL, "no reject file");
		char line[4096];
		ck_assert(fgets(line, sizeof line, f) != NULL);
		fclose(f);
		ck_assert_msg(strstr(line, "\"column\":\"dn\"") != NULL && strstr(line, "-infinity") != NULL, "%s", line);
	}
	edge_drop(&src, "inf");
	edge_drop(&dst, "inf");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* PostgreSQL's dates and timestamps outside years 1..9999 (4713 BC to 5874897 AD, a
 * timestamp's to 294276 AD) failed the whole partition on the libpq COPY source
 * ("cannot read a date outside years 1 to 9999 from COPY as date"): now into
 * PostgreSQL through COPY they are copied as themselves, binary and text (RPL_YEAR_FAR,
 * xfer.h); into MariaDB, which has no such date, NULL where the column is nullable
 * and the row rejected naming the column and the value where not (rule date_range);
 * SQLite keeps PostgreSQL's text. _i: 0 PostgreSQL binary COPY, 1 PostgreSQL text
 * COPY (an interval column has no binary form read here), 2 MariaDB from binary COPY,
 * 3 MariaDB from text COPY, 4 SQLite (the library). */
static const char *const far_rows[][5] = {
	/* d, ts, tz (UTC), dn (NOT NULL): as PostgreSQL writes them in ISO style */
	{ "2024-01-01", "2024-01-01 10:00:00", "2024-01-01 10:00:00", "2024-01-01" },
	{ "0044-03-15 BC", "0044-03-15 12:00:00.5 BC", "0044-03-15 12:00:00 BC", "2024-01-02" },
	{ "12000-01-01", "12000-06-30 23:59:59.999999", "12000-01-01 00:00:00", "2024-01-03" },
	{ "5874897-12-31", "294276-12-31 23:59:59.999999", "294276-12-31 23:59:59.999999", "2024-01-04" },
	{ "4714-11-24 BC", "4714-11-24 00:00:00 BC", "4714-11-24 00:00:00 BC", "4714-11-24 BC" },
};
#define NFAR ((int)(sizeof far_rows / sizeof far_rows[0]))

/* far_tz: a tz value of far_rows as PostgreSQL's timestamptz text in UTC ("+00"
 * before the era) */
static void
far_tz(const char *utc, char *out, size_t n)
{
	size_t len = strlen(utc);
	bool bc = len > 3 && strcmp(utc + len - 3, " BC") == 0;
	snprintf(out, n, "%.*s+00%s", (int)(bc ? len - 3 : len), utc, bc ? " BC" : "");
}

START_TEST(test_pg_far_dates)
{
	bool text = _i == 1 || _i == 3;
	int d = _i < 2 ? IT_PG : _i < 4 ? IT_MARIADB : -1;
	struct rpl_conn src, dst;
	char sql[1024], got[256], want[256], tz[64];
	it_connect(&src, IT_PG, "src");
	edge_drop(&src, "far");
	snprintf(sql, sizeof sql, "CREATE TABLE far (id int PRIMARY KEY, d date, ts timestamp(6), tz timestamptz,"
	         " dn date NOT NULL%s)", text ? ", iv interval" : "");
	it_exec(&src, sql);
	for (int k = 0; k < NFAR; k++) {
		far_tz(far_rows[k][2], tz, sizeof tz);
		snprintf(sql, sizeof sql, "INSERT INTO far VALUES (%d, '%s', '%s', '%s', '%s'%s)", k + 1, far_rows[k][0],
		         far_rows[k][1], tz, far_rows[k][3], text ? ", '1 day 02:00:00'" : "");
		it_exec(&src, sql);
	}
	char litedb[1024];
	snprintf(litedb, sizeof litedb, "%s", it_tmpfile("far_dst.db"));
	if (d < 0) {
		unlink(litedb);
		sqlite3 *h;
		ck_assert(sqlite3_open(litedb, &h) == SQLITE_OK);
		lite_exec(h, "CREATE TABLE far (id INTEGER PRIMARY KEY, d DATE, ts TIMESTAMP, tz TIMESTAMP, dn DATE NOT NULL)");
		sqlite3_close(h);
		lite_conn(&dst, "target", litedb);
	} else {
		it_connect(&dst, d, "dst");
		edge_drop(&dst, "far");
		snprintf(sql, sizeof sql, "%s%s)",
		         d == IT_PG ? "CREATE TABLE far (id int PRIMARY KEY, d date, ts timestamp(6), tz timestamptz, dn date NOT NULL"
		                    : "CREATE TABLE far (id int PRIMARY KEY, d date, ts datetime(6), tz datetime(6), dn date NOT NULL",
		         !text ? "" : d == IT_PG ? ", iv interval" : ", iv varchar(40)");
		it_exec(&dst, sql);
	}
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("far-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "far", .dst_table = "far", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.read, NFAR);
	if (d == IT_PG) {
		ck_assert_int_eq(acc.written, NFAR);
		ck_assert_int_eq(acc.rejected, 0);
		ck_assert_int_eq(acc.nulled[RPL_RULE_DATE_RANGE], 0);
		it_exec(&dst, "SET DateStyle = ISO");
		for (int k = 0; k < NFAR; k++) {
			snprintf(sql, sizeof sql, "SELECT d::text || '|' || ts::text || '|' || (tz AT TIME ZONE 'UTC')::text"
			         " || '|' || dn::text%s FROM far WHERE id = %d", text ? " || '|' || iv::text" : "", k + 1);
			it_query_str(&dst, sql, got, sizeof got);
			snprintf(want, sizeof want, "%s|%s|%s|%s%s", far_rows[k][0], far_rows[k][1], far_rows[k][2],
			         far_rows[k][3], text ? "|1 day 02:00:00" : "");
			ck_assert_str_eq(got, want);
		}
	} else if (d == IT_MARIADB) {
		ck_assert_int_eq(acc.written, NFAR - 1);
		ck_assert_int_eq(acc.rejected, 1);
		ck_assert_int_eq(acc.rejected_by[RPL_RULE_DATE_RANGE], 1);   /* row 5: dn is NOT NULL */
		ck_assert_int_eq(acc.nulled[RPL_RULE_DATE_RANGE], 9);         /* rows 2-4: d, ts, tz */
		for (int k = 0; k < NFAR - 1; k++) {
			snprintf(sql, sizeof sql, "SELECT CONCAT_WS('|', IFNULL(d, 'NULL'), IFNULL(ts, 'NULL'), IFNULL(tz, 'NULL'),"
			         " dn) FROM far WHERE id = %d", k + 1);
			it_query_str(&dst, sql, got, sizeof got);
			if (k == 0)
				snprintf(want, sizeof want, "2024-01-01|2024-01-01 10:00:00.000000|2024-01-01 10:00:00.000000|2024-01-01");
			else
				snprintf(want, sizeof want, "NULL|NULL|NULL|%s", far_rows[k][3]);
			ck_assert_str_eq(got, want);
		}
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM far WHERE id = 5"), 0);
		FILE *f = fopen(rpath, "r");
		ck_assert_msg(f != NULL, "no reject file");
		char line[4096];
		ck_assert(fgets(line, sizeof line, f) != NULL);
		fclose(f);
		ck_assert_msg(strstr(line, "\"column\":\"dn\"") != NULL && strstr(line, "\"4714-11-24 BC\"") != NULL &&
		              strstr(line, "date_range") != NULL, "%s", line);
	} else {
		ck_assert_int_eq(acc.written, NFAR);
		ck_assert_int_eq(acc.rejected, 0);
		ck_assert_int_eq(acc.nulled[RPL_RULE_DATE_RANGE], 0);
		sqlite3 *h;
		ck_assert(sqlite3_open(litedb, &h) == SQLITE_OK);
		for (int k = 0; k < NFAR; k++) {
			sqlite3_stmt *st;
			snprintf(sql, sizeof sql, "SELECT d || '|' || ts || '|' || tz || '|' || dn FROM far WHERE id = %d", k + 1);
			ck_assert(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK);
			ck_assert(sqlite3_step(st) == SQLITE_ROW);
			far_tz(far_rows[k][2], tz, sizeof tz);
			snprintf(want, sizeof want, "%s|%s|%s|%s", far_rows[k][0], far_rows[k][1], tz, far_rows[k][3]);
			ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), want);
			sqlite3_finalize(st);
		}
		sqlite3_close(h);
	}
	edge_drop(&src, "far");
	if (d >= 0)
		edge_drop(&dst, "far");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fidelity");
	TCase *tc = tcase_create("dates");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_mariadb_timestamp_utc, 0, 8);
	tcase_add_loop_test(tc, test_sqlite_utc_text, 0, 4);
	tcase_add_loop_test(tc, test_text_into_date, 0, 4);
	tcase_add_loop_test(tc, test_pg_infinity, 0, 5);
	tcase_add_loop_test(tc, test_pg_far_dates, 0, 5);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
