/* lib/util/sbuf.c: growing strings (see sbuf.h). */
#include "sbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
sbuf_reserve(struct rpl_sbuf *b, size_t more)
{
	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 128;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *s = realloc(b->s, cap);
	if (s == NULL) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

bool rpl_sbuf_grow_slow(struct rpl_sbuf *b, size_t more) { return sbuf_reserve(b, more); }

void
rpl_sbuf_addn(struct rpl_sbuf *b, const char *s, size_t n)
{
	if (!sbuf_reserve(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void rpl_sbuf_add(struct rpl_sbuf *b, const char *s) { rpl_sbuf_addn(b, s, strlen(s)); }
void rpl_sbuf_addc(struct rpl_sbuf *b, char c) { rpl_sbuf_addn(b, &c, 1); }

void
rpl_sbuf_addf(struct rpl_sbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
rpl_sbuf_reset(struct rpl_sbuf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
rpl_sbuf_fini(struct rpl_sbuf *b)
{
	free(b->s);
	*b = (struct rpl_sbuf)RPL_SBUF_INIT;
}

const char *
rpl_sbuf_str(const struct rpl_sbuf *b)
{
	return b->s != NULL && !b->failed ? b->s : "";
}
