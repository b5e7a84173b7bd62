/* tests/unit/test_slots.c: the scheduler's slot arithmetic (daemon/slots.c) and the
 * TZif reader under it (daemon/tz.c), across DST changes, from a table of cases.
 * Expected instants were computed independently with Python's zoneinfo. */
#include "slots.h"
#include "tz.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DAILY, PREV, EVERY };
static const struct {
	const char *zone;
	int what;
	int64_t now;
	int64_t arg;      /* minutes after midnight (DAILY, PREV) or seconds (EVERY) */
	int64_t want;
	const char *why;
} cases[] = {
	{ "Europe/Amsterdam", DAILY, 1711800000, 120, 1711846800, "02:00 on 2024-03-31 does not exist: 03:00 CEST" },
	{ "Europe/Amsterdam", DAILY, 1729944000, 150, 1729989000, "02:30 on 2024-10-27 exists twice: the first (CEST)" },
	{ "Europe/Amsterdam", DAILY, 1717236000, 120, 1717286400, "an ordinary summer day" },
	{ "Europe/Amsterdam", DAILY, 1717286400, 120, 1717372800, "exactly at the slot: the next day's" },
	{ "Europe/Amsterdam", PREV, 1711845000, 120, 1711760400, "01:30 CET on the spring day: the day before's slot" },
	{ "Europe/Amsterdam", EVERY, 1711846200, 900, 1711846800, "01:50 CET + 15m grid lands after the gap" },
	{ "Europe/Amsterdam", EVERY, 1717236000, 900, 1717236900, "on the grid: the next one" },
	{ "America/New_York", DAILY, 1709985600, 150, 1710055800, "02:30 on 2024-03-10 does not exist in New York" },
	{ "UTC", DAILY, 1717236000, 120, 1717293600, "UTC needs no file" },
};

START_TEST(test_slot)
{
	struct rd_tz tz;
	char err[512];
	ck_assert_msg(rd_tz_load(&tz, cases[_i].zone, NULL, err, sizeof err) == 0, "%s", err);
	int64_t got = cases[_i].what == DAILY   ? rd_slot_next_daily(&tz, cases[_i].now, (int)cases[_i].arg)
	              : cases[_i].what == PREV  ? rd_slot_prev_daily(&tz, cases[_i].now, (int)cases[_i].arg)
	                                        : rd_slot_next_every(&tz, cases[_i].now, cases[_i].arg);
	char a[64], b[64];
	rd_tz_format(&tz, got, a, sizeof a);
	rd_tz_format(&tz, cases[_i].want, b, sizeof b);
	ck_assert_msg(got == cases[_i].want, "case %d (%s): got %lld (%s), want %lld (%s)", _i, cases[_i].why,
	              (long long)got, a, (long long)cases[_i].want, b);
	rd_tz_fini(&tz);
}
END_TEST

/* beyond the file's last transition the POSIX footer rule decides */
static const struct { const char *zone; int64_t t; int32_t off; } offsets[] = {
	{ "Europe/Amsterdam", 2224713600, 7200 },    /* 2040-07-01: CEST by the M3.5.0 rule */
	{ "Australia/Sydney", 2208988800, 39600 },   /* 2040-01-01: southern summer */
	{ "Australia/Sydney", 2224713600, 36000 },   /* 2040-07-01: southern winter */
	{ "Europe/Amsterdam", 1711846799, 3600 },    /* one second before the spring jump */
	{ "Europe/Amsterdam", 1711846800, 7200 },
};

START_TEST(test_offset)
{
	struct rd_tz tz;
	char err[512];
	ck_assert_msg(rd_tz_load(&tz, offsets[_i].zone, NULL, err, sizeof err) == 0, "%s", err);
	ck_assert_msg(rd_tz_offset(&tz, offsets[_i].t) == offsets[_i].off, "case %d: %s at %lld: offset %d, want %d", _i,
	              offsets[_i].zone, (long long)offsets[_i].t, rd_tz_offset(&tz, offsets[_i].t), offsets[_i].off);
	rd_tz_fini(&tz);
}
END_TEST

START_TEST(test_format_and_errors)
{
	struct rd_tz tz;
	char err[512], out[64];
	ck_assert(rd_tz_load(&tz, "Europe/Amsterdam", NULL, err, sizeof err) == 0);
	rd_tz_format(&tz, 1711846800, out, sizeof out);
	ck_assert_str_eq(out, "2024-03-31T03:00:00+02:00");
	struct rpl_day d = rd_slot_today(&tz, 1711839600);   /* 2024-03-30T23:00Z = 00:00 CET on the 31st */
	ck_assert_int_eq(d.d, 31);
	rd_tz_fini(&tz);
	ck_assert_int_eq(rd_tz_load(&tz, "Mars/Olympus_Mons", NULL, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "Mars/Olympus_Mons") != NULL, "error does not name the zone: %s", err);
	ck_assert_int_eq(rd_tz_load(&tz, "../etc/passwd", NULL, err, sizeof err), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("slots");
	TCase *tc = tcase_create("slots");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_slot, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_loop_test(tc, test_offset, 0, (int)(sizeof offsets / sizeof offsets[0]));
	tcase_add_test(tc, test_format_and_errors);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
