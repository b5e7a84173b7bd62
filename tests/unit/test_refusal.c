/* tests/unit/test_refusal.c: lib/core/refusal.h's reading of the column a server's
 * refusal names, from the servers' own message texts (PostgreSQL 15, MariaDB 10.11,
 * SQLite), and the messages that name none, which must give no column rather than a
 * guess. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "refusal.h"

static const struct { const char *text, *want; } cases[] = {
	{ "COPY film, line 3, column rating: \"X\"", "rating" },
	{ "COPY film, line 1, column title", "title" },
	{ "COPY \"odd table\", line 12, column odd col: \"v\"", "odd col" },
	{ "ERROR:  null value in column \"qty\" of relation \"pr\" violates not-null constraint", "qty" },
	{ "ERROR:  duplicate key value violates unique constraint \"pr_pkey\"\nDETAIL:  Key (id)=(4) already exists.", "id" },
	{ "ERROR:  duplicate key value violates unique constraint \"ab\"\nDETAIL:  Key (a, b)=(1, 2) already exists.", NULL },
	{ "Cannot add or update a child row: a foreign key constraint fails (`rpl_dst`.`film`, CONSTRAINT `fk_lang` "
	  "FOREIGN KEY (`language_id`) REFERENCES `lang` (`id`))", "language_id" },
	{ "a foreign key constraint fails (`d`.`t`, CONSTRAINT `fk2` FOREIGN KEY (`a`, `b`) REFERENCES `p` (`a`, `b`))", NULL },
	{ "[HY000] Data too long for column 'v' at row 1", "v" },
	{ "Incorrect integer value: 'x' for column `test`.`t`.`qty` at row 1", "qty" },
	{ "NOT NULL constraint failed: film.title", "title" },
	{ "target refused the row: cannot store REAL value in INTEGER column u.qty", "qty" },   /* STRICT */
	{ "UNIQUE constraint failed: film.id", "id" },
	{ "UNIQUE constraint failed: film.a, film.b", NULL },
	{ "CHECK constraint failed: qty_positive", NULL },   /* a named CHECK: its name */
	/* an unnamed CHECK: SQLite gives its expression; one column in it is the column */
	{ "CHECK constraint failed: rating IN ('G','PG','PG-13','it''s rating')", "rating" },
	{ "target refused the row: CHECK constraint failed: qty > 0 AND qty < 1e5", "qty" },
	{ "CHECK constraint failed: length(\"code name\") = 3", "code name" },
	{ "CHECK constraint failed: lo <= hi", NULL },   /* two columns */
	{ "CHECK constraint failed: 1 = 1", NULL },
	{ "CHECK constraint failed: 0 < qty", "qty" },
	{ "ERROR:  new row for relation \"pr\" violates check constraint \"qty_positive\"", NULL },
	{ "ERROR:  invalid input value for enum pr_rating: \"X\"", NULL },
	{ "COPY film, line 3: \"1\t2\"", NULL },
	{ "", NULL },
};

START_TEST(test_column)
{
	char col[64] = "unset";
	bool found = rpl_refusal_column(cases[_i].text, col, sizeof col);
	if (cases[_i].want == NULL) {
		ck_assert_msg(!found, "\"%s\": found \"%s\"", cases[_i].text, col);
		return;
	}
	ck_assert_msg(found, "\"%s\": no column", cases[_i].text);
	ck_assert_str_eq(col, cases[_i].want);
}
END_TEST

START_TEST(test_null_text)
{
	char col[8];
	ck_assert(!rpl_refusal_column(NULL, col, sizeof col));
	ck_assert(!rpl_refusal_column("COPY t, line 1, column a_column_name_longer_than_eight: x", col, sizeof col));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("refusal");
	TCase *tc = tcase_create("column");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_column, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_null_text);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
