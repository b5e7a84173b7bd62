/* daemon/cli.h: the replicad subcommands (replicad(8), docs/man/replicad.8.in). Each
 * returns the process exit status: 0 done, 1 a partition or database failed, 2 bad
 * usage or config, 3 done with rejected rows. */
#ifndef RD_CLI_H
#define RD_CLI_H
#include "config.h"

enum { RD_EXIT_OK = 0, RD_EXIT_FAILED = 1, RD_EXIT_USAGE = 2, RD_EXIT_REJECTED = 3 };

/* rd_cmd_check validates, connects to both sides and lists the tables. */
int rd_cmd_check(const struct rpl_config *cfg);

/* rd_cmd_run runs one job in the foreground; argv starts at the table name. */
int rd_cmd_run(const struct rpl_config *cfg, int argc, char **argv);

/* rd_usage_error prints "replicad: msg" and a hint to --help; returns RD_EXIT_USAGE. */
int rd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* rd_print_err prints one line for a lib error (never a password: lib scrubs). */
void rd_print_err(const char *what, const struct rpl_err *e);

#endif
