/* lib/odbc/odbc_conn.h: one ODBC connection (environment + connection handle), the engine it
 * talks to, and the driver options replicad needs appended to the user's connection
 * string (bounded-memory reads, real booleans). Also the diag-to-rpl_err copy and
 * the connection-string redaction used by every message that names a database.
 * A connection belongs to one thread at a time. */
#ifndef RPL_CONN_H
#define RPL_CONN_H
#include <stdbool.h>
#include <stddef.h>
#include <sql.h>
#include <sqlext.h>
#include "err.h"

enum rpl_engine { RPL_ENGINE_UNKNOWN = 0, RPL_ENGINE_SQLITE, RPL_ENGINE_POSTGRES,
                  RPL_ENGINE_MARIADB, RPL_ENGINE_MSSQL };

struct rpl_dialect;

struct rpl_conn {
	SQLHENV env;                  /* owned */
	SQLHDBC dbc;                  /* owned */
	enum rpl_engine engine;
	const struct rpl_dialect *dialect;  /* borrowed const table */
	const char *side;             /* borrowed: "source" or "target" */
	char *connstr;                /* owned: as given, password not included */
	char *secret;                 /* owned copy of the password for scrubbing; may be NULL */
	char dbms_name[64], dbms_ver[64], driver_name[64], driver_ver[64], driver_odbc_ver[16];
	bool autocommit;
	int64_t ledger_wait_ms;       /* how long a ledger job's open through this connection
	                               * waits for the ledger's lock row (ledger.h); 0: as
	                               * long as the server lets it. Set by the caller. */
};

/* rpl_conn_open connects to connstr (the password, if any, is added as PWD and never
 * kept in any message) with the options the engine's driver needs (see odbc_conn.c). The
 * engine is expected from an earlier open of the same string in this process, else
 * from the Driver= name, and checked against SQL_DBMS_NAME: when the guess was wrong
 * it reconnects once with the right options. Any thread. side is borrowed, static. On failure the message
 * starts with side and holds the driver's SQLSTATE and text, password removed. */
int rpl_conn_open(struct rpl_conn *c, const char *side, const char *connstr,
                  const char *password, struct rpl_err *err);

/* rpl_conn_open_existing: rpl_conn_open for a database that must exist already: a
 * SQLite file that does not is an error naming it, never made (as for every side
 * "source"; a run's target file is made by its first connect). For verify and scan,
 * which write nothing and read the target's table. */
int rpl_conn_open_existing(struct rpl_conn *c, const char *side, const char *connstr,
                           const char *password, struct rpl_err *err);

/* rpl_conn_sqlite_missing: does connstr name a SQLite file (Database=) that does not
 * exist? Its path is then in path. A dry run asks it before connecting, so that it
 * makes no file either. */
bool rpl_conn_sqlite_missing(const char *connstr, char *path, size_t n);

/* rpl_conn_close rolls back anything open and frees the handles; safe on a zeroed or
 * closed conn. */
void rpl_conn_close(struct rpl_conn *c);

/* rpl_conn_exec runs one statement without results. */
int rpl_conn_exec(struct rpl_conn *c, const char *sql, struct rpl_err *err);

/* rpl_conn_exec_count runs one statement and stores the rows it affected (0 when
 * the driver cannot tell). */
int rpl_conn_exec_count(struct rpl_conn *c, const char *sql, int64_t *rows, struct rpl_err *err);

/* rpl_conn_set_autocommit switches the connection's autocommit mode. */
int rpl_conn_set_autocommit(struct rpl_conn *c, bool on, struct rpl_err *err);
int rpl_conn_commit(struct rpl_conn *c, struct rpl_err *err);
int rpl_conn_rollback(struct rpl_conn *c, struct rpl_err *err);

/* rpl_conn_query_int64 runs sql and stores the first column of the first row
 * (*found false when there is no row or it is NULL). */
int rpl_conn_query_int64(struct rpl_conn *c, const char *sql, int64_t *out, bool *found,
                         struct rpl_err *err);

/* rpl_conn_stmt allocates a statement handle on c. */
int rpl_conn_stmt(struct rpl_conn *c, SQLHSTMT *st, struct rpl_err *err);

/* rpl_err_odbc_at copies every diag record of h into e (first error wins), after
 * "what"; the first record's SQLSTATE and native code go to e->sqlstate/native. */
int rpl_err_odbc_at(struct rpl_err *e, SQLSMALLINT ht, SQLHANDLE h, const char *what,
                    const char *file, int line);
#define rpl_err_odbc(e, ht, h, what) rpl_err_odbc_at((e), (ht), (h), (what), __FILE__, __LINE__)

/* rpl_conn_fail records an ODBC failure on c's statement (or dbc if st is NULL) with
 * the side prefixed and the password scrubbed. Returns RPL_EODBC. */
int rpl_conn_fail_at(struct rpl_conn *c, SQLHSTMT st, struct rpl_err *e, const char *what,
                     const char *file, int line);
#define rpl_conn_fail(c, st, e, what) rpl_conn_fail_at((c), (st), (e), (what), __FILE__, __LINE__)

/* rpl_connstr_redact copies in to out with the value of every secret-bearing key
 * (PWD, Password, SSLPassword, SSLKeyPassword, TLSKeyPwd, KeyPassword, KeyStoreSecret,
 * ClientSecret, AccessToken, Token, AuthToken, Secret; any case)
 * replaced by "***". Always terminates out. */
void rpl_connstr_redact(const char *in, char *out, size_t n);

/* rpl_connstr_get copies the value of key (case-insensitive) into out; false when
 * the string does not set it or sets it empty. */
bool rpl_connstr_get(const char *connstr, const char *key, char *out, size_t n);

/* rpl_connstr_has_key: true if the connection string sets key (case-insensitive). */
bool rpl_connstr_has_key(const char *connstr, const char *key);

/* rpl_secret_free zeroes a password copy before freeing it (NULL is fine), so it
 * does not linger in freed memory or a core file. */
void rpl_secret_free(char *secret);

/* rpl_connstr_only: true if every key the connection string sets is one of keys
 * (NULL-terminated, case-insensitive): a native path that honours only those must
 * not open a connection whose string asks for more (TLS options, say). */
bool rpl_connstr_only(const char *connstr, const char *const *keys);

/* rpl_conn_guess_engine: the engine the Driver= value names ("PostgreSQL Unicode",
 * "MariaDB Unicode", "SQLite3", "FreeTDS", or a library path such as psqlodbcw.so);
 * UNKNOWN for a DSN, an unknown name or one that names two engines. A guess only:
 * rpl_conn_open checks it against the server. */
enum rpl_engine rpl_conn_guess_engine(const char *connstr);

const char *rpl_engine_name(enum rpl_engine e);
/* rpl_engine_from_name maps "sqlite" "postgresql"/"postgres"/"pg" "mariadb"/"mysql"
 * "mssql"/"sqlserver" to the engine; UNKNOWN otherwise. */
enum rpl_engine rpl_engine_from_name(const char *name);

#endif
