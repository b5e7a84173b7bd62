/* lib/pg/pg_binary.h: PostgreSQL's binary COPY format for the COPY sink. The server
 * parses binary input a third faster than text (1.57 s vs 2.27 s for 100k seed rows,
 * docs/benchmarks.md), so a table goes binary when every column pairs a transport
 * type with a target type whose binary form we write; anything else keeps the text
 * format. Pure functions, no libpq. */
#ifndef RPL_PGBINARY_H
#define RPL_PGBINARY_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_xbuf;
struct rpl_sbuf;

/* rpl_pgbinary_usable: does every column of b have a binary form of the PostgreSQL
 * type on that side (source: read by pg_binread.c; else the target's, written here):
 * int2/4/8, float8, numeric, date, timestamp[tz], bool, bytea, text types? Not
 * float4: its text is the shortest decimal that reads back as the same float, which
 * as a double is not the float's exact value. */
bool rpl_pgbinary_usable(const struct rpl_xbuf *b, bool source);

/* rpl_pgbinary_header / _trailer: the COPY stream's first and last bytes. */
void rpl_pgbinary_header(struct rpl_sbuf *out);
void rpl_pgbinary_trailer(struct rpl_sbuf *out);

/* rpl_pgbinary_rows appends rows [0, n) of b as binary tuples. A decimal text that
 * is not plain decimal fails naming the column. */
int rpl_pgbinary_rows(const struct rpl_xbuf *b, size_t n, struct rpl_sbuf *out, struct rpl_err *err);

/* rpl_pgbinary_numeric appends one numeric value's binary form (without the length
 * word) for decimal text s; false when s is not plain decimal text. Exposed for the
 * unit tests. */
bool rpl_pgbinary_numeric(const char *s, size_t n, struct rpl_sbuf *out);

#endif
