/* lib/util/units.h: the small value syntaxes of replicad.json and the command line:
 * sizes ("4MiB", "512k"), durations ("15m", "1h30m"), times of day ("02:00"), dates
 * ("2024-02-29") and IANA time zone names. Pure functions, no allocation. */
#ifndef RPL_UNITS_H
#define RPL_UNITS_H
#include <stdbool.h>
#include <stdint.h>

/* rpl_parse_size: "4MiB" "4M" "512k" "512KiB" "1048576" "1GiB" -> bytes (binary
 * multiples; k/M/G mean KiB/MiB/GiB). Returns false on anything else or overflow. */
bool rpl_parse_size(const char *s, int64_t *bytes);

/* rpl_parse_duration: "90s" "15m" "1h" "1h30m" "2d" "500ms" -> milliseconds; a bare
 * number is seconds. Returns false on anything else, a negative or overflow. */
bool rpl_parse_duration(const char *s, int64_t *ms);

/* rpl_parse_time_of_day: "HH:MM" (00:00..23:59) -> minutes after midnight. */
bool rpl_parse_time_of_day(const char *s, int *minutes);

/* rpl_parse_date: "YYYY-MM-DD", a real calendar date in 0001..9999 -> y, m, d. */
bool rpl_parse_date(const char *s, int *y, int *m, int *d);

/* rpl_timezone_valid: true if name is "UTC" or an IANA zone found under zoneinfo_dir
 * (NULL: /usr/share/zoneinfo) as a TZif file; rejects "..", absolute paths. */
bool rpl_timezone_valid(const char *name, const char *zoneinfo_dir);

#endif
