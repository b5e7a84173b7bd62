/* tests/integration/it_nodes.c: the `replicad serve` processes a test starts (the
 * nodes of a cluster, or one service beside a `replicad run`): each node's paths under
 * the harness's directory, starting one and waiting until its socket answers,
 * replicactl and one JSON-RPC line against it, stopping and killing it. Only the
 * processes started here are signalled, by their PID; an atexit handler kills those
 * still running, since a failed check exits the test's process without a stop.
 * What a node's config says (tables, load, cluster keys) is the test's own. */
#include "it.h"
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *nodes_replicad, *nodes_replicactl;
static char nodes_prefix[80], nodes_ctl_out[1024];
static char nodes_cfg[IT_NODES_MAX][1024], nodes_sock[IT_NODES_MAX][1024], nodes_log[IT_NODES_MAX][1024],
	nodes_state[IT_NODES_MAX][1024];
static int nodes_pid[IT_NODES_MAX];
static int nodes_n;

/* node_kill: SIGKILL to node k's process, if running, and wait for it */
static void
node_kill(int k)
{
	if (nodes_pid[k] <= 0)
		return;
	kill(nodes_pid[k], SIGKILL);
	waitpid(nodes_pid[k], NULL, 0);
	nodes_pid[k] = 0;
}

/* nodes_kill_all: a failed check exits the test's process; its daemons go with it */
static void
nodes_kill_all(void)
{
	for (int k = 0; k < nodes_n; k++)
		node_kill(k);
}

/* node_path: the harness file prefix-<k><suffix> (or prefix-state-<k>) into out */
static void
node_path(char *out, size_t n, const char *prefix, const char *what, int k, const char *suffix)
{
	char name[128];
	snprintf(name, sizeof name, "%s-%s%d%s", prefix, what, k, suffix);
	snprintf(out, n, "%s", it_tmpfile(name));
}

/* node_check: k is a node of it_nodes_init; names its files the first time (in the
 * test's process: it_tmpfile's check must run inside a test) */
static void
node_check(int k)
{
	ck_assert_msg(k >= 0 && k < nodes_n, "node %d: it_nodes_init set up %d nodes", k + 1, nodes_n);
	if (nodes_ctl_out[0] != '\0')
		return;
	char name[128];
	snprintf(name, sizeof name, "%s-ctl.out", nodes_prefix);
	snprintf(nodes_ctl_out, sizeof nodes_ctl_out, "%s", it_tmpfile(name));
	for (int i = 0; i < nodes_n; i++) {
		node_path(nodes_cfg[i], sizeof nodes_cfg[i], nodes_prefix, "", i, ".json");
		node_path(nodes_sock[i], sizeof nodes_sock[i], nodes_prefix, "", i, ".sock");
		node_path(nodes_log[i], sizeof nodes_log[i], nodes_prefix, "", i, ".log");
		node_path(nodes_state[i], sizeof nodes_state[i], nodes_prefix, "state-", i, "");
	}
}

void
it_nodes_init(const char *prefix, int n, const char *replicad, const char *replicactl)
{
	static bool registered;
	/* called in main, outside any test: no check's assertion here */
	if (n <= 0 || n > IT_NODES_MAX || strlen(prefix) > 64) {
		fprintf(stderr, "it_nodes_init: %d nodes named %s: at most %d, a name of at most 64 bytes\n", n, prefix,
		        IT_NODES_MAX);
		abort();
	}
	nodes_kill_all();   /* a second init in one process: nothing of the first one left */
	snprintf(nodes_prefix, sizeof nodes_prefix, "%s", prefix);
	nodes_n = n;
	nodes_replicad = replicad;
	nodes_replicactl = replicactl;
	nodes_ctl_out[0] = '\0';   /* the files are named by the first node_check */
	/* registered before check forks a test's process, it runs in that process too */
	if (!registered)
		atexit(nodes_kill_all);
	registered = true;
}

void
it_node_fresh(int k)
{
	char cmd[2200];
	node_check(k);
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", nodes_state[k], nodes_state[k]);
	ck_assert(system(cmd) == 0);
	unlink(nodes_log[k]);
}

const char *
it_nodes_replicad(void)
{
	return nodes_replicad;
}

const char *
it_node_cfg(int k)
{
	node_check(k);
	return nodes_cfg[k];
}

const char *
it_node_sock(int k)
{
	node_check(k);
	return nodes_sock[k];
}

const char *
it_node_log(int k)
{
	node_check(k);
	return nodes_log[k];
}

const char *
it_node_state(int k)
{
	node_check(k);
	return nodes_state[k];
}

int
it_node_pid(int k)
{
	node_check(k);
	return nodes_pid[k];
}

void
it_nodes_at_later(char at[8])
{
	/* at fixed times a run that crossed them would get a scheduled job beside the
	 * test's (as test_serve once did) */
	time_t later = time(NULL) + 12 * 3600;
	struct tm tm;
	gmtime_r(&later, &tm);
	snprintf(at, 8, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

int
it_node_ctl(int k, char *out, size_t n, const char *args)
{
	char cmd[4096];
	node_check(k);
	snprintf(cmd, sizeof cmd, "%s -s '%s' %s >'%s' 2>&1", nodes_replicactl, nodes_sock[k], args, nodes_ctl_out);
	int st = system(cmd);
	FILE *f = fopen(nodes_ctl_out, "r");
	size_t got = f != NULL ? fread(out, 1, n - 1, f) : 0;
	out[got] = '\0';
	if (f != NULL)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void
it_node_start(int k)
{
	node_check(k);
	ck_assert_msg(nodes_pid[k] == 0, "node %d is running already (pid %d)", k + 1, nodes_pid[k]);
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(nodes_log[k], "a", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(nodes_replicad, nodes_replicad, "-v", "-c", nodes_cfg[k], "serve", (char *)NULL);
		_exit(127);
	}
	nodes_pid[k] = (int)pid;
	char out[4096];
	for (int i = 0; it_node_ctl(k, out, sizeof out, "status") != 0; i++) {
		int st;
		ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0, "node %d exited at start: see %s", k + 1, nodes_log[k]);
		ck_assert_msg(i < 6000, "node %d never answered: %s", k + 1, out);
		it_nap_ms(50);
	}
}

void
it_node_stop(int k)
{
	node_check(k);
	if (nodes_pid[k] <= 0)
		return;
	kill(nodes_pid[k], SIGCONT);   /* a stopped process would never see the SIGTERM */
	ck_assert_msg(kill(nodes_pid[k], SIGTERM) == 0, "node %d: cannot send SIGTERM", k + 1);
	int st = 0;
	ck_assert(waitpid(nodes_pid[k], &st, 0) == nodes_pid[k]);
	nodes_pid[k] = 0;
	/* systemd's stop: the service ends its jobs' work and exits 0 */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "node %d did not exit 0 on SIGTERM (%s %d): see %s", k + 1,
	              WIFEXITED(st) ? "status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), nodes_log[k]);
}

void
it_node_kill(int k)
{
	node_check(k);
	node_kill(k);
}

void
it_node_rpc(int k, const char *line, char *out, size_t n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	node_check(k);
	ck_assert(strlen(nodes_sock[k]) < sizeof sa.sun_path);
	memcpy(sa.sun_path, nodes_sock[k], strlen(nodes_sock[k]) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_msg(fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0, "node %d's socket %s: %s", k + 1,
	              nodes_sock[k], strerror(errno));
	ck_assert(write(fd, line, strlen(line)) == (ssize_t)strlen(line) && write(fd, "\n", 1) == 1);
	size_t got = 0;
	while (got < n - 1 && (got == 0 || out[got - 1] != '\n')) {
		ssize_t r = read(fd, out + got, n - 1 - got);
		ck_assert_msg(r > 0, "node %d closed the socket", k + 1);
		got += (size_t)r;
	}
	out[got] = '\0';
	close(fd);
}
