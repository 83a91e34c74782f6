/* topics_taxonomy.c - the topics file format: parse a taxonomy (the
 * built-in default from src/data/topics.txt, or a user's file that
 * replaces or extends it), check it, and build the term matcher the
 * classifier uses. The format is documented at the top of
 * src/data/topics.txt; errors name the file and the line.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "topics_internal.h"

extern const unsigned char nfs_data_topics_txt[];
extern const unsigned long nfs_data_topics_txt_len;

#define DEFAULT_ORIGIN "default topics"
#define MAX_TERM_BYTES 100
#define MAX_NAME_BYTES 255
#define MAX_WEIGHT 10.0

topic_params topic_params_default(void)
{
    topic_params p = {
        .headline = 3.0f,
        .lead = 1.0f,
        .subhead = 1.0f,
        .repeat = 0.6f,
        .min_score = 3.0f,
        .second_ratio = 0.3f,
        .second_min = 3.0f,
        .max_topics = 3,
    };
    return p;
}

/* ---- the draft a file is parsed into ---------------------------------- */

typedef struct {
    char *text;
    size_t len;
    float weight;
    int exclude;
    size_t seq; /* input order: the later of two equal terms wins */
} draft_term;

typedef struct {
    char *name;
    draft_term *terms;
    size_t n_terms, cap_terms;
    const char *origin; /* where it was declared (for "has no terms") */
    int line;
    int declared_here;  /* declared by the file being parsed (not by an include) */
} draft_topic;

typedef struct {
    draft_topic *topics;
    size_t n_topics, cap_topics;
    topic_params params;
    int includes_default;
    size_t seq;
} draft;

static void draft_topic_free(draft_topic *t)
{
    for (size_t i = 0; i < t->n_terms; i++)
        free(t->terms[i].text);
    free(t->terms);
    free(t->name);
}

static void draft_free(draft *d)
{
    for (size_t i = 0; i < d->n_topics; i++)
        draft_topic_free(&d->topics[i]);
    free(d->topics);
}

static long draft_find(const draft *d, const char *name, size_t len)
{
    for (size_t i = 0; i < d->n_topics; i++)
        if (strlen(d->topics[i].name) == len && memcmp(d->topics[i].name, name, len) == 0)
            return (long)i;
    return -1;
}

/* ---- lexical helpers --------------------------------------------------- */

/* Length of the white space at s (ASCII blanks and U+3000), 0 if none. */
static size_t space_len(const char *s, const char *end)
{
    if (s < end && (*s == ' ' || *s == '\t' || *s == '\v' || *s == '\f' || *s == '\r'))
        return 1;
    if (end - s >= 3 && memcmp(s, "\xe3\x80\x80", 3) == 0)
        return 3;
    return 0;
}

/* Length of a term separator at s: white space, ',', '，' or '、'. */
static size_t separator_len(const char *s, const char *end)
{
    size_t n = space_len(s, end);
    if (n)
        return n;
    if (s < end && *s == ',')
        return 1;
    if (end - s >= 3 && (memcmp(s, "\xef\xbc\x8c", 3) == 0 || memcmp(s, "\xe3\x80\x81", 3) == 0))
        return 3;
    return 0;
}

static void trim(const char **s, const char **end)
{
    size_t n;
    while (*s < *end && (n = space_len(*s, *end)) > 0)
        *s += n;
    while (*end > *s) {
        if (*(*end - 1) == ' ' || *(*end - 1) == '\t' || *(*end - 1) == '\r' ||
            *(*end - 1) == '\v' || *(*end - 1) == '\f')
            (*end)--;
        else if (*end - *s >= 3 && memcmp(*end - 3, "\xe3\x80\x80", 3) == 0)
            *end -= 3;
        else
            break;
    }
}

/* A decimal number: [+-]digits[.digits] (no exponent, locale-independent). */
static int parse_number(const char *s, size_t n, double *out)
{
    size_t i = 0;
    double sign = 1.0, v = 0.0, scale = 0.1;
    int digits = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        sign = s[i++] == '-' ? -1.0 : 1.0;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++)
        v = v * 10.0 + (s[i] - '0');
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++, scale /= 10.0)
            v += (s[i] - '0') * scale;
    }
    if (!digits || i != n || digits > 12)
        return -1;
    *out = sign * v;
    return 0;
}

static int has_control_char(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 1;
    return 0;
}

/* ---- the parser ---------------------------------------------------------- */

typedef struct {
    draft *d;
    const char *origin;
    int line;
    long current; /* topic that term lines add to, -1 before the first header */
    int depth;    /* 0 for the file itself, 1 inside "@include default" */
    nfs_err *err;
} parser;

#define PARSE_ERROR(p, ...) parse_error(p, __VA_ARGS__)

static int parse_error(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int parse_error(parser *p, const char *fmt, ...)
{
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nfs_err_set(p->err, "%s:%d: %s", p->origin, p->line, msg);
}

static int parse_text(draft *d, const char *text, size_t len, const char *origin, int depth,
                      nfs_err *err);

/* "[NAME]" possibly followed by a comment. */
static int parse_header(parser *p, const char *s, const char *end)
{
    const char *close = memchr(s, ']', (size_t)(end - s));
    if (!close)
        return PARSE_ERROR(p, "topic header without closing ']'");
    const char *rest = close + 1, *rest_end = end;
    trim(&rest, &rest_end);
    if (rest < rest_end && *rest != '#')
        return PARSE_ERROR(p, "unexpected text after the topic header ']'");
    const char *name = s + 1, *name_end = close;
    trim(&name, &name_end);
    size_t n = (size_t)(name_end - name);
    if (n == 0)
        return PARSE_ERROR(p, "empty topic name");
    if (n > MAX_NAME_BYTES)
        return PARSE_ERROR(p, "topic name longer than %d bytes", MAX_NAME_BYTES);
    if (memchr(name, '/', n) || has_control_char(name, n))
        return PARSE_ERROR(p, "a topic name cannot hold '/' or control characters");
    if (name[0] == '.')
        return PARSE_ERROR(p, "a topic name cannot start with '.'");
    draft *d = p->d;
    long at = draft_find(d, name, n);
    if (at >= 0) {
        draft_topic *t = &d->topics[at];
        if (t->declared_here)
            return PARSE_ERROR(p, "duplicate topic [%.*s] (first declared on line %d)", (int)n,
                               name, t->line);
        /* a topic of the included default: this section extends it */
        t->declared_here = 1;
        t->origin = p->origin;
        t->line = p->line;
        p->current = at;
        return 0;
    }
    draft_topic t = {0};
    t.name = nfs_xstrndup(name, n);
    t.origin = p->origin;
    t.line = p->line;
    t.declared_here = 1;
    NFS_VEC_PUSH(d->topics, d->n_topics, d->cap_topics, t);
    p->current = (long)d->n_topics - 1;
    return 0;
}

typedef struct {
    const char *key;
    double lo, hi;
    int integer;
} param_spec;

static const param_spec param_specs[] = {
    {"headline", 0, 20, 0},  {"lead", 0, 20, 0},         {"subheading", 0, 20, 0},
    {"repeat", 0, 5, 0},
    {"min-score", 0, 1000, 0}, {"second-ratio", 0, 1, 0}, {"second-min", 0, 1000, 0},
    {"max-topics", 1, 3, 1},
};

static void set_param(topic_params *tp, const char *key, double v)
{
    if (!strcmp(key, "headline"))
        tp->headline = (float)v;
    else if (!strcmp(key, "lead"))
        tp->lead = (float)v;
    else if (!strcmp(key, "subheading"))
        tp->subhead = (float)v;
    else if (!strcmp(key, "repeat"))
        tp->repeat = (float)v;
    else if (!strcmp(key, "min-score"))
        tp->min_score = (float)v;
    else if (!strcmp(key, "second-ratio"))
        tp->second_ratio = (float)v;
    else if (!strcmp(key, "second-min"))
        tp->second_min = (float)v;
    else if (!strcmp(key, "max-topics"))
        tp->max_topics = (int)v;
}

/* Split "word rest" at the first white space. */
static void next_word(const char **s, const char *end, const char **w, size_t *wn)
{
    const char *p = *s;
    while (p < end && !space_len(p, end))
        p++;
    *w = *s;
    *wn = (size_t)(p - *s);
    trim(&p, &end);
    *s = p;
}

/* "@include default", "@remove NAME", "@set KEY VALUE". */
static int parse_directive(parser *p, const char *s, const char *end)
{
    /* a comment may follow, after white space */
    for (const char *c = s + 1; c < end; c++)
        if (*c == '#' && (c[-1] == ' ' || c[-1] == '\t')) {
            end = c;
            trim(&s, &end);
            break;
        }
    const char *word;
    size_t wn;
    next_word(&s, end, &word, &wn);
    const char *arg = s, *arg_end = end;
    if (wn == 8 && !memcmp(word, "@include", 8)) {
        if ((size_t)(arg_end - arg) != 7 || memcmp(arg, "default", 7) != 0)
            return PARSE_ERROR(p, "@include takes the word 'default' (the built-in taxonomy)");
        if (p->depth > 0)
            return PARSE_ERROR(p, "@include default inside the default taxonomy");
        if (p->d->includes_default)
            return PARSE_ERROR(p, "@include default appears twice");
        p->d->includes_default = 1;
        if (parse_text(p->d, (const char *)nfs_data_topics_txt, nfs_data_topics_txt_len,
                       DEFAULT_ORIGIN, p->depth + 1, p->err) != 0)
            return -1;
        p->current = -1;
        return 0;
    }
    if (wn == 7 && !memcmp(word, "@remove", 7)) {
        if (arg == arg_end)
            return PARSE_ERROR(p, "@remove needs a topic name");
        long at = draft_find(p->d, arg, (size_t)(arg_end - arg));
        if (at < 0)
            return PARSE_ERROR(p, "@remove: no topic [%.*s] to remove", (int)(arg_end - arg), arg);
        draft_topic_free(&p->d->topics[at]);
        memmove(&p->d->topics[at], &p->d->topics[at + 1],
                (p->d->n_topics - (size_t)at - 1) * sizeof *p->d->topics);
        p->d->n_topics--;
        p->current = -1;
        return 0;
    }
    if (wn == 4 && !memcmp(word, "@set", 4)) {
        const char *key, *val = arg;
        size_t kn;
        next_word(&val, arg_end, &key, &kn);
        for (size_t i = 0; i < NFS_ARRAY_LEN(param_specs); i++) {
            const param_spec *ps = &param_specs[i];
            if (strlen(ps->key) != kn || memcmp(ps->key, key, kn) != 0)
                continue;
            double v;
            if (parse_number(val, (size_t)(arg_end - val), &v) != 0 || v < ps->lo || v > ps->hi ||
                (ps->integer && v != floor(v)))
                return PARSE_ERROR(p, "@set %s needs a%s number from %g to %g", ps->key,
                                   ps->integer ? "n integer" : "", ps->lo, ps->hi);
            set_param(&p->d->params, ps->key, v);
            return 0;
        }
        return PARSE_ERROR(p,
                           "@set: unknown setting '%.*s' (known: headline, lead, subheading, repeat, "
                           "min-score, second-ratio, second-min, max-topics)",
                           (int)kn, key);
    }
    return PARSE_ERROR(p, "unknown directive '%.*s' (known: @include, @remove, @set)", (int)wn,
                       word);
}

typedef struct {
    const char *s;
    size_t n;
    int quoted, exclude;
} token;

/* Normalise a term as articles are (NFKC) and fold ASCII case. */
static char *normalise_term(const char *s, size_t n, size_t *out_len)
{
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    char *t = ascii ? nfs_xstrndup(s, n) : nfs_nfkc(s, n, &n);
    for (size_t i = 0; i < n; i++)
        if (t[i] >= 'A' && t[i] <= 'Z')
            t[i] = (char)(t[i] - 'A' + 'a');
    *out_len = n;
    return t;
}

/* "term[, term…] [weight]" with "!term" exclusions and "quoted terms". */
static int parse_terms(parser *p, const char *s, const char *end)
{
    if (p->current < 0)
        return PARSE_ERROR(p, "term outside a topic (start a topic with a line [NAME])");
    token *toks = NULL;
    size_t nt = 0, cap = 0;
    int rc = 0;
    while (s < end) {
        size_t sep;
        while (s < end && (sep = separator_len(s, end)) > 0)
            s += sep;
        if (s >= end || *s == '#')
            break;
        token t = {0};
        if (*s == '!') {
            t.exclude = 1;
            s++;
        }
        if (s < end && *s == '"') {
            const char *close = memchr(s + 1, '"', (size_t)(end - s - 1));
            if (!close) {
                rc = PARSE_ERROR(p, "unterminated quote");
                goto out;
            }
            t.s = s + 1;
            t.n = (size_t)(close - s - 1);
            t.quoted = 1;
            s = close + 1;
            if (s < end && !separator_len(s, end)) {
                rc = PARSE_ERROR(p, "text right after a closing quote");
                goto out;
            }
        } else {
            t.s = s;
            while (s < end && !separator_len(s, end))
                s++;
            t.n = (size_t)(s - t.s);
        }
        if (t.n == 0) {
            rc = PARSE_ERROR(p, "empty term");
            goto out;
        }
        NFS_VEC_PUSH(toks, nt, cap, t);
    }
    double weight = 1.0, v;
    int has_weight = 0;
    if (nt >= 2 && !toks[nt - 1].quoted && !toks[nt - 1].exclude &&
        parse_number(toks[nt - 1].s, toks[nt - 1].n, &v) == 0) {
        weight = v;
        has_weight = 1;
        nt--;
        if (!(fabs(weight) <= MAX_WEIGHT)) {
            rc = PARSE_ERROR(p, "weight %g out of range (-%g to %g)", weight, MAX_WEIGHT,
                             MAX_WEIGHT);
            goto out;
        }
    }
    draft_topic *topic = &p->d->topics[p->current];
    for (size_t i = 0; i < nt; i++) {
        token *t = &toks[i];
        if (!t->quoted && nt > 1 && parse_number(t->s, t->n, &v) == 0) {
            rc = PARSE_ERROR(p, "'%.*s' looks like a weight: put it last on the line, or quote it",
                             (int)t->n, t->s);
            goto out;
        }
        if (t->exclude && has_weight) {
            rc = PARSE_ERROR(p, "an exclusion (!%.*s) takes no weight", (int)t->n, t->s);
            goto out;
        }
        size_t n;
        char *text = normalise_term(t->s, t->n, &n);
        if (n == 0 || n > MAX_TERM_BYTES || has_control_char(text, n)) {
            free(text);
            rc = n == 0 ? PARSE_ERROR(p, "empty term")
                 : n > MAX_TERM_BYTES
                     ? PARSE_ERROR(p, "term longer than %d bytes", MAX_TERM_BYTES)
                     : PARSE_ERROR(p, "a term cannot hold control characters");
            goto out;
        }
        draft_term dt = {text, n, t->exclude ? 0.0f : (float)weight, t->exclude, p->d->seq++};
        NFS_VEC_PUSH(topic->terms, topic->n_terms, topic->cap_terms, dt);
    }
out:
    free(toks);
    return rc;
}

static int parse_line(parser *p, const char *s, const char *end)
{
    size_t bad = utf8_first_invalid(s, (size_t)(end - s));
    if (bad < (size_t)(end - s))
        return PARSE_ERROR(p, "invalid UTF-8 (byte %zu of the line)", bad + 1);
    trim(&s, &end);
    if (s == end || *s == '#')
        return 0;
    if (*s == '[')
        return parse_header(p, s, end);
    if (*s == '@')
        return parse_directive(p, s, end);
    return parse_terms(p, s, end);
}

static int parse_text(draft *d, const char *text, size_t len, const char *origin, int depth,
                      nfs_err *err)
{
    parser p = {d, origin, 0, -1, depth, err};
    /* topics declared by an enclosing file may be extended by this one */
    int *saved = nfs_xcalloc(d->n_topics + 1, sizeof *saved);
    size_t n_before = d->n_topics;
    for (size_t i = 0; i < n_before; i++) {
        saved[i] = d->topics[i].declared_here;
        d->topics[i].declared_here = 0;
    }
    if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
        text += 3;
        len -= 3;
    }
    const char *s = text, *end = text + len;
    int rc = 0;
    while (s < end && rc == 0) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *line_end = nl ? nl : end;
        p.line++;
        rc = parse_line(&p, s, line_end);
        s = nl ? nl + 1 : end;
    }
    /* back in the including file: its own declarations count again, and the
     * included topics may be extended by it */
    if (depth > 0)
        for (size_t i = 0; i < d->n_topics; i++)
            d->topics[i].declared_here = i < n_before ? saved[i] : 0;
    free(saved);
    return rc;
}

/* ---- building the taxonomy ----------------------------------------------- */

static int term_order(const void *a, const void *b)
{
    const draft_term *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->text, y->text, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint64_t fnv1a64(const unsigned char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static int build(draft *d, const char *text, size_t len, const char *origin, taxonomy **out,
                 nfs_err *err)
{
    if (d->n_topics == 0)
        return nfs_err_set(err, "%s: no topics (a topic starts with a line [NAME])", origin);
    taxonomy *t = nfs_xcalloc(1, sizeof *t);
    t->params = d->params;
    t->n_topics = d->n_topics;
    t->names = nfs_xcalloc(d->n_topics, sizeof *t->names);
    size_t cap_terms = 0;
    for (size_t k = 0; k < d->n_topics; k++) {
        draft_topic *dt = &d->topics[k];
        t->names[k] = nfs_xstrdup(dt->name);
        /* equal terms: the later one wins; weight 0 drops the term */
        if (dt->n_terms > 1)
            qsort(dt->terms, dt->n_terms, sizeof *dt->terms, term_order);
        int positive = 0;
        for (size_t i = 0; i < dt->n_terms; i++) {
            draft_term *x = &dt->terms[i];
            if (i + 1 < dt->n_terms && x->len == dt->terms[i + 1].len &&
                memcmp(x->text, dt->terms[i + 1].text, x->len) == 0)
                continue;
            if (!x->exclude && x->weight == 0.0f)
                continue;
            positive |= x->weight > 0.0f;
            topic_term tt = {nfs_xstrndup(x->text, x->len), x->len, (int)k, x->weight, x->exclude};
            NFS_VEC_PUSH(t->terms, t->n_terms, cap_terms, tt);
        }
        if (!positive) {
            taxonomy_free(t);
            return nfs_err_set(err, "%s:%d: topic [%s] has no terms with a positive weight",
                               dt->origin, dt->line, dt->name);
        }
    }
    const char **pats = nfs_xmalloc((t->n_terms + 1) * sizeof *pats);
    size_t *lens = nfs_xmalloc((t->n_terms + 1) * sizeof *lens);
    for (size_t i = 0; i < t->n_terms; i++) {
        pats[i] = t->terms[i].text;
        lens[i] = t->terms[i].len;
    }
    t->matcher = term_matcher_build(pats, lens, t->n_terms);
    free(pats);
    free(lens);

    strbuf sb = {0};
    sb_append(&sb, text, len);
    if (d->includes_default) {
        /* so that a new built-in default also counts as a changed taxonomy */
        if (sb.len && sb.s[sb.len - 1] != '\n')
            sb_putc(&sb, '\n');
        sb_printf(&sb, "# @include default: fnv1a64 %016llx\n",
                  (unsigned long long)fnv1a64(nfs_data_topics_txt, nfs_data_topics_txt_len));
    }
    t->text = sb_steal(&sb);
    *out = t;
    return 0;
}

int taxonomy_parse(const char *text, size_t len, const char *origin, taxonomy **out, nfs_err *err)
{
    *out = NULL;
    draft d = {0};
    d.params = topic_params_default();
    int rc = parse_text(&d, text, len, origin, 0, err);
    if (rc == 0)
        rc = build(&d, text, len, origin, out, err);
    draft_free(&d);
    return rc;
}

int taxonomy_default(taxonomy **out, nfs_err *err)
{
    return taxonomy_parse((const char *)nfs_data_topics_txt, nfs_data_topics_txt_len,
                          DEFAULT_ORIGIN, out, err);
}

int taxonomy_load_file(const char *path, taxonomy **out, nfs_err *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return nfs_err_set(err, "%s: %s", path, strerror(errno));
    strbuf sb = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_append(&sb, chunk, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        sb_free(&sb);
        return nfs_err_set(err, "%s: read error", path);
    }
    int rc = taxonomy_parse(sb.s ? sb.s : "", sb.len, path, out, err);
    sb_free(&sb);
    return rc;
}

void taxonomy_free(taxonomy *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_topics; i++)
        free(t->names[i]);
    free(t->names);
    for (size_t i = 0; i < t->n_terms; i++)
        free(t->terms[i].text);
    free(t->terms);
    term_matcher_free(t->matcher);
    free(t->text);
    free(t);
}

size_t taxonomy_size(const taxonomy *t) { return t ? t->n_topics : 0; }

const char *taxonomy_topic_name(const taxonomy *t, size_t i)
{
    return t && i < t->n_topics ? t->names[i] : NULL;
}

const char *taxonomy_text(const taxonomy *t) { return t ? t->text : ""; }
