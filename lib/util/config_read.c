/* lib/util/config_read.c: what every section of replicad.json is read with: the
 * messages ("FILE: key.path: expected X, got Y"), the unknown-key check with its
 * "did you mean" hint, and one reader per kind of value (string, integer, boolean,
 * size, duration, time of day, dates), each falling back to the key's default in
 * rpl_config_keys. Which keys a section has is its own file's business. */
#include "config_int.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "units.h"

struct cfg_val {
	json_t *v;               /* borrowed from the document, or == def */
	json_t *def;             /* owned: the parsed default, if that is what v is */
	char path[256];
};

int
cfg_fail(const struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return rpl_err_set(c->err, RPL_EINVAL, "%s: %s: %s", c->file, path, what);
}

int
cfg_nomem(const struct cfg_ctx *c)
{
	return rpl_err_set(c->err, RPL_ENOMEM, "%s: out of memory", c->file);
}

/* cfg_describe names a value for "got ...": strings quoted (cut at 60 bytes), other
 * scalars as written, containers by kind. Only called on non-secret values. */
const char *
cfg_describe(const json_t *v, char *buf, size_t n)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return json_array_size(v) == 0 ? "an empty array" : "an array";
	case JSON_STRING:
		snprintf(buf, n, "\"%.60s%s\"", json_string_value(v), json_string_length(v) > 60 ? "..." : "");
		return buf;
	case JSON_INTEGER:
		snprintf(buf, n, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return buf;
	case JSON_REAL:     /* 4.0 must not read as the integer 4 it was refused for */
		snprintf(buf, n, "%.17g", json_real_value(v));
		if (strcspn(buf, ".eni") == strlen(buf))
			snprintf(buf + strlen(buf), n - strlen(buf), ".0");
		return buf;
	case JSON_TRUE: return "true";
	case JSON_FALSE: return "false";
	case JSON_NULL: return "null";
	}
	return "a value";
}

int
cfg_expected(const struct cfg_ctx *c, const char *path, const char *what, const json_t *v)
{
	char buf[96];
	return cfg_fail(c, path, "expected %s, got %s", what, cfg_describe(v, buf, sizeof buf));
}

void
cfg_path(char *out, size_t n, const char *parent, const char *key)
{
	snprintf(out, n, "%s%s%s", parent, parent[0] != '\0' ? "." : "", key);
}

/* key_find returns the row for key inside the object whose rows start with tpl. */
static const struct rpl_config_key *
key_find(const char *tpl, const char *key)
{
	size_t tl = strlen(tpl);
	for (size_t i = 0; i < rpl_config_nkeys; i++) {
		const char *p = rpl_config_keys[i].path;
		if (strncmp(p, tpl, tl) == 0 && strcmp(p + tl, key) == 0)
			return &rpl_config_keys[i];
	}
	return NULL;
}

/* key_distance is the optimal string alignment distance (a swap of neighbours costs
 * one, so "wokrers" is one step from "workers"); 99 for names too long to matter. */
static int
key_distance(const char *a, size_t la, const char *b, size_t lb)
{
	int d[33][33];
	if (la > 32 || lb > 32)
		return 99;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/* cfg_unknown reports key (not a member of tpl's object) with the nearest member
 * within two edits, or else the place where a key of that exact name does belong
 * ("workers" at the top level is load.workers). */
static int
cfg_unknown(const struct cfg_ctx *c, const char *path, const char *tpl, const char *key)
{
	size_t tl = strlen(tpl), kl = strlen(key), best_len = 0;
	const char *best = NULL, *elsewhere = NULL;
	int best_d = 3;
	for (size_t i = 0; i < rpl_config_nkeys; i++) {
		const char *p = rpl_config_keys[i].path, *last = strrchr(p, '.');
		if (strncmp(p, tpl, tl) == 0) {
			size_t len = strcspn(p + tl, ".[");
			int d = key_distance(key, kl, p + tl, len);
			if (d < best_d) {
				best_d = d;
				best = p + tl;
				best_len = len;
			}
		}
		if (elsewhere == NULL && strcmp(last != NULL ? last + 1 : p, key) == 0)
			elsewhere = p;    /* cannot be a member of tpl's object: key is unknown here */
	}
	if (best != NULL)
		return cfg_fail(c, path, "unknown key (did you mean %.*s?)", (int)best_len, best);
	if (elsewhere != NULL)
		return cfg_fail(c, path, "unknown key (did you mean %s?)", elsewhere);
	return cfg_fail(c, path, "unknown key");
}

/* key_is_member: does rpl_config_keys list key directly inside tpl's object? A name
 * with "." or "[" never is, so "tables[]" cannot pass for the tables key. */
static bool
key_is_member(const char *tpl, const char *key)
{
	size_t tl = strlen(tpl), kl = strlen(key);
	if (kl == 0 || strcspn(key, ".[") != kl)
		return false;
	for (size_t i = 0; i < rpl_config_nkeys; i++) {
		const char *p = rpl_config_keys[i].path;
		if (strncmp(p, tpl, tl) == 0 && strncmp(p + tl, key, kl) == 0 &&
		    (p[tl + kl] == '\0' || p[tl + kl] == '.' || p[tl + kl] == '['))
			return true;
	}
	return false;
}

/* cfg_check_keys fails on the first member of obj that is not a member of tpl. Done
 * before reading values, so a typo is reported as a typo and not as the missing key
 * it was meant to be. */
int
cfg_check_keys(const struct cfg_ctx *c, const json_t *obj, const char *path, const char *tpl)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)obj, key, v) {
		if (!key_is_member(tpl, key)) {
			char kp[256];
			cfg_path(kp, sizeof kp, path, key);
			return cfg_unknown(c, kp, tpl, key);
		}
	}
	return 0;
}

/* cfg_lookup finds key in o: returns 1 with v->v set to the user's value or the
 * documented default, 0 for an absent optional key without one, or an error. The
 * caller json_decrefs v->def. */
static int
cfg_lookup(const struct cfg_obj *o, const char *key, const char *what, struct cfg_val *v)
{
	const struct rpl_config_key *k = key_find(o->tpl, key);
	RPL_REQUIRE(k != NULL);    /* a key read here but missing from rpl_config_keys */
	v->def = NULL;
	cfg_path(v->path, sizeof v->path, o->path, key);
	v->v = o->obj != NULL ? json_object_get(o->obj, key) : NULL;
	if (v->v != NULL)
		return 1;
	if (k->def == NULL)
		return cfg_fail(o->c, v->path, "missing required key, expected %s", what);
	if (k->def[0] == '\0')
		return 0;
	v->v = v->def = json_loads(k->def, JSON_DECODE_ANY, NULL);
	return v->v != NULL ? 1 : cfg_nomem(o->c);   /* a bad default fails the defaults test */
}

int
cfg_get_string(const struct cfg_obj *o, const char *key, const char *what, char **out)
{
	struct cfg_val v;
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	if (!json_is_string(v.v) || json_string_length(v.v) == 0)
		r = cfg_expected(o->c, v.path, what, v.v);
	else if ((*out = strdup(json_string_value(v.v))) == NULL)
		r = cfg_nomem(o->c);
	else
		r = 0;
	json_decref(v.def);
	return r;
}

int
cfg_get_int(const struct cfg_obj *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	struct cfg_val v;
	char what[64];
	if (max == INT64_MAX)
		snprintf(what, sizeof what, "an integer >= %lld", (long long)min);
	else
		snprintf(what, sizeof what, "an integer from %lld to %lld", (long long)min, (long long)max);
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	if (!json_is_integer(v.v) || json_integer_value(v.v) < min || json_integer_value(v.v) > max) {
		r = cfg_expected(o->c, v.path, what, v.v);
	} else {
		*out = json_integer_value(v.v);
		r = 0;
	}
	json_decref(v.def);
	return r;
}

int
cfg_get_bool(const struct cfg_obj *o, const char *key, bool *out)
{
	struct cfg_val v;
	int r = cfg_lookup(o, key, "true or false", &v);
	if (r <= 0)
		return r;
	if (!json_is_boolean(v.v)) {
		r = cfg_expected(o->c, v.path, "true or false", v.v);
	} else {
		*out = json_is_true(v.v);
		r = 0;
	}
	json_decref(v.def);
	return r;
}

/* size_text writes b as the largest binary unit that divides it exactly. */
static const char *
size_text(int64_t b, char *buf, size_t n)
{
	static const char *const unit[] = { "", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;
	while (u < 4 && b != 0 && b % 1024 == 0) {
		b /= 1024;
		u++;
	}
	snprintf(buf, n, "%lld%s", (long long)b, unit[u]);
	return buf;
}

/* cfg_get_size takes "4MiB" or a plain integer count of bytes. */
int
cfg_get_size(const struct cfg_obj *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	static const char what[] = "a size like \"4MiB\" or \"512k\"";
	struct cfg_val v;
	int64_t b = -1;
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	if (json_is_integer(v.v))
		b = json_integer_value(v.v);
	else if (!json_is_string(v.v) || !rpl_parse_size(json_string_value(v.v), &b))
		b = -1;
	if (b < 0) {
		r = cfg_expected(o->c, v.path, what, v.v);
	} else if (b < min || b > max) {
		char lo[32], hi[32], what2[128];
		snprintf(what2, sizeof what2, "a size from %s to %s", size_text(min, lo, sizeof lo),
		         size_text(max, hi, sizeof hi));
		r = cfg_expected(o->c, v.path, what2, v.v);
	} else {
		*out = b;
		r = 0;
	}
	json_decref(v.def);
	return r;
}

/* cfg_get_seconds takes a duration string or a plain integer of seconds; anything
 * finer than a second would be silently rounded by the scheduler, so it is refused. */
int
cfg_get_seconds(const struct cfg_obj *o, const char *key, int64_t *out)
{
	static const char what[] = "a duration in whole seconds like \"15m\" or \"1h30m\" (\"0\" disables)";
	struct cfg_val v;
	int64_t ms = -1;
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	if (json_is_integer(v.v) && json_integer_value(v.v) >= 0 && json_integer_value(v.v) <= INT64_MAX / 1000)
		ms = json_integer_value(v.v) * 1000;
	else if (!json_is_string(v.v) || !rpl_parse_duration(json_string_value(v.v), &ms))
		ms = -1;
	if (ms < 0 || ms % 1000 != 0) {
		r = cfg_expected(o->c, v.path, what, v.v);
	} else {
		*out = ms / 1000;
		r = 0;
	}
	json_decref(v.def);
	return r;
}

int
cfg_get_time(const struct cfg_obj *o, const char *key, int *out)
{
	static const char what[] = "a time of day \"HH:MM\" from \"00:00\" to \"23:59\"";
	struct cfg_val v;
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	if (!json_is_string(v.v) || !rpl_parse_time_of_day(json_string_value(v.v), out))
		r = cfg_expected(o->c, v.path, what, v.v);
	else
		r = 0;
	json_decref(v.def);
	return r;
}

/* cfg_check_string runs ok() on a string value, for keys checked beyond their JSON
 * type (time zone, bulk mode, socket path). */
int
cfg_check_string(const struct cfg_obj *o, const char *key, const char *what,
                 bool (*ok)(const char *), char **out)
{
	char path[256];
	int r = cfg_get_string(o, key, what, out);
	if (r < 0 || *out == NULL || ok(*out))
		return r;
	cfg_path(path, sizeof path, o->path, key);
	r = cfg_fail(o->c, path, "expected %s, got \"%.60s%s\"", what, *out, strlen(*out) > 60 ? "..." : "");
	free(*out);
	*out = NULL;
	return r;
}

/* cfg_get_dates takes an array of "YYYY-MM-DD" strings (empty: no placeholders). */
int
cfg_get_dates(const struct cfg_obj *o, const char *key, char ***out, size_t *n)
{
	static const char what[] = "an array of dates like [\"0001-01-01\"]";
	struct cfg_val v;
	int r = cfg_lookup(o, key, what, &v);
	if (r <= 0)
		return r;
	r = 0;
	if (!json_is_array(v.v)) {
		r = cfg_expected(o->c, v.path, what, v.v);
		goto out;
	}
	size_t cnt = json_array_size(v.v);
	if (cnt > 0 && (*out = calloc(cnt, sizeof **out)) == NULL) {
		r = cfg_nomem(o->c);
		goto out;
	}
	*n = cnt;                  /* entries still NULL are fine for rpl_config_fini */
	for (size_t i = 0; i < cnt && r == 0; i++) {
		json_t *e = json_array_get(v.v, i);
		int y, m, d;
		char path[300];
		snprintf(path, sizeof path, "%s[%zu]", v.path, i);
		if (!json_is_string(e) || !rpl_parse_date(json_string_value(e), &y, &m, &d))
			r = cfg_expected(o->c, path, "a date \"YYYY-MM-DD\" like \"0001-01-01\"", e);
		else if (((*out)[i] = strdup(json_string_value(e))) == NULL)
			r = cfg_nomem(o->c);
	}
out:
	json_decref(v.def);
	return r;
}

/* cfg_section opens the object at root.key; absent is an error only if required is
 * set (then it says what was expected), else o->obj is NULL and defaults apply. */
int
cfg_section(const struct cfg_ctx *c, const json_t *root, const char *key, const char *tpl,
            const char *required, struct cfg_obj *o)
{
	json_t *v = json_object_get(root, key);
	*o = (struct cfg_obj){ .c = c, .obj = NULL, .path = key, .tpl = tpl };
	if (v == NULL)
		return required != NULL ? cfg_fail(c, key, "missing required key, expected %s", required) : 0;
	if (!json_is_object(v))
		return cfg_expected(c, key, required != NULL ? required : "an object", v);
	o->obj = v;
	return cfg_check_keys(c, v, key, tpl);
}
