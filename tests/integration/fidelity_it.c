/* tests/integration/fidelity_it.c: helpers shared by the fidelity tests: a whole-table
 * copy, and SQLite files written by the sqlite3 library and opened as replicad
 * connections (fidelity_it.h). */
#include "fidelity_it.h"
#include "it.h"
#include "reject.h"
#include <stdio.h>

/* copy_with copies table whole with opts o (table names filled here) */
static int
copy_with(struct rpl_conn *src, struct rpl_conn *dst, const char *table, struct rpl_copy_opts o,
          struct rpl_part_account *acc, struct rpl_err *err)
{
	o.src_table = o.dst_table = table;
	o.chunk_bytes = 1024 * 1024;
	o.commit_rows = 1000;
	struct rpl_copy *cp;
	int r = rpl_copy_prepare(src, dst, &o, &cp, err);
	if (r < 0)
		return r;
	struct rpl_range all = { .all = true };
	r = rpl_copy_partition(cp, &all, acc, err);
	rpl_copy_free(cp);
	return r;
}

/* copy_all copies table from src to dst (whole table, one partition) into acc; odbc:
 * load.bulk "odbc" (no libmariadb source, no LOAD DATA, no COPY, no SQLite library). */
int
copy_all(struct rpl_conn *src, struct rpl_conn *dst, const char *table, bool odbc, bool create,
         struct rpl_part_account *acc, struct rpl_err *err)
{
	return copy_with(src, dst, table, (struct rpl_copy_opts){ .bulk_odbc = odbc, .create_missing = create }, acc, err);
}

void
copy_rejecting(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *rejects,
               struct rpl_part_account *acc)
{
	struct rpl_reject_log *log = rpl_reject_new(rejects);
	struct rpl_err err = RPL_ERR_INIT;
	int r = copy_with(src, dst, table, (struct rpl_copy_opts){ .rejects = log }, acc, &err);
	rpl_reject_free(log);
	ck_assert_msg(r == 0, "copy %s: %s", table, err.msg);
}

/* lite_exec runs sql on h, failing the test with SQLite's message */
void
lite_exec(sqlite3 *h, const char *sql)
{
	char *msg = NULL;
	ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg ? msg : "?");
}

/* lite_conn opens SQLite file path as a replicad connection */
void
lite_conn(struct rpl_conn *c, const char *side, const char *path)
{
	char connstr[1200];
	struct rpl_err err = RPL_ERR_INIT;
	snprintf(connstr, sizeof connstr, "Driver=SQLite3;Database=%s", path);
	ck_assert_msg(rpl_conn_open(c, side, connstr, NULL, &err) == 0, "open %s: %s", path, err.msg);
}
