/* lib/core/ledger.h: the resume ledger (docs/jobs.md "The ledger"), kept in the target
 * database: replicad_jobs, replicad_partitions and replicad_indexes. A partition is
 * done only when its row says 'done', and that row is written by SQL that runs in
 * the same transaction as the partition's last rows (rpl_ledger_done_sql), so a crash
 * anywhere leaves it not-done and the next run deletes and reloads it. A job is
 * resumed when a run asks for the same table and range while an earlier job for it
 * is not 'done'; a finished job is never resumed (a new run reloads everything).
 * Times are stored as UTC ISO-8601 text, ranges as 'YYYY-MM-DD' text ('' = whole
 * table), so the same DDL works on every engine. Functions run on the caller's
 * connection and commit their own work unless said otherwise. */
#ifndef RPL_LEDGER_H
#define RPL_LEDGER_H
#include <stdbool.h>
#include <stdint.h>
#include "odbc_conn.h"
#include "copy.h"
#include "plan.h"

struct rpl_sbuf;

/* rpl_ledger_ddl appends the i-th statement rpl_ledger_ensure runs (false past the
 * last): CREATE TABLE IF NOT EXISTS, or on SQL Server, which lacks it,
 * IF OBJECT_ID(N'name', N'U') IS NULL CREATE TABLE. */
bool rpl_ledger_ddl(const struct rpl_dialect *d, size_t i, struct rpl_sbuf *out);

/* rpl_ledger_ensure creates the ledger tables if they are missing. */
int rpl_ledger_ensure(struct rpl_conn *c, struct rpl_err *err);

/* The opens below each run in one transaction that takes the ledger's lock row
 * first (replicad_lock, ledger_open.c), so processes opening a job for the same
 * table, kind and range at once make one ledger job: the later ones find the first
 * one's (issue #20). */

/* rpl_ledger_open_job finds the newest unfinished job for (table, kind, first range
 * start, last range end) or creates one with all partitions pending. job_id gets the
 * id (at most 63 chars); *resumed says which. done[i] is set for partitions already
 * done; attempts[i] to their recorded attempts. */
int rpl_ledger_open_job(struct rpl_conn *c, const char *table, const char *kind,
                        const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                        bool *done, int *attempts, struct rpl_err *err);

/* rpl_ledger_open_job_as is rpl_ledger_open_job for a job whose id the caller chose
 * (want, borrowed; the service's id, given at submit: issue #18 item 7, one id per
 * job): the job want if the ledger has it (one that ended meanwhile, done by
 * another process, is opened with every partition done); else the newest unfinished job
 * for the same table, kind and range, which takes the id want (its rows re-keyed in
 * one transaction, so the old id is gone, never reused); else a new job want. */
int rpl_ledger_open_job_as(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                           const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                           bool *done, int *attempts, struct rpl_err *err);

/* rpl_ledger_open_job_join is rpl_ledger_open_job_as for a cluster (issue #20): an
 * unfinished twin another node is loading keeps its id (job_id gets it, *resumed is
 * true) and this process joins it, instead of re-keying it from under that node. */
int rpl_ledger_open_job_join(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                             const struct rpl_range *parts, size_t n, char job_id[64], bool *resumed,
                             bool *done, int *attempts, struct rpl_err *err);

/* rpl_ledger_submit reserves a job for a submit of the service in a cluster (issue
 * #20): when the ledger has a job for table, kind and range in state 'running' (a
 * process loads it, or will: another node's submit reserved it), holder gets its id
 * and nothing changes; otherwise holder is "" and the ledger has job want, running
 * with every partition pending (an unfinished twin, failed, cancelled or
 * interrupted, re-keyed to want as rpl_ledger_open_job_as does), which the job's
 * runner then opens by its id. */
int rpl_ledger_submit(struct rpl_conn *c, const char *want, const char *table, const char *kind,
                      const struct rpl_range *parts, size_t n, char holder[64], struct rpl_err *err);

/* rpl_ledger_fail_unopened marks job id failed if a submit reserved it and nobody
 * has loaded anything of it yet (every partition pending, unclaimed): a job whose
 * runner failed before opening it (its table refused by the checks) must not keep
 * the range taken in the cluster. */
int rpl_ledger_fail_unopened(struct rpl_conn *c, const char *id, struct rpl_err *err);

/* rpl_ledger_part_start marks a partition running with its attempt number. It and
 * the two below write the row only while this process's claim holds it (me, claim_no:
 * claim.h; me NULL: no claim to check), and fail with RPL_ECLAIM once another process
 * took the partition over. */
struct rpl_owner;
int rpl_ledger_part_start(struct rpl_conn *c, const char *job, const char *table, const struct rpl_range *r,
                          int attempt, const struct rpl_owner *me, int claim_no, struct rpl_err *err);

/* rpl_ledger_lock_wait_sql writes into out the statement that bounds (bound) or
 * unbounds (!bound) how long an open waits for replicad_lock's row: ms milliseconds
 * on PostgreSQL (SET LOCAL, for the open's transaction) and SQL Server (SET
 * LOCK_TIMEOUT, for the session until unbounded); false: the engine has none
 * (MariaDB ends the wait itself after innodb_lock_wait_timeout, SQLite after its
 * busy timeout). */
bool rpl_ledger_lock_wait_sql(const struct rpl_dialect *d, int64_t ms, bool bound, char *out, size_t n);

/* rpl_ledger_done_sql appends the UPDATE that marks the partition done with acc's
 * counts and timings. The caller runs it inside the partition's last transaction. */
void rpl_ledger_done_sql(const struct rpl_dialect *d, const char *job, const char *table,
                         const struct rpl_part_account *acc, struct rpl_sbuf *out);

/* rpl_ledger_part_stopped records a partition a cancel stopped mid-load (state
 * "cancelled" or "interrupted", borrowed), with the counts that committed. */
int rpl_ledger_part_stopped(struct rpl_conn *c, const char *job, const char *table, const struct rpl_part_account *acc,
                            const char *state, const struct rpl_owner *me, int claim_no, struct rpl_err *err);

/* rpl_ledger_part_failed records a failed attempt (state 'failed', the error). */
int rpl_ledger_part_failed(struct rpl_conn *c, const char *job, const char *table, const struct rpl_part_account *acc,
                           const struct rpl_err *e, const struct rpl_owner *me, int claim_no, struct rpl_err *err);

/* rpl_ledger_job_finish sets the job's state and totals; read < 0: the totals are
 * summed from the job's partitions (a job several processes shared: claim.h). */
int rpl_ledger_job_finish(struct rpl_conn *c, const char *job, const char *state,
                          int64_t read, int64_t written, int64_t rejected, struct rpl_err *err);

/* rpl_ledger_where_part appends the WHERE that picks one partition's row of
 * replicad_partitions (job, table, range start): the ledger's and the claims'. */
struct rpl_dialect;
struct rpl_sbuf;
void rpl_ledger_where_part(const struct rpl_dialect *d, const char *job, const char *table,
                           const struct rpl_range *range, struct rpl_sbuf *sql);

/* rpl_ledger_range_key writes a partition's range_start key ('' for all). */
void rpl_ledger_range_key(const struct rpl_range *r, char out[11], char end[11]);

#endif
