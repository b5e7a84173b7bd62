/* lib/validate.c: what a run would refuse, before it starts (see validate.h). */
#include "validate.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
date_column_ok(const struct rpl_table *t, enum rpl_engine e, const char *side, const char *label, const char *col,
               struct rpl_err *err)
{
	const struct rpl_column *c = rpl_table_find(t, col);
	if (c == NULL) {
		rpl_err_set(err, RPL_EINVAL, "table %s: date_column %s is not a column of the %s", label, col, side);
		rpl_err_where(err, label, col, -1);
		return RPL_EINVAL;
	}
	if (c->cls == RPL_CLASS_DATE || c->cls == RPL_CLASS_TIMESTAMP || (e == RPL_ENGINE_SQLITE && c->cls == RPL_CLASS_TEXT))
		return 0;
	rpl_err_set(err, RPL_EINVAL,
	            "table %s: date_column %s is %s (%s) in the %s: partitions are ranges of dates, so it must be a date or "
	            "timestamp column (a text column would compare them as strings)", label, col, c->type_name,
	            rpl_class_name(c->cls), side);
	rpl_err_where(err, label, col, -1);
	return RPL_EINVAL;
}

int
rpl_validate_table(const struct rpl_table *src, enum rpl_engine src_engine, const struct rpl_table *dst,
                   enum rpl_engine dst_engine, const char *label, const char *date_column, struct rpl_err *err)
{
	int r;
	if (date_column != NULL && (r = date_column_ok(src, src_engine, "source", label, date_column, err)) < 0)
		return r;
	if (dst == NULL)
		return 0;   /* created from the source's columns */
	if (date_column != NULL && (r = date_column_ok(dst, dst_engine, "target", label, date_column, err)) < 0)
		return r;
	for (size_t i = 0; i < src->ncols; i++)
		if (rpl_table_find(dst, src->cols[i].name) == NULL) {
			rpl_err_set(err, RPL_ENOENT, "table %s: column %s is missing in the target", label, src->cols[i].name);
			rpl_err_where(err, label, src->cols[i].name, -1);
			return RPL_ENOENT;
		}
	for (size_t i = 0; i < dst->ncols; i++)
		if (rpl_table_find(src, dst->cols[i].name) == NULL) {
			rpl_err_set(err, RPL_ENOENT, "table %s: target column %s is missing in the source", label, dst->cols[i].name);
			rpl_err_where(err, label, dst->cols[i].name, -1);
			return RPL_ENOENT;
		}
	return 0;
}

/* writable_or_creatable: path is a writable directory, or does not exist and its
 * nearest existing ancestor is one; why gets the reason otherwise */
static bool
writable_or_creatable(const char *path, char *why, size_t n)
{
	char p[PATH_MAX];
	struct stat st;
	snprintf(p, sizeof p, "%s", path);
	for (;;) {
		if (stat(p, &st) == 0) {
			if (!S_ISDIR(st.st_mode)) {
				snprintf(why, n, "%s is not a directory", p);
				return false;
			}
			if (access(p, W_OK | X_OK) != 0) {
				snprintf(why, n, "%s: %s", p, strerror(errno));
				return false;
			}
			return true;
		}
		if (errno != ENOENT) {
			snprintf(why, n, "%s: %s", p, strerror(errno));
			return false;
		}
		char *slash = strrchr(p, '/');
		if (slash == NULL)
			snprintf(p, sizeof p, ".");
		else if (slash == p)
			p[1] = '\0';
		else
			*slash = '\0';
	}
}

int
rpl_validate_state_dir(const char *state_dir, struct rpl_err *err)
{
	char rejects[PATH_MAX], why[PATH_MAX + 200];
	snprintf(rejects, sizeof rejects, "%s/rejects", state_dir);
	if (!writable_or_creatable(rejects, why, sizeof why))
		return rpl_err_set(err, RPL_EIO, "state_dir %s cannot hold the reject files and the service's journal: %s",
		                   state_dir, why);
	return 0;
}
