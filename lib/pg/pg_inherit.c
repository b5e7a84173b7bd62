/* lib/pg/pg_inherit.c: inheritance and partitioning from PostgreSQL's catalog (see
 * pg_inherit.h). Names reach the server as a quoted regclass literal built by the
 * dialect (to_regclass('"s"."t"')): identifiers, never SQL, and a missing table is
 * NULL rather than an error. */
#include "pg_inherit.h"
#include "dialect.h"
#include "sbuf.h"

/* add_regclass appends to_regclass('"schema"."table"') */
static void
add_regclass(const struct rpl_dialect *d, const char *schema, const char *table, struct rpl_sbuf *out)
{
	struct rpl_sbuf name = RPL_SBUF_INIT;
	rpl_dialect_table(d, schema, table, &name);
	rpl_sbuf_add(out, "to_regclass(");
	rpl_dialect_lit(d, rpl_sbuf_ok(&name) ? rpl_sbuf_str(&name) : "", out);
	rpl_sbuf_addc(out, ')');
	if (!rpl_sbuf_ok(&name))
		out->failed = true;
	rpl_sbuf_fini(&name);
}

/* query_flag runs sql (taken) and sets *flag when its first value is non-zero. */
static int
query_flag(struct rpl_conn *c, struct rpl_sbuf *sql, bool *flag, struct rpl_err *err)
{
	int64_t v = 0;
	bool found = false;
	int r = rpl_sbuf_ok(sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(sql), &v, &found, err)
	                         : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(sql);
	*flag = r == 0 && found && v != 0;
	return r;
}

int
rpl_pginherit_partitioned(struct rpl_conn *c, const char *schema, const char *table, bool *partitioned,
                          struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT count(*) FROM pg_catalog.pg_class WHERE relkind = 'p' AND oid = ");
	add_regclass(c->dialect, schema, table, &sql);
	return query_flag(c, &sql, partitioned, err);
}

int
rpl_pginherit_is_child(struct rpl_conn *c, const char *schema, const char *table, bool *child, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT count(*) FROM pg_catalog.pg_inherits WHERE inhrelid = ");
	add_regclass(c->dialect, schema, table, &sql);
	return query_flag(c, &sql, child, err);
}

int
rpl_pginherit_descends(struct rpl_conn *c, const char *child_schema, const char *child,
                       const char *parent_schema, const char *parent, bool *descends, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "WITH RECURSIVE up(oid) AS (SELECT inhparent FROM pg_catalog.pg_inherits WHERE inhrelid = ");
	add_regclass(c->dialect, child_schema, child, &sql);
	rpl_sbuf_add(&sql, " UNION SELECT i.inhparent FROM pg_catalog.pg_inherits i JOIN up ON i.inhrelid = up.oid)"
	                   " SELECT count(*) FROM up WHERE oid = ");
	add_regclass(c->dialect, parent_schema, parent, &sql);
	return query_flag(c, &sql, descends, err);
}
