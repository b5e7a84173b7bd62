/* lib/pg/pg_hash.h: PostgreSQL's extended (64-bit) hash functions, computed in
 * replicad, so that verify can hash a source's rows as a PostgreSQL target's server
 * hashes the rows it holds (vcross.h): hash_record_extended over a row, each column
 * by its type's extended hash, seed 0.
 *
 * The byte hash is Bob Jenkins' lookup3 as PostgreSQL uses it (src/common/hashfn.c:
 * hash_bytes_extended), written here from the algorithm, reading the key's words as
 * a little-endian server does. A big-endian server hashes other words: its sums
 * then never match, and verify compares rows (slower, never wrong). Likewise a
 * numeric's digits are hashed as int16 in little-endian order, as such a server
 * keeps them. Pure functions, any thread. */
#ifndef RPL_PGHASH_H
#define RPL_PGHASH_H
#include <stddef.h>
#include <stdint.h>

/* rpl_pghash_bytes: hash_bytes_extended(k, n, seed) (text in a deterministic
 * collation, varchar, bytea: hash_any_extended over their bytes) */
uint64_t rpl_pghash_bytes(const unsigned char *k, size_t n, uint64_t seed);

/* rpl_pghash_u32: hash_bytes_uint32_extended(k, seed) (int2, int4, date, bool: each
 * widened to int32 first) */
uint64_t rpl_pghash_u32(uint32_t k, uint64_t seed);

/* rpl_pghash_int8: hashint8extended(v, seed) (bigint, timestamp) */
uint64_t rpl_pghash_int8(int64_t v, uint64_t seed);

/* rpl_pghash_numeric: hash_numeric_extended(v, 0) of the normalized decimal text
 * dec[0..n) (vcmp.h rpl_vdec_norm: "-12.5", "0"); like PostgreSQL's, it leaves the
 * sign out. -1 when the text is no such decimal. */
int rpl_pghash_numeric(const char *dec, size_t n, uint64_t *h);

/* rpl_pghash_numeric_digits: rpl_pghash_numeric of the decimal whose integer digits
 * are in[0..ilen) and fraction digits fr[0..flen), both '0'-'9' only (checked by the
 * caller), together at most 4 * 64 digits in groups of 4 (longer: the rest left out) */
uint64_t rpl_pghash_numeric_digits(const char *in, size_t ilen, const char *fr, size_t flen);

/* rpl_pghash_float8: float8send(d)'s bytes hashed as a bytea (the bits, big-endian) */
uint64_t rpl_pghash_float8(double d);

/* rpl_pghash_record_add: hash_record_extended's step: the row hash so far with the
 * next column's hash (0 for NULL) */
static inline uint64_t
rpl_pghash_record_add(uint64_t row, uint64_t element)
{
	return (row << 5) - row + element;
}

#endif
