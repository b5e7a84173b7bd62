/* lib/odbc/odbc_slices.c: keyset slices over two connections (DESIGN in odbc_slices.h). */
#include "odbc_slices.h"
#include "log.h"
#include "odbc_source.h"
#include "sbuf.h"
#include "sqlgen.h"
#include "xfer.h"
#include <stdio.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum slot_state { SLOT_FREE, SLOT_BUSY, SLOT_READY };

struct slot {
	SQLHSTMT st;                /* owned, on conn[k] */
	bool prepared;              /* st holds the keyed SELECT, its parameters bound to key */
	unsigned char *key;         /* owned, one row: the key this slot's next slice starts after */
	SQLUSMALLINT key_status[2];
	SQLULEN key_fetched;
	enum slot_state state;
	bool last;                  /* READY: no slice after this one */
	SQLLEN rows;                /* READY: the slice's rows as the driver counted them; -1 unknown */
	int rc;                     /* READY: < 0, the slice failed and err says why */
	struct rpl_err err;
};

struct rpl_keyslices {
	struct rpl_keyslices_def d;
	struct rpl_xbuf one;        /* d.layout's columns, one row: the last-key fetch binds it */
	struct slot slot[2];
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	/* the reader's side */
	int cur;                    /* the slot being fetched */
	bool open;                  /* cur's slice has been taken */
	bool first;                 /* its next fetch is its first */
	bool done;                  /* the last slice has been read */
	SQLULEN fetched;
	SQLLEN in_slice;            /* rows fetched from cur's slice */
};

/* bind_key binds the key columns of slot k's key row as the keyed SELECT's parameters,
 * typed as the source's own columns: the layout's parameter types describe the target
 * (a timestamp announced with the target's scale would lose its fraction, and a key
 * read again at lower precision would be read twice). Decimal keys travel as text and
 * the keyed SELECT casts them (sqlgen.c): MySQL compares a decimal with a string as
 * doubles, which cannot tell keys apart past the 15th digit (MariaDB 10.11 compares
 * them exactly). */
static int
bind_key(struct rpl_keyslices *ks, int k)
{
	const struct rpl_xbuf *l = ks->d.layout;
	unsigned char *row = ks->slot[k].key;
	for (int i = 0; i < ks->d.npk; i++) {
		const struct rpl_xcol *x = &l->cols[ks->d.pk_cols[i]];
		SQLSMALLINT type = x->param_type, digits = x->param_digits;
		SQLULEN size = x->param_size;
		if (x->src->cls == RPL_CLASS_DECIMAL)
			type = SQL_VARCHAR, size = (SQLULEN)x->width, digits = 0;
		else if (x->c_type == SQL_C_TYPE_TIMESTAMP)
			type = SQL_TYPE_TIMESTAMP, size = 26, digits = 6;
		SQLRETURN rc = SQLBindParameter(ks->slot[k].st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, x->c_type,
		                                type, size, digits, row + x->off, x->width,
		                                (SQLLEN *)(void *)(row + x->ind_off));
		if (!SQL_SUCCEEDED(rc))
			return -1;
	}
	return 0;
}

/* last_key reads the last row of slot k's slice into the other slot's key row, where
 * the slice after it takes its parameters from. *empty: the slice had no row. */
static int
last_key(struct rpl_keyslices *ks, int k, bool *empty, struct rpl_err *err)
{
	struct slot *s = &ks->slot[k], *o = &ks->slot[k ^ 1];
	ks->one.data = o->key;      /* the slicer's alone: the reader binds its own chunks */
	ks->one.status = o->key_status;
	if (rpl_xbuf_bind_cols(&ks->one, s->st, &o->key_fetched) < 0)
		return rpl_conn_fail(ks->d.conn[k], s->st, err, "binding the slice's last key");
	SQLRETURN rc = SQLFetchScroll(s->st, SQL_FETCH_LAST, 0);
	*empty = rc == SQL_NO_DATA;
	if (!*empty && !SQL_SUCCEEDED(rc))
		return rpl_conn_fail(ks->d.conn[k], s->st, err, "fetching the slice's last key");
	/* a key cut to its buffer would start the next slice at the wrong place */
	for (int i = 0; !*empty && i < ks->d.npk; i++) {
		const struct rpl_xcol *x = &ks->one.cols[ks->d.pk_cols[i]];
		SQLLEN ind = *(SQLLEN *)(void *)(o->key + x->ind_off);
		SQLLEN room = x->c_type == SQL_C_CHAR ? x->width - 1 : x->width;
		if ((x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY) && (ind > room || ind == SQL_NO_TOTAL))
			return rpl_err_set(err, RPL_ECONVERT, "source: key column %s: a value of %ld bytes is longer than its %ld-byte buffer",
			                   x->src->name, (long)ind, (long)room);
		if (ind == SQL_NULL_DATA)
			return rpl_err_set(err, RPL_ECONVERT, "source: key column %s is NULL: keyset slices need a primary key without NULLs",
			                   x->src->name);
	}
	return 0;
}

/* run_slice executes slice number i on slot k and finds where the next one starts. */
static int
run_slice(struct rpl_keyslices *ks, int k, size_t i, bool *last, struct rpl_err *err)
{
	struct slot *s = &ks->slot[k];
	struct rpl_conn *c = ks->d.conn[k];
	SQLRETURN rc;
	if (i == 0) {
		rc = SQLExecDirect(s->st, (SQLCHAR *)ks->d.first_sql, SQL_NTS);
	} else {
		if (!s->prepared) {
			if (!SQL_SUCCEEDED(SQLPrepare(s->st, (SQLCHAR *)ks->d.keyed_sql, SQL_NTS)) || bind_key(ks, k) < 0)
				return rpl_conn_fail(c, s->st, err, "prepare keyset slice");
			s->prepared = true;
		}
		rc = SQLExecute(s->st);
	}
	if (!SQL_SUCCEEDED(rc))
		return rpl_conn_fail(c, s->st, err, i == 0 ? "select" : "select slice");
	/* The count of a stored result. Zero or less is taken as unknown (Connector/ODBC
	 * answers 0 for a result it did not store): then the last key is fetched all the
	 * same, and at worst one empty slice ends the partition. The reader checks a
	 * known count against the rows it fetched. */
	s->rows = -1;
	if (!SQL_SUCCEEDED(SQLRowCount(s->st, &s->rows)) || s->rows <= 0)
		s->rows = -1;
	if (s->rows > 0 && (size_t)s->rows < ks->d.slice_rows) {
		*last = true;
		return 0;
	}
	return last_key(ks, k, last, err);
}

static void *
slicer_main(void *arg)
{
	struct rpl_keyslices *ks = arg;
	bool one_conn = ks->d.conn[1] == ks->d.conn[0];
	for (size_t i = 0;; i++) {
		int k = (int)(i & 1);
		struct slot *s = &ks->slot[k];
		pthread_mutex_lock(&ks->mu);
		while (!ks->stop && (s->state != SLOT_FREE || (one_conn && ks->slot[k ^ 1].state != SLOT_FREE)))
			pthread_cond_wait(&ks->cv, &ks->mu);
		bool stop = ks->stop;
		if (!stop)
			s->state = SLOT_BUSY;
		pthread_mutex_unlock(&ks->mu);
		if (stop)
			break;
		bool last = false;
		struct rpl_err e = RPL_ERR_INIT;
		int r = run_slice(ks, k, i, &last, &e);
		last = last || r < 0;
		pthread_mutex_lock(&ks->mu);
		s->rc = r;
		if (r < 0)
			s->err = e;
		s->last = last;
		s->state = SLOT_READY;
		pthread_cond_broadcast(&ks->cv);
		pthread_mutex_unlock(&ks->mu);
		if (last)
			break;
	}
	return NULL;
}

int
rpl_keyslices_start(const struct rpl_keyslices_def *d, struct rpl_keyslices **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_keyslices *ks = calloc(1, sizeof *ks);
	if (ks == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	ks->d = *d;
	ks->one = *d->layout;   /* before any thread runs: the reader resets bufs[0] per chunk */
	ks->one.rows = 1;
	pthread_mutex_init(&ks->mu, NULL);
	pthread_cond_init(&ks->cv, NULL);
	ks->first = true;
	int r = 0;
	for (int k = 0; k < 2 && r == 0; k++) {
		struct slot *s = &ks->slot[k];
		s->st = SQL_NULL_HSTMT;
		s->key = calloc(1, d->layout->row_size);
		if (s->key == NULL) {
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
			break;
		}
		if ((r = rpl_conn_stmt(d->conn[k], &s->st, err)) < 0)
			break;
		/* static: SQL_FETCH_LAST and back to SQL_FETCH_FIRST (see odbc_slices.h); a
		 * driver that quietly chose another type (01S02) would not scroll back */
		SQLULEN type = 0;
		if (!SQL_SUCCEEDED(SQLSetStmtAttr(s->st, SQL_ATTR_CURSOR_TYPE, (SQLPOINTER)SQL_CURSOR_STATIC, 0)) ||
		    !SQL_SUCCEEDED(SQLGetStmtAttr(s->st, SQL_ATTR_CURSOR_TYPE, &type, 0, NULL)))
			r = rpl_conn_fail(d->conn[k], s->st, err, "a static cursor for keyset slices");
		else if (type != SQL_CURSOR_STATIC)
			r = rpl_err_set(err, RPL_EODBC, "source: the driver gave cursor type %lu where keyset slices need a static one (a FORWARDONLY or NO_CACHE option in the connection string?)",
			                (unsigned long)type);
	}
	if (r == 0 && pthread_create(&ks->th, NULL, slicer_main, ks) != 0)
		r = rpl_err_set(err, RPL_ENOMEM, "cannot start the slice thread");
	ks->started = r == 0;
	if (r < 0) {
		rpl_keyslices_stop(ks);
		return r;
	}
	*out = ks;
	return 0;
}

int
rpl_keyslices_fetch(struct rpl_keyslices *ks, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	*n = 0;
	while (!ks->done) {
		struct slot *s = &ks->slot[ks->cur];
		if (!ks->open) {
			pthread_mutex_lock(&ks->mu);
			while (s->state != SLOT_READY)
				pthread_cond_wait(&ks->cv, &ks->mu);
			pthread_mutex_unlock(&ks->mu);
			if (s->rc < 0) {
				*err = s->err;
				return s->rc;
			}
			ks->open = true;
			ks->first = true;
			ks->in_slice = 0;
		}
		ks->fetched = 0;
		if (rpl_xbuf_bind_cols(b, s->st, &ks->fetched) < 0)
			return rpl_conn_fail(ks->d.conn[ks->cur], s->st, err, "binding the block cursor");
		SQLRETURN rc = SQLFetchScroll(s->st, ks->first ? SQL_FETCH_FIRST : SQL_FETCH_NEXT, 0);
		ks->first = false;
		if (rc == SQL_NO_DATA) {
			if (s->rows >= 0 && s->rows != ks->in_slice)
				return rpl_err_set(err, RPL_EODBC, "source: the driver counted %ld rows in a keyset slice and returned %ld",
				                   (long)s->rows, (long)ks->in_slice);
			SQLFreeStmt(s->st, SQL_CLOSE);
			pthread_mutex_lock(&ks->mu);
			bool last = s->last;
			s->state = SLOT_FREE;
			pthread_cond_broadcast(&ks->cv);
			pthread_mutex_unlock(&ks->mu);
			ks->open = false;
			if (last) {
				ks->done = true;
				return 0;
			}
			ks->cur ^= 1;
			continue;
		}
		if (!SQL_SUCCEEDED(rc))
			return rpl_conn_fail(ks->d.conn[ks->cur], s->st, err, "fetch");
		*n = ks->fetched;
		ks->in_slice += (SQLLEN)*n;
		if (*n > 0)
			return 0;
	}
	return 0;
}

void
rpl_keyslices_stop(struct rpl_keyslices *ks)
{
	if (ks == NULL)
		return;
	if (ks->started) {
		pthread_mutex_lock(&ks->mu);
		ks->stop = true;
		/* a slice still executing (a lock wait on the source, say) is cancelled
		 * rather than waited for; ODBC allows SQLCancel from another thread */
		for (int k = 0; k < 2; k++)
			if (ks->slot[k].state == SLOT_BUSY)
				SQLCancel(ks->slot[k].st);
		pthread_cond_broadcast(&ks->cv);
		pthread_mutex_unlock(&ks->mu);
		pthread_join(ks->th, NULL);
	}
	for (int k = 0; k < 2; k++) {
		if (ks->slot[k].st != SQL_NULL_HSTMT)
			SQLFreeHandle(SQL_HANDLE_STMT, ks->slot[k].st);
		free(ks->slot[k].key);
	}
	pthread_mutex_destroy(&ks->mu);
	pthread_cond_destroy(&ks->cv);
	free(ks);
}

/* The keyset-slice source adapter (source.h): a MariaDB source read through ODBC,
 * with a key and the copy's statements (want.g) to write the slices of a range. It
 * owns the slices' second connection, opened at the first start that needs it. */
struct slices_source {
	struct rpl_source base;
	const struct rpl_sqlgen *g;      /* borrowed (want.g) */
	const struct rpl_xbuf *layout;   /* borrowed (fit) */
	size_t *pk_cols;                 /* owned; layout columns of the key, in key order */
	int npk;
	size_t slice_rows;
	struct rpl_conn src2;            /* owned once opened */
	enum { SRC2_NONE, SRC2_OPEN, SRC2_FAILED } src2_state;
	struct rpl_keyslices *ks;        /* owned while a range is read */
	struct rpl_sbuf first_sql, keyed_sql;   /* owned: the range's two SELECTs */
	char label[300];
};

static int
slices_fit(struct rpl_source *s, const struct rpl_xbuf *layout, const char *select_sql, struct rpl_err *err)
{
	struct slices_source *o = (struct slices_source *)s;
	(void)select_sql;
	o->layout = layout;
	free(o->pk_cols);
	o->npk = 0;
	o->pk_cols = calloc((size_t)o->g->st->npk, sizeof *o->pk_cols);
	if (o->pk_cols == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (int k = 1; k <= o->g->st->npk; k++)
		for (size_t i = 0; i < layout->ncols; i++)
			if (layout->cols[i].src->pk_pos == k)
				o->pk_cols[o->npk++] = i;
	/* two chunks per slice: the driver's copy of a slice stays near our own buffer */
	o->slice_rows = layout->rows * 2 < 1000 ? 1000 : layout->rows * 2;
	return 0;
}

/* slices_conn: the second connection, opened at the first range that needs one. When
 * it cannot be opened (the server's connection limit, say) the slices run one after
 * another on the first, with a warning. */
static struct rpl_conn *
slices_conn(struct slices_source *o)
{
	if (o->src2_state == SRC2_NONE) {
		struct rpl_err e = RPL_ERR_INIT;
		struct rpl_conn *c = o->base.conn;
		if (rpl_conn_open(&o->src2, c->side, c->connstr, c->secret, &e) == 0) {
			o->src2_state = SRC2_OPEN;
		} else {
			o->src2_state = SRC2_FAILED;
			rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s a second source connection failed (%s); reading slices one after another",
			        o->label, e.msg);
		}
	}
	return o->src2_state == SRC2_OPEN ? &o->src2 : o->base.conn;
}

static void
slices_sql(const struct slices_source *o, const struct rpl_range *range, struct rpl_sbuf *first,
           struct rpl_sbuf *keyed)
{
	size_t rows = o->slice_rows ? o->slice_rows : 1000;
	rpl_sbuf_reset(first);
	rpl_sbuf_reset(keyed);
	rpl_sqlgen_slice(o->g, range, false, rows, first);
	rpl_sqlgen_slice(o->g, range, true, rows, keyed);
}

static int
slices_start(struct rpl_source *s, const char *select_sql, const struct rpl_range *range, struct rpl_err *err)
{
	struct slices_source *o = (struct slices_source *)s;
	static const struct rpl_range all = { .all = true };
	(void)select_sql;   /* the slices are written from the range */
	slices_sql(o, range != NULL ? range : &all, &o->first_sql, &o->keyed_sql);
	if (!rpl_sbuf_ok(&o->first_sql) || !rpl_sbuf_ok(&o->keyed_sql))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	struct rpl_keyslices_def d = {
		.conn = { s->conn, slices_conn(o) }, .first_sql = o->first_sql.s, .keyed_sql = o->keyed_sql.s,
		.slice_rows = o->slice_rows, .layout = o->layout, .pk_cols = o->pk_cols, .npk = o->npk,
	};
	return rpl_keyslices_start(&d, &o->ks, err);
}

static int
slices_fetch(struct rpl_source *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	return rpl_keyslices_fetch(((struct slices_source *)s)->ks, b, n, err);
}

static void
slices_finish(struct rpl_source *s)
{
	struct slices_source *o = (struct slices_source *)s;
	rpl_keyslices_stop(o->ks);
	o->ks = NULL;
}

static void
slices_close(struct rpl_source *s)
{
	struct slices_source *o = (struct slices_source *)s;
	slices_finish(s);
	if (o->src2_state == SRC2_OPEN)
		rpl_conn_close(&o->src2);
	free(o->pk_cols);
	rpl_sbuf_fini(&o->first_sql);
	rpl_sbuf_fini(&o->keyed_sql);
	free(o);
}

static void
slices_explain(const struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
               rpl_explain_fn fn, void *data)
{
	const struct slices_source *o = (const struct slices_source *)s;
	static const struct rpl_range all = { .all = true };
	struct rpl_sbuf first = RPL_SBUF_INIT, keyed = RPL_SBUF_INIT;
	(void)select_sql;
	slices_sql(o, range != NULL ? range : &all, &first, &keyed);
	fn(data, rpl_sbuf_str(&first));
	fn(data, rpl_sbuf_str(&keyed));
	rpl_sbuf_fini(&first);
	rpl_sbuf_fini(&keyed);
}

static const struct rpl_source_ops slices_ops = {
	.name = "odbc-slices", .fit = slices_fit, .start = slices_start, .fetch = slices_fetch,
	.finish = slices_finish, .abort = NULL, .close = slices_close, .explain = slices_explain,
};

int
rpl_keyslices_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                          struct rpl_err *err)
{
	*out = NULL;
	/* Connector/ODBC 3.1 holds a whole result set in memory (DRIVERS.md) */
	if (conn->engine != RPL_ENGINE_MARIADB || w->g == NULL || w->g->st->npk == 0)
		return 0;
	struct slices_source *o = calloc(1, sizeof *o);
	if (o == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	o->base.ops = &slices_ops;
	o->base.conn = conn;
	o->base.layout_flags = RPL_XFER_SRC_MYODBC;
	o->g = w->g;
	snprintf(o->label, sizeof o->label, "%s", w->label ? w->label : "");
	snprintf(o->base.why, sizeof o->base.why,
	         "ODBC keyset slices (ORDER BY the key, LIMIT two chunks, the next slice run on a second connection): Connector/ODBC holds a whole result set in memory");
	*out = &o->base;
	return 0;
}
