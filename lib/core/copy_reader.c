/* lib/core/copy_reader.c: the reader thread of a partition (struct reader in
 * copy_int.h): it fetches each chunk through the source interface into the buffer
 * the writer is not using and judges the chunk's values by the value rules there,
 * on its own thread (see struct verdicts). */
#include "copy_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* overflow_error: a value longer than its buffer, never cut silently. Only a buffer
 * that is a share of load.chunk_bytes (xcol chunk_sized) grows with it, up to 16 MiB:
 * the hint is given where it helps. */
static int
overflow_error(const struct rpl_copy *cp, const struct rpl_xcol *x, SQLLEN ind, SQLLEN room, int64_t row,
               struct rpl_err *err)
{
	char len[48];
	if (ind == SQL_NO_TOTAL)
		snprintf(len, sizeof len, "a value of unknown length");
	else
		snprintf(len, sizeof len, "a value of %ld bytes", (long)ind);
	const char *hint = !x->chunk_sized                ? ""
	                   : room < 16 * 1024 * 1024 - 1 ? "; raise load.chunk_bytes (a sixteenth of it, at most 16 MiB,"
	                                                   " holds one value)"
	                   : "; 16 MiB is the most a value has in line (docs/engines.md, Limits known today)";
	rpl_err_set(err, RPL_ECONVERT,
	            "table %s: column %s: %s is longer than the %ld-byte buffer replicad sized from the catalog (%s %ld)%s",
	            cp->label, x->src->name, len, (long)room, x->src->type_name, x->src->size, hint);
	rpl_err_where(err, cp->label, x->src->name, row);
	return err->code;
}

/* decimal_misfit: a decimal longer than its slot, which xfer.c makes as wide as any
 * value the target column holds (decimal_width: a numeric(p,s) target's p digits, a
 * SQLite source's REALs written out), is more digits than the column takes: its row
 * is rejected (precision) naming the column, the value's first digits and its length.
 * It failed the partition: a numeric without precision of 132 characters did. */
static int
decimal_misfit(const struct rpl_copy *cp, struct rpl_xbuf *b, size_t row, size_t c, SQLLEN ind, SQLLEN room,
               struct rpl_err *err)
{
	const struct rpl_xcol *x = &b->cols[c];
	const struct rpl_column *d = x->dst;
	bool bounded = d->cls == RPL_CLASS_DECIMAL && d->size > 0 && room >= d->size + 2 &&
	               cp->dst->engine != RPL_ENGINE_SQLITE;   /* SQLite's DECIMAL(p,s) bounds nothing */
	const char *v = rpl_xval(b, row, c);   /* its first room characters, NUL-terminated */
	char len[48], why[400];
	if (ind == SQL_NO_TOTAL)
		snprintf(len, sizeof len, "more than %ld characters", (long)room);
	else
		snprintf(len, sizeof len, "%ld characters", (long)ind);
	if (bounded)
		snprintf(why, sizeof why, "%.28s... (%s) has more digits than NUMERIC(%ld,%ld) holds (column %s, %s)", v,
		         len, (long)d->size, (long)d->scale, x->src->name, x->src->type_name);
	else
		snprintf(why, sizeof why, "%.28s... (%s) is longer than the %ld characters replicad reads of a decimal"
		         " (column %s, %s)", v, len, (long)room, x->src->name, x->src->type_name);
	return rpl_xbuf_misfit(b, row, c, RPL_RULE_PRECISION, v, strlen(v), why, err);
}

/* reader_judge checks the chunk's n rows against their buffers and applies the
 * value rules to each (see struct verdicts); on the reader's thread. One pass,
 * row by row: the buffer is larger than the cache, and a pass per column (or one
 * for the sizes, another for the rules) read it again from memory, 9 % of a
 * PostgreSQL -> PostgreSQL copy's samples (perf). */
static int
reader_judge(struct reader *rd, struct rpl_xbuf *b, size_t n, struct verdicts *vd, struct rpl_err *err)
{
	memset(vd->nulled, 0, sizeof vd->nulled);
	vd->bytes = 0;
	vd->nrej = 0;
	for (size_t row = 0; row < n; row++) {
		const unsigned char *base = b->data + row * b->row_size;
		for (size_t c = 0; c < b->ncols; c++) {
			const struct rpl_xcol *x = &b->cols[c];
			SQLLEN ind = *(const SQLLEN *)(const void *)(base + x->ind_off);
			if (x->c_type != SQL_C_CHAR && x->c_type != SQL_C_BINARY) {
				vd->bytes += ind == SQL_NULL_DATA ? 0 : x->width;
				continue;
			}
			vd->bytes += ind > 0 ? ind : 0;
			if (x->ool)        /* no room to overflow */
				continue;
			SQLLEN room = x->c_type == SQL_C_CHAR ? x->width - 1 : x->width;
			if ((ind > room || ind == SQL_NO_TOTAL) && x->cls == RPL_CLASS_DECIMAL && x->as_text) {
				if (decimal_misfit(rd->cp, b, row, c, ind, room, err) < 0)
					return err->code;
			} else if (ind > room || ind == SQL_NO_TOTAL) {
				return overflow_error(rd->cp, x, ind, room, rd->read + (int64_t)row, err);
			}
		}
		enum rpl_rule rule;
		size_t col;
		char why[sizeof vd->rej->why];
		if (rpl_rules_apply(&rd->cp->rules, b, row, vd->nulled, &rule, &col, why, sizeof why) == 0)
			continue;
		if (vd->nrej == vd->cap) {
			size_t cap = vd->cap ? vd->cap * 2 : 16;
			struct rejection *nr = realloc(vd->rej, cap * sizeof *nr);
			if (nr == NULL)
				return rpl_err_set(err, RPL_ENOMEM, "out of memory for rejected rows");
			vd->rej = nr;
			vd->cap = cap;
		}
		struct rejection *x = &vd->rej[vd->nrej++];
		x->row = row, x->col = col, x->rule = rule;
		memcpy(x->why, why, sizeof why);
	}
	return 0;
}

static void *
reader_main(void *arg)
{
	struct reader *rd = arg;
	for (int k = 0;; k ^= 1) {
		pthread_mutex_lock(&rd->mu);
		while (rd->full[k] && !rd->stop)
			pthread_cond_wait(&rd->cv, &rd->mu);
		bool stop = rd->stop;
		pthread_mutex_unlock(&rd->mu);
		if (stop)
			break;
		size_t n = 0;
		struct rpl_err e = RPL_ERR_INIT;
		rd->cp->ch.bufs[k].nmisfits = 0;   /* this chunk's (xfer.h): reader_judge adds some */
		int r = rpl_source_fetch(rd->cp->ch.source, &rd->cp->ch.bufs[k], &n, &e);
		if (r == 0 && n > 0)
			r = reader_judge(rd, &rd->cp->ch.bufs[k], n, &rd->vd[k], &e);
		rd->read += (int64_t)n;
		pthread_mutex_lock(&rd->mu);
		if (r < 0) {
			rd->rc = r;
			rd->err = e;
		}
		rd->full[k] = true;
		rd->n[k] = r < 0 ? 0 : n;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		if (r < 0 || n == 0)
			break;
	}
	return NULL;
}

/* reader_start runs the partition's SELECT (or COPY) and starts the thread. */
int
reader_start(struct reader *rd, struct rpl_copy *cp, const struct rpl_range *range, struct rpl_err *err)
{
	memset(rd, 0, sizeof *rd);
	rd->cp = cp;
	rd->range = range;
	pthread_mutex_init(&rd->mu, NULL);
	pthread_cond_init(&rd->cv, NULL);
	rpl_sqlgen_select(&cp->g, range, &rd->sql);
	if (!rpl_sbuf_ok(&rd->sql))
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int r = rpl_source_start(cp->ch.source, rd->sql.s, range, err);
	if (r < 0)
		return r;
	if (pthread_create(&rd->th, NULL, reader_main, rd) != 0)
		return rpl_err_set(err, RPL_ENOMEM, "cannot start the reader thread");
	rd->started = true;
	return 0;
}

/* reader_next waits for chunk slot k; *n = 0 at the end; the reader's error on failure. */
int
reader_next(struct reader *rd, int k, size_t *n, struct rpl_err *err)
{
	pthread_mutex_lock(&rd->mu);
	while (!rd->full[k])
		pthread_cond_wait(&rd->cv, &rd->mu);
	*n = rd->n[k];
	int r = rd->rc;
	if (r < 0)
		*err = rd->err;
	pthread_mutex_unlock(&rd->mu);
	return r < 0 && *n == 0 ? r : 0;
}

void
reader_release(struct reader *rd, int k)
{
	pthread_mutex_lock(&rd->mu);
	rd->full[k] = false;
	pthread_cond_broadcast(&rd->cv);
	pthread_mutex_unlock(&rd->mu);
}

/* reader_finish stops and joins the thread and ends the source's statement. */
void
reader_finish(struct reader *rd)
{
	if (rd->started) {
		pthread_mutex_lock(&rd->mu);
		rd->stop = true;
		pthread_cond_broadcast(&rd->cv);
		pthread_mutex_unlock(&rd->mu);
		pthread_join(rd->th, NULL);
	}
	rpl_source_finish(rd->cp->ch.source);
	rpl_sbuf_fini(&rd->sql);
	free(rd->vd[0].rej);
	free(rd->vd[1].rej);
	rd->vd[0].rej = rd->vd[1].rej = NULL;
	pthread_mutex_destroy(&rd->mu);
	pthread_cond_destroy(&rd->cv);
	rd->started = false;
}

