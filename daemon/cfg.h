/* daemon/cfg.h: a loaded configuration shared by the service's loop and the jobs
 * started with it. A SIGHUP reload makes a new one and drops the loop's reference;
 * a running job keeps the one it started with through its own reference, so it never
 * sees a configuration change under it. */
#ifndef RD_CFG_H
#define RD_CFG_H
#include "config.h"

/* rd_cfg: refs is touched on the loop thread only. */
struct rd_cfg {
	struct rpl_config c;
	int refs;
};

/* rd_cfg_ref takes one more reference to c and returns it. Loop thread. */
struct rd_cfg *rd_cfg_ref(struct rd_cfg *c);

/* rd_cfg_unref drops one reference (NULL is allowed) and frees c with the last one.
 * Loop thread. */
void rd_cfg_unref(struct rd_cfg *c);

#endif
