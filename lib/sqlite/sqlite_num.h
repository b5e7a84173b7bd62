/* lib/sqlite/sqlite_num.h: what SQLite's NUMERIC affinity does to a decimal written as text.
 * SQLite converts such text to an INTEGER when it is one that fits 64 bits, else to
 * a REAL when "the first 15 significant digits are preserved": a decimal with more
 * digits than a double keeps is rounded by SQLite itself, without an error. */
#ifndef RPL_LITENUM_H
#define RPL_LITENUM_H

#include <stdbool.h>
#include <stddef.h>

/* rpl_litenum_keeps: does a NUMERIC-affinity column keep the plain decimal text v
 * (digits, an optional sign and point) as the same number? When not, as_real (n
 * bytes) gets the number SQLite would store instead, shortest spelling. */
bool rpl_litenum_keeps(const char *v, char *as_real, size_t n);

#endif
