/* lib/core/createidx.h: the unique constraints and secondary indexes of a table that
 * load.create_missing_tables created (issue #15). They are read from the source's
 * catalog (pg_index, information_schema.STATISTICS, pragma_index_list), translated
 * for the target engine as column lists, and saved in the ledger's
 * replicad_indexes as if lib/core/indexes.c had dropped them: the runner then builds
 * them after the table's first load, with the indexes load.disable_indexes put back,
 * and a run that dies before that builds them at the start of the next (indexes.h).
 * Loading into an indexed table is slower, so they are never built before.
 *
 * What has no exact translation is left out with a warning naming it: expression
 * and partial indexes, index methods other than B-tree (GIN, GiST, FULLTEXT,
 * SPATIAL), a unique index over a prefix or on a column the target can index only
 * by a prefix (MariaDB TEXT/BLOB), SQL Server MAX columns. Names are the source's
 * (SQLite's reserved sqlite_autoindex_* become table_columns_key); every statement
 * is IF NOT EXISTS, so a run that builds them again does not fail. */
#ifndef RPL_CREATEIDX_H
#define RPL_CREATEIDX_H
#include <stdbool.h>
#include <stddef.h>
#include "catalog.h"
#include "dialect.h"

#define RPL_INDEX_MAXCOLS 32

/* One source index as its catalog describes it. */
struct rpl_srcindex {
	char name[128];
	bool unique;
	int ncols;
	char cols[RPL_INDEX_MAXCOLS][128];
	int prefix[RPL_INDEX_MAXCOLS];   /* MariaDB SUB_PART; 0: the whole column */
	char skip[32];                   /* why it has no column-list form ("expression", "gin", …); "" if it has */
};

/* rpl_createidx_read fills *out (to be freed) with src's indexes of table schema.name
 * other than the primary key, in name order; *n gets how many. */
int rpl_createidx_read(struct rpl_conn *src, const char *schema, const char *name, struct rpl_srcindex **out,
                       int *n, struct rpl_err *err);

/* rpl_createidx_sql appends the statement that builds ix on table schema.table of
 * engine d, whose catalog is dt (borrowed), from a source of engine src. False,
 * appending nothing, when it has no exact form there; why then says why. Pure. */
bool rpl_createidx_sql(const struct rpl_dialect *d, enum rpl_engine src, const struct rpl_table *dt,
                       const char *schema, const char *table, const struct rpl_srcindex *ix, struct rpl_sbuf *out,
                       char *why, size_t wn);

/* rpl_createidx_warn_fn: an index left out, and why. */
typedef void (*rpl_createidx_warn_fn)(void *data, const char *index, const char *why);

/* rpl_createidx_save reads the indexes of src's table, translates them for dst's
 * table (catalog dt) and saves each in dst's replicad_indexes (creating the ledger
 * tables if they are missing); *saved gets how many, warn hears of each left out. */
int rpl_createidx_save(struct rpl_conn *src, const char *src_schema, const char *src_table, struct rpl_conn *dst,
                       const char *dst_schema, const char *dst_table, const struct rpl_table *dt,
                       rpl_createidx_warn_fn warn, void *data, int *saved, struct rpl_err *err);

#endif
