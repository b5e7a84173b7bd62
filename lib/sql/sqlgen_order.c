/* lib/sql/sqlgen_order.c: verify's ordered reads (sqlgen.h rpl_sqlgen_select_ordered).
 * verify merges the two sides' rows by key and compares keys by value (vcmp.h), so
 * both engines must return them in the order that comparison gives: each key column
 * ordered here as verify compares it, whatever its type, collation or (in SQLite)
 * the way each value happens to be stored. */
#include "sqlgen.h"
#include "dialect.h"
#include "sbuf.h"

/* ident appends column c's name */
static void
ident(const struct rpl_sqlgen *g, const struct rpl_column *c, struct rpl_sbuf *out)
{
	rpl_dialect_ident(g->src, c->name, out);
}

/* text_key: its text as UTF-8 bytes, which sort as code points (verify compares
 * text as bytes). PostgreSQL: `::text` (a uuid, an enum, an inet or an interval
 * takes no COLLATE, and an enum and an interval sort by value, not as the text
 * their target holds); MariaDB: converted to UTF-8 (a latin1 column is cp1252: its
 * byte 0x92, U+2019, sorted before é); SQLite against another engine: the value as
 * text (a column without a type sorts its numbers before its text, by value, where
 * the target's text column sorts '10' before '9'). pad: a CHAR(n) on either side,
 * compared without its trailing spaces (PostgreSQL's char(5) 'ab' came before
 * 'ab<TAB>', whose target VARCHAR held both padded with spaces). */
static void
text_key(const struct rpl_sqlgen *g, const struct rpl_column *c, bool pad, bool lite_other, struct rpl_sbuf *out)
{
	switch (g->src->engine) {
	case RPL_ENGINE_POSTGRES:
		rpl_sbuf_add(out, pad ? "rtrim(" : "");
		ident(g, c, out);
		rpl_sbuf_add(out, pad ? "::text, ' ') COLLATE \"C\"" : "::text COLLATE \"C\"");
		return;
	case RPL_ENGINE_MARIADB:
		rpl_sbuf_add(out, pad ? "CAST(CONVERT(TRIM(TRAILING ' ' FROM " : "CAST(CONVERT(");
		ident(g, c, out);
		rpl_sbuf_add(out, pad ? ") USING utf8mb4) AS BINARY)" : " USING utf8mb4) AS BINARY)");
		return;
	case RPL_ENGINE_SQLITE:   /* SQLite to SQLite: each value by its storage class, SQLite's order */
		rpl_sbuf_add(out, lite_other && pad ? "rtrim(CAST(" : lite_other ? "CAST(" : "");
		ident(g, c, out);
		rpl_sbuf_add(out, lite_other && pad ? " AS TEXT), ' ')" : lite_other ? " AS TEXT)" : "");
		rpl_sbuf_add(out, " COLLATE BINARY");
		return;
	case RPL_ENGINE_MSSQL:   /* its comparisons ignore trailing spaces already */
		/* a uniqueidentifier takes no COLLATE (and sorts by its own byte groups) */
		rpl_sbuf_add(out, c->cls == RPL_CLASS_GUID ? "CAST(" : "");
		ident(g, c, out);
		rpl_sbuf_add(out, c->cls == RPL_CLASS_GUID ? " AS NVARCHAR(36)) COLLATE Latin1_General_BIN2"
		                                          : " COLLATE Latin1_General_BIN2");
		return;
	default:
		ident(g, c, out);
		return;
	}
}

/* with_key appends tmpl with each #K replaced by column c's name */
static void
with_key(const struct rpl_sqlgen *g, const struct rpl_column *c, const char *tmpl, struct rpl_sbuf *out)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (p[0] == '#' && p[1] == 'K') {
			ident(g, c, out);
			p++;
		} else {
			rpl_sbuf_addc(out, *p);
		}
	}
}

/* lite_decimal: a decimal SQLite keeps as text (DECIMAL_TEXT) sorts as text, '10.50'
 * before '9.50': by its double, then, among values one double holds (past 15
 * digits), by the length of its integer part and its digits, both reversed for a
 * negative one; PostgreSQL's -Infinity first, Infinity and NaN last, as PostgreSQL
 * sorts them (kept as their words: an outside run found ±Infinity among the numbers) */
static const char lite_decimal[] =
	"CASE #K WHEN '-Infinity' THEN 0 WHEN 'Infinity' THEN 2 WHEN 'NaN' THEN 3 ELSE 1 END, CAST(#K AS REAL), "
	"CASE WHEN #K LIKE '-%' THEN NULL ELSE instr(#K || '.', '.') END, "
	"CASE WHEN #K LIKE '-%' THEN NULL ELSE #K END, "
	"CASE WHEN #K LIKE '-%' THEN instr(#K || '.', '.') END DESC, "
	"CASE WHEN #K LIKE '-%' THEN #K END DESC";

/* lite_instant: a SQLite date or timestamp is text in any ISO 8601 spelling ('T' or
 * a space between date and time sorted apart as text): by its Julian day, then, among
 * instants one double holds (tens of microseconds), by its text. A zone of hours
 * alone after a time ('+00', as PostgreSQL writes a timestamptz; a date's '-15' is
 * none) gets its minutes, which julianday
 * needs; what julianday cannot read (PostgreSQL's infinity, a year past 9999) comes
 * after every day, '-infinity' before: as PostgreSQL and MariaDB sort them (an outside
 * run found them first, and every key after one missing and extra) */
#define LITE_JULIAN "julianday(CASE WHEN #K GLOB '*[0-9]:[0-9][0-9]*[+-][0-9][0-9]' THEN #K || ':00' ELSE #K END)"
static const char lite_instant[] =
	"CASE WHEN #K = '-infinity' THEN 0 WHEN " LITE_JULIAN " IS NULL THEN 2 ELSE 1 END, " LITE_JULIAN ", #K";

/* lite_duration: a SQLite time is text ('9:30:00', '-01:00:00', '100:00:00.5'):
 * sorted as text, '12:00:00' before '9:30:00'; by its seconds, as verify compares a
 * time (a signed duration): (sign) * (hours * 3600 + minutes * 60 + seconds), hours
 * of any length */
static const char lite_duration[] =
	"(CASE WHEN #K LIKE '-%' THEN -1 ELSE 1 END) * (CAST(ltrim(substr(#K, 1, instr(#K, ':') - 1), '-') AS REAL) * 3600"
	" + CAST(substr(#K, instr(#K, ':') + 1, 2) AS REAL) * 60 + CAST(substr(#K, instr(#K, ':') + 4) AS REAL)), #K";

/* order_key appends key column c for an ORDER BY as verify compares it */
static void
order_key(const struct rpl_sqlgen *g, const struct rpl_column *c, struct rpl_sbuf *out)
{
	size_t i = (size_t)(c - g->st->cols);
	const struct rpl_column *peer = g->peer != NULL && i < g->peer->ncols ? &g->peer->cols[i] : NULL;
	bool lite_other = g->src->engine == RPL_ENGINE_SQLITE && g->peer_dialect != NULL &&
	                  g->peer_dialect->engine != RPL_ENGINE_SQLITE;
	/* an interval is compared as a duration against a time (a MariaDB TIME became
	 * it), else as its text (vcmp.h) */
	bool as_duration = c->kind == RPL_KIND_INTERVAL && peer != NULL && peer->cls == RPL_CLASS_TIME;
	bool text = (c->cls == RPL_CLASS_TEXT && !as_duration) || c->cls == RPL_CLASS_GUID;
	if (text) {
		bool pad = c->kind == RPL_KIND_CHAR || (peer != NULL && peer->kind == RPL_KIND_CHAR);
		text_key(g, c, pad, lite_other, out);
	} else if (lite_other && c->cls == RPL_CLASS_DECIMAL) {
		with_key(g, c, lite_decimal, out);
	} else if (lite_other && (c->cls == RPL_CLASS_DATE || c->cls == RPL_CLASS_TIMESTAMP)) {
		with_key(g, c, lite_instant, out);
	} else if (lite_other && c->cls == RPL_CLASS_TIME) {
		with_key(g, c, lite_duration, out);
	} else {
		ident(g, c, out);   /* numbers, dates, times, bytes: the engine's own order */
	}
}

void
rpl_sqlgen_select_ordered(const struct rpl_sqlgen *g, const struct rpl_range *r, struct rpl_sbuf *out)
{
	rpl_sqlgen_select(g, r, out);
	for (int k = 1; k <= g->st->npk; k++) {
		const struct rpl_column *c = rpl_sqlgen_key_col(g->st, k);
		if (c == NULL)
			continue;
		rpl_sbuf_add(out, k > 1 ? ", " : " ORDER BY ");
		order_key(g, c, out);
	}
}
