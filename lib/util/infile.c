/* lib/util/infile.c: rpl_infile_open (see infile.h for why). The checks are made on the
 * descriptor (fstat), not the name, so nothing can be swapped between the check and
 * the read. Password files follow PostgreSQL's rule for its server key
 * (be-secure-common.c): owned by the user that reads it and private to it (0600), or
 * owned by root and readable by a group (0640, root:replicad, as docs/operations.md
 * installs it). A symbolic link is refused rather than followed: the check would then
 * be on whatever the link points to, and /etc/shadow (root:shadow 0640) passes the
 * mode rule, so a link to it would hand its content to root's `replicad check`. */
#include "infile.h"
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *
kind_name(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	return "not a plain file";
}

/* secret_ok applies the password file rules to st; false with why[] filled. */
static bool
secret_ok(const struct stat *st, char *why, size_t whylen)
{
	unsigned mode = (unsigned)(st->st_mode & 07777);
	uid_t me = geteuid();
	if (st->st_uid != me && st->st_uid != 0) {
		snprintf(why, whylen, "owned by uid %u, expected this process's user (uid %u) or root",
		         (unsigned)st->st_uid, (unsigned)me);
		return false;
	}
	if (st->st_mode & S_IRWXO) {
		snprintf(why, whylen, "others may access it (mode 0%o), expected 0600 (or 0640 owned by root)", mode);
		return false;
	}
	mode_t group_bad = st->st_uid == 0 ? (S_IWGRP | S_IXGRP) : S_IRWXG;
	if (st->st_mode & group_bad) {
		snprintf(why, whylen, "its group may %s it (mode 0%o), expected 0600 (or 0640 owned by root)",
		         st->st_mode & S_IRGRP && !(st->st_mode & S_IWGRP) ? "read" : "write", mode);
		return false;
	}
	return true;
}

int
rpl_infile_open(const char *path, unsigned flags, char *why, size_t whylen)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
	bool secret = (flags & RPL_INFILE_SECRET) != 0;
	struct stat st;
	if (secret)
		oflags |= O_NOFOLLOW;
	int fd = open(path, oflags);
	if (fd < 0) {
		int e = errno;
		struct stat lst;
		if (secret && e == ELOOP && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			snprintf(why, whylen, "a symbolic link, expected the password file itself");
		else
			snprintf(why, whylen, "%s", strerror(e));
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))    /* what read() says, as before this check */
			snprintf(why, whylen, "%s", strerror(EISDIR));
		else
			snprintf(why, whylen, "not a regular file (%s)", kind_name(st.st_mode));
		close(fd);
		return -1;
	}
	if (secret && !secret_ok(&st, why, whylen)) {
		close(fd);
		return -1;
	}
	return fd;
}
