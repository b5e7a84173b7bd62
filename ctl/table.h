/* ctl/table.h: replicactl's tables, each column as wide as its widest cell (issue
 * #18 item 8: ledger job ids and long table names pushed fixed-width columns out of
 * line). Rows are kept until ctl_table_print, which frees them. */
#ifndef CTL_TABLE_H
#define CTL_TABLE_H
#include <stdio.h>

struct ctl_table {
	size_t ncols;
	const char *const *heads;    /* borrowed: ncols headers */
	const char *align;           /* borrowed: one 'l' or 'r' per column */
	char **cells;                /* owned: nrows * ncols, then a note per row (NULL: none) */
	char **notes;
	size_t nrows, cap;
	int failed;                  /* out of memory: rows were dropped, and the table says so */
};

/* ctl_table_init: heads and align are borrowed until ctl_table_print. */
void ctl_table_init(struct ctl_table *t, size_t ncols, const char *const *heads, const char *align);

/* ctl_table_row adds a row of ncols strings (copied). */
void ctl_table_row(struct ctl_table *t, const char *const *cells);

/* ctl_table_note attaches a line printed under the last row, outside the columns
 * (an error message), and not counted in the widths. */
void ctl_table_note(struct ctl_table *t, const char *text);

/* ctl_table_print prints the header and the rows to f and frees them. */
void ctl_table_print(struct ctl_table *t, FILE *f);

#endif
