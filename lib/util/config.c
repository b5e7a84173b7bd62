/* lib/util/config.c: reads and validates replicad.json (docs/configuration.md,
 * contract) into struct rpl_config: the table of keys, the top level, reading the
 * file, and freeing. Each section is read by its own file: config_read.c (messages,
 * unknown keys, typed values), config_db.c (source, target, password files),
 * config_tables.c (tables and their column mapping), config_sections.c (schedule,
 * load, values, limits, cluster). jansson stays inside these files (config_int.h).
 *
 * rpl_config_keys is the one list of keys: the unknown-key check, the "did you mean"
 * hints and the defaults all come from it, so the man page (tested against the same
 * table) cannot drift from what the parser accepts. A default is the JSON text a user
 * would write for that key, and is run through the same checks as the user's value.
 * Messages are "FILE:LINE:COL: ..." for JSON syntax and "FILE: key.path: expected X,
 * got Y" for everything else; password file contents never reach a message.
 * Logging and exit codes are the caller's business. */
#include "config_int.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>
#include "infile.h"

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

static bool
socket_ok(const char *s)
{
	return strlen(s) < sizeof ((struct sockaddr_un *)0)->sun_path;
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
