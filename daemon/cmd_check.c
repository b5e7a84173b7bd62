/* daemon/cmd_check.c: `replicad check`: the config is already valid when we get here;
 * connect to each side, say what answered, and whether every configured table is
 * there. One line per failure, naming the side and the driver's SQLSTATE. */
#include "catalog.h"
#include "cli.h"
#include "conn.h"
#include "statedir.h"
#include <stdio.h>

static int
check_connect(struct rpl_conn *c, const char *side, const struct rpl_db_config *db)
{
	struct rpl_err err = RPL_ERR_INIT;
	if (rpl_conn_open(c, side, db->odbc, db->password, &err) < 0) {
		rd_print_err(NULL, &err);
		return -1;
	}
	printf("%s: %s %s via %s %s (ODBC %s), engine %s\n", side, c->dbms_name, c->dbms_ver,
	       c->driver_name, c->driver_ver, c->driver_odbc_ver, rpl_engine_name(c->engine));
	return 0;
}

/* check_table prints "yes", "no" or the error; returns 1 if present, 0 absent, -1 error */
static int
check_table(struct rpl_conn *c, const char *schema, const char *name, char *out, size_t n)
{
	struct rpl_table t;
	struct rpl_err err = RPL_ERR_INIT;
	bool exists;
	if (rpl_catalog_read(c, schema, name, &t, &exists, &err) < 0) {
		snprintf(out, n, "error: %.500s", err.msg);
		return -1;
	}
	if (exists)
		snprintf(out, n, "yes (%zu columns%s)", t.ncols, t.npk ? "" : ", no primary key");
	else
		snprintf(out, n, "no");
	rpl_table_fini(&t);
	return exists ? 1 : 0;
}

int
rd_cmd_check(const struct rpl_config *cfg)
{
	struct rpl_conn src = { 0 }, dst = { 0 };
	int status = RD_EXIT_OK;
	char why[4400];
	if (rd_state_dir_ready(cfg->state_dir, why, sizeof why) < 0) {
		fprintf(stderr, "replicad: %s: %s\n", cfg->path, why);
		return RD_EXIT_USAGE;
	}
	printf("config %s: ok, %zu table%s\n", cfg->path, cfg->n_tables, cfg->n_tables == 1 ? "" : "s");
	bool src_ok = check_connect(&src, "source", &cfg->source) == 0;
	bool dst_ok = check_connect(&dst, "target", &cfg->target) == 0;
	if (!src_ok || !dst_ok) {
		status = RD_EXIT_FAILED;
		goto out;
	}
	printf("%-32s %-30s %s\n", "TABLE", "SOURCE", "TARGET");
	for (size_t i = 0; i < cfg->n_tables; i++) {
		const struct rpl_table_config *t = &cfg->tables[i];
		char s[600], d[600], label[600];
		int in_src = check_table(&src, t->schema, t->name, s, sizeof s);
		int in_dst = check_table(&dst, t->target_schema, t->target, d, sizeof d);
		if (in_dst == 0 && cfg->load.create_missing_tables)
			snprintf(d, sizeof d, "no (will be created)");
		snprintf(label, sizeof label, "%s%s%s", t->schema ? t->schema : "", t->schema ? "." : "", t->name);
		printf("%-32s %-30s %s\n", label, s, d);
		if (in_src != 1 || in_dst < 0 || (in_dst == 0 && !cfg->load.create_missing_tables))
			status = RD_EXIT_FAILED;
	}
	if (status != RD_EXIT_OK)
		fprintf(stderr, "replicad: check failed: a configured table is missing or unreadable (see above)\n");
out:
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	return status;
}
