/* lib/sqlite/sqlite_source.c: see sqlite_source.h. SQLite is typeless per value: each column's
 * declared class decides the transport type, and each value is converted from the
 * storage class it has. A value that cannot be converted without loss is a misfit
 * (xfer.h): its row is rejected naming the column, never silently changed. */
#include "sqlite_source.h"
#include "odbc_conn.h"
#include "numtext.h"
#include "source.h"
#include "xfer.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rpl_litesource {
	sqlite3 *db;            /* owned */
	sqlite3_stmt *st;       /* owned; the running SELECT */
};

int
rpl_litesource_open(const char *odbc, struct rpl_litesource **out, struct rpl_err *err)
{
	char path[4096];
	*out = NULL;
	if (!rpl_connstr_get(odbc, "Database", path, sizeof path))
		return 0;
	struct rpl_litesource *s = calloc(1, sizeof *s);
	if (s == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		rpl_err_set(err, RPL_EODBC, "source: cannot open the SQLite file: %s", sqlite3_errmsg(s->db));
		rpl_litesource_close(s);
		return err->code;
	}
	sqlite3_busy_timeout(s->db, 120000);
	*out = s;
	return 0;
}

void
rpl_litesource_close(struct rpl_litesource *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->st);
	sqlite3_close(s->db);
	free(s);
}

int
rpl_litesource_start(struct rpl_litesource *s, const char *sql, struct rpl_err *err)
{
	sqlite3_finalize(s->st);
	s->st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &s->st, NULL) != SQLITE_OK) {
		rpl_err_set(err, RPL_EODBC, "source: %.200s: %s", sql, sqlite3_errmsg(s->db));
		snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
		err->native = sqlite3_errcode(s->db);
		return err->code;
	}
	return 0;
}

static int
bad_value(const struct rpl_xcol *x, const char *what, size_t row, struct rpl_err *err)
{
	rpl_err_set(err, RPL_ECONVERT, "source: column %s (%s): %s", x->src->name, x->src->type_name, what);
	rpl_err_where(err, NULL, x->src->name, (int64_t)row);
	return err->code;
}

/* put_text stores bytes as the column's text; the full length goes to the
 * indicator so the truncation check can name a value that does not fit. */
static void
put_text(const struct rpl_xcol *x, void *v, SQLLEN *ind, const void *p, size_t len)
{
	RPL_REQUIRE(!x->ool);   /* those go through put_ool */
	size_t room = (size_t)x->width - (x->c_type == SQL_C_CHAR ? 1 : 0);
	if (len > 0)          /* SQLite gives NULL for an empty blob */
		memcpy(v, p, len < room ? len : room);
	if (x->c_type == SQL_C_CHAR)
		((char *)v)[len < room ? len : room] = '\0';
	*ind = (SQLLEN)len;
}

static int misfit(struct rpl_xbuf *b, size_t r, size_t c, sqlite3_value *val, enum rpl_rule rule, const char *what,
                  struct rpl_err *err);
static int put_decimal(struct rpl_xbuf *b, size_t r, size_t c, sqlite3_value *val, void *v, SQLLEN *ind,
                       struct rpl_err *err);

/* put_ool stores an unbounded column's value in the buffer's heap (xfer.h). */
static int
put_ool(sqlite3_stmt *st, int i, struct rpl_xbuf *b, size_t row, size_t c, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLLEN *ind = rpl_xind(b, row, c);
	sqlite3_value *val = sqlite3_column_value(st, i);   /* as put_value, below */
	int t = sqlite3_value_type(val);
	if (t == SQLITE_NULL) {
		*ind = SQL_NULL_DATA;
		rpl_xbuf_null_ool(b, row, c);
		return 0;
	}
	if (x->cls == RPL_CLASS_DECIMAL)   /* without precision (xfer.c): written out */
		return put_decimal(b, row, c, val, NULL, ind, err);
	char tmp[40];
	const void *p;
	size_t len;
	if (x->c_type == SQL_C_CHAR && t == SQLITE_BLOB)    /* as put_value does */
		return misfit(b, row, c, val, RPL_RULE_WRONG_TYPE, "where the column holds text: bytes are not read as text", err);
	if (x->c_type == SQL_C_CHAR && t == SQLITE_FLOAT) {   /* as put_value does */
		len = (size_t)rpl_numtext_shortest(sqlite3_value_double(val), tmp, sizeof tmp);
		p = tmp;
	} else {
		p = x->c_type == SQL_C_BINARY ? sqlite3_value_blob(val) : (const void *)sqlite3_value_text(val);
		len = (size_t)sqlite3_value_bytes(val);   /* after the text: its length */
	}
	char *out = rpl_xbuf_heap_put(b, row, c, len + 1);
	if (out == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
	if (len > 0)          /* SQLite gives NULL for an empty blob */
		memcpy(out, p, len);
	out[len] = '\0';
	rpl_xbuf_heap_used(b, len + 1);
	*ind = (SQLLEN)len;
	return 0;
}

/* declared: a column's declared type for a reason; a column declared without one
 * said "(column b, )" */
static const char *
declared(const struct rpl_column *col)
{
	return col->type_name[0] != '\0' ? col->type_name : "declared without a type";
}

/* misfit: value val of row r, column c cannot be read as the column's type without
 * changing it: the row will be rejected naming the column (xfer.h, struct rpl_misfit). */
static int
misfit(struct rpl_xbuf *b, size_t r, size_t c, sqlite3_value *val, enum rpl_rule rule, const char *what,
       struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	char why[400];   /* the misfit keeps what fits */
	int t = sqlite3_value_type(val);
	if (t == SQLITE_BLOB) {   /* shown as the reject file shows bytes: \x and hex */
		const unsigned char *p = sqlite3_value_blob(val);
		int len = sqlite3_value_bytes(val);
		char hex[sizeof ((struct rpl_misfit *)0)->value];
		size_t o = (size_t)snprintf(hex, sizeof hex, "\\x");
		for (int k = 0; k < len && o + 3 < sizeof hex; k++)
			o += (size_t)snprintf(hex + o, sizeof hex - o, "%02x", p[k]);
		snprintf(why, sizeof why, "a BLOB of %d byte%s %s (column %s, %s)", len, len == 1 ? "" : "s", what, x->src->name,
		         declared(x->src));
		return rpl_xbuf_misfit(b, r, c, (int)rule, hex, o, why, err);
	}
	const char *text = (const char *)sqlite3_value_text(val);
	size_t len = (size_t)sqlite3_value_bytes(val);
	char real[40];
	if (t == SQLITE_FLOAT) {   /* the REAL itself: SQLite's 15 digits showed 0.30000000000000004 as 0.3 */
		len = (size_t)rpl_numtext_shortest(sqlite3_value_double(val), real, sizeof real);
		text = real;
	}
	snprintf(why, sizeof why, "%s %s%.60s%s %s (column %s, %s)", t == SQLITE_FLOAT ? "REAL" : t == SQLITE_INTEGER ? "INTEGER" : "text",
	         t == SQLITE_TEXT ? "\"" : "", text != NULL ? text : "", t == SQLITE_TEXT ? "\"" : "", what, x->src->name,
	         declared(x->src));
	return rpl_xbuf_misfit(b, r, c, (int)rule, text != NULL ? text : "", len, why, err);
}

/* put_int reads an integer (or boolean) column's value by its storage class: SQLite
 * keeps text and REALs in INTEGER columns; 3.0 and "3" are 3, 3.5 and "abc" misfits. */
static int
put_int(struct rpl_xbuf *b, size_t r, size_t c, sqlite3_value *val, void *v, SQLLEN *ind, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	int t = sqlite3_value_type(val), rc = RPL_NUMTEXT_NAN;
	int64_t i64 = 0;
	if (t == SQLITE_INTEGER) {
		i64 = sqlite3_value_int64(val);
		rc = 0;
	} else if (t == SQLITE_FLOAT) {
		rc = rpl_double_int64(sqlite3_value_double(val), &i64);
	} else if (t == SQLITE_TEXT) {
		const char *p = (const char *)sqlite3_value_text(val);
		rc = p != NULL ? rpl_numtext_int64(p, (size_t)sqlite3_value_bytes(val), &i64) : RPL_NUMTEXT_NAN;
	}
	if (rc == 0 && x->c_type == SQL_C_BIT && i64 != 0 && i64 != 1)
		return misfit(b, r, c, val, RPL_RULE_WRONG_TYPE, "is a boolean other than 0 or 1", err);
	if (rc != 0)
		return misfit(b, r, c, val, rc == RPL_NUMTEXT_RANGE ? RPL_RULE_INT_RANGE : RPL_RULE_WRONG_TYPE,
		              rc == RPL_NUMTEXT_FRACTION ? "is not an integer (it has a fraction)"
		              : rc == RPL_NUMTEXT_RANGE ? "is beyond a 64-bit integer" : "is not a number", err);
	if (x->c_type == SQL_C_BIT) {
		*(unsigned char *)v = (unsigned char)i64;
		*ind = 1;
	} else {
		*(int64_t *)v = i64;
		*ind = 8;
	}
	return 0;
}

/* decimal_text writes a REAL d, or the text p[0..len) of any other value, as a plain
 * decimal into out (room bytes): numtext.h's length, or RPL_NUMTEXT_ROOM or _NAN. */
static int
decimal_text(bool real, double d, const char *p, size_t len, char *out, size_t room)
{
	return real ? rpl_numtext_from_double(d, out, room) : rpl_numtext_plain(p, len, out, room);
}

/* put_decimal writes a decimal column's value as the plain decimal it shows: a REAL
 * as its shortest round-trip spelling, exponents written out (numtext.h). In line
 * into v; a column without precision out of line (v NULL, xfer.c), in the heap: room
 * for the text and a REAL's 327 characters, then for the longest decimal a target
 * holds (RPL_XFER_DECIMAL_TEXT_MAX: text with an exponent written out). A REAL 1e308
 * in a NUMERIC column had been refused as "more digits than the column can hold", the
 * 131 characters replicad gave every decimal without precision. */
static int
put_decimal(struct rpl_xbuf *b, size_t r, size_t c, sqlite3_value *val, void *v, SQLLEN *ind, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	int t = sqlite3_value_type(val), n;
	if (t == SQLITE_BLOB)
		return misfit(b, r, c, val, RPL_RULE_WRONG_TYPE, "is not a number", err);
	bool real = t == SQLITE_FLOAT;
	double d = real ? sqlite3_value_double(val) : 0;
	const char *p = real ? NULL : (const char *)sqlite3_value_text(val);   /* an INTEGER's digits too */
	size_t len = real ? 0 : (size_t)sqlite3_value_bytes(val);            /* after the text: its length */
	if (p == NULL)
		p = "";
	if (!x->ool) {
		n = decimal_text(real, d, p, len, v, (size_t)x->width);
	} else {
		size_t room = len + 330;
		for (int k = 0;; k++) {
			char *out = rpl_xbuf_heap_put(b, r, c, room);
			if (out == NULL)
				return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
			n = decimal_text(real, d, p, len, out, room);
			if (n != RPL_NUMTEXT_ROOM || k == 1)
				break;
			room = RPL_XFER_DECIMAL_TEXT_MAX + 1;
		}
		if (n >= 0)
			rpl_xbuf_heap_used(b, (size_t)n + 1);
	}
	if (n == RPL_NUMTEXT_ROOM)
		return misfit(b, r, c, val, RPL_RULE_PRECISION,
		              x->ool ? "has more digits than a decimal of any target holds (PostgreSQL's numeric: 131072"
		                       " before the point, 16383 after it)"
		              : x->src->size > 0 ? "has more digits than the column can hold"
		                                 : "has more than the 511 characters replicad carries for a decimal without"
		                                   " precision into an ODBC target", err);
	if (n < 0)
		return misfit(b, r, c, val, RPL_RULE_WRONG_TYPE, "is not a number", err);
	*ind = n;
	return 0;
}

/* put_value reads value i of the current row through one sqlite3_column_value: each
 * sqlite3_column_* call looks the column up again (and enters the connection's
 * mutex), and type, text and bytes were three of them per value. The value is
 * "unprotected", which the SQLite documentation allows to be read with
 * sqlite3_value_* in the multi-thread mode SQLITE_OPEN_NOMUTEX gives this
 * connection; it stays valid until the next step. Each value is read by the storage
 * class it has, whatever the column's declared type (issue #15). */
static int
put_value(sqlite3_stmt *st, struct rpl_xbuf *b, size_t row, size_t c, void *v, SQLLEN *ind, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	sqlite3_value *val = sqlite3_column_value(st, (int)c);
	int t = sqlite3_value_type(val);
	char tmp[64];
	if (t == SQLITE_NULL) {
		*ind = SQL_NULL_DATA;
		return 0;
	}
	switch (x->c_type) {
	case SQL_C_SBIGINT:
	case SQL_C_BIT:
		return put_int(b, row, c, val, v, ind, err);
	case SQL_C_DOUBLE:
		if (t == SQLITE_FLOAT || t == SQLITE_INTEGER) {
			*(double *)v = sqlite3_value_double(val);
			*ind = 8;
			return 0;
		}
		if (t == SQLITE_TEXT) {
			/* REAL affinity leaves text SQLite cannot read as a number ("inf",
			 * "nan"): strtod reads those as the text transport's SQLite sink and
			 * PostgreSQL did; anything else is not a double */
			const char *p = (const char *)sqlite3_value_text(val);
			char *end;
			double d = p != NULL ? strtod(p, &end) : 0;
			if (p != NULL && end != p && *end == '\0') {
				*(double *)v = d;
				*ind = 8;
				return 0;
			}
		}
		return misfit(b, row, c, val, RPL_RULE_WRONG_TYPE, "is not a number", err);
	case SQL_C_BINARY: {
		const void *p = sqlite3_value_blob(val);
		put_text(x, v, ind, p, (size_t)sqlite3_value_bytes(val));
		return 0;
	}
	case SQL_C_CHAR:
		if (x->cls == RPL_CLASS_DECIMAL)
			return put_decimal(b, row, c, val, v, ind, err);
		/* a BLOB would arrive as text (its bytes, perhaps not UTF-8): another type */
		if (t == SQLITE_BLOB && x->cls == RPL_CLASS_TEXT)
			return misfit(b, row, c, val, RPL_RULE_WRONG_TYPE, "where the column holds text: bytes are not read as text", err);
		if (t == SQLITE_FLOAT) {
			/* %.17g round-trips a double (glibc prints exactly); elsewhere the
			 * shortest spelling that does (SQLite's 15 digits made 0.1 + 0.2 0.3) */
			double d = sqlite3_value_double(val);
			int n = x->cls == RPL_CLASS_DOUBLE ? snprintf(tmp, sizeof tmp, "%.17g", d)
			                                   : rpl_numtext_shortest(d, tmp, sizeof tmp);
			put_text(x, v, ind, tmp, (size_t)n);
		} else {
			const unsigned char *p = sqlite3_value_text(val);   /* text first, then its length */
			put_text(x, v, ind, p, (size_t)sqlite3_value_bytes(val));
		}
		return 0;
	default:
		break;
	}
	return bad_value(x, "no SQLite reading for this transport type", row, err);
}

_Static_assert(SQLITE_INTEGER == RPL_XV_INTEGER && SQLITE_FLOAT == RPL_XV_REAL && SQLITE_TEXT == RPL_XV_TEXT &&
               SQLITE_BLOB == RPL_XV_BLOB, "xfer.h's storage classes are SQLite's codes");

/* put_verbatim keeps value i as SQLite stored it, storage class first (xfer.h): a
 * SQLite target gets the same class, row by row (SQLite to SQLite only). */
static int
put_verbatim(sqlite3_stmt *st, int i, struct rpl_xbuf *b, size_t row, size_t c, struct rpl_err *err)
{
	sqlite3_value *val = sqlite3_column_value(st, i);
	int t = sqlite3_value_type(val);
	SQLLEN *ind = rpl_xind(b, row, c);
	if (t == SQLITE_NULL) {
		*ind = SQL_NULL_DATA;
		rpl_xbuf_null_ool(b, row, c);
		return 0;
	}
	unsigned char num[8];
	const void *p = num;
	size_t len = sizeof num;
	if (t == SQLITE_INTEGER) {
		int64_t i64 = sqlite3_value_int64(val);
		memcpy(num, &i64, sizeof num);
	} else if (t == SQLITE_FLOAT) {
		double d = sqlite3_value_double(val);
		memcpy(num, &d, sizeof num);
	} else {
		p = t == SQLITE_TEXT ? (const void *)sqlite3_value_text(val) : sqlite3_value_blob(val);
		len = (size_t)sqlite3_value_bytes(val);   /* after the text: its length */
	}
	unsigned char *out = rpl_xbuf_heap_put(b, row, c, len + 2);
	if (out == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", b->cols[c].src->name);
	out[0] = (unsigned char)t;   /* SQLITE_INTEGER … SQLITE_BLOB are RPL_XV_* */
	if (len > 0)                 /* an empty BLOB's pointer is NULL */
		memcpy(out + 1, p, len);
	out[len + 1] = '\0';
	rpl_xbuf_heap_used(b, len + 2);
	*ind = (SQLLEN)(len + 1);
	return 0;
}

int
rpl_litesource_fetch(struct rpl_litesource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	*n = 0;
	b->nmisfits = 0;
	if (s->st == NULL)
		return 0;
	while (*n < b->rows && !rpl_xbuf_heap_full(b)) {
		int rc = sqlite3_step(s->st);
		if (rc == SQLITE_DONE) {
			sqlite3_finalize(s->st);
			s->st = NULL;
			return 0;
		}
		if (rc != SQLITE_ROW) {
			rpl_err_set(err, RPL_EODBC, "source: read: %s", sqlite3_errmsg(s->db));
			snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
			err->native = sqlite3_errcode(s->db);
			return err->code;
		}
		unsigned char *row = b->data + *n * b->row_size;
		for (size_t c = 0; c < b->ncols; c++) {
			const struct rpl_xcol *x = &b->cols[c];
			int r = x->verbatim ? put_verbatim(s->st, (int)c, b, *n, c, err)
			        : x->ool ? put_ool(s->st, (int)c, b, *n, c, err)
			               : put_value(s->st, b, *n, c, row + x->off, (SQLLEN *)(void *)(row + x->ind_off), err);
			if (r < 0)
				return r;
		}
		(*n)++;
	}
	return 0;
}

/* The source adapter (source.h): a SQLite connection string that names a Database=
 * file is read through the library (rpl_xfer_lite_flags decides, for both sides). */
struct lite_source {
	struct rpl_source base;
	struct rpl_litesource *s;   /* owned */
};

static int
lites_start(struct rpl_source *src, const char *select_sql, const struct rpl_range *range, struct rpl_err *err)
{
	(void)range;
	return rpl_litesource_start(((struct lite_source *)src)->s, select_sql, err);
}

static int
lites_fetch(struct rpl_source *src, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	return rpl_litesource_fetch(((struct lite_source *)src)->s, b, n, err);
}

static void
lites_close(struct rpl_source *src)
{
	rpl_litesource_close(((struct lite_source *)src)->s);
	free(src);
}

static void
lites_explain(const struct rpl_source *src, const char *select_sql, const struct rpl_range *range,
              rpl_explain_fn fn, void *data)
{
	(void)src, (void)range;
	fn(data, select_sql);
}

static const struct rpl_source_ops lite_source_ops = {
	.name = "sqlite", .fit = NULL, .start = lites_start, .fetch = lites_fetch, .finish = NULL, .abort = NULL,
	.close = lites_close, .explain = lites_explain,
};

int
rpl_litesource_adapter_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                            char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_litesource *s = NULL;
	*out = NULL;
	if (conn->engine != RPL_ENGINE_SQLITE)
		return 0;
	if (!(rpl_xfer_lite_flags(conn->engine, conn->connstr, RPL_ENGINE_UNKNOWN, NULL, w->odbc_only) & RPL_XFER_SRC_LIB)) {
		snprintf(why_not, why_len, "the SQLite library needs a Database= file, not a DSN");
		return 0;
	}
	int r = rpl_litesource_open(conn->connstr, &s, err);
	if (r < 0)
		return r;
	if (s == NULL)   /* the layout would have assumed the library */
		return rpl_err_set(err, RPL_EINVAL, "SQLite: no Database= file to open");
	struct lite_source *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_litesource_close(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &lite_source_ops;
	o->base.conn = conn;
	o->base.fills = true;
	o->base.native_read = true;
	o->base.layout_flags = RPL_XFER_SRC_LIB;
	o->s = s;
	snprintf(o->base.why, sizeof o->base.why,
	         "the SQLite library: each value as SQLite stores it (sqliteodbc prints doubles with 15 digits)");
	*out = &o->base;
	return 0;
}
