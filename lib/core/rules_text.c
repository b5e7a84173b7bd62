/* lib/core/rules_text.c: text's bytes and characters against what the target's column
 * holds. The bytes of a SQLite source's text, which SQLite stores as they were given
 * (a file written by another tool may hold latin1 bytes, or a NUL), into an engine
 * that checks them; a NUL (MariaDB's text may hold one) into PostgreSQL; a character
 * a MariaDB column's character set lacks (a 4-byte character into utf8mb3, 'ĉ' into
 * latin1). The servers refused the whole bulk statement, and the row then came back
 * rejected by the server, often with no column named, and scan could not foresee it.
 * Judged here instead: the row is rejected naming the column and the byte or the
 * character at fault. */
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
rules_text_bytes_fit(const char *v, SQLLEN ind,
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
	return true;
}

bool
rules_text_nul_fits(const char *v, SQLLEN ind, enum rpl_rule *rule, char *why, size_t wn)
{
	const char *nul = memchr(v, '\0', (size_t)ind);
	if (nul == NULL)
		return true;
	*rule = RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "text with a NUL byte (at %zu of %zu), which PostgreSQL's text cannot hold",
	         (size_t)(nul - v) + 1, (size_t)ind);
	return false;
}

/* cp1252_extra: the characters MariaDB's latin1 (Windows-1252) holds past U+00FF */
static bool
cp1252_extra(unsigned cp)
{
	static const unsigned short extra[] = {
		0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017D, 0x017E, 0x0192, 0x02C6, 0x02DC, 0x2013, 0x2014, 0x2018, 0x2019,
		0x201A, 0x201C, 0x201D, 0x201E, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122,
	};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (extra[i] == cp)
			return true;
	return false;
}

/* in_charset: does a MariaDB column of charset cs hold code point cp? latin1: ASCII,
 * U+00A0..U+00FF, the five C1 controls cp1252 leaves unassigned (MariaDB maps its
 * bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D to them) and cp1252's own 27 (measured: MariaDB
 * 10.11 stores every other character as '?', or refuses it in strict mode) */
static bool
in_charset(enum rpl_charset cs, unsigned cp)
{
	switch (cs) {
	case RPL_CHARSET_ASCII: return cp < 0x80;
	case RPL_CHARSET_BMP:
	case RPL_CHARSET_UCS2: return cp <= 0xFFFF;
	case RPL_CHARSET_LATIN1:
		return cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF) || cp == 0x81 || cp == 0x8D || cp == 0x8F || cp == 0x90 ||
		       cp == 0x9D || cp1252_extra(cp);
	case RPL_CHARSET_ANY: break;
	}
	return true;
}

static const char *
charset_name(enum rpl_charset cs)
{
	return cs == RPL_CHARSET_ASCII    ? "ascii"
	       : cs == RPL_CHARSET_LATIN1 ? "latin1"
	       : cs == RPL_CHARSET_UCS2   ? "ucs2 (no character past U+FFFF)"
	                                  : "utf8mb3 (no character past U+FFFF)";
}

bool
rules_text_charset_fits(const struct rpl_column *dst, const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                        size_t wn)
{
	const unsigned char *s = (const unsigned char *)v;
	size_t n = (size_t)ind, i = ascii_run(v, n), chars = i;
	while (i < n) {
		unsigned c = s[i], cp;
		size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		if (i + len > n)
			break;   /* not UTF-8: the source's own rules judge that (rules_text_bytes_fit) */
		cp = len == 1 ? c : len == 2 ? c & 0x1Fu : len == 3 ? c & 0x0Fu : c & 0x07u;
		for (size_t k = 1; k < len; k++)
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		chars++;
		if (!in_charset(dst->charset, cp)) {
			*rule = RPL_RULE_WRONG_TYPE;
			snprintf(why, wn, "the character U+%04X (character %zu) is not in %s, the character set of column %s",
			         cp, chars, charset_name(dst->charset), dst->name);
			return false;
		}
		i += len;
	}
	return true;
}
