/* daemon/dlog.h: the service's own log lines: "level=notice grp=sched key=value …
 * msg=\"…\"" on stderr, one fprintf per line (stdio locks it, so lines from job
 * threads do not interleave). Callers never pass secrets: connection strings are
 * not logged at all, errors from lib/ are already scrubbed of passwords. */
#ifndef RD_DLOG_H
#define RD_DLOG_H
#include <stddef.h>
#include "log.h"

/* rd_log_init sets the highest level written (RPL_LOG_NOTICE by default). */
void rd_log_init(enum rpl_log_level max);

/* rd_log writes "level=L grp=G " then the formatted key=value text. Any thread. */
void rd_log(enum rpl_log_level lvl, const char *grp, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* rd_log_lib is the handler for lib/'s log (rpl_log_set_handler): one line on
 * stderr with the message as msg="…". Any thread. */
void rd_log_lib(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data);

/* rd_q quotes s for a key=value line into buf and returns buf: "…" with \" \\ \n \r
 * \t and \u00XX for other control bytes, the escapes logfmt readers (go-logfmt,
 * Loki, Vector) take. A value longer than buf is cut at a whole character, and the
 * line stays valid. */
const char *rd_q(char *buf, size_t n, const char *s);

#endif
