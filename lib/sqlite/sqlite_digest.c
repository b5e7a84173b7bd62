/* lib/sqlite/sqlite_digest.c: verify's digest between two SQLite files, through SQL
 * functions of replicad's own (see sqlite_digest.h). */
#include "sqlite_digest.h"
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rpl_litedigest {
	sqlite3 *db;   /* owned */
	const char *side;
};

#define K1 UINT64_C(0x9e3779b97f4a7c15)
#define K2 UINT64_C(0xff51afd7ed558ccd)

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/* add_word folds 8 bytes into h, word by word (a byte at a time would cost the
 * digest a third of a row read). Each step is a bijection of h for a given word and
 * of the word for a given h, so two values that differ in one word always leave
 * different states; the row's hash is mixed once more (mix) before it is summed. */
static inline uint64_t
add_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * K1;
	return h ^ (h >> 32);
}

/* tail_word: the last n (1..7) bytes at p as one word, without a copy of a variable
 * length (a byte loop, then a word read back from the stack: a third of add_bytes).
 * Not the bytes padded with zeros, but for each n one-to-one with them, which is
 * all the hash needs, since the length is hashed before them: with 8 bytes before
 * p (back_ok) the word ends at p + n and repeats bytes already hashed; else two
 * 4-byte reads that overlap, or for 1..3 bytes the first, middle and last. */
static inline uint64_t
tail_word(const unsigned char *p, size_t n, bool back_ok)
{
	uint64_t w;
	if (back_ok) {
		memcpy(&w, p + n - 8, 8);
		return w;
	}
	if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		return (uint64_t)lo | (uint64_t)hi << 32;
	}
	return (uint64_t)p[0] | (uint64_t)p[n / 2] << 8 | (uint64_t)p[n - 1] << 16;
}

/* add_bytes: the storage class t and the length in one word, then the bytes (the
 * last word from tail_word: the length tells "a" from "a\0"). 32 bytes at a time
 * go to four lanes, folded into h at the end of the run: one lane's chain of
 * multiplies waited on the one before (a sixth of a wide verify's CPU), four run
 * side by side. Each lane's steps and the folding stay bijective in each word, so a
 * change within one 8-byte word read once still always changes h. */
static uint64_t
add_bytes(uint64_t h, int t, const unsigned char *p, size_t n)
{
	size_t len = n;
	h = add_word(h, (uint64_t)t | (uint64_t)n << 8);
	if (p == NULL)
		return h;   /* a zero-length BLOB */
	if (n >= 32) {
		/* four named lanes, not an array: gcc made an array's loop SSE code that
		 * has no 64-bit multiply (slower than one lane) */
		uint64_t a = h, b = h ^ K2, c = h ^ K1, e = ~h, w0, w1, w2, w3;
		for (; n >= 32; p += 32, n -= 32) {
			memcpy(&w0, p, 8);
			memcpy(&w1, p + 8, 8);
			memcpy(&w2, p + 16, 8);
			memcpy(&w3, p + 24, 8);
			a = add_word(a, w0);
			b = add_word(b, w1);
			c = add_word(c, w2);
			e = add_word(e, w3);
		}
		h = add_word(add_word(add_word(a, b), c), e);
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = add_word(h, w);
	}
	if (n == 0)
		return h;
	return add_word(h, tail_word(p, n, len >= 8));
}

/* rowhash_fn: in a UTF-8 file (sqlite3_user_data points to true) a TEXT value's bytes
 * are taken as a BLOB's: sqlite3_value_text would add a terminator to each value
 * read from its page, a free and a malloc per value under SQLite's global memory
 * mutex (this build has no lookaside), which the two sides' threads fought over
 * (a fifth of a wide verify's CPU). The bytes are the same: a UTF-8 file keeps
 * TEXT as UTF-8, which sqlite3_value_text returns unconverted. In a UTF-16 file
 * TEXT is hashed as UTF-8, converted, so the two files' encodings never matter. */
static void
rowhash_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool utf8 = *(const bool *)sqlite3_user_data(ctx);
	uint64_t h = argc > 0 ? (uint64_t)sqlite3_value_int64(argv[0]) : 0;
	for (int i = 1; i < argc; i++) {
		int t = sqlite3_value_type(argv[i]);
		if (t == SQLITE_INTEGER) {
			h = add_word(add_word(h, (uint64_t)t), (uint64_t)sqlite3_value_int64(argv[i]));
		} else if (t == SQLITE_FLOAT) {
			double d = sqlite3_value_double(argv[i]);
			uint64_t w;
			memcpy(&w, &d, 8);
			h = add_word(add_word(h, (uint64_t)t), w);
		} else if (t == SQLITE_TEXT && !utf8) {
			const unsigned char *p = sqlite3_value_text(argv[i]);   /* text first, then its length */
			h = add_bytes(h, t, p, (size_t)sqlite3_value_bytes(argv[i]));
		} else if (t == SQLITE_TEXT || t == SQLITE_BLOB) {
			const unsigned char *p = sqlite3_value_blob(argv[i]);
			h = add_bytes(h, t, p, (size_t)sqlite3_value_bytes(argv[i]));
		} else {
			h = add_word(h, (uint64_t)t);   /* NULL */
		}
	}
	sqlite3_result_int64(ctx, (sqlite3_int64)h);
}

static int
digits(const unsigned char *p, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* date_of reads text as rules_int.h's text_date does */
static bool
date_of(const unsigned char *t, int *y, unsigned *m, unsigned *d)
{
	int yy = digits(t, 4), mm, dd;
	if (yy >= 0 && t[4] == '-' && (mm = digits(t + 5, 2)) >= 0 && t[7] == '-' && (dd = digits(t + 8, 2)) >= 0) {
		*y = yy, *m = (unsigned)mm, *d = (unsigned)dd;
		return true;
	}
	return sscanf((const char *)t, "%4d-%2u-%2u", y, m, d) == 3;
}

/* placeholder: is y-m-d among list's comma-separated "YYYY-MM-DD" dates? */
static bool
placeholder(const unsigned char *list, int y, unsigned m, unsigned d)
{
	for (const unsigned char *p = list; p != NULL && *p != '\0';) {
		if (strlen((const char *)p) >= 10 && digits(p, 4) == y && digits(p + 5, 2) == (int)m &&
		    digits(p + 8, 2) == (int)d)
			return true;
		p = (const unsigned char *)strchr((const char *)p, ',');
		p = p != NULL ? p + 1 : NULL;
	}
	return false;
}

/* short_text: a TEXT value ended by a zero: one shorter than buf copied there from
 * its bytes (as rowhash_fn takes them, and for the same reason), a longer one, or
 * any in a UTF-16 file, from sqlite3_value_text */
static const unsigned char *
short_text(sqlite3_value *v, bool utf8, unsigned char *buf, size_t len)
{
	const unsigned char *p = utf8 ? sqlite3_value_blob(v) : NULL;
	size_t n = utf8 ? (size_t)sqlite3_value_bytes(v) : len;
	if (n >= len)
		return sqlite3_value_text(v);
	if (n > 0)
		memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void
ruled_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	bool utf8 = *(const bool *)sqlite3_user_data(ctx);
	unsigned char buf[40];
	const unsigned char *list = argc > 0 ? sqlite3_value_text(argv[0]) : NULL;
	for (int i = 1; i < argc; i++) {
		if (sqlite3_value_type(argv[i]) != SQLITE_TEXT)
			continue;   /* the rules judge a date column's text only (rules.c) */
		const unsigned char *t = short_text(argv[i], utf8, buf, sizeof buf);
		int y;
		unsigned m, d;
		if (t != NULL && date_of(t, &y, &m, &d) && (m == 0 || d == 0 || placeholder(list, y, m, d))) {
			sqlite3_result_int(ctx, 1);
			return;
		}
	}
	sqlite3_result_int(ctx, 0);
}

struct acc {
	uint64_t sum, xor;
};

static void
digest_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct acc *a = sqlite3_aggregate_context(ctx, sizeof *a);
	if (a == NULL || argc != 1) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	uint64_t h = mix((uint64_t)sqlite3_value_int64(argv[0]));
	a->sum += h;
	a->xor ^= h;
}

static void
digest_final(sqlite3_context *ctx)
{
	struct acc *a = sqlite3_aggregate_context(ctx, 0);
	char s[48];
	snprintf(s, sizeof s, "%016llx%016llx", a ? (unsigned long long)a->sum : 0ULL, a ? (unsigned long long)a->xor : 0ULL);
	sqlite3_result_text(ctx, s, -1, SQLITE_TRANSIENT);
}

/* file_utf8: whether the file keeps its text as UTF-8 (PRAGMA encoding) */
static int
file_utf8(sqlite3 *db, bool *utf8)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA encoding", -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *e = sqlite3_column_text(st, 0);
		*utf8 = e != NULL && strcmp((const char *)e, "UTF-8") == 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int
rpl_litedigest_open(const struct rpl_conn *c, struct rpl_litedigest **out, struct rpl_err *err)
{
	char path[4096];
	*out = NULL;
	if (c->engine != RPL_ENGINE_SQLITE || !rpl_connstr_get(c->connstr, "Database", path, sizeof path))
		return 0;
	struct rpl_litedigest *d = calloc(1, sizeof *d);
	if (d == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	d->side = c->side != NULL ? c->side : "?";
	static const bool yes = true, no = false;
	int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY;
	bool utf8 = false;
	if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    file_utf8(d->db, &utf8) != SQLITE_OK ||
	    sqlite3_create_function(d->db, "rpl_rowhash", -1, fl, (void *)(utf8 ? &yes : &no), rowhash_fn, NULL,
	                            NULL) != SQLITE_OK ||
	    sqlite3_create_function(d->db, "rpl_ruled", -1, fl, (void *)(utf8 ? &yes : &no), ruled_fn, NULL, NULL) !=
	            SQLITE_OK ||
	    sqlite3_create_function(d->db, "rpl_digest", 1, fl, NULL, NULL, digest_step, digest_final) != SQLITE_OK) {
		rpl_err_set(err, RPL_EODBC, "%s: the SQLite file for verify's digest: %s", d->side, sqlite3_errmsg(d->db));
		rpl_litedigest_close(d);
		return err->code;
	}
	sqlite3_busy_timeout(d->db, 120000);
	*out = d;
	return 0;
}

int
rpl_litedigest_query(struct rpl_litedigest *d, const char *sql, char **vals, size_t n, size_t len,
                     struct rpl_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(d->db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW && sqlite3_column_count(st) == (int)n) {
		for (size_t i = 0; i < n; i++) {
			const unsigned char *t = sqlite3_column_text(st, (int)i);
			snprintf(vals[i], len, "%s", t != NULL ? (const char *)t : "");
		}
		sqlite3_finalize(st);
		return 0;
	}
	rpl_err_set(err, RPL_EODBC, "%s: the partition's digest: %s", d->side,
	            rc == SQLITE_ROW || rc == SQLITE_DONE ? "not one row" : sqlite3_errmsg(d->db));
	sqlite3_finalize(st);
	return err->code;
}

void
rpl_litedigest_close(struct rpl_litedigest *d)
{
	if (d == NULL)
		return;
	sqlite3_close(d->db);
	free(d);
}
