/* lib/odbc/odbc_source.c: the ODBC block-cursor source adapter (odbc_source.h): one
 * SELECT, its columns bound row-wise to the transport buffer, one SQLFetchScroll per
 * chunk (docs/architecture.md "One row, from source to target" step 3). Keyset slices are odbc_slices.c's. */
#include "odbc_source.h"
#include "odbc_conn.h"
#include "xfer.h"
#include <stdio.h>
#include <stdlib.h>

struct odbc_source {
	struct rpl_source base;
	const struct rpl_xbuf *layout;   /* borrowed (fit) */
	SQLHSTMT sel;                    /* owned while a SELECT runs */
	SQLULEN fetched;
};

static int
odbc_fit(struct rpl_source *s, const struct rpl_xbuf *layout, const char *select_sql, struct rpl_err *err)
{
	(void)select_sql, (void)err;
	((struct odbc_source *)s)->layout = layout;
	return 0;
}

static int
odbc_start(struct rpl_source *s, const char *select_sql, const struct rpl_range *range, struct rpl_err *err)
{
	struct odbc_source *o = (struct odbc_source *)s;
	int r;
	(void)range;
	if ((r = rpl_conn_stmt(s->conn, &o->sel, err)) < 0)
		return r;
	/* bound before the execute: the row array size is set by then */
	if (rpl_xbuf_bind_cols((struct rpl_xbuf *)o->layout, o->sel, &o->fetched) < 0)
		return rpl_conn_fail(s->conn, o->sel, err, "binding the block cursor");
	if (!SQL_SUCCEEDED(SQLExecDirect(o->sel, (SQLCHAR *)select_sql, SQL_NTS)))
		return rpl_conn_fail(s->conn, o->sel, err, "select");
	return 0;
}

static int
odbc_fetch(struct rpl_source *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	struct odbc_source *o = (struct odbc_source *)s;
	o->fetched = 0;
	if (rpl_xbuf_bind_cols(b, o->sel, &o->fetched) < 0)
		return rpl_conn_fail(s->conn, o->sel, err, "binding the block cursor");
	SQLRETURN rc = SQLFetchScroll(o->sel, SQL_FETCH_NEXT, 0);
	if (rc == SQL_NO_DATA)
		return 0;
	if (!SQL_SUCCEEDED(rc))
		return rpl_conn_fail(s->conn, o->sel, err, "fetch");
	*n = o->fetched;
	return 0;
}

static void
odbc_finish(struct rpl_source *s)
{
	struct odbc_source *o = (struct odbc_source *)s;
	if (o->sel != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, o->sel);
	o->sel = SQL_NULL_HSTMT;
}

static void
odbc_close(struct rpl_source *s)
{
	odbc_finish(s);
	free(s);
}

static void
odbc_explain(const struct rpl_source *s, const char *select_sql, const struct rpl_range *range, rpl_explain_fn fn,
             void *data)
{
	(void)s, (void)range;
	fn(data, select_sql);
}

static const struct rpl_source_ops odbc_ops = {
	.name = "odbc", .fit = odbc_fit, .start = odbc_start, .fetch = odbc_fetch, .finish = odbc_finish,
	.abort = NULL, .close = odbc_close, .explain = odbc_explain,
};

int
rpl_odbc_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                     struct rpl_err *err)
{
	int r = rpl_keyslices_source_open(conn, w, out, err);
	if (r < 0 || *out != NULL)
		return r;
	struct odbc_source *o = calloc(1, sizeof *o);
	if (o == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	o->base.ops = &odbc_ops;
	o->base.conn = conn;
	o->sel = SQL_NULL_HSTMT;
	/* Connector/ODBC gives a zero date as NULL in a date struct, psqlODBC ±infinity as
	 * made-up dates: as text both are seen (xfer.h) */
	o->base.layout_flags = conn->engine == RPL_ENGINE_MARIADB ? RPL_XFER_SRC_MYODBC
	                     : conn->engine == RPL_ENGINE_POSTGRES ? RPL_XFER_SRC_PGODBC : 0;
	snprintf(o->base.why, sizeof o->base.why, "ODBC (%s): one SELECT, a block cursor of a chunk's rows per fetch",
	         conn->driver_name[0] ? conn->driver_name : "the driver");
	*out = &o->base;
	return 0;
}
