/* mount_helper.c - newsfs invoked as mount.newsfs: the helper mount(8)
 * runs for "newsfs" entries of /etc/fstab, so that "mount MOUNTPOINT"
 * works (mount_helper.h). It turns mount(8)'s arguments into a
 * background mount through the same FUSE adapter as "newsfs mount". */
#include "mount_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsmount.h"
#include "nfs.h"

#define PROG "mount.newsfs"

/* mount(8)'s exit statuses, which helpers return too */
#define EX_MOUNT_OK 0
#define EX_MOUNT_USAGE 1
#define EX_MOUNT_FAIL 32

static const char usage[] =
    "usage: mount.newsfs DB MOUNTPOINT [-sfnv] [-N NAMESPACE] [-o OPTIONS]\n"
    "The mount(8) helper for fstab entries of type newsfs, e.g.\n"
    "  /srv/news/index.db  /mnt/news  newsfs  defaults,nofail  0 0\n"
    "then \"mount /mnt/news\". Mounts the index DB in the background.\n"
    "  -o OPTIONS  mount options; those that are mount(8)'s business (defaults,\n"
    "              auto, noauto, nofail, user, users, _netdev, rw, x-*, ...) are\n"
    "              dropped, the rest go to FUSE (allow_other, ro, noexec, ...)\n"
    "  -s          sloppy: drop options FUSE does not know instead of failing\n"
    "  -f          fake: check everything, do not mount\n"
    "  -n          accepted and ignored (no mtab to write)\n"
    "  -v          say what is mounted with which options\n"
    "  -N NS       mount in the mount namespace NS (a /proc/PID/ns/mnt path)\n"
    "Unmount with umount MOUNTPOINT (or fusermount3 -u MOUNTPOINT).\n";

int is_mount_helper(const char *argv0)
{
    if (!argv0)
        return 0;
    const char *base = strrchr(argv0, '/');
    base = base ? base + 1 : argv0;
    return strcmp(base, PROG) == 0;
}

/* ---- options ---- */

static int opt_is(const char *opt, size_t len, const char *name)
{
    return strlen(name) == len && memcmp(opt, name, len) == 0;
}

static int opt_has_prefix(const char *opt, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(opt, prefix, n) == 0;
}

/* Options mount(8) acts on itself (or that only describe the fstab entry). */
static int is_mount8_option(const char *opt, size_t len)
{
    static const char *const names[] = {"defaults", "auto",  "noauto", "nofail", "user",
                                        "users",    "nouser", "owner", "group",  "_netdev",
                                        "rw"};
    static const char *const prefixes[] = {"user=", "comment=", "x-", "X-"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(names); i++)
        if (opt_is(opt, len, names[i]))
            return 1;
    for (size_t i = 0; i < NFS_ARRAY_LEN(prefixes); i++)
        if (opt_has_prefix(opt, len, prefixes[i]))
            return 1;
    return 0;
}

/* Options libfuse 3 (and the kernel through it) accepts for this
 * filesystem; used only in sloppy mode, otherwise libfuse judges. */
static int is_fuse_option(const char *opt, size_t len)
{
    static const char *const names[] = {
        "ro",    "suid",   "nosuid",      "dev",        "nodev",        "exec",
        "noexec", "atime", "noatime",     "sync",       "async",        "dirsync",
        "allow_other", "allow_root", "auto_unmount", "default_permissions", "debug"};
    static const char *const prefixes[] = {"fsname=",  "subtype=",    "max_read=",
                                           "context=", "fscontext=",  "defcontext=",
                                           "rootcontext="};
    for (size_t i = 0; i < NFS_ARRAY_LEN(names); i++)
        if (opt_is(opt, len, names[i]))
            return 1;
    for (size_t i = 0; i < NFS_ARRAY_LEN(prefixes); i++)
        if (opt_has_prefix(opt, len, prefixes[i]))
            return 1;
    return 0;
}

/* Length of the option at s: up to the next comma outside double quotes
 * (mount(8) quotes values that hold commas: comment="a,b"). */
static size_t option_len(const char *s)
{
    size_t n = 0;
    int quoted = 0;
    for (; s[n]; n++) {
        if (s[n] == '"')
            quoted = !quoted;
        else if (s[n] == ',' && !quoted)
            break;
    }
    return n;
}

/* Split the comma-separated mount options in: keep FUSE's into keep,
 * list the others in dropped. */
static void translate_options(const char *in, int sloppy, strbuf *keep, strbuf *dropped)
{
    for (const char *s = in; *s;) {
        size_t len = option_len(s);
        if (len > 0) {
            int drop = is_mount8_option(s, len) || (sloppy && !is_fuse_option(s, len));
            strbuf *to = drop ? dropped : keep;
            if (to->len)
                sb_putc(to, ',');
            sb_append(to, s, len);
        }
        s += len;
        if (*s == ',')
            s++;
    }
}

/* Append path as an option value, with the commas and backslashes that
 * libfuse's option parser would split at escaped. */
static void put_escaped(strbuf *sb, const char *path)
{
    for (const char *p = path; *p; p++) {
        if (*p == ',' || *p == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *p);
    }
}

/* ---- is it mounted already? ---- */

/* Undo the octal escapes of /proc/self/mountinfo (\040 for a space) in place. */
static void unescape_mountinfo(char *s)
{
    char *d = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
            s[3] >= '0' && s[3] <= '7') {
            *d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 3;
        } else {
            *d++ = *s;
        }
    }
    *d = '\0';
}

/* 1 when a newsfs mount is on mnt already (mounting again would stack a
 * second one on top), 0 when not, -1 when mountinfo cannot be read. */
static int newsfs_mounted_on(const char *mnt)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        /* id parent major:minor root MOUNTPOINT options [tags...] - FSTYPE SOURCE ... */
        char *save = NULL, *field = strtok_r(line, " ", &save);
        char *mp = NULL, *fstype = NULL;
        for (int i = 1; field; i++, field = strtok_r(NULL, " ", &save)) {
            if (i == 5)
                mp = field;
            else if (i > 6 && strcmp(field, "-") == 0) {
                fstype = strtok_r(NULL, " ", &save);
                break;
            }
        }
        if (!mp || !fstype)
            continue;
        unescape_mountinfo(mp);
        found = strcmp(mp, mnt) == 0 && strcmp(fstype, "fuse.newsfs") == 0;
    }
    int rc = ferror(f) ? -1 : found;
    free(line);
    fclose(f);
    return rc;
}

/* ---- the helper ---- */

static int enter_namespace(const char *ns)
{
    int fd = open(ns, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, PROG ": %s: %s\n", ns, strerror(errno));
        return -1;
    }
    int rc = setns(fd, CLONE_NEWNS);
    if (rc != 0)
        fprintf(stderr, PROG ": cannot enter the mount namespace %s: %s\n", ns, strerror(errno));
    close(fd);
    return rc;
}

typedef struct {
    const char *pos[2];
    int npos;
    int sloppy, fake, verbose;
    const char *ns;
    strbuf opts; /* every -o, comma separated */
} helper_args;

/* Parse mount(8)'s helper arguments; returns -1 after a message on a usage
 * error, 1 when --help was printed, 0 otherwise. */
static int parse_args(int argc, char **argv, helper_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            fputs(usage, stdout);
            return 1;
        }
        if (arg[0] != '-' || !arg[1]) {
            if (a->npos == 2) {
                fprintf(stderr, PROG ": unexpected argument '%s'\n%s", arg, usage);
                return -1;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        for (const char *p = arg + 1; *p; p++) {
            if (*p == 's') {
                a->sloppy = 1;
            } else if (*p == 'f') {
                a->fake = 1;
            } else if (*p == 'n') {
                /* no mtab */
            } else if (*p == 'v') {
                a->verbose = 1;
            } else if (*p == 'o' || *p == 't' || *p == 'N') {
                const char *value = p[1] ? p + 1 : (i + 1 < argc ? argv[++i] : NULL);
                if (!value) {
                    fprintf(stderr, PROG ": -%c needs a value\n%s", *p, usage);
                    return -1;
                }
                if (*p == 'o' && *value)
                    sb_printf(&a->opts, "%s%s", a->opts.len ? "," : "", value);
                else if (*p == 'N')
                    a->ns = value;
                /* -t TYPE (newsfs, or fuse.newsfs) says nothing new */
                break;
            } else {
                fprintf(stderr, PROG ": unknown option '-%c'\n%s", *p, usage);
                return -1;
            }
        }
    }
    if (a->npos != 2) {
        fputs(usage, stderr);
        return -1;
    }
    return 0;
}

/* Resolve DB and MOUNTPOINT to absolute paths (the daemon changes
 * directory to /) and check what they are; NULL paths on failure. */
static int resolve_paths(const helper_args *a, char **db, char **mnt)
{
    struct stat st;
    *db = realpath(a->pos[0], NULL);
    if (!*db || stat(*db, &st) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", a->pos[0], strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, PROG ": %s: not an index file (made by newsfs index)\n", a->pos[0]);
        return -1;
    }
    *mnt = realpath(a->pos[1], NULL);
    if (!*mnt || stat(*mnt, &st) != 0) {
        fprintf(stderr, PROG ": %s: %s\n", a->pos[1], strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, PROG ": %s: not a directory\n", a->pos[1]);
        return -1;
    }
    return 0;
}

int mount_helper_main(int argc, char **argv)
{
    helper_args a = {0};
    int prc = parse_args(argc, argv, &a);
    if (prc != 0) {
        sb_free(&a.opts);
        return prc > 0 ? EX_MOUNT_OK : EX_MOUNT_USAGE;
    }
    int status = EX_MOUNT_FAIL;
    char *db = NULL, *mnt = NULL;
    strbuf fuse_opts = {0}, dropped = {0};
    if (a.ns && enter_namespace(a.ns) != 0)
        goto out;
    if (resolve_paths(&a, &db, &mnt) != 0)
        goto out;

    /* the index path as the source, so mount -a and findmnt know the mount */
    sb_puts(&fuse_opts, "fsname=");
    put_escaped(&fuse_opts, db);
    if (a.opts.len) {
        strbuf keep = {0};
        translate_options(a.opts.s, a.sloppy, &keep, &dropped);
        if (keep.len)
            sb_printf(&fuse_opts, ",%s", keep.s);
        sb_free(&keep);
    }

    int mounted = newsfs_mounted_on(mnt);
    if (mounted < 0) {
        fprintf(stderr, PROG ": cannot read /proc/self/mountinfo: %s\n", strerror(errno));
        goto out;
    }
    if (mounted) {
        fprintf(stderr, PROG ": %s: a newsfs index is already mounted there\n", mnt);
        goto out;
    }
    if (a.verbose) {
        printf(PROG ": mounting %s on %s (FUSE options: %s)\n", db, mnt, fuse_opts.s);
        if (dropped.len)
            printf(PROG ": left to mount(8) or ignored: %s\n", dropped.s);
        fflush(stdout);
    }
    if (a.fake) {
        status = EX_MOUNT_OK;
        goto out;
    }

    fsmount_options opt = {.db_path = db, .mountpoint = mnt, .fuse_opts = fuse_opts.s};
    nfs_err err;
    if (fsmount_run(&opt, &err) != 0) {
        fprintf(stderr, PROG ": %s\n", err.msg);
        goto out;
    }
    status = EX_MOUNT_OK;
out:
    free(db);
    free(mnt);
    sb_free(&fuse_opts);
    sb_free(&dropped);
    sb_free(&a.opts);
    return status;
}
