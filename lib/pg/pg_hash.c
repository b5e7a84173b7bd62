/* lib/pg/pg_hash.c: PostgreSQL's extended hash functions in replicad (see
 * pg_hash.h). */
#include "pg_hash.h"
#include <string.h>

#define ROT(x, k) (((x) << (k)) | ((x) >> (32 - (k))))

/* lookup3's mix and final steps, on the three 32-bit lanes */
static inline void
mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c, *a ^= ROT(*c, 4), *c += *b;
	*b -= *a, *b ^= ROT(*a, 6), *a += *c;
	*c -= *b, *c ^= ROT(*b, 8), *b += *a;
	*a -= *c, *a ^= ROT(*c, 16), *c += *b;
	*b -= *a, *b ^= ROT(*a, 19), *a += *c;
	*c -= *b, *c ^= ROT(*b, 4), *b += *a;
}

static inline void
final(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*c ^= *b, *c -= ROT(*b, 14);
	*a ^= *c, *a -= ROT(*c, 11);
	*b ^= *a, *b -= ROT(*a, 25);
	*c ^= *b, *c -= ROT(*b, 16);
	*a ^= *c, *a -= ROT(*c, 4);
	*b ^= *a, *b -= ROT(*a, 14);
	*c ^= *b, *c -= ROT(*b, 24);
}

static inline uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* seeded: the state lookup3 starts from for a key of len bytes, the seed taken in
 * as a 12-byte block of its own (as PostgreSQL does for a seed other than 0) */
static inline void
seeded(uint32_t len, uint64_t seed, uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a = *b = *c = 0x9e3779b9u + len + 3923095u;
	if (seed != 0) {
		*a += (uint32_t)(seed >> 32);
		*b += (uint32_t)seed;
		mix(a, b, c);
	}
}

uint64_t
rpl_pghash_bytes(const unsigned char *k, size_t n, uint64_t seed)
{
	uint32_t a, b, c, len = (uint32_t)n;
	seeded(len, seed, &a, &b, &c);
	for (; len >= 12; k += 12, len -= 12) {
		a += le32(k);
		b += le32(k + 4);
		c += le32(k + 8);
		mix(&a, &b, &c);
	}
	/* the last 0..11 bytes: a takes bytes 0-3, b 4-7, c 8-10 shifted past its
	 * lowest byte (lookup3 keeps that one for the length) */
	switch (len) {
	case 11: c += (uint32_t)k[10] << 24; /* fallthrough */
	case 10: c += (uint32_t)k[9] << 16;  /* fallthrough */
	case 9: c += (uint32_t)k[8] << 8;    /* fallthrough */
	case 8: b += le32(k + 4); a += le32(k); break;
	case 7: b += (uint32_t)k[6] << 16;   /* fallthrough */
	case 6: b += (uint32_t)k[5] << 8;    /* fallthrough */
	case 5: b += k[4];                   /* fallthrough */
	case 4: a += le32(k); break;
	case 3: a += (uint32_t)k[2] << 16;   /* fallthrough */
	case 2: a += (uint32_t)k[1] << 8;    /* fallthrough */
	case 1: a += k[0]; break;
	default: break;
	}
	final(&a, &b, &c);
	return (uint64_t)b << 32 | c;
}

uint64_t
rpl_pghash_u32(uint32_t k, uint64_t seed)
{
	uint32_t a, b, c;
	seeded(4, seed, &a, &b, &c);
	a += k;
	final(&a, &b, &c);
	return (uint64_t)b << 32 | c;
}

uint64_t
rpl_pghash_int8(int64_t v, uint64_t seed)
{
	/* the two halves folded so that a value in int4's range hashes as that int4 */
	uint32_t lo = (uint32_t)v, hi = (uint32_t)((uint64_t)v >> 32);
	lo ^= v >= 0 ? hi : ~hi;
	return rpl_pghash_u32(lo, seed);
}

/* numeric's digits: base 10000, aligned on the decimal point; weight is the power of
 * 10000 of the first one */
enum { NBASE_DIGITS = 4, MAX_NDIGITS = 64 };

/* digits: the value of the n decimal digits at s (checked by the caller) */
static inline int
digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* digits4: a whole group, unrolled: this runs for every decimal verify hashes */
static inline int
digits4(const char *s)
{
	return (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
}

uint64_t
rpl_pghash_numeric_digits(const char *in, size_t ilen, const char *fr, size_t flen)
{
	int g[MAX_NDIGITS];
	size_t nd = 0;
	int weight = (int)((ilen + NBASE_DIGITS - 1) / NBASE_DIGITS) - 1;
	/* integer groups: the first one short when the length is no multiple of 4 */
	size_t p = ilen % NBASE_DIGITS;
	if (p > 0)
		g[nd++] = digits(in, p);
	for (; p < ilen && nd < MAX_NDIGITS; p += NBASE_DIGITS)
		g[nd++] = digits4(in + p);
	/* fraction groups, the last one filled with zeros */
	size_t whole = flen - flen % NBASE_DIGITS;
	for (p = 0; p < whole && nd < MAX_NDIGITS; p += NBASE_DIGITS)
		g[nd++] = digits4(fr + p);
	if (p < flen && nd < MAX_NDIGITS) {
		int v = digits(fr + p, flen - p);
		for (size_t j = flen - p; j < NBASE_DIGITS; j++)
			v *= 10;
		g[nd++] = v;
	}
	/* as hash_numeric_extended: leading and trailing zero digits left out (the
	 * weight moved past the leading ones), zero is the seed - 1 */
	size_t s = 0, e = nd;
	while (s < e && g[s] == 0)
		s++, weight--;
	if (s == e)
		return UINT64_MAX;
	while (g[e - 1] == 0)
		e--;
	unsigned char bytes[2 * MAX_NDIGITS];   /* int16, little-endian (pg_hash.h) */
	for (size_t k = s; k < e; k++)
		bytes[2 * (k - s)] = (unsigned char)(g[k] & 0xff), bytes[2 * (k - s) + 1] = (unsigned char)(g[k] >> 8);
	return rpl_pghash_bytes(bytes, 2 * (e - s), 0) ^ (uint64_t)(int64_t)weight;
}

int
rpl_pghash_numeric(const char *dec, size_t n, uint64_t *h)
{
	size_t i = n > 0 && dec[0] == '-' ? 1 : 0;
	const char *dot = memchr(dec, '.', n);
	size_t ie = dot != NULL ? (size_t)(dot - dec) : n, fs = dot != NULL ? ie + 1 : n;
	if (ie == i)
		return -1;
	for (size_t k = i; k < n; k++)
		if (k != ie && (dec[k] < '0' || dec[k] > '9'))
			return -1;
	if ((ie - i + NBASE_DIGITS - 1) / NBASE_DIGITS + (n - fs + NBASE_DIGITS - 1) / NBASE_DIGITS > MAX_NDIGITS)
		return -1;
	*h = rpl_pghash_numeric_digits(dec + i, ie - i, dec + fs, n - fs);
	return 0;
}

uint64_t
rpl_pghash_float8(double d)
{
	uint64_t w;
	unsigned char be[8];
	memcpy(&w, &d, 8);
	for (int i = 0; i < 8; i++)
		be[i] = (unsigned char)(w >> (56 - 8 * i));
	return rpl_pghash_bytes(be, 8, 0);
}
