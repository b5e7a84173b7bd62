/* lib/core/ledger_int.h: what ledger.c and ledger_open.c share, and nothing else
 * includes (the ledger's interface is ledger.h). */
#ifndef RPL_LEDGER_INT_H
#define RPL_LEDGER_INT_H
#include "odbc_conn.h"

struct rpl_sbuf;

/* rpl_ledger_now_iso: now as the ledger writes times (UTC ISO 8601 text). */
void rpl_ledger_now_iso(char out[32]);

/* rpl_ledger_run_committed runs sql and commits, whatever the connection's
 * autocommit mode. */
int rpl_ledger_run_committed(struct rpl_conn *c, const struct rpl_sbuf *sql, struct rpl_err *err);

/* rpl_ledger_lock_row makes replicad_lock's one row ('jobs') if it is missing (a
 * ledger made before it, or a new one); two processes making it at once is no
 * error: one of them made it. */
int rpl_ledger_lock_row(struct rpl_conn *c, struct rpl_err *err);

#endif
