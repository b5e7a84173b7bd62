/* lib/core/rules_text.c: the bytes of a SQLite source's text, which SQLite stores as
 * they were given (a file written by another tool may hold latin1 bytes, or a NUL),
 * into an engine that checks them: PostgreSQL and MariaDB refused the whole bulk
 * statement, and the row then came back rejected by the server with no column named.
 * Judged here instead: the row is rejected naming the column and the byte at fault. */
#include "rules_int.h"
#include "dialect.h"
#include <stdint.h>

/* utf8_bad: the offset of the first byte of s[0..n) that is not part of well-formed
 * UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or n */
static size_t
utf8_bad(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (s[i] < 0x80) {   /* ASCII: most text, one byte at a time is enough */
			i++;
			continue;
		}
		unsigned c = s[i];
		size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (len == 0 || i + len > n)
			return i;
		/* the second byte's range rules out overlong forms, surrogates and > U+10FFFF */
		unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
		unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		i += len;
	}
	return n;
}

/* ascii_run: the length of the leading run of s[0..n) that is ASCII without a NUL,
 * read eight bytes at a time (a SQLite copy judges every text value of every row:
 * a byte at a time was 1.6% of its instructions) */
static size_t
ascii_run(const char *s, size_t n)
{
	const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, sizeof w);
		if ((w & highs) != 0 || ((w - ones) & ~w & highs) != 0)
			break;   /* a byte of 0x80 or more, or a NUL */
	}
	while (i < n && s[i] != '\0' && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

bool
rules_text_bytes_fit(const struct rpl_rules *ru, const char *v, SQLLEN ind,
                     enum rpl_rule *rule, char *why, size_t wn)
{
	size_t n = (size_t)ind, a = ascii_run(v, n);
	if (a == n)
		return true;
	size_t bad = a + utf8_bad((const unsigned char *)v + a, n - a);
	if (bad < n) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "text that is not UTF-8 (byte 0x%02x at %zu of %zu): the target's text holds UTF-8 only",
		         (unsigned char)v[bad], bad + 1, n);
		return false;
	}
	if (ru->dst_dialect->engine == RPL_ENGINE_POSTGRES && memchr(v, '\0', n) != NULL) {
		*rule = RPL_RULE_WRONG_TYPE;
		snprintf(why, wn, "text with a NUL byte (at %zu of %zu), which PostgreSQL's text cannot hold",
		         (size_t)((const char *)memchr(v, '\0', n) - v) + 1, n);
		return false;
	}
	return true;
}
