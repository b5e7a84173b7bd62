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

/* rd_rpc_dump serialises an answer as one line with its '\n' (malloc'ed, *n set). */
char *rd_rpc_dump(json_t *answer, size_t *n);

#endif
