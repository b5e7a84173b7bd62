/* lib/core/sink.c: the sink interface's dispatch (DESIGN in sink.h): which adapter
 * writes a connection, the fallback to parameter arrays, and the calls through the
 * adapter's table. Names no engine: the adapters are listed in adapters.c. */
#include "sink.h"
#include <stdio.h>
#include <string.h>

int
rpl_sink_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out, struct rpl_err *err)
{
	char why_not[400] = "";
	*out = NULL;
	for (size_t i = 0; !w->odbc_only && rpl_sink_adapters[i] != NULL; i++) {
		char wn[300] = "";
		int r = rpl_sink_adapters[i](conn, w, out, wn, sizeof wn, err);
		if (r < 0 || *out != NULL)
			return r;
		if (wn[0] != '\0' && why_not[0] == '\0')
			snprintf(why_not, sizeof why_not, "%s", wn);
	}
	int r = rpl_odbc_sink_open(conn, w, out, err);
	if (r == 0 && (w->odbc_only || why_not[0] != '\0')) {
		size_t n = strlen((*out)->why);
		snprintf((*out)->why + n, sizeof (*out)->why - n, " (%s)",
		         w->odbc_only ? "ODBC only: load.bulk \"odbc\" or a probe" : why_not);
	}
	return r;
}

int
rpl_sink_fallback(struct rpl_sink **k, const struct rpl_sink_want *w, const struct rpl_err *why,
                  struct rpl_err *err)
{
	struct rpl_sink_want odbc = *w;
	struct rpl_sink *next = NULL;
	odbc.odbc_only = true;
	int r = rpl_odbc_sink_open((*k)->conn, &odbc, &next, err);
	if (r < 0)
		return r;
	snprintf(next->why, sizeof next->why, "parameter arrays: %s was refused (%.300s)", (*k)->ops->name, why->msg);
	(*k)->ops->close(*k);
	*k = next;
	return 0;
}

unsigned rpl_sink_layout_flags(const struct rpl_sink *k) { return k->layout_flags; }

int
rpl_sink_fit(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err)
{
	return k->ops->fit != NULL ? k->ops->fit(k, layout, err) : 0;
}

int
rpl_sink_begin(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err)
{
	return k->ops->begin(k, delete_sql, batch, err);
}

int
rpl_sink_start(struct rpl_sink *k, bool split, rpl_sink_refused_fn refused, void *data, struct rpl_err *err)
{
	k->split = split;
	k->refused_fn = refused;
	k->refused_data = data;
	return k->ops->start != NULL ? k->ops->start(k, err) : 0;
}

int
rpl_sink_put(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err)
{
	*written = 0;
	return k->ops->put(k, b, n, written, err);
}

int
rpl_sink_flush(struct rpl_sink *k, struct rpl_err *err)
{
	return k->ops->flush != NULL ? k->ops->flush(k, err) : 0;
}

int
rpl_sink_exec(struct rpl_sink *k, const char *sql, struct rpl_err *err)
{
	return k->ops->exec(k, sql, NULL, err);
}

int
rpl_sink_exec_claimed(struct rpl_sink *k, const char *sql, struct rpl_err *err)
{
	int64_t n = 0;
	int r = k->ops->exec(k, sql, &n, err);
	if (r == 0 && n != 1)
		r = rpl_err_set(err, RPL_ECLAIM, "the claim on this partition was taken over (its lease ran out): "
		                "rolled back, another process loads it");
	return r;
}

int
rpl_sink_commit(struct rpl_sink *k, bool last, struct rpl_err *err)
{
	return k->ops->commit(k, last, err);
}

void
rpl_sink_rollback(struct rpl_sink *k)
{
	k->ops->rollback(k);
}

void
rpl_sink_end(struct rpl_sink *k)
{
	if (k->ops->end != NULL)
		k->ops->end(k);
}

bool
rpl_sink_refused(const struct rpl_sink *k, const struct rpl_err *e)
{
	return k->ops->refused != NULL && k->ops->refused(k, e);
}

bool
rpl_sink_unusable(const struct rpl_sink *k, const struct rpl_err *e)
{
	return k->ops->unusable != NULL && k->ops->unusable(k, e);
}

void
rpl_sink_close(struct rpl_sink *k)
{
	if (k != NULL)
		k->ops->close(k);
}

void
rpl_sink_explain(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn, void *data)
{
	k->ops->explain(k, delete_sql, batch, fn, data);
}

const char *rpl_sink_name(const struct rpl_sink *k) { return k->ops->name; }
const char *rpl_sink_bulk(const struct rpl_sink *k) { return k->ops->bulk != NULL ? k->ops->bulk : "INSERT"; }
const char *rpl_sink_why(const struct rpl_sink *k) { return k->why; }

int
rpl_sink_refused_row(void *sink, size_t row, const char *reason, const char *column, const char *constraint,
                     struct rpl_err *err)
{
	struct rpl_sink *k = sink;
	char why[sizeof err->msg + 32];
	snprintf(why, sizeof why, "target refused the row: %s", reason);
	return k->refused_fn(k->refused_data, row, why, reason, column, constraint, err);
}
