/* charidx.h - the one-character index: for every Han character and column
 * of the fts table (0 text, 1 headline), the ids of the articles whose
 * folded text contains it. One-character queries ("ls search/工") read it.
 *
 * Why not in FTS5: before schema 4 every distinct character of an article
 * was an FTS5 token of its own ("presence tokens"). FTS5 spent on them
 * 11.6 of the 38.7 points of indexing CPU that tokenizing and its hash
 * took (perf, 500 issues), and stored a position list per entry that no
 * query reads. Here an entry costs one compare to skip a repeat and, once
 * per article, a varint of the id gap (about a byte and a half).
 *
 * Storage (tables in index.c):
 *   char_docs(ch, col, first_id, last_id, ids)  one row per character,
 *       column and flush: the first id, then the gaps to the next ids as
 *       varints; index (ch, col, first_id)
 *   char_dead(id)  articles deleted since their rows were written; readers
 *       skip them until char_idx_purge rewrites the rows.
 *
 * Writing: the FTS5 tokenizer hands every Han character of a document to
 * the sink attached to its connection (tokenizer.h), for the article that
 * the SQL function nfs_char_row(id, text) named last (index.c puts it in
 * the statement that fills fts). Reading: the table-valued function
 * nfs_chars(ch, col) yields the ids in ascending order.
 */
#ifndef NFS_CHARIDX_H
#define NFS_CHARIDX_H

#include <sqlite3.h>
#include <stdint.h>

#include "nfs.h"

typedef struct char_sink char_sink;

char_sink *char_sink_new(void);
void char_sink_free(char_sink *s);

/* The article whose columns the next document tokenizations are (in
 * column order); id <= 0: none (nothing is recorded). */
void char_sink_row(char_sink *s, int64_t id);
/* A document tokenization starts: the next column of the current row.
 * Returns the column, or -1 when no row is current (not recorded). */
int char_sink_column(char_sink *s);
/* Han character cp occurs in column col of the current row. */
void char_sink_add(char_sink *s, uint32_t cp, int col);

/* Write what was collected into char_docs and start afresh; an error if
 * the rows were not fed as expected (the index would be wrong). */
int char_sink_flush(char_sink *s, sqlite3 *db, nfs_err *err);

/* Drop the ids in char_dead from char_docs, then empty char_dead. */
int char_idx_purge(sqlite3 *db, nfs_err *err);

/* Register the table-valued function nfs_chars(ch, col) on a connection. */
int char_idx_register(sqlite3 *db);

/* The one Han character of a one-character term, folded (0 if none). */
uint32_t char_idx_term_char(const char *term);

#endif
