/* tests/integration/test_cluster.c: cluster mode (issue #20): four `replicad serve`,
 * each with its own state_dir, socket and node name, the same target ledger and
 * "cluster": {"lease": "2s"}, share one job of twelve monthly partitions, into
 * PostgreSQL and into MariaDB. The job is submitted on node 1; the same range
 * submitted on node 2 at once, without waiting for node 2 to read the ledger, is refused with
 * -32005 and the job's id; the others join it from the ledger, and a submit there
 * once node 2 has joined is refused too. While the test keeps a gate on the target table's inserts shut
 * (it_gate), which keeps every load waiting (so the moments below are the ledger's, not a race with a fast
 * machine), node 3 is killed (SIGKILL) while the ledger shows it holding a
 * partition, and started again, and node 4 is stopped (SIGSTOP) while it holds one;
 * the gate is opened, and node 4 is continued once the ledger shows another owner
 * for its partition. The job must
 * finish with the target equal to the source, each partition done once, the work
 * spread over several nodes, and node 4's partition done by another node, never by
 * node 4; `replicactl status` on node 1 lists the four nodes and their heartbeats,
 * and node 2's metrics name node 2.
 * test_cluster_own_jobs_join: two nodes each with a job of their own for one range
 * (as a schedule slot firing on both makes them) make one ledger job.
 * Every step waits for what the ledger or a daemon shows, not for a time.
 * argv[1] is replicad, argv[2] replicactl. */
#include "edge.h"
#include "it.h"
#include "ledger.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODES 4

/* write_node_config: node k's config, the password file it_write_config made */
static void
write_node_config(int k, const char *dst_odbc)
{
	char pw[1024], at[8];
	snprintf(pw, sizeof pw, "%s", it_tmpfile("it-password"));
	it_node_fresh(k);
	it_nodes_at_later(at);
	FILE *f = fopen(it_node_cfg(k), "w");
	ck_assert(f != NULL);
	fprintf(f, "{ \"source\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"target\": {\"odbc\": \"%s\", \"password_file\": \"%s\"},\n"
	           "  \"tables\": [{\"name\": \"cluster_t\", \"date_column\": \"d\"}],\n"
	           "  \"load\": {\"workers\": 2, \"workers_per_table\": 2, \"commit_rows\": 1000, \"chunk_bytes\": \"64KiB\"},\n"
	           "  \"schedule\": {\"t1_at\": \"%s\", \"reference_at\": \"%s\", \"t0_every\": \"24h\"},\n"
	           "  \"cluster\": {\"node\": \"node%d\", \"lease\": \"2s\"},\n"
	           "  \"state_dir\": \"%s\", \"socket\": \"%s\" }\n",
	        getenv("RPL_TEST_PG_SRC"), pw, dst_odbc, pw, at, at, k + 1, it_node_state(k), it_node_sock(k));
	fclose(f);
}

/* wait_holding: the range_start of a partition node k's process holds under a live
 * lease, once the ledger shows one */
static void
wait_holding(struct rpl_conn *dst, int k, char out[16])
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'cluster_t' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", it_node_pid(k));
	ck_assert_msg(it_wait_query(dst, q, 1, it_node_pid(k), 900000) >= 1, "node %d never held a partition", k + 1);
	snprintf(q, sizeof q, "SELECT min(range_start) FROM replicad_partitions WHERE table_name = 'cluster_t'"
	         " AND owner_pid = %d AND lease_until IS NOT NULL AND state <> 'done'", it_node_pid(k));
	it_query_str(dst, q, out, 16);
}

/* wait_status_nodes: node 1's `replicactl status` lists the four nodes with their
 * heartbeats, once its reads of the ledger have seen them all */
static void
wait_status_nodes(void)
{
	char out[8192];
	for (int i = 0;; i++) {
		ck_assert_int_eq(it_node_ctl(0, out, sizeof out, "status"), 0);
		bool all = strstr(out, "cluster   node node1, lease 2s") != NULL;
		for (int k = 0; k < NODES && all; k++) {
			char want[64];
			snprintf(want, sizeof want, "  node node%d pid ", k + 1);
			all = strstr(out, want) != NULL;
		}
		if (all && strstr(out, "heartbeat ") != NULL)
			return;
		ck_assert_msg(i < 12000, "node 1's status never listed the four nodes: %s", out);
		it_nap_ms(50);
	}
}

/* check_history: one ledger job, its twelve partitions done once each, no two claims
 * of one partition overlapping, the work on several nodes, and the stopped process's
 * partition p4 taken from it (its claim stopped_claim expired), never done by that claim */
static void
check_history(struct rpl_conn *dst, int d, const char *p4, int stopped, int stopped_claim)
{
	char q[700], claims[8192];
	it_query_str(dst, d == IT_PG
		? "SELECT string_agg(range_start || ' #' || claim_no || ' ' || owner_node || '/' || owner_pid || ' '"
		  " || COALESCE(outcome, '-'), '; ' ORDER BY range_start, claim_no) FROM replicad_claims"
		  " WHERE table_name = 'cluster_t'"
		: "SELECT GROUP_CONCAT(CONCAT(range_start, ' #', claim_no, ' ', owner_node, '/', owner_pid, ' ',"
		  " COALESCE(outcome, '-')) ORDER BY range_start, claim_no SEPARATOR '; ') FROM replicad_claims"
		  " WHERE table_name = 'cluster_t'", claims, sizeof claims);
	ck_assert_int_eq(it_query_int(dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'cluster_t'"), 1);
	ck_assert_int_eq(it_query_int(dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'cluster_t'"
	                                   " AND state = 'done'"), 12);
	int64_t done = it_query_int(dst, "SELECT count(*) FROM replicad_claims WHERE table_name = 'cluster_t' AND outcome = 'done'");
	ck_assert_msg(done == 12, "%lld claims ended done, not 12: %s", (long long)done, claims);
	ck_assert_int_eq(it_query_int(dst, "SELECT count(DISTINCT range_start) FROM replicad_claims WHERE table_name = 'cluster_t'"
	                                   " AND outcome = 'done'"), 12);
	ck_assert_int_eq(it_query_int(dst, "SELECT count(*) FROM replicad_claims x JOIN replicad_claims y"
	                                   " ON x.job_id = y.job_id AND x.table_name = y.table_name AND x.range_start = y.range_start"
	                                   " AND x.claim_no < y.claim_no WHERE x.table_name = 'cluster_t'"
	                                   " AND (x.released_at IS NULL OR y.claimed_at < x.released_at)"), 0);
	int64_t nodes = it_query_int(dst, "SELECT count(DISTINCT owner_node) FROM replicad_claims WHERE table_name = 'cluster_t'"
	                                  " AND outcome = 'done'");
	ck_assert_msg(nodes >= 2, "the work was not spread: %lld node(s) did it all", (long long)nodes);
	/* the claim it held while stopped ended expired, and the one done came after
	 * another node's: taken over, never done by the stopped claim. The continued
	 * node may claim p4 again later, lawfully, if the new owner's lease also ran out
	 * (a loaded machine, a 2 s lease): that claim is a new one. */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'cluster_t' AND range_start = '%s'"
	         " AND claim_no = %d AND owner_pid = %d AND outcome = 'expired'", p4, stopped_claim, stopped);
	ck_assert_msg(it_query_int(dst, q) == 1, "claim #%d of %s by %d did not end expired: %s", stopped_claim, p4, stopped,
	              claims);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'cluster_t' AND range_start = '%s'"
	         " AND claim_no = %d AND owner_pid <> %d", p4, stopped_claim + 1, stopped);
	ck_assert_msg(it_query_int(dst, q) == 1, "claim #%d of %s was not another node's: %s", stopped_claim + 1, p4, claims);
}

/* setup: cluster_t in the PostgreSQL source (60,000 rows over 2024) and an empty one in
 * the target d, no ledger rows for it */
static void
setup(struct rpl_conn *src, struct rpl_conn *dst, int d)
{
	struct rpl_err err = RPL_ERR_INIT;
	edge_drop(src, "cluster_t");
	edge_drop(dst, "cluster_t");
	ck_assert_msg(rpl_ledger_ensure(dst, &err) == 0, "%s", err.msg);
	it_exec(dst, "DELETE FROM replicad_claims WHERE table_name = 'cluster_t'");
	it_exec(dst, "DELETE FROM replicad_partitions WHERE table_name = 'cluster_t'");
	it_exec(dst, "DELETE FROM replicad_jobs WHERE table_name = 'cluster_t'");
	it_exec(src, "CREATE TABLE cluster_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	it_exec(src, "INSERT INTO cluster_t SELECT g, date '2024-01-01' + (g % 366), md5(g::text), g * 1.125"
	             " FROM generate_series(1, 60000) g");
	it_exec(dst, d == IT_PG ? "CREATE TABLE cluster_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))"
	                        : "CREATE TABLE cluster_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3),"
	                          " KEY cluster_t_d (d)) ENGINE=InnoDB");
}

/* wait_holding_now: what node k's process holds at this moment ("" if nothing) */
static void
wait_holding_now(struct rpl_conn *dst, int k, char out[16])
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'cluster_t' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", it_node_pid(k));
	out[0] = '\0';
	if (it_query_int(dst, q) > 0)
		wait_holding(dst, k, out);
}

static const int targets[] = { IT_PG, IT_MARIADB };

/* json_str: the string member key of the JSON text j into out ("" if none) */
static void
json_str(const char *j, const char *key, char *out, size_t n)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":", key);   /* the first one: the job's own, not its account's */
	const char *p = strstr(j, pat);
	out[0] = '\0';
	if (p == NULL)
		return;
	p += strlen(pat) + strspn(p + strlen(pat), " ");   /* replicactl --json prints "key": "value" */
	if (*p == '"')
		snprintf(out, n, "%.*s", (int)strcspn(p + 1, "\""), p + 1);
}

/* Two nodes each with a job of their own for one range, as a schedule slot firing
 * on both makes (a held submit is not put in the ledger either), started at once:
 * one ledger job, both nodes' jobs on it (the same ledger id), each partition done
 * once. Whichever node opens first makes the job; the other joins it. */
START_TEST(test_cluster_own_jobs_join)
{
	int d = targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d);
	const char *dst_odbc = getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST");
	it_write_config("cluster-pw.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "cluster_t", "d", "{}");
	char out[8192], ids[2][64], q[512];
	for (int k = 0; k < 2; k++) {
		write_node_config(k, dst_odbc);
		it_node_start(k);
		it_node_rpc(k, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"job.submit\",\"params\":{\"table\":\"cluster_t\","
		            "\"from\":\"2024-01-01\",\"to\":\"2024-03-31\",\"hold\":true}}", out, sizeof out);
		json_str(out, "job", ids[k], sizeof ids[k]);
		ck_assert_msg(ids[k][0] != '\0', "node %d's held submit said: %s", k + 1, out);
	}
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'cluster_t'"), 0);
	/* no load ends before both nodes have opened their job: a job done before the
	 * other node's open would leave nothing unfinished to join */
	struct it_gate gate;
	it_gate_shut(&gate, d, "cluster_t");
	for (int k = 0; k < 2; k++) {
		snprintf(q, sizeof q, "resume %s", ids[k]);
		ck_assert_msg(it_node_ctl(k, out, sizeof out, q) == 0, "resume on node %d: %s", k + 1, out);
	}
	char lid[2][64];
	for (int k = 0; k < 2; k++)
		for (int i = 0;; i++) {   /* each node's job has its ledger id */
			snprintf(q, sizeof q, "show %s --json", ids[k]);
			ck_assert_int_eq(it_node_ctl(k, out, sizeof out, q), 0);
			json_str(out, "ledger_id", lid[k], sizeof lid[k]);
			if (lid[k][0] != '\0')
				break;
			ck_assert_msg(i < 2400, "node %d's job never opened in the ledger: %.3000s", k + 1, out);
			it_nap_ms(50);
		}
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'cluster_t'"), 1);
	ck_assert_str_eq(lid[0], lid[1]);
	it_gate_open(&gate);
	for (int k = 0; k < 2; k++)
		for (int i = 0;; i++) {   /* each node's job ends, done */
			snprintf(q, sizeof q, "show %s --json", ids[k]);
			ck_assert_int_eq(it_node_ctl(k, out, sizeof out, q), 0);
			char st[32];
			json_str(out, "state", st, sizeof st);
			if (strcmp(st, "done") == 0)
				break;
			ck_assert_msg(strcmp(st, "failed") != 0 && i < 2400, "node %d's job: %.3000s", k + 1, out);
			it_nap_ms(50);
		}
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'cluster_t'"), 1);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'done'", lid[0]);
	ck_assert_int_eq(it_query_int(&dst, q), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims WHERE table_name = 'cluster_t'"
	                                    " AND outcome = 'done'"), 3);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(DISTINCT range_start) FROM replicad_claims"
	                                    " WHERE table_name = 'cluster_t' AND outcome = 'done'"), 3);
	for (int k = 0; k < 2; k++)
		it_node_stop(k);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

START_TEST(test_cluster_job)
{
	int d = targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d);
	const char *dst_odbc = getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST");
	it_write_config("cluster-pw.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "cluster_t", "d", "{}");   /* the password file */
	for (int k = 0; k < NODES; k++) {
		write_node_config(k, dst_odbc);
		it_node_start(k);
	}
	/* every load waits at the gate until it is opened */
	struct it_gate gate;
	it_gate_shut(&gate, d, "cluster_t");
	char out[8192], id[64] = "", q[512];
	ck_assert_msg(it_node_ctl(0, out, sizeof out, "submit cluster_t --from 2024-01-01 --to 2024-12-31") == 0, "submit: %s", out);
	ck_assert_msg(sscanf(out, "submitted %63[^:]", id) == 1, "submit said: %s", out);
	/* the same range submitted on node 2 at once, before node 2 has read the ledger
	 * since: refused with the job's id all the same (the submit asks the ledger) */
	ck_assert_int_eq(it_node_ctl(1, out, sizeof out, "submit cluster_t --from 2024-01-01 --to 2024-12-31"), 1);
	ck_assert_msg(strstr(out, "-32005") != NULL && strstr(out, id) != NULL, "a submit at once on node 2 said: %s", out);
	/* node 2 joins the job from the ledger; then the same range there is a duplicate */
	for (int i = 0;; i++) {
		ck_assert_int_eq(it_node_ctl(1, out, sizeof out, "jobs"), 0);
		if (strstr(out, id) != NULL)
			break;
		ck_assert_msg(i < 12000, "node 2 never joined job %s: %s", id, out);
		it_nap_ms(50);
	}
	ck_assert_int_eq(it_node_ctl(1, out, sizeof out, "submit cluster_t --from 2024-01-01 --to 2024-12-31"), 1);
	ck_assert_msg(strstr(out, "-32005") != NULL && strstr(out, id) != NULL, "a duplicate on node 2 said: %s", out);
	/* node 3 killed while it holds a partition, and started again */
	char p3[16], p4[16];
	wait_holding(&dst, 2, p3);
	it_node_kill(2);
	it_node_start(2);
	/* node 4 stopped while it holds one; continued once another node owns it */
	int stopped = it_node_pid(3);
	for (;;) {   /* stopped holding a partition, and no ledger row lock (it_ledger_rows_locked) */
		wait_holding(&dst, 3, p4);
		ck_assert_msg(it_stop(stopped), "node 4 ended before it could be stopped");
		wait_holding_now(&dst, 3, p4);
		if (p4[0] != '\0' && !it_ledger_rows_locked(&dst, d, "cluster_t"))
			break;
		kill(stopped, SIGCONT);
	}
	snprintf(q, sizeof q, "SELECT claim_no FROM replicad_partitions WHERE table_name = 'cluster_t' AND range_start = '%s'",
	         p4);
	int stopped_claim = (int)it_query_int(&dst, q);
	/* nodes 3 and 4 hold partitions now (the others too, or wait to); let the loads go */
	it_gate_open(&gate);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'cluster_t' AND range_start = '%s'"
	         " AND (owner_pid <> %d OR state = 'done')", p4, stopped);
	ck_assert_msg(it_wait_query(&dst, q, 1, 0, 900000) >= 1, "partition %s of the stopped node was never taken over", p4);
	kill(stopped, SIGCONT);
	/* the job ends, on every node */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_jobs WHERE id = '%s' AND state = 'done'", id);
	ck_assert_msg(it_wait_query(&dst, q, 1, 0, 1500000) >= 1, "job %s never finished", id);
	check_history(&dst, d, p4, stopped, stopped_claim);
	wait_status_nodes();
	/* each node's metrics name it, and count the cluster's live processes */
	ck_assert_int_eq(it_node_ctl(1, out, sizeof out, "metrics --prometheus"), 0);
	ck_assert_msg(strstr(out, "replicad_cluster_node_info{node=\"node2\"} 1") != NULL, "node 2's metrics: %.3000s", out);
	ck_assert_msg(strstr(out, "replicad_cluster_processes{state=\"live\"} ") != NULL, "node 2's metrics: %.3000s", out);
	for (int k = 0; k < NODES; k++)
		it_node_stop(k);
	struct it_dump sa, sb;
	it_dump_table(&src, "cluster_t", "id", &sa);
	it_dump_table(&dst, "cluster_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 60000);
	it_dump_compare(&sa, &sb, d == IT_PG ? "a cluster into postgresql" : "a cluster into mariadb");
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
		fprintf(stderr, "usage: test_cluster REPLICAD REPLICACTL\n");
		return 2;
	}
	it_nodes_init("cluster", NODES, argv[1], argv[2]);
	Suite *s = suite_create("cluster");
	TCase *tc = tcase_create("cluster");
	tcase_set_timeout(tc, 3000);   /* a deadline for a hang, not a measure of speed */
	tcase_add_loop_test(tc, test_cluster_job, 0, (int)(sizeof targets / sizeof targets[0]));
	tcase_add_loop_test(tc, test_cluster_own_jobs_join, 0, (int)(sizeof targets / sizeof targets[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
