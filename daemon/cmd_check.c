/* daemon/cmd_check.c: `replicad check`: the config is already valid when we get here;
 * connect to each side, say what answered, and whether every configured table is
 * there. One line per failure, naming the side and the driver's SQLSTATE. Then each
 * table's column mapping against both catalogs (colmap.h), every error and warning a
 * run would stop on or say, each on its own line under the table; and a target whose
 * range DELETE locks more than its range (rangelock.h). */
#include "catalog.h"
#include "cli.h"
#include "clock.h"
#include "colmap.h"
#include "odbc_conn.h"
#include "dlog.h"
#include "pg_inherit.h"
#include "rangelock.h"
#include "statedir.h"
#include "validate.h"
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int
check_connect(struct rpl_conn *c, const char *side, const struct rpl_db_config *db)
{
	struct rpl_err err = RPL_ERR_INIT;
	long long t = (long long)rd_now_mono_ms();
	if (rpl_conn_open(c, side, db->odbc, db->password, &err) < 0) {
		rd_print_err(NULL, &err);
		return -1;
	}
	rd_log(RPL_LOG_INFO, "odbc", "side=%s engine=%s connect_ms=%lld msg=\"connected\"", side, rpl_engine_name(c->engine),
	       (long long)rd_now_mono_ms() - t);
	printf("%s: %s %s via %s %s (ODBC %s), engine %s\n", side, c->dbms_name, c->dbms_ver,
	       c->driver_name, c->driver_ver, c->driver_odbc_ver, rpl_engine_name(c->engine));
	return 0;
}

/* check_table prints "yes", "no" or the error into out and leaves the catalog in t
 * (the caller's to rpl_table_fini); returns 1 if present, 0 absent, -1 error */
static int
check_table(struct rpl_conn *c, const char *schema, const char *name, struct rpl_table *t, char *out, size_t n)
{
	struct rpl_err err = RPL_ERR_INIT;
	bool exists;
	long long t0 = (long long)rd_now_mono_ms();
	if (rpl_catalog_read(c, schema, name, t, &exists, &err) < 0) {
		snprintf(out, n, "error: %.500s", err.msg);
		return -1;
	}
	char qn[300], qc[200], qy[100];
	rd_log(RPL_LOG_INFO, "catalog", "side=%s table=%s exists=%s columns=%zu pk_columns=%d ms=%lld", c->side,
	       rd_q(qn, sizeof qn, name), exists ? "yes" : "no", t->ncols, t->npk, (long long)rd_now_mono_ms() - t0);
	for (size_t i = 0; i < t->ncols; i++)   /* -vv: the columns as the catalog gave them */
		rd_log(RPL_LOG_DEBUG, "catalog", "side=%s table=%s column=%s type=%s size=%ld scale=%d nullable=%s pk=%d",
		       c->side, qn, rd_q(qc, sizeof qc, t->cols[i].name), rd_q(qy, sizeof qy, t->cols[i].type_name),
		       t->cols[i].size, t->cols[i].scale, t->cols[i].nullable ? "yes" : "no", t->cols[i].pk_pos);
	if (exists)
		snprintf(out, n, "yes (%zu columns%s)", t->ncols, t->npk ? "" : ", no primary key");
	else
		snprintf(out, n, "no");
	return exists ? 1 : 0;
}

struct check_notes {
	const char *label;
	int errors;
};

static void
check_note(void *data, bool error, const char *column, const char *msg)
{
	struct check_notes *cn = data;
	(void)column;    /* msg names it */
	printf("  %s: %s: %s\n", cn->label, error ? "error" : "warning", msg);
	cn->errors += error;
}

/* check_columns reports the column mapping of table t as a run would find it;
 * dt NULL: the target is to be created (from the mapped source columns). Returns the
 * number of errors. */
static int
check_columns(const struct rpl_table_config *t, const char *label, struct rpl_table *st,
              const struct rpl_table *dt)
{
	struct check_notes cn = { .label = label };
	struct rpl_err err = RPL_ERR_INIT;
	size_t n_new;
	if (rpl_colmap_source(&t->map, label, t->date_column, st, check_note, &cn, &err) < 0 || dt == NULL)
		return cn.errors;
	const struct rpl_column **dc = calloc(st->ncols ? st->ncols : 1, sizeof *dc);
	if (dc == NULL) {
		printf("  %s: error: out of memory\n", label);
		return 1;
	}
	rpl_colmap_match(&t->map, label, st, dt, dc, &n_new, check_note, &cn, &err);
	free(dc);
	return cn.errors;
}

/* check_inheritance warns about a PostgreSQL source table configured together with a
 * table it inherits from (or is a partition of): the parent is read with its
 * children's rows, so the child's rows would be copied twice. Only a warning: with
 * the parent's "inherited": false (an inheritance parent) they are not. */
static void
check_inheritance(struct rpl_conn *src, const struct rpl_config *cfg)
{
	for (size_t i = 0; i < cfg->n_tables; i++) {
		struct rpl_err cerr = RPL_ERR_INIT;
		bool child = false;
		/* one query a table; the pairs only for the few that have a parent */
		if (rpl_pginherit_is_child(src, cfg->tables[i].schema, cfg->tables[i].name, &child, &cerr) < 0 || !child)
			continue;
		for (size_t j = 0; j < cfg->n_tables; j++) {
			const struct rpl_table_config *c = &cfg->tables[i], *p = &cfg->tables[j];
			struct rpl_err err = RPL_ERR_INIT;
			bool descends = false, partitioned = false;
			if (i == j || rpl_pginherit_descends(src, c->schema, c->name, p->schema, p->name, &descends, &err) < 0 ||
			    !descends || rpl_pginherit_partitioned(src, p->schema, p->name, &partitioned, &err) < 0)
				continue;   /* a table that is not there has been reported already */
			if (!partitioned && !p->inherited)
				continue;
			printf("  %s%s%s: warning: it %s %s%s%s (tables[%zu]), which is read with its children's rows: "
			       "its rows would be copied twice (%s)\n",
			       c->schema ? c->schema : "", c->schema ? "." : "", c->name,
			       partitioned ? "is a partition of" : "inherits from",
			       p->schema ? p->schema : "", p->schema ? "." : "", p->name, j,
			       partitioned ? "leave one of them out"
			                   : "set \"inherited\": false on the parent, or leave one of them out");
		}
	}
}

/* check_dates warns about the rows of a date_column no date range holds: a SQLite
 * one's dates that are not ISO text (rpl_validate_lite_dates), any engine's NULLs
 * (rpl_validate_null_dates), one line each, as a ranged run does; returns -1 when
 * it could not count them */
static int
check_dates(struct rpl_conn *src, const struct rpl_table *st, const struct rpl_table_config *t, const char *label)
{
	char msg[600];
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_validate_lite_dates(src, t->schema, t->name, t->date_column, msg, sizeof msg, &err);
	if (r > 0)
		printf("  %s: warning: %s\n", label, msg);
	if (r >= 0 && (r = rpl_validate_null_dates(src, st, t->schema, t->name, t->date_column, msg, sizeof msg, &err)) > 0)
		printf("  %s: warning: %s\n", label, msg);
	if (r < 0)
		fprintf(stderr, "replicad: check: %s\n", err.msg);
	return r < 0 ? -1 : 0;
}

/* check_range_lock warns about a ranged table whose target's range DELETE would lock
 * more than its range (an InnoDB table with no index leading with the date_column:
 * rangelock.h, issue #20); returns -1 when it could not tell */
static int
check_range_lock(struct rpl_conn *dst, const struct rpl_table_config *t, const char *label)
{
	struct rpl_err err = RPL_ERR_INIT;
	bool wide = false;
	if (rpl_rangelock_wide(dst, t->target_schema, t->target, t->date_column, &wide, &err) < 0) {
		fprintf(stderr, "replicad: check: %s\n", err.msg);
		return -1;
	}
	if (wide) {
		char msg[1200];
		rpl_rangelock_msg(label, t->target, t->date_column, msg, sizeof msg);
		printf("  %s: warning: %s\n", label, msg);
	}
	return 0;
}

int
rd_cmd_check(const struct rpl_config *cfg)
{
	struct rpl_conn src = { 0 }, dst = { 0 };
	int status = RD_EXIT_OK;
	bool mapping_failed = false;
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
	int refused = 0;
	for (size_t i = 0; i < cfg->n_tables; i++) {
		const struct rpl_table_config *t = &cfg->tables[i];
		char s[600], d[600], label[600];
		struct rpl_table st = { 0 }, dt = { 0 };
		int in_src = check_table(&src, t->schema, t->name, &st, s, sizeof s);
		int in_dst = check_table(&dst, t->target_schema, t->target, &dt, d, sizeof d);
		if (in_dst == 0 && cfg->load.create_missing_tables)
			snprintf(d, sizeof d, "no (will be created)");
		snprintf(label, sizeof label, "%s%s%s", t->schema ? t->schema : "", t->schema ? "." : "", t->name);
		printf("%-32s %-30s %s\n", label, s, d);
		if (in_src != 1 || in_dst < 0 || (in_dst == 0 && !cfg->load.create_missing_tables))
			status = RD_EXIT_FAILED;
		if (in_src == 1 && in_dst >= 0 && check_columns(t, label, &st, in_dst == 1 ? &dt : NULL) > 0) {
			status = RD_EXIT_FAILED;
			mapping_failed = true;
		}
		/* what a run would refuse before its first statement (issue #18 item 2) */
		struct rpl_err verr = RPL_ERR_INIT;
		if (in_src == 1 && in_dst >= 0 &&
		    rpl_validate_table(&st, src.engine, in_dst == 1 ? &dt : NULL, dst.engine, label, t->date_column, &verr) < 0) {
			fprintf(stderr, "replicad: check: %s\n", verr.msg);
			refused++;
			status = RD_EXIT_FAILED;
		} else if (in_src == 1 && check_dates(&src, &st, t, label) < 0) {
			status = RD_EXIT_FAILED;
		} else if (in_dst == 1 && check_range_lock(&dst, t, label) < 0) {
			status = RD_EXIT_FAILED;
		}
		rpl_table_fini(&st);
		rpl_table_fini(&dt);
	}
	if (src.engine == RPL_ENGINE_POSTGRES && cfg->n_tables > 1)
		check_inheritance(&src, cfg);
	if (status != RD_EXIT_OK)
		fprintf(stderr, "replicad: check failed: %s (see above)\n",
		        refused ? "a run would refuse what is named above"
		        : mapping_failed ? "a configured table is missing or unreadable, or its columns do not match"
		                         : "a configured table is missing or unreadable");
out:
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	return status;
}
