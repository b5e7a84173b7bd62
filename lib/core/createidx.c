/* lib/core/createidx.c: a created table's indexes, from the source's catalog to the
 * target's replicad_indexes (createidx.h). */
#include "createidx.h"
#include "coltypes.h"
#include "ledger.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One row per index column, in index order: name, unique (1/0), column ("" for an
 * expression), position, prefix length ("" for none), why it cannot be translated. */
static const char pg_sql[] =
	"SELECT i.relname::text, x.indisunique::int::text, COALESCE(a.attname::text, ''), k.o::text, '',"
	" CASE WHEN x.indpred IS NOT NULL THEN 'partial' WHEN x.indexprs IS NOT NULL THEN 'expression'"
	" WHEN am.amname <> 'btree' THEN am.amname::text ELSE '' END"
	" FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam"
	" CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o)"
	" LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n AND k.n > 0"
	" WHERE NOT x.indisprimary AND k.o <= x.indnkeyatts AND x.indrelid = (SELECT c.oid FROM pg_class c"
	" JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = COALESCE(?, current_schema()))"
	" ORDER BY 1, 4";
static const char maria_sql[] =
	"SELECT INDEX_NAME, IF(NON_UNIQUE = 0, '1', '0'), COALESCE(COLUMN_NAME, ''), SEQ_IN_INDEX,"
	" COALESCE(SUB_PART, ''), IF(INDEX_TYPE IN ('BTREE', 'HASH'), '', LOWER(INDEX_TYPE))"
	" FROM information_schema.STATISTICS WHERE TABLE_NAME = ? AND TABLE_SCHEMA = COALESCE(?, DATABASE())"
	" AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX";
static const char lite_sql[] =
	"SELECT il.name, il.\"unique\", COALESCE(ii.name, ''), ii.seqno, '',"
	" CASE WHEN il.partial THEN 'partial' WHEN ii.cid < 0 THEN 'expression' ELSE '' END"
	" FROM pragma_index_list(?) il, pragma_index_info(il.name) ii WHERE il.origin <> 'pk' ORDER BY 1, 4";

struct readstate { struct rpl_srcindex *v; int n, cap; };

static int
read_row(void *arg, char *const *v, struct rpl_err *err)
{
	struct readstate *rs = arg;
	struct rpl_srcindex *x = rs->n > 0 ? &rs->v[rs->n - 1] : NULL;
	if (x == NULL || strcmp(x->name, v[0]) != 0) {
		if (rs->n == rs->cap) {
			int cap = rs->cap ? rs->cap * 2 : 8;
			struct rpl_srcindex *nv = realloc(rs->v, (size_t)cap * sizeof *nv);
			if (nv == NULL)
				return rpl_err_set(err, RPL_ENOMEM, "out of memory");
			rs->v = nv;
			rs->cap = cap;
		}
		x = &rs->v[rs->n++];
		memset(x, 0, sizeof *x);
		snprintf(x->name, sizeof x->name, "%s", v[0]);
		x->unique = strcmp(v[1], "1") == 0;
	}
	if (x->ncols == RPL_INDEX_MAXCOLS) {
		snprintf(x->skip, sizeof x->skip, "more than %d columns", RPL_INDEX_MAXCOLS);
		return 0;
	}
	if (v[5][0] != '\0' && x->skip[0] == '\0')
		snprintf(x->skip, sizeof x->skip, "%s", v[5]);
	if (v[2][0] == '\0' && x->skip[0] == '\0')
		snprintf(x->skip, sizeof x->skip, "expression");
	snprintf(x->cols[x->ncols], sizeof x->cols[0], "%s", v[2]);
	x->prefix[x->ncols] = atoi(v[4]);
	x->ncols++;
	return 0;
}

int
rpl_createidx_read(struct rpl_conn *src, const char *schema, const char *name, struct rpl_srcindex **out, int *n,
                   struct rpl_err *err)
{
	struct readstate rs = { NULL, 0, 0 };
	const char *sql = src->engine == RPL_ENGINE_POSTGRES ? pg_sql : src->engine == RPL_ENGINE_MARIADB ? maria_sql
	                : src->engine == RPL_ENGINE_SQLITE   ? lite_sql : NULL;
	int r = sql != NULL ? rpl_coltypes_query(src, sql, name, schema, 6, read_row, &rs, err) : 0;
	if (r < 0) {
		free(rs.v);
		rs.v = NULL;
		rs.n = 0;
	}
	*out = rs.v;
	*n = rs.n;
	return r;
}

/* index_name: the source's name, unless SQLite reserves it (sqlite_autoindex_t_1,
 * the index behind a UNIQUE constraint): then table_col1_col2_key. */
static void
index_name(const char *table, const struct rpl_srcindex *ix, char *out, size_t n)
{
	if (strncmp(ix->name, "sqlite_", 7) != 0) {
		snprintf(out, n, "%s", ix->name);
		return;
	}
	size_t len = (size_t)snprintf(out, n, "%s", table);
	for (int i = 0; i < ix->ncols && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "_%s", ix->cols[i]);
	if (len < n)
		snprintf(out + len, n - len, "%s", ix->unique ? "_key" : "_idx");
}

/* col_ok decides how column c of ix goes into an index on d: *prefix gets the
 * prefix length to index (0: all of it); false (why set) when it cannot exactly. */
static bool
col_ok(const struct rpl_dialect *d, enum rpl_engine src, const struct rpl_column *c, const struct rpl_srcindex *ix,
       int i, int *prefix, char *why, size_t wn)
{
	*prefix = 0;
	bool unbounded = c->is_long || c->size <= 0;
	if (ix->prefix[i] > 0 && d->engine == RPL_ENGINE_MARIADB && src == RPL_ENGINE_MARIADB) {
		*prefix = ix->prefix[i];   /* the same engine: the same prefix */
		return true;
	}
	if (ix->prefix[i] > 0 && ix->unique) {
		snprintf(why, wn, "unique over a %d-character prefix of %s, which %s cannot index", ix->prefix[i], c->name,
		         d->name);
		return false;
	}
	if (d->engine == RPL_ENGINE_MARIADB && (c->cls == RPL_CLASS_TEXT || c->cls == RPL_CLASS_BINARY) &&
	    (unbounded || c->size > 768)) {
		/* InnoDB keys hold 3072 bytes: TEXT and BLOB only by a prefix */
		if (ix->unique) {
			snprintf(why, wn, "unique on %s, which MariaDB can index only by a prefix", c->name);
			return false;
		}
		*prefix = 255;
		return true;
	}
	if (d->engine == RPL_ENGINE_MSSQL && (c->cls == RPL_CLASS_TEXT || c->cls == RPL_CLASS_BINARY) &&
	    (unbounded || c->size > (c->cls == RPL_CLASS_TEXT ? 4000 : 8000))) {
		snprintf(why, wn, "%s is a MAX column, which SQL Server cannot index", c->name);
		return false;
	}
	return true;
}

/* mssql_guard: IF NOT EXISTS (…sys.indexes…) before SQL Server's CREATE INDEX,
 * which has no IF NOT EXISTS of its own */
static void
mssql_guard(const struct rpl_dialect *d, const char *schema, const char *table, const char *name, struct rpl_sbuf *out)
{
	struct rpl_sbuf q = RPL_SBUF_INIT;
	rpl_dialect_table(d, schema, table, &q);
	rpl_sbuf_add(out, "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(");
	rpl_dialect_lit(d, rpl_sbuf_str(&q), out);
	rpl_sbuf_add(out, ") AND name = ");
	rpl_dialect_lit(d, name, out);
	rpl_sbuf_add(out, ") ");
	rpl_sbuf_fini(&q);
}

bool
rpl_createidx_sql(const struct rpl_dialect *d, enum rpl_engine src, const struct rpl_table *dt, const char *schema,
                  const char *table, const struct rpl_srcindex *ix, struct rpl_sbuf *out, char *why, size_t wn)
{
	char name[256];
	int prefix[RPL_INDEX_MAXCOLS];
	const struct rpl_column *cols[RPL_INDEX_MAXCOLS];
	bool nullable = false;
	if (ix->skip[0] != '\0' || ix->ncols == 0) {
		snprintf(why, wn, "%s index", ix->skip[0] != '\0' ? ix->skip : "empty");
		return false;
	}
	for (int i = 0; i < ix->ncols; i++) {
		if ((cols[i] = rpl_table_find(dt, ix->cols[i])) == NULL) {
			snprintf(why, wn, "column %s is not in the target", ix->cols[i]);
			return false;
		}
		if (!col_ok(d, src, cols[i], ix, i, &prefix[i], why, wn))
			return false;
		nullable = nullable || cols[i]->nullable;
	}
	index_name(table, ix, name, sizeof name);
	const char *uniq = ix->unique ? "UNIQUE " : "";
	if (d->engine == RPL_ENGINE_MARIADB) {
		rpl_sbuf_add(out, "ALTER TABLE ");
		rpl_dialect_table(d, schema, table, out);
		rpl_sbuf_addf(out, " ADD %sINDEX IF NOT EXISTS ", uniq);
		rpl_dialect_ident(d, name, out);
	} else {
		if (d->engine == RPL_ENGINE_MSSQL)
			mssql_guard(d, schema, table, name, out);
		rpl_sbuf_addf(out, "CREATE %s%sINDEX %s", uniq, d->engine == RPL_ENGINE_MSSQL ? "NONCLUSTERED " : "",
		              d->engine == RPL_ENGINE_MSSQL ? "" : "IF NOT EXISTS ");
		rpl_dialect_ident(d, name, out);
		rpl_sbuf_add(out, " ON ");
		rpl_dialect_table(d, schema, table, out);
	}
	rpl_sbuf_add(out, " (");
	for (int i = 0; i < ix->ncols; i++) {
		rpl_sbuf_add(out, i ? ", " : "");
		rpl_dialect_ident(d, cols[i]->name, out);
		if (prefix[i] > 0)
			rpl_sbuf_addf(out, "(%d)", prefix[i]);
	}
	rpl_sbuf_addc(out, ')');
	/* SQL Server's unique index allows one NULL; everywhere else any number */
	for (int i = 0; d->engine == RPL_ENGINE_MSSQL && ix->unique && nullable && i < ix->ncols; i++) {
		rpl_sbuf_add(out, i ? " AND " : " WHERE ");
		rpl_dialect_ident(d, cols[i]->name, out);
		rpl_sbuf_add(out, " IS NOT NULL");
	}
	return true;
}

/* save_one puts one definition in replicad_indexes, as indexes.c saves a dropped one. */
static int
save_one(struct rpl_conn *dst, const char *lab, const char *name, const char *def, struct rpl_err *err)
{
	const struct rpl_dialect *d = dst->dialect;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "DELETE FROM replicad_indexes WHERE table_name = ");
	rpl_dialect_lit(d, lab, &sql);
	rpl_sbuf_add(&sql, " AND index_name = ");
	rpl_dialect_lit(d, name, &sql);
	int r = rpl_conn_exec(dst, rpl_sbuf_str(&sql), err);
	rpl_sbuf_reset(&sql);
	rpl_sbuf_add(&sql, "INSERT INTO replicad_indexes (table_name, index_name, definition, saved_at) VALUES (");
	rpl_dialect_lit(d, lab, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, name, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, def, &sql);
	rpl_sbuf_add(&sql, ", ");
	rpl_dialect_lit(d, now, &sql);
	rpl_sbuf_addc(&sql, ')');
	if (r == 0)
		r = rpl_sbuf_ok(&sql) ? rpl_conn_exec(dst, rpl_sbuf_str(&sql), err) : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0 && !dst->autocommit)
		r = rpl_conn_commit(dst, err);
	rpl_sbuf_fini(&sql);
	return r;
}

int
rpl_createidx_save(struct rpl_conn *src, const char *src_schema, const char *src_table, struct rpl_conn *dst,
                   const char *dst_schema, const char *dst_table, const struct rpl_table *dt,
                   rpl_createidx_warn_fn warn, void *data, int *saved, struct rpl_err *err)
{
	struct rpl_srcindex *v = NULL;
	int n = 0, r;
	char lab[600];
	*saved = 0;
	/* the key indexes.c files saved definitions under */
	snprintf(lab, sizeof lab, "%s%s%s", dst_schema ? dst_schema : "", dst_schema ? "." : "", dst_table);
	if ((r = rpl_createidx_read(src, src_schema, src_table, &v, &n, err)) < 0 || n == 0)
		goto out;
	if ((r = rpl_ledger_ensure(dst, err)) < 0)
		goto out;
	struct rpl_sbuf def = RPL_SBUF_INIT;
	for (int i = 0; i < n && r == 0; i++) {
		char why[300] = "", name[256];
		rpl_sbuf_reset(&def);
		if (!rpl_createidx_sql(dst->dialect, src->engine, dt, dst_schema, dst_table, &v[i], &def, why, sizeof why)) {
			if (warn != NULL)
				warn(data, v[i].name, why);
			continue;
		}
		if (!rpl_sbuf_ok(&def) || def.len >= 4000) {
			r = rpl_err_set(err, RPL_EINVAL, "index %s: its definition does not fit replicad_indexes", v[i].name);
			break;
		}
		index_name(dst_table, &v[i], name, sizeof name);
		if ((r = save_one(dst, lab, name, rpl_sbuf_str(&def), err)) == 0)
			(*saved)++;
	}
	rpl_sbuf_fini(&def);
out:
	if (r < 0)
		rpl_err_prefix(err, "indexes of the created table %s", lab);
	free(v);
	return r;
}
