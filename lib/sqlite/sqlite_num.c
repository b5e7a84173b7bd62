/* lib/sqlite/sqlite_num.c: see sqlite_num.h. A decimal survives NUMERIC affinity when it is an
 * integer spelled without a point in int64 range (stored as an INTEGER), or when the double nearest to it
 * reads back as the same decimal (the REAL SQLite stores is then that decimal). */
#include "sqlite_num.h"
#include "numtext.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* canon reduces a number's spelling (sign, digits, point, exponent) to its
 * significant digits and the power of ten of the first one: "0.0120" and "1.2e-2"
 * both give "12" and -1. False when there is no digit at all. */
static bool
canon(const char *s, char *dig, size_t n, long *exp10, bool *neg)
{
	size_t k = 0;
	long point = -1, count = 0, lead = 0;
	*neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	for (; *s != '\0' && *s != 'e' && *s != 'E'; s++) {
		if (*s == '.') {
			point = count;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		if (k == 0 && *s == '0') {   /* a leading zero moves the first digit right */
			lead++;
			count++;
			continue;
		}
		if (k + 1 < n)
			dig[k++] = *s;
		count++;
	}
	if (count == 0)
		return false;
	while (k > 0 && dig[k - 1] == '0')
		k--;
	dig[k] = '\0';
	if (point < 0)
		point = count;
	*exp10 = point - lead + (*s != '\0' ? strtol(s + 1, NULL, 10) : 0);
	if (k == 0)
		*neg = false, *exp10 = 0;   /* zero has no sign here: SQLite stores 0 */
	return true;
}

bool
rpl_litenum_keeps(const char *v, char *as_real, size_t n)
{
	int64_t i;   /* only integer text is read as an integer: "9223372036854775807.0" goes by a REAL */
	if (strpbrk(v, ".eE") == NULL && rpl_numtext_int64(v, strlen(v), &i) == 0)
		return true;
	double d = strtod(v, NULL);
	rpl_numtext_shortest(d, as_real, n);
	char a[512], b[512];
	long ea, eb;
	bool na, nb;
	if (!canon(v, a, sizeof a, &ea, &na) || !canon(as_real, b, sizeof b, &eb, &nb))
		return true;   /* not a plain number: the other rules judge it */
	return strcmp(a, b) == 0 && ea == eb && na == nb;
}
