/* tests/unit/test_range.c: the one range planner (daemon/range.c) that `replicad run`,
 * job.submit, the scheduler and the jobs a restart resumes share: each kind of range,
 * and bad input refused with an error that names the argument as its user wrote it
 * ("--from" on the command line, "from" in job.submit). */
#include "range.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct rd_range_env dated = { .table = "sales", .has_date = true, .max_partitions = 1200 };

/* plan_ok plans o against env and checks the kind, the days and the partitions'
 * first start and last end */
static void
plan_ok(const struct rd_range_opts *o, const struct rd_range_env *env, const char *kind, const char *from,
        const char *to, size_t n, const char *first, const char *last)
{
	struct rd_range_plan p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rd_range_plan(o, env, &p, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(p.kind, kind);
	ck_assert_str_eq(p.from, from);
	ck_assert_str_eq(p.to, to);
	ck_assert_uint_eq(p.nparts, n);
	char a[64], b[64];
	rpl_range_label(&p.parts[0], a, sizeof a);
	rpl_range_label(&p.parts[n - 1], b, sizeof b);
	ck_assert_str_eq(a, first);
	ck_assert_str_eq(b, last);
	ck_assert_int_eq(p.wanted, 0);
	rd_range_plan_fini(&p);
	ck_assert_ptr_null(p.parts);
}

START_TEST(test_backfill)
{
	struct rd_range_opts o = { .from = "2024-01-15", .to = "2024-03-10", .dashes = "--" };
	plan_ok(&o, &dated, "backfill", "2024-01-15", "2024-03-10", 3, "2024-01-15..2024-02-01",
	        "2024-03-01..2024-03-11");
	struct rd_range_opts leap = { .from = "2024-02-29", .to = "2024-02-29", .dashes = "" };
	plan_ok(&leap, &dated, "backfill", "2024-02-29", "2024-02-29", 1, "2024-02-29..2024-03-01",
	        "2024-02-29..2024-03-01");
	struct rd_range_env unlimited = dated;   /* `run`: no limits.max_partitions */
	unlimited.max_partitions = 0;
	struct rd_range_opts century = { .from = "2000-01-01", .to = "2200-12-31", .dashes = "--" };
	plan_ok(&century, &unlimited, "backfill", "2000-01-01", "2200-12-31", 2412, "2000-01-01..2000-02-01",
	        "2200-12-01..2201-01-01");
}
END_TEST

START_TEST(test_day_full)
{
	struct rd_range_opts day = { .day = "2023-12-31", .dashes = "--" };
	plan_ok(&day, &dated, "day", "2023-12-31", "", 1, "2023-12-31..2024-01-01", "2023-12-31..2024-01-01");
	struct rd_range_opts full = { .full = true, .dashes = "--" };
	plan_ok(&full, &dated, "full", "", "", 1, "all", "all");
	struct rd_range_env undated = { .table = "countries", .has_date = false };
	plan_ok(&full, &undated, "full", "", "", 1, "all", "all");
}
END_TEST

/* T-0 and T-1 are days in the time zone given, not in UTC */
START_TEST(test_t0_t1)
{
	struct rd_tz utc, ams;
	char why[256];
	ck_assert_msg(rd_tz_load(&utc, "UTC", NULL, why, sizeof why) == 0, "%s", why);
	ck_assert_msg(rd_tz_load(&ams, "Europe/Amsterdam", NULL, why, sizeof why) == 0, "%s", why);
	struct rd_range_env env = dated;
	env.tz = &utc;
	env.now = 1717279200;   /* 2024-06-01 22:00 UTC, 2024-06-02 00:00 in Amsterdam */
	struct rd_range_opts t0 = { .t0 = true, .dashes = "" }, t1 = { .t1 = true, .dashes = "" };
	plan_ok(&t0, &env, "day", "2024-06-01", "", 1, "2024-06-01..2024-06-02", "2024-06-01..2024-06-02");
	plan_ok(&t1, &env, "day", "2024-05-31", "", 1, "2024-05-31..2024-06-01", "2024-05-31..2024-06-01");
	env.tz = &ams;
	plan_ok(&t0, &env, "day", "2024-06-02", "", 1, "2024-06-02..2024-06-03", "2024-06-02..2024-06-03");
	plan_ok(&t1, &env, "day", "2024-06-01", "", 1, "2024-06-01..2024-06-02", "2024-06-01..2024-06-02");
	rd_tz_fini(&utc);
	rd_tz_fini(&ams);
}
END_TEST

/* bad input: each refused with RPL_EINVAL, a message holding every fragment, and
 * nothing to free */
static const struct {
	struct rd_range_opts o;
	bool has_date;
	const char *path;
	const char *want[3];
	long wanted;
} bad[] = {
	{ { .from = "2024-13-01", .to = "2024-12-31", .dashes = "--" }, true, NULL,
	  { "--from '2024-13-01'", "expected a date YYYY-MM-DD" }, 0 },
	{ { .from = "2023-02-01", .to = "2023-02-30", .dashes = "--" }, true, NULL,
	  { "--to '2023-02-30'", "expected a date YYYY-MM-DD" }, 0 },
	{ { .from = "2023-02-01", .to = "2023-02-30", .dashes = "" }, true, NULL,
	  { "to '2023-02-30'", "expected a date" }, 0 },
	{ { .from = "2023-02-01", .to = "2023-2-3", .dashes = "" }, true, NULL, { "to '2023-2-3'" }, 0 },
	{ { .day = "2023-02-29", .dashes = "--" }, true, NULL, { "--day '2023-02-29'" }, 0 },
	{ { .day = "", .dashes = "" }, true, NULL, { "day ''" }, 0 },
	{ { .from = "2024-02-01", .to = "2024-01-01", .dashes = "--" }, true, NULL, { "2024-02-01", "2024-01-01" }, 0 },
	{ { .from = "2024-01-01", .to = "2124-01-31", .dashes = "" }, true, NULL,
	  { "2024-01-01..2124-01-31 would make 1201 partitions", "limits.max_partitions (1200)" }, 1201 },
	{ { .from = "0001-01-01", .to = "9999-12-31", .dashes = "" }, true, NULL,
	  { "would make 119988 partitions", "limits.max_partitions (1200)" }, 119988 },
	{ { .day = "2024-01-01", .dashes = "--" }, false, "/etc/replicad.json",
	  { "table 'sales' has no date_column in /etc/replicad.json: only --full applies" }, 0 },
	{ { .t1 = true, .dashes = "" }, false, NULL, { "table 'sales' has no date_column: only full applies" }, 0 },
	{ { .from = "2024-01-01", .dashes = "--" }, true, NULL, { "--from and --to go together" }, 0 },
	{ { .to = "2024-01-01", .dashes = "" }, true, NULL, { "from and to go together" }, 0 },
	{ { .dashes = "--" }, true, NULL, { "give exactly one of --from/--to, --day, --t0, --t1, --full" }, 0 },
	{ { .day = "2024-01-01", .full = true, .dashes = "" }, true, NULL,
	  { "give exactly one of from/to, day, t0, t1, full" }, 0 },
	{ { .from = "2024-01-01", .to = "2024-01-02", .t0 = true, .dashes = "" }, true, NULL, { "exactly one" }, 0 },
};

START_TEST(test_bad)
{
	struct rd_range_env env = dated;
	env.has_date = bad[_i].has_date;
	env.config_path = bad[_i].path;
	struct rd_range_plan p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_int_eq(rd_range_plan(&bad[_i].o, &env, &p, &err), RPL_EINVAL);
	ck_assert_int_eq(err.code, RPL_EINVAL);
	for (int k = 0; k < 3 && bad[_i].want[k] != NULL; k++)
		ck_assert_msg(strstr(err.msg, bad[_i].want[k]) != NULL, "case %d: '%s' lacks '%s'", _i, err.msg,
		              bad[_i].want[k]);
	ck_assert_ptr_null(p.parts);
	ck_assert_uint_eq(p.nparts, 0);
	ck_assert_int_eq(p.wanted, bad[_i].wanted);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("range");
	TCase *tc = tcase_create("range");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_backfill);
	tcase_add_test(tc, test_day_full);
	tcase_add_test(tc, test_t0_t1);
	tcase_add_loop_test(tc, test_bad, 0, (int)(sizeof bad / sizeof bad[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
