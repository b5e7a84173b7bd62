/* tests/fuzz/fuzz_connstr.c: ODBC connection strings (lib/odbc/odbc_connstr.c): redaction, key
 * lookup. Whatever the string, the redacted copy gives PWD and Password only as ***. */
#include "fuzz.h"
#include "odbc_conn.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	char *out = malloc(2 * size + 64);
	char val[256], small[8];
	if (s == NULL || out == NULL)
		goto out;
	rpl_connstr_redact(s, out, 2 * size + 64);
	rpl_connstr_redact(s, small, sizeof small);
	(void)rpl_connstr_has_key(s, "Driver");
	(void)rpl_connstr_get(s, "Server", small, sizeof small);
	/* what the redacted copy says PWD or Password is, it says as *** */
	if ((rpl_connstr_get(out, "PWD", val, sizeof val) && strcmp(val, "***") != 0) ||
	    (rpl_connstr_get(out, "Password", val, sizeof val) && strcmp(val, "***") != 0))
		abort();
out:
	free(s);
	free(out);
	return 0;
}
