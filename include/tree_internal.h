/* tree_internal.h - what the parts of the tree share (tree.c: the fixed
 * views; tree_search.c: search directories; tree_xattr.c: extended
 * attributes). Not for use outside the tree. */
#ifndef NFS_TREE_INTERNAL_H
#define NFS_TREE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "gazetteer.h"
#include "listing_cache.h"
#include "search.h"
#include "topics.h"
#include "tree.h"

/* Inode layout: tag << TAG_SHIFT | id. */
#define TAG_SHIFT 48
#define ID_MASK ((UINT64_C(1) << TAG_SHIFT) - 1)
enum {
    TAG_FIXED = 0,
    TAG_ISSUE = 1,
    TAG_ARTICLE = 2,
    TAG_REGION = 3,
    TAG_TOPIC = 4,
    TAG_SEARCH = 5,
    TAG_SEARCH_INFO = 6,
};
#define INO_README 2
#define INO_ISSUES 3
#define INO_REGIONS 4
#define INO_TOPICS 5
#define INO_SEARCH 6

/* Ids per Q_ARTICLES_VIEW_BATCH query. */
#define VIEW_BATCH 64

/* Memory of the listing-row cache: a search listing of 133,000 articles
 * fits (about 17 MB), and the daemon stays far under 100 MB at 1,000,000. */
#define LISTING_CACHE_BYTES (24u << 20)

/* Directory offsets of keyed rows: KEY_BASE + key (an id, a seq, a position). */
#define KEY_BASE (UINT64_C(1) << 40)

/* Names inside search directories. */
#define SEARCH_RESULTS_NAME ".results.txt" /* snippets; not listed */
#define SEARCH_ERROR_NAME "QUERY-ERROR.txt" /* the only entry of a malformed query */

nfs_ino tree_ino_make(int tag, uint64_t id);
int tree_ino_tag(nfs_ino ino);
uint64_t tree_ino_id(nfs_ino ino);

enum {
    Q_GENERATION,
    Q_UPDATED_AT,
    Q_ISSUE_COUNT,
    Q_ISSUE_BY_NAME,
    Q_ISSUE_BY_ID,
    Q_ISSUE_LIST,
    Q_ARTICLE_ATTR,
    Q_ARTICLE_TEXT,
    Q_ARTICLE_IN_ISSUE,
    Q_ISSUE_ARTICLES,
    Q_ARTICLE_BY_VNAME,
    Q_ARTICLE_VIEW_ATTR,
    Q_REGION_COUNTS,
    Q_REGION_ARTICLES,
    Q_TOPIC_COUNT,
    Q_TOPIC_LIST,
    Q_TOPIC_BY_NAME,
    Q_TOPIC_BY_ID,
    Q_TOPIC_ARTICLES,
    Q_TOPIC_HAS,
    Q_SAVED_LIST,
    Q_SAVED_COUNT,
    Q_SAVED_HAS,
    Q_SAVED_SIGNATURE,
    Q_XATTR,
    Q_ARTICLES_VIEW_BATCH,
    Q_ARTICLE_ROW,
    Q_TAXONOMY,
    Q_COUNT
};

/* One search directory: a query path under search/. */
typedef struct search_node {
    uint64_t serial;
    uint64_t parent;     /* parent's serial, 0 for a child of search/ */
    char *name;          /* this path component */
    char **parts;        /* every component from search/ down */
    size_t n_parts;
    search_query *query; /* NULL when the query is malformed */
    char *error;         /* why it is malformed */
    uint64_t nlookup;    /* references the kernel holds */
    struct search_node *by_serial_next, *by_name_next;
    /* what listing the node costs, kept for the generation it was made in;
     * list_lock serialises its use (one listing of a node at a time) */
    pthread_mutex_t list_lock;
    search_results *results;
    int64_t results_gen;
    size_t results_bytes; /* search_results_bytes(results) when last counted */
    uint64_t last_listed; /* search_nodes.clock then: the least recent loses
                             its results first */
    char *info; /* text of .results.txt or QUERY-ERROR.txt */
    size_t info_len;
    int64_t info_gen;
} search_node;

typedef struct {
    search_node **by_serial, **by_name; /* chained hash tables */
    size_t n_buckets, n_nodes;
    uint64_t next_serial;
    size_t results_bytes; /* held by all nodes' results, see SEARCH_RESULTS_BUDGET */
    uint64_t clock;       /* counts listings */
} search_nodes;

void search_nodes_init(search_nodes *s);
void search_nodes_free(search_nodes *s);

struct tree {
    char *db_path;
    uid_t uid;
    gid_t gid;
    gazetteer *gaz;
    taxonomy *tax;            /* the index's taxonomy (guarded by lock) */
    taxonomy **retired;       /* replaced taxonomies, freed at close */
    size_t n_retired, cap_retired;
    search_env env;
    _Atomic int64_t generation;
    _Atomic uint64_t saved_signature; /* tree_saved_changed's last answer */
    pthread_mutex_t lock; /* guards searches */
    search_nodes searches;
    listing_cache *rows; /* listing rows by article id, for search listings */
};

struct tree_conn {
    tree *t;
    sqlite3 *db;
    sqlite3 *helper; /* second connection: a search's other half runs on it
                        (search_execute_split); opened on first use */
    int helper_failed;
    sqlite3_stmt *st[Q_COUNT];
    int64_t index_time, index_time_gen;
};

/* Reset statement q of c, ready for binding. */
sqlite3_stmt *tree_stmt(tree_conn *c, int q);

/* The current taxonomy (it changes when the index is re-filed). */
const taxonomy *tree_taxonomy(tree *t);

void tree_article_attr(nfs_ino ino, int64_t size, int64_t mtime, int ntopics, tree_attr *a);
int64_t tree_index_time(tree_conn *c);
int tree_is_probe_name(const char *name);
int tree_article_by_vname(tree_conn *c, const char *vname, tree_attr *a, uint32_t *region);

/* tree_search.c */
int tree_search_lookup(tree_conn *c, nfs_ino parent, const char *name, tree_attr *a);
int tree_search_getattr(tree_conn *c, nfs_ino ino, tree_attr *a);
int tree_search_info_getattr(tree_conn *c, nfs_ino ino, tree_attr *a);

int tree_search_readdir(tree_conn *c, nfs_ino ino, uint64_t off, tree_fill_fn fill, void *ctx);
/* Copy the info file's text (cached per generation) into a new buffer. */
int tree_search_info_copy(tree_conn *c, nfs_ino ino, char **text, size_t *len);
int tree_search_readdir_saved(tree_conn *c, uint64_t off, tree_fill_fn fill, void *ctx);

#endif
