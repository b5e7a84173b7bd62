/* lib/util/config_db.c: the "source" and "target" sections of replicad.json, and
 * their password files, read once the whole document has passed. The contents of a
 * password file never reach a message; connecting is lib/odbc's business. */
#include "config_int.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "infile.h"

#define CFG_PASSWORD_MAX 8192   /* a credential file, not a data file */

/* cfg_read_password reads file (relative to the config's directory) into *out,
 * without one trailing "\n" or "\r\n". Every copy of the content is wiped; messages
 * name the key and the file, never what is in it. */
static int
cfg_read_password(const struct cfg_ctx *c, const char *key, const char *file, char **out)
{
	char full[4096], buf[CFG_PASSWORD_MAX + 1], why[256];
	size_t n = 0;
	int r = 0, fd;
	if (file[0] != '/' && c->dir != NULL)
		snprintf(full, sizeof full, "%s/%s", c->dir, file);
	else
		snprintf(full, sizeof full, "%s", file);
	if ((fd = rpl_infile_open(full, RPL_INFILE_SECRET, why, sizeof why)) < 0)
		return cfg_fail(c, key, "cannot read \"%s\": %s", full, why);
	while (n < sizeof buf) {
		ssize_t got = read(fd, buf + n, sizeof buf - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			r = cfg_fail(c, key, "cannot read \"%s\": %s", full, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > CFG_PASSWORD_MAX) {
		r = cfg_fail(c, key, "\"%s\" is larger than %d bytes, expected a password file", full, CFG_PASSWORD_MAX);
		goto out;
	}
	if (n > 0 && buf[n - 1] == '\n') {        /* what `echo pw >file` adds; not part of it */
		n--;
		if (n > 0 && buf[n - 1] == '\r')
			n--;
	}
	if (memchr(buf, '\0', n) != NULL) {
		r = cfg_fail(c, key, "\"%s\" holds a NUL byte, expected a password file", full);
		goto out;
	}
	if ((*out = malloc(n + 1)) == NULL) {
		r = cfg_nomem(c);
		goto out;
	}
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
out:
	explicit_bzero(buf, sizeof buf);
	close(fd);
	return r;
}

int
cfg_db(const struct cfg_ctx *c, const json_t *root, const char *side, const char *tpl,
       struct rpl_db_config *db)
{
	struct cfg_obj o;
	int r = cfg_section(c, root, side, tpl, "an object like {\"odbc\": \"DSN=name\"}", &o);
	if (r == 0)
		r = cfg_get_string(&o, "odbc", "an ODBC connection string like \"DSN=name\"", &db->odbc);
	if (r == 0)
		r = cfg_get_string(&o, "password_file", "a file path", &db->password_file);
	return r;
}

/* cfg_passwords reads the password files once the whole document has passed: what
 * the file says wrong is reported before what is wrong around it (issue #18), and a
 * config with a typo never gets as far as opening a secret. */
int
cfg_passwords(const struct cfg_ctx *c, struct rpl_config *cfg)
{
	int r = 0;
	if (cfg->source.password_file != NULL)
		r = cfg_read_password(c, "source.password_file", cfg->source.password_file, &cfg->source.password);
	if (r == 0 && cfg->target.password_file != NULL)
		r = cfg_read_password(c, "target.password_file", cfg->target.password_file, &cfg->target.password);
	return r;
}
