/* lib/core/source.c: the source interface's dispatch (DESIGN in source.h): which
 * adapter serves a connection, the ODBC fallback when a native one cannot read a
 * layout, and the calls through the adapter's table. Names no engine: the adapters
 * are listed in adapters.c. */
#include "source.h"
#include "log.h"
#include "xfer.h"
#include <stdio.h>
#include <string.h>

int
rpl_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                struct rpl_err *err)
{
	char why_not[400] = "";
	*out = NULL;
	for (size_t i = 0; !w->odbc_only && rpl_source_adapters[i] != NULL; i++) {
		char wn[300] = "";
		int r = rpl_source_adapters[i](conn, w, out, wn, sizeof wn, err);
		if (r < 0 || *out != NULL)
			return r;
		if (wn[0] != '\0' && why_not[0] == '\0')
			snprintf(why_not, sizeof why_not, "%s", wn);
	}
	int r = rpl_odbc_source_open(conn, w, out, err);
	if (r == 0 && (w->odbc_only || why_not[0] != '\0')) {
		size_t n = strlen((*out)->why);
		snprintf((*out)->why + n, sizeof (*out)->why - n, " (%s)",
		         w->odbc_only ? "ODBC only: load.bulk \"odbc\" or a probe" : why_not);
	}
	return r;
}

unsigned
rpl_source_layout_flags(const struct rpl_source *s, bool sink_by_value)
{
	return s->layout_flags | (s->fills && sink_by_value ? RPL_XFER_OOL : 0u);
}

int
rpl_source_fit(struct rpl_source **s, const struct rpl_source_want *w, const struct rpl_xbuf *layout,
               const char *select_sql, struct rpl_err *err)
{
	struct rpl_source *old = *s;
	int r = old->ops->fit != NULL ? old->ops->fit(old, layout, select_sql, err) : 0;
	if (r <= 0)
		return r;
	char why[sizeof old->why];
	snprintf(why, sizeof why, "%s", old->why);
	struct rpl_source_want odbc = *w;
	odbc.odbc_only = true;
	struct rpl_source *next = NULL;
	if ((r = rpl_odbc_source_open(old->conn, &odbc, &next, err)) < 0)
		return r;
	old->ops->close(old);
	size_t n = strlen(next->why);
	snprintf(next->why + n, sizeof next->why - n, " (%s)", why);
	*s = next;
	return 1;
}

int
rpl_source_start(struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
                 struct rpl_err *err)
{
	return s->ops->start(s, select_sql, range, err);
}

int
rpl_source_fetch(struct rpl_source *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	*n = 0;
	b->heap_len = 0;
	return s->ops->fetch(s, b, n, err);
}

void
rpl_source_finish(struct rpl_source *s)
{
	if (s != NULL && s->ops->finish != NULL)
		s->ops->finish(s);
}

void
rpl_source_abort(struct rpl_source *s)
{
	if (s != NULL && s->ops->abort != NULL)
		s->ops->abort(s);
}

void
rpl_source_close(struct rpl_source *s)
{
	if (s != NULL)
		s->ops->close(s);
}

void
rpl_source_explain(const struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
                   rpl_explain_fn fn, void *data)
{
	s->ops->explain(s, select_sql, range, fn, data);
}

const char *rpl_source_name(const struct rpl_source *s) { return s->ops->name; }
const char *rpl_source_why(const struct rpl_source *s) { return s->why; }
