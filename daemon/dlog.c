/* daemon/dlog.c: key=value log lines on stderr (see dlog.h). */
#include "dlog.h"
#include <stdarg.h>
#include <stdio.h>

static enum rpl_log_level log_max = RPL_LOG_NOTICE;

void
rd_log_init(enum rpl_log_level max)
{
	log_max = max;
}

void
rd_log(enum rpl_log_level lvl, const char *grp, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	if (lvl > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "level=%s grp=%s %s\n", rpl_log_level_name(lvl), grp, line);
}

const char *
rd_q(char *buf, size_t n, const char *s)
{
	size_t o = 0;
	if (n < 3) {
		if (n > 0)
			buf[0] = '\0';
		return buf;
	}
	buf[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p != '\0' && o + 5 < n; p++) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*p;
		} else if (*p < 0x20) {
			o += (size_t)snprintf(buf + o, n - o, "\\x%02x", *p);
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
