/* lib/pg/pg_sink.c: COPY text format from the transport buffer (see pg_sink.h). One
 * growing buffer per sink, reused for every chunk; values are rendered straight from
 * the bound C types, so the ODBC read side and this write side share one buffer. */
#include "pg_sink.h"
#include "pg_conn.h"
#include "pg_binary.h"
#include "odbc_conn.h"
#include "log.h"
#include "sbuf.h"
#include "sink.h"
#include "sqlgen.h"
#include "tsv.h"
#include "xfer.h"
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <strings.h>

struct rpl_pgsink {
	PGconn *conn;            /* owned */
	bool binary;             /* FORMAT binary (pg_binary.c), else text */
	struct rpl_sbuf out;     /* owned: one chunk of COPY text */
	char *secret;            /* owned: for scrubbing messages */
};

static int
pg_fail(struct rpl_pgsink *pg, struct rpl_err *err, const char *what, PGresult *res)
{
	return rpl_pgconn_fail(pg->conn, res, "target", what, pg->secret, err);
}

int
rpl_pgsink_open(const char *odbc, const char *password, struct rpl_pgsink **out, struct rpl_err *err)
{
	void *conn;
	*out = NULL;
	int r = rpl_pgconn_open(odbc, password, "target", &conn, err);
	if (r < 0 || conn == NULL)
		return r;
	struct rpl_pgsink *pg = calloc(1, sizeof *pg);
	if (pg == NULL) {
		PQfinish(conn);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	pg->conn = conn;
	pg->secret = password ? strdup(password) : NULL;
	*out = pg;
	return 0;
}

void
rpl_pgsink_close(struct rpl_pgsink *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	rpl_sbuf_fini(&pg->out);
	rpl_secret_free(pg->secret);
	free(pg);
}

int
rpl_pgsink_exec(struct rpl_pgsink *pg, const char *sql, struct rpl_err *err)
{
	PGresult *res = PQexec(pg->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(pg, err, sql, res);
	PQclear(res);
	return 0;
}

int
rpl_pgsink_exec_count(struct rpl_pgsink *pg, const char *sql, int64_t *rows, struct rpl_err *err)
{
	PGresult *res = PQexec(pg->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return pg_fail(pg, err, sql, res);
	*rows = strtoll(PQcmdTuples(res), NULL, 10);   /* "" for statements without a count */
	PQclear(res);
	return 0;
}

int
rpl_pgsink_copy_begin(struct rpl_pgsink *pg, const char *copy_sql, struct rpl_err *err)
{
	PGresult *res = PQexec(pg->conn, copy_sql);
	if (PQresultStatus(res) != PGRES_COPY_IN)
		return pg_fail(pg, err, "COPY FROM STDIN", res);
	PQclear(res);
	if (pg->binary) {
		rpl_sbuf_reset(&pg->out);
		rpl_pgbinary_header(&pg->out);
		if (PQputCopyData(pg->conn, pg->out.s, (int)pg->out.len) != 1)
			return pg_fail(pg, err, "COPY header", NULL);
	}
	return 0;
}

void
rpl_pgsink_set_binary(struct rpl_pgsink *pg, bool binary)
{
	pg->binary = binary;
}

bool
rpl_pgsink_binary(const struct rpl_pgsink *pg)
{
	return pg->binary;
}

int
rpl_pgsink_copy_rows(struct rpl_pgsink *pg, const struct rpl_xbuf *b, size_t n, struct rpl_err *err)
{
	rpl_sbuf_reset(&pg->out);
	if (pg->binary) {
		int r = rpl_pgbinary_rows(b, n, &pg->out, err);
		if (r < 0)
			return r;
		if (!rpl_sbuf_ok(&pg->out))
			return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering COPY data");
		if (pg->out.len > 0 && PQputCopyData(pg->conn, pg->out.s, (int)pg->out.len) != 1)
			return pg_fail(pg, err, "COPY data", NULL);
		return 0;
	}
	rpl_tsv_rows(RPL_TSV_PG_COPY, b, 0, n, &pg->out);
	if (!rpl_sbuf_ok(&pg->out))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering COPY data");
	if (pg->out.len > 0 && PQputCopyData(pg->conn, pg->out.s, (int)pg->out.len) != 1)
		return pg_fail(pg, err, "COPY data", NULL);
	return 0;
}

/* copy_end finishes the COPY; on a refusal the constraint the server names (if any)
 * goes to constraint (n bytes, may be NULL). */
static int
copy_end(struct rpl_pgsink *pg, char *constraint, size_t n, struct rpl_err *err)
{
	if (pg->binary) {
		rpl_sbuf_reset(&pg->out);
		rpl_pgbinary_trailer(&pg->out);
		if (PQputCopyData(pg->conn, pg->out.s, (int)pg->out.len) != 1)
			return pg_fail(pg, err, "COPY trailer", NULL);
	}
	if (PQputCopyEnd(pg->conn, NULL) != 1)
		return pg_fail(pg, err, "COPY end", NULL);
	PGresult *res = PQgetResult(pg->conn);
	int r = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *c = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
		if (constraint != NULL)
			snprintf(constraint, n, "%s", c != NULL ? c : "");
		r = pg_fail(pg, err, "COPY", res);
	} else {
		PQclear(res);
	}
	while ((res = PQgetResult(pg->conn)) != NULL)
		PQclear(res);
	return r;
}

int
rpl_pgsink_copy_end(struct rpl_pgsink *pg, struct rpl_err *err)
{
	return copy_end(pg, NULL, 0, err);
}

/* split_once: rows [first, first + n) of b in one COPY under the savepoint; 1 when
 * the server refused them for their data (rolled back to the savepoint), with its
 * reason in e and constraint; < 0 for any other failure. */
static int
split_once(struct rpl_pgsink *pg, const char *copy_sql, const struct rpl_xbuf *b, size_t first, size_t n,
           struct rpl_err *e, char *constraint, size_t cn, struct rpl_err *err)
{
	struct rpl_xbuf view = *b;   /* rows first.. as rows 0..: values are found from their row */
	view.data = b->data + first * b->row_size;
	int r = rpl_pgsink_exec(pg, "SAVEPOINT rpl_split", err);
	if (r == 0 && (r = rpl_pgsink_copy_begin(pg, copy_sql, err)) == 0) {
		constraint[0] = '\0';
		if ((r = rpl_pgsink_copy_rows(pg, &view, n, e)) < 0)
			rpl_pgsink_copy_abort(pg);
		else
			r = copy_end(pg, constraint, cn, e);
		if (r == 0)
			return rpl_pgsink_exec(pg, "RELEASE SAVEPOINT rpl_split", err);
		/* a data exception (22) or a constraint (23: foreign, unique, check, not null) */
		if (e->code != RPL_EPG || (strncmp(e->sqlstate, "22", 2) != 0 && strncmp(e->sqlstate, "23", 2) != 0)) {
			*err = *e;
			return e->code;
		}
		return (r = rpl_pgsink_exec(pg, "ROLLBACK TO SAVEPOINT rpl_split", err)) < 0 ? r : 1;
	}
	return r;
}

/* key_holds: does row r's column c hold the key value PostgreSQL printed (an integer
 * or a text; other types are never grouped, they are split instead)? */
static bool
key_holds(const struct rpl_xbuf *b, size_t r, size_t c, const char *val, size_t vlen)
{
	SQLLEN ind = *rpl_xind(b, r, c);
	const void *v = rpl_xval(b, r, c);
	char num[32];
	if (ind == SQL_NULL_DATA)
		return false;
	if (b->cols[c].c_type == SQL_C_SBIGINT) {
		long long x;
		memcpy(&x, v, sizeof x);
		snprintf(num, sizeof num, "%lld", x);
		return strlen(num) == vlen && memcmp(num, val, vlen) == 0;
	}
	return b->cols[c].c_type == SQL_C_CHAR && b->cols[c].cls == RPL_CLASS_TEXT && ind >= 0 &&
	       (size_t)ind == vlen && memcmp(v, val, vlen) == 0;
}

/* missing_key: for a foreign-key refusal ("Key (lang)=(99) is not present in
 * table"), the buffer column and the value it names; false when it names several
 * columns or none of the buffer's. */
static bool
missing_key(const struct rpl_xbuf *b, const char *msg, size_t *col, const char **val, size_t *vlen)
{
	const char *k = strstr(msg, "Key ("), *ce, *ve;
	if (k == NULL || (ce = strstr(k, ")=(")) == NULL || (ve = strstr(ce, ") is not present in table")) == NULL ||
	    memchr(k + 5, ',', (size_t)(ce - k - 5)) != NULL)
		return false;
	for (size_t c = 0; c < b->ncols; c++)
		if (b->cols[c].dst != NULL && strlen(b->cols[c].dst->name) == (size_t)(ce - k - 5) &&
		    memcmp(b->cols[c].dst->name, k + 5, (size_t)(ce - k - 5)) == 0) {
			*col = c;
			*val = ce + 3;
			*vlen = (size_t)(ve - ce - 3);
			return true;
		}
	return false;
}

/* split_by_key: a foreign key refused rows [first, first + n) naming a missing key:
 * every row holding that key is refused for the same reason at once (a parent not
 * loaded yet leaves thousands of rows with a few keys: one COPY per key, not two per
 * row), in row order; the others move up over them (their values go with them:
 * out-of-line ones are found by offset) and are split again. Returns 1 when no row
 * holds the key (the caller bisects). */
static int
split_by_key(struct rpl_pgsink *pg, const char *copy_sql, struct rpl_xbuf *b, size_t first, size_t n,
             const struct rpl_err *e, const char *constraint, rpl_pgsink_refused_fn refused, void *data,
             size_t *loaded, struct rpl_err *err)
{
	size_t col, vlen, k = first, held = 0;
	const char *val;
	if (strcmp(e->sqlstate, "23503") != 0 || !missing_key(b, e->msg, &col, &val, &vlen))
		return 1;
	for (size_t r = first; r < first + n; r++)
		held += key_holds(b, r, col, val, vlen);
	if (held == 0)
		return 1;
	char reason[sizeof e->msg + 16];
	snprintf(reason, sizeof reason, "[%s] %s", e->sqlstate, e->msg);
	rpl_log(RPL_LOG_INFO, RPL_LOG_LOADER, "%zu of %zu rows hold the missing key of foreign key %s: refused at once",
	        held, n, constraint != NULL ? constraint : "?");
	for (size_t r = first; r < first + n; r++) {
		if (key_holds(b, r, col, val, vlen)) {
			int rc = refused(data, r, reason, e->column[0] != '\0' ? e->column : NULL, constraint, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (r != k)
			memcpy(b->data + k * b->row_size, b->data + r * b->row_size, b->row_size);
		k++;
	}
	return rpl_pgsink_copy_split(pg, copy_sql, b, first, k - first, refused, data, loaded, err);
}

int
rpl_pgsink_copy_split(struct rpl_pgsink *pg, const char *copy_sql, struct rpl_xbuf *b, size_t first,
                      size_t n, rpl_pgsink_refused_fn refused, void *data, size_t *loaded, struct rpl_err *err)
{
	struct rpl_err e = RPL_ERR_INIT;
	char constraint[128];
	if (n == 0)
		return 0;
	int r = split_once(pg, copy_sql, b, first, n, &e, constraint, sizeof constraint, err);
	if (r <= 0) {
		*loaded += r == 0 ? n : 0;
		return r;
	}
	if (n == 1) {
		char reason[sizeof e.msg + 16];   /* with the SQLSTATE, as ODBC's messages have it */
		snprintf(reason, sizeof reason, "[%s] %s", e.sqlstate, e.msg);
		return refused(data, first, reason, e.column[0] != '\0' ? e.column : NULL,
		               constraint[0] != '\0' ? constraint : NULL, err);
	}
	if ((r = split_by_key(pg, copy_sql, b, first, n, &e, constraint[0] != '\0' ? constraint : NULL, refused, data,
	                      loaded, err)) <= 0)
		return r;
	if ((r = rpl_pgsink_copy_split(pg, copy_sql, b, first, n / 2, refused, data, loaded, err)) < 0)
		return r;
	return rpl_pgsink_copy_split(pg, copy_sql, b, first + n / 2, n - n / 2, refused, data, loaded, err);
}

void
rpl_pgsink_copy_abort(struct rpl_pgsink *pg)
{
	PGresult *res;
	if (PQputCopyEnd(pg->conn, "replicad: partition aborted") == 1)
		while ((res = PQgetResult(pg->conn)) != NULL)
			PQclear(res);
}

/* The sink adapter (sink.h): a PostgreSQL connection whose string says where the
 * server is is written by COPY FROM STDIN on the sink's own libpq connection, which
 * also runs the partition's BEGIN, DELETE, done-mark and COMMIT. */
struct pg_sink {
	struct rpl_sink base;
	struct rpl_pgsink *pg;        /* owned */
	const struct rpl_sqlgen *g;   /* borrowed (want.g) */
	bool text_copy;
	struct rpl_sbuf copy_sql;     /* owned: the COPY, with (FORMAT binary) when binary */
	bool copying;                 /* a COPY is open */
};

static int
pgk_fit(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	rpl_sbuf_reset(&o->copy_sql);
	rpl_sqlgen_copy_in(o->g, &o->copy_sql);
	/* binary when every column has a binary form (pg_binary.h); text_copy keeps
	 * the text format (benchmarks, and a way out) */
	bool binary = !o->text_copy && rpl_pgbinary_usable(layout, false);
	if (o->pg != NULL)   /* NULL: a dry run's */
		rpl_pgsink_set_binary(o->pg, binary);
	if (binary)
		rpl_sbuf_add(&o->copy_sql, " (FORMAT binary)");
	return rpl_sbuf_ok(&o->copy_sql) ? 0 : rpl_err_set(err, RPL_ENOMEM, "out of memory");
}

static int
pgk_begin(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	int r = rpl_pgsink_exec(o->pg, "BEGIN", err);
	(void)batch;   /* only SQL Server batches its DELETE */
	return r < 0 ? r : rpl_pgsink_exec(o->pg, delete_sql, err);
}

static int
pgk_start(struct rpl_sink *k, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	if (k->split)   /* each chunk gets COPYs of its own (rpl_pgsink_copy_split) */
		return 0;
	int r = rpl_pgsink_copy_begin(o->pg, rpl_sbuf_str(&o->copy_sql), err);
	o->copying = r == 0;
	return r;
}

static int
pgk_put(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	if (k->split)
		return rpl_pgsink_copy_split(o->pg, rpl_sbuf_str(&o->copy_sql), b, 0, n, rpl_sink_refused_row, k, written,
		                             err);
	int r = rpl_pgsink_copy_rows(o->pg, b, n, err);
	*written = r == 0 ? n : 0;
	return r;
}

/* pgk_end_copy: the COPY must end before another statement */
static int
pgk_end_copy(struct pg_sink *o, struct rpl_err *err)
{
	if (!o->copying)
		return 0;
	o->copying = false;
	return rpl_pgsink_copy_end(o->pg, err);
}

/* pgk_flush: a COPY's rows have their outcome when it ends */
static int
pgk_flush(struct rpl_sink *k, struct rpl_err *err)
{
	return pgk_end_copy((struct pg_sink *)k, err);
}

static int
pgk_exec(struct rpl_sink *k, const char *sql, int64_t *rows, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	int r = pgk_end_copy(o, err);
	if (r < 0)
		return r;
	return rows != NULL ? rpl_pgsink_exec_count(o->pg, sql, rows, err) : rpl_pgsink_exec(o->pg, sql, err);
}

static int
pgk_commit(struct rpl_sink *k, bool last, struct rpl_err *err)
{
	struct pg_sink *o = (struct pg_sink *)k;
	int r = pgk_end_copy(o, err);
	if (r == 0)
		r = rpl_pgsink_exec(o->pg, "COMMIT", err);
	if (r == 0 && !last && (r = rpl_pgsink_exec(o->pg, "BEGIN", err)) == 0)
		r = pgk_start(k, err);
	return r;
}

static void
pgk_rollback(struct rpl_sink *k)
{
	struct pg_sink *o = (struct pg_sink *)k;
	struct rpl_err ignored = RPL_ERR_INIT;
	if (o->copying)
		rpl_pgsink_copy_abort(o->pg);
	o->copying = false;
	rpl_pgsink_exec(o->pg, "ROLLBACK", &ignored);
}

/* pgk_refused: a COPY cannot leave one row out: the target's data exceptions (SQLSTATE
 * class 22) and constraint violations (23) end it whole; split COPYs isolate them */
static bool
pgk_refused(const struct rpl_sink *k, const struct rpl_err *e)
{
	(void)k;
	return e->code == RPL_EPG && (strncmp(e->sqlstate, "22", 2) == 0 || strncmp(e->sqlstate, "23", 2) == 0);
}

static void
pgk_close(struct rpl_sink *k)
{
	struct pg_sink *o = (struct pg_sink *)k;
	rpl_pgsink_close(o->pg);
	rpl_sbuf_fini(&o->copy_sql);
	free(o);
}

static void
pgk_explain(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn, void *data)
{
	const struct pg_sink *o = (const struct pg_sink *)k;
	(void)batch;
	fn(data, RPL_SINK_AT_START, "BEGIN");
	fn(data, RPL_SINK_AT_START, delete_sql);
	fn(data, RPL_SINK_AT_START, rpl_sbuf_str(&o->copy_sql));
	fn(data, RPL_SINK_AT_COMMIT, "COMMIT");
	fn(data, RPL_SINK_AT_COMMIT, "BEGIN");
	fn(data, RPL_SINK_AT_COMMIT, rpl_sbuf_str(&o->copy_sql));
	fn(data, RPL_SINK_AT_END, NULL);   /* after the COPY ends */
	fn(data, RPL_SINK_AT_END, "COMMIT");
}

static const struct rpl_sink_ops pg_sink_ops = {
	.name = "pg-copy", .bulk = "COPY", .fit = pgk_fit, .begin = pgk_begin, .start = pgk_start, .put = pgk_put, .flush = pgk_flush,
	.exec = pgk_exec, .commit = pgk_commit, .rollback = pgk_rollback, .end = NULL, .refused = pgk_refused,
	.unusable = NULL, .close = pgk_close, .explain = pgk_explain,
};

int
rpl_pgsink_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                        char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_pgsink *pg = NULL;
	*out = NULL;
	if (conn->engine != RPL_ENGINE_POSTGRES)
		return 0;
	bool where = conn->connstr == NULL || rpl_pgconn_where(conn->connstr);
	int r = w->dry || !where ? 0 : rpl_pgsink_open(conn->connstr, conn->secret, &pg, err);
	if (r < 0 || !where) {
		snprintf(why_not, why_len, "libpq needs Server or Host and Database in the connection string, not a DSN");
		return r;
	}
	struct pg_sink *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_pgsink_close(pg);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &pg_sink_ops;
	o->base.conn = conn;
	o->base.by_value = true;
	o->base.layout_flags = RPL_XFER_DST_ENDLESS;   /* writes ±infinity back (xfer.h) */
	o->pg = pg;
	o->g = w->g;
	o->text_copy = w->text_copy;
	o->copy_sql = (struct rpl_sbuf)RPL_SBUF_INIT;
	snprintf(o->base.why, sizeof o->base.why,
	         "libpq COPY FROM STDIN: psqlODBC sends a parameter array as one INSERT per row");
	*out = &o->base;
	return 0;
}
