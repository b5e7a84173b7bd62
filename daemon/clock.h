/* daemon/clock.h: the daemon's one reader of each clock. Durations (timeouts, rates,
 * a command's elapsed time, systemd's MONOTONIC_USEC) use the monotonic clock, which
 * a changed wall clock does not move; times people read (submitted, started, a
 * table's last success) use the wall clock, in UTC. Any thread. */
#ifndef RD_CLOCK_H
#define RD_CLOCK_H
#include <stdint.h>

/* rd_now_mono_us: CLOCK_MONOTONIC in microseconds (what sd_notify's MONOTONIC_USEC wants). */
uint64_t rd_now_mono_us(void);

/* rd_now_mono_ms: CLOCK_MONOTONIC in milliseconds. */
uint64_t rd_now_mono_ms(void);

/* rd_now_wall: UTC seconds since the epoch. */
int64_t rd_now_wall(void);

/* rd_now_wall_frac: UTC seconds since the epoch with a fraction (metrics' timestamps). */
double rd_now_wall_frac(void);

#endif
