/* tests/unit/test_vdigest.c: which tables verify digests (lib/core/vdigest.h) and the
 * statements it sends, from hand-made catalogs: only types whose hash is exact and
 * the same on both sides, no column the rules judge but dates; PostgreSQL's doubles
 * by their bits, text in the C collation, the dates a rule would change counted;
 * SQLite's row hash chained over calls of at most 100 columns. The digests' results
 * on real servers are tests/integration/test_vdigest.c's. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dialect.h"
#include "sbuf.h"
#include "vdigest.h"

#define PG RPL_ENGINE_POSTGRES
#define LITE RPL_ENGINE_SQLITE

static struct rpl_column pg_cols[] = {
	{ .name = "id", .decl = "bigint", .cls = RPL_CLASS_INT, .pk_pos = 1 },
	{ .name = "amt", .decl = "numeric(12,4)", .cls = RPL_CLASS_DECIMAL },
	{ .name = "f", .decl = "double precision", .cls = RPL_CLASS_DOUBLE },
	{ .name = "t", .decl = "character varying(20)", .cls = RPL_CLASS_TEXT },
	{ .name = "ts", .decl = "timestamp(3) without time zone", .cls = RPL_CLASS_TIMESTAMP },
	{ .name = "d", .decl = "date", .cls = RPL_CLASS_DATE },
};
enum { NPG = sizeof pg_cols / sizeof pg_cols[0] };
static const bool judged[NPG] = { false, false, false, false, true, true };

/* fits_with: does the pair fit when the target's column c is declared decl? */
static bool
fits_with(size_t c, const char *decl, const bool *j)
{
	struct rpl_column tc[NPG];
	memcpy(tc, pg_cols, sizeof tc);
	snprintf(tc[c].decl, sizeof tc[c].decl, "%s", decl);
	struct rpl_table st = { .cols = pg_cols, .ncols = NPG, .npk = 1 }, tv = { .cols = tc, .ncols = NPG, .npk = 1 };
	return rpl_vdigest_fits(&st, &tv, j, PG, PG);
}

START_TEST(test_fits)
{
	struct rpl_table st = { .cols = pg_cols, .ncols = NPG, .npk = 1 };
	ck_assert(rpl_vdigest_fits(&st, &st, judged, PG, PG));
	ck_assert(rpl_vdigest_fits(&st, &st, judged, LITE, LITE));
	ck_assert(!rpl_vdigest_fits(&st, &st, judged, RPL_ENGINE_MARIADB, RPL_ENGINE_MARIADB));
	ck_assert(!rpl_vdigest_fits(&st, &st, judged, PG, LITE));
	ck_assert(!rpl_vdigest_fits(&st, &st, judged, PG, RPL_ENGINE_MARIADB));
	ck_assert(fits_with(1, "numeric(12,4)", judged));
	ck_assert_msg(!fits_with(1, "numeric(12,5)", judged), "declared types differ");
	ck_assert_msg(!fits_with(0, "integer", judged), "declared types differ");
	struct rpl_column one[NPG];
	memcpy(one, pg_cols, sizeof one);
	struct rpl_table t1 = { .cols = one, .ncols = NPG, .npk = 1 };
	static const char *const refused[][2] = {
		{ "4", "timestamp(3) with time zone" }, { "1", "numeric" }, { "2", "real" }, { "3", "json" },
		{ "3", "mood" }, { "1", "money" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		size_t c = (size_t)atoi(refused[i][0]);
		memcpy(one, pg_cols, sizeof one);
		snprintf(one[c].decl, sizeof one[c].decl, "%s", refused[i][1]);
		ck_assert_msg(!rpl_vdigest_fits(&t1, &t1, judged, PG, PG), "%s digested", refused[i][1]);
	}
	bool j2[NPG];
	memcpy(j2, judged, sizeof j2);
	j2[1] = true;   /* a decimal the rules judge: a rule could change it */
	ck_assert(!rpl_vdigest_fits(&st, &st, j2, PG, PG));
}
END_TEST

static const struct rpl_range jan = { .start = { 2024, 1, 1 }, .end = { 2024, 2, 1 } };
static const char *const ph[] = { "0001-01-01" };

START_TEST(test_sql_pg)
{
	struct rpl_table st = { .name = "s", .cols = pg_cols, .ncols = NPG, .npk = 1 };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(PG), .dst = rpl_dialect_for(PG), .st = &st, .src_table = "s",
	                        .date_column = "d" };
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_vdigest_sql(&g, judged, ph, 1, &jan, &sql);
	ck_assert(rpl_sbuf_ok(&sql));
	static const char *const want[] = {
		"SELECT count(*), sum(hashint8extended(hash_record_extended(ROW(\"id\", \"amt\", \"amt\" < 0, float8send(\"f\"),"
		" \"t\" COLLATE \"C\", \"ts\", \"d\"), 0), 0))::text, count(*) FILTER (WHERE NOT ((\"ts\" IS NULL OR",
		"(\"ts\" < DATE '0001-01-01' OR \"ts\" >= DATE '0001-01-01' + 1)",
		"AND (\"d\" IS NULL OR (\"d\" >= DATE '0001-01-01' AND \"d\" < DATE '10000-01-01'",
		" FROM \"s\" WHERE \"d\" >= '2024-01-01' AND \"d\" < '2024-02-01'",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		ck_assert_msg(strstr(sql.s, want[i]) != NULL, "no «%s» in %s", want[i], sql.s);
	rpl_sbuf_fini(&sql);
}
END_TEST

START_TEST(test_sql_lite)
{
	enum { N = 230 };
	struct rpl_column *c = calloc(N, sizeof *c);
	bool *j = calloc(N, sizeof *j);
	ck_assert(c != NULL && j != NULL);
	for (int i = 0; i < N; i++)
		snprintf(c[i].name, sizeof c[i].name, "c%d", i);
	j[5] = j[150] = true;
	struct rpl_table st = { .name = "w", .cols = c, .ncols = N };
	struct rpl_sqlgen g = { .src = rpl_dialect_for(LITE), .dst = rpl_dialect_for(LITE), .st = &st, .src_table = "w" };
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	rpl_vdigest_sql(&g, j, ph, 1, &jan, &sql);
	ck_assert(rpl_sbuf_ok(&sql));
	ck_assert_msg(strncmp(sql.s, "SELECT count(*), rpl_digest(rpl_rowhash(rpl_rowhash(rpl_rowhash(0, \"c0\", ", 72) == 0,
	              "%.100s", sql.s);
	ck_assert_msg(strstr(sql.s, "\"c99\"), \"c100\"") != NULL && strstr(sql.s, "\"c199\"), \"c200\"") != NULL &&
	              strstr(sql.s, "\"c229\")), sum(0 + rpl_ruled('0001-01-01', \"c5\", \"c150\")) FROM \"w\"") != NULL,
	              "%s", sql.s);
	rpl_sbuf_fini(&sql);
	free(c);
	free(j);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("vdigest");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_fits);
	tcase_add_test(tc, test_sql_pg);
	tcase_add_test(tc, test_sql_lite);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
