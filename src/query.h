/* query.h - private to the search engine: the parsed form of a search
 * query (search.h) and its translation to an FTS5 expression and SQL.
 *
 * The parser (query.c) turns the directory names into a tree of nodes,
 * resolves field filters and checks every term; it never touches the
 * database. Execution (search.c) asks for
 *   - q->fts: the FTS5 expression that drives the query (the conjuncts
 *     FTS5 can evaluate alone, NOT-ed terms included), NULL when the query
 *     has no positive text term; and
 *   - query_filter_sql(): the other conjuncts (field filters; text terms
 *     that FTS5 cannot combine, e.g. "工会 OR region:长春" or a query made
 *     only of -terms) as SQL, either a condition on one article or the
 *     set of the ids of the articles that pass.
 * Every user-supplied value reaches SQLite as a bound parameter; terms in
 * FTS5 expressions are double-quoted strings with '"' doubled.
 */
#ifndef NFS_QUERY_H
#define NFS_QUERY_H

#include <sqlite3.h>

#include "nfs.h"
#include "search.h"

typedef enum { QN_TEXT, QN_AND, QN_OR, QN_NOT, QN_REGION, QN_TOPIC, QN_DATE } qnode_kind;

typedef struct qnode qnode;
struct qnode {
    qnode_kind kind;
    char *text;        /* QN_TEXT: the term (NFKC); QN_TOPIC: the topic name */
    int headline;      /* QN_TEXT: title: (the headline column only) */
    int prefix;        /* QN_TEXT: ends in a lone Han character after a separator -> "…"* */
    int single;        /* QN_TEXT: one Han character -> the one-character index */
    uint32_t ch;       /* QN_TEXT, single: that character, folded */
    int64_t lo, hi;    /* QN_REGION: code range */
    char date_lo[12];  /* QN_DATE: "" (open) or YYYY[-MM[-DD]] */
    char date_hi[12];  /* QN_DATE: "" (open) or the canonical end + "~" */
    char *fts;         /* the node as an FTS5 expression, if FTS5 can evaluate it alone */
    qnode **kids;
    size_t n_kids;
};

struct search_query {
    qnode *root;      /* AND of the parts */
    char *fts;        /* driving FTS5 expression, NULL when none */
    qnode **filters;  /* conjuncts left to SQL (borrowed from root) */
    size_t n_filters;
    char *text;       /* the query as written, parts joined by " / " */
    uint32_t rank_char; /* no fts: a one-character term whose headline
                           matches rank first (0: none) */
};

/* Parameters of the filter SQL, in placeholder order. */
typedef struct {
    int is_text;
    int64_t i;
    const char *s; /* borrowed from the query */
} qparam;

typedef struct {
    qparam *v;
    size_t n, cap;
} qparams;

/* The filters (the conjuncts left to SQL) in one of two forms, numbering
 * placeholders from first_param; params receives their values.
 *  QUERY_SQL_ROW: a condition on the row "a" of articles ("1" when there
 *    are no filters): for checking one article;
 *  QUERY_SQL_SET: a SELECT of the ids (column id) of every article that
 *    passes (all articles when there are no filters), built from index
 *    reads with INTERSECT/UNION/EXCEPT: for listings. */
enum { QUERY_SQL_ROW, QUERY_SQL_SET };
void query_filter_sql(const search_query *q, strbuf *sql, int first_param, qparams *params,
                      int mode);
int query_bind(sqlite3_stmt *st, int first_param, const qparams *params);
void qparams_free(qparams *p);

#endif
