/* daemon/rpc_server.h: the control socket: a Unix stream socket (mode 0660), many
 * clients, newline-framed JSON-RPC through rpc.h.
 *
 * DESIGN. Everything runs on the loop. Memory per client is bounded: the partial
 * line (rpc.h: at most 1 MiB), and the answers not yet written: above
 * RD_RPC_WQ_HIGH the client is no longer read (it gets its answers first), above
 * RD_RPC_WQ_MAX it is dropped. A client that leaves half a message or its answers
 * unread for RD_RPC_STALL_MS is dropped; an idle client with nothing pending may
 * stay. At most RD_RPC_MAX_CLIENTS connections; more are closed at once. The
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

#define RD_RPC_MAX_CLIENTS 256
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

#endif
