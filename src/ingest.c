/* ingest.c - bring the index up to date with a corpus folder (index.h):
 * scan, and for each new or changed file decode -> segment -> enrich ->
 * write; drop removed files; re-file stored articles when the taxonomy
 * changed. Files are written in batches, one transaction per batch, each
 * holding whole issues: a reader (the mount) sees every issue wholly old or
 * wholly new, and a crash leaves the last committed state. */
#include "index.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "article.h"
#include "charidx.h"
#include "dates.h"
#include "decode.h"
#include "gazetteer.h"
#include "names.h"
#include "segment.h"
#include "staging.h"
#include "topics.h"

/* A batch is committed after this many files or this many seconds: a
 * mount sees an update's progress at that pace. Every commit writes the
 * pages it dirtied to the WAL again (B-tree interiors, counters), so
 * larger batches write less (2,000 issues: 256 files or 2 s -> 1,024
 * files or 5 s, 6.0 -> 5.4 s). */
#define BATCH_FILES 1024
#define BATCH_SECONDS 5.0
/* Generations of the change log kept for mounts to catch up with. */
#define CHANGE_LOG_KEEP 1000
/* Corpus folders nest at most this deep. */
#define MAX_DEPTH 64

typedef struct {
    char *rel;  /* path relative to the corpus folder */
    char *abs;
    int64_t size;
    int64_t mtime_ns;
} corpus_file;

typedef struct {
    corpus_file *files;
    size_t n, cap;
    struct visited {
        dev_t dev;
        ino_t ino;
    } *seen; /* directories visited, against symlink loops */
    size_t n_seen, cap_seen;
    size_t problems;
} corpus_scan;

static int name_is_txt(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".txt") == 0;
}

static int cmp_files(const void *a, const void *b)
{
    return strcmp(((const corpus_file *)a)->rel, ((const corpus_file *)b)->rel);
}

static void scan_dir(corpus_scan *sc, const char *abs, const char *rel, int depth)
{
    struct stat dst;
    if (stat(abs, &dst) != 0) {
        fprintf(stderr, "newsfs index: %s: %s (skipped)\n", abs, strerror(errno));
        sc->problems++;
        return;
    }
    for (size_t i = 0; i < sc->n_seen; i++)
        if (sc->seen[i].dev == dst.st_dev && sc->seen[i].ino == dst.st_ino) {
            fprintf(stderr, "newsfs index: %s: directory already visited (symlink loop?), skipped\n",
                    abs);
            sc->problems++;
            return;
        }
    if (depth > MAX_DEPTH) {
        fprintf(stderr, "newsfs index: %s: nested too deep, skipped\n", abs);
        sc->problems++;
        return;
    }
    struct visited v = {dst.st_dev, dst.st_ino};
    NFS_VEC_PUSH(sc->seen, sc->n_seen, sc->cap_seen, v);

    DIR *d = opendir(abs);
    if (!d) {
        fprintf(stderr, "newsfs index: %s: %s (skipped)\n", abs, strerror(errno));
        sc->problems++;
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .., hidden files */
        strbuf a = {0}, r = {0};
        sb_printf(&a, "%s/%s", abs, e->d_name);
        if (*rel)
            sb_printf(&r, "%s/%s", rel, e->d_name);
        else
            sb_puts(&r, e->d_name);
        struct stat st;
        if (stat(a.s, &st) != 0) {
            fprintf(stderr, "newsfs index: %s: %s (skipped)\n", a.s, strerror(errno));
            sc->problems++;
        } else if (S_ISDIR(st.st_mode)) {
            scan_dir(sc, a.s, r.s, depth + 1);
        } else if (S_ISREG(st.st_mode) && name_is_txt(e->d_name)) {
            corpus_file f = {sb_steal(&r), sb_steal(&a), (int64_t)st.st_size,
                             (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec};
            NFS_VEC_PUSH(sc->files, sc->n, sc->cap, f);
        }
        sb_free(&a);
        sb_free(&r);
    }
    closedir(d);
}

static void scan_free(corpus_scan *sc)
{
    for (size_t i = 0; i < sc->n; i++) {
        free(sc->files[i].rel);
        free(sc->files[i].abs);
    }
    free(sc->files);
    free(sc->seen);
}

/* ---- the writer: prepared statements and helpers over one connection ---- */

enum {
    ST_SOURCE_GET,
    ST_SOURCE_INSERT,
    ST_SOURCE_UPDATE,
    ST_SOURCE_TOUCH,
    ST_SOURCE_DELETE,
    ST_SOURCE_ALL,
    ST_ARTICLES_OF_SOURCE,
    ST_ARTICLE_TOPIC_IDS,
    ST_CHANGE_LOG,
    ST_GENERATION,
    ST_ARTICLES_DELETE,
    ST_ARTICLE_INSERT,
    ST_TEXT_INSERT,
    ST_PLACE_INSERT,
    ST_TOPIC_INSERT,
    ST_REGION_ADD,
    ST_GENERATION_BUMP,
    ST_COUNT
};

static const char *writer_sql[ST_COUNT] = {
    [ST_SOURCE_GET] = "SELECT id, size, mtime_ns, hash FROM sources WHERE path = ?",
    [ST_SOURCE_INSERT] =
        "INSERT INTO sources(path, issue, size, mtime_ns, hash, encoding, n_bad, first_bad,"
        " date, date_source, date_confidence, n_articles, text_bytes, indexed_at)"
        " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_SOURCE_UPDATE] =
        "UPDATE sources SET size=?, mtime_ns=?, hash=?, encoding=?, n_bad=?, first_bad=?,"
        " date=?, date_source=?, date_confidence=?, n_articles=?, text_bytes=?, indexed_at=?"
        " WHERE id=?",
    [ST_SOURCE_TOUCH] = "UPDATE sources SET size=?, mtime_ns=? WHERE id=?",
    [ST_SOURCE_DELETE] = "DELETE FROM sources WHERE id = ?",
    [ST_SOURCE_ALL] = "SELECT id, path, issue FROM sources",
    [ST_ARTICLES_OF_SOURCE] = "SELECT id, region, name, vname FROM articles WHERE source_id = ?",
    [ST_ARTICLE_TOPIC_IDS] = "SELECT topic_id FROM article_topics WHERE article_id = ?",
    [ST_CHANGE_LOG] = "INSERT INTO changes(generation, kind, key, name) VALUES(?,?,?,?)",
    [ST_GENERATION] = "SELECT value FROM meta WHERE key = 'generation'",
    [ST_ARTICLES_DELETE] = "DELETE FROM articles WHERE source_id = ?",
    [ST_ARTICLE_INSERT] =
        "INSERT INTO articles(source_id, seq, kind, name, vname, title, pretitle, subtitle,"
        " byline, headline, lead_off, lead_len, blocks, date, date_source, mtime, region,"
        " ntopics, size) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_TEXT_INSERT] = "INSERT INTO article_texts(id, text) VALUES(?, ?)",
    [ST_PLACE_INSERT] = "INSERT OR REPLACE INTO places(code, article_id, count) VALUES(?,?,?)",
    [ST_TOPIC_INSERT] =
        "INSERT OR REPLACE INTO article_topics(topic_id, article_id, rank, score) VALUES(?,?,?,?)",
    [ST_REGION_ADD] =
        "INSERT INTO region_counts(code, direct, total) VALUES(?1, ?2, ?3)"
        " ON CONFLICT(code) DO UPDATE SET direct = direct + ?2, total = total + ?3"
        " RETURNING direct, total",
    [ST_GENERATION_BUMP] =
        "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
};

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    const gazetteer *gaz;
    const taxonomy *tax;
    const index_options *opt;
    const date_manifest *manifest;
    index_stats *stats;
    int in_tx;
    int changed;     /* this transaction changed something */
    int logging;     /* write the change log (not during a bulk load) */
    int64_t next_gen; /* the generation this transaction will commit */
    int64_t fts_after; /* articles with a larger id are not in fts yet */
    /* a bulk load's region count changes, added up until the commit:
     * open addressing over code + 1 (0 = empty) */
    struct region_delta {
        uint32_t key;
        int direct, total;
    } *deltas;
    size_t n_deltas, cap_deltas; /* cap_deltas: a power of two */
} writer;

static int db_fail(writer *w, nfs_err *err, const char *what)
{
    return nfs_err_set(err, "index write failed (%s): %s", what, sqlite3_errmsg(w->db));
}

static int exec_sql(sqlite3 *db, const char *sql, nfs_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        nfs_err_set(err, "%s: %s", sql, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Step a write statement to completion and reset it. */
static int step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static int tx_begin(writer *w, nfs_err *err)
{
    if (w->in_tx)
        return 0;
    if (exec_sql(w->db, "BEGIN IMMEDIATE", err) != 0)
        return -1;
    w->in_tx = 1;
    w->changed = 0;
    sqlite3_stmt *st = w->st[ST_GENERATION];
    w->next_gen = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) + 1 : 1;
    sqlite3_reset(st);
    w->fts_after = index_last_article_id(w->db);
    return 0;
}

/* Put the articles inserted since the last call into fts: before a
 * commit, and before articles are deleted (the delete trigger takes them
 * out of fts, so they must be in it). */
static int fts_catch_up(writer *w, nfs_err *err)
{
    int64_t last = index_last_article_id(w->db);
    if (last <= w->fts_after)
        return 0;
    if (index_fts_add_after(w->db, w->fts_after, err) != 0)
        return -1;
    w->fts_after = last;
    return 0;
}

/* Log that entry name of directory (kind, key) appeared or went away. */
static int log_change(writer *w, index_change_kind kind, int64_t key, const char *name)
{
    if (!w->logging)
        return 0;
    sqlite3_stmt *st = w->st[ST_CHANGE_LOG];
    sqlite3_bind_int64(st, 1, w->next_gen);
    sqlite3_bind_int(st, 2, (int)kind);
    sqlite3_bind_int64(st, 3, key);
    sqlite3_bind_text(st, 4, name, -1, SQLITE_TRANSIENT);
    return step_done(st);
}

/* Log an article's entries in every view: its issue, its region, its topics. */
static int log_article(writer *w, int64_t article_id, int64_t source_id, uint32_t region,
                       const char *name, const char *vname)
{
    if (!w->logging)
        return 0;
    if (log_change(w, CHANGE_ISSUE, source_id, name) != 0 ||
        log_change(w, CHANGE_REGION, region, vname) != 0)
        return -1;
    sqlite3_stmt *st = w->st[ST_ARTICLE_TOPIC_IDS];
    sqlite3_bind_int64(st, 1, article_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (log_change(w, CHANGE_TOPIC, sqlite3_column_int64(st, 0), vname) != 0) {
            sqlite3_reset(st);
            return -1;
        }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

static int region_deltas_flush(writer *w);

static int tx_commit(writer *w, nfs_err *err)
{
    if (!w->in_tx)
        return 0;
    if (fts_catch_up(w, err) != 0 ||
        (region_deltas_flush(w) != 0 && db_fail(w, err, "region counts"))) {
        exec_sql(w->db, "ROLLBACK", NULL);
        w->in_tx = 0;
        return -1;
    }
    if (w->changed && step_done(w->st[ST_GENERATION_BUMP]) != 0) {
        db_fail(w, err, "generation");
        exec_sql(w->db, "ROLLBACK", NULL);
        w->in_tx = 0;
        return -1;
    }
    if (exec_sql(w->db, "COMMIT", err) != 0) {
        exec_sql(w->db, "ROLLBACK", NULL);
        w->in_tx = 0;
        return -1;
    }
    w->in_tx = 0;
    return 0;
}

/* Add to the pending change of region code (bulk loads). */
static void region_delta_add(writer *w, uint32_t code, int direct, int total)
{
    if (2 * (w->n_deltas + 1) > w->cap_deltas) {
        size_t cap = w->cap_deltas ? 2 * w->cap_deltas : 1024;
        struct region_delta *d = nfs_xcalloc(cap, sizeof *d);
        for (size_t i = 0; i < w->cap_deltas; i++)
            if (w->deltas[i].key) {
                size_t j = (w->deltas[i].key * 2654435761u) & (cap - 1);
                while (d[j].key)
                    j = (j + 1) & (cap - 1);
                d[j] = w->deltas[i];
            }
        free(w->deltas);
        w->deltas = d;
        w->cap_deltas = cap;
    }
    uint32_t key = code + 1;
    size_t j = (key * 2654435761u) & (w->cap_deltas - 1);
    while (w->deltas[j].key && w->deltas[j].key != key)
        j = (j + 1) & (w->cap_deltas - 1);
    if (!w->deltas[j].key) {
        w->deltas[j].key = key;
        w->n_deltas++;
    }
    w->deltas[j].direct += direct;
    w->deltas[j].total += total;
}

/* Write the pending region count changes (before a commit). */
static int region_deltas_flush(writer *w)
{
    sqlite3_stmt *st = w->st[ST_REGION_ADD];
    for (size_t i = 0; i < w->cap_deltas && w->n_deltas; i++) {
        struct region_delta *d = &w->deltas[i];
        if (!d->key)
            continue;
        sqlite3_bind_int64(st, 1, d->key - 1);
        sqlite3_bind_int(st, 2, d->direct);
        sqlite3_bind_int(st, 3, d->total);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_ROW)
            return -1;
        *d = (struct region_delta){0};
        w->n_deltas--;
    }
    return 0;
}

/* Count an article in (delta 1) or out of (-1) region code (direct) and
 * its ancestors (total), logging region directories that appear or
 * disappear. A bulk load logs nothing: it adds the counts up and writes
 * them at the commit (one row update per region, not one per article and
 * level: 5.8% of its time on 133k articles). */
static int region_count_add(writer *w, uint32_t code, int delta)
{
    if (!w->logging) {
        int first = 1;
        for (uint32_t c = code;; c = gaz_parent(w->gaz, c)) {
            region_delta_add(w, c, first ? delta : 0, delta);
            first = 0;
            if (c == 0)
                return 0;
        }
    }
    sqlite3_stmt *st = w->st[ST_REGION_ADD];
    int first = 1;
    for (uint32_t c = code;; c = gaz_parent(w->gaz, c)) {
        sqlite3_bind_int64(st, 1, c);
        sqlite3_bind_int(st, 2, first ? delta : 0);
        sqlite3_bind_int(st, 3, delta);
        if (sqlite3_step(st) != SQLITE_ROW) {
            sqlite3_reset(st);
            return -1;
        }
        int64_t direct = sqlite3_column_int64(st, 0), total = sqlite3_column_int64(st, 1);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        /* a region directory appears or disappears: log its entry */
        int64_t shown_now = c ? total : direct; /* 全国 shows its direct articles */
        int64_t shown_before = shown_now - (c ? delta : (first ? delta : 0));
        if ((shown_now > 0) != (shown_before > 0)) {
            uint32_t parent = c ? gaz_parent(w->gaz, c) : 0;
            const char *name = c ? gaz_name(w->gaz, c) : "全国";
            int rc = parent ? log_change(w, CHANGE_REGION, parent, name)
                            : log_change(w, CHANGE_REGIONS, 0, name ? name : "");
            if (rc != 0)
                return -1;
        }
        first = 0;
        if (c == 0)
            break;
    }
    return 0;
}

/* Remove the articles of a source (counts first, then rows; the delete
 * trigger keeps fts, places, topics in step). */
static int delete_articles(writer *w, int64_t source_id, nfs_err *err)
{
    if (fts_catch_up(w, err) != 0)
        return -1;
    sqlite3_stmt *st = w->st[ST_ARTICLES_OF_SOURCE];
    sqlite3_bind_int64(st, 1, source_id);
    uint32_t *codes = NULL;
    size_t n = 0, cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        uint32_t region = (uint32_t)sqlite3_column_int64(st, 1);
        NFS_VEC_PUSH(codes, n, cap, region);
        if (log_article(w, sqlite3_column_int64(st, 0), source_id, region,
                        (const char *)sqlite3_column_text(st, 2),
                        (const char *)sqlite3_column_text(st, 3)) != 0) {
            rc = SQLITE_ERROR;
            break;
        }
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(codes);
        return db_fail(w, err, "read old articles");
    }
    for (size_t i = 0; i < n; i++)
        if (region_count_add(w, codes[i], -1) != 0) {
            free(codes);
            return db_fail(w, err, "region counts");
        }
    free(codes);
    sqlite3_bind_int64(w->st[ST_ARTICLES_DELETE], 1, source_id);
    if (step_done(w->st[ST_ARTICLES_DELETE]) != 0)
        return db_fail(w, err, "delete old articles");
    w->stats->articles_removed += n;
    if (n)
        w->changed = 1;
    return 0;
}

/* Blocks as ranges: "0-10,57-59". */
static void format_blocks(const int *b, size_t n, strbuf *sb)
{
    sb_clear(sb);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && b[j + 1] == b[j] + 1)
            j++;
        if (sb->len)
            sb_putc(sb, ',');
        if (j > i)
            sb_printf(sb, "%d-%d", b[i], b[j]);
        else
            sb_printf(sb, "%d", b[i]);
        i = j + 1;
    }
}

/* Store topics (and the explanation) of one article. Returns the count. */
static int store_topics(writer *w, int64_t article_id, const topic_result *tr)
{
    for (int k = 0; k < tr->n; k++) {
        sqlite3_stmt *st = w->st[ST_TOPIC_INSERT];
        sqlite3_bind_int(st, 1, tr->picks[k].topic + 1);
        sqlite3_bind_int64(st, 2, article_id);
        sqlite3_bind_int(st, 3, k);
        sqlite3_bind_double(st, 4, tr->picks[k].score);
        if (step_done(st) != 0)
            return -1;
    }
    return tr->n;
}

/* Insert one segmented article with its enrichment. */
static int insert_article(writer *w, int64_t source_id, const char *issue,
                          const issue_date *idate, int64_t mtime, int seq, int n_in_issue,
                          const seg_article *a, nfs_err *err)
{
    strbuf headline = {0}, blocks = {0};
    article_view v;
    article_view_from_seg(a, &v, &headline);
    gaz_result gr;
    topic_result tr;
    gaz_locate(w->gaz, &v, ENRICH_DECIDE, &gr);
    topics_classify(w->tax, &v, ENRICH_DECIDE, &tr);
    format_blocks(a->blocks, a->n_blocks, &blocks);

    const char *date = idate->date[0] ? idate->date : NULL;
    char *name = names_issue_entry(seq, n_in_issue, a->title);
    char *vname = names_view_entry(date, issue, seq, a->title, NULL);
    size_t lead_off = 0, lead_len = 0;
    if (a->lead && *a->lead) {
        const char *p = strstr(a->text, a->lead);
        if (p) {
            lead_off = (size_t)(p - a->text);
            lead_len = strlen(a->lead);
        }
    }
    int rc = -1;
    int64_t id = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        sqlite3_stmt *st = w->st[ST_ARTICLE_INSERT];
        int i = 1;
        sqlite3_bind_int64(st, i++, source_id);
        sqlite3_bind_int(st, i++, seq);
        sqlite3_bind_text(st, i++, art_kind_name(a->kind), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, vname, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, i++, a->title, -1, SQLITE_STATIC);
        bind_text_or_null(st, i++, a->pretitle);
        bind_text_or_null(st, i++, a->subtitle);
        bind_text_or_null(st, i++, a->byline);
        sqlite3_bind_text(st, i++, headline.s ? headline.s : a->title, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, i++, (int64_t)lead_off);
        sqlite3_bind_int64(st, i++, (int64_t)lead_len);
        sqlite3_bind_text(st, i++, blocks.s ? blocks.s : "", -1, SQLITE_STATIC);
        bind_text_or_null(st, i++, date);
        bind_text_or_null(st, i++, date ? date_source_name(idate->source) : NULL);
        sqlite3_bind_int64(st, i++, mtime);
        sqlite3_bind_int64(st, i++, gr.main);
        sqlite3_bind_int(st, i++, tr.n);
        sqlite3_bind_int64(st, i++, (int64_t)a->text_len);
        int step = sqlite3_step(st);
        int ext = sqlite3_extended_errcode(w->db);
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        if (step == SQLITE_DONE) {
            id = sqlite3_last_insert_rowid(w->db);
            sqlite3_stmt *tx = w->st[ST_TEXT_INSERT];
            sqlite3_bind_int64(tx, 1, id);
            sqlite3_bind_text(tx, 2, a->text, (int)a->text_len, SQLITE_STATIC);
            rc = step_done(tx) == 0 ? 0 : db_fail(w, err, "insert article text");
            break;
        }
        if (ext == SQLITE_CONSTRAINT_UNIQUE && attempt == 0) {
            /* the same date and title elsewhere: say which issue this is */
            char dis[512];
            snprintf(dis, sizeof dis, "%s %02d", issue, seq);
            free(vname);
            vname = names_view_entry(date, issue, seq, a->title, dis);
            continue;
        }
        db_fail(w, err, "insert article");
        break;
    }
    if (rc == 0) {
        for (size_t k = 0; k < gr.n_hits && rc == 0; k++) {
            sqlite3_stmt *st = w->st[ST_PLACE_INSERT];
            sqlite3_bind_int64(st, 1, gr.hits[k].code);
            sqlite3_bind_int64(st, 2, id);
            sqlite3_bind_int64(st, 3, gr.hits[k].count);
            if (step_done(st) != 0)
                rc = db_fail(w, err, "insert place");
        }
        if (rc == 0 && store_topics(w, id, &tr) < 0)
            rc = db_fail(w, err, "insert topics");
        if (rc == 0 && region_count_add(w, gr.main, 1) != 0)
            rc = db_fail(w, err, "region counts");
        if (rc == 0 && log_article(w, id, source_id, gr.main, name, vname) != 0)
            rc = db_fail(w, err, "change log");
    }
    free(name);
    free(vname);
    gaz_result_free(&gr);
    topic_result_free(&tr);
    sb_free(&headline);
    sb_free(&blocks);
    if (rc == 0)
        w->stats->articles_added++;
    return rc;
}

/* FNV-1a, 64 bits, as 16 hex digits: cheap change detection. */
static void content_hash(const unsigned char *d, size_t n, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= d[i];
        h *= 0x100000001b3ULL;
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* Read a whole file; retry when it changes while being read. */
static int read_file(const corpus_file *f, unsigned char **data, size_t *len, int64_t *mtime_ns,
                     nfs_err *err)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = open(f->abs, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return nfs_err_set(err, "%s: %s", f->abs, strerror(errno));
        struct stat before, after;
        if (fstat(fd, &before) != 0) {
            int e = errno;
            close(fd);
            return nfs_err_set(err, "%s: %s", f->abs, strerror(e));
        }
        size_t cap = (size_t)before.st_size + 1, n = 0;
        unsigned char *buf = nfs_xmalloc(cap);
        for (;;) {
            if (n == cap) {
                cap *= 2;
                buf = nfs_xrealloc(buf, cap);
            }
            ssize_t r = read(fd, buf + n, cap - n);
            if (r < 0) {
                if (errno == EINTR)
                    continue;
                int e = errno;
                free(buf);
                close(fd);
                return nfs_err_set(err, "%s: read error: %s", f->abs, strerror(e));
            }
            if (r == 0)
                break;
            n += (size_t)r;
        }
        int stat_ok = fstat(fd, &after) == 0;
        close(fd);
        if (stat_ok && after.st_size == before.st_size &&
            after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
            after.st_mtim.tv_nsec == before.st_mtim.tv_nsec && (off_t)n == after.st_size) {
            *data = buf;
            *len = n;
            *mtime_ns = (int64_t)after.st_mtim.tv_sec * 1000000000 + after.st_mtim.tv_nsec;
            return 0;
        }
        free(buf);
        if (attempt < 2) {
            struct timespec pause = {0, 100 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    return nfs_err_set(err, "%s: kept changing while being read; try again later", f->abs);
}

/* Bind date, date_source, date_confidence of an issue at *i. */
static void bind_issue_date(sqlite3_stmt *st, int *i, const issue_date *d)
{
    if (d->date[0]) {
        sqlite3_bind_text(st, (*i)++, d->date, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, (*i)++, date_source_name(d->source), -1, SQLITE_STATIC);
        sqlite3_bind_double(st, (*i)++, (double)(int)(d->confidence * 100.0f + 0.5f) / 100.0);
    } else {
        sqlite3_bind_null(st, (*i)++);
        sqlite3_bind_null(st, (*i)++);
        sqlite3_bind_null(st, (*i)++);
    }
}

/* What a sources row says of its file, in the order of the columns that
 * follow path and issue in ST_SOURCE_INSERT and open ST_SOURCE_UPDATE. */
typedef struct {
    int64_t size, mtime_ns;
    const char *hash;
    const decoded_text *d;
    const issue_date *date;
    size_t n_articles;
    int64_t indexed_at;
} source_fields;

static void bind_source_fields(sqlite3_stmt *st, int *i, const source_fields *f)
{
    sqlite3_bind_int64(st, (*i)++, f->size);
    sqlite3_bind_int64(st, (*i)++, f->mtime_ns);
    sqlite3_bind_text(st, (*i)++, f->hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, (*i)++, f->d->encoding, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, (*i)++, (int64_t)f->d->n_bad);
    if (f->d->n_bad)
        sqlite3_bind_int64(st, (*i)++, (int64_t)f->d->first_bad);
    else
        sqlite3_bind_null(st, (*i)++);
    bind_issue_date(st, i, f->date);
    sqlite3_bind_int64(st, (*i)++, (int64_t)f->n_articles);
    sqlite3_bind_int64(st, (*i)++, (int64_t)f->d->len);
    sqlite3_bind_int64(st, (*i)++, f->indexed_at);
}

/* Index one new or changed file in the current transaction. */
static int index_file(writer *w, const corpus_file *f, int64_t source_id, const char *old_hash,
                      nfs_err *err)
{
    unsigned char *data = NULL;
    size_t len = 0;
    int64_t mtime_ns = f->mtime_ns;
    nfs_err ferr;
    if (read_file(f, &data, &len, &mtime_ns, &ferr) != 0) {
        fprintf(stderr, "newsfs index: %s (skipped, the index keeps what it had)\n", ferr.msg);
        w->stats->files_failed++;
        return 0;
    }
    w->stats->bytes_read += len;
    char hash[17];
    content_hash(data, len, hash);
    if (source_id && old_hash && strcmp(hash, old_hash) == 0 && !w->opt->force) {
        /* touched, not changed */
        sqlite3_stmt *st = w->st[ST_SOURCE_TOUCH];
        sqlite3_bind_int64(st, 1, (int64_t)len);
        sqlite3_bind_int64(st, 2, mtime_ns);
        sqlite3_bind_int64(st, 3, source_id);
        free(data);
        w->stats->files_unchanged++;
        return step_done(st) == 0 ? 0 : db_fail(w, err, "update source");
    }
    decoded_text d;
    if (decode_buffer(data, len, &d, &ferr) != 0) {
        fprintf(stderr, "newsfs index: %s: %s (skipped)\n", f->abs, ferr.msg);
        free(data);
        w->stats->files_failed++;
        return 0;
    }
    free(data);
    if (d.n_bad) {
        fprintf(stderr,
                "newsfs index: warning: %s: %zu undecodable byte sequence(s) read as %s, the first "
                "at byte offset %zu; replaced by U+FFFD\n",
                f->abs, d.n_bad, d.encoding, d.first_bad);
        w->stats->warnings++;
    }
    seg_result seg;
    segment_page(d.text, d.len, &seg);
    issue_date idate;
    date_for_issue(w->manifest, f->rel, d.text, d.len, &idate);

    char *issue = names_issue_dir(f->rel);
    source_fields src = {(int64_t)len, mtime_ns, hash, &d, &idate, seg.n_articles,
                         (int64_t)time(NULL)};
    int rc = 0;
    if (source_id) {
        if (delete_articles(w, source_id, err) != 0)
            rc = -1;
        sqlite3_stmt *st = w->st[ST_SOURCE_UPDATE];
        int i = 1;
        bind_source_fields(st, &i, &src);
        sqlite3_bind_int64(st, i++, source_id);
        if (rc == 0 && step_done(st) != 0)
            rc = db_fail(w, err, "update source");
    } else {
        /* a new issue; its directory name must be unique */
        for (int attempt = 0; rc == 0; attempt++) {
            sqlite3_stmt *st = w->st[ST_SOURCE_INSERT];
            int i = 1;
            sqlite3_bind_text(st, i++, f->rel, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, i++, issue, -1, SQLITE_STATIC);
            bind_source_fields(st, &i, &src);
            int step = sqlite3_step(st);
            int ext = sqlite3_extended_errcode(w->db);
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            if (step == SQLITE_DONE) {
                source_id = sqlite3_last_insert_rowid(w->db);
                if (log_change(w, CHANGE_ISSUES, 0, issue) != 0)
                    rc = db_fail(w, err, "change log");
                break;
            }
            if (ext == SQLITE_CONSTRAINT_UNIQUE && attempt < 100) {
                free(issue);
                char *base = names_issue_dir(f->rel);
                char suffix[32];
                snprintf(suffix, sizeof suffix, " (%d)", attempt + 2);
                issue = names_make(base, "", suffix);
                free(base);
                continue;
            }
            rc = db_fail(w, err, "insert source");
        }
    }
    int64_t mtime = date_to_unix(idate.date);
    if (mtime < 0)
        mtime = mtime_ns / 1000000000;
    for (size_t k = 0; rc == 0 && k < seg.n_articles; k++)
        rc = insert_article(w, source_id, issue, &idate, mtime, (int)k + 1, (int)seg.n_articles,
                            &seg.articles[k], err);
    if (rc == 0) {
        w->changed = 1;
        w->stats->files_indexed++;
    }
    free(issue);
    seg_result_free(&seg);
    decoded_text_free(&d);
    return rc;
}

/* ---- taxonomy: store it, re-file articles when it changed ---- */

static char *meta_text(sqlite3 *db, const char *key)
{
    sqlite3_stmt *st;
    char *v = NULL;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = nfs_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

static int meta_set(sqlite3 *db, const char *key, const char *value)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    return rc;
}

/* Choose the taxonomy: the --topics file, else the one stored in the index
 * (a user's file given earlier), else the built-in default. *origin tells
 * which ("default" or the file name) for meta. */
static int load_taxonomy(sqlite3 *db, const index_options *opt, taxonomy **tax, nfs_err *err)
{
    if (opt->topics_file)
        return taxonomy_load_file(opt->topics_file, tax, err);
    char *origin = meta_text(db, "taxonomy_origin");
    char *text = meta_text(db, "taxonomy");
    int rc;
    if (origin && strcmp(origin, "default") != 0 && text)
        rc = taxonomy_parse(text, strlen(text), origin, tax, err);
    else
        rc = taxonomy_default(tax, err);
    free(origin);
    free(text);
    return rc;
}

/* Rebuild the topics table and re-classify every stored article. */
static int refile_topics(writer *w, const char *origin, nfs_err *err)
{
    /* every topic directory, old and new, is replaced: log their names */
    if (w->logging) {
        sqlite3_stmt *old;
        if (sqlite3_prepare_v2(w->db, "SELECT name FROM topics", -1, &old, NULL) != SQLITE_OK)
            return db_fail(w, err, "topics");
        int rc = 0;
        while (rc == 0 && sqlite3_step(old) == SQLITE_ROW)
            rc = log_change(w, CHANGE_TOPICS, 0, (const char *)sqlite3_column_text(old, 0));
        sqlite3_finalize(old);
        for (size_t i = 0; rc == 0 && i < taxonomy_size(w->tax); i++)
            rc = log_change(w, CHANGE_TOPICS, 0, taxonomy_topic_name(w->tax, i));
        if (rc != 0)
            return db_fail(w, err, "change log");
    }
    if (exec_sql(w->db, "DELETE FROM topics", err) != 0 ||
        exec_sql(w->db, "DELETE FROM article_topics", err) != 0)
        return -1;
    sqlite3_stmt *ins;
    if (sqlite3_prepare_v2(w->db, "INSERT INTO topics(id, name) VALUES(?, ?)", -1, &ins, NULL) !=
        SQLITE_OK)
        return db_fail(w, err, "topics");
    for (size_t i = 0; i < taxonomy_size(w->tax); i++) {
        sqlite3_bind_int64(ins, 1, (int64_t)i + 1);
        sqlite3_bind_text(ins, 2, taxonomy_topic_name(w->tax, i), -1, SQLITE_STATIC);
        if (step_done(ins) != 0) {
            sqlite3_finalize(ins);
            return db_fail(w, err, "topics");
        }
    }
    sqlite3_finalize(ins);
    if (meta_set(w->db, "taxonomy", taxonomy_text(w->tax)) != 0 ||
        meta_set(w->db, "taxonomy_origin", origin) != 0)
        return db_fail(w, err, "meta");

    sqlite3_stmt *sel, *upd;
    if (sqlite3_prepare_v2(w->db,
                           "SELECT a.id, a.title, a.headline, a.byline, a.lead_off, a.lead_len,"
                           " t.text FROM articles a JOIN article_texts t ON t.id = a.id",
                           -1, &sel, NULL) != SQLITE_OK)
        return db_fail(w, err, "read articles");
    if (sqlite3_prepare_v2(w->db, "UPDATE articles SET ntopics = ? WHERE id = ?", -1, &upd,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(sel);
        return db_fail(w, err, "update articles");
    }
    int rc = 0, step;
    strbuf lead = {0};
    while (rc == 0 && (step = sqlite3_step(sel)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(sel, 0);
        const char *text = (const char *)sqlite3_column_text(sel, 6);
        size_t text_len = (size_t)sqlite3_column_bytes(sel, 6);
        article_view v;
        article_view_from_row((const char *)sqlite3_column_text(sel, 1),
                              (const char *)sqlite3_column_text(sel, 2),
                              (const char *)sqlite3_column_text(sel, 3), text, text_len,
                              (size_t)sqlite3_column_int64(sel, 4),
                              (size_t)sqlite3_column_int64(sel, 5), &v, &lead);
        topic_result tr;
        topics_classify(w->tax, &v, ENRICH_DECIDE, &tr);
        if (store_topics(w, id, &tr) < 0)
            rc = db_fail(w, err, "store topics");
        sqlite3_bind_int(upd, 1, tr.n);
        sqlite3_bind_int64(upd, 2, id);
        if (rc == 0 && step_done(upd) != 0)
            rc = db_fail(w, err, "update articles");
        topic_result_free(&tr);
        w->stats->articles_refiled++;
    }
    sb_free(&lead);
    sqlite3_finalize(sel);
    sqlite3_finalize(upd);
    w->changed = 1;
    return rc;
}

/* ---- progress ---- */

/* Print a progress line on stderr at most every 0.1 s; *last is the time
 * of the previous one. */
static void progress(const index_options *opt, const index_stats *s, size_t done, size_t total,
                     double t0, double *last, int final)
{
    if (!opt->progress)
        return;
    double now = nfs_now();
    if (!final && now - *last < 0.1)
        return;
    *last = now;
    double secs = now - t0 > 1e-6 ? now - t0 : 1e-6;
    fprintf(stderr, "\rindexing: %zu/%zu files, %zu articles, %.1f MB/s   ", done, total,
            s->articles_added, (double)s->bytes_read / 1e6 / secs);
    if (final)
        fputc('\n', stderr);
}

/* ---- the whole run ---- */

/* Switch db (a staged first load, written without a journal) to WAL. */
static int journal_mode_wal(sqlite3 *db, nfs_err *err)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) == SQLITE_OK) {
        const char *mode =
            sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
        ok = mode && !strcmp(mode, "wal");
        sqlite3_finalize(st);
    }
    return ok ? 0 : nfs_err_set(err, "cannot switch the new index to WAL mode: %s",
                                sqlite3_errmsg(db));
}

int index_update(const char *db_path, const char *corpus_dir, const index_options *opt,
                 index_stats *stats, nfs_err *err)
{
    memset(stats, 0, sizeof *stats);
    double t0 = nfs_now();
    struct stat cst;
    if (stat(corpus_dir, &cst) != 0)
        return nfs_err_set(err, "%s: %s", corpus_dir, strerror(errno));
    if (!S_ISDIR(cst.st_mode))
        return nfs_err_set(err, "%s: not a directory", corpus_dir);

    writer w = {.opt = opt, .stats = stats};
    gazetteer *gaz = NULL;
    taxonomy *tax = NULL;
    corpus_scan sc = {0};
    int rc = -1;
    /* a first load is built aside without a journal and published whole
     * (staging.h); an update commits in place, batch by batch */
    staging stage;
    int staged = staging_begin(db_path, &stage, err);
    if (staged < 0)
        return -1;
    if (index_open_db(staged ? stage.path : db_path, 0, &w.db, err) != 0) {
        if (staged)
            staging_abandon(&stage);
        return -1;
    }
    if (staged && (exec_sql(w.db, "PRAGMA journal_mode = OFF", err) != 0 ||
                   exec_sql(w.db, "PRAGMA synchronous = OFF", err) != 0))
        goto out;
    for (int i = 0; i < ST_COUNT; i++)
        if (sqlite3_prepare_v3(w.db, writer_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w.st[i],
                               NULL) != SQLITE_OK) {
            nfs_err_set(err, "%s: preparing statements: %s", db_path, sqlite3_errmsg(w.db));
            goto out;
        }
    if (gaz_open(&gaz, err) != 0 || load_taxonomy(w.db, opt, &tax, err) != 0)
        goto out;

    /* A bulk load into an empty index logs no changes (there is nothing a
     * mount could have cached); log_floor tells mounts to drop everything
     * for the generations it covers. */
    {
        sqlite3_stmt *st;
        int empty = 1;
        if (sqlite3_prepare_v2(w.db, "SELECT 1 FROM sources LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
            empty = sqlite3_step(st) != SQLITE_ROW;
            sqlite3_finalize(st);
        }
        w.logging = !empty;
        /* and it merges the full-text index once at the end instead of all
         * along (measured: 18% less time on 2,000 issues). automerge 0
         * alone is not enough: FTS5 still merges a level once it holds
         * crisismerge segments: at 64, 12,000 issues (162 flushes of the
         * pending terms) had 128 of those segments merged once more before
         * the optimize merged everything. 1000 leaves every segment to the
         * optimize up to about 6 times that corpus, and keeps level 0 well
         * under FTS5's limit of 2000 segments. 12,000 issues, 14
         * interleaved pairs: 24.9 -> 22.2 s CPU (mean), lower in 11; the
         * index is the same page for page but for segment ids. */
        if (!w.logging && (tx_begin(&w, err) != 0 ||
                           exec_sql(w.db, "INSERT OR REPLACE INTO meta(key, value)"
                                          " VALUES('log_floor', 9223372036854775807)",
                                    err) != 0 ||
                           exec_sql(w.db, "INSERT INTO fts(fts, rank) VALUES('automerge', 0)",
                                    err) != 0 ||
                           exec_sql(w.db, "INSERT INTO fts(fts, rank) VALUES('crisismerge', 1000)",
                                    err) != 0 ||
                           tx_commit(&w, err) != 0))
            goto out;
    }
    /* FTS5 writes its pending terms as a segment when they pass this size
     * or at commit. Every term of every article is looked up in that hash
     * table, a cache miss or two each (perf: about 20% of indexing), so a
     * smaller table is faster to fill, while more segments cost more to
     * merge. When merging went on all along the load, 8 MB beat the 1 MB
     * default (2,000 issues: 7.2 -> 5.9 s). Now that a bulk load merges
     * once at the end, 2 MB does as well as 8 MB in less memory: 12,000
     * issues, 13 interleaved runs of each, CPU 26.7 -> 25.8 s mean (lower
     * in 8 of the 13 pairs, within this machine's noise), peak RSS 77 ->
     * 69 MB. Set here, not with the schema, so that other writers
     * (newsfs check, mkdir under search/) write nothing. */
    if (exec_sql(w.db, "INSERT INTO fts(fts, rank) VALUES('hashsize', 2097152)", err) != 0)
        goto out;
    w.gaz = gaz;
    w.tax = tax;

    /* re-file every stored article when the taxonomy changed */
    {
        char *stored = meta_text(w.db, "taxonomy");
        const char *origin = opt->topics_file ? opt->topics_file : NULL;
        char *stored_origin = meta_text(w.db, "taxonomy_origin");
        if (!origin)
            origin = stored_origin ? stored_origin : "default";
        int changed = !stored || strcmp(stored, taxonomy_text(tax)) != 0;
        free(stored);
        if (changed) {
            if (tx_begin(&w, err) != 0 || refile_topics(&w, origin, err) != 0 ||
                tx_commit(&w, err) != 0) {
                free(stored_origin);
                goto out;
            }
        }
        free(stored_origin);
    }

    /* dates: a changed manifest re-dates every issue (re-reads them) */
    date_manifest *manifest = NULL;
    if (date_manifest_load(corpus_dir, &manifest, err) != 0)
        goto out;
    w.manifest = manifest;
    index_options forced;
    {
        char *stored = meta_text(w.db, "manifest");
        const char *now = date_manifest_signature(manifest);
        if ((stored || *now) && (!stored || strcmp(stored, now) != 0)) {
            forced = *opt;
            forced.force = 1;
            w.opt = opt = &forced;
            if (tx_begin(&w, err) != 0 || meta_set(w.db, "manifest", now) != 0) {
                free(stored);
                goto out; /* out: frees w.manifest */
            }
        }
        free(stored);
    }

    scan_dir(&sc, corpus_dir, "", 0);
    qsort(sc.files, sc.n, sizeof *sc.files, cmp_files);
    stats->files_seen = sc.n;
    stats->files_failed += sc.problems;

    double batch_start = nfs_now(), last_progress = 0;
    size_t batch_files = 0, max_batch = opt->batch_files ? opt->batch_files : BATCH_FILES;
    for (size_t i = 0; i < sc.n; i++) {
        const corpus_file *f = &sc.files[i];
        sqlite3_stmt *get = w.st[ST_SOURCE_GET];
        sqlite3_bind_text(get, 1, f->rel, -1, SQLITE_STATIC);
        int64_t source_id = 0, size = -1, mtime_ns = -1;
        char *old_hash = NULL;
        if (sqlite3_step(get) == SQLITE_ROW) {
            source_id = sqlite3_column_int64(get, 0);
            size = sqlite3_column_int64(get, 1);
            mtime_ns = sqlite3_column_int64(get, 2);
            old_hash = nfs_xstrdup((const char *)sqlite3_column_text(get, 3));
        }
        sqlite3_reset(get);
        if (source_id && size == f->size && mtime_ns == f->mtime_ns && !opt->force) {
            stats->files_unchanged++;
            free(old_hash);
            progress(opt, stats, i + 1, sc.n, t0, &last_progress, 0);
            continue;
        }
        if (tx_begin(&w, err) != 0 || index_file(&w, f, source_id, old_hash, err) != 0) {
            free(old_hash);
            goto out;
        }
        free(old_hash);
        batch_files++;
        if (batch_files >= max_batch || nfs_now() - batch_start > BATCH_SECONDS) {
            if (tx_commit(&w, err) != 0)
                goto out;
            batch_files = 0;
            batch_start = nfs_now();
        }
        progress(opt, stats, i + 1, sc.n, t0, &last_progress, 0);
    }

    /* drop what disappeared from the corpus */
    {
        sqlite3_stmt *all = w.st[ST_SOURCE_ALL];
        int64_t *gone = NULL;
        char **gone_issue = NULL;
        size_t n_gone = 0, cap = 0, cap2 = 0, n2 = 0;
        while (sqlite3_step(all) == SQLITE_ROW) {
            const char *path = (const char *)sqlite3_column_text(all, 1);
            corpus_file key = {.rel = (char *)path};
            if (!bsearch(&key, sc.files, sc.n, sizeof *sc.files, cmp_files)) {
                NFS_VEC_PUSH(gone, n_gone, cap, sqlite3_column_int64(all, 0));
                NFS_VEC_PUSH(gone_issue, n2, cap2,
                             nfs_xstrdup((const char *)sqlite3_column_text(all, 2)));
            }
        }
        sqlite3_reset(all);
        int failed = 0;
        for (size_t i = 0; i < n_gone && !failed; i++) {
            if (tx_begin(&w, err) != 0 || delete_articles(&w, gone[i], err) != 0 ||
                log_change(&w, CHANGE_ISSUES, 0, gone_issue[i]) != 0) {
                failed = 1;
                break;
            }
            sqlite3_bind_int64(w.st[ST_SOURCE_DELETE], 1, gone[i]);
            if (step_done(w.st[ST_SOURCE_DELETE]) != 0) {
                db_fail(&w, err, "delete source");
                failed = 1;
                break;
            }
            w.changed = 1;
            stats->files_removed++;
        }
        for (size_t i = 0; i < n2; i++)
            free(gone_issue[i]);
        free(gone_issue);
        free(gone);
        if (failed)
            goto out;
    }
    /* the change log: keep the last CHANGE_LOG_KEEP generations; after a
     * bulk load, the generations before now are not logged */
    if (tx_begin(&w, err) != 0)
        goto out;
    {
        char sql[160];
        snprintf(sql, sizeof sql, "DELETE FROM changes WHERE generation <= %lld",
                 (long long)(w.next_gen - CHANGE_LOG_KEEP));
        if (exec_sql(w.db, sql, err) != 0)
            goto out;
        if (!w.logging) {
            snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO meta(key, value) VALUES('log_floor', %lld)",
                     (long long)(w.changed ? w.next_gen : w.next_gen - 1));
            /* the last batch reaches the full-text index before the
             * merge, not after it as a segment of its own */
            if (exec_sql(w.db, sql, err) != 0 || fts_catch_up(&w, err) != 0 ||
                exec_sql(w.db, "INSERT INTO fts(fts) VALUES('optimize')", err) != 0 ||
                exec_sql(w.db, "INSERT INTO fts(fts, rank) VALUES('automerge', 4)", err) != 0 ||
                exec_sql(w.db, "INSERT INTO fts(fts, rank) VALUES('crisismerge', 16)", err) != 0)
                goto out;
        }
        if (char_idx_purge(w.db, err) != 0)
            goto out;
    }
    if (tx_commit(&w, err) != 0)
        goto out;
    /* give pages freed by deletions and merges back to the file system
     * (incremental vacuum: the cost follows the pages freed, not the index) */
    if (stats->files_indexed || stats->files_removed || stats->articles_refiled)
        exec_sql(w.db, "PRAGMA incremental_vacuum", NULL);
    progress(opt, stats, sc.n, sc.n, t0, &last_progress, 1);
    rc = 0;
out:
    if (w.in_tx)
        exec_sql(w.db, "ROLLBACK", NULL);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(w.st[i]);
    free(w.deltas);
    if (rc == 0 && staged && journal_mode_wal(w.db, err) != 0)
        rc = -1; /* readers need WAL mode: the file is published with it */
    if (rc == 0)
        exec_sql(w.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
    if (sqlite3_close(w.db) != SQLITE_OK && rc == 0) {
        nfs_err_set(err, "%s: closing the index: %s", db_path, sqlite3_errmsg(w.db));
        rc = -1;
    }
    if (staged) {
        if (rc == 0)
            rc = staging_publish(&stage, db_path, err);
        else
            staging_abandon(&stage);
    }
    date_manifest_free((date_manifest *)w.manifest);
    scan_free(&sc);
    taxonomy_free(tax);
    gaz_close(gaz);
    stats->seconds = nfs_now() - t0;
    return rc;
}
