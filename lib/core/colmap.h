/* lib/core/colmap.h: a table's column mapping (issue #15): which source columns are left
 * out (tables[].exclude), which arrive under another name (tables[].columns), and
 * whether source columns the target lacks are added to it (tables[].add_new_columns).
 *
 * The mapping is applied to the catalogs, never to rows: rpl_colmap_source drops the
 * excluded columns from the source catalog, so nothing reads them, and
 * rpl_colmap_match pairs each remaining source column with its target column by the
 * mapped name. Target columns no source column feeds are left out of the INSERT,
 * COPY and LOAD DATA column lists, so the target's default (or NULL) applies: allowed
 * when the column is nullable or has a default, one warning per table; a NOT NULL
 * column without one is an error naming it. Config parsing (config_tables.c) checks what it
 * can without a catalog (duplicates, a column both excluded and renamed); the names
 * are checked against the source here, by `replicad check` and before a run's first
 * statement on the target. Pure functions, any thread. */
#ifndef RPL_COLMAP_H
#define RPL_COLMAP_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_table;
struct rpl_column;
struct rpl_dialect;
struct rpl_sbuf;

struct rpl_colmap {
	char **exclude;          /* owned; source column names left out */
	size_t n_exclude;
	char **from, **to;       /* owned; source column from[i] arrives as target column to[i] */
	size_t n_rename;
	bool add_new_columns;    /* a source column the target lacks is added (ALTER TABLE) */
	char where[32];          /* how messages name the config entry: "tables[2]" */
};

/* rpl_colmap_fini frees what m owns (m itself is the caller's). */
void rpl_colmap_fini(struct rpl_colmap *m);

/* note callback: each problem found, error or warning, with the column it concerns
 * (NULL: several, named in msg). Called on the caller's thread. */
typedef void (*rpl_colmap_note_fn)(void *data, bool error, const char *column, const char *msg);

/* rpl_colmap_source checks every excluded and renamed name against the source
 * catalog st and removes the excluded columns from st. Excluding a column of the
 * primary key or the date_column (may be NULL) is an error: the key names rows
 * (rejects, keyset slices), the date column the target ranges a run deletes.
 * m may be NULL (no mapping). Every problem goes to note (may be NULL); returns 0 or
 * the first error's code, with err naming table label and column. */
int rpl_colmap_source(const struct rpl_colmap *m, const char *label, const char *date_column,
                      struct rpl_table *st, rpl_colmap_note_fn note, void *data, struct rpl_err *err);

/* rpl_colmap_target_name: the target's name for source column name (borrowed from
 * m or name). m may be NULL. */
const char *rpl_colmap_target_name(const struct rpl_colmap *m, const char *name);

/* rpl_colmap_match pairs each column of st (already through rpl_colmap_source) with
 * the target column of dt it loads: dc[i] (st->ncols entries, caller memory), NULL
 * for a source column the target lacks, allowed only with add_new_columns (then
 * *n_new counts them and a warning says they will be added). The target columns
 * nothing feeds give one warning when all are nullable or defaulted, else an error
 * naming each that is not. Returns 0 or the first error's code. */
int rpl_colmap_match(const struct rpl_colmap *m, const char *label, const struct rpl_table *st,
                     const struct rpl_table *dt, const struct rpl_column **dc, size_t *n_new,
                     rpl_colmap_note_fn note, void *data, struct rpl_err *err);

/* rpl_colmap_add_column appends the ALTER TABLE that adds source column c (through
 * its mapped name) to the target table, typed as a created table's column would be
 * (rpl_dialect_column_type) and nullable: the rows already there have no value. */
void rpl_colmap_add_column(const struct rpl_colmap *m, const struct rpl_dialect *dst, const struct rpl_dialect *src,
                           const char *schema, const char *table, const struct rpl_column *c,
                           struct rpl_sbuf *out);

#endif
