/* fsmount.h - the FUSE adapter (fuse.c): mount a tree with libfuse3's
 * low-level API, multithreaded, and serve it until unmounted. */
#ifndef NFS_FSMOUNT_H
#define NFS_FSMOUNT_H

#include "nfs.h"

typedef struct {
    const char *db_path;
    const char *mountpoint;
    int foreground;
    const char *fuse_opts; /* extra -o options, comma separated, or NULL */
    int debug;
} fsmount_options;

/* Mount and serve; returns when unmounted (or at once on error, with err
 * saying why). In daemon mode the calling process exits with status 0
 * once the mount is up (fuse_daemonize) and the child serves. */
int fsmount_run(const fsmount_options *opt, nfs_err *err);

#endif
