/* tests/logfmt.h: a strict logfmt reader for the tests, so every log line the
 * integration tests make is parsed the way a log shipper would (go-logfmt's rules:
 * bare keys, values bare or double-quoted with JSON escapes). Issue #18 item 6: a
 * message holding quotes broke the line for every parser downstream. */
#ifndef RPL_TEST_LOGFMT_H
#define RPL_TEST_LOGFMT_H
#include <stdbool.h>
#include <stddef.h>

/* logfmt_check parses line (without its '\n'). It returns true when the line is
 * valid logfmt, has no key twice, and opens with level=L (one of the syslog names
 * we use) and grp=G; otherwise false with the reason and the byte offset in why. */
bool logfmt_check(const char *line, char *why, size_t whyn);

/* logfmt_check_file checks every line of path that opens with "level=" and returns
 * how many it checked (-1: the file cannot be read); the first bad line, with its
 * number and reason, goes to bad (bad[0] == '\0': none). */
long logfmt_check_file(const char *path, char *bad, size_t badn);

/* logfmt_value copies the unescaped value of key in line into out (false: the key
 * is absent or the line is not valid logfmt). */
bool logfmt_value(const char *line, const char *key, char *out, size_t outn);

#endif
