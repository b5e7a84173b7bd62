/* daemon/cmd_dryrun.c: `replicad run … --dry-run [--target-dialect ENGINE]` (see
 * cmd_dryrun.h). It decides nothing of its own: rpl_copy_plan (lib/core/copy.h) reads
 * and checks both catalogs as a run does and has rpl_choose pick the table's source
 * and sink adapters, buffer layout and slice size, the same calls a run makes; each
 * partition's statements come from the adapters' explain, with the text they send
 * (tests/integration/test_dryrun.sh compares them with the servers' statement logs);
 * the job's from lib/sql/sqlgen.c, lib/core/ledger.c and lib/core/indexes.c. This file
 * puts them in the order runner.c and copy.c run them and says which connection gets
 * each. Sends only catalog reads (SQLColumns, SQLPrimaryKeys, the target's index
 * list; the source's native reader connects and a MariaDB one prepares its SELECT,
 * which reads nothing); never writes, never starts a transaction. */
#include "cmd_dryrun.h"
#include "dryrun_print.h"
#include "catalog.h"
#include "choose.h"
#include "copy.h"
#include "cli.h"
#include "colmap.h"
#include "dialect.h"
#include "indexes.h"
#include "ledger.h"
#include "claim.h"
#include "fence.h"
#include "sbuf.h"
#include "sqlgen.h"
#include "tablefacts.h"
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
	bool no_file;                    /* the target is a SQLite file not made yet: a run
	                                  * makes it, a dry run makes nothing (stand-in) */
	struct rpl_copy *cp;             /* owned: the copy as rpl_copy_plan planned it */
	/* borrowed from cp: */
	const struct rpl_table *st, *dt; /* dt empty when the target is to be created */
	bool dst_exists;
	size_t n_new;                    /* source columns add_new_columns would add */
	const struct rpl_sqlgen *g;
	const struct rpl_choice *ch;
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

/* ix_stmt prints sql as statement N when listed (a target's own index), else, for
 * the example index of a dry run without a target, as a comment. */
static void
ix_stmt(struct dry *d, bool listed, const struct rpl_sbuf *sql, const char *what)
{
	if (listed) {
		stmt(d, true, sql, "%s", what);
		return;
	}
	note(d, "  %s:", what);
	fprintf(d->out, "--   %s\n", rpl_sbuf_str(sql));   /* one line: all of it stays a comment */
}

/* index_start prints what rpl_indexes_disable_keep sends at the job's start: the list
 * query, then for each index it lists (an example without a target): its saved row
 * forgotten and saved again (committed), then the index dropped or disabled. */
static void
index_start(struct dry *d, char **names, size_t n, bool listed)
{
	const struct rpl_sqlgen *g = d->g;
	const struct rpl_dialect *dd = d->dd;
	struct rpl_sbuf b = RPL_SBUF_INIT, def = RPL_SBUF_INIT;
	char ex[300], what[600];
	snprintf(ex, sizeof ex, "ix_%s_%s", g->dst_table, g->date_column ? g->date_column : "1");
	rpl_sqlgen_index_list_keep(dd, g->dst_schema, g->dst_table, g->date_column, &b);
	stmt(d, true, &b, "list the indexes that may be disabled (load.disable_indexes)%s",
	     dd->engine == RPL_ENGINE_MSSQL ? ": nonclustered, non-unique, enabled; never the clustered index or a key" : "");
	if (g->date_column != NULL)
		note(d, "(indexes whose first column is %s are kept: each partition's DELETE of its range uses them)",
		     g->date_column);
	if (!listed)
		note(d, "(not run: no target connection. The table created above has its primary key only, so a real"
		     " run would list no index here.) For each index it lists on a real target, e.g. %s:", ex);
	else if (n == 0)
		note(d, "(run on the target: it lists no index, so nothing is disabled)");
	else
		note(d, "(run on the target: it lists %zu index%s)", n, n == 1 ? "" : "es");
	for (size_t i = 0; i < (listed ? n : 1); i++) {
		const char *ix = listed ? names[i] : ex;
		rpl_sbuf_reset(&b);
		rpl_sbuf_reset(&def);
		rpl_indexes_forget_sql(dd, d->dlabel, ix, &b);
		snprintf(what, sizeof what, "forget an earlier saved definition of %s", ix);
		ix_stmt(d, listed, &b, what);
		if (!rpl_sqlgen_index_rebuild(dd, g->dst_schema, g->dst_table, ix, &def)) {
			rpl_sbuf_reset(&def);
			rpl_sbuf_add(&def, "(its CREATE INDEX, as the catalog gives it)");
		}
		rpl_sbuf_reset(&b);
		rpl_indexes_save_sql(dd, d->dlabel, ix, rpl_sbuf_str(&def), "(now)", &b);
		snprintf(what, sizeof what, "save how to build %s again, committed before it is disabled", ix);
		ix_stmt(d, listed, &b, what);
		rpl_sbuf_reset(&b);
		rpl_sqlgen_index_disable(dd, g->dst_schema, g->dst_table, ix, &b);
		snprintf(what, sizeof what, "%s %s, committed", dd->engine == RPL_ENGINE_MSSQL ? "disable" : "drop", ix);
		ix_stmt(d, listed, &b, what);
	}
	if (!listed)
		fputc('\n', d->out);
	rpl_sbuf_fini(&b);
	rpl_sbuf_fini(&def);
}

/* index_end prints what rpl_indexes_restore sends at the job's end: the saved rows
 * read, then each index built again and its row forgotten, each committed. */
static void
index_end(struct dry *d, char **names, size_t n, bool listed)
{
	const struct rpl_sqlgen *g = d->g;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	char ex[300], what[600];
	snprintf(ex, sizeof ex, "ix_%s_%s", g->dst_table, g->date_column ? g->date_column : "1");
	rpl_indexes_saved_sql(d->dd, d->dlabel, &b);
	stmt(d, true, &b, "read the saved definitions of the table's disabled indexes");
	if (!listed)
		note(d, "for each index disabled at the start, e.g. %s:", ex);
	for (size_t i = 0; i < (listed ? n : 1); i++) {
		const char *ix = listed ? names[i] : ex;
		rpl_sbuf_reset(&b);
		if (rpl_sqlgen_index_rebuild(d->dd, g->dst_schema, g->dst_table, ix, &b)) {
			snprintf(what, sizeof what, "rebuild %s (the definition saved), committed", ix);
			ix_stmt(d, listed, &b, what);
		} else {
			note(d, "recreate %s from its saved definition (CREATE INDEX IF NOT EXISTS …), committed", ix);
		}
		rpl_sbuf_reset(&b);
		rpl_indexes_forget_sql(d->dd, d->dlabel, ix, &b);
		snprintf(what, sizeof what, "forget %s's saved definition, committed", ix);
		ix_stmt(d, listed, &b, what);
	}
	if (!listed)
		fputc('\n', d->out);
	rpl_sbuf_fini(&b);
}

/* dry_plan connects and asks rpl_copy_plan, which reads and checks both catalogs as
 * rpl_copy_prepare does and chooses the adapters with rpl_choose, changing nothing. */
static int
dry_plan(struct dry *d, struct rpl_err *err)
{
	const struct rpl_config *cfg = d->cfg;
	const struct rpl_table_config *tc = d->tc;
	if (rpl_conn_open(&d->src, "source", cfg->source.odbc, cfg->source.password, err) < 0 ||
	    (d->connected && rpl_conn_open(&d->dst, "target", cfg->target.odbc, cfg->target.password, err) < 0))
		return err->code;
	/* as runner.c's copy_opts; without a target the table is taken as to be created */
	struct rpl_copy_opts o = {
		.src_schema = tc->schema, .src_table = tc->name, .dst_schema = tc->target_schema, .dst_table = tc->target,
		.date_column = tc->date_column, .chunk_bytes = cfg->load.chunk_bytes, .commit_rows = cfg->load.commit_rows,
		.create_missing = cfg->load.create_missing_tables || !d->connected, .table_lock = cfg->load.table_lock,
		.truncate_strings = cfg->values.truncate_strings,
		.bulk_odbc = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0,
		.placeholder_dates = (const char *const *)cfg->values.placeholder_dates,
		.n_placeholder_dates = cfg->values.n_placeholder_dates, .map = &tc->map, .only_parent = !tc->inherited,
	};
	if (rpl_copy_plan(&d->src, &d->dst, d->connected, &o, &d->cp, err) < 0)
		return err->code;
	d->sd = d->src.dialect;
	d->dd = d->dst.dialect;
	d->st = rpl_copy_table(d->cp, false);
	d->dt = rpl_copy_table(d->cp, true);
	d->dst_exists = rpl_copy_target_exists(d->cp, &d->n_new);
	d->g = rpl_copy_sqlgen(d->cp);
	d->ch = rpl_copy_choice(d->cp);
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
	         d->src.dbms_name, d->src.dbms_ver, d->st->ncols, d->st->npk ? "primary key from the catalog" : "no primary key");
	rd_dryrun_comment(out, line);
	if (d->connected)
		snprintf(line, sizeof line, "target: %s (%s %s), table %s %s", rpl_engine_name(d->dst.engine), d->dst.dbms_name,
		         d->dst.dbms_ver, d->dlabel, d->dst_exists ? "exists" : "is missing and will be created");
	else if (d->no_file)
		snprintf(line, sizeof line, "target: %s (its file does not exist yet: a run makes it, this dry run does not),"
		         " table %s taken as missing and created from the source catalog", d->dd->name, d->dlabel);
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
	rpl_choice_reasons(d->ch, reason, d);
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
	                               ? rpl_sqlgen_identity_column(d->dt) : NULL;
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

/* dry_type: one CREATE TYPE or CREATE DOMAIN a run sends before the table it
 * creates (tablefacts.h) */
static int
dry_type(void *data, const char *schema, const char *type, const char *sql)
{
	struct dry *d = data;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sbuf_add(&b, sql);
	stmt(d, true, &b, "create type %s.%s the created table's columns use%s", schema, type,
	     d->connected ? "" : " (if the target lacks it)");
	rpl_sbuf_fini(&b);
	return 0;
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
		int ntypes = 0;
		if ((r = rpl_table_plan_types(&d->src, &d->dst, d->connected, tc->schema, tc->name, dry_type, d,
		                              &ntypes, err)) < 0) {
			rpl_sbuf_fini(&b);
			return r;
		}
		rpl_sqlgen_create_table(d->g, &b);
		stmt(d, true, &b, "create the missing target table (load.create_missing_tables%s)",
		     d->cfg->load.create_missing_tables ? "" : " is off: a real run would stop here instead");
		rpl_sbuf_reset(&b);
	}
	for (size_t i = 0; d->n_new > 0 && i < d->st->ncols; i++) {
		if (rpl_table_find(d->dt, d->g->dst_names[i]) != NULL)
			continue;
		rpl_colmap_add_column(&tc->map, d->dd, d->src.dialect, tc->target_schema, tc->target, &d->st->cols[i], &b);
		stmt(d, true, &b, "add source column %s the target lacks (tables[].add_new_columns)", d->st->cols[i].name);
		rpl_sbuf_reset(&b);
	}
	note(d, "the job and its partitions are recorded in replicad_jobs and replicad_partitions (a matching");
	note(d, "unfinished job is resumed instead, and its done partitions are skipped; one that ended cancelled has");
	note(d, "its cancel cleared first, UPDATE replicad_jobs SET control = NULL …, so it runs again)\n");
	if (d->dst_exists) {
		rpl_indexes_saved_sql(d->dd, d->dlabel, &b);
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
			index_start(d, d->ix, d->nix, d->connected);
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
	const struct rpl_sink *k = ph->d->ch->sink;
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
	stmt(ph->d, false, &b, "read the partition (%s)", rpl_source_name(ph->d->ch->source));
	rpl_sbuf_fini(&b);
}

/* dry_part_start: each attempt first marks the partition running on its load session
 * (the connection the rows go through), which records that session for fencing
 * (fence.h); SQLite's is marked on the control connection, with no session to end */
static void
dry_part_start(struct dry *d, const struct rpl_range *r, const struct rpl_owner *me, bool first)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	if (d->dd->engine == RPL_ENGINE_SQLITE)
		return;
	if (first)
		rpl_fence_name_sql(d->dd, me, &b);
	if (b.len > 0)
		stmt(d, true, &b, "once per load session, when it connects: name it (node and pid): a process that takes a"
		     " partition over after this one's lease ran out ends the session only while it carries this name");
	rpl_sbuf_reset(&b);
	rpl_fence_start_sql(d->dd, me, "(job id)", d->tc->name, r, 1, 1, &b);
	stmt(d, true, &b, "on the load session, committed: mark the partition running and record the session (fencing),"
	     " only while the claim holds");
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
	note(d, "the ledger marks it running and claimed by this process (the job's control read first: nothing is"
	     " claimed while it says pause or cancel; owner, lease, claim number: a SELECT … FOR"
	     " UPDATE SKIP LOCKED and an UPDATE replicad_partitions …, committed); every commit before the last runs"
	     " the claim check first, the last the done-mark below, each touching the row only while the claim holds;"
	     " after the running-mark below, the worker reads the load sessions of the job's partitions whose leases ran"
	     " out (SELECT load_session, load_tag FROM replicad_partitions …) and ends each that the server still shows"
	     " with its tag (fencing)\n");
	struct rpl_owner me;
	rpl_owner_init(&me, NULL);
	dry_part_start(d, r, &me, i == 0);
	long batch = rpl_sqlgen_delete(d->g, r, &del);
	if (batch > 0)
		note(d, "the DELETE below runs in autocommit, again until it deletes fewer than %ld rows (SQLRowCount): each"
		     " batch commits on its own, so the log can be reused and no lock is held for the whole range", batch);
	memset(&acc, 0, sizeof acc);
	acc.range = *r;
	acc.attempts = 1;
	rpl_ledger_done_sql(d->dd, "(job id)", d->tc->name, &acc, &done);
	rpl_claim_cond_sql(d->dd, &me, 1, &done);
	rpl_sqlgen_select(d->g, r, &sel);
	struct phase ph = { .d = d, .at = RPL_SINK_AT_START, .done = rpl_sbuf_str(&done),
	                    .rows = d->ch->bufs[0].rows };
	rpl_sink_explain(d->ch->sink, rpl_sbuf_str(&del), batch, sink_stmt, &ph);
	rpl_source_explain(d->ch->source, rpl_sbuf_str(&sel), r, source_stmt, &ph);
	for (ph.at = RPL_SINK_AT_CHUNK; ph.at <= RPL_SINK_AT_END; ph.at++) {
		rpl_sink_explain(d->ch->sink, rpl_sbuf_str(&del), batch, sink_stmt, &ph);
		if (ph.at == RPL_SINK_AT_CHUNK)
			note(d, "a chunk the target refuses: %s\n", rpl_sink_bulk(d->ch->sink)[0] == 'I'
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
		index_end(d, d->ix, d->nix, d->connected);
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
	rpl_copy_free(d->cp);
	for (size_t i = 0; i < d->nix; i++)
		free(d->ix[i]);
	free(d->ix);
	rpl_conn_close(&d->src);
	if (d->connected)
		rpl_conn_close(&d->dst);
	else
		free(d->dst.connstr);
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
	char path[1024];
	if (d->connected && rpl_conn_sqlite_missing(cfg->target.odbc, path, sizeof path)) {
		d->connected = false;   /* connecting would make the file */
		d->no_file = true;
		target = RPL_ENGINE_SQLITE;
	}
	snprintf(d->label, sizeof d->label, "%s%s%s", tc->schema ? tc->schema : "", tc->schema ? "." : "", tc->name);
	snprintf(d->dlabel, sizeof d->dlabel, "%s%s%s", tc->target_schema ? tc->target_schema : "",
	         tc->target_schema ? "." : "", tc->target);
	if (!d->connected) {   /* the stand-in: what the adapters need to choose and explain */
		d->dst.engine = target;
		d->dst.dialect = rpl_dialect_for(target);
		d->dst.side = "target";
		/* the file to be made: the adapters choose by it as a run's do (the library's
		 * sink needs a Database= file) */
		d->dst.connstr = d->no_file ? strdup(cfg->target.odbc) : NULL;
	}
	int status = RD_EXIT_FAILED;
	if (dry_plan(d, &err) == 0) {
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
