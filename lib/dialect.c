/* lib/dialect.c: the shared text builders over the per-engine tables. The tables
 * themselves live in dialect_<engine>.c. */
#include "dialect.h"
#include "catalog.h"
#include "sbuf.h"
#include <string.h>

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
