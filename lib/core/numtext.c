/* lib/core/numtext.c: see numtext.h. The spelling is read once into its digits and the
 * position of the point, and written out again without an exponent: no double is
 * involved, so no digit can change on the way (issue #15: 65 % of one table's rows
 * were rejected because `1e-10` was "not an exact decimal"). */
#include "numtext.h"
#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exponents beyond this make numbers no buffer here holds (the longest decimal a
 * target holds, PostgreSQL's numeric, has 147457 characters: xfer.h); reading more
 * digits of one would only risk overflowing the arithmetic. */
#define NUMTEXT_MAX_EXP 1000000

/* struct spelled: a number as its digits d[0..nd) (no leading zeros) times
 * 10^-scale; scale may be negative (trailing zeros to add). */
struct spelled {
	bool neg;
	const char *mant;   /* borrowed: the mantissa's text, digits and at most one '.' */
	size_t mant_len;
	long scale;
};

/* numtext_read parses in[0..len) into *s; false when it is not a number. */
static bool
numtext_read(const char *in, size_t len, struct spelled *s)
{
	const char *p = in, *end = in + len;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	s->neg = false;
	if (p < end && (*p == '+' || *p == '-'))
		s->neg = *p++ == '-';
	s->mant = p;
	long ndig = 0, frac = 0;
	bool point = false;
	for (; p < end && (isdigit((unsigned char)*p) || (*p == '.' && !point)); p++) {
		if (*p == '.')
			point = true;
		else
			ndig++, frac += point;
	}
	s->mant_len = (size_t)(p - s->mant);
	if (ndig == 0)
		return false;
	long exp = 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		bool eneg = false;
		if (p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !isdigit((unsigned char)*p))
			return false;
		for (; p < end && isdigit((unsigned char)*p); p++)
			if (exp <= NUMTEXT_MAX_EXP)
				exp = exp * 10 + (*p - '0');
		exp = eneg ? -exp : exp;
	}
	s->scale = frac - exp;
	return p == end;
}

/* numtext_digits copies the mantissa's digits without the point and leading zeros;
 * returns how many (0 for zero). */
static size_t
numtext_digits(const struct spelled *s, char *d, size_t cap)
{
	size_t nd = 0;
	for (size_t i = 0; i < s->mant_len; i++) {
		char c = s->mant[i];
		if (c == '.' || (c == '0' && nd == 0))
			continue;
		if (nd < cap)
			d[nd] = c;
		nd++;
	}
	return nd;
}

/* next_digit: the mantissa's digit at *m, past the point; moves *m on */
static char
next_digit(const char **m)
{
	if (**m == '.')
		(*m)++;
	return *(*m)++;
}

/* numtext_write writes s into out (n bytes) without an exponent, its digits read
 * straight from the mantissa, however many there are: a copy of them into 512 bytes
 * refused a SQLite decimal of 1001 digits (one a PostgreSQL numeric had left in a
 * DECIMAL_TEXT column). */
static int
numtext_write(const struct spelled *s, char *out, size_t n)
{
	size_t nd = numtext_digits(s, NULL, 0);
	long scale = s->scale;
	if (scale > NUMTEXT_MAX_EXP || scale < -NUMTEXT_MAX_EXP)
		return RPL_NUMTEXT_ROOM;
	const char *m = s->mant;   /* the first digit, past leading zeros (numtext_digits) */
	while (nd > 0 && (*m == '.' || *m == '0'))
		m++;
	/* integer digits, then the fraction's: zeros fill in on either side */
	long intd = (long)nd - scale;
	size_t need = (s->neg && nd > 0 ? 1 : 0) + (size_t)(intd > 0 ? intd : 1) + (scale > 0 ? (size_t)scale + 1 : 0);
	if (need + 1 > n)
		return RPL_NUMTEXT_ROOM;
	size_t o = 0;
	if (s->neg && nd > 0)
		out[o++] = '-';
	if (intd <= 0)
		out[o++] = '0';
	for (long i = 0; i < intd; i++)
		out[o++] = i < (long)nd ? next_digit(&m) : '0';
	if (scale > 0) {
		out[o++] = '.';
		/* scale digits: the fraction's leading zeros (negative positions), then digits */
		for (long i = intd; i < (long)nd; i++)
			out[o++] = i >= 0 ? next_digit(&m) : '0';
	}
	out[o] = '\0';
	return (int)o;
}

int
rpl_numtext_plain(const char *in, size_t len, char *out, size_t n)
{
	struct spelled s;
	if (!numtext_read(in, len, &s))
		return RPL_NUMTEXT_NAN;
	return numtext_write(&s, out, n);
}

int
rpl_numtext_from_double(double d, char *out, size_t n)
{
	char buf[40];
	if (!isfinite(d))
		return RPL_NUMTEXT_NAN;
	/* the fewest significant digits that read back as the same double; 17 always do */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*e", prec - 1, d);
		if (strtod(buf, NULL) == d)
			break;
	}
	return rpl_numtext_plain(buf, strlen(buf), out, n);
}

int
rpl_numtext_shortest(double d, char *out, size_t n)
{
	int len = 0;
	for (int prec = 1; prec <= 17; prec++) {
		len = snprintf(out, n, "%.*g", prec, d);
		if (!isfinite(d) || strtod(out, NULL) == d)
			break;
	}
	return len;
}

double
rpl_numtext_float_decimal(double d)
{
	float f = (float)d;
	if (!isfinite(d) || (double)f != d)
		return d;   /* not a float widened: already a decimal's double, or beyond a float */
	char t[32];
	for (int prec = 1; prec <= 9; prec++) {   /* 9 digits tell every float apart */
		snprintf(t, sizeof t, "%.*g", prec, d);
		if (strtof(t, NULL) == f)
			break;
	}
	return strtod(t, NULL);
}

int
rpl_numtext_int64(const char *in, size_t len, int64_t *v)
{
	struct spelled s;
	char dig[512];
	if (!numtext_read(in, len, &s))
		return RPL_NUMTEXT_NAN;
	size_t nd = numtext_digits(&s, dig, sizeof dig);
	if (nd > sizeof dig)
		return RPL_NUMTEXT_RANGE;
	/* a fraction of zeros is no fraction: drop them from the digits */
	while (s.scale > 0 && nd > 0 && dig[nd - 1] == '0')
		nd--, s.scale--;
	if (nd == 0) {
		*v = 0;
		return 0;
	}
	if (s.scale > 0)
		return RPL_NUMTEXT_FRACTION;
	if ((long)nd - s.scale > 19)
		return RPL_NUMTEXT_RANGE;
	uint64_t u = 0, lim = s.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (long i = 0; i < (long)nd - s.scale; i++) {
		unsigned c = i < (long)nd ? (unsigned)(dig[i] - '0') : 0;
		if (u > (lim - c) / 10)
			return RPL_NUMTEXT_RANGE;
		u = u * 10 + c;
	}
	*v = s.neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

int
rpl_double_int64(double d, int64_t *v)
{
	if (!isfinite(d))
		return RPL_NUMTEXT_NAN;
	/* 2^63 is exact as a double; inside the range the conversion truncates, so a
	 * fraction shows as a difference (no libm: floor would need it) */
	if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
		return RPL_NUMTEXT_RANGE;   /* (doubles this large have no fraction) */
	int64_t i = (int64_t)d;
	if ((double)i != d)
		return RPL_NUMTEXT_FRACTION;
	*v = i;
	return 0;
}
