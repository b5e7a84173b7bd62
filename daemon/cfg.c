/* daemon/cfg.c: the reference-counted configuration (see cfg.h). */
#include "cfg.h"
#include <stdlib.h>

struct rd_cfg *
rd_cfg_ref(struct rd_cfg *c)
{
	c->refs++;
	return c;
}

void
rd_cfg_unref(struct rd_cfg *c)
{
	if (c != NULL && --c->refs == 0) {
		rpl_config_fini(&c->c);
		free(c);
	}
}
