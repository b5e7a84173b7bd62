/* lib/refusal.h: which column a server's refusal of a row is about, so the reject
 * line can name it (issue #15: PostgreSQL's were "column": null although its COPY
 * says which). From the server's own words where they say it; for a PostgreSQL
 * target whose refusal came through an INSERT (which names no column for a bad
 * value), by sending that one row again as a COPY into a temporary copy of the table,
 * whose context line does. */
#ifndef RPL_REFUSAL_H
#define RPL_REFUSAL_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* rpl_refusal_column finds the column a server message names (text borrowed):
 * PostgreSQL's COPY context "COPY t, line 3, column foo: …", `column "foo"`, a key
 * "Key (foo)=(…)"; MariaDB's "for column 'foo'" or "for column `db`.`t`.`foo`";
 * SQLite's "constraint failed: t.foo". False when it names none (or several). */
bool rpl_refusal_column(const char *text, char *col, size_t n);

struct rpl_pgsink;
struct rpl_sqlgen;
struct rpl_xbuf;
/* rpl_refusal_pg_probe sends row `row` of b (values in line) on pg's connection, idle
 * and outside a transaction, as a one-row COPY into a temporary table LIKE g's target
 * (defaults and CHECK constraints, no indexes: it takes no lock the copy's own
 * transaction holds), rolled back; stores the column PostgreSQL's refusal names in
 * col, or "" when the row goes in (a unique or foreign key refusal) or no column is
 * named. An error only when the connection fails. */
int rpl_refusal_pg_probe(struct rpl_pgsink *pg, const struct rpl_sqlgen *g, const struct rpl_xbuf *b, size_t row,
                         char *col, size_t n, struct rpl_err *err);

#endif
