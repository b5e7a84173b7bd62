/* tests/integration/test_inherit.c: PostgreSQL inheritance and declarative
 * partitioning (lib/pg/pg_inherit.h, docs/engines.md): an inheritance parent copied with
 * its children's rows (the default, as PostgreSQL's SELECT) and without them
 * (inherited false: FROM ONLY) into every target engine; a partitioned table read
 * through its parent (all partitions, whatever inherited says); a partitioned
 * PostgreSQL target written through its parent from every source engine, month by
 * month; and pginherit's catalog answers themselves. */
#include "copy.h"
#include "it.h"
#include "pg_inherit.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* copy_table copies table whole (or by months when by_month); returns rows written. */
static int64_t
copy_table(struct rpl_conn *src, struct rpl_conn *dst, const char *table, bool only_parent, bool by_month)
{
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table, .date_column = "d", .chunk_bytes = 1 << 20,
	                           .commit_rows = 100, .create_missing = true, .only_parent = only_parent };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0, "prepare %s: %s", table, err.msg);
	struct rpl_range *parts, all = { .all = true };
	size_t n = 1;
	if (by_month)
		ck_assert(rpl_plan_months((struct rpl_day){ 2024, 1, 1 }, (struct rpl_day){ 2024, 2, 29 }, &parts, &n, &err) == 0);
	else
		parts = &all;
	int64_t written = 0;
	for (size_t i = 0; i < n; i++) {
		struct rpl_part_account acc;
		ck_assert_msg(rpl_copy_partition(cp, &parts[i], &acc, &err) == 0, "%s: %s", table, err.msg);
		ck_assert_int_eq(acc.rejected, 0);
		written += acc.written;
	}
	if (by_month)
		free(parts);
	rpl_copy_free(cp);
	return written;
}

/* ids: the target's ids in order, comma-separated */
static void
ids(struct rpl_conn *c, const char *table, char *out, size_t n)
{
	struct it_dump d;
	it_dump_table(c, table, "id", &d);
	out[0] = '\0';
	for (size_t r = 0; r < d.nrows; r++) {
		size_t l = strlen(out);
		snprintf(out + l, n - l, "%s%s", r ? "," : "", it_dump_get(&d, r, "id"));
	}
	it_dump_free(&d);
}

static void
make_inheritance(struct rpl_conn *pg)
{
	it_exec(pg, "DROP TABLE IF EXISTS inh_c, inh_p");
	it_exec(pg, "CREATE TABLE inh_p (id integer PRIMARY KEY, d date NOT NULL, v text)");
	it_exec(pg, "CREATE TABLE inh_c (extra text) INHERITS (inh_p)");
	it_exec(pg, "INSERT INTO inh_p VALUES (1, '2024-01-02', 'parent'), (2, '2024-02-03', 'parent')");
	it_exec(pg, "INSERT INTO inh_c VALUES (3, '2024-01-04', 'child', 'x')");
}

START_TEST(test_inheritance_parent)
{
	struct rpl_conn src, dst;
	char got[256];
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, _i, "dst");
	make_inheritance(&src);
	it_exec(&dst, "DROP TABLE IF EXISTS inh_p");
	/* the default reads the parent as PostgreSQL's SELECT does: its children's rows too */
	ck_assert_int_eq(copy_table(&src, &dst, "inh_p", false, false), 3);
	ids(&dst, "inh_p", got, sizeof got);
	ck_assert_str_eq(got, "i:1,i:2,i:3");
	/* inherited false: the parent's own rows only (and the child's are deleted again) */
	ck_assert_int_eq(copy_table(&src, &dst, "inh_p", true, false), 2);
	ids(&dst, "inh_p", got, sizeof got);
	ck_assert_str_eq(got, "i:1,i:2");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

static void
make_partitioned(struct rpl_conn *pg, const char *t)
{
	char sql[512];
	snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS %s", t);
	it_exec(pg, sql);
	snprintf(sql, sizeof sql, "CREATE TABLE %s (id integer NOT NULL, d date NOT NULL, v text, PRIMARY KEY (id, d))"
	                          " PARTITION BY RANGE (d)", t);
	it_exec(pg, sql);
	snprintf(sql, sizeof sql, "CREATE TABLE %s_jan PARTITION OF %s FOR VALUES FROM ('2024-01-01') TO ('2024-02-01')", t, t);
	it_exec(pg, sql);
	snprintf(sql, sizeof sql, "CREATE TABLE %s_feb PARTITION OF %s FOR VALUES FROM ('2024-02-01') TO ('2024-03-01')", t, t);
	it_exec(pg, sql);
}

START_TEST(test_partitioned_source)
{
	struct rpl_conn src, dst;
	char got[256];
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, _i, "dst");
	make_partitioned(&src, "part_s");
	it_exec(&src, "INSERT INTO part_s VALUES (1, '2024-01-02', 'jan'), (2, '2024-02-03', 'feb'), (3, '2024-01-31', 'jan')");
	it_exec(&dst, "DROP TABLE IF EXISTS part_s");
	ck_assert_int_eq(copy_table(&src, &dst, "part_s", false, true), 3);
	ids(&dst, "part_s", got, sizeof got);
	ck_assert_str_eq(got, "i:1,i:2,i:3");
	/* a partitioned table has no rows of its own: inherited false still reads it whole */
	ck_assert_int_eq(copy_table(&src, &dst, "part_s", true, false), 3);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* a partitioned PostgreSQL target is written through its parent, from every source */
START_TEST(test_partitioned_target)
{
	struct rpl_conn src, dst;
	char got[256];
	it_connect(&src, _i, "src");
	it_connect(&dst, IT_PG, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS part_t");
	it_exec(&src, "CREATE TABLE part_t (id integer NOT NULL, d date NOT NULL, v varchar(10), PRIMARY KEY (id, d))");
	it_exec(&src, "INSERT INTO part_t VALUES (1, '2024-01-02', 'jan')");
	it_exec(&src, "INSERT INTO part_t VALUES (2, '2024-02-03', 'feb')");
	make_partitioned(&dst, "part_t");
	it_exec(&dst, "INSERT INTO part_t VALUES (9, '2024-02-10', 'old')");   /* the February run deletes it */
	ck_assert_int_eq(copy_table(&src, &dst, "part_t", false, true), 2);
	ids(&dst, "part_t", got, sizeof got);
	ck_assert_str_eq(got, "i:1,i:2");
	int64_t feb = 0;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT count(*) FROM part_t_feb", &feb, &found, &err) == 0 && found);
	ck_assert_int_eq(feb, 1);   /* routed by the server */
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

START_TEST(test_pginherit_catalog)
{
	struct rpl_conn pg;
	struct rpl_err err = RPL_ERR_INIT;
	bool v = true;
	it_connect(&pg, IT_PG, "src");
	make_inheritance(&pg);
	make_partitioned(&pg, "part_s");
	it_exec(&pg, "CREATE TABLE IF NOT EXISTS inh_gc () INHERITS (inh_c)");
	ck_assert(rpl_pginherit_descends(&pg, NULL, "inh_gc", "public", "inh_p", &v, &err) == 0 && v);   /* grandchild */
	ck_assert(rpl_pginherit_descends(&pg, NULL, "inh_p", NULL, "inh_c", &v, &err) == 0 && !v);
	ck_assert(rpl_pginherit_descends(&pg, NULL, "part_s_jan", NULL, "part_s", &v, &err) == 0 && v);
	ck_assert(rpl_pginherit_descends(&pg, NULL, "no such'table", NULL, "part_s", &v, &err) == 0 && !v);
	ck_assert(rpl_pginherit_is_child(&pg, NULL, "inh_gc", &v, &err) == 0 && v);
	ck_assert(rpl_pginherit_is_child(&pg, NULL, "part_s_feb", &v, &err) == 0 && v);
	ck_assert(rpl_pginherit_is_child(&pg, "public", "inh_p", &v, &err) == 0 && !v);
	ck_assert(rpl_pginherit_partitioned(&pg, NULL, "part_s", &v, &err) == 0 && v);
	ck_assert(rpl_pginherit_partitioned(&pg, NULL, "inh_p", &v, &err) == 0 && !v);
	it_exec(&pg, "DROP TABLE inh_gc");
	rpl_conn_close(&pg);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("inherit");
	TCase *tc = tcase_create("inherit");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_inheritance_parent, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_partitioned_source, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_partitioned_target, 0, IT_NENGINES);
	tcase_add_test(tc, test_pginherit_catalog);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
