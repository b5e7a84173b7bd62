/* lib/core/vslices.h: verify of one big partition in key slices side by side
 * (docs/verify.md "Big partitions"). A verify is bound by reading the source on one
 * connection (PostgreSQL's TOAST reads, MariaDB's sending of a result set:
 * docs/benchmarks.md), which a second connection on another key range does not wait
 * for.
 *
 * DESIGN. Called by rpl_vtable_verify for a table whose primary key is a single
 * integer column, when the load asks for more than one worker (and, for narrow rows,
 * the host has the CPUs: rpl_vslices_count). Two index lookups on
 * the source (MIN and MAX of the key in the partition) give its key span, cut
 * arithmetically into K = min(slices, RPL_VSLICES_MAX) slices of at least
 * RPL_VSLICES_MIN_SPAN keys each (fewer slices for a smaller span; a span under two
 * slices' is verified as before, in one piece), the first open
 * below (with the NULL keys of a target without a key) and the last open above, so
 * that a target row below the source's least key or above its greatest is in a
 * slice too. Each slice gets a thread, its own source and target connections
 * (opened as the caller's were: rpl_conn.connstr and secret) and its own vtable,
 * whose SELECTs and digests carry the slice (sqlgen.h rpl_keyslice): memory is each
 * slice's buffers, as for one partition. The slices' results are merged in key
 * order: counts summed, lists concatenated slice after slice and capped at max_keys
 * after the merge. Nothing is written; no temporary table. */
#ifndef RPL_VSLICES_H
#define RPL_VSLICES_H
#include <stddef.h>
#include "odbc_conn.h"
#include "plan.h"
#include "sqlgen.h"
#include "verify.h"

struct rpl_vtable_opts;

/* The least keys of a slice (MAX - MIN + 1 over K: the most rows it can hold).
 * Fewer rows are read by one connection in well under a second, and the slice's
 * connections, catalog reads and threads would cost what it saves (measured:
 * docs/benchmarks.md, 4 slices of 25,000 narrow rows were slower than one piece). */
#define RPL_VSLICES_MIN_SPAN 50000
/* At most this many slices: each is two more connections on each server. */
#define RPL_VSLICES_MAX 4
/* A source row of fewer bytes than this, on average by the source's statistics
 * (tablefacts.h rpl_table_row_bytes), is cheap for its server to send: replicad's
 * own work on it (a reading and a comparing thread a slice) is then as large as the
 * server's, and slices pay only where this host has a CPU for each of those threads;
 * on fewer they add work and overlap nothing (measured: docs/benchmarks.md, rows of
 * 1.2 KB verified 6-10 % slower in two slices on two CPUs). Wider rows (values out
 * of line: PostgreSQL's TOAST, long texts) make the server's read the bound, which
 * slices spread over its backends even on two CPUs (rows of 5.5 KB: 6-25 % faster). */
#define RPL_VSLICES_WIDE_ROW 2048

/* What rpl_vslices_verify needs of the table's vtable; all borrowed. */
struct rpl_vslices_in {
	const struct rpl_vtable_opts *o;    /* opts.slices gives K */
	struct rpl_conn *src, *dst;         /* idle: MIN and MAX run on src */
	const struct rpl_sqlgen *g;         /* the source side's, for MIN and MAX */
	const char *key;                    /* the key column's source name */
	size_t ncols;
	const char *label;
};

/* rpl_vslices_count: how many slices at most for load.workers slices on a host of
 * cpus CPUs, the source's rows row_bytes long on average (-1 unknown: as wide, the
 * count before rows were measured). Pure. */
size_t rpl_vslices_count(int slices, int cpus, int64_t row_bytes);

/* rpl_vslices_max: at most how many slices a big partition of o's source table is
 * verified in on this host (rpl_vslices_count of o->slices, the rows' size read from
 * src's statistics, o->cpus or the CPUs the process may run on); *row_bytes and
 * *cpus say what it was decided on. A statistics read that fails is logged (label)
 * and the rows taken as wide. */
size_t rpl_vslices_max(struct rpl_conn *src, const struct rpl_vtable_opts *o, const char *label, int64_t *row_bytes,
                       int *cpus);

/* rpl_vslices_plan cuts [min, max] into at most k slices (ks, k entries) of at
 * least RPL_VSLICES_MIN_SPAN keys each, the first open below and the last open
 * above; returns how many (1 when the span is too small to cut: that one slice is
 * open at both ends). Pure. */
size_t rpl_vslices_plan(int64_t min, int64_t max, size_t k, struct rpl_keyslice *ks);

/* rpl_vslices_verify verifies range r in key slices side by side and fills out as
 * rpl_verify_run does; returns 1, out untouched, when the partition is not to be
 * sliced (too small, empty, or its MIN and MAX could not be read: logged at info),
 * 0 done, < 0 error (out to be rpl_verify_part_fini'd). Caller's thread; the slices
 * run on threads of their own and are joined before it returns. */
int rpl_vslices_verify(const struct rpl_vslices_in *in, const struct rpl_range *r, struct rpl_verify_part *out,
                       struct rpl_err *err);

/* rpl_vslices_merge merges k slices' results (in key order) into out, taking their
 * lists (each part is left empty, to be fini'd), capping each list at max_keys. */
int rpl_vslices_merge(struct rpl_verify_part *parts, size_t k, size_t ncols, size_t max_keys,
                      struct rpl_verify_part *out, struct rpl_err *err);

#endif
