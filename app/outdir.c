/* Output folders written under a temporary name (see outdir.h). */
#include "app/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/status.h"

static char *cat3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s", a, b, c);
	return s;
}

static int make_dirs(const char *path, char *err, size_t errlen)
{
	char *p = strdup(path);
	int st = PT_OK;
	if (!p) {
		snprintf(err, errlen, "cannot create %s: out of memory", path);
		return PT_ENOMEM;
	}
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != 0)
			continue;
		char c = *s;
		struct stat sb;
		*s = 0;
		if (mkdir(p, 0777) != 0 &&
		    !(errno == EEXIST && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))) {
			snprintf(err, errlen, "cannot create %s: %s", p,
				 strerror(errno == EEXIST ? ENOTDIR : errno));
			st = PT_EIO;
			break;
		}
		*s = c;
		if (c == 0)
			break;
	}
	free(p);
	return st;
}

int outdir_begin(struct outdir *od, const char *root, const char *group, const char *prefix,
		 time_t started, char *err, size_t errlen)
{
	char safe[128], stamp[64], tail[256];
	struct tm tm;
	size_t i = 0;
	int st;

	memset(od, 0, sizeof *od);
	for (; group[i] && i + 1 < sizeof safe; i++) {
		unsigned char c = (unsigned char)group[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_' || (c == '.' && i > 0);
		safe[i] = ok ? (char)c : '_';
	}
	safe[i] = 0;
	if (!i)
		snprintf(safe, sizeof safe, "log");
	snprintf(stamp, sizeof stamp, "00000000-000000");
	if (gmtime_r(&started, &tm))
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	char *dir = cat3(root ? root : "results", "/", safe);
	snprintf(tail, sizeof tail, "/%s-%s", prefix, stamp);
	od->base = dir ? cat3(dir, tail, "") : NULL;
	snprintf(tail, sizeof tail, "/.tmp-%s-%s-%ld", prefix, stamp, (long)getpid());
	od->path = dir ? cat3(dir, tail, "") : NULL;
	if (!od->base || !od->path) {
		free(dir);
		outdir_fini(od);
		snprintf(err, errlen, "out of memory");
		return PT_ENOMEM;
	}
	st = make_dirs(od->path, err, errlen);
	free(dir);
	if (st) {
		free(od->path);
		od->path = NULL;
		outdir_fini(od);
	}
	return st;
}

int outdir_commit(struct outdir *od, char *err, size_t errlen)
{
	for (int k = 1; k < 1000; k++) {
		char suffix[16] = "";
		struct stat sb;
		if (k > 1)
			snprintf(suffix, sizeof suffix, "-%d", k);
		char *final = cat3(od->base, suffix, "");
		if (!final) {
			snprintf(err, errlen, "out of memory");
			return PT_ENOMEM;
		}
		if (stat(final, &sb) == 0) {
			free(final);
			continue;
		}
		if (rename(od->path, final) != 0) {
			snprintf(err, errlen, "cannot rename %s to %s: %s", od->path, final,
				 strerror(errno));
			free(final);
			return PT_EIO;
		}
		free(od->path);
		od->path = final;
		od->committed = true;
		return PT_OK;
	}
	snprintf(err, errlen, "cannot rename %s: every name %s-N is taken", od->path, od->base);
	return PT_EIO;
}

void outdir_fini(struct outdir *od)
{
	if (!od)
		return;
	if (od->path && !od->committed) {
		DIR *d = opendir(od->path);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d))) {
				char *p = cat3(od->path, "/", e->d_name);
				if (p && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					unlink(p);
				free(p);
			}
			closedir(d);
		}
		rmdir(od->path);
	}
	free(od->path);
	free(od->base);
	memset(od, 0, sizeof *od);
}

char *outdir_file(const struct outdir *od, const char *name)
{
	return cat3(od->path, "/", name);
}

int outdir_replace_file(const char *dir, const char *name, int (*fill)(FILE *f, void *ctx),
			void *ctx, char *err, size_t errlen)
{
	char tail[64];
	snprintf(tail, sizeof tail, ".tmp-%ld", (long)getpid());
	char *final = cat3(dir, "/", name), *tmpname = cat3(".", name, tail);
	char *tmp = tmpname ? cat3(dir, "/", tmpname) : NULL;
	free(tmpname);
	if (!final || !tmp) {
		free(final);
		free(tmp);
		snprintf(err, errlen, "cannot write %s/%s: out of memory", dir, name);
		return PT_ENOMEM;
	}
	int st = PT_OK;
	FILE *f = fopen(tmp, "wx"); /* a leftover of this pid, or a foreign file: not ours */
	if (!f) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
		st = PT_EIO;
		goto out;
	}
	st = fill(f, ctx);
	int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	int errnum = errno;
	if (fclose(f) != 0 && !bad) {
		bad = 1;
		errnum = errno;
	}
	if (st) {
		snprintf(err, errlen, "cannot write %s: %s", final, pt_strerror(st));
	} else if (bad) {
		snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errnum));
		st = PT_EIO;
	} else if (rename(tmp, final) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, final, strerror(errno));
		st = PT_EIO;
	} else {
		/* the rename itself on the disk */
		int fd = open(dir, O_RDONLY | O_DIRECTORY);
		if (fd < 0 || fsync(fd) != 0) {
			snprintf(err, errlen, "cannot write %s: %s", dir, strerror(errno));
			st = PT_EIO;
		}
		if (fd >= 0)
			close(fd);
		goto out;
	}
	remove(tmp);
out:
	free(final);
	free(tmp);
	return st;
}
