/* tests/unit/test_rpc_framing.c: the control protocol's framing and JSON-RPC
 * dispatch (daemon/rpc.c), without a socket: lines split anywhere, CRLF, over-long
 * lines, every JSON-RPC error code, the write-permission flag, notifications and
 * batches. The socket itself is tested by tests/integration/test_serve_rpc.c. */
#include "rpc.h"
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- framing ---- */

struct lines { char got[16][64]; int n, too_long; };

static bool
collect(void *data, const char *line, size_t len)
{
	struct lines *l = data;
	if (line == NULL) {
		l->too_long++;
		snprintf(l->got[l->n++], 64, "<too long>");
	} else {
		snprintf(l->got[l->n++], 64, "%.*s", (int)len, line);
	}
	return true;
}

START_TEST(test_frame_split_anywhere)
{
	static const char in[] = "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}\n";
	/* every split point must give the same lines */
	for (size_t cut = 0; cut <= sizeof in - 1; cut++) {
		struct rd_frame f;
		struct lines l = { 0 };
		rd_frame_init(&f, 64);
		ck_assert_int_eq(rd_frame_feed(&f, in, cut, collect, &l), 0);
		ck_assert_int_eq(rd_frame_feed(&f, in + cut, sizeof in - 1 - cut, collect, &l), 0);
		ck_assert_msg(l.n == 4, "cut %zu: %d lines", cut, l.n);
		ck_assert_str_eq(l.got[0], "{\"a\":1}");
		ck_assert_str_eq(l.got[1], "{\"b\":2}");   /* the \r is not part of the message */
		ck_assert_str_eq(l.got[2], "");
		ck_assert_str_eq(l.got[3], "{\"c\":3}");
		ck_assert_uint_eq(f.len, 0);
		rd_frame_fini(&f);
	}
}
END_TEST

START_TEST(test_frame_too_long)
{
	struct rd_frame f;
	struct lines l = { 0 };
	char big[100];
	memset(big, 'x', sizeof big);
	rd_frame_init(&f, 10);
	/* exactly max is fine; max+1 is not, said once, and the next line is read */
	ck_assert_int_eq(rd_frame_feed(&f, "0123456789\n", 11, collect, &l), 0);
	ck_assert_int_eq(rd_frame_feed(&f, big, 40, collect, &l), 0);
	ck_assert_int_eq(rd_frame_feed(&f, big, 40, collect, &l), 0);
	ck_assert_msg(f.len == 0, "a discarded line is buffered: %zu bytes", f.len);
	ck_assert_int_eq(rd_frame_feed(&f, "tail\nok\n", 8, collect, &l), 0);
	ck_assert_int_eq(rd_frame_feed(&f, "01234567890\n", 12, collect, &l), 0);
	ck_assert_int_eq(l.n, 4);
	ck_assert_str_eq(l.got[0], "0123456789");
	ck_assert_str_eq(l.got[1], "<too long>");
	ck_assert_str_eq(l.got[2], "ok");
	ck_assert_str_eq(l.got[3], "<too long>");
	ck_assert_int_eq(l.too_long, 2);
	rd_frame_fini(&f);
}
END_TEST

/* ---- dispatch ---- */

static int calls;

static int
m_echo(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	json_int_t n;
	json_error_t jerr;
	(void)ctx;
	calls++;
	if (json_unpack_ex(params, &jerr, JSON_STRICT, "{s:I}", "n", &n) != 0)
		return rd_rpc_error_set(e, RD_RPC_PARAMS, "Invalid params: %s", jerr.text);
	*result = json_pack("{s:I}", "n", n + 1);
	return 0;
}

static int
m_poke(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	(void)ctx;
	(void)params;
	(void)e;
	calls++;
	*result = json_true();
	return 0;
}

/* test.slow takes 2 ms, so a batch of them outlasts any budget whatever the machine */
static int
m_slow(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	(void)ctx;
	(void)params;
	(void)e;
	struct timespec ts = { 0, 2000000L };
	nanosleep(&ts, NULL);
	calls++;
	*result = json_true();
	return 0;
}

/* test.later answers later when it can (rd_rpc_defer: the reply is kept in
 * pending), else at once with {"now": true} */
static struct rd_rpc_reply *pending;

static int
m_later(void *ctx, json_t *params, json_t **result, struct rd_rpc_error *e)
{
	(void)ctx;
	(void)params;
	(void)e;
	if ((pending = rd_rpc_defer()) != NULL)
		return RD_RPC_DEFERRED;
	*result = json_pack("{s:b}", "now", 1);
	return 0;
}

static const struct rd_rpc_method methods[] = {
	{ "test.echo", m_echo, RD_RPC_READ },
	{ "test.poke", m_poke, RD_RPC_WRITE },
	{ "test.slow", m_slow, RD_RPC_READ },
	{ "test.later", m_later, RD_RPC_READ },
};
static const struct rd_rpc_table table = { methods, 4 };

static const struct {
	const char *in;
	bool may_write;
	int code;          /* 0: a result */
	const char *id;    /* the id the answer must carry, as JSON */
} cases[] = {
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"n\":41}}", false, 0, "1" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"test.echo\",\"params\":{\"n\":1}}", false, 0, "\"abc\"" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.echo\",\"params\":{\"n\":\"x\"}}", false, RD_RPC_PARAMS, "2" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"test.echo\",\"params\":{\"n\":1,\"m\":2}}", false, RD_RPC_PARAMS, "3" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"test.echo\",\"params\":[1]}", false, RD_RPC_PARAMS, "4" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"test.nope\"}", false, RD_RPC_NO_METHOD, "5" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"test.poke\"}", false, RD_RPC_NOT_PERMITTED, "6" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"test.poke\"}", true, 0, "7" },
	{ "{\"jsonrpc\":\"1.0\",\"id\":8,\"method\":\"test.poke\"}", true, RD_RPC_INVALID, "8" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":42}", true, RD_RPC_INVALID, "9" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"test.echo\",\"params\":\"n\"}", true, RD_RPC_INVALID, "10" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"test.echo\"}", true, RD_RPC_INVALID, "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"test.echo\"", true, RD_RPC_PARSE, "null" },
	{ "[]", true, RD_RPC_INVALID, "null" },
	{ "42", true, RD_RPC_INVALID, "null" },
	{ "{\"jsonrpc\":\"2.0\",\"id\":12,\"id\":13,\"method\":\"test.poke\"}", true, RD_RPC_PARSE, "null" },
	{ NULL, true, RD_RPC_INVALID, "null" },   /* the framer's "too long" */
};

START_TEST(test_dispatch)
{
	const char *in = cases[_i].in;
	json_t *a = rd_rpc_process(&table, NULL, cases[_i].may_write, in, in ? strlen(in) : 0);
	ck_assert_msg(a != NULL, "case %d: no answer", _i);
	ck_assert_str_eq(json_string_value(json_object_get(a, "jsonrpc")), "2.0");
	char *id = json_dumps(json_object_get(a, "id"), JSON_ENCODE_ANY);
	ck_assert_msg(id != NULL && strcmp(id, cases[_i].id) == 0, "case %d: id %s, want %s", _i, id, cases[_i].id);
	free(id);
	json_t *err = json_object_get(a, "error");
	if (cases[_i].code == 0) {
		ck_assert_msg(err == NULL, "case %d: error %s", _i, json_string_value(json_object_get(err, "message")));
		ck_assert(json_object_get(a, "result") != NULL);
	} else {
		ck_assert_msg(err != NULL, "case %d: no error", _i);
		ck_assert_int_eq(json_integer_value(json_object_get(err, "code")), cases[_i].code);
		ck_assert_msg(json_string_length(json_object_get(err, "message")) > 0, "case %d: empty message", _i);
		ck_assert(json_object_get(a, "result") == NULL);
	}
	size_t n;
	char *line = rd_rpc_dump(a, &n);
	ck_assert(line != NULL && n > 0 && line[n - 1] == '\n' && memchr(line, '\n', n - 1) == NULL);
	free(line);
	json_decref(a);
}
END_TEST

START_TEST(test_echo_value_and_forbidden_not_run)
{
	calls = 0;
	static const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"n\":41}}";
	json_t *a = rd_rpc_process(&table, NULL, false, req, strlen(req));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(a, "result"), "n")), 42);
	json_decref(a);
	static const char poke[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.poke\"}";
	a = rd_rpc_process(&table, NULL, false, poke, strlen(poke));
	json_decref(a);
	ck_assert_msg(calls == 1, "a write method ran for a peer that may not write");
}
END_TEST

START_TEST(test_notifications_and_batches)
{
	static const char note[] = "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\",\"params\":{\"n\":1}}";
	ck_assert(rd_rpc_process(&table, NULL, true, note, strlen(note)) == NULL);
	static const char batch[] = "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.echo\",\"params\":{\"n\":1}},"
	                            "{\"jsonrpc\":\"2.0\",\"method\":\"test.echo\",\"params\":{\"n\":1}},"
	                            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}, 5]";
	json_t *a = rd_rpc_process(&table, NULL, true, batch, strlen(batch));
	ck_assert(json_is_array(a));
	ck_assert_int_eq(json_array_size(a), 3);   /* the notification gets no answer */
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_array_get(a, 1), "error"), "code")),
	                 RD_RPC_NO_METHOD);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_array_get(a, 2), "error"), "code")),
	                 RD_RPC_INVALID);
	json_decref(a);
}
END_TEST

/* A batch stops at its time budget (limits.batch_ms): the calls it did not reach are
 * answered -32007 naming the key, without running, and the loop is free again. */
START_TEST(test_batch_budget)
{
	char batch[100 * 64 + 8];
	size_t len = 0;
	batch[len++] = '[';
	for (int i = 0; i < 100; i++)
		len += (size_t)snprintf(batch + len, sizeof batch - len, "%s{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"test.slow\"}",
		                        i ? "," : "", i);
	batch[len++] = ']';
	rd_rpc_set_batch_budget(20);
	calls = 0;
	json_t *a = rd_rpc_process(&table, NULL, false, batch, len);
	ck_assert_int_eq(json_array_size(a), 100);
	ck_assert_msg(calls >= 1 && calls < 100, "%d of 100 slow calls ran in a 20 ms batch", calls);
	json_t *last = json_object_get(json_array_get(a, 99), "error");
	ck_assert_int_eq(json_integer_value(json_object_get(last, "code")), RD_RPC_BUSY);
	ck_assert_msg(strstr(json_string_value(json_object_get(last, "message")), "limits.batch_ms") != NULL, "%s",
	              json_string_value(json_object_get(last, "message")));
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(a, 99), "id")), 99);
	json_decref(a);
	rd_rpc_set_batch_budget(20);
}
END_TEST

/* a peer that keeps what it was sent */
struct test_peer {
	struct rd_rpc_peer p;
	int held, sent;
	json_t *last;
};

static void
peer_hold(struct rd_rpc_peer *p, struct rd_rpc_reply *r)
{
	(void)r;
	((struct test_peer *)p)->held++;
}

static void
peer_send(struct rd_rpc_peer *p, struct rd_rpc_reply *r, json_t *answer)
{
	(void)r;
	struct test_peer *t = (struct test_peer *)p;
	t->held--;
	t->sent += answer != NULL;
	json_decref(t->last);
	t->last = answer != NULL ? json_incref(answer) : NULL;
}

static json_t *
later(struct test_peer *t, const char *line)
{
	return rd_rpc_process_peer(&table, NULL, true, line, strlen(line), &t->p);
}

/* a call may answer later, through its reply, with its own id; not in a batch, nor
 * without a peer; a reply whose peer went away sends nothing */
START_TEST(test_deferred_answers)
{
	struct test_peer t = { .p = { .hold = peer_hold, .send = peer_send } };
	ck_assert_ptr_null(later(&t, "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"test.later\"}"));
	ck_assert_ptr_nonnull(pending);
	ck_assert_int_eq(t.held, 1);
	ck_assert_int_eq(t.sent, 0);
	rd_rpc_reply_result(pending, json_pack("{s:b}", "later", 1));
	ck_assert_int_eq(t.held, 0);
	ck_assert_int_eq(t.sent, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(t.last, "id")), 21);
	ck_assert(json_is_true(json_object_get(json_object_get(t.last, "result"), "later")));
	/* an error, with its data */
	ck_assert_ptr_null(later(&t, "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"test.later\"}"));
	struct rd_rpc_error e = { 0 };
	rd_rpc_error_set(&e, RD_RPC_DUPLICATE, "job J already covers it");
	e.data = json_pack("{s:s}", "job", "J");
	rd_rpc_reply_error(pending, &e);
	json_t *err = json_object_get(t.last, "error");
	ck_assert_str_eq(json_string_value(json_object_get(t.last, "id")), "x");
	ck_assert_int_eq(json_integer_value(json_object_get(err, "code")), RD_RPC_DUPLICATE);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(err, "data"), "job")), "J");
	/* in a batch, and without a peer, it answers at once */
	pending = NULL;
	json_t *a = later(&t, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"test.later\"}]");
	ck_assert_ptr_null(pending);
	ck_assert(json_is_true(json_object_get(json_object_get(json_array_get(a, 0), "result"), "now")));
	json_decref(a);
	const char *one = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"test.later\"}";
	a = rd_rpc_process(&table, NULL, true, one, strlen(one));
	ck_assert_ptr_null(pending);
	ck_assert(json_is_true(json_object_get(json_object_get(a, "result"), "now")));
	json_decref(a);
	/* the peer went away: the answer goes nowhere */
	ck_assert_ptr_null(later(&t, one));
	ck_assert_int_eq(t.held, 1);
	rd_rpc_reply_orphan(pending);
	rd_rpc_reply_result(pending, json_pack("{s:b}", "later", 1));
	ck_assert_int_eq(t.sent, 2);
	json_decref(t.last);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rpc_framing");
	TCase *tc = tcase_create("rpc_framing");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_frame_split_anywhere);
	tcase_add_test(tc, test_frame_too_long);
	tcase_add_loop_test(tc, test_dispatch, 0, (int)(sizeof cases / sizeof cases[0]));
	tcase_add_test(tc, test_echo_value_and_forbidden_not_run);
	tcase_add_test(tc, test_notifications_and_batches);
	tcase_add_test(tc, test_batch_budget);
	tcase_add_test(tc, test_deferred_answers);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed != 0;
}
