/* daemon/statedir.h: the state directory must be writable before anything starts.
 * A read-only state_dir used to be a warning: `serve` started, logged "cannot write"
 * for every journal write and kept nothing to resume from, and `run` exited 0 with
 * nowhere to put its reject file (issue #19). Now it is an error at start. */
#ifndef RD_STATEDIR_H
#define RD_STATEDIR_H
#include <stddef.h>

/* rd_state_dir_ready creates dir if it is missing (one level, 0750) and proves that
 * it, and its rejects/ subdirectory when that exists, can be written, by creating
 * and removing a file in each. Returns 0, or -1 with err "state_dir \"DIR\": cannot
 * write: REASON". */
int rd_state_dir_ready(const char *dir, char *err, size_t errlen);

#endif
