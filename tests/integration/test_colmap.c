/* tests/integration/test_colmap.c: column mapping (tables[].exclude, columns,
 * add_new_columns; lib/core/colmap.h) across every source x target pair of SQLite,
 * PostgreSQL and MariaDB, compared value by value: a pre-created target with a
 * renamed column, an excluded source column, a nullable and a defaulted target column
 * the source lacks, and a source column add_new_columns adds; a target created
 * through the mapping; and the errors a run stops on before it writes a row. */
#include "colmap.h"
#include "copy.h"
#include "it.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC_DDL "CREATE TABLE cm (id INTEGER NOT NULL PRIMARY KEY, d DATE NOT NULL, title VARCHAR(40)," \
	" notes VARCHAR(40), secret VARCHAR(40), amount DECIMAL(10,2))"

static void
make_source(struct rpl_conn *c)
{
	it_exec(c, "DROP TABLE IF EXISTS cm");
	it_exec(c, SRC_DDL);
	it_exec(c, "INSERT INTO cm VALUES (1, '2024-01-05', 'Academy Dinosaur', 'first', 'pw1', 20.99)");
	it_exec(c, "INSERT INTO cm VALUES (2, '2024-01-06', NULL, NULL, 'pw2', NULL)");
	it_exec(c, "INSERT INTO cm VALUES (3, '2024-02-07', 'Ace Goldfinger \xc3\xbc', 'third', NULL, -0.01)");
}

struct warns {
	int n;
	char all[4096];
};

static void
on_warn(void *data, const char *table, const char *column, const char *msg)
{
	struct warns *w = data;
	size_t l = strlen(w->all);
	(void)column;
	w->n++;
	snprintf(w->all + l, sizeof w->all - l, "%s: %s\n", table, msg);
}

static char *excl[] = { "secret" };
static char *from[] = { "title" }, *to[] = { "film_title" };

/* copy_all copies cm whole through map; returns prepare's status (err filled). */
static int
copy_all(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_colmap *map, bool create, struct warns *w,
         struct rpl_err *err)
{
	struct rpl_copy_opts o = { .src_table = "cm", .dst_table = "cm", .date_column = "d", .chunk_bytes = 1 << 20,
	                           .commit_rows = 100, .create_missing = create, .map = map, .warn = on_warn,
	                           .cb_data = w };
	struct rpl_copy *cp;
	int r = rpl_copy_prepare(src, dst, &o, &cp, err);
	if (r < 0)
		return r;
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	r = rpl_copy_partition(cp, &all, &acc, err);
	ck_assert_msg(r == 0, "partition: %s", err->msg);
	ck_assert_int_eq(acc.written, 3);
	ck_assert_int_eq(acc.rejected, 0);
	rpl_copy_free(cp);
	return 0;
}

/* same: each source column except secret arrived, under its mapped name */
static void
compare_mapped(struct rpl_conn *src, struct rpl_conn *dst, const char *what)
{
	struct it_dump a, b;
	it_dump_table(src, "cm", "id", &a);
	it_dump_table(dst, "cm", "id", &b);
	ck_assert_uint_eq(b.nrows, 3);
	static const char *const pairs[][2] = { { "id", "id" }, { "d", "d" }, { "title", "film_title" },
	                                        { "notes", "notes" }, { "amount", "amount" } };
	for (size_t r = 0; r < 3; r++)
		for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
			ck_assert_msg(strcmp(it_dump_get(&a, r, pairs[k][0]), it_dump_get(&b, r, pairs[k][1])) == 0,
			              "%s: row %zu %s: source %s, target %s", what, r, pairs[k][1], it_dump_get(&a, r, pairs[k][0]),
			              it_dump_get(&b, r, pairs[k][1]));
	ck_assert_str_eq(it_dump_get(&a, 2, "title"), "s:Ace Goldfinger \xc3\xbc");   /* the source holds them */
	for (size_t c = 0; c < b.ncols; c++)
		ck_assert_msg(strcmp(b.cols[c], "secret") != 0 && strcmp(b.cols[c], "title") != 0,
		              "%s: target has column %s", what, b.cols[c]);
	it_dump_free(&a);
	it_dump_free(&b);
}

START_TEST(test_pair_mapping)
{
	int s = _i / IT_NENGINES, d = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[s], it_engine_names[d]);
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	make_source(&src);
	/* a pre-created target: title renamed, no notes (added), no secret (excluded),
	 * loaded_by NOT NULL with a default, remark nullable */
	it_exec(&dst, "DROP TABLE IF EXISTS cm");
	it_exec(&dst, "CREATE TABLE cm (id INTEGER NOT NULL PRIMARY KEY, d DATE NOT NULL, film_title VARCHAR(40),"
	              " amount DECIMAL(10,2), loaded_by VARCHAR(20) DEFAULT 'replicad' NOT NULL, remark VARCHAR(20))");
	struct rpl_colmap m = { .exclude = excl, .n_exclude = 1, .from = from, .to = to, .n_rename = 1,
	                        .add_new_columns = true, .where = "tables[0]" };
	struct warns w = { 0 };
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(copy_all(&src, &dst, &m, false, &w, &err) == 0, "%s: %s", what, err.msg);
	compare_mapped(&src, &dst, what);
	struct it_dump b;
	it_dump_table(&dst, "cm", "id", &b);
	for (size_t r = 0; r < 3; r++) {
		ck_assert_str_eq(it_dump_get(&b, r, "loaded_by"), "s:replicad");
		ck_assert_str_eq(it_dump_get(&b, r, "remark"), "NULL");
	}
	it_dump_free(&b);
	ck_assert_msg(strstr(w.all, "cm: target columns loaded_by, remark are not in the source: left out of the load,"
	                            " they get their default or NULL\n") != NULL, "%s: %s", what, w.all);
	ck_assert_msg(strstr(w.all, "cm: added to the target as ALTER TABLE") != NULL, "%s: %s", what, w.all);
	/* again: notes is there now, nothing is added, the same warning once */
	struct warns w2 = { 0 };
	ck_assert_msg(copy_all(&src, &dst, &m, false, &w2, &err) == 0, "%s: %s", what, err.msg);
	const char *once = strstr(w2.all, "loaded_by, remark are not in the source");
	ck_assert_msg(once != NULL && strstr(once + 30, "not in the source") == NULL && strstr(w2.all, "added") == NULL,
	              "%s: %s", what, w2.all);
	compare_mapped(&src, &dst, what);
	/* a created target gets the mapped columns only, under their target names */
	it_exec(&dst, "DROP TABLE cm");
	m.add_new_columns = false;
	struct warns w3 = { 0 };
	ck_assert_msg(copy_all(&src, &dst, &m, true, &w3, &err) == 0, "%s: %s", what, err.msg);
	compare_mapped(&src, &dst, what);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* prepare_fails: the mapping is refused before anything is written to the target */
static void
prepare_fails(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_colmap *m, const char *column,
              const char *msg)
{
	struct rpl_copy_opts o = { .src_table = "cm", .dst_table = "cm", .date_column = "d", .chunk_bytes = 1 << 20,
	                           .commit_rows = 100, .map = m };
	struct rpl_copy *cp = NULL;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_int_eq(rpl_copy_prepare(src, dst, &o, &cp, &err), RPL_ENOENT);
	ck_assert_ptr_null(cp);
	ck_assert_msg(strstr(err.msg, msg) != NULL, "got %s\nwant %s", err.msg, msg);
	ck_assert_str_eq(err.table, "cm");
	ck_assert_str_eq(err.column, column);
}

START_TEST(test_mapping_errors)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	make_source(&src);
	it_exec(&dst, "DROP TABLE IF EXISTS cm");
	it_exec(&dst, "CREATE TABLE cm (id INTEGER NOT NULL PRIMARY KEY, d DATE NOT NULL, film_title VARCHAR(40),"
	              " notes VARCHAR(40), amount DECIMAL(10,2), code VARCHAR(5) NOT NULL)");
	it_exec(&dst, "INSERT INTO cm (id, d, code) VALUES (99, '2024-01-01', 'keep')");
	struct rpl_colmap m = { .exclude = excl, .n_exclude = 1, .from = from, .to = to, .n_rename = 1,
	                        .add_new_columns = true, .where = "tables[0]" };
	/* NOT NULL without a default, and nothing feeds it: an error even with add_new_columns */
	prepare_fails(&src, &dst, &m, "code", "target column code is missing in the source, and it is NOT NULL without a default");
	/* a source column the target lacks, without add_new_columns */
	it_exec(&dst, "ALTER TABLE cm DROP COLUMN code");
	it_exec(&dst, "ALTER TABLE cm DROP COLUMN notes");
	m.add_new_columns = false;
	prepare_fails(&src, &dst, &m, "notes", "column notes is missing in the target");
	/* misspelled names in the mapping */
	char *bad[] = { "secrett" };
	struct rpl_colmap m2 = { .exclude = bad, .n_exclude = 1, .where = "tables[4]" };
	prepare_fails(&src, &dst, &m2, "secrett", "tables[4].exclude names column secrett, which the source table does not have");
	/* nothing was written: the target's own row is still there, no column was added */
	struct it_dump b;
	it_dump_table(&dst, "cm", "id", &b);
	ck_assert_uint_eq(b.nrows, 1);
	for (size_t c = 0; c < b.ncols; c++)
		ck_assert_msg(strcmp(b.cols[c], "notes") != 0, "a refused mapping added a column");
	it_dump_free(&b);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("colmap");
	TCase *tc = tcase_create("colmap");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pair_mapping, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_mapping_errors, 0, IT_NENGINES);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
