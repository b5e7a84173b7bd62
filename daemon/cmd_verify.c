/* daemon/cmd_verify.c: `replicad verify TABLE RANGE [--repair] [--json] [--max-keys N]`
 * and `replicad scan TABLE RANGE [--json] [--max-keys N]` (docs/verify.md). Plans the partitions with the range planner,
 * opens both connections, and has lib/core/vtable.h compare (verify) or judge (scan)
 * each partition; prints a readable report or one JSON object on stdout.
 * --repair loads the partitions that differ again through the runner, exactly as
 * `replicad run` would (delete-before-insert, through the ledger), and verifies them
 * once more. Without --repair nothing is written to either database.
 * Exit: verify 0 equal, 4 differences remain, 1 could not verify; scan 0 nothing to
 * report (changes a rule makes are reported but are not failures), 3 rows would be
 * rejected, 1 could not scan; 2 bad usage or config. */
#include "cli.h"
#include "clock.h"
#include "cmd_verify.h"
#include "copy.h"
#include "odbc_conn.h"
#include "range.h"
#include "runner.h"
#include "statedir.h"
#include "tz.h"
#include "verify_job.h"
#include "vtable.h"
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vargs {
	bool scan;
	const char *table;
	struct rd_range_opts range;
	bool json, repair;
	long max_keys;
	bool dry_run;                  /* --dry-run: print the SELECTs, read nothing else */
	const char *target_dialect;    /* --target-dialect ENGINE: and do not connect to the target */
};

static int
vargs_parse(int argc, char **argv, struct vargs *a)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "day", required_argument, NULL, 'd' }, { "t0", no_argument, NULL, '0' },
		{ "t1", no_argument, NULL, '1' }, { "full", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' }, { "repair", no_argument, NULL, 'r' },
		{ "max-keys", required_argument, NULL, 'k' }, { "dry-run", no_argument, NULL, 'n' },
		{ "target-dialect", required_argument, NULL, 'D' }, { NULL, 0, NULL, 0 },
	};
	const char *cmd = a->scan ? "scan" : "verify";
	int c;
	char *end;
	optind = 0;   /* glibc: 0 re-initialises getopt for a new argv */
	char **args = argv - 1;   /* getopt skips args[0] */
	while ((c = getopt_long(argc + 1, args, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->range.from = optarg; break;
		case 't': a->range.to = optarg; break;
		case 'd': a->range.day = optarg; break;
		case '0': a->range.t0 = true; break;
		case '1': a->range.t1 = true; break;
		case 'F': a->range.full = true; break;
		case 'j': a->json = true; break;
		case 'r':
			if (a->scan)
				return rd_usage_error("scan: --repair is verify's: scan writes nothing");
			a->repair = true;
			break;
		case 'k':
			a->max_keys = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->max_keys < 0 || a->max_keys > 1000000)
				return rd_usage_error("%s: --max-keys '%s': expected a number of keys from 0 to 1000000", cmd, optarg);
			break;
		case 'n': a->dry_run = true; break;
		case 'D': a->target_dialect = optarg; a->dry_run = true; break;
		default: return rd_usage_error("%s: bad option", cmd);
		}
	}
	if (optind < argc + 1)
		a->table = args[optind++];
	if (a->table == NULL)
		return rd_usage_error("%s: which table? (replicad %s TABLE --full)", cmd, cmd);
	if (optind < argc + 1)
		return rd_usage_error("%s: unexpected argument '%s'", cmd, args[optind]);
	if (a->dry_run && (a->json || a->repair))
		return rd_usage_error("%s: --dry-run prints statements: it does not go with --json or --repair", cmd);
	if (a->target_dialect != NULL && rpl_engine_from_name(a->target_dialect) == RPL_ENGINE_UNKNOWN)
		return rd_usage_error("%s: --target-dialect '%s': expected sqlite, postgresql, mariadb or mssql", cmd,
		                      a->target_dialect);
	return 0;
}

/* plan: the partitions of the range, by the planner every command uses (range.h);
 * as for run, no limits.max_partitions: that bounds what the service holds */
static int
plan(const struct rpl_config *cfg, const struct rpl_table_config *tc, struct vargs *a, struct rd_range_plan *p)
{
	const char *cmd = a->scan ? "scan" : "verify";
	struct rd_tz tz;
	char why[256];
	bool need_tz = (a->range.t0 || a->range.t1) && tc->date_column != NULL;
	if (need_tz && rd_tz_load(&tz, cfg->schedule.timezone, NULL, why, sizeof why) < 0)
		return rd_usage_error("%s: schedule.timezone: %s", cmd, why);
	struct rd_range_env env = { .table = a->table, .has_date = tc->date_column != NULL, .config_path = cfg->path,
	                            .tz = need_tz ? &tz : NULL, .now = rd_now_wall() };
	struct rpl_err err = RPL_ERR_INIT;
	a->range.dashes = "--";
	int r = rd_range_plan(&a->range, &env, p, &err);
	if (need_tz)
		rd_tz_fini(&tz);
	if (r == RPL_ENOMEM)
		return RD_EXIT_FAILED;
	return r < 0 ? rd_usage_error("%s: %s", cmd, err.msg) : 0;
}

/* One partition's outcome, verify or scan. */
struct vpart {
	struct rpl_range range;
	int state;                  /* VP_* */
	struct rpl_verify_part v;
	struct rpl_scan_part s;
	bool repaired;
	int64_t ms;
	struct rpl_err err;
};
enum { VP_EQUAL, VP_DIFFER, VP_FAILED };

static void
vopts(const struct rpl_config *cfg, const struct rpl_table_config *tc, long max_keys, struct rpl_vtable_opts *o)
{
	*o = (struct rpl_vtable_opts){
		.src_schema = tc->schema, .src_table = tc->name, .dst_schema = tc->target_schema, .dst_table = tc->target,
		.date_column = tc->date_column, .chunk_bytes = cfg->load.chunk_bytes,
		.truncate_strings = cfg->values.truncate_strings,
		.bulk_odbc = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0,
		.only_parent = !tc->inherited,
		.placeholder_dates = (const char *const *)cfg->values.placeholder_dates,
		.n_placeholder_dates = cfg->values.n_placeholder_dates, .map = &tc->map, .max_keys = (size_t)max_keys,
		.slices = cfg->load.workers,
	};
}

/* run_parts verifies (or scans) each partition of parts with v */
static void
run_parts(struct rpl_vtable *v, bool scan, struct vpart *vp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int64_t t0 = (int64_t)rd_now_mono_ms();
		vp[i].err = (struct rpl_err)RPL_ERR_INIT;
		int r = scan ? rpl_vtable_scan(v, &vp[i].range, &vp[i].s, &vp[i].err)
		             : rpl_vtable_verify(v, &vp[i].range, &vp[i].v, &vp[i].err);
		vp[i].ms = (int64_t)rd_now_mono_ms() - t0;
		if (r < 0)
			vp[i].state = VP_FAILED;
		else if (scan)
			vp[i].state = vp[i].s.rows_rejected > 0 ? VP_DIFFER : VP_EQUAL;
		else
			vp[i].state = vp[i].v.differ ? VP_DIFFER : VP_EQUAL;
	}
}

/* repair_round loads the partitions that differ again through the runner (a job of
 * the ledger like `replicad run`'s) and verifies each of them again; how many were
 * loaded again, -1 when none could be (no memory) */
static long
repair_round(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
             struct rpl_vtable *v, struct vpart *vp, size_t n)
{
	long loaded = -1;
	struct rpl_range *parts = calloc(n ? n : 1, sizeof *parts);
	size_t *which = calloc(n ? n : 1, sizeof *which), k = 0;
	if (parts == NULL || which == NULL)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (vp[i].state == VP_DIFFER)
			which[k] = i, parts[k++] = vp[i].range;
	loaded = 0;
	if (k == 0)
		goto out;
	struct rd_job_result res;
	rd_runner_run(cfg, tc, kind, parts, k, NULL, NULL, NULL, NULL, NULL, &res);
	if (res.failed)
		rd_print_err("repair", &res.err);
	for (size_t j = 0; j < k; j++) {
		struct vpart *p = &vp[which[j]];
		if (j < res.n && res.accs[j].state == RPL_PART_SKIPPED) {
			/* the runner resumed an unfinished job of the same range in which this
			 * partition is done: it was not loaded again (docs/verify.md) */
			char label[64];
			rpl_range_label(&p->range, label, sizeof label);
			fprintf(stderr, "replicad: repair: %s %s was not loaded again: ledger job %s, unfinished, has it done; "
			        "finish that job (replicad run) and verify again\n", tc->name, label, res.job_id);
			continue;
		}
		if (j < res.n && res.accs[j].state != RPL_PART_DONE) {
			fprintf(stderr, "replicad: repair: %s\n", res.accs[j].err.msg);
			continue;
		}
		rpl_verify_part_fini(&p->v);
		run_parts(v, false, p, 1);
		p->repaired = p->state == VP_EQUAL;
		loaded++;
	}
	rd_job_result_fini(&res);
out:
	free(parts);
	free(which);
	return loaded;
}

static size_t
count_differ(const struct vpart *vp, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += vp[i].state == VP_DIFFER;
	return k;
}

/* repair: rounds of repair_round while they mend partitions. A key's row the target
 * holds under another date sits in another partition: the reload of the partition
 * it belongs to is refused its key until that other partition's reload (its own
 * delete-before-insert) has removed it, and the two may run in either order. So a
 * round that left fewer partitions different is followed by another. A key held in
 * a partition outside the range is never removed: verify says what to do. */
static void
repair(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind, struct rpl_vtable *v,
       struct vpart *vp, size_t n)
{
	size_t before = count_differ(vp, n);
	for (int round = 0; round < 4 && before > 0; round++) {
		if (repair_round(cfg, tc, kind, v, vp, n) <= 0)
			return;
		size_t after = count_differ(vp, n);
		if (after >= before)
			break;
		before = after;
	}
	for (size_t i = 0; i < n; i++) {
		if (vp[i].state != VP_DIFFER || vp[i].v.nmissing == 0)
			continue;
		char label[64];
		rpl_range_label(&vp[i].range, label, sizeof label);
		fprintf(stderr, "replicad: repair: %s %s still misses %lld rows, refused by the target (the reject file "
		        "says why): a CHECK, a unique key, or a primary key the target holds under a date outside the range "
		        "verified (verify and repair the range that holds it too)\n", tc->name, label,
		        (long long)vp[i].v.nmissing);
	}
}

static json_t *
range_json(const struct rpl_range *r)
{
	char s[16], e[16];
	if (r->all)
		return json_pack("{s:n,s:n}", "start", "end");
	snprintf(s, sizeof s, "%04d-%02d-%02d", r->start.y, r->start.m, r->start.d);
	snprintf(e, sizeof e, "%04d-%02d-%02d", r->end.y, r->end.m, r->end.d);
	return json_pack("{s:s,s:s}", "start", s, "end", e);
}

static const char *const state_names[] = { "equal", "differ", "failed" };

static json_t *
verify_part_json(const struct vpart *p)
{
	const struct rpl_verify_part *v = &p->v;
	json_t *o = json_pack("{s:o,s:s,s:I,s:I,s:I,s:b,s:I}", "range", range_json(&p->range), "state",
	                      state_names[p->state], "source_rows", (json_int_t)v->source_rows, "target_rows",
	                      (json_int_t)v->target_rows, "rejected", (json_int_t)v->rejected,
	                      "repaired", p->repaired, "ms", (json_int_t)p->ms);
	rd_verify_keys_json(v, o);
	json_object_set_new(o, "counts", json_pack("{s:I,s:I,s:I}", "missing", (json_int_t)v->nmissing, "extra",
	                                           (json_int_t)v->nextra, "changed", (json_int_t)v->nchanged));
	/* a partition that could not be verified got no further than its error: how it
	 * would have been compared is not known (no "keyed": false and zero digests) */
	bool failed = p->state == VP_FAILED;
	json_object_set_new(o, "keyed", failed ? json_null() : json_boolean(v->keyed));
	json_object_set_new(o, "by_digest", json_boolean(v->by_digest));
	if (!v->keyed && !failed) {
		char s[40], t[40];
		snprintf(s, sizeof s, "%016llx%016llx", (unsigned long long)v->src_digest[0], (unsigned long long)v->src_digest[1]);
		snprintf(t, sizeof t, "%016llx%016llx", (unsigned long long)v->tgt_digest[0], (unsigned long long)v->tgt_digest[1]);
		json_object_set_new(o, "digest", json_pack("{s:s,s:s}", "source", s, "target", t));
	}
	if (p->state == VP_FAILED)
		json_object_set_new(o, "error", json_string(p->err.msg));
	return o;
}

static json_t *
scan_part_json(const struct vpart *p, const struct rpl_vcol *cols, size_t ncols)
{
	const struct rpl_scan_part *s = &p->s;
	json_t *o = json_pack("{s:o,s:I,s:I,s:I}", "range", range_json(&p->range), "rows", (json_int_t)s->rows,
	                      "rows_rejected", (json_int_t)s->rows_rejected, "ms", (json_int_t)p->ms);
	json_t *rej = json_array(), *chg = json_array(), *by = json_object(), *bycol = json_object();
	for (size_t i = 0; i < s->rejects_n; i++)
		json_array_append_new(rej, json_pack("{s:o,s:s,s:s,s:s}", "key", rd_json_text(s->rejects[i].key),
		                                     "column", cols[s->rejects[i].col].name, "rule",
		                                     rpl_rule_name(s->rejects[i].rule), "reason", s->rejects[i].reason));
	for (size_t i = 0; i < s->changes_n; i++)
		json_array_append_new(chg, json_pack("{s:o,s:s,s:s}", "key", rd_json_text(s->changes[i].key),
		                                     "column", cols[s->changes[i].col].name, "rule",
		                                     rpl_rule_name(s->changes[i].rule)));
	for (int r = 0; r < RPL_NRULES; r++)
		if (s->by_rule[r] > 0)
			json_object_set_new(by, rpl_rule_name(r), json_integer(s->by_rule[r]));
	for (size_t c = 0; c < ncols && s->by_col != NULL; c++)
		for (int r = 0; r < RPL_NRULES; r++) {
			int64_t k = s->by_col[c * RPL_NRULES + r];
			if (k == 0)
				continue;
			if (json_object_get(bycol, cols[c].name) == NULL)
				json_object_set_new(bycol, cols[c].name, json_object());
			json_object_set_new(json_object_get(bycol, cols[c].name), rpl_rule_name(r), json_integer(k));
		}
	json_object_set_new(o, "rejects", rej);
	json_object_set_new(o, "changes", chg);
	json_object_set_new(o, "by_rule", by);
	json_object_set_new(o, "by_column", bycol);
	if (p->state == VP_FAILED)
		json_object_set_new(o, "error", json_string(p->err.msg));
	return o;
}

/* totals_json: the partitions' counts added up */
static json_t *
totals_json(bool scan, const struct vpart *vp, size_t n)
{
	int64_t k[8] = { 0 };
	for (size_t i = 0; i < n; i++) {
		k[vp[i].state]++;
		k[3] += scan ? vp[i].s.rows : vp[i].v.source_rows;
		k[4] += scan ? vp[i].s.rows_rejected : vp[i].v.target_rows;
		k[5] += scan ? vp[i].s.nrejects : vp[i].v.nmissing;
		k[6] += scan ? vp[i].s.nchanges : vp[i].v.nextra;
		k[7] += scan ? 0 : vp[i].v.nchanged;
	}
	if (scan)
		return json_pack("{s:I,s:I,s:I,s:I,s:I}", "partitions", (json_int_t)n, "rows", (json_int_t)k[3],
		                 "rows_rejected", (json_int_t)k[4], "rejects", (json_int_t)k[5], "changes", (json_int_t)k[6]);
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "partitions", (json_int_t)n, "equal", (json_int_t)k[0],
	                 "differ", (json_int_t)k[1], "failed", (json_int_t)k[2], "source_rows", (json_int_t)k[3],
	                 "target_rows", (json_int_t)k[4], "missing", (json_int_t)k[5], "extra", (json_int_t)k[6],
	                 "changed", (json_int_t)k[7]);
}

static void
print_json(const struct vargs *a, struct rpl_vtable *v, const struct vpart *vp, size_t n)
{
	size_t ncols = 0;
	const struct rpl_vcol *cols = v != NULL ? rpl_vtable_cols(v, &ncols) : NULL;
	json_t *parts = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(parts, a->scan ? scan_part_json(&vp[i], cols, ncols) : verify_part_json(&vp[i]));
	json_t *o = json_pack("{s:s,s:o,s:o}", "table", a->table, "partitions", parts, "totals", totals_json(a->scan, vp, n));
	json_dumpf(o, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
}

static void
print_keys(const char *what, char *const *keys, size_t n, int64_t total)
{
	for (size_t i = 0; i < n; i++)
		printf("    %s %s\n", what, keys[i]);
	if ((int64_t)n < total)
		printf("    … and %lld more %s\n", (long long)(total - (int64_t)n), what);
}

static void
print_text(const struct vargs *a, struct rpl_vtable *v, const struct vpart *vp, size_t n)
{
	size_t ncols = 0;
	const struct rpl_vcol *cols = v != NULL ? rpl_vtable_cols(v, &ncols) : NULL;
	for (size_t i = 0; i < n; i++) {
		const struct vpart *p = &vp[i];
		char label[64];
		rpl_range_label(&p->range, label, sizeof label);
		if (p->state == VP_FAILED) {
			printf("%s %s: failed: %s\n", a->table, label, p->err.msg);
		} else if (a->scan) {
			printf("%s %s: %lld rows, %lld would be rejected, %lld values changed by a rule (%lld ms)\n", a->table,
			       label, (long long)p->s.rows, (long long)p->s.rows_rejected, (long long)p->s.nchanges,
			       (long long)p->ms);
			for (size_t k = 0; k < p->s.rejects_n; k++)
				printf("    reject %s column %s: %s: %s\n", p->s.rejects[k].key, cols[p->s.rejects[k].col].name,
				       rpl_rule_name(p->s.rejects[k].rule), p->s.rejects[k].reason);
			if ((int64_t)p->s.rejects_n < p->s.nrejects)   /* as verify's lists say it */
				printf("    … and %lld more rejected values\n", (long long)(p->s.nrejects - (int64_t)p->s.rejects_n));
			for (size_t k = 0; k < p->s.changes_n; k++)
				printf("    change %s column %s: %s\n", p->s.changes[k].key, cols[p->s.changes[k].col].name,
				       rpl_rule_name(p->s.changes[k].rule));
			if ((int64_t)p->s.changes_n < p->s.nchanges)
				printf("    … and %lld more changed values\n", (long long)(p->s.nchanges - (int64_t)p->s.changes_n));
		} else {
			const struct rpl_verify_part *r = &p->v;
			printf("%s %s: %s%s: source %lld rows, target %lld, rejected by the rules %lld; missing %lld, extra %lld, "
			       "changed %lld (%lld ms)\n", a->table, label, state_names[p->state], p->repaired ? " (repaired)" : "",
			       (long long)r->source_rows, (long long)r->target_rows, (long long)r->rejected,
			       (long long)r->nmissing, (long long)r->nextra, (long long)r->nchanged, (long long)p->ms);
			print_keys("missing", r->missing, r->missing_n, r->nmissing);
			print_keys("extra", r->extra, r->extra_n, r->nextra);
			for (size_t k = 0; k < r->changed_n; k++)
				printf("    changed %s %s\n", r->changed[k].key, r->changed[k].columns);
			if ((int64_t)r->changed_n < r->nchanged)
				printf("    … and %lld more changed\n", (long long)(r->nchanged - (int64_t)r->changed_n));
			if (!r->keyed && p->state == VP_DIFFER)
				printf("    no primary key: the rows' digests differ\n");
		}
	}
}

/* status: the exit status the contract gives the outcomes */
static int
status(bool scan, const struct vpart *vp, size_t n)
{
	int st = RD_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		if (vp[i].state == VP_FAILED)
			return RD_EXIT_FAILED;
		if (vp[i].state == VP_DIFFER)
			st = scan ? RD_EXIT_REJECTED : RD_EXIT_DIFFER;
	}
	return st;
}

int
rd_cmd_verify(const struct rpl_config *cfg, bool scan, int argc, char **argv)
{
	struct vargs a = { .scan = scan, .max_keys = 100 };
	if (vargs_parse(argc, argv, &a) != 0)
		return RD_EXIT_USAGE;
	const char *cmd = scan ? "scan" : "verify";
	const struct rpl_table_config *tc = rpl_config_find_table(cfg, a.table);
	if (tc == NULL)
		return rd_usage_error("%s: table '%s' is not in %s", cmd, a.table, cfg->path);
	struct rd_range_plan p;
	int pr = plan(cfg, tc, &a, &p);
	if (pr != 0)
		return pr;
	struct vpart *vp = calloc(p.nparts ? p.nparts : 1, sizeof *vp);
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_vtable *v = NULL;
	struct rpl_vtable_opts o;
	struct rpl_err err = RPL_ERR_INIT;
	int st = RD_EXIT_FAILED;
	vopts(cfg, tc, a.max_keys, &o);
	o.scan_only = scan;   /* the target: its catalog only */
	if (a.dry_run) {
		enum rpl_engine e = a.target_dialect ? rpl_engine_from_name(a.target_dialect) : RPL_ENGINE_UNKNOWN;
		st = rd_verify_dry(cfg, &o, a.table, scan, p.parts, p.nparts, e, stdout);
		goto out;
	}
	char why[4400];   /* a repair is a run: its reject file goes there */
	if (a.repair && rd_state_dir_ready(cfg->state_dir, why, sizeof why) < 0) {
		fprintf(stderr, "replicad: %s: %s\n", cfg->path, why);
		st = RD_EXIT_USAGE;
		goto out;
	}
	if (vp == NULL)
		rpl_err_set(&err, RPL_ENOMEM, "out of memory");
	if (vp == NULL || rpl_conn_open(&src, "source", cfg->source.odbc, cfg->source.password, &err) < 0 ||
	    rpl_conn_open_existing(&dst, "target", cfg->target.odbc, cfg->target.password, &err) < 0 ||
	    rpl_vtable_open(&src, &dst, &o, &v, &err) < 0) {
		rd_print_err(cmd, &err);
		goto out;
	}
	for (size_t i = 0; i < p.nparts; i++)
		vp[i].range = p.parts[i];
	run_parts(v, scan, vp, p.nparts);
	if (a.repair)
		repair(cfg, tc, p.kind, v, vp, p.nparts);
	if (a.json)
		print_json(&a, v, vp, p.nparts);
	else
		print_text(&a, v, vp, p.nparts);
	st = status(scan, vp, p.nparts);
out:
	for (size_t i = 0; vp != NULL && i < p.nparts; i++) {
		rpl_verify_part_fini(&vp[i].v);
		rpl_scan_part_fini(&vp[i].s);
	}
	free(vp);
	rpl_vtable_close(v);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	rd_range_plan_fini(&p);
	return st;
}
