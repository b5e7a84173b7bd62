/* tests/integration/test_fence.c: fencing (issue #20, lib/core/fence.h): a process
 * stopped while it holds a partition is always taken over, and never marks it done.
 * 1. A ledger without the load-session columns (as before fencing) gets them in
 *    place from rpl_ledger_ensure, its rows kept; PostgreSQL, MariaDB, SQLite.
 * 2. Into PostgreSQL and into MariaDB, a re-run (the target already holds the
 *    rows, stale): run A is stopped (SIGSTOP) in the middle of its first partition's
 *    transaction, after its range DELETE and its rows, holding the lock of its
 *    done-mark on the partition's ledger row, so that every other claimer's SKIP
 *    LOCKED skips that row and any load of that range waits on A's row locks. The
 *    moment is forced, not met by luck: the test itself holds a lock of a row of the
 *    range (A's DELETE waits on it), then the ledger row (A's done-mark waits on it),
 *    stops A while the database shows A waiting there, and lets go. Run B must then
 *    take the partition over once A's lease ("2s") ran out, ending A's load session,
 *    load it and finish, while A is still stopped; A, continued, finds its
 *    connection gone, says `skipped` for that partition and exits 0. Each partition
 *    done once, the stopped one by B; A never marked it done; target = source.
 *    Every wait is on what the database shows, never on time.
 * 3. The library alone (rpl_claim_take), into PostgreSQL and MariaDB: a session of
 *    the test plays an owner whose lease ran out and that holds its partition's
 *    ledger row locked. With a recorded tag that session does not carry, the claim
 *    ends nothing (UNPROVEN) and the session lives on; with its own tag, the claim
 *    ends it (ENDED), and a later claim takes the partition over from that owner.
 * 4. Into PostgreSQL and MariaDB, a run's load session is ended (pg_terminate_backend,
 *    KILL CONNECTION) while its load waits at a gate and its claim holds: the run
 *    reconnects, says the databases answer (never "database unreachable"), tries the
 *    partition again as the same attempt, as after an outage, and finishes; target =
 *    source.
 * argv[1] is the replicad binary. */
#include "claim.h"
#include "edge.h"
#include "fence.h"
#include "it.h"
#include "ledger.h"
#include "sbuf.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *replicad_bin;

static const int upgrade_engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };

START_TEST(test_upgrade_load_session)
{
	struct rpl_conn dst;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&dst, upgrade_engines[_i], "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'fence_up'");
	/* the ledger as it was before fencing: no load_session, no load_tag */
	it_exec(&dst, "ALTER TABLE replicad_partitions DROP COLUMN load_session");
	it_exec(&dst, "ALTER TABLE replicad_partitions DROP COLUMN load_tag");
	it_exec(&dst, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts,"
	              " owner_node, owner_pid, claim_no) VALUES ('j-up', 'fence_up', '2024-01-01', '2024-02-01', 'running', 2,"
	              " 'n1', 77, 3)");
	for (int round = 0; round < 2; round++)   /* the second finds nothing to add */
		ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s: round %d: %s", it_engine_names[upgrade_engines[_i]],
		              round, err.msg);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_up'"
	                                    " AND state = 'running' AND attempts = 2 AND owner_node = 'n1' AND owner_pid = 77"
	                                    " AND claim_no = 3 AND load_session IS NULL AND load_tag IS NULL"), 1);
	it_exec(&dst, "UPDATE replicad_partitions SET load_session = 12, load_tag = 'x|1' WHERE table_name = 'fence_up'");
	ck_assert_int_eq(it_query_int(&dst, "SELECT load_session FROM replicad_partitions WHERE table_name = 'fence_up'"), 12);
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'fence_up'");
	rpl_conn_close(&dst);
}
END_TEST

/* setup: fence_t in the PostgreSQL source (900 rows over three months) and in target
 * d holding the same keys with stale values (a re-run: the range DELETEs lock rows);
 * the ledger's rows for it cleared */
static void
setup(struct rpl_conn *src, struct rpl_conn *dst, int d)
{
	struct rpl_err err = RPL_ERR_INIT;
	edge_drop(src, "fence_t");
	edge_drop(dst, "fence_t");
	ck_assert_msg(rpl_ledger_ensure(dst, &err) == 0, "%s", err.msg);
	it_exec(dst, "DELETE FROM replicad_claims WHERE table_name = 'fence_t'");
	it_exec(dst, "DELETE FROM replicad_partitions WHERE table_name = 'fence_t'");
	it_exec(dst, "DELETE FROM replicad_jobs WHERE table_name = 'fence_t'");
	it_exec(src, "CREATE TABLE fence_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
	it_exec(src, "INSERT INTO fence_t SELECT g, date '2024-01-01' + (g % 91), md5(g::text) FROM generate_series(1, 900) g");
	if (d == IT_PG) {
		it_exec(dst, "CREATE TABLE fence_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
		it_exec(dst, "INSERT INTO fence_t SELECT g, date '2024-01-01' + (g % 91), 'stale' FROM generate_series(1, 900) g");
	} else {
		it_exec(dst, "CREATE TABLE fence_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), KEY fence_t_d (d))"
		             " ENGINE=InnoDB");
		it_exec(dst, "INSERT INTO fence_t SELECT seq, DATE_ADD('2024-01-01', INTERVAL seq % 91 DAY), 'stale'"
		             " FROM seq_1_to_900");
	}
}

/* same_as_source: fence_t in target d holds the source's 900 rows, value by value */
static void
same_as_source(struct rpl_conn *src, struct rpl_conn *dst, int d, const char *what)
{
	struct it_dump sa, sb;
	char label[128];
	snprintf(label, sizeof label, "%s, into %s", what, d == IT_PG ? "postgresql" : "mariadb");
	it_dump_table(src, "fence_t", "id", &sa);
	it_dump_table(dst, "fence_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 900);
	it_dump_compare(&sa, &sb, label);
	it_dump_free(&sa);
	it_dump_free(&sb);
}

/* waiting_sql: a query that is 1 while session sess of the target (A's load session,
 * as the ledger recorded it) is in a statement beginning with prefix (a LIKE pattern)
 * and waits on a lock: PostgreSQL says so; MariaDB's PROCESSLIST shows the statement
 * running, which for a statement the test's own lock stops is the same (INNODB_TRX
 * did not list a READ COMMITTED wait) */
static void
waiting_sql(int d, long long sess, const char *prefix, char *q, size_t n)
{
	if (d == IT_PG)
		snprintf(q, n, "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld AND wait_event_type = 'Lock'"
		         " AND query LIKE '%s'", sess, prefix);
	else
		snprintf(q, n, "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = %lld AND COMMAND = 'Query'"
		         " AND INFO LIKE '%s'", sess, prefix);
}

/* lock_one: a transaction of c's that holds the lock of the rows sql selects */
static void
lock_one(struct rpl_conn *c, const char *sql)
{
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_set_autocommit(c, false, &err) == 0, "%s", err.msg);
	ck_assert(it_query_int(c, sql) >= 1);
}

static void
unlock(struct rpl_conn *c)
{
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_rollback(c, &err) == 0, "%s", err.msg);
	ck_assert_msg(rpl_conn_set_autocommit(c, true, &err) == 0, "%s", err.msg);
}

/* stop_in_done_mark starts run A and stops it while its first partition's
 * transaction holds its rows and its done-mark's lock of the ledger row; returns A */
static int
stop_in_done_mark(struct rpl_conn *dst, int d, const char *cfg, const char *la)
{
	struct rpl_conn t1, t2;
	char q[512];
	it_connect(&t1, d, "dst");
	it_connect(&t2, d, "dst");
	if (d == IT_MARIADB) {   /* as replicad's own sessions: no gap locks beyond the rows named */
		it_exec(&t1, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
		it_exec(&t2, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
	}
	lock_one(&t1, "SELECT id FROM fence_t WHERE id = 91 FOR UPDATE");   /* 2024-01-01 */
	unlink(la);
	int a = it_spawn_replicad_log(replicad_bin, cfg, "fence_t", "2024-01-01", "2024-03-31", la);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t' AND range_start = '2024-01-01'"
	         " AND owner_pid = %d AND load_session IS NOT NULL", a);
	ck_assert_msg(it_wait_query(dst, q, 1, a, 120000) >= 1, "run A never recorded its load session for 2024-01-01");
	snprintf(q, sizeof q, "SELECT load_session FROM replicad_partitions WHERE table_name = 'fence_t'"
	         " AND range_start = '2024-01-01' AND owner_pid = %d", a);
	long long sess = (long long)it_query_int(dst, q);
	waiting_sql(d, sess, "DELETE%", q, sizeof q);
	ck_assert_msg(it_wait_query(dst, q, 1, a, 120000) >= 1, "run A's range DELETE never waited on the test's lock");
	char job[128], lk[512];
	it_query_str(dst, "SELECT job_id FROM replicad_partitions WHERE table_name = 'fence_t' AND range_start = '2024-01-01'",
	             job, sizeof job);
	snprintf(lk, sizeof lk, "SELECT claim_no FROM replicad_partitions WHERE job_id = '%s' AND table_name = 'fence_t'"
	         " AND range_start = '2024-01-01' FOR UPDATE", job);
	lock_one(&t2, lk);
	unlock(&t1);   /* A deletes, loads, and comes to its done-mark, which waits on t2 */
	waiting_sql(d, sess, "UPDATE replicad_partitions SET state = ''done''%", q, sizeof q);
	ck_assert_msg(it_wait_query(dst, q, 1, a, 120000) >= 1, "run A's done-mark never waited on the ledger row");
	/* stopped means every thread stopped: one that kill() did not reach yet would
	 * commit the done-mark as soon as the test lets go of the ledger row */
	ck_assert_msg(it_stop(a), "run A ended before it could be stopped");
	unlock(&t2);   /* A's done-mark goes through on the server; A cannot commit it */
	if (d == IT_PG)
		snprintf(q, sizeof q, "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld AND state = 'idle in transaction'"
		         " AND query LIKE 'UPDATE replicad_partitions SET state = ''done''%%'", sess);
	else
		snprintf(q, sizeof q, "SELECT count(*) FROM information_schema.PROCESSLIST p JOIN information_schema.INNODB_TRX t"
		         " ON t.trx_mysql_thread_id = p.ID WHERE p.ID = %lld AND p.COMMAND = 'Sleep'", sess);
	if (it_wait_query(dst, q, 1, -1, 120000) < 1) {   /* what A's session does instead */
		char what[2048];
		if (d == IT_PG)
			snprintf(q, sizeof q, "SELECT concat_ws(' | ', state, wait_event_type, wait_event, left(query, 300),"
			         " (SELECT string_agg(b.pid || ' ' || b.state || ' ' || left(b.query, 200), '; ') FROM pg_stat_activity b"
			         " WHERE b.pid = ANY(pg_blocking_pids(a.pid)))) FROM pg_stat_activity a WHERE pid = %lld", sess);
		else
			snprintf(q, sizeof q, "SELECT CONCAT_WS(' | ', COMMAND, STATE, LEFT(INFO, 300)) FROM"
			         " information_schema.PROCESSLIST WHERE ID = %lld", sess);
		it_query_str(dst, q, what, sizeof what);
		ck_abort_msg("run A's done-mark did not go through on the server: its session: %s", what);
	}
	rpl_conn_close(&t1);
	rpl_conn_close(&t2);
	return a;
}

static const int run_targets[] = { IT_PG, IT_MARIADB };

START_TEST(test_stopped_taken_over)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d);
	char cfg[1024], la[1024], lb[1024], q[512];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("fence.json", getenv("RPL_TEST_PG_SRC"),
	         getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"), "fence_t", "d", "{\"workers\": 1}"));
	it_config_add(cfg, "\"cluster\": {\"lease\": \"2s\"},");
	snprintf(la, sizeof la, "%s", it_tmpfile(d == IT_PG ? "fence-pg-a.log" : "fence-my-a.log"));
	snprintf(lb, sizeof lb, "%s", it_tmpfile(d == IT_PG ? "fence-pg-b.log" : "fence-my-b.log"));
	int a = stop_in_done_mark(&dst, d, cfg, la);
	/* B starts once A's lease has run out on the database's clock (a MariaDB A also
	 * holds the next-key lock on the first row past its month, on which B's load of
	 * the next month would wait: B's first claim, of A's month, ends A's session) */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t'"
	         " AND range_start = '2024-01-01' AND owner_pid = %d AND lease_until < %s", a,
	         d == IT_PG ? "CAST(floor(extract(epoch from clock_timestamp()) * 1000) AS bigint)"
	                    : "CAST(floor(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000) AS SIGNED)");
	ck_assert_msg(it_wait_query(&dst, q, 1, -1, 120000) >= 1, "run A's lease never ran out");
	unlink(lb);
	int b = it_spawn_replicad_log(replicad_bin, cfg, "fence_t", "2024-01-01", "2024-03-31", lb);
	/* B loads the partition A holds while A is still stopped, and finishes */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t'"
	         " AND range_start = '2024-01-01' AND state = 'done' AND owner_pid = %d", b);
	if (it_wait_query(&dst, q, 1, b, 120000) < 1) {
		kill(b, SIGKILL);   /* nothing of this case may outlive it */
		kill(a, SIGKILL);
		kill(a, SIGCONT);
		it_wait_replicad(b);
		it_wait_replicad(a);
		ck_abort_msg("run B did not take over and load the partition the stopped run A held (B's log: %s)", lb);
	}
	ck_assert_msg(it_wait_replicad(b) == 0, "run B failed (its log: %s)", lb);
	ck_assert_msg(it_file_has(lb, "fenced: ended the load session"), "B's log does not say it ended A's session");
	kill(a, SIGCONT);
	ck_assert_int_eq(it_wait_replicad(a), 0);
	ck_assert_msg(it_file_has(la, "range=2024-01-01..2024-02-01 state=skipped"), "run A does not say it skipped 2024-01-01");
	ck_assert_msg(it_file_has(la, "claim lost: the partition was taken over"), "run A does not say its claim was lost");
	/* what the server said as it ended A's session went to A's log, not bare to stderr */
	ck_assert_msg(!it_file_has(la, "\nFATAL"), "run A's stderr has a line replicad did not write (%s)", la);
	ck_assert_msg(it_file_has(lb, "range=2024-01-01..2024-02-01 state=done"), "run B does not say it loaded 2024-01-01");
	/* A's claim ended expired, never done; every partition done once, by one claim */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'fence_t' AND owner_pid = %d"
	         " AND outcome = 'done'", a);
	ck_assert_int_eq(it_query_int(&dst, q), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'fence_t' AND owner_pid = %d"
	         " AND range_start = '2024-01-01' AND outcome = 'expired'", a);
	ck_assert_int_eq(it_query_int(&dst, q), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims WHERE table_name = 'fence_t'"
	                                    " AND outcome = 'done'"), 3);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(DISTINCT range_start) FROM replicad_claims"
	                                    " WHERE table_name = 'fence_t' AND outcome = 'done'"), 3);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t'"
	                                    " AND state = 'done'"), 3);
	same_as_source(&src, &dst, d, "a stopped run fenced");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A load session ended while its process is alive and its claim holds (an
 * administrator's KILL, or a fencing sweep after the owner's renewals failed): the
 * run reconnects, says so, and tries the partition again; it does not take the
 * databases, which answer, for unreachable (no outage wait), and finishes */
START_TEST(test_session_ended_reachable)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup(&src, &dst, d);
	char cfg[1024], la[1024], q[512];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("fence-kill.json", getenv("RPL_TEST_PG_SRC"),
	         getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"), "fence_t", "d", "{\"workers\": 1}"));
	snprintf(la, sizeof la, "%s", it_tmpfile(d == IT_PG ? "fence-kill-pg.log" : "fence-kill-my.log"));
	unlink(la);
	struct it_gate gate;
	it_gate_shut(&gate, d, "fence_t");
	int a = it_spawn_replicad_log(replicad_bin, cfg, "fence_t", "2024-01-01", "2024-03-31", la);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t' AND range_start = '2024-01-01'"
	         " AND owner_pid = %d AND load_session IS NOT NULL", a);
	ck_assert_msg(it_wait_query(&dst, q, 1, a, 120000) >= 1, "run A never recorded its load session for 2024-01-01");
	snprintf(q, sizeof q, "SELECT load_session FROM replicad_partitions WHERE table_name = 'fence_t'"
	         " AND range_start = '2024-01-01' AND owner_pid = %d", a);
	long long sess = (long long)it_query_int(&dst, q);
	/* its load waits at the gate, on the session the ledger recorded (MariaDB: its
	 * LOAD DATA runs, or the gate's trigger in it, which PROCESSLIST shows in its
	 * place; INNODB_TRX once missed such a wait for all of its 50 s) */
	if (d == IT_PG)
		snprintf(q, sizeof q, "SELECT count(*) FROM pg_stat_activity WHERE pid = %lld AND wait_event_type = 'Lock'", sess);
	else
		snprintf(q, sizeof q, "SELECT count(*) FROM information_schema.PROCESSLIST WHERE ID = %lld AND COMMAND = 'Query'"
		         " AND (INFO LIKE 'LOAD DATA%%' OR INFO LIKE 'SET @it_gate%%')", sess);
	if (it_wait_query(&dst, q, 1, a, 120000) < 1) {   /* what the sessions do instead */
		char what[4096];
		it_query_str(&dst, d == IT_PG ? "SELECT string_agg(pid || ' ' || coalesce(state, '') || ' ' || left(query, 60), '; ')"
		                                " FROM pg_stat_activity WHERE datname = current_database()"
		                              : "SELECT GROUP_CONCAT(CONCAT_WS(' ', ID, COMMAND, LEFT(INFO, 60)) SEPARATOR '; ')"
		                                " FROM information_schema.PROCESSLIST", what, sizeof what);
		ck_abort_msg("run A's load never waited at the gate on session %lld: %s", sess, what);
	}
	snprintf(q, sizeof q, d == IT_PG ? "SELECT pg_terminate_backend(%lld)" : "KILL CONNECTION %lld", sess);
	if (d == IT_PG)
		ck_assert_int_eq(it_query_int(&dst, q), 1);
	else
		it_exec(&dst, q);
	it_gate_open(&gate);
	ck_assert_msg(it_wait_replicad(a) == 0, "run A failed after its load session was ended (its log: %s)", la);
	ck_assert_msg(it_file_has(la, "connection lost while the databases answer"),
	              "run A does not say its session was ended while the databases answer (%s)", la);
	ck_assert_msg(!it_file_has(la, "database unreachable"), "run A took a reachable database for unreachable (%s)", la);
	ck_assert_msg(!it_file_has(la, "\nFATAL"), "run A's stderr has a line replicad did not write (%s)", la);
	/* waited as an outage is: the attempt is not spent */
	ck_assert_int_eq(it_query_int(&dst, "SELECT attempts FROM replicad_partitions WHERE table_name = 'fence_t'"
	                                    " AND range_start = '2024-01-01'"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'fence_t'"
	                                    " AND state = 'done'"), 3);
	same_as_source(&src, &dst, d, "a load session ended");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* holder_record: session h (its engine d) records itself as the load session of the
 * row of owner o, claim 1, as a worker does, and commits */
static void
holder_record(struct rpl_conn *h, const struct rpl_owner *o, const struct rpl_range *jan)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_fence_name_sql(h->dialect, o, &b);
	if (b.len > 0)
		it_exec(h, rpl_sbuf_str(&b));
	rpl_sbuf_reset(&b);
	rpl_fence_start_sql(h->dialect, o, "j-fence-u", "fence_u", jan, 1, 1, &b);
	it_exec(h, rpl_sbuf_str(&b));
	rpl_sbuf_fini(&b);
}

START_TEST(test_fence_proven_only)
{
	int d = run_targets[_i];
	struct rpl_conn dst, h;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_owner other, me;
	struct rpl_claim cl;
	const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
	const char lock[] = "SELECT claim_no FROM replicad_partitions WHERE job_id = 'j-fence-u' AND table_name = 'fence_u'"
	                    " AND range_start = '2024-01-01' FOR UPDATE";
	it_connect(&dst, d, "dst");
	it_connect(&h, d, "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	it_exec(&dst, "DELETE FROM replicad_claims WHERE job_id = 'j-fence-u'");
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE job_id = 'j-fence-u'");
	/* an owner whose lease ran out long ago (lease_until 1 ms after 1970) */
	it_exec(&dst, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts,"
	              " owner_node, owner_pid, lease_until, claim_no) VALUES ('j-fence-u', 'fence_u', '2024-01-01',"
	              " '2024-02-01', 'running', 1, 'fence-other', 1, 1, 1)");
	rpl_owner_init(&other, "fence-other");
	other.pid = 1;
	rpl_owner_init(&me, "fence-me");
	holder_record(&h, &other, &jan);
	int64_t sess = it_query_int(&dst, "SELECT load_session FROM replicad_partitions WHERE job_id = 'j-fence-u'");
	ck_assert_int_gt(sess, 0);
	/* a tag the session does not carry: never ended */
	it_exec(&dst, "UPDATE replicad_partitions SET load_tag = 'someone else|1' WHERE job_id = 'j-fence-u'");
	lock_one(&h, lock);
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "j-fence-u", "fence_u", &jan, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_HELD);
	ck_assert_int_eq(cl.fenced, RPL_FENCE_UNPROVEN);
	ck_assert_int_eq(it_query_int(&h, "SELECT 7"), 7);   /* alive, its transaction open */
	unlock(&h);
	/* its own tag: ended, its lock goes, and the partition is taken over */
	holder_record(&h, &other, &jan);
	lock_one(&h, lock);
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "j-fence-u", "fence_u", &jan, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_HELD);
	ck_assert_int_eq(cl.fenced, RPL_FENCE_ENDED);
	ck_assert_int_eq(cl.fence_session, sess);
	for (int i = 0; cl.state != RPL_CLAIM_TAKEN; i++) {   /* the ended session's rollback lets the row go */
		ck_assert_msg(i < 2400, "the partition was never taken over after its owner's session was ended");
		it_nap_ms(50);
		ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "j-fence-u", "fence_u", &jan, &cl, &err) == 0, "%s", err.msg);
	}
	ck_assert(cl.took_over);
	ck_assert_str_eq(cl.holder.node, "fence-other");
	int64_t v = 0;
	bool found = false;
	struct rpl_err herr = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_query_int64(&h, "SELECT 7", &v, &found, &herr) < 0, "the ended session still answers");
	it_exec(&dst, "DELETE FROM replicad_claims WHERE job_id = 'j-fence-u'");
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE job_id = 'j-fence-u'");
	rpl_conn_close(&h);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	replicad_bin = argc > 1 ? argv[1] : "replicad";
	Suite *s = suite_create("fence");
	TCase *tc = tcase_create("fence");
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, test_upgrade_load_session, 0, (int)(sizeof upgrade_engines / sizeof upgrade_engines[0]));
	tcase_add_loop_test(tc, test_stopped_taken_over, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	tcase_add_loop_test(tc, test_fence_proven_only, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	tcase_add_loop_test(tc, test_session_ended_reachable, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
