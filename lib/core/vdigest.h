/* lib/core/vdigest.h: a partition's rows digested where they are, so that verify of a
 * PostgreSQL table against a PostgreSQL copy, or of a SQLite file against a SQLite
 * copy, reads no row into the comparison when both sides are equal (issue #17:
 * verify at most 0.7 x the copy; docs/verify.md "Digests"). Below, PostgreSQL's;
 * SQLite's are the same in replicad's own SQL functions (sqlite_digest.h).
 *
 * DESIGN. Each side's server computes, over the rows of the range, the count and
 * the exact sum (numeric) of one 64-bit hash per row: hash_record_extended over
 * the row's columns (each by its type's own hash: exact for integers, dates,
 * timestamps, bytea, uuid; numeric by value, so 1.50 and 1.500 hash alike, as verify
 * compares them, with its sign apart, which hash_numeric leaves out; text, varchar and char in the C collation: bytes, whatever the
 * column's collation; doubles through float8send: bits, so -0.0 and 0.0 differ),
 * mixed once more (hashint8extended) so that values swapped between rows do not
 * cancel out in the sum: a changed, missing or extra row moves the sum by a
 * pseudo-random 64-bit amount, which another row's change cancels with a chance of
 * 2^-64. Both sides' statements run at once, one thread each, on libpq connections
 * of their own (pg_digest.h), and each sends one row back.
 * The digest only ever says "equal": when counts and sums are equal, and no source
 * row holds a value the value rules could change or reject (counted by the
 * same statement: a judged date outside 0001-01-01..9999-12-31 or on a placeholder
 * date), the partition is equal as far as 64-bit row hashes tell. Anything else,
 * including a server without hash_record_extended (PostgreSQL before 14), sends the
 * partition to the row-by-row merge (verify.h), which finds and names each
 * difference. Used only between two PostgreSQL tables whose compared columns have
 * the same declared type on both sides, among the types above, and between two
 * SQLite files (rpl_vdigest_fits); vcross.h asks a PostgreSQL target of a MariaDB
 * source for the same statement and computes the source's side itself. */
#ifndef RPL_VDIGEST_H
#define RPL_VDIGEST_H
#include <stdbool.h>
#include <stdint.h>
#include "catalog.h"
#include "err.h"
#include "odbc_conn.h"
#include "plan.h"
#include "sbuf.h"
#include "sqlgen.h"

struct rpl_vdconn;

struct rpl_vdigest {
	int64_t rows;        /* rows in the range */
	int64_t ruled;       /* rows with a value the value rules could change or reject */
	char sum[64];        /* the row hashes' digest as text (PostgreSQL: their exact
	                      * sum, "" for no row; SQLite: sum and xor in hex) */
};

/* rpl_vdigest_fits: can st (the source) and tv (the target as matched, vtable.c) be
 * digested? Both SQLite; or both PostgreSQL, every column of the same declared type
 * on both sides and of a type whose hash is exact (above), and the value rules
 * judging no column but dates and timestamps (judged, from rpl_rules_plan; ncols
 * entries). */
bool rpl_vdigest_fits(const struct rpl_table *st, const struct rpl_table *tv, const bool *judged,
                      enum rpl_engine se, enum rpl_engine de);

/* rpl_vdigest_sql: the statement over range r of g's table (g->st names its columns);
 * judged as for rpl_vdigest_fits, the placeholder dates as configured. */
void rpl_vdigest_sql(const struct rpl_sqlgen *g, const bool *judged, const char *const *placeholders,
                     size_t n_placeholders, const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_vdigest_connect: a connection of its own to c's database for the digests
 * (PostgreSQL: libpq, pg_digest.h; SQLite: the library with replicad's functions,
 * sqlite_digest.h). 1 and *out NULL: no digests there (a DSN). */
int rpl_vdigest_connect(const struct rpl_conn *c, struct rpl_vdconn **out, struct rpl_err *err);
void rpl_vdigest_disconnect(struct rpl_vdconn *dc);

/* rpl_vdigest_read runs sql and reads its one row through dc's connection (c names
 * the side in the debug log). Any thread, one per connection. */
int rpl_vdigest_read(const struct rpl_conn *c, struct rpl_vdconn *dc, const char *sql, struct rpl_vdigest *d,
                     struct rpl_err *err);

/* rpl_vdigest_equal: does the source's digest s prove the target's t equal? */
bool rpl_vdigest_equal(const struct rpl_vdigest *s, const struct rpl_vdigest *t);

#endif
