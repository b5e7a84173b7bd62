/* lib/odbc/odbc_slices.c: keyset slices over two connections (DESIGN in odbc_slices.h). */
#include "odbc_slices.h"
#include "xfer.h"
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
