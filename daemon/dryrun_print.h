/* daemon/dryrun_print.h: how the dry run prints (cmd_dryrun.c): a statement as it
 * is sent, broken into lines of about 100 columns only where it has a space, and
 * comments broken at spaces. Pure text; nothing here knows what a statement does. */
#ifndef RD_DRYRUN_PRINT_H
#define RD_DRYRUN_PRINT_H
#include <stdbool.h>
#include <stdio.h>

/* rd_dryrun_sql writes sql as sent, broken into lines of about WRAP columns at break
 * points only (after ", " in the statement's main list, before a clause keyword),
 * outside literals and quoted names; brackets: [] quote names (SQL Server). */
void rd_dryrun_sql(FILE *out, const char *sql, bool brackets);

/* rd_dryrun_comment writes text as "-- " lines of about WRAP columns, broken at spaces. */
void rd_dryrun_comment(FILE *out, const char *text);

#endif
