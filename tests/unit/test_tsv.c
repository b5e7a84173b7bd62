/* tests/unit/test_tsv.c: the tab-separated rows of lib/core/tsv.c, byte for byte, in both
 * flavours (PostgreSQL COPY text, MariaDB LOAD DATA), from a transport buffer laid out
 * as copy.c lays it out, with unbounded columns kept out of line (xfer.h). */
#include "catalog.h"
#include "sbuf.h"
#include "tsv.h"
#include "xfer.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>

#define NCOLS 6
static struct rpl_column cols[NCOLS] = {
	{ .name = "id", .type_name = "bigint", .sql_type = SQL_BIGINT, .size = 19, .cls = RPL_CLASS_INT, .int_bytes = 8 },
	{ .name = "ok", .type_name = "boolean", .sql_type = SQL_BIT, .size = 1, .cls = RPL_CLASS_BOOL, .nullable = true },
	{ .name = "ts", .type_name = "timestamp", .sql_type = SQL_TYPE_TIMESTAMP, .size = 26, .scale = 6,
	  .cls = RPL_CLASS_TIMESTAMP, .nullable = true },
	{ .name = "s", .type_name = "varchar", .sql_type = SQL_VARCHAR, .size = 20, .cls = RPL_CLASS_TEXT, .nullable = true },
	{ .name = "t", .type_name = "text", .sql_type = SQL_LONGVARCHAR, .cls = RPL_CLASS_TEXT, .nullable = true,
	  .is_long = true },
	{ .name = "b", .type_name = "bytea", .sql_type = SQL_LONGVARBINARY, .cls = RPL_CLASS_BINARY, .nullable = true,
	  .is_long = true },
};

static void
layout(struct rpl_xbuf *b, bool ool)
{
	const struct rpl_column *c[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		c[i] = &cols[i];
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_xbuf_layout(b, c, c, NCOLS, RPL_ENGINE_POSTGRES, RPL_ENGINE_MARIADB, ool ? RPL_XFER_OOL : 0, 1 << 20, &err) == 0,
	              "%s", err.msg);
}

/* put stores a value the way a source does: in line, or in the heap for ool columns */
static void
put(struct rpl_xbuf *b, size_t r, size_t c, const void *v, size_t n)
{
	void *dst = b->cols[c].ool ? rpl_xbuf_heap_put(b, r, c, n + 1) : rpl_xval(b, r, c);
	ck_assert_ptr_nonnull(dst);
	memcpy(dst, v, n);
	if (b->cols[c].c_type == SQL_C_CHAR || b->cols[c].ool)
		((char *)dst)[n] = '\0';
	if (b->cols[c].ool)
		rpl_xbuf_heap_used(b, n + 1);
	*rpl_xind(b, r, c) = (SQLLEN)n;
}

static void
fill(struct rpl_xbuf *b)
{
	int64_t id = -42;
	unsigned char yes = 1;
	SQL_TIMESTAMP_STRUCT ts = { .year = 2024, .month = 2, .day = 29, .hour = 23, .minute = 5, .second = 9,
	                            .fraction = 123456000 };
	put(b, 0, 0, &id, 8);
	put(b, 0, 1, &yes, 1);
	put(b, 0, 2, &ts, sizeof ts);
	put(b, 0, 3, "a\tb\\c\nd", 7);
	put(b, 0, 4, "long \xF0\x9F\x98\x80 text", 14);
	put(b, 0, 5, "\x00\xff\t\\", 4);
	id = 7;
	put(b, 1, 0, &id, 8);
	for (size_t c = 1; c < NCOLS; c++) {
		*rpl_xind(b, 1, c) = SQL_NULL_DATA;
		rpl_xbuf_null_ool(b, 1, c);
	}
}

static void
check_rows(bool ool)
{
	struct rpl_xbuf b;
	layout(&b, ool);
	ck_assert(b.cols[3].ool == ool && b.cols[4].ool == ool && b.cols[5].ool == ool);   /* text and binary */
	ck_assert(!b.cols[0].ool && !b.cols[1].ool && !b.cols[2].ool);                  /* fixed sizes stay in the row */
	fill(&b);
	struct rpl_sbuf out = RPL_SBUF_INIT;
	rpl_tsv_rows(RPL_TSV_MARIADB_LOAD, &b, 0, 2, &out);
	static const char my[] = "-42\t1\t2024-02-29 23:05:09.123456\ta\\tb\\\\c\\nd\tlong \xF0\x9F\x98\x80 text\t\\0\xff\\t\\\\\n"
	                         "7\t\\N\t\\N\t\\N\t\\N\t\\N\n";
	ck_assert_uint_eq(out.len, sizeof my - 1);
	ck_assert_msg(memcmp(out.s, my, out.len) == 0, "LOAD DATA rows: %s", out.s);
	rpl_sbuf_reset(&out);
	rpl_tsv_rows(RPL_TSV_PG_COPY, &b, 0, 1, &out);
	ck_assert_str_eq(out.s, "-42\tt\t2024-02-29 23:05:09.123456\ta\\tb\\\\c\\nd\tlong \xF0\x9F\x98\x80 text\t\\\\x00ff095c\n");
	rpl_sbuf_fini(&out);
	rpl_xbuf_fini(&b);
}

START_TEST(test_rows_in_line) { check_rows(false); }
END_TEST

START_TEST(test_rows_out_of_line) { check_rows(true); }
END_TEST

/* Out of line, a chunk is bounded by bytes of values, not by the longest value a
 * column could hold: many more rows fit, and the heap says when the chunk is full. */
START_TEST(test_ool_rows_and_heap)
{
	struct rpl_xbuf in, out;
	layout(&in, false);
	layout(&out, true);
	ck_assert_msg(out.rows > 50 * in.rows, "rows per chunk: %zu out of line, %zu in line", out.rows, in.rows);
	ck_assert(!rpl_xbuf_heap_full(&out));
	char big[4096];
	memset(big, 'x', sizeof big);
	size_t r = 0;
	while (!rpl_xbuf_heap_full(&out) && r < out.rows)
		put(&out, r++, 4, big, sizeof big);
	ck_assert_msg(rpl_xbuf_heap_full(&out) && r < out.rows, "heap full after %zu of %zu rows", r, out.rows);
	/* every value is still where its row points, after the heap grew */
	for (size_t i = 0; i < r; i++)
		ck_assert(*rpl_xind(&out, i, 4) == (SQLLEN)sizeof big && memcmp(rpl_xval(&out, i, 4), big, sizeof big) == 0);
	rpl_xbuf_fini(&in);
	rpl_xbuf_fini(&out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tsv");
	TCase *tc = tcase_create("tsv");
	tcase_add_test(tc, test_rows_in_line);
	tcase_add_test(tc, test_rows_out_of_line);
	tcase_add_test(tc, test_ool_rows_and_heap);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
