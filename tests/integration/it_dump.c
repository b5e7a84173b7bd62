/* tests/integration/it_dump.c: see it.h. A table's rows read whole into memory and
 * compared value by value (it_dump_*), across engines in one canonical text per
 * value; two SQLite files' tables compared by storage class and value (it_lite_same). */
#include "it.h"
#include "dialect.h"
#include "sbuf.h"
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* get_all reads a whole character or binary value with repeated SQLGetData. */
static char *
get_all(SQLHSTMT st, SQLUSMALLINT col, SQLSMALLINT ctype, size_t *len, bool *null)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	*null = false;
	for (;;) {
		SQLLEN ind = 0;
		size_t room = cap - n;
		SQLRETURN rc = SQLGetData(st, col, ctype, buf + n, (SQLLEN)room, &ind);
		if (rc == SQL_NO_DATA)
			break;
		ck_assert_msg(SQL_SUCCEEDED(rc), "SQLGetData column %u failed", col);
		if (ind == SQL_NULL_DATA) {
			*null = true;
			break;
		}
		size_t term = ctype == SQL_C_CHAR ? 1 : 0;
		if (rc == SQL_SUCCESS_WITH_INFO && (ind == SQL_NO_TOTAL || (size_t)ind > room - term)) {
			n += room - term;
			cap *= 2;
			buf = realloc(buf, cap);
			continue;
		}
		n += (size_t)ind;
		break;
	}
	*len = n;
	buf = realloc(buf, n + 1);
	buf[n] = '\0';
	return buf;
}

static char *
canon_decimal(const char *s)
{
	char out[512];
	size_t o = 0;
	const char *p = s;
	bool neg = false;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p == '0' && isdigit((unsigned char)p[1]))
		p++;
	char digits[500];
	snprintf(digits, sizeof digits, "%s", p);
	char *dot = strchr(digits, '.');
	if (dot != NULL) {
		char *e = digits + strlen(digits);
		while (e > dot + 1 && e[-1] == '0')
			*--e = '\0';
		if (e == dot + 1)
			*dot = '\0';
	}
	if (strcmp(digits, "0") == 0)
		neg = false;
	o = (size_t)snprintf(out, sizeof out, "d:%s%s", neg ? "-" : "", digits);
	(void)o;
	return strdup(out);
}

static char *
canon_timestamp(const char *s)
{
	char base[20] = "", frac[10] = "000000000";
	snprintf(base, sizeof base, "%.19s", s);
	if (base[10] == 'T')
		base[10] = ' ';
	const char *dot = strlen(s) > 19 ? strchr(s + 19, '.') : NULL;
	if (dot != NULL)
		for (int i = 0; i < 9 && isdigit((unsigned char)dot[1 + i]); i++)
			frac[i] = dot[1 + i];
	if (strlen(base) == 10)
		snprintf(base + 10, sizeof base - 10, " 00:00:00");
	char out[64];
	snprintf(out, sizeof out, "ts:%s.%s", base, frac);
	return strdup(out);
}

/* sqlite_exact_doubles: sqliteodbc and SQLite's printf both render some doubles
 * inexactly (docs/engines.md), so the reader takes SQLite's doubles from the SQLite
 * library itself, bit for bit, through the file the connection string names. */
static void
sqlite_exact_doubles(struct rpl_conn *c, const char *table, const char *order_col, const struct rpl_table *t,
                     struct it_dump *d)
{
	const char *db = strstr(c->connstr, "Database=");
	ck_assert_msg(db != NULL, "SQLite connection without Database=");
	char path[1024];
	snprintf(path, sizeof path, "%s", db + 9);
	char *semi = strchr(path, ';');
	if (semi)
		*semi = '\0';
	sqlite3 *h;
	ck_assert_msg(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "open %s", path);
	for (size_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].cls != RPL_CLASS_DOUBLE)
			continue;
		char sql[1024];
		snprintf(sql, sizeof sql, "SELECT \"%s\" FROM \"%s\" ORDER BY \"%s\"", t->cols[i].name, table, order_col);
		sqlite3_stmt *st;
		ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
		for (size_t r = 0; sqlite3_step(st) == SQLITE_ROW && r < d->nrows; r++) {
			if (sqlite3_column_type(st, 0) != SQLITE_FLOAT && sqlite3_column_type(st, 0) != SQLITE_INTEGER)
				continue;
			char b[64];
			snprintf(b, sizeof b, "f:%.17g", sqlite3_column_double(st, 0));
			free(d->rows[r][i]);
			d->rows[r][i] = strdup(b);
		}
		sqlite3_finalize(st);
	}
	sqlite3_close(h);
}

void
it_dump_table(struct rpl_conn *c, const char *table, const char *order_col, struct it_dump *d)
{
	struct rpl_table t;
	struct rpl_err err = RPL_ERR_INIT;
	bool exists;
	memset(d, 0, sizeof *d);
	ck_assert_msg(rpl_catalog_read(c, NULL, table, &t, &exists, &err) == 0, "catalog %s: %s", table, err.msg);
	ck_assert_msg(exists, "%s: table %s does not exist", rpl_engine_name(c->engine), table);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT ");
	d->ncols = t.ncols;
	d->cols = calloc(t.ncols, sizeof *d->cols);
	for (size_t i = 0; i < t.ncols; i++) {
		d->cols[i] = strdup(t.cols[i].name);
		for (char *p = d->cols[i]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		rpl_sbuf_add(&sql, i ? ", " : "");
		if (c->engine == RPL_ENGINE_SQLITE && t.cols[i].cls == RPL_CLASS_DOUBLE) {
			/* sqliteodbc renders doubles with 15 digits; SQLite's printf gives 17 */
			rpl_sbuf_add(&sql, "CASE WHEN typeof(");
			rpl_dialect_ident(c->dialect, t.cols[i].name, &sql);
			rpl_sbuf_add(&sql, ")='real' THEN printf('%!.17g',");
			rpl_dialect_ident(c->dialect, t.cols[i].name, &sql);
			rpl_sbuf_add(&sql, ") ELSE ");
			rpl_dialect_ident(c->dialect, t.cols[i].name, &sql);
			rpl_sbuf_add(&sql, " END");
		} else {
			rpl_dialect_ident(c->dialect, t.cols[i].name, &sql);
		}
	}
	rpl_sbuf_add(&sql, " FROM ");
	rpl_dialect_ident(c->dialect, table, &sql);
	rpl_sbuf_add(&sql, " ORDER BY ");
	rpl_dialect_ident(c->dialect, order_col, &sql);
	SQLHSTMT st;
	ck_assert(rpl_conn_stmt(c, &st, &err) == 0);
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)sql.s, SQL_NTS);
	if (!SQL_SUCCEEDED(rc)) {
		rpl_conn_fail(c, st, &err, "dump");
		ck_abort_msg("%s: %s", sql.s, err.msg);
	}
	size_t cap = 0;
	while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
		ck_assert_msg(SQL_SUCCEEDED(rc), "dump fetch failed");
		if (d->nrows == cap) {
			cap = cap ? cap * 2 : 16;
			d->rows = realloc(d->rows, cap * sizeof *d->rows);
		}
		char **row = calloc(t.ncols, sizeof *row);
		d->rows[d->nrows++] = row;
		for (size_t i = 0; i < t.ncols; i++) {
			const struct rpl_column *col = &t.cols[i];
			SQLUSMALLINT k = (SQLUSMALLINT)(i + 1);
			bool null = false;
			size_t len;
			char *v;
			if (col->cls == RPL_CLASS_INT || col->cls == RPL_CLASS_BOOL) {
				long long x = 0;
				SQLLEN ind;
				ck_assert(SQL_SUCCEEDED(SQLGetData(st, k, SQL_C_SBIGINT, &x, 0, &ind)));
				null = ind == SQL_NULL_DATA;
				char b[40];
				snprintf(b, sizeof b, "i:%lld", x);
				v = strdup(b);
			} else if (col->cls == RPL_CLASS_DOUBLE && c->engine != RPL_ENGINE_SQLITE) {
				double x = 0;
				SQLLEN ind;
				ck_assert(SQL_SUCCEEDED(SQLGetData(st, k, SQL_C_DOUBLE, &x, 0, &ind)));
				null = ind == SQL_NULL_DATA;
				char b[64];
				snprintf(b, sizeof b, "f:%.17g", x);
				v = strdup(b);
			} else if (col->cls == RPL_CLASS_BINARY) {
				char *raw = get_all(st, k, SQL_C_BINARY, &len, &null);
				v = malloc(2 * len + 3);
				strcpy(v, "x:");
				for (size_t j = 0; j < len; j++)
					sprintf(v + 2 + 2 * j, "%02x", (unsigned char)raw[j]);
				free(raw);
			} else {
				char *raw = get_all(st, k, SQL_C_CHAR, &len, &null);
				if (col->cls == RPL_CLASS_DECIMAL) {
					v = canon_decimal(raw);
					free(raw);
				} else if (col->cls == RPL_CLASS_DOUBLE) {
					char b[64];
					snprintf(b, sizeof b, "f:%.17g", strtod(raw, NULL));
					v = strdup(b);
					free(raw);
				} else if (col->cls == RPL_CLASS_TIMESTAMP) {
					v = canon_timestamp(raw);
					free(raw);
				} else if (col->cls == RPL_CLASS_DATE) {
					char b[32];
					snprintf(b, sizeof b, "date:%.10s", raw);
					v = strdup(b);
					free(raw);
				} else {
					v = malloc(len + 3);
					memcpy(v, "s:", 2);
					memcpy(v + 2, raw, len + 1);
					free(raw);
				}
			}
			if (null) {
				free(v);
				v = strdup("NULL");
			}
			row[i] = v;
		}
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&sql);
	if (c->engine == RPL_ENGINE_SQLITE)
		sqlite_exact_doubles(c, table, order_col, &t, d);
	rpl_table_fini(&t);
}

void
it_dump_free(struct it_dump *d)
{
	for (size_t r = 0; r < d->nrows; r++) {
		for (size_t c = 0; c < d->ncols; c++)
			free(d->rows[r][c]);
		free(d->rows[r]);
	}
	for (size_t c = 0; c < d->ncols; c++)
		free(d->cols[c]);
	free(d->rows);
	free(d->cols);
	memset(d, 0, sizeof *d);
}

static size_t
col_index(const struct it_dump *d, const char *name)
{
	for (size_t c = 0; c < d->ncols; c++)
		if (strcasecmp(d->cols[c], name) == 0)
			return c;
	ck_abort_msg("column %s not in dump", name);
	return 0;
}

const char *
it_dump_get(const struct it_dump *d, size_t r, const char *col)
{
	ck_assert_msg(r < d->nrows, "row %zu of %zu", r, d->nrows);
	return d->rows[r][col_index(d, col)];
}

/* within_one_ulp: SQLite 3.40 converts between text and double without correct
 * rounding for large exponents (docs/engines.md), and sqliteodbc moves doubles as
 * text: on pairs with SQLite a double may land one unit in the last place away. */
static bool
within_one_ulp(const char *a, const char *b)
{
	if (strncmp(a, "f:", 2) != 0 || strncmp(b, "f:", 2) != 0)
		return false;
	double x = strtod(a + 2, NULL), y = strtod(b + 2, NULL);
	return nextafter(x, y) == y;
}

void
it_dump_compare_ulp(const struct it_dump *src, const struct it_dump *dst, const char *what, bool ulp)
{
	ck_assert_msg(src->nrows == dst->nrows, "%s: %zu source rows, %zu target rows", what, src->nrows, dst->nrows);
	ck_assert_msg(src->ncols == dst->ncols, "%s: %zu source columns, %zu target columns", what, src->ncols, dst->ncols);
	for (size_t c = 0; c < src->ncols; c++) {
		size_t k = col_index(dst, src->cols[c]);
		for (size_t r = 0; r < src->nrows; r++) {
			const char *a = src->rows[r][c], *b = dst->rows[r][k];
			ck_assert_msg(strcmp(a, b) == 0 || (ulp && within_one_ulp(a, b)),
			              "%s: row %zu (%s) column %s: source %.120s, target %.120s",
			              what, r, src->rows[r][0], src->cols[c], a, b);
		}
	}
}

void
it_dump_compare(const struct it_dump *src, const struct it_dump *dst, const char *what)
{
	it_dump_compare_ulp(src, dst, what, false);
}

void
it_lite_same(const char *dst_db, const char *src_db, const char *table, const char *key, const char *src_where,
             int64_t want_rows)
{
	sqlite3 *h;
	ck_assert_msg(sqlite3_open_v2(dst_db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK, "open %s", dst_db);
	char *q = sqlite3_mprintf("ATTACH %Q AS s", src_db);
	ck_assert_msg(sqlite3_exec(h, q, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", q, sqlite3_errmsg(h));
	sqlite3_free(q);
	/* one condition per column: the same storage class and the same value (quote()
	 * spells a REAL so that it reads back as the same double, a BLOB in hex) */
	struct rpl_sbuf cond = RPL_SBUF_INIT;
	q = sqlite3_mprintf("SELECT name FROM pragma_table_info(%Q, 's')", table);
	sqlite3_stmt *st;
	ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK, "%s: %s", q, sqlite3_errmsg(h));
	sqlite3_free(q);
	while (sqlite3_step(st) == SQLITE_ROW) {
		char *one = sqlite3_mprintf("%s typeof(a.\"%w\") IS NOT typeof(b.\"%w\") OR quote(a.\"%w\") IS NOT quote(b.\"%w\")",
		                            cond.len ? " OR" : "", sqlite3_column_text(st, 0), sqlite3_column_text(st, 0),
		                            sqlite3_column_text(st, 0), sqlite3_column_text(st, 0));
		rpl_sbuf_add(&cond, one);
		sqlite3_free(one);
	}
	sqlite3_finalize(st);
	ck_assert_msg(cond.len > 0, "no columns in s.%s", table);
	const char *w = src_where != NULL ? src_where : "1";
	q = sqlite3_mprintf("SELECT (SELECT COUNT(*) FROM s.\"%w\" a WHERE %s), (SELECT COUNT(*) FROM main.\"%w\"),"
	                    " (SELECT group_concat(a.\"%w\") FROM s.\"%w\" a LEFT JOIN main.\"%w\" b ON a.\"%w\" IS b.\"%w\""
	                    " WHERE (%s) AND (%s))",
	                    table, w, table, key, table, table, key, key, w, rpl_sbuf_str(&cond));
	ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK, "%s: %s", q, sqlite3_errmsg(h));
	ck_assert(sqlite3_step(st) == SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int64(st, 0), want_rows);
	ck_assert_int_eq(sqlite3_column_int64(st, 1), want_rows);
	ck_assert_msg(sqlite3_column_type(st, 2) == SQLITE_NULL, "%s: rows %s differ in storage class or value", table,
	              sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	sqlite3_free(q);
	rpl_sbuf_fini(&cond);
	sqlite3_close(h);
}
