/* tests/unit/test_sqlite_refused.c: lib/sqlite/sqlite_refused.h, the constraint a
 * SQLite refusal names, against SQLite's own messages: each case makes SQLite (an
 * in-memory database, the library replicad links) refuse a row and reads the name
 * from what sqlite3_errmsg says. Where SQLite keeps no name the answer is "", never
 * a guess (an unnamed CHECK of one word reads like a named one). */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite_refused.h"

static const char schema[] =
	"CREATE TABLE t (id INTEGER PRIMARY KEY, a INT CONSTRAINT a_pos CHECK (a > 0), b INT CHECK (b < 10),"
	" c TEXT NOT NULL DEFAULT 'CONSTRAINT c_fake', d INT, e INT, f INT, g INT CONSTRAINT \"g ok\" CHECK (g > 0),"
	" h INT, active INT CHECK (active), k INT, m INT, CONSTRAINT u_de UNIQUE (d, e), CONSTRAINT [k big] CHECK (k > 5));"
	"CREATE UNIQUE INDEX ux_f ON t (f);"
	"CREATE UNIQUE INDEX ux_eh ON t (e, h);"
	"CREATE UNIQUE INDEX \"ux abs\" ON t (abs(m) + 100);"
	"CREATE TABLE \"Odd.Name\" (x INT, y INT CONSTRAINT y_ok CHECK (y > 0));"
	"CREATE UNIQUE INDEX ux_x ON \"Odd.Name\" (x);"
	"INSERT INTO t (id, c, d, e, f, h, m) VALUES (1, 'x', 1, 1, 1, 7, 7);"
	"INSERT INTO \"Odd.Name\" VALUES (1, 1);";

static const struct { const char *table, *insert, *want; } cases[] = {
	{ "t", "INSERT INTO t (id, c, a) VALUES (2, 'x', -1)", "a_pos" },          /* named CHECK */
	{ "t", "INSERT INTO t (id, c, b) VALUES (2, 'x', 11)", "" },               /* unnamed: its expression */
	{ "t", "INSERT INTO t (id, c, active) VALUES (2, 'x', 0)", "" },          /* unnamed, one word */
	{ "t", "INSERT INTO t (id, c, g) VALUES (2, 'x', -1)", "g ok" },          /* named, quoted */
	{ "t", "INSERT INTO t (id, c, k) VALUES (2, 'x', 1)", "k big" },          /* a table CHECK, [quoted] */
	{ "t", "INSERT INTO t (id, c) VALUES (2, NULL)", "" },                     /* NOT NULL keeps no name */
	{ "t", "INSERT INTO t (id, c) VALUES (1, 'x')", "" },                      /* the rowid PRIMARY KEY */
	{ "t", "INSERT INTO t (id, c, d, e) VALUES (2, 'x', 1, 1)", "" },          /* UNIQUE in CREATE TABLE */
	{ "t", "INSERT INTO t (id, c, f) VALUES (2, 'x', 1)", "ux_f" },            /* CREATE UNIQUE INDEX */
	{ "t", "INSERT INTO t (id, c, d, e, h) VALUES (2, 'x', 2, 1, 7)", "ux_eh" }, /* two columns */
	{ "t", "INSERT INTO t (id, c, m) VALUES (2, 'x', -7)", "ux abs" },         /* on an expression */
	{ "Odd.Name", "INSERT INTO \"Odd.Name\" VALUES (1, 2)", "ux_x" },          /* a dot in the table name */
	{ "Odd.Name", "INSERT INTO \"Odd.Name\" VALUES (2, -1)", "y_ok" },
};

START_TEST(test_constraint)
{
	sqlite3 *db;
	char *msg = NULL, name[128] = "unset";
	ck_assert(sqlite3_open(":memory:", &db) == SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, schema, NULL, NULL, &msg) == SQLITE_OK, "schema: %s", msg);
	ck_assert_msg(sqlite3_exec(db, cases[_i].insert, NULL, NULL, &msg) == SQLITE_CONSTRAINT, "%s: not refused",
	              cases[_i].insert);
	rpl_lite_constraint(db, cases[_i].table, msg, name, sizeof name);
	ck_assert_msg(strcmp(name, cases[_i].want) == 0, "%s: SQLite said \"%s\", got \"%s\", expected \"%s\"",
	              cases[_i].insert, msg, name, cases[_i].want);
	sqlite3_free(msg);
	sqlite3_close(db);
}
END_TEST

/* The CREATE TABLE reader on its own: a CONSTRAINT inside a string is not one. */
START_TEST(test_declares)
{
	ck_assert(rpl_lite_declares("CREATE TABLE t (a INT CONSTRAINT a_pos CHECK (a > 0))", "A_POS"));
	ck_assert(rpl_lite_declares("create table t (a int, constraint\n\t`a ``x`` y` check (a))", "a `x` y"));
	ck_assert(!rpl_lite_declares("CREATE TABLE t (a TEXT DEFAULT 'CONSTRAINT a_pos', b INT)", "a_pos"));
	ck_assert(!rpl_lite_declares("CREATE TABLE t (a INT CONSTRAINT a_pos_2 CHECK (a > 0))", "a_pos"));
	ck_assert(!rpl_lite_declares("CREATE TABLE t (myconstraint a_pos INT)", "a_pos"));
	ck_assert(!rpl_lite_declares("CREATE TABLE t (a TEXT DEFAULT 'unclosed", "a"));
	ck_assert(!rpl_lite_declares(NULL, "a"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sqlite_refused");
	TCase *tc = tcase_create("constraint");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_constraint, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_declares);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
