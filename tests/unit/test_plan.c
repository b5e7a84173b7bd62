/* tests/unit/test_plan.c: partition planning and day arithmetic of lib/core/plan.h, from
 * tables. Month cuts are checked range by range (half-open, --to inclusive, first and
 * last month clipped); day arithmetic is checked at leap days, month and year ends and
 * the 0001-01-01 / 9999-12-31 edges, and once against a calendar walked day by day
 * with its own leap-year rule, so an off-by-one anywhere in the civil-days algorithm
 * goes red. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))
#define D(y, m, d) ((struct rpl_day){ (y), (m), (d) })

static bool
day_eq(struct rpl_day a, struct rpl_day b)
{
	return a.y == b.y && a.m == b.m && a.d == b.d;
}

static const char *
day_str(struct rpl_day d, char *buf, size_t n)
{
	snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
	return buf;
}

/* --- rpl_plan_months ------------------------------------------------------------ */

#define MAXP 4
static const struct {
	struct rpl_day from, to;
	size_t n;
	struct { struct rpl_day start, end; } want[MAXP];
} month_cases[] = {
	/* inside one month: [from, to+1) */
	{ D(2024, 3, 10), D(2024, 3, 20), 1, { { D(2024, 3, 10), D(2024, 3, 21) } } },
	/* one day */
	{ D(2024, 5, 5), D(2024, 5, 5), 1, { { D(2024, 5, 5), D(2024, 5, 6) } } },
	/* a whole leap February ends on March 1st */
	{ D(2024, 2, 1), D(2024, 2, 29), 1, { { D(2024, 2, 1), D(2024, 3, 1) } } },
	/* 1900 is not a leap year: Feb 28 is its last day */
	{ D(1900, 2, 1), D(1900, 2, 28), 1, { { D(1900, 2, 1), D(1900, 3, 1) } } },
	{ D(1900, 2, 28), D(1900, 3, 1), 2, { { D(1900, 2, 28), D(1900, 3, 1) },
	                                      { D(1900, 3, 1), D(1900, 3, 2) } } },
	/* 2000 is a leap year (divisible by 400) */
	{ D(2000, 2, 28), D(2000, 2, 29), 1, { { D(2000, 2, 28), D(2000, 3, 1) } } },
	{ D(2000, 2, 29), D(2000, 3, 1), 2, { { D(2000, 2, 29), D(2000, 3, 1) },
	                                      { D(2000, 3, 1), D(2000, 3, 2) } } },
	/* starting on a month's last day; through a non-leap February */
	{ D(2023, 1, 31), D(2023, 3, 31), 3, { { D(2023, 1, 31), D(2023, 2, 1) },
	                                       { D(2023, 2, 1), D(2023, 3, 1) },
	                                       { D(2023, 3, 1), D(2023, 4, 1) } } },
	/* ending on the first of a month: that day is its own clipped part */
	{ D(2024, 1, 15), D(2024, 2, 1), 2, { { D(2024, 1, 15), D(2024, 2, 1) },
	                                      { D(2024, 2, 1), D(2024, 2, 2) } } },
	/* across a year end */
	{ D(2023, 12, 15), D(2024, 1, 10), 2, { { D(2023, 12, 15), D(2024, 1, 1) },
	                                        { D(2024, 1, 1), D(2024, 1, 11) } } },
	{ D(2023, 11, 1), D(2024, 1, 31), 3, { { D(2023, 11, 1), D(2023, 12, 1) },
	                                       { D(2023, 12, 1), D(2024, 1, 1) },
	                                       { D(2024, 1, 1), D(2024, 2, 1) } } },
	/* December 31st alone */
	{ D(2023, 12, 31), D(2023, 12, 31), 1, { { D(2023, 12, 31), D(2024, 1, 1) } } },
	/* the first day of the calendar */
	{ D(1, 1, 1), D(1, 2, 3), 2, { { D(1, 1, 1), D(1, 2, 1) }, { D(1, 2, 1), D(1, 2, 4) } } },
};

START_TEST(test_months)
{
	char a[40], b[40], c[40], e[40];
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range *p = NULL;
	size_t n = 99;
	int r = rpl_plan_months(month_cases[_i].from, month_cases[_i].to, &p, &n, &err);
	ck_assert_msg(r == 0, "case %d: r=%d %s", _i, r, err.msg);
	ck_assert_msg(n == month_cases[_i].n, "case %d (%s..%s): %zu parts, want %zu", _i,
	              day_str(month_cases[_i].from, a, sizeof a), day_str(month_cases[_i].to, b, sizeof b),
	              n, month_cases[_i].n);
	ck_assert_ptr_nonnull(p);
	for (size_t k = 0; k < n; k++) {
		ck_assert_msg(!p[k].all, "case %d part %zu: marked whole-table", _i, k);
		ck_assert_msg(day_eq(p[k].start, month_cases[_i].want[k].start) &&
		              day_eq(p[k].end, month_cases[_i].want[k].end),
		              "case %d part %zu: [%s, %s), want [%s, %s)", _i, k,
		              day_str(p[k].start, a, sizeof a), day_str(p[k].end, b, sizeof b),
		              day_str(month_cases[_i].want[k].start, c, sizeof c),
		              day_str(month_cases[_i].want[k].end, e, sizeof e));
	}
	free(p);
}
END_TEST

/* A whole year and a multi-year backfill: the parts tile [from, to+1) with no gap and
 * no overlap, and every inner boundary is the first of a month. */
static const struct { struct rpl_day from, to; size_t n; } tile_cases[] = {
	{ D(2024, 1, 1), D(2024, 12, 31), 12 },
	{ D(2023, 1, 1), D(2023, 12, 31), 12 },
	{ D(1999, 6, 17), D(2001, 3, 2), 22 },
	{ D(1899, 12, 31), D(1900, 3, 1), 4 },
};

START_TEST(test_months_tile)
{
	char a[40], b[40];
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range *p = NULL;
	size_t n = 0;
	ck_assert_int_eq(rpl_plan_months(tile_cases[_i].from, tile_cases[_i].to, &p, &n, &err), 0);
	ck_assert_msg(n == tile_cases[_i].n, "case %d: %zu parts, want %zu", _i, n, tile_cases[_i].n);
	ck_assert_msg(day_eq(p[0].start, tile_cases[_i].from), "case %d: first part starts %s", _i,
	              day_str(p[0].start, a, sizeof a));
	struct rpl_day end = rpl_day_add(tile_cases[_i].to, 1);
	ck_assert_msg(day_eq(p[n - 1].end, end), "case %d: last part ends %s, want %s", _i,
	              day_str(p[n - 1].end, a, sizeof a), day_str(end, b, sizeof b));
	for (size_t k = 0; k < n; k++) {
		ck_assert_msg(rpl_day_cmp(p[k].start, p[k].end) < 0, "case %d part %zu: empty", _i, k);
		if (k > 0)
			ck_assert_msg(p[k].start.d == 1, "case %d part %zu starts %s", _i, k,
			              day_str(p[k].start, a, sizeof a));
		if (k + 1 < n) {
			ck_assert_msg(day_eq(p[k].end, p[k + 1].start), "case %d: gap after part %zu", _i, k);
			ck_assert_msg(p[k].end.d == 1, "case %d part %zu ends %s, not on a month start", _i, k,
			              day_str(p[k].end, a, sizeof a));
			int want_m = p[k].start.m % 12 + 1, want_y = p[k].start.y + (p[k].start.m == 12);
			ck_assert_msg(p[k].end.m == want_m && p[k].end.y == want_y,
			              "case %d part %zu: [%s, %s) is not one calendar month", _i, k,
			              day_str(p[k].start, a, sizeof a), day_str(p[k].end, b, sizeof b));
		}
	}
	free(p);
}
END_TEST

START_TEST(test_months_reversed)
{
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range *p = (struct rpl_range *)&err;   /* must be reset to NULL */
	size_t n = 99;
	int r = rpl_plan_months(D(2024, 3, 2), D(2024, 3, 1), &p, &n, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_int_eq(err.code, RPL_EINVAL);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(err.msg, "2024-03-02") != NULL, "from date missing: %s", err.msg);
	ck_assert_msg(strstr(err.msg, "2024-03-01") != NULL, "to date missing: %s", err.msg);

	/* a year apart, the later day-of-month first: compared as dates, not field-wise */
	struct rpl_err err2 = RPL_ERR_INIT;
	r = rpl_plan_months(D(2025, 1, 1), D(2024, 12, 31), &p, &n, &err2);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strstr(err2.msg, "2025-01-01") != NULL && strstr(err2.msg, "2024-12-31") != NULL,
	              "dates missing: %s", err2.msg);
}
END_TEST

/* --- rpl_plan_day and rpl_range_label ------------------------------------------ */

static const struct { struct rpl_day d, end; const char *label; } day_cases[] = {
	{ D(2024, 2, 28), D(2024, 2, 29), "2024-02-28..2024-02-29" },
	{ D(2024, 2, 29), D(2024, 3, 1), "2024-02-29..2024-03-01" },
	{ D(2023, 2, 28), D(2023, 3, 1), "2023-02-28..2023-03-01" },
	{ D(1900, 2, 28), D(1900, 3, 1), "1900-02-28..1900-03-01" },
	{ D(2000, 2, 28), D(2000, 2, 29), "2000-02-28..2000-02-29" },
	{ D(2023, 12, 31), D(2024, 1, 1), "2023-12-31..2024-01-01" },
	{ D(2024, 4, 30), D(2024, 5, 1), "2024-04-30..2024-05-01" },
	{ D(1, 1, 1), D(1, 1, 2), "0001-01-01..0001-01-02" },
};

START_TEST(test_plan_day)
{
	char a[40], b[40], label[64];
	struct rpl_range r = rpl_plan_day(day_cases[_i].d);
	ck_assert(!r.all);
	ck_assert_msg(day_eq(r.start, day_cases[_i].d) && day_eq(r.end, day_cases[_i].end),
	              "case %d: [%s, %s)", _i, day_str(r.start, a, sizeof a), day_str(r.end, b, sizeof b));
	rpl_range_label(&r, label, sizeof label);
	ck_assert_str_eq(label, day_cases[_i].label);
}
END_TEST

START_TEST(test_range_label)
{
	char out[64];
	struct rpl_range all = { .all = true };
	rpl_range_label(&all, out, sizeof out);
	ck_assert_str_eq(out, "all");
	struct rpl_range m = { .all = false, .start = D(2024, 1, 1), .end = D(2024, 2, 1) };
	rpl_range_label(&m, out, sizeof out);
	ck_assert_str_eq(out, "2024-01-01..2024-02-01");
	/* a short buffer is cut and terminated, never overrun */
	memset(out, 'x', sizeof out);
	rpl_range_label(&m, out, 8);
	ck_assert_str_eq(out, "2024-01");
	ck_assert_int_eq(out[8], 'x');
}
END_TEST

/* --- day arithmetic ------------------------------------------------------------- */

static const struct { struct rpl_day d; long n; struct rpl_day want; } add_cases[] = {
	{ D(2024, 2, 28), 1, D(2024, 2, 29) },
	{ D(2024, 2, 29), 1, D(2024, 3, 1) },
	{ D(2024, 3, 1), -1, D(2024, 2, 29) },
	{ D(2023, 2, 28), 1, D(2023, 3, 1) },
	{ D(2023, 3, 1), -1, D(2023, 2, 28) },
	{ D(1900, 2, 28), 1, D(1900, 3, 1) },   /* century, not leap */
	{ D(1900, 3, 1), -1, D(1900, 2, 28) },
	{ D(2000, 2, 28), 1, D(2000, 2, 29) },  /* 400-year, leap */
	{ D(2100, 2, 28), 1, D(2100, 3, 1) },
	{ D(2023, 12, 31), 1, D(2024, 1, 1) },
	{ D(2024, 1, 1), -1, D(2023, 12, 31) },
	{ D(2024, 4, 30), 1, D(2024, 5, 1) },
	{ D(2024, 1, 31), 30, D(2024, 3, 1) },
	{ D(2023, 1, 31), 30, D(2023, 3, 2) },
	{ D(2024, 1, 1), 366, D(2025, 1, 1) },  /* leap year length */
	{ D(2023, 1, 1), 365, D(2024, 1, 1) },
	{ D(1969, 12, 31), 1, D(1970, 1, 1) },
	{ D(1970, 1, 1), -1, D(1969, 12, 31) },
	{ D(2024, 6, 15), 0, D(2024, 6, 15) },
	{ D(1, 1, 1), 0, D(1, 1, 1) },
	{ D(1, 1, 1), 1, D(1, 1, 2) },
	{ D(1, 1, 2), -1, D(1, 1, 1) },
	{ D(1, 1, 31), 1, D(1, 2, 1) },
	{ D(9999, 12, 30), 1, D(9999, 12, 31) },
	{ D(9999, 12, 31), -1, D(9999, 12, 30) },
	{ D(1, 1, 1), 3652058, D(9999, 12, 31) },
	{ D(9999, 12, 31), -3652058, D(1, 1, 1) },
};

START_TEST(test_day_add)
{
	char a[40], b[40];
	struct rpl_day got = rpl_day_add(add_cases[_i].d, add_cases[_i].n);
	ck_assert_msg(day_eq(got, add_cases[_i].want), "case %d: %s %+ld = %s, want %s", _i,
	              day_str(add_cases[_i].d, a, sizeof a), add_cases[_i].n, day_str(got, b, sizeof b),
	              day_str(add_cases[_i].want, a, sizeof a));
}
END_TEST

static const struct { struct rpl_day d; long days; } days_cases[] = {
	{ D(1970, 1, 1), 0 },          { D(1969, 12, 31), -1 },
	{ D(2024, 2, 29), 19782 },     { D(2000, 3, 1), 11017 },
	{ D(1900, 3, 1), -25508 },     { D(1, 1, 1), -719162 },
	{ D(9999, 12, 31), 2932896 },
};

START_TEST(test_to_days)
{
	char a[40], b[40];
	long got = rpl_day_to_days(days_cases[_i].d);
	ck_assert_msg(got == days_cases[_i].days, "%s: %ld days, want %ld",
	              day_str(days_cases[_i].d, a, sizeof a), got, days_cases[_i].days);
	struct rpl_day back = rpl_day_from_days(days_cases[_i].days);
	ck_assert_msg(day_eq(back, days_cases[_i].d), "%ld: %s, want %s", days_cases[_i].days,
	              day_str(back, a, sizeof a), day_str(days_cases[_i].d, b, sizeof b));
}
END_TEST

/* PostgreSQL's dates outside years 1..9999 (their day numbers from PostgreSQL 15:
 * d - '1970-01-01'), as it writes them in ISO style; us >= 0: a timestamp */
static const struct { long days; long long us; bool utc; const char *text; } pgtext_cases[] = {
	{ -735160, -1, false, "0044-03-15 BC" },
	{ -2440588, -1, false, "4714-11-24 BC" },
	{ -719163, -1, false, "0001-12-31 BC" },
	{ -719528, 0, false, "0001-01-01 00:00:00 BC" },
	{ -719162, -1, false, "0001-01-01" },
	{ 3663441, -1, false, "12000-02-29" },
	{ 2145042905, -1, false, "5874897-12-31" },
	{ -735160, 43200500000LL, true, "0044-03-15 12:00:00.5+00 BC" },
	{ 3663441, 86399999999LL, false, "12000-02-29 23:59:59.999999" },
	{ 0, 1000LL, false, "1970-01-01 00:00:00.001" },
};

START_TEST(test_day_pgtext)
{
	char out[64];
	int n = rpl_day_pgtext(pgtext_cases[_i].days, pgtext_cases[_i].us, pgtext_cases[_i].utc, out, sizeof out);
	ck_assert_str_eq(out, pgtext_cases[_i].text);
	ck_assert_int_eq(n, (int)strlen(pgtext_cases[_i].text));
	struct rpl_day d = rpl_day_from_days(pgtext_cases[_i].days);
	ck_assert_int_eq(rpl_day_to_days(d), pgtext_cases[_i].days);   /* years before 1 too */
}
END_TEST

static int
ref_month_days(int y, int m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

/* Every day from 0001-01-01 to 9999-12-31: from_days agrees with a calendar walked one
 * day at a time, and to_days gives the number back. */
START_TEST(test_days_walk)
{
	char a[40], b[40];
	struct rpl_day cal = D(1, 1, 1);
	long first = rpl_day_to_days(cal), last = rpl_day_to_days(D(9999, 12, 31));
	ck_assert_int_eq(first, -719162);
	long count = 0;
	for (long z = first; z <= last; z++, count++) {
		struct rpl_day got = rpl_day_from_days(z);
		if (!day_eq(got, cal))
			ck_abort_msg("from_days(%ld) = %s, want %s", z, day_str(got, a, sizeof a),
			             day_str(cal, b, sizeof b));
		long back = rpl_day_to_days(got);
		if (back != z)
			ck_abort_msg("to_days(%s) = %ld, want %ld", day_str(got, a, sizeof a), back, z);
		if (++cal.d > ref_month_days(cal.y, cal.m)) {
			cal.d = 1;
			if (++cal.m > 12) {
				cal.m = 1;
				cal.y++;
			}
		}
	}
	ck_assert_int_eq(count, 3652059);
	ck_assert_msg(day_eq(cal, D(10000, 1, 1)), "walk ended at %s", day_str(cal, a, sizeof a));
}
END_TEST

static const struct { struct rpl_day a, b; int want; } cmp_cases[] = {
	{ D(2024, 1, 1), D(2024, 1, 1), 0 },
	{ D(2024, 1, 1), D(2024, 1, 2), -1 },
	{ D(2024, 2, 1), D(2024, 1, 31), 1 },
	{ D(2023, 12, 31), D(2024, 1, 1), -1 },
	{ D(1, 1, 1), D(9999, 12, 31), -1 },
};

START_TEST(test_day_cmp)
{
	int got = rpl_day_cmp(cmp_cases[_i].a, cmp_cases[_i].b);
	int sign = (got > 0) - (got < 0);
	ck_assert_msg(sign == cmp_cases[_i].want, "case %d: cmp %d, want sign %d", _i, got, cmp_cases[_i].want);
	int rev = rpl_day_cmp(cmp_cases[_i].b, cmp_cases[_i].a);
	ck_assert_msg((rev > 0) - (rev < 0) == -cmp_cases[_i].want, "case %d reversed: %d", _i, rev);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("months");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_months, 0, NCASES(month_cases));
	tcase_add_loop_test(tc, test_months_tile, 0, NCASES(tile_cases));
	tcase_add_test(tc, test_months_reversed);
	tcase_add_loop_test(tc, test_plan_day, 0, NCASES(day_cases));
	tcase_add_test(tc, test_range_label);
	suite_add_tcase(s, tc);
	tc = tcase_create("days");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_day_add, 0, NCASES(add_cases));
	tcase_add_loop_test(tc, test_to_days, 0, NCASES(days_cases));
	tcase_add_loop_test(tc, test_day_cmp, 0, NCASES(cmp_cases));
	tcase_add_loop_test(tc, test_day_pgtext, 0, NCASES(pgtext_cases));
	tcase_add_test(tc, test_days_walk);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
