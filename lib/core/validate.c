/* lib/core/validate.c: what a run would refuse, before it starts (see validate.h). */
#include "validate.h"
#include "coltypes.h"
#include "sbuf.h"
#include "dialect.h"
#include "sqlgen.h"
#include <stdio.h>
#include <stdlib.h>
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

struct lite_dates { long long count; char example[200]; };

static int
lite_dates_row(void *arg, char *const *v, struct rpl_err *err)
{
	(void)err;
	struct lite_dates *ld = arg;
	ld->count = atoll(v[0]);
	snprintf(ld->example, sizeof ld->example, "%.180s", v[1]);
	return 0;
}

int
rpl_validate_lite_dates(struct rpl_conn *src, const char *schema, const char *table, const char *date_column,
                        char *msg, size_t n, struct rpl_err *err)
{
	if (src->engine != RPL_ENGINE_SQLITE || date_column == NULL)
		return 0;
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_SQLITE);
	struct rpl_sbuf col = RPL_SBUF_INIT, from = RPL_SBUF_INIT, q = RPL_SBUF_INIT;
	rpl_dialect_ident(d, date_column, &col);
	rpl_dialect_table(d, schema, table, &from);
	const char *c = rpl_sbuf_str(&col);
	/* the example as stored, with its storage class when it is not text */
	rpl_sbuf_addf(&q, "SELECT COUNT(*), (SELECT CASE typeof(%s) WHEN 'text' THEN %s ELSE typeof(%s) || ' ' || %s END"
	              " FROM %s WHERE %s IS NOT NULL AND (typeof(%s) <> 'text' OR %s NOT GLOB"
	              " '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*') LIMIT 1) FROM %s WHERE %s IS NOT NULL AND"
	              " (typeof(%s) <> 'text' OR %s NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')",
	              c, c, c, c, rpl_sbuf_str(&from), c, c, c, rpl_sbuf_str(&from), c, c, c);
	struct lite_dates ld = { 0, "" };
	int r = rpl_sbuf_ok(&col) && rpl_sbuf_ok(&from) && rpl_sbuf_ok(&q)
	        ? rpl_coltypes_query(src, rpl_sbuf_str(&q), NULL, NULL, 2, lite_dates_row, &ld, err)
	        : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&col);
	rpl_sbuf_fini(&from);
	rpl_sbuf_fini(&q);
	if (r < 0) {
		rpl_err_where(err, table, date_column, -1);
		return r;
	}
	if (ld.count == 0)
		return 0;
	snprintf(msg, n, "%lld row%s hold%s no ISO 8601 date in date_column %s (e.g. %s): a date range compares"
	         " it as ISO text ('YYYY-MM-DD...'), so a ranged run copies none of %s (a --full run reads %s)",
	         ld.count, ld.count == 1 ? "" : "s", ld.count == 1 ? "s" : "", date_column, ld.example,
	         ld.count == 1 ? "it" : "them", ld.count == 1 ? "it" : "them");
	return 1;
}

/* pg_unchecked_not_null: 1 when a PostgreSQL table has a NOT NULL constraint not yet
 * validated (PostgreSQL 18's NOT VALID: its column is marked NOT NULL and may still
 * hold NULLs), 0 when none (any other version: no such row) */
static int
pg_unchecked_not_null(struct rpl_conn *src, const char *schema, const char *table, struct rpl_err *err)
{
	struct rpl_sbuf name = RPL_SBUF_INIT, q = RPL_SBUF_INIT;
	rpl_dialect_table(src->dialect, schema, table, &name);
	rpl_sbuf_add(&q, "SELECT COUNT(*) FROM pg_catalog.pg_constraint WHERE contype = 'n' AND NOT convalidated"
	                 " AND conrelid = to_regclass(");
	rpl_dialect_lit(src->dialect, rpl_sbuf_str(&name), &q);
	rpl_sbuf_add(&q, ")");
	int64_t count = 0;
	bool found = false;
	int r = rpl_sbuf_ok(&name) && rpl_sbuf_ok(&q) ? rpl_conn_query_int64(src, rpl_sbuf_str(&q), &count, &found, err)
	                                               : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&name);
	rpl_sbuf_fini(&q);
	return r < 0 ? r : count > 0;
}

/* null_free: the source's catalog (dc: the date column's, NULL if not known) proves
 * it holds no NULL, so the count is not made (PostgreSQL before 17 scans the table
 * for it when no index serves the column, once more in every T-0 and T-1 run). Not on MariaDB: there "col IS NULL"
 * also matches a NOT NULL date column's zero dates (0000-00-00), which no range
 * holds either. 1 proven, 0 not, or a negative code. */
static int
null_free(struct rpl_conn *src, const struct rpl_column *dc, const char *schema, const char *table,
          struct rpl_err *err)
{
	if (dc == NULL || dc->nullable || src->engine == RPL_ENGINE_MARIADB)
		return 0;
	if (src->engine != RPL_ENGINE_POSTGRES)
		return 1;
	int r = pg_unchecked_not_null(src, schema, table, err);
	return r < 0 ? r : !r;
}

int
rpl_validate_null_dates(struct rpl_conn *src, const struct rpl_table *st, const char *schema, const char *table,
                        const char *date_column, char *msg, size_t n, struct rpl_err *err)
{
	if (date_column == NULL)
		return 0;
	const struct rpl_column *dc = st != NULL ? rpl_table_find(st, date_column) : NULL;
	int nf = null_free(src, dc, schema, table, err);
	if (nf != 0) {
		if (nf < 0)
			rpl_err_where(err, table, date_column, -1);
		return nf < 0 ? nf : 0;
	}
	struct rpl_sbuf q = RPL_SBUF_INIT;
	rpl_sbuf_add(&q, "SELECT COUNT(*) FROM ");
	rpl_dialect_table(src->dialect, schema, table, &q);
	rpl_sbuf_add(&q, " WHERE ");
	rpl_dialect_ident(src->dialect, date_column, &q);
	rpl_sbuf_add(&q, " IS NULL");
	int64_t count = 0;
	bool found = false;
	int r = rpl_sbuf_ok(&q) ? rpl_conn_query_int64(src, rpl_sbuf_str(&q), &count, &found, err)
	                        : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&q);
	if (r < 0) {
		rpl_err_where(err, table, date_column, -1);
		return r;
	}
	if (count == 0)
		return 0;
	bool zero = src->engine == RPL_ENGINE_MARIADB && dc != NULL && !dc->nullable;
	snprintf(msg, n, "%lld row%s hold%s %s in date_column %s: no date range holds %s, so a ranged run copies"
	         " none of %s (a --full run reads %s)", (long long)count, count == 1 ? "" : "s", count == 1 ? "s" : "",
	         zero ? "the zero date 0000-00-00 (MariaDB's \"IS NULL\" of a NOT NULL date)" : "NULL", date_column,
	         count == 1 ? "it" : "them", count == 1 ? "it" : "them", count == 1 ? "it" : "them");
	return 1;
}
