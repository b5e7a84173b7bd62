/* lib/core/plan.c: partition planning (see plan.h). Days are counted with the civil-from-
 * days algorithm, so month ends and leap years need no tables. */
#include "plan.h"
#include <stdio.h>
#include <stdlib.h>

long
rpl_day_to_days(struct rpl_day d)
{
	long y = d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct rpl_day
rpl_day_from_days(long z)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	struct rpl_day r;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct rpl_day
rpl_day_add(struct rpl_day d, long n)
{
	return rpl_day_from_days(rpl_day_to_days(d) + n);
}

int
rpl_day_cmp(struct rpl_day a, struct rpl_day b)
{
	long x = rpl_day_to_days(a), y = rpl_day_to_days(b);
	return x < y ? -1 : x > y;
}

struct rpl_range
rpl_plan_day(struct rpl_day d)
{
	return (struct rpl_range){ .all = false, .start = d, .end = rpl_day_add(d, 1) };
}

int
rpl_plan_months(struct rpl_day from, struct rpl_day to, struct rpl_range **parts,
                size_t *n, struct rpl_err *err)
{
	*parts = NULL;
	*n = 0;
	if (rpl_day_cmp(from, to) > 0)
		return rpl_err_set(err, RPL_EINVAL, "--from %04d-%02d-%02d is after --to %04d-%02d-%02d",
		                   from.y, from.m, from.d, to.y, to.m, to.d);
	size_t cap = (size_t)((to.y - from.y) * 12 + (to.m - from.m) + 1);
	struct rpl_range *p = calloc(cap, sizeof *p);
	if (p == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory planning %zu months", cap);
	struct rpl_day end = rpl_day_add(to, 1);            /* --to is inclusive */
	struct rpl_day cur = from;
	size_t k = 0;
	while (rpl_day_cmp(cur, end) < 0) {
		struct rpl_day next = { cur.m == 12 ? cur.y + 1 : cur.y, cur.m == 12 ? 1 : cur.m + 1, 1 };
		if (rpl_day_cmp(next, end) > 0)
			next = end;
		p[k++] = (struct rpl_range){ .all = false, .start = cur, .end = next };
		cur = next;
	}
	*parts = p;
	*n = k;
	return 0;
}

int
rpl_day_pgtext(long days, long long us, bool utc, char *out, size_t n)
{
	struct rpl_day v = rpl_day_from_days(days);
	char t[64];
	int k = snprintf(t, sizeof t, "%04d-%02d-%02d", v.y > 0 ? v.y : 1 - v.y, v.m, v.d);
	if (us >= 0) {
		long long s = us / 1000000;
		int frac = (int)(us % 1000000), digits = 6;
		k += snprintf(t + k, sizeof t - (size_t)k, " %02lld:%02lld:%02lld", s / 3600 % 24, s / 60 % 60, s % 60);
		for (; frac != 0 && frac % 10 == 0; frac /= 10)
			digits--;
		if (frac != 0)
			k += snprintf(t + k, sizeof t - (size_t)k, ".%0*d", digits, frac);
		if (utc)
			k += snprintf(t + k, sizeof t - (size_t)k, "+00");
	}
	if (v.y < 1)
		k += snprintf(t + k, sizeof t - (size_t)k, " BC");
	snprintf(out, n, "%s", t);
	return k;
}

void
rpl_range_label(const struct rpl_range *r, char *out, size_t n)
{
	if (r->all)
		snprintf(out, n, "all");
	else
		snprintf(out, n, "%04d-%02d-%02d..%04d-%02d-%02d", r->start.y, r->start.m, r->start.d,
		         r->end.y, r->end.m, r->end.d);
}
