/* tests/fuzz/fuzz_config.c: replicad.json (lib/util/config.c) from any bytes. Run from an
 * empty directory (run.sh does), so a password_file the fuzzer names is read from
 * there and is refused or missing, never a real secret. */
#include "fuzz.h"
#include "config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_str(data, size);
	struct rpl_config cfg;
	struct rpl_err err = RPL_ERR_INIT;
	if (text != NULL && rpl_config_parse(text, "fuzz.json", &cfg, &err) == 0)
		rpl_config_fini(&cfg);
	free(text);
	return 0;
}
