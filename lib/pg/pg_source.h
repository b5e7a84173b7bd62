/* lib/pg/pg_source.h: the PostgreSQL source through libpq's COPY (SELECT …) TO STDOUT.
 * psqlODBC turns the server's text into C structs with sscanf and strtol per value
 * (docs/benchmarks.md); COPY streams the rows with no cursor round trips, and
 * parsing them here fills the transport buffer directly, in the C types xfer.c chose,
 * so the rest of the copy (rules, sinks) does not know which source it had. The
 * binary format (pg_binread.h) where every column has one decoded here, else text. */
#ifndef RPL_PGSOURCE_H
#define RPL_PGSOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_pgsource;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_source;
struct rpl_source_want;

/* rpl_pgsource_open connects like rpl_pgconn_open; *out NULL when not possible (DSN). */
int rpl_pgsource_open(const char *odbc_connstr, const char *password, struct rpl_pgsource **out,
                      struct rpl_err *err);
/* rpl_pgsource_start runs COPY (select_sql) TO STDOUT, in the binary format when
 * binary (every column passed rpl_pgbinary_usable for the source), else in text. */
int rpl_pgsource_start(struct rpl_pgsource *s, const char *select_sql, bool binary, struct rpl_err *err);
/* rpl_pgsource_fetch parses up to b->rows rows into b; *n = 0 at the end. A value
 * longer than its buffer gets its full length in the indicator (the caller's
 * truncation check names it); an unparsable value is an error naming the column. */
int rpl_pgsource_fetch(struct rpl_pgsource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);
/* rpl_pgsource_abort stops a COPY that is still streaming (reconnects lazily). */
void rpl_pgsource_abort(struct rpl_pgsource *s);
void rpl_pgsource_close(struct rpl_pgsource *s);

/* rpl_pgsource_adapter_open: the source adapter (source.h); *out NULL, with why_not,
 * when conn is not PostgreSQL or libpq cannot reach it (a DSN). */
int rpl_pgsource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                              char *why_not, size_t why_len, struct rpl_err *err);

#endif
