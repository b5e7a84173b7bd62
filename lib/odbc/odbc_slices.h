/* lib/odbc/odbc_slices.h: reading one partition of a MariaDB source as keyset slices, the
 * next slice executed on a second connection while this one is fetched.
 *
 * Why: MariaDB Connector/ODBC 3.1 holds a whole result set in client memory
 * (DRIVERS.md), so a partition is read as `… WHERE key > ? ORDER BY key LIMIT n`
 * slices, each after the last key of the one before. Run one after another, the
 * reader sat idle while the server produced each slice: on 20k seed rows
 * MariaDB -> PostgreSQL spent 0.32-0.40 s in SQLExecute and 0.29-0.35 s fetching,
 * one after the other, while the writer waited 0.7 s of a 1.0 s run.
 *
 * DESIGN. A slicer thread executes slice i+1 while the reader fetches slice i.
 * Slice i runs on statement slot i % 2, and slot k on connection k, so the two never
 * share a connection. The next slice's key is the last row of this one, and the
 * slicer takes it at once: the statement is a static cursor (the driver holds the
 * rows anyway), so SQLFetchScroll(SQL_FETCH_LAST) into a one-row buffer reads it
 * without the rows before it; the reader then starts at SQL_FETCH_FIRST. Each slice
 * is its own keyset query, as before, so rows changing between slices are neither
 * read twice nor skipped: every key falls in exactly one slice. A slice with fewer
 * rows than the LIMIT is the last. With one connection (conn[1] == conn[0]) the
 * slicer waits for the reader to finish each slice first: the old sequential path. */
#ifndef RPL_KEYSLICES_H
#define RPL_KEYSLICES_H
#include <stddef.h>
#include "odbc_conn.h"
#include "err.h"

struct rpl_keyslices;
struct rpl_xbuf;

struct rpl_keyslices_def {
	struct rpl_conn *conn[2];         /* borrowed; conn[1] may be conn[0] */
	const char *first_sql;            /* borrowed: the first slice (no key) */
	const char *keyed_sql;            /* borrowed: a slice after the key (npk parameters) */
	size_t slice_rows;                /* the LIMIT of both */
	const struct rpl_xbuf *layout;    /* borrowed: the chunk layout both bind to */
	const size_t *pk_cols;            /* borrowed: layout columns of the key, in key order */
	int npk;
};

/* rpl_keyslices_start allocates the statements and starts the slicer on the first
 * slice. The definition's borrowed parts must outlive rpl_keyslices_stop. */
int rpl_keyslices_start(const struct rpl_keyslices_def *d, struct rpl_keyslices **out, struct rpl_err *err);

/* rpl_keyslices_fetch fills b (laid out as d->layout) with the next rows; *n = 0 at
 * the end. From one thread (the partition's reader). */
int rpl_keyslices_fetch(struct rpl_keyslices *ks, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);

/* rpl_keyslices_stop stops the slicer (after the statement it is in), frees the
 * statements and ks; safe on NULL. */
void rpl_keyslices_stop(struct rpl_keyslices *ks);

#endif
