/* tests/fuzz/fuzz_pgbinread.c: PostgreSQL's binary COPY as a server sends it
 * (lib/pg/pg_binread.c), one message after another into rows of a buffer: the input is
 * cut into messages by a 2-byte length before each. */
#include "fuzz.h"
#include "fuzz_cols.h"
#include "pg_binread.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpl_xbuf b;
	static int laid;
	if (!laid++)
		fuzz_layout(&b);
	b.heap_len = 0;
	size_t r = 0;
	for (size_t at = 0; at + 2 <= size && r < b.rows;) {
		size_t n = (size_t)data[at] << 8 | data[at + 1];
		at += 2;
		if (n > size - at)
			n = size - at;
		int got = 0;
		bool end = false;
		struct rpl_err err = RPL_ERR_INIT;
		if (rpl_pgbinread_message(data + at, n, &b, r, &got, &end, &err) < 0 || end)
			break;
		r += (size_t)got;
		at += n;
	}
	return 0;
}
