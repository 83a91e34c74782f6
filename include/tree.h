/* tree.h - the virtual tree shown by the mount, in plain C: path -> node,
 * listing, reading, extended attributes. The FUSE adapter (fuse.c) is a
 * thin layer over this; tests and the CLI call it directly.
 *
 *   /README.txt
 *   /issues/<issue>/<NN title>.txt          articles in reading order
 *   /regions/<province>/<prefecture>/<county>/<date title>.txt
 *   /topics/<topic>/<date title>.txt
 *   /search/<query>/[<query>/...]<rank date title>.txt
 *
 * Inode numbers encode the node: the same article has the same inode in
 * every directory (inode = NODE_ARTICLE tag | article id), and a search
 * directory gets a fresh number per distinct query path, never an
 * ancestor's. A tree is shared by all threads; each thread uses its own
 * tree_conn (an SQLite connection with its prepared statements).
 */
#ifndef NFS_TREE_H
#define NFS_TREE_H

#include <stdint.h>
#include <sys/types.h>

#include "nfs.h"

typedef uint64_t nfs_ino;

#define NFS_ROOT_INO 1

typedef struct {
    nfs_ino ino;
    mode_t mode;      /* S_IFDIR|0555 or S_IFREG|0444 */
    uint32_t nlink;
    uint64_t size;
    int64_t mtime;    /* seconds since the epoch */
} tree_attr;

typedef struct tree tree;
typedef struct tree_conn tree_conn;

int tree_open(const char *db_path, tree **out, nfs_err *err);
void tree_close(tree *t);
int tree_conn_open(tree *t, tree_conn **out, nfs_err *err);
void tree_conn_close(tree_conn *c);

/* All of the following return 0 or a negative errno. */
int tree_lookup(tree_conn *c, nfs_ino parent, const char *name, tree_attr *out);
int tree_getattr(tree_conn *c, nfs_ino ino, tree_attr *out);
/* The kernel forgot n references to ino (search directories are freed). */
void tree_forget(tree *t, nfs_ino ino, uint64_t n);
/* The kernel took a reference to ino without a lookup (readdirplus). */
void tree_note_lookup(tree *t, nfs_ino ino);

/* Directory listing. fill() gets each entry with its attributes and the
 * offset of the entry after it; it returns non-zero when it has no room,
 * and the listing stops (resume later from that entry's offset). Offsets
 * are stable for the life of the handle. */
typedef struct tree_dir tree_dir;
typedef int (*tree_fill_fn)(void *ctx, const char *name, const tree_attr *attr, uint64_t next);
int tree_opendir(tree_conn *c, nfs_ino ino, tree_dir **out);
int tree_readdir(tree_conn *c, tree_dir *d, uint64_t offset, tree_fill_fn fill, void *ctx);
void tree_releasedir(tree_dir *d);
/* The same without a handle (when the kernel does not open directories). */
int tree_readdir_ino(tree_conn *c, nfs_ino ino, uint64_t offset, tree_fill_fn fill, void *ctx);

/* File contents: an open handle holds the whole content (articles are a
 * few KB). */
typedef struct tree_file tree_file;
int tree_open_file(tree_conn *c, nfs_ino ino, tree_file **out);
/* Copy up to size bytes at off into buf; returns bytes copied (>= 0). */
ssize_t tree_read(tree_file *f, char *buf, size_t size, uint64_t off);
void tree_release_file(tree_file *f);
/* Read without a handle (when the kernel does not open files): the same
 * bytes as tree_open_file + tree_read; returns bytes copied or -errno. */
ssize_t tree_pread(tree_conn *c, nfs_ino ino, char *buf, size_t size, uint64_t off);

/* Extended attributes: value copied into buf when size > 0; returns the
 * length (needed length when size == 0), -ERANGE, -ENODATA. */
ssize_t tree_getxattr(tree_conn *c, nfs_ino ino, const char *name, char *buf, size_t size);
ssize_t tree_listxattr(tree_conn *c, nfs_ino ino, char *buf, size_t size);

/* Saved queries: mkdir/rmdir directly under search/. */
int tree_mkdir(tree_conn *c, nfs_ino parent, const char *name, tree_attr *out);
int tree_rmdir(tree_conn *c, nfs_ino parent, const char *name);

/* Resolve an absolute path ("/issues/x/01 t.txt") by successive lookups.
 * Like the kernel, it holds a reference to each search directory on the
 * way (release with tree_forget when it matters; a short-lived CLI need not). */
int tree_resolve(tree_conn *c, const char *path, tree_attr *out);

/* Has the index changed since the last call (another process re-indexed)?
 * Returns 1 and refreshes what the tree caches when it has. */
int tree_refresh(tree_conn *c);

/* Have the saved queries (the listing of search/) been saved or forgotten
 * since the last call, even if the set is back as it was? Another process
 * may change them (newsfs mkdir/rmdir DB); the first call only records the
 * state and returns 0. */
int tree_saved_changed(tree_conn *c);

/* The index generation the tree last saw. */
int64_t tree_generation(tree *t);

/* Call fn for every search directory and search info file inode alive
 * (their contents follow the index: drop their caches on a change). */
void tree_search_inodes(tree *t, void (*fn)(void *ctx, nfs_ino ino), void *ctx);

/* Replay the index's change log for generations (after, upto]: fn(ctx,
 * dir, name) for every directory entry that appeared or went away, so that
 * what a kernel cached of it can be dropped. Returns 0 when the log covers
 * the range; 1 when it does not (a bulk load, or a mount far behind): then
 * fn is called with name NULL for every directory, and the caller should
 * drop all it can. */
typedef void (*tree_change_fn)(void *ctx, nfs_ino dir, const char *name);
int tree_changes(tree_conn *c, int64_t after, int64_t upto, tree_change_fn fn, void *ctx);

#endif
