/* lib/core/xfer.c: the transport buffer: choosing each column's C type and width, binding
 * it for block fetch and parameter arrays, and rendering a value as JSON for the
 * reject file. */
#include "xfer.h"
#include "odbc_conn.h"
#include "dialect.h"
#include "jsonw.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

/* long_width: buffer for one unbounded value. A value longer than this fails the
 * partition with a message naming the column (never cut): a sixteenth of a chunk
 * keeps at least 16 rows per fetch (struct rpl_xcol chunk_sized). */
static SQLLEN
long_width(int64_t chunk_bytes)
{
	int64_t w = chunk_bytes / 16;
	if (w < 64 * 1024)
		w = 64 * 1024;
	if (w > 16 * 1024 * 1024)
		w = 16 * 1024 * 1024;
	return (SQLLEN)w;
}

unsigned
rpl_xfer_lite_flags(enum rpl_engine se, const char *src_connstr, enum rpl_engine de, const char *dst_connstr,
                    bool bulk_odbc)
{
	char path[8];    /* only whether the key is there; the open functions read the path */
	unsigned f = 0;
	if (bulk_odbc)
		return 0;
	if (se == RPL_ENGINE_SQLITE && src_connstr != NULL && rpl_connstr_get(src_connstr, "Database", path, sizeof path))
		f |= RPL_XFER_SRC_LIB;
	if (de == RPL_ENGINE_SQLITE && dst_connstr != NULL && rpl_connstr_get(dst_connstr, "Database", path, sizeof path))
		f |= RPL_XFER_DST_LIB;
	return f;
}

/* A SQLite decimal column's values written out plainly in line (sqlite_source.c
 * put_decimal): every REAL fits (5e-324 is "0.", 323 zeros and a 5: 327 characters
 * with a sign; 1.8e308 309 digits), and so does what the rules write out in place from
 * sqliteodbc's "1e+308" (rules_numbers.c, 511 characters at most). */
#define LITE_DECIMAL_WIDTH 512
#define INLINE_DECIMAL_WIDTH 1024

/* decimal_width: the slot of a decimal's text: digits, sign, point and NUL. A numeric
 * without precision had 131 characters whatever its values, and a longer value failed
 * the partition ("raise load.chunk_bytes", which changed nothing). Out of line
 * (rpl_xbuf_layout) its values need no slot. In line, into a decimal(p,s) of MariaDB,
 * SQL Server or PostgreSQL it gets room for every value that column holds, and a
 * longer one is more digits than the column takes: its row is rejected
 * (copy_reader.c); into any other column (PostgreSQL's numeric, SQLite, text, or a
 * value that must stay the same number in an integer or a double) room for 1023
 * characters (INLINE_DECIMAL_WIDTH), a longer value's row rejected the same way: a
 * slot for every PostgreSQL numeric (147,458 bytes) left 28 rows in a 4 MiB chunk of
 * one such column, read through a DSN. A SQLite source's are REALs and integers,
 * which LITE_DECIMAL_WIDTH holds, and text. */
static SQLLEN
decimal_width(const struct rpl_column *s, const struct rpl_column *d, enum rpl_engine se, enum rpl_engine de)
{
	if (s->size > 0)
		return (SQLLEN)s->size + 4;
	if (se == RPL_ENGINE_SQLITE)
		return LITE_DECIMAL_WIDTH;
	if (d->cls == RPL_CLASS_DECIMAL && d->size > 0 && de != RPL_ENGINE_SQLITE)
		return d->size + 4 > 132 ? (SQLLEN)d->size + 4 : 132;
	return INLINE_DECIMAL_WIDTH;
}

/* xcol_date: a date or timestamp column's C type and parameter (xcol_choose) */
static void
xcol_date(struct rpl_xcol *x, enum rpl_engine de, bool text_dates)
{
	const struct rpl_column *d = x->dst;
	if (x->cls == RPL_CLASS_DATE) {
		if (text_dates) {
			x->c_type = SQL_C_CHAR; x->width = 40;
		} else {
			x->c_type = SQL_C_TYPE_DATE; x->width = sizeof(SQL_DATE_STRUCT);
		}
		x->param_type = SQL_TYPE_DATE; x->param_size = 10;
		return;
	}
	if (text_dates) {
		x->c_type = SQL_C_CHAR; x->width = 48;
	} else {
		x->c_type = SQL_C_TYPE_TIMESTAMP; x->width = sizeof(SQL_TIMESTAMP_STRUCT);
	}
	/* MariaDB Connector/ODBC drops the fraction unless the precision is set */
	x->param_type = SQL_TYPE_TIMESTAMP; x->param_size = 26; x->param_digits = 6;
	if (de == RPL_ENGINE_MSSQL && d->cls == RPL_CLASS_TIMESTAMP) {
		/* msodbcsql refuses a fraction finer than the column's scale (22008):
		 * announce the target's own, 0..7 (DATETIME2(7) keeps 100 ns) */
		x->param_digits = (SQLSMALLINT)(d->scale < 0 ? 0 : d->scale > 7 ? 7 : d->scale);
		x->param_size = (SQLULEN)(x->param_digits > 0 ? 20 + x->param_digits : 19);
	}
}

/* xcol_params: the parameter a column is announced as, by the target, once its C
 * type is chosen (xcol_choose) */
static void
xcol_params(struct rpl_xcol *x, enum rpl_engine de)
{
	const struct rpl_column *s = x->src, *d = x->dst;
	if (d->cls == RPL_CLASS_BOOL && x->c_type == SQL_C_SBIGINT)
		x->param_type = SQL_BIT;
	x->as_text = x->c_type == SQL_C_CHAR;
	/* sqliteodbc converts text bound to a numeric or date parameter through double
	 * or its own parser; as VARCHAR it is stored exactly as sent. */
	if (de == RPL_ENGINE_SQLITE && x->as_text) {
		x->param_type = d->is_long ? SQL_LONGVARCHAR : SQL_VARCHAR;
		x->param_size = (SQLULEN)(x->width - 1);
		x->param_digits = 0;
	}
	/* text into a PostgreSQL bytea goes as its bytes (bound binary, param_c_type):
	 * as text, the server's bytea input read '\\x41' as the byte 'A' */
	if (de == RPL_ENGINE_POSTGRES && x->as_text && s->cls == RPL_CLASS_TEXT && d->cls == RPL_CLASS_BINARY)
		x->param_type = d->is_long ? SQL_LONGVARBINARY : SQL_VARBINARY;
	if (x->param_size == 0)
		x->param_size = (SQLULEN)x->width;
}

static void
xcol_choose(struct rpl_xcol *x, enum rpl_engine se, enum rpl_engine de, unsigned flags, int64_t chunk_bytes)
{
	const struct rpl_column *s = x->src, *d = x->dst;
	bool sqlite = se == RPL_ENGINE_SQLITE || de == RPL_ENGINE_SQLITE;
	bool text_dates = sqlite || (flags & (RPL_XFER_SRC_MYODBC | RPL_XFER_SRC_PGODBC));
	/* a side sqliteodbc reads or writes (see rpl_xfer_lite_flags) */
	bool sqliteodbc = (se == RPL_ENGINE_SQLITE && !(flags & RPL_XFER_SRC_LIB)) ||
	                  (de == RPL_ENGINE_SQLITE && !(flags & RPL_XFER_DST_LIB));
	x->cls = s->cls;
	x->param_digits = 0;
	switch (s->cls) {
	case RPL_CLASS_INT:
		x->c_type = SQL_C_SBIGINT; x->width = 8; x->param_type = SQL_BIGINT;
		/* sqliteodbc reads a REAL 3.5 in an INTEGER column as 3 and text as 0: as
		 * text each value is judged by what it is (rules_numbers.c rules_int_text) */
		if (se == RPL_ENGINE_SQLITE && !(flags & RPL_XFER_SRC_LIB)) {
			x->c_type = SQL_C_CHAR; x->width = 128;
		}
		break;
	case RPL_CLASS_DECIMAL:
		x->c_type = SQL_C_CHAR; x->width = decimal_width(s, d, se, de);
		x->param_type = SQL_DECIMAL;
		x->param_size = (SQLULEN)(d->size > 0 ? d->size : s->size > 0 ? s->size : x->width - 1);
		x->param_digits = (SQLSMALLINT)d->scale;
		break;
	case RPL_CLASS_DOUBLE:
		/* a single-precision float needs 9 digits, which sqliteodbc's 15 keep, and
		 * Connector/ODBC's text of a FLOAT has 6 (123456.7 read 123457): binary */
		if (sqliteodbc && !(se != RPL_ENGINE_SQLITE && s->sql_type == SQL_REAL)) {
			x->c_type = SQL_C_CHAR; x->width = 40; x->param_type = SQL_DOUBLE;
		} else {
			x->c_type = SQL_C_DOUBLE; x->width = 8; x->param_type = SQL_DOUBLE;
		}
		break;
	case RPL_CLASS_DATE:
	case RPL_CLASS_TIMESTAMP:
		xcol_date(x, de, text_dates);
		break;
	case RPL_CLASS_TIME:
	case RPL_CLASS_GUID:
		x->c_type = SQL_C_CHAR; x->width = 48; x->param_type = SQL_VARCHAR;
		x->param_size = 47;
		break;
	case RPL_CLASS_TEXT:
		x->c_type = SQL_C_CHAR;
		/* SQLite's VARCHAR(5) holds text of any length: its size is no bound */
		x->chunk_sized = s->is_long || se == RPL_ENGINE_SQLITE;
		x->width = x->chunk_sized ? long_width(chunk_bytes) : (SQLLEN)s->size * 4 + 1;
		x->param_type = d->is_long ? SQL_LONGVARCHAR : SQL_VARCHAR;
		x->param_size = (SQLULEN)(d->is_long || d->size == 0 ? x->width - 1 : d->size);
		break;
	case RPL_CLASS_BINARY:
		x->c_type = SQL_C_BINARY;
		x->chunk_sized = s->is_long || se == RPL_ENGINE_SQLITE;
		x->width = x->chunk_sized ? long_width(chunk_bytes) : (SQLLEN)s->size;
		x->param_type = d->is_long ? SQL_LONGVARBINARY : SQL_VARBINARY;
		x->param_size = (SQLULEN)(d->is_long || d->size == 0 ? x->width : d->size);
		break;
	case RPL_CLASS_BOOL:
		x->c_type = SQL_C_BIT; x->width = 1; x->param_type = SQL_BIT;
		if (se == RPL_ENGINE_MARIADB)
			x->fetch_type = SQL_C_UTINYINT;
		if (se == RPL_ENGINE_SQLITE && !(flags & RPL_XFER_SRC_LIB)) {   /* as integers, above */
			x->c_type = SQL_C_CHAR; x->width = 128;
			/* Connector/ODBC 3.1.15 crashed converting text to an SQL_BIT parameter
			 * in a column-wise array; as an integer it takes "0" and "1" */
			if (de == RPL_ENGINE_MARIADB)
				x->param_type = SQL_INTEGER;
		}
		break;
	}
	xcol_params(x, de);
}

/* param_c_type: the C type a column is bound with as a parameter: text announced as
 * binary (above) is bound as its bytes, the length its indicator already holds */
static SQLSMALLINT
param_c_type(const struct rpl_xcol *x)
{
	bool bin = x->param_type == SQL_VARBINARY || x->param_type == SQL_LONGVARBINARY;
	return x->c_type == SQL_C_CHAR && bin ? SQL_C_BINARY : x->c_type;
}

int
rpl_xbuf_layout(struct rpl_xbuf *b, const struct rpl_column *const *src,
                const struct rpl_column *const *dst, size_t n, enum rpl_engine se,
                enum rpl_engine de, unsigned flags, int64_t chunk_bytes, struct rpl_err *err)
{
	memset(b, 0, sizeof *b);
	b->cols = calloc(n, sizeof *b->cols);
	if (b->cols == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory laying out %zu columns", n);
	b->ncols = n;
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		struct rpl_xcol *x = &b->cols[i];
		x->src = src[i];
		x->dst = dst[i];
		xcol_choose(x, se, de, flags, chunk_bytes);
		/* SQLite to SQLite through the library: every value as SQLite stored it */
		unsigned both = RPL_XFER_SRC_LIB | RPL_XFER_DST_LIB | RPL_XFER_OOL;
		if (se == RPL_ENGINE_SQLITE && de == RPL_ENGINE_SQLITE && (flags & both) == both &&
		    !(flags & RPL_XFER_TYPED)) {
			x->verbatim = true;
			x->c_type = SQL_C_BINARY;
			x->as_text = false;
		}
		x->endless = ((flags & RPL_XFER_PG_COPY) == RPL_XFER_PG_COPY &&
		              (x->c_type == SQL_C_TYPE_DATE || x->c_type == SQL_C_TYPE_TIMESTAMP)) ||
		             ((flags & RPL_XFER_SRC_PGODBC) && x->as_text &&
		              (x->cls == RPL_CLASS_DATE || x->cls == RPL_CLASS_TIMESTAMP));
		/* psqlODBC parses a date parameter itself ('infinity' became 0000-00-00, which
		 * the server refused): as text, PostgreSQL reads it */
		if (x->endless && x->as_text && de == RPL_ENGINE_POSTGRES) {
			x->param_type = SQL_VARCHAR;
			x->param_size = (SQLULEN)(x->width - 1);
			x->param_digits = 0;
		}
		/* all of them, bounded too: a varchar(n) in line takes 4n+1 bytes in every row
		 * whatever it holds, which left ~180 rows in a 4 MiB chunk of the seed table;
		 * and a decimal without precision, whose values may have 147457 characters */
		bool numeric = x->cls == RPL_CLASS_DECIMAL && x->src->size == 0;
		if ((flags & RPL_XFER_OOL) && (x->verbatim || x->cls == RPL_CLASS_TEXT || x->cls == RPL_CLASS_BINARY || numeric)) {
			x->ool = true;
			x->chunk_sized = false;
			x->width = sizeof(uint64_t);
		}
		/* the indicator first, then the value: the two share a cache line, and a
		 * row of wide in-line slots is read one column at a time (the indicator
		 * after a value put every column of the seed table on two lines: half of
		 * the COPY sink's time on MariaDB -> PostgreSQL was that load, perf) */
		x->ind_off = off;
		off += sizeof(SQLLEN);
		x->off = off;
		off = ALIGN8(off + (size_t)x->width);
	}
	b->row_size = ALIGN8(off);
	bool any_ool = false;
	for (size_t i = 0; i < n; i++)
		any_ool = any_ool || b->cols[i].ool;
	if (any_ool) {     /* rows and heap share the chunk */
		chunk_bytes /= 2;
		b->heap_soft = (size_t)chunk_bytes;
		b->heap_cap = 64 * 1024;
		b->heap = malloc(b->heap_cap);
		if (b->heap == NULL) {
			rpl_xbuf_fini(b);
			return rpl_err_set(err, RPL_ENOMEM, "out of memory for out-of-line values");
		}
	}
	int64_t rows = chunk_bytes / (int64_t)b->row_size;
	if (rows < 1)
		rows = 1;
	if (rows > 65536)
		rows = 65536;
	b->rows = (size_t)rows;
	b->data = malloc((b->rows + 1) * b->row_size);
	b->status = calloc(2 * b->rows, sizeof *b->status);   /* fetch status, then param status */
	b->act = calloc(n, sizeof *b->act);
	b->cut = calloc(n, sizeof *b->cut);
	if (b->data == NULL || b->status == NULL || b->act == NULL || b->cut == NULL) {
		rpl_xbuf_fini(b);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for %zu rows of %zu bytes", (size_t)rows, b->row_size);
	}
	return 0;
}

void
rpl_xbuf_fini(struct rpl_xbuf *b)
{
	free(b->cols);
	free(b->data);
	free(b->status);
	free(b->act);
	free(b->cut);
	free(b->heap);
	free(b->misfits);
	memset(b, 0, sizeof *b);
}

void *
rpl_xbuf_heap_grow(struct rpl_xbuf *b, size_t r, size_t c, size_t n)
{
	if (b->heap_len + n > b->heap_cap) {
		size_t cap = b->heap_cap;
		while (cap < b->heap_len + n)
			cap *= 2;
		unsigned char *h = realloc(b->heap, cap);
		if (h == NULL)
			return NULL;
		b->heap = h;
		b->heap_cap = cap;
	}
	uint64_t off = b->heap_len;
	memcpy(b->data + r * b->row_size + b->cols[c].off, &off, sizeof off);
	return b->heap + off;
}

void
rpl_xbuf_endless(struct rpl_xbuf *b, size_t r, size_t c, bool minus)
{
	const struct rpl_xcol *x = &b->cols[c];
	SQLSMALLINT y = minus ? RPL_YEAR_MINUS_INFINITY : RPL_YEAR_INFINITY;
	SQLUSMALLINT m = minus ? 1 : 12, d = minus ? 1 : 31;
	RPL_REQUIRE(x->endless);
	if (x->c_type == SQL_C_TYPE_DATE) {
		*(SQL_DATE_STRUCT *)rpl_xval(b, r, c) = (SQL_DATE_STRUCT){ .year = y, .month = m, .day = d };
		*rpl_xind(b, r, c) = sizeof(SQL_DATE_STRUCT);
	} else {
		*(SQL_TIMESTAMP_STRUCT *)rpl_xval(b, r, c) = (SQL_TIMESTAMP_STRUCT){ .year = y, .month = m, .day = d };
		*rpl_xind(b, r, c) = sizeof(SQL_TIMESTAMP_STRUCT);
	}
}

int
rpl_xbuf_misfit(struct rpl_xbuf *b, size_t r, size_t c, int rule, const char *value, size_t len,
                const char *why, struct rpl_err *err)
{
	if (b->nmisfits == b->misfits_cap) {
		size_t cap = b->misfits_cap ? b->misfits_cap * 2 : 16;
		struct rpl_misfit *m = realloc(b->misfits, cap * sizeof *m);
		if (m == NULL)
			return rpl_err_set(err, RPL_ENOMEM, "out of memory for misfit values");
		b->misfits = m;
		b->misfits_cap = cap;
	}
	struct rpl_misfit *m = &b->misfits[b->nmisfits++];
	m->row = r, m->col = c, m->rule = rule;
	size_t n = len < sizeof m->value - 1 ? len : sizeof m->value - 1;
	if (n > 0)
		memcpy(m->value, value, n);
	m->value[n] = '\0';
	snprintf(m->why, sizeof m->why, "%s", why);
	*rpl_xind(b, r, c) = RPL_IND_MISFIT;
	rpl_xbuf_null_ool(b, r, c);
	return 0;
}

const struct rpl_misfit *
rpl_xbuf_misfit_find(const struct rpl_xbuf *b, size_t r, size_t c)
{
	for (size_t i = 0; i < b->nmisfits; i++)
		if (b->misfits[i].row == r && b->misfits[i].col == c)
			return &b->misfits[i];
	return NULL;
}

int
rpl_xbuf_bind_cols(struct rpl_xbuf *b, SQLHSTMT st, SQLULEN *fetched)
{
	for (size_t i = 0; i < b->ncols; i++)
		RPL_REQUIRE(!b->cols[i].ool);   /* ODBC cannot fill an offset */
	SQLRETURN rc = SQLSetStmtAttr(st, SQL_ATTR_ROW_BIND_TYPE, (SQLPOINTER)(uintptr_t)b->row_size, 0);
	if (SQL_SUCCEEDED(rc))
		rc = SQLSetStmtAttr(st, SQL_ATTR_ROW_ARRAY_SIZE, (SQLPOINTER)(uintptr_t)b->rows, 0);
	if (SQL_SUCCEEDED(rc))
		rc = SQLSetStmtAttr(st, SQL_ATTR_ROWS_FETCHED_PTR, fetched, 0);
	if (SQL_SUCCEEDED(rc))
		rc = SQLSetStmtAttr(st, SQL_ATTR_ROW_STATUS_PTR, b->status, 0);
	for (size_t i = 0; i < b->ncols && SQL_SUCCEEDED(rc); i++) {
		struct rpl_xcol *x = &b->cols[i];
		rc = SQLBindCol(st, (SQLUSMALLINT)(i + 1), x->fetch_type != 0 ? x->fetch_type : x->c_type, b->data + x->off,
		                x->width, (SQLLEN *)(void *)(b->data + x->ind_off));
	}
	return SQL_SUCCEEDED(rc) ? 0 : -1;
}

int
rpl_xbuf_bind_params(struct rpl_xbuf *b, SQLHSTMT st, size_t base, SQLULEN *offset)
{
	unsigned char *row = b->data + base * b->row_size;
	for (size_t i = 0; i < b->ncols; i++)
		RPL_REQUIRE(!b->cols[i].ool);   /* nor read one */
	SQLRETURN rc = SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)(uintptr_t)b->row_size, 0);
	if (SQL_SUCCEEDED(rc))
		rc = SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, offset, 0);
	for (size_t i = 0; i < b->ncols && SQL_SUCCEEDED(rc); i++) {
		struct rpl_xcol *x = &b->cols[i];
		rc = SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, param_c_type(x), x->param_type,
		                      x->param_size, x->param_digits, row + x->off, x->width,
		                      (SQLLEN *)(void *)(row + x->ind_off));
	}
	return SQL_SUCCEEDED(rc) ? 0 : -1;
}

int
rpl_xcols_init(struct rpl_xcols *xc, const struct rpl_xbuf *b, struct rpl_err *err)
{
	memset(xc, 0, sizeof *xc);
	for (size_t i = 0; i < b->ncols; i++)
		RPL_REQUIRE(!b->cols[i].ool);   /* a column array has a fixed width */
	xc->rows = b->rows;
	xc->ncols = b->ncols;
	xc->val = calloc(b->ncols, sizeof *xc->val);
	xc->ind = calloc(b->ncols, sizeof *xc->ind);
	if (xc->val == NULL || xc->ind == NULL)
		goto nomem;
	for (size_t c = 0; c < b->ncols; c++) {
		xc->val[c] = malloc(b->rows * (size_t)b->cols[c].width);
		xc->ind[c] = malloc(b->rows * sizeof(SQLLEN));
		if (xc->val[c] == NULL || xc->ind[c] == NULL)
			goto nomem;
	}
	return 0;
nomem:
	rpl_xcols_fini(xc);
	return rpl_err_set(err, RPL_ENOMEM, "out of memory for column arrays");
}

void
rpl_xcols_fini(struct rpl_xcols *xc)
{
	for (size_t c = 0; c < xc->ncols; c++) {
		if (xc->val != NULL)
			free(xc->val[c]);
		if (xc->ind != NULL)
			free(xc->ind[c]);
	}
	free(xc->val);
	free(xc->ind);
	memset(xc, 0, sizeof *xc);
}

int
rpl_xcols_bind(struct rpl_xcols *xc, const struct rpl_xbuf *b, SQLHSTMT st)
{
	SQLRETURN rc = SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_TYPE, (SQLPOINTER)SQL_PARAM_BIND_BY_COLUMN, 0);
	if (SQL_SUCCEEDED(rc))
		rc = SQLSetStmtAttr(st, SQL_ATTR_PARAM_BIND_OFFSET_PTR, NULL, 0);
	for (size_t i = 0; i < b->ncols && SQL_SUCCEEDED(rc); i++) {
		const struct rpl_xcol *x = &b->cols[i];
		rc = SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, param_c_type(x), x->param_type,
		                      x->param_size, x->param_digits, xc->val[i], x->width, xc->ind[i]);
	}
	return SQL_SUCCEEDED(rc) ? 0 : -1;
}

void
rpl_xcols_fill(struct rpl_xcols *xc, const struct rpl_xbuf *b, size_t first, size_t n)
{
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		bool var = x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY;
		unsigned char *dst = xc->val[c];
		SQLLEN *ind = xc->ind[c];
		for (size_t r = 0; r < n; r++) {
			SQLLEN i = *rpl_xind(b, first + r, c);
			ind[r] = i;
			if (i == SQL_NULL_DATA)
				continue;
			size_t len = var ? (size_t)i : (size_t)x->width;
			memcpy(dst + r * (size_t)x->width, rpl_xval(b, first + r, c), len);
		}
	}
}

int
rpl_xbuf_rebind_binary(struct rpl_xbuf *b, SQLHSTMT st, size_t base)
{
	unsigned char *row = b->data + base * b->row_size;
	for (size_t i = 0; i < b->ncols; i++) {
		struct rpl_xcol *x = &b->cols[i];
		if (x->c_type != SQL_C_BINARY)
			continue;
		SQLRETURN rc = SQLBindParameter(st, (SQLUSMALLINT)(i + 1), SQL_PARAM_INPUT, param_c_type(x), x->param_type,
		                                x->param_size, x->param_digits, row + x->off, x->width,
		                                (SQLLEN *)(void *)(row + x->ind_off));
		if (!SQL_SUCCEEDED(rc))
			return -1;
	}
	return 0;
}

/* verbatim_json: a SQLite value kept with its storage class (xfer.h), as the reject
 * file shows each class: numbers as numbers, text as a string, bytes as \\x hex */
static void
verbatim_json(const unsigned char *v, SQLLEN ind, struct rpl_sbuf *out)
{
	size_t n = ind > 1 ? (size_t)ind - 1 : 0;
	if (v[0] == RPL_XV_INTEGER || v[0] == RPL_XV_REAL) {
		int64_t i;
		double d;
		if (v[0] == RPL_XV_INTEGER) {
			memcpy(&i, v + 1, sizeof i);
			rpl_sbuf_addf(out, "%lld", (long long)i);
			return;
		}
		memcpy(&d, v + 1, sizeof d);
		if (d != d || d - d != 0)
			rpl_sbuf_addf(out, "\"%g\"", d);     /* NaN/Inf are not JSON numbers */
		else
			rpl_sbuf_addf(out, "%.17g", d);
	} else if (v[0] == RPL_XV_TEXT) {
		rpl_json_str(out, (const char *)v + 1, n);
	} else {
		rpl_sbuf_add(out, "\"\\\\x");
		for (size_t k = 0; k < n; k++)
			rpl_sbuf_addf(out, "%02x", v[1 + k]);
		rpl_sbuf_addc(out, '"');
	}
}

void
rpl_xbuf_value_json(const struct rpl_xbuf *b, size_t r, size_t c, struct rpl_sbuf *out)
{
	const struct rpl_xcol *x = &b->cols[c];
	const void *v = rpl_xval(b, r, c);
	SQLLEN ind = *rpl_xind(b, r, c);
	if (ind == SQL_NULL_DATA) {
		rpl_sbuf_add(out, "null");
		return;
	}
	if (ind == RPL_IND_MISFIT) {
		const struct rpl_misfit *m = rpl_xbuf_misfit_find(b, r, c);
		if (m != NULL)
			rpl_json_str(out, m->value, strlen(m->value));
		else
			rpl_sbuf_add(out, "null");
		return;
	}
	if (x->verbatim) {
		verbatim_json(v, ind, out);
		return;
	}
	if (rpl_xdate_is_far(x, v)) {   /* a year outside 1..9999, PostgreSQL's (xfer.h) */
		char t[64];
		rpl_json_str(out, t, (size_t)rpl_xdate_far_text(x, v, t, sizeof t));
		return;
	}
	switch (x->c_type) {
	case SQL_C_SBIGINT: rpl_sbuf_addf(out, "%lld", (long long)*(const int64_t *)v); return;
	case SQL_C_BIT: rpl_sbuf_addf(out, "%d", *(const unsigned char *)v); return;
	case SQL_C_DOUBLE: {
		double d = *(const double *)v;
		if (d != d || d - d != 0)
			rpl_sbuf_addf(out, "\"%g\"", d);     /* NaN/Inf are not JSON numbers */
		else
			rpl_sbuf_addf(out, "%.17g", d);
		return;
	}
	case SQL_C_TYPE_DATE: {
		const SQL_DATE_STRUCT *t = v;
		if (x->endless && (t->year == RPL_YEAR_INFINITY || t->year == RPL_YEAR_MINUS_INFINITY)) {
			rpl_sbuf_add(out, t->year > 0 ? "\"infinity\"" : "\"-infinity\"");
			return;
		}
		rpl_sbuf_addf(out, "\"%04d-%02u-%02u\"", t->year, t->month, t->day);
		return;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		const SQL_TIMESTAMP_STRUCT *t = v;
		if (x->endless && (t->year == RPL_YEAR_INFINITY || t->year == RPL_YEAR_MINUS_INFINITY)) {
			rpl_sbuf_add(out, t->year > 0 ? "\"infinity\"" : "\"-infinity\"");
			return;
		}
		rpl_sbuf_addf(out, "\"%04d-%02u-%02u %02u:%02u:%02u.%06lu\"", t->year, t->month, t->day,
		              t->hour, t->minute, t->second, (unsigned long)(t->fraction / 1000));
		return;
	}
	case SQL_C_BINARY: {
		size_t n = ind < 0 ? 0 : x->ool ? (size_t)ind : (size_t)(ind < x->width ? ind : x->width);
		rpl_sbuf_add(out, "\"\\\\x");
		for (size_t i = 0; i < n; i++)
			rpl_sbuf_addf(out, "%02x", ((const unsigned char *)v)[i]);
		rpl_sbuf_addc(out, '"');
		return;
	}
	default: {
		size_t n = ind < 0 ? strlen(v) : x->ool ? (size_t)ind : (size_t)(ind < x->width ? ind : x->width - 1);
		/* an integer read as text (a SQLite source through sqliteodbc) is still a number */
		const char *t = v;
		size_t sign = n > 0 && t[0] == '-';
		if ((x->cls == RPL_CLASS_INT || x->cls == RPL_CLASS_BOOL) && n > sign && n < 21 &&
		    strspn(t + sign, "0123456789") == n - sign) {
			rpl_sbuf_addf(out, "%.*s", (int)n, (const char *)v);
			return;
		}
		rpl_json_str(out, v, n);
		return;
	}
	}
}
