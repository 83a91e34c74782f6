/* query.c - the search query language: directory names -> checked query
 * tree -> FTS5 expression and SQL condition (see query.h, search.h and
 * the README section "Searching"). Pure: never touches the database. */
#include "query.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unicode/uchar.h>

#include "charidx.h"
#include "decode.h"
#include "tokenizer.h"

#define MAX_QUERY_BYTES 4096 /* all parts together, as given */
#define MAX_TERMS 64         /* terms and filters */
#define MAX_PARSE_DEPTH 64   /* recursion while parsing (before -- and (x) fold) */
#define MAX_DEPTH 8          /* nesting of the query tree (parentheses, OR, '-'):
                                each level nests SQL subqueries, and SQLite's
                                parser stack holds about a dozen */

/* ---- nodes ---- */

static qnode *node_new(qnode_kind kind)
{
    qnode *n = nfs_xcalloc(1, sizeof *n);
    n->kind = kind;
    return n;
}

static void node_free(qnode *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->text);
    free(n->fts);
    free(n);
}

static void node_add(qnode *parent, qnode *kid)
{
    parent->kids = nfs_xrealloc(parent->kids, (parent->n_kids + 1) * sizeof *parent->kids);
    parent->kids[parent->n_kids++] = kid;
}

void search_query_free(search_query *q)
{
    if (!q)
        return;
    node_free(q->root);
    free(q->fts);
    free(q->filters);
    free(q->text);
    free(q);
}

/* ---- lexer ---- */

typedef enum {
    T_WORD,   /* a bare term */
    T_PHRASE, /* "quoted" */
    T_LPAREN,
    T_RPAREN,
    T_OR,
    T_AND,
    T_NOT,    /* -x or NOT x */
    T_FIELD,  /* title:, region:, topic:, date: */
} tok_kind;

typedef enum { F_TITLE, F_REGION, F_TOPIC, F_DATE } field_id;

typedef struct {
    tok_kind kind;
    char *text;     /* T_WORD, T_PHRASE */
    field_id field; /* T_FIELD */
    int adjacent;   /* T_FIELD: the value follows the colon directly */
} token;

typedef struct {
    token *v;
    size_t n, cap;
} token_list;

static void tokens_free(token_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].text);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static void tokens_push(token_list *l, tok_kind kind, char *text)
{
    token t = {.kind = kind, .text = text};
    NFS_VEC_PUSH(l->v, l->n, l->cap, t);
}

static const struct {
    const char *name;
    field_id id;
} field_names[] = {
    {"title", F_TITLE},   {"标题", F_TITLE}, {"region", F_REGION}, {"地区", F_REGION},
    {"地点", F_REGION},   {"topic", F_TOPIC}, {"主题", F_TOPIC},   {"话题", F_TOPIC},
    {"date", F_DATE},     {"日期", F_DATE},
};

static const char *field_label(field_id f)
{
    static const char *labels[] = {"title:", "region:", "topic:", "date:"};
    return labels[f];
}

/* The field named by s[0..n) (ASCII case-insensitive), or -1. */
static int field_lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < NFS_ARRAY_LEN(field_names); i++) {
        const char *name = field_names[i].name;
        if (strlen(name) == n && strncasecmp(name, s, n) == 0)
            return (int)field_names[i].id;
    }
    return -1;
}

static int is_space_cp(uint32_t cp)
{
    return cp == ' ' || (cp >= 0x80 && u_isUWhiteSpace((UChar32)cp));
}

/* Characters that end a bare word. */
static int is_word_end(uint32_t cp)
{
    return is_space_cp(cp) || cp == '(' || cp == ')' || cp == '"' || cp == 0x201C ||
           cp == 0x201D;
}

static uint32_t peek(const char *s, size_t len, size_t i, size_t *k)
{
    uint32_t cp = 0;
    *k = i < len ? utf8_decode(s + i, len - i, &cp) : 0;
    return cp;
}

#define LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* Split one NFKC-normalised part into tokens. A bare word "name:value"
 * with a known field name is a field filter; with another name of ASCII
 * letters, an error (a mistyped field); otherwise (10:30, 记者:…) text. */
static int lex(const char *s, size_t len, token_list *out, nfs_err *err)
{
    size_t i = 0, k;
    while (i < len) {
        uint32_t cp = peek(s, len, i, &k);
        if (is_space_cp(cp)) {
            i += k;
        } else if (cp == '(' || cp == ')') {
            tokens_push(out, cp == '(' ? T_LPAREN : T_RPAREN, NULL);
            i += k;
        } else if (cp == '"' || cp == 0x201C || cp == 0x201D) {
            /* a phrase runs to the next quote mark (" “ ”) */
            size_t start = i + k, j = start, kk = 0;
            while (j < len) {
                uint32_t c2 = peek(s, len, j, &kk);
                if (c2 == '"' || c2 == 0x201C || c2 == 0x201D)
                    break;
                j += kk;
            }
            if (j >= len)
                return nfs_err_set(err, "a quote is never closed: write \"exact phrase\" with "
                                        "a quote mark at each end");
            tokens_push(out, T_PHRASE, nfs_xstrndup(s + start, j - start));
            i = j + kk;
        } else if (cp == '-') {
            size_t kk;
            uint32_t next = peek(s, len, i + 1, &kk);
            if (i + 1 >= len || is_space_cp(next) || next == ')')
                return nfs_err_set(err, "a lone '-': write -word (no space) to exclude the "
                                        "articles that contain word");
            tokens_push(out, T_NOT, NULL);
            i++;
        } else {
            size_t start = i;
            while (i < len) {
                uint32_t c2 = peek(s, len, i, &k);
                if (is_word_end(c2))
                    break;
                i += k;
            }
            size_t n = i - start;
            const char *w = s + start;
            if (n == 2 && !memcmp(w, "OR", 2)) {
                tokens_push(out, T_OR, NULL);
                continue;
            }
            if (n == 3 && !memcmp(w, "AND", 3)) {
                tokens_push(out, T_AND, NULL);
                continue;
            }
            if (n == 3 && !memcmp(w, "NOT", 3)) {
                tokens_push(out, T_NOT, NULL);
                continue;
            }
            const char *colon = memchr(w, ':', n);
            int f = colon ? field_lookup(w, (size_t)(colon - w)) : -1;
            if (f >= 0) {
                token t = {.kind = T_FIELD, .field = (field_id)f};
                size_t vlen = n - (size_t)(colon + 1 - w);
                /* the value is the rest of the word, or a phrase or group
                 * that starts right after the colon */
                t.adjacent = vlen > 0 || (i < len && !is_space_cp(peek(s, len, i, &k)) &&
                                          peek(s, len, i, &k) != ')');
                NFS_VEC_PUSH(out->v, out->n, out->cap, t);
                if (vlen)
                    tokens_push(out, T_WORD, nfs_xstrndup(colon + 1, vlen));
                continue;
            }
            if (colon && colon > w && (size_t)(colon - w) == strspn(w, LETTERS))
                return nfs_err_set(err, "unknown field '%.*s:'; the fields are title:, region:, "
                                        "topic: and date: (to search for the text itself, "
                                        "quote it: \"%.*s\")",
                                   (int)(colon - w), w, (int)n, w);
            tokens_push(out, T_WORD, nfs_xstrndup(w, n));
        }
    }
    return 0;
}

/* ---- parser ---- */

typedef struct {
    const search_env *env;
    token_list toks;
    size_t pos;
    int depth;
    int n_terms;
    nfs_err *err;
} parser;

static qnode *parse_or(parser *p);

static const token *cur(parser *p)
{
    return p->pos < p->toks.n ? &p->toks.v[p->pos] : NULL;
}

static qnode *fail(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static qnode *fail(parser *p, const char *fmt, ...)
{
    char msg[sizeof p->err->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    nfs_err_set(p->err, "%s", msg);
    return NULL;
}

static qnode *count_term(parser *p, qnode *n)
{
    if (n && ++p->n_terms > MAX_TERMS) {
        node_free(n);
        nfs_err_set(p->err, "too many terms (at most %d)", MAX_TERMS);
        return NULL;
    }
    return n;
}

/* A text term: check that it has something to search for after folding. */
static qnode *text_node(parser *p, const char *text, int headline)
{
    nfs_query_shape shape;
    nfs_query_analyse(text, strlen(text), &shape);
    if (shape.n_tokens == 0)
        return fail(p, "'%s' has nothing to search for: only letters, digits and Chinese "
                       "characters are indexed, not punctuation or symbols", text);
    qnode *n = node_new(QN_TEXT);
    n->text = nfs_xstrdup(text);
    n->headline = headline;
    n->single = shape.lone_end && shape.n_tokens == 1;
    n->prefix = shape.lone_end && !shape.lone_after_word && !n->single;
    if (n->single && (n->ch = char_idx_term_char(text)) == 0) {
        node_free(n); /* cannot be: the tokenizer saw a Han character */
        return fail(p, "'%s': cannot find its character", text);
    }
    return count_term(p, n);
}

/* Days in a month of the proleptic Gregorian calendar. */
static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

/* Read up to max digits; returns how many were read. */
static size_t read_num(const char *s, size_t n, size_t max, int *v)
{
    size_t i = 0;
    *v = 0;
    while (i < n && i < max && s[i] >= '0' && s[i] <= '9')
        *v = *v * 10 + (s[i++] - '0');
    return i;
}

/* One date: 2020, 2020-11, 2020-11-23 (also with / or . and 2020年11月23日).
 * Writes the canonical form to out (at least 11 bytes). */
static int parse_date_point(const char *s, size_t n, char *out)
{
    int y, parts[2] = {0, 0}, np = 0;
    size_t i = read_num(s, n, 4, &y);
    if (i != 4 || y < 1000)
        return -1;
    while (i < n) {
        if (np == 2) { /* only a closing 日 may follow the day */
            if (n - i == 3 && !memcmp(s + i, "日", 3))
                break;
            return -1;
        }
        size_t sep = 0;
        if (s[i] == '-' || s[i] == '/' || s[i] == '.')
            sep = 1;
        else if (n - i >= 3 && (!memcmp(s + i, "年", 3) || !memcmp(s + i, "月", 3)))
            sep = 3;
        if (!sep)
            return -1;
        i += sep;
        if (i == n) {
            if (sep == 3) /* 2020年, 2020年11月 */
                break;
            return -1;
        }
        int v;
        size_t k = read_num(s + i, n - i, 2, &v);
        if (k == 0)
            return -1;
        i += k;
        parts[np++] = v;
    }
    int m = parts[0], d = parts[1];
    if (np >= 1 && (m < 1 || m > 12))
        return -1;
    if (np >= 2 && (d < 1 || d > days_in_month(y, m)))
        return -1;
    unsigned uy = (unsigned)y % 10000, um = (unsigned)m % 100, ud = (unsigned)d % 100;
    if (np == 2)
        snprintf(out, 11, "%04u-%02u-%02u", uy, um, ud);
    else if (np == 1)
        snprintf(out, 11, "%04u-%02u", uy, um);
    else
        snprintf(out, 11, "%04u", uy);
    return 0;
}

static qnode *date_node(parser *p, const char *v)
{
#define DATE_USAGE                                                                          \
    "date: takes 2020, 2020-11, 2020-11-23 or a range such as 2020-01..2020-06 (either end " \
    "may be left open); got '%s'"
    qnode *n = node_new(QN_DATE);
    const char *dots = strstr(v, "..");
    size_t len = strlen(v);
    const char *lo = v, *hi = v;
    size_t lo_n = len, hi_n = len;
    if (dots) {
        lo_n = (size_t)(dots - v);
        hi = dots + 2;
        hi_n = len - lo_n - 2;
        if (lo_n == 0 && hi_n == 0) {
            node_free(n);
            return fail(p, DATE_USAGE, v);
        }
    }
    if ((lo_n && parse_date_point(lo, lo_n, n->date_lo) != 0) ||
        (hi_n && parse_date_point(hi, hi_n, n->date_hi) != 0)) {
        node_free(n);
        return fail(p, DATE_USAGE, v);
    }
    if (n->date_lo[0] && n->date_hi[0] && strcmp(n->date_lo, n->date_hi) > 0 &&
        strncmp(n->date_lo, n->date_hi, strlen(n->date_hi)) != 0) {
        node_free(n);
        return fail(p, "the date range '%s' ends before it starts", v);
    }
    /* dates compare as text: 2020-06 covers 2020-06 to 2020-06-31 and
     * everything in between, i.e. up to "2020-06~" ('~' sorts after '-'
     * and the digits) */
    if (n->date_hi[0])
        strcat(n->date_hi, "~");
    return count_term(p, n);
}

static qnode *region_node(parser *p, const char *v)
{
    qnode *n = node_new(QN_REGION);
    size_t len = strlen(v);
    int64_t code = -1;
    if (len == 6 && strspn(v, "0123456789") == 6) {
        code = atoll(v);
        if (p->env && p->env->gaz && code && !gaz_name(p->env->gaz, (uint32_t)code)) {
            node_free(n);
            return fail(p, "region:%s is not a known division code", v);
        }
    } else if (!strcmp(v, "全国")) {
        code = 0;
    } else if (!p->env || !p->env->gaz) {
        node_free(n);
        return fail(p, "region:%s: place names cannot be resolved here (no gazetteer); use a "
                       "six-digit division code", v);
    } else {
        uint32_t c = gaz_find(p->env->gaz, v);
        if (!c) {
            node_free(n);
            return fail(p, "region:%s: unknown or ambiguous place; write the full name "
                           "(吉林省长春市) or a six-digit division code", v);
        }
        code = c;
    }
    /* province XX0000 covers XX0000-XX9999, prefecture XXYY00 covers
     * XXYY00-XXYY99, a county itself; 0 (全国) the national-scope articles */
    n->lo = code;
    if (code == 0)
        n->hi = 0;
    else if (code % 10000 == 0)
        n->hi = code + 9999;
    else if (code % 100 == 0)
        n->hi = code + 99;
    else
        n->hi = code;
    return count_term(p, n);
}

static qnode *topic_node(parser *p, const char *v)
{
    const taxonomy *tax = p->env ? p->env->tax : NULL;
    if (!tax)
        return fail(p, "topic:%s: topics are not available here (no taxonomy)", v);
    size_t n_topics = taxonomy_size(tax);
    for (size_t i = 0; i < n_topics; i++) {
        const char *name = taxonomy_topic_name(tax, i);
        if (name && !strcasecmp(name, v)) {
            qnode *n = node_new(QN_TOPIC);
            n->text = nfs_xstrdup(name);
            return count_term(p, n);
        }
    }
    strbuf names = {0};
    for (size_t i = 0; i < n_topics && names.len < 700; i++)
        sb_printf(&names, "%s%s", i ? ", " : "", taxonomy_topic_name(tax, i));
    if (names.len >= 700)
        sb_puts(&names, ", ...");
    nfs_err_set(p->err, "unknown topic '%.200s'; the topics are: %s", v, names.s ? names.s : "");
    sb_free(&names);
    return NULL;
}

/* Mark every text term under n as a headline (title:) term; other field
 * filters cannot be nested in title:. */
static int mark_headline(parser *p, qnode *n)
{
    if (n->kind == QN_TEXT) {
        n->headline = 1;
        return 0;
    }
    if (n->kind == QN_REGION || n->kind == QN_TOPIC || n->kind == QN_DATE) {
        nfs_err_set(p->err, "title:(...) may hold words, phrases, OR and -, not other fields");
        return -1;
    }
    for (size_t i = 0; i < n->n_kids; i++)
        if (mark_headline(p, n->kids[i]) != 0)
            return -1;
    return 0;
}

static qnode *parse_unary(parser *p);

static qnode *parse_field(parser *p, const token *t)
{
    field_id f = t->field;
    const char *label = field_label(f);
    const token *v = cur(p);
    if (!t->adjacent || !v)
        return fail(p, "%s needs a value right after the colon, e.g. title:劳模, "
                       "region:吉林省, topic:劳模工匠, date:2020-11", label);
    if (f == F_TITLE) {
        if (v->kind == T_LPAREN || v->kind == T_WORD || v->kind == T_PHRASE) {
            qnode *n = parse_unary(p);
            if (n && mark_headline(p, n) != 0) {
                node_free(n);
                return NULL;
            }
            return n;
        }
        return fail(p, "%s needs a word, a \"phrase\" or a (group) right after the colon",
                    label);
    }
    if (v->kind != T_WORD && v->kind != T_PHRASE)
        return fail(p, "%s needs a value right after the colon", label);
    p->pos++;
    /* values are compared trimmed */
    const char *s = v->text;
    while (*s == ' ')
        s++;
    char *val = nfs_xstrdup(s);
    size_t n = strlen(val);
    while (n && val[n - 1] == ' ')
        val[--n] = '\0';
    qnode *node = NULL;
    if (!n)
        nfs_err_set(p->err, "%s needs a value", label);
    else if (f == F_REGION)
        node = region_node(p, val);
    else if (f == F_TOPIC)
        node = topic_node(p, val);
    else
        node = date_node(p, val);
    free(val);
    return node;
}

static qnode *parse_primary(parser *p)
{
    const token *t = cur(p);
    if (!t)
        return fail(p, "%s", "the query ends where a search term was expected");
    switch (t->kind) {
    case T_WORD:
    case T_PHRASE:
        p->pos++;
        return text_node(p, t->text, 0);
    case T_FIELD:
        p->pos++;
        return parse_field(p, t);
    case T_LPAREN: {
        p->pos++;
        if (!cur(p))
            return fail(p, "%s", "a '(' is never closed: add the missing ')'");
        if (cur(p)->kind == T_RPAREN)
            return fail(p, "%s", "empty parentheses ()");
        if (++p->depth > MAX_PARSE_DEPTH)
            return fail(p, "%s", "the query is nested too deeply");
        qnode *n = parse_or(p);
        p->depth--;
        if (!n)
            return NULL;
        if (!cur(p) || cur(p)->kind != T_RPAREN) {
            node_free(n);
            return fail(p, "%s", "a '(' is never closed: add the missing ')'");
        }
        p->pos++;
        return n;
    }
    case T_RPAREN:
        return fail(p, "%s", "a ')' without its '('");
    case T_OR:
        return fail(p, "%s", "OR must stand between two search terms (a OR b)");
    case T_AND:
        return fail(p, "%s", "AND must stand between two search terms (a AND b)");
    case T_NOT:
        return parse_unary(p);
    }
    return fail(p, "%s", "unexpected token");
}

static qnode *parse_unary(parser *p)
{
    const token *t = cur(p);
    if (t && t->kind == T_NOT) {
        p->pos++;
        if (!cur(p) || cur(p)->kind == T_OR || cur(p)->kind == T_AND ||
            cur(p)->kind == T_RPAREN)
            return fail(p, "%s", "NOT / '-' must be followed by what to exclude: -word");
        if (++p->depth > MAX_PARSE_DEPTH)
            return fail(p, "%s", "the query is nested too deeply");
        qnode *kid = parse_unary(p);
        p->depth--;
        if (!kid)
            return NULL;
        if (kid->kind == QN_NOT) { /* --x is x */
            qnode *inner = kid->kids[0];
            kid->n_kids = 0;
            node_free(kid);
            return inner;
        }
        qnode *n = node_new(QN_NOT);
        node_add(n, kid);
        return n;
    }
    return parse_primary(p);
}

/* Terms side by side (or joined by AND) must all match. */
static qnode *parse_and(parser *p)
{
    qnode *and = node_new(QN_AND);
    for (;;) {
        const token *t = cur(p);
        if (!t || t->kind == T_OR || t->kind == T_RPAREN)
            break;
        if (t->kind == T_AND) {
            if (and->n_kids == 0) {
                node_free(and);
                return fail(p, "%s", "AND must stand between two search terms (a AND b)");
            }
            p->pos++;
            const token *nx = cur(p);
            if (!nx || nx->kind == T_OR || nx->kind == T_RPAREN || nx->kind == T_AND) {
                node_free(and);
                return fail(p, "%s", "AND must stand between two search terms (a AND b)");
            }
            continue;
        }
        qnode *kid = parse_unary(p);
        if (!kid) {
            node_free(and);
            return NULL;
        }
        node_add(and, kid);
    }
    if (and->n_kids == 0) {
        node_free(and);
        return fail(p, "%s", "OR must stand between two search terms (a OR b)");
    }
    if (and->n_kids == 1) {
        qnode *only = and->kids[0];
        and->n_kids = 0;
        node_free(and);
        return only;
    }
    return and;
}

static qnode *parse_or(parser *p)
{
    qnode *first = parse_and(p);
    if (!first)
        return NULL;
    if (!cur(p) || cur(p)->kind != T_OR)
        return first;
    qnode *or = node_new(QN_OR);
    node_add(or, first);
    while (cur(p) && cur(p)->kind == T_OR) {
        p->pos++;
        const token *t = cur(p);
        if (!t || t->kind == T_OR || t->kind == T_RPAREN) {
            node_free(or);
            return fail(p, "%s", "OR must stand between two search terms (a OR b)");
        }
        qnode *kid = parse_and(p);
        if (!kid) {
            node_free(or);
            return NULL;
        }
        node_add(or, kid);
    }
    return or;
}

/* ---- compile: which subtrees FTS5 evaluates ---- */

static void fts_quote(strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_putc(sb, '"');
        sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

/* Fill n->fts for every subtree that FTS5 can evaluate on its own: text
 * terms; OR of such; AND of such with at least one positive kid (FTS5's
 * NOT is binary: "a NOT b"). Returns 1 if n itself can be. */
static int compile_fts(qnode *n)
{
    for (size_t i = 0; i < n->n_kids; i++)
        compile_fts(n->kids[i]);
    strbuf sb = {0};
    switch (n->kind) {
    case QN_TEXT:
        if (n->single) /* one character: the one-character index, in SQL */
            return 0;
        if (n->headline)
            sb_puts(&sb, "headline:");
        fts_quote(&sb, n->text);
        if (n->prefix)
            sb_putc(&sb, '*');
        break;
    case QN_OR:
        for (size_t i = 0; i < n->n_kids; i++) {
            if (!n->kids[i]->fts) {
                sb_free(&sb);
                return 0;
            }
            sb_printf(&sb, "%s(%s)", i ? " OR " : "", n->kids[i]->fts);
        }
        break;
    case QN_AND: {
        size_t n_pos = 0;
        for (size_t i = 0; i < n->n_kids; i++) {
            qnode *k = n->kids[i];
            int ok = k->kind == QN_NOT ? k->kids[0]->fts != NULL : k->fts != NULL;
            if (!ok) {
                sb_free(&sb);
                return 0;
            }
            n_pos += k->kind != QN_NOT;
        }
        if (n_pos == 0)
            return 0;
        size_t done = 0;
        for (size_t i = 0; i < n->n_kids; i++)
            if (n->kids[i]->kind != QN_NOT)
                sb_printf(&sb, "%s(%s)", done++ ? " AND " : "", n->kids[i]->fts);
        for (size_t i = 0; i < n->n_kids; i++) {
            if (n->kids[i]->kind == QN_NOT) {
                char *left = sb_steal(&sb);
                sb_printf(&sb, "(%s) NOT (%s)", left, n->kids[i]->kids[0]->fts);
                free(left);
            }
        }
        break;
    }
    default:
        return 0;
    }
    n->fts = sb_steal(&sb);
    return 1;
}

/* Split the root's conjuncts: positive FTS-able ones drive the query,
 * with the NOT-ed FTS-able ones attached; the rest become SQL filters. */
static void plan(search_query *q)
{
    qnode *root = q->root;
    qnode **conj = root->kind == QN_AND ? root->kids : &q->root;
    size_t n = root->kind == QN_AND ? root->n_kids : 1;
    strbuf pos = {0};
    size_t n_pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (conj[i]->kind != QN_NOT && conj[i]->fts)
            sb_printf(&pos, "%s(%s)", n_pos++ ? " AND " : "", conj[i]->fts);
    }
    q->filters = nfs_xcalloc(n ? n : 1, sizeof *q->filters);
    for (size_t i = 0; i < n; i++) {
        qnode *c = conj[i];
        int positive_fts = c->kind != QN_NOT && c->fts;
        int negative_fts = c->kind == QN_NOT && c->kids[0]->fts;
        if (n_pos && negative_fts) {
            char *left = sb_steal(&pos);
            sb_printf(&pos, "(%s) NOT (%s)", left, c->kids[0]->fts);
            free(left);
        } else if (!positive_fts) {
            q->filters[q->n_filters++] = c;
        }
    }
    q->fts = n_pos ? sb_steal(&pos) : NULL;
    sb_free(&pos);
    /* without an FTS5 expression, a positive one-character term ranks the
     * articles with it in the headline first (and snippets show it) */
    for (size_t i = 0; i < n && !q->fts && !q->rank_char; i++)
        if (conj[i]->kind == QN_TEXT && conj[i]->single)
            q->rank_char = conj[i]->ch;
}

/* ---- SQL for the filters ---- */

static void param_text(qparams *p, const char *s)
{
    qparam v = {.is_text = 1, .s = s};
    NFS_VEC_PUSH(p->v, p->n, p->cap, v);
}

static void param_int(qparams *p, int64_t i)
{
    qparam v = {.is_text = 0, .i = i};
    NFS_VEC_PUSH(p->v, p->n, p->cap, v);
}

static void filter_sql(const qnode *n, strbuf *sql, int first, qparams *p)
{
    if (n->kind != QN_NOT && n->fts) {
        /* a text subtree FTS5 evaluates, checked for this one article */
        sb_printf(sql, "EXISTS(SELECT 1 FROM fts WHERE fts MATCH ?%d AND fts.rowid = a.id)",
                  first + (int)p->n);
        param_text(p, n->fts);
        return;
    }
    switch (n->kind) {
    case QN_AND:
    case QN_OR:
        sb_putc(sql, '(');
        for (size_t i = 0; i < n->n_kids; i++) {
            if (i)
                sb_puts(sql, n->kind == QN_AND ? " AND " : " OR ");
            filter_sql(n->kids[i], sql, first, p);
        }
        sb_putc(sql, ')');
        break;
    case QN_NOT:
        sb_puts(sql, "NOT ");
        filter_sql(n->kids[0], sql, first, p);
        break;
    case QN_REGION:
        sb_printf(sql, "(a.region BETWEEN ?%d AND ?%d)", first + (int)p->n,
                  first + (int)p->n + 1);
        param_int(p, n->lo);
        param_int(p, n->hi);
        break;
    case QN_TOPIC:
        sb_printf(sql,
                  "EXISTS(SELECT 1 FROM article_topics t JOIN topics n ON n.id = t.topic_id"
                  " WHERE n.name = ?%d AND t.article_id = a.id)",
                  first + (int)p->n);
        param_text(p, n->text);
        break;
    case QN_DATE:
        /* 0, not NULL, for undated articles, so that -date:… keeps them */
        sb_puts(sql, "(a.date IS NOT NULL");
        if (n->date_lo[0]) {
            sb_printf(sql, " AND a.date >= ?%d", first + (int)p->n);
            param_text(p, n->date_lo);
        }
        if (n->date_hi[0]) {
            sb_printf(sql, " AND a.date <= ?%d", first + (int)p->n);
            param_text(p, n->date_hi);
        }
        sb_putc(sql, ')');
        break;
    case QN_TEXT: /* one character (the rest has fts) */
        sb_printf(sql, "EXISTS(SELECT 1 FROM nfs_chars(?%d, ?%d) c WHERE c.id = a.id)",
                  first + (int)p->n, first + (int)p->n + 1);
        param_int(p, n->ch);
        param_int(p, n->headline);
        break;
    }
}

/* ---- the filters as a set of article ids ---- */

static void set_sql(const qnode *n, strbuf *sql, int first, qparams *p);

/* s as a member of a compound SELECT */
static void set_member(const qnode *n, strbuf *sql, int first, qparams *p)
{
    sb_puts(sql, "SELECT id FROM (");
    set_sql(n, sql, first, p);
    sb_putc(sql, ')');
}

/* The ids of the articles NOT in n. */
static void set_complement(const qnode *n, strbuf *sql, int first, qparams *p)
{
    sb_puts(sql, "SELECT id FROM articles EXCEPT ");
    set_member(n, sql, first, p);
}

/* A SELECT of the ids (column "id") of the articles n matches; each
 * filter reads one index (articles_by_region, articles_by_date, the
 * article_topics key, the fts index), and AND/OR/NOT become INTERSECT,
 * UNION, EXCEPT. */
static void set_sql(const qnode *n, strbuf *sql, int first, qparams *p)
{
    if (n->kind != QN_NOT && n->fts) {
        sb_printf(sql, "SELECT rowid AS id FROM fts WHERE fts MATCH ?%d", first + (int)p->n);
        param_text(p, n->fts);
        return;
    }
    switch (n->kind) {
    case QN_AND: {
        size_t n_pos = 0;
        for (size_t i = 0; i < n->n_kids; i++) {
            if (n->kids[i]->kind == QN_NOT)
                continue;
            if (n_pos++)
                sb_puts(sql, " INTERSECT ");
            set_member(n->kids[i], sql, first, p);
        }
        if (!n_pos)
            sb_puts(sql, "SELECT id FROM articles");
        for (size_t i = 0; i < n->n_kids; i++) {
            if (n->kids[i]->kind != QN_NOT)
                continue;
            sb_puts(sql, " EXCEPT ");
            set_member(n->kids[i]->kids[0], sql, first, p);
        }
        break;
    }
    case QN_OR:
        for (size_t i = 0; i < n->n_kids; i++) {
            if (i)
                sb_puts(sql, " UNION ");
            if (n->kids[i]->kind == QN_NOT) {
                sb_puts(sql, "SELECT id FROM (");
                set_complement(n->kids[i]->kids[0], sql, first, p);
                sb_putc(sql, ')');
            } else {
                set_member(n->kids[i], sql, first, p);
            }
        }
        break;
    case QN_NOT:
        set_complement(n->kids[0], sql, first, p);
        break;
    case QN_REGION:
        sb_printf(sql, "SELECT id FROM articles WHERE region BETWEEN ?%d AND ?%d",
                  first + (int)p->n, first + (int)p->n + 1);
        param_int(p, n->lo);
        param_int(p, n->hi);
        break;
    case QN_TOPIC:
        sb_printf(sql,
                  "SELECT article_id AS id FROM article_topics WHERE topic_id IN"
                  " (SELECT id FROM topics WHERE name = ?%d)",
                  first + (int)p->n);
        param_text(p, n->text);
        break;
    case QN_DATE:
        sb_puts(sql, "SELECT id FROM articles WHERE date IS NOT NULL");
        if (n->date_lo[0]) {
            sb_printf(sql, " AND date >= ?%d", first + (int)p->n);
            param_text(p, n->date_lo);
        }
        if (n->date_hi[0]) {
            sb_printf(sql, " AND date <= ?%d", first + (int)p->n);
            param_text(p, n->date_hi);
        }
        break;
    case QN_TEXT: /* one character (the rest has fts) */
        sb_printf(sql, "SELECT id FROM nfs_chars(?%d, ?%d)", first + (int)p->n,
                  first + (int)p->n + 1);
        param_int(p, n->ch);
        param_int(p, n->headline);
        break;
    }
}

void query_filter_sql(const search_query *q, strbuf *sql, int first_param, qparams *params,
                      int mode)
{
    if (q->n_filters == 0) {
        sb_puts(sql, mode == QUERY_SQL_ROW ? "1" : "SELECT id FROM articles");
        return;
    }
    for (size_t i = 0; i < q->n_filters; i++) {
        if (mode == QUERY_SQL_ROW) {
            if (i)
                sb_puts(sql, " AND ");
            filter_sql(q->filters[i], sql, first_param, params);
        } else {
            if (i)
                sb_puts(sql, " INTERSECT ");
            set_member(q->filters[i], sql, first_param, params);
        }
    }
}

int query_bind(sqlite3_stmt *st, int first_param, const qparams *params)
{
    for (size_t i = 0; i < params->n; i++) {
        int idx = first_param + (int)i, rc;
        if (params->v[i].is_text)
            rc = sqlite3_bind_text(st, idx, params->v[i].s, -1, SQLITE_STATIC);
        else
            rc = sqlite3_bind_int64(st, idx, params->v[i].i);
        if (rc != SQLITE_OK)
            return -1;
    }
    return 0;
}

void qparams_free(qparams *p)
{
    free(p->v);
    p->v = NULL;
    p->n = p->cap = 0;
}

/* ---- entry point ---- */

/* Levels of AND/OR/NOT nodes above a leaf (a lone term: 0). */
static int tree_depth(const qnode *n)
{
    int d = 0;
    for (size_t i = 0; i < n->n_kids; i++) {
        int k = tree_depth(n->kids[i]);
        if (k > d)
            d = k;
    }
    return n->n_kids ? d + 1 : 0;
}

/* Check that a part can be read: valid UTF-8, no control characters. */
static int check_part(const char *s, size_t len, nfs_err *err)
{
    size_t bad = utf8_first_invalid(s, len);
    if (bad < len)
        return nfs_err_set(err, "the query is not valid UTF-8 (byte %zu); file names in "
                                "search/ must be UTF-8 text", bad);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return nfs_err_set(err, "the query contains a control character (U+%04X)",
                               (unsigned)cp);
        i += k;
    }
    return 0;
}

int search_parse(const search_env *env, const char *const *parts, size_t n, search_query **out,
                 nfs_err *err)
{
    *out = NULL;
    if (!parts || n == 0)
        return nfs_err_set(err, "empty query");
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += parts[i] ? strlen(parts[i]) : 0;
    if (total > MAX_QUERY_BYTES)
        return nfs_err_set(err, "the query is too long (%zu bytes; at most %d)", total,
                           MAX_QUERY_BYTES);
    search_query *q = nfs_xcalloc(1, sizeof *q);
    strbuf text = {0};
    qnode *root = node_new(QN_AND);
    parser p = {.env = env, .err = err};
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const char *part = parts[i] ? parts[i] : "";
        size_t len = strlen(part);
        sb_printf(&text, "%s%s", text.len ? " / " : "", part);
        if ((rc = check_part(part, len, err)) != 0)
            break;
        size_t norm_len;
        char *norm = nfs_nfkc(part, len, &norm_len);
        tokens_free(&p.toks);
        p.pos = 0;
        rc = lex(norm, norm_len, &p.toks, err);
        free(norm);
        if (rc != 0 || p.toks.n == 0)
            continue; /* an empty part adds nothing */
        qnode *part_node = parse_or(&p);
        if (!part_node) {
            rc = -1;
            break;
        }
        if (p.pos < p.toks.n) { /* only a stray ')' stops parse_or early */
            node_free(part_node);
            rc = nfs_err_set(err, "a ')' without its '('");
            break;
        }
        if (part_node->kind == QN_AND) { /* flatten: the parts are ANDed anyway */
            for (size_t k = 0; k < part_node->n_kids; k++)
                node_add(root, part_node->kids[k]);
            part_node->n_kids = 0;
            node_free(part_node);
        } else {
            node_add(root, part_node);
        }
    }
    tokens_free(&p.toks);
    if (rc == 0 && root->n_kids == 0)
        rc = nfs_err_set(err, "empty query: write the words to search for");
    if (rc == 0 && tree_depth(root) > MAX_DEPTH)
        rc = nfs_err_set(err, "the query is nested too deeply (at most %d levels of "
                              "parentheses, OR and -)", MAX_DEPTH);
    if (rc != 0) {
        node_free(root);
        sb_free(&text);
        free(q);
        return -1;
    }
    if (root->n_kids == 1) {
        q->root = root->kids[0];
        root->n_kids = 0;
        node_free(root);
    } else {
        q->root = root;
    }
    q->text = sb_steal(&text);
    compile_fts(q->root);
    plan(q);
    *out = q;
    return 0;
}
