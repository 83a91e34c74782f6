/* seg_colbreak.c - column-break repair for the segmenter: a paragraph cut
 * mid-sentence (its block does not end a sentence) is linked to the block
 * that continues it, even when a photo, a box or a running head was
 * printed between the two halves, and even when the continuation was
 * printed before the article's headline (text wrapping round to the top of
 * the article's area).
 *
 * Evidence that block B continues cut block A, all of it general:
 *   - B starts with what cannot open a paragraph (的, 了, a comma …), or
 *     with a sentence of a few characters (the tail of A's);
 *   - a word spans the join: ICU's dictionary word break of the characters
 *     around it (A "…每" + B "年将…" gives 每年), or digits / Latin letters
 *     on both sides;
 *   - the characters across the join occur elsewhere on the page (a name
 *     cut in two is usually printed whole somewhere else);
 *   - against: B opens like a new paragraph (近年来, 据, a date, a quote).
 * The block right after the cut is taken without looking further unless it
 * opens like a new paragraph. Every search window is bounded, so the work
 * stays linear in the number of blocks.
 */
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/utf16.h>

#include "nfs.h"
#include "seg_internal.h"

/* Blocks looked at after a cut, and body blocks among them considered. */
#define FORWARD_WINDOW 24
#define FORWARD_CANDIDATES 3
/* Characters taken on each side of a join for the word break. */
#define JOIN_CONTEXT 6
/* Page bytes searched for the characters across a join: around both
 * halves, in one window when they are close. */
#define NGRAM_MARGIN 2048
#define NGRAM_SPAN_BYTES 12288
/* Ranking handicaps: a continuation inside the next article's headline
 * group, or printed before the article's own headline, is less likely
 * than one further down the same article. */
#define SCORE_SCALE 2                /* ranking scores are evidence x 2 */
#define FIRST_CANDIDATE_BONUS 2      /* the first text after a cut */
#define CROSSED_START_PENALTY 2      /* inside the next article's headline group */
#define OWN_ZONE_PENALTY 1           /* under the article's own headline */
#define RUN_BEFORE_HEAD_PENALTY 4    /* above the article's own headline */
/* Joins weighed with the dearer evidence: a base plus one per so many blocks. */
#define EVIDENCE_BUDGET_BASE 256
#define EVIDENCE_BUDGET_PER 8
/* Links followed when checking that a new link closes no cycle. */
#define CHAIN_CHECK 64

void seg_page_close_icu(seg_page *p)
{
    if (p->word_break)
        ubrk_close((UBreakIterator *)p->word_break);
    p->word_break = NULL;
}

/* ---- evidence ---------------------------------------------------------- */

/* Up to max code points at the end of block i (stopping at white space). */
static size_t tail_cps(const seg_page *p, int i, uint32_t *out, size_t max)
{
    const char *s = p->text + p->b[i].off;
    size_t end = p->b[i].len, n = 0;
    uint32_t tmp[JOIN_CONTEXT];
    while (end > 0 && n < max && n < JOIN_CONTEXT) {
        size_t st;
        uint32_t cp = seg_cp_before(s, end, &st);
        if (seg_is_space(cp))
            break;
        tmp[n++] = cp;
        end = st;
    }
    for (size_t k = 0; k < n; k++)
        out[k] = tmp[n - 1 - k];
    return n;
}

/* Up to max code points at the start of block j (after heading marks). */
static size_t head_cps(const seg_page *p, int j, uint32_t *out, size_t max)
{
    const char *s = p->text + p->b[j].off;
    size_t len = p->b[j].len, i = seg_heading_skip(s, len), n = 0;
    while (i < len && n < max) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (seg_is_space(cp))
            break;
        out[n++] = cp;
    }
    return n;
}

static int is_latin(uint32_t cp) { return (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'); }
static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* A number or a Latin word cut in two. */
static int characters_join(const seg_page *p, int i, int j)
{
    uint32_t a, b;
    if (!tail_cps(p, i, &a, 1) || !head_cps(p, j, &b, 1))
        return 0;
    return (is_digit(a) && is_digit(b)) || (is_latin(a) && is_latin(b));
}

/* Does a dictionary word span the join of block i's end and block j's start? */
static int word_spans_join(seg_page *p, int i, int j)
{
    uint32_t left[JOIN_CONTEXT], right[JOIN_CONTEXT];
    size_t nl = tail_cps(p, i, left, JOIN_CONTEXT), nr = head_cps(p, j, right, JOIN_CONTEXT);
    if (!nl || !nr || !nfs_is_han(left[nl - 1]) || !nfs_is_han(right[0]))
        return 0;
    if (!p->word_break) {
        if (p->word_break_failed)
            return 0;
        UErrorCode st = U_ZERO_ERROR;
        p->word_break = ubrk_open(UBRK_WORD, "zh", NULL, 0, &st);
        if (U_FAILURE(st)) {
            p->word_break = NULL;
            p->word_break_failed = 1;
            return 0;
        }
    }
    UChar buf[4 * JOIN_CONTEXT];
    int32_t n = 0, join = 0;
    UBool err = 0;
    for (size_t k = 0; k < nl; k++)
        U16_APPEND(buf, n, (int32_t)NFS_ARRAY_LEN(buf), (UChar32)left[k], err);
    join = n;
    for (size_t k = 0; k < nr; k++)
        U16_APPEND(buf, n, (int32_t)NFS_ARRAY_LEN(buf), (UChar32)right[k], err);
    if (err)
        return 0;
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *wb = p->word_break;
    ubrk_setText(wb, buf, n, &st);
    if (U_FAILURE(st))
        return 0;
    return !ubrk_isBoundary(wb, join);
}

static size_t count_in(const char *hay, size_t hl, const char *needle, size_t nl)
{
    size_t c = 0;
    const char *h = hay, *end = hay + hl;
    while ((size_t)(end - h) >= nl) {
        const char *m = memmem(h, (size_t)(end - h), needle, nl);
        if (!m)
            break;
        c++;
        h = m + nl;
    }
    return c;
}

/* Occurrences of needle in page bytes [from, to), clipped to the page. A
 * needle of Han or alphanumeric characters never spans a block boundary,
 * and the text at a join is not contiguous, so it is not counted. */
static size_t count_in_range(const seg_page *p, size_t from, size_t to, const char *needle, size_t nl)
{
    if (to > p->len)
        to = p->len;
    return from < to ? count_in(p->text + from, to - from, needle, nl) : 0;
}

static size_t before(size_t off, size_t n) { return off > n ? off - n : 0; }

/* How often the characters across the join (two before and one after, one
 * before and two after) occur on the page around both halves. */
static int ngram_count(const seg_page *p, int i, int j)
{
    uint32_t left[2], right[2];
    size_t nl = tail_cps(p, i, left, 2), nr = head_cps(p, j, right, 2);
    if (nl < 2 || nr < 2)
        return 0;
    for (int k = 0; k < 2; k++)
        if (!seg_is_han_or_alnum(left[k]) || !seg_is_han_or_alnum(right[k]))
            return 0;
    uint32_t grams[2][3] = {{left[0], left[1], right[0]}, {left[1], right[0], right[1]}};
    const seg_block *a = &p->b[i < j ? i : j], *z = &p->b[i < j ? j : i];
    size_t total = 0;
    for (int g = 0; g < 2; g++) {
        char needle[12];
        size_t n = 0;
        for (int k = 0; k < 3; k++)
            n += utf8_encode(grams[g][k], needle + n);
        if (z->off + z->len - a->off <= NGRAM_SPAN_BYTES) {
            total += count_in_range(p, before(a->off, NGRAM_MARGIN), z->off + z->len + NGRAM_MARGIN, needle, n);
        } else {
            total += count_in_range(p, before(a->off, NGRAM_MARGIN), a->off + a->len + NGRAM_MARGIN, needle, n);
            total += count_in_range(p, before(z->off, NGRAM_MARGIN), z->off + z->len + NGRAM_MARGIN, needle, n);
        }
    }
    return total > 3 ? 3 : (int)total;
}

/* The dearer evidence (word break, n-grams) is weighed for a bounded number
 * of joins per page, so that no page shape makes the work blow up. */
static int take_budget(seg_page *p)
{
    if (p->evidence_budget <= 0)
        return 0;
    p->evidence_budget--;
    return 1;
}

/* Evidence (positive for, negative against) that block j continues block i. */
static int join_evidence(seg_page *p, int i, int j)
{
    const seg_block *c = &p->b[j];
    int ev = 0;
    if (c->flags & BF_NONINITIAL)
        ev += 3;
    if (c->flags & BF_SHORT_OPEN)
        ev += 2;
    if (characters_join(p, i, j))
        ev += 3;
    if (take_budget(p)) {
        if (word_spans_join(p, i, j))
            ev += 3;
        ev += ngram_count(p, i, j);
    }
    if (c->flags & BF_OPENER)
        ev -= 2;
    else if (c->flags & BF_QUOTE_OPEN)
        ev -= 1;
    return ev;
}

/* ---- head-like lines that are cut paragraphs ---------------------------- */

static int head_shaped(const seg_page *p, int k)
{
    return k >= 0 && k < (int)p->n && (p->b[k].flags & BF_HEADLIKE) &&
           (p->b[k].role == ROLE_BODY || p->b[k].role == ROLE_PHOTO_HEAD);
}

/* Subheadings are short; a line of clauses that opens like a paragraph
 * (近年来,…) or stands long and alone between paragraphs is a paragraph
 * cut short. Otherwise the line after it must show the join. */
void seg_flag_cut_heads(seg_page *p)
{
    p->evidence_budget = EVIDENCE_BUDGET_BASE + (long)(p->n / EVIDENCE_BUDGET_PER);
    for (size_t i = 0; i < p->n; i++) {
        seg_block *a = &p->b[i];
        const seg_block *c = i + 1 < p->n ? &p->b[i + 1] : NULL;
        if (a->role != ROLE_BODY || !(a->flags & BF_HEADLIKE) || (a->flags & (BF_TERMINAL | BF_PREMARK)))
            continue;
        if (c && (c->flags & (BF_LEAD | BF_BYLINE)))
            continue; /* a headline over its byline */
        if (!(a->flags & BF_CLAUSES) && a->nchars <= SEG_SHORT_HEAD_CHARS)
            continue; /* a short line without clauses: a heading */
        if ((a->flags & BF_CLAUSES) &&
            ((a->flags & BF_OPENER) ||
             (a->nchars > SEG_SHORT_HEAD_CHARS && !head_shaped(p, (int)i - 1) &&
              !head_shaped(p, (int)i + 1)))) {
            a->flags |= BF_CUT;
            continue;
        }
        if (!c || c->role != ROLE_BODY || !seg_plain_text(c) || c->nchars < 2)
            continue;
        if ((c->flags & (BF_NONINITIAL | BF_SHORT_OPEN)) || characters_join(p, (int)i, (int)i + 1) ||
            (take_budget(p) &&
             (word_spans_join(p, (int)i, (int)i + 1) || ngram_count(p, (int)i, (int)i + 1) >= 2)))
            a->flags |= BF_CUT;
    }
    /* Head-like lines followed by text that starts mid-sentence: a
     * headline is followed by a byline or a new paragraph, so the last long
     * line of clauses among them is the cut paragraph, and the lines after
     * it are a running head. */
    for (size_t i = 0; i < p->n;) {
        if (!head_shaped(p, (int)i) || (p->b[i].flags & BF_CUT) || p->b[i].role != ROLE_BODY) {
            i++;
            continue;
        }
        size_t z = i;
        while (z + 1 < p->n && head_shaped(p, (int)z + 1) && !(p->b[z + 1].flags & BF_CUT) &&
               p->b[z + 1].role == ROLE_BODY)
            z++;
        const seg_block *c = z + 1 < p->n ? &p->b[z + 1] : NULL;
        if (z > i && c && c->role == ROLE_BODY && seg_plain_text(c) && (c->flags & (BF_NONINITIAL | BF_SHORT_OPEN)))
            for (size_t k = z + 1; k-- > i;) {
                seg_block *a = &p->b[k];
                if (seg_long_clause(a) && !(a->flags & (BF_PREMARK | BF_TERMINAL))) {
                    a->flags |= BF_CUT;
                    break;
                }
            }
        i = z + 1;
    }
}

/* ---- pairing -------------------------------------------------------------- */

typedef struct {
    int cut, cand;
    int priority; /* 2: the very next block; 1: weighed by evidence */
    int score;
} proposal;

typedef struct {
    proposal *v;
    size_t n, cap;
} proposals;

static void propose(proposals *ps, int cut, int cand, int priority, int score)
{
    proposal pr = {cut, cand, priority, score};
    NFS_VEC_PUSH(ps->v, ps->n, ps->cap, pr);
}

static int cmp_proposal(const void *x, const void *y)
{
    const proposal *a = x, *b = y;
    if (a->priority != b->priority)
        return b->priority - a->priority;
    if (a->score != b->score)
        return b->score - a->score;
    int da = abs(a->cand - a->cut), db = abs(b->cand - b->cut);
    if (da != db)
        return da - db;
    return a->cut - b->cut;
}

static int can_be_cut(const seg_block *b)
{
    if (b->flags & BF_TERMINAL || b->nchars < 2)
        return 0;
    if (b->role == ROLE_ANCHOR)
        return (b->flags & BF_LEAD) != 0;
    return (b->role == ROLE_BODY || b->role == ROLE_ZONE) && seg_plain_text(b);
}

static int can_continue(const seg_block *b)
{
    return (b->role == ROLE_BODY || b->role == ROLE_ZONE) && seg_plain_text(b) && !(b->flags & BF_CAPTION);
}

/* Candidates after cut i, up to the body of the next article: blocks of
 * photo items, boxes and head-like lines in between are skipped; the
 * fragments printed inside the next article's headline group count. */
static int forward_candidate_list(const seg_page *p, int i, int *out, int *crossed)
{
    int crossed_start = 0, n = 0;
    for (int j = i + 1; j < (int)p->n && j <= i + FORWARD_WINDOW && n < FORWARD_CANDIDATES; j++) {
        const seg_block *c = &p->b[j];
        if (c->flags & BF_ENDMARK)
            return n; /* (下转第N版): the paragraph goes on in another page */
        switch (c->role) {
        case ROLE_PHOTO:
        case ROLE_PHOTO_HEAD:
        case ROLE_BOX:
        case ROLE_BYLINE:
            continue;
        case ROLE_HEAD:
            crossed_start = 1;
            continue;
        case ROLE_ANCHOR:
            return n;
        case ROLE_ZONE:
            if (can_continue(c)) {
                crossed[n] = crossed_start;
                out[n++] = j;
            }
            continue;
        default: /* body */
            if (crossed_start)
                return n;
            if (can_continue(c)) {
                crossed[n] = 0;
                out[n++] = j; /* else a subheading or running head */
            }
        }
    }
    return n;
}

static void forward_candidates(seg_page *p, int i, proposals *ps)
{
    int cand[FORWARD_CANDIDATES], crossed[FORWARD_CANDIDATES];
    int n = forward_candidate_list(p, i, cand, crossed);
    if (!n)
        return;
    /* the next block simply goes on, unless it opens like a new paragraph
     * or a later one plainly starts mid-sentence */
    const uint32_t mid = BF_NONINITIAL | BF_SHORT_OPEN;
    const seg_block *first = &p->b[cand[0]];
    int later_mid = 0;
    for (int k = 1; k < n; k++)
        if (p->b[cand[k]].flags & mid)
            later_mid = 1;
    if (cand[0] == i + 1 && !(first->flags & BF_OPENER) && ((first->flags & mid) || !later_mid)) {
        propose(ps, i, cand[0], 2, 0);
        return;
    }
    for (int k = 0; k < n; k++) {
        const seg_block *c = &p->b[cand[k]];
        int ev = join_evidence(p, i, cand[k]);
        if (k == 0) {
            /* the first text after a cut is its likeliest continuation */
            if (ev + 1 >= (c->role == ROLE_ZONE ? 0 : -1))
                propose(ps, i, cand[k], 1,
                        ev * SCORE_SCALE + FIRST_CANDIDATE_BONUS - crossed[k] * CROSSED_START_PENALTY);
        } else if (ev >= 2) {
            propose(ps, i, cand[k], 1, ev * SCORE_SCALE);
        }
    }
}

/* When cut i ends its article, the continuation may have been printed
 * before: among the fragments inside its headline group, or in the orphan
 * text that sits just before its headline. */
static void wraparound_candidates(seg_page *p, int i, const int *run_before_unit, proposals *ps)
{
    int u = p->b[i].unit;
    if (u < 0 || p->tail_of_unit[u] != i)
        return;
    const seg_unit *un = &p->units[u];
    if (un->zone_first >= 0 && un->zone_first != i && can_continue(&p->b[un->zone_first]) &&
        p->b[un->zone_first].prev < 0) {
        int ev = join_evidence(p, i, un->zone_first);
        if (ev >= 0)
            propose(ps, i, un->zone_first, 1, ev * SCORE_SCALE - OWN_ZONE_PENALTY);
    }
    int r = run_before_unit[u];
    if (r >= 0) {
        int fb = p->runs[r].first_body;
        if (fb >= 0 && fb != i && can_continue(&p->b[fb])) {
            int ev = join_evidence(p, i, fb);
            if (ev >= 1)
                propose(ps, i, fb, 1, ev * SCORE_SCALE - RUN_BEFORE_HEAD_PENALTY);
        }
    }
}

/* Would linking cut -> cand close a cycle? A cycle needs a link that goes
 * backwards; when the chain is too long to follow, a forward link is taken
 * as safe and a backward one is refused. */
static int closes_cycle(const seg_page *p, int cut, int cand)
{
    int k = cand;
    for (int steps = 0; k >= 0 && steps < CHAIN_CHECK; steps++) {
        if (k == cut)
            return 1;
        k = p->b[k].next;
    }
    return k >= 0 && cand < cut;
}

void seg_pair_breaks(seg_page *p)
{
    int *run_before_unit = nfs_xmalloc((p->n_units ? p->n_units : 1) * sizeof(int));
    for (size_t u = 0; u < p->n_units; u++)
        run_before_unit[u] = -1;
    for (size_t r = 0; r < p->n_runs; r++)
        if (p->runs[r].after_unit >= 0 && p->runs[r].last + 1 == p->units[p->runs[r].after_unit].first)
            run_before_unit[p->runs[r].after_unit] = (int)r;

    proposals ps = {0};
    for (size_t i = 0; i < p->n; i++) {
        if (!can_be_cut(&p->b[i]))
            continue;
        size_t before = ps.n;
        forward_candidates(p, (int)i, &ps);
        if (ps.n == before || ps.v[ps.n - 1].priority < 2)
            wraparound_candidates(p, (int)i, run_before_unit, &ps);
    }
    if (ps.n > 1)
        qsort(ps.v, ps.n, sizeof *ps.v, cmp_proposal);
    for (size_t k = 0; k < ps.n; k++) {
        const proposal *pr = &ps.v[k];
        if (p->b[pr->cut].next >= 0 || p->b[pr->cand].prev >= 0)
            continue;
        if (closes_cycle(p, pr->cut, pr->cand))
            continue;
        p->b[pr->cut].next = pr->cand;
        p->b[pr->cand].prev = pr->cut;
    }
    free(ps.v);
    free(run_before_unit);
}
