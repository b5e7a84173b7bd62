/* tests/unit/test_mssql.c: the value rules with SQL Server's ranges and precisions
 * (docs/engines.md "How values travel", lib/core/rules.c), applied to one row of a real transport
 * buffer laid out for the pair of engines, so each value sits in the C type the copy
 * uses (SQL_TIMESTAMP_STRUCT from a server, text from SQLite):
 *   DATETIME       1753-01-01..9999-12-31, 1/300 s: milliseconds that SQL Server
 *                  would round (.001 -> .000, .002 -> .003, .999 -> next second) are
 *                  rejected as precision; .000/.003/.007 endings pass unchanged;
 *   SMALLDATETIME  1900-01-01..2079-06-06, whole minutes;
 *   DATETIME2, DATE, DATETIMEOFFSET  0001-01-01..9999-12-31;
 *   TINYINT        0..255.
 * Out of range: NULL when nullable (counted), else the row is rejected. Precision:
 * always rejected. The same values into other engines pass. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "copy.h"
#include "dialect.h"
#include "xfer.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))
#define PG RPL_ENGINE_POSTGRES
#define MARIA RPL_ENGINE_MARIADB
#define LITE RPL_ENGINE_SQLITE
#define MSSQL RPL_ENGINE_MSSQL
#define ROW 1

#define TS(tn, sc, nul) { .name = "v", .type_name = tn, .sql_type = SQL_TYPE_TIMESTAMP, .size = 27, \
	                  .scale = sc, .cls = RPL_CLASS_TIMESTAMP, .nullable = nul }
#define DT(tn, nul) { .name = "v", .type_name = tn, .sql_type = SQL_TYPE_DATE, .size = 10, \
	              .cls = RPL_CLASS_DATE, .nullable = nul }
#define INT(tn, st, bytes, nul) { .name = "v", .type_name = tn, .sql_type = st, .cls = RPL_CLASS_INT, \
	                          .int_bytes = bytes, .nullable = nul }
#define PGTS TS("timestamp", 6, true)
#define LITETS TS("TIMESTAMP", 9, true)

enum outcome { PASS, NULLED, REJECT };

static const struct mcase {
	const char *label;
	enum rpl_engine se, de;
	struct rpl_column src, dst;
	int y, mo, d, h, mi, s;
	unsigned long ns;
	const char *text;      /* a SQLite source's text value (instead of the fields) */
	long long i;           /* integer cases */
	enum outcome out;
	enum rpl_rule rule;
	const char *needle;
} mcases[] = {
	/* --- DATETIME range --------------------------------------------------------- */
	{ "DATETIME first day", PG, MSSQL, PGTS, TS("datetime", 3, false), 1753, 1, 1, 0, 0, 0, 0, .out = PASS },
	{ "DATETIME last instant", PG, MSSQL, PGTS, TS("datetime", 3, false), 9999, 12, 31, 23, 59, 59, 997000000,
	  .out = PASS },
	{ "DATETIME day before, nullable", PG, MSSQL, PGTS, TS("datetime", 3, true), 1752, 12, 31, 23, 59, 59, 0,
	  .out = NULLED, .rule = RPL_RULE_DATE_RANGE },
	{ "DATETIME day before, NOT NULL", PG, MSSQL, PGTS, TS("datetime", 3, false), 1752, 12, 31, 0, 0, 0, 0,
	  .out = REJECT, .rule = RPL_RULE_DATE_RANGE, .needle = "1752-12-31 is outside DATETIME's 1753-01-01..9999-12-31" },
	{ "DATETIME year 1 (no placeholder set), nullable", PG, MSSQL, PGTS, TS("DATETIME", 3, true), 1, 1, 1, 0, 0, 0, 0,
	  .out = NULLED, .rule = RPL_RULE_DATE_RANGE },
	{ "DATETIME out of range with a fraction it cannot hold: range first", PG, MSSQL, PGTS, TS("datetime", 3, true),
	  1600, 5, 5, 1, 2, 3, 1000000, .out = NULLED, .rule = RPL_RULE_DATE_RANGE },
	{ "DATETIME text out of range", LITE, MSSQL, LITETS, TS("datetime", 3, false), .text = "1700-01-01 00:00:00",
	  .out = REJECT, .rule = RPL_RULE_DATE_RANGE, .needle = "1700-01-01" },

	/* --- DATETIME's 1/300 s --------------------------------------------------------- */
	{ "DATETIME .000", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 0, .out = PASS },
	{ "DATETIME .003", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 3000000, .out = PASS },
	{ "DATETIME .007", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 7000000, .out = PASS },
	{ "DATETIME .010", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 10000000, .out = PASS },
	{ "DATETIME .123", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 123000000, .out = PASS },
	{ "DATETIME .997", PG, MSSQL, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 997000000, .out = PASS },
	{ "DATETIME .001 would be .000", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 1000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = ".001: DATETIME keeps 1/300 s and would store .000" },
	{ "DATETIME .002 would be .003", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 2000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .003" },
	{ "DATETIME .004 would be .003", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 4000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .003" },
	{ "DATETIME .005 would be .007", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 5000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .007" },
	{ "DATETIME .008 would be .007", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 8000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .007" },
	{ "DATETIME .009 would be .010", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 9000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .010" },
	{ "DATETIME .125 would be .127", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 125000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .127" },
	{ "DATETIME .999 would be the next second", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 23, 59, 59,
	  999000000, .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store the next second's .000" },
	{ "DATETIME sub-millisecond", PG, MSSQL, PGTS, TS("datetime", 3, true), 2024, 5, 5, 12, 0, 0, 3500000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = ".003500000" },
	{ "DATETIME text .003", LITE, MSSQL, LITETS, TS("datetime", 3, false), .text = "2024-05-05 12:00:00.003",
	  .out = PASS },
	{ "DATETIME text .5", LITE, MSSQL, LITETS, TS("datetime", 3, false), .text = "2024-05-05 12:00:00.5",
	  .out = PASS },
	{ "DATETIME text .997000", LITE, MSSQL, LITETS, TS("datetime", 3, false),
	  .text = "2024-05-05T12:00:00.997000", .out = PASS },
	{ "DATETIME text no fraction", LITE, MSSQL, LITETS, TS("datetime", 3, false), .text = "2024-05-05 12:00:00",
	  .out = PASS },
	{ "DATETIME text date only", LITE, MSSQL, LITETS, TS("datetime", 3, false), .text = "2024-05-05", .out = PASS },
	{ "DATETIME text .999", LITE, MSSQL, LITETS, TS("datetime", 3, true), .text = "2024-05-05 12:00:00.999",
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "next second" },
	{ "DATETIME text .001 with T", LITE, MSSQL, LITETS, TS("datetime", 3, true), .text = "2024-05-05T12:00:00.001",
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "would store .000" },
	{ "DATETIME date source has no time", PG, MSSQL, DT("date", true), TS("datetime", 3, false), 2024, 5, 5,
	  .out = PASS },
	/* the rule is SQL Server's: MariaDB's datetime keeps every millisecond */
	{ "MariaDB datetime .001", PG, MARIA, PGTS, TS("datetime", 3, false), 2024, 5, 5, 12, 0, 0, 1000000,
	  .out = PASS },
	{ "PostgreSQL timestamp .999", MSSQL, PG, TS("datetime2", 7, true), TS("timestamp", 6, false), 2024, 5, 5, 23,
	  59, 59, 999000000, .out = PASS },

	/* --- SMALLDATETIME ------------------------------------------------------------ */
	{ "SMALLDATETIME whole minute", PG, MSSQL, PGTS, TS("smalldatetime", 0, false), 2024, 5, 5, 12, 34, 0, 0,
	  .out = PASS },
	{ "SMALLDATETIME first day", PG, MSSQL, PGTS, TS("smalldatetime", 0, false), 1900, 1, 1, 0, 0, 0, 0,
	  .out = PASS },
	{ "SMALLDATETIME last day", PG, MSSQL, PGTS, TS("smalldatetime", 0, false), 2079, 6, 6, 23, 59, 0, 0,
	  .out = PASS },
	{ "SMALLDATETIME seconds", PG, MSSQL, PGTS, TS("smalldatetime", 0, true), 2024, 5, 5, 12, 34, 56, 0,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "56.000000000 seconds: SMALLDATETIME keeps whole minutes" },
	{ "SMALLDATETIME fraction", PG, MSSQL, PGTS, TS("smalldatetime", 0, true), 2024, 5, 5, 12, 34, 0, 500000000,
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = ".500000000" },
	{ "SMALLDATETIME text seconds", LITE, MSSQL, LITETS, TS("smalldatetime", 0, true), .text = "2024-05-05 12:34:30",
	  .out = REJECT, .rule = RPL_RULE_PRECISION, .needle = "whole minutes" },
	{ "SMALLDATETIME text whole minute", LITE, MSSQL, LITETS, TS("smalldatetime", 0, true),
	  .text = "2024-05-05 12:34:00.000", .out = PASS },
	{ "SMALLDATETIME 1899-12-31, nullable", PG, MSSQL, PGTS, TS("smalldatetime", 0, true), 1899, 12, 31, 0, 0, 0, 0,
	  .out = NULLED, .rule = RPL_RULE_DATE_RANGE },
	{ "SMALLDATETIME 2079-06-07, NOT NULL", PG, MSSQL, PGTS, TS("smalldatetime", 0, false), 2079, 6, 7, 0, 0, 0, 0,
	  .out = REJECT, .rule = RPL_RULE_DATE_RANGE, .needle = "2079-06-07 is outside SMALLDATETIME's 1900-01-01..2079-06-06" },
	{ "SMALLDATETIME out of range with seconds: range first", PG, MSSQL, PGTS, TS("smalldatetime", 0, true), 2100,
	  1, 1, 0, 0, 30, 0, .out = NULLED, .rule = RPL_RULE_DATE_RANGE },

	/* --- DATETIME2, DATE, DATETIMEOFFSET: 0001..9999 ---------------------------------- */
	{ "DATETIME2 0001-01-01", PG, MSSQL, PGTS, TS("datetime2", 7, false), 1, 1, 1, 0, 0, 0, 0, .out = PASS },
	{ "DATETIME2 9999-12-31 .9999999", MSSQL, MSSQL, TS("datetime2", 7, true), TS("datetime2", 7, false), 9999, 12,
	  31, 23, 59, 59, 999999900, .out = PASS },
	{ "DATETIME2 1752 (older than DATETIME)", PG, MSSQL, PGTS, TS("datetime2", 7, false), 1752, 9, 3, 0, 0, 0, 0,
	  .out = PASS },
	{ "DATETIME2 .001 keeps its millisecond", PG, MSSQL, PGTS, TS("datetime2", 3, false), 2024, 5, 5, 12, 0, 0,
	  1000000, .out = PASS },
	{ "DATETIME2 year 0, nullable", PG, MSSQL, PGTS, TS("datetime2", 7, true), 0, 12, 31, 0, 0, 0, 0,
	  .out = NULLED, .rule = RPL_RULE_DATE_RANGE },
	{ "DATETIME2 year 10000, NOT NULL", PG, MSSQL, PGTS, TS("datetime2", 7, false), 10000, 1, 1, 0, 0, 0, 0,
	  .out = REJECT, .rule = RPL_RULE_DATE_RANGE, .needle = "10000-01-01 is outside datetime2's 0001-01-01..9999-12-31" },
	{ "DATE year 10000, nullable", PG, MSSQL, DT("date", true), DT("date", true), 10000, 1, 1, .out = NULLED,
	  .rule = RPL_RULE_DATE_RANGE },
	{ "DATE 9999-12-31", PG, MSSQL, DT("date", true), DT("date", false), 9999, 12, 31, .out = PASS },
	{ "DATETIMEOFFSET year 0, NOT NULL", PG, MSSQL, PGTS, TS("datetimeoffset", 7, false), 0, 1, 1, 0, 0, 0, 0,
	  .out = REJECT, .rule = RPL_RULE_DATE_RANGE, .needle = "datetimeoffset's 0001-01-01" },
	{ "PostgreSQL date year 10000", PG, PG, DT("date", true), DT("date", false), 10000, 1, 1, .out = PASS },

	/* --- TINYINT ------------------------------------------------------------------ */
	{ "TINYINT 0", PG, MSSQL, INT("int8", SQL_BIGINT, 8, true), INT("tinyint", SQL_TINYINT, 1, false), .i = 0,
	  .out = PASS },
	{ "TINYINT 255", PG, MSSQL, INT("int8", SQL_BIGINT, 8, true), INT("tinyint", SQL_TINYINT, 1, false), .i = 255,
	  .out = PASS },
	{ "TINYINT -1", PG, MSSQL, INT("int8", SQL_BIGINT, 8, true), INT("tinyint", SQL_TINYINT, 1, true), .i = -1,
	  .out = REJECT, .rule = RPL_RULE_INT_RANGE, .needle = "-1" },
	{ "TINYINT 256", PG, MSSQL, INT("int8", SQL_BIGINT, 8, true), INT("tinyint", SQL_TINYINT, 1, true), .i = 256,
	  .out = REJECT, .rule = RPL_RULE_INT_RANGE, .needle = "256" },
	{ "MariaDB tinyint 200 is signed", PG, MARIA, INT("int8", SQL_BIGINT, 8, true),
	  INT("tinyint", SQL_TINYINT, 1, true), .i = 200, .out = REJECT, .rule = RPL_RULE_INT_RANGE, .needle = "200" },
};

/* put writes the case's value into row ROW in the column's C type */
static void
put(struct rpl_xbuf *b, const struct mcase *k)
{
	const struct rpl_xcol *x = &b->cols[0];
	void *v = rpl_xval(b, ROW, 0);
	SQLLEN *ind = rpl_xind(b, ROW, 0);
	switch (x->c_type) {
	case SQL_C_SBIGINT: {
		int64_t i = k->i;
		memcpy(v, &i, sizeof i);
		*ind = sizeof i;
		return;
	}
	case SQL_C_CHAR:
		ck_assert_msg(k->text != NULL, "%s: a text column needs .text", k->label);
		strcpy(v, k->text);
		*ind = (SQLLEN)strlen(k->text);
		return;
	case SQL_C_TYPE_DATE: {
		SQL_DATE_STRUCT dt = { (SQLSMALLINT)k->y, (SQLUSMALLINT)k->mo, (SQLUSMALLINT)k->d };
		memcpy(v, &dt, sizeof dt);
		*ind = sizeof dt;
		return;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		SQL_TIMESTAMP_STRUCT ts = { (SQLSMALLINT)k->y, (SQLUSMALLINT)k->mo, (SQLUSMALLINT)k->d, (SQLUSMALLINT)k->h,
		                            (SQLUSMALLINT)k->mi, (SQLUSMALLINT)k->s, (SQLUINTEGER)k->ns };
		memcpy(v, &ts, sizeof ts);
		*ind = sizeof ts;
		return;
	}
	default:
		ck_abort_msg("%s: C type %d not handled by the test", k->label, x->c_type);
	}
}

START_TEST(test_mssql_rule)
{
	const struct mcase *k = &mcases[_i];
	const struct rpl_column *src[1] = { &k->src }, *dst[1] = { &k->dst };
	struct rpl_xbuf b;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_xbuf_layout(&b, src, dst, 1, k->se, k->de, 0, 64 * 1024, &err) == 0, "%s: %s", k->label, err.msg);
	ck_assert_uint_gt(b.rows, ROW);
	memset(b.data, 0, (b.rows + 1) * b.row_size);
	put(&b, k);
	unsigned char *before = malloc(b.row_size);
	ck_assert_ptr_nonnull(before);
	memcpy(before, b.data + ROW * b.row_size, b.row_size);
	/* no placeholder dates: 0001-01-01 is tested as a date, not as a placeholder */
	struct rpl_rules ru = { .dst_dialect = rpl_dialect_for(k->de) };
	int64_t nulled[RPL_NRULES] = { 0 }, sum = 0;
	enum rpl_rule rule = RPL_NRULES;
	size_t col = 99;
	char why[256] = "";
	int r = rpl_rules_apply(&ru, &b, ROW, nulled, &rule, &col, why, sizeof why);
	for (int i = 0; i < RPL_NRULES; i++)
		sum += nulled[i];
	switch (k->out) {
	case PASS:
		ck_assert_msg(r == 0, "%s: rejected by %s: %s", k->label, rpl_rule_name(rule), why);
		ck_assert_msg(sum == 0, "%s: a counter moved", k->label);
		ck_assert_msg(memcmp(before, b.data + ROW * b.row_size, b.row_size) == 0, "%s: the value changed", k->label);
		break;
	case NULLED:
		ck_assert_msg(r == 0, "%s: rejected by %s: %s", k->label, rpl_rule_name(rule), why);
		ck_assert_msg(*rpl_xind(&b, ROW, 0) == SQL_NULL_DATA, "%s: not set to NULL", k->label);
		ck_assert_msg(nulled[k->rule] == 1 && sum == 1, "%s: nulled[%s] = %lld of %lld", k->label,
		              rpl_rule_name(k->rule), (long long)nulled[k->rule], (long long)sum);
		break;
	case REJECT:
		ck_assert_msg(r == -1, "%s: not rejected", k->label);
		ck_assert_msg(rule == k->rule, "%s: rule %s, want %s (%s)", k->label, rpl_rule_name(rule),
		              rpl_rule_name(k->rule), why);
		ck_assert_uint_eq(col, 0);
		ck_assert_msg(strstr(why, k->needle) != NULL, "%s: reason \"%s\" lacks \"%s\"", k->label, why, k->needle);
		ck_assert_msg(sum == 0, "%s: a counter moved on a rejected row", k->label);
		ck_assert_msg(memcmp(before, b.data + ROW * b.row_size, b.row_size) == 0,
		              "%s: a rejected row must keep its source value", k->label);
		break;
	}
	free(before);
	rpl_xbuf_fini(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("mssql");
	TCase *tc = tcase_create("value rules");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_mssql_rule, 0, NCASES(mcases));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
