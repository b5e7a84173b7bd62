/* tests/integration/it_gate.c: a gate on a target table's inserts, for tests that
 * must catch a run while it holds a partition: with the gate shut every load waits at
 * its first row, so however fast the machine, nothing finishes before the test has
 * seen what it waits for. Reads, deletes and index work pass; a trigger takes a share
 * lock on the table's row of it_gate, which the test holds for update while shut. */
#include "it.h"
#include <check.h>
#include <stdio.h>

void
it_gate_shut(struct it_gate *g, int d, const char *t)
{
	char sql[1024];
	struct rpl_err err = RPL_ERR_INIT;
	it_connect(&g->c, d, "dst");
	if (d == IT_PG) {
		it_exec(&g->c, "CREATE TABLE IF NOT EXISTS it_gate (name varchar(64) PRIMARY KEY)");
		snprintf(sql, sizeof sql, "INSERT INTO it_gate VALUES ('%s') ON CONFLICT DO NOTHING", t);
		it_exec(&g->c, sql);
		snprintf(sql, sizeof sql, "CREATE OR REPLACE FUNCTION it_gate_%s() RETURNS trigger LANGUAGE plpgsql AS"
		         " $$ BEGIN PERFORM 1 FROM it_gate WHERE name = '%s' FOR SHARE; RETURN NULL; END $$", t, t);
		it_exec(&g->c, sql);
		snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s_gate ON %s", t, t);
		it_exec(&g->c, sql);
		snprintf(sql, sizeof sql, "CREATE TRIGGER %s_gate BEFORE INSERT ON %s FOR EACH STATEMENT"
		         " EXECUTE FUNCTION it_gate_%s()", t, t, t);
		it_exec(&g->c, sql);
	} else {
		it_exec(&g->c, "CREATE TABLE IF NOT EXISTS it_gate (name varchar(64) PRIMARY KEY) ENGINE=InnoDB");
		snprintf(sql, sizeof sql, "INSERT IGNORE INTO it_gate VALUES ('%s')", t);
		it_exec(&g->c, sql);
		snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s_gate", t);
		it_exec(&g->c, sql);
		snprintf(sql, sizeof sql, "CREATE TRIGGER %s_gate BEFORE INSERT ON %s FOR EACH ROW"
		         " SET @it_gate = (SELECT name FROM it_gate WHERE name = '%s' LOCK IN SHARE MODE)", t, t, t);
		it_exec(&g->c, sql);
	}
	ck_assert(rpl_conn_set_autocommit(&g->c, false, &err) == 0);
	snprintf(sql, sizeof sql, "SELECT name FROM it_gate WHERE name = '%s' FOR UPDATE", t);
	it_exec(&g->c, sql);
}

void
it_gate_open(struct it_gate *g)
{
	struct rpl_err err = RPL_ERR_INIT;
	ck_assert_msg(rpl_conn_rollback(&g->c, &err) == 0, "%s", err.msg);
	rpl_conn_close(&g->c);
}
