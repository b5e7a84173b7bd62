/* daemon/dryrun_print.c: the dry run's line breaking (dryrun_print.h). */
#include "dryrun_print.h"
#include <stdlib.h>
#include <string.h>

#define WRAP 100         /* statements are broken to lines of about this many columns */

/* Where a line may be broken, outside literals and quoted names: after ", " at the
 * parenthesis depth that holds the statement's main list (the columns), or before a
 * clause keyword. */
static const char *const clause[] = { " FROM ", " WHERE ", " AND ", " ORDER BY ", " VALUES ", " JOIN ", NULL };

/* scan calls fn(at, len, data) for every break point of sql: at is its offset, len
 * the text the line break replaces (", " keeps its comma: len 1 after it). list_depth
 * < 0: only count the ", " per depth into hist[0..7]. */
static void
scan(const char *sql, bool brackets, int list_depth, size_t *hist, size_t *at, size_t *nat)
{
	char q = 0;
	int depth = 0;
	for (size_t i = 0; sql[i] != '\0'; i++) {
		char c = sql[i];
		if (q != 0) {
			if (c == q && sql[i + 1] == q)
				i++;                 /* doubled: still inside */
			else if (c == q)
				q = 0;
			continue;
		}
		if (c == '\'' || c == '"' || c == '`' || (c == '[' && brackets)) {
			q = c == '[' ? ']' : c;
			continue;
		}
		depth += c == '(' ? 1 : c == ')' ? -1 : 0;
		if (c == ',' && sql[i + 1] == ' ') {
			if (list_depth < 0 && depth >= 0 && depth < 8)
				hist[depth]++;
			else if (depth == list_depth)
				at[(*nat)++] = i + 1;    /* the space after the comma */
			continue;
		}
		for (int k = 0; list_depth >= 0 && clause[k] != NULL; k++)
			if (c == ' ' && strncmp(sql + i, clause[k], strlen(clause[k])) == 0)
				at[(*nat)++] = i;
	}
}

/* rd_dryrun_sql writes sql as sent, broken into lines of about WRAP columns at break
 * points only: a line break stands where the statement has a space, so the text means
 * the same. */
void
rd_dryrun_sql(FILE *out, const char *sql, bool brackets)
{
	size_t hist[8] = { 0 }, n = strlen(sql), nat = 0;
	size_t *at = malloc((n + 1) * sizeof *at);
	scan(sql, brackets, -1, hist, NULL, NULL);
	int list = 0;
	for (int d = 1; d < 8; d++)
		if (hist[d] > hist[list])
			list = d;
	if (at != NULL)
		scan(sql, brackets, list, NULL, at, &nat);
	size_t col = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		if (k < nat && at[k] == i) {
			size_t next = k + 1 < nat ? at[k + 1] : n;
			k++;
			/* not at a line's start (a short head stays with its first item) */
			if (col >= 40 && col + (next - i) > WRAP) {
				fputs("\n    ", out);
				col = 4;
				continue;                /* the space the break replaces */
			}
		}
		fputc(sql[i], out);
		col++;
	}
	fputc('\n', out);
	free(at);
}

/* rd_dryrun_comment writes text as "-- " lines of about WRAP columns, broken at spaces. */
void
rd_dryrun_comment(FILE *out, const char *text)
{
	const char *p = text;
	do {
		size_t n = strlen(p), cut = n;
		if (n > WRAP - 3) {
			cut = WRAP - 3;
			while (cut > 20 && p[cut] != ' ')
				cut--;
			if (p[cut] != ' ')
				cut = n;             /* one long word: leave it whole */
		}
		fprintf(out, "-- %s%.*s\n", p == text ? "" : "   ", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	} while (*p != '\0');
}

