/* topics.c - the topic classifier: find the taxonomy's terms in an
 * article's headline, lead and body, weigh the evidence per topic, keep
 * the main topic and up to two others that are strong enough, and explain
 * the decision. A pure function of (taxonomy, article_view).
 *
 * Scoring, per topic: every term found adds
 *     weight * (headline_factor   [if in a headline line]
 *               + lead_factor     [if in the lead paragraph]
 *               + subhead_factor  [if in a subheading inside the body]
 *               + 1 + repeat * ln(n)  [if found n >= 1 times in the body])
 * A term found inside a longer term of the same topic (or inside one of
 * its exclusions) does not count on its own. The main topic is the best
 * scoring one if it reaches min-score; another topic is kept if it
 * reaches second-min and second-ratio times the main topic's score.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topics_internal.h"

enum { ZONE_HEADLINE, ZONE_LEAD, ZONE_SUBHEAD, ZONE_BODY, N_ZONES };

typedef struct {
    uint32_t term;
    size_t start, end;
} term_hit;

typedef struct {
    term_hit *hits;
    size_t n, cap;
} hit_list;

static void collect_hit(void *ctx, unsigned pattern, size_t start, size_t end)
{
    hit_list *l = ctx;
    term_hit h = {pattern, start, end};
    NFS_VEC_PUSH(l->hits, l->n, l->cap, h);
}

/* By start, the longer of two hits starting together first. */
static int hit_order(const void *a, const void *b)
{
    const term_hit *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

/* Per-call working memory (the taxonomy itself is never written). */
typedef struct {
    const taxonomy *tax;
    hit_list found;
    uint16_t (*counts)[N_ZONES]; /* per term: mentions per zone */
    uint32_t *touched;           /* terms with a non-zero count */
    size_t n_touched;
    size_t *cover_end;           /* per topic: end of the furthest-reaching hit so far */
    size_t *subheads;            /* body subheading lines: start, end, start, end, ... */
    size_t n_subheads, cap_subheads;
} scan_state;

/* Does the line end like a sentence (so it is no subheading)? */
static int ends_sentence(const char *s, size_t n)
{
    static const char *const enders[] = {"。", "！", "？", "；", "：", "”", "」", "』", "…", "）",
                                         "!",  "?",  ";",  ":",  ".",  ")",  "\"", ","};
    for (size_t i = 0; i < NFS_ARRAY_LEN(enders); i++) {
        size_t k = strlen(enders[i]);
        if (n >= k && memcmp(s + n - k, enders[i], k) == 0)
            return 1;
    }
    return 0;
}

/* Short body lines that do not end like a sentence: the in-article
 * subheadings (小标题) of feature stories, which name what a part is about. */
#define SUBHEAD_MAX_BYTES 60
static void find_subheads(scan_state *st, const char *body, size_t len)
{
    st->n_subheads = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(body + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - body) : len;
        size_t n = e - i;
        if (n > 0 && n <= SUBHEAD_MAX_BYTES && !ends_sentence(body + i, n)) {
            NFS_VEC_PUSH(st->subheads, st->n_subheads, st->cap_subheads, i);
            NFS_VEC_PUSH(st->subheads, st->n_subheads, st->cap_subheads, e);
        }
        i = e + 1;
    }
}

static int in_subhead(const scan_state *st, size_t start, size_t end)
{
    for (size_t i = 0; i + 1 < st->n_subheads; i += 2)
        if (start >= st->subheads[i] && end <= st->subheads[i + 1])
            return 1;
    return 0;
}

/* Count the terms found in one zone, dropping hits covered by a longer
 * hit of the same topic. Hits inside [lead_start, lead_end) of the text
 * count for the lead too (the lead is the body's first paragraph, so it is
 * not scanned twice). */
static void scan_zone(scan_state *st, const char *s, size_t len, int zone, size_t lead_start,
                      size_t lead_end)
{
    const taxonomy *t = st->tax;
    st->found.n = 0;
    term_matcher_scan(t->matcher, s, len, collect_hit, &st->found);
    if (st->found.n == 0)
        return;
    if (st->found.n > 1)
        qsort(st->found.hits, st->found.n, sizeof *st->found.hits, hit_order);
    memset(st->cover_end, 0, t->n_topics * sizeof *st->cover_end);
    for (size_t i = 0; i < st->found.n; i++) {
        const term_hit *h = &st->found.hits[i];
        const topic_term *term = &t->terms[h->term];
        size_t *cover = &st->cover_end[term->topic];
        if (*cover >= h->end)
            continue; /* inside a longer term of the same topic */
        *cover = h->end;
        if (term->exclude)
            continue;
        uint16_t *c = st->counts[h->term];
        if (!c[ZONE_HEADLINE] && !c[ZONE_LEAD] && !c[ZONE_SUBHEAD] && !c[ZONE_BODY])
            st->touched[st->n_touched++] = h->term;
        if (c[zone] < UINT16_MAX)
            c[zone]++;
        if (h->start >= lead_start && h->end <= lead_end && c[ZONE_LEAD] < UINT16_MAX)
            c[ZONE_LEAD]++;
        if (zone == ZONE_BODY && st->n_subheads && in_subhead(st, h->start, h->end) &&
            c[ZONE_SUBHEAD] < UINT16_MAX)
            c[ZONE_SUBHEAD]++;
    }
}

/* The body: the article text after its headline lines. */
static void body_of(const article_view *a, const char **body, size_t *len)
{
    const char *text = a->text ? a->text : "";
    size_t n = a->text ? a->text_len : 0;
    const char *head = a->headline ? a->headline : "";
    size_t hl = strlen(head);
    size_t skip = 0;
    if (hl && n >= hl && memcmp(text, head, hl) == 0) {
        skip = hl;
    } else if (hl) {
        const char *blank = memmem(text, n, "\n\n", 2);
        skip = blank ? (size_t)(blank - text) : 0;
    }
    *body = text + skip;
    *len = n - skip;
}

typedef struct {
    uint32_t term;
    float value;
} evidence;

typedef struct {
    int topic;
    float score;
} ranked;

static int ranked_order(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->topic - y->topic;
}

static int evidence_order(const void *a, const void *b)
{
    const evidence *x = a, *y = b;
    float ax = fabsf(x->value), ay = fabsf(y->value);
    if (ax != ay)
        return ax > ay ? -1 : 1;
    return x->term < y->term ? -1 : x->term > y->term;
}

#define EXPLAIN_TERMS 6

/* Append v rounded to one decimal ("12.5", "-3.0"): printf's float
 * formatting would cost more than finding the terms. */
static void put_tenths(strbuf *sb, float v)
{
    long tenths = lroundf(v * 10.0f);
    char tmp[32], *p = tmp + sizeof tmp;
    unsigned long u = (unsigned long)(tenths < 0 ? -tenths : tenths);
    *--p = (char)('0' + u % 10);
    *--p = '.';
    u /= 10;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    if (tenths < 0)
        *--p = '-';
    sb_append(sb, p, (size_t)(tmp + sizeof tmp - p));
}

/* "劳模 6.0 (headline, lead, body 3x); 宣讲 2.6 (body 3x)" */
static void explain_terms(strbuf *sb, const taxonomy *t, const uint16_t (*counts)[N_ZONES],
                          const evidence *ev, size_t n)
{
    float rest = 0.0f;
    for (size_t i = 0; i < n; i++) {
        if (i >= EXPLAIN_TERMS) {
            rest += ev[i].value;
            continue;
        }
        const uint16_t *c = counts[ev[i].term];
        if (i)
            sb_puts(sb, "; ");
        sb_puts(sb, t->terms[ev[i].term].text);
        sb_putc(sb, ' ');
        put_tenths(sb, ev[i].value);
        sb_puts(sb, " (");
        const char *sep = "";
        if (c[ZONE_HEADLINE]) {
            sb_puts(sb, "headline");
            sep = ", ";
        }
        if (c[ZONE_LEAD]) {
            sb_puts(sb, sep);
            sb_puts(sb, "lead");
            sep = ", ";
        }
        if (c[ZONE_SUBHEAD]) {
            sb_puts(sb, sep);
            sb_puts(sb, "subheading");
            sep = ", ";
        }
        if (c[ZONE_BODY]) {
            char num[16];
            int k = snprintf(num, sizeof num, "%u", (unsigned)c[ZONE_BODY]);
            sb_puts(sb, sep);
            sb_puts(sb, "body ");
            sb_append(sb, num, (size_t)k);
            sb_putc(sb, 'x');
        }
        sb_putc(sb, ')');
    }
    if (n > EXPLAIN_TERMS) {
        sb_printf(sb, "; %zu more terms ", n - EXPLAIN_TERMS);
        put_tenths(sb, rest);
    }
}

/* The explanation: the topics filed under, then the best of the rest,
 * each with its strongest terms (ev is sorted here). */
static char *explain_topics(const taxonomy *t, const scan_state *st, evidence *ev, size_t n_ev,
                            const ranked *rank, size_t n_rank, const topic_result *out, float bar)
{
    const topic_params *P = &t->params;
    qsort(ev, n_ev, sizeof *ev, evidence_order); /* strongest terms first */
    strbuf sb = {0};
    if (n_rank == 0)
        sb_puts(&sb, "no topic: no term of the taxonomy found\n");
    else if (out->n == 0)
        sb_printf(&sb, "no topic: best score %.1f is below min-score %.1f\n", rank[0].score,
                  P->min_score);
    static const char *const role[] = {"main", "2nd", "3rd"};
    size_t shown_rejected = 0;
    evidence *mine = nfs_xmalloc((n_ev + 1) * sizeof *mine);
    for (size_t i = 0; i < n_rank; i++) {
        int filed = (int)i < out->n;
        if (!filed && shown_rejected++ >= 2)
            break;
        int k = rank[i].topic;
        sb_puts(&sb, t->names[k]);
        sb_putc(&sb, ' ');
        put_tenths(&sb, rank[i].score);
        sb_putc(&sb, ' ');
        if (filed)
            sb_printf(&sb, "(%s)", role[i]);
        else if (out->n == 0)
            sb_puts(&sb, "(not filed)");
        else if (out->n >= P->max_topics)
            sb_printf(&sb, "(not filed: %d topics already)", out->n);
        else if (rank[i].score < P->second_min && P->second_min >= P->second_ratio * rank[0].score)
            sb_printf(&sb, "(not filed: below second-min %.1f)", P->second_min);
        else
            sb_printf(&sb, "(not filed: below %.0f%% of main = %.1f)", P->second_ratio * 100.0,
                      bar);
        sb_puts(&sb, ": ");
        size_t n_mine = 0;
        for (size_t j = 0; j < n_ev; j++)
            if (t->terms[ev[j].term].topic == k)
                mine[n_mine++] = ev[j];
        explain_terms(&sb, t, (const uint16_t(*)[N_ZONES])st->counts, mine, n_mine);
        sb_putc(&sb, '\n');
    }
    if (sb.len && sb.s[sb.len - 1] == '\n')
        sb.s[--sb.len] = '\0';
    free(mine);
    return sb_steal(&sb);
}

int topics_classify(const taxonomy *t, const article_view *a, enrich_mode mode, topic_result *out)
{
    memset(out, 0, sizeof *out);
    const topic_params *P = &t->params;
    scan_state st = {.tax = t};
    st.counts = nfs_xcalloc(t->n_terms + 1, sizeof *st.counts);
    st.touched = nfs_xmalloc((t->n_terms + 1) * sizeof *st.touched);
    st.cover_end = nfs_xmalloc((t->n_topics + 1) * sizeof *st.cover_end);

    const char *head = a->headline ? a->headline : "";
    const char *lead = a->lead ? a->lead : "";
    const char *body;
    size_t body_len;
    body_of(a, &body, &body_len);
    size_t lead_len = strlen(lead);
    const char *lead_in_body = lead_len ? memmem(body, body_len, lead, lead_len) : NULL;
    find_subheads(&st, body, body_len);
    scan_zone(&st, head, strlen(head), ZONE_HEADLINE, 1, 0);
    if (lead_in_body) {
        size_t at = (size_t)(lead_in_body - body);
        scan_zone(&st, body, body_len, ZONE_BODY, at, at + lead_len);
    } else {
        scan_zone(&st, lead, lead_len, ZONE_LEAD, 1, 0);
        scan_zone(&st, body, body_len, ZONE_BODY, 1, 0);
    }

    /* evidence per term, grouped by topic */
    evidence *ev = nfs_xmalloc((st.n_touched + 1) * sizeof *ev);
    float *score = nfs_xcalloc(t->n_topics + 1, sizeof *score);
    size_t n_ev = 0;
    for (size_t i = 0; i < st.n_touched; i++) {
        uint32_t k = st.touched[i];
        const uint16_t *c = st.counts[k];
        float factor = (c[ZONE_HEADLINE] ? P->headline : 0.0f) + (c[ZONE_LEAD] ? P->lead : 0.0f) +
                       (c[ZONE_SUBHEAD] ? P->subhead : 0.0f) +
                       (c[ZONE_BODY] ? 1.0f + P->repeat * logf((float)c[ZONE_BODY]) : 0.0f);
        float v = t->terms[k].weight * factor;
        if (v == 0.0f)
            continue;
        ev[n_ev].term = k;
        ev[n_ev].value = v;
        n_ev++;
        score[t->terms[k].topic] += v;
    }

    ranked *rank = nfs_xmalloc((t->n_topics + 1) * sizeof *rank);
    size_t n_rank = 0;
    for (size_t k = 0; k < t->n_topics; k++)
        if (score[k] > 0.0f) {
            rank[n_rank].topic = (int)k;
            rank[n_rank].score = score[k];
            n_rank++;
        }
    qsort(rank, n_rank, sizeof *rank, ranked_order);

    /* the main topic, then the others that are strong enough */
    float bar = 0.0f;
    if (n_rank && rank[0].score >= P->min_score) {
        out->picks[0].topic = rank[0].topic;
        out->picks[0].score = rank[0].score;
        out->n = 1;
        bar = fmaxf(P->second_min, P->second_ratio * rank[0].score);
        for (size_t i = 1; i < n_rank && out->n < P->max_topics && out->n < 3; i++) {
            if (rank[i].score < bar)
                break;
            out->picks[out->n].topic = rank[i].topic;
            out->picks[out->n].score = rank[i].score;
            out->n++;
        }
    }

    if (mode == ENRICH_EXPLAIN)
        out->explain = explain_topics(t, &st, ev, n_ev, rank, n_rank, out, bar);

    free(rank);
    free(score);
    free(ev);
    free(st.found.hits);
    free(st.counts);
    free(st.touched);
    free(st.cover_end);
    free(st.subheads);
    return 0;
}

void topic_result_free(topic_result *r)
{
    free(r->explain);
    memset(r, 0, sizeof *r);
}
