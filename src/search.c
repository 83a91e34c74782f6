/* search.c - running a parsed query (query.h) against the index: ranked
 * and streamed results, single-article checks, snippets.
 *
 * Result order (positions 0, 1, 2, ...):
 *   1. the best RANK_K matches by relevance, nfs_rank() (src/rank.h: bm25
 *      with the headline weighted 10, the text 1, without length
 *      normalisation), ties by article id;
 *   2. then every other match in article id order (index order: issues in
 *      the order they were indexed, articles in reading order).
 * Queries whose positive text terms are one character each (read from
 * the one-character index, charidx.h, not FTS5) rank by the first such
 * term: the first RANK_K matches with it in the headline, in id order.
 * Queries without a positive text term (only field filters and/or
 * -terms) have no relevance: all their matches come in id order.
 *
 * search_execute makes one pass over the matches (in id order): it counts
 * them, keeps the best RANK_K in a heap, and keeps every id, delta-coded
 * (~1.5 bytes per id), up to STORE_MAX_BYTES; reading positions is then
 * decoding, with checkpoints for random access. Past that bound (over a
 * million matches) the rest is read from the index on demand, PAGE_SIZE
 * ids at a time after the last id seen, so memory stays bounded whatever
 * the number of matches.
 *
 * No statement is kept open between calls: a search_results may be read
 * from other threads (other connections) than the one that ran it, see
 * search_results_use_db.
 */
#include "search.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "query.h"
#include "rank.h"

#define RANK_K 1000
#define STORE_MAX_BYTES (2u << 20)
#define CKPT_EVERY 128 /* stream positions between checkpoints */
#define PAGE_SIZE 512

/* nfs_rank() weight of the headline column (the text column has 1). */
#define HEADLINE_WEIGHT "10.0"

/* A place in the stored ids: the next id to decode is at byte off, after
 * id prev; k ids were decoded before it, si of them not ranked. */
typedef struct {
    size_t off;
    int64_t prev;
    uint64_t k, si;
} id_cursor;

struct search_results {
    sqlite3 *db;
    char *fts;        /* driving FTS5 expression (copy), NULL when none */
    char *filter_sql; /* the ids passing the filters (QUERY_SQL_SET), parameters
                         from FILTER_FIRST_PARAM */
    qparams params;   /* values (text copied into param_text) */
    char **param_text;
    int has_filter;
    uint64_t count;
    /* ranked part: the heap of the pass, then the ids in order */
    struct scored *heap;
    size_t n_heap;
    int64_t *top;        /* rank order */
    int64_t *top_sorted; /* the same ids sorted, to skip them in the stream */
    size_t n_top;
    /* every match in id order, delta-varint coded */
    unsigned char *ids;
    size_t ids_len, ids_cap;
    uint64_t n_ids;
    int64_t last_id;
    size_t store_max; /* STORE_MAX_BYTES, or the test setting */
    int ids_complete; /* all matches are in ids */
    id_cursor cur;    /* sequential reading */
    id_cursor *ckpt;  /* ckpt[i]: the cursor at stream position i * CKPT_EVERY */
    size_t n_ckpt, cap_ckpt;
    uint64_t n_stream_stored; /* unranked ids in ids (when all decoded) */
    int stored_done;          /* n_stream_stored is known */
    /* beyond the stored ids: page i holds the next stream positions
     * [i*PAGE_SIZE, ...) and starts after id page_start[i] */
    int64_t *page_start;
    size_t n_page_start, cap_page_start;
    size_t end_page; /* the last page, once known (SIZE_MAX until then) */
    size_t cur_page; /* page in buf, SIZE_MAX for none */
    int64_t buf[PAGE_SIZE];
    size_t buf_n;
};

/* ?1 the FTS5 expression, ?2 the keyset (id after which to read), filter
 * parameters from ?3 on. */
#define FILTER_FIRST_PARAM 3

static int db_error(sqlite3 *db, nfs_err *err, const char *what)
{
    return nfs_err_set(err, "search: %s: %s", what, sqlite3_errmsg(db));
}

/* ---- the SELECTs ---- */

/* FROM/WHERE shared by the listing statements of a query. The filters are
 * a set of ids computed once per statement (from indexes); "+" keeps
 * SQLite from turning "rowid IN" into one FTS5 lookup per id. */
static void from_where(const search_results *r, strbuf *sql)
{
    if (r->fts) {
        sb_puts(sql, " FROM fts WHERE fts MATCH ?1");
        if (r->has_filter) {
            sb_puts(sql, " AND +fts.rowid IN (");
            sb_puts(sql, r->filter_sql);
            sb_puts(sql, ")");
        }
    } else {
        sb_puts(sql, " FROM (");
        sb_puts(sql, r->filter_sql);
        sb_puts(sql, ") AS m WHERE 1");
    }
}

static const char *id_column(const search_results *r)
{
    return r->fts ? "fts.rowid" : "m.id";
}

static int prepare(const search_results *r, const char *sql, sqlite3_stmt **st, nfs_err *err)
{
    if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_error(r->db, err, "cannot prepare the query");
    if ((r->fts && sqlite3_bind_text(*st, 1, r->fts, -1, SQLITE_STATIC) != SQLITE_OK) ||
        query_bind(*st, FILTER_FIRST_PARAM, &r->params) != 0) {
        db_error(r->db, err, "cannot bind the query");
        sqlite3_finalize(*st);
        *st = NULL;
        return -1;
    }
    return 0;
}

/* ---- the best RANK_K in a heap ---- */

typedef struct scored {
    double score; /* lower is better */
    int64_t id;
} scored;

/* a worse than b: higher score, then higher id */
static int worse(const scored *a, const scored *b)
{
    return a->score > b->score || (a->score == b->score && a->id > b->id);
}

static void heap_sift_down(scored *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m]))
            m = l;
        if (r < n && worse(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        scored t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void heap_push(scored *h, size_t *n, scored v)
{
    size_t i = (*n)++;
    h[i] = v;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!worse(&h[i], &h[parent]))
            break;
        scored t = h[i];
        h[i] = h[parent];
        h[parent] = t;
        i = parent;
    }
}

static int cmp_scored(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    return worse(x, y) ? 1 : worse(y, x) ? -1 : 0;
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int is_top(const search_results *r, int64_t id)
{
    return r->n_top && bsearch(&id, r->top_sorted, r->n_top, sizeof id, cmp_id) != NULL;
}

/* ---- the stored ids ---- */

static void store_id(search_results *r, int64_t id)
{
    if (!r->ids_complete)
        return;
    if (id <= r->last_id || r->ids_len + 10 > r->store_max) {
        r->ids_complete = 0; /* the rest is read from the index */
        return;
    }
    if (r->ids_len + 10 > r->ids_cap) {
        r->ids_cap = r->ids_cap ? r->ids_cap * 2 : 4096;
        r->ids = nfs_xrealloc(r->ids, r->ids_cap);
    }
    uint64_t delta = (uint64_t)(id - r->last_id);
    while (delta >= 0x80) {
        r->ids[r->ids_len++] = (unsigned char)(delta | 0x80);
        delta >>= 7;
    }
    r->ids[r->ids_len++] = (unsigned char)delta;
    r->last_id = id;
    r->n_ids++;
}

/* The delta-varint at ids[*off], *off moved past it. */
static inline uint64_t next_delta(const unsigned char *ids, size_t *off)
{
    uint64_t delta = 0;
    int shift = 0;
    unsigned char b;
    do {
        b = ids[(*off)++];
        delta |= (uint64_t)(b & 0x7F) << shift;
        shift += 7;
    } while (b & 0x80);
    return delta;
}

/* The next unranked stored id after cursor c: 1, or 0 when none is left. */
static int cursor_next(const search_results *r, id_cursor *c, int64_t *id)
{
    while (c->k < r->n_ids) {
        c->prev += (int64_t)next_delta(r->ids, &c->off);
        c->k++;
        if (!is_top(r, c->prev)) {
            c->si++;
            *id = c->prev;
            return 1;
        }
    }
    return 0;
}

/* Stream position si among the stored ids: 1 found, 0 beyond them. */
static int stored_get(search_results *r, uint64_t si, int64_t *id)
{
    if (r->stored_done && si >= r->n_stream_stored)
        return 0;
    if (si < r->cur.si) { /* backwards: from the checkpoint at or before si */
        size_t i = (size_t)(si / CKPT_EVERY);
        if (i >= r->n_ckpt)
            i = r->n_ckpt - 1;
        r->cur = r->ckpt[i];
    }
    /* the cursor's next id is stream position cur.si */
    for (;;) {
        if (r->cur.si % CKPT_EVERY == 0 && r->cur.si / CKPT_EVERY == r->n_ckpt)
            NFS_VEC_PUSH(r->ckpt, r->n_ckpt, r->cap_ckpt, r->cur);
        int64_t next;
        uint64_t at = r->cur.si;
        if (!cursor_next(r, &r->cur, &next)) {
            r->stored_done = 1;
            r->n_stream_stored = r->cur.si;
            return 0;
        }
        if (at == si) {
            *id = next;
            return 1;
        }
    }
}

/* ---- beyond the stored ids: pages read from the index ---- */

/* Read page number `page`, which starts after id `after`, into buf.
 * Records where the next page starts, or that this is the last. */
static int load_page(search_results *r, size_t page, int64_t after)
{
    strbuf sql = {0};
    const char *id = id_column(r);
    sb_printf(&sql, "SELECT %s", id);
    from_where(r, &sql);
    sb_printf(&sql, " AND %s > ?2 ORDER BY %s LIMIT %d", id, id, PAGE_SIZE);
    r->cur_page = SIZE_MAX;
    r->buf_n = 0;
    sqlite3_stmt *st;
    int rc = prepare(r, sql.s, &st, NULL);
    sb_free(&sql);
    if (rc != 0)
        return -1;
    int64_t last = after;
    for (;;) {
        /* a batch; the ranked ids met are skipped, so more batches may be
         * needed to fill the page */
        sqlite3_bind_int64(st, 2, last);
        int got = 0;
        while (r->buf_n < PAGE_SIZE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            got++;
            last = sqlite3_column_int64(st, 0);
            if (!is_top(r, last))
                r->buf[r->buf_n++] = last;
        }
        if (r->buf_n < PAGE_SIZE && rc != SQLITE_DONE) {
            sqlite3_finalize(st);
            return -1;
        }
        sqlite3_reset(st);
        if (r->buf_n == PAGE_SIZE || got < PAGE_SIZE)
            break; /* page full, or no more matches */
    }
    sqlite3_finalize(st);
    r->cur_page = page;
    if (r->buf_n < PAGE_SIZE)
        r->end_page = page;
    else if (page + 1 >= r->n_page_start)
        NFS_VEC_PUSH(r->page_start, r->n_page_start, r->cap_page_start, last);
    return 0;
}

/* Stream position si of the paged part: 1 found, 0 past the end, -1 error. */
static int paged_get(search_results *r, uint64_t si, int64_t *id)
{
    size_t page = (size_t)(si / PAGE_SIZE), off = (size_t)(si % PAGE_SIZE);
    if (r->end_page != SIZE_MAX && page > r->end_page)
        return 0;
    if (r->n_page_start == 0)
        NFS_VEC_PUSH(r->page_start, r->n_page_start, r->cap_page_start, r->last_id);
    while (r->cur_page != page) {
        /* from the furthest known page start at or before `page`; a full
         * page records where the next one starts */
        size_t p = page < r->n_page_start ? page : r->n_page_start - 1;
        if (load_page(r, p, r->page_start[p]) != 0)
            return -1;
        if (r->cur_page == r->end_page && p < page)
            return 0;
    }
    if (off >= r->buf_n)
        return 0;
    *id = r->buf[off];
    return 1;
}

int search_results_get(search_results *r, uint64_t pos, int64_t *article_id)
{
    if (pos < r->n_top) {
        *article_id = r->top[pos];
        return 1;
    }
    if (pos >= r->count)
        return 0;
    uint64_t si = pos - r->n_top;
    if (stored_get(r, si, article_id))
        return 1;
    if (r->ids_complete)
        return 0;
    return paged_get(r, si - r->n_stream_stored, article_id);
}

/* ---- the pass over the matches ---- */

/* The position of the headline column in the fts table (the weights of
 * nfs_rank() go by position; the schema may list text first). */
static int headline_column(sqlite3 *db)
{
    sqlite3_stmt *st;
    int col = 0;
    if (sqlite3_prepare_v2(db, "SELECT cid FROM pragma_table_info('fts') WHERE name = 'headline'",
                           -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            col = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    return col;
}

/* Count the matches with ids in [lo, hi] (hi < 0: no bound), store their
 * ids, keep the best RANK_K in r->heap (text queries). */
static int scan_matches(search_results *r, int64_t lo, int64_t hi, nfs_err *err)
{
    strbuf sql = {0};
    if (!r->fts)
        sb_puts(&sql, "SELECT m.id");
    else if (headline_column(r->db) == 0)
        sb_puts(&sql, "SELECT fts.rowid, " NFS_RANK_FUNCTION "(fts, " HEADLINE_WEIGHT ", 1.0)");
    else
        sb_puts(&sql, "SELECT fts.rowid, " NFS_RANK_FUNCTION "(fts, 1.0, " HEADLINE_WEIGHT ")");
    from_where(r, &sql);
    if (hi >= 0) /* computed integers, not text: nothing to bind */
        sb_printf(&sql, " AND %s BETWEEN %lld AND %lld", id_column(r), (long long)lo,
                  (long long)hi);
    sb_printf(&sql, " ORDER BY %s", id_column(r));
    sqlite3_stmt *st;
    int rc = prepare(r, sql.s, &st, err);
    sb_free(&sql);
    if (rc != 0)
        return -1;
    scored *heap = r->fts ? nfs_xmalloc(RANK_K * sizeof *heap) : NULL;
    size_t n = 0;
    uint64_t count = 0;
    r->ids_complete = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        count++;
        store_id(r, id);
        if (!heap)
            continue;
        scored v = {sqlite3_column_double(st, 1), id};
        if (n < RANK_K) {
            heap_push(heap, &n, v);
        } else if (worse(&heap[0], &v)) {
            heap[0] = v;
            heap_sift_down(heap, n, 0);
        }
    }
    if (rc != SQLITE_DONE) {
        db_error(r->db, err, "cannot run the query");
        sqlite3_finalize(st);
        free(heap);
        return -1;
    }
    sqlite3_finalize(st);
    r->count = count;
    r->heap = heap;
    r->n_heap = n;
    return 0;
}

/* The ranked ids from the heap, best first, and sorted for lookups. */
static void finish_top(search_results *r)
{
    if (r->heap) {
        size_t n = r->n_heap;
        qsort(r->heap, n, sizeof *r->heap, cmp_scored);
        r->top = nfs_xmalloc((n ? n : 1) * sizeof *r->top);
        r->top_sorted = nfs_xmalloc((n ? n : 1) * sizeof *r->top_sorted);
        for (size_t i = 0; i < n; i++)
            r->top[i] = r->top_sorted[i] = r->heap[i].id;
        qsort(r->top_sorted, n, sizeof *r->top_sorted, cmp_id);
        r->n_top = n;
        free(r->heap);
        r->heap = NULL;
        r->n_heap = 0;
    }
    if (r->ids && r->ids_cap > r->ids_len + 4096) { /* the store doubled as it grew */
        r->ids = nfs_xrealloc(r->ids, r->ids_len + 16);
        r->ids_cap = r->ids_len + 16;
    }
    r->cur = (id_cursor){0, 0, 0, 0};
}

/* Add the pass over the higher ids, hi, to the pass over the lower ids,
 * r: counts add up; the best RANK_K of both are kept; hi's stored ids
 * follow r's while r's are complete (else the pages read from the index
 * after r's last stored id cover them). */
static void merge_upper(search_results *r, search_results *hi)
{
    r->count += hi->count;
    if (r->heap && hi->heap) {
        size_t n = r->n_heap + hi->n_heap;
        scored *all = nfs_xmalloc((n ? n : 1) * sizeof *all);
        memcpy(all, r->heap, r->n_heap * sizeof *all);
        memcpy(all + r->n_heap, hi->heap, hi->n_heap * sizeof *all);
        qsort(all, n, sizeof *all, cmp_scored);
        free(r->heap);
        r->heap = all;
        r->n_heap = n < RANK_K ? n : RANK_K;
    }
    if (!r->ids_complete)
        return;
    int64_t prev = 0;
    size_t off = 0;
    for (uint64_t k = 0; k < hi->n_ids && r->ids_complete; k++) {
        prev += (int64_t)next_delta(hi->ids, &off);
        store_id(r, prev);
    }
    if (!hi->ids_complete)
        r->ids_complete = 0; /* the rest after r->last_id, read a page at a time */
}

/* A query ranked by a one-character term (query.h, rank_char): the
 * matches with the character in the headline come first, in id order, at
 * most RANK_K of them. Needs every match in ids (else: id order only). */
static int rank_by_headline_char(search_results *r, uint32_t ch, nfs_err *err)
{
    if (!r->ids_complete || !r->n_ids)
        return 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(r->db, "SELECT id FROM nfs_chars(?1, 1)", -1, &st, NULL) != SQLITE_OK)
        return db_error(r->db, err, "cannot prepare the ranking");
    sqlite3_bind_int64(st, 1, ch);
    r->heap = nfs_xmalloc(RANK_K * sizeof *r->heap);
    r->n_heap = 0;
    size_t off = 0;
    uint64_t k = 0;
    int64_t match = 0; /* the last stored id decoded */
    int rc = SQLITE_DONE;
    while (r->n_heap < RANK_K && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        while (match < id && k < r->n_ids) {
            match += (int64_t)next_delta(r->ids, &off);
            k++;
        }
        if (match == id)
            r->heap[r->n_heap++] = (scored){0.0, id};
        else if (match < id)
            break; /* past the last match */
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_error(r->db, err, "cannot rank the matches");
    return 0;
}

/* ---- executing ---- */

static void copy_params(search_results *r, const qparams *src)
{
    r->param_text = nfs_xcalloc(src->n ? src->n : 1, sizeof *r->param_text);
    r->params.v = nfs_xcalloc(src->n ? src->n : 1, sizeof *r->params.v);
    r->params.n = r->params.cap = src->n;
    for (size_t i = 0; i < src->n; i++) {
        r->params.v[i] = src->v[i];
        if (src->v[i].is_text) {
            r->param_text[i] = nfs_xstrdup(src->v[i].s);
            r->params.v[i].s = r->param_text[i];
        }
    }
}

/* A results object for q on db, not yet run. */
static search_results *results_new(sqlite3 *db, const search_query *q)
{
    search_results *r = nfs_xcalloc(1, sizeof *r);
    r->db = db;
    r->fts = q->fts ? nfs_xstrdup(q->fts) : NULL;
    strbuf sql = {0};
    qparams params = {0};
    query_filter_sql(q, &sql, FILTER_FIRST_PARAM, &params, QUERY_SQL_SET);
    r->has_filter = q->n_filters > 0;
    r->filter_sql = sb_steal(&sql);
    copy_params(r, &params);
    qparams_free(&params);
    r->end_page = SIZE_MAX;
    r->cur_page = SIZE_MAX;
    /* tests set a small bound to exercise reading pages from the index */
    const char *knob = getenv("NEWSFS_SEARCH_STORE_BYTES");
    r->store_max = knob && atol(knob) > 0 ? (size_t)atol(knob) : STORE_MAX_BYTES;
    return r;
}

void search_results_free(search_results *r)
{
    if (!r)
        return;
    free(r->fts);
    free(r->filter_sql);
    for (size_t i = 0; i < r->params.n; i++)
        free(r->param_text[i]);
    free(r->param_text);
    free(r->params.v);
    free(r->heap);
    free(r->top);
    free(r->top_sorted);
    free(r->ids);
    free(r->ckpt);
    free(r->page_start);
    free(r);
}

int search_execute(sqlite3 *db, const search_query *q, search_results **out, nfs_err *err)
{
    *out = NULL;
    if (!db || !q)
        return nfs_err_set(err, "search: no query or no index");
    search_results *r = results_new(db, q);
    if (scan_matches(r, 0, -1, err) != 0 ||
        (!r->fts && q->rank_char && rank_by_headline_char(r, q->rank_char, err) != 0)) {
        search_results_free(r);
        return -1;
    }
    finish_top(r);
    *out = r;
    return 0;
}

typedef struct {
    search_results *r;
    int64_t lo, hi;
    nfs_err err;
    int rc;
} scan_job;

static void *scan_thread(void *arg)
{
    scan_job *j = arg;
    j->rc = scan_matches(j->r, j->lo, j->hi, &j->err);
    return NULL;
}

/* The largest article id (0 for none). */
static int64_t max_article_id(sqlite3 *db)
{
    sqlite3_stmt *st;
    int64_t id = -1;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM articles", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return id;
}

int search_execute_split(sqlite3 *db, sqlite3 *helper, const search_query *q,
                         search_results **out, nfs_err *err)
{
    int64_t max_id;
    if (!helper || !db || !q || !q->fts || (max_id = max_article_id(db)) < 2)
        return search_execute(db, q, out, err);
    *out = NULL;
    int64_t mid = max_id / 2;
    search_results *r = results_new(db, q), *upper = results_new(helper, q);
    scan_job job = {upper, mid + 1, INT64_MAX, {{0}}, 0};
    pthread_t th;
    int threaded = pthread_create(&th, NULL, scan_thread, &job) == 0;
    int rc = scan_matches(r, 0, mid, err);
    if (threaded)
        pthread_join(th, NULL);
    else
        scan_thread(&job); /* no thread to be had: one after the other */
    if (rc == 0 && job.rc != 0) {
        *err = job.err;
        rc = -1;
    }
    if (rc == 0) {
        merge_upper(r, upper);
        finish_top(r);
        *out = r;
    } else {
        search_results_free(r);
    }
    search_results_free(upper);
    return rc;
}

void search_results_use_db(search_results *r, sqlite3 *db)
{
    r->db = db;
}

uint64_t search_results_count(search_results *r)
{
    return r->count;
}

size_t search_results_bytes(const search_results *r)
{
    if (!r)
        return 0;
    return sizeof *r + r->ids_cap + r->cap_ckpt * sizeof *r->ckpt +
           r->cap_page_start * sizeof *r->page_start + 2 * r->n_top * sizeof *r->top;
}

int search_matches(sqlite3 *db, const search_query *q, int64_t article_id)
{
    strbuf sql = {0};
    qparams params = {0};
    sb_puts(&sql, "SELECT 1 FROM articles a WHERE a.id = ?2");
    if (q->fts)
        sb_puts(&sql, " AND EXISTS(SELECT 1 FROM fts WHERE fts MATCH ?1 AND fts.rowid = a.id)");
    sb_puts(&sql, " AND (");
    query_filter_sql(q, &sql, FILTER_FIRST_PARAM, &params, QUERY_SQL_ROW);
    sb_puts(&sql, ")");
    sqlite3_stmt *st;
    int m = -1;
    if (sqlite3_prepare_v2(db, sql.s, -1, &st, NULL) == SQLITE_OK) {
        if ((!q->fts || sqlite3_bind_text(st, 1, q->fts, -1, SQLITE_STATIC) == SQLITE_OK) &&
            sqlite3_bind_int64(st, 2, article_id) == SQLITE_OK &&
            query_bind(st, FILTER_FIRST_PARAM, &params) == 0) {
            int rc = sqlite3_step(st);
            m = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
        }
        sqlite3_finalize(st);
    }
    sb_free(&sql);
    qparams_free(&params);
    return m;
}

/* ---- snippets ---- */

/* Append s with tabs and line breaks as spaces, runs of them as one. */
static void put_one_line(strbuf *out, const char *s)
{
    int space = 0;
    for (; s && *s; s++) {
        if (*s == '\n' || *s == '\t' || *s == '\r' || *s == ' ') {
            space = 1;
            continue;
        }
        if (space)
            sb_putc(out, ' ');
        space = 0;
        sb_putc(out, *s);
    }
}

/* The context of the first place where folded character ch occurs in
 * text: SNIPPET_CONTEXT characters each side, the character in [ ];
 * the start of the text if it does not occur. */
#define SNIPPET_CONTEXT 24
static void char_snippet(strbuf *out, const char *text, uint32_t ch)
{
    size_t len = strlen(text), start = 0, end = 0;
    int found = 0;
    fold_iter it;
    fold_iter_init(&it, text, len);
    fold_char c;
    while (!found && fold_next(&it, &c)) {
        if (c.cp == ch) {
            found = 1;
            start = c.start;
            end = c.end;
        }
    }
    fold_iter_free(&it);
    /* whole UTF-8 characters: step over continuation bytes */
    size_t from = start, to = end;
    for (int n = 0; found && from > 0 && n < SNIPPET_CONTEXT; n++)
        do
            from--;
        while (from > 0 && ((unsigned char)text[from] & 0xC0) == 0x80);
    for (int n = 0; to < len && n < (found ? SNIPPET_CONTEXT : 2 * SNIPPET_CONTEXT); n++)
        do
            to++;
        while (to < len && ((unsigned char)text[to] & 0xC0) == 0x80);
    strbuf raw = {0};
    if (from > 0)
        sb_puts(&raw, "…");
    sb_append(&raw, text + from, start - from);
    if (found) {
        sb_putc(&raw, '[');
        sb_append(&raw, text + start, end - start);
        sb_putc(&raw, ']');
        sb_append(&raw, text + end, to - end);
    } else {
        sb_append(&raw, text + start, to - start);
    }
    if (to < len)
        sb_puts(&raw, "…");
    put_one_line(out, raw.s);
    sb_free(&raw);
}

int search_snippets(sqlite3 *db, const search_query *q, size_t limit, strbuf *out, nfs_err *err)
{
    search_results *r;
    if (search_execute(db, q, &r, err) != 0)
        return -1;
    const char *sql =
        r->fts ? "SELECT s.issue, a.name, snippet(fts, -1, '[', ']', '…', 32)"
                 " FROM fts JOIN articles a ON a.id = fts.rowid JOIN sources s ON s.id = a.source_id"
                 " WHERE fts MATCH ?1 AND fts.rowid = ?2"
        : q->rank_char /* a one-character term: its first place, see char_snippet */
            ? "SELECT s.issue, a.name, t.text"
              " FROM articles a JOIN sources s ON s.id = a.source_id"
              " JOIN article_texts t ON t.id = a.id WHERE a.id = ?2"
            : "SELECT s.issue, a.name, substr(t.text, 1, 60) ||"
              " CASE WHEN length(t.text) > 60 THEN '…' ELSE '' END"
              " FROM articles a JOIN sources s ON s.id = a.source_id"
              " JOIN article_texts t ON t.id = a.id WHERE a.id = ?2";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_error(db, err, "cannot prepare snippets");
        search_results_free(r);
        return -1;
    }
    if (r->fts)
        sqlite3_bind_text(st, 1, r->fts, -1, SQLITE_STATIC);
    int rc = 0;
    for (uint64_t pos = 0; limit == 0 || pos < limit; pos++) {
        int64_t id;
        int g = search_results_get(r, pos, &id);
        if (g == 0)
            break;
        if (g < 0) {
            rc = db_error(db, err, "cannot read the results");
            break;
        }
        sqlite3_bind_int64(st, 2, id);
        int s = sqlite3_step(st);
        if (s == SQLITE_ROW) {
            sb_printf(out, "%llu\t%s/%s\t", (unsigned long long)pos + 1,
                      (const char *)sqlite3_column_text(st, 0),
                      (const char *)sqlite3_column_text(st, 1));
            const char *text = (const char *)sqlite3_column_text(st, 2);
            if (!r->fts && q->rank_char)
                char_snippet(out, text ? text : "", q->rank_char);
            else
                put_one_line(out, text);
            sb_putc(out, '\n');
        } else if (s != SQLITE_DONE) { /* SQLITE_DONE: removed meanwhile */
            rc = db_error(db, err, "cannot make a snippet");
            break;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    search_results_free(r);
    return rc;
}
