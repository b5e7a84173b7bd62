/* lib/core/numtext.h: numbers as exact decimal text, for values whose engine does not type
 * them (SQLite stores any storage class in any column; sqliteodbc prints REALs in
 * exponent form). A decimal is a decimal however it is spelled: `1e-10` is
 * 0.0000000001 and `9.99999999999999e+37` a 38-digit integer, and a REAL is the
 * decimal of its shortest round-trip spelling (0.1, not 0.1000000000000000055…).
 * Pure functions, no allocation; any thread. Rounding is left to nobody: a value
 * that does not fit the caller's buffer is an error, never cut. */
#ifndef RPL_NUMTEXT_H
#define RPL_NUMTEXT_H
#include <stddef.h>
#include <stdint.h>

enum {
	RPL_NUMTEXT_NAN = -1,     /* the text is not a number */
	RPL_NUMTEXT_ROOM = -2,    /* the plain decimal needs more than the buffer */
	RPL_NUMTEXT_FRACTION = -3,/* rpl_numtext_int64: the number is not an integer */
	RPL_NUMTEXT_RANGE = -4,   /* rpl_numtext_int64: beyond int64 */
};

/* rpl_numtext_plain writes the number spelled by in[0..len) (optional spaces around,
 * sign, digits with at most one point, optional exponent) to out as a plain decimal
 * with the scale the spelling implies ("1.50e1" is "15.0", "12.50" stays "12.50").
 * Returns the length written (out is NUL-terminated), or RPL_NUMTEXT_NAN/_ROOM. */
int rpl_numtext_plain(const char *in, size_t len, char *out, size_t n);

/* rpl_numtext_from_double writes d's shortest round-trip decimal to out, plainly
 * (no exponent). Returns the length, RPL_NUMTEXT_NAN for NaN or infinity, or
 * RPL_NUMTEXT_ROOM. */
int rpl_numtext_from_double(double d, char *out, size_t n);

/* rpl_numtext_shortest writes d with the fewest significant digits that read back as
 * d ("%.Ng", N <= 17: 0.1, 0.30000000000000004, 1e+300); returns the length. For a
 * REAL that travels as text in a text column: SQLite's own 15 digits are not always
 * the same double. */
int rpl_numtext_shortest(double d, char *out, size_t n);

/* rpl_numtext_float_decimal: a single-precision float widened to a double
 * (1.100000023841858 for 1.1f) as the double of the float's shortest decimal (1.1),
 * the decimal its engine shows, as PostgreSQL's real prints it. Any other double
 * (not exactly a float) is returned as it is, so it may be applied twice. */
double rpl_numtext_float_decimal(double d);

/* rpl_numtext_int64 reads the number spelled by in[0..len) as an exact integer
 * ("3", "3.0", "3e2"); RPL_NUMTEXT_NAN, _FRACTION ("3.5") or _RANGE otherwise. */
int rpl_numtext_int64(const char *in, size_t len, int64_t *v);

/* rpl_double_int64: d as an exact int64 (3.0 is 3); _FRACTION, _RANGE or _NAN. */
int rpl_double_int64(double d, int64_t *v);

#endif
