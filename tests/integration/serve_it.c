/* tests/integration/serve_it.c: helpers for the tests that drive `replicad serve` from
 * the outside (test_serve.c, test_serve_rpc.c): a daemon started on a private socket
 * with a systemd notify socket drained by a thread, its config, replicactl run as us
 * or as another user, one JSON-RPC line at a time on the socket, and readings of what
 * it says (its log as logfmt, metrics, `replicactl show`, the ledger). serve_it.h
 * says what each does. */
#include "serve_it.h"
#include "logfmt.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

const char *serve_replicad_bin, *serve_replicactl_bin;
char serve_sock_path[512], serve_cfg_path[1024];
pid_t serve_daemon_pid;
static char sock_dir[256], notify_path[512], log_path[1024];
static int notify_fd = -1;

/* connect_sock connects to the daemon's socket: the fd, or -1 when nothing listens */
int
connect_sock(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%.100s", serve_sock_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert(fd >= 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *notify_drain(void *arg);
static volatile int notify_stop;
static pthread_t notify_thread;

/* the socket lives in a directory nobody may traverse (the peer test needs it) */
void
make_dirs(void)
{
	snprintf(sock_dir, sizeof sock_dir, "/tmp/rpl-serve-XXXXXX");
	ck_assert(mkdtemp(sock_dir) != NULL);
	chmod(sock_dir, 0711);
	snprintf(serve_sock_path, sizeof serve_sock_path, "%s/replicad.sock", sock_dir);
	snprintf(notify_path, sizeof notify_path, "%s/notify.sock", sock_dir);
	snprintf(log_path, sizeof log_path, "%s", it_tmpfile("serve.log"));
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%.100s", notify_path);
	unlink(notify_path);
	ck_assert(bind(notify_fd, (struct sockaddr *)&sa, sizeof sa) == 0);
	notify_stop = 0;
	notify_clear();
	ck_assert(pthread_create(&notify_thread, NULL, notify_drain, NULL) == 0);
}

/* remove_dirs stops the notify thread and removes what make_dirs made */
void
remove_dirs(void)
{
	notify_stop = 1;
	pthread_join(notify_thread, NULL);
	close(notify_fd);
	unlink(notify_path);
	unlink(serve_sock_path);
	rmdir(sock_dir);
}

/* A thread drains the notify socket all the time (like systemd does), so the
 * daemon never finds it full; notify_wait looks at what it collected. */
static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static char notify_buf[1 << 16];
static size_t notify_len;

static void *
notify_drain(void *arg)
{
	(void)arg;
	while (!notify_stop) {
		struct pollfd p = { notify_fd, POLLIN, 0 };
		if (poll(&p, 1, 100) != 1)
			continue;
		char buf[1024];
		ssize_t r = recv(notify_fd, buf, sizeof buf - 1, 0);
		if (r <= 0)
			continue;
		buf[r] = '\0';
		pthread_mutex_lock(&notify_lock);
		if (notify_len + (size_t)r + 5 >= sizeof notify_buf)
			notify_len = 0;   /* keep the newest */
		notify_len += (size_t)snprintf(notify_buf + notify_len, sizeof notify_buf - notify_len, "%s\n--\n", buf);
		pthread_mutex_unlock(&notify_lock);
	}
	return NULL;
}

/* notify_clear forgets what was received so far */
void
notify_clear(void)
{
	pthread_mutex_lock(&notify_lock);
	notify_len = 0;
	notify_buf[0] = '\0';
	pthread_mutex_unlock(&notify_lock);
}

/* notify_wait: has a notification containing want arrived (since the last clear)?
 * Waits up to timeout_ms; copies everything received into seen. */
bool
notify_wait(const char *want, int timeout_ms, char *seen, size_t n)
{
	for (int waited = 0;; waited += 50) {
		pthread_mutex_lock(&notify_lock);
		notify_buf[notify_len] = '\0';
		bool found = strstr(notify_buf, want) != NULL;
		size_t k = notify_len < n - 1 ? notify_len : n - 1;   /* the newest part */
		memcpy(seen, notify_buf + notify_len - k, k);
		seen[k] = '\0';
		pthread_mutex_unlock(&notify_lock);
		if (found)
			return true;
		if (waited >= timeout_ms)
			return false;
		it_nap_ms(50);
	}
}

const char *serve_sched_extra = "";   /* more keys of the schedule object */
/* The T-1 slot, 12 hours from now: at its default (02:00 Amsterdam) a run of the
 * suite that crossed it got a scheduled job beside its own, and the counts of done
 * jobs were off by one (seen once under ASan in CI, at 01:00 UTC). */
char serve_t1_at[8];

/* write_config writes the daemon's config (a password file beside it): the tables
 * table_lines, extra after "load", serve_sched_extra in "schedule" */
void
write_config(const char *table_lines, const char *extra)
{
	char pw[1024];
	snprintf(pw, sizeof pw, "%s", it_tmpfile("serve-pw"));
	FILE *f = fopen(pw, "w");
	ck_assert(f != NULL);
	fprintf(f, "%s\n", getenv("RPL_TEST_PASSWORD"));
	fclose(f);
	ck_assert(chmod(pw, 0600) == 0);   /* a password file others may read is refused */
	/* quotes and a backslash in the file name: the log lines that name it must still
	 * be logfmt (check_log) */
	snprintf(serve_cfg_path, sizeof serve_cfg_path, "%s", it_tmpfile("serve \"q\\\".json"));
	unlink(serve_cfg_path);   /* the reload case leaves a FIFO there, which fopen would wait on */
	f = fopen(serve_cfg_path, "w");
	ck_assert(f != NULL);
	time_t later = time(NULL) + 12 * 3600;
	struct tm tm;
	gmtime_r(&later, &tm);
	snprintf(serve_t1_at, sizeof serve_t1_at, "%02d:%02d", tm.tm_hour, tm.tm_min);
	fprintf(f, "{ \"source\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"target\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"tables\": [%s],\n"
	           "  \"schedule\": {\"t0_every\": \"0\", \"t1_at\": \"%s\", \"timezone\": \"Europe/Amsterdam\"%s},\n"
	           "  \"load\": {\"workers\": 2, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\", \"max_attempts\": 3}%s,\n"
	           "  \"state_dir\": \"%s\", \"socket\": \"%s\" }\n",
	        getenv("RPL_TEST_PG_SRC"), pw, getenv("RPL_TEST_PG_DST"), pw, table_lines, serve_t1_at, serve_sched_extra,
	        extra, it_tmpfile("serve-state"), serve_sock_path);
	fclose(f);
}

/* start_daemon starts `replicad -v -c CONFIG serve` (systemd's variables set, its output
 * appended to the log) and returns once its socket answers; fails if it exits first */
void
start_daemon(void)
{
	serve_daemon_pid = fork();
	ck_assert(serve_daemon_pid >= 0);
	if (serve_daemon_pid == 0) {
		char pid[32];
		snprintf(pid, sizeof pid, "%d", (int)getpid());
		setenv("NOTIFY_SOCKET", notify_path, 1);
		setenv("WATCHDOG_USEC", "2000000", 1);
		setenv("WATCHDOG_PID", pid, 1);
		int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		execl(serve_replicad_bin, serve_replicad_bin, "-v", "-c", serve_cfg_path, "serve", (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1200; i++) {
		int fd = connect_sock();
		if (fd >= 0) {
			close(fd);
			return;
		}
		int st;
		if (waitpid(serve_daemon_pid, &st, WNOHANG) != 0) {
			char cmd[1200];
			snprintf(cmd, sizeof cmd, "cat '%s' >&2", log_path);
			(void)!system(cmd);
			ck_abort_msg("replicad serve exited at start (its log is above)");
		}
		it_nap_ms(50);
	}
	ck_abort_msg("replicad serve did not listen on %s within 60 s (see %s)", serve_sock_path, log_path);
}

/* check_log: every line the daemon wrote to its stderr (log_path, all starts so far)
 * is one valid logfmt line (issue #18 item 6), and there are some */
void
check_log(void)
{
	FILE *f = fopen(log_path, "r");
	ck_assert_msg(f != NULL, "%s: %s", log_path, strerror(errno));
	static char line[1 << 16];
	int n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char why[200];
		line[strcspn(line, "\n")] = '\0';
		n++;
		ck_assert_msg(logfmt_check(line, why, sizeof why), "%s:%d is not logfmt (%s): %s", log_path, n, why, line);
	}
	fclose(f);
	ck_assert_msg(n >= 2, "%s: only %d log lines", log_path, n);
}

/* stop_daemon sends sig and returns the exit status (-signal if killed) */
int
stop_daemon(int sig, int timeout_s)
{
	int st;
	kill(serve_daemon_pid, sig);
	for (int i = 0; i < timeout_s * 20; i++) {
		if (waitpid(serve_daemon_pid, &st, WNOHANG) == serve_daemon_pid)
			return WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
		it_nap_ms(50);
	}
	kill(serve_daemon_pid, SIGKILL);
	waitpid(serve_daemon_pid, &st, 0);
	ck_abort_msg("replicad did not stop within %d s after signal %d", timeout_s, sig);
	return -1;
}

/* ctl runs replicactl with args (NULL-terminated), as uid (-1: as we are); stdout
 * into out, stderr into err; returns the exit status */
bool serve_ctl_no_socket;   /* true: replicactl finds the socket itself (-c, REPLICAD_SOCKET) */

int
ctl_as(int uid, char *out, size_t outn, char *err, size_t errn, ...)
{
	const char *argv[32] = { serve_replicactl_bin, "-s", serve_sock_path };
	int argc = serve_ctl_no_socket ? 1 : 3;
	va_list ap;
	va_start(ap, errn);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	int po[2], pe[2];
	ck_assert(pipe(po) == 0 && pipe(pe) == 0);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		if (uid >= 0) {
			gid_t g = 65534;
			if (setgroups(1, &g) != 0 || setgid(65534) != 0 || setuid((uid_t)uid) != 0)
				_exit(126);
		}
		execv(serve_replicactl_bin, (char *const *)argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	size_t no = 0, ne = 0;
	struct pollfd p[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	int open_fds = 2;
	while (open_fds > 0) {
		poll(p, 2, 1000);
		for (int k = 0; k < 2; k++) {
			if (p[k].fd < 0 || !(p[k].revents & (POLLIN | POLLHUP)))
				continue;
			char *b = k == 0 ? out : err;
			size_t *len = k == 0 ? &no : &ne, cap = k == 0 ? outn : errn;
			char junk[4096];
			ssize_t r = *len + 1 < cap ? read(p[k].fd, b + *len, cap - *len - 1) : read(p[k].fd, junk, sizeof junk);
			if (r <= 0) {
				close(p[k].fd);
				p[k].fd = -1;
				open_fds--;
			} else if (*len + 1 < cap) {
				*len += (size_t)r;
			}
		}
	}
	out[no] = '\0';
	err[ne] = '\0';
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* rpc sends one line on fd and returns the parsed answer line */
json_t *
rpc_line(int fd, const char *line)
{
	size_t n = strlen(line);
	ck_assert(write(fd, line, n) == (ssize_t)n);
	static char buf[1 << 20];
	size_t len = 0;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ck_assert_msg(poll(&p, 1, 10000) == 1, "no answer within 10 s to: %.80s", line);
		ssize_t r = read(fd, buf + len, sizeof buf - len - 1);
		ck_assert_msg(r > 0, "connection closed instead of an answer to: %.80s", line);
		len += (size_t)r;
		char *nl = memchr(buf, '\n', len);
		if (nl != NULL) {
			ck_assert_msg(nl == buf + len - 1, "more than one answer");
			json_error_t jerr;
			json_t *a = json_loadb(buf, (size_t)(nl - buf), 0, &jerr);
			ck_assert_msg(a != NULL, "answer is not JSON: %s", jerr.text);
			return a;
		}
	}
}

/* err_code: the error code of answer a (0: none) */
int
err_code(json_t *a)
{
	return (int)json_integer_value(json_object_get(json_object_get(a, "error"), "code"));
}

/* expect_code sends line on fd and fails the test unless the answer is error code */
void
expect_code(int fd, const char *line, int code)
{
	json_t *a = rpc_line(fd, line);
	ck_assert_msg(err_code(a) == code, "%.80s: code %d, want %d", line, err_code(a), code);
	json_decref(a);
}

/* expect_status_ok: daemon.status on fd has a result, with our id */
void
expect_status_ok(int fd)
{
	json_t *a = rpc_line(fd, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"daemon.status\"}\n");
	ck_assert_msg(json_is_object(json_object_get(a, "result")), "daemon.status gave no result");
	ck_assert_str_eq(json_string_value(json_object_get(a, "id")), "s");
	json_decref(a);
}

/* metric_value: the value of the sample named exactly sample (name{labels}) in the
 * exposition text out; fails the test when there is none */
double
metric_value(const char *out, const char *sample)
{
	size_t n = strlen(sample);
	for (const char *l = out; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (strncmp(l, sample, n) == 0 && l[n] == ' ')
			return strtod(l + n + 1, NULL);
	ck_abort_msg("no sample %s in:\n%.3000s", sample, out);
	return 0;
}

/* promtool_check: `promtool check metrics` (Prometheus' own linter) finds nothing
 * wrong with the exposition text out */
void
promtool_check(const char *out)
{
	char path[1024], cmd[2400], res[4096] = "";
	snprintf(path, sizeof path, "%s", it_tmpfile("metrics.prom"));
	FILE *f = fopen(path, "w");
	ck_assert(f != NULL);
	fputs(out, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "promtool check metrics < '%s' 2>&1", path);
	FILE *p = popen(cmd, "r");
	ck_assert_msg(p != NULL, "cannot run promtool (tools/install-deps.sh installs it)");
	size_t len = fread(res, 1, sizeof res - 1, p);
	res[len] = '\0';
	int st = pclose(p);
	ck_assert_msg(st == 0 && len == 0, "promtool check metrics (status %d): %s", st, res);
}

/* show_json: `replicactl --json show job` parsed (to decref); fails the test if it fails */
json_t *
show_json(const char *job)
{
	char out[1 << 16], err[4096];
	int st = ctl(out, err, "--json", "show", job);
	ck_assert_msg(st == 0, "show %s: %s", job, err);
	json_t *j = json_loads(out, 0, NULL);
	ck_assert(j != NULL);
	return j;
}

/* state_of: the "state" of a job object */
const char *
state_of(json_t *j)
{
	return json_string_value(json_object_get(j, "state"));
}

/* parts_in: how many of the job's account partitions are in state want (-1: no account) */
int
parts_in(json_t *j, const char *want)
{
	json_t *parts = json_object_get(json_object_get(j, "account"), "partitions"), *p;
	if (!json_is_array(parts))
		return -1;
	size_t i;
	int n = 0;
	json_array_foreach(parts, i, p)
		n += strcmp(json_string_value(json_object_get(p, "state")), want) == 0;
	return n;
}

/* ledger_state_is: does replicad_jobs hold job id in state want? */
bool
ledger_state_is(struct rpl_conn *dst, const char *id, const char *want)
{
	char sql[300];
	int64_t n = 0;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = '%s'", id, want);
	ck_assert_msg(rpl_conn_query_int64(dst, sql, &n, &found, &err) == 0, "%s: %s", sql, err.msg);
	return found && n == 1;
}
