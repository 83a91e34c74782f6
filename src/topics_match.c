/* topics_match.c - Aho-Corasick automaton over bytes for finding all
 * taxonomy terms in a text in one pass (see topics_match.h).
 *
 * The automaton is a dense transition table indexed by state and byte
 * class: bytes that occur in no pattern share class 0, so the table has
 * one column per distinct pattern byte rather than 256. Transitions whose
 * target ends at least one pattern carry a flag bit, so scanning costs one
 * table load per byte until something matches. When the states fit in 15
 * bits (the default taxonomy has about 4,900), the table is stored with
 * 16-bit entries: half the size, so more of it stays in the CPU cache next
 * to SQLite's working set (measured with perf on 2,000 issues: the scan
 * went from 8% to 5% of indexing time). Long texts are walked as two
 * halves at once (see scan16).
 */
#include "topics_match.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nfs.h"

#define NO_PATTERN UINT32_MAX
#define OUTPUT_FLAG 0x80000000u
#define STATE_MASK 0x7fffffffu
#define OUTPUT_FLAG16 0x8000u
#define STATE_MASK16 0x7fffu

struct term_matcher {
    unsigned short byte_class[256];
    size_t n_classes;
    size_t n_states;
    uint32_t *delta;       /* n_states * n_classes: next state | OUTPUT_FLAG */
    uint16_t *delta16;     /* the same with 16-bit entries (OUTPUT_FLAG16), or NULL */
    uint32_t *first_out;   /* per state: nearest state on the fail chain (itself
                              included) that ends a pattern, 0 if none */
    uint32_t *next_out;    /* per state that ends a pattern: the next such state
                              further down the fail chain, 0 if none */
    uint32_t *own_pattern; /* per state: first pattern ending exactly here */
    uint32_t *same_next;   /* per pattern: next pattern with the same bytes */
    size_t *pattern_len;
    size_t max_len;        /* of the longest pattern: no state is deeper */
};

static unsigned char fold_ascii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

term_matcher *term_matcher_build(const char *const *patterns, const size_t *lens, size_t n)
{
    term_matcher *m = nfs_xcalloc(1, sizeof *m);

    /* Byte classes: one per distinct (case-folded) byte used by a pattern. */
    size_t total = 0;
    m->n_classes = 1;
    for (size_t i = 0; i < n; i++) {
        total += lens[i];
        for (size_t k = 0; k < lens[i]; k++) {
            unsigned char c = fold_ascii((unsigned char)patterns[i][k]);
            if (!m->byte_class[c])
                m->byte_class[c] = (unsigned short)m->n_classes++;
        }
    }
    for (int c = 'A'; c <= 'Z'; c++)
        m->byte_class[c] = m->byte_class[c - 'A' + 'a'];

    /* The trie: row 0 is the root; an entry of 0 means "no edge" until the
     * breadth-first pass below fills in the fail transitions. */
    size_t max_states = total + 1, nc = m->n_classes;
    m->delta = nfs_xcalloc(max_states * nc, sizeof *m->delta);
    m->own_pattern = nfs_xmalloc(max_states * sizeof *m->own_pattern);
    for (size_t s = 0; s < max_states; s++)
        m->own_pattern[s] = NO_PATTERN;
    m->same_next = nfs_xmalloc((n ? n : 1) * sizeof *m->same_next);
    m->pattern_len = nfs_xmalloc((n ? n : 1) * sizeof *m->pattern_len);
    m->n_states = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = 0;
        for (size_t k = 0; k < lens[i]; k++) {
            size_t cell = s * nc + m->byte_class[(unsigned char)patterns[i][k]];
            if (!m->delta[cell])
                m->delta[cell] = (uint32_t)m->n_states++;
            s = m->delta[cell];
        }
        m->pattern_len[i] = lens[i];
        if (lens[i] > m->max_len)
            m->max_len = lens[i];
        m->same_next[i] = m->own_pattern[s];
        m->own_pattern[s] = (uint32_t)i;
    }

    /* Breadth-first: fail links, output chains and the full transition table. */
    size_t ns = m->n_states;
    uint32_t *fail = nfs_xcalloc(ns, sizeof *fail);
    uint32_t *queue = nfs_xmalloc(ns * sizeof *queue);
    m->first_out = nfs_xcalloc(ns, sizeof *m->first_out);
    m->next_out = nfs_xcalloc(ns, sizeof *m->next_out);
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t u = queue[head++];
        uint32_t *row = m->delta + (size_t)u * nc;
        const uint32_t *fail_row = m->delta + (size_t)fail[u] * nc;
        for (size_t c = 0; c < nc; c++) {
            uint32_t v = row[c];
            if (v) { /* a trie edge: rows are filled only when dequeued */
                fail[v] = u ? (fail_row[c] & STATE_MASK) : 0;
                uint32_t fo = m->first_out[fail[v]];
                m->next_out[v] = fo;
                m->first_out[v] = m->own_pattern[v] != NO_PATTERN ? v : fo;
                queue[tail++] = v;
            } else {
                row[c] = u ? fail_row[c] : 0;
            }
        }
    }
    /* Flag transitions into states that report something. */
    for (size_t cell = 0; cell < ns * nc; cell++)
        if (m->first_out[m->delta[cell] & STATE_MASK])
            m->delta[cell] |= OUTPUT_FLAG;
    free(fail);
    free(queue);
    if (ns <= STATE_MASK16 + 1) {
        m->delta16 = nfs_xmalloc(ns * nc * sizeof *m->delta16);
        for (size_t cell = 0; cell < ns * nc; cell++) {
            uint32_t d = m->delta[cell];
            m->delta16[cell] = (uint16_t)((d & STATE_MASK) | (d & OUTPUT_FLAG ? OUTPUT_FLAG16 : 0));
        }
        free(m->delta);
        m->delta = NULL;
    } else {
        m->delta = nfs_xrealloc(m->delta, ns * nc * sizeof *m->delta);
    }
    m->own_pattern = nfs_xrealloc(m->own_pattern, ns * sizeof *m->own_pattern);
    return m;
}

void term_matcher_free(term_matcher *m)
{
    if (!m)
        return;
    free(m->delta);
    free(m->delta16);
    free(m->first_out);
    free(m->next_out);
    free(m->own_pattern);
    free(m->same_next);
    free(m->pattern_len);
    free(m);
}

/* Report every pattern that ends in state s at text offset end. */
static void report(const term_matcher *m, uint32_t s, size_t end, term_hit_fn hit, void *ctx)
{
    for (uint32_t u = m->first_out[s]; u; u = m->next_out[u])
        for (uint32_t pat = m->own_pattern[u]; pat != NO_PATTERN; pat = m->same_next[pat])
            hit(ctx, pat, end - m->pattern_len[pat], end);
}

/* The single walk of the 32-bit table (taxonomies of more than 32,767
 * states). */
static void scan32(const term_matcher *m, const unsigned char *p, size_t len, term_hit_fn hit,
                   void *ctx)
{
    const unsigned short *cls = m->byte_class;
    const uint32_t *delta = m->delta;
    size_t nc = m->n_classes;
    uint32_t s = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t d = delta[(size_t)s * nc + cls[p[i]]];
        s = d & STATE_MASK;
        if (d & OUTPUT_FLAG)
            report(m, s, i + 1, hit, ctx);
    }
}

/* The 16-bit table, walked from state s over p[from, to); reports hits
 * ending after quiet_until. Returns the state reached. */
static uint32_t walk16(const term_matcher *m, uint32_t s, const unsigned char *p, size_t from,
                       size_t to, size_t quiet_until, term_hit_fn hit, void *ctx)
{
    const unsigned short *cls = m->byte_class;
    const uint16_t *delta = m->delta16;
    size_t nc = m->n_classes;
    for (size_t i = from; i < to; i++) {
        uint32_t d = delta[(size_t)s * nc + cls[p[i]]];
        s = d & STATE_MASK16;
        if ((d & OUTPUT_FLAG16) && i + 1 > quiet_until)
            report(m, s, i + 1, hit, ctx);
    }
    return s;
}

/* Hits of the second walk that wait for the first to finish. */
#define HELD_MAX 32

/* Each step of a walk waits for the table load of the step before (perf:
 * over 80% of the scan's samples on the instruction after that load), so
 * a long text is walked as two halves at once, the loads of one
 * overlapping those of the other. The walk of the second half starts
 * max_len bytes early, from the root, and stays quiet over them: after
 * max_len bytes the automaton's state depends only on those bytes (no
 * state is deeper), so from the half on it is the state a single walk
 * would have. Its hits are held until the first half is done, to keep
 * the order of end offsets; when too many are held, the first walk
 * finishes alone. */
static void scan16(const term_matcher *m, const unsigned char *p, size_t len, term_hit_fn hit,
                   void *ctx)
{
    size_t mid = len / 2;
    if (mid < 2 * m->max_len + 16) { /* short: the warm-up would not pay */
        walk16(m, 0, p, 0, len, 0, hit, ctx);
        return;
    }
    const unsigned short *cls = m->byte_class;
    const uint16_t *delta = m->delta16;
    size_t nc = m->n_classes;
    size_t b = mid - m->max_len; /* where the second walk starts */
    uint32_t sa = 0, sb = 0;
    struct {
        uint32_t state;
        size_t end;
    } held[HELD_MAX];
    size_t n_held = 0, i = 0;
    for (; i < mid && n_held < HELD_MAX; i++) {
        uint32_t da = delta[(size_t)sa * nc + cls[p[i]]];
        uint32_t db = delta[(size_t)sb * nc + cls[p[b + i]]];
        sa = da & STATE_MASK16;
        sb = db & STATE_MASK16;
        if ((da | db) & OUTPUT_FLAG16) {
            if (da & OUTPUT_FLAG16)
                report(m, sa, i + 1, hit, ctx);
            if ((db & OUTPUT_FLAG16) && b + i + 1 > mid) {
                held[n_held].state = sb;
                held[n_held++].end = b + i + 1;
            }
        }
    }
    walk16(m, sa, p, i, mid, 0, hit, ctx);
    for (size_t k = 0; k < n_held; k++)
        report(m, held[k].state, held[k].end, hit, ctx);
    walk16(m, sb, p, b + i, len, mid, hit, ctx);
}

void term_matcher_scan(const term_matcher *m, const char *text, size_t len, term_hit_fn hit,
                       void *ctx)
{
    if (m->delta16)
        scan16(m, (const unsigned char *)text, len, hit, ctx);
    else
        scan32(m, (const unsigned char *)text, len, hit, ctx);
}

size_t term_matcher_states(const term_matcher *m) { return m->n_states; }
