/* tests/integration/test_claims.c: claims on partitions (issue #20, lib/core/claim.h).
 * 1. A ledger made before claims existed (its DDL as ledger.c had it then), with a
 *    job, a done and a running partition and a saved index in it, is upgraded in
 *    place by the first rpl_ledger_ensure: every row and value is still there, the
 *    claim columns and tables exist; a second ensure changes nothing; the job's
 *    control column (jobctl.h) works: a pause or cancel written there keeps claims
 *    from taking anything, and a cancel is final. PostgreSQL, MariaDB and SQLite
 *    targets.
 * 2. Two `replicad run` of one six-month range on one host, into PostgreSQL and into
 *    MariaDB: run A is stopped (SIGSTOP) once the ledger shows it holding a
 *    partition; run C with --no-wait then loads what nobody holds, fails (exit 1) on
 *    what A holds and names A's pid; run B waits for A's partitions (its log says
 *    so; or takes them over, when A's 30 s lease ran out first), then A is continued. All end; the claim history shows no two claims of one
 *    partition overlapping in time and each partition done once, by A or C; the
 *    target equals the source value by value. Nothing here waits a fixed time: each
 *    step waits for what the ledger or a log shows.
 * 3. A lease that runs out ("cluster": {"lease": "2s"}): run A is stopped while the
 *    ledger shows it holding a partition; run B loads the rest, then takes A's
 *    partition over once A's lease ran out (the ledger shows B as its owner); A is
 *    continued, and its next commit of that partition finds its claim gone and rolls
 *    back (commits every 2,000 rows into PostgreSQL; into MariaDB only the done-mark's
 *    commit, so both checks are crossed). A's claim ends 'expired', B's 'done'; A
 *    never marks it done; both runs exit 0; target = source.
 * argv[1] is the replicad binary. */
#include "claim.h"
#include "jobctl.h"
#include "edge.h"
#include "it.h"
#include "ledger.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *replicad_bin;

/* the ledger's DDL before issue #20 (ledger.c at commit 85a1f15) */
static const char *const old_ddl[] = {
	"CREATE TABLE replicad_jobs ("
	" id varchar(64) NOT NULL PRIMARY KEY, table_name varchar(512) NOT NULL, kind varchar(16) NOT NULL,"
	" range_start varchar(10) NOT NULL, range_end varchar(10) NOT NULL, state varchar(16) NOT NULL,"
	" submitted_at varchar(32) NOT NULL, started_at varchar(32), finished_at varchar(32),"
	" rows_read bigint, rows_written bigint, rows_rejected bigint)",
	"CREATE TABLE replicad_partitions ("
	" job_id varchar(64) NOT NULL, table_name varchar(512) NOT NULL, range_start varchar(10) NOT NULL,"
	" range_end varchar(10) NOT NULL, state varchar(16) NOT NULL, attempts integer NOT NULL,"
	" rows_read bigint, rows_written bigint, rows_rejected bigint, bytes bigint,"
	" ms_delete bigint, ms_disable_idx bigint, ms_insert bigint, ms_commit bigint,"
	" ms_rebuild_idx bigint, ms_total bigint, last_error varchar(2000), updated_at varchar(32),"
	" PRIMARY KEY (job_id, table_name, range_start))",
	"CREATE TABLE replicad_indexes ("
	" table_name varchar(512) NOT NULL, index_name varchar(256) NOT NULL, definition varchar(4000) NOT NULL,"
	" saved_at varchar(32) NOT NULL, PRIMARY KEY (table_name, index_name))",
};

static void
drop_ledger(struct rpl_conn *c)
{
	static const char *const t[] = { "replicad_claims", "replicad_nodes", "replicad_partitions", "replicad_jobs",
	                                 "replicad_indexes" };
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", t[i]);
		it_exec(c, sql);
	}
}

static const int upgrade_engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };

/* check_control: the upgraded ledger's job has a control column (jobctl.h), empty
 * for the old job; a pause written there keeps a claim from taking the partition, a
 * cancel fails it, and a resume written after the cancel does not undo it */
static void
check_control(struct rpl_conn *dst)
{
	static const char job[] = "20240101T000000Z-1-abcd";
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_owner other;
	struct rpl_claim cl;
	struct rpl_range feb = { .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } };
	enum rpl_jobctl c;
	rpl_owner_init(&other, "control-test");
	ck_assert_int_eq(it_query_int(dst, "SELECT count(*) FROM replicad_jobs WHERE control IS NULL"), 1);
	ck_assert_msg(rpl_jobctl_read(dst, job, &c, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(c, RPL_JOBCTL_NONE);
	it_exec(dst, "UPDATE replicad_partitions SET lease_until = NULL");   /* feb is free again */
	static const struct { enum rpl_jobctl set, want; int claim; } steps[] = {
		{ RPL_JOBCTL_PAUSE, RPL_JOBCTL_PAUSE, RPL_CLAIM_PAUSED },
		{ RPL_JOBCTL_CANCEL, RPL_JOBCTL_CANCEL, RPL_CLAIM_CANCELLED },
		{ RPL_JOBCTL_RUN, RPL_JOBCTL_CANCEL, RPL_CLAIM_CANCELLED },   /* a cancel is final */
	};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		int64_t rows = -1;
		ck_assert_msg(rpl_jobctl_set(dst, job, steps[i].set, &rows, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(rows, steps[i].set == RPL_JOBCTL_RUN ? 0 : 1);
		ck_assert_msg(rpl_jobctl_read(dst, job, &c, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(c, steps[i].want);
		ck_assert_msg(rpl_claim_take(dst, &other, 30000, job, "sales", &feb, &cl, &err) == 0, "%s", err.msg);
		ck_assert_int_eq(cl.state, steps[i].claim);
	}
	/* nothing was taken: the claim of the upgrade check is still the last one */
	ck_assert_int_eq(it_query_int(dst, "SELECT max(claim_no) FROM replicad_claims"), 1);
}

START_TEST(test_upgrade_in_place)
{
	struct rpl_conn dst;
	it_connect(&dst, upgrade_engines[_i], "dst");
	drop_ledger(&dst);
	for (size_t i = 0; i < sizeof old_ddl / sizeof old_ddl[0]; i++)
		it_exec(&dst, old_ddl[i]);
	it_exec(&dst, "INSERT INTO replicad_jobs VALUES ('20240101T000000Z-1-abcd', 'sales', 'backfill', '2024-01-01',"
	              " '2024-03-01', 'running', '2024-01-01T00:00:00Z', '2024-01-01T00:00:01Z', NULL, 10, 9, 1)");
	it_exec(&dst, "INSERT INTO replicad_partitions VALUES ('20240101T000000Z-1-abcd', 'sales', '2024-01-01', '2024-02-01',"
	              " 'done', 2, 10, 9, 1, 4096, 1, 2, 3, 4, 5, 15, 'HY000 first try failed', '2024-01-01T00:00:02Z')");
	it_exec(&dst, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts)"
	              " VALUES ('20240101T000000Z-1-abcd', 'sales', '2024-02-01', '2024-03-01', 'running', 1)");
	it_exec(&dst, "INSERT INTO replicad_indexes VALUES ('sales', 'sales_s', 'CREATE INDEX sales_s ON sales (s)',"
	              " '2024-01-01T00:00:00Z')");
	struct rpl_err err = RPL_ERR_INIT;
	for (int round = 0; round < 2; round++)   /* the second finds nothing to add */
		ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s: round %d: %s", it_engine_names[upgrade_engines[_i]],
		              round, err.msg);
	char v[256];
	it_query_str(&dst, "SELECT state FROM replicad_jobs WHERE id = '20240101T000000Z-1-abcd'", v, sizeof v);
	ck_assert_str_eq(v, "running");
	ck_assert_int_eq(it_query_int(&dst, "SELECT rows_rejected FROM replicad_jobs"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions"), 2);
	it_query_str(&dst, "SELECT last_error FROM replicad_partitions WHERE range_start = '2024-01-01'", v, sizeof v);
	ck_assert_str_eq(v, "HY000 first try failed");
	ck_assert_int_eq(it_query_int(&dst, "SELECT ms_total + bytes FROM replicad_partitions WHERE state = 'done'"), 4111);
	it_query_str(&dst, "SELECT definition FROM replicad_indexes", v, sizeof v);
	ck_assert_str_eq(v, "CREATE INDEX sales_s ON sales (s)");
	/* the new columns, empty for the old rows */
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE owner_node IS NULL"
	                                    " AND owner_pid IS NULL AND lease_until IS NULL AND claim_no IS NULL"
	                                    " AND claim_commits IS NULL"), 2);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_claims"), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_nodes"), 0);
	/* and they work: the old running partition (no owner) is claimed, the done one is not */
	struct rpl_owner me;
	rpl_owner_init(&me, "upgrade-test");
	struct rpl_claim cl;
	struct rpl_range feb = { .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } };
	struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "20240101T000000Z-1-abcd", "sales", &feb, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_TAKEN);
	ck_assert_int_eq(cl.claim_no, 1);
	ck_assert_int_eq(cl.attempts, 1);
	ck_assert_msg(rpl_claim_take(&dst, &me, 30000, "20240101T000000Z-1-abcd", "sales", &jan, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_DONE);
	it_query_str(&dst, "SELECT owner_node FROM replicad_claims WHERE range_start = '2024-02-01' AND claim_no = 1", v, sizeof v);
	ck_assert_str_eq(v, "upgrade-test");
	check_control(&dst);
	drop_ledger(&dst);   /* the next tests make the ledger afresh */
	rpl_conn_close(&dst);
}
END_TEST

/* A process whose claim was taken over writes nothing on the partition's row: its
 * retry's start, its failure or its stop would otherwise undo the new owner's
 * done-mark, and the partition would be claimed and loaded again (test_cluster saw
 * fourteen done claims of twelve partitions) */
START_TEST(test_taken_over_writes_nothing)
{
	static const char job[] = "20240101T000000Z-1-abcd";
	struct rpl_conn dst;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&dst, upgrade_engines[_i], "dst");
	drop_ledger(&dst);
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	it_exec(&dst, "INSERT INTO replicad_jobs (id, table_name, kind, range_start, range_end, state, submitted_at)"
	              " VALUES ('20240101T000000Z-1-abcd', 'sales', 'backfill', '2024-01-01', '2024-03-01', 'running',"
	              " '2024-01-01T00:00:00Z')");
	it_exec(&dst, "INSERT INTO replicad_partitions (job_id, table_name, range_start, range_end, state, attempts)"
	              " VALUES ('20240101T000000Z-1-abcd', 'sales', '2024-02-01', '2024-03-01', 'pending', 0)");
	struct rpl_owner a, b;
	rpl_owner_init(&a, "node-a");
	rpl_owner_init(&b, "node-b");
	struct rpl_claim cl;
	struct rpl_range feb = { .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } };
	ck_assert_msg(rpl_claim_take(&dst, &a, 30000, job, "sales", &feb, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_TAKEN);
	ck_assert_int_eq(cl.claim_no, 1);
	/* A holds it: its start is written, twice in a row too (the same values: engines
	 * that count changed rows must still see the row as A's) */
	for (int i = 0; i < 2; i++)
		ck_assert_msg(rpl_ledger_part_start(&dst, job, "sales", &feb, 1, &a, 1, &err) == 0, "%s", err.msg);
	it_exec(&dst, "UPDATE replicad_partitions SET lease_until = 1");   /* A's lease ran out */
	ck_assert_msg(rpl_claim_take(&dst, &b, 30000, job, "sales", &feb, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_TAKEN);
	ck_assert_int_eq(cl.claim_no, 2);
	ck_assert_msg(rpl_ledger_part_start(&dst, job, "sales", &feb, 2, &b, 2, &err) == 0, "%s", err.msg);
	it_exec(&dst, "UPDATE replicad_partitions SET state = 'done'");   /* B's last commit */
	ck_assert_msg(rpl_claim_release(&dst, &b, job, "sales", &feb, 2, "done", &err) == 0, "%s", err.msg);
	/* A goes on: every write of its own fails as a lost claim, and the row stays B's */
	struct rpl_part_account acc;
	memset(&acc, 0, sizeof acc);
	acc.range = feb;
	acc.attempts = 2;
	struct rpl_err e = RPL_ERR_INIT;
	rpl_err_set(&e, RPL_EIO, "a load error");
	err = (struct rpl_err)RPL_ERR_INIT;
	ck_assert_int_lt(rpl_ledger_part_start(&dst, job, "sales", &feb, 2, &a, 1, &err), 0);
	ck_assert_int_eq(err.code, RPL_ECLAIM);
	err = (struct rpl_err)RPL_ERR_INIT;
	ck_assert_int_lt(rpl_ledger_part_failed(&dst, job, "sales", &acc, &e, &a, 1, &err), 0);
	ck_assert_int_eq(err.code, RPL_ECLAIM);
	err = (struct rpl_err)RPL_ERR_INIT;
	ck_assert_int_lt(rpl_ledger_part_stopped(&dst, job, "sales", &acc, "interrupted", &a, 1, &err), 0);
	ck_assert_int_eq(err.code, RPL_ECLAIM);
	char v[64];
	it_query_str(&dst, "SELECT state FROM replicad_partitions", v, sizeof v);
	ck_assert_str_eq(v, "done");
	ck_assert_msg(rpl_claim_take(&dst, &a, 30000, job, "sales", &feb, &cl, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(cl.state, RPL_CLAIM_DONE);
	drop_ledger(&dst);
	rpl_conn_close(&dst);
}
END_TEST

/* spawn_table runs `replicad -v -c cfg run table --from 2024-01-01 --to 2024-06-30
 * [extra]`, stdout and stderr to log */
static int
spawn_args(const char *cfg, const char *table, const char *extra, const char *log)
{
	unlink(log);   /* the last case's log must not answer for this one */
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		if (freopen(log, "w", stdout) == NULL || dup2(fileno(stdout), 2) < 0)
			_exit(126);
		execl(replicad_bin, replicad_bin, "-v", "-c", cfg, "run", table, "--from", "2024-01-01", "--to",
		      "2024-06-30", extra, (char *)NULL);
		_exit(127);
	}
	return (int)pid;
}

static int
spawn(const char *cfg, const char *extra, const char *log)
{
	return spawn_args(cfg, "claims_t", extra, log);
}

static int
spawn_table(const char *cfg, const char *table, const char *log)
{
	return spawn_args(cfg, table, NULL, log);
}

/* line_state: the state column of the account line for the partition starting on
 * day (its first word after the range), "" when there is none */
static void
line_state(const char *path, const char *day, char state[32])
{
	char line[1024];
	state[0] = '\0';
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, day, strlen(day)) == 0 && strstr(line, "..") == line + strlen(day) &&
		    sscanf(line, "%*s %31s", state) == 1)
			break;
	fclose(f);
}

/* done_once: in table t's claim history no two claims of one partition overlap in
 * time, and each of its n partitions was done by exactly one claim */
static void
done_once(struct rpl_conn *dst, const char *t, int n)
{
	char q[700];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims x JOIN replicad_claims y"
	         " ON x.job_id = y.job_id AND x.table_name = y.table_name AND x.range_start = y.range_start"
	         " AND x.claim_no < y.claim_no WHERE x.table_name = '%s'"
	         " AND (x.released_at IS NULL OR y.claimed_at < x.released_at)", t);
	ck_assert_int_eq(it_query_int(dst, q), 0);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = '%s' AND outcome = 'done'", t);
	ck_assert_int_eq(it_query_int(dst, q), n);
	snprintf(q, sizeof q, "SELECT count(DISTINCT range_start) FROM replicad_claims WHERE table_name = '%s'"
	         " AND outcome = 'done'", t);
	ck_assert_int_eq(it_query_int(dst, q), n);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = '%s' AND state = 'done'", t);
	ck_assert_int_eq(it_query_int(dst, q), n);
}

static const int run_targets[] = { IT_PG, IT_MARIADB };

START_TEST(test_two_runs)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "claims_t");
	edge_drop(&dst, "claims_t");
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	it_exec(&dst, "DELETE FROM replicad_claims WHERE table_name = 'claims_t'");
	it_exec(&dst, "DELETE FROM replicad_partitions WHERE table_name = 'claims_t'");
	it_exec(&dst, "DELETE FROM replicad_jobs WHERE table_name = 'claims_t'");
	it_exec(&src, "CREATE TABLE claims_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))");
	it_exec(&src, "INSERT INTO claims_t SELECT g, date '2024-01-01' + (g % 182), md5(g::text), g * 1.125"
	              " FROM generate_series(1, 30000) g");
	it_exec(&dst, d == IT_PG ? "CREATE TABLE claims_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))"
	                         : "CREATE TABLE claims_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3),"
	                           " KEY claims_t_d (d)) ENGINE=InnoDB");
	char cfg[1024], la[1024], lb[1024], lc[1024], q[512];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("claims.json", getenv("RPL_TEST_PG_SRC"),
	         getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"), "claims_t", "d",
	         "{\"workers\": 2, \"commit_rows\": 500, \"chunk_bytes\": \"64KiB\"}"));
	snprintf(la, sizeof la, "%s", it_tmpfile("claims-a.log"));
	snprintf(lb, sizeof lb, "%s", it_tmpfile("claims-b.log"));
	snprintf(lc, sizeof lc, "%s", it_tmpfile("claims-c.log"));
	int a = spawn(cfg, NULL, la);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'claims_t' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", a);
	ck_assert_msg(it_wait_query(&dst, q, 1, a, 600000) >= 1, "run A never held a partition");
	ck_assert_msg(it_stop(a), "run A ended before it could be stopped");   /* it holds what the ledger shows, and cannot finish it now */
	int64_t held = it_query_int(&dst, q);
	/* what A had neither done nor claimed when it stopped: C's to load. A fast A
	 * may have finished all the others before the stop */
	char qfree[512];
	snprintf(qfree, sizeof qfree, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'claims_t' AND state <> 'done'"
	         " AND NOT (owner_pid = %d AND lease_until IS NOT NULL)", a);
	int64_t free_parts = it_query_int(&dst, qfree);
	int c = spawn(cfg, "--no-wait", lc);
	ck_assert_int_eq(it_wait_replicad(c), 1);
	char pidtext[64];
	snprintf(pidtext, sizeof pidtext, "pid %d", a);
	/* A stopped between a claim's lock and its commit (its second worker, CI once)
	 * holds a row whose committed owner is nobody yet: C says so instead */
	char ctext[3000] = "";
	FILE *cf = fopen(lc, "r");
	if (cf != NULL) {
		ctext[fread(ctext, 1, sizeof ctext - 1, cf)] = '\0';
		fclose(cf);
	}
	ck_assert_msg((it_file_has(lc, "is held by node") && it_file_has(lc, pidtext)) ||
	              it_file_has(lc, "is held by another process (taking it at this moment)"),
	              "run C did not name run A (%s); its log:\n%s", pidtext, ctext);
	ck_assert_msg(it_file_has(lc, "--no-wait"), "run C did not say why it did not wait");
	int b = spawn(cfg, NULL, lb);
	/* B waits for A's partitions; on a slow machine A's lease (30 s) may have run out
	 * by the time B comes to them: B then takes them over, which is right too */
	bool took = false;
	for (int i = 0;; i++) {
		if (it_file_has(lb, "partition held by another process: waiting for it"))
			break;
		if ((took = it_file_has(lb, "partition taken over: its owner's lease ran out")))
			break;
		ck_assert_msg(waitpid(b, NULL, WNOHANG) == 0 && i < 12000, "run B neither waited for run A's partitions nor took them over");
		it_nap_ms(50);
	}
	kill(a, SIGCONT);
	ck_assert_int_eq(it_wait_replicad(a), 0);
	ck_assert_int_eq(it_wait_replicad(b), 0);
	/* no two claims of one partition overlap; each of the six done once; A's held
	 * ones by A, the others by C */
	done_once(&dst, "claims_t", 6);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'claims_t' AND outcome = 'done'"
	         " AND owner_pid = %d", a);
	if (!took)
		ck_assert_int_ge(it_query_int(&dst, q), held);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'claims_t' AND outcome = 'done'"
	         " AND owner_pid = %d", c);
	if (free_parts > 0)
		ck_assert_int_ge(it_query_int(&dst, q), 1);
	else
		ck_assert_int_eq(it_query_int(&dst, q), 0);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'claims_t' AND state = 'done'"), 1);
	struct it_dump sa, sb;
	it_dump_table(&src, "claims_t", "id", &sa);
	it_dump_table(&dst, "claims_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 30000);
	it_dump_compare(&sa, &sb, d == IT_PG ? "two runs into postgresql" : "two runs into mariadb");
	it_dump_free(&sa);
	it_dump_free(&sb);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* setup_table makes table t (30,000 rows over six months) in the PostgreSQL source
 * and the target d, and clears the ledger's rows for it */
static void
setup_table(struct rpl_conn *src, struct rpl_conn *dst, int d, const char *t)
{
	char sql[512];
	struct rpl_err err = RPL_ERR_INIT;
	edge_drop(src, t);
	edge_drop(dst, t);
	ck_assert_msg(rpl_ledger_ensure(dst, &err) == 0, "%s", err.msg);
	static const char *const ledger[] = { "replicad_claims", "replicad_partitions", "replicad_jobs" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(sql, sizeof sql, "DELETE FROM %s WHERE table_name = '%s'", ledger[i], t);
		it_exec(dst, sql);
	}
	snprintf(sql, sizeof sql, "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))", t);
	it_exec(src, sql);
	snprintf(sql, sizeof sql, "INSERT INTO %s SELECT g, date '2024-01-01' + (g %% 182), md5(g::text), g * 1.125"
	         " FROM generate_series(1, 30000) g", t);
	it_exec(src, sql);
	if (d == IT_PG)
		snprintf(sql, sizeof sql, "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n numeric(12,3))", t);
	else
		snprintf(sql, sizeof sql, "CREATE TABLE %s (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40), n decimal(12,3),"
		         " KEY %s_d (d)) ENGINE=InnoDB", t, t);
	it_exec(dst, sql);
}

/* held_by: the range_start of a partition of table t that pid holds under a live
 * lease, "" if none */
static void
held_by(struct rpl_conn *dst, const char *t, int pid, char out[16])
{
	char q[512];
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = '%s' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", t, pid);
	out[0] = '\0';
	if (it_query_int(dst, q) == 0)
		return;
	snprintf(q, sizeof q, "SELECT min(range_start) FROM replicad_partitions WHERE table_name = '%s' AND owner_pid = %d"
	         " AND lease_until IS NOT NULL AND state <> 'done'", t, pid);
	it_query_str(dst, q, out, 16);
	if (strcmp(out, "NULL") == 0)
		out[0] = '\0';
}

START_TEST(test_lease_taken_over)
{
	int d = run_targets[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	setup_table(&src, &dst, d, "lease_t");
	char cfg[1024], la[1024], lb[1024], q[512], p[16];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("lease.json", getenv("RPL_TEST_PG_SRC"),
	         getenv(d == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"), "lease_t", "d",
	         d == IT_PG ? "{\"workers\": 1, \"commit_rows\": 2000, \"chunk_bytes\": \"64KiB\"}"
	                    : "{\"workers\": 1, \"commit_rows\": 100000, \"chunk_bytes\": \"64KiB\"}"));
	it_config_add(cfg, "\"cluster\": {\"lease\": \"2s\"},");
	snprintf(la, sizeof la, "%s", it_tmpfile("lease-a.log"));
	snprintf(lb, sizeof lb, "%s", it_tmpfile("lease-b.log"));
	/* A's loads wait at the gate until A is stopped: it cannot finish them first */
	struct it_gate gate;
	it_gate_shut(&gate, d, "lease_t");
	int a = spawn_table(cfg, "lease_t", la);
	for (;;) {   /* stop A while the ledger shows it holding a partition */
		snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'lease_t' AND owner_pid = %d"
		         " AND lease_until IS NOT NULL AND state <> 'done'", a);
		ck_assert_msg(it_wait_query(&dst, q, 1, a, 600000) >= 1, "run A never held a partition");
		ck_assert_msg(it_stop(a), "run A ended before it could be stopped");
		/* what A holds is read once its statements in flight have ended */
		bool locked = it_ledger_rows_locked(&dst, d, "lease_t");
		held_by(&dst, "lease_t", a, p);
		if (p[0] != '\0' && !locked)
			break;
		kill(a, SIGCONT);   /* it finished that one meanwhile, or stopped holding a row lock: again */
	}
	it_gate_open(&gate);
	int b = spawn_table(cfg, "lease_t", lb);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'lease_t' AND range_start = '%s'"
	         " AND owner_pid = %d", p, b);
	ck_assert_msg(it_wait_query(&dst, q, 1, b, 600000) >= 1, "run B never took over partition %s", p);
	kill(a, SIGCONT);
	ck_assert_int_eq(it_wait_replicad(a), 0);
	ck_assert_int_eq(it_wait_replicad(b), 0);
	ck_assert_msg(it_file_has(lb, "partition taken over: its owner's lease ran out"), "B's log does not say it took over");
	/* A does not say it loaded what B loaded: its commit found the claim gone */
	char st[32];
	line_state(la, p, st);
	ck_assert_msg(strcmp(st, "skipped") == 0, "run A's account says %s for partition %s", st, p);
	line_state(lb, p, st);
	ck_assert_msg(strcmp(st, "done") == 0, "run B's account says %s for partition %s", st, p);
	/* A's claim on p ended expired, B's done; A never marked it done */
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'lease_t' AND range_start = '%s'"
	         " AND owner_pid = %d AND outcome = 'expired'", p, a);
	ck_assert_int_eq(it_query_int(&dst, q), 1);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'lease_t' AND range_start = '%s'"
	         " AND owner_pid = %d AND outcome = 'done'", p, b);
	ck_assert_int_eq(it_query_int(&dst, q), 1);
	snprintf(q, sizeof q, "SELECT count(*) FROM replicad_claims WHERE table_name = 'lease_t' AND range_start = '%s'"
	         " AND owner_pid = %d AND outcome <> 'expired'", p, a);
	ck_assert_int_eq(it_query_int(&dst, q), 0);
	snprintf(q, sizeof q, "SELECT owner_pid FROM replicad_partitions WHERE table_name = 'lease_t' AND range_start = '%s'", p);
	ck_assert_int_eq(it_query_int(&dst, q), b);
	/* the takeover counted an attempt */
	snprintf(q, sizeof q, "SELECT attempts FROM replicad_partitions WHERE table_name = 'lease_t' AND range_start = '%s'", p);
	ck_assert_int_ge(it_query_int(&dst, q), 2);
	done_once(&dst, "lease_t", 6);
	struct it_dump sa, sb;
	it_dump_table(&src, "lease_t", "id", &sa);
	it_dump_table(&dst, "lease_t", "id", &sb);
	ck_assert_int_eq(sa.nrows, 30000);
	it_dump_compare(&sa, &sb, d == IT_PG ? "a lease taken over, into postgresql" : "a lease taken over, into mariadb");
	it_dump_free(&sa);
	it_dump_free(&sb);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	replicad_bin = argc > 1 ? argv[1] : "replicad";
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("claims");
	tcase_set_timeout(tc, 900);
	tcase_add_loop_test(tc, test_upgrade_in_place, 0, (int)(sizeof upgrade_engines / sizeof upgrade_engines[0]));
	tcase_add_loop_test(tc, test_taken_over_writes_nothing, 0, (int)(sizeof upgrade_engines / sizeof upgrade_engines[0]));
	tcase_add_loop_test(tc, test_two_runs, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	tcase_add_loop_test(tc, test_lease_taken_over, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
