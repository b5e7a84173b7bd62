/* tests/integration/test_fidelity.c: the fidelity gaps an acceptance check on data no
 * test had seen found after issue #15's first part: MariaDB TIMESTAMP across a server
 * whose default time zone is not UTC (and a local time in a DST gap), and the values
 * below, each across the pairs it concerns, value by value. The broader corpus is
 * test_corpus_values.c (SQLite sources) and test_corpus_servers.c. */
#include "copy.h"
#include "edge.h"
#include "it.h"
#include "reject.h"
#include <jansson.h>
#include <sqlite3.h>
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

static void
lite_exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

/* lite_open opens SQLite file path (emptied first) as a replicad connection */
static void
lite_conn(struct rpl_conn *c, const char *side, const char *path)
{
	char connstr[1200];
	struct rpl_err err = RPL_ERR_INIT;
	snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", path);
	ck_assert_msg(rpl_conn_open(c, side, connstr, NULL, &err) == 0, "open %s: %s", path, err.msg);
}

/* A SQLite file as other tools write one: columns without a declared type holding
 * every storage class, declared lengths and scales SQLite never applied, a BLOB in a
 * TEXT column, a REAL in an INTEGER one, text in a REAL one. */
#define U_COLS "id INTEGER PRIMARY KEY, a, b, c VARCHAR(3), n NUMERIC(5,2), t TEXT, r REAL, i INTEGER"
static const char *
lite_untyped_source(void)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("untyped_src.db"));
	unlink(path);
	sqlite3 *h;
	ck_assert(sqlite3_open(path, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE u (" U_COLS ")");
	lite_exec(h, "INSERT INTO u VALUES"
	             " (1, 42, '42', 'abcdef', 123.456, 'plain', 1.5, 7),"
	             " (2, 4.5, x'0102', 7, 'n/a', x'00ff', 2, 3.5),"
	             " (3, 'text', NULL, x'', 1e300, '', -1.25, 'x'),"
	             " (4, x'', 9223372036854775807, '', -5, 42, 'inf', -9223372036854775808),"
	             " (5, 0.1 + 0.2, 4.9e-324, 'ü€😀', 0.1, NULL, 1e308, NULL)");
	sqlite3_close(h);
	return path;
}

/* _i: 0 created, 1 pre-created with the same declarations, 2 a STRICT table. Each
 * value keeps its storage class and value (typeof row by row); nothing SQLite keeps
 * is refused; a STRICT table refuses what SQLite refuses, naming the column. */
START_TEST(test_sqlite_to_sqlite)
{
	const char *srcdb = lite_untyped_source();
	char dstdb[1024], rpath[1024];
	snprintf(dstdb, sizeof dstdb, "%s", it_tmpfile("untyped_dst.db"));
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("untyped-rejects.jsonl"));
	unlink(dstdb);
	unlink(rpath);
	sqlite3 *h;
	ck_assert(sqlite3_open(dstdb, &h) == SQLITE_OK);
	if (_i == 1)
		lite_exec(h, "CREATE TABLE u (" U_COLS ")");
	else if (_i == 2)
		lite_exec(h, "CREATE TABLE u (id INTEGER PRIMARY KEY, a ANY, b ANY, c TEXT, n ANY, t ANY, r REAL, i INTEGER) STRICT");
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	lite_conn(&dst, "target", dstdb);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "u", .dst_table = "u", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .create_missing = _i == 0, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	ck_assert_int_eq(acc.read, 5);
	if (_i < 2) {
		ck_assert_int_eq(acc.rejected, 0);
		it_lite_same(dstdb, srcdb, "u", "id", NULL, 5);
		return;
	}
	/* STRICT: row 2's REAL 3.5 in INTEGER i, row 3's empty BLOB in TEXT c, row 4's
	 * 'inf' in REAL r */
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_SERVER], 3);
	it_lite_same(dstdb, srcdb, "u", "id", "a.id IN (1, 5)", 2);
	FILE *f = fopen(rpath, "r");
	ck_assert_msg(f != NULL, "no reject file");
	char line[4096];
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		json_int_t id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
		const char *col = json_string_value(json_object_get(j, "column"));
		ck_assert_msg(col != NULL && strcmp(col, id == 4 ? "r" : id == 3 ? "c" : "i") == 0, "row %lld: %s", (long long)id, line);
		json_decref(j);
	}
	fclose(f);
}
END_TEST

/* -0.0 from PostgreSQL: kept where the target keeps it (PostgreSQL's float8, a SQLite
 * column without a type), else written as 0 and counted under negative_zero (MariaDB,
 * SQLite's REAL, a numeric). _i: target engine * 2 + through ODBC only. */
static const char *const nz_ddl[IT_NENGINES] = {
	"CREATE TABLE nz (id INTEGER PRIMARY KEY, f, g REAL)",
	"CREATE TABLE nz (id int PRIMARY KEY, f float8, g numeric(10,2))",
	"CREATE TABLE nz (id int PRIMARY KEY, f double, g double)",
};
/* is row 1's f negative (atan2(-0, -1) is -pi, atan2(+0, -1) pi)? */
static const char *const nz_f_neg[IT_NENGINES] = {
	"SELECT atan2(f, -1) < 0 FROM nz WHERE id = 1", "SELECT CAST(f::text = '-0' AS int) FROM nz WHERE id = 1",
	"SELECT atan2(f, -1) < 0 FROM nz WHERE id = 1",
};

START_TEST(test_negative_zero)
{
	int d = _i / 2;
	bool odbc = _i % 2;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "nz");
	edge_drop(&dst, "nz");
	it_exec(&src, "CREATE TABLE nz (id int PRIMARY KEY, f float8, g float8)");
	it_exec(&src, "INSERT INTO nz VALUES (1, '-0', '-0'), (2, 0, 1.5), (3, -1.5, '-0')");
	it_exec(&dst, nz_ddl[d]);
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "nz", odbc, false, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected, 0);
	/* f keeps its sign where the target can (MariaDB: atan2(+0, -1) is pi) */
	ck_assert_int_eq(acc.nulled[RPL_RULE_NEG_ZERO], d == IT_MARIADB ? 3 : 2);
	/* through sqliteodbc doubles travel as text (docs/engines.md), which an untyped
	 * column keeps as text: the sign is in its spelling */
	const char *neg = d == IT_SQLITE && odbc ? "SELECT f = '-0' AND typeof(f) = 'text' FROM nz WHERE id = 1" : nz_f_neg[d];
	ck_assert_msg(it_query_int(&dst, neg) == (d != IT_MARIADB), "%s: row 1's f has %s sign",
	              it_engine_names[d], d != IT_MARIADB ? "lost its" : "kept a");
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM nz WHERE g = 0"), 2);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM nz WHERE id = 3 AND f + 0 = -1.5"), 1);
	edge_drop(&src, "nz");
	edge_drop(&dst, "nz");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A single-precision float arrives as the decimal its engine shows, the shortest that
 * reads back as the same float (PostgreSQL's real did; MariaDB's FLOAT arrived
 * widened: 1.100000023841858), from both sources, both paths, into SQLite and
 * PostgreSQL double precision. _i: source (0 MariaDB, 1 PostgreSQL) * 4 + target
 * (0 SQLite, 1 PostgreSQL) * 2 + through ODBC only. */
static const char *const fl_values[] = { "1.1", "0.1", "-0.5", "3.402823e38", "1.1754944e-38", "16777216",
                                         "123456.7", "3.1415927" };
#define NFL ((int)(sizeof fl_values / sizeof fl_values[0]))

START_TEST(test_float_shortest)
{
	int s = _i / 4 ? IT_PG : IT_MARIADB, d = (_i / 2) % 2 ? IT_PG : IT_SQLITE;
	bool odbc = _i % 2;
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "fl");
	edge_drop(&dst, "fl");
	it_exec(&src, s == IT_PG ? "CREATE TABLE fl (id int PRIMARY KEY, f real)" : "CREATE TABLE fl (id int PRIMARY KEY, f float)");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE fl (id int PRIMARY KEY, f double precision)"
	                         : "CREATE TABLE fl (id INTEGER PRIMARY KEY, f REAL)");
	char sql[256];
	for (int k = 0; k < NFL; k++) {
		snprintf(sql, sizeof sql, "INSERT INTO fl VALUES (%d, %s)", k + 1, fl_values[k]);
		it_exec(&src, sql);
	}
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "fl", odbc, false, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, NFL);
	for (int k = 0; k < NFL; k++) {
		/* the double nearest the decimal, exactly: 1.1, not 1.100000023841858 */
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM fl WHERE id = %d AND f = %s", k + 1, fl_values[k]);
		if (it_query_int(&dst, sql) != 1) {
			char v[64];
			snprintf(sql, sizeof sql, "SELECT f FROM fl WHERE id = %d", k + 1);
			it_query_str(&dst, sql, v, sizeof v);
			ck_abort_msg("%s -> %s: %s arrived as %s", it_engine_names[s], it_engine_names[d], fl_values[k], v);
		}
	}
	edge_drop(&src, "fl");
	edge_drop(&dst, "fl");
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

/* PostgreSQL's point into a MariaDB POINT column the user created: each row's point
 * arrives as that point (ST_X, ST_Y), through LOAD DATA and through ODBC (it was
 * refused row by row, "column": null). _i: ODBC. */
START_TEST(test_pg_point_into_mariadb)
{
	bool odbc = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "pt");
	edge_drop(&dst, "pt");
	it_exec(&src, "CREATE TABLE pt (id int PRIMARY KEY, p point)");
	it_exec(&src, "INSERT INTO pt VALUES (1, '(1.5,-2)'), (2, NULL), (3, '(1e-7,123456789.25)')");
	it_exec(&dst, "CREATE TABLE pt (id int PRIMARY KEY, p POINT NULL)");
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("pt-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "pt", .dst_table = "pt", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = odbc };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	int r = rpl_copy_partition(cp, &all, &acc, &err);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_msg(r == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.rejected, 0);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM pt WHERE id = 1 AND ST_X(p) = 1.5 AND ST_Y(p) = -2"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM pt WHERE id = 2 AND p IS NULL"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM pt WHERE id = 3 AND ST_X(p) = 1e-7"
	                                    " AND ST_Y(p) = 123456789.25"), 1);
	edge_drop(&src, "pt");
	edge_drop(&dst, "pt");
	/* a box has no MariaDB form replicad writes: the table is refused before a row
	 * moves, naming the column and both types */
	it_exec(&src, "CREATE TABLE pt (id int PRIMARY KEY, b box)");
	it_exec(&src, "INSERT INTO pt VALUES (1, '((0,0),(1,1))')");
	it_exec(&dst, "CREATE TABLE pt (id int PRIMARY KEY, b POLYGON NULL)");
	struct rpl_err e2 = RPL_ERR_INIT;
	o.rejects = NULL;   /* freed above */
	ck_assert_int_ne(rpl_copy_prepare(&src, &dst, &o, &cp, &e2), 0);
	ck_assert_str_eq(e2.column, "b");
	ck_assert_msg(strstr(e2.msg, "box") != NULL && strstr(e2.msg, "column b") != NULL, "%s", e2.msg);
	edge_drop(&src, "pt");
	edge_drop(&dst, "pt");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* PostgreSQL numeric without precision into a MariaDB table replicad creates: the
 * created decimal(65,s) is chosen from the widths the values have (decimal(65,30)
 * refused 40 integer digits), and every value arrives exact: 41 integer digits with
 * 5 places, a 65-digit integer, the smallest 24-place fraction. _i: ODBC. */
#define NINE65 "99999999999999999999999999999999999999999999999999999999999999999"
START_TEST(test_unbounded_numeric_created)
{
	bool odbc = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "nx");
	edge_drop(&dst, "nx");
	it_exec(&src, "CREATE TABLE nx (id int PRIMARY KEY, a numeric, b numeric, c numeric)");
	it_exec(&src, "INSERT INTO nx VALUES (1, 12345678901234567890123456789012345678901.12345, " NINE65 ", NULL),"
	              " (2, -0.000000000000000000000001, -" NINE65 ", NULL), (3, 0, 0, NULL), (4, 'NaN', 1, NULL)");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "nx", odbc, true, &acc, &err) == 0, "copy: %s", err.msg);
	/* NaN has no MariaDB decimal: that row is refused (precision), the rest exact */
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_PRECISION], 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT NUMERIC_SCALE FROM information_schema.COLUMNS WHERE"
	                                    " TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nx' AND COLUMN_NAME = 'a'"), 24);
	ck_assert_int_eq(it_query_int(&dst, "SELECT NUMERIC_SCALE FROM information_schema.COLUMNS WHERE"
	                                    " TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nx' AND COLUMN_NAME = 'b'"), 0);
	/* a column with no number in it keeps the blind choice */
	ck_assert_int_eq(it_query_int(&dst, "SELECT NUMERIC_SCALE FROM information_schema.COLUMNS WHERE"
	                                    " TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'nx' AND COLUMN_NAME = 'c'"), 30);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM nx WHERE id = 1 AND"
	                                    " a = 12345678901234567890123456789012345678901.12345 AND b = " NINE65), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM nx WHERE id = 2 AND"
	                                    " a = -0.000000000000000000000001 AND b = -" NINE65), 1);
	edge_drop(&src, "nx");
	edge_drop(&dst, "nx");
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

/* A date text refused goes to the reject line as it was stored: the 'T' of
 * '2024-01-31T23:59:59+02:00' was written as a space before the offset was refused,
 * and the reject line and its reason showed '2024-01-31 23:59:59+02:00'. */
START_TEST(test_iso_reject_as_stored)
{
	char srcdb[1024], rpath[1024];
	snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("iso_src.db"));
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("iso-rejects.jsonl"));
	unlink(srcdb);
	unlink(rpath);
	sqlite3 *h;
	ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE it (id INTEGER PRIMARY KEY, at DATETIME)");
	lite_exec(h, "INSERT INTO it VALUES (1, '2024-01-31T23:59:59+02:00'), (2, '2024-01-31T23:59:59')");
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&dst, "it");
	it_exec(&dst, "CREATE TABLE it (id int PRIMARY KEY, at timestamp(0))");
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "it", .dst_table = "it", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.written, 1);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM it WHERE id = 2 AND at = '2024-01-31 23:59:59'"), 1);
	FILE *f = fopen(rpath, "r");
	ck_assert_msg(f != NULL, "no reject file");
	char line[4096];
	ck_assert(fgets(line, sizeof line, f) != NULL);
	fclose(f);
	json_t *j = json_loads(line, 0, NULL);
	ck_assert_ptr_nonnull(j);
	const char *at = json_string_value(json_object_get(json_object_get(j, "values"), "at"));
	const char *reason = json_string_value(json_object_get(j, "reason"));
	ck_assert_msg(at != NULL && strcmp(at, "2024-01-31T23:59:59+02:00") == 0, "%s", line);
	ck_assert_msg(reason != NULL && strstr(reason, "2024-01-31T23:59:59+02:00") != NULL, "%s", line);
	json_decref(j);
	edge_drop(&dst, "it");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* Text into a PostgreSQL bytea arrives as exactly its bytes (UTF-8): bytea's text
 * input read '\x41' (4 characters) as the byte 'A' and '\\x00' as 4 bytes, and
 * refused 'abc\def'. _i: 0 binary COPY, 1 text COPY (an int into bytea, which
 * arrives as its text's bytes), 2 ODBC parameters (load.bulk "odbc"). */
START_TEST(test_text_into_bytea)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "tb");
	edge_drop(&dst, "tb");
	it_exec(&src, "CREATE TABLE tb (id int PRIMARY KEY, s text, n int)");
	it_exec(&src, "INSERT INTO tb VALUES (1, E'\\\\x41', 5), (2, E'\\\\\\\\x00', -8), (3, E'abc\\\\def', 0),"
	              " (4, E'caf\\u00e9 \\t\\n', 7), (5, '', 1), (6, NULL, NULL)");
	it_exec(&dst, _i == 1 ? "CREATE TABLE tb (id int PRIMARY KEY, s bytea, n bytea)"
	                      : "CREATE TABLE tb (id int PRIMARY KEY, s bytea, n int)");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "tb", _i == 2, false, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 6);
	char sql[512];
	for (int id = 1; id <= 6; id++) {
		snprintf(sql, sizeof sql, "SELECT coalesce(encode(convert_to(s, 'UTF8'), 'hex'), 'null') FROM tb WHERE id = %d", id);
		char want[256], got[256];
		it_query_str(&src, sql, want, sizeof want);
		snprintf(sql, sizeof sql, "SELECT coalesce(encode(s, 'hex'), 'null') FROM tb WHERE id = %d", id);
		it_query_str(&dst, sql, got, sizeof got);
		ck_assert_msg(strcmp(want, got) == 0, "row %d: text bytes %s arrived as %s", id, want, got);
	}
	if (_i == 1)
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM tb WHERE (id = 1 AND n = '\\x35'::bytea)"
		                                    " OR (id = 2 AND n = '\\x2d38'::bytea)"), 2);
	edge_drop(&src, "tb");
	edge_drop(&dst, "tb");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A created table of the source's engine keeps NOT NULL and the source's defaults:
 * MariaDB's TIMESTAMP NOT NULL was created `timestamp NULL` (Connector/ODBC calls
 * every TIMESTAMP nullable) and every engine dropped the defaults. A PostgreSQL
 * serial's default names a sequence the target lacks: left out. _i: 0 PostgreSQL,
 * 1 MariaDB, 2 SQLite. */
START_TEST(test_created_defaults)
{
	static const char *const ddl[] = {
		"CREATE TABLE cd (id serial PRIMARY KEY, note text DEFAULT 'n/a', n int NOT NULL DEFAULT 7,"
		" at timestamptz NOT NULL DEFAULT now())",
		"CREATE TABLE cd (id int PRIMARY KEY, at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE"
		" CURRENT_TIMESTAMP, n DECIMAL(4,2) NOT NULL DEFAULT 7.00, note varchar(10) DEFAULT 'n/a')",
		"CREATE TABLE cd (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'n/a', at TEXT NOT NULL DEFAULT"
		" CURRENT_TIMESTAMP, n INT NOT NULL DEFAULT (3+4))",
	};
	static const char *const notnull[] = {
		"SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'cd' AND is_nullable = 'NO'"
		" AND table_schema = current_schema()",
		"SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'cd' AND IS_NULLABLE = 'NO'"
		" AND TABLE_SCHEMA = DATABASE()",
		"SELECT COUNT(*) FROM pragma_table_info('cd') WHERE \"notnull\" = 1 OR pk = 1",
	};
	int e = _i == 0 ? IT_PG : IT_MARIADB;
	struct rpl_conn src, dst;
	if (_i == 2) {
		char srcdb[1024], dstdb[1024];
		snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("cd_src.db"));
		snprintf(dstdb, sizeof dstdb, "%s", it_tmpfile("cd_dst.db"));
		unlink(srcdb);
		unlink(dstdb);
		sqlite3 *h;
		ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
		lite_exec(h, ddl[2]);
		sqlite3_close(h);
		ck_assert(sqlite3_open(dstdb, &h) == SQLITE_OK);
		sqlite3_close(h);
		lite_conn(&src, "source", srcdb);
		lite_conn(&dst, "target", dstdb);
	} else {
		it_connect(&src, e, "src");
		it_connect(&dst, e, "dst");
		edge_drop(&src, "cd");
		edge_drop(&dst, "cd");
		it_exec(&src, ddl[_i]);
	}
	it_exec(&src, "INSERT INTO cd (id, note, n) VALUES (1, 'x', 1)");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "cd", false, true, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 1);
	ck_assert_int_eq(it_query_int(&dst, notnull[_i]), 3);   /* id, n, at */
	it_exec(&dst, "INSERT INTO cd (id) VALUES (99)");
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM cd WHERE id = 99 AND note = 'n/a' AND n = 7"
	                                    " AND at IS NOT NULL"), 1);
	if (_i == 1)   /* ON UPDATE kept: the source's exact declaration */
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'cd'"
		                                    " AND TABLE_SCHEMA = DATABASE() AND EXTRA LIKE 'on update %'"), 1);
	if (_i == 0)   /* serial's nextval names a sequence the target lacks */
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'cd'"
		                                    " AND table_schema = current_schema() AND column_default IS NOT NULL"), 3);
	if (_i != 2) {
		edge_drop(&src, "cd");
		edge_drop(&dst, "cd");
	}
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* MariaDB's ENUM error value '' (index 0, stored for an invalid value under a relaxed
 * sql_mode) has no exact way into an ENUM without '': a strict-mode statement refuses
 * it as text and as the number 0, and a relaxed one would let other values change
 * silently. It is refused by the value rules with that reason (the server's "Data
 * truncated" said neither), its neighbours load. _i: 1 through ODBC only. */
START_TEST(test_enum_error_value)
{
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("enum-rejects.jsonl"));
	unlink(rpath);
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "en");
	edge_drop(&dst, "en");
	it_exec(&src, "CREATE TABLE en (id int PRIMARY KEY, r ENUM('G','PG','PG-13') NOT NULL, e ENUM('', 'x'))");
	it_exec(&src, "SET SESSION sql_mode = ''");
	it_exec(&src, "INSERT INTO en VALUES (1, 'PG', ''), (2, 'zzz', 'x'), (3, 'PG-13', '')");
	it_exec(&src, "SET SESSION sql_mode = DEFAULT");
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "en", .dst_table = "en", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = _i == 1, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.written, 2);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 1);
	/* '' where the ENUM declares it is an ordinary value */
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM en WHERE (id = 1 AND r = 'PG' AND e = '')"
	                                    " OR (id = 3 AND r = 'PG-13' AND e = '')"), 2);
	FILE *f = fopen(rpath, "r");
	ck_assert_msg(f != NULL, "no reject file");
	char line[4096];
	ck_assert(fgets(line, sizeof line, f) != NULL);
	fclose(f);
	json_t *j = json_loads(line, 0, NULL);
	ck_assert_ptr_nonnull(j);
	const char *reason = json_string_value(json_object_get(j, "reason"));
	const char *column = json_string_value(json_object_get(j, "column"));
	ck_assert_msg(reason != NULL && strstr(reason, "ENUM error value") != NULL, "%s", line);
	ck_assert_msg(column != NULL && strcmp(column, "r") == 0, "%s", line);
	json_decref(j);
	edge_drop(&src, "en");
	edge_drop(&dst, "en");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A text that is no label of the target's ENUM, MariaDB to MariaDB: strict mode
 * refuses the whole array statement, and Connector/ODBC answered SUCCESS with every
 * row's status SUCCESS: through ODBC arrays (_i 1) the rows were counted written and
 * none was in the table. Both paths must load the others and reject that one. */
START_TEST(test_enum_label_refused)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "enl");
	edge_drop(&dst, "enl");
	it_exec(&src, "CREATE TABLE enl (id int PRIMARY KEY, e varchar(10))");
	it_exec(&src, "INSERT INTO enl VALUES (1, 'a'), (2, 'c'), (3, 'b'), (4, 'a'), (5, 'b')");
	it_exec(&dst, "CREATE TABLE enl (id int PRIMARY KEY, e ENUM('a','b'))");
	struct rpl_copy_opts o = { .src_table = "enl", .dst_table = "enl", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .bulk_odbc = _i == 1 };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM enl"), acc.written);
	ck_assert_int_eq(acc.written, 4);
	ck_assert_int_eq(acc.rejected, 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM enl WHERE id = 2"), 0);
	edge_drop(&src, "enl");
	edge_drop(&dst, "enl");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* reject_line_for returns (to decref) the reject line of rpath whose values' id is
 * id, failing the test when there is none */
static json_t *
reject_line_for(const char *rpath, int id)
{
	FILE *f = fopen(rpath, "r");
	ck_assert_msg(f != NULL, "no reject file %s", rpath);
	char line[4096];
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		json_t *v = json_object_get(json_object_get(j, "values"), "id");
		if ((json_is_integer(v) && json_integer_value(v) == id) ||
		    (json_is_string(v) && atoi(json_string_value(v)) == id)) {
			fclose(f);
			return j;
		}
		json_decref(j);
	}
	fclose(f);
	ck_abort_msg("no reject line for id %d in %s", id, rpath);
	return NULL;
}

/* Reject lines in the words users know: a BLOB in a SQLite column declared without
 * a type said "(column b, )"; a SQLite CHECK refusal had "column": null although its
 * expression names one column (SQLite says "CHECK constraint failed: r IN (…)"); a
 * SQLite refusal had no "constraint" where SQLite names one (a named CHECK, a unique
 * index), as PostgreSQL's and MariaDB's have. */
START_TEST(test_reject_words)
{
	char srcdb[1024], dstdb[1024], rpath[1024];
	snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("rw_src.db"));
	snprintf(dstdb, sizeof dstdb, "%s", it_tmpfile("rw_dst.db"));
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("rw-rejects.jsonl"));
	unlink(srcdb);
	unlink(dstdb);
	unlink(rpath);
	sqlite3 *h;
	ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE rw (id INTEGER PRIMARY KEY, b, r TEXT, q INTEGER)");
	lite_exec(h, "INSERT INTO rw VALUES (1, X'00ff', 'G', 1), (2, 'ok', 'ZZ', 2), (3, 'fine', 'PG', 3),"
	             " (4, 'big', 'G', 500), (5, 'fine', 'G', 5)");
	sqlite3_close(h);
	ck_assert(sqlite3_open(dstdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE rw (id INTEGER PRIMARY KEY, b TEXT, r TEXT CHECK (r IN ('G', 'PG')),"
	             " q INTEGER CONSTRAINT q_small CHECK (q < 100))");
	lite_exec(h, "CREATE UNIQUE INDEX rw_b ON rw (b)");
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&dst, "rw");
	it_exec(&dst, "CREATE TABLE rw (id int PRIMARY KEY, b text, r text, q int)");
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "rw", .dst_table = "rw", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	/* into PostgreSQL: the BLOB of row 1 into text */
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 1);
	json_t *j = reject_line_for(rpath, 1);
	const char *reason = json_string_value(json_object_get(j, "reason"));
	ck_assert_msg(reason != NULL && strstr(reason, "(column b, declared without a type)") != NULL, "%s", reason);
	json_decref(j);
	edge_drop(&dst, "rw");
	rpl_conn_close(&dst);
	/* into SQLite: row 2's r is refused by the unnamed CHECK, row 4's q by q_small, row
	 * 5's b by the unique index rw_b (row 3 has it) */
	unlink(rpath);
	lite_conn(&dst, "target", dstdb);
	log = rpl_reject_new(rpath);
	o.rejects = log;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.written, 2);
	j = reject_line_for(rpath, 2);
	const char *column = json_string_value(json_object_get(j, "column"));
	reason = json_string_value(json_object_get(j, "reason"));
	ck_assert_msg(column != NULL && strcmp(column, "r") == 0, "column %s, reason %s", column, reason);
	ck_assert_msg(reason != NULL && strstr(reason, "CHECK constraint failed") != NULL, "%s", reason);
	ck_assert_msg(json_object_get(j, "constraint") == NULL, "an unnamed CHECK has no name: %s", reason);
	json_decref(j);
	static const struct { int id; const char *constraint; } named[] = { { 4, "q_small" }, { 5, "rw_b" } };
	for (size_t i = 0; i < 2; i++) {
		j = reject_line_for(rpath, named[i].id);
		const char *got = json_string_value(json_object_get(j, "constraint"));
		ck_assert_msg(got != NULL && strcmp(got, named[i].constraint) == 0, "id %d: constraint %s, expected %s (%s)",
		              named[i].id, got, named[i].constraint, json_string_value(json_object_get(j, "reason")));
		json_decref(j);
	}
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A PostgreSQL domain over varchar(80) is created in MariaDB as varchar(80): its
 * length is the domain's, not in the column's declaration, and it became longtext. */
START_TEST(test_domain_length_created)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "dl");
	edge_drop(&dst, "dl");
	it_exec(&src, "DROP DOMAIN IF EXISTS fid_email");
	it_exec(&src, "CREATE DOMAIN fid_email AS varchar(80) CHECK (VALUE LIKE '%@%')");
	it_exec(&src, "CREATE TABLE dl (id int PRIMARY KEY, m fid_email)");
	it_exec(&src, "INSERT INTO dl VALUES (1, 'a@b.example')");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "dl", false, true, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.written, 1);
	char type[128];
	it_query_str(&dst, "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
	                   " AND TABLE_NAME = 'dl' AND COLUMN_NAME = 'm'", type, sizeof type);
	ck_assert_str_eq(type, "varchar(80)");
	edge_drop(&src, "dl");
	edge_drop(&dst, "dl");
	it_exec(&src, "DROP DOMAIN fid_email");
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
	tc = tcase_create("sqlite");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sqlite_to_sqlite, 0, 3);
	tcase_add_loop_test(tc, test_sqlite_utc_text, 0, 4);
	tcase_add_loop_test(tc, test_text_into_date, 0, 4);
	tcase_add_test(tc, test_iso_reject_as_stored);
	suite_add_tcase(s, tc);
	tc = tcase_create("values");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_negative_zero, 0, IT_NENGINES * 2);
	tcase_add_loop_test(tc, test_float_shortest, 0, 8);
	tcase_add_loop_test(tc, test_pg_infinity, 0, 5);
	tcase_add_loop_test(tc, test_pg_point_into_mariadb, 0, 2);
	tcase_add_loop_test(tc, test_unbounded_numeric_created, 0, 2);
	tcase_add_loop_test(tc, test_text_into_bytea, 0, 3);
	tcase_add_loop_test(tc, test_created_defaults, 0, 3);
	tcase_add_loop_test(tc, test_enum_error_value, 0, 2);
	tcase_add_loop_test(tc, test_enum_label_refused, 0, 2);
	tcase_add_test(tc, test_reject_words);
	tcase_add_test(tc, test_domain_length_created);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
