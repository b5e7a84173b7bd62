/* ctl/print.h: replicactl's readable output of the daemon's answers. Whatever
 * listens on the socket may answer anything: a missing string prints as "-", a
 * number outside ±2^53 as 0 (with one word on stderr naming the key). */
#ifndef CTL_PRINT_H
#define CTL_PRINT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ctl_str: o's string key, or "-"; ctl_num: o's number key as an integer (0 when
 * absent, null or out of range) */
const char *ctl_str(json_t *o, const char *key);
long long ctl_num(json_t *o, const char *key);

/* ctl_fmt_secs writes s seconds as [h:]mm:ss, or "unknown" beyond a thousand days */
void ctl_fmt_secs(double s, char *out, size_t n);

/* ctl_range_text writes a job's range: "all", one day, or "from..to" */
void ctl_range_text(json_t *job, char *out, size_t n);

/* one per answer: daemon.status, job.list, job.get, schedule.list, metrics.get (as
 * a table, or in Prometheus' text format) */
void ctl_print_status(json_t *r);
void ctl_print_jobs(json_t *r);
void ctl_print_job(json_t *j);
void ctl_print_schedule(json_t *r);
void ctl_print_metrics(json_t *r, bool prometheus);

#endif
