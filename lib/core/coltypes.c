/* lib/core/coltypes.c: declared types from each engine's own catalog (coltypes.h). */
#include "coltypes.h"
#include "dialect.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CT_MAXCOLS 7
#define CT_VALUE 8192   /* a domain's whole CREATE DOMAIN must fit: longer fails, never cut */

/* rpl_coltypes_query also reads createidx.c's index catalogs: one statement, its
 * rows as text, nothing kept */

int
rpl_coltypes_query(struct rpl_conn *c, const char *sql, const char *p1, const char *p2, int ncols,
                   rpl_coltypes_row_fn fn, void *arg, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	char *v[CT_MAXCOLS] = { NULL };
	SQLLEN i1 = p1 ? SQL_NTS : SQL_NULL_DATA, i2 = p2 ? SQL_NTS : SQL_NULL_DATA;
	SQLRETURN rc = SQLPrepare(st, (SQLCHAR *)sql, SQL_NTS);
	const char *q1 = strchr(sql, '?'), *q2 = q1 != NULL ? strchr(q1 + 1, '?') : NULL;
	if (SQL_SUCCEEDED(rc) && q1 != NULL)
		rc = SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 256, 0, (SQLPOINTER)(p1 ? p1 : ""), 0, &i1);
	if (SQL_SUCCEEDED(rc) && q2 != NULL)
		rc = SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 256, 0, (SQLPOINTER)(p2 ? p2 : ""), 0, &i2);
	if (SQL_SUCCEEDED(rc))
		rc = SQLExecute(st);
	if (!SQL_SUCCEEDED(rc)) {
		r = rpl_conn_fail(c, st, err, "reading the catalog");
		goto out;
	}
	RPL_REQUIRE(ncols <= CT_MAXCOLS);
	for (int k = 0; k < ncols; k++)
		if ((v[k] = malloc(CT_VALUE)) == NULL) {
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
			goto out;
		}
	while (r == 0 && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		if (!SQL_SUCCEEDED(rc)) {
			r = rpl_conn_fail(c, st, err, "reading the catalog");
			break;
		}
		for (int k = 0; k < ncols && r == 0; k++) {
			SQLLEN ind = 0;
			v[k][0] = '\0';
			if (!SQL_SUCCEEDED(SQLGetData(st, (SQLUSMALLINT)(k + 1), SQL_C_CHAR, v[k], CT_VALUE, &ind)))
				r = rpl_conn_fail(c, st, err, "reading the catalog");
			else if (ind == SQL_NULL_DATA)
				v[k][0] = '\0';
			else if (ind == SQL_NO_TOTAL || ind >= CT_VALUE)
				r = rpl_err_set(err, RPL_EINVAL, "%s: a catalog value is longer than %d bytes", c->side, CT_VALUE - 1);
		}
		if (r == 0)
			r = fn(arg, v, err);
	}
out:
	for (int k = 0; k < CT_MAXCOLS; k++)
		free(v[k]);
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

/* set_default keeps the DEFAULT clause only whole: a cut one would be another default */
static void
set_default(struct rpl_column *col, const char *clause)
{
	int n = snprintf(col->default_clause, sizeof col->default_clause, "%s", clause);
	if (n < 0 || (size_t)n >= sizeof col->default_clause)
		col->default_clause[0] = '\0';
}

/* set_decl keeps the declaration only whole: a cut one would not be the type */
static void
set_decl(struct rpl_column *col, const char *a, const char *b, const char *c)
{
	int n = snprintf(col->decl, sizeof col->decl, "%s%s%s%s%s", a, b[0] ? " CHARACTER SET " : "", b,
	                 c[0] ? " COLLATE " : "", c);
	if (n < 0 || (size_t)n >= sizeof col->decl)
		col->decl[0] = '\0';
}

static struct rpl_column *
find_exact(struct rpl_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static bool
is_one_of(const char *s, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp(s, *names) == 0)
			return true;
	return false;
}

/* unbounded: a text form with no length the type promises */
static void
set_unbounded(struct rpl_column *col)
{
	col->size = 0;
	col->is_long = true;
}

static void
set_bounded(struct rpl_column *col, long chars)
{
	col->size = chars;
	col->is_long = false;
}

void
rpl_coltypes_pg_apply(struct rpl_column *col, const char *cat, const char *base)
{
	static const char *const chars[] = { "text", "varchar", "bpchar", "name", "char", "citext", NULL };
	static const char *const geometric[] = { "point", "line", "lseg", "box", "path", "polygon", "circle", NULL };
	static const char *const ts[] = { "tsvector", "tsquery", NULL };
	static const char *const json[] = { "json", "jsonb", "jsonpath", NULL };
	if (strcmp(cat, "A") == 0)
		col->kind = RPL_KIND_ARRAY;
	else if (strcmp(cat, "E") == 0)
		col->kind = RPL_KIND_ENUM;
	else if (is_one_of(base, json))
		col->kind = RPL_KIND_JSON;
	else if (strcmp(base, "interval") == 0)
		col->kind = RPL_KIND_INTERVAL;
	else if (strcmp(base, "inet") == 0 || strcmp(base, "cidr") == 0 || strncmp(base, "macaddr", 7) == 0)
		col->kind = RPL_KIND_NET;
	else if (strcmp(base, "money") == 0)
		col->kind = RPL_KIND_MONEY;
	else if (strcmp(base, "bit") == 0 || strcmp(base, "varbit") == 0)
		col->kind = RPL_KIND_BITS;
	else if (strcmp(base, "timetz") == 0)
		col->kind = RPL_KIND_TIMETZ;
	else if (strcmp(base, "timestamptz") == 0)
		col->kind = RPL_KIND_TIMESTAMPTZ;
	else if (is_one_of(base, geometric))
		col->kind = RPL_KIND_GEOMETRY;
	else if (is_one_of(base, ts))
		col->kind = RPL_KIND_TSVECTOR;
	else if (strcmp(base, "xml") == 0)
		col->kind = RPL_KIND_XML;
	else if (strcmp(base, "bpchar") == 0)
		col->kind = RPL_KIND_CHAR;
	else if (col->cls == RPL_CLASS_TEXT && !is_one_of(base, chars))
		col->kind = RPL_KIND_OTHER_TEXT;
	if (col->cls == RPL_CLASS_TEXT && strcmp(base, "varchar") == 0 && strchr(col->decl, '(') == NULL) {
		set_unbounded(col);   /* varchar without a length: psqlODBC says 65535, PostgreSQL none */
		return;
	}
	/* oid is an unsigned 32-bit integer: psqlODBC says INTEGER, and 4294967295 did
	 * not fit the int a created MariaDB column got */
	if (col->cls == RPL_CLASS_INT && col->int_bytes == 4 && strcmp(base, "oid") == 0)
		col->int_bytes = 8;
	if (col->kind == RPL_KIND_MONEY) {
		/* money is an int64 of cents; its text ("$1,234.56") depends on lc_monetary,
		 * so it is read as numeric (sqlgen.c), which holds every value exactly */
		col->cls = RPL_CLASS_DECIMAL;
		col->sql_type = SQL_DECIMAL;
		col->int_bytes = 0;
		col->size = 19;
		col->scale = 2;
		col->is_long = false;
		return;
	}
	if (col->cls != RPL_CLASS_TEXT || col->kind == RPL_KIND_PLAIN || col->kind == RPL_KIND_CHAR)
		return;
	/* psqlODBC's sizes for these are guesses (interval 32: "1 year 2 mons 3 days
	 * 04:05:06.789" was refused); a type's own bound, or none */
	long n = 0;
	const char *paren = strchr(col->decl, '(');
	if (col->kind == RPL_KIND_ENUM)
		set_bounded(col, 63);           /* NAMEDATALEN - 1 bytes a label */
	else if (strcmp(base, "inet") == 0 || strcmp(base, "cidr") == 0)
		set_bounded(col, 43);           /* ffff:…:255.255.255.255/128 */
	else if (strcmp(base, "macaddr") == 0)
		set_bounded(col, 17);
	else if (strcmp(base, "macaddr8") == 0)
		set_bounded(col, 23);
	else if (col->kind == RPL_KIND_TIMETZ)
		set_bounded(col, 24);           /* 23:59:59.999999-15:59:59 */
	else if (col->kind == RPL_KIND_BITS && paren != NULL && sscanf(paren, "(%ld)", &n) == 1 && n > 0)
		set_bounded(col, n);
	else
		set_unbounded(col);
}

enum rpl_kind
rpl_coltypes_maria_kind(const char *t)
{
	static const char *const spatial[] = { "geometry", "point", "linestring", "polygon", "multipoint",
	                                       "multilinestring", "multipolygon", "geometrycollection", NULL };
	static const struct { const char *type; enum rpl_kind kind; } kinds[] = {
		{ "enum", RPL_KIND_ENUM }, { "set", RPL_KIND_SET }, { "year", RPL_KIND_YEAR },
		{ "bit", RPL_KIND_BITS }, { "timestamp", RPL_KIND_TIMESTAMPTZ }, { "char", RPL_KIND_CHAR },
		{ "json", RPL_KIND_JSON }, { "inet6", RPL_KIND_NET }, { "inet4", RPL_KIND_NET },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcasecmp(t, kinds[i].type) == 0)
			return kinds[i].kind;
	for (size_t i = 0; spatial[i] != NULL; i++)
		if (strcasecmp(t, spatial[i]) == 0)
			return RPL_KIND_GEOMETRY;
	return RPL_KIND_PLAIN;
}

static int
pg_row(void *arg, char *const *v, struct rpl_err *err)
{
	(void)err;
	struct rpl_column *col = find_exact(arg, v[0]);
	if (col == NULL)
		return 0;
	set_decl(col, v[1], "", "");
	rpl_coltypes_pg_apply(col, v[2], v[3]);
	set_default(col, v[4]);
	/* a domain over varchar(80): the length is the domain's own (its typtypmod, v[5]),
	 * not in the column's declaration, which is the domain's name; it was created
	 * elsewhere as longtext */
	long len;
	const char *paren = strchr(v[5], '(');
	if (col->cls == RPL_CLASS_TEXT && paren != NULL && (strcmp(v[3], "varchar") == 0 || strcmp(v[3], "bpchar") == 0) &&
	    sscanf(paren, "(%ld)", &len) == 1 && len > 0)
		set_bounded(col, len);
	return 0;
}

/* MariaDB's JSON is LONGTEXT with a json_valid CHECK named after the column: the
 * table's checks, read once (a subquery per column in the columns' query cost 2 s
 * on a 200-column table: it read every table's checks for each column) */
struct maria_cols {
	struct rpl_table *t;
	bool *json;   /* per column of t */
};

static int
maria_check(void *arg, char *const *v, struct rpl_err *err)
{
	struct maria_cols *mc = arg;
	for (size_t i = 0; i < mc->t->ncols; i++) {
		char want[600];
		int n = snprintf(want, sizeof want, "json_valid(`%s`)", mc->t->cols[i].name);
		if (n > 0 && (size_t)n < sizeof want && strcmp(v[0], want) == 0)
			mc->json[i] = true;
	}
	(void)err;
	return 0;
}

static int
maria_row(void *arg, char *const *v, struct rpl_err *err)
{
	(void)err;
	struct maria_cols *mc = arg;
	struct rpl_column *col = find_exact(mc->t, v[0]);
	if (col == NULL)
		return 0;
	const char *type = mc->json[col - mc->t->cols] ? "json" : v[4];
	/* the character set and collation are part of the type: a latin1 column with a
	 * German collation sorts and compares as its source does */
	if (strcmp(type, "json") == 0)
		set_decl(col, "json", "", "");   /* longtext utf8mb4_bin CHECK (json_valid(…)) */
	else if (v[2][0] != '\0' && v[3][0] != '\0')
		set_decl(col, v[1], v[2], v[3]);
	else
		set_decl(col, v[1], "", "");
	col->kind = rpl_coltypes_maria_kind(type);
	col->charset = strcmp(v[2], "utf8mb3") == 0 || strcmp(v[2], "utf8") == 0 ? RPL_CHARSET_BMP
	               : strcmp(v[2], "ucs2") == 0                               ? RPL_CHARSET_UCS2
	               : strcmp(v[2], "latin1") == 0 ? RPL_CHARSET_LATIN1
	               : strcmp(v[2], "ascii") == 0  ? RPL_CHARSET_ASCII
	                                             : RPL_CHARSET_ANY;
	/* Connector/ODBC calls every TIMESTAMP nullable (NULL into one once meant "now"):
	 * the server's own IS_NULLABLE says whether it is NOT NULL */
	if (strcmp(v[5], "NO") == 0)
		col->nullable = false;
	set_default(col, v[6]);
	/* Connector/ODBC reports UUID, INET6 and INET4 as binary: they are text types
	 * (their bytes are the text), which other engines hold as uuid and inet */
	if (col->cls == RPL_CLASS_BINARY && (strcmp(type, "uuid") == 0 || col->kind == RPL_KIND_NET)) {
		bool uuid = strcmp(type, "uuid") == 0;
		col->cls = uuid ? RPL_CLASS_GUID : RPL_CLASS_TEXT;
		col->sql_type = uuid ? SQL_GUID : SQL_VARCHAR;
		col->size = uuid ? 36 : strcmp(type, "inet4") == 0 ? 15 : 39;
		col->is_long = false;
	}
	return 0;
}

struct lite_rows { struct rpl_table *t; int npk; };

static int
lite_row(void *arg, char *const *v, struct rpl_err *err)
{
	(void)err;
	struct lite_rows *lr = arg;
	struct rpl_column *col = find_exact(lr->t, v[0]);
	if (col == NULL)
		return 0;
	set_decl(col, v[1], "", "");
	set_default(col, v[3]);
	/* the column's place in the key: sqliteodbc's SQLPrimaryKeys gives its place in
	 * the table (PRIMARY KEY (b, a) on (x, a, b) read as (a, b)) */
	if (col->pk_pos > 0 && atoi(v[2]) > 0)
		col->pk_pos = atoi(v[2]);
	/* exactly "INTEGER" as the only key column makes it the rowid (SQLite's
	 * "ROWIDs and the INTEGER PRIMARY KEY"); BIGINT would not be */
	if (strcasecmp(v[1], "INTEGER") == 0 && strcmp(v[2], "1") == 0 && lr->npk == 1)
		col->kind = RPL_KIND_ROWID;
	return 0;
}

int
rpl_coltypes_read(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                  struct rpl_err *err)
{
	switch (c->engine) {
	case RPL_ENGINE_POSTGRES:
		/* a default that needs an object of the user's other than a type (serial's
		 * sequence, a function: pg_depend) would fail the CREATE TABLE: left out */
		return rpl_coltypes_query(c, "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), t.typcategory::text,"
		                   " b.typname::text, COALESCE((SELECT 'DEFAULT (' || pg_get_expr(d.adbin, d.adrelid) || ')'"
		                   " FROM pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = ''"
		                   " AND NOT EXISTS (SELECT 1 FROM pg_depend p WHERE p.classid = 'pg_attrdef'::regclass"
		                   " AND p.objid = d.oid AND p.refobjid >= 16384 AND p.refclassid <> 'pg_type'::regclass"
		                   " AND p.refobjid <> d.adrelid)), ''),"
		                   " CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE '' END"
		                   " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
		                   " JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
		                   " WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid = (SELECT c.oid FROM pg_class c"
		                   " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ?"
		                   " AND n.nspname = COALESCE(?, current_schema()))",
		                name, schema, 6, pg_row, t, err);
	case RPL_ENGINE_MARIADB: {
		struct maria_cols mc = { t, calloc(t->ncols + 1, sizeof(bool)) };
		if (mc.json == NULL)
			return rpl_err_set(err, RPL_ENOMEM, "out of memory");
		int r = rpl_coltypes_query(c, "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
		                           " WHERE TABLE_NAME = ? AND CONSTRAINT_SCHEMA = COALESCE(?, DATABASE())",
		                           name, schema, 1, maria_check, &mc, err);
		if (r == 0)
			r = rpl_coltypes_query(c, "SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME,"
			                   " DATA_TYPE, IS_NULLABLE, CASE WHEN COLUMN_DEFAULT IS NULL OR COLUMN_DEFAULT = 'NULL'"
			                   " OR COLUMN_DEFAULT LIKE 'nextval(%' THEN '' ELSE CONCAT('DEFAULT (', COLUMN_DEFAULT, ')',"
			                   " IF(LOCATE('on update ', EXTRA) > 0, CONCAT(' ', SUBSTRING(EXTRA, LOCATE('on update ', EXTRA))), ''))"
			                   " END FROM information_schema.COLUMNS c WHERE TABLE_NAME = ?"
			                   " AND TABLE_SCHEMA = COALESCE(?, DATABASE())",
			                   name, schema, 7, maria_row, &mc, err);
		free(mc.json);
		return r;
	}
	case RPL_ENGINE_SQLITE: {
		struct lite_rows lr = { t, t->npk };
		/* (a schema is an attached database: the dialect has none) */
		return rpl_coltypes_query(c, "SELECT name, type, pk, CASE WHEN dflt_value IS NULL THEN ''"
		                          " ELSE 'DEFAULT (' || dflt_value || ')' END FROM pragma_table_info(?)", name, NULL, 4, lite_row, &lr, err);
	}
	default:
		return 0;
	}
}

struct pg_types {
	struct rpl_conn *dst;
	int created;
	rpl_coltypes_warn_fn warn;
	void *data;
	rpl_coltypes_plan_fn plan;   /* set: the dry run's; each CREATE goes to it, not to dst */
	bool connected;              /* false: dst is a stand-in, every type taken as missing */
};

static int
labels_row(void *arg, char *const *v, struct rpl_err *err)
{
	(void)err;
	snprintf(arg, 8192, "%s", v[0]);
	return 0;
}

/* pg_compare_labels warns when an enum the target already has is not the
 * source's: a label it lacks is refused, other orders sort differently */
static int
pg_compare_labels(struct pg_types *pt, char *const *v, struct rpl_err *err)
{
	char *have = calloc(1, 8192);
	if (have == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r = rpl_coltypes_query(pt->dst, "SELECT string_agg(e.enumlabel::text, E'\\n' ORDER BY e.enumsortorder)"
	                                    " FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n"
	                                    " ON n.oid = t.typnamespace WHERE n.nspname = ? AND t.typname = ?",
	                           v[0], v[1], 1, labels_row, have, err);
	if (r == 0 && strcmp(have, v[3]) != 0 && pt->warn != NULL) {
		char what[300];
		snprintf(what, sizeof what, "%s.%s", v[0], v[1]);
		pt->warn(pt->data, what, "the target's enum of that name has other labels or another order: values it lacks"
		                         " will be refused");
	}
	free(have);
	return r;
}

/* pg_type_row creates one type in the target unless a type of that schema and name
 * is already there (PostgreSQL has no CREATE TYPE IF NOT EXISTS). */
static int
pg_type_row(void *arg, char *const *v, struct rpl_err *err)
{
	struct pg_types *pt = arg;
	if (!pt->connected) {
		pt->created++;
		return pt->plan(pt->data, v[0], v[1], v[2]);
	}
	struct rpl_sbuf q = RPL_SBUF_INIT;
	rpl_sbuf_add(&q, "SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ");
	rpl_dialect_lit(pt->dst->dialect, v[0], &q);
	rpl_sbuf_add(&q, " AND t.typname = ");
	rpl_dialect_lit(pt->dst->dialect, v[1], &q);
	int64_t n = 0;
	bool found = false;
	int r = rpl_sbuf_ok(&q) ? rpl_conn_query_int64(pt->dst, rpl_sbuf_str(&q), &n, &found, err)
	                        : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&q);
	if (r == 0 && n == 0 && pt->plan != NULL) {
		pt->created++;
		r = pt->plan(pt->data, v[0], v[1], v[2]);
	} else if (r == 0 && n == 0) {
		if ((r = rpl_conn_exec(pt->dst, v[2], err)) < 0)
			rpl_err_prefix(err, "creating type %s.%s in the target", v[0], v[1]);
		else
			pt->created++;
	} else if (r == 0 && v[3][0] != '\0') {
		r = pg_compare_labels(pt, v, err);
	}
	return r;
}

static int pg_types_run(struct rpl_conn *src, struct pg_types *pt, const char *schema, const char *name,
                        int *created, struct rpl_err *err);

int
rpl_coltypes_pg_create_types(struct rpl_conn *src, struct rpl_conn *dst, const char *schema, const char *name,
                             rpl_coltypes_warn_fn warn, void *data, int *created, struct rpl_err *err)
{
	struct pg_types pt = { .dst = dst, .warn = warn, .data = data, .connected = true };
	return pg_types_run(src, &pt, schema, name, created, err);
}

int
rpl_coltypes_pg_plan_types(struct rpl_conn *src, struct rpl_conn *dst, bool connected, const char *schema,
                           const char *name, rpl_coltypes_plan_fn plan, void *data, int *planned, struct rpl_err *err)
{
	struct pg_types pt = { .dst = dst, .data = data, .plan = plan, .connected = connected };
	return pg_types_run(src, &pt, schema, name, planned, err);
}

/* pg_types_run lists the types the columns use and hands each to pg_type_row */
static int
pg_types_run(struct rpl_conn *src, struct pg_types *pt, const char *schema, const char *name, int *created,
             struct rpl_err *err)
{
	/* every type the columns reach through array elements and domain bases; enums
	 * first, then domains oldest first (a domain over another is younger) */
	static const char sql[] =
		"WITH RECURSIVE used(oid) AS ("
		" SELECT a.atttypid FROM pg_attribute a WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attrelid ="
		" (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ?"
		" AND n.nspname = COALESCE(?, current_schema()))"
		" UNION SELECT x FROM used u JOIN pg_type t ON t.oid = u.oid,"
		" LATERAL (VALUES (NULLIF(t.typelem, 0)), (NULLIF(t.typbasetype, 0))) v(x) WHERE x IS NOT NULL)"
		" SELECT n.nspname::text, t.typname::text, CASE t.typtype WHEN 'e' THEN"
		" 'CREATE TYPE ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' AS ENUM (' ||"
		" (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e"
		" WHERE e.enumtypid = t.oid) || ')'"
		" ELSE 'CREATE DOMAIN ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' AS ' ||"
		" format_type(t.typbasetype, t.typtypmod) ||"
		" COALESCE((SELECT ' COLLATE ' || quote_ident(cn.nspname) || '.' || quote_ident(co.collname)"
		" FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace"
		" WHERE co.oid = t.typcollation AND t.typcollation <> (SELECT b.typcollation FROM pg_type b"
		" WHERE b.oid = t.typbasetype)), '') ||"
		" COALESCE(' DEFAULT ' || t.typdefault, '') || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END ||"
		" COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' ' ||"
		" pg_get_constraintdef(k.oid), '' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid"
		" AND k.contype = 'c'), '') END,"
		" CASE t.typtype WHEN 'e' THEN (SELECT string_agg(e.enumlabel::text, E'\\n' ORDER BY e.enumsortorder)"
		" FROM pg_enum e WHERE e.enumtypid = t.oid) ELSE '' END"
		" FROM used u JOIN pg_type t ON t.oid = u.oid JOIN pg_namespace n ON n.oid = t.typnamespace"
		" WHERE t.typtype IN ('e', 'd') ORDER BY t.typtype DESC, t.oid";
	*created = 0;
	if (src->engine != RPL_ENGINE_POSTGRES || pt->dst->engine != RPL_ENGINE_POSTGRES)
		return 0;
	int r = rpl_coltypes_query(src, sql, name, schema, 4, pg_type_row, pt, err);
	*created = pt->created;
	return r;
}
