/* lib/mariadb/mariadb_sink.h: MariaDB/MySQL targets through LOAD DATA LOCAL INFILE, on the same
 * ODBC connection (and so the same transaction) as the range DELETE and the ledger's
 * done-mark. Connector/ODBC 3.1 runs even a column-wise parameter array as one INSERT
 * per row inside the server; LOAD DATA parses a tab-separated stream in bulk. Each
 * chunk is rendered (tsv.h) into a memory file (memfd) that the driver reads back by
 * its /proc path: no file on disk, nothing to clean up.
 *
 * DESIGN. Two memory files and one loader thread: while the server loads chunk k
 * from one file (the loader thread blocks in SQLExecDirect), the copying thread
 * renders chunk k+1 into the other. The copying thread makes no ODBC call on the
 * connection while a load runs: rpl_myload_flush waits for it before anything else
 * is sent (commit, the ledger, rollback).
 *
 * LOCAL makes the server keep going where it would refuse: a duplicate key is
 * skipped and a value that does not fit is cut, each with a warning. So every load
 * is checked: the rows the server took must equal the rows sent, with no warning;
 * anything else is RPL_EREFUSED and the caller redoes the partition in LOAD DATAs
 * split around the refused rows (rpl_myload_split). */
#ifndef RPL_MYLOAD_H
#define RPL_MYLOAD_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"
#include "err.h"

struct rpl_myload;
struct rpl_xbuf;
struct rpl_conn;
struct rpl_sink;
struct rpl_sink_want;

/* rpl_myload_new makes the two memory files and starts the loader thread; c is
 * borrowed (the target connection) for the loader's lifetime. */
int rpl_myload_new(struct rpl_conn *c, struct rpl_myload **out, struct rpl_err *err);
/* rpl_myload_free waits for a running load, stops the thread, closes the files. */
void rpl_myload_free(struct rpl_myload *ml);
/* rpl_myload_path: the path of memory file k (0 or 1), for the LOAD DATA statements */
const char *rpl_myload_path(const struct rpl_myload *ml, int k);
/* rpl_myload_set_sql gives the LOAD DATA statement for file k (copied). */
int rpl_myload_set_sql(struct rpl_myload *ml, int k, const char *sql, struct rpl_err *err);

/* rpl_myload_rows renders rows [0, n) of b (which the caller may reuse on return)
 * and starts their load once the previous one has ended; that one's failure is
 * returned here: RPL_EREFUSED when the server took other rows than sent (the
 * message says how many, and its first warning), or the driver's error (retryable
 * ones included). */
int rpl_myload_rows(struct rpl_myload *ml, const struct rpl_xbuf *b, size_t n, struct rpl_err *err);
/* rpl_myload_flush waits for the running load and returns its result. */
int rpl_myload_flush(struct rpl_myload *ml, struct rpl_err *err);

/* rpl_myload_exec_failed: did the last failed load fail in the LOAD DATA statement
 * itself (the server or driver refusing the command, not the rows)? */
bool rpl_myload_exec_failed(const struct rpl_myload *ml);

/* rpl_myload_refused_fn: row (an index into the buffer) was refused alone; reason is
 * "[SQLSTATE] " and the server's words (its first warning); constraint the constraint
 * they name (NULL: none); column always NULL (the words name it, refusal.h). < 0 stops. */
typedef int (*rpl_myload_refused_fn)(void *data, size_t row, const char *reason, const char *column,
                                     const char *constraint, struct rpl_err *err);

/* rpl_myload_split loads rows [first, first + n) of b synchronously inside the open
 * transaction, in one LOAD DATA under a savepoint; when the server refuses rows
 * (RPL_EREFUSED, or an SQLSTATE class 22 or 23 error such as a foreign key) it rolls
 * back to the savepoint and splits them in halves, each again one LOAD DATA, until
 * every refused row is alone and handed to refused: the others load in bulk (issue
 * #15). A foreign key on an integer column is asked of the parent table first: the
 * rows whose key it lacks are refused at once, the rows left move up over them in b
 * (in order). *loaded grows by the rows loaded. Any other error returns. */
int rpl_myload_split(struct rpl_myload *ml, struct rpl_xbuf *b, size_t first, size_t n,
                     rpl_myload_refused_fn refused, void *data, size_t *loaded, struct rpl_err *err);

/* rpl_myload_adapter_open: the sink adapter (sink.h); *out NULL when conn is
 * not MariaDB. */
int rpl_myload_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                            char *why_not, size_t why_len, struct rpl_err *err);

#endif
