/* lib/core/vcross.c: a MariaDB source's rows hashed as a PostgreSQL target's server
 * hashes them, for verify's digest between the two (see vcross.h). */
#include "vcross.h"
#include "pg_hash.h"
#include "vcmp.h"
#include "xfer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__extension__ typedef __int128 vx_i128;   /* the exact sum, as PostgreSQL's sum(int8) */
__extension__ typedef unsigned __int128 vx_u128;

#define PG_EPOCH_DAYS 10957L   /* 2000-01-01, PostgreSQL's day 0, in days since 1970 */

/* ts_unit[d]: the nanoseconds of a timestamp's last kept digit, d fractional digits */
static const int64_t ts_unit[7] = { 1000000000, 100000000, 10000000, 1000000, 100000, 10000, 1000 };

static bool
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* target_type: how a PostgreSQL column of declared type decl (format_type) is
 * hashed in vdigest.h's statement, and which source classes can be put in it; false:
 * not by this digest */
static bool
target_type(const char *decl, struct rpl_vcross_col *x)
{
	static const struct { const char *decl; enum rpl_pgh t; } plain[] = {
		{ "smallint", RPL_PGH_INT2 }, { "integer", RPL_PGH_INT4 }, { "bigint", RPL_PGH_INT8 },
		{ "boolean", RPL_PGH_BOOL }, { "double precision", RPL_PGH_FLOAT8 }, { "date", RPL_PGH_DATE },
		{ "text", RPL_PGH_TEXT }, { "bytea", RPL_PGH_BYTEA },
	};
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		if (strcmp(decl, plain[i].decl) == 0) {
			*x = (struct rpl_vcross_col){ .t = plain[i].t };
			return true;
		}
	int p, s, len = 0;
	if (starts(decl, "character varying")) {
		*x = (struct rpl_vcross_col){ .t = RPL_PGH_TEXT };
		return true;
	}
	if (sscanf(decl, "numeric(%d,%d)%n", &p, &s, &len) == 2 && decl[len] == '\0' && s >= 0) {
		*x = (struct rpl_vcross_col){ .t = RPL_PGH_NUMERIC, .digits = s };
		return true;
	}
	if (sscanf(decl, "numeric(%d)%n", &p, &len) == 1 && decl[len] == '\0') {
		*x = (struct rpl_vcross_col){ .t = RPL_PGH_NUMERIC, .digits = 0 };
		return true;
	}
	if (strcmp(decl, "timestamp without time zone") == 0) {
		*x = (struct rpl_vcross_col){ .t = RPL_PGH_TS, .digits = 6 };
		return true;
	}
	if (sscanf(decl, "timestamp(%d) without time zone%n", &p, &len) == 1 && decl[len] == '\0' && p >= 0 &&
	    p <= 6) {
		*x = (struct rpl_vcross_col){ .t = RPL_PGH_TS, .digits = p };
		return true;
	}
	return false;
}

/* source_fits: can a source column of class c give the values of target type t? */
static bool
source_fits(const struct rpl_column *c, const struct rpl_vcol *vc, enum rpl_pgh t)
{
	switch (t) {
	case RPL_PGH_INT2: case RPL_PGH_INT4: case RPL_PGH_INT8: case RPL_PGH_BOOL:
		return c->cls == RPL_CLASS_INT || c->cls == RPL_CLASS_BOOL;
	case RPL_PGH_NUMERIC: return c->cls == RPL_CLASS_DECIMAL || c->cls == RPL_CLASS_INT;
	case RPL_PGH_FLOAT8: return c->cls == RPL_CLASS_DOUBLE;
	case RPL_PGH_DATE: return c->cls == RPL_CLASS_DATE;
	case RPL_PGH_TS: return c->cls == RPL_CLASS_TIMESTAMP || c->cls == RPL_CLASS_DATE;
	/* text as bytes: UTF-8, as the target keeps it; CHAR(n) compares without its
	 * trailing spaces, which the target's bytes keep */
	case RPL_PGH_TEXT: return c->cls == RPL_CLASS_TEXT && !c->non_utf8 && !vc->pad;
	case RPL_PGH_BYTEA: return c->cls == RPL_CLASS_BINARY;
	}
	return false;
}

bool
rpl_vcross_plan(const struct rpl_table *st, const struct rpl_table *tv, const struct rpl_vcol *vc,
                enum rpl_engine se, enum rpl_engine de, struct rpl_vcross_col *out)
{
	if (se != RPL_ENGINE_MARIADB || de != RPL_ENGINE_POSTGRES || st->ncols != tv->ncols || st->ncols == 0)
		return false;
	for (size_t i = 0; i < st->ncols; i++)
		if (!target_type(tv->cols[i].decl, &out[i]) || !source_fits(&st->cols[i], &vc[i], out[i].t))
			return false;
	return true;
}

/* numeric_hash: a decimal's hash and sign, its fraction no longer than the scale */
static bool
numeric_hash(const struct rpl_vval *v, int scale, uint64_t *h, bool *neg)
{
	char t[32];
	const char *p = v->dec;
	size_t n = v->n;
	if (v->k == RPL_V_INT) {
		n = (size_t)snprintf(t, sizeof t, "%lld", (long long)v->i);
		p = t;
	} else if (v->k != RPL_V_DEC) {
		return false;
	}
	const char *dot = memchr(p, '.', n);
	if (dot != NULL && (size_t)(p + n - dot - 1) > (size_t)scale)
		return false;   /* the target would have rounded it */
	*neg = p[0] == '-';
	return rpl_pghash_numeric(p, n, h) == 0;
}

/* dec_text: a decimal the buffer holds as plain text (MariaDB's: "-12.5000"), hashed
 * from the text itself: its canonical form (numtext.h, vcmp.h) cost half of the
 * hashing's CPU. 1 hashed, 0 not so plain (the caller takes the canonical way), -1
 * more fraction digits than scale (the target rounded them). */
static int
dec_text(const char *p, size_t n, int scale, uint64_t *h, bool *neg)
{
	size_t i = n > 0 && p[0] == '-' ? 1 : 0, k = i;
	unsigned any = 0;   /* a digit other than 0 */
	while (k < n && (unsigned)(p[k] - '0') < 10)
		any |= (unsigned)(p[k++] - '0');
	size_t ilen = k - i, fs = n, fe = n;
	if (ilen == 0)
		return 0;
	if (k < n) {   /* a point and at least one digit after it */
		if (p[k] != '.' || k + 1 == n)
			return 0;
		for (fs = ++k; k < n; k++) {
			if ((unsigned)(p[k] - '0') >= 10)
				return 0;
			any |= (unsigned)(p[k] - '0');
		}
		while (fe > fs && p[fe - 1] == '0')
			fe--;   /* trailing zeros: no digit of the value (nor of its hash) */
	}
	if (fe - fs > (size_t)scale)
		return -1;
	if ((ilen + 3) / 4 + (fe - fs + 3) / 4 > 64)
		return 0;   /* more digits than rpl_pghash_numeric takes: the canonical way says */
	*neg = i == 1 && any != 0;   /* -0.00 is 0 */
	*h = rpl_pghash_numeric_digits(p + i, ilen, p + fs, fe - fs);
	return 1;
}

/* value_hash: one non-NULL value's hash in the target's type t */
static bool
value_hash(const struct rpl_vval *v, const struct rpl_vcross_col *x, uint64_t *h, bool *neg)
{
	switch (x->t) {
	case RPL_PGH_INT2:
	case RPL_PGH_INT4: {
		int64_t lim = x->t == RPL_PGH_INT2 ? 32767 : 2147483647;
		if (v->k != RPL_V_INT || v->i > lim || v->i < -lim - 1)
			return false;
		*h = rpl_pghash_u32((uint32_t)(int32_t)v->i, 0);
		return true;
	}
	case RPL_PGH_INT8:
		*h = rpl_pghash_int8(v->i, 0);
		return v->k == RPL_V_INT;
	case RPL_PGH_BOOL:
		*h = rpl_pghash_u32((uint32_t)v->i, 0);
		return v->k == RPL_V_INT && (v->i == 0 || v->i == 1);
	case RPL_PGH_NUMERIC: return numeric_hash(v, x->digits, h, neg);
	case RPL_PGH_FLOAT8:
		*h = rpl_pghash_float8(v->d);
		return v->k == RPL_V_DBL;
	case RPL_PGH_DATE:
		*h = rpl_pghash_u32((uint32_t)(int32_t)(v->days - PG_EPOCH_DAYS), 0);
		return v->k == RPL_V_TS && v->ns == 0;
	case RPL_PGH_TS: {
		if (v->k != RPL_V_TS || v->ns % ts_unit[x->digits] != 0)
			return false;   /* more digits than the column keeps: it rounded them */
		*h = rpl_pghash_int8((int64_t)(v->days - PG_EPOCH_DAYS) * INT64_C(86400000000) + v->ns / 1000, 0);
		return true;
	}
	case RPL_PGH_TEXT:
	case RPL_PGH_BYTEA:
		*h = rpl_pghash_bytes((const unsigned char *)v->p, v->n, 0);
		return v->k == RPL_V_BYTES;
	}
	return false;
}

/* How a column of this chunk is hashed: straight from the buffer for the common
 * pairs of the target's type and the buffer's C type (the binary forms a MariaDB
 * source gives), or the general way (value_hash). Decided once per chunk: the
 * buffer's C types are the stream's, and this loop runs for every value. */
enum fast { F_GENERAL, F_INT4, F_INT8, F_FLOAT8, F_DATE, F_TS, F_BYTES, F_NUMERIC };

static enum fast
fast_kind(const struct rpl_xcol *xc, const struct rpl_vcross_col *x)
{
	bool ts = xc->c_type == SQL_C_TYPE_DATE || xc->c_type == SQL_C_TYPE_TIMESTAMP;
	switch (x->t) {
	case RPL_PGH_INT2:
	case RPL_PGH_INT4: return xc->c_type == SQL_C_SBIGINT ? F_INT4 : F_GENERAL;
	case RPL_PGH_INT8: return xc->c_type == SQL_C_SBIGINT ? F_INT8 : F_GENERAL;
	case RPL_PGH_FLOAT8: return xc->c_type == SQL_C_DOUBLE ? F_FLOAT8 : F_GENERAL;
	case RPL_PGH_DATE: return ts ? F_DATE : F_GENERAL;
	case RPL_PGH_TS: return ts ? F_TS : F_GENERAL;
	case RPL_PGH_TEXT:
	case RPL_PGH_BYTEA: return xc->c_type == SQL_C_CHAR || xc->c_type == SQL_C_BINARY ? F_BYTES : F_GENERAL;
	case RPL_PGH_NUMERIC: return xc->c_type == SQL_C_CHAR ? F_NUMERIC : F_GENERAL;
	case RPL_PGH_BOOL: return F_GENERAL;
	}
	return F_GENERAL;
}

/* fast_hash: one value's hash straight from the buffer, kind k (not F_GENERAL); 1
 * hashed, 0 take the general way (value_hash), -1 not hashable (value_hash says
 * false alike). Each case is value_hash's for the same value, which the target's
 * server checks (tests/integration/test_vcross.c: a copy of every type equal by the
 * digests alone). */
static int
fast_hash(const struct rpl_xbuf *b, size_t r, size_t c, SQLLEN ind, enum fast k, const struct rpl_vcross_col *x,
          uint64_t *h, bool *neg)
{
	const struct rpl_xcol *xc = &b->cols[c];
	const void *v = rpl_xval(b, r, c);
	switch (k) {
	case F_INT4: {
		int64_t i = *(const int64_t *)v, lim = x->t == RPL_PGH_INT2 ? 32767 : 2147483647;
		if (i > lim || i < -lim - 1)
			return -1;
		*h = rpl_pghash_u32((uint32_t)(int32_t)i, 0);
		return 1;
	}
	case F_INT8:
		*h = rpl_pghash_int8(*(const int64_t *)v, 0);
		return 1;
	case F_FLOAT8:
		*h = rpl_pghash_float8(*(const double *)v);
		return 1;
	case F_DATE:
	case F_TS: {
		long days;
		int64_t ns;
		if (!rpl_vts_struct(xc->c_type, v, &days, &ns))
			return 0;
		if (k == F_DATE) {
			if (ns != 0)
				return -1;
			*h = rpl_pghash_u32((uint32_t)(int32_t)(days - PG_EPOCH_DAYS), 0);
			return 1;
		}
		if (ns % ts_unit[x->digits] != 0)
			return -1;   /* more digits than the column keeps: it rounded them */
		*h = rpl_pghash_int8((int64_t)(days - PG_EPOCH_DAYS) * INT64_C(86400000000) + ns / 1000, 0);
		return 1;
	}
	case F_BYTES: {
		const char *p;
		size_t n;
		rpl_xtext(b, r, c, ind, &p, &n);
		*h = rpl_pghash_bytes((const unsigned char *)p, n, 0);
		return 1;
	}
	case F_NUMERIC: {
		const char *p;
		size_t n;
		rpl_xtext(b, r, c, ind, &p, &n);
		return dec_text(p, n, x->digits, h, neg);
	}
	case F_GENERAL:
		break;
	}
	return 0;
}

/* struct row_plan: what the row hash needs besides the row, set once per chunk */
struct row_plan {
	const struct rpl_vcol *vc;
	const struct rpl_vcross_col *xc;
	size_t ncols;
	enum fast *fast;        /* per column, this chunk's */
	uint64_t sign_hash[2];  /* a numeric's sign column, "col < 0", false and true */
};

/* row_hash: row r of b (the value rules applied) hashed as the target's server
 * hashes it in vdigest.h's statement; false when a value's target form is not
 * known exactly (vcross.h) */
static bool
row_hash(const struct rpl_xbuf *b, size_t r, const struct row_plan *pl, int64_t *h)
{
	uint64_t row = 0;
	struct rpl_vval v;
	for (size_t c = 0; c < pl->ncols; c++) {
		const struct rpl_vcross_col *x = &pl->xc[c];
		uint64_t e = 0;
		bool neg = false, null = false;
		SQLLEN ind = *rpl_xind(b, r, c);
		int d = 0;
		if (ind == SQL_NULL_DATA)
			null = true;
		else if (ind != RPL_IND_MISFIT && pl->fast[c] != F_GENERAL &&
		         (d = fast_hash(b, r, c, ind, pl->fast[c], x, &e, &neg)) < 0)
			return false;
		if (d == 0 && !null) {
			rpl_vval_get(b, r, c, pl->vc[c].cls, pl->vc[c].pad, &v);
			null = v.k == RPL_V_NULL;
			if (!null && !value_hash(&v, x, &e, &neg))
				return false;
		}
		row = rpl_pghash_record_add(row, e);
		/* vdigest.h: a numeric's sign is a column of its own, "col < 0" (NULL: 0) */
		if (x->t == RPL_PGH_NUMERIC)
			row = rpl_pghash_record_add(row, null ? 0 : pl->sign_hash[neg]);
	}
	*h = (int64_t)rpl_pghash_int8((int64_t)row, 0);
	return true;
}

/* sum_text: the exact sum as decimal text */
static void
sum_text(vx_i128 s, char *out, size_t n)
{
	char t[48];
	size_t k = sizeof t;
	bool neg = s < 0;
	vx_u128 u = neg ? -(vx_u128)s : (vx_u128)s;
	t[--k] = '\0';
	do {
		t[--k] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u != 0);
	if (neg)
		t[--k] = '-';
	snprintf(out, n, "%s", t + k);
}

/* read_rows: rpl_vcross_read's loop */
static int
read_rows(const struct rpl_vstream *src, const struct rpl_rules *rules, const struct row_plan *pl,
          const atomic_bool *cancel, struct rpl_xbuf *b, struct rpl_vcross_sum *out, struct rpl_err *err)
{
	vx_i128 sum = 0;
	for (;;) {
		if (cancel != NULL && atomic_load(cancel))
			return rpl_err_set(err, RPL_ECANCELED, "verify cancelled");
		size_t n = 0;
		int r = src->fetch(src->data, &b, &n, err);
		if (r < 0)
			return r;
		if (n == 0)
			break;
		for (size_t c = 0; c < pl->ncols; c++)
			pl->fast[c] = fast_kind(&b->cols[c], &pl->xc[c]);
		for (size_t i = 0; i < n; i++) {
			int64_t nulled[RPL_NRULES], h;
			enum rpl_rule rule;
			size_t col;
			char why[8];
			/* a rejected row is left out and counted by the rows' comparison */
			if ((rules != NULL && rpl_rules_apply(rules, b, i, nulled, &rule, &col, why, sizeof why) != 0) ||
			    !row_hash(b, i, pl, &h))
				return 0;
			sum += h;
		}
		out->rows += (int64_t)n;
	}
	out->proven = true;
	if (out->rows > 0)
		sum_text(sum, out->sum, sizeof out->sum);
	return 0;
}

int
rpl_vcross_read(const struct rpl_vstream *src, const struct rpl_rules *rules, const struct rpl_vcol *vc,
                const struct rpl_vcross_col *xc, size_t ncols, const atomic_bool *cancel,
                struct rpl_vcross_sum *out, struct rpl_err *err)
{
	*out = (struct rpl_vcross_sum){ .proven = false };
	struct rpl_xbuf *b = src->buf;
	struct row_plan pl = { vc, xc, ncols, calloc(ncols ? ncols : 1, sizeof *pl.fast),
	                       { rpl_pghash_u32(0, 0), rpl_pghash_u32(1, 0) } };
	if (pl.fast == NULL)
		return rpl_err_set(err, RPL_ENOMEM, "out of memory");
	int res = read_rows(src, rules, &pl, cancel, b, out, err);
	free(pl.fast);
	return res;
}
