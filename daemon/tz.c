/* daemon/tz.c: TZif reader and local/UTC conversion (see tz.h for why the service
 * does not use TZ and localtime_r). Leaves leap seconds out: zoneinfo's default
 * ("right/" zones aside) has none, and a schedule does not need them. */
#include "tz.h"
#include "infile.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TZ_MAX_FILE (1 << 20)   /* real zone files are < 4 KiB */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* posix_name skips a zone abbreviation: letters, or <...> */
static const char *
posix_name(const char *s)
{
	if (*s == '<') {
		const char *e = strchr(s, '>');
		return e != NULL ? e + 1 : NULL;
	}
	const char *p = s;
	while (isalpha((unsigned char)*p))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* posix_time parses [+-]hh[:mm[:ss]] into seconds */
static const char *
posix_time(const char *s, int32_t *out)
{
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!isdigit((unsigned char)*s))
		return NULL;
	long v[3] = { 0, 0, 0 };
	for (int i = 0; i < 3; i++) {
		char *e;
		v[i] = strtol(s, &e, 10);
		if (e == s || v[i] < 0 || v[i] > 167)
			return NULL;
		s = e;
		if (*s != ':' || i == 2)
			break;
		s++;
	}
	*out = (int32_t)(sign * (v[0] * 3600 + v[1] * 60 + v[2]));
	return s;
}

static const char *
posix_rule(const char *s, struct rd_tz_rule *r)
{
	char *e;
	if (*s++ != 'M')
		return NULL;   /* Jn and n forms: not used by any zone in tzdata's footers */
	r->month = (int)strtol(s, &e, 10);
	if (e == s || *e != '.')
		return NULL;
	s = e + 1;
	r->week = (int)strtol(s, &e, 10);
	if (e == s || *e != '.')
		return NULL;
	s = e + 1;
	r->wday = (int)strtol(s, &e, 10);
	if (e == s || r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->wday < 0 || r->wday > 6)
		return NULL;
	s = e;
	r->secs = 7200;
	if (*s == '/' && (s = posix_time(s + 1, &r->secs)) == NULL)
		return NULL;
	return s;
}

/* parse_footer reads "CET-1CEST,M3.5.0,M10.5.0/3". POSIX offsets are west-positive. */
static void
parse_footer(struct rd_tz *tz, const char *s)
{
	int32_t off;
	if ((s = posix_name(s)) == NULL || (s = posix_time(s, &off)) == NULL)
		return;
	tz->std_off = -off;
	tz->dst_off = tz->std_off + 3600;
	if (*s == '\0') {
		tz->have_rule = true;
		return;
	}
	if ((s = posix_name(s)) == NULL)
		return;
	if (*s != ',' && *s != '\0') {
		if ((s = posix_time(s, &off)) == NULL)
			return;
		tz->dst_off = -off;
	}
	if (*s != ',' || (s = posix_rule(s + 1, &tz->start)) == NULL || *s != ',' ||
	    (s = posix_rule(s + 1, &tz->end)) == NULL || *s != '\0')
		return;
	tz->rule_dst = true;
	tz->have_rule = true;
}

/* tz_counts: the six counts of a TZif header (RFC 8536 3.1) */
struct tz_counts { size_t isut, isstd, leap, timecnt, typecnt, charcnt; };

/* tz_slurp reads the zone file at path, at most TZ_MAX_FILE bytes, without blocking
 * on what is not a regular file (a FIFO must not hold the loop) */
static int
tz_slurp(const char *name, const char *path, unsigned char **b, size_t *n, char *errbuf, size_t errlen)
{
	char why[128];
	int fd = rpl_infile_open(path, 0, why, sizeof why);
	FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
	*b = NULL;
	*n = 0;
	if (f == NULL) {
		if (fd >= 0) {
			snprintf(why, sizeof why, "%s", strerror(errno));
			close(fd);
		}
		snprintf(errbuf, errlen, "time zone '%s': %s: %s", name, path, why);
		return -1;
	}
	*b = malloc(TZ_MAX_FILE);
	if (*b != NULL)
		*n = fread(*b, 1, TZ_MAX_FILE, f);
	fclose(f);
	if (*b == NULL) {
		snprintf(errbuf, errlen, "time zone '%s': %s: out of memory", name, path);
		return -1;
	}
	return 0;
}

/* tz_block reads the data block at p (transitions, their types, the types' offsets;
 * the footer after a 64-bit block) into tz; NULL, or what is wrong */
static const char *
tz_block(struct rd_tz *tz, const unsigned char *b, size_t n, const unsigned char *p, int tsize,
         const struct tz_counts *c)
{
	tz->trans = malloc((c->timecnt ? c->timecnt : 1) * sizeof *tz->trans);
	tz->idx = malloc(c->timecnt ? c->timecnt : 1);
	tz->offs = malloc(c->typecnt * sizeof *tz->offs);
	if (tz->trans == NULL || tz->idx == NULL || tz->offs == NULL)
		return "out of memory";
	for (size_t i = 0; i < c->timecnt; i++, p += tsize)
		tz->trans[i] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
	for (size_t i = 0; i < c->timecnt; i++, p++) {
		if (*p >= c->typecnt)
			return "bad type index";
		tz->idx[i] = *p;
	}
	for (size_t i = 0; i < c->typecnt; i++, p += 6)
		tz->offs[i] = (int32_t)be32(p);
	tz->first_off = tz->offs[0];   /* RFC 8536: type 0 before the first transition */
	tz->ntrans = c->timecnt;
	tz->ntypes = c->typecnt;
	size_t at = (size_t)(p - b) + c->charcnt + c->leap * (size_t)(tsize + 4) + c->isstd + c->isut;
	if (tsize == 8 && at < n && b[at] == '\n') {
		char footer[128];
		size_t k = 0;
		for (at++; at < n && b[at] != '\n' && k + 1 < sizeof footer; at++)
			footer[k++] = (char)b[at];
		footer[k] = '\0';
		parse_footer(tz, footer);
	}
	return NULL;
}

/* tz_parse reads a TZif file: its 64-bit block when there is one (version 2 and
 * later), else the 32-bit one; NULL, or what is wrong */
static const char *
tz_parse(struct rd_tz *tz, const unsigned char *b, size_t n)
{
	if (n < 44 || memcmp(b, "TZif", 4) != 0)
		return "not a TZif file";
	size_t at = 0;
	int tsize = 4;
	for (int pass = 0; pass < 2; pass++) {
		if (at + 44 > n)
			return "truncated header";
		const unsigned char *h = b + at;
		struct tz_counts c = { be32(h + 20), be32(h + 24), be32(h + 28), be32(h + 32), be32(h + 36), be32(h + 40) };
		size_t body = c.timecnt * (size_t)tsize + c.timecnt + c.typecnt * 6 + c.charcnt +
		              c.leap * (size_t)(tsize + 4) + c.isstd + c.isut;
		if (c.typecnt == 0 || c.typecnt > 256 || c.timecnt > 100000 || at + 44 + body > n)
			return "bad counts";
		if (pass == 0 && h[4] >= '2') {   /* skip the 32-bit block, read the 64-bit one */
			at += 44 + body;
			tsize = 8;
			continue;
		}
		return tz_block(tz, b, n, h + 44, tsize, &c);
	}
	return "bad counts";   /* not reached: the second pass always returns */
}

int
rd_tz_load(struct rd_tz *tz, const char *name, const char *dir, char *errbuf, size_t errlen)
{
	memset(tz, 0, sizeof *tz);
	snprintf(tz->name, sizeof tz->name, "%s", name);
	if (strcmp(name, "UTC") == 0)
		return 0;
	if (dir == NULL)
		dir = getenv("TZDIR") != NULL ? getenv("TZDIR") : "/usr/share/zoneinfo";
	if (name[0] == '/' || strstr(name, "..") != NULL) {
		snprintf(errbuf, errlen, "time zone '%s': not a zone name", name);
		return -1;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	unsigned char *b;
	size_t n;
	if (tz_slurp(name, path, &b, &n, errbuf, errlen) < 0)
		return -1;
	const char *why = tz_parse(tz, b, n);
	free(b);
	if (why == NULL)
		return 0;
	rd_tz_fini(tz);
	snprintf(errbuf, errlen, "time zone '%s': %s: %s", name, path, why);
	return -1;
}

void
rd_tz_fini(struct rd_tz *tz)
{
	free(tz->trans);
	free(tz->idx);
	free(tz->offs);
	tz->trans = NULL;
	tz->idx = NULL;
	tz->offs = NULL;
	tz->ntrans = tz->ntypes = 0;
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* rule_local_day: the day (days since epoch) a Mm.w.d rule names in year y */
static long
rule_day(const struct rd_tz_rule *r, int y)
{
	long first = rpl_day_to_days((struct rpl_day){ y, r->month, 1 });
	int wd_first = (int)((first % 7 + 7 + 4) % 7);     /* 1970-01-01 was a Thursday */
	long d = first + (r->wday - wd_first + 7) % 7 + (long)(r->week - 1) * 7;
	struct rpl_day next = r->month == 12 ? (struct rpl_day){ y + 1, 1, 1 } : (struct rpl_day){ y, r->month + 1, 1 };
	long limit = rpl_day_to_days(next);
	while (d >= limit)
		d -= 7;
	return d;
}

static int32_t
rule_offset(const struct rd_tz *tz, int64_t t)
{
	if (!tz->rule_dst)
		return tz->std_off;
	struct rpl_day day = rpl_day_from_days((long)floordiv(t + tz->std_off, 86400));
	int64_t s = (int64_t)rule_day(&tz->start, day.y) * 86400 + tz->start.secs - tz->std_off;
	int64_t e = (int64_t)rule_day(&tz->end, day.y) * 86400 + tz->end.secs - tz->dst_off;
	bool dst = s < e ? (t >= s && t < e) : !(t >= e && t < s);
	return dst ? tz->dst_off : tz->std_off;
}

int32_t
rd_tz_offset(const struct rd_tz *tz, int64_t t)
{
	if (tz->ntypes == 0)
		return 0;   /* UTC */
	if (tz->ntrans == 0 || t < tz->trans[0])
		return tz->ntrans == 0 && tz->have_rule ? rule_offset(tz, t) : tz->first_off;
	if (t >= tz->trans[tz->ntrans - 1] && tz->have_rule)
		return rule_offset(tz, t);
	size_t lo = 0, hi = tz->ntrans;   /* largest i with trans[i] <= t */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[tz->idx[lo]];
}

void
rd_tz_local(const struct rd_tz *tz, int64_t t, struct rpl_day *day, int *secs)
{
	int64_t l = t + rd_tz_offset(tz, t);
	int64_t days = floordiv(l, 86400);
	*day = rpl_day_from_days((long)days);
	*secs = (int)(l - days * 86400);
}

int64_t
rd_tz_utc(const struct rd_tz *tz, struct rpl_day day, int secs)
{
	int64_t l = (int64_t)rpl_day_to_days(day) * 86400 + secs;
	int32_t before = rd_tz_offset(tz, l - 86400 - 14 * 3600), after = rd_tz_offset(tz, l + 86400 + 14 * 3600);
	int64_t best = INT64_MAX;
	int32_t cand[2] = { before, after };
	for (int i = 0; i < 2; i++)
		if (rd_tz_offset(tz, l - cand[i]) == cand[i] && l - cand[i] < best)
			best = l - cand[i];
	if (best != INT64_MAX)
		return best;
	/* in a gap: read the wall time with the offset before it, which lands after the
	 * transition, i.e. the time moved forward by the gap */
	return l - before;
}

void
rd_tz_format(const struct rd_tz *tz, int64_t t, char *out, size_t n)
{
	struct rpl_day d;
	int s;
	rd_tz_local(tz, t, &d, &s);
	int32_t off = rd_tz_offset(tz, t);
	int a = off < 0 ? -off : off;
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", d.y, d.m, d.d, s / 3600, s / 60 % 60, s % 60,
	         off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
}
