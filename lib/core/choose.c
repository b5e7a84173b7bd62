/* lib/core/choose.c: the chooser (choose.h). Names no engine: each adapter decides
 * whether it can serve a connection (adapters.c), and says why. */
#include "choose.h"
#include "sbuf.h"
#include "sqlgen.h"
#include <stdio.h>
#include <string.h>

/* choose_layout lays out both buffers for the source and sink chosen: text, binary
 * and unbounded decimal values go out of line where the source fills the buffer
 * itself and the sink reads it value by value (xfer.h); then the sink builds its
 * statements for it. */
static int
choose_layout(struct rpl_choice *ch, struct rpl_err *err)
{
	unsigned flags = rpl_source_layout_flags(ch->source, ch->sink->by_value) | rpl_sink_layout_flags(ch->sink);
	int r = 0;
	for (int k = 0; k < 2 && r == 0; k++) {
		rpl_xbuf_fini(&ch->bufs[k]);
		memset(&ch->bufs[k], 0, sizeof ch->bufs[k]);
		r = rpl_xbuf_layout(&ch->bufs[k], ch->in.sc, ch->in.dc, ch->in.ncols, ch->src->engine, ch->dst->engine,
		                    flags, ch->in.chunk_bytes, err);
	}
	return r < 0 ? r : rpl_sink_fit(ch->sink, &ch->bufs[0], err);
}

/* choose_fit_source tells the source the layout and the SELECT of the whole table; a
 * native reader that cannot read them (libmariadb and a column type it does not
 * convert) gives way to ODBC, and the buffers are laid out again for it. */
static int
choose_fit_source(struct rpl_choice *ch, struct rpl_err *err)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct rpl_range all = { .all = true };
	int r = 0;
	for (int pass = 0; pass < 2; pass++) {
		rpl_sbuf_reset(&sql);
		rpl_sqlgen_select(ch->in.g, &all, &sql);
		if (!rpl_sbuf_ok(&sql)) {
			r = rpl_err_set(err, RPL_ENOMEM, "out of memory");
			break;
		}
		if ((r = rpl_source_fit(&ch->source, &ch->src_want, &ch->bufs[0], sql.s, err)) <= 0)
			break;
		ch->in.g->native_read = ch->source->native_read;
		if ((r = choose_layout(ch, err)) < 0)
			break;
	}
	rpl_sbuf_fini(&sql);
	return r < 0 ? r : 0;
}

int
rpl_choose(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_choose_in *in, struct rpl_choice *ch,
           struct rpl_err *err)
{
	memset(ch, 0, sizeof *ch);
	ch->in = *in;
	ch->src = src;
	ch->dst = dst;
	ch->src_want = (struct rpl_source_want){ .label = in->label, .odbc_only = in->odbc_only,
	                                         .text_copy = in->text_copy, .g = in->g };
	ch->dst_want = (struct rpl_sink_want){ .label = in->label, .odbc_only = in->odbc_only,
	                                       .text_copy = in->text_copy, .g = in->g, .dry = in->dry };
	int r = rpl_source_open(src, &ch->src_want, &ch->source, err);
	if (r == 0) {
		/* the SELECT reads plain columns for a reader that is not ODBC (sqlgen.h) */
		in->g->native_read = ch->source->native_read;
		r = rpl_sink_open(dst, &ch->dst_want, &ch->sink, err);
	}
	if (r == 0 && (r = choose_layout(ch, err)) == 0)
		r = choose_fit_source(ch, err);
	if (r < 0)
		rpl_choice_fini(ch);
	return r;
}

int
rpl_choose_fallback(struct rpl_choice *ch, const struct rpl_err *why, struct rpl_err *err)
{
	int r = rpl_sink_fallback(&ch->sink, &ch->dst_want, why, err);
	return r < 0 ? r : choose_layout(ch, err);
}

void
rpl_choice_reasons(const struct rpl_choice *ch, void (*fn)(void *data, const char *what, const char *why),
                   void *data)
{
	char line[600], what[64];
	bool ool = false;
	for (size_t i = 0; i < ch->bufs[0].ncols; i++)
		ool = ool || ch->bufs[0].cols[i].ool;
	snprintf(what, sizeof what, "source %s", rpl_source_name(ch->source));
	fn(data, what, rpl_source_why(ch->source));
	snprintf(what, sizeof what, "sink %s", rpl_sink_name(ch->sink));
	fn(data, what, rpl_sink_why(ch->sink));
	snprintf(line, sizeof line, "%zu rows a chunk (%zu bytes a row in line, load.chunk_bytes %lld)%s",
	         ch->bufs[0].rows, ch->bufs[0].row_size, (long long)ch->in.chunk_bytes,
	         ool ? "; text, binary and unbounded decimal values out of line: the source writes each value and the"
	               " sink reads each one"
	             : "");
	fn(data, "buffer", line);
}

void
rpl_choice_fini(struct rpl_choice *ch)
{
	rpl_source_close(ch->source);
	rpl_sink_close(ch->sink);
	rpl_xbuf_fini(&ch->bufs[0]);
	rpl_xbuf_fini(&ch->bufs[1]);
	ch->source = NULL;
	ch->sink = NULL;
}
