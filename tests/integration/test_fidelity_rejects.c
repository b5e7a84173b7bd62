/* tests/integration/test_fidelity_rejects.c: rows refused, of the fidelity gaps issue
 * #15's second acceptance check found, and their reject lines in the words users know: a
 * date text in its reject line as it was stored, MariaDB's ENUM error value '' (no exact
 * way into an ENUM without it) and a text no label of the target's ENUM (every path
 * rejects that row and loads the others), a BLOB in a SQLite column declared without a
 * type, SQLite's CHECK and unique refusals naming column and constraint. Dates and times
 * are test_fidelity.c, the other values test_fidelity_values.c. */
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
	struct rpl_part_account acc;
	copy_rejecting(&src, &dst, "it", rpath, &acc);
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

/* a SQLite REAL that does not fit a decimal column is named by the REAL itself: its
 * reason and value said 0.3 (SQLite's 15 digits) for 0.30000000000000004 (acceptance
 * run) */
START_TEST(test_real_reason)
{
	char srcdb[1024], rpath[1024];
	snprintf(srcdb, sizeof srcdb, "%s", it_tmpfile("rr_src.db"));
	snprintf(rpath, sizeof rpath, "%s", it_tmpfile("rr-rejects.jsonl"));
	unlink(srcdb);
	unlink(rpath);
	sqlite3 *h;
	ck_assert(sqlite3_open(srcdb, &h) == SQLITE_OK);
	lite_exec(h, "CREATE TABLE rr (id INTEGER PRIMARY KEY, n DECIMAL(10,2))");
	lite_exec(h, "INSERT INTO rr VALUES (1, 0.1 + 0.2), (2, 1.5)");
	sqlite3_close(h);
	struct rpl_conn src, dst;
	lite_conn(&src, "source", srcdb);
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&dst, "rr");
	it_exec(&dst, "CREATE TABLE rr (id int PRIMARY KEY, n numeric(10,2))");
	struct rpl_part_account acc;
	copy_rejecting(&src, &dst, "rr", rpath, &acc);
	ck_assert_int_eq(acc.rejected, 1);
	json_t *j = reject_line_for(rpath, 1);
	const char *reason = json_string_value(json_object_get(j, "reason"));
	char *line = json_dumps(j, JSON_COMPACT);
	ck_assert_msg(reason != NULL && strstr(reason, "REAL 0.30000000000000004 ") != NULL, "%s", line);
	ck_assert_msg(strstr(line, "\"n\":\"0.30000000000000004\"") != NULL || strstr(line, "\"n\":0.30000000000000004") != NULL,
	              "the value as it was: %s", line);
	free(line);
	json_decref(j);
	edge_drop(&dst, "rr");
	rpl_conn_close(&dst);
	rpl_conn_close(&src);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fidelity_rejects");
	TCase *tc = tcase_create("rejects");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_iso_reject_as_stored);
	tcase_add_loop_test(tc, test_enum_error_value, 0, 2);
	tcase_add_loop_test(tc, test_enum_label_refused, 0, 2);
	tcase_add_test(tc, test_reject_words);
	tcase_add_test(tc, test_real_reason);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
