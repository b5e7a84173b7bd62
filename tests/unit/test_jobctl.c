/* tests/unit/test_jobctl.c: the SQL text of a job's control (lib/core/jobctl.c) per
 * engine: the read a claim makes (no lock: a process stopped in its claim must not
 * block the next pause or cancel; SQL Server, which cannot run here, quotes N'…'),
 * the write that keeps a cancel final, and the names read back. */
#include <check.h>
#include <string.h>
#include "dialect.h"
#include "jobctl.h"
#include "sbuf.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))

static const struct { enum rpl_engine e; const char *want; } reads[] = {
	{ RPL_ENGINE_POSTGRES, "SELECT control FROM replicad_jobs WHERE id = 'j1'" },
	{ RPL_ENGINE_MARIADB, "SELECT control FROM replicad_jobs WHERE id = 'j1'" },
	{ RPL_ENGINE_MSSQL, "SELECT control FROM replicad_jobs WHERE id = N'j1'" },
	{ RPL_ENGINE_SQLITE, "SELECT control FROM replicad_jobs WHERE id = 'j1'" },
};

START_TEST(test_jobctl_read)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_jobctl_read_sql(rpl_dialect_for(reads[_i].e), "j1", &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), reads[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

static const struct { enum rpl_jobctl c; const char *want; } writes[] = {
	{ RPL_JOBCTL_PAUSE, "UPDATE replicad_jobs SET control = 'pause' WHERE id = 'j''1'"
	                    " AND (control IS NULL OR control <> 'cancel')" },
	{ RPL_JOBCTL_RUN, "UPDATE replicad_jobs SET control = 'run' WHERE id = 'j''1'"
	                  " AND (control IS NULL OR control <> 'cancel')" },
	{ RPL_JOBCTL_CANCEL, "UPDATE replicad_jobs SET control = 'cancel' WHERE id = 'j''1'" },
};

/* a pause or resume never overrides a cancel; the id is a literal */
START_TEST(test_jobctl_write)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_jobctl_set_sql(rpl_dialect_for(RPL_ENGINE_POSTGRES), "j'1", writes[_i].c, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), writes[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

START_TEST(test_jobctl_names)
{
	for (int c = RPL_JOBCTL_NONE; c <= RPL_JOBCTL_CANCEL; c++)
		ck_assert_int_eq(rpl_jobctl_parse(rpl_jobctl_name((enum rpl_jobctl)c)), c);
	ck_assert_int_eq(rpl_jobctl_parse(NULL), RPL_JOBCTL_NONE);
	ck_assert_int_eq(rpl_jobctl_parse("PAUSE"), RPL_JOBCTL_NONE);   /* only what we write */
	ck_assert_str_eq(rpl_jobctl_name((enum rpl_jobctl)42), "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jobctl");
	TCase *tc = tcase_create("sql");
	tcase_add_loop_test(tc, test_jobctl_read, 0, NCASES(reads));
	tcase_add_loop_test(tc, test_jobctl_write, 0, NCASES(writes));
	tcase_add_test(tc, test_jobctl_names);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
