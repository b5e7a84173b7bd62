/* lib/util/version.h: version strings as people write them. Drivers answer SQLGetInfo in
 * ODBC's "##.##.####" form, zero-padded ("10.11.000019" for MariaDB 10.11.19,
 * "03.01.0015" for Connector/ODBC 3.1.15), and psqlODBC reports a PostgreSQL 10+
 * server as major.0.minor ("15.0.18" for 15.18): issue #18 item 11. */
#ifndef RPL_VERSION_H
#define RPL_VERSION_H
#include <stdbool.h>
#include <stddef.h>
#include "odbc_conn.h"

/* rpl_version_tidy rewrites v in place (n bytes): each dot-separated group of digits
 * loses its leading zeros, and for a PostgreSQL server (engine RPL_ENGINE_POSTGRES,
 * dbms true) of major 10 or later "M.0.m" becomes "M.m". A string that is not only
 * digits and dots is left as it is. */
void rpl_version_tidy(char *v, size_t n, enum rpl_engine engine, bool dbms);

#endif
