/* tests/integration/fidelity_it.h: helpers shared by the fidelity tests
 * (test_fidelity.c, test_fidelity_values.c, test_fidelity_rejects.c), in
 * fidelity_it.c. A failed step fails the test (Check's ck_assert). */
#ifndef FIDELITY_IT_H
#define FIDELITY_IT_H
#include "copy.h"
#include "odbc_conn.h"
#include <sqlite3.h>
#include <stdbool.h>

/* copy_all copies table from src to dst (whole table, one partition) into acc; odbc:
 * load.bulk "odbc"; create: create the target table when it is missing. Returns
 * rpl_copy_prepare's or rpl_copy_partition's result (0: done), err saying why. */
int copy_all(struct rpl_conn *src, struct rpl_conn *dst, const char *table, bool odbc, bool create,
             struct rpl_part_account *acc, struct rpl_err *err);
/* copy_rejecting copies table whole, its rejected rows written to the file rejects;
 * a failed copy fails the test */
void copy_rejecting(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *rejects,
                    struct rpl_part_account *acc);
/* lite_exec runs sql on the SQLite handle h (the sqlite3 library, not replicad) */
void lite_exec(sqlite3 *h, const char *sql);
/* lite_conn opens the SQLite file path as a replicad connection on side ("source",
 * "target") */
void lite_conn(struct rpl_conn *c, const char *side, const char *path);

#endif
