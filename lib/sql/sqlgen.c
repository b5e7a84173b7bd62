/* lib/sql/sqlgen.c: the statement texts of a table copy (see sqlgen.h). */
#include "sqlgen.h"
#include "sbuf.h"
#include <stdio.h>
#include <string.h>

/* dst_name: the target's spelling of source column i (the catalogs are matched
 * case-insensitively, as copy.c matches them). */
static const char *
dst_name(const struct rpl_sqlgen *g, size_t i)
{
	const char *n = g->dst_names != NULL ? g->dst_names[i] : g->st->cols[i].name;
	const struct rpl_column *c = g->dt != NULL ? rpl_table_find(g->dt, n) : NULL;
	return c != NULL ? c->name : n;
}

static const char *
date_name(const struct rpl_table *t, const char *configured)
{
	const struct rpl_column *c = t != NULL ? rpl_table_find(t, configured) : NULL;
	return c != NULL ? c->name : configured;
}

/* dst_date_name: the target's name of the date column, renamed or not. */
static const char *
dst_date_name(const struct rpl_sqlgen *g)
{
	const struct rpl_column *c = rpl_table_find(g->st, g->date_column);
	if (c != NULL && g->dst_names != NULL)
		return date_name(g->dt, g->dst_names[c - g->st->cols]);
	return date_name(g->dt != NULL ? g->dt : g->st, g->date_column);
}

/* range_where appends " WHERE col >= start AND col < end"; nothing for a whole table. */
static void
range_where(const struct rpl_dialect *d, const char *col, const struct rpl_range *r, struct rpl_sbuf *out)
{
	if (r->all || col == NULL)
		return;
	rpl_sbuf_add(out, " WHERE ");
	rpl_dialect_ident(d, col, out);
	rpl_sbuf_add(out, " >= ");
	rpl_dialect_date(d, r->start.y, r->start.m, r->start.d, out);
	rpl_sbuf_add(out, " AND ");
	rpl_dialect_ident(d, col, out);
	rpl_sbuf_add(out, " < ");
	rpl_dialect_date(d, r->end.y, r->end.m, r->end.d, out);
}

static void
select_cols(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	const struct rpl_dialect *d = g->src;
	for (size_t i = 0; i < g->st->ncols; i++) {
		const struct rpl_column *c = &g->st->cols[i];
		rpl_sbuf_add(out, i ? ", " : "");
		if (d->engine == RPL_ENGINE_SQLITE && c->cls == RPL_CLASS_DOUBLE && !g->native_read) {
			rpl_sbuf_add(out, "CASE WHEN typeof(");
			rpl_dialect_ident(d, c->name, out);
			rpl_sbuf_add(out, ")='real' THEN printf('%!.17g',");
			rpl_dialect_ident(d, c->name, out);
			rpl_sbuf_add(out, ") ELSE ");
			rpl_dialect_ident(d, c->name, out);
			rpl_sbuf_add(out, " END");
		} else if (d->engine == RPL_ENGINE_POSTGRES && !g->native_read &&
		           (c->cls == RPL_CLASS_DATE || c->cls == RPL_CLASS_TIMESTAMP)) {
			/* psqlODBC turns 'infinity' into today's date or 9999-12-31 23:59:59 and
			 * '-infinity' into a zero date, even as text: PostgreSQL's own text
			 * (ISO: psqlODBC sets DateStyle) is read instead (rules_dates.c rules_pg_date_text) */
			rpl_dialect_ident(d, c->name, out);
			rpl_sbuf_add(out, "::text");
		} else if (d->engine == RPL_ENGINE_POSTGRES && c->kind == RPL_KIND_MONEY) {
			/* money's text follows lc_monetary ("$1,234.56"); numeric is exact */
			rpl_dialect_ident(d, c->name, out);
			rpl_sbuf_add(out, "::numeric");
		} else {
			rpl_dialect_ident(d, c->name, out);
		}
	}
}

/* kslice_where appends g's key slice to a WHERE already begun (where) or as one:
 * "(k < hi OR k IS NULL)" below, "k >= lo AND k < hi" between, "k >= lo" above */
static void
kslice_where(const struct rpl_sqlgen *g, bool where, struct rpl_sbuf *out)
{
	const struct rpl_keyslice *ks = g->kslice;
	const struct rpl_column *k = NULL;
	for (size_t i = 0; i < g->st->ncols && k == NULL; i++)
		if (g->st->cols[i].pk_pos == 1)
			k = &g->st->cols[i];
	if (ks == NULL || k == NULL || (!ks->has_lo && !ks->has_hi))
		return;
	char num[32];
	rpl_sbuf_add(out, where ? " AND (" : " WHERE (");
	if (ks->has_lo) {
		rpl_dialect_ident(g->src, k->name, out);
		snprintf(num, sizeof num, " >= %lld", (long long)ks->lo);
		rpl_sbuf_add(out, num);
	}
	if (ks->has_hi) {
		rpl_sbuf_add(out, ks->has_lo ? " AND " : "");
		rpl_dialect_ident(g->src, k->name, out);
		snprintf(num, sizeof num, " < %lld", (long long)ks->hi);
		rpl_sbuf_add(out, num);
	}
	if (!ks->has_lo) {
		rpl_sbuf_add(out, " OR ");
		rpl_dialect_ident(g->src, k->name, out);
		rpl_sbuf_add(out, " IS NULL");
	}
	rpl_sbuf_add(out, ")");
}

static void
select_from(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	const char *date = g->date_column ? date_name(g->st, g->date_column) : NULL;
	rpl_sbuf_add(out, g->only && g->src->engine == RPL_ENGINE_POSTGRES ? " FROM ONLY " : " FROM ");
	rpl_dialect_table(g->src, g->src_schema, g->src_table, out);
	range_where(g->src, date, r, out);
	kslice_where(g, !r->all && date != NULL, out);
}

void
rpl_sqlgen_select(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "SELECT ");
	select_cols(g, out);
	select_from(g, r, out);
}

void
rpl_sqlgen_from(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	select_from(g, r, out);
}

void
rpl_sqlgen_copy_out(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	struct rpl_sqlgen libpq = *g;   /* COPY is libpq's: no psqlODBC workarounds */
	libpq.native_read = true;
	rpl_sbuf_add(out, "COPY (");
	rpl_sqlgen_select(&libpq, r, out);
	rpl_sbuf_add(out, ") TO STDOUT");
}

/* key_col: the source column at 1-based key position k, or NULL. */
const struct rpl_column *
rpl_sqlgen_key_col(const struct rpl_table *t, int k)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].pk_pos == k)
			return &t->cols[i];
	return NULL;
}

static void
key_list(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	for (int k = 1; k <= g->st->npk; k++) {
		const struct rpl_column *c = rpl_sqlgen_key_col(g->st, k);
		rpl_sbuf_add(out, k > 1 ? ", " : "");
		rpl_dialect_ident(g->src, c != NULL ? c->name : "?", out);
	}
}

int
rpl_sqlgen_slice(const struct rpl_sqlgen *g, const struct rpl_range *r, bool keyed, size_t rows,
                 struct rpl_sbuf *out)
{
	const struct rpl_dialect *d = g->src;
	int n = g->st->npk, params = 0;
	bool top = d->engine == RPL_ENGINE_MSSQL;
	rpl_sbuf_add(out, "SELECT ");
	if (top)
		rpl_sbuf_addf(out, "TOP (%zu) ", rows);
	select_cols(g, out);
	select_from(g, r, out);
	if (n == 0)
		return 0;
	if (keyed) {
		rpl_sbuf_add(out, r->all || g->date_column == NULL ? " WHERE (" : " AND (");
		if (!top) {
			key_list(g, out);
			rpl_sbuf_add(out, ") > (");
			for (int k = 1; k <= n; k++) {
				/* a decimal key travels as text; MySQL compares a decimal with text
				 * as doubles, which cannot tell keys apart past the 15th digit */
				const struct rpl_column *c = rpl_sqlgen_key_col(g->st, k);
				rpl_sbuf_add(out, k > 1 ? ", " : "");
				if (c != NULL && c->cls == RPL_CLASS_DECIMAL && d->engine == RPL_ENGINE_MARIADB)
					rpl_sbuf_addf(out, "CAST(? AS DECIMAL(%ld,%d))", c->size > 0 ? c->size : 65, c->scale);
				else
					rpl_sbuf_addc(out, '?');
			}
			params = n;
		} else {
			/* (k1, k2) > (a, b) spelled out: k1 > a OR (k1 = a AND k2 > b) */
			for (int k = 1; k <= n; k++) {
				rpl_sbuf_add(out, k > 1 ? " OR (" : "");
				for (int j = 1; j <= k; j++) {
					const struct rpl_column *c = rpl_sqlgen_key_col(g->st, j);
					rpl_dialect_ident(d, c != NULL ? c->name : "?", out);
					rpl_sbuf_add(out, j < k ? " = ? AND " : " > ?");
					params++;
				}
				rpl_sbuf_add(out, k > 1 ? ")" : "");
			}
		}
		rpl_sbuf_addc(out, ')');
	}
	rpl_sbuf_add(out, " ORDER BY ");
	key_list(g, out);
	if (!top)
		rpl_sbuf_addf(out, " LIMIT %zu", rows);
	return params;
}

long
rpl_sqlgen_delete(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	const struct rpl_dialect *d = g->dst;
	long batch = d->engine == RPL_ENGINE_MSSQL ? d->delete_batch : 0;
	if (batch > 0)
		rpl_sbuf_addf(out, "DELETE TOP (%ld) FROM ", batch);
	else
		rpl_sbuf_add(out, "DELETE FROM ");
	rpl_dialect_table(d, g->dst_schema, g->dst_table, out);
	range_where(d, g->date_column ? dst_date_name(g) : NULL, r, out);
	return batch;
}

/* pg_geometric: source column i is one of PostgreSQL's geometric types going into a
 * MariaDB spatial column (RPL_KIND_GEOMETRY both). Its text ("(1.5,-2)" for a point)
 * is no geometry MariaDB reads: a point is made WKT by the server as it loads
 * (POINT_FROM_PG); the other types are refused (rpl_sqlgen_geometry_refused). */
static const struct rpl_column *
pg_geometric(const struct rpl_sqlgen *g, size_t i)
{
	const struct rpl_column *s = &g->st->cols[i];
	if (g->src->engine != RPL_ENGINE_POSTGRES || g->dst->engine != RPL_ENGINE_MARIADB ||
	    s->kind != RPL_KIND_GEOMETRY || g->dt == NULL)
		return NULL;
	const struct rpl_column *d = rpl_table_find(g->dt, dst_name(g, i));
	return d != NULL && d->kind == RPL_KIND_GEOMETRY ? d : NULL;
}

/* "(x,y)" -> "POINT(x y)": PostgreSQL prints a point's coordinates as float8 in their
 * shortest exact spelling, which MariaDB's WKT reader takes (1e-07 too) */
#define POINT_FROM_PG(v) "ST_GeomFromText(CONCAT('POINT', REPLACE(" v ", ',', ' ')))"

bool
rpl_sqlgen_geometry_refused(const struct rpl_sqlgen *g, size_t *col)
{
	for (size_t i = 0; i < g->st->ncols; i++) {
		if (pg_geometric(g, i) != NULL && strcasecmp(g->st->cols[i].decl, "point") != 0) {
			*col = i;
			return true;
		}
	}
	return false;
}

static void
dst_cols(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	for (size_t i = 0; i < g->st->ncols; i++) {
		rpl_sbuf_add(out, i ? ", " : "");
		rpl_dialect_ident(g->dst, dst_name(g, i), out);
	}
}

void
rpl_sqlgen_insert(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "INSERT INTO ");
	rpl_dialect_table(g->dst, g->dst_schema, g->dst_table, out);
	if (g->table_lock)
		rpl_sbuf_add(out, g->dst->insert_lock_hint);
	rpl_sbuf_add(out, " (");
	dst_cols(g, out);
	rpl_sbuf_add(out, ") VALUES (");
	for (size_t i = 0; i < g->st->ncols; i++) {
		rpl_sbuf_add(out, i ? ", " : "");
		rpl_sbuf_add(out, pg_geometric(g, i) != NULL ? POINT_FROM_PG("?") : "?");
	}
	rpl_sbuf_addc(out, ')');
}

void
rpl_sqlgen_copy_in(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "COPY ");
	rpl_dialect_table(g->dst, g->dst_schema, g->dst_table, out);
	rpl_sbuf_add(out, " (");
	dst_cols(g, out);
	rpl_sbuf_add(out, ") FROM STDIN");
}

void
rpl_sqlgen_load_data(const struct rpl_sqlgen *g, const char *path, struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "LOAD DATA LOCAL INFILE ");
	rpl_dialect_lit(g->dst, path, out);
	rpl_sbuf_add(out, " INTO TABLE ");
	rpl_dialect_table(g->dst, g->dst_schema, g->dst_table, out);
	/* The rows are UTF-8. Into UTF-8 columns (every table replicad creates) they are
	 * declared binary: the server still checks each string against its column's
	 * character set and length, and refuses the same values, but skips converting
	 * utf8mb4 into utf8mb4: 13-18 % of a wide table's LOAD DATA (docs/benchmarks.md).
	 * A latin1 (or other) column needs the conversion, so there they are utf8mb4; so
	 * does a UUID, INET4 or INET6 column, which takes binary bytes as its own 16 (or
	 * 4): the text of one was refused ("Incorrect uuid value"). */
	bool convert = false;
	for (size_t i = 0; g->dt != NULL && i < g->dt->ncols; i++) {
		const struct rpl_column *d = &g->dt->cols[i];
		convert = convert || d->non_utf8 || d->cls == RPL_CLASS_GUID || d->kind == RPL_KIND_NET;
	}
	rpl_sbuf_add(out, convert ? " CHARACTER SET utf8mb4" : " CHARACTER SET binary");
	/* the server's defaults, said out loud: tab, backslash escapes, newline (tsv.h) */
	rpl_sbuf_add(out, " FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
	                  " LINES TERMINATED BY '\\n' (");
	/* A BIT column takes a string's bytes as its bits: the text "1" is 0x31, too
	 * long for BIT(1), and the whole LOAD DATA was refused. Numbers go through a
	 * variable and CAST(… AS UNSIGNED); bytes (a BIT(n) source) go in as they are. */
	size_t nbits = 0;
	for (size_t i = 0; i < g->st->ncols; i++) {
		const struct rpl_column *d = g->dt != NULL ? rpl_table_find(g->dt, dst_name(g, i)) : NULL;
		rpl_sbuf_add(out, i ? ", " : "");
		if (d != NULL && d->kind == RPL_KIND_BITS && g->st->cols[i].cls != RPL_CLASS_BINARY) {
			rpl_sbuf_addf(out, "@rpl_bit%zu", i);
			nbits++;
		} else if (pg_geometric(g, i) != NULL) {
			rpl_sbuf_addf(out, "@rpl_geo%zu", i);
			nbits++;
		} else {
			rpl_dialect_ident(g->dst, dst_name(g, i), out);
		}
	}
	rpl_sbuf_add(out, ")");
	for (size_t i = 0, k = 0; k < nbits && i < g->st->ncols; i++) {
		const struct rpl_column *d = g->dt != NULL ? rpl_table_find(g->dt, dst_name(g, i)) : NULL;
		bool geo = pg_geometric(g, i) != NULL;
		if (!geo && (d == NULL || d->kind != RPL_KIND_BITS || g->st->cols[i].cls == RPL_CLASS_BINARY))
			continue;
		rpl_sbuf_add(out, k++ ? ", " : " SET ");
		rpl_dialect_ident(g->dst, dst_name(g, i), out);
		if (geo) {
			rpl_sbuf_addf(out, " = " POINT_FROM_PG("@rpl_geo%zu"), i);
		} else {
			rpl_sbuf_addf(out, " = CAST(@rpl_bit%zu AS UNSIGNED)", i);
		}
	}
}

/* utf8_prefix: bytes of the first max_chars characters of s */
static size_t
utf8_prefix(const char *s, size_t max_chars)
{
	size_t chars = 0, i = 0;
	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max_chars)
			break;
	return i;
}

/* key_type: the type of a created text or binary key column where the engine's own
 * choice (dialect_engines.c) cannot be a key: MariaDB keys take no TEXT or BLOB
 * ("BLOB/TEXT column used in key specification without a key length": a SQLite TEXT
 * or a PostgreSQL text key failed the run) and at most 3072 bytes (InnoDB), SQL
 * Server's none of MAX and at most 900 bytes (a clustered key). The key's share of
 * those bytes, in characters of the widest encoding (utf8mb4: 4, NVARCHAR: 2), or
 * the column's own size where smaller; a longer value is rejected by too_long, as
 * for any column (a key on a prefix is unique on the whole value too). false: the
 * engine's own type. */
/* key_unbounded: does key column c get a type no key of engine e takes (MariaDB's
 * TEXT or BLOB, past 255), or, in SQL Server, is it a text or binary column at all
 * (its 900 bytes are shared among them)? */
static bool
key_unbounded(enum rpl_engine e, const struct rpl_column *c)
{
	if (c->cls != RPL_CLASS_TEXT && c->cls != RPL_CLASS_BINARY)
		return false;
	return e == RPL_ENGINE_MSSQL || c->is_long || c->size > 255;
}

/* key_col_bytes: the bytes a bounded key column takes of the engine's key length, as
 * created there: a GUID is MariaDB's CHAR(36) (144 bytes in utf8mb4, not 16: a text
 * and a uuid key did not fit 3072), a decimal 4 bytes for every 9 digits and a part */
static long
key_col_bytes(enum rpl_engine e, const struct rpl_column *k, int cb)
{
	switch (k->cls) {
	case RPL_CLASS_TEXT: return k->size * cb;
	case RPL_CLASS_BINARY: return k->size;
	case RPL_CLASS_GUID: return e == RPL_ENGINE_MARIADB ? 36L * cb : 16;
	case RPL_CLASS_DECIMAL: return ((k->size > 0 ? k->size : 65) + 8) / 9 * 4 + 4;
	default: return 16;
	}
}

static bool
key_type(const struct rpl_sqlgen *g, const struct rpl_column *c, char *out, size_t n)
{
	enum rpl_engine e = g->dst->engine;
	bool text = c->cls == RPL_CLASS_TEXT;
	int cb = e == RPL_ENGINE_MARIADB ? 4 : 2;   /* bytes a character: utf8mb4, NVARCHAR */
	/* MariaDB to MariaDB: a TEXT or BLOB key with a prefix length (PRIMARY KEY (k(16)),
	 * which the catalog does not say) gets the bounded type too */
	if (c->pk_pos <= 0 || (e != RPL_ENGINE_MARIADB && e != RPL_ENGINE_MSSQL) || !key_unbounded(e, c) ||
	    (e == g->src->engine && !c->is_long))
		return false;
	/* the key's bytes: what its other columns take, the rest shared */
	long budget = e == RPL_ENGINE_MARIADB ? 3072 : 900;
	int shared = 0;
	for (size_t i = 0; i < g->st->ncols; i++) {
		const struct rpl_column *k = &g->st->cols[i];
		if (k->pk_pos <= 0)
			continue;
		if (key_unbounded(e, k))
			shared++;
		else
			budget -= key_col_bytes(e, k, cb);
	}
	long bytes = budget / shared, most = text ? bytes / cb : bytes;
	if (most < 1)
		most = 1;   /* a key too wide for the engine anyway: its CREATE TABLE says so */
	long size = !c->is_long && c->size > 0 && c->size < most ? c->size : most;
	snprintf(out, n, "%s(%ld)", e == RPL_ENGINE_MARIADB ? (text ? "varchar" : "varbinary") : (text ? "NVARCHAR" : "VARBINARY"),
	         size);
	return true;
}

void
rpl_sqlgen_create_table(const struct rpl_sqlgen *g, struct rpl_sbuf *out)
{
	const struct rpl_dialect *d = g->dst;
	const struct rpl_table *st = g->st;
	const struct rpl_column *rowid = NULL;
	if (d->engine == RPL_ENGINE_SQLITE && g->src->engine == RPL_ENGINE_SQLITE && st->npk == 1) {
		rowid = rpl_sqlgen_key_col(st, 1);
		rowid = rowid != NULL && rowid->kind == RPL_KIND_ROWID ? rowid : NULL;
	}
	rpl_sbuf_add(out, "CREATE TABLE ");
	rpl_dialect_table(d, g->dst_schema, g->dst_table, out);
	rpl_sbuf_add(out, " (");
	for (size_t i = 0; i < st->ncols; i++) {
		const struct rpl_column *c = &st->cols[i];
		rpl_sbuf_add(out, i ? ", " : "");
		rpl_dialect_ident(d, dst_name(g, i), out);
		rpl_sbuf_addc(out, ' ');
		char kt[32];
		if (key_type(g, c, kt, sizeof kt))
			rpl_sbuf_add(out, kt);
		else
			rpl_dialect_column_type(d, g->src->engine, c, out);
		if (rowid == c) {
			rpl_sbuf_add(out, " PRIMARY KEY");   /* INTEGER PRIMARY KEY: the rowid, as in the source */
			continue;
		}
		if (!c->nullable || c->pk_pos > 0)
			rpl_sbuf_add(out, " NOT NULL");
		/* same engine: the source's own default (an expression is in its SQL) */
		if (d->engine == g->src->engine && d->engine != RPL_ENGINE_MSSQL && c->default_clause[0] != '\0') {
			rpl_sbuf_addc(out, ' ');
			rpl_sbuf_add(out, c->default_clause);
		}
	}
	if (st->npk > 0 && rowid == NULL) {
		if (d->engine == RPL_ENGINE_MSSQL) {
			/* named, so every replica's key has the same name (not PK__sales__3213E83F…);
			 * a name holds at most 128 characters */
			char name[600];
			snprintf(name, sizeof name, "PK_%.*s", (int)utf8_prefix(g->dst_table, 125), g->dst_table);
			rpl_sbuf_add(out, ", CONSTRAINT ");
			rpl_dialect_ident(d, name, out);
			rpl_sbuf_add(out, " PRIMARY KEY CLUSTERED (");
		} else {
			rpl_sbuf_add(out, ", PRIMARY KEY (");
		}
		for (int k = 1; k <= st->npk; k++) {
			const struct rpl_column *c = rpl_sqlgen_key_col(st, k);
			rpl_sbuf_add(out, k > 1 ? ", " : "");
			rpl_dialect_ident(d, c != NULL ? dst_name(g, (size_t)(c - st->cols)) : "?", out);
		}
		rpl_sbuf_addc(out, ')');
	}
	rpl_sbuf_addc(out, ')');
	if (d->engine == RPL_ENGINE_MARIADB) {
		rpl_sbuf_add(out, " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=");
		rpl_sbuf_add(out, g->collation != NULL ? g->collation : "utf8mb4_bin");
	}
}

bool
rpl_sqlgen_savepoint(const struct rpl_dialect *d, enum rpl_savepoint op, const char *name, struct rpl_sbuf *out)
{
	static const char *const ansi[] = { "SAVEPOINT ", "ROLLBACK TO SAVEPOINT ", "RELEASE SAVEPOINT " };
	/* T-SQL: a savepoint is set by SAVE TRANSACTION and ends with the transaction */
	static const char *const tsql[] = { "SAVE TRANSACTION ", "ROLLBACK TRANSACTION ", NULL };
	const char *verb = (d->engine == RPL_ENGINE_MSSQL ? tsql : ansi)[op];
	if (verb == NULL)
		return false;
	rpl_sbuf_add(out, verb);
	rpl_sbuf_add(out, name);
	return true;
}
