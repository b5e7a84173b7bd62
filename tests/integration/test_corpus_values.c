/* tests/integration/test_corpus_values.c: values as users' databases hold them, not
 * as our edge table designs them (issue #15). A SQLite file written the way other
 * tools write one (through the SQLite library, affinity-typed declarations such as
 * `BLOB SUB_TYPE TEXT`, DECIMAL columns holding REALs in exponent form, INTEGER
 * columns holding text and REALs), copied into every target engine, pre-created and
 * created, through the SQLite library and through sqliteodbc; compared value by value
 * and, in a SQLite target, storage class by storage class (typeof). The server
 * sources' part (MariaDB zero dates, warnings, refusals) is test_corpus_servers.c. */
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

static void
lite_exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

/* The SQLite source, written through the library as other tools do. NUMERIC affinity
 * stores 1e-10 and 9.99999999999999e+37 as REAL; INTEGER affinity keeps 3.5 a REAL and
 * 'n/a' text; a DECIMAL column keeps text that is not a number as text. */
#define CORPUS_ROWS 6
static const char *
corpus_source(void)
{
	static char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("corpus_src.db"));
	unlink(path);
	sqlite3 *h;
	ck_assert(sqlite3_open(path, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE corpus (id INTEGER PRIMARY KEY, description BLOB SUB_TYPE TEXT,"
	             " amount DECIMAL(38,10), big NUMERIC(38,0), qty INTEGER, price DECIMAL(10,2), ratio DECIMAL(30,20))");
	/* 0.1 + 0.2 is the double 0.30000000000000004, which 15 digits would call 0.3 */
	lite_exec(h, "INSERT INTO corpus VALUES"
	             " (1, 'first product', 1e-10, 9.99999999999999e+37, 3, 12.5, 0.1 + 0.2),"
	             " (2, 'second', 0.1, 42, 7, '12345678.99', 0.1),"
	             " (3, 'third', 0.25, -5, 3.5, 1, 1),"
	             " (4, 'fourth', 2, 0, 'n/a', 2, 1),"
	             " (5, 'fifth', 3, 1, 5, 'abc', 1),"
	             " (6, NULL, NULL, NULL, NULL, NULL, NULL)");
	sqlite3_close(h);
	return path;
}

/* rows 3, 4 and 5 are refused, each naming its column and the value's problem */
static const struct { int id; const char *column, *rule, *needle; } corpus_rejects[] = {
	{ 3, "qty", "wrong_type", "3.5" },
	{ 4, "qty", "wrong_type", "n/a" },
	{ 5, "price", "wrong_type", "abc" },
};
#define NREJ ((int)(sizeof corpus_rejects / sizeof corpus_rejects[0]))

static const char *const corpus_ddl[IT_NENGINES] = {
	"CREATE TABLE corpus (id INTEGER PRIMARY KEY, description BLOB SUB_TYPE TEXT, amount DECIMAL(38,10),"
	" big NUMERIC(38,0), qty INTEGER, price DECIMAL(10,2), ratio DECIMAL(30,20))",
	"CREATE TABLE corpus (id bigint PRIMARY KEY, description text, amount numeric(38,10), big numeric(38,0),"
	" qty bigint, price numeric(10,2), ratio numeric(30,20))",
	"CREATE TABLE corpus (id bigint PRIMARY KEY, description text, amount decimal(38,10), big decimal(38,0),"
	" qty bigint, price decimal(10,2), ratio decimal(30,20)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

static void
check_rejects(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no reject file at %s", path);
	char line[8192];
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr);
		ck_assert_msg(o != NULL, "reject line is not JSON: %s", line);
		json_int_t id = json_integer_value(json_object_get(json_object_get(o, "key"), "id"));
		int k = 0;
		while (k < NREJ && corpus_rejects[k].id != id)
			k++;
		ck_assert_msg(k < NREJ, "row %lld rejected: %s", (long long)id, line);
		const char *col = json_string_value(json_object_get(o, "column"));
		ck_assert_msg(col != NULL && strcmp(col, corpus_rejects[k].column) == 0, "row %lld: column: %s",
		              (long long)id, line);
		ck_assert_str_eq(json_string_value(json_object_get(o, "rule")), corpus_rejects[k].rule);
		ck_assert_msg(strstr(json_string_value(json_object_get(o, "reason")), corpus_rejects[k].needle) != NULL,
		              "row %lld: reason does not name %s: %s", (long long)id, corpus_rejects[k].needle, line);
		/* the refused value is shown as it was, not as a zero or a NULL */
		json_t *v = json_object_get(json_object_get(o, "values"), corpus_rejects[k].column);
		char *vs = json_dumps(v, JSON_ENCODE_ANY);
		ck_assert_msg(vs != NULL && strstr(vs, corpus_rejects[k].needle) != NULL, "row %lld: value %s", (long long)id,
		              vs ? vs : "?");
		free(vs);
		json_decref(o);
		lines++;
	}
	fclose(f);
	ck_assert_int_eq(lines, NREJ);
}

/* what each target shows for the rows that load */
static void
check_values(struct rpl_conn *dst, int d, bool created, bool odbc)
{
	char v[256];
	/* `WHERE description = '…'` matches as in the source: the text arrived as text */
	ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE description = 'first product'"), 1);
	ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus"), CORPUS_ROWS - NREJ);
	if (d == IT_SQLITE && created) {   /* the created column types are issue #15 part B's */
		ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE id = 1 AND typeof(description) = 'text'"), 1);
		return;
	}
	if (d == IT_SQLITE) {
		/* type by type: each value keeps the storage class it had in the source */
		it_query_str(dst, "SELECT typeof(description) || ',' || typeof(amount) || ',' || typeof(big) || ',' ||"
		           " typeof(qty) || ',' || typeof(price) FROM corpus WHERE id = 1", v, sizeof v);
		ck_assert_str_eq(v, "text,real,real,integer,real");
		it_query_str(dst, "SELECT typeof(price) || ',' || typeof(big) FROM corpus WHERE id = 2", v, sizeof v);
		ck_assert_str_eq(v, "real,integer");
		ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE id = 1 AND amount = 1e-10"
		                            " AND big = 9.99999999999999e+37 AND price = 12.5"), 1);
		ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE id = 2 AND amount = 0.1"), 1);
		if (!odbc)   /* sqliteodbc gives 15 digits (docs/engines.md) */
			ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE id = 1 AND ratio = 0.1 + 0.2"), 1);
		ck_assert_int_eq(it_query_int(dst, "SELECT COUNT(*) FROM corpus WHERE id = 6 AND description IS NULL"
		                            " AND amount IS NULL"), 1);
		return;
	}
	const char *cast = d == IT_PG ? "amount::text" : "CAST(amount AS CHAR)";
	static const struct { int id; const char *want; } amounts[] = {
		{ 1, "0.0000000001" }, { 2, "0.1000000000" },
	};
	for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT %s FROM corpus WHERE id = %d", cast, amounts[i].id);
		it_query_str(dst, sql, v, sizeof v);
		ck_assert_msg(strcmp(v, amounts[i].want) == 0, "%s: amount of row %d: %s, want %s", it_engine_names[d],
		              amounts[i].id, v, amounts[i].want);
	}
	it_query_str(dst, d == IT_PG ? "SELECT big::text FROM corpus WHERE id = 1" : "SELECT CAST(big AS CHAR) FROM corpus WHERE id = 1",
	      v, sizeof v);
	ck_assert_str_eq(v, "99999999999999900000000000000000000000");
	it_query_str(dst, d == IT_PG ? "SELECT price::text FROM corpus WHERE id = 2" : "SELECT CAST(price AS CHAR) FROM corpus WHERE id = 2",
	      v, sizeof v);
	ck_assert_str_eq(v, "12345678.99");
	if (!odbc) {   /* sqliteodbc gives 15 digits (docs/engines.md) */
		it_query_str(dst, d == IT_PG ? "SELECT ratio::text FROM corpus WHERE id = 1"
		                      : "SELECT CAST(ratio AS CHAR) FROM corpus WHERE id = 1", v, sizeof v);
		ck_assert_str_eq(v, "0.30000000000000004000");
	}
}

/* _i: target engine * 4 + created * 2 + through sqliteodbc */
START_TEST(test_sqlite_corpus_into)
{
	int d = _i / 4;
	bool created = (_i / 2) % 2, odbc = _i % 2;
	const char *srcdb = corpus_source();
	char connstr[1200];
	snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", srcdb);
	struct rpl_conn src, dst;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_open(&src, "source", connstr, NULL, &err) == 0, "open: %s", err.msg);
	it_connect(&dst, d, "dst");
	edge_drop(&dst, "corpus");
	if (!created)
		it_exec(&dst, corpus_ddl[d]);
	char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("corpus-rejects.jsonl"));
	unlink(path);
	struct rpl_reject_log *log = rpl_reject_new(path);
	struct rpl_copy_opts o = { .src_table = "corpus", .dst_table = "corpus", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .create_missing = created, .bulk_odbc = odbc };
	struct rpl_copy *cp;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.read, CORPUS_ROWS);
	if (d == IT_SQLITE && !odbc) {
		/* SQLite to SQLite keeps every value as SQLite stored it: the REAL 3.5 and the
		 * text 'n/a' in an INTEGER column, 'abc' in a DECIMAL one (issue #15) */
		rpl_copy_free(cp);
		rpl_reject_free(log);
		ck_assert_int_eq(acc.rejected, 0);
		ck_assert_int_eq(acc.written, CORPUS_ROWS);
		it_lite_same(it_tmpfile("it_dst.db"), srcdb, "corpus", "id", NULL, CORPUS_ROWS);
		rpl_conn_close(&src);
		rpl_conn_close(&dst);
		return;
	}
	if (acc.rejected != NREJ || acc.rejected_by[RPL_RULE_WRONG_TYPE] != NREJ) {
		char cmd[1100];
		snprintf(cmd, sizeof cmd, "cat %s >&2", path);
		if (system(cmd) != 0)
			fprintf(stderr, "no reject file\n");
	}
	ck_assert_int_eq(acc.rejected, NREJ);
	ck_assert_int_eq(acc.written, CORPUS_ROWS - NREJ);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], NREJ);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	check_rejects(path);
	if (!created || d == IT_SQLITE)   /* created elsewhere: types are issue #15 part B's */
		check_values(&dst, d, created, odbc);
	else
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM corpus WHERE description = 'first product'"), 1);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* SQLite DATETIME and DATE columns as other tools fill them: ISO text in several
 * spellings, words, Unix times, offsets, times of day in a DATE column. A SQLite
 * target keeps each as stored (text stays text, an integer an integer); another
 * engine gets only what ISO 8601 says exactly, and the rest is refused naming the
 * column, never read as PostgreSQL would ('yesterday' is a date there). */
static const char *const ev_ddl[IT_NENGINES] = {
	"CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, day DATE)",
	"CREATE TABLE ev (id int PRIMARY KEY, at timestamp(6), day date)",
	"CREATE TABLE ev (id int PRIMARY KEY, at datetime(6), day date)",
};

/* _i: target engine * 2 + through sqliteodbc */
START_TEST(test_sqlite_dates_into)
{
	int d = _i / 2;
	bool odbc = _i % 2;
	char path[1024], connstr[1200];
	snprintf(path, sizeof path, "%s", it_tmpfile("ev_src.db"));
	unlink(path);
	sqlite3 *h;
	ck_assert(sqlite3_open(path, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME, day DATE)");
	lite_exec(h, "INSERT INTO ev VALUES (1, '2024-01-02 03:04:05', '2024-01-02'),"
	             " (2, '2024-01-02T03:04:05.123456', '2024-01-03'), (3, 'yesterday', '2024-01-04'),"
	             " (4, 1700000000, '2024-01-05'), (5, '2024-01-02 03:04:05+02:00', '2024-01-06'),"
	             " (6, '2024-01-07 10:00:00', '2024-01-07 10:00:00'), (7, NULL, NULL)");
	sqlite3_close(h);
	snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", path);
	struct rpl_conn src, dst;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_open(&src, "source", connstr, NULL, &err) == 0, "open: %s", err.msg);
	it_connect(&dst, d, "dst");
	edge_drop(&dst, "ev");
	it_exec(&dst, ev_ddl[d]);
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("ev-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "ev", .dst_table = "ev", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = odbc };
	struct rpl_copy *cp;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.read, 7);
	if (d == IT_SQLITE) {
		ck_assert_int_eq(acc.written, 7);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM ev WHERE id = 3 AND at = 'yesterday'"), 1);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM ev WHERE id = 4 AND typeof(at) = 'integer'"
		                             " AND at = 1700000000"), 1);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM ev WHERE id = 5 AND at = '2024-01-02 03:04:05+02:00'"), 1);
	} else {
		ck_assert_int_eq(acc.written, 3);
		ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], 3);
		ck_assert_int_eq(acc.rejected_by[RPL_RULE_PRECISION], 1);
		FILE *f = fopen(rpath, "r");
		ck_assert_msg(f != NULL, "no reject file");
		char line[4096];
		while (fgets(line, sizeof line, f) != NULL) {
			json_t *j = json_loads(line, 0, NULL);
			ck_assert_ptr_nonnull(j);
			json_int_t id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
			const char *col = json_string_value(json_object_get(j, "column"));
			ck_assert_msg(col != NULL && strcmp(col, id == 6 ? "day" : "at") == 0, "%s", line);
			json_decref(j);
		}
		fclose(f);
		char v[64];
		it_query_str(&dst, d == IT_PG ? "SELECT to_char(at, 'YYYY-MM-DD HH24:MI:SS.US') FROM ev WHERE id = 2"
		                       : "SELECT CAST(at AS CHAR) FROM ev WHERE id = 2", v, sizeof v);
		ck_assert_str_eq(v, "2024-01-02 03:04:05.123456");
	}
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A BLOB in a TEXT column would arrive as text (its bytes), text in a REAL column is
 * no number, 'yes' in a BOOLEAN column no 0 or 1: each rejected naming the column (a
 * SQLite target keeps the text of a REAL column through sqliteodbc as it is).
 * sqliteodbc gives a BLOB as text: the library only. */
START_TEST(test_sqlite_misfits_into)
{
	int d = _i / 2;
	bool odbc = _i % 2;
	char path[1024], connstr[1200];
	snprintf(path, sizeof path, "%s", it_tmpfile("bt_src.db"));
	unlink(path);
	sqlite3 *h;
	ck_assert(sqlite3_open(path, &h) == SQLITE_OK);
	/* VARCHAR(5) is no limit to SQLite: row 4's code is 36 characters */
	/* MONEY has NUMERIC affinity and no class of its own: its REALs travel as text */
	lite_exec(h, "CREATE TABLE bt (id INTEGER PRIMARY KEY, note TEXT, score REAL, code VARCHAR(5), cost MONEY,"
	             " flag BOOLEAN)");
	lite_exec(h, "INSERT INTO bt VALUES (1, 'ok', 1.5, 'abc', 0.1 + 0.2, 1), (3, 'fine', 'n/a', 'x', 1, 0),"
	             " (4, 'also', -0.25, 'abcdefghijklmnopqrstuvwxyz0123456789', 2, 0), (5, 'five', 5, 'z', 5, 'yes')");
	if (!odbc)
		lite_exec(h, "INSERT INTO bt VALUES (2, x'00ff41', 2.0, 'y', 3, 1)");
	sqlite3_close(h);
	snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", path);
	struct rpl_conn src, dst;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_open(&src, "source", connstr, NULL, &err) == 0, "open: %s", err.msg);
	it_connect(&dst, d, "dst");
	edge_drop(&dst, "bt");
	it_exec(&dst, d == IT_SQLITE ? "CREATE TABLE bt (id INTEGER PRIMARY KEY, note TEXT, score REAL, code TEXT, cost MONEY,"
	                               " flag BOOLEAN)"
	              : d == IT_PG ? "CREATE TABLE bt (id int PRIMARY KEY, note text, score double precision, code text,"
	                             " cost text, flag boolean)"
	                           : "CREATE TABLE bt (id int PRIMARY KEY, note text, score double, code text, cost text,"
	                             " flag boolean) DEFAULT CHARSET=utf8mb4");
	char rpath[1024];
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("bt-rejects.jsonl"));
	unlink(rpath);
	struct rpl_reject_log *log = rpl_reject_new(rpath);
	struct rpl_copy_opts o = { .src_table = "bt", .dst_table = "bt", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = odbc };
	struct rpl_copy *cp;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	bool text_kept = d == IT_SQLITE && odbc;   /* sqliteodbc into SQLite: the text as it was */
	int want_rej = (odbc ? 0 : 1) + (text_kept ? 0 : 1) + 1;   /* the BLOB, 'n/a', 'yes' */
	if (d == IT_SQLITE && !odbc) {   /* SQLite to SQLite: every value as SQLite stored it */
		ck_assert_int_eq(acc.rejected, 0);
		it_lite_same(it_tmpfile("it_dst.db"), path, "bt", "id", NULL, 5);
		rpl_conn_close(&src);
		rpl_conn_close(&dst);
		return;
	}
	ck_assert_int_eq(acc.read, odbc ? 4 : 5);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_WRONG_TYPE], want_rej);
	ck_assert_int_eq(acc.written, acc.read - want_rej);
	FILE *f = fopen(rpath, "r");
	char line[4096];
	int lines = 0;
	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		json_int_t id = 0;
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
		const char *col = json_string_value(json_object_get(j, "column"));
		const char *want_col = id == 2 ? "note" : id == 5 ? "flag" : "score";
		const char *val = json_string_value(json_object_get(json_object_get(j, "values"), want_col));
		ck_assert_msg(col != NULL && strcmp(col, want_col) == 0, "%s", line);
		ck_assert_msg(val != NULL && strcmp(val, id == 2 ? "\\x00ff41" : id == 5 ? "yes" : "n/a") == 0, "value: %s", line);
		json_decref(j);
		lines++;
	}
	if (f != NULL)
		fclose(f);
	ck_assert_int_eq(lines, want_rej);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM bt WHERE id = 4 AND score = -0.25"
	                                    " AND code = 'abcdefghijklmnopqrstuvwxyz0123456789'"), 1);
	ck_assert_int_eq(it_query_int(&dst, d == IT_PG ? "SELECT COUNT(*) FROM bt WHERE (id = 1 AND flag) OR (id = 4 AND NOT flag)"
	                                    : "SELECT COUNT(*) FROM bt WHERE (id = 1 AND flag = 1) OR (id = 4 AND flag = 0)"), 2);
	if (!odbc)   /* the shortest spelling that is the same double; sqliteodbc gives 15 digits */
		ck_assert_int_eq(it_query_int(&dst, d == IT_SQLITE ? "SELECT COUNT(*) FROM bt WHERE id = 1 AND cost = 0.1 + 0.2"
		                                    : "SELECT COUNT(*) FROM bt WHERE id = 1 AND cost = '0.30000000000000004'"), 1);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("corpus_values");
	TCase *tc = tcase_create("sqlite");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_sqlite_corpus_into, 0, IT_NENGINES * 4);
	tcase_add_loop_test(tc, test_sqlite_dates_into, 0, IT_NENGINES * 2);
	tcase_add_loop_test(tc, test_sqlite_misfits_into, 0, IT_NENGINES * 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
