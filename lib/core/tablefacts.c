/* lib/core/tablefacts.c: the engine cases of preparing a table copy (tablefacts.h). */
#include "tablefacts.h"
#include "catalog.h"
#include "coltypes.h"
#include "dialect.h"
#include "odbc_conn.h"
#include "numextent.h"
#include "pg_inherit.h"
#include "sbuf.h"
#include <stdlib.h>
#include <string.h>

int
rpl_table_only(struct rpl_conn *src, const char *schema, const char *table, bool only_parent, bool *only,
               bool *partitioned, struct rpl_err *err)
{
	*only = false;
	*partitioned = false;
	if (!only_parent || src->engine != RPL_ENGINE_POSTGRES)
		return 0;
	int r = rpl_pginherit_partitioned(src, schema, table, partitioned, err);
	*only = r == 0 && !*partitioned;
	return r;
}

int
rpl_table_measure(struct rpl_conn *src, const struct rpl_conn *dst, const char *schema, const char *table,
                  struct rpl_table *t, struct rpl_err *err)
{
	if (dst->engine != RPL_ENGINE_MARIADB)   /* the engine whose decimals are bounded */
		return 0;
	return rpl_numextent_pg_measure(src, schema, table, t, err);
}

int
rpl_table_create_types(struct rpl_conn *src, struct rpl_conn *dst, const char *schema, const char *table,
                       rpl_table_warn_fn warn, void *data, int *created, struct rpl_err *err)
{
	return rpl_coltypes_pg_create_types(src, dst, schema, table, warn, data, created, err);
}

int
rpl_table_plan_types(struct rpl_conn *src, struct rpl_conn *dst, bool connected, const char *schema,
                     const char *table, rpl_table_plan_fn plan, void *data, int *planned, struct rpl_err *err)
{
	return rpl_coltypes_pg_plan_types(src, dst, connected, schema, table, plan, data, planned, err);
}

bool
rpl_table_narrower(const struct rpl_conn *src, const struct rpl_conn *dst, const struct rpl_column *s,
                   const struct rpl_column *d)
{
	if (dst->engine == RPL_ENGINE_SQLITE)
		return false;   /* no declared length, precision or size binds SQLite (rules.c) */
	if (s->cls == RPL_CLASS_INT && d->cls == RPL_CLASS_INT)
		return d->int_bytes < s->int_bytes;
	if ((s->cls == RPL_CLASS_TEXT || s->cls == RPL_CLASS_BINARY) && d->cls == s->cls)
		return !d->is_long && d->size > 0 && (s->is_long || s->size > d->size);
	if (s->cls == RPL_CLASS_DECIMAL && d->cls == RPL_CLASS_DECIMAL)
		return d->size > 0 && (s->size == 0 || d->size - d->scale < s->size - s->scale || d->scale < s->scale);
	/* (SQLite keeps timestamps as text: its precision is whatever each value has) */
	if (s->cls == RPL_CLASS_TIMESTAMP && d->cls == RPL_CLASS_TIMESTAMP)
		return d->scale < s->scale && dst->engine != RPL_ENGINE_SQLITE && src->engine != RPL_ENGINE_SQLITE;
	return false;
}

/* server_at_least: is the server of c version major.minor or later? */
static bool
server_at_least(const struct rpl_conn *c, unsigned long major, unsigned long minor)
{
	char *end;
	unsigned long ma = strtoul(c->dbms_ver, &end, 10), mi = 0;
	if (end == c->dbms_ver)
		return false;
	if (*end == '.')
		mi = strtoul(end + 1, NULL, 10);
	return ma > major || (ma == major && mi >= minor);
}

const char *
rpl_table_collation(const struct rpl_conn *dst)
{
	if (dst->engine != RPL_ENGINE_MARIADB)
		return NULL;
	if (strncmp(dst->dbms_name, "MariaDB", 7) == 0 && server_at_least(dst, 10, 2))
		return "utf8mb4_nopad_bin";
	if (strncmp(dst->dbms_name, "MySQL", 5) == 0 && server_at_least(dst, 8, 0))
		return "utf8mb4_0900_bin";
	return "utf8mb4_bin";
}

bool
rpl_table_untyped(const struct rpl_conn *src)
{
	return src->engine == RPL_ENGINE_SQLITE;
}

int
rpl_table_row_bytes(struct rpl_conn *src, const char *schema, const char *table, int64_t *bytes,
                    struct rpl_err *err)
{
	*bytes = -1;
	const struct rpl_dialect *d = rpl_dialect_for(src->engine);
	struct rpl_sbuf sql = RPL_SBUF_INIT, name = RPL_SBUF_INIT;
	if (src->engine == RPL_ENGINE_POSTGRES) {
		/* reltuples is -1 (0 before PostgreSQL 14) until the table is analyzed */
		rpl_dialect_table(d, schema, table, &name);
		rpl_sbuf_add(&sql, "SELECT (pg_table_size(c.oid) / c.reltuples)::bigint FROM pg_catalog.pg_class c "
		                   "WHERE c.oid = to_regclass(");
		rpl_dialect_lit(d, name.s != NULL ? name.s : "", &sql);
		rpl_sbuf_add(&sql, ") AND c.reltuples >= 1");
	} else if (src->engine == RPL_ENGINE_MARIADB) {
		rpl_sbuf_add(&sql, "SELECT DATA_LENGTH DIV TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ");
		if (schema != NULL)
			rpl_dialect_lit(d, schema, &sql);
		else
			rpl_sbuf_add(&sql, "DATABASE()");
		rpl_sbuf_add(&sql, " AND TABLE_NAME = ");
		rpl_dialect_lit(d, table, &sql);
		rpl_sbuf_add(&sql, " AND TABLE_ROWS > 0");
	} else {
		return 0;
	}
	int r;
	bool found = false;
	if (!rpl_sbuf_ok(&sql) || !rpl_sbuf_ok(&name))
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
	else if ((r = rpl_conn_query_int64(src, sql.s, bytes, &found, err)) == 0 && (!found || *bytes < 0))
		*bytes = -1;
	rpl_sbuf_fini(&sql);
	rpl_sbuf_fini(&name);
	return r;
}
