/* daemon/rpc_server.h: the control socket: a Unix stream socket (mode 0660), many
 * clients, newline-framed JSON-RPC through rpc.h.
 *
 * DESIGN. Everything runs on the loop. Memory per client is bounded: the partial
 * line (rpc.h: at most 1 MiB), and the answers not yet written: above
 * RD_RPC_WQ_HIGH the client is no longer read (it gets its answers first), above
 * RD_RPC_WQ_MAX it is dropped. A message must be whole within the message deadline
 * of its first byte (a client sending a byte a second used to be kept for ever:
 * each byte reset a per-read timer), and a pending answer read within it; an idle
 * client is closed after the idle timeout. At most max_clients connections, the
 * last few kept for root and our own user so a crowd cannot lock them out; a
 * client over the limit gets one error line naming it and is closed. The
 * peer's credentials are read at accept (SO_PEERCRED, SO_PEERGROUPS); a write
 * method is allowed for uid 0, the daemon's own uid, or a peer whose primary or
 * supplementary groups include the socket file's group (looked up at each call,
 * so `chgrp` on the socket takes effect at once). */
#ifndef RD_RPC_SERVER_H
#define RD_RPC_SERVER_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "rpc.h"

#define RD_RPC_MAX_CLIENTS 256          /* defaults; limits.* in the config set them */
#define RD_RPC_RESERVED_CLIENTS 8       /* of max_clients, only for root and our own uid */
#define RD_RPC_WQ_HIGH (1024 * 1024)
#define RD_RPC_WQ_MAX (16 * 1024 * 1024)
#define RD_RPC_STALL_MS 30000

struct rd_rpc_server;

struct rd_rpc_stats { uint64_t requests, clients_total, clients_dropped; size_t clients; };

/* rd_rpc_server_new: t and ctx are borrowed for the server's life. */
struct rd_rpc_server *rd_rpc_server_new(uv_loop_t *loop, const struct rd_rpc_table *t, void *ctx);

/* rd_rpc_server_listen binds path (a stale socket nobody listens on is removed; a
 * live one is an error) with mode 0660 and listens. */
int rd_rpc_server_listen(struct rd_rpc_server *s, const char *path, char *err, size_t errlen);

/* rd_rpc_server_close stops listening and closes every client; the socket file is
 * removed. rd_rpc_server_free once the loop has run the closes. */
void rd_rpc_server_close(struct rd_rpc_server *s);
void rd_rpc_server_free(struct rd_rpc_server *s);

void rd_rpc_server_stats(const struct rd_rpc_server *s, struct rd_rpc_stats *st);

/* rd_rpc_server_limits sets, before listen, the most clients at once (the last
 * RD_RPC_RESERVED_CLIENTS only for uid 0 and our own), how long an idle client
 * (nothing read, nothing pending) is kept (0: for ever), and the deadline for a
 * whole message from its first byte, and for reading a pending answer. */
void rd_rpc_server_limits(struct rd_rpc_server *s, int max_clients, uint64_t idle_ms, uint64_t message_ms);

#endif
