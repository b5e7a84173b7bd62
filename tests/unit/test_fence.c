/* tests/unit/test_fence.c: the SQL text of fencing (lib/core/fence.c) per engine:
 * what records a partition's load session, what finds that session again only while
 * it still carries its tag, and what ends it; SQL Server's (@@SPID, KILL), which
 * cannot run here, checked as text like the rest of its SQL. */
#include <check.h>
#include <string.h>
#include "fence.h"
#include "dialect.h"
#include "sbuf.h"

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };

static struct rpl_owner
owner(const char *node)
{
	struct rpl_owner me;
	rpl_owner_init(&me, node);
	me.pid = 4242;
	return me;
}

/* SQL Server: the session is @@SPID, its tag program name and login time, under the claim */
START_TEST(test_fence_mssql)
{
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_MSSQL);
	struct rpl_owner me = owner("node-a");
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_fence_start_sql(d, &me, "j1", "sales", &jan, 7, 2, &b);
	const char *s = rpl_sbuf_str(&b);
	ck_assert_msg(strncmp(s, "UPDATE replicad_partitions SET state = 'running', attempts = 2, updated_at = N'", 79) == 0, "%s", s);
	ck_assert_msg(strstr(s, ", load_session = @@SPID, load_tag = (SELECT CONCAT(program_name, '|', CONVERT(varchar(33),"
	                        " login_time, 126)) FROM sys.dm_exec_sessions WHERE session_id = @@SPID),"
	                        " claim_commits = COALESCE(claim_commits, 0) + 1 WHERE job_id = N'j1' AND table_name = N'sales' AND range_start = N'2024-01-01'"
	                        " AND owner_node = N'node-a' AND owner_pid = 4242 AND claim_no = 7") != NULL, "%s", s);
	rpl_sbuf_reset(&b);
	struct rpl_fence_session ss = { .id = 57, .tag = "replicad|2024-01-01T10:00:00.123" };
	rpl_fence_probe_sql(d, &ss, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "SELECT session_id FROM sys.dm_exec_sessions WHERE session_id = 57"
	                 " AND session_id <> @@SPID AND CONCAT(program_name, '|', CONVERT(varchar(33), login_time, 126))"
	                 " = N'replicad|2024-01-01T10:00:00.123'");
	rpl_sbuf_reset(&b);
	rpl_fence_kill_sql(d, &ss, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "KILL 57");
	rpl_sbuf_reset(&b);
	rpl_fence_name_sql(d, &me, &b);   /* the tag needs no name of ours */
	ck_assert_str_eq(rpl_sbuf_str(&b), "");
	rpl_sbuf_fini(&b);
}
END_TEST

/* PostgreSQL: the application_name names node and pid; the kill is a query that ends
 * the backend only when the probe's conditions chose it (OFFSET 0: no pushing the
 * call below them) */
START_TEST(test_fence_postgres)
{
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_POSTGRES);
	struct rpl_owner me = owner("o'brien");
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_fence_name_sql(d, &me, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "SET application_name = 'replicad o''brien 4242'");
	rpl_sbuf_reset(&b);
	struct rpl_fence_session ss = { .id = 901, .tag = "replicad n 1|1700000000123456" };
	rpl_fence_kill_sql(d, &ss, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b),
	                 "SELECT CASE WHEN pg_terminate_backend(s.pid) THEN 1 ELSE 0 END FROM (SELECT pid FROM pg_stat_activity"
	                 " WHERE pid = 901 AND pid <> pg_backend_pid() AND application_name || '|' ||"
	                 " CAST(CAST(floor(extract(epoch FROM backend_start) * 1000000) AS bigint) AS varchar)"
	                 " = 'replicad n 1|1700000000123456' OFFSET 0) s");
	rpl_sbuf_reset(&b);
	rpl_fence_start_sql(d, &me, "j1", "sales", &jan, 3, 1, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), ", load_session = pg_backend_pid(), load_tag = (SELECT application_name") != NULL,
	              "%s", rpl_sbuf_str(&b));
	ck_assert_msg(strstr(rpl_sbuf_str(&b), " AND owner_pid = 4242 AND claim_no = 3") != NULL, "%s", rpl_sbuf_str(&b));
	rpl_sbuf_fini(&b);
}
END_TEST

/* MariaDB: the tag's user@host must match exactly, the server's start time within
 * seconds; a tag that is not "user@host|number" finds nothing, so nothing is killed */
START_TEST(test_fence_mariadb)
{
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_MARIADB);
	struct rpl_sbuf b = RPL_SBUF_INIT;
	struct rpl_fence_session ss = { .id = 33, .tag = "rpl@127.0.0.1:50412|1765000000" };
	rpl_fence_probe_sql(d, &ss, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b),
	                 "SELECT p.ID FROM information_schema.PROCESSLIST p, information_schema.GLOBAL_STATUS g"
	                 " WHERE p.ID = 33 AND p.ID <> CONNECTION_ID() AND g.VARIABLE_NAME = 'UPTIME'"
	                 " AND CONCAT(p.USER, '@', p.HOST) = 'rpl@127.0.0.1:50412'"
	                 " AND ABS((CAST(UNIX_TIMESTAMP() AS SIGNED) - CAST(g.VARIABLE_VALUE AS SIGNED)) - 1765000000) <= 5");
	rpl_sbuf_reset(&b);
	rpl_fence_kill_sql(d, &ss, &b);
	ck_assert_str_eq(rpl_sbuf_str(&b), "KILL CONNECTION 33");
	static const char *const bad[] = { "rpl@host", "rpl@host|", "rpl@host|12x", "" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct rpl_fence_session x = { .id = 33 };
		strcpy(x.tag, bad[i]);
		rpl_sbuf_reset(&b);
		rpl_fence_probe_sql(d, &x, &b);
		ck_assert_msg(b.len == 0, "tag \"%s\": %s", bad[i], rpl_sbuf_str(&b));
	}
	rpl_sbuf_fini(&b);
}
END_TEST

/* SQLite: one writer and no sessions: nothing recorded, nothing to end */
START_TEST(test_fence_sqlite)
{
	const struct rpl_dialect *d = rpl_dialect_for(RPL_ENGINE_SQLITE);
	struct rpl_owner me = owner("n");
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_fence_start_sql(d, &me, "j1", "sales", &jan, 1, 1, &b);
	ck_assert_msg(strstr(rpl_sbuf_str(&b), "load_session = NULL, load_tag = NULL") != NULL, "%s", rpl_sbuf_str(&b));
	struct rpl_fence_session ss = { .id = 5, .tag = "x|1" };
	rpl_sbuf_reset(&b);
	rpl_fence_probe_sql(d, &ss, &b);
	rpl_fence_kill_sql(d, &ss, &b);
	ck_assert_int_eq((int)b.len, 0);
	rpl_sbuf_fini(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fence");
	TCase *tc = tcase_create("sql");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_fence_mssql);
	tcase_add_test(tc, test_fence_postgres);
	tcase_add_test(tc, test_fence_mariadb);
	tcase_add_test(tc, test_fence_sqlite);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
