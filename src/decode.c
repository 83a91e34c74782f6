/* decode.c - bytes of a corpus file -> NFKC-normalised UTF-8 (see decode.h).
 *
 * Order of trust: BOM, strict UTF-8, "mostly UTF-8" (a few bad bytes in a
 * UTF-8 file are replaced, not taken as a sign of another encoding), strict
 * GB18030, ICU's detector, and finally lenient UTF-8. Everything goes
 * through UTF-16 for ICU's normaliser, one line-bounded chunk at a time so
 * that memory stays proportional to the chunk, not the file.
 *
 * Except the common case, which takes a fast path: well-formed UTF-8 of
 * BMP characters that each start a normalisation boundary (ICU's
 * hasBoundaryBefore), with no NUL or CR. NFKC of such a text is the
 * concatenation of NFKC of its characters, so one pass over the bytes
 * with a table of per-character results gives the same text as the full
 * path (measured: decoding was 5% of indexing, three quarters of it ICU's
 * conversions to and from UTF-16).
 */
#include "decode.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* Largest file we read; larger ones are refused with a message. */
#define DECODE_MAX_FILE ((size_t)1 << 30)
/* Normalise in chunks of about this many UTF-16 units, cut at newlines. */
#define NFKC_CHUNK 65536

/* Append UTF-16 text to out as UTF-8 after NFKC, in line-bounded chunks. */
static int nfkc_utf16_to_utf8(const UChar *u, int32_t ulen, strbuf *out, nfs_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        return nfs_err_set(err, "ICU NFKC unavailable: %s", u_errorName(st));
    UChar *norm = NULL;
    int32_t norm_cap = 0;
    int32_t pos = 0;
    while (pos < ulen) {
        int32_t end = pos + NFKC_CHUNK;
        if (end >= ulen) {
            end = ulen;
        } else {
            /* cut after a newline (a normalisation boundary); else at any boundary */
            int32_t e = end;
            while (e > pos && u[e - 1] != '\n')
                e--;
            if (e == pos) {
                e = end;
                while (e > pos && !unorm2_hasBoundaryBefore(nfkc, u[e]))
                    e--;
                if (e == pos)
                    e = end;
                if (U16_IS_TRAIL(u[e]) && e > pos)
                    e--;
            }
            end = e;
        }
        int32_t need = (end - pos) * 18 + 16; /* NFKC expands at most 18x */
        if (need > norm_cap) {
            norm_cap = need;
            norm = nfs_xrealloc(norm, (size_t)norm_cap * sizeof(UChar));
        }
        st = U_ZERO_ERROR;
        int32_t n = unorm2_normalize(nfkc, u + pos, end - pos, norm, norm_cap, &st);
        if (U_FAILURE(st)) {
            free(norm);
            return nfs_err_set(err, "NFKC normalisation failed: %s", u_errorName(st));
        }
        /* UTF-16 -> UTF-8 */
        int32_t u8len = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8WithSub(NULL, 0, &u8len, norm, n, 0xFFFD, NULL, &st);
        if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) {
            free(norm);
            return nfs_err_set(err, "UTF-8 conversion failed: %s", u_errorName(st));
        }
        sb_reserve(out, (size_t)u8len);
        st = U_ZERO_ERROR;
        u_strToUTF8WithSub(out->s + out->len, u8len + 1, NULL, norm, n, 0xFFFD, NULL, &st);
        out->len += (size_t)u8len;
        out->s[out->len] = '\0';
        pos = end;
    }
    free(norm);
    return 0;
}

char *nfs_nfkc(const char *s, size_t len, size_t *out_len)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8WithSub(NULL, 0, &ulen, s, (int32_t)len, 0xFFFD, NULL, &st);
    UChar *u = nfs_xmalloc(((size_t)ulen + 1) * sizeof(UChar));
    st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, ulen + 1, NULL, s, (int32_t)len, 0xFFFD, NULL, &st);
    strbuf sb = {0};
    sb_reserve(&sb, len);
    if (U_FAILURE(st) || nfkc_utf16_to_utf8(u, ulen, &sb, NULL) != 0) {
        sb_clear(&sb);
        sb_append(&sb, s, len);
    }
    free(u);
    *out_len = sb.len;
    return sb_steal(&sb);
}

/* ---- the fast path ---- */

/* Per BMP code point: FAST_SLOW (the full path is needed), FAST_SAME (NFKC
 * leaves it as it is), or (offset << 8 | length) of its NFKC form, in
 * UTF-8, in the pool. */
enum { FAST_SLOW = 0, FAST_SAME = 1 };

typedef struct {
    uint32_t map[0x10000];
    char *pool;
} fast_table;

static fast_table *fast_tab;
static pthread_once_t fast_once = PTHREAD_ONCE_INIT;

static void fast_build(void)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&st);
    if (U_FAILURE(st))
        return; /* no table: every text takes the full path */
    fast_table *t = nfs_xcalloc(1, sizeof *t);
    strbuf pool = {0};
    sb_putc(&pool, '\0'); /* offset 0 is never a mapping */
    for (uint32_t cp = 1; cp < 0x10000; cp++) {
        if (cp == '\r' || (cp >= 0xD800 && cp <= 0xDFFF) ||
            !unorm2_hasBoundaryBefore(nfkc, (UChar32)cp))
            continue; /* FAST_SLOW */
        if (unorm2_isInert(nfkc, (UChar32)cp)) {
            t->map[cp] = FAST_SAME;
            continue;
        }
        UChar in = (UChar)cp, norm[32];
        st = U_ZERO_ERROR;
        int32_t n = unorm2_normalize(nfkc, &in, 1, norm, 32, &st);
        if (U_FAILURE(st))
            continue;
        if (n == 1 && norm[0] == in) {
            t->map[cp] = FAST_SAME;
            continue;
        }
        char u8[128];
        int32_t u8len = 0;
        st = U_ZERO_ERROR;
        u_strToUTF8(u8, (int32_t)sizeof u8, &u8len, norm, n, &st);
        if (U_FAILURE(st) || u8len <= 0 || u8len > 255 || pool.len >= (1u << 24))
            continue;
        t->map[cp] = (uint32_t)pool.len << 8 | (uint32_t)u8len;
        sb_append(&pool, u8, (size_t)u8len);
    }
    t->pool = sb_steal(&pool);
    fast_tab = t;
}

/* NFKC of well-formed UTF-8 d[0..len) into out, one character at a time;
 * -1 (out unchanged) when the text needs the full path. */
static int decode_fast(const unsigned char *d, size_t len, strbuf *out)
{
    pthread_once(&fast_once, fast_build);
    const fast_table *t = fast_tab;
    if (!t)
        return -1;
    size_t start = out->len, i = 0, run = 0;
    sb_reserve(out, len + len / 8);
    while (i < len) {
        if (d[i] < 0x80) {
            if (d[i] == 0 || d[i] == '\r')
                goto slow;
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = utf8_decode((const char *)d + i, len - i, &cp);
        if (cp > 0xFFFF || (cp == 0xFFFD && k == 1)) /* outside the BMP, or malformed */
            goto slow;
        uint32_t v = t->map[cp];
        if (v == FAST_SLOW)
            goto slow;
        if (v != FAST_SAME) {
            sb_append(out, (const char *)d + run, i - run);
            sb_append(out, t->pool + (v >> 8), v & 0xFF);
            run = i + k;
        }
        i += k;
    }
    sb_append(out, (const char *)d + run, len - run);
    return 0;
slow:
    out->len = start;
    if (out->s)
        out->s[start] = '\0';
    return -1;
}

/* What a conversion met: bad sequences and where the first one starts. */
typedef struct {
    size_t n_bad;
    size_t first_bad;
    int stop; /* strict: stop at the first bad sequence */
} conv_report;

/* ICU to-Unicode callback: count bad input; substitute U+FFFD unless strict. */
static void count_bad_callback(const void *ctx, UConverterToUnicodeArgs *args,
                               const char *bytes, int32_t length,
                               UConverterCallbackReason reason, UErrorCode *err)
{
    conv_report *r = (conv_report *)(uintptr_t)ctx;
    if (reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR && reason != UCNV_UNASSIGNED)
        return;
    r->n_bad++;
    if (r->stop)
        return; /* leave *err set: the conversion stops here */
    *err = U_ZERO_ERROR;
    UChar sub = 0xFFFD;
    ucnv_cbToUWriteUChars(args, &sub, 1, 0, err);
}

/* Run one conversion of data into u (cap units). Returns the ICU status;
 * *consumed gets the input bytes read. */
static UErrorCode convert_once(UConverter *cv, conv_report *rep, const unsigned char *data,
                               size_t len, UChar *u, size_t cap, int32_t *ulen,
                               size_t *consumed)
{
    UErrorCode st = U_ZERO_ERROR;
    ucnv_reset(cv);
    ucnv_setToUCallBack(cv, count_bad_callback, rep, NULL, NULL, &st);
    UChar *target = u;
    const char *src = (const char *)data;
    ucnv_toUnicode(cv, &target, u + cap, &src, src + len, NULL, 1, &st);
    *ulen = (int32_t)(target - u);
    *consumed = (size_t)(src - (const char *)data);
    return st;
}

/* Convert with an ICU converter. strict: returns 1 at the first bad
 * sequence. Otherwise bad sequences become U+FFFD and rep says how many
 * and where the first starts. Returns 0 converted, -1 error. */
static int icu_to_utf16(const char *charset, const unsigned char *data, size_t len, int strict,
                        UChar **out, int32_t *out_len, conv_report *rep, nfs_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UConverter *cv = ucnv_open(charset, &st);
    if (U_FAILURE(st))
        return nfs_err_set(err, "no ICU converter for %s: %s", charset, u_errorName(st));
    memset(rep, 0, sizeof *rep);
    rep->stop = strict;
    size_t cap = len + 16; /* these charsets never give more UTF-16 units than bytes */
    UChar *u = nfs_xmalloc(cap * sizeof(UChar));
    size_t consumed;
    st = convert_once(cv, rep, data, len, u, cap, out_len, &consumed);
    if (strict && (U_FAILURE(st) || rep->n_bad)) {
        ucnv_close(cv);
        free(u);
        return 1;
    }
    if (U_FAILURE(st)) {
        ucnv_close(cv);
        free(u);
        return nfs_err_set(err, "%s conversion failed: %s", charset, u_errorName(st));
    }
    if (rep->n_bad) {
        /* locate the first bad sequence with a strict pass that stops there */
        conv_report probe = {.stop = 1};
        UChar *tmp = nfs_xmalloc(cap * sizeof(UChar));
        int32_t tlen;
        convert_once(cv, &probe, data, len, tmp, cap, &tlen, &consumed);
        char bad[32];
        int8_t bad_len = (int8_t)sizeof bad;
        UErrorCode st2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(cv, bad, &bad_len, &st2);
        if (U_FAILURE(st2))
            bad_len = 0;
        rep->first_bad = consumed >= (size_t)bad_len ? consumed - (size_t)bad_len : 0;
        free(tmp);
    }
    ucnv_close(cv);
    *out = u;
    return 0;
}

/* Count invalid UTF-8 sequences and the offset of the first one. */
static size_t utf8_bad_count(const unsigned char *d, size_t len, size_t *first_bad,
                             size_t *multibyte)
{
    size_t i = 0, bad = 0;
    *multibyte = 0;
    *first_bad = len;
    while (i < len) {
        if (d[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_decode((const char *)d + i, len - i, &cp);
        if (cp == 0xFFFD && n == 1) {
            if (!bad)
                *first_bad = i;
            bad++;
        } else {
            (*multibyte)++;
        }
        i += n;
    }
    return bad;
}

/* UTF-8 (possibly with bad bytes) -> UTF-16 with U+FFFD substitutions. */
static UChar *utf8_to_utf16(const unsigned char *d, size_t len, int32_t *ulen)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8WithSub(NULL, 0, &n, (const char *)d, (int32_t)len, 0xFFFD, NULL, &st);
    UChar *u = nfs_xmalloc(((size_t)n + 1) * sizeof(UChar));
    st = U_ZERO_ERROR;
    u_strFromUTF8WithSub(u, n + 1, ulen, (const char *)d, (int32_t)len, 0xFFFD, NULL, &st);
    return u;
}

/* Replace NUL and CR: CRLF and lone CR become LF, NUL becomes U+FFFD.
 * Returns the number of NULs replaced. */
static size_t clean_controls(UChar *u, int32_t *ulen)
{
    int32_t w = 0;
    size_t nuls = 0;
    for (int32_t r = 0; r < *ulen; r++) {
        UChar c = u[r];
        if (c == '\r') {
            if (r + 1 < *ulen && u[r + 1] == '\n')
                continue;
            c = '\n';
        } else if (c == 0) {
            c = 0xFFFD;
            nuls++;
        }
        u[w++] = c;
    }
    *ulen = w;
    return nuls;
}

int decode_buffer(const unsigned char *data, size_t len, decoded_text *out, nfs_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > (size_t)INT32_MAX / 2)
        return nfs_err_set(err, "file too large to decode (%zu bytes)", len);
    UChar *u = NULL;
    int32_t ulen = 0;
    conv_report rep = {0};
    size_t skip = 0;
    const char *enc = NULL;

    if (len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF) {
        enc = "UTF-8";
        skip = 3;
    } else if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE) {
        enc = "UTF-16LE";
        skip = 2;
    } else if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF) {
        enc = "UTF-16BE";
        skip = 2;
    }
    const unsigned char *d = data + skip;
    size_t dlen = len - skip;

    if (!enc || strcmp(enc, "UTF-8") == 0) {
        strbuf fast = {0};
        if (decode_fast(d, dlen, &fast) == 0) {
            out->len = fast.len;
            out->text = sb_steal(&fast);
            out->encoding = "UTF-8";
            return 0;
        }
        sb_free(&fast);
    }

    if (enc && strcmp(enc, "UTF-8") != 0) {
        if (icu_to_utf16(enc, d, dlen, 0, &u, &ulen, &rep, err) != 0)
            return -1;
        if (rep.n_bad)
            rep.first_bad += skip;
    } else {
        size_t first_bad, multibyte;
        size_t bad = utf8_bad_count(d, dlen, &first_bad, &multibyte);
        /* "Mostly UTF-8": clean, BOM-marked, or well-formed multibyte
         * characters outnumbering the bad bytes 8 to 1 (GBK read as UTF-8
         * gives about as many bad bytes as good sequences). */
        if (bad == 0 || enc || multibyte >= 8 * bad) {
            enc = "UTF-8";
            u = utf8_to_utf16(d, dlen, &ulen);
            rep.n_bad = bad;
            rep.first_bad = first_bad + skip;
        } else if (icu_to_utf16("GB18030", d, dlen, 1, &u, &ulen, &rep, NULL) == 0) {
            enc = "GB18030";
        } else {
            /* ICU's detector as a last resort */
            UErrorCode st = U_ZERO_ERROR;
            UCharsetDetector *det = ucsdet_open(&st);
            const char *name = NULL;
            if (U_SUCCESS(st)) {
                ucsdet_setText(det, (const char *)d, (int32_t)dlen, &st);
                const UCharsetMatch *m = ucsdet_detect(det, &st);
                if (U_SUCCESS(st) && m) {
                    name = ucsdet_getName(m, &st);
                    if (U_FAILURE(st))
                        name = NULL;
                }
            }
            char detected[64];
            if (name && strcmp(name, "UTF-8") != 0 && strcmp(name, "ISO-8859-1") != 0 &&
                strcmp(name, "windows-1252") != 0) {
                snprintf(detected, sizeof detected, "%s", name);
            } else {
                detected[0] = '\0';
            }
            if (det)
                ucsdet_close(det);
            if (detected[0] &&
                icu_to_utf16(detected, d, dlen, 0, &u, &ulen, &rep, NULL) == 0 &&
                rep.n_bad * 20 < dlen) {
                /* pick a static name: the detector's buffer is per-call */
                enc = strncmp(detected, "Big5", 4) == 0  ? "Big5"
                      : strncmp(detected, "GB", 2) == 0  ? "GB18030"
                      : strncmp(detected, "UTF-16", 6) == 0 ? "UTF-16"
                                                           : "detected";
                rep.first_bad += skip;
            } else {
                free(u);
                u = NULL;
                /* GB18030 with replacements if it is the closer fit, else UTF-8 */
                conv_report gb = {0};
                UChar *ug = NULL;
                int32_t ugl = 0;
                if (icu_to_utf16("GB18030", d, dlen, 0, &ug, &ugl, &gb, NULL) == 0 &&
                    gb.n_bad < bad) {
                    enc = "GB18030";
                    u = ug;
                    ulen = ugl;
                    rep = gb;
                    rep.first_bad += skip;
                } else {
                    free(ug);
                    enc = "UTF-8";
                    u = utf8_to_utf16(d, dlen, &ulen);
                    rep.n_bad = bad;
                    rep.first_bad = first_bad + skip;
                }
            }
        }
    }

    size_t nuls = clean_controls(u, &ulen);
    if (nuls && !rep.n_bad) {
        for (size_t i = 0; i < len; i++)
            if (data[i] == 0) {
                rep.first_bad = i;
                break;
            }
    }
    rep.n_bad += nuls;
    /* a BOM inside the text (U+FEFF) is dropped by nobody: keep it */
    strbuf sb = {0};
    sb_reserve(&sb, dlen + dlen / 4);
    int rc = nfkc_utf16_to_utf8(u, ulen, &sb, err);
    free(u);
    if (rc != 0) {
        sb_free(&sb);
        return -1;
    }
    out->len = sb.len;
    out->text = sb_steal(&sb);
    out->encoding = enc;
    out->n_bad = rep.n_bad;
    out->first_bad = rep.n_bad ? rep.first_bad : 0;
    return 0;
}

int decode_file(const char *path, decoded_text *out, nfs_err *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return nfs_err_set(err, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        return nfs_err_set(err, "%s: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        return nfs_err_set(err, "%s: not a regular file", path);
    }
    if ((size_t)st.st_size > DECODE_MAX_FILE) {
        fclose(f);
        return nfs_err_set(err, "%s: too large (%lld bytes, limit %zu)", path,
                           (long long)st.st_size, DECODE_MAX_FILE);
    }
    /* read to EOF, not to st_size: the file may change while we read */
    size_t cap = (size_t)st.st_size + 1, n = 0;
    unsigned char *buf = nfs_xmalloc(cap);
    for (;;) {
        if (n == cap) {
            if (cap > DECODE_MAX_FILE) {
                free(buf);
                fclose(f);
                return nfs_err_set(err, "%s: grew beyond %zu bytes while read", path,
                                   DECODE_MAX_FILE);
            }
            cap *= 2;
            buf = nfs_xrealloc(buf, cap);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return nfs_err_set(err, "%s: read error: %s", path, strerror(e));
    }
    fclose(f);
    nfs_err inner;
    int rc = decode_buffer(buf, n, out, &inner);
    free(buf);
    if (rc != 0)
        return nfs_err_set(err, "%s: %s", path, inner.msg);
    return 0;
}

void decoded_text_free(decoded_text *d)
{
    free(d->text);
    memset(d, 0, sizeof *d);
}
