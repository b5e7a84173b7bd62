/* tests/integration/test_created_types.c: tables shaped like users' (PostgreSQL
 * enums, domains, arrays, json, network types, interval, money, bit strings, xml,
 * char(n), floats at their limits; MariaDB ENUM, SET, YEAR, BIT, UNSIGNED at their
 * limits, TIMESTAMP, CHAR, latin1 with a collation, GEOMETRY, JSON; SQLite as other
 * tools write it) are copied into every engine by load.create_missing_tables, and
 * the created table is checked type by type and value by value (issue #15):
 * same engine, every column is declared as in the source (read back from the
 * target's own catalog) and every value is identical as the engine itself prints
 * it; across engines, the types are those of docs/engines.md "Type mapping" and the
 * values compare equal through the independent reader of it.c. The source's unique
 * constraints and secondary indexes are built only when the runner restores the
 * table's indexes after its load, the untranslatable ones named in warnings. */
#include "copy.h"
#include "dialect.h"
#include "edge.h"
#include "indexes.h"
#include "it.h"
#include "log.h"
#include "sbuf.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

static const char *const table_of[IT_NENGINES] = { "ct_lite", "ct_pg", "ct_my" };

static const char *const pg_corpus[] = {
	"DROP VIEW IF EXISTS ct_pg_cmp",
	"DROP TABLE IF EXISTS ct_pg",
	"DROP DOMAIN IF EXISTS ct_posint",
	"DROP DOMAIN IF EXISTS ct_code",
	"DROP TYPE IF EXISTS ct_mood",
	"CREATE TYPE ct_mood AS ENUM ('sad', 'ok', 'happy', 'it''s')",
	"CREATE DOMAIN ct_posint AS numeric(10,2) NOT NULL CHECK (VALUE > 0)",
	"CREATE DOMAIN ct_code AS text CHECK (VALUE ~ '^[A-Z]{3}$')",
	"CREATE TABLE ct_pg (id int PRIMARY KEY, mood ct_mood, moods ct_mood[], price ct_posint, code ct_code,"
	" tags text[], nums int4[], j json, jb jsonb, u uuid, ip inet, net cidr, mac macaddr, iv interval,"
	" tsv tsvector, pt point, m money, b bit(3), vb varbit(10), x xml, c20 character(20), r real,"
	" d double precision, tz timestamptz, ttz timetz, vc varchar(30), vu varchar, o oid, rng int4range,"
	" na numeric(5,2)[], m8 macaddr8)",
	"INSERT INTO ct_pg VALUES (1, 'happy', '{sad,\"it''s\"}', 12.5, 'ABC', '{\"a b\",\"c,d\",\"e\\\"f\",NULL}',"
	" '{1,-2,2147483647}', '{\"k\": [1, 2.50]}', '{\"k\": [1, 2.50]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
	" '192.168.1.5/24', '10.0.0.0/8', '08:00:2b:01:02:03', '1 year 2 mons 3 days 04:05:06.789', 'a fat cat sat',"
	" '(1.5,-2.25)', 1234.56, B'101', B'1100110011', '<a>x &amp; y</a>', 'padded', 3.4028235e38,"
	" 1.7976931348623157e308, '2024-03-01 12:34:56.789+02', '12:34:56.5+05:30', 'plain', repeat('u', 70000),"
	" 4294967295, '[1,10)', '{1.5,-2.25,NULL}', '08:00:2b:01:02:03:04:05')",
	"INSERT INTO ct_pg VALUES (2, 'it''s', '{}', 0.01, 'XYZ', '{}', '{}', '[]', 'null',"
	" '00000000-0000-0000-0000-000000000000', 'ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128', '2001:db8::/32',"
	" 'ff:ff:ff:ff:ff:ff', '-178000000 years -11 mons -2147483648 days -2562047788:00:54.775807', '', '(0,0)',"
	" -92233720368547758.08, B'000', B'', '<r/>', '', -3.4028235e38, 4.9e-324, '9999-12-31 23:59:59.999999+00',"
	" '23:59:59.999999-15:59', '', '', 0, 'empty', '{}', NULL)",
	"INSERT INTO ct_pg (id, price, r, d) VALUES (3, 1, 1.4e-45, -2.2250738585072014e-308)",
	"CREATE UNIQUE INDEX ct_pg_code_u ON ct_pg (code)",
	"CREATE INDEX ct_pg_mood_vc ON ct_pg (mood, vc)",
	"ALTER TABLE ct_pg ADD CONSTRAINT ct_pg_u_key UNIQUE (u)",
	"CREATE INDEX ct_pg_lower ON ct_pg (lower(vc))",
	"CREATE INDEX ct_pg_tags_gin ON ct_pg USING gin (tags)",
	/* the independent reader's view: money as its number, real as the double it is */
	"CREATE VIEW ct_pg_cmp AS SELECT id, mood, moods, price, code, tags, nums, j, jb, u, ip, net, mac, iv, tsv, pt,"
	" m::numeric AS m, b, vb, x, c20, r::float8 AS r, d, tz, ttz, vc, vu, o, rng, na, m8 FROM ct_pg",
	NULL,
};

static const char *const my_corpus[] = {
	"DROP TABLE IF EXISTS ct_my",
	"CREATE TABLE ct_my (id int PRIMARY KEY, e ENUM('small','medium','it''s') NOT NULL DEFAULT 'small',"
	" s SET('a','b','c'), y YEAR, b1 BIT(1), b64 BIT(64), ti TINYINT UNSIGNED, si SMALLINT UNSIGNED,"
	" mi MEDIUMINT UNSIGNED, ii INT UNSIGNED, bi BIGINT UNSIGNED, sti TINYINT, ts TIMESTAMP(3) NULL, ch CHAR(10),"
	" l1 VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_german2_ci, g GEOMETRY, p POINT, f FLOAT, dbl DOUBLE,"
	" dec1 DECIMAL(12,4), js JSON, tx TEXT, uu UUID, i6 INET6, t6 TIME(6)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"INSERT INTO ct_my VALUES (1, 'it''s', 'a,c', 2155, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',"
	" 255, 65535, 16777215, 4294967295, 18446744073709551615, -128, '2038-01-19 03:14:07.999', 'abc', 'Gr\xC3\xBC\xC3\x9F" "e',"
	" ST_GeomFromText('LINESTRING(0 0,1 1,2 3.5)'), POINT(1.5,-2), 3.40282e38, 1.7976931348623157e308, -12345678.1234,"
	" '{\"a\": [1, 2]}', 'long text', '123e4567-e89b-12d3-a456-426655440000', '2001:db8::ff00:42:8329',"
	" '838:59:59.999999')",
	"INSERT INTO ct_my VALUES (2, 'medium', '', 1901, b'0', b'0', 0, 0, 0, 0, 0, 127, '1970-01-01 00:00:01.000', '', '',"
	" ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'), POINT(0,0), -1.17549e-38, 4.9e-324, 0, '[]', '',"
	" '00000000-0000-0000-0000-000000000000', '::ffff:192.0.2.1', '-838:59:59.5')",
	"INSERT INTO ct_my (id) VALUES (3)",
	"ALTER TABLE ct_my ADD UNIQUE KEY ct_my_ch (ch), ADD KEY ct_my_e_y (e, y), ADD KEY ct_my_tx (tx(10)),"
	" ADD UNIQUE KEY ct_my_l1_u (l1(5))",
	NULL,
};

/* as other tools write SQLite: INTEGER PRIMARY KEY, NVARCHAR, DECIMAL(p,s), DATETIME, BOOLEAN */
static const char *const lite_corpus[] = {
	"DROP TABLE IF EXISTS ct_lite",
	"CREATE TABLE ct_lite (id INTEGER PRIMARY KEY, name NVARCHAR(50) NOT NULL, price DECIMAL(10,2), at DATETIME,"
	" ok BOOLEAN, note TEXT, raw BLOB, qty INT, ratio REAL, vc VARCHAR(20), UNIQUE (vc))",
	"CREATE INDEX ct_lite_name_at ON ct_lite (name, at)",
	"CREATE INDEX ct_lite_expr ON ct_lite (lower(name))",
	"INSERT INTO ct_lite VALUES (1, 'Gr\xC3\xBC\xC3\x9F" "e', 12.34, '2024-01-02 03:04:05', 1, 'n', x'00ff', 7, 0.1, 'v')",
	"INSERT INTO ct_lite VALUES (2, 'x', '99999999.99', '2024-01-02 03:04:05.123', 0, NULL, NULL, -1, -1e308, '')",
	"INSERT INTO ct_lite VALUES (9, 'z', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
	NULL,
};

static const char *const *const corpus_of[IT_NENGINES] = { lite_corpus, pg_corpus, my_corpus };

/* The indexes each created table must end with (name:unique:columns, by name),
 * and the source's indexes that must be left out with a warning naming them. */
static const char *const want_indexes[IT_NENGINES][IT_NENGINES] = {
	[IT_SQLITE] = { "ct_lite_name_at:0:name,at ct_lite_vc_key:1:vc", "ct_lite_name_at:0:name,at ct_lite_vc_key:1:vc",
	                "ct_lite_name_at:0:name,at ct_lite_vc_key:1:vc" },
	[IT_PG] = { "ct_pg_code_u:1:code ct_pg_mood_vc:0:mood,vc ct_pg_u_key:1:u",
	            "ct_pg_code_u:1:code ct_pg_mood_vc:0:mood,vc ct_pg_u_key:1:u",
	            "ct_pg_mood_vc:0:mood,vc ct_pg_u_key:1:u" },   /* code: unique on a longtext */
	[IT_MARIADB] = { "ct_my_ch:1:ch ct_my_e_y:0:e,y ct_my_tx:0:tx", "ct_my_ch:1:ch ct_my_e_y:0:e,y ct_my_tx:0:tx",
	                 "ct_my_ch:1:ch ct_my_e_y:0:e,y ct_my_l1_u:1:l1(5) ct_my_tx:0:tx(10)" },
};
static const char *const skipped_indexes[IT_NENGINES][3] = {
	[IT_SQLITE] = { "ct_lite_expr" }, [IT_PG] = { "ct_pg_lower", "ct_pg_tags_gin" }, [IT_MARIADB] = { NULL },
};

static const char *
index_query(int e, const char *table, char *buf, size_t n)
{
	if (e == IT_PG)
		snprintf(buf, n, "SELECT COALESCE(string_agg(i.relname || ':' || x.indisunique::int || ':' ||"
		                 " (SELECT string_agg(a.attname, ',' ORDER BY k.o) FROM unnest(x.indkey::int2[]) WITH ORDINALITY"
		                 " k(n, o) JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n), ' ' ORDER BY"
		                 " i.relname), '') FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid"
		                 " WHERE x.indrelid = '%s'::regclass AND NOT x.indisprimary", table);
	else if (e == IT_MARIADB)
		snprintf(buf, n, "SELECT COALESCE(GROUP_CONCAT(d ORDER BY d SEPARATOR ' '), '') FROM (SELECT CONCAT(INDEX_NAME,"
		                 " ':', 1 - NON_UNIQUE, ':', GROUP_CONCAT(CONCAT(COLUMN_NAME, IF(SUB_PART IS NULL, '',"
		                 " CONCAT('(', SUB_PART, ')'))) ORDER BY SEQ_IN_INDEX)) d FROM information_schema.STATISTICS"
		                 " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s' AND INDEX_NAME <> 'PRIMARY'"
		                 " GROUP BY INDEX_NAME, NON_UNIQUE) q", table);
	else
		snprintf(buf, n, "SELECT COALESCE(group_concat(d, ' '), '') FROM (SELECT il.name || ':' || il.\"unique\" || ':' ||"
		                 " (SELECT group_concat(name, ',') FROM (SELECT name FROM pragma_index_info(il.name) ORDER BY"
		                 " seqno)) d FROM pragma_index_list('%s') il WHERE il.origin <> 'pk' ORDER BY 1)", table);
	return buf;
}

static char *rows_text(struct rpl_conn *c, const char *sql);

static char warnings[4096];
static void
collect_warn(void *data, const char *table, const char *column, const char *msg)
{
	(void)data, (void)table, (void)column;
	size_t n = strlen(warnings);
	snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

/* check_indexes: none before the load (only saved), all of them after the restore
 * the runner runs once the table is loaded, and the rest named in warnings */
static void
check_indexes(struct rpl_conn *dst, int s, int d, const char *table, const char *what)
{
	char q[1024];
	char *got = rows_text(dst, index_query(d, table, q, sizeof q));
	ck_assert_msg(strcmp(got, "\n") == 0, "%s: indexes built before the load: %s", what, got);
	free(got);
	struct rpl_err err = RPL_ERR_INIT;
	int n = 0;
	ck_assert_msg(rpl_indexes_restore(dst, NULL, table, &n, &err) == 0, "%s: restore: %s", what, err.msg);
	got = rows_text(dst, q);
	char want[512];
	snprintf(want, sizeof want, "%s\n", want_indexes[s][d]);
	ck_assert_msg(strcmp(got, want) == 0, "%s: indexes %s, want %s", what, got, want);
	free(got);
	for (int i = 0; i < 3 && skipped_indexes[s][i] != NULL; i++)
		ck_assert_msg(strstr(warnings, skipped_indexes[s][i]) != NULL, "%s: no warning for index %s: %s", what,
		              skipped_indexes[s][i], warnings);
	/* built once: a second restore has nothing left to build */
	ck_assert_msg(rpl_indexes_restore(dst, NULL, table, &n, &err) == 0 && n == 0, "%s: restored again: %d", what, n);
}

/* drop_target removes the table (and on PostgreSQL the corpus's own types, so that
 * the copy has to create them) */
static void
drop_target(struct rpl_conn *dst, int d, const char *table)
{
	edge_drop(dst, table);
	char q[256];
	snprintf(q, sizeof q, "DELETE FROM replicad_indexes WHERE table_name = '%s'", table);
	it_exec_ok(dst, q);   /* (no ledger yet: nothing saved) */
	if (d == IT_PG) {
		edge_drop(dst, "ct_pg");   /* a same-engine run's, which uses the types */
		it_exec(dst, "DROP DOMAIN IF EXISTS ct_posint");
		it_exec(dst, "DROP DOMAIN IF EXISTS ct_code");
		it_exec(dst, "DROP TYPE IF EXISTS ct_mood");
	}
}

/* a bulk path that refuses the table falls back to parameter arrays with a warning:
 * exact all the same, but the created types must load by the fast path */
static char fallback[512];
static void
fallback_log(enum rpl_log_level lvl, enum rpl_log_group grp, const char *msg, void *data)
{
	(void)grp, (void)data;
	if (lvl <= RPL_LOG_WARNING && fallback[0] == '\0')
		snprintf(fallback, sizeof fallback, "%s", msg);
}

static void
copy_created(struct rpl_conn *src, struct rpl_conn *dst, const char *table, const char *what)
{
	fallback[0] = '\0';
	rpl_log_set_handler(fallback_log, NULL, RPL_LOG_WARNING);
	struct rpl_copy_opts o = { .src_table = table, .dst_table = table, .chunk_bytes = 4 * 1024 * 1024,
	                           .commit_rows = 1000, .create_missing = true, .warn = collect_warn };
	warnings[0] = '\0';
	struct rpl_copy *cp;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_copy_prepare(src, dst, &o, &cp, &err) == 0, "%s: prepare: %s", what, err.msg);
	struct rpl_part_account acc;
	struct rpl_range all = { .all = true };
	ck_assert_msg(rpl_copy_partition(cp, &all, &acc, &err) == 0, "%s: %s", what, err.msg);
	ck_assert_msg(acc.read == 3 && acc.written == 3 && acc.rejected == 0, "%s: read %lld, written %lld, rejected %lld",
	              what, (long long)acc.read, (long long)acc.written, (long long)acc.rejected);
	rpl_copy_free(cp);
	rpl_log_set_handler(NULL, NULL, RPL_LOG_WARNING);
	ck_assert_msg(fallback[0] == '\0', "%s: %s", what, fallback);
	if (dst->engine == RPL_ENGINE_MARIADB) {
		int64_t loads = 0;
		bool found = false;
		ck_assert_msg(rpl_conn_query_int64(dst, "SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
		                                        " WHERE VARIABLE_NAME = 'COM_LOAD'", &loads, &found, &err) == 0 && found,
		              "%s: %s", what, err.msg);
		ck_assert_msg(loads == 1, "%s: %lld LOAD DATA statements", what, (long long)loads);
	}
}

static void
read_catalog(struct rpl_conn *c, const char *table, struct rpl_table *t)
{
	struct rpl_err err = RPL_ERR_INIT;
	bool exists;
	ck_assert_msg(rpl_catalog_read(c, NULL, table, t, &exists, &err) == 0 && exists, "catalog %s: %s", table, err.msg);
}

/* rows_text runs sql (one text column) and returns its rows joined by newlines. */
static char *
rows_text(struct rpl_conn *c, const char *sql)
{
	struct rpl_err err = RPL_ERR_INIT;
	SQLHSTMT st;
	ck_assert(rpl_conn_stmt(c, &st, &err) == 0);
	ck_assert_msg(SQL_SUCCEEDED(SQLExecDirect(st, (SQLCHAR *)sql, SQL_NTS)), "%.200s", sql);
	struct rpl_sbuf out = RPL_SBUF_INIT;
	static char v[1 << 20];
	SQLRETURN rc;
	while ((rc = SQLFetch(st)) != SQL_NO_DATA) {
		SQLLEN ind = 0;
		ck_assert(SQL_SUCCEEDED(rc));
		ck_assert(SQL_SUCCEEDED(SQLGetData(st, 1, SQL_C_CHAR, v, sizeof v, &ind)));
		ck_assert_msg(ind != SQL_NO_TOTAL && ind < (SQLLEN)sizeof v, "row longer than the test's buffer");
		rpl_sbuf_add(&out, ind == SQL_NULL_DATA ? "NULL" : v);
		rpl_sbuf_addc(&out, '\n');
	}
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	char *s = strdup(rpl_sbuf_str(&out));
	rpl_sbuf_fini(&out);
	return s;
}

/* native_rows: every value as the engine itself prints it, column by column: the
 * row literal on PostgreSQL, the bytes of each value on MariaDB, quote() and the
 * storage class on SQLite (and the rowid, which must be the INTEGER PRIMARY KEY). */
static char *
native_rows(struct rpl_conn *c, int e, const struct rpl_table *t)
{
	struct rpl_sbuf q = RPL_SBUF_INIT;
	if (e == IT_PG) {
		rpl_sbuf_addf(&q, "SELECT x::text FROM %s x ORDER BY id", t->name);
	} else {
		rpl_sbuf_add(&q, e == IT_MARIADB ? "SELECT CONCAT_WS('|'" : "SELECT rowid");
		for (size_t i = 0; i < t->ncols; i++) {
			const char *n = t->cols[i].name;
			if (e == IT_MARIADB)
				rpl_sbuf_addf(&q, ", COALESCE(HEX(CAST(`%s` AS BINARY)), 'NULL')", n);
			else
				rpl_sbuf_addf(&q, " || '|' || quote(\"%s\") || typeof(\"%s\")", n, n);
		}
		rpl_sbuf_addf(&q, "%s FROM %s ORDER BY id", e == IT_MARIADB ? ")" : "", t->name);
	}
	char *s = rows_text(c, rpl_sbuf_str(&q));
	rpl_sbuf_fini(&q);
	return s;
}

START_TEST(test_same_engine)
{
	int e = _i;
	const char *table = table_of[e];
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[e], it_engine_names[e]);
	struct rpl_conn src, dst;
	it_connect(&src, e, "src");
	it_connect(&dst, e, "dst");
	for (const char *const *q = corpus_of[e]; *q != NULL; q++)
		it_exec(&src, *q);
	drop_target(&dst, e, table);
	copy_created(&src, &dst, table, what);
	struct rpl_table st, dt;
	read_catalog(&src, table, &st);
	read_catalog(&dst, table, &dt);
	ck_assert_int_eq(st.ncols, dt.ncols);
	for (size_t i = 0; i < st.ncols; i++) {
		ck_assert_msg(st.cols[i].decl[0] != '\0', "%s: no declared type read for %s", what, st.cols[i].name);
		ck_assert_msg(strcmp(st.cols[i].decl, dt.cols[i].decl) == 0, "%s: column %s is %s in the target, %s in the source",
		              what, st.cols[i].name, dt.cols[i].decl, st.cols[i].decl);
	}
	char *a = native_rows(&src, e, &st), *b = native_rows(&dst, e, &dt);
	ck_assert_msg(strcmp(a, b) == 0, "%s: values differ\nsource:\n%s\ntarget:\n%s", what, a, b);
	free(a);
	free(b);
	check_indexes(&dst, e, e, table, what);
	if (e == IT_PG) {   /* the types came along: labels in order, the domains' constraints */
		const char *labels = "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum"
		                     " WHERE enumtypid = 'ct_mood'::regtype";
		a = rows_text(&src, labels);
		b = rows_text(&dst, labels);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
		ck_assert_msg(it_exec_ok(&dst, "INSERT INTO ct_pg (id, price) VALUES (100, -1)") < 0, "domain CHECK lost");
		ck_assert_msg(it_exec_ok(&dst, "INSERT INTO ct_pg (id, price, code) VALUES (101, 1, 'abc')") < 0,
		              "text domain CHECK lost");
	}
	if (e == IT_SQLITE) {   /* id 9 in the third row: only the rowid itself has rowid 9 there */
		a = rows_text(&dst, "SELECT count(*) FROM ct_lite WHERE rowid = id");
		ck_assert_msg(strcmp(a, "3\n") == 0, "INTEGER PRIMARY KEY is not the rowid: %s", a);
		free(a);
	}
	rpl_table_fini(&st);
	rpl_table_fini(&dt);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* the target types docs/engines.md names, as each target's catalog spells them
 * (MariaDB's text types are followed by their character set and collation) */
static const struct { int src, dst; const char *col, *type; } cross_types[] = {
	{ IT_PG, IT_MARIADB, "mood", "varchar(63)" }, { IT_PG, IT_MARIADB, "moods", "longtext" },
	{ IT_PG, IT_MARIADB, "tags", "longtext" }, { IT_PG, IT_MARIADB, "jb", "longtext" },
	{ IT_PG, IT_MARIADB, "iv", "longtext" }, { IT_PG, IT_MARIADB, "ip", "varchar(43)" },
	{ IT_PG, IT_MARIADB, "mac", "varchar(17)" }, { IT_PG, IT_MARIADB, "m", "decimal(19,2)" },
	{ IT_PG, IT_MARIADB, "vb", "varchar(10)" }, { IT_PG, IT_MARIADB, "x", "longtext" },
	{ IT_PG, IT_MARIADB, "c20", "varchar(20)" }, { IT_PG, IT_MARIADB, "r", "double" },
	{ IT_PG, IT_MARIADB, "tz", "datetime(6)" }, { IT_PG, IT_MARIADB, "ttz", "varchar(24)" },
	{ IT_PG, IT_MARIADB, "u", "char(36)" }, { IT_PG, IT_MARIADB, "vu", "longtext" },
	{ IT_PG, IT_MARIADB, "price", "decimal(10,2)" }, { IT_PG, IT_MARIADB, "code", "longtext" },
	{ IT_PG, IT_MARIADB, "o", "bigint(20)" }, { IT_PG, IT_MARIADB, "rng", "longtext" },
	{ IT_PG, IT_MARIADB, "na", "longtext" }, { IT_PG, IT_MARIADB, "m8", "varchar(23)" },
	{ IT_PG, IT_SQLITE, "mood", "VARCHAR(63)" }, { IT_PG, IT_SQLITE, "tags", "TEXT" },
	{ IT_PG, IT_SQLITE, "iv", "TEXT" }, { IT_PG, IT_SQLITE, "m", "DECIMAL_TEXT(19,2)" },
	{ IT_PG, IT_SQLITE, "r", "DOUBLE" }, { IT_PG, IT_SQLITE, "tz", "TIMESTAMP" },
	{ IT_MARIADB, IT_PG, "e", "character varying(6)" }, { IT_MARIADB, IT_PG, "s", "character varying(5)" },
	{ IT_MARIADB, IT_PG, "y", "smallint" }, { IT_MARIADB, IT_PG, "b1", "boolean" },
	{ IT_MARIADB, IT_PG, "b64", "bytea" }, { IT_MARIADB, IT_PG, "ti", "smallint" },
	{ IT_MARIADB, IT_PG, "ii", "bigint" }, { IT_MARIADB, IT_PG, "bi", "numeric(20,0)" },
	{ IT_MARIADB, IT_PG, "ts", "timestamp(3) without time zone" }, { IT_MARIADB, IT_PG, "ch", "character varying(10)" },
	{ IT_MARIADB, IT_PG, "g", "bytea" }, { IT_MARIADB, IT_PG, "f", "real" }, { IT_MARIADB, IT_PG, "js", "text" },
	{ IT_MARIADB, IT_PG, "t6", "interval" }, { IT_MARIADB, IT_PG, "uu", "uuid" }, { IT_MARIADB, IT_PG, "i6", "character varying(39)" },
	{ IT_MARIADB, IT_SQLITE, "uu", "VARCHAR(36)" }, { IT_MARIADB, IT_SQLITE, "i6", "VARCHAR(39)" },
	{ IT_MARIADB, IT_SQLITE, "e", "VARCHAR(6)" }, { IT_MARIADB, IT_SQLITE, "y", "SMALLINT" },
	{ IT_MARIADB, IT_SQLITE, "g", "BLOB" }, { IT_MARIADB, IT_SQLITE, "f", "DOUBLE" },
	{ IT_SQLITE, IT_PG, "id", "bigint" }, { IT_SQLITE, IT_PG, "name", "character varying(50)" },
	{ IT_SQLITE, IT_PG, "price", "numeric(10,2)" }, { IT_SQLITE, IT_PG, "ok", "boolean" },
	{ IT_SQLITE, IT_MARIADB, "id", "bigint(20)" }, { IT_SQLITE, IT_MARIADB, "name", "varchar(50)" },
	{ IT_SQLITE, IT_MARIADB, "price", "decimal(10,2)" }, { IT_SQLITE, IT_MARIADB, "at", "datetime(6)" },
};

/* same_type: decl is want, or want followed by a space (a character set) */
static bool
same_type(const char *decl, const char *want)
{
	size_t n = strlen(want);
	return strncasecmp(decl, want, n) == 0 && (decl[n] == '\0' || decl[n] == ' ');
}

/* single-precision source columns: compared as the float they hold (the reader
 * parses each engine's shortest text of it, which as a double differs) */
static bool
is_float4(int s, const char *col)
{
	return (s == IT_PG && strcmp(col, "r") == 0) || (s == IT_MARIADB && strcmp(col, "f") == 0);
}

/* same_duration: two spellings of one duration, "12:00:00.500000" and "12:00:00.5"
 * (PostgreSQL's interval prints no trailing zeros) */
static bool
same_duration(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y);
	if (strchr(x, '.') != NULL)
		while (nx > 0 && (x[nx - 1] == '0' || x[nx - 1] == '.'))
			if (x[--nx] == '.')
				break;
	if (strchr(y, '.') != NULL)
		while (ny > 0 && (y[ny - 1] == '0' || y[ny - 1] == '.'))
			if (y[--ny] == '.')
				break;
	return nx == ny && strncmp(x, y, nx) == 0;
}

static void
compare_cross(const struct it_dump *a, const struct it_dump *b, int s, const char *what)
{
	ck_assert_int_eq(a->nrows, b->nrows);
	for (size_t c = 0; c < a->ncols; c++)
		for (size_t r = 0; r < a->nrows; r++) {
			const char *x = a->rows[r][c], *y = it_dump_get(b, r, a->cols[c]);
			/* psqlODBC prints a uuid in capitals, PostgreSQL (and the copy) in small letters */
			bool uuid = (s == IT_PG && strcmp(a->cols[c], "u") == 0) || strcmp(a->cols[c], "uu") == 0;
			bool same = uuid ? strcasecmp(x, y) == 0 : strcmp(x, y) == 0;
			if (!same && s == IT_MARIADB && strcmp(a->cols[c], "t6") == 0)
				same = same_duration(x, y);
			if (!same && is_float4(s, a->cols[c]) && strncmp(x, "f:", 2) == 0 && strncmp(y, "f:", 2) == 0)
				same = (float)strtod(x + 2, NULL) == (float)strtod(y + 2, NULL);
			ck_assert_msg(same, "%s: row %zu column %s: source %.80s, target %.80s", what, r, a->cols[c], x, y);
		}
}

START_TEST(test_cross_engine)
{
	int s = _i / IT_NENGINES, d = _i % IT_NENGINES;
	if (s == d)
		return;   /* test_same_engine */
	const char *table = table_of[s];
	char what[64];
	snprintf(what, sizeof what, "%s -> %s", it_engine_names[s], it_engine_names[d]);
	struct rpl_conn src, dst;
	it_connect(&src, s, "src");
	it_connect(&dst, d, "dst");
	for (const char *const *q = corpus_of[s]; *q != NULL; q++)
		it_exec(&src, *q);
	drop_target(&dst, d, table);
	copy_created(&src, &dst, table, what);
	struct rpl_table dt;
	read_catalog(&dst, table, &dt);
	int checked = 0;
	for (size_t i = 0; i < sizeof cross_types / sizeof cross_types[0]; i++) {
		if (cross_types[i].src != s || cross_types[i].dst != d)
			continue;
		const struct rpl_column *c = rpl_table_find(&dt, cross_types[i].col);
		ck_assert_msg(c != NULL, "%s: no column %s", what, cross_types[i].col);
		ck_assert_msg(same_type(c->decl, cross_types[i].type), "%s: column %s is %s, docs/engines.md says %s", what,
		              c->name, c->decl, cross_types[i].type);
		checked++;
	}
	ck_assert_int_gt(checked, 3);
	check_indexes(&dst, s, d, table, what);
	struct it_dump a, b;
	it_dump_table(&src, s == IT_PG ? "ct_pg_cmp" : table, "id", &a);
	it_dump_table(&dst, table, "id", &b);
	compare_cross(&a, &b, s, what);
	it_dump_free(&a);
	it_dump_free(&b);
	rpl_table_fini(&dt);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* PostgreSQL: an enum the target already has is kept (never replaced), and when
 * its labels or their order differ from the source's a warning names it; the
 * domains still missing are created, and every value arrives. */
START_TEST(test_pg_existing_enum)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_PG, "src");
	it_connect(&dst, IT_PG, "dst");
	for (const char *const *q = pg_corpus; *q != NULL; q++)
		it_exec(&src, *q);
	drop_target(&dst, IT_PG, "ct_pg");
	it_exec(&dst, "CREATE TYPE ct_mood AS ENUM ('ok', 'sad', 'happy', 'it''s')");
	copy_created(&src, &dst, "ct_pg", "existing enum");
	ck_assert_msg(strstr(warnings, "type public.ct_mood:") != NULL, "no warning for the reordered enum: %s", warnings);
	char *a = rows_text(&dst, "SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum"
	                          " WHERE enumtypid = 'ct_mood'::regtype");
	ck_assert_str_eq(a, "ok,sad,happy,it's\n");
	free(a);
	a = rows_text(&src, "SELECT string_agg(mood::text, ',' ORDER BY id) FROM ct_pg");
	char *b = rows_text(&dst, "SELECT string_agg(mood::text, ',' ORDER BY id) FROM ct_pg");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	/* the same labels in the same order: nothing to say */
	drop_target(&dst, IT_PG, "ct_pg");
	it_exec(&dst, "CREATE TYPE ct_mood AS ENUM ('sad', 'ok', 'happy', 'it''s')");
	copy_created(&src, &dst, "ct_pg", "existing enum, same labels");
	ck_assert_msg(strstr(warnings, "ct_mood") == NULL, "warned of an identical enum: %s", warnings);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* A MariaDB ENUM whose declaration is longer than replicad keeps (1 KiB): the
 * created column is the cross-engine varchar, never a cut declaration, and every
 * value arrives. */
START_TEST(test_long_enum)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_MARIADB, "dst");
	struct rpl_sbuf q = RPL_SBUF_INIT;
	rpl_sbuf_add(&q, "CREATE TABLE ct_enum (id int PRIMARY KEY, e ENUM(");
	for (int i = 0; i < 120; i++)
		rpl_sbuf_addf(&q, "%s'label_number_%03d'", i ? "," : "", i);
	rpl_sbuf_add(&q, ")) ENGINE=InnoDB");
	it_exec(&src, "DROP TABLE IF EXISTS ct_enum");
	it_exec(&src, rpl_sbuf_str(&q));
	rpl_sbuf_fini(&q);
	it_exec(&src, "INSERT INTO ct_enum VALUES (1, 'label_number_000'), (2, 'label_number_119'), (3, NULL)");
	drop_target(&dst, IT_MARIADB, "ct_enum");
	copy_created(&src, &dst, "ct_enum", "long enum");
	char *t = rows_text(&dst, "SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
	                          " AND TABLE_NAME = 'ct_enum' AND COLUMN_NAME = 'e'");
	ck_assert_str_eq(t, "varchar(16)\n");
	free(t);
	char *a = rows_text(&src, "SELECT CONCAT(id, ':', COALESCE(e, 'NULL')) FROM ct_enum ORDER BY id");
	char *b = rows_text(&dst, "SELECT CONCAT(id, ':', COALESCE(e, 'NULL')) FROM ct_enum ORDER BY id");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

/* The runner (replicad run) wires it up: the indexes of a table it created are
 * built once its load is done, and none is left saved. */
static const char *replicad_bin;

START_TEST(test_runner_builds_indexes)
{
	struct rpl_conn src, dst;
	it_connect(&src, IT_MARIADB, "src");
	it_connect(&dst, IT_PG, "dst");
	for (const char *const *q = my_corpus; *q != NULL; q++)
		it_exec(&src, *q);
	drop_target(&dst, IT_PG, "ct_my");
	const char *cfg = it_write_config("created_types.json", getenv("RPL_TEST_MARIADB_SRC"), getenv("RPL_TEST_PG_DST"),
	                                  "ct_my", NULL, "{\"create_missing_tables\": true, \"disable_indexes\": false}");
	pid_t pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(replicad_bin, "replicad", "-c", cfg, "run", "ct_my", "--full", (char *)NULL);
		_exit(127);
	}
	ck_assert_int_eq(it_wait_replicad(pid), 0);
	char q[1024];
	char *got = rows_text(&dst, index_query(IT_PG, "ct_my", q, sizeof q));
	char want[512];
	snprintf(want, sizeof want, "%s\n", want_indexes[IT_MARIADB][IT_PG]);
	ck_assert_msg(strcmp(got, want) == 0, "indexes %s, want %s", got, want);
	free(got);
	got = rows_text(&dst, "SELECT count(*) FROM replicad_indexes WHERE table_name = 'ct_my'");
	ck_assert_msg(strcmp(got, "0\n") == 0, "%s index definitions left saved", got);
	free(got);
	got = rows_text(&dst, "SELECT count(*) FROM ct_my");
	ck_assert_str_eq(got, "3\n");
	free(got);
	rpl_conn_close(&src);
	rpl_conn_close(&dst);
}
END_TEST

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_created_types /path/to/replicad\n");
		return 2;
	}
	replicad_bin = argv[1];
	Suite *s = suite_create("created_types");
	TCase *tc = tcase_create("created_types");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_same_engine, 0, IT_NENGINES);
	tcase_add_loop_test(tc, test_cross_engine, 0, IT_NENGINES * IT_NENGINES);
	tcase_add_test(tc, test_runner_builds_indexes);
	tcase_add_test(tc, test_long_enum);
	tcase_add_test(tc, test_pg_existing_enum);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
