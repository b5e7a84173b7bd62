/* tests/integration/test_corpus_servers.c: the server side of issue #15's corpus:
 * MariaDB zero dates written as a server without NO_ZERO_DATE takes them, the
 * narrower-column warning for a PostgreSQL table with an enum and an array, and a
 * PostgreSQL target's refusals naming their column. Every target engine; the SQLite
 * sources are test_corpus_values.c. */
#include "copy.h"
#include "edge.h"
#include "it.h"
#include "reject.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* MariaDB's zero dates, written the way a server without NO_ZERO_DATE takes them:
 * placeholders, NULL where the target column is nullable (counted by the rule
 * zero_date), a rejected row naming the column where it is not. */
static const char *const zd_ddl[IT_NENGINES] = {
	"CREATE TABLE zd (id INTEGER PRIMARY KEY, d DATE, dn DATE NOT NULL, ts DATETIME, tsn DATETIME NOT NULL)",
	"CREATE TABLE zd (id bigint PRIMARY KEY, d date, dn date NOT NULL, ts timestamp, tsn timestamp NOT NULL)",
	"CREATE TABLE zd (id bigint PRIMARY KEY, d date, dn date NOT NULL, ts datetime, tsn datetime NOT NULL)",
};

/* _i: target engine * 2 + through Connector/ODBC */
START_TEST(test_mariadb_zero_dates_into)
{
	int d = _i / 2;
	bool odbc = _i % 2;
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "zd");
	edge_drop(&dst, "zd");
	it_exec(&src, "SET SESSION sql_mode = ''");
	it_exec(&src, "CREATE TABLE zd (id int PRIMARY KEY, d date NULL, dn date NOT NULL, ts datetime NULL,"
	              " tsn datetime NOT NULL)");
	it_exec(&src, "INSERT INTO zd VALUES"
	              " (1, '2024-01-02', '2024-01-02', '2024-01-02 03:04:05', '2024-01-02 03:04:05'),"
	              " (2, '0000-00-00', '2024-01-02', '0000-00-00 00:00:00', '2024-01-02 00:00:00'),"
	              " (3, NULL, '0000-00-00', NULL, '2024-01-03 00:00:00'),"
	              " (4, '2020-00-00', '2020-01-01', '2020-05-00 10:00:00', '2020-01-01 00:00:00'),"
	              " (5, NULL, '2024-01-05', NULL, '0000-00-00 00:00:00')");
	it_exec(&dst, zd_ddl[d]);
	char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("zd-rejects.jsonl"));
	unlink(path);
	struct rpl_reject_log *log = rpl_reject_new(path);
	struct rpl_copy_opts o = { .src_table = "zd", .dst_table = "zd", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log, .bulk_odbc = odbc };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.read, 5);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_ZERO_DATE], 2);
	ck_assert_int_eq(acc.nulled[RPL_RULE_ZERO_DATE], 4);   /* row 2's d and ts, row 4's d and ts */
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no reject file");
	char line[4096];
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		json_int_t id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
		const char *col = json_string_value(json_object_get(j, "column"));
		ck_assert_msg((id == 3 && col != NULL && strcmp(col, "dn") == 0) ||
		              (id == 5 && col != NULL && strcmp(col, "tsn") == 0), "unexpected reject: %s", line);
		ck_assert_str_eq(json_string_value(json_object_get(j, "rule")), "zero_date");
		ck_assert_msg(strstr(json_string_value(json_object_get(j, "reason")), "0000-00-00") != NULL, "%s", line);
		json_decref(j);
		lines++;
	}
	fclose(f);
	ck_assert_int_eq(lines, 2);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM zd WHERE id IN (2, 4) AND d IS NULL AND ts IS NULL"), 2);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM zd WHERE id = 1 AND d IS NOT NULL AND ts IS NOT NULL"), 1);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* One warning per table lists its narrower target columns in the types users write:
 * PostgreSQL's format_type (text[], an enum by its name), MariaDB's COLUMN_TYPE,
 * SQLite's declaration (issue #15: 27 lines for one table, `_text`, `VARCHAR(10)(10)`). */
static int nwarn;
static char warn_msg[2048], warn_col[128];
static void
corpus_warn(void *data, const char *table, const char *column, const char *msg)
{
	(void)data;
	(void)table;
	nwarn++;
	snprintf(warn_msg, sizeof warn_msg, "%s", msg);
	snprintf(warn_col, sizeof warn_col, "%s", column != NULL ? column : "(none)");
}

static const char *const film_ddl[IT_NENGINES] = {
	"CREATE TABLE film (id INTEGER PRIMARY KEY, title VARCHAR(50), rating VARCHAR(5), tags VARCHAR(20),"
	" descr VARCHAR(200), price DECIMAL(12,2))",
	"CREATE TABLE film (id int PRIMARY KEY, title varchar(50), rating varchar(5), tags varchar(20),"
	" descr varchar(200), price numeric(12,2))",
	"CREATE TABLE film (id int PRIMARY KEY, title varchar(50), rating varchar(5), tags varchar(20),"
	" descr varchar(200), price decimal(12,2)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};
static const char *const film_types[IT_NENGINES] = { "VARCHAR(50)", "character varying(50)", "varchar(50)" };

START_TEST(test_narrower_warning)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "film");
	edge_drop(&dst, "film");
	it_exec_ok(&src, "DROP TYPE IF EXISTS mpaa_rating");
	it_exec(&src, "CREATE TYPE mpaa_rating AS ENUM ('G', 'PG', 'PG-13', 'R', 'NC-17')");
	it_exec(&src, "CREATE TABLE film (id int PRIMARY KEY, title text, rating mpaa_rating, tags text[],"
	              " descr varchar(200), price numeric(12,2))");
	it_exec(&dst, film_ddl[d]);
	nwarn = 0;
	struct rpl_copy_opts o = { .src_table = "film", .dst_table = "film", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .warn = corpus_warn };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	rpl_copy_free(cp);
	if (d == IT_SQLITE) {   /* no declared size binds SQLite: nothing is narrower */
		ck_assert_int_eq(nwarn, 0);
		edge_drop(&src, "film");
		it_exec_ok(&src, "DROP TYPE IF EXISTS mpaa_rating");
		rpl_conn_close(&src);
		rpl_conn_close(&dst);
		return;
	}
	ck_assert_int_eq(nwarn, 1);
	ck_assert_str_eq(warn_col, "(none)");
	char want[256];
	snprintf(want, sizeof want, "title %s < text", film_types[d]);
	ck_assert_msg(strstr(warn_msg, "3 target columns are narrower than the source") != NULL, "%s", warn_msg);
	ck_assert_msg(strstr(warn_msg, want) != NULL, "no \"%s\" in: %s", want, warn_msg);
	ck_assert_msg(strstr(warn_msg, "< mpaa_rating (enum)") != NULL, "enum: %s", warn_msg);
	ck_assert_msg(strstr(warn_msg, "< text[]") != NULL, "array: %s", warn_msg);
	ck_assert_msg(strstr(warn_msg, "_text") == NULL && strstr(warn_msg, ")(") == NULL, "%s", warn_msg);
	ck_assert_msg(strstr(warn_msg, "descr") == NULL && strstr(warn_msg, "price") == NULL, "%s", warn_msg);
	edge_drop(&src, "film");
	it_exec_ok(&src, "DROP TYPE IF EXISTS mpaa_rating");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A PostgreSQL target's refusals name the column where PostgreSQL says which (issue
 * #15: "column": null): a label its enum does not have (COPY's context names the
 * column; the row-by-row load after the refused COPY learns it by sending the row
 * again as a one-row COPY); a CHECK names its constraint, not a column. */
START_TEST(test_pg_refusal_names_column)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "pr");
	edge_drop(&dst, "pr");
	it_exec_ok(&dst, "DROP TYPE IF EXISTS pr_rating");
	it_exec(&dst, "CREATE TYPE pr_rating AS ENUM ('G', 'PG', 'R')");
	it_exec(&src, "CREATE TABLE pr (id int PRIMARY KEY, rating text, qty int)");
	it_exec(&src, "INSERT INTO pr VALUES (1, 'G', 1), (2, 'X', 2), (3, 'PG', 3), (4, 'R', -5), (5, 'R', 5)");
	it_exec(&dst, "CREATE TABLE pr (id int PRIMARY KEY, rating pr_rating, qty int CONSTRAINT qty_positive CHECK (qty > 0))");
	char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("pr-rejects.jsonl"));
	unlink(path);
	struct rpl_reject_log *log = rpl_reject_new(path);
	struct rpl_copy_opts o = { .src_table = "pr", .dst_table = "pr", .chunk_bytes = 1024 * 1024,
	                           .commit_rows = 1000, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc;
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	ck_assert_int_eq(acc.read, 5);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_SERVER], 2);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no reject file");
	char line[4096];
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		json_int_t id = json_integer_value(json_object_get(json_object_get(j, "key"), "id"));
		json_t *col = json_object_get(j, "column");
		const char *reason = json_string_value(json_object_get(j, "reason"));
		if (id == 2) {
			ck_assert_msg(json_is_string(col) && strcmp(json_string_value(col), "rating") == 0, "row 2: %s", line);
			ck_assert_msg(strstr(reason, "pr_rating") != NULL, "row 2: %s", line);
		} else {
			ck_assert_msg(id == 4, "row %lld rejected: %s", (long long)id, line);
			ck_assert_msg(json_is_null(col), "row 4 names a column the server did not: %s", line);
			ck_assert_msg(strstr(reason, "qty_positive") != NULL, "row 4: %s", line);
		}
		json_decref(j);
		lines++;
	}
	fclose(f);
	ck_assert_int_eq(lines, 2);
	/* the probe left nothing behind on the sink's connection, nor in the table */
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM pr"), 3);
	edge_drop(&dst, "pr");
	it_exec_ok(&dst, "DROP TYPE IF EXISTS pr_rating");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("corpus_servers");
	TCase *tc = tcase_create("mariadb");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_mariadb_zero_dates_into, 0, IT_NENGINES * 2);
	suite_add_tcase(s, tc);
	tc = tcase_create("postgresql");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_narrower_warning, 0, IT_NENGINES);
	tcase_add_test(tc, test_pg_refusal_names_column);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
