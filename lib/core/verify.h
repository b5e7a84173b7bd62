/* lib/core/verify.h: proving one partition of a target equal to its source
 * (docs/verify.md).
 *
 * DESIGN. Each side is a stream of chunks in the transport buffer (struct
 * rpl_vstream), read by the same source adapters a copy reads with; this file knows
 * no engine. With a key, both streams come in key order (the SELECTs ask each engine
 * for a binary collation: sqlgen.h rpl_sqlgen_select_ordered) and are merged in one
 * pass: a source key below the target's is missing, a target key below the source's
 * extra (a duplicate key in a target without a primary key is extra too), equal
 * keys are compared column by column (vcmp.h) and changed when a column differs.
 * Without a key, each side's rows are counted and hashed, and the hashes of the rows
 * summed and xored: an order-insensitive digest, equal when both sides hold the same
 * multiset of rows (as far as 64-bit hashes tell).
 * The source's chunks go through the value rules against the target's columns
 * first (rpl_rules_apply, as the copy's reader does), so a value a run changes by a
 * rule (a placeholder date made NULL) compares as the run wrote it; a row the rules
 * reject is counted in `rejected` and left out of the merge, as a run leaves it out
 * of the target. Memory: the two chunk buffers and the lists, which keep at most
 * max_keys keys each while their counts go on. Nothing is written anywhere.
 * One thread; the streams' fetch functions run on it. */
#ifndef RPL_VERIFY_H
#define RPL_VERIFY_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "catalog.h"
#include "err.h"

struct rpl_xbuf;
struct rpl_rules;
struct rpl_sbuf;

/* rpl_vstream: one side's rows of a partition, chunk by chunk. fetch gets in *b the
 * buffer of the chunk before (buf the first time), which it may now reuse, and
 * returns in *b the buffer holding the next chunk and in *n its rows (0 at the end):
 * a stream read ahead by a thread of its own hands out its two buffers in turn. */
struct rpl_vstream {
	struct rpl_xbuf *buf;   /* borrowed: the first buffer; every buffer has its layout */
	int (*fetch)(void *data, struct rpl_xbuf **b, size_t *n, struct rpl_err *err);
	void *data;
};

/* How column i of both buffers is compared and named. */
struct rpl_vcol {
	const char *name;       /* borrowed: the name output uses (the source's) */
	enum rpl_class cls;     /* comparison class (the source column's) */
	bool pad;               /* CHAR(n) on either side: trailing spaces do not count */
	int ts_digits;          /* fractional digits the target keeps (timestamps) */
	bool single;            /* the target keeps a single-precision float (MariaDB's
	                         * FLOAT, PostgreSQL's real): doubles compared as floats */
};

struct rpl_verify_def {
	struct rpl_vstream src, tgt;    /* column i of src.buf is column i of tgt.buf */
	const struct rpl_rules *rules;  /* borrowed; applied to the source's chunks; NULL: none */
	const struct rpl_vcol *cols;    /* borrowed, ncols */
	size_t ncols;
	const size_t *key_cols;         /* borrowed: buffer columns of the key, in key order */
	size_t nkey;                    /* 0: no key, counts and digests */
	size_t max_keys;                /* cap of each list (counts stay whole) */
	const atomic_bool *cancel;      /* borrowed; NULL: never. Seen between chunks */
};

struct rpl_vchanged {
	char *key;        /* owned: JSON object {column: value} */
	char *columns;    /* owned: JSON array of the column names that differ */
};

struct rpl_verify_part {
	int64_t source_rows, target_rows;   /* rows read from each side */
	int64_t rejected;                   /* source rows the value rules reject (not compared) */
	int64_t nmissing, nextra, nchanged; /* whole counts */
	char **missing, **extra;            /* owned JSON keys, at most max_keys each */
	size_t missing_n, extra_n;
	struct rpl_vchanged *changed;       /* owned, at most max_keys */
	size_t changed_n;
	int64_t *changed_by_col;            /* owned, ncols: rows whose column i differs */
	bool keyed;
	uint64_t src_digest[2], tgt_digest[2];   /* keyless: sum and xor of the row hashes */
	bool differ;                        /* anything above differs */
	bool by_digest;                     /* found equal by the servers' digests, no row
	                                     * read (vdigest.h): the lists are empty */
	int slices;                         /* key slices read side by side (vslices.h);
	                                     * 0: the partition in one piece */
};

/* rpl_verify_run reads both streams to their ends and fills out (to be
 * rpl_verify_part_fini'd, also on failure). Fails on a stream's error, a value
 * longer than its buffer, RPL_ENOMEM or a cancel (RPL_ECANCELED). */
int rpl_verify_run(const struct rpl_verify_def *d, struct rpl_verify_part *out, struct rpl_err *err);
void rpl_verify_part_fini(struct rpl_verify_part *p);

/* rpl_verify_key_json appends row r's key as a JSON object {name: value}. */
void rpl_verify_key_json(const struct rpl_xbuf *b, size_t r, const struct rpl_vcol *cols,
                         const size_t *key_cols, size_t nkey, struct rpl_sbuf *out);

#endif
