/* lib/core/adapters.c: the list of native adapters, the one place that names them.
 * rpl_source_open tries them in order; the first that can serve a connection reads
 * it, and a connection none serves is read through ODBC (odbc_source.c). An engine's
 * native path is added here and in its own folder (docs/architecture.md "Adding an
 * engine"). */
#include "source.h"
#include "mariadb_source.h"
#include "pg_source.h"
#include "sqlite_source.h"
#include <stddef.h>

const rpl_source_open_fn rpl_source_adapters[] = {
	rpl_pgsource_adapter_open,
	rpl_mysource_adapter_open,
	rpl_litesource_adapter_open,
	NULL,
};
