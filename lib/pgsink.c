/* lib/pgsink.c: COPY text format from the transport buffer (see pgsink.h). One
 * growing buffer per sink, reused for every chunk; values are rendered straight from
 * the bound C types, so the ODBC read side and this write side share one buffer. */
#include "pgsink.h"
#include "pgconn.h"
#include "pgbinary.h"
#include "conn.h"
#include "sbuf.h"
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
	bool binary;             /* FORMAT binary (pgbinary.c), else text */
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
	if (pg->secret)
		explicit_bzero(pg->secret, strlen(pg->secret));
	free(pg->secret);
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

/* copy_text appends s[0..n) escaped for COPY's text format. */
static void
copy_text(struct rpl_sbuf *o, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i], e = 0;
		switch (c) {
		case '\\': e = '\\'; break;
		case '\n': e = 'n'; break;
		case '\r': e = 'r'; break;
		case '\t': e = 't'; break;
		default: continue;
		}
		rpl_sbuf_addn(o, s + start, i - start);
		rpl_sbuf_addc(o, '\\');
		rpl_sbuf_addc(o, e);
		start = i + 1;
	}
	rpl_sbuf_addn(o, s + start, n - start);
}

/* Hand-written digits: snprintf was a fifth of replicad's instructions on the
 * seed-shaped table (callgrind, docs/benchmarks.md). */
static char *
put_digits(char *p, unsigned long v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static size_t
put_int64(char *out, int64_t v)
{
	char tmp[24];
	char *t = tmp + sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		*--t = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--t = '-';
	size_t n = (size_t)(tmp + sizeof tmp - t);
	memcpy(out, t, n);
	return n;
}

/* put_date writes YYYY-MM-DD; years outside 1..9999 fall back to snprintf (BC, 5 digits) */
static size_t
put_date(char *out, int y, unsigned m, unsigned d)
{
	if (y < 1 || y > 9999)
		return (size_t)snprintf(out, 32, "%04d-%02u-%02u", y, m, d);
	char *p = put_digits(out, (unsigned long)y, 4);
	*p++ = '-';
	p = put_digits(p, m, 2);
	*p++ = '-';
	p = put_digits(p, d, 2);
	return (size_t)(p - out);
}

static void
copy_value(struct rpl_sbuf *o, const struct rpl_xcol *x, const void *v, SQLLEN ind)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[64];
	if (ind == SQL_NULL_DATA) {
		rpl_sbuf_add(o, "\\N");
		return;
	}
	switch (x->c_type) {
	case SQL_C_SBIGINT:
		if (x->dst->cls == RPL_CLASS_BOOL)
			rpl_sbuf_addc(o, *(const int64_t *)v ? 't' : 'f');
		else
			rpl_sbuf_addn(o, tmp, put_int64(tmp, *(const int64_t *)v));
		return;
	case SQL_C_BIT:
		if (x->dst->cls == RPL_CLASS_BOOL)
			rpl_sbuf_addc(o, *(const unsigned char *)v ? 't' : 'f');
		else
			rpl_sbuf_addc(o, *(const unsigned char *)v ? '1' : '0');
		return;
	case SQL_C_DOUBLE: {
		double d = *(const double *)v;
		if (isnan(d))
			rpl_sbuf_add(o, "NaN");
		else if (isinf(d))
			rpl_sbuf_add(o, d > 0 ? "Infinity" : "-Infinity");
		else
			rpl_sbuf_addn(o, tmp, (size_t)snprintf(tmp, sizeof tmp, "%.17g", d));
		return;
	}
	case SQL_C_TYPE_DATE: {
		const SQL_DATE_STRUCT *t = v;
		rpl_sbuf_addn(o, tmp, put_date(tmp, t->year, t->month, t->day));
		return;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		const SQL_TIMESTAMP_STRUCT *t = v;
		size_t n = put_date(tmp, t->year, t->month, t->day);
		char *p = tmp + n;
		*p++ = ' ';
		p = put_digits(p, t->hour, 2);
		*p++ = ':';
		p = put_digits(p, t->minute, 2);
		*p++ = ':';
		p = put_digits(p, t->second, 2);
		*p++ = '.';
		p = put_digits(p, (unsigned long)(t->fraction / 1000) % 1000000, 6);
		rpl_sbuf_addn(o, tmp, (size_t)(p - tmp));
		return;
	}
	case SQL_C_BINARY: {
		const unsigned char *b = v;
		rpl_sbuf_add(o, "\\\\x");
		for (SQLLEN i = 0; i < ind; i++) {
			rpl_sbuf_addc(o, hex[b[i] >> 4]);
			rpl_sbuf_addc(o, hex[b[i] & 15]);
		}
		return;
	}
	default:
		copy_text(o, v, (size_t)ind);
		return;
	}
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
	for (size_t r = 0; r < n; r++) {
		for (size_t c = 0; c < b->ncols; c++) {
			if (c > 0)
				rpl_sbuf_addc(&pg->out, '\t');
			copy_value(&pg->out, &b->cols[c], rpl_xval(b, r, c), *rpl_xind(b, r, c));
		}
		rpl_sbuf_addc(&pg->out, '\n');
	}
	if (!rpl_sbuf_ok(&pg->out))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering COPY data");
	if (pg->out.len > 0 && PQputCopyData(pg->conn, pg->out.s, (int)pg->out.len) != 1)
		return pg_fail(pg, err, "COPY data", NULL);
	return 0;
}

int
rpl_pgsink_copy_end(struct rpl_pgsink *pg, struct rpl_err *err)
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
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		r = pg_fail(pg, err, "COPY", res);
	else
		PQclear(res);
	while ((res = PQgetResult(pg->conn)) != NULL)
		PQclear(res);
	return r;
}

void
rpl_pgsink_copy_abort(struct rpl_pgsink *pg)
{
	PGresult *res;
	if (PQputCopyEnd(pg->conn, "replicad: partition aborted") == 1)
		while ((res = PQgetResult(pg->conn)) != NULL)
			PQclear(res);
}
