/* tests/logfmt.c: the strict logfmt reader (see logfmt.h). It follows go-logfmt's
 * decoder, the one most log shippers use: a key is a run of bytes above ' ' other
 * than '=' and '"'; a bare value may not hold '=' or '"'; a quoted value takes the
 * escapes \" \\ \/ \b \f \n \r \t \uXXXX and no raw control byte. */
#include "logfmt.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct lf_pair { const char *key; size_t keylen; const char *val; size_t vallen; bool quoted; };

static bool
lf_fail(char *why, size_t n, size_t at, const char *fmt, ...)
{
	va_list ap;
	int k = snprintf(why, n, "at byte %zu: ", at);
	va_start(ap, fmt);
	if (k >= 0 && (size_t)k < n)
		vsnprintf(why + k, n - (size_t)k, fmt, ap);
	va_end(ap);
	return false;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* lf_quoted reads a quoted value starting at s[*i] == '"' and leaves *i past the
 * closing quote */
static bool
lf_quoted(const char *s, size_t *i, char *why, size_t whyn)
{
	size_t start = *i;
	for (size_t k = *i + 1;; k++) {
		unsigned char c = (unsigned char)s[k];
		if (c == '\0')
			return lf_fail(why, whyn, start, "quoted value never closed");
		if (c < 0x20)
			return lf_fail(why, whyn, k, "raw control byte 0x%02x inside quotes", c);
		if (c == '"') {
			*i = k + 1;
			return true;
		}
		if (c != '\\')
			continue;
		char e = s[++k];
		if (e == 'u') {
			for (int h = 1; h <= 4; h++)
				if (!is_hex(s[k + (size_t)h]))
					return lf_fail(why, whyn, k, "\\u needs four hex digits");
			k += 4;
		} else if (strchr("\"\\/bfnrt", e) == NULL || e == '\0') {
			return lf_fail(why, whyn, k - 1, "unknown escape \\%c", e ? e : '0');
		}
	}
}

/* lf_next reads the pair at s[*i] (after any spaces); false at the end or on error
 * (why set only for an error) */
static bool
lf_next(const char *s, size_t *i, struct lf_pair *p, char *why, size_t whyn)
{
	while (s[*i] == ' ')
		(*i)++;
	if (s[*i] == '\0')
		return false;
	size_t k = *i;
	while ((unsigned char)s[k] > ' ' && s[k] != '=' && s[k] != '"')
		k++;
	if (k == *i)
		return lf_fail(why, whyn, k, "expected a key, found '%c'", s[k]);
	*p = (struct lf_pair){ .key = s + *i, .keylen = k - *i, .val = s + k, .vallen = 0 };
	if (s[k] == '"')
		return lf_fail(why, whyn, k, "a quote inside a key");
	if (s[k] != '=') {
		if (s[k] != ' ' && s[k] != '\0')
			return lf_fail(why, whyn, k, "control byte 0x%02x after a key", (unsigned char)s[k]);
		*i = k;
		return true;
	}
	k++;
	size_t v = k;
	p->val = s + v;
	if (s[k] == '"') {
		p->quoted = true;
		if (!lf_quoted(s, &k, why, whyn))
			return false;
	} else {
		while ((unsigned char)s[k] > ' ' && s[k] != '=' && s[k] != '"')
			k++;
	}
	p->vallen = k - v;
	if (s[k] != ' ' && s[k] != '\0')
		return lf_fail(why, whyn, k, "'%c' right after the value of %.*s", s[k], (int)p->keylen, p->key);
	*i = k;
	return true;
}

static bool
lf_is(const struct lf_pair *p, const char *key)
{
	return p->keylen == strlen(key) && memcmp(p->key, key, p->keylen) == 0;
}

bool
logfmt_check(const char *line, char *why, size_t whyn)
{
	struct lf_pair seen[64], p;
	size_t n = 0, i = 0;
	why[0] = '\0';
	while (lf_next(line, &i, &p, why, whyn)) {
		for (size_t k = 0; k < n; k++)
			if (seen[k].keylen == p.keylen && memcmp(seen[k].key, p.key, p.keylen) == 0)
				return lf_fail(why, whyn, (size_t)(p.key - line), "key %.*s twice", (int)p.keylen, p.key);
		if (n == sizeof seen / sizeof seen[0])
			return lf_fail(why, whyn, i, "more than %zu keys", n);
		seen[n++] = p;
	}
	if (why[0] != '\0')
		return false;
	static const char *const levels[] = { "error", "warning", "notice", "info", "debug" };
	bool level_ok = false;
	for (size_t k = 0; n > 0 && k < sizeof levels / sizeof levels[0]; k++)
		level_ok |= lf_is(&seen[0], "level") && seen[0].vallen == strlen(levels[k]) &&
		            memcmp(seen[0].val, levels[k], seen[0].vallen) == 0;
	if (!level_ok)
		return lf_fail(why, whyn, 0, "does not open with level=error|warning|notice|info|debug");
	if (n < 2 || !lf_is(&seen[1], "grp") || seen[1].vallen == 0)
		return lf_fail(why, whyn, 0, "the second key is not grp=GROUP");
	return true;
}

static size_t
lf_put_utf8(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	out[0] = (char)(0xe0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[2] = (char)(0x80 | (cp & 0x3f));
	return 3;
}

/* lf_unquote copies the value of p into out, unescaped */
static void
lf_unquote(const struct lf_pair *p, char *out, size_t outn)
{
	size_t o = 0;
	const char *s = p->quoted ? p->val + 1 : p->val, *end = p->quoted ? p->val + p->vallen - 1 : p->val + p->vallen;
	while (s < end && o + 4 < outn) {
		if (!p->quoted || *s != '\\') {
			out[o++] = *s++;
			continue;
		}
		char e = s[1];
		s += 2;
		switch (e) {
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u': {
			unsigned cp = 0;
			sscanf(s, "%4x", &cp);
			s += 4;
			o += lf_put_utf8(out + o, cp);
			break;
		}
		default: out[o++] = e; break;
		}
	}
	if (outn > 0)
		out[o < outn ? o : outn - 1] = '\0';
}

bool
logfmt_value(const char *line, const char *key, char *out, size_t outn)
{
	struct lf_pair p;
	size_t i = 0;
	char why[160] = "";
	while (lf_next(line, &i, &p, why, sizeof why))
		if (lf_is(&p, key)) {
			lf_unquote(&p, out, outn);
			return true;
		}
	return false;
}

long
logfmt_check_file(const char *path, char *bad, size_t badn)
{
	static char line[1 << 16];
	FILE *f = fopen(path, "r");
	long n = 0;
	bad[0] = '\0';
	if (f == NULL)
		return -1;
	for (long no = 1; fgets(line, sizeof line, f) != NULL; no++) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "level=", 6) != 0)
			continue;
		n++;
		char why[200];
		if (bad[0] == '\0' && !logfmt_check(line, why, sizeof why))
			snprintf(bad, badn, "%s:%ld: %s: %.500s", path, no, why, line);
	}
	fclose(f);
	return n;
}
