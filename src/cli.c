/* cli.c - the subcommands of the newsfs command line (see main.c for the
 * dispatcher and the overall usage text). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "article.h"
#include "decode.h"
#include "gazetteer.h"
#include "fsmount.h"
#include "index.h"
#include "search.h"
#include "tree.h"
#include "tree_internal.h"
#include "segment.h"
#include "topics.h"

static const char usage_index[] =
    "usage: newsfs index CORPUS_DIR DB [--topics FILE] [--force] [--quiet]\n"
    "Create or update the index DB of the issue files (*.txt) under CORPUS_DIR.\n"
    "Only new and changed files are read; files gone from CORPUS_DIR are dropped.\n"
    "The index may be mounted meanwhile: the mount shows the new state when done.\n"
    "A first index is built in DB.building and appears at DB when complete.\n"
    "  --topics FILE  file articles under the topics of FILE (see README: topics\n"
    "                 file format); kept for later runs; re-files every article\n"
    "                 without re-reading the corpus\n"
    "  --force        re-read every file even when unchanged\n"
    "  --quiet        no progress line (the default when stderr is not a terminal)\n";

int cli_index(int argc, char **argv)
{
    index_options opt = {.progress = isatty(2)};
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_index, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--topics")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "newsfs index: --topics needs a file\n%s", usage_index);
                return 2;
            }
            opt.topics_file = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            opt.force = 1;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            opt.progress = 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "newsfs index: unknown option '%s'\n%s", argv[i], usage_index);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            fprintf(stderr, "newsfs index: unexpected argument '%s'\n%s", argv[i], usage_index);
            return 2;
        }
    }
    if (npos != 2) {
        fputs(usage_index, stderr);
        return 2;
    }
    index_stats st;
    nfs_err err;
    if (index_update(pos[1], pos[0], &opt, &st, &err) != 0) {
        fprintf(stderr, "newsfs index: %s\n", err.msg);
        return 1;
    }
    double mb = (double)st.bytes_read / 1e6;
    fprintf(stderr,
            "newsfs index: %zu files: %zu indexed, %zu unchanged, %zu removed, %zu failed; "
            "%zu articles added, %zu removed%s; %.1f MB in %.2f s (%.1f MB/s)%s\n",
            st.files_seen, st.files_indexed, st.files_unchanged, st.files_removed,
            st.files_failed, st.articles_added, st.articles_removed,
            st.articles_refiled ? ", re-filed under new topics" : "", mb, st.seconds,
            st.seconds > 0 ? mb / st.seconds : 0.0,
            st.warnings ? "; see warnings above" : "");
    return st.files_failed ? 3 : 0;
}
static const char usage_mount[] =
    "usage: newsfs mount DB MOUNTPOINT [-f] [-d] [-o OPTIONS]\n"
    "Mount the index DB on MOUNTPOINT (read-only). Runs in the background\n"
    "unless -f; unmount with\n"
    "  fusermount3 -u MOUNTPOINT\n"
    "  -f          stay in the foreground, diagnostics on stderr (else syslog)\n"
    "  -d          FUSE debug output (implies -f)\n"
    "  -o OPTIONS  FUSE mount options, e.g. -o allow_other. The mount is\n"
    "              read-only unless -o rw, which lets rmdir under search/\n"
    "              forget saved queries but makes every stat after a read\n"
    "              a round trip (a second grep -r 4x slower)\n";

int cli_mount(int argc, char **argv)
{
    fsmount_options opt = {0};
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    strbuf fuse_opts = {0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_mount, stdout);
            return 0;
        } else if (!strcmp(argv[i], "-f")) {
            opt.foreground = 1;
        } else if (!strcmp(argv[i], "-d")) {
            opt.debug = opt.foreground = 1;
        } else if (!strcmp(argv[i], "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "newsfs mount: -o needs options\n%s", usage_mount);
                return 2;
            }
            sb_printf(&fuse_opts, "%s%s", fuse_opts.len ? "," : "", argv[++i]);
        } else if (!strncmp(argv[i], "-o", 2)) {
            sb_printf(&fuse_opts, "%s%s", fuse_opts.len ? "," : "", argv[i] + 2);
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "newsfs mount: unknown option '%s'\n%s", argv[i], usage_mount);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            fprintf(stderr, "newsfs mount: unexpected argument '%s'\n%s", argv[i], usage_mount);
            return 2;
        }
    }
    if (npos != 2) {
        fputs(usage_mount, stderr);
        sb_free(&fuse_opts);
        return 2;
    }
    nfs_err err;
    if (index_exists(pos[0], &err) != 0) {
        fprintf(stderr, "newsfs mount: %s\n", err.msg);
        sb_free(&fuse_opts);
        return 1;
    }
    /* the daemon changes directory to /: give it absolute paths */
    char *db = realpath(pos[0], NULL);
    int db_errno = errno;
    char *mnt = realpath(pos[1], NULL);
    if (!db || !mnt) {
        fprintf(stderr, "newsfs mount: %s: %s\n", !db ? pos[0] : pos[1],
                strerror(!db ? db_errno : errno));
        free(db);
        free(mnt);
        sb_free(&fuse_opts);
        return 1;
    }
    opt.db_path = db;
    opt.mountpoint = mnt;
    opt.fuse_opts = fuse_opts.s;
    int rc = fsmount_run(&opt, &err);
    if (rc != 0)
        fprintf(stderr, "newsfs mount: %s\n", err.msg);
    free(db);
    free(mnt);
    sb_free(&fuse_opts);
    return rc == 0 ? 0 : 1;
}

/* ---- reading the tree without mounting ---- */

static const char usage_tree[] =
    "usage: newsfs ls [-l] DB PATH | newsfs cat DB PATH | newsfs stat DB PATH\n"
    "       newsfs mkdir DB /search/QUERY | newsfs rmdir DB /search/QUERY\n"
    "Read the virtual tree of the index DB without mounting it. PATH is a path\n"
    "inside the mount, e.g. /issues, \"/search/劳模 工匠\", /regions/吉林省.\n"
    "mkdir saves a query (listed in search/ by every mount of DB, the live one\n"
    "too); rmdir forgets it. Through a mount, mkdir cannot reach newsfs: every\n"
    "name under search/ already is a query directory, so the kernel answers\n"
    "\"File exists\" itself; rmdir works there on a mount with -o rw.\n";

/* newsfs mkdir|rmdir DB /search/QUERY: save or forget a query
 * (tree_mkdir/tree_rmdir; through a mount only rmdir reaches newsfs, and
 * only with -o rw). */
static int saved_query_command(const char *cmd, tree_conn *c, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || !slash[1]) {
        fprintf(stderr, "newsfs %s: %s: expected /search/QUERY\n", cmd, path);
        return 2;
    }
    char *dir = nfs_xstrdup(path);
    dir[slash - path] = '\0';
    tree_attr parent, a;
    int rc = tree_resolve(c, *dir ? dir : "/", &parent);
    free(dir);
    if (rc == 0)
        rc = !strcmp(cmd, "mkdir") ? tree_mkdir(c, parent.ino, slash + 1, &a)
                                   : tree_rmdir(c, parent.ino, slash + 1);
    if (rc != 0) {
        fprintf(stderr, "newsfs %s: %s: %s%s\n", cmd, path, strerror(-rc),
                rc == -EINVAL ? " (a malformed query: see newsfs --help)" : "");
        return 1;
    }
    return 0;
}

static int print_entry(void *ctx, const char *name, const tree_attr *a, uint64_t next)
{
    int long_format = *(int *)ctx;
    if (long_format)
        printf("%c %10llu %3u %12lld  %s\n", S_ISDIR(a->mode) ? 'd' : '-',
               (unsigned long long)a->ino, a->nlink, (long long)a->size, name);
    else if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0)
        printf("%s\n", name);
    return 0;
}

static int open_tree(const char *db, tree **t, tree_conn **c)
{
    nfs_err err;
    if (tree_open(db, t, &err) != 0 || tree_conn_open(*t, c, &err) != 0) {
        fprintf(stderr, "newsfs: %s\n", err.msg);
        tree_close(*t);
        *t = NULL;
        return -1;
    }
    return 0;
}

int cli_tree(const char *cmd, int argc, char **argv)
{
    int long_format = 0, first = 1;
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_tree, stdout);
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "-l")) {
        long_format = 1;
        first = 2;
    }
    if (argc - first != 2) {
        fputs(usage_tree, stderr);
        return 2;
    }
    tree *t;
    tree_conn *c;
    if (open_tree(argv[first], &t, &c) != 0)
        return 1;
    const char *path = argv[first + 1];
    tree_attr a;
    int rc = 0, status = 0;
    if (!strcmp(cmd, "mkdir") || !strcmp(cmd, "rmdir")) {
        status = saved_query_command(cmd, c, path);
        tree_conn_close(c);
        tree_close(t);
        return status;
    }
    rc = tree_resolve(c, path, &a);
    if (rc != 0) {
        fprintf(stderr, "newsfs %s: %s: %s\n", cmd, path, strerror(-rc));
        status = 1;
    } else if (!strcmp(cmd, "ls")) {
        if (S_ISDIR(a.mode)) {
            tree_dir *d;
            rc = tree_opendir(c, a.ino, &d);
            if (rc == 0) {
                rc = tree_readdir(c, d, 0, print_entry, &long_format);
                tree_releasedir(d);
            }
            if (rc != 0) {
                fprintf(stderr, "newsfs ls: %s: %s\n", path, strerror(-rc));
                status = 1;
            }
        } else {
            print_entry(&long_format, path, &a, 0);
        }
    } else if (!strcmp(cmd, "cat")) {
        tree_file *f;
        rc = tree_open_file(c, a.ino, &f);
        if (rc != 0) {
            fprintf(stderr, "newsfs cat: %s: %s\n", path, strerror(-rc));
            status = 1;
        } else {
            char buf[65536];
            ssize_t n;
            uint64_t off = 0;
            while ((n = tree_read(f, buf, sizeof buf, off)) > 0) {
                fwrite(buf, 1, (size_t)n, stdout);
                off += (uint64_t)n;
            }
            tree_release_file(f);
        }
    } else { /* stat */
        printf("  File: %s\n  Size: %llu\tInode: %llu\tLinks: %u\t%s\n  Modify: %lld\n", path,
               (unsigned long long)a.size, (unsigned long long)a.ino, a.nlink,
               S_ISDIR(a.mode) ? "directory" : "regular file", (long long)a.mtime);
        char names[4096];
        ssize_t n = tree_listxattr(c, a.ino, names, sizeof names);
        for (ssize_t i = 0; i < n; i += (ssize_t)strlen(names + i) + 1) {
            char value[8192];
            ssize_t v = tree_getxattr(c, a.ino, names + i, value, sizeof value - 1);
            if (v >= 0) {
                value[v] = '\0';
                printf("  %s=%s\n", names + i, value);
            }
        }
    }
    tree_conn_close(c);
    tree_close(t);
    return status;
}

/* ---- search and explain ---- */

static const char usage_search[] =
    "usage: newsfs search DB QUERY... [--limit N]\n"
    "Print the articles matching QUERY, best first: rank, path under issues/,\n"
    "and the match in context in [ ]. Several QUERY arguments refine each\n"
    "other like nested search directories. Query syntax: see newsfs --help.\n";

int cli_search(int argc, char **argv)
{
    size_t limit = 0;
    const char *db = NULL;
    const char **parts = nfs_xcalloc((size_t)argc, sizeof *parts);
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_search, stdout);
            free(parts);
            return 0;
        } else if (!strcmp(argv[i], "--limit")) {
            char *end = NULL;
            if (i + 1 >= argc || (limit = (size_t)strtoul(argv[i + 1], &end, 10), *end)) {
                fprintf(stderr, "newsfs search: --limit needs a number\n%s", usage_search);
                free(parts);
                return 2;
            }
            i++;
        } else if (!db) {
            db = argv[i];
        } else {
            parts[n++] = argv[i];
        }
    }
    if (!db || n == 0) {
        fputs(usage_search, stderr);
        free(parts);
        return 2;
    }
    tree *t;
    tree_conn *c;
    if (open_tree(db, &t, &c) != 0) {
        free(parts);
        return 1;
    }
    search_env env = {t->gaz, t->tax};
    search_query *q;
    nfs_err err;
    int status = 0;
    if (search_parse(&env, parts, n, &q, &err) != 0) {
        fprintf(stderr, "newsfs search: malformed query: %s\n", err.msg);
        status = 2;
    } else {
        strbuf out = {0};
        if (search_snippets(c->db, q, limit, &out, &err) != 0) {
            fprintf(stderr, "newsfs search: %s\n", err.msg);
            status = 1;
        } else {
            fwrite(out.s ? out.s : "", 1, out.len, stdout);
        }
        sb_free(&out);
        search_query_free(q);
    }
    free(parts);
    tree_conn_close(c);
    tree_close(t);
    return status;
}

static const char usage_explain[] =
    "usage: newsfs explain DB PATH\n"
    "Say why the article at PATH (a path inside the mount, e.g.\n"
    "\"/issues/2020-11-23/01 标题.txt\") got its region and topics.\n";

int cli_explain(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_explain, stdout);
        return 0;
    }
    if (argc != 3) {
        fputs(usage_explain, stderr);
        return 2;
    }
    tree *t;
    tree_conn *c;
    if (open_tree(argv[1], &t, &c) != 0)
        return 1;
    /* accept a path through a mount point too: keep it from the view name on */
    const char *path = argv[2];
    static const char *views[] = {"/issues/", "/regions/", "/topics/", "/search/"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(views); i++) {
        const char *p = strstr(path, views[i]);
        if (p) {
            path = p;
            break;
        }
    }
    tree_attr a;
    int rc = tree_resolve(c, path, &a);
    int status = 0;
    if (rc != 0 || S_ISDIR(a.mode)) {
        fprintf(stderr, "newsfs explain: %s: %s\n", argv[2], rc ? strerror(-rc) : "not an article");
        status = 1;
    } else {
        static const struct {
            const char *label, *xattr;
        } show[] = {{"title", "user.newsfs.title"},   {"source", "user.newsfs.source"},
                    {"region", "user.newsfs.region"}, {"why", "user.newsfs.why_region"},
                    {"topics", "user.newsfs.topics"}, {"why", "user.newsfs.why_topics"},
                    {"date", "user.newsfs.date"},     {"date from", "user.newsfs.date_source"}};
        for (size_t i = 0; i < NFS_ARRAY_LEN(show); i++) {
            char value[16384];
            ssize_t v = tree_getxattr(c, a.ino, show[i].xattr, value, sizeof value - 1);
            if (v < 0)
                continue;
            value[v] = '\0';
            printf("%-10s %s\n", show[i].label, value);
        }
    }
    tree_conn_close(c);
    tree_close(t);
    return status;
}

static const char usage_enrich[] =
    "usage: newsfs enrich [--topics FILE] [--json] [--article] FILE...\n"
    "Show the region and topics newsfs gives each article of an issue FILE\n"
    "(decoded and segmented), or with --article of files each holding one\n"
    "article in the layout of the mounted article files (headline lines, a\n"
    "blank line, byline, body paragraphs).\n";

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void enrich_one(const gazetteer *gaz, const taxonomy *tax, const char *file, size_t n,
                       const article_view *v, int json)
{
    gaz_result gr;
    topic_result tr;
    gaz_locate(gaz, v, ENRICH_EXPLAIN, &gr);
    topics_classify(tax, v, ENRICH_EXPLAIN, &tr);
    char path[512];
    gaz_path(gaz, gr.main, path, sizeof path);
    if (json) {
        printf("{\"file\": ");
        json_str(file);
        printf(", \"article\": %zu, \"title\": ", n);
        json_str(v->title);
        printf(", \"region\": ");
        json_str(path);
        printf(", \"topics\": [");
        for (int i = 0; i < tr.n; i++) {
            printf("%s", i ? ", " : "");
            json_str(taxonomy_topic_name(tax, (size_t)tr.picks[i].topic));
        }
        printf("], \"places\": [");
        for (size_t i = 0; i < gr.n_hits; i++) {
            char p[512];
            gaz_path(gaz, gr.hits[i].code, p, sizeof p);
            printf("%s[", i ? ", " : "");
            json_str(p);
            printf(", %u]", gr.hits[i].count);
        }
        printf("], \"explain_region\": ");
        json_str(gr.explain);
        printf(", \"explain_topics\": ");
        json_str(tr.explain);
        printf("}\n");
    } else {
        printf("%s #%zu %s\n  region: %s\n  topics:", file, n, v->title, path);
        for (int i = 0; i < tr.n; i++)
            printf(" %s(%.2f)", taxonomy_topic_name(tax, (size_t)tr.picks[i].topic),
                   tr.picks[i].score);
        printf("\n  why region: %s\n  why topics: %s\n", gr.explain ? gr.explain : "",
               tr.explain ? tr.explain : "");
    }
    gaz_result_free(&gr);
    topic_result_free(&tr);
}

int cli_enrich(int argc, char **argv)
{
    const char *topics_file = NULL;
    int json = 0, single = 0, first_file = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            fputs(usage_enrich, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--article")) {
            single = 1;
        } else if (!strcmp(argv[i], "--topics") && i + 1 < argc) {
            topics_file = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "newsfs enrich: unknown option '%s'\n%s", argv[i], usage_enrich);
            return 2;
        } else {
            first_file = i;
            break;
        }
    }
    if (!first_file) {
        fputs(usage_enrich, stderr);
        return 2;
    }
    nfs_err err;
    gazetteer *gaz = NULL;
    taxonomy *tax = NULL;
    if (gaz_open(&gaz, &err) != 0 ||
        (topics_file ? taxonomy_load_file(topics_file, &tax, &err)
                     : taxonomy_default(&tax, &err)) != 0) {
        fprintf(stderr, "newsfs enrich: %s\n", err.msg);
        gaz_close(gaz);
        return 1;
    }
    int status = 0;
    strbuf buf = {0};
    for (int i = first_file; i < argc; i++) {
        decoded_text d;
        if (decode_file(argv[i], &d, &err) != 0) {
            fprintf(stderr, "newsfs enrich: %s\n", err.msg);
            status = 1;
            continue;
        }
        if (single) {
            article_view v;
            article_view_from_text(d.text, d.len, &v, &buf);
            enrich_one(gaz, tax, argv[i], 1, &v, json);
        } else {
            seg_result r;
            segment_page(d.text, d.len, &r);
            for (size_t k = 0; k < r.n_articles; k++) {
                article_view v;
                article_view_from_seg(&r.articles[k], &v, &buf);
                enrich_one(gaz, tax, argv[i], k + 1, &v, json);
            }
            seg_result_free(&r);
        }
        decoded_text_free(&d);
    }
    sb_free(&buf);
    taxonomy_free(tax);
    gaz_close(gaz);
    return status;
}

/* ---- check ---- */

static const char usage_check[] =
    "usage: newsfs check DB\n"
    "Verify the index: SQLite integrity, the full-text index against the\n"
    "articles, every issue complete, region counts. Prints what is wrong;\n"
    "exit status 0 when all is well.\n";

/* Run a query that must return 0 rows (or a single 0 / "ok"); report otherwise. */
static int check_query(sqlite3 *db, const char *what, const char *sql, const char *want)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        printf("%-28s FAILED: %s\n", what, sqlite3_errmsg(db));
        return 1;
    }
    int rc = sqlite3_step(st), bad = 0;
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (!v || strcmp(v, want) != 0) {
            printf("%-28s FAILED: %s\n", what, v ? v : "(null)");
            bad = 1;
        }
    } else if (rc != SQLITE_DONE) {
        printf("%-28s FAILED: %s\n", what, sqlite3_errmsg(db));
        bad = 1;
    }
    sqlite3_finalize(st);
    if (!bad)
        printf("%-28s ok\n", what);
    return bad;
}

int cli_check(int argc, char **argv)
{
    if (argc != 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_check, argc == 2 ? stdout : stderr);
        return argc == 2 ? 0 : 2;
    }
    sqlite3 *db;
    nfs_err err;
    /* check writes (the FTS5 integrity check is a command) but never creates */
    if (index_exists(argv[1], &err) != 0 || index_open_db(argv[1], 0, &db, &err) != 0) {
        fprintf(stderr, "newsfs check: %s\n", err.msg);
        return 1;
    }
    int bad = 0;
    bad += check_query(db, "sqlite integrity", "PRAGMA integrity_check", "ok");
    /* FTS5 checks its index against the articles table; an error means a mismatch */
    char *msg = NULL;
    if (sqlite3_exec(db, "INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)", NULL, NULL,
                     &msg) != SQLITE_OK) {
        printf("%-28s FAILED: %s\n", "full-text index", msg ? msg : sqlite3_errmsg(db));
        bad++;
    } else {
        printf("%-28s ok\n", "full-text index");
    }
    sqlite3_free(msg);
    bad += check_query(db, "every issue complete",
                       "SELECT count(*) FROM sources s WHERE n_articles !="
                       " (SELECT count(*) FROM articles a WHERE a.source_id = s.id)",
                       "0");
    bad += check_query(db, "no orphan articles",
                       "SELECT count(*) FROM articles a WHERE NOT EXISTS"
                       " (SELECT 1 FROM sources s WHERE s.id = a.source_id)",
                       "0");
    bad += check_query(db, "region counts",
                       "SELECT count(*) FROM (SELECT region, count(*) n FROM articles GROUP BY"
                       " region) a LEFT JOIN region_counts r ON r.code = a.region"
                       " WHERE r.direct IS NULL OR r.direct != a.n",
                       "0");
    bad += check_query(db, "issue count",
                       "SELECT (SELECT count(*) FROM sources) ="
                       " coalesce((SELECT value FROM meta WHERE key = 'issue_count'),"
                       " (SELECT count(*) FROM sources))",
                       "1");
    bad += check_query(db, "view names unique",
                       "SELECT count(*) - count(DISTINCT vname) FROM articles", "0");
    sqlite3_close(db);
    printf("%s\n", bad ? "the index has problems: re-create it with newsfs index --force" : "index ok");
    return bad ? 1 : 0;
}
