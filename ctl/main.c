/* ctl/main.c: replicactl, the client. It speaks only the control protocol (JSON-RPC
 * 2.0, one JSON object per line on a Unix socket; DESIGN.md "Control protocol",
 * docs/protocol.md) and never links the engine. Readable tables by default, the raw
 * result with --json; exit status for scripts: 0 ok, 1 the daemon said no or could
 * not be reached, 2 bad usage; `watch` ends 0 done, 1 failed or cancelled, 3 done
 * with rejected rows. */
#include "rpl_build.h"
#include "table.h"
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
	"  verify TABLE RANGE     a verify job: source = target?         (job.verify)\n"
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

#define MAX_ANSWER (64 * 1024 * 1024)

static const char *sock_path = "/run/replicad/replicad.sock";
static int sock_fd = -1;
static int next_id = 1;
static char *rbuf;
static size_t rlen, rcap;

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "replicactl: %s%s%s\nTry 'replicactl --help'.\n", msg, arg ? ": " : "", arg ? arg : "");
	return 2;
}

/* ---- the connection ---- */

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

static void
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
static int
call(const char *method, json_t *params, json_t **reply, bool quiet)
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
static json_t *
result_or_error(const char *method, json_t *reply)
{
	json_t *err = json_object_get(reply, "error");
	if (err != NULL) {
		fprintf(stderr, "replicactl: %s: %s (error %lld)\n", method, json_string_value(json_object_get(err, "message")),
		        (long long)json_integer_value(json_object_get(err, "code")));
		return NULL;
	}
	return json_object_get(reply, "result");
}

/* ---- printing ---- */

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s != NULL ? s : "-";
}

/* Numbers in an answer are checked before they are converted: whatever listens on
 * the socket may send "partitions": 1e300, and (long long)1e300 is undefined
 * behaviour (issue #19). Beyond 2^53 (what a double holds exactly; sums of a few
 * such values stay far from overflow) a number is shown as 0, with one word on
 * stderr naming the key. */
#define CTL_NUM_MAX 9007199254740992LL

static void
bad_number(const char *key, json_t *v)
{
	static bool said;
	char text[64];
	if (json_is_real(v))
		snprintf(text, sizeof text, "%g", json_real_value(v));
	else if (json_is_integer(v))
		snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		snprintf(text, sizeof text, "%s", json_is_string(v) ? "a string" : "not a number");
	if (!said)
		fprintf(stderr, "replicactl: the answer's \"%s\" is %s, not a number from -2^53 to 2^53: shown as 0\n", key, text);
	said = true;
}

static long long
num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= -CTL_NUM_MAX && json_integer_value(v) <= CTL_NUM_MAX)
		return (long long)json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) >= (double)-CTL_NUM_MAX && json_real_value(v) <= (double)CTL_NUM_MAX)
		return (long long)json_real_value(v);
	bad_number(key, v);
	return 0;
}

/* fmt_secs: an ETA beyond a thousand days (or not a number at all) is "unknown",
 * not a conversion of 1e300 to long */
static void
fmt_secs(double s, char *out, size_t n)
{
	if (!(s >= 0 && s < 1000 * 86400.0)) {
		snprintf(out, n, "unknown");
		return;
	}
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

static void
range_text(json_t *job, char *out, size_t n)
{
	json_t *r = json_object_get(job, "range");
	if (json_is_string(r))
		snprintf(out, n, "%s", json_string_value(r));
	else if (strcmp(str(r, "from"), str(r, "to")) == 0)
		snprintf(out, n, "%s", str(r, "from"));
	else
		snprintf(out, n, "%s..%s", str(r, "from"), str(r, "to"));
}

static void
print_status(json_t *r)
{
	json_t *jobs = json_object_get(r, "jobs");
	long long up = num(r, "uptime_s");
	printf("replicad %s, pid %lld, %s, up %lldd %02lld:%02lld:%02lld\n", str(r, "version"), num(r, "pid"),
	       str(r, "state"), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
	printf("socket    %s\nconfig    %s\ntimezone  %s\nworkers   %lld\n", str(r, "socket"), str(r, "config"),
	       str(r, "timezone"), num(r, "workers"));
	printf("jobs      %lld running, %lld paused, %lld queued, %lld done, %lld failed, %lld cancelled\n",
	       num(jobs, "running") + num(jobs, "cancelling"), num(jobs, "paused"), num(jobs, "queued"), num(jobs, "done"),
	       num(jobs, "failed"), num(jobs, "cancelled"));
	if (json_is_string(json_object_get(r, "last_reload_error")))
		printf("reload    FAILED, kept the running configuration: %s\n", str(r, "last_reload_error"));
}

static void
print_jobs(json_t *r)
{
	static const char *const heads[] = { "JOB", "STATE", "TABLE", "KIND", "RANGE", "PARTS", "ROWS", "SUBMITTED" };
	json_t *jobs = json_object_get(r, "jobs"), *j;
	size_t i;
	struct ctl_table t;
	if (json_array_size(jobs) == 0) {
		printf("(no jobs)\n");
		return;
	}
	ctl_table_init(&t, 8, heads, "lllllrrl");
	json_array_foreach(jobs, i, j) {
		char range[64], parts[48], rows[24];
		range_text(j, range, sizeof range);
		snprintf(parts, sizeof parts, "%lld/%lld", num(j, "partitions_done"), num(j, "partitions"));
		snprintf(rows, sizeof rows, "%lld", num(j, "rows_written"));
		const char *cells[] = { str(j, "job"), str(j, "state"), str(j, "table"), str(j, "kind"), range,
		                        strcmp(str(j, "origin"), "ledger") == 0 ? "-" : parts, rows, str(j, "submitted") };
		ctl_table_row(&t, cells);
	}
	ctl_table_print(&t, stdout);
}

static void
part_label(json_t *p, char *out, size_t n, bool end)
{
	json_t *r = json_object_get(p, "range");
	if (json_is_string(r))
		snprintf(out, n, "%s", json_string_value(r));
	else if (end)
		snprintf(out, n, "%s", str(r, "to_exclusive"));
	else
		snprintf(out, n, "%s..%s", str(r, "from"), str(r, "to_exclusive"));
}

/* pending_run: how many partitions from index i on are pending with nothing counted
 * (a run of them is summarized in one row: a 60-month job's show stays short) */
static size_t
pending_run(json_t *parts, size_t i)
{
	size_t k = i;
	for (json_t *p; (p = json_array_get(parts, k)) != NULL; k++)
		if (strcmp(str(p, "state"), "pending") != 0 || num(p, "rows_read") != 0 || num(p, "attempts") != 0)
			break;
	return k - i;
}

/* rules_text: "values changed: placeholder_date=3; rejected: too_long=2" from a
 * partition's values_changed and rejected_by_rule ("" when both are empty) */
static void
rules_text(json_t *p, char *out, size_t n)
{
	static const char *const keys[] = { "values_changed", "rejected_by_rule" };
	static const char *const heads[] = { "values changed: ", "rejected: " };
	size_t o = 0;
	for (int k = 0; k < 2 && o < n; k++) {
		const char *rule;
		json_t *v;
		bool first = true;
		json_object_foreach(json_object_get(p, keys[k]), rule, v) {
			if (o >= n)
				break;
			o += (size_t)snprintf(out + o, n - o, "%s%s%s=%lld", first && o ? "; " : "", first ? heads[k] : ", ", rule,
			                      (long long)json_integer_value(v));
			first = false;
		}
	}
}

static void
print_account(json_t *acc)
{
	static const char *const heads[] = { "PARTITION", "STATE", "READ", "WRITTEN", "REJECTED", "BYTES", "ATTEMPTS",
	                                     "TOTAL_MS" };
	json_t *parts = json_object_get(acc, "partitions"), *t = json_object_get(acc, "totals");
	struct ctl_table tb;
	ctl_table_init(&tb, 8, heads, "llrrrrrr");
	for (size_t i = 0; i < json_array_size(parts);) {
		json_t *p = json_array_get(parts, i);
		char label[96], v[6][24];
		size_t run = pending_run(parts, i);
		if (run >= 3) {
			char last[24], state[48];
			part_label(p, label, sizeof label, false);
			part_label(json_array_get(parts, i + run - 1), last, sizeof last, true);
			snprintf(label + strcspn(label, "."), sizeof label - strcspn(label, "."), "..%s", last);
			snprintf(state, sizeof state, "pending (%zu)", run);
			const char *cells[] = { label, state, "", "", "", "", "", "" };
			ctl_table_row(&tb, cells);
			i += run;
			continue;
		}
		part_label(p, label, sizeof label, false);
		snprintf(v[0], sizeof v[0], "%lld", num(p, "rows_read"));
		snprintf(v[1], sizeof v[1], "%lld", num(p, "rows_written"));
		snprintf(v[2], sizeof v[2], "%lld", num(p, "rows_rejected"));
		snprintf(v[3], sizeof v[3], "%lld", num(p, "bytes"));
		snprintf(v[4], sizeof v[4], "%lld", num(p, "attempts"));
		snprintf(v[5], sizeof v[5], "%lld", num(json_object_get(p, "ms"), "TOTAL"));
		const char *cells[] = { label, str(p, "state"), v[0], v[1], v[2], v[3], v[4], v[5] };
		ctl_table_row(&tb, cells);
		char rules[600] = "";
		rules_text(p, rules, sizeof rules);
		if (rules[0] != '\0')
			ctl_table_note(&tb, rules);
		json_t *e = json_object_get(p, "error");
		if (e != NULL) {
			char note[1200];
			snprintf(note, sizeof note, "error: %s%s%s", str(e, "message"),
			         *str(e, "sqlstate") != '-' && *str(e, "sqlstate") ? " sqlstate=" : "",
			         *str(e, "sqlstate") != '-' ? str(e, "sqlstate") : "");
			ctl_table_note(&tb, note);
		}
		i++;
	}
	char v[5][24];
	snprintf(v[0], sizeof v[0], "%lld", num(t, "rows_read"));
	snprintf(v[1], sizeof v[1], "%lld", num(t, "rows_written"));
	snprintf(v[2], sizeof v[2], "%lld", num(t, "rows_rejected"));
	snprintf(v[3], sizeof v[3], "%lld", num(t, "bytes"));
	snprintf(v[4], sizeof v[4], "%lld", num(t, "ms"));
	const char *cells[] = { "total (wall)", "", v[0], v[1], v[2], v[3], "", v[4] };
	ctl_table_row(&tb, cells);
	ctl_table_print(&tb, stdout);
	if (json_is_string(json_object_get(acc, "reject_file")))
		printf("rejected rows: %s\n", str(acc, "reject_file"));
}

static void
print_job(json_t *j)
{
	char range[64];
	range_text(j, range, sizeof range);
	printf("job        %s%s%s%s\n", str(j, "job"), json_is_string(json_object_get(j, "ledger_id")) ? " (ledger " : "",
	       json_is_string(json_object_get(j, "ledger_id")) ? str(j, "ledger_id") : "",
	       json_is_string(json_object_get(j, "ledger_id")) ? ")" : "");
	printf("table      %s\nkind       %s %s (%s)\nstate      %s\n", str(j, "table"), str(j, "kind"), range,
	       str(j, "origin"), str(j, "state"));
	printf("submitted  %s\nstarted    %s\nfinished   %s\n", str(j, "submitted"), str(j, "started"), str(j, "finished"));
	printf("progress   %lld/%lld partitions, %lld rows written, %.0f rows/s", num(j, "partitions_done"),
	       num(j, "partitions"), num(j, "rows_written"), json_real_value(json_object_get(j, "rows_per_s")));
	if (json_is_real(json_object_get(j, "eta_s"))) {
		char eta[32];
		fmt_secs(json_real_value(json_object_get(j, "eta_s")), eta, sizeof eta);
		printf(", ETA %s", eta);
	}
	printf("\n");
	if (json_is_string(json_object_get(j, "error")))
		printf("error      %s\n", str(j, "error"));
	json_t *acc = json_object_get(j, "account");
	if (json_is_object(acc)) {
		printf("\n");
		print_account(acc);
	}
	json_t *v = json_object_get(j, "verify"), *p;
	size_t i;
	if (json_is_array(v) && json_array_size(v) > 0) {
		static const char *const heads[] = { "RANGE", "STATE", "SOURCE", "TARGET", "MISSING", "EXTRA", "CHANGED" };
		struct ctl_table t;
		printf("\n");
		ctl_table_init(&t, 7, heads, "llrrrrr");
		json_array_foreach(v, i, p) {
			json_t *r = json_object_get(p, "range");
			char from[32], c[5][24];
			snprintf(from, sizeof from, "%s", json_is_string(json_object_get(r, "start")) ? str(r, "start") : "all");
			static const char *const keys[] = { "source_rows", "target_rows", "missing", "extra", "changed" };
			for (int k = 0; k < 5; k++)
				snprintf(c[k], sizeof c[k], "%lld", num(p, keys[k]));
			const char *cells[] = { from, str(p, "state"), c[0], c[1], c[2], c[3], c[4] };
			ctl_table_row(&t, cells);
		}
		ctl_table_print(&t, stdout);
	}
}

static void
print_schedule(json_t *r)
{
	static const char *const heads[] = { "SLOT", "WHEN", "NEXT", "LAST", "TABLES" };
	json_t *slots = json_object_get(r, "slots"), *s;
	size_t i;
	struct ctl_table t;
	printf("time zone %s\n", str(r, "timezone"));
	ctl_table_init(&t, 5, heads, "lllll");
	json_array_foreach(slots, i, s) {
		char when[32], tables[512] = "";
		if (json_object_get(s, "every_s") != NULL) {
			long long e = num(s, "every_s");
			if (e == 0)
				snprintf(when, sizeof when, "off");
			else if (e % 3600 == 0)
				snprintf(when, sizeof when, "every %lldh", e / 3600);
			else if (e % 60 == 0)
				snprintf(when, sizeof when, "every %lldm", e / 60);
			else
				snprintf(when, sizeof when, "every %llds", e);
		} else {
			snprintf(when, sizeof when, "daily %s", str(s, "at"));
		}
		size_t k;
		json_t *tn;
		json_array_foreach(json_object_get(s, "tables"), k, tn)
			snprintf(tables + strlen(tables), sizeof tables - strlen(tables), "%s%s", k ? ", " : "", json_string_value(tn));
		const char *cells[] = { str(s, "slot"), when, str(s, "next"), str(s, "last"), tables[0] ? tables : "(none)" };
		ctl_table_row(&t, cells);
	}
	ctl_table_print(&t, stdout);
}

static void
print_value(double v)
{
	if (v > -1e15 && v < 1e15 && v == (double)(long long)v)
		printf("%.0f", v);
	else
		printf("%.17g", v);   /* all the digits: a Unix timestamp in %.6g was 1.765e+09 */
}

static void
print_metrics(json_t *r, bool prometheus)
{
	json_t *a = json_object_get(r, "metrics"), *m;
	size_t i;
	const char *last = "";
	json_array_foreach(a, i, m) {
		const char *name = str(m, "name");
		if (prometheus && strcmp(name, last) != 0) {
			printf("# HELP %s %s\n# TYPE %s %s\n", name, str(m, "help"), name, str(m, "type"));
			last = name;
		}
		printf("%s", name);
		json_t *labels = json_object_get(m, "labels");
		if (json_object_size(labels) > 0) {
			const char *k;
			json_t *v;
			int first = 1;
			printf("{");
			json_object_foreach(labels, k, v) {
				printf("%s%s=\"", first ? "" : ",", k);
				for (const char *p = json_string_value(v); p != NULL && *p; p++) {
					if (*p == '"' || *p == '\\')
						putchar('\\');
					if (*p == '\n')
						printf("\\n");
					else
						putchar(*p);
				}
				printf("\"");
				first = 0;
			}
			printf("}");
		}
		printf(prometheus ? " " : "  ");
		print_value(json_number_value(json_object_get(m, "value")));
		printf("\n");
	}
}

/* ---- watch ---- */

static bool
terminal_state(const char *s)
{
	return strcmp(s, "done") == 0 || strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0;
}

static int
watch_status(json_t *j)
{
	const char *s = str(j, "state");
	if (strcmp(s, "done") != 0)
		return 1;
	return num(j, "rows_rejected") > 0 ? 3 : 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static int
cmd_watch(const char *id, bool as_json)
{
	bool tty = isatty(1);
	json_t *params = json_pack("{s:s}", "job", id);
	long long last_done = -1;
	char last_state[32] = "";
	time_t last_line = 0;
	int lost_s = 0;
	for (;;) {
		json_t *reply;
		if (call("job.get", params, &reply, lost_s > 0) < 0) {
			/* the daemon may be restarting (it resumes its jobs): wait a little */
			if (lost_s == 0)
				fprintf(stderr, "%sreplicactl: lost %s; waiting up to 60 s for replicad to come back\n", tty ? "\n" : "",
				        sock_path);
			if (++lost_s > 60) {
				fprintf(stderr, "replicactl: cannot reach replicad at %s\n", sock_path);
				json_decref(params);
				return 1;
			}
			sleep_ms(1000);
			continue;
		}
		lost_s = 0;
		json_t *j = result_or_error("job.get", reply);
		if (j == NULL) {
			json_decref(reply);
			json_decref(params);
			return 1;
		}
		const char *state = str(j, "state");
		long long done = num(j, "partitions_done"), n = num(j, "partitions");
		double rate = json_real_value(json_object_get(j, "rows_per_s"));
		char eta[32] = "";
		if (json_is_real(json_object_get(j, "eta_s"))) {
			strcpy(eta, "  ETA ");
			fmt_secs(json_real_value(json_object_get(j, "eta_s")), eta + 6, sizeof eta - 6);
		}
		if (tty && !as_json) {
			int width = 30, fill = n > 0 && done > 0 ? (int)(width * (done < n ? done : n) / n) : 0;
			printf("\r[%.*s%*s] %lld/%lld partitions  %lld rows  %.0f rows/s%s  %-11s", fill,
			       "##############################", width - fill, "", done, n, num(j, "rows_written"), rate, eta, state);
			fflush(stdout);
		} else if (!as_json && (done != last_done || strcmp(state, last_state) != 0 || time(NULL) - last_line >= 10)) {
			printf("job=%s state=%s partitions=%lld/%lld rows_written=%lld rows_per_s=%.0f%s%s\n", str(j, "job"), state,
			       done, n, num(j, "rows_written"), rate, eta[0] ? " eta=" : "", eta[0] ? eta + 6 : "");
			fflush(stdout);
			last_line = time(NULL);
		}
		last_done = done;
		snprintf(last_state, sizeof last_state, "%s", state);
		if (terminal_state(state)) {
			if (tty && !as_json)
				printf("\n");
			if (as_json) {
				char *out = json_dumps(j, JSON_INDENT(2));
				puts(out ? out : "null");
				free(out);
			} else {
				printf("\n");
				print_job(j);
			}
			int st = watch_status(j);
			json_decref(reply);
			json_decref(params);
			return st;
		}
		json_decref(reply);
		sleep_ms(1000);
	}
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
		int r = params != NULL ? call("job.list", params, &reply, false) : -1;
		json_decref(params);
		json_t *more = r == 0 ? result_or_error("job.list", reply) : NULL;
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
		{ "submit", "job.submit", -1 }, { "verify", "job.verify", -1 },
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
		/* submit|verify TABLE --from D --to D | --day D | --t0 | --t1 | --full */
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

/* pick_socket sets sock_path: -s, else the "socket" of -c CONFIG (the daemon's own
 * file: the default socket when it has none), else $REPLICAD_SOCKET, else the
 * default. A config that cannot be read is a usage error naming it. */
static int
pick_socket(const char *sock_opt, const char *cfg_opt)
{
	static char from_cfg[4096];
	const char *env = getenv("REPLICAD_SOCKET");
	if (sock_opt != NULL) {
		sock_path = sock_opt;
		return 0;
	}
	if (cfg_opt == NULL) {
		if (env != NULL && env[0] != '\0')
			sock_path = env;
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
		sock_path = from_cfg;
	}
	json_decref(root);
	return r;
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
	int status = 0;
	if (strcmp(cmd, "watch") == 0) {
		status = cmd_watch(json_string_value(json_object_get(params, "job")), as_json);
		json_decref(params);
		ctl_disconnect();
		free(rbuf);
		return status;
	}
	json_t *reply = NULL;
	int r = call(method, params, &reply, false);
	json_decref(params);
	if (r < 0) {
		free(rbuf);
		return 1;
	}
	json_t *res = result_or_error(method, reply);
	if (res != NULL && strcmp(cmd, "jobs") == 0)
		list_rest(res);
	if (res == NULL) {
		status = 1;
	} else if (as_json) {
		char *out = json_dumps(res, JSON_INDENT(2));
		puts(out ? out : "null");
		free(out);
	} else if (strcmp(cmd, "status") == 0) {
		print_status(res);
	} else if (strcmp(cmd, "jobs") == 0) {
		print_jobs(res);
	} else if (strcmp(cmd, "show") == 0) {
		print_job(res);
	} else if (strcmp(cmd, "submit") == 0 || strcmp(cmd, "verify") == 0) {
		char range[64];
		range_text(res, range, sizeof range);
		printf("submitted %s: table %s, %s %s, %lld partition%s (%s)\n", str(res, "job"), str(res, "table"),
		       str(res, "kind"), range, num(res, "partitions"), num(res, "partitions") == 1 ? "" : "s",
		       str(res, "state"));
	} else if (strcmp(cmd, "schedule") == 0) {
		print_schedule(res);
	} else if (strcmp(cmd, "metrics") == 0) {
		print_metrics(res, prometheus);
	} else {
		printf("%s: %s\n", str(res, "job"), str(res, "state"));
	}
	json_decref(reply);
	ctl_disconnect();
	free(rbuf);
	return status;
}
