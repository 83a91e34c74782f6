/* gazetteer_match.c - finding the gazetteer's names in a text: every
 * official, short and former division name, the township names and the
 * lexicon's blocking words, looked up by their first two characters.
 *
 * The matcher is built on the first gaz_locate (about 45,000 names, a few
 * milliseconds) so that gaz_open stays cheap; afterwards it is read-only and
 * shared by all threads. Scanning reads the text left to right, a chunk at
 * a time: first the characters where a name may start (two bit tables on
 * the character and on it with the next one), then, at each of those, the
 * names starting with the two characters, longest first. A name is
 * skipped when a stronger name or a blocking word starts inside it and
 * runs past its end (安徽 in 振兴安徽 beats 兴安, 乡村 in 创新乡村 hides
 * 新乡). */
#include "gazetteer_internal.h"

#include <stdlib.h>
#include <string.h>

/* Priority of a name when two overlap. */
enum { PRIO_TOWN = 1, PRIO_PREFECTURE_SHORT = 2, PRIO_FULL = 3, PRIO_PROVINCE = 4, PRIO_BLOCK = 5 };

typedef struct {
    uint64_t key; /* first two code points, see key_of */
    const char *s;
    uint32_t len;
    uint32_t entry_lo;
    uint16_t n_entries;
    uint8_t n_chars;
    uint8_t prio;
    uint8_t block;
} pattern;

#define PAIR_BITS_LOG2 19

typedef struct {
    uint64_t key; /* first two code points; 0 = empty slot */
    uint32_t lo, n;
} bucket;

struct gaz_matcher {
    pattern *patterns; /* sorted by key, then longest first */
    size_t n_patterns;
    gaz_entry *entries;
    size_t n_entries;
    bucket *buckets;
    size_t mask;
    uint8_t first[65536 / 8]; /* BMP code points that start some name */
    /* A one-hash Bloom filter of the keys (top PAIR_BITS_LOG2 bits of
     * hash_key): most character pairs of a text start no name, and this
     * 64 KB table answers that without touching the buckets (megabytes,
     * a cache miss per probe). Measured with perf on 2,000 issues: the
     * scan went from 7.2% to 3.7% of indexing time. */
    uint64_t pairs[(1u << PAIR_BITS_LOG2) / 64];
};

/* One (name, entry) pair while building. */
typedef struct {
    const char *s;
    uint32_t len;
    gaz_entry e;
} item;

static int cmp_item(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    if (x->e.kind != y->e.kind)
        return x->e.kind < y->e.kind ? -1 : 1;
    return x->e.node < y->e.node ? -1 : x->e.node > y->e.node;
}

static uint64_t key_of(const char *s, size_t len)
{
    uint32_t a, b;
    size_t k = utf8_decode(s, len, &a);
    if (k == 0 || utf8_decode(s + k, len - k, &b) == 0)
        return 0;
    return ((uint64_t)a << 32) | b | (1ull << 63);
}

static inline uint64_t hash_key(uint64_t k)
{
    k ^= k >> 29;
    k *= 0xbf58476d1ce4e5b9ull;
    k ^= k >> 32;
    return k;
}

static int cmp_pattern(const void *a, const void *b)
{
    const pattern *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->len != y->len)
        return x->len > y->len ? -1 : 1;
    return memcmp(x->s, y->s, x->len);
}

static void add_item(item **items, size_t *n, size_t *cap, const char *s, size_t len, uint32_t node,
                     uint8_t kind)
{
    if (len < 4) /* a name has at least two characters */
        return;
    item it = {s, (uint32_t)len, {node, kind, 0}};
    NFS_VEC_PUSH(*items, *n, *cap, it);
}

static struct gaz_matcher *build(const gazetteer *g)
{
    item *items = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < g->n_names; i++) {
        const gaz_name_ref *r = &g->names[i];
        add_item(&items, &n, &cap, r->s, r->len, r->node, r->kind);
    }
    for (size_t i = 0; i < g->n_block; i++)
        add_item(&items, &n, &cap, g->block[i].s, g->block[i].len, 0, GAZ_BLOCK);
    /* townships: "code<TAB>name name ...", one line per division */
    const char *p = g->streets, *end = g->streets + g->streets_len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *tab = memchr(p, '\t', (size_t)(le - p));
        if (tab) {
            uint32_t code = (uint32_t)strtoul(p, NULL, 10);
            int node = gaz_node_index(g, code);
            for (const char *q = tab + 1; node >= 0 && q < le;) {
                const char *sp = memchr(q, ' ', (size_t)(le - q));
                const char *we = sp ? sp : le;
                add_item(&items, &n, &cap, q, (size_t)(we - q), (uint32_t)node, GAZ_STREET);
                q = we + 1;
            }
        }
        p = le + 1;
    }
    for (size_t i = 0; i < n; i++)
        items[i].e.common = (uint8_t)gaz_is_common_word(g, items[i].s, items[i].len);
    qsort(items, n, sizeof *items, cmp_item);

    struct gaz_matcher *m = nfs_xcalloc(1, sizeof *m);
    m->entries = nfs_xcalloc(n + 1, sizeof *m->entries);
    m->patterns = nfs_xcalloc(n + 1, sizeof *m->patterns);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        pattern *pt = &m->patterns[m->n_patterns++];
        pt->s = items[i].s;
        pt->len = items[i].len;
        pt->key = key_of(pt->s, pt->len);
        pt->entry_lo = (uint32_t)m->n_entries;
        size_t chars = utf8_count(pt->s, pt->len);
        pt->n_chars = (uint8_t)(chars < 255 ? chars : 255);
        for (; j < n && items[j].len == items[i].len &&
               memcmp(items[j].s, items[i].s, items[i].len) == 0;
             j++) {
            const gaz_entry *e = &items[j].e;
            if (j > i && e->kind == items[j - 1].e.kind && e->node == items[j - 1].e.node)
                continue; /* the same name twice for the same division */
            uint8_t prio = PRIO_TOWN;
            if (e->kind == GAZ_BLOCK) {
                pt->block = 1;
                prio = PRIO_BLOCK;
            } else if (e->kind == GAZ_STREET) {
                prio = PRIO_TOWN;
            } else if (g->nodes[e->node].level == 1) {
                prio = PRIO_PROVINCE;
            } else if (e->kind != GAZ_SHORT && pt->n_chars >= 3) {
                prio = PRIO_FULL;
            } else if (e->kind == GAZ_SHORT && g->nodes[e->node].level == 2) {
                prio = PRIO_PREFECTURE_SHORT;
            }
            if (prio > pt->prio)
                pt->prio = prio;
            m->entries[m->n_entries++] = *e;
        }
        pt->n_entries = (uint16_t)(m->n_entries - pt->entry_lo);
        i = j;
    }
    free(items);
    qsort(m->patterns, m->n_patterns, sizeof *m->patterns, cmp_pattern);

    size_t slots = 1024;
    while (slots < m->n_patterns * 2)
        slots <<= 1;
    m->buckets = nfs_xcalloc(slots, sizeof *m->buckets);
    m->mask = slots - 1;
    for (size_t i = 0; i < m->n_patterns;) {
        uint64_t k = m->patterns[i].key;
        size_t j = i + 1;
        while (j < m->n_patterns && m->patterns[j].key == k)
            j++;
        uint64_t hk = hash_key(k);
        uint64_t bit = hk >> (64 - PAIR_BITS_LOG2);
        m->pairs[bit >> 6] |= 1ull << (bit & 63);
        size_t h = hk & m->mask;
        while (m->buckets[h].key)
            h = (h + 1) & m->mask;
        m->buckets[h] = (bucket){k, (uint32_t)i, (uint32_t)(j - i)};
        uint32_t first = (uint32_t)((k >> 32) & 0x7fffffff);
        if (first < 65536)
            m->first[first >> 3] |= (uint8_t)(1u << (first & 7));
        i = j;
    }
    return m;
}

const struct gaz_matcher *gaz_matcher_get(const gazetteer *g)
{
    struct gaz_matcher *m = atomic_load_explicit(&g->matcher, memory_order_acquire);
    if (m)
        return m;
    /* The matcher is a cache of the immutable table: building it does not
     * change what the gazetteer answers, so a const gazetteer may do it. */
    gazetteer *mg = (gazetteer *)g;
    pthread_mutex_lock(&mg->matcher_lock);
    m = atomic_load_explicit(&mg->matcher, memory_order_relaxed);
    if (!m) {
        m = build(g);
        atomic_store_explicit(&mg->matcher, m, memory_order_release);
    }
    pthread_mutex_unlock(&mg->matcher_lock);
    return m;
}

void gaz_matcher_free(struct gaz_matcher *m)
{
    if (!m)
        return;
    free(m->patterns);
    free(m->entries);
    free(m->buckets);
    free(m);
}

const gaz_entry *gaz_matcher_entries(const struct gaz_matcher *m)
{
    return m->entries;
}

/* The bucket of key k (hashed hk), or NULL. */
static inline const bucket *bucket_of(const struct gaz_matcher *m, uint64_t k, uint64_t hk)
{
    for (size_t h = hk & m->mask;; h = (h + 1) & m->mask) {
        const bucket *b = &m->buckets[h];
        if (b->key == k)
            return b;
        if (!b->key)
            return NULL;
    }
}

/* The patterns whose first two characters are those at s (longest first). */
static inline const bucket *lookup(const struct gaz_matcher *m, const char *s, size_t len,
                                   size_t first_len, uint32_t first)
{
    uint32_t second;
    if (utf8_decode(s + first_len, len - first_len, &second) == 0)
        return NULL;
    uint64_t k = ((uint64_t)first << 32) | second | (1ull << 63);
    uint64_t hk = hash_key(k), bit = hk >> (64 - PAIR_BITS_LOG2);
    if (!((m->pairs[bit >> 6] >> (bit & 63)) & 1))
        return NULL;
    return bucket_of(m, k, hk);
}

static inline int starts_name(const struct gaz_matcher *m, uint32_t cp)
{
    return cp >= 65536 || (m->first[cp >> 3] >> (cp & 7)) & 1;
}

/* Does a name of higher priority than prio start inside s[1..end) and run
 * past end? */
static int overrun(const struct gaz_matcher *m, const char *s, size_t len, size_t end, int prio)
{
    size_t i = 0;
    uint32_t cp;
    i += utf8_decode(s, len, &cp);
    while (i < end) {
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (k == 0)
            break;
        if (starts_name(m, cp)) {
            const bucket *b = lookup(m, s + i, len - i, k, cp);
            for (uint32_t j = 0; b && j < b->n; j++) {
                const pattern *p = &m->patterns[b->lo + j];
                if (i + p->len <= end)
                    break; /* the rest are shorter still */
                if (p->prio > prio && i + p->len <= len && memcmp(s + i, p->s, p->len) == 0)
                    return 1;
            }
        }
        i += k;
    }
    return 0;
}

/* A place where a name may start: its first two characters pass the
 * first-character table and the pair filter. */
typedef struct {
    uint32_t pos;
    uint64_t key, hash;
} candidate;

#define CANDIDATES 128

/* The candidates from *pos on, at most CANDIDATES; *pos moves past them.
 * Nothing branches on the two tables, so the loads of one character
 * overlap those of the next (when the scan branched on them, perf put
 * 24% of its samples on the pair filter test and 21% on the bucket probe
 * that followed it). */
static size_t gather(const struct gaz_matcher *m, const char *s, size_t len, size_t *pos,
                     candidate *out)
{
    size_t i = *pos, n = 0;
    while (i < len && n < CANDIDATES) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0xE0) { /* ASCII, a continuation byte or a two-byte character */
            i++;
            continue;
        }
        uint32_t first, second;
        size_t k = utf8_decode(s + i, len - i, &first);
        if (utf8_decode(s + i + k, len - i - k, &second) != 0) {
            uint64_t key = ((uint64_t)first << 32) | second | (1ull << 63);
            uint64_t hk = hash_key(key), bit = hk >> (64 - PAIR_BITS_LOG2);
            out[n] = (candidate){(uint32_t)i, key, hk};
            n += (size_t)(starts_name(m, first) & (int)((m->pairs[bit >> 6] >> (bit & 63)) & 1));
        }
        i += k;
    }
    *pos = i;
    return n;
}

void gaz_matcher_scan(const struct gaz_matcher *m, const char *s, size_t len, gaz_match **out,
                      size_t *n, size_t *cap)
{
    candidate cand[CANDIDATES];
    size_t next = 0; /* names start here or later (past the last name found) */
    size_t pos = 0;
    while (pos < len) {
        size_t n_cand = gather(m, s, len, &pos, cand);
        for (size_t c = 0; c < n_cand; c++) {
            size_t i = cand[c].pos;
            if (i < next)
                continue; /* inside the name found last */
            const bucket *b = bucket_of(m, cand[c].key, cand[c].hash);
            const pattern *hit = NULL;
            int clipped = 0;
            for (uint32_t j = 0; b && j < b->n; j++) {
                const pattern *p = &m->patterns[b->lo + j];
                if (p->len > len - i || memcmp(s + i, p->s, p->len) != 0)
                    continue;
                if (p->block || !overrun(m, s + i, len - i, p->len, p->prio)) {
                    hit = p;
                    break;
                }
                clipped = 1;
            }
            if (!hit)
                continue;
            if (!hit->block) {
                gaz_match mt = {(uint32_t)i,  (uint32_t)(i + hit->len), hit->entry_lo,
                                hit->n_entries, hit->n_chars, (uint8_t)clipped};
                NFS_VEC_PUSH(*out, *n, *cap, mt);
            }
            next = i + hit->len;
        }
    }
}
