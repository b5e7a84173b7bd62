/* tests/unit/test_logfmt.c: the strict logfmt reader of the tests (tests/logfmt.c)
 * on lines that must pass and lines that must fail, and the daemon's quoting
 * (rd_q, daemon/dlog.c) read back through it: whatever a message holds (quotes,
 * backslashes, newlines, control bytes, a length past the buffer), the line stays
 * one valid logfmt line and the value comes back unchanged. Issue #18 item 6. */
#include "dlog.h"
#include "logfmt.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *line; bool valid; } lines[] = {
	{ "level=notice grp=main msg=\"listening\" pid=12", true },
	{ "level=error grp=sched job=j1 error=\"partition 1: [42P01] relation \\\"x\\\" does not exist\"", true },
	{ "level=info grp=rpc flag msg=\"a\\nb\\tc\\u0001\"", true },
	{ "level=warning grp=loader msg=\"\"", true },
	/* the line issue #18 quoted: a message's own quotes left bare */
	{ "level=warning grp=loader msg=\"table=t error=\"relation \"x\" missing\"\"", false },
	{ "level=notice grp=main msg=\"never closed", false },
	{ "level=notice grp=main msg=\"bad \\x41 escape\"", false },
	{ "level=notice grp=main msg=\"raw\ttab\"", false },
	{ "level=notice grp=main a=b=c", false },
	{ "level=notice grp=main a=b\"c", false },
	{ "level=notice grp=main msg=\"one\" msg=\"two\"", false },
	{ "level=loud grp=main", false },
	{ "grp=main level=notice", false },
	{ "level=notice msg=x", false },
	{ "replicad: warning: table t", false },
};

START_TEST(test_lines)
{
	char why[200];
	bool got = logfmt_check(lines[_i].line, why, sizeof why);
	ck_assert_msg(got == lines[_i].valid, "line %d (%s): %s, want %s; %s", _i, lines[_i].line,
	              got ? "valid" : "invalid", lines[_i].valid ? "valid" : "invalid", why);
	if (!got)
		ck_assert_msg(why[0] != '\0', "line %d refused without a reason", _i);
}
END_TEST

static const char *const values[] = {
	"plain",
	"",
	"[42P01] ERROR: relation \"public.\"\"odd\" does not exist",
	"C:\\path\\with \\\"both\\\"",
	"two\nlines\r\nand\ta tab",
	"bell\a esc\x1b del\x7f",
	"UTF-8 stays: ümlaut, 日本",
};

START_TEST(test_rd_q_roundtrip)
{
	char q[512], line[700], back[512], why[200];
	snprintf(line, sizeof line, "level=warning grp=loader msg=%s", rd_q(q, sizeof q, values[_i]));
	ck_assert_msg(strchr(line, '\n') == NULL && strchr(line, '\r') == NULL, "value %d split the line: %s", _i, line);
	ck_assert_msg(logfmt_check(line, why, sizeof why), "value %d: %s: %s", _i, why, line);
	ck_assert(logfmt_value(line, "msg", back, sizeof back));
	ck_assert_str_eq(back, values[_i]);
}
END_TEST

/* a value cut to fit its buffer: never half an escape, always closed */
START_TEST(test_rd_q_cut)
{
	char src[300], q[40], line[200], why[200];
	for (size_t k = 0; k + 1 < sizeof src; k++)
		src[k] = "a\"\\\n\x01\xc3\xbc"[k % 7];   /* ..., then u-umlaut in UTF-8 */
	src[sizeof src - 1] = '\0';
	for (size_t n = 3; n <= sizeof q; n++) {
		snprintf(line, sizeof line, "level=info grp=x msg=%s", rd_q(q, n, src));
		ck_assert_msg(strlen(q) < n, "buffer %zu overrun", n);
		ck_assert_msg(logfmt_check(line, why, sizeof why), "buffer %zu: %s: %s", n, why, line);
		size_t len = strlen(q);
		ck_assert_msg(len < 3 || (unsigned char)q[len - 2] != 0xc3, "buffer %zu: half a UTF-8 character: %s", n, q);
	}
}
END_TEST

/* lib/'s messages reach stderr through rd_log_lib: free text, quotes and all */
START_TEST(test_lib_handler)
{
	char path[] = "/tmp/test_logfmt.XXXXXX", line[700], back[600], why[200];
	int fd = mkstemp(path);
	ck_assert(fd >= 0);
	ck_assert(freopen(path, "w", stderr) != NULL);
	const char *msg = "table=sales the source is read through ODBC: column \"d\" is C:\\x\nnext";
	rd_log_lib(RPL_LOG_WARNING, RPL_LOG_LOADER, msg, NULL);
	fflush(stderr);
	FILE *f = fopen(path, "r");
	ck_assert(f != NULL && fgets(line, sizeof line, f) != NULL);
	ck_assert_msg(fgetc(f) == EOF, "more than one line");
	fclose(f);
	close(fd);
	unlink(path);
	line[strcspn(line, "\n")] = '\0';
	ck_assert_msg(logfmt_check(line, why, sizeof why), "%s: %s", why, line);
	ck_assert(logfmt_value(line, "msg", back, sizeof back));
	ck_assert_str_eq(back, msg);
	ck_assert(logfmt_value(line, "grp", back, sizeof back));
	ck_assert_str_eq(back, "loader");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("logfmt");
	TCase *tc = tcase_create("logfmt");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_lines, 0, (int)(sizeof lines / sizeof lines[0]));
	tcase_add_loop_test(tc, test_rd_q_roundtrip, 0, (int)(sizeof values / sizeof values[0]));
	tcase_add_test(tc, test_rd_q_cut);
	tcase_add_test(tc, test_lib_handler);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
