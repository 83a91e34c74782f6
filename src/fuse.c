/* fuse.c - the thin libfuse3 low-level adapter over the tree (fsmount.h).
 *
 * Each worker thread gets its own tree_conn (SQLite connection and
 * prepared statements) on first use. Caching follows from the data model:
 * an article inode's content never changes (a changed article gets a new
 * inode), so file data is kept in the page cache (keep_cache), entries and
 * attributes get long timeouts, directory listings are cached by the
 * kernel (cache_readdir) and served with readdirplus. A watcher thread
 * notices a re-index (the index generation) and invalidates what the
 * kernel cached. Every write operation answers EROFS; mkdir and rmdir
 * under search/ save and forget queries.
 */
#define FUSE_USE_VERSION FUSE_MAKE_VERSION(3, 12)
#include <fuse_lowlevel.h>

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fsmount.h"
#include "log.h"
#include "tree.h"
#include "tree_internal.h"

/* Seconds the kernel may cache entries and attributes; a re-index
 * invalidates explicitly, so this can be long. */
#define CACHE_TIMEOUT 3600.0
/* Seconds a name that does not exist stays known not to exist. */
#define NEGATIVE_TIMEOUT 60.0
/* How often the watcher looks for a new index generation. */
#define WATCH_INTERVAL_MS 500

typedef struct {
    tree *t;
    struct fuse_session *se;
    pthread_key_t conn_key;
    pthread_t watcher;
    int watcher_running;
    volatile sig_atomic_t stopping;
    int no_open, no_opendir; /* the kernel can do without OPEN / OPENDIR */
    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond;
} fs_state;

static fs_state *state_of(fuse_req_t req)
{
    return (fs_state *)fuse_req_userdata(req);
}

/* Memory bounds of the daemon (see bound_memory). */
#define SQLITE_SOFT_HEAP_LIMIT ((sqlite3_int64)24 << 20)
#define MALLOC_ARENAS 2

static void conn_destroy(void *p)
{
    tree_conn_close((tree_conn *)p);
    malloc_trim(0); /* a worker thread ends: give back what its connections held */
}

/* Keep the daemon's memory independent of how many worker threads a burst
 * of requests started. Each worker thread has SQLite connections with
 * their own page caches, and glibc gives each thread an arena of its own
 * that keeps its high-water mark after the thread is gone: measured on
 * 1,300,000 articles, 100 concurrent searches left 177 MB resident in a
 * dozen arenas of about 11 MB. SQLite's soft heap limit makes the page
 * caches of all connections recycle pages past a shared total, and two
 * arenas make threads reuse each other's freed memory. */
static void bound_memory(void)
{
    sqlite3_soft_heap_limit64(SQLITE_SOFT_HEAP_LIMIT);
    mallopt(M_ARENA_MAX, MALLOC_ARENAS);
}

/* This thread's connection, opened on first use; NULL on failure (logged). */
static tree_conn *conn_of(fs_state *fs)
{
    tree_conn *c = pthread_getspecific(fs->conn_key);
    if (c)
        return c;
    nfs_err err;
    if (tree_conn_open(fs->t, &c, &err) != 0) {
        nfs_log("%s", err.msg);
        return NULL;
    }
    pthread_setspecific(fs->conn_key, c);
    return c;
}

#define WITH_CONN(req, c)                                                                     \
    tree_conn *c = conn_of(state_of(req));                                                    \
    if (!c) {                                                                                 \
        fuse_reply_err(req, EIO);                                                             \
        return;                                                                               \
    }

static void to_stat(const fs_state *fs, const tree_attr *a, struct stat *st)
{
    memset(st, 0, sizeof *st);
    st->st_ino = a->ino;
    st->st_mode = a->mode;
    st->st_nlink = a->nlink;
    st->st_size = (off_t)a->size;
    st->st_blocks = (blkcnt_t)((a->size + 511) / 512);
    st->st_blksize = 4096;
    st->st_uid = fs->t->uid;
    st->st_gid = fs->t->gid;
    st->st_mtim.tv_sec = a->mtime;
    st->st_atim = st->st_mtim;
    st->st_ctim = st->st_mtim;
}

static void to_entry(const fs_state *fs, const tree_attr *a, struct fuse_entry_param *e)
{
    memset(e, 0, sizeof *e);
    e->ino = a->ino;
    e->generation = 1;
    to_stat(fs, a, &e->attr);
    e->attr_timeout = CACHE_TIMEOUT;
    e->entry_timeout = CACHE_TIMEOUT;
}

/* ---- lifecycle ---- */

static void op_init(void *userdata, struct fuse_conn_info *conn)
{
    fs_state *fs = userdata;
    /* Without OPEN/OPENDIR round trips the kernel keeps file pages and
     * directory listings cached by default (KEEP_CACHE, CACHE_DIR): exactly
     * right for immutable article inodes and listings invalidated on
     * re-index. Reads and listings then come without a handle. */
    fs->no_open = (conn->capable & FUSE_CAP_NO_OPEN_SUPPORT) != 0;
    fs->no_opendir = (conn->capable & FUSE_CAP_NO_OPENDIR_SUPPORT) != 0;
    if (conn->capable & FUSE_CAP_READDIRPLUS) {
        conn->want |= FUSE_CAP_READDIRPLUS;
        /* adaptive: attributes with the listing when they are used (ls -l,
         * file managers); plain listings stay light (ls search/<q> 2x faster,
         * cold find 1.5x -> 2.3x native on 2,000 issues) */
        conn->want |= FUSE_CAP_READDIRPLUS_AUTO;
    }
    if (conn->capable & FUSE_CAP_PARALLEL_DIROPS)
        conn->want |= FUSE_CAP_PARALLEL_DIROPS;
    conn->want &= ~(unsigned)FUSE_CAP_AUTO_INVAL_DATA; /* contents never change under an inode */
    /* O_TRUNC must reach setattr (EROFS): with atomic truncation it would be
     * left to an OPEN the kernel no longer sends */
    conn->want &= ~(unsigned)FUSE_CAP_ATOMIC_O_TRUNC;
    conn->max_readahead = 128 * 1024;
}

/* ---- names ---- */

static void op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    WITH_CONN(req, c);
    fs_state *fs = state_of(req);
    tree_attr a;
    int rc = tree_lookup(c, parent, name, &a);
    if (rc == -ENOENT) {
        /* remember that it does not exist (file managers probe a lot) */
        struct fuse_entry_param e;
        memset(&e, 0, sizeof e);
        e.entry_timeout = tree_ino_tag(parent) == TAG_SEARCH || parent == INO_SEARCH
                              ? 1.0
                              : NEGATIVE_TIMEOUT;
        fuse_reply_entry(req, &e);
        return;
    }
    if (rc != 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct fuse_entry_param e;
    to_entry(fs, &a, &e);
    if (tree_ino_tag(a.ino) == TAG_SEARCH_INFO)
        e.attr_timeout = e.entry_timeout = 1.0; /* follows the index */
    if (fuse_reply_entry(req, &e) != 0)
        tree_forget(fs->t, a.ino, 1);
}

static void op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
    tree_forget(state_of(req)->t, ino, nlookup);
    fuse_reply_none(req);
}

static void op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets)
{
    fs_state *fs = state_of(req);
    for (size_t i = 0; i < count; i++)
        tree_forget(fs->t, forgets[i].ino, forgets[i].nlookup);
    fuse_reply_none(req);
}

static void op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    WITH_CONN(req, c);
    tree_attr a;
    int rc = tree_getattr(c, ino, &a);
    if (rc != 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct stat st;
    to_stat(state_of(req), &a, &st);
    fuse_reply_attr(req, &st, tree_ino_tag(ino) == TAG_SEARCH_INFO ? 1.0 : CACHE_TIMEOUT);
}

/* ---- directories ---- */

static void op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if (state_of(req)->no_opendir) {
        fuse_reply_err(req, ENOSYS); /* from now on the kernel opens directories itself */
        return;
    }
    WITH_CONN(req, c);
    tree_dir *d;
    int rc = tree_opendir(c, ino, &d);
    if (rc != 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)d;
    /* Listings change only through a re-index, which invalidates them;
     * search/ itself changes with mkdir/rmdir, so it is not cached. */
    if (ino != INO_SEARCH) {
        fi->cache_readdir = 1;
        fi->keep_cache = 1;
    }
    if (fuse_reply_open(req, fi) != 0)
        tree_releasedir(d);
}

typedef struct {
    fuse_req_t req;
    fs_state *fs;
    char *buf;
    size_t size, used;
    int plus;
} dir_fill;

static int fill_entry(void *ctx, const char *name, const tree_attr *a, uint64_t next)
{
    dir_fill *f = ctx;
    size_t need;
    if (f->plus) {
        struct fuse_entry_param e;
        to_entry(f->fs, a, &e);
        need = fuse_add_direntry_plus(f->req, f->buf + f->used, f->size - f->used, name, &e,
                                      (off_t)next);
        if (need > f->size - f->used)
            return 1;
        if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
            tree_note_lookup(f->fs->t, a->ino);
    } else {
        struct stat st;
        to_stat(f->fs, a, &st);
        need = fuse_add_direntry(f->req, f->buf + f->used, f->size - f->used, name, &st,
                                 (off_t)next);
        if (need > f->size - f->used)
            return 1;
    }
    f->used += need;
    return 0;
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi, int plus)
{
    WITH_CONN(req, c);
    tree_dir *d = (tree_dir *)(uintptr_t)fi->fh;
    dir_fill f = {req, state_of(req), nfs_xmalloc(size), size, 0, plus};
    int rc = d ? tree_readdir(c, d, (uint64_t)off, fill_entry, &f)
               : tree_readdir_ino(c, ino, (uint64_t)off, fill_entry, &f);
    if (rc != 0 && f.used == 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_buf(req, f.buf, f.used);
    free(f.buf);
}

static void op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                       struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 0);
}

static void op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                           struct fuse_file_info *fi)
{
    do_readdir(req, ino, size, off, fi, 1);
}

static void op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    tree_releasedir((tree_dir *)(uintptr_t)fi->fh);
    fuse_reply_err(req, 0);
}

/* ---- files ---- */

static void op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    if ((fi->flags & O_ACCMODE) != O_RDONLY || (fi->flags & O_TRUNC)) {
        fuse_reply_err(req, EROFS);
        return;
    }
    if (state_of(req)->no_open) {
        /* the kernel opens files itself from now on; a write still fails,
         * with EROFS from write or setattr instead of from open */
        fuse_reply_err(req, ENOSYS);
        return;
    }
    WITH_CONN(req, c);
    tree_file *f;
    int rc = tree_open_file(c, ino, &f);
    if (rc != 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    fi->fh = (uint64_t)(uintptr_t)f;
    /* article and README contents are immutable per inode */
    fi->keep_cache = tree_ino_tag(ino) != TAG_SEARCH_INFO;
    fi->direct_io = tree_ino_tag(ino) == TAG_SEARCH_INFO;
    fi->noflush = 1;
    if (fuse_reply_open(req, fi) != 0)
        tree_release_file(f);
}

static void op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
                    struct fuse_file_info *fi)
{
    tree_file *f = (tree_file *)(uintptr_t)fi->fh;
    char *buf = nfs_xmalloc(size ? size : 1);
    ssize_t n;
    if (f) {
        n = tree_read(f, buf, size, (uint64_t)off);
    } else {
        tree_conn *c = conn_of(state_of(req));
        n = c ? tree_pread(c, ino, buf, size, (uint64_t)off) : -EIO;
    }
    if (n < 0)
        fuse_reply_err(req, (int)-n);
    else
        fuse_reply_buf(req, buf, (size_t)n);
    free(buf);
}

static void op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
    tree_release_file((tree_file *)(uintptr_t)fi->fh);
    fuse_reply_err(req, 0);
}

/* ---- extended attributes ---- */

static void op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size)
{
    WITH_CONN(req, c);
    char *buf = size ? nfs_xmalloc(size) : NULL;
    ssize_t n = tree_getxattr(c, ino, name, buf, size);
    if (n < 0)
        fuse_reply_err(req, (int)-n);
    else if (size == 0)
        fuse_reply_xattr(req, (size_t)n);
    else
        fuse_reply_buf(req, buf, (size_t)n);
    free(buf);
}

static void op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size)
{
    WITH_CONN(req, c);
    char *buf = size ? nfs_xmalloc(size) : NULL;
    ssize_t n = tree_listxattr(c, ino, buf, size);
    if (n < 0)
        fuse_reply_err(req, (int)-n);
    else if (size == 0)
        fuse_reply_xattr(req, (size_t)n);
    else
        fuse_reply_buf(req, buf, (size_t)n);
    free(buf);
}

/* ---- the only writes: saved queries ---- */

static void op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
    WITH_CONN(req, c);
    tree_attr a;
    int rc = tree_mkdir(c, parent, name, &a);
    if (rc != 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct fuse_entry_param e;
    to_entry(state_of(req), &a, &e);
    if (fuse_reply_entry(req, &e) != 0)
        tree_forget(state_of(req)->t, a.ino, 1);
}

static void op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    WITH_CONN(req, c);
    fuse_reply_err(req, -tree_rmdir(c, parent, name));
}

/* ---- everything else is read-only ---- */

static void op_access(fuse_req_t req, fuse_ino_t ino, int mask)
{
    if (mask & W_OK) {
        fuse_reply_err(req, EROFS);
        return;
    }
    /* articles are 0444: nothing to execute (a file manager would offer to) */
    int tag = tree_ino_tag(ino);
    int is_file = tag == TAG_ARTICLE || tag == TAG_SEARCH_INFO || ino == INO_README;
    fuse_reply_err(req, (mask & X_OK) && is_file ? EACCES : 0);
}

static void op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set,
                       struct fuse_file_info *fi)
{
    fuse_reply_err(req, EROFS);
}

static void op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev)
{
    fuse_reply_err(req, EROFS);
}

static void op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
    fuse_reply_err(req, EROFS);
}

static void op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name)
{
    fuse_reply_err(req, EROFS);
}

static void op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent,
                      const char *newname, unsigned int flags)
{
    fuse_reply_err(req, EROFS);
}

static void op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname)
{
    fuse_reply_err(req, EROFS);
}

static void op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
                      struct fuse_file_info *fi)
{
    fuse_reply_err(req, EROFS);
}

static void op_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
                     struct fuse_file_info *fi)
{
    fuse_reply_err(req, EROFS);
}

static void op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value,
                        size_t size, int flags)
{
    fuse_reply_err(req, EROFS);
}

static void op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name)
{
    fuse_reply_err(req, EROFS);
}

static void op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t offset, off_t length,
                         struct fuse_file_info *fi)
{
    fuse_reply_err(req, EROFS);
}

static void op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi)
{
    fuse_reply_err(req, 0);
}

static void op_statfs(fuse_req_t req, fuse_ino_t ino)
{
    struct statvfs sv;
    memset(&sv, 0, sizeof sv);
    sv.f_bsize = 4096;
    sv.f_frsize = 4096;
    sv.f_namemax = 255;
    fuse_reply_statfs(req, &sv);
}

static const struct fuse_lowlevel_ops ops = {
    .init = op_init,
    .lookup = op_lookup,
    .forget = op_forget,
    .forget_multi = op_forget_multi,
    .getattr = op_getattr,
    .setattr = op_setattr,
    .mknod = op_mknod,
    .mkdir = op_mkdir,
    .unlink = op_unlink,
    .rmdir = op_rmdir,
    .symlink = op_symlink,
    .rename = op_rename,
    .link = op_link,
    .open = op_open,
    .read = op_read,
    .write = op_write,
    /* no .flush: the first FLUSH answered ENOSYS, the kernel sends no more
     * (nothing to flush on a read-only filesystem) */
    .release = op_release,
    .fsync = op_fsync,
    .opendir = op_opendir,
    .readdir = op_readdir,
    .readdirplus = op_readdirplus,
    .releasedir = op_releasedir,
    .statfs = op_statfs,
    .setxattr = op_setxattr,
    .getxattr = op_getxattr,
    .listxattr = op_listxattr,
    .removexattr = op_removexattr,
    .access = op_access,
    .create = op_create,
    .fallocate = op_fallocate,
};

/* ---- the index watcher ---- */

/* A re-index committed: drop what the kernel cached of the views. Article
 * inodes are immutable, so only directories (listings, counts, entries)
 * and entries of removed articles can be stale. */
/* Directories whose cached listing and attributes must go, deduplicated. */
typedef struct {
    fs_state *fs;
    nfs_ino *dirs;
    size_t n, cap;
} inval_batch;

static void inval_change(void *ctx, nfs_ino dir, const char *name)
{
    inval_batch *b = ctx;
    if (name) /* drops a positive or a negative dentry; ENOENT when not cached */
        fuse_lowlevel_notify_inval_entry(b->fs->se, dir, name, strlen(name));
    NFS_VEC_PUSH(b->dirs, b->n, b->cap, dir);
}

static void inval_inode_cb(void *ctx, nfs_ino ino)
{
    fs_state *fs = ctx;
    fuse_lowlevel_notify_inval_inode(fs->se, ino, 0, 0);
}

static int cmp_ino(const void *a, const void *b)
{
    nfs_ino x = *(const nfs_ino *)a, y = *(const nfs_ino *)b;
    return x < y ? -1 : x > y;
}

/* A re-index committed: drop what the kernel cached that changed. Article
 * inodes are immutable, so only entries and directories can be stale. */
static void invalidate_changes(fs_state *fs, tree_conn *c, int64_t after, int64_t upto)
{
    inval_batch b = {.fs = fs};
    int broad = tree_changes(c, after, upto, inval_change, &b);
    qsort(b.dirs, b.n, sizeof *b.dirs, cmp_ino);
    for (size_t i = 0; i < b.n; i++)
        if (i == 0 || b.dirs[i] != b.dirs[i - 1])
            fuse_lowlevel_notify_inval_inode(fs->se, b.dirs[i], 0, 0);
    tree_search_inodes(fs->t, inval_inode_cb, fs); /* listings and results files follow the index */
    if (broad)
        nfs_log("index changed (generation %lld -> %lld); dropped all cached listings",
                (long long)after, (long long)upto);
    free(b.dirs);
}

static void *watcher_main(void *arg)
{
    fs_state *fs = arg;
    pthread_mutex_lock(&fs->stop_lock);
    while (!fs->stopping) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += WATCH_INTERVAL_MS * 1000000L;
        ts.tv_sec += ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&fs->stop_cond, &fs->stop_lock, &ts);
        if (fs->stopping)
            break;
        pthread_mutex_unlock(&fs->stop_lock);
        tree_conn *c = conn_of(fs);
        int64_t before = tree_generation(fs->t);
        if (c && tree_refresh(c))
            invalidate_changes(fs, c, before, tree_generation(fs->t));
        /* saved or forgotten by another process (newsfs mkdir/rmdir DB) */
        if (c && tree_saved_changed(c))
            fuse_lowlevel_notify_inval_inode(fs->se, INO_SEARCH, 0, 0);
        pthread_mutex_lock(&fs->stop_lock);
    }
    pthread_mutex_unlock(&fs->stop_lock);
    tree_conn_close(pthread_getspecific(fs->conn_key));
    pthread_setspecific(fs->conn_key, NULL);
    return NULL;
}

/* ---- mounting ---- */

int fsmount_run(const fsmount_options *opt, nfs_err *err)
{
    fs_state fs;
    memset(&fs, 0, sizeof fs);
    bound_memory();
    pthread_mutex_init(&fs.stop_lock, NULL);
    pthread_cond_init(&fs.stop_cond, NULL);
    if (tree_open(opt->db_path, &fs.t, err) != 0)
        return -1;
    if (pthread_key_create(&fs.conn_key, conn_destroy) != 0) {
        tree_close(fs.t);
        return nfs_err_set(err, "pthread_key_create failed");
    }
    /* check now that a connection works, so errors show before detaching */
    {
        tree_conn *probe;
        if (tree_conn_open(fs.t, &probe, err) != 0) {
            pthread_key_delete(fs.conn_key);
            tree_close(fs.t);
            return -1;
        }
        tree_saved_changed(probe); /* the saved queries as the mount starts */
        tree_conn_close(probe);
    }

    strbuf o = {0};
    /* df and findmnt show which index is mounted (a comma would end the
     * option). Read-only unless the options say rw (a later option wins):
     * on a read-write mount the kernel marks an inode's atime stale after
     * every READ or READDIR it sends, so the next stat of it is a GETATTR
     * round trip: a second grep -r over 133,196 articles took 6.4 s, 1.7 s
     * read-only. rw only adds rmdir under search/. */
    sb_printf(&o, "fsname=%s,subtype=newsfs,ro",
              strchr(opt->db_path, ',') ? "newsfs" : opt->db_path);
    if (opt->fuse_opts && *opt->fuse_opts)
        sb_printf(&o, ",%s", opt->fuse_opts);
    char *argv[] = {"newsfs", "-o", o.s, opt->debug ? "-d" : NULL, NULL};
    struct fuse_args args = FUSE_ARGS_INIT(opt->debug ? 4 : 3, argv);
    int rc = -1;
    fs.se = fuse_session_new(&args, &ops, sizeof ops, &fs);
    if (!fs.se) {
        nfs_err_set(err, "cannot start a FUSE session (options: %s)", o.s);
        goto out;
    }
    if (fuse_set_signal_handlers(fs.se) != 0) {
        nfs_err_set(err, "cannot install signal handlers");
        goto out_session;
    }
    if (fuse_session_mount(fs.se, opt->mountpoint) != 0) {
        nfs_err_set(err, "%s: cannot mount (is it a directory? already mounted? try fusermount3 "
                    "-u %s)", opt->mountpoint, opt->mountpoint);
        goto out_signals;
    }
    if (!opt->foreground) {
        nfs_log_to_syslog();
        if (fuse_daemonize(0) != 0) {
            nfs_err_set(err, "cannot detach into the background");
            goto out_unmount;
        }
    }
    if (pthread_create(&fs.watcher, NULL, watcher_main, &fs) == 0)
        fs.watcher_running = 1;
    struct fuse_loop_config *cfg = fuse_loop_cfg_create();
    fuse_loop_cfg_set_clone_fd(cfg, 1);
    fuse_loop_cfg_set_idle_threads(cfg, 4);
    fuse_loop_cfg_set_max_threads(cfg, 16);
    rc = fuse_session_loop_mt(fs.se, cfg) == 0 ? 0 : -1;
    fuse_loop_cfg_destroy(cfg);
    if (rc != 0)
        nfs_err_set(err, "the FUSE session ended with an error");
    if (fs.watcher_running) {
        pthread_mutex_lock(&fs.stop_lock);
        fs.stopping = 1;
        pthread_cond_signal(&fs.stop_cond);
        pthread_mutex_unlock(&fs.stop_lock);
        pthread_join(fs.watcher, NULL);
    }
out_unmount:
    fuse_session_unmount(fs.se);
out_signals:
    fuse_remove_signal_handlers(fs.se);
out_session:
    fuse_session_destroy(fs.se);
out:
    fuse_opt_free_args(&args);
    sb_free(&o);
    pthread_key_delete(fs.conn_key);
    tree_close(fs.t);
    return rc;
}
