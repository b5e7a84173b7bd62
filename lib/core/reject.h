/* lib/core/reject.h: the reject file, JSON Lines, one object per rejected row: table,
 * partition, column, rule, reason, the row's key and all its values (docs/operations.md
 * "Rejected rows"). Created on the first reject, so a clean run leaves no file. Safe
 * to share between threads. */
#ifndef RPL_REJECT_H
#define RPL_REJECT_H
#include <stdint.h>
#include <stdio.h>
#include "err.h"

struct rpl_reject_log;

/* rpl_reject_new prepares a log at path (copied); nothing is created yet. */
struct rpl_reject_log *rpl_reject_new(const char *path);

/* rpl_reject_write appends one line; key_json and row_json are JSON objects (text).
 * Returns RPL_EIO naming the path when the file cannot be created or written. */
int rpl_reject_write(struct rpl_reject_log *l, const char *table, const char *partition,
                     const char *column, const char *rule, const char *reason,
                     const char *key_json, const char *row_json, struct rpl_err *err);

/* rpl_reject_write_constraint is rpl_reject_write for a row the server refused for
 * a constraint it names: the line gets "constraint" after "column" (NULL: left out). */
int rpl_reject_write_constraint(struct rpl_reject_log *l, const char *table, const char *partition,
                                const char *column, const char *constraint, const char *rule, const char *reason,
                                const char *key_json, const char *row_json, struct rpl_err *err);

/* A partition's spool: the lines of one attempt at loading it, held until the
 * attempt commits. An attempt that fails (a bulk load the server refused and loaded
 * again split, a deadlock or lost connection retried, a cancel) is rolled back, and
 * its lines are dropped with it: the attempt that commits writes each of its
 * rejected rows once (issue #15: a refused COPY wrote its rule rejects twice). Not
 * shared between threads: each partition has its own. */
struct rpl_reject_spool {
	struct rpl_reject_log *log;   /* borrowed; NULL: nothing is kept */
	FILE *f;                      /* owned; NULL until the first line */
	int64_t lines;
};
#define RPL_REJECT_SPOOL_INIT(l) ((struct rpl_reject_spool){ .log = (l) })

/* rpl_reject_spool_write keeps one line (arguments as rpl_reject_write_constraint)
 * in an unlinked file beside the reject file, created on the first line: RPL_EIO
 * naming the reject file when it cannot be. */
int rpl_reject_spool_write(struct rpl_reject_spool *s, const char *table, const char *partition,
                           const char *column, const char *constraint, const char *rule, const char *reason,
                           const char *key_json, const char *row_json, struct rpl_err *err);

/* rpl_reject_spool_publish appends the spool's lines to the reject file, under its
 * lock so they stay together, and empties the spool; RPL_EIO naming the file. */
int rpl_reject_spool_publish(struct rpl_reject_spool *s, struct rpl_err *err);

/* rpl_reject_spool_drop forgets the spool's lines (none written). */
void rpl_reject_spool_drop(struct rpl_reject_spool *s);

const char *rpl_reject_path(const struct rpl_reject_log *l);
int64_t rpl_reject_count(struct rpl_reject_log *l);
void rpl_reject_free(struct rpl_reject_log *l);

#endif
