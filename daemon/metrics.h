/* daemon/metrics.h: the service's counters and gauges as monitoring reads them
 * (metrics.get, `replicactl metrics --prometheus`). Issue #18 item 12: counters move
 * per partition, not when a job ends; every row, byte, partition and phase counter
 * has a table label; each table has the time of its last successful and last failed
 * partition, which is what a script needs to judge how stale the replica is; the
 * partition's wall time is its own metric, never a phase beside those it sums.
 * Names and types follow Prometheus' conventions (promtool check metrics passes).
 * Loop thread only. */
#ifndef RD_METRICS_H
#define RD_METRICS_H
#include <jansson.h>
#include <stdint.h>
#include "copy.h"

struct rd_serve;
struct rd_table_metrics;

/* rd_metrics: the service's counters, owned by the server; the job table counts into
 * them through its host (host.h). */
struct rd_metrics {
	uint64_t jobs_submitted, jobs_done, jobs_failed, jobs_cancelled, jobs_rejected;
	uint64_t parts_done, parts_failed, parts_skipped, retries;
	int64_t rows_read, rows_written, rows_rejected, bytes;
	int64_t phase_ms[RPL_NPHASES];
	uint64_t rpc_requests, rpc_errors, rpc_clients_dropped, reloads, reload_failures;
	uint64_t parts_cancelled, parts_interrupted;   /* stopped by a cancel / by the daemon stopping */
	struct rd_table_metrics *tables;             /* owned: per table (metrics.h) */
	size_t ntables;
};

/* rd_table_metrics: one table's counters (label table = the config's tables[].name) */
struct rd_table_metrics {
	char *table;                     /* owned */
	uint64_t parts[RPL_PART_INTERRUPTED + 1];   /* partitions ended, by state */
	uint64_t retries;
	int64_t rows_read, rows_written, rows_rejected, bytes;
	int64_t phase_ms[RPL_NPHASES];
	double last_success, last_failure;   /* UTC seconds of the newest done / failed
	                                      * partition (done: also the ledger's newest done
	                                      * job, read at start); 0: none known */
	int64_t verify_differences;          /* rows missing, extra or changed found by the
	                                      * table's last verify job; -1: it could not verify */
	double verify_last;                  /* UTC seconds that verify ended; 0: none yet */
};

/* rd_metrics_part counts one ended partition of table (borrowed) into m: its state,
 * rows, bytes, phase times, retries, and the table's last success or failure at now
 * (UTC seconds). A skipped partition counts only as skipped. */
void rd_metrics_part(struct rd_metrics *m, const char *table, const struct rpl_part_account *acc, double now);

/* rd_metrics_verify records a verify job of table that ended at now: the differences
 * its n verdicts (verify_job.h, borrowed) found, -1 when one could not verify. */
struct rd_vpart;
void rd_metrics_verify(struct rd_metrics *m, const char *table, const struct rd_vpart *v, size_t n, bool failed,
                       double now);

/* rd_metrics_seen_done raises table's last success to finished (the ledger's UTC
 * "YYYY-MM-DDTHH:MM:SSZ" of a done job), read at start, so a restarted daemon does not
 * report every table as never loaded. */
void rd_metrics_seen_done(struct rd_metrics *m, const char *table, const char *finished);

/* rd_metrics_json builds metrics.get's answer: {metrics: [{name, type, help,
 * labels?, value}]}, each family's samples next to each other. Tables of the current
 * configuration appear even before their first partition. */
json_t *rd_metrics_json(struct rd_serve *d);

/* rd_metrics_fini frees the per-table counters. */
void rd_metrics_fini(struct rd_metrics *m);

#endif
