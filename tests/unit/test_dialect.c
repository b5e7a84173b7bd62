/* tests/unit/test_dialect.c: the SQL text each engine's dialect table generates
 * (lib/sql/dialect.h): identifier quoting with the closing quote doubled, schema.table,
 * date literals, which errors are retried, and the CREATE TABLE type names of
 * docs/engines.md "Type mapping" for every transport class and all four engines.
 * SQL Server cannot run here, so these strings are its only test. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "dialect.h"
#include "sbuf.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))
#define PG RPL_ENGINE_POSTGRES
#define MARIA RPL_ENGINE_MARIADB
#define LITE RPL_ENGINE_SQLITE
#define MSSQL RPL_ENGINE_MSSQL
#define ANSI RPL_ENGINE_UNKNOWN

/* --- the tables themselves -------------------------------------------------------- */

static const struct {
	enum rpl_engine e;
	const char *name;
	bool keeps_nan;
	const char *lock_hint;
} for_cases[] = {
	{ PG, "postgresql", true, "" },
	{ MARIA, "mariadb", false, "" },
	{ LITE, "sqlite", false, "" },
	{ MSSQL, "mssql", false, " WITH (TABLOCK)" },
	{ ANSI, "ansi", false, "" },
};

START_TEST(test_dialect_for)
{
	const struct rpl_dialect *d = rpl_dialect_for(for_cases[_i].e);
	ck_assert_ptr_nonnull(d);
	ck_assert_int_eq(d->engine, for_cases[_i].e);
	ck_assert_str_eq(d->name, for_cases[_i].name);
	ck_assert_msg(d->keeps_nan == for_cases[_i].keeps_nan, "%s: keeps_nan=%d", d->name, d->keeps_nan);
	ck_assert_str_eq(d->insert_lock_hint, for_cases[_i].lock_hint);
	ck_assert_ptr_nonnull(d->type_name);
}
END_TEST

/* --- identifiers ------------------------------------------------------------------ */

static const struct { enum rpl_engine e; const char *in, *want; } ident_cases[] = {
	{ PG, "sales", "\"sales\"" },
	{ PG, "a\"b", "\"a\"\"b\"" },
	{ PG, "\"", "\"\"\"\"" },
	{ PG, "sale date", "\"sale date\"" },
	{ PG, "a`b]c", "\"a`b]c\"" },          /* other engines' quotes are plain chars */
	{ PG, "", "\"\"" },
	{ PG, "Straße", "\"Straße\"" },
	{ LITE, "a\"b", "\"a\"\"b\"" },
	{ LITE, "x\"\"y", "\"x\"\"\"\"y\"" },
	{ MARIA, "sales", "`sales`" },
	{ MARIA, "a`b", "`a``b`" },
	{ MARIA, "a\"b", "`a\"b`" },
	{ MARIA, "``", "``````" },
	{ MSSQL, "sales", "[sales]" },
	{ MSSQL, "a]b", "[a]]b]" },
	{ MSSQL, "a[b", "[a[b]" },              /* only the closing bracket is doubled */
	{ MSSQL, "]]", "[]]]]]" },
	{ MSSQL, "a\"b", "[a\"b]" },
	{ ANSI, "a\"b", "\"a\"\"b\"" },
};

START_TEST(test_ident)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_dialect_ident(rpl_dialect_for(ident_cases[_i].e), ident_cases[_i].in, &b);
	ck_assert(rpl_sbuf_ok(&b));
	ck_assert_msg(strcmp(rpl_sbuf_str(&b), ident_cases[_i].want) == 0, "case %d: %s gives %s, want %s",
	              _i, ident_cases[_i].in, rpl_sbuf_str(&b), ident_cases[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

static const struct { enum rpl_engine e; const char *schema, *table, *want; } table_cases[] = {
	{ PG, "public", "sales", "\"public\".\"sales\"" },
	{ PG, NULL, "sales", "\"sales\"" },
	{ PG, "", "sales", "\"sales\"" },
	{ PG, "my.schema", "a\"b", "\"my.schema\".\"a\"\"b\"" },   /* a dot inside stays inside */
	{ MARIA, "shop", "t`x", "`shop`.`t``x`" },
	{ MARIA, NULL, "sales", "`sales`" },
	{ LITE, NULL, "sales", "\"sales\"" },
	{ LITE, "main", "sales", "\"main\".\"sales\"" },
	{ MSSQL, "dbo", "sales", "[dbo].[sales]" },
	{ MSSQL, "dbo", "my.table", "[dbo].[my.table]" },
	{ MSSQL, "x]y", "z", "[x]]y].[z]" },
};

START_TEST(test_table)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sbuf_add(&b, "FROM ");
	rpl_dialect_table(rpl_dialect_for(table_cases[_i].e), table_cases[_i].schema, table_cases[_i].table, &b);
	ck_assert(rpl_sbuf_ok(&b));
	ck_assert_msg(strncmp(rpl_sbuf_str(&b), "FROM ", 5) == 0, "case %d: earlier text lost", _i);
	ck_assert_msg(strcmp(rpl_sbuf_str(&b) + 5, table_cases[_i].want) == 0, "case %d: %s, want %s", _i,
	              rpl_sbuf_str(&b) + 5, table_cases[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

/* --- date literals ---------------------------------------------------------------- */

static const struct { enum rpl_engine e; int y, m, d; const char *want; } date_cases[] = {
	{ PG, 2024, 2, 29, "'2024-02-29'" },
	{ MARIA, 2024, 2, 29, "'2024-02-29'" },
	{ LITE, 2024, 2, 29, "'2024-02-29'" },
	{ ANSI, 2024, 2, 29, "'2024-02-29'" },
	{ MSSQL, 2024, 2, 29, "'20240229'" },    /* YYYYMMDD: the same under every SET LANGUAGE */
	{ PG, 1, 1, 1, "'0001-01-01'" },
	{ MSSQL, 1, 1, 1, "'00010101'" },
	{ MSSQL, 1753, 1, 1, "'17530101'" },
	{ MARIA, 9999, 12, 31, "'9999-12-31'" },
	{ MSSQL, 9999, 12, 31, "'99991231'" },
	{ LITE, 2023, 10, 5, "'2023-10-05'" },
};

START_TEST(test_date)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_dialect_date(rpl_dialect_for(date_cases[_i].e), date_cases[_i].y, date_cases[_i].m,
	                 date_cases[_i].d, &b);
	ck_assert_msg(strcmp(rpl_sbuf_str(&b), date_cases[_i].want) == 0, "case %d: %s, want %s", _i,
	              rpl_sbuf_str(&b), date_cases[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

/* --- retryable errors ------------------------------------------------------------- */

static const struct { enum rpl_engine e; const char *state; int native; bool want; } retry_cases[] = {
	/* everywhere: connection lost (class 08), serialization failure, timeout */
	{ PG, "08006", 0, true },      { PG, "08S01", 0, true },     { PG, "40001", 0, true },
	{ PG, "HYT00", 0, true },      { MARIA, "08S01", 0, true },  { MARIA, "40001", 0, true },
	{ MARIA, "HYT00", 0, true },   { LITE, "08001", 0, true },   { LITE, "40001", 0, true },
	{ LITE, "HYT00", 0, true },    { MSSQL, "08S01", 0, true },  { MSSQL, "40001", 0, true },
	{ MSSQL, "HYT00", 0, true },   { ANSI, "08003", 0, true },   { ANSI, "40001", 0, true },
	/* never: constraint violations, missing objects, generic errors without a code */
	{ PG, "23505", 0, false },     { PG, "42P01", 0, false },    { PG, "HY000", 0, false },
	{ MARIA, "23000", 1062, false },{ MSSQL, "23000", 2627, false },
	{ LITE, "HY000", 19, false },  { ANSI, "40P01", 0, false },  { PG, "40002", 0, false },
	{ PG, "80800", 0, false },     /* "08" must be the class, not anywhere in the code */
	/* PostgreSQL: deadlock, lock not available */
	{ PG, "40P01", 0, true },      { PG, "55P03", 0, true },
	{ MARIA, "40P01", 0, false },  { MSSQL, "40P01", 0, false }, { LITE, "55P03", 0, false },
	/* MariaDB natives: deadlock, lock wait timeout, server gone, lost connection */
	{ MARIA, "HY000", 1213, true },{ MARIA, "HY000", 1205, true },
	{ MARIA, "HY000", 2006, true },{ MARIA, "HY000", 2013, true },
	{ MARIA, "HY000", 1222, false },
	/* SQL Server natives: deadlock victim, lock request timeout */
	{ MSSQL, "HY000", 1205, true },{ MSSQL, "HY000", 1222, true },
	{ MSSQL, "HY000", 1213, false },{ MSSQL, "HY000", 5, false },
	/* SQLite: SQLITE_BUSY, SQLITE_LOCKED */
	{ LITE, "HY000", 5, true },    { LITE, "HY000", 6, true },   { LITE, "HY000", 1205, false },
	/* natives belong to their engine */
	{ PG, "HY000", 1205, false },  { PG, "HY000", 5, false },    { ANSI, "HY000", 1205, false },
};

START_TEST(test_retryable)
{
	const struct rpl_dialect *d = rpl_dialect_for(retry_cases[_i].e);
	bool got = rpl_dialect_retryable(d, retry_cases[_i].state, retry_cases[_i].native);
	ck_assert_msg(got == retry_cases[_i].want, "%s: %s/%d retryable=%d, want %d", d->name,
	              retry_cases[_i].state, retry_cases[_i].native, got, retry_cases[_i].want);
}
END_TEST

/* --- CREATE TABLE type names ------------------------------------------------------ */

static const struct {
	enum rpl_class cls;
	int sql_type;
	long size;
	int scale;
	int int_bytes;
	bool is_long;
	const char *want[4];   /* PostgreSQL, MariaDB, SQLite, SQL Server */
} type_cases[] = {
	{ RPL_CLASS_INT, SQL_TINYINT, 3, 0, 1, false, { "smallint", "tinyint", "SMALLINT", "SMALLINT" } },
	{ RPL_CLASS_INT, SQL_SMALLINT, 5, 0, 2, false, { "smallint", "smallint", "SMALLINT", "SMALLINT" } },
	{ RPL_CLASS_INT, SQL_INTEGER, 10, 0, 4, false, { "integer", "int", "INTEGER", "INT" } },
	{ RPL_CLASS_INT, SQL_BIGINT, 19, 0, 8, false, { "bigint", "bigint", "BIGINT", "BIGINT" } },
	{ RPL_CLASS_DECIMAL, SQL_DECIMAL, 38, 4, 0, false,
	  { "numeric(38,4)", "decimal(38,4)", "DECIMAL_TEXT(38,4)", "DECIMAL(38,4)" } },
	{ RPL_CLASS_DECIMAL, SQL_NUMERIC, 19, 4, 0, false,
	  { "numeric(19,4)", "decimal(19,4)", "DECIMAL_TEXT(19,4)", "DECIMAL(19,4)" } },
	{ RPL_CLASS_DECIMAL, SQL_NUMERIC, 5, 0, 0, false,
	  { "numeric(5,0)", "decimal(5,0)", "DECIMAL_TEXT(5,0)", "DECIMAL(5,0)" } },
	/* wider than an engine's maximum: clamped to it (MariaDB 65, SQL Server 38) */
	{ RPL_CLASS_DECIMAL, SQL_NUMERIC, 60, 10, 0, false,
	  { "numeric(60,10)", "decimal(60,10)", "DECIMAL_TEXT(60,10)", "DECIMAL(38,10)" } },
	{ RPL_CLASS_DECIMAL, SQL_NUMERIC, 70, 2, 0, false,
	  { "numeric(70,2)", "decimal(65,2)", "DECIMAL_TEXT(70,2)", "DECIMAL(38,2)" } },
	/* declared without precision (PostgreSQL numeric, SQLite DECIMAL): unbounded where the
	 * engine has it, else its widest with room for a fraction */
	{ RPL_CLASS_DECIMAL, SQL_NUMERIC, 0, 0, 0, false,
	  { "numeric", "decimal(65,30)", "DECIMAL_TEXT", "DECIMAL(38,10)" } },
	{ RPL_CLASS_DOUBLE, SQL_DOUBLE, 15, 0, 0, false, { "double precision", "double", "DOUBLE", "FLOAT" } },
	{ RPL_CLASS_DOUBLE, SQL_FLOAT, 15, 0, 0, false, { "double precision", "double", "DOUBLE", "FLOAT" } },
	{ RPL_CLASS_DOUBLE, SQL_REAL, 7, 0, 0, false, { "real", "double", "DOUBLE", "REAL" } },   /* MariaDB FLOAT ends below FLT_MAX */
	{ RPL_CLASS_DATE, SQL_TYPE_DATE, 10, 0, 0, false, { "date", "date", "DATE", "DATE" } },
	{ RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 26, 6, 0, false,
	  { "timestamp(6)", "datetime(6)", "TIMESTAMP", "DATETIME2(6)" } },
	{ RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 23, 3, 0, false,
	  { "timestamp(3)", "datetime(3)", "TIMESTAMP", "DATETIME2(3)" } },
	{ RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 19, 0, 0, false,
	  { "timestamp(0)", "datetime(0)", "TIMESTAMP", "DATETIME2(0)" } },
	{ RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 27, 7, 0, false,
	  { "timestamp(6)", "datetime(6)", "TIMESTAMP", "DATETIME2(7)" } },
	{ RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 29, 9, 0, false,   /* SQLite reports 9 */
	  { "timestamp(6)", "datetime(6)", "TIMESTAMP", "DATETIME2(7)" } },
	{ RPL_CLASS_TIME, SQL_TYPE_TIME, 8, 0, 0, false, { "time(6)", "time(6)", "TIME", "TIME(7)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 50, 0, 0, false,
	  { "varchar(50)", "varchar(50)", "VARCHAR(50)", "NVARCHAR(50)" } },
	{ RPL_CLASS_TEXT, SQL_WVARCHAR, 255, 0, 0, false,
	  { "varchar(255)", "varchar(255)", "VARCHAR(255)", "NVARCHAR(255)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 256, 0, 0, false,
	  { "varchar(256)", "text", "VARCHAR(256)", "NVARCHAR(256)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 4000, 0, 0, false,
	  { "varchar(4000)", "text", "VARCHAR(4000)", "NVARCHAR(4000)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 4001, 0, 0, false,
	  { "varchar(4001)", "text", "VARCHAR(4001)", "NVARCHAR(MAX)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 16383, 0, 0, false,
	  { "varchar(16383)", "text", "VARCHAR(16383)", "NVARCHAR(MAX)" } },
	{ RPL_CLASS_TEXT, SQL_VARCHAR, 16384, 0, 0, false,
	  { "varchar(16384)", "longtext", "VARCHAR(16384)", "NVARCHAR(MAX)" } },
	{ RPL_CLASS_TEXT, SQL_LONGVARCHAR, 0, 0, 0, true, { "text", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ RPL_CLASS_TEXT, SQL_WLONGVARCHAR, 1073741823, 0, 0, true,
	  { "text", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ RPL_CLASS_BINARY, SQL_VARBINARY, 16, 0, 0, false, { "bytea", "varbinary(16)", "BLOB", "VARBINARY(16)" } },
	{ RPL_CLASS_BINARY, SQL_VARBINARY, 255, 0, 0, false,
	  { "bytea", "varbinary(255)", "BLOB", "VARBINARY(255)" } },
	{ RPL_CLASS_BINARY, SQL_VARBINARY, 256, 0, 0, false, { "bytea", "longblob", "BLOB", "VARBINARY(256)" } },
	{ RPL_CLASS_BINARY, SQL_VARBINARY, 8000, 0, 0, false, { "bytea", "longblob", "BLOB", "VARBINARY(8000)" } },
	{ RPL_CLASS_BINARY, SQL_VARBINARY, 8001, 0, 0, false, { "bytea", "longblob", "BLOB", "VARBINARY(MAX)" } },
	{ RPL_CLASS_BINARY, SQL_LONGVARBINARY, 0, 0, 0, true, { "bytea", "longblob", "BLOB", "VARBINARY(MAX)" } },
	{ RPL_CLASS_BOOL, SQL_BIT, 1, 0, 0, false, { "boolean", "boolean", "BOOLEAN", "BIT" } },
	{ RPL_CLASS_GUID, SQL_GUID, 36, 0, 0, false, { "uuid", "char(36)", "VARCHAR(36)", "UNIQUEIDENTIFIER" } },
};

static const enum rpl_engine type_engines[4] = { PG, MARIA, LITE, MSSQL };

START_TEST(test_type_name)
{
	struct rpl_column c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "col%d", _i);
	c.cls = type_cases[_i].cls;
	c.sql_type = type_cases[_i].sql_type;
	c.size = type_cases[_i].size;
	c.scale = type_cases[_i].scale;
	c.int_bytes = type_cases[_i].int_bytes;
	c.is_long = type_cases[_i].is_long;
	c.nullable = true;
	for (int k = 0; k < 4; k++) {
		const struct rpl_dialect *d = rpl_dialect_for(type_engines[k]);
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_sbuf_add(&b, "x ");
		d->type_name(&c, &b);
		ck_assert(rpl_sbuf_ok(&b));
		ck_assert_msg(strcmp(rpl_sbuf_str(&b) + 2, type_cases[_i].want[k]) == 0,
		              "case %d (%s size %ld scale %d) on %s: %s, want %s", _i, rpl_class_name(c.cls),
		              c.size, c.scale, d->name, rpl_sbuf_str(&b) + 2, type_cases[_i].want[k]);
		rpl_sbuf_fini(&b);
	}
}
END_TEST

/* An unbounded PostgreSQL numeric (no precision in the catalog) stays unbounded. */
START_TEST(test_type_name_pg_numeric)
{
	struct rpl_column c;
	memset(&c, 0, sizeof c);
	c.cls = RPL_CLASS_DECIMAL;
	c.sql_type = SQL_NUMERIC;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_dialect_for(PG)->type_name(&c, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "numeric");
	rpl_sbuf_reset(&b);
	rpl_dialect_for(ANSI)->type_name(&c, &b);   /* ANSI shares PostgreSQL's names */
	ck_assert_str_eq(rpl_sbuf_str(&b), "numeric");
	rpl_sbuf_fini(&b);
}
END_TEST

/* A numeric without precision into MariaDB: decimal(65,s) with s from the widths its
 * values were measured to have (numextent.h), 30 when not measured */
static const struct { bool seen; int i, s; const char *want; } extent_cases[] = {
	{ false, 0, 0, "decimal(65,30)" },
	{ true, 1, 0, "decimal(65,30)" },
	{ true, 35, 30, "decimal(65,30)" },
	{ true, 40, 5, "decimal(65,25)" },     /* 40 integer digits: the blind type refused them */
	{ true, 1, 38, "decimal(65,38)" },
	{ true, 1, 50, "decimal(65,38)" },     /* MariaDB's largest scale */
	{ true, 60, 10, "decimal(65,5)" },     /* both cannot fit: the integers win */
	{ true, 65, 0, "decimal(65,0)" },
	{ true, 70, 2, "decimal(65,0)" },
};

START_TEST(test_type_name_maria_extent)
{
	struct rpl_column c;
	memset(&c, 0, sizeof c);
	c.cls = RPL_CLASS_DECIMAL;
	c.sql_type = SQL_NUMERIC;
	c.seen = extent_cases[_i].seen;
	c.seen_int = extent_cases[_i].i;
	c.seen_scale = extent_cases[_i].s;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_dialect_for(MARIA)->type_name(&c, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), extent_cases[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

/* rpl_class_of: MariaDB's UNSIGNED integers travel in the next wider signed type,
 * BIGINT UNSIGNED as a decimal (its top half does not fit an int64) */
static const struct { int t; const char *name; enum rpl_class cls; int bytes; } class_cases[] = {
	{ SQL_TINYINT, "TINYINT", RPL_CLASS_INT, 1 },
	{ SQL_TINYINT, "TINYINT UNSIGNED", RPL_CLASS_INT, 2 },
	{ SQL_SMALLINT, "smallint unsigned", RPL_CLASS_INT, 4 },
	{ SQL_INTEGER, "INT UNSIGNED", RPL_CLASS_INT, 8 },
	{ SQL_INTEGER, "MEDIUMINT UNSIGNED", RPL_CLASS_INT, 8 },
	{ SQL_BIGINT, "BIGINT", RPL_CLASS_INT, 8 },
	{ SQL_BIGINT, "BIGINT UNSIGNED", RPL_CLASS_DECIMAL, 0 },
	{ SQL_BIGINT, "UNSIGNED BIG INT", RPL_CLASS_INT, 8 },   /* SQLite: a signed int64 all the same */
};

START_TEST(test_class_of)
{
	enum rpl_class cls;
	int bytes;
	ck_assert(rpl_class_of(class_cases[_i].t, class_cases[_i].name, &cls, &bytes));
	ck_assert_msg(cls == class_cases[_i].cls && bytes == class_cases[_i].bytes, "%s: %s, %d bytes",
	              class_cases[_i].name, rpl_class_name(cls), bytes);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dialect");
	TCase *tc = tcase_create("text");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_dialect_for, 0, NCASES(for_cases));
	tcase_add_loop_test(tc, test_ident, 0, NCASES(ident_cases));
	tcase_add_loop_test(tc, test_table, 0, NCASES(table_cases));
	tcase_add_loop_test(tc, test_date, 0, NCASES(date_cases));
	tcase_add_loop_test(tc, test_retryable, 0, NCASES(retry_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("types");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_type_name, 0, NCASES(type_cases));
	tcase_add_test(tc, test_type_name_pg_numeric);
	tcase_add_loop_test(tc, test_type_name_maria_extent, 0, NCASES(extent_cases));
	tcase_add_loop_test(tc, test_class_of, 0, NCASES(class_cases));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
