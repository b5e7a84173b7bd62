/* tests/integration/test_fidelity_values.c: values other than dates, of the fidelity
 * gaps issue #15's second acceptance check found, each across the pairs it concerns,
 * value by value: SQLite to SQLite keeping each value's storage class (a STRICT table
 * refusing for itself), -0.0, single-precision floats as their shortest decimal, a
 * PostgreSQL point into a MariaDB POINT, unbounded numerics into the decimal of a
 * created MariaDB table and at any length into every target, text into bytea; and what
 * a created table keeps (NOT NULL, the defaults, a domain's length). Dates and times
 * are test_fidelity.c, the refusals' reject lines test_fidelity_rejects.c. */
#include "copy.h"
#include "edge.h"
#include "fidelity_it.h"
#include "it.h"
#include "reject.h"
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* A PostgreSQL numeric without precision holds 131072 digits before the point and
 * 16383 after it: values of any length copy exactly into PostgreSQL's numeric and a
 * created SQLite table's DECIMAL_TEXT, out of line (COPY, the SQLite library) and in
 * line (ODBC); into a created MariaDB decimal(65,s) those it cannot hold are rejected
 * row by row (precision), naming the column, and the rest arrive. 1e131 failed the
 * whole partition into all three: "a value of 132 bytes is longer than the 131-byte
 * buffer replicad sized from the catalog (numeric 0); raise load.chunk_bytes".
 * _i: target (IT_SQLITE, IT_PG, IT_MARIADB) * 2 + through ODBC only. */
START_TEST(test_unbounded_numeric_long)
{
	int d = _i / 2;
	bool odbc = _i % 2;
	static char e131[133], big[1002], places[305];
	e131[0] = '1';                 /* 1e131 as numeric_out prints it */
	memset(e131 + 1, '0', 131);
	for (int k = 0; k < 1001; k++)  /* 1001 digits */
		big[k] = (char)('1' + k % 9);
	memcpy(places, "-12.", 4);      /* 300 places */
	for (int k = 0; k < 300; k++)
		places[4 + k] = (char)('0' + (k * 7 + 3) % 10);
	const char *want[] = { NULL, e131, "1", big, places, "-42", "NULL", "0" };   /* by id */
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "nl");
	edge_drop(&dst, "nl");
	it_exec(&src, "CREATE TABLE nl (id int PRIMARY KEY, n numeric)");
	static char sql[2048];
	snprintf(sql, sizeof sql, "INSERT INTO nl VALUES (1, 1e131), (2, 1), (3, %s), (4, %s), (5, -42), (6, NULL), (7, 0)",
	         big, places);
	it_exec(&src, sql);
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("nl-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "nl", .dst_table = "nl", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = odbc, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	int r = rpl_copy_partition(cp, &all, &acc, &err);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_msg(r == 0, "%s%s: copy: %s", it_engine_names[d], odbc ? " (ODBC)" : "", err.msg);
	/* MariaDB: decimal(65,0), the integers winning (numextent.c): 1e131, the 1001
	 * digits and the 300 places do not fit it */
	bool maria = d == IT_MARIADB;
	ck_assert_int_eq(acc.read, 7);
	ck_assert_int_eq(acc.written, maria ? 4 : 7);
	ck_assert_int_eq(acc.rejected, maria ? 3 : 0);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_PRECISION], maria ? 3 : 0);
	static const char *const read_n[IT_NENGINES] = {
		"SELECT n FROM nl WHERE id = ", "SELECT n::text FROM nl WHERE id = ", "SELECT CAST(n AS CHAR) FROM nl WHERE id = ",
	};
	for (int id = 1; id <= 7; id++) {
		if (maria && (id == 1 || id == 3 || id == 4)) {
			snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM nl WHERE id = %d", id);
			ck_assert_int_eq(it_query_int(&dst, sql), 0);
			continue;
		}
		static char got[2048];
		snprintf(sql, sizeof sql, "%s%d", read_n[d], id);
		it_query_str(&dst, sql, got, sizeof got);
		ck_assert_msg(strcmp(got, want[id]) == 0, "%s%s: row %d: %.40s... (%zu characters) arrived as %.40s... (%zu)",
		              it_engine_names[d], odbc ? " (ODBC)" : "", id, want[id], strlen(want[id]), got, strlen(got));
	}
	if (maria) {   /* each refusal names the column and the type it does not fit */
		FILE *f = fopen(rpath, "r");
		ck_assert_msg(f != NULL, "no reject file");
		static char line[8192];
		int lines = 0;
		while (fgets(line, sizeof line, f) != NULL) {
			json_t *j = json_loads(line, 0, NULL);
			ck_assert_msg(j != NULL, "%.200s", line);
			json_int_t id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
			const char *col = json_string_value(json_object_get(j, "column"));
			const char *why = json_string_value(json_object_get(j, "reason"));
			ck_assert_msg(id == 1 || id == 3 || id == 4, "%.200s", line);
			ck_assert_msg(col != NULL && strcmp(col, "n") == 0, "%.200s", line);
			ck_assert_msg(why != NULL && strstr(why, "NUMERIC(65,0)") != NULL, "%.300s", line);
			json_decref(j);
			lines++;
		}
		fclose(f);
		ck_assert_int_eq(lines, 3);
	}
	edge_drop(&src, "nl");
	edge_drop(&dst, "nl");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* SQLite's decimals without precision into a PostgreSQL numeric replicad creates: a
 * NUMERIC column's REALs 1e308 and 1e-300 arrive as the decimals they are (they were
 * refused: "has more digits than the column can hold (column n, NUMERIC)", 131
 * characters), and a DECIMAL_TEXT column's 1001 digits (a PostgreSQL numeric copied
 * there) arrive exactly through the library; sqliteodbc's path carries 511 characters
 * and rejects that row. _i: through sqliteodbc. */
START_TEST(test_lite_unbounded_decimal)
{
	bool odbc = _i;
	static char big[1002], e308[310], em300[304], sql[2048];
	for (int k = 0; k < 1001; k++)
		big[k] = (char)('1' + k % 9);
	e308[0] = '1';
	memset(e308 + 1, '0', 308);
	memcpy(em300, "0.", 2);
	memset(em300 + 2, '0', 299);
	em300[301] = '1';
	em300[302] = '\0';
	char srcdb[1024];
	snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("ld_src.db"));
	unlink(srcdb);
	sqlite3 *h;
	ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE ld (id INTEGER PRIMARY KEY, n NUMERIC, t DECIMAL_TEXT)");
	snprintf(sql, sizeof sql, "INSERT INTO ld VALUES (1, 1e308, '%s'), (2, 1e-300, '-0.5'), (3, 2.5, '12.50'),"
	         " (4, 42, NULL)", big);
	lite_exec(h, sql);
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&dst, "ld");
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, "ld", odbc, true, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.read, 4);
	ck_assert_int_eq(acc.written, odbc ? 3 : 4);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_PRECISION], odbc ? 1 : 0);
	/* the same numbers (sqliteodbc spells 1e-300 "1.0e-300": one place more) */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM ld WHERE (id = 1 AND n = 1e308) OR (id = 2 AND n = 1e-300)"
	         " OR (id = 3 AND n = 2.5 AND t::text = '12.50') OR (id = 4 AND n = 42 AND t IS NULL)");
	ck_assert_int_eq(it_query_int(&dst, sql), odbc ? 3 : 4);
	static char got[2048];
	it_query_str(&dst, "SELECT n::text FROM ld WHERE id = 2", got, sizeof got);
	if (odbc)
		em300[302] = '0';   /* "1.0e-300": the scale its spelling implies */
	ck_assert_msg(strcmp(got, em300) == 0, "1e-300 arrived as %.40s... (%zu)", got, strlen(got));
	if (!odbc) {
		it_query_str(&dst, "SELECT n::text FROM ld WHERE id = 1", got, sizeof got);
		ck_assert_msg(strcmp(got, e308) == 0, "1e308 arrived as %.40s... (%zu)", got, strlen(got));
		it_query_str(&dst, "SELECT t::text FROM ld WHERE id = 1", got, sizeof got);
		ck_assert_msg(strcmp(got, big) == 0, "1001 digits arrived as %.40s... (%zu)", got, strlen(got));
	}
	edge_drop(&dst, "ld");
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
	Suite *s = suite_create("fidelity_values");
	TCase *tc = tcase_create("values");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sqlite_to_sqlite, 0, 3);
	tcase_add_loop_test(tc, test_negative_zero, 0, IT_NENGINES * 2);
	tcase_add_loop_test(tc, test_float_shortest, 0, 8);
	tcase_add_loop_test(tc, test_pg_point_into_mariadb, 0, 2);
	tcase_add_loop_test(tc, test_unbounded_numeric_created, 0, 2);
	tcase_add_loop_test(tc, test_unbounded_numeric_long, 0, IT_NENGINES * 2);
	tcase_add_loop_test(tc, test_lite_unbounded_decimal, 0, 2);
	tcase_add_loop_test(tc, test_text_into_bytea, 0, 3);
	tcase_add_loop_test(tc, test_created_defaults, 0, 3);
	tcase_add_test(tc, test_domain_length_created);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
