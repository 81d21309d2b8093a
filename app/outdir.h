/* Output folders of the commands that are not runs (fit, validate): written under a temporary
 * name and renamed into place, like a run's result folder (app/results.h), so an interrupted
 * command never leaves a folder that looks complete. One file of an existing folder is
 * replaced the same way (outdir_replace_file: `pooltide plot DIR` rebuilding report.html).
 *
 * outdir_begin creates ROOT/GROUP/.tmp-PREFIX-STAMP-PID (missing parents too); outdir_commit
 * renames it to ROOT/GROUP/PREFIX-STAMP, with "-2", "-3", ... when that name is taken; STAMP is
 * the UTC start time, 20261207-005501. outdir_fini removes the temporary folder unless
 * committed.
 *
 * Not here: what goes into the folder. */
#ifndef POOLTIDE_OUTDIR_H
#define POOLTIDE_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct outdir {
	char *path;      /* the temporary folder until committed, then the final one */
	char *base;      /* ROOT/GROUP/PREFIX-STAMP */
	bool committed;
};

/* group: any text, made safe as one path component (bytes outside [A-Za-z0-9._-] become '_').
 * 0, or PT_EIO / PT_ENOMEM with one line in err. */
int outdir_begin(struct outdir *od, const char *root, const char *group, const char *prefix,
		 time_t started, char *err, size_t errlen);
int outdir_commit(struct outdir *od, char *err, size_t errlen);
void outdir_fini(struct outdir *od);

/* Replace (or create) the file `name` of the existing folder `dir` with what fill(f, ctx)
 * writes (0, or a status such as PT_ENOMEM): written to a hidden temporary file in dir, on the
 * disk (fsync), then renamed over `name`, the folder synced; a reader sees the old file or the
 * new one, never a part. On any failure the temporary file is removed, the old file is left as
 * it was, and err says what failed with the path. 0, PT_EIO, or fill's status. */
int outdir_replace_file(const char *dir, const char *name, int (*fill)(FILE *f, void *ctx),
			void *ctx, char *err, size_t errlen);

/* "DIR/name" (malloc'ed) for a file in the folder; NULL when out of memory. */
char *outdir_file(const struct outdir *od, const char *name);

#endif
