/* lib/core/vtable.h: verify and scan of one table between a source and a target
 * connection (docs/verify.md): the catalogs,
 * the column mapping, one source adapter per side (source.h: the adapters a copy
 * reads with) and their buffers, the value rules; then, per partition, the ordered
 * SELECTs and the merge (verify.h) or the rules alone (scan.h).
 *
 * DESIGN. rpl_vtable_open reads both catalogs (never creating, altering or adding
 * anything: a target that is missing or lacks a column is an error), pairs the
 * columns through the table's mapping as a copy does (colmap.h), and describes the
 * target as a table of its own whose columns are the matched ones in the source's
 * order and whose key is the source's (the target may have none: rows are matched
 * by the source's key). Each side gets the adapter rpl_source_open picks for its
 * connection, without keyset slices (one ordered SELECT), and a buffer laid out for
 * it. The target side is read in a thread of its own while the source side is read
 * and judged on the caller's: two cursors, each a chunk ahead at most.
 * Between two PostgreSQL tables the servers are asked for digests of the partition
 * first (vdigest.h): equal digests make it equal without a row read; anything else
 * goes on to the rows. From MariaDB to PostgreSQL the target's server digests while
 * the source's rows are read and hashed here (vcross.h), then the same.
 * Nothing is written: the only statements are catalog queries and the SELECTs.
 * One thread at a time per vtable; the connections are borrowed and must stay open
 * until rpl_vtable_close. */
#ifndef RPL_VTABLE_H
#define RPL_VTABLE_H
#include <stdatomic.h>
#include <stdbool.h>
#include "odbc_conn.h"
#include "plan.h"
#include "scan.h"
#include "sqlgen.h"
#include "verify.h"

struct rpl_colmap;
struct rpl_vtable;

struct rpl_vtable_opts {
	const char *src_schema, *src_table;   /* borrowed */
	const char *dst_schema, *dst_table;   /* borrowed */
	const char *date_column;              /* borrowed; NULL: whole-table ranges only */
	int64_t chunk_bytes;
	bool truncate_strings, bulk_odbc, text_copy, only_parent;   /* as rpl_copy_opts */
	const char *const *placeholder_dates; /* borrowed */
	size_t n_placeholder_dates;
	const struct rpl_colmap *map;         /* borrowed; NULL: same names */
	size_t max_keys;                      /* each list's cap */
	const atomic_bool *cancel;            /* borrowed; NULL: never */
	bool scan_only;                       /* the target's catalog only: no adapter, no
	                                       * buffers (rpl_vtable_verify refuses) */
	bool no_digest;                       /* compare rows even where the servers'
	                                       * digests could prove a range equal (vdigest.h) */
	int slices;                           /* load.workers: a big partition of a single
	                                       * integer key is verified in up to this many
	                                       * key slices at once (vslices.h); <= 1: one */
	int cpus;                             /* the CPUs this host gives verify
	                                       * (vslices.h rpl_vslices_count); 0: those
	                                       * the process may run on */
	const struct rpl_keyslice *kslice;    /* borrowed; NULL: whole ranges. Set by
	                                       * vslices.c on each slice's own vtable */
};

/* rpl_vtable_open prepares verify and scan of one table; dst may be read only for
 * its catalog (scan). */
int rpl_vtable_open(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_vtable_opts *o,
                    struct rpl_vtable **out, struct rpl_err *err);

/* rpl_vtable_verify compares range r of both sides; out as rpl_verify_run fills it. */
int rpl_vtable_verify(struct rpl_vtable *v, const struct rpl_range *r, struct rpl_verify_part *out,
                      struct rpl_err *err);

/* rpl_vtable_scan judges range r of the source; out as rpl_scan_run fills it. */
int rpl_vtable_scan(struct rpl_vtable *v, const struct rpl_range *r, struct rpl_scan_part *out,
                    struct rpl_err *err);

/* rpl_vtable_cols: the columns as verify and scan name them (borrowed until close). */
const struct rpl_vcol *rpl_vtable_cols(const struct rpl_vtable *v, size_t *n);

/* rpl_vtable_slices: at most how many key slices a partition of the table spanning
 * enough keys is verified in (vslices.h rpl_vslices_max), 1 when never (a composite
 * or non-integer key, load.workers 1, scan); *row_bytes and *cpus: the source's
 * average row size (-1 unknown) and the CPUs it was decided on (0 when not asked).
 * Reads the source's statistics only. For the dry run. */
size_t rpl_vtable_slices(const struct rpl_vtable *v, int64_t *row_bytes, int *cpus);

/* rpl_vtable_sql appends the SELECT side (0 source, 1 target) sends for range r. */
void rpl_vtable_sql(const struct rpl_vtable *v, int side, const struct rpl_range *r, struct rpl_sbuf *out);

void rpl_vtable_close(struct rpl_vtable *v);

#endif
