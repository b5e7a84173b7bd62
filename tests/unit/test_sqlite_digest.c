/* tests/unit/test_sqlite_digest.c: lib/sqlite/sqlite_digest.h, the SQL functions of
 * verify's digest between two SQLite files, on files this test makes with the SQLite
 * library. rpl_rowhash must tell apart any two values that differ in one bit, one
 * byte turned to zero, a byte more, or their storage class, at every length its
 * loops read differently (one word, the four lanes of 32 bytes, the last bytes read
 * back or not); and it must hash a text alike in a UTF-8 and a UTF-16 file (which
 * keep different bytes for it), as must rpl_ruled judge its dates alike. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sbuf.h"
#include "sqlite_digest.h"

#define MAXLEN 72
#define VLEN 48

static char dir[] = "/tmp/rpl-test-litedigest.XXXXXX";

/* make_file creates path with the given encoding and the texts of vals in t(id, v) */
static void
make_file(const char *path, const char *encoding, const char *const *vals, size_t n)
{
	sqlite3 *db = NULL;
	unlink(path);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA encoding = '%s'; CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", encoding);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?, ?)", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int(st, 1, (int)i);
		sqlite3_bind_text(st, 2, vals[i], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static struct rpl_litedigest *
open_digest(const char *path)
{
	char cs[300];
	snprintf(cs, sizeof cs, "Driver=SQLite3;Database=%s", path);
	struct rpl_conn c = { .engine = RPL_ENGINE_SQLITE, .side = "target", .connstr = cs };
	struct rpl_litedigest *d = NULL;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_litedigest_open(&c, &d, &err) == 0 && d != NULL, "open %s: %s", path, err.msg);
	return d;
}

/* query runs sql (n columns) into v */
static void
query(struct rpl_litedigest *d, const char *sql, char (*v)[VLEN], size_t n)
{
	char *p[MAXLEN + 3];
	ck_assert_uint_le(n, MAXLEN + 3);
	for (size_t i = 0; i < n; i++)
		p[i] = v[i];
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_litedigest_query(d, sql, p, n, VLEN, &err) == 0, "%s: %s", sql, err.msg);
}

/* add_value: rpl_rowhash(0, the bytes b[0..n) as a TEXT or a BLOB) */
static void
add_value(struct rpl_sbuf *s, const unsigned char *b, size_t n, bool text)
{
	rpl_sbuf_add(s, text ? ", rpl_rowhash(0, CAST(x'" : ", rpl_rowhash(0, x'");
	for (size_t i = 0; i < n; i++)
		rpl_sbuf_addf(s, "%02x", b[i]);
	rpl_sbuf_add(s, text ? "' AS TEXT))" : "')");
}

/* every length up to MAXLEN, TEXT and BLOB: the value, the value again, and the
 * value with byte i changed (bit 0, bit 7, or made zero), for every i, one query */
START_TEST(test_rowhash_bytes)
{
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	char path[300];
	snprintf(path, sizeof path, "%s/u8.db", dir);
	make_file(path, "UTF-8", NULL, 0);
	struct rpl_litedigest *d = open_digest(path);
	static char v[MAXLEN + 3][VLEN];
	for (size_t n = 1; n <= MAXLEN; n++)
		for (int kind = 0; kind < 6; kind++) {
			bool text = kind & 1;
			unsigned char b[MAXLEN];
			for (size_t i = 0; i < n; i++)
				b[i] = (unsigned char)('a' + (i * 7 + n) % 26);
			rpl_sbuf_reset(&sql);
			rpl_sbuf_add(&sql, "SELECT 0");
			add_value(&sql, b, n, text);
			add_value(&sql, b, n, text);
			for (size_t i = 0; i < n; i++) {
				unsigned char o = b[i];
				b[i] = kind < 2 ? o ^ 1 : kind < 4 ? o ^ 0x80 : 0;
				add_value(&sql, b, n, text);
				b[i] = o;
			}
			ck_assert(rpl_sbuf_ok(&sql));
			query(d, sql.s, v, n + 3);
			ck_assert_str_eq(v[1], v[2]);
			for (size_t i = 0; i < n; i++)
				ck_assert_msg(strcmp(v[1], v[3 + i]) != 0, "length %zu, %s, byte %zu changed (%d): same hash %s",
				              n, text ? "TEXT" : "BLOB", i, kind / 2, v[1]);
		}
	/* a byte more, the storage class, and NULL against '' and x'' */
	query(d, "SELECT rpl_rowhash(0, x'61'), rpl_rowhash(0, x'6100'), rpl_rowhash(0, 'a'), rpl_rowhash(0, NULL),"
	         " rpl_rowhash(0, ''), rpl_rowhash(0, x''), rpl_rowhash(0, 1), rpl_rowhash(0, 1.0)",
	      v, 8);
	for (int i = 0; i < 8; i++)
		for (int j = i + 1; j < 8; j++)
			ck_assert_msg(strcmp(v[i], v[j]) != 0, "values %d and %d: same hash %s", i, j, v[i]);
	rpl_litedigest_close(d);
	rpl_sbuf_fini(&sql);
}
END_TEST

static const char *const texts[] = {
	"alpha", "", "Grüße aus Köln, 12 € und ein 𝄞 im Text, der länger ist als 32 Byte", "z ",
	"0001-01-01", "2024-00-01", " 2024-01-00", "                                         2024-00-01",
	"2024-02-03 10:00:00.123456", "0001-01-01 00:00:00",
};

#define NTEXT (sizeof texts / sizeof texts[0])

/* hashes and rpl_ruled of t's texts, in id order, in v[0] and v[1] */
static void
file_digest(struct rpl_litedigest *d, char (*v)[VLEN])
{
	query(d, "SELECT rpl_digest(rpl_rowhash(0, v)), sum(rpl_ruled('0001-01-01', v) << id) FROM t", v, 2);
}

/* one text in a UTF-8 file and in a UTF-16 file: the same hash; a letter changed in
 * the UTF-16 file: another */
START_TEST(test_rowhash_utf16)
{
	char p8[300], p16[300], v8[2][VLEN], v16[2][VLEN];
	snprintf(p8, sizeof p8, "%s/u8.db", dir);
	snprintf(p16, sizeof p16, "%s/u16.db", dir);
	make_file(p8, "UTF-8", texts, NTEXT);
	make_file(p16, "UTF-16le", texts, NTEXT);
	struct rpl_litedigest *d8 = open_digest(p8), *d16 = open_digest(p16);
	file_digest(d8, v8);
	file_digest(d16, v16);
	ck_assert_str_eq(v8[0], v16[0]);
	/* the ruled dates, ids 4, 5, 6, 7 and 9 (the long one through sqlite3_value_text) */
	ck_assert_str_eq(v8[1], "752");
	ck_assert_str_eq(v16[1], "752");
	rpl_litedigest_close(d16);
	sqlite3 *db = NULL;
	ck_assert_int_eq(sqlite3_open(p16, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "UPDATE t SET v = 'Grüße aus Köln, 12 € und ein 𝄞 im Text, der länger ist als "
	                                  "32 BYTE' WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	d16 = open_digest(p16);
	file_digest(d16, v16);
	ck_assert_str_ne(v8[0], v16[0]);
	rpl_litedigest_close(d8);
	rpl_litedigest_close(d16);
}
END_TEST

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	Suite *s = suite_create("sqlite_digest");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_rowhash_bytes);
	tcase_add_test(tc, test_rowhash_utf16);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char path[300];
	snprintf(path, sizeof path, "%s/u8.db", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/u16.db", dir);
	unlink(path);
	rmdir(dir);
	return failed == 0 ? 0 : 1;
}
