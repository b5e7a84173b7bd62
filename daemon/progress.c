/* daemon/progress.c: run's progress text (see progress.h). */
#include "progress.h"
#include "dlog.h"
#include <stdio.h>

double
rd_progress_eta(double secs, size_t done, size_t base, size_t nparts)
{
	if (done <= base || done >= nparts || secs <= 0)
		return -1;
	return secs / (double)(done - base) * (double)(nparts - done);
}

static void
eta_text(double eta, char *out, size_t n)
{
	long t = (long)(eta + 0.5);
	if (t >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(out, n, "%ld:%02ld", t / 60, t % 60);
}

void
rd_progress_text(char *out, size_t n, bool tty, const char *table, size_t done, size_t nparts, int64_t rows,
                 double rate, double eta)
{
	char e[32] = "";
	if (tty) {
		int width = 30, fill = (int)(width * (double)done / (double)(nparts ? nparts : 1));
		if (eta >= 0) {
			snprintf(e, sizeof e, "  ETA ");
			eta_text(eta, e + 6, sizeof e - 6);
		}
		snprintf(out, n, "\r[%.*s%*s] %zu/%zu partitions  %lld rows  %.0f rows/s%s ", fill,
		         "##############################", width - fill, "", done, nparts, (long long)rows, rate, e);
		return;
	}
	char q[300];
	if (eta >= 0)
		snprintf(e, sizeof e, " eta_s=%.0f", eta);
	snprintf(out, n, "progress table=%s partitions_done=%zu/%zu rows_written=%lld rows_per_s=%.0f%s\n",
	         rd_q(q, sizeof q, table), done, nparts, (long long)rows, rate, e);
}
