/* lib/odbc/odbc_source.h: reading through ODBC, the path every driver has: one SELECT
 * fetched with a block cursor (row-wise binding, one SQLFetchScroll per chunk), or,
 * for a MariaDB source with a key, keyset slices (odbc_slices.h). The source
 * interface's fallback (source.h, rpl_odbc_source_open declared there). */
#ifndef RPL_ODBC_SOURCE_H
#define RPL_ODBC_SOURCE_H
#include "source.h"

/* rpl_keyslices_source_open: the keyset-slice adapter (odbc_slices.c); *out NULL
 * when conn or w does not call for slices. */
int rpl_keyslices_source_open(struct rpl_conn *conn, const struct rpl_source_want *w, struct rpl_source **out,
                              struct rpl_err *err);

#endif
