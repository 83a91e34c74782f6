/* tokenizer.c - the FTS5 tokenizer "newsfs": folded text (fold.h) cut into
 * overlapping Han bigrams and whole Latin/digit words, with byte offsets
 * into the original text; registered on every connection. */
#include "tokenizer.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "charidx.h"
#include "fold.h"
#include "rank.h"

/* Tokens of a run of Han characters c1..cn (n >= 1), in the index:
 *  - the bigrams c1c2, c2c3, ..., c(n-1)cn at consecutive positions, so
 *    that a query of k >= 2 characters, tokenized the same way, is a
 *    phrase of k-1 bigrams: it matches exactly where it is a substring of
 *    the run (a phrase cannot straddle two runs: no bigram spans white
 *    space or punctuation);
 *  - c1 alone when n == 1 (there is no bigram);
 *  - where a word (Latin letters, digits) touches the run, the character
 *    touching it alone: cn at its own position after the last bigram when
 *    the word follows, c1 colocated with the first bigram when the word
 *    precedes. So 2020年 (2020, 年) finds 2020年度 (2020, 年度+年) and
 *    第5届 (第, 5, 届) finds 举办第5届大会 (举办, 办第, 第, 5, 届大+届, 大会);
 * A query tokenizes like a document without the colocated tokens. A query
 * ending in a lone character after white space or punctuation ("工会 长")
 * becomes a prefix query ("工会 长"*, slow for very common characters).
 * A one-character query is not an FTS5 query at all: the query compiler
 * sends it to the one-character index (charidx.h), which a document's
 * tokenization fills as it goes. */

typedef struct {
    nfs_token_fn fn;
    void *ctx;
    int query;
    /* the current run of Han characters: its length and last character,
     * and whether it follows a word directly */
    size_t run_len;
    int run_after_word;
    char prev[4];
    int prev_len;
    uint32_t prev_start, prev_end;
    /* the current word */
    char *word;
    size_t word_len, word_cap;
    uint32_t word_start, word_end;
    char word_inline[128];
    /* documents: every Han character goes to the one-character index,
     * once per text (seen: the BMP characters already sent; must stay
     * last, cleared only when there is a sink) */
    char_sink *sink;
    int col;
    uint64_t seen[0x10000 / 64];
} tok_state;

static inline int utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    return (int)utf8_encode(cp, out);
}

/* The run of Han characters ends; before_word: a word follows at once. */
static int end_run(tok_state *t, int before_word)
{
    size_t n = t->run_len;
    t->run_len = 0;
    if (n == 1 || before_word)
        return t->fn(t->ctx, t->prev, t->prev_len, (int)t->prev_start, (int)t->prev_end, 0);
    return 0;
}

static int end_word(tok_state *t)
{
    int rc = t->fn(t->ctx, t->word, (int)t->word_len, (int)t->word_start, (int)t->word_end, 0);
    t->word_len = 0;
    return rc;
}

static void word_add(tok_state *t, const fold_char *c)
{
    if (!t->word_len)
        t->word_start = c->start;
    t->word_end = c->end;
    if (t->word_len + 4 > t->word_cap) {
        size_t cap = t->word_cap * 2;
        char *w = nfs_xmalloc(cap);
        memcpy(w, t->word, t->word_len);
        if (t->word != t->word_inline)
            free(t->word);
        t->word = w;
        t->word_cap = cap;
    }
    t->word_len += (size_t)utf8_put(c->cp, t->word + t->word_len);
}

/* The tokens of a text; a document's Han characters also go to sink
 * (when not NULL) as column col. */
static int tokenize(const char *text, size_t len, int query, char_sink *sink, int col,
                    nfs_token_fn fn, void *ctx)
{
    tok_state t;
    memset(&t, 0, offsetof(tok_state, seen));
    t.sink = query ? NULL : sink;
    if (t.sink)
        memset(t.seen, 0, sizeof t.seen);
    t.col = col;
    t.fn = fn;
    t.ctx = ctx;
    t.query = query;
    t.word = t.word_inline;
    t.word_cap = sizeof t.word_inline;
    fold_iter it;
    fold_iter_init(&it, text, len);
    fold_char c;
    int rc = 0;
    while (rc == 0 && fold_next(&it, &c)) {
        if (c.cls == FOLD_CJK) {
            if (t.sink) {
                if (c.cp >= 0x10000) {
                    char_sink_add(t.sink, c.cp, t.col); /* it skips repeats itself */
                } else if (!(t.seen[c.cp >> 6] & ((uint64_t)1 << (c.cp & 63)))) {
                    t.seen[c.cp >> 6] |= (uint64_t)1 << (c.cp & 63);
                    char_sink_add(t.sink, c.cp, t.col);
                }
            }
            if (!t.run_len)
                t.run_after_word = t.word_len > 0;
            if (t.word_len && (rc = end_word(&t)) != 0)
                break;
            /* fixed-size copies of whole 4-byte buffers: the compiler
             * makes them single moves (a libc memcpy per character was 2%
             * of indexing) */
            char cur[4] = {0};
            int cur_len = utf8_put(c.cp, cur);
            if (t.run_len) {
                char bigram[8];
                memcpy(bigram, t.prev, 4);
                memcpy(bigram + t.prev_len, cur, 4);
                rc = fn(ctx, bigram, t.prev_len + cur_len, (int)t.prev_start, (int)c.end, 0);
                /* the head of a run that follows a word (see above) */
                if (rc == 0 && t.run_len == 1 && t.run_after_word && !query)
                    rc = fn(ctx, t.prev, t.prev_len, (int)t.prev_start, (int)t.prev_end, 1);
            }
            memcpy(t.prev, cur, 4);
            t.prev_len = cur_len;
            t.prev_start = c.start;
            t.prev_end = c.end;
            t.run_len++;
        } else if (c.cls == FOLD_WORD) {
            if (t.run_len && (rc = end_run(&t, 1)) != 0)
                break;
            word_add(&t, &c);
        } else {
            if (t.run_len)
                rc = end_run(&t, 0);
            else if (t.word_len)
                rc = end_word(&t);
        }
    }
    if (rc == 0 && t.run_len)
        rc = end_run(&t, 0);
    if (rc == 0 && t.word_len)
        rc = end_word(&t);
    fold_iter_free(&it);
    if (t.word != t.word_inline)
        free(t.word);
    return rc;
}

int nfs_tokenize(const char *text, size_t len, int query, nfs_token_fn fn, void *ctx)
{
    return tokenize(text, len, query, NULL, 0, fn, ctx);
}

/* ---- query analysis ---- */

typedef struct {
    size_t n;
    int last_is_lone_han;
    int last_after_word; /* the last token directly follows a word token */
    int prev_was_word;
    int prev_end;
} shape_ctx;

static int shape_token(void *ctx, const char *tok, int len, int start, int end, int colocated)
{
    shape_ctx *s = ctx;
    s->n++;
    uint32_t cp;
    size_t k = utf8_decode(tok, (size_t)len, &cp);
    s->last_is_lone_han = (int)k == len && fold_class(cp) == FOLD_CJK;
    s->last_after_word = s->n > 1 && s->prev_was_word && s->prev_end == start;
    s->prev_was_word = fold_class(cp) == FOLD_WORD;
    s->prev_end = end;
    return 0;
}

void nfs_query_analyse(const char *text, size_t len, nfs_query_shape *out)
{
    shape_ctx s = {0};
    nfs_tokenize(text, len, 1, shape_token, &s);
    out->n_tokens = s.n;
    out->lone_end = s.n > 0 && s.last_is_lone_han;
    out->lone_after_word = out->lone_end && s.last_after_word;
}

/* ---- folding as text ---- */

char *nfs_fold(const char *s, size_t len, size_t *out_len)
{
    strbuf out = {0};
    sb_reserve(&out, len + 1);
    fold_iter it;
    fold_iter_init(&it, s, len);
    fold_char c;
    while (fold_next(&it, &c)) {
        char buf[4];
        sb_append(&out, buf, (size_t)utf8_put(c.cp, buf));
    }
    fold_iter_free(&it);
    *out_len = out.len;
    return sb_steal(&out);
}

/* ---- FTS5 glue ---- */

/* What the tokenizer knows of its connection: the sink of the
 * one-character index, on the writer's connection (NULL elsewhere). Freed
 * with the connection (xCreateTokenizer's destructor). */
typedef struct {
    char_sink *sink;
} tok_conn;

typedef struct {
    tok_conn *conn;
} newsfs_tokenizer;

static int fts_create(void *user, const char **args, int n_args, Fts5Tokenizer **out)
{
    *out = NULL;
    if (n_args > 0)
        return SQLITE_ERROR; /* the tokenizer takes no options */
    if (fold_ready(NULL, 0) != 0)
        return SQLITE_ERROR;
    newsfs_tokenizer *t = nfs_xcalloc(1, sizeof *t);
    t->conn = user;
    *out = (Fts5Tokenizer *)t;
    return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *tok)
{
    free(tok);
}

typedef struct {
    void *ctx;
    int (*x_token)(void *, int, const char *, int, int, int);
} fts_call;

static int fts_token(void *ctx, const char *tok, int len, int start, int end, int colocated)
{
    fts_call *call = ctx;
    return call->x_token(call->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok, len, start, end);
}

static int fts_tokenize(Fts5Tokenizer *tok, void *ctx, int flags, const char *text, int n_text,
                        int (*x_token)(void *, int, const char *, int, int, int))
{
    fts_call call = {ctx, x_token};
    /* the next column of the article nfs_char_row() named (counted even
     * when empty) */
    char_sink *sink = ((newsfs_tokenizer *)tok)->conn->sink;
    int col = sink && flags == FTS5_TOKENIZE_DOCUMENT ? char_sink_column(sink) : -1;
    if (n_text <= 0)
        return SQLITE_OK;
    /* FTS5_TOKENIZE_AUX (snippet, highlight) must see the document's tokens */
    int query = (flags & FTS5_TOKENIZE_QUERY) != 0;
    return tokenize(text, (size_t)n_text, query, col >= 0 ? sink : NULL, col, fts_token, &call);
}

/* The fts5_api of a connection (NULL if FTS5 is missing). */
static fts5_api *fts5_api_of(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
    sqlite3_step(st);
    sqlite3_finalize(st);
    return api;
}

/* nfs_char_row(id, text): the next document tokenizations are the
 * columns of article id (for the sink, if any); returns text. */
static void char_row_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    tok_conn *conn = sqlite3_user_data(ctx);
    if (conn->sink)
        char_sink_row(conn->sink, sqlite3_value_int64(argv[0]));
    sqlite3_result_value(ctx, argv[1]);
}

/* nfs_char_sink(pointer): attach a sink (a pointer bound with type
 * "nfs_char_sink"; NULL detaches). */
static void char_sink_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    tok_conn *conn = sqlite3_user_data(ctx);
    conn->sink = sqlite3_value_pointer(argv[0], NFS_CHAR_SINK_POINTER);
}

int nfs_tokenizer_attach_sink(sqlite3 *db, char_sink *sink, nfs_err *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT nfs_char_sink(?1)", -1, &st, NULL) != SQLITE_OK)
        return nfs_err_set(err, "cannot attach the one-character index: %s", sqlite3_errmsg(db));
    sqlite3_bind_pointer(st, 1, sink, NFS_CHAR_SINK_POINTER, NULL);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return nfs_err_set(err, "cannot attach the one-character index: %s", sqlite3_errmsg(db));
    return 0;
}

int nfs_tokenizer_ready(nfs_err *err)
{
    char why[256];
    if (fold_ready(why, sizeof why) != 0)
        return nfs_err_set(err, "cannot set up the search tokenizer: %s", why);
    return 0;
}

int nfs_tokenizer_register(sqlite3 *db, nfs_err *err)
{
    fts5_api *api = fts5_api_of(db);
    if (!api || api->iVersion < 2)
        return nfs_err_set(err, "this SQLite has no usable FTS5 (%s)", sqlite3_errmsg(db));
    static const fts5_tokenizer methods = {fts_create, fts_delete, fts_tokenize};
    fts5_tokenizer m = methods;
    tok_conn *conn = nfs_xcalloc(1, sizeof *conn);
    int rc = api->xCreateTokenizer(api, NFS_TOKENIZER_NAME, conn, &m, free);
    if (rc != SQLITE_OK) {
        free(conn);
        return nfs_err_set(err, "cannot register the search tokenizer: %s", sqlite3_errstr(rc));
    }
    /* conn lives as long as the connection, as these functions do */
    rc = sqlite3_create_function(db, "nfs_char_row", 2, SQLITE_UTF8, conn, char_row_fn, NULL,
                                 NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "nfs_char_sink", 1, SQLITE_UTF8, conn, char_sink_fn, NULL,
                                     NULL);
    if (rc == SQLITE_OK)
        rc = char_idx_register(db);
    if (rc != SQLITE_OK)
        return nfs_err_set(err, "cannot register the search functions: %s", sqlite3_errstr(rc));
    rc = nfs_rank_register(api);
    if (rc != SQLITE_OK)
        return nfs_err_set(err, "cannot register the search ranking: %s", sqlite3_errstr(rc));
    return 0;
}
