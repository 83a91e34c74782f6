/* index.h - the SQLite index: schema, incremental (re)indexing of a corpus
 * folder, and opening the index for reading.
 *
 * Schema (page_size 16384, WAL; every write in a transaction, one
 * transaction per corpus file so each issue is wholly old or wholly new):
 *
 *   meta(key PRIMARY KEY, value)       schema_version, generation (bumped by
 *                                      every index run that changed anything),
 *                                      taxonomy (text of the topics file)
 *   sources(id, path UNIQUE, issue UNIQUE, size, mtime_ns, hash, encoding,
 *           n_bad, first_bad, date, date_source, date_confidence,
 *           n_articles, indexed_at)   one row per corpus file
 *   articles(id, source_id, seq, kind, name, vname UNIQUE, title, pretitle,
 *           subtitle, byline, headline, lead_off, lead_len, blocks, date,
 *           date_source, mtime, region, ntopics, size)
 *       name   file name in issues/<issue>/ ("03 标题.txt")
 *       vname  file name everywhere else, unique in the whole index
 *              ("2020-11-23 标题.txt")
 *       region GB/T 2260 code of the main region, 0 = 全国
 *   listing(id, vname, size, mtime, ntopics)   what listings show of an
 *                                      article, dense (kept by triggers)
 *   article_texts(id, text)            the article file, exactly as read through
 *                                      the mount (apart, so that listing rows
 *                                      are small)
 *   places(code, article_id, count)    every place recognised in an article
 *   (why a region and topics were chosen is not stored: the tree recomputes
 *   it from the stored text with the stored taxonomy, deterministically)
 *   topics(id, name UNIQUE)            topic directories, in taxonomy order
 *   article_topics(topic_id, article_id, rank, score)   rank 0 = main topic
 *   region_counts(code, direct, total) articles filed exactly at / under code
 *   saved_queries(id, name UNIQUE, created)             mkdir search/<q>
 *   changes(generation, kind, key, name)  directory entries each generation
 *                                      added or removed (see index_change_kind),
 *                                      so a live mount drops exactly what the
 *                                      kernel cached; meta.log_floor: older
 *                                      generations are not logged (bulk loads)
 *   fts  FTS5(text, headline) over the view fts_content (external content,
 *        kept in step by triggers), tokenizer "newsfs" (tokenizer.h)
 *   char_docs(ch, col, first_id, last_id, ids), char_dead(id)
 *        the one-character index (charidx.h)
 */
#ifndef NFS_INDEX_H
#define NFS_INDEX_H

#include <sqlite3.h>

#include "nfs.h"

#define NFS_SCHEMA_VERSION 4

/* The directory an entry of the change log belongs to: kind and key. */
typedef enum {
    CHANGE_ISSUES = 1, /* issues/           key 0 */
    CHANGE_ISSUE,      /* issues/<issue>/   key sources.id */
    CHANGE_REGIONS,    /* regions/          key 0 */
    CHANGE_REGION,     /* a region directory, key its code (0 = 全国) */
    CHANGE_TOPICS,     /* topics/           key 0 */
    CHANGE_TOPIC,      /* topics/<topic>/   key topics.id */
} index_change_kind;

/* Open (creating or upgrading when writable) an index database. readonly
 * connections are what the filesystem uses, one per thread. The tokenizer
 * is registered on the connection. */
int index_open_db(const char *path, int readonly, sqlite3 **out, nfs_err *err);

/* 0 when an index file exists at path; else -1, err saying there is none
 * (and that a first index run is building it, when one is). For the
 * commands that read an index and must not create an empty one. */
int index_exists(const char *path, nfs_err *err);

typedef struct {
    const char *topics_file; /* NULL = keep the stored taxonomy (default one on a new index) */
    int progress;            /* print progress to stderr (the CLI sets it when stderr is a tty) */
    int force;               /* re-index every file even when unchanged */
    size_t batch_files;      /* files per transaction at most; 0 = the default (1,024) */
} index_options;

typedef struct {
    size_t files_seen, files_indexed, files_unchanged, files_removed, files_failed;
    size_t articles_added, articles_removed, articles_refiled;
    size_t bytes_read;
    size_t warnings;
    double seconds;
} index_stats;

/* Bring the index at db_path up to date with corpus_dir: new and changed
 * files are (re)indexed, removed ones dropped. A file that cannot be read
 * is reported on stderr (file and reason) and skipped; the run goes on.
 * Returns -1 only when the index itself cannot be written. */
int index_update(const char *db_path, const char *corpus_dir, const index_options *opt,
                 index_stats *stats, nfs_err *err);

/* The index generation (meta.generation), 0 on a new index. */
int64_t index_generation(sqlite3 *db);

/* The largest article id ever given (ids are never reused), 0 if none. */
int64_t index_last_article_id(sqlite3 *db);

/* Add the articles with id > after_id to the full-text index and to the
 * one-character index (charidx.h). Writers call it once before committing
 * the articles they inserted (see the schema in src/index.c for why not a
 * trigger per article). */
int index_fts_add_after(sqlite3 *db, int64_t after_id, nfs_err *err);

#endif
