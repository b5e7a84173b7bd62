/* lib/core/vcross.h: verify's digest between a MariaDB source and a PostgreSQL
 * target (issue #17: verify at most 0.7 x the copy; docs/verify.md "Digests").
 *
 * DESIGN. The target's server computes vdigest.h's statement over the partition
 * (count, and the exact sum of hashint8extended(hash_record_extended(ROW(…)))), and
 * replicad computes the same sum over the source's rows as it reads them, each value
 * after the value rules and hashed as the target's column would hold it, with
 * PostgreSQL's own hash functions (pg_hash.h). So the target's rows are not read into
 * replicad, and its server hashes instead of sending them (a third of the time of
 * its COPY TO for the seed table). Equal counts and sums make the partition equal;
 * anything else sends it to the row-by-row merge (verify.h), which reads both sides
 * and names each difference.
 * A value is hashed only where the target's value is exactly known from it: the
 * canonical value verify compares (vcmp.h) put in the target's type, an integer in
 * its range, a decimal of no more fraction digits than the column's scale, a
 * timestamp of no more than the column's fractional digits (PostgreSQL would round
 * it), text from a UTF-8 column, no CHAR(n). A value outside that, or a row the
 * value rules reject, stops the digest: the rows are compared. Used only when every
 * compared column has one of the target types below (rpl_vcross_plan). */
#ifndef RPL_VCROSS_H
#define RPL_VCROSS_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "catalog.h"
#include "err.h"
#include "odbc_conn.h"
#include "verify.h"

/* how one column enters the target's row hash */
enum rpl_pgh {
	RPL_PGH_INT2, RPL_PGH_INT4, RPL_PGH_INT8, RPL_PGH_BOOL, RPL_PGH_NUMERIC, RPL_PGH_FLOAT8,
	RPL_PGH_DATE, RPL_PGH_TS, RPL_PGH_TEXT, RPL_PGH_BYTEA,
};

struct rpl_vcross_col {
	enum rpl_pgh t;
	int digits;     /* RPL_PGH_NUMERIC: the scale; RPL_PGH_TS: fractional digits kept */
};

/* rpl_vcross_plan: can the partitions of st (the source, engine se) against tv (the
 * target as matched, engine de) be digested this way? Fills out[0..ncols) when so.
 * vc: how verify compares each column (vtable.c). */
bool rpl_vcross_plan(const struct rpl_table *st, const struct rpl_table *tv, const struct rpl_vcol *vc,
                     enum rpl_engine se, enum rpl_engine de, struct rpl_vcross_col *out);

/* The source's side of a partition: its rows' count and the exact sum of their
 * hashes, as the target's statement gives them (the sum as decimal text, "" for no
 * row). proven false: a value or a rejected row stopped it (the stream was left
 * where it was: abort it). */
struct rpl_vcross_sum {
	int64_t rows;
	bool proven;
	char sum[48];
};

/* rpl_vcross_read reads src to its end through the value rules, or until a row
 * cannot be hashed; checks cancel between chunks. */
int rpl_vcross_read(const struct rpl_vstream *src, const struct rpl_rules *rules, const struct rpl_vcol *vc,
                    const struct rpl_vcross_col *xc, size_t ncols, const atomic_bool *cancel,
                    struct rpl_vcross_sum *out, struct rpl_err *err);

#endif
