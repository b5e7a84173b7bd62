/* daemon/progress.h: `replicad run`'s progress on stderr, a bar on a terminal and a
 * logfmt line otherwise, with an estimate of the time left (issue #18 item 9: the
 * bar had none, `replicactl watch` had one). Pure text: cmd_run.c decides when. */
#ifndef RD_PROGRESS_H
#define RD_PROGRESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* rd_progress_eta: seconds left, paced by the partitions loaded since the pace
 * started (done - base of them in secs; base: the partitions already done then,
 * skipped ones included); -1 when unknown (none loaded yet, or all done). */
double rd_progress_eta(double secs, size_t done, size_t base, size_t nparts);

/* rd_progress_text writes one progress update into out: for a terminal
 * "\r[####    ] 3/12 partitions  1204331 rows  21840 rows/s  ETA 1:05 ", else
 * "progress table=\"sales\" partitions_done=3/12 rows_written=1204331 rows_per_s=21840
 * eta_s=65\n" (eta_s only when known). */
void rd_progress_text(char *out, size_t n, bool tty, const char *table, size_t done, size_t nparts, int64_t rows,
                      double rate, double eta);

#endif
