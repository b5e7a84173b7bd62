/* lib/pg/pg_inherit.h: PostgreSQL table inheritance and declarative partitioning, as a
 * copy and `replicad check` see them (issue #15, docs/engines.md "Inheritance and
 * partitioned tables"). A declaratively partitioned table is the table: it is read
 * through the parent (all partitions' rows) and written through it (the server routes
 * each row). An inheritance parent is read with its children's rows, as PostgreSQL's
 * own SELECT reads it, unless tables[].inherited is false (SELECT … FROM ONLY). Both
 * ask the server's catalog (pg_class, pg_inherits) over the ODBC connection. Any
 * thread that owns the connection. */
#ifndef RPL_PGINHERIT_H
#define RPL_PGINHERIT_H
#include <stdbool.h>
#include "odbc_conn.h"

/* rpl_pginherit_partitioned sets *partitioned when schema.table (schema may be NULL:
 * the search path) is a declaratively partitioned table (relkind 'p'). */
int rpl_pginherit_partitioned(struct rpl_conn *c, const char *schema, const char *table, bool *partitioned,
                              struct rpl_err *err);

/* rpl_pginherit_is_child sets *child when schema.table inherits from a table or is
 * a partition (one query: `check` asks it of every table before pairing them). */
int rpl_pginherit_is_child(struct rpl_conn *c, const char *schema, const char *table, bool *child,
                           struct rpl_err *err);

/* rpl_pginherit_descends sets *descends when child inherits from parent, directly or
 * through other tables (a partition of a partition counts too). Either table missing:
 * false. */
int rpl_pginherit_descends(struct rpl_conn *c, const char *child_schema, const char *child,
                           const char *parent_schema, const char *parent, bool *descends, struct rpl_err *err);

#endif
