/* lib/validate.h: what a run would refuse, found from the catalogs and the file
 * system alone, before any statement on the target (issue #18 item 2: `check` let a
 * text or integer date_column, a missing one, a missing target column and an
 * unwritable state_dir through, and `run` found some of them only after its DELETE).
 * `replicad check` and `replicad run` call the same functions. Any thread. */
#ifndef RPL_VALIDATE_H
#define RPL_VALIDATE_H
#include "catalog.h"
#include "conn.h"

/* rpl_validate_table checks a table's copy from its catalogs: src (borrowed) read
 * from a src_engine database, dst (borrowed) from dst_engine, NULL when the target
 * table does not exist yet (it will be created from src). Refused: a date_column
 * (NULL: a reference table) missing from either side or not a date or timestamp (a
 * text column compares the range as strings, an integer one cannot be compared; a
 * TEXT column of SQLite, which keeps dates as ISO text, is accepted), a source column
 * the target lacks, a target column the source lacks. label names the table in the
 * message; err gets table and column. */
int rpl_validate_table(const struct rpl_table *src, enum rpl_engine src_engine, const struct rpl_table *dst,
                       enum rpl_engine dst_engine, const char *label, const char *date_column, struct rpl_err *err);

/* rpl_validate_state_dir checks that state_dir, and its rejects/ directory, exist and
 * can be written, or can be created (their nearest existing parent can be written);
 * nothing is created. */
int rpl_validate_state_dir(const char *state_dir, struct rpl_err *err);

#endif
