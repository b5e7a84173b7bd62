/* tests/fuzz/fuzz_rules.c: the value rules (lib/core/rules*.c) on a value a SQLite
 * file holds as text, whatever bytes another tool wrote there, going into columns of
 * each class that reads text (an integer, a numeric(10,2), a double, a date, a
 * timestamp, a PostgreSQL text, a MariaDB ENUM and SET, a latin1 VARCHAR, a
 * TINYTEXT), and as a PostgreSQL interval's text into a PostgreSQL time(0) and a
 * MariaDB TIME(0). Each verdict must be a pass or a rule with a reason, and a pass
 * into PostgreSQL's text must be well-formed UTF-8 without a NUL (checked here by a
 * validator of the test's own), a pass into an integer column must leave a plain
 * integer, a pass into a MariaDB TIME a duration without days. */
#include "fuzz.h"
#include "copy.h"
#include "dialect.h"
#include "vcmp.h"
#include "xfer.h"
#include <sql.h>
#include <sqlext.h>

#define TXT(k, d) { .name = "v", .type_name = "varchar", .decl = d, .sql_type = SQL_VARCHAR, .size = 200, \
	            .cls = RPL_CLASS_TEXT, .kind = k, .nullable = true }
static const struct rpl_column src = TXT(RPL_KIND_PLAIN, "TEXT"), interval = TXT(RPL_KIND_INTERVAL, "interval");
static const struct { enum rpl_engine de; struct rpl_column dst; const struct rpl_column *src; } targets[] = {
	{ RPL_ENGINE_POSTGRES, { .name = "v", .type_name = "int4", .sql_type = SQL_INTEGER, .cls = RPL_CLASS_INT,
	                         .int_bytes = 4, .nullable = true }, NULL },
	{ RPL_ENGINE_POSTGRES, { .name = "v", .type_name = "numeric", .sql_type = SQL_NUMERIC, .size = 10, .scale = 2,
	                         .cls = RPL_CLASS_DECIMAL, .nullable = true }, NULL },
	{ RPL_ENGINE_MARIADB, { .name = "v", .type_name = "double", .sql_type = SQL_DOUBLE, .size = 15,
	                        .cls = RPL_CLASS_DOUBLE, .nullable = true }, NULL },
	{ RPL_ENGINE_POSTGRES, { .name = "v", .type_name = "date", .sql_type = SQL_TYPE_DATE, .size = 10,
	                         .cls = RPL_CLASS_DATE, .nullable = true }, NULL },
	{ RPL_ENGINE_MARIADB, { .name = "v", .type_name = "datetime", .sql_type = SQL_TYPE_TIMESTAMP, .size = 26,
	                        .scale = 6, .cls = RPL_CLASS_TIMESTAMP, .nullable = true }, NULL },
	{ RPL_ENGINE_POSTGRES, TXT(RPL_KIND_PLAIN, "text"), NULL },
	{ RPL_ENGINE_MARIADB, TXT(RPL_KIND_ENUM, "enum('a','it''s','')"), NULL },
	{ RPL_ENGINE_MARIADB, TXT(RPL_KIND_SET, "set('x','y z')"), NULL },
	{ RPL_ENGINE_MARIADB, { .name = "v", .type_name = "varchar", .decl = "varchar(200) CHARACTER SET latin1",
	                        .sql_type = SQL_VARCHAR, .size = 200, .cls = RPL_CLASS_TEXT, .charset = RPL_CHARSET_LATIN1,
	                        .nullable = true }, NULL },
	{ RPL_ENGINE_MARIADB, { .name = "v", .type_name = "tinytext", .decl = "tinytext", .sql_type = SQL_WLONGVARCHAR,
	                        .size = 255, .cls = RPL_CLASS_TEXT, .is_long = true, .nullable = true }, NULL },
	{ RPL_ENGINE_POSTGRES, { .name = "v", .type_name = "time", .sql_type = SQL_TYPE_TIME, .size = 8,
	                         .cls = RPL_CLASS_TIME, .nullable = true }, &interval },
	{ RPL_ENGINE_MARIADB, { .name = "v", .type_name = "time", .sql_type = SQL_TYPE_TIME, .size = 8,
	                        .cls = RPL_CLASS_TIME, .nullable = true }, &interval },
};

/* utf8_ok: well-formed UTF-8 (RFC 3629), by code points decoded one at a time */
static bool
utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (len == 0 || i + len > n)
			return false;
		unsigned cp = len == 1 ? c : c & (0x7F >> len);
		for (unsigned k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		static const unsigned least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
		if (cp < least[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += len;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpl_xbuf b[sizeof targets / sizeof targets[0]];
	static int laid;
	const size_t nt = sizeof targets / sizeof targets[0];
	if (!laid++)
		for (size_t t = 0; t < nt; t++) {
			const struct rpl_column *s[1] = { targets[t].src != NULL ? targets[t].src : &src },
			                        *d[1] = { &targets[t].dst };
			struct rpl_err err = RPL_ERR_INIT;
			if (rpl_xbuf_layout(&b[t], s, d, 1, RPL_ENGINE_SQLITE, targets[t].de, 0, 1 << 20, &err) != 0 ||
			    b[t].cols[0].c_type != SQL_C_CHAR)
				abort();   /* a target that fuzzes nothing must not pass quietly */
		}
	for (size_t t = 0; t < nt; t++) {
		size_t n = size < (size_t)b[t].cols[0].width ? size : (size_t)b[t].cols[0].width - 1;
		char *v = rpl_xval(&b[t], 0, 0);
		memcpy(v, data, n);
		v[n] = '\0';
		*rpl_xind(&b[t], 0, 0) = (SQLLEN)n;
		struct rpl_rules ru = { .dst_dialect = rpl_dialect_for(targets[t].de), .untyped_source = true };
		int64_t nulled[RPL_NRULES] = { 0 };
		enum rpl_rule rule = RPL_NRULES;
		size_t col = 9;
		char why[256] = "";
		int r = rpl_rules_apply(&ru, &b[t], 0, nulled, &rule, &col, why, sizeof why);
		if (r != 0 && (r != -1 || rule >= RPL_NRULES || col != 0 || why[0] == '\0'))
			abort();
		SQLLEN ind = *rpl_xind(&b[t], 0, 0);
		if (r != 0 || ind == SQL_NULL_DATA)
			continue;
		const struct rpl_column *d = &targets[t].dst;
		v = rpl_xval_in(&b[t], b[t].data, &b[t].cols[0]);   /* a respelled value may have moved */
		int64_t ns;
		if (d->cls == RPL_CLASS_TIME && targets[t].de == RPL_ENGINE_MARIADB &&
		    rpl_vtime_parse(v, (size_t)ind, &ns) && memchr(v, 'd', (size_t)ind) != NULL)
			abort();   /* days MariaDB's TIME does not read */
		if (d->cls == RPL_CLASS_TEXT && (!utf8_ok((const unsigned char *)v, (size_t)ind) ||
		                                 (targets[t].de == RPL_ENGINE_POSTGRES && memchr(v, '\0', (size_t)ind) != NULL)))
			abort();   /* passed bytes the target refuses */
		if (d->cls == RPL_CLASS_INT) {   /* respelled as its digits */
			size_t k = v[0] == '-' ? 1 : 0;
			if ((size_t)ind <= k || strspn(v + k, "0123456789") != (size_t)ind - k)
				abort();
		}
	}
	return 0;
}
