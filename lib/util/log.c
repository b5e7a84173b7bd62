/* lib/util/log.c: the log dispatch. Formatting happens only when the level passes. */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>

static rpl_log_fn log_fn;
static void *log_data;
static enum rpl_log_level log_max = RPL_LOG_NOTICE;

static const char *const group_names[] = {
#define RPL_LOG_NAME(id, name) name,
	RPL_LOG_GROUPS(RPL_LOG_NAME)
#undef RPL_LOG_NAME
};

void
rpl_log_set_handler(rpl_log_fn fn, void *data, enum rpl_log_level max)
{
	log_fn = fn;
	log_data = data;
	log_max = max;
}

void
rpl_log(enum rpl_log_level lvl, enum rpl_log_group grp, const char *fmt, ...)
{
	if (log_fn == NULL || lvl > log_max)
		return;
	char line[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	log_fn(lvl, grp, line, log_data);
}

const char *
rpl_log_group_name(enum rpl_log_group g)
{
	return (unsigned)g < RPL_LOG_NGROUPS ? group_names[g] : "?";
}

const char *
rpl_log_level_name(enum rpl_log_level l)
{
	switch (l) {
	case RPL_LOG_ERROR: return "error";
	case RPL_LOG_WARNING: return "warning";
	case RPL_LOG_NOTICE: return "notice";
	case RPL_LOG_INFO: return "info";
	case RPL_LOG_DEBUG: return "debug";
	}
	return "?";
}
