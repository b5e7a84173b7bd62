/* tests/integration/test_vdigest.c: verify's server digests (lib/core/vdigest.h)
 * between two PostgreSQL tables. A table of every digested type is copied by the
 * copy itself and found equal by the digests alone (no row read); then the target is
 * changed in each way the contract names, one at a time: a double's sign (-0.0
 * against 0.0, which PostgreSQL's own float hash makes alike), a letter's case, NULL
 * against '', a decimal's last digit, a microsecond, a trailing space, a char(n)'s
 * letter, a byte, a boolean, values swapped between two rows (which a sum of plain
 * hash_record hashes does not see), a missing and an extra row. Each must send the
 * partition to the rows and be found there by key and column; undone, the partition
 * is equal by digest again. A source date the value rules make NULL (a placeholder),
 * kept in the target as it was, must be found too: the digests alone would call the
 * sides equal. A SQLite table of more columns than one SQL function takes has a
 * change past the first 100 found. A pair of other engines, and a verify asked not
 * to, read rows.
 * `replicad verify --json` (argv[1]) says which partitions the digests decided. */
#include "copy.h"
#include "it.h"
#include "sbuf.h"
#include "vtable.h"
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *replicad_bin;

static const char *const placeholders[] = { "0001-01-01" };

static const char *const cols =
	"(id bigint PRIMARY KEY, d date NOT NULL, amt numeric(12,4), f double precision, name varchar(20),"
	" code char(4), note text, b bytea, flag boolean, ts timestamp(6), n int, s smallint, u uuid, pd date)";

static const char *const rows[] = {
	"(1, '2024-01-03', 1.2345, 0, 'alpha', 'ab', 'x', '\\x0102', true, '2024-01-03 10:00:00.123456', 1, 1,"
	" 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', NULL)",
	"(2, '2024-01-04', 2.5, 0.1, '', 'cd', 'y', '\\x', false, '2024-01-04 10:00:00.000001', 2, 2, NULL,"
	" '2024-01-04')",
	"(3, '2024-01-05', NULL, 1e300, 'charlie', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
	"(4, '2024-01-06', 4, -2.5, 'delta', 'ef', 'z', '\\xff', true, '2024-01-06 10:00:00', -4, -4, NULL, NULL)",
	"(5, '2024-02-01', 5, 5, 'echo', 'gh', 'w', '\\x05', true, '2024-02-01 10:00:00', 5, 5, NULL, NULL)",
};

/* SQLite's: values as SQLite keeps them, each with its storage class */
static const char *const lite_cols =
	"(id BIGINT PRIMARY KEY, d DATE NOT NULL, amt DECIMAL_TEXT(12,4), f DOUBLE, name VARCHAR(20), note TEXT,"
	" b BLOB, flag BOOLEAN, ts TIMESTAMP, n INTEGER, pd DATE)";

static const char *const lite_rows[] = {
	"(1, '2024-01-03', '1.2345', 0.5, 'alpha', 'x', x'0102', 1, '2024-01-03 10:00:00.123456', 1, NULL)",
	"(2, '2024-01-04', '2.5', 0.1, '', 'y', x'', 0, '2024-01-04 10:00:00.000001', 2, '2024-01-04')",
	"(3, '2024-01-05', NULL, 1e300, 'charlie', NULL, NULL, NULL, NULL, NULL, NULL)",
	"(4, '2024-01-06', '4', -2.5, 'delta', 'z', x'ff', 1, '2024-01-06 10:00:00', -4, NULL)",
	"(5, '2024-02-01', '5', 5, 'echo', 'w', x'05', 1, '2024-02-01 10:00:00', 5, NULL)",
};

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };

static void
make(struct rpl_conn *c)
{
	char sql[512];
	it_exec(c, "DROP TABLE IF EXISTS vdg");
	snprintf(sql, sizeof sql, "CREATE TABLE vdg %s", c->engine == RPL_ENGINE_SQLITE ? lite_cols : cols);
	it_exec(c, sql);
}

static void
copy_vdg(struct rpl_conn *src, struct rpl_conn *dst)
{
	struct rpl_copy_opts o = { .src_table = "vdg", .dst_table = "vdg", .date_column = "d", .chunk_bytes = 1 << 20,
	                           .commit_rows = 100, .placeholder_dates = placeholders, .n_placeholder_dates = 1,
	                           .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
}

static struct rpl_vtable *
open_vt(struct rpl_conn *src, struct rpl_conn *dst, bool no_digest)
{
	struct rpl_vtable_opts o = { .src_table = "vdg", .dst_table = "vdg", .date_column = "d", .chunk_bytes = 4096,
	                             .placeholder_dates = placeholders, .n_placeholder_dates = 1, .max_keys = 100,
	                             .no_digest = no_digest };
	struct rpl_vtable *v;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_open(src, dst, &o, &v, &err) == 0, "vtable: %s", err.msg);
	return v;
}

/* equal_by_digest: range jan is equal, and the digests said so */
static void
equal_by_digest(struct rpl_vtable *v, const char *what)
{
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "%s: verify: %s", what, err.msg);
	ck_assert_msg(!p.differ && p.by_digest, "%s: differ %d, by digest %d (changed %lld: %s)", what, p.differ,
	              p.by_digest, (long long)p.nchanged, p.changed_n ? p.changed[0].columns : "-");
	ck_assert_int_eq(p.source_rows, 4);
	ck_assert_int_eq(p.target_rows, 4);
	rpl_verify_part_fini(&p);
}

/* found: after change (run on the target), jan differs exactly by key and column
 * (column NULL: the key is missing; "+": extra), found by the rows; undo restores */
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

/* load_pair: the table in source engine se, copied to de (created there unless both
 * are the same engine) */
/* swapped: values swapped between two rows (n: 1 and 2), which a plain sum of
 * hash_record's hashes does not see, are found; swapped back, equal by digest */
static void
swapped(struct rpl_vtable *v, struct rpl_conn *d)
{
	it_exec(d, "UPDATE vdg SET n = 3 - n WHERE id IN (1, 2)");
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "swap: verify: %s", err.msg);
	ck_assert_msg(p.differ && !p.by_digest && p.nchanged == 2, "swap: differ %d, by digest %d, %lld changed",
	              p.differ, p.by_digest, (long long)p.nchanged);
	rpl_verify_part_fini(&p);
	it_exec(d, "UPDATE vdg SET n = 3 - n WHERE id IN (1, 2)");
	equal_by_digest(v, "swapped back");
}

static void
load_pair(struct rpl_conn *s, struct rpl_conn *d, int se, int de)
{
	it_connect(s, se, "src");
	it_connect(d, de, "dst");
	make(s);
	it_exec_ok(d, "DROP TABLE IF EXISTS vdg");
	if (de == se)
		make(d);
	char sql[512];
	for (size_t i = 0; i < 5; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vdg VALUES %s", se == IT_SQLITE ? lite_rows[i] : rows[i]);
		it_exec(s, sql);
	}
	copy_vdg(s, d);
}

START_TEST(test_digest_changes)
{
	struct rpl_conn s, d0, d;
	load_pair(&s, &d0, IT_PG, IT_PG);
	it_connect(&d, IT_PG, "dst");   /* autocommit: the copy's connection is in manual commit */
	struct rpl_vtable *v = open_vt(&s, &d0, false);
	equal_by_digest(v, "a fresh copy");
	found(v, &d, "UPDATE vdg SET f = '-0' WHERE id = 1", "UPDATE vdg SET f = 0 WHERE id = 1", "{\"id\": 1}",
	      "[\"f\"]");
	found(v, &d, "UPDATE vdg SET name = 'Alpha' WHERE id = 1", "UPDATE vdg SET name = 'alpha' WHERE id = 1",
	      "{\"id\": 1}", "[\"name\"]");
	found(v, &d, "UPDATE vdg SET name = NULL WHERE id = 2", "UPDATE vdg SET name = '' WHERE id = 2",
	      "{\"id\": 2}", "[\"name\"]");
	found(v, &d, "UPDATE vdg SET amt = 1.2346 WHERE id = 1", "UPDATE vdg SET amt = 1.2345 WHERE id = 1",
	      "{\"id\": 1}", "[\"amt\"]");
	/* PostgreSQL's numeric hash leaves the sign out: hash_numeric(-4) = hash_numeric(4) */
	found(v, &d, "UPDATE vdg SET amt = -amt WHERE id = 4", "UPDATE vdg SET amt = -amt WHERE id = 4",
	      "{\"id\": 4}", "[\"amt\"]");
	found(v, &d, "UPDATE vdg SET ts = '2024-01-04 10:00:00.000002' WHERE id = 2",
	      "UPDATE vdg SET ts = '2024-01-04 10:00:00.000001' WHERE id = 2", "{\"id\": 2}", "[\"ts\"]");
	found(v, &d, "UPDATE vdg SET note = 'z ' WHERE id = 4", "UPDATE vdg SET note = 'z' WHERE id = 4",
	      "{\"id\": 4}", "[\"note\"]");
	found(v, &d, "UPDATE vdg SET code = 'eF' WHERE id = 4", "UPDATE vdg SET code = 'ef' WHERE id = 4",
	      "{\"id\": 4}", "[\"code\"]");
	found(v, &d, "UPDATE vdg SET b = '\\xfe' WHERE id = 4", "UPDATE vdg SET b = '\\xff' WHERE id = 4",
	      "{\"id\": 4}", "[\"b\"]");
	found(v, &d, "UPDATE vdg SET flag = NOT flag WHERE id = 1", "UPDATE vdg SET flag = NOT flag WHERE id = 1",
	      "{\"id\": 1}", "[\"flag\"]");
	found(v, &d, "DELETE FROM vdg WHERE id = 3",
	      "INSERT INTO vdg (id, d, f, name) VALUES (3, '2024-01-05', 1e300, 'charlie')", "{\"id\": 3}", NULL);
	found(v, &d, "INSERT INTO vdg (id, d) VALUES (9, '2024-01-31')", "DELETE FROM vdg WHERE id = 9",
	      "{\"id\": 9}", "+");
	swapped(v, &d);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* the same between two SQLite files, through replicad's SQL functions there */
START_TEST(test_digest_lite)
{
	struct rpl_conn s, d0, d;
	load_pair(&s, &d0, IT_SQLITE, IT_SQLITE);
	it_connect(&d, IT_SQLITE, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0, false);
	equal_by_digest(v, "a fresh copy");
	found(v, &d, "UPDATE vdg SET f = 0.10000000000000002 WHERE id = 2", "UPDATE vdg SET f = 0.1 WHERE id = 2",
	      "{\"id\": 2}", "[\"f\"]");
	found(v, &d, "UPDATE vdg SET name = 'Alpha' WHERE id = 1", "UPDATE vdg SET name = 'alpha' WHERE id = 1",
	      "{\"id\": 1}", "[\"name\"]");
	found(v, &d, "UPDATE vdg SET name = NULL WHERE id = 2", "UPDATE vdg SET name = '' WHERE id = 2",
	      "{\"id\": 2}", "[\"name\"]");
	found(v, &d, "UPDATE vdg SET amt = '1.2346' WHERE id = 1", "UPDATE vdg SET amt = '1.2345' WHERE id = 1",
	      "{\"id\": 1}", "[\"amt\"]");
	found(v, &d, "UPDATE vdg SET ts = '2024-01-04 10:00:00.000002' WHERE id = 2",
	      "UPDATE vdg SET ts = '2024-01-04 10:00:00.000001' WHERE id = 2", "{\"id\": 2}", "[\"ts\"]");
	found(v, &d, "UPDATE vdg SET note = 'z ' WHERE id = 4", "UPDATE vdg SET note = 'z' WHERE id = 4",
	      "{\"id\": 4}", "[\"note\"]");
	found(v, &d, "UPDATE vdg SET b = x'fe' WHERE id = 4", "UPDATE vdg SET b = x'ff' WHERE id = 4",
	      "{\"id\": 4}", "[\"b\"]");
	found(v, &d, "DELETE FROM vdg WHERE id = 3",
	      "INSERT INTO vdg (id, d, f, name) VALUES (3, '2024-01-05', 1e300, 'charlie')", "{\"id\": 3}", NULL);
	found(v, &d, "INSERT INTO vdg (id, d) VALUES (9, '2024-01-31')", "DELETE FROM vdg WHERE id = 9",
	      "{\"id\": 9}", "+");
	swapped(v, &d);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* SQLite: more columns than one SQL function takes (127 arguments): the row hash is
 * chained over calls of 100 columns, and a change past the first call is found */
START_TEST(test_digest_lite_wide)
{
	struct rpl_conn s, d0, d;
	it_connect(&s, IT_SQLITE, "src");
	it_connect(&d0, IT_SQLITE, "dst");
	struct rpl_sbuf ddl = RPL_SBUF_INIT, row = RPL_SBUF_INIT;
	rpl_sbuf_add(&ddl, "CREATE TABLE vdg (id BIGINT PRIMARY KEY, d DATE NOT NULL");
	for (int c = 1; c <= 130; c++)
		rpl_sbuf_addf(&ddl, ", c%d INTEGER", c);
	rpl_sbuf_add(&ddl, ")");
	ck_assert(rpl_sbuf_ok(&ddl));
	for (int k = 0; k < 2; k++) {
		struct rpl_conn *c = k ? &d0 : &s;
		it_exec(c, "DROP TABLE IF EXISTS vdg");
		it_exec(c, ddl.s);
	}
	for (int id = 1; id <= 3; id++) {
		rpl_sbuf_reset(&row);
		rpl_sbuf_addf(&row, "INSERT INTO vdg VALUES (%d, '2024-01-0%d'", id, id);
		for (int c = 1; c <= 130; c++)
			rpl_sbuf_addf(&row, ", %d", id * 1000 + c);
		rpl_sbuf_add(&row, ")");
		ck_assert(rpl_sbuf_ok(&row));
		it_exec(&s, row.s);
	}
	rpl_sbuf_fini(&ddl);
	rpl_sbuf_fini(&row);
	copy_vdg(&s, &d0);
	it_connect(&d, IT_SQLITE, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0, false);
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(!p.differ && p.by_digest && p.source_rows == 3, "a fresh copy: differ %d, by digest %d", p.differ,
	              p.by_digest);
	rpl_verify_part_fini(&p);
	it_exec(&d, "UPDATE vdg SET c120 = 0 WHERE id = 2");
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(p.differ && !p.by_digest && p.changed_n == 1, "c120: differ %d, by digest %d, %zu changed", p.differ,
	              p.by_digest, p.changed_n);
	ck_assert_str_eq(p.changed[0].key, "{\"id\": 2}");
	ck_assert_str_eq(p.changed[0].columns, "[\"c120\"]");
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* a placeholder date the rules make NULL, kept as it is in the target: the servers'
 * digests are equal, the verify is not (loop: PostgreSQL, SQLite) */
START_TEST(test_digest_rules)
{
	int e = _i ? IT_SQLITE : IT_PG;
	struct rpl_conn s, d0, d;
	load_pair(&s, &d0, e, e);
	it_connect(&d, e, "dst");
	struct rpl_vtable *v = open_vt(&s, &d0, false);
	it_exec(&s, "UPDATE vdg SET pd = '0001-01-01' WHERE id = 4");
	it_exec(&d, "UPDATE vdg SET pd = '0001-01-01' WHERE id = 4");
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(p.differ && !p.by_digest && p.changed_n == 1, "differ %d, by digest %d, %zu changed", p.differ,
	              p.by_digest, p.changed_n);
	ck_assert_str_eq(p.changed[0].key, "{\"id\": 4}");
	ck_assert_str_eq(p.changed[0].columns, "[\"pd\"]");
	rpl_verify_part_fini(&p);
	/* as a run writes it: equal, by the rows (a source value meets a rule) */
	it_exec(&d, "UPDATE vdg SET pd = NULL WHERE id = 4");
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(!p.differ && !p.by_digest, "differ %d, by digest %d", p.differ, p.by_digest);
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

/* digests only between two PostgreSQL tables, and not when asked not to */
START_TEST(test_digest_not)
{
	struct rpl_conn s, d;
	load_pair(&s, &d, IT_PG, _i ? IT_MARIADB : IT_PG);
	struct rpl_vtable *v = open_vt(&s, &d, _i == 0);
	struct rpl_verify_part p;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_verify(v, &jan, &p, &err) == 0, "verify: %s", err.msg);
	ck_assert_msg(!p.differ && !p.by_digest && p.source_rows == 4, "differ %d, by digest %d, %lld rows", p.differ,
	              p.by_digest, (long long)p.source_rows);
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* verify_json runs `replicad -c cfg verify vdg --from 2024-01-01 --to 2024-02-29
 * --json`: its exit status, its stdout parsed into *out */
static int
verify_json(const char *cfg, json_t **out)
{
	const char *path = it_tmpfile("vdigest-out.json");
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_WRONLY);
		if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(nul, 2) < 0)
			_exit(126);
		execl(replicad_bin, "replicad", "-c", cfg, "verify", "vdg", "--from", "2024-01-01", "--to", "2024-02-29",
		      "--json", (char *)NULL);
		_exit(127);
	}
	int st = it_wait_replicad(pid);
	*out = json_load_file(path, 0, NULL);
	ck_assert_msg(*out != NULL, "verify printed no JSON (exit %d)", st);
	return st;
}

static bool
by_digest(json_t *o, size_t i)
{
	return json_is_true(json_object_get(json_array_get(json_object_get(o, "partitions"), i), "by_digest"));
}

/* the command: both months equal by digest; a change in January sends January
 * alone to the rows, which name it */
START_TEST(test_digest_cli)
{
	struct rpl_conn s, d0, d;
	load_pair(&s, &d0, IT_PG, IT_PG);
	it_connect(&d, IT_PG, "dst");
	const char *cfg = it_write_config("vdigest.json", getenv("RPL_TEST_PG_SRC"), getenv("RPL_TEST_PG_DST"), "vdg",
	                                  "d", "{}");
	json_t *o;
	ck_assert_int_eq(verify_json(cfg, &o), 0);
	ck_assert_msg(by_digest(o, 0) && by_digest(o, 1), "equal months not by digest");
	json_decref(o);
	it_exec(&d, "UPDATE vdg SET name = 'Alpha' WHERE id = 1");
	ck_assert_int_eq(verify_json(cfg, &o), 4);
	ck_assert_msg(!by_digest(o, 0) && by_digest(o, 1), "January by digest %d, February %d", by_digest(o, 0),
	              by_digest(o, 1));
	json_t *ch = json_array_get(json_object_get(json_array_get(json_object_get(o, "partitions"), 0), "changed"), 0);
	char *dump = json_dumps(ch, JSON_COMPACT);
	ck_assert_str_eq(dump, "{\"key\":{\"id\":1},\"columns\":[\"name\"]}");
	free(dump);
	json_decref(o);
	rpl_conn_close(&d);
	rpl_conn_close(&s);
	rpl_conn_close(&d0);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_vdigest REPLICAD\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("vdigest");
	TCase *tc = tcase_create("pg");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_digest_changes);
	tcase_add_test(tc, test_digest_lite);
	tcase_add_test(tc, test_digest_lite_wide);
	tcase_add_loop_test(tc, test_digest_rules, 0, 2);
	tcase_add_loop_test(tc, test_digest_not, 0, 2);
	tcase_add_test(tc, test_digest_cli);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
