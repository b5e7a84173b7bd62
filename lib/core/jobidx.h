/* lib/core/jobidx.h: a job's index work, recorded in the ledger (issue #20; DESIGN.md
 * "Cluster", contract): the target's secondary indexes are dropped once per job and
 * built again once, whichever of the processes sharing the job does it.
 * replicad_jobs holds the job's index state and who holds it:
 *
 *   none/rebuilt --(first process to open the job)--> disabling --> disabled
 *   disabled --(the process whose done-mark left no partition undone)--> rebuilding --> rebuilt
 *   disabling/disabled/rebuilding --(any process that finds the job dead: no live
 *       holder, no other process holding a partition)--> rebuilding --> rebuilt
 *
 * Each arrow is one conditional UPDATE of the job's row (compare and set), so of two
 * processes trying the same arrow one wins and the other leaves the work alone. The
 * rebuild after the last partition is conditioned in the same UPDATE on no partition
 * of the job being undone: nobody can still be loading it. The indexes themselves are
 * dropped and built by indexes.c (saved in replicad_indexes, restored with IF NOT
 * EXISTS), so a rebuild a crash interrupted simply runs again.
 *
 * Whether a holder is alive: a process of this node is asked (kill 0); one of another
 * node is alive while its heartbeat in replicad_nodes is younger than a lease. This
 * file decides nothing else: the runner says when to try which arrow. Functions run
 * on the caller's connection and commit their own work. */
#ifndef RPL_JOBIDX_H
#define RPL_JOBIDX_H
#include <stdbool.h>
#include <stdint.h>
#include "claim.h"
#include "odbc_conn.h"

/* the job's index state as the ledger has it */
struct rpl_jobidx {
	char state[16];            /* "" (none), disabling, disabled, rebuilding, rebuilt */
	struct rpl_owner holder;   /* node "" when none (handed over, or never set) */
	char job_state[16];        /* the job's own state (running, done, failed …) */
};

/* rpl_jobidx_upgrade adds the index-state columns (indexes_state, indexes_node,
 * indexes_pid, indexes_at) to a replicad_jobs that lacks them, in place, nothing
 * lost; a column another process added meanwhile is fine. rpl_ledger_ensure calls it. */
int rpl_jobidx_upgrade(struct rpl_conn *c, struct rpl_err *err);

/* rpl_jobidx_read reads job's state into out (all "" when the job has no row). */
int rpl_jobidx_read(struct rpl_conn *c, const char *job, struct rpl_jobidx *out, struct rpl_err *err);

/* rpl_jobidx_down: whether state means indexes may be dropped (disabling, disabled,
 * rebuilding). */
bool rpl_jobidx_down(const struct rpl_jobidx *x);

/* rpl_jobidx_begin_disable: none/rebuilt -> disabling, held by me; *won false when
 * another process took the job's index work first (or it is already down). */
int rpl_jobidx_begin_disable(struct rpl_conn *c, const struct rpl_owner *me, const char *job, bool *won,
                             struct rpl_err *err);

/* rpl_jobidx_move: from -> to for the job while me holds it (disabling -> disabled,
 * rebuilding -> rebuilt); holder NULL ends me's hold as well (the state stays, for
 * whoever ends the job). *won false when the row was not in that state under me. */
int rpl_jobidx_move(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *from,
                    const char *to, bool keep_holder, bool *won, struct rpl_err *err);

/* rpl_jobidx_begin_rebuild_done: disabled -> rebuilding, held by me, only while no
 * partition of the job is undone (the caller has just marked one done). */
int rpl_jobidx_begin_rebuild_done(struct rpl_conn *c, const struct rpl_owner *me, const char *job, bool *won,
                                  struct rpl_err *err);

/* rpl_jobidx_begin_rebuild_dead: seen -> rebuilding, held by me, only if the row is
 * still as seen (state and holder): the caller found the job dead (rpl_jobidx_dead). */
int rpl_jobidx_begin_rebuild_dead(struct rpl_conn *c, const struct rpl_owner *me, const char *job,
                                  const struct rpl_jobidx *seen, bool *won, struct rpl_err *err);

/* rpl_jobidx_dead: whether nobody but me works on job: seen's holder (if any, and not
 * me) is not alive, and no other live process holds a partition of it under a lease
 * (a lease of a process of this node that is gone does not count). lease_ms is how
 * old a heartbeat of another node may be. */
int rpl_jobidx_dead(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job,
                    const struct rpl_jobidx *seen, bool *dead, struct rpl_err *err);

/* rpl_jobidx_table_busy: whether another live process holds a partition of table (of
 * any job) under a lease; *holder: one of them. For a table whose range DELETE locks
 * more than its range (rangelock.h), whose partitions one process loads at a time. */
int rpl_jobidx_table_busy(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *table,
                          struct rpl_owner *holder, bool *busy, struct rpl_err *err);

#endif
