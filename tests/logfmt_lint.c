/* tests/logfmt_lint.c: checks the log lines in files (captured stderr of replicad)
 * with the strict reader of logfmt.c, for the shell tests.
 *
 *   logfmt_lint [--all] [--min N] FILE...
 *
 * Lines that open with "level=" are log lines and must be valid; with --all every
 * line must be one (the service's stderr holds nothing else). Fewer than N log
 * lines in all (default 1) is a failure too, so a test cannot pass by capturing
 * nothing. Prints FILE:LINE: reason, then the line, for each bad one; exit 1 if any. */
#include "logfmt.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	bool all = false;
	long min = 1, checked = 0, bad = 0;
	int a = 1;
	for (; a < argc && argv[a][0] == '-'; a++) {
		if (strcmp(argv[a], "--all") == 0)
			all = true;
		else if (strcmp(argv[a], "--min") == 0 && a + 1 < argc)
			min = strtol(argv[++a], NULL, 10);
		else
			break;
	}
	if (a >= argc) {
		fprintf(stderr, "usage: logfmt_lint [--all] [--min N] FILE...\n");
		return 2;
	}
	static char line[1 << 16];
	for (; a < argc; a++) {
		FILE *f = fopen(argv[a], "r");
		if (f == NULL) {
			perror(argv[a]);
			return 2;
		}
		for (long no = 1; fgets(line, sizeof line, f) != NULL; no++) {
			line[strcspn(line, "\n")] = '\0';
			if (!all && strncmp(line, "level=", 6) != 0)
				continue;
			checked++;
			char why[200];
			if (!logfmt_check(line, why, sizeof why)) {
				printf("%s:%ld: %s\n  %s\n", argv[a], no, why, line);
				bad++;
			}
		}
		fclose(f);
	}
	if (checked < min) {
		printf("only %ld log lines found, expected at least %ld\n", checked, min);
		return 1;
	}
	printf("%ld log lines checked, %ld not valid logfmt\n", checked, bad);
	return bad != 0;
}
