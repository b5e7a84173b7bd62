/* daemon/main.c: replicad's entry: global options, the subcommand, the config, the
 * log handler. Everything else lives in cmd_*.c (and the service in serve code). */
#include "cli.h"
#include "serve.h"
#include "nodump.h"
#include "odbc_conn.h"
#include "runner.h"
#include "dlog.h"
#include "log.h"
#include "rpl_build.h"
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"Usage: replicad [-c FILE] [serve]\n"
	"       replicad [-c FILE] check\n"
	"       replicad [-c FILE] run TABLE (--from DATE --to DATE | --day DATE | --t0 | --t1 | --full)\n"
	"                [--json | --dry-run [--target-dialect ENGINE]] [--no-wait]\n"
	"       replicad [-c FILE] verify TABLE RANGE [--repair] [--json] [--max-keys N]\n"
	"                [--dry-run [--target-dialect ENGINE]]\n"
	"       replicad [-c FILE] scan TABLE RANGE [--json] [--max-keys N] [--dry-run]\n"
	"\n"
	"Keeps replica tables in step with a source database over ODBC.\n"
	"\n"
	"Commands:\n"
	"  serve        run the service (the default; systemd runs this)\n"
	"  check        validate the config, connect to both databases, list the tables\n"
	"  run TABLE    copy TABLE in the foreground: progress on stderr, the account on stdout\n"
	"  verify TABLE  prove the target holds the source's rows, value by value\n"
	"  scan TABLE    what a run would reject or change of the source's values\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   configuration file (default /etc/replicad/replicad.json)\n"
	"  -v, --verbose       more log output (repeat for debug)\n"
	"  -h, --help          show this help and exit\n"
	"  -V, --version       show the version and exit\n"
	"\n"
	"run options:\n"
	"  --from DATE --to DATE   backfill, one partition per calendar month (inclusive dates)\n"
	"  --day DATE              one day\n"
	"  --t0 | --t1             today | yesterday in the configured time zone\n"
	"  --full                  the whole table (reference tables)\n"
	"  --json                  print the account as one JSON object\n"
	"  --dry-run               print, per partition, the statements the run would send to the\n"
	"                          source and the target, numbered; change nothing\n"
	"  --target-dialect ENGINE with --dry-run: the statements ENGINE (sqlite, postgresql, mariadb,\n"
	"                          mssql) would be sent, from the source catalog alone; no target\n"
	"                          connection\n"
	"  --no-wait               a partition another live process holds (another run of the same\n"
	"                          range, a serve) fails at once, naming that process, instead of\n"
	"                          being waited for; the partitions nobody holds are loaded\n"
	"\n"
	"verify and scan options: RANGE as for run, and\n"
	"  --json                  print one JSON object\n"
	"  --max-keys N            list at most N keys per kind and partition (default 100)\n"
	"  --repair                (verify) reload each differing partition, then verify it again\n"
	"  --dry-run               print the SELECT each side would get per partition; read no rows\n"
	"  --target-dialect ENGINE with --dry-run: the target's as ENGINE would get it; no target\n"
	"                          connection\n"
	"\n"
	"Exit status: 0 done; 1 a partition failed; 2 bad usage or config; 3 done, rows rejected\n"
	"(scan: rows would be rejected); 4 verify found differences.\n"
	"See replicad(8) and replicad.json(5).\n";

int
rd_usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("replicad: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'replicad --help'.\n", stderr);
	return RD_EXIT_USAGE;
}

void
rd_print_err(const char *what, const struct rpl_err *e)
{
	fprintf(stderr, "replicad: %s%s%s\n", what ? what : "", what ? ": " : "", e->msg);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/etc/replicad/replicad.json";
	int verbose = 0, c;
	/* '+': stop at the subcommand; its own options are parsed by the command */
	while ((c = getopt_long(argc, argv, "+c:vhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'v': verbose++; break;
		case 'h': fputs(usage_text, stdout); return RD_EXIT_OK;
		case 'V': printf("replicad %s\n", RPL_VERSION); return RD_EXIT_OK;
		default: fputs("Try 'replicad --help'.\n", stderr); return RD_EXIT_USAGE;
		}
	}
	const char *cmd = optind < argc ? argv[optind] : "serve";
	if (strcmp(cmd, "check") != 0 && strcmp(cmd, "run") != 0 && strcmp(cmd, "serve") != 0 &&
	    strcmp(cmd, "verify") != 0 && strcmp(cmd, "scan") != 0)
		return rd_usage_error("unknown command '%s'", cmd);
	if (strcmp(cmd, "check") == 0 && optind + 1 < argc)
		return rd_usage_error("check takes no arguments, got '%s'", argv[optind + 1]);
	enum rpl_log_level max = verbose >= 2 ? RPL_LOG_DEBUG : verbose ? RPL_LOG_INFO : RPL_LOG_NOTICE;
	rpl_log_set_handler(rd_log_lib, NULL, max);
	rd_log_init(max);   /* run and check too, not only serve (issue #18 item 10) */

	if (rd_nodump() != 0)    /* the config holds the passwords: no core dump from here on */
		fprintf(stderr, "replicad: cannot turn core dumps off: %s\n", strerror(errno));
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	if (rpl_config_load(path, &cfg, &err) < 0) {
		fprintf(stderr, "replicad: %s\n", err.msg);
		return RD_EXIT_USAGE;
	}
	if (cfg.cluster.on && rpl_conn_guess_engine(cfg.target.odbc) == RPL_ENGINE_SQLITE) {
		fprintf(stderr, "replicad: %s: cluster: %s\n", cfg.path, RD_CLUSTER_SQLITE);
		rpl_config_fini(&cfg);
		return RD_EXIT_USAGE;
	}
	int status;
	if (strcmp(cmd, "check") == 0)
		status = rd_cmd_check(&cfg);
	else if (strcmp(cmd, "run") == 0)
		status = rd_cmd_run(&cfg, argc - optind - 1, argv + optind + 1);
	else if (strcmp(cmd, "verify") == 0 || strcmp(cmd, "scan") == 0)
		status = rd_cmd_verify(&cfg, strcmp(cmd, "scan") == 0, argc - optind - 1, argv + optind + 1);
	else   /* serve takes the config (and frees it); what follows "serve" is refused there */
		status = rd_cmd_serve(&cfg, optind < argc ? argc - optind - 1 : 0, argv + optind + (optind < argc), verbose);
	rpl_config_fini(&cfg);
	return status;
}
