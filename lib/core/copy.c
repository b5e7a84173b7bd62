/* lib/core/copy.c: the partition loop (DESIGN in copy.h): the range deleted, the
 * chunks the reader thread posts judged, counted and put to the sink, commits, the
 * ledger's done-mark in the last transaction; a refused bulk load split or handed
 * to the next sink. Only the source and sink interfaces: no engine is named here. */
#include "copy_int.h"
#include "jsonw.h"
#include "log.h"
#include "refusal.h"
#include "reject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* the per-partition state of one run of the loop */
struct part {
	struct rpl_copy *cp;
	const struct rpl_range *range;
	struct rpl_part_account *acc;
	char label[64];
	const char *constraint;  /* borrowed; the constraint a server refusal names, for part_reject */
	int64_t committed;       /* acc->written as of the last commit: what a rollback keeps */
	struct rpl_reject_spool spool;   /* this attempt's reject lines, written when it commits */
};

static int
part_reject(struct part *p, size_t row, enum rpl_rule rule, size_t col, const char *why, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	p->acc->rejected++;
	p->acc->rejected_by[rule]++;
	if (p->spool.log == NULL)
		return 0;
	struct rpl_sbuf key = RPL_SBUF_INIT, vals = RPL_SBUF_INIT;
	rpl_sbuf_addc(&key, '{');
	rpl_sbuf_addc(&vals, '{');
	bool firstk = true;
	for (size_t c = 0; c < cp->buf->ncols; c++) {
		const char *name = cp->buf->cols[c].src->name;
		struct rpl_sbuf *targets[2] = { &vals, cp->buf->cols[c].src->pk_pos > 0 ? &key : NULL };
		for (int t = 0; t < 2 && targets[t] != NULL; t++) {
			struct rpl_sbuf *b = targets[t];
			if (t == 1 ? !firstk : c > 0)
				rpl_sbuf_addc(b, ',');
			if (t == 1)
				firstk = false;
			rpl_json_str(b, name, strlen(name));
			rpl_sbuf_addc(b, ':');
			rpl_xbuf_value_json(cp->buf, row, c, b);
		}
	}
	rpl_sbuf_addc(&key, '}');
	rpl_sbuf_addc(&vals, '}');
	const char *colname = col < cp->buf->ncols ? cp->buf->cols[col].src->name : NULL;
	int r = rpl_reject_spool_write(&p->spool, cp->label, p->label, colname, p->constraint,
	                               rpl_rule_name(rule), why, rpl_sbuf_str(&key), rpl_sbuf_str(&vals), err);
	rpl_sbuf_fini(&key);
	rpl_sbuf_fini(&vals);
	return r;
}

/* server_column: the buffer column the target's refusal of row `row` is about, or
 * (size_t)-1. From the server's words (refusal.h): column, set by the COPY sink from
 * PostgreSQL's error fields or context (issue #15: PostgreSQL refusals had
 * "column": null), else the message. */
static size_t
server_column(struct part *p, const char *column, const char *msg)
{
	struct rpl_copy *cp = p->cp;
	char name[128] = "";
	if (column != NULL && column[0] != '\0') {
		snprintf(name, sizeof name, "%s", column);
	} else if (!rpl_refusal_column(msg, name, sizeof name)) {
		name[0] = '\0';
	}
	for (size_t c = 0; name[0] != '\0' && c < cp->buf->ncols; c++)
		if (strcasecmp(cp->buf->cols[c].dst->name, name) == 0)
			return c;
	return (size_t)-1;
}

/* part_refused rejects a row the sink isolated (sink.h rpl_sink_refused_fn), naming
 * the constraint and, for a foreign key, its column. */
static int
part_refused(void *data, size_t row, const char *why, const char *words, const char *column,
             const char *constraint, struct rpl_err *err)
{
	struct part *p = data;
	p->constraint = constraint;
	int r = part_reject(p, row, RPL_RULE_SERVER, server_column(p, column, words), why, err);
	p->constraint = NULL;
	return r;
}

/* part_rules counts and rejects what the reader judged of the chunk's n rows
 * (reader_judge) and moves the rows that pass to the front of the buffer; returns
 * how many passed via *kept. */
static int
part_rules(struct part *p, const struct verdicts *vd, size_t n, size_t *kept, struct rpl_err *err)
{
	struct rpl_xbuf *b = p->cp->buf;
	size_t k = 0, j = 0;
	p->acc->bytes += vd->bytes;
	for (int i = 0; i < RPL_NRULES; i++)
		p->acc->nulled[i] += vd->nulled[i];
	for (size_t r = 0; r < n; r++) {
		if (j < vd->nrej && vd->rej[j].row == r) {
			const struct rejection *x = &vd->rej[j++];
			int e = part_reject(p, r, x->rule, x->col, x->why, err);
			if (e < 0)
				return e;
			continue;
		}
		if (k != r)
			memcpy(b->data + k * b->row_size, b->data + r * b->row_size, b->row_size);
		k++;
	}
	*kept = k;
	return 0;
}

/* timed_commit waits for rows still loading and commits; unless last, the sink goes
 * on in a new transaction. With claims, the claim check runs first, in the same
 * transaction (the last commit's is the done-mark's: part_done). */
static int
timed_commit(struct part *p, bool last, struct rpl_err *err)
{
	const struct rpl_copy_opts *o = &p->cp->o;
	int64_t t = copy_ms();
	int r = rpl_sink_flush(p->cp->ch.sink, err);
	if (r == 0 && o->claim_sql != NULL && !last) {
		struct rpl_sbuf sql = RPL_SBUF_INIT;
		o->claim_sql(o->done_data, p->range, &sql);
		r = rpl_sbuf_ok(&sql) ? rpl_sink_exec_claimed(p->cp->ch.sink, rpl_sbuf_str(&sql), err)
		                      : rpl_err_set(err, RPL_ENOMEM, "out of memory");
		rpl_sbuf_fini(&sql);
	}
	if (r == 0)
		r = rpl_sink_commit(p->cp->ch.sink, last, err);
	p->acc->ms[RPL_PHASE_COMMIT] += copy_ms() - t;
	if (r == 0)
		p->committed = p->acc->written;
	return r;
}

static int copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range, bool split,
                               struct rpl_part_account *acc, struct rpl_err *err);

/* rpl_copy_partition: when the bulk path refuses data, the partition, already
 * rolled back, is loaded again through the same sink in statements split around the
 * refused rows; when the bulk statement itself is refused, the sink gives way to the
 * next (rpl_sink_fallback: parameter arrays, whose failed batches are split the same
 * way) for the rest of the copy. */
int
rpl_copy_partition(struct rpl_copy *cp, const struct rpl_range *range,
                   struct rpl_part_account *acc, struct rpl_err *err)
{
	if (cp->o.probe || cp->plan)   /* it would load through ODBC where the native path is meant */
		return rpl_err_set(err, RPL_EINVAL, "table %s: a probe or planned copy cannot load partitions", cp->label);
	struct rpl_err first = RPL_ERR_INIT;
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	int r = copy_partition_once(cp, range, false, acc, &first);
	bool unusable = r < 0 && rpl_sink_unusable(cp->ch.sink, &first);
	if (r == 0 || !(unusable || rpl_sink_refused(cp->ch.sink, &first))) {
		if (r < 0)
			*err = first;
		return r;
	}
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	if (!unusable) {
		/* A COPY ends whole at its first refused row (a foreign key is checked at its
		 * end); LOAD DATA LOCAL skips refused rows with a warning. The rows are sent
		 * again in bulk statements under savepoints, a refused one split in halves
		 * until each refused row is alone, so the rest still load at bulk speed
		 * (issue #15: row-by-row arrays took 16 s for 8,715 rows, COPY 0.2 s). */
		char part[64];
		rpl_range_label(range, part, sizeof part);
		const char *how = rpl_sink_bulk(cp->ch.sink);
		rpl_log(RPL_LOG_NOTICE, RPL_LOG_LOADER, "table=%s part=%s %s refused (%s); loading the partition again in %ss split around the refused rows",
		        cp->label, part, how, first.msg, how);
		return copy_partition_once(cp, range, true, acc, err);
	}
	/* through the log, not the warn callback, which only the runner's probe has */
	rpl_log(RPL_LOG_WARNING, RPL_LOG_LOADER, "table=%s %s refused (%s); loading through parameter arrays instead",
	        cp->label, rpl_sink_bulk(cp->ch.sink), first.msg);
	if ((r = rpl_choose_fallback(&cp->ch, &first, err)) < 0)
		return r;
	return copy_partition_once(cp, range, false, acc, err);
}

/* part_begin deletes the range and readies the sink for rows (step 1). */
static int
part_begin(struct part *p, bool split, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	int64_t t = copy_ms();
	/* SQL Server deletes in batches, each committing on its own so its log can be
	 * reused (sqlgen.h); the others delete inside the partition's transaction. */
	long batch = rpl_sqlgen_delete(&cp->g, p->range, &sql);
	int r = rpl_sbuf_ok(&sql) ? rpl_sink_begin(cp->ch.sink, rpl_sbuf_str(&sql), batch, err)
	                          : rpl_err_set(err, RPL_ENOMEM, "out of memory");
	rpl_sbuf_fini(&sql);
	p->acc->ms[RPL_PHASE_DELETE] = copy_ms() - t;
	return r < 0 ? r : rpl_sink_start(cp->ch.sink, split, part_refused, p, err);
}

/* part_hold: pause holds here, between chunks, with the transaction open, until
 * resumed or cancelled; a cancel is an error. */
static int
part_hold(struct part *p, struct rpl_err *err)
{
	const struct rpl_copy_opts *o = &p->cp->o;
	while (o->pause != NULL && atomic_load(o->pause) && !(o->cancel != NULL && atomic_load(o->cancel))) {
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (o->cancel != NULL && atomic_load(o->cancel))
		return rpl_err_set(err, RPL_ECANCELED, "cancelled after %lld rows", (long long)p->acc->read);
	return 0;
}

/* part_stream: the reader fills one buffer while this thread checks and sends the
 * other (step 2). */
static int
part_stream(struct part *p, struct reader *rd, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	struct rpl_part_account *acc = p->acc;
	int64_t since_commit = 0;
	int r;
	for (int k = 0;; k ^= 1) {
		size_t n, kept, written = 0;
		if ((r = part_hold(p, err)) < 0)
			return r;
		if ((r = reader_next(rd, k, &n, err)) < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read);
			return r;
		}
		if (n == 0)
			return 0;
		cp->buf = &cp->ch.bufs[k];
		if ((r = part_rules(p, &rd->vd[k], n, &kept, err)) < 0)
			return r;
		acc->read += (int64_t)n;
		r = rpl_sink_put(cp->ch.sink, cp->buf, kept, &written, err);
		acc->written += (int64_t)written;
		if (r < 0) {
			rpl_err_where(err, cp->label, NULL, acc->read - (int64_t)n);
			return r;
		}
		reader_release(rd, k);
		since_commit += (int64_t)written;
		if (since_commit >= cp->o.commit_rows) {
			if ((r = timed_commit(p, false, err)) < 0)
				return r;
			since_commit = 0;
		}
		if (cp->o.progress != NULL)
			cp->o.progress(cp->o.cb_data, p->range, acc->read, acc->written);
	}
}

/* part_done: every row's outcome is known (a COPY ended, LOAD DATA waited for), so
 * the account is final before the reject lines go out; the ledger's done-mark joins
 * the last transaction (step 3). */
static int
part_done(struct part *p, int64_t t_start, struct rpl_err *err)
{
	struct rpl_copy *cp = p->cp;
	int r = rpl_sink_flush(cp->ch.sink, err);
	if (r < 0 || cp->o.done_sql == NULL)
		return r;
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	p->acc->ms[RPL_PHASE_TOTAL] = copy_ms() - t_start;
	cp->o.done_sql(cp->o.done_data, p->acc, &sql);
	if (!rpl_sbuf_ok(&sql))
		r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
	else if (cp->o.claim_sql != NULL)   /* the done-mark touches the row only under the claim */
		r = rpl_sink_exec_claimed(cp->ch.sink, rpl_sbuf_str(&sql), err);
	else
		r = rpl_sink_exec(cp->ch.sink, rpl_sbuf_str(&sql), err);
	rpl_sbuf_fini(&sql);
	return r;
}

static void
part_account_init(struct rpl_part_account *acc, const struct rpl_range *range)
{
	int attempts = acc->attempts;
	int64_t disable_ms = acc->ms[RPL_PHASE_DISABLE_IDX];
	memset(acc, 0, sizeof *acc);
	acc->attempts = attempts;
	acc->ms[RPL_PHASE_DISABLE_IDX] = disable_ms;
	acc->range = *range;
	acc->state = RPL_PART_PENDING;
	acc->err.row = -1;
}

static int
copy_partition_once(struct rpl_copy *cp, const struct rpl_range *range, bool split,
                    struct rpl_part_account *acc, struct rpl_err *err)
{
	struct part p = { .cp = cp, .range = range, .acc = acc, .spool = RPL_REJECT_SPOOL_INIT(cp->o.rejects) };
	struct reader rd = { .started = false };
	bool rd_init = false;
	int64_t t_start = copy_ms(), t;
	int r;
	part_account_init(acc, range);
	rpl_range_label(range, p.label, sizeof p.label);
	if (!range->all && cp->o.date_column == NULL) {
		r = rpl_err_set(err, RPL_EINVAL, "table %s has no date_column: only full copies", cp->label);
		goto out;
	}
	if ((r = part_begin(&p, split, err)) < 0)
		goto out;
	t = copy_ms();
	rd_init = true;
	if ((r = reader_start(&rd, cp, range, err)) < 0 || (r = part_stream(&p, &rd, err)) < 0)
		goto out;
	acc->ms[RPL_PHASE_INSERT] = copy_ms() - t - acc->ms[RPL_PHASE_COMMIT];
	/* The reject lines go out before the last commit, so a file that cannot take them
	 * fails the partition; an attempt that does not get here drops them (reject.h). */
	if ((r = part_done(&p, t_start, err)) == 0 && (r = rpl_reject_spool_publish(&p.spool, err)) == 0)
		r = timed_commit(&p, true, err);
out:
	if (rd_init)
		reader_finish(&rd);
	rpl_reject_spool_drop(&p.spool);
	cp->buf = &cp->ch.bufs[0];
	rpl_sink_end(cp->ch.sink);
	if (r < 0) {
		rpl_sink_rollback(cp->ch.sink);
		rpl_source_abort(cp->ch.source);   /* a COPY or a SELECT may still be streaming */
		rpl_err_where(err, cp->label, NULL, -1);
		acc->state = RPL_PART_FAILED;
		acc->err = *err;
		acc->written = p.committed;   /* the rest was rolled back: count what stays */
	} else {
		acc->state = RPL_PART_DONE;
	}
	acc->ms[RPL_PHASE_TOTAL] = copy_ms() - t_start;
	return r;
}
