/* tests/fuzz/fuzz.h: what every libFuzzer target here shares. One target per parser
 * of outside input (tests/fuzz/meson.build lists them, run.sh runs them). */
#ifndef RPL_FUZZ_H
#define RPL_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_str: data as a NUL-terminated string (malloc'ed; the parsers take C strings,
 * so an embedded NUL simply ends the text early, as it would from a file). */
static inline char *
fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s != NULL) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
