/* tests/fuzz/fuzz_units.c: the small value syntaxes (lib/util/units.c) that come from the
 * config and the command line; built three times (meson.build): FUZZ_UNIT selects
 * dates, sizes or durations (times of day ride along with dates). */
#include "fuzz.h"
#include "units.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_str(data, size);
	if (s == NULL)
		return 0;
#if FUZZ_UNIT == 0
	int y, m, d, min;
	if (rpl_parse_date(s, &y, &m, &d) && (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31))
		abort();
	if (rpl_parse_time_of_day(s, &min) && (min < 0 || min >= 24 * 60))
		abort();
#elif FUZZ_UNIT == 1
	int64_t b;
	if (rpl_parse_size(s, &b) && b < 0)
		abort();
#else
	int64_t ms;
	if (rpl_parse_duration(s, &ms) && ms < 0)
		abort();
#endif
	free(s);
	return 0;
}
