/* lib/util/config_int.h: what the files reading replicad.json share (config.c,
 * config_read.c, config_db.c, config_tables.c, config_sections.c), private to them:
 * the reading context, the readers of config_read.c and one function per section.
 * jansson is included here and nowhere outside these files. */
#ifndef RPL_CONFIG_INT_H
#define RPL_CONFIG_INT_H
#include "config.h"
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfg_ctx {
	const char *file;        /* borrowed; names the config in every message */
	const char *dir;         /* borrowed; base of relative password_file; NULL: cwd */
	struct rpl_err *err;
};

/* One JSON object and where it sits: path is what messages say ("tables[2]"), tpl
 * is how rpl_config_keys spells its members ("tables[]."). obj NULL: all defaults. */
struct cfg_obj {
	const struct cfg_ctx *c;
	const json_t *obj;
	const char *path, *tpl;
};

/* config_read.c: messages. Each returns the negative code it set in c->err. */
__attribute__((format(printf, 3, 4)))
int cfg_fail(const struct cfg_ctx *c, const char *path, const char *fmt, ...);
int cfg_nomem(const struct cfg_ctx *c);
const char *cfg_describe(const json_t *v, char *buf, size_t n);
int cfg_expected(const struct cfg_ctx *c, const char *path, const char *what, const json_t *v);
void cfg_path(char *out, size_t n, const char *parent, const char *key);

/* config_read.c: keys and values. An absent optional key without a default leaves
 * *out untouched (NULL for strings); every key read must be in rpl_config_keys. */
int cfg_check_keys(const struct cfg_ctx *c, const json_t *obj, const char *path, const char *tpl);
int cfg_section(const struct cfg_ctx *c, const json_t *root, const char *key, const char *tpl,
                const char *required, struct cfg_obj *o);
int cfg_get_string(const struct cfg_obj *o, const char *key, const char *what, char **out);
int cfg_get_int(const struct cfg_obj *o, const char *key, int64_t min, int64_t max, int64_t *out);
int cfg_get_bool(const struct cfg_obj *o, const char *key, bool *out);
int cfg_get_size(const struct cfg_obj *o, const char *key, int64_t min, int64_t max, int64_t *out);
int cfg_get_seconds(const struct cfg_obj *o, const char *key, int64_t *out);
int cfg_get_time(const struct cfg_obj *o, const char *key, int *out);
int cfg_check_string(const struct cfg_obj *o, const char *key, const char *what,
                     bool (*ok)(const char *), char **out);
int cfg_get_dates(const struct cfg_obj *o, const char *key, char ***out, size_t *n);

/* One per section, called by cfg_build in document order. */
int cfg_db(const struct cfg_ctx *c, const json_t *root, const char *side, const char *tpl,
           struct rpl_db_config *db);                                       /* config_db.c */
int cfg_passwords(const struct cfg_ctx *c, struct rpl_config *cfg);         /* config_db.c */
int cfg_tables(const struct cfg_ctx *c, const json_t *root, struct rpl_config *cfg); /* config_tables.c */
int cfg_schedule(const struct cfg_ctx *c, const json_t *root, struct rpl_schedule_config *s);
int cfg_load_section(const struct cfg_ctx *c, const json_t *root, struct rpl_load_config *l);
int cfg_values(const struct cfg_ctx *c, const json_t *root, struct rpl_values_config *v);
int cfg_limits(const struct cfg_ctx *c, const json_t *root, struct rpl_limits_config *l);
int cfg_cluster(const struct cfg_ctx *c, const json_t *root, struct rpl_cluster_config *k);

#endif
