/* lib/core/fence.h: fencing a partition's old owner (issue #20; DESIGN.md "Cluster").
 * A process stopped (SIGSTOP) or cut off while it loads a partition keeps its open
 * transaction on the target: the row locks of its range DELETE and of its rows, and,
 * when it stopped between a commit's claim check and the COMMIT, the lock of the
 * partition's ledger row, which every other claimer's SKIP LOCKED then skips for ever.
 * Leases alone cannot end that: the database keeps a session's locks as long as the
 * session lives. So every attempt records, in the partition's ledger row, the
 * target's id of the session that loads it (its *load session*: PostgreSQL
 * pg_backend_pid(), MariaDB CONNECTION_ID(), SQL Server @@SPID) and a tag that only
 * that session carries (PostgreSQL: the application_name replicad gives it, naming
 * node and pid, and the session's start time; MariaDB: its user@host:port and the
 * server's start time; SQL Server: program name and login time). Whoever takes over
 * a partition whose lease ran out ends that session, and only when the server still
 * shows that id with that tag (pg_terminate_backend, KILL CONNECTION, KILL): a
 * session id that ended and was reused since is never killed. The ended session's
 * transaction rolls back, its locks go, and its process, when it goes on, finds its
 * connection gone and its claim lost.
 *
 * What is left to others: when to fence (claim.c, after a takeover or when the
 * locking read skipped an expired row), logging (the daemon, from struct
 * rpl_claim's fence fields), running the recording statement on the load session
 * (the worker, through rpl_copy_session_exec). SQLite has no sessions to end. */
#ifndef RPL_FENCE_H
#define RPL_FENCE_H
#include <stdbool.h>
#include <stdint.h>
#include "claim.h"
#include "odbc_conn.h"
#include "plan.h"

struct rpl_sbuf;
struct rpl_dialect;

/* a partition's recorded load session */
struct rpl_fence_session {
	int64_t id;          /* 0: none recorded */
	char tag[300];
};

enum rpl_fence_result {
	RPL_FENCE_NONE = 0,  /* nothing to end: none recorded, gone, or no longer the old owner's */
	RPL_FENCE_ENDED,     /* the old owner's session was told to end */
	RPL_FENCE_REFUSED,   /* the server refused to end it (privileges): msg says why */
	RPL_FENCE_UNPROVEN,  /* (claim.c) the row stays locked, its lease ran out, and no session
	                      * the server shows is provably its owner's (another database
	                      * user, which cannot see its marks): nothing ended, waiting */
};

/* rpl_fence_name_sql appends the statement that gives the load session the name its
 * tag carries (PostgreSQL: SET application_name = 'replicad NODE PID'); nothing for
 * engines whose tag needs none. */
void rpl_fence_name_sql(const struct rpl_dialect *d, const struct rpl_owner *me, struct rpl_sbuf *out);

/* rpl_fence_start_sql appends the UPDATE that marks partition r running with its
 * attempt number and records the session it runs on (id and tag, computed by the
 * server) as the partition's load session; it touches the row only while me holds
 * claim claim_no, so it must touch one row. Run it on the load session itself. */
void rpl_fence_start_sql(const struct rpl_dialect *d, const struct rpl_owner *me, const char *job, const char *table,
                         const struct rpl_range *r, int claim_no, int attempt, struct rpl_sbuf *out);

/* rpl_fence_probe_sql appends a query whose rows are session s, only while the
 * server still shows it with its tag (and it is not the session asking). */
void rpl_fence_probe_sql(const struct rpl_dialect *d, const struct rpl_fence_session *s, struct rpl_sbuf *out);

/* rpl_fence_kill_sql appends the statement that ends session s: PostgreSQL's is a
 * query that ends it only if the probe finds it (one row, 1 when told to end);
 * MariaDB's and SQL Server's KILL are sent after the probe found it. */
void rpl_fence_kill_sql(const struct rpl_dialect *d, const struct rpl_fence_session *s, struct rpl_sbuf *out);

/* rpl_fence_read reads partition r's recorded load session into s (id 0 when none),
 * without a lock. */
int rpl_fence_read(struct rpl_conn *c, const char *job, const char *table, const struct rpl_range *r,
                   struct rpl_fence_session *s, struct rpl_err *err);

/* rpl_fence_end ends session s on c if the server still shows it with its tag, and
 * commits whatever c has open. *res says what happened; a refusal (privileges) is
 * *res REFUSED with the server's words in msg (n bytes), not an error. Errors are
 * those of the connection. */
int rpl_fence_end(struct rpl_conn *c, const struct rpl_fence_session *s, enum rpl_fence_result *res, char *msg,
                  size_t n, struct rpl_err *err);

/* rpl_fence_expired ends the load sessions of every partition of job whose owner
 * (not me) let its lease run out before it was done (a plain read, then
 * rpl_fence_end each): such a session can hold locks beyond its own range (InnoDB's
 * next-key lock on the first row past it), on which a load of another partition
 * waits. *ended and *refused count the outcomes; msg gets the last refusal. */
int rpl_fence_expired(struct rpl_conn *c, const struct rpl_owner *me, const char *job, int *ended, int *refused,
                      char *msg, size_t n, struct rpl_err *err);

/* rpl_fence_holds stores in *holds whether me still holds claim claim_no on r (a
 * plain read: for a process whose load session was ended while it was stopped). */
int rpl_fence_holds(struct rpl_conn *c, const struct rpl_owner *me, const char *job, const char *table,
                    const struct rpl_range *r, int claim_no, bool *holds, struct rpl_err *err);

#endif
