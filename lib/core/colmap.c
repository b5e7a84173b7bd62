/* lib/core/colmap.c: a table's column mapping against the catalogs (see colmap.h). Names
 * compare case-insensitively, as copy.c has always matched columns (rpl_table_find):
 * engines fold unquoted names differently, and a user writes them as they see them. */
#include "colmap.h"
#include "catalog.h"
#include "dialect.h"
#include "sbuf.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void
rpl_colmap_fini(struct rpl_colmap *m)
{
	for (size_t i = 0; i < m->n_exclude; i++)
		free(m->exclude[i]);
	for (size_t i = 0; i < m->n_rename; i++) {
		free(m->from[i]);
		free(m->to[i]);
	}
	free(m->exclude);
	free(m->from);
	free(m->to);
	memset(m, 0, sizeof *m);
}

/* colmap_problem tells note about one problem and, for an error (code < 0; 0: a
 * warning), records it in err (the first one wins, so a caller listing every problem
 * still returns the first). A column that is not where the mapping says is
 * RPL_ENOENT, a mapping that cannot be is RPL_EINVAL. */
__attribute__((format(printf, 7, 8))) static int
colmap_problem(rpl_colmap_note_fn note, void *data, int code, const char *label, const char *column,
               struct rpl_err *err, const char *fmt, ...)
{
	char msg[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (note != NULL)
		note(data, code < 0, column, msg);
	if (code == 0)
		return 0;
	int r = rpl_err_set(err, (enum rpl_errc)code, "table %s: %s", label, msg);
	rpl_err_where(err, label, column, -1);
	return r;
}

static bool
is_excluded(const struct rpl_colmap *m, const char *name)
{
	for (size_t i = 0; m != NULL && i < m->n_exclude; i++)
		if (strcasecmp(m->exclude[i], name) == 0)
			return true;
	return false;
}

const char *
rpl_colmap_target_name(const struct rpl_colmap *m, const char *name)
{
	for (size_t i = 0; m != NULL && i < m->n_rename; i++)
		if (strcasecmp(m->from[i], name) == 0)
			return m->to[i];
	return name;
}

/* colmap_names_exist: every name the mapping gives must be a source column: a
 * misspelled exclude would otherwise copy the column it meant to leave out. */
static int
colmap_names_exist(const struct rpl_colmap *m, const char *label, const struct rpl_table *st,
                   rpl_colmap_note_fn note, void *data, struct rpl_err *err)
{
	int r = 0, e;
	for (size_t i = 0; i < m->n_exclude; i++)
		if (rpl_table_find(st, m->exclude[i]) == NULL &&
		    (e = colmap_problem(note, data, RPL_ENOENT, label, m->exclude[i], err,
		                        "%s.exclude names column %s, which the source table does not have",
		                        m->where, m->exclude[i])) < 0 && r == 0)
			r = e;
	for (size_t i = 0; i < m->n_rename; i++)
		if (rpl_table_find(st, m->from[i]) == NULL &&
		    (e = colmap_problem(note, data, RPL_ENOENT, label, m->from[i], err,
		                        "%s.columns renames column %s, which the source table does not have",
		                        m->where, m->from[i])) < 0 && r == 0)
			r = e;
	return r;
}

int
rpl_colmap_source(const struct rpl_colmap *m, const char *label, const char *date_column,
                  struct rpl_table *st, rpl_colmap_note_fn note, void *data, struct rpl_err *err)
{
	if (m == NULL)
		return 0;
	int r = colmap_names_exist(m, label, st, note, data, err), e;
	for (size_t i = 0; i < st->ncols; i++) {
		const struct rpl_column *c = &st->cols[i];
		if (!is_excluded(m, c->name))
			continue;
		if (c->pk_pos > 0 &&
		    (e = colmap_problem(note, data, RPL_EINVAL, label, c->name, err,
		                        "%s.exclude names column %s of the source's primary key, which identifies rows and cannot be left out",
		                        m->where, c->name)) < 0 && r == 0)
			r = e;
		if (date_column != NULL && strcasecmp(c->name, date_column) == 0 &&
		    (e = colmap_problem(note, data, RPL_EINVAL, label, c->name, err,
		                        "%s.exclude names the date_column %s, which a run needs in the target to delete its ranges",
		                        m->where, c->name)) < 0 && r == 0)
			r = e;
	}
	if (r < 0)
		return r;
	size_t k = 0;
	for (size_t i = 0; i < st->ncols; i++)
		if (!is_excluded(m, st->cols[i].name))
			st->cols[k++] = st->cols[i];
	st->ncols = k;
	return 0;
}

/* colmap_fed: is target column d loaded by some column of st? */
static bool
colmap_fed(const struct rpl_colmap *m, const struct rpl_table *st, const struct rpl_column *d)
{
	for (size_t i = 0; i < st->ncols; i++)
		if (strcasecmp(rpl_colmap_target_name(m, st->cols[i].name), d->name) == 0)
			return true;
	return false;
}

/* colmap_extra: the target columns nothing feeds. One warning lists those that
 * take their default or NULL; each NOT NULL one without a default is an error. */
static int
colmap_extra(const struct rpl_colmap *m, const char *label, const struct rpl_table *st,
             const struct rpl_table *dt, rpl_colmap_note_fn note, void *data, struct rpl_err *err)
{
	struct rpl_sbuf list = RPL_SBUF_INIT;
	size_t n = 0;
	int r = 0, e;
	for (size_t i = 0; i < dt->ncols; i++) {
		const struct rpl_column *d = &dt->cols[i];
		if (colmap_fed(m, st, d))
			continue;
		if (!d->nullable && !d->has_default) {
			if ((e = colmap_problem(note, data, RPL_ENOENT, label, d->name, err,
			                        "target column %s is missing in the source, and it is NOT NULL without a default "
			                        "(map a source column to it in tables[].columns, or give it a default)",
			                        d->name)) < 0 && r == 0)
				r = e;
			continue;
		}
		rpl_sbuf_addf(&list, "%s%s", n++ ? ", " : "", d->name);
	}
	if (n > 0)
		colmap_problem(note, data, 0, label, n == 1 ? list.s : NULL, err,
		               "target column%s %s %s not in the source: left out of the load, %s default or NULL",
		               n == 1 ? "" : "s", rpl_sbuf_ok(&list) ? list.s : "?", n == 1 ? "is" : "are",
		               n == 1 ? "it gets its" : "they get their");
	rpl_sbuf_fini(&list);
	return r;
}

int
rpl_colmap_match(const struct rpl_colmap *m, const char *label, const struct rpl_table *st,
                 const struct rpl_table *dt, const struct rpl_column **dc, size_t *n_new,
                 rpl_colmap_note_fn note, void *data, struct rpl_err *err)
{
	int r = 0, e;
	*n_new = 0;
	for (size_t i = 0; i < st->ncols; i++) {
		const char *name = st->cols[i].name, *to = rpl_colmap_target_name(m, name);
		dc[i] = rpl_table_find(dt, to);
		if (dc[i] != NULL)
			continue;
		if (m != NULL && m->add_new_columns) {
			(*n_new)++;
			colmap_problem(note, data, 0, label, name, err,
			               "source column %s is not in the target: it will be added (add_new_columns)", name);
			continue;
		}
		if (to != name)
			e = colmap_problem(note, data, RPL_ENOENT, label, name, err,
			                   "column %s is renamed to %s, which the target does not have", name, to);
		else
			e = colmap_problem(note, data, RPL_ENOENT, label, name, err,
			                   "column %s is missing in the target (leave it out with tables[].exclude, or set tables[].add_new_columns)",
			                   name);
		if (r == 0)
			r = e;
	}
	if ((e = colmap_extra(m, label, st, dt, note, data, err)) < 0 && r == 0)
		r = e;
	return r;
}

void
rpl_colmap_add_column(const struct rpl_colmap *m, const struct rpl_dialect *dst, const struct rpl_dialect *src,
                      const char *schema, const char *table, const struct rpl_column *c,
                      struct rpl_sbuf *out)
{
	rpl_sbuf_add(out, "ALTER TABLE ");
	rpl_dialect_table(dst, schema, table, out);
	/* SQL Server's ADD takes no COLUMN keyword */
	rpl_sbuf_add(out, dst->engine == RPL_ENGINE_MSSQL ? " ADD " : " ADD COLUMN ");
	rpl_dialect_ident(dst, rpl_colmap_target_name(m, c->name), out);
	rpl_sbuf_addc(out, ' ');
	rpl_dialect_column_type(dst, src->engine, c, out);
}
