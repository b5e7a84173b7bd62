/* daemon/rpc.h: the control protocol's framing and JSON-RPC 2.0 dispatch
 * (docs/protocol.md), without any I/O: the socket
 * server (rpc_server.c) feeds bytes in and writes the answers out, and the unit
 * tests feed the same functions directly.
 *
 * Framing: one JSON text per line, '\n'-terminated ("\r\n" accepted), at most
 * RD_RPC_MAX_MSG bytes without the newline. A longer line is answered with one
 * -32600 error and its bytes are discarded through the next newline, so memory per
 * client stays bounded and the connection stays usable.
 *
 * Dispatch: one table of {name, fn, flags}; RD_RPC_WRITE methods need a peer that
 * may write (decided by the caller from SO_PEERCRED), otherwise -32003. Batches
 * (a JSON array) are answered with an array; notifications (no "id") get no answer. */
#ifndef RD_RPC_H
#define RD_RPC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define RD_RPC_MAX_MSG (1024 * 1024)

/* JSON-RPC codes, and ours (-32000..-32099; docs/protocol.md lists them) */
enum {
	RD_RPC_PARSE = -32700, RD_RPC_INVALID = -32600, RD_RPC_NO_METHOD = -32601, RD_RPC_PARAMS = -32602,
	RD_RPC_INTERNAL = -32603,
	RD_RPC_UNKNOWN_JOB = -32001, RD_RPC_BAD_STATE = -32002, RD_RPC_NOT_PERMITTED = -32003,
	RD_RPC_UNKNOWN_TABLE = -32004, RD_RPC_DUPLICATE = -32005, RD_RPC_STOPPING = -32006,
	RD_RPC_BUSY = -32007,
};

/* ---- framing ---- */

struct rd_frame {
	char *buf;        /* owned; the partial line */
	size_t len, cap;
	size_t max;       /* longest accepted line */
	bool discarding;  /* inside a line that was too long */
};

/* rd_frame_line_fn gets each complete line (borrowed, without its newline, not
 * NUL-terminated) or, once per over-long line, line == NULL. Return false to stop
 * (the client is being closed). */
typedef bool (*rd_frame_line_fn)(void *data, const char *line, size_t len);

void rd_frame_init(struct rd_frame *f, size_t max);
void rd_frame_fini(struct rd_frame *f);

/* rd_frame_feed consumes n bytes. Returns 0, 1 if fn asked to stop, -1 out of memory. */
int rd_frame_feed(struct rd_frame *f, const char *data, size_t n, rd_frame_line_fn fn, void *ud);

/* ---- dispatch ---- */

struct rd_rpc_error {
	int code;
	char message[512];
	json_t *data;     /* owned; NULL or extra detail */
};

/* rd_rpc_fn handles one call: params is always an object (borrowed). On success it
 * stores a new reference in *result and returns 0; otherwise it fills e (code,
 * message, optional data) and returns -1. */
typedef int (*rd_rpc_fn)(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e);

enum { RD_RPC_READ = 0, RD_RPC_WRITE = 1 << 0 };

struct rd_rpc_method { const char *name; rd_rpc_fn fn; unsigned flags; };

struct rd_rpc_table { const struct rd_rpc_method *methods; size_t n; };

/* rd_rpc_error_set fills e; returns -1 for `return rd_rpc_error_set(...)`. */
int rd_rpc_error_set(struct rd_rpc_error *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* rd_rpc_process handles one message: line (borrowed, len bytes) or, when line is
 * NULL, the "too large" case. Returns the answer to send (new reference; an object
 * or an array), or NULL when nothing is to be sent (notifications). may_write says
 * whether the peer may call RD_RPC_WRITE methods. */
json_t *rd_rpc_process(const struct rd_rpc_table *t, void *ctx, bool may_write, const char *line, size_t len);

/* rd_rpc_set_batch_budget sets how long (ms) one batch may run before its remaining
 * calls are answered -32007 unrun (limits.batch_ms; default 20). Loop thread. */
void rd_rpc_set_batch_budget(uint64_t ms);

/* ---- answers that wait (issue #20: a submit in a cluster asks the target's ledger,
 * off the loop, before it answers) ----
 * A method that cannot answer at once calls rd_rpc_defer while it runs; given a
 * reply, it returns RD_RPC_DEFERRED and later answers through the reply, exactly
 * once, on the loop. A reply can be had only for a single call (not one of a
 * batch, whose answers go out together) from a peer (rd_rpc_process_peer); its
 * answer is dropped if the peer went away meanwhile. */
#define RD_RPC_DEFERRED 1

struct rd_rpc_reply;

/* struct rd_rpc_peer: the connection a deferred answer goes to (rpc_server.c's
 * client). hold: a reply to it begins; send: the reply's answer (borrowed; NULL for a
 * notification's), after which the reply is gone. */
struct rd_rpc_peer {
	void (*hold)(struct rd_rpc_peer *p, struct rd_rpc_reply *r);
	void (*send)(struct rd_rpc_peer *p, struct rd_rpc_reply *r, json_t *answer);
};

struct rd_rpc_reply {
	json_t *id;                          /* owned; NULL for a notification */
	struct rd_rpc_peer *peer;            /* NULL once the peer is gone (rd_rpc_reply_orphan) */
	struct rd_rpc_reply *prev, *next;    /* the peer's list of pending replies */
};

/* rd_rpc_process_peer is rd_rpc_process whose calls may defer their answer to peer
 * (borrowed until each of its replies is sent or orphaned). */
json_t *rd_rpc_process_peer(const struct rd_rpc_table *t, void *ctx, bool may_write, const char *line, size_t len,
                            struct rd_rpc_peer *peer);

/* rd_rpc_defer: a reply for the call now running, or NULL where it cannot wait (a
 * batch, no peer). Loop thread, from a method only. */
struct rd_rpc_reply *rd_rpc_defer(void);

/* rd_rpc_reply_result answers r with result (taken), rd_rpc_reply_error with e (its
 * data taken); rd_rpc_reply_drop ends r without an answer (the method answered at once
 * after all). Each frees r. */
void rd_rpc_reply_result(struct rd_rpc_reply *r, json_t *result);
void rd_rpc_reply_error(struct rd_rpc_reply *r, struct rd_rpc_error *e);
void rd_rpc_reply_drop(struct rd_rpc_reply *r);

/* rd_rpc_reply_orphan: r's peer is gone; its answer will go nowhere. */
void rd_rpc_reply_orphan(struct rd_rpc_reply *r);

/* rd_rpc_dump serialises an answer as one line with its '\n' (malloc'ed, *n set). */
char *rd_rpc_dump(json_t *answer, size_t *n);

#endif
