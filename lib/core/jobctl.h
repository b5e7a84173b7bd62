/* lib/core/jobctl.h: what the user asked of a job, kept in the ledger (issue #20):
 * replicad_jobs.control is 'run', 'pause' or 'cancel' (NULL: never asked, which is
 * 'run'). Pause, resume and cancel given to any process are written here, so every
 * process loading the job (the nodes of a cluster, a `replicad run` beside the
 * service) applies them: each process's claim of a partition reads the control in the
 * claim's own transaction (claim.c) and takes nothing while it says pause or cancel;
 * the service also reads it in its ledger poll and pauses, resumes or cancels its own
 * copy of the job as a local call would (daemon/jobs_ctl.c).
 *
 * The claim reads the column without a lock: a process stopped (SIGSTOP, a frozen
 * VM) in the middle of its claim would otherwise hold the job's row and block every
 * write of it, the next pause or cancel and the job's end included (test_claims hung
 * so under ASan). So a claim already under way when a pause commits may still take
 * its partition; that partition then holds at its first chunk once its process has
 * applied the pause (a service at once or within a third of the lease). A cancel is
 * final: neither a resume nor a pause written later overrides it, until the job,
 * ended cancelled, is opened again (rpl_jobctl_clear_cancelled). This module leaves
 * the column's creation to claim.c's in-place upgrade (rpl_claim_upgrade). */
#ifndef RPL_JOBCTL_H
#define RPL_JOBCTL_H
#include <stdbool.h>
#include "odbc_conn.h"

struct rpl_sbuf;
struct rpl_dialect;

enum rpl_jobctl {
	RPL_JOBCTL_NONE,     /* no control written yet: runs */
	RPL_JOBCTL_RUN,      /* resumed */
	RPL_JOBCTL_PAUSE,
	RPL_JOBCTL_CANCEL,
};

/* rpl_jobctl_name: "run", "pause", "cancel" ("" for NONE). */
const char *rpl_jobctl_name(enum rpl_jobctl c);

/* rpl_jobctl_parse: the column's text as the enum (NULL, "" or unknown text: NONE). */
enum rpl_jobctl rpl_jobctl_parse(const char *s);

/* rpl_jobctl_read_sql appends the read of job's control (no lock taken). */
void rpl_jobctl_read_sql(const struct rpl_dialect *d, const char *job, struct rpl_sbuf *out);

/* rpl_jobctl_set_sql appends the UPDATE that writes control c for job; a cancel
 * already written stays. */
void rpl_jobctl_set_sql(const struct rpl_dialect *d, const char *job, enum rpl_jobctl c, struct rpl_sbuf *out);

/* rpl_jobctl_read stores job's control in *out (NONE when the job has no row); in
 * the caller's transaction, which it neither commits nor ends. */
int rpl_jobctl_read(struct rpl_conn *c, const char *job, enum rpl_jobctl *out, struct rpl_err *err);

/* rpl_jobctl_set writes control ctl for job and commits; *rows (may be NULL) says
 * whether the ledger had the job (0: not opened yet, or cancelled already). */
int rpl_jobctl_set(struct rpl_conn *c, const char *job, enum rpl_jobctl ctl, int64_t *rows, struct rpl_err *err);

/* rpl_jobctl_clear_cancelled clears the cancel of the jobs of table, kind and range
 * (the ledger's keys: first partition's start, last one's end) that have ended
 * cancelled, and commits: opening one of them again (a new run or submit of the
 * range resumes it) starts it afresh, not cancelled. */
int rpl_jobctl_clear_cancelled(struct rpl_conn *c, const char *table, const char *kind, const char *first,
                               const char *last, struct rpl_err *err);

#endif
