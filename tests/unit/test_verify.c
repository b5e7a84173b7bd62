/* tests/unit/test_verify.c: the comparison core of `replicad verify` (lib/core/vcmp.c,
 * lib/core/verify.c) on real transport buffers laid out from hand-made columns, as
 * the copy lays them out: values compared in their canonical form whatever C type
 * each side carries them in, the merge of two key-ordered streams read in chunks of
 * two rows (so every difference sits near a chunk's edge somewhere), the lists
 * capped while counts stay whole, the value rules applied to the source side, and
 * the order-insensitive digest of keyless tables. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dialect.h"
#include "vcmp.h"
#include "scan.h"
#include "verify.h"
#include "xfer.h"

#define PG RPL_ENGINE_POSTGRES
#define LITE RPL_ENGINE_SQLITE
#define CHUNK (256 * 1024)

enum { C_ID, C_AMT, C_F, C_TS, C_NAME, C_D, NC };
static const struct rpl_column cols[NC] = {
	{ .name = "id", .type_name = "bigint", .sql_type = SQL_BIGINT, .cls = RPL_CLASS_INT, .int_bytes = 8, .pk_pos = 1 },
	{ .name = "amount", .type_name = "numeric", .sql_type = SQL_NUMERIC, .size = 12, .scale = 4,
	  .cls = RPL_CLASS_DECIMAL, .nullable = true },
	{ .name = "f", .type_name = "double", .sql_type = SQL_DOUBLE, .size = 15, .cls = RPL_CLASS_DOUBLE, .nullable = true },
	{ .name = "ts", .type_name = "timestamp", .sql_type = SQL_TYPE_TIMESTAMP, .size = 26, .scale = 6,
	  .cls = RPL_CLASS_TIMESTAMP, .nullable = true },
	{ .name = "name", .type_name = "varchar", .sql_type = SQL_VARCHAR, .size = 20, .cls = RPL_CLASS_TEXT, .nullable = true },
	{ .name = "d", .type_name = "date", .sql_type = SQL_TYPE_DATE, .size = 10, .cls = RPL_CLASS_DATE, .nullable = true },
};
static const struct rpl_vcol vcols[NC] = {
	{ "id", RPL_CLASS_INT, false, 6, false }, { "amount", RPL_CLASS_DECIMAL, false, 6, false },
	{ "f", RPL_CLASS_DOUBLE, false, 6, false }, { "ts", RPL_CLASS_TIMESTAMP, false, 6, false },
	{ "name", RPL_CLASS_TEXT, false, 6, false }, { "d", RPL_CLASS_DATE, false, 6, false },
};
static const size_t key[] = { C_ID };

static void
layout(struct rpl_xbuf *b, enum rpl_engine e)
{
	const struct rpl_column *p[NC];
	for (int i = 0; i < NC; i++)
		p[i] = &cols[i];
	struct rpl_err err = RPL_ERR_INIT;
	unsigned fl = e == LITE ? RPL_XFER_SRC_LIB | RPL_XFER_DST_LIB : 0;
	ck_assert_int_eq(rpl_xbuf_layout(b, p, p, NC, e, e, fl, CHUNK, &err), 0);
}

static void
put_text(struct rpl_xbuf *b, size_t r, size_t c, const char *s)
{
	strcpy(rpl_xval(b, r, c), s);
	*rpl_xind(b, r, c) = (SQLLEN)strlen(s);
}

/* put: column c of row r from text as a user writes it; NULL for SQL NULL. */
static void
put(struct rpl_xbuf *b, size_t r, size_t c, const char *s)
{
	const struct rpl_xcol *x = &b->cols[c];
	void *v = rpl_xval(b, r, c);
	if (s == NULL) {
		*rpl_xind(b, r, c) = SQL_NULL_DATA;
		return;
	}
	*rpl_xind(b, r, c) = x->width;
	switch (x->c_type) {
	case SQL_C_SBIGINT: *(int64_t *)v = strtoll(s, NULL, 10); return;
	case SQL_C_DOUBLE: *(double *)v = strtod(s, NULL); return;
	case SQL_C_TYPE_DATE: {
		SQL_DATE_STRUCT *t = v;
		int y, m, d;
		ck_assert_int_eq(sscanf(s, "%d-%d-%d", &y, &m, &d), 3);
		t->year = (SQLSMALLINT)y, t->month = (SQLUSMALLINT)m, t->day = (SQLUSMALLINT)d;
		return;
	}
	case SQL_C_TYPE_TIMESTAMP: {
		SQL_TIMESTAMP_STRUCT *t = v;
		int y, m, d, h, mi, sec;
		unsigned long ns = 0;
		ck_assert_int_ge(sscanf(s, "%d-%d-%d %d:%d:%d.%lu", &y, &m, &d, &h, &mi, &sec, &ns), 6);
		t->year = (SQLSMALLINT)y, t->month = (SQLUSMALLINT)m, t->day = (SQLUSMALLINT)d;
		t->hour = (SQLUSMALLINT)h, t->minute = (SQLUSMALLINT)mi, t->second = (SQLUSMALLINT)sec;
		t->fraction = (SQLUINTEGER)ns;   /* the test writes nanoseconds */
		return;
	}
	default: put_text(b, r, c, s); return;
	}
}

/* ---- values ---- */

struct vcase {
	const char *label;
	size_t col;
	enum rpl_engine se, te;   /* which C types each side carries */
	const char *s, *t;        /* NULL: SQL NULL */
	int digits;
	bool equal;
};

/* timestamps are written with nanoseconds for struct sides, as text for SQLite ones */
static const struct vcase vcases[] = {
	{ "decimal same", C_AMT, PG, PG, "12.5000", "12.5", 6, true },
	{ "decimal text form", C_AMT, PG, LITE, "0012.50", "12.5", 6, true },
	{ "decimal last digit", C_AMT, PG, PG, "12.5001", "12.5002", 6, false },
	{ "decimal sign of zero", C_AMT, PG, PG, "-0.00", "0", 6, true },
	{ "decimal sign", C_AMT, PG, PG, "-1.5", "1.5", 6, false },
	{ "double same", C_F, PG, PG, "0.1", "0.1", 6, true },
	{ "double last bit", C_F, PG, PG, "0.1", "0.10000000000000002", 6, false },
	{ "double as text", C_F, PG, LITE, "0.1", "0.1", 6, true },
	{ "double as text, last bit", C_F, PG, LITE, "0.1", "0.10000000000000002", 6, false },
	{ "timestamp same", C_TS, PG, PG, "2024-01-02 03:04:05.123456000", "2024-01-02 03:04:05.123456000", 6, true },
	{ "timestamp microsecond", C_TS, PG, PG, "2024-01-02 03:04:05.123456000", "2024-01-02 03:04:05.123457000", 6, false },
	{ "timestamp cut to 3", C_TS, PG, PG, "2024-01-02 03:04:05.123956000", "2024-01-02 03:04:05.123000000", 3, true },
	{ "timestamp rounded to 3", C_TS, PG, PG, "2024-01-02 03:04:05.123956000", "2024-01-02 03:04:05.124000000", 3, true },
	{ "timestamp off by 1 ms at 3", C_TS, PG, PG, "2024-01-02 03:04:05.123956000", "2024-01-02 03:04:05.125000000", 3, false },
	{ "timestamp rounded past midnight", C_TS, PG, PG, "2024-01-02 23:59:59.999999999", "2024-01-03 00:00:00.0", 6, true },
	{ "timestamp struct and text", C_TS, PG, LITE, "2024-01-02 03:04:05.123456000", "2024-01-02 03:04:05.123456", 6, true },
	{ "timestamp text, microsecond", C_TS, PG, LITE, "2024-01-02 03:04:05.123456000", "2024-01-02 03:04:05.123455", 6, false },
	{ "date struct and text", C_D, PG, LITE, "2024-02-29", "2024-02-29", 6, true },
	{ "date a day off", C_D, PG, LITE, "2024-02-29", "2024-03-01", 6, false },
	{ "text same", C_NAME, PG, PG, "Ab c", "Ab c", 6, true },
	{ "text trailing space", C_NAME, PG, PG, "abc", "abc ", 6, false },
	{ "text case", C_NAME, PG, PG, "abc", "abC", 6, false },
	{ "NULL and empty text", C_NAME, PG, PG, NULL, "", 6, false },
	{ "NULL and NULL", C_NAME, PG, PG, NULL, NULL, 6, true },
	{ "NULL and 0", C_AMT, PG, PG, NULL, "0", 6, false },
	{ "NULL and 0 (double)", C_F, PG, PG, "0", NULL, 6, false },
};

START_TEST(test_values)
{
	const struct vcase *c = &vcases[_i];
	struct rpl_xbuf s, t;
	layout(&s, c->se);
	layout(&t, c->te);
	put(&s, 0, c->col, c->s);
	put(&t, 0, c->col, c->t);
	struct rpl_vval a, b;
	rpl_vval_get(&s, 0, c->col, cols[c->col].cls, false, &a);
	rpl_vval_get(&t, 0, c->col, cols[c->col].cls, false, &b);
	ck_assert_msg(rpl_vval_equal(&a, &b, c->digits) == c->equal, "%s: expected %s", c->label,
	              c->equal ? "equal" : "different");
	rpl_xbuf_fini(&s);
	rpl_xbuf_fini(&t);
}
END_TEST

START_TEST(test_pad)
{
	struct rpl_xbuf s;
	layout(&s, PG);
	put(&s, 0, C_NAME, "ab");
	put(&s, 1, C_NAME, "ab   ");
	struct rpl_vval a, b;
	rpl_vval_get(&s, 0, C_NAME, RPL_CLASS_TEXT, true, &a);
	rpl_vval_get(&s, 1, C_NAME, RPL_CLASS_TEXT, true, &b);
	ck_assert(rpl_vval_equal(&a, &b, 6));
	rpl_vval_get(&s, 1, C_NAME, RPL_CLASS_TEXT, false, &b);
	ck_assert(!rpl_vval_equal(&a, &b, 6));
	rpl_xbuf_fini(&s);
}
END_TEST

START_TEST(test_decimal_order)
{
	static const struct { const char *a, *b; int o; } k[] = {
		{ "1.5", "1.25", 1 }, { "-2", "-10", 1 }, { "9", "10", -1 }, { "0", "-0.1", 1 },
		{ "3.10", "3.1", 0 }, { "100", "99.99", 1 }, { "-1.5", "-1.25", -1 },
	};
	for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
		char a[64], b[64];
		size_t an = rpl_vdec_norm(k[i].a, strlen(k[i].a), a, sizeof a);
		size_t bn = rpl_vdec_norm(k[i].b, strlen(k[i].b), b, sizeof b);
		ck_assert_msg(rpl_vdec_cmp(a, an, b, bn) == k[i].o, "%s vs %s", k[i].a, k[i].b);
	}
	char o[64];
	rpl_vdec_norm("-000.0100", 9, o, sizeof o);
	ck_assert_str_eq(o, "-0.01");
	rpl_vdec_norm("120.000", 7, o, sizeof o);
	ck_assert_str_eq(o, "120");
}
END_TEST

START_TEST(test_text_order_is_bytes)
{
	struct rpl_xbuf s;
	layout(&s, PG);
	put(&s, 0, C_NAME, "B");
	put(&s, 1, C_NAME, "a");
	put(&s, 2, C_NAME, "a ");
	struct rpl_vval a, b, c;
	rpl_vval_get(&s, 0, C_NAME, RPL_CLASS_TEXT, false, &a);
	rpl_vval_get(&s, 1, C_NAME, RPL_CLASS_TEXT, false, &b);
	rpl_vval_get(&s, 2, C_NAME, RPL_CLASS_TEXT, false, &c);
	ck_assert_int_lt(rpl_vval_order(&a, &b), 0);   /* 'B' < 'a' in bytes, not in a case-insensitive collation */
	ck_assert_int_lt(rpl_vval_order(&b, &c), 0);   /* no PAD SPACE */
	rpl_xbuf_fini(&s);
}
END_TEST

/* ---- streams ---- */

/* a stream over rows written in a buffer of their own, handed out two at a time */
struct mem {
	struct rpl_xbuf all;
	size_t n, pos;
};

static int
mem_fetch(void *data, struct rpl_xbuf **bp, size_t *n, struct rpl_err *err)
{
	(void)err;
	struct mem *m = data;
	struct rpl_xbuf *b = *bp;
	size_t k = m->n - m->pos < 2 ? m->n - m->pos : 2;
	memcpy(b->data, m->all.data + m->pos * b->row_size, k * b->row_size);
	m->pos += k;
	*n = k;
	return 0;
}

/* row: "id|amount|f|ts|name|d", "-" for NULL */
static void
mem_rows(struct mem *m, const char *const *rows, size_t n)
{
	layout(&m->all, PG);
	m->n = n;
	m->pos = 0;
	for (size_t r = 0; r < n; r++) {
		char tmp[256], *save = NULL;
		snprintf(tmp, sizeof tmp, "%s", rows[r]);
		char *f = strtok_r(tmp, "|", &save);
		for (size_t c = 0; c < NC; c++, f = strtok_r(NULL, "|", &save)) {
			ck_assert_ptr_nonnull(f);
			put(&m->all, r, c, strcmp(f, "-") == 0 ? NULL : f);
		}
	}
}

struct pair {
	struct mem s, t;
	struct rpl_xbuf sb, tb;
	struct rpl_verify_def d;
	struct rpl_verify_part out;
};

static int
pair_run(struct pair *p, const char *const *src, size_t ns, const char *const *tgt, size_t nt, size_t nkey,
         size_t max_keys, const struct rpl_rules *rules)
{
	mem_rows(&p->s, src, ns);
	mem_rows(&p->t, tgt, nt);
	layout(&p->sb, PG);
	layout(&p->tb, PG);
	p->d = (struct rpl_verify_def){
		.src = { &p->sb, mem_fetch, &p->s }, .tgt = { &p->tb, mem_fetch, &p->t }, .rules = rules,
		.cols = vcols, .ncols = NC, .key_cols = key, .nkey = nkey, .max_keys = max_keys,
	};
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_verify_run(&p->d, &p->out, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	return r;
}

static void
pair_fini(struct pair *p)
{
	rpl_verify_part_fini(&p->out);
	rpl_xbuf_fini(&p->s.all);
	rpl_xbuf_fini(&p->t.all);
	rpl_xbuf_fini(&p->sb);
	rpl_xbuf_fini(&p->tb);
}

static const char *const src6[] = {
	"1|1.5000|0.5|2024-01-01 00:00:00.000001000|a|2024-01-01",
	"2|2.5000|0.5|2024-01-02 00:00:00.0|b|2024-01-02",
	"3|3.5000|0.5|2024-01-03 00:00:00.0|c|2024-01-03",
	"4|4.5000|0.5|2024-01-04 00:00:00.0|d|2024-01-04",
	"5|5.5000|0.5|2024-01-05 00:00:00.0|e|-",
	"6|6.5000|0.5|2024-01-06 00:00:00.0|f|2024-01-06",
};

START_TEST(test_equal)
{
	struct pair p;
	pair_run(&p, src6, 6, src6, 6, 1, 100, NULL);
	ck_assert(!p.out.differ);
	ck_assert_int_eq(p.out.source_rows, 6);
	ck_assert_int_eq(p.out.target_rows, 6);
	pair_fini(&p);
}
END_TEST

START_TEST(test_differences)
{
	static const char *const tgt[] = {
		"1|1.5000|0.5|2024-01-01 00:00:00.000002000|a|2024-01-01",   /* a microsecond */
		"3|3.5001|0.5|2024-01-03 00:00:00.0|C|2024-01-03",           /* last digit, case */
		"4|4.5000|0.5|2024-01-04 00:00:00.0|d|2024-01-04",
		"5|5.5000|0.5|2024-01-05 00:00:00.0|e|-",
		"5|5.5000|0.5|2024-01-05 00:00:00.0|e|-",                    /* a duplicate key */
		"6|6.5000|0.5|2024-01-06 00:00:00.0|f |2024-01-06",          /* a trailing space */
		"7|7.5000|0.5|2024-01-07 00:00:00.0|g|2024-01-07",           /* extra */
	};
	struct pair p;
	pair_run(&p, src6, 6, tgt, 7, 1, 100, NULL);
	ck_assert(p.out.differ);
	ck_assert_int_eq(p.out.nmissing, 1);
	ck_assert_str_eq(p.out.missing[0], "{\"id\": 2}");
	ck_assert_int_eq(p.out.nextra, 2);
	ck_assert_str_eq(p.out.extra[0], "{\"id\": 5}");
	ck_assert_str_eq(p.out.extra[1], "{\"id\": 7}");
	ck_assert_int_eq(p.out.nchanged, 3);
	ck_assert_str_eq(p.out.changed[0].key, "{\"id\": 1}");
	ck_assert_str_eq(p.out.changed[0].columns, "[\"ts\"]");
	ck_assert_str_eq(p.out.changed[1].key, "{\"id\": 3}");
	ck_assert_str_eq(p.out.changed[1].columns, "[\"amount\", \"name\"]");
	ck_assert_str_eq(p.out.changed[2].key, "{\"id\": 6}");
	ck_assert_str_eq(p.out.changed[2].columns, "[\"name\"]");
	ck_assert_int_eq(p.out.changed_by_col[C_NAME], 2);
	ck_assert_int_eq(p.out.target_rows, 7);
	pair_fini(&p);
}
END_TEST

START_TEST(test_max_keys)
{
	static const char *const tgt[] = { "3|3.5000|0.5|2024-01-03 00:00:00.0|c|2024-01-03" };
	struct pair p;
	pair_run(&p, src6, 6, tgt, 1, 1, 2, NULL);
	ck_assert_int_eq(p.out.nmissing, 5);
	ck_assert_uint_eq(p.out.missing_n, 2);
	ck_assert_str_eq(p.out.missing[1], "{\"id\": 2}");
	pair_fini(&p);
	pair_run(&p, src6, 6, tgt, 0, 1, 0, NULL);   /* an empty target, no keys kept */
	ck_assert_int_eq(p.out.nmissing, 6);
	ck_assert_uint_eq(p.out.missing_n, 0);
	pair_fini(&p);
}
END_TEST

static const char *const placeholders[] = { "0001-01-01" };

START_TEST(test_rules_applied)
{
	static const char *const src[] = {
		"1|1.5|0.5|2024-01-01 00:00:00.0|a|0001-01-01",         /* a run NULLs the date */
		"2|2.5|0.5|2024-01-02 00:00:00.0|this is far too long for twenty|2024-01-02",   /* rejected */
		"3|3.5|0.5|2024-01-03 00:00:00.0|c|2024-01-03",
	};
	static const char *const tgt[] = {
		"1|1.5|0.5|2024-01-01 00:00:00.0|a|-",
		"3|3.5|0.5|2024-01-03 00:00:00.0|c|2024-01-03",
	};
	struct rpl_rules ru = { .dst_dialect = rpl_dialect_for(PG), .placeholder_dates = placeholders,
	                        .n_placeholder_dates = 1 };
	struct pair p;
	pair_run(&p, src, 3, tgt, 2, 1, 100, &ru);
	ck_assert_msg(!p.out.differ, "missing %lld changed %lld", (long long)p.out.nmissing, (long long)p.out.nchanged);
	ck_assert_int_eq(p.out.rejected, 1);
	ck_assert_int_eq(p.out.source_rows, 3);
	pair_fini(&p);
	pair_run(&p, src, 3, tgt, 2, 1, 100, NULL);   /* without the rules: both differ */
	ck_assert_int_eq(p.out.nchanged, 1);
	ck_assert_int_eq(p.out.nmissing, 1);
	pair_fini(&p);
}
END_TEST

START_TEST(test_keyless_digest)
{
	static const char *const shuffled[] = { src6[3], src6[0], src6[5], src6[2], src6[4], src6[1] };
	struct pair p;
	pair_run(&p, src6, 6, shuffled, 6, 0, 100, NULL);
	ck_assert(!p.out.differ);
	ck_assert(!p.out.keyed);
	pair_fini(&p);
	static const char *const dup[] = { src6[0], src6[1], src6[2], src6[3], src6[4], src6[4] };
	pair_run(&p, src6, 6, dup, 6, 0, 100, NULL);   /* same count, a row doubled, one gone */
	ck_assert(p.out.differ);
	ck_assert_int_eq(p.out.target_rows, 6);
	pair_fini(&p);
	static const char *const changed[] = { src6[0], src6[1], src6[2], src6[3], src6[4],
	                                       "6|6.5000|0.5|2024-01-06 00:00:00.0|F|2024-01-06" };
	pair_run(&p, src6, 6, changed, 6, 0, 100, NULL);
	ck_assert(p.out.differ);
	pair_fini(&p);
}
END_TEST

START_TEST(test_scan)
{
	static const char *const src[] = {
		"1|1.5|0.5|2024-01-01 00:00:00.0|a|0001-01-01",                        /* changed: the date */
		"2|1.23456|0.5|2024-01-02 00:00:00.0|this is far too long for twenty|2024-01-02",   /* two misfits */
		"3|3.5|0.5|2024-01-03 00:00:00.0|c|2024-01-03",
		"4|4.5|0.5|2024-01-04 00:00:00.0|also far too long for twenty|0001-01-01",  /* rejected: no change */
	};
	struct rpl_rules ru = { .dst_dialect = rpl_dialect_for(PG), .placeholder_dates = placeholders,
	                        .n_placeholder_dates = 1 };
	struct mem m;
	struct rpl_xbuf b;
	mem_rows(&m, src, 4);
	layout(&b, PG);
	struct rpl_scan_def d = { .src = { &b, mem_fetch, &m }, .rules = &ru, .cols = vcols, .ncols = NC,
	                          .key_cols = key, .nkey = 1, .max_keys = 10 };
	struct rpl_scan_part out;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_int_eq(rpl_scan_run(&d, &out, &err), 0);
	ck_assert_int_eq(out.rows, 4);
	ck_assert_int_eq(out.rows_rejected, 2);
	ck_assert_int_eq(out.nrejects, 3);
	ck_assert_uint_eq(out.rejects_n, 3);
	ck_assert_str_eq(out.rejects[0].key, "{\"id\": 2}");
	ck_assert_uint_eq(out.rejects[0].col, C_AMT);
	ck_assert_int_eq(out.rejects[0].rule, RPL_RULE_PRECISION);
	ck_assert_str_eq(out.rejects[1].key, "{\"id\": 2}");
	ck_assert_uint_eq(out.rejects[1].col, C_NAME);
	ck_assert_int_eq(out.rejects[1].rule, RPL_RULE_TOO_LONG);
	ck_assert_msg(strcasestr(out.rejects[1].reason, "varchar(20)") != NULL, "%s", out.rejects[1].reason);
	ck_assert_str_eq(out.rejects[2].key, "{\"id\": 4}");
	ck_assert_int_eq(out.nchanges, 1);
	ck_assert_str_eq(out.changes[0].key, "{\"id\": 1}");
	ck_assert_uint_eq(out.changes[0].col, C_D);
	ck_assert_int_eq(out.changes[0].rule, RPL_RULE_PLACEHOLDER_DATE);
	ck_assert_int_eq(out.by_rule[RPL_RULE_TOO_LONG], 2);
	ck_assert_int_eq(out.by_col[C_NAME * RPL_NRULES + RPL_RULE_TOO_LONG], 2);
	rpl_scan_part_fini(&out);
	rpl_xbuf_fini(&m.all);
	rpl_xbuf_fini(&b);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("verify");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, test_values, 0, (int)(sizeof vcases / sizeof vcases[0]));
	tcase_add_test(tc, test_pad);
	tcase_add_test(tc, test_decimal_order);
	tcase_add_test(tc, test_text_order_is_bytes);
	tcase_add_test(tc, test_equal);
	tcase_add_test(tc, test_differences);
	tcase_add_test(tc, test_max_keys);
	tcase_add_test(tc, test_rules_applied);
	tcase_add_test(tc, test_keyless_digest);
	tcase_add_test(tc, test_scan);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
