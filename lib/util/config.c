/* lib/util/config.c: reads and validates replicad.json (docs/configuration.md,
 * contract) into struct rpl_config. jansson stays inside this file.
 *
 * rpl_config_keys is the one list of keys: the unknown-key check, the "did you mean"
 * hints and the defaults all come from it, so the man page (tested against the same
 * table) cannot drift from what the parser accepts. A default is the JSON text a user
 * would write for that key, and is run through the same checks as the user's value.
 * Messages are "FILE:LINE:COL: ..." for JSON syntax and "FILE: key.path: expected X,
 * got Y" for everything else; password file contents never reach a message.
 * Logging and exit codes are the caller's business. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/un.h>
#include <unistd.h>
#include "infile.h"
#include "units.h"

/* def: NULL = required; "" = optional, no default (the field stays NULL); otherwise
 * the JSON text applied when the key is absent. reload: SIGHUP applies it to jobs
 * started afterwards; false needs a restart (threads, files, the listening socket).
 * secret: config.show redacts it (odbc may carry PWD=, whatever the docs advise). */
const struct rpl_config_key rpl_config_keys[] = {
	{ "source.odbc",                 "string",   NULL,                 true,  true  },
	{ "source.password_file",        "path",     "",                   true,  false },
	{ "target.odbc",                 "string",   NULL,                 true,  true  },
	{ "target.password_file",        "path",     "",                   true,  false },
	{ "tables[].name",               "string",   NULL,                 true,  false },
	{ "tables[].schema",             "string",   "",                   true,  false },
	{ "tables[].date_column",        "string",   "",                   true,  false },
	{ "tables[].target",             "string",   "",                   true,  false },
	{ "tables[].target_schema",      "string",   "",                   true,  false },
	{ "tables[].exclude",            "array of column names", "",      true,  false },
	{ "tables[].columns",            "object of column names", "",     true,  false },
	{ "tables[].add_new_columns",    "boolean",  "false",              true,  false },
	{ "tables[].inherited",          "boolean",  "true",               true,  false },
	{ "schedule.t1_at",              "time",     "\"02:00\"",          true,  false },
	{ "schedule.t0_every",           "duration", "\"15m\"",            true,  false },
	{ "schedule.reference_at",       "time",     "\"03:30\"",          true,  false },
	{ "schedule.verify_at",          "time",     "",                   true,  false },
	{ "schedule.timezone",           "timezone", "\"UTC\"",            true,  false },
	{ "load.workers",                "integer",  "4",                  false, false },
	{ "load.workers_per_table",      "integer",  "2",                  true,  false },
	{ "load.chunk_bytes",            "size",     "\"4MiB\"",           true,  false },
	{ "load.commit_rows",            "integer",  "100000",             true,  false },
	{ "load.max_attempts",           "integer",  "5",                  true,  false },
	{ "load.outage_wait",            "duration", "\"1h\"",             true,  false },
	{ "load.disable_indexes",        "boolean",  "true",               true,  false },
	{ "load.create_missing_tables",  "boolean",  "false",              true,  false },
	{ "load.table_lock",             "boolean",  "false",              true,  false },
	{ "load.bulk",                   "\"auto\"|\"odbc\"", "\"auto\"",  true,  false },
	{ "values.placeholder_dates",    "array of dates", "[\"0001-01-01\"]", true, false },
	{ "values.truncate_strings",     "boolean",  "false",              true,  false },
	{ "state_dir",                   "path",     "\"/var/lib/replicad\"", false, false },
	{ "socket",                      "path",     "\"/run/replicad/replicad.sock\"", false, false },
	{ "limits.max_clients",          "integer",  "256",                false, false },
	{ "limits.client_idle",          "duration", "\"60s\"",            false, false },
	{ "limits.message_timeout",      "duration", "\"30s\"",            false, false },
	{ "limits.max_jobs",             "integer",  "1000",               true,  false },
	{ "limits.max_partitions",       "integer",  "1200",               true,  false },
	{ "limits.list_page",            "integer",  "100",                true,  false },
	{ "limits.batch_ms",             "integer",  "20",                 true,  false },
	{ "cluster.node",                "string",   "",                   false, false },
	{ "cluster.lease",               "duration", "\"30s\"",            false, false },
};
const size_t rpl_config_nkeys = sizeof rpl_config_keys / sizeof rpl_config_keys[0];

#define CFG_PASSWORD_MAX 8192   /* a credential file, not a data file */

struct cfg_ctx {
	const char *file;        /* borrowed; names the config in every message */
	const char *dir;         /* borrowed; base of relative password_file; NULL: cwd */
	struct rpl_err *err;
};

/* One JSON object and where it sits: path is what messages say ("tables[2]"), tpl
 * is how rpl_config_keys spells its members ("tables[]."). obj NULL: all defaults. */
struct cfg_obj {
	const struct cfg_ctx *c;
	const json_t *obj;
	const char *path, *tpl;
};

struct cfg_val {
	json_t *v;               /* borrowed from the document, or == def */
	json_t *def;             /* owned: the parsed default, if that is what v is */
	char path[256];
};

__attribute__((format(printf, 3, 4))) static int
cfg_fail(const struct cfg_ctx *c, const char *path, const char *fmt, ...)
{
	char what[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	return rpl_err_set(c->err, RPL_EINVAL, "%s: %s: %s", c->file, path, what);
}

static int
cfg_nomem(const struct cfg_ctx *c)
{
	return rpl_err_set(c->err, RPL_ENOMEM, "%s: out of memory", c->file);
}

/* cfg_describe names a value for "got ...": strings quoted (cut at 60 bytes), other
 * scalars as written, containers by kind. Only called on non-secret values. */
static const char *
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

static int
cfg_expected(const struct cfg_ctx *c, const char *path, const char *what, const json_t *v)
{
	char buf[96];
	return cfg_fail(c, path, "expected %s, got %s", what, cfg_describe(v, buf, sizeof buf));
}

static void
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
static int
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

static int
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

static int
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

static int
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
static int
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
static int
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

static int
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
static int
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

static bool
timezone_ok(const char *s)
{
	return rpl_timezone_valid(s, NULL);
}

static bool
bulk_ok(const char *s)
{
	return strcmp(s, "auto") == 0 || strcmp(s, "odbc") == 0;
}

static bool
socket_ok(const char *s)
{
	return strlen(s) < sizeof ((struct sockaddr_un *)0)->sun_path;
}

/* cfg_get_dates takes an array of "YYYY-MM-DD" strings (empty: no placeholders). */
static int
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
static int
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

/* cfg_read_password reads file (relative to the config's directory) into *out,
 * without one trailing "\n" or "\r\n". Every copy of the content is wiped; messages
 * name the key and the file, never what is in it. */
static int
cfg_read_password(const struct cfg_ctx *c, const char *key, const char *file, char **out)
{
	char full[4096], buf[CFG_PASSWORD_MAX + 1], why[256];
	size_t n = 0;
	int r = 0, fd;
	if (file[0] != '/' && c->dir != NULL)
		snprintf(full, sizeof full, "%s/%s", c->dir, file);
	else
		snprintf(full, sizeof full, "%s", file);
	if ((fd = rpl_infile_open(full, RPL_INFILE_SECRET, why, sizeof why)) < 0)
		return cfg_fail(c, key, "cannot read \"%s\": %s", full, why);
	while (n < sizeof buf) {
		ssize_t got = read(fd, buf + n, sizeof buf - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = cfg_fail(c, key, "cannot read \"%s\": %s", full, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > CFG_PASSWORD_MAX) {
		r = cfg_fail(c, key, "\"%s\" is larger than %d bytes, expected a password file", full, CFG_PASSWORD_MAX);
		goto out;
	}
	if (n > 0 && buf[n - 1] == '\n') {        /* what `echo pw >file` adds; not part of it */
		n--;
		if (n > 0 && buf[n - 1] == '\r')
			n--;
	}
	if (memchr(buf, '\0', n) != NULL) {
		r = cfg_fail(c, key, "\"%s\" holds a NUL byte, expected a password file", full);
		goto out;
	}
	if ((*out = malloc(n + 1)) == NULL) {
		r = cfg_nomem(c);
		goto out;
	}
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return r;
}

static int
cfg_db(const struct cfg_ctx *c, const json_t *root, const char *side, const char *tpl,
       struct rpl_db_config *db)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, side, tpl, "an object like {\"odbc\": \"DSN=name\"}", &o);
	if (r == 0)
		r = cfg_get_string(&o, "odbc", "an ODBC connection string like \"DSN=name\"", &db->odbc);
	if (r == 0)
		r = cfg_get_string(&o, "password_file", "a file path", &db->password_file);
	return r;
}

/* cfg_passwords reads the password files once the whole document has passed: what
 * the file says wrong is reported before what is wrong around it (issue #18), and a
 * config with a typo never gets as far as opening a secret. */
static int
cfg_passwords(const struct cfg_ctx *c, struct rpl_config *cfg)
{
	int r = 0;
	if (cfg->source.password_file != NULL)
		r = cfg_read_password(c, "source.password_file", cfg->source.password_file, &cfg->source.password);
	if (r == 0 && cfg->target.password_file != NULL)
		r = cfg_read_password(c, "target.password_file", cfg->target.password_file, &cfg->target.password);
	return r;
}

/* cfg_split splits "schema.table" at its one dot; a name with more dots needs its
 * schema given apart (schema_key), since we cannot guess where the schema ends. */
static int
cfg_split(const struct cfg_ctx *c, const char *path, const char *s, const char *schema_key,
          char **schema, char **name)
{
	const char *dot = strchr(s, '.');
	if (dot != NULL && (dot == s || dot[1] == '\0' || strchr(dot + 1, '.') != NULL))
		return cfg_fail(c, path, "expected \"[schema.]table\" (give \"%s\" apart when a name holds a dot), got \"%s\"",
		                schema_key, s);
	if (dot != NULL && (*schema = strndup(s, (size_t)(dot - s))) == NULL)
		return cfg_nomem(c);
	if ((*name = strdup(dot != NULL ? dot + 1 : s)) == NULL)
		return cfg_nomem(c);
	return 0;
}

/* cfg_names_dup: the index of an earlier name in names[0..n) equal to s (as columns
 * compare: case-insensitively), or -1. */
static long
cfg_names_dup(char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(names[i], s) == 0)
			return (long)i;
	return -1;
}

/* cfg_exclude reads tables[i].exclude: an array of distinct column names. */
static int
cfg_exclude(const struct cfg_ctx *c, const json_t *tv, const char *path, struct rpl_colmap *m)
{
	static const char what[] = "an array of source column names like [\"notes\"]";
	json_t *v = json_object_get(tv, "exclude");
	char kp[64], ep[96];
	cfg_path(kp, sizeof kp, path, "exclude");
	if (v == NULL)
		return 0;
	if (!json_is_array(v))
		return cfg_expected(c, kp, what, v);
	if (json_array_size(v) > 0 && (m->exclude = calloc(json_array_size(v), sizeof *m->exclude)) == NULL)
		return cfg_nomem(c);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		snprintf(ep, sizeof ep, "%s[%zu]", kp, i);
		if (!json_is_string(e) || json_string_length(e) == 0)
			return cfg_expected(c, ep, "a column name", e);
		long dup = cfg_names_dup(m->exclude, m->n_exclude, json_string_value(e));
		if (dup >= 0)
			return cfg_fail(c, ep, "column \"%s\" is already excluded at %s[%ld]", json_string_value(e), kp, dup);
		if ((m->exclude[m->n_exclude] = strdup(json_string_value(e))) == NULL)
			return cfg_nomem(c);
		m->n_exclude++;
	}
	return 0;
}

/* cfg_columns reads tables[i].columns: {"source name": "target name"}; no column both
 * renamed and excluded, no two source columns into one target column. */
static int
cfg_columns(const struct cfg_ctx *c, const json_t *tv, const char *path, struct rpl_colmap *m)
{
	static const char what[] = "an object of column names like {\"source_name\": \"target_name\"}";
	json_t *v = json_object_get(tv, "columns"), *e;
	const char *from;
	char kp[64], ep[400];
	cfg_path(kp, sizeof kp, path, "columns");
	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return cfg_expected(c, kp, what, v);
	size_t n = json_object_size(v);
	if (n > 0 && ((m->from = calloc(n, sizeof *m->from)) == NULL || (m->to = calloc(n, sizeof *m->to)) == NULL))
		return cfg_nomem(c);
	json_object_foreach(v, from, e) {
		snprintf(ep, sizeof ep, "%s.%.300s", kp, from);
		if (from[0] == '\0')
			return cfg_fail(c, kp, "expected source column names as keys, got \"\"");
		if (!json_is_string(e) || json_string_length(e) == 0)
			return cfg_expected(c, ep, "a target column name", e);
		if (cfg_names_dup(m->exclude, m->n_exclude, from) >= 0)
			return cfg_fail(c, ep, "column \"%s\" is also in %s.exclude: leave it out or rename it, not both",
			                from, path);
		long dup = cfg_names_dup(m->to, m->n_rename, json_string_value(e));
		if (dup >= 0)
			return cfg_fail(c, ep, "target column \"%s\" is already fed by \"%s\"", json_string_value(e),
			                m->from[dup]);
		if ((m->from[m->n_rename] = strdup(from)) == NULL ||
		    (m->to[m->n_rename] = strdup(json_string_value(e))) == NULL) {
			free(m->from[m->n_rename]);
			return cfg_nomem(c);
		}
		m->n_rename++;
	}
	return 0;
}

/* cfg_mapping reads a table's column mapping and its inherited switch. */
static int
cfg_mapping(const struct cfg_ctx *c, const struct cfg_obj *o, struct rpl_table_config *t)
{
	snprintf(t->map.where, sizeof t->map.where, "%s", o->path);
	int r = cfg_exclude(c, o->obj, o->path, &t->map);
	if (r == 0)
		r = cfg_columns(c, o->obj, o->path, &t->map);
	if (r == 0)
		r = cfg_get_bool(o, "add_new_columns", &t->map.add_new_columns);
	if (r == 0)
		r = cfg_get_bool(o, "inherited", &t->inherited);
	return r;
}

static bool
table_same(const struct rpl_table_config *a, const struct rpl_table_config *b)
{
	bool same_schema = a->schema == NULL || b->schema == NULL ? a->schema == b->schema
	                                                           : strcmp(a->schema, b->schema) == 0;
	return same_schema && strcmp(a->name, b->name) == 0;
}

static int
cfg_table(const struct cfg_ctx *c, const json_t *v, size_t i, struct rpl_config *cfg)
{
	struct rpl_table_config *t = &cfg->tables[i];
	char path[32], key[64];
	char *name = NULL, *target = NULL;
	int r;
	snprintf(path, sizeof path, "tables[%zu]", i);
	if (!json_is_object(v))
		return cfg_expected(c, path, "an object like {\"name\": \"sales\"}", v);
	struct cfg_obj o = { .c = c, .obj = v, .path = path, .tpl = "tables[]." };
	r = cfg_check_keys(c, v, path, o.tpl);
	if (r == 0)
		r = cfg_get_string(&o, "name", "a table name \"[schema.]table\"", &name);
	if (r == 0)
		r = cfg_get_string(&o, "schema", "a schema name", &t->schema);
	if (r == 0)
		r = cfg_get_string(&o, "date_column", "a column name", &t->date_column);
	if (r == 0)
		r = cfg_get_string(&o, "target", "a table name \"[schema.]table\"", &target);
	if (r == 0)
		r = cfg_get_string(&o, "target_schema", "a schema name", &t->target_schema);
	if (r == 0)
		r = cfg_mapping(c, &o, t);
	if (r < 0)
		goto out;
	cfg_path(key, sizeof key, path, "name");
	if (t->schema != NULL) {       /* given apart: the name is taken whole, dots and all */
		t->name = name;
		name = NULL;
	} else if ((r = cfg_split(c, key, name, "schema", &t->schema, &t->name)) < 0) {
		goto out;
	}
	cfg_path(key, sizeof key, path, "target");
	if (target == NULL) {
		if ((t->target = strdup(t->name)) == NULL)
			r = cfg_nomem(c);
	} else if (t->target_schema != NULL) {
		t->target = target;
		target = NULL;
	} else {
		r = cfg_split(c, key, target, "target_schema", &t->target_schema, &t->target);
	}
	for (size_t j = 0; j < i && r == 0; j++) {
		if (table_same(&cfg->tables[j], t))
			r = cfg_fail(c, path, "duplicate table \"%s%s%s\", already at tables[%zu]",
			             t->schema != NULL ? t->schema : "", t->schema != NULL ? "." : "", t->name, j);
	}
out:
	free(name);
	free(target);
	return r;
}

static int
cfg_tables(const struct cfg_ctx *c, const json_t *root, struct rpl_config *cfg)
{
	static const char what[] = "a non-empty array of tables like [{\"name\": \"sales\"}]";
	json_t *arr = json_object_get(root, "tables");
	int r = 0;
	if (arr == NULL)
		return cfg_fail(c, "tables", "missing required key, expected %s", what);
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return cfg_expected(c, "tables", what, arr);
	if ((cfg->tables = calloc(json_array_size(arr), sizeof *cfg->tables)) == NULL)
		return cfg_nomem(c);
	cfg->n_tables = json_array_size(arr);
	for (size_t i = 0; i < cfg->n_tables && r == 0; i++)
		r = cfg_table(c, json_array_get(arr, i), i, cfg);
	return r;
}

static int
cfg_schedule(const struct cfg_ctx *c, const json_t *root, struct rpl_schedule_config *s)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "schedule", "schedule.", NULL, &o);
	if (r == 0)
		r = cfg_get_time(&o, "t1_at", &s->t1_at_min);
	if (r == 0)
		r = cfg_get_seconds(&o, "t0_every", &s->t0_every_s);
	if (r == 0)
		r = cfg_get_time(&o, "reference_at", &s->reference_at_min);
	s->verify_at_min = -1;   /* off unless set */
	if (r == 0)
		r = cfg_get_time(&o, "verify_at", &s->verify_at_min);
	if (r == 0)
		r = cfg_check_string(&o, "timezone", "an IANA time zone like \"Europe/Amsterdam\" or \"UTC\"",
		                     timezone_ok, &s->timezone);
	return r;
}

static int
cfg_load_section(const struct cfg_ctx *c, const json_t *root, struct rpl_load_config *l)
{
	struct cfg_obj o;
	int64_t workers = 0, per_table = 0, attempts = 0;
	int r = cfg_section(c, root, "load", "load.", NULL, &o);
	if (r == 0)
		r = cfg_get_int(&o, "workers", 1, 256, &workers);
	/* The documented default of 2 would make a lone "workers": 1 an error. */
	if (r == 0 && json_object_get(o.obj, "workers_per_table") == NULL) {
		per_table = workers < 2 ? workers : 2;
	} else if (r == 0) {
		r = cfg_get_int(&o, "workers_per_table", 1, 256, &per_table);
		if (r == 0 && per_table > workers)
			r = cfg_fail(c, "load.workers_per_table", "expected an integer from 1 to load.workers (%lld), got %lld",
			             (long long)workers, (long long)per_table);
	}
	if (r == 0)
		r = cfg_get_size(&o, "chunk_bytes", 64LL << 10, 1LL << 30, &l->chunk_bytes);
	if (r == 0)
		r = cfg_get_int(&o, "commit_rows", 1, INT64_MAX, &l->commit_rows);
	if (r == 0)
		r = cfg_get_int(&o, "max_attempts", 1, 100, &attempts);
	if (r == 0)   /* issue #18 item 4: an outage is waited out, not paid in attempts */
		r = cfg_get_seconds(&o, "outage_wait", &l->outage_wait_s);
	if (r == 0)
		r = cfg_get_bool(&o, "disable_indexes", &l->disable_indexes);
	if (r == 0)
		r = cfg_get_bool(&o, "create_missing_tables", &l->create_missing_tables);
	if (r == 0)
		r = cfg_get_bool(&o, "table_lock", &l->table_lock);
	if (r == 0)
		r = cfg_check_string(&o, "bulk", "\"auto\" or \"odbc\"", bulk_ok, &l->bulk);
	l->workers = (int)workers;
	l->workers_per_table = (int)per_table;
	l->max_attempts = (int)attempts;
	return r;
}

static int
cfg_values(const struct cfg_ctx *c, const json_t *root, struct rpl_values_config *v)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "values", "values.", NULL, &o);
	if (r == 0)
		r = cfg_get_dates(&o, "placeholder_dates", &v->placeholder_dates, &v->n_placeholder_dates);
	if (r == 0)
		r = cfg_get_bool(&o, "truncate_strings", &v->truncate_strings);
	return r;
}

static int
cfg_limits(const struct cfg_ctx *c, const json_t *root, struct rpl_limits_config *l)
{
	struct cfg_obj o;
	int64_t clients = 0, jobs = 0, parts = 0, page = 0, batch = 0;
	int r = cfg_section(c, root, "limits", "limits.", NULL, &o);
	if (r == 0)
		r = cfg_get_int(&o, "max_clients", 16, 65536, &clients);
	if (r == 0)
		r = cfg_get_seconds(&o, "client_idle", &l->client_idle_s);
	if (r == 0)
		r = cfg_get_seconds(&o, "message_timeout", &l->message_timeout_s);
	if (r == 0 && l->message_timeout_s == 0)
		r = cfg_fail(c, "limits.message_timeout", "expected a duration of at least 1s, got 0");
	if (r == 0)
		r = cfg_get_int(&o, "max_jobs", 1, 1000000, &jobs);
	if (r == 0)
		r = cfg_get_int(&o, "max_partitions", 1, 1000000, &parts);
	if (r == 0)
		r = cfg_get_int(&o, "list_page", 1, 10000, &page);
	if (r == 0)
		r = cfg_get_int(&o, "batch_ms", 1, 10000, &batch);
	l->max_clients = (int)clients;
	l->max_jobs = (int)jobs;
	l->max_partitions = (int)parts;
	l->list_page = (int)page;
	l->batch_ms = (int)batch;
	return r;
}

/* node_ok: a node name is written into the ledger and logs: printable, 1-255 bytes */
static bool
node_ok(const char *s)
{
	size_t n = strlen(s);
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return n >= 1 && n <= 255;
}

static int
cfg_cluster(const struct cfg_ctx *c, const json_t *root, struct rpl_cluster_config *k)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, "cluster", "cluster.", NULL, &o);
	k->on = o.obj != NULL;
	if (r == 0)
		r = cfg_check_string(&o, "node", "a node name of 1 to 255 printable characters", node_ok, &k->node);
	if (r == 0)
		r = cfg_get_seconds(&o, "lease", &k->lease_s);
	if (r == 0 && (k->lease_s < 1 || k->lease_s > 86400))
		r = cfg_fail(c, "cluster.lease", "expected a duration from 1s to 24h, got %llds", (long long)k->lease_s);
	return r;
}

/* cfg_build fills cfg (zeroed by the caller, who frees it on failure) from root in
 * document order, so the first mistake in the file is the one reported; the files
 * the document names (password files) are read last. */
static int
cfg_build(const struct cfg_ctx *c, const json_t *root, struct rpl_config *cfg)
{
	char buf[96];
	struct cfg_obj top = { .c = c, .obj = root, .path = "", .tpl = "" };
	if (!json_is_object(root))
		return rpl_err_set(c->err, RPL_EINVAL, "%s: expected an object at the top level, got %s",
		                   c->file, cfg_describe(root, buf, sizeof buf));
	int r = cfg_check_keys(c, root, "", "");
	if (r == 0)
		r = cfg_db(c, root, "source", "source.", &cfg->source);
	if (r == 0)
		r = cfg_db(c, root, "target", "target.", &cfg->target);
	if (r == 0)
		r = cfg_tables(c, root, cfg);
	if (r == 0)
		r = cfg_schedule(c, root, &cfg->schedule);
	if (r == 0)
		r = cfg_load_section(c, root, &cfg->load);
	if (r == 0)
		r = cfg_values(c, root, &cfg->values);
	if (r == 0)
		r = cfg_get_string(&top, "state_dir", "a directory path", &cfg->state_dir);
	snprintf(buf, sizeof buf, "a socket path shorter than %zu bytes", sizeof ((struct sockaddr_un *)0)->sun_path);
	if (r == 0)
		r = cfg_check_string(&top, "socket", buf, socket_ok, &cfg->socket);
	if (r == 0)
		r = cfg_limits(c, root, &cfg->limits);
	if (r == 0)
		r = cfg_cluster(c, root, &cfg->cluster);
	if (r == 0)
		r = cfg_passwords(c, cfg);
	if (r == 0 && (cfg->path = strdup(c->file)) == NULL)
		r = cfg_nomem(c);
	return r;
}

static int
cfg_parse_buf(const char *text, size_t len, const char *name, const char *dir,
              struct rpl_config *cfg, struct rpl_err *err)
{
	struct cfg_ctx c = { .file = name, .dir = dir, .err = err };
	struct rpl_config tmp = { 0 };
	json_error_t jerr;
	/* Duplicate keys are refused: jansson would keep the last, and a config where
	 * the second "workers" silently wins is a config nobody reviewed. */
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return rpl_err_set(err, RPL_EINVAL, "%s:%d:%d: %s", name, jerr.line, jerr.column, jerr.text);
	int r = cfg_build(&c, root, &tmp);
	json_decref(root);
	if (r < 0)
		rpl_config_fini(&tmp);
	else
		*cfg = tmp;
	return r;
}

int
rpl_config_parse(const char *text, const char *name, struct rpl_config *cfg, struct rpl_err *err)
{
	return cfg_parse_buf(text, strlen(text), name, NULL, cfg, err);
}

int
rpl_config_load(const char *path, struct rpl_config *cfg, struct rpl_err *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	char *text = NULL;
	size_t len = 0, cap = 0;
	char why[256];
	int r, fd = rpl_infile_open(path, 0, why, sizeof why);
	if (fd < 0)
		return rpl_err_set(err, RPL_EINVAL, "%s: cannot read: %s", path, why);
	for (;;) {
		if (len == cap) {
			char *bigger = cap < (64u << 20) ? realloc(text, cap = cap ? cap * 2 : 8192) : NULL;
			if (bigger == NULL) {
				r = rpl_err_set(err, RPL_EINVAL, "%s: cannot read: too large or out of memory", path);
				goto out;
			}
			text = bigger;
		}
		ssize_t got = read(fd, text + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = rpl_err_set(err, RPL_EINVAL, "%s: cannot read: %s", path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
	r = cfg_parse_buf(text, len, path, dir, cfg, err);
out:
	free(text);
	close(fd);
	return r;
}

static void
cfg_free_secret(char *s)
{
	if (s != NULL)
		explicit_bzero(s, strlen(s));
	free(s);
}

void
rpl_config_fini(struct rpl_config *cfg)
{
	if (cfg == NULL)
		return;
	struct rpl_db_config *dbs[] = { &cfg->source, &cfg->target };
	for (size_t i = 0; i < 2; i++) {
		cfg_free_secret(dbs[i]->password);
		cfg_free_secret(dbs[i]->odbc);       /* may hold PWD= despite the docs */
		free(dbs[i]->password_file);
	}
	for (size_t i = 0; i < cfg->n_tables; i++) {
		struct rpl_table_config *t = &cfg->tables[i];
		free(t->schema);
		free(t->name);
		free(t->target_schema);
		free(t->target);
		free(t->date_column);
		rpl_colmap_fini(&t->map);
	}
	free(cfg->tables);
	for (size_t i = 0; i < cfg->values.n_placeholder_dates; i++)
		free(cfg->values.placeholder_dates[i]);
	free(cfg->values.placeholder_dates);
	free(cfg->schedule.timezone);
	free(cfg->load.bulk);
	free(cfg->state_dir);
	free(cfg->socket);
	free(cfg->cluster.node);
	free(cfg->path);
	memset(cfg, 0, sizeof *cfg);
}

/* A schema-qualified match wins; a bare name matches only if exactly one table has
 * it, so "sales" never picks one of a.sales and b.sales by accident of order. */
const struct rpl_table_config *
rpl_config_find_table(const struct rpl_config *cfg, const char *name)
{
	const struct rpl_table_config *bare = NULL;
	size_t n_bare = 0;
	for (size_t i = 0; i < cfg->n_tables; i++) {
		const struct rpl_table_config *t = &cfg->tables[i];
		size_t sl = t->schema != NULL ? strlen(t->schema) : 0;
		if (t->schema != NULL && strncmp(name, t->schema, sl) == 0 && name[sl] == '.' &&
		    strcmp(name + sl + 1, t->name) == 0)
			return t;
		if (strcmp(name, t->name) == 0 && n_bare++ == 0)
			bare = t;
	}
	return n_bare == 1 ? bare : NULL;
}
