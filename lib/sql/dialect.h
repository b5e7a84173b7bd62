/* lib/sql/dialect.h: what differs between engines, as one const table per engine:
 * identifier quoting, literals, the statements a partition runs (range delete, insert
 * hint, slice reads), type names for CREATE TABLE, and which errors are worth a
 * retry. Functions here only build text; they never talk to a database, so every
 * engine's SQL (SQL Server's included) is unit-tested by what it generates. */
#ifndef RPL_DIALECT_H
#define RPL_DIALECT_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"

struct rpl_column;
struct rpl_sbuf;

struct rpl_dialect {
	enum rpl_engine engine;
	const char *name;
	char quote_open, quote_close;
	bool has_schemas;            /* false: SQLite (a schema is an attached db name) */
	bool schema_is_catalog;      /* MariaDB: "schema" means database (ODBC catalog) */
	bool keeps_nan;              /* can a double column hold NaN/Inf? */
	int max_timestamp_digits;    /* fractional digits the engine keeps */
	const char *insert_lock_hint;/* after the table name when table_lock, "" if none */
	long delete_batch;           /* >0: delete in batches of this many rows */
	const char *const *retry_sqlstates;  /* NULL-terminated */
	const int *retry_natives;            /* 0-terminated */
	/* type_name writes the target type for a column in CREATE TABLE. */
	void (*type_name)(const struct rpl_column *col, struct rpl_sbuf *out);
	bool keeps_inf;              /* without keeps_nan: ±Infinity kept, NaN not (SQLite stores NaN as NULL) */
};

/* rpl_dialect_for returns the const table for an engine (generic ANSI for UNKNOWN). */
const struct rpl_dialect *rpl_dialect_for(enum rpl_engine e);

/* rpl_dialect_ident appends name quoted for d, doubling embedded quote chars. */
void rpl_dialect_ident(const struct rpl_dialect *d, const char *name, struct rpl_sbuf *out);

/* rpl_dialect_table appends [schema.]table, each part quoted; schema may be NULL. */
void rpl_dialect_table(const struct rpl_dialect *d, const char *schema, const char *table,
                       struct rpl_sbuf *out);

/* rpl_dialect_date appends a date literal (y-m-d) the engine reads unambiguously. */
void rpl_dialect_date(const struct rpl_dialect *d, int y, int m, int day, struct rpl_sbuf *out);

/* rpl_dialect_retryable: is this SQLSTATE / native error worth retrying the partition? */
bool rpl_dialect_retryable(const struct rpl_dialect *d, const char *sqlstate, int native);

/* rpl_dialect_lit appends s as a string literal for d: quotes doubled; N'...' on SQL
 * Server so that text outside the database's code page survives; backslashes doubled
 * on MariaDB, which reads them as escapes. */
void rpl_dialect_lit(const struct rpl_dialect *d, const char *s, struct rpl_sbuf *out);

/* rpl_dialect_column_type writes the CREATE TABLE type of source column col (read
 * from an src engine) for d. Between two SQL Servers the source's own type is kept
 * where the cross-engine mapping would change it (DATETIME, SMALLDATETIME, TINYINT,
 * VARCHAR, CHAR, NCHAR, BINARY, MONEY, rowversion as BINARY(8)): the production
 * workload is SQL Server to SQL Server and its replica should look like its source.
 * Between two PostgreSQL, MariaDB or SQLite it is the source's declaration (col->decl,
 * coltypes.h). Otherwise it is d->type_name(col), except that into SQL Server any
 * floating-point column is FLOAT (its REAL has no subnormals). */
void rpl_dialect_column_type(const struct rpl_dialect *d, enum rpl_engine src, const struct rpl_column *col,
                             struct rpl_sbuf *out);

#endif
