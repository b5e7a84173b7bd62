/* lib/core/reject.c: the reject file and a partition's spool of lines (see reject.h).
 * One mutex around the stream: rejects are rare, so contention does not matter;
 * interleaved half-lines would. */
#include "reject.h"
#include "jsonw.h"
#include "sbuf.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rpl_reject_log {
	pthread_mutex_t lock;
	char *path;     /* owned */
	FILE *f;        /* owned; NULL until the first reject */
	int64_t count;
};

struct rpl_reject_log *
rpl_reject_new(const char *path)
{
	struct rpl_reject_log *l = calloc(1, sizeof *l);
	if (l == NULL)
		return NULL;
	l->path = strdup(path);
	if (l->path == NULL) {
		free(l);
		return NULL;
	}
	pthread_mutex_init(&l->lock, NULL);
	return l;
}

/* mkdir -p of the file's directory */
static int
reject_mkdirs(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL)
		return 0;
	*slash = '\0';
	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(dir, 0750) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	return mkdir(dir, 0750) != 0 && errno != EEXIST ? -1 : 0;
}

int
rpl_reject_write(struct rpl_reject_log *l, const char *table, const char *partition,
                 const char *column, const char *rule, const char *reason,
                 const char *key_json, const char *row_json, struct rpl_err *err)
{
	return rpl_reject_write_constraint(l, table, partition, column, NULL, rule, reason, key_json, row_json, err);
}

/* reject_line renders one line, newline included, into b (sticky out-of-memory). */
static void
reject_line(struct rpl_sbuf *b, const char *table, const char *partition, const char *column,
            const char *constraint, const char *rule, const char *reason, const char *key_json, const char *row_json)
{
	rpl_sbuf_add(b, "{\"table\":");
	rpl_json_str(b, table, strlen(table));
	rpl_sbuf_add(b, ",\"partition\":");
	rpl_json_str(b, partition, strlen(partition));
	rpl_sbuf_add(b, ",\"column\":");
	if (column != NULL)
		rpl_json_str(b, column, strlen(column));
	else
		rpl_sbuf_add(b, "null");
	if (constraint != NULL) {
		rpl_sbuf_add(b, ",\"constraint\":");
		rpl_json_str(b, constraint, strlen(constraint));
	}
	rpl_sbuf_add(b, ",\"rule\":");
	rpl_json_str(b, rule, strlen(rule));
	rpl_sbuf_add(b, ",\"reason\":");
	rpl_json_str(b, reason, strlen(reason));
	rpl_sbuf_addf(b, ",\"key\":%s,\"values\":%s}\n", key_json, row_json);
}

/* reject_open creates the file on the first line; called with the lock held. */
static int
reject_open(struct rpl_reject_log *l, struct rpl_err *err)
{
	if (l->f == NULL && (reject_mkdirs(l->path) != 0 || (l->f = fopen(l->path, "a")) == NULL))
		return rpl_err_set(err, RPL_EIO, "cannot create reject file %s: %s", l->path, strerror(errno));
	return 0;
}

int
rpl_reject_write_constraint(struct rpl_reject_log *l, const char *table, const char *partition,
                            const char *column, const char *constraint, const char *rule, const char *reason,
                            const char *key_json, const char *row_json, struct rpl_err *err)
{
	struct rpl_sbuf b = RPL_SBUF_INIT;
	reject_line(&b, table, partition, column, constraint, rule, reason, key_json, row_json);
	int r = 0;
	pthread_mutex_lock(&l->lock);
	if (!rpl_sbuf_ok(&b)) {
		r = rpl_err_set(err, RPL_ENOMEM, "reject file: out of memory");
		goto out;
	}
	if ((r = reject_open(l, err)) < 0)
		goto out;
	if (fwrite(b.s, 1, b.len, l->f) != b.len || fflush(l->f) != 0) {
		r = rpl_err_set(err, RPL_EIO, "cannot write reject file %s: %s", l->path, strerror(errno));
		goto out;
	}
	l->count++;
out:
	pthread_mutex_unlock(&l->lock);
	rpl_sbuf_fini(&b);
	return r;
}

/* spool_create: an unlinked file beside the reject file, so the spool lives on the
 * disk meant for rejects (not in memory: a partition may reject millions of rows)
 * and vanishes with the process, whatever ends it. */
static int
spool_create(struct rpl_reject_spool *s, struct rpl_err *err)
{
	struct rpl_reject_log *l = s->log;
	char tmpl[4096];
	const char *slash = strrchr(l->path, '/');
	int dirlen = slash == NULL ? 0 : (int)(slash - l->path) + 1;
	snprintf(tmpl, sizeof tmpl, "%.*s.reject-spool-XXXXXX", dirlen, l->path);
	int fd = -1;
	if (reject_mkdirs(l->path) != 0 || (fd = mkostemp(tmpl, O_CLOEXEC)) < 0)
		return rpl_err_set(err, RPL_EIO, "cannot create reject file %s: %s", l->path, strerror(errno));
	unlink(tmpl);
	if ((s->f = fdopen(fd, "w+")) == NULL) {
		int e = errno;
		close(fd);
		return rpl_err_set(err, RPL_EIO, "cannot create reject file %s: %s", l->path, strerror(e));
	}
	return 0;
}

int
rpl_reject_spool_write(struct rpl_reject_spool *s, const char *table, const char *partition,
                       const char *column, const char *constraint, const char *rule, const char *reason,
                       const char *key_json, const char *row_json, struct rpl_err *err)
{
	if (s->log == NULL)
		return 0;
	struct rpl_sbuf b = RPL_SBUF_INIT;
	reject_line(&b, table, partition, column, constraint, rule, reason, key_json, row_json);
	int r = 0;
	if (!rpl_sbuf_ok(&b))
		r = rpl_err_set(err, RPL_ENOMEM, "reject file: out of memory");
	else if (s->f == NULL)
		r = spool_create(s, err);
	if (r == 0 && fwrite(b.s, 1, b.len, s->f) != b.len)
		r = rpl_err_set(err, RPL_EIO, "cannot write reject file %s: %s", s->log->path, strerror(errno));
	if (r == 0)
		s->lines++;
	rpl_sbuf_fini(&b);
	return r;
}

/* spool_copy appends the spool to the reject file; called with the lock held. */
static int
spool_copy(struct rpl_reject_spool *s, struct rpl_err *err)
{
	struct rpl_reject_log *l = s->log;
	char block[65536];
	size_t n;
	if (fflush(s->f) != 0 || fseek(s->f, 0, SEEK_SET) != 0)
		return rpl_err_set(err, RPL_EIO, "cannot write reject file %s: %s", l->path, strerror(errno));
	while ((n = fread(block, 1, sizeof block, s->f)) > 0)
		if (fwrite(block, 1, n, l->f) != n)
			return rpl_err_set(err, RPL_EIO, "cannot write reject file %s: %s", l->path, strerror(errno));
	if (ferror(s->f) || fflush(l->f) != 0)
		return rpl_err_set(err, RPL_EIO, "cannot write reject file %s: %s", l->path, strerror(errno));
	return 0;
}

int
rpl_reject_spool_publish(struct rpl_reject_spool *s, struct rpl_err *err)
{
	if (s->f == NULL)
		return 0;
	struct rpl_reject_log *l = s->log;
	pthread_mutex_lock(&l->lock);
	int r = reject_open(l, err);
	if (r == 0)
		r = spool_copy(s, err);
	if (r == 0)
		l->count += s->lines;
	pthread_mutex_unlock(&l->lock);
	if (r == 0)
		rpl_reject_spool_drop(s);
	return r;
}

void
rpl_reject_spool_drop(struct rpl_reject_spool *s)
{
	if (s->f != NULL)
		fclose(s->f);
	s->f = NULL;
	s->lines = 0;
}

const char *rpl_reject_path(const struct rpl_reject_log *l) { return l->path; }

int64_t
rpl_reject_count(struct rpl_reject_log *l)
{
	pthread_mutex_lock(&l->lock);
	int64_t n = l->count;
	pthread_mutex_unlock(&l->lock);
	return n;
}

void
rpl_reject_free(struct rpl_reject_log *l)
{
	if (l == NULL)
		return;
	if (l->f != NULL)
		fclose(l->f);
	pthread_mutex_destroy(&l->lock);
	free(l->path);
	free(l);
}
