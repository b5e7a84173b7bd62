/* ctl/main.c: replicactl, the client. It speaks only the control protocol (JSON-RPC
 * 2.0, one JSON object per line on a Unix socket; DESIGN.md "Control protocol") and
 * never links the engine. */
#include "rpl_build.h"
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: replicactl [-s SOCKET] [--json] COMMAND [ARGS]\n"
	"\n"
	"Talks to a running replicad over its control socket.\n"
	"\n"
	"Commands:\n"
	"  status                 the daemon's state and job counts   (daemon.status)\n"
	"  jobs                   list jobs                           (job.list)\n"
	"  show JOB               one job with its partitions         (job.get)\n"
	"  submit TABLE RANGE     RANGE: --from D --to D | --day D | --t0 | --t1 | --full (job.submit)\n"
	"  pause JOB | resume JOB | cancel JOB                        (job.pause/resume/cancel)\n"
	"  watch JOB              follow a job until it ends          (job.get)\n"
	"  schedule               the scheduled slots                 (schedule.list)\n"
	"  metrics                counters and gauges                 (metrics.get)\n"
	"\n"
	"Options:\n"
	"  -s, --socket PATH   control socket (default /run/replicad/replicad.sock)\n"
	"  --json              print the raw JSON result\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 ok; 1 the daemon answered with an error or could not be reached; 2 bad usage.\n";

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "replicactl: %s%s%s\nTry 'replicactl --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* build_params turns the command's words into the method's params. */
static json_t *
build_params(const char *cmd, int argc, char **argv, const char **method, int *bad)
{
	static const struct { const char *cmd, *method; int nargs; } table[] = {
		{ "status", "daemon.status", 0 }, { "jobs", "job.list", 0 }, { "show", "job.get", 1 },
		{ "pause", "job.pause", 1 }, { "resume", "job.resume", 1 }, { "cancel", "job.cancel", 1 },
		{ "watch", "job.get", 1 }, { "schedule", "schedule.list", 0 }, { "metrics", "metrics.get", 0 },
		{ "submit", "job.submit", -1 },
	};
	*bad = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (strcmp(cmd, table[i].cmd) != 0)
			continue;
		*method = table[i].method;
		if (table[i].nargs == 0) {
			if (argc != 0)
				*bad = 1;
			return json_object();
		}
		if (table[i].nargs == 1) {
			if (argc != 1)
				*bad = 1;
			return argc == 1 ? json_pack("{s:s}", "job", argv[0]) : NULL;
		}
		/* submit TABLE --from D --to D | --day D | --t0 | --t1 | --full */
		if (argc < 2) {
			*bad = 1;
			return NULL;
		}
		json_t *p = json_pack("{s:s}", "table", argv[0]);
		for (int k = 1; k < argc; k++) {
			const char *a = argv[k];
			if ((strcmp(a, "--from") == 0 || strcmp(a, "--to") == 0 || strcmp(a, "--day") == 0) && k + 1 < argc) {
				json_object_set_new(p, a + 2, json_string(argv[++k]));
			} else if (strcmp(a, "--t0") == 0 || strcmp(a, "--t1") == 0 || strcmp(a, "--full") == 0) {
				json_object_set_new(p, a + 2, json_true());
			} else {
				*bad = 1;
			}
		}
		return p;
	}
	*bad = 2;
	return NULL;
}

static int
call(const char *sock, const char *method, json_t *params, json_t **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(sock) >= sizeof sa.sun_path) {
		fprintf(stderr, "replicactl: socket path too long: %s\n", sock);
		return -1;
	}
	strcpy(sa.sun_path, sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		fprintf(stderr, "replicactl: cannot connect to %s: %s (is replicad running?)\n", sock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	json_t *req = json_pack("{s:s,s:i,s:s,s:O}", "jsonrpc", "2.0", "id", 1, "method", method, "params", params);
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	size_t len = strlen(text);
	int ok = write(fd, text, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	free(text);
	if (!ok) {
		fprintf(stderr, "replicactl: cannot send to %s: %s\n", sock, strerror(errno));
		close(fd);
		return -1;
	}
	FILE *f = fdopen(fd, "r");
	json_error_t jerr;
	*reply = json_loadf(f, JSON_DISABLE_EOF_CHECK, &jerr);
	fclose(f);
	if (*reply == NULL) {
		fprintf(stderr, "replicactl: bad answer from %s: %s\n", sock, jerr.text);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	const char *sock = "/run/replicad/replicad.sock";
	int c, as_json = 0;
	while ((c = getopt_long(argc, argv, "+s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock = optarg; break;
		case 'j': as_json = 1; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("replicactl %s\n", RPL_VERSION); return 0;
		default: return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("which command?", NULL);
	const char *cmd = argv[optind], *method = NULL;
	int bad;
	json_t *params = build_params(cmd, argc - optind - 1, argv + optind + 1, &method, &bad);
	if (bad) {
		json_decref(params);
		return usage_error(bad == 2 ? "unknown command" : "wrong arguments for", cmd);
	}
	json_t *reply = NULL;
	int r = call(sock, method, params, &reply);
	json_decref(params);
	if (r < 0)
		return 1;
	json_t *err = json_object_get(reply, "error");
	int status = 0;
	if (err != NULL) {
		fprintf(stderr, "replicactl: %s: %s\n", method, json_string_value(json_object_get(err, "message")));
		status = 1;
	} else {
		(void)as_json;
		char *out = json_dumps(json_object_get(reply, "result"), JSON_INDENT(2));
		puts(out ? out : "null");
		free(out);
	}
	json_decref(reply);
	return status;
}
