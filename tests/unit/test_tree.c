/* test_tree.c - the virtual tree without FUSE, on an index of the fixture
 * corpus: fixed layout, listings with resumable offsets, one inode per
 * article across views, exact sizes, xattr protocol, saved queries,
 * probe names, names of articles, re-indexing. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "index.h"
#include "names.h"
#include "testlib.h"
#include "tree.h"
#include "tree_internal.h"

static char db_path[256];
static tree *T;
static tree_conn *C;

typedef struct {
    char **names;
    tree_attr *attrs;
    uint64_t *offs;
    size_t n, cap;
    size_t stop_after; /* 0 = never stop */
} listing;

static int collect(void *ctx, const char *name, const tree_attr *a, uint64_t next)
{
    listing *l = ctx;
    if (l->stop_after && l->n >= l->stop_after)
        return 1;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->names = realloc(l->names, l->cap * sizeof *l->names);
        l->attrs = realloc(l->attrs, l->cap * sizeof *l->attrs);
        l->offs = realloc(l->offs, l->cap * sizeof *l->offs);
    }
    l->names[l->n] = strdup(name);
    l->attrs[l->n] = *a;
    l->offs[l->n] = next;
    l->n++;
    return 0;
}

static void listing_free(listing *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    free(l->attrs);
    free(l->offs);
    memset(l, 0, sizeof *l);
}

static int list_dir(nfs_ino ino, listing *l)
{
    tree_dir *d;
    int rc = tree_opendir(C, ino, &d);
    if (rc != 0)
        return rc;
    rc = tree_readdir(C, d, 0, collect, l);
    tree_releasedir(d);
    return rc;
}

static int list_path(const char *path, listing *l)
{
    tree_attr a;
    int rc = tree_resolve(C, path, &a);
    return rc ? rc : list_dir(a.ino, l);
}

static int has_name(const listing *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], name))
            return 1;
    return 0;
}

static char *read_all(nfs_ino ino, size_t *len)
{
    tree_file *f;
    if (tree_open_file(C, ino, &f) != 0)
        return NULL;
    strbuf sb = {0};
    char buf[7]; /* small reads exercise offsets */
    ssize_t n;
    uint64_t off = 0;
    while ((n = tree_read(f, buf, sizeof buf, off)) > 0) {
        sb_append(&sb, buf, (size_t)n);
        off += (uint64_t)n;
    }
    tree_release_file(f);
    *len = sb.len;
    return sb_steal(&sb);
}

static void test_root_layout(void)
{
    listing l = {0};
    CHECK_INT(list_dir(NFS_ROOT_INO, &l), 0);
    const char *want[] = {".", "..", "README.txt", "issues", "regions", "topics", "search"};
    CHECK_INT(l.n, NFS_ARRAY_LEN(want));
    for (size_t i = 0; i < NFS_ARRAY_LEN(want) && i < l.n; i++)
        CHECK_STR(l.names[i], want[i]);
    tree_attr a;
    CHECK_INT(tree_resolve(C, "/README.txt", &a), 0);
    CHECK(S_ISREG(a.mode));
    size_t len;
    char *text = read_all(a.ino, &len);
    CHECK(text && len == a.size && strstr(text, "search/") != NULL);
    free(text);
    listing_free(&l);
}

static void test_issues_listed_by_file_name(void)
{
    listing l = {0};
    CHECK_INT(list_path("/issues", &l), 0);
    CHECK(has_name(&l, "2021-03-15"));
    CHECK(has_name(&l, "2021-03-16"));
    CHECK(has_name(&l, "2021-06-02")); /* GBK file */
    CHECK(has_name(&l, "2021-06-03")); /* UTF-16 file */
    CHECK_INT(l.n, 2 + 4);
    listing_free(&l);
}

/* Every article in an issue: sizes exact, lookup gives the listed inode,
 * the content is UTF-8 and starts with its title line. */
static void test_articles_sizes_and_lookup(void)
{
    listing l = {0};
    CHECK_INT(list_path("/issues/2021-03-15", &l), 0);
    CHECK(l.n >= 3);
    tree_attr dir;
    CHECK_INT(tree_resolve(C, "/issues/2021-03-15", &dir), 0);
    for (size_t i = 2; i < l.n; i++) {
        tree_attr a;
        CHECK_INT(tree_lookup(C, dir.ino, l.names[i], &a), 0);
        CHECK_INT(a.ino, l.attrs[i].ino);
        CHECK(S_ISREG(a.mode) && (a.mode & 0777) == 0444);
        size_t len;
        char *text = read_all(a.ino, &len);
        CHECK(text != NULL);
        if (!text)
            continue;
        CHECK_INT(len, a.size);
        CHECK(utf8_valid(text, len));
        CHECK(len > 0 && text[len - 1] == '\n');
        CHECK(strncmp(l.names[i], "0", 1) == 0);          /* "01 …" */
        CHECK(strlen(l.names[i]) <= NFS_NAME_MAX);
        CHECK(strstr(l.names[i], ".txt") != NULL);
        free(text);
    }
    listing_free(&l);
}

/* Decoded GBK and UTF-16 issues read as the same UTF-8 text. */
static void test_other_encodings_readable(void)
{
    const char *paths[] = {"/issues/2021-06-02", "/issues/2021-06-03"};
    const char *words[] = {"安全生产月", "劳模创新工作室"};
    for (size_t k = 0; k < 2; k++) {
        listing l = {0};
        CHECK_INT(list_path(paths[k], &l), 0);
        int found = 0;
        for (size_t i = 2; i < l.n; i++) {
            size_t len;
            char *t = read_all(l.attrs[i].ino, &len);
            if (t && strstr(t, words[k]))
                found = 1;
            free(t);
        }
        CHECK_MSG(found, "%s holds no article with %s", paths[k], words[k]);
        listing_free(&l);
    }
}

/* Walk a view and count where each article inode appears. */
static void walk(nfs_ino dir, int depth, uint64_t *inos, size_t *n, size_t cap)
{
    listing l = {0};
    if (list_dir(dir, &l) != 0)
        return;
    for (size_t i = 0; i < l.n; i++) {
        if (!strcmp(l.names[i], ".") || !strcmp(l.names[i], ".."))
            continue;
        if (S_ISDIR(l.attrs[i].mode)) {
            if (depth < 8)
                walk(l.attrs[i].ino, depth + 1, inos, n, cap);
        } else if (*n < cap) {
            inos[(*n)++] = l.attrs[i].ino;
        }
    }
    listing_free(&l);
}

static int contains(const uint64_t *v, size_t n, uint64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static void test_one_inode_every_view(void)
{
    uint64_t issues[512], regions[512], topics[512];
    size_t ni = 0, nr = 0, nt = 0;
    tree_attr a;
    CHECK_INT(tree_resolve(C, "/issues", &a), 0);
    walk(a.ino, 0, issues, &ni, 512);
    CHECK_INT(tree_resolve(C, "/regions", &a), 0);
    walk(a.ino, 0, regions, &nr, 512);
    CHECK_INT(tree_resolve(C, "/topics", &a), 0);
    walk(a.ino, 0, topics, &nt, 512);
    CHECK(ni >= 6);
    /* regions/ files every article exactly once */
    CHECK_INT(nr, ni);
    for (size_t i = 0; i < nr; i++) {
        CHECK(contains(issues, ni, regions[i]));
        for (size_t j = i + 1; j < nr; j++)
            CHECK(regions[i] != regions[j]);
    }
    /* topics/ holds only articles of issues/ */
    for (size_t i = 0; i < nt; i++)
        CHECK(contains(issues, ni, topics[i]));
    /* inode numbers are unique and never 0 */
    for (size_t i = 0; i < ni; i++) {
        CHECK(issues[i] != 0);
        for (size_t j = i + 1; j < ni; j++)
            CHECK(issues[i] != issues[j]);
    }
}

/* A listing cut anywhere resumes from the offset of its last entry. */
static void test_readdir_resumes(void)
{
    tree_attr a;
    CHECK_INT(tree_resolve(C, "/issues/2021-03-15", &a), 0);
    listing full = {0};
    CHECK_INT(list_dir(a.ino, &full), 0);
    for (size_t cut = 1; cut < full.n; cut++) {
        listing part = {.stop_after = cut};
        tree_dir *d;
        CHECK_INT(tree_opendir(C, a.ino, &d), 0);
        tree_readdir(C, d, 0, collect, &part);
        CHECK_INT(part.n, cut);
        listing rest = {0};
        tree_readdir(C, d, part.offs[part.n - 1], collect, &rest);
        tree_releasedir(d);
        CHECK_INT(part.n + rest.n, full.n);
        for (size_t i = 0; i < rest.n && cut + i < full.n; i++)
            CHECK_STR(rest.names[i], full.names[cut + i]);
        listing_free(&part);
        listing_free(&rest);
    }
    listing_free(&full);
}

static void test_missing_and_probe_names(void)
{
    tree_attr a;
    CHECK_INT(tree_resolve(C, "/nothing", &a), -ENOENT);
    CHECK_INT(tree_resolve(C, "/issues/no-such-issue", &a), -ENOENT);
    CHECK_INT(tree_resolve(C, "/issues/2021-03-15/99 nothing.txt", &a), -ENOENT);
    const char *probes[] = {"/search/.hidden", "/search/.Trash-0", "/search/autorun.inf",
                            "/search/desktop.ini", "/issues/.hidden", "/regions/.directory"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(probes); i++)
        CHECK_MSG(tree_resolve(C, probes[i], &a) == -ENOENT, "%s", probes[i]);
    CHECK_INT(tree_resolve(C, "/README.txt/x", &a), -ENOTDIR);
}

static void test_xattr_protocol(void)
{
    listing l = {0};
    CHECK_INT(list_path("/issues/2021-03-15", &l), 0);
    if (l.n < 3) {
        listing_free(&l);
        return;
    }
    nfs_ino ino = l.attrs[2].ino;
    ssize_t need = tree_listxattr(C, ino, NULL, 0);
    CHECK(need > 0);
    char names[2048];
    CHECK_INT(tree_listxattr(C, ino, names, sizeof names), need);
    CHECK(memmem(names, (size_t)need, "user.xdg.tags", 14) != NULL);
    ssize_t vlen = tree_getxattr(C, ino, "user.newsfs.title", NULL, 0);
    CHECK(vlen > 0);
    char small[1];
    CHECK_INT(tree_getxattr(C, ino, "user.newsfs.title", small, sizeof small), -ERANGE);
    char value[1024];
    CHECK_INT(tree_getxattr(C, ino, "user.newsfs.title", value, sizeof value), vlen);
    CHECK_INT(tree_getxattr(C, ino, "user.nope", value, sizeof value), -ENODATA);
    CHECK_INT(tree_getxattr(C, ino, "security.selinux", value, sizeof value), -EOPNOTSUPP);
    CHECK_INT(tree_getxattr(C, ino, "system.posix_acl_access", value, sizeof value), -EOPNOTSUPP);
    vlen = tree_getxattr(C, ino, "user.newsfs.source", value, sizeof value - 1);
    CHECK(vlen > 0);
    value[vlen > 0 ? vlen : 0] = '\0';
    CHECK(strstr(value, "2021-03-15.txt") != NULL);
    listing_free(&l);
}

static void test_saved_queries(void)
{
    tree_attr a, s;
    CHECK_INT(tree_resolve(C, "/search", &s), 0);
    tree_saved_changed(C); /* records the state */
    CHECK_INT(tree_saved_changed(C), 0);
    CHECK_INT(tree_mkdir(C, s.ino, "工会 技能", &a), 0);
    CHECK(S_ISDIR(a.mode));
    CHECK_INT(tree_saved_changed(C), 1); /* the mount drops search/'s cached listing */
    CHECK_INT(tree_saved_changed(C), 0);
    CHECK_INT(tree_mkdir(C, s.ino, "工会 技能", &a), -EEXIST);
    CHECK_INT(tree_mkdir(C, s.ino, ".Trash-0", &a), -EINVAL);
    CHECK_INT(tree_saved_changed(C), 0); /* refused: nothing changed */
    listing l = {0};
    CHECK_INT(list_dir(s.ino, &l), 0);
    CHECK(has_name(&l, "工会 技能"));
    listing_free(&l);
    CHECK_INT(tree_rmdir(C, s.ino, "工会 技能"), 0);
    CHECK_INT(tree_saved_changed(C), 1);
    /* saved and forgotten between two calls: the same set, but a listing
     * cached in between showed the query */
    CHECK_INT(tree_mkdir(C, s.ino, "工会 技能", &a), 0);
    CHECK_INT(tree_rmdir(C, s.ino, "工会 技能"), 0);
    CHECK_INT(tree_saved_changed(C), 1);
    CHECK_INT(list_dir(s.ino, &l), 0);
    CHECK(!has_name(&l, "工会 技能"));
    listing_free(&l);
    tree_attr issues;
    CHECK_INT(tree_resolve(C, "/issues", &issues), 0);
    CHECK_INT(tree_mkdir(C, issues.ino, "x", &a), -EROFS);
}

/* A search directory never shares an ancestor's inode. */
static void test_search_inodes_distinct(void)
{
    tree_attr s, q1, q2, q3;
    CHECK_INT(tree_resolve(C, "/search", &s), 0);
    CHECK_INT(tree_lookup(C, s.ino, "工会", &q1), 0);
    CHECK_INT(tree_lookup(C, q1.ino, "工会", &q2), 0);
    CHECK_INT(tree_lookup(C, q2.ino, "技能", &q3), 0);
    CHECK(q1.ino != s.ino && q2.ino != q1.ino && q3.ino != q2.ino && q3.ino != q1.ino);
    tree_attr again;
    CHECK_INT(tree_lookup(C, s.ino, "工会", &again), 0);
    CHECK_INT(again.ino, q1.ino); /* same path while referenced: same inode */
    tree_forget(T, q3.ino, 1);
    tree_forget(T, q2.ino, 1);
    tree_forget(T, q1.ino, 2);
}

/* Search nodes whose results are held in memory. */
static size_t nodes_holding_results(void)
{
    size_t n = 0;
    pthread_mutex_lock(&T->lock);
    for (size_t b = 0; b < T->searches.n_buckets; b++)
        for (search_node *v = T->searches.by_serial[b]; v; v = v->by_serial_next)
            n += v->results != NULL;
    pthread_mutex_unlock(&T->lock);
    return n;
}

static int same_listing(const listing *a, const listing *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->names[i], b->names[i]) != 0 || a->attrs[i].ino != b->attrs[i].ino)
            return 0;
    return 1;
}

/* Past the budget of result memory, listing one search drops the results
 * of the others; a search listed again after that lists the same. */
static void test_search_results_budget(void)
{
    tree_attr s, q1, q2;
    CHECK_INT(tree_resolve(C, "/search", &s), 0);
    CHECK_INT(tree_lookup(C, s.ino, "工会", &q1), 0);
    CHECK_INT(tree_lookup(C, s.ino, "职工", &q2), 0);
    listing a = {0}, b = {0}, again = {0};
    CHECK_INT(list_dir(q1.ino, &a), 0);
    CHECK_INT(list_dir(q2.ino, &b), 0);
    CHECK(a.n > 0 && b.n > 0);
    CHECK_INT(nodes_holding_results(), 2); /* the default budget holds both */

    setenv("NEWSFS_SEARCH_CACHE_BYTES", "1", 1);
    CHECK_INT(list_dir(q1.ino, &again), 0);
    CHECK_INT(nodes_holding_results(), 1); /* 职工's results were dropped */
    listing_free(&again);
    CHECK_INT(list_dir(q2.ino, &again), 0); /* searched again */
    CHECK(same_listing(&again, &b));
    CHECK_INT(nodes_holding_results(), 1);
    unsetenv("NEWSFS_SEARCH_CACHE_BYTES");

    listing_free(&a);
    listing_free(&b);
    listing_free(&again);
    tree_forget(T, q1.ino, 1);
    tree_forget(T, q2.ino, 1);
    CHECK_INT(nodes_holding_results(), 0);
    CHECK_INT(T->searches.results_bytes, 0); /* the accounting returns to zero */
}

static void test_names(void)
{
    char *n = names_make("01 ", "a/b\tc\n  d", ".txt");
    CHECK_STR(n, "01 a／b c d.txt");
    free(n);
    strbuf long_title = {0};
    for (int i = 0; i < 200; i++)
        sb_puts(&long_title, "工");
    n = names_make("01 ", long_title.s, ".txt");
    CHECK(strlen(n) <= NFS_NAME_MAX);
    CHECK(utf8_valid(n, strlen(n)));
    CHECK(strcmp(n + strlen(n) - 4, ".txt") == 0);
    free(n);
    sb_free(&long_title);
    n = names_make("01 ", "", ".txt");
    CHECK_STR(n, "01 无题.txt");
    free(n);
    n = names_issue_entry(7, 120, "标题");
    CHECK_STR(n, "007 标题.txt");
    free(n);
    n = names_view_entry("2020-11-23", "x", 3, "标题", NULL);
    CHECK_STR(n, "2020-11-23 标题.txt");
    free(n);
    n = names_view_entry(NULL, "issue9", 3, "标题", NULL);
    CHECK_STR(n, "issue9 03 标题.txt");
    free(n);
    n = names_issue_dir("2020/11/23.txt");
    CHECK_STR(n, "2020_11_23");
    free(n);
}

/* Copy fixture issue file name into dir. */
static int copy_fixture_issue(const char *dir, const char *name)
{
    char from[4096], to[4096];
    snprintf(from, sizeof from, "%s/%s", tl_fixture("corpus"), name);
    snprintf(to, sizeof to, "%s/%s", dir, name);
    size_t len;
    char *text = tl_slurp(from, &len);
    FILE *f = text ? fopen(to, "wb") : NULL;
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    free(text);
    return ok ? 0 : -1;
}

/* The issue count (nlink of issues/) and the index time (mtime of the
 * root) come from counters the index keeps; they follow new and removed
 * issues. */
static void test_counters_follow_updates(void)
{
    char dir[256], db[300], p[320];
    snprintf(dir, sizeof dir, "/tmp/newsfs-test-counters-%d", (int)getpid());
    snprintf(db, sizeof db, "%s.db", dir);
    CHECK_INT(mkdir(dir, 0700), 0);
    CHECK_INT(copy_fixture_issue(dir, "2021-03-15.txt"), 0);
    CHECK_INT(copy_fixture_issue(dir, "2021-03-16.txt"), 0);
    index_options opt = {0};
    index_stats st;
    nfs_err err;
    tree *t = NULL;
    tree_conn *c = NULL;
    tree_attr a;
    CHECK_INT(index_update(db, dir, &opt, &st, &err), 0);
    CHECK_INT(tree_open(db, &t, &err), 0);
    CHECK_INT(tree_conn_open(t, &c, &err), 0);
    if (c) {
        CHECK_INT(tree_resolve(c, "/issues", &a), 0);
        CHECK_INT(a.nlink, 2 + 2);
        CHECK_INT(tree_resolve(c, "/", &a), 0);
        CHECK(a.mtime > 0 && a.mtime <= (int64_t)time(NULL));
        tree_conn_close(c);
    }
    tree_close(t);
    snprintf(p, sizeof p, "%s/2021-03-16.txt", dir);
    CHECK_INT(unlink(p), 0);
    CHECK_INT(copy_fixture_issue(dir, "2021-06-02.txt"), 0);
    CHECK_INT(copy_fixture_issue(dir, "2021-06-03.txt"), 0);
    CHECK_INT(index_update(db, dir, &opt, &st, &err), 0);
    t = NULL;
    c = NULL;
    CHECK_INT(tree_open(db, &t, &err), 0);
    CHECK_INT(tree_conn_open(t, &c, &err), 0);
    if (c) {
        CHECK_INT(tree_resolve(c, "/issues", &a), 0);
        CHECK_INT(a.nlink, 2 + 3);
        tree_conn_close(c);
    }
    tree_close(t);
    /* the full-text index holds exactly the articles left (the writer adds
     * new ones at commit and the delete trigger removes old ones) */
    sqlite3 *d = NULL;
    CHECK_INT(index_open_db(db, 0, &d, &err), 0);
    if (d) {
        char *msg = NULL;
        int rc = sqlite3_exec(d, "INSERT INTO fts(fts, rank) VALUES('integrity-check', 1)", NULL,
                              NULL, &msg);
        CHECK_MSG(rc == SQLITE_OK, "%s", msg ? msg : "");
        sqlite3_free(msg);
        sqlite3_close(d);
    }
    const char *files[] = {"2021-03-15.txt", "2021-06-02.txt", "2021-06-03.txt"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(files); i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    rmdir(dir);
    tl_remove_db(db);
}

/* A bulk load in several transactions leaves one full-text segment: the
 * last batch reaches the index before the final merge (a segment of its
 * own made 4-character searches on 12,000 issues 1.4-3 times as slow),
 * and the merge settings of later updates are restored. */
static void test_bulk_load_one_segment(void)
{
    char db[300];
    snprintf(db, sizeof db, "/tmp/newsfs-test-segments-%d.db", (int)getpid());
    index_options opt = {.batch_files = 3};
    index_stats st;
    nfs_err err;
    CHECK_MSG(index_update(db, tl_fixture("corpus"), &opt, &st, &err) == 0, "%s", err.msg);
    /* batches committed along the way, and one still open at the end */
    CHECK(st.files_indexed > 3 && st.files_indexed % 3 != 0);
    sqlite3 *d = NULL;
    CHECK_INT(index_open_db(db, 1, &d, &err), 0);
    if (d) {
        sqlite3_stmt *q = NULL;
        CHECK_INT(sqlite3_prepare_v2(d, "SELECT count(DISTINCT segid) FROM fts_idx", -1, &q, NULL),
                  SQLITE_OK);
        CHECK_INT(sqlite3_step(q), SQLITE_ROW);
        CHECK_INT(sqlite3_column_int(q, 0), 1);
        sqlite3_finalize(q);
        /* the bulk load's merge settings (no merging until the end) are
         * not left behind for later updates, which merge as they go */
        CHECK_INT(sqlite3_prepare_v2(d, "SELECT k, v FROM fts_config WHERE k IN"
                                        " ('automerge', 'crisismerge') ORDER BY k",
                                     -1, &q, NULL),
                  SQLITE_OK);
        CHECK_INT(sqlite3_step(q), SQLITE_ROW);
        CHECK_STR((const char *)sqlite3_column_text(q, 0), "automerge");
        CHECK_INT(sqlite3_column_int(q, 1), 4);
        CHECK_INT(sqlite3_step(q), SQLITE_ROW);
        CHECK_STR((const char *)sqlite3_column_text(q, 0), "crisismerge");
        CHECK_INT(sqlite3_column_int(q, 1), 16);
        sqlite3_finalize(q);
        sqlite3_close(d);
    }
    tl_remove_db(db);
}

int main(void)
{
    snprintf(db_path, sizeof db_path, "/tmp/newsfs-test-tree-%d.db", (int)getpid());
    index_options opt = {0};
    index_stats st;
    nfs_err err;
    char corpus[4096];
    snprintf(corpus, sizeof corpus, "%s", tl_fixture("corpus"));
    if (index_update(db_path, corpus, &opt, &st, &err) != 0 || tree_open(db_path, &T, &err) != 0 ||
        tree_conn_open(T, &C, &err) != 0) {
        fprintf(stderr, "setup: %s\n", err.msg);
        printf("0 passed, 1 failed, 0 skipped\n");
        return 1;
    }
    RUN(test_root_layout);
    RUN(test_issues_listed_by_file_name);
    RUN(test_articles_sizes_and_lookup);
    RUN(test_other_encodings_readable);
    RUN(test_one_inode_every_view);
    RUN(test_readdir_resumes);
    RUN(test_missing_and_probe_names);
    RUN(test_xattr_protocol);
    RUN(test_saved_queries);
    RUN(test_search_inodes_distinct);
    RUN(test_search_results_budget);
    RUN(test_names);
    RUN(test_counters_follow_updates);
    RUN(test_bulk_load_one_segment);
    tree_conn_close(C);
    tree_close(T);
    tl_remove_db(db_path);
    return tl_done();
}
