/* lib/util/config_tables.c: the "tables" array of replicad.json: each table's names
 * (split at the schema's dot), its column mapping (exclude, columns,
 * add_new_columns; applied by colmap.c and the catalog), and finding a table by name.
 * Whether the tables exist is checked against the databases, not here. */
#include "config_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

int
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
