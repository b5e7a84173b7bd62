/* lib/core/vdigest.c: a partition's digest computed where its rows are (a PostgreSQL
 * server, or SQLite with replicad's functions), for verify's equal partitions (see
 * vdigest.h): which tables, the statements, reading their one row. */
#include "vdigest.h"
#include "dialect.h"
#include "log.h"
#include "pg_digest.h"
#include "sqlite_digest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool
ends(const char *s, const char *p)
{
	size_t n = strlen(s), m = strlen(p);
	return n >= m && strcmp(s + n - m, p) == 0;
}

/* hash_fn: how a column of PostgreSQL type decl (format_type) enters the row's hash:
 * "" as it is (its type's hash is exact, or exact as verify compares: numeric by
 * value), "C" in the C collation (its bytes), a send function's name (its bytes), or
 * NULL: not digested. */
static const char *
hash_fn(const char *decl)
{
	static const char *const plain[] = { "smallint", "integer", "bigint", "boolean", "date", "uuid", "bytea" };
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(decl, plain[i]) == 0)
			return "";
	/* a numeric without precision may hold more digits than the transport's width:
	 * such a value is a misfit there, which the rules reject */
	if (starts(decl, "numeric("))
		return "";
	if (starts(decl, "timestamp") && ends(decl, " without time zone"))
		return "";   /* timestamptz: each side's text is in its session's zone */
	if (strcmp(decl, "double precision") == 0)
		return "float8send";   /* bits: hashfloat8 makes -0.0 and 0.0 alike; a real is
		                        * judged by the rules (rules_float_decimal): not here */
	/* bytes: a nondeterministic collation hashes 'a' as 'A'; textsend() would do as
	 * well, at half the speed of the whole digest; char(n) is padded alike on both
	 * sides (the same declared type) and hashed without its trailing spaces */
	if (strcmp(decl, "text") == 0 || starts(decl, "character varying") || starts(decl, "character("))
		return "C";
	return NULL;
}

struct rpl_vdconn {
	struct rpl_pgdigest *pg;       /* owned, or NULL */
	struct rpl_litedigest *lite;   /* owned, or NULL */
};

bool
rpl_vdigest_fits(const struct rpl_table *st, const struct rpl_table *tv, const bool *judged,
                 enum rpl_engine se, enum rpl_engine de)
{
	if (se != de || st->ncols != tv->ncols || st->ncols == 0)
		return false;
	if (se == RPL_ENGINE_SQLITE)
		return true;   /* values as SQLite keeps them; the rules judge only dates (rules.c) */
	if (se != RPL_ENGINE_POSTGRES)
		return false;
	for (size_t i = 0; i < st->ncols; i++) {
		const struct rpl_column *s = &st->cols[i], *t = &tv->cols[i];
		if (strcmp(s->decl, t->decl) != 0 || hash_fn(s->decl) == NULL)
			return false;
		if (judged[i] && s->cls != RPL_CLASS_DATE && s->cls != RPL_CLASS_TIMESTAMP)
			return false;
	}
	return true;
}

/* plain_date: the condition under which the value rules leave date column c as it is
 * (rules_dates.c, for a PostgreSQL target): NULL, or a date of years 1 to 9999 (no
 * infinity, no BC date) that is no placeholder. An unreadable placeholder makes every
 * row count as ruled. */
static void
plain_date(const struct rpl_dialect *d, const char *c, const char *const *ph, size_t nph, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "(");
	rpl_dialect_ident(d, c, out);
	rpl_sbuf_add(out, " IS NULL OR (");
	rpl_dialect_ident(d, c, out);
	rpl_sbuf_add(out, " >= DATE '0001-01-01' AND ");
	rpl_dialect_ident(d, c, out);
	rpl_sbuf_add(out, " < DATE '10000-01-01'");
	for (size_t i = 0; i < nph; i++) {
		int y, m, day;
		char end;
		if (sscanf(ph[i], "%4d-%2d-%2d%c", &y, &m, &day, &end) != 3) {
			rpl_sbuf_add(out, " AND FALSE");
			continue;
		}
		rpl_sbuf_add(out, " AND (");
		rpl_dialect_ident(d, c, out);
		rpl_sbuf_add(out, " < DATE ");
		rpl_dialect_date(d, y, m, day, out);
		rpl_sbuf_add(out, " OR ");
		rpl_dialect_ident(d, c, out);
		rpl_sbuf_add(out, " >= DATE ");
		rpl_dialect_date(d, y, m, day, out);
		rpl_sbuf_add(out, " + 1)");
	}
	rpl_sbuf_add(out, "))");
}

/* lite_sql: SQLite's statement, through sqlite_digest.c's functions, a call per
 * LITE_ARGS values (a function takes at most 127 arguments) */
enum { LITE_ARGS = 100 };

static void
lite_sql(const struct rpl_sqlgen *g, const bool *judged, const char *const *placeholders, size_t n_placeholders,
         const struct rpl_range *r, struct rpl_sbuf *out)
{
	const struct rpl_table *t = g->st;
	size_t calls = (t->ncols + LITE_ARGS - 1) / LITE_ARGS;
	rpl_sbuf_add(out, "SELECT count(*), rpl_digest(");
	for (size_t k = 0; k < calls; k++)
		rpl_sbuf_add(out, "rpl_rowhash(");
	rpl_sbuf_add(out, "0");
	for (size_t i = 0; i < t->ncols; i++) {
		rpl_sbuf_add(out, ", ");
		rpl_dialect_ident(g->src, t->cols[i].name, out);
		if ((i + 1) % LITE_ARGS == 0 || i + 1 == t->ncols)
			rpl_sbuf_add(out, ")");
	}
	rpl_sbuf_add(out, "), sum(0");
	size_t n = 0;
	for (size_t i = 0; i < t->ncols; i++) {
		if (!judged[i])
			continue;
		if (n++ % LITE_ARGS == 0) {
			rpl_sbuf_add(out, n > 1 ? ") + rpl_ruled('" : " + rpl_ruled('");
			for (size_t p = 0; p < n_placeholders; p++)   /* one that is no date matches none */
				if (strlen(placeholders[p]) == 10 && strspn(placeholders[p], "0123456789-") == 10)
					rpl_sbuf_addf(out, "%s%s", p ? "," : "", placeholders[p]);
			rpl_sbuf_add(out, "'");
		}
		rpl_sbuf_add(out, ", ");
		rpl_dialect_ident(g->src, t->cols[i].name, out);
	}
	rpl_sbuf_add(out, n > 0 ? "))" : ")");
	rpl_sqlgen_from(g, r, out);
}

void
rpl_vdigest_sql(const struct rpl_sqlgen *g, const bool *judged, const char *const *placeholders,
                size_t n_placeholders, const struct rpl_range *r, struct rpl_sbuf *out)
{
	const struct rpl_table *t = g->st;
	if (g->src->engine == RPL_ENGINE_SQLITE) {
		lite_sql(g, judged, placeholders, n_placeholders, r, out);
		return;
	}
	/* one aggregate of the hash: the planner would compute it once per aggregate that
	 * reads it (a second one, bit_xor, cost 40 % more) */
	rpl_sbuf_add(out, "SELECT count(*), sum(hashint8extended(hash_record_extended(ROW(");
	for (size_t i = 0; i < t->ncols; i++) {
		const char *fn = hash_fn(t->cols[i].decl);
		bool call = fn != NULL && *fn != '\0' && strcmp(fn, "C") != 0;
		rpl_sbuf_add(out, i ? ", " : "");
		if (call) {
			rpl_sbuf_add(out, fn);
			rpl_sbuf_add(out, "(");
		}
		rpl_dialect_ident(g->src, t->cols[i].name, out);
		rpl_sbuf_add(out, call ? ")" : fn != NULL && strcmp(fn, "C") == 0 ? " COLLATE \"C\"" : "");
		if (starts(t->cols[i].decl, "numeric(")) {
			/* hash_numeric leaves the sign out (-4 and 4 hash alike): it is hashed apart */
			rpl_sbuf_add(out, ", ");
			rpl_dialect_ident(g->src, t->cols[i].name, out);
			rpl_sbuf_add(out, " < 0");
		}
	}
	rpl_sbuf_add(out, "), 0), 0))::text, count(*) FILTER (WHERE NOT (");
	bool any = false;
	for (size_t i = 0; i < t->ncols; i++) {
		if (!judged[i])
			continue;
		rpl_sbuf_add(out, any ? " AND " : "");
		plain_date(g->src, t->cols[i].name, placeholders, n_placeholders, out);
		any = true;
	}
	rpl_sbuf_add(out, any ? "))" : "TRUE))");
	rpl_sqlgen_from(g, r, out);
}

int
rpl_vdigest_connect(const struct rpl_conn *c, struct rpl_vdconn **out, struct rpl_err *err)
{
	*out = calloc(1, sizeof **out);
	if (*out == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r = c->engine == RPL_ENGINE_SQLITE ? rpl_litedigest_open(c, &(*out)->lite, err)
	                                       : rpl_pgdigest_open(c, &(*out)->pg, err);
	/* a DSN: sqliteodbc has no rpl_rowhash, and ODBC would run the two sides'
	 * statements one after the other (unixODBC serializes calls into a driver) */
	if (r == 0 && (*out)->lite == NULL && (*out)->pg == NULL)
		r = 1;
	if (r != 0) {
		rpl_vdigest_disconnect(*out);
		*out = NULL;
	}
	return r;
}

void
rpl_vdigest_disconnect(struct rpl_vdconn *dc)
{
	if (dc == NULL)
		return;
	rpl_pgdigest_close(dc->pg);
	rpl_litedigest_close(dc->lite);
	free(dc);
}

int
rpl_vdigest_read(const struct rpl_conn *c, struct rpl_vdconn *dc, const char *sql, struct rpl_vdigest *d,
                 struct rpl_err *err)
{
	memset(d, 0, sizeof *d);
	rpl_log(RPL_LOG_DEBUG, RPL_LOG_ODBC, "%s: %s", c->side ? c->side : "?", sql);
	char rows[64], ruled[64], *vals[3] = { rows, d->sum, ruled };
	int r;
	if (dc->pg != NULL)
		r = rpl_pgdigest_query(dc->pg, sql, vals, 3, 64, err);   /* a sum of 2^40 rows has 33 characters */
	else
		r = rpl_litedigest_query(dc->lite, sql, vals, 3, 64, err);
	if (r == 0) {
		d->rows = strtoll(rows, NULL, 10);
		d->ruled = strtoll(ruled, NULL, 10);
	}
	return r;
}

bool
rpl_vdigest_equal(const struct rpl_vdigest *s, const struct rpl_vdigest *t)
{
	return s->ruled == 0 && s->rows == t->rows && strcmp(s->sum, t->sum) == 0;
}
