/* lib/core/numextent.h: how wide the values of a PostgreSQL numeric declared without
 * precision are, measured on the source before a table is created in an engine whose
 * decimals are bounded (MariaDB's DECIMAL ends at 65 digits). A type chosen blind,
 * decimal(65,30), refused every value with more than 35 integer digits (issue #15);
 * measured, the created column puts its 65 digits where the values need them
 * (dialect_engines.c maria_type, docs/engines.md). Only for a table being created:
 * one aggregate read of the source per such column. Any thread; the connection is
 * the caller's. */
#ifndef RPL_NUMEXTENT_H
#define RPL_NUMEXTENT_H
#include "catalog.h"

/* rpl_numextent_pg_measure sets seen, seen_int and seen_scale of every unbounded
 * numeric column of t (PostgreSQL source schema.name on c) from its rows: the most
 * digits before the point and after it, NaN and ±Infinity left out. Other engines,
 * and tables without such a column, are left as they are. */
int rpl_numextent_pg_measure(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                             struct rpl_err *err);

#endif
