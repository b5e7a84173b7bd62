/* lib/sqlite/sqlite_refused.c: see sqlite_refused.h. The texts are SQLite 3.40's
 * (sqlite3HaltConstraint, sqlite3UniqueConstraint), matched literally; anything else
 * gives no name. Runs only for a refused row, so reading the schema each time is
 * not on the copy's path. */
#include "sqlite_refused.h"
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* ident_char: may c continue a bare SQLite identifier? (bytes of UTF-8 names too) */
static bool
ident_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* read_name reads the identifier at p (bare or quoted) into out; returns the text
 * after it, or NULL when there is none or it does not fit. */
static const char *
read_name(const char *p, char *out, size_t n)
{
	static const char open[] = "\"[`'", close[] = "\"]`'";
	const char *q = *p != '\0' ? strchr(open, *p) : NULL;
	size_t len = 0;
	if (q != NULL) {
		char end = close[q - open];
		for (p++; *p != '\0' && !(*p == end && p[1] != end); p++) {
			if (*p == end)
				p++;   /* a doubled quote is one quote in the name */
			if (len + 1 >= n)
				return NULL;
			out[len++] = *p;
		}
		if (*p == '\0')
			return NULL;
		p++;
	} else {
		for (; ident_char((unsigned char)*p); p++) {
			if (len + 1 >= n)
				return NULL;
			out[len++] = *p;
		}
	}
	out[len] = '\0';
	return len > 0 ? p : NULL;
}

bool
rpl_lite_declares(const char *sql, const char *name)
{
	char got[256];
	for (const char *p = sql; p != NULL && *p != '\0'; p++) {
		if (*p == '\'') {   /* a string literal: its words are not SQL */
			for (p++; *p != '\0' && !(*p == '\'' && p[1] != '\''); p += *p == '\'' ? 2 : 1)
				;
			if (*p == '\0')
				break;
			continue;
		}
		if (strncasecmp(p, "constraint", 10) != 0 || (p > sql && ident_char((unsigned char)p[-1])) ||
		    ident_char((unsigned char)p[10]))
			continue;
		const char *q = p + 10;
		while (isspace((unsigned char)*q))
			q++;
		if (read_name(q, got, sizeof got) != NULL && strcasecmp(got, name) == 0)
			return true;
	}
	return false;
}

/* declared: does table's CREATE TABLE text declare a constraint named name? */
static bool
declared(sqlite3 *db, const char *table, const char *name)
{
	sqlite3_stmt *st = NULL;
	bool yes = sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1"
	                                  " COLLATE NOCASE", -1, &st, NULL) == SQLITE_OK &&
	           sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	           rpl_lite_declares((const char *)sqlite3_column_text(st, 0), name);
	sqlite3_finalize(st);
	return yes;
}

/* unique_index: the CREATE UNIQUE INDEX of table over exactly the columns of list
 * ("t.a, t.b", in the index's order) into out. A UNIQUE or PRIMARY KEY written in
 * CREATE TABLE has only SQLite's own index name (sqlite_autoindex_t_1): none given. */
static void
unique_index(sqlite3 *db, const char *table, const char *list, char *out, size_t n)
{
	char cols[1024] = "";
	size_t tl = strlen(table), cl = 0;
	for (const char *p = list; *p != '\0' && *p != '\n';) {
		size_t len = strcspn(p, ",\n");
		if (len <= tl + 1 || strncasecmp(p, table, tl) != 0 || p[tl] != '.' ||
		    cl + len + 2 >= sizeof cols)
			return;   /* not "table.col": a name we cannot read back */
		cl += (size_t)snprintf(cols + cl, sizeof cols - cl, "%s%.*s", cl > 0 ? ", " : "", (int)(len - tl - 1),
		                       p + tl + 1);
		p += len;
		if (*p == ',')
			p += p[1] == ' ' ? 2 : 1;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT il.name FROM pragma_index_list(?1) AS il WHERE il.\"unique\" AND il.origin = 'c'"
	                           " AND (SELECT group_concat(ii.name, ', ') FROM (SELECT name FROM"
	                           " pragma_index_info(il.name) ORDER BY seqno) AS ii) = ?2",
	                       -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_text(st, 2, cols, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

void
rpl_lite_constraint(sqlite3 *db, const char *table, const char *msg, char *out, size_t n)
{
	const char *p;
	char name[256];
	out[0] = '\0';
	if (msg == NULL || table == NULL)
		return;
	if ((p = strstr(msg, "CHECK constraint failed: ")) != NULL) {
		/* a named CHECK's name, or an unnamed one's expression: a name only if the
		 * table declares it (CHECK (active) reads "failed: active" too) */
		snprintf(name, sizeof name, "%.*s", (int)strcspn(p + 25, "\n"), p + 25);
		if (declared(db, table, name))
			snprintf(out, n, "%s", name);
	} else if ((p = strstr(msg, "UNIQUE constraint failed: index ")) != NULL) {
		if (read_name(p + 32, name, sizeof name) != NULL)   /* an index on expressions */
			snprintf(out, n, "%s", name);
	} else if ((p = strstr(msg, "UNIQUE constraint failed: ")) != NULL) {
		unique_index(db, table, p + 26, out, n);
	}
}
