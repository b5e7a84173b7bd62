/* lib/pg/pg_sink.h: the PostgreSQL target through libpq's COPY … FROM STDIN, the one bulk
 * path psqlODBC cannot approach (it inlines parameter arrays into single-row INSERTs:
 * DRIVERS.md). The sink owns the whole target side of a partition on one connection:
 * BEGIN, the range DELETE, COPY, COMMIT; rows come from the same transport buffer the
 * ODBC path uses, in COPY's binary format when every column has one (pg_binary.h),
 * else its text format. libpq stays inside pg_sink.c. */
#ifndef RPL_PGSINK_H
#define RPL_PGSINK_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_pgsink;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_sink;
struct rpl_sink_want;

/* rpl_pgsink_open connects with the host, port, database and user of an ODBC
 * connection string (Server/Port/Database/Uid keys). *pg stays NULL, without error,
 * when the string does not say where the server is (a DSN): the caller falls back
 * to ODBC. */
int rpl_pgsink_open(const char *odbc_connstr, const char *password, struct rpl_pgsink **pg,
                    struct rpl_err *err);
void rpl_pgsink_close(struct rpl_pgsink *pg);

/* rpl_pgsink_set_binary chooses FORMAT binary for the COPYs that follow (the COPY
 * statement must say so: rpl_pgsink_binary tells the caller). */
void rpl_pgsink_set_binary(struct rpl_pgsink *pg, bool binary);
bool rpl_pgsink_binary(const struct rpl_pgsink *pg);

/* rpl_pgsink_exec runs one statement (BEGIN, DELETE, COMMIT, ROLLBACK). */
int rpl_pgsink_exec(struct rpl_pgsink *pg, const char *sql, struct rpl_err *err);

/* rpl_pgsink_exec_count is rpl_pgsink_exec that stores the rows the statement
 * touched (an UPDATE's count: the claim check of claim.h). */
int rpl_pgsink_exec_count(struct rpl_pgsink *pg, const char *sql, int64_t *rows, struct rpl_err *err);

/* rpl_pgsink_copy_begin starts COPY table (columns) FROM STDIN; the SQL is given. */
int rpl_pgsink_copy_begin(struct rpl_pgsink *pg, const char *copy_sql, struct rpl_err *err);
/* rpl_pgsink_copy_rows renders rows [0, n) of b and sends them. */
int rpl_pgsink_copy_rows(struct rpl_pgsink *pg, const struct rpl_xbuf *b, size_t n, struct rpl_err *err);
/* rpl_pgsink_copy_abort ends a COPY in progress with an error (nothing of it stays). */
void rpl_pgsink_copy_abort(struct rpl_pgsink *pg);
/* rpl_pgsink_copy_end finishes the COPY; the server's verdict on every row. */
int rpl_pgsink_copy_end(struct rpl_pgsink *pg, struct rpl_err *err);

/* rpl_pgsink_refused_fn: row (an index into the buffer) was refused alone; reason is
 * "[SQLSTATE] " and the server's message; column the column its context names and
 * constraint the constraint it names (each NULL: none). < 0 stops. */
typedef int (*rpl_pgsink_refused_fn)(void *data, size_t row, const char *reason, const char *column,
                                     const char *constraint, struct rpl_err *err);

/* rpl_pgsink_copy_split loads rows [first, first + n) of b inside the open
 * transaction, no COPY open, in one COPY (copy_sql) under a savepoint. A COPY the
 * server refuses for its data (SQLSTATE class 22, or 23: a foreign key, unique key,
 * check) is rolled back to the savepoint and its rows split in halves, each again in
 * one COPY, until every refused row is alone and handed to refused: the others load
 * at COPY speed (issue #15: row-by-row inserts took 16 s for 8,715 rows, COPY 0.2 s).
 * A foreign key that names its missing key refuses every row of the range holding it
 * at once; the rows left move up over them in b (in order).
 * *loaded grows by the rows loaded. Any other error returns (the caller rolls back). */
int rpl_pgsink_copy_split(struct rpl_pgsink *pg, const char *copy_sql, struct rpl_xbuf *b, size_t first,
                          size_t n, rpl_pgsink_refused_fn refused, void *data, size_t *loaded,
                          struct rpl_err *err);

/* rpl_pgsink_adapter_open: the sink adapter (sink.h); *out NULL when conn is
 * not PostgreSQL or libpq cannot reach it (a DSN). */
int rpl_pgsink_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                            char *why_not, size_t why_len, struct rpl_err *err);

#endif
