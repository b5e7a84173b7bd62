/* lib/core/reject.h: the reject file, JSON Lines, one object per rejected row: table,
 * partition, column, rule, reason, the row's key and all its values (DESIGN.md
 * "Value rules"). Created on the first reject, so a clean run leaves no file. Safe
 * to share between threads. */
#ifndef RPL_REJECT_H
#define RPL_REJECT_H
#include <stdint.h>
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

const char *rpl_reject_path(const struct rpl_reject_log *l);
int64_t rpl_reject_count(struct rpl_reject_log *l);
void rpl_reject_free(struct rpl_reject_log *l);

#endif
