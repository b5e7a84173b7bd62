/* lib/core/scan.h: what a run would do to one partition's values, writing nothing
 * (docs/verify.md): the source's rows put
 * through the value rules against the target's columns, as the copy's reader does,
 * and every value a rule would reject or change counted per column and rule, the
 * first max_keys of each with the row's key.
 *
 * DESIGN. rpl_rules_apply stops at the first column that rejects a row, which is all
 * a run needs; scan wants every misfit, so a rejected row is judged again with that
 * column set aside (its value no longer judged, a NULL or unreadable value taken as
 * read) until it passes: each column that would reject the row is named once. The
 * changes of a row that is rejected are not counted (a run writes none of it); those
 * of a row that passes are what rules.c marked in the buffer's act[]. The buffer is
 * scan's own, so changing its rows costs nothing. One thread. */
#ifndef RPL_SCAN_H
#define RPL_SCAN_H
#include "copy.h"
#include "verify.h"

struct rpl_scan_def {
	struct rpl_vstream src;
	const struct rpl_rules *rules;  /* borrowed; judged may be NULL (every column) */
	const struct rpl_vcol *cols;    /* borrowed, ncols: the names output uses */
	size_t ncols;
	const size_t *key_cols;         /* borrowed; nkey 0: rows named by their ordinal */
	size_t nkey;
	size_t max_keys;                /* cap of each list (counts stay whole) */
	const atomic_bool *cancel;      /* borrowed; NULL: never */
};

struct rpl_scan_item {
	char *key;          /* owned: JSON object ({"#row": N} without a key) */
	size_t col;         /* buffer column */
	enum rpl_rule rule;
	char *reason;       /* owned; rejects only (NULL for changes) */
};

struct rpl_scan_part {
	int64_t rows;                       /* rows read */
	int64_t rows_rejected;              /* rows a run would reject */
	int64_t nrejects, nchanges;         /* values: each rejecting column once, each change */
	int64_t by_rule[RPL_NRULES];        /* rejects and changes by rule */
	int64_t *by_col;                    /* owned, ncols * RPL_NRULES: the same per column */
	struct rpl_scan_item *rejects, *changes;   /* owned, at most max_keys each */
	size_t rejects_n, changes_n;
};

/* rpl_scan_run reads the stream to its end and fills out (to be rpl_scan_part_fini'd,
 * also on failure). */
int rpl_scan_run(const struct rpl_scan_def *d, struct rpl_scan_part *out, struct rpl_err *err);
void rpl_scan_part_fini(struct rpl_scan_part *p);

#endif
