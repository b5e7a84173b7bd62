/* lib/util/sbuf.h: a growing string for SQL text and JSON-ish output built off the hot
 * path. Out of memory is sticky: appends become no-ops and rpl_sbuf_ok says false,
 * so builders check once at the end instead of after every append. */
#ifndef RPL_SBUF_H
#define RPL_SBUF_H
#include <stdbool.h>
#include <stddef.h>

struct rpl_sbuf { char *s; size_t len, cap; bool failed; };
#define RPL_SBUF_INIT { NULL, 0, 0, false }

void rpl_sbuf_add(struct rpl_sbuf *b, const char *s);
void rpl_sbuf_addn(struct rpl_sbuf *b, const char *s, size_t n);
void rpl_sbuf_addf(struct rpl_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rpl_sbuf_addc(struct rpl_sbuf *b, char c);
/* rpl_sbuf_grow makes room for more bytes after len (and the final NUL); a renderer
 * then writes into b->s + b->len and adds what it wrote to b->len. False: out of
 * memory (sticky, as everywhere). */
bool rpl_sbuf_grow_slow(struct rpl_sbuf *b, size_t more);
static inline bool rpl_sbuf_grow(struct rpl_sbuf *b, size_t more)
{   /* inline: the COPY and LOAD DATA renderers call it once per value */
	return (!b->failed && b->len + more + 1 <= b->cap) || rpl_sbuf_grow_slow(b, more);
}
void rpl_sbuf_reset(struct rpl_sbuf *b);
void rpl_sbuf_fini(struct rpl_sbuf *b);
/* rpl_sbuf_str returns the text ("" when empty or failed), borrowed until next change. */
const char *rpl_sbuf_str(const struct rpl_sbuf *b);
static inline bool rpl_sbuf_ok(const struct rpl_sbuf *b) { return !b->failed; }

#endif
