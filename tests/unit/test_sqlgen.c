/* tests/unit/test_sqlgen.c: the exact text of every statement a table copy sends
 * (lib/sqlgen.h), for SQL Server above all (it cannot run here, so these strings are
 * its test: DESIGN.md "Engines") and for the other engines where the text differs:
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
		ck_assert_uint_lt(i, 3);
		ck_assert_msg(strcmp(rpl_sbuf_str(&m), mssql_ledger[i]) == 0, "statement %zu:\n got  %s\n want %s", i,
		              rpl_sbuf_str(&m), mssql_ledger[i]);
		/* the other engines keep IF NOT EXISTS, and the same table */
		ck_assert_msg(strncmp(rpl_sbuf_str(&p), "CREATE TABLE IF NOT EXISTS replicad_", 36) == 0, "%s",
		              rpl_sbuf_str(&p));
		ck_assert_str_eq(strstr(rpl_sbuf_str(&p), " ("), strstr(mssql_ledger[i], " ("));
		rpl_sbuf_fini(&m);
		rpl_sbuf_fini(&p);
	}
	ck_assert_uint_eq(i, 3);
}
END_TEST

/* Retryable SQL Server errors (DESIGN.md "A partition"): deadlock victim 1205, lock
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

int
main(void)
{
	Suite *s = suite_create("sqlgen");
	TCase *tc = tcase_create("statements");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_statement, 0, NCASES(scases));
	tcase_add_loop_test(tc, test_other, 0, NCASES(ocases));
	tcase_add_test(tc, test_ledger_ddl);
	tcase_add_test(tc, test_mssql_retryable);
	suite_add_tcase(s, tc);
	tc = tcase_create("types");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_mssql_type, 0, NCASES(tcases));
	tcase_add_test(tc, test_mssql_create_wide);
	tcase_add_test(tc, test_mssql_pk_name_length);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
