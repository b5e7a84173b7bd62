/* lib/sqlite/sqlite_digest.h: verify's digest of a partition between two SQLite files
 * (vdigest.h), on a read-only connection of its own with two SQL functions that
 * replicad registers there:
 *
 *   rpl_rowhash(prev, v1, ..., vk)  the row hash so far (prev, an integer; 0 to start)
 *                                   continued over each value's storage class and
 *                                   bytes, as SQLite keeps them (an INTEGER's 64 bits,
 *                                   a REAL's bits, TEXT's and BLOB's bytes, TEXT as
 *                                   UTF-8 in a UTF-16 file too): chained, since a
 *                                   function takes at most 127 arguments
 *   rpl_ruled(placeholders, d1, ..., dk)  1 when a date column's value is one the
 *                                   value rules make NULL between SQLite files (the
 *                                   text of a zero date or a placeholder date, read as
 *                                   rules_dates.c reads it), else 0; placeholders are
 *                                   "YYYY-MM-DD" dates, comma-separated
 *   rpl_digest(h)                   aggregate: the sum and the xor of the rows' hashes
 *                                   (each mixed once more), as text
 *
 * The file is opened from the Database= of the ODBC string, as the source adapter
 * opens it (sqlite_source.h); *out stays NULL without error for a DSN. */
#ifndef RPL_SQLITEDIGEST_H
#define RPL_SQLITEDIGEST_H
#include <stddef.h>
#include "err.h"
#include "odbc_conn.h"

struct rpl_litedigest;

int rpl_litedigest_open(const struct rpl_conn *c, struct rpl_litedigest **out, struct rpl_err *err);

/* rpl_litedigest_query runs sql, which returns one row of n columns, into vals[i]
 * (each of len bytes, "" for NULL). */
int rpl_litedigest_query(struct rpl_litedigest *d, const char *sql, char **vals, size_t n, size_t len,
                         struct rpl_err *err);

void rpl_litedigest_close(struct rpl_litedigest *d);

#endif
