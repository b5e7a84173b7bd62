/* lib/sqlite/sqlite_source.h: the SQLite source through the SQLite library. sqliteodbc reads
 * every value through text with 15-digit doubles and a mutex per column call
 * (docs/benchmarks.md); sqlite3_column_* gives each value as SQLite stores it, so
 * doubles arrive exact. Fills the same transport buffer as the ODBC reader. */
#ifndef RPL_LITESOURCE_H
#define RPL_LITESOURCE_H
#include <stddef.h>
#include "err.h"

struct rpl_litesource;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_source;
struct rpl_source_want;

/* rpl_litesource_open opens the Database= file read-only; *out NULL without it. */
int rpl_litesource_open(const char *odbc_connstr, struct rpl_litesource **out, struct rpl_err *err);
void rpl_litesource_close(struct rpl_litesource *s);
/* rpl_litesource_start prepares and starts select_sql (plain columns). */
int rpl_litesource_start(struct rpl_litesource *s, const char *select_sql, struct rpl_err *err);
/* rpl_litesource_fetch fills up to b->rows rows; *n = 0 at the end. */
int rpl_litesource_fetch(struct rpl_litesource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);

/* rpl_litesource_adapter_open: the source adapter (source.h); *out NULL, with why_not,
 * when conn is not a SQLite Database= file (or the copy is ODBC only). */
int rpl_litesource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                                char *why_not, size_t why_len, struct rpl_err *err);

#endif
