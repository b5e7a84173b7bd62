/* tests/unit/test_pg_hash.c: lib/pg/pg_hash.h against PostgreSQL's own hashes. The
 * expected values were computed by a PostgreSQL 15 server (x86-64) with
 * hash_record_extended(ROW(x), 0), which for one column is that column's extended
 * hash with seed 0: text in the C collation at every length lookup3 reads apart (0
 * to 13 bytes, UTF-8), int2, int4, int8 (both ends of each range), numerics (zero,
 * the sign left out, trailing and leading zero digits, groups of four digits on both
 * sides of the point), float8send of doubles (-0 apart from 0), booleans, dates,
 * timestamps, bytea, and a row of three columns, one NULL, with and without
 * hashint8extended over it. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_hash.h"
#include "plan.h"
#include "vcmp.h"

static const struct {
	const char *kind, *value;
	int64_t want;
} vectors[] = {
	{ "t", "", INT64_C(-6939563903564495251) },
	{ "t", "a", INT64_C(3591986179850072241) },
	{ "t", "ab", INT64_C(2833316173711343549) },
	{ "t", "abc", INT64_C(-6747756470228489321) },
	{ "t", "abcd", INT64_C(-1038429303365892052) },
	{ "t", "abcde", INT64_C(3076356108696143428) },
	{ "t", "abcdefg", INT64_C(-6158032784613548338) },
	{ "t", "abcdefgh", INT64_C(-8882191227074733005) },
	{ "t", "abcdefghi", INT64_C(-3278210106038014113) },
	{ "t", "abcdefghijk", INT64_C(3112909444737856467) },
	{ "t", "abcdefghijkl", INT64_C(-7556637188122330412) },
	{ "t", "abcdefghijklm", INT64_C(8871624171452417744) },
	{ "t", "Gr\303\274\303\237e, 12 \342\202\254", INT64_C(-7350167526274557583) },
	{ "t", "a longer text of thirty-one by", INT64_C(1848198675248915362) },
	{ "i4", "0", INT64_C(4154612158245552303) },
	{ "i4", "1", INT64_C(-3670598878359251130) },
	{ "i4", "-1", INT64_C(-1888257769727981238) },
	{ "i4", "2147483647", INT64_C(-9109110466470504941) },
	{ "i4", "-2147483648", INT64_C(1977219185673256887) },
	{ "i4", "12345", INT64_C(-4060231184274664867) },
	{ "i2", "0", INT64_C(4154612158245552303) },
	{ "i2", "-5", INT64_C(-9082176226831438310) },
	{ "i2", "32767", INT64_C(1790040721271588170) },
	{ "i8", "0", INT64_C(4154612158245552303) },
	{ "i8", "1", INT64_C(-3670598878359251130) },
	{ "i8", "-1", INT64_C(-1888257769727981238) },
	{ "i8", "9223372036854775807", INT64_C(1977219185673256887) },
	{ "i8", "-9223372036854775808", INT64_C(-9109110466470504941) },
	{ "i8", "4294967296", INT64_C(-3670598878359251130) },
	{ "i8", "-4294967297", INT64_C(495194309054116481) },
	{ "n", "0", INT64_C(-1) },
	{ "n", "5", INT64_C(2972014631659419408) },
	{ "n", "-5", INT64_C(2972014631659419408) },
	{ "n", "5.0", INT64_C(2972014631659419408) },
	{ "n", "1.5", INT64_C(-8828336294488843818) },
	{ "n", "0.5", INT64_C(3180246706024362763) },
	{ "n", "0.0001", INT64_C(7507508252608306359) },
	{ "n", "12345.678", INT64_C(-7224554725567017098) },
	{ "n", "10000", INT64_C(-7507508252608306359) },
	{ "n", "100000000", INT64_C(-7507508252608306358) },
	{ "n", "123456789012345.1234", INT64_C(68636132346665202) },
	{ "n", "0.00000001", INT64_C(7507508252608306358) },
	{ "f", "0", INT64_C(7025667271560692764) },
	{ "f", "-0", INT64_C(-5161449953296411537) },
	{ "f", "0.1", INT64_C(-5965033840147655206) },
	{ "f", "1e+300", INT64_C(-7778158486576517876) },
	{ "f", "-2.5", INT64_C(-2747106172572466244) },
	{ "b", "true", INT64_C(-3670598878359251130) },
	{ "b", "false", INT64_C(4154612158245552303) },
	{ "d", "2000-01-01", INT64_C(4154612158245552303) },
	{ "d", "2024-01-03", INT64_C(337517213287470912) },
	{ "d", "0001-01-01", INT64_C(1587041295697442648) },
	{ "d", "9999-12-31", INT64_C(8913858878020421528) },
	{ "d", "1970-01-01", INT64_C(-9067010975138725602) },
	{ "ts", "2000-01-01 00:00:00", INT64_C(4154612158245552303) },
	{ "ts", "2024-01-03 10:00:00.123456", INT64_C(870910645190681592) },
	{ "ts", "0001-01-01 00:00:00", INT64_C(-6687948877792058550) },
	{ "ts", "1999-12-31 23:59:59.999", INT64_C(4416983489231349975) },
	{ "y", "", INT64_C(-6939563903564495251) },
	{ "y", "0102", INT64_C(8025542428437421060) },
	{ "y", "ff00ff00ff00ff00ff00ff00ff", INT64_C(-2011012938171203628) },
	{ "row", "1,a,null", INT64_C(-3446296891621047499) },
	{ "rowx", "1,a,null", INT64_C(7615960565975449652) },
};

/* days since 2000-01-01 of "YYYY-MM-DD", PostgreSQL's date */
static int32_t
pg_days(const char *s)
{
	struct rpl_day d;
	ck_assert_int_eq(sscanf(s, "%d-%d-%d", &d.y, &d.m, &d.d), 3);
	return (int32_t)(rpl_day_to_days(d) - rpl_day_to_days((struct rpl_day){ 2000, 1, 1 }));
}

/* microseconds since 2000-01-01 of "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" */
static int64_t
pg_usecs(const char *s)
{
	int h = 0, mi = 0, sec = 0;
	char frac[8] = "";
	sscanf(s + 10, " %d:%d:%d.%7[0-9]", &h, &mi, &sec, frac);
	int64_t us = 0;
	for (int i = 0; i < 6; i++)
		us = us * 10 + (frac[i] >= '0' && frac[i] <= '9' ? frac[i] - '0' : 0);
	return (int64_t)pg_days(s) * INT64_C(86400000000) + ((int64_t)h * 3600 + mi * 60 + sec) * 1000000 + us;
}

static uint64_t
hash_of(const char *kind, const char *v)
{
	if (strcmp(kind, "t") == 0)
		return rpl_pghash_bytes((const unsigned char *)v, strlen(v), 0);
	if (strcmp(kind, "i2") == 0 || strcmp(kind, "i4") == 0)
		return rpl_pghash_u32((uint32_t)(int32_t)strtol(v, NULL, 10), 0);
	if (strcmp(kind, "i8") == 0)
		return rpl_pghash_int8(strtoll(v, NULL, 10), 0);
	if (strcmp(kind, "n") == 0) {
		char norm[64];
		uint64_t h;
		size_t n = rpl_vdec_norm(v, strlen(v), norm, sizeof norm);
		ck_assert_int_eq(rpl_pghash_numeric(norm, n, &h), 0);
		return h;
	}
	if (strcmp(kind, "f") == 0)
		return rpl_pghash_float8(strtod(v, NULL));
	if (strcmp(kind, "b") == 0)
		return rpl_pghash_u32(strcmp(v, "true") == 0, 0);
	if (strcmp(kind, "d") == 0)
		return rpl_pghash_u32((uint32_t)pg_days(v), 0);
	if (strcmp(kind, "ts") == 0)
		return rpl_pghash_int8(pg_usecs(v), 0);
	if (strcmp(kind, "y") == 0) {
		unsigned char b[64];
		size_t n = strlen(v) / 2;
		for (size_t i = 0; i < n; i++) {
			unsigned x;
			sscanf(v + 2 * i, "%2x", &x);
			b[i] = (unsigned char)x;
		}
		return rpl_pghash_bytes(b, n, 0);
	}
	/* "row": (1::int, 'a', NULL); "rowx": hashint8extended over it */
	uint64_t r = rpl_pghash_record_add(0, rpl_pghash_u32(1, 0));
	r = rpl_pghash_record_add(r, rpl_pghash_bytes((const unsigned char *)"a", 1, 0));
	r = rpl_pghash_record_add(r, 0);
	return strcmp(kind, "rowx") == 0 ? rpl_pghash_int8((int64_t)r, 0) : r;
}

START_TEST(test_vectors)
{
	for (size_t i = 0; i < sizeof vectors / sizeof vectors[0]; i++) {
		int64_t got = (int64_t)hash_of(vectors[i].kind, vectors[i].value);
		ck_assert_msg(got == vectors[i].want, "%s %s: %lld, PostgreSQL %lld", vectors[i].kind, vectors[i].value,
		              (long long)got, (long long)vectors[i].want);
	}
}
END_TEST

/* text that is no decimal is refused, not hashed as some number */
START_TEST(test_numeric_refused)
{
	uint64_t h;
	ck_assert_int_eq(rpl_pghash_numeric("", 0, &h), -1);
	ck_assert_int_eq(rpl_pghash_numeric("-", 1, &h), -1);
	ck_assert_int_eq(rpl_pghash_numeric("1e5", 3, &h), -1);
	ck_assert_int_eq(rpl_pghash_numeric(".5", 2, &h), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pg_hash");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_numeric_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
