/* lib/sqlite/sqlite_sink.c: see sqlite_sink.h. */
#include "sqlite_sink.h"
#include "sqlite_refused.h"
#include "odbc_conn.h"
#include "sbuf.h"
#include "sink.h"
#include "sqlgen.h"
#include "xfer.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rpl_litesink {
	sqlite3 *db;            /* owned */
	sqlite3_stmt *ins;      /* owned; NULL until prepared */
};

static int
lite_fail(struct rpl_litesink *s, const char *what, struct rpl_err *err)
{
	rpl_err_set(err, RPL_EODBC, "target: %s: %s", what, sqlite3_errmsg(s->db));
	err->native = sqlite3_errcode(s->db);
	snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
	return err->code;
}

int
rpl_litesink_open(const char *odbc, struct rpl_litesink **out, struct rpl_err *err)
{
	char path[4096];
	*out = NULL;
	if (!rpl_connstr_get(odbc, "Database", path, sizeof path))
		return 0;
	struct rpl_litesink *s = calloc(1, sizeof *s);
	if (s == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		int r = lite_fail(s, "cannot open the SQLite target", err);
		rpl_litesink_close(s);
		return r;
	}
	/* the ledger and the other workers write through their own connections */
	sqlite3_busy_timeout(s->db, 120000);
	*out = s;
	return 0;
}

void
rpl_litesink_close(struct rpl_litesink *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins);
	sqlite3_close(s->db);
	free(s);
}

int
rpl_litesink_exec(struct rpl_litesink *s, const char *sql, struct rpl_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		rpl_err_set(err, RPL_EODBC, "target: %.200s: %s", sql, msg ? msg : sqlite3_errmsg(s->db));
		err->native = sqlite3_errcode(s->db);
		snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
		sqlite3_free(msg);
		return err->code;
	}
	return 0;
}

int
rpl_litesink_exec_count(struct rpl_litesink *s, const char *sql, int64_t *rows, struct rpl_err *err)
{
	int r = rpl_litesink_exec(s, sql, err);
	*rows = r == 0 ? (int64_t)sqlite3_changes(s->db) : 0;
	return r;
}

int
rpl_litesink_prepare(struct rpl_litesink *s, const char *insert_sql, struct rpl_err *err)
{
	sqlite3_finalize(s->ins);
	s->ins = NULL;
	if (sqlite3_prepare_v2(s->db, insert_sql, -1, &s->ins, NULL) != SQLITE_OK)
		return lite_fail(s, "prepare insert", err);
	return 0;
}

/* bind_verbatim binds a value kept with its storage class (xfer.h) as that class */
static int
bind_verbatim(sqlite3_stmt *st, int i, const unsigned char *v, SQLLEN ind)
{
	int64_t i64;
	double d;
	int n = ind > 1 ? (int)(ind - 1) : 0;
	switch (v[0]) {
	case RPL_XV_INTEGER:
		memcpy(&i64, v + 1, sizeof i64);
		return sqlite3_bind_int64(st, i, i64);
	case RPL_XV_REAL:
		memcpy(&d, v + 1, sizeof d);
		return sqlite3_bind_double(st, i, d);
	case RPL_XV_TEXT:
		return sqlite3_bind_text(st, i, (const char *)v + 1, n, SQLITE_STATIC);
	default:   /* a pointer, not NULL, even for an empty BLOB: NULL would bind NULL */
		return sqlite3_bind_blob(st, i, v + 1, n, SQLITE_STATIC);
	}
}

int
rpl_litesink_insert(struct rpl_litesink *s, const struct rpl_xbuf *b, size_t r, char *why, size_t whylen,
                    struct rpl_err *err)
{
	sqlite3_stmt *st = s->ins;
	unsigned char *row = b->data + r * b->row_size;   /* once: this runs per value */
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		const void *v = rpl_xval_in(b, row, x);
		SQLLEN ind = *(const SQLLEN *)(const void *)(row + x->ind_off);
		int i = (int)c + 1, rc;
		if (ind == SQL_NULL_DATA) {
			rc = sqlite3_bind_null(st, i);
		} else if (x->verbatim) {
			rc = bind_verbatim(st, i, v, ind);
		} else {
			switch (x->c_type) {
			case SQL_C_SBIGINT: rc = sqlite3_bind_int64(st, i, *(const int64_t *)v); break;
			case SQL_C_BIT: rc = sqlite3_bind_int(st, i, *(const unsigned char *)v); break;
			case SQL_C_DOUBLE: rc = sqlite3_bind_double(st, i, *(const double *)v); break;
			case SQL_C_BINARY: rc = sqlite3_bind_blob(st, i, v, (int)ind, SQLITE_STATIC); break;
			case SQL_C_CHAR:
				if (x->cls == RPL_CLASS_DOUBLE) {
					/* doubles travel as text when SQLite is a side (xfer.c): bind the
					 * number itself, so SQLite's own text parsing cannot round it */
					char *end;
					double d = strtod(v, &end);
					if (end != (const char *)v && *end == '\0') {
						rc = sqlite3_bind_double(st, i, d);
						break;
					}
				}
				rc = sqlite3_bind_text(st, i, v, (int)ind, SQLITE_STATIC);
				break;
			default:
				return rpl_err_set(err, RPL_EINVAL, "column %s: no SQLite binding for C type %d", x->src->name,
				                   x->c_type);
			}
		}
		if (rc != SQLITE_OK)
			return lite_fail(s, "bind", err);
	}
	int rc = sqlite3_step(st);
	int r2 = 0;
	if (rc != SQLITE_DONE) {
		int code = sqlite3_errcode(s->db) & 0xff;
		if (code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG) {
			snprintf(why, whylen, "target refused the row: %s", sqlite3_errmsg(s->db));
			r2 = 1;
		} else {
			r2 = lite_fail(s, "insert", err);
		}
	}
	/* no sqlite3_clear_bindings: the loop above binds every parameter of every row
	 * (NULLs too), and clearing 184 of them per row was 1.4% of a copy */
	sqlite3_reset(st);
	return r2;
}

/* The sink adapter (sink.h): a SQLite connection string naming a Database= file is
 * written through the library, which runs the partition's whole transaction. */
struct lite_sink {
	struct rpl_sink base;
	struct rpl_litesink *s;       /* owned */
	const struct rpl_sqlgen *g;   /* borrowed (want.g) */
	struct rpl_sbuf insert_sql;   /* owned */
};

static int
litek_fit(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	(void)layout;
	rpl_sbuf_reset(&o->insert_sql);
	rpl_sqlgen_insert(o->g, &o->insert_sql);
	return rpl_sbuf_ok(&o->insert_sql) ? 0 : rpl_err_set(err, RPL_ENOMEM, "out of memory");
}

static int
litek_begin(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	int r = rpl_litesink_exec(o->s, "BEGIN", err);
	(void)batch;
	return r < 0 ? r : rpl_litesink_exec(o->s, delete_sql, err);
}

static int
litek_start(struct rpl_sink *k, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	return rpl_litesink_prepare(o->s, rpl_sbuf_str(&o->insert_sql), err);
}

/* litek_put inserts the first n rows; a row SQLite refuses goes to the refused
 * callback, with the constraint SQLite names (sqlite_refused.h), and the rest go on
 * (a failed statement does not end a SQLite transaction). */
static int
litek_put(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	for (size_t r = 0; r < n; r++) {
		char why[600];
		int rc = rpl_litesink_insert(o->s, b, r, why, sizeof why, err);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			char constraint[128];
			rpl_lite_constraint(o->s->db, o->g != NULL ? o->g->dst_table : NULL, why, constraint, sizeof constraint);
			if ((rc = k->refused_fn(k->refused_data, r, why, why, NULL, constraint[0] != '\0' ? constraint : NULL,
			                        err)) < 0)
				return rc;
			continue;
		}
		(*written)++;
	}
	return 0;
}

static int
litek_exec(struct rpl_sink *k, const char *sql, int64_t *rows, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	return rows != NULL ? rpl_litesink_exec_count(o->s, sql, rows, err) : rpl_litesink_exec(o->s, sql, err);
}

static int
litek_commit(struct rpl_sink *k, bool last, struct rpl_err *err)
{
	struct lite_sink *o = (struct lite_sink *)k;
	int r = rpl_litesink_exec(o->s, "COMMIT", err);
	return r == 0 && !last ? rpl_litesink_exec(o->s, "BEGIN", err) : r;
}

static void
litek_rollback(struct rpl_sink *k)
{
	struct rpl_err ignored = RPL_ERR_INIT;
	rpl_litesink_exec(((struct lite_sink *)k)->s, "ROLLBACK", &ignored);
}

static void
litek_close(struct rpl_sink *k)
{
	struct lite_sink *o = (struct lite_sink *)k;
	rpl_litesink_close(o->s);
	rpl_sbuf_fini(&o->insert_sql);
	free(o);
}

static void
litek_explain(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn, void *data)
{
	const struct lite_sink *o = (const struct lite_sink *)k;
	(void)batch;
	fn(data, RPL_SINK_AT_START, "BEGIN");
	fn(data, RPL_SINK_AT_START, delete_sql);
	fn(data, RPL_SINK_AT_START, rpl_sbuf_str(&o->insert_sql));   /* prepared once, run for each row */
	fn(data, RPL_SINK_AT_COMMIT, "COMMIT");
	fn(data, RPL_SINK_AT_COMMIT, "BEGIN");
	fn(data, RPL_SINK_AT_END, NULL);
	fn(data, RPL_SINK_AT_END, "COMMIT");
}

static const struct rpl_sink_ops lite_sink_ops = {
	.name = "sqlite", .fit = litek_fit, .begin = litek_begin, .start = litek_start, .put = litek_put,
	.flush = NULL, .exec = litek_exec, .commit = litek_commit, .rollback = litek_rollback, .end = NULL,
	.refused = NULL, .unusable = NULL, .close = litek_close, .explain = litek_explain,
};

int
rpl_litesink_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                          char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_litesink *s = NULL;
	*out = NULL;
	if (conn->engine != RPL_ENGINE_SQLITE)
		return 0;
	if (!(rpl_xfer_lite_flags(RPL_ENGINE_UNKNOWN, NULL, conn->engine, conn->connstr, w->odbc_only) & RPL_XFER_DST_LIB)) {
		snprintf(why_not, why_len, "the SQLite library needs a Database= file, not a DSN");
		return 0;
	}
	int r = w->dry ? 0 : rpl_litesink_open(conn->connstr, &s, err);
	if (r < 0)
		return r;
	if (s == NULL && !w->dry)   /* the layout would have assumed the library */
		return rpl_err_set(err, RPL_EINVAL, "SQLite: no Database= file to open");
	struct lite_sink *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_litesink_close(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &lite_sink_ops;
	o->base.conn = conn;
	o->base.by_value = true;
	o->base.layout_flags = RPL_XFER_DST_LIB;
	o->s = s;
	o->g = w->g;
	o->insert_sql = (struct rpl_sbuf)RPL_SBUF_INIT;
	snprintf(o->base.why, sizeof o->base.why,
	         "the SQLite library, a prepared INSERT per row in one transaction: sqliteodbc rounds doubles to 15 digits");
	*out = &o->base;
	return 0;
}
