/* outfile.c - atomic output files: temporary file next to the target, checked, synced, renamed. */
#include "outfile.h"
#include "../analysis/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

const char *geo_out_reason(int errnum)
{
    switch (errnum) {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
    case EFBIG:
        return _("the disk is full");
    case EACCES:
    case EPERM:
        return _("no permission to write there");
    case EROFS:
        return _("the disk is read-only");
    case ENOENT:
    case ENOTDIR:
        return _("the folder does not exist");
    case EISDIR:
        return _("it is a folder");
    case ENAMETOOLONG:
        return _("the name is too long");
    default:
        return strerror(errnum);
    }
}

/* The folder of path, heap; "." when path has none. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return strdup(".");
    if (slash == path)
        return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

/* 1 when the file system holding path has (almost) no room left: the reason a
 * library that does not say why most likely failed to write. */
static int disk_full(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) != 0)
        return 0;
    return (unsigned long long)sv.f_bavail * sv.f_frsize < 64 * 1024;
}

static int fail_errno(struct geo_out *o, int errnum, struct cov_err *err)
{
    int rc = cov_err_set(err, COV_EIO, _("%s: not written: %s"), o->path, geo_out_reason(errnum));
    geo_out_abort(o);
    return rc;
}

int geo_out_begin(struct geo_out *o, const char *path, struct cov_err *err)
{
    o->path = NULL;
    o->tmp = NULL;
    struct stat st;
    int have_old = stat(path, &st) == 0;
    if (have_old && S_ISDIR(st.st_mode))
        return cov_err_set(err, COV_EIO, _("%s: not written: it is a folder"), path);
    char *dir = dir_of(path);
    o->path = strdup(path);
    if (!dir || !o->path) {
        free(dir);
        free(o->path);
        o->path = NULL;
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    if (strlen(base) > 120) { /* keep the temporary name short: the extension is enough */
        const char *dot = strrchr(base, '.');
        base = dot && strlen(dot) < 16 ? dot : "";
    }
    size_t n = strlen(dir) + strlen(base) + 32;
    o->tmp = malloc(n);
    if (!o->tmp) {
        free(dir);
        free(o->path);
        o->path = NULL;
        return cov_err_set(err, COV_ENOMEM, _("out of memory"));
    }
    snprintf(o->tmp, n, "%s/.orgcover-XXXXXX-%s", dir, base);
    int fd = mkstemps(o->tmp, (int)strlen(base) + 1);
    if (fd < 0) {
        int e = errno;
        int rc;
        struct stat ds;
        if (e == ENOENT || (e == ENOTDIR && stat(dir, &ds) != 0))
            rc = cov_err_set(err, COV_EIO, _("%s: not written: the folder %s does not exist"), path,
                             dir);
        else if (e == EACCES || e == EPERM)
            rc = cov_err_set(err, COV_EIO, _("%s: not written: no permission to write in %s"), path,
                             dir);
        else
            rc = cov_err_set(err, COV_EIO, _("%s: not written: %s"), path, geo_out_reason(e));
        free(dir);
        free(o->tmp);
        free(o->path);
        o->tmp = o->path = NULL;
        return rc;
    }
    free(dir);
    /* The new file gets the old one's permissions, or the usual ones. */
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, have_old ? (st.st_mode & 07777) : (0666 & ~mask));
    close(fd);
    return 0;
}

FILE *geo_out_fopen(struct geo_out *o, struct cov_err *err)
{
    FILE *f = fopen(o->tmp, "wb");
    if (f) /* written by one thread: no lock per stdio call */
        __fsetlocking(f, FSETLOCKING_BYCALLER);
    if (!f)
        cov_err_set(err, COV_EIO, _("%s: not written: %s"), o->path, geo_out_reason(errno));
    return f;
}

int geo_out_write(struct geo_out *o, const void *data, size_t n, struct cov_err *err)
{
    int fd = open(o->tmp, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(o, errno, err);
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            close(fd);
            return fail_errno(o, e, err);
        }
        p += w;
        n -= (size_t)w;
    }
    if (close(fd) != 0)
        return fail_errno(o, errno, err);
    return 0;
}

int geo_out_fclose(struct geo_out *o, FILE *f, struct cov_err *err)
{
    int bad = ferror(f), e = 0;
    if (fflush(f) != 0) {
        bad = 1;
        e = errno;
    }
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        if (!e && disk_full(o->tmp))
            e = ENOSPC;
        if (e)
            return fail_errno(o, e, err);
        int rc = cov_err_set(err, COV_EIO, _("%s: not written: a write failed"), o->path);
        geo_out_abort(o);
        return rc;
    }
    return geo_out_commit(o, err);
}

int geo_out_commit(struct geo_out *o, struct cov_err *err)
{
    int fd = open(o->tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return fail_errno(o, errno, err);
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        return fail_errno(o, e, err);
    }
    close(fd);
    if (rename(o->tmp, o->path) != 0)
        return fail_errno(o, errno, err);
    free(o->tmp);
    o->tmp = NULL;
    /* The rename itself is durable once the folder is synced. */
    char *dir = dir_of(o->path);
    if (dir) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    free(o->path);
    o->path = NULL;
    return 0;
}

void geo_out_abort(struct geo_out *o)
{
    if (!o)
        return;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->path);
    o->tmp = o->path = NULL;
}

int geo_out_fail(struct geo_out *o, struct cov_err *err)
{
    if (o->tmp && disk_full(o->tmp))
        cov_err_set(err, COV_EIO, _("%s: not written: the disk is full"), o->path);
    else if (!err->code)
        cov_err_set(err, COV_EIO, _("%s: not written"), o->path);
    geo_out_abort(o);
    return COV_EIO;
}
