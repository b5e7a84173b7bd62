/* daemon/dlog.c: key=value log lines on stderr (see dlog.h). */
#include "dlog.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

void
rd_log_lib(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)data;
	char q[2100];   /* lib/'s messages are free text, quotes and all: quoted whole */
	fprintf(stderr, "level=%s grp=%s msg=%s\n", rpl_log_level_name(lvl), rpl_log_group_name(grp), rd_q(q, sizeof q, msg));
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
	/* o + 8 < n: room for the longest escape (\u00XX), the closing quote and NUL, so
	 * a cut value still ends in a whole escape and a quote */
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p != '\0' && o + 8 < n; p++) {
		if (*p == '"' || *p == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)*p;
		} else if (*p == '\n' || *p == '\r' || *p == '\t') {
			buf[o++] = '\\';
			buf[o++] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
		} else if (*p < 0x20 || *p == 0x7f) {
			o += (size_t)snprintf(buf + o, n - o, "\\u%04x", *p);   /* JSON's escape, which logfmt readers take */
		} else if (*p >= 0xc0) {   /* a UTF-8 sequence goes whole or not at all */
			size_t len = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2, k = 1;
			while (k < len && (p[k] & 0xc0) == 0x80)
				k++;
			if (o + k + 2 >= n)
				break;
			memcpy(buf + o, p, k);
			o += k;
			p += k - 1;
		} else {
			buf[o++] = (char)*p;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}
