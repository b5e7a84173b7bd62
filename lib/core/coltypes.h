/* lib/core/coltypes.h: each column's type as its own engine declares it, read from the
 * engine's catalog rather than from what the ODBC driver's SQLColumns makes of it
 * (issue #15): PostgreSQL's format_type(atttypid, atttypmod), MariaDB's
 * information_schema COLUMN_TYPE with the column's character set and collation,
 * SQLite's declared type (pragma_table_info). A table created from a source of the
 * same engine declares exactly these types (dialect.c); across engines the kind
 * picks the closest type that holds every value (typemap.c, docs/engines.md).
 *
 * It also corrects the sizes psqlODBC reports for PostgreSQL types that travel as
 * text but are not character types (interval as 32 characters, varbit(10) as 6,
 * enums, arrays and json as 65535): their text forms are either bounded by the type
 * (inet 43, an enum label 63) or unbounded, never the driver's guess.
 *
 * The enum and domain types a PostgreSQL table uses are created in a PostgreSQL
 * target before the table (rpl_coltypes_pg_create_types). Index and constraint
 * reading is left to indexes.c and copy.c. Any thread; each call uses only the
 * connections it is given. */
#ifndef RPL_COLTYPES_H
#define RPL_COLTYPES_H
#include "catalog.h"

/* rpl_coltypes_read fills decl and kind of every column of t (read by
 * rpl_catalog_read from c) and corrects PostgreSQL text sizes. Engines without a
 * catalog query (SQL Server, generic ODBC) are left as they are. */
int rpl_coltypes_read(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                      struct rpl_err *err);

/* rpl_coltypes_pg_apply sets col's kind (and size, class for money) from
 * PostgreSQL's catalog: typcategory of the column's type ("A" array, "E" enum, …)
 * and base, the name of its type with domains resolved (pg_type.typname). Pure:
 * exposed for the unit tests. */
void rpl_coltypes_pg_apply(struct rpl_column *col, const char *typcategory, const char *base);

/* rpl_coltypes_maria_kind: the kind of a MariaDB column from its DATA_TYPE. */
enum rpl_kind rpl_coltypes_maria_kind(const char *data_type);

/* rpl_coltypes_pg_create_types creates in dst (PostgreSQL) the enum and domain
 * types the columns of src's table schema.name use, directly or as array elements
 * or domain bases, that dst does not have yet: enums with their labels in order,
 * domains with their base type, collation, default, NOT NULL and CHECK constraints
 * (pg_get_constraintdef), each in the schema it has in the source. *created gets
 * how many. An enum dst already has with other labels, or in another order, is
 * left as it is and told to warn (what: schema.type). */
typedef void (*rpl_coltypes_warn_fn)(void *data, const char *what, const char *why);
int rpl_coltypes_pg_create_types(struct rpl_conn *src, struct rpl_conn *dst, const char *schema, const char *name,
                                 rpl_coltypes_warn_fn warn, void *data, int *created, struct rpl_err *err);

/* rpl_coltypes_pg_plan_types: what rpl_coltypes_pg_create_types would send, for the
 * dry run: each CREATE TYPE or CREATE DOMAIN handed to plan (schema, type, sql)
 * instead of run; with connected false dst is a stand-in and every type is taken as
 * missing. *planned: how many. A plan returning < 0 stops the list. */
typedef int (*rpl_coltypes_plan_fn)(void *data, const char *schema, const char *type, const char *sql);
int rpl_coltypes_pg_plan_types(struct rpl_conn *src, struct rpl_conn *dst, bool connected, const char *schema,
                               const char *name, rpl_coltypes_plan_fn plan, void *data, int *planned,
                               struct rpl_err *err);

/* rpl_coltypes_query runs sql on c with up to two text parameters p1, p2 (NULL binds
 * SQL NULL; only as many as sql has markers) and hands each row's first ncols
 * (at most 6) columns, as text ("" for NULL, borrowed for the call), to fn; a
 * negative return from fn ends the query with it. A value longer than 8 KiB fails:
 * nothing is cut. */
typedef int (*rpl_coltypes_row_fn)(void *arg, char *const *v, struct rpl_err *err);
int rpl_coltypes_query(struct rpl_conn *c, const char *sql, const char *p1, const char *p2, int ncols,
                       rpl_coltypes_row_fn fn, void *arg, struct rpl_err *err);

#endif
