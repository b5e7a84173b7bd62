/* lib/typedecl.c: see typedecl.h. One query per table on the server's catalog, run
 * where the columns were read (rpl_catalog_read), so every message about a column
 * can name its type without asking again. */
#include "typedecl.h"
#include <stdio.h>
#include <string.h>

/* Result: column name, type text. Parameters: schema (NULL: the connection's own),
 * table. An enum or a domain is marked, since its name alone says nothing of what it
 * holds ("rating varchar(5) < mpaa_rating (enum)"). */
static const char pg_decl_sql[] =
	"SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)"
	" || CASE t.typtype WHEN 'e' THEN ' (enum)' WHEN 'd' THEN ' (domain)' ELSE '' END"
	" FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	" JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_type t ON t.oid = a.atttypid"
	" WHERE n.nspname = COALESCE(?, current_schema()) AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";
static const char my_decl_sql[] =
	"SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
	" WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";

/* decl_store keeps a type text whole, or cut with "…" where it is longer than the
 * field (a MariaDB ENUM lists every label). */
static void
decl_store(struct rpl_column *col, const char *text, SQLLEN len)
{
	size_t cap = sizeof col->decl;
	if (len >= 0 && (size_t)len < cap) {
		snprintf(col->decl, cap, "%s", text);
		return;
	}
	snprintf(col->decl, cap, "%.*s...", (int)(cap - 4), text);
}

int
rpl_typedecl_read(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                  struct rpl_err *err)
{
	const char *sql = c->engine == RPL_ENGINE_POSTGRES ? pg_decl_sql : c->engine == RPL_ENGINE_MARIADB ? my_decl_sql : NULL;
	if (sql == NULL || t->ncols == 0)
		return 0;
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
		rc = SQLBindParameter(st, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 128, 0, (SQLPOINTER)name, 0, &name_ind);
	if (SQL_SUCCEEDED(rc))
		rc = SQLExecute(st);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char colname[128] = "", text[1024] = "";
		SQLLEN tind = 0;
		if (!SQL_SUCCEEDED(rc))
			break;
		SQLGetData(st, 1, SQL_C_CHAR, colname, sizeof colname, NULL);
		if (!SQL_SUCCEEDED(SQLGetData(st, 2, SQL_C_CHAR, text, sizeof text, &tind)) || tind == SQL_NULL_DATA)
			continue;
		for (size_t i = 0; i < t->ncols; i++)
			if (strcmp(t->cols[i].name, colname) == 0)
				decl_store(&t->cols[i], text, tind == SQL_NO_TOTAL ? (SQLLEN)sizeof text : tind);
	}
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "reading the columns' declared types");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

void
rpl_typedecl_of(const struct rpl_column *col, char *out, size_t n)
{
	if (col->decl[0] != '\0')
		snprintf(out, n, "%s", col->decl);
	else if (col->size > 0 && strchr(col->type_name, '(') == NULL && col->cls == RPL_CLASS_DECIMAL)
		snprintf(out, n, "%s(%ld,%d)", col->type_name, col->size, col->scale);
	else if (col->size > 0 && strchr(col->type_name, '(') == NULL && !col->is_long &&
	         (col->cls == RPL_CLASS_TEXT || col->cls == RPL_CLASS_BINARY))
		snprintf(out, n, "%s(%ld)", col->type_name, col->size);
	else
		snprintf(out, n, "%s", col->type_name);
}
