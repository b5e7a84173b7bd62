/* lib/myload.h: MariaDB/MySQL targets through LOAD DATA LOCAL INFILE, on the same
 * ODBC connection (and so the same transaction) as the range DELETE and the ledger's
 * done-mark. Connector/ODBC 3.1 runs even a column-wise parameter array as one INSERT
 * per row inside the server; LOAD DATA parses a tab-separated stream in bulk (1.2 s
 * against 1.8 s for 20k seed rows, docs/benchmarks.md). Each chunk is rendered
 * (tsv.h) into a memory file (memfd) that the driver reads back by its /proc path:
 * no file on disk, no second thread, nothing to clean up.
 *
 * LOCAL makes the server keep going where it would refuse: a duplicate key is
 * skipped and a value that does not fit is cut, each with a warning. So every load
 * is checked: the rows the server took must equal the rows sent, with no warning;
 * anything else is RPL_EREFUSED and the caller redoes the partition through
 * parameter arrays, whose failed batches isolate the rows to reject. */
#ifndef RPL_MYLOAD_H
#define RPL_MYLOAD_H
#include <stdbool.h>
#include <stddef.h>
#include "conn.h"
#include "err.h"

struct rpl_myload;
struct rpl_xbuf;

/* rpl_myload_new makes the memory file; *out is the path the LOAD DATA names. */
int rpl_myload_new(struct rpl_myload **out, struct rpl_err *err);
void rpl_myload_free(struct rpl_myload *ml);
const char *rpl_myload_path(const struct rpl_myload *ml);

/* rpl_myload_rows loads rows [0, n) of b with load_sql (rpl_sqlgen_load_data of
 * rpl_myload_path) on c, in c's open transaction. RPL_EREFUSED: the server took
 * other rows than those sent (the message says how many and its first warning);
 * a driver error is returned as it came (retryable ones included). */
int rpl_myload_rows(struct rpl_myload *ml, struct rpl_conn *c, const char *load_sql,
                    const struct rpl_xbuf *b, size_t n, struct rpl_err *err);

/* rpl_myload_exec_failed: did the last rpl_myload_rows fail in the LOAD DATA
 * statement itself (the server or driver refusing the command, not the rows)? */
bool rpl_myload_exec_failed(const struct rpl_myload *ml);

#endif
