/* daemon/account.h: printing a job's per-partition account (replicad(8), `run --json`:
 * range, state, rows read/written/rejected, bytes, ms per phase, the reject file)
 * as a readable table or one JSON object. The same JSON serves job.get later. */
#ifndef RD_ACCOUNT_H
#define RD_ACCOUNT_H
#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "copy.h"

/* rd_account_json builds the account object (new reference). */
json_t *rd_account_json(const char *table, const char *job_id, const struct rpl_part_account *accs,
                        size_t n, const char *reject_path, int64_t wall_ms);

/* rd_account_print writes the account to f, as JSON when json is true. wall_ms is
 * the job's elapsed time (partitions run in parallel, so it is not their sum). */
void rd_account_print(FILE *f, bool json, const char *table, const char *job_id,
                      const struct rpl_part_account *accs, size_t n, const char *reject_path, int64_t wall_ms);

#endif
