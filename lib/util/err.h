/* lib/util/err.h: the error object every fallible lib/ function fills. Fixed-size and
 * caller-owned so the error path never allocates; the first error set wins, so the
 * innermost cause survives while callers add nothing but their return code.
 * Logging is left to whoever handles the error (see STYLE.md "Errors"). */
#ifndef RPL_ERR_H
#define RPL_ERR_H
#include <stdbool.h>
#include <stdint.h>

enum rpl_errc {
	RPL_OK = 0,
	RPL_EINVAL = -1,     /* bad argument, config or usage */
	RPL_ENOENT = -2,     /* missing table, column, file */
	RPL_EODBC = -3,      /* the driver said no: sqlstate/native/msg filled */
	RPL_ECONVERT = -4,   /* a value that does not fit its target */
	RPL_ECANCELED = -5,
	RPL_ENOMEM = -6,
	RPL_EIO = -7,        /* files: reject file, password file */
	RPL_EPG = -8,        /* libpq said no: sqlstate/msg filled */
	RPL_EREFUSED = -9,   /* a bulk load took fewer rows than sent, or changed some */
	RPL_EHELD = -10,     /* a partition another live process holds (claim.h) */
	RPL_ECLAIM = -11,    /* this process's claim on a partition was taken over (claim.h) */
};

struct rpl_err {
	enum rpl_errc code;
	char sqlstate[6];            /* "" unless a driver reported it */
	int32_t native;              /* the driver's own error number */
	char table[256], column[128];/* as the source names them; "" if n/a */
	int64_t row;                 /* 0-based row within the partition; -1 if n/a */
	const char *file;            /* where it was set (static string) */
	int line;
	char msg[1024];              /* our words, then every diag record */
};
#define RPL_ERR_INIT { .code = RPL_OK, .row = -1 }

/* rpl_err_init resets e to "no error". */
void rpl_err_init(struct rpl_err *e);

/* rpl_err_set_at records c and the message unless e is already set; returns e->code
 * (the earlier code if there was one). Any thread, on its own e. */
int rpl_err_set_at(struct rpl_err *e, enum rpl_errc c, const char *file, int line,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
#define rpl_err_set(e, c, ...) rpl_err_set_at((e), (c), __FILE__, __LINE__, __VA_ARGS__)

/* rpl_err_prefix puts "what: " before an already-set message, to add context that
 * only an outer caller knows (a file name, a side of the copy). */
void rpl_err_prefix(struct rpl_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* rpl_err_where records table/column/row if not yet recorded (borrowed strings). */
void rpl_err_where(struct rpl_err *e, const char *table, const char *column, int64_t row);

/* rpl_err_scrub replaces every occurrence of secret in e->msg with "(redacted)", so
 * a driver that echoes its connection string cannot leak a password. */
void rpl_err_scrub(struct rpl_err *e, const char *secret);

/* rpl_errc_name gives a stable short name ("odbc", "convert", …) for JSON and logs. */
const char *rpl_errc_name(enum rpl_errc c);

#define RPL_REQUIRE(x) ((x) ? (void)0 : rpl_require_fail(#x, __FILE__, __LINE__))
_Noreturn void rpl_require_fail(const char *expr, const char *file, int line);

#endif
