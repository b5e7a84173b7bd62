/* tests/unit/test_validate.c: rpl_validate_table (lib/core/validate.c) from hand-made
 * catalogs: the date_column checks, and a PostgreSQL geometric column other than point
 * going into a MariaDB spatial column of the same name (issue #15: `check` reports
 * what `run` would refuse). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "validate.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))

static struct rpl_column
col(const char *name, enum rpl_class cls, enum rpl_kind kind, const char *decl)
{
	struct rpl_column c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.type_name, sizeof c.type_name, "%s", decl);
	snprintf(c.decl, sizeof c.decl, "%s", decl);
	c.cls = cls;
	c.kind = kind;
	c.nullable = true;
	return c;
}

static const struct {
	const char *src_decl, *dst_decl;
	enum rpl_engine de;
	const char *date_column;
	const char *needle;   /* NULL: accepted */
} cases[] = {
	{ "point", "point", RPL_ENGINE_MARIADB, NULL, NULL },        /* written as a POINT */
	{ "box", "polygon", RPL_ENGINE_MARIADB, NULL, "column g: PostgreSQL's box" },
	{ "polygon", "geometry", RPL_ENGINE_MARIADB, NULL, "polygon" },
	{ "box", "box", RPL_ENGINE_POSTGRES, NULL, NULL },            /* same engine: as it is */
	{ "point", "point", RPL_ENGINE_MARIADB, "d", NULL },
	{ "point", "point", RPL_ENGINE_MARIADB, "g", "date_column g" },
};

START_TEST(test_validate)
{
	struct rpl_column sc[3] = { col("id", RPL_CLASS_INT, RPL_KIND_PLAIN, "integer"),
	                            col("d", RPL_CLASS_DATE, RPL_KIND_PLAIN, "date"),
	                            col("g", RPL_CLASS_TEXT, RPL_KIND_GEOMETRY, cases[_i].src_decl) };
	struct rpl_column dc[3] = { col("id", RPL_CLASS_INT, RPL_KIND_PLAIN, "int"),
	                            col("d", RPL_CLASS_DATE, RPL_KIND_PLAIN, "date"),
	                            col("g", RPL_CLASS_BINARY, RPL_KIND_GEOMETRY, cases[_i].dst_decl) };
	struct rpl_table st = { .name = "t", .cols = sc, .ncols = 3 }, dt = { .name = "t", .cols = dc, .ncols = 3 };
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_validate_table(&st, RPL_ENGINE_POSTGRES, &dt, cases[_i].de, "t", cases[_i].date_column, &err);
	if (cases[_i].needle == NULL) {
		ck_assert_msg(r == 0, "case %d refused: %s", _i, err.msg);
	} else {
		ck_assert_int_eq(r, RPL_EINVAL);
		ck_assert_msg(strstr(err.msg, cases[_i].needle) != NULL, "case %d: %s", _i, err.msg);
		ck_assert_str_eq(err.column, "g");
		ck_assert_str_eq(err.table, "t");
	}
	/* a table still to be created is judged by the source's columns alone */
	err = (struct rpl_err)RPL_ERR_INIT;
	ck_assert_int_eq(rpl_validate_table(&st, RPL_ENGINE_POSTGRES, NULL, cases[_i].de, "t", "d", &err), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_validate, 0, NCASES(cases));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
