/* lib/typedecl.h: each column's type as its users write it, for messages: PostgreSQL's
 * format_type (`text[]`, not the catalog's `_text`; an enum or domain by its own name,
 * marked as such), MariaDB's COLUMN_TYPE (`varchar(50)`, `int(10) unsigned`), SQLite's
 * declared type. ODBC's TYPE_NAME is not that (psqlODBC says `_text`, sqliteodbc
 * `VARCHAR(10)` with the size again beside it: issue #15). Creating tables from these
 * names is left to the DDL code; this is what warnings and errors say. */
#ifndef RPL_TYPEDECL_H
#define RPL_TYPEDECL_H
#include <stddef.h>
#include "catalog.h"

/* rpl_typedecl_read fills the decl of t's columns (read moments ago from c by
 * rpl_catalog_read) from the server's own catalog; engines without one (SQLite, SQL
 * Server) keep what rpl_typedecl_of makes of the ODBC name. */
int rpl_typedecl_read(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                      struct rpl_err *err);

/* rpl_typedecl_of writes col's type as users write it to out (n bytes): its decl when
 * the server gave one, else the ODBC type name with the size when that name has none. */
void rpl_typedecl_of(const struct rpl_column *col, char *out, size_t n);

#endif
