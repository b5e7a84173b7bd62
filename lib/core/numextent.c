/* lib/core/numextent.c: see numextent.h. */
#include "numextent.h"
#include "coltypes.h"
#include "dialect.h"
#include "odbc_conn.h"
#include "sbuf.h"
#include <stdlib.h>
#include <string.h>

static int
extent_row(void *arg, char *const *v, struct rpl_err *err)
{
	struct rpl_column *col = arg;
	(void)err;
	if (v[0][0] == '\0')   /* no row, or only NULLs, NaN and infinities */
		return 0;
	col->seen = true;
	col->seen_int = atoi(v[0]);
	col->seen_scale = atoi(v[1]);
	return 0;
}

int
rpl_numextent_pg_measure(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t,
                         struct rpl_err *err)
{
	if (c->engine != RPL_ENGINE_POSTGRES)
		return 0;
	for (size_t i = 0; i < t->ncols; i++) {
		struct rpl_column *col = &t->cols[i];
		if (col->cls != RPL_CLASS_DECIMAL || col->size != 0 || col->kind == RPL_KIND_MONEY)
			continue;
		/* numeric's text has no exponent: digits before and after the point, sign off;
		 * NaN and Infinity (PostgreSQL 14) are no digits, and 'Infinity'::numeric
		 * would not parse before 14, so they are told apart by their text */
		struct rpl_sbuf q = RPL_SBUF_INIT, v = RPL_SBUF_INIT;
		rpl_dialect_ident(c->dialect, col->name, &v);
		rpl_sbuf_addf(&q, "SELECT max(length(split_part(ltrim(t::text, '-'), '.', 1))),"
		                  " COALESCE(max(length(split_part(t::text, '.', 2))), 0)"
		                  " FROM (SELECT %s AS t FROM ", rpl_sbuf_str(&v));
		rpl_dialect_table(c->dialect, schema, name, &q);
		rpl_sbuf_add(&q, ") s WHERE t IS NOT NULL AND t::text NOT IN ('NaN', 'Infinity', '-Infinity')");
		int r = rpl_sbuf_ok(&q) && rpl_sbuf_ok(&v)
		        ? rpl_coltypes_query(c, rpl_sbuf_str(&q), NULL, NULL, 2, extent_row, col, err)
		        : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&q);
		rpl_sbuf_fini(&v);
		if (r < 0)
			return r;
	}
	return 0;
}
