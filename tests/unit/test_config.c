/* tests/unit/test_config.c: replicad.json validation (lib/util/config.h). Mistakes are a
 * table of JSON texts and the exact message each must give, so a message that stops
 * naming its key path or line:col goes red. Files live in a fresh temp dir per test;
 * the password tests also check that the password never reaches err.msg. */
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"

#define PASSWORD "s3cr3t-Pa55"

static char dir[64], cfgpath[128];

static void
put(const char *rel, const char *content)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "w");
	ck_assert_msg(f != NULL, "cannot create %s", path);
	fputs(content, f);
	fclose(f);
	chmod(path, 0600);     /* password files must be private to us (lib/util/infile.c) */
}

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/rpl-config-XXXXXX");
	ck_assert(mkdtemp(dir) != NULL);
	snprintf(cfgpath, sizeof cfgpath, "%s/replicad.json", dir);
	put("source.pw", PASSWORD "\n");
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* load writes json as DIR/replicad.json and loads it, as the daemon would. */
static int
load(const char *json, struct rpl_config *cfg, struct rpl_err *err)
{
	put("replicad.json", json);
	return rpl_config_load(cfgpath, cfg, err);
}

/* The example of docs/configuration.md, with a password file we can create. */
static const char design_example[] =
	"{\n"
	"  \"source\": { \"odbc\": \"Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=5432;Database=prod;Uid=replicad\",\n"
	"              \"password_file\": \"source.pw\" },\n"
	"  \"target\": { \"odbc\": \"Driver=SQLite3;Database=/var/lib/replicad/replica.db\" },\n"
	"  \"tables\": [\n"
	"    { \"name\": \"sales\", \"date_column\": \"sale_date\" },\n"
	"    { \"name\": \"public.currency\", \"target\": \"currency\" }\n"
	"  ],\n"
	"  \"schedule\": { \"t1_at\": \"02:00\", \"t0_every\": \"15m\", \"reference_at\": \"03:30\", \"timezone\": \"Europe/Amsterdam\" },\n"
	"  \"load\": { \"workers\": 4, \"workers_per_table\": 2, \"chunk_bytes\": \"4MiB\", \"commit_rows\": 100000,\n"
	"            \"max_attempts\": 5, \"disable_indexes\": true, \"create_missing_tables\": true,\n"
	"            \"table_lock\": false },\n"
	"  \"values\": { \"placeholder_dates\": [\"0001-01-01\"], \"truncate_strings\": false },\n"
	"  \"state_dir\": \"/var/lib/replicad\",\n"
	"  \"socket\": \"/run/replicad/replicad.sock\"\n"
	"}\n";

START_TEST(test_design_example)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load(design_example, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.path, cfgpath);
	ck_assert_str_eq(cfg.source.odbc, "Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=5432;Database=prod;Uid=replicad");
	ck_assert_str_eq(cfg.source.password_file, "source.pw");
	ck_assert_str_eq(cfg.source.password, PASSWORD);   /* read relative to the config's dir */
	ck_assert_str_eq(cfg.target.odbc, "Driver=SQLite3;Database=/var/lib/replicad/replica.db");
	ck_assert_ptr_null(cfg.target.password_file);
	ck_assert_ptr_null(cfg.target.password);
	ck_assert_uint_eq(cfg.n_tables, 2);
	ck_assert_ptr_null(cfg.tables[0].schema);
	ck_assert_str_eq(cfg.tables[0].name, "sales");
	ck_assert_str_eq(cfg.tables[0].date_column, "sale_date");
	ck_assert_str_eq(cfg.tables[0].target, "sales");
	ck_assert_ptr_null(cfg.tables[0].target_schema);
	ck_assert_str_eq(cfg.tables[1].schema, "public");
	ck_assert_str_eq(cfg.tables[1].name, "currency");
	ck_assert_str_eq(cfg.tables[1].target, "currency");
	ck_assert_ptr_null(cfg.tables[1].target_schema);
	ck_assert_ptr_null(cfg.tables[1].date_column);
	ck_assert_int_eq(cfg.schedule.t1_at_min, 120);
	ck_assert_int_eq(cfg.schedule.t0_every_s, 900);
	ck_assert_int_eq(cfg.schedule.reference_at_min, 210);
	ck_assert_str_eq(cfg.schedule.timezone, "Europe/Amsterdam");   /* needs tzdata */
	ck_assert_int_eq(cfg.load.workers, 4);
	ck_assert_int_eq(cfg.load.workers_per_table, 2);
	ck_assert_int_eq(cfg.load.chunk_bytes, 4 << 20);
	ck_assert_int_eq(cfg.load.commit_rows, 100000);
	ck_assert_int_eq(cfg.load.max_attempts, 5);
	ck_assert(cfg.load.disable_indexes);
	ck_assert(cfg.load.create_missing_tables);
	ck_assert(!cfg.load.table_lock);
	ck_assert_str_eq(cfg.load.bulk, "auto");
	ck_assert_uint_eq(cfg.values.n_placeholder_dates, 1);
	ck_assert_str_eq(cfg.values.placeholder_dates[0], "0001-01-01");
	ck_assert(!cfg.values.truncate_strings);
	ck_assert_str_eq(cfg.state_dir, "/var/lib/replicad");
	ck_assert_str_eq(cfg.socket, "/run/replicad/replicad.sock");
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "sales"), &cfg.tables[0]);
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "public.currency"), &cfg.tables[1]);
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "currency"), &cfg.tables[1]);
	ck_assert_ptr_null(rpl_config_find_table(&cfg, "other.currency"));
	ck_assert_ptr_null(rpl_config_find_table(&cfg, "sale"));
	rpl_config_fini(&cfg);
}
END_TEST

#define SRC "\"source\": {\"odbc\": \"DSN=s\"}"
#define TGT "\"target\": {\"odbc\": \"DSN=t\"}"
#define TBL "\"tables\": [{\"name\": \"sales\"}]"
#define BASE SRC ", " TGT ", " TBL

/* Every default, as config.h and rpl_config_keys document it. */
START_TEST(test_verify_at)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{" BASE ", \"schedule\": {\"t1_at\": \"02:00\", \"verify_at\": \"05:15\"}}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_int_eq(cfg.schedule.verify_at_min, 5 * 60 + 15);
	rpl_config_fini(&cfg);
}
END_TEST

START_TEST(test_defaults)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{" BASE "}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_ptr_null(cfg.source.password_file);
	ck_assert_ptr_null(cfg.source.password);
	ck_assert_int_eq(cfg.schedule.t1_at_min, 2 * 60);
	ck_assert_int_eq(cfg.schedule.t0_every_s, 15 * 60);
	ck_assert_int_eq(cfg.schedule.reference_at_min, 3 * 60 + 30);
	ck_assert_int_eq(cfg.schedule.verify_at_min, -1);   /* no scheduled verify */
	ck_assert_str_eq(cfg.schedule.timezone, "UTC");
	ck_assert_int_eq(cfg.load.workers, 4);
	ck_assert_int_eq(cfg.load.workers_per_table, 2);
	ck_assert_int_eq(cfg.load.chunk_bytes, 4 << 20);
	ck_assert_int_eq(cfg.load.commit_rows, 100000);
	ck_assert_int_eq(cfg.load.max_attempts, 5);
	ck_assert(cfg.load.disable_indexes);
	ck_assert(!cfg.load.create_missing_tables);
	ck_assert(!cfg.load.table_lock);
	ck_assert_str_eq(cfg.load.bulk, "auto");
	ck_assert_uint_eq(cfg.values.n_placeholder_dates, 1);
	ck_assert_str_eq(cfg.values.placeholder_dates[0], "0001-01-01");
	ck_assert(!cfg.values.truncate_strings);
	ck_assert_str_eq(cfg.state_dir, "/var/lib/replicad");
	ck_assert_str_eq(cfg.socket, "/run/replicad/replicad.sock");
	ck_assert_ptr_null(cfg.tables[0].schema);
	ck_assert_str_eq(cfg.tables[0].target, "sales");
	ck_assert_ptr_null(cfg.tables[0].target_schema);
	ck_assert_ptr_null(cfg.tables[0].date_column);
	ck_assert_uint_eq(cfg.tables[0].map.n_exclude, 0);
	ck_assert_uint_eq(cfg.tables[0].map.n_rename, 0);
	ck_assert(!cfg.tables[0].map.add_new_columns);
	ck_assert(cfg.tables[0].inherited);
	ck_assert(!cfg.cluster.on);   /* claims are on anyway; the node is the host, the lease 30s */
	ck_assert_ptr_null(cfg.cluster.node);
	ck_assert_int_eq(cfg.cluster.lease_s, 30);
	rpl_config_fini(&cfg);
}
END_TEST

/* "cluster" (issue #20): present, even empty, turns cluster mode on */
START_TEST(test_cluster)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(load("{" BASE ", \"cluster\": {}}", &cfg, &err) == 0, "%s", err.msg);
	ck_assert(cfg.cluster.on);
	ck_assert_ptr_null(cfg.cluster.node);
	ck_assert_int_eq(cfg.cluster.lease_s, 30);
	rpl_config_fini(&cfg);
	ck_assert_msg(load("{" BASE ", \"cluster\": {\"node\": \"db-loader-2\", \"lease\": \"2s\"}}", &cfg, &err) == 0, "%s",
	              err.msg);
	ck_assert(cfg.cluster.on);
	ck_assert_str_eq(cfg.cluster.node, "db-loader-2");
	ck_assert_int_eq(cfg.cluster.lease_s, 2);
	rpl_config_fini(&cfg);
}
END_TEST

/* A table's column mapping, as written (issue #15). */
START_TEST(test_mapping)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{" SRC ", " TGT ", \"tables\": [{\"name\": \"a\"}, {\"name\": \"film\","
	             " \"exclude\": [\"fulltext\", \"notes\"], \"columns\": {\"title\": \"film_title\", \"len\": \"length\"},"
	             " \"add_new_columns\": true, \"inherited\": false}]}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	const struct rpl_colmap *m = &cfg.tables[1].map;
	ck_assert_str_eq(m->where, "tables[1]");
	ck_assert_uint_eq(m->n_exclude, 2);
	ck_assert_str_eq(m->exclude[0], "fulltext");
	ck_assert_str_eq(m->exclude[1], "notes");
	ck_assert_uint_eq(m->n_rename, 2);
	ck_assert_str_eq(rpl_colmap_target_name(m, "title"), "film_title");
	ck_assert_str_eq(rpl_colmap_target_name(m, "LEN"), "length");
	ck_assert_str_eq(rpl_colmap_target_name(m, "rating"), "rating");
	ck_assert(m->add_new_columns);
	ck_assert(!cfg.tables[1].inherited);
	ck_assert(!cfg.tables[0].map.add_new_columns);
	rpl_config_fini(&cfg);
}
END_TEST

/* Less common spellings that must be accepted. */
START_TEST(test_valid_variants)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{" SRC ", " TGT ", \"tables\": ["
	             "{\"name\": \"a.b\", \"schema\": \"s\"},"                 /* dot kept: schema given apart */
	             "{\"name\": \"c\", \"target\": \"dbo.C\"},"               /* target split */
	             "{\"name\": \"d\", \"target\": \"x.y\", \"target_schema\": \"ts\"}],"
	             "\"schedule\": {\"t0_every\": \"0\", \"timezone\": \"UTC\"},"
	             "\"load\": {\"workers\": 1, \"chunk_bytes\": 65536, \"bulk\": \"odbc\"},"
	             "\"values\": {\"placeholder_dates\": []}}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.tables[0].schema, "s");
	ck_assert_str_eq(cfg.tables[0].name, "a.b");
	ck_assert_str_eq(cfg.tables[0].target, "a.b");
	ck_assert_str_eq(cfg.tables[1].target_schema, "dbo");
	ck_assert_str_eq(cfg.tables[1].target, "C");
	ck_assert_str_eq(cfg.tables[2].target_schema, "ts");
	ck_assert_str_eq(cfg.tables[2].target, "x.y");
	ck_assert_int_eq(cfg.schedule.t0_every_s, 0);
	ck_assert_int_eq(cfg.load.workers, 1);
	ck_assert_int_eq(cfg.load.workers_per_table, 1);   /* default 2 capped at workers */
	ck_assert_int_eq(cfg.load.chunk_bytes, 65536);
	ck_assert_str_eq(cfg.load.bulk, "odbc");
	ck_assert_uint_eq(cfg.values.n_placeholder_dates, 0);
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "s.a.b"), &cfg.tables[0]);
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "a.b"), &cfg.tables[0]);
	rpl_config_fini(&cfg);

	r = load("{" BASE ", \"schedule\": {\"t0_every\": 5400}, \"load\": {\"chunk_bytes\": \"1GiB\","
	         " \"workers\": 256, \"workers_per_table\": 256, \"max_attempts\": 100}}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_int_eq(cfg.schedule.t0_every_s, 5400);
	ck_assert_int_eq(cfg.load.chunk_bytes, 1 << 30);
	ck_assert_int_eq(cfg.load.workers_per_table, 256);
	rpl_config_fini(&cfg);
}
END_TEST

/* A bare name that two schemas share names neither: the caller must qualify it. */
START_TEST(test_find_table_ambiguous)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{" SRC ", " TGT ", \"tables\": [{\"name\": \"a.sales\"}, {\"name\": \"b.sales\"}]}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_ptr_null(rpl_config_find_table(&cfg, "sales"));
	ck_assert_ptr_eq(rpl_config_find_table(&cfg, "b.sales"), &cfg.tables[1]);
	rpl_config_fini(&cfg);
}
END_TEST

#define A10 "aaaaaaaaaa"
/* want: the whole message after the file name; prefix: only its start must match
 * (jansson's own wording after line:col is not ours to pin). */
static const struct { const char *json, *want; bool prefix; } mistakes[] = {
	/* missing keys */
	{ "{" TGT ", " TBL "}", ": source: missing required key, expected an object like {\"odbc\": \"DSN=name\"}", false },
	{ "{" SRC ", " TBL "}", ": target: missing required key, expected an object like {\"odbc\": \"DSN=name\"}", false },
	{ "{\"source\": {}, " TGT ", " TBL "}",
	  ": source.odbc: missing required key, expected an ODBC connection string like \"DSN=name\"", false },
	{ "{" SRC ", " TGT "}",
	  ": tables: missing required key, expected a non-empty array of tables like [{\"name\": \"sales\"}]", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"date_column\": \"d\"}]}",
	  ": tables[0].name: missing required key, expected a table name \"[schema.]table\"", false },
	/* wrong types and values */
	{ "[1]", ": expected an object at the top level, got an array", false },
	{ "{" SRC ", " TGT ", \"tables\": []}",
	  ": tables: expected a non-empty array of tables like [{\"name\": \"sales\"}], got an empty array", false },
	{ "{" SRC ", " TGT ", \"tables\": {\"name\": \"sales\"}}",
	  ": tables: expected a non-empty array of tables like [{\"name\": \"sales\"}], got an object", false },
	{ "{" SRC ", " TGT ", \"tables\": [\"sales\"]}",
	  ": tables[0]: expected an object like {\"name\": \"sales\"}, got \"sales\"", false },
	{ "{\"source\": \"DSN=x\", " TGT ", " TBL "}",
	  ": source: expected an object like {\"odbc\": \"DSN=name\"}, got \"DSN=x\"", false },
	{ "{\"source\": {\"odbc\": 42}, " TGT ", " TBL "}",
	  ": source.odbc: expected an ODBC connection string like \"DSN=name\", got 42", false },
	{ "{" SRC ", \"target\": {\"odbc\": \"\"}, " TBL "}",
	  ": target.odbc: expected an ODBC connection string like \"DSN=name\", got \"\"", false },
	{ "{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": 7}, " TGT ", " TBL "}",
	  ": source.password_file: expected a file path, got 7", false },
	{ "{" BASE ", \"load\": {\"workers\": \"4\"}}", ": load.workers: expected an integer from 1 to 256, got \"4\"", false },
	{ "{" BASE ", \"load\": {\"workers\": 0}}", ": load.workers: expected an integer from 1 to 256, got 0", false },
	{ "{" BASE ", \"load\": {\"workers\": 257}}", ": load.workers: expected an integer from 1 to 256, got 257", false },
	{ "{" BASE ", \"load\": {\"workers\": 4.0}}", ": load.workers: expected an integer from 1 to 256, got 4.0", false },
	{ "{" BASE ", \"load\": {\"workers_per_table\": 5}}",
	  ": load.workers_per_table: expected an integer from 1 to load.workers (4), got 5", false },
	{ "{" BASE ", \"load\": {\"workers\": 2, \"workers_per_table\": 3}}",
	  ": load.workers_per_table: expected an integer from 1 to load.workers (2), got 3", false },
	{ "{" BASE ", \"load\": {\"commit_rows\": 0}}", ": load.commit_rows: expected an integer >= 1, got 0", false },
	{ "{" BASE ", \"load\": {\"max_attempts\": 101}}",
	  ": load.max_attempts: expected an integer from 1 to 100, got 101", false },
	{ "{" BASE ", \"load\": {\"disable_indexes\": \"yes\"}}",
	  ": load.disable_indexes: expected true or false, got \"yes\"", false },
	{ "{" BASE ", \"load\": {\"table_lock\": null}}", ": load.table_lock: expected true or false, got null", false },
	{ "{" BASE ", \"load\": {\"bulk\": \"fast\"}}", ": load.bulk: expected \"auto\" or \"odbc\", got \"fast\"", false },
	{ "{" BASE ", \"cluster\": {\"lease\": \"0s\"}}", ": cluster.lease: expected a duration from 1s to 24h, got 0s", false },
	{ "{" BASE ", \"cluster\": {\"node\": \"\"}}",
	  ": cluster.node: expected a node name of 1 to 255 printable characters, got \"\"", false },
	{ "{" BASE ", \"cluster\": {\"node\": \"a\\nb\"}}",
	  ": cluster.node: expected a node name of 1 to 255 printable characters, got \"a\nb\"", false },
	{ "{" BASE ", \"cluster\": true}", ": cluster: expected an object, got true", false },
	{ "{" BASE ", \"cluster\": {\"nodes\": \"a\"}}", ": cluster.nodes: unknown key (did you mean node?)", false },
	/* sizes */
	{ "{" BASE ", \"load\": {\"chunk_bytes\": \"4 MB\"}}",
	  ": load.chunk_bytes: expected a size like \"4MiB\" or \"512k\", got \"4 MB\"", false },
	{ "{" BASE ", \"load\": {\"chunk_bytes\": -1}}",
	  ": load.chunk_bytes: expected a size like \"4MiB\" or \"512k\", got -1", false },
	{ "{" BASE ", \"load\": {\"chunk_bytes\": true}}",
	  ": load.chunk_bytes: expected a size like \"4MiB\" or \"512k\", got true", false },
	{ "{" BASE ", \"load\": {\"chunk_bytes\": \"32k\"}}",
	  ": load.chunk_bytes: expected a size from 64KiB to 1GiB, got \"32k\"", false },
	{ "{" BASE ", \"load\": {\"chunk_bytes\": 2147483648}}",
	  ": load.chunk_bytes: expected a size from 64KiB to 1GiB, got 2147483648", false },
	/* durations, times, zones, dates */
	{ "{" BASE ", \"schedule\": {\"t0_every\": \"15 minutes\"}}",
	  ": schedule.t0_every: expected a duration in whole seconds like \"15m\" or \"1h30m\" (\"0\" disables), got \"15 minutes\"", false },
	{ "{" BASE ", \"schedule\": {\"t0_every\": \"1500ms\"}}",
	  ": schedule.t0_every: expected a duration in whole seconds like \"15m\" or \"1h30m\" (\"0\" disables), got \"1500ms\"", false },
	{ "{" BASE ", \"schedule\": {\"t0_every\": -1}}",
	  ": schedule.t0_every: expected a duration in whole seconds like \"15m\" or \"1h30m\" (\"0\" disables), got -1", false },
	{ "{" BASE ", \"schedule\": {\"t1_at\": \"2:00\"}}",
	  ": schedule.t1_at: expected a time of day \"HH:MM\" from \"00:00\" to \"23:59\", got \"2:00\"", false },
	{ "{" BASE ", \"schedule\": {\"reference_at\": \"24:00\"}}",
	  ": schedule.reference_at: expected a time of day \"HH:MM\" from \"00:00\" to \"23:59\", got \"24:00\"", false },
	{ "{" BASE ", \"schedule\": {\"verify_at\": \"5h\"}}",
	  ": schedule.verify_at: expected a time of day \"HH:MM\" from \"00:00\" to \"23:59\", got \"5h\"", false },
	{ "{" BASE ", \"schedule\": {\"reference_at\": 330}}",
	  ": schedule.reference_at: expected a time of day \"HH:MM\" from \"00:00\" to \"23:59\", got 330", false },
	{ "{" BASE ", \"schedule\": {\"timezone\": \"Mars/Olympus\"}}",
	  ": schedule.timezone: expected an IANA time zone like \"Europe/Amsterdam\" or \"UTC\", got \"Mars/Olympus\"", false },
	{ "{" BASE ", \"schedule\": {\"timezone\": \"../../../../etc/passwd\"}}",
	  ": schedule.timezone: expected an IANA time zone like \"Europe/Amsterdam\" or \"UTC\", got \"../../../../etc/passwd\"", false },
	{ "{" BASE ", \"schedule\": \"daily\"}", ": schedule: expected an object, got \"daily\"", false },
	{ "{" BASE ", \"values\": {\"placeholder_dates\": [\"0001-01-01\", \"2023-02-29\"]}}",
	  ": values.placeholder_dates[1]: expected a date \"YYYY-MM-DD\" like \"0001-01-01\", got \"2023-02-29\"", false },
	{ "{" BASE ", \"values\": {\"placeholder_dates\": \"0001-01-01\"}}",
	  ": values.placeholder_dates: expected an array of dates like [\"0001-01-01\"], got \"0001-01-01\"", false },
	{ "{" BASE ", \"values\": {\"truncate_strings\": 1}}", ": values.truncate_strings: expected true or false, got 1", false },
	{ "{" BASE ", \"state_dir\": null}", ": state_dir: expected a directory path, got null", false },
	{ "{" BASE ", \"socket\": \"/run/" A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 A10 "\"}",
	  ": socket: expected a socket path shorter than 108 bytes, got \"/run/" A10 A10 A10 A10 A10 "aaaaa...\"", false },
	/* table names */
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"a.b.c\"}]}",
	  ": tables[0].name: expected \"[schema.]table\" (give \"schema\" apart when a name holds a dot), got \"a.b.c\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \".sales\"}]}",
	  ": tables[0].name: expected \"[schema.]table\" (give \"schema\" apart when a name holds a dot), got \".sales\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"public.\"}]}",
	  ": tables[0].name: expected \"[schema.]table\" (give \"schema\" apart when a name holds a dot), got \"public.\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"target\": \"x.y.z\"}]}",
	  ": tables[0].target: expected \"[schema.]table\" (give \"target_schema\" apart when a name holds a dot), got \"x.y.z\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"schema\": \"\"}]}",
	  ": tables[0].schema: expected a schema name, got \"\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"date_column\": 5}]}",
	  ": tables[0].date_column: expected a column name, got 5", false },
	/* column mapping (issue #15): each mistake at its key */
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"a\"}, {\"name\": \"s\", \"exclude\": \"notes\"}]}",
	  ": tables[1].exclude: expected an array of source column names like [\"notes\"], got \"notes\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"exclude\": [\"a\", 3]}]}",
	  ": tables[0].exclude[1]: expected a column name, got 3", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"exclude\": [\"a\", \"\"]}]}",
	  ": tables[0].exclude[1]: expected a column name, got \"\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"exclude\": [\"Notes\", \"b\", \"notes\"]}]}",
	  ": tables[0].exclude[2]: column \"notes\" is already excluded at tables[0].exclude[0]", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"columns\": {\"a\": 1}}]}",
	  ": tables[0].columns.a: expected a target column name, got 1", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"columns\": {\"a\": \"\"}}]}",
	  ": tables[0].columns.a: expected a target column name, got \"\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"columns\": {\"\": \"x\"}}]}",
	  ": tables[0].columns: expected source column names as keys, got \"\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"exclude\": [\"b\"], \"columns\": {\"a\": \"x\", \"B\": \"y\"}}]}",
	  ": tables[0].columns.B: column \"B\" is also in tables[0].exclude: leave it out or rename it, not both", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"columns\": {\"a\": \"x\", \"b\": \"X\"}}]}",
	  ": tables[0].columns.b: target column \"X\" is already fed by \"a\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"add_new_columns\": \"yes\"}]}",
	  ": tables[0].add_new_columns: expected true or false, got \"yes\"", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"inherited\": 0}]}",
	  ": tables[0].inherited: expected true or false, got 0", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"s\", \"exlude\": [\"a\"]}]}",
	  ": tables[0].exlude: unknown key (did you mean exclude?)", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"public.sales\"}, {\"name\": \"x\"}, {\"name\": \"sales\", \"schema\": \"public\"}]}",
	  ": tables[2]: duplicate table \"public.sales\", already at tables[0]", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"sales\"}, {\"name\": \"sales\", \"date_column\": \"d\"}]}",
	  ": tables[1]: duplicate table \"sales\", already at tables[0]", false },
	/* unknown keys, top-level and nested */
	{ "{" BASE ", \"workers\": 4}", ": workers: unknown key (did you mean load.workers?)", false },
	{ "{" BASE ", \"tabels\": []}", ": tabels: unknown key (did you mean tables?)", false },
	{ "{" BASE ", \"tables[]\": []}", ": tables[]: unknown key (did you mean tables?)", false },
	{ "{" SRC ", " TGT ", \"tables\": [{\"name\": \"a\"}, {\"name\": \"b\", \"date_colum\": \"d\"}]}",
	  ": tables[1].date_colum: unknown key (did you mean date_column?)", false },
	{ "{" BASE ", \"load\": {\"wrokers\": 4}}", ": load.wrokers: unknown key (did you mean workers?)", false },
	{ "{" BASE ", \"load\": {\"timezone\": \"UTC\"}}", ": load.timezone: unknown key (did you mean schedule.timezone?)", false },
	{ "{" BASE ", \"load\": {\"zzzzzzzz\": 1}}", ": load.zzzzzzzz: unknown key", false },
	{ "{\"source\": {\"odbc\": \"DSN=s\", \"password\": \"x\"}, " TGT ", " TBL "}", ": source.password: unknown key", false },
	/* JSON syntax, duplicate keys: line:col from jansson */
	{ "{\n  \"source\": {\"odbc\": \"DSN=s\"},\n  \"tables\": [1, 2,\n}\n", ":4:1: ", true },
	{ "{\n  \"source\": {\"odbc\": \"DSN=s\"},\n  \"source\": {\"odbc\": \"DSN=t\"}\n}\n", ":3:10: duplicate object key", true },
	{ "{" BASE ",\n \"load\": {\"workers\": 2,\n   \"workers\": 3}}", ":3:12: duplicate object key", true },
	{ "{" BASE "}\nx", ":2:1: ", true },
	{ "", ":1:0: ", true },
};

START_TEST(test_mistake)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	char want[1024];
	snprintf(want, sizeof want, "%s%s", cfgpath, mistakes[_i].want);
	int r = load(mistakes[_i].json, &cfg, &err);
	ck_assert_msg(r == RPL_EINVAL, "case %d: r=%d, msg=%s", _i, r, err.msg);
	ck_assert_int_eq(err.code, RPL_EINVAL);
	if (mistakes[_i].prefix)
		ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0 && strlen(err.msg) > strlen(want),
		              "case %d:\n got  %s\n want %s...", _i, err.msg, want);
	else
		ck_assert_msg(strcmp(err.msg, want) == 0, "case %d:\n got  %s\n want %s", _i, err.msg, want);
}
END_TEST

/* Every key of rpl_config_keys is read by the parser, and a wrong value there is
 * reported at that key's path. An object is wrong for every leaf type; an array for
 * the keys that take an object (tables[].columns). */
START_TEST(test_keys_table)
{
	for (size_t i = 0; i < rpl_config_nkeys; i++) {
		const char *path = rpl_config_keys[i].path, *dot = strrchr(path, '.');
		const char *key = dot != NULL ? dot + 1 : path;
		bool obj = strncmp(rpl_config_keys[i].type, "object", 6) == 0;
		const char *bad = obj ? "[1]" : "{}";
		char json[512], want[512];
		struct rpl_config cfg;
		struct rpl_err err = RPL_ERR_INIT;
		if (strncmp(path, "source.", 7) == 0 || strncmp(path, "target.", 7) == 0)
			snprintf(json, sizeof json, "{\"%.6s\": {%s\"%s\": {}}, \"%s\": {\"odbc\": \"x\"}, " TBL "}", path,
			         strcmp(key, "odbc") == 0 ? "" : "\"odbc\": \"x\", ", key, path[0] == 's' ? "target" : "source");
		else if (strncmp(path, "tables[].", 9) == 0)
			snprintf(json, sizeof json, "{" SRC ", " TGT ", \"tables\": [{%s\"%s\": %s}]}",
			         strcmp(key, "name") == 0 ? "" : "\"name\": \"t\", ", key, bad);
		else if (dot != NULL)
			snprintf(json, sizeof json, "{" BASE ", \"%.*s\": {\"%s\": {}}}", (int)(dot - path), path, key);
		else
			snprintf(json, sizeof json, "{" BASE ", \"%s\": {}}", key);
		snprintf(want, sizeof want, "%s: %s%s: expected ", cfgpath,
		         strncmp(path, "tables[]", 8) == 0 ? "tables[0]" : "", path + (strncmp(path, "tables[]", 8) == 0 ? 8 : 0));
		int r = load(json, &cfg, &err);
		ck_assert_msg(r == RPL_EINVAL, "%s: accepted %s in %s", path, bad, json);
		ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0, "%s:\n got  %s\n want %s...", path, err.msg, want);
		ck_assert_msg(strstr(err.msg, obj ? ", got an array" : ", got an object") != NULL, "%s: %s", path, err.msg);
	}
}
END_TEST

/* The keys of docs/configuration.md's example appear in rpl_config_keys in the example's order,
 * each once: replicad.json(5) is generated in this order. */
START_TEST(test_keys_order)
{
	static const char *const example[] = {
		"source.odbc", "source.password_file", "target.odbc", "tables[].name", "tables[].date_column",
		"tables[].target", "schedule.t1_at", "schedule.t0_every", "schedule.reference_at",
		"schedule.timezone", "load.workers", "load.workers_per_table", "load.chunk_bytes",
		"load.commit_rows", "load.max_attempts", "load.disable_indexes", "load.create_missing_tables",
		"load.table_lock", "values.placeholder_dates", "values.truncate_strings", "state_dir", "socket",
	};
	size_t last = 0;
	for (size_t i = 0; i < rpl_config_nkeys; i++)
		for (size_t j = i + 1; j < rpl_config_nkeys; j++)
			ck_assert_msg(strcmp(rpl_config_keys[i].path, rpl_config_keys[j].path) != 0,
			              "%s listed twice", rpl_config_keys[i].path);
	for (size_t e = 0; e < sizeof example / sizeof example[0]; e++) {
		size_t i = 0;
		while (i < rpl_config_nkeys && strcmp(rpl_config_keys[i].path, example[e]) != 0)
			i++;
		ck_assert_msg(i < rpl_config_nkeys, "%s missing", example[e]);
		ck_assert_msg(e == 0 || i > last, "%s out of document order", example[e]);
		last = i;
	}
}
END_TEST

static const struct { const char *content, *want; } pw_cases[] = {
	{ PASSWORD "\n", PASSWORD },         /* echo adds one newline */
	{ PASSWORD "\r\n", PASSWORD },
	{ PASSWORD, PASSWORD },
	{ PASSWORD "\n\n", PASSWORD "\n" },  /* only one is ours to strip */
	{ PASSWORD "\r", PASSWORD "\r" },
	{ " " PASSWORD " \n", " " PASSWORD " " },
	{ "\n", "" },
	{ "", "" },
};

START_TEST(test_password_strip)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	put("pw", pw_cases[_i].content);
	int r = load("{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"pw\"}, " TGT ", " TBL "}", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.source.password, pw_cases[_i].want);
	rpl_config_fini(&cfg);
	ck_assert_ptr_null(cfg.source.password);
}
END_TEST

/* A file that cannot be read is named with the key and strerror; the missing file
 * and a directory stand in for EACCES, which root (CI) never sees. */
START_TEST(test_password_unreadable)
{
	static const struct { const char *file; int errnum; } cases[] = {
		{ "missing.pw", ENOENT }, { "pwdir", EISDIR },
	};
	char path[256], json[512], want[1024];
	snprintf(path, sizeof path, "%s/pwdir", dir);
	ck_assert(mkdir(path, 0700) == 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rpl_config cfg;
		struct rpl_err err = RPL_ERR_INIT;
		snprintf(json, sizeof json, "{" SRC ", \"target\": {\"odbc\": \"DSN=t\", \"password_file\": \"%s\"}, " TBL "}",
		         cases[i].file);
		snprintf(want, sizeof want, "%s: target.password_file: cannot read \"%s/%s\": %s", cfgpath, dir,
		         cases[i].file, strerror(cases[i].errnum));
		int r = load(json, &cfg, &err);
		ck_assert_int_eq(r, RPL_EINVAL);
		ck_assert_msg(strcmp(err.msg, want) == 0, "\n got  %s\n want %s", err.msg, want);
	}
}
END_TEST

/* A later key fails (before the password is read), and the file itself is wrong:
 * neither message may carry it, and nothing read may leak (ASan/LSan). */
START_TEST(test_password_not_in_message)
{
	char big[9000];
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"source.pw\"}, " TGT ", " TBL
	             ", \"load\": {\"workers\": 0}}", &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strstr(err.msg, "load.workers") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, PASSWORD) == NULL, "password in message: %s", err.msg);

	for (size_t i = 0; i + 1 < sizeof big; i++)
		big[i] = PASSWORD[i % (sizeof PASSWORD - 1)];
	big[sizeof big - 1] = '\0';
	put("big.pw", big);
	rpl_err_init(&err);
	r = load("{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"big.pw\"}, " TGT ", " TBL "}", &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strstr(err.msg, "source.password_file") != NULL && strstr(err.msg, "big.pw") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, PASSWORD) == NULL, "password in message: %s", err.msg);
}
END_TEST

/* rpl_config_parse has no config directory: relative files are read from the cwd. */
START_TEST(test_parse_relative_to_cwd)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	static const char text[] = "{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"source.pw\"}, " TGT ", " TBL "}";
	ck_assert(chdir(dir) == 0);
	int r = rpl_config_parse(text, "inline.json", &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	ck_assert_str_eq(cfg.path, "inline.json");
	ck_assert_str_eq(cfg.source.password, PASSWORD);
	rpl_config_fini(&cfg);
	ck_assert(chdir("/") == 0);
	rpl_err_init(&err);
	r = rpl_config_parse(text, "inline.json", &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strncmp(err.msg, "inline.json: source.password_file: cannot read \"source.pw\": ", 60) == 0, "%s", err.msg);
}
END_TEST

/* cfg is filled only on success: a failed load leaves the caller's bytes alone. */
START_TEST(test_failure_leaves_cfg)
{
	struct rpl_config cfg, before;
	struct rpl_err err = RPL_ERR_INIT;
	memset(&cfg, 0xa5, sizeof cfg);
	memcpy(&before, &cfg, sizeof cfg);
	int r = load("{" SRC ", " TGT ", \"tables\": [{\"name\": \"a\"}, {\"name\": \"b\", \"date_colum\": \"d\"}]}", &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(memcmp(&cfg, &before, sizeof cfg) == 0, "cfg written on failure");
}
END_TEST

START_TEST(test_missing_file)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	char want[512];
	snprintf(want, sizeof want, "%s: cannot read: %s", cfgpath, strerror(ENOENT));
	int r = rpl_config_load(cfgpath, &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

/* Files from outside that are not what a password file must be: each refused at once
 * (a FIFO must not wait for a writer: the tcase timeout turns a hang red) with the
 * key, the path and the reason. Ownership by another user needs root to arrange. */
static const struct { const char *what, *why; mode_t mode; int kind; } pwfile_cases[] = {
	{ "fifo", "not a regular file (a FIFO)", 0600, 1 },
	{ "link", "a symbolic link, expected the password file itself", 0600, 2 },
	{ "world", "others may access it (mode 0604)", 0604, 0 },
	{ "groupw", "its group may write it (mode 0620)", 0620, 0 },
	{ "foreign", "owned by uid 54321, expected this process's user", 0600, 3 },
};

START_TEST(test_password_file_refused)
{
	char path[256], json[512];
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	snprintf(path, sizeof path, "%s/%s", dir, pwfile_cases[_i].what);
	switch (pwfile_cases[_i].kind) {
	case 1: ck_assert(mkfifo(path, 0600) == 0); break;
	case 2: ck_assert(symlink("source.pw", path) == 0); break;   /* to a file that passes */
	default:
		put(pwfile_cases[_i].what, PASSWORD "\n");
		ck_assert(chmod(path, pwfile_cases[_i].mode) == 0);
		if (pwfile_cases[_i].kind == 3) {
			if (geteuid() != 0)
				return;        /* only root can give a file away; CI runs as root */
			ck_assert(chown(path, 54321, 54321) == 0);
		}
	}
	snprintf(json, sizeof json, "{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"%s\"}, " TGT ", " TBL "}",
	         pwfile_cases[_i].what);
	int r = load(json, &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strstr(err.msg, "source.password_file: cannot read") != NULL && strstr(err.msg, path) != NULL &&
	              strstr(err.msg, pwfile_cases[_i].why) != NULL, "%s\nwant: %s", err.msg, pwfile_cases[_i].why);
	ck_assert_msg(strstr(err.msg, PASSWORD) == NULL, "password in message: %s", err.msg);
}
END_TEST

/* The config itself as a FIFO: refused at once, not read for ever. */
START_TEST(test_config_fifo)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	char want[512];
	ck_assert(mkfifo(cfgpath, 0600) == 0);
	snprintf(want, sizeof want, "%s: cannot read: not a regular file (a FIFO)", cfgpath);
	ck_assert_int_eq(rpl_config_load(cfgpath, &cfg, &err), RPL_EINVAL);
	ck_assert_str_eq(err.msg, want);
}
END_TEST

/* What the file says wrong comes before what is wrong with the files it names
 * (issue #18): an unknown key later in the document wins over a password file that
 * cannot be read. */
START_TEST(test_error_order)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load("{\"source\": {\"odbc\": \"DSN=s\", \"password_file\": \"missing.pw\"}, " TGT ", " TBL
	             ", \"load\": {\"wrokers\": 2}}", &cfg, &err);
	ck_assert_int_eq(r, RPL_EINVAL);
	ck_assert_msg(strstr(err.msg, ": load.wrokers: unknown key (did you mean workers?)") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(test_fini_twice)
{
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	int r = load(design_example, &cfg, &err);
	ck_assert_msg(r == 0, "%s", err.msg);
	rpl_config_fini(&cfg);
	ck_assert_ptr_null(cfg.tables);
	ck_assert_uint_eq(cfg.n_tables, 0);
	rpl_config_fini(&cfg);   /* a zeroed config is empty, not garbage */
	rpl_config_fini(NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_design_example);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_verify_at);
	tcase_add_test(tc, test_cluster);
	tcase_add_test(tc, test_valid_variants);
	tcase_add_test(tc, test_mapping);
	tcase_add_test(tc, test_find_table_ambiguous);
	tcase_add_loop_test(tc, test_mistake, 0, (int)(sizeof mistakes / sizeof mistakes[0]));
	tcase_add_test(tc, test_keys_table);
	tcase_add_test(tc, test_keys_order);
	tcase_add_loop_test(tc, test_password_strip, 0, (int)(sizeof pw_cases / sizeof pw_cases[0]));
	tcase_add_test(tc, test_password_unreadable);
	tcase_add_test(tc, test_password_not_in_message);
	tcase_add_test(tc, test_parse_relative_to_cwd);
	tcase_add_test(tc, test_failure_leaves_cfg);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_fini_twice);
	tcase_add_loop_test(tc, test_password_file_refused, 0, (int)(sizeof pwfile_cases / sizeof pwfile_cases[0]));
	tcase_add_test(tc, test_config_fifo);
	tcase_add_test(tc, test_error_order);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
