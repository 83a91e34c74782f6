/* tokenizer.h - the FTS5 tokenizer "newsfs" and the text folding it uses.
 *
 * Folding (applied identically to documents and queries): NFKC, Unicode
 * case folding, and traditional characters folded to simplified ones with a
 * per-character table (so that substrings stay substrings).
 *
 * Tokens: inside a run of Han characters, an overlapping bigram at every
 * position, so that a query of k >= 2 characters is a phrase of k-1
 * consecutive bigrams (an exact substring match); a run's character alone
 * where the run has only one or touches a word (2020年, 第5届). Every Han
 * character of a document also goes to the one-character index
 * (charidx.h), which one-character queries read. Runs of
 * Latin letters and digits are whole words. Nothing spans white space or
 * punctuation, so no match crosses a line, as with grep. Offsets are byte
 * offsets into the original (unfolded) text, so snippet() and highlight()
 * work on the stored article text. Details in src/tokenizer.c.
 */
#ifndef NFS_TOKENIZER_H
#define NFS_TOKENIZER_H

#include <sqlite3.h>

#include "nfs.h"

/* Options for "CREATE VIRTUAL TABLE fts USING fts5(headline, text, ...)":
 * detail=full (the default) because phrases need positions; no prefix
 * index (one-character queries read the one-character index). */
#define NFS_FTS_OPTIONS "tokenize='newsfs'"

/* The tokenizer's name, as registered by nfs_tokenizer_register. */
#define NFS_TOKENIZER_NAME "newsfs"

/* Register the tokenizer, the ranking function search uses (nfs_rank(),
 * src/rank.h), and the one-character index's SQL functions (charidx.h) on
 * a connection: needed on every connection that reads or writes the fts
 * table. The folding tables are built on
 * first use (about 10 ms of ICU calls; a mount does not wait for them). */
int nfs_tokenizer_register(sqlite3 *db, nfs_err *err);

/* Attach sink to the tokenizer of db (NULL detaches): the Han characters
 * of the articles that fts receives go to it (charidx.h). */
typedef struct char_sink char_sink;
#define NFS_CHAR_SINK_POINTER "nfs_char_sink"
int nfs_tokenizer_attach_sink(sqlite3 *db, char_sink *sink, nfs_err *err);

/* Build the folding tables now; an error if ICU's data is unusable. The
 * indexer calls it before writing, so that it fails before any work. */
int nfs_tokenizer_ready(nfs_err *err);

/* Fold text as the tokenizer does (NFKC, case folding, traditional ->
 * simplified; separators are kept). Returns a new string; *out_len its
 * length. */
char *nfs_fold(const char *s, size_t len, size_t *out_len);

/* The tokens of a text, as FTS5 gets them: fn(ctx, token, token_len,
 * start, end, colocated) for each, [start, end) being the token's byte
 * range in the original text, colocated != 0 for a token at the same
 * position as the previous one. query != 0 tokenizes the way FTS5
 * tokenizes a query string (no colocated tokens). A non-zero return from
 * fn stops and is returned. */
typedef int (*nfs_token_fn)(void *ctx, const char *token, int len, int start, int end,
                            int colocated);
int nfs_tokenize(const char *text, size_t len, int query, nfs_token_fn fn, void *ctx);

/* How a query string tokenizes. lone_end: the last token is a lone Han
 * character; lone_after_word: ... right after a word (2020年), which the
 * index has as a token of its own. Elsewhere a lone last character must
 * match as a prefix ("工会 长"*): in the index it starts a bigram. */
typedef struct {
    size_t n_tokens;
    int lone_end;
    int lone_after_word;
} nfs_query_shape;
void nfs_query_analyse(const char *text, size_t len, nfs_query_shape *out);

#endif
