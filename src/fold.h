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
    /* fold_next's inline path: per BMP character, FOLD_INFO_* bits and the
     * simplified form (0 = none) */
    const uint8_t *info;
    const uint16_t *t2s;
} fold_iter;

#define FOLD_INFO_CLASS 3 /* FOLD_SEP / FOLD_WORD / FOLD_CJK of the character itself */
#define FOLD_INFO_INERT 4 /* NFKC-inert and unchanged by case folding: passes through
                             as is (bar the t2s table), whatever surrounds it */

/* Build the tables (once per process; thread-safe). Fails only when ICU's
 * normalisation data cannot be loaded; fold_next then leaves characters
 * that need ICU unnormalised. */
int fold_ready(char *why, size_t why_len);

void fold_iter_init(fold_iter *it, const char *text, size_t len);
/* The next folded character: 1, or 0 at the end of the text. */
int fold_next_full(fold_iter *it, fold_char *out);

/* The same, with the commonest case inline: a three-byte character that
 * folding leaves alone (nearly every character of Chinese text) costs
 * its decoding and two table lookups, no call. */
static inline int fold_next(fold_iter *it, fold_char *out)
{
    if (it->i_pend >= it->n_pend && it->len - it->pos >= 3) {
        const unsigned char *s = (const unsigned char *)it->text + it->pos;
        if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
            uint32_t cp = ((s[0] & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
            /* not overlong, not a surrogate: well-formed */
            if (cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF) && (it->info[cp] & FOLD_INFO_INERT)) {
                out->cp = it->t2s[cp] ? it->t2s[cp] : cp;
                out->start = (uint32_t)it->pos;
                out->end = (uint32_t)it->pos + 3;
                out->cls = it->info[cp] & FOLD_INFO_CLASS;
                it->pos += 3;
                return 1;
            }
        }
    }
    return fold_next_full(it, out);
}
void fold_iter_free(fold_iter *it);

/* Class of a folded code point (FOLD_SEP, FOLD_WORD, FOLD_CJK). */
int fold_class(uint32_t cp);

/* The simplified form of a Han character (cp itself when none). */
uint32_t fold_t2s(uint32_t cp);

#endif
