/* lib/core/tablefacts.h: what preparing a table copy needs to know of the engines
 * on either side, asked by what it is, not by which engine: whether a source is read
 * FROM ONLY, the types a created target needs first, whether a target column is
 * narrower than its source column, whether a source's values may be of any type.
 * The engine cases live here and in the modules these call (pg_inherit.c,
 * coltypes.c), so copy_prepare.c and the dry run name no engine. */
#ifndef RPL_TABLEFACTS_H
#define RPL_TABLEFACTS_H
#include <stdbool.h>
#include <stdint.h>
#include "err.h"

struct rpl_conn;
struct rpl_column;

/* rpl_table_only: should schema.table be read FROM ONLY, given tables[].inherited
 * false (only_parent)? For a PostgreSQL inheritance parent only: a partitioned
 * table has no rows of its own and is read whole (*partitioned says so). */
int rpl_table_only(struct rpl_conn *src, const char *schema, const char *table, bool only_parent, bool *only,
                   bool *partitioned, struct rpl_err *err);

/* rpl_table_measure: before a table is created in dst, the widths of the source
 * columns' values where dst's type must be chosen from them (a PostgreSQL numeric
 * without precision into MariaDB's bounded DECIMAL: numextent.h), into t. */
struct rpl_table;
int rpl_table_measure(struct rpl_conn *src, const struct rpl_conn *dst, const char *schema, const char *table,
                      struct rpl_table *t, struct rpl_err *err);

/* rpl_table_create_types creates in dst the types the source table's columns are
 * declared with that dst lacks (PostgreSQL enums and domains between two PostgreSQL
 * servers, coltypes.h), before the table is created; *created: how many. */
typedef void (*rpl_table_warn_fn)(void *data, const char *what, const char *why);
int rpl_table_create_types(struct rpl_conn *src, struct rpl_conn *dst, const char *schema, const char *table,
                           rpl_table_warn_fn warn, void *data, int *created, struct rpl_err *err);

/* rpl_table_plan_types: the statements rpl_table_create_types would send, for the
 * dry run, each handed to plan (schema, type name, statement) instead of run; with
 * connected false (dst a stand-in) every type is taken as missing. *planned: how many. */
typedef int (*rpl_table_plan_fn)(void *data, const char *schema, const char *type, const char *sql);
int rpl_table_plan_types(struct rpl_conn *src, struct rpl_conn *dst, bool connected, const char *schema,
                         const char *table, rpl_table_plan_fn plan, void *data, int *planned, struct rpl_err *err);

/* rpl_table_narrower: can target column d (on dst) not hold every value of source
 * column s (on src)? */
bool rpl_table_narrower(const struct rpl_conn *src, const struct rpl_conn *dst, const struct rpl_column *s,
                        const struct rpl_column *d);

/* rpl_table_row_bytes: the bytes a row of schema.table takes on src, on average, by
 * the engine's statistics (PostgreSQL: the table's size with its TOAST over
 * pg_class.reltuples; MariaDB: information_schema.TABLES DATA_LENGTH over
 * TABLE_ROWS), read without touching the rows. -1 when unknown: no statistics yet
 * (a table never analyzed, an empty one), or an engine without such (SQLite, SQL
 * Server). Verify's key slices ask it (vslices.h). */
int rpl_table_row_bytes(struct rpl_conn *src, const char *schema, const char *table, int64_t *bytes,
                        struct rpl_err *err);

/* rpl_table_collation: the collation replicad creates a MariaDB target's tables in:
 * binary, so that keys differing in case or accents stay apart, and without padding,
 * so that 'a' and 'a ' do too (utf8mb4_bin compares them equal, and a key of both
 * collides). utf8mb4_nopad_bin on MariaDB 10.2 and later, utf8mb4_0900_bin on MySQL 8,
 * utf8mb4_bin on older servers or when dst's server is not known (a dry run without
 * connecting). NULL for other engines. */
const char *rpl_table_collation(const struct rpl_conn *dst);

/* rpl_table_untyped: may a column of src hold values of any type (SQLite)? The value
 * rules then read each value (struct rpl_rules untyped_source). */
bool rpl_table_untyped(const struct rpl_conn *src);

#endif
