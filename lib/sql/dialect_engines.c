/* lib/sql/dialect_engines.c: one const table per engine, with its CREATE TABLE type
 * names (the cross-engine type mapping, docs/engines.md "Type mapping"; the
 * same-engine declarations come from coltypes.c). */
#include "catalog.h"
#include "dialect.h"
#include "sbuf.h"

static long
clamp(long v, long lo, long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* decimal precision and scale, defaulting to the widest exact type when unknown */
static void
numeric_ps(const struct rpl_column *c, long max_p, long *p, long *s)
{
	*p = c->size > 0 ? clamp(c->size, 1, max_p) : max_p;
	*s = clamp(c->scale, 0, *p);
}

static void
pg_type(const struct rpl_column *c, struct rpl_sbuf *o)
{
	long p, s;
	switch (c->cls) {
	case RPL_CLASS_INT:
		rpl_sbuf_add(o, c->int_bytes <= 2 ? "smallint" : c->int_bytes == 4 ? "integer" : "bigint");
		return;
	case RPL_CLASS_DECIMAL:
		if (c->size == 0) {
			rpl_sbuf_add(o, "numeric");
			return;
		}
		numeric_ps(c, 1000, &p, &s);
		rpl_sbuf_addf(o, "numeric(%ld,%ld)", p, s);
		return;
	case RPL_CLASS_DOUBLE: rpl_sbuf_add(o, c->sql_type == SQL_REAL ? "real" : "double precision"); return;
	case RPL_CLASS_DATE: rpl_sbuf_add(o, "date"); return;
	case RPL_CLASS_TIMESTAMP: rpl_sbuf_addf(o, "timestamp(%ld)", clamp(c->scale, 0, 6)); return;
	case RPL_CLASS_TIME: rpl_sbuf_add(o, "time(6)"); return;
	case RPL_CLASS_TEXT:
		if (c->is_long)
			rpl_sbuf_add(o, "text");
		else
			rpl_sbuf_addf(o, "varchar(%ld)", c->size);
		return;
	case RPL_CLASS_BINARY: rpl_sbuf_add(o, "bytea"); return;
	case RPL_CLASS_BOOL: rpl_sbuf_add(o, "boolean"); return;
	case RPL_CLASS_GUID: rpl_sbuf_add(o, "uuid"); return;
	}
}

/* unbounded_scale: the scale of decimal(65,s) for a numeric without precision. Blind,
 * 30 (35 integer digits). Measured on the source (numextent.h): the integer digits
 * its values have first, then as many places as they have, then up to 30; where
 * both cannot fit, the integers win and rows with more places are rejected
 * (precision), as a value too long for the integer part would be. */
static int
unbounded_scale(const struct rpl_column *c)
{
	if (!c->seen)
		return 30;
	int room = 65 - (c->seen_int > 65 ? 65 : c->seen_int);
	if (room > 38)
		room = 38;   /* MariaDB's largest scale */
	int s = room < 30 ? room : 30;
	return c->seen_scale > s ? (c->seen_scale < room ? c->seen_scale : room) : s;
}

static void
maria_type(const struct rpl_column *c, struct rpl_sbuf *o)
{
	static const char *const ints[] = { "", "tinyint", "smallint", "", "int", "", "", "", "bigint" };
	long p, s;
	switch (c->cls) {
	case RPL_CLASS_INT: rpl_sbuf_add(o, ints[c->int_bytes]); return;
	case RPL_CLASS_DECIMAL:
		if (c->size == 0) {   /* no precision declared: MariaDB's widest */
			rpl_sbuf_addf(o, "decimal(65,%d)", unbounded_scale(c));
			return;
		}
		numeric_ps(c, 65, &p, &s);
		rpl_sbuf_addf(o, "decimal(%ld,%ld)", p, clamp(s, 0, 38));
		return;
	/* never FLOAT: MariaDB's ends at 3.402823466e38, below the largest IEEE single
	 * (PostgreSQL's real 3.4028235e38 was refused); DOUBLE holds every float */
	case RPL_CLASS_DOUBLE: rpl_sbuf_add(o, "double"); return;
	case RPL_CLASS_DATE: rpl_sbuf_add(o, "date"); return;
	case RPL_CLASS_TIMESTAMP: rpl_sbuf_addf(o, "datetime(%ld)", clamp(c->scale, 0, 6)); return;
	case RPL_CLASS_TIME: rpl_sbuf_add(o, "time(6)"); return;
	case RPL_CLASS_TEXT:
		/* InnoDB rows hold at most 65,535 bytes of inline columns; utf8mb4 takes up
		 * to 4 bytes a char, so longer varchars go out of line as TEXT types. */
		if (c->is_long || c->size > 16383)
			rpl_sbuf_add(o, "longtext");
		else if (c->size > 255)
			rpl_sbuf_add(o, "text");
		else
			rpl_sbuf_addf(o, "varchar(%ld)", c->size);
		return;
	case RPL_CLASS_BINARY:
		if (c->is_long || c->size > 255)
			rpl_sbuf_add(o, "longblob");
		else
			rpl_sbuf_addf(o, "varbinary(%ld)", c->size);
		return;
	case RPL_CLASS_BOOL: rpl_sbuf_add(o, "boolean"); return;
	case RPL_CLASS_GUID: rpl_sbuf_add(o, "char(36)"); return;
	}
}

static void
sqlite_type(const struct rpl_column *c, struct rpl_sbuf *o)
{
	long p, s;
	switch (c->cls) {
	case RPL_CLASS_INT: rpl_sbuf_add(o, c->int_bytes <= 2 ? "SMALLINT" : c->int_bytes == 4 ? "INTEGER" : "BIGINT"); return;
	case RPL_CLASS_DECIMAL:
		/* NUMERIC affinity would store >15 digits as REAL (DRIVERS.md): "TEXT" in
		 * the name gives text affinity; catalog.c reads DECIMAL back from the name. */
		if (c->size == 0) {   /* no precision declared: none here either (catalog.c reads it back so) */
			rpl_sbuf_add(o, "DECIMAL_TEXT");
			return;
		}
		numeric_ps(c, 1000, &p, &s);
		rpl_sbuf_addf(o, "DECIMAL_TEXT(%ld,%ld)", p, s);
		return;
	case RPL_CLASS_DOUBLE: rpl_sbuf_add(o, "DOUBLE"); return;
	case RPL_CLASS_DATE: rpl_sbuf_add(o, "DATE"); return;
	case RPL_CLASS_TIMESTAMP: rpl_sbuf_add(o, "TIMESTAMP"); return;
	case RPL_CLASS_TIME: rpl_sbuf_add(o, "TIME"); return;
	case RPL_CLASS_TEXT:
		if (c->is_long)
			rpl_sbuf_add(o, "TEXT");
		else
			rpl_sbuf_addf(o, "VARCHAR(%ld)", c->size);
		return;
	case RPL_CLASS_BINARY: rpl_sbuf_add(o, "BLOB"); return;
	case RPL_CLASS_BOOL: rpl_sbuf_add(o, "BOOLEAN"); return;
	case RPL_CLASS_GUID: rpl_sbuf_add(o, "VARCHAR(36)"); return;
	}
}

static void
mssql_type(const struct rpl_column *c, struct rpl_sbuf *o)
{
	static const char *const ints[] = { "", "TINYINT", "SMALLINT", "", "INT", "", "", "", "BIGINT" };
	long p, s;
	switch (c->cls) {
	case RPL_CLASS_INT:
		/* SQL Server's TINYINT is unsigned 0..255; a signed 1-byte source needs SMALLINT */
		rpl_sbuf_add(o, c->int_bytes == 1 ? "SMALLINT" : ints[c->int_bytes]);
		return;
	case RPL_CLASS_DECIMAL:
		if (c->size == 0) {   /* no precision declared: SQL Server has no unbounded decimal */
			rpl_sbuf_add(o, "DECIMAL(38,10)");
			return;
		}
		numeric_ps(c, 38, &p, &s);
		rpl_sbuf_addf(o, "DECIMAL(%ld,%ld)", p, s);
		return;
	case RPL_CLASS_DOUBLE: rpl_sbuf_add(o, c->sql_type == SQL_REAL ? "REAL" : "FLOAT"); return;
	case RPL_CLASS_DATE: rpl_sbuf_add(o, "DATE"); return;
	case RPL_CLASS_TIMESTAMP: rpl_sbuf_addf(o, "DATETIME2(%ld)", clamp(c->scale, 0, 7)); return;
	case RPL_CLASS_TIME: rpl_sbuf_add(o, "TIME(7)"); return;
	case RPL_CLASS_TEXT:
		if (c->is_long || c->size > 4000)
			rpl_sbuf_add(o, "NVARCHAR(MAX)");
		else
			rpl_sbuf_addf(o, "NVARCHAR(%ld)", c->size);
		return;
	case RPL_CLASS_BINARY:
		if (c->is_long || c->size > 8000)
			rpl_sbuf_add(o, "VARBINARY(MAX)");
		else
			rpl_sbuf_addf(o, "VARBINARY(%ld)", c->size);
		return;
	case RPL_CLASS_BOOL: rpl_sbuf_add(o, "BIT"); return;
	case RPL_CLASS_GUID: rpl_sbuf_add(o, "UNIQUEIDENTIFIER"); return;
	}
}

static const char *const pg_retry[] = { "40P01", "55P03", "57P01", NULL };
static const char *const maria_retry[] = { "40001", NULL };
static const int maria_natives[] = { 1213, 1205, 2002, 2003, 2006, 2013, 0 };  /* 2002/2003: cannot connect, reported as HY000 */
static const int mssql_natives[] = { 1205, 1222, 0 };
static const int sqlite_natives[] = { 5, 6, 0 };   /* SQLITE_BUSY, SQLITE_LOCKED */

const struct rpl_dialect rpl_dialect_postgres = {
	.engine = RPL_ENGINE_POSTGRES, .name = "postgresql", .quote_open = '"', .quote_close = '"',
	.has_schemas = true, .keeps_nan = true, .max_timestamp_digits = 6, .insert_lock_hint = "",
	.retry_sqlstates = pg_retry, .type_name = pg_type,
};
const struct rpl_dialect rpl_dialect_mariadb = {
	.engine = RPL_ENGINE_MARIADB, .name = "mariadb", .quote_open = '`', .quote_close = '`',
	.has_schemas = true, .schema_is_catalog = true, .max_timestamp_digits = 6,
	.insert_lock_hint = "", .retry_sqlstates = maria_retry, .retry_natives = maria_natives,
	.type_name = maria_type,
};
const struct rpl_dialect rpl_dialect_sqlite = {
	.engine = RPL_ENGINE_SQLITE, .name = "sqlite", .quote_open = '"', .quote_close = '"',
	.max_timestamp_digits = 9, .insert_lock_hint = "", .retry_natives = sqlite_natives,
	.type_name = sqlite_type, .keeps_inf = true,
};
const struct rpl_dialect rpl_dialect_mssql = {
	.engine = RPL_ENGINE_MSSQL, .name = "mssql", .quote_open = '[', .quote_close = ']',
	.has_schemas = true, .max_timestamp_digits = 7, .insert_lock_hint = " WITH (TABLOCK)",
	.delete_batch = 50000, .retry_natives = mssql_natives, .type_name = mssql_type,
};
const struct rpl_dialect rpl_dialect_ansi = {
	.engine = RPL_ENGINE_UNKNOWN, .name = "ansi", .quote_open = '"', .quote_close = '"',
	.has_schemas = true, .max_timestamp_digits = 6, .insert_lock_hint = "", .type_name = pg_type,
};
