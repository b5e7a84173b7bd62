/* daemon/statedir.c: rd_state_dir_ready (see statedir.h). A probe file is the only
 * test that answers for every cause at once: mode bits, a read-only mount, a full
 * disk's inodes, an immutable flag, a path that is a file; access(W_OK) misses some
 * of them and says nothing for root, who bypasses the mode bits. */
#include "statedir.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* probe creates and removes DIR/.replicad-probe-PID; 0, or errno */
static int
probe(const char *dir)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/.replicad-probe-%ld", dir, (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return errno;
	close(fd);
	return unlink(path) == 0 ? 0 : errno;
}

int
rd_state_dir_ready(const char *dir, char *err, size_t errlen)
{
	char rejects[4200];
	struct stat st;
	int e = 0;
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		e = errno;
	else if (stat(dir, &st) != 0)
		e = errno;
	else if (!S_ISDIR(st.st_mode))
		e = ENOTDIR;
	else
		e = probe(dir);
	if (e != 0) {
		snprintf(err, errlen, "state_dir \"%s\": cannot write: %s", dir, strerror(e));
		return -1;
	}
	snprintf(rejects, sizeof rejects, "%s/rejects", dir);
	if (stat(rejects, &st) == 0 && (e = S_ISDIR(st.st_mode) ? probe(rejects) : ENOTDIR) != 0) {
		snprintf(err, errlen, "state_dir \"%s\": cannot write: %s", rejects, strerror(e));
		return -1;
	}
	return 0;
}
