/* decode.h - turn the bytes of a corpus file into NFKC-normalised UTF-8.
 *
 * Detection, in order of trust: a byte-order mark (UTF-8, UTF-16LE/BE),
 * strict UTF-8, strict GB18030 (which covers GBK and GB2312), ICU's
 * charset detector as a last resort. A file that does not decode cleanly
 * is still decoded, with U+FFFD for what could not be read, and the byte
 * offset of the first problem is reported so the caller can warn.
 * Line endings become "\n"; NUL bytes become U+FFFD.
 */
#ifndef NFS_DECODE_H
#define NFS_DECODE_H

#include "nfs.h"

typedef struct {
    char *text;           /* NFKC-normalised UTF-8, NUL-terminated */
    size_t len;           /* bytes in text */
    const char *encoding; /* static string: "UTF-8", "UTF-16LE", "GB18030", ... */
    size_t n_bad;         /* input sequences replaced by U+FFFD */
    size_t first_bad;     /* byte offset of the first one in the input (valid when n_bad) */
} decoded_text;

/* Decode a buffer. Fails only for what no decoding can fix (err says why);
 * imperfect input succeeds with n_bad > 0. */
int decode_buffer(const unsigned char *data, size_t len, decoded_text *out, nfs_err *err);

/* Read and decode a file; err names the file and the reason on failure. */
int decode_file(const char *path, decoded_text *out, nfs_err *err);

void decoded_text_free(decoded_text *d);

/* NFKC-normalise UTF-8 text (used for queries and names too). Returns a
 * newly allocated string; *out_len gets its length. */
char *nfs_nfkc(const char *s, size_t len, size_t *out_len);

#endif
