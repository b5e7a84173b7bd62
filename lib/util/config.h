/* lib/util/config.h: the replicad.json configuration (docs/configuration.md).
 * Parsed and validated in one go before anything runs: an error names the file, the
 * line:col where jansson gives them, the key path (tables[2].date_column) and what was
 * expected. Unknown keys are errors. jansson stays inside config*.c (config_int.h). */
#ifndef RPL_CONFIG_H
#define RPL_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "colmap.h"
#include "err.h"

struct rpl_db_config {
	char *odbc;              /* owned; connection string as the user wrote it */
	char *password_file;     /* owned; NULL if none */
	char *password;          /* owned; SECRET: read from password_file, never printed */
};

struct rpl_table_config {
	char *schema;            /* owned; NULL: the connection's default schema */
	char *name;              /* owned; table name as the engine stores it */
	char *target_schema;     /* owned; NULL: the target connection's default schema */
	char *target;            /* owned; target table name; defaults to name */
	char *date_column;       /* owned; NULL: a reference table (full copies only) */
	struct rpl_colmap map;   /* owned; exclude, columns, add_new_columns (colmap.h) */
	bool inherited;          /* default true: a PostgreSQL inheritance parent is read
	                          * with its children's rows; false: FROM ONLY */
};

struct rpl_schedule_config {
	int t1_at_min;           /* minutes after midnight, default 02:00 */
	int64_t t0_every_s;      /* seconds, default 15m; 0 disables T-0 */
	int reference_at_min;    /* minutes after midnight, default 03:30 */
	char *timezone;          /* owned; IANA name, default "UTC" */
	int verify_at_min;       /* minutes after midnight; -1 (default): no scheduled verify */
};

struct rpl_load_config {
	int workers;             /* default 4 */
	int workers_per_table;   /* default 2 */
	int64_t chunk_bytes;     /* default 4 MiB */
	int64_t commit_rows;     /* default 100000 */
	int max_attempts;        /* default 5 */
	bool disable_indexes;    /* default true */
	bool create_missing_tables; /* default false */
	bool table_lock;         /* default false */
	char *bulk;              /* owned; "auto" (default) or "odbc" */
	int64_t outage_wait_s;   /* default 3600: how long a job waits for a database it
	                          * lost before its partitions spend attempts; 0: not at all */
};

struct rpl_values_config {
	char **placeholder_dates;   /* owned; "YYYY-MM-DD" strings, default {"0001-01-01"} */
	size_t n_placeholder_dates;
	bool truncate_strings;      /* default false */
};

/* What one client or one request may take of the service (issue #19): each bound
 * a key, so a flood of clients, jobs or partitions gets an error naming it. */
struct rpl_limits_config {
	int max_clients;            /* default 256; the last 8 slots only for root and our own user */
	int64_t client_idle_s;      /* default 60s: an idle client is closed after it; 0 never */
	int64_t message_timeout_s;  /* default 30s: a message must be whole within it of its first byte */
	int max_jobs;               /* default 1000 unfinished jobs (queued, running, paused, cancelling) */
	int max_partitions;         /* default 1200 partitions per job (a century of months) */
	int list_page;              /* default 100 jobs per job.list answer */
	int batch_ms;               /* default 20: the loop time one batch may take */
};

/* "cluster" (issue #20): several `replicad serve` share jobs through the target's
 * ledger. Claims on partitions are always on; this names the node and the lease. */
struct rpl_cluster_config {
	bool on;                    /* the "cluster" key is there */
	char *node;                 /* owned; NULL: the host name */
	int64_t lease_s;            /* default 30s: a claim's lease, renewed every third */
};

struct rpl_config {
	char *path;                 /* owned; the file it came from */
	struct rpl_db_config source, target;
	struct rpl_table_config *tables;   /* owned array */
	size_t n_tables;
	struct rpl_schedule_config schedule;
	struct rpl_load_config load;
	struct rpl_values_config values;
	char *state_dir;            /* owned; default /var/lib/replicad */
	char *socket;               /* owned; default /run/replicad/replicad.sock */
	struct rpl_limits_config limits;
	struct rpl_cluster_config cluster;
};

/* rpl_config_load reads and validates path into *cfg (caller memory, filled only on
 * success; free with rpl_config_fini). On failure err->msg starts "path:line:col: " or
 * "path: key.path: " and cfg holds nothing to free. Reads password files. */
int rpl_config_load(const char *path, struct rpl_config *cfg, struct rpl_err *err);

/* rpl_config_parse is rpl_config_load on text already in memory; name is used in
 * messages and as cfg->path. Password files are read relative to the process cwd. */
int rpl_config_parse(const char *text, const char *name, struct rpl_config *cfg, struct rpl_err *err);

/* rpl_config_fini frees everything cfg owns, wiping the passwords first. */
void rpl_config_fini(struct rpl_config *cfg);

/* rpl_config_find_table returns the table whose name (or schema.name) equals name,
 * case-sensitively, or NULL. Borrowed from cfg. */
const struct rpl_table_config *rpl_config_find_table(const struct rpl_config *cfg, const char *name);

/* The config keys, in the order replicad.json(5) lists them: name (dotted path,
 * "tables[].x" for per-table keys), type, default as a user writes it, and whether
 * SIGHUP reloads it. Tests check the man page against this table. */
struct rpl_config_key { const char *path, *type, *def; bool reload, secret; };
extern const struct rpl_config_key rpl_config_keys[];
extern const size_t rpl_config_nkeys;

#endif
