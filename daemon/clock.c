/* daemon/clock.c: the monotonic and wall clocks (see clock.h). */
#include "clock.h"
#include <time.h>

uint64_t
rd_now_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t
rd_now_mono_ms(void)
{
	return rd_now_mono_us() / 1000u;
}

int64_t
rd_now_wall(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

double
rd_now_wall_frac(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
