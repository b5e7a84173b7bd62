/* daemon/verify_job.c: a verify job's thread (see verify_job.h). */
#include "verify_job.h"
#include "clock.h"
#include "runner.h"
#include "vtable.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *
rd_vpart_state_name(int state)
{
	static const char *const n[] = { "equal", "differ", "failed", "cancelled" };
	return state >= 0 && state < 4 ? n[state] : "?";
}

void
rd_vparts_free(struct rd_vpart *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		rpl_verify_part_fini(&v[i].found);
	free(v);
}

json_t *
rd_json_text(const char *text)
{
	/* a key may hold a NUL (SQLite text, MariaDB's): "\u0000", which jansson reads
	 * only when told, and the entry was dropped from the list */
	json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	return v != NULL ? v : json_string(text);
}

/* keys_json: a list of JSON texts from lib/ as one array */
static json_t *
keys_json(char *const *keys, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, rd_json_text(keys[i]));
	return a;
}

void
rd_verify_keys_json(const struct rpl_verify_part *v, json_t *o)
{
	json_object_set_new(o, "missing", keys_json(v->missing, v->missing_n));
	json_object_set_new(o, "extra", keys_json(v->extra, v->extra_n));
	json_t *ch = json_array();
	for (size_t i = 0; i < v->changed_n; i++)
		json_array_append_new(ch, json_pack("{s:o,s:o}", "key", rd_json_text(v->changed[i].key), "columns",
		                                    rd_json_text(v->changed[i].columns)));
	json_object_set_new(o, "changed", ch);
}

void
rd_verify_job_run(const struct rpl_config *cfg, const struct rpl_table_config *tc, const struct rpl_range *parts,
                  size_t nparts, const atomic_bool *cancel, struct rd_job_result *res)
{
	memset(res, 0, sizeof *res);
	res->err = (struct rpl_err)RPL_ERR_INIT;
	res->accs = calloc(nparts ? nparts : 1, sizeof *res->accs);
	res->vparts = calloc(nparts ? nparts : 1, sizeof *res->vparts);
	if (res->accs == NULL || res->vparts == NULL) {
		res->failed = true;
		rpl_err_set(&res->err, RPL_ENOMEM, "out of memory");
		return;
	}
	res->n = nparts;
	for (size_t i = 0; i < nparts; i++)
		res->accs[i].range = parts[i];   /* pending until verified */
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_vtable *v = NULL;
	struct rpl_vtable_opts o = {
		.src_schema = tc->schema, .src_table = tc->name, .dst_schema = tc->target_schema, .dst_table = tc->target,
		.date_column = tc->date_column, .chunk_bytes = cfg->load.chunk_bytes,
		.truncate_strings = cfg->values.truncate_strings,
		.bulk_odbc = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0, .only_parent = !tc->inherited,
		.placeholder_dates = (const char *const *)cfg->values.placeholder_dates,
		.n_placeholder_dates = cfg->values.n_placeholder_dates, .map = &tc->map, .max_keys = RD_VERIFY_JOB_KEYS,
		.cancel = cancel,
		.slices = cfg->load.workers,
	};
	if (rpl_conn_open(&src, "source", cfg->source.odbc, cfg->source.password, &res->err) < 0 ||
	    rpl_conn_open_existing(&dst, "target", cfg->target.odbc, cfg->target.password, &res->err) < 0 ||
	    rpl_vtable_open(&src, &dst, &o, &v, &res->err) < 0) {
		res->failed = true;
		goto out;
	}
	size_t kept = 0;   /* keys kept so far, RD_VERIFY_JOB_KEYS_ALL at most */
	for (size_t i = 0; i < nparts; i++) {
		struct rpl_part_account *a = &res->accs[i];
		struct rd_vpart *vp = &res->vparts[i];
		struct rpl_verify_part p;
		uint64_t t0 = rd_now_mono_ms();
		a->err = (struct rpl_err)RPL_ERR_INIT;
		int r = rpl_vtable_verify(v, &parts[i], &p, &a->err);
		vp->ms = (int64_t)(rd_now_mono_ms() - t0);
		a->ms[RPL_PHASE_TOTAL] = vp->ms;
		a->attempts = 1;
		a->state = r < 0 ? (r == RPL_ECANCELED ? RPL_PART_CANCELLED : RPL_PART_FAILED) : RPL_PART_DONE;
		vp->state = r == RPL_ECANCELED ? 3 : r < 0 ? 2 : p.differ ? 1 : 0;
		vp->source_rows = p.source_rows;   /* not the account's read and written: nothing was */
		vp->target_rows = p.target_rows;
		vp->rejected = p.rejected;
		vp->missing = p.nmissing, vp->extra = p.nextra, vp->changed = p.nchanged;
		size_t keys = p.missing_n + p.extra_n + p.changed_n;
		if (r == 0 && keys > 0 && kept + keys <= RD_VERIFY_JOB_KEYS_ALL) {
			vp->found = p;   /* its lists, now the verdict's */
			kept += keys;
		} else {
			rpl_verify_part_fini(&p);
		}
		if (r == RPL_ECANCELED)
			break;
	}
out:
	rpl_vtable_close(v);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
