/* ctl/table.c: columns as wide as their contents (see table.h). */
#include "table.h"
#include <stdlib.h>
#include <string.h>

void
ctl_table_init(struct ctl_table *t, size_t ncols, const char *const *heads, const char *align)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	t->heads = heads;
	t->align = align;
}

void
ctl_table_row(struct ctl_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **c = realloc(t->cells, cap * t->ncols * sizeof *c), **n = c ? realloc(t->notes, cap * sizeof *n) : NULL;
		if (c != NULL)
			t->cells = c;
		if (n == NULL) {
			t->failed = 1;
			return;
		}
		t->notes = n;
		t->cap = cap;
	}
	for (size_t k = 0; k < t->ncols; k++)
		t->cells[t->nrows * t->ncols + k] = strdup(cells[k] ? cells[k] : "");
	t->notes[t->nrows++] = NULL;
}

void
ctl_table_note(struct ctl_table *t, const char *text)
{
	if (t->nrows > 0 && t->notes[t->nrows - 1] == NULL)
		t->notes[t->nrows - 1] = strdup(text);
}

static void
print_line(const struct ctl_table *t, const size_t *w, const char *const *cells, FILE *f)
{
	for (size_t k = 0; k < t->ncols; k++) {
		const char *s = cells[k] ? cells[k] : "";
		int width = (int)w[k];
		if (k + 1 == t->ncols && t->align[k] != 'r')
			fprintf(f, "%s", s);   /* no trailing blanks */
		else
			fprintf(f, t->align[k] == 'r' ? "%*s" : "%-*s", width, s);
		fputs(k + 1 < t->ncols ? "  " : "\n", f);
	}
}

void
ctl_table_print(struct ctl_table *t, FILE *f)
{
	size_t *w = calloc(t->ncols, sizeof *w);
	for (size_t k = 0; w != NULL && k < t->ncols; k++) {
		w[k] = strlen(t->heads[k]);
		for (size_t r = 0; r < t->nrows; r++) {
			const char *s = t->cells[r * t->ncols + k];
			if (s != NULL && strlen(s) > w[k])
				w[k] = strlen(s);
		}
	}
	if (w != NULL) {
		print_line(t, w, (const char *const *)t->heads, f);
		for (size_t r = 0; r < t->nrows; r++) {
			print_line(t, w, (const char *const *)&t->cells[r * t->ncols], f);
			if (t->notes[r] != NULL)
				fprintf(f, "  %s\n", t->notes[r]);
		}
	}
	if (t->failed || w == NULL)
		fprintf(f, "(out of memory: rows are missing)\n");
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (size_t r = 0; r < t->nrows; r++)
		free(t->notes[r]);
	free(t->cells);
	free(t->notes);
	free(w);
	memset(t, 0, sizeof *t);
}
