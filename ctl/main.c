/* ctl/main.c: replicactl, the client: its command line, and one request per command.
 * It speaks only the control protocol (JSON-RPC 2.0, one JSON object per line on a
 * Unix socket; docs/protocol.md: conn.c) and never links the engine. Readable
 * tables by default (print.c), the raw result with --json; exit status for scripts:
 * 0 ok, 1 the daemon said no or could not be reached, 2 bad usage; `watch` (watch.c)
 * ends 0 done, 1 failed or cancelled, 3 done with rejected rows. */
#include "rpl_build.h"
#include "conn.h"
#include "print.h"
#include "watch.h"
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"Usage: replicactl [-s SOCKET | -c CONFIG] COMMAND [ARGS] [--json]\n"
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
	"  -s, --socket PATH   control socket (default: $REPLICAD_SOCKET, else\n"
	"                      /run/replicad/replicad.sock)\n"
	"  -c, --config FILE   take the socket from replicad's configuration file\n"
	"  --json              print the raw JSON result (anywhere on the line)\n"
	"  --prometheus        metrics in the Prometheus text format (textfile collector)\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"Exit status: 0 ok; 1 the daemon answered with an error or could not be reached; 2 bad usage.\n"
	"watch: 0 the job is done; 1 it failed or was cancelled; 3 done, but rows were rejected.\n";

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "replicactl: %s%s%s\nTry 'replicactl --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* ---- commands ---- */

/* list_rest follows job.list's "next" cursor, appending every later page's jobs to
 * res's (the daemon answers in pages of limits.list_page, issue #19), so `jobs`
 * lists them all. A page that fails ends the list there, said on stderr; the bound
 * on pages is only against a daemon whose cursor never ends. */
static void
list_rest(json_t *res)
{
	json_t *all = json_object_get(res, "jobs");
	for (int page = 0; page < 100000 && json_is_string(json_object_get(res, "next")) && json_is_array(all); page++) {
		json_t *params = json_pack("{s:O}", "after", json_object_get(res, "next")), *reply = NULL;
		int r = params != NULL ? ctl_call("job.list", params, &reply, false) : -1;
		json_decref(params);
		json_t *more = r == 0 ? ctl_result("job.list", reply) : NULL;
		if (more == NULL || !json_is_array(json_object_get(more, "jobs"))) {
			json_decref(reply);
			fprintf(stderr, "replicactl: job.list: the list ends early: a later page could not be read\n");
			break;
		}
		json_array_extend(all, json_object_get(more, "jobs"));
		json_object_set(res, "next", json_object_get(more, "next"));
		json_decref(reply);
	}
	json_object_del(res, "next");
}

/* build_params turns the command's words into the method's params. */
static json_t *
build_params(const char *cmd, int argc, char **argv, const char **method, int *bad, bool *prometheus)
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
		if (strcmp(cmd, "metrics") == 0 && argc == 1 && strcmp(argv[0], "--prometheus") == 0) {
			*prometheus = true;
			argc = 0;
		}
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

/* pull_flags takes --json and --prometheus out of argv wherever they are (issue #18
 * item 8: `replicactl status --json` was "wrong arguments for: status") and returns
 * the new argc. Nothing after "--" is touched. */
static int
pull_flags(int argc, char **argv, bool *as_json, bool *prometheus)
{
	int o = 1;
	bool rest = false;
	for (int i = 1; i < argc; i++) {
		rest = rest || strcmp(argv[i], "--") == 0;
		if (!rest && strcmp(argv[i], "--json") == 0)
			*as_json = true;
		else if (!rest && strcmp(argv[i], "--prometheus") == 0)
			*prometheus = true;
		else
			argv[o++] = argv[i];
	}
	argv[o] = NULL;
	return o;
}

/* pick_socket sets the socket (conn.h): -s, else the "socket" of -c CONFIG (the daemon's own
 * file: the default socket when it has none), else $REPLICAD_SOCKET, else the
 * default. A config that cannot be read is a usage error naming it. */
static int
pick_socket(const char *sock_opt, const char *cfg_opt)
{
	static char from_cfg[4096];
	const char *env = getenv("REPLICAD_SOCKET");
	if (sock_opt != NULL) {
		ctl_conn_set_path(sock_opt);
		return 0;
	}
	if (cfg_opt == NULL) {
		if (env != NULL && env[0] != '\0')
			ctl_conn_set_path(env);
		return 0;
	}
	json_error_t jerr;
	json_t *root = json_load_file(cfg_opt, 0, &jerr);
	if (root == NULL) {
		if (jerr.line > 0)
			fprintf(stderr, "replicactl: -c %s:%d:%d: %s\n", cfg_opt, jerr.line, jerr.column, jerr.text);
		else
			fprintf(stderr, "replicactl: -c %s: %s\n", cfg_opt, jerr.text);
		return -1;
	}
	json_t *sock = json_object_get(root, "socket");
	int r = 0;
	if (sock != NULL && !json_is_string(sock)) {
		fprintf(stderr, "replicactl: -c %s: socket: expected a string\n", cfg_opt);
		r = -1;
	} else if (sock != NULL) {
		snprintf(from_cfg, sizeof from_cfg, "%s", json_string_value(sock));
		ctl_conn_set_path(from_cfg);
	}
	json_decref(root);
	return r;
}

/* print_result shows cmd's answer res: raw with --json, else readable */
static void
print_result(const char *cmd, json_t *res, bool as_json, bool prometheus)
{
	if (as_json) {
		char *out = json_dumps(res, JSON_INDENT(2));
		puts(out ? out : "null");
		free(out);
	} else if (strcmp(cmd, "status") == 0) {
		ctl_print_status(res);
	} else if (strcmp(cmd, "jobs") == 0) {
		ctl_print_jobs(res);
	} else if (strcmp(cmd, "show") == 0) {
		ctl_print_job(res);
	} else if (strcmp(cmd, "submit") == 0) {
		char range[64];
		ctl_range_text(res, range, sizeof range);
		printf("submitted %s: table %s, %s %s, %lld partition%s (%s)\n", ctl_str(res, "job"), ctl_str(res, "table"),
		       ctl_str(res, "kind"), range, ctl_num(res, "partitions"), ctl_num(res, "partitions") == 1 ? "" : "s",
		       ctl_str(res, "state"));
	} else if (strcmp(cmd, "schedule") == 0) {
		ctl_print_schedule(res);
	} else if (strcmp(cmd, "metrics") == 0) {
		ctl_print_metrics(res, prometheus);
	} else {
		printf("%s: %s\n", ctl_str(res, "job"), ctl_str(res, "state"));
	}
}

/* run_command sends one request (params taken) and shows its answer; the exit status */
static int
run_command(const char *cmd, const char *method, json_t *params, bool as_json, bool prometheus)
{
	json_t *reply = NULL;
	int r = ctl_call(method, params, &reply, false);
	json_decref(params);
	if (r < 0)
		return 1;
	json_t *res = ctl_result(method, reply);
	if (res != NULL && strcmp(cmd, "jobs") == 0)
		list_rest(res);
	if (res != NULL)
		print_result(cmd, res, as_json, prometheus);
	json_decref(reply);
	return res != NULL ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' }, { "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'P' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' }, { NULL, 0, NULL, 0 },
	};
	int c;
	bool as_json = false, prometheus = false;
	const char *sock_opt = NULL, *cfg_opt = NULL;
	argc = pull_flags(argc, argv, &as_json, &prometheus);
	while ((c = getopt_long(argc, argv, "+s:c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's': sock_opt = optarg; break;
		case 'c': cfg_opt = optarg; break;
		case 'j': as_json = true; break;
		case 'P': prometheus = true; break;
		case 'h': fputs(usage_text, stdout); return 0;
		case 'V': printf("replicactl %s\n", RPL_VERSION); return 0;
		default: return usage_error("bad option", NULL);
		}
	}
	if (optind >= argc)
		return usage_error("which command?", NULL);
	if (pick_socket(sock_opt, cfg_opt) < 0)
		return 2;
	const char *cmd = argv[optind], *method = NULL;
	int bad;
	json_t *params = build_params(cmd, argc - optind - 1, argv + optind + 1, &method, &bad, &prometheus);
	if (bad) {
		json_decref(params);
		return usage_error(bad == 2 ? "unknown command" : "wrong arguments for", cmd);
	}
	if (prometheus && strcmp(cmd, "metrics") != 0) {
		json_decref(params);
		return usage_error("--prometheus goes with", "metrics");
	}
	int status;
	if (strcmp(cmd, "watch") == 0) {
		status = ctl_watch(json_string_value(json_object_get(params, "job")), as_json);
		json_decref(params);
	} else {
		status = run_command(cmd, method, params, as_json, prometheus);
	}
	ctl_conn_fini();
	return status;
}
