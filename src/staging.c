/* staging.c - a first index built beside its final path, published whole
 * (staging.h). */
#include "staging.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sidecars[] = {"-wal", "-journal", "-shm"};
/* the sidecars that hold data (the -shm file is only an index of the WAL) */
#define DATA_SIDECARS 2

/* path followed by suffix, a new string */
static char *suffixed(const char *path, const char *suffix)
{
    strbuf sb = {0};
    sb_printf(&sb, "%s%s", path, suffix);
    return sb_steal(&sb);
}

/* Unlink path and the files SQLite may have left beside it. */
static void remove_with_sidecars(const char *path)
{
    unlink(path);
    for (size_t i = 0; i < sizeof sidecars / sizeof *sidecars; i++) {
        char *p = suffixed(path, sidecars[i]);
        unlink(p);
        free(p);
    }
}

/* Remove the staging file at path if no live run holds it. Returns 0 when
 * it is gone (or was never there), 1 when a live run holds it, -1 on
 * another error (errno set). */
static int remove_leftover(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    int busy = flock(fd, LOCK_EX | LOCK_NB) != 0;
    int saved = errno;
    if (!busy)
        remove_with_sidecars(path); /* under our lock: nobody else removes it too */
    close(fd);
    if (busy && saved != EWOULDBLOCK) {
        errno = saved;
        return -1;
    }
    return busy;
}

/* Does the name path still refer to the file open as fd? */
static int same_file(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

int staging_begin(const char *db_path, staging *s, nfs_err *err)
{
    s->path = suffixed(db_path, ".building");
    s->lock_fd = -1;
    struct stat st;
    int exists = lstat(db_path, &st) == 0;
    if (!exists && errno != ENOENT) {
        nfs_err_set(err, "%s: %s", db_path, strerror(errno));
        goto fail;
    }
    for (int attempt = 0; attempt < 8; attempt++) {
        int r = remove_leftover(s->path);
        if (r > 0) {
            nfs_err_set(err, "%s: another newsfs index run is building it (%s)", db_path,
                        s->path);
            goto fail;
        }
        if (r < 0) {
            nfs_err_set(err, "%s: %s", s->path, strerror(errno));
            goto fail;
        }
        if (exists) { /* update in place; the leftover is gone */
            free(s->path);
            s->path = NULL;
            return 0;
        }
        int fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == EEXIST)
                continue; /* another run got there first: look again */
            nfs_err_set(err, "%s: %s", s->path, strerror(errno));
            goto fail;
        }
        /* Between the create and the lock, a run removing leftovers may
         * have taken this file for one: then the name is gone, try again. */
        if (flock(fd, LOCK_EX | LOCK_NB) == 0 && same_file(fd, s->path)) {
            s->lock_fd = fd;
            return 1;
        }
        close(fd);
    }
    nfs_err_set(err, "%s: cannot create %s (contended)", db_path, s->path);
fail:
    free(s->path);
    s->path = NULL;
    return -1;
}

/* fsync the file or directory at path. */
static int sync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

static void release(staging *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    s->lock_fd = -1;
    free(s->path);
    s->path = NULL;
}

int staging_publish(staging *s, const char *db_path, nfs_err *err)
{
    char *dir_copy = nfs_xstrdup(db_path);
    const char *dir = dirname(dir_copy);
    int rc = -1;
    struct stat st;
    for (size_t i = 0; i < DATA_SIDECARS; i++) {
        char *p = suffixed(s->path, sidecars[i]);
        int left = stat(p, &st) == 0 && st.st_size > 0;
        free(p);
        if (left) { /* the database was not closed cleanly: do not publish */
            nfs_err_set(err, "%s: the new index was not closed cleanly (%s%s left)", db_path,
                        s->path, sidecars[i]);
            goto out;
        }
    }
    if (sync_path(s->path, O_RDONLY) != 0) {
        nfs_err_set(err, "%s: sync: %s", s->path, strerror(errno));
        goto out;
    }
    /* link, not rename: it fails instead of replacing an index that another
     * run created meanwhile */
    if (link(s->path, db_path) != 0) {
        if (errno == EEXIST) {
            nfs_err_set(err, "%s appeared while this run built it; run newsfs index again "
                        "to update it", db_path);
            goto out;
        }
        /* file systems without hard links: rename, after a last look */
        if (lstat(db_path, &st) == 0 || rename(s->path, db_path) != 0) {
            nfs_err_set(err, "%s: cannot publish %s: %s", db_path, s->path,
                        errno ? strerror(errno) : "target exists");
            goto out;
        }
    }
    sync_path(dir, O_RDONLY | O_DIRECTORY); /* the new name is durable */
    rc = 0;
out:
    remove_with_sidecars(s->path); /* after a link: only the extra name goes */
    free(dir_copy);
    release(s);
    return rc;
}

void staging_abandon(staging *s)
{
    if (s->path)
        remove_with_sidecars(s->path);
    release(s);
}
