/* mount_helper.h - newsfs as /sbin/mount.newsfs, the helper mount(8) runs
 * for fstab entries of type "newsfs" (mount_helper.c). main() hands over
 * to it when the program is invoked under that name. */
#ifndef NFS_MOUNT_HELPER_H
#define NFS_MOUNT_HELPER_H

/* 1 when argv0's base name is "mount.newsfs". */
int is_mount_helper(const char *argv0);

/* mount.newsfs DB MOUNTPOINT [-sfnv] [-N NAMESPACE] [-o OPTIONS] [-t TYPE]
 *
 * mount(8)'s helper convention. Options that are mount(8)'s business
 * (defaults, auto, noauto, nofail, user, users, nouser, owner, group,
 * _netdev, rw, comment=, user=, x-*, X-*) are dropped, the rest are passed
 * to FUSE; -s (sloppy) also drops options FUSE does not know, -f (fake)
 * checks everything but does not mount, -v says what is done, -n is
 * accepted (there is no mtab to write). The source shown in
 * /proc/self/mountinfo is the index path, so "mount -a" recognises the
 * mount. Mounts in the background and returns mount(8)'s exit status:
 * 0 mounted, 1 incorrect invocation, 32 mount failure. */
int mount_helper_main(int argc, char **argv);

#endif
