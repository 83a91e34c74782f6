/* fuzz_decode.c - libFuzzer harness: any bytes decode without crashing into
 * valid, NUL-free UTF-8, and a file's worth of input never fails. */
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    decoded_text d;
    nfs_err err;
    if (decode_buffer(data, size, &d, &err) != 0)
        abort(); /* decoding never fails on input of this size */
    if (!utf8_valid(d.text, d.len) || strlen(d.text) != d.len)
        abort();
    if (d.n_bad && d.first_bad > size)
        abort();
    decoded_text_free(&d);
    return 0;
}
