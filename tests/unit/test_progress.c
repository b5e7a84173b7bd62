/* tests/unit/test_progress.c: run's progress text (daemon/progress.c): the ETA paced
 * by the partitions loaded, not the skipped ones, on the bar and in the logfmt line
 * (issue #18 item 9). */
#include "logfmt.h"
#include "progress.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

START_TEST(test_eta)
{
	ck_assert(rd_progress_eta(10, 0, 0, 12) < 0);          /* nothing loaded yet */
	ck_assert(rd_progress_eta(10, 12, 0, 12) < 0);         /* all done */
	ck_assert(rd_progress_eta(0, 3, 0, 12) < 0);
	ck_assert(rd_progress_eta(30, 3, 0, 12) == 90);        /* 10 s a partition, 9 left */
	/* six skipped at the start: three loaded in 30 s, three left */
	ck_assert(rd_progress_eta(30, 9, 6, 12) == 30);
	ck_assert(rd_progress_eta(30, 6, 6, 12) < 0);          /* only skipped ones so far */
}
END_TEST

START_TEST(test_text)
{
	char out[512], v[64], why[200];
	rd_progress_text(out, sizeof out, true, "sales", 3, 12, 1204331, 21840.4, 65);
	ck_assert_msg(strstr(out, "3/12 partitions") != NULL && strstr(out, "ETA 1:05") != NULL && out[0] == '\r', "%s", out);
	rd_progress_text(out, sizeof out, true, "sales", 0, 12, 0, 0, -1);
	ck_assert_msg(strstr(out, "ETA") == NULL, "an ETA before any partition: %s", out);
	rd_progress_text(out, sizeof out, false, "odd \"name\"", 3, 12, 1204331, 21840.4, 3725);
	ck_assert_msg(out[strlen(out) - 1] == '\n', "%s", out);
	out[strlen(out) - 1] = '\0';
	ck_assert(logfmt_value(out, "eta_s", v, sizeof v));
	ck_assert_str_eq(v, "3725");
	ck_assert(logfmt_value(out, "table", v, sizeof v));
	ck_assert_str_eq(v, "odd \"name\"");
	char line[600];   /* the same keys as a log line: valid logfmt */
	snprintf(line, sizeof line, "level=info grp=x %s", out + strlen("progress "));
	ck_assert_msg(logfmt_check(line, why, sizeof why), "%s: %s", why, line);
	rd_progress_text(out, sizeof out, false, "sales", 0, 12, 0, 0, -1);
	ck_assert_msg(strstr(out, "eta_s") == NULL, "%s", out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("progress");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_eta);
	tcase_add_test(tc, test_text);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
