/* lib/core/rules_maria.c: a MariaDB target column's own limits, which its server
 * checks in a strict-mode load: the copy met them only as the server's refusal of
 * the row (rule `server`, no column named), which scan could not foresee. An UNSIGNED
 * or MEDIUMINT integer (the catalog widens an UNSIGNED type to the next signed one,
 * catalog.c), a YEAR (0, or 1901 to 2155), and an ENUM's or a SET's values (each
 * exactly one of the labels as declared: 'c' into ENUM('a','b') was refused, 'A'
 * would be stored as 'a'). */
#include "rules_int.h"
#include "dialect.h"
#include <ctype.h>
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
	if (d->decl[0] != 'm' && strstr(d->decl, "unsigned") == NULL)
		return false;   /* neither a MEDIUMINT nor UNSIGNED: this runs per judged value */
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

/* label_char: the next character of a label in COLUMN_TYPE's spelling at *q, which
 * doubles a quote and escapes a backslash ('a\\b' is a\b; \n, \t, \r, \0, \Z as in
 * MariaDB's string literals); *end: the label's closing quote was read */
static char
label_char(const char **q, bool *end)
{
	static const char esc[][2] = { { 'n', '\n' }, { 't', '\t' }, { 'r', '\r' }, { '0', '\0' }, { 'Z', '\032' } };
	char c = *(*q)++;
	*end = false;
	if (c == '\'') {
		if (**q != '\'') {
			*end = true;
			return 0;
		}
		(*q)++;
	} else if (c == '\\' && **q != '\0') {
		c = *(*q)++;
		for (size_t i = 0; i < sizeof esc / sizeof esc[0]; i++)
			if (c == esc[i][0])
				return esc[i][1];
	}
	return c;
}

/* label_at: is v[0..n) exactly the label that starts at the quote *p of an ENUM's or
 * SET's declaration? *p is moved past the label. */
static bool
label_at(const char **p, const char *v, size_t n)
{
	const char *q = *p + 1;
	size_t k = 0;
	bool same = true, end = false;
	while (*q != '\0') {
		char c = label_char(&q, &end);
		if (end)
			break;
		same = same && k < n && v[k] == c;
		k++;
	}
	*p = q;
	return same && k == n;
}

/* label_index: the position of v[0..n) among decl's labels (0 the first), -1 for
 * none, -2 when decl cannot be read (the server judges) */
static int
label_index(const char *decl, const char *v, size_t n)
{
	const char *p = strchr(decl, '(');
	if (p == NULL || p[1] != '\'')
		return -2;
	int i = 0;
	for (p++; *p == '\''; i++) {
		if (label_at(&p, v, n))
			return i;
		if (*p == ',')
			p++;
	}
	return -1;
}

bool
rules_maria_labels(const struct rpl_rules *ru, const struct rpl_column *d)
{
	return ru->dst_dialect->engine == RPL_ENGINE_MARIADB && (d->kind == RPL_KIND_ENUM || d->kind == RPL_KIND_SET) &&
	       d->decl[0] != '\0';
}

long
rules_maria_byte_cap(const struct rpl_rules *ru, const struct rpl_column *d)
{
	static const struct { const char *type; long cap; } caps[] = {
		{ "tinytext", 255 }, { "text", 65535 }, { "mediumtext", 16777215 },
		{ "tinyblob", 255 }, { "blob", 65535 }, { "mediumblob", 16777215 },
	};
	if (ru->dst_dialect->engine != RPL_ENGINE_MARIADB || !d->is_long)
		return 0;
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		size_t n = strlen(caps[i].type);
		if (strncmp(d->decl, caps[i].type, n) == 0 && (d->decl[n] == '\0' || d->decl[n] == ' ' || d->decl[n] == '('))
			return caps[i].cap;
	}
	return 0;
}

bool
rules_maria_label_fits(const struct rpl_column *d, const char *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                       size_t wn)
{
	size_t n = (size_t)ind;
	bool fits = true, ordered = true;
	if (d->kind == RPL_KIND_ENUM) {
		fits = label_index(d->decl, v, n) != -1;
	} else {   /* a SET: '' or labels joined by commas, in the declaration's order */
		int last = -1;
		for (size_t s = 0; fits && n > 0 && s <= n;) {
			const char *comma = memchr(v + s, ',', n - s);
			size_t e = comma != NULL ? (size_t)(comma - v) : n;
			int i = label_index(d->decl, v + s, e - s);
			fits = i != -1;
			ordered = ordered && (i == -2 || i > last);
			last = i > last ? i : last;
			s = e + 1;
		}
	}
	if (fits && ordered)
		return true;
	*rule = RPL_RULE_WRONG_TYPE;
	const char *cs = strstr(d->decl, " CHARACTER SET");   /* the list, not its character set */
	int dn = cs != NULL ? (int)(cs - d->decl) : (int)strlen(d->decl);
	dn = dn > 200 ? 200 : dn;
	if (!fits)
		snprintf(why, wn, "\"%.60s\" is not %s of %.*s%s", v,
		         d->kind == RPL_KIND_ENUM ? "one of the values" : "made of the values", dn, d->decl,
		         n == 0 ? " (MariaDB would store its ENUM error value, index 0)" : "");
	else   /* MariaDB stores a SET's labels once each, in the declaration's order */
		snprintf(why, wn, "\"%.60s\" would be stored in another order or without a repeated value by %.*s", v,
		         dn, d->decl);
	return false;
}

bool
rules_maria_number_label(const struct rpl_xcol *x, const void *v, SQLLEN ind, enum rpl_rule *rule, char *why,
                         size_t wn)
{
	/* LOAD DATA sends the number as text, which MariaDB takes as a label when one is
	 * spelled so, else as an index (an ENUM) or a bitmask (a SET): 1 into ENUM('a','b')
	 * became 'a', 3 into SET('x','y') 'x,y', without a word */
	char t[32];
	const char *p = v;
	size_t n = (size_t)ind;
	if (x->cls == RPL_CLASS_INT && !x->as_text) {
		n = (size_t)snprintf(t, sizeof t, "%lld", (long long)*(const int64_t *)v);
		p = t;
	} else if (!x->as_text && x->c_type != SQL_C_CHAR) {
		n = 0, p = NULL;   /* a double, a date: no label spells them as replicad writes them */
	}
	if (p != NULL && label_index(x->dst->decl, p, n) != -1)
		return true;
	*rule = RPL_RULE_WRONG_TYPE;
	snprintf(why, wn, "%s%.40s%s is no label of %s, which would store it by %s", p != NULL ? "\"" : "a value",
	         p != NULL ? p : "", p != NULL ? "\"" : "", x->dst->name,
	         x->dst->kind == RPL_KIND_ENUM ? "its index" : "its bits");
	return false;
}

bool
rules_maria_unsigned_decimal(const struct rpl_rules *ru, const struct rpl_column *d)
{
	/* BIGINT UNSIGNED: the catalog makes it DECIMAL(20,0) (catalog.c) */
	return ru->dst_dialect->engine == RPL_ENGINE_MARIADB && d->cls == RPL_CLASS_DECIMAL && d->size == 20 &&
	       d->scale == 0 && base_width(d->decl) == 8 && strcasestr(d->decl, "unsigned") != NULL;
}

bool
rules_maria_unsigned_fits(const char *plain)
{
	static const char top[] = "18446744073709551615";   /* 2^64 - 1 */
	if (*plain == '-')
		return strpbrk(plain, "123456789") == NULL;   /* -0 */
	plain += *plain == '+';
	while (*plain == '0' && isdigit((unsigned char)plain[1]))
		plain++;
	size_t n = strspn(plain, "0123456789");
	return n < sizeof top - 1 || (n == sizeof top - 1 && strncmp(plain, top, n) <= 0);
}
