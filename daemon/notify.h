/* daemon/notify.h: systemd notification (sd_notify(3)) in one wrapper that logs a
 * failure once, and the watchdog: WATCHDOG=1 from a loop timer at half of
 * WATCHDOG_USEC, so a wedged loop stops the pings and systemd kills the service.
 * Messages go to $NOTIFY_SOCKET with a non-blocking send of our own (libsystemd's
 * sd_notify blocks when the receiver's queue is full); without it nothing is sent.
 * The watchdog interval comes from sd_watchdog_enabled (none without libsystemd).
 * Loop thread only. */
#ifndef RD_NOTIFY_H
#define RD_NOTIFY_H
#include <stdbool.h>
#include <uv.h>

struct rd_notify {
	uv_timer_t watchdog;
	bool watchdog_on;
	bool warned;         /* a failed sd_notify was logged already */
	char status[256];    /* the last STATUS= sent, to send only changes */
};

/* rd_notify_send sends text (several "KEY=value" lines) to $NOTIFY_SOCKET. */
void rd_notify_send(struct rd_notify *n, const char *text);

/* rd_notify_ready arms the watchdog and sends READY=1 with a STATUS. Call once the
 * control socket listens. */
int rd_notify_ready(struct rd_notify *n, uv_loop_t *loop, const char *status);

/* rd_notify_status sends STATUS=text unless it equals the last one. */
void rd_notify_status(struct rd_notify *n, const char *text);

/* rd_notify_reloading sends RELOADING=1 with MONOTONIC_USEC (systemd 253 Type=notify-reload). */
void rd_notify_reloading(struct rd_notify *n);

/* rd_notify_stopping sends STOPPING=1 (the watchdog keeps pinging while jobs stop). */
void rd_notify_stopping(struct rd_notify *n, const char *status);

/* rd_notify_close closes the watchdog timer (last thing before the loop ends). */
void rd_notify_close(struct rd_notify *n);

#endif
