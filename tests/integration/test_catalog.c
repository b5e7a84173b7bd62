/* tests/integration/test_catalog.c: which SQLColumns rows the catalog keeps
 * (column_wanted in lib/core/catalog.c), on SQLite, PostgreSQL and MariaDB. The
 * table name given to SQLColumns is a search pattern ('_' matches any character),
 * so a table "cw_t" beside "cwxt" must still get only its own columns; so is the
 * schema (PostgreSQL), so schema "cw_b" must not get the columns of "cw0b"'s table
 * of that name. The column mapping (exclude, columns) is test_colmap.c's. */
#include "catalog.h"
#include "it.h"
#include <stdio.h>
#include <string.h>

/* cols_are reads schema.name's catalog through c and fails unless it holds exactly
 * the columns of want, in that order (comma-separated, as the engine stores them);
 * returns how many columns its primary key has. */
static int
cols_are(struct rpl_conn *c, const char *schema, const char *name, const char *want)
{
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_table t;
	bool exists = false;
	char got[512] = "";
	ck_assert_msg(rpl_catalog_read(c, schema, name, &t, &exists, &err) == 0, "catalog %s: %s", name, err.msg);
	ck_assert_msg(exists, "%s: not found", name);
	for (size_t i = 0; i < t.ncols; i++) {
		size_t l = strlen(got);
		snprintf(got + l, sizeof got - l, "%s%s", i > 0 ? "," : "", t.cols[i].name);
	}
	ck_assert_msg(strcmp(got, want) == 0, "%s%s%s: columns %s, expected %s", schema ? schema : "", schema ? "." : "",
	              name, got, want);
	int npk = t.npk;
	rpl_table_fini(&t);
	return npk;
}

/* A primary key whose columns are not the table's first, in another order: each
 * column's place in the key, on every engine (Connector/ODBC gave each one's place
 * in the table: a created target got PRIMARY KEY ("?"), an outside run found) */
START_TEST(test_key_order)
{
	struct rpl_conn c;
	it_connect(&c, _i, "src");
	it_exec(&c, "DROP TABLE IF EXISTS ck_order");
	it_exec(&c, "CREATE TABLE ck_order (x INTEGER, a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (b, a))");
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_table t;
	bool exists = false;
	ck_assert_msg(rpl_catalog_read(&c, NULL, "ck_order", &t, &exists, &err) == 0 && exists, "catalog: %s", err.msg);
	char got[64];
	snprintf(got, sizeof got, "%d,%d,%d/%d", t.cols[0].pk_pos, t.cols[1].pk_pos, t.cols[2].pk_pos, t.npk);
	ck_assert_msg(strcmp(got, "0,2,1/2") == 0, "%s: key places (x,a,b/npk) %s, want 0,2,1/2", it_engine_names[_i], got);
	rpl_table_fini(&t);
	it_exec(&c, "DROP TABLE ck_order");
	rpl_conn_close(&c);
}
END_TEST

/* Two tables whose names differ only where the first has '_': each read alone. */
START_TEST(test_underscore_is_not_a_pattern)
{
	struct rpl_conn c;
	it_connect(&c, _i, "src");
	it_exec(&c, "DROP TABLE IF EXISTS cw_t");
	it_exec(&c, "DROP TABLE IF EXISTS cwxt");
	/* created first, so a driver listing tables in creation order meets it first */
	it_exec(&c, "CREATE TABLE cwxt (id INTEGER NOT NULL PRIMARY KEY, b VARCHAR(10), c INTEGER)");
	it_exec(&c, "CREATE TABLE cw_t (id INTEGER NOT NULL PRIMARY KEY, a VARCHAR(10))");
	ck_assert_int_eq(cols_are(&c, NULL, "cw_t", "id,a"), 1);
	ck_assert_int_eq(cols_are(&c, NULL, "cwxt", "id,b,c"), 1);
	it_exec(&c, "DROP TABLE cw_t");
	it_exec(&c, "DROP TABLE cwxt");
	rpl_conn_close(&c);
}
END_TEST

/* PostgreSQL: the schema is a search pattern too (psqlODBC), so "cw_b" also matches
 * "cw0b", which sorts before it: each schema's table, named with its schema, is
 * read alone. (Without a schema psqlODBC lists only the table the search path
 * finds, so the driver, not column_wanted, keeps that case to one table.) */
START_TEST(test_schema_is_not_a_pattern)
{
	struct rpl_conn c;
	it_connect(&c, IT_PG, "src");
	it_exec(&c, "DROP SCHEMA IF EXISTS cw_b CASCADE");
	it_exec(&c, "DROP SCHEMA IF EXISTS cw0b CASCADE");
	it_exec(&c, "CREATE SCHEMA cw_b");
	it_exec(&c, "CREATE SCHEMA cw0b");
	it_exec(&c, "CREATE TABLE cw_b.cw_s (id INTEGER NOT NULL PRIMARY KEY, b_a TEXT)");
	it_exec(&c, "CREATE TABLE cw0b.cw_s (id INTEGER NOT NULL PRIMARY KEY, zero_a TEXT, zero_b TEXT)");
	cols_are(&c, "cw_b", "cw_s", "id,b_a");
	cols_are(&c, "cw0b", "cw_s", "id,zero_a,zero_b");
	it_exec(&c, "DROP SCHEMA cw_b CASCADE");
	it_exec(&c, "DROP SCHEMA cw0b CASCADE");
	rpl_conn_close(&c);
}
END_TEST

/* MariaDB: JSON is LONGTEXT with a json_valid CHECK named after the column; only
 * that column is json, not a LONGTEXT beside it, nor one whose CHECK names another
 * column, nor the same-named column of another table with such a CHECK */
START_TEST(test_mariadb_json)
{
	struct rpl_conn c;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&c, IT_MARIADB, "src");
	it_exec(&c, "DROP TABLE IF EXISTS cw_json");
	it_exec(&c, "DROP TABLE IF EXISTS cw_json2");
	it_exec(&c, "CREATE TABLE cw_json (id int PRIMARY KEY, js JSON, lt LONGTEXT, ck LONGTEXT CHECK (json_valid(js)))");
	it_exec(&c, "CREATE TABLE cw_json2 (id int PRIMARY KEY, lt JSON)");
	struct rpl_table t;
	bool exists = false;
	ck_assert_msg(rpl_catalog_read(&c, NULL, "cw_json", &t, &exists, &err) == 0, "%s", err.msg);
	ck_assert(exists && t.ncols == 4);
	static const char *const want[] = { "int(11)", "json", "longtext", "longtext" };
	for (size_t i = 0; i < t.ncols; i++) {
		ck_assert_msg(strncmp(t.cols[i].decl, want[i], strlen(want[i])) == 0, "%s is %s, not %s", t.cols[i].name,
		              t.cols[i].decl, want[i]);
		ck_assert_msg((t.cols[i].kind == RPL_KIND_JSON) == (i == 1), "%s's kind %d", t.cols[i].name, (int)t.cols[i].kind);
	}
	rpl_table_fini(&t);
	it_exec(&c, "DROP TABLE cw_json");
	it_exec(&c, "DROP TABLE cw_json2");
	rpl_conn_close(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_underscore_is_not_a_pattern, 0, IT_NENGINES);
	tcase_add_test(tc, test_schema_is_not_a_pattern);
	tcase_add_test(tc, test_mariadb_json);
	tcase_add_loop_test(tc, test_key_order, 0, IT_NENGINES);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
