/* tests/integration/test_serve.c: `replicad serve` end to end, from the outside, as
 * operators and monitoring scripts use it: a backfill driven only through replicactl
 * (submit, pause, resume, watch, cancel), SIGKILL mid-job and a restart that resumes
 * it, the live account and ledger id while it runs, SIGTERM mid-job (the ledger job
 * left 'interrupted') and a restart that finishes it, the data compared value by
 * value, the metrics (checked by promtool), systemd notifications read from a
 * NOTIFY_SOCKET, a SIGHUP with a broken config and with the config a FIFO, a peer
 * that may read but not write (a client run as nobody: needs root), SIGTERM, and a
 * verify as a job (issue #17), submitted and fired by its schedule slot. Every wait
 * is for a state with a deadline far beyond a loaded machine's. The control socket's
 * protocol and limits are test_serve_rpc.c; the shared helpers are serve_it.c.
 * argv: replicad, replicactl. */
#include "edge.h"
#include "it.h"
#include "serve_it.h"
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- (b, c) end to end ---- */

/* check_aligned: in a table printed by replicactl (header first), every column sits
 * under its header on every row: a blank before the header word's start (left-
 * aligned) or after its end (right-aligned); fixed widths failed this with a ledger
 * id in the JOB column */
static void
check_aligned(const char *what, const char *out)
{
	const char *nl = strchr(out, '\n');
	ck_assert_msg(nl != NULL, "%s: no header: %s", what, out);
	size_t hlen = (size_t)(nl - out);
	for (const char *l = nl + 1; *l != '\0' && *l != '\n'; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		size_t len = strcspn(l, "\n");
		if (strncmp(l, "  ", 2) == 0)
			continue;   /* a note under a row (an error) */
		for (size_t p = 1; p < hlen; p++) {
			if (out[p] == ' ' || out[p - 1] != ' ')
				continue;
			size_t e = p;   /* a header word [p, e): left-aligned cells have a blank before p,
			                 * right-aligned ones after e-1 */
			while (e < hlen && out[e] != ' ')
				e++;
			bool left = p - 1 >= len || l[p - 1] == ' ', right = e >= len || l[e] == ' ';
			ck_assert_msg(left || right, "%s: column at %zu not aligned on: %.*s\n%.3000s", what, p, (int)len, l, out);
		}
	}
}

START_TEST(test_end_to_end)
{
	struct rpl_conn src, dst;
	char out[1 << 16], err[8192], seen[16384] = "";
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "serve_t");
	edge_drop(&dst, "serve_t");
	it_exec_ok(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'serve_t'");
	it_exec_ok(&dst, "DELETE FROM replicad_jobs WHERE table_name = 'serve_t'");
	it_exec(&src, "CREATE TABLE serve_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3), ts timestamp(6))");
	it_exec(&src, "INSERT INTO serve_t SELECT g, date '2024-01-01' + (g % 182), md5(g::text), g * 1.125,"
	              " timestamp '2024-01-01 00:00:00' + g * interval '1.000123 second' FROM generate_series(1, 400000) g");
	it_exec(&dst, "CREATE TABLE serve_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3), ts timestamp(6))");
	make_dirs();
	write_config("{\"name\": \"serve_t\", \"date_column\": \"d\"}", "");
	char state_cmd[1200];
	snprintf(state_cmd, sizeof state_cmd, "rm -rf '%s'", it_tmpfile("serve-state"));
	ck_assert(system(state_cmd) == 0);
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1: %s", seen);
	ck_assert_msg(strstr(seen, "STATUS=") != NULL, "READY came without STATUS=: %s", seen);
	ck_assert_msg(notify_wait("WATCHDOG=1", 60000, seen, sizeof seen), "no WATCHDOG=1 within 60 s: %s", seen);

	/* submit, then pause at once: the job holds between chunks, mid-partition */
	ck_assert_msg(ctl(out, err, "submit", "serve_t", "--from", "2024-01-01", "--to", "2024-06-30") == 0, "%s", err);
	/* one id per job, the ledger's (issue #18 item 7): submit answers it, and it
	 * stays the job's through the restarts below, as its ledger id and its times */
	char id1[64] = "";
	ck_assert_msg(sscanf(out, "submitted %63[^:]", id1) == 1 && strlen(id1) > 20 && id1[8] == 'T' && id1[15] == 'Z',
	              "submit did not answer a ledger-form id: %s", out);
	ck_assert_msg(ctl(out, err, "pause", id1) == 0, "pause: %s", err);
	ck_assert_msg(strstr(out, "paused") != NULL, "pause said: %s", out);
	json_t *j = show_json(id1);
	ck_assert_str_eq(state_of(j), "paused");
	json_decref(j);
	ck_assert_int_eq(ctl(out, err, "pause", id1), 1);   /* a paused job cannot be paused */
	ck_assert_msg(strstr(err, "-32002") != NULL, "pausing twice: %s", err);
	ck_assert_msg(ctl(out, err, "resume", id1) == 0, "resume: %s", err);
	j = show_json(id1);
	ck_assert_str_eq(state_of(j), "running");
	json_decref(j);
	/* let it load a little, pause again, and kill the daemon while the job holds */
	for (int i = 0; i < 100; i++) {
		j = show_json(id1);
		long long rows = json_integer_value(json_object_get(j, "rows_written"));
		const char *s = state_of(j);
		ck_assert_msg(strcmp(s, "running") == 0, "job ended (%s) before it could be killed: make the table bigger", s);
		json_decref(j);
		if (rows > 0)
			break;
		it_nap_ms(50);
	}
	ck_assert_msg(ctl(out, err, "pause", id1) == 0, "second pause: %s", err);
	char submitted1[40];
	j = show_json(id1);
	snprintf(submitted1, sizeof submitted1, "%s", json_string_value(json_object_get(j, "submitted")));
	ck_assert_msg(json_is_string(json_object_get(j, "ledger_id")) &&
	              strcmp(json_string_value(json_object_get(j, "ledger_id")), id1) == 0, "the ledger id is not the job's");
	json_decref(j);
	ck_assert_msg(notify_wait("STATUS=", 60000, seen, sizeof seen), "no STATUS= update while the job ran");
	ck_assert_int_eq(stop_daemon(SIGKILL, 10), -SIGKILL);

	/* a restarted daemon resumes j1 (same id). While it runs, show lists the ledger
	 * id and the partitions ended so far (the rest pending); catch a partition done,
	 * then hold the job with a pause so the SIGTERM below lands mid-job */
	notify_clear();
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after the restart: %s", seen);
	char ledger[64] = "";
	for (int i = 0;; i++) {
		ck_assert_msg(i < 15000, "no partition of the job seen done in 15000 looks (over 300 s)");
		j = show_json(id1);
		const char *s = state_of(j);
		ck_assert_msg(strcmp(s, "running") == 0 || strcmp(s, "queued") == 0,
		              "j1 is %s before a partition was seen done: make the table bigger", s);
		int done = parts_in(j, "done");
		if (done >= 1) {
			ck_assert_msg(json_is_string(json_object_get(j, "ledger_id")), "a running job shows no ledger_id");
			snprintf(ledger, sizeof ledger, "%s", json_string_value(json_object_get(j, "ledger_id")));
			ck_assert_str_eq(ledger, id1);   /* the same id after a SIGKILL and a restart */
			ck_assert_str_eq(json_string_value(json_object_get(j, "job")), id1);
			ck_assert_str_eq(json_string_value(json_object_get(j, "submitted")), submitted1);   /* its own time */
			ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "account"), "job")), ledger);
			ck_assert_int_eq((int)json_array_size(json_object_get(json_object_get(j, "account"), "partitions")), 6);
			json_decref(j);
			break;
		}
		json_decref(j);
		it_nap_ms(20);
	}
	ck_assert_msg(ctl(out, err, "pause", id1) == 0, "pause after a partition ended: %s", err);
	j = show_json(id1);
	ck_assert_str_eq(state_of(j), "paused");
	ck_assert_str_eq(json_string_value(json_object_get(j, "ledger_id")), ledger);
	int done_before_stop = parts_in(j, "done") + parts_in(j, "skipped");
	ck_assert_msg(parts_in(j, "done") >= 1 && parts_in(j, "pending") >= 1, "paused j1: %d done, %d pending",
	              parts_in(j, "done"), parts_in(j, "pending"));
	json_decref(j);
	ck_assert_msg(ctl(out, err, "show", id1) == 0 && strstr(out, "PARTITION") != NULL && strstr(out, ledger) != NULL,
	              "show of a running job prints no account: %s", out);
	/* replicactl's ergonomics (issue #18 item 8): the paused job's rate and ETA stand
	 * still; --json after the command; the socket from REPLICAD_SOCKET or -c; the
	 * account's columns as wide as their contents, a run of pending partitions on
	 * one line */
	{
		/* each look after the daemon's own clock has moved (its uptime_s ticks), so a
		 * rate that still ran would differ: a state of the daemon, not a time of ours.
		 * The elapsed time stands still from the pause on; the rows of a chunk under
		 * way when it came still land (pause finishes the current chunk), so the rate
		 * and ETA must stand still once they have: at most one chunk per worker */
		json_t *j1 = show_json(id1), *j2 = NULL;
		for (int look = 0;; look++) {
			json_int_t up0 = -1;
			for (int i = 0;; i++) {
				ck_assert_int_eq(ctl(out, err, "status", "--json"), 0);
				json_t *st = json_loads(out, 0, NULL);
				json_int_t up = json_integer_value(json_object_get(st, "uptime_s"));
				json_decref(st);
				if (up0 < 0)
					up0 = up;
				else if (up > up0)
					break;
				ck_assert_msg(i < 6000, "the daemon's uptime_s never moved: %s", out);
				it_nap_ms(50);
			}
			ck_assert_int_eq(ctl(out, err, "show", id1, "--json"), 0);
			j2 = json_loads(out, 0, NULL);
			ck_assert_msg(j2 != NULL, "show j1 --json is not JSON: %s", out);
			ck_assert_msg(json_equal(json_object_get(j1, "elapsed_s"), json_object_get(j2, "elapsed_s")),
			              "a paused job's clock ran: elapsed %f -> %f", json_real_value(json_object_get(j1, "elapsed_s")),
			              json_real_value(json_object_get(j2, "elapsed_s")));
			if (json_equal(json_object_get(j1, "rows_per_s"), json_object_get(j2, "rows_per_s")) &&
			    json_equal(json_object_get(j1, "eta_s"), json_object_get(j2, "eta_s")))
				break;
			ck_assert_msg(look < 20, "a paused job's rate never stood still: %f -> %f",
			              json_real_value(json_object_get(j1, "rows_per_s")),
			              json_real_value(json_object_get(j2, "rows_per_s")));
			json_decref(j1);
			j1 = j2;
		}
		/* the longest run of pending partitions decides what show prints */
		json_t *parts = json_object_get(json_object_get(j1, "account"), "partitions"), *p;
		size_t k, run = 0, best = 0;
		json_array_foreach(parts, k, p) {
			run = strcmp(json_string_value(json_object_get(p, "state")), "pending") == 0 ? run + 1 : 0;
			best = run > best ? run : best;
		}
		json_decref(j1);
		json_decref(j2);
		ck_assert_int_eq(ctl(out, err, "show", id1), 0);
		char want[32];
		snprintf(want, sizeof want, "pending (%zu)", best);
		ck_assert_msg(best < 3 ? strstr(out, "pending (") == NULL : strstr(out, want) != NULL,
		              "%zu pending in a row, show printed: %s", best, out);
		check_aligned("show j1", strstr(out, "PARTITION"));
		setenv("REPLICAD_SOCKET", serve_sock_path, 1);
		serve_ctl_no_socket = true;
		int st1 = ctl(out, err, "status");
		unsetenv("REPLICAD_SOCKET");
		ck_assert_msg(st1 == 0 && strstr(out, serve_sock_path) != NULL, "status with REPLICAD_SOCKET: %s %s", out, err);
		int st2 = ctl(out, err, "-c", serve_cfg_path, "status", "--json");
		serve_ctl_no_socket = false;
		json_t *js = json_loads(out, 0, NULL);
		ck_assert_msg(st2 == 0 && json_is_object(js), "status -c CONFIG --json: %s %s", out, err);
		json_decref(js);
		ck_assert_int_eq(ctl(out, err, "jobs"), 0);
		check_aligned("jobs", out);
	}
	/* the counters moved per partition, before the job ended (issue #18 item 12):
	 * they hold exactly the partitions ended so far */
	{
		j = show_json(id1);
		json_t *parts = json_object_get(json_object_get(j, "account"), "partitions"), *p;
		size_t k;
		double done = 0, written = 0;
		json_array_foreach(parts, k, p)
			if (strcmp(json_string_value(json_object_get(p, "state")), "done") == 0) {
				done++;
				written += (double)json_integer_value(json_object_get(p, "rows_written"));
			}
		json_decref(j);
		ck_assert_int_eq(ctl(out, err, "metrics", "--prometheus"), 0);
		ck_assert_msg(metric_value(out, "replicad_partitions_total{table=\"serve_t\",state=\"done\"}") == done &&
		              metric_value(out, "replicad_rows_written_total{table=\"serve_t\"}") == written && written > 0,
		              "paused j1 with %.0f partitions done (%.0f rows): %.3000s", done, written, out);
		ck_assert_msg(metric_value(out, "replicad_table_last_success_timestamp_seconds{table=\"serve_t\"}") > 0,
		              "a partition is done, but no last success: %.3000s", out);
	}

	/* SIGTERM mid-job: the ledger says 'interrupted' (not 'cancelled'); the next
	 * start resumes j1, skips what was done, and finishes it */
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	ck_assert_msg(ledger_state_is(&dst, ledger, "interrupted"), "ledger job %s is not 'interrupted' after SIGTERM", ledger);
	notify_clear();
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after the SIGTERM: %s", seen);
	int st = ctl(out, err, "watch", id1);
	ck_assert_msg(st == 0, "watch j1 ended with %d: %s %s", st, out, err);
	ck_assert_msg(strstr(out, "done") != NULL && strstr(out, "PARTITION") != NULL, "watch did not print the account: %s", out);
	j = show_json(id1);
	ck_assert_str_eq(state_of(j), "done");
	ck_assert_str_eq(json_string_value(json_object_get(j, "ledger_id")), ledger);
	ck_assert(json_is_object(json_object_get(j, "account")));
	ck_assert_msg(parts_in(j, "skipped") >= done_before_stop && parts_in(j, "skipped") + parts_in(j, "done") == 6,
	              "final account: %d skipped, %d done; %d were done before the stop", parts_in(j, "skipped"),
	              parts_in(j, "done"), done_before_stop);
	json_decref(j);
	ck_assert(ledger_state_is(&dst, ledger, "done"));
	/* staleness per table, judged from the metrics as a monitoring script would: the
	 * table's newest successful partition ended during this run, none failed */
	{
		ck_assert_int_eq(ctl(out, err, "metrics", "--prometheus"), 0);
		double last = metric_value(out, "replicad_table_last_success_timestamp_seconds{table=\"serve_t\"}");
		double now = (double)time(NULL);
		ck_assert_msg(last > now - 600 && last <= now + 1, "serve_t last succeeded at %.3f, now is %.0f", last, now);
		ck_assert_msg(metric_value(out, "replicad_table_last_failure_timestamp_seconds{table=\"serve_t\"}") == 0 &&
		              metric_value(out, "replicad_partitions_total{table=\"serve_t\",state=\"failed\"}") == 0,
		              "failures counted: %.3000s", out);
		ck_assert_msg(strstr(out, "phase=\"TOTAL\"") == NULL && strstr(out, "phase=\"total\"") == NULL &&
		              strstr(out, "replicad_phase_seconds_total{table=\"serve_t\",phase=\"insert\"}") != NULL,
		              "phases: %.3000s", out);
		promtool_check(out);
	}
	struct it_dump a, b;
	it_dump_table(&src, "serve_t", "id", &a);
	it_dump_table(&dst, "serve_t", "id", &b);
	ck_assert_int_eq(a.nrows, 400000);
	it_dump_compare(&a, &b, "serve: killed and resumed into postgresql");
	it_dump_free(&b);

	/* cancel: a new backfill of the same range, held by a pause, then cancelled */
	ck_assert_msg(ctl(out, err, "submit", "serve_t", "--from", "2024-01-01", "--to", "2024-06-30") == 0, "%s", err);
	char id[64];
	ck_assert(sscanf(out, "submitted %63[^:]", id) == 1);
	ck_assert_msg(ctl(out, err, "pause", id) == 0, "pause %s: %s", id, err);
	ck_assert_msg(ctl(out, err, "cancel", id) == 0, "cancel %s: %s", id, err);
	ck_assert_msg(strstr(out, "cancel") != NULL, "cancel said: %s", out);
	st = ctl(out, err, "watch", id);
	ck_assert_msg(st == 1, "watch of a cancelled job ended with %d: %s", st, out);
	j = show_json(id);
	ck_assert_str_eq(state_of(j), "cancelled");
	/* cancelled is not failed (issue #18 item 3): in the account, the ledger and the
	 * metrics, the cancel's partitions are 'cancelled', none 'failed' */
	ck_assert_msg(parts_in(j, "failed") == 0 && parts_in(j, "cancelled") == 6, "cancelled job: %d failed, %d cancelled",
	              parts_in(j, "failed"), parts_in(j, "cancelled"));
	{
		json_t *parts = json_object_get(json_object_get(j, "account"), "partitions"), *p;
		size_t k;
		json_array_foreach(parts, k, p) {
			long long rd = json_integer_value(json_object_get(p, "rows_read"));
			long long wr = json_integer_value(json_object_get(p, "rows_written"));
			ck_assert_msg(wr <= rd && json_object_get(p, "error") == NULL, "cancelled partition %zu: read %lld written %lld",
			              k, rd, wr);
		}
		char sql[300];
		int64_t nfailed = -1;
		bool found = false;
		struct rpl_err lerr = RPL_ERR_INIT;
		snprintf(sql, sizeof sql, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND state = 'failed'",
		         json_string_value(json_object_get(j, "ledger_id")));
		ck_assert_msg(rpl_conn_query_int64(&dst, sql, &nfailed, &found, &lerr) == 0, "%s", lerr.msg);
		ck_assert_msg(nfailed == 0, "the ledger has %lld failed partitions after a cancel", (long long)nfailed);
	}
	json_decref(j);
	it_dump_table(&dst, "serve_t", "id", &b);   /* rolled back: still equal */
	it_dump_compare(&a, &b, "serve: after a cancel");
	it_dump_free(&a);
	it_dump_free(&b);
	ck_assert_int_eq(ctl(out, err, "jobs"), 0);
	ck_assert_msg(strstr(out, id1) != NULL && strstr(out, "cancelled") != NULL, "jobs: %.3000s", out);
	ck_assert_msg(strstr(strstr(out, id1) + 1, id1) == NULL, "jobs lists %s twice: %.3000s", id1, out);
	ck_assert_int_eq(ctl(out, err, "metrics", "--prometheus"), 0);
	ck_assert_msg(strstr(out, "# TYPE replicad_rows_written_total counter") != NULL &&
	              strstr(out, "replicad_jobs{state=\"done\"} 1") != NULL, "metrics: %.3000s", out);
	ck_assert_msg(metric_value(out, "replicad_partitions_total{table=\"serve_t\",state=\"failed\"}") == 0 &&
	              metric_value(out, "replicad_partitions_total{table=\"serve_t\",state=\"cancelled\"}") == 6,
	              "metrics after a cancel: %.3000s", out);
	promtool_check(out);
	ck_assert_int_eq(ctl(out, err, "schedule"), 0);
	ck_assert_msg(strstr(out, "Europe/Amsterdam") != NULL && strstr(out, serve_t1_at) != NULL, "schedule: %s", out);

	/* (c) a peer that is neither root, our user nor in the socket's group */
	ck_assert_msg(getuid() == 0, "this test runs a client as nobody: run it as root");
	chmod(serve_sock_path, 0666);   /* so nobody can connect at all; the group stays root's */
	ck_assert_int_eq(ctl_as(65534, out, sizeof out, err, sizeof err, "status", (const char *)NULL), 0);
	st = ctl_as(65534, out, sizeof out, err, sizeof err, "submit", "serve_t", "--full", (const char *)NULL);
	ck_assert_msg(st == 1 && strstr(err, "not permitted") != NULL, "nobody could submit (%d): %s", st, err);
	st = ctl_as(65534, out, sizeof out, err, sizeof err, "cancel", id1, (const char *)NULL);
	ck_assert_msg(st == 1 && strstr(err, "not permitted") != NULL, "nobody could cancel (%d): %s", st, err);

	/* SIGHUP with a broken file: the old configuration stays, and says why */
	notify_clear();
	FILE *f = fopen(serve_cfg_path, "w");
	fputs("{ \"tables\": [ }\n", f);
	fclose(f);
	kill(serve_daemon_pid, SIGHUP);
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after SIGHUP: %s", seen);
	ck_assert_msg(strstr(seen, "RELOADING=1") != NULL && strstr(seen, "MONOTONIC_USEC=") != NULL, "reload: %s", seen);
	ck_assert_int_eq(ctl(out, err, "status"), 0);
	ck_assert_msg(strstr(out, "reload    FAILED") != NULL && strstr(out, "serve \"q\\\".json") != NULL, "status: %s", out);

	/* SIGHUP with the config a FIFO (issue #19): the reload fails at once, naming it,
	 * and the daemon answers; it used to wait in open() on the loop for a writer */
	notify_clear();
	ck_assert(unlink(serve_cfg_path) == 0 && mkfifo(serve_cfg_path, 0600) == 0);
	kill(serve_daemon_pid, SIGHUP);
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after SIGHUP with a FIFO: %s", seen);
	ck_assert_int_eq(ctl(out, err, "status"), 0);
	ck_assert_msg(strstr(out, "reload    FAILED") != NULL && strstr(out, "not a regular file (a FIFO)") != NULL,
	              "status after a FIFO config: %s", out);

	notify_clear();
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	ck_assert_msg(notify_wait("STOPPING=1", 60000, seen, sizeof seen), "no STOPPING=1: %s", seen);
	/* a restarted daemon still knows when serve_t last succeeded (from the ledger),
	 * so a staleness check does not fire after every restart */
	write_config("{\"name\": \"serve_t\", \"date_column\": \"d\"}", "");
	notify_clear();
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after the last restart: %s", seen);
	for (int i = 0;; i++) {   /* the ledger is read by a thread of its own: wait for the jobs it lists */
		ck_assert_int_eq(ctl(out, err, "jobs"), 0);
		if (strstr(out, ledger) != NULL)
			break;
		ck_assert_msg(i < 6000, "the ledger's jobs never appeared: %s", out);
		it_nap_ms(50);
	}
	ck_assert_int_eq(ctl(out, err, "metrics", "--prometheus"), 0);
	ck_assert_msg(metric_value(out, "replicad_table_last_success_timestamp_seconds{table=\"serve_t\"}") >
	              (double)time(NULL) - 3600, "after a restart: %.3000s", out);
	/* the job, now known from the ledger only, is still shown under its id with its
	 * partitions (issue #18 item 7) */
	j = show_json(id1);
	ck_assert_str_eq(json_string_value(json_object_get(j, "origin")), "ledger");
	ck_assert_msg(parts_in(j, "done") == 6, "show of the ledger job %s: %d partitions done", id1, parts_in(j, "done"));
	ck_assert_str_eq(json_string_value(json_object_get(j, "submitted")), submitted1);
	json_decref(j);
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	check_log();
	remove_dirs();
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* a verify as a job (issue #17): `replicactl verify` submits job.verify, the job is
 * listed with kind "verify", its per-partition verdicts are in show, the table's
 * metrics say how many differences the last verify found, schedule.verify_at is a
 * slot, and no ledger job is opened */
START_TEST(test_verify_job)
{
	struct rpl_conn src, dst;
	char out[1 << 16], err[8192], seen[16384] = "";
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "serve_v");
	edge_drop(&dst, "serve_v");
	edge_drop(&src, "serve_nt");   /* a table the target lacks: its verify fails */
	edge_drop(&dst, "serve_nt");
	it_exec(&src, "CREATE TABLE serve_nt (id bigint PRIMARY KEY, d date NOT NULL)");
	for (int k = 0; k < 2; k++) {
		struct rpl_conn *c = k ? &dst : &src;
		it_exec(c, "CREATE TABLE serve_v (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
		it_exec(c, "INSERT INTO serve_v SELECT g, date '2024-01-01' + (g % 59), md5(g::text) FROM generate_series(1, 2000) g");
	}
	it_exec(&dst, "UPDATE serve_v SET s = 'changed' WHERE id = 40");   /* 2024-02-10 */
	it_exec(&dst, "DELETE FROM serve_v WHERE id = 41");                 /* 2024-02-11 */
	it_exec(&dst, "UPDATE serve_v SET s = 'x' WHERE id <= 12");         /* January: more than a job keeps */
	make_dirs();
	char state_cmd[1200];   /* no schedule.json of an earlier run: no verify slot caught up at start */
	snprintf(state_cmd, sizeof state_cmd, "rm -rf '%s'", it_tmpfile("serve-state"));
	ck_assert(system(state_cmd) == 0);
	serve_sched_extra = ", \"verify_at\": \"04:15\"";
	write_config("{\"name\": \"serve_v\", \"date_column\": \"d\"}, {\"name\": \"serve_nt\", \"date_column\": \"d\"}", "");
	serve_sched_extra = "";
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1: %s", seen);
	ck_assert_msg(ctl(out, err, "verify", "serve_v", "--from", "2024-01-01", "--to", "2024-02-29") == 0, "%s", err);
	char id[64] = "";
	ck_assert_msg(sscanf(out, "submitted %63[^:]", id) == 1, "verify answered: %s", out);
	ck_assert_msg(strstr(out, "verify") != NULL, "verify's job is not of kind verify: %s", out);
	json_t *j = NULL;
	for (int i = 0;; i++) {
		ck_assert_msg(i < 15000, "the verify job did not end in 15000 looks");
		j = show_json(id);
		if (strcmp(state_of(j), "done") == 0 || strcmp(state_of(j), "failed") == 0)
			break;
		json_decref(j);
		it_nap_ms(20);
	}
	ck_assert_str_eq(state_of(j), "done");
	ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "verify");
	ck_assert(json_is_null(json_object_get(j, "ledger_id")));
	json_t *v = json_object_get(j, "verify");
	ck_assert_int_eq((int)json_array_size(v), 2);
	json_t *jan = json_array_get(v, 0), *feb = json_array_get(v, 1);
	ck_assert_str_eq(json_string_value(json_object_get(jan, "state")), "differ");
	ck_assert_int_eq(json_integer_value(json_object_get(jan, "changed")), 12);
	ck_assert_int_eq((int)json_array_size(json_object_get(json_object_get(jan, "keys"), "changed")), 10);
	ck_assert_str_eq(json_string_value(json_object_get(feb, "state")), "differ");
	ck_assert_int_eq(json_integer_value(json_object_get(feb, "changed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(feb, "missing")), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(feb, "range"), "start")), "2024-02-01");
	/* the keys of what differs, as `replicad verify --json` names them */
	json_t *fk = json_object_get(feb, "keys"), *ch = json_array_get(json_object_get(fk, "changed"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(ch, "key"), "id")), 40);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(ch, "columns"), 0)), "s");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(json_object_get(fk, "missing"), 0), "id")), 41);
	ck_assert_int_eq((int)json_array_size(json_object_get(fk, "extra")), 0);
	json_decref(j);
	ck_assert_msg(ctl(out, err, "show", id) == 0 && strstr(out, "differ") != NULL && strstr(out, "CHANGED") != NULL,
	              "show of a verify job: %s", out);
	ck_assert_msg(strstr(out, "2024-02-01..2024-03-01 changed {\"id\": 40} [\"s\"]") != NULL &&
	              strstr(out, "2024-02-01..2024-03-01 missing {\"id\": 41}") != NULL &&
	              strstr(out, "2024-01-01..2024-02-01 … and 2 more changed") != NULL,
	              "show of a verify job names no keys: %s", out);
	/* the service's log says what the verify found */
	char line[4096];
	bool logged = false;
	FILE *lf = fopen(it_tmpfile("serve.log"), "r");
	ck_assert(lf != NULL);
	while (!logged && fgets(line, sizeof line, lf) != NULL)
		logged = strstr(line, id) != NULL && strstr(line, "state=done") != NULL &&
		         strstr(line, "partitions_differ=2 missing=1 extra=0 changed=13") != NULL;
	fclose(lf);
	ck_assert_msg(logged, "no log line with the verify's verdict (job %s)", id);
	/* watch exits as `replicad verify` would: 4, differences remain */
	ck_assert_msg(ctl(out, err, "watch", id) == 4, "watch of a verify that found differences: %s %s", out, err);
	ck_assert_int_eq(ctl(out, err, "jobs"), 0);
	ck_assert_msg(strstr(out, id) != NULL && strstr(out, "verify") != NULL, "jobs: %.3000s", out);
	/* a verify of the whole table has the range "all", as a whole-table copy */
	ck_assert_msg(ctl(out, err, "verify", "serve_v", "--full") == 0, "%s", err);
	char fv[64] = "";
	ck_assert_msg(sscanf(out, "submitted %63[^:]", fv) == 1, "verify answered: %s", out);
	j = show_json(fv);
	ck_assert_msg(json_is_string(json_object_get(j, "range")) &&
	              strcmp(json_string_value(json_object_get(j, "range")), "all") == 0, "a whole-table verify's range");
	json_decref(j);
	ck_assert_msg(ctl(out, err, "watch", fv) == 4, "watch of the whole-table verify: %s %s", out, err);
	/* a verify that fails before its first partition could not verify: -1, not 0 */
	ck_assert_msg(ctl(out, err, "verify", "serve_nt", "--from", "2024-01-01", "--to", "2024-01-31") == 0, "%s", err);
	char nt[64] = "";
	ck_assert_msg(sscanf(out, "submitted %63[^:]", nt) == 1, "verify answered: %s", out);
	for (int i = 0;; i++) {
		ck_assert_msg(i < 15000, "the verify of serve_nt did not end in 15000 looks");
		j = show_json(nt);
		bool ended = strcmp(state_of(j), "failed") == 0 || strcmp(state_of(j), "done") == 0;
		if (ended)
			ck_assert_str_eq(state_of(j), "failed");
		json_decref(j);
		if (ended)
			break;
		it_nap_ms(20);
	}
	ck_assert_int_eq(ctl(out, err, "metrics", "--prometheus"), 0);
	ck_assert_msg(metric_value(out, "replicad_table_verify_differences{table=\"serve_v\"}") == 14, "%.3000s", out);
	ck_assert_msg(metric_value(out, "replicad_table_verify_differences{table=\"serve_nt\"}") == -1, "%.3000s", out);
	ck_assert_msg(metric_value(out, "replicad_table_verify_timestamp_seconds{table=\"serve_v\"}") >
	              (double)time(NULL) - 3600, "%.3000s", out);
	promtool_check(out);
	ck_assert_int_eq(ctl(out, err, "--json", "schedule"), 0);
	ck_assert_msg(strstr(out, "\"verify\"") != NULL && strstr(out, "04:15") != NULL, "schedule: %s", out);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM serve_v WHERE s = 'changed'"), 1);   /* nothing repaired */
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	/* the verify slot fires: its last run recorded long ago, the restarted daemon
	 * catches it up at start with a verify job of yesterday (origin "verify") */
	char sched[1200];
	snprintf(sched, sizeof sched, "%s/schedule.json", it_tmpfile("serve-state"));
	FILE *f = fopen(sched, "w");
	ck_assert(f != NULL);
	long long now = (long long)time(NULL);
	fprintf(f, "{\"t1\": %lld, \"t0\": %lld, \"reference\": %lld, \"verify\": 1}\n", now, now, now);
	fclose(f);
	notify_clear();
	start_daemon();
	ck_assert_msg(notify_wait("READY=1", 60000, seen, sizeof seen), "no READY=1 after the restart: %s", seen);
	for (int i = 0;; i++) {
		ck_assert_int_eq(ctl(out, err, "--json", "jobs"), 0);
		json_t *l = json_loads(out, 0, NULL), *jb;
		size_t k;
		bool fired = false;
		json_array_foreach(json_object_get(l, "jobs"), k, jb)
			fired = fired || (strcmp(json_string_value(json_object_get(jb, "origin")), "verify") == 0 &&
			                  strcmp(json_string_value(json_object_get(jb, "kind")), "verify") == 0 &&
			                  strcmp(json_string_value(json_object_get(jb, "state")), "done") == 0);
		json_decref(l);
		if (fired)
			break;
		ck_assert_msg(i < 6000, "no verify job of the verify slot ended done: %s", out);
		it_nap_ms(50);
	}
	ck_assert_int_eq(stop_daemon(SIGTERM, 40), 0);
	check_log();
	remove_dirs();
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_serve /path/to/replicad /path/to/replicactl\n");
		return 2;
	}
	static char a[4096], b[4096];   /* absolute: the client also runs as nobody */
	serve_replicad_bin = realpath(argv[1], a) ? a : argv[1];
	serve_replicactl_bin = realpath(argv[2], b) ? b : argv[2];
	signal(SIGPIPE, SIG_IGN);
	Suite *s = suite_create("serve");
	TCase *tc = tcase_create("serve");
	tcase_set_timeout(tc, 600);   /* a deadline for a hang: the ASan end to end took 117 s on a quiet machine */
	tcase_add_test(tc, test_end_to_end);
	tcase_add_test(tc, test_verify_job);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
