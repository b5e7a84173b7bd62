/* lib/sqlite/sqlite_sink.h: the SQLite target through the SQLite C library. sqliteodbc runs
 * parameter arrays one row at a time, rounds doubles to 15 digits and timestamps to
 * milliseconds (DRIVERS.md); sqlite3_bind_* with a prepared INSERT inside one
 * transaction keeps every value exact (doubles bound as doubles) and is what SQLite
 * itself is fast at. Like the PostgreSQL sink it owns the whole target side of a
 * partition on its own connection: BEGIN, the range DELETE, the rows, the ledger's
 * done-mark, COMMIT. sqlite3.h stays inside sqlite_sink.c. */
#ifndef RPL_LITESINK_H
#define RPL_LITESINK_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_litesink;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_sink;
struct rpl_sink_want;

/* rpl_litesink_open opens the file named by the ODBC string's Database key; *out
 * stays NULL, without error, when there is none (a DSN): the caller keeps ODBC. */
int rpl_litesink_open(const char *odbc_connstr, struct rpl_litesink **out, struct rpl_err *err);
void rpl_litesink_close(struct rpl_litesink *s);

/* rpl_litesink_exec runs one statement (BEGIN, DELETE, the done-mark, COMMIT …). */
int rpl_litesink_exec(struct rpl_litesink *s, const char *sql, struct rpl_err *err);

/* rpl_litesink_exec_count is rpl_litesink_exec that stores the rows the statement
 * changed (the claim check of claim.h). */
int rpl_litesink_exec_count(struct rpl_litesink *s, const char *sql, int64_t *rows, struct rpl_err *err);

/* rpl_litesink_prepare prepares the INSERT (ODBC '?' markers are SQLite's too). */
int rpl_litesink_prepare(struct rpl_litesink *s, const char *insert_sql, struct rpl_err *err);

/* rpl_litesink_insert inserts row r of b. Returns 0, 1 when SQLite refused the row
 * (why says so; the transaction goes on), or an error. */
int rpl_litesink_insert(struct rpl_litesink *s, const struct rpl_xbuf *b, size_t r, char *why, size_t whylen,
                        struct rpl_err *err);

/* rpl_litesink_adapter_open: the sink adapter (sink.h); *out NULL when conn is
 * not a SQLite Database= file (or the copy is ODBC only). */
int rpl_litesink_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                              char *why_not, size_t why_len, struct rpl_err *err);

#endif
