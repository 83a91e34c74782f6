/* test_decode.c - decoding of corpus files: each encoding we accept, the
 * detection order, damaged input (replacement + offset), normalisation. */
#include "decode.h"
#include "testlib.h"

static const char *expected =
    "职工书屋开到了车间里,工人们午休时也能读书。\n第二段:工会送来新书五百册。\n";

static void decode_fixture(const char *name, decoded_text *d, int *rc)
{
    nfs_err err;
    *rc = decode_file(tl_fixture(name), d, &err);
    if (*rc != 0)
        fprintf(stderr, "  %s: %s\n", name, err.msg);
}

static void check_clean(const char *name, const char *encoding)
{
    decoded_text d;
    int rc;
    decode_fixture(name, &d, &rc);
    CHECK_INT(rc, 0);
    if (rc != 0)
        return;
    CHECK_STR(d.text, expected);
    CHECK_STR(d.encoding, encoding);
    CHECK_INT(d.n_bad, 0);
    decoded_text_free(&d);
}

static void test_utf8(void) { check_clean("decode/utf8.txt", "UTF-8"); }
static void test_utf8_bom(void) { check_clean("decode/utf8-bom.txt", "UTF-8"); }
static void test_gbk(void) { check_clean("decode/gbk.txt", "GB18030"); }
static void test_utf16le(void) { check_clean("decode/utf16le.txt", "UTF-16LE"); }
static void test_utf16be(void) { check_clean("decode/utf16be.txt", "UTF-16BE"); }
static void test_crlf(void) { check_clean("decode/crlf.txt", "UTF-8"); }

static void test_gb18030_four_byte(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/gb18030.txt", &d, &rc);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK_STR(d.encoding, "GB18030");
    CHECK(strncmp(d.text, "𠀀字与€符号:", strlen("𠀀字与€符号:")) == 0);
    decoded_text_free(&d);
}

static void test_bad_byte_replaced_with_offset(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/bad-utf8.txt", &d, &rc);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK_STR(d.encoding, "UTF-8");
    CHECK_INT(d.n_bad, 1);
    CHECK_INT(d.first_bad, 30);
    CHECK(strstr(d.text, "车间里\xEF\xBF\xBD,工人们") != NULL); /* U+FFFD in place, nothing lost */
    decoded_text_free(&d);
}

static void test_nul_replaced(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/nul.txt", &d, &rc);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK_INT(d.n_bad, 1);
    CHECK_INT(d.first_bad, 15);
    CHECK_INT(strlen(d.text), d.len); /* no NUL inside */
    CHECK(strstr(d.text, "\xEF\xBF\xBD") != NULL);
    decoded_text_free(&d);
}

static void test_nfkc(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/fullwidth.txt", &d, &rc);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK_STR(d.text, "ABC123,全角“引号”...");
    decoded_text_free(&d);
}

static void test_empty(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/empty.txt", &d, &rc);
    CHECK_INT(rc, 0);
    CHECK_INT(d.len, 0);
    CHECK_STR(d.text, "");
    decoded_text_free(&d);
}

static void test_binary_never_fails(void)
{
    decoded_text d;
    int rc;
    decode_fixture("decode/binary.bin", &d, &rc);
    CHECK_INT(rc, 0);
    if (rc)
        return;
    CHECK(utf8_valid(d.text, d.len));
    CHECK_INT(strlen(d.text), d.len);
    decoded_text_free(&d);
}

static void test_missing_file_names_it(void)
{
    decoded_text d;
    nfs_err err;
    CHECK(decode_file("/nonexistent/issue.txt", &d, &err) != 0);
    CHECK(strstr(err.msg, "/nonexistent/issue.txt") != NULL);
    CHECK(strstr(err.msg, "No such file") != NULL);
}

static void test_long_line_chunking(void)
{
    /* 3 MB without a newline: normalised in chunks, nothing lost or doubled */
    size_t n = 1000000;
    strbuf in = {0};
    for (size_t i = 0; i < n; i++)
        sb_append(&in, i % 2 ? "工" : "Ａ", 3);
    decoded_text d;
    nfs_err err;
    CHECK_INT(decode_buffer((const unsigned char *)in.s, in.len, &d, &err), 0);
    CHECK_INT(utf8_count(d.text, d.len), n);
    CHECK(d.text[0] == 'A');
    decoded_text_free(&d);
    sb_free(&in);
}

static void test_nfkc_helper(void)
{
    size_t n;
    char *s = nfs_nfkc("ＡＢ，", strlen("ＡＢ，"), &n);
    CHECK_STR(s, "AB,");
    CHECK_INT(n, 3);
    free(s);
}

/* The fast path (text whose characters normalise one by one) gives what
 * the full ICU path gives: decode_buffer against nfs_nfkc on texts mixing
 * ordinary Han and ASCII with characters NFKC changes (full-width forms,
 * compatibility ideographs, ligatures, U+FDFA) and characters that combine
 * with their neighbours (combining marks, Hangul jamo, half-width voiced
 * marks), which must send the text to the full path. */
static void test_fast_path_equals_full(void)
{
    static const uint32_t pool[] = {
        'a',    'Z',    '1',    ' ',    '\n',   ',',    0x5DE5, 0x4F1A, 0x3002, 0x201C, 0xFF0C,
        0xFF1A, 0xFF08, 0xFF21, 0xFF10, 0x3000, 0xF900, 0xFA10, 0x2F00, 0x2460, 0x00B2, 0xFB01,
        0xFDFA, 0x00E9, 0x0301, 0x0338, 0x1100, 0x1161, 0x11A8, 0xAC00, 0xFF76, 0xFF9E, 0x309B,
        0x3099, 0x304B, 0xFFFD, 0xFEFF, 0x20000, 0x2F800, 0x00A0, 0x2028, 0x3251,
    };
    size_t npool = sizeof pool / sizeof *pool;
    uint32_t seed = 12345;
    int mismatches = 0;
    for (int round = 0; round < 3000; round++) {
        char buf[256];
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)(seed >> 16) % 40;
        for (int i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* mostly plain text, so that many texts stay on the fast path */
            uint32_t r = seed >> 8;
            uint32_t cp = (round % 3 == 0 || r % 4 != 0) ? pool[r % 10] : pool[r % npool];
            len += utf8_encode(cp, buf + len);
        }
        decoded_text d;
        nfs_err err;
        if (decode_buffer((const unsigned char *)buf, len, &d, &err) != 0) {
            mismatches++;
            continue;
        }
        size_t want_len, bom = len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        char *want = nfs_nfkc(buf + bom, len - bom, &want_len);
        if (d.len != want_len || memcmp(d.text, want, want_len) != 0 ||
            strcmp(d.encoding, "UTF-8") != 0 || d.n_bad != 0) {
            if (mismatches++ < 3)
                fprintf(stderr, "  fast/full differ on %.*s: got %s want %s\n", (int)len, buf,
                        d.text, want);
        }
        free(want);
        decoded_text_free(&d);
    }
    CHECK_INT(mismatches, 0);
}

int main(void)
{
    RUN(test_utf8);
    RUN(test_utf8_bom);
    RUN(test_gbk);
    RUN(test_gb18030_four_byte);
    RUN(test_utf16le);
    RUN(test_utf16be);
    RUN(test_crlf);
    RUN(test_bad_byte_replaced_with_offset);
    RUN(test_nul_replaced);
    RUN(test_nfkc);
    RUN(test_empty);
    RUN(test_binary_never_fails);
    RUN(test_missing_file_names_it);
    RUN(test_long_line_chunking);
    RUN(test_nfkc_helper);
    RUN(test_fast_path_equals_full);
    return tl_done();
}
