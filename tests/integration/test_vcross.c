/* tests/integration/test_vcross.c: verify's digest between a MariaDB source and a
 * PostgreSQL target (lib/core/vcross.h): replicad hashes the source's rows as the
 * target's server hashes its own. A table of every type it digests, copied by the copy
 * itself, must be equal by the digests alone: that proves replicad's hashes are
 * PostgreSQL's for each type and value (text with letters beyond ASCII, negative and
 * zero decimals, a double's bits, microseconds, NULLs). Then the target is changed in
 * each way the contract names, one at a time: a decimal's last digit, its sign (which
 * PostgreSQL's numeric hash leaves out), a microsecond, a trailing space, a letter's
 * case, NULL against '', a double's last bit, a byte, a boolean, a letter beyond
 * ASCII, values swapped between two rows, a missing and an extra row. Each must send
 * the partition to the rows and be found there by key and column; undone, the
 * partition is equal by digest again. A placeholder date the value rules make NULL
 * is equal by digest to the target's NULL, and found when the target kept it. A
 * source row the rules reject (a name longer than the target's column) stops the
 * digest, and the rows say equal, that row rejected. */
#include "copy.h"
#include "it.h"
#include "vtable.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const placeholders[] = { "0001-01-01" };

static const char *const cols =
	"(id BIGINT PRIMARY KEY, d DATE NOT NULL, amt DECIMAL(12,4), f DOUBLE, name VARCHAR(20), note TEXT,"
	" b VARBINARY(16), flag BOOLEAN, ts DATETIME(6), n INT, s SMALLINT, big BIGINT, pd DATE)"
	" CHARACTER SET utf8mb4";

static const char *const rows[] = {
	"(1, '2024-01-03', 1.2345, 0.1, 'alpha', 'Grüße aus Köln, 12 €', x'0102', 1, '2024-01-03 10:00:00.123456', 1,"
	" 1, 9007199254740993, NULL)",
	"(2, '2024-01-04', -2.5, 1e300, '', 'y', x'', 0, '2024-01-04 10:00:00.000001', 2, -2, -1, '2024-01-04')",
	"(3, '2024-01-05', NULL, NULL, 'charlie', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
	"(4, '2024-01-06', 0, -2.5, 'delta', 'z', x'ff', 1, '2024-01-06 10:00:00', -4, 32767, 4294967296, NULL)",
	"(5, '2024-02-01', 5, 5, 'echo', 'w', x'05', 1, '2024-02-01 10:00:00', 5, 5, 5, NULL)",
};

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };

/* load: the table in MariaDB, copied to PostgreSQL, where the copy creates it unless
 * target_ddl gives it */
static void
load(struct rpl_conn *s, struct rpl_conn *d, const char *target_ddl)
{
	char sql[512];
	it_connect(s, IT_MARIADB, "src");
	it_connect(d, IT_PG, "dst");
	it_exec(s, "DROP TABLE IF EXISTS vcx");
	snprintf(sql, sizeof sql, "CREATE TABLE vcx %s", cols);
	it_exec(s, sql);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vcx VALUES %s", rows[i]);
		it_exec(s, sql);
	}
	it_exec(d, "DROP TABLE IF EXISTS vcx");
	if (target_ddl != NULL)
		it_exec(d, target_ddl);
	struct rpl_copy_opts o = { .src_table = "vcx", .dst_table = "vcx", .date_column = "d", .chunk_bytes = 1 << 20,
	                           .commit_rows = 100, .placeholder_dates = placeholders, .n_placeholder_dates = 1,
	                           .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(s, d, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
}

static struct rpl_vtable *
open_vt(struct rpl_conn *src, struct rpl_conn *dst)
{
	struct rpl_vtable_opts o = { .src_table = "vcx", .dst_table = "vcx", .date_column = "d", .chunk_bytes = 4096,
	                             .placeholder_dates = placeholders, .n_placeholder_dates = 1, .max_keys = 100 };
	struct rpl_vtable *v;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_open(src, dst, &o, &v, &err) == 0, "vtable: %s", err.msg);
	return v;
}

static void
equal_by_digest(struct rpl_vtable *v, const char *what)
{
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "%s: verify: %s", what, err.msg);
	ck_assert_msg(!p.differ && p.by_digest, "%s: differ %d, by digest %d (changed %lld: %s %s)", what, p.differ,
	              p.by_digest, (long long)p.nchanged, p.changed_n ? p.changed[0].key : "-",
	              p.changed_n ? p.changed[0].columns : "-");
	ck_assert_int_eq(p.source_rows, 4);
	ck_assert_int_eq(p.target_rows, 4);
	rpl_verify_part_fini(&p);
}

/* found: after change (on the target), January differs by exactly key and column
 * (NULL: the key is missing; "+": extra; "2": two rows changed), found by the rows;
 * undo makes it equal by digest again */
static void
found(struct rpl_vtable *v, struct rpl_conn *d, const char *change, const char *undo, const char *key,
      const char *column)
{
	it_exec(d, change);
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "%s: verify: %s", change, err.msg);
	ck_assert_msg(p.differ && !p.by_digest, "%s: differ %d, by digest %d", change, p.differ, p.by_digest);
	if (column == NULL) {
		ck_assert_msg(p.missing_n == 1 && p.nextra == 0 && p.nchanged == 0, "%s: %zu missing", change, p.missing_n);
		ck_assert_str_eq(p.missing[0], key);
	} else if (strcmp(column, "+") == 0) {
		ck_assert_msg(p.extra_n == 1 && p.nmissing == 0 && p.nchanged == 0, "%s: %zu extra", change, p.extra_n);
		ck_assert_str_eq(p.extra[0], key);
	} else if (strcmp(column, "2") == 0) {
		ck_assert_msg(p.nchanged == 2 && p.nmissing == 0 && p.nextra == 0, "%s: %lld changed", change,
		              (long long)p.nchanged);
	} else {
		ck_assert_msg(p.changed_n == 1 && p.nmissing == 0 && p.nextra == 0, "%s: %zu changed, %lld missing,"
		              " %lld extra", change, p.changed_n, (long long)p.nmissing, (long long)p.nextra);
		ck_assert_msg(strcmp(p.changed[0].key, key) == 0 && strcmp(p.changed[0].columns, column) == 0,
		              "%s: changed %s %s, expected %s %s", change, p.changed[0].key, p.changed[0].columns, key, column);
	}
	rpl_verify_part_fini(&p);
	it_exec(d, undo);
	equal_by_digest(v, undo);
}

START_TEST(test_cross_changes)
{
	struct rpl_conn s, d0, d;
	load(&s, &d0, NULL);
	it_connect(&d, IT_PG, "dst");   /* autocommit: the copy's connection is in manual commit */
	struct rpl_vtable *v = open_vt(&s, &d0);
	equal_by_digest(v, "a fresh copy");
	found(v, &d, "UPDATE vcx SET amt = 1.2346 WHERE id = 1", "UPDATE vcx SET amt = 1.2345 WHERE id = 1",
	      "{\"id\": 1}", "[\"amt\"]");
	found(v, &d, "UPDATE vcx SET amt = 2.5 WHERE id = 2", "UPDATE vcx SET amt = -2.5 WHERE id = 2", "{\"id\": 2}",
	      "[\"amt\"]");
	found(v, &d, "UPDATE vcx SET ts = '2024-01-04 10:00:00.000002' WHERE id = 2",
	      "UPDATE vcx SET ts = '2024-01-04 10:00:00.000001' WHERE id = 2", "{\"id\": 2}", "[\"ts\"]");
	found(v, &d, "UPDATE vcx SET note = 'z ' WHERE id = 4", "UPDATE vcx SET note = 'z' WHERE id = 4", "{\"id\": 4}",
	      "[\"note\"]");
	found(v, &d, "UPDATE vcx SET name = 'Alpha' WHERE id = 1", "UPDATE vcx SET name = 'alpha' WHERE id = 1",
	      "{\"id\": 1}", "[\"name\"]");
	found(v, &d, "UPDATE vcx SET name = NULL WHERE id = 2", "UPDATE vcx SET name = '' WHERE id = 2", "{\"id\": 2}",
	      "[\"name\"]");
	found(v, &d, "UPDATE vcx SET f = 0.10000000000000002 WHERE id = 1", "UPDATE vcx SET f = 0.1 WHERE id = 1",
	      "{\"id\": 1}", "[\"f\"]");
	found(v, &d, "UPDATE vcx SET b = '\\xfe' WHERE id = 4", "UPDATE vcx SET b = '\\xff' WHERE id = 4", "{\"id\": 4}",
	      "[\"b\"]");
	found(v, &d, "UPDATE vcx SET note = 'Grüße aus Koln, 12 €' WHERE id = 1",
	      "UPDATE vcx SET note = 'Grüße aus Köln, 12 €' WHERE id = 1", "{\"id\": 1}", "[\"note\"]");
	found(v, &d, "UPDATE vcx SET big = 9007199254740992 WHERE id = 1",
	      "UPDATE vcx SET big = 9007199254740993 WHERE id = 1", "{\"id\": 1}", "[\"big\"]");
	found(v, &d, "UPDATE vcx SET n = 3 - n WHERE id IN (1, 2)", "UPDATE vcx SET n = 3 - n WHERE id IN (1, 2)", NULL,
	      "2");
	found(v, &d, "DELETE FROM vcx WHERE id = 3",
	      "INSERT INTO vcx (id, d, name) VALUES (3, '2024-01-05', 'charlie')", "{\"id\": 3}", NULL);
	found(v, &d, "INSERT INTO vcx (id, d) VALUES (9, '2024-01-31')", "DELETE FROM vcx WHERE id = 9", "{\"id\": 9}",
	      "+");
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* a MariaDB BOOLEAN in a PostgreSQL boolean (the copy creates a smallint for it:
 * this target is made by hand): equal by digest, a flag flipped found */
START_TEST(test_cross_flag)
{
	struct rpl_conn s, d0, d;
	load(&s, &d0, "CREATE TABLE vcx (id bigint PRIMARY KEY, d date NOT NULL, amt numeric(12,4), f double precision,"
	              " name varchar(20), note text, b bytea, flag boolean, ts timestamp(6) without time zone,"
	              " n integer, s smallint, big bigint, pd date)");
	it_connect(&d, IT_PG, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0);
	equal_by_digest(v, "a fresh copy");
	it_exec(&d, "UPDATE vcx SET flag = NOT flag WHERE id = 1");
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(p.differ && !p.by_digest && p.changed_n == 1, "flag: differ %d, by digest %d", p.differ,
	              p.by_digest);
	ck_assert_str_eq(p.changed[0].columns, "[\"flag\"]");
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* a placeholder date: the rules make the source's NULL, which the target holds:
 * equal by digest; the target keeping the date is found */
START_TEST(test_cross_rules)
{
	struct rpl_conn s, d0, d;
	load(&s, &d0, NULL);
	it_connect(&d, IT_PG, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0);
	it_exec(&s, "UPDATE vcx SET pd = '0001-01-01' WHERE id = 4");
	equal_by_digest(v, "a placeholder date against NULL");
	found(v, &d, "UPDATE vcx SET pd = '0001-01-01' WHERE id = 4", "UPDATE vcx SET pd = NULL WHERE id = 4",
	      "{\"id\": 4}", "[\"pd\"]");
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* a target column narrower than a source value: the copy rejected row 3, the digest
 * stops at it, and the rows say equal with the row rejected; a change is found */
START_TEST(test_cross_rejected)
{
	struct rpl_conn s, d0, d;
	load(&s, &d0, "CREATE TABLE vcx (id bigint PRIMARY KEY, d date NOT NULL, amt numeric(12,4), f double precision,"
	              " name varchar(5), note text, b bytea, flag boolean, ts timestamp(6), n integer, s smallint,"
	              " big bigint, pd date)");
	it_connect(&d, IT_PG, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0);
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(!p.differ && !p.by_digest && p.rejected == 1 && p.source_rows == 4 && p.target_rows == 3,
	              "differ %d, by digest %d, rejected %lld, rows %lld/%lld", p.differ, p.by_digest,
	              (long long)p.rejected, (long long)p.source_rows, (long long)p.target_rows);
	rpl_verify_part_fini(&p);
	it_exec(&d, "UPDATE vcx SET n = 7 WHERE id = 4");
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(p.differ && p.changed_n == 1, "n: differ %d, %zu changed", p.differ, p.changed_n);
	ck_assert_str_eq(p.changed[0].columns, "[\"n\"]");
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vcross");
	TCase *tc = tcase_create("mariadb-pg");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cross_changes);
	tcase_add_test(tc, test_cross_flag);
	tcase_add_test(tc, test_cross_rules);
	tcase_add_test(tc, test_cross_rejected);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
