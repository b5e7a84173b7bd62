/* daemon/rpc.c: framing and JSON-RPC 2.0 dispatch (see rpc.h). Pure: no sockets,
 * no loop; the dispatch table and the permission decision come from the caller. */
#include "rpc.h"
#include "clock.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 100   /* calls per batch: one line must not buy unbounded work */

/* How long one batch may keep the loop; its calls not reached by then are answered
 * -32007 without running. A batch of 100 job.list calls held the loop 13-23 s and
 * starved every other client (issue #19); a count of calls alone cannot bound that,
 * since calls differ a thousandfold in cost. */
static uint64_t batch_budget_ms = 20;

/* the call one_call is running, for rd_rpc_defer (loop thread only) */
static struct {
	struct rd_rpc_peer *peer;   /* NULL: its answer cannot wait */
	json_t *id;                 /* borrowed; NULL for a notification */
	struct rd_rpc_reply *reply; /* made by rd_rpc_defer */
} current;

void
rd_rpc_set_batch_budget(uint64_t ms)
{
	batch_budget_ms = ms > 0 ? ms : 1;
}



void
rd_frame_init(struct rd_frame *f, size_t max)
{
	memset(f, 0, sizeof *f);
	f->max = max;
}

void
rd_frame_fini(struct rd_frame *f)
{
	free(f->buf);
	memset(f, 0, sizeof *f);
}

static int
frame_append(struct rd_frame *f, const char *p, size_t n)
{
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < f->len + n)
			cap *= 2;
		char *b = realloc(f->buf, cap);
		if (b == NULL)
			return -1;
		f->buf = b;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

int
rd_frame_feed(struct rd_frame *f, const char *data, size_t n, rd_frame_line_fn fn, void *ud)
{
	while (n > 0) {
		const char *nl = memchr(data, '\n', n);
		size_t take = nl != NULL ? (size_t)(nl - data) : n;
		if (f->discarding) {
			if (nl != NULL)
				f->discarding = false;
		} else if (f->len + take > f->max + 1) {   /* +1: a "\r" before the "\n" */
			/* too long: say so once, then drop bytes through the next newline */
			f->len = 0;
			f->discarding = nl == NULL;
			if (!fn(ud, NULL, 0))
				return 1;
		} else if (nl == NULL) {
			if (frame_append(f, data, take) < 0)
				return -1;
		} else {
			const char *line = data;
			size_t len = take;
			if (f->len > 0) {
				if (frame_append(f, data, take) < 0)
					return -1;
				line = f->buf;
				len = f->len;
			}
			if (len > 0 && line[len - 1] == '\r')
				len--;
			f->len = 0;
			bool go = len > f->max ? fn(ud, NULL, 0) : fn(ud, line, len);
			if (f->cap > 65536) {   /* give a big message's memory back */
				free(f->buf);
				f->buf = NULL;
				f->cap = 0;
			}
			if (!go)
				return 1;
		}
		if (nl == NULL)
			break;
		n -= take + 1;
		data = nl + 1;
	}
	return 0;
}

int
rd_rpc_error_set(struct rd_rpc_error *e, int code, const char *fmt, ...)
{
	va_list ap;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return -1;
}

static json_t *
error_answer(json_t *id, int code, const char *message, json_t *data)
{
	json_t *err = json_pack("{s:i,s:s}", "code", code, "message", message);
	if (err != NULL && data != NULL)
		json_object_set_new(err, "data", data);
	else
		json_decref(data);
	return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(), "error", err);
}

/* one_call handles one request object; NULL when it is a notification */
static json_t *
one_call(const struct rd_rpc_table *t, void *ctx, bool may_write, json_t *req)
{
	json_t *id = NULL;
	bool notification = true;
	if (!json_is_object(req))
		return error_answer(NULL, RD_RPC_INVALID, "Invalid Request: not an object", NULL);
	if ((id = json_object_get(req, "id")) != NULL) {
		notification = false;
		if (!json_is_string(id) && !json_is_integer(id) && !json_is_real(id) && !json_is_null(id))
			return error_answer(NULL, RD_RPC_INVALID, "Invalid Request: id must be a string, number or null", NULL);
	}
	json_t *ver = json_object_get(req, "jsonrpc"), *method = json_object_get(req, "method"),
	       *params = json_object_get(req, "params");
	const char *bad = NULL;
	if (!json_is_string(ver) || strcmp(json_string_value(ver), "2.0") != 0)
		bad = "Invalid Request: \"jsonrpc\" must be \"2.0\"";
	else if (!json_is_string(method))
		bad = "Invalid Request: \"method\" must be a string";
	else if (params != NULL && !json_is_object(params) && !json_is_array(params))
		bad = "Invalid Request: \"params\" must be an object or an array";
	if (bad != NULL)
		return error_answer(id, RD_RPC_INVALID, bad, NULL);
	const char *name = json_string_value(method);
	const struct rd_rpc_method *m = NULL;
	for (size_t i = 0; i < t->n && m == NULL; i++)
		if (strcmp(t->methods[i].name, name) == 0)
			m = &t->methods[i];
	if (m == NULL)
		return notification ? NULL
		                    : error_answer(id, RD_RPC_NO_METHOD, "Method not found",
		                                   json_pack("{s:s%}", "method", name, json_string_length(method)));
	struct rd_rpc_error e = { 0 };
	json_t *result = NULL;
	int r;
	if ((m->flags & RD_RPC_WRITE) && !may_write)
		r = rd_rpc_error_set(&e, RD_RPC_NOT_PERMITTED,
		                     "not permitted: %s needs root, the service's user or a member of the socket's group", name);
	else if (params != NULL && json_is_array(params) && json_array_size(params) > 0)
		r = rd_rpc_error_set(&e, RD_RPC_PARAMS, "Invalid params: pass params by name (an object)");
	else {
		json_t *obj = params != NULL && json_is_object(params) ? json_incref(params) : json_object();
		current.id = notification ? NULL : id;
		current.reply = NULL;
		r = obj != NULL ? m->fn(ctx, obj, &result, &e) : rd_rpc_error_set(&e, RD_RPC_INTERNAL, "out of memory");
		json_decref(obj);
		if (r == RD_RPC_DEFERRED && current.reply != NULL)
			return NULL;   /* the reply answers it */
		if (r == RD_RPC_DEFERRED)   /* deferred without a reply: a method's bug */
			r = rd_rpc_error_set(&e, RD_RPC_INTERNAL, "Internal error: answer lost");
		if (r == 0 && result == NULL)
			r = rd_rpc_error_set(&e, RD_RPC_INTERNAL, "Internal error: out of memory");
	}
	if (notification) {
		json_decref(result);
		json_decref(e.data);
		return NULL;
	}
	if (r != 0) {
		json_decref(result);
		return error_answer(id, e.code, e.message, e.data);
	}
	return json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id, "result", result);
}

/* over_budget answers a call a batch did not reach in time (NULL for a
 * notification, which is then not run either) */
static json_t *
over_budget(json_t *req, size_t done, size_t n)
{
	json_t *id = json_is_object(req) ? json_object_get(req, "id") : NULL;
	if (json_is_object(req) && id == NULL)
		return NULL;
	char msg[200];
	snprintf(msg, sizeof msg, "busy: this batch used its %llu ms (limits.batch_ms) after %zu of %zu calls; send the rest again",
	         (unsigned long long)batch_budget_ms, done, n);
	return error_answer(json_is_string(id) || json_is_integer(id) || json_is_real(id) ? id : NULL, RD_RPC_BUSY, msg,
	                    json_pack("{s:s,s:I}", "limit", "limits.batch_ms", "max", (json_int_t)batch_budget_ms));
}

json_t *
rd_rpc_process(const struct rd_rpc_table *t, void *ctx, bool may_write, const char *line, size_t len)
{
	return rd_rpc_process_peer(t, ctx, may_write, line, len, NULL);
}

json_t *
rd_rpc_process_peer(const struct rd_rpc_table *t, void *ctx, bool may_write, const char *line, size_t len,
                    struct rd_rpc_peer *peer)
{
	current.peer = NULL;
	if (line == NULL)
		return error_answer(NULL, RD_RPC_INVALID, "Invalid Request: message larger than 1 MiB",
		                    json_pack("{s:i}", "max_bytes", RD_RPC_MAX_MSG));
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (req == NULL)
		return error_answer(NULL, RD_RPC_PARSE, "Parse error",
		                    json_pack("{s:s,s:i,s:i}", "text", jerr.text, "line", jerr.line, "column", jerr.column));
	json_t *out;
	if (json_is_array(req)) {
		size_t n = json_array_size(req);
		if (n == 0)
			out = error_answer(NULL, RD_RPC_INVALID, "Invalid Request: empty batch", NULL);
		else if (n > BATCH_MAX)
			out = error_answer(NULL, RD_RPC_INVALID, "Invalid Request: more than 100 calls in a batch", NULL);
		else {
			out = json_array();
			uint64_t t0 = rd_now_mono_ms();
			size_t done = 0;
			for (size_t i = 0; i < n && out != NULL; i++) {
				bool late = done > 0 && rd_now_mono_ms() - t0 >= batch_budget_ms;   /* the first call always runs */
				json_t *a = late ? over_budget(json_array_get(req, i), done, n)
				                 : one_call(t, ctx, may_write, json_array_get(req, i));
				done += !late;
				if (a != NULL)
					json_array_append_new(out, a);
			}
			if (out != NULL && json_array_size(out) == 0) {
				json_decref(out);
				out = NULL;
			}
		}
	} else {
		current.peer = peer;   /* a single call may wait for its answer */
		out = one_call(t, ctx, may_write, req);
		current.peer = NULL;
	}
	json_decref(req);
	return out;
}

struct rd_rpc_reply *
rd_rpc_defer(void)
{
	if (current.peer == NULL || current.reply != NULL)
		return NULL;
	struct rd_rpc_reply *r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	r->id = current.id != NULL ? json_incref(current.id) : NULL;
	r->peer = current.peer;
	r->peer->hold(r->peer, r);
	current.reply = r;
	return r;
}

/* reply_send sends answer (taken) to r's peer, if it is still there, and frees r */
static void
reply_send(struct rd_rpc_reply *r, json_t *answer)
{
	if (r->peer != NULL)
		r->peer->send(r->peer, r, r->id != NULL ? answer : NULL);
	json_decref(answer);
	json_decref(r->id);
	free(r);
}

void
rd_rpc_reply_result(struct rd_rpc_reply *r, json_t *result)
{
	json_t *a = result != NULL ? json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", r->id ? r->id : json_null(), "result",
	                                       result)
	                           : error_answer(r->id, RD_RPC_INTERNAL, "Internal error: out of memory", NULL);
	reply_send(r, a);
}

void
rd_rpc_reply_error(struct rd_rpc_reply *r, struct rd_rpc_error *e)
{
	json_t *data = e->data;
	e->data = NULL;
	reply_send(r, error_answer(r->id, e->code, e->message, data));
}

void
rd_rpc_reply_drop(struct rd_rpc_reply *r)
{
	reply_send(r, NULL);
}

void
rd_rpc_reply_orphan(struct rd_rpc_reply *r)
{
	r->peer = NULL;
}

char *
rd_rpc_dump(json_t *answer, size_t *n)
{
	char *s = json_dumps(answer, JSON_COMPACT);
	if (s == NULL)
		return NULL;
	size_t len = strlen(s);
	char *out = realloc(s, len + 2);
	if (out == NULL) {
		free(s);
		return NULL;
	}
	out[len] = '\n';
	out[len + 1] = '\0';
	*n = len + 1;
	return out;
}
