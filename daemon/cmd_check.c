/* daemon/cmd_check.c: `replicad check`: the config is already valid when we get here;
 * connect to each side, say what answered, and whether every configured table is
 * there. One line per failure, naming the side and the driver's SQLSTATE. */
#include "catalog.h"
#include "cli.h"
#include "conn.h"
#include "dlog.h"
#include "validate.h"
#include <stdio.h>
#include <time.h>

static long long
check_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
check_connect(struct rpl_conn *c, const char *side, const struct rpl_db_config *db)
{
	struct rpl_err err = RPL_ERR_INIT;
	long long t = check_ms();
	if (rpl_conn_open(c, side, db->odbc, db->password, &err) < 0) {
		rd_print_err(NULL, &err);
		return -1;
	}
	rd_log(RPL_LOG_INFO, "odbc", "side=%s engine=%s connect_ms=%lld msg=\"connected\"", side, rpl_engine_name(c->engine),
	       check_ms() - t);
	printf("%s: %s %s via %s %s (ODBC %s), engine %s\n", side, c->dbms_name, c->dbms_ver,
	       c->driver_name, c->driver_ver, c->driver_odbc_ver, rpl_engine_name(c->engine));
	return 0;
}

/* check_table prints "yes", "no" or the error; returns 1 if present (t filled, for
 * the caller to rpl_table_fini), 0 absent, -1 error */
static int
check_table(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *tout, char *out, size_t n)
{
	struct rpl_table t;
	struct rpl_err err = RPL_ERR_INIT;
	bool exists;
	long long t0 = check_ms();
	if (rpl_catalog_read(c, schema, name, &t, &exists, &err) < 0) {
		snprintf(out, n, "error: %.500s", err.msg);
		return -1;
	}
	char qn[300], qc[200], qy[100];
	rd_log(RPL_LOG_INFO, "catalog", "side=%s table=%s exists=%s columns=%zu pk_columns=%d ms=%lld", c->side,
	       rd_q(qn, sizeof qn, name), exists ? "yes" : "no", t.ncols, t.npk, check_ms() - t0);
	for (size_t i = 0; i < t.ncols; i++)   /* -vv: the columns as the catalog gave them */
		rd_log(RPL_LOG_DEBUG, "catalog", "side=%s table=%s column=%s type=%s size=%ld scale=%d nullable=%s pk=%d",
		       c->side, qn, rd_q(qc, sizeof qc, t.cols[i].name), rd_q(qy, sizeof qy, t.cols[i].type_name),
		       t.cols[i].size, t.cols[i].scale, t.cols[i].nullable ? "yes" : "no", t.cols[i].pk_pos);
	if (exists)
		snprintf(out, n, "yes (%zu columns%s)", t.ncols, t.npk ? "" : ", no primary key");
	else
		snprintf(out, n, "no");
	if (!exists)
		rpl_table_fini(&t);
	else
		*tout = t;
	return exists ? 1 : 0;
}

int
rd_cmd_check(const struct rpl_config *cfg)
{
	struct rpl_conn src = { 0 }, dst = { 0 };
	int status = RD_EXIT_OK;
	printf("config %s: ok, %zu table%s\n", cfg->path, cfg->n_tables, cfg->n_tables == 1 ? "" : "s");
	bool src_ok = check_connect(&src, "source", &cfg->source) == 0;
	bool dst_ok = check_connect(&dst, "target", &cfg->target) == 0;
	if (!src_ok || !dst_ok) {
		status = RD_EXIT_FAILED;
		goto out;
	}
	printf("%-32s %-30s %s\n", "TABLE", "SOURCE", "TARGET");
	int refused = 0;
	for (size_t i = 0; i < cfg->n_tables; i++) {
		const struct rpl_table_config *t = &cfg->tables[i];
		char s[600], d[600], label[600];
		struct rpl_table st, dt;
		int in_src = check_table(&src, t->schema, t->name, &st, s, sizeof s);
		int in_dst = check_table(&dst, t->target_schema, t->target, &dt, d, sizeof d);
		if (in_dst == 0 && cfg->load.create_missing_tables)
			snprintf(d, sizeof d, "no (will be created)");
		snprintf(label, sizeof label, "%s%s%s", t->schema ? t->schema : "", t->schema ? "." : "", t->name);
		printf("%-32s %-30s %s\n", label, s, d);
		if (in_src != 1 || in_dst < 0 || (in_dst == 0 && !cfg->load.create_missing_tables))
			status = RD_EXIT_FAILED;
		/* what a run would refuse before its first statement (issue #18 item 2) */
		struct rpl_err verr = RPL_ERR_INIT;
		if (in_src == 1 && in_dst >= 0 &&
		    rpl_validate_table(&st, src.engine, in_dst == 1 ? &dt : NULL, dst.engine, label, t->date_column, &verr) < 0) {
			fprintf(stderr, "replicad: check: %s\n", verr.msg);
			refused++;
			status = RD_EXIT_FAILED;
		}
		if (in_src == 1)
			rpl_table_fini(&st);
		if (in_dst == 1)
			rpl_table_fini(&dt);
	}
	struct rpl_err serr = RPL_ERR_INIT;
	if (rpl_validate_state_dir(cfg->state_dir, &serr) < 0) {
		fprintf(stderr, "replicad: check: %s\n", serr.msg);
		refused++;
		status = RD_EXIT_FAILED;
	}
	if (status != RD_EXIT_OK)
		fprintf(stderr, "replicad: check failed: %s\n", refused ? "a run would refuse what is named above"
		        : "a configured table is missing or unreadable (see above)");
out:
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	return status;
}
