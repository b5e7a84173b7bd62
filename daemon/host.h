/* daemon/host.h: what the service's loop offers the job table (jobs*.c) and the
 * scheduler (schedule.c), and all they may reach of it. They get this by value when
 * they are made and never see struct rd_serve, so the server, its jobs and its
 * schedule form no circle: serve.c knows them, they know only this. Every callback
 * is called on the loop thread and gets data back. */
#ifndef RD_HOST_H
#define RD_HOST_H
#include <stdbool.h>
#include <uv.h>

struct rd_cfg;
struct rd_tz;
struct rd_metrics;

struct rd_host {
	uv_loop_t *loop;                           /* borrowed: the service's loop */
	struct rd_metrics *metrics;                /* borrowed: the service's counters */
	void *data;                                /* passed to each callback */
	struct rd_cfg *(*config)(void *data);      /* the current configuration (borrowed: take a
	                                            * reference to keep it past a reload) */
	const struct rd_tz *(*tz)(void *data);     /* its schedule.timezone */
	bool (*stopping)(void *data);              /* the service is stopping: start nothing */
	void (*changed)(void *data);               /* job counts or progress changed: refresh STATUS= */
	void (*thread_ended)(void *data);          /* a job, scan or order thread was joined: the
	                                            * service may now finish stopping */
};

#endif
