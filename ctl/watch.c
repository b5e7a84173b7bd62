/* ctl/watch.c: `replicactl watch JOB`: job.get once a second until the job ends, a
 * bar on a terminal, a logfmt-like line otherwise; a daemon that restarts meanwhile
 * is waited for (see watch.h). */
#include "watch.h"
#include "conn.h"
#include "print.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static bool
terminal_state(const char *s)
{
	return strcmp(s, "done") == 0 || strcmp(s, "failed") == 0 || strcmp(s, "cancelled") == 0;
}

/* watch_status: the exit status of a job that ended: 0 done, 1 failed or cancelled,
 * 3 rows rejected (a copy), 4 differences remain (a verify), as `replicad run` and
 * `replicad verify` exit */
static int
watch_status(json_t *j)
{
	const char *s = ctl_str(j, "state");
	if (strcmp(s, "done") != 0)
		return 1;
	json_t *v = json_object_get(j, "verify"), *p;
	size_t i;
	json_array_foreach(v, i, p)
		if (strcmp(ctl_str(p, "state"), "differ") == 0)
			return 4;
	return ctl_num(j, "rows_rejected") > 0 ? 3 : 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

int
ctl_watch(const char *id, bool as_json)
{
	bool tty = isatty(1);
	json_t *params = json_pack("{s:s}", "job", id);
	long long last_done = -1;
	char last_state[32] = "";
	time_t last_line = 0;
	int lost_s = 0;
	for (;;) {
		json_t *reply;
		if (ctl_call("job.get", params, &reply, lost_s > 0) < 0) {
			/* the daemon may be restarting (it resumes its jobs): wait a little */
			if (lost_s == 0)
				fprintf(stderr, "%sreplicactl: lost %s; waiting up to 60 s for replicad to come back\n", tty ? "\n" : "",
				        ctl_conn_path());
			if (++lost_s > 60) {
				fprintf(stderr, "replicactl: cannot reach replicad at %s\n", ctl_conn_path());
				json_decref(params);
				return 1;
			}
			sleep_ms(1000);
			continue;
		}
		lost_s = 0;
		json_t *j = ctl_result("job.get", reply);
		if (j == NULL) {
			json_decref(reply);
			json_decref(params);
			return 1;
		}
		const char *state = ctl_str(j, "state");
		long long done = ctl_num(j, "partitions_done"), n = ctl_num(j, "partitions");
		double rate = json_real_value(json_object_get(j, "rows_per_s"));
		char eta[32] = "";
		if (json_is_real(json_object_get(j, "eta_s"))) {
			strcpy(eta, "  ETA ");
			ctl_fmt_secs(json_real_value(json_object_get(j, "eta_s")), eta + 6, sizeof eta - 6);
		}
		if (tty && !as_json) {
			int width = 30, fill = n > 0 && done > 0 ? (int)(width * (done < n ? done : n) / n) : 0;
			printf("\r[%.*s%*s] %lld/%lld partitions  %lld rows  %.0f rows/s%s  %-11s", fill,
			       "##############################", width - fill, "", done, n, ctl_num(j, "rows_written"), rate, eta, state);
			fflush(stdout);
		} else if (!as_json && (done != last_done || strcmp(state, last_state) != 0 || time(NULL) - last_line >= 10)) {
			printf("job=%s state=%s partitions=%lld/%lld rows_written=%lld rows_per_s=%.0f%s%s\n", ctl_str(j, "job"), state,
			       done, n, ctl_num(j, "rows_written"), rate, eta[0] ? " eta=" : "", eta[0] ? eta + 6 : "");
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
				ctl_print_job(j);
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
