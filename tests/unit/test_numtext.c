/* tests/unit/test_numtext.c: lib/core/numtext.h (decimals however they are spelled) and
 * lib/sqlite/sqlite_affinity.h (SQLite's affinity rules), from tables. The cases are the spellings
 * SQLite and sqliteodbc produce for values users' files hold (issue #15), and the
 * ones a looser reader would accept ("1e", "12abc", "--1"). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlite_affinity.h"
#include "numtext.h"

static const struct { const char *in; const char *want; int rc; } plain_cases[] = {
	{ "1e-10", "0.0000000001", 0 },
	{ "9.99999999999999e+37", "99999999999999900000000000000000000000", 0 },
	{ "12.50", "12.50", 0 },            /* the scale the spelling has is kept */
	{ "1.50e1", "15.0", 0 },
	{ "1.5E+2", "150", 0 },
	{ "-2.5e-3", "-0.0025", 0 },
	{ "+7", "7", 0 },
	{ "007.10", "7.10", 0 },
	{ ".5", "0.5", 0 },
	{ "5.", "5", 0 },
	{ "0", "0", 0 },
	{ "-0.00", "0.00", 0 },
	{ " 42 ", "42", 0 },                /* SQLite's numeric affinity allows the spaces */
	{ "1e0", "1", 0 },
	{ "123e-2", "1.23", 0 },
	{ "abc", NULL, RPL_NUMTEXT_NAN },
	{ "", NULL, RPL_NUMTEXT_NAN },
	{ "1e", NULL, RPL_NUMTEXT_NAN },
	{ "12abc", NULL, RPL_NUMTEXT_NAN },
	{ "--1", NULL, RPL_NUMTEXT_NAN },
	{ "1.2.3", NULL, RPL_NUMTEXT_NAN },
	{ ".", NULL, RPL_NUMTEXT_NAN },
	{ "1 2", NULL, RPL_NUMTEXT_NAN },
	{ "nan", NULL, RPL_NUMTEXT_NAN },
	{ "inf", NULL, RPL_NUMTEXT_NAN },
	{ "1e-40", NULL, RPL_NUMTEXT_ROOM },     /* 42 characters do not fit 40 bytes */
	{ "1e999999999", NULL, RPL_NUMTEXT_ROOM },
};

START_TEST(test_plain)
{
	char out[40];
	const char *in = plain_cases[_i].in;
	int r = rpl_numtext_plain(in, strlen(in), out, sizeof out);
	if (plain_cases[_i].want == NULL) {
		ck_assert_msg(r == plain_cases[_i].rc, "\"%s\": %d (%s), want %d", in, r, r >= 0 ? out : "", plain_cases[_i].rc);
		return;
	}
	ck_assert_msg(r >= 0, "\"%s\": %d", in, r);
	ck_assert_str_eq(out, plain_cases[_i].want);
	ck_assert_int_eq(r, (int)strlen(out));
}
END_TEST

/* Digits beyond 512: a 1001-digit decimal (a PostgreSQL numeric SQLite kept as text)
 * and one of 604 digits with an exponent, written out whole, and still refused where
 * the buffer is smaller (the copy of the digits into 512 bytes had refused both). */
START_TEST(test_plain_long)
{
	static char in[1200], out[1300], digits[700], want[1300];
	for (int k = 0; k < 1001; k++)
		in[k] = (char)('1' + k % 9);
	in[1001] = '\0';
	ck_assert_int_eq(rpl_numtext_plain(in, strlen(in), out, sizeof out), 1001);
	ck_assert_str_eq(out, in);
	ck_assert_int_eq(rpl_numtext_plain(in, strlen(in), out, 1001), RPL_NUMTEXT_ROOM);
	for (int k = 0; k < 603; k++)
		digits[k] = (char)('0' + (k * 7 + 1) % 10);   /* the first one is 1 */
	snprintf(in, sizeof in, "-00%s.5e-3", digits);    /* -D.5 / 1000: 600 integer digits */
	snprintf(want, sizeof want, "-%.600s.%s5", digits, digits + 600);
	ck_assert_int_eq(rpl_numtext_plain(in, strlen(in), out, sizeof out), (int)strlen(want));
	ck_assert_str_eq(out, want);
}
END_TEST

static const struct { double d; const char *want; } double_cases[] = {
	{ 0.1, "0.1" },                    /* not 0.1000000000000000055511151231257827 */
	{ 0.1 + 0.2, "0.30000000000000004" },   /* 15 digits would say 0.3: another double */
	{ 1e-10, "0.0000000001" },
	{ 9.99999999999999e+37, "99999999999999900000000000000000000000" },
	{ 3.0, "3" },
	{ -12.5, "-12.5" },
	{ 123456789.125, "123456789.125" },
	{ 5e-324, NULL },                  /* 324 digits: more than the buffer */
	{ 1.7976931348623157e308, NULL },
};

START_TEST(test_from_double)
{
	char out[64];
	int r = rpl_numtext_from_double(double_cases[_i].d, out, sizeof out);
	if (double_cases[_i].want == NULL) {
		ck_assert_int_eq(r, RPL_NUMTEXT_ROOM);
		return;
	}
	ck_assert_msg(r >= 0, "%.17g: %d", double_cases[_i].d, r);
	ck_assert_str_eq(out, double_cases[_i].want);
	ck_assert_msg(strtod(out, NULL) == double_cases[_i].d, "%s does not read back", out);
}
END_TEST

START_TEST(test_from_double_nonfinite)
{
	char out[64];
	ck_assert_int_eq(rpl_numtext_from_double(NAN, out, sizeof out), RPL_NUMTEXT_NAN);
	ck_assert_int_eq(rpl_numtext_from_double(-INFINITY, out, sizeof out), RPL_NUMTEXT_NAN);
}
END_TEST

START_TEST(test_shortest)
{
	static const struct { double d; const char *want; } k[] = {
		{ 0.1, "0.1" }, { 0.1 + 0.2, "0.30000000000000004" }, { 1e300, "1e+300" }, { -2.5, "-2.5" },
		{ 123456789012345678.0, "1.2345678901234568e+17" }, { 0.0, "0" },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char out[40];
		int n = rpl_numtext_shortest(k[i].d, out, sizeof out);
		ck_assert_str_eq(out, k[i].want);
		ck_assert_int_eq(n, (int)strlen(out));
	}
}
END_TEST

/* a float widened exactly becomes the double of its shortest decimal, as PostgreSQL's
 * real shows it; a double that is not exactly a float is left alone */
START_TEST(test_float_decimal)
{
	static const struct { double in, want; } c[] = {
		{ (double)1.1f, 1.1 }, { (double)0.1f, 0.1 }, { (double)3.4028235e38f, 3.4028235e38 },
		{ (double)1e-45f, 1e-45 }, { (double)123456.7f, 123456.7 }, { (double)16777216.0f, 16777216.0 },
		{ -0.5, -0.5 }, { 1.1, 1.1 }, { 0.1 + 0.2, 0.1 + 0.2 }, { 1e300, 1e300 },
		/* subnormal floats (below FLT_MIN) have few significant bits, so their
		 * shortest decimal has few digits: 1.401298e-45 (MariaDB shows 1.4013e-45) is
		 * the float 1e-45 reads as, and PostgreSQL's real shows it as 1e-45 too
		 * (acceptance check of issue #15, item 8) */
		{ (double)1.401298e-45f, 1e-45 }, { (double)2.8e-45f, 3e-45 }, { (double)1.0e-40f, 1e-40 },
		{ (double)-1.17549435e-38f, -1.1754944e-38 }, { (double)1.1754942e-38f, 1.1754942e-38 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		ck_assert_msg(rpl_numtext_float_decimal(c[i].in) == c[i].want, "case %zu: %.17g gave %.17g, want %.17g",
		              i, c[i].in, rpl_numtext_float_decimal(c[i].in), c[i].want);
	ck_assert(isnan(rpl_numtext_float_decimal(NAN)));
	ck_assert(rpl_numtext_float_decimal(-INFINITY) == -INFINITY);
}
END_TEST

static const struct { const char *in; int rc; int64_t want; } int_cases[] = {
	{ "3", 0, 3 },                     { "3.0", 0, 3 },
	{ "3e2", 0, 300 },                 { "-42", 0, -42 },
	{ "9223372036854775807", 0, INT64_MAX },
	{ "-9223372036854775808", 0, INT64_MIN },
	{ "9223372036854775808", RPL_NUMTEXT_RANGE, 0 },
	{ "1e19", RPL_NUMTEXT_RANGE, 0 },
	{ "3.5", RPL_NUMTEXT_FRACTION, 0 },
	{ "0.000", 0, 0 },
	{ "abc", RPL_NUMTEXT_NAN, 0 },
	{ "12abc", RPL_NUMTEXT_NAN, 0 },
};

START_TEST(test_int64)
{
	int64_t v = -7;
	const char *in = int_cases[_i].in;
	int r = rpl_numtext_int64(in, strlen(in), &v);
	ck_assert_msg(r == int_cases[_i].rc, "\"%s\": %d, want %d", in, r, int_cases[_i].rc);
	if (r == 0)
		ck_assert_msg(v == int_cases[_i].want, "\"%s\": %lld", in, (long long)v);
}
END_TEST

START_TEST(test_double_int64)
{
	int64_t v = 0;
	ck_assert_int_eq(rpl_double_int64(3.0, &v), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_int_eq(rpl_double_int64(-9223372036854775808.0, &v), 0);
	ck_assert(v == INT64_MIN);
	ck_assert_int_eq(rpl_double_int64(3.5, &v), RPL_NUMTEXT_FRACTION);
	ck_assert_int_eq(rpl_double_int64(9223372036854775808.0, &v), RPL_NUMTEXT_RANGE);
	ck_assert_int_eq(rpl_double_int64(NAN, &v), RPL_NUMTEXT_NAN);
}
END_TEST

/* https://sqlite.org/datatype3.html 3.1.1's examples, and the rules' order */
static const struct { const char *decl; enum rpl_affinity want; } aff_cases[] = {
	{ "INT", RPL_AFF_INTEGER },        { "INTEGER", RPL_AFF_INTEGER },
	{ "TINYINT", RPL_AFF_INTEGER },    { "UNSIGNED BIG INT", RPL_AFF_INTEGER },
	{ "INT8", RPL_AFF_INTEGER },       { "CHARINT", RPL_AFF_INTEGER },   /* INT comes first */
	{ "CHARACTER(20)", RPL_AFF_TEXT }, { "VARCHAR(255)", RPL_AFF_TEXT },
	{ "NATIVE CHARACTER(70)", RPL_AFF_TEXT }, { "NVARCHAR(100)", RPL_AFF_TEXT },
	{ "TEXT", RPL_AFF_TEXT },          { "CLOB", RPL_AFF_TEXT },
	{ "BLOB SUB_TYPE TEXT", RPL_AFF_TEXT },   /* TEXT before BLOB (issue #15) */
	{ "blob sub_type text", RPL_AFF_TEXT },
	{ "BLOB", RPL_AFF_BLOB },          { "", RPL_AFF_BLOB },   { NULL, RPL_AFF_BLOB },
	{ "REAL", RPL_AFF_REAL },          { "DOUBLE", RPL_AFF_REAL },
	{ "DOUBLE PRECISION", RPL_AFF_REAL }, { "FLOAT", RPL_AFF_REAL },
	{ "NUMERIC", RPL_AFF_NUMERIC },    { "DECIMAL(10,5)", RPL_AFF_NUMERIC },
	{ "BOOLEAN", RPL_AFF_NUMERIC },    { "DATE", RPL_AFF_NUMERIC },
	{ "DATETIME", RPL_AFF_NUMERIC },   { "STRING", RPL_AFF_NUMERIC },   /* not TEXT */
	{ "FLOATING POINT", RPL_AFF_INTEGER },   /* "POINT" holds INT */
};

START_TEST(test_affinity)
{
	enum rpl_affinity a = rpl_sqlite_affinity(aff_cases[_i].decl);
	ck_assert_msg(a == aff_cases[_i].want, "\"%s\": %s, want %s", aff_cases[_i].decl ? aff_cases[_i].decl : "(null)",
	              rpl_affinity_name(a), rpl_affinity_name(aff_cases[_i].want));
}
END_TEST

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))

int
main(void)
{
	Suite *s = suite_create("numtext");
	TCase *tc = tcase_create("numtext");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_plain, 0, NCASES(plain_cases));
	tcase_add_test(tc, test_plain_long);
	tcase_add_loop_test(tc, test_from_double, 0, NCASES(double_cases));
	tcase_add_test(tc, test_from_double_nonfinite);
	tcase_add_test(tc, test_shortest);
	tcase_add_test(tc, test_float_decimal);
	tcase_add_loop_test(tc, test_int64, 0, NCASES(int_cases));
	tcase_add_test(tc, test_double_int64);
	tcase_add_loop_test(tc, test_affinity, 0, NCASES(aff_cases));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
