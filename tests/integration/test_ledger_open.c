/* tests/integration/test_ledger_open.c: one unfinished ledger job per table, kind and
 * range, however many processes open it at once (issue #20; lib/core/ledger_open.c),
 * into PostgreSQL and MariaDB. Six threads, each on a connection of its own, open
 * the same range at the same moment: the service's join (a cluster's schedule slot
 * firing on every node), `replicad run`'s open, and a submit's reservation. The
 * moment is made by the test, not by a race with a fast machine: the test holds a
 * lock on replicad_jobs that lets reads through and holds writes, waits until the
 * database shows every opener waiting on a lock (each has looked for a twin by then,
 * or waits for the ledger's lock row to do it), and lets go. Without the lock row
 * every opener would find no twin and insert its own job. Also: a ledger made
 * before the lock row gets it in place, and its running job is found by an open;
 * a submit's reservation nothing was loaded of gives its range back. */
#include "it.h"
#include "ledger.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPENERS 6

static const struct rpl_range parts[] = {
	{ .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } },
	{ .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } },
	{ .start = { 2024, 3, 1 }, .end = { 2024, 4, 1 } },
};
#define NPARTS (sizeof parts / sizeof parts[0])

enum how { HOW_JOIN_OR_RUN, HOW_SUBMIT };

static atomic_int finished;   /* openers that returned */

struct opener {
	pthread_t th;
	struct rpl_conn c;
	enum how how;
	int k;
	char want[64], job_id[64], holder[64];
	bool resumed;
	int rc;
	struct rpl_err err;
};

static void *
opener_main(void *arg)
{
	struct opener *o = arg;
	bool done[NPARTS];
	int attempts[NPARTS];
	o->err = (struct rpl_err)RPL_ERR_INIT;
	if (o->how == HOW_SUBMIT)
		o->rc = rpl_ledger_submit(&o->c, o->want, "lopen_t", "backfill", parts, NPARTS, o->holder, &o->err);
	else if (o->k % 2 == 0)   /* a cluster node's job, under its own id */
		o->rc = rpl_ledger_open_job_join(&o->c, o->want, "lopen_t", "backfill", parts, NPARTS, o->job_id, &o->resumed,
		                                 done, attempts, &o->err);
	else                      /* replicad run */
		o->rc = rpl_ledger_open_job(&o->c, "lopen_t", "backfill", parts, NPARTS, o->job_id, &o->resumed, done, attempts,
		                            &o->err);
	atomic_fetch_add(&finished, 1);
	return NULL;
}

/* waiting: sessions of the target waiting on a lock (a row's or a table's); on
 * MariaDB, those in the lock row's UPDATE or waiting for a table (innodb_trx showed
 * one UPDATE waiting for the row lock as RUNNING for a while) */
static int64_t
waiting(struct rpl_conn *c, int d)
{
	return it_query_int(c, d == IT_PG ? "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
	                                   " AND datname = current_database()"
	                                  : "SELECT count(*) FROM information_schema.processlist"
	                                    " WHERE state LIKE 'Waiting for table%'"
	                                    " OR info LIKE 'UPDATE replicad_lock %'");
}

static void
clean(struct rpl_conn *dst)
{
	it_exec(dst, "DELETE FROM replicad_partitions WHERE table_name = 'lopen_t'");
	it_exec(dst, "DELETE FROM replicad_jobs WHERE table_name = 'lopen_t'");
}

static const int targets[] = { IT_PG, IT_MARIADB };

/* race: OPENERS threads open lopen_t's range at once (above); o[] gets their answers */
static void
race(int d, enum how how, struct opener o[OPENERS])
{
	struct rpl_conn dst, hold;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&dst, d, "dst");
	it_connect(&hold, d, "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	clean(&dst);
	if (d == IT_PG) {   /* SHARE: reads pass, INSERTs wait */
		ck_assert(rpl_conn_set_autocommit(&hold, false, &err) == 0);
		it_exec(&hold, "LOCK TABLE replicad_jobs IN SHARE MODE");
	} else {
		it_exec(&hold, "LOCK TABLES replicad_jobs READ");
	}
	atomic_store(&finished, 0);
	for (int k = 0; k < OPENERS; k++) {
		o[k] = (struct opener){ .how = how, .k = k };
		snprintf(o[k].want, sizeof o[k].want, "20240101T00000%dZ-9-%04d", k, k);
		it_connect(&o[k].c, d, "dst");
		ck_assert(pthread_create(&o[k].th, NULL, opener_main, &o[k]) == 0);
	}
	/* while the inserts are held no open can end: one that did failed (its error is
	 * asserted once every opener is joined) */
	bool early = false;
	for (int i = 0; waiting(&dst, d) < OPENERS && !(early = atomic_load(&finished) > 0); i++) {
		ck_assert_msg(i < 60000, "the openers never all waited: %lld waiting", (long long)waiting(&dst, d));
		it_nap_ms(10);
	}
	if (d == IT_PG)
		ck_assert(rpl_conn_rollback(&hold, &err) == 0);
	else
		it_exec(&hold, "UNLOCK TABLES");
	for (int k = 0; k < OPENERS; k++) {
		pthread_join(o[k].th, NULL);
		ck_assert_msg(o[k].rc == 0, "opener %d: %s", k, o[k].err.msg);
		rpl_conn_close(&o[k].c);
	}
	ck_assert_msg(!early, "an opener ended while the inserts were held");
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'lopen_t'"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_partitions WHERE table_name = 'lopen_t'"), NPARTS);
	clean(&dst);
	rpl_conn_close(&hold);
	rpl_conn_close(&dst);
}

/* the service's joins and `replicad run`s at once: one job, every opener has its id,
 * one of them made it */
START_TEST(test_opens_race)
{
	struct opener o[OPENERS];
	race(targets[_i], HOW_JOIN_OR_RUN, o);
	int made = 0;
	for (int k = 0; k < OPENERS; k++) {
		made += !o[k].resumed;
		ck_assert_msg(strcmp(o[k].job_id, o[0].job_id) == 0, "opener %d opened %s, opener 0 %s", k, o[k].job_id,
		              o[0].job_id);
	}
	ck_assert_int_eq(made, 1);
}
END_TEST

/* submits on six nodes at once: one reserved its id, the five others are told it */
START_TEST(test_submits_race)
{
	struct opener o[OPENERS];
	race(targets[_i], HOW_SUBMIT, o);
	int winner = -1;
	for (int k = 0; k < OPENERS; k++)
		if (o[k].holder[0] == '\0') {
			ck_assert_msg(winner < 0, "openers %d and %d both reserved the range", winner, k);
			winner = k;
		}
	ck_assert_int_ge(winner, 0);
	for (int k = 0; k < OPENERS; k++)
		if (k != winner)
			ck_assert_str_eq(o[k].holder, o[winner].want);
}
END_TEST

/* a ledger made before replicad_lock: ensure adds it and its row, in place, and an
 * open finds the running job the old ledger holds */
START_TEST(test_lock_upgrade)
{
	struct rpl_conn dst;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&dst, targets[_i], "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	clean(&dst);
	it_exec(&dst, "DROP TABLE replicad_lock");
	it_exec(&dst, "INSERT INTO replicad_jobs (id, table_name, kind, range_start, range_end, state, submitted_at)"
	              " VALUES ('20230101T000000Z-1-abcd', 'lopen_t', 'backfill', '2024-01-01', '2024-04-01', 'running',"
	              " '2023-01-01T00:00:00Z')");
	bool done[NPARTS], resumed;
	int attempts[NPARTS];
	char id[64];
	ck_assert(rpl_ledger_open_job(&dst, "lopen_t", "backfill", parts, NPARTS, id, &resumed, done, attempts, &err) < 0);
	err = (struct rpl_err)RPL_ERR_INIT;
	for (int round = 0; round < 2; round++)   /* the second finds it all there */
		ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "round %d: %s", round, err.msg);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_lock WHERE name = 'jobs'"), 1);
	ck_assert_msg(rpl_ledger_open_job(&dst, "lopen_t", "backfill", parts, NPARTS, id, &resumed, done, attempts, &err) == 0,
	              "%s", err.msg);
	ck_assert_str_eq(id, "20230101T000000Z-1-abcd");
	ck_assert(resumed);
	clean(&dst);
	rpl_conn_close(&dst);
}
END_TEST

/* a reservation nothing was loaded of gives its range back when its runner fails
 * before opening it; one whose partition was claimed stays the cluster's */
START_TEST(test_fail_unopened)
{
	struct rpl_conn dst;
	struct rpl_err err = RPL_ERR_INIT;
	char holder[64], st[32];
	it_connect(&dst, targets[_i], "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	clean(&dst);
	ck_assert_msg(rpl_ledger_submit(&dst, "20240101T000000Z-9-0001", "lopen_t", "backfill", parts, NPARTS, holder, &err) == 0,
	              "%s", err.msg);
	ck_assert_str_eq(holder, "");
	it_exec(&dst, "UPDATE replicad_partitions SET owner_pid = 42 WHERE job_id = '20240101T000000Z-9-0001'"
	              " AND range_start = '2024-02-01'");
	ck_assert_msg(rpl_ledger_fail_unopened(&dst, "20240101T000000Z-9-0001", &err) == 0, "%s", err.msg);
	it_query_str(&dst, "SELECT state FROM replicad_jobs WHERE id = '20240101T000000Z-9-0001'", st, sizeof st);
	ck_assert_str_eq(st, "running");
	ck_assert(rpl_ledger_submit(&dst, "20240101T000000Z-9-0002", "lopen_t", "backfill", parts, NPARTS, holder, &err) == 0);
	ck_assert_str_eq(holder, "20240101T000000Z-9-0001");
	it_exec(&dst, "UPDATE replicad_partitions SET owner_pid = NULL WHERE job_id = '20240101T000000Z-9-0001'");
	ck_assert_msg(rpl_ledger_fail_unopened(&dst, "20240101T000000Z-9-0001", &err) == 0, "%s", err.msg);
	it_query_str(&dst, "SELECT state FROM replicad_jobs WHERE id = '20240101T000000Z-9-0001'", st, sizeof st);
	ck_assert_str_eq(st, "failed");
	/* the range is free again: the next submit takes the failed job over, under its id */
	ck_assert(rpl_ledger_submit(&dst, "20240101T000000Z-9-0002", "lopen_t", "backfill", parts, NPARTS, holder, &err) == 0);
	ck_assert_str_eq(holder, "");
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'lopen_t'"
	                                    " AND id = '20240101T000000Z-9-0002' AND state = 'running'"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'lopen_t'"), 1);
	clean(&dst);
	rpl_conn_close(&dst);
}
END_TEST

/* A process stopped in the middle of its open (SIGSTOP, a frozen VM) holds the
 * ledger's lock row, and a PostgreSQL server lets every other open wait for it
 * without a bound: an open through a connection with ledger_wait_ms (the runner's and
 * the submit's: cluster.lease) gives up after it, names the holding session and
 * opens nothing; once the holder is gone the same open goes through. The holder here
 * is the test's own transaction, which takes the row as an open does. The bound is
 * the lock row's alone: the open's other waits (a job row another transaction
 * holds) are as long as they last. */
START_TEST(test_lock_held_too_long)
{
	struct rpl_conn dst, hold;
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&dst, IT_PG, "dst");
	it_connect(&hold, IT_PG, "dst");
	ck_assert_msg(rpl_ledger_ensure(&dst, &err) == 0, "%s", err.msg);
	clean(&dst);
	ck_assert(rpl_conn_set_autocommit(&hold, false, &err) == 0);
	it_exec(&hold, "UPDATE replicad_lock SET n = n + 1 WHERE name = 'jobs'");
	int64_t pid = it_query_int(&hold, "SELECT pg_backend_pid()");
	dst.ledger_wait_ms = 300;
	char id[64], want[64];
	bool resumed, done[NPARTS];
	int attempts[NPARTS];
	ck_assert(rpl_ledger_open_job(&dst, "lopen_t", "backfill", parts, NPARTS, id, &resumed, done, attempts, &err) < 0);
	snprintf(want, sizeof want, "by pid %lld (", (long long)pid);
	ck_assert_msg(strstr(err.msg, "the ledger's lock row (replicad_lock) has been held longer than 300 ms") != NULL &&
	              strstr(err.msg, want) != NULL && strstr(err.msg, "no job was opened") != NULL, "%s", err.msg);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'lopen_t'"), 0);
	rpl_conn_close(&hold);   /* the holder gone: its transaction rolled back */
	rpl_err_init(&err);
	ck_assert_msg(rpl_ledger_open_job(&dst, "lopen_t", "backfill", parts, NPARTS, id, &resumed, done, attempts, &err) == 0,
	              "%s", err.msg);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM replicad_jobs WHERE table_name = 'lopen_t'"), 1);
	/* the bound is the lock row's only: an open that resumes this job waits for the
	 * job's row, locked by another transaction, for longer than it, and goes through
	 * once that ends */
	it_connect(&hold, IT_PG, "dst");
	ck_assert(rpl_conn_set_autocommit(&hold, false, &err) == 0);
	it_exec(&hold, "SELECT id FROM replicad_jobs WHERE table_name = 'lopen_t' FOR UPDATE");
	struct opener o = { .how = HOW_JOIN_OR_RUN, .k = 1 };
	it_connect(&o.c, IT_PG, "dst");
	o.c.ledger_wait_ms = 300;
	int before = atomic_load(&finished);
	ck_assert(pthread_create(&o.th, NULL, opener_main, &o) == 0);
	for (int i = 0; i < 6000 && waiting(&dst, IT_PG) < 1 && atomic_load(&finished) == before; i++)
		it_nap_ms(10);
	ck_assert_msg(atomic_load(&finished) == before, "the open did not wait for the job's row: %s", o.err.msg);
	it_nap_ms(1000);   /* past the bound: a bound on this wait would have ended it by now */
	rpl_conn_close(&hold);
	pthread_join(o.th, NULL);
	ck_assert_msg(o.rc == 0 && o.resumed, "the open that waited for the job's row: %s", o.err.msg);
	rpl_conn_close(&o.c);
	clean(&dst);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ledger_open");
	TCase *tc = tcase_create("ledger_open");
	tcase_set_timeout(tc, 600);   /* a deadline for a hang, not a measure of speed */
	int n = (int)(sizeof targets / sizeof targets[0]);
	tcase_add_loop_test(tc, test_opens_race, 0, n);
	tcase_add_loop_test(tc, test_submits_race, 0, n);
	tcase_add_loop_test(tc, test_lock_upgrade, 0, n);
	tcase_add_loop_test(tc, test_fail_unopened, 0, n);
	tcase_add_test(tc, test_lock_held_too_long);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
