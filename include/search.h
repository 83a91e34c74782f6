/* search.h - the query language of the search/ directory and its execution.
 *
 * A query is a directory name under search/ (nested directories refine:
 * search/工会/长春/ is "工会 长春"). Syntax: words separated by spaces must
 * all match; OR; -word excludes; "exact phrase"; title:…, region:…,
 * topic:…, date:2020, date:2020-11, date:2020-01..2020-06. A Chinese word
 * matches where it occurs as a substring of a line of the article file,
 * as grep -F would find it after folding (see tokenizer.h).
 *
 * Parsing never touches the database and never fails on its own: a
 * malformed query is reported through err with a message a user can read.
 * Every term reaches SQLite as a bound parameter or a quoted FTS5 string.
 */
#ifndef NFS_SEARCH_H
#define NFS_SEARCH_H

#include <sqlite3.h>

#include "gazetteer.h"
#include "nfs.h"
#include "topics.h"

typedef struct search_query search_query;

/* What field filters resolve against (either may be NULL: the filter then
 * fails to parse with a message). */
typedef struct {
    const gazetteer *gaz;
    const taxonomy *tax;
} search_env;

/* Parse the path components of a search directory (n >= 1), ANDed together. */
int search_parse(const search_env *env, const char *const *parts, size_t n, search_query **out,
                 nfs_err *err);
void search_query_free(search_query *q);

/* The results of a query, best first. Positions are 0, 1, 2, ...;
 * reading them in increasing order is cheap and memory stays bounded
 * however many articles match.
 *
 * Order: the best 1,000 matches by relevance (bm25 with the headline
 * weighted 10 against 1 for the text, without length normalisation; ties
 * by article id), then all other matches in article id order. A query with
 * no positive text term (only field filters and/or -terms) lists every
 * match in article id order. search_execute makes the one pass over the
 * matches that counts and ranks them; positions are then read from what
 * it kept (past about a million matches, from the index, a page at a time).
 *
 * A search_results keeps no statement open between calls. It must not be
 * used by two threads at once; a thread other than the one that ran
 * search_execute must first hand it its own connection with
 * search_results_use_db (a connection is never shared between threads). */
typedef struct search_results search_results;

int search_execute(sqlite3 *db, const search_query *q, search_results **out, nfs_err *err);
/* The same results, the pass over the matches cut in two by article id
 * and run on two cores: the lower half on db (this thread), the upper half
 * on helper (another connection to the same index, used on a thread of
 * its own until this returns). helper NULL: search_execute. The halves
 * may see two snapshots if an index run commits meanwhile; the listing is
 * redone at the next generation anyway. */
int search_execute_split(sqlite3 *db, sqlite3 *helper, const search_query *q,
                         search_results **out, nfs_err *err);
/* Make later calls on r use db (the calling thread's connection). */
void search_results_use_db(search_results *r, sqlite3 *db);
/* How many articles match (all of them, not only the ranked ones); known
 * once search_execute has returned, costs nothing. */
uint64_t search_results_count(search_results *r);
/* Heap memory r holds (what a cache of results counts against its budget). */
size_t search_results_bytes(const search_results *r);
/* Article id at position pos: 1 found, 0 past the end, -1 error. */
int search_results_get(search_results *r, uint64_t pos, int64_t *article_id);
void search_results_free(search_results *r);

/* 1 if the article matches the query, 0 if not, -1 on error. */
int search_matches(sqlite3 *db, const search_query *q, int64_t article_id);

/* Append "rank<TAB>issue/name<TAB>snippet" lines, the match highlighted
 * with [ ], for at most limit results (0 = all). */
int search_snippets(sqlite3 *db, const search_query *q, size_t limit, strbuf *out, nfs_err *err);

#endif
