/* lib/core/adapters.c: the list of native adapters, the one place that names them.
 * rpl_source_open and rpl_sink_open try them in order; the first that can serve a
 * connection serves it, and a connection none serves is read through ODBC
 * (odbc_source.c) or written through parameter arrays (odbc_sink.c). An engine's
 * native path is added here and in its own folder (docs/architecture.md "Adding an
 * engine"). */
#include "source.h"
#include "mariadb_sink.h"
#include "mariadb_source.h"
#include "pg_sink.h"
#include "pg_source.h"
#include "sink.h"
#include "sqlite_sink.h"
#include "sqlite_source.h"
#include <stddef.h>

const rpl_source_open_fn rpl_source_adapters[] = {
	rpl_pgsource_adapter_open,
	rpl_mysource_adapter_open,
	rpl_litesource_adapter_open,
	NULL,
};

const rpl_sink_open_fn rpl_sink_adapters[] = {
	rpl_pgsink_adapter_open,
	rpl_myload_adapter_open,
	rpl_litesink_adapter_open,
	NULL,
};
