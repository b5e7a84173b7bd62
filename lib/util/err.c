/* lib/util/err.c: filling struct rpl_err. The ODBC diag copy lives in odbc_conn.c, where the
 * handles are; this file knows no driver. */
#include "err.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rpl_err_init(struct rpl_err *e)
{
	memset(e, 0, sizeof *e);
	e->row = -1;
}

int
rpl_err_set_at(struct rpl_err *e, enum rpl_errc c, const char *file, int line, const char *fmt, ...)
{
	if (e->code != RPL_OK)
		return e->code;
	e->code = c;
	e->file = file;
	e->line = line;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return c;
}

void
rpl_err_prefix(struct rpl_err *e, const char *fmt, ...)
{
	char head[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(head, sizeof head, fmt, ap);
	va_end(ap);
	size_t h = strlen(head), old = strlen(e->msg);
	if (h + 2 >= sizeof e->msg)
		return;
	if (h + 2 + old >= sizeof e->msg)
		old = sizeof e->msg - h - 3;     /* keep the prefix, cut the tail */
	memmove(e->msg + h + 2, e->msg, old);
	e->msg[h + 2 + old] = '\0';
	memcpy(e->msg, head, h);
	e->msg[h] = ':';
	e->msg[h + 1] = ' ';
}

void
rpl_err_where(struct rpl_err *e, const char *table, const char *column, int64_t row)
{
	if (table != NULL && e->table[0] == '\0')
		snprintf(e->table, sizeof e->table, "%s", table);
	if (column != NULL && e->column[0] == '\0')
		snprintf(e->column, sizeof e->column, "%s", column);
	if (row >= 0 && e->row < 0)
		e->row = row;
}

void
rpl_err_scrub(struct rpl_err *e, const char *secret)
{
	if (secret == NULL || secret[0] == '\0')
		return;
	size_t n = strlen(secret);
	static const char mask[] = "(redacted)";
	char out[sizeof e->msg];
	size_t o = 0;
	for (const char *p = e->msg; *p != '\0' && o + 1 < sizeof out;) {
		if (strncmp(p, secret, n) == 0) {
			for (const char *m = mask; *m != '\0' && o + 1 < sizeof out; m++)
				out[o++] = *m;
			p += n;
		} else {
			out[o++] = *p++;
		}
	}
	out[o] = '\0';
	memcpy(e->msg, out, o + 1);
}

const char *
rpl_errc_name(enum rpl_errc c)
{
	switch (c) {
	case RPL_OK: return "ok";
	case RPL_EINVAL: return "invalid";
	case RPL_ENOENT: return "not_found";
	case RPL_EODBC: return "odbc";
	case RPL_ECONVERT: return "convert";
	case RPL_ECANCELED: return "cancelled";
	case RPL_ENOMEM: return "no_memory";
	case RPL_EIO: return "io";
	case RPL_EPG: return "libpq";
	case RPL_EREFUSED: return "refused";
	case RPL_EHELD: return "held";
	case RPL_ECLAIM: return "claim lost";
	}
	return "unknown";
}

void
rpl_require_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "replicad: internal error: %s:%d: requirement failed: %s\n", file, line, expr);
	abort();
}
