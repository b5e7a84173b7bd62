/* daemon/notify.c: sd_notify wrapper and watchdog timer (see notify.h). */
#include "notify.h"
#include "clock.h"
#include "dlog.h"
#include "rpl_build.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#if RPL_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_watchdog_enabled(int unset, unsigned long long *u) { (void)unset; (void)u; return 0; }
#endif

/* notify_sendto: sd_notify(3)'s protocol, but never blocking. libsystemd's sd_notify
 * blocks when the receiver's queue is full (net.unix.max_dgram_qlen, often 10), and
 * a blocked loop is worse than a lost STATUS= line: a lost WATCHDOG=1 is followed by
 * the next one half an interval later. Returns 0 (also when NOTIFY_SOCKET is unset)
 * or -errno. */
static int
notify_sendto(const char *text)
{
	const char *path = getenv("NOTIFY_SOCKET");
	if (path == NULL || path[0] == '\0')
		return 0;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	if ((path[0] != '/' && path[0] != '@') || len >= sizeof sa.sun_path)
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';   /* abstract namespace */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	ssize_t r = sendto(fd, text, strlen(text), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	                   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	int e = errno;
	close(fd);
	return r < 0 ? -e : 0;
}

void
rd_notify_send(struct rd_notify *n, const char *text)
{
	int r = notify_sendto(text);
	if (r < 0 && !n->warned) {
		char q[300];
		n->warned = true;
		rd_log(RPL_LOG_WARNING, "main", "msg=\"sd_notify failed\" errno=%d text=%s", -r, rd_q(q, sizeof q, text));
	}
}

static void
notify_on_watchdog(uv_timer_t *t)
{
	struct rd_notify *n = t->data;
	rd_notify_send(n, "WATCHDOG=1");
}

static void
notify_status_line(char *buf, size_t len, const char *status)
{
	snprintf(buf, len, "STATUS=%s", status);
}

int
rd_notify_ready(struct rd_notify *n, uv_loop_t *loop, const char *status)
{
	unsigned long long usec = 0;
	char buf[300];
	if (sd_watchdog_enabled(0, (void *)&usec) > 0 && usec > 0) {
		uint64_t ms = usec / 2000;   /* half the interval, in ms */
		int r = uv_timer_init(loop, &n->watchdog);
		if (r < 0)
			return r;
		n->watchdog.data = n;
		n->watchdog_on = true;
		uv_timer_start(&n->watchdog, notify_on_watchdog, ms ? ms : 1, ms ? ms : 1);
		rd_log(RPL_LOG_INFO, "main", "msg=\"watchdog armed\" interval_ms=%llu", (unsigned long long)ms);
	}
	snprintf(n->status, sizeof n->status, "%s", status);
	notify_status_line(buf, sizeof buf, status);
	char text[340];
	snprintf(text, sizeof text, "READY=1\n%s", buf);
	rd_notify_send(n, text);
	if (n->watchdog_on)
		rd_notify_send(n, "WATCHDOG=1");
	return 0;
}

void
rd_notify_status(struct rd_notify *n, const char *text)
{
	char buf[300];
	if (strcmp(n->status, text) == 0)
		return;
	snprintf(n->status, sizeof n->status, "%s", text);
	notify_status_line(buf, sizeof buf, text);
	rd_notify_send(n, buf);
}

void
rd_notify_reloading(struct rd_notify *n)
{
	char buf[96];
	snprintf(buf, sizeof buf, "RELOADING=1\nMONOTONIC_USEC=%llu", (unsigned long long)rd_now_mono_us());
	rd_notify_send(n, buf);
}

void
rd_notify_stopping(struct rd_notify *n, const char *status)
{
	char buf[300];
	snprintf(buf, sizeof buf, "STOPPING=1\nSTATUS=%s", status);
	rd_notify_send(n, buf);
	snprintf(n->status, sizeof n->status, "%s", status);
}

void
rd_notify_close(struct rd_notify *n)
{
	if (n->watchdog_on) {
		n->watchdog_on = false;
		uv_close((uv_handle_t *)&n->watchdog, NULL);   /* embedded: nothing to free */
	}
}
