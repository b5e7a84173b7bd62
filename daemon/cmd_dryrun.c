/* daemon/cmd_dryrun.c: `replicad run … --dry-run [--target-dialect ENGINE]` (see
 * cmd_dryrun.h). It decides nothing of its own: the table's source and sink adapters,
 * buffer layout and slice size come from rpl_choose (lib/core/choose.h), the same call
 * a run makes, and each partition's statements from the adapters' explain, with the
 * text they send (tests/integration/test_dryrun.sh compares them with the servers'
 * statement logs); the job's statements come from lib/sql/sqlgen.c and
 * lib/core/ledger.c. This file puts them in the order runner.c and copy.c run them and
 * says which connection gets each. Sends only catalog reads (SQLColumns,
 * SQLPrimaryKeys, the target's index list; the source's native reader connects and a
 * MariaDB one prepares its SELECT, which reads nothing); never writes, never starts a
 * transaction. */
#include "cmd_dryrun.h"
#include "dryrun_print.h"
#include "catalog.h"
#include "choose.h"
#include "cli.h"
#include "colmap.h"
#include "tablefacts.h"
#include "dialect.h"
#include "ledger.h"
#include "sbuf.h"
#include "sqlgen.h"
#include "xfer.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct dry {
	FILE *out;
	int n;                           /* statements printed so far */
	const struct rpl_dialect *sd, *dd;
	const struct rpl_config *cfg;    /* borrowed */
	const struct rpl_table_config *tc;
	struct rpl_conn src, dst;        /* dst: connected, or (--target-dialect) a stand-in
	                                  * with the engine and dialect only */
	bool connected;
	struct rpl_table st, dt;
	bool dst_exists;
	size_t n_new;                    /* source columns add_new_columns would add */
	const char **dst_names;          /* owned array */
	const struct rpl_column **sc, **dc;   /* owned arrays: the matched columns */
	struct rpl_sqlgen g;
	struct rpl_choice ch;            /* owned once chosen */
	bool chosen;
	char **ix;                       /* owned: the target's indexes that may be disabled */
	size_t nix;
	char label[600], dlabel[600];
};

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
	rd_dryrun_comment(d->out, head);
	rd_dryrun_sql(d->out, rpl_sbuf_str(sql), (target ? d->dd : d->sd)->engine == RPL_ENGINE_MSSQL);
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
	rd_dryrun_comment(d->out, text);
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
				rd_dryrun_sql(d->out, rpl_sbuf_str(&b), dd->engine == RPL_ENGINE_MSSQL);
			}
		} else {
			if (rpl_sqlgen_index_rebuild(dd, g->dst_schema, g->dst_table, ix, &b)) {
				if (listed) {
					stmt(d, true, &b, "rebuild %s (the definition saved in replicad_indexes), committed; then its row is deleted", ix);
				} else {
					note(d, "for each index disabled at the start, e.g. %s:", ix);
					fputs(pfx, d->out);
					rd_dryrun_sql(d->out, rpl_sbuf_str(&b), dd->engine == RPL_ENGINE_MSSQL);
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

/* dry_catalogs reads both catalogs and matches the columns as rpl_copy_prepare does
 * (colmap.h); without a target connection the target is the source's columns. */
static int
dry_catalogs(struct dry *d, struct rpl_err *err)
{
	const struct rpl_config *cfg = d->cfg;
	const struct rpl_table_config *tc = d->tc;
	bool exists = false;
	if (rpl_conn_open(&d->src, "source", cfg->source.odbc, cfg->source.password, err) < 0 ||
	    rpl_catalog_read(&d->src, tc->schema, tc->name, &d->st, &exists, err) < 0)
		return err->code;
	if (!exists)
		return rpl_err_set(err, RPL_ENOENT, "source: table %s not found", d->label);
	if (rpl_colmap_source(&tc->map, d->label, tc->date_column, &d->st, NULL, NULL, err) < 0)
		return err->code;
	size_t n = d->st.ncols ? d->st.ncols : 1;
	d->dst_names = calloc(n, sizeof *d->dst_names);
	d->sc = calloc(n, sizeof *d->sc);
	d->dc = calloc(n, sizeof *d->dc);
	if (d->dst_names == NULL || d->sc == NULL || d->dc == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (size_t i = 0; i < d->st.ncols; i++) {
		d->dst_names[i] = rpl_colmap_target_name(&tc->map, d->st.cols[i].name);
		d->sc[i] = d->dc[i] = &d->st.cols[i];
	}
	if (tc->date_column != NULL && rpl_table_find(&d->st, tc->date_column) == NULL)
		return rpl_err_set(err, RPL_ENOENT, "table %s: date_column %s is not a column of the source", d->label,
		                   tc->date_column);
	if (!d->connected)
		return 0;
	if (rpl_conn_open(&d->dst, "target", cfg->target.odbc, cfg->target.password, err) < 0 ||
	    rpl_catalog_read(&d->dst, tc->target_schema, tc->target, &d->dt, &d->dst_exists, err) < 0)
		return err->code;
	if (!d->dst_exists && !cfg->load.create_missing_tables)
		return rpl_err_set(err, RPL_ENOENT, "target: table %s not found (set load.create_missing_tables to create it)",
		                   d->dlabel);
	if (!d->dst_exists)
		return 0;
	int r = rpl_colmap_match(&tc->map, d->label, &d->st, &d->dt, d->dc, &d->n_new, NULL, NULL, err);
	for (size_t i = 0; r == 0 && i < d->st.ncols; i++)
		if (d->dc[i] == NULL)   /* added by add_new_columns: laid out as the source's */
			d->dc[i] = &d->st.cols[i];
	return r;
}

/* dry_choose asks rpl_choose, as rpl_copy_prepare does: the sink opens nothing. */
static int
dry_choose(struct dry *d, struct rpl_err *err)
{
	const struct rpl_config *cfg = d->cfg;
	const struct rpl_table_config *tc = d->tc;
	bool partitioned = false;
	d->sd = d->src.dialect;
	d->dd = d->dst.dialect;
	d->g = (struct rpl_sqlgen){ .src = d->src.dialect, .dst = d->dd, .st = &d->st,
	                            .dt = d->dst_exists ? &d->dt : NULL, .src_schema = tc->schema,
	                            .src_table = tc->name, .dst_schema = tc->target_schema, .dst_table = tc->target,
	                            .date_column = tc->date_column, .table_lock = cfg->load.table_lock,
	                            .dst_names = d->dst_names };
	if (rpl_table_only(&d->src, tc->schema, tc->name, !tc->inherited, &d->g.only, &partitioned, err) < 0)
		return err->code;
	struct rpl_choose_in in = { .label = d->label, .g = &d->g, .sc = d->sc, .dc = d->dc, .ncols = d->st.ncols,
	                            .chunk_bytes = cfg->load.chunk_bytes, .text_copy = false, .dry = true,
	                            .odbc_only = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0 };
	if (rpl_choose(&d->src, &d->dst, &in, &d->ch, err) < 0)
		return err->code;
	d->chosen = true;
	return 0;
}

static void
reason(void *data, const char *what, const char *why)
{
	struct dry *d = data;
	char line[1200];
	snprintf(line, sizeof line, "%s: %s", what, why);
	rd_dryrun_comment(d->out, line);
}

/* dry_header says what this is, the table, both sides and the chooser's reasons. */
static void
dry_header(struct dry *d, const char *kind, const struct rpl_range *parts, size_t nparts)
{
	const struct rpl_config *cfg = d->cfg;
	FILE *out = d->out;
	char line[1024];
	int workers = cfg->load.workers < cfg->load.workers_per_table ? cfg->load.workers : cfg->load.workers_per_table;
	fputs("-- replicad dry run. Nothing below was sent: the numbered statements are what a run sends, in\n"
	      "-- order, each as it is sent (long ones broken into lines where they have a space), without a\n"
	      "-- terminator; \"?\" is a bound parameter.\n", out);
	snprintf(line, sizeof line, "table %s, %s, %zu partition%s from %04d-%02d-%02d up to %04d-%02d-%02d", d->label, kind,
	         nparts, nparts == 1 ? "" : "s", parts[0].start.y, parts[0].start.m, parts[0].start.d,
	         parts[nparts - 1].end.y, parts[nparts - 1].end.m, parts[nparts - 1].end.d);
	if (parts[0].all)
		snprintf(line, sizeof line, "table %s, %s: the whole table", d->label, kind);
	rd_dryrun_comment(out, line);
	snprintf(line, sizeof line, "source: %s (%s %s), %zu columns, %s", rpl_engine_name(d->src.engine),
	         d->src.dbms_name, d->src.dbms_ver, d->st.ncols, d->st.npk ? "primary key from the catalog" : "no primary key");
	rd_dryrun_comment(out, line);
	if (d->connected)
		snprintf(line, sizeof line, "target: %s (%s %s), table %s %s", rpl_engine_name(d->dst.engine), d->dst.dbms_name,
		         d->dst.dbms_ver, d->dlabel, d->dst_exists ? "exists" : "is missing and will be created");
	else
		snprintf(line, sizeof line, "target: %s (--target-dialect: not connected), table %s taken as missing and"
		         " created from the source catalog", d->dd->name, d->dlabel);
	rd_dryrun_comment(out, line);
	snprintf(line, sizeof line, "load: commit every %lld rows, table_lock %s, disable_indexes %s,"
	         " create_missing_tables %s, %d worker%s on this table, each with its own connections",
	         (long long)cfg->load.commit_rows, cfg->load.table_lock ? "on" : "off",
	         cfg->load.disable_indexes ? "on" : "off", cfg->load.create_missing_tables ? "on" : "off", workers,
	         workers == 1 ? "" : "s");
	rd_dryrun_comment(out, line);
	rd_dryrun_comment(out, "how, as a run chooses it (lib/core/choose.c):");
	rpl_choice_reasons(&d->ch, reason, d);
	if (!d->dst_exists)
		rd_dryrun_comment(out, "(the target table is to be created: a run makes these choices again from the"
		                  " created table's columns, which a dry run cannot read, so the load it prints"
		                  " below may differ, a COPY's format for one)");
	fputc('\n', out);
}

/* dry_warnings: what a run would stumble on, before it starts */
static void
dry_warnings(struct dry *d)
{
	const struct rpl_config *cfg = d->cfg;
	int workers = cfg->load.workers < cfg->load.workers_per_table ? cfg->load.workers : cfg->load.workers_per_table;
	if (d->dd->engine == RPL_ENGINE_MSSQL && cfg->load.table_lock && workers > 1) {
		rd_dryrun_comment(d->out, "WARNING: WITH (TABLOCK) takes an exclusive lock on the whole table, held until the"
		        " partition commits, so this table's workers load one at a time, and two that have both"
		        " deleted their ranges deadlock (1205, retried). With load.table_lock set"
		        " load.workers_per_table to 1.");
		fputc('\n', d->out);
	}
	const struct rpl_column *idc = d->dd->engine == RPL_ENGINE_MSSQL && d->dst_exists
	                               ? rpl_sqlgen_identity_column(&d->dt) : NULL;
	if (idc != NULL) {
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_sqlgen_identity_insert(d->dd, d->tc->target_schema, d->tc->target, true, &b);
		fprintf(d->out, "-- WARNING: target column %s is an IDENTITY column (%s): SQL Server refuses explicit values\n"
		        "-- for it unless the session first runs %s, which replicad does not send:\n"
		        "-- such an INSERT fails. Use a target table without IDENTITY.\n\n",
		        idc->name, idc->type_name, rpl_sbuf_str(&b));
		rpl_sbuf_fini(&b);
	}
}

/* dry_job_start: runner.c on the target's control connection, before the partitions */
static int
dry_job_start(struct dry *d, struct rpl_err *err)
{
	const struct rpl_table_config *tc = d->tc;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	int r = 0;
	fputs("-- ==== job start, on the target's control connection (autocommit) ====\n", d->out);
	for (size_t i = 0; rpl_ledger_ddl(d->dd, i, &b); i++) {
		stmt(d, true, &b, "the ledger, created on first use");
		rpl_sbuf_reset(&b);
	}
	if (!d->dst_exists) {
		rpl_sqlgen_create_table(&d->g, &b);
		stmt(d, true, &b, "create the missing target table (load.create_missing_tables%s)",
		     d->cfg->load.create_missing_tables ? "" : " is off: a real run would stop here instead");
		rpl_sbuf_reset(&b);
	}
	for (size_t i = 0; d->n_new > 0 && i < d->st.ncols; i++) {
		if (rpl_table_find(&d->dt, d->dst_names[i]) != NULL)
			continue;
		rpl_colmap_add_column(&tc->map, d->dd, d->src.dialect, tc->target_schema, tc->target, &d->st.cols[i], &b);
		stmt(d, true, &b, "add source column %s the target lacks (tables[].add_new_columns)", d->st.cols[i].name);
		rpl_sbuf_reset(&b);
	}
	note(d, "the job and its partitions are recorded in replicad_jobs and replicad_partitions (a matching");
	note(d, "unfinished job is resumed instead, and its done partitions are skipped)\n");
	if (d->dst_exists) {
		rpl_sbuf_add(&b, "SELECT index_name, definition FROM replicad_indexes WHERE table_name = ");
		plain_lit(d->dd, d->dlabel, &b);
		stmt(d, true, &b, "indexes an earlier run left disabled are restored first (each definition run, its row deleted)");
		rpl_sbuf_reset(&b);
	} else {
		note(d, "the created table's unique and secondary indexes are saved in replicad_indexes and built after"
		     " its first load (job end)\n");
	}
	if (d->cfg->load.disable_indexes) {
		if (d->connected && d->dst_exists) {
			rpl_sqlgen_index_list_keep(d->dd, tc->target_schema, tc->target, tc->date_column, &b);
			if (b.len > 0)
				r = list_indexes(&d->dst, rpl_sbuf_str(&b), &d->ix, &d->nix, err);
		}
		if (r == 0)
			index_work(d, &d->g, d->dlabel, d->ix, d->nix, d->connected, false);
	} else {
		note(d, "load.disable_indexes is off: no index is disabled\n");
	}
	rpl_sbuf_fini(&b);
	return r;
}

/* A partition's statements as the adapters explain them, one phase at a time. */
struct phase {
	struct dry *d;
	enum rpl_sink_at at;
	const char *done;        /* the ledger's done-mark */
	size_t rows;             /* a chunk's rows */
};

static void
sink_stmt(void *data, enum rpl_sink_at at, const char *sql)
{
	struct phase *ph = data;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	if (at != ph->at)
		return;
	rpl_sbuf_add(&b, sql != NULL ? sql : ph->done);
	const struct rpl_sink *k = ph->d->ch.sink;
	if (sql == NULL)
		stmt(ph->d, true, &b, "mark the partition done in the ledger, in its last transaction (counts and times"
		     " are the partition's own)");
	else if (at == RPL_SINK_AT_START)
		stmt(ph->d, true, &b, "%s, before the rows", rpl_sink_name(k));
	else if (at == RPL_SINK_AT_CHUNK)
		stmt(ph->d, true, &b, "for each chunk of up to %zu rows (%s)", ph->rows, rpl_sink_name(k));
	else if (at == RPL_SINK_AT_COMMIT)
		stmt(ph->d, true, &b, "every %lld rows written", (long long)ph->d->cfg->load.commit_rows);
	else
		stmt(ph->d, true, &b, "end the partition: its last rows and its done-mark commit together");
	rpl_sbuf_fini(&b);
}

static void
source_stmt(void *data, const char *sql)
{
	struct phase *ph = data;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sbuf_add(&b, sql);
	stmt(ph->d, false, &b, "read the partition (%s)", rpl_source_name(ph->d->ch.source));
	rpl_sbuf_fini(&b);
}

static void
partition(struct dry *d, const struct rpl_range *r, size_t i, size_t n)
{
	struct rpl_sbuf del = RPL_SBUF_INIT, sel = RPL_SBUF_INIT, done = RPL_SBUF_INIT;
	struct rpl_part_account acc;
	char lab[64];
	rpl_range_label(r, lab, sizeof lab);
	fprintf(d->out, "-- ---- partition %zu of %zu: %s%s ----\n", i + 1, n, lab,
	        r->all ? " (the whole table)" : " (half-open: start <= date < end)");
	note(d, "the ledger marks it running (UPDATE replicad_partitions …, committed)\n");
	long batch = rpl_sqlgen_delete(&d->g, r, &del);
	if (batch > 0)
		note(d, "the DELETE below runs in autocommit, again until it deletes fewer than %ld rows (SQLRowCount): each"
		     " batch commits on its own, so the log can be reused and no lock is held for the whole range", batch);
	memset(&acc, 0, sizeof acc);
	acc.range = *r;
	acc.attempts = 1;
	rpl_ledger_done_sql(d->dd, "(job id)", d->tc->name, &acc, &done);
	rpl_sqlgen_select(&d->g, r, &sel);
	struct phase ph = { .d = d, .at = RPL_SINK_AT_START, .done = rpl_sbuf_str(&done),
	                    .rows = d->ch.bufs[0].rows };
	rpl_sink_explain(d->ch.sink, rpl_sbuf_str(&del), batch, sink_stmt, &ph);
	rpl_source_explain(d->ch.source, rpl_sbuf_str(&sel), r, source_stmt, &ph);
	for (ph.at = RPL_SINK_AT_CHUNK; ph.at <= RPL_SINK_AT_END; ph.at++) {
		rpl_sink_explain(d->ch.sink, rpl_sbuf_str(&del), batch, sink_stmt, &ph);
		if (ph.at == RPL_SINK_AT_CHUNK)
			note(d, "a chunk the target refuses: %s\n", rpl_sink_bulk(d->ch.sink)[0] == 'I'
			     ? "undone to its savepoint and sent again in halves, down to the refused rows (reject file)"
			     : "the partition is rolled back and loaded again in statements split around the refused rows");
	}
	rpl_sbuf_fini(&del);
	rpl_sbuf_fini(&sel);
	rpl_sbuf_fini(&done);
}

/* dry_job_end: runner.c after the partitions, on its control connection */
static void
dry_job_end(struct dry *d)
{
	fputs("-- ==== job end, on the control connection (opened again only if SELECT 1 fails on it) ====\n", d->out);
	if (d->cfg->load.disable_indexes)
		index_work(d, &d->g, d->dlabel, d->ix, d->nix, d->connected, true);
	if (!d->dst_exists)
		note(d, "the created table's indexes saved in replicad_indexes are built (CREATE INDEX …), committed");
	note(d, "the job's row gets its state and totals (UPDATE replicad_jobs …)");
	if (d->dd->engine == RPL_ENGINE_MSSQL) {
		struct rpl_sbuf b = RPL_SBUF_INIT;
		rpl_sqlgen_mssql_columns(d->tc->target_schema, d->tc->target, &b);
		fputs("\n-- ==== not sent: for a DBA, the target's columns as SQL Server declares them (identity,\n"
		      "-- computed and rowversion columns, alias types), which SQLColumns does not say ====\n", d->out);
		rd_dryrun_sql(d->out, rpl_sbuf_str(&b), true);
		rpl_sbuf_fini(&b);
	}
}

static void
dry_fini(struct dry *d)
{
	if (d->chosen)
		rpl_choice_fini(&d->ch);
	for (size_t i = 0; i < d->nix; i++)
		free(d->ix[i]);
	free(d->ix);
	free(d->dst_names);
	free(d->sc);
	free(d->dc);
	rpl_table_fini(&d->st);
	rpl_table_fini(&d->dt);
	rpl_conn_close(&d->src);
	if (d->connected)
		rpl_conn_close(&d->dst);
}

int
rd_cmd_dryrun(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
              const struct rpl_range *parts, size_t nparts, enum rpl_engine target, FILE *out)
{
	struct dry *d = calloc(1, sizeof *d);
	struct rpl_err err = RPL_ERR_INIT;
	if (d == NULL) {
		rpl_err_set(&err, RPL_ENOMEM, "out of memory");
		rd_print_err(NULL, &err);
		return RD_EXIT_FAILED;
	}
	d->out = out;
	d->cfg = cfg;
	d->tc = tc;
	d->connected = target == RPL_ENGINE_UNKNOWN;
	snprintf(d->label, sizeof d->label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	snprintf(d->dlabel, sizeof d->dlabel, "%s%s%s", tc->target_schema ? tc->target_schema : "",
	         tc->target_schema ? "." : "", tc->target);
	if (!d->connected) {   /* the stand-in: what the adapters need to choose and explain */
		d->dst.engine = target;
		d->dst.dialect = rpl_dialect_for(target);
		d->dst.side = "target";
	}
	int status = RD_EXIT_FAILED;
	if (dry_catalogs(d, &err) == 0 && dry_choose(d, &err) == 0) {
		dry_header(d, kind, parts, nparts);
		dry_warnings(d);
		if (dry_job_start(d, &err) == 0) {
			for (size_t i = 0; i < nparts; i++)
				partition(d, &parts[i], i, nparts);
			dry_job_end(d);
			status = RD_EXIT_OK;
		}
	}
	if (status != RD_EXIT_OK)
		rd_print_err(NULL, &err);
	dry_fini(d);
	free(d);
	return status;
}
