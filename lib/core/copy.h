/* lib/core/copy.h: copying one table, partition by partition, from a source to a target
 * connection (docs/architecture.md "One row, from source to target").
 *
 * DESIGN. rpl_copy_prepare reads both catalogs once per table, matches columns by
 * name through the table's column mapping (colmap.h: excluded, renamed and added
 * columns; target columns nothing feeds are left to their defaults), warns about
 * narrower target columns, creates a missing target table when
 * asked, and lays out one row-wise buffer (value + indicator per column) sized from
 * chunk_bytes, for the source and sink adapters rpl_choose picks (choose.h, source.h,
 * sink.h). rpl_copy_partition then, on the target's transaction: deletes the range,
 * and loops { the source's fetch -> value rules in place -> compact out rejected
 * rows -> the sink's put (a parameter-array execute under a savepoint, a COPY, a
 * LOAD DATA, SQLite inserts) }, committing every commit_rows. A failed execute is rolled back to the savepoint and split in halves
 * until the rows the server refuses are isolated and rejected, so their neighbours
 * still load. A bulk path (COPY, LOAD DATA) the server refuses does the same with
 * its own statements: the partition again, one statement per chunk under a
 * savepoint, a refused one split in halves (pg_sink.h, mariadb_sink.h). Both sides bind
 * the same buffer with the same C type: no value is copied or converted between
 * fetch and insert. One thread at a time per copy. */
#ifndef RPL_COPY_H
#define RPL_COPY_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "catalog.h"
#include "odbc_conn.h"
#include "plan.h"

struct rpl_copy;
struct rpl_colmap;
struct rpl_reject_log;
struct rpl_sbuf;

enum rpl_phase { RPL_PHASE_DELETE, RPL_PHASE_DISABLE_IDX, RPL_PHASE_INSERT, RPL_PHASE_COMMIT,
                 RPL_PHASE_REBUILD_IDX, RPL_PHASE_TOTAL, RPL_NPHASES };
const char *rpl_phase_name(enum rpl_phase p);

/* Value-rule counters, per partition (docs/engines.md "How values travel"). */
enum rpl_rule { RPL_RULE_PLACEHOLDER_DATE, RPL_RULE_DATE_RANGE, RPL_RULE_NAN, RPL_RULE_TOO_LONG,
                RPL_RULE_PRECISION, RPL_RULE_INT_RANGE, RPL_RULE_NOT_NULL, RPL_RULE_SERVER,
                RPL_RULE_TRUNCATED, RPL_RULE_WRONG_TYPE, RPL_RULE_ZERO_DATE,
                RPL_RULE_NEG_ZERO,   /* -0.0 written as 0 where the target has no -0.0: counted
                                      * in nulled[] (a change, not a NULL) */
                RPL_NRULES };
const char *rpl_rule_name(enum rpl_rule r);

struct rpl_part_account {
	struct rpl_range range;
	/* CANCELLED: stopped by a user's cancel; INTERRUPTED: stopped by the process
	 * stopping (SIGTERM, Ctrl-C), resumed by the next run. Neither is FAILED: an
	 * alert on failed partitions must not fire after a cancel (issue #18 item 3). */
	enum { RPL_PART_PENDING, RPL_PART_DONE, RPL_PART_FAILED, RPL_PART_SKIPPED, RPL_PART_CANCELLED,
	       RPL_PART_INTERRUPTED } state;
	int64_t read, written, rejected, bytes;   /* written: rows committed (a partition that
	                                           * did not end done rolled the rest back) */
	int64_t nulled[RPL_NRULES];      /* values set to NULL by a rule */
	int64_t rejected_by[RPL_NRULES]; /* rows rejected, by the rule that refused them */
	int64_t ms[RPL_NPHASES];
	int attempts;
	struct rpl_err err;              /* state FAILED: why */
};

/* progress callback: rows written so far in this partition. Called on the copying thread. */
typedef void (*rpl_progress_fn)(void *data, const struct rpl_range *r, int64_t rows_read, int64_t rows_written);
/* warning callback: something the user should see before rows move. */
typedef void (*rpl_warn_fn)(void *data, const char *table, const char *column, const char *msg);

struct rpl_copy_opts {
	const char *src_schema, *src_table;   /* borrowed */
	const char *dst_schema, *dst_table;   /* borrowed */
	const char *date_column;              /* borrowed; NULL: full copies only */
	int64_t chunk_bytes, commit_rows;
	bool create_missing, table_lock, truncate_strings;
	bool bulk_odbc;                       /* load.bulk "odbc": no native source or sink */
	bool text_copy;                       /* the COPY sink stays in text format */
	bool probe;                           /* check, create and warn only: open no native
	                                       * path (libpq, SQLite library); such a copy
	                                       * refuses rpl_copy_partition */
	const struct rpl_copy *catalogs_from; /* borrowed; non-NULL: take both catalogs from
	                                       * this earlier copy of the same table (the
	                                       * runner's probe) instead of reading them */
	const char *const *placeholder_dates; /* borrowed "YYYY-MM-DD" */
	size_t n_placeholder_dates;
	struct rpl_reject_log *rejects;       /* borrowed; NULL: rejected rows are only counted */
	rpl_progress_fn progress;
	rpl_warn_fn warn;
	void *cb_data;
	const atomic_bool *cancel;            /* borrowed; NULL: never */
	const atomic_bool *pause;             /* borrowed; NULL: never. Held between chunks */
	/* done_sql appends the statement that marks a partition done (the ledger's);
	 * it runs in the partition's last transaction, just before its commit. */
	void (*done_sql)(void *data, const struct rpl_part_account *acc, struct rpl_sbuf *out);
	void *done_data;
	const struct rpl_colmap *map;         /* borrowed; NULL: every column, same names (colmap.h) */
	bool only_parent;                     /* PostgreSQL source: an inheritance parent without
	                                       * its children (tables[].inherited false; a
	                                       * partitioned table is read whole: pg_inherit.h) */
	/* claim_sql: non-NULL (issue #20, claim.h): appends the UPDATE that every commit
	 * of the partition's rows runs first, in the same transaction, with done_data.
	 * It, and then the done-mark, must each touch one row, else the transaction rolls
	 * back with RPL_ECLAIM: the claim was taken over, another process loads it. */
	void (*claim_sql)(void *data, const struct rpl_range *r, struct rpl_sbuf *out);
};

/* rpl_copy_prepare builds the copy of one table between src and dst (both borrowed,
 * kept open by the caller for the copy's lifetime). */
int rpl_copy_prepare(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_copy_opts *o,
                     struct rpl_copy **out, struct rpl_err *err);

/* rpl_copy_partition deletes range r in the target and loads it from the source.
 * acc is filled either way (its attempts and DISABLE_IDX time are kept from the
 * caller); on failure the target transaction is rolled back. */
int rpl_copy_partition(struct rpl_copy *cp, const struct rpl_range *r,
                       struct rpl_part_account *acc, struct rpl_err *err);

/* rpl_copy_rows_per_chunk: how many rows one buffer holds (for reports and tests). */
size_t rpl_copy_rows_per_chunk(const struct rpl_copy *cp);

/* rpl_copy_session_exec runs sql on cp's load session (the connection its sink
 * writes through), between partitions only, and commits it; claimed: it must touch
 * one row, else RPL_ECLAIM (fence.h). The copy's thread. */
int rpl_copy_session_exec(struct rpl_copy *cp, const char *sql, bool claimed, struct rpl_err *err);

void rpl_copy_free(struct rpl_copy *cp);

/* rpl_copy_created: did rpl_copy_prepare create the target table? Its source's
 * unique and secondary indexes then wait in replicad_indexes, to be built by
 * rpl_indexes_restore after the table's first load (createidx.h). */
bool rpl_copy_created(const struct rpl_copy *cp);

/* rpl_copy_plan is rpl_copy_prepare for the dry run: it reads both catalogs and
 * checks the table and its column mapping as a run does (the same errors), and has
 * rpl_choose pick the adapters and lay out the buffers, but changes nothing: a
 * missing target is planned as created from the source's catalog, the columns
 * add_new_columns would add are counted, not added, and the sink opens nothing.
 * dst_connected false: dst is a stand-in with only an engine and a dialect
 * (--target-dialect), the target taken as missing. Such a copy refuses
 * rpl_copy_partition. */
int rpl_copy_plan(struct rpl_conn *src, struct rpl_conn *dst, bool dst_connected, const struct rpl_copy_opts *o,
                  struct rpl_copy **out, struct rpl_err *err);

/* What a copy found and chose, borrowed until rpl_copy_free: the adapters and buffers
 * (choose.h), the statements' description (sqlgen.h), both catalogs (the target's
 * empty when it is to be created), whether the target exists and how many columns
 * add_new_columns adds (or, planned, would add). */
struct rpl_choice;
struct rpl_sqlgen;
const struct rpl_choice *rpl_copy_choice(const struct rpl_copy *cp);
const struct rpl_sqlgen *rpl_copy_sqlgen(const struct rpl_copy *cp);
const struct rpl_table *rpl_copy_table(const struct rpl_copy *cp, bool target);
bool rpl_copy_target_exists(const struct rpl_copy *cp, size_t *n_new);

#endif
