/* daemon/slots.h: when the scheduler's slots fall, as pure functions of "now" (UTC
 * seconds) and a time zone, so they can be tested across DST changes without a
 * clock. A daily slot is a local wall time; on the day it does not exist (spring
 * forward inside the gap) it runs when the clocks have jumped, on the day it exists
 * twice (fall back) at its first occurrence. An "every" slot restarts its cadence at
 * each local midnight: with 15m the slots are :00 :15 :30 :45 local. */
#ifndef RD_SLOTS_H
#define RD_SLOTS_H
#include <stdint.h>
#include "tz.h"

/* rd_slot_next_daily: the first instant > now at local time at_min (minutes after midnight). */
int64_t rd_slot_next_daily(const struct rd_tz *tz, int64_t now, int at_min);

/* rd_slot_prev_daily: the last instant <= now at local time at_min. */
int64_t rd_slot_prev_daily(const struct rd_tz *tz, int64_t now, int at_min);

/* rd_slot_next_every: the first instant > now on the grid of every_s seconds counted
 * from local midnight (every_s > 0). */
int64_t rd_slot_next_every(const struct rd_tz *tz, int64_t now, int64_t every_s);

/* rd_slot_today: the local calendar day at now. */
struct rpl_day rd_slot_today(const struct rd_tz *tz, int64_t now);

#endif
