/* lib/core/source.h: the source interface. One adapter per way of reading a table:
 * ODBC block cursor (odbc_source.c), ODBC keyset slices (odbc_slices.c), PostgreSQL
 * COPY TO through libpq (pg_source.c), MariaDB through libmariadb
 * (mariadb_source.c), SQLite through its library (sqlite_source.c). The copy's
 * reader, verify and scan call only the functions below and name no engine; which
 * adapter serves a connection is decided once, by rpl_source_open (the list is
 * adapters.c), and rpl_source_why says why in words for the dry run.
 *
 * DESIGN. Life of a source, for one table:
 *   rpl_source_open(conn, want)      pick and open the adapter for this connection
 *   rpl_source_layout_flags(s, ...)  the RPL_XFER_* flags to lay the buffer out with
 *   rpl_xbuf_layout(...)             (the caller's: it knows both sides' catalogs)
 *   rpl_source_fit(&s, layout, sql)  1: this adapter cannot read that layout; s is now
 *                                    the ODBC adapter: lay out again and fit again
 *   { rpl_source_start(s, sql, range); rpl_source_fetch(...) until n == 0;
 *     rpl_source_finish(s), or on failure also rpl_source_abort(s) }   per range
 *   rpl_source_close(s)
 * Any SELECT text of the caller's may be started (verify adds ORDER BY the key);
 * the columns it returns must be the layout's, in order.
 *
 * Threads: a source belongs to one thread at a time. start and fetch may run on a
 * reader thread other than the one that opened it, as long as the caller hands it
 * over (the copy's reader thread is joined before finish). The connection is
 * borrowed: the caller keeps it open until rpl_source_close, and sends nothing on
 * it between start and finish. */
#ifndef RPL_SOURCE_H
#define RPL_SOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

struct rpl_conn;
struct rpl_range;
struct rpl_sqlgen;
struct rpl_xbuf;
struct rpl_source;

/* rpl_explain_fn receives one statement an adapter sends, in order (explain). */
typedef void (*rpl_explain_fn)(void *data, const char *statement);

struct rpl_source_ops {
	const char *name;   /* short, stable: "odbc", "odbc-slices", "pg-copy", "mariadb", "sqlite" */
	/* fit: can the adapter read a buffer laid out as layout (borrowed until close:
	 * start binds to it) with select_sql? 0 yes, 1 no (s->why says why), < 0 error. */
	int (*fit)(struct rpl_source *s, const struct rpl_xbuf *layout, const char *select_sql,
	           struct rpl_err *err);
	/* start runs select_sql; range (may be NULL) lets keyset slices write their own
	 * slices of it with want.g */
	int (*start)(struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
	             struct rpl_err *err);
	/* fetch fills b (laid out as the fitted layout) with the next rows; *n = 0 at the end */
	int (*fetch)(struct rpl_source *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);
	void (*finish)(struct rpl_source *s);   /* end the statement, keep the connection */
	void (*abort)(struct rpl_source *s);    /* a read stopped early: drop what still streams */
	void (*close)(struct rpl_source *s);    /* frees s */
	/* explain gives the statements start sends for select_sql and range, in order,
	 * with the text it sends */
	void (*explain)(const struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
	                rpl_explain_fn fn, void *data);
};

/* The part every adapter shares; each adapter's own struct begins with it. */
struct rpl_source {
	const struct rpl_source_ops *ops;
	struct rpl_conn *conn;     /* borrowed: the ODBC connection of the side read */
	unsigned layout_flags;     /* RPL_XFER_SRC_*: what the layout must know of this reader */
	bool fills;                /* writes each value into the buffer itself, so text and
	                            * binary values may live out of line (xfer.h RPL_XFER_OOL) */
	bool native_read;          /* reads plain columns, no driver workaround in the SELECT
	                            * (struct rpl_sqlgen native_read) */
	char why[400];             /* why this adapter (and not another), for people */
};

/* What the caller asks of a source. Everything borrowed. */
struct rpl_source_want {
	const char *label;             /* the table as users name it, for messages */
	bool odbc_only;                /* through ODBC only: load.bulk "odbc", or a probe that
	                                * should open no other connection */
	bool text_copy;                /* PostgreSQL COPY in the text format even where the
	                                * binary one would do (rpl_copy_opts.text_copy) */
	const struct rpl_sqlgen *g;    /* NULL, or the copy's statements (until close): with
	                                * it, a MariaDB source read through ODBC with a key is
	                                * read in keyset slices of the range given to start
	                                * (odbc_slices.h); without it, one SELECT */
};

/* rpl_source_open picks the adapter that serves conn (the first of adapters.c's list
 * that can, else ODBC), opens it (a native library connects here) and stores it in
 * *out, to be closed with rpl_source_close. (*out)->why says why. conn borrowed. */
int rpl_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                    struct rpl_err *err);

/* rpl_source_layout_flags: the RPL_XFER_* flags to pass to rpl_xbuf_layout for this
 * source; sink_by_value: the sink reads the buffer value by value (a native sink),
 * so out-of-line values can serve both sides. */
unsigned rpl_source_layout_flags(const struct rpl_source *s, bool sink_by_value);

/* rpl_source_fit tells *s the layout (borrowed until close) and a SELECT it will be
 * given. Returns 0 when *s reads it, 1 when it could not and *s was closed and
 * replaced by the ODBC adapter of the same connection (why says both): lay the
 * buffer out again with the new flags and fit again. */
int rpl_source_fit(struct rpl_source **s, const struct rpl_source_want *w, const struct rpl_xbuf *layout,
                   const char *select_sql, struct rpl_err *err);

/* rpl_source_start runs select_sql (range may be NULL: see the ops). */
int rpl_source_start(struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
                     struct rpl_err *err);

/* rpl_source_fetch empties b's out-of-line heap and fills b with the next rows;
 * *n = 0 at the end. On the thread that owns s (the copy's reader). */
int rpl_source_fetch(struct rpl_source *s, struct rpl_xbuf *b, size_t *n, struct rpl_err *err);

/* rpl_source_finish ends the statement and keeps the connection; safe when start
 * failed or never ran. */
void rpl_source_finish(struct rpl_source *s);

/* rpl_source_abort drops a read that stopped before its end (after a failure),
 * which may cost a reconnect at the next start. */
void rpl_source_abort(struct rpl_source *s);

/* rpl_source_close frees s; safe on NULL. */
void rpl_source_close(struct rpl_source *s);

/* rpl_source_explain calls fn with each statement rpl_source_start sends for
 * select_sql and range, in order, with the same text. */
void rpl_source_explain(const struct rpl_source *s, const char *select_sql, const struct rpl_range *range,
                        rpl_explain_fn fn, void *data);

/* rpl_source_name: the adapter's short name; rpl_source_why: why it was chosen. */
const char *rpl_source_name(const struct rpl_source *s);
const char *rpl_source_why(const struct rpl_source *s);

/* For adapters.c: an adapter's opener stores NULL in *out, without error, when it
 * cannot serve conn, and may then say why in why_not (why_len bytes). */
typedef int (*rpl_source_open_fn)(struct rpl_conn *conn, const struct rpl_source_want *w,
                                  struct rpl_source **out, char *why_not, size_t why_len, struct rpl_err *err);
extern const rpl_source_open_fn rpl_source_adapters[];   /* NULL-terminated, tried in order */
/* rpl_odbc_source_open: the adapter every connection has (odbc_source.c). */
int rpl_odbc_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                         struct rpl_err *err);

#endif
