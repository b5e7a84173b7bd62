/* tests/unit/test_version.c: version strings as the drivers give them (measured on
 * psqlODBC 13.02, Connector/ODBC 3.1.15, sqliteodbc 0.9998) and as people write
 * them (issue #18 item 11). */
#include "version.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

static const struct { enum rpl_engine e; bool dbms; const char *in, *want; } cases[] = {
	{ RPL_ENGINE_POSTGRES, true, "15.0.18", "15.18" },        /* psqlODBC on PostgreSQL 15.18 */
	{ RPL_ENGINE_POSTGRES, true, "10.0.0", "10.0" },
	{ RPL_ENGINE_POSTGRES, true, "09.06.0024", "9.6.24" },    /* before 10: three numbers */
	{ RPL_ENGINE_POSTGRES, false, "13.02.0000", "13.2.0" },   /* the driver's own version */
	{ RPL_ENGINE_MARIADB, true, "10.11.000019", "10.11.19" },
	{ RPL_ENGINE_MARIADB, false, "03.01.0015", "3.1.15" },
	{ RPL_ENGINE_MARIADB, true, "10.0.5", "10.0.5" },         /* only PostgreSQL moves the minor */
	{ RPL_ENGINE_SQLITE, true, "3.39.3", "3.39.3" },
	{ RPL_ENGINE_SQLITE, false, "0.9998", "0.9998" },
	{ RPL_ENGINE_UNKNOWN, false, "03.51", "3.51" },           /* SQL_DRIVER_ODBC_VER */
	{ RPL_ENGINE_MSSQL, true, "16.00.4135", "16.0.4135" },
	{ RPL_ENGINE_MARIADB, true, "10.11.19-MariaDB", "10.11.19-MariaDB" },  /* not ours to parse */
	{ RPL_ENGINE_UNKNOWN, true, "1..2", "1..2" },
	{ RPL_ENGINE_UNKNOWN, true, "5.", "5." },
	{ RPL_ENGINE_UNKNOWN, true, "", "" },
	{ RPL_ENGINE_UNKNOWN, true, "1.2.3.4.5.6.7.8.9", "1.2.3.4.5.6.7.8.9" },
};

START_TEST(test_tidy)
{
	char v[64];
	snprintf(v, sizeof v, "%s", cases[_i].in);
	rpl_version_tidy(v, sizeof v, cases[_i].e, cases[_i].dbms);
	ck_assert_msg(strcmp(v, cases[_i].want) == 0, "case %d: %s -> %s, want %s", _i, cases[_i].in, v, cases[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("version");
	TCase *tc = tcase_create("version");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_tidy, 0, (int)(sizeof cases / sizeof cases[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
