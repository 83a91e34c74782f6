/* fold.c - the folding of text for search (NFKC, case folding, traditional
 * to simplified) as a stream of characters with their original byte
 * ranges; see fold.h. */
#include "fold.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "nfs.h"

extern const unsigned char nfs_data_t2s_txt[];
extern const unsigned long nfs_data_t2s_txt_len;

/* Per-BMP-character facts, computed once. */
#define INFO_CLASS FOLD_INFO_CLASS
#define INFO_INERT FOLD_INFO_INERT
#define INFO_BB 8    /* a normalisation boundary always lies before it */

typedef struct {
    const UNormalizer2 *nfkc; /* NULL when ICU's data is missing */
    char error[200];
    uint8_t info[0x10000];
    uint16_t t2s[0x10000]; /* simplified form, 0 = none */
} fold_tables;

/* Written once, under pthread_once, then only read. */
static fold_tables tables;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static int is_kana(uint32_t cp)
{
    return ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x31F0 && cp <= 0x31FF)) && u_isalpha((UChar32)cp);
}

/* The class of a code point from its Unicode properties. */
static int class_of(uint32_t cp)
{
    if (cp < 0x80) {
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9') ? FOLD_WORD
                                                                                    : FOLD_SEP;
    }
    if (nfs_is_han(cp) || cp == 0x3005 || cp == 0x3006 || is_kana(cp))
        return FOLD_CJK;
    if (u_hasBinaryProperty((UChar32)cp, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
        return FOLD_SEP;
    if (u_isalnum((UChar32)cp))
        return FOLD_WORD;
    int8_t t = u_charType((UChar32)cp);
    if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
        return FOLD_WORD; /* accents of words written with combining marks */
    return FOLD_SEP;
}

/* 1 if full case folding leaves cp unchanged. */
static int fold_case_identity(uint32_t cp)
{
    UChar src[2], dst[8];
    int32_t n = 0;
    U16_APPEND_UNSAFE(src, n, (UChar32)cp);
    UErrorCode st = U_ZERO_ERROR;
    int32_t m = u_strFoldCase(dst, 8, src, n, U_FOLD_CASE_DEFAULT, &st);
    return U_SUCCESS(st) && m == n && memcmp(src, dst, (size_t)n * sizeof(UChar)) == 0;
}

/* Parse src/data/t2s.txt: "SRC DST ..." hexadecimal per line, '#' comments. */
static void load_t2s(fold_tables *t)
{
    const char *p = (const char *)nfs_data_t2s_txt;
    const char *end = p + nfs_data_t2s_txt_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (*p != '#') {
            char *q;
            unsigned long from = strtoul(p, &q, 16);
            unsigned long to = strtoul(q, &q, 16);
            if (q <= eol && from && to && from < 0x10000 && to < 0x10000)
                t->t2s[from] = (uint16_t)to;
        }
        p = eol + 1;
    }
}

static void build_tables(void)
{
    fold_tables *t = &tables;
    UErrorCode st = U_ZERO_ERROR;
    t->nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st)) {
        t->nfkc = NULL;
        snprintf(t->error, sizeof t->error, "ICU normalisation data unavailable: %s",
                 u_errorName(st));
    }
    for (uint32_t cp = 0; cp < 0x10000; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF) { /* never decoded: utf8_decode gives U+FFFD */
            t->info[cp] = FOLD_SEP | INFO_BB;
            continue;
        }
        uint8_t info = (uint8_t)class_of(cp);
        if (!t->nfkc || unorm2_hasBoundaryBefore(t->nfkc, (UChar32)cp))
            info |= INFO_BB;
        if (t->nfkc && unorm2_isInert(t->nfkc, (UChar32)cp) && fold_case_identity(cp))
            info |= INFO_INERT;
        t->info[cp] = info;
    }
    load_t2s(t);
}

int fold_ready(char *why, size_t why_len)
{
    pthread_once(&tables_once, build_tables);
    if (!tables.nfkc) {
        if (why && why_len)
            snprintf(why, why_len, "%s", tables.error);
        return -1;
    }
    return 0;
}

int fold_class(uint32_t cp)
{
    pthread_once(&tables_once, build_tables);
    return cp < 0x10000 ? tables.info[cp] & INFO_CLASS : class_of(cp);
}

uint32_t fold_t2s(uint32_t cp)
{
    pthread_once(&tables_once, build_tables);
    return cp < 0x10000 && tables.t2s[cp] ? tables.t2s[cp] : cp;
}

void fold_iter_init(fold_iter *it, const char *text, size_t len)
{
    pthread_once(&tables_once, build_tables);
    it->text = text;
    it->len = len;
    it->pos = 0;
    it->tables = &tables;
    it->info = tables.info;
    it->t2s = tables.t2s;
    it->pend = it->pend_inline;
    it->cap_pend = NFS_ARRAY_LEN(it->pend_inline);
    it->n_pend = it->i_pend = 0;
    it->pend_start = it->pend_end = 0;
    for (size_t i = 0; i < NFS_ARRAY_LEN(it->u16); i++) {
        it->u16[i].p = it->u16[i].inline_buf;
        it->u16[i].cap = NFS_ARRAY_LEN(it->u16[i].inline_buf);
    }
}

void fold_iter_free(fold_iter *it)
{
    if (it->pend != it->pend_inline)
        free(it->pend);
    for (size_t i = 0; i < NFS_ARRAY_LEN(it->u16); i++)
        if (it->u16[i].p != it->u16[i].inline_buf)
            free(it->u16[i].p);
    it->pend = it->pend_inline;
}

static void u16_reserve(fold_u16buf *b, size_t need)
{
    if (need <= b->cap)
        return;
    size_t cap = b->cap * 2 > need ? b->cap * 2 : need;
    uint16_t *p = nfs_xmalloc(cap * sizeof *p);
    if (b->p != b->inline_buf)
        free(b->p);
    b->p = p;
    b->cap = cap;
}

static inline int has_boundary_before(const fold_tables *t, uint32_t cp)
{
    if (cp < 0x10000)
        return (t->info[cp] & INFO_BB) != 0;
    return !t->nfkc || unorm2_hasBoundaryBefore(t->nfkc, (UChar32)cp);
}

/* Run ICU over one normalisation segment, from the current position to
 * the next character that starts a new segment, and queue its folded
 * characters. */
static void fold_segment(fold_iter *it)
{
    const fold_tables *t = it->tables;
    const unsigned char *s = (const unsigned char *)it->text;
    size_t i = it->pos, n16 = 0;
    fold_u16buf *src = &it->u16[0], *mid = &it->u16[1], *dst = &it->u16[2];
    for (;;) {
        uint32_t cp;
        i += utf8_decode((const char *)s + i, it->len - i, &cp);
        u16_reserve(src, n16 + 2);
        U16_APPEND_UNSAFE(src->p, n16, (UChar32)cp);
        if (i >= it->len)
            break;
        uint32_t next;
        utf8_decode((const char *)s + i, it->len - i, &next);
        if (has_boundary_before(t, next))
            break;
    }
    const UChar *out = src->p;
    int32_t n_out = (int32_t)n16;
    if (t->nfkc) {
        UErrorCode st = U_ZERO_ERROR;
        int32_t n = unorm2_normalize(t->nfkc, src->p, n_out, mid->p, (int32_t)mid->cap, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR) {
            u16_reserve(mid, (size_t)n);
            st = U_ZERO_ERROR;
            n = unorm2_normalize(t->nfkc, src->p, n_out, mid->p, (int32_t)mid->cap, &st);
        }
        if (U_SUCCESS(st)) {
            int32_t m = u_strFoldCase(dst->p, (int32_t)dst->cap, mid->p, n, U_FOLD_CASE_DEFAULT,
                                      &st);
            if (st == U_BUFFER_OVERFLOW_ERROR) {
                u16_reserve(dst, (size_t)m);
                st = U_ZERO_ERROR;
                m = u_strFoldCase(dst->p, (int32_t)dst->cap, mid->p, n, U_FOLD_CASE_DEFAULT,
                                  &st);
            }
            if (U_SUCCESS(st)) {
                out = dst->p;
                n_out = m;
            }
        }
    }
    if ((size_t)n_out > it->cap_pend) {
        if (it->pend != it->pend_inline)
            free(it->pend);
        it->cap_pend = (size_t)n_out;
        it->pend = nfs_xmalloc(it->cap_pend * sizeof *it->pend);
    }
    size_t np = 0;
    for (int32_t k = 0; k < n_out;) {
        UChar32 c;
        U16_NEXT(out, k, n_out, c);
        it->pend[np++] = (uint32_t)c < 0x10000 && t->t2s[c] ? t->t2s[c] : (uint32_t)c;
    }
    it->n_pend = np;
    it->i_pend = 0;
    it->pend_start = (uint32_t)it->pos;
    it->pend_end = (uint32_t)i;
    it->pos = i;
}

int fold_next_full(fold_iter *it, fold_char *out)
{
    const fold_tables *t = it->tables;
    for (;;) {
        if (it->i_pend < it->n_pend) {
            uint32_t cp = it->pend[it->i_pend++];
            out->cp = cp;
            out->start = it->pend_start;
            out->end = it->pend_end;
            out->cls = cp < 0x10000 ? t->info[cp] & INFO_CLASS : class_of(cp);
            return 1;
        }
        if (it->pos >= it->len)
            return 0;
        const unsigned char *s = (const unsigned char *)it->text + it->pos;
        size_t rem = it->len - it->pos;
        if (s[0] < 0x80) {
            /* ASCII: only a following combining character can change it */
            uint32_t next = 0;
            if (rem == 1 || s[1] < 0x80 ||
                (utf8_decode((const char *)s + 1, rem - 1, &next), has_boundary_before(t, next))) {
                uint32_t c = s[0];
                out->cp = c >= 'A' && c <= 'Z' ? c + 32 : c;
                out->start = (uint32_t)it->pos;
                out->end = (uint32_t)it->pos + 1;
                out->cls = t->info[c] & INFO_CLASS;
                it->pos++;
                return 1;
            }
        } else {
            uint32_t cp;
            size_t k = utf8_decode((const char *)s, rem, &cp);
            if (cp < 0x10000 && (t->info[cp] & INFO_INERT)) {
                out->cp = t->t2s[cp] ? t->t2s[cp] : cp;
                out->start = (uint32_t)it->pos;
                out->end = (uint32_t)(it->pos + k);
                out->cls = t->info[cp] & INFO_CLASS;
                it->pos += k;
                return 1;
            }
        }
        fold_segment(it);
    }
}
