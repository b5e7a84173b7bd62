/* lib/pg/pg_source.c: COPY TO STDOUT into the transport buffer (see pg_source.h). Binary
 * rows go to pg_binread.c; text fields are split on tabs and unescaped in place into
 * their column's buffer, numbers, dates and timestamps parsed by hand. */
#include "pg_source.h"
#include "pg_binread.h"
#include "pg_binary.h"
#include "source.h"
#include "pg_conn.h"
#include "odbc_conn.h"
#include "xfer.h"
#include "plan.h"
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rpl_pgsource {
	PGconn *conn;        /* owned; NULL after an abort, reopened by start */
	char *odbc, *secret; /* owned copies, to reconnect */
	bool streaming;
	bool binary;         /* this COPY is in the binary format (pg_binread.h) */
};

int
rpl_pgsource_open(const char *odbc, const char *password, struct rpl_pgsource **out, struct rpl_err *err)
{
	void *conn;
	*out = NULL;
	int r = rpl_pgconn_open(odbc, password, "source", &conn, err);
	if (r < 0 || conn == NULL)
		return r;
	struct rpl_pgsource *s = calloc(1, sizeof *s);
	if (s == NULL || (s->odbc = strdup(odbc)) == NULL ||
	    (password != NULL && (s->secret = strdup(password)) == NULL)) {
		PQfinish(conn);
		if (s)
			free(s->odbc);
		free(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	s->conn = conn;
	*out = s;
	return 0;
}

void
rpl_pgsource_close(struct rpl_pgsource *s)
{
	if (s == NULL)
		return;
	if (s->conn)
		PQfinish(s->conn);
	rpl_secret_free(s->secret);
	free(s->odbc);
	free(s);
}

void
rpl_pgsource_abort(struct rpl_pgsource *s)
{
	/* the simplest way to stop a COPY mid-stream is to drop the connection */
	if (s->conn)
		PQfinish(s->conn);
	s->conn = NULL;
	s->streaming = false;
}

int
rpl_pgsource_start(struct rpl_pgsource *s, const char *select_sql, bool binary, struct rpl_err *err)
{
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		void *conn;
		if (s->conn)
			PQfinish(s->conn);
		s->conn = NULL;
		int r = rpl_pgconn_open(s->odbc, s->secret, "source", &conn, err);
		if (r < 0)
			return r;
		s->conn = conn;
	}
	size_t n = strlen(select_sql) + 48;
	char *sql = malloc(n);
	if (sql == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	snprintf(sql, n, "COPY (%s) TO STDOUT%s", select_sql, binary ? " (FORMAT binary)" : "");
	PGresult *res = PQexec(s->conn, sql);
	free(sql);
	if (PQresultStatus(res) != PGRES_COPY_OUT)
		return rpl_pgconn_fail(s->conn, res, "source", "COPY TO STDOUT", s->secret, err);
	PQclear(res);
	s->streaming = true;
	s->binary = binary;
	return 0;
}

/* unescape: COPY text escapes of f[0..n) into out (room bytes); returns the full
 * decoded length (which may exceed room: then only room bytes were written). */
static size_t
unescape(const char *f, size_t n, char *out, size_t room)
{
	if (memchr(f, '\\', n) == NULL) {   /* most fields: nothing to decode */
		memcpy(out, f, n < room ? n : room);
		return n;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		char c = f[i];
		if (c == '\\' && i + 1 < n) {
			char e = f[++i];
			switch (e) {
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'v': c = '\v'; break;
			case 'x': {
				int v = 0, k = 0;
				while (k < 2 && i + 1 < n && strchr("0123456789abcdefABCDEF", f[i + 1]) != NULL) {
					char h = f[++i];
					v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
					k++;
				}
				c = (char)v;
				break;
			}
			default:
				if (e >= '0' && e <= '7') {
					int v = e - '0', k = 1;
					while (k < 3 && i + 1 < n && f[i + 1] >= '0' && f[i + 1] <= '7')
						v = v * 8 + (f[++i] - '0'), k++;
					c = (char)v;
				} else {
					c = e;
				}
			}
		}
		if (o < room)
			out[o] = c;
		o++;
	}
	return o;
}

/* unhex decodes bytea's hex digits h[0..n) into out (room bytes); returns the full
 * decoded length (which may exceed room: then only room bytes were written). */
static size_t
unhex(const char *h, size_t n, char *out, size_t room)
{
	size_t o = 0;
	for (size_t i = 0; i + 1 < n; i += 2, o++) {
		int hi = h[i], lo = h[i + 1];
		hi = hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10;
		if (o < room)
			out[o] = (char)(hi * 16 + lo);
	}
	return o;
}

static int
num(const char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* parse_date: "YYYY-MM-DD" (PostgreSQL's ISO output; BC and infinity are refused) */
static bool
parse_date(const char *t, size_t n, SQL_DATE_STRUCT *d)
{
	if (n < 10 || t[4] != '-' || t[7] != '-')
		return false;
	int y = num(t, 4), m = num(t + 5, 2), day = num(t + 8, 2);
	if (y < 0 || m < 1 || day < 1)
		return false;
	d->year = (SQLSMALLINT)y;
	d->month = (SQLUSMALLINT)m;
	d->day = (SQLUSMALLINT)day;
	return true;
}

/* parse_ts: "YYYY-MM-DD HH:MM:SS[.ffffff][+00]" (sessions run in UTC) */
static bool
parse_ts(const char *t, size_t n, SQL_TIMESTAMP_STRUCT *ts)
{
	SQL_DATE_STRUCT d;
	if (n < 19 || !parse_date(t, n, &d) || t[10] != ' ' || t[13] != ':' || t[16] != ':')
		return false;
	int h = num(t + 11, 2), mi = num(t + 14, 2), s = num(t + 17, 2);
	if (h < 0 || mi < 0 || s < 0)
		return false;
	unsigned long frac = 0;
	size_t i = 19;
	if (i < n && t[i] == '.') {
		int digits = 0;
		for (i++; i < n && t[i] >= '0' && t[i] <= '9'; i++, digits++)
			if (digits < 9)
				frac = frac * 10 + (unsigned long)(t[i] - '0');
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (i < n && !((t[i] == '+' || t[i] == '-') && n - i == 3 && num(t + i + 1, 2) == 0))
		return false;   /* an offset other than UTC, or trailing text */
	ts->year = d.year, ts->month = d.month, ts->day = d.day;
	ts->hour = (SQLUSMALLINT)h, ts->minute = (SQLUSMALLINT)mi, ts->second = (SQLUSMALLINT)s;
	ts->fraction = (SQLUINTEGER)frac;
	return true;
}

/* parse_far: a date (ts: a timestamp) that PostgreSQL writes outside years 1..9999,
 * "0044-03-15 BC", "12000-01-01", "0044-03-15 12:00:00+00 BC", into days since
 * 1970-01-01 and *us, its time of day (-1: a date). The part after the year is
 * read by parse_date or parse_ts, in a year they take. */
static bool
parse_far(const char *f, size_t n, bool ts, long long *days, int64_t *us)
{
	bool bc = n > 3 && memcmp(f + n - 3, " BC", 3) == 0;
	size_t k = 0;
	long y = 0;
	if (bc)
		n -= 3;
	for (; k < n && k < 8 && f[k] >= '0' && f[k] <= '9'; k++)
		y = y * 10 + (f[k] - '0');
	char tmp[64] = "2000";   /* any year: parse_date does not check the day of the month */
	if (k < 4 || k == n || f[k] != '-' || n - k + 4 >= sizeof tmp || (!bc && y >= 1 && y <= 9999))
		return false;
	memcpy(tmp + 4, f + k, n - k);
	SQL_TIMESTAMP_STRUCT t = { 0 };
	SQL_DATE_STRUCT d;
	if (ts ? !parse_ts(tmp, n - k + 4, &t) : !(n - k == 6 && parse_date(tmp, 10, &d)))
		return false;
	if (!ts)
		t.month = d.month, t.day = d.day;
	if (t.month > 12 || t.day > 31 || t.hour > 23 || t.minute > 59 || t.second > 59)
		return false;
	*days = rpl_day_to_days((struct rpl_day){ (int)(bc ? 1 - y : y), t.month, t.day });
	*us = ts ? ((int64_t)t.hour * 3600 + t.minute * 60 + t.second) * 1000000 + t.fraction / 1000 : -1;
	return true;
}

/* endless: PostgreSQL's "infinity" and "-infinity" dates and timestamps are no
 * calendar date, and its dates outside years 1..9999 no date another engine has:
 * into PostgreSQL through COPY they travel as themselves (RPL_YEAR_INFINITY,
 * RPL_YEAR_FAR, xfer.h); elsewhere the row's value is a misfit of rule date_range
 * (xfer.h: NULL, or the row rejected naming the column), and the rest of the
 * partition still loads. Any other unreadable text stays an error (bad_field). */
static int bad_field(struct rpl_xbuf *b, size_t r, size_t c, const char *f, size_t n, struct rpl_err *err);

static int
endless(struct rpl_xbuf *b, size_t r, size_t c, const char *f, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	bool minus = n > 0 && f[0] == '-';
	bool inf = n - minus == 8 && strncmp(f + minus, "infinity", 8) == 0;
	bool ts = x->c_type == SQL_C_TYPE_TIMESTAMP;
	long long days = 0;
	int64_t us = -1;
	if (!inf && !parse_far(f, n, ts, &days, &us))
		return bad_field(b, r, c, f, n, err);
	if (x->endless && inf) {   /* into PostgreSQL through COPY: as itself (xfer.h) */
		rpl_xbuf_endless(b, r, c, minus);
		return 0;
	}
	if (!inf && rpl_xbuf_far(b, r, c, days, us))   /* into PostgreSQL through COPY, or false */
		return 0;
	char why[400];   /* the misfit keeps what fits */
	snprintf(why, sizeof why, "\"%.*s\" is %s: no target date holds it (column %s, %s)", (int)n, f,
	         inf ? "no calendar date" : "outside years 1 to 9999", x->src->name, x->src->type_name);
	return rpl_xbuf_misfit(b, r, c, RPL_RULE_DATE_RANGE, f, n, why, err);
}

/* put_ool: put_field for a column whose values go out of line (xfer.h): text
 * unescaped, bytea's hex decoded, into the buffer's heap */
static int
put_ool(struct rpl_xbuf *b, size_t r, size_t c, const char *f, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	bool bin = x->c_type == SQL_C_BINARY;
	if (bin && !(n >= 3 && f[0] == '\\' && f[1] == '\\' && f[2] == 'x'))
		return bad_field(b, r, c, f, n, err);
	char *out = rpl_xbuf_heap_put(b, r, c, n + 1);
	if (out == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
	size_t len = bin ? unhex(f + 3, n - 3, out, n) : unescape(f, n, out, n);
	out[len] = '\0';
	rpl_xbuf_heap_used(b, len + 1);
	*rpl_xind(b, r, c) = (SQLLEN)len;
	return 0;
}

/* text_int64: an int8 field's digits into *v; false when they are none */
static bool
text_int64(const char *f, size_t n, int64_t *v)
{
	size_t i = f[0] == '-' ? 1 : 0;
	uint64_t u = 0;
	if (i == n)
		return false;
	for (; i < n && f[i] >= '0' && f[i] <= '9'; i++)
		u = u * 10 + (uint64_t)(f[i] - '0');
	if (i != n)
		return false;
	*v = f[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
	return true;
}

/* text_double: a float8 field into *v, also NaN, Infinity, -Infinity; false when it
 * is no number */
static bool
text_double(const char *f, size_t n, double *v)
{
	char tmp[64];
	if (n >= sizeof tmp)
		return false;
	memcpy(tmp, f, n);
	tmp[n] = '\0';
	char *end;
	*v = strtod(tmp, &end);
	return !(end == tmp || *end != '\0');
}

/* put_field stores one COPY field into row r, column c. */
static int
put_field(struct rpl_xbuf *b, size_t r, size_t c, const char *f, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLLEN *ind = rpl_xind(b, r, c);
	if (n == 2 && f[0] == '\\' && f[1] == 'N') {
		*ind = SQL_NULL_DATA;
		rpl_xbuf_null_ool(b, r, c);
		return 0;
	}
	if (x->ool)   /* decoded text is never longer than its escaped form, nor bytea than half its hex */
		return put_ool(b, r, c, f, n, err);
	void *v = rpl_xval(b, r, c);   /* in line: the slot itself */
	switch (x->c_type) {
	case SQL_C_CHAR: {
		size_t room = (size_t)x->width - 1;
		size_t len = unescape(f, n, v, room);
		((char *)v)[len < room ? len : room] = '\0';
		*ind = (SQLLEN)len;        /* > room: the truncation check reports it */
		return 0;
	}
	case SQL_C_BINARY: {
		/* bytea's text form "\x00ff" arrives with its backslash escaped: "\\x00ff" */
		if (n >= 3 && f[0] == '\\' && f[1] == '\\' && f[2] == 'x') {
			*ind = (SQLLEN)unhex(f + 3, n - 3, v, (size_t)x->width);
			return 0;
		}
		break;
	}
	case SQL_C_SBIGINT:
		if (!text_int64(f, n, v))
			break;
		*ind = 8;
		return 0;
	case SQL_C_BIT:
		if (n == 1 && (f[0] == 't' || f[0] == 'f')) {
			*(unsigned char *)v = f[0] == 't';
			*ind = 1;
			return 0;
		}
		break;
	case SQL_C_DOUBLE:
		if (!text_double(f, n, v))
			break;
		*ind = 8;
		return 0;
	case SQL_C_TYPE_DATE:
		if (n == 10 && parse_date(f, n, v)) {
			*ind = sizeof(SQL_DATE_STRUCT);
			return 0;
		}
		return endless(b, r, c, f, n, err);
	case SQL_C_TYPE_TIMESTAMP:
		if (parse_ts(f, n, v)) {
			*ind = sizeof(SQL_TIMESTAMP_STRUCT);
			return 0;
		}
		return endless(b, r, c, f, n, err);
	default:
		break;
	}
	return bad_field(b, r, c, f, n, err);
}

static int
bad_field(struct rpl_xbuf *b, size_t r, size_t c, const char *f, size_t n, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	rpl_err_set(err, RPL_ECONVERT, "source: column %s (%s): cannot read \"%.*s\" from COPY as %s",
	            x->src->name, x->src->type_name, (int)(n < 60 ? n : 60), f, rpl_class_name(x->cls));
	rpl_err_where(err, NULL, x->src->name, (int64_t)r);
	return err->code;
}

int
rpl_pgsource_fetch(struct rpl_pgsource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	*n = 0;
	b->nmisfits = 0;   /* this chunk's misfits only (xfer.h) */
	if (!s->streaming)
		return 0;
	while (*n < b->rows && !rpl_xbuf_heap_full(b)) {
		char *line = NULL;
		int len = PQgetCopyData(s->conn, &line, 0);
		if (len == -1) {                     /* the end: collect the COPY's result */
			PGresult *res = PQgetResult(s->conn);
			s->streaming = false;
			if (PQresultStatus(res) != PGRES_COMMAND_OK)
				return rpl_pgconn_fail(s->conn, res, "source", "COPY TO STDOUT", s->secret, err);
			PQclear(res);
			while ((res = PQgetResult(s->conn)) != NULL)
				PQclear(res);
			return 0;
		}
		if (len < 0) {
			s->streaming = false;
			return rpl_pgconn_fail(s->conn, NULL, "source", "COPY data", s->secret, err);
		}
		if (s->binary) {
			int got = 0;
			bool trailer = false;
			int rc = rpl_pgbinread_message((const unsigned char *)line, (size_t)len, b, *n, &got, &trailer, err);
			PQfreemem(line);
			if (rc < 0) {
				rpl_err_where(err, NULL, NULL, (int64_t)*n);
				rpl_pgsource_abort(s);
				return rc;
			}
			*n += (size_t)got;
			continue;
		}
		size_t r = *n, c = 0, start = 0, end = (size_t)len;
		if (end > 0 && line[end - 1] == '\n')
			end--;
		int rc = 0;
		/* fields end at tabs, found with memchr: a byte-by-byte scan was a fifth of
		 * replicad's instructions for PostgreSQL -> PostgreSQL (callgrind) */
		while (rc == 0 && start <= end) {
			const char *tab = memchr(line + start, '\t', end - start);
			size_t i = tab != NULL ? (size_t)(tab - line) : end;
			if (c >= b->ncols) {
				rc = rpl_err_set(err, RPL_ECONVERT, "source: COPY row has more fields than the %zu columns", b->ncols);
				break;
			}
			rc = put_field(b, r, c++, line + start, i - start, err);
			start = i + 1;
		}
		PQfreemem(line);
		if (rc == 0 && c != b->ncols)
			rc = rpl_err_set(err, RPL_ECONVERT, "source: COPY row has %zu fields for %zu columns", c, b->ncols);
		if (rc < 0) {
			rpl_pgsource_abort(s);
			return rc;
		}
		(*n)++;
	}
	return 0;
}

/* The source adapter (source.h): a PostgreSQL connection whose string says where the
 * server is (not a DSN) is read by COPY TO STDOUT through libpq. */
struct pg_source {
	struct rpl_source base;
	struct rpl_pgsource *s;    /* owned */
	bool text_copy;            /* want.text_copy */
	bool binary;               /* fit: every column has a binary form read here */
};

static int
pgs_fit(struct rpl_source *src, const struct rpl_xbuf *layout, const char *select_sql, struct rpl_err *err)
{
	struct pg_source *o = (struct pg_source *)src;
	(void)select_sql, (void)err;
	o->binary = !o->text_copy && rpl_pgbinary_usable(layout, true);
	size_t n = strlen(src->why);
	snprintf(src->why + n, sizeof src->why - n, "; %s format%s", o->binary ? "binary" : "text",
	         o->binary ? "" : (o->text_copy ? " (asked for)" : " (a column has no binary form read here)"));
	return 0;
}

static int
pgs_start(struct rpl_source *src, const char *select_sql, const struct rpl_range *range, struct rpl_err *err)
{
	struct pg_source *o = (struct pg_source *)src;
	(void)range;
	return rpl_pgsource_start(o->s, select_sql, o->binary, err);
}

static int
pgs_fetch(struct rpl_source *src, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	return rpl_pgsource_fetch(((struct pg_source *)src)->s, b, n, err);
}

static void
pgs_abort(struct rpl_source *src)
{
	rpl_pgsource_abort(((struct pg_source *)src)->s);
}

static void
pgs_close(struct rpl_source *src)
{
	rpl_pgsource_close(((struct pg_source *)src)->s);
	free(src);
}

static void
pgs_explain(const struct rpl_source *src, const char *select_sql, const struct rpl_range *range,
            rpl_explain_fn fn, void *data)
{
	const struct pg_source *o = (const struct pg_source *)src;
	size_t n = strlen(select_sql) + 48;
	char *sql = malloc(n);
	(void)range;
	if (sql == NULL)
		return;
	snprintf(sql, n, "COPY (%s) TO STDOUT%s", select_sql, o->binary ? " (FORMAT binary)" : "");
	fn(data, sql);
	free(sql);
}

static const struct rpl_source_ops pg_source_ops = {
	.name = "pg-copy", .fit = pgs_fit, .start = pgs_start, .fetch = pgs_fetch, .finish = NULL,
	.abort = pgs_abort, .close = pgs_close, .explain = pgs_explain,
};

int
rpl_pgsource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                          char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_pgsource *s = NULL;
	*out = NULL;
	if (conn->engine != RPL_ENGINE_POSTGRES)
		return 0;
	int r = rpl_pgsource_open(conn->connstr, conn->secret, &s, err);
	if (r < 0 || s == NULL) {
		snprintf(why_not, why_len, "libpq needs Server or Host and Database in the connection string, not a DSN");
		return r;
	}
	struct pg_source *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_pgsource_close(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &pg_source_ops;
	o->base.conn = conn;
	o->base.fills = true;
	o->base.native_read = true;   /* plain columns: no ::text for psqlODBC's dates (sqlgen.c) */
	o->base.layout_flags = RPL_XFER_SRC_ENDLESS;
	o->s = s;
	o->text_copy = w->text_copy;
	snprintf(o->base.why, sizeof o->base.why,
	         "libpq COPY (SELECT ...) TO STDOUT: psqlODBC parses every value with sscanf (docs/benchmarks.md)");
	*out = &o->base;
	return 0;
}
