/* daemon/nodump.h: keeping the passwords out of core dumps (issue #19). */
#ifndef RD_NODUMP_H
#define RD_NODUMP_H

/* rd_nodump makes this process write no core dump: RLIMIT_CORE 0 (soft and hard,
 * so a crash handler cannot raise it) and PR_SET_DUMPABLE 0 (which also covers a
 * kernel that would dump despite the limit, fs.suid_dumpable=2, and keeps other
 * processes of the same user from reading its memory through ptrace or
 * /proc/PID/mem). Called before the config, and so the password files, are read.
 * Returns 0, or -1 with errno when the kernel refused (the caller says so). */
int rd_nodump(void);

#endif
