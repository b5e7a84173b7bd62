/* tests/integration/test_source.c: the source interface (lib/core/source.h) used on
 * its own, without a copy, as `replicad verify` uses it: open an adapter for a
 * connection, lay out a buffer from the catalog, fit, run a SELECT of the caller's
 * own (ORDER BY the key) twice, fetch every row in small chunks, finish, close. For
 * each engine through its native adapter and through ODBC only, on the real servers
 * and a real SQLite file; the rows read must be the rows inserted, in key order. */
#include "catalog.h"
#include "edge.h"
#include "it.h"
#include "plan.h"
#include "sbuf.h"
#include "source.h"
#include "sqlgen.h"
#include "xfer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NROWS = 300 };

/* expected adapter per engine: native, then ODBC only, then ODBC with a key and g */
static const char *const want_name[IT_NENGINES][3] = {
	{ "sqlite", "odbc", "odbc" },
	{ "pg-copy", "odbc", "odbc" },
	{ "mariadb", "odbc", "odbc-slices" },
};

static void
fill(struct rpl_conn *c)
{
	edge_drop(c, "srcif");
	it_exec(c, "CREATE TABLE srcif (id BIGINT PRIMARY KEY, d DATE, s VARCHAR(40))");
	char sql[160];
	for (int i = NROWS; i >= 1; i--) {   /* inserted backwards: the order comes from ORDER BY */
		snprintf(sql, sizeof sql, "INSERT INTO srcif VALUES (%d, '2024-01-%02d', 'row %d')", i, 1 + i % 28, i);
		it_exec(c, sql);
	}
}

/* read_all runs sql on s into b and checks every row: ids 1..NROWS in order, and s */
static void
read_all(struct rpl_source *s, struct rpl_xbuf *b, const char *sql, const struct rpl_range *range)
{
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_source_start(s, sql, range, &err);
	ck_assert_msg(r == 0, "%s: start: %s", rpl_source_name(s), err.msg);
	int64_t want = 1;
	size_t n, chunks = 0;
	while ((r = rpl_source_fetch(s, b, &n, &err)) == 0 && n > 0) {
		chunks++;
		for (size_t row = 0; row < n; row++, want++) {
			/* as JSON: sqliteodbc's integers travel as text (xfer.c) */
			struct rpl_sbuf k = RPL_SBUF_INIT;
			rpl_xbuf_value_json(b, row, 0, &k);
			long long id = atoll(rpl_sbuf_str(&k) + (rpl_sbuf_str(&k)[0] == '"'));
			rpl_sbuf_fini(&k);
			ck_assert_msg(id == want, "%s: row %lld has id %lld", rpl_source_name(s), (long long)want, (long long)id);
			struct rpl_sbuf v = RPL_SBUF_INIT;
			char expect[64];
			rpl_xbuf_value_json(b, row, 2, &v);
			snprintf(expect, sizeof expect, "\"row %lld\"", (long long)want);
			ck_assert_str_eq(rpl_sbuf_str(&v), expect);
			rpl_sbuf_fini(&v);
		}
	}
	ck_assert_msg(r == 0, "%s: fetch: %s", rpl_source_name(s), err.msg);
	ck_assert_int_eq(want - 1, NROWS);
	ck_assert_msg(chunks > 1, "%s: %zu chunk(s): the test wants several", rpl_source_name(s), chunks);
	rpl_source_finish(s);
}

static void
check_source(int e, int mode)
{
	struct rpl_conn c;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_table t;
	bool exists = false;
	it_connect(&c, e, "src");
	fill(&c);
	ck_assert_int_eq(rpl_catalog_read(&c, NULL, "srcif", &t, &exists, &err), 0);
	ck_assert(exists);
	struct rpl_sqlgen g = { .src = c.dialect, .dst = c.dialect, .st = &t, .dt = &t, .src_table = "srcif",
	                        .dst_table = "srcif" };
	struct rpl_source_want w = { .label = "srcif", .odbc_only = mode > 0, .g = mode == 2 ? &g : NULL };
	struct rpl_source *s = NULL;
	int r = rpl_source_open(&c, &w, &s, &err);
	ck_assert_msg(r == 0, "open: %s", err.msg);
	ck_assert_str_eq(rpl_source_name(s), want_name[e][mode]);
	ck_assert_msg(rpl_source_why(s)[0] != '\0', "no reason given");
	g.native_read = s->native_read;
	const struct rpl_column *cols[3] = { &t.cols[0], &t.cols[1], &t.cols[2] };
	struct rpl_xbuf b = { 0 };
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	struct rpl_range all = { .all = true };
	for (int pass = 0; pass < 2; pass++) {   /* a fit that gives way re-lays the buffer */
		rpl_xbuf_fini(&b);
		memset(&b, 0, sizeof b);
		r = rpl_xbuf_layout(&b, cols, cols, 3, c.engine, c.engine, rpl_source_layout_flags(s, false), 4096, &err);
		ck_assert_msg(r == 0, "layout: %s", err.msg);
		rpl_sbuf_reset(&sql);
		rpl_sqlgen_select(&g, &all, &sql);
		rpl_sbuf_add(&sql, " ORDER BY id");
		if ((r = rpl_source_fit(&s, &w, &b, rpl_sbuf_str(&sql), &err)) <= 0)
			break;
	}
	ck_assert_msg(r == 0, "fit: %s", err.msg);
	ck_assert_msg(b.rows < NROWS / 2, "%zu rows a chunk: too many for the test", b.rows);
	read_all(s, &b, rpl_sbuf_str(&sql), &all);
	read_all(s, &b, rpl_sbuf_str(&sql), &all);   /* the same source reads a second range */
	rpl_sbuf_fini(&sql);
	rpl_xbuf_fini(&b);
	rpl_source_close(s);
	rpl_table_fini(&t);
	rpl_conn_close(&c);
}

START_TEST(test_source_native) { check_source(_i, 0); }
END_TEST
START_TEST(test_source_odbc) { check_source(_i, 1); }
END_TEST
START_TEST(test_source_slices) { check_source(_i, 2); }
END_TEST

int
main(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("adapters");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_source_native, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_source_odbc, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_source_slices, 0, IT_NENGINES);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
