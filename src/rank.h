/* rank.h - private to the search engine: the FTS5 ranking function
 * nfs_rank(fts, w0, w1, ...) that orders search results.
 *
 * It is FTS5's bm25() (k1 = 1.2, idf per phrase, per-column weights w0,
 * w1, ...) without document-length normalisation (b = 0). bm25() reads the
 * length of every matching document from the docsize table, one B-tree
 * lookup per row: measured 0.5-0.9 µs per row on 100,000 articles, seven
 * times the cost of finding the match itself, so a common word took
 * ~100 ms to rank. nfs_rank() uses only the positions FTS5 has already
 * loaded (~0.05 µs per row). Like bm25(), lower is better.
 */
#ifndef NFS_RANK_H
#define NFS_RANK_H

#include <sqlite3.h>

#define NFS_RANK_FUNCTION "nfs_rank"

/* Register nfs_rank() with FTS5 on one connection. */
int nfs_rank_register(fts5_api *api);

#endif
