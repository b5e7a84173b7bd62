/* ctl/conn.c: replicactl's one connection to the daemon's socket: a request written
 * as one JSON line, answers read line by line until the one with its id (see conn.h). */
#include "conn.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_ANSWER (64 * 1024 * 1024)

static const char *sock_path = "/run/replicad/replicad.sock";   /* borrowed */
static int sock_fd = -1;
static int next_id = 1;
static char *rbuf;
static size_t rlen, rcap;

static int
ctl_connect(bool quiet)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(sock_path) >= sizeof sa.sun_path) {
		fprintf(stderr, "replicactl: socket path too long: %s\n", sock_path);
		return -1;
	}
	strcpy(sa.sun_path, sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		if (!quiet)
			fprintf(stderr, "replicactl: cannot connect to %s: %s (is replicad running?)\n", sock_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	sock_fd = fd;
	rlen = 0;
	return 0;
}

void
ctl_disconnect(void)
{
	if (sock_fd >= 0)
		close(sock_fd);
	sock_fd = -1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_line returns the next '\n'-terminated line (NUL-terminated in rbuf), its
 * length, or -1 when the connection ends first */
static ssize_t
read_line(void)
{
	for (;;) {
		char *nl = rlen ? memchr(rbuf, '\n', rlen) : NULL;
		if (nl != NULL) {
			*nl = '\0';
			return nl - rbuf;
		}
		if (rlen + 65536 > rcap) {
			if (rcap >= MAX_ANSWER)
				return -1;
			size_t cap = rcap ? rcap * 2 : 131072;
			char *b = realloc(rbuf, cap);
			if (b == NULL)
				return -1;
			rbuf = b;
			rcap = cap;
		}
		ssize_t r = read(sock_fd, rbuf + rlen, rcap - rlen - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		rlen += (size_t)r;
	}
}

static void
consume_line(size_t len)
{
	memmove(rbuf, rbuf + len + 1, rlen - len - 1);
	rlen -= len + 1;
}

/* call sends method(params) and stores the answer (new ref). -1: the connection
 * failed (said on stderr unless quiet). params is borrowed. */
int
ctl_call(const char *method, json_t *params, json_t **reply, bool quiet)
{
	if (sock_fd < 0 && ctl_connect(quiet) < 0)
		return -1;
	int id = next_id++;
	json_t *req = json_pack("{s:s,s:i,s:s,s:O}", "jsonrpc", "2.0", "id", id, "method", method, "params", params);
	char *text = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (text == NULL)
		return -1;
	int ok = write_all(sock_fd, text, strlen(text)) == 0 && write_all(sock_fd, "\n", 1) == 0;
	free(text);
	if (!ok) {
		if (!quiet)
			fprintf(stderr, "replicactl: cannot send to %s: %s\n", sock_path, strerror(errno));
		ctl_disconnect();
		return -1;
	}
	for (;;) {
		ssize_t n = read_line();
		if (n < 0) {
			if (!quiet)
				fprintf(stderr, "replicactl: %s closed the connection before answering (did replicad stop?)\n", sock_path);
			ctl_disconnect();
			return -1;
		}
		json_error_t jerr;
		*reply = json_loadb(rbuf, (size_t)n, 0, &jerr);
		consume_line((size_t)n);
		if (*reply == NULL) {
			if (!quiet)
				fprintf(stderr, "replicactl: bad answer from %s: %s\n", sock_path, jerr.text);
			ctl_disconnect();
			return -1;
		}
		json_t *rid = json_object_get(*reply, "id");
		if (json_is_integer(rid) && json_integer_value(rid) == id)
			return 0;
		if (json_is_null(rid) && json_object_get(*reply, "error") != NULL)
			return 0;   /* the daemon could not read our request at all */
		json_decref(*reply);   /* not ours: skip */
	}
}

/* result_or_error prints a JSON-RPC error; returns the result (borrowed) or NULL */
json_t *
ctl_result(const char *method, json_t *reply)
{
	json_t *err = json_object_get(reply, "error");
	if (err != NULL) {
		fprintf(stderr, "replicactl: %s: %s (error %lld)\n", method, json_string_value(json_object_get(err, "message")),
		        (long long)json_integer_value(json_object_get(err, "code")));
		return NULL;
	}
	return json_object_get(reply, "result");
}

void
ctl_conn_set_path(const char *path)
{
	sock_path = path;
}

const char *
ctl_conn_path(void)
{
	return sock_path;
}

void
ctl_conn_fini(void)
{
	ctl_disconnect();
	free(rbuf);
	rbuf = NULL;
	rlen = rcap = 0;
}
