/* lib/util/infile.h: opening a file that comes from outside (the config, a password file,
 * a zone file) without trusting what it is. A FIFO or a device named by mistake, or
 * by someone hostile, must be an error at once, not an open() or read() that waits
 * for ever (on the daemon's loop, during a SIGHUP reload, that froze the service:
 * issue #19). A password file is also checked for who owns it and who else may read
 * it, the way PostgreSQL checks its key files. Reading the opened file stays with
 * the caller, which knows its size limit and wipes what it must. */
#ifndef RPL_INFILE_H
#define RPL_INFILE_H
#include <stddef.h>

enum {
	/* a password: not a symbolic link (O_NOFOLLOW), owned by this process's user
	 * or root, no access for others, group read only when root owns it */
	RPL_INFILE_SECRET = 1 << 0,
};

/* rpl_infile_open opens path read-only, close-on-exec, without blocking (O_NONBLOCK,
 * which regular files ignore), and checks that it is a regular file, plus the
 * RPL_INFILE_SECRET rules when flags has them. Returns the descriptor (the caller
 * closes it), or -1 with why[] filled with the reason, without the path ("No such
 * file or directory", "not a regular file (a FIFO)", "readable by others (mode
 * 0644) ..."), for the caller to put beside the path and key it knows. Any thread. */
int rpl_infile_open(const char *path, unsigned flags, char *why, size_t whylen);

#endif
