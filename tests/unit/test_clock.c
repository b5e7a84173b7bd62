/* tests/unit/test_clock.c: the daemon's one spelling of a UTC time as text
 * (daemon/clock.c), which job.get, daemon.status, the ledger scan and the metrics
 * share: written and read back, and what is not that form read as 0. */
#include "clock.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

static const struct { int64_t t; const char *text; } good[] = {
	{ 0, "1970-01-01T00:00:00Z" },
	{ 951782400, "2000-02-29T00:00:00Z" },
	{ 1717279199, "2024-06-01T21:59:59Z" },
	{ 4102444800, "2100-01-01T00:00:00Z" },
};

START_TEST(test_round_trip)
{
	char out[32];
	rd_time_iso(good[_i].t, out);
	ck_assert_str_eq(out, good[_i].text);
	ck_assert_int_eq(rd_time_from_iso(good[_i].text), good[_i].t);
}
END_TEST

/* not the ledger's form: 0, never a guess */
static const char *const bad[] = {
	NULL, "", "2024-06-01", "2024-06-01T21:59:59", "2024-06-01T21:59:59Z ", "2024-06-01 21:59:59Z",
	"2024-06-01T21:59:59.5Z", "yesterday",
};

START_TEST(test_not_iso)
{
	ck_assert_msg(rd_time_from_iso(bad[_i]) == 0, "'%s' read as a time", bad[_i] ? bad[_i] : "(null)");
}
END_TEST

/* the monotonic clocks agree with each other and do not go back */
START_TEST(test_mono)
{
	uint64_t ms = rd_now_mono_ms(), us = rd_now_mono_us(), ms2 = rd_now_mono_ms();
	ck_assert_uint_ge(us / 1000, ms);
	ck_assert_uint_ge(ms2, us / 1000);
	ck_assert_int_gt(rd_now_wall(), 1700000000);
	ck_assert(rd_now_wall_frac() >= (double)rd_now_wall() - 1.0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("clock");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof good / sizeof good[0]));
	tcase_add_loop_test(tc, test_not_iso, 0, (int)(sizeof bad / sizeof bad[0]));
	tcase_add_test(tc, test_mono);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
