/* tests/integration/test_verify.c: verify and scan (lib/core/vtable.h) on every source x
 * target pair of SQLite, PostgreSQL and MariaDB. A table is copied by the copy
 * itself (with a placeholder date the run makes NULL), verified equal, then changed
 * on the target in each way the contract names: a decimal's last digit, a
 * microsecond, a trailing space, a letter's case, NULL against '', a float's last
 * bit, a missing row, an extra row, a duplicate key (the target has no primary key)
 * and a change in another month. Each must be found in its partition, by key and
 * column, and nothing else. A text key in mixed case checks that both engines'
 * rows come in one order whatever their collation (MariaDB's default one ignores
 * case). Scan of a narrower target names every misfit and writes nothing. */
#include "copy.h"
#include "it.h"
#include "sbuf.h"
#include "vtable.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const placeholders[] = { "0001-01-01" };

/* the table's columns per engine; the target has no primary key (a duplicate key is
 * possible there) */
static const char *const vfy_cols[IT_NENGINES] = {
	"d DATE NOT NULL, amt DECIMAL_TEXT(12,4), f DOUBLE, ts TIMESTAMP, name VARCHAR(20), pd DATE)",
	"d date NOT NULL, amt numeric(12,4), f double precision, ts timestamp(6), name varchar(20), pd date)",
	"d date NOT NULL, amt decimal(12,4), f double, ts datetime(6), name varchar(20), pd date)"
	" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

static const char *const vfy_rows[] = {
	"(1, '2024-01-03', 1.2345, 0.1, '2024-01-03 10:00:00.123456', 'alpha', NULL)",
	"(2, '2024-01-04', 2.5, 0.5, '2024-01-04 10:00:00.000001', 'bravo', NULL)",
	"(3, '2024-01-05', 3, 1.5, '2024-01-05 10:00:00', 'charlie', NULL)",
	"(4, '2024-01-06', 4.0001, 2.5, '2024-01-06 10:00:00', 'delta', NULL)",
	"(5, '2024-01-07', 5, 3.5, '2024-01-07 10:00:00', '', NULL)",
	"(6, '2024-01-08', 6, 0.1, '2024-01-08 10:00:00', 'foxtrot', NULL)",
	"(7, '2024-01-09', 7, 7.5, '2024-01-09 10:00:00', 'golf', NULL)",
	"(8, '2024-01-10', 8, 8.5, '2024-01-10 10:00:00', 'hotel', '0001-01-01')",
	"(9, '2024-02-01', 9, 9.5, '2024-02-01 10:00:00', 'india', NULL)",
	"(10, '2024-02-02', 10, 10.5, '2024-02-02 10:00:00', 'juliet', NULL)",
};

static void
make_table(struct rpl_conn *c, int e, bool key)
{
	char sql[512];
	it_exec(c, "DROP TABLE IF EXISTS vfy");
	snprintf(sql, sizeof sql, "CREATE TABLE vfy (id BIGINT %s, %s", key ? "PRIMARY KEY" : "NOT NULL", vfy_cols[e]);
	it_exec(c, sql);
}

static void
copy_table(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *date_column)
{
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table, .date_column = date_column,
	                           .chunk_bytes = 1 << 20, .commit_rows = 100, .placeholder_dates = placeholders,
	                           .n_placeholder_dates = 1 };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	ck_assert_int_eq(acc.rejected, 0);
	rpl_copy_free(cp);
}

static struct rpl_vtable *
open_vt(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *date_column, int64_t chunk)
{
	struct rpl_vtable_opts o = { .src_table = table, .dst_table = table, .date_column = date_column,
	                             .chunk_bytes = chunk, .placeholder_dates = placeholders, .n_placeholder_dates = 1,
	                             .max_keys = 100 };
	struct rpl_vtable *v;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_open(src, dst, &o, &v, &err) == 0, "vtable: %s", err.msg);
	return v;
}

static void
verify(struct rpl_vtable *v, const struct rpl_range *r, struct rpl_verify_part *out, const char *what)
{
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, r, out, &err) == 0, "%s: verify: %s", what, err.msg);
}

/* keys_are: the list holds exactly these keys, in this order */
static void
keys_are(char **keys, size_t n, const char *const *want, size_t nwant, const char *what)
{
	ck_assert_msg(n == nwant, "%s: %zu keys, expected %zu (first: %s)", what, n, nwant, n ? keys[0] : "-");
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(keys[i], want[i]) == 0, "%s: key %zu is %s, expected %s", what, i, keys[i], want[i]);
}

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
static const struct rpl_range feb = { .start = { 2024, 2, 1 }, .end = { 2024, 3, 1 } };

/* change_target changes the target on a connection of its own: the copy left its
 * connection in a transaction of its own (manual commit) */
static void
change_target(int de)
{
	struct rpl_conn c, *d = &c;
	it_connect(d, de, "dst");
	it_exec(d, "UPDATE vfy SET amt = 1.2346 WHERE id = 1");
	it_exec(d, "UPDATE vfy SET ts = '2024-01-04 10:00:00.000002' WHERE id = 2");
	it_exec(d, "UPDATE vfy SET name = 'charlie ' WHERE id = 3");
	it_exec(d, "UPDATE vfy SET name = 'Delta' WHERE id = 4");
	it_exec(d, "UPDATE vfy SET name = NULL WHERE id = 5");
	it_exec(d, "UPDATE vfy SET f = 0.10000000000000002 WHERE id = 6");
	it_exec(d, "DELETE FROM vfy WHERE id = 7");
	it_exec(d, "INSERT INTO vfy VALUES (8, '2024-01-10', 8, 8.5, '2024-01-10 10:00:00', 'hotel', NULL)");
	it_exec(d, "INSERT INTO vfy VALUES (100, '2024-01-20', 1, 1, '2024-01-20 10:00:00', 'extra', NULL)");
	it_exec(d, "UPDATE vfy SET amt = 9.0001 WHERE id = 9");
	rpl_conn_close(d);
}

START_TEST(test_verify_pair)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	make_table(&s, se, true);
	make_table(&d, de, false);
	char sql[256];
	for (size_t i = 0; i < sizeof vfy_rows / sizeof vfy_rows[0]; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vfy VALUES %s", vfy_rows[i]);
		it_exec(&s, sql);
	}
	copy_table(&s, &d, "vfy", "d");
	/* 4 KiB chunks: a few rows each, so the merge crosses chunk edges */
	struct rpl_vtable *v = open_vt(&s, &d, "vfy", "d", 4096);
	struct rpl_verify_part p;
	verify(v, &jan, &p, what);
	ck_assert_msg(!p.differ, "%s: a fresh copy differs: missing %lld extra %lld changed %lld (%s)", what,
	              (long long)p.nmissing, (long long)p.nextra, (long long)p.nchanged,
	              p.changed_n ? p.changed[0].columns : "");
	ck_assert_int_eq(p.source_rows, 8);
	ck_assert_int_eq(p.target_rows, 8);
	rpl_verify_part_fini(&p);

	change_target(de);
	verify(v, &jan, &p, what);
	ck_assert(p.differ);
	static const char *const missing[] = { "{\"id\": 7}" };
	static const char *const extra[] = { "{\"id\": 8}", "{\"id\": 100}" };
	keys_are(p.missing, p.missing_n, missing, 1, what);
	keys_are(p.extra, p.extra_n, extra, 2, what);
	static const char *const changed[][2] = {
		{ "{\"id\": 1}", "[\"amt\"]" }, { "{\"id\": 2}", "[\"ts\"]" }, { "{\"id\": 3}", "[\"name\"]" },
		{ "{\"id\": 4}", "[\"name\"]" }, { "{\"id\": 5}", "[\"name\"]" }, { "{\"id\": 6}", "[\"f\"]" },
	};
	ck_assert_msg(p.changed_n == 6, "%s: %zu changed rows, expected 6", what, p.changed_n);
	for (size_t i = 0; i < 6; i++) {
		ck_assert_msg(strcmp(p.changed[i].key, changed[i][0]) == 0 && strcmp(p.changed[i].columns, changed[i][1]) == 0,
		              "%s: changed %zu is %s %s, expected %s %s", what, i, p.changed[i].key, p.changed[i].columns,
		              changed[i][0], changed[i][1]);
	}
	rpl_verify_part_fini(&p);
	verify(v, &feb, &p, what);
	ck_assert_int_eq(p.nchanged, 1);
	ck_assert_str_eq(p.changed[0].key, "{\"id\": 9}");
	ck_assert_str_eq(p.changed[0].columns, "[\"amt\"]");
	ck_assert_int_eq(p.nmissing + p.nextra, 0);
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a text key in mixed case and accents: binary order on both sides */
START_TEST(test_text_key)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	static const char *const ddl[IT_NENGINES] = {
		"CREATE TABLE vfk (code VARCHAR(10) PRIMARY KEY, v INTEGER)",
		"CREATE TABLE vfk (code varchar(10) PRIMARY KEY, v integer)",
		"CREATE TABLE vfk (code varchar(10) PRIMARY KEY, v int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	};
	it_exec(&s, "DROP TABLE IF EXISTS vfk");
	it_exec(&d, "DROP TABLE IF EXISTS vfk");
	it_exec(&s, ddl[se]);
	it_exec(&d, ddl[de]);
	it_exec(&s, "INSERT INTO vfk VALUES ('a', 1), ('B', 2), ('c', 3), ('D', 4), ('\xc3\xa9', 5), ('Z', 6), ('_x', 7)");
	copy_table(&s, &d, "vfk", NULL);
	struct rpl_vtable *v = open_vt(&s, &d, "vfk", NULL, 1 << 20);
	struct rpl_verify_part p;
	struct rpl_range all = { .all = true };
	verify(v, &all, &p, what);
	ck_assert_msg(!p.differ, "%s: equal tables differ: missing %s extra %s", what, p.missing_n ? p.missing[0] : "-",
	              p.extra_n ? p.extra[0] : "-");
	rpl_verify_part_fini(&p);
	struct rpl_conn d2;
	it_connect(&d2, de, "dst");
	it_exec(&d2, "UPDATE vfk SET v = 40 WHERE code = 'D'");
	rpl_conn_close(&d2);
	verify(v, &all, &p, what);
	ck_assert_int_eq(p.nmissing + p.nextra, 0);
	ck_assert_int_eq(p.nchanged, 1);
	ck_assert_str_eq(p.changed[0].key, "{\"code\": \"D\"}");
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("pairs");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_verify_pair, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_text_key, 0, IT_NENGINES * IT_NENGINES);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
