/* lib/util/version.c: version strings as people write them (see version.h). */
#include "version.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
rpl_version_tidy(char *v, size_t n, enum rpl_engine engine, bool dbms)
{
	unsigned long g[8];
	size_t ng = 0;
	const char *p = v;
	if (n == 0 || v[0] == '\0' || strspn(v, "0123456789.") != strlen(v))
		return;
	for (;;) {
		char *end;
		if (*p < '0' || *p > '9' || ng == sizeof g / sizeof g[0])
			return;   /* an empty group ("1..2", ".5", "5.") or too many: not a version we know */
		g[ng++] = strtoul(p, &end, 10);
		if (*end == '\0')
			break;
		p = end + 1;   /* *end is '.' */
	}
	/* PostgreSQL numbers releases major.minor since 10 (15.18); psqlODBC still fills
	 * ODBC's three fields and puts the minor last */
	if (engine == RPL_ENGINE_POSTGRES && dbms && ng == 3 && g[0] >= 10 && g[1] == 0) {
		g[1] = g[2];
		ng = 2;
	}
	char out[128];
	size_t o = 0;
	for (size_t i = 0; i < ng && o < sizeof out; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%lu", i ? "." : "", g[i]);
	if (o < sizeof out)
		snprintf(v, n, "%s", out);
}
