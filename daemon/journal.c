/* daemon/journal.c: serve-jobs.json (see journal.h).
 *
 * Format 2, JSON Lines: a header line {"version": 2, "next": N}, then one event a
 * line: {"op": "add", id, table, kind, from, to, origin, held, next, submitted} adds a job (or
 * replaces the one with that id), {"op": "del", "id"} removes it. A change appends
 * its lines (O(change), where rewriting the whole list on every submit cost 55-60 ms
 * a submit at a few thousand jobs, on the loop: issue #19); the caller rewrites the
 * file whole, compacted, through a temporary file and a rename, once the events
 * outnumber the jobs. A torn last line (a crash mid-append) is skipped. Format 1,
 * one JSON object {"version": 1, "next", "jobs": [...]}, is still read. */
#include "journal.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static json_t *
entry_json(const struct rd_journal_entry *e, unsigned next)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:I,s:I}", "op", "add", "id", e->id, "table", e->table,
	                 "kind", e->kind, "from", e->from, "to", e->to, "origin", e->origin, "held", e->held, "next",
	                 (json_int_t)next, "submitted", (json_int_t)e->submitted);
}

/* put_line appends o (taken) as one line to f */
static int
put_line(FILE *f, json_t *o)
{
	char *s = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	int r = s != NULL && fprintf(f, "%s\n", s) > 0 ? 0 : -1;
	free(s);
	return r;
}

int
rd_journal_write(const char *state_dir, unsigned next, const struct rd_journal_entry *e, size_t n, char *err,
                 size_t errlen)
{
	char path[4200], tmp[4300];
	snprintf(path, sizeof path, "%s/serve-jobs.json", state_dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "we");
	int r = f != NULL ? put_line(f, json_pack("{s:i,s:I}", "version", 2, "next", (json_int_t)next)) : -1;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = put_line(f, entry_json(&e[i], next));
	if (f != NULL && fclose(f) != 0)
		r = -1;
	if (r != 0 || rename(tmp, path) != 0) {
		snprintf(err, errlen, "journal %s: cannot write: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
rd_journal_append(const char *state_dir, unsigned next, const struct rd_journal_entry *add, size_t nadd,
                  const char *const *del, size_t ndel, char *err, size_t errlen)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/serve-jobs.json", state_dir);
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "a") : NULL;
	int r = f != NULL ? 0 : -1;
	for (size_t i = 0; r == 0 && i < ndel; i++)
		r = put_line(f, json_pack("{s:s,s:s}", "op", "del", "id", del[i]));
	for (size_t i = 0; r == 0 && i < nadd; i++)
		r = put_line(f, entry_json(&add[i], next));
	if (f != NULL && fclose(f) != 0)
		r = -1;
	else if (f == NULL && fd >= 0)
		close(fd);
	if (r != 0) {
		snprintf(err, errlen, "journal %s: cannot append: %s", path, strerror(errno));
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

static void
entry_fini(struct rd_journal_entry *x)
{
	free((char *)x->id);
	free((char *)x->table);
	free((char *)x->kind);
	free((char *)x->from);
	free((char *)x->to);
	free((char *)x->origin);
}

/* apply replays one job object (format 1's "jobs" member, format 2's "add") or a
 * "del" into e[0..n) (room for cap entries: the file's line count bounds them) */
static void
apply(json_t *o, struct rd_journal_entry *e, size_t *n, unsigned *next)
{
	const char *op = json_string_value(json_object_get(o, "op")), *id = json_string_value(json_object_get(o, "id"));
	json_int_t nx = json_integer_value(json_object_get(o, "next"));
	if (nx > 0 && nx < 1000000000 && (unsigned)nx > *next)
		*next = (unsigned)nx;
	if (id == NULL || (op != NULL && strcmp(op, "add") != 0 && strcmp(op, "del") != 0))
		return;
	size_t i = 0;
	while (i < *n && strcmp(e[i].id, id) != 0)
		i++;
	if (i < *n) {                /* replaced or removed: keep the others in submit order */
		entry_fini(&e[i]);
		memmove(&e[i], &e[i + 1], (*n - i - 1) * sizeof *e);
		(*n)--;
	}
	if (op != NULL && strcmp(op, "del") == 0)
		return;
	struct rd_journal_entry *x = &e[(*n)++];
	x->id = dup_str(o, "id");
	x->table = dup_str(o, "table");
	x->kind = dup_str(o, "kind");
	x->from = dup_str(o, "from");
	x->to = dup_str(o, "to");
	x->origin = dup_str(o, "origin");
	x->held = json_is_true(json_object_get(o, "held"));
	x->submitted = json_integer_value(json_object_get(o, "submitted"));   /* 0 in older journals */
}

int
rd_journal_read(const char *state_dir, unsigned *next, struct rd_journal_entry **e, size_t *n, char *err,
                size_t errlen)
{
	char path[4200];
	json_error_t jerr;
	*e = NULL;
	*n = 0;
	*next = 1;
	snprintf(path, sizeof path, "%s/serve-jobs.json", state_dir);
	if (access(path, F_OK) != 0)
		return 0;
	/* format 1 is one object; format 2 fails that at its second line */
	json_t *root = json_load_file(path, 0, &jerr);
	json_t *jobs = json_object_get(root, "jobs");
	size_t cap = json_is_array(jobs) ? json_array_size(jobs) : 0;
	FILE *f = NULL;
	if (!json_is_array(jobs)) {
		json_decref(root);
		root = NULL;
		if ((f = fopen(path, "re")) == NULL) {
			snprintf(err, errlen, "journal %s: %s; starting without it", path, strerror(errno));
			return -1;
		}
		for (int c; (c = getc(f)) != EOF;)
			cap += c == '\n';
		rewind(f);
	}
	*e = calloc(cap + 1, sizeof **e);
	if (*e == NULL) {
		json_decref(root);
		if (f != NULL)
			fclose(f);
		snprintf(err, errlen, "journal %s: out of memory", path);
		return -1;
	}
	if (root != NULL) {
		json_int_t nx = json_integer_value(json_object_get(root, "next"));
		*next = nx > 0 && nx < 1000000000 ? (unsigned)nx : 1;
		for (size_t i = 0; i < cap; i++)
			if (json_is_object(json_array_get(jobs, i)))
				apply(json_array_get(jobs, i), *e, n, next);
		json_decref(root);
		return 0;
	}
	char *line = NULL;
	size_t len = 0, lines = 0;
	bool header = false;
	while (getline(&line, &len, f) > 0 && lines++ <= cap) {
		json_t *o = json_loads(line, 0, &jerr);   /* a torn last line does not parse: skipped */
		if (json_is_object(o) && json_integer_value(json_object_get(o, "version")) == 2)
			header = true;
		if (json_is_object(o))
			apply(o, *e, n, next);
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (!header) {
		rd_journal_free(*e, *n);
		*e = NULL;
		*n = 0;
		snprintf(err, errlen, "journal %s: neither format 1 nor 2; starting without it", path);
		return -1;
	}
	return 0;
}

void
rd_journal_free(struct rd_journal_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		entry_fini(&e[i]);
	free(e);
}
