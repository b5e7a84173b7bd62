/* daemon/clock.h: the daemon's one reader of each clock, and its one spelling of a
 * time as text. Durations (timeouts, rates,
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

/* rd_time_iso writes t (UTC seconds) as "YYYY-MM-DDTHH:MM:SSZ": the form of the
 * ledger's times and of the protocol's. */
void rd_time_iso(int64_t t, char out[32]);

/* rd_time_from_iso reads that form back as UTC seconds; 0 when s is NULL or anything
 * else (nothing may follow the Z). */
int64_t rd_time_from_iso(const char *s);

/* rd_sleep_ms sleeps ms milliseconds on this thread (never the loop's). */
void rd_sleep_ms(long ms);

#endif
