/* tests/integration/test_accept.c: regressions found by the acceptance check of
 * issue #15 (sample databases no other test designed, copied by the real replicad
 * binary between the engines): each case is one value that once made a copy fail,
 * change or refuse more than it should. argv[1]: the replicad binary. */
#include "it.h"
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *replicad_bin;

/* dst_odbc: the connection string of engine e's target database */
static const char *
dst_odbc(int e)
{
	static char s[1200];
	if (e == IT_SQLITE)
		snprintf(s, sizeof s, "Driver=SQLite3;Database=%s", it_tmpfile("it_dst.db"));
	else
		snprintf(s, sizeof s, "%s", getenv(e == IT_PG ? "RPL_TEST_PG_DST" : "RPL_TEST_MARIADB_DST"));
	return s;
}

/* run_full runs `replicad -c cfg run table --full --json` and returns its exit status;
 * its account (stdout) is parsed into *account (NULL when it is not JSON). */
static int
run_full(const char *cfg, const char *table, json_t **account)
{
	const char *out = it_tmpfile("accept-account.json");
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_WRONLY);
		if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(nul, 2) < 0)
			_exit(126);
		execl(replicad_bin, "replicad", "-c", cfg, "run", table, "--full", "--json", (char *)NULL);
		_exit(127);
	}
	int st = it_wait_replicad(pid);
	json_error_t jerr;
	*account = json_load_file(out, 0, &jerr);
	return st;
}

/* reject_lines reads the account's reject file: one JSON object per line */
static json_t *
reject_lines(const json_t *account)
{
	json_t *all = json_array();
	const char *path = json_string_value(json_object_get(account, "reject_file"));
	ck_assert_msg(path != NULL, "the account names no reject file");
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char line[65536];
	while (fgets(line, sizeof line, f) != NULL) {
		json_error_t jerr;
		json_t *o = json_loads(line, 0, &jerr);
		ck_assert_msg(o != NULL, "reject line is not JSON: %s", line);
		json_array_append_new(all, o);
	}
	fclose(f);
	return all;
}

/* PostgreSQL's "infinity" and "-infinity" dates and timestamps failed the whole
 * partition ("cannot read \"infinity\" from COPY as date", nothing loaded, for every
 * target but SQLite, whose dates are text). A PostgreSQL target gets them as they
 * are; MariaDB has no such date: NULL in a nullable column (a NOT NULL one rejects
 * the row: test_fidelity.c), counted as date_range; the other rows load. */
START_TEST(test_pg_infinity_dates)
{
	int e = _i % IT_NENGINES;
	bool text_copy = _i >= IT_NENGINES;   /* a real column makes the source's COPY text, not binary */
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, e, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS acc_inf");
	it_exec(&src, text_copy ? "CREATE TABLE acc_inf (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz, r real)"
	                        : "CREATE TABLE acc_inf (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz)");
	it_exec(&src, "INSERT INTO acc_inf (id, d, ts, tz) VALUES (1, '2024-01-01', '2024-01-01 10:00:00', '2024-01-01 10:00:00+00'),"
	              " (2, 'infinity', '2024-01-01 10:00:00', NULL), (3, '2024-01-02', '-infinity', NULL),"
	              " (4, NULL, NULL, 'infinity'), (5, '9999-12-31', '0001-01-02 00:00:00', '-infinity'),"
	              " (6, '2024-01-03', NULL, NULL)");
	it_exec_ok(&dst, "DROP TABLE acc_inf");
	const char *cfg = it_write_config("accept.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(e), "acc_inf", NULL,
	                                  "{\"create_missing_tables\": true}");
	json_t *acc = NULL;
	int st = run_full(cfg, "acc_inf", &acc);
	ck_assert_msg(acc != NULL, "target %s: no JSON account (exit %d)", it_engine_names[e], st);
	if (e == IT_SQLITE) {   /* SQLite keeps dates as text: PostgreSQL's own spelling arrives */
		ck_assert_msg(st == 0, "target sqlite: exit %d", st);
		ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inf"), 6);
		ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inf WHERE (id = 2 AND d = 'infinity')"
		                                    " OR (id = 3 AND ts = '-infinity') OR (id = 5 AND tz = '-infinity')"), 3);
		json_decref(acc);
		rpl_conn_close(&src);
		rpl_conn_close(&dst);
		return;
	}
	/* a PostgreSQL target holds them: as they are (issue #15's second check); MariaDB
	 * has no such date: NULL in these nullable columns, counted as date_range */
	ck_assert_msg(st == 0, "target %s%s: exit %d, want 0", it_engine_names[e], text_copy ? " (text COPY)" : "", st);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inf"), 6);
	if (e == IT_PG) {
		ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inf WHERE (id = 2 AND d = 'infinity')"
		                                    " OR (id = 3 AND ts = '-infinity') OR (id = 4 AND tz = 'infinity')"
		                                    " OR (id = 5 AND tz = '-infinity' AND d = '9999-12-31')"), 4);
	} else {
		ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inf WHERE (id = 2 AND d IS NULL)"
		                                    " OR (id = 3 AND ts IS NULL) OR (id = 4 AND tz IS NULL)"
		                                    " OR (id = 5 AND tz IS NULL AND d = '9999-12-31')"), 4);
		json_t *changed = json_object_get(json_array_get(json_object_get(acc, "partitions"), 0), "values_changed");
		ck_assert_int_eq(json_integer_value(json_object_get(changed, "date_range")), 4);
	}
	json_decref(acc);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* PostgreSQL's real and double ±Infinity into a SQLite target became NULL, counted
 * as "nan", though SQLite's REAL holds them; only a NaN has to become NULL there
 * (SQLite stores NaN as NULL). Binary COPY (double only) and text COPY (a real). */
START_TEST(test_pg_infinity_into_sqlite)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_SQLITE, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS acc_inff");
	it_exec(&src, _i == 0 ? "CREATE TABLE acc_inff (id int PRIMARY KEY, d double precision)"
	                      : "CREATE TABLE acc_inff (id int PRIMARY KEY, d double precision, r real)");
	it_exec(&src, "INSERT INTO acc_inff (id, d) VALUES (1, 'Infinity'), (2, '-Infinity'), (3, 'NaN'), (4, 1.5)");
	if (_i == 1)
		it_exec(&src, "UPDATE acc_inff SET r = d");
	it_exec_ok(&dst, "DROP TABLE acc_inff");
	const char *cfg = it_write_config("accept.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(IT_SQLITE), "acc_inff", NULL,
	                                  "{\"create_missing_tables\": true}");
	json_t *acc = NULL;
	int st = run_full(cfg, "acc_inff", &acc);
	ck_assert_msg(acc != NULL && st == 0, "exit %d", st);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inff WHERE d > 1e308 AND id = 1"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inff WHERE d < -1e308 AND id = 2"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inff WHERE d IS NULL"), 1);   /* the NaN */
	if (_i == 1)
		ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_inff WHERE r = d"), 3);
	json_t *changed = json_object_get(json_array_get(json_object_get(acc, "partitions"), 0), "values_changed");
	ck_assert_int_eq(json_integer_value(json_object_get(changed, "nan")), _i == 0 ? 1 : 2);
	json_decref(acc);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A SQLite target column the user declared NUMERIC (NUMERIC affinity) rounds a
 * decimal a double cannot keep to a REAL by itself: PostgreSQL's numeric with 35
 * digits and MariaDB's BIGINT UNSIGNED maximum arrived as 1e+35 and
 * 1.8446744073709552e+19, exit 0, nothing counted. Such rows are now rejected
 * naming the column; the decimals SQLite keeps load. */
START_TEST(test_sqlite_numeric_rounding)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_SQLITE, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS acc_num");
	it_exec(&src, "CREATE TABLE acc_num (id int PRIMARY KEY, n numeric(65,30))");
	it_exec(&src, "INSERT INTO acc_num VALUES (1, 0.1), (2, 99999999999999999999999999999999999.5),"
	              " (3, 18446744073709551615), (4, 9223372036854775806), (5, NULL), (6, 4503599627370497)");
	it_exec_ok(&dst, "DROP TABLE acc_num");
	it_exec(&dst, "CREATE TABLE acc_num (id INTEGER PRIMARY KEY, n NUMERIC)");
	const char *cfg = it_write_config("accept.json", getenv("RPL_TEST_PG_SRC"), dst_odbc(IT_SQLITE), "acc_num", NULL,
	                                  "{}");
	json_t *acc = NULL;
	int st = run_full(cfg, "acc_num", &acc);
	ck_assert_msg(acc != NULL && st == 3, "exit %d, want 3", st);
	/* numeric(65,30) arrives as "9223372036854775806.000…": SQLite reads it as a REAL */
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_num"), 3);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_num WHERE id = 6 AND n = 4503599627370497"), 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_num WHERE id = 1 AND n = 0.1"), 1);
	json_t *rej = reject_lines(acc);
	ck_assert_int_eq(json_array_size(rej), 3);
	for (size_t i = 0; i < 3; i++) {
		json_t *o = json_array_get(rej, i);
		const char *why = json_string_value(json_object_get(o, "reason"));
		ck_assert_str_eq(json_string_value(json_object_get(o, "column")), "n");
		ck_assert_str_eq(json_string_value(json_object_get(o, "rule")), "precision");
		ck_assert_msg(why != NULL && strstr(why, "SQLite's NUMERIC affinity") != NULL, "reason: %s", why);
	}
	json_decref(rej);
	json_decref(acc);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A BLOB in a SQLite column of TEXT affinity (declared "BLOB SUB_TYPE TEXT", as
 * Firebird tools write it) was refused as "a BLOB of 1 bytes is a BLOB, not text":
 * the reason now says what is wrong with it. */
START_TEST(test_sqlite_blob_in_text_reason)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_SQLITE, "src");
	it_connect(&dst, IT_PG, "dst");
	it_exec_ok(&src, "DROP TABLE acc_memo");
	it_exec(&src, "CREATE TABLE acc_memo (id INTEGER PRIMARY KEY, memo BLOB SUB_TYPE TEXT)");
	it_exec(&src, "INSERT INTO acc_memo VALUES (1, 'text'), (2, X'41'), (3, X'0001')");
	it_exec_ok(&dst, "DROP TABLE acc_memo");
	char odbc[1200];
	snprintf(odbc, sizeof odbc, "Driver=SQLite3;Database=%s", it_tmpfile("it_src.db"));
	const char *cfg = it_write_config("accept.json", odbc, dst_odbc(IT_PG), "acc_memo", NULL,
	                                  "{\"create_missing_tables\": true}");
	json_t *acc = NULL;
	int st = run_full(cfg, "acc_memo", &acc);
	ck_assert_msg(acc != NULL && st == 3, "exit %d, want 3", st);
	ck_assert_int_eq(it_query_int(&dst, "SELECT count(*) FROM acc_memo WHERE memo = 'text'"), 1);
	json_t *rej = reject_lines(acc);
	ck_assert_int_eq(json_array_size(rej), 2);
	static const char *const want[] = {
		"a BLOB of 1 byte where the column holds text: bytes are not read as text (column memo, BLOB SUB_TYPE TEXT)",
		"a BLOB of 2 bytes where the column holds text",
	};
	for (size_t i = 0; i < 2; i++) {
		json_t *o = json_array_get(rej, i);
		const char *why = json_string_value(json_object_get(o, "reason"));
		ck_assert_str_eq(json_string_value(json_object_get(o, "column")), "memo");
		ck_assert_str_eq(json_string_value(json_object_get(o, "rule")), "wrong_type");
		ck_assert_msg(why != NULL && strstr(why, want[i]) != NULL, "reason: %s", why);
	}
	json_decref(rej);
	json_decref(acc);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s REPLICAD\n", argv[0]);
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("accept");
	TCase *tc = tcase_create("accept");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pg_infinity_dates, 0, 2 * IT_NENGINES);
	tcase_add_loop_test(tc, test_pg_infinity_into_sqlite, 0, 2);
	tcase_add_test(tc, test_sqlite_numeric_rounding);
	tcase_add_test(tc, test_sqlite_blob_in_text_reason);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
