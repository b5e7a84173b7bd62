/* daemon/range.c: from the range as given to the ledger's kind and the partitions
 * (see range.h). `run` and the service planned ranges each in their own code, with
 * two parse_day; this is the one left (issue #16). */
#include "range.h"
#include "slots.h"
#include "units.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
rd_range_check(const struct rd_range_opts *o, struct rpl_err *err)
{
	const char *dd = o->dashes != NULL ? o->dashes : "";
	int kinds = (o->from != NULL || o->to != NULL) + (o->day != NULL) + o->t0 + o->t1 + o->full;
	if (kinds != 1)
		return rpl_err_set(err, RPL_EINVAL, "give exactly one of %sfrom/%sto, %sday, %st0, %st1, %sfull", dd, dd, dd,
		                   dd, dd, dd);
	if ((o->from != NULL) != (o->to != NULL))
		return rpl_err_set(err, RPL_EINVAL, "%sfrom and %sto go together", dd, dd);
	return 0;
}

/* parse_day reads the date s of argument name, or says which argument is wrong */
static int
parse_day(const struct rd_range_opts *o, const char *name, const char *s, struct rpl_day *d, struct rpl_err *err)
{
	if (s == NULL || !rpl_parse_date(s, &d->y, &d->m, &d->d))
		return rpl_err_set(err, RPL_EINVAL, "%s%s '%s': expected a date YYYY-MM-DD", o->dashes ? o->dashes : "", name,
		                   s ? s : "");
	return 0;
}

void
rd_range_fmt_day(struct rpl_day d, char out[11])
{
	char buf[40];
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.y, d.m, d.d);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* plan_backfill: calendar months, refused past the limit before any is allocated, so
 * a range of a million years costs nothing */
static int
plan_backfill(const struct rd_range_opts *o, const struct rd_range_env *env, struct rd_range_plan *p,
              struct rpl_err *err)
{
	struct rpl_day f, t;
	if (parse_day(o, "from", o->from, &f, err) < 0 || parse_day(o, "to", o->to, &t, err) < 0)
		return RPL_EINVAL;
	long months = ((long)t.y - f.y) * 12 + (t.m - f.m) + 1;
	if (env->max_partitions > 0 && months > env->max_partitions) {
		p->wanted = months;
		return rpl_err_set(err, RPL_EINVAL, "%s..%s would make %ld partitions, more than limits.max_partitions (%d)",
		                   o->from, o->to, months, env->max_partitions);
	}
	if (rpl_plan_months(f, t, &p->parts, &p->nparts, err) < 0)
		return err->code != RPL_OK ? err->code : RPL_EINVAL;
	snprintf(p->kind, sizeof p->kind, "backfill");
	rd_range_fmt_day(f, p->from);
	rd_range_fmt_day(t, p->to);
	return 0;
}

static int
plan_day(const struct rd_range_opts *o, const struct rd_range_env *env, struct rd_range_plan *p, struct rpl_err *err)
{
	struct rpl_day day;
	if (o->day != NULL) {
		if (parse_day(o, "day", o->day, &day, err) < 0)
			return RPL_EINVAL;
	} else {
		RPL_REQUIRE(env->tz != NULL);
		day = rpl_day_add(rd_slot_today(env->tz, env->now), o->t1 ? -1 : 0);
	}
	p->parts = malloc(sizeof *p->parts);
	if (p->parts == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	p->parts[0] = rpl_plan_day(day);
	p->nparts = 1;
	snprintf(p->kind, sizeof p->kind, "day");
	rd_range_fmt_day(day, p->from);
	return 0;
}

int
rd_range_plan(const struct rd_range_opts *o, const struct rd_range_env *env, struct rd_range_plan *p,
              struct rpl_err *err)
{
	memset(p, 0, sizeof *p);
	if (rd_range_check(o, err) < 0)
		return RPL_EINVAL;
	if (!o->full && !env->has_date)
		return rpl_err_set(err, RPL_EINVAL, "table '%s' has no date_column%s%s: only %sfull applies", env->table,
		                   env->config_path ? " in " : "", env->config_path ? env->config_path : "",
		                   o->dashes ? o->dashes : "");
	if (o->from != NULL)
		return plan_backfill(o, env, p, err);
	if (!o->full)
		return plan_day(o, env, p, err);
	p->parts = calloc(1, sizeof *p->parts);
	if (p->parts == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	p->parts[0].all = true;
	p->nparts = 1;
	snprintf(p->kind, sizeof p->kind, "full");
	return 0;
}

void
rd_range_plan_fini(struct rd_range_plan *p)
{
	free(p->parts);
	p->parts = NULL;
	p->nparts = 0;
}
