/* lib/myload.c: LOAD DATA LOCAL INFILE from a memory file (see myload.h). */
#include "myload.h"
#include "sbuf.h"
#include "tsv.h"
#include "xfer.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct rpl_myload {
	int fd;                 /* owned: the memfd */
	char path[64];          /* /proc/self/fd/N: the driver opens it afresh, at offset 0 */
	struct rpl_sbuf out;    /* owned: one chunk's rows, reused */
	bool exec_failed;       /* the last LOAD DATA statement itself failed */
};

int
rpl_myload_new(struct rpl_myload **out, struct rpl_err *err)
{
	*out = NULL;
	struct rpl_myload *ml = calloc(1, sizeof *ml);
	if (ml == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	ml->fd = memfd_create("replicad-load", MFD_CLOEXEC);
	if (ml->fd < 0) {
		free(ml);
		return rpl_err_set(err, RPL_EIO, "target: cannot create the memory file for LOAD DATA: %s", strerror(errno));
	}
	snprintf(ml->path, sizeof ml->path, "/proc/self/fd/%d", ml->fd);
	ml->out = (struct rpl_sbuf)RPL_SBUF_INIT;
	*out = ml;
	return 0;
}

void
rpl_myload_free(struct rpl_myload *ml)
{
	if (ml == NULL)
		return;
	close(ml->fd);
	rpl_sbuf_fini(&ml->out);
	free(ml);
}

const char *rpl_myload_path(const struct rpl_myload *ml) { return ml->path; }
bool rpl_myload_exec_failed(const struct rpl_myload *ml) { return ml->exec_failed; }

/* fill replaces the memory file's contents with s[0..n). */
static int
fill(struct rpl_myload *ml, const char *s, size_t n, struct rpl_err *err)
{
	if (ftruncate(ml->fd, 0) < 0)
		return rpl_err_set(err, RPL_EIO, "target: LOAD DATA memory file: %s", strerror(errno));
	for (size_t off = 0; off < n;) {
		ssize_t w = pwrite(ml->fd, s + off, n - off, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return rpl_err_set(err, RPL_EIO, "target: LOAD DATA memory file: %s", strerror(errno));
		off += (size_t)w;
	}
	return 0;
}

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

int
rpl_myload_rows(struct rpl_myload *ml, struct rpl_conn *c, const char *load_sql,
                const struct rpl_xbuf *b, size_t n, struct rpl_err *err)
{
	ml->exec_failed = false;
	if (n == 0)
		return 0;
	rpl_sbuf_reset(&ml->out);
	rpl_tsv_rows(RPL_TSV_MARIADB_LOAD, b, 0, n, &ml->out);
	if (!rpl_sbuf_ok(&ml->out))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory rendering LOAD DATA rows");
	int r = fill(ml, ml->out.s, ml->out.len, err);
	if (r < 0)
		return r;
	SQLHSTMT st;
	if ((r = rpl_conn_stmt(c, &st, err)) < 0)
		return r;
	SQLLEN took = -1;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)load_sql, SQL_NTS);
	if (!SQL_SUCCEEDED(rc)) {
		r = rpl_conn_fail(c, st, err, "LOAD DATA");
		ml->exec_failed = true;
		SQLFreeHandle(SQL_HANDLE_STMT, st);
		return r;
	}
	SQLRowCount(st, &took);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	int64_t warnings = 0;
	bool found = false;
	if ((r = rpl_conn_query_int64(c, "SHOW COUNT(*) WARNINGS", &warnings, &found, err)) < 0)
		return r;
	if (took != (SQLLEN)n || warnings != 0) {
		char why[600] = "";
		if (warnings != 0)
			first_warning(c, why, sizeof why);
		return rpl_err_set(err, RPL_EREFUSED, "target: LOAD DATA took %ld of %zu rows with %lld warnings%s",
		                   (long)took, n, (long long)warnings, why);
	}
	return 0;
}
