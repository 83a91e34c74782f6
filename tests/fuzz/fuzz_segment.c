/* fuzz_segment.c - libFuzzer harness: segmentation of any decoded page keeps
 * its promises: blocks partition 0..n-1, every article file is UTF-8 ending
 * in a newline, and no character is lost or duplicated (every non-space
 * character except '#' appears in the articles exactly as often as in the
 * page). */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "segment.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Count code points that are not white space or '#'. */
static void count_chars(const char *s, size_t len, unsigned *counts, size_t buckets)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        i += n ? n : 1;
        /* white space as ICU and Python see it, U+001C..U+001F included */
        if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '#' || cp == 0x3000 ||
            cp == '\v' || cp == '\f' || (cp >= 0x1C && cp <= 0x1F) || cp == 0x85 ||
            cp == 0xA0 || cp == 0x1680 ||
            (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
            cp == 0x205F || cp == 0xFEFF || cp == 0x200B)
            continue;
        counts[cp % buckets]++;
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    decoded_text d;
    nfs_err err;
    if (decode_buffer(data, size, &d, &err) != 0)
        return 0;
    seg_result r;
    segment_page(d.text, d.len, &r);
    enum { B = 4099 };
    static unsigned in[B], out[B]; /* harness-only scratch, single-threaded */
    memset(in, 0, sizeof in);
    memset(out, 0, sizeof out);
    count_chars(d.text, d.len, in, B);
    char *seen = calloc(r.n_blocks + 1, 1);
    for (size_t i = 0; i < r.n_articles; i++) {
        const seg_article *a = &r.articles[i];
        if (!a->title || !a->text || !utf8_valid(a->text, a->text_len) ||
            strlen(a->text) != a->text_len || a->text_len == 0 || a->text[a->text_len - 1] != '\n')
            abort();
        count_chars(a->text, a->text_len, out, B);
        for (size_t b = 0; b < a->n_blocks; b++) {
            int k = a->blocks[b];
            if (k < 0 || (size_t)k >= r.n_blocks || seen[k] || (b && a->blocks[b - 1] >= k))
                abort(); /* blocks out of range, shared, or not ascending */
            seen[k] = 1;
        }
    }
    for (size_t k = 0; k < r.n_blocks; k++)
        if (!seen[k])
            abort(); /* a block belongs to no article */
    if (memcmp(in, out, sizeof in) != 0)
        abort(); /* text lost or duplicated */
    free(seen);
    seg_result_free(&r);
    decoded_text_free(&d);
    return 0;
}
