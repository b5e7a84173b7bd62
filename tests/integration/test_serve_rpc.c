/* tests/integration/test_serve_rpc.c: `replicad serve`'s control socket from the outside,
 * as clients that misbehave use it: protocol abuse (garbage, wrong types, unknown
 * methods, a 2 MiB message, half a message, a client that never reads, 100 clients
 * at once), replicactl's status and its one-line error for a dead socket, and the
 * limits (issue #19): clients (a crowd run as nobody: needs root), idle and dripping
 * clients, jobs, partitions, job.list pages. Every wait is for a state with a
 * deadline far beyond a loaded machine's. The service end to end is
 * test_serve.c; the shared helpers are serve_it.c. argv: replicad, replicactl. */
#include "it.h"
#include "serve_it.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- (a) the protocol ---- */

struct cl { int i; bool ok; char why[200]; };

static void *
client_thread(void *arg)
{
	struct cl *c = arg;
	int fd = connect_sock();
	if (fd < 0) {
		snprintf(c->why, sizeof c->why, "connect: %s", strerror(errno));
		return NULL;
	}
	char req[256], buf[8192];
	/* even clients ask for the status, odd ones for a job that does not exist */
	if (c->i % 2 == 0)
		snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"daemon.status\"}\n", c->i);
	else
		snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"job.get\",\"params\":{\"job\":\"x%d\"}}\n",
		         c->i, c->i);
	size_t len = 0;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		snprintf(c->why, sizeof c->why, "write failed");
		close(fd);
		return NULL;
	}
	while (len < sizeof buf - 1 && memchr(buf, '\n', len) == NULL) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 10000) != 1)
			break;
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	json_t *a = json_loadb(buf, len, JSON_DISABLE_EOF_CHECK, NULL);
	if (a == NULL) {
		snprintf(c->why, sizeof c->why, "no JSON answer (%zu bytes)", len);
		return NULL;
	}
	bool id_ok = json_integer_value(json_object_get(a, "id")) == c->i;
	c->ok = id_ok && (c->i % 2 == 0 ? json_is_object(json_object_get(a, "result")) : err_code(a) == -32001);
	if (!c->ok)
		snprintf(c->why, sizeof c->why, "wrong answer (id ok %d, code %d)", id_ok, err_code(a));
	json_decref(a);
	return NULL;
}

START_TEST(test_protocol)
{
	make_dirs();
	write_config("{\"name\": \"serve_t\", \"date_column\": \"d\"}", "");
	start_daemon();
	int fd = connect_sock();
	ck_assert(fd >= 0);
	/* garbage, wrong types, unknown methods: an error each, and the connection stays usable */
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\n", -32700);
	expect_code(fd, "not json at all\n", -32700);
	expect_code(fd, "[1,2\n", -32700);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"job.get\",\"params\":{\"job\":5}}\n", -32602);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"job.submit\",\"params\":{\"table\":1,\"full\":true}}\n", -32602);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"job.submit\",\"params\":{\"table\":\"serve_t\",\"day\":\"2024-02-30\"}}\n", -32602);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"job.submit\",\"params\":{\"table\":\"nope\",\"full\":true}}\n", -32004);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"job.explode\"}\n", -32601);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"job.cancel\",\"params\":{\"job\":\"j999\"}}\n", -32001);
	expect_code(fd, "{\"id\":8,\"method\":\"daemon.status\"}\n", -32600);
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"daemon.status\",\"params\":{\"verbose\":true}}\n", -32602);
	expect_status_ok(fd);
	/* a 2 MiB message: refused without reading it into memory, the connection goes on */
	size_t big = 2 * 1024 * 1024;
	char *msg = malloc(big + 1);
	ck_assert(msg != NULL);
	memset(msg, ' ', big);
	static const char head[] = "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"daemon.status\",\"x\":\"";
	memcpy(msg, head, sizeof head - 1);
	msg[big - 2] = '"';
	msg[big - 1] = '}';
	msg[big] = '\n';
	json_t *a = NULL;
	{
		size_t off = 0;
		while (off < big + 1) {
			ssize_t w = write(fd, msg + off, big + 1 - off);
			ck_assert_msg(w > 0, "write of the 2 MiB message failed: %s", strerror(errno));
			off += (size_t)w;
		}
		a = rpc_line(fd, "");
	}
	free(msg);
	ck_assert_int_eq(err_code(a), -32600);
	json_decref(a);
	expect_status_ok(fd);
	/* half a message, then silence; and a client that never reads its answers */
	int half = connect_sock();
	ck_assert(write(half, "{\"jsonrpc\":\"2.0\",\"id\":1,\"meth", 29) == 29);
	int deaf = connect_sock();
	fcntl(deaf, F_SETFL, O_NONBLOCK);
	static const char spam[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"job.list\"}\n";
	for (int i = 0; i < 20000; i++)
		if (write(deaf, spam, sizeof spam - 1) < 0)
			break;   /* the daemon stopped reading it: its buffer is full */
	expect_status_ok(fd);
	/* 100 clients at once */
	enum { N = 100 };
	pthread_t th[N];
	static struct cl cls[N];
	for (int i = 0; i < N; i++) {
		cls[i] = (struct cl){ .i = i };
		ck_assert(pthread_create(&th[i], NULL, client_thread, &cls[i]) == 0);
	}
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < N; i++)
		ck_assert_msg(cls[i].ok, "client %d: %s", i, cls[i].why);
	expect_status_ok(fd);
	close(half);
	close(deaf);
	close(fd);
	/* replicactl against it: status in a table, and the error line for a dead socket */
	char out[8192], err[4096];
	ck_assert_int_eq(ctl(out, err, "status"), 0);
	ck_assert_msg(strstr(out, "jobs") != NULL && strstr(out, serve_sock_path) != NULL, "status: %s", out);
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	ck_assert_int_eq(ctl(out, err, "status"), 1);
	ck_assert_msg(strstr(err, serve_sock_path) != NULL && strchr(err, '\n') == err + strlen(err) - 1,
	              "not one line naming the socket: %s", err);
	check_log();
	remove_dirs();
}
END_TEST

/* ---- (a2) limits (issue #19): every wait is for a state, with a generous deadline ---- */

/* eof_within: true once the daemon has closed fd (reads drain whatever it sent) */
static bool
eof_within(int fd, int timeout_ms, const char *drip)
{
	char buf[4096];
	for (int waited = 0; waited < timeout_ms; waited += 200) {
		if (drip != NULL && write(fd, drip, strlen(drip)) < 0)
			return true;               /* EPIPE: closed */
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 200) == 1) {
			ssize_t r = read(fd, buf, sizeof buf);
			if (r <= 0)
				return true;
		}
	}
	return false;
}

/* crowd_as_nobody connects n clients as uid 65534 and sends each a daemon.status:
 * writes "accepted refused-with-limits.max_clients" to out, then, once the daemon
 * has swept them as idle, "swept" and exits. */
static pid_t
crowd_as_nobody(int n, int out)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid != 0)
		return pid;
	gid_t g = 65534;
	if (setgroups(1, &g) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
		_exit(126);
	int fds[64], accepted = 0, refused = 0;
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"daemon.status\"}\n";
	for (int i = 0; i < n && i < 64; i++) {
		char buf[8192];
		size_t len = 0;
		fds[i] = connect_sock();
		if (fds[i] < 0)
			_exit(125);
		/* a refused client may be closed before this write (EPIPE): its line is still there to read */
		(void)!write(fds[i], req, sizeof req - 1);
		while (len < sizeof buf - 1 && memchr(buf, '\n', len) == NULL) {
			struct pollfd p = { fds[i], POLLIN, 0 };
			ssize_t r = poll(&p, 1, 30000) == 1 ? read(fds[i], buf + len, sizeof buf - 1 - len) : -1;
			if (r <= 0)
				break;
			len += (size_t)r;
		}
		buf[len] = '\0';
		if (strstr(buf, "\"result\"") != NULL)
			accepted++;
		else if (strstr(buf, "-32007") != NULL && strstr(buf, "limits.max_clients") != NULL)
			refused++;
	}
	dprintf(out, "%d %d\n", accepted, refused);
	int swept = 0;
	for (int i = 0; i < n && i < 64; i++)
		swept += eof_within(fds[i], 60000, NULL);
	dprintf(out, "swept %d\n", swept);
	_exit(0);
}

START_TEST(test_limits)
{
	/* a job an earlier case left unfinished in the ledger would be resumed and listed */
	struct rpl_conn dst;
	it_connect(&dst, IT_PG, "dst");
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'serve_t'");
	it_exec(&dst, "DELETE FROM replicad_jobs WHERE table_name = 'serve_t'");
	rpl_conn_close(&dst);
	char state_cmd[1200];   /* and so would one an earlier case left in the journal */
	snprintf(state_cmd, sizeof state_cmd, "rm -rf '%s'", it_tmpfile("serve-state"));
	ck_assert(system(state_cmd) == 0);
	make_dirs();
	write_config("{\"name\": \"serve_t\", \"date_column\": \"d\"}",
	             ", \"limits\": {\"max_clients\": 16, \"client_idle\": \"5s\", \"message_timeout\": \"2s\","
	             " \"max_jobs\": 3, \"max_partitions\": 24, \"list_page\": 2}");
	start_daemon();
	ck_assert(chmod(serve_sock_path, 0666) == 0);   /* let the crowd of nobodies connect */
	int fd = connect_sock();
	ck_assert(fd >= 0);
	/* a range of 119,988 months is refused before it is planned, naming the key */
	json_t *a = rpc_line(fd, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"job.submit\",\"params\":"
	                         "{\"table\":\"serve_t\",\"from\":\"0001-01-01\",\"to\":\"9999-12-31\",\"hold\":true}}\n");
	const char *m = json_string_value(json_object_get(json_object_get(a, "error"), "message"));
	ck_assert_msg(err_code(a) == -32602 && m != NULL && strstr(m, "limits.max_partitions (24)") != NULL &&
	              strstr(m, "119988") != NULL, "huge range: code %d, %s", err_code(a), m ? m : "-");
	json_decref(a);
	/* three held jobs fill limits.max_jobs; the fourth is refused naming it */
	for (int i = 1; i <= 4; i++) {
		char req[300];
		snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"job.submit\",\"params\":"
		         "{\"table\":\"serve_t\",\"day\":\"2024-01-0%d\",\"hold\":true}}\n", i, i);
		a = rpc_line(fd, req);
		m = json_string_value(json_object_get(json_object_get(a, "error"), "message"));
		if (i < 4)
			ck_assert_msg(json_is_object(json_object_get(a, "result")), "held job %d: code %d, %s", i, err_code(a), m);
		else
			ck_assert_msg(err_code(a) == -32007 && m != NULL && strstr(m, "limits.max_jobs (3)") != NULL,
			              "fourth job: code %d, %s", err_code(a), m ? m : "-");
		json_decref(a);
	}
	/* job.list comes in pages of limits.list_page, the cursor leading to the rest:
	 * our three jobs come first (newest first), each once, and the pages end; the
	 * ledger's recent jobs of other tests, read at start by a thread, may follow */
	char req[300], seen_ids[3][64];
	int ours = 0, pages = 0;
	const char *after = NULL;
	json_t *prev = NULL;
	for (;; pages++) {
		ck_assert_msg(pages < 200, "job.list pages never end");
		if (after != NULL)
			snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"job.list\",\"params\":{\"after\":\"%s\"}}\n",
			         after);
		else
			snprintf(req, sizeof req, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"job.list\"}\n");
		a = rpc_line(fd, req);
		json_decref(prev);
		prev = a;
		json_t *r = json_object_get(a, "result"), *jobs = json_object_get(r, "jobs");
		ck_assert_msg(json_array_size(jobs) <= 2, "a page of %zu jobs, limits.list_page is 2", json_array_size(jobs));
		for (size_t k = 0; k < json_array_size(jobs); k++) {
			json_t *job = json_array_get(jobs, k);
			if (strcmp(json_string_value(json_object_get(job, "origin")), "rpc") != 0)
				continue;
			ck_assert_msg(ours < 3, "more than three of our jobs listed");
			snprintf(seen_ids[ours], sizeof seen_ids[ours], "%s", json_string_value(json_object_get(job, "job")));
			for (int o = 0; o < ours; o++)
				ck_assert_msg(strcmp(seen_ids[o], seen_ids[ours]) != 0, "%s listed twice", seen_ids[ours]);
			ours++;
		}
		if (json_is_null(json_object_get(r, "next")))
			break;
		ck_assert_msg(json_array_size(jobs) == 2, "a page before the last is not full");
		after = json_string_value(json_object_get(r, "next"));
	}
	json_decref(prev);
	ck_assert_msg(ours == 3 && pages >= 1, "%d of our 3 jobs over %d pages", ours, pages + 1);
	/* replicactl jobs follows the cursor: every one of them, pages of 2 or not */
	{
		char out[1 << 15], err[4096];
		ck_assert_int_eq(ctl(out, err, "jobs"), 0);
		for (int o = 0; o < 3; o++)
			ck_assert_msg(strstr(out, seen_ids[o]) != NULL, "replicactl jobs lacks %s: %s", seen_ids[o], out);
		ck_assert_int_eq(ctl(out, err, "jobs", "--json"), 0);
		ck_assert_msg(strstr(out, "\"next\"") == NULL, "replicactl jobs --json left a cursor: %s", out);
		for (int o = 0; o < 3; o++)
			ck_assert_msg(strstr(out, seen_ids[o]) != NULL, "replicactl jobs --json lacks %s", seen_ids[o]);
	}
	expect_code(fd, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"job.list\",\"params\":{\"limit\":3}}\n", -32602);
	close(fd);
	/* 16 nobodies: 8 get in, 8 are refused with a line naming limits.max_clients, and
	 * root still gets in on the kept slots and has its status answered */
	int pp[2];
	ck_assert(pipe(pp) == 0);
	pid_t crowd = crowd_as_nobody(16, pp[1]);
	close(pp[1]);
	FILE *cf = fdopen(pp[0], "r");
	int acc = -1, ref = -1, swept = -1;
	if (fscanf(cf, "%d %d", &acc, &ref) != 2) {
		int cst;
		waitpid(crowd, &cst, 0);
		ck_abort_msg("the crowd said nothing (exit %d)", WIFEXITED(cst) ? WEXITSTATUS(cst) : -1);
	}
	ck_assert_msg(acc == 8 && ref == 8, "of 16 nobodies %d got in and %d were refused naming the limit (want 8, 8)",
	              acc, ref);
	fd = connect_sock();
	ck_assert(fd >= 0);
	expect_status_ok(fd);
	/* a client sending one byte of a message every 200 ms is closed by the whole-message
	 * deadline (2 s), while fd, which keeps asking, is answered all along */
	int slow = connect_sock();
	ck_assert(slow >= 0);
	ck_assert_msg(eof_within(slow, 60000, "{"), "a client dripping bytes was never closed");
	close(slow);
	expect_status_ok(fd);
	/* the crowd sits idle: the daemon sweeps them after limits.client_idle */
	ck_assert_msg(fscanf(cf, " swept %d", &swept) == 1 && swept == 16, "closed: %d of 16 (8 refused, 8 idle)", swept);
	fclose(cf);
	int st;
	waitpid(crowd, &st, 0);
	expect_status_ok(fd);
	close(fd);
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	remove_dirs();
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_serve_rpc /path/to/replicad /path/to/replicactl\n");
		return 2;
	}
	static char a[4096], b[4096];   /* absolute: the client also runs as nobody */
	serve_replicad_bin = realpath(argv[1], a) ? a : argv[1];
	serve_replicactl_bin = realpath(argv[2], b) ? b : argv[2];
	signal(SIGPIPE, SIG_IGN);
	Suite *s = suite_create("serve_rpc");
	TCase *tc = tcase_create("rpc");
	tcase_set_timeout(tc, 600);   /* a deadline for a hang, far beyond what the cases need */
	tcase_add_test(tc, test_protocol);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
