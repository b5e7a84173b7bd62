/* daemon/account.c: the account, as JSON (jansson) and as a table. */
#include "account.h"
#include <string.h>

static const char *
state_name(int s)
{
	switch (s) {
	case RPL_PART_DONE: return "done";
	case RPL_PART_FAILED: return "failed";
	case RPL_PART_SKIPPED: return "skipped";
	case RPL_PART_CANCELLED: return "cancelled";
	case RPL_PART_INTERRUPTED: return "interrupted";
	default: return "pending";
	}
}

static json_t *
part_json(const struct rpl_part_account *a)
{
	char from[16], to[16];
	json_t *o = json_object(), *ms = json_object(), *nulled = json_object(), *rej = json_object();
	if (a->range.all) {
		json_object_set_new(o, "range", json_string("all"));
	} else {
		snprintf(from, sizeof from, "%04d-%02d-%02d", a->range.start.y, a->range.start.m, a->range.start.d);
		snprintf(to, sizeof to, "%04d-%02d-%02d", a->range.end.y, a->range.end.m, a->range.end.d);
		json_object_set_new(o, "range", json_pack("{s:s,s:s}", "from", from, "to_exclusive", to));
	}
	json_object_set_new(o, "state", json_string(state_name(a->state)));
	json_object_set_new(o, "attempts", json_integer(a->attempts));
	json_object_set_new(o, "rows_read", json_integer(a->read));
	json_object_set_new(o, "rows_written", json_integer(a->written));
	json_object_set_new(o, "rows_rejected", json_integer(a->rejected));
	json_object_set_new(o, "bytes", json_integer(a->bytes));
	for (int p = 0; p < RPL_NPHASES; p++)
		json_object_set_new(ms, rpl_phase_name((enum rpl_phase)p), json_integer(a->ms[p]));
	json_object_set_new(o, "ms", ms);
	for (int r = 0; r < RPL_NRULES; r++) {
		if (a->nulled[r])
			json_object_set_new(nulled, rpl_rule_name((enum rpl_rule)r), json_integer(a->nulled[r]));
		if (a->rejected_by[r])
			json_object_set_new(rej, rpl_rule_name((enum rpl_rule)r), json_integer(a->rejected_by[r]));
	}
	json_object_set_new(o, "values_changed", nulled);
	json_object_set_new(o, "rejected_by_rule", rej);
	if (a->state == RPL_PART_FAILED)
		json_object_set_new(o, "error", json_pack("{s:s,s:s,s:i,s:s,s:s,s:I}", "code", rpl_errc_name(a->err.code),
		                    "sqlstate", a->err.sqlstate, "native", (int)a->err.native, "message", a->err.msg,
		                    "column", a->err.column, "row", (json_int_t)a->err.row));
	return o;
}

json_t *
rd_account_json(const char *table, const char *job_id, const struct rpl_part_account *accs,
                size_t n, const char *reject_path, int64_t wall_ms)
{
	json_t *parts = json_array();
	int64_t read = 0, written = 0, rejected = 0, bytes = 0, ms = 0;
	size_t done = 0, failed = 0, skipped = 0, stopped[2] = { 0, 0 };
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(parts, part_json(&accs[i]));
		read += accs[i].read;
		written += accs[i].written;
		rejected += accs[i].rejected;
		bytes += accs[i].bytes;
		ms += accs[i].ms[RPL_PHASE_TOTAL];
		done += accs[i].state == RPL_PART_DONE;
		failed += accs[i].state == RPL_PART_FAILED;
		skipped += accs[i].state == RPL_PART_SKIPPED;
		stopped[0] += accs[i].state == RPL_PART_CANCELLED;
		stopped[1] += accs[i].state == RPL_PART_INTERRUPTED;
	}
	(void)ms;
	json_t *totals = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "partitions", (json_int_t)n,
	                           "done", (json_int_t)done, "failed", (json_int_t)failed, "skipped", (json_int_t)skipped,
	                           "rows_read", (json_int_t)read, "rows_written", (json_int_t)written,
	                           "rows_rejected", (json_int_t)rejected, "bytes", (json_int_t)bytes,
	                           "rows_per_s", wall_ms > 0 ? (double)written * 1000.0 / (double)wall_ms : 0.0);
	json_object_set_new(totals, "ms", json_integer(wall_ms));
	json_object_set_new(totals, "cancelled", json_integer((json_int_t)stopped[0]));
	json_object_set_new(totals, "interrupted", json_integer((json_int_t)stopped[1]));
	return json_pack("{s:s,s:s,s:o,s:o,s:o}", "job", job_id, "table", table, "partitions", parts,
	                 "totals", totals, "reject_file", reject_path ? json_string(reject_path) : json_null());
}

/* rule_note writes "values changed: placeholder_date=3; rejected: too_long=2" for
 * a's counters (issue #18 item 9: they were in --json only); "" when all are 0 */
static void
rule_note(const int64_t *nulled, const int64_t *rejected_by, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		const int64_t *v = pass == 0 ? nulled : rejected_by;
		bool first = true;
		for (int r = 0; r < RPL_NRULES && o < n; r++) {
			if (v[r] == 0)
				continue;
			o += (size_t)snprintf(out + o, n - o, "%s%s%s=%lld", first && o ? "; " : "",
			                      first ? (pass == 0 ? "values changed: " : "rejected: ") : ", ",
			                      rpl_rule_name((enum rpl_rule)r), (long long)v[r]);
			first = false;
		}
	}
}

void
rd_account_print(FILE *f, bool json, const char *table, const char *job_id,
                 const struct rpl_part_account *accs, size_t n, const char *reject_path, int64_t wall_ms)
{
	if (json) {
		json_t *o = rd_account_json(table, job_id, accs, n, reject_path, wall_ms);
		json_dumpf(o, f, JSON_COMPACT);
		fputc('\n', f);
		json_decref(o);
		return;
	}
	fprintf(f, "job %s, table %s\n", job_id, table);
	fprintf(f, "%-24s %-11s %10s %10s %9s %12s %8s %9s %9s %9s %9s\n", "PARTITION", "STATE", "READ", "WRITTEN",
	        "REJECTED", "BYTES", "ATTEMPTS", "DELETE_MS", "INSERT_MS", "COMMIT_MS", "TOTAL_MS");
	int64_t t[5] = { 0 }, nulled[RPL_NRULES] = { 0 }, rejected_by[RPL_NRULES] = { 0 };
	char note[600];
	for (size_t i = 0; i < n; i++) {
		const struct rpl_part_account *a = &accs[i];
		char label[64];
		rpl_range_label(&a->range, label, sizeof label);
		fprintf(f, "%-24s %-11s %10lld %10lld %9lld %12lld %8d %9lld %9lld %9lld %9lld\n", label, state_name(a->state),
		        (long long)a->read, (long long)a->written, (long long)a->rejected, (long long)a->bytes, a->attempts,
		        (long long)a->ms[RPL_PHASE_DELETE], (long long)a->ms[RPL_PHASE_INSERT],
		        (long long)a->ms[RPL_PHASE_COMMIT], (long long)a->ms[RPL_PHASE_TOTAL]);
		rule_note(a->nulled, a->rejected_by, note, sizeof note);
		if (note[0] != '\0')
			fprintf(f, "  %s\n", note);
		t[0] += a->read, t[1] += a->written, t[2] += a->rejected, t[3] += a->bytes, t[4] += a->attempts;
		for (int r = 0; r < RPL_NRULES; r++)
			nulled[r] += a->nulled[r], rejected_by[r] += a->rejected_by[r];
	}
	fprintf(f, "%-24s %-11s %10lld %10lld %9lld %12lld %8lld %39lld\n", "total (wall)", "", (long long)t[0],
	        (long long)t[1], (long long)t[2], (long long)t[3], (long long)t[4], (long long)wall_ms);
	rule_note(nulled, rejected_by, note, sizeof note);
	if (note[0] != '\0')
		fprintf(f, "  %s\n", note);
	if (wall_ms > 0)
		fprintf(f, "%.0f rows/s, %.1f MB/s\n", (double)t[1] * 1000.0 / (double)wall_ms,
		        (double)t[3] / 1e3 / (double)wall_ms);
	if (reject_path != NULL)
		fprintf(f, "rejected rows: %s\n", reject_path);
}
