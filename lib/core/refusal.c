/* lib/core/refusal.c: see refusal.h. The patterns are the servers' own message texts
 * (PostgreSQL 15's COPY context and constraint messages, MariaDB 10.11's data
 * errors, SQLite's constraint errors), matched literally: a message that names no
 * column gives none rather than a guess. */
#include "refusal.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* copy_name copies p[0..len) to col; false when it does not fit or is empty. */
static bool
copy_name(const char *p, size_t len, char *col, size_t n)
{
	if (len == 0 || len >= n)
		return false;
	memcpy(col, p, len);
	col[len] = '\0';
	return true;
}

/* after: the text after the last occurrence of pat in s, or NULL */
static const char *
after_last(const char *s, const char *pat)
{
	const char *hit = NULL;
	for (const char *p = strstr(s, pat); p != NULL; p = strstr(p + 1, pat))
		hit = p;
	return hit != NULL ? hit + strlen(pat) : NULL;
}

/* check_word: is w[0..len) an SQL word of a CHECK expression rather than a name? */
static bool
check_word(const char *w, size_t len)
{
	static const char *const words[] = { "and", "or", "not", "in", "is", "null", "like", "glob", "regexp",
	                                     "match", "between", "collate", "escape", "case", "when", "then",
	                                     "else", "end", "exists", "cast", "as", "true", "false", NULL };
	for (const char *const *k = words; *k != NULL; k++)
		if (strlen(*k) == len && strncasecmp(w, *k, len) == 0)
			return true;
	return false;
}

/* check_column: the one column SQLite's "CHECK constraint failed: <expr>" names, when
 * its expression (SQLite 3.40 gives it for an unnamed CHECK) names exactly one: its
 * names outside quotes, not SQL words, not functions. A lone word is a named CHECK's
 * name (qty_positive), not a column. */
static bool
check_column(const char *p, char *col, size_t n)
{
	const char *name = NULL;
	size_t name_len = 0;
	bool more = false;   /* anything beside the name: an expression, not a CHECK's name */
	while (*p != '\0' && *p != '\n') {
		if (*p == ' ') {
			p++;
			continue;
		}
		if (*p == '\'') {   /* a string literal, '' inside it */
			more = true;
			for (p++; *p != '\0' && !(*p == '\'' && p[1] != '\''); p += *p == '\'' ? 2 : 1)
				;
			p += *p != '\0';
			continue;
		}
		if (!(isalpha((unsigned char)*p) || *p == '_' || *p == '"')) {
			more = true;
			for (p++; isdigit((unsigned char)p[-1]) && (isalnum((unsigned char)*p) || *p == '.'); p++)
				;   /* a number, 1e5 included */
			continue;
		}
		bool quoted = *p == '"';
		const char *w = quoted ? p + 1 : p, *e = w;
		while (*e != '\0' && (quoted ? *e != '"' : (isalnum((unsigned char)*e) || *e == '_')))
			e++;
		p = quoted && *e == '"' ? e + 1 : e;
		const char *after = p;
		while (*after == ' ')
			after++;
		size_t len = (size_t)(e - w);
		if (*after == '(' || (!quoted && check_word(w, len))) {
			more = true;
			continue;   /* a function or an SQL word */
		}
		if (name != NULL && (name_len != len || strncmp(name, w, len) != 0))
			return false;   /* two columns: not one's */
		more = more || name != NULL;
		name = w;
		name_len = len;
	}
	return name != NULL && more && copy_name(name, name_len, col, n);
}

bool
rpl_refusal_column(const char *text, char *col, size_t n)
{
	const char *p, *e;
	if (text == NULL)
		return false;
	/* PostgreSQL COPY context: "COPY t, line 3, column foo: "x"" (or no value) */
	if ((p = strstr(text, ", line ")) != NULL && (p = strstr(p, ", column ")) != NULL) {
		p += 9;
		e = strstr(p, ": ");
		size_t len = e != NULL ? (size_t)(e - p) : strcspn(p, "\n");
		return copy_name(p, len, col, n);
	}
	/* MariaDB: "for column 'foo' at row 1", or "for column `db`.`t`.`foo` at row 1" */
	if ((p = strstr(text, "for column ")) != NULL) {
		p += 11;
		if (*p == '\'' && (e = strchr(p + 1, '\'')) != NULL)
			return copy_name(p + 1, (size_t)(e - p - 1), col, n);
		if (*p == '`') {
			const char *last = p;
			while ((e = strchr(last + 1, '`')) != NULL && e[1] == '.' && e[2] == '`')
				last = e + 2;
			if ((e = strchr(last + 1, '`')) != NULL)
				return copy_name(last + 1, (size_t)(e - last - 1), col, n);
		}
	}
	/* PostgreSQL: `null value in column "foo" of relation …`, `column "foo" is of type …` */
	if ((p = strstr(text, "column \"")) != NULL && (e = strchr(p + 8, '"')) != NULL)
		return copy_name(p + 8, (size_t)(e - p - 8), col, n);
	/* PostgreSQL key violations: "Key (foo)=(1) already exists"; one column only */
	if ((p = strstr(text, "Key (")) != NULL && (e = strstr(p, ")=(")) != NULL) {
		p += 5;
		return memchr(p, ',', (size_t)(e - p)) == NULL && copy_name(p, (size_t)(e - p), col, n);
	}
	/* MariaDB foreign keys: "… CONSTRAINT `fk` FOREIGN KEY (`foo`) REFERENCES …"; one column only */
	if ((p = strstr(text, "FOREIGN KEY (`")) != NULL && (e = strchr(p + 14, '`')) != NULL && e[1] == ')')
		return copy_name(p + 14, (size_t)(e - p - 14), col, n);
	/* SQLite: "CHECK constraint failed: rating IN ('G','PG')", its expression's one column */
	if ((p = after_last(text, "CHECK constraint failed: ")) != NULL)
		return check_column(p, col, n);
	/* SQLite: "NOT NULL constraint failed: t.foo" */
	/* SQLite's STRICT tables: "cannot store TEXT value in INTEGER column t.foo" */
	if ((p = after_last(text, "NOT NULL constraint failed: ")) != NULL ||
	    (p = after_last(text, "UNIQUE constraint failed: ")) != NULL ||
	    ((p = strstr(text, "cannot store ")) != NULL && (p = after_last(p, " column ")) != NULL)) {
		size_t len = strcspn(p, ", \n");
		const char *dot = memchr(p, '.', len);
		return (p[len] == '\0' || p[len] == '\n' || p[len] == ' ') && dot != NULL &&
		       copy_name(dot + 1, (size_t)(p + len - dot - 1), col, n);
	}
	return false;
}
