/* daemon/cmd_dryrun.h: `replicad run TABLE RANGE --dry-run [--target-dialect ENGINE]`:
 * print, for each partition, the statements a run would send to the source and the
 * target, numbered, in order, without changing anything. */
#ifndef RD_CMD_DRYRUN_H
#define RD_CMD_DRYRUN_H
#include <stddef.h>
#include <stdio.h>
#include "config.h"
#include "odbc_conn.h"
#include "plan.h"

/* rd_cmd_dryrun prints the plan of table tc over parts (kind "backfill", "day" or
 * "full") to out. target UNKNOWN: connect to the configured target and read its
 * catalog (and its index list); another engine: do not connect to any target, print
 * what that engine would be sent, the target table assumed created from the source
 * catalog. The source is always connected, to read its catalog. Only catalog reads
 * are sent anywhere. Returns an exit status (cli.h). */
int rd_cmd_dryrun(const struct rpl_config *cfg, const struct rpl_table_config *tc, const char *kind,
                  const struct rpl_range *parts, size_t nparts, enum rpl_engine target, FILE *out);

#endif
