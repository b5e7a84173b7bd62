/* tests/unit/test_units.c: the value syntaxes of lib/util/units.h, from tables of good and
 * bad input. Each "must refuse" row is a spelling someone will write (a space, a
 * decimal unit, a date that is not on the calendar), so a looser parser goes red. */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "units.h"

#define KiB 1024LL
#define MiB (1024LL * KiB)
#define GiB (1024LL * MiB)
#define TiB (1024LL * GiB)

static const struct { const char *in; bool ok; int64_t want; } size_cases[] = {
	{ "0", true, 0 },                  { "1048576", true, 1048576 },
	{ "1B", true, 1 },                 { "512k", true, 512 * KiB },
	{ "512K", true, 512 * KiB },       { "512KiB", true, 512 * KiB },
	{ "4M", true, 4 * MiB },           { "4MiB", true, 4 * MiB },
	{ "1G", true, GiB },               { "1GiB", true, GiB },
	{ "2TiB", true, 2 * TiB },         { "8388607T", true, 8388607 * TiB },
	{ "9223372036854775807", true, INT64_MAX },
	{ "9223372036854775808", false, 0 },   /* past int64 */
	{ "8388608T", false, 0 },          /* 2^63: overflows only after the multiply */
	{ "", false, 0 },                  { "M", false, 0 },
	{ "4 MiB", false, 0 },             { " 4M", false, 0 },     { "4M ", false, 0 },
	{ "-1", false, 0 },                { "+1", false, 0 },      { "1.5M", false, 0 },
	{ "4MB", false, 0 },               /* decimal or binary? refused, not guessed */
	{ "4KB", false, 0 },               { "4mb", false, 0 },
	{ "4m", false, 0 },                /* minutes? milli? not a size */
	{ "4Mi", false, 0 },               { "4MiBs", false, 0 },   { "0x10", false, 0 },
};

START_TEST(test_size)
{
	int64_t got = -42;
	bool ok = rpl_parse_size(size_cases[_i].in, &got);
	ck_assert_msg(ok == size_cases[_i].ok, "\"%s\": ok=%d, want %d", size_cases[_i].in, ok, size_cases[_i].ok);
	if (ok)
		ck_assert_msg(got == size_cases[_i].want, "\"%s\": got %lld, want %lld", size_cases[_i].in,
		              (long long)got, (long long)size_cases[_i].want);
	else
		ck_assert_msg(got == -42, "\"%s\": output written on failure", size_cases[_i].in);
}
END_TEST

static const struct { const char *in; bool ok; int64_t want_ms; } duration_cases[] = {
	{ "0", true, 0 },                  { "90", true, 90000 },    /* bare number: seconds */
	{ "0s", true, 0 },                 { "90s", true, 90000 },
	{ "15m", true, 900000 },           { "1h", true, 3600000 },
	{ "1h30m", true, 5400000 },        { "1m30s", true, 90000 },
	{ "2d", true, 172800000 },         { "500ms", true, 500 },
	{ "1d2h3m4s5ms", true, 93784005 },
	{ "106751991167d", true, 106751991167LL * 86400000 },
	{ "106751991167d1h", true, 106751991167LL * 86400000 + 3600000 },
	{ "106751991168d", false, 0 },     /* overflow in the multiply */
	{ "106751991167d8h", false, 0 },   /* overflow in the sum */
	{ "9223372036854776", false, 0 },  /* bare seconds that overflow as ms */
	{ "", false, 0 },                  { "m", false, 0 },        { "h1", false, 0 },
	{ "15x", false, 0 },               { "1.5h", false, 0 },     { "-5m", false, 0 },
	{ "+5m", false, 0 },               { "15 m", false, 0 },     { " 15m", false, 0 },
	{ "30m1h", false, 0 },             /* out of order: a typo, not a sum */
	{ "1m1m", false, 0 },              { "5ms3s", false, 0 },
	{ "1h30", false, 0 },              /* trailing number without unit */
	{ "1w", false, 0 },                { "15min", false, 0 },
};

START_TEST(test_duration)
{
	int64_t got = -42;
	bool ok = rpl_parse_duration(duration_cases[_i].in, &got);
	ck_assert_msg(ok == duration_cases[_i].ok, "\"%s\": ok=%d, want %d", duration_cases[_i].in, ok,
	              duration_cases[_i].ok);
	if (ok)
		ck_assert_msg(got == duration_cases[_i].want_ms, "\"%s\": got %lld ms, want %lld",
		              duration_cases[_i].in, (long long)got, (long long)duration_cases[_i].want_ms);
}
END_TEST

static const struct { const char *in; int want; } time_cases[] = {   /* want -1: refuse */
	{ "00:00", 0 },   { "02:00", 120 },  { "03:30", 210 },  { "12:34", 754 },  { "23:59", 1439 },
	{ "24:00", -1 },  { "23:60", -1 },   { "2:00", -1 },    { "02:0", -1 },    { "0200", -1 },
	{ "02-00", -1 },  { "", -1 },        { "02:00 ", -1 },  { " 2:00", -1 },   { "-1:00", -1 },
	{ "aa:bb", -1 },  { "02:00:00", -1 }, { "+2:00", -1 },
};

START_TEST(test_time_of_day)
{
	int got = -42;
	bool ok = rpl_parse_time_of_day(time_cases[_i].in, &got);
	ck_assert_msg(ok == (time_cases[_i].want >= 0), "\"%s\": ok=%d", time_cases[_i].in, ok);
	if (ok)
		ck_assert_msg(got == time_cases[_i].want, "\"%s\": got %d, want %d", time_cases[_i].in, got,
		              time_cases[_i].want);
}
END_TEST

static const struct { const char *in; bool ok; int y, m, d; } date_cases[] = {
	{ "0001-01-01", true, 1, 1, 1 },         { "9999-12-31", true, 9999, 12, 31 },
	{ "2024-02-29", true, 2024, 2, 29 },     /* leap year */
	{ "2000-02-29", true, 2000, 2, 29 },     /* divisible by 400: leap */
	{ "2023-04-30", true, 2023, 4, 30 },     { "2023-01-31", true, 2023, 1, 31 },
	{ "2023-02-29", false, 0, 0, 0 },        /* not a leap year */
	{ "1900-02-29", false, 0, 0, 0 },        /* divisible by 100, not 400 */
	{ "2100-02-29", false, 0, 0, 0 },
	{ "2024-02-30", false, 0, 0, 0 },        { "2023-04-31", false, 0, 0, 0 },
	{ "2023-06-31", false, 0, 0, 0 },        { "2023-01-32", false, 0, 0, 0 },
	{ "0000-01-01", false, 0, 0, 0 },        /* MySQL's zero year */
	{ "0000-00-00", false, 0, 0, 0 },        { "2023-13-01", false, 0, 0, 0 },
	{ "2023-00-10", false, 0, 0, 0 },        { "2023-01-00", false, 0, 0, 0 },
	{ "2023-1-01", false, 0, 0, 0 },         { "23-01-01", false, 0, 0, 0 },
	{ "2023/01/01", false, 0, 0, 0 },        { "2023-01-01T00:00", false, 0, 0, 0 },
	{ "10000-01-01", false, 0, 0, 0 },       { " 2023-01-01", false, 0, 0, 0 },
	{ "", false, 0, 0, 0 },                  { "2023-+1-01", false, 0, 0, 0 },
};

START_TEST(test_date)
{
	int y = -1, m = -1, d = -1;
	bool ok = rpl_parse_date(date_cases[_i].in, &y, &m, &d);
	ck_assert_msg(ok == date_cases[_i].ok, "\"%s\": ok=%d, want %d", date_cases[_i].in, ok, date_cases[_i].ok);
	if (ok)
		ck_assert_msg(y == date_cases[_i].y && m == date_cases[_i].m && d == date_cases[_i].d,
		              "\"%s\": got %d-%d-%d", date_cases[_i].in, y, m, d);
}
END_TEST

/* A zoneinfo tree of our own, so the test does not depend on the host's tzdata:
 * DIR/zi holds zones (TZif magic), a non-zone text file and a short file; DIR/outside
 * is a real TZif file that ".." must not reach. */
static char dir[64], zi[128];

static void
put(const char *rel, const char *content)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(content, f);
	fclose(f);
}

static void
tz_setup(void)
{
	char path[256];
	snprintf(dir, sizeof dir, "/tmp/rpl-units-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(zi, sizeof zi, "%s/zi", dir);
	const char *dirs[] = { "zi", "zi/Europe", "zi/Etc", "zi/America" };
	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, dirs[i]);
		ck_assert(mkdir(path, 0700) == 0);
	}
	put("zi/Europe/Amsterdam", "TZif2\n...");
	put("zi/Etc/GMT+5", "TZif2\n...");
	put("zi/America/Port-au-Prince", "TZif3\n...");
	put("zi/zone.tab", "# tzdb timezone descriptions\n");
	put("zi/Short", "TZ");
	put("outside", "TZif2\n...");
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
tz_teardown(void)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static const struct { const char *name; bool ok; } tz_cases[] = {
	{ "Europe/Amsterdam", true },      { "Etc/GMT+5", true },
	{ "America/Port-au-Prince", true },
	{ "UTC", true },                   /* accepted even where no file exists */
	{ "Mars/Olympus", false },         /* no such file */
	{ "Europe", false },               /* a directory */
	{ "zone.tab", false },             /* a file, but not TZif */
	{ "Short", false },                /* shorter than the magic */
	{ "", false },                     { "..", false },
	{ "../outside", false },           /* exists and is TZif: only the ".." rule stops it */
	{ "Europe/../Europe/Amsterdam", false },
	{ "./Europe/Amsterdam", false },   { "Europe//Amsterdam", false },
	{ "Europe/Amsterdam/", false },    { "/Europe/Amsterdam", false },
	{ "Europe/Amsterdam ", false },    { "europe\\amsterdam", false },
};

START_TEST(test_timezone)
{
	bool ok = rpl_timezone_valid(tz_cases[_i].name, zi);
	ck_assert_msg(ok == tz_cases[_i].ok, "\"%s\": ok=%d, want %d", tz_cases[_i].name, ok, tz_cases[_i].ok);
}
END_TEST

/* With "/" as the zoneinfo directory an absolute name would resolve to the very file
 * it names: only the absolute-path rule refuses it. */
START_TEST(test_timezone_absolute)
{
	char abs[256];
	snprintf(abs, sizeof abs, "%s/Europe/Amsterdam", zi);
	ck_assert_msg(rpl_timezone_valid(abs + 1, "/"), "relative control case failed: %s", abs + 1);
	ck_assert_msg(!rpl_timezone_valid(abs, "/"), "absolute name accepted: %s", abs);
}
END_TEST

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))

int
main(void)
{
	Suite *s = suite_create("units");
	TCase *tc = tcase_create("syntax");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_size, 0, NCASES(size_cases));
	tcase_add_loop_test(tc, test_duration, 0, NCASES(duration_cases));
	tcase_add_loop_test(tc, test_time_of_day, 0, NCASES(time_cases));
	tcase_add_loop_test(tc, test_date, 0, NCASES(date_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("timezone");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, tz_setup, tz_teardown);
	tcase_add_loop_test(tc, test_timezone, 0, NCASES(tz_cases));
	tcase_add_test(tc, test_timezone_absolute);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
