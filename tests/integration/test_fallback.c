/* tests/integration/test_fallback.c: a MariaDB target whose server refuses LOAD DATA
 * LOCAL (local_infile off, as many hosted servers have it): the copy's chooser gives
 * the sink's place to ODBC parameter arrays (rpl_choose_fallback, issue #16) and the
 * partition loads all its rows, with a warning saying so; the next partition goes
 * straight to the arrays. A row January's value rules reject before LOAD DATA is
 * refused has one line in the reject file, not one per attempt. The server's setting is changed as root over the socket
 * (the harness's) and restored, whatever the outcome. */
#include "copy.h"
#include "edge.h"
#include "it.h"
#include "log.h"
#include "reject.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NROWS 500

static char logged[8192];

static void
capture(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)lvl, (void)grp, (void)data;
	size_t l = strlen(logged);
	snprintf(logged + l, sizeof logged - l, "%s\n", msg);
}

/* local_infile sets the server's local_infile as root; false when it could not */
static bool
local_infile(bool on)
{
	const char *client = getenv("RPL_TEST_MARIADB_CLIENT"), *sock = getenv("RPL_TEST_MARIADB_SOCKET");
	char cmd[2048];
	ck_assert_msg(client != NULL && sock != NULL, "RPL_TEST_MARIADB_CLIENT and _SOCKET: run under the harness");
	snprintf(cmd, sizeof cmd, "'%s' --socket='%s' -u root -e 'SET GLOBAL local_infile = %d'", client, sock, on);
	return system(cmd) == 0;
}

/* load copies one month; asserts come after local_infile is restored */
static int
load(struct rpl_copy *cp, int month, struct rpl_part_account *acc, struct rpl_err *err)
{
	struct rpl_range r = { .start = { 2024, month, 1 }, .end = { 2024, month + 1, 1 } };
	memset(acc, 0, sizeof *acc);
	return rpl_copy_partition(cp, &r, acc, err);
}

START_TEST(test_load_data_refused)
{
	struct rpl_conn src, dst;
	struct rpl_err err = RPL_ERR_INIT;
	char sql[256];
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "fb_rows");
	edge_drop(&dst, "fb_rows");
	it_exec(&src, "CREATE TABLE fb_rows (id int PRIMARY KEY, d date NOT NULL, s text, n numeric(12,2))");
	/* row 1's s is too long for the target: rejected, and read first, before LOAD DATA is refused */
	snprintf(sql, sizeof sql, "INSERT INTO fb_rows SELECT g, date '2024-01-01' + (g %% 59),"
	         " CASE WHEN g = 1 THEN repeat('x', 30) ELSE 'row ' || g END, g * 0.5 FROM generate_series(1, %d) g", NROWS);
	it_exec(&src, sql);
	it_exec(&dst, "CREATE TABLE fb_rows (id int PRIMARY KEY, d date NOT NULL, s varchar(20), n decimal(12,2))"
	              " DEFAULT CHARSET=utf8mb4");
	char path[1024];
	snprintf(path, sizeof path, "%s", it_tmpfile("fallback.jsonl"));
	unlink(path);
	struct rpl_reject_log *log = rpl_reject_new(path);
	struct rpl_copy_opts o = { .src_table = "fb_rows", .dst_table = "fb_rows", .date_column = "d",
	                           .chunk_bytes = 16 * 1024, .commit_rows = 100, .rejects = log };
	struct rpl_copy *cp = NULL;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	logged[0] = '\0';
	rpl_log_set_handler(capture, NULL, RPL_LOG_INFO);
	ck_assert_msg(local_infile(false), "SET GLOBAL local_infile = 0 as root failed");
	struct rpl_part_account jan, feb;
	struct rpl_err ferr = RPL_ERR_INIT;
	int rj = load(cp, 1, &jan, &err);
	bool once = strstr(logged, "LOAD DATA refused") != NULL;
	bool arrays = strstr(logged, "loading through parameter arrays instead") != NULL;
	logged[0] = '\0';
	int rf = rj == 0 ? load(cp, 2, &feb, &ferr) : -1;
	bool again = strstr(logged, "refused") != NULL;
	rpl_log_set_handler(NULL, NULL, RPL_LOG_WARNING);
	ck_assert_msg(local_infile(true), "SET GLOBAL local_infile = 1 as root failed");
	ck_assert_msg(rj == 0, "January: %s", err.msg);
	ck_assert_msg(rf == 0, "February: %s", ferr.msg);
	ck_assert_msg(once && arrays, "no fallback warning; log:\n%s", logged);
	ck_assert_msg(!again, "the second partition tried LOAD DATA again; log:\n%s", logged);
	ck_assert_int_eq(jan.rejected, 1);
	ck_assert_int_eq(rpl_reject_count(log), 1);
	ck_assert_int_eq(jan.written + feb.written, NROWS - 1);
	ck_assert_int_eq(jan.read, jan.written + jan.rejected);
	ck_assert_int_eq(feb.read, feb.written);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM fb_rows"), NROWS - 1);
	ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM fb_rows WHERE s = CONCAT('row ', id)"), NROWS - 1);
	rpl_copy_free(cp);
	rpl_reject_free(log);
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "no reject file at %s", path);
	char line[4096];
	int lines = 0;
	while (fgets(line, sizeof line, f) != NULL)
		ck_assert_msg(++lines == 1 && strstr(line, "\"key\":{\"id\":1}") != NULL, "reject line %d: %s", lines, line);
	fclose(f);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("fallback");
	TCase *tc = tcase_create("fallback");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_load_data_refused);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
