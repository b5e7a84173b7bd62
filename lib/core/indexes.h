/* lib/core/indexes.h: secondary-index work around a load (docs/jobs.md): before
 * a table's first partition its non-unique secondary indexes are saved in the
 * ledger's replicad_indexes and dropped; after its last partition — and at the start
 * of any later run, should a crash have come between — every saved index is created
 * again and forgotten. Primary keys, unique indexes and indexes behind constraints
 * are never touched: they guard the data. Runs on the target's ODBC connection and
 * commits its own work. */
#ifndef RPL_INDEXES_H
#define RPL_INDEXES_H
#include "odbc_conn.h"

/* rpl_indexes_disable saves and drops; *n gets how many. */
int rpl_indexes_disable(struct rpl_conn *c, const char *schema, const char *table, int *n, struct rpl_err *err);

/* rpl_indexes_disable_keep is rpl_indexes_disable keeping every index whose first
 * column is keep_column (borrowed; NULL: none), which the range DELETE uses. */
int rpl_indexes_disable_keep(struct rpl_conn *c, const char *schema, const char *table, const char *keep_column,
                             int *n, struct rpl_err *err);

/* rpl_indexes_restore recreates what was saved for the table; *n gets how many. */
int rpl_indexes_restore(struct rpl_conn *c, const char *schema, const char *table, int *n, struct rpl_err *err);

/* The ledger's statements about saved indexes, as the functions above send them (and
 * the dry run prints them): forget the row of index name of table label (schema.table
 * as configured), save its definition def at saved_at (UTC ISO 8601), and list the
 * table's saved indexes. Literals by the dialect (N'…' on SQL Server). */
struct rpl_dialect;
struct rpl_sbuf;
void rpl_indexes_forget_sql(const struct rpl_dialect *d, const char *label, const char *name, struct rpl_sbuf *out);
void rpl_indexes_save_sql(const struct rpl_dialect *d, const char *label, const char *name, const char *def,
                          const char *saved_at, struct rpl_sbuf *out);
void rpl_indexes_saved_sql(const struct rpl_dialect *d, const char *label, struct rpl_sbuf *out);

#endif
