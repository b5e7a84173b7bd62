/* lib/core/tablefacts.c: the engine cases of preparing a table copy (tablefacts.h). */
#include "tablefacts.h"
#include "catalog.h"
#include "coltypes.h"
#include "odbc_conn.h"
#include "numextent.h"
#include "pg_inherit.h"

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

bool
rpl_table_untyped(const struct rpl_conn *src)
{
	return src->engine == RPL_ENGINE_SQLITE;
}
