/* daemon/cmd_run.c: `replicad run TABLE RANGE`: one job in the foreground, for cron
 * users, tests, benchmarks and the demo. Plans the partitions, copies them one after
 * the other with retries on retryable errors, shows progress on stderr and prints
 * the account on stdout (a table, or one JSON object with --json). */
#include "cli.h"
#include "conn.h"
#include "copy.h"
#include "dialect.h"
#include "plan.h"
#include "reject.h"
#include "units.h"
#include "account.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run_args {
	const char *table;
	const char *from, *to, *day;
	bool t0, t1, full, json;
};

static int
run_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "day", required_argument, NULL, 'd' }, { "t0", no_argument, NULL, '0' },
		{ "t1", no_argument, NULL, '1' }, { "full", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' }, { NULL, 0, NULL, 0 },
	};
	int c;
	memset(a, 0, sizeof *a);
	optind = 0;   /* glibc: 0 re-initialises getopt for a new argv */
	char **args = argv - 1;   /* getopt skips args[0] */
	while ((c = getopt_long(argc + 1, args, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'd': a->day = optarg; break;
		case '0': a->t0 = true; break;
		case '1': a->t1 = true; break;
		case 'F': a->full = true; break;
		case 'j': a->json = true; break;
		default: return rd_usage_error("run: bad option");
		}
	}
	if (optind < argc + 1)
		a->table = args[optind++];
	if (a->table == NULL)
		return rd_usage_error("run: which table? (replicad run TABLE --full)");
	if (optind < argc + 1)
		return rd_usage_error("run: unexpected argument '%s'", args[optind]);
	int kinds = (a->from || a->to) + (a->day != NULL) + a->t0 + a->t1 + a->full;
	if (kinds != 1)
		return rd_usage_error("run: give exactly one of --from/--to, --day, --t0, --t1, --full");
	if ((a->from != NULL) != (a->to != NULL))
		return rd_usage_error("run: --from and --to go together");
	return 0;
}

static int
parse_day(const char *opt, const char *s, struct rpl_day *d)
{
	if (!rpl_parse_date(s, &d->y, &d->m, &d->d))
		return rd_usage_error("run: %s '%s': expected a date YYYY-MM-DD", opt, s);
	return 0;
}

/* today_in: the calendar day now in time zone tz (main thread, before any worker). */
static struct rpl_day
today_in(const char *tz)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	setenv("TZ", tz, 1);
	tzset();
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else {
		unsetenv("TZ");
	}
	tzset();
	return (struct rpl_day){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

struct progress {
	bool tty;
	const char *table;
	int64_t t0_ms, last_ms;
	size_t part, nparts;
};

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
run_progress(void *data, const struct rpl_range *r, int64_t rows_read, int64_t rows_written)
{
	struct progress *p = data;
	int64_t now = mono_ms();
	if (now - p->last_ms < (p->tty ? 200 : 5000))
		return;
	p->last_ms = now;
	char label[64];
	rpl_range_label(r, label, sizeof label);
	double secs = (double)(now - p->t0_ms) / 1000.0;
	double rate = secs > 0 ? (double)rows_written / secs : 0;
	if (p->tty) {
		int width = 30, fill = (int)(width * (double)p->part / (double)(p->nparts ? p->nparts : 1));
		fprintf(stderr, "\r[%.*s%*s] part %zu/%zu %s  %lld rows  %.0f rows/s ", fill,
		        "##############################", width - fill, "", p->part + 1, p->nparts, label,
		        (long long)rows_read, rate);
	} else {
		fprintf(stderr, "progress table=%s part=%s rows_read=%lld rows_written=%lld rows_per_s=%.0f\n",
		        p->table, label, (long long)rows_read, (long long)rows_written, rate);
	}
	fflush(stderr);
}

static void
run_warn(void *data, const char *table, const char *column, const char *msg)
{
	(void)data;
	fprintf(stderr, "replicad: warning: table %s column %s: %s\n", table, column ? column : "-", msg);
}

/* run_backoff_ms: exponential backoff with jitter, 0.5 s doubling, at most 30 s. */
static long
run_backoff_ms(int attempt)
{
	long base = 500L << (attempt < 6 ? attempt : 6);
	if (base > 30000)
		base = 30000;
	return base / 2 + rand() % (base / 2 + 1);
}

int
rd_cmd_run(const struct rpl_config *cfg, int argc, char **argv)
{
	struct run_args a;
	if (run_parse(argc, argv, &a) != 0)
		return RD_EXIT_USAGE;
	const struct rpl_table_config *tc = rpl_config_find_table(cfg, a.table);
	if (tc == NULL)
		return rd_usage_error("run: table '%s' is not in %s", a.table, cfg->path);
	struct rpl_range *parts = NULL;
	size_t nparts = 0;
	struct rpl_err err = RPL_ERR_INIT;
	if (!a.full && tc->date_column == NULL)
		return rd_usage_error("run: table '%s' has no date_column in %s: only --full applies", a.table, cfg->path);
	if (a.full) {
		parts = calloc(1, sizeof *parts);
		if (parts == NULL)
			return RD_EXIT_FAILED;
		parts[0].all = true;
		nparts = 1;
	} else if (a.from != NULL) {
		struct rpl_day f, t;
		if (parse_day("--from", a.from, &f) || parse_day("--to", a.to, &t))
			return RD_EXIT_USAGE;
		if (rpl_plan_months(f, t, &parts, &nparts, &err) < 0)
			return rd_usage_error("run: %s", err.msg);
	} else {
		struct rpl_day d;
		if (a.day != NULL && parse_day("--day", a.day, &d))
			return RD_EXIT_USAGE;
		if (a.t0 || a.t1)
			d = rpl_day_add(today_in(cfg->schedule.timezone), a.t1 ? -1 : 0);
		parts = malloc(sizeof *parts);
		if (parts == NULL)
			return RD_EXIT_FAILED;
		parts[0] = rpl_plan_day(d);
		nparts = 1;
	}

	char job_id[64], reject_path[4200];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(job_id, sizeof job_id, "run-%04d%02d%02dT%02d%02d%02dZ-%d", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)getpid());
	snprintf(reject_path, sizeof reject_path, "%s/rejects/%s.jsonl", cfg->state_dir, job_id);
	struct rpl_reject_log *rejects = rpl_reject_new(reject_path);
	struct rpl_part_account *accs = calloc(nparts, sizeof *accs);
	struct rpl_conn src = { 0 }, dst = { 0 };
	struct rpl_copy *cp = NULL;
	struct progress prog = { .tty = isatty(2), .table = a.table, .nparts = nparts };
	int status = RD_EXIT_OK;
	srand((unsigned)now ^ (unsigned)getpid());
	if (rejects == NULL || accs == NULL) {
		status = RD_EXIT_FAILED;
		fprintf(stderr, "replicad: out of memory\n");
		goto out;
	}
	if (rpl_conn_open(&src, "source", cfg->source.odbc, cfg->source.password, &err) < 0 ||
	    rpl_conn_open(&dst, "target", cfg->target.odbc, cfg->target.password, &err) < 0) {
		rd_print_err(NULL, &err);
		status = RD_EXIT_FAILED;
		goto out;
	}
	struct rpl_copy_opts o = {
		.src_schema = tc->schema, .src_table = tc->name,
		.dst_schema = tc->target_schema, .dst_table = tc->target,
		.date_column = tc->date_column, .chunk_bytes = cfg->load.chunk_bytes,
		.commit_rows = cfg->load.commit_rows, .create_missing = cfg->load.create_missing_tables,
		.table_lock = cfg->load.table_lock, .truncate_strings = cfg->values.truncate_strings,
		.bulk_odbc = cfg->load.bulk != NULL && strcmp(cfg->load.bulk, "odbc") == 0,
		.placeholder_dates = (const char *const *)cfg->values.placeholder_dates,
		.n_placeholder_dates = cfg->values.n_placeholder_dates,
		.rejects = rejects, .progress = run_progress, .warn = run_warn, .cb_data = &prog,
	};
	if (rpl_copy_prepare(&src, &dst, &o, &cp, &err) < 0) {
		rd_print_err(NULL, &err);
		status = RD_EXIT_FAILED;
		goto out;
	}
	for (size_t i = 0; i < nparts; i++) {
		prog.part = i;
		prog.t0_ms = mono_ms();       /* rows/s of this partition: its rows over its time */
		int attempt = 0;
		for (;;) {
			struct rpl_err perr = RPL_ERR_INIT;
			attempt++;
			int r = rpl_copy_partition(cp, &parts[i], &accs[i], &perr);
			accs[i].attempts = attempt;
			if (r == 0)
				break;
			bool retry = rpl_dialect_retryable(dst.dialect, perr.sqlstate, perr.native) ||
			             rpl_dialect_retryable(src.dialect, perr.sqlstate, perr.native);
			if (!retry || attempt >= cfg->load.max_attempts)
				break;
			long ms = run_backoff_ms(attempt);
			fprintf(stderr, "replicad: partition %zu attempt %d failed, retrying in %ld ms: %s\n", i + 1, attempt, ms, perr.msg);
			struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (prog.tty)
		fputc('\n', stderr);
	rd_account_print(stdout, a.json, a.table, job_id, accs, nparts,
	                 rpl_reject_count(rejects) > 0 ? rpl_reject_path(rejects) : NULL);
	for (size_t i = 0; i < nparts; i++) {
		if (accs[i].state == RPL_PART_FAILED) {
			char label[64];
			rpl_range_label(&accs[i].range, label, sizeof label);
			fprintf(stderr, "replicad: table %s partition %s failed: %s%s%s\n", a.table, label, accs[i].err.msg,
			        accs[i].err.sqlstate[0] ? " sqlstate=" : "", accs[i].err.sqlstate);
			status = RD_EXIT_FAILED;
		} else if (accs[i].rejected > 0 && status == RD_EXIT_OK) {
			status = RD_EXIT_REJECTED;
		}
	}
out:
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	rpl_reject_free(rejects);
	free(accs);
	free(parts);
	return status;
}
