/* lib/core/fkorder.h: the order in which several tables load into a target with foreign
 * keys (issue #15): parents first, as the target's catalog says (SQLForeignKeys), so
 * a child's rows find their parents. Tables that reference each other (a cycle) keep
 * their config order, which the caller says once as a warning. Reading needs the
 * target connection; sorting is pure. Any thread that owns the connection. */
#ifndef RPL_FKORDER_H
#define RPL_FKORDER_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"

struct rpl_fktable {
	const char *schema;   /* borrowed; NULL: the connection's default */
	const char *name;     /* borrowed; as the target stores it */
};

/* rpl_fkorder_read fills edge (n * n, caller memory): edge[i * n + j] is true when
 * table i has a foreign key referencing table j (i != j). Referenced tables that are
 * not among the n are ignored; a table missing from the catalog has no edges. */
int rpl_fkorder_read(struct rpl_conn *c, const struct rpl_fktable *t, size_t n, bool *edge, struct rpl_err *err);

/* rpl_fkorder_sort writes into order (n entries) the tables' indexes parents first,
 * otherwise in their own order (stable: unrelated tables keep config order). When
 * tables reference each other in a cycle, the first unplaced one in config order goes
 * next and *cycle is set (may be NULL). */
void rpl_fkorder_sort(size_t n, const bool *edge, size_t *order, bool *cycle);

#endif
