/* tree.c - the virtual tree of the mount (tree.h): what each inode is, how
 * a name resolves in a directory, listings with stable offsets, file
 * contents, extended attributes. No FUSE here: fuse.c adapts these calls,
 * tests and the CLI call them directly.
 *
 * Inode numbers: a tag in the top 16 bits, an id below.
 *   fixed nodes      1 /, 2 README.txt, 3 issues/, 4 regions/, 5 topics/, 6 search/
 *   TAG_ISSUE        sources.id          issues/<issue>/
 *   TAG_ARTICLE      articles.id         the article, wherever it is listed
 *   TAG_REGION       GB/T 2260 code      regions/…/<place>/ (全国 is code 0)
 *   TAG_TOPIC        topics.id           topics/<topic>/
 *   TAG_SEARCH       search node serial  search/<q>/…  (a new serial per query path)
 *   TAG_SEARCH_INFO  search node serial  the results/error file of a search dir
 * Article and issue ids are never reused (AUTOINCREMENT), so an inode never
 * changes meaning while mounted.
 */
#include "tree.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dates.h"
#include "gazetteer.h"
#include "index.h"
#include "names.h"
#include "search.h"
#include "topics.h"
#include "tree_internal.h"

extern const unsigned char nfs_data_readme_txt[];
extern const unsigned long nfs_data_readme_txt_len;

/* ---- inode numbers ---- */

nfs_ino tree_ino_make(int tag, uint64_t id)
{
    return ((uint64_t)tag << TAG_SHIFT) | (id & ID_MASK);
}

int tree_ino_tag(nfs_ino ino)
{
    return (int)(ino >> TAG_SHIFT);
}

uint64_t tree_ino_id(nfs_ino ino)
{
    return ino & ID_MASK;
}

/* ---- prepared statements of a connection ---- */

static const char *conn_sql[Q_COUNT] = {
    [Q_GENERATION] = "SELECT value FROM meta WHERE key = 'generation'",
    /* kept in meta by the index's triggers; the scans are for an index
     * written before them, until its next update */
    [Q_UPDATED_AT] = "SELECT coalesce((SELECT value FROM meta WHERE key = 'updated_at'),"
                     " (SELECT max(indexed_at) FROM sources))",
    [Q_ISSUE_COUNT] = "SELECT coalesce((SELECT value FROM meta WHERE key = 'issue_count'),"
                      " (SELECT count(*) FROM sources))",
    [Q_ISSUE_BY_NAME] = "SELECT id, n_articles, mtime_ns, date FROM sources WHERE issue = ?",
    [Q_ISSUE_BY_ID] = "SELECT issue, n_articles, mtime_ns, date FROM sources WHERE id = ?",
    [Q_ISSUE_LIST] = "SELECT id, issue, n_articles, mtime_ns, date FROM sources WHERE id > ?"
                     " ORDER BY id LIMIT 256",
    [Q_ARTICLE_ATTR] = "SELECT size, mtime, ntopics FROM listing WHERE id = ?",
    [Q_ARTICLE_TEXT] = "SELECT text FROM article_texts WHERE id = ?",
    [Q_ARTICLE_IN_ISSUE] =
        "SELECT id, name, size, mtime, ntopics FROM articles WHERE source_id = ? AND seq = ?",
    [Q_ISSUE_ARTICLES] = "SELECT seq, id, name, size, mtime, ntopics FROM articles"
                         " WHERE source_id = ? AND seq > ? ORDER BY seq LIMIT 256",
    [Q_ARTICLE_BY_VNAME] = "SELECT id, region, size, mtime, ntopics FROM articles WHERE vname = ?",
    [Q_ARTICLE_VIEW_ATTR] = "SELECT vname, size, mtime, ntopics FROM listing WHERE id = ?",
    [Q_REGION_COUNTS] = "SELECT direct, total FROM region_counts WHERE code = ?",
    [Q_REGION_ARTICLES] =
        "SELECT l.id, l.vname, l.size, l.mtime, l.ntopics FROM articles a"
        " JOIN listing l ON l.id = a.id WHERE a.region = ? AND a.id > ? ORDER BY a.id LIMIT 256",
    [Q_TOPIC_COUNT] = "SELECT count(*) FROM topics",
    [Q_TOPIC_LIST] = "SELECT id, name FROM topics WHERE id > ? ORDER BY id",
    [Q_TOPIC_BY_NAME] = "SELECT id FROM topics WHERE name = ?",
    [Q_TOPIC_BY_ID] = "SELECT name FROM topics WHERE id = ?",
    [Q_TOPIC_ARTICLES] =
        "SELECT l.id, l.vname, l.size, l.mtime, l.ntopics FROM article_topics t"
        " JOIN listing l ON l.id = t.article_id WHERE t.topic_id = ? AND t.article_id > ?"
        " ORDER BY t.article_id LIMIT 256",
    [Q_TOPIC_HAS] = "SELECT 1 FROM article_topics WHERE topic_id = ? AND article_id = ?",
    [Q_SAVED_LIST] = "SELECT id, name FROM saved_queries WHERE id > ? ORDER BY id",
    [Q_SAVED_COUNT] = "SELECT count(*) FROM saved_queries",
    [Q_SAVED_HAS] = "SELECT 1 FROM saved_queries WHERE name = ?",
    /* AUTOINCREMENT's sequence only grows: every save moves it, every
     * forget moves the count, so a save and a forget between two calls
     * still show (the count or the largest id would not) */
    [Q_SAVED_SIGNATURE] = "SELECT (coalesce((SELECT seq FROM sqlite_sequence"
                          " WHERE name = 'saved_queries'), 0) << 24) | (SELECT count(*)"
                          " FROM saved_queries)",
    [Q_XATTR] =
        "SELECT a.kind, a.title, a.pretitle, a.subtitle, a.byline, a.blocks, a.date,"
        " a.date_source, a.region, s.issue, s.path, s.date_confidence, a.seq,"
        " (SELECT group_concat(name, ',') FROM (SELECT p.name FROM article_topics t"
        "   JOIN topics p ON p.id = t.topic_id WHERE t.article_id = a.id ORDER BY t.rank))"
        " FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?",
    [Q_ARTICLE_ROW] =
        "SELECT a.title, a.headline, a.byline, a.lead_off, a.lead_len, t.text FROM articles a"
        " JOIN article_texts t ON t.id = a.id WHERE a.id = ?",
    [Q_TAXONOMY] = "SELECT value FROM meta WHERE key = 'taxonomy'",
};

/* ---- the tree ---- */

int tree_open(const char *db_path, tree **out, nfs_err *err)
{
    *out = NULL;
    tree *t = nfs_xcalloc(1, sizeof *t);
    t->db_path = nfs_xstrdup(db_path);
    t->rows = listing_cache_new(LISTING_CACHE_BYTES);
    t->uid = getuid();
    t->gid = getgid();
    pthread_mutex_init(&t->lock, NULL);
    search_nodes_init(&t->searches);
    /* check that the index opens, and read what the tree needs once */
    sqlite3 *db;
    if (index_open_db(db_path, 1, &db, err) != 0) {
        tree_close(t);
        return -1;
    }
    char *tax_text = NULL, *tax_origin = NULL;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT key, value FROM meta WHERE key IN ('taxonomy',"
                               " 'taxonomy_origin')",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *k = (const char *)sqlite3_column_text(st, 0);
            const char *v = (const char *)sqlite3_column_text(st, 1);
            if (!k || !v)
                continue;
            if (!strcmp(k, "taxonomy"))
                tax_text = nfs_xstrdup(v);
            else
                tax_origin = nfs_xstrdup(v);
        }
        sqlite3_finalize(st);
    }
    t->generation = index_generation(db);
    sqlite3_close(db);
    int rc = gaz_open(&t->gaz, err);
    if (rc == 0) {
        nfs_err terr;
        if (tax_text && taxonomy_parse(tax_text, strlen(tax_text),
                                       tax_origin ? tax_origin : "index", &t->tax, &terr) != 0)
            t->tax = NULL;
        if (!t->tax)
            rc = taxonomy_default(&t->tax, err);
    }
    free(tax_text);
    free(tax_origin);
    if (rc != 0) {
        tree_close(t);
        return -1;
    }
    t->env.gaz = t->gaz;
    t->env.tax = t->tax;
    *out = t;
    return 0;
}

void tree_close(tree *t)
{
    if (!t)
        return;
    search_nodes_free(&t->searches);
    listing_cache_free(t->rows);
    gaz_close(t->gaz);
    taxonomy_free(t->tax);
    for (size_t i = 0; i < t->n_retired; i++)
        taxonomy_free(t->retired[i]);
    free(t->retired);
    pthread_mutex_destroy(&t->lock);
    free(t->db_path);
    free(t);
}

int tree_conn_open(tree *t, tree_conn **out, nfs_err *err)
{
    *out = NULL;
    tree_conn *c = nfs_xcalloc(1, sizeof *c);
    c->t = t;
    if (index_open_db(t->db_path, 1, &c->db, err) != 0) {
        free(c);
        return -1;
    }
    strbuf batch = {0};
    sb_puts(&batch, "SELECT id, vname, size, mtime, ntopics FROM listing WHERE id IN (");
    for (int i = 0; i < VIEW_BATCH; i++)
        sb_printf(&batch, "%s?%d", i ? "," : "", i + 1);
    sb_puts(&batch, ")");
    for (int i = 0; i < Q_COUNT; i++) {
        const char *sql = i == Q_ARTICLES_VIEW_BATCH ? batch.s : conn_sql[i];
        if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st[i], NULL) !=
            SQLITE_OK) {
            sb_free(&batch);
            nfs_err_set(err, "%s: preparing queries: %s", t->db_path, sqlite3_errmsg(c->db));
            tree_conn_close(c);
            return -1;
        }
    }
    sb_free(&batch);
    *out = c;
    return 0;
}

void tree_conn_close(tree_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(c->st[i]);
    sqlite3_close(c->db);
    sqlite3_close(c->helper);
    free(c);
}

/* Bind helpers: reset the statement and bind; the caller steps. */
sqlite3_stmt *tree_stmt(tree_conn *c, int q)
{
    sqlite3_stmt *st = c->st[q];
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

static int64_t query_int(tree_conn *c, int q, int64_t dflt)
{
    sqlite3_stmt *st = tree_stmt(c, q);
    int64_t v = dflt;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

/* ---- attributes ---- */

static void dir_attr(tree_conn *c, nfs_ino ino, uint32_t subdirs, int64_t mtime, tree_attr *a)
{
    memset(a, 0, sizeof *a);
    a->ino = ino;
    a->mode = S_IFDIR | 0555;
    a->nlink = 2 + subdirs;
    a->mtime = mtime ? mtime : tree_index_time(c);
}

void tree_article_attr(nfs_ino ino, int64_t size, int64_t mtime, int ntopics, tree_attr *a)
{
    memset(a, 0, sizeof *a);
    a->ino = ino;
    a->mode = S_IFREG | 0444;
    a->nlink = 2 + (uint32_t)ntopics; /* issues/, regions/, topics/… */
    a->size = (uint64_t)size;
    a->mtime = mtime;
}

/* Time of the last index run: the directories that have no date of their own. */
int64_t tree_index_time(tree_conn *c)
{
    if (c->index_time_gen != c->t->generation || !c->index_time) {
        c->index_time = query_int(c, Q_UPDATED_AT, 0);
        if (!c->index_time)
            c->index_time = (int64_t)time(NULL);
        c->index_time_gen = c->t->generation;
    }
    return c->index_time;
}

/* An issue directory's time: its publication date, else its file's mtime. */
static int64_t issue_mtime(sqlite3_stmt *st, int col_mtime_ns, int col_date)
{
    int64_t t = date_to_unix((const char *)sqlite3_column_text(st, col_date));
    return t >= 0 ? t : sqlite3_column_int64(st, col_mtime_ns) / 1000000000;
}

static int region_counts(tree_conn *c, uint32_t code, int64_t *direct, int64_t *total)
{
    sqlite3_stmt *st = tree_stmt(c, Q_REGION_COUNTS);
    sqlite3_bind_int64(st, 1, code);
    *direct = *total = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *direct = sqlite3_column_int64(st, 0);
        *total = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return *total > 0;
}

/* Number of child region directories shown under code (non-empty ones). */
static uint32_t region_subdirs(tree_conn *c, uint32_t code)
{
    const uint32_t *kids;
    size_t n = gaz_children(c->t->gaz, code, &kids);
    uint32_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t d, t;
        if (region_counts(c, kids[i], &d, &t))
            shown++;
    }
    if (code == 0) { /* 全国 sits beside the provinces */
        int64_t d, t;
        region_counts(c, 0, &d, &t);
        if (d > 0)
            shown++;
    }
    return shown;
}

static int article_attr(tree_conn *c, uint64_t id, tree_attr *a)
{
    sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_ATTR);
    sqlite3_bind_int64(st, 1, (int64_t)id);
    int rc = -ENOENT;
    if (sqlite3_step(st) == SQLITE_ROW) {
        tree_article_attr(tree_ino_make(TAG_ARTICLE, id), sqlite3_column_int64(st, 0),
                          sqlite3_column_int64(st, 1), sqlite3_column_int(st, 2), a);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

int tree_getattr(tree_conn *c, nfs_ino ino, tree_attr *a)
{
    switch (tree_ino_tag(ino)) {
    case TAG_FIXED:
        switch (ino) {
        case NFS_ROOT_INO:
            dir_attr(c, ino, 4, 0, a);
            return 0;
        case INO_README:
            memset(a, 0, sizeof *a);
            a->ino = ino;
            a->mode = S_IFREG | 0444;
            a->nlink = 1;
            a->size = nfs_data_readme_txt_len;
            a->mtime = tree_index_time(c);
            return 0;
        case INO_ISSUES:
            dir_attr(c, ino, (uint32_t)query_int(c, Q_ISSUE_COUNT, 0), 0, a);
            return 0;
        case INO_REGIONS:
            dir_attr(c, ino, region_subdirs(c, 0), 0, a);
            return 0;
        case INO_TOPICS:
            dir_attr(c, ino, (uint32_t)query_int(c, Q_TOPIC_COUNT, 0), 0, a);
            return 0;
        case INO_SEARCH:
            dir_attr(c, ino, (uint32_t)query_int(c, Q_SAVED_COUNT, 0), 0, a);
            return 0;
        }
        return -ENOENT;
    case TAG_ISSUE: {
        sqlite3_stmt *st = tree_stmt(c, Q_ISSUE_BY_ID);
        sqlite3_bind_int64(st, 1, (int64_t)tree_ino_id(ino));
        int rc = -ENOENT;
        if (sqlite3_step(st) == SQLITE_ROW) {
            dir_attr(c, ino, 0, issue_mtime(st, 2, 3), a);
            rc = 0;
        }
        sqlite3_reset(st);
        return rc;
    }
    case TAG_ARTICLE:
        return article_attr(c, tree_ino_id(ino), a);
    case TAG_REGION: {
        uint32_t code = (uint32_t)tree_ino_id(ino);
        int64_t d, t;
        if (!region_counts(c, code, &d, &t) || (code == 0 && d == 0))
            return -ENOENT;
        dir_attr(c, ino, code ? region_subdirs(c, code) : 0, 0, a);
        return 0;
    }
    case TAG_TOPIC: {
        sqlite3_stmt *st = tree_stmt(c, Q_TOPIC_BY_ID);
        sqlite3_bind_int64(st, 1, (int64_t)tree_ino_id(ino));
        int found = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        if (!found)
            return -ENOENT;
        dir_attr(c, ino, 0, 0, a);
        return 0;
    }
    case TAG_SEARCH:
        return tree_search_getattr(c, ino, a);
    case TAG_SEARCH_INFO:
        return tree_search_info_getattr(c, ino, a);
    }
    return -ENOENT;
}

/* ---- lookup ---- */

/* Names a file manager or shell probes for; never queries, never articles. */
int tree_is_probe_name(const char *name)
{
    static const char *probes[] = {"autorun.inf", "desktop.ini", "Thumbs.db", "folder.jpg",
                                   "folder.png", "AlbumArtSmall.jpg", "RECYCLER", "$RECYCLE.BIN",
                                   "System Volume Information"};
    if (name[0] == '.')
        return 1;
    for (size_t i = 0; i < NFS_ARRAY_LEN(probes); i++)
        if (strcasecmp(name, probes[i]) == 0)
            return 1;
    return 0;
}

/* Leading decimal number of an article name in issues/ ("07 title.txt" -> 7). */
static int name_seq(const char *name)
{
    long v = 0;
    const char *p = name;
    while (*p >= '0' && *p <= '9' && v < 1000000)
        v = v * 10 + (*p++ - '0');
    if (p == name || *p != ' ')
        return -1;
    return (int)v;
}

static int lookup_issue_article(tree_conn *c, uint64_t source_id, const char *name, tree_attr *a)
{
    int seq = name_seq(name);
    if (seq < 0)
        return -ENOENT;
    sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_IN_ISSUE);
    sqlite3_bind_int64(st, 1, (int64_t)source_id);
    sqlite3_bind_int(st, 2, seq);
    int rc = -ENOENT;
    if (sqlite3_step(st) == SQLITE_ROW &&
        strcmp((const char *)sqlite3_column_text(st, 1), name) == 0) {
        uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
        tree_article_attr(tree_ino_make(TAG_ARTICLE, id), sqlite3_column_int64(st, 2),
                          sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4), a);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

/* An article by its view name (regions/, topics/, search/); *region gets its region. */
int tree_article_by_vname(tree_conn *c, const char *vname, tree_attr *a, uint32_t *region)
{
    sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_BY_VNAME);
    sqlite3_bind_text(st, 1, vname, -1, SQLITE_STATIC);
    int rc = -ENOENT;
    if (sqlite3_step(st) == SQLITE_ROW) {
        uint64_t id = (uint64_t)sqlite3_column_int64(st, 0);
        if (region)
            *region = (uint32_t)sqlite3_column_int64(st, 1);
        tree_article_attr(tree_ino_make(TAG_ARTICLE, id), sqlite3_column_int64(st, 2),
                          sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4), a);
        rc = 0;
    }
    sqlite3_reset(st);
    return rc;
}

static int lookup_region_child(tree_conn *c, uint32_t parent, const char *name, tree_attr *a)
{
    /* a subdirectory: official name, or a short/former one resolving to it */
    uint32_t code;
    if (parent == 0 && strcmp(name, "全国") == 0) {
        int64_t d, t;
        region_counts(c, 0, &d, &t);
        if (d == 0)
            return -ENOENT;
        dir_attr(c, tree_ino_make(TAG_REGION, 0), 0, 0, a);
        return 0;
    }
    code = gaz_child_by_name(c->t->gaz, parent, name, NULL);
    if (code) {
        int64_t d, t;
        if (!region_counts(c, code, &d, &t))
            return -ENOENT;
        dir_attr(c, tree_ino_make(TAG_REGION, code), region_subdirs(c, code), 0, a);
        return 0;
    }
    if (parent == 0)
        return -ENOENT; /* regions/ holds only directories */
    uint32_t region;
    if (tree_article_by_vname(c, name, a, &region) == 0 && region == parent)
        return 0;
    return -ENOENT;
}

int tree_lookup(tree_conn *c, nfs_ino parent, const char *name, tree_attr *a)
{
    if (strlen(name) > NFS_NAME_MAX) /* as on a local disk (FUSE itself allows 1024) */
        return -ENAMETOOLONG;
    if (!*name || strchr(name, '/'))
        return -ENOENT;
    if (!strcmp(name, "."))
        return tree_getattr(c, parent, a);
    switch (tree_ino_tag(parent)) {
    case TAG_FIXED:
        switch (parent) {
        case NFS_ROOT_INO: {
            static const struct {
                const char *name;
                nfs_ino ino;
            } top[] = {{"README.txt", INO_README}, {"issues", INO_ISSUES},
                       {"regions", INO_REGIONS},   {"topics", INO_TOPICS},
                       {"search", INO_SEARCH}};
            if (!strcmp(name, ".."))
                return tree_getattr(c, NFS_ROOT_INO, a);
            for (size_t i = 0; i < NFS_ARRAY_LEN(top); i++)
                if (!strcmp(name, top[i].name))
                    return tree_getattr(c, top[i].ino, a);
            return -ENOENT;
        }
        case INO_ISSUES: {
            if (!strcmp(name, ".."))
                return tree_getattr(c, NFS_ROOT_INO, a);
            sqlite3_stmt *st = tree_stmt(c, Q_ISSUE_BY_NAME);
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
            int rc = -ENOENT;
            if (sqlite3_step(st) == SQLITE_ROW) {
                dir_attr(c, tree_ino_make(TAG_ISSUE, (uint64_t)sqlite3_column_int64(st, 0)), 0,
                         issue_mtime(st, 2, 3), a);
                rc = 0;
            }
            sqlite3_reset(st);
            return rc;
        }
        case INO_REGIONS:
            if (!strcmp(name, ".."))
                return tree_getattr(c, NFS_ROOT_INO, a);
            return lookup_region_child(c, 0, name, a);
        case INO_TOPICS: {
            if (!strcmp(name, ".."))
                return tree_getattr(c, NFS_ROOT_INO, a);
            sqlite3_stmt *st = tree_stmt(c, Q_TOPIC_BY_NAME);
            sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
            int rc = -ENOENT;
            if (sqlite3_step(st) == SQLITE_ROW) {
                dir_attr(c, tree_ino_make(TAG_TOPIC, (uint64_t)sqlite3_column_int64(st, 0)), 0, 0,
                         a);
                rc = 0;
            }
            sqlite3_reset(st);
            return rc;
        }
        case INO_SEARCH:
            if (!strcmp(name, ".."))
                return tree_getattr(c, NFS_ROOT_INO, a);
            return tree_search_lookup(c, INO_SEARCH, name, a);
        }
        return -ENOTDIR;
    case TAG_ISSUE:
        if (!strcmp(name, ".."))
            return tree_getattr(c, INO_ISSUES, a);
        return lookup_issue_article(c, tree_ino_id(parent), name, a);
    case TAG_REGION: {
        uint32_t code = (uint32_t)tree_ino_id(parent);
        if (!strcmp(name, "..")) {
            if (code == 0 || gaz_parent(c->t->gaz, code) == 0)
                return tree_getattr(c, INO_REGIONS, a);
            return tree_getattr(c, tree_ino_make(TAG_REGION, gaz_parent(c->t->gaz, code)), a);
        }
        if (code == 0) { /* 全国: articles only */
            uint32_t region;
            if (tree_article_by_vname(c, name, a, &region) == 0 && region == 0)
                return 0;
            return -ENOENT;
        }
        return lookup_region_child(c, code, name, a);
    }
    case TAG_TOPIC: {
        if (!strcmp(name, ".."))
            return tree_getattr(c, INO_TOPICS, a);
        if (tree_article_by_vname(c, name, a, NULL) != 0)
            return -ENOENT;
        sqlite3_stmt *st = tree_stmt(c, Q_TOPIC_HAS);
        sqlite3_bind_int64(st, 1, (int64_t)tree_ino_id(parent));
        sqlite3_bind_int64(st, 2, (int64_t)tree_ino_id(a->ino));
        int has = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_reset(st);
        return has ? 0 : -ENOENT;
    }
    case TAG_SEARCH:
        return tree_search_lookup(c, parent, name, a);
    case TAG_ARTICLE:
    case TAG_SEARCH_INFO:
        return -ENOTDIR;
    }
    return -ENOENT;
}

int tree_resolve(tree_conn *c, const char *path, tree_attr *out)
{
    int rc = tree_getattr(c, NFS_ROOT_INO, out);
    const char *p = path;
    char comp[1100];
    while (rc == 0) {
        while (*p == '/')
            p++;
        if (!*p)
            break;
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n >= sizeof comp) {
            rc = -ENAMETOOLONG;
            break;
        }
        memcpy(comp, p, n);
        comp[n] = '\0';
        nfs_ino parent = out->ino;
        rc = tree_lookup(c, parent, comp, out);
        p += n;
    }
    return rc;
}

/* ---- listings ---- */

struct tree_dir {
    nfs_ino ino; /* search results live in the search node, not here */
};

int tree_opendir(tree_conn *c, nfs_ino ino, tree_dir **out)
{
    *out = NULL;
    tree_attr a;
    int rc = tree_getattr(c, ino, &a);
    if (rc != 0)
        return rc;
    if (!S_ISDIR(a.mode))
        return -ENOTDIR;
    tree_dir *d = nfs_xcalloc(1, sizeof *d);
    d->ino = ino;
    *out = d;
    return 0;
}

void tree_releasedir(tree_dir *d)
{
    free(d);
}

/* Offsets: 1 ".", 2 "..", 3.. fixed entries, KEY_BASE + key for keyed rows. */
#define OFF_DOTDOT 2
#define OFF_FIXED 3

static int fill_dots(tree_conn *c, tree_dir *d, uint64_t *off, tree_fill_fn fill, void *ctx,
                     nfs_ino parent)
{
    tree_attr a;
    if (*off < 1) {
        if (tree_getattr(c, d->ino, &a) == 0 && fill(ctx, ".", &a, 1))
            return 1;
        *off = 1;
    }
    if (*off < OFF_DOTDOT) {
        if (tree_getattr(c, parent, &a) == 0 && fill(ctx, "..", &a, OFF_DOTDOT))
            return 1;
        *off = OFF_DOTDOT;
    }
    return 0;
}

/* Rows of a keyed listing statement: col 0 key, col 1 id, col 2 name,
 * col 3 size, col 4 mtime, col 5 ntopics (article rows). */
static int fill_article_rows(tree_conn *c, int q, int64_t owner, uint64_t *off, int key_is_id,
                             tree_fill_fn fill, void *ctx)
{
    for (;;) {
        int64_t after = *off >= KEY_BASE ? (int64_t)(*off - KEY_BASE) : 0;
        sqlite3_stmt *st = tree_stmt(c, q);
        sqlite3_bind_int64(st, 1, owner);
        sqlite3_bind_int64(st, 2, after);
        int rows = 0, rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            rows++;
            int base = key_is_id ? 0 : 1;
            int64_t key = sqlite3_column_int64(st, 0);
            uint64_t id = (uint64_t)sqlite3_column_int64(st, base);
            const char *name = (const char *)sqlite3_column_text(st, base + 1);
            tree_attr a;
            tree_article_attr(tree_ino_make(TAG_ARTICLE, id), sqlite3_column_int64(st, base + 2),
                              sqlite3_column_int64(st, base + 3), sqlite3_column_int(st, base + 4),
                              &a);
            if (fill(ctx, name, &a, KEY_BASE + (uint64_t)key)) {
                sqlite3_reset(st);
                return 1;
            }
            *off = KEY_BASE + (uint64_t)key;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -EIO;
        if (rows < 256)
            return 0;
    }
}

static int readdir_root(tree_conn *c, tree_dir *d, uint64_t off, tree_fill_fn fill, void *ctx)
{
    static const struct {
        const char *name;
        nfs_ino ino;
    } top[] = {{"README.txt", INO_README}, {"issues", INO_ISSUES}, {"regions", INO_REGIONS},
               {"topics", INO_TOPICS},     {"search", INO_SEARCH}};
    if (fill_dots(c, d, &off, fill, ctx, NFS_ROOT_INO))
        return 0;
    for (size_t i = 0; i < NFS_ARRAY_LEN(top); i++) {
        uint64_t my = OFF_FIXED + i;
        if (off >= my)
            continue;
        tree_attr a;
        if (tree_getattr(c, top[i].ino, &a) != 0)
            continue;
        if (fill(ctx, top[i].name, &a, my))
            return 0;
    }
    return 0;
}

static int readdir_issues(tree_conn *c, tree_dir *d, uint64_t off, tree_fill_fn fill, void *ctx)
{
    if (fill_dots(c, d, &off, fill, ctx, NFS_ROOT_INO))
        return 0;
    for (;;) {
        int64_t after = off >= KEY_BASE ? (int64_t)(off - KEY_BASE) : 0;
        sqlite3_stmt *st = tree_stmt(c, Q_ISSUE_LIST);
        sqlite3_bind_int64(st, 1, after);
        int rows = 0, rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            rows++;
            int64_t id = sqlite3_column_int64(st, 0);
            tree_attr a;
            dir_attr(c, tree_ino_make(TAG_ISSUE, (uint64_t)id), 0, issue_mtime(st, 3, 4), &a);
            if (fill(ctx, (const char *)sqlite3_column_text(st, 1), &a, KEY_BASE + (uint64_t)id)) {
                sqlite3_reset(st);
                return 0;
            }
            off = KEY_BASE + (uint64_t)id;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return -EIO;
        if (rows < 256)
            return 0;
    }
}

static int readdir_region(tree_conn *c, tree_dir *d, uint32_t code, uint64_t off,
                          tree_fill_fn fill, void *ctx)
{
    nfs_ino parent = INO_REGIONS;
    int is_root = d->ino == INO_REGIONS;
    if (!is_root && code && gaz_parent(c->t->gaz, code))
        parent = tree_ino_make(TAG_REGION, gaz_parent(c->t->gaz, code));
    if (fill_dots(c, d, &off, fill, ctx, is_root ? NFS_ROOT_INO : parent))
        return 0;
    /* subdirectories, offset OFF_FIXED + index among the children */
    if (is_root || code != 0) {
        const uint32_t *kids;
        size_t n = gaz_children(c->t->gaz, is_root ? 0 : code, &kids);
        for (size_t i = 0; i < n; i++) {
            uint64_t my = OFF_FIXED + i;
            if (off >= my)
                continue;
            int64_t dn, tn;
            if (!region_counts(c, kids[i], &dn, &tn))
                continue;
            tree_attr a;
            dir_attr(c, tree_ino_make(TAG_REGION, kids[i]), region_subdirs(c, kids[i]), 0, &a);
            if (fill(ctx, gaz_name(c->t->gaz, kids[i]), &a, my))
                return 0;
            off = my;
        }
        if (is_root) {
            uint64_t my = OFF_FIXED + n;
            int64_t dn, tn;
            region_counts(c, 0, &dn, &tn);
            if (off < my && dn > 0) {
                tree_attr a;
                dir_attr(c, tree_ino_make(TAG_REGION, 0), 0, 0, &a);
                if (fill(ctx, "全国", &a, my))
                    return 0;
            }
            return 0;
        }
    }
    return fill_article_rows(c, Q_REGION_ARTICLES, code, &off, 1, fill, ctx);
}

static int readdir_topics(tree_conn *c, tree_dir *d, uint64_t off, tree_fill_fn fill, void *ctx)
{
    if (fill_dots(c, d, &off, fill, ctx, NFS_ROOT_INO))
        return 0;
    int64_t after = off >= KEY_BASE ? (int64_t)(off - KEY_BASE) : 0;
    sqlite3_stmt *st = tree_stmt(c, Q_TOPIC_LIST);
    sqlite3_bind_int64(st, 1, after);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        tree_attr a;
        dir_attr(c, tree_ino_make(TAG_TOPIC, (uint64_t)id), 0, 0, &a);
        if (fill(ctx, (const char *)sqlite3_column_text(st, 1), &a, KEY_BASE + (uint64_t)id))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

int tree_readdir(tree_conn *c, tree_dir *d, uint64_t off, tree_fill_fn fill, void *ctx)
{
    nfs_ino ino = d->ino;
    switch (tree_ino_tag(ino)) {
    case TAG_FIXED:
        switch (ino) {
        case NFS_ROOT_INO:
            return readdir_root(c, d, off, fill, ctx);
        case INO_ISSUES:
            return readdir_issues(c, d, off, fill, ctx);
        case INO_REGIONS:
            return readdir_region(c, d, 0, off, fill, ctx);
        case INO_TOPICS:
            return readdir_topics(c, d, off, fill, ctx);
        case INO_SEARCH:
            if (fill_dots(c, d, &off, fill, ctx, NFS_ROOT_INO))
                return 0;
            return tree_search_readdir_saved(c, off, fill, ctx);
        }
        return -ENOTDIR;
    case TAG_ISSUE:
        if (fill_dots(c, d, &off, fill, ctx, INO_ISSUES))
            return 0;
        {
            int rc = fill_article_rows(c, Q_ISSUE_ARTICLES, (int64_t)tree_ino_id(ino), &off, 0,
                                       fill, ctx);
            return rc < 0 ? rc : 0;
        }
    case TAG_REGION: {
        int rc = readdir_region(c, d, (uint32_t)tree_ino_id(ino), off, fill, ctx);
        return rc < 0 ? rc : 0;
    }
    case TAG_TOPIC: {
        if (fill_dots(c, d, &off, fill, ctx, INO_TOPICS))
            return 0;
        int rc = fill_article_rows(c, Q_TOPIC_ARTICLES, (int64_t)tree_ino_id(ino), &off, 1, fill,
                                   ctx);
        return rc < 0 ? rc : 0;
    }
    case TAG_SEARCH:
        return tree_search_readdir(c, d->ino, off, fill, ctx);
    }
    return -ENOTDIR;
}

int tree_readdir_ino(tree_conn *c, nfs_ino ino, uint64_t off, tree_fill_fn fill, void *ctx)
{
    tree_dir d = {ino};
    return tree_readdir(c, &d, off, fill, ctx);
}

/* ---- file contents ---- */

struct tree_file {
    char *data;
    size_t len;
};

int tree_open_file(tree_conn *c, nfs_ino ino, tree_file **out)
{
    *out = NULL;
    tree_file *f = NULL;
    switch (tree_ino_tag(ino)) {
    case TAG_FIXED:
        if (ino != INO_README)
            return -EISDIR;
        f = nfs_xcalloc(1, sizeof *f);
        f->len = nfs_data_readme_txt_len;
        f->data = nfs_xstrndup((const char *)nfs_data_readme_txt, f->len);
        break;
    case TAG_ARTICLE: {
        sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_TEXT);
        sqlite3_bind_int64(st, 1, (int64_t)tree_ino_id(ino));
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            f = nfs_xcalloc(1, sizeof *f);
            f->len = (size_t)sqlite3_column_bytes(st, 0);
            f->data = nfs_xstrndup((const char *)sqlite3_column_text(st, 0), f->len);
        }
        sqlite3_reset(st);
        if (!f)
            return rc == SQLITE_DONE ? -ENOENT : -EIO;
        break;
    }
    case TAG_SEARCH_INFO: {
        char *text;
        size_t len;
        int rc = tree_search_info_copy(c, ino, &text, &len);
        if (rc != 0)
            return rc;
        f = nfs_xcalloc(1, sizeof *f);
        f->len = len;
        f->data = text;
        break;
    }
    default:
        return -EISDIR;
    }
    *out = f;
    return 0;
}

/* Copy what lies at off of data[0..len) into buf. */
static ssize_t copy_range(const char *data, size_t len, char *buf, size_t size, uint64_t off)
{
    if (off >= len)
        return 0;
    size_t n = len - (size_t)off;
    if (n > size)
        n = size;
    memcpy(buf, data + off, n);
    return (ssize_t)n;
}

ssize_t tree_read(tree_file *f, char *buf, size_t size, uint64_t off)
{
    return copy_range(f->data, f->len, buf, size, off);
}

ssize_t tree_pread(tree_conn *c, nfs_ino ino, char *buf, size_t size, uint64_t off)
{
    switch (tree_ino_tag(ino)) {
    case TAG_FIXED:
        if (ino != INO_README)
            return -EISDIR;
        return copy_range((const char *)nfs_data_readme_txt, nfs_data_readme_txt_len, buf, size,
                          off);
    case TAG_ARTICLE: {
        sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_TEXT);
        sqlite3_bind_int64(st, 1, (int64_t)tree_ino_id(ino));
        int rc = sqlite3_step(st);
        ssize_t n = rc == SQLITE_DONE ? -ENOENT : -EIO;
        if (rc == SQLITE_ROW)
            n = copy_range((const char *)sqlite3_column_blob(st, 0),
                           (size_t)sqlite3_column_bytes(st, 0), buf, size, off);
        sqlite3_reset(st);
        return n;
    }
    case TAG_SEARCH_INFO: {
        char *text;
        size_t len;
        int rc = tree_search_info_copy(c, ino, &text, &len);
        if (rc != 0)
            return rc;
        ssize_t n = copy_range(text, len, buf, size, off);
        free(text);
        return n;
    }
    }
    return -EISDIR;
}

void tree_release_file(tree_file *f)
{
    if (!f)
        return;
    free(f->data);
    free(f);
}

/* ---- index changes ---- */

/* The taxonomy of the index changed (newsfs index --topics): parse the new
 * one; the old stays alive until unmount, as other threads may be using it. */
static void reload_taxonomy(tree_conn *c)
{
    sqlite3_stmt *st = tree_stmt(c, Q_TAXONOMY);
    char *text = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        text = nfs_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_reset(st);
    tree *t = c->t;
    if (!text || strcmp(text, taxonomy_text(tree_taxonomy(t))) == 0) {
        free(text);
        return;
    }
    taxonomy *tax;
    nfs_err err;
    if (taxonomy_parse(text, strlen(text), "index", &tax, &err) == 0) {
        pthread_mutex_lock(&t->lock);
        NFS_VEC_PUSH(t->retired, t->n_retired, t->cap_retired, t->tax);
        t->tax = tax;
        t->env.tax = tax;
        pthread_mutex_unlock(&t->lock);
    }
    free(text);
}

const taxonomy *tree_taxonomy(tree *t)
{
    pthread_mutex_lock(&t->lock);
    const taxonomy *tax = t->tax;
    pthread_mutex_unlock(&t->lock);
    return tax;
}

int tree_refresh(tree_conn *c)
{
    int64_t g = query_int(c, Q_GENERATION, 0);
    pthread_mutex_lock(&c->t->lock);
    int changed = g != c->t->generation;
    pthread_mutex_unlock(&c->t->lock);
    if (changed)
        reload_taxonomy(c); /* before the new generation shows */
    pthread_mutex_lock(&c->t->lock);
    c->t->generation = g;
    pthread_mutex_unlock(&c->t->lock);
    return changed;
}

int tree_saved_changed(tree_conn *c)
{
    /* + 1: 0 means "not read yet" */
    uint64_t sig = (uint64_t)query_int(c, Q_SAVED_SIGNATURE, -1) + 1;
    uint64_t old = atomic_exchange(&c->t->saved_signature, sig);
    return old != 0 && old != sig;
}

int64_t tree_generation(tree *t)
{
    return t->generation;
}

static nfs_ino change_dir_ino(int kind, int64_t key)
{
    switch (kind) {
    case CHANGE_ISSUES:
        return INO_ISSUES;
    case CHANGE_ISSUE:
        return tree_ino_make(TAG_ISSUE, (uint64_t)key);
    case CHANGE_REGIONS:
        return INO_REGIONS;
    case CHANGE_REGION:
        return tree_ino_make(TAG_REGION, (uint64_t)key);
    case CHANGE_TOPICS:
        return INO_TOPICS;
    case CHANGE_TOPIC:
        return tree_ino_make(TAG_TOPIC, (uint64_t)key);
    }
    return 0;
}

/* Every directory there is (for when the change log cannot say). */
static void all_dirs(tree_conn *c, tree_change_fn fn, void *ctx)
{
    static const nfs_ino fixed[] = {NFS_ROOT_INO, INO_ISSUES, INO_REGIONS, INO_TOPICS, INO_SEARCH};
    for (size_t i = 0; i < NFS_ARRAY_LEN(fixed); i++)
        fn(ctx, fixed[i], NULL);
    static const struct {
        int tag;
        const char *sql;
    } lists[] = {
        {TAG_ISSUE, "SELECT id FROM sources"},
        {TAG_REGION, "SELECT code FROM region_counts"},
        {TAG_TOPIC, "SELECT id FROM topics"},
    };
    for (size_t i = 0; i < NFS_ARRAY_LEN(lists); i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(c->db, lists[i].sql, -1, &st, NULL) != SQLITE_OK)
            continue;
        while (sqlite3_step(st) == SQLITE_ROW)
            fn(ctx, tree_ino_make(lists[i].tag, (uint64_t)sqlite3_column_int64(st, 0)), NULL);
        sqlite3_finalize(st);
    }
}

int tree_changes(tree_conn *c, int64_t after, int64_t upto, tree_change_fn fn, void *ctx)
{
    /* does the log reach back to after? */
    int64_t floor = 0, oldest = -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(c->db,
                           "SELECT (SELECT value FROM meta WHERE key = 'log_floor'),"
                           " (SELECT min(generation) FROM changes)",
                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
            floor = sqlite3_column_int64(st, 0);
            oldest = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
        }
        sqlite3_finalize(st);
    }
    int complete = after >= floor && (oldest < 0 || oldest <= after + 1 || after >= upto);
    if (!complete) {
        all_dirs(c, fn, ctx);
        return 1;
    }
    fn(ctx, NFS_ROOT_INO, NULL);
    if (sqlite3_prepare_v2(c->db,
                           "SELECT kind, key, name FROM changes WHERE generation > ?"
                           " AND generation <= ?",
                           -1, &st, NULL) != SQLITE_OK) {
        all_dirs(c, fn, ctx);
        return 1;
    }
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int64(st, 2, upto);
    while (sqlite3_step(st) == SQLITE_ROW) {
        nfs_ino dir = change_dir_ino(sqlite3_column_int(st, 0), sqlite3_column_int64(st, 1));
        if (dir)
            fn(ctx, dir, (const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_finalize(st);
    return 0;
}
