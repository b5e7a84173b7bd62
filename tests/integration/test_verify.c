/* tests/integration/test_verify.c: verify and scan (lib/core/vtable.h) on every source x
 * target pair of SQLite, PostgreSQL and MariaDB. A table is copied by the copy
 * itself (with a placeholder date the run makes NULL), verified equal, then changed
 * on the target in each way the contract names: a decimal's last digit, a
 * microsecond, a trailing space, a letter's case, NULL against '', a float's last
 * bit, a missing row, an extra row, a duplicate key (the target has no primary key)
 * and a change in another month. Each must be found in its partition, by key and
 * column, and nothing else. A text key in mixed case checks that both engines'
 * rows come in one order whatever their collation (MariaDB's default one ignores
 * case). Through `replicad verify` (argv[1]): the exit status, the JSON, and --repair
 * leaving both partitions equal; `replicad scan` of a narrower target names every
 * misfit and writes nothing (no ledger table appears, no row). */
#include "colmap.h"
#include "copy.h"
#include "it.h"
#include "sbuf.h"
#include "vslices.h"
#include "vtable.h"
#include <fcntl.h>
#include <sched.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *replicad_bin;

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

/* a table without a primary key on either side: counts and the digest */
START_TEST(test_keyless)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64], sql[256];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	make_table(&s, se, false);
	make_table(&d, de, false);
	for (size_t i = 0; i < sizeof vfy_rows / sizeof vfy_rows[0]; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vfy VALUES %s", vfy_rows[i]);
		it_exec(&s, sql);
	}
	copy_table(&s, &d, "vfy", "d");
	struct rpl_vtable *v = open_vt(&s, &d, "vfy", "d", 4096);
	struct rpl_verify_part p;
	verify(v, &jan, &p, what);
	ck_assert(!p.keyed);
	ck_assert_msg(!p.differ, "%s: a fresh keyless copy differs", what);
	ck_assert_int_eq(p.target_rows, 8);
	rpl_verify_part_fini(&p);
	struct rpl_conn c;
	it_connect(&c, de, "dst");
	it_exec(&c, "INSERT INTO vfy VALUES (8, '2024-01-10', 8, 8.5, '2024-01-10 10:00:00', 'hotel', NULL)");
	it_exec(&c, "DELETE FROM vfy WHERE id = 7");   /* the same count, a row doubled */
	verify(v, &jan, &p, what);
	ck_assert_int_eq(p.target_rows, 8);
	ck_assert_msg(p.differ, "%s: a doubled row for a deleted one is not seen", what);
	rpl_verify_part_fini(&p);
	verify(v, &feb, &p, what);   /* the other month is still equal */
	ck_assert(!p.differ);
	rpl_verify_part_fini(&p);
	it_exec(&c, "UPDATE vfy SET f = 9.500000000000002 WHERE id = 9");
	verify(v, &feb, &p, what);
	ck_assert_msg(p.differ, "%s: a float's last bit is not seen", what);
	rpl_verify_part_fini(&p);
	rpl_conn_close(&c);
	rpl_vtable_close(v);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* the column mapping: a renamed column compared under its target name and reported
 * under the source's, an excluded one not compared */
static char *map_excl[] = { "secret" };
static char *map_from[] = { "title" }, *map_to[] = { "film_title" };

START_TEST(test_mapping)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	it_exec(&s, "DROP TABLE IF EXISTS vfm");
	it_exec(&d, "DROP TABLE IF EXISTS vfm");
	it_exec(&s, "CREATE TABLE vfm (id INTEGER NOT NULL PRIMARY KEY, d DATE NOT NULL, title VARCHAR(40), secret VARCHAR(40))");
	it_exec(&d, "CREATE TABLE vfm (id INTEGER NOT NULL PRIMARY KEY, d DATE NOT NULL, film_title VARCHAR(40))");
	it_exec(&s, "INSERT INTO vfm VALUES (1, '2024-01-05', 'Academy Dinosaur', 'pw1')");
	it_exec(&s, "INSERT INTO vfm VALUES (2, '2024-01-06', NULL, 'pw2')");
	struct rpl_colmap m = { .exclude = map_excl, .n_exclude = 1, .from = map_from, .to = map_to, .n_rename = 1 };
	struct rpl_copy_opts co = { .src_table = "vfm", .dst_table = "vfm", .date_column = "d", .chunk_bytes = 1 << 20,
	                            .commit_rows = 100, .map = &m };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&s, &d, &co, &cp, &err) == 0, "%s: prepare: %s", what, err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "%s: copy: %s", what, err.msg);
	rpl_copy_free(cp);
	struct rpl_vtable_opts o = { .src_table = "vfm", .dst_table = "vfm", .date_column = "d", .chunk_bytes = 1 << 20,
	                             .map = &m, .max_keys = 10 };
	struct rpl_vtable *v;
	ck_assert_msg(rpl_vtable_open(&s, &d, &o, &v, &err) == 0, "%s: vtable: %s", what, err.msg);
	struct rpl_verify_part p;
	verify(v, &all, &p, what);
	ck_assert_msg(!p.differ, "%s: a mapped copy differs", what);
	rpl_verify_part_fini(&p);
	struct rpl_conn c;
	it_connect(&c, de, "dst");
	it_exec(&c, "UPDATE vfm SET film_title = 'Academy dinosaur' WHERE id = 1");
	rpl_conn_close(&c);
	it_exec(&s, "UPDATE vfm SET secret = 'changed' WHERE id = 2");   /* not copied: not compared */
	verify(v, &all, &p, what);
	ck_assert_int_eq(p.nchanged, 1);
	ck_assert_str_eq(p.changed[0].key, "{\"id\": 1}");
	ck_assert_str_eq(p.changed[0].columns, "[\"title\"]");
	rpl_verify_part_fini(&p);
	rpl_vtable_close(v);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* ---- the command line ---- */

static const char *
odbc_of(int e, bool src)
{
	static char s[2][1200];
	if (e == IT_SQLITE)
		snprintf(s[src], sizeof s[src], "Driver=SQLite3;Database=%s", it_tmpfile(src ? "it_src.db" : "it_dst.db"));
	else
		snprintf(s[src], sizeof s[src], "%s", getenv(e == IT_PG ? (src ? "RPL_TEST_PG_SRC" : "RPL_TEST_PG_DST")
		                                                        : (src ? "RPL_TEST_MARIADB_SRC" : "RPL_TEST_MARIADB_DST")));
	return s[src];
}

/* run_cmd runs `replicad -c cfg CMD vfy --from 2024-01-01 --to 2024-02-29 --json [extra]`
 * and returns its exit status, its stdout parsed into *out (NULL when not JSON) */
static int
run_cmd(const char *cfg, const char *cmd, const char *extra, json_t **out)
{
	const char *path = it_tmpfile("verify-out.json");
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_WRONLY);
		if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(nul, 2) < 0)
			_exit(126);
		execl(replicad_bin, "replicad", "-c", cfg, cmd, "vfy", "--from", "2024-01-01", "--to", "2024-02-29", "--json",
		      extra, (char *)NULL);
		_exit(127);
	}
	int st = it_wait_replicad(pid);
	*out = json_load_file(path, JSON_ALLOW_NUL, NULL);
	return st;
}

/* no_ledger: the target holds no ledger table (verify and scan write nothing) */
static void
no_ledger(struct rpl_conn *d, int de, const char *what)
{
	static const char *const q[IT_NENGINES] = {
		"SELECT count(*) FROM sqlite_master WHERE name LIKE 'replicad%'",
		"SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'replicad%'",
		"SELECT count(*) FROM information_schema.tables WHERE table_schema = database() AND table_name LIKE 'replicad%'",
	};
	ck_assert_msg(it_query_int(d, q[de]) == 0, "%s: a ledger table appeared", what);
}

static void
drop_ledger(struct rpl_conn *d)
{
	it_exec(d, "DROP TABLE IF EXISTS replicad_partitions");
	it_exec(d, "DROP TABLE IF EXISTS replicad_jobs");
	it_exec(d, "DROP TABLE IF EXISTS replicad_indexes");
	it_exec(d, "DROP TABLE IF EXISTS replicad_claims");
	it_exec(d, "DROP TABLE IF EXISTS replicad_nodes");
	it_exec(d, "DROP TABLE IF EXISTS replicad_lock");
}

static json_t *
part(json_t *o, size_t i, const char *key)
{
	return json_object_get(json_array_get(json_object_get(o, "partitions"), i), key);
}

/* copied_vfy: vfy's rows in se, copied into de's vfy (with a primary key or not),
 * no ledger on the target; the target's connection is closed (the copy left it in a
 * transaction of its own) */
static void
copied_vfy(struct rpl_conn *s, int se, int de, bool dst_key)
{
	struct rpl_conn d;
	it_connect(s, se, "src");
	it_connect(&d, de, "dst");
	make_table(s, se, true);
	make_table(&d, de, dst_key);
	drop_ledger(&d);
	char sql[256];
	for (size_t i = 0; i < sizeof vfy_rows / sizeof vfy_rows[0]; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vfy VALUES %s", vfy_rows[i]);
		it_exec(s, sql);
	}
	copy_table(s, &d, "vfy", "d");
	rpl_conn_close(&d);
}

START_TEST(test_cli_repair)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	copied_vfy(&s, se, de, false);
	change_target(de);
	const char *cfg = it_write_config("verify.json", odbc_of(se, true), odbc_of(de, false), "vfy", "d", "{}");
	json_t *o;
	int st = run_cmd(cfg, "verify", NULL, &o);
	ck_assert_msg(st == 4 && o != NULL, "%s: verify exit %d, want 4 with JSON", what, st);
	ck_assert_str_eq(json_string_value(part(o, 0, "state")), "differ");
	ck_assert_str_eq(json_string_value(json_object_get(part(o, 0, "range"), "start")), "2024-01-01");
	ck_assert_str_eq(json_string_value(json_object_get(part(o, 0, "range"), "end")), "2024-02-01");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(part(o, 0, "missing"), 0), "id")), 7);
	ck_assert_int_eq(json_array_size(part(o, 0, "changed")), 6);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_array_get(part(o, 1, "changed"), 0),
	                                                                  "columns"), 0)), "amt");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(o, "totals"), "differ")), 2);
	json_decref(o);
	it_connect(&d, de, "dst");
	no_ledger(&d, de, what);
	st = run_cmd(cfg, "verify", "--repair", &o);
	ck_assert_msg(st == 0 && o != NULL, "%s: verify --repair exit %d, want 0", what, st);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_str_eq(json_string_value(part(o, i, "state")), "equal");
		ck_assert(json_is_true(part(o, i, "repaired")));
	}
	json_decref(o);
	st = run_cmd(cfg, "verify", NULL, &o);
	ck_assert_msg(st == 0 && o != NULL, "%s: verify after the repair: exit %d, want 0", what, st);
	ck_assert(json_is_false(part(o, 0, "repaired")));
	ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy"), 10);
	json_decref(o);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a row the target holds under another month's date: its key is missing from the
 * month it belongs to and extra in the other. One worker loads January first, and
 * January's reload was refused the key (the target still held it in February), while
 * February's then deleted it: the repair left the row out (an outside run). Repair
 * now goes round again while a round mends partitions. A key held outside the range
 * verified cannot be mended so: the repair says so, and the row stays where it is. */
START_TEST(test_cli_repair_moved)
{
	int de = _i;
	char what[64];
	snprintf(what, sizeof what, "moved row -> %s", it_engine_names[de]);
	struct rpl_conn s, d;
	copied_vfy(&s, IT_PG, de, true);
	it_connect(&d, de, "dst");
	it_exec(&d, "UPDATE vfy SET d = '2024-02-15' WHERE id = 1");
	const char *cfg = it_write_config("verify.json", odbc_of(IT_PG, true), odbc_of(de, false), "vfy", "d",
	                                  "{\"workers\": 1}");
	json_t *o;
	int st = run_cmd(cfg, "verify", NULL, &o);
	ck_assert_msg(st == 4 && o != NULL, "%s: verify exit %d, want 4", what, st);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(part(o, 0, "missing"), 0), "id")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(part(o, 1, "extra"), 0), "id")), 1);
	json_decref(o);
	st = run_cmd(cfg, "verify", "--repair", &o);
	ck_assert_msg(st == 0 && o != NULL, "%s: verify --repair exit %d, want 0", what, st);
	for (size_t i = 0; i < 2; i++)
		ck_assert_msg(json_is_true(part(o, i, "repaired")), "%s: partition %zu not repaired", what, i);
	json_decref(o);
	ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy WHERE id = 1 AND d = '2024-01-03'"), 1);
	ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy"), 10);
	/* outside the range: May holds February's row 9 */
	it_exec(&d, "UPDATE vfy SET d = '2024-05-01' WHERE id = 9");
	st = run_cmd(cfg, "verify", "--repair", &o);
	ck_assert_msg(st == 4 && o != NULL, "%s: verify --repair with the row outside the range: exit %d, want 4", what, st);
	ck_assert_str_eq(json_string_value(part(o, 1, "state")), "differ");
	json_decref(o);
	ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy WHERE id = 9"), 1);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* a key holding a NUL (SQLite text) is listed by --json like any other: jansson read
 * its "\u0000" only when told, and the entry was dropped (an outside run: scan's
 * rows_rejected 2 beside one entry) */
START_TEST(test_cli_nul_key)
{
	struct rpl_conn s, d;
	it_connect(&s, IT_SQLITE, "src");
	it_connect(&d, IT_MARIADB, "dst");
	it_exec(&s, "DROP TABLE IF EXISTS vfy");
	it_exec(&s, "CREATE TABLE vfy (k TEXT PRIMARY KEY, d DATE NOT NULL, v INTEGER)");
	it_exec(&s, "INSERT INTO vfy VALUES (CAST(X'610062' AS TEXT), '2024-01-05', 99999), ('c', '2024-01-05', 99999), "
	            "('e', '2024-01-05', 1)");
	it_exec(&d, "DROP TABLE IF EXISTS vfy");
	it_exec(&d, "CREATE TABLE vfy (k varchar(10) PRIMARY KEY, d date NOT NULL, v smallint) DEFAULT CHARSET=utf8mb4");
	const char *cfg = it_write_config("verify.json", odbc_of(IT_SQLITE, true), odbc_of(IT_MARIADB, false), "vfy", "d",
	                                  "{}");
	json_t *o;
	int st = run_cmd(cfg, "scan", NULL, &o);
	ck_assert_msg(st == 3 && o != NULL, "scan exit %d, want 3", st);
	json_t *rej = part(o, 0, "rejects");
	ck_assert_msg(json_array_size(rej) == 2, "scan lists %zu rejects, want 2", json_array_size(rej));
	const char *k0 = json_string_value(json_object_get(json_object_get(json_array_get(rej, 0), "key"), "k"));
	ck_assert_msg(k0 != NULL && json_string_length(json_object_get(json_object_get(json_array_get(rej, 0), "key"), "k")) == 3 &&
	                  memcmp(k0, "a\0b", 3) == 0, "the first key is not a NUL b");
	json_decref(o);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* scan names each column that would reject a row once, a NUL into PostgreSQL's text
 * beside another misfit (a review: the NUL's column listed ncols + 1 times, the
 * other never) */
START_TEST(test_cli_scan_nul)
{
	struct rpl_conn s, d;
	it_connect(&s, IT_MARIADB, "src");
	it_connect(&d, IT_PG, "dst");
	it_exec(&s, "DROP TABLE IF EXISTS vfy");
	it_exec(&s, "CREATE TABLE vfy (id int PRIMARY KEY, d date NOT NULL, a varchar(10), b varchar(10))");
	it_exec(&s, "INSERT INTO vfy VALUES (1, '2024-01-05', CONCAT('a', CHAR(0), 'b'), 'toolong'), (2, '2024-01-05', 'x', 'y')");
	it_exec(&d, "DROP TABLE IF EXISTS vfy");
	it_exec(&d, "CREATE TABLE vfy (id int PRIMARY KEY, d date NOT NULL, a text, b varchar(3))");
	const char *cfg = it_write_config("verify.json", odbc_of(IT_MARIADB, true), odbc_of(IT_PG, false), "vfy", "d", "{}");
	json_t *o;
	int st = run_cmd(cfg, "scan", NULL, &o);
	ck_assert_msg(st == 3 && o != NULL, "scan exit %d, want 3", st);
	json_t *rej = part(o, 0, "rejects");
	ck_assert_msg(json_array_size(rej) == 2, "scan lists %zu rejects, want 2 (a, b)", json_array_size(rej));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rej, 0), "column")), "a");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rej, 1), "column")), "b");
	json_decref(o);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

static int run_argv(char *const *argv, char *out, size_t n);

/* scan against a narrower target: every misfit named, nothing written */
START_TEST(test_cli_scan)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	make_table(&s, se, true);
	static const char *const narrow[IT_NENGINES] = {
		"CREATE TABLE vfy (id BIGINT NOT NULL, d DATE NOT NULL, amt DECIMAL_TEXT(6,2), f DOUBLE, ts TIMESTAMP,"
		" name VARCHAR(5), pd DATE)",
		"CREATE TABLE vfy (id bigint NOT NULL, d date NOT NULL, amt numeric(6,2), f double precision,"
		" ts timestamp(6), name varchar(5), pd date)",
		"CREATE TABLE vfy (id bigint NOT NULL, d date NOT NULL, amt decimal(6,2), f double, ts datetime(6),"
		" name varchar(5), pd date) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	};
	it_exec(&d, "DROP TABLE IF EXISTS vfy");
	it_exec(&d, narrow[de]);
	drop_ledger(&d);
	char sql[256];
	for (size_t i = 0; i < sizeof vfy_rows / sizeof vfy_rows[0]; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vfy VALUES %s", vfy_rows[i]);
		it_exec(&s, sql);
	}
	const char *cfg = it_write_config("scan.json", odbc_of(se, true), odbc_of(de, false), "vfy", "d", "{}");
	json_t *o;
	int st = run_cmd(cfg, "scan", NULL, &o);
	if (de == IT_SQLITE) {
		/* SQLite holds every one of them: no declared length or scale binds it
		 * (docs/engines.md), so only the placeholder date is a change */
		ck_assert_msg(st == 0 && o != NULL, "%s: scan exit %d, want 0 with JSON", what, st);
		ck_assert_int_eq(json_array_size(part(o, 0, "rejects")), 0);
		ck_assert_int_eq(json_array_size(part(o, 1, "rejects")), 0);
		ck_assert_int_eq(json_array_size(part(o, 0, "changes")), 1);
		json_decref(o);
		no_ledger(&d, de, what);
		ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy"), 0);
		rpl_conn_close(&s);
		rpl_conn_close(&d);
		return;
	}
	ck_assert_msg(st == 3 && o != NULL, "%s: scan exit %d, want 3 with JSON", what, st);
	/* January: 1.2345 and 4.0001 need four places; charlie and foxtrot are longer
	 * than 5 (alpha, bravo, delta, golf, hotel fit); hotel's placeholder date is a
	 * change; February: juliet */
	static const char *const want[][3] = {
		{ "1", "amt", "precision" }, { "3", "name", "too_long" }, { "4", "amt", "precision" },
		{ "6", "name", "too_long" },
	};
	json_t *rej = part(o, 0, "rejects");
	char *dump = json_dumps(rej, JSON_COMPACT);
	ck_assert_msg(json_array_size(rej) == 4, "%s: %zu rejects, want 4: %s", what, json_array_size(rej), dump);
	free(dump);
	for (size_t i = 0; i < 4; i++) {
		json_t *r = json_array_get(rej, i);
		char key[8];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(json_object_get(r, "key"), "id")));
		ck_assert_msg(strcmp(key, want[i][0]) == 0 && strcmp(json_string_value(json_object_get(r, "column")), want[i][1]) == 0 &&
		              strcmp(json_string_value(json_object_get(r, "rule")), want[i][2]) == 0,
		              "%s: reject %zu is %s %s %s, want %s %s %s", what, i, key,
		              json_string_value(json_object_get(r, "column")), json_string_value(json_object_get(r, "rule")),
		              want[i][0], want[i][1], want[i][2]);
	}
	json_t *chg = json_array_get(part(o, 0, "changes"), 0);
	ck_assert_int_eq(json_array_size(part(o, 0, "changes")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(chg, "key"), "id")), 8);
	ck_assert_str_eq(json_string_value(json_object_get(chg, "column")), "pd");
	ck_assert_str_eq(json_string_value(json_object_get(chg, "rule")), "placeholder_date");
	ck_assert_int_eq(json_array_size(part(o, 1, "rejects")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(part(o, 0, "by_rule"), "too_long")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(part(o, 0, "by_column"), "amt"), "precision")), 2);
	json_decref(o);
	/* in text, a list cut by --max-keys says how many it left out, as verify's do */
	char *argv[] = { "replicad", "-c", (char *)cfg, "scan", "vfy", "--from", "2024-01-01", "--to", "2024-01-31",
		             "--max-keys", "1", NULL };
	char text[4096];
	st = run_argv(argv, text, sizeof text);
	ck_assert_msg(st == 3 && strstr(text, "    … and 3 more rejected values\n") != NULL &&
	              strstr(text, "more changed values") == NULL, "%s: scan --max-keys 1 exit %d:\n%s", what, st, text);
	no_ledger(&d, de, what);
	ck_assert_int_eq(it_query_int(&d, "SELECT count(*) FROM vfy"), 0);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* run_argv runs replicad with argv (NULL-terminated, after the binary) and returns its
 * exit status; its stdout is in out (n bytes, NUL-terminated) */
static int
run_argv(char *const *argv, char *out, size_t n)
{
	const char *path = it_tmpfile("verify-dry.txt");
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_WRONLY);
		if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(nul, 2) < 0)
			_exit(126);
		execv(replicad_bin, argv);
		_exit(127);
	}
	int st = it_wait_replicad(pid);
	FILE *f = fopen(path, "r");
	size_t k = f != NULL ? fread(out, 1, n - 1, f) : 0;
	out[k] = '\0';
	if (f != NULL)
		fclose(f);
	return st;
}

/* --dry-run --target-dialect mssql: SQL Server's ordered SELECT, the target never
 * connected (its connection string names a port nothing listens on) */
START_TEST(test_cli_dry_mssql)
{
	struct rpl_conn s;
	it_connect(&s, _i, "src");
	static const char *const ddl[IT_NENGINES] = {
		"CREATE TABLE vfk (code VARCHAR(10) PRIMARY KEY, v INTEGER)",
		"CREATE TABLE vfk (code varchar(10) PRIMARY KEY, v integer)",
		"CREATE TABLE vfk (code varchar(10) PRIMARY KEY, v int) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	};
	static const char *const src_sql[IT_NENGINES] = {
		"1. source: SELECT \"code\", \"v\" FROM \"vfk\" ORDER BY CAST(\"code\" AS TEXT) COLLATE BINARY\n",
		"1. source: SELECT \"code\", \"v\" FROM \"vfk\" ORDER BY \"code\"::text COLLATE \"C\"\n",
		"1. source: SELECT `code`, `v` FROM `vfk` ORDER BY CAST(CONVERT(`code` USING utf8mb4) AS BINARY)\n",
	};
	it_exec(&s, "DROP TABLE IF EXISTS vfk");
	it_exec(&s, ddl[_i]);
	const char *cfg = it_write_config("verify-dry.json", odbc_of(_i, true),
	                                  "Driver=FreeTDS;Server=127.0.0.1;Port=1;Database=replica", "vfk", NULL, "{}");
	char out[4096], want[1024];
	char *argv[] = { "replicad", "-c", (char *)cfg, "verify", "vfk", "--full", "--dry-run", "--target-dialect", "mssql",
	                 NULL };
	int st = run_argv(argv, out, sizeof out);
	ck_assert_msg(st == 0, "%s: exit %d: %s", it_engine_names[_i], st, out);
	snprintf(want, sizeof want, "-- verify vfk all\n%s2. target: SELECT [code], [v] FROM [vfk] ORDER BY [code] COLLATE Latin1_General_BIN2\n",
	         src_sql[_i]);
	ck_assert_str_eq(out, want);
	rpl_conn_close(&s);
}
END_TEST

/* --dry-run of a table with an integer key says how its big partitions are read:
 * in key slices or in one piece, and on what that was decided (the source's row
 * size after ANALYZE, the CPUs this process may run on) */
START_TEST(test_cli_dry_slices)
{
	struct rpl_conn s, d;
	it_connect(&s, IT_PG, "src");
	it_connect(&d, IT_PG, "dst");
	it_exec(&s, "DROP TABLE IF EXISTS vsd");
	it_exec(&d, "DROP TABLE IF EXISTS vsd");
	it_exec(&s, "CREATE TABLE vsd (id bigint PRIMARY KEY, v integer)");
	it_exec(&d, "CREATE TABLE vsd (id bigint PRIMARY KEY, v integer)");
	it_exec(&s, "INSERT INTO vsd SELECT g, g FROM generate_series(1, 100) g");
	it_exec(&s, "ANALYZE vsd");
	int64_t bytes = it_query_int(&s, "SELECT (pg_table_size('vsd') / reltuples)::bigint FROM pg_class WHERE "
	                                 "relname = 'vsd'");
	cpu_set_t set;
	ck_assert(sched_getaffinity(0, sizeof set, &set) == 0);
	int cpus = CPU_COUNT(&set);
	const char *cfg = it_write_config("verify-dry-slices.json", odbc_of(IT_PG, true), odbc_of(IT_PG, false), "vsd",
	                                  NULL, "{\"workers\": 4}");
	char out[4096], want[256];
	char *argv[] = { "replicad", "-c", (char *)cfg, "verify", "vsd", "--full", "--dry-run", NULL };
	int st = run_argv(argv, out, sizeof out);
	ck_assert_msg(st == 0, "exit %d: %s", st, out);
	size_t k = rpl_vslices_count(4, cpus, bytes);
	if (k > 1)
		snprintf(want, sizeof want, "-- a partition spanning %d keys or more: up to %zu key slices side by side,"
		         " each SELECT with its slice in its WHERE (rows of %lld bytes on %d CPUs)\n-- verify vsd all\n",
		         2 * RPL_VSLICES_MIN_SPAN, k, (long long)bytes, cpus);
	else
		snprintf(want, sizeof want, "-- every partition in one piece (rows of %lld bytes on %d CPUs)\n-- verify vsd"
		         " all\n", (long long)bytes, cpus);
	ck_assert_msg(strncmp(out, want, strlen(want)) == 0, "dry run:\n%s\nexpected it to start:\n%s", out, want);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_verify REPLICAD\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("pairs");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_verify_pair, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_text_key, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_keyless, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_mapping, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_cli_repair, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_cli_repair_moved, 0, IT_NENGINES);
	tcase_add_test(tc, test_cli_nul_key);
	tcase_add_test(tc, test_cli_scan_nul);
	tcase_add_loop_test(tc, test_cli_scan, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_cli_dry_mssql, 0, IT_NENGINES);
	tcase_add_test(tc, test_cli_dry_slices);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
