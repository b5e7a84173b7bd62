/* lib/core/catalog.c: reading column metadata through SQLColumns/SQLPrimaryKeys. Each
 * engine's driver names schemas differently (MariaDB calls them catalogs, SQLite has
 * none); the dialect table says which. */
#include "catalog.h"
#include "sqlite_affinity.h"
#include "coltypes.h"
#include "dialect.h"
#include "typedecl.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *
rpl_class_name(enum rpl_class c)
{
	static const char *const names[] = { "int", "decimal", "double", "date", "timestamp",
	                                     "time", "text", "binary", "bool", "guid" };
	return (unsigned)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

bool
rpl_class_of(int t, const char *type_name, enum rpl_class *cls, int *int_bytes)
{
	*int_bytes = 0;
	switch (t) {
	case SQL_TINYINT: case SQL_SMALLINT: case SQL_INTEGER: case SQL_BIGINT:
		*cls = RPL_CLASS_INT;
		*int_bytes = t == SQL_TINYINT ? 1 : t == SQL_SMALLINT ? 2 : t == SQL_INTEGER ? 4 : 8;
		/* MariaDB's UNSIGNED doubles each range: the next wider signed type holds it,
		 * and BIGINT UNSIGNED only a DECIMAL(20,0) (as int64 its top half arrived
		 * negative, and a created target column was too narrow for the rest) */
		if (type_name != NULL && strcasestr(type_name, " unsigned") != NULL) {   /* not SQLite's "UNSIGNED BIG INT" */
			if (*int_bytes == 8) {
				*cls = RPL_CLASS_DECIMAL;
				*int_bytes = 0;
			} else {
				*int_bytes *= 2;
			}
		}
		return true;
	case SQL_DECIMAL: case SQL_NUMERIC: *cls = RPL_CLASS_DECIMAL; return true;
	case SQL_REAL: case SQL_FLOAT: case SQL_DOUBLE: *cls = RPL_CLASS_DOUBLE; return true;
	case SQL_TYPE_DATE: case SQL_DATE: *cls = RPL_CLASS_DATE; return true;
	case SQL_TYPE_TIMESTAMP: case SQL_TIMESTAMP: *cls = RPL_CLASS_TIMESTAMP; return true;
	case SQL_TYPE_TIME: case SQL_TIME: *cls = RPL_CLASS_TIME; return true;
	case SQL_CHAR: case SQL_VARCHAR: case SQL_LONGVARCHAR:
	case SQL_WCHAR: case SQL_WVARCHAR: case SQL_WLONGVARCHAR:
		*cls = RPL_CLASS_TEXT; return true;
	case SQL_BINARY: case SQL_VARBINARY: case SQL_LONGVARBINARY:
		*cls = RPL_CLASS_BINARY; return true;
	case SQL_BIT: *cls = RPL_CLASS_BOOL; return true;
	case SQL_GUID: *cls = RPL_CLASS_GUID; return true;
	default:
		break;
	}
	/* Drivers report some types by name only (sqliteodbc: "BOOLEAN" as SQL_BIT or
	 * not at all, depending on the declaration). */
	if (type_name != NULL && (strcasecmp(type_name, "bool") == 0 || strcasecmp(type_name, "boolean") == 0)) {
		*cls = RPL_CLASS_BOOL;
		return true;
	}
	return false;
}

/* Long (unbounded) values: sizes above this are buffered as long values. */
#define CATALOG_LONG_CHARS 65535

/* sqlite_fix_decimal: sqliteodbc reports DECIMAL(p,s) as VARCHAR with the scale as
 * its size, and NUMERIC as DOUBLE; the declared type it also returns is the truth. */
static void
sqlite_fix_decimal(struct rpl_column *col)
{
	const char *t = col->type_name;
	if (strncasecmp(t, "decimal", 7) != 0 && strncasecmp(t, "numeric", 7) != 0)
		return;
	col->cls = RPL_CLASS_DECIMAL;
	col->sql_type = SQL_DECIMAL;
	col->size = 0;
	col->scale = 0;
	col->is_long = false;
	const char *paren = strchr(t, '(');
	if (paren != NULL) {
		int p = 0, sc = 0;
		int n = sscanf(paren, "(%d,%d)", &p, &sc);
		if (n >= 1 && p > 0) {
			col->size = p;
			col->scale = n == 2 && sc >= 0 ? sc : 0;
		}
	}
}

/* sqlite_fix_affinity: SQLite stores a column's values by the affinity its declared
 * type has (sqlite_affinity.h), whatever SQL type sqliteodbc reports: `BLOB SUB_TYPE TEXT`
 * came as binary and its text arrived as BLOBs (issue #15). Dates, booleans and
 * decimals keep the class their names give (their values are read by it). */
static void
sqlite_fix_affinity(struct rpl_column *col)
{
	enum rpl_class c = col->cls;
	bool plain = c == RPL_CLASS_INT || c == RPL_CLASS_DOUBLE || c == RPL_CLASS_TEXT || c == RPL_CLASS_BINARY;
	if (!plain)
		return;
	switch (rpl_sqlite_affinity(col->type_name)) {
	case RPL_AFF_TEXT:
		if (c != RPL_CLASS_TEXT)
			col->cls = RPL_CLASS_TEXT, col->sql_type = SQL_LONGVARCHAR, col->int_bytes = 0;
		break;
	case RPL_AFF_REAL:
		if (c != RPL_CLASS_DOUBLE)
			col->cls = RPL_CLASS_DOUBLE, col->sql_type = SQL_DOUBLE, col->int_bytes = 0, col->size = 0;
		break;
	case RPL_AFF_INTEGER:
		if (c != RPL_CLASS_INT)
			col->cls = RPL_CLASS_INT, col->sql_type = SQL_BIGINT, col->int_bytes = 8, col->size = 0;
		break;
	default:
		break;
	}
}

static void
catalog_where(const struct rpl_dialect *d, const char *schema, const char **cat, const char **sch)
{
	*cat = NULL;
	*sch = NULL;
	if (schema == NULL || !d->has_schemas)
		return;
	if (d->schema_is_catalog)
		*cat = schema;
	else
		*sch = schema;
}

/* d_schema_col: the result column naming the schema (MariaDB puts the database in
 * TABLE_CAT, column 1; others in TABLE_SCHEM, column 2). */
static SQLUSMALLINT
d_schema_col(const struct rpl_conn *c)
{
	return c->dialect->schema_is_catalog ? 1 : 2;
}

/* column_classify: a column's transport class from its type, with the fixes
 * for what drivers report (catalog_columns) */
static int
column_classify(struct rpl_conn *c, struct rpl_column *col, const char *name, struct rpl_err *err)
{
	SQLSMALLINT dtype = col->sql_type;   /* as the driver reported it */
	bool known = rpl_class_of(col->sql_type, col->type_name, &col->cls, &col->int_bytes);
	if (col->cls == RPL_CLASS_DECIMAL && col->sql_type == SQL_BIGINT) {   /* BIGINT UNSIGNED */
		col->sql_type = SQL_DECIMAL;
		col->size = 20;
		col->scale = 0;
	}
	if (c->engine == RPL_ENGINE_SQLITE) {
		sqlite_fix_decimal(col);
		if (known)
			sqlite_fix_affinity(col);
		known = known || col->cls == RPL_CLASS_DECIMAL;
	}
	if (!known) {
		int r = rpl_err_set(err, RPL_EINVAL, "%s: column %s has type %s (ODBC type %d), which replicad cannot copy exactly",
		                    c->side, col->name, col->type_name, dtype);
		rpl_err_where(err, name, col->name, -1);
		return r;
	}
	if (col->cls != RPL_CLASS_DECIMAL && (col->cls == RPL_CLASS_TEXT || col->cls == RPL_CLASS_BINARY) &&
	    (col->size == 0 || col->size > CATALOG_LONG_CHARS || dtype == SQL_LONGVARCHAR ||
	     dtype == SQL_WLONGVARCHAR || dtype == SQL_LONGVARBINARY))
		col->is_long = true;
	/* sqliteodbc reports timestamps with scale 0 although SQLite stores text:
	 * keep whatever fraction is there. */
	if (c->engine == RPL_ENGINE_SQLITE && col->cls == RPL_CLASS_TIMESTAMP)
		col->scale = 9;
	return 0;
}

/* column_read: the fetched SQLColumns row into col (catalog_columns) */
static int
column_read(struct rpl_conn *c, SQLHSTMT st, const char *name, struct rpl_column *col, struct rpl_err *err)
{
	char colname[128] = "", tname[64] = "";
	SQLSMALLINT dtype = 0, digits = 0, nullable = SQL_NULLABLE_UNKNOWN;
	SQLINTEGER size = 0;
	SQLLEN ind[5];
	SQLGetData(st, 4, SQL_C_CHAR, colname, sizeof colname, &ind[0]);
	SQLGetData(st, 5, SQL_C_SSHORT, &dtype, 0, &ind[1]);
	SQLGetData(st, 6, SQL_C_CHAR, tname, sizeof tname, &ind[2]);
	if (!SQL_SUCCEEDED(SQLGetData(st, 7, SQL_C_SLONG, &size, 0, &ind[3])) || ind[3] == SQL_NULL_DATA)
		size = 0;
	if (!SQL_SUCCEEDED(SQLGetData(st, 9, SQL_C_SSHORT, &digits, 0, &ind[4])) || ind[4] == SQL_NULL_DATA)
		digits = 0;
	SQLGetData(st, 11, SQL_C_SSHORT, &nullable, 0, NULL);
	char def[16];
	SQLLEN def_ind = SQL_NULL_DATA;
	if (!SQL_SUCCEEDED(SQLGetData(st, 13, SQL_C_CHAR, def, sizeof def, &def_ind)))
		def_ind = SQL_NULL_DATA;
	memset(col, 0, sizeof *col);
	snprintf(col->name, sizeof col->name, "%s", colname);
	snprintf(col->type_name, sizeof col->type_name, "%s", tname);
	col->sql_type = dtype;
	col->size = size > 0 ? size : 0;
	col->scale = digits;
	col->nullable = nullable != SQL_NO_NULLS;
	/* sqliteodbc gives every column a COLUMN_DEF ("NULL" when it has none), and
	 * MariaDB's "NULL" for DEFAULT NULL: neither gives a NOT NULL column a value */
	col->has_default = def_ind != SQL_NULL_DATA && def[0] != '\0' && strcasecmp(def, "NULL") != 0;
	return column_classify(c, col, name, err);
}

/* column_wanted: is the fetched SQLColumns row a column of the table asked for?
 * sch is the schema given to SQLColumns as its pattern argument, or NULL. */
static bool
column_wanted(struct rpl_conn *c, SQLHSTMT st, const char *name, const char *sch, size_t ncols,
              char *first_schema, size_t fsn)
{
	/* names are search patterns in SQLColumns ('_' matches any char): keep only
	 * the exact table in the exact schema (schema "s_a" matches "s0a", which may
	 * sort first), and only the first schema seen when none was given */
	char tabname[256] = "", schname[256] = "";
	SQLLEN tind, sind;
	SQLGetData(st, 3, SQL_C_CHAR, tabname, sizeof tabname, &tind);
	if (!SQL_SUCCEEDED(SQLGetData(st, d_schema_col(c), SQL_C_CHAR, schname, sizeof schname, &sind)) ||
	    sind == SQL_NULL_DATA)
		schname[0] = '\0';
	if (strcmp(tabname, name) != 0 || (sch != NULL && strcmp(schname, sch) != 0))
		return false;
	if (first_schema[0] == '\0' && ncols == 0)
		snprintf(first_schema, fsn, "%s", schname);
	else if (strcmp(first_schema, schname) != 0)
		return false;
	return true;
}

static int
catalog_columns(struct rpl_conn *c, const char *cat, const char *sch, const char *name,
                struct rpl_table *t, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLRETURN rc = SQLColumns(st, (SQLCHAR *)cat, cat ? SQL_NTS : 0, (SQLCHAR *)sch, sch ? SQL_NTS : 0,
	                          (SQLCHAR *)name, SQL_NTS, NULL, 0);
	if (!SQL_SUCCEEDED(rc)) {
		r = rpl_conn_fail(c, st, err, "SQLColumns");
		goto out;
	}
	size_t cap = 0;
	char first_schema[256] = "";
	for (;;) {
		rc = SQLFetch(st);
		if (rc == SQL_NO_DATA)
			break;
		if (!SQL_SUCCEEDED(rc)) {
			r = rpl_conn_fail(c, st, err, "SQLColumns fetch");
			goto out;
		}
		if (!column_wanted(c, st, name, sch, t->ncols, first_schema, sizeof first_schema))
			continue;
		if (t->ncols == cap) {
			cap = cap ? cap * 2 : 32;
			struct rpl_column *n = realloc(t->cols, cap * sizeof *n);
			if (n == NULL) {
				r = rpl_err_set(err, RPL_ENOMEM, "catalog: out of memory");
				goto out;
			}
			t->cols = n;
		}
		r = column_read(c, st, name, &t->cols[t->ncols++], err);
		if (r < 0)
			goto out;
	}
out:
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

static int
catalog_pkey(struct rpl_conn *c, const char *cat, const char *sch, const char *name,
             struct rpl_table *t, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLRETURN rc = SQLPrimaryKeys(st, (SQLCHAR *)cat, cat ? SQL_NTS : 0, (SQLCHAR *)sch,
	                              sch ? SQL_NTS : 0, (SQLCHAR *)name, SQL_NTS);
	if (!SQL_SUCCEEDED(rc)) {
		r = rpl_conn_fail(c, st, err, "SQLPrimaryKeys");
		goto out;
	}
	while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
		char colname[128] = "";
		SQLSMALLINT seq = 0;
		if (!SQL_SUCCEEDED(rc)) {
			r = rpl_conn_fail(c, st, err, "SQLPrimaryKeys fetch");
			goto out;
		}
		SQLGetData(st, 4, SQL_C_CHAR, colname, sizeof colname, NULL);
		SQLGetData(st, 5, SQL_C_SSHORT, &seq, 0, NULL);
		for (size_t i = 0; i < t->ncols; i++)
			if (strcmp(t->cols[i].name, colname) == 0 && t->cols[i].pk_pos == 0) {
				t->cols[i].pk_pos = seq;
				t->npk++;
			}
	}
out:
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

/* catalog_fix runs sql (parameters: the schema, NULL for the connection's own, and
 * the table name; result: a column name and an integer) and hands each row to fix:
 * what a driver's SQLColumns gets wrong, read from the server's own catalog. */
static int
catalog_fix(struct rpl_conn *c, const char *sql, const char *schema, const char *name, struct rpl_table *t,
            void (*fix)(struct rpl_column *col, long v), struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	SQLLEN sch_ind = schema ? SQL_NTS : SQL_NULL_DATA, name_ind = SQL_NTS;
	SQLRETURN rc = SQLPrepare(st, (SQLCHAR *)sql, SQL_NTS);
	if (SQL_SUCCEEDED(rc))
		rc = SQLBindParameter(st, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 128, 0,
		                      (SQLPOINTER)(schema ? schema : ""), 0, &sch_ind);
	if (SQL_SUCCEEDED(rc))
		rc = SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 128, 0,
		                      (SQLPOINTER)name, 0, &name_ind);
	if (SQL_SUCCEEDED(rc))
		rc = SQLExecute(st);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char col[128] = "";
		SQLINTEGER v = 0;
		SQLLEN vind = 0;
		if (!SQL_SUCCEEDED(rc))
			break;
		SQLGetData(st, 1, SQL_C_CHAR, col, sizeof col, NULL);
		if (!SQL_SUCCEEDED(SQLGetData(st, 2, SQL_C_SLONG, &v, 0, &vind)) || vind == SQL_NULL_DATA)
			v = 0;
		for (size_t i = 0; i < t->ncols; i++)
			if (strcmp(t->cols[i].name, col) == 0)
				fix(&t->cols[i], (long)v);
	}
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "information_schema.columns");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

static bool
any_of(const struct rpl_table *t, enum rpl_class cls)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (t->cols[i].cls == cls)
			return true;
	return false;
}

/* Connector/ODBC 3.1 reports DATETIME(6) with size 19 and no digits, which would
 * make every fraction look like it does not fit; the fractional precision is in
 * information_schema. */
static void
fix_fraction(struct rpl_column *col, long prec)
{
	if (col->cls == RPL_CLASS_TIMESTAMP || col->cls == RPL_CLASS_TIME)
		col->scale = (int)prec;
}

/* psqlODBC reports a numeric declared without precision as NUMERIC(28,6), so values
 * with more digits looked as if they did not fit (rejected, or longer than their
 * buffer) and a created target got numeric(28,6); information_schema says it has no
 * precision at all: unbounded, as PostgreSQL holds it. */
static void
fix_unbounded_numeric(struct rpl_column *col, long unused)
{
	(void)unused;
	if (col->cls == RPL_CLASS_DECIMAL)
		col->size = 0, col->scale = 0;
}

/* Connector/ODBC's SQLPrimaryKeys gives each key column's place in the table as its
 * KEY_SEQ, not its place in the key: PRIMARY KEY (k) on (a, k) read as k second of
 * one (a created table got PRIMARY KEY ("?"), verify found no key), PRIMARY KEY (b, a)
 * as (a, b). The server's own catalog says. */
static void
fix_key_seq(struct rpl_column *col, long seq)
{
	if (col->pk_pos > 0)
		col->pk_pos = (int)seq;
}

/* A MariaDB text column in latin1 or any other non-UTF-8 set: LOAD DATA may take its
 * rows as bytes only when every column is UTF-8 (rpl_sqlgen_load_data). */
static void
fix_non_utf8(struct rpl_column *col, long unused)
{
	(void)unused;
	col->non_utf8 = true;
}

/* Columns an INSERT may leave out although SQLColumns gives them no COLUMN_DEF:
 * identity, AUTO_INCREMENT and generated columns (colmap.h). */
static void
fix_has_default(struct rpl_column *col, long unused)
{
	(void)unused;
	col->has_default = true;
}

/* sqlite_rowid: a lone INTEGER PRIMARY KEY is SQLite's rowid, given a value when an
 * INSERT leaves it out. */
static void
sqlite_rowid(struct rpl_table *t)
{
	for (size_t i = 0; t->npk == 1 && i < t->ncols; i++)
		if (t->cols[i].pk_pos == 1 && strcasecmp(t->cols[i].type_name, "integer") == 0)
			t->cols[i].has_default = true;
}

int
rpl_catalog_read(struct rpl_conn *c, const char *schema, const char *name,
                 struct rpl_table *t, bool *exists, struct rpl_err *err)
{
	const char *cat, *sch;
	memset(t, 0, sizeof *t);
	*exists = false;
	catalog_where(c->dialect, schema, &cat, &sch);
	t->schema = schema != NULL ? strdup(schema) : NULL;
	t->name = strdup(name);
	int r = 0;
	if (t->name == NULL || (schema != NULL && t->schema == NULL))
		r = rpl_err_set(err, RPL_ENOMEM, "catalog: out of memory");
	if (r == 0)
		r = catalog_columns(c, cat, sch, name, t, err);
	if (r == 0 && t->ncols > 0)
		r = catalog_pkey(c, cat, sch, name, t, err);
	if (r == 0 && c->engine == RPL_ENGINE_MARIADB && t->npk > 0)
		r = catalog_fix(c, "SELECT COLUMN_NAME, SEQ_IN_INDEX FROM information_schema.STATISTICS"
		                   " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'",
		                schema, name, t, fix_key_seq, err);
	/* a TIME's digits too: a table of TIME columns without a DATETIME read them as 0 */
	if (r == 0 && c->engine == RPL_ENGINE_MARIADB && (any_of(t, RPL_CLASS_TIMESTAMP) || any_of(t, RPL_CLASS_TIME)))
		r = catalog_fix(c, "SELECT COLUMN_NAME, DATETIME_PRECISION FROM information_schema.COLUMNS"
		                   " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
		                   " AND DATETIME_PRECISION IS NOT NULL",
		                schema, name, t, fix_fraction, err);
	if (r == 0 && c->engine == RPL_ENGINE_MARIADB && any_of(t, RPL_CLASS_TEXT))
		r = catalog_fix(c, "SELECT COLUMN_NAME, 1 FROM information_schema.COLUMNS"
		                   " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
		                   " AND CHARACTER_SET_NAME NOT IN ('utf8mb4', 'utf8mb3', 'utf8', 'binary')",
		                schema, name, t, fix_non_utf8, err);
	if (r == 0 && c->engine == RPL_ENGINE_MARIADB && t->ncols > 0)
		r = catalog_fix(c, "SELECT COLUMN_NAME, 1 FROM information_schema.COLUMNS"
		                   " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?"
		                   " AND (EXTRA LIKE '%auto_increment%' OR EXTRA LIKE '%GENERATED%')",
		                schema, name, t, fix_has_default, err);
	if (r == 0 && c->engine == RPL_ENGINE_POSTGRES && t->ncols > 0)
		r = catalog_fix(c, "SELECT column_name::text, 1 FROM information_schema.columns"
		                   " WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ?"
		                   " AND (is_identity = 'YES' OR is_generated = 'ALWAYS')",
		                schema, name, t, fix_has_default, err);
	if (r == 0 && c->engine == RPL_ENGINE_SQLITE)
		sqlite_rowid(t);
	if (r == 0 && c->engine == RPL_ENGINE_POSTGRES && any_of(t, RPL_CLASS_DECIMAL))
		r = catalog_fix(c, "SELECT column_name::text, 0 FROM information_schema.columns"
		                   " WHERE table_schema = COALESCE(?, current_schema()) AND table_name = ?"
		                   " AND data_type = 'numeric' AND numeric_precision IS NULL",
		                schema, name, t, fix_unbounded_numeric, err);
	if (r == 0 && t->ncols > 0)
		r = rpl_coltypes_read(c, schema, name, t, err);
	if (r < 0) {
		rpl_err_where(err, name, NULL, -1);
		rpl_table_fini(t);
		return r;
	}
	*exists = t->ncols > 0;
	if (!*exists)
		rpl_table_fini(t);
	return 0;
}

void
rpl_table_fini(struct rpl_table *t)
{
	free(t->schema);
	free(t->name);
	free(t->cols);
	memset(t, 0, sizeof *t);
}

int
rpl_table_copy(struct rpl_table *out, const struct rpl_table *in, struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	out->ncols = in->ncols;
	out->npk = in->npk;
	out->schema = in->schema != NULL ? strdup(in->schema) : NULL;
	out->name = in->name != NULL ? strdup(in->name) : NULL;
	out->cols = in->ncols > 0 ? malloc(in->ncols * sizeof *in->cols) : NULL;
	if ((in->schema != NULL && out->schema == NULL) || (in->name != NULL && out->name == NULL) ||
	    (in->ncols > 0 && out->cols == NULL)) {
		rpl_table_fini(out);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	}
	if (in->ncols > 0)
		memcpy(out->cols, in->cols, in->ncols * sizeof *in->cols);
	return 0;
}

const struct rpl_column *
rpl_table_find(const struct rpl_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)   /* PostgreSQL may hold "D" beside d */
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	for (size_t i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}
