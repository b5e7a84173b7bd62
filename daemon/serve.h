/* daemon/serve.h: `replicad serve`, the service: one libuv loop that owns the
 * configuration, the job table, the scheduler, the RPC clients, timers, signals and
 * sd_notify (docs/architecture.md, "Threads").
 *
 * DESIGN. Threads: the loop thread does everything in this directory except
 * rd_runner_run, which each running job calls on a uv_thread of its own (jobs_queue.c);
 * the runner starts the job's worker threads. A job thread reads only its job's
 * immutable parts (table config, partitions, the config it was started with, kept
 * alive by a reference count the loop holds) and two atomic flags (cancel, pause);
 * everything it reports (progress, the final account, the ledger scan at start)
 * travels by value through a mutex-protected queue and uv_async_send, and the loop
 * drains the whole queue on each wake (sends coalesce). Nothing on the loop touches
 * a database. The job table and the scheduler reach the server only through the
 * struct rd_host it gives them (host.h); the RPC methods and the metrics read it
 * directly.
 *
 * Order of events: start → load time zone → bind socket (0660) → signals → READY=1
 * → resume jobs from state_dir/serve-jobs.json and the ledger (a scan thread) →
 * scheduler timer. SIGHUP: RELOADING=1, load the file again (keep the old one and
 * log why if it is invalid), READY=1; running jobs keep the config they started
 * with. SIGTERM/SIGINT: STOPPING=1, stop accepting, cancel running jobs (their
 * partitions roll back; they are resumed at the next start), wait at most
 * RD_STOP_WAIT_MS for their threads, close every handle, exit 0. */
#ifndef RD_SERVE_H
#define RD_SERVE_H
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>
#include "cfg.h"
#include "host.h"
#include "metrics.h"
#include "notify.h"
#include "tz.h"

#define RD_STOP_WAIT_MS 30000

struct rd_jobs;
struct rd_sched;
struct rd_rpc_server;

struct rd_serve {
	uv_loop_t *loop;
	struct rd_cfg *cfg;          /* owned reference; the current configuration */
	char *config_path;           /* owned */
	char *socket_path;           /* owned; as bound at start (a reload does not move it) */
	struct rd_tz tz;             /* the current configuration's schedule.timezone */
	int64_t started_wall;        /* UTC seconds */
	uint64_t started_mono_ms;
	struct rd_jobs *jobs;        /* owned */
	struct rd_sched *sched;      /* owned */
	struct rd_rpc_server *rpc;   /* owned */
	struct rd_notify notify;
	uv_signal_t sig_term, sig_int, sig_hup;
	uv_timer_t stop_timer;       /* bounds the wait for job threads at shutdown */
	uv_timer_t status_timer;     /* STATUS= refresh while jobs run */
	bool stopping;
	char last_reload_error[1024];
	struct rd_metrics metrics;
	struct rd_host host;         /* what jobs and the scheduler may reach of it (host.h) */
	uv_timer_t cluster_timer;    /* with the cluster key: the ledger read again every
	                              * third of cluster.lease (rd_jobs_cluster_poll) */
};

/* rd_cmd_serve runs the service until SIGTERM/SIGINT. It takes cfg's contents (and
 * leaves *cfg zeroed); argv holds what follows "serve" (nothing is accepted).
 * Returns the exit status. */
int rd_cmd_serve(struct rpl_config *cfg, int argc, char **argv, int verbose);

#endif
