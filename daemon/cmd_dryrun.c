/* daemon/cmd_dryrun.c: `replicad run … --dry-run [--target-dialect ENGINE]` (see
 * cmd_dryrun.h). The statements come from lib/sql/sqlgen.c and lib/core/ledger.c, the same
 * builders whose exact text tests/unit/test_sqlgen.c asserts; this file only puts
 * them in the order runner.c and copy.c run them and says which connection gets
 * each. Reads catalogs (SQLColumns, SQLPrimaryKeys, the target's index list) and
 * nothing else; never writes, never starts a transaction. */
#include "cmd_dryrun.h"
#include "catalog.h"
#include "cli.h"
#include "colmap.h"
#include "pg_inherit.h"
#include "dialect.h"
#include "ledger.h"
#include "mariadb_source.h"
#include "sbuf.h"
#include "sqlgen.h"
#include "xfer.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define WRAP 100         /* statements are broken to lines of about this many columns */
#define SAVEPOINT "rpl_batch"

struct dry {
	FILE *out;
	int n;                           /* statements printed so far */
	const struct rpl_dialect *sd, *dd;
	bool my_load;                    /* a MariaDB target loads by LOAD DATA (mariadb_sink.h) */
	bool my_src;                     /* a MariaDB source read by its client library (mariadb_source.h) */
	bool lite_dst;                   /* a SQLite target through the SQLite library */
};

/* Where a line may be broken, outside literals and quoted names: after ", " at the
 * parenthesis depth that holds the statement's main list (the columns), or before a
 * clause keyword. */
static const char *const clause[] = { " FROM ", " WHERE ", " AND ", " ORDER BY ", " VALUES ", " JOIN ", NULL };

/* scan calls fn(at, len, data) for every break point of sql: at is its offset, len
 * the text the line break replaces (", " keeps its comma: len 1 after it). list_depth
 * < 0: only count the ", " per depth into hist[0..7]. */
static void
scan(const char *sql, bool brackets, int list_depth, size_t *hist, size_t *at, size_t *nat)
{
	char q = 0;
	int depth = 0;
	for (size_t i = 0; sql[i] != '\0'; i++) {
		char c = sql[i];
		if (q != 0) {
			if (c == q && sql[i + 1] == q)
				i++;                 /* doubled: still inside */
			else if (c == q)
				q = 0;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`' || (c == '[' && brackets)) {
			q = c == '[' ? ']' : c;
			continue;
		}
		depth += c == '(' ? 1 : c == ')' ? -1 : 0;
		if (c == ',' && sql[i + 1] == ' ') {
			if (list_depth < 0 && depth >= 0 && depth < 8)
				hist[depth]++;
			else if (depth == list_depth)
				at[(*nat)++] = i + 1;    /* the space after the comma */
			continue;
		}
		for (int k = 0; list_depth >= 0 && clause[k] != NULL; k++)
			if (c == ' ' && strncmp(sql + i, clause[k], strlen(clause[k])) == 0)
				at[(*nat)++] = i;
	}
}

/* print_sql writes sql as sent, broken into lines of about WRAP columns at break
 * points only: a line break stands where the statement has a space, so the text means
 * the same. */
static void
print_sql(FILE *out, const char *sql, bool brackets)
{
	size_t hist[8] = { 0 }, n = strlen(sql), nat = 0;
	size_t *at = malloc((n + 1) * sizeof *at);
	scan(sql, brackets, -1, hist, NULL, NULL);
	int list = 0;
	for (int d = 1; d < 8; d++)
		if (hist[d] > hist[list])
			list = d;
	if (at != NULL)
		scan(sql, brackets, list, NULL, at, &nat);
	size_t col = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k < nat && at[k] == i) {
			size_t next = k + 1 < nat ? at[k + 1] : n;
			k++;
			/* not at a line's start (a short head stays with its first item) */
			if (col >= 40 && col + (next - i) > WRAP) {
				fputs("\n    ", out);
				col = 4;
				continue;                /* the space the break replaces */
			}
		}
		fputc(sql[i], out);
		col++;
	}
	fputc('\n', out);
	free(at);
}

/* comment writes text as "-- " lines of about WRAP columns, broken at spaces. */
static void
comment(FILE *out, const char *text)
{
	const char *p = text;
	do {
		size_t n = strlen(p), cut = n;
		if (n > WRAP - 3) {
			cut = WRAP - 3;
			while (cut > 20 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = n;             /* one long word: leave it whole */
		}
		fprintf(out, "-- %s%.*s\n", p == text ? "" : "   ", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	} while (*p != '\0');
}

/* stmt prints "-- N. side: note" and the statement. */
static void stmt(struct dry *d, bool target, const struct rpl_sbuf *sql, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void
stmt(struct dry *d, bool target, const struct rpl_sbuf *sql, const char *fmt, ...)
{
	char head[1024];
	va_list ap;
	int k = snprintf(head, sizeof head, "%d. %s: ", ++d->n, target ? "target" : "source");
	va_start(ap, fmt);
	vsnprintf(head + k, sizeof head - (size_t)k, fmt, ap);
	va_end(ap);
	comment(d->out, head);
	print_sql(d->out, rpl_sbuf_str(sql), (target ? d->dd : d->sd)->engine == RPL_ENGINE_MSSQL);
	fputc('\n', d->out);
}

/* note prints a comment; a trailing "\n" in fmt adds an empty line after it. */
static void note(struct dry *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
note(struct dry *d, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	size_t n = strlen(text);
	bool blank = n > 0 && text[n - 1] == '\n';
	if (blank)
		text[n - 1] = '\0';
	comment(d->out, text);
	if (blank)
		fputc('\n', d->out);
}

/* plain_lit: a literal as indexes.c writes it (no N prefix) */
static void
plain_lit(const struct rpl_dialect *d, const char *s, struct rpl_sbuf *b)
{
	rpl_sbuf_addc(b, '\'');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\'' || (*p == '\\' && d->engine == RPL_ENGINE_MARIADB))
			rpl_sbuf_addc(b, *p);
		rpl_sbuf_addc(b, *p);
	}
	rpl_sbuf_addc(b, '\'');
}

/* list_indexes runs the index catalog query on a real target: the names it lists. */
static int
list_indexes(struct rpl_conn *c, const char *sql, char ***names, size_t *n, struct rpl_err *err)
{
	SQLHSTMT st;
	*names = NULL;
	*n = 0;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char name[512] = "";
		if (!SQL_SUCCEEDED(rc))
			break;
		SQLGetData(st, 1, SQL_C_CHAR, name, sizeof name, NULL);
		if (*n > 0 && strcmp((*names)[*n - 1], name) == 0)
			continue;                /* MariaDB: a row per indexed column */
		char **v = realloc(*names, (*n + 1) * sizeof *v);
		if (v == NULL || (v[*n] = strdup(name)) == NULL) {
			if (v != NULL)
				*names = v;
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
			break;
		}
		*names = v;
		(*n)++;
	}
	if (r == 0 && rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "listing indexes");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

/* uses_libpq: does this PostgreSQL side go through libpq COPY (copy.c) rather than ODBC? */
static bool
uses_libpq(const struct rpl_config *cfg, enum rpl_engine e, const char *connstr)
{
	if (e != RPL_ENGINE_POSTGRES || (cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0))
		return false;
	/* pg_conn.c: libpq needs to know where the server is; a DSN falls back to ODBC */
	return connstr == NULL || rpl_connstr_has_key(connstr, "Server") || rpl_connstr_has_key(connstr, "Servername") ||
	       rpl_connstr_has_key(connstr, "Host");
}

/* index_work prints the job-start (disable) or job-end (rebuild) index statements. */
static void
index_work(struct dry *d, const struct rpl_sqlgen *g, const char *label, char **names, size_t n, bool listed,
           bool end)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	const struct rpl_dialect *dd = d->dd;
	const char *example = NULL;
	char ex[300];
	if (!listed) {
		snprintf(ex, sizeof ex, "ix_%s_%s", g->dst_table, g->date_column ? g->date_column : "1");
		example = ex;
	}
	if (!end) {
		rpl_sqlgen_index_list_keep(dd, g->dst_schema, g->dst_table, g->date_column, &b);
		stmt(d, true, &b, "list the indexes that may be disabled (load.disable_indexes)%s",
		     dd->engine == RPL_ENGINE_MSSQL ? ": nonclustered, non-unique, enabled; never the clustered index or a key" : "");
		if (g->date_column != NULL)
			note(d, "(indexes whose first column is %s are kept: each partition's DELETE of its range uses them)",
			     g->date_column);
		if (!listed)
			note(d, "(not run: no target connection. The table created above has its primary key only, so a real"
			     " run would list no index here.)");
		else if (n == 0)
			note(d, "(run on the target: it lists no index, so nothing is disabled)");
		else
			note(d, "(run on the target: it lists %zu index%s)", n, n == 1 ? "" : "es");
	}
	for (size_t i = 0; i < (listed ? n : 1); i++) {
		const char *ix = listed ? names[i] : example;
		const char *pfx = listed ? "" : "--   ";
		rpl_sbuf_reset(&b);
		if (!end) {
			bool has_rebuild = rpl_sqlgen_index_rebuild(dd, g->dst_schema, g->dst_table, ix, &b);
			if (has_rebuild && listed) {
				struct rpl_sbuf ins = RPL_SBUF_INIT;
				rpl_sbuf_add(&ins, "INSERT INTO replicad_indexes (table_name, index_name, definition, saved_at) VALUES (");
				plain_lit(dd, label, &ins);
				rpl_sbuf_add(&ins, ", ");
				plain_lit(dd, ix, &ins);
				rpl_sbuf_add(&ins, ", ");
				plain_lit(dd, rpl_sbuf_str(&b), &ins);
				rpl_sbuf_add(&ins, ", '(now)')");
				stmt(d, true, &ins, "remember to rebuild %s (committed before it is disabled)", ix);
				rpl_sbuf_fini(&ins);
			}
			rpl_sbuf_reset(&b);
			rpl_sqlgen_index_disable(dd, g->dst_schema, g->dst_table, ix, &b);
			if (listed) {
				stmt(d, true, &b, "%s %s (%s)", dd->engine == RPL_ENGINE_MSSQL ? "disable" : "drop", ix,
				     dd->engine == RPL_ENGINE_MSSQL ? "its definition stays in sys.indexes"
				                                    : "its definition was saved in replicad_indexes first");
			} else {
				note(d, "for each index it lists on a real target, e.g. %s:", ix);
				if (has_rebuild)
					note(d, "  (saved in replicad_indexes: %s)", "its REBUILD statement, committed");
				fputs(pfx, d->out);
				print_sql(d->out, rpl_sbuf_str(&b), dd->engine == RPL_ENGINE_MSSQL);
			}
		} else {
			if (rpl_sqlgen_index_rebuild(dd, g->dst_schema, g->dst_table, ix, &b)) {
				if (listed) {
					stmt(d, true, &b, "rebuild %s (the definition saved in replicad_indexes), committed; then its row is deleted", ix);
				} else {
					note(d, "for each index disabled at the start, e.g. %s:", ix);
					fputs(pfx, d->out);
					print_sql(d->out, rpl_sbuf_str(&b), dd->engine == RPL_ENGINE_MSSQL);
				}
			} else {
				note(d, "recreate %s from its saved definition (CREATE INDEX IF NOT EXISTS …), committed; then its row is deleted", ix);
			}
		}
	}
	if (!listed)
		fputc('\n', d->out);
	rpl_sbuf_fini(&b);
}

/* match_catalogs checks what rpl_copy_prepare checks: every column on both sides,
 * through the table's column mapping (colmap.h); dc gets the matches. */
static int
match_catalogs(const struct rpl_table_config *tc, const struct rpl_table *st, const struct rpl_table *dt,
               const char *label, size_t *n_new, struct rpl_err *err)
{
	const struct rpl_column **dc = calloc(st->ncols ? st->ncols : 1, sizeof *dc);
	if (dc == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r = rpl_colmap_match(&tc->map, label, st, dt, dc, n_new, NULL, NULL, err);
	free(dc);
	return r;
}

/* rows_per_chunk: the buffer's rows, as copy.c lays it out (0 if it cannot say) */
static size_t
rows_per_chunk(const struct rpl_config *cfg, const struct rpl_table_config *tc, const struct rpl_table *st,
               const struct rpl_table *dt, enum rpl_engine se, enum rpl_engine de, unsigned lite, bool ool)
{
	const struct rpl_column **sc = calloc(st->ncols ? st->ncols : 1, sizeof *sc);
	const struct rpl_column **dc = calloc(st->ncols ? st->ncols : 1, sizeof *dc);
	size_t rows = 0;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_xbuf b;
	if (sc != NULL && dc != NULL) {
		for (size_t i = 0; i < st->ncols; i++) {
			const char *to = rpl_colmap_target_name(&tc->map, st->cols[i].name);
			const struct rpl_column *t = dt != NULL ? rpl_table_find(dt, to) : NULL;
			sc[i] = &st->cols[i];
			dc[i] = t != NULL ? t : &st->cols[i];
		}
		if (rpl_xbuf_layout(&b, sc, dc, st->ncols, se, de, lite | (ool ? RPL_XFER_OOL : 0), cfg->load.chunk_bytes,
		                    &err) == 0) {
			rows = b.rows;
			rpl_xbuf_fini(&b);
		}
	}
	free(sc);
	free(dc);
	return rows;
}

static void
partition(struct dry *d, const struct rpl_config *cfg, const struct rpl_sqlgen *g, const struct rpl_table_config *tc,
          const struct rpl_range *r, size_t i, size_t n, size_t rows, bool pg_src, bool pg_dst)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	char lab[64];
	rpl_range_label(r, lab, sizeof lab);
	fprintf(d->out, "-- ---- partition %zu of %zu: %s%s ----\n", i + 1, n, lab,
	        r->all ? " (the whole table)" : " (half-open: start <= date < end)");
	const char *txn = pg_dst ? "the COPY sink's own libpq connection opens the partition's transaction"
	                         : "the target connection leaves autocommit (SQL_ATTR_AUTOCOMMIT off): the partition's"
	                           " rows and its done-mark are one transaction";
	long batch = rpl_sqlgen_delete(g, r, &b);
	if (batch > 0) {
		note(d, "the ledger marks it running (UPDATE replicad_partitions …, committed)\n");
		stmt(d, true, &b, "delete the partition's rows in batches, in autocommit: run again until it deletes"
		     " fewer than %ld rows (SQLRowCount); each batch commits on its own, so the log can be reused"
		     " between batches and no lock is held for the whole range", batch);
		note(d, "then %s\n", txn);
	} else {
		note(d, "the ledger marks it running (UPDATE replicad_partitions …, committed); then %s\n", txn);
		if (pg_dst) {
			struct rpl_sbuf t = RPL_SBUF_INIT;
			rpl_sbuf_add(&t, "BEGIN");
			stmt(d, true, &t, "on the COPY sink's connection");
			rpl_sbuf_fini(&t);
		}
		stmt(d, true, &b, "delete the partition's rows, in the partition's transaction (delete before insert:"
		     " what makes a re-run safe)");
	}
	rpl_sbuf_reset(&b);
	if (pg_src) {
		rpl_sqlgen_copy_out(g, r, &b);
		stmt(d, false, &b, "read the partition (libpq COPY TO STDOUT, text format)");
	} else if (d->my_src) {
		rpl_sqlgen_select(g, r, &b);
		stmt(d, false, &b, "read the partition (the MariaDB client library: prepared once, its rows streamed; a"
		     " column it does not convert, such as TIME, sends the table through ODBC in key slices)");
	} else if (d->sd->engine == RPL_ENGINE_MARIADB && g->st->npk > 0) {
		size_t slice = rows * 2 < 1000 ? 1000 : rows * 2;
		rpl_sqlgen_slice(g, r, false, slice, &b);
		stmt(d, false, &b, "read the first slice of %zu rows in key order (a block cursor, %zu rows a fetch)", slice, rows);
		rpl_sbuf_reset(&b);
		int np = rpl_sqlgen_slice(g, r, true, slice, &b);
		stmt(d, false, &b, "while a slice comes back full: the next one, after its last key (%d parameter%s)", np,
		     np == 1 ? "" : "s");
	} else {
		rpl_sqlgen_select(g, r, &b);
		stmt(d, false, &b, "read the partition (a block cursor, %zu rows a fetch)", rows);
	}
	rpl_sbuf_reset(&b);
	if (pg_dst) {
		rpl_sqlgen_copy_in(g, &b);
		stmt(d, true, &b, "load the rows (COPY text format, on the sink's connection)");
	} else if (d->my_load) {
		rpl_sqlgen_load_data(g, "/proc/self/fd/N", &b);
		stmt(d, true, &b, "for each chunk of up to %zu rows: load it from a memory file of tab-separated rows", rows);
		rpl_sbuf_reset(&b);
		rpl_sbuf_add(&b, "SHOW COUNT(*) WARNINGS");
		stmt(d, true, &b, "then check it: fewer rows taken than sent, or any warning (LOAD DATA LOCAL skips a"
		     " duplicate and cuts a value that does not fit, with a warning), and the partition is rolled back"
		     " and loaded again through parameter arrays, which reject the refused rows one by one");
	} else {
		bool row_by_row = d->dd->engine == RPL_ENGINE_SQLITE;
		if (rpl_sqlgen_savepoint(d->dd, RPL_SAVEPOINT_SET, SAVEPOINT, &b))
			stmt(d, true, &b, "for each chunk, before its insert");
		rpl_sbuf_reset(&b);
		rpl_sqlgen_insert(g, &b);
		if (row_by_row)
			stmt(d, true, &b, "for each chunk: the prepared INSERT, executed once per row (%s)",
			     d->lite_dst ? "the SQLite library; a row it refuses is rejected alone" : "sqliteodbc");
		else
			stmt(d, true, &b, "for each chunk: the prepared INSERT, executed once with a parameter array of up to %zu rows%s",
			     rows, g->table_lock && d->dd->insert_lock_hint[0] ? " (load.table_lock)" : "");
		rpl_sbuf_reset(&b);
		if (rpl_sqlgen_savepoint(d->dd, RPL_SAVEPOINT_RELEASE, SAVEPOINT, &b))
			stmt(d, true, &b, "after a chunk the target took");
		else
			note(d, "(%s has no RELEASE: the savepoint ends with the transaction)\n", d->dd->name);
		rpl_sbuf_reset(&b);
		rpl_sqlgen_savepoint(d->dd, RPL_SAVEPOINT_ROLLBACK, SAVEPOINT, &b);
		stmt(d, true, &b, "only when the target refuses a chunk: undo it, then send it again in halves down to the"
		     " refused rows, which go to the reject file");
	}
	note(d, "every %lld rows written: commit%s", (long long)cfg->load.commit_rows,
	     pg_dst ? " (COMMIT; BEGIN; and the COPY again)" : " (SQLEndTran), and the same transaction mode goes on");
	fputc('\n', d->out);
	rpl_sbuf_reset(&b);
	struct rpl_part_account acc;
	memset(&acc, 0, sizeof acc);
	acc.range = *r;
	acc.attempts = 1;
	rpl_ledger_done_sql(d->dd, "(job id)", tc->name, &acc, &b);
	stmt(d, true, &b, "mark the partition done in the ledger, in its last transaction (counts and times are the"
	     " partition's own)");
	rpl_sbuf_reset(&b);
	rpl_sbuf_add(&b, "COMMIT");
	if (pg_dst)
		stmt(d, true, &b, "end the partition: its last rows and its done-mark commit together");
	else
		note(d, "commit (SQLEndTran): its last rows and its done-mark commit together\n");
	rpl_sbuf_fini(&b);
}

int
rd_cmd_dryrun(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
              const struct rpl_range *parts, size_t nparts, enum rpl_engine target, FILE *out)
{
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_table st = { 0 }, dt = { 0 };
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	bool exists = false, dst_exists = false, connect_target = target == RPL_ENGINE_UNKNOWN;
	char **ix = NULL;
	size_t nix = 0, n_new = 0;
	const char **dst_names = NULL;
	int status = RD_EXIT_FAILED;
	char label[600], dlabel[600];
	snprintf(label, sizeof label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	snprintf(dlabel, sizeof dlabel, "%s%s%s", tc->target_schema ? tc->target_schema : "", tc->target_schema ? "." : "",
	         tc->target);
	if (rpl_conn_open(&src, "source", cfg->source.odbc, cfg->source.password, &err) < 0 ||
	    rpl_catalog_read(&src, tc->schema, tc->name, &st, &exists, &err) < 0)
		goto fail;
	if (!exists) {
		rpl_err_set(&err, RPL_ENOENT, "source: table %s not found", label);
		goto fail;
	}
	if (rpl_colmap_source(&tc->map, label, tc->date_column, &st, NULL, NULL, &err) < 0)
		goto fail;
	if ((dst_names = calloc(st.ncols ? st.ncols : 1, sizeof *dst_names)) == NULL) {
		rpl_err_set(&err, RPL_ENOMEM, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < st.ncols; i++)
		dst_names[i] = rpl_colmap_target_name(&tc->map, st.cols[i].name);
	if (tc->date_column != NULL && rpl_table_find(&st, tc->date_column) == NULL) {
		rpl_err_set(&err, RPL_ENOENT, "table %s: date_column %s is not a column of the source", label, tc->date_column);
		goto fail;
	}
	const struct rpl_dialect *dd = rpl_dialect_for(target);
	if (connect_target) {
		if (rpl_conn_open(&dst, "target", cfg->target.odbc, cfg->target.password, &err) < 0 ||
		    rpl_catalog_read(&dst, tc->target_schema, tc->target, &dt, &dst_exists, &err) < 0)
			goto fail;
		dd = dst.dialect;
		if (!dst_exists && !cfg->load.create_missing_tables) {
			rpl_err_set(&err, RPL_ENOENT, "target: table %s not found (set load.create_missing_tables to create it)",
			            dlabel);
			goto fail;
		}
		if (dst_exists && match_catalogs(tc, &st, &dt, label, &n_new, &err) < 0)
			goto fail;
	}
	struct dry d = { .out = out, .sd = src.dialect, .dd = dd,
	                 .my_load = dd->engine == RPL_ENGINE_MARIADB &&
	                            !(cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0) };
	struct rpl_sqlgen g = { .src = src.dialect, .dst = dd, .st = &st, .dt = dst_exists ? &dt : NULL,
	                        .src_schema = tc->schema, .src_table = tc->name, .dst_schema = tc->target_schema,
	                        .dst_table = tc->target, .date_column = tc->date_column,
	                        .table_lock = cfg->load.table_lock, .dst_names = dst_names };
	bool partitioned = false;   /* as copy.c decides it: a partitioned table is read whole */
	if (!tc->inherited && src.engine == RPL_ENGINE_POSTGRES &&
	    rpl_pginherit_partitioned(&src, tc->schema, tc->name, &partitioned, &err) < 0)
		goto fail;
	g.only = !tc->inherited && !partitioned;
	bool pg_src = uses_libpq(cfg, src.engine, cfg->source.odbc);
	bool my_src = src.engine == RPL_ENGINE_MARIADB && rpl_mysource_connstr_ok(cfg->source.odbc) &&
	              !(cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0);
	for (size_t i = 0; i < st.ncols; i++)   /* the library leaves TIME (and GUIDs) to ODBC: mariadb_source.c */
		my_src = my_src && st.cols[i].cls != RPL_CLASS_TIME && st.cols[i].cls != RPL_CLASS_GUID;
	bool pg_dst = uses_libpq(cfg, dd->engine, connect_target ? cfg->target.odbc : NULL);
	unsigned lite = rpl_xfer_lite_flags(src.engine, cfg->source.odbc, dd->engine, connect_target ? cfg->target.odbc : NULL,
	                                    cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0);
	d.lite_dst = (lite & RPL_XFER_DST_LIB) != 0;
	/* as copy.c decides it: a source that fills the buffer, a target that reads it by value */
	d.my_src = my_src;
	bool ool = (pg_src || my_src || (lite & RPL_XFER_SRC_LIB)) && (pg_dst || d.my_load || d.lite_dst);
	size_t rows = rows_per_chunk(cfg, tc, &st, dst_exists ? &dt : NULL, src.engine, dd->engine, lite, ool);
	int workers = cfg->load.workers < cfg->load.workers_per_table ? cfg->load.workers : cfg->load.workers_per_table;

	/* --- what this is ------------------------------------------------------------- */
	char line[1024];
	fputs("-- replicad dry run. Nothing below was sent: the numbered statements are what a run sends, in\n"
	      "-- order, each as it is sent (long ones broken into lines where they have a space), without a\n"
	      "-- terminator; \"?\" is a bound parameter.\n", out);
	snprintf(line, sizeof line, "table %s, %s, %zu partition%s from %04d-%02d-%02d up to %04d-%02d-%02d", label, kind,
	         nparts, nparts == 1 ? "" : "s", parts[0].start.y, parts[0].start.m, parts[0].start.d,
	         parts[nparts - 1].end.y, parts[nparts - 1].end.m, parts[nparts - 1].end.d);
	if (parts[0].all)
		snprintf(line, sizeof line, "table %s, %s: the whole table", label, kind);
	comment(out, line);
	snprintf(line, sizeof line, "source: %s (%s %s), %zu columns, %s", rpl_engine_name(src.engine), src.dbms_name,
	         src.dbms_ver, st.ncols, st.npk ? "primary key from the catalog" : "no primary key");
	comment(out, line);
	if (connect_target)
		snprintf(line, sizeof line, "target: %s (%s %s), table %s %s", rpl_engine_name(dst.engine), dst.dbms_name,
		         dst.dbms_ver, dlabel, dst_exists ? "exists" : "is missing and will be created");
	else
		snprintf(line, sizeof line, "target: %s (--target-dialect: not connected), table %s taken as missing and"
		         " created from the source catalog", dd->name, dlabel);
	comment(out, line);
	snprintf(line, sizeof line, "load: %zu rows a chunk (chunk_bytes %lld%s), commit every %lld rows, table_lock %s,"
	         " disable_indexes %s, create_missing_tables %s, %d worker%s on this table, each with its own connections",
	         rows, (long long)cfg->load.chunk_bytes,
	         rows < 100 ? ": each unbounded text or binary column takes chunk_bytes/16 of it" : "",
	         (long long)cfg->load.commit_rows, cfg->load.table_lock ? "on" : "off",
	         cfg->load.disable_indexes ? "on" : "off", cfg->load.create_missing_tables ? "on" : "off", workers,
	         workers == 1 ? "" : "s");
	comment(out, line);
	fputc('\n', out);
	if (dd->engine == RPL_ENGINE_MSSQL && cfg->load.table_lock && workers > 1) {
		comment(out, "WARNING: WITH (TABLOCK) takes an exclusive lock on the whole table, held until the"
		        " partition commits, so this table's workers load one at a time, and two that have both"
		        " deleted their ranges deadlock (1205, retried). With load.table_lock set"
		        " load.workers_per_table to 1.");
		fputc('\n', out);
	}
	if (dd->engine == RPL_ENGINE_MSSQL && dst_exists) {
		const struct rpl_column *idc = rpl_sqlgen_identity_column(&dt);
		if (idc != NULL) {
			rpl_sqlgen_identity_insert(dd, tc->target_schema, tc->target, true, &b);
			fprintf(out, "-- WARNING: target column %s is an IDENTITY column (%s): SQL Server refuses explicit values\n"
			        "-- for it unless the session first runs %s, which replicad does not send:\n"
			        "-- such an INSERT fails. Use a target table without IDENTITY.\n\n",
			        idc->name, idc->type_name, rpl_sbuf_str(&b));
			rpl_sbuf_reset(&b);
		}
	}

	/* --- job start: runner.c on the control connection ------------------------------ */
	fputs("-- ==== job start, on the target's control connection (autocommit) ====\n", out);
	for (size_t i = 0; rpl_ledger_ddl(dd, i, &b); i++) {
		stmt(&d, true, &b, "the ledger, created on first use");
		rpl_sbuf_reset(&b);
	}
	if (!dst_exists) {
		rpl_sqlgen_create_table(&g, &b);
		stmt(&d, true, &b, "create the missing target table (load.create_missing_tables%s)",
		     cfg->load.create_missing_tables ? "" : " is off: a real run would stop here instead");
		rpl_sbuf_reset(&b);
	}
	for (size_t i = 0; n_new > 0 && i < st.ncols; i++) {
		if (rpl_table_find(&dt, dst_names[i]) != NULL)
			continue;
		rpl_colmap_add_column(&tc->map, dd, src.dialect, tc->target_schema, tc->target, &st.cols[i], &b);
		stmt(&d, true, &b, "add source column %s the target lacks (tables[].add_new_columns)", st.cols[i].name);
		rpl_sbuf_reset(&b);
	}
	note(&d, "the job and its partitions are recorded in replicad_jobs and replicad_partitions (a matching");
	note(&d, "unfinished job is resumed instead, and its done partitions are skipped)\n");
	rpl_sbuf_add(&b, "SELECT index_name, definition FROM replicad_indexes WHERE table_name = ");
	plain_lit(dd, dlabel, &b);
	stmt(&d, true, &b, "indexes an earlier run left disabled are restored first (each definition run, its row deleted)");
	rpl_sbuf_reset(&b);
	if (cfg->load.disable_indexes) {
		if (connect_target && dst_exists) {
			rpl_sqlgen_index_list_keep(dd, tc->target_schema, tc->target, tc->date_column, &b);
			if (b.len > 0 && list_indexes(&dst, rpl_sbuf_str(&b), &ix, &nix, &err) < 0)
				goto fail;
			rpl_sbuf_reset(&b);
		}
		index_work(&d, &g, dlabel, ix, nix, connect_target, false);
	} else {
		note(&d, "load.disable_indexes is off: no index is disabled\n");
	}

	/* --- the partitions: copy.c, one after the other or on the workers ------------------ */
	for (size_t i = 0; i < nparts; i++)
		partition(&d, cfg, &g, tc, &parts[i], i, nparts, rows, pg_src, pg_dst);

	/* --- job end ----------------------------------------------------------------------- */
	fputs("-- ==== job end, on a new control connection ====\n", out);
	if (cfg->load.disable_indexes)
		index_work(&d, &g, dlabel, ix, nix, connect_target, true);
	note(&d, "the job's row gets its state and totals (UPDATE replicad_jobs …)");
	if (dd->engine == RPL_ENGINE_MSSQL) {
		rpl_sbuf_reset(&b);
		rpl_sqlgen_mssql_columns(tc->target_schema, tc->target, &b);
		fputs("\n-- ==== not sent: for a DBA, the target's columns as SQL Server declares them (identity,\n"
		      "-- computed and rowversion columns, alias types), which SQLColumns does not say ====\n", out);
		print_sql(out, rpl_sbuf_str(&b), true);
	}
	status = rpl_sbuf_ok(&b) ? RD_EXIT_OK : RD_EXIT_FAILED;
	goto out;
fail:
	rd_print_err(NULL, &err);
out:
	rpl_sbuf_fini(&b);
	for (size_t i = 0; i < nix; i++)
		free(ix[i]);
	free(ix);
	free(dst_names);
	rpl_table_fini(&st);
	rpl_table_fini(&dt);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	return status;
}
