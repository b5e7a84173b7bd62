/* lib/core/tsv.h: the one tab-separated text renderer, for PostgreSQL's COPY text format
 * (the COPY sink when a column has no binary form) and MariaDB's LOAD DATA LOCAL
 * INFILE (mariadb_sink.c). Both read fields split by tabs, rows by newlines, NULL as \N,
 * and backslash escapes; they differ in booleans (t/f against 1/0), binaries (bytea's
 * \\x hex against the raw bytes, escaped like text) and non-finite doubles. Pure
 * functions: no I/O, no driver. */
#ifndef RPL_TSV_H
#define RPL_TSV_H
#include <stddef.h>

struct rpl_xbuf;
struct rpl_sbuf;

enum rpl_tsv_flavor { RPL_TSV_PG_COPY, RPL_TSV_MARIADB_LOAD };

/* rpl_tsv_rows appends rows [first, first + n) of b, one line each. */
void rpl_tsv_rows(enum rpl_tsv_flavor f, const struct rpl_xbuf *b, size_t first, size_t n,
                  struct rpl_sbuf *out);

#endif
