/* lib/core/vcmp.h: one value of the transport buffer as verify and scan compare it
 * (docs/verify.md). The two sides of a verify are read into two buffers
 * whose C types need not agree (a SQLite side carries decimals and dates as text, a
 * PostgreSQL side as a struct), so each value is first put in a canonical form of
 * the column's comparison class (the source's), then compared:
 *   - integers and booleans as int64;
 *   - decimals as exact decimal text, normalized (no leading zeros, no trailing
 *     fraction zeros: 1.50 in a numeric(10,2) is 1.500 in a numeric(10,3)), never
 *     through a double;
 *   - doubles bit for bit (text is read with strtod, which is exact for the
 *     17-digit round-trip spellings the sources write);
 *   - dates and timestamps to the fraction the target keeps (its column's scale):
 *     the target's value equals the source's cut or rounded to that many digits,
 *     because engines differ in which of the two they do (MariaDB cuts, PostgreSQL
 *     rounds);
 *   - times (a time of day, MariaDB's TIME up to 838 hours, PostgreSQL's interval
 *     of hours and days) as signed nanoseconds, to the fraction the target keeps:
 *     12:00:00.5 is 12:00:00.500000;
 *   - text, GUIDs and binary as bytes; a fixed-length CHAR on either side
 *     without its trailing spaces (MariaDB strips them, PostgreSQL pads).
 * NULL is its own value: never equal to '' or 0.
 * Key order (rpl_vval_order) is the order the verify's SELECTs ask every engine for:
 * numbers by value, dates in time, text and binary by bytes (a binary collation,
 * sqlgen.h rpl_sqlgen_select_ordered), NULL first.
 * Pure functions, no allocation; any thread. A text value is borrowed from the
 * buffer until its next fetch. */
#ifndef RPL_VCMP_H
#define RPL_VCMP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "catalog.h"

struct rpl_xbuf;

/* rpl_vtime_parse reads a time or duration as the engines write one, as signed ns:
 * [-]H+:MM:SS[.fraction] (a time of day; MariaDB's TIME, -838:59:59 to 838:59:59),
 * with PostgreSQL's interval days before it ("1 day 02:00:00", "-2 days +03:00:00",
 * "3 days"). Anything else (a zone, months) is not read: false. Digits past
 * nanoseconds are dropped. */
bool rpl_vtime_parse(const char *s, size_t n, int64_t *ns);

enum rpl_vkind {
	RPL_V_NULL,
	RPL_V_INT,    /* i */
	RPL_V_DEC,    /* dec[0..n): normalized decimal text */
	RPL_V_DBL,    /* d */
	RPL_V_TS,     /* days since 1970-01-01 and nanoseconds of the day (a date: 0) */
	RPL_V_DUR,    /* a time of day or a duration, ns: signed nanoseconds */
	RPL_V_BYTES,  /* p[0..n), borrowed */
	RPL_V_OTHER,  /* a value that could not be read as the class: p[0..n) its text, or
	               * empty; compares by bytes, never equal to a value of another kind */
};

struct rpl_vval {
	enum rpl_vkind k;
	int64_t i;
	double d;
	long days;
	int64_t ns;
	const char *p;
	size_t n;
	char dec[1100];   /* a double's plain spelling: at most 1077 characters (4.9e-324) */
};

/* rpl_vts_struct: a date or timestamp held as its ODBC struct (c_type
 * SQL_C_TYPE_DATE or SQL_C_TYPE_TIMESTAMP) at v, as days since 1970-01-01 and
 * nanoseconds into the day; false for any other c_type. */
bool rpl_vts_struct(int c_type, const void *v, long *days, int64_t *ns);

/* rpl_vval_get reads row r, column c of b as a value of comparison class cls.
 * pad: strip trailing spaces from text (a CHAR(n) column on either side). */
void rpl_vval_get(const struct rpl_xbuf *b, size_t r, size_t c, enum rpl_class cls, bool pad,
                  struct rpl_vval *v);

/* rpl_vval_equal: is target value t the source value s as a target column keeping
 * ts_digits fractional digits (0..9) holds it? */
bool rpl_vval_equal(const struct rpl_vval *s, const struct rpl_vval *t, int ts_digits);

/* rpl_vval_order: <0, 0, >0 as the two values sort in a verify's key order. */
int rpl_vval_order(const struct rpl_vval *a, const struct rpl_vval *b);

/* rpl_vval_hash mixes v into h (FNV-1a over a kind tag and the canonical bytes; a
 * timestamp cut to ts_digits), for the order-insensitive digest of keyless tables. */
uint64_t rpl_vval_hash(const struct rpl_vval *v, int ts_digits, uint64_t h);

/* rpl_vdec_norm writes the normalized form of the plain decimal in[0..len) (as
 * rpl_numtext_plain writes it) to out; returns its length. */
size_t rpl_vdec_norm(const char *in, size_t len, char *out, size_t n);

/* rpl_vdec_cmp compares two normalized decimals by value. */
int rpl_vdec_cmp(const char *a, size_t an, const char *b, size_t bn);

#endif
