/* lib/core/vtable.c: one table's verify and scan on two connections (DESIGN in
 * vtable.h): catalogs, adapters, buffers, and the read-ahead of each side. */
#include "vtable.h"
#include "sink.h"
#include "colmap.h"
#include "dialect.h"
#include "log.h"
#include "pg_inherit.h"
#include "sbuf.h"
#include "source.h"
#include "sqlgen.h"
#include "vcross.h"
#include "vdigest.h"
#include "vslices.h"
#include "xfer.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One side: its adapter, two buffers, and the thread that reads a chunk ahead. The
 * reader owns buffer k until it posts it; the consumer until it asks for the next. */
struct side {
	struct rpl_conn *conn;          /* borrowed */
	struct rpl_source *s;           /* owned */
	struct rpl_source_want want;
	struct rpl_sqlgen g;
	struct rpl_xbuf buf[2];         /* owned */
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool full[2], stop;
	size_t n[2];
	int rc;
	struct rpl_err err;
	int next;                       /* the slot the consumer takes next */
	int held;                       /* the slot the consumer holds, -1 none */
};

/* side_label: an adapter's error says "source:", the role it has in a copy; on the
 * target's side of a verify it is the target's (a lost target connection was
 * reported as the source's) */
static void
side_label(const struct side *sd, struct rpl_err *err)
{
	static const char src[] = "source: ";
	if (sd->conn != NULL && sd->conn->side != NULL && strcmp(sd->conn->side, "target") == 0 &&
	    strncmp(err->msg, src, sizeof src - 1) == 0)
		memcpy(err->msg, "target: ", sizeof src - 1);
}


struct rpl_vtable {
	struct rpl_vtable_opts o;
	char label[300];
	struct rpl_table st, dt, tv;    /* owned: source, target, target as matched (vtable.h) */
	const char **dst_names;         /* owned array, names borrowed */
	struct side side[2];            /* 0 source, 1 target */
	unsigned keeps;                 /* RPL_XFER_DST_ENDLESS when the copy's writer keeps
	                                 * ±infinity and far dates (vt_writer_keeps) */
	struct rpl_vcol *vcols;         /* owned */
	size_t *key_cols;               /* owned */
	size_t nkey;
	struct rpl_rules rules;
	bool *judged;                   /* owned */
	bool *nul_only;                 /* owned */
	size_t *watch;                  /* owned: rules.watch */
	bool digest;                    /* ask the servers for digests first (vdigest.h) */
	struct rpl_vdconn *dc[2];       /* owned: each side's connection for them */
	bool xdigest;                   /* MariaDB to PostgreSQL: the source hashed here (vcross.h) */
	struct rpl_vcross_col *xcols;   /* owned, ncols */
	bool *unjudged;                 /* owned, ncols, all false: the target's statement */
};

static void *
side_main(void *arg)
{
	struct side *sd = arg;
	for (int k = 0;; k ^= 1) {
		pthread_mutex_lock(&sd->mu);
		while (sd->full[k] && !sd->stop)
			pthread_cond_wait(&sd->cv, &sd->mu);
		bool stop = sd->stop;
		pthread_mutex_unlock(&sd->mu);
		if (stop)
			break;
		size_t n = 0;
		struct rpl_err e = RPL_ERR_INIT;
		sd->buf[k].nmisfits = 0;
		int r = rpl_source_fetch(sd->s, &sd->buf[k], &n, &e);
		pthread_mutex_lock(&sd->mu);
		if (r < 0) {
			sd->rc = r;
			sd->err = e;
		}
		sd->full[k] = true;
		sd->n[k] = r < 0 ? 0 : n;
		pthread_cond_broadcast(&sd->cv);
		pthread_mutex_unlock(&sd->mu);
		if (r < 0 || n == 0)
			break;
	}
	return NULL;
}

/* side_fetch (rpl_vstream.fetch): gives back the slot held, takes the next one */
static int
side_fetch(void *data, struct rpl_xbuf **b, size_t *n, struct rpl_err *err)
{
	struct side *sd = data;
	pthread_mutex_lock(&sd->mu);
	if (sd->held >= 0) {
		sd->full[sd->held] = false;
		pthread_cond_broadcast(&sd->cv);
		sd->held = -1;
	}
	int k = sd->next;
	while (!sd->full[k])
		pthread_cond_wait(&sd->cv, &sd->mu);
	*n = sd->n[k];
	int r = sd->rc;
	if (r < 0) {
		*err = sd->err;
		side_label(sd, err);
	}
	sd->held = k;
	sd->next = k ^ 1;
	pthread_mutex_unlock(&sd->mu);
	*b = &sd->buf[k];
	return r < 0 && *n == 0 ? r : 0;
}

static int
side_start(struct rpl_vtable *v, struct side *sd, const struct rpl_range *r, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_vtable_sql(v, sd == &v->side[0] ? 0 : 1, r, &sql);
	int rc = rpl_sbuf_ok(&sql) ? rpl_source_start(sd->s, sql.s, r, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	if (rc < 0) {
		side_label(sd, err);
		return rc;
	}
	sd->full[0] = sd->full[1] = sd->stop = false;
	sd->rc = 0;
	sd->next = 0;
	sd->held = -1;
	if (pthread_create(&sd->th, NULL, side_main, sd) != 0) {
		rpl_source_abort(sd->s);
		return rpl_err_set(err, RPL_ENOMEM, "cannot start a reader thread");
	}
	sd->started = true;
	return 0;
}

/* side_end stops and joins the reader; a read that did not reach its end is aborted */
static void
side_end(struct side *sd, bool failed)
{
	if (!sd->started)
		return;
	pthread_mutex_lock(&sd->mu);
	sd->stop = true;
	pthread_cond_broadcast(&sd->cv);
	pthread_mutex_unlock(&sd->mu);
	pthread_join(sd->th, NULL);
	sd->started = false;
	if (failed)
		rpl_source_abort(sd->s);
	rpl_source_finish(sd->s);
}

void
rpl_vtable_sql(const struct rpl_vtable *v, int side, const struct rpl_range *r, struct rpl_sbuf *out)
{
	rpl_sqlgen_select_ordered(&v->side[side].g, r, out);
}

const struct rpl_vcol *
rpl_vtable_cols(const struct rpl_vtable *v, size_t *n)
{
	*n = v->st.ncols;
	return v->vcols;
}

/* vt_catalogs reads both catalogs and matches the columns; tv is the target as
 * matched: the target columns in the source's order, with the source's key. */
static int
vt_catalogs(struct rpl_vtable *v, struct rpl_err *err)
{
	bool exists;
	int r;
	if ((r = rpl_catalog_read(v->side[0].conn, v->o.src_schema, v->o.src_table, &v->st, &exists, err)) < 0)
		return r;
	if (!exists)
		return rpl_err_set(err, RPL_ENOENT, "source: table %s not found", v->label);
	if ((r = rpl_colmap_source(v->o.map, v->label, v->o.date_column, &v->st, NULL, NULL, err)) < 0)
		return r;
	if ((r = rpl_catalog_read(v->side[1].conn, v->o.dst_schema, v->o.dst_table, &v->dt, &exists, err)) < 0)
		return r;
	if (!exists)
		return rpl_err_set(err, RPL_ENOENT, "target: table %s%s%s not found", v->o.dst_schema ? v->o.dst_schema : "",
		                   v->o.dst_schema ? "." : "", v->o.dst_table);
	size_t n = v->st.ncols, n_new = 0;
	const struct rpl_column **dc = calloc(n ? n : 1, sizeof *dc);
	v->dst_names = calloc(n ? n : 1, sizeof *v->dst_names);
	v->tv.cols = calloc(n ? n : 1, sizeof *v->tv.cols);
	v->tv.name = strdup(v->o.dst_table);
	if (dc == NULL || v->dst_names == NULL || v->tv.cols == NULL || v->tv.name == NULL) {
		free(dc);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	r = rpl_colmap_match(v->o.map, v->label, &v->st, &v->dt, dc, &n_new, NULL, NULL, err);
	for (size_t i = 0; r == 0 && i < n; i++) {
		v->dst_names[i] = rpl_colmap_target_name(v->o.map, v->st.cols[i].name);
		if (dc[i] == NULL) {
			r = rpl_err_set(err, RPL_ENOENT, "table %s: column %s is missing in the target", v->label,
			                v->st.cols[i].name);
			rpl_err_where(err, v->label, v->st.cols[i].name, -1);
			break;
		}
		v->tv.cols[i] = *dc[i];
		v->tv.cols[i].pk_pos = v->st.cols[i].pk_pos;
	}
	v->tv.ncols = n;
	v->tv.npk = v->st.npk;
	free(dc);
	return r;
}

/* vt_writer_keeps: what the copy's writer keeps of the values (PostgreSQL's ±infinity
 * and far dates through COPY), asked once of the sink a copy would choose, opened dry
 * (nothing is written): both sides are laid out with it */
static int
vt_writer_keeps(struct rpl_vtable *v, struct rpl_err *err)
{
	struct rpl_sink *writer = NULL;
	struct rpl_sink_want kw = { .label = v->label, .odbc_only = v->o.bulk_odbc, .text_copy = v->o.text_copy,
	                            .dry = true };
	int r = rpl_sink_open(v->side[1].conn, &kw, &writer, err);
	if (r == 0)
		v->keeps = rpl_sink_layout_flags(writer) & RPL_XFER_DST_ENDLESS;
	rpl_sink_close(writer);
	return r;
}

/* vt_side opens side i's adapter and lays out its buffers; a native adapter that
 * cannot read the layout gives way to ODBC (source.h). */
static int
vt_side(struct rpl_vtable *v, int i, struct rpl_err *err)
{
	struct side *sd = &v->side[i];
	struct rpl_table *t = i == 0 ? &v->st : &v->tv;
	enum rpl_engine de = v->side[1].conn->engine, se = sd->conn->engine;
	const struct rpl_column **sc = calloc(t->ncols ? t->ncols : 1, sizeof *sc);
	const struct rpl_column **dc = calloc(t->ncols ? t->ncols : 1, sizeof *dc);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct rpl_range all = { .all = true };
	int r = 0;
	if (sc == NULL || dc == NULL) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < t->ncols; c++)
		sc[c] = &t->cols[c], dc[c] = &v->tv.cols[c];
	/* keyset slices would order by the engine's collation: one ordered SELECT */
	sd->want = (struct rpl_source_want){ .label = v->label, .odbc_only = v->o.bulk_odbc, .text_copy = v->o.text_copy };
	if ((r = rpl_source_open(sd->conn, &sd->want, &sd->s, err)) < 0)
		goto out;
	for (int pass = 0; pass < 2; pass++) {
		r = 0;   /* a second pass: the first one's fit gave way to ODBC (1), laid out again here */
		sd->g.native_read = sd->s->native_read;
		/* the target is never written through sqliteodbc here: no text doubles for it */
		unsigned fl = rpl_source_layout_flags(sd->s, true) | (de == RPL_ENGINE_SQLITE ? RPL_XFER_DST_LIB : 0) |
		              v->keeps;
		/* both sides in one form: SQLite's values verbatim only when both sides are
		 * SQLite (as a copy between them carries them, xfer.h) */
		if (v->side[0].conn->engine != v->side[1].conn->engine)
			fl |= RPL_XFER_TYPED;
		for (int k = 0; k < 2 && r == 0; k++) {
			rpl_xbuf_fini(&sd->buf[k]);
			r = rpl_xbuf_layout(&sd->buf[k], sc, dc, t->ncols, se, de, fl, v->o.chunk_bytes, err);
		}
		rpl_sbuf_reset(&sql);
		rpl_vtable_sql(v, i, &all, &sql);
		if (r == 0 && !rpl_sbuf_ok(&sql))
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		if (r < 0 || (r = rpl_source_fit(&sd->s, &sd->want, &sd->buf[0], sql.s, err)) <= 0)
			break;
	}
	if (r > 0)
		r = rpl_err_set(err, RPL_EINVAL, "%s: no source adapter reads table %s", i ? "target" : "source", v->label);
	sd->g.native_read = sd->s->native_read;
out:
	rpl_sbuf_fini(&sql);
	free(sc);
	free(dc);
	return r;
}

/* vt_cross_plan: a MariaDB source against a PostgreSQL target of the types vcross.h
 * hashes, its server reached through libpq: the source is hashed here */
static int
vt_cross_plan(struct rpl_vtable *v, struct rpl_err *err)
{
	size_t n = v->st.ncols;
	if (v->nkey == 0 || v->o.no_digest || v->o.scan_only || v->digest)
		return 0;
	v->xcols = calloc(n ? n : 1, sizeof *v->xcols);
	v->unjudged = calloc(n ? n : 1, sizeof *v->unjudged);
	if (v->xcols == NULL || v->unjudged == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (!rpl_vcross_plan(&v->st, &v->tv, v->vcols, v->side[0].conn->engine, v->side[1].conn->engine, v->xcols))
		return 0;
	int r = rpl_vdigest_connect(v->side[1].conn, &v->dc[1], err);
	v->xdigest = r == 0;
	return r < 0 ? r : 0;
}

/* vt_compare: how each column is compared, the key's columns, the value rules */
static int
vt_compare(struct rpl_vtable *v, struct rpl_err *err)
{
	size_t n = v->st.ncols;
	v->vcols = calloc(n ? n : 1, sizeof *v->vcols);
	v->key_cols = calloc(n ? n : 1, sizeof *v->key_cols);
	v->judged = calloc(n ? n : 1, sizeof *v->judged);
	v->nul_only = calloc(n ? n : 1, sizeof *v->nul_only);
	v->watch = calloc(n ? n : 1, sizeof *v->watch);
	if (v->vcols == NULL || v->key_cols == NULL || v->judged == NULL || v->nul_only == NULL || v->watch == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	bool lite_dst = v->side[1].conn->engine == RPL_ENGINE_SQLITE;
	for (size_t i = 0; i < n; i++) {
		const struct rpl_column *s = &v->st.cols[i], *d = &v->tv.cols[i];
		/* a time's digits as a timestamp's; an interval (text) is compared whole */
		int digits = (d->cls == RPL_CLASS_TIMESTAMP || d->cls == RPL_CLASS_TIME) && !lite_dst ? d->scale : 9;
		/* a decimal into a double column as doubles: the rules let through a decimal
		 * whose double is it (2^60) or spells it (0.1), and the target holds that double */
		enum rpl_class cls = s->cls == RPL_CLASS_DECIMAL && d->cls == RPL_CLASS_DOUBLE ? RPL_CLASS_DOUBLE : s->cls;
		/* an interval into a time column as a duration: MariaDB's 26:00:00.000000 is
		 * PostgreSQL's '1 day 02:00:00' (rules_times.c wrote it so) */
		if (s->kind == RPL_KIND_INTERVAL && d->cls == RPL_CLASS_TIME)
			cls = RPL_CLASS_TIME;
		v->vcols[i] = (struct rpl_vcol){ .name = s->name, .cls = cls,
		                                 .pad = s->kind == RPL_KIND_CHAR || d->kind == RPL_KIND_CHAR,
		                                 .ts_digits = digits < 0 ? 0 : digits > 9 ? 9 : digits,
		                                 .single = d->sql_type == SQL_REAL };
	}
	for (int k = 1; k <= v->st.npk; k++)
		for (size_t i = 0; i < n; i++)
			if (v->st.cols[i].pk_pos == k)
				v->key_cols[v->nkey++] = i;
	struct rpl_conn *src = v->side[0].conn;
	v->rules = (struct rpl_rules){ .dst_dialect = v->side[1].conn->dialect, .truncate_strings = v->o.truncate_strings,
	                               .placeholder_dates = v->o.placeholder_dates,
	                               .n_placeholder_dates = v->o.n_placeholder_dates,
	                               .untyped_source = src->engine == RPL_ENGINE_SQLITE };
	rpl_rules_plan(&v->rules, &v->side[0].buf[0], src->engine, v->judged, v->nul_only);
	v->rules.judged = v->judged;
	v->rules.nul_only = v->nul_only;
	v->rules.nwatch = rpl_rules_watch(&v->rules, &v->side[0].buf[0], v->watch, &v->rules.nnul);
	v->rules.watch = v->watch;
	v->digest = v->nkey > 0 && !v->o.no_digest && !v->o.scan_only &&
	            rpl_vdigest_fits(&v->st, &v->tv, v->judged, src->engine, v->side[1].conn->engine);
	for (int i = 0; i < 2 && v->digest; i++) {
		int r = rpl_vdigest_connect(v->side[i].conn, &v->dc[i], err);
		if (r < 0)
			return r;
		v->digest = r == 0;
	}
	return vt_cross_plan(v, err);
}

/* vt_equal fills out for a partition the digests proved equal; 1 */
static int
vt_equal(struct rpl_vtable *v, int64_t src_rows, int64_t tgt_rows, struct rpl_verify_part *out, struct rpl_err *err)
{
	out->keyed = true;
	out->by_digest = true;
	out->source_rows = src_rows;
	out->target_rows = tgt_rows;
	out->changed_by_col = calloc(v->st.ncols ? v->st.ncols : 1, sizeof *out->changed_by_col);
	return out->changed_by_col != NULL ? 1 : rpl_err_set(err, RPL_ENOMEM, "out of memory");
}

/* One side's digest, on a thread of its own for the source. */
struct vt_dg {
	struct rpl_conn *conn;
	struct rpl_vdconn *dc;
	struct rpl_sbuf sql;
	struct rpl_vdigest d;
	struct rpl_err err;
	int rc;
};

static void *
vt_dg_main(void *arg)
{
	struct vt_dg *g = arg;
	g->rc = rpl_vdigest_read(g->conn, g->dc, g->sql.s, &g->d, &g->err);
	return NULL;
}

/* vt_digest: 1 when both servers' digests prove range r equal (out filled), 0 when
 * the rows must be compared; a digest that fails turns digests off for the table
 * (a server before PostgreSQL 14) and the rows say the rest. A cancel is seen when
 * both statements have ended. */
static int
vt_digest(struct rpl_vtable *v, const struct rpl_range *r, struct rpl_verify_part *out, struct rpl_err *err)
{
	struct vt_dg g[2] = { { .conn = v->side[0].conn, .dc = v->dc[0], .sql = RPL_SBUF_INIT, .err = RPL_ERR_INIT },
	                      { .conn = v->side[1].conn, .dc = v->dc[1], .sql = RPL_SBUF_INIT, .err = RPL_ERR_INIT } };
	for (int i = 0; i < 2; i++)
		rpl_vdigest_sql(&v->side[i].g, v->judged, v->o.placeholder_dates, v->o.n_placeholder_dates, r, &g[i].sql);
	int res = 0;
	pthread_t th;
	if (!rpl_sbuf_ok(&g[0].sql) || !rpl_sbuf_ok(&g[1].sql)) {
		res = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	bool threaded = pthread_create(&th, NULL, vt_dg_main, &g[0]) == 0;
	if (!threaded)
		vt_dg_main(&g[0]);
	vt_dg_main(&g[1]);
	if (threaded)
		pthread_join(th, NULL);
	if (v->o.cancel != NULL && atomic_load(v->o.cancel)) {
		res = rpl_err_set(err, RPL_ECANCELED, "verify cancelled");
		goto out;
	}
	if (g[0].rc < 0 || g[1].rc < 0) {
		v->digest = false;
		rpl_log(RPL_LOG_INFO, RPL_LOG_MAIN, "verify %s: no server digests, rows compared (%s)", v->label,
		        g[0].rc < 0 ? g[0].err.msg : g[1].err.msg);
		goto out;
	}
	if (rpl_vdigest_equal(&g[0].d, &g[1].d))
		res = vt_equal(v, g[0].d.rows, g[1].d.rows, out, err);
out:
	rpl_sbuf_fini(&g[0].sql);
	rpl_sbuf_fini(&g[1].sql);
	return res;
}

/* vt_xdigest: as vt_digest, the target's server digest on a thread of its own
 * while this one reads and hashes the source's rows (vcross.h) */
static int
vt_xdigest(struct rpl_vtable *v, const struct rpl_range *r, struct rpl_verify_part *out, struct rpl_err *err)
{
	struct vt_dg g = { .conn = v->side[1].conn, .dc = v->dc[1], .sql = RPL_SBUF_INIT, .err = RPL_ERR_INIT };
	rpl_vdigest_sql(&v->side[1].g, v->unjudged, NULL, 0, r, &g.sql);
	if (!rpl_sbuf_ok(&g.sql)) {
		rpl_sbuf_fini(&g.sql);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	pthread_t th;
	bool threaded = pthread_create(&th, NULL, vt_dg_main, &g) == 0;
	if (!threaded)
		vt_dg_main(&g);
	struct rpl_vcross_sum s = { .proven = false };
	int res = side_start(v, &v->side[0], r, err);
	if (res == 0) {
		struct rpl_vstream src = { &v->side[0].buf[0], side_fetch, &v->side[0] };
		res = rpl_vcross_read(&src, &v->rules, v->vcols, v->xcols, v->st.ncols, v->o.cancel, &s, err);
		side_end(&v->side[0], res < 0 || !s.proven);
	}
	if (threaded)
		pthread_join(th, NULL);
	if (res == 0 && g.rc < 0) {
		v->xdigest = false;
		rpl_log(RPL_LOG_INFO, RPL_LOG_MAIN, "verify %s: no server digest, rows compared (%s)", v->label, g.err.msg);
	} else if (res == 0 && s.proven && s.rows == g.d.rows && strcmp(s.sum, g.d.sum) == 0) {
		res = vt_equal(v, s.rows, g.d.rows, out, err);
	}
	rpl_sbuf_fini(&g.sql);
	return res;
}

int
rpl_vtable_open(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_vtable_opts *o,
                struct rpl_vtable **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_vtable *v = calloc(1, sizeof *v);
	if (v == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	v->o = *o;
	v->side[0].conn = src;
	v->side[1].conn = dst;
	for (int i = 0; i < 2; i++) {
		pthread_mutex_init(&v->side[i].mu, NULL);
		pthread_cond_init(&v->side[i].cv, NULL);
	}
	snprintf(v->label, sizeof v->label, "%s%s%s", o->src_schema ? o->src_schema : "", o->src_schema ? "." : "",
	         o->src_table);
	int r = vt_catalogs(v, err);
	bool only = false, partitioned = false;
	if (r == 0 && o->only_parent && src->engine == RPL_ENGINE_POSTGRES &&
	    (r = rpl_pginherit_partitioned(src, o->src_schema, o->src_table, &partitioned, err)) == 0)
		only = !partitioned;
	v->side[0].g = (struct rpl_sqlgen){ .src = src->dialect, .dst = dst->dialect, .st = &v->st, .dt = &v->dt,
	                                    .src_schema = o->src_schema, .src_table = o->src_table,
	                                    .dst_schema = o->dst_schema, .dst_table = o->dst_table,
	                                    .date_column = o->date_column, .dst_names = v->dst_names, .only = only };
	const char *dst_date = o->date_column != NULL ? rpl_colmap_target_name(o->map, o->date_column) : NULL;
	v->side[1].g = (struct rpl_sqlgen){ .src = dst->dialect, .dst = dst->dialect, .st = &v->tv,
	                                    .src_schema = o->dst_schema, .src_table = o->dst_table,
	                                    .dst_schema = o->dst_schema, .dst_table = o->dst_table,
	                                    .date_column = dst_date };
	v->side[0].g.kslice = v->side[1].g.kslice = o->kslice;
	v->side[0].g.peer = &v->tv, v->side[1].g.peer = &v->st;   /* each side's keys in the same order */
	v->side[0].g.peer_dialect = dst->dialect, v->side[1].g.peer_dialect = src->dialect;
	if (r == 0)
		r = vt_writer_keeps(v, err);
	for (int i = 0; i < (o->scan_only ? 1 : 2) && r == 0; i++)
		r = vt_side(v, i, err);
	if (r == 0)
		r = vt_compare(v, err);
	if (r < 0) {
		rpl_vtable_close(v);
		return r;
	}
	*out = v;
	return 0;
}

/* sliceable: may a big partition be cut in key slices? Slices compare the key with
 * integer bounds on both sides: a single integer key there, and more than one
 * worker asked for. */
static bool
sliceable(const struct rpl_vtable *v)
{
	return v->o.slices > 1 && v->o.kslice == NULL && v->nkey == 1 && v->st.cols[v->key_cols[0]].cls == RPL_CLASS_INT &&
	       v->tv.cols[v->key_cols[0]].cls == RPL_CLASS_INT;
}

size_t
rpl_vtable_slices(const struct rpl_vtable *v, int64_t *row_bytes, int *cpus)
{
	*row_bytes = -1;
	*cpus = 0;
	if (!sliceable(v) || v->o.scan_only)
		return 1;
	return rpl_vslices_max(v->side[0].conn, &v->o, v->label, row_bytes, cpus);
}

int
rpl_vtable_verify(struct rpl_vtable *v, const struct rpl_range *range, struct rpl_verify_part *out,
                  struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	if (v->o.scan_only)
		return rpl_err_set(err, RPL_EINVAL, "table %s: opened for scan only", v->label);
	int r = 0;
	if (sliceable(v)) {
		struct rpl_vslices_in in = { .o = &v->o, .src = v->side[0].conn, .dst = v->side[1].conn,
		                             .g = &v->side[0].g, .key = v->st.cols[v->key_cols[0]].name,
		                             .ncols = v->st.ncols, .label = v->label };
		if ((r = rpl_vslices_verify(&in, range, out, err)) <= 0)
			return r;
	}
	r = v->digest ? vt_digest(v, range, out, err) : v->xdigest ? vt_xdigest(v, range, out, err) : 0;
	if (r != 0)
		return r < 0 ? r : 0;
	r = side_start(v, &v->side[0], range, err);
	if (r == 0 && (r = side_start(v, &v->side[1], range, err)) < 0)
		side_end(&v->side[0], true);
	if (r < 0)
		return r;
	struct rpl_verify_def d = {
		.src = { &v->side[0].buf[0], side_fetch, &v->side[0] },
		.tgt = { &v->side[1].buf[0], side_fetch, &v->side[1] },
		.rules = &v->rules, .cols = v->vcols, .ncols = v->st.ncols, .key_cols = v->key_cols, .nkey = v->nkey,
		.max_keys = v->o.max_keys, .cancel = v->o.cancel,
	};
	r = rpl_verify_run(&d, out, err);
	side_end(&v->side[0], r < 0);
	side_end(&v->side[1], r < 0);
	return r;
}

int
rpl_vtable_scan(struct rpl_vtable *v, const struct rpl_range *range, struct rpl_scan_part *out,
                struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	int r = side_start(v, &v->side[0], range, err);
	if (r < 0)
		return r;
	struct rpl_scan_def d = {
		.src = { &v->side[0].buf[0], side_fetch, &v->side[0] }, .rules = &v->rules, .cols = v->vcols,
		.ncols = v->st.ncols, .key_cols = v->key_cols, .nkey = v->nkey, .max_keys = v->o.max_keys,
		.cancel = v->o.cancel,
	};
	r = rpl_scan_run(&d, out, err);
	side_end(&v->side[0], r < 0);
	return r;
}

void
rpl_vtable_close(struct rpl_vtable *v)
{
	if (v == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		side_end(&v->side[i], true);
		rpl_source_close(v->side[i].s);
		rpl_xbuf_fini(&v->side[i].buf[0]);
		rpl_xbuf_fini(&v->side[i].buf[1]);
		pthread_mutex_destroy(&v->side[i].mu);
		pthread_cond_destroy(&v->side[i].cv);
	}
	rpl_table_fini(&v->st);
	rpl_table_fini(&v->dt);
	rpl_table_fini(&v->tv);
	free(v->dst_names);
	free(v->vcols);
	free(v->key_cols);
	free(v->judged);
	free(v->nul_only);
	free(v->watch);
	free(v->xcols);
	free(v->unjudged);
	rpl_vdigest_disconnect(v->dc[0]);
	rpl_vdigest_disconnect(v->dc[1]);
	free(v);
}
