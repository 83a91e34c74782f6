/* tree_search.c - the search/ directory of the tree: any name under it is a
 * query (nested names refine it), listing it lists the matching articles
 * best first with a rank prefix, mkdir/rmdir save and forget queries.
 *
 * Each distinct query path becomes a search node with its own inode serial,
 * kept while the kernel holds a reference to it (lookup/forget counting).
 * A malformed query is still a directory: it lists a single file,
 * QUERY-ERROR.txt, saying what is wrong (the daemon log says it too), so
 * `ls` never fails with a puzzling error and the mount keeps working.
 * Every valid search directory also holds an unlisted file .results.txt
 * with the best matches in context (the match in [ ]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "index.h"
#include "log.h"
#include "names.h"
#include "tree_internal.h"

/* How many results .results.txt shows. */
#define RESULTS_FILE_LIMIT 200

/* Search nodes live as long as the kernel keeps their dentries, which is
 * until memory pressure: without a bound, the results they keep (up to
 * 2 MB of ids each) added up with every distinct query listed (measured
 * on 1,300,000 articles: 50 one-character queries, +77 MB). Past this
 * budget the results of the least recently listed nodes are dropped; a
 * node listed again searches again. NEWSFS_SEARCH_CACHE_BYTES (tests)
 * sets another bound. */
#define SEARCH_RESULTS_BUDGET ((size_t)8 << 20)

/* ---- the node table (callers hold tree->lock) ---- */

static size_t hash_serial(uint64_t s, size_t n)
{
    return (size_t)((s * UINT64_C(0x9E3779B97F4A7C15)) >> 17) % n;
}

static size_t hash_name(uint64_t parent, const char *name, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325) ^ parent;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        h ^= *p;
        h *= UINT64_C(0x100000001b3);
    }
    return (size_t)(h % n);
}

void search_nodes_init(search_nodes *s)
{
    memset(s, 0, sizeof *s);
    s->n_buckets = 64;
    s->by_serial = nfs_xcalloc(s->n_buckets, sizeof *s->by_serial);
    s->by_name = nfs_xcalloc(s->n_buckets, sizeof *s->by_name);
    s->next_serial = 1;
}

static void node_free(search_nodes *s, search_node *n)
{
    s->results_bytes -= n->results_bytes;
    search_results_free(n->results);
    free(n->info);
    pthread_mutex_destroy(&n->list_lock);
    free(n->name);
    for (size_t i = 0; i < n->n_parts; i++)
        free(n->parts[i]);
    free(n->parts);
    search_query_free(n->query);
    free(n->error);
    free(n);
}

void search_nodes_free(search_nodes *s)
{
    for (size_t b = 0; b < s->n_buckets; b++) {
        search_node *n = s->by_serial ? s->by_serial[b] : NULL;
        while (n) {
            search_node *next = n->by_serial_next;
            node_free(s, n);
            n = next;
        }
    }
    free(s->by_serial);
    free(s->by_name);
    memset(s, 0, sizeof *s);
}

static search_node *find_serial(search_nodes *s, uint64_t serial)
{
    for (search_node *n = s->by_serial[hash_serial(serial, s->n_buckets)]; n;
         n = n->by_serial_next)
        if (n->serial == serial)
            return n;
    return NULL;
}

static search_node *find_name(search_nodes *s, uint64_t parent, const char *name)
{
    for (search_node *n = s->by_name[hash_name(parent, name, s->n_buckets)]; n;
         n = n->by_name_next)
        if (n->parent == parent && strcmp(n->name, name) == 0)
            return n;
    return NULL;
}

static void link_node(search_nodes *s, search_node *n)
{
    size_t a = hash_serial(n->serial, s->n_buckets), b = hash_name(n->parent, n->name, s->n_buckets);
    n->by_serial_next = s->by_serial[a];
    s->by_serial[a] = n;
    n->by_name_next = s->by_name[b];
    s->by_name[b] = n;
}

static void grow(search_nodes *s)
{
    size_t old = s->n_buckets;
    search_node **olds = s->by_serial;
    s->n_buckets = old * 4;
    s->by_serial = nfs_xcalloc(s->n_buckets, sizeof *s->by_serial);
    free(s->by_name);
    s->by_name = nfs_xcalloc(s->n_buckets, sizeof *s->by_name);
    for (size_t b = 0; b < old; b++) {
        search_node *n = olds[b];
        while (n) {
            search_node *next = n->by_serial_next;
            link_node(s, n);
            n = next;
        }
    }
    free(olds);
}

static void unlink_node(search_nodes *s, search_node *n)
{
    search_node **pp = &s->by_serial[hash_serial(n->serial, s->n_buckets)];
    while (*pp && *pp != n)
        pp = &(*pp)->by_serial_next;
    if (*pp)
        *pp = n->by_serial_next;
    pp = &s->by_name[hash_name(n->parent, n->name, s->n_buckets)];
    while (*pp && *pp != n)
        pp = &(*pp)->by_name_next;
    if (*pp)
        *pp = n->by_name_next;
    s->n_nodes--;
}

/* The node for name under parent (0 = search/), created when new.
 * Returns NULL when the parent is gone. */
static search_node *node_get(tree *t, uint64_t parent, const char *name)
{
    search_nodes *s = &t->searches;
    search_node *n = find_name(s, parent, name);
    if (n)
        return n;
    search_node *p = parent ? find_serial(s, parent) : NULL;
    if (parent && !p)
        return NULL;
    n = nfs_xcalloc(1, sizeof *n);
    pthread_mutex_init(&n->list_lock, NULL);
    n->serial = s->next_serial++;
    n->parent = parent;
    n->name = nfs_xstrdup(name);
    n->n_parts = (p ? p->n_parts : 0) + 1;
    n->parts = nfs_xcalloc(n->n_parts, sizeof *n->parts);
    for (size_t i = 0; p && i < p->n_parts; i++)
        n->parts[i] = nfs_xstrdup(p->parts[i]);
    n->parts[n->n_parts - 1] = nfs_xstrdup(name);
    nfs_err err;
    if (search_parse(&t->env, (const char *const *)n->parts, n->n_parts, &n->query, &err) != 0) {
        n->query = NULL;
        n->error = nfs_xstrdup(err.msg); /* logged when listed: lookups come per keystroke */
    }
    if (s->n_nodes + 1 > 2 * s->n_buckets)
        grow(s);
    link_node(s, n);
    s->n_nodes++;
    return n;
}

void tree_forget(tree *t, nfs_ino ino, uint64_t count)
{
    if (tree_ino_tag(ino) != TAG_SEARCH)
        return;
    pthread_mutex_lock(&t->lock);
    search_node *n = find_serial(&t->searches, tree_ino_id(ino));
    if (n) {
        n->nlookup = n->nlookup > count ? n->nlookup - count : 0;
        if (n->nlookup == 0) {
            unlink_node(&t->searches, n);
            node_free(&t->searches, n);
        }
    }
    pthread_mutex_unlock(&t->lock);
}

void tree_note_lookup(tree *t, nfs_ino ino)
{
    if (tree_ino_tag(ino) != TAG_SEARCH)
        return;
    pthread_mutex_lock(&t->lock);
    search_node *n = find_serial(&t->searches, tree_ino_id(ino));
    if (n)
        n->nlookup++;
    pthread_mutex_unlock(&t->lock);
}

/* ---- attributes ---- */

static void search_dir_attr(tree_conn *c, uint64_t serial, tree_attr *a)
{
    memset(a, 0, sizeof *a);
    a->ino = tree_ino_make(TAG_SEARCH, serial);
    a->mode = S_IFDIR | 0555;
    a->nlink = 2;
    a->mtime = tree_index_time(c);
}

int tree_search_getattr(tree_conn *c, nfs_ino ino, tree_attr *a)
{
    pthread_mutex_lock(&c->t->lock);
    int found = find_serial(&c->t->searches, tree_ino_id(ino)) != NULL;
    pthread_mutex_unlock(&c->t->lock);
    if (!found)
        return -ENOENT;
    search_dir_attr(c, tree_ino_id(ino), a);
    return 0;
}

/* Build the text of the info file of node n: the error of a malformed
 * query, or the best results in context. */
static void build_info(tree_conn *c, search_node *n, strbuf *out)
{
    strbuf query = {0};
    for (size_t i = 0; i < n->n_parts; i++)
        sb_printf(&query, "%s%s", i ? " / " : "", n->parts[i]);
    if (n->error) {
        sb_printf(out,
                  "newsfs: this search directory is not a valid query.\n\n"
                  "query:  %s\nreason: %s\n\n"
                  "Syntax: words separated by spaces must all match; OR between words;\n"
                  "-word excludes; \"exact phrase\"; title:word, region:place, topic:name,\n"
                  "date:2020, date:2020-11, date:2020-01..2020-06.  See README.txt at the\n"
                  "top of the mount.\n",
                  query.s, n->error);
    } else {
        nfs_err err;
        sb_printf(out, "query: %s\nbest matches, the match in [ ] (rank, file, context):\n\n",
                  query.s);
        if (search_snippets(c->db, n->query, RESULTS_FILE_LIMIT, out, &err) != 0)
            sb_printf(out, "(could not show results: %s)\n", err.msg);
    }
    sb_free(&query);
}

/* The node of a search directory or info inode; NULL when forgotten. The
 * node lives while the kernel holds the inode, which it does while it
 * looks it up, lists it or reads it. */
static search_node *node_of(tree *t, nfs_ino ino)
{
    pthread_mutex_lock(&t->lock);
    search_node *n = find_serial(&t->searches, tree_ino_id(ino));
    pthread_mutex_unlock(&t->lock);
    return n;
}

int tree_search_info_copy(tree_conn *c, nfs_ino ino, char **text, size_t *len)
{
    search_node *n = node_of(c->t, ino);
    if (!n)
        return -ENOENT;
    pthread_mutex_lock(&n->list_lock);
    int64_t gen = tree_generation(c->t);
    if (!n->info || n->info_gen != gen) {
        strbuf sb = {0};
        build_info(c, n, &sb);
        free(n->info);
        n->info_len = sb.len;
        n->info = sb_steal(&sb);
        n->info_gen = gen;
    }
    *text = nfs_xstrndup(n->info, n->info_len);
    *len = n->info_len;
    pthread_mutex_unlock(&n->list_lock);
    return 0;
}

int tree_search_info_getattr(tree_conn *c, nfs_ino ino, tree_attr *a)
{
    char *text;
    size_t len;
    int rc = tree_search_info_copy(c, ino, &text, &len);
    if (rc == 0) {
        free(text);
        memset(a, 0, sizeof *a);
        a->ino = ino;
        a->mode = S_IFREG | 0444;
        a->nlink = 1;
        a->size = len;
        a->mtime = tree_index_time(c);
    }
    return rc;
}

void tree_search_inodes(tree *t, void (*fn)(void *ctx, nfs_ino ino), void *ctx)
{
    nfs_ino *inos = NULL;
    size_t n = 0, cap = 0;
    pthread_mutex_lock(&t->lock);
    for (size_t b = 0; b < t->searches.n_buckets; b++)
        for (search_node *s = t->searches.by_serial[b]; s; s = s->by_serial_next) {
            NFS_VEC_PUSH(inos, n, cap, tree_ino_make(TAG_SEARCH, s->serial));
            NFS_VEC_PUSH(inos, n, cap, tree_ino_make(TAG_SEARCH_INFO, s->serial));
        }
    pthread_mutex_unlock(&t->lock);
    for (size_t i = 0; i < n; i++) /* outside the lock: fn may call into the kernel */
        fn(ctx, inos[i]);
    free(inos);
}

/* ---- lookup ---- */

/* "0042 2020-11-23 title.txt" -> "2020-11-23 title.txt", or NULL. */
static const char *strip_rank(const char *name)
{
    const char *p = name;
    while (*p >= '0' && *p <= '9')
        p++;
    if (p == name || *p != ' ' || p - name > 12)
        return NULL;
    return p + 1;
}

int tree_search_lookup(tree_conn *c, nfs_ino parent, const char *name, tree_attr *a)
{
    tree *t = c->t;
    uint64_t parent_serial = parent == INO_SEARCH ? 0 : tree_ino_id(parent);
    if (parent_serial) {
        pthread_mutex_lock(&t->lock);
        search_node *p = find_serial(&t->searches, parent_serial);
        search_query *q = p ? p->query : NULL;
        int malformed = p && !p->query;
        pthread_mutex_unlock(&t->lock);
        if (!p)
            return -ENOENT;
        if (!strcmp(name, "..")) {
            if (p->parent == 0)
                return tree_getattr(c, INO_SEARCH, a);
            search_dir_attr(c, p->parent, a);
            return 0;
        }
        if ((malformed && !strcmp(name, SEARCH_ERROR_NAME)) ||
            (!malformed && !strcmp(name, SEARCH_RESULTS_NAME)))
            return tree_search_info_getattr(c, tree_ino_make(TAG_SEARCH_INFO, parent_serial), a);
        if (malformed)
            return -ENOENT;
        const char *vname = strip_rank(name);
        if (vname && tree_article_by_vname(c, vname, a, NULL) == 0) {
            int m = search_matches(c->db, q, (int64_t)tree_ino_id(a->ino));
            if (m == 1)
                return 0;
            if (m < 0)
                return -EIO;
        }
    }
    if (tree_is_probe_name(name))
        return -ENOENT;
    pthread_mutex_lock(&t->lock);
    search_node *n = node_get(t, parent_serial, name);
    uint64_t serial = 0;
    if (n) {
        n->nlookup++;
        serial = n->serial;
    }
    pthread_mutex_unlock(&t->lock);
    if (!serial)
        return -ENOENT;
    search_dir_attr(c, serial, a);
    return 0;
}

/* ---- listings ---- */

/* Rank prefix width: wide enough for the largest rank, at least 4 digits. */
static int rank_width(uint64_t count)
{
    int w = 1;
    for (uint64_t v = count; v >= 10; v /= 10)
        w++;
    return w < 4 ? 4 : w;
}

/* rank as width zero-padded digits (printf showed in profiles of listings) */
static void put_rank(strbuf *sb, uint64_t rank, int width)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + rank % 10);
        rank /= 10;
    } while (rank);
    for (int i = n; i < width; i++)
        sb_putc(sb, '0');
    while (n)
        sb_putc(sb, digits[--n]);
}

/* Attributes and view names of ids[0..n) (n <= VIEW_BATCH) into rows, in
 * the order of ids, from the listing cache or else the index; rows of
 * articles gone since the search ran get id 0. */
static int fetch_views(tree_conn *c, const int64_t *ids, size_t n, listing_row *rows)
{
    int64_t gen = tree_generation(c->t);
    for (size_t i = 0; i < n; i++)
        rows[i].id = 0;
    if (listing_cache_get(c->t->rows, gen, ids, n, rows) == n)
        return 0;
    sqlite3_stmt *st = tree_stmt(c, Q_ARTICLES_VIEW_BATCH);
    sqlite3_clear_bindings(st);
    int misses = 0;
    for (size_t i = 0; i < n; i++)
        if (!rows[i].id)
            sqlite3_bind_int64(st, ++misses, ids[i]);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        for (size_t i = 0; i < n; i++)
            if (ids[i] == id && rows[i].id == 0) {
                listing_row *r = &rows[i];
                r->id = id;
                const char *vname = (const char *)sqlite3_column_text(st, 1);
                snprintf(r->vname, sizeof r->vname, "%s", vname ? vname : "");
                r->size = sqlite3_column_int64(st, 2);
                r->mtime = sqlite3_column_int64(st, 3);
                r->ntopics = sqlite3_column_int(st, 4);
                listing_cache_put(c->t->rows, gen, r, 1);
                break;
            }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -EIO;
}

static size_t results_budget(void)
{
    const char *knob = getenv("NEWSFS_SEARCH_CACHE_BYTES");
    return knob && atol(knob) > 0 ? (size_t)atol(knob) : SEARCH_RESULTS_BUDGET;
}

static int by_last_listed(const void *a, const void *b)
{
    const search_node *x = *(search_node *const *)a, *y = *(search_node *const *)b;
    return x->last_listed < y->last_listed ? -1 : x->last_listed > y->last_listed;
}

/* Count what n's results hold now (n->list_lock held) and, past the
 * budget, drop the results of the least recently listed other nodes
 * that no thread is listing. */
static void account_results(tree *t, search_node *n)
{
    size_t bytes = search_results_bytes(n->results), budget = results_budget();
    pthread_mutex_lock(&t->lock);
    search_nodes *s = &t->searches;
    s->results_bytes = s->results_bytes - n->results_bytes + bytes;
    n->results_bytes = bytes;
    n->last_listed = ++s->clock;
    if (s->results_bytes > budget) {
        search_node **holders = nfs_xmalloc((s->n_nodes + 1) * sizeof *holders);
        size_t n_holders = 0;
        for (size_t b = 0; b < s->n_buckets; b++)
            for (search_node *v = s->by_serial[b]; v; v = v->by_serial_next)
                if (v != n && v->results)
                    holders[n_holders++] = v;
        qsort(holders, n_holders, sizeof *holders, by_last_listed);
        for (size_t i = 0; i < n_holders && s->results_bytes > budget; i++) {
            search_node *v = holders[i];
            if (pthread_mutex_trylock(&v->list_lock) != 0)
                continue; /* being listed: its results are in use */
            search_results_free(v->results);
            v->results = NULL;
            s->results_bytes -= v->results_bytes;
            v->results_bytes = 0;
            pthread_mutex_unlock(&v->list_lock);
        }
        free(holders);
    }
    pthread_mutex_unlock(&t->lock);
}

/* List the results of node n from position pos; n->list_lock held. */
static int list_results(tree_conn *c, search_node *n, uint64_t pos, tree_fill_fn fill, void *ctx)
{
    int64_t gen = tree_generation(c->t);
    if (!n->results || n->results_gen != gen) {
        search_results_free(n->results);
        n->results = NULL;
        nfs_err err;
        if (!c->helper && !c->helper_failed &&
            index_open_db(c->t->db_path, 1, &c->helper, &err) != 0) {
            nfs_log("searching on one core: %s", err.msg);
            c->helper_failed = 1;
        }
        if (search_execute_split(c->db, c->helper, n->query, &n->results, &err) != 0) {
            nfs_log("search failed: %s", err.msg);
            return -EIO;
        }
        n->results_gen = gen;
    }
    search_results_use_db(n->results, c->db); /* this thread's connection */
    int width = rank_width(search_results_count(n->results));
    strbuf name = {0};
    int rc = 0, full = 0;
    while (!full && rc == 0) {
        int64_t ids[VIEW_BATCH];
        size_t k = 0;
        for (; k < VIEW_BATCH; k++) {
            int r = search_results_get(n->results, pos + k, &ids[k]);
            if (r < 0)
                rc = -EIO;
            if (r != 1)
                break;
        }
        if (k == 0)
            break;
        listing_row rows[VIEW_BATCH];
        if (rc == 0)
            rc = fetch_views(c, ids, k, rows);
        for (size_t i = 0; rc == 0 && i < k; i++) {
            if (!full && rows[i].id) {
                sb_clear(&name);
                put_rank(&name, pos + i + 1, width);
                sb_putc(&name, ' ');
                sb_puts(&name, rows[i].vname);
                tree_attr a;
                tree_article_attr(tree_ino_make(TAG_ARTICLE, (uint64_t)rows[i].id), rows[i].size,
                                  rows[i].mtime, rows[i].ntopics, &a);
                full = fill(ctx, name.s, &a, KEY_BASE + pos + i + 1);
            }
        }
        pos += k;
        if (k < VIEW_BATCH)
            break;
    }
    sb_free(&name);
    return rc;
}

int tree_search_readdir(tree_conn *c, nfs_ino ino, uint64_t off, tree_fill_fn fill, void *ctx)
{
    tree *t = c->t;
    uint64_t serial = tree_ino_id(ino);
    search_node *n = node_of(t, ino);
    if (!n)
        return -ENOENT;
    tree_attr a;
    if (off < 1) {
        search_dir_attr(c, serial, &a);
        if (fill(ctx, ".", &a, 1))
            return 0;
        off = 1;
    }
    if (off < 2) {
        if (n->parent)
            search_dir_attr(c, n->parent, &a);
        else
            tree_getattr(c, INO_SEARCH, &a);
        if (fill(ctx, "..", &a, 2))
            return 0;
        off = 2;
    }
    if (!n->query) {
        if (off < 3) {
            strbuf path = {0};
            for (size_t i = 0; i < n->n_parts; i++)
                sb_printf(&path, "/%s", n->parts[i]);
            nfs_log("search%s: malformed query: %s", path.s, n->error);
            sb_free(&path);
            if (tree_search_info_getattr(c, tree_ino_make(TAG_SEARCH_INFO, serial), &a) == 0)
                fill(ctx, SEARCH_ERROR_NAME, &a, 3);
        }
        return 0;
    }
    pthread_mutex_lock(&n->list_lock);
    int rc = list_results(c, n, off >= KEY_BASE ? off - KEY_BASE : 0, fill, ctx);
    account_results(c->t, n);
    pthread_mutex_unlock(&n->list_lock);
    return rc;
}

int tree_search_readdir_saved(tree_conn *c, uint64_t off, tree_fill_fn fill, void *ctx)
{
    int64_t after = off >= KEY_BASE ? (int64_t)(off - KEY_BASE) : 0;
    sqlite3_stmt *st = tree_stmt(c, Q_SAVED_LIST);
    sqlite3_bind_int64(st, 1, after);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        const char *name = (const char *)sqlite3_column_text(st, 1);
        pthread_mutex_lock(&c->t->lock);
        search_node *n = node_get(c->t, 0, name);
        uint64_t serial = n ? n->serial : 0;
        pthread_mutex_unlock(&c->t->lock);
        if (!serial)
            continue;
        tree_attr a;
        search_dir_attr(c, serial, &a);
        if (fill(ctx, name, &a, KEY_BASE + (uint64_t)id))
            break;
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -EIO;
}

/* ---- saved queries ---- */

static int saved_query_write(tree_conn *c, const char *sql, const char *name, int *changes)
{
    sqlite3 *db;
    nfs_err err;
    if (index_open_db(c->t->db_path, 0, &db, &err) != 0) {
        nfs_log("cannot save the query: %s", err.msg);
        return -EROFS;
    }
    sqlite3_stmt *st;
    int rc = -EIO;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
        if (sqlite3_step(st) == SQLITE_DONE) {
            rc = 0;
            *changes = sqlite3_changes(db);
        } else {
            nfs_log("saved queries: %s", sqlite3_errmsg(db));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return rc;
}

int tree_mkdir(tree_conn *c, nfs_ino parent, const char *name, tree_attr *a)
{
    if (parent != INO_SEARCH)
        return -EROFS; /* only queries can be created, directly under search/ */
    if (tree_is_probe_name(name) || strlen(name) > NFS_NAME_MAX)
        return -EINVAL;
    search_query *q;
    nfs_err err;
    const char *parts[1] = {name};
    if (search_parse(&c->t->env, parts, 1, &q, &err) != 0) {
        nfs_log("mkdir search/%s: malformed query: %s", name, err.msg);
        return -EINVAL;
    }
    search_query_free(q);
    int changes = 0;
    /* not a bare ON CONFLICT DO NOTHING: that still moves AUTOINCREMENT's
     * sequence, and a refused save would look like a change to the mount
     * (tree_saved_changed) */
    int rc = saved_query_write(c,
                               "INSERT INTO saved_queries(name, created) SELECT ?1, ?2"
                               " WHERE NOT EXISTS (SELECT 1 FROM saved_queries WHERE name = ?1)"
                               " ON CONFLICT(name) DO NOTHING",
                               name, &changes);
    if (rc != 0)
        return rc;
    if (!changes)
        return -EEXIST;
    return tree_search_lookup(c, INO_SEARCH, name, a);
}

int tree_rmdir(tree_conn *c, nfs_ino parent, const char *name)
{
    if (parent != INO_SEARCH)
        return -EROFS;
    if (tree_is_probe_name(name))
        return -ENOENT;
    int changes = 0;
    int rc = saved_query_write(c, "DELETE FROM saved_queries WHERE name = ?1 AND ?2 IS NOT NULL",
                               name, &changes);
    if (rc != 0)
        return rc;
    /* a query that was never saved has nothing to forget: that is not an error */
    return 0;
}
