/* lib/core/copy_prepare.c: building one table's copy (rpl_copy_prepare, DESIGN in
 * copy.h): both catalogs read (or the runner's probe's copied), the columns matched
 * through the table's column mapping, a missing target created or new columns
 * added, narrower target columns named in one warning, then rpl_choose for the
 * adapters and buffers, and the value rules planned. */
#include "copy_int.h"
#include "colmap.h"
#include "createidx.h"
#include "dialect.h"
#include "log.h"
#include "tablefacts.h"
#include "typedecl.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
rpl_phase_name(enum rpl_phase p)
{
	static const char *const n[] = { "DELETE", "DISABLE_IDX", "INSERT", "COMMIT", "REBUILD_IDX", "TOTAL" };
	return (unsigned)p < RPL_NPHASES ? n[p] : "?";
}

const char *
rpl_rule_name(enum rpl_rule r)
{
	static const char *const n[] = { "placeholder_date", "date_range", "nan", "too_long",
	                                 "precision", "int_range", "not_null", "server", "truncated",
	                                 "wrong_type", "zero_date", "negative_zero" };
	return (unsigned)r < RPL_NRULES ? n[r] : "?";
}

int64_t
copy_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
copy_warn(struct rpl_copy *cp, const char *column, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void
copy_warn(struct rpl_copy *cp, const char *column, const char *fmt, ...)
{
	char msg[4096];   /* a table's list of narrower columns (copy_warn_narrower) */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (cp->o.warn != NULL)
		cp->o.warn(cp->o.cb_data, cp->label, column, msg);
}

/* copy_warn_narrower says once per table which target columns cannot hold every
 * source value, each as "column target-type < source-type" in the types users write
 * (typedecl.h). It was one line per column (27 for one table) naming psqlODBC's
 * `_text` and sqliteodbc's `VARCHAR(10)(10)` (issue #15). */
static void
copy_warn_narrower(struct rpl_copy *cp, const struct rpl_column *const *sc, const struct rpl_column *const *dc,
                   size_t n)
{
	struct rpl_sbuf list = RPL_SBUF_INIT;
	size_t k = 0;
	bool text = false;
	for (size_t i = 0; i < n; i++) {
		if (dc[i] == NULL || !rpl_table_narrower(cp->src, cp->dst, sc[i], dc[i]))
			continue;
		char st[128], dt[128];
		rpl_typedecl_of(sc[i], st, sizeof st);
		rpl_typedecl_of(dc[i], dt, sizeof dt);
		rpl_sbuf_addf(&list, "%s%s %s < %s", k++ ? ", " : "", sc[i]->name, dt, st);
		text = text || sc[i]->cls == RPL_CLASS_TEXT;
	}
	if (k > 0 && rpl_sbuf_ok(&list))
		copy_warn(cp, NULL, "%zu target column%s narrower than the source: %s; %s", k, k == 1 ? " is" : "s are",
		          rpl_sbuf_str(&list), cp->o.truncate_strings && text
		          ? "longer strings will be truncated (counted), other values that do not fit rejected"
		          : "values that do not fit will be rejected");
	rpl_sbuf_fini(&list);
}

/* copy_sqlgen describes the copy to sqlgen; with_target: the target catalog is read
 * (else the table is about to be created from the source's). */
static void
copy_sqlgen(struct rpl_copy *cp, bool with_target)
{
	cp->g = (struct rpl_sqlgen){
		.src = cp->src->dialect, .dst = cp->dst->dialect, .st = &cp->st,
		.dt = with_target ? &cp->dt : NULL,
		.src_schema = cp->o.src_schema, .src_table = cp->o.src_table,
		.dst_schema = cp->o.dst_schema, .dst_table = cp->o.dst_table,
		.date_column = cp->o.date_column, .table_lock = cp->o.table_lock,
		.dst_names = cp->dst_names, .only = cp->only, .collation = rpl_table_collation(cp->dst),
	};
}

/* copy_only: tables[].inherited false reads an inheritance parent's own rows; a
 * partitioned table has none of its own (FROM ONLY would read nothing), so it is
 * read whole whatever the setting (docs/engines.md, tablefacts.h). */
static int
copy_only(struct rpl_copy *cp, struct rpl_err *err)
{
	bool partitioned = false;
	int r = rpl_table_only(cp->src, cp->o.src_schema, cp->o.src_table, cp->o.only_parent, &cp->only,
	                           &partitioned, err);
	if (r < 0)
		return r;
	if (partitioned)
		copy_warn(cp, NULL, "inherited is false, but a partitioned table has no rows of its own: it is read whole");
	return 0;
}

/* copy_note passes the column mapping's warnings on; its errors come back in err. */
static void
copy_note(void *data, bool error, const char *column, const char *msg)
{
	if (!error)
		copy_warn(data, column, "%s", msg);
}

/* copy_dst_names maps each source column (excluded ones already gone) to its target
 * name (tables[].columns). */
static int
copy_dst_names(struct rpl_copy *cp, struct rpl_err *err)
{
	free(cp->dst_names);
	cp->dst_names = calloc(cp->st.ncols ? cp->st.ncols : 1, sizeof *cp->dst_names);
	if (cp->dst_names == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (size_t i = 0; i < cp->st.ncols; i++)
		cp->dst_names[i] = rpl_colmap_target_name(cp->o.map, cp->st.cols[i].name);
	return 0;
}

/* copy_add_columns: tables[].add_new_columns adds the source columns the target
 * lacks, once the mapping has been checked (nothing is altered for a mapping with
 * errors), and reads the target's catalog again. */
static int
copy_add_columns(struct rpl_copy *cp, struct rpl_err *err)
{
	const struct rpl_column **dc = calloc(cp->st.ncols ? cp->st.ncols : 1, sizeof *dc);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	size_t n_new = 0;
	bool exists;
	int r = dc == NULL ? rpl_err_set(err, RPL_ENOMEM, "out of memory")
	                   : rpl_colmap_match(cp->o.map, cp->label, &cp->st, &cp->dt, dc, &n_new, NULL, NULL, err);
	for (size_t i = 0; r == 0 && i < cp->st.ncols; i++) {
		if (dc[i] != NULL)
			continue;
		rpl_sbuf_reset(&sql);
		rpl_colmap_add_column(cp->o.map, cp->dst->dialect, cp->src->dialect, cp->o.dst_schema, cp->o.dst_table,
		                      &cp->st.cols[i], &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(cp->dst, rpl_sbuf_str(&sql), err)
		                      : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		if (r < 0)
			rpl_err_prefix(err, "adding column %s to target table %s", cp->dst_names[i], cp->o.dst_table);
		else
			copy_warn(cp, cp->st.cols[i].name, "added to the target as %s (add_new_columns)", sql.s);
	}
	cp->n_new = n_new;
	if (r == 0 && n_new > 0) {
		rpl_table_fini(&cp->dt);
		if ((r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) == 0 && !exists)
			r = rpl_err_set(err, RPL_ENOENT, "target: table %s no longer in the catalog", cp->o.dst_table);
	}
	rpl_sbuf_fini(&sql);
	free(dc);
	return r;
}

/* copy_count_new: what copy_add_columns would add, for a planned copy */
static int
copy_count_new(struct rpl_copy *cp, struct rpl_err *err)
{
	const struct rpl_column **dc = calloc(cp->st.ncols ? cp->st.ncols : 1, sizeof *dc);
	int r = dc == NULL ? rpl_err_set(err, RPL_ENOMEM, "out of memory")
	                   : rpl_colmap_match(cp->o.map, cp->label, &cp->st, &cp->dt, dc, &cp->n_new, NULL, NULL, err);
	free(dc);
	return r;
}

static void
copy_index_warn(void *data, const char *index, const char *why)
{
	copy_warn(data, NULL, "index %s of the source is not created in the target: %s", index, why);
}

static void
copy_type_warn(void *data, const char *type, const char *why)
{
	copy_warn(data, NULL, "type %s: %s", type, why);
}

/* copy_read_catalogs reads both tables' catalogs, creating a missing target table
 * when asked. */
static int
copy_read_catalogs(struct rpl_copy *cp, struct rpl_err *err)
{
	int r;
	bool exists;
	if ((r = rpl_catalog_read(cp->src, cp->o.src_schema, cp->o.src_table, &cp->st, &exists, err)) < 0)
		return r;
	if (!exists)
		return rpl_err_set(err, RPL_ENOENT, "source: table %s not found", cp->label);
	if ((r = rpl_colmap_source(cp->o.map, cp->label, cp->o.date_column, &cp->st, NULL, NULL, err)) < 0 ||
	    (r = copy_dst_names(cp, err)) < 0)
		return r;
	exists = false;
	if (cp->dst_connected &&
	    (r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) < 0)
		return r;
	cp->dst_exists = exists;
	if (exists && cp->o.map != NULL && cp->o.map->add_new_columns)
		return cp->plan ? copy_count_new(cp, err) : copy_add_columns(cp, err);
	if (!exists) {
		if (!cp->o.create_missing)
			return rpl_err_set(err, RPL_ENOENT, "target: table %s%s%s not found (set load.create_missing_tables to create it)",
			                   cp->o.dst_schema ? cp->o.dst_schema : "", cp->o.dst_schema ? "." : "", cp->o.dst_table);
		if (cp->plan)   /* the dry run prints the CREATE TABLE a run sends here */
			return 0;
		struct rpl_sbuf ddl = RPL_SBUF_INIT;
		int ntypes = 0;
		/* numerics without precision: their values' widths choose a bounded type */
		if ((r = rpl_table_measure(cp->src, cp->dst, cp->o.src_schema, cp->o.src_table, &cp->st, err)) < 0)
			return r;
		copy_sqlgen(cp, false);
		rpl_sqlgen_create_table(&cp->g, &ddl);
		/* the enums and domains its columns are declared with come first (coltypes.h) */
		r = rpl_table_create_types(cp->src, cp->dst, cp->o.src_schema, cp->o.src_table, copy_type_warn, cp,
		                                 &ntypes, err);
		if (r == 0)
			r = rpl_sbuf_ok(&ddl) ? rpl_conn_exec(cp->dst, rpl_sbuf_str(&ddl), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&ddl);
		if (r < 0) {
			rpl_err_prefix(err, "creating target table %s", cp->label);
			return r;
		}
		if ((r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) < 0)
			return r;
		if (!exists)
			return rpl_err_set(err, RPL_ENOENT, "target: table %s created but not visible in the catalog", cp->o.dst_table);
		/* its unique and secondary indexes, to be built after the first load */
		int nidx = 0;
		cp->created = true;
		return rpl_createidx_save(cp->src, cp->o.src_schema, cp->o.src_table, cp->dst, cp->o.dst_schema,
		                          cp->o.dst_table, &cp->dt, copy_index_warn, cp, &nidx, err);
	}
	return 0;
}

bool
rpl_copy_created(const struct rpl_copy *cp)
{
	return cp->created;
}

/* copy_match pairs the columns by name (mapped: colmap.h), both ways, before any row
 * moves: cp->sc[i] goes to cp->dc[i]; then warns of narrower target columns. */
static int
copy_match(struct rpl_copy *cp, struct rpl_err *err)
{
	size_t n = cp->st.ncols ? cp->st.ncols : 1, n_new = 0;
	int r;
	cp->sc = calloc(n, sizeof *cp->sc);
	cp->dc = calloc(n, sizeof *cp->dc);
	if (cp->sc == NULL || cp->dc == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	bool planned_target = cp->plan && !cp->dst_exists;   /* to be created from the source's */
	if (!planned_target &&
	    (r = rpl_colmap_match(cp->o.map, cp->label, &cp->st, &cp->dt, cp->dc, &n_new, copy_note, cp, err)) < 0)
		return r;
	for (size_t i = 0; i < cp->st.ncols; i++) {
		cp->sc[i] = &cp->st.cols[i];
		if (cp->dc[i] == NULL && cp->plan)   /* created, or added by add_new_columns: as the source's */
			cp->dc[i] = cp->sc[i];
		if (cp->dc[i] == NULL) {   /* add_new_columns added it, or the probe did: not seen here */
			r = rpl_err_set(err, RPL_ENOENT, "table %s: column %s is missing in the target", cp->label,
			                cp->sc[i]->name);
			rpl_err_where(err, cp->label, cp->sc[i]->name, -1);
			return r;
		}
	}
	copy_warn_narrower(cp, cp->sc, cp->dc, cp->st.ncols);
	if (cp->o.date_column != NULL && rpl_table_find(&cp->st, cp->o.date_column) == NULL)
		return rpl_err_set(err, RPL_ENOENT, "table %s: date_column %s is not a column of the source", cp->label,
		                   cp->o.date_column);
	return 0;
}

/* copy_geometry refuses, before any row moves, a geometric source column the
 * target's spatial column has no form for (sqlgen.c writes only points). */
static int
copy_geometry(struct rpl_copy *cp, struct rpl_err *err)
{
	size_t geo;
	if (!rpl_sqlgen_geometry_refused(&cp->g, &geo))
		return 0;
	const struct rpl_column *gs = &cp->st.cols[geo];
	int r = rpl_err_set(err, RPL_EINVAL, "table %s: column %s: PostgreSQL's %s has no MariaDB spatial form"
	                    " replicad writes (only point is made a POINT); copy it into a text column",
	                    cp->label, gs->name, gs->decl);
	rpl_err_where(err, cp->label, gs->name, -1);
	return r;
}

/* copy_rules plans the value rules for the layout chosen: the columns whose values
 * no rule can meet are skipped per value (rules.c). */
static int
copy_rules(struct rpl_copy *cp, struct rpl_err *err)
{
	const struct rpl_xbuf *b = &cp->ch.bufs[0];
	cp->rules = (struct rpl_rules){ .dst_dialect = cp->dst->dialect, .truncate_strings = cp->o.truncate_strings,
	                                .placeholder_dates = cp->o.placeholder_dates,
	                                .n_placeholder_dates = cp->o.n_placeholder_dates,
	                                .untyped_source = rpl_table_untyped(cp->src) };
	if ((cp->judged = calloc(b->ncols ? b->ncols : 1, sizeof *cp->judged)) == NULL ||
	    (cp->nul_only = calloc(b->ncols ? b->ncols : 1, sizeof *cp->nul_only)) == NULL ||
	    (cp->watch = calloc(b->ncols ? b->ncols : 1, sizeof *cp->watch)) == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_rules_plan(&cp->rules, b, cp->src->engine, cp->judged, cp->nul_only);
	cp->rules.judged = cp->judged;
	cp->rules.nul_only = cp->nul_only;
	cp->rules.nwatch = rpl_rules_watch(&cp->rules, b, cp->watch, &cp->rules.nnul);
	cp->rules.watch = cp->watch;
	return 0;
}

/* copy_build: rpl_copy_prepare, or with plan rpl_copy_plan */
static int
copy_build(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_copy_opts *o, bool plan, bool connected,
           struct rpl_copy **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_copy *cp = calloc(1, sizeof *cp);
	int r = 0;
	if (cp == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	cp->src = src;
	cp->dst = dst;
	cp->plan = plan;
	cp->dst_connected = connected;
	cp->o = *o;
	cp->o.catalogs_from = NULL;   /* borrowed for this call only */
	cp->buf = &cp->ch.bufs[0];
	snprintf(cp->label, sizeof cp->label, "%s%s%s", o->src_schema ? o->src_schema : "",
	         o->src_schema ? "." : "", o->src_table);
	if (o->catalogs_from != NULL) {
		/* the probe read, checked (and created) both moments ago, on the same
		 * connection strings: reading them again costs ~10 ms a side per worker */
		if ((r = rpl_table_copy(&cp->st, &o->catalogs_from->st, err)) < 0 ||
		    (r = rpl_table_copy(&cp->dt, &o->catalogs_from->dt, err)) < 0 || (r = copy_dst_names(cp, err)) < 0)
			goto out;
		cp->dst_exists = true;
	} else if ((r = copy_read_catalogs(cp, err)) < 0) {
		goto out;
	}
	if ((r = copy_match(cp, err)) < 0 || (r = copy_only(cp, err)) < 0)
		goto out;
	copy_sqlgen(cp, !cp->plan || cp->dst_exists);
	if ((r = copy_geometry(cp, err)) < 0)
		goto out;
	/* A probe (the runner's check on its control connections) opens no native path:
	 * each libpq connection is another TCP handshake and SCRAM exchange, and each
	 * worker opens its own anyway. */
	struct rpl_choose_in in = { .label = cp->label, .g = &cp->g, .sc = cp->sc, .dc = cp->dc, .ncols = cp->st.ncols,
	                            .chunk_bytes = o->chunk_bytes, .odbc_only = o->bulk_odbc || o->probe,
	                            .text_copy = o->text_copy, .dry = cp->plan };
	if ((r = rpl_choose(src, dst, &in, &cp->ch, err)) < 0)
		goto out;
	cp->chosen = true;
	cp->buf = &cp->ch.bufs[0];
	r = copy_rules(cp, err);
out:
	if (r < 0)
		rpl_copy_free(cp);
	else
		*out = cp;
	return r;
}

int
rpl_copy_prepare(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_copy_opts *o,
                 struct rpl_copy **out, struct rpl_err *err)
{
	return copy_build(src, dst, o, false, true, out, err);
}

int
rpl_copy_plan(struct rpl_conn *src, struct rpl_conn *dst, bool dst_connected, const struct rpl_copy_opts *o,
              struct rpl_copy **out, struct rpl_err *err)
{
	return copy_build(src, dst, o, true, dst_connected, out, err);
}

const struct rpl_choice *rpl_copy_choice(const struct rpl_copy *cp) { return &cp->ch; }
const struct rpl_sqlgen *rpl_copy_sqlgen(const struct rpl_copy *cp) { return &cp->g; }
const struct rpl_table *rpl_copy_table(const struct rpl_copy *cp, bool target) { return target ? &cp->dt : &cp->st; }

bool
rpl_copy_target_exists(const struct rpl_copy *cp, size_t *n_new)
{
	*n_new = cp->n_new;
	return cp->dst_exists;
}

size_t rpl_copy_rows_per_chunk(const struct rpl_copy *cp) { return cp->ch.bufs[0].rows; }

void
rpl_copy_free(struct rpl_copy *cp)
{
	if (cp == NULL)
		return;
	rpl_table_fini(&cp->st);
	rpl_table_fini(&cp->dt);
	if (cp->chosen)
		rpl_choice_fini(&cp->ch);
	free(cp->sc);
	free(cp->dc);
	free(cp->dst_names);
	free(cp->judged);
	free(cp->nul_only);
	free(cp->watch);
	free(cp);
}

