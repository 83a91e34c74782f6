/* segment.c - cut the decoded text of one issue into articles (segment.h).
 *
 * The page is split into blocks (text between runs of blank lines), each
 * block is classified on its own (seg_lex.c), and then the layout is read
 * in passes, each linear in the number of blocks:
 *   1. photo items: a caption (and its headline) closed by a "… 摄" credit;
 *   2. 阅读提示 boxes: the header and its summary;
 *   3. head-like lines that are really paragraphs cut mid-sentence
 *      (seg_colbreak.c);
 *   4. article starts: a headline group over a byline or lead (本报讯…), a
 *      marked headline group on its own, a (上接第N版) mark, a one-line
 *      headline after a finished news item; each start opens a region that
 *      runs to the next start;
 *   5. orphan runs: text after a photo item, or before the first start;
 *   6. column-break pairing (seg_colbreak.c): each paragraph cut
 *      mid-sentence is linked to the block that continues it;
 *   7. ownership: orphan runs and the fragments printed inside a headline
 *      group follow the paragraph they continue; else the article the photo
 *      interrupted; else the next article when its text wraps round to
 *      above its headline; boxes above a headline go to the article whose
 *      wording they share;
 * and each article is rendered (seg_render.c).
 */
#include <stdlib.h>
#include <string.h>

#include "nfs.h"
#include "seg_internal.h"

const char *art_kind_name(art_kind k)
{
    static const char *names[] = {"news", "feature", "photo", "box", "continuation"};
    return (unsigned)k < NFS_ARRAY_LEN(names) ? names[k] : "news";
}

/* Longest caption (in characters) taken as part of a photo item. */
#define CAPTION_MAX_CHARS 320
/* Caption paragraphs a photo item may hold. */
#define CAPTION_MAX_BLOCKS 4
/* Text between a headline group and its byline that can be a stray fragment. */
#define ZONE_MAX_CHARS 40
#define ZONE_MAX_BLOCKS 1
/* Lines a headline group may hold. */
#define HEAD_MAX_LINES 8
/* Character pairs of a box compared, and blocks either side of it read,
 * when choosing the article a box belongs to. */
#define BOX_PAIRS 256
#define BOX_WINDOW 48
/* Recursion bound when following who owns what. */
#define OWNER_DEPTH 32

/* ---- blocks ------------------------------------------------------------ */

static void push_block(seg_page *p, size_t *cap, size_t off, size_t len)
{
    seg_block blk;
    memset(&blk, 0, sizeof blk);
    blk.off = off;
    blk.len = len;
    blk.unit = -1;
    blk.next = blk.prev = -1;
    NFS_VEC_PUSH(p->b, p->n, *cap, blk);
}

/* Blocks exactly as the gold format defines them: split at runs of two or
 * more newlines, strip white space, drop empty pieces. */
static void split_blocks(seg_page *p)
{
    const char *t = p->text;
    size_t len = p->len, pos = 0, cap = 0;
    while (pos < len) {
        size_t end = pos;
        for (;;) {
            const char *nl = memchr(t + end, '\n', len - end);
            if (!nl) {
                end = len;
                break;
            }
            size_t k = (size_t)(nl - t);
            if (k + 1 < len && t[k + 1] == '\n') {
                end = k;
                break;
            }
            end = k + 1;
        }
        size_t a = pos, z = end;
        while (a < z) {
            uint32_t cp;
            size_t k = utf8_decode(t + a, z - a, &cp);
            if (!seg_is_space(cp))
                break;
            a += k;
        }
        while (z > a) {
            size_t st;
            uint32_t cp = seg_cp_before(t, z, &st);
            if (st < a || !seg_is_space(cp))
                break;
            z = st;
        }
        if (z > a)
            push_block(p, &cap, a, z - a);
        pos = end;
        while (pos < len && t[pos] == '\n')
            pos++;
    }
}

/* ---- small predicates ---------------------------------------------------- */

static int has(const seg_block *b, uint32_t f) { return (b->flags & f) != 0; }

/* A head-like line not yet given a role. */
static int free_head(const seg_block *b)
{
    return b->role == ROLE_BODY && has(b, BF_HEADLIKE) && !has(b, BF_CUT);
}

/* Short complete text that may sit between a headline group and its byline. */
static int zone_fragment(const seg_block *b)
{
    return b->role == ROLE_BODY && seg_plain_text(b) && has(b, BF_TERMINAL) && !has(b, BF_CAPTION) &&
           b->nchars <= ZONE_MAX_CHARS;
}

static int new_unit(seg_page *p, int first)
{
    seg_unit u;
    memset(&u, 0, sizeof u);
    u.first = first;
    u.head_first = u.head_last = -1;
    u.anchor = -1;
    u.zone_first = -1;
    u.last = -1;
    u.late_byline = -1;
    u.running_head = -1;
    NFS_VEC_PUSH(p->units, p->n_units, p->cap_units, u);
    return (int)p->n_units - 1;
}

/* ---- 1. photo items -------------------------------------------------------- */

static int caption_paragraph(const seg_block *b)
{
    return b->role == ROLE_BODY && seg_plain_text(b) && !has(b, BF_CAPTION | BF_CUT) &&
           has(b, BF_TERMINAL) && b->nchars <= CAPTION_MAX_CHARS;
}

/* A photo's headline is short; a long line of clauses before a caption is
 * rather a paragraph cut short by the photo. */
static int photo_head_line(const seg_block *b)
{
    return free_head(b) && (has(b, BF_PREMARK) || !seg_long_clause(b));
}

static void find_photos(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (b->role != ROLE_BODY || !has(b, BF_CREDIT | BF_CAPTION))
            continue;
        /* the caption: this block, or the paragraphs before a lone credit,
         * back to a headline; without a headline only the last paragraph */
        int cap_last = has(b, BF_CAPTION) ? (int)i : (int)i - 1;
        int first = (int)i;
        if (cap_last == (int)i || (cap_last >= 0 && caption_paragraph(&p->b[cap_last]))) {
            int lo = cap_last;
            while (lo - 1 >= 0 && cap_last - (lo - 1) < CAPTION_MAX_BLOCKS &&
                   caption_paragraph(&p->b[lo - 1]))
                lo--;
            first = (lo - 1 >= 0 && free_head(&p->b[lo - 1])) ? lo : cap_last;
        }
        int head_first = -1, head_last = -1;
        if (first - 1 >= 0 && photo_head_line(&p->b[first - 1])) {
            head_last = first - 1;
            head_first = head_last;
            /* a second line only when it reads as a pretitle (…——): a
             * subheading of the article above may stand just before */
            if (head_first - 1 >= 0 && photo_head_line(&p->b[head_first - 1]) &&
                has(&p->b[head_first - 1], BF_PREMARK))
                head_first--;
        }
        int u = new_unit(p, head_first >= 0 ? head_first : first);
        seg_unit *un = &p->units[u];
        un->is_photo = 1;
        un->kind = ART_PHOTO;
        un->head_first = head_first;
        un->head_last = head_last;
        un->last = (int)i;
        for (int k = un->first; k <= (int)i; k++) {
            p->b[k].role = (k <= head_last) ? ROLE_PHOTO_HEAD : ROLE_PHOTO;
            p->b[k].unit = u;
        }
    }
}

/* ---- 2. boxes ------------------------------------------------------------------ */

static void find_boxes(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (b->role != ROLE_BODY)
            continue;
        if (has(b, BF_BOXINLINE)) {
            b->role = ROLE_BOX;
        } else if (has(b, BF_BOXHEAD)) {
            b->role = ROLE_BOX;
            if (i + 1 < p->n) {
                seg_block *s = &p->b[i + 1];
                if (s->role == ROLE_BODY &&
                    !has(s, BF_BYLINE | BF_CREDIT | BF_BOXHEAD | BF_BOXINLINE | BF_CONTMARK |
                                BF_LEAD)) {
                    s->role = ROLE_BOX;
                    i++;
                }
            }
        }
    }
}

/* ---- 4. article starts -------------------------------------------------------- */

static art_kind kind_of_anchor(const seg_page *p, int anchor)
{
    const seg_block *a = &p->b[anchor];
    if (has(a, BF_CONTMARK))
        return ART_CONTINUATION;
    if (has(a, BF_LEAD) && seg_lead_is_dispatch(p->text + a->off, a->byline_len))
        return ART_NEWS; /* 本报讯…, 新华社…电 */
    return ART_FEATURE;  /* 本报记者 X, 记者X报道 */
}

/* Give the blocks head_first..head_last (may be empty) and the zone after
 * them their roles in unit u. */
static void set_head_roles(seg_page *p, int u, int head_first, int head_last)
{
    seg_unit *un = &p->units[u];
    un->head_first = head_first;
    un->head_last = head_last;
    for (int k = head_first; k >= 0 && k <= head_last; k++)
        p->b[k].role = ROLE_HEAD;
}

/* The first line of a headline group that ends at head_last: the run of
 * free head-like lines before it, but nothing with clauses before a
 * pretitle that ends in —— or : (only banners are printed above those). */
static int head_run_start(const seg_page *p, int head_last)
{
    int j = head_last;
    while (j - 1 >= 0 && head_last - (j - 1) < HEAD_MAX_LINES && free_head(&p->b[j - 1]))
        j--;
    for (int k = head_last - 1; k >= j; k--)
        if (has(&p->b[k], BF_PREMARK)) {
            for (int m = k - 1; m >= j; m--)
                if (has(&p->b[m], BF_CLAUSES) || p->b[m].nchars > SEG_SHORT_HEAD_CHARS)
                    return m + 1;
            break;
        }
    return j;
}

static void start_at_anchor(seg_page *p, int i)
{
    seg_block *a = &p->b[i];
    /* back over what may sit between a headline and its byline: a box, a
     * photo item, one short fragment */
    int j = i - 1, fragments = 0;
    if (!has(a, BF_CONTMARK))
        while (j >= 0 && (p->b[j].role == ROLE_BOX || p->b[j].role == ROLE_PHOTO ||
                          p->b[j].role == ROLE_PHOTO_HEAD ||
                          (fragments < ZONE_MAX_BLOCKS && zone_fragment(&p->b[j])))) {
            fragments += p->b[j].role == ROLE_BODY;
            j--;
        }
    int head_last = j, head_first = j + 1;
    if (j >= 0 && free_head(&p->b[j]))
        head_first = head_run_start(p, j);
    if (head_first > head_last) { /* no headline */
        if (has(a, BF_BYLINE)) {
            a->role = ROLE_BYLINE; /* a byline further down an article */
            return;
        }
        head_first = head_last = -1;
    }
    int u = new_unit(p, head_first >= 0 ? head_first : i);
    p->units[u].anchor = i;
    p->units[u].kind = kind_of_anchor(p, i);
    a->role = ROLE_ANCHOR;
    set_head_roles(p, u, head_first, head_last);
    if (head_last >= 0)
        for (int k = head_last + 1; k < i; k++)
            if (p->b[k].role == ROLE_BODY) {
                p->b[k].role = ROLE_ZONE;
                if (p->units[u].zone_first < 0)
                    p->units[u].zone_first = k;
            }
}

/* A run of head-like lines with no byline after it is a headline group
 * when it is marked: a pretitle ending in —— or :, '#' marks, three lines
 * or more; or two lines the last of which is no long clause (a long line
 * with commas after a subheading is rather a paragraph cut short). */
static void start_at_head_run(seg_page *p, int a, int z)
{
    int lines = z - a + 1, marked = 0;
    for (int k = a; k <= z; k++) {
        if (has(&p->b[k], BF_ENUM))
            return; /* numbered subheadings or list items */
        if (has(&p->b[k], BF_PREMARK) || (p->b[k].hashes >= 1 && p->b[k].hashes <= 2))
            marked = 1;
    }
    const seg_block *last = &p->b[z];
    int next_is_text = z + 1 < (int)p->n && p->b[z + 1].role == ROLE_BODY && seg_plain_text(&p->b[z + 1]);
    int long_clause = seg_long_clause(last);
    if (!(marked && next_is_text) && lines < 3 && !(lines == 2 && !long_clause))
        return;
    a = head_run_start(p, z);
    int u = new_unit(p, a);
    p->units[u].kind = ART_BOX;
    set_head_roles(p, u, a, z);
    for (int k = z + 1; k < (int)p->n && k - z <= ZONE_MAX_BLOCKS && zone_fragment(&p->b[k]); k++) {
        p->b[k].role = ROLE_ZONE;
        if (p->units[u].zone_first < 0)
            p->units[u].zone_first = k;
    }
}

/* Section headings that stay inside the article they follow. */
static int is_section_word(const seg_page *p, const seg_block *b)
{
    static const char *const words[] = {"相关链接", "链接", "新闻链接", "背景链接", "记者手记", "延伸阅读",
                                        "小贴士", "背景", "短评", "编后", "编后语", "记者观察", "相关新闻"};
    const char *s = p->text + b->off;
    size_t skip = seg_heading_skip(s, b->len), len = b->len - skip;
    while (len && s[skip + len - 1] == ':')
        len--;
    for (size_t k = 0; k < NFS_ARRAY_LEN(words); k++)
        if (len == strlen(words[k]) && !memcmp(s + skip, words[k], len))
            return 1;
    return 0;
}

/* A news item (本报讯 …) has no subheadings: a single head-like line after
 * one of its complete paragraphs, followed by text, is the headline of a
 * new item without byline. Text after a photo item is left alone (it may
 * belong to another article). */
static void start_after_news(seg_page *p)
{
    int *kind_at = nfs_xmalloc(p->n * sizeof(int));
    for (size_t i = 0; i < p->n; i++)
        kind_at[i] = -1;
    for (size_t u = 0; u < p->n_units; u++)
        if (!p->units[u].is_photo)
            kind_at[p->units[u].first] = (int)p->units[u].kind;
    int cur = -1, photo_seen = 0;
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (kind_at[i] >= 0) {
            cur = kind_at[i];
            photo_seen = 0;
        }
        if (b->role == ROLE_PHOTO || b->role == ROLE_PHOTO_HEAD)
            photo_seen = 1;
        if (cur != ART_NEWS || photo_seen || i == 0 || i + 1 >= p->n || !free_head(b))
            continue;
        const seg_block *prev = &p->b[i - 1], *next = &p->b[i + 1];
        int prev_done = has(prev, BF_TERMINAL) &&
                        ((prev->role == ROLE_BODY && seg_plain_text(prev)) ||
                         (prev->role == ROLE_ANCHOR && has(prev, BF_LEAD)));
        if (!prev_done || next->role != ROLE_BODY || !seg_plain_text(next) || is_section_word(p, b) ||
            seg_long_clause(b) || has(b, BF_ENUM))
            continue;
        int u = new_unit(p, (int)i);
        p->units[u].kind = ART_BOX;
        set_head_roles(p, u, (int)i, (int)i);
        cur = ART_BOX;
    }
    free(kind_at);
}

static void find_starts(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (b->role == ROLE_BODY && has(b, BF_LEAD | BF_BYLINE | BF_CONTMARK))
            start_at_anchor(p, (int)i);
    }
    for (size_t i = 0; i < p->n;) {
        if (!free_head(&p->b[i])) {
            i++;
            continue;
        }
        size_t z = i;
        while (z + 1 < p->n && free_head(&p->b[z + 1]))
            z++;
        start_at_head_run(p, (int)i, (int)z);
        i = z + 1;
    }
    start_after_news(p);
}

/* Head-like lines of clauses left outside every headline group: a
 * subheading is short and is followed by its paragraph, so a long one, or
 * one that closes an article, is a paragraph cut short. */
static void settle_free_heads(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (!free_head(b) || !has(b, BF_CLAUSES) || has(b, BF_PREMARK))
            continue;
        const seg_block *next = i + 1 < p->n ? &p->b[i + 1] : NULL;
        if (b->nchars > SEG_SHORT_HEAD_CHARS || !next || next->role == ROLE_HEAD || next->role == ROLE_ANCHOR ||
            next->role == ROLE_PHOTO || next->role == ROLE_PHOTO_HEAD)
            b->flags |= BF_CUT;
    }
}

/* ---- 5. regions and orphan runs ------------------------------------------------ */

static int cmp_unit_first(const void *x, const void *y)
{
    const seg_unit *a = x, *b = y;
    return (a->first > b->first) - (a->first < b->first);
}

static void build_regions(seg_page *p)
{
    /* units in page order; photo blocks point at their unit again */
    if (p->n_units > 1)
        qsort(p->units, p->n_units, sizeof *p->units, cmp_unit_first);
    for (size_t u = 0; u < p->n_units; u++)
        if (p->units[u].is_photo)
            for (int k = p->units[u].first; k <= p->units[u].last; k++)
                p->b[k].unit = (int)u;

    p->text_unit_of = nfs_xmalloc(p->n * sizeof(int));
    p->run_of = nfs_xmalloc(p->n * sizeof(int));
    p->tail_of_unit = nfs_xmalloc((p->n_units ? p->n_units : 1) * sizeof(int));
    for (size_t u = 0; u < p->n_units; u++)
        p->tail_of_unit[u] = -1;

    int *next_text = nfs_xmalloc((p->n + 1) * sizeof(int)); /* next text unit starting at >= i */
    int *text_start = nfs_xmalloc(p->n * sizeof(int));
    for (size_t i = 0; i < p->n; i++)
        text_start[i] = -1;
    for (size_t u = 0; u < p->n_units; u++)
        if (!p->units[u].is_photo)
            text_start[p->units[u].first] = (int)u;
    next_text[p->n] = -1;
    for (size_t i = p->n; i-- > 0;)
        next_text[i] = text_start[i] >= 0 ? text_start[i] : next_text[i + 1];

    int cur = -1, in_run = -1, photo_first = -1;
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        if (text_start[i] >= 0) {
            cur = text_start[i];
            in_run = -1;
        }
        p->text_unit_of[i] = cur;
        p->run_of[i] = -1;
        if (b->role == ROLE_PHOTO || b->role == ROLE_PHOTO_HEAD) {
            in_run = -1;
            photo_first = p->units[b->unit].first;
            /* the run after this photo opens on the next block */
            if (i + 1 < p->n && (int)i == p->units[b->unit].last && text_start[i + 1] < 0 &&
                p->b[i + 1].role != ROLE_PHOTO && p->b[i + 1].role != ROLE_PHOTO_HEAD) {
                seg_run r = {(int)i + 1, (int)i + 1, -1, cur, next_text[i + 1], 1, photo_first, -1};
                NFS_VEC_PUSH(p->runs, p->n_runs, p->cap_runs, r);
                in_run = (int)p->n_runs - 1;
            }
            continue;
        }
        if (cur < 0 && in_run < 0) { /* text before the first start */
            seg_run r = {(int)i, (int)i, -1, -1, next_text[i], 0, -1, -1};
            NFS_VEC_PUSH(p->runs, p->n_runs, p->cap_runs, r);
            in_run = (int)p->n_runs - 1;
        }
        b->unit = cur;
        if (in_run >= 0) {
            seg_run *r = &p->runs[in_run];
            r->last = (int)i;
            p->run_of[i] = in_run;
            if (r->first_body < 0 && b->role == ROLE_BODY && seg_plain_text(b))
                r->first_body = (int)i;
        } else if (cur >= 0 && (b->role == ROLE_BODY || b->role == ROLE_ANCHOR) &&
                   (seg_plain_text(b) || has(b, BF_LEAD))) {
            p->tail_of_unit[cur] = (int)i;
        }
    }
    free(next_text);
    free(text_start);
}

/* ---- 7. ownership ------------------------------------------------------------------- */

static int owner_of_block(seg_page *p, int i, int depth);

/* A paragraph left open: it does not end a sentence and nothing on the
 * page was found to continue it. */
static int open_paragraph(const seg_block *b)
{
    return !has(b, BF_TERMINAL) && b->next < 0 &&
           ((b->role == ROLE_BODY && seg_plain_text(b)) || (b->role == ROLE_ANCHOR && has(b, BF_LEAD)));
}

/* Was the article before a photo item cut off by it: a sentence left open
 * just before the photo, or nothing but its headline printed yet? */
static int interrupted(const seg_page *p, const seg_run *r)
{
    if (r->before_unit < 0)
        return 0;
    const seg_unit *u = &p->units[r->before_unit];
    int k = r->photo_first - 1;
    while (k >= 0 && p->b[k].role == ROLE_BOX)
        k--;
    if (k < 0 || k < u->first)
        return 1;
    const seg_block *b = &p->b[k];
    if (b->role == ROLE_HEAD || b->role == ROLE_ZONE || (b->role == ROLE_ANCHOR && !has(b, BF_LEAD)))
        return 1;
    return open_paragraph(b);
}

/* Does the next article end with a sentence left open? Then text printed
 * above its headline may be where it goes on. */
static int wraps_round(const seg_page *p, const seg_run *r)
{
    if (r->after_unit < 0)
        return 0;
    int t = p->tail_of_unit[r->after_unit];
    return t >= 0 && open_paragraph(&p->b[t]);
}

static int resolve_run(seg_page *p, int ri, int depth)
{
    seg_run *r = &p->runs[ri];
    if (r->owner >= 0)
        return r->owner;
    int fallback = r->before_unit >= 0 ? r->before_unit : r->after_unit;
    if (r->owner == -2 || depth > OWNER_DEPTH)
        return fallback; /* a cycle: keep it where it is */
    r->owner = -2;
    int o = -1;
    if (r->first_body >= 0 && p->b[r->first_body].prev >= 0)
        o = owner_of_block(p, p->b[r->first_body].prev, depth + 1);
    if (o < 0) {
        if (r->before_unit >= 0 && (!r->after_photo || interrupted(p, r) || !wraps_round(p, r)))
            o = r->before_unit;
        else if (r->before_unit < 0 && !r->after_photo && r->first_body >= 0)
            o = -1; /* text opening the page: an article of its own */
        else
            o = r->after_unit;
    }
    p->runs[ri].owner = o;
    return o;
}

static int owner_of_block(seg_page *p, int i, int depth)
{
    if (depth > OWNER_DEPTH)
        return p->b[i].unit;
    if (p->run_of[i] >= 0)
        return resolve_run(p, p->run_of[i], depth + 1);
    if (p->b[i].role == ROLE_ZONE && p->b[i].prev >= 0)
        return owner_of_block(p, p->b[i].prev, depth + 1);
    return p->b[i].unit;
}

/* Character pairs of a box summary, in a small open-addressing set. */
typedef struct {
    uint64_t key[BOX_PAIRS * 2];
    int stamp[BOX_PAIRS * 2];
    size_t n;
} pair_set;

static uint64_t pair_key(uint32_t a, uint32_t b) { return ((uint64_t)a << 21 | b) + 1; }

static size_t pair_slot(const pair_set *ps, uint64_t key)
{
    size_t cap = NFS_ARRAY_LEN(ps->key), h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 40) % cap;
    while (ps->key[h] && ps->key[h] != key)
        h = (h + 1) % cap;
    return h;
}

/* Walk the pairs of Han/alphanumeric characters of s; add them to the set
 * (stamp < 0) or count those in the set not yet seen with this stamp. */
static size_t walk_pairs(pair_set *ps, const char *s, size_t len, int stamp)
{
    size_t hits = 0;
    uint32_t prev = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (!seg_is_han_or_alnum(cp)) {
            prev = 0;
            continue;
        }
        if (prev) {
            uint64_t key = pair_key(prev, cp);
            size_t h = pair_slot(ps, key);
            if (stamp < 0) {
                if (!ps->key[h] && ps->n < BOX_PAIRS) {
                    ps->key[h] = key;
                    ps->stamp[h] = -1;
                    ps->n++;
                }
            } else if (ps->key[h] && ps->stamp[h] != stamp) {
                ps->stamp[h] = stamp;
                hits++;
            }
        }
        prev = cp;
    }
    return hits;
}

/* How much of the box's wording the text of unit u near it shares. */
static size_t box_affinity(const seg_page *p, pair_set *ps, const int *owner, int u, int box_first, int box_last)
{
    size_t hits = 0;
    int lo = box_first - BOX_WINDOW < 0 ? 0 : box_first - BOX_WINDOW;
    int hi = box_last + BOX_WINDOW >= (int)p->n ? (int)p->n - 1 : box_last + BOX_WINDOW;
    for (int k = lo; k <= hi; k++)
        if (owner[k] == u && p->b[k].role != ROLE_BOX)
            hits += walk_pairs(ps, p->text + p->b[k].off, p->b[k].len, u);
    return hits;
}

/* A box printed just above an article's headline may summarise that
 * article rather than the one before: it goes to the one whose text
 * shares more of its wording. */
static void place_boxes(seg_page *p, int *owner)
{
    pair_set *ps = nfs_xmalloc(sizeof *ps);
    for (size_t i = 0; i < p->n; i++) {
        if (p->b[i].role != ROLE_BOX)
            continue;
        size_t j = i;
        while (j + 1 < p->n && p->b[j + 1].role == ROLE_BOX && !has(&p->b[j + 1], BF_BOXHEAD | BF_BOXINLINE))
            j++;
        int next = j + 1 < p->n ? p->text_unit_of[j + 1] : -1;
        if (next >= 0 && p->units[next].first == (int)j + 1 && next != owner[i] && owner[i] >= 0) {
            memset(ps, 0, sizeof *ps);
            for (size_t k = i; k <= j; k++)
                walk_pairs(ps, p->text + p->b[k].off, p->b[k].len, -1);
            size_t before = box_affinity(p, ps, owner, owner[i], (int)i, (int)j);
            size_t after = box_affinity(p, ps, owner, next, (int)i, (int)j);
            if (after > before)
                for (size_t k = i; k <= j; k++)
                    owner[k] = next;
        }
        i = j;
    }
    free(ps);
}

static void assign_owners(seg_page *p)
{
    int *owner = nfs_xmalloc(p->n * sizeof(int));
    for (size_t i = 0; i < p->n; i++)
        owner[i] = owner_of_block(p, (int)i, 0);
    place_boxes(p, owner);
    /* text that opens the page and continues nothing: an article of its own */
    int orphan_unit = -1;
    for (size_t i = 0; i < p->n; i++) {
        if (owner[i] >= 0)
            continue;
        if (orphan_unit < 0 || p->run_of[i] != p->run_of[i - 1]) {
            orphan_unit = new_unit(p, (int)i);
            p->units[orphan_unit].kind = ART_CONTINUATION;
        }
        owner[i] = orphan_unit;
    }
    for (size_t i = 0; i < p->n; i++)
        p->b[i].unit = owner[i];
    free(owner);
}

/* Roles that only make sense once owners are known: bylines further down,
 * subheadings, and the running head printed inside a column break. */
static void settle_roles(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_block *b = &p->b[i];
        seg_unit *u = &p->units[b->unit];
        if (b->role == ROLE_BODY && has(b, BF_BYLINE))
            b->role = ROLE_BYLINE;
        if (b->role == ROLE_BYLINE && u->late_byline < 0 &&
            !(u->anchor >= 0 && has(&p->b[u->anchor], BF_LEAD | BF_BYLINE)))
            u->late_byline = (int)i;
        if (b->role == ROLE_BODY && has(b, BF_HEADLIKE) && !has(b, BF_CUT)) {
            b->role = ROLE_SUBHEAD;
            /* between a cut and its continuation: a running head */
            if (u->running_head < 0 && u->head_first < 0 && i > 0) {
                int k = (int)i - 1;
                while (k >= 0 && (p->b[k].role == ROLE_SUBHEAD || p->b[k].role == ROLE_PHOTO ||
                                  p->b[k].role == ROLE_PHOTO_HEAD || p->b[k].role == ROLE_BOX))
                    k--;
                if (k >= 0 && p->b[k].next > (int)i)
                    u->running_head = (int)i;
            }
        }
    }
    for (size_t ui = 0; ui < p->n_units; ui++) {
        seg_unit *u = &p->units[ui];
        if (u->kind == ART_BOX && u->late_byline >= 0)
            u->kind = ART_FEATURE;
    }
}

static void collect_members(seg_page *p)
{
    for (size_t i = 0; i < p->n; i++) {
        seg_unit *u = &p->units[p->b[i].unit];
        NFS_VEC_PUSH(u->blocks, u->n_blocks, u->cap_blocks, (int)i);
    }
}

/* Reading order: by the first block an article holds. */
static int cmp_unit_min_block(const void *x, const void *y)
{
    const seg_unit *a = x, *b = y;
    int fa = a->n_blocks ? a->blocks[0] : a->first, fb = b->n_blocks ? b->blocks[0] : b->first;
    return (fa > fb) - (fa < fb);
}

static void free_page(seg_page *p)
{
    seg_page_close_icu(p);
    for (size_t u = 0; u < p->n_units; u++)
        free(p->units[u].blocks);
    free(p->units);
    free(p->runs);
    free(p->run_of);
    free(p->text_unit_of);
    free(p->tail_of_unit);
    free(p->b);
}

int segment_page(const char *text, size_t len, seg_result *out)
{
    memset(out, 0, sizeof *out);
    seg_page p;
    memset(&p, 0, sizeof p);
    p.text = text ? text : "";
    p.len = text ? len : 0;
    split_blocks(&p);
    out->n_blocks = p.n;
    if (!p.n) {
        free_page(&p);
        return 0;
    }
    for (size_t i = 0; i < p.n; i++)
        seg_classify_block(p.text + p.b[i].off, p.b[i].len, &p.b[i]);

    find_photos(&p);
    find_boxes(&p);
    seg_flag_cut_heads(&p);
    find_starts(&p);
    settle_free_heads(&p);
    build_regions(&p);
    seg_pair_breaks(&p);
    assign_owners(&p);
    settle_roles(&p);
    collect_members(&p);

    /* drop units left without blocks, then order by reading position */
    size_t kept = 0;
    int *renum = nfs_xmalloc(p.n_units * sizeof(int));
    for (size_t u = 0; u < p.n_units; u++) {
        renum[u] = -1;
        if (p.units[u].n_blocks) {
            renum[u] = (int)kept;
            p.units[kept++] = p.units[u];
        } else {
            free(p.units[u].blocks);
        }
    }
    p.n_units = kept;
    for (size_t i = 0; i < p.n; i++)
        p.b[i].unit = renum[p.b[i].unit];
    free(renum);
    if (p.n_units > 1)
        qsort(p.units, p.n_units, sizeof *p.units, cmp_unit_min_block);
    for (size_t u = 0; u < p.n_units; u++)
        for (size_t k = 0; k < p.units[u].n_blocks; k++)
            p.b[p.units[u].blocks[k]].unit = (int)u;

    out->articles = nfs_xcalloc(p.n_units, sizeof *out->articles);
    out->n_articles = p.n_units;
    unsigned char *done = nfs_xcalloc(p.n, 1);
    for (size_t u = 0; u < p.n_units; u++)
        seg_render_unit(&p, &p.units[u], done, &out->articles[u]);
    free(done);
    free_page(&p);
    return 0;
}

void seg_result_free(seg_result *r)
{
    for (size_t i = 0; i < r->n_articles; i++) {
        seg_article *a = &r->articles[i];
        free(a->title);
        free(a->pretitle);
        free(a->subtitle);
        free(a->byline);
        free(a->lead);
        free(a->text);
        free(a->blocks);
    }
    free(r->articles);
    memset(r, 0, sizeof *r);
}
