/* tests/unit/test_connstr.c: reading and redacting ODBC connection strings (lib/odbc/odbc_conn.c):
 * the native paths find host, port, database and user there, and no message may
 * ever show a password; rpl_conn_open guesses the engine from the Driver= name. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "odbc_conn.h"

static const struct { const char *s, *key, *want; } get_cases[] = {   /* want NULL: not set */
	{ "Driver=SQLite3;Database=/tmp/a.db", "Database", "/tmp/a.db" },
	{ "Driver=SQLite3;database = /tmp/a.db ;StepAPI=1", "DATABASE", "/tmp/a.db" },
	{ "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=5432", "Port", "5432" },
	{ "Driver=X;PWD={a;b}}c};Uid=u", "PWD", "a;b}c" },
	{ "Driver=X;PWD={a;b}}c};Uid=u", "Uid", "u" },
	{ "DSN=prod", "Database", NULL },
	{ "Driver=X;Database=", "Database", NULL },
	{ "Driver=X;MyDatabase=y", "Database", NULL },
};

START_TEST(test_get)
{
	char out[256] = "untouched";
	bool found = rpl_connstr_get(get_cases[_i].s, get_cases[_i].key, out, sizeof out);
	if (get_cases[_i].want == NULL) {
		ck_assert_msg(!found, "case %d: found \"%s\"", _i, out);
	} else {
		ck_assert_msg(found, "case %d: %s not found in %s", _i, get_cases[_i].key, get_cases[_i].s);
		ck_assert_str_eq(out, get_cases[_i].want);
	}
}
END_TEST

static const struct { const char *in, *want; } redact_cases[] = {
	{ "Driver=X;Uid=u;PWD=secret;Port=1", "Driver=X;Uid=u;PWD=***;Port=1" },
	{ "Driver=X;Password={se;cret};Port=1", "Driver=X;Password=***;Port=1" },
	{ "Driver=X;pwd=s", "Driver=X;pwd=***" },
	{ "DSN=prod", "DSN=prod" },
	/* every secret-bearing key replicad.json(5) lists, any case, braced or not */
	{ "Driver=X;SSLPassword=k1;sslmode=verify-full", "Driver=X;SSLPassword=***;sslmode=verify-full" },
	{ "Driver=X;sslkeypassword={k;2};Port=1", "Driver=X;sslkeypassword=***;Port=1" },
	{ "Driver=X;TLSKEYPWD=k3", "Driver=X;TLSKEYPWD=***" },
	{ "Driver=X;KeyPassword=k4;KeyStoreSecret=k5", "Driver=X;KeyPassword=***;KeyStoreSecret=***" },
	{ "Driver=X;ClientSecret=k6;AccessToken=k7;Token=k8", "Driver=X;ClientSecret=***;AccessToken=***;Token=***" },
	{ "Driver=X;AuthToken=k9; Secret = k10 ;Uid=u", "Driver=X;AuthToken=***; Secret =***;Uid=u" },
	{ "Driver=X;PasswordHint=yes", "Driver=X;PasswordHint=yes" },   /* only whole keys */
};

START_TEST(test_redact)
{
	char out[256];
	rpl_connstr_redact(redact_cases[_i].in, out, sizeof out);
	ck_assert_str_eq(out, redact_cases[_i].want);
	ck_assert_ptr_null(strstr(out, "secret"));
}
END_TEST

static const struct { const char *s; enum rpl_engine want; } guess_cases[] = {
	{ "Driver=PostgreSQL Unicode;Server=127.0.0.1;Database=d", RPL_ENGINE_POSTGRES },
	{ "Driver={PostgreSQL ANSI};Server=h", RPL_ENGINE_POSTGRES },
	{ "Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=h", RPL_ENGINE_POSTGRES },
	{ "Driver=MariaDB Unicode;Server=h", RPL_ENGINE_MARIADB },
	{ "driver = MySQL ODBC 8.0 Unicode Driver;Server=h", RPL_ENGINE_MARIADB },
	{ "Driver=/usr/lib/x86_64-linux-gnu/odbc/libmaodbc.so", RPL_ENGINE_MARIADB },
	{ "Driver=SQLite3;Database=/tmp/a.db", RPL_ENGINE_SQLITE },
	{ "Driver=FreeTDS;Server=h", RPL_ENGINE_MSSQL },
	{ "Driver={ODBC Driver 18 for SQL Server};Server=h", RPL_ENGINE_MSSQL },
	{ "DSN=prod", RPL_ENGINE_UNKNOWN },                   /* only the server can tell */
	{ "Driver=warehouse;Server=h", RPL_ENGINE_UNKNOWN },  /* a name of the user's own */
	{ "Driver=MySQL to PostgreSQL bridge", RPL_ENGINE_UNKNOWN },  /* two engines: no guess */
	{ "Driver=X;Description=PostgreSQL", RPL_ENGINE_UNKNOWN },    /* only Driver= counts */
};

START_TEST(test_guess)
{
	ck_assert_msg(rpl_conn_guess_engine(guess_cases[_i].s) == guess_cases[_i].want,
	              "case %d: %s: got %s, want %s", _i, guess_cases[_i].s,
	              rpl_engine_name(rpl_conn_guess_engine(guess_cases[_i].s)), rpl_engine_name(guess_cases[_i].want));
}
END_TEST

/* rpl_connstr_only: a native path opens a connection only for strings it fully honours */
static const char *const only_keys[] = { "Driver", "Server", "Port", "Database", "Uid", NULL };
static const struct { const char *s; bool want; } only_cases[] = {
	{ "Driver=MariaDB Unicode;Server=127.0.0.1;Port=3306;Database=d;Uid=u", true },
	{ " driver = MariaDB ; SERVER=h;;", true },                        /* case, spaces, empty pairs */
	{ "Driver={MariaDB; Unicode};Server=h", true },                    /* a ; inside braces */
	{ "Driver=MariaDB Unicode;Server=h;SSLCA=/etc/ca.pem", false },    /* TLS: only the driver honours it */
	{ "Driver=MariaDB Unicode;Server=h;Option=3", false },
	{ "DSN=prod", false },
	{ "", true },
};

START_TEST(test_only)
{
	ck_assert_msg(rpl_connstr_only(only_cases[_i].s, only_keys) == only_cases[_i].want, "case %d: %s", _i,
	              only_cases[_i].s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("connstr");
	TCase *tc = tcase_create("connstr");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_get, 0, sizeof get_cases / sizeof get_cases[0]);
	tcase_add_loop_test(tc, test_redact, 0, sizeof redact_cases / sizeof redact_cases[0]);
	tcase_add_loop_test(tc, test_guess, 0, sizeof guess_cases / sizeof guess_cases[0]);
	tcase_add_loop_test(tc, test_only, 0, sizeof only_cases / sizeof only_cases[0]);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
