/* lib/odbc/odbc_sink.h: writing through ODBC parameter arrays, the path every driver
 * has (docs/architecture.md "One row, from source to target" step 5): one prepared INSERT, the buffer bound as a
 * row-wise array (column-wise for Connector/ODBC, which runs a row-wise array as one
 * execute per row; row by row for sqliteodbc, which gives every binary value in an
 * array the first row's length). Each chunk runs under a savepoint; a refused chunk
 * is rolled back to it and split in halves down to the rows the server will not take.
 * The sink interface's fallback (sink.h, rpl_odbc_sink_open declared there). Also the
 * ODBC transaction steps the LOAD DATA sink shares (it loads on the same connection). */
#ifndef RPL_ODBC_SINK_H
#define RPL_ODBC_SINK_H
#include "sink.h"

/* rpl_odbc_sink_begin: autocommit off with the range DELETE in the transaction; a
 * batched DELETE (batch > 0) first runs in autocommit until it deletes fewer rows. */
int rpl_odbc_sink_begin(struct rpl_conn *c, const char *delete_sql, long batch, struct rpl_err *err);

/* rpl_odbc_sink_explain_begin gives the statements of rpl_odbc_sink_begin in order. */
void rpl_odbc_sink_explain_begin(const struct rpl_conn *c, const char *delete_sql, long batch,
                                 rpl_sink_explain_fn fn, void *data);

#endif
