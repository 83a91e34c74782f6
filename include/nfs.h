/* nfs.h - helpers shared by every newsfs module: error messages, memory
 * allocation, growable string buffers and UTF-8 utilities.
 *
 * Conventions used across the project:
 *  - functions that can fail return 0 on success and -1 (or -errno where
 *    the caller is the filesystem) on failure, filling an nfs_err when one
 *    is passed;
 *  - running out of memory is not an input error: the nfs_x* allocators
 *    print a message and abort, so callers never test for NULL;
 *  - all text is UTF-8.
 */
#ifndef NFS_H
#define NFS_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define NFS_VERSION "0.1.0"

#define NFS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A human-readable reason for a failure, filled by the function that failed. */
typedef struct {
    char msg[1024];
} nfs_err;

/* Set err (if not NULL) and return -1. */
int nfs_err_set(nfs_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *nfs_xmalloc(size_t n);
void *nfs_xcalloc(size_t n, size_t size);
void *nfs_xrealloc(void *p, size_t n);
char *nfs_xstrdup(const char *s);
char *nfs_xstrndup(const char *s, size_t n);

/* Grow a vector: ensure (*items) has room for need elements of size sz. */
void nfs_vec_reserve(void **items, size_t *cap, size_t need, size_t sz);
#define NFS_VEC_PUSH(items, n, cap, value)                                            \
    do {                                                                              \
        nfs_vec_reserve((void **)&(items), &(cap), (n) + 1, sizeof(*(items)));        \
        (items)[(n)++] = (value);                                                     \
    } while (0)

/* A growable, always NUL-terminated byte buffer. Zero-initialise to use. */
typedef struct {
    char *s;
    size_t len, cap;
} strbuf;

void sb_reserve(strbuf *sb, size_t extra);
void sb_append(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_clear(strbuf *sb);
void sb_free(strbuf *sb);
/* Hand the buffer to the caller (never NULL); the strbuf is left empty. */
char *sb_steal(strbuf *sb);

/* Decode one code point at s (len bytes available). Returns the number of
 * bytes consumed (>= 1 when len > 0); an invalid sequence yields U+FFFD and
 * consumes one byte. ASCII and well-formed three-byte sequences (all of
 * the BMP's Han text) are decoded inline; the rest by utf8_decode_full. */
size_t utf8_decode_full(const char *s, size_t len, uint32_t *cp);
static inline size_t utf8_decode(const char *str, size_t len, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    if (len > 0 && s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (len >= 3 && (s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        uint32_t v = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
                     (uint32_t)(s[2] & 0x3F);
        if (v >= 0x800 && (v < 0xD800 || v > 0xDFFF)) { /* no overlong form, no surrogate */
            *cp = v;
            return 3;
        }
    }
    return utf8_decode_full(str, len, cp);
}
/* Encode cp into out, returning 1..4. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int utf8_valid(const char *s, size_t len);
/* Offset of the first malformed byte, or len when valid. */
size_t utf8_first_invalid(const char *s, size_t len);
/* The largest prefix length <= max that ends on a character boundary. */
size_t utf8_cut(const char *s, size_t len, size_t max);
/* Number of code points. */
size_t utf8_count(const char *s, size_t len);

/* 1 for code points we treat as Han characters (CJK unified ideographs and
 * their extensions, compatibility ideographs, U+3007). Inline: the
 * segmenter and the date reader ask it of every character. */
static inline int nfs_is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           cp == 0x3007;
}

/* Monotonic clock in seconds. */
double nfs_now(void);

#endif
