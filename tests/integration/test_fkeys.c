/* tests/integration/test_fkeys.c: targets with foreign keys (issue #15). A child
 * table whose source rows partly reference parents the target does not have, copied
 * from every source engine into a PostgreSQL and a MariaDB target: every good row
 * loads, each refused row is in the reject file naming the constraint and the
 * server's reason, and the rows went by the bulk path (COPY / LOAD DATA split around
 * the refused rows, as the loader's notice says), not row by row. */
#include "copy.h"
#include "fkorder.h"
#include "indexes.h"
#include "ledger.h"
#include "it.h"
#include "log.h"
#include "reject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NROWS 3000
static const int bad_ids[] = { 1, 700, 701, 2999, 3000 };   /* first, neighbours, last */
#define NBAD ((int)(sizeof bad_ids / sizeof bad_ids[0]))

static char logged[8192];

static void
capture(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)lvl, (void)grp, (void)data;
	size_t l = strlen(logged);
	snprintf(logged + l, sizeof logged - l, "%s\n", msg);
}

static bool
is_bad(int id)
{
	for (int i = 0; i < NBAD; i++)
		if (bad_ids[i] == id)
			return true;
	return false;
}

static void
make_source(struct rpl_conn *c)
{
	it_exec(c, "DROP TABLE IF EXISTS fk_film");
	it_exec(c, "CREATE TABLE fk_film (id INTEGER NOT NULL PRIMARY KEY, language_id INTEGER, title VARCHAR(30))");
	it_exec_ok(c, "BEGIN");
	for (int id = 1; id <= NROWS; id++) {
		char sql[200];
		snprintf(sql, sizeof sql, "INSERT INTO fk_film VALUES (%d, %d, 'film %d')", id, is_bad(id) ? 99 : 1 + id % 2, id);
		it_exec(c, sql);
	}
	it_exec_ok(c, "COMMIT");
}

static void
make_target(struct rpl_conn *c)
{
	it_exec(c, "DROP TABLE IF EXISTS fk_film");
	it_exec(c, "DROP TABLE IF EXISTS fk_lang");
	it_exec(c, "CREATE TABLE fk_lang (id INTEGER NOT NULL PRIMARY KEY)");
	it_exec(c, "INSERT INTO fk_lang VALUES (1), (2)");
	it_exec(c, "CREATE TABLE fk_film (id INTEGER NOT NULL PRIMARY KEY, language_id INTEGER, title VARCHAR(30),"
	           " CONSTRAINT fk_film_lang FOREIGN KEY (language_id) REFERENCES fk_lang (id))");
}

/* _i: source engine * 2 + (0 PostgreSQL target, 1 MariaDB target) */
START_TEST(test_fk_refused_rows)
{
	int s = _i / 2, d = _i % 2 ? IT_MARIADB : IT_PG;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[s], it_engine_names[d]);
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	make_source(&src);
	make_target(&dst);
	char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("fkeys.jsonl"));
	unlink(path);
	struct rpl_reject_log *log = rpl_reject_new(path);
	/* several chunks and commits: the split works chunk by chunk across them */
	struct rpl_copy_opts o = { .src_table = "fk_film", .dst_table = "fk_film", .chunk_bytes = 64 * 1024,
	                           .commit_rows = 1000, .rejects = log };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	logged[0] = '\0';
	rpl_log_set_handler(capture, NULL, RPL_LOG_INFO);
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "%s: prepare: %s", what, err.msg);
	ck_assert_msg(rpl_copy_rows_per_chunk(cp) < NROWS, "%s: one chunk holds all rows", what);
	struct rpl_range all = { .all = true };
	struct rpl_part_account acc = { 0 };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "%s: copy: %s", what, err.msg);
	rpl_log_set_handler(NULL, NULL, RPL_LOG_WARNING);
	ck_assert_int_eq(acc.read, NROWS);
	ck_assert_int_eq(acc.written, NROWS - NBAD);
	ck_assert_int_eq(acc.rejected, NBAD);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_SERVER], NBAD);
	/* the bulk path, split around the refused rows; never parameter arrays */
	ck_assert_msg(strstr(logged, d == IT_PG ? "loading the partition again in COPYs split around the refused rows"
	                                        : "loading the partition again in LOAD DATAs split around the refused rows"),
	              "%s: log:\n%s", what, logged);
	ck_assert_msg(strstr(logged, "parameter arrays") == NULL, "%s: log:\n%s", what, logged);
	/* the rows holding the missing key are refused together (PostgreSQL names the
	 * key; for MariaDB the parent table is asked) */
	ck_assert_msg(strstr(logged, "hold the missing key of foreign key fk_film_lang: refused at once"),
	              "%s: log:\n%s", what, logged);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	/* one reject line per refused row, naming the constraint and the server's reason */
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: no reject file", what);
	char line[8192];
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char key[32];
		snprintf(key, sizeof key, "\"key\":{\"id\":%d}", bad_ids[lines < NBAD ? lines : 0]);
		ck_assert_msg(strstr(line, key) != NULL, "%s: line %d: %s", what, lines, line);
		ck_assert_msg(strstr(line, "\"column\":\"language_id\",\"constraint\":\"fk_film_lang\"") != NULL, "%s: %s",
		              what, line);
		ck_assert_msg(strstr(line, "\"rule\":\"server\"") != NULL && strstr(line, "foreign key constraint") != NULL,
		              "%s: %s", what, line);
		lines++;
	}
	fclose(f);
	ck_assert_int_eq(lines, NBAD);
	int64_t n = 0, bad = 0;
	bool found;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM fk_film", &n, &found, &err) == 0);
	ck_assert_int_eq(n, NROWS - NBAD);
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM fk_film WHERE language_id = 99", &bad, &found, &err) == 0);
	ck_assert_int_eq(bad, 0);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* the target's foreign keys, read for a schedule run's tables: parents first */
START_TEST(test_fk_order)
{
	struct rpl_conn dst;
	it_connect(&dst, _i, "dst");
	it_exec(&dst, "DROP TABLE IF EXISTS fk_cast");
	it_exec(&dst, "DROP TABLE IF EXISTS fk_other");
	make_target(&dst);
	it_exec(&dst, "CREATE TABLE fk_cast (id INTEGER NOT NULL PRIMARY KEY, film_id INTEGER,"
	              " CONSTRAINT fk_cast_film FOREIGN KEY (film_id) REFERENCES fk_film (id))");
	it_exec(&dst, "CREATE TABLE fk_other (id INTEGER NOT NULL PRIMARY KEY)");
	const struct rpl_fktable t[] = { { NULL, "fk_cast" }, { NULL, "fk_film" }, { NULL, "fk_lang" },
	                                 { NULL, "fk_other" }, { NULL, "fk_missing" } };
	bool edge[25];
	size_t order[5];
	bool cycle = true;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_fkorder_read(&dst, t, 5, edge, &err) == 0, "%s: %s", it_engine_names[_i], err.msg);
	for (size_t i = 0; i < 5; i++)
		for (size_t j = 0; j < 5; j++)
			ck_assert_msg(edge[i * 5 + j] == ((i == 0 && j == 1) || (i == 1 && j == 2)), "%s: edge %zu>%zu is %d",
			              it_engine_names[_i], i, j, edge[i * 5 + j]);
	rpl_fkorder_sort(5, edge, order, &cycle);
	ck_assert(!cycle);
	ck_assert(order[0] == 2 && order[1] == 1 && order[2] == 0 && order[3] == 3 && order[4] == 4);
	it_exec(&dst, "DROP TABLE fk_cast");
	it_exec(&dst, "DROP TABLE fk_other");
	rpl_conn_close(&dst);
}
END_TEST

/* index work on a MariaDB target with foreign keys: the indexes InnoDB needs for them
 * (on the child's and on the parent's side) stay, the others are dropped and restored */
START_TEST(test_fk_indexes_mariadb)
{
	struct rpl_conn dst;
	it_connect(&dst, IT_MARIADB, "dst");
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	it_exec(&dst, "DROP TABLE IF EXISTS fk_film");
	it_exec(&dst, "DROP TABLE IF EXISTS fk_lang");
	it_exec(&dst, "CREATE TABLE fk_lang (id INTEGER NOT NULL PRIMARY KEY, code INTEGER NOT NULL, name VARCHAR(20),"
	              " INDEX lang_code (code), INDEX lang_name (name))");
	it_exec(&dst, "CREATE TABLE fk_film (id INTEGER NOT NULL PRIMARY KEY, language_id INTEGER, title VARCHAR(30),"
	              " INDEX film_title (title), CONSTRAINT fk_film_lang FOREIGN KEY (language_id) REFERENCES fk_lang (code))");
	int n = -1;
	ck_assert_msg(rpl_indexes_disable(&dst, NULL, "fk_film", &n, &err) == 0, "child: %s", err.msg);
	ck_assert_int_eq(n, 1);   /* film_title; not the one behind fk_film_lang */
	ck_assert_msg(rpl_indexes_disable(&dst, NULL, "fk_lang", &n, &err) == 0, "parent: %s", err.msg);
	ck_assert_int_eq(n, 1);   /* lang_name; not lang_code, which fk_film_lang references */
	ck_assert_int_eq(rpl_indexes_restore(&dst, NULL, "fk_film", &n, &err), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(rpl_indexes_restore(&dst, NULL, "fk_lang", &n, &err), 0);
	ck_assert_int_eq(n, 1);
	int64_t idx = 0;
	bool found;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS"
	                                     " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('fk_film', 'fk_lang')",
	                               &idx, &found, &err) == 0);
	ck_assert_int_eq(idx, 5);   /* PRIMARY (both), lang_code, lang_name, film_title, fk_film_lang */
	it_exec(&dst, "DROP TABLE fk_film");
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fkeys");
	TCase *tc = tcase_create("fkeys");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fk_refused_rows, 0, IT_NENGINES * 2);
	tcase_add_loop_test(tc, test_fk_order, 0, IT_NENGINES);
	tcase_add_test(tc, test_fk_indexes_mariadb);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
