/* lib/sql/sqlgen.h: every statement a table copy sends, as text, built from the dialects
 * and the catalogs alone (docs/engines.md). Pure functions: no connection, no
 * clock, nothing kept between calls; each appends to the caller's rpl_sbuf (whose
 * out-of-memory state is sticky, so callers check once at the end). This is what
 * makes SQL Server's SQL testable without a SQL Server (tests/unit/test_sqlgen.c
 * asserts every statement kind exactly) and what `replicad run --dry-run` prints.
 *
 * The texts match what lib/core/copy.c, lib/core/indexes.c and lib/core/ledger.c send for SQLite,
 * PostgreSQL and MariaDB; for SQL Server they are the reference: indexes.c takes its
 * SQL Server index statements from here, and the range DELETE is batched (below).
 * Any thread. */
#ifndef RPL_SQLGEN_H
#define RPL_SQLGEN_H
#include <stdbool.h>
#include <stddef.h>
#include "catalog.h"
#include "dialect.h"
#include "plan.h"

struct rpl_sbuf;

/* One table copy as the statements see it. Everything is borrowed. */
struct rpl_sqlgen {
	const struct rpl_dialect *src, *dst;
	const struct rpl_table *st;        /* the source catalog: columns in ordinal order, key */
	const struct rpl_table *dt;        /* the target catalog; NULL: the target table is (to
	                                    * be) created from st, so it has st's column names */
	const char *src_schema, *src_table;    /* as configured; a schema may be NULL */
	const char *dst_schema, *dst_table;
	const char *date_column;           /* NULL: whole-table copies only */
	bool table_lock;                   /* load.table_lock: the dialect's insert hint */
	bool native_read;                  /* the source is read by its own library, not ODBC:
	                                    * plain columns, no driver workarounds */
	const char *const *dst_names;      /* NULL: target columns have the source's names;
	                                    * else the target name of each st column, in order
	                                    * (tables[].columns, colmap.h) */
	bool only;                         /* PostgreSQL source: FROM ONLY, the parent's own
	                                    * rows (tables[].inherited false, pg_inherit.h) */
	const struct rpl_table *peer;      /* verify: the other side's columns in st's order
	                                    * (the target as matched, or the source), whose
	                                    * CHAR(n) keys also order without trailing spaces;
	                                    * NULL: this side alone says */
	const struct rpl_dialect *peer_dialect;  /* verify: the other side's engine; NULL: none */
	const char *collation;             /* MariaDB target: the created table's collation
	                                    * (rpl_table_collation); NULL: utf8mb4_bin */
	const struct rpl_keyslice *kslice; /* borrowed; NULL: the whole range. Else only the
	                                    * rows of this slice of the single integer key
	                                    * (verify's key slices, vslices.h) */
};

/* A slice of a single integer key: lo <= key < hi, each end open when not has_*.
 * The slice open below also holds the rows whose key is NULL (a target without a
 * primary key may have them), so that the slices of a range hold all its rows. */
struct rpl_keyslice {
	bool has_lo, has_hi;
	int64_t lo, hi;
};

/* rpl_sqlgen_geometry_refused: true, with *col the source column's index, when a
 * PostgreSQL geometric column other than point goes into a MariaDB spatial column:
 * their texts are no WKT, and only a point's is rewritten (INSERT and LOAD DATA make
 * "(x,y)" POINT(x y) on the server). The copy refuses the table before a row moves. */
bool rpl_sqlgen_geometry_refused(const struct rpl_sqlgen *g, size_t *col);

/* rpl_sqlgen_select: the SELECT that reads a partition on the source: every source
 * column in ordinal order, `date_column >= start AND date_column < end` (half-open,
 * the dialect's date literals), no WHERE for a whole-table range. SQLite doubles are
 * read through printf('%!.17g') (sqliteodbc renders 15 digits, docs/engines.md). */
void rpl_sqlgen_select(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_sqlgen_from: the " FROM table WHERE range" of rpl_sqlgen_select alone, for a
 * statement over the same rows that selects something else (vdigest.h). */
void rpl_sqlgen_from(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_sqlgen_copy_out: a PostgreSQL source's read, COPY (SELECT …) TO STDOUT. */
void rpl_sqlgen_copy_out(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_sqlgen_slice: one keyset slice of a partition, `rows` rows in primary-key
 * order; keyed: only rows after the last key read, given as parameters. Returns how
 * many parameter markers the text holds, bound from the last key (k1..kn) in this
 * order: LIMIT engines take (k1, …, kn) as one row value; SQL Server, which has no
 * row-value comparison, takes k1 | k1, k2 | k1, k2, k3 … for the expanded
 * `(k1 > ? OR (k1 = ? AND k2 > ?) OR …)`. 0 when not keyed or the table has no key. */
int rpl_sqlgen_slice(const struct rpl_sqlgen *g, const struct rpl_range *r, bool keyed, size_t rows,
                     struct rpl_sbuf *out);

/* rpl_sqlgen_delete: the target's range DELETE (the whole table for a whole-table
 * range). Returns the batch size: 0, the statement deletes the range at once; N > 0
 * (SQL Server: DELETE TOP (N)), the caller runs it again until it deletes fewer than
 * N rows (SQLRowCount), each run in autocommit so that every batch commits on its
 * own and the transaction log can be reused between batches (a batched delete inside
 * one transaction keeps all of it). Re-run safety does not depend on the delete's
 * atomicity: the partition is done only once its ledger row says so. */
long rpl_sqlgen_delete(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out);

/* rpl_sqlgen_insert: the prepared INSERT sent as a parameter array, target column
 * names in source order, `WITH (TABLOCK)` on SQL Server when table_lock. */
void rpl_sqlgen_insert(const struct rpl_sqlgen *g, struct rpl_sbuf *out);

/* rpl_sqlgen_copy_in: a PostgreSQL target's COPY … FROM STDIN (the libpq sink). */
void rpl_sqlgen_copy_in(const struct rpl_sqlgen *g, struct rpl_sbuf *out);

/* rpl_sqlgen_load_data: a MariaDB target's LOAD DATA LOCAL INFILE of path, in the
 * tab-separated form tsv.h writes (mariadb_sink.c): CHARACTER SET binary when every target
 * column is UTF-8 (or dt is NULL: replicad creates utf8mb4 tables), else utf8mb4. */
void rpl_sqlgen_load_data(const struct rpl_sqlgen *g, const char *path, struct rpl_sbuf *out);

/* rpl_sqlgen_create_table: CREATE TABLE for load.create_missing_tables from st: type
 * names by rpl_dialect_column_type (the source's own declarations between two
 * engines of a kind), NOT NULL for non-nullable and key columns, the primary key
 * (SQL Server: a named clustered constraint, CONSTRAINT [PK_table] PRIMARY KEY
 * CLUSTERED; SQLite to SQLite: an INTEGER PRIMARY KEY in line, the rowid as in the
 * source); MariaDB tables InnoDB utf8mb4 in g->collation. PostgreSQL enum and domain types are
 * created before (coltypes.h). */
void rpl_sqlgen_create_table(const struct rpl_sqlgen *g, struct rpl_sbuf *out);

/* Savepoints around each chunk's insert, so a refused chunk can be undone alone. */
enum rpl_savepoint { RPL_SAVEPOINT_SET, RPL_SAVEPOINT_ROLLBACK, RPL_SAVEPOINT_RELEASE };
/* rpl_sqlgen_savepoint appends the statement for op on savepoint name, or returns
 * false (appending nothing) when the engine has none: SQL Server has SAVE TRANSACTION
 * and ROLLBACK TRANSACTION but no RELEASE. */
bool rpl_sqlgen_savepoint(const struct rpl_dialect *d, enum rpl_savepoint op, const char *name,
                          struct rpl_sbuf *out);

/* Index work (docs/jobs.md, lib/core/indexes.h). rpl_sqlgen_index_list: the
 * catalog query whose first column names each index that may be disabled: never a
 * primary key, unique index or index behind a constraint. SQL Server: the enabled,
 * non-unique NONCLUSTERED rowstore indexes of sys.indexes (type 2), so never the
 * clustered index. */
void rpl_sqlgen_index_list(const struct rpl_dialect *d, const char *schema, const char *table,
                           struct rpl_sbuf *out);
/* rpl_sqlgen_index_list_keep is rpl_sqlgen_index_list leaving out, besides, every
 * index whose first column is keep_column (borrowed; NULL: none): the partition's
 * range DELETE uses it, and without it each month's DELETE scanned the whole table
 * (issue #18 item 1: 3.2-3.7 s a month against 0.46-0.50 s on 3 M rows). */
void rpl_sqlgen_index_list_keep(const struct rpl_dialect *d, const char *schema, const char *table,
                                const char *keep_column, struct rpl_sbuf *out);
/* rpl_sqlgen_index_disable: SQL Server ALTER INDEX … DISABLE (the definition stays in
 * the catalog); elsewhere DROP INDEX IF EXISTS (the definition is saved first). */
void rpl_sqlgen_index_disable(const struct rpl_dialect *d, const char *schema, const char *table,
                              const char *index, struct rpl_sbuf *out);
/* rpl_sqlgen_index_rebuild: SQL Server ALTER INDEX … REBUILD; false on engines whose
 * indexes are recreated from the definition their catalog gave (indexes.c). */
bool rpl_sqlgen_index_rebuild(const struct rpl_dialect *d, const char *schema, const char *table,
                              const char *index, struct rpl_sbuf *out);

/* rpl_sqlgen_mssql_columns: the sys.columns / sys.types query giving what SQLColumns
 * does not: the base type of an alias type, identity, computed and rowversion
 * columns, max_length in bytes (-1 for MAX), precision and scale as declared. */
void rpl_sqlgen_mssql_columns(const char *schema, const char *table, struct rpl_sbuf *out);

/* rpl_sqlgen_identity_insert: SET IDENTITY_INSERT table ON|OFF (SQL Server only: an
 * INSERT with explicit values into an identity column needs it); false elsewhere. */
bool rpl_sqlgen_identity_insert(const struct rpl_dialect *d, const char *schema, const char *table, bool on,
                                struct rpl_sbuf *out);

/* rpl_sqlgen_identity_column: the first column of t that SQLColumns names "… identity"
 * (SQL Server), or NULL. */
const struct rpl_column *rpl_sqlgen_identity_column(const struct rpl_table *t);

/* rpl_sqlgen_key_col: the column of t at key position k (1-based), or NULL. */
const struct rpl_column *rpl_sqlgen_key_col(const struct rpl_table *t, int k);

/* rpl_sqlgen_select_ordered (sqlgen_order.c): rpl_sqlgen_select in key order, text key columns in
 * the byte order of their UTF-8 text on every engine (PostgreSQL `::text COLLATE "C"`,
 * MariaDB CAST(CONVERT(… USING utf8mb4) AS BINARY), SQLite COLLATE BINARY, SQL Server
 * COLLATE Latin1_General_BIN2), so that verify can merge two engines' rows (verify.h);
 * no ORDER BY when st has no key. */
void rpl_sqlgen_select_ordered(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out);

#endif
