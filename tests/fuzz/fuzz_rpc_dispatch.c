/* tests/fuzz/fuzz_rpc_dispatch.c: JSON-RPC 2.0 dispatch (daemon/rpc.c
 * rd_rpc_process): requests, batches, notifications, ids and params of every
 * shape, against a table of one read and one write method that unpack their params
 * strictly, as the daemon's methods do. */
#include "fuzz.h"
#include "rpc.h"

static int
m_echo(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	(void)ctx;
	const char *s = NULL;
	json_int_t n = 0;
	json_error_t jerr;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{s?s,s?I}", "s", &s, "n", &n) != 0)
		return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", jerr.text);
	*result = json_pack("{s:s?,s:I}", "s", s, "n", n);
	return 0;
}

static int
m_fail(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	(void)ctx;
	(void)result;
	rd_rpc_error_set(e, RD_RPC_BAD_STATE, "no");
	e->data = json_deep_copy(params);
	return -1;
}

static const struct rd_rpc_method methods[] = {
	{ "t.echo", m_echo, RD_RPC_READ },
	{ "t.fail", m_fail, RD_RPC_WRITE },
};
static const struct rd_rpc_table table = { methods, 2 };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	json_t *a = rd_rpc_process(&table, NULL, data[0] & 1, (const char *)data + 1, size - 1);
	if (a != NULL) {
		size_t n;
		char *text = rd_rpc_dump(a, &n);
		if (text == NULL || n == 0 || text[n - 1] != '\n' || memchr(text, '\n', n - 1) != NULL)
			abort();            /* an answer is exactly one line */
		free(text);
		json_decref(a);
	}
	json_decref(rd_rpc_process(&table, NULL, false, NULL, 0));   /* the too-large answer */
	return 0;
}
