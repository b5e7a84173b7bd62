/* lib/sqlite/sqlite_affinity.c: see sqlite_affinity.h. The five rules, first match wins: "INT" ->
 * INTEGER; "CHAR", "CLOB" or "TEXT" -> TEXT; "BLOB" or no type -> BLOB; "REAL",
 * "FLOA" or "DOUB" -> REAL; anything else NUMERIC. Substrings, case-insensitive, as
 * SQLite matches them (so "POINT" is INTEGER and "FLOATING POINT" too). */
#include "sqlite_affinity.h"
#include <stdbool.h>
#include <string.h>
#include <strings.h>

static bool
has(const char *decl, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = decl; *p != '\0'; p++)
		if (strncasecmp(p, word, n) == 0)
			return true;
	return false;
}

enum rpl_affinity
rpl_sqlite_affinity(const char *decl)
{
	if (decl == NULL || decl[0] == '\0')
		return RPL_AFF_BLOB;
	if (has(decl, "INT"))
		return RPL_AFF_INTEGER;
	if (has(decl, "CHAR") || has(decl, "CLOB") || has(decl, "TEXT"))
		return RPL_AFF_TEXT;
	if (has(decl, "BLOB"))
		return RPL_AFF_BLOB;
	if (has(decl, "REAL") || has(decl, "FLOA") || has(decl, "DOUB"))
		return RPL_AFF_REAL;
	return RPL_AFF_NUMERIC;
}

const char *
rpl_affinity_name(enum rpl_affinity a)
{
	static const char *const n[] = { "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC" };
	return (unsigned)a < sizeof n / sizeof n[0] ? n[a] : "?";
}
