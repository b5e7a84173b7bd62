/* lib/sqlite/sqlite_refused.h: the name of the constraint a SQLite target's refusal
 * of a row is about, for the reject line's "constraint" (PostgreSQL and MariaDB
 * refusals carry theirs: docs/operations.md, "Rejected rows"). SQLite names it only
 * sometimes: a named CHECK by its name ("CHECK constraint failed: qty_positive"; an
 * unnamed one by its expression), a unique index on expressions by its name; a
 * UNIQUE refusal otherwise lists the columns ("t.a, t.b"), whose index is looked up.
 * NOT NULL, PRIMARY KEY and a UNIQUE written in CREATE TABLE keep no name SQLite
 * could give. sqlite3.h stays in the .c file. */
#ifndef RPL_LITE_REFUSED_H
#define RPL_LITE_REFUSED_H
#include <stdbool.h>
#include <stddef.h>

struct sqlite3;

/* rpl_lite_constraint writes to out (n bytes) the constraint of table (the target,
 * as configured) that SQLite's refusal text msg names, or "" when it names none or
 * the lookup fails (a reject line without the field, never a wrong name). Reads
 * the schema through db, on the sink's thread. */
void rpl_lite_constraint(struct sqlite3 *db, const char *table, const char *msg, char *out, size_t n);

/* rpl_lite_declares: does the CREATE TABLE text sql declare a constraint named name
 * ("CONSTRAINT name", the name bare or quoted "", [], ``, ''; compared without case,
 * as SQLite compares names)? Tells a named CHECK from an expression of one word. */
bool rpl_lite_declares(const char *sql, const char *name);

#endif
