/* tests/fuzz/fuzz_cols.h: one PostgreSQL table with a column of every class the
 * binary COPY decoder and the TSV renderer handle, laid out once as the copy would
 * (PostgreSQL to PostgreSQL, values out of line). */
#ifndef RPL_FUZZ_COLS_H
#define RPL_FUZZ_COLS_H
#include "catalog.h"
#include "xfer.h"
#include <sql.h>
#include <sqlext.h>

#define FUZZ_NCOLS 10
static struct rpl_column fuzz_cols[FUZZ_NCOLS] = {
	{ .name = "i2", .type_name = "smallint", .sql_type = SQL_SMALLINT, .size = 5, .cls = RPL_CLASS_INT, .int_bytes = 2, .nullable = true },
	{ .name = "i8", .type_name = "bigint", .sql_type = SQL_BIGINT, .size = 19, .cls = RPL_CLASS_INT, .int_bytes = 8, .nullable = true },
	{ .name = "n", .type_name = "numeric", .sql_type = SQL_NUMERIC, .size = 30, .scale = 6, .cls = RPL_CLASS_DECIMAL, .nullable = true },
	{ .name = "f", .type_name = "double precision", .sql_type = SQL_DOUBLE, .size = 15, .cls = RPL_CLASS_DOUBLE, .nullable = true },
	{ .name = "b", .type_name = "boolean", .sql_type = SQL_BIT, .size = 1, .cls = RPL_CLASS_BOOL, .nullable = true },
	{ .name = "d", .type_name = "date", .sql_type = SQL_TYPE_DATE, .size = 10, .cls = RPL_CLASS_DATE, .nullable = true },
	{ .name = "ts", .type_name = "timestamp without time zone", .sql_type = SQL_TYPE_TIMESTAMP, .size = 26, .scale = 6,
	  .cls = RPL_CLASS_TIMESTAMP, .nullable = true },
	{ .name = "v", .type_name = "character varying", .sql_type = SQL_VARCHAR, .size = 20, .cls = RPL_CLASS_TEXT, .nullable = true },
	{ .name = "t", .type_name = "text", .sql_type = SQL_LONGVARCHAR, .cls = RPL_CLASS_TEXT, .nullable = true, .is_long = true },
	{ .name = "y", .type_name = "bytea", .sql_type = SQL_LONGVARBINARY, .cls = RPL_CLASS_BINARY, .nullable = true, .is_long = true },
};

/* fuzz_layout lays out b once per process; aborts if the layout is refused (a
 * target that fuzzes nothing must not pass quietly). */
static inline void
fuzz_layout(struct rpl_xbuf *b)
{
	const struct rpl_column *c[FUZZ_NCOLS];
	struct rpl_err err = RPL_ERR_INIT;
	for (int i = 0; i < FUZZ_NCOLS; i++)
		c[i] = &fuzz_cols[i];
	if (rpl_xbuf_layout(b, c, c, FUZZ_NCOLS, RPL_ENGINE_POSTGRES, RPL_ENGINE_POSTGRES, RPL_XFER_OOL, 1 << 20, &err) != 0)
		abort();
}

#endif
