/* lib/core/copy.c: the partition loop (DESIGN in copy.h). SQL text comes from the
 * dialects; the buffer from xfer.c; the value rules from rules.c. */
#include "copy.h"
#include "coltypes.h"
#include "createidx.h"
#include "colmap.h"
#include "pg_inherit.h"
#include "dialect.h"
#include "sqlgen.h"
#include "jsonw.h"
#include "log.h"
#include "pg_sink.h"
#include "sqlite_sink.h"
#include "sqlite_source.h"
#include "odbc_slices.h"
#include "mariadb_sink.h"
#include "mariadb_source.h"
#include "pg_binary.h"
#include "pg_source.h"
#include "refusal.h"
#include "reject.h"
#include "sbuf.h"
#include "typedecl.h"
#include "xfer.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct rpl_copy {
	struct rpl_conn *src, *dst;           /* borrowed */
	struct rpl_copy_opts o;               /* strings borrowed */
	struct rpl_table st, dt;              /* owned catalogs */
	const struct rpl_column **sc, **dc;   /* owned arrays: source column i goes to target column dc[i] */
	bool ool;                             /* the buffers keep text and binary values out of line */
	unsigned lite_flags;                  /* RPL_XFER_*_LIB: the layout's SQLite sides */
	struct rpl_xbuf bufs[2];              /* owned: the reader fills one while the writer sends the other */
	struct rpl_xbuf *buf;                 /* the one the writer works on (bufs[0] outside a partition) */
	struct rpl_rules rules;
	bool *judged;                         /* owned: rules.judged */
	char label[300];                      /* the table as users name it */
	struct rpl_sqlgen g;                  /* every statement's text (sqlgen.c) */
	struct rpl_sbuf insert_sql;
	bool row_by_row;                      /* target cannot take parameter arrays */
	bool has_binary;                      /* row_by_row re-binds binary columns */
	bool colwise;                         /* the target takes column-wise arrays (xfer.h) */
	struct rpl_xcols xcols;               /* owned when colwise */
	/* Keyset slices: MariaDB Connector/ODBC 3.1 holds a whole result set in memory
	 * (DRIVERS.md), so a partition is read as ORDER BY pk LIMIT n slices, each after
	 * the last key of the one before, the next one executed on a second source
	 * connection while this one is fetched (odbc_slices.h). */
	size_t slice_rows;                    /* 0: one SELECT per partition */
	size_t *pk_cols;                      /* owned; buffer columns of the key, in key order */
	int npk;
	struct rpl_conn src2;                 /* owned once opened: the slices' second connection */
	enum { SRC2_NONE, SRC2_OPEN, SRC2_FAILED } src2_state;
	struct rpl_pgsink *pg;                /* owned; PostgreSQL target: COPY instead of INSERT */
	struct rpl_pgsource *pgsrc;           /* owned; PostgreSQL source: COPY TO instead of a cursor */
	bool pgsrc_binary;                    /* that COPY in the binary format (pg_binread.h) */
	struct rpl_litesink *lite;            /* owned; SQLite target: the SQLite library, not sqliteodbc */
	struct rpl_litesource *litesrc;       /* owned; SQLite source: the SQLite library */
	struct rpl_myload *myload;            /* owned; MariaDB target: LOAD DATA instead of arrays */
	struct rpl_mysource *mysrc;           /* owned; MariaDB source: libmariadb, streamed (no slices) */
	struct rpl_sbuf copy_sql;             /* the COPY sink's COPY, or the LOAD DATA */
	bool created;                         /* this copy created the target table (createidx.h) */
	const char **dst_names;               /* owned array (names borrowed from st and o.map):
	                                       * the target name of each source column */
	bool only;                            /* SELECT … FROM ONLY (copy_only) */
	bool split;                           /* the partition's COPY was refused: it is loaded
	                                       * again in COPYs split around the refused rows */
};

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
	                                 "wrong_type", "zero_date" };
	return (unsigned)r < RPL_NRULES ? n[r] : "?";
}

static int64_t
now_ms(void)
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

/* copy_is_narrower: can target column d not hold every value of source column s? */
static bool
copy_is_narrower(const struct rpl_copy *cp, const struct rpl_column *s, const struct rpl_column *d)
{
	if (s->cls == RPL_CLASS_INT && d->cls == RPL_CLASS_INT)
		return d->int_bytes < s->int_bytes;
	if ((s->cls == RPL_CLASS_TEXT || s->cls == RPL_CLASS_BINARY) && d->cls == s->cls)
		return !d->is_long && d->size > 0 && (s->is_long || s->size > d->size);
	if (s->cls == RPL_CLASS_DECIMAL && d->cls == RPL_CLASS_DECIMAL)
		return d->size > 0 && (s->size == 0 || d->size - d->scale < s->size - s->scale || d->scale < s->scale);
	/* (SQLite keeps timestamps as text: its precision is whatever each value has) */
	if (s->cls == RPL_CLASS_TIMESTAMP && d->cls == RPL_CLASS_TIMESTAMP)
		return d->scale < s->scale && cp->dst->engine != RPL_ENGINE_SQLITE && cp->src->engine != RPL_ENGINE_SQLITE;
	return false;
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
		if (dc[i] == NULL || !copy_is_narrower(cp, sc[i], dc[i]))
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
		.dst_names = cp->dst_names, .only = cp->only,
	};
}

/* copy_only: tables[].inherited false reads a PostgreSQL inheritance parent's own
 * rows; a partitioned table has none of its own (FROM ONLY would read nothing), so it
 * is read whole whatever the setting (docs/engines.md). */
static int
copy_only(struct rpl_copy *cp, struct rpl_err *err)
{
	bool partitioned = false;
	int r = 0;
	if (!cp->o.only_parent || cp->src->engine != RPL_ENGINE_POSTGRES)
		return 0;
	if ((r = rpl_pginherit_partitioned(cp->src, cp->o.src_schema, cp->o.src_table, &partitioned, err)) < 0)
		return r;
	cp->only = !partitioned;
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
	if (r == 0 && n_new > 0) {
		rpl_table_fini(&cp->dt);
		if ((r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) == 0 && !exists)
			r = rpl_err_set(err, RPL_ENOENT, "target: table %s no longer in the catalog", cp->o.dst_table);
	}
	rpl_sbuf_fini(&sql);
	free(dc);
	return r;
}

static int
copy_plan_slices(struct rpl_copy *cp, struct rpl_err *err)
{
	cp->pk_cols = calloc((size_t)cp->st.npk, sizeof *cp->pk_cols);
	if (cp->pk_cols == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (int k = 1; k <= cp->st.npk; k++)
		for (size_t i = 0; i < cp->buf->ncols; i++)
			if (cp->buf->cols[i].src->pk_pos == k)
				cp->pk_cols[cp->npk++] = i;
	/* two chunks per slice: the driver's copy of a slice stays near our own buffer */
	cp->slice_rows = cp->buf->rows * 2 < 1000 ? 1000 : cp->buf->rows * 2;
	return 0;
}

/* copy_layout lays out both buffers (and the column arrays of a MariaDB target's
 * parameter arrays, which need every value in line); with ool, text and binary values are
 * kept out of line. Only between partitions: the reader thread is not running. */
static int
copy_layout(struct rpl_copy *cp, bool ool, struct rpl_err *err)
{
	int r = 0;
	for (int k = 0; k < 2 && r == 0; k++) {
		rpl_xbuf_fini(&cp->bufs[k]);
		r = rpl_xbuf_layout(&cp->bufs[k], cp->sc, cp->dc, cp->st.ncols, cp->src->engine, cp->dst->engine,
		                    cp->lite_flags | (ool ? RPL_XFER_OOL : 0) |
		                    (cp->src->engine == RPL_ENGINE_MARIADB && cp->mysrc == NULL ? RPL_XFER_SRC_MYODBC : 0),
		                    cp->o.chunk_bytes, err);
	}
	rpl_xcols_fini(&cp->xcols);
	cp->ool = false;
	cp->has_binary = false;
	for (size_t i = 0; r == 0 && i < cp->bufs[0].ncols; i++) {
		cp->ool = cp->ool || cp->bufs[0].cols[i].ool;
		cp->has_binary = cp->has_binary || cp->bufs[0].cols[i].c_type == SQL_C_BINARY;
	}
	if (r == 0 && cp->colwise && !cp->ool)
		r = rpl_xcols_init(&cp->xcols, &cp->bufs[0], err);
	cp->buf = &cp->bufs[0];
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
	if ((r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) < 0)
		return r;
	if (exists && cp->o.map != NULL && cp->o.map->add_new_columns)
		return copy_add_columns(cp, err);
	if (!exists) {
		if (!cp->o.create_missing)
			return rpl_err_set(err, RPL_ENOENT, "target: table %s%s%s not found (set load.create_missing_tables to create it)",
			                   cp->o.dst_schema ? cp->o.dst_schema : "", cp->o.dst_schema ? "." : "", cp->o.dst_table);
		struct rpl_sbuf ddl = RPL_SBUF_INIT;
		int ntypes = 0;
		copy_sqlgen(cp, false);
		rpl_sqlgen_create_table(&cp->g, &ddl);
		/* the enums and domains its columns are declared with come first (coltypes.h) */
		r = rpl_coltypes_pg_create_types(cp->src, cp->dst, cp->o.src_schema, cp->o.src_table, copy_type_warn, cp,
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

/* copy_check_mysource keeps the libmariadb source only if it converts every column
 * (mariadb_source.h); otherwise the copy reads through ODBC, in keyset slices, with the
 * layout that path needs. */
static int
copy_check_mysource(struct rpl_copy *cp, bool value_sink, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct rpl_range all = { .all = true };
	char why[300] = "";
	bool ok = false;
	struct rpl_err e = RPL_ERR_INIT;
	rpl_sqlgen_select(&cp->g, &all, &sql);
	if (!rpl_sbuf_ok(&sql)) {
		rpl_sbuf_fini(&sql);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	int r = rpl_mysource_check(cp->mysrc, sql.s, &cp->bufs[0], &ok, why, sizeof why, &e);
	rpl_sbuf_fini(&sql);
	if (r == 0 && ok)
		return 0;
	if (r < 0)   /* the server refused to prepare it (max_prepared_stmt_count, a proxy): ODBC can still read */
		rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s the MariaDB client library cannot read it (%s); reading through ODBC",
		        cp->label, e.msg);
	else
		rpl_log(RPL_LOG_INFO, RPL_LOG_LOADER, "table=%s the source is read through ODBC: %s", cp->label, why);
	rpl_mysource_close(cp->mysrc);
	cp->mysrc = NULL;
	return copy_layout(cp, (cp->pgsrc != NULL || cp->litesrc != NULL) && value_sink, err);
}

int
rpl_copy_prepare(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_copy_opts *o,
                 struct rpl_copy **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_copy *cp = calloc(1, sizeof *cp);
	const struct rpl_column **sc = NULL, **dc = NULL;
	int r = 0;
	if (cp == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	cp->src = src;
	cp->dst = dst;
	cp->o = *o;
	cp->o.catalogs_from = NULL;   /* borrowed for this call only */
	snprintf(cp->label, sizeof cp->label, "%s%s%s", o->src_schema ? o->src_schema : "",
	         o->src_schema ? "." : "", o->src_table);
	if (o->catalogs_from != NULL) {
		/* the probe read, checked (and created) both moments ago, on the same
		 * connection strings: reading them again costs ~10 ms a side per worker */
		if ((r = rpl_table_copy(&cp->st, &o->catalogs_from->st, err)) < 0 ||
		    (r = rpl_table_copy(&cp->dt, &o->catalogs_from->dt, err)) < 0 || (r = copy_dst_names(cp, err)) < 0)
			goto out;
	} else if ((r = copy_read_catalogs(cp, err)) < 0) {
		goto out;
	}
	/* match columns by name (mapped: colmap.h), both ways, before any row moves */
	sc = calloc(cp->st.ncols ? cp->st.ncols : 1, sizeof *sc);
	dc = calloc(cp->st.ncols ? cp->st.ncols : 1, sizeof *dc);
	if (sc == NULL || dc == NULL) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	size_t n_new = 0;
	if ((r = rpl_colmap_match(o->map, cp->label, &cp->st, &cp->dt, dc, &n_new, copy_note, cp, err)) < 0)
		goto out;
	for (size_t i = 0; i < cp->st.ncols; i++) {
		sc[i] = &cp->st.cols[i];
		if (dc[i] == NULL) {   /* add_new_columns added it, or the probe did: not seen here */
			r = rpl_err_set(err, RPL_ENOENT, "table %s: column %s is missing in the target", cp->label, sc[i]->name);
			rpl_err_where(err, cp->label, sc[i]->name, -1);
			goto out;
		}
	}
	copy_warn_narrower(cp, sc, dc, cp->st.ncols);
	if (o->date_column != NULL) {
		const struct rpl_column *ds = rpl_table_find(&cp->st, o->date_column);
		if (ds == NULL) {
			r = rpl_err_set(err, RPL_ENOENT, "table %s: date_column %s is not a column of the source", cp->label, o->date_column);
			goto out;
		}
	}
	/* which SQLite sides go through the library decides the layout (doubles), so it
	 * is settled here, before the native paths are opened below */
	unsigned lite = rpl_xfer_lite_flags(src->engine, src->connstr, dst->engine, dst->connstr, o->bulk_odbc);
	/* A probe (the runner's check on its control connections) would only open and
	 * close the native paths: each libpq connection is another TCP handshake and
	 * SCRAM exchange, and each worker opens its own anyway. */
	bool native = !o->bulk_odbc && !o->probe;
	if (o->probe)
		lite = 0;
	cp->buf = &cp->bufs[0];
	if ((r = copy_only(cp, err)) < 0)
		goto out;
	copy_sqlgen(cp, true);
	if (src->engine == RPL_ENGINE_POSTGRES && native &&
	    (r = rpl_pgsource_open(src->connstr, src->secret, &cp->pgsrc, err)) < 0)
		goto out;
	if (src->engine == RPL_ENGINE_MARIADB && native) {
		/* another connection of the source user's: where the server allows no more
		 * (max_user_connections), the ODBC connection already open reads instead */
		struct rpl_err e = RPL_ERR_INIT;
		if (rpl_mysource_open(src->connstr, src->secret, &cp->mysrc, &e) < 0)
			rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s the MariaDB client library could not connect (%s); reading through ODBC",
			        cp->label, e.msg);
	}
	if (lite & RPL_XFER_SRC_LIB) {
		if ((r = rpl_litesource_open(src->connstr, &cp->litesrc, err)) < 0)
			goto out;
		cp->g.native_read = cp->litesrc != NULL;
	}
	if (dst->engine == RPL_ENGINE_POSTGRES && native &&
	    (r = rpl_pgsink_open(dst->connstr, dst->secret, &cp->pg, err)) < 0)
		goto out;
	if ((lite & RPL_XFER_DST_LIB) && (r = rpl_litesink_open(dst->connstr, &cp->lite, err)) < 0)
		goto out;
	if (((lite & RPL_XFER_DST_LIB) && cp->lite == NULL) || ((lite & RPL_XFER_SRC_LIB) && cp->litesrc == NULL)) {
		r = rpl_err_set(err, RPL_EINVAL, "SQLite: no Database= file to open");   /* the layout assumed one */
		goto out;
	}
	if (dst->engine == RPL_ENGINE_MARIADB && native && (r = rpl_myload_new(dst, &cp->myload, err)) < 0)
		goto out;
	/* through sqliteodbc (a DSN, or load.bulk "odbc"): it gives every binary value in
	 * an array the first row's length (DRIVERS.md) and runs arrays row by row anyway */
	cp->row_by_row = dst->engine == RPL_ENGINE_SQLITE;
	cp->colwise = dst->engine == RPL_ENGINE_MARIADB;
	cp->sc = sc;
	cp->dc = dc;
	cp->lite_flags = lite;
	sc = dc = NULL;
	/* out-of-line values need a source that fills the buffer itself and a target
	 * that reads it value by value (xfer.h) */
	bool value_sink = cp->pg != NULL || cp->lite != NULL || cp->myload != NULL;
	if ((r = copy_layout(cp, (cp->pgsrc != NULL || cp->litesrc != NULL || cp->mysrc != NULL) && value_sink,
	                     err)) < 0)
		goto out;
	if (cp->mysrc != NULL && (r = copy_check_mysource(cp, value_sink, err)) < 0)
		goto out;
	rpl_sqlgen_insert(&cp->g, &cp->insert_sql);
	cp->pgsrc_binary = cp->pgsrc != NULL && !o->text_copy && rpl_pgbinary_usable(&cp->bufs[0], true);
	if (src->engine == RPL_ENGINE_MARIADB && cp->mysrc == NULL && cp->st.npk > 0 &&
	    (r = copy_plan_slices(cp, err)) < 0)
		goto out;
	if (cp->pg != NULL) {     /* NULL for a DSN (pg_sink.h): INSERT arrays through ODBC */
		rpl_sqlgen_copy_in(&cp->g, &cp->copy_sql);
		/* binary when every column has a binary form (pg_binary.h); text_copy keeps
		 * the text format (benchmarks, and a way out) */
		if (!o->text_copy && rpl_pgbinary_usable(&cp->bufs[0], false)) {
			rpl_pgsink_set_binary(cp->pg, true);
			rpl_sbuf_add(&cp->copy_sql, " (FORMAT binary)");
		}
	}
	for (int k = 0; cp->myload != NULL && k < 2 && r == 0; k++) {
		rpl_sbuf_reset(&cp->copy_sql);
		rpl_sqlgen_load_data(&cp->g, rpl_myload_path(cp->myload, k), &cp->copy_sql);
		r = rpl_sbuf_ok(&cp->copy_sql) ? rpl_myload_set_sql(cp->myload, k, cp->copy_sql.s, err)
		                               : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	if (r < 0)
		goto out;
	cp->rules = (struct rpl_rules){ .dst_dialect = dst->dialect, .truncate_strings = o->truncate_strings,
	                                .placeholder_dates = o->placeholder_dates,
	                                .n_placeholder_dates = o->n_placeholder_dates,
	                                .untyped_source = src->engine == RPL_ENGINE_SQLITE };
	/* the columns whose values no rule can meet are skipped per value (rules.c) */
	if (r == 0 && (cp->judged = calloc(cp->bufs[0].ncols ? cp->bufs[0].ncols : 1, sizeof *cp->judged)) == NULL)
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0) {
		rpl_rules_plan(&cp->rules, &cp->bufs[0], src->engine, cp->judged);
		cp->rules.judged = cp->judged;
	}
	if (!rpl_sbuf_ok(&cp->insert_sql) || !rpl_sbuf_ok(&cp->copy_sql))
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
out:
	free(sc);
	free(dc);
	if (r < 0)
		rpl_copy_free(cp);
	else
		*out = cp;
	return r;
}

size_t rpl_copy_rows_per_chunk(const struct rpl_copy *cp) { return cp->bufs[0].rows; }

void
rpl_copy_free(struct rpl_copy *cp)
{
	if (cp == NULL)
		return;
	rpl_table_fini(&cp->st);
	rpl_table_fini(&cp->dt);
	rpl_xbuf_fini(&cp->bufs[0]);
	rpl_xbuf_fini(&cp->bufs[1]);
	rpl_xcols_fini(&cp->xcols);
	free(cp->sc);
	free(cp->dc);
	free(cp->dst_names);
	rpl_sbuf_fini(&cp->insert_sql);
	free(cp->pk_cols);
	free(cp->judged);
	if (cp->src2_state == SRC2_OPEN)
		rpl_conn_close(&cp->src2);
	rpl_pgsink_close(cp->pg);
	rpl_pgsource_close(cp->pgsrc);
	rpl_litesink_close(cp->lite);
	rpl_litesource_close(cp->litesrc);
	rpl_myload_free(cp->myload);
	rpl_mysource_close(cp->mysrc);
	rpl_sbuf_fini(&cp->copy_sql);
	free(cp);
}

/* slice_sql: the partition's SELECT; keyed, only rows after a key given as
 * parameters (keyset slices, MariaDB sources: see struct rpl_copy). */
static void
slice_sql(struct rpl_copy *cp, const struct rpl_range *range, bool keyed, struct rpl_sbuf *sql)
{
	rpl_sbuf_reset(sql);
	if (cp->slice_rows == 0)
		rpl_sqlgen_select(&cp->g, range, sql);
	else
		rpl_sqlgen_slice(&cp->g, range, keyed, cp->slice_rows, sql);
}

/* slices_conn: the second source connection of keyset slices, opened at the first
 * partition that needs one. When it cannot be opened (the server's connection limit,
 * say) the slices run one after another on the first, with a warning. */
static struct rpl_conn *
slices_conn(struct rpl_copy *cp)
{
	if (cp->src2_state == SRC2_NONE) {
		struct rpl_err e = RPL_ERR_INIT;
		if (rpl_conn_open(&cp->src2, cp->src->side, cp->src->connstr, cp->src->secret, &e) == 0) {
			cp->src2_state = SRC2_OPEN;
		} else {
			cp->src2_state = SRC2_FAILED;
			rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s a second source connection failed (%s); reading slices one after another",
			        cp->label, e.msg);
		}
	}
	return cp->src2_state == SRC2_OPEN ? &cp->src2 : cp->src;
}

/* The value rules of a chunk are judged on the reader's thread, right after the
 * fetch: the writer (rules and inserts) was the busier of the two threads, by
 * 1.9 G to 1.1 G instructions on a SQLite->SQLite copy. The rules change only the
 * chunk's own buffer, which the reader owns until it posts the slot; what the
 * writer must do with the result (count, reject, drop rows) travels with the
 * slot, and the writer does it in row order as before. */
struct rejection {
	size_t row, col;
	enum rpl_rule rule;
	char why[300];
};
struct verdicts {
	int64_t nulled[RPL_NRULES];   /* values a rule set to NULL (or truncated) */
	int64_t bytes;                /* bytes of the chunk's values */
	struct rejection *rej;        /* owned, in row order */
	size_t nrej, cap;
};

/* The reader: a thread per partition that fetches chunks into the buffer the writer
 * is not using, so reading the next chunk overlaps sending this one (DESIGN.md
 * "The data path" step 6). It owns the source side: the statement, keyset slices,
 * the COPY source. Handover is a two-slot ring under one mutex; the writer frees a
 * slot after sending it. An error or the end is posted like a chunk (n = 0). */
struct reader {
	struct rpl_copy *cp;
	const struct rpl_range *range;
	struct rpl_sbuf sql;          /* owned: the SELECT (the first slice's) */
	struct rpl_sbuf keyed_sql;    /* owned: a keyset slice's SELECT */
	SQLHSTMT sel;                 /* owned; one SELECT through ODBC, no slices */
	struct rpl_keyslices *ks;     /* owned; keyset slices */
	SQLULEN fetched;
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool full[2];                 /* slot k holds a chunk (or the end) for the writer */
	size_t n[2];
	bool stop;                    /* the writer gave up: fetch no more */
	int rc;                       /* < 0: err holds why the reading stopped */
	struct rpl_err err;
	struct verdicts vd[2];        /* slot k's value rules, judged by the reader */
	int64_t read;                 /* rows fetched before the current chunk */
};

/* reader_fetch fills b with the next chunk of the partition; *n = 0 at the end. */
static int
reader_fetch(struct reader *rd, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	struct rpl_copy *cp = rd->cp;
	*n = 0;
	b->heap_len = 0;
	if (cp->pgsrc != NULL)
		return rpl_pgsource_fetch(cp->pgsrc, b, n, err);
	if (cp->litesrc != NULL)
		return rpl_litesource_fetch(cp->litesrc, b, n, err);
	if (cp->mysrc != NULL)
		return rpl_mysource_fetch(cp->mysrc, b, n, err);
	if (rd->ks != NULL)
		return rpl_keyslices_fetch(rd->ks, b, n, err);
	rd->fetched = 0;
	if (rpl_xbuf_bind_cols(b, rd->sel, &rd->fetched) < 0)
		return rpl_conn_fail(cp->src, rd->sel, err, "binding the block cursor");
	SQLRETURN rc = SQLFetchScroll(rd->sel, SQL_FETCH_NEXT, 0);
	if (rc == SQL_NO_DATA)
		return 0;
	if (!SQL_SUCCEEDED(rc))
		return rpl_conn_fail(cp->src, rd->sel, err, "fetch");
	*n = rd->fetched;
	return 0;
}

/* overflow_error: a value longer than its buffer, never cut silently. */
static int
overflow_error(const struct rpl_copy *cp, const struct rpl_xcol *x, SQLLEN ind, SQLLEN room, int64_t row,
               struct rpl_err *err)
{
	rpl_err_set(err, RPL_ECONVERT, "table %s: column %s: a value of %ld bytes is longer than the %ld-byte buffer replicad sized from the catalog (%s %ld); raise load.chunk_bytes",
	            cp->label, x->src->name, (long)ind, (long)room, x->src->type_name, x->src->size);
	rpl_err_where(err, cp->label, x->src->name, row);
	return err->code;
}

/* reader_judge checks the chunk's n rows against their buffers and applies the
 * value rules to each (see struct verdicts); on the reader's thread. One pass,
 * row by row: the buffer is larger than the cache, and a pass per column (or one
 * for the sizes, another for the rules) read it again from memory, 9 % of a
 * PostgreSQL -> PostgreSQL copy's samples (perf). */
static int
reader_judge(struct reader *rd, struct rpl_xbuf *b, size_t n, struct verdicts *vd, struct rpl_err *err)
{
	memset(vd->nulled, 0, sizeof vd->nulled);
	vd->bytes = 0;
	vd->nrej = 0;
	for (size_t row = 0; row < n; row++) {
		const unsigned char *base = b->data + row * b->row_size;
		for (size_t c = 0; c < b->ncols; c++) {
			const struct rpl_xcol *x = &b->cols[c];
			SQLLEN ind = *(const SQLLEN *)(const void *)(base + x->ind_off);
			if (x->c_type != SQL_C_CHAR && x->c_type != SQL_C_BINARY) {
				vd->bytes += ind == SQL_NULL_DATA ? 0 : x->width;
				continue;
			}
			vd->bytes += ind > 0 ? ind : 0;
			if (x->ool)        /* no room to overflow */
				continue;
			SQLLEN room = x->c_type == SQL_C_CHAR ? x->width - 1 : x->width;
			if (ind > room || ind == SQL_NO_TOTAL)
				return overflow_error(rd->cp, x, ind, room, rd->read + (int64_t)row, err);
		}
		enum rpl_rule rule;
		size_t col;
		char why[sizeof vd->rej->why];
		if (rpl_rules_apply(&rd->cp->rules, b, row, vd->nulled, &rule, &col, why, sizeof why) == 0)
			continue;
		if (vd->nrej == vd->cap) {
			size_t cap = vd->cap ? vd->cap * 2 : 16;
			struct rejection *nr = realloc(vd->rej, cap * sizeof *nr);
			if (nr == NULL)
				return rpl_err_set(err, RPL_ENOMEM, "out of memory for rejected rows");
			vd->rej = nr;
			vd->cap = cap;
		}
		struct rejection *x = &vd->rej[vd->nrej++];
		x->row = row, x->col = col, x->rule = rule;
		memcpy(x->why, why, sizeof why);
	}
	return 0;
}

static void *
reader_main(void *arg)
{
	struct reader *rd = arg;
	for (int k = 0;; k ^= 1) {
		pthread_mutex_lock(&rd->mu);
		while (rd->full[k] && !rd->stop)
			pthread_cond_wait(&rd->cv, &rd->mu);
		bool stop = rd->stop;
		pthread_mutex_unlock(&rd->mu);
		if (stop)
			break;
		size_t n = 0;
		struct rpl_err e = RPL_ERR_INIT;
		int r = reader_fetch(rd, &rd->cp->bufs[k], &n, &e);
		if (r == 0 && n > 0)
			r = reader_judge(rd, &rd->cp->bufs[k], n, &rd->vd[k], &e);
		rd->read += (int64_t)n;
		pthread_mutex_lock(&rd->mu);
		if (r < 0) {
			rd->rc = r;
			rd->err = e;
		}
		rd->full[k] = true;
		rd->n[k] = r < 0 ? 0 : n;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		if (r < 0 || n == 0)
			break;
	}
	return NULL;
}

/* reader_start runs the partition's SELECT (or COPY) and starts the thread. */
static int
reader_start(struct reader *rd, struct rpl_copy *cp, const struct rpl_range *range, struct rpl_err *err)
{
	memset(rd, 0, sizeof *rd);
	rd->cp = cp;
	rd->range = range;
	rd->sel = SQL_NULL_HSTMT;
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->cv, NULL);
	slice_sql(cp, range, false, &rd->sql);
	if (!rpl_sbuf_ok(&rd->sql))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r;
	if (cp->pgsrc != NULL) {
		if ((r = rpl_pgsource_start(cp->pgsrc, rd->sql.s, cp->pgsrc_binary, err)) < 0)
			return r;
	} else if (cp->litesrc != NULL) {
		if ((r = rpl_litesource_start(cp->litesrc, rd->sql.s, err)) < 0)
			return r;
	} else if (cp->mysrc != NULL) {
		if ((r = rpl_mysource_start(cp->mysrc, rd->sql.s, &cp->bufs[0], err)) < 0)
			return r;
	} else if (cp->slice_rows > 0) {
		slice_sql(cp, range, true, &rd->keyed_sql);
		if (!rpl_sbuf_ok(&rd->keyed_sql))
			return rpl_err_set(err, RPL_ENOMEM, "out of memory");
		struct rpl_keyslices_def d = {
			.conn = { cp->src, slices_conn(cp) }, .first_sql = rd->sql.s, .keyed_sql = rd->keyed_sql.s,
			.slice_rows = cp->slice_rows, .layout = &cp->bufs[0], .pk_cols = cp->pk_cols, .npk = cp->npk,
		};
		if ((r = rpl_keyslices_start(&d, &rd->ks, err)) < 0)
			return r;
	} else {
		if ((r = rpl_conn_stmt(cp->src, &rd->sel, err)) < 0)
			return r;
		if (rpl_xbuf_bind_cols(&cp->bufs[0], rd->sel, &rd->fetched) < 0)
			return rpl_conn_fail(cp->src, rd->sel, err, "binding the block cursor");
		if (!SQL_SUCCEEDED(SQLExecDirect(rd->sel, (SQLCHAR *)rd->sql.s, SQL_NTS)))
			return rpl_conn_fail(cp->src, rd->sel, err, "select");
	}
	if (pthread_create(&rd->th, NULL, reader_main, rd) != 0)
		return rpl_err_set(err, RPL_ENOMEM, "cannot start the reader thread");
	rd->started = true;
	return 0;
}

/* reader_next waits for chunk slot k; *n = 0 at the end; the reader's error on failure. */
static int
reader_next(struct reader *rd, int k, size_t *n, struct rpl_err *err)
{
	pthread_mutex_lock(&rd->mu);
	while (!rd->full[k])
		pthread_cond_wait(&rd->cv, &rd->mu);
	*n = rd->n[k];
	int r = rd->rc;
	if (r < 0)
		*err = rd->err;
	pthread_mutex_unlock(&rd->mu);
	return r < 0 && *n == 0 ? r : 0;
}

static void
reader_release(struct reader *rd, int k)
{
	pthread_mutex_lock(&rd->mu);
	rd->full[k] = false;
	pthread_cond_broadcast(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
}

/* reader_finish stops and joins the thread and frees the statement. */
static void
reader_finish(struct reader *rd)
{
	if (rd->started) {
		pthread_mutex_lock(&rd->mu);
		rd->stop = true;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		pthread_join(rd->th, NULL);
	}
	if (rd->sel != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, rd->sel);
	rd->sel = SQL_NULL_HSTMT;
	rpl_keyslices_stop(rd->ks);
	rd->ks = NULL;
	rpl_sbuf_fini(&rd->sql);
	rpl_sbuf_fini(&rd->keyed_sql);
	free(rd->vd[0].rej);
	free(rd->vd[1].rej);
	rd->vd[0].rej = rd->vd[1].rej = NULL;
	pthread_mutex_destroy(&rd->mu);
	pthread_cond_destroy(&rd->cv);
	rd->started = false;
}

/* the per-partition state of one run of the loop */
struct part {
	struct rpl_copy *cp;
	const struct rpl_range *range;
	struct rpl_part_account *acc;
	SQLHSTMT ins;
	SQLULEN offset;          /* PARAM_BIND_OFFSET_PTR target */
	SQLUSMALLINT *pstatus;   /* PARAM_STATUS_PTR: per-row result of an array execute */
	SQLULEN processed;       /* PARAMS_PROCESSED_PTR */
	bool copying;            /* a COPY is open on the sink */
	int bound;               /* which of the two buffers the INSERT's parameters point at */
	char label[64];
	const char *constraint;  /* borrowed; the constraint a server refusal names, for part_reject */
	int64_t committed;       /* acc->written as of the last commit: what a rollback keeps */
};

static int
part_reject(struct part *p, size_t row, enum rpl_rule rule, size_t col, const char *why, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	p->acc->rejected++;
	p->acc->rejected_by[rule]++;
	if (cp->o.rejects == NULL)
		return 0;
	struct rpl_sbuf key = RPL_SBUF_INIT, vals = RPL_SBUF_INIT;
	rpl_sbuf_addc(&key, '{');
	rpl_sbuf_addc(&vals, '{');
	bool firstk = true;
	for (size_t c = 0; c < cp->buf->ncols; c++) {
		const char *name = cp->buf->cols[c].src->name;
		struct rpl_sbuf *targets[2] = { &vals, cp->buf->cols[c].src->pk_pos > 0 ? &key : NULL };
		for (int t = 0; t < 2 && targets[t] != NULL; t++) {
			struct rpl_sbuf *b = targets[t];
			if (t == 1 ? !firstk : c > 0)
				rpl_sbuf_addc(b, ',');
			if (t == 1)
				firstk = false;
			rpl_json_str(b, name, strlen(name));
			rpl_sbuf_addc(b, ':');
			rpl_xbuf_value_json(cp->buf, row, c, b);
		}
	}
	rpl_sbuf_addc(&key, '}');
	rpl_sbuf_addc(&vals, '}');
	const char *colname = col < cp->buf->ncols ? cp->buf->cols[col].src->name : NULL;
	int r = rpl_reject_write_constraint(cp->o.rejects, cp->label, p->label, colname, p->constraint,
	                                    rpl_rule_name(rule), why, rpl_sbuf_str(&key), rpl_sbuf_str(&vals), err);
	rpl_sbuf_fini(&key);
	rpl_sbuf_fini(&vals);
	return r;
}

/* server_column: the buffer column the target's refusal of row `row` is about, or
 * (size_t)-1. From the server's words (refusal.h): column, set by the COPY sink from
 * PostgreSQL's error fields or context (issue #15: PostgreSQL refusals had
 * "column": null), else the message. */
static size_t
server_column(struct part *p, const char *column, const char *msg)
{
	struct rpl_copy *cp = p->cp;
	char name[128] = "";
	if (column != NULL && column[0] != '\0') {
		snprintf(name, sizeof name, "%s", column);
	} else if (!rpl_refusal_column(msg, name, sizeof name)) {
		name[0] = '\0';
	}
	for (size_t c = 0; name[0] != '\0' && c < cp->buf->ncols; c++)
		if (strcasecmp(cp->buf->cols[c].dst->name, name) == 0)
			return c;
	return (size_t)-1;
}

/* part_exec sends rows [first, first+n) of the buffer. */
static SQLRETURN
part_exec(struct part *p, size_t first, size_t n)
{
	struct rpl_xbuf *b = p->cp->buf;
	if (p->cp->row_by_row) {
		/* sqliteodbc ignores PARAM_BIND_OFFSET_PTR: parameters are bound to the
		 * scratch row and each row is copied there before its execute */
		unsigned char *scratch = b->data + b->rows * b->row_size;
		p->offset = 0;
		for (size_t i = 0; i < n; i++) {
			memcpy(scratch, b->data + (first + i) * b->row_size, b->row_size);
			if (p->cp->has_binary && rpl_xbuf_rebind_binary(b, p->ins, b->rows) < 0)
				return SQL_ERROR;
			SQLRETURN rc = SQLExecute(p->ins);
			if (!SQL_SUCCEEDED(rc))
				return rc;
		}
		return SQL_SUCCESS;
	}
	if (p->cp->colwise)
		rpl_xcols_fill(&p->cp->xcols, b, first, n);
	else
		p->offset = first * b->row_size;
	for (size_t i = 0; i < n; i++)
		p->pstatus[i] = SQL_PARAM_UNUSED;
	SQLSetStmtAttr(p->ins, SQL_ATTR_PARAMSET_SIZE, (SQLPOINTER)(uintptr_t)n, 0);
	p->processed = 0;
	SQLRETURN rc = SQLExecute(p->ins);
	/* MariaDB Connector/ODBC 3.1 answers SUCCESS_WITH_INFO when a row of the array
	 * fails, and silently skips the rest (processed < n, statuses left unset):
	 * unless every row is accounted for as inserted, the batch failed. */
	for (size_t i = 0; rc == SQL_SUCCESS && i < n; i++)
		if (p->pstatus[i] == SQL_PARAM_ERROR)
			rc = SQL_ERROR;
	if (rc == SQL_SUCCESS_WITH_INFO) {
		bool all = p->processed == n;
		for (size_t i = 0; all && i < n; i++)
			all = p->pstatus[i] == SQL_PARAM_SUCCESS || p->pstatus[i] == SQL_PARAM_SUCCESS_WITH_INFO;
		if (!all)
			rc = SQL_ERROR;
	}
	return rc;
}

static int
part_savepoint(struct part *p, enum rpl_savepoint op, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int r = 0;
	if (rpl_sqlgen_savepoint(p->cp->dst->dialect, op, "rpl_batch", &sql))   /* none: SQL Server's RELEASE */
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(p->cp->dst, rpl_sbuf_str(&sql), err)
		                      : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	return r;
}

/* part_send inserts rows [first, first+n) under a savepoint; when the target refuses,
 * it rolls back to the savepoint and retries each half, down to the single rows the
 * target will not take, which are rejected with its message. Retryable errors
 * (deadlock, lost connection) are returned, not split. */
static int
part_send(struct part *p, size_t first, size_t n, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	if (n == 0)
		return 0;
	int r = part_savepoint(p, RPL_SAVEPOINT_SET, err);
	if (r < 0)
		return r;
	SQLRETURN rc = part_exec(p, first, n);
	if (SQL_SUCCEEDED(rc) || rc == SQL_NO_DATA) {
		p->acc->written += (int64_t)n;
		return part_savepoint(p, RPL_SAVEPOINT_RELEASE, err);
	}
	struct rpl_err e = RPL_ERR_INIT;
	rpl_conn_fail(cp->dst, p->ins, &e, "insert");
	if (rpl_dialect_retryable(cp->dst->dialect, e.sqlstate, e.native)) {
		*err = e;
		return e.code;
	}
	SQLFreeStmt(p->ins, SQL_CLOSE);
	if ((r = part_savepoint(p, RPL_SAVEPOINT_ROLLBACK, err)) < 0)
		return r;
	if (n == 1) {
		char why[sizeof e.msg + 32];
		snprintf(why, sizeof why, "target refused the row: %s", e.msg);
		return part_reject(p, first, RPL_RULE_SERVER, server_column(p, e.column, e.msg), why, err);
	}
	if (cp->colwise) {
		/* MariaDB 10.11 with Connector/ODBC 3.1.15: after a refused bulk execute and
		 * the rollback to its savepoint, a later multi-row execute now and then
		 * reports every row inserted while a refused one is missing (seen in
		 * tests/integration/test_rejects.c); one row per execute has not lied */
		for (size_t i = 0; i < n; i++)
			if ((r = part_send(p, first + i, 1, err)) < 0)
				return r;
		return 0;
	}
	if ((r = part_send(p, first, n / 2, err)) < 0)
		return r;
	return part_send(p, first + n / 2, n - n / 2, err);
}

/* part_send_lite inserts the first n rows through the SQLite library; a row SQLite
 * refuses is rejected with its message and the rest go on (a failed statement does
 * not end a SQLite transaction). */
static int
part_send_lite(struct part *p, size_t n, struct rpl_err *err)
{
	for (size_t r = 0; r < n; r++) {
		char why[600];
		int rc = rpl_litesink_insert(p->cp->lite, p->cp->buf, r, why, sizeof why, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if ((rc = part_reject(p, r, RPL_RULE_SERVER, server_column(p, NULL, why), why, err)) < 0)
				return rc;
			continue;
		}
		p->acc->written++;
	}
	return 0;
}

/* part_refused rejects a row a bulk sink isolated (rpl_pgsink_copy_split,
 * rpl_myload_split), naming the constraint and, for a foreign key, its column. */
static int
part_refused(void *data, size_t row, const char *reason, const char *column, const char *constraint,
             struct rpl_err *err)
{
	struct part *p = data;
	char why[sizeof err->msg + 32];
	snprintf(why, sizeof why, "target refused the row: %s", reason);
	p->constraint = constraint;
	int r = part_reject(p, row, RPL_RULE_SERVER, server_column(p, column, reason), why, err);
	p->constraint = NULL;
	return r;
}

/* part_send_split sends the chunk's first n rows through the COPY sink or LOAD DATA,
 * in statements split around the rows the server refuses (a partition whose plain
 * bulk load was refused). */
static int
part_send_split(struct part *p, size_t n, struct rpl_err *err)
{
	size_t loaded = 0;
	int r = p->cp->pg != NULL ? rpl_pgsink_copy_split(p->cp->pg, rpl_sbuf_str(&p->cp->copy_sql), p->cp->buf, 0, n,
	                                                  part_refused, p, &loaded, err)
	                          : rpl_myload_split(p->cp->myload, p->cp->buf, 0, n, part_refused, p, &loaded, err);
	p->acc->written += (int64_t)loaded;
	return r;
}

/* part_rules counts and rejects what the reader judged of the chunk's n rows
 * (reader_judge) and moves the rows that pass to the front of the buffer; returns
 * how many passed via *kept. */
static int
part_rules(struct part *p, const struct verdicts *vd, size_t n, size_t *kept, struct rpl_err *err)
{
	struct rpl_xbuf *b = p->cp->buf;
	size_t k = 0, j = 0;
	p->acc->bytes += vd->bytes;
	for (int i = 0; i < RPL_NRULES; i++)
		p->acc->nulled[i] += vd->nulled[i];
	for (size_t r = 0; r < n; r++) {
		if (j < vd->nrej && vd->rej[j].row == r) {
			const struct rejection *x = &vd->rej[j++];
			int e = part_reject(p, r, x->rule, x->col, x->why, err);
			if (e < 0)
				return e;
			continue;
		}
		if (k != r)
			memcpy(b->data + k * b->row_size, b->data + r * b->row_size, b->row_size);
		k++;
	}
	*kept = k;
	return 0;
}

/* The target side of a partition goes either through the ODBC connection (INSERT
 * arrays) or, for PostgreSQL, wholly through the COPY sink's own connection: the
 * delete, the rows and the commit must share one transaction. */
/* part_bind_buffer points the INSERT's parameters (and status array) at buffer k. */
static int
part_bind_buffer(struct part *p, int k, struct rpl_err *err)
{
	if (p->bound == k || p->cp->colwise)   /* column arrays are bound once */
		return 0;
	struct rpl_xbuf *b = &p->cp->bufs[k];
	p->pstatus = b->status + b->rows;
	if ((!p->cp->row_by_row && !SQL_SUCCEEDED(SQLSetStmtAttr(p->ins, SQL_ATTR_PARAM_STATUS_PTR, p->pstatus, 0))) ||
	    rpl_xbuf_bind_params(b, p->ins, p->cp->row_by_row ? b->rows : 0, &p->offset) < 0)
		return rpl_conn_fail(p->cp->dst, p->ins, err, "binding the parameter array");
	p->bound = k;
	return 0;
}

/* part_prepare_insert prepares the INSERT and binds the buffer as its parameter array. */
static int
part_prepare_insert(struct part *p, struct rpl_err *err)
{
	int r;
	if ((r = rpl_conn_stmt(p->cp->dst, &p->ins, err)) < 0)
		return r;
	if (!SQL_SUCCEEDED(SQLPrepare(p->ins, (SQLCHAR *)rpl_sbuf_str(&p->cp->insert_sql), SQL_NTS))) {
		r = rpl_conn_fail(p->cp->dst, p->ins, err, "prepare insert");
		return r;
	}
	p->pstatus = p->cp->buf->status + p->cp->buf->rows;
	if (!p->cp->row_by_row &&
	    (!SQL_SUCCEEDED(SQLSetStmtAttr(p->ins, SQL_ATTR_PARAM_STATUS_PTR, p->pstatus, 0)) ||
	     !SQL_SUCCEEDED(SQLSetStmtAttr(p->ins, SQL_ATTR_PARAMS_PROCESSED_PTR, &p->processed, 0)))) {
		r = rpl_conn_fail(p->cp->dst, p->ins, err, "param status array");
		return r;
	}
	if (p->cp->colwise ? rpl_xcols_bind(&p->cp->xcols, p->cp->buf, p->ins) < 0
	                   : rpl_xbuf_bind_params(p->cp->buf, p->ins, p->cp->row_by_row ? p->cp->buf->rows : 0,
	                                          &p->offset) < 0) {
		r = rpl_conn_fail(p->cp->dst, p->ins, err, "binding the parameter array");
		return r;
	}
	p->bound = 0;
	return 0;
}

static int
tgt_begin(struct part *p, struct rpl_err *err)
{
	if (p->cp->pg != NULL)
		return rpl_pgsink_exec(p->cp->pg, "BEGIN", err);
	if (p->cp->lite != NULL)
		return rpl_litesink_exec(p->cp->lite, "BEGIN", err);
	return rpl_conn_set_autocommit(p->cp->dst, false, err);
}

static int
tgt_exec(struct part *p, const char *sql, struct rpl_err *err)
{
	if (p->cp->pg != NULL)
		return rpl_pgsink_exec(p->cp->pg, sql, err);
	if (p->cp->lite != NULL)
		return rpl_litesink_exec(p->cp->lite, sql, err);
	return rpl_conn_exec(p->cp->dst, sql, err);
}

/* tgt_flush waits for a LOAD DATA still running on the target connection: nothing
 * else may be sent on it meanwhile (mariadb_sink.h). */
static int
tgt_flush(struct part *p, struct rpl_err *err)
{
	return p->cp->myload != NULL ? rpl_myload_flush(p->cp->myload, err) : 0;
}

static void
tgt_rollback(struct part *p)
{
	struct rpl_err ignored = RPL_ERR_INIT;
	tgt_flush(p, &ignored);
	if (p->cp->pg != NULL) {
		if (p->copying)
			rpl_pgsink_copy_abort(p->cp->pg);
		p->copying = false;
		rpl_pgsink_exec(p->cp->pg, "ROLLBACK", &ignored);
	} else if (p->cp->lite != NULL) {
		rpl_litesink_exec(p->cp->lite, "ROLLBACK", &ignored);
	} else {
		rpl_conn_rollback(p->cp->dst, &ignored);
	}
}

/* tgt_exec_claimed runs a statement on the partition's ledger row that touches it
 * only while this process holds the partition's claim (claim.h) */
static int
tgt_exec_claimed(struct part *p, const char *sql, struct rpl_err *err)
{
	int64_t n = 0;
	int r = p->cp->pg != NULL     ? rpl_pgsink_exec_count(p->cp->pg, sql, &n, err)
	        : p->cp->lite != NULL ? rpl_litesink_exec_count(p->cp->lite, sql, &n, err)
	                              : rpl_conn_exec_count(p->cp->dst, sql, &n, err);
	if (r == 0 && n != 1)
		r = rpl_err_set(err, RPL_ECLAIM, "the claim on this partition was taken over (its lease ran out): "
		                "rolled back, another process loads it");
	return r;
}

/* timed_commit commits; with COPY, ends the COPY first and, unless last, opens the
 * next transaction and COPY. With claims, the claim check runs first (the last
 * commit's is the done-mark's). */
static int
timed_commit(struct part *p, bool last, struct rpl_err *err)
{
	int64_t t = now_ms();
	int r;
	if ((r = tgt_flush(p, err)) < 0)
		return r;
	if (p->cp->o.claim_sql != NULL && !last) {
		struct rpl_sbuf sql = RPL_SBUF_INIT;
		p->cp->o.claim_sql(p->cp->o.done_data, p->range, &sql);
		if (p->copying) {   /* the COPY ends before another statement */
			p->copying = false;
			r = rpl_pgsink_copy_end(p->cp->pg, err);
		}
		if (r == 0)
			r = rpl_sbuf_ok(&sql) ? tgt_exec_claimed(p, rpl_sbuf_str(&sql), err)
			                      : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&sql);
		if (r < 0)
			return r;
	}
	if (p->cp->pg != NULL) {
		r = p->copying ? rpl_pgsink_copy_end(p->cp->pg, err) : 0;
		p->copying = false;
		if (r == 0)
			r = rpl_pgsink_exec(p->cp->pg, "COMMIT", err);
		if (r == 0 && !last && (r = rpl_pgsink_exec(p->cp->pg, "BEGIN", err)) == 0 && !p->cp->split &&
		    (r = rpl_pgsink_copy_begin(p->cp->pg, rpl_sbuf_str(&p->cp->copy_sql), err)) == 0)
			p->copying = true;
	} else if (p->cp->lite != NULL) {
		r = rpl_litesink_exec(p->cp->lite, "COMMIT", err);
		if (r == 0 && !last)
			r = rpl_litesink_exec(p->cp->lite, "BEGIN", err);
	} else {
		r = rpl_conn_commit(p->cp->dst, err);
	}
	p->acc->ms[RPL_PHASE_COMMIT] += now_ms() - t;
	if (r == 0)
		p->committed = p->acc->written;
	return r;
}

static int copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range,
                               struct rpl_part_account *acc, struct rpl_err *err);

/* bulk_refused: did the bulk path (COPY, LOAD DATA) refuse rows, which split bulk
 * statements can isolate? A COPY cannot leave one row out: the target's data
 * exceptions (SQLSTATE class 22) and constraint violations (23) end it whole. LOAD
 * DATA LOCAL takes what it can and says so (RPL_EREFUSED, mariadb_sink.h). */
static bool
bulk_refused(const struct rpl_copy *cp, const struct rpl_err *e)
{
	bool data = strncmp(e->sqlstate, "22", 2) == 0 || strncmp(e->sqlstate, "23", 2) == 0;
	if (cp->pg != NULL)
		return e->code == RPL_EPG && data;
	/* a LOAD DATA the server fails on a foreign key or a value refuses rows too */
	return cp->myload != NULL && (e->code == RPL_EREFUSED || (e->code == RPL_EODBC && data));
}

/* bulk_unusable: LOAD DATA itself was refused (local_infile off on the server, a
 * driver built without it): the rest of the copy uses parameter arrays. */
static bool
bulk_unusable(const struct rpl_copy *cp, const struct rpl_err *e)
{
	return cp->myload != NULL && e->code == RPL_EODBC && rpl_myload_exec_failed(cp->myload) &&
	       !rpl_dialect_retryable(cp->dst->dialect, e->sqlstate, e->native) && !bulk_refused(cp, e);
}

/* rpl_copy_partition: when the bulk path refuses data, the partition, already
 * rolled back, is loaded again through the same bulk path in statements split
 * around the refused rows (part_send_split); when LOAD DATA itself is refused, it
 * is loaded through ODBC parameter arrays, whose failed batches are split the same
 * way. */
int
rpl_copy_partition(struct rpl_copy *cp, const struct rpl_range *range,
                   struct rpl_part_account *acc, struct rpl_err *err)
{
	if (cp->o.probe)   /* it would load through ODBC where the native path is meant */
		return rpl_err_set(err, RPL_EINVAL, "table %s: a probe copy cannot load partitions", cp->label);
	struct rpl_err first = RPL_ERR_INIT;
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	int r = copy_partition_once(cp, range, acc, &first);
	bool unusable = r < 0 && bulk_unusable(cp, &first);
	if (r == 0 || !(unusable || bulk_refused(cp, &first))) {
		if (r < 0)
			*err = first;
		return r;
	}
	if (!unusable) {
		/* A COPY ends whole at its first refused row (a foreign key is checked at its
		 * end); LOAD DATA LOCAL skips refused rows with a warning. The rows are sent
		 * again in bulk statements under savepoints, a refused one split in halves
		 * until each refused row is alone, so the rest still load at bulk speed
		 * (issue #15: row-by-row arrays took 16 s for 8,715 rows, COPY 0.2 s). */
		char part[64];
		const char *how = cp->pg != NULL ? "COPY" : "LOAD DATA";
		rpl_range_label(range, part, sizeof part);
		rpl_log(RPL_LOG_NOTICE, RPL_LOG_LOADER, "table=%s part=%s %s refused (%s); loading the partition again in %ss split around the refused rows",
		        cp->label, part, how, first.msg, how);
		acc->attempts = attempts;
		acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
		cp->split = true;
		r = copy_partition_once(cp, range, acc, err);
		cp->split = false;
		return r;
	}
	if (unusable) {
		/* through the log, not the warn callback, which only the runner's probe has */
		rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s LOAD DATA refused (%s); loading through parameter arrays instead",
		        cp->label, first.msg);
		rpl_myload_free(cp->myload);
		cp->myload = NULL;
	}
	struct rpl_pgsink *sink = cp->pg;
	struct rpl_myload *load = cp->myload;
	bool ool = cp->ool;
	cp->pg = NULL;
	cp->myload = NULL;
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	/* parameter arrays bind every value in line */
	if (ool && (r = copy_layout(cp, false, err)) < 0)
		return r;
	r = copy_partition_once(cp, range, acc, err);
	cp->pg = sink;
	cp->myload = load;
	struct rpl_err lerr = RPL_ERR_INIT;
	if (ool && (sink != NULL || load != NULL) && copy_layout(cp, true, &lerr) < 0 && r == 0) {
		*err = lerr;
		r = lerr.code;
	}
	return r;
}

static int
copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range,
                    struct rpl_part_account *acc, struct rpl_err *err)
{
	struct part p = { .cp = cp, .range = range, .acc = acc, .ins = SQL_NULL_HSTMT, .bound = -1 };
	struct reader rd = { .started = false, .sel = SQL_NULL_HSTMT };
	bool rd_init = false;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t t_start = now_ms(), t;
	int r;
	int64_t since_commit = 0;
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	memset(acc, 0, sizeof *acc);
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	acc->range = *range;
	acc->state = RPL_PART_PENDING;
	acc->err.row = -1;
	rpl_range_label(range, p.label, sizeof p.label);
	if (!range->all && cp->o.date_column == NULL) {
		r = rpl_err_set(err, RPL_EINVAL, "table %s has no date_column: only full copies", cp->label);
		goto out;
	}
	/* 1. delete the range: what makes every re-run safe. SQL Server deletes in
	 * batches, each committing on its own so its log can be reused (sqlgen.h);
	 * the others delete inside the partition's transaction. */
	t = now_ms();
	long batch = rpl_sqlgen_delete(&cp->g, range, &sql);
	if (!rpl_sbuf_ok(&sql)) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	if (batch > 0 && cp->pg == NULL) {
		int64_t deleted;
		if ((r = rpl_conn_set_autocommit(cp->dst, true, err)) < 0)
			goto out;
		do {
			if ((r = rpl_conn_exec_count(cp->dst, rpl_sbuf_str(&sql), &deleted, err)) < 0)
				goto out;
		} while (deleted >= batch);
		if ((r = tgt_begin(&p, err)) < 0)
			goto out;
	} else if ((r = tgt_begin(&p, err)) < 0 || (r = tgt_exec(&p, rpl_sbuf_str(&sql), err)) < 0) {
		goto out;
	}
	acc->ms[RPL_PHASE_DELETE] = now_ms() - t;
	if (cp->pg != NULL && !cp->split) {
		if ((r = rpl_pgsink_copy_begin(cp->pg, rpl_sbuf_str(&cp->copy_sql), err)) < 0)
			goto out;
		p.copying = true;
	}
	/* 2. stream: the reader fills one buffer while this thread checks and sends the other */
	t = now_ms();
	rd_init = true;
	if ((r = reader_start(&rd, cp, range, err)) < 0)
		goto out;
	if (cp->lite != NULL) {
		if ((r = rpl_litesink_prepare(cp->lite, rpl_sbuf_str(&cp->insert_sql), err)) < 0)
			goto out;
	} else if (cp->pg == NULL && cp->myload == NULL && (r = part_prepare_insert(&p, err)) < 0) {
		goto out;
	}
	for (int k = 0;; k ^= 1) {
		/* pause: the chunk before has been sent; hold here (the transaction stays
		 * open) until resumed or cancelled */
		while (cp->o.pause != NULL && atomic_load(cp->o.pause) &&
		       !(cp->o.cancel != NULL && atomic_load(cp->o.cancel))) {
			struct timespec ts = { 0, 100 * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (cp->o.cancel != NULL && atomic_load(cp->o.cancel)) {
			r = rpl_err_set(err, RPL_ECANCELED, "cancelled after %lld rows", (long long)acc->read);
			goto out;
		}
		size_t n, kept;
		if ((r = reader_next(&rd, k, &n, err)) < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read);
			goto out;
		}
		if (n == 0)
			break;
		cp->buf = &cp->bufs[k];
		if ((r = part_rules(&p, &rd.vd[k], n, &kept, err)) < 0)
			goto out;
		acc->read += (int64_t)n;
		int64_t before = acc->written;
		if ((cp->pg != NULL || cp->myload != NULL) && cp->split) {
			r = part_send_split(&p, kept, err);
		} else if (cp->pg != NULL) {
			r = rpl_pgsink_copy_rows(cp->pg, cp->buf, kept, err);
			acc->written += r == 0 ? (int64_t)kept : 0;
		} else if (cp->lite != NULL) {
			r = part_send_lite(&p, kept, err);
		} else if (cp->myload != NULL) {
			r = rpl_myload_rows(cp->myload, cp->buf, kept, err);
			acc->written += r == 0 ? (int64_t)kept : 0;
		} else if ((r = part_bind_buffer(&p, k, err)) == 0) {
			r = part_send(&p, 0, kept, err);
		}
		if (r < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read - (int64_t)n);
			goto out;
		}
		reader_release(&rd, k);
		since_commit += acc->written - before;
		if (since_commit >= cp->o.commit_rows) {
			if ((r = timed_commit(&p, false, err)) < 0)
				goto out;
			since_commit = 0;
		}
		if (cp->o.progress != NULL)
			cp->o.progress(cp->o.cb_data, range, acc->read, acc->written);
	}
	acc->ms[RPL_PHASE_INSERT] = now_ms() - t - acc->ms[RPL_PHASE_COMMIT];
	/* 3. the ledger's done-mark joins the last transaction */
	if (cp->o.done_sql != NULL) {
		acc->ms[RPL_PHASE_TOTAL] = now_ms() - t_start;
		rpl_sbuf_reset(&sql);
		cp->o.done_sql(cp->o.done_data, acc, &sql);
		if ((r = tgt_flush(&p, err)) < 0)
			goto out;
		if (p.copying) {      /* the sink's COPY must end before another statement */
			p.copying = false;
			if ((r = rpl_pgsink_copy_end(cp->pg, err)) < 0)
				goto out;
		}
		if ((r = cp->o.claim_sql != NULL ? tgt_exec_claimed(&p, rpl_sbuf_str(&sql), err)
		                                 : tgt_exec(&p, rpl_sbuf_str(&sql), err)) < 0)
			goto out;
	}
	r = timed_commit(&p, true, err);
out:
	if (rd_init)
		reader_finish(&rd);
	cp->buf = &cp->bufs[0];
	if (p.ins != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, p.ins);
	if (r < 0) {
		tgt_rollback(&p);
		if (cp->pgsrc != NULL)
			rpl_pgsource_abort(cp->pgsrc);   /* a COPY may still be streaming */
		if (cp->mysrc != NULL)
			rpl_mysource_abort(cp->mysrc);   /* so may a SELECT */
		rpl_err_where(err, cp->label, NULL, -1);
		acc->state = RPL_PART_FAILED;
		acc->err = *err;
		acc->written = p.committed;   /* the rest was rolled back: count what stays */
	} else {
		acc->state = RPL_PART_DONE;
	}
	acc->ms[RPL_PHASE_TOTAL] = now_ms() - t_start;
	rpl_sbuf_fini(&sql);
	return r;
}
