/* daemon/cmd_verify.h: what cmd_verify.c shares with verify_dry.c. */
#ifndef RD_CMD_VERIFY_H
#define RD_CMD_VERIFY_H
#include <stdbool.h>
#include <stdio.h>
#include "config.h"
#include "odbc_conn.h"
#include "plan.h"
#include "vtable.h"

/* rd_verify_dry prints, per partition of parts (borrowed), the statements verify
 * (scan: the source's only) would send; target: the engine to show the target's in
 * without connecting to it (RPL_ENGINE_UNKNOWN: connect and ask the vtable). Returns
 * the exit status. */
int rd_verify_dry(const struct rpl_config *cfg, const struct rpl_vtable_opts *o, const char *table, bool scan,
                  const struct rpl_range *parts, size_t n, enum rpl_engine target, FILE *out);

#endif
