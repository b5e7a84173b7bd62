/* lib/mariadb/mariadb_source.c: a MariaDB source read through libmariadb (see mariadb_source.h). Each
 * column is bound once to a staging slot in the C type the server's binary protocol
 * converts to (int64, double, MYSQL_TIME, bytes); every fetched row is then moved
 * into the transport buffer's row, in the C type xfer.c chose. */
#include "mariadb_source.h"
#include "odbc_conn.h"
#include "xfer.h"
#include <errmsg.h>
#include <mysql.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Text and binary values are staged up to this size; a longer one is read with
 * mysql_stmt_fetch_column straight into its place. */
#define STAGE_MAX (64 * 1024)

enum kind {
	K_INT,      /* integers, YEAR -> int64 */
	K_BIT,      /* BIT(1) -> SQL_C_BIT */
	K_DOUBLE,   /* DOUBLE -> double */
	K_FLOAT,    /* FLOAT -> double, widened exactly (libmariadb and Connector/ODBC go
	             * through its shortest text: 1.1f became the double 1.1) */
	K_DATE,     /* DATE -> SQL_DATE_STRUCT */
	K_TS,       /* DATETIME, TIMESTAMP -> SQL_TIMESTAMP_STRUCT */
	K_BYTES,    /* text (UTF-8), decimals and dates as text, binaries -> bytes */
};

struct mycol {
	enum kind kind;
	bool is_unsigned_ll;      /* BIGINT UNSIGNED: values above INT64_MAX do not fit */
	unsigned long len;
	my_bool is_null, error;
	union { int64_t i; uint64_t u; double d; float f; MYSQL_TIME t; } v;
	char *stage;              /* owned, K_BYTES: cap + 1 bytes */
	unsigned long cap;
};

struct rpl_mysource {
	MYSQL *conn;              /* owned; NULL after an abort, reopened by start */
	MYSQL_STMT *st;           /* owned; the running statement */
	char *odbc, *secret;      /* owned copies, to reconnect */
	struct mycol *cols;       /* owned, ncols */
	MYSQL_BIND *binds;        /* owned, ncols */
	size_t ncols;
	bool streaming;
};

static const char *const allowed_keys[] = { "Driver", "Server", "Host", "Port", "Database", "DB", "Uid", "User",
	                                     "UserName", "Pwd", "Password", "Charset", NULL };

/* my_fail records the client library's error (of st when given) with what, the
 * password scrubbed, and its number and SQLSTATE for the retry rules (dialect.h). */
static int
my_fail(struct rpl_mysource *s, MYSQL_STMT *st, const char *what, struct rpl_err *err)
{
	/* an unbuffered fetch that loses the server leaves its error on the connection,
	 * not on the statement (whose last errors the execute cleared) */
	if (st != NULL && mysql_stmt_errno(st) == 0 && s->conn != NULL)
		st = NULL;
	unsigned no = st ? mysql_stmt_errno(st) : s->conn ? mysql_errno(s->conn) : CR_SERVER_LOST;
	if (err->code != RPL_OK)
		return err->code;   /* the first error stays, with its own codes */
	rpl_err_set(err, RPL_EODBC, "source: %s: %s", what,
	            st ? mysql_stmt_error(st) : s->conn ? mysql_error(s->conn) : "the connection is closed");
	err->native = (int32_t)no;
	snprintf(err->sqlstate, sizeof err->sqlstate, "%s",
	         st ? mysql_stmt_sqlstate(st) : s->conn ? mysql_sqlstate(s->conn) : "08S01");
	if (no == CR_SERVER_LOST || no == CR_SERVER_GONE_ERROR)
		snprintf(err->sqlstate, sizeof err->sqlstate, "08S01");
	rpl_err_scrub(err, s->secret);
	return err->code;
}

/* mysql_init initialises the library on first use, which is not safe from two
 * workers at once: do it once, before any of them connects. */
static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_rc = -1;
static void library_init(void) { library_rc = mysql_library_init(0, NULL, NULL); }

static int
connect_to(struct rpl_mysource *s, struct rpl_err *err)
{
	static const char *const k_host[] = { "Server", "Host", NULL };
	static const char *const k_db[] = { "Database", "DB", NULL };
	static const char *const k_user[] = { "Uid", "User", "UserName", NULL };
	static const char *const k_pw[] = { "Pwd", "Password", NULL };
	char host[256] = "", port[16] = "3306", db[256] = "", user[256] = "", pw[256] = "";
	for (const char *const *k = k_host; *k && !rpl_connstr_get(s->odbc, *k, host, sizeof host); k++) {}
	for (const char *const *k = k_db; *k && !rpl_connstr_get(s->odbc, *k, db, sizeof db); k++) {}
	for (const char *const *k = k_user; *k && !rpl_connstr_get(s->odbc, *k, user, sizeof user); k++) {}
	for (const char *const *k = k_pw; *k && !rpl_connstr_get(s->odbc, *k, pw, sizeof pw); k++) {}
	rpl_connstr_get(s->odbc, "Port", port, sizeof port);
	pthread_once(&library_once, library_init);
	if (library_rc != 0)
		return rpl_err_set(err, RPL_ENOMEM, "source: the MariaDB client library cannot be initialised");
	s->conn = mysql_init(NULL);
	if (s->conn == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	unsigned timeout = 15;
	mysql_optionsv(s->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_optionsv(s->conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	const char *password = s->secret != NULL ? s->secret : pw[0] ? pw : NULL;
	int r = 0;
	if (mysql_real_connect(s->conn, host, user[0] ? user : NULL, password, db[0] ? db : NULL,
	                       (unsigned)strtoul(port, NULL, 10), NULL, 0) == NULL)
		r = my_fail(s, NULL, "cannot connect", err);
	/* A partition's rows stream while the target loads them: a target that waits on
	 * a lock, or a paused job, stops reading. The server would drop a reader that
	 * has not read for net_write_timeout (60 s); it waits as PostgreSQL's COPY does. */
	else if (mysql_query(s->conn, "SET SESSION net_write_timeout = 31536000") != 0)
		r = my_fail(s, NULL, "SET net_write_timeout", err);
	explicit_bzero(pw, sizeof pw);
	if (r < 0) {
		mysql_close(s->conn);
		s->conn = NULL;
	}
	return r;
}

bool
rpl_mysource_connstr_ok(const char *odbc)
{
	char host[8], cs[16];
	if (!rpl_connstr_get(odbc, "Server", host, sizeof host) && !rpl_connstr_get(odbc, "Host", host, sizeof host))
		return false;                  /* a DSN: ODBC knows where the server is */
	if (!rpl_connstr_only(odbc, allowed_keys))
		return false;                  /* options only the driver honours (TLS, say) */
	return !rpl_connstr_get(odbc, "Charset", cs, sizeof cs) || strncasecmp(cs, "utf8", 4) == 0;
}

int
rpl_mysource_open(const char *odbc, const char *password, struct rpl_mysource **out, struct rpl_err *err)
{
	*out = NULL;
	if (!rpl_mysource_connstr_ok(odbc))
		return 0;
	struct rpl_mysource *s = calloc(1, sizeof *s);
	if (s == NULL || (s->odbc = strdup(odbc)) == NULL ||
	    (password != NULL && (s->secret = strdup(password)) == NULL)) {
		if (s)
			free(s->odbc);
		free(s);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	int r = connect_to(s, err);
	if (r < 0) {
		rpl_mysource_close(s);
		return r;
	}
	*out = s;
	return 0;
}

static void
free_columns(struct rpl_mysource *s)
{
	for (size_t i = 0; s->cols != NULL && i < s->ncols; i++)
		free(s->cols[i].stage);
	free(s->cols);
	free(s->binds);
	s->cols = NULL;
	s->binds = NULL;
	s->ncols = 0;
}

static void
close_stmt(struct rpl_mysource *s)
{
	if (s->st != NULL)
		mysql_stmt_close(s->st);
	s->st = NULL;
}

void
rpl_mysource_close(struct rpl_mysource *s)
{
	if (s == NULL)
		return;
	rpl_mysource_abort(s);   /* a result still streaming is dropped, not read to its end */
	if (s->conn)
		mysql_close(s->conn);
	free_columns(s);
	rpl_secret_free(s->secret);
	free(s->odbc);
	free(s);
}

void
rpl_mysource_abort(struct rpl_mysource *s)
{
	/* mysql_stmt_close would read every row left; closing the socket does not */
	if (s->streaming && s->conn != NULL) {
		mysql_close(s->conn);    /* the statement is left detached: closed below */
		s->conn = NULL;
	}
	close_stmt(s);
	s->streaming = false;
}

static bool
is_string_type(enum enum_field_types t)
{
	switch (t) {
	case MYSQL_TYPE_VARCHAR: case MYSQL_TYPE_VAR_STRING: case MYSQL_TYPE_STRING:
	case MYSQL_TYPE_TINY_BLOB: case MYSQL_TYPE_MEDIUM_BLOB: case MYSQL_TYPE_LONG_BLOB:
	case MYSQL_TYPE_BLOB: case MYSQL_TYPE_ENUM: case MYSQL_TYPE_SET: case MYSQL_TYPE_JSON:
		return true;
	default:
		return false;
	}
}

/* kind_of: how a server column of type f arrives in transport column x; false when
 * it is not converted here (the copy keeps ODBC). */
static bool
kind_of(const MYSQL_FIELD *f, const struct rpl_xcol *x, enum kind *k)
{
	enum enum_field_types t = f->type;
	bool binary_charset = f->charsetnr == 63;
	switch (x->c_type) {
	case SQL_C_SBIGINT:
		*k = K_INT;
		return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_INT24 || t == MYSQL_TYPE_LONG ||
		       t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
	case SQL_C_BIT:
		*k = K_BIT;
		return t == MYSQL_TYPE_BIT && f->length == 1;
	case SQL_C_DOUBLE:
		*k = t == MYSQL_TYPE_FLOAT ? K_FLOAT : K_DOUBLE;
		return t == MYSQL_TYPE_DOUBLE || t == MYSQL_TYPE_FLOAT;
	case SQL_C_TYPE_DATE:
		*k = K_DATE;
		return t == MYSQL_TYPE_DATE || t == MYSQL_TYPE_NEWDATE;
	case SQL_C_TYPE_TIMESTAMP:
		*k = K_TS;
		return t == MYSQL_TYPE_DATETIME || t == MYSQL_TYPE_TIMESTAMP;
	case SQL_C_CHAR:
		*k = K_BYTES;
		if (x->cls == RPL_CLASS_DECIMAL)   /* BIGINT UNSIGNED is one (catalog.c): printed by the library */
			return t == MYSQL_TYPE_NEWDECIMAL || t == MYSQL_TYPE_DECIMAL ||
			       (t == MYSQL_TYPE_LONGLONG && (f->flags & UNSIGNED_FLAG));
		if (x->cls == RPL_CLASS_TEXT)
			return is_string_type(t) && !binary_charset;
		/* dates and times as text (SQLite sides): the library spells them as the
		 * server does, with the column's own fractional digits */
		if (x->cls == RPL_CLASS_DATE)
			return t == MYSQL_TYPE_DATE || t == MYSQL_TYPE_NEWDATE;
		if (x->cls == RPL_CLASS_TIMESTAMP)
			return t == MYSQL_TYPE_DATETIME || t == MYSQL_TYPE_TIMESTAMP;
		return false;   /* TIME: the library prints six fractional digits where ODBC prints none */
	case SQL_C_BINARY:
		*k = K_BYTES;
		return is_string_type(t) || t == MYSQL_TYPE_GEOMETRY;
	default:
		return false;
	}
}

/* bind_columns lays out the staging slots of st's result for layout; *ok false (with
 * why) when a column is not converted here. */
static int
bind_columns(struct rpl_mysource *s, MYSQL_STMT *st, const struct rpl_xbuf *layout, bool *ok, char *why,
             size_t why_len, struct rpl_err *err)
{
	*ok = false;
	free_columns(s);
	MYSQL_RES *md = mysql_stmt_result_metadata(st);
	if (md == NULL)
		return my_fail(s, st, "result metadata", err);
	unsigned nf = mysql_num_fields(md);
	MYSQL_FIELD *f = mysql_fetch_fields(md);
	int r = 0;
	if (nf != layout->ncols) {
		snprintf(why, why_len, "the SELECT returns %u columns for %zu", nf, layout->ncols);
		goto out;
	}
	s->cols = calloc(nf, sizeof *s->cols);
	s->binds = calloc(nf, sizeof *s->binds);
	if (s->cols == NULL || s->binds == NULL) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	s->ncols = nf;
	for (unsigned i = 0; i < nf; i++) {
		const struct rpl_xcol *x = &layout->cols[i];
		struct mycol *m = &s->cols[i];
		MYSQL_BIND *b = &s->binds[i];
		if (!kind_of(&f[i], x, &m->kind)) {
			snprintf(why, why_len, "column %s (%s) is read through ODBC", x->src->name, x->src->type_name);
			goto out;
		}
		b->is_null = &m->is_null;
		b->error = &m->error;
		b->length = &m->len;
		switch (m->kind) {
		case K_INT:
			b->buffer_type = MYSQL_TYPE_LONGLONG;
			b->buffer = &m->v.i;
			b->is_unsigned = (f[i].flags & UNSIGNED_FLAG) != 0;
			m->is_unsigned_ll = b->is_unsigned && f[i].type == MYSQL_TYPE_LONGLONG;
			break;
		case K_DOUBLE:
			b->buffer_type = MYSQL_TYPE_DOUBLE;
			b->buffer = &m->v.d;
			break;
		case K_FLOAT:
			b->buffer_type = MYSQL_TYPE_FLOAT;
			b->buffer = &m->v.f;
			break;
		case K_DATE:
		case K_TS:
			b->buffer_type = m->kind == K_DATE ? MYSQL_TYPE_DATE : MYSQL_TYPE_DATETIME;
			b->buffer = &m->v.t;
			b->buffer_length = sizeof m->v.t;
			break;
		case K_BIT:
		case K_BYTES:
			m->cap = m->kind == K_BIT ? 8 : (unsigned long)(x->width < STAGE_MAX ? x->width : STAGE_MAX);
			if ((m->stage = malloc(m->cap + 1)) == NULL) {
				r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
				goto out;
			}
			b->buffer_type = x->c_type == SQL_C_CHAR ? MYSQL_TYPE_STRING : MYSQL_TYPE_BLOB;
			b->buffer = m->stage;
			b->buffer_length = m->cap;
			break;
		}
	}
	if (mysql_stmt_bind_result(st, s->binds) != 0) {
		r = my_fail(s, st, "binding the result", err);
		goto out;
	}
	*ok = true;
out:
	mysql_free_result(md);
	if (!*ok)
		free_columns(s);
	return r;
}

static int
prepare(struct rpl_mysource *s, const char *sql, struct rpl_err *err)
{
	close_stmt(s);
	if (s->conn == NULL) {
		int r = connect_to(s, err);
		if (r < 0)
			return r;
	}
	s->st = mysql_stmt_init(s->conn);
	if (s->st == NULL)
		return my_fail(s, NULL, "statement", err);
	if (mysql_stmt_prepare(s->st, sql, strlen(sql)) != 0)
		return my_fail(s, s->st, "prepare SELECT", err);
	return 0;
}

int
rpl_mysource_check(struct rpl_mysource *s, const char *sql, const struct rpl_xbuf *layout, bool *ok, char *why,
                   size_t why_len, struct rpl_err *err)
{
	*ok = false;
	int r = prepare(s, sql, err);
	if (r == 0)
		r = bind_columns(s, s->st, layout, ok, why, why_len, err);
	close_stmt(s);
	return r;
}

int
rpl_mysource_start(struct rpl_mysource *s, const char *sql, const struct rpl_xbuf *layout, struct rpl_err *err)
{
	char why[300] = "";
	bool ok;
	int r = prepare(s, sql, err);
	if (r == 0 && (r = bind_columns(s, s->st, layout, &ok, why, sizeof why, err)) == 0 && !ok)
		r = rpl_err_set(err, RPL_EINVAL, "source: %s", why);   /* rpl_mysource_check said yes before */
	if (r < 0)
		return r;
	/* no mysql_stmt_store_result: the rows are read off the socket as fetched */
	if (mysql_stmt_execute(s->st) != 0)
		return my_fail(s, s->st, "SELECT", err);
	s->streaming = true;
	return 0;
}

static int
bad_value(const struct rpl_xcol *x, size_t r, const char *what, struct rpl_err *err)
{
	rpl_err_set(err, RPL_ECONVERT, "source: column %s (%s): %s", x->src->name, x->src->type_name, what);
	rpl_err_where(err, NULL, x->src->name, (int64_t)r);
	return err->code;
}

/* put_bytes moves a text or binary value of len bytes into row r, column c: from
 * the stage, or fetched again into its place when the stage held only a part. */
static int
put_bytes(struct rpl_mysource *s, struct rpl_xbuf *b, size_t r, unsigned c, struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	struct mycol *m = &s->cols[c];
	unsigned long len = m->len;
	bool text = x->c_type == SQL_C_CHAR;
	char *dst;
	unsigned long room;
	if (x->ool) {
		if ((dst = rpl_xbuf_heap_put(b, r, c, (size_t)len + 1)) == NULL)
			return rpl_err_set(err, RPL_ENOMEM, "out of memory for a value of column %s", x->src->name);
		room = len;
	} else {
		dst = rpl_xval(b, r, c);
		room = (unsigned long)(text ? x->width - 1 : x->width);
	}
	unsigned long take = len < room ? len : room;   /* more than room: the caller's check names it */
	if (take <= m->cap) {
		memcpy(dst, m->stage, take);
	} else {
		MYSQL_BIND whole = { .buffer_type = s->binds[c].buffer_type, .buffer = dst, .buffer_length = take };
		unsigned long got = 0;
		my_bool is_null = 0, error = 0;
		whole.length = &got, whole.is_null = &is_null, whole.error = &error;
		if (mysql_stmt_fetch_column(s->st, &whole, c, 0) != 0) {
			char what[200];
			snprintf(what, sizeof what, "reading the long value of column %s", x->src->name);
			return my_fail(s, s->st, what, err);
		}
	}
	if (text || x->ool)
		dst[take] = '\0';
	if (x->ool)
		rpl_xbuf_heap_used(b, (size_t)len + 1);
	*rpl_xind(b, r, c) = (SQLLEN)len;
	return 0;
}

/* put_row moves the fetched row into row r of b. */
static int
put_row(struct rpl_mysource *s, struct rpl_xbuf *b, size_t r, struct rpl_err *err)
{
	unsigned char *row = b->data + r * b->row_size;
	for (unsigned c = 0; c < s->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		struct mycol *m = &s->cols[c];
		SQLLEN *ind = (SQLLEN *)(void *)(row + x->ind_off);
		if (m->is_null) {
			*ind = SQL_NULL_DATA;
			rpl_xbuf_null_ool(b, r, c);
			continue;
		}
		void *v = row + x->off;
		const MYSQL_TIME *t = &m->v.t;
		switch (m->kind) {
		case K_INT:
			if (m->error || (m->is_unsigned_ll && m->v.u > (uint64_t)INT64_MAX)) {
				char msg[80];
				snprintf(msg, sizeof msg, "%llu does not fit a signed 64-bit integer", (unsigned long long)m->v.u);
				return bad_value(x, r, msg, err);
			}
			memcpy(v, &m->v.i, 8);
			*ind = 8;
			break;
		case K_BIT: {
			uint64_t bits = 0;
			for (unsigned long i = 0; i < m->len && i < m->cap; i++)
				bits = bits << 8 | (unsigned char)m->stage[i];
			if (bits > 1)
				return bad_value(x, r, "a BIT value other than 0 or 1", err);
			*(unsigned char *)v = (unsigned char)bits;
			*ind = 1;
			break;
		}
		case K_DOUBLE:
			memcpy(v, &m->v.d, 8);
			*ind = 8;
			break;
		case K_FLOAT: {
			double wide = m->v.f;
			memcpy(v, &wide, 8);
			*ind = 8;
			break;
		}
		case K_DATE:
		case K_TS:
			/* a zero date ('0000-00-00', or a zero month or day: '2020-00-00') is a
			 * placeholder, not a date: it travels as it is (no real date has a month
			 * or day 0) and the value rules make it NULL or reject it by the rule
			 * zero_date (rules.c), counted either way */
			if (t->neg)
				return bad_value(x, r, "a negative date", err);
			if (m->kind == K_DATE) {
				SQL_DATE_STRUCT d = { (SQLSMALLINT)t->year, (SQLUSMALLINT)t->month, (SQLUSMALLINT)t->day };
				memcpy(v, &d, sizeof d);
				*ind = sizeof d;
			} else {
				SQL_TIMESTAMP_STRUCT ts = { (SQLSMALLINT)t->year, (SQLUSMALLINT)t->month, (SQLUSMALLINT)t->day,
				                            (SQLUSMALLINT)t->hour, (SQLUSMALLINT)t->minute,
				                            (SQLUSMALLINT)t->second, (SQLUINTEGER)(t->second_part * 1000) };
				memcpy(v, &ts, sizeof ts);
				*ind = sizeof ts;
			}
			break;
		case K_BYTES: {
			int rc = put_bytes(s, b, r, c, err);
			if (rc < 0)
				return rc;
			break;
		}
		}
	}
	return 0;
}

int
rpl_mysource_fetch(struct rpl_mysource *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err)
{
	*n = 0;
	while (s->streaming && *n < b->rows && !rpl_xbuf_heap_full(b)) {
		int rc = mysql_stmt_fetch(s->st);
		if (rc == MYSQL_NO_DATA) {
			s->streaming = false;
			close_stmt(s);
			break;
		}
		if (rc != 0 && rc != MYSQL_DATA_TRUNCATED) {   /* truncated: a value longer than its stage */
			int r = my_fail(s, s->st, "fetch", err);
			rpl_mysource_abort(s);
			return r;
		}
		int r = put_row(s, b, *n, err);
		if (r < 0) {
			rpl_mysource_abort(s);
			return r;
		}
		(*n)++;
	}
	return 0;
}
