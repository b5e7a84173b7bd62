/* tests/integration/edge.h: the edge-value table every pair copies: every supported
 * type with NULLs, empties, extremes, 38-digit decimals, fractional seconds,
 * 0001-01-01 and 9999-12-31, 4-byte UTF-8, binary with zero bytes, 8 KB text. */
#ifndef EDGE_H
#define EDGE_H
#include "odbc_conn.h"

/* edge_create (re)creates table name on c and fills it with the edge rows. */
void edge_create(struct rpl_conn *c, const char *name);
/* edge_nrows: how many rows edge_create inserts. */
int edge_nrows(void);
/* edge_drop drops name on c if it exists. */
void edge_drop(struct rpl_conn *c, const char *name);

#endif
