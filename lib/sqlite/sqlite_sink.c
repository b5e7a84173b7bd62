/* lib/sqlite/sqlite_sink.c: see sqlite_sink.h. */
#include "sqlite_sink.h"
#include "odbc_conn.h"
#include "xfer.h"
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct rpl_litesink {
	sqlite3 *db;            /* owned */
	sqlite3_stmt *ins;      /* owned; NULL until prepared */
};

static int
lite_fail(struct rpl_litesink *s, const char *what, struct rpl_err *err)
{
	rpl_err_set(err, RPL_EODBC, "target: %s: %s", what, sqlite3_errmsg(s->db));
	err->native = sqlite3_errcode(s->db);
	snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
	return err->code;
}

int
rpl_litesink_open(const char *odbc, struct rpl_litesink **out, struct rpl_err *err)
{
	char path[4096];
	*out = NULL;
	if (!rpl_connstr_get(odbc, "Database", path, sizeof path))
		return 0;
	struct rpl_litesink *s = calloc(1, sizeof *s);
	if (s == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		int r = lite_fail(s, "cannot open the SQLite target", err);
		rpl_litesink_close(s);
		return r;
	}
	/* the ledger and the other workers write through their own connections */
	sqlite3_busy_timeout(s->db, 120000);
	*out = s;
	return 0;
}

void
rpl_litesink_close(struct rpl_litesink *s)
{
	if (s == NULL)
		return;
	sqlite3_finalize(s->ins);
	sqlite3_close(s->db);
	free(s);
}

int
rpl_litesink_exec(struct rpl_litesink *s, const char *sql, struct rpl_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		rpl_err_set(err, RPL_EODBC, "target: %.200s: %s", sql, msg ? msg : sqlite3_errmsg(s->db));
		err->native = sqlite3_errcode(s->db);
		snprintf(err->sqlstate, sizeof err->sqlstate, "HY000");
		sqlite3_free(msg);
		return err->code;
	}
	return 0;
}

int
rpl_litesink_exec_count(struct rpl_litesink *s, const char *sql, int64_t *rows, struct rpl_err *err)
{
	int r = rpl_litesink_exec(s, sql, err);
	*rows = r == 0 ? (int64_t)sqlite3_changes(s->db) : 0;
	return r;
}

int
rpl_litesink_prepare(struct rpl_litesink *s, const char *insert_sql, struct rpl_err *err)
{
	sqlite3_finalize(s->ins);
	s->ins = NULL;
	if (sqlite3_prepare_v2(s->db, insert_sql, -1, &s->ins, NULL) != SQLITE_OK)
		return lite_fail(s, "prepare insert", err);
	return 0;
}

int
rpl_litesink_insert(struct rpl_litesink *s, const struct rpl_xbuf *b, size_t r, char *why, size_t whylen,
                    struct rpl_err *err)
{
	sqlite3_stmt *st = s->ins;
	unsigned char *row = b->data + r * b->row_size;   /* once: this runs per value */
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		const void *v = rpl_xval_in(b, row, x);
		SQLLEN ind = *(const SQLLEN *)(const void *)(row + x->ind_off);
		int i = (int)c + 1, rc;
		if (ind == SQL_NULL_DATA) {
			rc = sqlite3_bind_null(st, i);
		} else {
			switch (x->c_type) {
			case SQL_C_SBIGINT: rc = sqlite3_bind_int64(st, i, *(const int64_t *)v); break;
			case SQL_C_BIT: rc = sqlite3_bind_int(st, i, *(const unsigned char *)v); break;
			case SQL_C_DOUBLE: rc = sqlite3_bind_double(st, i, *(const double *)v); break;
			case SQL_C_BINARY: rc = sqlite3_bind_blob(st, i, v, (int)ind, SQLITE_STATIC); break;
			case SQL_C_CHAR:
				if (x->cls == RPL_CLASS_DOUBLE) {
					/* doubles travel as text when SQLite is a side (xfer.c): bind the
					 * number itself, so SQLite's own text parsing cannot round it */
					char *end;
					double d = strtod(v, &end);
					if (end != (const char *)v && *end == '\0') {
						rc = sqlite3_bind_double(st, i, d);
						break;
					}
				}
				rc = sqlite3_bind_text(st, i, v, (int)ind, SQLITE_STATIC);
				break;
			default:
				return rpl_err_set(err, RPL_EINVAL, "column %s: no SQLite binding for C type %d", x->src->name,
				                   x->c_type);
			}
		}
		if (rc != SQLITE_OK)
			return lite_fail(s, "bind", err);
	}
	int rc = sqlite3_step(st);
	int r2 = 0;
	if (rc != SQLITE_DONE) {
		int code = sqlite3_errcode(s->db) & 0xff;
		if (code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG) {
			snprintf(why, whylen, "target refused the row: %s", sqlite3_errmsg(s->db));
			r2 = 1;
		} else {
			r2 = lite_fail(s, "insert", err);
		}
	}
	/* no sqlite3_clear_bindings: the loop above binds every parameter of every row
	 * (NULLs too), and clearing 184 of them per row was 1.4% of a copy */
	sqlite3_reset(st);
	return r2;
}
