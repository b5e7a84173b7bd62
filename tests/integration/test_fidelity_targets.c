/* tests/integration/test_fidelity_targets.c: values into target columns the user
 * created with other types than the source's, as an outside acceptance run found
 * them changed without a word: a decimal into an integer (MariaDB rounded 2.5 to 3),
 * a double into numeric(p,s) (PostgreSQL rounded 0.125 to 0.13), a timestamp into a
 * date (its time of day dropped), an exact number into a double or a float
 * (9007199254740993 became ...992, 16777217 became 16777216, 1e-50 became 0); a
 * MariaDB YEAR 0000 through LOAD DATA (read as 2000); SQLite text at hour 24 (the
 * next day in PostgreSQL). Each such row is rejected naming the rule, the rest arrive
 * as they left, read back from the target independently. */
#include "copy.h"
#include "fidelity_it.h"
#include "it.h"
#include <stdio.h>
#include <string.h>

/* copy_into copies table from src into dst's existing table (created when create;
 * odbc: load.bulk "odbc"), its account in acc */
static void
copy_into(struct rpl_conn *src, struct rpl_conn *dst, const char *table, bool create, bool odbc,
          struct rpl_part_account *acc)
{
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(src, dst, table, odbc, create, acc, &err) == 0, "%s: copy: %s", table, err.msg);
}

/* target_is: the target's text of sql (one value, read on a connection of its own) */
static void
target_is(int de, const char *sql, const char *want, const char *what)
{
	struct rpl_conn c;
	char got[512];
	it_connect(&c, de, "dst");
	it_query_str(&c, sql, got, sizeof got);
	rpl_conn_close(&c);
	ck_assert_msg(strcmp(got, want) == 0, "%s: %s gave \"%s\", expected \"%s\"", what, sql, got, want);
}

static void
fresh(struct rpl_conn *s, struct rpl_conn *d, int se, int de, const char *table, const char *src_ddl,
      const char *dst_ddl)
{
	char sql[160];
	it_connect(s, se, "src");
	it_connect(d, de, "dst");
	snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", table);
	it_exec(s, sql);
	it_exec(d, sql);
	it_exec(s, src_ddl);
	if (dst_ddl != NULL)
		it_exec(d, dst_ddl);
}

static const int servers[] = { IT_MARIADB, IT_PG };

/* MariaDB's YEAR 0000 loaded as 0000, not 2000 (a one-digit year is 20xx to MariaDB) */
START_TEST(test_year_zero)
{
	struct rpl_conn s, d;
	fresh(&s, &d, IT_MARIADB, IT_MARIADB, "ft_year", "CREATE TABLE ft_year (id int PRIMARY KEY, y year)", NULL);
	it_exec(&s, "INSERT INTO ft_year VALUES (1, 0), (2, 2000), (3, 1901), (4, 2155), (5, NULL), (6, 1999)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_year", true, false, &acc);
	ck_assert_int_eq(acc.rejected, 0);
	target_is(IT_MARIADB, "SELECT GROUP_CONCAT(COALESCE(CAST(y AS CHAR), 'NULL') ORDER BY id) FROM ft_year",
	          "0000,2000,1901,2155,NULL,1999", "mariadb year");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a decimal into an integer column: a fraction is rejected, 7.000 is 7 */
START_TEST(test_decimal_into_int)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "decimal -> %s integer", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_MARIADB, de, "ft_int", "CREATE TABLE ft_int (id int PRIMARY KEY, a decimal(10,3))",
	      "CREATE TABLE ft_int (id int PRIMARY KEY, a integer)");
	it_exec(&s, "INSERT INTO ft_int VALUES (1, 2.5), (2, -0.5), (3, 7.000), (4, -12), (5, 0.001), (6, NULL)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_int", false, false, &acc);
	ck_assert_msg(acc.rejected == 3 && acc.rejected_by[RPL_RULE_PRECISION] == 3, "%s: rejected %lld (precision %lld)",
	              what, (long long)acc.rejected, (long long)acc.rejected_by[RPL_RULE_PRECISION]);
	target_is(de, "SELECT count(*) FROM ft_int", "3", what);
	target_is(de, "SELECT sum(a) FROM ft_int", "-5", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a double into numeric(10,2): what needs more places or digits is rejected */
START_TEST(test_double_into_numeric)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "double -> %s numeric(10,2)", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_PG, de, "ft_num", "CREATE TABLE ft_num (id int PRIMARY KEY, b float8)",
	      "CREATE TABLE ft_num (id int PRIMARY KEY, b numeric(10,2))");
	it_exec(&s, "INSERT INTO ft_num VALUES (1, 0.125), (2, 123.456), (3, 2), (4, 1e20), (5, 0.5), (6, -1.25)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_num", false, false, &acc);
	ck_assert_msg(acc.rejected == 3, "%s: rejected %lld", what, (long long)acc.rejected);
	target_is(de, "SELECT count(*) FROM ft_num", "3", what);
	target_is(de, de == IT_PG ? "SELECT sum(b)::text FROM ft_num" : "SELECT CAST(sum(b) AS CHAR) FROM ft_num", "1.25", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a timestamp into a date: a time of day is rejected, midnight passes */
START_TEST(test_timestamp_into_date)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "timestamp -> %s date", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_PG, de, "ft_day", "CREATE TABLE ft_day (id int PRIMARY KEY, t timestamp(6))",
	      "CREATE TABLE ft_day (id int PRIMARY KEY, t date)");
	it_exec(&s, "INSERT INTO ft_day VALUES (1, '2024-01-01 10:00:00.5'), (2, '2024-01-02 00:00:00'), "
	            "(3, '2024-01-03 00:00:00.000001'), (4, NULL)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_day", false, false, &acc);
	ck_assert_msg(acc.rejected == 2 && acc.rejected_by[RPL_RULE_PRECISION] == 2, "%s: rejected %lld", what,
	              (long long)acc.rejected);
	target_is(de, "SELECT CAST(max(t) AS CHAR(10)) FROM ft_day", "2024-01-02", what);
	target_is(de, "SELECT count(*) FROM ft_day", "2", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* exact numbers into doubles and floats: a number the column would hold as another
 * is rejected; one it holds as the same decimal passes (0.1, 1.0000001 into a float),
 * and so does one that is a double although its shortest spelling is another number
 * (-2^63, 2^60: an outside run found -2^63 rejected) */
START_TEST(test_exact_into_floating)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "exact -> %s double and float", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_PG, de, "ft_dbl", "CREATE TABLE ft_dbl (id int PRIMARY KEY, b bigint, n numeric, i int, g float8)",
	      de == IT_PG ? "CREATE TABLE ft_dbl (id int PRIMARY KEY, b float8, n float8, i real, g real)"
	                  : "CREATE TABLE ft_dbl (id int PRIMARY KEY, b double, n double, i float, g float)");
	it_exec(&s, "INSERT INTO ft_dbl VALUES (1, 9007199254740993, 0.1, 1, 0.1), (2, 9007199254740992, 0.1, 1, 0.1), "
	            "(3, 1, 12345678901234567890, 1, 0.1), (4, 1, 0.30000000000000004, 16777217, 0.1), "
	            "(5, 1, 1.5, 16777216, 1e-50), (6, 1, 1.5, 3, 1.0000001), (7, NULL, NULL, NULL, NULL), "
	            "(8, -9223372036854775808, 1152921504606846976, -2147483648, 0.1)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_dbl", false, false, &acc);
	ck_assert_msg(acc.rejected == 4 && acc.rejected_by[RPL_RULE_PRECISION] == 4, "%s: rejected %lld", what,
	              (long long)acc.rejected);
	target_is(de, "SELECT count(*) FROM ft_dbl", "4", what);
	target_is(de, de == IT_PG ? "SELECT (b = -2 ^ 63 AND n = 2 ^ 60 AND i = -2 ^ 31)::int FROM ft_dbl WHERE id = 8"
	                          : "SELECT b = -POW(2, 63) AND n = POW(2, 60) AND i = -POW(2, 31) FROM ft_dbl WHERE id = 8",
	          "1", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* SQLite text at hour 24 (or minute 60) is no time of day any target keeps as written */
START_TEST(test_hour_24)
{
	struct rpl_conn s, d;
	fresh(&s, &d, IT_SQLITE, IT_PG, "ft_h24", "CREATE TABLE ft_h24 (id INTEGER PRIMARY KEY, t DATETIME)",
	      "CREATE TABLE ft_h24 (id int PRIMARY KEY, t timestamp)");
	it_exec(&s, "INSERT INTO ft_h24 VALUES (1, '2024-01-05 24:00:00'), (2, '2024-01-05 23:59:59'), "
	            "(3, '2024-01-05 10:60:00'), (4, '2024-01-05 00:00')");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_h24", false, false, &acc);
	ck_assert_msg(acc.rejected == 2 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 2, "sqlite hour 24: rejected %lld",
	              (long long)acc.rejected);
	target_is(IT_PG, "SELECT string_agg(t::text, ',' ORDER BY id) FROM ft_h24", "2024-01-05 23:59:59,2024-01-05 00:00:00",
	          "sqlite hour 24");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* sqliteodbc's text of a REAL ("1.5e+15") into an integer column is its digits; a
 * review found "1.5e+15" rewritten in its own 7 bytes as "1500000", and a decimal
 * longer than any double's spelling (10^250 + 1, 1e400) let through into a double */
START_TEST(test_long_and_spelled)
{
	struct rpl_conn s, d;
	fresh(&s, &d, IT_SQLITE, IT_PG, "ft_sp", "CREATE TABLE ft_sp (id INTEGER PRIMARY KEY, r REAL)",
	      "CREATE TABLE ft_sp (id int PRIMARY KEY, r bigint)");
	it_exec(&s, "INSERT INTO ft_sp VALUES (1, 1.5e15), (2, 1e18), (3, 2.5), (4, -7.0)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_sp", false, true, &acc);
	ck_assert_msg(acc.rejected == 1, "sqliteodbc REAL -> bigint: rejected %lld", (long long)acc.rejected);
	target_is(IT_PG, "SELECT string_agg(r::text, ',' ORDER BY id) FROM ft_sp", "1500000000000000,1000000000000000000,-7",
	          "sqliteodbc REAL -> bigint");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
	fresh(&s, &d, IT_PG, IT_PG, "ft_big", "CREATE TABLE ft_big (id int PRIMARY KEY, n numeric)",
	      "CREATE TABLE ft_big (id int PRIMARY KEY, n float8)");
	it_exec(&s, "INSERT INTO ft_big VALUES (1, 10::numeric ^ 250 + 1), (2, 1e400), (3, 10::numeric ^ 250), (4, 0.5)");
	copy_into(&s, &d, "ft_big", false, false, &acc);
	ck_assert_msg(acc.rejected == 2 && acc.rejected_by[RPL_RULE_PRECISION] == 2, "long numeric -> double: rejected %lld",
	              (long long)acc.rejected);
	target_is(IT_PG, "SELECT string_agg(n::text, ',' ORDER BY id) FROM ft_big", "1e+250,0.5", "long numeric -> double");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* text into an integer or a numeric(p,s), an integer into a boolean: the same number
 * or the row rejected (MariaDB rounded '4.5' into an INT to 5, PostgreSQL made 2 a
 * true); MariaDB's BOOLEAN is a TINYINT and holds 2 */
START_TEST(test_text_into_numbers)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "text -> %s numbers", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_PG, de, "ft_txt", "CREATE TABLE ft_txt (id int PRIMARY KEY, a text, b text, c int)",
	      "CREATE TABLE ft_txt (id int PRIMARY KEY, a integer, b numeric(10,2), c boolean)");
	it_exec(&s, "INSERT INTO ft_txt VALUES (1, '42', '1.25', 1), (2, ' 7 ', '1.2300', 0), (3, '4.5', '1', NULL), "
	            "(4, 'abc', '2', NULL), (5, '1', '1.239', NULL), (6, '2', 'x', NULL), (7, '3', '3', 2)");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_txt", false, false, &acc);
	int wrong = de == IT_PG ? 3 : 2;   /* 2 into PostgreSQL's boolean */
	ck_assert_msg(acc.rejected == 2 + wrong && acc.rejected_by[RPL_RULE_PRECISION] == 2 &&
	              acc.rejected_by[RPL_RULE_WRONG_TYPE] == wrong, "%s: rejected %lld (precision %lld, wrong_type %lld)",
	              what, (long long)acc.rejected, (long long)acc.rejected_by[RPL_RULE_PRECISION],
	              (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE]);
	target_is(de, de == IT_PG ? "SELECT string_agg(id || ':' || a || ':' || b, ',' ORDER BY id) FROM ft_txt"
	                          : "SELECT GROUP_CONCAT(CONCAT(id, ':', a, ':', b) ORDER BY id) FROM ft_txt",
	          de == IT_PG ? "1:42:1.25,2:7:1.23" : "1:42:1.25,2:7:1.23,7:3:3.00", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a SQLite file's text is any bytes and its dates any text: what the target refuses
 * (not UTF-8; a NUL into PostgreSQL; a day the calendar lacks) is rejected by its
 * rule, naming the column, not by the server's refusal of the whole load */
START_TEST(test_sqlite_bytes_and_days)
{
	int de = servers[_i];
	char what[64];
	snprintf(what, sizeof what, "sqlite bytes -> %s", it_engine_names[de]);
	struct rpl_conn s, d;
	fresh(&s, &d, IT_SQLITE, de, "ft_lb", "CREATE TABLE ft_lb (id INTEGER PRIMARY KEY, v TEXT, d DATE)",
	      "CREATE TABLE ft_lb (id int PRIMARY KEY, v varchar(10), d date)");
	it_exec(&s, "INSERT INTO ft_lb VALUES (1, 'ok', '2024-02-29'), (2, CAST(x'61ff62' AS TEXT), '2024-01-01'), "
	            "(3, CAST(x'610062' AS TEXT), '2024-01-01'), (4, 'ok', '2024-02-30'), (5, 'ok', '2023-02-29'), "
	            "(6, CAST(x'c3a9' AS TEXT), '2000-02-29')");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_lb", false, false, &acc);
	int want = de == IT_PG ? 4 : 3;   /* MariaDB's text holds a NUL */
	ck_assert_msg(acc.rejected == want && acc.rejected_by[RPL_RULE_WRONG_TYPE] == want && acc.rejected_by[RPL_RULE_SERVER] == 0,
	              "%s: rejected %lld (wrong_type %lld, server %lld)", what, (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE], (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(de, de == IT_PG ? "SELECT string_agg(id::text, ',' ORDER BY id) FROM ft_lb"
	                          : "SELECT GROUP_CONCAT(id ORDER BY id) FROM ft_lb",
	          de == IT_PG ? "1,6" : "1,3,6", what);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a MariaDB column's own limits, which the copy met only as the server's refusal of
 * the row (rule server): UNSIGNED, YEAR, ENUM and SET labels, TIMESTAMP's range */
START_TEST(test_mariadb_limits)
{
	struct rpl_conn s, d;
	fresh(&s, &d, IT_PG, IT_MARIADB, "ft_my",
	      "CREATE TABLE ft_my (id int PRIMARY KEY, u bigint, y int, e text, st text, ts timestamp)",
	      "CREATE TABLE ft_my (id int PRIMARY KEY, u int unsigned, y year, e enum('a','b'), st set('x','y'), "
	      "ts timestamp NULL) DEFAULT CHARSET=utf8mb4");
	it_exec(&s, "INSERT INTO ft_my VALUES (1, 0, 1901, 'b', 'x,y', '1970-01-02 00:00:00'), "
	            "(2, -1, 2024, 'a', 'x', '2024-01-01'), (3, 5, 1900, 'a', 'x', '2024-01-01'), "
	            "(4, 5, 2024, 'c', 'x', '2024-01-01'), (5, 5, 2024, 'a', 'x,z', '2024-01-01'), "
	            "(6, 4294967295, 2155, 'a', '', '1969-12-31 12:00:00'), (7, 5, 0, 'A', 'y', '2024-01-01')");
	struct rpl_part_account acc;
	copy_into(&s, &d, "ft_my", false, false, &acc);
	ck_assert_msg(acc.rejected == 5 && acc.rejected_by[RPL_RULE_INT_RANGE] == 2 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 3 &&
	              acc.rejected_by[RPL_RULE_SERVER] == 0 && acc.nulled[RPL_RULE_DATE_RANGE] == 1,
	              "mariadb limits: rejected %lld (int_range %lld, wrong_type %lld, server %lld), date_range %lld",
	              (long long)acc.rejected, (long long)acc.rejected_by[RPL_RULE_INT_RANGE],
	              (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE], (long long)acc.rejected_by[RPL_RULE_SERVER],
	              (long long)acc.nulled[RPL_RULE_DATE_RANGE]);
	target_is(IT_MARIADB, "SELECT GROUP_CONCAT(CONCAT(id, ':', u, ':', y, ':', e, ':', st, ':', COALESCE(ts, 'NULL')) "
	          "ORDER BY id) FROM ft_my", "1:0:1901:b:x,y:1970-01-02 00:00:00,6:4294967295:2155:a::NULL", "mariadb limits");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a second outside run: an ENUM or SET label with a backslash (refused by the label
 * check, MariaDB to MariaDB), '1e3' into a PostgreSQL bigint (its digits need more room
 * than the text: it reached COPY unwritten), a char(10)'s padding into a MariaDB
 * DECIMAL or DOUBLE (refused by LOAD DATA), a number into an ENUM (stored by index),
 * a decimal 0 into a YEAR (read as 2000) */
START_TEST(test_second_run)
{
	struct rpl_conn s, d;
	struct rpl_part_account acc;
	fresh(&s, &d, IT_MARIADB, IT_MARIADB, "ft_bs",
	      "CREATE TABLE ft_bs (id int PRIMARY KEY, e enum('a\\\\b','c'), st set('x\\\\y','z')) DEFAULT CHARSET=utf8mb4", NULL);
	it_exec(&s, "INSERT INTO ft_bs VALUES (1, 'a\\\\b', 'x\\\\y,z'), (2, 'c', 'z')");
	copy_into(&s, &d, "ft_bs", true, false, &acc);
	ck_assert_msg(acc.rejected == 0, "backslash labels: rejected %lld", (long long)acc.rejected);
	target_is(IT_MARIADB, "SELECT GROUP_CONCAT(CONCAT(id, e, st) ORDER BY id) FROM ft_bs", "1a\\bx\\y,z,2cz",
	          "backslash labels");
	rpl_conn_close(&s);
	rpl_conn_close(&d);

	fresh(&s, &d, IT_PG, IT_PG, "ft_ex", "CREATE TABLE ft_ex (id int PRIMARY KEY, a text)",
	      "CREATE TABLE ft_ex (id int PRIMARY KEY, a bigint)");
	it_exec(&s, "INSERT INTO ft_ex VALUES (1, '1e3'), (2, '1E3'), (3, '1e9'), (4, '1e10'), (5, '-2E2')");
	copy_into(&s, &d, "ft_ex", false, false, &acc);
	ck_assert_msg(acc.rejected == 0, "exponents into bigint: rejected %lld", (long long)acc.rejected);
	target_is(IT_PG, "SELECT string_agg(a::text, ',' ORDER BY id) FROM ft_ex", "1000,1000,1000000000,10000000000,-200",
	          "exponents into bigint");
	rpl_conn_close(&s);
	rpl_conn_close(&d);

	fresh(&s, &d, IT_PG, IT_MARIADB, "ft_sp",
	      "CREATE TABLE ft_sp (id int PRIMARY KEY, n char(10), f char(10), e int, y numeric(4,0))",
	      "CREATE TABLE ft_sp (id int PRIMARY KEY, n decimal(10,2), f double, e enum('a','b'), y year)");
	it_exec(&s, "INSERT INTO ft_sp VALUES (1, '12.50', '2.5', NULL, 1999), (2, ' 3 ', '-1 ', NULL, NULL), "
	            "(3, '1', '1', 1, NULL), (4, '1', '1', NULL, 0)");
	copy_into(&s, &d, "ft_sp", false, false, &acc);
	ck_assert_msg(acc.rejected == 2 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 1 && acc.rejected_by[RPL_RULE_INT_RANGE] == 1,
	              "padding, an index, a year: rejected %lld (wrong_type %lld, int_range %lld, server %lld)",
	              (long long)acc.rejected, (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE],
	              (long long)acc.rejected_by[RPL_RULE_INT_RANGE], (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(IT_MARIADB, "SELECT GROUP_CONCAT(CONCAT(id, ':', n, ':', f, ':', COALESCE(y, '-')) ORDER BY id) FROM ft_sp",
	          "1:12.50:2.5:1999,2:3.00:-1:-", "padding into numbers");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* characters a MariaDB column's character set lacks, and a MariaDB NUL into
 * PostgreSQL: rejected by wrong_type naming the column (an outside scan run found
 * the servers refusing them, rule server, the NUL's row with no column named, and
 * scan foreseeing none); the characters the sets hold arrive */
START_TEST(test_charsets)
{
	struct rpl_conn s, d;
	struct rpl_part_account acc;
	fresh(&s, &d, IT_PG, IT_MARIADB, "ft_cs", "CREATE TABLE ft_cs (id int PRIMARY KEY, l text, m text, a text)",
	      "CREATE TABLE ft_cs (id int PRIMARY KEY, l varchar(10) CHARACTER SET latin1, m varchar(10) CHARACTER SET utf8mb3, "
	      "a varchar(10) CHARACTER SET ascii) DEFAULT CHARSET=utf8mb4");
	it_exec(&s, "INSERT INTO ft_cs VALUES (1, U&'\\00e9\\20ac\\0081', U&'\\fffd', 'abc'), (2, U&'\\0109', NULL, NULL), "
	            "(3, NULL, U&'\\+01F600', NULL), (4, NULL, NULL, U&'\\00e9'), (5, U&'\\0080', NULL, NULL)");
	copy_into(&s, &d, "ft_cs", false, false, &acc);
	ck_assert_msg(acc.rejected == 4 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 4,
	              "character sets: rejected %lld (wrong_type %lld, server %lld)", (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE], (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(IT_MARIADB, "SELECT CONCAT(HEX(l), ':', HEX(m), ':', a) FROM ft_cs WHERE id = 1", "E98081:EFBFBD:abc",
	          "character sets");
	rpl_conn_close(&s);
	rpl_conn_close(&d);

	fresh(&s, &d, IT_MARIADB, IT_PG, "ft_nul", "CREATE TABLE ft_nul (id int PRIMARY KEY, t varchar(10))",
	      "CREATE TABLE ft_nul (id int PRIMARY KEY, t text)");
	it_exec(&s, "INSERT INTO ft_nul VALUES (1, 'a\\0b'), (2, 'ab')");
	copy_into(&s, &d, "ft_nul", false, false, &acc);
	ck_assert_msg(acc.rejected == 1 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 1,
	              "MariaDB NUL: rejected %lld (wrong_type %lld, server %lld)", (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE], (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(IT_PG, "SELECT string_agg(t, ',') FROM ft_nul", "ab", "MariaDB NUL");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* times and durations into time columns (outside runs: PostgreSQL rounded
 * 23:59:59.9 into a time(0) to 24:00:00, MariaDB cut 12:00:00.5 to 12:00:00, a zone
 * was dropped, the servers refused 100:00:00 into a time and '1 day 02:00:00' into a
 * TIME, all without a rule): the same value, respelled where MariaDB reads another
 * spelling, or rejected naming the column */
static void
times_case(int se, int de, const char *table, const char *src_ddl, const char *dst_ddl, const char *rows,
           long long precision, long long wrong_type, const char *sql, const char *want)
{
	struct rpl_conn s, d;
	struct rpl_part_account acc;
	fresh(&s, &d, se, de, table, src_ddl, dst_ddl);
	it_exec(&s, rows);
	copy_into(&s, &d, table, false, false, &acc);
	ck_assert_msg(acc.rejected == precision + wrong_type && acc.rejected_by[RPL_RULE_PRECISION] == precision &&
	                  acc.rejected_by[RPL_RULE_WRONG_TYPE] == wrong_type,
	              "%s: rejected %lld (precision %lld, wrong_type %lld, server %lld)", table, (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_PRECISION], (long long)acc.rejected_by[RPL_RULE_WRONG_TYPE],
	              (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(de, sql, want, table);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}

/* a MariaDB BIT(8)'s bytes into a BIT(4) and into a PostgreSQL smallint: the
 * servers refused both as server (an outside run); now int_range and wrong_type,
 * naming the column, and what fits arrives */
START_TEST(test_bits)
{
	struct rpl_conn s, d;
	struct rpl_part_account acc;
	fresh(&s, &d, IT_MARIADB, IT_MARIADB, "ft_bmm", "CREATE TABLE ft_bmm (id int PRIMARY KEY, b bit(8))",
	      "CREATE TABLE ft_bmm (id int PRIMARY KEY, b bit(4))");
	it_exec(&s, "INSERT INTO ft_bmm VALUES (1, b'1111'), (2, b'10000'), (3, b'0'), (4, NULL)");
	copy_into(&s, &d, "ft_bmm", false, false, &acc);
	ck_assert_msg(acc.rejected == 1 && acc.rejected_by[RPL_RULE_INT_RANGE] == 1,
	              "BIT(8) -> BIT(4): rejected %lld (server %lld)", (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_SERVER]);
	target_is(IT_MARIADB, "SELECT GROUP_CONCAT(CONCAT(id, ':', COALESCE(b + 0, '-')) ORDER BY id) FROM ft_bmm",
	          "1:15,3:0,4:-", "BIT(8) -> BIT(4)");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
	fresh(&s, &d, IT_MARIADB, IT_PG, "ft_bmp", "CREATE TABLE ft_bmp (id int PRIMARY KEY, b bit(8))",
	      "CREATE TABLE ft_bmp (id int PRIMARY KEY, b smallint)");
	it_exec(&s, "INSERT INTO ft_bmp VALUES (1, b'11111111'), (2, NULL)");
	copy_into(&s, &d, "ft_bmp", false, false, &acc);
	ck_assert_msg(acc.rejected == 1 && acc.rejected_by[RPL_RULE_WRONG_TYPE] == 1,
	              "BIT(8) -> smallint: rejected %lld (server %lld)", (long long)acc.rejected,
	              (long long)acc.rejected_by[RPL_RULE_SERVER]);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a MariaDB BIT(1) read through Connector/ODBC (load.bulk "odbc", or a column the
 * client library does not read): a 1 near a NULL arrived as NULL when bound as
 * SQL_C_BIT (an outside run: 3 of 6 values lost, verify equal) */
START_TEST(test_bit_odbc)
{
	struct rpl_conn s, d;
	struct rpl_part_account acc;
	fresh(&s, &d, IT_MARIADB, IT_PG, "ft_bo", "CREATE TABLE ft_bo (id int PRIMARY KEY, b bit(1), s text, tm time)",
	      "CREATE TABLE ft_bo (id int PRIMARY KEY, b boolean, s text, tm interval)");
	it_exec(&s, "INSERT INTO ft_bo VALUES (1, NULL, 'x', '10:00'), (2, 0, 'y', '10:00'), (3, 1, 'z', '10:00'), "
	            "(4, NULL, 'x', '10:00'), (5, 1, 'z', '10:00'), (6, 0, 'y', '10:00'), (7, 1, NULL, NULL)");
	/* small chunks, as the outside run's: a row or two a fetch */
	struct rpl_copy_opts o = { .src_table = "ft_bo", .dst_table = "ft_bo", .chunk_bytes = 64 * 1024, .commit_rows = 1000,
	                           .bulk_odbc = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&s, &d, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	ck_assert_msg(acc.rejected == 0, "BIT(1) through ODBC: rejected %lld", (long long)acc.rejected);
	target_is(IT_PG, "SELECT string_agg(COALESCE(b::text, '-'), ',' ORDER BY id) FROM ft_bo",
	          "-,false,true,-,true,false,true", "BIT(1) through ODBC");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

START_TEST(test_times)
{
	times_case(IT_PG, IT_PG, "ft_tpp", "CREATE TABLE ft_tpp (id int PRIMARY KEY, tm time, iv interval, tz timetz)",
	           "CREATE TABLE ft_tpp (id int PRIMARY KEY, tm time(0), iv interval second(0), tz time)",
	           "INSERT INTO ft_tpp VALUES (1, '10:00:00', '02:00:00', NULL), (2, '23:59:59.9', NULL, NULL), "
	           "(3, NULL, '1 day 00:00:00.5', NULL), (4, NULL, NULL, '10:00:00+02'), (5, '24:00:00', '3 days', NULL), "
	           "(6, NULL, '1 mon', NULL)",
	           2, 1, "SELECT string_agg(concat(tm, '/', iv), ',' ORDER BY id) FROM ft_tpp",
	           "10:00:00/02:00:00,24:00:00/3 days,/1 mon");
	times_case(IT_MARIADB, IT_PG, "ft_tmp", "CREATE TABLE ft_tmp (id int PRIMARY KEY, t time(3))",
	           "CREATE TABLE ft_tmp (id int PRIMARY KEY, t time(0))",
	           "INSERT INTO ft_tmp VALUES (1, '10:00:00'), (2, '100:00:00'), (3, '-00:00:01'), (4, '12:00:00.5')",
	           1, 2, "SELECT string_agg(t::text, ',' ORDER BY id) FROM ft_tmp", "10:00:00");
	times_case(IT_PG, IT_MARIADB, "ft_tpm", "CREATE TABLE ft_tpm (id int PRIMARY KEY, t interval)",
	           "CREATE TABLE ft_tpm (id int PRIMARY KEY, t time(0))",
	           "INSERT INTO ft_tpm VALUES (1, '1 day 02:00:00'), (2, '1 mon'), (3, '839:00:00'), (4, '00:00:00.5'), "
	           "(5, '-1 days +02:00:00'), (6, '3 days')",
	           1, 2, "SELECT GROUP_CONCAT(t ORDER BY id) FROM ft_tpm", "26:00:00,-22:00:00,72:00:00");
	/* SQLite holds anything in a TIME column: an integer, '7:05' (an outside run found
	 * 42 stored as 00:00:42 and '7:05' as 07:05:00, and PostgreSQL refusing 42) */
	times_case(IT_SQLITE, IT_MARIADB, "ft_tsm", "CREATE TABLE ft_tsm (id INTEGER PRIMARY KEY, t TIME)",
	           "CREATE TABLE ft_tsm (id int PRIMARY KEY, t time(0))",
	           "INSERT INTO ft_tsm VALUES (1, '12:00:00'), (2, 42), (3, 3.5), (4, '7:05'), (5, '25:00:00'), (6, ''), "
	           "(7, '2024-01-15 10:00:00')",
	           0, 5, "SELECT GROUP_CONCAT(t ORDER BY id) FROM ft_tsm", "12:00:00,25:00:00");
	times_case(IT_MARIADB, IT_MARIADB, "ft_tmm", "CREATE TABLE ft_tmm (id int PRIMARY KEY, t time(6))",
	           "CREATE TABLE ft_tmm (id int PRIMARY KEY, t time(0))",
	           "INSERT INTO ft_tmm VALUES (1, '838:59:59'), (2, '12:00:00.5'), (3, '-838:59:58.000000')",
	           1, 0, "SELECT GROUP_CONCAT(t ORDER BY id) FROM ft_tmm", "838:59:59,-838:59:58");
}
END_TEST

int
main(void)
{
	Suite *su = suite_create("fidelity_targets");
	TCase *tc = tcase_create("fidelity_targets");
	tcase_set_timeout(tc, 300);   /* a hang's deadline, not a speed check */
	tcase_add_test(tc, test_year_zero);
	tcase_add_loop_test(tc, test_decimal_into_int, 0, 2);
	tcase_add_loop_test(tc, test_double_into_numeric, 0, 2);
	tcase_add_loop_test(tc, test_timestamp_into_date, 0, 2);
	tcase_add_loop_test(tc, test_exact_into_floating, 0, 2);
	tcase_add_test(tc, test_hour_24);
	tcase_add_test(tc, test_long_and_spelled);
	tcase_add_loop_test(tc, test_text_into_numbers, 0, 2);
	tcase_add_loop_test(tc, test_sqlite_bytes_and_days, 0, 2);
	tcase_add_test(tc, test_mariadb_limits);
	tcase_add_test(tc, test_second_run);
	tcase_add_test(tc, test_charsets);
	tcase_add_test(tc, test_times);
	tcase_add_test(tc, test_bits);
	tcase_add_test(tc, test_bit_odbc);
	suite_add_tcase(su, tc);
	SRunner *sr = srunner_create(su);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
