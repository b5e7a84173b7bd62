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
#include "refusal.h"
#include "reject.h"
#include "sbuf.h"
#include "choose.h"
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
	struct rpl_choice ch;                 /* owned once chosen: source, sink, and the two buffers
	                                       * the reader fills and the writer sends (choose.h) */
	bool chosen;
	struct rpl_xbuf *buf;                 /* the one the writer works on (bufs[0] outside a partition) */
	struct rpl_rules rules;
	bool *judged;                         /* owned: rules.judged */
	char label[300];                      /* the table as users name it */
	struct rpl_sqlgen g;                  /* every statement's text (sqlgen.c) */
	bool created;                         /* this copy created the target table (createidx.h) */
	const char **dst_names;               /* owned array (names borrowed from st and o.map):
	                                       * the target name of each source column */
	bool only;                            /* SELECT … FROM ONLY (copy_only) */
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
	int r = rpl_pginherit_only(cp->src, cp->o.src_schema, cp->o.src_table, cp->o.only_parent, &cp->only,
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
	if (r == 0 && n_new > 0) {
		rpl_table_fini(&cp->dt);
		if ((r = rpl_catalog_read(cp->dst, cp->o.dst_schema, cp->o.dst_table, &cp->dt, &exists, err)) == 0 && !exists)
			r = rpl_err_set(err, RPL_ENOENT, "target: table %s no longer in the catalog", cp->o.dst_table);
	}
	rpl_sbuf_fini(&sql);
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
	/* A probe (the runner's check on its control connections) opens no native path:
	 * each libpq connection is another TCP handshake and SCRAM exchange, and each
	 * worker opens its own anyway. */
	cp->buf = &cp->ch.bufs[0];
	if ((r = copy_only(cp, err)) < 0)
		goto out;
	copy_sqlgen(cp, true);
	cp->sc = sc;
	cp->dc = dc;
	sc = dc = NULL;
	struct rpl_choose_in in = { .label = cp->label, .g = &cp->g, .sc = cp->sc, .dc = cp->dc, .ncols = cp->st.ncols,
	                            .chunk_bytes = o->chunk_bytes, .odbc_only = o->bulk_odbc || o->probe,
	                            .text_copy = o->text_copy };
	if ((r = rpl_choose(src, dst, &in, &cp->ch, err)) < 0)
		goto out;
	cp->chosen = true;
	cp->buf = &cp->ch.bufs[0];
	cp->rules = (struct rpl_rules){ .dst_dialect = dst->dialect, .truncate_strings = o->truncate_strings,
	                                .placeholder_dates = o->placeholder_dates,
	                                .n_placeholder_dates = o->n_placeholder_dates,
	                                .untyped_source = src->engine == RPL_ENGINE_SQLITE };
	/* the columns whose values no rule can meet are skipped per value (rules.c) */
	if (r == 0 && (cp->judged = calloc(cp->ch.bufs[0].ncols ? cp->ch.bufs[0].ncols : 1, sizeof *cp->judged)) == NULL)
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0) {
		rpl_rules_plan(&cp->rules, &cp->ch.bufs[0], src->engine, cp->judged);
		cp->rules.judged = cp->judged;
	}
out:
	free(sc);
	free(dc);
	if (r < 0)
		rpl_copy_free(cp);
	else
		*out = cp;
	return r;
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
	free(cp);
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
 * "The data path" step 6). It owns the source (source.h) between start and finish. Handover is a two-slot ring under one mutex; the writer frees a
 * slot after sending it. An error or the end is posted like a chunk (n = 0). */
struct reader {
	struct rpl_copy *cp;
	const struct rpl_range *range;
	struct rpl_sbuf sql;          /* owned: the range's SELECT */
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
		int r = rpl_source_fetch(rd->cp->ch.source, &rd->cp->ch.bufs[k], &n, &e);
		if (r == 0 && n > 0)
			r = reader_judge(rd, &rd->cp->ch.bufs[k], n, &rd->vd[k], &e);
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
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->cv, NULL);
	rpl_sqlgen_select(&cp->g, range, &rd->sql);
	if (!rpl_sbuf_ok(&rd->sql))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r = rpl_source_start(cp->ch.source, rd->sql.s, range, err);
	if (r < 0)
		return r;
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

/* reader_finish stops and joins the thread and ends the source's statement. */
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
	rpl_source_finish(rd->cp->ch.source);
	rpl_sbuf_fini(&rd->sql);
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

/* part_refused rejects a row the sink isolated (sink.h rpl_sink_refused_fn), naming
 * the constraint and, for a foreign key, its column. */
static int
part_refused(void *data, size_t row, const char *why, const char *words, const char *column,
             const char *constraint, struct rpl_err *err)
{
	struct part *p = data;
	p->constraint = constraint;
	int r = part_reject(p, row, RPL_RULE_SERVER, server_column(p, column, words), why, err);
	p->constraint = NULL;
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

/* timed_commit waits for rows still loading and commits; unless last, the sink goes
 * on in a new transaction. */
static int
timed_commit(struct part *p, bool last, struct rpl_err *err)
{
	int64_t t = now_ms();
	int r = rpl_sink_flush(p->cp->ch.sink, err);
	if (r == 0)
		r = rpl_sink_commit(p->cp->ch.sink, last, err);
	p->acc->ms[RPL_PHASE_COMMIT] += now_ms() - t;
	if (r == 0)
		p->committed = p->acc->written;
	return r;
}

static int copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range, bool split,
                               struct rpl_part_account *acc, struct rpl_err *err);

/* rpl_copy_partition: when the bulk path refuses data, the partition, already
 * rolled back, is loaded again through the same sink in statements split around the
 * refused rows; when the bulk statement itself is refused, the sink gives way to the
 * next (rpl_sink_fallback: parameter arrays, whose failed batches are split the same
 * way) for the rest of the copy. */
int
rpl_copy_partition(struct rpl_copy *cp, const struct rpl_range *range,
                   struct rpl_part_account *acc, struct rpl_err *err)
{
	if (cp->o.probe)   /* it would load through ODBC where the native path is meant */
		return rpl_err_set(err, RPL_EINVAL, "table %s: a probe copy cannot load partitions", cp->label);
	struct rpl_err first = RPL_ERR_INIT;
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	int r = copy_partition_once(cp, range, false, acc, &first);
	bool unusable = r < 0 && rpl_sink_unusable(cp->ch.sink, &first);
	if (r == 0 || !(unusable || rpl_sink_refused(cp->ch.sink, &first))) {
		if (r < 0)
			*err = first;
		return r;
	}
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	if (!unusable) {
		/* A COPY ends whole at its first refused row (a foreign key is checked at its
		 * end); LOAD DATA LOCAL skips refused rows with a warning. The rows are sent
		 * again in bulk statements under savepoints, a refused one split in halves
		 * until each refused row is alone, so the rest still load at bulk speed
		 * (issue #15: row-by-row arrays took 16 s for 8,715 rows, COPY 0.2 s). */
		char part[64];
		rpl_range_label(range, part, sizeof part);
		const char *how = rpl_sink_bulk(cp->ch.sink);
		rpl_log(RPL_LOG_NOTICE, RPL_LOG_LOADER, "table=%s part=%s %s refused (%s); loading the partition again in %ss split around the refused rows",
		        cp->label, part, how, first.msg, how);
		return copy_partition_once(cp, range, true, acc, err);
	}
	/* through the log, not the warn callback, which only the runner's probe has */
	rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s %s refused (%s); loading through parameter arrays instead",
	        cp->label, rpl_sink_bulk(cp->ch.sink), first.msg);
	if ((r = rpl_choose_fallback(&cp->ch, &first, err)) < 0)
		return r;
	return copy_partition_once(cp, range, false, acc, err);
}

/* part_begin deletes the range and readies the sink for rows (step 1). */
static int
part_begin(struct part *p, bool split, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t t = now_ms();
	/* SQL Server deletes in batches, each committing on its own so its log can be
	 * reused (sqlgen.h); the others delete inside the partition's transaction. */
	long batch = rpl_sqlgen_delete(&cp->g, p->range, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_sink_begin(cp->ch.sink, rpl_sbuf_str(&sql), batch, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	p->acc->ms[RPL_PHASE_DELETE] = now_ms() - t;
	return r < 0 ? r : rpl_sink_start(cp->ch.sink, split, part_refused, p, err);
}

/* part_hold: pause holds here, between chunks, with the transaction open, until
 * resumed or cancelled; a cancel is an error. */
static int
part_hold(struct part *p, struct rpl_err *err)
{
	const struct rpl_copy_opts *o = &p->cp->o;
	while (o->pause != NULL && atomic_load(o->pause) && !(o->cancel != NULL && atomic_load(o->cancel))) {
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (o->cancel != NULL && atomic_load(o->cancel))
		return rpl_err_set(err, RPL_ECANCELED, "cancelled after %lld rows", (long long)p->acc->read);
	return 0;
}

/* part_stream: the reader fills one buffer while this thread checks and sends the
 * other (step 2). */
static int
part_stream(struct part *p, struct reader *rd, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	struct rpl_part_account *acc = p->acc;
	int64_t since_commit = 0;
	int r;
	for (int k = 0;; k ^= 1) {
		size_t n, kept, written = 0;
		if ((r = part_hold(p, err)) < 0)
			return r;
		if ((r = reader_next(rd, k, &n, err)) < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read);
			return r;
		}
		if (n == 0)
			return 0;
		cp->buf = &cp->ch.bufs[k];
		if ((r = part_rules(p, &rd->vd[k], n, &kept, err)) < 0)
			return r;
		acc->read += (int64_t)n;
		r = rpl_sink_put(cp->ch.sink, cp->buf, kept, &written, err);
		acc->written += (int64_t)written;
		if (r < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read - (int64_t)n);
			return r;
		}
		reader_release(rd, k);
		since_commit += (int64_t)written;
		if (since_commit >= cp->o.commit_rows) {
			if ((r = timed_commit(p, false, err)) < 0)
				return r;
			since_commit = 0;
		}
		if (cp->o.progress != NULL)
			cp->o.progress(cp->o.cb_data, p->range, acc->read, acc->written);
	}
}

/* part_done: the ledger's done-mark joins the last transaction (step 3). */
static int
part_done(struct part *p, int64_t t_start, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	if (cp->o.done_sql == NULL)
		return 0;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	p->acc->ms[RPL_PHASE_TOTAL] = now_ms() - t_start;
	cp->o.done_sql(cp->o.done_data, p->acc, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_sink_flush(cp->ch.sink, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0)
		r = rpl_sink_exec(cp->ch.sink, rpl_sbuf_str(&sql), err);
	rpl_sbuf_fini(&sql);
	return r;
}

static void
part_account_init(struct rpl_part_account *acc, const struct rpl_range *range)
{
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	memset(acc, 0, sizeof *acc);
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	acc->range = *range;
	acc->state = RPL_PART_PENDING;
	acc->err.row = -1;
}

static int
copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range, bool split,
                    struct rpl_part_account *acc, struct rpl_err *err)
{
	struct part p = { .cp = cp, .range = range, .acc = acc };
	struct reader rd = { .started = false };
	bool rd_init = false;
	int64_t t_start = now_ms(), t;
	int r;
	part_account_init(acc, range);
	rpl_range_label(range, p.label, sizeof p.label);
	if (!range->all && cp->o.date_column == NULL) {
		r = rpl_err_set(err, RPL_EINVAL, "table %s has no date_column: only full copies", cp->label);
		goto out;
	}
	if ((r = part_begin(&p, split, err)) < 0)
		goto out;
	t = now_ms();
	rd_init = true;
	if ((r = reader_start(&rd, cp, range, err)) < 0 || (r = part_stream(&p, &rd, err)) < 0)
		goto out;
	acc->ms[RPL_PHASE_INSERT] = now_ms() - t - acc->ms[RPL_PHASE_COMMIT];
	if ((r = part_done(&p, t_start, err)) == 0)
		r = timed_commit(&p, true, err);
out:
	if (rd_init)
		reader_finish(&rd);
	cp->buf = &cp->ch.bufs[0];
	rpl_sink_end(cp->ch.sink);
	if (r < 0) {
		rpl_sink_rollback(cp->ch.sink);
		rpl_source_abort(cp->ch.source);   /* a COPY or a SELECT may still be streaming */
		rpl_err_where(err, cp->label, NULL, -1);
		acc->state = RPL_PART_FAILED;
		acc->err = *err;
		acc->written = p.committed;   /* the rest was rolled back: count what stays */
	} else {
		acc->state = RPL_PART_DONE;
	}
	acc->ms[RPL_PHASE_TOTAL] = now_ms() - t_start;
	return r;
}
