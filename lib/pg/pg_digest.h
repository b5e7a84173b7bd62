/* lib/pg/pg_digest.h: verify's digest statement (vdigest.h) sent through a libpq
 * connection of its own, so that the source's and the target's run at the same time:
 * through ODBC they would not (unixODBC serializes calls into one driver by default).
 * Made from the ODBC connection's string and password as the COPY paths are
 * (pg_conn.h); NULL for a DSN: no digests there. */
#ifndef RPL_PGDIGEST_H
#define RPL_PGDIGEST_H
#include "err.h"
#include "odbc_conn.h"

struct rpl_pgdigest;

/* rpl_pgdigest_open: *out stays NULL, without error, when c is no PostgreSQL
 * connection or its string says not where the server is. */
int rpl_pgdigest_open(const struct rpl_conn *c, struct rpl_pgdigest **out, struct rpl_err *err);

/* rpl_pgdigest_query runs sql, which returns one row of n columns, into vals[i]
 * (each of len bytes, "" for NULL). A lost connection is opened again first. */
int rpl_pgdigest_query(struct rpl_pgdigest *d, const char *sql, char **vals, size_t n, size_t len,
                       struct rpl_err *err);

void rpl_pgdigest_close(struct rpl_pgdigest *d);

#endif
