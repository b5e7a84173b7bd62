/* lib/core/validate.h: what a run would refuse of a table's date_column, found from the
 * catalogs alone, before any statement on the target (issue #18 item 2: `check` let
 * a text or integer date_column and a missing one through, and `run` found some of
 * them only after its DELETE), and a PostgreSQL geometric column other than point
 * going into a MariaDB spatial column of the same name (issue #15, sqlgen.h). `replicad check` and `replicad run` call the same
 * function. The columns' mapping is colmap.h's; the state_dir, statedir.h's. Any thread. */
#ifndef RPL_VALIDATE_H
#define RPL_VALIDATE_H
#include "catalog.h"
#include "odbc_conn.h"

/* rpl_validate_table checks a table's copy from its catalogs: src (borrowed) read
 * from a src_engine database, dst (borrowed) from dst_engine, NULL when the target
 * table does not exist yet (it will be created from src). Refused: a date_column
 * (NULL: a reference table) missing from either side or not a date or timestamp (a
 * text column compares the range as strings, an integer one cannot be compared; a
 * TEXT column of SQLite, which keeps dates as ISO text, is accepted). Which columns
 * meet which is the column mapping's to judge (colmap.h). label names the table in the
 * message; err gets table and column. */
int rpl_validate_table(const struct rpl_table *src, enum rpl_engine src_engine, const struct rpl_table *dst,
                       enum rpl_engine dst_engine, const char *label, const char *date_column, struct rpl_err *err);

/* rpl_validate_lite_dates counts the rows of a SQLite source table whose date_column
 * (not NULL) is not ISO 8601 text of a date or date and time: a Unix integer, a
 * Julian REAL, '2024/01/15'. A date-range partition compares the column as ISO text,
 * so such rows fall in no range and a ranged run would skip them without a word
 * (acceptance check of issue #15, item 5). One full scan of the table. `replicad
 * check` and `replicad run` both call it. Returns 1 with msg (n bytes) naming the
 * count and one example as stored when there are such rows, 0 when none (or the
 * source is not SQLite, or date_column is NULL), or a negative code with err. */
int rpl_validate_lite_dates(struct rpl_conn *src, const char *schema, const char *table, const char *date_column,
                            char *msg, size_t n, struct rpl_err *err);

/* rpl_validate_null_dates counts the rows of a source table (any engine) whose
 * date_column is NULL: a date range holds none of them, so a ranged run would skip
 * them without a word. One COUNT (an index on the column serves it; without one, a
 * scan like each partition's read), none when st (the source's catalog, or NULL:
 * not known) says the column is NOT NULL. `replicad check` and `replicad run` both
 * call it. Returns 1 with msg (n bytes) naming column and count when there are such
 * rows, 0 when none (or date_column is NULL), or a negative code with err. */
int rpl_validate_null_dates(struct rpl_conn *src, const struct rpl_table *st, const char *schema, const char *table,
                            const char *date_column, char *msg, size_t n, struct rpl_err *err);

#endif
