/* lib/core/catalog.h: a table's columns and primary key as the ODBC catalog functions
 * report them (SQLColumns, SQLPrimaryKeys), never inferred from data. Also the
 * transport class each column travels as (docs/architecture.md "One row, from source to target" step 2). */
#ifndef RPL_CATALOG_H
#define RPL_CATALOG_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"

enum rpl_class {
	RPL_CLASS_INT,        /* tinyint..bigint: int64 */
	RPL_CLASS_DECIMAL,    /* numeric/decimal: exact text, never double */
	RPL_CLASS_DOUBLE,     /* real/float/double */
	RPL_CLASS_DATE,
	RPL_CLASS_TIMESTAMP,  /* with fractional seconds */
	RPL_CLASS_TIME,       /* as text */
	RPL_CLASS_TEXT,       /* UTF-8 */
	RPL_CLASS_BINARY,
	RPL_CLASS_BOOL,
	RPL_CLASS_GUID,       /* as text */
};

/* rpl_kind: what a column's type is beyond its class, for the cross-engine type
 * mapping of created tables (docs/engines.md "Type mapping"); set by coltypes.c. */
enum rpl_kind {
	RPL_KIND_PLAIN,       /* nothing more than the class says */
	RPL_KIND_ENUM,        /* PostgreSQL enum, MariaDB ENUM */
	RPL_KIND_SET,         /* MariaDB SET */
	RPL_KIND_ARRAY,       /* PostgreSQL arrays: their text form */
	RPL_KIND_JSON,
	RPL_KIND_INTERVAL,
	RPL_KIND_NET,         /* inet, cidr, macaddr, macaddr8 */
	RPL_KIND_MONEY,       /* read as numeric (sqlgen.c) */
	RPL_KIND_BITS,        /* PostgreSQL bit(n)/varbit as '0101' text; MariaDB BIT(n) */
	RPL_KIND_YEAR,
	RPL_KIND_TIMETZ,
	RPL_KIND_TIMESTAMPTZ, /* PostgreSQL timestamptz, MariaDB TIMESTAMP */
	RPL_KIND_GEOMETRY,    /* MariaDB spatial types (their internal bytes), PostgreSQL geometric types */
	RPL_KIND_TSVECTOR,
	RPL_KIND_XML,
	RPL_KIND_CHAR,        /* fixed-length char(n) */
	RPL_KIND_ROWID,       /* SQLite INTEGER PRIMARY KEY: the rowid itself */
	RPL_KIND_OTHER_TEXT,  /* any other type travelling as its text form */
};

/* The characters a text column can hold, where a MariaDB character set holds fewer
 * than Unicode's: utf8mb3 and ucs2 the Basic Multilingual Plane (no 4-byte UTF-8),
 * latin1 (MariaDB's cp1252), ascii. ANY: every character, or a set replicad does not
 * judge (the server still does). */
enum rpl_charset { RPL_CHARSET_ANY, RPL_CHARSET_BMP, RPL_CHARSET_UCS2, RPL_CHARSET_LATIN1, RPL_CHARSET_ASCII };

struct rpl_column {
	char name[128];
	char type_name[64];       /* the engine's own name, e.g. "numeric", "varchar" */
	int sql_type;             /* ODBC SQL type (SQL_DECIMAL, SQL_TYPE_TIMESTAMP, …) */
	long size;                /* chars, digits or bytes; 0 when unknown/unbounded */
	int scale;                /* decimal digits (numeric scale, fractional seconds) */
	bool nullable;
	int pk_pos;               /* 1-based position in the primary key, 0 if not in it */
	enum rpl_class cls;
	int int_bytes;            /* RPL_CLASS_INT: 1, 2, 4 or 8 */
	bool is_long;             /* unbounded text/binary (text, bytea, BLOB, MAX) */
	bool non_utf8;            /* MariaDB text column in a character set other than UTF-8
	                           * (latin1, …): LOAD DATA must convert into it (sqlgen.h) */
	enum rpl_charset charset; /* the characters a MariaDB text column holds, by its
	                           * character set (coltypes.c); the value rules reject
	                           * the others (rules_text.c) */
	/* read from the engine's own catalog by coltypes.c (issue #15) */
	char decl[1024];          /* the declared type as the engine writes it in CREATE TABLE
	                           * (PostgreSQL format_type, MariaDB COLUMN_TYPE with its
	                           * character set and collation, SQLite's declared type);
	                           * a created table of the same engine uses it. "" when
	                           * unknown or longer (an ENUM of many values): the
	                           * cross-engine type is used instead */
	enum rpl_kind kind;       /* what the type is beyond its transport class */
	bool has_default;         /* an INSERT that leaves it out still gives it a value: a
	                           * DEFAULT, identity/serial/AUTO_INCREMENT, generated, or
	                           * SQLite's INTEGER PRIMARY KEY (the rowid) (colmap.h) */
	/* a PostgreSQL numeric without precision about to be created elsewhere: the most
	 * integer digits and decimal places its rows hold (numextent.h); seen false when
	 * not measured or the column holds no number */
	bool seen;
	int seen_int, seen_scale;
	/* the column's DEFAULT clause as its engine writes it ("DEFAULT (…)", MariaDB's
	 * "ON UPDATE …" after it), read by coltypes.c; a created table of the same engine
	 * keeps it. "" when none, longer, or naming an object a created table lacks (a
	 * PostgreSQL sequence or function of the user's) */
	char default_clause[1024];
};

struct rpl_table {
	char *schema;             /* owned; NULL if none */
	char *name;               /* owned */
	struct rpl_column *cols;  /* owned, in ordinal order */
	size_t ncols;
	int npk;                  /* columns in the primary key */
};

/* rpl_catalog_read fills t with table schema.name as seen from c; *exists is false
 * (and t empty) when the table is not there. */
int rpl_catalog_read(struct rpl_conn *c, const char *schema, const char *name,
                     struct rpl_table *t, bool *exists, struct rpl_err *err);

void rpl_table_fini(struct rpl_table *t);

/* rpl_table_copy fills out (to be rpl_table_fini'd) with a deep copy of in (borrowed).
 * Returns 0 or RPL_ENOMEM. */
int rpl_table_copy(struct rpl_table *out, const struct rpl_table *in, struct rpl_err *err);

/* rpl_table_find returns the column named name: spelled exactly, else the first
 * whose name differs only in case; or NULL. */
const struct rpl_column *rpl_table_find(const struct rpl_table *t, const char *name);

/* rpl_class_of maps an ODBC SQL type to its transport class and, for integers, the
 * width; false when replicad has no exact transport for the type. */
bool rpl_class_of(int sql_type, const char *type_name, enum rpl_class *cls, int *int_bytes);

const char *rpl_class_name(enum rpl_class c);

#endif
