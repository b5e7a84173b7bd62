/* lib/core/validate.c: what a run would refuse, before it starts (see validate.h). */
#include "validate.h"
#include "dialect.h"
#include "sqlgen.h"
#include <stdio.h>
#include <string.h>

static int
date_column_ok(const struct rpl_table *t, enum rpl_engine e, const char *side, const char *label, const char *col,
               struct rpl_err *err)
{
	const struct rpl_column *c = rpl_table_find(t, col);
	if (c == NULL) {
		rpl_err_set(err, RPL_EINVAL, "table %s: date_column %s is not a column of the %s", label, col, side);
		rpl_err_where(err, label, col, -1);
		return RPL_EINVAL;
	}
	if (c->cls == RPL_CLASS_DATE || c->cls == RPL_CLASS_TIMESTAMP || (e == RPL_ENGINE_SQLITE && c->cls == RPL_CLASS_TEXT))
		return 0;
	rpl_err_set(err, RPL_EINVAL,
	            "table %s: date_column %s is %s (%s) in the %s: partitions are ranges of dates, so it must be a date or "
	            "timestamp column (a text column would compare them as strings)", label, col, c->type_name,
	            rpl_class_name(c->cls), side);
	rpl_err_where(err, label, col, -1);
	return RPL_EINVAL;
}

int
rpl_validate_table(const struct rpl_table *src, enum rpl_engine src_engine, const struct rpl_table *dst,
                   enum rpl_engine dst_engine, const char *label, const char *date_column, struct rpl_err *err)
{
	int r;
	if (date_column != NULL && (r = date_column_ok(src, src_engine, "source", label, date_column, err)) < 0)
		return r;
	if (dst == NULL)
		return 0;   /* created from the source's columns */
	if (date_column != NULL && (r = date_column_ok(dst, dst_engine, "target", label, date_column, err)) < 0)
		return r;
	/* which columns meet which is the column mapping's to judge (colmap.h); those of
	 * the same name are enough to see a geometric type no run can write (sqlgen.h) */
	struct rpl_sqlgen g = { .src = rpl_dialect_for(src_engine), .dst = rpl_dialect_for(dst_engine), .st = src,
	                        .dt = dst };
	size_t geo;
	if (g.src != NULL && g.dst != NULL && rpl_sqlgen_geometry_refused(&g, &geo)) {
		const struct rpl_column *c = &src->cols[geo];
		rpl_err_set(err, RPL_EINVAL, "table %s: column %s: PostgreSQL's %s has no MariaDB spatial form replicad"
		            " writes (only point is made a POINT); copy it into a text column", label, c->name, c->decl);
		rpl_err_where(err, label, c->name, -1);
		return RPL_EINVAL;
	}
	return 0;
}
