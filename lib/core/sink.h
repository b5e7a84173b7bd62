/* lib/core/sink.h: the sink interface. One adapter per way of writing a table: ODBC
 * parameter arrays (odbc_sink.c: row-wise, column-wise for Connector/ODBC, row by row
 * for sqliteodbc), PostgreSQL COPY FROM through libpq (pg_sink.c), MariaDB LOAD DATA
 * LOCAL (mariadb_sink.c), SQLite through its library (sqlite_sink.c). The copy loop
 * calls only the functions below and names no engine; which adapter serves a
 * connection is decided once per table by rpl_sink_open (the list is adapters.c),
 * and again by rpl_sink_fallback when a bulk path itself is refused.
 *
 * DESIGN. A sink owns the target side of a partition on one connection, so the
 * range DELETE, the rows, the ledger's done-mark and the last COMMIT share one
 * transaction (docs/architecture.md "One row, from source to target"). Per table:
 *   rpl_sink_open(conn, want)       pick and open the adapter
 *   rpl_sink_layout_flags(k)        RPL_XFER_* flags for the buffer layout
 *   rpl_sink_fit(k, layout)         its statements and bindings for that layout
 * Per partition attempt:
 *   rpl_sink_begin(k, delete_sql, batch)   the transaction, with the range DELETE
 *   rpl_sink_start(k, split, refused, data) ready for rows (a COPY is opened)
 *   rpl_sink_put(k, b, n, &written)  per chunk; rows the server refuses alone go to
 *                                   refused, the others load
 *   rpl_sink_commit(k, last)        every commit_rows, and last
 *   rpl_sink_exec(k, done_sql)      the done-mark, inside the last transaction
 *   rpl_sink_end(k), and on failure rpl_sink_rollback(k)
 * A bulk sink whose statement the server refuses for its data (rpl_sink_refused)
 * is started again with split: each chunk in statements split around the refused
 * rows. One whose statement itself is refused (rpl_sink_unusable: local_infile off)
 * is replaced for the rest of the copy by the next one (rpl_sink_fallback).
 *
 * Threads: a sink belongs to the copying (writer) thread; an adapter may run its
 * own helper thread (LOAD DATA's loader), waited for by flush. The connection is
 * borrowed and kept open by the caller until rpl_sink_close. */
#ifndef RPL_SINK_H
#define RPL_SINK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct rpl_conn;
struct rpl_sqlgen;
struct rpl_xbuf;
struct rpl_sink;

/* rpl_sink_refused_fn: row (an index into the buffer put) was refused alone by the
 * target; why is the whole reason as the reject file gives it ("target refused the
 * row: …"), words the server's own words, column the column the server named and
 * constraint the constraint (each NULL: none). < 0 stops the partition. */
typedef int (*rpl_sink_refused_fn)(void *data, size_t row, const char *why, const char *words,
                                   const char *column, const char *constraint, struct rpl_err *err);

/* When a statement of a partition is sent (explain): once before the rows, for every
 * chunk, at every commit_rows commit, or once at the end (the done-mark's place is
 * given as a NULL statement). */
enum rpl_sink_at { RPL_SINK_AT_START, RPL_SINK_AT_CHUNK, RPL_SINK_AT_COMMIT, RPL_SINK_AT_END };
/* rpl_sink_explain_fn receives one statement a partition sends, in order. */
typedef void (*rpl_sink_explain_fn)(void *data, enum rpl_sink_at at, const char *statement);

struct rpl_sink_ops {
	const char *name;    /* "odbc", "odbc-columns", "odbc-row-by-row", "pg-copy", "mariadb-load", "sqlite" */
	const char *bulk;    /* the bulk statement as messages name it ("COPY"); NULL: none */
	int (*fit)(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err);
	int (*begin)(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err);
	int (*start)(struct rpl_sink *k, struct rpl_err *err);
	int (*put)(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err);
	int (*flush)(struct rpl_sink *k, struct rpl_err *err);
	/* exec: *rows (when rows is not NULL) gets the rows the statement touched */
	int (*exec)(struct rpl_sink *k, const char *sql, int64_t *rows, struct rpl_err *err);
	int (*commit)(struct rpl_sink *k, bool last, struct rpl_err *err);
	void (*rollback)(struct rpl_sink *k);
	void (*end)(struct rpl_sink *k);
	bool (*refused)(const struct rpl_sink *k, const struct rpl_err *e);
	bool (*unusable)(const struct rpl_sink *k, const struct rpl_err *e);
	void (*close)(struct rpl_sink *k);
	void (*explain)(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn,
	                void *data);
};

/* The part every adapter shares; each adapter's own struct begins with it. */
struct rpl_sink {
	const struct rpl_sink_ops *ops;
	struct rpl_conn *conn;        /* borrowed: the ODBC connection of the target */
	unsigned layout_flags;        /* RPL_XFER_DST_*: what the layout must know of this writer */
	bool by_value;                /* reads the buffer value by value (out-of-line values do) */
	bool split;                   /* this partition: statements split around refused rows */
	rpl_sink_refused_fn refused_fn;   /* set by start */
	void *refused_data;
	char why[400];                /* why this adapter, for people */
};

struct rpl_sink_want {
	const char *label;            /* borrowed: the table, for messages */
	bool odbc_only;               /* through ODBC only (load.bulk "odbc") */
	bool text_copy;               /* PostgreSQL COPY in the text format */
	const struct rpl_sqlgen *g;   /* borrowed until close: the statements' text */
	bool dry;                     /* choose and explain only, open nothing (the dry run):
	                               * a side without a connection string (--target-dialect)
	                               * is taken as one its native path could serve */
};

/* rpl_sink_open picks the adapter that serves conn (the first of adapters.c's list
 * that can, else ODBC parameter arrays) and opens it. conn and w->g borrowed. */
int rpl_sink_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                  struct rpl_err *err);
/* rpl_sink_fallback closes *k after its bulk statement was refused (rpl_sink_unusable)
 * and opens the ODBC adapter instead, saying why; lay out and fit again. */
int rpl_sink_fallback(struct rpl_sink **k, const struct rpl_sink_want *w, const struct rpl_err *why,
                      struct rpl_err *err);
/* rpl_sink_layout_flags: the RPL_XFER_* flags to pass to rpl_xbuf_layout for this sink
 * (with the source's: rpl_source_layout_flags, whose sink_by_value is k->by_value). */
unsigned rpl_sink_layout_flags(const struct rpl_sink *k);
/* rpl_sink_fit builds the sink's statements and bindings for buffers laid out as
 * layout (borrowed until the next fit or close). Between partitions only. */
int rpl_sink_fit(struct rpl_sink *k, const struct rpl_xbuf *layout, struct rpl_err *err);
/* rpl_sink_begin opens the partition's transaction with delete_sql in it; batch > 0
 * (sqlgen.h rpl_sqlgen_delete) runs it first in autocommit until it deletes fewer. */
int rpl_sink_begin(struct rpl_sink *k, const char *delete_sql, long batch, struct rpl_err *err);
/* rpl_sink_start readies the rows of a partition; split: in statements split around
 * refused rows; refused (with data) takes the rows refused alone. */
int rpl_sink_start(struct rpl_sink *k, bool split, rpl_sink_refused_fn refused, void *data,
                   struct rpl_err *err);
/* rpl_sink_put sends rows [0, n) of b (which it may reorder to drop refused rows);
 * *written: the rows that loaded (the others went to refused). */
int rpl_sink_put(struct rpl_sink *k, struct rpl_xbuf *b, size_t n, size_t *written, struct rpl_err *err);
/* rpl_sink_flush waits for rows still loading and returns their outcome. */
int rpl_sink_flush(struct rpl_sink *k, struct rpl_err *err);
/* rpl_sink_exec runs sql in the open transaction, after the rows sent so far. */
int rpl_sink_exec(struct rpl_sink *k, const char *sql, struct rpl_err *err);
/* rpl_sink_exec_claimed is rpl_sink_exec for a statement on the partition's ledger row
 * that touches it only while this process holds the partition's claim (claim.h):
 * any other count is RPL_ECLAIM, and the caller rolls back. */
int rpl_sink_exec_claimed(struct rpl_sink *k, const char *sql, struct rpl_err *err);
/* rpl_sink_commit commits; unless last, the next rows go on in a new transaction. */
int rpl_sink_commit(struct rpl_sink *k, bool last, struct rpl_err *err);
/* rpl_sink_rollback undoes the open transaction (a running load is waited for, a COPY
 * aborted); errors are dropped: the partition has already failed. */
void rpl_sink_rollback(struct rpl_sink *k);
/* rpl_sink_end frees what the partition held (before a rollback). */
void rpl_sink_end(struct rpl_sink *k);
/* rpl_sink_refused: did the bulk statement refuse rows that split statements can
 * isolate? rpl_sink_unusable: was the bulk statement itself refused? */
bool rpl_sink_refused(const struct rpl_sink *k, const struct rpl_err *e);
bool rpl_sink_unusable(const struct rpl_sink *k, const struct rpl_err *e);
/* rpl_sink_close frees k (its native connection, files, thread); safe on NULL. */
void rpl_sink_close(struct rpl_sink *k);
/* rpl_sink_explain calls fn with each statement a partition sends, in order, as the
 * sink sends it; at RPL_SINK_AT_END a NULL statement stands for the done-mark
 * (rpl_sink_exec), which comes from the ledger. */
void rpl_sink_explain(const struct rpl_sink *k, const char *delete_sql, long batch, rpl_sink_explain_fn fn,
                      void *data);
/* rpl_sink_name: the adapter's short name; rpl_sink_why: why it was chosen. */
const char *rpl_sink_name(const struct rpl_sink *k);
/* rpl_sink_bulk: the bulk statement as messages name it ("COPY", "LOAD DATA"), or
 * "INSERT" for a sink without one. */
const char *rpl_sink_bulk(const struct rpl_sink *k);
const char *rpl_sink_why(const struct rpl_sink *k);

/* rpl_sink_refused_row, for adapters: passes a row the server refused alone (reason:
 * its words) to the sink's refused callback; sink is the struct rpl_sink. */
int rpl_sink_refused_row(void *sink, size_t row, const char *reason, const char *column, const char *constraint,
                         struct rpl_err *err);

/* For adapters.c, as for sources (source.h). */
typedef int (*rpl_sink_open_fn)(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                                char *why_not, size_t why_len, struct rpl_err *err);
extern const rpl_sink_open_fn rpl_sink_adapters[];   /* NULL-terminated, tried in order */
/* rpl_odbc_sink_open: parameter arrays, the adapter every connection has (odbc_sink.c). */
int rpl_odbc_sink_open(struct rpl_conn *conn, const struct rpl_sink_want *w, struct rpl_sink **out,
                       struct rpl_err *err);

#endif
