/* lib/core/refusal.h: which column a server's refusal of a row is about, so the reject
 * line can name it (issue #15: PostgreSQL's were "column": null although its COPY
 * says which), from the server's own words. A refused COPY is split until each
 * refused row is alone (pg_sink.h), so its context line names the column. */
#ifndef RPL_REFUSAL_H
#define RPL_REFUSAL_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* rpl_refusal_column finds the column a server message names (text borrowed):
 * PostgreSQL's COPY context "COPY t, line 3, column foo: …", `column "foo"`, a key
 * "Key (foo)=(…)"; MariaDB's "for column 'foo'", "for column `db`.`t`.`foo`" or
 * "FOREIGN KEY (`foo`) REFERENCES";
 * SQLite's "constraint failed: t.foo". False when it names none (or several). */
bool rpl_refusal_column(const char *text, char *col, size_t n);

#endif
