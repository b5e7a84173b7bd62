/* lib/pg/pg_binread.h: reading PostgreSQL's binary COPY rows (COPY … TO STDOUT
 * (FORMAT binary)) into the transport buffer, for the PostgreSQL source.
 *
 * Why: in the text format the source server prints every number, date and
 * timestamp and replicad parses it back (strtod alone was 7 % of a PostgreSQL ->
 * PostgreSQL copy's samples, unescaping and bytea's hex another 5 %); the binary
 * format sends integers, doubles, dates and timestamps as they are stored and
 * text and bytea as raw bytes. Numerics arrive as base-10000 digits and are
 * written out as the same text numeric_out would print, so the buffer holds what
 * the text format gave, byte for byte (the pair tests compare both); doubles are the
 * stored bits, which the text format matches only from PostgreSQL 12 on (shortest
 * exact output), and NaN payloads pass unchanged.
 *
 * Used only when every column is of a type decoded here (rpl_pgbinary_usable, source side);
 * any other table keeps the text format. */
#ifndef RPL_PGBINREAD_H
#define RPL_PGBINREAD_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_xbuf;

/* rpl_pgbinread_message parses one COPY data message: the file header (first
 * message only), then one row, stored as row r of b (*got = 1), or the trailer
 * (*end = true). A value longer than its in-line buffer gets its full length in the
 * indicator, as from the text format; a value that cannot be represented (an
 * infinite date, a year outside 1..9999) is an error naming the column. */
int rpl_pgbinread_message(const unsigned char *m, size_t len, struct rpl_xbuf *b, size_t r, int *got, bool *end,
                          struct rpl_err *err);

#endif
