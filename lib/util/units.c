/* lib/util/units.c: parsers for the small value syntaxes of replicad.json and the command
 * line (see units.h). Strict on purpose: no spaces, signs, fractions or unknown
 * suffixes, so "4 MB" or "1.5h" is an error the user sees instead of a value we
 * guessed. Messages are the caller's job: these only say yes or no. */
#include "units.h"
#include "infile.h"
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* units_digits reads one or more decimal digits at *s into *v, advancing *s; false on
 * no digits or on a value above INT64_MAX. */
static bool
units_digits(const char **s, int64_t *v)
{
	const char *p = *s;
	int64_t n = 0;
	if (*p < '0' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		int d = *p - '0';
		if (n > (INT64_MAX - d) / 10)
			return false;
		n = n * 10 + d;
	}
	*s = p;
	*v = n;
	return true;
}

/* Binary multiples only: "k" is 1024 here, as in most database settings, so a user
 * who writes "4M" gets the same bytes as one who writes "4MiB". "MB"/"KB" are
 * refused rather than guessed (decimal or binary?). */
static const struct { const char *suffix; int64_t mult; } size_units[] = {
	{ "",    1 },           { "B",   1 },
	{ "k",   1LL << 10 },   { "K",   1LL << 10 }, { "KiB", 1LL << 10 },
	{ "M",   1LL << 20 },   { "MiB", 1LL << 20 },
	{ "G",   1LL << 30 },   { "GiB", 1LL << 30 },
	{ "T",   1LL << 40 },   { "TiB", 1LL << 40 },
};

bool
rpl_parse_size(const char *s, int64_t *bytes)
{
	int64_t n;
	if (s == NULL || !units_digits(&s, &n))
		return false;
	for (size_t i = 0; i < sizeof size_units / sizeof size_units[0]; i++) {
		if (strcmp(s, size_units[i].suffix) != 0)
			continue;
		if (n > INT64_MAX / size_units[i].mult)
			return false;
		*bytes = n * size_units[i].mult;
		return true;
	}
	return false;
}

/* Largest unit first; each unit at most once and in that order, so "1h30m" reads
 * as written and "30m1h" or "1m1m" (almost surely typos) are refused. */
static const struct { const char *suffix; int64_t ms; } duration_units[] = {
	{ "d", 86400000 }, { "h", 3600000 }, { "ms", 1 }, { "m", 60000 }, { "s", 1000 },
};
/* Rank by size, not by table position: "ms" sits before "m" above only so that the
 * longest suffix matches first. */
static int
duration_rank(int64_t ms)
{
	return ms == 86400000 ? 0 : ms == 3600000 ? 1 : ms == 60000 ? 2 : ms == 1000 ? 3 : 4;
}

bool
rpl_parse_duration(const char *s, int64_t *ms)
{
	int64_t total = 0, n;
	int last_rank = -1;
	if (s == NULL || !units_digits(&s, &n))
		return false;
	if (*s == '\0') {                       /* a bare number is seconds */
		if (n > INT64_MAX / 1000)
			return false;
		*ms = n * 1000;
		return true;
	}
	for (;;) {
		size_t i, len = 0;
		for (i = 0; i < sizeof duration_units / sizeof duration_units[0]; i++) {
			len = strlen(duration_units[i].suffix);
			if (strncmp(s, duration_units[i].suffix, len) == 0)
				break;
		}
		if (i == sizeof duration_units / sizeof duration_units[0])
			return false;
		int rank = duration_rank(duration_units[i].ms);
		if (rank <= last_rank)
			return false;
		last_rank = rank;
		if (n > INT64_MAX / duration_units[i].ms || total > INT64_MAX - n * duration_units[i].ms)
			return false;
		total += n * duration_units[i].ms;
		s += len;
		if (*s == '\0')
			break;
		if (!units_digits(&s, &n))
			return false;
	}
	*ms = total;
	return true;
}

/* units_fixed reads exactly width digits at s (no sign, no space) into *v. */
static bool
units_fixed(const char *s, int width, int *v)
{
	int n = 0;
	for (int i = 0; i < width; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		n = n * 10 + (s[i] - '0');
	}
	*v = n;
	return true;
}

bool
rpl_parse_time_of_day(const char *s, int *minutes)
{
	int h, m;
	if (s == NULL || strlen(s) != 5 || s[2] != ':' ||
	    !units_fixed(s, 2, &h) || !units_fixed(s + 3, 2, &m) || h > 23 || m > 59)
		return false;
	*minutes = h * 60 + m;
	return true;
}

bool
rpl_parse_date(const char *s, int *y, int *m, int *d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int yy, mm, dd;
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !units_fixed(s, 4, &yy) || !units_fixed(s + 5, 2, &mm) || !units_fixed(s + 8, 2, &dd))
		return false;
	if (yy < 1 || mm < 1 || mm > 12 || dd < 1)
		return false;
	bool leap = (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;   /* proleptic Gregorian */
	if (dd > mdays[mm - 1] + (mm == 2 && leap))
		return false;
	*y = yy;
	*m = mm;
	*d = dd;
	return true;
}

/* timezone_name_ok allows only what IANA names use (letters, digits, "_+-", "/"
 * between non-empty parts), which also keeps ".." and absolute paths from turning a
 * config value into a probe of arbitrary files. */
static bool
timezone_name_ok(const char *name)
{
	size_t len = strlen(name);
	if (len == 0 || len > 255 || name[0] == '/' || name[len - 1] == '/')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		          (*p >= '0' && *p <= '9') || *p == '_' || *p == '+' || *p == '-' ||
		          (*p == '/' && p[1] != '/');
		if (!ok)
			return false;
	}
	return true;
}

bool
rpl_timezone_valid(const char *name, const char *zoneinfo_dir)
{
	char path[4096], magic[4];
	if (name == NULL || !timezone_name_ok(name))
		return false;
	if (strcmp(name, "UTC") == 0)          /* valid even where tzdata is not installed */
		return true;
	if (zoneinfo_dir == NULL)
		zoneinfo_dir = "/usr/share/zoneinfo";
	int n = snprintf(path, sizeof path, "%s/%s", zoneinfo_dir, name);
	if (n < 0 || (size_t)n >= sizeof path)
		return false;
	/* Directories ("Europe") and non-zone files (zone.tab, leapseconds) live there
	 * too: only a regular file that starts with the TZif magic is a zone; a FIFO put
	 * there is refused without waiting for a writer (rpl_infile_open). */
	char why[128];
	int fd = rpl_infile_open(path, 0, why, sizeof why);
	if (fd < 0)
		return false;
	bool ok = read(fd, magic, sizeof magic) == (ssize_t)sizeof magic &&
	          memcmp(magic, "TZif", sizeof magic) == 0;
	close(fd);
	return ok;
}
