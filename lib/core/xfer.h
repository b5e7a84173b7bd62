/* lib/core/xfer.h: internal to the copy: the row-wise transport buffer. Each column has one
 * C type used by both the source fetch and the target insert, chosen from the pair
 * of engines (DRIVERS.md traps decide: SQLite sides move decimals, doubles, dates and
 * timestamps as text because sqliteodbc rounds them otherwise). A row is
 * [value|indicator] per column at fixed offsets, so one offset moves every column to
 * row i: that is what lets SQLite insert row by row and a failed batch be re-sent in
 * halves without copying anything. */
#ifndef RPL_XFER_H
#define RPL_XFER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "catalog.h"
#include "copy.h"
#include "plan.h"

struct rpl_xcol {
	const struct rpl_column *src, *dst;   /* borrowed from the copy's tables */
	enum rpl_class cls;                   /* transport class (the source's) */
	SQLSMALLINT c_type;                   /* SQL_C_* on both sides */
	SQLSMALLINT fetch_type;               /* SQL_C_* an ODBC source binds (rpl_xbuf_bind_cols):
	                                       * c_type, but for a MariaDB boolean SQL_C_UTINYINT,
	                                       * the same byte: Connector/ODBC 3.1.15 left a BIT(1)
	                                       * 1 after a NULL with a NULL indicator as SQL_C_BIT */
	SQLSMALLINT param_type;               /* SQL type announced to the target */
	SQLULEN param_size;
	SQLSMALLINT param_digits;
	size_t off, ind_off;                  /* within a row */
	SQLLEN width;                         /* value buffer bytes */
	bool as_text;                         /* c_type is SQL_C_CHAR */
	bool ool;                             /* out of line: the row holds an offset into the heap */
	bool chunk_sized;                     /* in line, its width a share of load.chunk_bytes
	                                       * (an unbounded text or binary): a larger chunk
	                                       * holds a longer value */
	bool verbatim;                        /* SQLite to SQLite, both through the library: the
	                                       * value as SQLite stored it (RPL_XV_*), see below */
	bool endless;                         /* a date or timestamp that may hold PostgreSQL's
	                                       * ±infinity: in its struct (RPL_YEAR_*INFINITY),
	                                       * or as psqlODBC's text (RPL_XFER_SRC_PGODBC) */
};

/* The longest text of a decimal: PostgreSQL's numeric without precision holds 131072
 * digits before the point and 16383 after it, and a sign (numeric_out writes no
 * exponent). A decimal without precision goes out of line where the path allows it
 * (rpl_xbuf_layout), so no slot bounds it; in line, see xfer.c decimal_width. */
#define RPL_XFER_DECIMAL_TEXT_MAX (1 + 131072 + 1 + 16383)

/* PostgreSQL to PostgreSQL through COPY on both sides (RPL_XFER_PG_COPY): 'infinity'
 * and '-infinity' dates and timestamps travel in their structs as these years, which
 * no date the readers accept has (years 1..9999), and the COPY sinks write them back
 * as infinity, binary or text. Anywhere else they are misfits (rule date_range). */
#define RPL_YEAR_INFINITY ((SQLSMALLINT)32767)
#define RPL_YEAR_MINUS_INFINITY ((SQLSMALLINT)-32768)

/* PostgreSQL's dates outside years 1..9999 (4713 BC to 5874897 AD; a timestamp's to
 * 294276 AD) travel the same way, PostgreSQL to PostgreSQL through COPY: a struct's
 * year cannot hold 5874897, so the year is RPL_YEAR_FAR and month and day hold the
 * day number (rpl_xdate_far_put); a timestamp's time of day stays in its own fields,
 * so the value rules judge its fraction as any other's. Both fields are at least 1:
 * no zero date (rules.c). Into other targets such a date is a misfit (rule
 * date_range), as ±infinity is; a SQLite target's dates travel as text, kept. */
#define RPL_YEAR_FAR ((SQLSMALLINT)-32767)
enum { RPL_XDATE_FAR_BIAS = 2440588 };   /* days from 4713-11-24 BC to 1970-01-01 */

/* rpl_xdate_far_put: days (since 1970-01-01, plan.h) into *m and *d (RPL_YEAR_FAR);
 * false when the struct cannot hold it (none of PostgreSQL's dates) */
static inline bool
rpl_xdate_far_put(long long days, SQLUSMALLINT *m, SQLUSMALLINT *d)
{
	long long u = days + RPL_XDATE_FAR_BIAS;
	if (u < 0 || u >= 65535LL * 65535LL)
		return false;
	*m = (SQLUSMALLINT)(1 + u / 65535), *d = (SQLUSMALLINT)(1 + u % 65535);
	return true;
}

/* rpl_xdate_far_days: the days since 1970-01-01 a RPL_YEAR_FAR struct's m and d hold */
static inline long long
rpl_xdate_far_days(SQLUSMALLINT m, SQLUSMALLINT d)
{
	return ((long long)m - 1) * 65535 + ((long long)d - 1) - RPL_XDATE_FAR_BIAS;
}

/* SQLite to SQLite keeps every value's storage class (issue #15: an INTEGER 42 in an
 * untyped column arrived as the TEXT '42'), and judges nothing SQLite itself does not
 * judge: the target applies its own affinity, and a STRICT table its own types. A
 * verbatim column is out of line and SQL_C_BINARY; its value in the heap is one byte
 * of storage class, then the INTEGER (int64_t) or REAL (double) in native byte order,
 * or the TEXT (UTF-8) or BLOB bytes, and a NUL byte not counted; the indicator counts
 * the class byte and the value. The codes are SQLite's own (SQLITE_INTEGER …). */
enum { RPL_XV_INTEGER = 1, RPL_XV_REAL = 2, RPL_XV_TEXT = 3, RPL_XV_BLOB = 4 };

/* A misfit: a value the source could not read as its column's type without changing
 * it (SQLite keeps any storage class in any column: text in an INTEGER column, a REAL
 * 3.5 in one). Its row's indicator is RPL_IND_MISFIT and the value's own text and
 * the reason wait in the buffer's list, so the value rules reject the row naming the
 * column (rpl_rules_apply) and the reject file shows the value as it was. */
#define RPL_IND_MISFIT ((SQLLEN)-1000)   /* no ODBC indicator value (those are -1..-7) */
struct rpl_misfit {
	size_t row, col;
	int rule;                /* enum rpl_rule */
	char value[96];          /* the value as text (cut to fit: it is only shown) */
	char why[200];
};

struct rpl_xbuf {
	struct rpl_xcol *cols;   /* owned */
	size_t ncols;
	size_t row_size;
	size_t rows;             /* capacity in rows */
	unsigned char *data;     /* owned, (rows + 1) * row_size: the extra row is scratch */
	SQLUSMALLINT *status;    /* owned, 2 * rows: fetch status, then insert status */
	int *act;                /* owned, ncols: rules.c's pending change per column */
	size_t *cut;             /* owned, ncols: truncation length per column */
	/* Out-of-line values. A text or binary column given a fixed slot needs the
	 * longest value's room in every row: at a sixteenth of a chunk per unbounded
	 * value, 3 bytea columns left 5 rows per chunk, and the seed table's varchars
	 * (4 bytes a character) 180; a decimal without precision may have 147457
	 * characters (RPL_XFER_DECIMAL_TEXT_MAX). When the source
	 * writes the buffer itself (the COPY and SQLite-library readers) and the target
	 * reads it through rpl_xval (COPY, LOAD DATA, SQLite library), every such column's
	 * row slot holds an offset into this heap, which grows with the chunk's data
	 * and is emptied before each fetch; a source ends its chunk once heap_len
	 * passes heap_soft, so a chunk stays near chunk_bytes whatever the values. */
	unsigned char *heap;     /* owned; NULL when no column is ool */
	size_t heap_len, heap_cap, heap_soft;
	struct rpl_misfit *misfits;   /* owned; this chunk's; emptied before each fetch (the sources,
	                               * copy_reader.c), which adds a decimal longer than its slot */
	size_t nmisfits, misfits_cap;
};

/* rpl_xval_in: the value of column x in the row that starts at row (for an ool
 * column, in the heap); for loops that keep the row's address. */
static inline void *rpl_xval_in(const struct rpl_xbuf *b, unsigned char *row, const struct rpl_xcol *x)
{
	unsigned char *slot = row + x->off;
	if (!x->ool)
		return slot;
	uint64_t off;
	memcpy(&off, slot, sizeof off);
	return b->heap + off;
}

/* rpl_xval: the value of row r, column c (for an ool column, in the heap). */
static inline void *rpl_xval(const struct rpl_xbuf *b, size_t row, size_t col)
{
	return rpl_xval_in(b, b->data + row * b->row_size, &b->cols[col]);
}
static inline SQLLEN *rpl_xind(const struct rpl_xbuf *b, size_t row, size_t col)
{ return (SQLLEN *)(void *)(b->data + row * b->row_size + b->cols[col].ind_off); }

/* rpl_xtext: the text (or bytes) of a non-NULL value held as SQL_C_CHAR or
 * SQL_C_BINARY, its indicator ind: out of line, its length; in its slot, cut to the
 * slot (a text's room less its terminator); no length (SQL_NTS), up to its NUL. */
static inline void rpl_xtext(const struct rpl_xbuf *b, size_t row, size_t col, SQLLEN ind, const char **p, size_t *n)
{
	const struct rpl_xcol *x = &b->cols[col];
	const char *v = (const char *)rpl_xval(b, row, col);
	SQLLEN room = x->c_type == SQL_C_BINARY ? x->width : x->width - 1;
	*p = v;
	if (ind < 0)
		*n = x->c_type == SQL_C_BINARY ? 0 : strlen(v);
	else
		*n = x->ool ? (size_t)ind : (size_t)(ind < room ? ind : room);
}

/* Layout flags: a SQLite side read or written through the SQLite library
 * (sqlite_source.c, sqlite_sink.c) rather than sqliteodbc. Only sqliteodbc rounds doubles,
 * so through the library they move as SQL_C_DOUBLE, bit for bit, without printing
 * and parsing each one. */
enum {
	RPL_XFER_SRC_LIB = 1,
	RPL_XFER_DST_LIB = 2,
	RPL_XFER_OOL = 4,        /* not about SQLite: see rpl_xbuf_layout */
	RPL_XFER_SRC_MYODBC = 8, /* a MariaDB source read through Connector/ODBC: it gives a
	                          * zero date (0000-00-00) as NULL in a date struct, as text
	                          * as it is, so dates travel as text (rules.c zero_date) */
	RPL_XFER_DST_ENDLESS = 16,/* the sink writes RPL_YEAR_*INFINITY back as ±infinity
	                          * (libpq COPY) */
	RPL_XFER_SRC_PGODBC = 32,/* a PostgreSQL source read through psqlODBC: it gives
	                          * 'infinity' as today's date or 9999-12-31 23:59:59, and
	                          * '-infinity' as a zero date, in a struct: dates travel
	                          * as PostgreSQL's text (rules_dates.c rules_pg_date_text) */
	RPL_XFER_SRC_ENDLESS = 64,/* the source gives ±infinity dates as RPL_YEAR_*INFINITY
	                          * (libpq COPY) */
	RPL_XFER_PG_COPY = RPL_XFER_SRC_ENDLESS | RPL_XFER_DST_ENDLESS,   /* both: PostgreSQL
	                          * to PostgreSQL, COPY on both sides (RPL_YEAR_INFINITY) */
	RPL_XFER_TYPED = 128,    /* each value as its column's type, never verbatim (a
	                          * SQLite target read by verify against another engine's
	                          * rows, which are typed) */
};

/* rpl_xfer_lite_flags is the one place that decides which SQLite sides use the
 * library: the connection string names a Database= file and load.bulk is not
 * "odbc". The connection strings are borrowed for the call. */
unsigned rpl_xfer_lite_flags(enum rpl_engine se, const char *src_connstr, enum rpl_engine de,
                             const char *dst_connstr, bool bulk_odbc);

/* rpl_xbuf_layout chooses C types and widths for matched columns (src[i] -> dst[i])
 * and allocates rows fitting in chunk_bytes; flags: RPL_XFER_* (rpl_xfer_lite_flags,
 * and RPL_XFER_OOL: text, binary and unbounded decimal values kept out of line, see
 * struct rpl_xbuf, with rows and heap sharing chunk_bytes). */
int rpl_xbuf_layout(struct rpl_xbuf *b, const struct rpl_column *const *src,
                    const struct rpl_column *const *dst, size_t n, enum rpl_engine se,
                    enum rpl_engine de, unsigned flags, int64_t chunk_bytes, struct rpl_err *err);

/* rpl_xbuf_heap_put makes room for n bytes of row r's value of ool column c and
 * points the row at it; the caller writes the value there and then claims what it
 * used with rpl_xbuf_heap_used. NULL: out of memory. */
void *rpl_xbuf_heap_grow(struct rpl_xbuf *b, size_t r, size_t c, size_t n);
static inline void *rpl_xbuf_heap_put(struct rpl_xbuf *b, size_t r, size_t c, size_t n)
{
	/* inline while the heap has room: a source calls it for every text it reads */
	if (b->heap_len + n > b->heap_cap)
		return rpl_xbuf_heap_grow(b, r, c, n);
	uint64_t off = b->heap_len;
	memcpy(b->data + r * b->row_size + b->cols[c].off, &off, sizeof off);
	return b->heap + off;
}
static inline void rpl_xbuf_heap_used(struct rpl_xbuf *b, size_t used) { b->heap_len += used; }
/* rpl_xbuf_heap_full: has this chunk's heap reached its share of chunk_bytes? */
static inline bool rpl_xbuf_heap_full(const struct rpl_xbuf *b) { return b->heap != NULL && b->heap_len >= b->heap_soft; }
/* rpl_xbuf_null_ool clears an ool column's slot for a NULL (its offset must stay valid). */
static inline void rpl_xbuf_null_ool(struct rpl_xbuf *b, size_t r, size_t c)
{
	if (b->cols[c].ool)
		memset(b->data + r * b->row_size + b->cols[c].off, 0, sizeof(uint64_t));
}
void rpl_xbuf_fini(struct rpl_xbuf *b);

/* rpl_xbuf_endless stores PostgreSQL's infinity (minus: -infinity) as row r's value
 * of endless column c (RPL_YEAR_INFINITY). */
void rpl_xbuf_endless(struct rpl_xbuf *b, size_t r, size_t c, bool minus);

/* rpl_xbuf_far stores a date outside years 1..9999, days since 1970-01-01 and us its
 * time of day (-1: a date), as row r's value of endless column c (RPL_YEAR_FAR);
 * false, nothing stored, when the struct cannot hold it. */
static inline bool
rpl_xbuf_far(struct rpl_xbuf *b, size_t r, size_t c, long long days, int64_t us)
{
	const struct rpl_xcol *x = &b->cols[c];
	void *v = rpl_xval(b, r, c);
	SQLUSMALLINT m, d;
	if (!x->endless || !rpl_xdate_far_put(days, &m, &d))
		return false;
	if (x->c_type == SQL_C_TYPE_DATE) {
		*(SQL_DATE_STRUCT *)v = (SQL_DATE_STRUCT){ .year = RPL_YEAR_FAR, .month = m, .day = d };
		*rpl_xind(b, r, c) = sizeof(SQL_DATE_STRUCT);
	} else {
		int64_t s = us < 0 ? 0 : us / 1000000;
		*(SQL_TIMESTAMP_STRUCT *)v = (SQL_TIMESTAMP_STRUCT){ .year = RPL_YEAR_FAR, .month = m, .day = d,
			.hour = (SQLUSMALLINT)(s / 3600), .minute = (SQLUSMALLINT)(s / 60 % 60),
			.second = (SQLUSMALLINT)(s % 60), .fraction = (SQLUINTEGER)(us < 0 ? 0 : us % 1000000 * 1000) };
		*rpl_xind(b, r, c) = sizeof(SQL_TIMESTAMP_STRUCT);
	}
	return true;
}

/* rpl_xdate_is_far: is v, a value of column x, a RPL_YEAR_FAR date or timestamp? */
static inline bool
rpl_xdate_is_far(const struct rpl_xcol *x, const void *v)
{
	if (!x->endless)
		return false;
	if (x->c_type == SQL_C_TYPE_DATE)
		return ((const SQL_DATE_STRUCT *)v)->year == RPL_YEAR_FAR;
	return x->c_type == SQL_C_TYPE_TIMESTAMP && ((const SQL_TIMESTAMP_STRUCT *)v)->year == RPL_YEAR_FAR;
}

/* rpl_xdate_far_text writes a RPL_YEAR_FAR value v of column x as PostgreSQL's text
 * ("0044-03-15 BC", rpl_day_pgtext) into out (n bytes, 64 hold any); returns its length */
static inline int
rpl_xdate_far_text(const struct rpl_xcol *x, const void *v, char *out, size_t n)
{
	if (x->c_type == SQL_C_TYPE_DATE) {
		const SQL_DATE_STRUCT *d = v;
		return rpl_day_pgtext((long)rpl_xdate_far_days(d->month, d->day), -1, false, out, n);
	}
	const SQL_TIMESTAMP_STRUCT *t = v;
	long long us = ((long long)t->hour * 3600 + t->minute * 60 + t->second) * 1000000 + t->fraction / 1000;
	return rpl_day_pgtext((long)rpl_xdate_far_days(t->month, t->day), us, false, out, n);
}

/* rpl_xbuf_misfit marks row r's value of column c as a misfit (see struct rpl_misfit):
 * value (len bytes, borrowed) is kept for the reject file, why says what is wrong,
 * rule is the enum rpl_rule the row is rejected by. RPL_ENOMEM only. */
int rpl_xbuf_misfit(struct rpl_xbuf *b, size_t r, size_t c, int rule, const char *value, size_t len,
                    const char *why, struct rpl_err *err);
/* rpl_xbuf_misfit_find: the misfit of row r, column c, or NULL. */
const struct rpl_misfit *rpl_xbuf_misfit_find(const struct rpl_xbuf *b, size_t r, size_t c);

/* rpl_xbuf_bind_cols binds every column for a row-wise block fetch on st. */
int rpl_xbuf_bind_cols(struct rpl_xbuf *b, SQLHSTMT st, SQLULEN *fetched);
/* rpl_xbuf_bind_params binds every column as a row-wise parameter array on st,
 * starting at row base (rows for the scratch row) and moved by *offset bytes. */
int rpl_xbuf_bind_params(struct rpl_xbuf *b, SQLHSTMT st, size_t base, SQLULEN *offset);

/* Column-wise parameter arrays: MariaDB Connector/ODBC 3.1 runs a row-wise array as
 * one execute per row, but a column-wise one as a single bulk execute. The writer
 * copies the rows it sends into these arrays (one set, bound once). */
struct rpl_xcols {
	unsigned char **val;     /* owned: per column, rows * width bytes */
	SQLLEN **ind;            /* owned: per column, rows indicators */
	size_t rows, ncols;
};
int rpl_xcols_init(struct rpl_xcols *xc, const struct rpl_xbuf *b, struct rpl_err *err);
void rpl_xcols_fini(struct rpl_xcols *xc);
/* rpl_xcols_bind binds the arrays as st's column-wise parameters. */
int rpl_xcols_bind(struct rpl_xcols *xc, const struct rpl_xbuf *b, SQLHSTMT st);
/* rpl_xcols_fill copies rows [first, first+n) of b to positions 0..n-1. */
void rpl_xcols_fill(struct rpl_xcols *xc, const struct rpl_xbuf *b, size_t first, size_t n);

/* rpl_xbuf_rebind_binary binds the binary columns again: sqliteodbc keeps the length
 * a binary parameter had at its first execute (DRIVERS.md), so each row re-binds. */
int rpl_xbuf_rebind_binary(struct rpl_xbuf *b, SQLHSTMT st, size_t base);

/* rpl_xbuf_value_json appends row r column c as a JSON value (reject files). */
struct rpl_sbuf;
void rpl_xbuf_value_json(const struct rpl_xbuf *b, size_t r, size_t c, struct rpl_sbuf *out);

/* Value rules (rules.c): check and sanitize row r in place. Returns -1 and sets
 * *rule, *col and reason when the row must be rejected, else 0; nulled[] counts
 * values a rule set to NULL (or truncated). */
struct rpl_rules {
	const struct rpl_dialect *dst_dialect;
	bool truncate_strings;
	const char *const *placeholder_dates;
	size_t n_placeholder_dates;
	const bool *judged;   /* borrowed, ncols; NULL: every column. false: no value of this
	                       * column can meet a rule (rpl_rules_plan), only its NULLs are checked */
	const bool *nul_only; /* borrowed, ncols, or NULL: a column not judged whose text is
	                       * only looked at for a NUL (rpl_rules_plan) */
	const size_t *watch;  /* borrowed (rpl_rules_watch), or NULL: every column */
	size_t nwatch;
	size_t nnul;          /* watch[nwatch .. nwatch + nnul): the nul_only columns */
	bool untyped_source;  /* SQLite: a decimal column's values may be spelled any way, or
	                       * not be numbers at all (rules.c reads each one) */
};
/* rpl_rules_plan decides per column whether its values can meet a rule at all: a
 * source that enforces its own types (not SQLite) cannot send an integer, decimal,
 * string or binary value that a target column at least as wide would refuse, nor
 * MariaDB a NaN. Dates are always judged (placeholder dates, target ranges). */
/* nul_only (NULL: such columns are judged whole) marks the text columns whose only
 * rule is a NUL into PostgreSQL's text, looked at with one memchr: a MariaDB text
 * column into PostgreSQL judged whole cost verify 14 % more instructions. */
void rpl_rules_plan(const struct rpl_rules *ru, const struct rpl_xbuf *b, enum rpl_engine src_engine, bool *judged,
                    bool *nul_only);
/* rpl_rules_watch fills watch (ncols entries) with the columns rpl_rules_apply looks
 * at in a chunk that holds no misfit: the judged ones (ru->judged set), and those
 * whose NULL the target refuses; returns their number. The others hold nothing to
 * look at, and a value loop over all of them cost a tenth of a wide table's copy. */
/* The nul_only columns follow them in watch, *nnul of them: rpl_rules_apply looks at
 * those in a loop of their own, one memchr a value. */
size_t rpl_rules_watch(const struct rpl_rules *ru, const struct rpl_xbuf *b, size_t *watch, size_t *nnul);
int rpl_rules_apply(const struct rpl_rules *ru, struct rpl_xbuf *b, size_t r,
                    int64_t nulled[RPL_NRULES], enum rpl_rule *rule, size_t *col,
                    char *reason, size_t reason_len);
/* rpl_rules_change: the rule of column c's change in the row rpl_rules_apply passed
 * last (b->act[c] nonzero): made NULL by a rule, cut, or -0.0 written as 0 */
enum rpl_rule rpl_rules_change(const struct rpl_xbuf *b, size_t c);

#endif
