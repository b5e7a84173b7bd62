/* lib/core/rangelock.h: whether a partition's range DELETE locks more than its range
 * (issue #20; DESIGN.md "Cluster", contract). InnoDB (MariaDB, MySQL) locks every
 * index record its DELETE scans, with the gaps between them (next-key locks; under
 * READ COMMITTED it still waits on every row another transaction holds as it scans):
 * without an index that leads with the date_column the DELETE of one month scans, and
 * locks, the whole table, so two processes loading two months of it wait for each
 * other or deadlock. `replicad check` warns about such a table, and the runner loads
 * its partitions one process at a time (daemon/runner_idx.c). PostgreSQL, SQLite and
 * SQL Server lock only the rows they delete: nothing to say there. */
#ifndef RPL_RANGELOCK_H
#define RPL_RANGELOCK_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"

/* rpl_rangelock_wide stores in *wide whether schema.table (schema NULL: the
 * connection's database) on c is an InnoDB table none of whose indexes (primary key
 * included) has date_column as its first column. false for other engines, a table
 * that is not there, or date_column NULL (a whole-table copy deletes everything). */
int rpl_rangelock_wide(struct rpl_conn *c, const char *schema, const char *table, const char *date_column, bool *wide,
                       struct rpl_err *err);

/* rpl_rangelock_msg writes the warning for table (as configured) and its
 * date_column: what locks, why it matters, the index to add, and what the runner
 * does meanwhile. */
void rpl_rangelock_msg(const char *table, const char *target, const char *date_column, char *out, size_t n);

#endif
