/* lib/pg/pg_digest.c: verify's digest statement through libpq (see pg_digest.h). */
#include "pg_digest.h"
#include "pg_conn.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rpl_pgdigest {
	PGconn *conn;        /* owned; NULL after a failure, opened again by the next query */
	char *odbc, *secret; /* owned copies, to reconnect */
	const char *side;    /* borrowed, static */
};

int
rpl_pgdigest_open(const struct rpl_conn *c, struct rpl_pgdigest **out, struct rpl_err *err)
{
	*out = NULL;
	if (c->engine != RPL_ENGINE_POSTGRES || !rpl_pgconn_where(c->connstr))
		return 0;
	struct rpl_pgdigest *d = calloc(1, sizeof *d);
	if (d == NULL || (d->odbc = strdup(c->connstr)) == NULL ||
	    (c->secret != NULL && (d->secret = strdup(c->secret)) == NULL)) {
		rpl_pgdigest_close(d);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	d->side = c->side != NULL ? c->side : "?";
	*out = d;
	return 0;
}

int
rpl_pgdigest_query(struct rpl_pgdigest *d, const char *sql, char **vals, size_t n, size_t len,
                   struct rpl_err *err)
{
	if (d->conn != NULL && PQstatus(d->conn) != CONNECTION_OK) {
		PQfinish(d->conn);
		d->conn = NULL;
	}
	if (d->conn == NULL) {
		void *conn;
		int r = rpl_pgconn_open(d->odbc, d->secret, d->side, &conn, err);
		if (r < 0)
			return r;
		d->conn = conn;
	}
	PGresult *res = PQexec(d->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 || PQnfields(res) != (int)n)
		return rpl_pgconn_fail(d->conn, res, d->side, "the partition's digest", d->secret, err);
	for (size_t i = 0; i < n; i++)
		snprintf(vals[i], len, "%s", PQgetisnull(res, 0, (int)i) ? "" : PQgetvalue(res, 0, (int)i));
	PQclear(res);
	return 0;
}

void
rpl_pgdigest_close(struct rpl_pgdigest *d)
{
	if (d == NULL)
		return;
	if (d->conn != NULL)
		PQfinish(d->conn);
	rpl_secret_free(d->secret);
	free(d->odbc);
	free(d);
}
