/* daemon/claims.h: a job's side of claims (lib/core/claim.h, issue #20): a worker
 * claims each partition before it loads it, waiting while another live process holds
 * it (or failing at once with --no-wait, naming the holder); a thread of the job's
 * own renews this process's leases and heartbeat every lease/3.
 *
 * DESIGN. The renewer is one thread per running job with its own target connection,
 * never a worker (a worker may wait on the database for longer than a lease) and
 * never the libuv loop (which must not block on a database). It renews every lease
 * of this process, whichever job took it, so two jobs only renew twice. It stops
 * when the job's workers have ended; a process stopped (SIGSTOP) or cut off stops
 * renewing with all its threads, and its leases run out. */
#ifndef RD_CLAIMS_H
#define RD_CLAIMS_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "claim.h"
#include "config.h"

struct rd_renewer {
	const struct rpl_config *cfg;   /* borrowed: the job's */
	struct rpl_owner me;
	int64_t lease_ms;
	uv_thread_t thread;
	uv_mutex_t lock;
	uv_cond_t wake;
	bool stop, started;             /* under lock */
};

/* rd_renewer_start starts renewing me's leases (lease_ms each) through cfg's target.
 * False when no thread could start (the leases then run out during a long load: the
 * caller logs it). */
bool rd_renewer_start(struct rd_renewer *rn, const struct rpl_config *cfg, const struct rpl_owner *me,
                      int64_t lease_ms);

/* rd_renewer_stop stops and joins the thread (no-op when it never started). */
void rd_renewer_stop(struct rd_renewer *rn);

/* rd_claim_wait claims partition r of job for me on dst. 0 with out->state TAKEN or
 * DONE; while another live process holds it: with no_wait, fails with RPL_EHELD
 * naming the holder; else without wait returns 0 with out->state HELD (the caller
 * takes another partition first), with wait waits (polling, cancel checked every
 * 100 ms: RPL_ECANCELED). While the job is paused, here (pause) or in the ledger
 * (replicad_jobs.control, lib/core/jobctl.h), it waits without taking anything,
 * asking the ledger again every lease/3 (at most 1 s); a job cancelled in the
 * ledger fails with RPL_ECANCELED. Errors of the claim itself (a lost connection)
 * are returned as they are. */
int rd_claim_wait(struct rpl_conn *dst, const struct rpl_owner *me, int64_t lease_ms, bool no_wait, bool wait,
                  const char *job, const char *table, const struct rpl_range *r, const atomic_bool *cancel,
                  const atomic_bool *pause, struct rpl_claim *out, struct rpl_err *err);

#endif
