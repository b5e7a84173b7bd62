/* tests/unit/test_manpage.c: the man pages against what the code accepts (STYLE.md
 * "Docs"). replicad.json(5) must list every key of rpl_config_keys, in the table's
 * order, each as a tagged paragraph whose first line states the key's type, default
 * and SIGHUP behaviour exactly as the table has them, and nothing the table lacks.
 * replicad(8) and replicactl(1) must have a tagged paragraph for every command,
 * option and JSON-RPC method their binaries' --help names.
 *
 * Arguments (tests/unit/meson.build): replicad.json.5.in replicad.8.in REPLICAD
 * replicactl.1.in REPLICACTL: the page sources and the built binaries. Only the
 * sources are read, not meson's copies: they are what people edit.
 *
 * Roff is read just enough for this: a tag is the line after a ".TP" line, with its
 * macro name, quotes and font escapes removed and "\-" read as "-". */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"

static const char *json_page, *daemon_page, *daemon_bin, *ctl_page, *ctl_bin;

/* slurp reads a whole file or a command's output (cmd != NULL) into a string. */
static char *
slurp(const char *path, const char *cmd)
{
	FILE *f = cmd != NULL ? popen(cmd, "r") : fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot read %s", cmd != NULL ? cmd : path);
	size_t cap = 1 << 16, n = 0, got;
	char *s = malloc(cap);
	ck_assert(s != NULL);
	while ((got = fread(s + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (cap - n < 4096) {
			s = realloc(s, cap *= 2);
			ck_assert(s != NULL);
		}
	}
	s[n] = '\0';
	if (cmd != NULL)
		ck_assert_msg(pclose(f) == 0, "%s failed", cmd);
	else
		fclose(f);
	return s;
}

/* unroff writes line (up to its newline) as plain text: a macro's name and argument
 * quotes and all \f font escapes dropped; \- \(dq \(mu \e \& and "\ " read as text; runs of
 * spaces (between macro arguments) read as one. */
static void
unroff(const char *line, char *out, size_t n)
{
	size_t o = 0;
	const char *p = line;
	bool macro = *p == '.';
	if (macro) {                          /* ".BI " and friends */
		while (*p != '\0' && *p != '\n' && *p != ' ')
			p++;
		if (*p == ' ')
			p++;
	}
	for (; *p != '\0' && *p != '\n' && o + 1 < n; p++) {
		if (*p == '"' && macro)
			continue;                     /* argument quotes; in text a quote is a quote */
		if (*p == ' ' && (o == 0 || out[o - 1] == ' '))
			continue;                     /* macro arguments: one space between words */
		if (*p != '\\') {
			out[o++] = *p;
			continue;
		}
		p++;
		if (*p == 'f' && p[1] != '\0') {
			p++;                          /* \fB \fI \fR \fP */
		} else if (*p == '(' && p[1] != '\0' && p[2] != '\0') {
			out[o++] = strncmp(p + 1, "dq", 2) == 0 ? '"' : strncmp(p + 1, "mu", 2) == 0 ? 'x' : '?';
			p += 2;
		} else if (*p == '-' || *p == ' ') {
			out[o++] = *p;
		} else if (*p == 'e') {
			out[o++] = '\\';
		} else if (*p == '&') {
			;
		} else {
			out[o++] = '\\';
			p--;
		}
		if (*p == '\0')
			break;
	}
	out[o] = '\0';
}

/* tag_line finds the tagged paragraph whose tag is exactly ".B tag"; returns the
 * start of the line after the tag (the paragraph's first line) or NULL. */
static const char *
tag_line(const char *page, const char *tag)
{
	char needle[300];
	snprintf(needle, sizeof needle, "\n.TP\n.B %s\n", tag);
	const char *p = strstr(page, needle);
	return p != NULL ? p + strlen(needle) : NULL;
}

/* expected_line is the first line replicad.json(5) must give key k. */
static void
expected_line(const struct rpl_config_key *k, char *out, size_t n)
{
	const char *def = k->def == NULL ? "required" : k->def[0] == '\0' ? "none" : k->def;
	snprintf(out, n, "Type: %s. Default: %s. SIGHUP: %s.", k->type, def,
	         k->reload ? "reloaded" : "restart needed");
}

START_TEST(test_key_documented)
{
	const struct rpl_config_key *k = &rpl_config_keys[_i];
	char *page = slurp(json_page, NULL), want[512], got[512];
	const char *first = tag_line(page, k->path);
	ck_assert_msg(first != NULL, "%s: key %s is not documented (no \".TP\" + \".B %s\" paragraph)",
	              json_page, k->path, k->path);
	unroff(first, got, sizeof got);
	expected_line(k, want, sizeof want);
	ck_assert_msg(strcmp(got, want) == 0, "%s: key %s: first line is \"%s\", rpl_config_keys says \"%s\"",
	              json_page, k->path, got, want);
	free(page);
}
END_TEST

START_TEST(test_keys_in_table_order)
{
	char *page = slurp(json_page, NULL);
	const char *last = page;
	for (size_t i = 0; i < rpl_config_nkeys; i++) {
		const char *at = tag_line(page, rpl_config_keys[i].path);
		if (at == NULL)
			continue;                     /* test_key_documented names it */
		ck_assert_msg(at > last, "%s: key %s comes before %s; list keys in rpl_config_keys order",
		              json_page, rpl_config_keys[i].path, i > 0 ? rpl_config_keys[i - 1].path : "(start)");
		last = at;
	}
	free(page);
}
END_TEST

/* Every ".B" tag of the KEYS section is a key the parser knows: a key removed from
 * the table must leave the page too. */
START_TEST(test_no_unknown_keys)
{
	char *page = slurp(json_page, NULL);
	char *keys = strstr(page, "\n.SH KEYS\n");
	ck_assert_msg(keys != NULL, "%s: no KEYS section", json_page);
	char *end = strstr(keys + 1, "\n.SH ");
	if (end != NULL)
		*end = '\0';
	size_t tags = 0;
	for (const char *p = keys; (p = strstr(p, "\n.TP\n.B ")) != NULL; p++) {
		char tag[256];
		size_t len = strcspn(p + 8, "\n");
		snprintf(tag, sizeof tag, "%.*s", (int)len, p + 8);
		bool known = false;
		for (size_t i = 0; i < rpl_config_nkeys && !known; i++)
			known = strcmp(tag, rpl_config_keys[i].path) == 0;
		ck_assert_msg(known, "%s: documents key \"%s\", which rpl_config_keys does not have", json_page, tag);
		tags++;
	}
	ck_assert_uint_eq(tags, rpl_config_nkeys);
	free(page);
}
END_TEST

/* tags collects the unroffed tags of page, one per line, in a new string. */
static char *
tags_of(const char *page)
{
	size_t cap = strlen(page) + 2, o = 0;
	char *out = malloc(cap), line[512];
	ck_assert(out != NULL);
	for (const char *p = page; (p = strstr(p, "\n.TP\n")) != NULL; p += 4) {
		unroff(p + 5, line, sizeof line);
		o += (size_t)snprintf(out + o, cap - o, "%s\n", line);
	}
	out[o] = '\0';
	return out;
}

/* has_word: does some tag hold w as a whole token (start: the tag's first word)? */
static bool
has_word(const char *tags, const char *w, bool start)
{
	size_t wl = strlen(w);
	for (const char *p = tags; (p = strstr(p, w)) != NULL; p++) {
		bool left = p == tags || p[-1] == '\n' || (!start && (p[-1] == ' ' || p[-1] == ','));
		char r = p[wl];
		bool right = r == '\0' || r == '\n' || r == ' ' || r == ',';
		if (left && right)
			return true;
	}
	return false;
}

/* add_missing appends " word" to list unless it is there already. */
static void
add_missing(char *list, size_t n, const char *word)
{
	size_t wl = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p++)
		if (p > list && p[-1] == ' ' && (p[wl] == ' ' || p[wl] == '\0'))
			return;
	snprintf(list + strlen(list), n - strlen(list), " %s", word);
}

/* check_help names, in one failure, every command, option and method that the
 * binary's --help lists and page has no tag for. */
static void
check_help(const char *page_path, const char *bin)
{
	char cmd[1200], missing[2048] = "";
	snprintf(cmd, sizeof cmd, "'%s' --help", bin);
	char *help = slurp(NULL, cmd), *page = slurp(page_path, NULL), *tags = tags_of(page);
	size_t found = 0;
	bool in_commands = false;
	for (char *line = strtok(help, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		if (strcmp(line, "Commands:") == 0) {
			in_commands = true;
			continue;
		}
		if (line[0] != ' ')
			in_commands = false;
		char word[64];
		/* long options anywhere; short ones where an option list gives them: "  -c, --config" */
		for (const char *p = line; (p = strstr(p, "--")) != NULL; p += 2) {
			size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
			if (len == 0 || (p > line && p[-1] != ' ' && p[-1] != '[' && p[-1] != '('))
				continue;
			snprintf(word, sizeof word, "--%.*s", (int)len, p + 2);
			found++;
			if (!has_word(tags, word, false))
				add_missing(missing, sizeof missing, word);
		}
		if (line[0] == ' ' && line[1] == ' ' && line[2] == '-' && isalpha((unsigned char)line[3]) && line[4] == ',') {
			snprintf(word, sizeof word, "-%c", line[3]);
			found++;
			if (!has_word(tags, word, false))
				add_missing(missing, sizeof missing, word);
		}
		if (!in_commands)
			continue;
		/* "  pause JOB | resume JOB | cancel JOB      (job.pause/resume/cancel)" */
		char *p = line + strspn(line, " "), *gap = strstr(p, "  ");
		size_t synopsis = gap != NULL ? (size_t)(gap - p) : strlen(p);
		for (size_t i = 0; i < synopsis;) {
			size_t len = strspn(p + i, "abcdefghijklmnopqrstuvwxyz");
			bool lower = len > 0 && (p[i + len] == ' ' || p[i + len] == '\0' || i + len == synopsis);
			if (lower && (i == 0 || p[i - 1] == ' ')) {
				snprintf(word, sizeof word, "%.*s", (int)len, p + i);
				found++;
				if (!has_word(tags, word, true))
					add_missing(missing, sizeof missing, word);
			}
			i += len > 0 ? len : 1;
		}
		char *open = strrchr(line, '('), *close = open != NULL ? strchr(open, ')') : NULL, *dot;
		if (close == NULL || (dot = strchr(open, '.')) == NULL || dot > close ||
		    strspn(open + 1, "abcdefghijklmnopqrstuvwxyz./") != (size_t)(close - open - 1))
			continue;
		char noun[32], *verbs = dot + 1;
		snprintf(noun, sizeof noun, "%.*s", (int)(dot - open - 1), open + 1);
		*close = '\0';
		for (char *v = verbs, *slash; v != NULL; v = slash != NULL ? slash + 1 : NULL) {
			slash = strchr(v, '/');
			snprintf(word, sizeof word, "%s.%.*s", noun, (int)(slash != NULL ? slash - v : (long)strlen(v)), v);
			found++;
			if (!has_word(tags, word, true))
				add_missing(missing, sizeof missing, word);
		}
	}
	ck_assert_msg(found >= 8, "%s --help: only %zu commands and options found; has its format changed?", bin, found);
	ck_assert_msg(missing[0] == '\0', "%s: no tagged paragraph for:%s (from %s --help)", page_path, missing, bin);
	free(tags);
	free(page);
	free(help);
}

START_TEST(test_replicad_help_documented)
{
	check_help(daemon_page, daemon_bin);
}
END_TEST

START_TEST(test_replicactl_help_documented)
{
	check_help(ctl_page, ctl_bin);
}
END_TEST

/* The checks above must be able to fail: a page without a key, and a help text with
 * an option the page lacks, are caught. */
START_TEST(test_checks_can_fail)
{
	static const char page[] = ".TH X 5\n.SH KEYS\n.TP\n.B source.odbc\nType: string. Default: required. SIGHUP: reloaded.\n";
	ck_assert_ptr_nonnull(tag_line(page, "source.odbc"));
	ck_assert_ptr_null(tag_line(page, "target.odbc"));
	char line[256];
	unroff(".BI \"\\-\\-from \" DATE \" \\-\\-to \" DATE", line, sizeof line);
	ck_assert_str_eq(line, "--from DATE --to DATE");
	ck_assert(has_word("--from DATE --to DATE\n", "--to", false));
	ck_assert(!has_word("--from DATE --to DATE\n", "--t", false));
	ck_assert(!has_word("--from DATE\n", "from", true));
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: %s replicad.json.5.in replicad.8.in REPLICAD replicactl.1.in REPLICACTL\n", argv[0]);
		return 2;
	}
	json_page = argv[1];
	daemon_page = argv[2];
	daemon_bin = argv[3];
	ctl_page = argv[4];
	ctl_bin = argv[5];
	Suite *s = suite_create("manpage");
	TCase *tc = tcase_create("manpage");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_key_documented, 0, (int)rpl_config_nkeys);
	tcase_add_test(tc, test_keys_in_table_order);
	tcase_add_test(tc, test_no_unknown_keys);
	tcase_add_test(tc, test_replicad_help_documented);
	tcase_add_test(tc, test_replicactl_help_documented);
	tcase_add_test(tc, test_checks_can_fail);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
