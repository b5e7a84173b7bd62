/* tests/integration/serve_it.h: helpers for the tests that drive `replicad serve` from
 * the outside (test_serve.c, test_serve_rpc.c), in serve_it.c: one daemon at a time,
 * its socket and notify socket in a private directory, replicactl and raw JSON-RPC
 * lines against it. A failed step fails the test (Check's ck_assert). */
#ifndef SERVE_IT_H
#define SERVE_IT_H
#include "it.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* the binaries (main sets them from argv, absolute: a client also runs as nobody) */
extern const char *serve_replicad_bin, *serve_replicactl_bin;
/* the daemon's socket and config file (set by make_dirs and write_config) */
extern char serve_sock_path[512], serve_cfg_path[1024];
/* the running daemon (start_daemon) */
extern pid_t serve_daemon_pid;
/* more keys of the schedule object write_config writes ("" for none) */
extern const char *serve_sched_extra;
/* schedule.t1_at as write_config wrote it: 12 hours from then, "HH:MM" */
extern char serve_t1_at[8];
/* true: ctl_as passes no -s, so replicactl finds the socket itself (-c, REPLICAD_SOCKET) */
extern bool serve_ctl_no_socket;

/* connect_sock connects to serve_sock_path: the fd, or -1 when nothing listens there */
int connect_sock(void);
/* make_dirs makes the socket's directory (others may not traverse it), names the log,
 * binds the notify socket and starts the thread that drains it; remove_dirs undoes it */
void make_dirs(void);
void remove_dirs(void);
/* notify_clear forgets the notifications received so far */
void notify_clear(void);
/* notify_wait: has a notification containing want arrived since the last clear?
 * Waits up to timeout_ms; copies the newest of what was received into seen (n bytes). */
bool notify_wait(const char *want, int timeout_ms, char *seen, size_t n);
/* write_config writes serve_cfg_path (and a password file): the tables table_lines,
 * a schedule with serve_sched_extra, extra after "load" (", \"limits\": {…}" or "") */
void write_config(const char *table_lines, const char *extra);
/* start_daemon starts `replicad -v -c CONFIG serve` with NOTIFY_SOCKET and a watchdog,
 * its output appended to the log, and returns once the socket answers */
void start_daemon(void);
/* check_log: every line the daemon logged (all starts so far) is valid logfmt, and
 * there are at least two */
void check_log(void);
/* stop_daemon sends sig and returns the exit status (-signal if killed); fails the test
 * if the daemon has not exited within timeout_s */
int stop_daemon(int sig, int timeout_s);
/* ctl_as runs replicactl with the arguments after errn (NULL-terminated), as uid (-1:
 * as we are); stdout into out, stderr into err; returns the exit status. ctl: as we
 * are, out and err arrays. */
int ctl_as(int uid, char *out, size_t outn, char *err, size_t errn, ...);
#define ctl(out, err, ...) ctl_as(-1, out, sizeof out, err, sizeof err, __VA_ARGS__, (const char *)NULL)
/* rpc_line sends line on fd and returns its one answer line, parsed (to decref) */
json_t *rpc_line(int fd, const char *line);
/* err_code: the error code of the answer a (0: none) */
int err_code(json_t *a);
/* expect_code sends line on fd and fails the test unless the answer is error code */
void expect_code(int fd, const char *line, int code);
/* expect_status_ok: daemon.status on fd is answered with a result and our id */
void expect_status_ok(int fd);
/* metric_value: the value of the sample named exactly sample (name{labels}) in the
 * exposition text out; fails the test when there is none */
double metric_value(const char *out, const char *sample);
/* promtool_check: `promtool check metrics` finds nothing wrong with the text out */
void promtool_check(const char *out);
/* show_json: `replicactl --json show job`, parsed (to decref) */
json_t *show_json(const char *job);
/* state_of: the "state" of the job object j */
const char *state_of(json_t *j);
/* parts_in: how many of the job's account partitions are in state want (-1: no account) */
int parts_in(json_t *j, const char *want);
/* ledger_state_is: does dst's replicad_jobs hold job id in state want? */
bool ledger_state_is(struct rpl_conn *dst, const char *id, const char *want);

#endif
