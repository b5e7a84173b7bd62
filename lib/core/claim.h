/* lib/core/claim.h: claims on partitions, kept in the ledger (issue #20; DESIGN.md
 * "Cluster", contract). Before a process loads a partition it claims the partition's
 * row in replicad_partitions: owner (node and pid), lease_until, and a claim counter
 * (claim_no) that grows by one with every claim. A claim is taken under a row lock
 * that other claimers skip instead of waiting for (PostgreSQL and MariaDB
 * FOR UPDATE SKIP LOCKED, SQL Server WITH (UPDLOCK, READPAST, ROWLOCK); SQLite has
 * one writer at a time, so there the claim is a plain update in a transaction that
 * takes the write lock first). A partition held by a live owner is left alone; one
 * whose lease ran out (or whose owner on this node is a process that is gone) is
 * taken over, and its old owner's load session ended first (fence.h), also when that
 * session's lock on the row made the locking read skip it. Every commit of the partition's rows runs rpl_claim_check_sql in its
 * own transaction, and the done-mark carries rpl_claim_cond_sql: each must touch one
 * row, so a process that lost its claim (stopped, cut off) rolls back instead.
 * replicad_claims keeps every claim (owner, claimed, released, outcome);
 * replicad_nodes each process's heartbeat.
 *
 * Times (lease_until, heartbeat, claimed_at, released_at) are milliseconds since
 * 1970 on the target database's clock (rpl_claim_now_sql), never a node's own: the
 * database is the one clock every node agrees on. Functions run on the caller's
 * connection and commit their own work. */
#ifndef RPL_CLAIM_H
#define RPL_CLAIM_H
#include <stdbool.h>
#include <stdint.h>
#include "odbc_conn.h"
#include "plan.h"

struct rpl_sbuf;
struct rpl_dialect;

/* who holds a claim: a node name (the host name unless cluster.node says otherwise)
 * and a process id on it */
struct rpl_owner {
	char node[256];
	long pid;
};

/* rpl_owner_init fills o with node (borrowed; NULL or "": this host's name) and this
 * process's id. */
void rpl_owner_init(struct rpl_owner *o, const char *node);

/* rpl_owner_label writes "node pid N" for messages. */
void rpl_owner_label(const struct rpl_owner *o, char *out, size_t n);

enum rpl_claim_state {
	RPL_CLAIM_TAKEN,   /* ours now: load it */
	RPL_CLAIM_HELD,    /* another live process holds it (holder, lease_left_ms) */
	RPL_CLAIM_DONE,    /* already done: nothing to load */
	RPL_CLAIM_PAUSED,  /* the job is paused (jobctl.h): take nothing, ask again later */
	RPL_CLAIM_CANCELLED, /* the job is cancelled (jobctl.h): take nothing */
};

struct rpl_claim {
	enum rpl_claim_state state;
	int claim_no;              /* TAKEN: the claim counter our claim set */
	int attempts;              /* the ledger's attempts for the partition so far */
	bool took_over;            /* TAKEN from an earlier owner whose lease ran out */
	struct rpl_owner holder;   /* HELD: who holds it (node "" when someone is taking
	                            * it at this instant); TAKEN with took_over: whom from */
	int64_t lease_left_ms;     /* HELD: until the holder's lease runs out */
	/* fencing (fence.h): the old owner's load session, ended when its lease ran out
	 * (TAKEN with took_over; HELD when the row was locked by that session) */
	int fenced;                /* enum rpl_fence_result: none, ended, refused, unproven */
	int64_t fence_session;     /* the session's id on the target */
	char fence_msg[512];       /* refused: the server's words */
};

/* rpl_claim_upgrade adds the columns a ledger made by an earlier version lacks
 * (owner_node, owner_pid, lease_until, claim_no, claim_commits, load_session,
 * load_tag on replicad_partitions; control on replicad_jobs), in place, nothing lost; a column another process added
 * meanwhile is fine. rpl_ledger_ensure calls it after its CREATEs. */
int rpl_claim_upgrade(struct rpl_conn *c, struct rpl_err *err);

/* rpl_claim_now_sql appends the engine's expression for the database's time in
 * milliseconds since 1970, as an integer. */
void rpl_claim_now_sql(const struct rpl_dialect *d, struct rpl_sbuf *out);

/* rpl_claim_select_sql appends the locking read of one partition's ledger row that a
 * claim starts with (state, owner_node, owner_pid, lease_until, claim_no, attempts,
 * and the database's time). */
void rpl_claim_select_sql(const struct rpl_dialect *d, const char *job, const char *table,
                          const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_claim_take tries to claim partition r of job for me with a lease of lease_ms;
 * out says whether it is ours, held, done, or not to be taken because the job's
 * control (jobctl.h, read in the same transaction) says pause or cancel. */
int rpl_claim_take(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, const char *job,
                   const char *table, const struct rpl_range *r, struct rpl_claim *out, struct rpl_err *err);

/* rpl_claim_check_sql appends the UPDATE that every commit of the partition's rows
 * runs first: it touches one row only while me holds claim claim_no. */
void rpl_claim_check_sql(const struct rpl_dialect *d, const struct rpl_owner *me, const char *job,
                         const char *table, const struct rpl_range *r, int claim_no, struct rpl_sbuf *out);

/* rpl_claim_cond_sql appends " AND <me holds claim claim_no>" to a statement on the
 * partition's ledger row (the done-mark's WHERE). */
void rpl_claim_cond_sql(const struct rpl_dialect *d, const struct rpl_owner *me, int claim_no,
                        struct rpl_sbuf *out);

/* rpl_claim_release ends me's claim claim_no on r: the lease is cleared (the owner
 * stays, to say who loaded it) and the claim's history row gets its release time and
 * outcome (borrowed: "done", "failed", "cancelled", "interrupted", "lost"). A claim
 * already taken over is left as it is. */
int rpl_claim_release(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *table,
                      const struct rpl_range *r, int claim_no, const char *outcome, struct rpl_err *err);

/* rpl_claim_renew extends the lease of every partition me holds to lease_ms from now
 * and writes me's heartbeat in replicad_nodes. Called from a thread of its own every
 * lease/3 (never from a worker, which may wait on the database for longer). */
int rpl_claim_renew(struct rpl_conn *c, const struct rpl_owner *me, int64_t lease_ms, struct rpl_err *err);

#endif
