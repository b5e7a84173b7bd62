/* lib/core/typedecl.h: each column's type as its users write it, for messages: the
 * declaration coltypes.c read from the engine's own catalog (PostgreSQL's format_type:
 * `text[]`, not the catalog's `_text`; MariaDB's COLUMN_TYPE: `int(10) unsigned`;
 * SQLite's declared type), without the character set and collation a CREATE TABLE
 * needs, and an enum marked as such. ODBC's TYPE_NAME is not that (psqlODBC says
 * `_text`, sqliteodbc `VARCHAR(10)` with the size again beside it: issue #15).
 * Reading the declarations is coltypes.c's; this only words them. */
#ifndef RPL_TYPEDECL_H
#define RPL_TYPEDECL_H
#include <stddef.h>
#include "catalog.h"

/* rpl_typedecl_of writes col's type as users write it to out (n bytes): its decl when
 * the server gave one, else the ODBC type name with the size when that name has none. */
void rpl_typedecl_of(const struct rpl_column *col, char *out, size_t n);

#endif
