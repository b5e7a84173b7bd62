/* daemon/ledger_scan.h: reading replicad_jobs in the target at start, on a thread of
 * its own (the loop never touches a database): the recent jobs for job.list, and
 * jobs left 'running' by a process that is gone, to resume. A job whose id names a
 * live replicad process (ids are "<stamp>-<pid>-<rand>") is left alone: a
 * foreground `replicad run` may be loading it right now. pids are reused, so this
 * only ever errs towards not resuming (pgcopydb #692 is why we never trust a pid
 * to say a job is dead). */
#ifndef RD_LEDGER_SCAN_H
#define RD_LEDGER_SCAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "copy.h"

#define RD_LEDGER_SCAN_MAX 100   /* newest jobs read */

/* a partition of a job that a process holds under a lease that has not run out
 * (issue #20: `show` names the owner of each running partition, whichever node) */
struct rd_part_owner {
	char start[12], end[12];     /* the partition's ledger keys */
	char node[256];
	int pid;
	int64_t lease_left_ms;       /* on the database's clock, when the scan read it */
};

/* a control the loop asked to write in the ledger (lib/core/jobctl.h), written by the
 * scan before it reads, so what it reads includes it */
struct rd_ctl_write {
	char id[64];
	int ctl;                     /* enum rpl_jobctl */
};

struct rd_ledger_row {
	char id[64], table[520], kind[20], start[12], end[12], state[20], submitted[36], started[36], finished[36];
	int64_t read, written, rejected;
	int pid;
	bool alive_elsewhere;
	struct rpl_part_account *parts;   /* owned: its partitions from replicad_partitions, in
	                                   * range order, so `show` of a ledger job lists them */
	size_t nparts;
	char control[16];                 /* replicad_jobs.control: "", "run", "pause", "cancel" */
	struct rd_part_owner *owners;     /* owned: its partitions held under a live lease */
	size_t nowners;
};

#define RD_NODES_MAX 64           /* replicad_nodes rows read (cluster.h: status) */

/* a process of replicad_nodes (issue #20): its node, pid, and how long ago its last
 * heartbeat was, on the database's clock */
struct rd_node_row {
	char node[256];
	int pid;
	int64_t age_ms;
};

struct rd_jobs;
struct rd_cfg;
struct rd_msg;

struct rd_ledger_scan {
	struct rd_jobs *jobs;        /* borrowed: where the answer goes */
	struct rd_cfg *cfg;          /* owned reference (released on the loop thread) */
	struct rd_ledger_row *rows;  /* owned, newest first */
	size_t n;
	char error[1200];            /* "" or why the scan failed (password-free) */
	struct rd_msg *msg;          /* owned until posted */
	struct rd_node_row *nodes;   /* owned; with the cluster key: replicad_nodes, whose
	                              * heartbeat row for this process the scan writes */
	size_t nnodes;
	struct rd_ctl_write *ctl;    /* owned: controls to write first (jobs_ctl.c) */
	size_t nctl;
	unsigned ctl_gen;            /* the loop's count of controls asked when the scan began */
	bool merge;                  /* merge the jobs read into the table (at start, in a
	                              * cluster); false: a scan for a control only */
};

/* rd_ledger_scan_new: loop thread. */
struct rd_ledger_scan *rd_ledger_scan_new(struct rd_jobs *jobs, struct rd_cfg *cfg);

/* rd_ledger_scan_run connects to the target and fills rows or error. Scan thread. */
void rd_ledger_scan_run(struct rd_ledger_scan *s);

/* rd_ledger_scan_free: loop thread. */
void rd_ledger_scan_free(struct rd_ledger_scan *s);

#endif
