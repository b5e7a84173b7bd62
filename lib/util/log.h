/* lib/util/log.h: logging through a handler the host installs. lib/ never prints; the
 * daemon routes these to stderr or the journal, tests may capture them. Groups come
 * from one X-macro so names and enum cannot drift apart. */
#ifndef RPL_LOG_H
#define RPL_LOG_H

enum rpl_log_level { RPL_LOG_ERROR = 3, RPL_LOG_WARNING = 4, RPL_LOG_NOTICE = 5,
                     RPL_LOG_INFO = 6, RPL_LOG_DEBUG = 7 };

#define RPL_LOG_GROUPS(X) X(MAIN, "main") X(CONFIG, "config") X(ODBC, "odbc") \
	X(CATALOG, "catalog") X(LOADER, "loader") X(LEDGER, "ledger") X(SCHED, "sched") X(RPC, "rpc")
enum rpl_log_group {
#define RPL_LOG_ENUM(id, name) RPL_LOG_##id,
	RPL_LOG_GROUPS(RPL_LOG_ENUM)
#undef RPL_LOG_ENUM
	RPL_LOG_NGROUPS
};

typedef void (*rpl_log_fn)(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data);

/* rpl_log_set_handler installs fn (NULL: drop everything) and the highest level passed
 * to it. Call before starting threads. */
void rpl_log_set_handler(rpl_log_fn fn, void *data, enum rpl_log_level max);

/* rpl_log formats and hands one line to the handler. Any thread. */
void rpl_log(enum rpl_log_level lvl, enum rpl_log_group grp, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

const char *rpl_log_group_name(enum rpl_log_group g);
const char *rpl_log_level_name(enum rpl_log_level l);

#endif
