/* daemon/serve.c: `replicad serve`: the loop, its start, reload and stop (DESIGN in
 * serve.h). The socket server is rpc_server.c, the methods rpc_methods.c, the jobs
 * jobs*.c (jobs_int.h), the schedule schedule.c, systemd notify.c. */
#include "serve.h"
#include "metrics.h"
#include "cli.h"
#include "clock.h"
#include "dlog.h"
#include "jobs.h"
#include "rpc_methods.h"
#include "rpc_server.h"
#include "schedule.h"
#include "statedir.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void
status_text(struct rd_serve *d, char *out, size_t n)
{
	size_t c[RD_NJOBSTATES];
	rd_jobs_count(d->jobs, c);
	size_t live = c[RD_JOB_RUNNING] + c[RD_JOB_PAUSED] + c[RD_JOB_CANCELLING] + c[RD_JOB_QUEUED];
	if (d->stopping)
		snprintf(out, n, "stopping: waiting for %d job thread(s) to roll back", rd_jobs_threads_alive(d->jobs));
	else if (live == 0)
		snprintf(out, n, "idle, 0 jobs running; %zu done, %zu failed", c[RD_JOB_DONE], c[RD_JOB_FAILED]);
	else
		snprintf(out, n, "%zu running, %zu paused, %zu queued; %lld rows written by running jobs; %zu done, %zu failed",
		         c[RD_JOB_RUNNING] + c[RD_JOB_CANCELLING], c[RD_JOB_PAUSED], c[RD_JOB_QUEUED],
		         (long long)rd_jobs_rows_live(d->jobs), c[RD_JOB_DONE], c[RD_JOB_FAILED]);
}

static void
serve_status_changed(struct rd_serve *d)
{
	char text[256];
	status_text(d, text, sizeof text);
	rd_notify_status(&d->notify, text);
}

static void
serve_on_status_timer(uv_timer_t *t)
{
	serve_status_changed(t->data);
}

static void
serve_on_cluster_timer(uv_timer_t *t)
{
	struct rd_serve *d = t->data;
	rd_jobs_cluster_poll(d->jobs);
}

static void
serve_check_stopped(struct rd_serve *d)
{
	if (d->stopping && rd_jobs_threads_alive(d->jobs) == 0)
		uv_stop(d->loop);
}

/* ---- what the job table and the scheduler may reach (host.h) ---- */

static struct rd_cfg *
host_config(void *data)
{
	return ((struct rd_serve *)data)->cfg;
}

static const struct rd_tz *
host_tz(void *data)
{
	return &((struct rd_serve *)data)->tz;
}

static bool
host_stopping(void *data)
{
	return ((struct rd_serve *)data)->stopping;
}

static void
host_changed(void *data)
{
	serve_status_changed(data);
}

static void
host_thread_ended(void *data)
{
	serve_check_stopped(data);
}

static void
serve_on_stop_timeout(uv_timer_t *t)
{
	struct rd_serve *d = t->data;
	/* A job thread did not come back (a driver call that ignores cancel, a server
	 * that does not answer). Its partitions are not done in the ledger, so the next
	 * start redoes them; exiting now is safe, freeing what it uses is not. */
	rd_log(RPL_LOG_WARNING, "main", "threads=%d msg=\"job threads still busy after %d s: exiting without them\"",
	       rd_jobs_threads_alive(d->jobs), RD_STOP_WAIT_MS / 1000);
	fflush(stderr);
	_exit(RD_EXIT_OK);
}

static void
serve_stop(struct rd_serve *d, const char *why)
{
	if (d->stopping) {
		rd_log(RPL_LOG_NOTICE, "main", "signal=%s msg=\"already stopping\"", why);
		return;
	}
	d->stopping = true;
	rd_log(RPL_LOG_NOTICE, "main", "signal=%s msg=\"stopping: interrupting running jobs (resumed at the next start)\"",
	       why);
	rd_rpc_server_close(d->rpc);
	rd_sched_close(d->sched);
	/* each running job's stopping flag is set before its cancel: the ledger job is left
	 * 'interrupted', not 'cancelled' (runner.h) */
	rd_jobs_shutdown(d->jobs);
	char text[256];
	status_text(d, text, sizeof text);
	rd_notify_stopping(&d->notify, text);
	uv_timer_start(&d->stop_timer, serve_on_stop_timeout, RD_STOP_WAIT_MS, 0);
	serve_check_stopped(d);
}

/* keep_key: a key that needs a restart keeps its old value on reload, with a word */
static void
keep_str(char **now, const char *old, const char *key)
{
	if ((*now == NULL) != (old == NULL) || (old != NULL && strcmp(*now, old) != 0)) {
		rd_log(RPL_LOG_WARNING, "config", "key=%s msg=\"changed, but takes effect only at restart\"", key);
		free(*now);
		*now = old != NULL ? strdup(old) : NULL;
	}
}

static void
serve_reload(struct rd_serve *d)
{
	struct rpl_config nc;
	struct rpl_err err = RPL_ERR_INIT;
	char q[1200];
	rd_notify_reloading(&d->notify);
	d->metrics.reloads++;
	if (rpl_config_load(d->config_path, &nc, &err) < 0) {
		d->metrics.reload_failures++;
		snprintf(d->last_reload_error, sizeof d->last_reload_error, "%s", err.msg);
		rd_log(RPL_LOG_ERROR, "config", "msg=%s action=\"kept the running configuration\"", rd_q(q, sizeof q, err.msg));
		goto out;
	}
	struct rd_tz tz;
	char tzerr[600];
	if (rd_tz_load(&tz, nc.schedule.timezone, NULL, tzerr, sizeof tzerr) < 0) {
		d->metrics.reload_failures++;
		snprintf(d->last_reload_error, sizeof d->last_reload_error, "%s", tzerr);
		rd_log(RPL_LOG_ERROR, "config", "msg=%s action=\"kept the running configuration\"", rd_q(q, sizeof q, tzerr));
		rpl_config_fini(&nc);
		goto out;
	}
	struct rd_cfg *c = calloc(1, sizeof *c);
	if (c == NULL || (nc.state_dir == NULL) || (nc.socket == NULL)) {
		free(c);
		rd_tz_fini(&tz);
		rpl_config_fini(&nc);
		rd_log(RPL_LOG_ERROR, "config", "msg=\"out of memory\" action=\"kept the running configuration\"");
		goto out;
	}
	const struct rpl_config *old = &d->cfg->c;
	keep_str(&nc.socket, old->socket, "socket");
	keep_str(&nc.state_dir, old->state_dir, "state_dir");
	if (nc.load.workers != old->load.workers) {
		rd_log(RPL_LOG_WARNING, "config", "key=load.workers msg=\"changed, but takes effect only at restart\"");
		nc.load.workers = old->load.workers;
	}
	c->c = nc;
	rd_rpc_set_batch_budget((uint64_t)c->c.limits.batch_ms);
	c->refs = 1;
	rd_cfg_unref(d->cfg);   /* running jobs hold their own reference */
	d->cfg = c;
	rd_tz_fini(&d->tz);
	d->tz = tz;
	d->last_reload_error[0] = '\0';
	if (!d->stopping)
		rd_sched_reconfigure(d->sched);
	rd_log(RPL_LOG_NOTICE, "config", "file=%s tables=%zu timezone=%s msg=\"reloaded\"", rd_q(q, sizeof q, d->config_path),
	       c->c.n_tables, d->tz.name);
out:;
	char text[256], msg[300];
	status_text(d, text, sizeof text);
	snprintf(msg, sizeof msg, "READY=1\nSTATUS=%s", text);
	rd_notify_send(&d->notify, msg);
}

static void
serve_on_signal(uv_signal_t *s, int signum)
{
	struct rd_serve *d = s->data;
	if (signum == SIGHUP)
		serve_reload(d);
	else
		serve_stop(d, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void
close_if_open(uv_handle_t *h)
{
	if (h->loop != NULL && !uv_is_closing(h))
		uv_close(h, NULL);
}

/* serve_open takes the configuration (cfg's contents; *cfg left zeroed) and checks
 * what must hold before anything listens: the time zone and the state directory.
 * The exit status, or -1 to go on. */
static int
serve_open(struct rd_serve *d, struct rpl_config *cfg)
{
	char err[1200], q[1300];
	d->started_wall = rd_now_wall();
	d->started_mono_ms = rd_now_mono_ms();
	d->cfg = calloc(1, sizeof *d->cfg);
	if (d->cfg == NULL) {
		rpl_config_fini(cfg);
		return RD_EXIT_FAILED;
	}
	d->cfg->c = *cfg;   /* taken */
	memset(cfg, 0, sizeof *cfg);
	d->cfg->refs = 1;
	d->config_path = strdup(d->cfg->c.path);
	d->socket_path = strdup(d->cfg->c.socket);
	if (d->config_path == NULL || d->socket_path == NULL)
		return RD_EXIT_FAILED;
	if (rd_tz_load(&d->tz, d->cfg->c.schedule.timezone, NULL, err, sizeof err) < 0) {
		rd_log(RPL_LOG_ERROR, "config", "msg=%s", rd_q(q, sizeof q, err));
		return RD_EXIT_USAGE;
	}
	if (rd_state_dir_ready(d->cfg->c.state_dir, err, sizeof err) < 0) {   /* before READY: nothing to resume from */
		rd_log(RPL_LOG_ERROR, "main", "msg=%s", rd_q(q, sizeof q, err));
		return RD_EXIT_USAGE;
	}
	return -1;
}

/* serve_listen makes the job table, the scheduler and the socket server, and binds
 * the socket; -1 when it cannot (logged) */
static int
serve_listen(struct rd_serve *d)
{
	char err[1200], q[1300];
	d->host = (struct rd_host){ .loop = d->loop, .metrics = &d->metrics, .data = d, .config = host_config,
	                            .tz = host_tz, .stopping = host_stopping, .changed = host_changed,
	                            .thread_ended = host_thread_ended };
	d->jobs = rd_jobs_new(&d->host);
	d->sched = d->jobs != NULL ? rd_sched_new(&d->host, d->jobs) : NULL;
	d->rpc = d->sched != NULL ? rd_rpc_server_new(d->loop, &rd_rpc_methods, d) : NULL;
	if (d->rpc == NULL) {
		rd_log(RPL_LOG_ERROR, "main", "msg=\"out of memory\"");
		return -1;
	}
	const struct rpl_limits_config *lim = &d->cfg->c.limits;
	rd_rpc_server_limits(d->rpc, lim->max_clients, (uint64_t)lim->client_idle_s * 1000,
	                     (uint64_t)lim->message_timeout_s * 1000);
	rd_rpc_set_batch_budget((uint64_t)lim->batch_ms);
	if (rd_rpc_server_listen(d->rpc, d->socket_path, err, sizeof err) < 0) {
		rd_log(RPL_LOG_ERROR, "rpc", "msg=%s", rd_q(q, sizeof q, err));
		return -1;
	}
	return 0;
}

/* serve_handles starts the signals and the timers */
static void
serve_handles(struct rd_serve *d)
{
	uv_signal_init(d->loop, &d->sig_term);
	uv_signal_init(d->loop, &d->sig_int);
	uv_signal_init(d->loop, &d->sig_hup);
	d->sig_term.data = d->sig_int.data = d->sig_hup.data = d;
	uv_signal_start(&d->sig_term, serve_on_signal, SIGTERM);
	uv_signal_start(&d->sig_int, serve_on_signal, SIGINT);
	uv_signal_start(&d->sig_hup, serve_on_signal, SIGHUP);
	uv_timer_init(d->loop, &d->stop_timer);
	uv_timer_init(d->loop, &d->status_timer);
	d->stop_timer.data = d->status_timer.data = d;
	uv_timer_start(&d->status_timer, serve_on_status_timer, 2000, 2000);
	uv_timer_init(d->loop, &d->cluster_timer);
	d->cluster_timer.data = d;
	if (d->cfg->c.cluster.on) {   /* other nodes' jobs are joined as they appear */
		uint64_t every = (uint64_t)d->cfg->c.cluster.lease_s * 1000 / 3;
		uv_timer_start(&d->cluster_timer, serve_on_cluster_timer, every, every);
	}
}

/* serve_close closes every handle, lets the loop run their close callbacks (it must
 * end empty), and frees what the service owned */
static void
serve_close(struct rd_serve *d)
{
	if (d->rpc != NULL)
		rd_rpc_server_close(d->rpc);
	if (d->sched != NULL)
		rd_sched_close(d->sched);
	if (d->jobs != NULL)
		rd_jobs_close(d->jobs);
	rd_notify_close(&d->notify);
	close_if_open((uv_handle_t *)&d->sig_term);
	close_if_open((uv_handle_t *)&d->sig_int);
	close_if_open((uv_handle_t *)&d->sig_hup);
	close_if_open((uv_handle_t *)&d->stop_timer);
	close_if_open((uv_handle_t *)&d->status_timer);
	close_if_open((uv_handle_t *)&d->cluster_timer);
	uv_run(d->loop, UV_RUN_DEFAULT);
	int lc = uv_loop_close(d->loop);
	if (lc != 0)
		rd_log(RPL_LOG_WARNING, "main", "msg=\"loop closed with handles left\" err=%s", uv_err_name(lc));
	rd_rpc_server_free(d->rpc);
	rd_sched_free(d->sched);
	rd_jobs_free(d->jobs);
	rd_metrics_fini(&d->metrics);
	rd_tz_fini(&d->tz);
	rd_cfg_unref(d->cfg);
	free(d->config_path);
	free(d->socket_path);
}

int
rd_cmd_serve(struct rpl_config *cfg, int argc, char **argv, int verbose)
{
	if (argc > 0)
		return rd_usage_error("serve takes no arguments, got '%s'", argv[0]);
	rd_log_init(verbose >= 2 ? RPL_LOG_DEBUG : verbose ? RPL_LOG_INFO : RPL_LOG_NOTICE);
	signal(SIGPIPE, SIG_IGN);   /* a client gone mid-answer is a write error, not a death */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	struct rd_serve d = { 0 };
	uv_loop_t loop;
	if (uv_loop_init(&loop) != 0) {
		rpl_config_fini(cfg);
		return RD_EXIT_FAILED;
	}
	d.loop = &loop;
	int status = serve_open(&d, cfg);
	if (status >= 0 || serve_listen(&d) < 0) {
		status = status >= 0 ? status : RD_EXIT_FAILED;
		goto out;
	}
	serve_handles(&d);
	char q[1300], qs[600], qz[200];
	rd_log(RPL_LOG_NOTICE, "main", "socket=%s config=%s tables=%zu timezone=%s pid=%d msg=\"listening\"",
	       rd_q(qs, sizeof qs, d.socket_path), rd_q(q, sizeof q, d.config_path), d.cfg->c.n_tables,
	       rd_q(qz, sizeof qz, d.tz.name), (int)getpid());
	rd_notify_ready(&d.notify, &loop, "idle, 0 jobs running");
	rd_jobs_restore(d.jobs);
	rd_sched_start(d.sched);
	serve_status_changed(&d);

	uv_run(&loop, UV_RUN_DEFAULT);
	status = RD_EXIT_OK;
	rd_log(RPL_LOG_NOTICE, "main", "msg=\"stopped\"");
out:
	serve_close(&d);
	return status;
}
