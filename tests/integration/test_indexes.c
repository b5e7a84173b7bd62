/* tests/integration/test_indexes.c: load.disable_indexes keeps the indexes a
 * partition's range DELETE can use (issue #18 item 1: the default dropped the index
 * on the date column, and each month's DELETE scanned the whole table). For a
 * PostgreSQL, MariaDB and SQLite target with three secondary indexes, one leading
 * with the date column, one on another column, one with the date column second:
 * `replicad -vv run` drops (and restores) the other two and never the first (read
 * from the statements it logs), all three exist afterwards, and the dry run says the
 * first is kept. argv[1] is the replicad binary. */
#include "edge.h"
#include "it.h"
#include "logfmt.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *replicad_bin;

/* run_logged runs replicad -vv -c cfg run idx_t (backfill, or --dry-run), stdout
 * and stderr into log; returns the exit status */
static int
run_logged(const char *cfg, const char *log, bool dry)
{
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		if (dry)
			execl(replicad_bin, replicad_bin, "-vv", "-c", cfg, "run", "idx_t", "--from", "2024-01-01", "--to",
			      "2024-03-31", "--dry-run", (char *)NULL);
		else
			execl(replicad_bin, replicad_bin, "-vv", "-c", cfg, "run", "idx_t", "--from", "2024-01-01", "--to",
			      "2024-03-31", (char *)NULL);
		_exit(127);
	}
	int st;
	ck_assert(waitpid(pid, &st, 0) == pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* drops_of: how many logged statements drop index name */
static int
drops_of(const char *log, const char *name, char *text, size_t n)
{
	FILE *f = fopen(log, "r");
	ck_assert(f != NULL);
	size_t len = fread(text, 1, n - 1, f);
	text[len] = '\0';
	fclose(f);
	int k = 0;
	for (char *l = text; l != NULL && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t ll = strcspn(l, "\n");
		char line[4096];
		snprintf(line, sizeof line, "%.*s", (int)(ll < sizeof line ? ll : sizeof line - 1), l);
		k += strstr(line, "DROP INDEX") != NULL && strstr(line, name) != NULL;
	}
	return k;
}

START_TEST(test_keep_date_index)
{
	static const int engines[] = { IT_PG, IT_MARIADB, IT_SQLITE };
	int e = engines[_i];
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, e, "dst");
	edge_drop(&src, "idx_t");
	edge_drop(&dst, "idx_t");
	it_exec_ok(&dst, "DELETE FROM replicad_indexes");
	it_exec(&src, "CREATE TABLE idx_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
	it_exec(&src, "INSERT INTO idx_t SELECT g, date '2024-01-01' + (g % 91), md5(g::text) FROM generate_series(1, 3000) g");
	it_exec(&dst, e == IT_MARIADB ? "CREATE TABLE idx_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40)) ENGINE=InnoDB"
	                              : "CREATE TABLE idx_t (id bigint PRIMARY KEY, d date NOT NULL, s varchar(40))");
	it_exec(&dst, "CREATE INDEX idx_t_date ON idx_t (d, id)");
	it_exec(&dst, "CREATE INDEX idx_t_str ON idx_t (s)");
	it_exec(&dst, "CREATE INDEX idx_t_str_d ON idx_t (s, d)");
	char dst_odbc[1200];
	if (e == IT_SQLITE)
		snprintf(dst_odbc, sizeof dst_odbc, "Driver=SQLite3;Database=%s", it_tmpfile("it_dst.db"));
	else
		snprintf(dst_odbc, sizeof dst_odbc, "%s", getenv(e == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"));
	char cfg[1024], log[1024];
	static char text[1 << 20];
	snprintf(cfg, sizeof cfg, "%s", it_write_config("indexes.json", getenv("RPL_TEST_PG_SRC"), dst_odbc, "idx_t", "d",
	                                                "{\"disable_indexes\": true}"));
	snprintf(log, sizeof log, "%s", it_tmpfile("indexes.log"));

	ck_assert_int_eq(run_logged(cfg, log, true), 0);
	drops_of(log, "", text, sizeof text);
	ck_assert_msg(strstr(text, "indexes whose first column is d are kept") != NULL &&
	              strstr(text, "it lists 2 indexes") != NULL, "%s: the dry run does not say the date index is kept:\n%.4000s",
	              it_engine_names[e], text);

	ck_assert_int_eq(run_logged(cfg, log, false), 0);
	ck_assert_msg(drops_of(log, "idx_t_str", text, sizeof text) == 2, "%s: idx_t_str and idx_t_str_d not dropped:\n%.4000s",
	              it_engine_names[e], text);
	ck_assert_msg(drops_of(log, "idx_t_date", text, sizeof text) == 0, "%s: the date index was dropped:\n%.4000s",
	              it_engine_names[e], text);
	{   /* every log line of the run is logfmt (issue #18 item 6): -vv SQL, errors that quote */
		char bad[1000];
		long nl = logfmt_check_file(log, bad, sizeof bad);
		ck_assert_msg(nl > 0 && bad[0] == '\0', "%ld log lines; %s", nl, bad);
	}
	int64_t n = 0;
	bool found = false;
	struct rpl_err err = RPL_ERR_INIT;
	const char *count =
		e == IT_PG ? "SELECT count(*) FROM pg_indexes WHERE tablename = 'idx_t' AND indexname IN ('idx_t_date', 'idx_t_str', 'idx_t_str_d')"
		: e == IT_MARIADB ? "SELECT count(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA ="
		                    " DATABASE() AND TABLE_NAME = 'idx_t' AND INDEX_NAME IN ('idx_t_date', 'idx_t_str', 'idx_t_str_d')"
		: "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'idx_t' AND name IN ('idx_t_date', 'idx_t_str', 'idx_t_str_d')";
	ck_assert_msg(rpl_conn_query_int64(&dst, count, &n, &found, &err) == 0, "%s", err.msg);
	ck_assert_msg(n == 3, "%s: %lld of the 3 indexes after the run", it_engine_names[e], (long long)n);
	struct it_dump a, b;
	it_dump_table(&src, "idx_t", "id", &a);
	it_dump_table(&dst, "idx_t", "id", &b);
	ck_assert_int_eq(a.nrows, 3000);
	it_dump_compare(&a, &b, "indexes: postgresql into the target");
	it_dump_free(&a);
	it_dump_free(&b);
	edge_drop(&src, "idx_t");
	edge_drop(&dst, "idx_t");
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_indexes /path/to/replicad\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("indexes");
	TCase *tc = tcase_create("indexes");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_keep_date_index, 0, 3);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
