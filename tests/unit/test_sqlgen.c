/* tests/unit/test_sqlgen.c: the exact text of every statement a table copy sends
 * (lib/sql/sqlgen.h), for SQL Server above all (it cannot run here, so these strings are
 * its test: docs/engines.md) and for the other engines where the text differs:
 * partition SELECT, keyset slices, range DELETE (SQL Server in batches), INSERT with
 * and without TABLOCK, COPY, CREATE TABLE with the type mapping and the key,
 * savepoints, index list/disable/rebuild, the sys.columns query, IDENTITY_INSERT,
 * the ledger DDL and string literals. Catalogs are built by hand as SQLColumns would
 * report them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catalog.h"
#include "coltypes.h"
#include "createidx.h"
#include "dialect.h"
#include "ledger.h"
#include "sbuf.h"
#include "sqlgen.h"

#define NCASES(a) ((int)(sizeof a / sizeof a[0]))
#define PG RPL_ENGINE_POSTGRES
#define MARIA RPL_ENGINE_MARIADB
#define LITE RPL_ENGINE_SQLITE
#define MSSQL RPL_ENGINE_MSSQL

#define COL(n, tn, st, c, sz, sc, nul, pk) \
	{ .name = n, .type_name = tn, .sql_type = st, .cls = c, .size = sz, .scale = sc, .nullable = nul, .pk_pos = pk }

/* a small table: the key, the date column, a decimal, a name that needs quoting */
static struct rpl_column small_cols[] = {
	{ .name = "id", .type_name = "bigint", .sql_type = SQL_BIGINT, .cls = RPL_CLASS_INT, .int_bytes = 8,
	  .size = 19, .pk_pos = 1 },
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
	COL("amount", "numeric", SQL_NUMERIC, RPL_CLASS_DECIMAL, 19, 4, true, 0),
	COL("odd]na'me", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 20, 0, true, 0),
};
static struct rpl_table small = { .schema = NULL, .name = "sales", .cols = small_cols, .ncols = 4, .npk = 1 };

/* the same table as a SQLite source: a double is read through printf */
static struct rpl_column lite_cols[] = {
	{ .name = "id", .type_name = "BIGINT", .sql_type = SQL_BIGINT, .cls = RPL_CLASS_INT, .int_bytes = 8,
	  .pk_pos = 1 },
	COL("sale_date", "DATE", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
	COL("price", "DOUBLE", SQL_DOUBLE, RPL_CLASS_DOUBLE, 15, 0, true, 0),
};
static struct rpl_table lite = { .name = "sales", .cols = lite_cols, .ncols = 3, .npk = 1 };

/* a two-column key */
static struct rpl_column key2_cols[] = {
	{ .name = "shop", .type_name = "int", .sql_type = SQL_INTEGER, .cls = RPL_CLASS_INT, .int_bytes = 4,
	  .pk_pos = 2 },
	{ .name = "id", .type_name = "bigint", .sql_type = SQL_BIGINT, .cls = RPL_CLASS_INT, .int_bytes = 8,
	  .pk_pos = 1 },
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
};
static struct rpl_table key2 = { .name = "sales", .cols = key2_cols, .ncols = 3, .npk = 2 };

/* a decimal key (keyset slices cast its parameter: MySQL compares text with a decimal as doubles) */
static struct rpl_column deckey_cols[] = {
	COL("code", "decimal", SQL_DECIMAL, RPL_CLASS_DECIMAL, 20, 0, false, 1),
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
};
static struct rpl_table deckey = { .name = "sales", .cols = deckey_cols, .ncols = 2, .npk = 1 };

/* the target's own spelling of the columns (matched case-insensitively) */
static struct rpl_column upper_cols[] = {
	COL("ID", "bigint", SQL_BIGINT, RPL_CLASS_INT, 19, 0, false, 1),
	COL("Sale_Date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
	COL("AMOUNT", "decimal", SQL_DECIMAL, RPL_CLASS_DECIMAL, 19, 4, true, 0),
	COL("ODD]NA'ME", "nvarchar", SQL_WVARCHAR, RPL_CLASS_TEXT, 20, 0, true, 0),
};
static struct rpl_table upper = { .name = "sales", .cols = upper_cols, .ncols = 4, .npk = 1 };

/* an existing MariaDB target with a latin1 column (non_utf8: from information_schema) */
static struct rpl_column latin1_cols[] = {
	COL("id", "bigint", SQL_BIGINT, RPL_CLASS_INT, 19, 0, false, 1),
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
	COL("amount", "decimal", SQL_DECIMAL, RPL_CLASS_DECIMAL, 19, 4, true, 0),
	{ .name = "odd]na'me", .type_name = "varchar", .sql_type = SQL_VARCHAR, .cls = RPL_CLASS_TEXT, .size = 20,
	  .nullable = true, .non_utf8 = true },
};
static struct rpl_table latin1 = { .name = "sales", .cols = latin1_cols, .ncols = 4, .npk = 1 };

static const struct rpl_range jan = { .all = false, .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
static const struct rpl_range feb = { .all = false, .start = { 2024, 2, 1 }, .end = { 2024, 2, 29 } };
static const struct rpl_range whole = { .all = true };

enum kind { SELECT, COPY_OUT, SLICE, SLICE_KEYED, DELETE, INSERT, COPY_IN, CREATE, LOAD_DATA };

static const struct scase {
	const char *label;
	enum kind kind;
	enum rpl_engine se, de;
	const struct rpl_table *st, *dt;
	const char *sschema, *dschema;
	const struct rpl_range *r;
	bool lock;
	long ret;            /* DELETE: the batch; slices: the parameter count */
	const char *want;
} scases[] = {
	/* --- SQL Server --------------------------------------------------------------- */
	{ "mssql select", SELECT, MSSQL, PG, &small, NULL, "dbo", "public", &jan, false, 0,
	  "SELECT [id], [sale_date], [amount], [odd]]na'me] FROM [dbo].[sales]"
	  " WHERE [sale_date] >= '20240101' AND [sale_date] < '20240201'" },
	{ "mssql select, leap month end", SELECT, MSSQL, PG, &small, NULL, "dbo", "public", &feb, false, 0,
	  "SELECT [id], [sale_date], [amount], [odd]]na'me] FROM [dbo].[sales]"
	  " WHERE [sale_date] >= '20240201' AND [sale_date] < '20240229'" },
	{ "mssql select whole table", SELECT, MSSQL, PG, &small, NULL, NULL, NULL, &whole, false, 0,
	  "SELECT [id], [sale_date], [amount], [odd]]na'me] FROM [sales]" },
	{ "mssql slice", SLICE, MSSQL, PG, &small, NULL, "dbo", NULL, &jan, false, 0,
	  "SELECT TOP (2000) [id], [sale_date], [amount], [odd]]na'me] FROM [dbo].[sales]"
	  " WHERE [sale_date] >= '20240101' AND [sale_date] < '20240201' ORDER BY [id]" },
	{ "mssql keyed slice", SLICE_KEYED, MSSQL, PG, &small, NULL, "dbo", NULL, &jan, false, 1,
	  "SELECT TOP (2000) [id], [sale_date], [amount], [odd]]na'me] FROM [dbo].[sales]"
	  " WHERE [sale_date] >= '20240101' AND [sale_date] < '20240201' AND ([id] > ?) ORDER BY [id]" },
	{ "mssql keyed slice, two-column key", SLICE_KEYED, MSSQL, PG, &key2, NULL, "dbo", NULL, &jan, false, 3,
	  "SELECT TOP (2000) [shop], [id], [sale_date] FROM [dbo].[sales]"
	  " WHERE [sale_date] >= '20240101' AND [sale_date] < '20240201'"
	  " AND ([id] > ? OR ([id] = ? AND [shop] > ?)) ORDER BY [id], [shop]" },
	{ "mssql keyed slice, whole table", SLICE_KEYED, MSSQL, PG, &key2, NULL, NULL, NULL, &whole, false, 3,
	  "SELECT TOP (2000) [shop], [id], [sale_date] FROM [sales]"
	  " WHERE ([id] > ? OR ([id] = ? AND [shop] > ?)) ORDER BY [id], [shop]" },
	{ "mssql delete in batches", DELETE, PG, MSSQL, &small, NULL, NULL, "dbo", &jan, false, 50000,
	  "DELETE TOP (50000) FROM [dbo].[sales] WHERE [sale_date] >= '20240101' AND [sale_date] < '20240201'" },
	{ "mssql delete whole table in batches", DELETE, PG, MSSQL, &small, NULL, NULL, "dbo", &whole, false, 50000,
	  "DELETE TOP (50000) FROM [dbo].[sales]" },
	{ "mssql delete, target spelling", DELETE, PG, MSSQL, &small, &upper, NULL, "dbo", &jan, false, 50000,
	  "DELETE TOP (50000) FROM [dbo].[sales] WHERE [Sale_Date] >= '20240101' AND [Sale_Date] < '20240201'" },
	{ "mssql insert with TABLOCK", INSERT, PG, MSSQL, &small, NULL, NULL, "dbo", &jan, true, 0,
	  "INSERT INTO [dbo].[sales] WITH (TABLOCK) ([id], [sale_date], [amount], [odd]]na'me]) VALUES (?, ?, ?, ?)" },
	{ "mssql insert without lock", INSERT, PG, MSSQL, &small, NULL, NULL, "dbo", &jan, false, 0,
	  "INSERT INTO [dbo].[sales] ([id], [sale_date], [amount], [odd]]na'me]) VALUES (?, ?, ?, ?)" },
	{ "mssql insert, target spelling", INSERT, PG, MSSQL, &small, &upper, NULL, "x]y", &jan, true, 0,
	  "INSERT INTO [x]]y].[sales] WITH (TABLOCK) ([ID], [Sale_Date], [AMOUNT], [ODD]]NA'ME]) VALUES (?, ?, ?, ?)" },
	{ "mssql create table", CREATE, PG, MSSQL, &small, NULL, "public", "dbo", &jan, false, 0,
	  "CREATE TABLE [dbo].[sales] ([id] BIGINT NOT NULL, [sale_date] DATE NOT NULL, [amount] DECIMAL(19,4),"
	  " [odd]]na'me] NVARCHAR(20), CONSTRAINT [PK_sales] PRIMARY KEY CLUSTERED ([id]))" },
	{ "mssql create table, two-column key in key order", CREATE, PG, MSSQL, &key2, NULL, NULL, NULL, &jan, false, 0,
	  "CREATE TABLE [sales] ([shop] INT NOT NULL, [id] BIGINT NOT NULL, [sale_date] DATE NOT NULL,"
	  " CONSTRAINT [PK_sales] PRIMARY KEY CLUSTERED ([id], [shop]))" },

	/* --- the others: what copy.c sends today --------------------------------------- */
	{ "sqlite select reads doubles with printf", SELECT, LITE, MSSQL, &lite, NULL, NULL, "dbo", &jan, false, 0,
	  "SELECT \"id\", \"sale_date\", CASE WHEN typeof(\"price\")='real' THEN printf('%!.17g',\"price\")"
	  " ELSE \"price\" END FROM \"sales\" WHERE \"sale_date\" >= '2024-01-01' AND \"sale_date\" < '2024-02-01'" },
	/* psqlODBC gives 'infinity' as a date it makes up: PostgreSQL's text is read instead */
	{ "postgresql select through psqlODBC", SELECT, PG, MSSQL, &small, NULL, "public", NULL, &jan, false, 0,
	  "SELECT \"id\", \"sale_date\"::text, \"amount\", \"odd]na'me\" FROM \"public\".\"sales\""
	  " WHERE \"sale_date\" >= '2024-01-01' AND \"sale_date\" < '2024-02-01'" },
	{ "postgresql copy out", COPY_OUT, PG, MSSQL, &small, NULL, "public", NULL, &jan, false, 0,
	  "COPY (SELECT \"id\", \"sale_date\", \"amount\", \"odd]na'me\" FROM \"public\".\"sales\""
	  " WHERE \"sale_date\" >= '2024-01-01' AND \"sale_date\" < '2024-02-01') TO STDOUT" },
	{ "mariadb slice", SLICE, MARIA, PG, &key2, NULL, "shop", NULL, &jan, false, 0,
	  "SELECT `shop`, `id`, `sale_date` FROM `shop`.`sales` WHERE `sale_date` >= '2024-01-01'"
	  " AND `sale_date` < '2024-02-01' ORDER BY `id`, `shop` LIMIT 2000" },
	{ "mariadb keyed slice", SLICE_KEYED, MARIA, PG, &key2, NULL, "shop", NULL, &jan, false, 2,
	  "SELECT `shop`, `id`, `sale_date` FROM `shop`.`sales` WHERE `sale_date` >= '2024-01-01'"
	  " AND `sale_date` < '2024-02-01' AND (`id`, `shop`) > (?, ?) ORDER BY `id`, `shop` LIMIT 2000" },
	{ "mariadb keyed slice, decimal key", SLICE_KEYED, MARIA, PG, &deckey, NULL, NULL, NULL, &whole, false, 1,
	  "SELECT `code`, `sale_date` FROM `sales` WHERE (`code`) > (CAST(? AS DECIMAL(20,0))) ORDER BY `code` LIMIT 2000" },
	{ "postgresql delete at once", DELETE, MSSQL, PG, &small, NULL, NULL, "public", &jan, false, 0,
	  "DELETE FROM \"public\".\"sales\" WHERE \"sale_date\" >= '2024-01-01' AND \"sale_date\" < '2024-02-01'" },
	{ "mariadb delete whole table", DELETE, MSSQL, MARIA, &small, NULL, NULL, NULL, &whole, false, 0,
	  "DELETE FROM `sales`" },
	{ "sqlite insert ignores table_lock", INSERT, MSSQL, LITE, &small, NULL, NULL, NULL, &jan, true, 0,
	  "INSERT INTO \"sales\" (\"id\", \"sale_date\", \"amount\", \"odd]na'me\") VALUES (?, ?, ?, ?)" },
	{ "postgresql copy in", COPY_IN, MSSQL, PG, &small, &upper, NULL, "public", &jan, false, 0,
	  "COPY \"public\".\"sales\" (\"ID\", \"Sale_Date\", \"AMOUNT\", \"ODD]NA'ME\") FROM STDIN" },
	{ "mariadb create table", CREATE, MSSQL, MARIA, &small, NULL, NULL, NULL, &jan, false, 0,
	  "CREATE TABLE `sales` (`id` bigint NOT NULL, `sale_date` date NOT NULL, `amount` decimal(19,4),"
	  " `odd]na'me` varchar(20), PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin" },
	{ "mariadb load data into a table it creates (utf8mb4): rows as bytes", LOAD_DATA, PG, MARIA, &small, NULL,
	  NULL, NULL, &whole, false, 0,
	  "LOAD DATA LOCAL INFILE '/proc/self/fd/7' INTO TABLE `sales` CHARACTER SET binary FIELDS TERMINATED BY '\\t'"
	  " ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, `sale_date`, `amount`, `odd]na'me`)" },
	{ "mariadb load data into utf8 columns: rows as bytes", LOAD_DATA, PG, MARIA, &small, &upper, NULL, NULL,
	  &whole, false, 0,
	  "LOAD DATA LOCAL INFILE '/proc/self/fd/7' INTO TABLE `sales` CHARACTER SET binary FIELDS TERMINATED BY '\\t'"
	  " ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`ID`, `Sale_Date`, `AMOUNT`, `ODD]NA'ME`)" },
	{ "mariadb load data into a latin1 column: converted from utf8mb4", LOAD_DATA, PG, MARIA, &small, &latin1, NULL,
	  NULL, &whole, false, 0,
	  "LOAD DATA LOCAL INFILE '/proc/self/fd/7' INTO TABLE `sales` CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t'"
	  " ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, `sale_date`, `amount`, `odd]na'me`)" },
	{ "postgresql create table", CREATE, MSSQL, PG, &small, NULL, NULL, "public", &jan, false, 0,
	  "CREATE TABLE \"public\".\"sales\" (\"id\" bigint NOT NULL, \"sale_date\" date NOT NULL,"
	  " \"amount\" numeric(19,4), \"odd]na'me\" varchar(20), PRIMARY KEY (\"id\"))" },
};

START_TEST(test_statement)
{
	const struct scase *k = &scases[_i];
	struct rpl_sqlgen g = { .src = rpl_dialect_for(k->se), .dst = rpl_dialect_for(k->de), .st = k->st, .dt = k->dt,
	                        .src_schema = k->sschema, .src_table = "sales", .dst_schema = k->dschema,
	                        .dst_table = "sales", .date_column = "sale_date", .table_lock = k->lock };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	long ret = 0;
	switch (k->kind) {
	case SELECT: rpl_sqlgen_select(&g, k->r, &b); break;
	case COPY_OUT: rpl_sqlgen_copy_out(&g, k->r, &b); break;
	case SLICE: ret = rpl_sqlgen_slice(&g, k->r, false, 2000, &b); break;
	case SLICE_KEYED: ret = rpl_sqlgen_slice(&g, k->r, true, 2000, &b); break;
	case DELETE: ret = rpl_sqlgen_delete(&g, k->r, &b); break;
	case INSERT: rpl_sqlgen_insert(&g, &b); break;
	case COPY_IN: rpl_sqlgen_copy_in(&g, &b); break;
	case CREATE: rpl_sqlgen_create_table(&g, &b); break;
	case LOAD_DATA: rpl_sqlgen_load_data(&g, "/proc/self/fd/7", &b); break;
	}
	ck_assert(rpl_sbuf_ok(&b));
	ck_assert_msg(strcmp(rpl_sbuf_str(&b), k->want) == 0, "%s:\n got  %s\n want %s", k->label, rpl_sbuf_str(&b),
	              k->want);
	ck_assert_msg(ret == k->ret, "%s: returned %ld, want %ld", k->label, ret, k->ret);
	rpl_sbuf_fini(&b);
}
END_TEST

/* --- CREATE TABLE type mapping into SQL Server ------------------------------------ */

/* Columns as SQLColumns reports them; want[0] from a PostgreSQL source (the
 * cross-engine mapping), want[1] from a SQL Server source (its own type kept). */
static const struct {
	struct rpl_column c;
	int int_bytes;
	bool is_long;
	const char *want[2];
} tcases[] = {
	{ COL("c", "int8", SQL_BIGINT, RPL_CLASS_INT, 19, 0, true, 0), 8, false, { "BIGINT", "BIGINT" } },
	{ COL("c", "bigint identity", SQL_BIGINT, RPL_CLASS_INT, 19, 0, false, 0), 8, false, { "BIGINT", "BIGINT" } },
	{ COL("c", "int identity", SQL_INTEGER, RPL_CLASS_INT, 10, 0, false, 0), 4, false, { "INT", "INT" } },
	{ COL("c", "tinyint", SQL_TINYINT, RPL_CLASS_INT, 3, 0, true, 0), 1, false, { "SMALLINT", "TINYINT" } },
	{ COL("c", "tinyint identity", SQL_TINYINT, RPL_CLASS_INT, 3, 0, true, 0), 1, false, { "SMALLINT", "TINYINT" } },
	{ COL("c", "numeric", SQL_NUMERIC, RPL_CLASS_DECIMAL, 19, 4, true, 0), 0, false, { "DECIMAL(19,4)", "DECIMAL(19,4)" } },
	{ COL("c", "decimal", SQL_DECIMAL, RPL_CLASS_DECIMAL, 38, 10, true, 0), 0, false, { "DECIMAL(38,10)", "DECIMAL(38,10)" } },
	{ COL("c", "money", SQL_DECIMAL, RPL_CLASS_DECIMAL, 19, 4, true, 0), 0, false, { "DECIMAL(19,4)", "MONEY" } },
	{ COL("c", "smallmoney", SQL_DECIMAL, RPL_CLASS_DECIMAL, 10, 4, true, 0), 0, false, { "DECIMAL(10,4)", "SMALLMONEY" } },
	{ COL("c", "float8", SQL_DOUBLE, RPL_CLASS_DOUBLE, 15, 0, true, 0), 0, false, { "FLOAT", "FLOAT" } },
	{ COL("c", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, true, 0), 0, false, { "DATE", "DATE" } },
	{ COL("c", "datetime", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 23, 3, true, 0), 0, false,
	  { "DATETIME2(3)", "DATETIME" } },
	{ COL("c", "smalldatetime", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 16, 0, true, 0), 0, false,
	  { "DATETIME2(0)", "SMALLDATETIME" } },
	{ COL("c", "datetime2", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 27, 7, true, 0), 0, false,
	  { "DATETIME2(7)", "DATETIME2(7)" } },
	{ COL("c", "timestamp", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 26, 6, true, 0), 0, false,
	  { "DATETIME2(6)", "DATETIME2(6)" } },
	{ COL("c", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 40, 0, true, 0), 0, false, { "NVARCHAR(40)", "VARCHAR(40)" } },
	{ COL("c", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 8000, 0, true, 0), 0, false,
	  { "NVARCHAR(MAX)", "VARCHAR(8000)" } },
	{ COL("c", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 0, 0, true, 0), 0, true, { "NVARCHAR(MAX)", "VARCHAR(MAX)" } },
	{ COL("c", "char", SQL_CHAR, RPL_CLASS_TEXT, 3, 0, true, 0), 0, false, { "NVARCHAR(3)", "CHAR(3)" } },
	{ COL("c", "nchar", SQL_WCHAR, RPL_CLASS_TEXT, 3, 0, true, 0), 0, false, { "NVARCHAR(3)", "NCHAR(3)" } },
	{ COL("c", "nvarchar", SQL_WVARCHAR, RPL_CLASS_TEXT, 4000, 0, true, 0), 0, false,
	  { "NVARCHAR(4000)", "NVARCHAR(4000)" } },
	{ COL("c", "nvarchar", SQL_WVARCHAR, RPL_CLASS_TEXT, 0, 0, true, 0), 0, true, { "NVARCHAR(MAX)", "NVARCHAR(MAX)" } },
	{ COL("c", "text", SQL_LONGVARCHAR, RPL_CLASS_TEXT, 2147483647, 0, true, 0), 0, true,
	  { "NVARCHAR(MAX)", "VARCHAR(MAX)" } },
	{ COL("c", "ntext", SQL_WLONGVARCHAR, RPL_CLASS_TEXT, 1073741823, 0, true, 0), 0, true,
	  { "NVARCHAR(MAX)", "NVARCHAR(MAX)" } },
	{ COL("c", "bool", SQL_BIT, RPL_CLASS_BOOL, 1, 0, true, 0), 0, false, { "BIT", "BIT" } },
	{ COL("c", "uuid", SQL_GUID, RPL_CLASS_GUID, 36, 0, true, 0), 0, false, { "UNIQUEIDENTIFIER", "UNIQUEIDENTIFIER" } },
	{ COL("c", "varbinary", SQL_VARBINARY, RPL_CLASS_BINARY, 16, 0, true, 0), 0, false,
	  { "VARBINARY(16)", "VARBINARY(16)" } },
	{ COL("c", "binary", SQL_BINARY, RPL_CLASS_BINARY, 16, 0, true, 0), 0, false, { "VARBINARY(16)", "BINARY(16)" } },
	{ COL("c", "timestamp", SQL_BINARY, RPL_CLASS_BINARY, 8, 0, false, 0), 0, false, { "VARBINARY(8)", "BINARY(8)" } },
	{ COL("c", "image", SQL_LONGVARBINARY, RPL_CLASS_BINARY, 2147483647, 0, true, 0), 0, true,
	  { "VARBINARY(MAX)", "VARBINARY(MAX)" } },
	{ COL("c", "bytea", SQL_LONGVARBINARY, RPL_CLASS_BINARY, 0, 0, true, 0), 0, true,
	  { "VARBINARY(MAX)", "VARBINARY(MAX)" } },
};

START_TEST(test_mssql_type)
{
	struct rpl_column c = tcases[_i].c;
	c.int_bytes = tcases[_i].int_bytes;
	c.is_long = tcases[_i].is_long;
	const enum rpl_engine from[2] = { PG, MSSQL };
	for (int k = 0; k < 2; k++) {
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_dialect_column_type(rpl_dialect_for(MSSQL), from[k], &c, &b);
		ck_assert_msg(strcmp(rpl_sbuf_str(&b), tcases[_i].want[k]) == 0, "case %d %s from %s: %s, want %s", _i,
		              c.type_name, rpl_engine_name(from[k]), rpl_sbuf_str(&b), tcases[_i].want[k]);
		rpl_sbuf_fini(&b);
	}
	/* the same-engine rule is SQL Server's own: a PostgreSQL target of a PostgreSQL
	 * source still gets the cross-engine names */
	struct rpl_sbuf a = RPL_SBUF_INIT, t = RPL_SBUF_INIT;
	rpl_dialect_column_type(rpl_dialect_for(PG), PG, &c, &a);
	rpl_dialect_for(PG)->type_name(&c, &t);
	ck_assert_str_eq(rpl_sbuf_str(&a), rpl_sbuf_str(&t));
	rpl_sbuf_fini(&a);
	rpl_sbuf_fini(&t);
}
END_TEST

/* A wide SQL Server table created from a SQL Server source: every kind at once, in
 * order, nullability and key included. */
START_TEST(test_mssql_create_wide)
{
	static struct rpl_column cols[] = {
		{ .name = "id", .type_name = "bigint identity", .sql_type = SQL_BIGINT, .cls = RPL_CLASS_INT,
		  .int_bytes = 8, .size = 19, .pk_pos = 1 },
		COL("sold_at", "datetime", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 23, 3, false, 0),
		COL("code", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 10, 0, true, 0),
		COL("note", "nvarchar", SQL_WVARCHAR, RPL_CLASS_TEXT, 0, 0, true, 0),
		COL("amount", "decimal", SQL_DECIMAL, RPL_CLASS_DECIMAL, 19, 4, false, 0),
		COL("guid", "uniqueidentifier", SQL_GUID, RPL_CLASS_GUID, 36, 0, true, 0),
		COL("ok", "bit", SQL_BIT, RPL_CLASS_BOOL, 1, 0, true, 0),
		COL("at2", "datetime2", SQL_TYPE_TIMESTAMP, RPL_CLASS_TIMESTAMP, 27, 7, true, 0),
		COL("d", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, true, 0),
		COL("img", "varbinary", SQL_VARBINARY, RPL_CLASS_BINARY, 0, 0, true, 0),
	};
	cols[3].is_long = true;
	cols[9].is_long = true;
	struct rpl_table t = { .name = "sales", .cols = cols, .ncols = sizeof cols / sizeof cols[0], .npk = 1 };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(MSSQL), .dst = rpl_dialect_for(MSSQL), .st = &t,
	                        .src_schema = "dbo", .src_table = "sales", .dst_schema = "dbo", .dst_table = "sales" };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b),
	                 "CREATE TABLE [dbo].[sales] ([id] BIGINT NOT NULL, [sold_at] DATETIME NOT NULL,"
	                 " [code] VARCHAR(10), [note] NVARCHAR(MAX), [amount] DECIMAL(19,4) NOT NULL,"
	                 " [guid] UNIQUEIDENTIFIER, [ok] BIT, [at2] DATETIME2(7), [d] DATE, [img] VARBINARY(MAX),"
	                 " CONSTRAINT [PK_sales] PRIMARY KEY CLUSTERED ([id]))");
	ck_assert_ptr_eq(rpl_sqlgen_identity_column(&t), &cols[0]);
	rpl_sbuf_fini(&b);
}
END_TEST

/* A key constraint's name holds at most 128 characters (not bytes). */
START_TEST(test_mssql_pk_name_length)
{
	char name[400] = "";
	for (int i = 0; i < 130; i++)
		strcat(name, "é");                  /* 130 characters, 260 bytes */
	struct rpl_sqlgen g = { .src = rpl_dialect_for(PG), .dst = rpl_dialect_for(MSSQL), .st = &small,
	                        .src_table = "sales", .dst_table = name };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_create_table(&g, &b);
	const char *pk = strstr(rpl_sbuf_str(&b), "CONSTRAINT [PK_");
	ck_assert_ptr_nonnull(pk);
	pk += strlen("CONSTRAINT [");
	const char *end = strchr(pk, ']');
	ck_assert_ptr_nonnull(end);
	size_t chars = 0;
	for (const char *p = pk; p < end; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	ck_assert_uint_eq(chars, 128);
	rpl_sbuf_fini(&b);
}
END_TEST

/* --- statements that take no catalog ---------------------------------------------- */

enum other { SP_SET, SP_ROLLBACK, SP_RELEASE, IDX_LIST, IDX_LIST_KEEP, IDX_DISABLE, IDX_REBUILD, COLUMNS, IDENT_ON, IDENT_OFF,
             LIT };

static const struct {
	const char *label;
	enum other kind;
	enum rpl_engine e;
	const char *schema, *table, *arg;
	bool ok;             /* false: the engine has no such statement, nothing appended */
	const char *want;
} ocases[] = {
	{ "mssql savepoint", SP_SET, MSSQL, NULL, NULL, "rpl_batch", true, "SAVE TRANSACTION rpl_batch" },
	{ "mssql rollback to savepoint", SP_ROLLBACK, MSSQL, NULL, NULL, "rpl_batch", true,
	  "ROLLBACK TRANSACTION rpl_batch" },
	{ "mssql has no release", SP_RELEASE, MSSQL, NULL, NULL, "rpl_batch", false, "" },
	{ "postgresql savepoint", SP_SET, PG, NULL, NULL, "rpl_batch", true, "SAVEPOINT rpl_batch" },
	{ "mariadb rollback to savepoint", SP_ROLLBACK, MARIA, NULL, NULL, "rpl_batch", true,
	  "ROLLBACK TO SAVEPOINT rpl_batch" },
	{ "sqlite release", SP_RELEASE, LITE, NULL, NULL, "rpl_batch", true, "RELEASE SAVEPOINT rpl_batch" },

	{ "mssql index list", IDX_LIST, MSSQL, "dbo", "sales", NULL, true,
	  "SELECT i.name, i.type_desc FROM sys.indexes AS i WHERE i.object_id = OBJECT_ID(N'[dbo].[sales]')"
	  " AND i.type = 2 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_unique = 0"
	  " AND i.is_disabled = 0 AND i.is_hypothetical = 0 ORDER BY i.name" },
	{ "mssql index list, default schema, quotes", IDX_LIST, MSSQL, NULL, "it's]", NULL, true,
	  "SELECT i.name, i.type_desc FROM sys.indexes AS i WHERE i.object_id = OBJECT_ID(N'[it''s]]]')"
	  " AND i.type = 2 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_unique = 0"
	  " AND i.is_disabled = 0 AND i.is_hypothetical = 0 ORDER BY i.name" },
	/* SQL Server cannot run here: its "keep the date index" clause is checked as text */
	{ "mssql index list keeping what leads with the date column", IDX_LIST_KEEP, MSSQL, "dbo", "sales", "sale_date", true,
	  "SELECT i.name, i.type_desc FROM sys.indexes AS i WHERE i.object_id = OBJECT_ID(N'[dbo].[sales]')"
	  " AND i.type = 2 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0 AND i.is_unique = 0"
	  " AND i.is_disabled = 0 AND i.is_hypothetical = 0 AND NOT EXISTS (SELECT 1 FROM sys.index_columns AS ic"
	  " JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE ic.object_id ="
	  " i.object_id AND ic.index_id = i.index_id AND ic.key_ordinal = 1 AND c.name = N'sale_date') ORDER BY i.name" },
	{ "mssql disable", IDX_DISABLE, MSSQL, "dbo", "sales", "ix_sales_date", true,
	  "ALTER INDEX [ix_sales_date] ON [dbo].[sales] DISABLE" },
	{ "mssql disable, quoting", IDX_DISABLE, MSSQL, "x]y", "sa]es", "ix]1", true,
	  "ALTER INDEX [ix]]1] ON [x]]y].[sa]]es] DISABLE" },
	{ "mssql rebuild", IDX_REBUILD, MSSQL, "dbo", "sales", "ix_sales_date", true,
	  "ALTER INDEX [ix_sales_date] ON [dbo].[sales] REBUILD" },
	{ "postgresql has no rebuild statement", IDX_REBUILD, PG, "public", "sales", "ix", false, "" },
	{ "postgresql drop", IDX_DISABLE, PG, "public", "sales", "ix", true, "DROP INDEX IF EXISTS \"public\".\"ix\"" },
	{ "mariadb drop", IDX_DISABLE, MARIA, NULL, "sales", "ix", true,
	  "ALTER TABLE `sales` DROP INDEX IF EXISTS `ix`" },
	{ "sqlite drop", IDX_DISABLE, LITE, NULL, "sales", "ix", true, "DROP INDEX IF EXISTS \"ix\"" },
	{ "sqlite index list", IDX_LIST, LITE, NULL, "sales", NULL, true,
	  "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
	  " AND upper(sql) NOT LIKE 'CREATE UNIQUE%' AND tbl_name = 'sales' ORDER BY 1" },

	{ "mssql columns", COLUMNS, MSSQL, "dbo", "sales", NULL, true,
	  "SELECT c.column_id, c.name, TYPE_NAME(c.system_type_id) AS base_type, t.name AS declared_type,"
	  " c.max_length, c.precision, c.scale, c.is_nullable, c.is_identity, c.is_computed FROM sys.columns AS c"
	  " JOIN sys.types AS t ON t.user_type_id = c.user_type_id WHERE c.object_id = OBJECT_ID(N'[dbo].[sales]')"
	  " ORDER BY c.column_id" },
	{ "mssql identity insert on", IDENT_ON, MSSQL, "dbo", "sales", NULL, true, "SET IDENTITY_INSERT [dbo].[sales] ON" },
	{ "mssql identity insert off", IDENT_OFF, MSSQL, NULL, "sales", NULL, true, "SET IDENTITY_INSERT [sales] OFF" },
	{ "postgresql has no identity insert", IDENT_ON, PG, NULL, "sales", NULL, false, "" },

	{ "mssql literal", LIT, MSSQL, NULL, NULL, "it's a \\ test", true, "N'it''s a \\ test'" },
	{ "mariadb literal", LIT, MARIA, NULL, NULL, "it's a \\ test", true, "'it''s a \\\\ test'" },
	{ "postgresql literal", LIT, PG, NULL, NULL, "it's a \\ test", true, "'it''s a \\ test'" },
	{ "mssql empty literal", LIT, MSSQL, NULL, NULL, "", true, "N''" },
};

START_TEST(test_other)
{
	const struct rpl_dialect *d = rpl_dialect_for(ocases[_i].e);
	const char *s = ocases[_i].schema, *t = ocases[_i].table, *a = ocases[_i].arg;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	bool ok = true;
	switch (ocases[_i].kind) {
	case SP_SET: ok = rpl_sqlgen_savepoint(d, RPL_SAVEPOINT_SET, a, &b); break;
	case SP_ROLLBACK: ok = rpl_sqlgen_savepoint(d, RPL_SAVEPOINT_ROLLBACK, a, &b); break;
	case SP_RELEASE: ok = rpl_sqlgen_savepoint(d, RPL_SAVEPOINT_RELEASE, a, &b); break;
	case IDX_LIST: rpl_sqlgen_index_list(d, s, t, &b); break;
	case IDX_LIST_KEEP: rpl_sqlgen_index_list_keep(d, s, t, a, &b); break;
	case IDX_DISABLE: rpl_sqlgen_index_disable(d, s, t, a, &b); break;
	case IDX_REBUILD: ok = rpl_sqlgen_index_rebuild(d, s, t, a, &b); break;
	case COLUMNS: rpl_sqlgen_mssql_columns(s, t, &b); break;
	case IDENT_ON: ok = rpl_sqlgen_identity_insert(d, s, t, true, &b); break;
	case IDENT_OFF: ok = rpl_sqlgen_identity_insert(d, s, t, false, &b); break;
	case LIT: rpl_dialect_lit(d, a, &b); break;
	}
	ck_assert(rpl_sbuf_ok(&b));
	ck_assert_msg(ok == ocases[_i].ok, "%s: returned %d", ocases[_i].label, ok);
	ck_assert_msg(strcmp(rpl_sbuf_str(&b), ocases[_i].want) == 0, "%s:\n got  %s\n want %s", ocases[_i].label,
	              rpl_sbuf_str(&b), ocases[_i].want);
	rpl_sbuf_fini(&b);
}
END_TEST

/* --- the ledger ------------------------------------------------------------------- */

static const char *const mssql_ledger[] = {
	"IF OBJECT_ID(N'replicad_jobs', N'U') IS NULL CREATE TABLE replicad_jobs ("
	" id varchar(64) NOT NULL PRIMARY KEY, table_name varchar(512) NOT NULL, kind varchar(16) NOT NULL,"
	" range_start varchar(10) NOT NULL, range_end varchar(10) NOT NULL, state varchar(16) NOT NULL,"
	" submitted_at varchar(32) NOT NULL, started_at varchar(32), finished_at varchar(32),"
	" rows_read bigint, rows_written bigint, rows_rejected bigint)",
	"IF OBJECT_ID(N'replicad_partitions', N'U') IS NULL CREATE TABLE replicad_partitions ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" range_end varchar(10) NOT NULL, state varchar(16) NOT NULL, attempts integer NOT NULL,"
	" rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
	" ms_delete bigint, ms_disable_idx bigint, ms_insert bigint, ms_commit bigint,"
	" ms_rebuild_idx bigint, ms_total bigint, last_error varchar(2000), updated_at varchar(32),"
	" PRIMARY KEY (job_id, table_name, range_start))",
	"IF OBJECT_ID(N'replicad_indexes', N'U') IS NULL CREATE TABLE replicad_indexes ("
	" table_name varchar(512) NOT NULL, index_name varchar(256) NOT NULL, definition varchar(4000) NOT NULL,"
	" saved_at varchar(32) NOT NULL, PRIMARY KEY (table_name, index_name))",
	"IF OBJECT_ID(N'replicad_nodes', N'U') IS NULL CREATE TABLE replicad_nodes ("
	" node varchar(256) NOT NULL, pid integer NOT NULL, heartbeat bigint, PRIMARY KEY (node, pid))",
	"IF OBJECT_ID(N'replicad_claims', N'U') IS NULL CREATE TABLE replicad_claims ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" claim_no integer NOT NULL, owner_node varchar(256) NOT NULL, owner_pid integer NOT NULL,"
	" claimed_at bigint NOT NULL, released_at bigint, outcome varchar(16),"
	" PRIMARY KEY (job_id, table_name, range_start, claim_no))",
	"IF OBJECT_ID(N'replicad_lock', N'U') IS NULL CREATE TABLE replicad_lock ("
	" name varchar(64) NOT NULL PRIMARY KEY, n bigint NOT NULL)",
};

START_TEST(test_ledger_ddl)
{
	size_t i = 0;
	for (;; i++) {
		struct rpl_sbuf m = RPL_SBUF_INIT, p = RPL_SBUF_INIT;
		bool more = rpl_ledger_ddl(rpl_dialect_for(MSSQL), i, &m);
		ck_assert(more == rpl_ledger_ddl(rpl_dialect_for(PG), i, &p));
		if (!more) {
			ck_assert_str_eq(rpl_sbuf_str(&m), "");
			break;
		}
		ck_assert_uint_lt(i, sizeof mssql_ledger / sizeof mssql_ledger[0]);
		ck_assert_msg(strcmp(rpl_sbuf_str(&m), mssql_ledger[i]) == 0, "statement %zu:\n got  %s\n want %s", i,
		              rpl_sbuf_str(&m), mssql_ledger[i]);
		/* the other engines keep IF NOT EXISTS, and the same table */
		ck_assert_msg(strncmp(rpl_sbuf_str(&p), "CREATE TABLE IF NOT EXISTS replicad_", 36) == 0, "%s",
		              rpl_sbuf_str(&p));
		ck_assert_str_eq(strstr(rpl_sbuf_str(&p), " ("), strstr(mssql_ledger[i], " ("));
		rpl_sbuf_fini(&m);
		rpl_sbuf_fini(&p);
	}
	ck_assert_uint_eq(i, sizeof mssql_ledger / sizeof mssql_ledger[0]);
}
END_TEST

/* The bound on an open's wait for replicad_lock's row (ledger_open.c, docs/jobs.md):
 * PostgreSQL's for the open's transaction, SQL Server's for the session until it is
 * taken off again (-1: wait as long as it takes, the server's default); MariaDB and
 * SQLite end such waits themselves and get no statement. */
START_TEST(test_ledger_lock_wait)
{
	char sql[80];
	ck_assert(rpl_ledger_lock_wait_sql(rpl_dialect_for(PG), 30000, true, sql, sizeof sql));
	ck_assert_str_eq(sql, "SET LOCAL lock_timeout = 30000");
	ck_assert(rpl_ledger_lock_wait_sql(rpl_dialect_for(PG), 30000, false, sql, sizeof sql));
	ck_assert_str_eq(sql, "SET LOCAL lock_timeout = DEFAULT");
	ck_assert(rpl_ledger_lock_wait_sql(rpl_dialect_for(MSSQL), 45000, true, sql, sizeof sql));
	ck_assert_str_eq(sql, "SET LOCK_TIMEOUT 45000");
	ck_assert(rpl_ledger_lock_wait_sql(rpl_dialect_for(MSSQL), 45000, false, sql, sizeof sql));
	ck_assert_str_eq(sql, "SET LOCK_TIMEOUT -1");
	ck_assert(!rpl_ledger_lock_wait_sql(rpl_dialect_for(RPL_ENGINE_MARIADB), 30000, true, sql, sizeof sql));
	ck_assert(!rpl_ledger_lock_wait_sql(rpl_dialect_for(RPL_ENGINE_SQLITE), 30000, true, sql, sizeof sql));
}
END_TEST

/* Retryable SQL Server errors (docs/jobs.md): deadlock victim 1205, lock
 * request timeout 1222, lost connection 08S01; a constraint violation is not. */
START_TEST(test_mssql_retryable)
{
	const struct rpl_dialect *d = rpl_dialect_for(MSSQL);
	ck_assert(rpl_dialect_retryable(d, "40001", 1205));
	ck_assert(rpl_dialect_retryable(d, "HY000", 1222));
	ck_assert(rpl_dialect_retryable(d, "08S01", 0));
	ck_assert(rpl_dialect_retryable(d, "08001", 0));
	ck_assert(!rpl_dialect_retryable(d, "23000", 2627));
	ck_assert(!rpl_dialect_retryable(d, "22007", 242));
	ck_assert_int_eq(d->delete_batch, 50000);
}
END_TEST

/* Created tables (issue #15, docs/engines.md "Type mapping"): a column as the catalog
 * leaves it (SQLColumns, then coltypes.c: the declared type, the kind, PostgreSQL's
 * sizes) and the type each target engine gets. Same engine: the declaration itself;
 * across engines: a type that holds every value. */
static const struct created_case {
	enum rpl_engine src;
	const char *decl;
	const char *cat, *base;   /* PostgreSQL: typcategory and domain-resolved type name; MariaDB: DATA_TYPE in base */
	enum rpl_class cls;
	int sql_type;
	long size;
	int scale, int_bytes;
	bool is_long;
	const char *want[4];      /* PostgreSQL, MariaDB, SQLite, SQL Server */
} created_cases[] = {
	{ PG, "ct_mood", "E", "ct_mood", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "ct_mood", "varchar(63)", "VARCHAR(63)", "NVARCHAR(63)" } },
	{ PG, "ct_mood[]", "A", "_ct_mood", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "ct_mood[]", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "text[]", "A", "_text", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "text[]", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "jsonb", "U", "jsonb", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "jsonb", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "json", "U", "json", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "json", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "interval", "T", "interval", RPL_CLASS_TEXT, SQL_VARCHAR, 32, 0, 0, false,
	  { "interval", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "inet", "I", "inet", RPL_CLASS_TEXT, SQL_VARCHAR, 50, 0, 0, false,
	  { "inet", "varchar(43)", "VARCHAR(43)", "NVARCHAR(43)" } },
	{ PG, "cidr", "I", "cidr", RPL_CLASS_TEXT, SQL_VARCHAR, 50, 0, 0, false,
	  { "cidr", "varchar(43)", "VARCHAR(43)", "NVARCHAR(43)" } },
	{ PG, "macaddr", "U", "macaddr", RPL_CLASS_TEXT, SQL_VARCHAR, 17, 0, 0, false,
	  { "macaddr", "varchar(17)", "VARCHAR(17)", "NVARCHAR(17)" } },
	{ PG, "money", "N", "money", RPL_CLASS_DOUBLE, SQL_FLOAT, 10, 0, 0, false,
	  { "money", "decimal(19,2)", "DECIMAL_TEXT(19,2)", "DECIMAL(19,2)" } },
	{ PG, "bit(3)", "V", "bit", RPL_CLASS_TEXT, SQL_VARCHAR, 3, 0, 0, false,
	  { "bit(3)", "varchar(3)", "VARCHAR(3)", "NVARCHAR(3)" } },
	{ PG, "bit varying(10)", "V", "varbit", RPL_CLASS_TEXT, SQL_VARCHAR, 6, 0, 0, false,
	  { "bit varying(10)", "varchar(10)", "VARCHAR(10)", "NVARCHAR(10)" } },
	{ PG, "bit varying", "V", "varbit", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "bit varying", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "tsvector", "U", "tsvector", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "tsvector", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "point", "G", "point", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "point", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "xml", "U", "xml", RPL_CLASS_TEXT, SQL_LONGVARCHAR, 65535, 0, 0, true,
	  { "xml", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "character(20)", "S", "bpchar", RPL_CLASS_TEXT, SQL_CHAR, 20, 0, 0, false,
	  { "character(20)", "varchar(20)", "VARCHAR(20)", "NVARCHAR(20)" } },
	{ PG, "character varying", "S", "varchar", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "character varying", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "real", "N", "float4", RPL_CLASS_DOUBLE, SQL_REAL, 9, 0, 0, false,
	  { "real", "double", "DOUBLE", "FLOAT" } },
	{ PG, "timestamp with time zone", "D", "timestamptz", RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 26, 6, 0, false,
	  { "timestamp with time zone", "datetime(6)", "TIMESTAMP", "DATETIME2(6)" } },
	{ PG, "time with time zone", "D", "timetz", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "time with time zone", "varchar(24)", "VARCHAR(24)", "NVARCHAR(24)" } },
	{ PG, "ct_posint", "N", "numeric", RPL_CLASS_DECIMAL, SQL_NUMERIC, 10, 2, 0, false,
	  { "ct_posint", "decimal(10,2)", "DECIMAL_TEXT(10,2)", "DECIMAL(10,2)" } },
	{ PG, "uuid", "U", "uuid", RPL_CLASS_GUID, SQL_GUID, 37, 0, 0, false,
	  { "uuid", "char(36)", "VARCHAR(36)", "UNIQUEIDENTIFIER" } },
	{ PG, "oid", "N", "oid", RPL_CLASS_INT, SQL_INTEGER, 10, 0, 4, false, { "oid", "bigint", "BIGINT", "BIGINT" } },
	{ PG, "int4range", "R", "int4range", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "int4range", "longtext", "TEXT", "NVARCHAR(MAX)" } },
	{ PG, "macaddr8", "U", "macaddr8", RPL_CLASS_TEXT, SQL_VARCHAR, 65535, 0, 0, false,
	  { "macaddr8", "varchar(23)", "VARCHAR(23)", "NVARCHAR(23)" } },
	{ MARIA, "enum('small','medium','it''s') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", NULL, "enum",
	  RPL_CLASS_TEXT, SQL_WCHAR, 6, 0, 0, false,
	  { "varchar(6)", "enum('small','medium','it''s') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
	    "VARCHAR(6)", "NVARCHAR(6)" } },
	{ MARIA, "set('a','b','c') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", NULL, "set",
	  RPL_CLASS_TEXT, SQL_WCHAR, 5, 0, 0, false,
	  { "varchar(5)", "set('a','b','c') CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci", "VARCHAR(5)", "NVARCHAR(5)" } },
	{ MARIA, "year(4)", NULL, "year", RPL_CLASS_INT, SQL_SMALLINT, 4, 0, 2, false,
	  { "smallint", "year(4)", "SMALLINT", "SMALLINT" } },
	{ MARIA, "bit(1)", NULL, "bit", RPL_CLASS_BOOL, SQL_BIT, 1, 0, 0, false, { "boolean", "bit(1)", "BOOLEAN", "BIT" } },
	{ MARIA, "bit(64)", NULL, "bit", RPL_CLASS_BINARY, SQL_BINARY, 9, 0, 0, false,
	  { "bytea", "bit(64)", "BLOB", "VARBINARY(9)" } },
	{ MARIA, "tinyint(3) unsigned", NULL, "tinyint", RPL_CLASS_INT, SQL_TINYINT, 3, 0, 2, false,
	  { "smallint", "tinyint(3) unsigned", "SMALLINT", "SMALLINT" } },
	{ MARIA, "bigint(20) unsigned", NULL, "bigint", RPL_CLASS_DECIMAL, SQL_DECIMAL, 20, 0, 0, false,
	  { "numeric(20,0)", "bigint(20) unsigned", "DECIMAL_TEXT(20,0)", "DECIMAL(20,0)" } },
	{ MARIA, "timestamp(3)", NULL, "timestamp", RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 19, 3, 0, false,
	  { "timestamp(3)", "timestamp(3)", "TIMESTAMP", "DATETIME2(3)" } },
	{ MARIA, "geometry", NULL, "geometry", RPL_CLASS_BINARY, SQL_LONGVARBINARY, 0, 0, 0, true,
	  { "bytea", "geometry", "BLOB", "VARBINARY(MAX)" } },
	{ MARIA, "float", NULL, "float", RPL_CLASS_DOUBLE, SQL_REAL, 7, 0, 0, false, { "real", "float", "DOUBLE", "FLOAT" } },
	{ MARIA, "time(6)", NULL, "time", RPL_CLASS_TIME, SQL_TYPE_TIME, 8, 0, 0, false,
	  { "interval", "time(6)", "TIME", "TIME(7)" } },
	{ MARIA, "json", NULL, "json", RPL_CLASS_TEXT, SQL_WLONGVARCHAR, 0, 0, 0, true,
	  { "text", "json", "TEXT", "NVARCHAR(MAX)" } },
	{ MARIA, "varchar(20) CHARACTER SET latin1 COLLATE latin1_german2_ci", NULL, "varchar",
	  RPL_CLASS_TEXT, SQL_WVARCHAR, 20, 0, 0, false,
	  { "varchar(20)", "varchar(20) CHARACTER SET latin1 COLLATE latin1_german2_ci", "VARCHAR(20)", "NVARCHAR(20)" } },
	/* SQL Server to SQL Server: a REAL stays REAL (only other engines' floats need FLOAT) */
	{ MSSQL, "", NULL, NULL, RPL_CLASS_DOUBLE, SQL_REAL, 24, 0, 0, false, { "real", "double", "DOUBLE", "REAL" } },
	{ LITE, "INTEGER", NULL, NULL, RPL_CLASS_INT, SQL_BIGINT, 19, 0, 8, false, { "bigint", "bigint", "INTEGER", "BIGINT" } },
	{ LITE, "NVARCHAR(50)", NULL, NULL, RPL_CLASS_TEXT, SQL_VARCHAR, 50, 0, 0, false,
	  { "varchar(50)", "varchar(50)", "NVARCHAR(50)", "NVARCHAR(50)" } },
	{ LITE, "DECIMAL(10,2)", NULL, NULL, RPL_CLASS_DECIMAL, SQL_DECIMAL, 10, 2, 0, false,
	  { "numeric(10,2)", "decimal(10,2)", "DECIMAL(10,2)", "DECIMAL(10,2)" } },
	{ LITE, "DATETIME", NULL, NULL, RPL_CLASS_TIMESTAMP, SQL_TYPE_TIMESTAMP, 3, 9, 0, false,
	  { "timestamp(6)", "datetime(6)", "DATETIME", "DATETIME2(7)" } },
	{ LITE, "BOOLEAN", NULL, NULL, RPL_CLASS_BOOL, SQL_BIT, 1, 0, 0, false, { "boolean", "boolean", "BOOLEAN", "BIT" } },
};

START_TEST(test_created_type)
{
	static const enum rpl_engine targets[4] = { PG, MARIA, LITE, MSSQL };
	const struct created_case *k = &created_cases[_i];
	struct rpl_column c;
	memset(&c, 0, sizeof c);
	snprintf(c.name, sizeof c.name, "c");
	snprintf(c.decl, sizeof c.decl, "%s", k->decl);
	c.cls = k->cls;
	c.sql_type = k->sql_type;
	c.size = k->size;
	c.scale = k->scale;
	c.int_bytes = k->int_bytes;
	c.is_long = k->is_long;
	c.nullable = true;
	if (k->src == PG)
		rpl_coltypes_pg_apply(&c, k->cat, k->base);
	else if (k->src == MARIA)
		c.kind = rpl_coltypes_maria_kind(k->base);
	for (int t = 0; t < 4; t++) {
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_dialect_column_type(rpl_dialect_for(targets[t]), k->src, &c, &b);
		ck_assert(rpl_sbuf_ok(&b));
		ck_assert_msg(strcmp(rpl_sbuf_str(&b), k->want[t]) == 0, "case %d (%s from %s) into %s: %s, want %s", _i,
		              k->decl, rpl_engine_name(k->src), rpl_engine_name(targets[t]), rpl_sbuf_str(&b), k->want[t]);
		rpl_sbuf_fini(&b);
	}
}
END_TEST

/* SQLite to SQLite: an INTEGER PRIMARY KEY stays the rowid (declared in line, as a
 * table constraint it would be too, but this is how users read it) and the other
 * declarations are verbatim; PostgreSQL money is read as numeric. */
/* a text or binary key created in MariaDB or SQL Server: a bounded type, within the
 * engine's key length (a SQLite TEXT or PostgreSQL text key had failed the run:
 * "BLOB/TEXT column used in key specification without a key length") */
START_TEST(test_created_text_key)
{
	struct rpl_column kc[] = {
		{ .name = "k", .decl = "text", .cls = RPL_CLASS_TEXT, .is_long = true, .pk_pos = 1 },
		{ .name = "b", .decl = "bytea", .cls = RPL_CLASS_BINARY, .is_long = true, .pk_pos = 2 },
		{ .name = "n", .decl = "integer", .cls = RPL_CLASS_INT, .int_bytes = 4, .pk_pos = 3 },
		{ .name = "v", .decl = "text", .cls = RPL_CLASS_TEXT, .is_long = true, .nullable = true },
		{ .name = "s", .decl = "varchar(20)", .cls = RPL_CLASS_TEXT, .size = 20, .pk_pos = 4 },
	};
	struct rpl_table kt = { .name = "t", .cols = kc, .ncols = 5, .npk = 4 };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(PG), .dst = rpl_dialect_for(MARIA), .st = &kt,
	                        .src_table = "t", .dst_table = "t" };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_create_table(&g, &b);
	/* 3072 bytes less the int's 16 and varchar(20)'s 80, shared by k and b: 1488 bytes
	 * each, 372 characters of utf8mb4 */
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "`k` varchar(372) NOT NULL, `b` varbinary(1488) NOT NULL, `n` int NOT NULL, "
	                                       "`v` longtext, `s` varchar(20) NOT NULL") != NULL, "%s", rpl_sbuf_str(&b));
	g.dst = rpl_dialect_for(MSSQL);
	rpl_sbuf_reset(&b);
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "[k] NVARCHAR(147) NOT NULL, [b] VARBINARY(294) NOT NULL, [n] INT NOT NULL, "
	                                       "[v] NVARCHAR(MAX), [s] NVARCHAR(20) NOT NULL") != NULL, "%s", rpl_sbuf_str(&b));
	g.src = g.dst = rpl_dialect_for(MARIA);   /* a MariaDB BLOB key on a prefix, PRIMARY KEY (b(16)) */
	rpl_sbuf_reset(&b);
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "`b` varbinary(1488) NOT NULL") != NULL, "%s", rpl_sbuf_str(&b));
	/* a review's key: three varchar(255) beside a text take 3060 of MariaDB's bytes */
	struct rpl_column wc[] = {
		{ .name = "a", .decl = "varchar(255)", .cls = RPL_CLASS_TEXT, .size = 255, .pk_pos = 1 },
		{ .name = "b", .decl = "varchar(255)", .cls = RPL_CLASS_TEXT, .size = 255, .pk_pos = 2 },
		{ .name = "c", .decl = "varchar(255)", .cls = RPL_CLASS_TEXT, .size = 255, .pk_pos = 3 },
		{ .name = "t", .decl = "text", .cls = RPL_CLASS_TEXT, .is_long = true, .pk_pos = 4 },
	};
	struct rpl_table wt = { .name = "t", .cols = wc, .ncols = 4, .npk = 4 };
	g = (struct rpl_sqlgen){ .src = rpl_dialect_for(PG), .dst = rpl_dialect_for(MARIA), .st = &wt, .src_table = "t",
	                         .dst_table = "t" };
	rpl_sbuf_reset(&b);
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "`c` varchar(255) NOT NULL, `t` varchar(3) NOT NULL") != NULL, "%s",
	              rpl_sbuf_str(&b));
	g.st = &kt;
	g.src = rpl_dialect_for(PG);
	g.dst = rpl_dialect_for(PG);   /* PostgreSQL's keys take text */
	rpl_sbuf_reset(&b);
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "\"k\" text NOT NULL") != NULL, "%s", rpl_sbuf_str(&b));
	rpl_sbuf_fini(&b);
}
END_TEST

START_TEST(test_created_table_text)
{
	struct rpl_column lc[] = {
		{ .name = "id", .decl = "INTEGER", .kind = RPL_KIND_ROWID, .cls = RPL_CLASS_INT, .int_bytes = 8, .pk_pos = 1 },
		{ .name = "name", .decl = "NVARCHAR(50)", .cls = RPL_CLASS_TEXT, .size = 50 },
		{ .name = "price", .decl = "DECIMAL(10,2)", .cls = RPL_CLASS_DECIMAL, .size = 10, .scale = 2, .nullable = true },
	};
	struct rpl_table lt = { .name = "t", .cols = lc, .ncols = 3, .npk = 1 };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(LITE), .dst = rpl_dialect_for(LITE), .st = &lt,
	                        .src_table = "t", .dst_table = "t" };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "CREATE TABLE \"t\" (\"id\" INTEGER PRIMARY KEY, \"name\" NVARCHAR(50) NOT NULL,"
	                                   " \"price\" DECIMAL(10,2))");
	/* into PostgreSQL the key is an ordinary bigint key */
	g.dst = rpl_dialect_for(PG);
	rpl_sbuf_reset(&b);
	rpl_sqlgen_create_table(&g, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "CREATE TABLE \"t\" (\"id\" bigint NOT NULL, \"name\" varchar(50) NOT NULL,"
	                                   " \"price\" numeric(10,2), PRIMARY KEY (\"id\"))");
	struct rpl_column pc[] = {
		{ .name = "m", .decl = "money", .kind = RPL_KIND_MONEY, .cls = RPL_CLASS_DECIMAL, .size = 19, .scale = 2 },
	};
	struct rpl_table pt = { .name = "t", .cols = pc, .ncols = 1 };
	g = (struct rpl_sqlgen){ .src = rpl_dialect_for(PG), .dst = rpl_dialect_for(MARIA), .st = &pt,
	                         .src_table = "t", .dst_table = "t" };
	struct rpl_range all = { .all = true };
	rpl_sbuf_reset(&b);
	rpl_sqlgen_copy_out(&g, &all, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "COPY (SELECT \"m\"::numeric FROM \"t\") TO STDOUT");
	/* into a MariaDB BIT(1) the text "1" would be the byte 0x31: a number goes
	 * through CAST; a BIT(64) source's bytes go in as they are */
	struct rpl_column bs[] = {
		{ .name = "id", .cls = RPL_CLASS_INT, .int_bytes = 4 },
		{ .name = "b1", .cls = RPL_CLASS_BOOL },
		{ .name = "b64", .cls = RPL_CLASS_BINARY, .size = 9 },
	};
	struct rpl_column bd[] = {
		{ .name = "id", .cls = RPL_CLASS_INT, .int_bytes = 4 },
		{ .name = "b1", .cls = RPL_CLASS_BOOL, .kind = RPL_KIND_BITS },
		{ .name = "b64", .cls = RPL_CLASS_BINARY, .kind = RPL_KIND_BITS },
	};
	struct rpl_table bst = { .name = "t", .cols = bs, .ncols = 3 }, bdt = { .name = "t", .cols = bd, .ncols = 3 };
	g = (struct rpl_sqlgen){ .src = rpl_dialect_for(MARIA), .dst = rpl_dialect_for(MARIA), .st = &bst, .dt = &bdt,
	                         .src_table = "t", .dst_table = "t" };
	rpl_sbuf_reset(&b);
	rpl_sqlgen_load_data(&g, "/f", &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "LOAD DATA LOCAL INFILE '/f' INTO TABLE `t` CHARACTER SET binary FIELDS TERMINATED BY"
	                                   " '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (`id`, @rpl_bit1, `b64`)"
	                                   " SET `b1` = CAST(@rpl_bit1 AS UNSIGNED)");
	rpl_sbuf_fini(&b);
}
END_TEST

/* A created table's indexes (lib/core/createidx.h) as each target gets them: column
 * lists, IF NOT EXISTS (SQL Server: a sys.indexes guard), MariaDB prefixes on TEXT,
 * SQL Server's filtered unique index for nullable columns; NULL: left out. */
static struct rpl_column ix_cols[] = {
	{ .name = "code", .cls = RPL_CLASS_TEXT, .is_long = true, .nullable = true },
	{ .name = "a", .cls = RPL_CLASS_INT, .int_bytes = 4, .nullable = true },
	{ .name = "b", .cls = RPL_CLASS_TEXT, .size = 20, .nullable = true },
	{ .name = "k", .cls = RPL_CLASS_INT, .int_bytes = 8 },
};
static const struct rpl_table ix_table = { .name = "t", .cols = ix_cols, .ncols = 4 };
static const struct index_case {
	enum rpl_engine src, dst;
	struct rpl_srcindex ix;
	const char *want;     /* NULL: left out */
} index_cases[] = {
	{ PG, PG, { .name = "t_code_u", .unique = true, .ncols = 1, .cols = { "code" } },
	  "CREATE UNIQUE INDEX IF NOT EXISTS \"t_code_u\" ON \"s\".\"t\" (\"code\")" },
	{ PG, MARIA, { .name = "t_code_u", .unique = true, .ncols = 1, .cols = { "code" } }, NULL },
	{ PG, MARIA, { .name = "t_code_a", .ncols = 2, .cols = { "code", "a" } },
	  "ALTER TABLE `s`.`t` ADD INDEX IF NOT EXISTS `t_code_a` (`code`(255), `a`)" },
	{ PG, LITE, { .name = "t_lower", .ncols = 1, .cols = { "" }, .skip = "expression" }, NULL },
	{ PG, PG, { .name = "t_gin", .ncols = 1, .cols = { "code" }, .skip = "gin" }, NULL },
	{ PG, PG, { .name = "t_gone", .ncols = 1, .cols = { "nope" } }, NULL },
	{ LITE, LITE, { .name = "sqlite_autoindex_t_1", .unique = true, .ncols = 2, .cols = { "a", "b" } },
	  "CREATE UNIQUE INDEX IF NOT EXISTS \"t_a_b_key\" ON \"t\" (\"a\", \"b\")" },
	{ MARIA, MARIA, { .name = "t_b5", .unique = true, .ncols = 1, .cols = { "b" }, .prefix = { 5 } },
	  "ALTER TABLE `s`.`t` ADD UNIQUE INDEX IF NOT EXISTS `t_b5` (`b`(5))" },
	{ MARIA, PG, { .name = "t_b5", .unique = true, .ncols = 1, .cols = { "b" }, .prefix = { 5 } }, NULL },
	{ MARIA, PG, { .name = "t_b5", .ncols = 1, .cols = { "b" }, .prefix = { 5 } },
	  "CREATE INDEX IF NOT EXISTS \"t_b5\" ON \"s\".\"t\" (\"b\")" },
	{ PG, MSSQL, { .name = "t_a_b", .unique = true, .ncols = 2, .cols = { "a", "b" } },
	  "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[s].[t]') AND name = N't_a_b')"
	  " CREATE UNIQUE NONCLUSTERED INDEX [t_a_b] ON [s].[t] ([a], [b]) WHERE [a] IS NOT NULL AND [b] IS NOT NULL" },
	{ PG, MSSQL, { .name = "t_k", .unique = true, .ncols = 1, .cols = { "k" } },
	  "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(N'[s].[t]') AND name = N't_k')"
	  " CREATE UNIQUE NONCLUSTERED INDEX [t_k] ON [s].[t] ([k])" },
	{ PG, MSSQL, { .name = "t_code", .ncols = 1, .cols = { "code" } }, NULL },
};

START_TEST(test_created_index)
{
	const struct index_case *k = &index_cases[_i];
	struct rpl_sbuf b = RPL_SBUF_INIT;
	char why[300] = "";
	const char *schema = k->dst == LITE ? NULL : "s";
	bool ok = rpl_createidx_sql(rpl_dialect_for(k->dst), k->src, &ix_table, schema, "t", &k->ix, &b, why, sizeof why);
	if (k->want == NULL) {
		ck_assert_msg(!ok, "case %d: %s, want it left out", _i, rpl_sbuf_str(&b));
		ck_assert_msg(why[0] != '\0' && b.len == 0, "case %d: left out without a reason", _i);
	} else {
		ck_assert_msg(ok, "case %d left out: %s", _i, why);
		ck_assert_str_eq(rpl_sbuf_str(&b), k->want);
	}
	rpl_sbuf_fini(&b);
}
END_TEST

/* verify's ordered reads: a text key in byte order on every engine, an integer as it is */
static struct rpl_column textkey_cols[] = {
	COL("id", "int", SQL_INTEGER, RPL_CLASS_INT, 10, 0, false, 2),
	COL("code", "varchar", SQL_VARCHAR, RPL_CLASS_TEXT, 8, 0, false, 1),
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
};
static struct rpl_table textkey = { .name = "sales", .cols = textkey_cols, .ncols = 3, .npk = 2 };
static const struct { enum rpl_engine e; const char *sql; } ordered_cases[] = {
	{ PG, "SELECT \"id\", \"code\", \"sale_date\" FROM \"sales\" ORDER BY \"code\"::text COLLATE \"C\", \"id\"" },
	{ MARIA, "SELECT `id`, `code`, `sale_date` FROM `sales` ORDER BY CAST(CONVERT(`code` USING utf8mb4) AS BINARY), `id`" },
	{ LITE, "SELECT \"id\", \"code\", \"sale_date\" FROM \"sales\" ORDER BY \"code\" COLLATE BINARY, \"id\"" },
	{ MSSQL, "SELECT [id], [code], [sale_date] FROM [sales] ORDER BY [code] COLLATE Latin1_General_BIN2, [id]" },
};

START_TEST(test_select_ordered)
{
	struct rpl_sqlgen g = { .src = rpl_dialect_for(ordered_cases[_i].e), .dst = rpl_dialect_for(PG), .st = &textkey,
	                        .src_table = "sales", .dst_table = "sales", .date_column = "sale_date",
	                        .native_read = true };   /* libpq's read: no ::text of psqlODBC's dates */
	struct rpl_range all = { .all = true };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_select_ordered(&g, &all, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), ordered_cases[_i].sql);
	rpl_sbuf_fini(&b);
	g.st = &key2;   /* no text key: no collation */
	rpl_sqlgen_select_ordered(&g, &all, &b);
	ck_assert_ptr_nonnull(strstr(rpl_sbuf_str(&b), "sales") ? strstr(rpl_sbuf_str(&b), " BY ") : NULL);
	ck_assert_ptr_null(strstr(rpl_sbuf_str(&b), "COLLATE"));
	ck_assert_ptr_null(strstr(rpl_sbuf_str(&b), "BINARY"));
	rpl_sbuf_fini(&b);
}
END_TEST

/* ... against the other side (verify): a CHAR(n) there sorts without trailing spaces
 * here too, and SQLite against another engine sorts its values as text */
static struct rpl_column peer_cols[] = {
	COL("id", "int", SQL_INTEGER, RPL_CLASS_INT, 10, 0, false, 2),
	{ .name = "code", .type_name = "bpchar", .sql_type = SQL_CHAR, .cls = RPL_CLASS_TEXT, .kind = RPL_KIND_CHAR,
	  .size = 8, .pk_pos = 1 },
	COL("sale_date", "date", SQL_TYPE_DATE, RPL_CLASS_DATE, 10, 0, false, 0),
};
static struct rpl_table peer_table = { .name = "sales", .cols = peer_cols, .ncols = 3, .npk = 2 };
static const struct { enum rpl_engine e, peer; const char *by; } peer_cases[] = {
	{ PG, MARIA, " BY rtrim(\"code\"::text, ' ') COLLATE \"C\", \"id\"" },
	{ MARIA, PG, " BY CAST(CONVERT(TRIM(TRAILING ' ' FROM `code`) USING utf8mb4) AS BINARY), `id`" },
	{ LITE, PG, " BY rtrim(CAST(\"code\" AS TEXT), ' ') COLLATE BINARY, \"id\"" },
	{ LITE, LITE, " BY \"code\" COLLATE BINARY, \"id\"" },   /* SQLite's own order, each value's class */
	{ MSSQL, PG, " BY [code] COLLATE Latin1_General_BIN2, [id]" },
};

START_TEST(test_select_ordered_peer)
{
	struct rpl_sqlgen g = { .src = rpl_dialect_for(peer_cases[_i].e), .dst = rpl_dialect_for(PG), .st = &textkey,
	                        .src_table = "sales", .dst_table = "sales", .native_read = true, .peer = &peer_table,
	                        .peer_dialect = rpl_dialect_for(peer_cases[_i].peer) };
	struct rpl_range all = { .all = true };
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sqlgen_select_ordered(&g, &all, &b);
	const char *by = strstr(rpl_sbuf_str(&b), " BY ");
	ck_assert_msg(by != NULL, "%s", rpl_sbuf_str(&b));
	ck_assert_str_eq(by, peer_cases[_i].by);
	rpl_sbuf_fini(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sqlgen");
	TCase *tc = tcase_create("statements");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_statement, 0, NCASES(scases));
	tcase_add_loop_test(tc, test_other, 0, NCASES(ocases));
	tcase_add_test(tc, test_ledger_ddl);
	tcase_add_test(tc, test_ledger_lock_wait);
	tcase_add_test(tc, test_mssql_retryable);
	suite_add_tcase(s, tc);
	tc = tcase_create("types");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_mssql_type, 0, NCASES(tcases));
	tcase_add_test(tc, test_mssql_create_wide);
	tcase_add_test(tc, test_mssql_pk_name_length);
	tcase_add_loop_test(tc, test_created_type, 0, NCASES(created_cases));
	tcase_add_test(tc, test_created_table_text);
	tcase_add_test(tc, test_created_text_key);
	tcase_add_loop_test(tc, test_created_index, 0, NCASES(index_cases));
	tcase_add_loop_test(tc, test_select_ordered, 0, NCASES(ordered_cases));
	tcase_add_loop_test(tc, test_select_ordered_peer, 0, NCASES(peer_cases));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
