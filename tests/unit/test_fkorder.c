/* tests/unit/test_fkorder.c: parents-first order from foreign-key edges
 * (lib/core/fkorder.h): chains, diamonds, unrelated tables keeping config order, self
 * references ignored, cycles in config order and said. Cases from a table. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "fkorder.h"

/* edges as "i>j" pairs (i references j); want: the order as digits */
static const struct { size_t n; const char *edges, *want; bool cycle; } cases[] = {
	{ 1, "", "0", false },
	{ 3, "", "012", false },                      /* unrelated: config order */
	{ 2, "0>1", "10", false },                    /* child configured first */
	{ 3, "0>1 1>2", "210", false },               /* chain */
	{ 4, "0>1 0>2 1>3 2>3", "3120", false },      /* diamond */
	{ 4, "2>0", "0123", false },                  /* already parents first: unchanged */
	{ 4, "0>2", "1203", false },                  /* only what must wait waits */
	{ 3, "1>1", "012", false },                   /* a self reference is no order */
	{ 3, "0>1 1>0", "201", true },                /* a cycle: in config order, after what is ready */
	{ 2, "0>1 1>0", "01", true },
	{ 4, "3>2 0>1 1>0", "2301", true },           /* a cycle does not block the rest */
	{ 4, "0>3 1>2 2>1", "3012", true },
};

START_TEST(test_sort)
{
	size_t n = cases[_i].n;
	bool edge[16] = { false }, cycle = !cases[_i].cycle;
	size_t order[4];
	for (const char *p = cases[_i].edges; *p != '\0'; p++)
		if (p[1] == '>') {
			edge[(size_t)(p[0] - '0') * n + (size_t)(p[2] - '0')] = true;
			p += 2;
		}
	rpl_fkorder_sort(n, edge, order, &cycle);
	char got[8] = "";
	for (size_t k = 0; k < n; k++)
		got[k] = (char)('0' + order[k]);
	ck_assert_msg(strcmp(got, cases[_i].want) == 0, "case %d: got %s, want %s", _i, got, cases[_i].want);
	ck_assert_msg(cycle == cases[_i].cycle, "case %d: cycle %d", _i, cycle);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fkorder");
	TCase *tc = tcase_create("fkorder");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_sort, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
