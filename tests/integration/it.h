/* tests/integration/it.h: helpers for tests against the servers started by
 * tests/harness/with-servers: connecting by engine name, running SQL with
 * assertions, and reading a table back in a canonical text form that does not use
 * the engine's transport path (so a copy is checked by an independent reader). */
#ifndef IT_H
#define IT_H
#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include "catalog.h"
#include "odbc_conn.h"

enum { IT_SQLITE, IT_PG, IT_MARIADB, IT_NENGINES };
extern const char *const it_engine_names[IT_NENGINES];

/* it_connect opens engine e's database "src" or "dst"; a missing harness variable
 * fails the test (never a skip). */
void it_connect(struct rpl_conn *c, int e, const char *which);

/* it_exec runs sql on c and fails the test with the driver's message if it fails. */
void it_exec(struct rpl_conn *c, const char *sql);
/* it_exec_ok runs sql and returns 0, or -1 (for DROP … IF EXISTS on engines without it). */
int it_exec_ok(struct rpl_conn *c, const char *sql);

/* A table read back: rows[r][c] is "NULL" or a type-tagged canonical value. */
struct it_dump {
	size_t nrows, ncols;
	char **cols;     /* column names, lower-cased */
	char ***rows;
};
/* it_dump_table reads table (quoted by the engine's dialect) ordered by order_col. */
void it_dump_table(struct rpl_conn *c, const char *table, const char *order_col, struct it_dump *d);
void it_dump_free(struct it_dump *d);
/* it_dump_compare fails the test at the first difference, naming row, column, both values. */
void it_dump_compare(const struct it_dump *src, const struct it_dump *dst, const char *what);
/* it_dump_compare_ulp: the same, but doubles may differ by one unit in the last place
 * (pairs with SQLite: see within_one_ulp in it.c). */
void it_dump_compare_ulp(const struct it_dump *src, const struct it_dump *dst, const char *what, bool ulp);
/* it_dump_get returns the value at row r of column name (test fails if absent). */
const char *it_dump_get(const struct it_dump *d, size_t r, const char *col);

/* it_query_str stores the first column of sql's first row as text in out ("NULL" for
 * NULL); it_query_int returns it as an integer. Either fails the test when sql does. */
void it_query_str(struct rpl_conn *c, const char *sql, char *out, size_t n);
int64_t it_query_int(struct rpl_conn *c, const char *sql);

/* it_tmpfile returns a path under the harness's directory (static buffer). */
const char *it_tmpfile(const char *name);

/* it_write_config writes a replicad.json named name under the harness's directory
 * for one table copied from src_odbc to dst_odbc (both with the harness's password
 * in a password file), a range table (date_column d unless NULL) and the "load"
 * object load_json ("{}" for the defaults). Returns the path (static buffer). */
const char *it_write_config(const char *name, const char *src_odbc, const char *dst_odbc, const char *table,
                            const char *date_column, const char *load_json);

/* it_spawn_replicad starts `bin -c cfg run table --from from --to to`, stdout (and
 * stderr unless keep_stderr) to /dev/null; it_wait_replicad returns its exit status,
 * or -signal when killed. */
int it_spawn_replicad(const char *bin, const char *cfg, const char *table, const char *from, const char *to,
                      bool keep_stderr);
int it_wait_replicad(int pid);

/* it_config_add puts text (one or more "key": value pairs and a comma) before
 * "state_dir" in the config file cfg (an it_write_config one) */
void it_config_add(const char *cfg, const char *text);
/* it_file_has: does the file at path (its first MiB) contain text? */
bool it_file_has(const char *path, const char *text);

/* it_stop stops child pid (SIGSTOP) and returns once every thread of it has stopped:
 * kill() returns when one thread has been told, and the others run on until that
 * one stops them (a thread whose poll() returned meanwhile may send a COMMIT). False
 * when the child exited instead; it is not reaped (it_wait_replicad still is). */
bool it_stop(int pid);

/* it_spawn_replicad_log is it_spawn_replicad with -v and stderr appended to log (its
 * progress, warnings and info lines such as each retry, for it_wait_log). */
int it_spawn_replicad_log(const char *bin, const char *cfg, const char *table, const char *from, const char *to,
                          const char *log);

/* it_wait_log waits until the file log contains text, or pid (if > 0) has exited,
 * or timeout_ms passed: tests wait for what replicad says it did, never for a time
 * measured on a quiet machine. True when the text appeared. */
bool it_wait_log(const char *log, const char *text, int pid, int timeout_ms);

/* it_wait_query waits until the integer query q on c returns at least want, or pid
 * (if > 0) has exited, or timeout_ms passed; returns the last value read. */
int64_t it_wait_query(struct rpl_conn *c, const char *q, int64_t want, int pid, int timeout_ms);

/* it_nap_ms: the pause between two looks at a state a test polls (the ledger, a
 * socket, a log line), never a wait for time itself */
void it_nap_ms(long ms);

/* it_ledger_rows_locked: is a ledger row of table t (partitions, jobs) or the ledger's
 * lock row locked right now on dst (engine d: IT_PG or IT_MARIADB)? Asked with NOWAIT,
 * then let go at once, after every statement other sessions are running (and not
 * waiting on a lock) has ended. */
bool it_ledger_rows_locked(struct rpl_conn *dst, int d, const char *t);

/* it_lite_same checks that SQLite file dst_db's table holds want_rows rows, as many
 * as src_db's (those where src_where holds, all for NULL), each (paired by key) with
 * the same storage class (typeof) and the same value in every column; the test fails
 * naming the keys of the rows that differ. */
void it_lite_same(const char *dst_db, const char *src_db, const char *table, const char *key, const char *src_where,
                  int64_t want_rows);

/* it_gate: a gate on target table t's inserts (it_gate.c). it_gate_shut puts a
 * trigger on t (engine d: IT_PG or IT_MARIADB) and shuts the gate: every load of t
 * then waits at its first row, holding its partition, until it_gate_open. Reads,
 * deletes and index work pass. The trigger stays until the table is dropped. */
struct it_gate {
	struct rpl_conn c;
};
void it_gate_shut(struct it_gate *g, int d, const char *t);
void it_gate_open(struct it_gate *g);

/* it_nodes: the `replicad serve` processes a test starts (it_nodes.c), nodes 0 to
 * n-1. it_nodes_init (in main, before the tests) names node k's files under the
 * harness's directory, prefix-k.json (the config the test writes), prefix-k.sock,
 * prefix-k.log and the state dir prefix-state-k, and registers (once) an atexit
 * handler that kills the nodes still running; replicad and replicactl are the
 * binaries (borrowed: argv). */
#define IT_NODES_MAX 8
void it_nodes_init(const char *prefix, int n, const char *replicad, const char *replicactl);
/* it_node_fresh empties node k's state dir and removes its log (before its config
 * is written and it first starts) */
void it_node_fresh(int k);
/* it_nodes_replicad: the replicad binary it_nodes_init was given */
const char *it_nodes_replicad(void);
/* node k's paths (borrowed until the next it_nodes_init) and its pid (0: not running) */
const char *it_node_cfg(int k);
const char *it_node_sock(int k);
const char *it_node_log(int k);
const char *it_node_state(int k);
int it_node_pid(int k);
/* it_nodes_at_later: "HH:MM" 12 hours from now (UTC), for daily schedule slots no
 * run of a test crosses */
void it_nodes_at_later(char at[8]);
/* it_node_ctl runs `replicactl -s SOCK args` against node k; its stdout and stderr
 * go to out; returns its exit status */
int it_node_ctl(int k, char *out, size_t n, const char *args);
/* it_node_start starts `replicad -v -c CFG serve` as node k (its output to its log)
 * and waits until its socket answers; the test fails if it exits first */
void it_node_start(int k);
/* it_node_stop: SIGCONT (a stopped node), then SIGTERM; the test fails unless it exits 0.
 * it_node_kill: SIGKILL, and waits. Both do nothing when node k is not running. */
void it_node_stop(int k);
void it_node_kill(int k);
/* it_node_rpc sends one JSON-RPC line to node k's socket and reads its one-line answer */
void it_node_rpc(int k, const char *line, char *out, size_t n);

#endif
