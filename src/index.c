/* index.c - open the SQLite index and create or check its schema (the
 * schema itself is documented in index.h). Writing is in ingest.c. */
#include "index.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "charidx.h"
#include "tokenizer.h"

static const char *schema_sql[] = {
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS sources("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " path TEXT NOT NULL UNIQUE,"
    " issue TEXT NOT NULL UNIQUE,"
    " size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash TEXT NOT NULL,"
    " encoding TEXT, n_bad INTEGER NOT NULL DEFAULT 0, first_bad INTEGER,"
    " date TEXT, date_source TEXT, date_confidence REAL,"
    " n_articles INTEGER NOT NULL DEFAULT 0, text_bytes INTEGER NOT NULL DEFAULT 0,"
    " indexed_at INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS articles("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " source_id INTEGER NOT NULL,"
    " seq INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " vname TEXT NOT NULL,"
    " title TEXT NOT NULL, pretitle TEXT, subtitle TEXT, byline TEXT,"
    " headline TEXT NOT NULL,"
    " lead_off INTEGER NOT NULL DEFAULT 0, lead_len INTEGER NOT NULL DEFAULT 0,"
    " blocks TEXT NOT NULL,"
    " date TEXT, date_source TEXT,"
    " mtime INTEGER NOT NULL,"
    " region INTEGER NOT NULL DEFAULT 0,"
    " ntopics INTEGER NOT NULL DEFAULT 0,"
    " size INTEGER NOT NULL)",
    /* what a directory listing shows of an article, dense (about 90 bytes
     * a row): listings read a few pages, not the wide article rows */
    "CREATE TABLE IF NOT EXISTS listing(id INTEGER PRIMARY KEY, vname TEXT NOT NULL,"
    " size INTEGER NOT NULL, mtime INTEGER NOT NULL, ntopics INTEGER NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS articles_ai AFTER INSERT ON articles BEGIN"
    " INSERT INTO listing(id, vname, size, mtime, ntopics)"
    " VALUES (new.id, new.vname, new.size, new.mtime, new.ntopics); END",
    "CREATE TRIGGER IF NOT EXISTS articles_au AFTER UPDATE OF ntopics ON articles BEGIN"
    " UPDATE listing SET ntopics = new.ntopics WHERE id = new.id; END",
    /* the article files, apart: listing rows stay small and dense */
    "CREATE TABLE IF NOT EXISTS article_texts(id INTEGER PRIMARY KEY, text TEXT NOT NULL)",
    "CREATE VIEW IF NOT EXISTS fts_content(id, text, headline) AS SELECT a.id, t.text, a.headline"
    " FROM articles a JOIN article_texts t ON t.id = a.id",
    "CREATE UNIQUE INDEX IF NOT EXISTS articles_by_source ON articles(source_id, seq)",
    "CREATE UNIQUE INDEX IF NOT EXISTS articles_by_vname ON articles(vname)",
    "CREATE INDEX IF NOT EXISTS articles_by_region ON articles(region, id)",
    "CREATE INDEX IF NOT EXISTS articles_by_date ON articles(date)",
    "CREATE TABLE IF NOT EXISTS places(code INTEGER NOT NULL, article_id INTEGER NOT NULL,"
    " count INTEGER NOT NULL, PRIMARY KEY(code, article_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS places_by_article ON places(article_id)",
    "CREATE TABLE IF NOT EXISTS topics(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    "CREATE TABLE IF NOT EXISTS article_topics(topic_id INTEGER NOT NULL,"
    " article_id INTEGER NOT NULL, rank INTEGER NOT NULL, score REAL NOT NULL,"
    " PRIMARY KEY(topic_id, article_id)) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS article_topics_by_article ON article_topics(article_id)",
    "CREATE TABLE IF NOT EXISTS region_counts(code INTEGER PRIMARY KEY,"
    " direct INTEGER NOT NULL, total INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS changes(generation INTEGER NOT NULL, kind INTEGER NOT NULL,"
    " key INTEGER NOT NULL, name TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS changes_by_generation ON changes(generation)",
    "CREATE TABLE IF NOT EXISTS saved_queries(id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL)",
    /* the issue count and the time of the last change, kept in meta by
     * triggers: the daemon reads them on a stat of issues/ and of the root,
     * and counting or scanning sources there made a cold mount of
     * 120,000 issues read the whole table */
    "CREATE TRIGGER IF NOT EXISTS sources_ai AFTER INSERT ON sources BEGIN"
    " UPDATE meta SET value = value + 1 WHERE key = 'issue_count';"
    " UPDATE meta SET value = max(value, new.indexed_at) WHERE key = 'updated_at'; END",
    "CREATE TRIGGER IF NOT EXISTS sources_au AFTER UPDATE OF indexed_at ON sources BEGIN"
    " UPDATE meta SET value = max(value, new.indexed_at) WHERE key = 'updated_at'; END",
    "CREATE TRIGGER IF NOT EXISTS sources_ad AFTER DELETE ON sources BEGIN"
    " UPDATE meta SET value = value - 1 WHERE key = 'issue_count';"
    " UPDATE meta SET value = max(value, CAST(strftime('%s', 'now') AS INTEGER))"
    " WHERE key = 'updated_at'; END",
    /* text first: FTS5 spends two more bytes per entry of later columns */
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(text, headline, content='fts_content',"
    " content_rowid='id', " NFS_FTS_OPTIONS ")",
    /* New articles reach fts in one statement at the end of the writer's
     * transaction (index_fts_add_after), not from a trigger per article:
     * with SQLite 3.40 every statement that opens a statement journal
     * (any insert that fires a trigger) makes FTS5 flush its pending
     * terms, so a trigger gave the full-text index a segment per article,
     * merged again and again (perf: 43% of the indexer's time under
     * sqlite3VtabSavepoint). Indexes made with the trigger lose it here. */
    "DROP TRIGGER IF EXISTS article_texts_ai",
    "CREATE TRIGGER IF NOT EXISTS articles_ad AFTER DELETE ON articles BEGIN"
    " INSERT INTO fts(fts, rowid, text, headline) VALUES('delete', old.id,"
    "  (SELECT text FROM article_texts WHERE id = old.id), old.headline);"
    " DELETE FROM article_texts WHERE id = old.id;"
    " DELETE FROM listing WHERE id = old.id;"
    " DELETE FROM places WHERE article_id = old.id;"
    " DELETE FROM article_topics WHERE article_id = old.id;"
    " INSERT OR IGNORE INTO char_dead(id) VALUES(old.id); END",
    /* the one-character index (charidx.h) */
    "CREATE TABLE IF NOT EXISTS char_docs(ch INTEGER NOT NULL, col INTEGER NOT NULL,"
    " first_id INTEGER NOT NULL, last_id INTEGER NOT NULL, ids BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS char_docs_by_char ON char_docs(ch, col, first_id)",
    "CREATE TABLE IF NOT EXISTS char_dead(id INTEGER PRIMARY KEY)",
};

static int exec(sqlite3 *db, const char *sql, nfs_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        nfs_err_set(err, "%s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int create_schema(sqlite3 *db, nfs_err *err)
{
    nfs_err inner;
    if (exec(db, "BEGIN IMMEDIATE", &inner) != 0)
        return nfs_err_set(err, "cannot lock the index: %s", inner.msg);
    for (size_t i = 0; i < NFS_ARRAY_LEN(schema_sql); i++) {
        if (exec(db, schema_sql[i], &inner) != 0) {
            exec(db, "ROLLBACK", NULL);
            return nfs_err_set(err, "cannot create the schema: %s", inner.msg);
        }
    }
    char sql[128];
    snprintf(sql, sizeof sql,
             "INSERT OR IGNORE INTO meta(key, value) VALUES('schema_version', %d),"
             " ('generation', 0)",
             NFS_SCHEMA_VERSION);
    /* the counters the triggers keep, set once (indexes made before them) */
    static const char counters_sql[] =
        "INSERT OR IGNORE INTO meta(key, value)"
        " SELECT 'issue_count', count(*) FROM sources"
        " WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'issue_count')"
        " UNION ALL SELECT 'updated_at', coalesce(max(indexed_at), 0) FROM sources"
        " WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = 'updated_at')";
    if (exec(db, sql, &inner) != 0 || exec(db, counters_sql, &inner) != 0 ||
        exec(db, "COMMIT", &inner) != 0) {
        exec(db, "ROLLBACK", NULL);
        return nfs_err_set(err, "cannot create the schema: %s", inner.msg);
    }
    return 0;
}

static int64_t meta_int(sqlite3 *db, const char *key, int64_t dflt)
{
    sqlite3_stmt *st;
    int64_t v = dflt;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
        return dflt;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int64_t index_generation(sqlite3 *db)
{
    return meta_int(db, "generation", 0);
}

int64_t index_last_article_id(sqlite3 *db)
{
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM sqlite_sequence WHERE name = 'articles'", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return id;
}

int index_fts_add_after(sqlite3 *db, int64_t after_id, nfs_err *err)
{
    /* the tokenizer hands the articles' Han characters to a sink of the
     * one-character index, told by nfs_char_row() which article it gets
     * (id order is the sink's order) */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO fts(rowid, text, headline)"
                           " SELECT a.id, nfs_char_row(a.id, t.text), a.headline"
                           " FROM articles a JOIN article_texts t ON t.id = a.id WHERE a.id > ?"
                           " ORDER BY a.id",
                           -1, &st, NULL) != SQLITE_OK)
        return nfs_err_set(err, "full-text index: %s", sqlite3_errmsg(db));
    char_sink *sink = char_sink_new();
    int rc = nfs_tokenizer_attach_sink(db, sink, err);
    if (rc == 0) {
        sqlite3_bind_int64(st, 1, after_id);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nfs_err_set(err, "full-text index: %s", sqlite3_errmsg(db));
        else
            rc = char_sink_flush(sink, db, err);
        nfs_tokenizer_attach_sink(db, NULL, NULL);
    }
    sqlite3_finalize(st);
    char_sink_free(sink);
    return rc;
}

int index_exists(const char *path, nfs_err *err)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 0;
    int e = errno;
    strbuf building = {0};
    sb_printf(&building, "%s.building", path); /* staging.h */
    int busy = e == ENOENT && stat(building.s, &st) == 0;
    if (e == ENOENT)
        nfs_err_set(err, "%s: no index there%s", path,
                    busy ? " yet (a first newsfs index run is building it, or was interrupted)"
                         : " (create it with: newsfs index CORPUS_DIR DB)");
    else
        nfs_err_set(err, "%s: %s", path, strerror(e));
    sb_free(&building);
    return -1;
}

int index_open_db(const char *path, int readonly, sqlite3 **out, nfs_err *err)
{
    *out = NULL;
    if (readonly && index_exists(path, err) != 0)
        return -1;
    sqlite3 *db = NULL;
    int flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    flags |= SQLITE_OPEN_NOMUTEX; /* each connection is used by one thread at a time */
    int rc = sqlite3_open_v2(path, &db, flags, NULL);
    if (rc != SQLITE_OK) {
        nfs_err_set(err, "%s: cannot open the index: %s", path,
                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return -1;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 10000);
    nfs_err inner;
    if ((!readonly && nfs_tokenizer_ready(&inner) != 0) ||
        nfs_tokenizer_register(db, &inner) != 0) {
        nfs_err_set(err, "%s: %s", path, inner.msg);
        sqlite3_close(db);
        return -1;
    }
    if (!readonly) {
        /* page_size and auto_vacuum only take effect on a new database
         * (before any table); incremental vacuum lets an index run hand
         * pages freed by merges back to the file system */
        if (exec(db, "PRAGMA page_size = 16384", &inner) != 0 ||
            exec(db, "PRAGMA auto_vacuum = INCREMENTAL", &inner) != 0 ||
            exec(db, "PRAGMA journal_mode = WAL", &inner) != 0 ||
            exec(db, "PRAGMA synchronous = NORMAL", &inner) != 0 ||
            create_schema(db, &inner) != 0) {
            nfs_err_set(err, "%s: %s", path, inner.msg);
            sqlite3_close(db);
            return -1;
        }
    } else {
        exec(db, "PRAGMA query_only = 1", NULL);
    }
    /* Is this a newsfs index of a version we understand? */
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
                           NULL) != SQLITE_OK) {
        nfs_err_set(err, "%s: not a newsfs index (%s)", path, sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    int version = -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version != NFS_SCHEMA_VERSION) {
        nfs_err_set(err, "%s: index schema version %d, this newsfs reads version %d (re-create it "
                    "with newsfs index)", path, version, NFS_SCHEMA_VERSION);
        sqlite3_close(db);
        return -1;
    }
    /* A small page cache per reading connection: the kernel caches the
     * file, and the daemon's memory must stay flat however large the index
     * (no mmap either: mapped pages would count in the daemon's RSS). The
     * one writer gets more, so that a batch's dirty pages are not spilled
     * and read back before its commit (133k articles: 40.4 -> 36.8 s,
     * indexer peak RSS 38 -> 67 MB). */
    exec(db, readonly ? "PRAGMA cache_size = -4000" : "PRAGMA cache_size = -32000", NULL);
    *out = db;
    return 0;
}
