/* daemon/cmd_run.c: `replicad run TABLE RANGE`: one job in the foreground, for cron
 * users, tests, benchmarks and the demo. Plans the partitions, has the runner's
 * workers copy them (runner.h) with retries on retryable errors, shows progress on
 * stderr and prints the account on stdout (a table, or one JSON object with
 * --json). With --dry-run (or --target-dialect ENGINE) it prints the statements
 * instead: cmd_dryrun.c. */
#include "cli.h"
#include "clock.h"
#include "cmd_dryrun.h"
#include "statedir.h"
#include "odbc_conn.h"
#include "copy.h"
#include "dialect.h"
#include "dlog.h"
#include "progress.h"
#include "range.h"
#include "plan.h"
#include "reject.h"
#include "units.h"
#include "account.h"
#include "runner.h"
#include "slots.h"
#include "tz.h"
#include <signal.h>
#include <stdatomic.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run_args {
	const char *table;
	struct rd_range_opts range;    /* --from/--to, --day, --t0, --t1, --full (range.h) */
	bool json;
	bool dry_run;                  /* --dry-run: print the statements, change nothing */
	bool no_wait;                  /* --no-wait: a partition another process holds fails */
	const char *target_dialect;    /* --target-dialect ENGINE: and do not connect to the target */
};

static int
run_parse(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' }, { "to", required_argument, NULL, 't' },
		{ "day", required_argument, NULL, 'd' }, { "t0", no_argument, NULL, '0' },
		{ "t1", no_argument, NULL, '1' }, { "full", no_argument, NULL, 'F' },
		{ "json", no_argument, NULL, 'j' }, { "dry-run", no_argument, NULL, 'n' },
		{ "target-dialect", required_argument, NULL, 'D' }, { "no-wait", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	memset(a, 0, sizeof *a);
	a->range.dashes = "--";
	optind = 0;   /* glibc: 0 re-initialises getopt for a new argv */
	char **args = argv - 1;   /* getopt skips args[0] */
	while ((c = getopt_long(argc + 1, args, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f': a->range.from = optarg; break;
		case 't': a->range.to = optarg; break;
		case 'd': a->range.day = optarg; break;
		case '0': a->range.t0 = true; break;
		case '1': a->range.t1 = true; break;
		case 'F': a->range.full = true; break;
		case 'j': a->json = true; break;
		case 'n': a->dry_run = true; break;
		case 'D': a->target_dialect = optarg; a->dry_run = true; break;
		case 'W': a->no_wait = true; break;
		default: return rd_usage_error("run: bad option");
		}
	}
	if (optind < argc + 1)
		a->table = args[optind++];
	if (a->table == NULL)
		return rd_usage_error("run: which table? (replicad run TABLE --full)");
	if (optind < argc + 1)
		return rd_usage_error("run: unexpected argument '%s'", args[optind]);
	struct rpl_err err = RPL_ERR_INIT;
	if (rd_range_check(&a->range, &err) < 0)
		return rd_usage_error("run: %s", err.msg);
	if (a->dry_run && a->json)
		return rd_usage_error("run: --dry-run prints SQL, not an account: it does not go with --json");
	if (a->target_dialect != NULL && rpl_engine_from_name(a->target_dialect) == RPL_ENGINE_UNKNOWN)
		return rd_usage_error("run: --target-dialect '%s': expected sqlite, postgresql, mariadb or mssql",
		                      a->target_dialect);
	return 0;
}

/* run_plan: the partitions of the range asked for, by the planner job.submit uses
 * too (range.h); T-0 and T-1 are days in schedule.timezone, read from the zone file
 * (tz.c) as the service's scheduler does: correct across DST, and without touching
 * the process's TZ while drivers may read it. `run` has no limits.max_partitions:
 * that bounds what the service holds for others. */
static int
run_plan(const struct rpl_config *cfg, const struct rpl_table_config *tc, const struct run_args *a,
         struct rd_range_plan *p)
{
	struct rd_tz tz;
	bool have_tz = false;
	struct rpl_err err = RPL_ERR_INIT;
	char why[256];
	if ((a->range.t0 || a->range.t1) && tc->date_column != NULL) {
		if (rd_tz_load(&tz, cfg->schedule.timezone, NULL, why, sizeof why) < 0)
			return rd_usage_error("run: schedule.timezone: %s", why);
		have_tz = true;
	}
	struct rd_range_env env = { .table = a->table, .has_date = tc->date_column != NULL, .config_path = cfg->path,
	                            .tz = have_tz ? &tz : NULL, .now = rd_now_wall() };
	int r = rd_range_plan(&a->range, &env, p, &err);
	if (have_tz)
		rd_tz_fini(&tz);
	if (r == RPL_ENOMEM)
		return RD_EXIT_FAILED;
	if (r < 0)
		return rd_usage_error("run: %s", err.msg);
	return 0;
}

struct progress {
	bool tty;
	const char *table;
	int64_t t0_ms, last_ms;
	int64_t pace_ms;     /* when the first rows arrived: the ETA's start */
	size_t pace_base;    /* partitions done (skipped) by then */
};

/* run_progress: called from worker threads; stderr writes of whole lines do not
 * interleave badly, and a missed update only delays the next one. The ETA is paced
 * from the first rows on, so partitions a resumed run skipped do not speed it up. */
static void
run_progress(void *data, size_t parts_done, size_t nparts, int64_t rows_written)
{
	struct progress *p = data;
	int64_t now = (int64_t)rd_now_mono_ms();
	if (p->pace_ms == 0 && rows_written > 0) {
		p->pace_ms = now;
		p->pace_base = parts_done;
	}
	if (parts_done < nparts && now - p->last_ms < (p->tty ? 200 : 5000))
		return;
	p->last_ms = now;
	double secs = (double)(now - p->t0_ms) / 1000.0;
	double rate = secs > 0 ? (double)rows_written / secs : 0;
	double eta = p->pace_ms ? rd_progress_eta((double)(now - p->pace_ms) / 1000.0, parts_done, p->pace_base, nparts) : -1;
	char line[512];
	rd_progress_text(line, sizeof line, p->tty, p->table, parts_done, nparts, rows_written, rate, eta);
	fputs(line, stderr);
	fflush(stderr);
}

static void
run_warn(void *data, const char *table, const char *column, const char *msg)
{
	(void)data;
	if (column != NULL)
		fprintf(stderr, "replicad: warning: table %s column %s: %s\n", table, column, msg);
	else
		fprintf(stderr, "replicad: warning: table %s: %s\n", table, msg);
}

static atomic_bool run_cancel;

static void
run_on_signal(int sig)
{
	(void)sig;
	atomic_store(&run_cancel, true);   /* workers stop between chunks and roll back */
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
	struct rd_range_plan plan;
	int st = run_plan(cfg, tc, &a, &plan);
	if (st != 0)
		return st;
	const char *kind = plan.kind;
	struct rpl_range *parts = plan.parts;
	size_t nparts = plan.nparts;
	if (a.dry_run) {
		enum rpl_engine e = a.target_dialect ? rpl_engine_from_name(a.target_dialect) : RPL_ENGINE_UNKNOWN;
		st = rd_cmd_dryrun(cfg, tc, kind, parts, nparts, e, stdout);
		rd_range_plan_fini(&plan);
		return st;
	}
	char why[4400];   /* the reject file goes there: a run that cannot keep it must not start */
	if (rd_state_dir_ready(cfg->state_dir, why, sizeof why) < 0) {
		fprintf(stderr, "replicad: %s: %s\n", cfg->path, why);
		rd_range_plan_fini(&plan);
		return RD_EXIT_USAGE;
	}
	struct progress prog = { .tty = isatty(2), .table = a.table, .t0_ms = (int64_t)rd_now_mono_ms() };
	struct sigaction sa = { .sa_handler = run_on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	struct rd_job_result res;
	/* Ctrl-C or SIGTERM stops the run, not the job: its partitions and the ledger job
	 * are 'interrupted', and the same command resumes it */
	struct rd_runner_hooks hooks = { .stopping = &run_cancel, .no_wait = a.no_wait };
	rd_runner_run_hooks(cfg, tc, kind, parts, nparts, &run_cancel, NULL, run_progress, run_warn, &prog, &hooks, &res);
	if (prog.tty)
		fputc('\n', stderr);
	int status = RD_EXIT_OK;
	if (res.failed) {
		rd_print_err(NULL, &res.err);
		status = RD_EXIT_FAILED;
	}
	if (res.job_id[0] != '\0') {
		if (res.resumed)
			fprintf(stderr, "replicad: resumed job %s: partitions done earlier are skipped\n", res.job_id);
		rd_account_print(stdout, a.json, a.table, res.job_id, res.accs, res.n,
		                 res.reject_path[0] ? res.reject_path : NULL, (int64_t)rd_now_mono_ms() - prog.t0_ms);
	}
	size_t interrupted = 0, kept = 0;
	for (size_t i = 0; i < res.n; i++) {
		interrupted += res.accs[i].state == RPL_PART_INTERRUPTED;
		kept += res.accs[i].state == RPL_PART_DONE || res.accs[i].state == RPL_PART_SKIPPED;
		if (res.accs[i].state == RPL_PART_INTERRUPTED) {
			status = RD_EXIT_FAILED;
		} else if (res.accs[i].state == RPL_PART_FAILED || (res.accs[i].state == RPL_PART_PENDING && res.job_id[0])) {
			char label[64];
			rpl_range_label(&res.accs[i].range, label, sizeof label);
			fprintf(stderr, "replicad: table %s partition %s failed after %d attempt%s: %s%s%s\n", a.table, label,
			        res.accs[i].attempts, res.accs[i].attempts == 1 ? "" : "s", res.accs[i].err.msg,
			        res.accs[i].err.sqlstate[0] ? " sqlstate=" : "", res.accs[i].err.sqlstate);
			status = RD_EXIT_FAILED;
		} else if (res.accs[i].rejected > 0 && status == RD_EXIT_OK) {
			status = RD_EXIT_REJECTED;
		}
	}
	if (res.ledger_cancel) {   /* a cancel given to the service (replicactl cancel) on any node */
		fprintf(stderr, "replicad: job %s was cancelled by replicactl cancel (the ledger's replicad_jobs.control): "
		        "%zu of %zu partitions done, the rest not loaded\n", res.job_id, kept, res.n);
		status = RD_EXIT_FAILED;
	}
	if (interrupted > 0)   /* one line, not one per partition: nothing failed */
		fprintf(stderr, "replicad: interrupted: %zu of %zu partitions done, %zu not loaded (rolled back); run the "
		        "same command again to resume job %s\n", kept, res.n, interrupted, res.job_id[0] ? res.job_id : "-");
	rd_job_result_fini(&res);
	rd_range_plan_fini(&plan);
	return status;
}
