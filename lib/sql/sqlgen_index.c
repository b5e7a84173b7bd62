/* lib/sql/sqlgen_index.c: the statements about a target table rather than its
 * rows (see sqlgen.h): listing, disabling and rebuilding its indexes, and SQL
 * Server's column catalog and identity switches. */
#include "sqlgen.h"
#include "sbuf.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* object_id_arg appends N'[schema].[table]': the quoted name, as a literal. */
static void
object_id_arg(const struct rpl_dialect *d, const char *schema, const char *table, struct rpl_sbuf *out)
{
	struct rpl_sbuf q = RPL_SBUF_INIT;
	rpl_dialect_table(d, schema, table, &q);
	if (!rpl_sbuf_ok(&q))
		out->failed = true;
	rpl_dialect_lit(d, rpl_sbuf_str(&q), out);
	rpl_sbuf_fini(&q);
}

void
rpl_sqlgen_index_list(const struct rpl_dialect *d, const char *schema, const char *table, struct rpl_sbuf *out)
{
	rpl_sqlgen_index_list_keep(d, schema, table, NULL, out);
}

/* schema_or: the schema as a literal, or the engine's current one */
static void
schema_or(const struct rpl_dialect *d, const char *schema, const char *current, struct rpl_sbuf *out)
{
	if (schema != NULL)
		rpl_dialect_lit(d, schema, out);
	else
		rpl_sbuf_add(out, current);
}

void
rpl_sqlgen_index_list_keep(const struct rpl_dialect *d, const char *schema, const char *table, const char *keep,
                           struct rpl_sbuf *out)
{
	switch (d->engine) {
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_add(out, "SELECT i.name, i.type_desc FROM sys.indexes AS i WHERE i.object_id = OBJECT_ID(");
		object_id_arg(d, schema, table, out);
		rpl_sbuf_add(out, ") AND i.type = 2 AND i.is_primary_key = 0 AND i.is_unique_constraint = 0"
		             " AND i.is_unique = 0 AND i.is_disabled = 0 AND i.is_hypothetical = 0");
		if (keep != NULL) {
			rpl_sbuf_add(out, " AND NOT EXISTS (SELECT 1 FROM sys.index_columns AS ic JOIN sys.columns AS c"
			             " ON c.object_id = ic.object_id AND c.column_id = ic.column_id WHERE ic.object_id = i.object_id"
			             " AND ic.index_id = i.index_id AND ic.key_ordinal = 1 AND c.name = ");
			rpl_dialect_lit(d, keep, out);
			rpl_sbuf_addc(out, ')');
		}
		rpl_sbuf_add(out, " ORDER BY i.name");
		return;
	case RPL_ENGINE_POSTGRES:
		rpl_sbuf_add(out, "SELECT i.relname, pg_get_indexdef(i.oid), n.nspname FROM pg_index x"
		             " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
		             " JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.relname = ");
		rpl_dialect_lit(d, table, out);
		rpl_sbuf_add(out, " AND n.nspname = ");
		schema_or(d, schema, "current_schema()", out);
		rpl_sbuf_add(out, " AND NOT x.indisprimary AND NOT x.indisunique"
		             " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)");
		if (keep != NULL) {   /* indkey[0]: the first column (0 for an expression) */
			rpl_sbuf_add(out, " AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid"
			             " AND a.attnum = x.indkey[0] AND a.attname = ");
			rpl_dialect_lit(d, keep, out);
			rpl_sbuf_addc(out, ')');
		}
		rpl_sbuf_add(out, " ORDER BY 1");
		return;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_add(out, "SELECT INDEX_NAME, COLUMN_NAME, SUB_PART FROM information_schema.STATISTICS"
		             " WHERE TABLE_SCHEMA = ");
		schema_or(d, schema, "DATABASE()", out);
		rpl_sbuf_add(out, " AND TABLE_NAME = ");
		rpl_dialect_lit(d, table, out);
		/* InnoDB refuses to drop an index a foreign key needs, on either side ("needed
		 * in a foreign key constraint"): an index holding a column of one is kept */
		rpl_sbuf_add(out, " AND NON_UNIQUE = 1 AND INDEX_TYPE = 'BTREE' AND INDEX_NAME NOT IN ("
		                  "SELECT f.INDEX_NAME FROM information_schema.STATISTICS f"
		                  " JOIN information_schema.KEY_COLUMN_USAGE k ON k.REFERENCED_TABLE_NAME IS NOT NULL AND"
		                  " ((k.TABLE_SCHEMA = f.TABLE_SCHEMA AND k.TABLE_NAME = f.TABLE_NAME AND k.COLUMN_NAME = f.COLUMN_NAME) OR"
		                  " (k.REFERENCED_TABLE_SCHEMA = f.TABLE_SCHEMA AND k.REFERENCED_TABLE_NAME = f.TABLE_NAME AND"
		                  " k.REFERENCED_COLUMN_NAME = f.COLUMN_NAME))"
		                  " WHERE f.TABLE_SCHEMA = ");
		schema_or(d, schema, "DATABASE()", out);
		rpl_sbuf_add(out, " AND f.TABLE_NAME = ");
		rpl_dialect_lit(d, table, out);
		rpl_sbuf_addc(out, ')');
		if (keep != NULL) {
			rpl_sbuf_add(out, " AND INDEX_NAME NOT IN (SELECT s.INDEX_NAME FROM information_schema.STATISTICS AS s"
			             " WHERE s.TABLE_SCHEMA = ");
			schema_or(d, schema, "DATABASE()", out);
			rpl_sbuf_add(out, " AND s.TABLE_NAME = ");
			rpl_dialect_lit(d, table, out);
			rpl_sbuf_add(out, " AND s.SEQ_IN_INDEX = 1 AND s.COLUMN_NAME = ");
			rpl_dialect_lit(d, keep, out);
			rpl_sbuf_addc(out, ')');
		}
		rpl_sbuf_add(out, " ORDER BY INDEX_NAME, SEQ_IN_INDEX");
		return;
	case RPL_ENGINE_SQLITE:
		rpl_sbuf_add(out, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
		             " AND upper(sql) NOT LIKE 'CREATE UNIQUE%' AND tbl_name = ");
		rpl_dialect_lit(d, table, out);
		if (keep != NULL) {
			rpl_sbuf_add(out, " AND NOT EXISTS (SELECT 1 FROM pragma_index_info(sqlite_master.name) AS p"
			             " WHERE p.seqno = 0 AND p.name = ");
			rpl_dialect_lit(d, keep, out);
			rpl_sbuf_add(out, " COLLATE NOCASE)");
		}
		rpl_sbuf_add(out, " ORDER BY 1");
		return;
	case RPL_ENGINE_UNKNOWN:
		return;
	}
}

void
rpl_sqlgen_index_disable(const struct rpl_dialect *d, const char *schema, const char *table, const char *index,
                         struct rpl_sbuf *out)
{
	switch (d->engine) {
	case RPL_ENGINE_MSSQL:
		rpl_sbuf_add(out, "ALTER INDEX ");
		rpl_dialect_ident(d, index, out);
		rpl_sbuf_add(out, " ON ");
		rpl_dialect_table(d, schema, table, out);
		rpl_sbuf_add(out, " DISABLE");
		return;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_add(out, "ALTER TABLE ");
		rpl_dialect_table(d, schema, table, out);
		rpl_sbuf_add(out, " DROP INDEX IF EXISTS ");
		rpl_dialect_ident(d, index, out);
		return;
	case RPL_ENGINE_POSTGRES:     /* an index lives in its table's schema */
		rpl_sbuf_add(out, "DROP INDEX IF EXISTS ");
		rpl_dialect_table(d, schema, index, out);
		return;
	default:
		rpl_sbuf_add(out, "DROP INDEX IF EXISTS ");
		rpl_dialect_ident(d, index, out);
		return;
	}
}

bool
rpl_sqlgen_index_rebuild(const struct rpl_dialect *d, const char *schema, const char *table, const char *index,
                         struct rpl_sbuf *out)
{
	if (d->engine != RPL_ENGINE_MSSQL)
		return false;
	/* REBUILD enables a disabled index; on an enabled one (a restore run again after
	 * a crash) it only rebuilds it once more */
	rpl_sbuf_add(out, "ALTER INDEX ");
	rpl_dialect_ident(d, index, out);
	rpl_sbuf_add(out, " ON ");
	rpl_dialect_table(d, schema, table, out);
	rpl_sbuf_add(out, " REBUILD");
	return true;
}

void
rpl_sqlgen_mssql_columns(const char *schema, const char *table, struct rpl_sbuf *out)
{
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_MSSQL);
	rpl_sbuf_add(out, "SELECT c.column_id, c.name, TYPE_NAME(c.system_type_id) AS base_type,"
	             " t.name AS declared_type, c.max_length, c.precision, c.scale, c.is_nullable,"
	             " c.is_identity, c.is_computed FROM sys.columns AS c"
	             " JOIN sys.types AS t ON t.user_type_id = c.user_type_id WHERE c.object_id = OBJECT_ID(");
	object_id_arg(d, schema, table, out);
	rpl_sbuf_add(out, ") ORDER BY c.column_id");
}

bool
rpl_sqlgen_identity_insert(const struct rpl_dialect *d, const char *schema, const char *table, bool on,
                           struct rpl_sbuf *out)
{
	if (d->engine != RPL_ENGINE_MSSQL)
		return false;
	rpl_sbuf_add(out, "SET IDENTITY_INSERT ");
	rpl_dialect_table(d, schema, table, out);
	rpl_sbuf_add(out, on ? " ON" : " OFF");
	return true;
}

const struct rpl_column *
rpl_sqlgen_identity_column(const struct rpl_table *t)
{
	for (size_t i = 0; i < t->ncols; i++) {
		char lower[sizeof t->cols[i].type_name];
		size_t k = 0;
		for (; t->cols[i].type_name[k] != '\0' && k + 1 < sizeof lower; k++)
			lower[k] = (char)tolower((unsigned char)t->cols[i].type_name[k]);
		lower[k] = '\0';
		if (strstr(lower, " identity") != NULL)
			return &t->cols[i];
	}
	return NULL;
}
