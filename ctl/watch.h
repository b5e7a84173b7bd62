/* ctl/watch.h: `replicactl watch JOB`. */
#ifndef CTL_WATCH_H
#define CTL_WATCH_H
#include <stdbool.h>

/* ctl_watch follows job id until it ends and returns the exit status: 0 done, 1
 * failed, cancelled or unreachable for 60 s, 3 done with rejected rows. as_json:
 * print only the final job.get answer. */
int ctl_watch(const char *id, bool as_json);

#endif
