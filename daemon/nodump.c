/* daemon/nodump.c: rd_nodump (see nodump.h). The passwords live in many copies we do
 * not own (the ODBC driver's, libpq's, libmariadb's connection structures), so
 * marking our own pages MADV_DONTDUMP would leave theirs in the dump: no dump at all
 * is the only complete answer. The unit adds LimitCORE=0 for the same reason, so the
 * limit holds from exec on. A developer who needs a core of a crash runs the test
 * build under a debugger instead. */
#include "nodump.h"
#include <sys/prctl.h>
#include <sys/resource.h>

int
rd_nodump(void)
{
	struct rlimit none = { 0, 0 };
	int r = setrlimit(RLIMIT_CORE, &none);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		r = -1;
	return r;
}
