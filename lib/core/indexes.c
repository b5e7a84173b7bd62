/* lib/core/indexes.c: see indexes.h. Each engine says which indexes may go and how to
 * write them back: PostgreSQL through pg_get_indexdef, MariaDB from
 * information_schema.STATISTICS, SQLite from sqlite_master. Saved definitions use
 * IF NOT EXISTS so a restore that was interrupted can simply run again. SQL Server
 * keeps a disabled index's definition itself: its nonclustered indexes are disabled
 * (ALTER INDEX … DISABLE) and the saved "definition" is the ALTER INDEX … REBUILD
 * that enables them again, both from sqlgen.c, where they are unit-tested. */
#include "indexes.h"
#include "dialect.h"
#include "sbuf.h"
#include "sqlgen.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct idx { char name[256]; struct rpl_sbuf def, drop; };

static void
label(const char *schema, const char *table, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s", schema ? schema : "", schema ? "." : "", table);
}

/* if_not_exists turns "CREATE INDEX x" into "CREATE INDEX IF NOT EXISTS x". */
static void
if_not_exists(const char *def, struct rpl_sbuf *out)
{
	const char *p = strstr(def, "INDEX ");
	if (p == NULL || strstr(def, "IF NOT EXISTS") != NULL) {
		rpl_sbuf_add(out, def);
		return;
	}
	rpl_sbuf_addn(out, def, (size_t)(p - def) + 6);
	rpl_sbuf_add(out, "IF NOT EXISTS ");
	rpl_sbuf_add(out, p + 6);
}

/* idx_statements: the statements that recreate (def) and drop index x, named name,
 * from a row of the index list (a: the definition or, on MariaDB, its first column;
 * b: the schema, or MariaDB's prefix length) */
static void
idx_statements(struct rpl_conn *c, const char *schema, const char *table, const char *name, const char *a,
               const char *b, struct idx *x)
{
	const struct rpl_dialect *d = c->dialect;
	switch (c->engine) {
	case RPL_ENGINE_POSTGRES:
		if_not_exists(a, &x->def);
		rpl_sbuf_add(&x->drop, "DROP INDEX IF EXISTS ");
		rpl_dialect_table(d, b, name, &x->drop);
		break;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_add(&x->def, "ALTER TABLE ");
		rpl_dialect_table(d, schema, table, &x->def);
		rpl_sbuf_add(&x->def, " ADD INDEX IF NOT EXISTS ");
		rpl_dialect_ident(d, name, &x->def);
		rpl_sbuf_add(&x->def, " (");
		rpl_dialect_ident(d, a, &x->def);
		if (b[0] != '\0')
			rpl_sbuf_addf(&x->def, "(%s)", b);
		rpl_sbuf_addc(&x->def, ')');
		rpl_sbuf_add(&x->drop, "ALTER TABLE ");
		rpl_dialect_table(d, schema, table, &x->drop);
		rpl_sbuf_add(&x->drop, " DROP INDEX IF EXISTS ");
		rpl_dialect_ident(d, name, &x->drop);
		break;
	case RPL_ENGINE_MSSQL:
		rpl_sqlgen_index_rebuild(d, schema, table, name, &x->def);
		rpl_sqlgen_index_disable(d, schema, table, name, &x->drop);
		break;
	default:
		if_not_exists(a, &x->def);
		rpl_sbuf_add(&x->drop, "DROP INDEX IF EXISTS ");
		rpl_dialect_ident(d, name, &x->drop);
		break;
	}
}

static void free_indexes(struct idx *v, int n);

static int
list_indexes(struct rpl_conn *c, const char *schema, const char *table, const char *keep, struct idx **out, int *n,
             struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf q = RPL_SBUF_INIT;
	*out = NULL;
	*n = 0;
	rpl_sqlgen_index_list_keep(d, schema, table, keep, &q);   /* name, definition[, column, sub_part] */
	if (q.len == 0)
		return 0;    /* no index work on this engine */
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0) {
		rpl_sbuf_fini(&q);
		return r;
	}
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&q), SQL_NTS);
	struct idx *v = NULL;
	int cap = 0;
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		if (!SQL_SUCCEEDED(rc))
			break;
		char name[256] = "", a[4096] = "", b[256] = "";
		SQLLEN ia, ib;
		SQLGetData(st, 1, SQL_C_CHAR, name, sizeof name, NULL);
		SQLGetData(st, 2, SQL_C_CHAR, a, sizeof a, &ia);
		if (c->engine != RPL_ENGINE_SQLITE && !SQL_SUCCEEDED(SQLGetData(st, 3, SQL_C_CHAR, b, sizeof b, &ib)))
			b[0] = '\0';
		else if (c->engine != RPL_ENGINE_SQLITE && ib == SQL_NULL_DATA)
			b[0] = '\0';
		struct idx *x = *n > 0 ? &v[*n - 1] : NULL;
		if (c->engine == RPL_ENGINE_MARIADB && x != NULL && strcmp(x->name, name) == 0) {
			/* one more column of the same index */
			x->def.len--;      /* drop ')' */
			rpl_sbuf_add(&x->def, ", ");
			rpl_dialect_ident(d, a, &x->def);
			if (b[0] != '\0')
				rpl_sbuf_addf(&x->def, "(%s)", b);
			rpl_sbuf_addc(&x->def, ')');
			continue;
		}
		if (*n == cap) {
			struct idx *nv = realloc(v, (size_t)(cap ? cap * 2 : 8) * sizeof *v);
			if (nv == NULL) {
				r = rpl_err_set(err, RPL_ENOMEM, "out of memory listing indexes");
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		x = &v[(*n)++];
		memset(x, 0, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", name);
		idx_statements(c, schema, table, name, a, b, x);
	}
	if (r == 0 && rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "listing indexes");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	rpl_sbuf_fini(&q);
	if (r < 0) {   /* the caller gets nothing to free */
		free_indexes(v, *n);
		v = NULL;
		*n = 0;
	}
	*out = v;
	return r;
}

static void
free_indexes(struct idx *v, int n)
{
	for (int i = 0; i < n; i++) {
		rpl_sbuf_fini(&v[i].def);
		rpl_sbuf_fini(&v[i].drop);
	}
	free(v);
}

void
rpl_indexes_forget_sql(const struct rpl_dialect *d, const char *label, const char *name, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "DELETE FROM replicad_indexes WHERE table_name = ");
	rpl_dialect_lit(d, label, out);
	rpl_sbuf_add(out, " AND index_name = ");
	rpl_dialect_lit(d, name, out);
}

void
rpl_indexes_save_sql(const struct rpl_dialect *d, const char *label, const char *name, const char *def,
                     const char *saved_at, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "INSERT INTO replicad_indexes (table_name, index_name, definition, saved_at) VALUES (");
	rpl_dialect_lit(d, label, out);
	rpl_sbuf_add(out, ", ");
	rpl_dialect_lit(d, name, out);
	rpl_sbuf_add(out, ", ");
	rpl_dialect_lit(d, def, out);
	rpl_sbuf_add(out, ", ");
	rpl_dialect_lit(d, saved_at, out);
	rpl_sbuf_addc(out, ')');
}

void
rpl_indexes_saved_sql(const struct rpl_dialect *d, const char *label, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "SELECT index_name, definition FROM replicad_indexes WHERE table_name = ");
	rpl_dialect_lit(d, label, out);
}

static int
exec_commit(struct rpl_conn *c, const char *sql, struct rpl_err *err)
{
	int r = rpl_conn_exec(c, sql, err);
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	return r;
}

int
rpl_indexes_disable(struct rpl_conn *c, const char *schema, const char *table, int *n, struct rpl_err *err)
{
	return rpl_indexes_disable_keep(c, schema, table, NULL, n, err);
}

int
rpl_indexes_disable_keep(struct rpl_conn *c, const char *schema, const char *table, const char *keep, int *n,
                         struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char lab[600], now[32];
	struct idx *v;
	int cnt, r;
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	*n = 0;
	label(schema, table, lab, sizeof lab);
	if ((r = list_indexes(c, schema, table, keep, &v, &cnt, err)) < 0)
		return r;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	/* first save every definition (committed), then drop: a crash in between
	 * leaves a saved definition whose index still exists, which restore skips */
	for (int i = 0; i < cnt && r == 0; i++) {
		rpl_sbuf_reset(&sql);
		rpl_indexes_forget_sql(d, lab, v[i].name, &sql);
		r = rpl_conn_exec(c, rpl_sbuf_str(&sql), err);
		rpl_sbuf_reset(&sql);
		rpl_indexes_save_sql(d, lab, v[i].name, rpl_sbuf_str(&v[i].def), now, &sql);
		if (r == 0)
			r = exec_commit(c, rpl_sbuf_str(&sql), err);
	}
	for (int i = 0; i < cnt && r == 0; i++) {
		r = exec_commit(c, rpl_sbuf_str(&v[i].drop), err);
		if (r == 0)
			(*n)++;
	}
	if (r < 0)
		rpl_err_prefix(err, "disabling indexes of %s", lab);
	rpl_sbuf_fini(&sql);
	free_indexes(v, cnt);
	return r;
}

int
rpl_indexes_restore(struct rpl_conn *c, const char *schema, const char *table, int *n, struct rpl_err *err)
{
	const struct rpl_dialect *d = c->dialect;
	char lab[600];
	*n = 0;
	label(schema, table, lab, sizeof lab);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_indexes_saved_sql(d, lab, &sql);
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		goto out;
	/* read them all first: the statements below must not run under an open cursor */
	struct { char name[256]; char def[4096]; } *v = NULL;
	int cnt = 0, cap = 0;
	SQLRETURN rc = SQLExecDirect(st, (SQLCHAR *)rpl_sbuf_str(&sql), SQL_NTS);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		if (!SQL_SUCCEEDED(rc))
			break;
		if (cnt == cap) {
			void *nv = realloc(v, (size_t)(cap ? cap * 2 : 8) * sizeof *v);
			if (nv == NULL) {
				r = rpl_err_set(err, RPL_ENOMEM, "out of memory reading saved indexes");
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 8;
		}
		SQLGetData(st, 1, SQL_C_CHAR, v[cnt].name, sizeof v[cnt].name, NULL);
		SQLGetData(st, 2, SQL_C_CHAR, v[cnt].def, sizeof v[cnt].def, NULL);
		cnt++;
	}
	if (r == 0 && rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "reading saved indexes");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	if (r == 0 && !c->autocommit)
		r = rpl_conn_commit(c, err);
	for (int i = 0; i < cnt && r == 0; i++) {
		r = exec_commit(c, v[i].def, err);
		rpl_sbuf_reset(&sql);
		rpl_indexes_forget_sql(d, lab, v[i].name, &sql);
		if (r == 0)
			r = exec_commit(c, rpl_sbuf_str(&sql), err);
		if (r == 0)
			(*n)++;
	}
	free(v);
out:
	if (r < 0)
		rpl_err_prefix(err, "restoring indexes of %s", lab);
	rpl_sbuf_fini(&sql);
	return r;
}
