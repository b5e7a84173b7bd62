/* tests/fuzz/fuzz_rpc_framing.c: the control socket's line framing (daemon/rpc.c
 * rd_frame_feed) fed the input in pieces whose sizes come from the input, with a
 * small line limit so the over-long path is reached too. */
#include "fuzz.h"
#include "rpc.h"

static bool
on_line(void *ud, const char *line, size_t len)
{
	size_t *total = ud;
	if (line != NULL)
		for (size_t i = 0; i < len; i++)
			*total += (unsigned char)line[i] == '\n';   /* a newline inside a line is a bug */
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rd_frame f;
	size_t newlines_inside = 0;
	rd_frame_init(&f, 64);
	for (size_t at = 0; at < size;) {
		size_t n = 1 + data[at] % 17;
		if (n > size - at)
			n = size - at;
		if (rd_frame_feed(&f, (const char *)data + at, n, on_line, &newlines_inside) < 0)
			break;
		at += n;
	}
	rd_frame_fini(&f);
	if (newlines_inside != 0)
		abort();
	return 0;
}
