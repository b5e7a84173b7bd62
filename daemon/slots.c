/* daemon/slots.c: slot arithmetic (see slots.h). */
#include "slots.h"

struct rpl_day
rd_slot_today(const struct rd_tz *tz, int64_t now)
{
	struct rpl_day d;
	int s;
	rd_tz_local(tz, now, &d, &s);
	return d;
}

int64_t
rd_slot_next_daily(const struct rd_tz *tz, int64_t now, int at_min)
{
	struct rpl_day d = rd_slot_today(tz, now);
	/* yesterday's slot can still lie ahead when the zone's offset just moved back */
	for (long k = -1; k <= 2; k++) {
		int64_t t = rd_tz_utc(tz, rpl_day_add(d, k), at_min * 60);
		if (t > now)
			return t;
	}
	return rd_tz_utc(tz, rpl_day_add(d, 3), at_min * 60);
}

int64_t
rd_slot_prev_daily(const struct rd_tz *tz, int64_t now, int at_min)
{
	struct rpl_day d = rd_slot_today(tz, now);
	for (long k = 1; k >= -2; k--) {
		int64_t t = rd_tz_utc(tz, rpl_day_add(d, k), at_min * 60);
		if (t <= now)
			return t;
	}
	return rd_tz_utc(tz, rpl_day_add(d, -3), at_min * 60);
}

int64_t
rd_slot_next_every(const struct rd_tz *tz, int64_t now, int64_t every_s)
{
	struct rpl_day d = rd_slot_today(tz, now);
	int64_t m0 = rd_tz_utc(tz, d, 0), m1 = rd_tz_utc(tz, rpl_day_add(d, 1), 0);
	if (m0 > now)   /* midnight itself skipped by a gap: start of the day is later */
		return m0;
	int64_t t = m0 + ((now - m0) / every_s + 1) * every_s;
	return t < m1 ? t : m1;
}
