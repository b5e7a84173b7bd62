/* lib/util/jsonw.c: JSON string escaping (see jsonw.h). */
#include "jsonw.h"
#include <stdint.h>
#include <string.h>

/* utf8_len: length of the valid UTF-8 sequence at p (max n bytes), 0 if invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;
	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xE0) == 0xC0) { len = 2; cp = p[0] & 0x1F; }
	else if ((p[0] & 0xF0) == 0xE0) { len = 3; cp = p[0] & 0x0F; }
	else if ((p[0] & 0xF8) == 0xF0) { len = 4; cp = p[0] & 0x07; }
	else return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

void
rpl_json_str(struct rpl_sbuf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	rpl_sbuf_addc(b, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			rpl_sbuf_addc(b, '\\');
			rpl_sbuf_addc(b, (char)c);
			i++;
		} else if (c < 0x20) {
			rpl_sbuf_addf(b, "\\u%04x", c);
			i++;
		} else {
			size_t l = utf8_len(p + i, n - i);
			if (l == 0) {
				rpl_sbuf_add(b, "\xEF\xBF\xBD");
				i++;
			} else {
				rpl_sbuf_addn(b, s + i, l);
				i += l;
			}
		}
	}
	rpl_sbuf_addc(b, '"');
}
