/* lib/util/jsonw.h: writing JSON strings into an sbuf. lib/ keeps jansson out of the hot
 * path and out of its headers; these few escapes are all the reject file needs. */
#ifndef RPL_JSONW_H
#define RPL_JSONW_H
#include <stddef.h>
#include "sbuf.h"

/* rpl_json_str appends s[0..n) as a JSON string; invalid UTF-8 bytes become U+FFFD
 * so the line stays valid JSON. */
void rpl_json_str(struct rpl_sbuf *b, const char *s, size_t n);

#endif
