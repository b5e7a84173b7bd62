/* lib/core/fkorder.c: parents-first order from the target's foreign keys (see fkorder.h). */
#include "fkorder.h"
#include "dialect.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* same_name: does the catalog's (schema, name) denote configured table t? A table
 * configured without a schema matches the name in any schema the catalog names. */
static bool
same_name(const struct rpl_fktable *t, const char *schema, const char *name)
{
	if (strcmp(t->name, name) != 0)
		return false;
	return t->schema == NULL || schema[0] == '\0' || strcmp(t->schema, schema) == 0;
}

/* fk_parents marks edge[i * n + j] for every table j that table i references. */
static int
fk_parents(struct rpl_conn *c, const struct rpl_fktable *t, size_t n, size_t i, bool *edge, struct rpl_err *err)
{
	SQLHSTMT st;
	int r = rpl_conn_stmt(c, &st, err);
	if (r < 0)
		return r;
	const char *schema = c->dialect->has_schemas ? t[i].schema : NULL;
	const char *cat = c->dialect->schema_is_catalog ? schema : NULL, *sch = c->dialect->schema_is_catalog ? NULL : schema;
	SQLRETURN rc = SQLForeignKeys(st, NULL, 0, NULL, 0, NULL, 0, (SQLCHAR *)cat, cat ? SQL_NTS : 0,
	                              (SQLCHAR *)sch, sch ? SQL_NTS : 0, (SQLCHAR *)t[i].name, SQL_NTS);
	while (SQL_SUCCEEDED(rc) && (rc = SQLFetch(st)) != SQL_NO_DATA) {
		char pk_schema[256] = "", pk_name[256] = "";
		SQLLEN ind = 0;
		if (!SQL_SUCCEEDED(rc))
			break;
		/* PKTABLE_CAT (1) holds MariaDB's database, PKTABLE_SCHEM (2) the others' schema */
		if (!SQL_SUCCEEDED(SQLGetData(st, c->dialect->schema_is_catalog ? 1 : 2, SQL_C_CHAR, pk_schema,
		                              sizeof pk_schema, &ind)) || ind == SQL_NULL_DATA)
			pk_schema[0] = '\0';
		SQLGetData(st, 3, SQL_C_CHAR, pk_name, sizeof pk_name, NULL);
		for (size_t j = 0; j < n; j++)
			if (j != i && same_name(&t[j], pk_schema, pk_name))
				edge[i * n + j] = true;
	}
	if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(rc))
		r = rpl_conn_fail(c, st, err, "SQLForeignKeys");
	SQLFreeHandle(SQL_HANDLE_STMT, st);
	return r;
}

int
rpl_fkorder_read(struct rpl_conn *c, const struct rpl_fktable *t, size_t n, bool *edge, struct rpl_err *err)
{
	memset(edge, 0, n * n * sizeof *edge);
	for (size_t i = 0; i < n; i++) {
		int r = fk_parents(c, t, n, i, edge, err);
		if (r < 0) {
			rpl_err_where(err, t[i].name, NULL, -1);
			return r;
		}
	}
	return 0;
}

void
rpl_fkorder_sort(size_t n, const bool *edge, size_t *order, bool *cycle)
{
	bool *placed = calloc(n ? n : 1, sizeof *placed);
	if (cycle != NULL)
		*cycle = false;
	for (size_t k = 0; k < n; k++) {
		size_t pick = n;
		/* the first table (config order) whose parents are all placed */
		for (size_t i = 0; i < n && pick == n; i++) {
			if (placed != NULL && placed[i])
				continue;
			bool ready = true;
			for (size_t j = 0; j < n && ready; j++)
				ready = j == i || !edge[i * n + j] || (placed != NULL && placed[j]);
			if (ready)
				pick = i;
		}
		if (pick == n) {   /* a cycle: config order among what is left */
			if (cycle != NULL)
				*cycle = true;
			for (size_t i = 0; i < n && pick == n; i++)
				if (placed == NULL || !placed[i])
					pick = i;
		}
		if (placed == NULL) {   /* out of memory: config order, which is always a valid answer */
			order[k] = k;
			continue;
		}
		placed[pick] = true;
		order[k] = pick;
	}
	free(placed);
}
