/* daemon/journal.h: state_dir/serve-jobs.json, the service's list of unfinished
 * jobs (queued, running, paused, interrupted by a stop), so a restart resumes them
 * with the same ids, including queued jobs that never reached the ledger. A change
 * appends a line per job added or removed; the file is rewritten whole (through a
 * temporary file and a rename) only to compact it. Loop thread. */
#ifndef RD_JOURNAL_H
#define RD_JOURNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rd_journal_entry {
	const char *id, *table, *kind, *from, *to, *origin;   /* borrowed when writing, owned when read */
	bool held;
	int64_t submitted;   /* UTC seconds: a resumed job keeps its own submit time */
};

/* rd_journal_write replaces the journal with n entries and the next job number
 * (format 2, compacted). */
int rd_journal_write(const char *state_dir, unsigned next, const struct rd_journal_entry *e, size_t n, char *err,
                     size_t errlen);

/* rd_journal_append appends nadd entries (each added, or replacing the one with its
 * id) and ndel removals to the journal rd_journal_write made. */
int rd_journal_append(const char *state_dir, unsigned next, const struct rd_journal_entry *add, size_t nadd,
                      const char *const *del, size_t ndel, char *err, size_t errlen);

/* rd_journal_read loads it (a missing file is an empty journal). Free with rd_journal_free. */
int rd_journal_read(const char *state_dir, unsigned *next, struct rd_journal_entry **e, size_t *n, char *err,
                    size_t errlen);
void rd_journal_free(struct rd_journal_entry *e, size_t n);

#endif
