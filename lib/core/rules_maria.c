/* lib/core/rules_maria.c: a MariaDB target column's own limits, which its server
 * checks in a strict-mode load: the copy met them only as the server's refusal of
 * the row (rule `server`, no column named), which scan could not foresee. An UNSIGNED
 * or MEDIUMINT integer (the catalog widens an UNSIGNED type to the next signed one,
 * catalog.c), a YEAR (0, or 1901 to 2155), and an ENUM's or a SET's values (each
 * exactly one of the labels as declared: 'c' into ENUM('a','b') was refused, 'A'
 * would be stored as 'a'). */
#include "rules_int.h"
#include "dialect.h"
#include <strings.h>

/* base_width: the bytes of the integer type decl starts with ("int(10) unsigned"), 0
 * for none */
static int
base_width(const char *decl)
{
	static const struct { const char *name; int bytes; } types[] = {
		{ "tinyint", 1 }, { "smallint", 2 }, { "mediumint", 3 }, { "bigint", 8 }, { "int", 4 },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i].name);
		if (strncasecmp(decl, types[i].name, n) == 0 && (decl[n] == '(' || decl[n] == ' ' || decl[n] == '\0'))
			return types[i].bytes;
	}
	return 0;
}

bool
rules_maria_int_bounds(const struct rpl_rules *ru, const struct rpl_column *d, int64_t *lo, int64_t *hi)
{
	if (ru->dst_dialect->engine != RPL_ENGINE_MARIADB || d->cls != RPL_CLASS_INT)
		return false;
	if (d->kind == RPL_KIND_YEAR) {
		*lo = 1901, *hi = 2155;   /* and 0: the caller's */
		return true;
	}
	int w = base_width(d->decl);
	bool is_unsigned = strcasestr(d->decl, "unsigned") != NULL;
	if (w == 0 || w == 8 || (!is_unsigned && w != 3))
		return false;   /* the catalog's own width says it (rules.c) */
	if (is_unsigned)
		*lo = 0, *hi = (INT64_C(1) << (8 * w)) - 1;
	else
		*lo = -(INT64_C(1) << 23), *hi = (INT64_C(1) << 23) - 1;
	return true;
}

/* label_at: is v[0..n) exactly the label that starts at the quote *p of an ENUM's or
 * SET's declaration ("'it''s'": quotes doubled)? *p is moved past the label. */
static bool
label_at(const char **p, const char *v, size_t n)
{
	const char *q = *p + 1;
	size_t k = 0;
	bool same = true;
	for (;;) {
		if (*q == '\0')
			break;
		char c = *q++;
		if (c == '\'') {
			if (*q != '\'')
				break;
			q++;
		}
		same = same && k < n && v[k] == c;
		k++;
	}
	*p = q;
	return same && k == n;
}

/* one_of: is v[0..n) one of decl's labels? true also when decl cannot be read (the
 * server judges) */
static bool
one_of(const char *decl, const char *v, size_t n)
{
	const char *p = strchr(decl, '(');
	if (p == NULL || p[1] != '\'')
		return true;
	for (p++; *p == '\'';) {
		if (label_at(&p, v, n))
			return true;
		if (*p == ',')
			p++;
	}
	return false;
}

bool
rules_maria_labels(const struct rpl_rules *ru, const struct rpl_column *d)
{
	return ru->dst_dialect->engine == RPL_ENGINE_MARIADB && (d->kind == RPL_KIND_ENUM || d->kind == RPL_KIND_SET) &&
	       d->decl[0] != '\0';
}

bool
rules_maria_label_fits(const struct rpl_column *d, const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                       size_t wn)
{
	size_t n = (size_t)ind;
	bool fits = true;
	if (d->kind == RPL_KIND_ENUM) {
		fits = one_of(d->decl, v, n);
	} else {   /* a SET: '' or labels joined by commas */
		for (size_t s = 0; fits && n > 0 && s <= n;) {
			const char *comma = memchr(v + s, ',', n - s);
			size_t e = comma != NULL ? (size_t)(comma - v) : n;
			fits = one_of(d->decl, v + s, e - s);
			s = e + 1;
		}
	}
	if (fits)
		return true;
	*rule = RPL_RULE_WRONG_TYPE;
	if (n == 0) {   /* an ENUM that does not list '': its error value (index 0) */
		snprintf(why, wn, "'' is MariaDB's ENUM error value (index 0, stored for an invalid value under a relaxed"
		         " sql_mode): a strict-mode load cannot write it, as text or as index 0, and a relaxed one would"
		         " change other values without a word");
		return false;
	}
	const char *cs = strstr(d->decl, " CHARACTER SET");   /* the list, not its character set */
	int dn = cs != NULL ? (int)(cs - d->decl) : (int)strlen(d->decl);
	snprintf(why, wn, "\"%.60s\" is not %s of %.*s", v, d->kind == RPL_KIND_ENUM ? "one of the values" : "made of the values",
	         dn > 200 ? 200 : dn, d->decl);
	return false;
}
