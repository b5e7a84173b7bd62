/* tests/unit/test_colmap.c: a table's column mapping against hand-built catalogs
 * (lib/core/colmap.h): exclusion, renames, target columns nothing feeds (nullable or
 * defaulted: one warning; NOT NULL without default: an error naming it), source
 * columns the target lacks (error, or add_new_columns), misspelled names, and the
 * ALTER TABLE that adds a column and the statements that follow a rename. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "colmap.h"
#include "dialect.h"
#include "sbuf.h"
#include "sqlgen.h"

#define COL(n, nul, def, pk) \
	{ .name = n, .type_name = "integer", .sql_type = SQL_INTEGER, .cls = RPL_CLASS_INT, .int_bytes = 4, \
	  .size = 10, .nullable = nul, .has_default = def, .pk_pos = pk }

static struct rpl_column src_cols[] = {
	COL("id", false, false, 1), COL("d", false, false, 0), COL("title", true, false, 0),
	COL("notes", true, false, 0), COL("extra", true, false, 0),
};

/* the source catalog, fresh for each test (rpl_colmap_source changes it) */
static void
source(struct rpl_table *st, struct rpl_column *cols)
{
	memcpy(cols, src_cols, sizeof src_cols);
	*st = (struct rpl_table){ .name = "film", .cols = cols, .ncols = 5, .npk = 1 };
}

struct notes {
	int errors, warnings;
	char last[1024];
	char all[4096];
};

static void
note(void *data, bool error, const char *column, const char *msg)
{
	struct notes *n = data;
	(void)column;
	n->errors += error;
	n->warnings += !error;
	snprintf(n->last, sizeof n->last, "%s", msg);
	size_t l = strlen(n->all);
	snprintf(n->all + l, sizeof n->all - l, "%s: %s\n", error ? "E" : "W", msg);
}

static char *excl[] = { "notes", "EXTRA" };
static char *from[] = { "title" }, *to[] = { "film_title" };

START_TEST(test_exclude_rename_extra)
{
	struct rpl_column cols[5];
	struct rpl_table st;
	source(&st, cols);
	struct rpl_colmap m = { .exclude = excl, .n_exclude = 2, .from = from, .to = to, .n_rename = 1,
	                        .where = "tables[1]" };
	struct rpl_err err = RPL_ERR_INIT;
	struct notes n = { 0 };
	ck_assert_int_eq(rpl_colmap_source(&m, "film", "d", &st, note, &n, &err), 0);
	ck_assert_uint_eq(st.ncols, 3);
	ck_assert_str_eq(st.cols[2].name, "title");
	/* the target: renamed title, a nullable and a defaulted column the source lacks */
	struct rpl_column dcols[] = { COL("ID", false, false, 1), COL("d", false, false, 0),
	                              COL("film_title", true, false, 0), COL("loaded_at", false, true, 0),
	                              COL("remark", true, false, 0) };
	struct rpl_table dt = { .name = "film", .cols = dcols, .ncols = 5 };
	const struct rpl_column *dc[3];
	size_t n_new = 9;
	ck_assert_int_eq(rpl_colmap_match(&m, "film", &st, &dt, dc, &n_new, note, &n, &err), 0);
	ck_assert_uint_eq(n_new, 0);
	ck_assert_ptr_eq(dc[0], &dcols[0]);
	ck_assert_ptr_eq(dc[2], &dcols[2]);
	ck_assert_int_eq(n.errors, 0);
	ck_assert_int_eq(n.warnings, 1);   /* one per table, not one per column */
	ck_assert_str_eq(n.last, "target columns loaded_at, remark are not in the source: left out of the load,"
	                         " they get their default or NULL");
	/* the statements name the target's columns */
	const char *names[] = { "id", "d", "film_title" };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(RPL_ENGINE_POSTGRES), .dst = rpl_dialect_for(RPL_ENGINE_POSTGRES),
	                        .st = &st, .dt = &dt, .src_table = "film", .dst_table = "film", .date_column = "d",
	                        .dst_names = names };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_copy_in(&g, &b);
	ck_assert_str_eq(b.s, "COPY \"film\" (\"ID\", \"d\", \"film_title\") FROM STDIN");
	rpl_sbuf_reset(&b);
	rpl_sqlgen_select(&g, &(struct rpl_range){ .all = true }, &b);
	ck_assert_str_eq(b.s, "SELECT \"id\", \"d\", \"title\" FROM \"film\"");
	rpl_sbuf_fini(&b);
}
END_TEST

START_TEST(test_not_null_extra_and_missing)
{
	struct rpl_column cols[5];
	struct rpl_table st;
	source(&st, cols);
	struct rpl_colmap m = { .exclude = excl, .n_exclude = 1, .where = "tables[0]" };
	struct rpl_err err = RPL_ERR_INIT;
	struct notes n = { 0 };
	ck_assert_int_eq(rpl_colmap_source(&m, "film", NULL, &st, note, &n, &err), 0);
	struct rpl_column dcols[] = { COL("id", false, false, 1), COL("d", false, false, 0),
	                              COL("title", true, false, 0), COL("code", false, false, 0) };
	struct rpl_table dt = { .name = "film", .cols = dcols, .ncols = 4 };
	const struct rpl_column *dc[4];
	size_t n_new;
	ck_assert_int_eq(rpl_colmap_match(&m, "film", &st, &dt, dc, &n_new, note, &n, &err), RPL_ENOENT);
	ck_assert_int_eq(n.errors, 2);   /* both, so check can list them */
	ck_assert_msg(strstr(n.all, "E: column extra is missing in the target") != NULL, "%s", n.all);
	ck_assert_msg(strstr(n.all, "E: target column code is missing in the source, and it is NOT NULL without a default") != NULL,
	              "%s", n.all);
	ck_assert_str_eq(err.column, "extra");   /* the first error */
	ck_assert_str_eq(err.table, "film");
	/* with add_new_columns the source column is to be added, the NOT NULL one stays an error */
	struct rpl_err err2 = RPL_ERR_INIT;
	struct notes n2 = { 0 };
	m.add_new_columns = true;
	ck_assert_int_eq(rpl_colmap_match(&m, "film", &st, &dt, dc, &n_new, note, &n2, &err2), RPL_ENOENT);
	ck_assert_uint_eq(n_new, 1);
	ck_assert_ptr_null(dc[3]);
	ck_assert_int_eq(n2.errors, 1);
	ck_assert_str_eq(err2.column, "code");
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_colmap_add_column(&m, rpl_dialect_for(RPL_ENGINE_MARIADB), rpl_dialect_for(RPL_ENGINE_POSTGRES), NULL, "film",
	                      &st.cols[3], &b);
	/* typed as CREATE TABLE would type it, whatever that mapping says */
	struct rpl_sbuf want = RPL_SBUF_INIT;
	rpl_sbuf_add(&want, "ALTER TABLE `film` ADD COLUMN `extra` ");
	rpl_dialect_column_type(rpl_dialect_for(RPL_ENGINE_MARIADB), RPL_ENGINE_POSTGRES, &st.cols[3], &want);
	ck_assert_str_eq(b.s, want.s);
	rpl_sbuf_reset(&b);
	rpl_colmap_add_column(&m, rpl_dialect_for(RPL_ENGINE_MSSQL), rpl_dialect_for(RPL_ENGINE_POSTGRES), "dbo", "film",
	                      &st.cols[3], &b);
	ck_assert_msg(strncmp(b.s, "ALTER TABLE [dbo].[film] ADD [extra] ", 37) == 0, "%s", b.s);
	rpl_sbuf_fini(&want);
	rpl_sbuf_fini(&b);
}
END_TEST

START_TEST(test_bad_names)
{
	struct rpl_column cols[5];
	struct rpl_table st;
	source(&st, cols);
	char *ex[] = { "nots", "id", "d" };
	char *f[] = { "titel" }, *t[] = { "x" };
	struct rpl_colmap m = { .exclude = ex, .n_exclude = 3, .from = f, .to = t, .n_rename = 1, .where = "tables[3]" };
	struct rpl_err err = RPL_ERR_INIT;
	struct notes n = { 0 };
	ck_assert_int_eq(rpl_colmap_source(&m, "film", "d", &st, note, &n, &err), RPL_ENOENT);
	ck_assert_int_eq(n.errors, 4);
	ck_assert_str_eq(err.msg, "table film: tables[3].exclude names column nots, which the source table does not have");
	ck_assert_str_eq(err.column, "nots");
	ck_assert_msg(strstr(n.all, "tables[3].columns renames column titel, which the source table does not have") != NULL,
	              "%s", n.all);
	ck_assert_msg(strstr(n.all, "column id of the source's primary key") != NULL, "%s", n.all);
	ck_assert_msg(strstr(n.all, "names the date_column d") != NULL, "%s", n.all);
	ck_assert_uint_eq(st.ncols, 5);   /* nothing removed from a mapping with errors */
}
END_TEST

/* rename onto a column the target does not have: named with both names */
/* rpl_table_find: the exact spelling first (PostgreSQL may hold "D" beside d), then
 * a name that differs only in case */
START_TEST(test_find_exact_first)
{
	struct rpl_column cols[] = { { .name = "D" }, { .name = "d" }, { .name = "Amount" } };
	struct rpl_table t = { .name = "t", .cols = cols, .ncols = 3 };
	ck_assert_ptr_eq(rpl_table_find(&t, "d"), &cols[1]);
	ck_assert_ptr_eq(rpl_table_find(&t, "D"), &cols[0]);
	ck_assert_ptr_eq(rpl_table_find(&t, "amount"), &cols[2]);
	ck_assert_ptr_null(rpl_table_find(&t, "amounts"));
}
END_TEST

START_TEST(test_rename_missing)
{
	struct rpl_column cols[5];
	struct rpl_table st;
	source(&st, cols);
	st.ncols = 3;
	struct rpl_colmap m = { .from = from, .to = to, .n_rename = 1, .where = "tables[0]" };
	struct rpl_column dcols[] = { COL("id", false, false, 1), COL("d", false, false, 0), COL("title", true, false, 0) };
	struct rpl_table dt = { .name = "film", .cols = dcols, .ncols = 3 };
	const struct rpl_column *dc[3];
	size_t n_new;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_int_eq(rpl_colmap_match(&m, "film", &st, &dt, dc, &n_new, NULL, NULL, &err), RPL_ENOENT);
	ck_assert_str_eq(err.msg, "table film: column title is renamed to film_title, which the target does not have");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("colmap");
	TCase *tc = tcase_create("colmap");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_exclude_rename_extra);
	tcase_add_test(tc, test_not_null_extra_and_missing);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_rename_missing);
	tcase_add_test(tc, test_find_exact_first);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
