/* daemon/verify_dry.c: `replicad verify|scan TABLE RANGE --dry-run [--target-dialect
 * ENGINE]`: the statements verify (or scan) would send to each side, per partition,
 * from the same builders the commands use (lib/core/vtable.h, sqlgen.h), sending
 * nothing but catalog queries. With --target-dialect the target is not connected
 * to: it is taken as the table a run would create from the source (its columns
 * under their mapped names, the source's key), which is how SQL Server's
 * statements are shown without a SQL Server (docs/sqlserver.md). */
#include "cli.h"
#include "cmd_verify.h"
#include "colmap.h"
#include "dialect.h"
#include "sbuf.h"
#include "source.h"
#include "sqlgen.h"
#include "vslices.h"
#include "vtable.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
print_part(FILE *out, const char *table, const struct rpl_range *r, bool scan, const char *src_sql,
           const char *dst_sql)
{
	char label[64];
	rpl_range_label(r, label, sizeof label);
	fprintf(out, "-- %s %s %s\n1. source: %s\n", scan ? "scan" : "verify", table, label, src_sql);
	if (!scan)
		fprintf(out, "2. target: %s\n", dst_sql);
}

/* dry_connected: both sides connected, the statements of a real vtable */
static int
dry_connected(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_vtable_opts *o, const char *table,
              bool scan, const struct rpl_range *parts, size_t n, FILE *out, struct rpl_err *err)
{
	struct rpl_vtable *v = NULL;
	int r = rpl_vtable_open(src, dst, o, &v, err);
	int64_t row_bytes = -1;
	int cpus = 0;
	size_t k = r == 0 && !scan ? rpl_vtable_slices(v, &row_bytes, &cpus) : 1;
	char why[96];
	if (row_bytes < 0)
		snprintf(why, sizeof why, "the rows' size unknown, taken as wide, on %d CPUs", cpus);
	else
		snprintf(why, sizeof why, "rows of %lld bytes on %d CPUs", (long long)row_bytes, cpus);
	if (k > 1)
		fprintf(out, "-- a partition spanning %d keys or more: up to %zu key slices side by side, each SELECT"
		        " with its slice in its WHERE (%s)\n", 2 * RPL_VSLICES_MIN_SPAN, k, why);
	else if (cpus > 0)
		fprintf(out, "-- every partition in one piece (%s)\n", why);
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct rpl_sbuf s = RPL_SBUF_INIT, d = RPL_SBUF_INIT;
		rpl_vtable_sql(v, 0, &parts[i], &s);
		rpl_vtable_sql(v, 1, &parts[i], &d);
		if (rpl_sbuf_ok(&s) && rpl_sbuf_ok(&d))
			print_part(out, table, &parts[i], scan, s.s, d.s);
		else
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&s);
		rpl_sbuf_fini(&d);
	}
	rpl_vtable_close(v);
	return r;
}

/* dry_dialect: the target as a run would create it in engine e, from the source's
 * catalog alone */
static int
dry_dialect(struct rpl_conn *src, enum rpl_engine e, const struct rpl_vtable_opts *o, const char *table, bool scan,
            const struct rpl_range *parts, size_t n, FILE *out, struct rpl_err *err)
{
	struct rpl_table st = { 0 }, tv = { 0 };
	struct rpl_source *s = NULL;
	const char **names = NULL;
	bool exists = false;
	int r = rpl_catalog_read(src, o->src_schema, o->src_table, &st, &exists, err);
	if (r == 0 && !exists)
		r = rpl_err_set(err, RPL_ENOENT, "source: table %s not found", table);
	if (r == 0)
		r = rpl_colmap_source(o->map, table, o->date_column, &st, NULL, NULL, err);
	if (r == 0)
		r = rpl_table_copy(&tv, &st, err);
	if (r == 0 && (names = calloc(st.ncols ? st.ncols : 1, sizeof *names)) == NULL)
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < st.ncols; i++) {
		names[i] = rpl_colmap_target_name(o->map, st.cols[i].name);
		snprintf(tv.cols[i].name, sizeof tv.cols[i].name, "%s", names[i]);
	}
	struct rpl_source_want w = { .label = table, .odbc_only = o->bulk_odbc };
	if (r == 0)
		r = rpl_source_open(src, &w, &s, err);
	const struct rpl_dialect *d = rpl_dialect_for(e);
	struct rpl_sqlgen gs = { .src = src->dialect, .dst = d, .st = &st, .src_schema = o->src_schema,
	                         .src_table = o->src_table, .dst_schema = o->dst_schema, .dst_table = o->dst_table,
	                         .date_column = o->date_column, .dst_names = names,
	                         .native_read = s != NULL && s->native_read };
	struct rpl_sqlgen gt = { .src = d, .dst = d, .st = &tv, .src_schema = o->dst_schema, .src_table = o->dst_table,
	                         .dst_schema = o->dst_schema, .dst_table = o->dst_table,
	                         .date_column = o->date_column ? rpl_colmap_target_name(o->map, o->date_column) : NULL };
	gs.peer = &tv, gs.peer_dialect = d, gt.peer = &st, gt.peer_dialect = src->dialect;   /* keys alike */
	for (size_t i = 0; r == 0 && i < n; i++) {
		struct rpl_sbuf a = RPL_SBUF_INIT, b = RPL_SBUF_INIT;
		rpl_sqlgen_select_ordered(&gs, &parts[i], &a);
		rpl_sqlgen_select_ordered(&gt, &parts[i], &b);
		if (rpl_sbuf_ok(&a) && rpl_sbuf_ok(&b))
			print_part(out, table, &parts[i], scan, a.s, b.s);
		else
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&a);
		rpl_sbuf_fini(&b);
	}
	rpl_source_close(s);
	free(names);
	rpl_table_fini(&tv);
	rpl_table_fini(&st);
	return r;
}

int
rd_verify_dry(const struct rpl_config *cfg, const struct rpl_vtable_opts *o, const char *table, bool scan,
              const struct rpl_range *parts, size_t n, enum rpl_engine target, FILE *out)
{
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_err err = RPL_ERR_INIT;
	const char *cmd = scan ? "scan" : "verify";
	int r = rpl_conn_open(&src, "source", cfg->source.odbc, cfg->source.password, &err);
	if (r == 0 && target == RPL_ENGINE_UNKNOWN)
		r = rpl_conn_open_existing(&dst, "target", cfg->target.odbc, cfg->target.password, &err);
	if (r == 0 && target == RPL_ENGINE_UNKNOWN)
		r = dry_connected(&src, &dst, o, table, scan, parts, n, out, &err);
	else if (r == 0)
		r = dry_dialect(&src, target, o, table, scan, parts, n, out, &err);
	if (r < 0)
		rd_print_err(cmd, &err);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	return r < 0 ? RD_EXIT_FAILED : RD_EXIT_OK;
}
