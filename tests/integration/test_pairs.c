/* tests/integration/test_pairs.c: every source x target pair of SQLite, PostgreSQL
 * and MariaDB copies the edge table by calendar months, creating the target, and the
 * target is compared with the source value by value; then again into the now
 * existing table (delete-before-insert: nothing doubled); then a table and columns
 * whose names need quoting. */
#include "copy.h"
#include "dialect.h"
#include "edge.h"
#include "it.h"
#include "log.h"
#include "reject.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
copy_months(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *datecol,
            int64_t chunk_bytes, bool odbc_only, int64_t *read, int64_t *written)
{
	struct rpl_copy_opts o = {
		.src_table = table, .dst_table = table, .date_column = datecol,
		.chunk_bytes = chunk_bytes, .commit_rows = 2, .create_missing = true, .bulk_odbc = odbc_only,
	};
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	int r = rpl_copy_prepare(src, dst, &o, &cp, &err);
	ck_assert_msg(r == 0, "prepare %s: %s", table, err.msg);
	struct rpl_range *parts;
	size_t n;
	ck_assert(rpl_plan_months((struct rpl_day){ 2024, 1, 1 }, (struct rpl_day){ 2024, 4, 30 }, &parts, &n, &err) == 0);
	ck_assert_int_eq(n, 4);
	*read = *written = 0;
	for (size_t i = 0; i < n; i++) {
		struct rpl_part_account acc;
		r = rpl_copy_partition(cp, &parts[i], &acc, &err);
		ck_assert_msg(r == 0, "partition %zu: %s", i, err.msg);
		ck_assert_int_eq(acc.state, RPL_PART_DONE);
		ck_assert_int_eq(acc.rejected, 0);
		ck_assert_int_eq(acc.read, acc.written);
		*read += acc.read;
		*written += acc.written;
	}
	free(parts);
	rpl_copy_free(cp);
}

static void
check_source_holds_edges(const struct it_dump *d, const char *engine)
{
	/* the source itself must hold the edge values, or the comparison proves little */
	ck_assert_msg(strcmp(it_dump_get(d, 2, "n38"), "d:-1234567890123456789012345678901234.5678") == 0,
	              "%s source n38: %s", engine, it_dump_get(d, 2, "n38"));
	ck_assert_msg(strcmp(it_dump_get(d, 2, "txt"), "s:emoji \xF0\x9F\x98\x80 \xC3\xBC \xC3\x9F") == 0,
	              "%s source txt: %s", engine, it_dump_get(d, 2, "txt"));
	ck_assert_msg(strcmp(it_dump_get(d, 3, "ts"), "ts:9999-12-31 23:59:59.999999000") == 0,
	              "%s source ts: %s", engine, it_dump_get(d, 3, "ts"));
	ck_assert_msg(strcmp(it_dump_get(d, 3, "f64"), "f:0.30000000000000004") == 0,
	              "%s source f64: %s", engine, it_dump_get(d, 3, "f64"));
	ck_assert_msg(strcmp(it_dump_get(d, 1, "txt"), "s:") == 0, "%s: empty string", engine);
	ck_assert_msg(strcmp(it_dump_get(d, 0, "txt"), "NULL") == 0, "%s: NULL", engine);
	ck_assert_msg(strlen(it_dump_get(d, 2, "big")) == 8194, "%s: 8 KB text", engine);
	ck_assert_msg(strcmp(it_dump_get(d, 2, "bin"), "x:00ff0000") == 0, "%s: binary %s", engine, it_dump_get(d, 2, "bin"));
}

START_TEST(test_pair_edge)
{
	int s = _i / IT_NENGINES, d = _i % IT_NENGINES;
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[s], it_engine_names[d]);
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	edge_create(&src, "edge");
	edge_drop(&dst, "edge");
	int64_t read, written;
	/* a small chunk: several fetches per partition, commits in between */
	copy_months(&src, &dst, "edge", "d", 64 * 1024, false, &read, &written);
	ck_assert_int_eq(read, edge_nrows());
	ck_assert_int_eq(written, edge_nrows());
	if (d == IT_MARIADB) {   /* the rows went by LOAD DATA, not a silent fallback to arrays */
		int64_t loads = 0;
		bool found = false;
		struct rpl_err e = RPL_ERR_INIT;
		ck_assert_msg(rpl_conn_query_int64(&dst, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
		                                         " WHERE VARIABLE_NAME = 'COM_LOAD'", &loads, &found, &e) == 0 && found,
		              "%s: %s", what, e.msg);
		ck_assert_msg(loads >= 4, "%s: %lld LOAD DATA statements for 4 partitions", what, (long long)loads);
	}
	struct it_dump a, b;
	it_dump_table(&src, "edge", "id", &a);
	check_source_holds_edges(&a, it_engine_names[s]);
	it_dump_table(&dst, "edge", "id", &b);
	bool ulp = false;    /* doubles must arrive bit for bit, SQLite pairs included */
	it_dump_compare_ulp(&a, &b, what, ulp);
	it_dump_free(&b);
	/* again, into the existing table: delete-before-insert leaves one copy */
	copy_months(&src, &dst, "edge", "d", 4 * 1024 * 1024, false, &read, &written);
	it_dump_table(&dst, "edge", "id", &b);
	it_dump_compare_ulp(&a, &b, what, ulp);
	it_dump_free(&a);
	it_dump_free(&b);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

START_TEST(test_pair_quoted_names)
{
	int s = _i / IT_NENGINES, d = _i % IT_NENGINES;
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	const char *t = "Order Items";
	struct rpl_sbuf sql = RPL_SBUF_INIT;
	edge_drop(&src, t);
	edge_drop(&dst, t);
	rpl_sbuf_add(&sql, "CREATE TABLE ");
	rpl_dialect_ident(src.dialect, t, &sql);
	rpl_sbuf_add(&sql, " (");
	const char *names[] = { "Id", "Select", "Group Id", "MiXed", "When" };
	for (int i = 0; i < 5; i++) {
		rpl_sbuf_add(&sql, i ? ", " : "");
		rpl_dialect_ident(src.dialect, names[i], &sql);
		rpl_sbuf_add(&sql, i == 0 ? " BIGINT PRIMARY KEY" : i == 4 ? " DATE NOT NULL" : " VARCHAR(20)");
	}
	rpl_sbuf_addc(&sql, ')');
	it_exec(&src, sql.s);
	for (int r = 1; r <= 3; r++) {
		rpl_sbuf_reset(&sql);
		rpl_sbuf_add(&sql, "INSERT INTO ");
		rpl_dialect_ident(src.dialect, t, &sql);
		rpl_sbuf_addf(&sql, " VALUES (%d, 'sel%d', 'grp%d', NULL, '2024-0%d-15')", r, r, r, r);
		it_exec(&src, sql.s);
	}
	int64_t read, written;
	copy_months(&src, &dst, t, "When", 1024 * 1024, false, &read, &written);
	ck_assert_int_eq(written, 3);
	struct it_dump a, b;
	it_dump_table(&src, t, "Id", &a);
	it_dump_table(&dst, t, "Id", &b);
	it_dump_compare(&a, &b, "quoted names");
	ck_assert_str_eq(it_dump_get(&b, 2, "Select"), "s:sel3");
	it_dump_free(&a);
	it_dump_free(&b);
	rpl_sbuf_fini(&sql);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* MariaDB sources read through ODBC (load.bulk "odbc", or a column the client
 * library path leaves to ODBC) go in keyset slices, the driver holding whole result
 * sets: a composite key, several slices per partition, rows in several months. */
START_TEST(test_mariadb_slices)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "sliced");
	edge_drop(&dst, "sliced");
	it_exec(&src, "CREATE TABLE sliced (a int NOT NULL, b varchar(10) NOT NULL, d date NOT NULL, v varchar(40),"
	              " PRIMARY KEY (a, b)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	it_exec(&src, "INSERT INTO sliced SELECT seq DIV 3, CONCAT('k', seq MOD 3), '2024-01-01' + INTERVAL (seq MOD 120) DAY,"
	              " CONCAT('value ', seq) FROM seq_0_to_7499");
	int64_t read, written;
	copy_months(&src, &dst, "sliced", "d", 64 * 1024, true, &read, &written);
	ck_assert_int_eq(read, 7500);
	ck_assert_int_eq(written, 7500);
	struct it_dump a, b;
	it_dump_table(&src, "sliced", "v", &a);
	it_dump_table(&dst, "sliced", "v", &b);
	it_dump_compare(&a, &b, "mariadb slices");
	it_dump_free(&a);
	it_dump_free(&b);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* full_copy_compare copies the whole table in one partition and checks it value by
 * value, rows ordered by column a. */
static void
full_copy_compare(struct rpl_copy *cp, struct rpl_conn *src, struct rpl_conn *dst, const char *table,
                  int64_t rows, const char *what)
{
	struct rpl_part_account acc;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "%s: %s", what, err.msg);
	ck_assert_int_eq(acc.read, rows);
	ck_assert_int_eq(acc.written, rows);
	struct it_dump a, b;
	it_dump_table(src, table, "a", &a);
	it_dump_table(dst, table, "a", &b);
	it_dump_compare(&a, &b, what);
	it_dump_free(&a);
	it_dump_free(&b);
}

/* Keyset slices at their edges: a partition of exactly k full slices (the slice
 * after the last full one is empty), one row short of that, one row past it, and
 * a single row. The next slice is executed on a second connection while this one is
 * fetched (odbc_slices.h), starting after the last key of this one. */
START_TEST(test_mariadb_slice_edges)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "slice_edges");
	edge_drop(&dst, "slice_edges");
	it_exec(&src, "CREATE TABLE slice_edges (a bigint NOT NULL PRIMARY KEY, v varchar(40)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO slice_edges VALUES (1, 'one')");
	struct rpl_copy_opts o = { .src_table = "slice_edges", .dst_table = "slice_edges", .bulk_odbc = true,
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	full_copy_compare(cp, &src, &dst, "slice_edges", 1, "one row");
	/* copy.c: two chunks per slice, at least 1000 rows */
	size_t per = rpl_copy_rows_per_chunk(cp) * 2;
	int64_t slice = per < 1000 ? 1000 : (int64_t)per, k = 3 * slice;
	char sql[256];
	snprintf(sql, sizeof sql, "INSERT INTO slice_edges SELECT seq * 7, CONCAT('v', seq) FROM seq_1_to_%lld",
	         (long long)k - 1);
	it_exec(&src, sql);   /* with the row a = 1: exactly three slices */
	full_copy_compare(cp, &src, &dst, "slice_edges", k, "exactly three slices");
	it_exec(&src, "DELETE FROM slice_edges WHERE a = 7");
	full_copy_compare(cp, &src, &dst, "slice_edges", k - 1, "one row short of three slices");
	it_exec(&src, "INSERT INTO slice_edges VALUES (7, 'back'), (-5, 'first')");
	full_copy_compare(cp, &src, &dst, "slice_edges", k + 1, "one row past three slices");
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

static char oneconn_warning[512], oneconn_native[512];
static void
oneconn_log(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)grp, (void)data;
	if (lvl == RPL_LOG_WARNING && strstr(msg, "second source connection") != NULL)
		snprintf(oneconn_warning, sizeof oneconn_warning, "%s", msg);
	if (lvl == RPL_LOG_WARNING && strstr(msg, "client library could not connect") != NULL)
		snprintf(oneconn_native, sizeof oneconn_native, "%s", msg);
}

/* Keys the next slice starts after travel back to MariaDB as parameters: a decimal
 * key past 2^53 (MySQL compares a decimal with a string as doubles, which would skip
 * the keys after a slice's last one; MariaDB 10.11 compares them exactly, so here this
 * checks the CAST that sqlgen.c adds does no harm) and a timestamp key with
 * microseconds in a composite key (its fraction must survive the trip). */
START_TEST(test_mariadb_slice_key_types)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, d, "dst");
	const char *tables[2] = { "slice_dec", "slice_ts" };
	it_exec(&src, "DROP TABLE IF EXISTS slice_dec, slice_ts");
	for (int t = 0; t < 2; t++)
		edge_drop(&dst, tables[t]);
	it_exec(&src, "CREATE TABLE slice_dec (a decimal(20,0) NOT NULL PRIMARY KEY, v varchar(20)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO slice_dec SELECT 9007199254740993 + seq, CONCAT('v', seq) FROM seq_1_to_3500");
	it_exec(&src, "CREATE TABLE slice_ts (t datetime(6) NOT NULL, n int NOT NULL, a int NOT NULL, PRIMARY KEY (t, n)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO slice_ts SELECT '2024-01-01 00:00:00' + INTERVAL (seq DIV 2) MICROSECOND, seq MOD 2,"
	              " seq FROM seq_1_to_3500");
	for (int t = 0; t < 2; t++) {
		struct rpl_copy_opts o = { .src_table = tables[t], .dst_table = tables[t], .bulk_odbc = true,
		                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
		struct rpl_copy *cp;
		struct rpl_err err = RPL_ERR_INIT;
		ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare %s: %s", tables[t], err.msg);
		full_copy_compare(cp, &src, &dst, tables[t], 3500, tables[t]);
		rpl_copy_free(cp);
	}
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A source user allowed one connection (tests/harness/servers.sh): the client
 * library's connection fails, a warning says so and the copy reads through ODBC;
 * there the slices' second connection fails too, a warning says so, and the slices
 * run one after another. */
START_TEST(test_mariadb_slices_one_connection)
{
	struct rpl_conn src, dst, admin;
	it_connect(&admin, IT_MARIADB, "src");
	edge_drop(&admin, "slice_one");
	it_exec(&admin, "CREATE TABLE slice_one (a bigint NOT NULL PRIMARY KEY, v varchar(40)) ENGINE=InnoDB");
	it_exec(&admin, "INSERT INTO slice_one SELECT seq, CONCAT('v', seq) FROM seq_1_to_3500");
	char connstr[1200];
	const char *base = getenv("RPL_TEST_MARIADB_SRC");
	ck_assert_ptr_nonnull(base);
	const char *uid = strstr(base, "Uid=replicad");
	ck_assert_ptr_nonnull(uid);
	snprintf(connstr, sizeof connstr, "%.*sUid=rpl_oneconn%s", (int)(uid - base), base, uid + strlen("Uid=replicad"));
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_open(&src, "source", connstr, getenv("RPL_TEST_PASSWORD"), &err) == 0, "%s", err.msg);
	it_connect(&dst, IT_SQLITE, "dst");
	edge_drop(&dst, "slice_one");
	struct rpl_copy_opts o = { .src_table = "slice_one", .dst_table = "slice_one",
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	oneconn_warning[0] = oneconn_native[0] = '\0';
	rpl_log_set_handler(oneconn_log, NULL, RPL_LOG_WARNING);
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	full_copy_compare(cp, &admin, &dst, "slice_one", 3500, "slices on one connection");
	rpl_log_set_handler(NULL, NULL, RPL_LOG_WARNING);
	ck_assert_msg(strstr(oneconn_native, "table=slice_one") != NULL, "no warning about the client library: '%s'",
	              oneconn_native);
	ck_assert_msg(strstr(oneconn_warning, "table=slice_one") != NULL, "no warning about the second connection: '%s'",
	              oneconn_warning);
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
	rpl_conn_close(&admin);
}
END_TEST

/* The PostgreSQL source reads numerics in COPY's binary form (base-10000 digits) and
 * writes them as numeric_out prints them (lib/pg/pg_binread.c): zeros, scales that end
 * inside a group, weights far from the point, both signs. */
START_TEST(test_pg_numeric_binary)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	edge_drop(&src, "num_bin");
	edge_drop(&dst, "num_bin");
	it_exec(&src, "CREATE TABLE num_bin (a bigint PRIMARY KEY, v numeric(40,20), w numeric(30,7), z numeric(5,0))");
	it_exec(&src, "INSERT INTO num_bin VALUES (1, 0, 0, 0), (2, -0.00000001, -0.0000001, -1),"
	              " (3, 123456789.000000001, 12345678901234567890123.4567891, 99999),"
	              " (4, 10000, 10000, 10000), (5, 9999.9999, -9999.9999999, -99999),"
	              " (6, 1e-20, 0.1, 1), (7, 1e19, 1, 12), (8, -123.45600, 0.0000010, 100),"
	              " (9, NULL, NULL, NULL), (10, 0.000, 1000000000000000000000.0000001, 0),"
	              " (11, 'NaN', 'NaN', 'NaN')");   /* NaN: PostgreSQL holds it, into any numeric */
	struct rpl_copy_opts o = { .src_table = "num_bin", .dst_table = "num_bin",
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	full_copy_compare(cp, &src, &dst, "num_bin", 11, "numerics read in binary");
	struct it_dump b;
	it_dump_table(&dst, "num_bin", "a", &b);   /* the scale is kept, as numeric_out prints it */
	ck_assert_str_eq(it_dump_get(&b, 5, "v"), "d:0.00000000000000000001");
	ck_assert_str_eq(it_dump_get(&b, 6, "v"), "d:10000000000000000000");
	ck_assert_str_eq(it_dump_get(&b, 7, "w"), "d:0.000001");
	it_dump_free(&b);
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A PostgreSQL numeric declared without precision: psqlODBC reports it as
 * NUMERIC(28,6), which made these values look too long or too precise (rejected);
 * catalog.c reads information_schema instead, and a created target is unbounded too
 * (MariaDB: decimal(65,30), SQLite: DECIMAL_TEXT). */
START_TEST(test_pg_numeric_unbounded)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, d, "dst");
	edge_drop(&src, "num_free");
	edge_drop(&dst, "num_free");
	it_exec(&src, "CREATE TABLE num_free (a bigint PRIMARY KEY, v numeric)");
	it_exec(&src, "INSERT INTO num_free VALUES (1, 1e30), (2, 0.123456789012345678901234567890),"
	              " (3, -12345678901234567890.123456789), (4, 0), (5, NULL), (6, 7.5)");
	struct rpl_copy_opts o = { .src_table = "num_free", .dst_table = "num_free",
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	full_copy_compare(cp, &src, &dst, "num_free", 6, "unbounded numeric");
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A MariaDB target whose text columns are not UTF-8: LOAD DATA declares its rows
 * utf8mb4 so the server converts them (sqlgen.h). Declared as bytes, 'é' would land
 * in latin1 as the two characters 'Ã©'. Into utf8mb4 columns the same strings go as
 * bytes, checked by the server all the same: a string too long is still refused. */
START_TEST(test_mariadb_target_charsets)
{
	int s = _i;
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	edge_drop(&src, "charsets");
	edge_drop(&dst, "charsets");
	it_exec(&src, "CREATE TABLE charsets (a bigint NOT NULL PRIMARY KEY, v varchar(12), w varchar(12))");
	it_exec(&src, "INSERT INTO charsets VALUES (1, 'café', 'café'), (2, 'Grüße', 'naïve ß'), (3, NULL, ''),"
	              " (4, 'plain', 'x\ty')");
	it_exec(&dst, "CREATE TABLE charsets (a bigint NOT NULL PRIMARY KEY, v varchar(12) CHARACTER SET latin1,"
	              " w varchar(12) CHARACTER SET utf8mb4) ENGINE=InnoDB");
	struct rpl_copy_opts o = { .src_table = "charsets", .dst_table = "charsets",
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000 };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	full_copy_compare(cp, &src, &dst, "charsets", 4, "into a latin1 column");
	rpl_copy_free(cp);
	int64_t bytes = 0;
	bool found = false;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT LENGTH(v) FROM charsets WHERE a = 1", &bytes, &found, &err) == 0);
	ck_assert_msg(found && bytes == 4, "'café' in latin1 takes %lld bytes, want 4", (long long)bytes);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

static char native_fallback[512];
static void
native_log(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)lvl, (void)grp, (void)data;
	if (strstr(msg, "read through ODBC") != NULL || strstr(msg, "reading through ODBC") != NULL)
		snprintf(native_fallback, sizeof native_fallback, "%s", msg);
}

/* native_copy copies table whole with the default (native) paths, checks it value by
 * value, and returns whether the source was read through ODBC after all. */
static bool
native_copy(struct rpl_conn *src, struct rpl_conn *dst, const char *table, int64_t rows)
{
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table,
	                           .chunk_bytes = 256 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	native_fallback[0] = '\0';
	rpl_log_set_handler(native_log, NULL, RPL_LOG_INFO);
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0, "prepare %s: %s", table, err.msg);
	rpl_log_set_handler(NULL, NULL, RPL_LOG_WARNING);
	full_copy_compare(cp, src, dst, table, rows, table);
	rpl_copy_free(cp);
	return native_fallback[0] != '\0';
}

/* copy_whole copies table whole (default paths) without comparing; returns the rows written */
static int64_t
copy_whole(struct rpl_conn *src, struct rpl_conn *dst, const char *table)
{
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table,
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0 && rpl_copy_partition(cp, &all, &acc, &err) == 0,
	              "%s: %s", table, err.msg);
	rpl_copy_free(cp);
	return acc.written;
}

/* The MariaDB source through libmariadb (mariadb_source.h): every type it converts, values
 * at their edges and NULLs, a text and a blob longer than the 64 KiB stage (read
 * again into place), a FLOAT widened exactly, the zero date (NULL, as through ODBC);
 * a TIME column sends the table through ODBC, exactly all the same. */
START_TEST(test_mariadb_native_source)
{
	int d = _i;
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, d, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS my_types, my_time");
	edge_drop(&dst, "my_types");
	edge_drop(&dst, "my_time");
	it_exec(&src, "CREATE TABLE my_types (a int NOT NULL PRIMARY KEY, ti tinyint, si smallint unsigned, mi mediumint,"
	              " bi bigint, ub bigint unsigned, yr year, fl tinyint(1), bt bit(1), dc decimal(30,10), db double,"
	              " d date, t0 datetime, t3 datetime(3), t6 datetime(6), ts timestamp(2) NULL,"
	              " v varchar(20), e enum('x','y'), tx mediumtext, bl mediumblob, vb varbinary(8))"
	              " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
	it_exec(&src, "INSERT INTO my_types VALUES"
	              " (1, -128, 65535, -8388608, -9223372036854775807 - 1, 18446744073709551615, 2155, 1, b'1',"
	              "  '-12345678901234567890.0123456789', 1.7976931348623157e308, '1000-01-01', '9999-12-31 23:59:59',"
	              "  '2024-02-29 12:00:00.001', '2024-01-01 00:00:00.999999', '2038-01-19 03:14:07.99',"
	              "  'Grüße 😀', 'y', REPEAT('é', 40000), REPEAT(x'00ff', 35000), x'0001feff'),"
	              " (2, 0, 0, 0, 0, 0, 1901, 0, b'0', '0.0000000001', 4.9e-324, '2024-02-29', '1970-01-01 00:00:01',"
	              "  '2024-01-01 00:00:00.000', NULL, NULL, '', 'x', '', '', ''),"
	              " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
	              "  NULL, NULL, NULL, NULL, NULL)");
	bool via_odbc = native_copy(&src, &dst, "my_types", 3);
	ck_assert_msg(!via_odbc, "my_types went through ODBC: %s", native_fallback);
	/* FLOAT: the same float in a MariaDB or PostgreSQL real target (psqlODBC reads a
	 * real back as its shortest text, 1.1, so there the widened value is asked of the
	 * server); into SQLite's REAL, the double of its shortest decimal, 1.1, as
	 * PostgreSQL's real arrives (issue #15), not its widening 1.100000023841858. */
	it_exec(&src, "DROP TABLE IF EXISTS my_float");
	edge_drop(&dst, "my_float");
	it_exec(&src, "CREATE TABLE my_float (a int NOT NULL PRIMARY KEY, f float) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO my_float VALUES (1, 1.1), (2, NULL), (3, -3.25e38)");
	if (d == IT_MARIADB) {
		ck_assert_msg(!native_copy(&src, &dst, "my_float", 3), "my_float: %s", native_fallback);
	} else if (d == IT_SQLITE) {
		ck_assert_int_eq(copy_whole(&src, &dst, "my_float"), 3);
		ck_assert_int_eq(it_query_int(&dst, "SELECT COUNT(*) FROM my_float WHERE (a = 1 AND f = 1.1)"
		                                    " OR (a = 2 AND f IS NULL) OR (a = 3 AND f = -3.25e38)"), 3);
	} else {
		ck_assert_int_eq(copy_whole(&src, &dst, "my_float"), 3);
		struct rpl_err ferr = RPL_ERR_INIT;
		int64_t exact = 0;
		bool found = false;
		ck_assert(rpl_conn_query_int64(&dst, "SELECT COUNT(*) FROM my_float WHERE (a = 1 AND f::float8 ="
		                                     " 1.10000002384185791015625::float8) OR (a = 2 AND f IS NULL)"
		                                     " OR (a = 3 AND f::float8 = -3.25e38::float4::float8)",
		                               &exact, &found, &ferr) == 0);
		ck_assert_msg(exact == 3, "%lld of 3 floats arrived exactly", (long long)exact);
	}
	it_exec(&src, "CREATE TABLE my_time (a int NOT NULL PRIMARY KEY, t time) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO my_time VALUES (1, '12:34:56'), (2, NULL), (3, '00:00:00')");
	/* (into a MariaDB target Connector/ODBC spells TIME with six fractional digits,
	 * '12:34:56.000000', in a text column: not this path's to mend) */
	if (d != IT_MARIADB) {
		via_odbc = native_copy(&src, &dst, "my_time", 3);
		ck_assert_msg(via_odbc && strstr(native_fallback, "column t ") != NULL, "my_time: '%s'", native_fallback);
	}
	/* the zero date: a placeholder, NULL in a nullable column on every target (rule zero_date) */
	it_exec(&src, "DROP TABLE IF EXISTS my_zero");
	edge_drop(&dst, "my_zero");
	it_exec(&src, "CREATE TABLE my_zero (a int NOT NULL PRIMARY KEY, d date, t datetime(3)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO my_zero VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-01-02', NULL)");
	ck_assert_int_eq(copy_whole(&src, &dst, "my_zero"), 2);
	struct it_dump b;
	it_dump_table(&dst, "my_zero", "a", &b);
	ck_assert_msg(strcmp(it_dump_get(&b, 0, "d"), "NULL") == 0, "zero date: %s", it_dump_get(&b, 0, "d"));
	ck_assert_msg(strcmp(it_dump_get(&b, 0, "t"), "NULL") == 0, "zero datetime: %s", it_dump_get(&b, 0, "t"));
	ck_assert_msg(strcmp(it_dump_get(&b, 1, "d"), "NULL") != 0, "a real date lost");
	it_dump_free(&b);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A date in month 0 (which MariaDB stores without NO_ZERO_IN_DATE) in the middle of
 * a stream is a zero date: into a NOT NULL column its row is rejected naming the
 * column (rule zero_date) while the stream goes on; once the source is fixed the
 * next partition copies the table whole. (Until issue #15 such a value failed the
 * partition mid-stream; no value the library reads does that now.) */
START_TEST(test_mariadb_native_abort)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_PG, "dst");
	it_exec(&src, "DROP TABLE IF EXISTS my_abort");
	edge_drop(&dst, "my_abort");
	it_exec(&src, "CREATE TABLE my_abort (a int NOT NULL PRIMARY KEY, u date NOT NULL, v varchar(30)) ENGINE=InnoDB");
	it_exec(&src, "INSERT INTO my_abort SELECT seq, '2024-01-01' + INTERVAL (seq MOD 300) DAY, CONCAT('row ', seq)"
	              " FROM seq_1_to_20000");
	it_exec(&src, "SET SESSION sql_mode = ''");
	it_exec(&src, "UPDATE my_abort SET u = '2024-00-15' WHERE a = 15000");
	struct rpl_copy_opts o = { .src_table = "my_abort", .dst_table = "my_abort",
	                           .chunk_bytes = 64 * 1024, .commit_rows = 100000, .create_missing = true };
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(&src, &dst, &o, &cp, &err) == 0, "prepare: %s", err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(acc.read, 20000);
	ck_assert_int_eq(acc.written, 19999);
	ck_assert_int_eq(acc.rejected_by[RPL_RULE_ZERO_DATE], 1);
	int64_t n = -1;
	bool found = false;
	struct rpl_err e2 = RPL_ERR_INIT;
	ck_assert(rpl_conn_query_int64(&dst, "SELECT COUNT(*) FROM my_abort WHERE a = 15000", &n, &found, &e2) == 0);
	ck_assert_msg(n == 0, "the zero-month row arrived");
	it_exec(&src, "UPDATE my_abort SET u = '2024-01-15' WHERE a = 15000");
	full_copy_compare(cp, &src, &dst, "my_abort", 20000, "after the failed stream");
	rpl_copy_free(cp);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pairs");
	TCase *tc = tcase_create("pairs");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_pair_edge, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_pair_quoted_names, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_loop_test(tc, test_mariadb_slices, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_mariadb_slice_edges, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_mariadb_slice_key_types, 0, IT_NENGINES);
	tcase_add_test(tc, test_mariadb_slices_one_connection);
	tcase_add_test(tc, test_pg_numeric_binary);
	tcase_add_loop_test(tc, test_pg_numeric_unbounded, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_mariadb_target_charsets, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_mariadb_native_source, 0, IT_NENGINES);
	tcase_add_test(tc, test_mariadb_native_abort);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
