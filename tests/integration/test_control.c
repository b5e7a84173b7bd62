/* tests/integration/test_control.c: pause, resume and cancel given to one node apply
 * on every node, and `show` names the owner of each running partition (issue #20;
 * lib/core/jobctl.h, daemon/jobs_ctl.c). Three `replicad serve` with
 * "cluster": {"lease": "2s"}, each with its own state_dir, socket and node name,
 * share one target (PostgreSQL, then MariaDB). While the test keeps a gate on the
 * target table's inserts shut (it_gate: every load waits at its first row, holding
 * its partition, so the moments below are the ledger's, not a race with a fast
 * machine):
 * 1. a job of twelve monthly partitions of control_t is submitted on node 1; once
 *    the ledger shows each node holding two partitions (one per worker), node 1's
 *    `show` lists a partition owned by node 2, with node 2's name and pid;
 * 2. pause is given to node 2: the ledger's control says pause and every node's
 *    `show` says paused; the gate is opened; then, once every node has beaten its
 *    heartbeat twice more, no claim was added and no partition is done, and the
 *    held partitions' leases are renewed (while paused) with no claim added;
 * 3. resume is given to node 3: the job ends done on every node, target = source;
 * 4. a job of control_u is submitted on node 1, its target table locked: its
 *    loads wait in their range DELETE, before any row (lock_table says why);
 *    once every node holds two partitions of it, cancel is given to node 3: every
 *    node's `show` says cancelling or cancelled; the lock is let go; every node ends
 *    it cancelled, the ledger job too, no partition done, no row in the target.
 * And a `replicad run` beside a service (no cluster key) loading the same job of
 * control_v (PostgreSQL target): paused on the service before the run starts, the
 * run takes no partition and says it holds for the pause; resumed on the service,
 * it loads partitions beside the service, both end, target = source. Cancelled on
 * the service (control_w) while the run holds partitions, the run takes no other
 * partition and exits 1 naming the cancel; the ledger job ends cancelled; a run of
 * the range after that loads it all.
 * Every step waits for what the ledger or a daemon shows, not for a time.
 * argv[1] is replicad, argv[2] replicactl. */
#include "edge.h"
#include "it.h"
#include "ledger.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NODES 3
#define WAIT_MS 600000   /* a deadline for a hang, not a measure of speed */

/* write_node_config: node k's config (the password file it_write_config made) */
static void
write_node_config(int k, const char *dst_odbc, bool cluster)
{
	char pw[1024], at[8];
	snprintf(pw, sizeof pw, "%s", it_tmpfile("it-password"));
	it_node_fresh(k);
	it_nodes_at_later(at);   /* no scheduled job beside the test's */
	char cl[100] = "";   /* without it: claims on one host only, the default lease */
	if (cluster)
		snprintf(cl, sizeof cl, "  \"cluster\": {\"node\": \"node%d\", \"lease\": \"2s\"},\n", k + 1);
	FILE *f = fopen(it_node_cfg(k), "w");
	ck_assert(f != NULL);
	fprintf(f, "{ \"source\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"target\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"tables\": [{\"name\": \"control_t\", \"date_column\": \"d\"}, {\"name\": \"control_u\", \"date_column\": \"d\"},\n"
	           "             {\"name\": \"control_v\", \"date_column\": \"d\"}, {\"name\": \"control_w\", \"date_column\": \"d\"}],\n"
	           "  \"load\": {\"workers\": 2, \"workers_per_table\": 2, \"commit_rows\": 1000, \"chunk_bytes\": \"64KiB\"},\n"
	           "  \"schedule\": {\"t1_at\": \"%s\", \"reference_at\": \"%s\", \"t0_every\": \"24h\"},\n"
	           "%s"
	           "  \"state_dir\": \"%s\", \"socket\": \"%s\" }\n",
	        getenv("RPL_TEST_PG_SRC"), pw, dst_odbc, pw, at, at, cl, it_node_state(k), it_node_sock(k));
	fclose(f);
}

/* wait_show: node k's `show JOB` contains one of want (NULL-ended); the last answer */
static void
wait_show(int k, const char *id, const char *const *want, char *out, size_t n)
{
	char args[128];
	snprintf(args, sizeof args, "show %s", id);
	for (int i = 0;; i++) {
		ck_assert_int_eq(it_node_ctl(k, out, n, args), 0);
		for (size_t w = 0; want[w] != NULL; w++)
			if (strstr(out, want[w]) != NULL)
				return;
		ck_assert_msg(i < WAIT_MS / 50, "node %d's show of %s never said '%s': %.3000s", k + 1, id, want[0], out);
		it_nap_ms(50);
	}
}

/* wait_all_state: every node's `show JOB` says state s (or s2, if not NULL) */
static void
wait_all_state(const char *id, const char *s, const char *s2)
{
	char a[64], b[64], out[16384];
	snprintf(a, sizeof a, "state      %s\n", s);
	snprintf(b, sizeof b, "state      %s\n", s2 != NULL ? s2 : s);
	const char *const want[] = { a, b, NULL };
	for (int k = 0; k < NODES; k++)
		wait_show(k, id, want, out, sizeof out);
}

/* wait_node_holds_pid: the ledger shows process pid holding a partition of job id */
static void
wait_node_holds_pid(struct rpl_conn *dst, const char *id, int pid)
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", id, pid);
	ck_assert_msg(it_wait_query(dst, q, 1, pid, WAIT_MS) >= 1, "process %d never held a partition of %s", pid, id);
}

/* wait_node_holds: the ledger shows node k holding n partitions of job id */
static void
wait_node_holds(struct rpl_conn *dst, const char *id, int k, int n)
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND owner_node = 'node%d'"
	         " AND owner_pid = %d AND lease_until IS NOT NULL AND state <> 'done'", id, k + 1, it_node_pid(k));
	ck_assert_msg(it_wait_query(dst, q, n, it_node_pid(k), WAIT_MS) >= n, "node %d never held %d partitions of %s", k + 1, n,
	              id);
}

/* lock_table keeps every load of t waiting in its DELETE: reads pass, writes wait.
 * Only the cancel of item 4 holds loads this way, not at it_gate: a load held at
 * the gate has its first chunk (more rows than commit_rows) committed once the gate
 * opens, before it looks at the cancel, and item 4 wants no row in the target. */
static void
lock_table(struct rpl_conn *lock, int d, const char *t)
{
	struct rpl_err err = RPL_ERR_INIT;
	char sql[128];
	it_connect(lock, d, "dst");
	if (d == IT_PG) {
		ck_assert(rpl_conn_set_autocommit(lock, false, &err) == 0);
		snprintf(sql, sizeof sql, "LOCK TABLE %s IN EXCLUSIVE MODE", t);
	} else {
		snprintf(sql, sizeof sql, "LOCK TABLES %s READ", t);
	}
	it_exec(lock, sql);
}

static void
unlock_table(struct rpl_conn *lock, int d)
{
	struct rpl_err err = RPL_ERR_INIT;
	if (d == IT_PG)
		ck_assert(rpl_conn_rollback(lock, &err) == 0);
	else
		it_exec(lock, "UNLOCK TABLES");
	rpl_conn_close(lock);
}

/* setup: tables t and u in the PostgreSQL source (24,000 rows over 2024 each) and
 * empty in the target d, no ledger rows for them */
static void
setup(struct rpl_conn *src, struct rpl_conn *dst, int d, const char *t, const char *u)
{
	struct rpl_err err = RPL_ERR_INIT;
	const char *const tables[] = { t, u };
	ck_assert_msg(rpl_ledger_ensure(dst, &err) == 0, "%s", err.msg);
	for (size_t i = 0; i < 2; i++) {
		char sql[400];
		edge_drop(src, tables[i]);
		edge_drop(dst, tables[i]);
		snprintf(sql, sizeof sql, "DELETE FROM replicad_claims WHERE table_name = '%s'", tables[i]);
		it_exec(dst, sql);
		snprintf(sql, sizeof sql, "DELETE FROM replicad_partitions WHERE table_name = '%s'", tables[i]);
		it_exec(dst, sql);
		snprintf(sql, sizeof sql, "DELETE FROM replicad_jobs WHERE table_name = '%s'", tables[i]);
		it_exec(dst, sql);
		snprintf(sql, sizeof sql, "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))", tables[i]);
		it_exec(src, sql);
		snprintf(sql, sizeof sql, "INSERT INTO %s SELECT g, date '2024-01-01' + (g %% 366), md5(g::text)"
		         " FROM generate_series(1, 24000) g", tables[i]);
		it_exec(src, sql);
		snprintf(sql, sizeof sql, d == IT_PG ? "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))"
		                                     : "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40),"
		                                       " KEY %s_d (d)) ENGINE=InnoDB", tables[i], tables[i]);
		it_exec(dst, sql);
	}
}

/* submit: table's 2024 on node 1; the job's id */
static void
submit(const char *table, char id[64])
{
	char out[4096], args[128];
	snprintf(args, sizeof args, "submit %s --from 2024-01-01 --to 2024-12-31", table);
	ck_assert_msg(it_node_ctl(0, out, sizeof out, args) == 0, "submit: %s", out);
	ck_assert_msg(sscanf(out, "submitted %63[^:]", id) == 1, "submit said: %s", out);
}

/* paused_holds: with the job paused on every node and the loads let go, every node
 * beats its heartbeat twice more (each beat also renews its leases); meanwhile no
 * claim is added, no partition is done, and the held ones keep live leases */
static void
paused_holds(struct rpl_conn *dst, const char *id)
{
	char q[700];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE job_id = '%s'", id);
	int64_t claims = it_query_int(dst, q);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND lease_until IS NOT NULL", id);
	int64_t held = it_query_int(dst, q);
	ck_assert_msg(held == 2 * NODES, "%lld partitions held by the three nodes", (long long)held);
	snprintf(q, sizeof q, "SELECT max(lease_until) FROM replicad_partitions WHERE job_id = '%s'", id);
	int64_t lease0 = it_query_int(dst, q);
	snprintf(q, sizeof q, "SELECT max(heartbeat) FROM replicad_nodes WHERE pid IN (%d, %d, %d)", it_node_pid(0), it_node_pid(1), it_node_pid(2));
	int64_t t0 = it_query_int(dst, q);
	/* two beats of each node (every lease/3): its loop and its workers have had time
	 * to claim, had the pause not held them */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_nodes WHERE pid IN (%d, %d, %d) AND heartbeat > %lld",
	         it_node_pid(0), it_node_pid(1), it_node_pid(2), (long long)t0 + 1500);
	ck_assert_msg(it_wait_query(dst, q, NODES, 0, WAIT_MS) >= NODES, "the nodes stopped beating");
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE job_id = '%s'", id);
	ck_assert_int_eq(it_query_int(dst, q), claims);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND state = 'done'", id);
	ck_assert_int_eq(it_query_int(dst, q), 0);
	/* renewed while paused: a paused partition keeps its claim (docs/operations.md),
	 * each lease renewed past the latest one at the pause */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND lease_until > %lld", id,
	         (long long)lease0);
	ck_assert_msg(it_wait_query(dst, q, held, 0, WAIT_MS) == held, "the paused partitions' leases were not renewed");
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE job_id = '%s'", id);
	ck_assert_int_eq(it_query_int(dst, q), claims);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND control = 'pause'", id);
	ck_assert_int_eq(it_query_int(dst, q), 1);
}

/* pause_resume: items 1 to 3 of the header */
static void
pause_resume(struct rpl_conn *dst, int d)
{
	struct it_gate gate;
	char id[64], q[512], out[16384], want[300];
	it_gate_shut(&gate, d, "control_t");
	submit("control_t", id);
	/* each node's two workers wait at the gate: none is claiming when the pause
	 * comes (a claim under way then may take its partition: docs/jobs.md) */
	for (int k = 0; k < NODES; k++)
		wait_node_holds(dst, id, k, 2);
	/* node 1 names node 2 as the owner of a partition node 2 runs */
	snprintf(want, sizeof want, "node node2 pid %d, lease ", it_node_pid(1));
	const char *const owner[] = { want, NULL };
	wait_show(0, id, owner, out, sizeof out);
	ck_assert_msg(strstr(out, "owners     (the ledger, read ") != NULL, "node 1's show: %.3000s", out);
	snprintf(q, sizeof q, "pause %s", id);
	ck_assert_msg(it_node_ctl(1, out, sizeof out, q) == 0, "pause on node 2: %s", out);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND control = 'pause'", id);
	ck_assert(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1);
	wait_all_state(id, "paused", NULL);
	it_gate_open(&gate);
	paused_holds(dst, id);
	snprintf(q, sizeof q, "resume %s", id);
	ck_assert_msg(it_node_ctl(2, out, sizeof out, q) == 0, "resume on node 3: %s", out);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'done'", id);
	ck_assert_msg(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1, "job %s never ended done", id);
	wait_all_state(id, "done", NULL);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND state = 'done'", id);
	ck_assert_int_eq(it_query_int(dst, q), 12);
}

/* cancel_everywhere: item 4 of the header */
static void
cancel_everywhere(struct rpl_conn *dst, int d)
{
	struct rpl_conn lock;
	char id[64], q[512], out[4096];
	lock_table(&lock, d, "control_u");
	submit("control_u", id);
	for (int k = 0; k < NODES; k++)
		wait_node_holds(dst, id, k, 2);
	snprintf(q, sizeof q, "cancel %s", id);
	ck_assert_msg(it_node_ctl(2, out, sizeof out, q) == 0, "cancel on node 3: %s", out);
	wait_all_state(id, "cancelling", "cancelled");
	unlock_table(&lock, d);
	wait_all_state(id, "cancelled", NULL);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'cancelled' AND control = 'cancel'", id);
	ck_assert_msg(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1, "the ledger job %s never ended cancelled", id);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND state = 'done'", id);
	ck_assert_int_eq(it_query_int(dst, q), 0);
	ck_assert_int_eq(it_query_int(dst, "SELECT count(*) FROM control_u"), 0);
}

/* run_pause: a `replicad run` of control_v started while the service's job of it is
 * paused takes nothing until the service resumes it, then loads beside it */
static void
run_pause(struct rpl_conn *src, struct rpl_conn *dst)
{
	struct it_gate gate;
	char id[64], q[512], out[4096], log[1024];
	snprintf(log, sizeof log, "%s", it_tmpfile("control-run-v.log"));
	it_gate_shut(&gate, IT_PG, "control_v");
	submit("control_v", id);
	wait_node_holds_pid(dst, id, it_node_pid(0));
	snprintf(q, sizeof q, "pause %s", id);
	ck_assert_msg(it_node_ctl(0, out, sizeof out, q) == 0, "pause: %s", out);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND control = 'pause'", id);
	ck_assert(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1);
	unlink(log);
	int run = it_spawn_replicad_log(it_nodes_replicad(), it_node_cfg(0), "control_v", "2024-01-01", "2024-12-31", log);
	ck_assert_msg(it_wait_log(log, "job paused (replicad_jobs.control", run, WAIT_MS), "the run never held for the "
	              "pause: see %s", log);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE job_id = '%s' AND owner_pid = %d", id, run);
	ck_assert_int_eq(it_query_int(dst, q), 0);
	snprintf(q, sizeof q, "resume %s", id);
	ck_assert_msg(it_node_ctl(0, out, sizeof out, q) == 0, "resume: %s", out);
	wait_node_holds_pid(dst, id, run);   /* it loads beside the service now */
	it_gate_open(&gate);
	ck_assert_int_eq(it_wait_replicad(run), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'done'", id);
	ck_assert_msg(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1, "job %s never ended done", id);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE job_id = '%s' AND owner_pid = %d AND outcome = 'done'",
	         id, run);
	ck_assert_int_ge(it_query_int(dst, q), 1);
	struct it_dump sa, sb;
	it_dump_table(src, "control_v", "id", &sa);
	it_dump_table(dst, "control_v", "id", &sb);
	ck_assert_int_eq(sa.nrows, 24000);
	it_dump_compare(&sa, &sb, "a run beside a paused and resumed service");
	it_dump_free(&sa);
	it_dump_free(&sb);
}

/* run_cancel: a cancel given to the service stops a `replicad run` of the same job
 * of control_w: it finishes the partitions it holds, takes no other, exits 1. Run
 * again, the range's cancelled job runs afresh (its cancel cleared) and ends done. */
static void
run_cancel(struct rpl_conn *src, struct rpl_conn *dst)
{
	struct it_gate gate;
	char id[64], q[512], out[4096], log[1024];
	snprintf(log, sizeof log, "%s", it_tmpfile("control-run-w.log"));
	it_gate_shut(&gate, IT_PG, "control_w");
	submit("control_w", id);
	wait_node_holds_pid(dst, id, it_node_pid(0));
	unlink(log);
	int run = it_spawn_replicad_log(it_nodes_replicad(), it_node_cfg(0), "control_w", "2024-01-01", "2024-12-31", log);
	wait_node_holds_pid(dst, id, run);
	snprintf(q, sizeof q, "cancel %s", id);
	ck_assert_msg(it_node_ctl(0, out, sizeof out, q) == 0, "cancel: %s", out);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND control = 'cancel'", id);
	ck_assert(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1);
	it_gate_open(&gate);
	ck_assert_int_eq(it_wait_replicad(run), 1);
	ck_assert_msg(it_wait_log(log, "was cancelled by replicactl cancel", 0, 1000), "the run did not say why it "
	              "stopped: see %s", log);
	/* what it held when the cancel came, at most one partition per worker, is all it did */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE job_id = '%s' AND state = 'done'", id);
	ck_assert_int_le(it_query_int(dst, q), 2);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'cancelled'", id);
	ck_assert_msg(it_wait_query(dst, q, 1, 0, WAIT_MS) == 1, "the ledger job %s never ended cancelled", id);
	const char *const want[] = { "state      cancelled\n", NULL };
	wait_show(0, id, want, out, sizeof out);
	int again = it_spawn_replicad_log(it_nodes_replicad(), it_node_cfg(0), "control_w", "2024-01-01", "2024-12-31", log);
	ck_assert_msg(it_wait_replicad(again) == 0, "a run after the cancel failed: see %s", log);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'control_w' AND state = 'done'");
	ck_assert_int_eq(it_query_int(dst, q), 1);
	struct it_dump sa, sb;
	it_dump_table(src, "control_w", "id", &sa);
	it_dump_table(dst, "control_w", "id", &sb);
	it_dump_compare(&sa, &sb, "a run after a cancel");
	it_dump_free(&sa);
	it_dump_free(&sb);
}

START_TEST(test_control_run_beside)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	setup(&src, &dst, IT_PG, "control_v", "control_w");
	const char *dst_odbc = getenv("RPL_TEST_PG_DST");
	it_write_config("control-pw.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "control_v", "d", "{}");   /* the password file */
	write_node_config(0, dst_odbc, false);
	it_node_start(0);
	run_pause(&src, &dst);
	run_cancel(&src, &dst);
	it_node_stop(0);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

static const int targets[] = { IT_PG, IT_MARIADB };

START_TEST(test_control_everywhere)
{
	int d = targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d, "control_t", "control_u");
	const char *dst_odbc = getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST");
	it_write_config("control-pw.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "control_t", "d", "{}");   /* the password file */
	for (int k = 0; k < NODES; k++) {
		write_node_config(k, dst_odbc, true);
		it_node_start(k);
	}
	pause_resume(&dst, d);
	cancel_everywhere(&dst, d);
	for (int k = 0; k < NODES; k++)
		it_node_stop(k);
	struct it_dump sa, sb;
	it_dump_table(&src, "control_t", "id", &sa);
	it_dump_table(&dst, "control_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 24000);
	it_dump_compare(&sa, &sb, d == IT_PG ? "a paused job into postgresql" : "a paused job into mariadb");
	it_dump_free(&sa);
	it_dump_free(&sb);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: test_control REPLICAD REPLICACTL\n");
		return 2;
	}
	it_nodes_init("control", NODES, argv[1], argv[2]);
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");
	tcase_set_timeout(tc, 1800);   /* a deadline for a hang, not a measure of speed */
	tcase_add_loop_test(tc, test_control_everywhere, 0, (int)(sizeof targets / sizeof targets[0]));
	tcase_add_test(tc, test_control_run_beside);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
