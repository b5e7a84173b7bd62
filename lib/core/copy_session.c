/* lib/core/copy_session.c: one statement on a copy's load session, the target
 * connection its sink writes through, between partitions: what fencing (fence.h)
 * records of that session is read by the server from the session itself. Names no
 * engine, like the rest of the copy. */
#include "copy_int.h"
#include "sink.h"

int
rpl_copy_session_exec(struct rpl_copy *cp, const char *sql, bool claimed, struct rpl_err *err)
{
	struct rpl_sink *k = cp->ch.sink;
	int r = claimed ? rpl_sink_exec_claimed(k, sql, err) : rpl_sink_exec(k, sql, err);
	/* sinks that write through the ODBC target connection run it in that
	 * connection's mode: commit it here, so no lock outlives the statement; a sink
	 * of its own (libpq) runs it in autocommit between partitions */
	struct rpl_err ignored = RPL_ERR_INIT;
	if (k->conn != NULL && !k->conn->autocommit) {
		if (r == 0)
			r = rpl_conn_commit(k->conn, err);
		else
			rpl_conn_rollback(k->conn, &ignored);
	}
	return r;
}
