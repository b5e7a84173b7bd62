/* lib/core/choose.h: the one place that decides, once per table, how a copy reads and
 * writes: the source adapter (source.h), the sink adapter (sink.h), the transport
 * buffer's layout (xfer.h: C types, rows per chunk, values in or out of line) and so
 * the keyset slice size, each with its reason in words. The copy (copy.c) and the
 * dry run (replicad run --dry-run) both call rpl_choose, so the dry run prints what a
 * run does; a refused bulk load's fallback is rpl_choose_fallback, the same decision
 * taken again without that sink. */
#ifndef RPL_CHOOSE_H
#define RPL_CHOOSE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "sink.h"
#include "source.h"
#include "xfer.h"

struct rpl_conn;
struct rpl_column;
struct rpl_sqlgen;

struct rpl_choose_in {
	const char *label;                    /* borrowed: the table, for messages */
	struct rpl_sqlgen *g;                 /* borrowed until rpl_choice_fini; rpl_choose sets
	                                       * its native_read for the source chosen */
	const struct rpl_column *const *sc;   /* borrowed: matched columns, source ... */
	const struct rpl_column *const *dc;   /* ... and target, ncols each */
	size_t ncols;
	int64_t chunk_bytes;
	bool odbc_only;                       /* load.bulk "odbc", or a probe: no native path */
	bool text_copy;                       /* PostgreSQL COPYs in the text format */
	bool dry;                             /* the dry run: the sink opens nothing (sink.h) */
};

struct rpl_choice {
	struct rpl_choose_in in;              /* as given (borrowed parts still borrowed) */
	struct rpl_conn *src, *dst;           /* borrowed */
	struct rpl_source *source;            /* owned */
	struct rpl_sink *sink;                /* owned */
	struct rpl_source_want src_want;
	struct rpl_sink_want dst_want;
	struct rpl_xbuf bufs[2];              /* owned: two buffers laid out alike (reader, writer) */
};

/* rpl_choose opens the source and sink adapters for src and dst (borrowed, kept open
 * by the caller), lays out both buffers and fits both adapters to them. On failure
 * ch holds nothing to free. */
int rpl_choose(struct rpl_conn *src, struct rpl_conn *dst, const struct rpl_choose_in *in, struct rpl_choice *ch,
               struct rpl_err *err);

/* rpl_choose_fallback: the sink's bulk statement itself was refused (why): the sink
 * gives way to parameter arrays and the buffers are laid out for them. Between
 * partitions only. */
int rpl_choose_fallback(struct rpl_choice *ch, const struct rpl_err *why, struct rpl_err *err);

/* rpl_choice_reasons calls fn with each decision (what: "source", "sink", "buffer")
 * and its reason, in words. */
void rpl_choice_reasons(const struct rpl_choice *ch, void (*fn)(void *data, const char *what, const char *why),
                        void *data);

/* rpl_choice_fini closes both adapters and frees the buffers. */
void rpl_choice_fini(struct rpl_choice *ch);

#endif
