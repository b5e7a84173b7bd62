/* lib/mariadb/mariadb_source.h: the MariaDB/MySQL source through the server's own client library
 * (libmariadb), a prepared statement fetched unbuffered: rows stream from the
 * server as they are read, in the binary protocol, into result buffers bound
 * once. Connector/ODBC 3.1.15 holds a whole result set in client memory (so a
 * partition had to be read in keyset slices, odbc_slices.h) and rebinds every column
 * for every row it fetches: half of replicad's CPU on a MariaDB source
 * (docs/benchmarks.md). The text protocol was not an option: the server spent
 * 2.5 times the CPU printing the seed table's numbers and dates.
 *
 * Used where every column arrives in a form converted here (rpl_mysource_check);
 * otherwise, and for DSN strings or connection keys it cannot honour (TLS options,
 * say), the copy keeps ODBC. libmariadb stays inside mariadb_source.c. */
#ifndef RPL_MYSOURCE_H
#define RPL_MYSOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_mysource;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_source;
struct rpl_source_want;

/* rpl_mysource_connstr_ok: does the ODBC string say where the server is (not a DSN)
 * and set no key but Driver, Server/Host, Port, Database, Uid, Pwd and a UTF-8
 * Charset? Only then can the library connect as the driver would. */
bool rpl_mysource_connstr_ok(const char *odbc_connstr);

/* rpl_mysource_open connects with the server, port, database and user of the ODBC
 * string; *out stays NULL, without error, unless rpl_mysource_connstr_ok: the
 * caller keeps ODBC. */
int rpl_mysource_open(const char *odbc_connstr, const char *password, struct rpl_mysource **out,
                      struct rpl_err *err);

/* rpl_mysource_check prepares select_sql (not run) and tells in *ok whether every
 * column's server type is converted here into the C type the layout chose for it;
 * when not, why names the first column that is not. */
int rpl_mysource_check(struct rpl_mysource *s, const char *select_sql, const struct rpl_xbuf *layout, bool *ok,
                       char *why, size_t why_len, struct rpl_err *err);

/* rpl_mysource_start prepares and executes select_sql for the buffers laid out
 * like layout (reconnecting after an abort). */
int rpl_mysource_start(struct rpl_mysource *s, const char *select_sql, const struct rpl_xbuf *layout,
                       struct rpl_err *err);

/* rpl_mysource_fetch reads up to b->rows rows into b; *n = 0 at the end. A value
 * longer than its in-line slot gets its full length in the indicator (the caller's
 * check names it); one no C type here can hold is an error naming the column. */
int rpl_mysource_fetch(struct rpl_mysource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);

/* rpl_mysource_abort drops a result still streaming by closing the connection
 * (reading it to its end could take minutes); start reconnects. */
void rpl_mysource_abort(struct rpl_mysource *s);
void rpl_mysource_close(struct rpl_mysource *s);

/* rpl_mysource_adapter_open: the source adapter (source.h); *out NULL, with why_not,
 * when conn is not MariaDB or libmariadb cannot connect as the driver would. */
int rpl_mysource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                              char *why_not, size_t why_len, struct rpl_err *err);

#endif
