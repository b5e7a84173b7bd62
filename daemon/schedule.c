/* daemon/schedule.c: the scheduler (see schedule.h). */
#include "schedule.h"
#include "cfg.h"
#include "clock.h"
#include "dlog.h"
#include "jobs.h"
#include "slots.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { SLOT_T1, SLOT_T0, SLOT_REF, NSLOTS };
static const char *const slot_names[NSLOTS] = { "t1", "t0", "reference" };

struct rd_sched {
	struct rd_host host;     /* the service, as far as the scheduler may reach it */
	struct rd_jobs *jobs;    /* borrowed: where slots submit */
	uv_timer_t timer;
	bool timer_on;
	int64_t next[NSLOTS];   /* UTC seconds; 0 = disabled */
	int64_t last[NSLOTS];   /* last firing; 0 = never recorded */
};

static const struct rpl_config *
sched_cfg(const struct rd_sched *s)
{
	return &s->host.config(s->host.data)->c;
}

static const struct rd_tz *
sched_tz(const struct rd_sched *s)
{
	return s->host.tz(s->host.data);
}

static void
sched_save(struct rd_sched *s)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof path, "%s/schedule.json", sched_cfg(s)->state_dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	json_t *o = json_pack("{s:I,s:I,s:I}", "t1", (json_int_t)s->last[SLOT_T1], "t0", (json_int_t)s->last[SLOT_T0],
	                      "reference", (json_int_t)s->last[SLOT_REF]);
	if (o == NULL || json_dump_file(o, tmp, 0) != 0 || rename(tmp, path) != 0) {
		char q[4300];
		rd_log(RPL_LOG_WARNING, "sched", "file=%s msg=\"cannot record the schedule's last runs\"", rd_q(q, sizeof q, path));
		unlink(tmp);
	}
	json_decref(o);
}

static void
sched_load(struct rd_sched *s)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/schedule.json", sched_cfg(s)->state_dir);
	json_t *o = json_load_file(path, 0, NULL);
	for (int i = 0; i < NSLOTS; i++)
		s->last[i] = o != NULL ? (int64_t)json_integer_value(json_object_get(o, slot_names[i])) : 0;
	json_decref(o);
}

static void
compute_next(struct rd_sched *s, int64_t now)
{
	const struct rpl_schedule_config *c = &sched_cfg(s)->schedule;
	const struct rd_tz *tz = sched_tz(s);
	s->next[SLOT_T1] = rd_slot_next_daily(tz, now, c->t1_at_min);
	s->next[SLOT_T0] = c->t0_every_s > 0 ? rd_slot_next_every(tz, now, c->t0_every_s) : 0;
	s->next[SLOT_REF] = rd_slot_next_daily(tz, now, c->reference_at_min);
}

/* fire submits the slot's jobs: every date-based table (t1, t0) or reference table;
 * then holds them until the target's foreign keys between their tables are read, so
 * that each starts after its parent tables' jobs have ended (rd_jobs_order). */
static void
fire(struct rd_sched *s, int slot, int64_t now)
{
	const struct rpl_config *cfg = sched_cfg(s);
	char q[600];
	struct rd_job **group = calloc(cfg->n_tables ? cfg->n_tables : 1, sizeof *group);
	size_t n_group = 0;
	s->last[slot] = now;
	for (size_t i = 0; i < cfg->n_tables; i++) {
		const struct rpl_table_config *t = &cfg->tables[i];
		bool dated = t->date_column != NULL;
		if ((slot == SLOT_REF) == dated)
			continue;
		char name[600];
		if (t->schema != NULL)
			snprintf(name, sizeof name, "%s.%s", t->schema, t->name);
		else
			snprintf(name, sizeof name, "%s", t->name);
		struct rd_job *busy = rd_jobs_active_origin(s->jobs, name, slot_names[slot]);
		if (busy != NULL) {
			rd_log(RPL_LOG_NOTICE, "sched", "slot=%s table=%s job=%s msg=\"previous run still unfinished: slot skipped\"",
			       slot_names[slot], rd_q(q, sizeof q, name), busy->id);
			continue;
		}
		struct rd_job_req req = { .table = name, .origin = slot_names[slot],
		                          .range = { .t1 = slot == SLOT_T1, .t0 = slot == SLOT_T0, .full = slot == SLOT_REF,
		                                     .dashes = "" },
		                          .ordering = group != NULL };
		struct rd_job *job;
		struct rd_rpc_error e = { 0 };
		if (rd_jobs_submit(s->jobs, &req, &job, &e) == 0) {
			rd_log(RPL_LOG_INFO, "sched", "slot=%s table=%s job=%s msg=\"submitted\"", slot_names[slot],
			       rd_q(q, sizeof q, name), job->id);
			if (job->ordering)
				group[n_group++] = job;
		} else {
			char qe[700];
			rd_log(e.code == RD_RPC_DUPLICATE ? RPL_LOG_NOTICE : RPL_LOG_WARNING, "sched", "slot=%s table=%s msg=%s",
			       slot_names[slot], rd_q(q, sizeof q, name), rd_q(qe, sizeof qe, e.message));
			json_decref(e.data);
		}
	}
	if (n_group > 0)
		rd_jobs_order(s->jobs, group, n_group);   /* releases them, ordered or not */
	free(group);
}

static void sched_on_timer(uv_timer_t *t);

static void
arm(struct rd_sched *s, int64_t now)
{
	int64_t soonest = 0;
	for (int i = 0; i < NSLOTS; i++)
		if (s->next[i] != 0 && (soonest == 0 || s->next[i] < soonest))
			soonest = s->next[i];
	int64_t delay_s = soonest - now;
	if (delay_s > 60)
		delay_s = 60;   /* look again soon: the wall clock may have been set */
	if (delay_s < 0)
		delay_s = 0;
	uv_timer_start(&s->timer, sched_on_timer, (uint64_t)delay_s * 1000 + 50, 0);
}

static void
sched_on_timer(uv_timer_t *t)
{
	struct rd_sched *s = t->data;
	if (s->host.stopping(s->host.data))
		return;
	int64_t now = rd_now_wall();
	bool fired = false;
	for (int i = 0; i < NSLOTS; i++) {
		if (s->next[i] != 0 && s->next[i] <= now) {
			fire(s, i, now);
			fired = true;
		}
	}
	if (fired)
		sched_save(s);
	compute_next(s, now);
	arm(s, now);
}

struct rd_sched *
rd_sched_new(const struct rd_host *host, struct rd_jobs *jobs)
{
	struct rd_sched *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	s->host = *host;
	s->jobs = jobs;
	if (uv_timer_init(host->loop, &s->timer) != 0) {
		free(s);
		return NULL;
	}
	s->timer.data = s;
	s->timer_on = true;
	return s;
}

int
rd_sched_start(struct rd_sched *s)
{
	int64_t now = rd_now_wall();
	const struct rpl_schedule_config *c = &sched_cfg(s)->schedule;
	const struct rd_tz *tz = sched_tz(s);
	sched_load(s);
	bool save = false;
	int at[NSLOTS] = { c->t1_at_min, -1, c->reference_at_min };
	for (int i = 0; i < NSLOTS; i++) {
		if (s->last[i] == 0) {
			s->last[i] = now;   /* a first start records, it does not catch up */
			save = true;
		} else if (at[i] >= 0 && s->last[i] < rd_slot_prev_daily(tz, now, at[i])) {
			char q[64];
			rd_tz_format(tz, rd_slot_prev_daily(tz, now, at[i]), q, sizeof q);
			rd_log(RPL_LOG_NOTICE, "sched", "slot=%s missed=%s msg=\"missed while stopped: running it now\"",
			       slot_names[i], q);
			fire(s, i, now);
			save = true;
		}
	}
	if (save)
		sched_save(s);
	compute_next(s, now);
	arm(s, now);
	return 0;
}

void
rd_sched_reconfigure(struct rd_sched *s)
{
	int64_t now = rd_now_wall();
	compute_next(s, now);
	arm(s, now);
}

void
rd_sched_close(struct rd_sched *s)
{
	if (s->timer_on) {
		s->timer_on = false;
		uv_close((uv_handle_t *)&s->timer, NULL);   /* embedded: freed with s */
	}
}

void
rd_sched_free(struct rd_sched *s)
{
	free(s);
}

json_t *
rd_sched_json(const struct rd_sched *s)
{
	const struct rpl_config *cfg = sched_cfg(s);
	const struct rd_tz *tz = sched_tz(s);
	json_t *slots = json_array();
	char at[3][32];
	snprintf(at[0], sizeof at[0], "%02d:%02d", cfg->schedule.t1_at_min / 60, cfg->schedule.t1_at_min % 60);
	snprintf(at[2], sizeof at[2], "%02d:%02d", cfg->schedule.reference_at_min / 60, cfg->schedule.reference_at_min % 60);
	for (int i = 0; i < NSLOTS && slots != NULL; i++) {
		json_t *tables = json_array();
		for (size_t k = 0; k < cfg->n_tables; k++)
			if ((cfg->tables[k].date_column != NULL) == (i != SLOT_REF))
				json_array_append_new(tables, json_string(cfg->tables[k].name));
		char next[64] = "", last[64] = "";
		if (s->next[i] != 0)
			rd_tz_format(tz, s->next[i], next, sizeof next);
		if (s->last[i] != 0)
			rd_tz_format(tz, s->last[i], last, sizeof last);
		json_t *o = json_pack("{s:s,s:o,s:o,s:o}", "slot", slot_names[i], "tables", tables,
		                      "next", s->next[i] ? json_string(next) : json_null(),
		                      "last", s->last[i] ? json_string(last) : json_null());
		if (i == SLOT_T0)
			json_object_set_new(o, "every_s", json_integer(cfg->schedule.t0_every_s));
		else
			json_object_set_new(o, "at", json_string(at[i]));
		json_array_append_new(slots, o);
	}
	return json_pack("{s:s,s:o}", "timezone", tz->name, "slots", slots);
}
