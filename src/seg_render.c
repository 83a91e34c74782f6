/* seg_render.c - one article of the segmenter as users read it: the title
 * fields chosen from its headline group, and the article file text
 *   headline lines / blank / byline / blank / box / body paragraphs
 * with the halves of paragraphs cut at column breaks joined again. Every
 * block of the article is written exactly once and as one contiguous piece
 * (only a lead's byline is set on a line of its own). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nfs.h"
#include "seg_internal.h"

/* Characters of text used as a title when there is no headline. */
#define FIRST_WORDS_CHARS 60
/* A headline line this long is a pretitle or subtitle rather than a title. */
#define LONG_HEAD_CHARS 28
/* Articles without byline up to this size are boxes (short items). */
#define BOX_MAX_CHARS 600

typedef struct {
    const char *s;
    size_t len;
    int hashes;
    uint32_t flags, nchars;
} head_line;

typedef struct {
    head_line *v;
    size_t n, cap;
} head_lines;

/* ---- block text ------------------------------------------------------- */

static int heading_role(int role)
{
    return role == ROLE_HEAD || role == ROLE_PHOTO_HEAD || role == ROLE_SUBHEAD || role == ROLE_BOX;
}

/* The text a block contributes; a lead's byline is left out (it is written
 * on its own line). */
static void block_text(const seg_page *p, int k, const char **s, size_t *len)
{
    const seg_block *b = &p->b[k];
    const char *t = p->text + b->off;
    size_t skip = 0;
    if (heading_role(b->role))
        skip = seg_heading_skip(t, b->len);
    else if (b->role == ROLE_ANCHOR && (b->flags & BF_LEAD)) {
        skip = b->byline_len;
        while (skip < b->len) {
            uint32_t cp;
            size_t n = utf8_decode(t + skip, b->len - skip, &cp);
            if (!seg_is_space(cp))
                break;
            skip += n;
        }
    }
    *s = t + skip;
    *len = b->len - skip;
}

static size_t count_clauses(const char *s, size_t len)
{
    size_t c = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == ';')
            c++;
    return c;
}

static int has_middle_dot(const char *s, size_t len)
{
    return memmem(s, len, "\xC2\xB7", 2) != NULL; /* · */
}

static char *trimmed_dup(const char *s, size_t len)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    return nfs_xstrndup(s, len);
}

/* A title fit to become a file name's core: valid UTF-8 (bad bytes become
 * U+FFFD), control characters as spaces, trimmed; "无题" when empty. */
static char *clean_title(char *t)
{
    strbuf sb = {0};
    size_t len = strlen(t);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(t + i, len - i, &cp);
        char enc[4];
        if (cp < 0x20 || cp == 0x7F)
            sb_putc(&sb, ' ');
        else if (cp == 0xFFFD)
            sb_append(&sb, enc, utf8_encode(cp, enc));
        else
            sb_append(&sb, t + i, k);
        i += k;
    }
    free(t);
    size_t a = 0, z = sb.len;
    while (a < z && sb.s[a] == ' ')
        a++;
    while (z > a && sb.s[z - 1] == ' ')
        z--;
    char *out = z > a ? nfs_xstrndup(sb.s + a, z - a) : nfs_xstrdup("无题");
    sb_free(&sb);
    return out;
}

/* ---- titles ------------------------------------------------------------ */

/* Section banners and column names (工运速递, 大调研·样本) in a group. */
static int is_banner(const head_line *l, size_t n)
{
    return n > 1 && (l->nchars <= 4 || has_middle_dot(l->s, l->len));
}

/* "——记…": a subtitle. */
static int starts_with_dash(const head_line *l)
{
    return l->len >= 6 && !memcmp(l->s, "——", 6);
}

/* A section banner over photo items (图片新闻): not the photo's headline. */
static int is_photo_banner(const head_line *l)
{
    static const char *const words[] = {"图片新闻", "新闻图片", "图片报道", "图说", "看图", "新闻图说"};
    for (size_t k = 0; k < NFS_ARRAY_LEN(words); k++)
        if (l->len == strlen(words[k]) && !memcmp(l->s, words[k], l->len))
            return 1;
    return 0;
}

/* Which line of a headline group is the title. */
static size_t choose_title(const head_line *L, size_t n)
{
    size_t best = n;
    for (size_t k = 0; k < n; k++) /* marked with '#': the highest level */
        if (L[k].hashes && (best == n || L[k].hashes < L[best].hashes))
            best = k;
    if (best < n)
        return best;
    for (size_t k = n - 1; k-- > 0;) /* after a pretitle ending in —— or : */
        if (L[k].flags & BF_PREMARK)
            return k + 1;
    int best_score = INT_MAX;
    for (size_t k = 0; k < n; k++) { /* the shortest, plainest line; ties: the later */
        int score = 2 * (int)count_clauses(L[k].s, L[k].len) + (L[k].nchars > LONG_HEAD_CHARS ? 2 : 0) +
                    (is_banner(&L[k], n) ? 5 : 0) + (starts_with_dash(&L[k]) && n > 1 ? 8 : 0);
        if (score <= best_score) {
            best_score = score;
            best = k;
        }
    }
    return best;
}

typedef struct {
    const char *s;
    size_t len, chars;
} part;

/* Split one printed line into space-separated parts (at most max). */
static size_t split_parts(const char *s, size_t len, part *out, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && s[i] == ' ')
            i++;
        if (i >= len)
            break;
        size_t st = i;
        while (i < len && s[i] != ' ')
            i++;
        out[n].s = s + st;
        out[n].len = i - st;
        out[n].chars = utf8_count(s + st, i - st);
        n++;
    }
    return i < len ? 0 : n; /* too many parts: leave the line whole */
}

static int ends_with(const part *pt, const char *lit)
{
    size_t n = strlen(lit);
    return pt->len >= n && !memcmp(pt->s + pt->len - n, lit, n);
}

/* A title line that also holds its pretitle or subtitle ("A B"): split it
 * only on clear signs, since the whole line still names the article. */
static void split_title_line(const char *s, size_t len, char **pre, char **title, char **sub)
{
    part pt[8];
    size_t n = split_parts(s, len, pt, NFS_ARRAY_LEN(pt));
    size_t t0 = 0, t1 = n; /* title = parts [t0, t1) */
    for (size_t k = 0; k + 1 < n; k++)
        if (ends_with(&pt[k], "——") || ends_with(&pt[k], ":"))
            t0 = k + 1;
    for (size_t k = t0 + 1; k < n; k++)
        if (pt[k].len >= 6 && !memcmp(pt[k].s, "——", 6)) {
            t1 = k;
            break;
        }
    if (t0 == 0 && t1 == n && n >= 3) {
        /* parallel short phrases, then the title: 甲乙 丙丁 戊己 长标题 */
        int parallel = 1;
        for (size_t k = 1; k + 1 < n; k++)
            if (pt[k].chars + 1 < pt[0].chars || pt[k].chars > pt[0].chars + 1)
                parallel = 0;
        if (parallel && pt[n - 1].chars >= pt[0].chars + 3)
            t0 = n - 1;
    }
    if (n == 0 || (t0 == 0 && t1 == n)) {
        *title = trimmed_dup(s, len);
        return;
    }
    const char *ts = pt[t0].s, *te = pt[t1 - 1].s + pt[t1 - 1].len;
    *title = nfs_xstrndup(ts, (size_t)(te - ts));
    if (t0 > 0)
        *pre = nfs_xstrndup(s, (size_t)(pt[t0 - 1].s + pt[t0 - 1].len - s));
    if (t1 < n)
        *sub = nfs_xstrndup(pt[t1].s, (size_t)(s + len - pt[t1].s));
}

/* Lines k of L for which keep() holds, joined with spaces, or NULL. */
static char *join_lines(const head_line *L, size_t from, size_t to, size_t n, int title_hashes, int before)
{
    strbuf sb = {0};
    for (size_t k = from; k < to; k++) {
        if (is_banner(&L[k], n))
            continue;
        if (before ? (title_hashes && L[k].hashes > title_hashes) : (L[k].hashes > title_hashes))
            continue; /* a column name under a '#' title */
        if (sb.len)
            sb_putc(&sb, ' ');
        sb_append(&sb, L[k].s, L[k].len);
    }
    if (!sb.len) {
        sb_free(&sb);
        return NULL;
    }
    return sb_steal(&sb);
}

static char *join2(char *a, char *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    strbuf sb = {0};
    sb_puts(&sb, a);
    sb_putc(&sb, ' ');
    sb_puts(&sb, b);
    free(a);
    free(b);
    return sb_steal(&sb);
}

static void set_titles(const head_line *L, size_t n, seg_article *out)
{
    size_t t = choose_title(L, n);
    char *pre = NULL, *title = NULL, *sub = NULL;
    split_title_line(L[t].s, L[t].len, &pre, &title, &sub);
    char *pretitle;
    if (t > 0 && (L[t - 1].flags & BF_PREMARK) && !L[t].hashes)
        pretitle = trimmed_dup(L[t - 1].s, L[t - 1].len);
    else
        pretitle = join_lines(L, 0, t, n, L[t].hashes, 1);
    out->pretitle = join2(pretitle, pre);
    out->subtitle = join2(sub, join_lines(L, t + 1, n, n, L[t].hashes, 0));
    out->title = title;
}

/* ---- text -------------------------------------------------------------- */

typedef struct {
    const seg_page *p;
    int unit;
    unsigned char *done;
    strbuf text;
    char *lead; /* first body paragraph */
} writer;

/* One printed headline line: its '#' marks, whether it ends like a
 * pretitle (—— or :), its characters. */
static head_line make_head_line(const char *s, size_t len)
{
    head_line l = {s, len, 0, 0, 0};
    while (l.len && (l.s[l.len - 1] == ' ' || l.s[l.len - 1] == '\t' || l.s[l.len - 1] == '\r'))
        l.len--;
    size_t skip = seg_heading_skip(l.s, l.len);
    for (size_t i = 0; i < skip && l.s[i] == '#'; i++)
        l.hashes++;
    l.s += skip;
    l.len -= skip;
    l.nchars = (uint32_t)utf8_count(l.s, l.len);
    if ((l.len >= 6 && !memcmp(l.s + l.len - 6, "——", 6)) || (l.len && l.s[l.len - 1] == ':'))
        l.flags |= BF_PREMARK;
    return l;
}

/* The lines of headline block k (a block may hold several). */
static void add_head_lines(const seg_page *p, int k, head_lines *hl)
{
    const char *s = p->text + p->b[k].off;
    size_t len = p->b[k].len;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        size_t a = i;
        while (a < e && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r'))
            a++;
        if (a < e) {
            head_line l = make_head_line(s + a, e - a);
            if (l.len)
                NFS_VEC_PUSH(hl->v, hl->n, hl->cap, l);
        }
        i = e + 1;
    }
}

/* Write the paragraph that starts at block k, with the blocks that
 * continue it after column breaks. */
static void write_paragraph(writer *w, int k, int may_be_lead)
{
    const seg_page *p = w->p;
    size_t start = w->text.len;
    while (k >= 0 && !w->done[k] && p->b[k].unit == w->unit) {
        const char *s;
        size_t len;
        block_text(p, k, &s, &len);
        sb_append(&w->text, s, len);
        w->done[k] = 1;
        k = p->b[k].next;
    }
    if (w->text.len == start)
        return;
    if (may_be_lead && !w->lead)
        w->lead = nfs_xstrndup(w->text.s + start, w->text.len - start);
    sb_puts(&w->text, "\n\n");
}

/* Is block k the continuation of a paragraph of this article still to be
 * written? Then it is written with it. */
static int waits_for_its_start(const writer *w, int k)
{
    int prev = w->p->b[k].prev;
    return prev >= 0 && w->p->b[prev].unit == w->unit && !w->done[prev];
}

static void write_body_block(writer *w, int k)
{
    const seg_block *b = &w->p->b[k];
    if (w->done[k] || waits_for_its_start(w, k))
        return;
    int may_be_lead = (b->role == ROLE_BODY || b->role == ROLE_PHOTO) && !(b->flags & BF_CREDIT);
    write_paragraph(w, k, may_be_lead);
}

static char *photo_credit(const seg_page *p, const seg_unit *u)
{
    const seg_block *b = &p->b[u->last];
    const char *s = p->text + b->off;
    if (b->flags & BF_CREDIT)
        return trimmed_dup(s, b->len);
    if (b->flags & BF_CAPTION) {
        size_t o = b->credit_off;
        while (o < b->len && (s[o] == ' ' || s[o] == '('))
            o++;
        size_t e = b->len;
        while (e > o && (s[e - 1] == ')' || s[e - 1] == ' '))
            e--;
        return nfs_xstrndup(s + o, e - o);
    }
    return NULL;
}

void seg_render_unit(const seg_page *p, const seg_unit *u, unsigned char *done, seg_article *out)
{
    memset(out, 0, sizeof *out);
    writer w = {p, (int)(u - p->units), done, {0}, NULL};
    out->kind = u->kind;

    /* headline */
    head_lines hl = {0};
    for (int k = u->head_first; k >= 0 && k <= u->head_last; k++)
        if (p->b[k].unit == w.unit) {
            add_head_lines(p, k, &hl);
            done[k] = 1;
        }
    if (!hl.n && u->running_head >= 0) {
        add_head_lines(p, u->running_head, &hl);
        done[u->running_head] = 1;
    }
    for (size_t k = 0; k < hl.n; k++) {
        sb_append(&w.text, hl.v[k].s, hl.v[k].len);
        sb_putc(&w.text, '\n');
    }
    if (hl.n) {
        sb_putc(&w.text, '\n');
        if (!(u->is_photo && hl.n == 1 && is_photo_banner(&hl.v[0])))
            set_titles(hl.v, hl.n, out); /* else titled by its caption's first words */
    }

    /* byline, the lead, then the boxes */
    int anchor = u->anchor >= 0 && p->b[u->anchor].unit == w.unit ? u->anchor : -1;
    if (u->is_photo) {
        out->byline = photo_credit(p, u);
    } else if (anchor >= 0 && (p->b[anchor].flags & BF_LEAD)) {
        out->byline = trimmed_dup(p->text + p->b[anchor].off, p->b[anchor].byline_len);
    } else {
        int by = anchor >= 0 && (p->b[anchor].flags & BF_BYLINE) ? anchor : u->late_byline;
        if (by >= 0 && p->b[by].unit == w.unit) {
            out->byline = trimmed_dup(p->text + p->b[by].off, p->b[by].len);
            done[by] = 1;
        }
    }
    if (out->byline && !u->is_photo) {
        sb_puts(&w.text, out->byline);
        sb_puts(&w.text, "\n\n");
    }
    /* a byline taken from the lead stays next to the rest of its block */
    if (anchor >= 0 && (p->b[anchor].flags & BF_LEAD))
        write_paragraph(&w, anchor, 1);
    for (size_t k = 0; k < u->n_blocks; k++)
        if (p->b[u->blocks[k]].role == ROLE_BOX)
            write_paragraph(&w, u->blocks[k], 0);

    /* the body in page order from the article's start, then what was
     * printed before its headline (text wrapped round to the top) */
    for (size_t k = 0; k < u->n_blocks; k++)
        if (u->blocks[k] >= u->first)
            write_body_block(&w, u->blocks[k]);
    for (size_t k = 0; k < u->n_blocks; k++)
        if (u->blocks[k] < u->first)
            write_body_block(&w, u->blocks[k]);
    for (size_t k = 0; k < u->n_blocks; k++) /* anything a broken chain left */
        if (!done[u->blocks[k]])
            write_paragraph(&w, u->blocks[k], 0);

    /* end with exactly one newline */
    while (w.text.len && w.text.s[w.text.len - 1] == '\n')
        w.text.len--;
    sb_putc(&w.text, '\n');

    if (!out->title) {
        const char *s = w.lead ? w.lead : w.text.s;
        size_t len = w.lead ? strlen(w.lead) : w.text.len;
        if (!w.lead && out->byline) { /* skip the byline line */
            size_t bl = strlen(out->byline);
            if (len > bl + 2) {
                s += bl + 2;
                len -= bl + 2;
            }
        }
        size_t n = seg_first_words(s, len, FIRST_WORDS_CHARS);
        out->title = trimmed_dup(s, n);
    }
    out->title = clean_title(out->title);
    if (out->kind == ART_BOX && (out->byline || utf8_count(w.text.s, w.text.len) > BOX_MAX_CHARS))
        out->kind = ART_FEATURE;
    out->lead = w.lead ? w.lead : nfs_xstrdup("");
    out->text_len = w.text.len;
    out->text = sb_steal(&w.text);
    out->n_blocks = u->n_blocks;
    out->blocks = nfs_xmalloc((u->n_blocks ? u->n_blocks : 1) * sizeof(int));
    memcpy(out->blocks, u->blocks, u->n_blocks * sizeof(int));
    free(hl.v);
}
