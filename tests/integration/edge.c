/* tests/integration/edge.c: builds the edge table in each engine's own SQL. */
#include "edge.h"
#include "it.h"
#include "sbuf.h"
#include "dialect.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one value per column; NULL pointer = SQL NULL. Kinds: plain literal text (numbers),
 * 's' string, 'x' hex binary, 'b' boolean "1"/"0", 'd' date, 't' timestamp */
struct val { char kind; const char *v; };
#define NUL { 0, NULL }

static const char *const cols_sql[3] = {
	/* sqlite */
	"(id BIGINT PRIMARY KEY, d DATE NOT NULL, i16 SMALLINT, i32 INTEGER, i64 BIGINT, n38 DECIMAL_TEXT(38,4),"
	" n19 DECIMAL_TEXT(19,4), f64 DOUBLE, ts TIMESTAMP, dt DATE, txt VARCHAR(100), big TEXT, bin BLOB, flag BOOLEAN)",
	/* postgresql */
	"(id bigint PRIMARY KEY, d date NOT NULL, i16 smallint, i32 integer, i64 bigint, n38 numeric(38,4),"
	" n19 numeric(19,4), f64 double precision, ts timestamp(6), dt date, txt varchar(100), big text, bin bytea, flag boolean)",
	/* mariadb */
	"(id bigint PRIMARY KEY, d date NOT NULL, i16 smallint, i32 int, i64 bigint, n38 decimal(38,4),"
	" n19 decimal(19,4), f64 double, ts datetime(6), dt date, txt varchar(100), big longtext, bin longblob, flag boolean)"
	" ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
};

#define NCOL 14
static const struct val rows[][NCOL] = {
	{ { 0, "1" }, { 'd', "2024-01-01" }, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL, NUL },
	{ { 0, "2" }, { 'd', "2024-01-02" }, { 0, "0" }, { 0, "0" }, { 0, "0" }, { 0, "0" }, { 0, "0" }, { 0, "0" },
	  { 't', "2024-01-02 00:00:00" }, { 'd', "2024-01-02" }, { 's', "" }, { 's', "" }, { 'x', "" }, { 'b', "0" } },
	{ { 0, "3" }, { 'd', "2024-01-03" }, { 0, "-32768" }, { 0, "-2147483648" }, { 0, "-9223372036854775808" },
	  { 0, "-1234567890123456789012345678901234.5678" }, { 0, "-123456789012345.1234" },
	  { 0, "-1.7976931348623157e308" }, { 't', "0001-01-01 00:00:00" }, { 'd', "0001-01-01" },
	  { 's', "emoji \xF0\x9F\x98\x80 \xC3\xBC \xC3\x9F" }, { 's', "@BIG" }, { 'x', "00ff0000" }, { 'b', "1" } },
	{ { 0, "4" }, { 'd', "2024-02-29" }, { 0, "32767" }, { 0, "2147483647" }, { 0, "9223372036854775807" },
	  { 0, "1234567890123456789012345678901234.5678" }, { 0, "-0.0001" }, { 0, "0.30000000000000004" },
	  { 't', "9999-12-31 23:59:59.999999" }, { 'd', "9999-12-31" }, { 's', "a'b\"c\\d" }, { 's', "@EMOJI" },
	  { 'x', "@ALLBYTES" }, { 'b', "1" } },
	{ { 0, "5" }, { 'd', "2024-03-31" }, { 0, "1" }, { 0, "2" }, { 0, "3" }, { 0, "0.0001" }, { 0, "1" },
	  { 0, "2.2250738585072014e-308" }, { 't', "2024-02-29 12:34:56.123456" }, { 'd', "2024-02-29" },
	  { 's', "tab\tnl\nx" }, { 's', "y" }, { 'x', "00" }, { 'b', "0" } },
	{ { 0, "6" }, { 'd', "2024-04-30" }, { 0, "-1" }, { 0, "-2" }, { 0, "-3" }, { 0, "-99999999999999999999999999999999.9999" },
	  { 0, "999999999999999.9999" }, { 0, "-0.5" }, { 't', "1970-01-01 00:00:00.000001" }, { 'd', "1970-01-01" },
	  { 's', "\xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x8E\x89" }, { 's', "z" }, { 'x', "ff" }, { 'b', "1" } },
};

int edge_nrows(void) { return (int)(sizeof rows / sizeof rows[0]); }

static int
engine_index(const struct rpl_conn *c)
{
	return c->engine == RPL_ENGINE_SQLITE ? 0 : c->engine == RPL_ENGINE_POSTGRES ? 1 : 2;
}

static void
add_string(struct rpl_sbuf *b, int e, const char *s)
{
	rpl_sbuf_addc(b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			rpl_sbuf_addc(b, '\'');
		if (*p == '\\' && e == 2)
			rpl_sbuf_addc(b, '\\');   /* MariaDB reads backslash escapes in strings */
		rpl_sbuf_addc(b, *p);
	}
	rpl_sbuf_addc(b, '\'');
}

static void
add_hex(struct rpl_sbuf *b, int e, const char *hex)
{
	if (e == 1)
		rpl_sbuf_addf(b, "'\\x%s'::bytea", hex);
	else
		rpl_sbuf_addf(b, "x'%s'", hex);
}

static void
add_value(struct rpl_sbuf *b, int e, const struct val *v)
{
	if (v->v == NULL) {
		rpl_sbuf_add(b, "NULL");
		return;
	}
	switch (v->kind) {
	case 's':
		if (strcmp(v->v, "@BIG") == 0) {
			char *big = malloc(8193);
			for (int i = 0; i < 8192; i++)
				big[i] = (char)('a' + i % 26);
			big[8192] = '\0';
			add_string(b, e, big);
			free(big);
		} else if (strcmp(v->v, "@EMOJI") == 0) {
			struct rpl_sbuf s = RPL_SBUF_INIT;
			for (int i = 0; i < 2000; i++)
				rpl_sbuf_add(&s, "\xF0\x9F\x98\x80");
			add_string(b, e, s.s);
			rpl_sbuf_fini(&s);
		} else {
			add_string(b, e, v->v);
		}
		return;
	case 'x':
		if (strcmp(v->v, "@ALLBYTES") == 0) {
			char hex[513];
			for (int i = 0; i < 256; i++)
				sprintf(hex + 2 * i, "%02x", i);
			add_hex(b, e, hex);
		} else {
			add_hex(b, e, v->v);
		}
		return;
	case 'b':
		rpl_sbuf_add(b, e == 1 ? (v->v[0] == '1' ? "true" : "false") : v->v);
		return;
	case 'd':
	case 't':
		add_string(b, e, v->v);
		return;
	default:
		/* SQLite stores a bare 38-digit literal as REAL: quote decimals there */
		if (e == 0 && strchr(v->v, '.') != NULL && strchr(v->v, 'e') == NULL)
			add_string(b, e, v->v);
		else
			rpl_sbuf_add(b, v->v);
		return;
	}
}

void
edge_drop(struct rpl_conn *c, const char *name)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sbuf_add(&b, "DROP TABLE IF EXISTS ");
	rpl_dialect_ident(c->dialect, name, &b);
	it_exec(c, b.s);
	rpl_sbuf_fini(&b);
}

void
edge_create(struct rpl_conn *c, const char *name)
{
	int e = engine_index(c);
	edge_drop(c, name);
	struct rpl_sbuf b = RPL_SBUF_INIT;
	rpl_sbuf_add(&b, "CREATE TABLE ");
	rpl_dialect_ident(c->dialect, name, &b);
	rpl_sbuf_add(&b, cols_sql[e]);
	it_exec(c, b.s);
	for (int r = 0; r < edge_nrows(); r++) {
		rpl_sbuf_reset(&b);
		rpl_sbuf_add(&b, "INSERT INTO ");
		rpl_dialect_ident(c->dialect, name, &b);
		rpl_sbuf_add(&b, " VALUES (");
		for (int k = 0; k < NCOL; k++) {
			rpl_sbuf_add(&b, k ? ", " : "");
			add_value(&b, e, &rows[r][k]);
		}
		rpl_sbuf_addc(&b, ')');
		it_exec(c, b.s);
	}
	rpl_sbuf_fini(&b);
}
