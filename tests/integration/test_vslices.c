/* tests/integration/test_vslices.c: a big partition verified in key slices side by
 * side (lib/core/vslices.h) on every source x target pair of SQLite, PostgreSQL and
 * MariaDB. The source's keys span 1000..201000 (a span of 200,000: four slices of
 * 50,000 keys, in a few dozen rows so the test stays quick), cut in four slices at
 * 51000, 101000 and 151000. A copy is equal in four slices; then the target is changed
 * at the least and greatest key, on both sides of each boundary, a row is deleted
 * just below a boundary, and rows are added below the source's least key and above
 * its greatest: each is found by key and column, in key order, with nothing else;
 * a NULL key added to the target gets the verdict it gets in one piece;
 * --max-keys applies after the merge. Where the pair has digests (PostgreSQL to
 * PostgreSQL, SQLite to SQLite, MariaDB to PostgreSQL) each slice's equal copy is
 * proven by them. A partition whose span is under the threshold
 * is verified in one piece. */
#include "copy.h"
#include "it.h"
#include "tablefacts.h"
#include "vslices.h"
#include "vtable.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the source's keys: the least and greatest, both sides of each boundary, and some
 * between */
static const int64_t keys[] = { 1000,  2000,  13000, 50999, 51000, 51001, 80000, 100999, 101000,
                                101001, 120000, 150999, 151000, 151001, 190000, 200999, 201000 };
#define NKEYS (sizeof keys / sizeof keys[0])

static void
make_table(struct rpl_conn *c, int e, bool key)
{
	static const char *const tail[IT_NENGINES] = { ")", ")", ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" };
	char sql[256];
	it_exec(c, "DROP TABLE IF EXISTS vsl");
	/* the target has no primary key: a row outside the source's keys can be added,
	 * and a row whose key is NULL */
	snprintf(sql, sizeof sql, "CREATE TABLE vsl (id BIGINT %s, name VARCHAR(20), n INTEGER%s",
	         key ? "PRIMARY KEY" : "NULL", tail[e]);
	it_exec(c, sql);
}

/* copy_all copies table t whole from s to d */
static void
copy_all(struct rpl_conn *s, struct rpl_conn *d, const char *t)
{
	struct rpl_copy_opts o = { .src_table = t, .dst_table = t, .chunk_bytes = 1 << 20, .commit_rows = 100 };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(s, d, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "copy: %s", err.msg);
	rpl_copy_free(cp);
}

static void
fill_and_copy(struct rpl_conn *s, struct rpl_conn *d)
{
	char sql[256];
	for (size_t i = 0; i < NKEYS; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO vsl VALUES (%lld, 'row %lld', %zu)", (long long)keys[i],
		         (long long)keys[i], i);
		it_exec(s, sql);
	}
	copy_all(s, d, "vsl");
}

/* open_on: a vtable of table t for load.workers slices on a host of cpus CPUs */
static struct rpl_vtable *
open_on(struct rpl_conn *s, struct rpl_conn *d, const char *t, size_t max_keys, int slices, int cpus,
        const char *what)
{
	struct rpl_vtable_opts o = { .src_table = t, .dst_table = t, .chunk_bytes = 4096, .max_keys = max_keys,
	                             .slices = slices, .cpus = cpus };
	struct rpl_vtable *v;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_vtable_open(s, d, &o, &v, &err) == 0, "%s: vtable: %s", what, err.msg);
	return v;
}

/* verify_on: verify table t whole on a host of cpus CPUs */
static void
verify_on(struct rpl_conn *s, struct rpl_conn *d, const char *t, size_t max_keys, int slices, int cpus,
          struct rpl_verify_part *p, const char *what)
{
	struct rpl_vtable *v = open_on(s, d, t, max_keys, slices, cpus, what);
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_vtable_verify(v, &all, p, &err) == 0, "%s: verify: %s", what, err.msg);
	rpl_vtable_close(v);
}

/* max_slices: rpl_vtable_slices of table t on a host of cpus CPUs (what the dry run
 * prints), checking the CPUs it says it decided on */
static size_t
max_slices(struct rpl_conn *s, struct rpl_conn *d, const char *t, int cpus, int64_t *bytes, const char *what)
{
	struct rpl_vtable *v = open_on(s, d, t, 100, 4, cpus, what);
	int said = 0;
	size_t k = rpl_vtable_slices(v, bytes, &said);
	ck_assert_msg(said == cpus, "%s: decided on %d CPUs, given %d", what, said, cpus);
	rpl_vtable_close(v);
	return k;
}

/* verify_in: on a host with a CPU for each slice's two threads, whatever the rows'
 * width (rpl_vslices_count) */
static void
verify_in(struct rpl_conn *s, struct rpl_conn *d, size_t max_keys, int slices, struct rpl_verify_part *p,
          const char *what)
{
	verify_on(s, d, "vsl", max_keys, slices, 2 * RPL_VSLICES_MAX, p, what);
}

static void
verify(struct rpl_conn *s, struct rpl_conn *d, size_t max_keys, struct rpl_verify_part *p, const char *what)
{
	verify_in(s, d, max_keys, 4, p, what);
}

static void
keys_are(char **got, size_t n, const char *const *want, size_t nwant, const char *list, const char *what)
{
	ck_assert_msg(n == nwant, "%s: %s: %zu keys, expected %zu (first: %s)", what, list, n, nwant, n ? got[0] : "-");
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(strcmp(got[i], want[i]) == 0, "%s: %s %zu is %s, expected %s", what, list, i, got[i], want[i]);
}

/* change_target: on a connection of its own (the copy's is in a transaction) */
static void
change_target(int de)
{
	struct rpl_conn c;
	it_connect(&c, de, "dst");
	static const int64_t changed[] = { 1000, 50999, 51000, 101000, 101001, 150999, 151000, 201000 };
	char sql[128];
	for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++) {
		snprintf(sql, sizeof sql, "UPDATE vsl SET name = 'changed' WHERE id = %lld", (long long)changed[i]);
		it_exec(&c, sql);
	}
	it_exec(&c, "DELETE FROM vsl WHERE id = 100999");
	it_exec(&c, "INSERT INTO vsl VALUES (5, 'below', 0)");
	it_exec(&c, "INSERT INTO vsl VALUES (999, 'below', 0)");
	it_exec(&c, "INSERT INTO vsl VALUES (201001, 'above', 0)");
	it_exec(&c, "INSERT INTO vsl VALUES (9000000000, 'above', 0)");
	rpl_conn_close(&c);
}

START_TEST(test_slices_pair)
{
	int se = _i / IT_NENGINES, de = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[se], it_engine_names[de]);
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, de, "dst");
	make_table(&s, se, true);
	make_table(&d, de, false);
	fill_and_copy(&s, &d);
	struct rpl_verify_part p;
	verify(&s, &d, 100, &p, what);
	ck_assert_msg(p.slices == 4, "%s: %d slices, expected 4", what, p.slices);
	ck_assert_msg(!p.differ, "%s: an equal copy differs: missing %s extra %s changed %s", what,
	              p.missing_n ? p.missing[0] : "-", p.extra_n ? p.extra[0] : "-", p.changed_n ? p.changed[0].key : "-");
	ck_assert_int_eq(p.source_rows, NKEYS);
	ck_assert_int_eq(p.target_rows, NKEYS);
	/* each slice asks for digests where the pair has them (vdigest.h, vcross.h) */
	bool digests = (se == de && se != IT_MARIADB) || (se == IT_MARIADB && de == IT_PG);
	ck_assert_msg(p.by_digest == digests, "%s: by digest %d, expected %d", what, p.by_digest, digests);
	rpl_verify_part_fini(&p);

	change_target(de);
	verify(&s, &d, 100, &p, what);
	ck_assert_int_eq(p.slices, 4);
	ck_assert(p.differ);
	ck_assert_int_eq(p.source_rows, NKEYS);
	ck_assert_int_eq(p.target_rows, NKEYS - 1 + 4);
	static const char *const missing[] = { "{\"id\": 100999}" };
	static const char *const extra[] = { "{\"id\": 5}", "{\"id\": 999}", "{\"id\": 201001}",
	                                     "{\"id\": 9000000000}" };
	static const char *const changed[] = { "{\"id\": 1000}",  "{\"id\": 50999}", "{\"id\": 51000}",
	                                       "{\"id\": 101000}", "{\"id\": 101001}", "{\"id\": 150999}",
	                                       "{\"id\": 151000}", "{\"id\": 201000}" };
	keys_are(p.missing, p.missing_n, missing, 1, "missing", what);
	keys_are(p.extra, p.extra_n, extra, 4, "extra", what);
	ck_assert_int_eq(p.nchanged, 8);
	ck_assert_msg(p.changed_n == 8, "%s: %zu changed keys, expected 8", what, p.changed_n);
	for (size_t i = 0; i < p.changed_n; i++) {
		ck_assert_msg(strcmp(p.changed[i].key, changed[i]) == 0, "%s: changed %zu is %s, expected %s", what, i,
		              p.changed[i].key, changed[i]);
		ck_assert_str_eq(p.changed[i].columns, "[\"name\"]");
	}
	ck_assert_int_eq(p.changed_by_col[1], 8);
	ck_assert_int_eq(p.changed_by_col[0] + p.changed_by_col[2], 0);
	rpl_verify_part_fini(&p);

	/* the cap after the merge: the first keys in key order, across slices */
	verify(&s, &d, 3, &p, what);
	ck_assert_int_eq(p.nextra, 4);
	ck_assert_int_eq(p.nchanged, 8);
	keys_are(p.extra, p.extra_n, extra, 3, "extra (max 3)", what);
	ck_assert_uint_eq(p.changed_n, 3);
	for (size_t i = 0; i < 3; i++)
		ck_assert_str_eq(p.changed[i].key, changed[i]);
	rpl_verify_part_fini(&p);

	/* a NULL key in the target is read in the first slice: the same verdict as in
	 * one piece, wherever its engine sorts NULL */
	struct rpl_conn c;
	it_connect(&c, de, "dst");
	it_exec(&c, "INSERT INTO vsl VALUES (NULL, 'null key', 0)");
	rpl_conn_close(&c);
	struct rpl_verify_part one;
	verify(&s, &d, 100, &p, what);
	verify_in(&s, &d, 100, 0, &one, what);
	ck_assert_int_eq(p.slices, 4);
	ck_assert_int_eq(one.slices, 0);
	ck_assert_int_eq(p.target_rows, NKEYS - 1 + 5);
	ck_assert_int_eq(one.target_rows, NKEYS - 1 + 5);
	ck_assert_msg(p.nmissing == one.nmissing && p.nextra == one.nextra && p.nchanged == one.nchanged,
	              "%s: in slices missing %lld extra %lld changed %lld, in one piece %lld %lld %lld", what,
	              (long long)p.nmissing, (long long)p.nextra, (long long)p.nchanged, (long long)one.nmissing,
	              (long long)one.nextra, (long long)one.nchanged);
	ck_assert_int_ge(p.nextra, 5);
	rpl_verify_part_fini(&p);
	rpl_verify_part_fini(&one);

	/* a span under the threshold: one piece */
	it_exec(&s, "DELETE FROM vsl WHERE id > 80000");
	verify(&s, &d, 100, &p, what);
	ck_assert_int_eq(p.slices, 0);
	ck_assert(p.differ);
	rpl_verify_part_fini(&p);
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* analyze: the source's statistics of table t brought up to date */
static void
analyze(struct rpl_conn *c, int e, const char *t)
{
	char sql[64];
	snprintf(sql, sizeof sql, e == IT_PG ? "ANALYZE %s" : "ANALYZE TABLE %s", t);
	it_exec(c, sql);
}

/* Rows narrower than RPL_VSLICES_WIDE_ROW by the source's statistics are sliced only
 * where the host has two CPUs a slice; wide rows are sliced on two CPUs too; a source
 * without statistics (SQLite) is taken as wide. The pairs keep to one engine: the
 * statistics are the source's. */
START_TEST(test_slices_row_width)
{
	static const int engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };
	int se = engines[_i];
	const char *what = it_engine_names[se];
	struct rpl_conn s, d;
	it_connect(&s, se, "src");
	it_connect(&d, se, "dst");
	make_table(&s, se, true);
	make_table(&d, se, false);
	fill_and_copy(&s, &d);
	struct rpl_err err = RPL_ERR_INIT;
	int64_t bytes = 0;
	if (se != IT_SQLITE)
		analyze(&s, se, "vsl");
	ck_assert_msg(rpl_table_row_bytes(&s, NULL, "vsl", &bytes, &err) == 0, "%s: row bytes: %s", what, err.msg);
	if (se == IT_SQLITE)
		ck_assert_msg(bytes == -1, "%s: SQLite has no statistics, got %lld bytes a row", what, (long long)bytes);
	else
		ck_assert_msg(bytes > 0 && bytes < RPL_VSLICES_WIDE_ROW, "%s: narrow rows measured %lld bytes", what,
		              (long long)bytes);
	int64_t said = 0;
	ck_assert_uint_eq(max_slices(&s, &d, "vsl", 2, &said, what), se == IT_SQLITE ? 4 : 1);
	ck_assert_int_eq(said, bytes);
	ck_assert_uint_eq(max_slices(&s, &d, "vsl", 4, &said, what), se == IT_SQLITE ? 4 : 2);
	struct rpl_verify_part p;
	verify_on(&s, &d, "vsl", 100, 4, 2, &p, what);
	ck_assert_msg(p.slices == (se == IT_SQLITE ? 4 : 0), "%s: narrow rows on 2 CPUs: %d slices", what, p.slices);
	ck_assert_msg(!p.differ && p.source_rows == (int64_t)NKEYS, "%s: narrow rows on 2 CPUs: differ", what);
	rpl_verify_part_fini(&p);
	verify_on(&s, &d, "vsl", 100, 4, 4, &p, what);
	ck_assert_msg(p.slices == (se == IT_SQLITE ? 4 : 2), "%s: narrow rows on 4 CPUs: %d slices", what, p.slices);
	ck_assert_msg(!p.differ, "%s: narrow rows on 4 CPUs: differ", what);
	rpl_verify_part_fini(&p);

	/* wide rows: a 3,000-character text no engine compresses (hex of a generator's
	 * bits), so that PostgreSQL keeps it out of line at its length */
	static const char *const wide[IT_NENGINES] = {
		"CREATE TABLE vsw (id BIGINT PRIMARY KEY, body TEXT)", "CREATE TABLE vsw (id BIGINT PRIMARY KEY, body TEXT)",
		"CREATE TABLE vsw (id BIGINT PRIMARY KEY, body TEXT) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" };
	it_exec(&s, "DROP TABLE IF EXISTS vsw");
	it_exec(&d, "DROP TABLE IF EXISTS vsw");
	it_exec(&s, wide[se]);
	it_exec(&d, wide[se]);
	uint64_t x = 88172645463325252u;
	for (size_t i = 0; i < NKEYS; i++) {
		char sql[3200];
		int n = snprintf(sql, sizeof sql, "INSERT INTO vsw VALUES (%lld, '", (long long)keys[i]);
		for (int k = 0; k < 3000; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			sql[n++] = "0123456789abcdef"[x & 15];
		}
		snprintf(sql + n, sizeof sql - (size_t)n, "')");
		it_exec(&s, sql);
	}
	copy_all(&s, &d, "vsw");
	if (se != IT_SQLITE) {
		analyze(&s, se, "vsw");
		ck_assert_msg(rpl_table_row_bytes(&s, NULL, "vsw", &bytes, &err) == 0, "%s: row bytes: %s", what, err.msg);
		ck_assert_msg(bytes >= RPL_VSLICES_WIDE_ROW, "%s: wide rows measured %lld bytes", what, (long long)bytes);
	}
	ck_assert_uint_eq(max_slices(&s, &d, "vsw", 2, &said, what), 4);
	verify_on(&s, &d, "vsw", 100, 4, 2, &p, what);
	ck_assert_msg(p.slices == 4, "%s: wide rows on 2 CPUs: %d slices", what, p.slices);
	ck_assert_msg(!p.differ && p.source_rows == (int64_t)NKEYS, "%s: wide rows on 2 CPUs: differ", what);
	rpl_verify_part_fini(&p);
	it_exec(&s, "DROP TABLE vsw");
	it_exec(&d, "DROP TABLE vsw");
	rpl_conn_close(&s);
	rpl_conn_close(&d);
}
END_TEST

/* the count of slices: load.workers, capped, and for narrow rows the host's CPUs */
START_TEST(test_slices_count)
{
	ck_assert_uint_eq(rpl_vslices_count(0, 8, -1), 1);
	ck_assert_uint_eq(rpl_vslices_count(3, 8, -1), 3);
	ck_assert_uint_eq(rpl_vslices_count(16, 64, 100), RPL_VSLICES_MAX);
	ck_assert_uint_eq(rpl_vslices_count(4, 2, -1), 4);                         /* unknown: as wide */
	ck_assert_uint_eq(rpl_vslices_count(4, 2, RPL_VSLICES_WIDE_ROW), 4);
	ck_assert_uint_eq(rpl_vslices_count(4, 2, RPL_VSLICES_WIDE_ROW - 1), 1);
	ck_assert_uint_eq(rpl_vslices_count(4, 1, 0), 1);
	ck_assert_uint_eq(rpl_vslices_count(4, 5, 1200), 2);
	ck_assert_uint_eq(rpl_vslices_count(4, 8, 1200), 4);
}
END_TEST

/* the slices' ends, as test_slices_pair's boundaries take them */
START_TEST(test_slices_plan)
{
	struct rpl_keyslice ks[RPL_VSLICES_MAX];
	ck_assert_uint_eq(rpl_vslices_plan(1000, 201000, 4, ks), 4);
	ck_assert(!ks[0].has_lo && ks[0].has_hi && ks[0].hi == 51000);
	ck_assert(ks[1].has_lo && ks[1].lo == 51000 && ks[1].has_hi && ks[1].hi == 101000);
	ck_assert(ks[2].has_lo && ks[2].lo == 101000 && ks[2].has_hi && ks[2].hi == 151000);
	ck_assert(ks[3].has_lo && ks[3].lo == 151000 && !ks[3].has_hi);
	/* each slice spans RPL_VSLICES_MIN_SPAN keys or more */
	ck_assert_uint_eq(rpl_vslices_plan(0, 2 * RPL_VSLICES_MIN_SPAN - 2, 4, ks), 1);
	ck_assert_uint_eq(rpl_vslices_plan(0, 2 * RPL_VSLICES_MIN_SPAN - 1, 4, ks), 2);
	ck_assert(!ks[0].has_lo && ks[0].hi == RPL_VSLICES_MIN_SPAN && ks[1].lo == RPL_VSLICES_MIN_SPAN && !ks[1].has_hi);
	ck_assert_uint_eq(rpl_vslices_plan(0, 4 * RPL_VSLICES_MIN_SPAN - 2, 4, ks), 3);
	ck_assert_uint_eq(rpl_vslices_plan(-5, 10 * RPL_VSLICES_MIN_SPAN, 4, ks), 4);
	/* the whole of int64: no overflow */
	ck_assert_uint_eq(rpl_vslices_plan(INT64_MIN, INT64_MAX, 4, ks), 4);
	ck_assert(ks[1].lo < ks[2].lo && ks[2].lo < ks[3].lo && ks[1].lo < 0 && ks[3].lo > 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vslices");
	TCase *tc = tcase_create("pairs");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_slices_plan);
	tcase_add_test(tc, test_slices_count);
	tcase_add_loop_test(tc, test_slices_row_width, 0, 3);
	tcase_add_loop_test(tc, test_slices_pair, 0, IT_NENGINES * IT_NENGINES);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
