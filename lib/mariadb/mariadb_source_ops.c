/* lib/mariadb/mariadb_source_ops.c: the source interface's adapter for the libmariadb
 * reader (mariadb_source.h), kept apart from mariadb_source.c, whose conversions
 * fill it to the 600-line limit. */
#include "mariadb_source.h"
#include "log.h"
#include "odbc_conn.h"
#include "source.h"
#include <stdio.h>
#include <stdlib.h>

/* The source adapter (source.h): a MariaDB connection the library can make as the
 * driver would (rpl_mysource_connstr_ok) is read through libmariadb, if fit finds
 * every column converted here; otherwise ODBC reads it (keyset slices). */
struct my_source {
	struct rpl_source base;
	struct rpl_mysource *s;          /* owned */
	const struct rpl_xbuf *layout;   /* borrowed (fit) */
	char label[300];
};

static int
mys_fit(struct rpl_source *src, const struct rpl_xbuf *layout, const char *select_sql, struct rpl_err *err)
{
	struct my_source *o = (struct my_source *)src;
	char why[300] = "";
	bool ok = false;
	struct rpl_err e = RPL_ERR_INIT;
	(void)err;
	o->layout = layout;
	int r = rpl_mysource_check(o->s, select_sql, layout, &ok, why, sizeof why, &e);
	if (r == 0 && ok)
		return 0;
	if (r < 0) {   /* the server refused to prepare it (max_prepared_stmt_count, a proxy): ODBC can still read */
		rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s the MariaDB client library cannot read it (%s); reading through ODBC",
		        o->label, e.msg);
		snprintf(src->why, sizeof src->why, "the MariaDB client library cannot read it: %.300s", e.msg);
	} else {
		rpl_log(RPL_LOG_INFO, RPL_LOG_LOADER, "table=%s the source is read through ODBC: %s", o->label, why);
		snprintf(src->why, sizeof src->why, "not through the MariaDB client library: %s", why);
	}
	return 1;
}

static int
mys_start(struct rpl_source *src, const char *select_sql, const struct rpl_range *range, struct rpl_err *err)
{
	struct my_source *o = (struct my_source *)src;
	(void)range;
	return rpl_mysource_start(o->s, select_sql, o->layout, err);
}

static int
mys_fetch(struct rpl_source *src, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	return rpl_mysource_fetch(((struct my_source *)src)->s, b, n, err);
}

static void
mys_abort(struct rpl_source *src)
{
	rpl_mysource_abort(((struct my_source *)src)->s);
}

static void
mys_close(struct rpl_source *src)
{
	rpl_mysource_close(((struct my_source *)src)->s);
	free(src);
}

static void
mys_explain(const struct rpl_source *src, const char *select_sql, const struct rpl_range *range,
            rpl_explain_fn fn, void *data)
{
	(void)src, (void)range;
	fn(data, select_sql);   /* prepared and executed as it is */
}

static const struct rpl_source_ops my_source_ops = {
	.name = "mariadb", .fit = mys_fit, .start = mys_start, .fetch = mys_fetch, .finish = NULL,
	.abort = mys_abort, .close = mys_close, .explain = mys_explain,
};

int
rpl_mysource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                          char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_mysource *s = NULL;
	struct rpl_err e = RPL_ERR_INIT;
	*out = NULL;
	(void)err;
	if (conn->engine != RPL_ENGINE_MARIADB)
		return 0;
	/* another connection of the source user's: where the server allows no more
	 * (max_user_connections), the ODBC connection already open reads instead */
	if (rpl_mysource_open(conn->connstr, conn->secret, &s, &e) < 0) {
		rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s the MariaDB client library could not connect (%s); reading through ODBC",
		        w->label ? w->label : "", e.msg);
		snprintf(why_not, why_len, "the MariaDB client library could not connect: %.200s", e.msg);
		return 0;
	}
	if (s == NULL) {
		snprintf(why_not, why_len, "the MariaDB client library takes only Server, Port, Database, Uid, Pwd and Charset, not a DSN");
		return 0;
	}
	struct my_source *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_mysource_close(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &my_source_ops;
	o->base.conn = conn;
	o->base.fills = true;
	o->s = s;
	snprintf(o->label, sizeof o->label, "%s", w->label ? w->label : "");
	snprintf(o->base.why, sizeof o->base.why,
	         "libmariadb, one prepared SELECT streamed unbuffered: Connector/ODBC holds a whole result set in memory");
	*out = &o->base;
	return 0;
}
