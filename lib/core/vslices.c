/* lib/core/vslices.c: one big partition verified in key slices side by side
 * (DESIGN in vslices.h): the key's span, the slices, their threads, the merge. */
#include "vslices.h"
#include "log.h"
#include "sbuf.h"
#include "tablefacts.h"
#include "vtable.h"
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

size_t
rpl_vslices_count(int slices, int cpus, int64_t row_bytes)
{
	size_t k = slices < 1 ? 1 : slices > RPL_VSLICES_MAX ? RPL_VSLICES_MAX : (size_t)slices;
	if (row_bytes >= 0 && row_bytes < RPL_VSLICES_WIDE_ROW) {
		size_t room = cpus < 2 ? 1 : (size_t)cpus / 2;   /* two threads a slice */
		if (k > room)
			k = room;
	}
	return k;
}

/* host_cpus: the CPUs this process may run on */
static int
host_cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set);
	return 1;
}

size_t
rpl_vslices_plan(int64_t min, int64_t max, size_t k, struct rpl_keyslice *ks)
{
	/* max - min as unsigned is exact for any two int64 with min <= max */
	uint64_t span = (uint64_t)max - (uint64_t)min;
	/* each slice spans RPL_VSLICES_MIN_SPAN keys or more: span + 1 keys in all */
	uint64_t most = span == UINT64_MAX ? UINT64_MAX / RPL_VSLICES_MIN_SPAN : (span + 1) / RPL_VSLICES_MIN_SPAN;
	if (max < min)
		most = 1;
	if (k > most)
		k = (size_t)most;
	if (k < 1)
		k = 1;
	/* (span + 1) / k keys a slice, without span + 1's overflow */
	uint64_t step = span / k + (span % k + 1 == k ? 1 : 0);
	for (size_t i = 0; i < k; i++) {
		ks[i] = (struct rpl_keyslice){ .has_lo = i > 0, .has_hi = i + 1 < k };
		/* min + step * i stays within [min, max]: no overflow on the way */
		ks[i].lo = (int64_t)((uint64_t)min + step * i);
		ks[i].hi = (int64_t)((uint64_t)min + step * (i + 1));
	}
	return k;
}

/* key_bound reads MIN or MAX of the key over range r on the source */
static int
key_bound(const struct rpl_vslices_in *in, const char *fn, const struct rpl_range *r, int64_t *v, bool *found,
          struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_sbuf_add(&sql, "SELECT ");
	rpl_sbuf_add(&sql, fn);
	rpl_sbuf_add(&sql, "(");
	rpl_dialect_ident(in->g->src, in->key, &sql);
	rpl_sbuf_add(&sql, ")");
	rpl_sqlgen_from(in->g, r, &sql);
	int rc = rpl_sbuf_ok(&sql) ? rpl_conn_query_int64(in->src, sql.s, v, found, err)
	                           : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	return rc;
}

/* One slice: its thread, connections, vtable and result. */
struct vslice {
	const struct rpl_vslices_in *in;
	const struct rpl_range *r;
	struct rpl_keyslice ks;
	struct rpl_verify_part part;
	struct rpl_err err;
	int rc;
	pthread_t th;
	bool started;
};

static void *
slice_main(void *arg)
{
	struct vslice *s = arg;
	const struct rpl_vslices_in *in = s->in;
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_vtable *v = NULL;
	struct rpl_vtable_opts o = *in->o;
	o.slices = 0;
	o.kslice = &s->ks;
	/* (connects are one at a time in the process: odbc_conn.c) */
	s->rc = rpl_conn_open(&src, in->src->side, in->src->connstr, in->src->secret, &s->err);
	if (s->rc == 0)
		s->rc = rpl_conn_open(&dst, in->dst->side, in->dst->connstr, in->dst->secret, &s->err);
	if (s->rc == 0)
		s->rc = rpl_vtable_open(&src, &dst, &o, &v, &s->err);
	if (s->rc == 0)
		s->rc = rpl_vtable_verify(v, s->r, &s->part, &s->err);
	rpl_vtable_close(v);
	rpl_conn_close(&dst);
	rpl_conn_close(&src);
	return NULL;
}

/* take_list moves up to max - *on of from's n entries onto to (capacity max),
 * frees the rest */
static void
take_list(char **to, size_t *on, size_t max, char **from, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (*on < max)
			to[(*on)++] = from[i];
		else
			free(from[i]);
	}
}

int
rpl_vslices_merge(struct rpl_verify_part *parts, size_t k, size_t ncols, size_t max_keys,
                  struct rpl_verify_part *out, struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	out->keyed = true;
	out->by_digest = true;
	out->slices = (int)k;
	out->changed_by_col = calloc(ncols ? ncols : 1, sizeof *out->changed_by_col);
	size_t cap = max_keys ? max_keys : 1;
	out->missing = calloc(cap, sizeof *out->missing);
	out->extra = calloc(cap, sizeof *out->extra);
	out->changed = calloc(cap, sizeof *out->changed);
	if (out->changed_by_col == NULL || out->missing == NULL || out->extra == NULL || out->changed == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	for (size_t i = 0; i < k; i++) {
		struct rpl_verify_part *p = &parts[i];
		out->source_rows += p->source_rows;
		out->target_rows += p->target_rows;
		out->rejected += p->rejected;
		out->nmissing += p->nmissing;
		out->nextra += p->nextra;
		out->nchanged += p->nchanged;
		out->differ |= p->differ;
		out->by_digest &= p->by_digest;
		for (size_t c = 0; c < ncols && p->changed_by_col != NULL; c++)
			out->changed_by_col[c] += p->changed_by_col[c];
		take_list(out->missing, &out->missing_n, max_keys, p->missing, p->missing_n);
		take_list(out->extra, &out->extra_n, max_keys, p->extra, p->extra_n);
		for (size_t j = 0; j < p->changed_n; j++) {
			if (out->changed_n < max_keys) {
				out->changed[out->changed_n++] = p->changed[j];
			} else {
				free(p->changed[j].key);
				free(p->changed[j].columns);
			}
		}
		p->missing_n = p->extra_n = p->changed_n = 0;   /* taken */
	}
	return 0;
}

size_t
rpl_vslices_max(struct rpl_conn *src, const struct rpl_vtable_opts *o, const char *label, int64_t *row_bytes,
                int *cpus)
{
	struct rpl_err e = RPL_ERR_INIT;
	if (rpl_table_row_bytes(src, o->src_schema, o->src_table, row_bytes, &e) < 0) {
		rpl_log(RPL_LOG_INFO, RPL_LOG_MAIN, "verify %s: the rows' size unread, taken as wide (%s)", label, e.msg);
		*row_bytes = -1;
	}
	*cpus = o->cpus > 0 ? o->cpus : host_cpus();
	return rpl_vslices_count(o->slices, *cpus, *row_bytes);
}

/* vs_plan: the slices of range r, or 1 when it is not to be sliced */
static size_t
vs_plan(const struct rpl_vslices_in *in, const struct rpl_range *r, struct rpl_keyslice *ks)
{
	struct rpl_err e = RPL_ERR_INIT;
	int64_t row_bytes;
	int cpus;
	size_t k = rpl_vslices_max(in->src, in->o, in->label, &row_bytes, &cpus);
	if (k < 2) {
		rpl_log(RPL_LOG_DEBUG, RPL_LOG_MAIN, "verify %s: in one piece: rows of %lld bytes on %d CPUs", in->label,
		        (long long)row_bytes, cpus);
		return 1;
	}
	int64_t min = 0, max = 0;
	bool fmin = false, fmax = false;
	if (key_bound(in, "MIN", r, &min, &fmin, &e) < 0 || key_bound(in, "MAX", r, &max, &fmax, &e) < 0) {
		/* say a MariaDB BIGINT UNSIGNED beyond int64: one piece is still right */
		rpl_log(RPL_LOG_INFO, RPL_LOG_MAIN, "verify %s: no key slices, the key's span unread (%s)", in->label, e.msg);
		return 1;
	}
	if (!fmin || !fmax)
		return 1;
	return rpl_vslices_plan(min, max, k, ks);
}

int
rpl_vslices_verify(const struct rpl_vslices_in *in, const struct rpl_range *r, struct rpl_verify_part *out,
                   struct rpl_err *err)
{
	struct rpl_keyslice ks[RPL_VSLICES_MAX];
	size_t k = vs_plan(in, r, ks);
	if (k < 2)
		return 1;
	struct vslice s[RPL_VSLICES_MAX];
	int rc = 0;
	for (size_t i = 0; i < k; i++) {
		s[i] = (struct vslice){ .in = in, .r = r, .ks = ks[i], .err = RPL_ERR_INIT };
		s[i].started = pthread_create(&s[i].th, NULL, slice_main, &s[i]) == 0;
		if (!s[i].started)
			slice_main(&s[i]);   /* no thread: this one reads it */
	}
	for (size_t i = 0; i < k; i++) {
		if (s[i].started)
			pthread_join(s[i].th, NULL);
		if (s[i].rc < 0 && rc == 0) {
			if (err->code == RPL_OK)
				*err = s[i].err;   /* the first slice's failure, in key order */
			rc = s[i].rc;
		}
	}
	struct rpl_verify_part parts[RPL_VSLICES_MAX];
	for (size_t i = 0; i < k; i++)
		parts[i] = s[i].part;
	if (rc == 0)
		rc = rpl_vslices_merge(parts, k, in->ncols, in->o->max_keys, out, err);
	for (size_t i = 0; i < k; i++)
		rpl_verify_part_fini(&parts[i]);
	return rc;
}
