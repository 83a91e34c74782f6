/* fold.h - private to the search engine: the text folding that search
 * applies identically to articles and queries, as a stream of folded
 * characters that remember where they came from in the original text.
 *
 * Folding = Unicode NFKC, then full case folding (the same as Python's
 * unicodedata.normalize("NFKC", s).casefold(), which is what the
 * evaluation's grep applies), then traditional characters to simplified
 * ones with the one-to-one table src/data/t2s.txt (see src/tools/gen_t2s.c
 * for which characters are in it and why).
 *
 * Each folded character carries the byte range [start, end) of the original
 * text it came from. Folding changes lengths (NFKC "…" -> "...", "ﬁ" ->
 * "fi"); when one original sequence folds to several characters, they all
 * carry the range of that whole sequence.
 *
 * Speed: ASCII, Han and every other character that normalisation leaves
 * alone (a 64 KiB table built once) take a table lookup; only the rest
 * goes through ICU, one normalisation segment at a time.
 */
#ifndef NFS_FOLD_H
#define NFS_FOLD_H

#include <stddef.h>
#include <stdint.h>

/* What a folded character is to the tokenizer. */
enum {
    FOLD_SEP = 0,  /* white space, punctuation, symbols: ends every token */
    FOLD_WORD = 1, /* letters and digits of space-separated scripts: whole words */
    FOLD_CJK = 2,  /* Han and kana: indexed as overlapping bigrams */
};

typedef struct {
    uint32_t cp;         /* folded code point */
    uint32_t start, end; /* byte range in the original text */
    int cls;             /* FOLD_SEP, FOLD_WORD or FOLD_CJK */
} fold_char;

typedef struct {
    uint16_t *p;
    size_t cap;
    uint16_t inline_buf[64];
} fold_u16buf;

/* Iterator over the folded characters of a text. Texts longer than 4 GiB
 * are not supported (FTS5 hands over at most 2 GiB). */
typedef struct {
    const char *text;
    size_t len, pos;
    const void *tables;
    /* characters of the current ICU segment still to hand out, all with
     * the range [pend_start, pend_end) */
    uint32_t *pend;
    size_t n_pend, i_pend, cap_pend;
    uint32_t pend_start, pend_end;
    uint32_t pend_inline[32];
    /* UTF-16 scratch for ICU (source, NFKC, case-folded); heap only for
     * segments longer than the inline buffers. The iterator must not be
     * copied once initialised. */
    fold_u16buf u16[3];
} fold_iter;

/* Build the tables (once per process; thread-safe). Fails only when ICU's
 * normalisation data cannot be loaded; fold_next then leaves characters
 * that need ICU unnormalised. */
int fold_ready(char *why, size_t why_len);

void fold_iter_init(fold_iter *it, const char *text, size_t len);
/* The next folded character: 1, or 0 at the end of the text. */
int fold_next(fold_iter *it, fold_char *out);
void fold_iter_free(fold_iter *it);

/* Class of a folded code point (FOLD_SEP, FOLD_WORD, FOLD_CJK). */
int fold_class(uint32_t cp);

/* The simplified form of a Han character (cp itself when none). */
uint32_t fold_t2s(uint32_t cp);

#endif
