/* lib/core/indexes.h: secondary-index work around a load (DESIGN.md "A partition"): before
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

#endif
