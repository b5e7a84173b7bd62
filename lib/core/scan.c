/* lib/core/scan.c: the value rules over a partition's source rows, every misfit named
 * (see scan.h). */
#include "scan.h"
#include "sbuf.h"
#include "xfer.h"
#include <stdlib.h>
#include <string.h>

struct scan {
	const struct rpl_scan_def *d;
	struct rpl_scan_part *out;
	struct rpl_rules ru;      /* d->rules with judged below */
	bool *judged;             /* owned: the plan's, a rejected column set aside per row */
	bool *nul_only;           /* owned: the plan's NUL-only columns, set aside the same way */
	int64_t row0;             /* rows read before this chunk */
	struct rpl_xbuf *buf;     /* the current chunk's */
	char *key;                /* owned: the current row's key, rendered when first needed */
};

static int
note(struct scan *s, struct rpl_scan_item **list, size_t *n, size_t row, size_t col, enum rpl_rule rule,
     const char *reason, struct rpl_err *err)
{
	const struct rpl_scan_def *d = s->d;
	s->out->by_rule[rule]++;
	s->out->by_col[col * RPL_NRULES + rule]++;
	if (*n >= d->max_keys)
		return 0;
	if (*list == NULL && (*list = calloc(d->max_keys, sizeof **list)) == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for scan results");
	if (s->key == NULL) {
		struct rpl_sbuf k = RPL_SBUF_INIT;
		if (d->nkey > 0)
			rpl_verify_key_json(s->buf, row, d->cols, d->key_cols, d->nkey, &k);
		else
			rpl_sbuf_addf(&k, "{\"#row\": %lld}", (long long)(s->row0 + (int64_t)row + 1));
		if (!rpl_sbuf_ok(&k)) {
			rpl_sbuf_fini(&k);
			return rpl_err_set(err, RPL_ENOMEM, "out of memory for scan results");
		}
		s->key = k.s;
	}
	struct rpl_scan_item *it = &(*list)[*n];
	it->key = strdup(s->key);
	it->reason = reason != NULL ? strdup(reason) : NULL;
	it->col = col;
	it->rule = rule;
	if (it->key == NULL || (reason != NULL && it->reason == NULL)) {
		free(it->key);
		free(it->reason);
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for scan results");
	}
	(*n)++;
	return 0;
}

/* scan_row judges row r until it passes, each rejecting column set aside in turn */
static int
scan_row(struct scan *s, size_t r, struct rpl_err *err)
{
	struct rpl_xbuf *b = s->buf;
	int64_t nulled[RPL_NRULES];
	bool rejected = false;
	int rc = 0;
	for (size_t pass = 0; pass <= b->ncols && rc == 0; pass++) {
		enum rpl_rule rule;
		size_t col;
		char why[300];
		if (rpl_rules_apply(&s->ru, b, r, nulled, &rule, &col, why, sizeof why) == 0) {
			for (size_t c = 0; !rejected && rc == 0 && c < b->ncols; c++) {
				if (b->act[c] == 0)
					continue;
				s->out->nchanges++;
				enum rpl_rule cr = rpl_rules_change(b, c);
				rc = note(s, &s->out->changes, &s->out->changes_n, r, c, cr, NULL, err);
			}
			break;
		}
		rejected = true;
		s->out->nrejects++;
		rc = note(s, &s->out->rejects, &s->out->rejects_n, r, col, rule, why, err);
		/* set the column aside: not judged, and a NULL or misfit taken as a value */
		s->judged[col] = false;
		s->nul_only[col] = false;
		SQLLEN *ind = rpl_xind(b, r, col);
		if (*ind == SQL_NULL_DATA || *ind == RPL_IND_MISFIT) {
			rpl_xbuf_null_ool(b, r, col);
			*ind = 0;
		}
	}
	s->out->rows_rejected += rejected;
	if (rejected) {   /* the plan's judgement again for the next row */
		for (size_t c = 0; c < b->ncols; c++) {
			s->judged[c] = s->d->rules->judged != NULL ? s->d->rules->judged[c] : true;
			s->nul_only[c] = s->d->rules->nul_only != NULL && s->d->rules->nul_only[c];
		}
	}
	free(s->key);
	s->key = NULL;
	return rc;
}

int
rpl_scan_run(const struct rpl_scan_def *d, struct rpl_scan_part *out, struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	struct scan s = { .d = d, .out = out, .ru = *d->rules };
	struct rpl_xbuf *b = d->src.buf;
	int r = 0;
	out->by_col = calloc((d->ncols ? d->ncols : 1) * RPL_NRULES, sizeof *out->by_col);
	s.judged = malloc(d->ncols ? d->ncols : 1);
	s.nul_only = malloc(d->ncols ? d->ncols : 1);
	if (out->by_col == NULL || s.judged == NULL || s.nul_only == NULL) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < d->ncols; c++) {
		s.judged[c] = d->rules->judged != NULL ? d->rules->judged[c] : true;
		s.nul_only[c] = d->rules->nul_only != NULL && d->rules->nul_only[c];
	}
	s.ru.judged = s.judged;
	s.ru.nul_only = s.nul_only;
	for (;;) {
		size_t n = 0;
		if (d->cancel != NULL && atomic_load(d->cancel)) {
			r = rpl_err_set(err, RPL_ECANCELED, "scan cancelled");
			break;
		}
		if ((r = d->src.fetch(d->src.data, &b, &n, err)) < 0 || n == 0)
			break;
		s.buf = b;
		for (size_t row = 0; row < n && r == 0; row++)
			r = scan_row(&s, row, err);
		s.row0 += (int64_t)n;
		out->rows += (int64_t)n;
		if (r < 0)
			break;
	}
out:
	free(s.judged);
	free(s.nul_only);
	return r;
}

void
rpl_scan_part_fini(struct rpl_scan_part *p)
{
	for (size_t i = 0; i < p->rejects_n; i++) {
		free(p->rejects[i].key);
		free(p->rejects[i].reason);
	}
	for (size_t i = 0; i < p->changes_n; i++)
		free(p->changes[i].key);
	free(p->rejects);
	free(p->changes);
	free(p->by_col);
	memset(p, 0, sizeof *p);
}
