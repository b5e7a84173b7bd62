/* lib/pg/pg_conn.h: libpq connections for the native PostgreSQL paths (the COPY sink and
 * the COPY source), made from the host, port, database and user of the ODBC
 * connection string the user configured, in UTC like the ODBC sessions (odbc_conn.c).
 * libpq stays inside pg_conn.c, pg_sink.c, pg_source.c and pg_digest.c. */
#ifndef RPL_PGCONN_H
#define RPL_PGCONN_H
#include <stdbool.h>
#include "err.h"

struct pg_conn;          /* libpq's PGconn */
struct pg_result;        /* libpq's PGresult */

/* rpl_pgconn_open connects; *conn stays NULL, without error, when the string does
 * not say where the server is (a DSN): the caller keeps the ODBC path. side names
 * the connection in messages, and must outlive it (a string literal): what the server
 * says outside a result is logged under it, never printed. */
int rpl_pgconn_open(const char *odbc_connstr, const char *password, const char *side, void **conn,
                    struct rpl_err *err);

/* rpl_pgconn_where: does the ODBC string say where the server is (Server or Host,
 * and Database), so that rpl_pgconn_open can connect? Not for a DSN. */
bool rpl_pgconn_where(const char *odbc_connstr);

/* rpl_pgconn_fail records libpq's error for conn (and res, cleared) with side and
 * what, the password scrubbed, SQLSTATE 08006 when the connection is gone. */
int rpl_pgconn_fail(void *conn, void *res, const char *side, const char *what, const char *secret,
                    struct rpl_err *err);

#endif
