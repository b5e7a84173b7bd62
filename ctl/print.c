/* ctl/print.c: replicactl's readable output of each answer (see print.h): numbers
 * checked before they are converted, tables as wide as their cells (table.c). */
#include "print.h"
#include "table.h"
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *
ctl_str(json_t *o, const char *key)
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

long long
ctl_num(json_t *o, const char *key)
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
void
ctl_fmt_secs(double s, char *out, size_t n)
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

void
ctl_range_text(json_t *job, char *out, size_t n)
{
	json_t *r = json_object_get(job, "range");
	if (json_is_string(r))
		snprintf(out, n, "%s", json_string_value(r));
	else if (strcmp(ctl_str(r, "from"), ctl_str(r, "to")) == 0)
		snprintf(out, n, "%s", ctl_str(r, "from"));
	else
		snprintf(out, n, "%s..%s", ctl_str(r, "from"), ctl_str(r, "to"));
}

void
ctl_print_status(json_t *r)
{
	json_t *jobs = json_object_get(r, "jobs");
	long long up = ctl_num(r, "uptime_s");
	printf("replicad %s, pid %lld, %s, up %lldd %02lld:%02lld:%02lld\n", ctl_str(r, "version"), ctl_num(r, "pid"),
	       ctl_str(r, "state"), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60);
	printf("socket    %s\nconfig    %s\ntimezone  %s\nworkers   %lld\n", ctl_str(r, "socket"), ctl_str(r, "config"),
	       ctl_str(r, "timezone"), ctl_num(r, "workers"));
	printf("jobs      %lld running, %lld paused, %lld queued, %lld done, %lld failed, %lld cancelled\n",
	       ctl_num(jobs, "running") + ctl_num(jobs, "cancelling"), ctl_num(jobs, "paused"), ctl_num(jobs, "queued"), ctl_num(jobs, "done"),
	       ctl_num(jobs, "failed"), ctl_num(jobs, "cancelled"));
	if (json_is_string(json_object_get(r, "last_reload_error")))
		printf("reload    FAILED, kept the running configuration: %s\n", ctl_str(r, "last_reload_error"));
	json_t *cl = json_object_get(r, "cluster"), *n;
	size_t i;
	if (!json_is_object(cl))
		return;
	printf("cluster   node %s, lease %llds\n", ctl_str(cl, "node"), ctl_num(cl, "lease_s"));
	json_array_foreach(json_object_get(cl, "nodes"), i, n)
		printf("  node %s pid %lld, heartbeat %.1f s ago\n", ctl_str(n, "node"), ctl_num(n, "pid"),
		       (double)ctl_num(n, "heartbeat_age_ms") / 1000.0);
}

void
ctl_print_jobs(json_t *r)
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
		ctl_range_text(j, range, sizeof range);
		snprintf(parts, sizeof parts, "%lld/%lld", ctl_num(j, "partitions_done"), ctl_num(j, "partitions"));
		snprintf(rows, sizeof rows, "%lld", ctl_num(j, "rows_written"));
		const char *cells[] = { ctl_str(j, "job"), ctl_str(j, "state"), ctl_str(j, "table"), ctl_str(j, "kind"), range,
		                        strcmp(ctl_str(j, "origin"), "ledger") == 0 ? "-" : parts, rows, ctl_str(j, "submitted") };
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
		snprintf(out, n, "%s", ctl_str(r, "to_exclusive"));
	else
		snprintf(out, n, "%s..%s", ctl_str(r, "from"), ctl_str(r, "to_exclusive"));
}

/* pending_run: how many partitions from index i on are pending with nothing counted
 * (a run of them is summarized in one row: a 60-month job's show stays short) */
static size_t
pending_run(json_t *parts, size_t i)
{
	size_t k = i;
	for (json_t *p; (p = json_array_get(parts, k)) != NULL; k++)
		if (strcmp(ctl_str(p, "state"), "pending") != 0 || ctl_num(p, "rows_read") != 0 || ctl_num(p, "attempts") != 0)
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
		snprintf(v[0], sizeof v[0], "%lld", ctl_num(p, "rows_read"));
		snprintf(v[1], sizeof v[1], "%lld", ctl_num(p, "rows_written"));
		snprintf(v[2], sizeof v[2], "%lld", ctl_num(p, "rows_rejected"));
		snprintf(v[3], sizeof v[3], "%lld", ctl_num(p, "bytes"));
		snprintf(v[4], sizeof v[4], "%lld", ctl_num(p, "attempts"));
		snprintf(v[5], sizeof v[5], "%lld", ctl_num(json_object_get(p, "ms"), "TOTAL"));
		const char *cells[] = { label, ctl_str(p, "state"), v[0], v[1], v[2], v[3], v[4], v[5] };
		ctl_table_row(&tb, cells);
		char rules[600] = "";
		rules_text(p, rules, sizeof rules);
		if (rules[0] != '\0')
			ctl_table_note(&tb, rules);
		json_t *e = json_object_get(p, "error");
		if (e != NULL) {
			char note[1200];
			snprintf(note, sizeof note, "error: %s%s%s", ctl_str(e, "message"),
			         *ctl_str(e, "sqlstate") != '-' && *ctl_str(e, "sqlstate") ? " sqlstate=" : "",
			         *ctl_str(e, "sqlstate") != '-' ? ctl_str(e, "sqlstate") : "");
			ctl_table_note(&tb, note);
		}
		i++;
	}
	char v[5][24];
	snprintf(v[0], sizeof v[0], "%lld", ctl_num(t, "rows_read"));
	snprintf(v[1], sizeof v[1], "%lld", ctl_num(t, "rows_written"));
	snprintf(v[2], sizeof v[2], "%lld", ctl_num(t, "rows_rejected"));
	snprintf(v[3], sizeof v[3], "%lld", ctl_num(t, "bytes"));
	snprintf(v[4], sizeof v[4], "%lld", ctl_num(t, "ms"));
	const char *cells[] = { "total (wall)", "", v[0], v[1], v[2], v[3], "", v[4] };
	ctl_table_row(&tb, cells);
	ctl_table_print(&tb, stdout);
	if (json_is_string(json_object_get(acc, "reject_file")))
		printf("rejected rows: %s\n", ctl_str(acc, "reject_file"));
}

/* print_key_list: one line per key of a verdict's list (job.get's "keys"), and how
 * many the service did not keep */
static void
print_key_list(const char *range, json_t *p, const char *what)
{
	json_t *keys = json_object_get(json_object_get(p, "keys"), what), *k;
	bool changed = strcmp(what, "changed") == 0;   /* {"key", "columns"}; the others are keys */
	size_t i;
	json_array_foreach(keys, i, k) {
		json_t *key = changed ? json_object_get(k, "key") : k;
		char *kt = json_dumps(key, JSON_ENCODE_ANY);
		char *ct = changed ? json_dumps(json_object_get(k, "columns"), JSON_ENCODE_ANY) : NULL;
		printf("  %s %s %s%s%s\n", range, what, kt != NULL ? kt : "?", ct != NULL ? " " : "", ct != NULL ? ct : "");
		free(kt);
		free(ct);
	}
	long long more = ctl_num(p, what) - (long long)json_array_size(keys);
	if (more > 0)
		printf("  %s … and %lld more %s (replicad verify lists them)\n", range, more, what);
}

/* print_verdict_keys: the keys of a partition that differs */
static void
print_verdict_keys(json_t *p)
{
	if (strcmp(ctl_str(p, "state"), "differ") != 0)
		return;
	json_t *r = json_object_get(p, "range");
	char range[48];
	if (json_is_string(json_object_get(r, "start")))
		snprintf(range, sizeof range, "%s..%s", ctl_str(r, "start"), ctl_str(r, "end"));
	else
		snprintf(range, sizeof range, "all");
	print_key_list(range, p, "missing");
	print_key_list(range, p, "extra");
	print_key_list(range, p, "changed");
}

/* print_verdicts: a verify job's partitions (job.get's "verify"), one line each,
 * then the keys of those that differ */
static void
print_verdicts(json_t *v)
{
	static const char *const heads[] = { "RANGE", "STATE", "SOURCE", "TARGET", "MISSING", "EXTRA", "CHANGED" };
	static const char *const keys[] = { "source_rows", "target_rows", "missing", "extra", "changed" };
	json_t *p;
	size_t i;
	struct ctl_table t;
	if (!json_is_array(v) || json_array_size(v) == 0)
		return;
	printf("\n");
	ctl_table_init(&t, 7, heads, "llrrrrr");
	json_array_foreach(v, i, p) {
		json_t *r = json_object_get(p, "range");
		char from[32], c[5][24];
		snprintf(from, sizeof from, "%s", json_is_string(json_object_get(r, "start")) ? ctl_str(r, "start") : "all");
		for (int k = 0; k < 5; k++)
			snprintf(c[k], sizeof c[k], "%lld", ctl_num(p, keys[k]));
		const char *cells[] = { from, ctl_str(p, "state"), c[0], c[1], c[2], c[3], c[4] };
		ctl_table_row(&t, cells);
	}
	ctl_table_print(&t, stdout);
	json_array_foreach(v, i, p)
		print_verdict_keys(p);
}

/* print_owners: who holds each running partition (any node), as the service last
 * read the ledger */
static void
print_owners(json_t *j)
{
	json_t *owners = json_object_get(j, "owners"), *w;
	size_t i;
	if (!json_is_array(owners) || json_array_size(owners) == 0)
		return;
	printf("owners     (the ledger, read %.1f s ago)\n", (double)ctl_num(j, "owners_age_ms") / 1000.0);
	json_array_foreach(owners, i, w) {
		json_t *range = json_object_get(w, "range");
		const char *s = ctl_str(range, "start"), *e = ctl_str(range, "end");
		printf("  %s%s%s  node %s pid %lld, lease %.1f s left\n", s[0] ? s : "all", s[0] ? ".." : "", s[0] ? e : "",
		       ctl_str(w, "node"), ctl_num(w, "pid"), (double)ctl_num(w, "lease_left_ms") / 1000.0);
	}
}

void
ctl_print_job(json_t *j)
{
	char range[64];
	ctl_range_text(j, range, sizeof range);
	printf("job        %s%s%s%s\n", ctl_str(j, "job"), json_is_string(json_object_get(j, "ledger_id")) ? " (ledger " : "",
	       json_is_string(json_object_get(j, "ledger_id")) ? ctl_str(j, "ledger_id") : "",
	       json_is_string(json_object_get(j, "ledger_id")) ? ")" : "");
	printf("table      %s\nkind       %s %s (%s)\nstate      %s\n", ctl_str(j, "table"), ctl_str(j, "kind"), range,
	       ctl_str(j, "origin"), ctl_str(j, "state"));
	printf("submitted  %s\nstarted    %s\nfinished   %s\n", ctl_str(j, "submitted"), ctl_str(j, "started"), ctl_str(j, "finished"));
	printf("progress   %lld/%lld partitions, %lld rows written, %.0f rows/s", ctl_num(j, "partitions_done"),
	       ctl_num(j, "partitions"), ctl_num(j, "rows_written"), json_real_value(json_object_get(j, "rows_per_s")));
	if (json_is_real(json_object_get(j, "eta_s"))) {
		char eta[32];
		ctl_fmt_secs(json_real_value(json_object_get(j, "eta_s")), eta, sizeof eta);
		printf(", ETA %s", eta);
	}
	printf("\n");
	if (json_is_string(json_object_get(j, "error")))
		printf("error      %s\n", ctl_str(j, "error"));
	print_owners(j);
	json_t *acc = json_object_get(j, "account");
	if (json_is_object(acc)) {
		printf("\n");
		print_account(acc);
	}
	print_verdicts(json_object_get(j, "verify"));
}

void
ctl_print_schedule(json_t *r)
{
	static const char *const heads[] = { "SLOT", "WHEN", "NEXT", "LAST", "TABLES" };
	json_t *slots = json_object_get(r, "slots"), *s;
	size_t i;
	struct ctl_table t;
	printf("time zone %s\n", ctl_str(r, "timezone"));
	ctl_table_init(&t, 5, heads, "lllll");
	json_array_foreach(slots, i, s) {
		char when[32], tables[512] = "";
		if (json_object_get(s, "every_s") != NULL) {
			long long e = ctl_num(s, "every_s");
			if (e == 0)
				snprintf(when, sizeof when, "off");
			else if (e % 3600 == 0)
				snprintf(when, sizeof when, "every %lldh", e / 3600);
			else if (e % 60 == 0)
				snprintf(when, sizeof when, "every %lldm", e / 60);
			else
				snprintf(when, sizeof when, "every %llds", e);
		} else {
			snprintf(when, sizeof when, "daily %s", ctl_str(s, "at"));
		}
		size_t k;
		json_t *tn;
		json_array_foreach(json_object_get(s, "tables"), k, tn)
			snprintf(tables + strlen(tables), sizeof tables - strlen(tables), "%s%s", k ? ", " : "", json_string_value(tn));
		const char *cells[] = { ctl_str(s, "slot"), when, ctl_str(s, "next"), ctl_str(s, "last"), tables[0] ? tables : "(none)" };
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

void
ctl_print_metrics(json_t *r, bool prometheus)
{
	json_t *a = json_object_get(r, "metrics"), *m;
	size_t i;
	const char *last = "";
	json_array_foreach(a, i, m) {
		const char *name = ctl_str(m, "name");
		if (prometheus && strcmp(name, last) != 0) {
			printf("# HELP %s %s\n# TYPE %s %s\n", name, ctl_str(m, "help"), name, ctl_str(m, "type"));
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
