/* lib/core/typedecl.c: see typedecl.h. */
#include "typedecl.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

void
rpl_typedecl_of(const struct rpl_column *col, char *out, size_t n)
{
	if (col->decl[0] != '\0') {
		/* a MariaDB declaration carries its character set and collation for CREATE
		 * TABLE; a message names the type alone */
		const char *cs = strstr(col->decl, " CHARACTER SET ");
		int len = cs != NULL ? (int)(cs - col->decl) : (int)strlen(col->decl);
		/* a PostgreSQL enum's name says nothing of what it holds
		 * ("rating varchar(5) < mpaa_rating (enum)"); MariaDB's lists its labels */
		bool mark = col->kind == RPL_KIND_ENUM && strncasecmp(col->decl, "enum(", 5) != 0;
		snprintf(out, n, "%.*s%s", len, col->decl, mark ? " (enum)" : "");
	} else if (col->size > 0 && strchr(col->type_name, '(') == NULL && col->cls == RPL_CLASS_DECIMAL) {
		snprintf(out, n, "%s(%ld,%d)", col->type_name, col->size, col->scale);
	} else if (col->size > 0 && strchr(col->type_name, '(') == NULL && !col->is_long &&
	           (col->cls == RPL_CLASS_TEXT || col->cls == RPL_CLASS_BINARY)) {
		snprintf(out, n, "%s(%ld)", col->type_name, col->size);
	} else {
		snprintf(out, n, "%s", col->type_name);
	}
}
