/* daemon/runner_idx.h: a job's index work, once per job whichever processes share it
 * (DESIGN in runner_idx.c; the ledger's states in lib/core/jobidx.h). */
#ifndef RD_RUNNER_IDX_H
#define RD_RUNNER_IDX_H
#include <stdbool.h>
#include <stddef.h>
#include "config.h"
#include "odbc_conn.h"

struct job;
struct rd_job_result;
struct rpl_part_account;
struct rpl_range;

/* runner_idx_before, on the job's thread before its workers: indexes a dead process
 * left down come back; then the first process of the job drops them (or, created:
 * the table was created by this run, its saved indexes wait for the end). *shared:
 * another live process works on the job. -1: res->err says why. */
int runner_idx_before(struct job *j, struct rpl_conn *dst, bool created, size_t todo, bool *shared,
                      struct rd_job_result *res);

/* runner_idx_part_done, on a worker after a partition it marked done: builds the
 * indexes if that was the job's last undone partition; the time goes to acc. */
void runner_idx_part_done(struct job *j, struct rpl_conn *dst, struct rpl_part_account *acc);

/* runner_idx_end, on the job's thread after its workers: the same, and indexes of a
 * job that ends undone come back unless another live process still loads it. */
void runner_idx_end(struct job *j, struct rpl_conn *dst, struct rd_job_result *res);

/* runner_table_turn, on a worker before it claims a partition of a table whose
 * partitions one process loads at a time (j->one_process): RD_TURN_FREE when no other
 * live process holds one, RD_TURN_LATER when one does (wait false: the first pass
 * tries the others), else with wait it waits for the table; -1 when the job is
 * cancelled meanwhile or the ledger cannot be read (perr). */
enum { RD_TURN_FREE = 0, RD_TURN_LATER = 1 };
int runner_table_turn(struct job *j, struct rpl_conn *dst, bool wait, struct rpl_err *perr);

/* runner_table_yield, on a worker that has just claimed partition r (claim_no) of such
 * a table: true when another process claimed one of it at the same moment; the claim
 * is then released (outcome 'yielded') after a random pause, and the worker tries
 * again (runner_table_turn). Of two claims at once, at least one sees the other. */
bool runner_table_yield(struct job *j, struct rpl_conn *dst, const struct rpl_range *r, int claim_no);

/* rd_idx_sweep, on the service's ledger scan thread (c: its target connection):
 * finished jobs whose indexes are still down and nobody's get them back. */
void rd_idx_sweep(struct rpl_conn *c, const struct rpl_config *cfg);

#endif
