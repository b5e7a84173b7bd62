/* daemon/rpc_server.c: the control socket (see rpc_server.h). */
#include "rpc_server.h"
#include "dlog.h"
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59   /* Linux 4.13 */
#endif
#define MAX_GROUPS 256

struct client {
	uv_pipe_t pipe;                  /* first: the handle's memory is the client's */
	struct rd_rpc_server *srv;
	struct client *prev, *next;
	unsigned id;
	struct rd_frame frame;
	size_t wq_bytes;                 /* answers queued, not yet written */
	bool reading, closing;
	uint64_t last_read_ms, last_write_ms;
	uint64_t msg_start_ms;           /* first byte of the partial message */
	unsigned lines;                  /* messages completed, to see a new one begin */
	uid_t uid;
	gid_t gid;
	pid_t pid;
	gid_t *groups;                   /* owned */
	int ngroups;
	struct rd_rpc_peer peer;         /* where deferred answers go (rpc.h) */
	struct rd_rpc_reply *replies;    /* pending deferred answers (borrowed: their method owns them) */
};

struct rd_rpc_server {
	uv_loop_t *loop;
	const struct rd_rpc_table *table;
	void *ctx;
	uv_pipe_t listener;
	uv_timer_t sweep;
	bool listening, closed;
	char *path;                      /* owned; "" until bound */
	struct client *clients;
	unsigned next_id;
	struct rd_rpc_stats stats;
	int max_clients;
	uint64_t idle_ms, message_ms;
	char rbuf[65536];                /* reads land here; the loop is one thread */
};

struct wreq {
	uv_write_t req;
	struct client *c;
	size_t len;
	char data[];
};

static uint64_t
now_ms(uv_loop_t *loop)
{
	return uv_now(loop);
}

static void
client_on_close(uv_handle_t *h)
{
	struct client *c = h->data;
	rd_frame_fini(&c->frame);
	free(c->groups);
	free(c);
}

static void
client_close(struct client *c, const char *why)
{
	if (c->closing)
		return;
	c->closing = true;
	if (why != NULL) {
		c->srv->stats.clients_dropped++;
		rd_log(RPL_LOG_NOTICE, "rpc", "client=%u pid=%d uid=%u msg=\"dropped: %s\"", c->id, (int)c->pid,
		       (unsigned)c->uid, why);
	}
	for (struct rd_rpc_reply *r = c->replies; r != NULL; r = r->next)
		rd_rpc_reply_orphan(r);   /* their answers go nowhere now */
	c->replies = NULL;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->srv->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->srv->stats.clients--;
	uv_close((uv_handle_t *)&c->pipe, client_on_close);
}

static bool
may_write(const struct client *c)
{
	if (c->uid == 0 || c->uid == geteuid())
		return true;
	struct stat st;
	gid_t g = stat(c->srv->path, &st) == 0 ? st.st_gid : getegid();
	if (c->gid == g)
		return true;
	for (int i = 0; i < c->ngroups; i++)
		if (c->groups[i] == g)
			return true;
	return false;
}

static void client_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf);
static void client_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf);

static void
client_on_write(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct client *c = w->c;
	c->wq_bytes -= w->len;
	c->last_write_ms = now_ms(c->srv->loop);
	free(w);
	if (c->closing)
		return;
	if (status < 0) {
		client_close(c, status == UV_EPIPE || status == UV_ECONNRESET ? NULL : "write failed");
		return;
	}
	if (!c->reading && c->wq_bytes < RD_RPC_WQ_HIGH / 2) {
		if (uv_read_start((uv_stream_t *)&c->pipe, client_on_alloc, client_on_read) == 0)
			c->reading = true;
	}
}

static void
client_send(struct client *c, json_t *answer)
{
	size_t n;
	char *text = rd_rpc_dump(answer, &n);
	if (text == NULL) {
		client_close(c, "out of memory");
		return;
	}
	if (c->wq_bytes + n > RD_RPC_WQ_MAX) {
		free(text);
		client_close(c, "answers not read");
		return;
	}
	struct wreq *w = malloc(sizeof *w + n);
	if (w == NULL) {
		free(text);
		client_close(c, "out of memory");
		return;
	}
	memcpy(w->data, text, n);
	free(text);
	w->c = c;
	w->len = n;
	uv_buf_t b = uv_buf_init(w->data, (unsigned)n);
	if (c->wq_bytes == 0)
		c->last_write_ms = now_ms(c->srv->loop);
	c->wq_bytes += n;
	int r = uv_write(&w->req, (uv_stream_t *)&c->pipe, &b, 1, client_on_write);
	if (r < 0) {
		c->wq_bytes -= n;
		free(w);
		client_close(c, NULL);
		return;
	}
	if (c->reading && c->wq_bytes > RD_RPC_WQ_HIGH) {   /* let it read its answers first */
		uv_read_stop((uv_stream_t *)&c->pipe);
		c->reading = false;
	}
}

/* client_hold and client_send_reply: the peer side of a deferred answer (rpc.h) */
static void
client_hold(struct rd_rpc_peer *p, struct rd_rpc_reply *r)
{
	struct client *c = (struct client *)((char *)p - offsetof(struct client, peer));
	r->prev = NULL;
	r->next = c->replies;
	if (c->replies != NULL)
		c->replies->prev = r;
	c->replies = r;
}

static void
client_send_reply(struct rd_rpc_peer *p, struct rd_rpc_reply *r, json_t *answer)
{
	struct client *c = (struct client *)((char *)p - offsetof(struct client, peer));
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		c->replies = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	if (answer != NULL && !c->closing)
		client_send(c, answer);
}

static bool
client_on_line(void *data, const char *line, size_t len)
{
	struct client *c = data;
	c->lines++;
	if (line != NULL) {
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t'))
			k++;
		if (k == len)
			return true;   /* blank line: keep-alive, no answer */
	}
	c->srv->stats.requests++;
	json_t *answer = rd_rpc_process_peer(c->srv->table, c->srv->ctx, may_write(c), line, len, &c->peer);
	if (answer != NULL) {
		client_send(c, answer);
		json_decref(answer);
	}
	return !c->closing;
}

static void
client_on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct client *c = h->data;
	(void)suggested;
	*buf = uv_buf_init(c->srv->rbuf, sizeof c->srv->rbuf);
}

static void
client_on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct client *c = s->data;
	if (nread < 0) {
		client_close(c, nread == UV_EOF || nread == UV_ECONNRESET ? NULL : "read failed");
		return;
	}
	if (nread == 0)
		return;
	c->last_read_ms = now_ms(c->srv->loop);
	bool had_partial = c->frame.len > 0 || c->frame.discarding;
	unsigned lines = c->lines;
	int r = rd_frame_feed(&c->frame, buf->base, (size_t)nread, client_on_line, c);
	if (r < 0) {
		client_close(c, "out of memory");
		return;
	}
	/* the deadline runs from the first byte of a message, not from the last read */
	if ((c->frame.len > 0 || c->frame.discarding) && (!had_partial || c->lines != lines))
		c->msg_start_ms = c->last_read_ms;
}

/* refuse tells a client over max_clients why, in one line it can read, and closes
 * it; uv_try_write, since a queued write would be cancelled by the close */
static void
refuse(struct client *c, const char *why)
{
	char line[300];
	int n = snprintf(line, sizeof line,
	                 "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":%d,\"message\":\"%s\","
	                 "\"data\":{\"limit\":\"limits.max_clients\",\"max\":%d}}}\n",
	                 RD_RPC_BUSY, why, c->srv->max_clients);
	uv_buf_t b = uv_buf_init(line, (unsigned)n);
	(void)uv_try_write((uv_stream_t *)&c->pipe, &b, 1);
	client_close(c, why);
}

static void
peer_creds(struct client *c)
{
	int fd;
	struct ucred uc;
	socklen_t len = sizeof uc;
	c->uid = (uid_t)-1;
	c->gid = (gid_t)-1;
	if (uv_fileno((uv_handle_t *)&c->pipe, &fd) != 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0) {
		c->uid = uc.uid;
		c->gid = uc.gid;
		c->pid = uc.pid;
	}
	gid_t *g = calloc(MAX_GROUPS, sizeof *g);
	socklen_t glen = MAX_GROUPS * sizeof *g;
	if (g != NULL && getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &glen) == 0) {
		c->groups = g;
		c->ngroups = (int)(glen / sizeof *g);
	} else {
		free(g);   /* no supplementary groups known: primary group only */
	}
}

static void
server_on_connection(uv_stream_t *l, int status)
{
	struct rd_rpc_server *s = l->data;
	if (status < 0 || s->closed)
		return;
	struct client *c = calloc(1, sizeof *c);
	if (c == NULL)
		return;
	if (uv_pipe_init(s->loop, &c->pipe, 0) != 0) {
		free(c);
		return;
	}
	c->pipe.data = c;
	c->srv = s;
	c->peer = (struct rd_rpc_peer){ .hold = client_hold, .send = client_send_reply };
	c->id = ++s->next_id;
	rd_frame_init(&c->frame, RD_RPC_MAX_MSG);
	c->next = s->clients;
	if (s->clients != NULL)
		s->clients->prev = c;
	s->clients = c;
	s->stats.clients++;
	s->stats.clients_total++;
	if (uv_accept(l, (uv_stream_t *)&c->pipe) != 0) {
		client_close(c, NULL);
		return;
	}
	peer_creds(c);
	bool privileged = c->uid == 0 || c->uid == geteuid();
	if (s->stats.clients > (size_t)s->max_clients) {
		refuse(c, "too many clients: limits.max_clients reached");
		return;
	}
	if (!privileged && s->stats.clients > (size_t)(s->max_clients - RD_RPC_RESERVED_CLIENTS)) {
		refuse(c, "too many clients: the last slots of limits.max_clients are kept for root and the service's user");
		return;
	}
	c->last_read_ms = c->last_write_ms = now_ms(s->loop);
	if (uv_read_start((uv_stream_t *)&c->pipe, client_on_alloc, client_on_read) != 0) {
		client_close(c, NULL);
		return;
	}
	c->reading = true;
	rd_log(RPL_LOG_DEBUG, "rpc", "client=%u pid=%d uid=%u gid=%u msg=\"connected\"", c->id, (int)c->pid,
	       (unsigned)c->uid, (unsigned)c->gid);
}

static void
server_on_sweep(uv_timer_t *t)
{
	struct rd_rpc_server *s = t->data;
	uint64_t now = now_ms(s->loop);
	for (struct client *c = s->clients, *next; c != NULL; c = next) {
		next = c->next;
		bool partial = c->frame.len > 0 || c->frame.discarding;
		uint64_t last = c->last_read_ms > c->last_write_ms ? c->last_read_ms : c->last_write_ms;
		if (partial && now - c->msg_start_ms > s->message_ms)
			client_close(c, "message not whole within limits.message_timeout");
		else if (c->wq_bytes > 0 && now - c->last_write_ms > s->message_ms)
			client_close(c, "answers not read within limits.message_timeout");
		else if (!partial && c->wq_bytes == 0 && c->replies == NULL && s->idle_ms > 0 && now - last > s->idle_ms)
			client_close(c, "idle for limits.client_idle");
	}
}

struct rd_rpc_server *
rd_rpc_server_new(uv_loop_t *loop, const struct rd_rpc_table *t, void *ctx)
{
	struct rd_rpc_server *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->loop = loop;
	s->table = t;
	s->ctx = ctx;
	s->path = strdup("");
	if (s->path == NULL || uv_pipe_init(loop, &s->listener, 0) != 0) {
		free(s->path);
		free(s);
		return NULL;
	}
	s->listener.data = s;
	s->max_clients = RD_RPC_MAX_CLIENTS;
	s->message_ms = RD_RPC_STALL_MS;
	uv_timer_init(loop, &s->sweep);
	s->sweep.data = s;
	return s;
}

/* stale_socket: 0 if path is free (a dead socket there was removed), -1 otherwise */
static int
stale_socket(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "socket %s: exists and is not a socket", path);
		return -1;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	int r = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	int e = errno;
	close(fd);
	if (r == 0) {
		snprintf(err, errlen, "socket %s: another process is listening on it (a replicad already running?)", path);
		return -1;
	}
	if (e != ECONNREFUSED) {
		snprintf(err, errlen, "socket %s: %s", path, strerror(e));
		return -1;
	}
	if (unlink(path) != 0) {
		snprintf(err, errlen, "socket %s: cannot remove the stale socket: %s", path, strerror(errno));
		return -1;
	}
	char q[600];
	rd_log(RPL_LOG_NOTICE, "rpc", "socket=%s msg=\"removed a stale socket nobody listened on\"", rd_q(q, sizeof q, path));
	return 0;
}

int
rd_rpc_server_listen(struct rd_rpc_server *s, const char *path, char *err, size_t errlen)
{
	if (stale_socket(path, err, errlen) < 0)
		return -1;
	mode_t old = umask(0117);   /* born 0660: no moment where others may connect */
	int r = uv_pipe_bind(&s->listener, path);
	umask(old);
	if (r == 0 && chmod(path, 0660) != 0)
		r = uv_translate_sys_error(errno);
	if (r == 0)
		r = uv_listen((uv_stream_t *)&s->listener, 128, server_on_connection);
	if (r != 0) {
		snprintf(err, errlen, "socket %s: %s", path, uv_strerror(r));
		return -1;
	}
	free(s->path);
	s->path = strdup(path);
	s->listening = true;
	/* often enough that a deadline is kept to within a quarter of itself */
	uint64_t every = s->message_ms / 4;
	if (s->idle_ms > 0 && s->idle_ms / 4 < every)
		every = s->idle_ms / 4;
	every = every < 100 ? 100 : every > 5000 ? 5000 : every;
	uv_timer_start(&s->sweep, server_on_sweep, every, every);
	return s->path != NULL ? 0 : -1;
}

void
rd_rpc_server_close(struct rd_rpc_server *s)
{
	if (s->closed)
		return;
	s->closed = true;
	while (s->clients != NULL)
		client_close(s->clients, NULL);
	uv_close((uv_handle_t *)&s->listener, NULL);
	uv_close((uv_handle_t *)&s->sweep, NULL);
	if (s->listening && s->path != NULL && s->path[0] != '\0')
		unlink(s->path);
}

void
rd_rpc_server_free(struct rd_rpc_server *s)
{
	if (s == NULL)
		return;
	free(s->path);
	free(s);
}

void
rd_rpc_server_stats(const struct rd_rpc_server *s, struct rd_rpc_stats *st)
{
	*st = s->stats;
}

void
rd_rpc_server_limits(struct rd_rpc_server *s, int max_clients, uint64_t idle_ms, uint64_t message_ms)
{
	s->max_clients = max_clients > RD_RPC_RESERVED_CLIENTS ? max_clients : RD_RPC_RESERVED_CLIENTS + 1;
	s->idle_ms = idle_ms;
	s->message_ms = message_ms > 0 ? message_ms : RD_RPC_STALL_MS;
}
