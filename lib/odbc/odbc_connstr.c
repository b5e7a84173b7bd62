/* lib/odbc/odbc_connstr.c: reading ODBC connection strings (key=value pairs, braced
 * values) and writing them without their secrets (odbc_conn.h: rpl_connstr_*), apart
 * from the connections of odbc_conn.c. */
#include "odbc_conn.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* connstr_key_at: does the key=value pair starting at p have key k? */
static bool
connstr_key_at(const char *p, const char *k)
{
	while (*p == ' ')
		p++;
	size_t n = strlen(k);
	if (strncasecmp(p, k, n) != 0)
		return false;
	p += n;
	while (*p == ' ')
		p++;
	return *p == '=';
}

/* connstr_next skips one value: plain up to ';', or {braced} with }} as escape. */
static const char *
connstr_next(const char *p)
{
	const char *eq = strchr(p, '=');
	if (eq == NULL)
		return p + strlen(p);
	p = eq + 1;
	while (*p == ' ')
		p++;
	if (*p == '{') {
		for (p++; *p != '\0'; p++) {
			if (*p == '}') {
				if (p[1] == '}') {
					p++;
					continue;
				}
				p++;
				break;
			}
		}
	}
	while (*p != '\0' && *p != ';')
		p++;
	return *p == ';' ? p + 1 : p;
}

bool
rpl_connstr_get(const char *s, const char *key, char *out, size_t n)
{
	for (const char *p = s; *p != '\0'; p = connstr_next(p)) {
		if (!connstr_key_at(p, key))
			continue;
		const char *v = strchr(p, '=') + 1;
		while (*v == ' ')
			v++;
		size_t len = 0;
		if (*v == '{') {                     /* {braced}, }} stands for } */
			size_t o = 0;
			for (v++; *v != '\0' && o + 1 < n; v++) {
				if (*v == '}') {
					if (v[1] != '}')
						break;
					v++;
				}
				out[o++] = *v;
			}
			out[o] = '\0';
			return o > 0;
		}
		while (v[len] != '\0' && v[len] != ';')
			len++;
		while (len > 0 && v[len - 1] == ' ')
			len--;
		snprintf(out, n, "%.*s", (int)len, v);
		return len > 0;
	}
	return false;
}

void
rpl_secret_free(char *secret)
{
	if (secret != NULL)
		explicit_bzero(secret, strlen(secret));
	free(secret);
}

bool
rpl_connstr_only(const char *s, const char *const *keys)
{
	for (const char *p = s; *p != '\0'; p = connstr_next(p)) {
		while (*p == ' ' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		bool known = false;
		for (const char *const *k = keys; *k != NULL && !known; k++)
			known = connstr_key_at(p, *k);
		if (!known)
			return false;
	}
	return true;
}

bool
rpl_connstr_has_key(const char *s, const char *key)
{
	for (const char *p = s; *p != '\0'; p = connstr_next(p))
		if (connstr_key_at(p, key))
			return true;
	return false;
}

/* The keys whose values are secrets, in the drivers we name (psqlODBC, MariaDB
 * Connector/ODBC, msodbcsql, FreeTDS, sqliteodbc) and the common spellings of others;
 * replicad.json(5) lists them. Matched without regard to case (issue #18 item 14: only
 * PWD and Password were, so an SSL key's password printed whole). */
static const char *const secret_keys[] = {
	"PWD", "Password", "SSLPassword", "SSLKeyPassword", "TLSKeyPwd", "KeyPassword", "KeyStoreSecret",
	"ClientSecret", "AccessToken", "Token", "AuthToken", "Secret",
};

static bool
connstr_secret_at(const char *p)
{
	for (size_t i = 0; i < sizeof secret_keys / sizeof secret_keys[0]; i++)
		if (connstr_key_at(p, secret_keys[i]))
			return true;
	return false;
}

void
rpl_connstr_redact(const char *in, char *out, size_t n)
{
	size_t o = 0;
	if (n == 0)
		return;
	for (const char *p = in; *p != '\0';) {
		const char *next = connstr_next(p);
		bool secret = connstr_secret_at(p);
		const char *copy_end = secret ? strchr(p, '=') + 1 : next;
		for (const char *q = p; q < copy_end && o + 1 < n; q++)
			out[o++] = *q;
		if (secret) {
			for (const char *m = "***"; *m != '\0' && o + 1 < n; m++)
				out[o++] = *m;
			if (next > p && next[-1] == ';' && o + 1 < n)
				out[o++] = ';';
		}
		p = next;
	}
	out[o] = '\0';
}

