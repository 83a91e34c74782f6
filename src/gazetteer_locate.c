/* gazetteer_locate.c - recognising the places an article names and choosing
 * its main region.
 *
 * 1. The matcher finds every division name in the headline, lead and body.
 * 2. Names that are certain (official names and the short forms of
 *    provinces and prefectures, naming one division) are the evidence.
 * 3. Every name is then resolved: a name right after a place keeps the
 *    divisions inside that place (吉林省长春市朝阳区); a name shared by several
 *    divisions (朝阳区, 鼓楼区) takes the one the evidence points to, else it
 *    counts only for what they have in common, else not at all - it is never
 *    guessed. Names that are also ordinary words (short forms of counties,
 *    和平, 白银, townships) count only where the text supports them: after
 *    their province or city, before 县/市/区, or where the article names the
 *    same place with certainty. A two-character short form right after a
 *    family name is a person (张长春).
 * 4. Each mention weighs 3 in the headline, 2 in the lead, 1 in the body; a
 *    name that only introduces the next one (吉林省 in 吉林省长春市) passes its
 *    weight on. The main region goes down the tree from 全国 as long as one
 *    child clearly leads its siblings and is more than a passing mention
 *    beside its parent: at least half the parent's own weight and, when
 *    named only once, heavier than the parent. */
#include "gazetteer_internal.h"

#include <stdlib.h>
#include <string.h>
#ifdef GAZ_TRACE
#include <stdio.h>
#endif

enum { ZONE_BODY, ZONE_LEAD, ZONE_HEADLINE };
static const float zone_weight[] = {1.0f, 2.0f, 3.0f};

/* Weight factors for weaker evidence: a township counts for its county;
 * an ambiguous name counts for what its readings share; a prefecture short
 * form nothing else confirms, or a county named once with nothing around it
 * (会同县 in "市总工会会同县人社局"), is only half a clue. */
#define TOWN_FACTOR        0.5f
#define VAGUE_FACTOR       0.5f
#define UNCONFIRMED_FACTOR 0.5f

/* The place of a dateline (本报北京6月1日电) tells where the report was
 * filed, which for national news is the capital: a weak clue. */
#define DATELINE_WEIGHT 0.5f

/* Thresholds for going down the tree. */
#define MIN_EVIDENCE  1.0f /* to leave 全国 at all */
#define MIN_SHARE     0.5f /* of the weight of all siblings */
#define MIN_VS_PARENT 0.5f /* of the parent's own weight */

enum { ST_NONE, ST_ACCEPTED, ST_AMBIGUOUS, ST_UNSUPPORTED, ST_PERSON };

typedef struct {
    gaz_match m;
    uint8_t seg; /* 0: the article text; 1: the headline scanned on its own */
    uint8_t zone;
    uint8_t state;
    uint8_t kind;  /* kind of the name as read */
    uint8_t vague; /* counted for the common part of several readings */
    int node;
    int antecedent;   /* the place 该市 / 该县 before this name refers to, -1 none */
    float weight;     /* with what the names introducing it passed on */
    float raw_weight; /* as read, before passing anything on */
} mention;

/* Per-division tallies for one article (a small open-addressing map). */
typedef struct {
    int node;              /* -2 = empty slot */
    uint32_t certain_own;  /* certain mentions of this division */
    uint32_t certain_sub;  /* ... of it or anything inside it */
    uint32_t full_reading; /* official names that may mean it */
    uint32_t town_reading; /* townships that lie in it, as read */
    uint32_t town_maybe;   /* townships that may lie in it */
    uint32_t count;        /* accepted mentions */
    uint32_t sub_count;    /* mentions of it or anything inside it, a chain counted once */
    uint8_t zones;         /* 1 << zone of its accepted mentions */
    float own;             /* weight of its own mentions as read, those that only
                              introduce a deeper name left out */
    float sub;             /* weight of it and everything inside it, chains
                              weighing what their names weigh together */
    float raw_sub;         /* sub with every name as read */
} tally;

typedef struct {
    tally *slots;
    size_t mask, used;
} tally_map;

static void tally_alloc(tally_map *t, size_t slots)
{
    t->slots = nfs_xmalloc(slots * sizeof *t->slots);
    for (size_t i = 0; i < slots; i++)
        t->slots[i] = (tally){.node = -2};
    t->mask = slots - 1;
    t->used = 0;
}

static void tally_init(tally_map *t, size_t expected)
{
    size_t n = 64;
    while (n < expected * 2)
        n <<= 1;
    tally_alloc(t, n);
}

static tally *tally_get(tally_map *t, int node, int create);

/* Double the table when it is half full. */
static void tally_grow(tally_map *t)
{
    tally_map old = *t;
    tally_alloc(t, (old.mask + 1) * 2);
    for (size_t i = 0; i <= old.mask; i++)
        if (old.slots[i].node != -2)
            *tally_get(t, old.slots[i].node, 1) = old.slots[i];
    free(old.slots);
}

static tally *tally_get(tally_map *t, int node, int create)
{
    for (size_t h = ((uint32_t)node * 2654435761u) & t->mask;; h = (h + 1) & t->mask) {
        if (t->slots[h].node == node)
            return &t->slots[h];
        if (t->slots[h].node == -2) {
            if (!create)
                return NULL;
            if (2 * (t->used + 1) > t->mask + 1) {
                tally_grow(t);
                return tally_get(t, node, 1);
            }
            t->used++;
            t->slots[h].node = node;
            return &t->slots[h];
        }
    }
}

static uint32_t tally_val(tally_map *t, int node, size_t field)
{
    tally *x = tally_get(t, node, 0);
    return x ? *(const uint32_t *)((const char *)x + field) : 0;
}

#define CERTAIN_OWN(t, n)  tally_val(t, n, offsetof(tally, certain_own))
#define CERTAIN_SUB(t, n)  tally_val(t, n, offsetof(tally, certain_sub))
#define FULL_READING(t, n) tally_val(t, n, offsetof(tally, full_reading))
#define TOWN_READING(t, n) tally_val(t, n, offsetof(tally, town_reading))
#define TOWN_MAYBE(t, n)   tally_val(t, n, offsetof(tally, town_maybe))

typedef struct {
    const gazetteer *g;
    const gaz_entry *entries;
    const char *seg_text[2];
    size_t seg_len[2];
    mention *ms;
    size_t n;
    tally_map evidence;
} ctx;

/* ------------------------------------------------------------------ */
/* reading one name */

static int needs_support(const ctx *c, const gaz_entry *e, const mention *m)
{
    const gaz_node *d = &c->g->nodes[e->node];
    if (e->common || e->kind == GAZ_STREET)
        return 1;
    if (e->kind == GAZ_SHORT && d->level == 3)
        return 1;
    return e->kind == GAZ_FULL && d->level == 3 && m->m.n_chars <= 2; /* 忠县, 城区 */
}

static int common_ancestor(const gazetteer *g, int a, int b)
{
    for (int x = a; x >= 0; x = g->nodes[x].parent)
        if (x == b || gaz_is_ancestor(g, x, b))
            return x;
    return -1;
}

/* How strongly the article's evidence points at node: 4 when a township of
 * the article lies in it, or when node is a county both a township and an
 * official name of the article may mean (朝阳区 ... 三里屯街道); else the
 * depth of the deepest division at or above it (below `above`) that the
 * article names with certainty; 0 for none. */
static int context_of(ctx *c, int node, int above, int is_town)
{
    if (TOWN_READING(&c->evidence, node))
        return 4;
    if (is_town ? FULL_READING(&c->evidence, node) : TOWN_MAYBE(&c->evidence, node))
        return 4;
    for (int x = node; x >= 0 && x != above; x = c->g->nodes[x].parent)
        if (CERTAIN_SUB(&c->evidence, x))
            return c->g->nodes[x].depth;
    return 0;
}

/* The readings of a mention: indexes into c->entries, at most max. */
static size_t readings(const ctx *c, const mention *m, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (uint32_t k = 0; k < m->m.n_entries && n < max; k++) {
        const gaz_entry *e = &c->entries[m->m.entry_lo + k];
        if (e->kind != GAZ_BLOCK)
            out[n++] = m->m.entry_lo + k;
    }
    return n;
}

/* Narrow the readings to one: the containing unit among nested readings
 * (吉林 -> 吉林省, not 吉林市), then the one the evidence points at, then
 * a unique reading of the highest level for short forms (海南 -> 海南省).
 * Returns the entry index, or -1 (*lca set to what the readings share). */
static int choose_reading(ctx *c, const uint32_t *r, size_t n, int use_context, int *lca)
{
    const gazetteer *g = c->g;
    *lca = -1;
    if (n == 1)
        return (int)r[0];
    /* one reading containing all others */
    for (size_t i = 0; i < n; i++) {
        int ni = (int)c->entries[r[i]].node, all = 1;
        for (size_t j = 0; j < n && all; j++) {
            int nj = (int)c->entries[r[j]].node;
            all = nj == ni || gaz_is_ancestor(g, ni, nj);
        }
        if (all)
            return (int)r[i];
    }
    int shared = (int)c->entries[r[0]].node;
    for (size_t i = 1; i < n && shared >= 0; i++)
        shared = common_ancestor(g, shared, (int)c->entries[r[i]].node);
    *lca = shared;
    if (use_context) {
        int best = -1, best_ctx = 0, tie = 0;
        for (size_t i = 0; i < n; i++) {
            int x = context_of(c, (int)c->entries[r[i]].node, shared,
                               c->entries[r[i]].kind == GAZ_STREET);
            if (x > best_ctx) {
                best_ctx = x;
                best = (int)r[i];
                tie = 0;
            } else if (x == best_ctx && x > 0 && c->entries[r[i]].node != c->entries[best].node) {
                tie = 1;
            }
        }
        if (best >= 0 && !tie)
            return best;
    }
    /* a short form shared by units of different levels: the highest one,
     * when it is the only one of its level (海南 is 海南省) */
    int top = -1, top_level = 9, top_tie = 0;
    for (size_t i = 0; i < n; i++) {
        const gaz_entry *e = &c->entries[r[i]];
        if (e->kind != GAZ_SHORT)
            return -1;
        int lv = g->nodes[e->node].level;
        if (lv < top_level) {
            top_level = lv;
            top = (int)r[i];
            top_tie = 0;
        } else if (lv == top_level && e->node != c->entries[top].node) {
            top_tie = 1;
        }
    }
    return top_tie || top_level > 2 ? -1 : top;
}

/* Is s[start..end) the place of a dateline: after 本报 or a news agency,
 * before the date (本报长春11月18日电, 新华社北京6月1日电)? */
static int is_dateline(const char *s, size_t len, size_t start, size_t end)
{
    static const char *agencies[] = {"本报", "新华社", "中新社"};
    int after_agency = 0;
    for (size_t i = 0; i < NFS_ARRAY_LEN(agencies) && !after_agency; i++) {
        size_t l = strlen(agencies[i]);
        after_agency = start >= l && memcmp(s + start - l, agencies[i], l) == 0;
    }
    return after_agency && end < len && s[end] >= '0' && s[end] <= '9';
}

/* Does the article name a division above node with certainty? */
static int ancestor_named(ctx *c, int node)
{
    for (int x = c->g->nodes[node].parent; x >= 0; x = c->g->nodes[x].parent)
        if (CERTAIN_OWN(&c->evidence, x))
            return 1;
    return 0;
}

static uint32_t cp_before(const char *s, size_t at)
{
    if (at == 0)
        return 0;
    size_t k = at - 1;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    uint32_t cp;
    utf8_decode(s + k, at - k, &cp);
    return cp;
}

static uint32_t cp_after(const char *s, size_t len, size_t at)
{
    uint32_t cp = 0;
    if (at < len)
        utf8_decode(s + at, len - at, &cp);
    return cp;
}

/* 永康县 or 海门市 for what is now 永康市 or 海门区: a county short form
 * followed by an older unit word (not 区: 合作区 is no 合作市). */
static int is_unit_suffix(uint32_t cp)
{
    static const char suffixes[] = "县市";
    for (size_t i = 0; i < sizeof suffixes - 1; i += 3) {
        uint32_t s;
        utf8_decode(suffixes + i, 3, &s);
        if (s == cp)
            return 1;
    }
    return 0;
}

/* Read mention i; prev is the accepted place right before it, or the one a
 * 该市 before it refers to, or NULL. */
static void read_mention(ctx *c, size_t i, const mention *prev)
{
    const gazetteer *g = c->g;
    mention *m = &c->ms[i];
    const char *text = c->seg_text[m->seg];
    size_t text_len = c->seg_len[m->seg];
    uint32_t r[64];
    size_t n = readings(c, m, r, NFS_ARRAY_LEN(r));
    m->state = ST_NONE;
    m->node = -1;
    m->vague = 0;
    if (n == 0)
        return;

    /* right after a place: keep the readings inside it */
    int adjacent = 0;
    if (prev) {
        size_t k = 0;
        for (size_t j = 0; j < n; j++)
            if (gaz_is_ancestor(g, prev->node, (int)c->entries[r[j]].node))
                r[k++] = r[j];
        if (k) {
            n = k;
            adjacent = 1;
        }
    }

    int lca;
    int chosen = choose_reading(c, r, n, 1, &lca);
    const gaz_entry *e;
    if (chosen < 0) {
        /* several readings and nothing to choose by: count the part they
         * share, if it is a division; else leave the name out */
        size_t weak = 0;
        for (size_t j = 0; j < n; j++)
            weak += needs_support(c, &c->entries[r[j]], m) != 0;
        if (weak == n) { /* an ordinary word more likely than any of them (新兴) */
            m->state = ST_UNSUPPORTED;
            return;
        }
        if (lca < 0 || weak) {
            m->state = ST_AMBIGUOUS;
            return;
        }
        e = &c->entries[r[0]];
        m->node = lca;
        m->vague = 1;
    } else {
        e = &c->entries[chosen];
        m->node = (int)e->node;
    }
    m->kind = e->kind;

    int confirmed = adjacent || CERTAIN_OWN(&c->evidence, m->node) > 0;
    if (!m->vague && needs_support(c, e, m)) {
        const gaz_node *d = &g->nodes[m->node];
        int ok = confirmed;
        if (!ok && e->kind == GAZ_SHORT && !m->m.clipped)
            ok = is_unit_suffix(cp_after(text, text_len, m->m.end)); /* 永康县 for 永康市 */
        if (!ok && e->kind == GAZ_FULL && d->parent >= 0)
            ok = CERTAIN_SUB(&c->evidence, d->parent) > 0; /* 忠县 in an article on 重庆 */
        if (!ok && e->kind == GAZ_STREET)
            ok = CERTAIN_SUB(&c->evidence, m->node) > 0 ||
                 FULL_READING(&c->evidence, m->node) > 0 ||
                 (d->parent >= 0 && CERTAIN_OWN(&c->evidence, d->parent) > 0);
        if (!ok) {
            m->state = ST_UNSUPPORTED;
            return;
        }
        confirmed = 1;
    }

    /* 张长春: a two-character short form after a family name is a person */
    if (e->kind == GAZ_SHORT && m->m.n_chars == 2 && !adjacent &&
        gaz_is_surname(g, cp_before(text, m->m.start)) && !(prev && prev->m.end == m->m.start)) {
        m->state = ST_PERSON;
        return;
    }

    float w = zone_weight[m->zone];
    if (is_dateline(text, text_len, m->m.start, m->m.end))
        w = DATELINE_WEIGHT;
    if (e->kind == GAZ_STREET)
        w *= TOWN_FACTOR;
    if (m->vague)
        w *= VAGUE_FACTOR;
    if (e->kind == GAZ_SHORT && !confirmed && g->nodes[m->node].level == 2)
        w *= UNCONFIRMED_FACTOR;
    if (e->kind == GAZ_FULL && !adjacent && !m->vague && g->nodes[m->node].level == 3 &&
        CERTAIN_OWN(&c->evidence, m->node) <= 1 && !ancestor_named(c, m->node))
        w *= UNCONFIRMED_FACTOR;
    m->weight = m->raw_weight = w;
    m->state = ST_ACCEPTED;
}

/* The certain evidence: mentions with a single reading that needs no support. */
static void gather_evidence(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        mention *m = &c->ms[i];
        uint32_t r[64];
        size_t n = readings(c, m, r, NFS_ARRAY_LEN(r));
        for (size_t j = 0; j < n; j++) {
            const gaz_entry *e = &c->entries[r[j]];
            if (e->kind == GAZ_FULL || e->kind == GAZ_FORMER)
                tally_get(&c->evidence, (int)e->node, 1)->full_reading++;
            else if (e->kind == GAZ_STREET)
                tally_get(&c->evidence, (int)e->node, 1)->town_maybe++;
        }
        int lca;
        int chosen = choose_reading(c, r, n, 0, &lca);
        if (chosen < 0 || needs_support(c, &c->entries[chosen], m))
            continue;
        int node = (int)c->entries[chosen].node;
        tally_get(&c->evidence, node, 1)->certain_own++;
        for (int x = node; x >= 0; x = c->g->nodes[x].parent)
            tally_get(&c->evidence, x, 1)->certain_sub++;
    }
}

/* Accepted mentions become evidence for the second reading (和平区 once
 * resolved by 沈阳 confirms the next 和平区). */
static void add_accepted_evidence(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mention *m = &c->ms[i];
        if (m->state != ST_ACCEPTED || m->vague || m->kind == GAZ_STREET)
            continue;
        tally *t = tally_get(&c->evidence, m->node, 1);
        if (t->certain_own)
            continue;
        t->certain_own++;
        for (int x = m->node; x >= 0; x = c->g->nodes[x].parent)
            tally_get(&c->evidence, x, 1)->certain_sub++;
    }
}

/* Townships whose county the article names (三里屯街道 beside 朝阳区) tell
 * which 朝阳区 is meant. */
static void add_town_evidence(ctx *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const mention *m = &c->ms[i];
        if (m->state == ST_ACCEPTED && m->kind == GAZ_STREET)
            tally_get(&c->evidence, m->node, 1)->town_reading++;
    }
}

/* Is s[at] preceded by 该市, 该县, 该区, 该州, 该盟 or 该省 ("that city")? */
static int after_anaphor(const char *s, size_t at)
{
    static const char *forms[] = {"该市", "该县", "该区", "该州", "该盟", "该省"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(forms); i++) {
        size_t l = strlen(forms[i]);
        if (at >= l && memcmp(s + at - l, forms[i], l) == 0)
            return 1;
    }
    return 0;
}

/* The place an anaphor before mention i refers to: the last accepted
 * mention of the same paragraph (山东省临沂市……该市兰山区), or -1. */
static int antecedent_of(const ctx *c, size_t i)
{
    const mention *m = &c->ms[i];
    const char *s = c->seg_text[m->seg];
    if (!after_anaphor(s, m->m.start))
        return -1;
    for (size_t j = i; j-- > 0;) {
        const mention *p = &c->ms[j];
        if (p->seg != m->seg || memchr(s + p->m.end, '\n', m->m.start - p->m.end))
            return -1;
        if (p->state == ST_ACCEPTED)
            return (int)j;
    }
    return -1;
}

static void read_all(ctx *c)
{
    const mention *prev = NULL;
    for (size_t i = 0; i < c->n; i++) {
        if (prev && (prev->seg != c->ms[i].seg || prev->m.end != c->ms[i].m.start))
            prev = NULL;
        c->ms[i].antecedent = prev ? -1 : antecedent_of(c, i);
        const mention *before = prev;
        if (!before && c->ms[i].antecedent >= 0)
            before = &c->ms[c->ms[i].antecedent];
        read_mention(c, i, before);
        prev = c->ms[i].state == ST_ACCEPTED ? &c->ms[i] : NULL;
    }
}

/* ------------------------------------------------------------------ */
/* finding the names */

/* The first paragraph after from of at least LEAD_MIN_CHARS characters that
 * holds a full sentence (not a byline, kicker, column name or repeated
 * headline). */
#define LEAD_MIN_CHARS 30
static void find_lead(const char *text, size_t len, size_t from, size_t *start, size_t *end)
{
    *start = *end = 0;
    for (size_t p = from; p < len;) {
        while (p < len && (text[p] == '\n' || text[p] == ' '))
            p++;
        const char *nl = memchr(text + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - text) : len;
        if (utf8_count(text + p, e - p) >= LEAD_MIN_CHARS && memmem(text + p, e - p, "。", 3)) {
            *start = p;
            *end = e;
            return;
        }
        p = e;
    }
}

/* Find the names of the article, each with the zone it stands in. The
 * article text opens with its headline lines; if it does not, the headline
 * is scanned on its own. */
static void find_mentions(ctx *c, const struct gaz_matcher *mt, const article_view *a)
{
    const char *text = a->text ? a->text : "";
    size_t text_len = a->text ? a->text_len : 0;
    const char *headline = a->headline ? a->headline : "";
    size_t head_len = strlen(headline);
    c->seg_text[0] = text;
    c->seg_len[0] = text_len;
    c->seg_text[1] = headline;
    c->seg_len[1] = head_len;

    size_t head_end = 0;
    int separate_headline = 0;
    if (head_len && text_len >= head_len && memcmp(text, headline, head_len) == 0)
        head_end = head_len;
    else if (head_len)
        separate_headline = 1;
    size_t lead_start, lead_end;
    find_lead(text, text_len, head_end, &lead_start, &lead_end);

    gaz_match *found = NULL;
    size_t n_found = 0, cap_found = 0, n_head = 0;
    if (separate_headline) {
        gaz_matcher_scan(mt, headline, head_len, &found, &n_found, &cap_found);
        n_head = n_found;
    }
    gaz_matcher_scan(mt, text, text_len, &found, &n_found, &cap_found);
    c->n = n_found;
    c->ms = nfs_xcalloc(n_found + 1, sizeof *c->ms);
    for (size_t i = 0; i < n_found; i++) {
        mention *m = &c->ms[i];
        m->m = found[i];
        m->seg = i < n_head;
        if (m->seg || m->m.start < head_end)
            m->zone = ZONE_HEADLINE;
        else if (m->m.start >= lead_start && m->m.start < lead_end)
            m->zone = ZONE_LEAD;
        else
            m->zone = ZONE_BODY;
    }
    free(found);
}

/* ------------------------------------------------------------------ */
/* weighing and choosing the main region */

/* Sum the accepted mentions per division and up the tree. A name that only
 * introduces the next (吉林省 in 吉林省长春市, 临沂市 in 临沂市……该市兰山区)
 * passes its weight on to it: a place stated that precisely is the place
 * of the event, and the introducing name does not count as its own. */
static size_t weigh(ctx *c, tally_map *t)
{
    const gazetteer *g = c->g;
    for (size_t i = 0; i + 1 < c->n; i++) {
        mention *m = &c->ms[i], *nx = &c->ms[i + 1];
        if (m->state == ST_ACCEPTED && nx->state == ST_ACCEPTED && m->seg == nx->seg &&
            m->m.end == nx->m.start && gaz_is_ancestor(g, m->node, nx->node)) {
            nx->weight += m->weight;
            m->weight = 0;
        }
        /* the same through 该市 */
        mention *a = nx->antecedent >= 0 ? &c->ms[nx->antecedent] : NULL;
        if (a && nx->state == ST_ACCEPTED && gaz_is_ancestor(g, a->node, nx->node)) {
            nx->weight += a->weight;
            a->weight = 0;
        }
    }
    size_t distinct = 0;
    for (size_t i = 0; i < c->n; i++) {
        const mention *m = &c->ms[i];
        if (m->state != ST_ACCEPTED)
            continue;
        tally *x = tally_get(t, m->node, 1);
        if (x->count++ == 0)
            distinct++;
        if (m->weight > 0)
            x->own += m->raw_weight;
        x->zones |= (uint8_t)(1u << m->zone);
        for (int p = m->node; p >= 0; p = g->nodes[p].parent) {
            tally *y = tally_get(t, p, 1);
            y->sub += m->weight;
            y->raw_sub += m->raw_weight;
            y->sub_count += m->weight > 0; /* a chain (吉林省长春市) is one mention */
        }
    }
    return distinct;
}

static int cmp_hits(const void *a, const void *b)
{
    const gaz_hit *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->code < y->code ? -1 : x->code > y->code;
}

/* The heaviest child of node (-1 = 全国): *w1 its weight, *w2 the next one's,
 * *total all children's. Returns how many children weigh anything. */
static size_t weighed_children(const gazetteer *g, tally_map *t, int node, int *best, float *w1,
                               float *w2, float *total)
{
    const uint32_t *kids;
    size_t nk = gaz_children(g, node < 0 ? 0 : g->nodes[node].code, &kids);
    size_t n = 0;
    *best = -1;
    *w1 = *w2 = *total = 0;
    for (size_t i = 0; i < nk; i++) {
        int ci = gaz_node_index(g, kids[i]);
        tally *x = tally_get(t, ci, 0);
        if (!x || x->sub <= 0)
            continue;
        n++;
        *total += x->sub;
        if (x->sub > *w1) {
            *w2 = *w1;
            *w1 = x->sub;
            *best = ci;
        } else if (x->sub > *w2) {
            *w2 = x->sub;
        }
    }
    return n;
}

static void put_name(strbuf *sb, const gazetteer *g, int node)
{
    sb_puts(sb, node < 0 ? "全国" : g->nodes[node].name);
}

/* Go down from 全国 while one child clearly leads; says in why where and
 * why it stopped. Returns the node (-1 = 全国). */
static int choose_main(const gazetteer *g, tally_map *t, strbuf *why)
{
    int node = -1;
    float own_parent = 0;
    for (;;) {
        int best;
        float w1, w2, total;
        if (weighed_children(g, t, node, &best, &w1, &w2, &total) == 0)
            return node;
        tally *b = tally_get(t, best, 0);
#ifdef GAZ_TRACE
        fprintf(stderr, "  step %s -> %s: w1 %.1f w2 %.1f total %.1f own_parent %.1f mentions %u\n",
                node < 0 ? "全国" : g->nodes[node].name, g->nodes[best].name, w1, w2, total,
                own_parent, b->sub_count);
#endif
        if (node < 0 && b->raw_sub < MIN_EVIDENCE) {
            put_name(why, g, best);
            sb_printf(why, " is too slight a clue (%.1f)", b->raw_sub);
            return node;
        }
        if (w1 <= w2 || w1 < MIN_SHARE * total) {
            sb_puts(why, "no single place ");
            if (node >= 0) {
                sb_puts(why, "inside ");
                put_name(why, g, node);
                sb_puts(why, " ");
            }
            sb_puts(why, "leads (");
            put_name(why, g, best);
            sb_printf(why, " %.1f of %.1f)", w1, total);
            return node;
        }
        if (w1 < MIN_VS_PARENT * own_parent || (b->sub_count < 2 && w1 <= own_parent)) {
            put_name(why, g, best);
            sb_printf(why, " is only a passing mention (%.1f against %.1f for ", w1, own_parent);
            put_name(why, g, node);
            sb_puts(why, " itself)");
            return node;
        }
        node = best;
        own_parent = b->own;
    }
}

/* "in the headline and lead" for a zone mask. */
static void put_zones(strbuf *sb, unsigned zones)
{
    static const char *names[] = {"body", "lead", "headline"};
    const char *parts[3];
    int n = 0;
    for (int z = ZONE_HEADLINE; z >= ZONE_BODY; z--)
        if (zones & (1u << z))
            parts[n++] = names[z];
    sb_puts(sb, "in the ");
    for (int i = 0; i < n; i++) {
        if (i)
            sb_puts(sb, i == n - 1 ? " and " : ", ");
        sb_puts(sb, parts[i]);
    }
}

/* The account shown to users: what was chosen, on what evidence, what
 * stopped it going deeper, what else was named and what was left out. */
static char *explain(ctx *c, tally_map *t, int main_node, const gaz_result *r, const strbuf *why)
{
    const gazetteer *g = c->g;
    strbuf sb = {0};
    char path[256];
    gaz_path(g, r->main, path, sizeof path);
    sb_puts(&sb, path);
    sb_puts(&sb, ": ");
    int said = 0;
    if (r->n_hits == 0) {
        sb_puts(&sb, "no place named");
        said = 1;
    } else if (main_node >= 0) {
        /* the deepest named division on the way down */
        int shown = main_node;
        while (shown >= 0 && !(tally_get(t, shown, 0) && tally_get(t, shown, 0)->count))
            shown = g->nodes[shown].parent;
        if (shown >= 0) {
            const tally *x = tally_get(t, shown, 0);
            if (x->count == 1)
                sb_printf(&sb, "%s named once ", g->nodes[shown].name);
            else
                sb_printf(&sb, "%s named %u times ", g->nodes[shown].name, x->count);
            put_zones(&sb, x->zones);
            if (shown != main_node) {
                sb_puts(&sb, ", with ");
                put_name(&sb, g, main_node);
                sb_puts(&sb, " inside it");
            }
            said = 1;
        }
    }
    if (why->len) {
        sb_puts(&sb, said ? "; " : "");
        sb_append(&sb, why->s, why->len);
        said = 1;
    }
    size_t others = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        if (r->hits[i].code == r->main)
            continue;
        if (others == 6) {
            sb_puts(&sb, ", ...");
            break;
        }
        sb_puts(&sb, others++ ? ", " : said ? "; also named: " : "named: ");
        sb_printf(&sb, "%s x%u", gaz_name(g, r->hits[i].code), r->hits[i].count);
    }
    /* names read in a special way, once each */
    int said_state[5] = {0};
    for (size_t i = 0; i < c->n; i++) {
        const mention *m = &c->ms[i];
        const char *s = c->seg_text[m->seg] + m->m.start;
        int l = (int)(m->m.end - m->m.start);
        if (m->state == ST_AMBIGUOUS && !said_state[ST_AMBIGUOUS]++) {
            sb_printf(
                &sb,
                "; %.*s left out: several places have that name and the text does not say which", l,
                s);
        } else if (m->state == ST_PERSON && !said_state[ST_PERSON]++) {
            sb_printf(&sb, "; %.*s read as part of a personal name", l, s);
        } else if (m->state == ST_ACCEPTED && m->kind == GAZ_FORMER && !said_state[ST_ACCEPTED]++) {
            sb_printf(&sb, "; %.*s read as its successor %s", l, s, g->nodes[m->node].name);
        }
    }
    return sb_steal(&sb);
}

int gaz_locate(const gazetteer *g, const article_view *a, enrich_mode mode, gaz_result *out)
{
    memset(out, 0, sizeof *out);
    const struct gaz_matcher *mt = gaz_matcher_get(g);
    ctx c = {.g = g, .entries = gaz_matcher_entries(mt)};
    find_mentions(&c, mt, a);

    /* read every name twice: the second time with what the first settled */
    tally_init(&c.evidence, c.n + 8);
    gather_evidence(&c);
    read_all(&c);
    add_accepted_evidence(&c);
    add_town_evidence(&c);
    read_all(&c);
#ifdef GAZ_TRACE /* cc -DGAZ_TRACE: every name found, to stderr */
    for (size_t i = 0; i < c.n; i++) {
        const mention *m = &c.ms[i];
        fprintf(stderr, "  %.*s zone=%d state=%d kind=%d node=%s w=%.1f\n",
                (int)(m->m.end - m->m.start), c.seg_text[m->seg] + m->m.start, m->zone, m->state,
                m->kind, m->node >= 0 ? g->nodes[m->node].name : "-", m->weight);
    }
#endif

    tally_map t;
    tally_init(&t, c.n * 4 + 8);
    size_t distinct = weigh(&c, &t);
    out->hits = nfs_xcalloc(distinct + 1, sizeof *out->hits);
    for (size_t i = 0; i <= t.mask; i++)
        if (t.slots[i].node >= 0 && t.slots[i].count)
            out->hits[out->n_hits++] = (gaz_hit){g->nodes[t.slots[i].node].code, t.slots[i].count};
    qsort(out->hits, out->n_hits, sizeof *out->hits, cmp_hits);

    strbuf why = {0};
    int main_node = choose_main(g, &t, &why);
    out->main = main_node < 0 ? 0 : g->nodes[main_node].code;
    if (mode == ENRICH_EXPLAIN)
        out->explain = explain(&c, &t, main_node, out, &why);
    sb_free(&why);
    free(t.slots);
    free(c.evidence.slots);
    free(c.ms);
    return 0;
}

void gaz_result_free(gaz_result *r)
{
    free(r->hits);
    free(r->explain);
    memset(r, 0, sizeof *r);
}
