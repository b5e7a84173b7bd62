/* lib/sqlite/sqlite_affinity.h: SQLite's column affinity from a declared type, by SQLite's own
 * rules in their order (https://sqlite.org/datatype3.html, 3.1): the declared type is
 * what decides how SQLite stores a column's values, not the SQL type sqliteodbc
 * reports for it (issue #15: `BLOB SUB_TYPE TEXT` has TEXT affinity). Pure; any thread. */
#ifndef RPL_AFFINITY_H
#define RPL_AFFINITY_H

enum rpl_affinity { RPL_AFF_INTEGER, RPL_AFF_TEXT, RPL_AFF_BLOB, RPL_AFF_REAL, RPL_AFF_NUMERIC };

/* rpl_sqlite_affinity: decl borrowed, NULL or "" for no declared type (BLOB). */
enum rpl_affinity rpl_sqlite_affinity(const char *decl);

const char *rpl_affinity_name(enum rpl_affinity a);

#endif
