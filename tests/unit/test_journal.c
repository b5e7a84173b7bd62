/* tests/unit/test_journal.c: the service's job journal (daemon/journal.c): a change
 * appends to the file instead of rewriting it (a submit used to rewrite every job,
 * issue #19), the replay gives back the jobs in submit order with the last word on
 * each, a torn last line is skipped, and a format 1 file is still read. */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "journal.h"

static char dir[64], path[128];

static int
rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(p);
}

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/rpl-journal-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/serve-jobs.json", dir);
}

static void
teardown(void)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static struct rd_journal_entry
entry(const char *id, bool held)
{
	return (struct rd_journal_entry){ .id = id, .table = "sales", .kind = "day", .from = "2024-01-01", .to = "",
	                                  .origin = "rpc", .held = held };
}

static char *
slurp(void)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	ck_assert(f != NULL);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

START_TEST(test_append_not_rewrite)
{
	char err[600], before[1 << 16];
	struct rd_journal_entry a[2] = { entry("j1", false), entry("j2", true) };
	ck_assert_msg(rd_journal_write(dir, 3, a, 2, err, sizeof err) == 0, "%s", err);
	snprintf(before, sizeof before, "%s", slurp());
	struct rd_journal_entry b[2] = { entry("j3", false), entry("j2", false) };   /* j2 un-held: replaced */
	const char *del[] = { "j1" };
	ck_assert_msg(rd_journal_append(dir, 4, b, 2, del, 1, err, sizeof err) == 0, "%s", err);
	const char *after = slurp();
	ck_assert_msg(strncmp(after, before, strlen(before)) == 0, "the journal was rewritten, not appended to");
	int lines = 0;
	for (const char *p = after; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 3 + 3);

	unsigned next = 0;
	struct rd_journal_entry *e;
	size_t n;
	ck_assert_msg(rd_journal_read(dir, &next, &e, &n, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(next, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].id, "j3");    /* j2's replacement comes after j3 */
	ck_assert_str_eq(e[1].id, "j2");
	ck_assert(!e[1].held);
	ck_assert_str_eq(e[0].table, "sales");
	rd_journal_free(e, n);
}
END_TEST

/* a crash in the middle of an append leaves half a line: it is skipped */
START_TEST(test_torn_line)
{
	char err[600];
	struct rd_journal_entry a[1] = { entry("j1", false) };
	ck_assert(rd_journal_write(dir, 2, a, 1, err, sizeof err) == 0);
	FILE *f = fopen(path, "a");
	fputs("{\"op\":\"add\",\"id\":\"j2\",\"tab", f);
	fclose(f);
	unsigned next;
	struct rd_journal_entry *e;
	size_t n;
	ck_assert_msg(rd_journal_read(dir, &next, &e, &n, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(e[0].id, "j1");
	rd_journal_free(e, n);
}
END_TEST

/* the format before this one: one object, rewritten whole */
START_TEST(test_format1)
{
	char err[600];
	FILE *f = fopen(path, "w");
	fputs("{\"version\": 1, \"next\": 9, \"jobs\": [{\"id\": \"j7\", \"table\": \"t\", \"kind\": \"full\", \"from\": \"\","
	      " \"to\": \"\", \"origin\": \"rpc\", \"held\": true}, {\"id\": \"j8\", \"table\": \"u\", \"kind\": \"day\","
	      " \"from\": \"2024-01-01\", \"to\": \"\", \"origin\": \"t1\", \"held\": false}]}\n", f);
	fclose(f);
	unsigned next;
	struct rd_journal_entry *e;
	size_t n;
	ck_assert_msg(rd_journal_read(dir, &next, &e, &n, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(next, 9);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(e[0].id, "j7");
	ck_assert(e[0].held);
	ck_assert_str_eq(e[1].origin, "t1");
	rd_journal_free(e, n);
	/* neither format: an error naming the file, and nothing resumed */
	f = fopen(path, "w");
	fputs("garbage\n", f);
	fclose(f);
	ck_assert_int_eq(rd_journal_read(dir, &next, &e, &n, err, sizeof err), -1);
	ck_assert_msg(strstr(err, path) != NULL, "%s", err);
	ck_assert_uint_eq(n, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("journal");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_append_not_rewrite);
	tcase_add_test(tc, test_torn_line);
	tcase_add_test(tc, test_format1);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
