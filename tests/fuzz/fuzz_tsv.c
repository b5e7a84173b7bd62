/* tests/fuzz/fuzz_tsv.c: the text COPY and LOAD DATA fields (lib/core/tsv.c) for values a
 * source may hold: the input fills one row, column by column (a 1-byte length, or
 * 255 for NULL), and is rendered in both flavours; a rendered row must be one line
 * with one tab between each of its fields, whatever bytes the values hold. */
#include "fuzz.h"
#include "fuzz_cols.h"
#include "sbuf.h"
#include "tsv.h"

static void
fill(struct rpl_xbuf *b, const uint8_t *data, size_t size)
{
	size_t at = 0;
	b->heap_len = 0;
	for (size_t c = 0; c < b->ncols; c++) {
		const struct rpl_xcol *x = &b->cols[c];
		size_t n = at < size ? data[at++] : 255;
		if (n == 255 || !x->src->nullable) {
			rpl_xbuf_null_ool(b, 0, c);
			*rpl_xind(b, 0, c) = SQL_NULL_DATA;
			continue;
		}
		if (n > size - at)
			n = size - at;
		bool text = x->ool || x->c_type == SQL_C_CHAR || x->c_type == SQL_C_BINARY;
		if (!text)
			n = n < (size_t)x->width ? n : (size_t)x->width;
		if (text && !x->ool && n >= (size_t)x->width)
			n = (size_t)x->width - 1;
		unsigned char *dst = x->ool ? rpl_xbuf_heap_put(b, 0, c, n + 1) : rpl_xval(b, 0, c);
		if (dst == NULL)
			abort();
		memset(dst, 0, text ? n + 1 : (size_t)x->width);
		memcpy(dst, data + at, n);
		if (x->ool)
			rpl_xbuf_heap_used(b, n + 1);
		if (x->cls == RPL_CLASS_DECIMAL)   /* the decimal text a source writes: digits only */
			for (size_t i = 0; i < n; i++)
				dst[i] = (unsigned char)('0' + dst[i] % 10);
		*rpl_xind(b, 0, c) = text ? (SQLLEN)n : x->width;
		at += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpl_xbuf b;
	static int laid;
	if (!laid++)
		fuzz_layout(&b);
	fill(&b, data, size);
	for (int f = 0; f < 2; f++) {
		struct rpl_sbuf out = { 0 };
		rpl_tsv_rows(f ? RPL_TSV_MARIADB_LOAD : RPL_TSV_PG_COPY, &b, 0, 1, &out);
		size_t tabs = 0, nl = 0;
		for (size_t i = 0; i < out.len; i++) {
			tabs += out.s[i] == '\t';
			nl += out.s[i] == '\n';
		}
		if (!out.failed && (nl != 1 || out.s[out.len - 1] != '\n' || tabs != b.ncols - 1))
			abort();
		rpl_sbuf_fini(&out);
	}
	return 0;
}
