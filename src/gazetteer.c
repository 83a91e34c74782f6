/* gazetteer.c - the division table: loading the embedded data
 * (src/data/divisions.tsv, src/data/gazetteer-lexicon.tsv) at gaz_open and
 * the navigation functions the regions/ tree is built from. Recognition of
 * places in articles lives in gazetteer_locate.c. */
#include "gazetteer_internal.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char nfs_data_divisions_tsv[];
extern const unsigned long nfs_data_divisions_tsv_len;
extern const unsigned char nfs_data_gazetteer_lexicon_tsv[];
extern const unsigned long nfs_data_gazetteer_lexicon_tsv_len;

static const char NATIONAL[] = "全国";

/* ------------------------------------------------------------------ */
/* lookups used everywhere */

int gaz_node_index(const gazetteer *g, uint32_t code)
{
    size_t lo = 0, hi = g->n_nodes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->codes[mid] < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g->n_nodes && g->codes[lo] == code ? (int)lo : -1;
}

int gaz_is_ancestor(const gazetteer *g, int anc, int node)
{
    if (node < 0)
        return 0;
    for (int p = g->nodes[node].parent; p >= 0; p = g->nodes[p].parent)
        if (p == anc)
            return 1;
    return anc < 0; /* 全国 is above every node */
}

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

static int word_in(const gaz_word *words, size_t n, const char *s, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_bytes(words[mid].s, words[mid].len, s, len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int gaz_is_common_word(const gazetteer *g, const char *s, size_t len)
{
    return word_in(g->common, g->n_common, s, len);
}

int gaz_is_surname(const gazetteer *g, uint32_t cp)
{
    size_t lo = 0, hi = g->n_surnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->surnames[mid] == cp)
            return 1;
        if (g->surnames[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* First entry of the name index equal to s[0..len), and how many there are. */
static size_t name_range(const gazetteer *g, const char *s, size_t len, size_t *count)
{
    size_t lo = 0, hi = g->n_names;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_bytes(g->names[mid].s, g->names[mid].len, s, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < g->n_names && cmp_bytes(g->names[end].s, g->names[end].len, s, len) == 0)
        end++;
    *count = end - lo;
    return lo;
}

/* ------------------------------------------------------------------ */
/* navigation */

const char *gaz_name(const gazetteer *g, uint32_t code)
{
    if (code == 0)
        return NATIONAL;
    int i = gaz_node_index(g, code);
    return i < 0 ? NULL : g->nodes[i].name;
}

uint32_t gaz_parent(const gazetteer *g, uint32_t code)
{
    int i = gaz_node_index(g, code);
    if (i < 0 || g->nodes[i].parent < 0)
        return 0;
    return g->nodes[g->nodes[i].parent].code;
}

int gaz_level(const gazetteer *g, uint32_t code)
{
    if (code == 0)
        return 0;
    int i = gaz_node_index(g, code);
    return i < 0 ? -1 : g->nodes[i].level;
}

int gaz_depth(const gazetteer *g, uint32_t code)
{
    if (code == 0)
        return 0;
    int i = gaz_node_index(g, code);
    return i < 0 ? -1 : g->nodes[i].depth;
}

size_t gaz_path(const gazetteer *g, uint32_t code, char *buf, size_t n)
{
    int i = code ? gaz_node_index(g, code) : -1;
    if (i < 0) {
        size_t l = strlen(NATIONAL);
        if (n > l)
            memcpy(buf, NATIONAL, l + 1);
        else if (n > 0)
            buf[0] = '\0';
        return l;
    }
    int chain[4], k = 0;
    for (int p = i; p >= 0 && k < 4; p = g->nodes[p].parent)
        chain[k++] = p;
    size_t need = 0;
    for (int j = k - 1; j >= 0; j--)
        need += strlen(g->nodes[chain[j]].name) + (j ? 1 : 0);
    if (n > need) {
        char *o = buf;
        for (int j = k - 1; j >= 0; j--) {
            size_t l = strlen(g->nodes[chain[j]].name);
            memcpy(o, g->nodes[chain[j]].name, l);
            o += l;
            if (j)
                *o++ = '/';
        }
        *o = '\0';
    } else if (n > 0) {
        buf[0] = '\0';
    }
    return need;
}

size_t gaz_children(const gazetteer *g, uint32_t code, const uint32_t **out)
{
    if (code == 0) {
        *out = g->children + g->root_lo;
        return g->root_n;
    }
    int i = gaz_node_index(g, code);
    if (i < 0 || g->nodes[i].n_children == 0) {
        *out = NULL;
        return 0;
    }
    *out = g->children + g->nodes[i].child_lo;
    return g->nodes[i].n_children;
}

/* The child of parent (node index, -1 = 全国) called s[0..len). */
static int child_by_name_len(const gazetteer *g, int parent, const char *s, size_t len,
                             int *canonical)
{
    size_t count, lo = name_range(g, s, len, &count);
    int found = -1, ambiguous = 0;
    for (size_t k = lo; k < lo + count; k++) {
        const gaz_name_ref *r = &g->names[k];
        if (g->nodes[r->node].parent != parent)
            continue;
        if (r->kind == GAZ_FULL) {
            if (canonical)
                *canonical = 1;
            return (int)r->node;
        }
        if (found >= 0 && found != (int)r->node)
            ambiguous = 1;
        found = (int)r->node;
    }
    if (canonical)
        *canonical = 0;
    return ambiguous ? -1 : found;
}

uint32_t gaz_child_by_name(const gazetteer *g, uint32_t parent, const char *name, int *canonical)
{
    if (canonical)
        *canonical = 0;
    int p = -1;
    if (parent && (p = gaz_node_index(g, parent)) < 0)
        return 0;
    int c = child_by_name_len(g, p, name, strlen(name), canonical);
    return c < 0 ? 0 : g->nodes[c].code;
}

/* A node named s[0..len) at or below anc (-1 = anywhere), by the most
 * official name that fits; -1 when none or ambiguous. */
static int find_exact(const gazetteer *g, const char *s, size_t len, int anc)
{
    size_t count, lo = name_range(g, s, len, &count);
    int best[3] = {-1, -1, -1}; /* by kind: full, short, former */
    int ambiguous[3] = {0, 0, 0};
    for (size_t k = lo; k < lo + count; k++) {
        const gaz_name_ref *r = &g->names[k];
        int node = (int)r->node;
        if (anc >= 0 && node != anc && !gaz_is_ancestor(g, anc, node))
            continue;
        int slot = r->kind == GAZ_FULL ? 0 : r->kind == GAZ_SHORT ? 1 : 2;
        if (best[slot] < 0) {
            best[slot] = node;
        } else if (best[slot] != node) {
            /* keep the higher unit when one contains the other (吉林 -> 吉林省),
             * or, for short forms, the one of a strictly higher level */
            if (gaz_is_ancestor(g, node, best[slot])) {
                best[slot] = node;
            } else if (!gaz_is_ancestor(g, best[slot], node)) {
                int lb = g->nodes[best[slot]].level, ln = g->nodes[node].level;
                if (slot == 1 && ln < lb) {
                    best[slot] = node;
                    ambiguous[slot] = 0;
                } else if (!(slot == 1 && lb < ln)) {
                    ambiguous[slot] = 1;
                }
            }
        }
    }
    if (best[0] >= 0)
        return ambiguous[0] ? -1 : best[0];
    if (best[2] >= 0)
        return ambiguous[2] ? -1 : best[2];
    if (best[1] >= 0)
        return ambiguous[1] ? -1 : best[1];
    return -1;
}

/* Like find_exact, also reading names written one after another
 * (吉林省长春市, 北京朝阳) and paths (吉林省/长春市). */
static int find_compound(const gazetteer *g, const char *s, size_t len, int anc, int depth)
{
    int direct = find_exact(g, s, len, anc);
    if (direct >= 0 || depth >= 3)
        return direct;
    const char *slash = memchr(s, '/', len);
    if (slash) {
        size_t head = (size_t)(slash - s);
        int p = find_compound(g, s, head, anc, depth + 1);
        if (p < 0)
            return -1;
        return find_compound(g, slash + 1, len - head - 1, p, depth + 1);
    }
    /* split at a character boundary, longest known head first */
    for (size_t cut = len; cut > 0;) {
        do
            cut--;
        while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80);
        if (cut == 0)
            break;
        int p = find_exact(g, s, cut, anc);
        if (p < 0)
            continue;
        int c = find_compound(g, s + cut, len - cut, p, depth + 1);
        if (c >= 0)
            return c;
    }
    return -1;
}

uint32_t gaz_find(const gazetteer *g, const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || strcmp(name, NATIONAL) == 0)
        return 0;
    int i = find_compound(g, name, len, -1, 0);
    return i < 0 ? 0 : g->nodes[i].code;
}

/* ------------------------------------------------------------------ */
/* loading */

static int cmp_name_ref(const void *a, const void *b)
{
    const gaz_name_ref *x = a, *y = b;
    int c = cmp_bytes(x->s, x->len, y->s, y->len);
    if (c)
        return c;
    if (x->node != y->node)
        return x->node < y->node ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

static int cmp_word(const void *a, const void *b)
{
    const gaz_word *x = a, *y = b;
    return cmp_bytes(x->s, x->len, y->s, y->len);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Split line at tabs into at most max fields (in place). */
static int split_tabs(char *line, char **field, int max)
{
    int n = 0;
    field[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            field[n++] = p + 1;
        }
    return n;
}

static int parse_code(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || v > 999999)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int load_divisions(gazetteer *g, nfs_err *err)
{
    const char *data = (const char *)nfs_data_divisions_tsv;
    size_t len = nfs_data_divisions_tsv_len;
    const char *mark = strstr(data, "\n%streets\n");
    if (!mark)
        return nfs_err_set(err, "gazetteer: division table has no %%streets section");
    size_t table_len = (size_t)(mark - data) + 1;
    g->streets = mark + strlen("\n%streets\n");
    g->streets_len = len - (size_t)(g->streets - data);
    g->table = nfs_xmalloc(table_len + 1);
    memcpy(g->table, data, table_len);
    g->table[table_len] = '\0';

    size_t lines = 0;
    for (size_t i = 0; i < table_len; i++)
        lines += g->table[i] == '\n';
    g->nodes = nfs_xcalloc(lines + 1, sizeof *g->nodes);
    g->codes = nfs_xcalloc(lines + 1, sizeof *g->codes);

    size_t n = 0, n_shorts = 0, lineno = 0;
    for (char *line = g->table; *line;) {
        char *nl = strchr(line, '\n');
        *nl = '\0';
        lineno++;
        if (line[0] != '#' && line[0] != '\0') {
            char *f[5];
            uint32_t code, parent, level;
            if (split_tabs(line, f, 5) != 5 || parse_code(f[0], &code) ||
                parse_code(f[1], &parent) || parse_code(f[2], &level) || level < 1 || level > 3 ||
                !f[3][0])
                return nfs_err_set(err, "gazetteer: division table line %zu is malformed", lineno);
            if (n && code <= g->codes[n - 1])
                return nfs_err_set(err, "gazetteer: division table line %zu is out of order",
                                   lineno);
            gaz_node *d = &g->nodes[n];
            d->code = code;
            d->level = (uint8_t)level;
            d->name = f[3];
            d->shorts = f[4];
            d->parent = -1;
            if (parent) {
                /* parents precede their children (their codes are smaller) */
                d->parent = gaz_node_index(g, parent);
                if (d->parent < 0)
                    return nfs_err_set(err, "gazetteer: division %u has unknown parent %u", code,
                                       parent);
            }
            d->depth = (uint8_t)(d->parent < 0 ? 1 : g->nodes[d->parent].depth + 1);
            if (d->depth > 3)
                return nfs_err_set(err, "gazetteer: division %u is nested too deep", code);
            g->codes[n++] = code;
            g->n_nodes = n;
            if (*d->shorts)
                for (const char *p = d->shorts; p; p = strchr(p + 1, ','))
                    n_shorts++;
        }
        line = nl + 1;
    }
    if (n == 0)
        return nfs_err_set(err, "gazetteer: the division table is empty");

    /* children, grouped by parent, in code order within each group */
    uint32_t *count = nfs_xcalloc(n + 1, sizeof *count); /* slot 0: 全国 */
    for (size_t i = 0; i < n; i++)
        count[g->nodes[i].parent + 1]++;
    uint32_t *start = nfs_xcalloc(n + 1, sizeof *start);
    for (size_t i = 1; i <= n; i++)
        start[i] = start[i - 1] + count[i - 1];
    g->children = nfs_xcalloc(n, sizeof *g->children);
    g->root_lo = start[0];
    g->root_n = count[0];
    for (size_t i = 0; i < n; i++) {
        g->nodes[i].child_lo = start[i + 1];
        g->nodes[i].n_children = count[i + 1];
    }
    for (size_t i = 0; i < n; i++)
        g->children[start[g->nodes[i].parent + 1]++] = g->nodes[i].code;
    free(count);
    free(start);

    /* name index: official names and short forms (former names are added
     * with the lexicon) */
    g->names = nfs_xcalloc(n + n_shorts + 1, sizeof *g->names);
    for (size_t i = 0; i < n; i++) {
        const gaz_node *d = &g->nodes[i];
        g->names[g->n_names++] =
            (gaz_name_ref){d->name, (uint32_t)strlen(d->name), (uint32_t)i, GAZ_FULL};
        for (const char *p = d->shorts; *p;) {
            const char *e = strchr(p, ',');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (l)
                g->names[g->n_names++] = (gaz_name_ref){p, (uint32_t)l, (uint32_t)i, GAZ_SHORT};
            p += l + (e ? 1 : 0);
        }
    }
    qsort(g->names, g->n_names, sizeof *g->names, cmp_name_ref);
    return 0;
}

/* A path of official names ("浙江省/杭州市/拱墅区") to a node index, -1 if unknown. */
static int resolve_path(const gazetteer *g, const char *s, size_t len)
{
    int node = -1;
    while (len) {
        const char *slash = memchr(s, '/', len);
        size_t l = slash ? (size_t)(slash - s) : len;
        int canonical = 0;
        node = child_by_name_len(g, node, s, l, &canonical);
        if (node < 0 || !canonical)
            return -1;
        s += l + (slash ? 1 : 0);
        len -= l + (slash ? 1 : 0);
    }
    return node;
}

static int load_lexicon(gazetteer *g, nfs_err *err)
{
    const char *p = (const char *)nfs_data_gazetteer_lexicon_tsv;
    const char *end = p + nfs_data_gazetteer_lexicon_tsv_len;
    size_t cap_common = 0, cap_block = 0, cap_names = g->n_names, lineno = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        if (p < le && *p != '#') {
            const char *f[3];
            size_t fl[3];
            int nf = 0;
            for (const char *q = p; nf < 3;) {
                const char *tab = memchr(q, '\t', (size_t)(le - q));
                f[nf] = q;
                fl[nf++] = (size_t)((tab ? tab : le) - q);
                if (!tab)
                    break;
                q = tab + 1;
            }
#define IS(k) (fl[0] == strlen(k) && memcmp(f[0], k, fl[0]) == 0)
            if (IS("former") && nf == 3) {
                int node = resolve_path(g, f[2], fl[2]);
                if (node < 0)
                    return nfs_err_set(err, "gazetteer lexicon line %zu: no division %.*s", lineno,
                                       (int)fl[2], f[2]);
                gaz_name_ref r = {f[1], (uint32_t)fl[1], (uint32_t)node, GAZ_FORMER};
                NFS_VEC_PUSH(g->names, g->n_names, cap_names, r);
            } else if (IS("common") && nf == 2) {
                gaz_word w = {f[1], (uint32_t)fl[1]};
                NFS_VEC_PUSH(g->common, g->n_common, cap_common, w);
            } else if (IS("block") && nf == 2) {
                gaz_word w = {f[1], (uint32_t)fl[1]};
                NFS_VEC_PUSH(g->block, g->n_block, cap_block, w);
            } else if (IS("surnames") && nf == 2) {
                g->surnames = nfs_xcalloc(fl[1] + 1, sizeof *g->surnames);
                for (size_t k = 0; k < fl[1];) {
                    uint32_t cp;
                    k += utf8_decode(f[1] + k, fl[1] - k, &cp);
                    g->surnames[g->n_surnames++] = cp;
                }
                qsort(g->surnames, g->n_surnames, sizeof *g->surnames, cmp_u32);
            } else {
                return nfs_err_set(err, "gazetteer lexicon line %zu is malformed", lineno);
            }
#undef IS
        }
        p = le + 1;
    }
    qsort(g->names, g->n_names, sizeof *g->names, cmp_name_ref);
    qsort(g->common, g->n_common, sizeof *g->common, cmp_word);
    qsort(g->block, g->n_block, sizeof *g->block, cmp_word);
    return 0;
}

int gaz_open(gazetteer **out, nfs_err *err)
{
    gazetteer *g = nfs_xcalloc(1, sizeof *g);
    *out = NULL;
    if (load_divisions(g, err) != 0 || load_lexicon(g, err) != 0) {
        gaz_close(g);
        return -1;
    }
    int rc = pthread_mutex_init(&g->matcher_lock, NULL);
    if (rc != 0) {
        gaz_close(g);
        return nfs_err_set(err, "gazetteer: cannot create a lock (error %d)", rc);
    }
    g->lock_ready = 1;
    atomic_init(&g->matcher, NULL);
    *out = g;
    return 0;
}

void gaz_close(gazetteer *g)
{
    if (!g)
        return;
    gaz_matcher_free(atomic_load(&g->matcher));
    if (g->lock_ready)
        pthread_mutex_destroy(&g->matcher_lock);
    free(g->nodes);
    free(g->codes);
    free(g->children);
    free(g->names);
    free(g->common);
    free(g->block);
    free(g->surnames);
    free(g->table);
    free(g);
}
