/* lib/mariadb/mariadb_sink.c: LOAD DATA LOCAL INFILE from memory files, one load running while the
 * next chunk is rendered (see mariadb_sink.h). */
#include "mariadb_sink.h"
#include "odbc_sink.h"
#include "sink.h"
#include "sqlgen.h"
#include "sbuf.h"
#include "dialect.h"
#include "log.h"
#include "tsv.h"
#include "xfer.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

struct rpl_myload {
	struct rpl_conn *c;     /* borrowed: the target connection */
	int fd[2];              /* owned: the memfds */
	char path[2][64];       /* /proc/self/fd/N: the driver opens it afresh, at offset 0 */
	char *sql[2];           /* owned: the LOAD DATA of each file */
	struct rpl_sbuf out;    /* owned: one chunk's rows, reused */
	int next;               /* the file the next chunk goes to */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool started;
	/* under mu: the job the loader runs, and its outcome */
	bool pending;           /* a job is posted or running */
	bool quit;
	int job_file;
	size_t job_rows;
	int rc;                 /* the last job's result */
	struct rpl_err err;
	bool exec_failed;
};

/* first_warning appends the server's first warning to why (best effort). */
static void
first_warning(struct rpl_conn *c, char *why, size_t wn)
{
	SQLHSTMT st;
	struct rpl_err ignored = RPL_ERR_INIT;
	char msg[512] = "";
	SQLLEN ind = 0;
	if (rpl_conn_stmt(c, &st, &ignored) < 0)
		return;
	if (SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)"SHOW WARNINGS LIMIT 1", SQL_NTS)) &&
	    SQL_SUCCEEDED(SQLBindCol(st, 3, SQL_C_CHAR, msg, sizeof msg, &ind)) && SQL_SUCCEEDED(SQLFetch(st)))
		snprintf(why, wn, ": %s", msg);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
}

/* load runs one LOAD DATA of n rows from file k and checks what the server took. */
static int
load(struct rpl_myload *ml, int k, size_t n, bool *exec_failed, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(ml->c, &st, err);
	if (r < 0)
		return r;
	SQLLEN took = -1;
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)ml->sql[k], SQL_NTS))) {
		r = rpl_conn_fail(ml->c, st, err, "LOAD DATA");
		*exec_failed = true;
		SQLFreeHandle(SQL_HANDLE_STMT, st);
		return r;
	}
	SQLRowCount(st, &took);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	int64_t warnings = 0;
	bool found = false;
	if ((r = rpl_conn_query_int64(ml->c, "SHOW COUNT(*) WARNINGS", &warnings, &found, err)) < 0)
		return r;
	if (took != (SQLLEN)n || warnings != 0) {
		char why[600] = "";
		if (warnings != 0)
			first_warning(ml->c, why, sizeof why);
		return rpl_err_set(err, RPL_EREFUSED, "target: LOAD DATA took %ld of %zu rows with %lld warnings%s",
		                   (long)took, n, (long long)warnings, why);
	}
	return 0;
}

static void *
loader_main(void *arg)
{
	struct rpl_myload *ml = arg;
	pthread_mutex_lock(&ml->mu);
	for (;;) {
		while (!ml->pending && !ml->quit)
			pthread_cond_wait(&ml->cv, &ml->mu);
		if (!ml->pending)
			break;
		int k = ml->job_file;
		size_t n = ml->job_rows;
		pthread_mutex_unlock(&ml->mu);
		struct rpl_err e = RPL_ERR_INIT;
		bool exec_failed = false;
		int r = load(ml, k, n, &exec_failed, &e);
		pthread_mutex_lock(&ml->mu);
		ml->rc = r;
		ml->err = e;
		ml->exec_failed = exec_failed;
		ml->pending = false;
		pthread_cond_broadcast(&ml->cv);
	}
	pthread_mutex_unlock(&ml->mu);
	return NULL;
}

int
rpl_myload_new(struct rpl_conn *c, struct rpl_myload **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_myload *ml = calloc(1, sizeof *ml);
	if (ml == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	ml->c = c;
	ml->fd[0] = ml->fd[1] = -1;
	ml->out = (struct rpl_sbuf)RPL_SBUF_INIT;
	pthread_mutex_init(&ml->mu, NULL);
	pthread_cond_init(&ml->cv, NULL);
	for (int k = 0; k < 2; k++) {
		ml->fd[k] = memfd_create("replicad-load", MFD_CLOEXEC);
		if (ml->fd[k] < 0) {
			rpl_err_set(err, RPL_EIO, "target: cannot create the memory file for LOAD DATA: %s", strerror(errno));
			rpl_myload_free(ml);
			return err->code;
		}
		snprintf(ml->path[k], sizeof ml->path[k], "/proc/self/fd/%d", ml->fd[k]);
	}
	if (pthread_create(&ml->th, NULL, loader_main, ml) != 0) {
		rpl_myload_free(ml);
		return rpl_err_set(err, RPL_ENOMEM, "cannot start the LOAD DATA thread");
	}
	ml->started = true;
	*out = ml;
	return 0;
}

void
rpl_myload_free(struct rpl_myload *ml)
{
	if (ml == NULL)
		return;
	if (ml->started) {
		pthread_mutex_lock(&ml->mu);
		ml->quit = true;
		pthread_cond_broadcast(&ml->cv);
		pthread_mutex_unlock(&ml->mu);
		pthread_join(ml->th, NULL);   /* after the running load, if any */
	}
	for (int k = 0; k < 2; k++) {
		if (ml->fd[k] >= 0)
			close(ml->fd[k]);
		free(ml->sql[k]);
	}
	pthread_mutex_destroy(&ml->mu);
	pthread_cond_destroy(&ml->cv);
	rpl_sbuf_fini(&ml->out);
	free(ml);
}

const char *rpl_myload_path(const struct rpl_myload *ml, int k) { return ml->path[k]; }
bool rpl_myload_exec_failed(const struct rpl_myload *ml) { return ml->exec_failed; }

int
rpl_myload_set_sql(struct rpl_myload *ml, int k, const char *sql, struct rpl_err *err)
{
	free(ml->sql[k]);
	ml->sql[k] = strdup(sql);
	return ml->sql[k] != NULL ? 0 : rpl_err_set(err, RPL_ENOMEM, "out of memory");
}

/* fill replaces memory file k's contents with s[0..n). */
static int
fill(struct rpl_myload *ml, int k, const char *s, size_t n, struct rpl_err *err)
{
	if (ftruncate(ml->fd[k], 0) < 0)
		return rpl_err_set(err, RPL_EIO, "target: LOAD DATA memory file: %s", strerror(errno));
	for (size_t off = 0; off < n;) {
		ssize_t w = pwrite(ml->fd[k], s + off, n - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return rpl_err_set(err, RPL_EIO, "target: LOAD DATA memory file: %s", strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

int
rpl_myload_flush(struct rpl_myload *ml, struct rpl_err *err)
{
	pthread_mutex_lock(&ml->mu);
	while (ml->pending)
		pthread_cond_wait(&ml->cv, &ml->mu);
	int r = ml->rc;
	if (r < 0)
		*err = ml->err;
	ml->rc = 0;
	pthread_mutex_unlock(&ml->mu);
	return r;
}

int
rpl_myload_rows(struct rpl_myload *ml, const struct rpl_xbuf *b, size_t n, struct rpl_err *err)
{
	if (n == 0)
		return 0;
	int k = ml->next;   /* not the file of the load that may be running */
	rpl_sbuf_reset(&ml->out);
	rpl_tsv_rows(RPL_TSV_MARIADB_LOAD, b, 0, n, &ml->out);
	if (!rpl_sbuf_ok(&ml->out))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering LOAD DATA rows");
	int r = fill(ml, k, ml->out.s, ml->out.len, err);
	if (r < 0 || (r = rpl_myload_flush(ml, err)) < 0)
		return r;
	pthread_mutex_lock(&ml->mu);
	ml->exec_failed = false;
	ml->job_file = k;
	ml->job_rows = n;
	ml->pending = true;
	pthread_cond_broadcast(&ml->cv);
	pthread_mutex_unlock(&ml->mu);
	ml->next = k ^ 1;
	return 0;
}

/* constraint_of copies the constraint a MariaDB message names ("... CONSTRAINT
 * `fk_film_lang` FOREIGN KEY ...") into out, or "". */
static void
constraint_of(const char *msg, char *out, size_t n)
{
	const char *p = strstr(msg, "CONSTRAINT `"), *end;
	out[0] = '\0';
	if (p != NULL && (end = strchr(p + 12, '`')) != NULL)
		snprintf(out, n, "%.*s", (int)(end - p - 12), p + 12);
}

/* split_once: rows [first, first + n) of b in one LOAD DATA under a savepoint; 1 when
 * the server refused rows (rolled back to the savepoint, its reason in e), < 0 for
 * any other failure. */
static int
split_once(struct rpl_myload *ml, const struct rpl_xbuf *b, size_t first, size_t n, struct rpl_err *e,
           struct rpl_err *err)
{
	struct rpl_xbuf view = *b;   /* rows first.. as rows 0..: values are found from their row */
	view.data = b->data + first * b->row_size;
	int r = rpl_conn_exec(ml->c, "SAVEPOINT rpl_split", err);
	if (r < 0)
		return r;
	if ((r = rpl_myload_rows(ml, &view, n, e)) == 0)
		r = rpl_myload_flush(ml, e);
	if (r == 0)
		return rpl_conn_exec(ml->c, "RELEASE SAVEPOINT rpl_split", err);
	/* LOCAL skips what it refuses (RPL_EREFUSED); a refusal the statement fails on
	 * is a data (22) or constraint (23) error; anything else is not the rows' fault */
	if (e->code != RPL_EREFUSED &&
	    !(e->code == RPL_EODBC && (strncmp(e->sqlstate, "22", 2) == 0 || strncmp(e->sqlstate, "23", 2) == 0))) {
		*err = *e;
		return e->code;
	}
	return (r = rpl_conn_exec(ml->c, "ROLLBACK TO SAVEPOINT rpl_split", err)) < 0 ? r : 1;
}

/* fk_of parses "FOREIGN KEY (`col`) REFERENCES `parent` (`pcol`)" (a parent in
 * another database as `db`.`parent`) out of msg; false for several columns. */
static bool
fk_of(const char *msg, char *col, char *db, char *parent, char *pcol, size_t n)
{
	const char *p = strstr(msg, "FOREIGN KEY (`"), *q;
	if (p == NULL || (q = strstr(p + 14, "`) REFERENCES `")) == NULL || memchr(p + 14, ',', (size_t)(q - p - 14)))
		return false;
	snprintf(col, n, "%.*s", (int)(q - p - 14), p + 14);
	p = q + 15;
	db[0] = '\0';
	if ((q = strchr(p, '`')) == NULL)
		return false;
	if (strncmp(q, "`.`", 3) == 0) {
		snprintf(db, n, "%.*s", (int)(q - p), p);
		p = q + 3;
		if ((q = strchr(p, '`')) == NULL)
			return false;
	}
	snprintf(parent, n, "%.*s", (int)(q - p), p);
	if (strncmp(q, "` (`", 4) != 0 || (p = q + 4, q = strchr(p, '`')) == NULL || q[1] != ')')
		return false;
	snprintf(pcol, n, "%.*s", (int)(q - p), p);
	return true;
}

/* parents_missing marks in miss[r - first] the rows of [first, first + n) whose integer
 * column c holds a value the parent table does not have (one SELECT … IN). */
static int
parents_missing(struct rpl_myload *ml, const struct rpl_xbuf *b, size_t first, size_t n, size_t c, const char *db,
                const char *parent, const char *pcol, bool *miss, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	const struct rpl_dialect *d = ml->c->dialect;
	SQLHSTMT st = SQL_NULL_HSTMT;
	long long *have = NULL, v;
	size_t nhave = 0, any = 0;
	int r = 0;
	rpl_sbuf_add(&sql, "SELECT ");
	rpl_dialect_ident(d, pcol, &sql);
	rpl_sbuf_add(&sql, " FROM ");
	rpl_dialect_table(d, db[0] != '\0' ? db : NULL, parent, &sql);
	rpl_sbuf_add(&sql, " WHERE ");
	rpl_dialect_ident(d, pcol, &sql);
	rpl_sbuf_add(&sql, " IN (");
	for (size_t r2 = first; r2 < first + n; r2++)
		if (*rpl_xind(b, r2, c) != SQL_NULL_DATA) {
			memcpy(&v, rpl_xval(b, r2, c), sizeof v);
			rpl_sbuf_addf(&sql, "%s%lld", any++ ? "," : "", v);
		}
	rpl_sbuf_addc(&sql, ')');
	if (any == 0 || (have = calloc(any, sizeof *have)) == NULL || !rpl_sbuf_ok(&sql)) {
		r = any == 0 ? 0 : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	if ((r = rpl_conn_stmt(ml->c, &st, err)) < 0)
		goto out;
	SQLLEN ind;
	if (!SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql.s, SQL_NTS)) ||
	    !SQL_SUCCEEDED(SQLBindCol(st, 1, SQL_C_SBIGINT, &v, 0, &ind))) {
		r = rpl_conn_fail(ml->c, st, err, "reading the parent keys");
		goto out;
	}
	while (nhave < any && SQL_SUCCEEDED(SQLFetch(st)))
		if (ind != SQL_NULL_DATA)
			have[nhave++] = v;
	for (size_t r2 = first; r2 < first + n; r2++) {
		miss[r2 - first] = false;
		if (*rpl_xind(b, r2, c) == SQL_NULL_DATA)
			continue;
		memcpy(&v, rpl_xval(b, r2, c), sizeof v);
		bool found = false;
		for (size_t h = 0; h < nhave && !found; h++)
			found = have[h] == v;
		miss[r2 - first] = !found;
	}
out:
	if (st != SQL_NULL_HSTMT)
		SQLFreeHandle(SQL_HANDLE_STMT, st);
	free(have);
	rpl_sbuf_fini(&sql);
	return r;
}

/* split_by_parent: a foreign key refused rows of [first, first + n): the rows whose
 * (integer) key the parent table lacks are refused at once, in row order, the others
 * move up over them and are split again; 1 when it cannot tell (the caller bisects).
 * A parent not loaded yet costs one query and one LOAD DATA, not two per row. */
static int
split_by_parent(struct rpl_myload *ml, struct rpl_xbuf *b, size_t first, size_t n, const struct rpl_err *e,
                rpl_myload_refused_fn refused, void *data, size_t *loaded, struct rpl_err *err)
{
	char col[128], db[128], parent[128], pcol[128], constraint[128], reason[sizeof e->msg + 16];
	size_t c = b->ncols, k = first, nmiss = 0;
	if (!fk_of(e->msg, col, db, parent, pcol, sizeof col))
		return 1;
	for (size_t i = 0; i < b->ncols && c == b->ncols; i++)
		if (b->cols[i].dst != NULL && strcasecmp(b->cols[i].dst->name, col) == 0 && b->cols[i].c_type == SQL_C_SBIGINT)
			c = i;
	bool *miss = c < b->ncols ? calloc(n, sizeof *miss) : NULL;
	if (miss == NULL)
		return 1;
	int r = parents_missing(ml, b, first, n, c, db, parent, pcol, miss, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		nmiss += miss[i];
	if (r < 0 || nmiss == 0) {
		free(miss);
		return r < 0 ? r : 1;
	}
	constraint_of(e->msg, constraint, sizeof constraint);
	snprintf(reason, sizeof reason, "[%s] %s", e->sqlstate[0] != '\0' ? e->sqlstate : "23000", e->msg);
	rpl_log(RPL_LOG_INFO, RPL_LOG_LOADER, "%zu of %zu rows hold the missing key of foreign key %s: refused at once",
	        nmiss, n, constraint[0] != '\0' ? constraint : "?");
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (miss[i]) {
			r = refused(data, first + i, reason, NULL, constraint[0] != '\0' ? constraint : NULL, err);
			continue;
		}
		if (first + i != k)
			memcpy(b->data + k * b->row_size, b->data + (first + i) * b->row_size, b->row_size);
		k++;
	}
	free(miss);
	return r < 0 ? r : rpl_myload_split(ml, b, first, k - first, refused, data, loaded, err);
}

int
rpl_myload_split(struct rpl_myload *ml, struct rpl_xbuf *b, size_t first, size_t n,
                 rpl_myload_refused_fn refused, void *data, size_t *loaded, struct rpl_err *err)
{
	struct rpl_err e = RPL_ERR_INIT;
	if (n == 0)
		return 0;
	int r = split_once(ml, b, first, n, &e, err);
	if (r <= 0) {
		*loaded += r == 0 ? n : 0;
		return r;
	}
	if (n == 1) {
		char constraint[128], reason[sizeof e.msg + 16];
		constraint_of(e.msg, constraint, sizeof constraint);
		snprintf(reason, sizeof reason, "[%s] %s", e.sqlstate[0] != '\0' ? e.sqlstate : "23000", e.msg);
		return refused(data, first, reason, NULL, constraint[0] != '\0' ? constraint : NULL, err);
	}
	if ((r = split_by_parent(ml, b, first, n, &e, refused, data, loaded, err)) <= 0)
		return r;
	if ((r = rpl_myload_split(ml, b, first, n / 2, refused, data, loaded, err)) < 0)
		return r;
	return rpl_myload_split(ml, b, first + n / 2, n - n / 2, refused, data, loaded, err);
}

/* The sink adapter (sink.h): a MariaDB target is written by LOAD DATA LOCAL on its
 * ODBC connection, in the transaction of the range DELETE (odbc_sink.h). */
struct my_sink {
	struct rpl_sink base;
	struct rpl_myload *ml;        /* owned */
	const struct rpl_sqlgen *g;   /* borrowed (want.g) */
};

static int
myk_fit(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err)
{
	struct my_sink *o = (struct my_sink *)k;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int r = 0;
	(void)layout;
	for (int f = 0; o->ml != NULL && f < 2 && r == 0; f++) {   /* NULL: a dry run's */
		rpl_sbuf_reset(&sql);
		rpl_sqlgen_load_data(o->g, rpl_myload_path(o->ml, f), &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_myload_set_sql(o->ml, f, sql.s, err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	rpl_sbuf_fini(&sql);
	return r;
}

static int
myk_begin(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err)
{
	return rpl_odbc_sink_begin(k->conn, delete_sql, batch, err);
}

static int
myk_put(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err)
{
	struct my_sink *o = (struct my_sink *)k;
	if (k->split)
		return rpl_myload_split(o->ml, b, 0, n, rpl_sink_refused_row, k, written, err);
	int r = rpl_myload_rows(o->ml, b, n, err);
	*written = r == 0 ? n : 0;
	return r;
}

static int
myk_flush(struct rpl_sink *k, struct rpl_err *err)
{
	return rpl_myload_flush(((struct my_sink *)k)->ml, err);
}

static int
myk_exec(struct rpl_sink *k, const char *sql, int64_t *rows, struct rpl_err *err)
{
	return rows != NULL ? rpl_conn_exec_count(k->conn, sql, rows, err) : rpl_conn_exec(k->conn, sql, err);
}

static int
myk_commit(struct rpl_sink *k, bool last, struct rpl_err *err)
{
	(void)last;
	return rpl_conn_commit(k->conn, err);
}

static void
myk_rollback(struct rpl_sink *k)
{
	struct rpl_err ignored = RPL_ERR_INIT;
	myk_flush(k, &ignored);   /* nothing is sent while a load runs */
	rpl_conn_rollback(k->conn, &ignored);
}

/* myk_refused: LOAD DATA LOCAL takes what it can and says so (RPL_EREFUSED); one the
 * server fails on a foreign key or a value refuses rows too */
static bool
myk_refused(const struct rpl_sink *k, const struct rpl_err *e)
{
	bool data = strncmp(e->sqlstate, "22", 2) == 0 || strncmp(e->sqlstate, "23", 2) == 0;
	(void)k;
	return e->code == RPL_EREFUSED || (e->code == RPL_EODBC && data);
}

/* myk_unusable: LOAD DATA itself was refused (local_infile off on the server, a
 * driver built without it): the rest of the copy uses parameter arrays */
static bool
myk_unusable(const struct rpl_sink *k, const struct rpl_err *e)
{
	const struct my_sink *o = (const struct my_sink *)k;
	return e->code == RPL_EODBC && rpl_myload_exec_failed(o->ml) &&
	       !rpl_dialect_retryable(k->conn->dialect, e->sqlstate, e->native) && !myk_refused(k, e);
}

static void
myk_close(struct rpl_sink *k)
{
	rpl_myload_free(((struct my_sink *)k)->ml);
	free(k);
}

static void
myk_explain(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn, void *data)
{
	const struct my_sink *o = (const struct my_sink *)k;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_odbc_sink_explain_begin(k->conn, delete_sql, batch, fn, data);
	/* the two memory files alternate, chunk by chunk */
	rpl_sqlgen_load_data(o->g, o->ml != NULL ? rpl_myload_path(o->ml, 0) : "/proc/self/fd/N", &sql);
	fn(data, RPL_SINK_AT_CHUNK, rpl_sbuf_str(&sql));
	fn(data, RPL_SINK_AT_CHUNK, "SHOW COUNT(*) WARNINGS");   /* LOCAL skips and cuts with a warning */
	fn(data, RPL_SINK_AT_COMMIT, "COMMIT");
	fn(data, RPL_SINK_AT_END, NULL);
	fn(data, RPL_SINK_AT_END, "COMMIT");
	rpl_sbuf_fini(&sql);
}

static const struct rpl_sink_ops my_sink_ops = {
	.name = "mariadb-load", .bulk = "LOAD DATA", .fit = myk_fit, .begin = myk_begin, .start = NULL, .put = myk_put,
	.flush = myk_flush, .exec = myk_exec, .commit = myk_commit, .rollback = myk_rollback, .end = NULL,
	.refused = myk_refused, .unusable = myk_unusable, .close = myk_close, .explain = myk_explain,
};

int
rpl_myload_adapter_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                        char *why_not, size_t why_len, struct rpl_err *err)
{
	struct rpl_myload *ml = NULL;
	*out = NULL;
	(void)why_not, (void)why_len;
	if (conn->engine != RPL_ENGINE_MARIADB)
		return 0;
	int r = w->dry ? 0 : rpl_myload_new(conn, &ml, err);
	if (r < 0)
		return r;
	struct my_sink *o = calloc(1, sizeof *o);
	if (o == NULL) {
		rpl_myload_free(ml);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	o->base.ops = &my_sink_ops;
	o->base.conn = conn;
	o->base.by_value = true;
	o->ml = ml;
	o->g = w->g;
	snprintf(o->base.why, sizeof o->base.why,
	         "LOAD DATA LOCAL INFILE from memory files, one loading while the next is rendered: Connector/ODBC runs even a column-wise array as one INSERT per row");
	*out = &o->base;
	return 0;
}
