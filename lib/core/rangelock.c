/* lib/core/rangelock.c: see rangelock.h. One information_schema query, through ODBC
 * like the other catalog queries (createidx.c, coltypes.c). */
#include "rangelock.h"
#include "dialect.h"
#include "sbuf.h"
#include <stdio.h>

int
rpl_rangelock_wide(struct rpl_conn *c, const char *schema, const char *table, const char *date_column, bool *wide,
                   struct rpl_err *err)
{
	*wide = false;
	if (c->engine != RPL_ENGINE_MARIADB || date_column == NULL)
		return 0;
	const struct rpl_dialect *d = c->dialect;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT count(*) FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA = ");
	if (schema != NULL)
		rpl_dialect_lit(d, schema, &sql);
	else
		rpl_sbuf_add(&sql, "DATABASE()");
	rpl_sbuf_add(&sql, " AND t.TABLE_NAME = ");
	rpl_dialect_lit(d, table, &sql);
	rpl_sbuf_add(&sql, " AND t.ENGINE = 'InnoDB' AND NOT EXISTS (SELECT 1 FROM information_schema.STATISTICS s"
	             " WHERE s.TABLE_SCHEMA = t.TABLE_SCHEMA AND s.TABLE_NAME = t.TABLE_NAME AND s.SEQ_IN_INDEX = 1"
	             " AND s.COLUMN_NAME = ");
	rpl_dialect_lit(d, date_column, &sql);
	rpl_sbuf_addc(&sql, ')');
	int64_t n = 0;
	bool found = false;
	int r = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(c, rpl_sbuf_str(&sql), &n, &found, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	if (r == 0 && !c->autocommit) {
		struct rpl_err ignored = RPL_ERR_INIT;
		rpl_conn_rollback(c, &ignored);
	}
	if (r < 0)
		rpl_err_prefix(err, "reading the indexes of %s", table);
	*wide = r == 0 && n > 0;
	rpl_sbuf_fini(&sql);
	return r;
}

void
rpl_rangelock_msg(const char *table, const char *target, const char *date_column, char *out, size_t n)
{
	snprintf(out, n, "target table %s (InnoDB) has no index that leads with date_column %s: each partition's range "
	         "DELETE scans and locks the whole table (next-key and gap locks), not only its range, so two "
	         "processes loading %s wait for each other; its partitions are loaded by one process at a time. "
	         "Add the index: CREATE INDEX %s_%s ON %s (%s)", target, date_column, table, target, date_column, target,
	         date_column);
}
