/* lib/sql/dialect.c: the shared text builders over the per-engine tables. The tables
 * themselves live in dialect_engines.c. */
#include "dialect.h"
#include "catalog.h"
#include "sbuf.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

extern const struct rpl_dialect rpl_dialect_sqlite, rpl_dialect_postgres,
	rpl_dialect_mariadb, rpl_dialect_mssql, rpl_dialect_ansi;

const struct rpl_dialect *
rpl_dialect_for(enum rpl_engine e)
{
	switch (e) {
	case RPL_ENGINE_SQLITE: return &rpl_dialect_sqlite;
	case RPL_ENGINE_POSTGRES: return &rpl_dialect_postgres;
	case RPL_ENGINE_MARIADB: return &rpl_dialect_mariadb;
	case RPL_ENGINE_MSSQL: return &rpl_dialect_mssql;
	case RPL_ENGINE_UNKNOWN: break;
	}
	return &rpl_dialect_ansi;
}

void
rpl_dialect_ident(const struct rpl_dialect *d, const char *name, struct rpl_sbuf *out)
{
	rpl_sbuf_addc(out, d->quote_open);
	for (const char *p = name; *p != '\0'; p++) {
		rpl_sbuf_addc(out, *p);
		if (*p == d->quote_close)
			rpl_sbuf_addc(out, *p);     /* "a""b", `a``b`, [a]]b] */
	}
	rpl_sbuf_addc(out, d->quote_close);
}

void
rpl_dialect_table(const struct rpl_dialect *d, const char *schema, const char *table,
                  struct rpl_sbuf *out)
{
	if (schema != NULL && schema[0] != '\0') {
		rpl_dialect_ident(d, schema, out);
		rpl_sbuf_addc(out, '.');
	}
	rpl_dialect_ident(d, table, out);
}

void
rpl_dialect_date(const struct rpl_dialect *d, int y, int m, int day, struct rpl_sbuf *out)
{
	/* SQL Server reads 'YYYY-MM-DD' as YDM for DATETIME under some SET LANGUAGE
	 * settings; 'YYYYMMDD' is read the same way under all of them. */
	if (d->engine == RPL_ENGINE_MSSQL)
		rpl_sbuf_addf(out, "'%04d%02d%02d'", y, m, day);
	else
		rpl_sbuf_addf(out, "'%04d-%02d-%02d'", y, m, day);
}

bool
rpl_dialect_retryable(const struct rpl_dialect *d, const char *sqlstate, int native)
{
	/* class 08 (connection lost), serialization failure and timeouts, everywhere */
	if (strncmp(sqlstate, "08", 2) == 0 || strcmp(sqlstate, "40001") == 0 ||
	    strcmp(sqlstate, "HYT00") == 0)
		return true;
	for (const char *const *s = d->retry_sqlstates; s != NULL && *s != NULL; s++)
		if (strcmp(*s, sqlstate) == 0)
			return true;
	for (const int *n = d->retry_natives; n != NULL && *n != 0; n++)
		if (*n == native)
			return true;
	return false;
}

void
rpl_dialect_lit(const struct rpl_dialect *d, const char *s, struct rpl_sbuf *out)
{
	if (d->engine == RPL_ENGINE_MSSQL)
		rpl_sbuf_addc(out, 'N');
	rpl_sbuf_addc(out, '\'');
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '\'' || (*p == '\\' && d->engine == RPL_ENGINE_MARIADB))
			rpl_sbuf_addc(out, *p);
		rpl_sbuf_addc(out, *p);
	}
	rpl_sbuf_addc(out, '\'');
}

/* mssql_keep_type: the SQL Server source type a SQL Server replica keeps as it is;
 * false when the cross-engine mapping already gives the same type. */
static bool
mssql_keep_type(const struct rpl_column *c, struct rpl_sbuf *o)
{
	char t[64];
	/* SQLColumns names an identity column "int identity": the replica's column is a
	 * plain one, its values are copied */
	snprintf(t, sizeof t, "%s", c->type_name);
	char *id = strstr(t, " identity");
	if (id != NULL)
		*id = '\0';
	bool max = c->is_long || c->size <= 0;
	enum rpl_class k = c->cls;
	if (k == RPL_CLASS_INT && strcasecmp(t, "tinyint") == 0)
		rpl_sbuf_add(o, "TINYINT");               /* unsigned 0..255 on both sides */
	else if (k == RPL_CLASS_TIMESTAMP && strcasecmp(t, "datetime") == 0)
		rpl_sbuf_add(o, "DATETIME");              /* not DATETIME2(3): same range, same 1/300 s */
	else if (k == RPL_CLASS_TIMESTAMP && strcasecmp(t, "smalldatetime") == 0)
		rpl_sbuf_add(o, "SMALLDATETIME");
	else if (k == RPL_CLASS_DECIMAL && strcasecmp(t, "money") == 0)
		rpl_sbuf_add(o, "MONEY");
	else if (k == RPL_CLASS_DECIMAL && strcasecmp(t, "smallmoney") == 0)
		rpl_sbuf_add(o, "SMALLMONEY");
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "varchar") == 0 && (max || c->size > 8000))
		rpl_sbuf_add(o, "VARCHAR(MAX)");          /* one code page: docs/sqlserver.md "Collations" */
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "varchar") == 0)
		rpl_sbuf_addf(o, "VARCHAR(%ld)", c->size);
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "char") == 0 && !max)
		rpl_sbuf_addf(o, "CHAR(%ld)", c->size);
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "nchar") == 0 && !max)
		rpl_sbuf_addf(o, "NCHAR(%ld)", c->size);
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "text") == 0)
		rpl_sbuf_add(o, "VARCHAR(MAX)");          /* TEXT, NTEXT and IMAGE are deprecated */
	else if (k == RPL_CLASS_TEXT && strcasecmp(t, "ntext") == 0)
		rpl_sbuf_add(o, "NVARCHAR(MAX)");
	else if (k == RPL_CLASS_BINARY && strcasecmp(t, "binary") == 0 && !max)
		rpl_sbuf_addf(o, "BINARY(%ld)", c->size);
	else if (k == RPL_CLASS_BINARY && strcasecmp(t, "image") == 0)
		rpl_sbuf_add(o, "VARBINARY(MAX)");
	else if (k == RPL_CLASS_BINARY && (strcasecmp(t, "timestamp") == 0 || strcasecmp(t, "rowversion") == 0))
		rpl_sbuf_add(o, "BINARY(8)");             /* a rowversion column cannot be inserted into */
	else
		return false;
	return true;
}

void
rpl_dialect_column_type(const struct rpl_dialect *d, enum rpl_engine src, const struct rpl_column *col,
                        struct rpl_sbuf *out)
{
	if (d->engine == RPL_ENGINE_MSSQL && src == RPL_ENGINE_MSSQL && mssql_keep_type(col, out))
		return;
	/* same engine: the source's own declaration (coltypes.h), so that an enum, an
	 * array, a TIMESTAMP, an UNSIGNED or a latin1 column stays what it was */
	if (src == d->engine && d->engine != RPL_ENGINE_MSSQL && col->decl[0] != '\0') {
		rpl_sbuf_add(out, col->decl);
		return;
	}
	/* a SQLite column declared without a type stays so: its affinity is BLOB (keeps
	 * every value as it is), where a type of our choosing would convert them */
	if (src == RPL_ENGINE_SQLITE && d->engine == RPL_ENGINE_SQLITE)
		return;
	/* MariaDB's TIME is a duration of -838:59:59.999999 .. 838:59:59.999999;
	 * PostgreSQL's time ends at 24:00:00, its interval holds them all */
	if (d->engine == RPL_ENGINE_POSTGRES && src == RPL_ENGINE_MARIADB && col->cls == RPL_CLASS_TIME) {
		rpl_sbuf_add(out, "interval");
		return;
	}
	/* SQL Server's REAL has no subnormals (1.18E-38 is its smallest): another
	 * engine's single-precision float needs FLOAT to keep 1.4e-45 */
	if (d->engine == RPL_ENGINE_MSSQL && src != RPL_ENGINE_MSSQL && col->cls == RPL_CLASS_DOUBLE) {
		rpl_sbuf_add(out, "FLOAT");
		return;
	}
	d->type_name(col, out);
}
