/* daemon/journal.c: serve-jobs.json (see journal.h). */
#include "journal.h"
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
rd_journal_write(const char *state_dir, unsigned next, const struct rd_journal_entry *e, size_t n, char *err,
                 size_t errlen)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof path, "%s/serve-jobs.json", state_dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	json_t *jobs = json_array();
	json_t *root = json_pack("{s:i,s:I,s:o}", "version", 1, "next", (json_int_t)next, "jobs", jobs);
	for (size_t i = 0; root != NULL && i < n; i++)
		json_array_append_new(jobs, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I}", "id", e[i].id, "table", e[i].table,
		                                      "kind", e[i].kind, "from", e[i].from, "to", e[i].to, "origin",
		                                      e[i].origin, "held", e[i].held, "submitted", (json_int_t)e[i].submitted));
	int r = root != NULL ? json_dump_file(root, tmp, JSON_INDENT(1)) : -1;
	json_decref(root);
	if (r != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "journal %s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static char *
dup_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return strdup(s != NULL ? s : "");
}

int
rd_journal_read(const char *state_dir, unsigned *next, struct rd_journal_entry **e, size_t *n, char *err,
                size_t errlen)
{
	char path[4200];
	json_error_t jerr;
	*e = NULL;
	*n = 0;
	snprintf(path, sizeof path, "%s/serve-jobs.json", state_dir);
	if (access(path, F_OK) != 0)
		return 0;
	json_t *root = json_load_file(path, 0, &jerr);
	json_t *jobs = json_object_get(root, "jobs");
	if (root == NULL || !json_is_array(jobs)) {
		snprintf(err, errlen, "journal %s:%d:%d: %s; starting without it", path, jerr.line, jerr.column,
		         root == NULL ? jerr.text : "no \"jobs\" array");
		json_decref(root);
		return -1;
	}
	json_int_t nx = json_integer_value(json_object_get(root, "next"));
	*next = nx > 0 && nx < 1000000000 ? (unsigned)nx : 1;
	size_t m = json_array_size(jobs);
	*e = calloc(m ? m : 1, sizeof **e);
	if (*e == NULL) {
		json_decref(root);
		snprintf(err, errlen, "journal %s: out of memory", path);
		return -1;
	}
	for (size_t i = 0; i < m; i++) {
		json_t *o = json_array_get(jobs, i);
		if (!json_is_object(o))
			continue;
		struct rd_journal_entry *x = &(*e)[(*n)++];
		x->id = dup_str(o, "id");
		x->table = dup_str(o, "table");
		x->kind = dup_str(o, "kind");
		x->from = dup_str(o, "from");
		x->to = dup_str(o, "to");
		x->origin = dup_str(o, "origin");
		x->held = json_is_true(json_object_get(o, "held"));
		x->submitted = json_integer_value(json_object_get(o, "submitted"));   /* 0 in older journals */
	}
	json_decref(root);
	return 0;
}

void
rd_journal_free(struct rd_journal_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((char *)e[i].id);
		free((char *)e[i].table);
		free((char *)e[i].kind);
		free((char *)e[i].from);
		free((char *)e[i].to);
		free((char *)e[i].origin);
	}
	free(e);
}
