/* lib/core/copy_int.h: what the parts of one table's copy share, private to them:
 * the copy itself (struct rpl_copy), the reader thread's handover (struct reader)
 * and the verdicts it passes with each chunk. copy_prepare.c builds a copy,
 * copy_reader.c runs the reader thread, copy.c the partition loop (DESIGN in
 * copy.h). None of them names an engine: the adapters are chosen in choose.c. */
#ifndef RPL_COPY_INT_H
#define RPL_COPY_INT_H
#include "copy.h"
#include "choose.h"
#include "sbuf.h"
#include "sqlgen.h"
#include "xfer.h"
#include <pthread.h>

struct rpl_copy {
	struct rpl_conn *src, *dst;           /* borrowed */
	struct rpl_copy_opts o;               /* strings borrowed */
	struct rpl_table st, dt;              /* owned catalogs */
	const struct rpl_column **sc, **dc;   /* owned arrays: source column i goes to target column dc[i] */
	struct rpl_choice ch;                 /* owned once chosen: source, sink, and the two buffers
	                                       * the reader fills and the writer sends (choose.h) */
	bool chosen;
	struct rpl_xbuf *buf;                 /* the one the writer works on (bufs[0] outside a partition) */
	struct rpl_rules rules;
	bool *judged;                         /* owned: rules.judged */
	bool *nul_only;                       /* owned: rules.nul_only */
	size_t *watch;                        /* owned: rules.watch */
	char label[300];                      /* the table as users name it */
	struct rpl_sqlgen g;                  /* every statement's text (sqlgen.c) */
	bool created;                         /* this copy created the target table (createidx.h) */
	const char **dst_names;               /* owned array (names borrowed from st and o.map):
	                                       * the target name of each source column */
	bool only;                            /* SELECT … FROM ONLY (copy_only) */
	bool plan;                            /* rpl_copy_plan: change nothing, load nothing */
	bool dst_connected;                   /* false: a planned copy's stand-in target */
	bool dst_exists;                      /* the target table was there before this copy */
	size_t n_new;                         /* columns add_new_columns added (planned: would add) */
};

/* The value rules of a chunk are judged on the reader's thread, right after the
 * fetch: the writer (rules and inserts) was the busier of the two threads, by
 * 1.9 G to 1.1 G instructions on a SQLite->SQLite copy. The rules change only the
 * chunk's own buffer, which the reader owns until it posts the slot; what the
 * writer must do with the result (count, reject, drop rows) travels with the
 * slot, and the writer does it in row order as before. */
struct rejection {
	size_t row, col;
	enum rpl_rule rule;
	char why[300];
};
struct verdicts {
	int64_t nulled[RPL_NRULES];   /* values a rule set to NULL (or truncated) */
	int64_t bytes;                /* bytes of the chunk's values */
	struct rejection *rej;        /* owned, in row order */
	size_t nrej, cap;
};

/* The reader: a thread per partition that fetches chunks into the buffer the writer
 * is not using, so reading the next chunk overlaps sending this one (docs/architecture.md
 * "Threads"). It owns the source (source.h) between start and finish.
 * Handover is a two-slot ring under one mutex; the writer frees a slot after
 * sending it. An error or the end is posted like a chunk (n = 0). */
struct reader {
	struct rpl_copy *cp;
	const struct rpl_range *range;
	struct rpl_sbuf sql;          /* owned: the range's SELECT */
	pthread_t th;
	bool started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool full[2];                 /* slot k holds a chunk (or the end) for the writer */
	size_t n[2];
	bool stop;                    /* the writer gave up: fetch no more */
	int rc;                       /* < 0: err holds why the reading stopped */
	struct rpl_err err;
	struct verdicts vd[2];        /* slot k's value rules, judged by the reader */
	int64_t read;                 /* rows fetched before the current chunk */
};

/* copy_reader.c: reader_start runs the range's SELECT and starts the thread;
 * reader_next waits for chunk slot k (*n = 0 at the end; the reader's error on
 * failure); reader_release gives slot k back; reader_finish stops and joins the
 * thread and ends the source's statement. */
int reader_start(struct reader *rd, struct rpl_copy *cp, const struct rpl_range *range, struct rpl_err *err);
int reader_next(struct reader *rd, int k, size_t *n, struct rpl_err *err);
void reader_release(struct reader *rd, int k);
void reader_finish(struct reader *rd);

/* copy_ms: a monotonic clock in milliseconds, for the phase times */
int64_t copy_ms(void);

#endif
