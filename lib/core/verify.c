/* lib/core/verify.c: the merge of two key-ordered streams and the keyless digest (see
 * verify.h). */
#include "verify.h"
#include "jsonw.h"
#include "sbuf.h"
#include "vcmp.h"
#include "xfer.h"
#include <stdlib.h>
#include <string.h>

/* One side's place in its stream. */
struct cursor {
	const struct rpl_vstream *s;
	struct rpl_xbuf *buf;     /* the current chunk's */
	size_t n, i;              /* rows in the chunk, the current one */
	bool end;
	unsigned char *skip;      /* owned, source only: rows the value rules reject */
	int64_t *rows, *rejected; /* counters to add to */
};

/* judge applies the value rules to the source chunk's n rows, marking rejected rows
 * (their values are left as read: nobody compares them). */
static void
judge(const struct rpl_verify_def *d, struct cursor *c, int64_t *rejected)
{
	int64_t nulled[RPL_NRULES];
	for (size_t r = 0; r < c->n; r++) {
		enum rpl_rule rule;
		size_t col;
		char why[8];
		c->skip[r] = d->rules != NULL &&
		             rpl_rules_apply(d->rules, c->buf, r, nulled, &rule, &col, why, sizeof why) != 0;
		*rejected += c->skip[r];
	}
}

/* cursor_ready: is there a current row (fetching the next chunk when needed)? */
static int
cursor_ready(const struct rpl_verify_def *d, struct cursor *c, bool *ok, struct rpl_err *err)
{
	for (;;) {
		while (c->i < c->n && c->skip != NULL && c->skip[c->i])
			c->i++;
		if (c->i < c->n || c->end) {
			*ok = c->i < c->n;
			return 0;
		}
		if (d->cancel != NULL && atomic_load(d->cancel))
			return rpl_err_set(err, RPL_ECANCELED, "verify cancelled");
		int r = c->s->fetch(c->s->data, &c->buf, &c->n, err);
		if (r < 0)
			return r;
		c->i = 0;
		c->end = c->n == 0;
		*c->rows += (int64_t)c->n;
		if (c->skip != NULL && c->n > 0)
			judge(d, c, c->rejected);
	}
}

void
rpl_verify_key_json(const struct rpl_xbuf *b, size_t r, const struct rpl_vcol *cols, const size_t *key_cols,
                    size_t nkey, struct rpl_sbuf *out)
{
	rpl_sbuf_addc(out, '{');
	for (size_t k = 0; k < nkey; k++) {
		rpl_sbuf_add(out, k ? ", " : "");
		rpl_json_str(out, cols[key_cols[k]].name, strlen(cols[key_cols[k]].name));
		rpl_sbuf_add(out, ": ");
		rpl_xbuf_value_json(b, r, key_cols[k], out);
	}
	rpl_sbuf_addc(out, '}');
}

static char *
key_text(const struct rpl_verify_def *d, const struct rpl_xbuf *b, size_t r, struct rpl_err *err)
{
	struct rpl_sbuf s = RPL_SBUF_INIT;
	rpl_verify_key_json(b, r, d->cols, d->key_cols, d->nkey, &s);
	if (!rpl_sbuf_ok(&s)) {
		rpl_sbuf_fini(&s);
		rpl_err_set(err, RPL_ENOMEM, "out of memory for a key");
		return NULL;
	}
	return s.s;   /* taken */
}

/* note_key adds row r's key to a list (missing or extra) while it has room. */
static int
note_key(const struct rpl_verify_def *d, char ***list, size_t *n, int64_t *count, const struct rpl_xbuf *b,
         size_t r, struct rpl_err *err)
{
	(*count)++;
	if (*n >= d->max_keys)
		return 0;
	if (*list == NULL && (*list = calloc(d->max_keys, sizeof **list)) == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory for keys");
	if (((*list)[*n] = key_text(d, b, r, err)) == NULL)
		return err->code;
	(*n)++;
	return 0;
}

/* raw_equal: do both sides hold column c in the same C type with the same bytes?
 * Then their canonical forms are equal too, whatever the class (vcmp.h): the copy
 * of a verified table mostly is byte for byte what its source gives, and
 * canonicalizing every decimal cost verify a fifth of its time (perf). A NULL equals
 * only a NULL; a misfit is left to rpl_vval_get. */
static bool
raw_equal(const struct rpl_xbuf *a, size_t ra, const struct rpl_xbuf *b, size_t rb, size_t c)
{
	const struct rpl_xcol *x = &a->cols[c], *y = &b->cols[c];
	SQLLEN ia = *rpl_xind(a, ra, c), ib = *rpl_xind(b, rb, c);
	if (x->c_type != y->c_type || ia == RPL_IND_MISFIT || ib == RPL_IND_MISFIT)
		return false;
	if (ia == SQL_NULL_DATA || ib == SQL_NULL_DATA)
		return ia == ib;
	if (x->c_type != SQL_C_CHAR && x->c_type != SQL_C_BINARY)
		return x->width == y->width && memcmp(rpl_xval(a, ra, c), rpl_xval(b, rb, c), (size_t)x->width) == 0;
	if (ia < 0 || ib < 0 || ia != ib || (!x->ool && ia >= x->width) || (!y->ool && ib >= y->width))
		return false;
	return memcmp(rpl_xval(a, ra, c), rpl_xval(b, rb, c), (size_t)ia) == 0;
}

/* col_val: column c of row r as verify compares it (vcmp.h); a double the target
 * keeps as a float as that float: the source's 1.1 (the double of the float's shortest
 * decimal, rules.c) is the target's 1.1f read back widened, 1.100000023841858 */
static void
col_val(const struct rpl_verify_def *d, const struct rpl_xbuf *b, size_t r, size_t c, struct rpl_vval *v)
{
	rpl_vval_get(b, r, c, d->cols[c].cls, d->cols[c].pad, v);
	if (d->cols[c].single && v->k == RPL_V_DBL)
		v->d = (double)(float)v->d;
}

static int
key_order(const struct rpl_verify_def *d, const struct cursor *s, const struct cursor *t)
{
	for (size_t k = 0; k < d->nkey; k++) {
		size_t c = d->key_cols[k];
		if (s->buf->cols[c].c_type == SQL_C_SBIGINT && t->buf->cols[c].c_type == SQL_C_SBIGINT &&
		    *rpl_xind(s->buf, s->i, c) >= 0 && *rpl_xind(t->buf, t->i, c) >= 0) {
			int64_t a = *(const int64_t *)rpl_xval(s->buf, s->i, c), b = *(const int64_t *)rpl_xval(t->buf, t->i, c);
			if (a != b)
				return a < b ? -1 : 1;
			continue;
		}
		struct rpl_vval a, b;
		col_val(d, s->buf, s->i, c, &a);
		col_val(d, t->buf, t->i, c, &b);
		int o = rpl_vval_order(&a, &b);
		if (o != 0)
			return o;
	}
	return 0;
}

/* compare_rows: the columns of a matched pair that differ, noted as one changed row. */
static int
compare_rows(const struct rpl_verify_def *d, const struct cursor *s, const struct cursor *t,
             struct rpl_verify_part *out, struct rpl_err *err)
{
	struct rpl_sbuf names = RPL_SBUF_INIT;
	size_t ndiff = 0;
	for (size_t c = 0; c < d->ncols; c++) {
		if (raw_equal(s->buf, s->i, t->buf, t->i, c))
			continue;
		struct rpl_vval a, b;
		col_val(d, s->buf, s->i, c, &a);
		col_val(d, t->buf, t->i, c, &b);
		if (rpl_vval_equal(&a, &b, d->cols[c].ts_digits))
			continue;
		out->changed_by_col[c]++;
		if (out->changed_n < d->max_keys) {
			rpl_sbuf_add(&names, ndiff ? ", " : "[");
			rpl_json_str(&names, d->cols[c].name, strlen(d->cols[c].name));
		}
		ndiff++;
	}
	if (ndiff == 0)
		return 0;
	out->nchanged++;
	if (out->changed_n >= d->max_keys)
		return 0;
	rpl_sbuf_addc(&names, ']');
	if (out->changed == NULL && (out->changed = calloc(d->max_keys, sizeof *out->changed)) == NULL)
		goto oom;
	if (!rpl_sbuf_ok(&names))
		goto oom;
	struct rpl_vchanged *ch = &out->changed[out->changed_n];
	if ((ch->key = key_text(d, s->buf, s->i, err)) == NULL) {
		rpl_sbuf_fini(&names);
		return err->code;
	}
	ch->columns = names.s;   /* taken */
	out->changed_n++;
	return 0;
oom:
	rpl_sbuf_fini(&names);
	return rpl_err_set(err, RPL_ENOMEM, "out of memory for changed rows");
}

static int
merge(const struct rpl_verify_def *d, struct cursor *s, struct cursor *t, struct rpl_verify_part *out,
      struct rpl_err *err)
{
	for (;;) {
		bool hs, ht;
		int r;
		if ((r = cursor_ready(d, s, &hs, err)) < 0 || (r = cursor_ready(d, t, &ht, err)) < 0)
			return r;
		if (!hs && !ht)
			return 0;
		int o = !hs ? 1 : !ht ? -1 : key_order(d, s, t);
		if (o < 0) {
			r = note_key(d, &out->missing, &out->missing_n, &out->nmissing, s->buf, s->i, err);
			s->i++;
		} else if (o > 0) {
			r = note_key(d, &out->extra, &out->extra_n, &out->nextra, t->buf, t->i, err);
			t->i++;
		} else {
			r = compare_rows(d, s, t, out, err);
			s->i++, t->i++;
		}
		if (r < 0)
			return r;
	}
}

/* digest_side: counts and hashes every row of one side. */
static int
digest_side(const struct rpl_verify_def *d, struct cursor *c, uint64_t dg[2], struct rpl_err *err)
{
	for (;;) {
		bool has;
		int r = cursor_ready(d, c, &has, err);
		if (r < 0)
			return r;
		if (!has)
			return 0;
		uint64_t h = UINT64_C(0xcbf29ce484222325);
		for (size_t col = 0; col < d->ncols; col++) {
			struct rpl_vval v;
			col_val(d, c->buf, c->i, col, &v);
			h = rpl_vval_hash(&v, d->cols[col].ts_digits, h);
		}
		/* a final mix, so that the sum of similar rows does not cancel out */
		h ^= h >> 33;
		h *= UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 33;
		dg[0] += h;
		dg[1] ^= h;
		c->i++;
	}
}

int
rpl_verify_run(const struct rpl_verify_def *d, struct rpl_verify_part *out, struct rpl_err *err)
{
	memset(out, 0, sizeof *out);
	out->keyed = d->nkey > 0;
	struct cursor s = { .s = &d->src, .buf = d->src.buf, .rows = &out->source_rows, .rejected = &out->rejected };
	struct cursor t = { .s = &d->tgt, .buf = d->tgt.buf, .rows = &out->target_rows, .rejected = &out->rejected };
	int r;
	out->changed_by_col = calloc(d->ncols ? d->ncols : 1, sizeof *out->changed_by_col);
	s.skip = malloc(d->src.buf->rows ? d->src.buf->rows : 1);
	if (out->changed_by_col == NULL || s.skip == NULL) {
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
		goto out;
	}
	if (d->nkey > 0) {
		r = merge(d, &s, &t, out, err);
	} else if ((r = digest_side(d, &s, out->src_digest, err)) == 0) {
		r = digest_side(d, &t, out->tgt_digest, err);
	}
	if (r == 0)
		out->differ = out->nmissing || out->nextra || out->nchanged ||
		              out->source_rows - out->rejected != out->target_rows ||
		              memcmp(out->src_digest, out->tgt_digest, sizeof out->src_digest) != 0;
out:
	free(s.skip);
	return r;
}

void
rpl_verify_part_fini(struct rpl_verify_part *p)
{
	for (size_t i = 0; i < p->missing_n; i++)
		free(p->missing[i]);
	for (size_t i = 0; i < p->extra_n; i++)
		free(p->extra[i]);
	for (size_t i = 0; i < p->changed_n; i++) {
		free(p->changed[i].key);
		free(p->changed[i].columns);
	}
	free(p->missing);
	free(p->extra);
	free(p->changed);
	free(p->changed_by_col);
	memset(p, 0, sizeof *p);
}
