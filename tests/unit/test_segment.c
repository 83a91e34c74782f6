/* test_segment.c - the segmenter: one fixture per hard layout case
 * (tests/fixtures/segment/NAME.txt with its expected cut in NAME.expect),
 * and properties that must hold for any input: blocks partition the page,
 * no text is lost or duplicated, odd input (empty, no blank lines, one huge
 * line, garbage bytes, masses of tiny blocks) is handled, fast.
 *
 * NAME.expect, one line per article in reading order, tab-separated:
 *   kind  title  blocks  [field=value ...]     field: pretitle subtitle byline
 *   join  A  B      the halves A and B are one paragraph (one line) of an article
 * Lines starting with '#' are comments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfs.h"
#include "segment.h"
#include "testlib.h"

/* ---- helpers ----------------------------------------------------------- */

static int is_py_space(uint32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Text without white space and '#', as the evaluation compares it. */
static void norm(const char *s, size_t len, strbuf *out)
{
    sb_clear(out);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!is_py_space(cp) && s[i] != '#')
            sb_append(out, s + i, k);
        i += k;
    }
    if (!out->s)
        sb_reserve(out, 1);
}

typedef struct {
    const char *s;
    size_t len;
} span;

/* The page's blocks, split the way the gold format does it. */
static size_t page_blocks(const char *t, size_t len, span **out)
{
    size_t n = 0, cap = 0, pos = 0;
    *out = NULL;
    while (pos < len) {
        size_t end = pos;
        while (end < len && !(t[end] == '\n' && end + 1 < len && t[end + 1] == '\n'))
            end++;
        size_t a = pos, z = end;
        while (a < z) {
            uint32_t cp;
            size_t k = utf8_decode(t + a, z - a, &cp);
            if (!is_py_space(cp))
                break;
            a += k;
        }
        while (z > a) { /* trailing white space (one-byte or multi-byte) */
            size_t k = z - 1;
            while (k > a && z - k < 4 && ((unsigned char)t[k] & 0xC0) == 0x80)
                k--;
            uint32_t cp;
            if (utf8_decode(t + k, z - k, &cp) != z - k)
                k = z - 1, cp = 0xFFFD;
            if (!is_py_space(cp))
                break;
            z = k;
        }
        if (z > a) {
            span sp = {t + a, z - a};
            NFS_VEC_PUSH(*out, n, cap, sp);
        }
        pos = end;
        while (pos < len && t[pos] == '\n')
            pos++;
    }
    return n;
}

/* The invariants every result must satisfy; returns the number of failures. */
static int check_invariants(const char *text, size_t len, const seg_result *r)
{
    int failures = 0;
    span *blocks;
    size_t nb = page_blocks(text, len, &blocks);
    CHECK_INT(r->n_blocks, nb);
    if (r->n_blocks != nb)
        failures++;
    /* blocks partition 0..n-1, ascending within each article */
    unsigned char *seen = nfs_xcalloc(nb ? nb : 1, 1);
    for (size_t a = 0; a < r->n_articles; a++) {
        const seg_article *art = &r->articles[a];
        CHECK(art->title && art->title[0]);
        CHECK(art->lead != NULL);
        CHECK(art->text && art->text_len > 0 && art->text[art->text_len - 1] == '\n');
        CHECK(art->n_blocks > 0);
        for (size_t k = 0; k < art->n_blocks; k++) {
            int b = art->blocks[k];
            if (b < 0 || (size_t)b >= nb || seen[b] || (k > 0 && b <= art->blocks[k - 1])) {
                failures++;
                CHECK_MSG(0, "article %zu: bad or repeated block %d", a + 1, b);
                continue;
            }
            seen[b] = 1;
        }
    }
    for (size_t b = 0; b < nb; b++)
        if (!seen[b]) {
            failures++;
            CHECK_MSG(0, "block %zu in no article", b);
        }
    /* every block whole in its article's text; nothing added or lost */
    strbuf nt = {0}, nbk = {0};
    size_t in_chars = 0, out_chars = 0;
    for (size_t a = 0; a < r->n_articles; a++) {
        const seg_article *art = &r->articles[a];
        norm(art->text, art->text_len, &nt);
        out_chars += nt.len;
        for (size_t k = 0; k < art->n_blocks; k++) {
            int b = art->blocks[k];
            if (b < 0 || (size_t)b >= nb)
                continue;
            norm(blocks[b].s, blocks[b].len, &nbk);
            if (nbk.len && !memmem(nt.s, nt.len, nbk.s, nbk.len)) {
                failures++;
                CHECK_MSG(0, "block %d not whole in article %zu", b, a + 1);
            }
        }
    }
    for (size_t b = 0; b < nb; b++) {
        norm(blocks[b].s, blocks[b].len, &nbk);
        in_chars += nbk.len;
    }
    CHECK_INT(out_chars, in_chars);
    if (out_chars != in_chars)
        failures++;
    sb_free(&nt);
    sb_free(&nbk);
    free(seen);
    free(blocks);
    return failures;
}

static int segment_and_check(const char *text, size_t len, seg_result *r)
{
    CHECK_INT(segment_page(text, len, r), 0);
    return check_invariants(text, len, r);
}

/* ---- fixtures -------------------------------------------------------------- */

static const seg_article *field_article(const seg_result *r, size_t k)
{
    return k < r->n_articles ? &r->articles[k] : NULL;
}

static const char *article_field(const seg_article *a, const char *key)
{
    if (!strcmp(key, "pretitle"))
        return a->pretitle;
    if (!strcmp(key, "subtitle"))
        return a->subtitle;
    if (!strcmp(key, "byline"))
        return a->byline;
    if (!strcmp(key, "lead"))
        return a->lead;
    return NULL;
}

/* Are blocks x and y one paragraph: written together on one line? */
static int joined(const seg_result *r, const span *blocks, int x, int y)
{
    strbuf want = {0}, tmp = {0}, line = {0};
    norm(blocks[x].s, blocks[x].len, &want);
    norm(blocks[y].s, blocks[y].len, &tmp);
    sb_append(&want, tmp.s, tmp.len);
    int found = 0;
    for (size_t a = 0; a < r->n_articles && !found; a++) {
        const char *t = r->articles[a].text, *end = t + r->articles[a].text_len;
        while (t < end && !found) {
            const char *nl = memchr(t, '\n', (size_t)(end - t));
            size_t ll = nl ? (size_t)(nl - t) : (size_t)(end - t);
            norm(t, ll, &line);
            found = line.len >= want.len && memmem(line.s, line.len, want.s, want.len) != NULL;
            t += ll + 1;
        }
    }
    sb_free(&want);
    sb_free(&tmp);
    sb_free(&line);
    return found;
}

static void check_fixture(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "segment/%s.txt", name);
    size_t len;
    char *text = tl_slurp(tl_fixture(path), &len);
    snprintf(path, sizeof path, "segment/%s.expect", name);
    char *expect = tl_slurp(tl_fixture(path), NULL);
    if (!text || !expect) {
        free(text);
        free(expect);
        SKIP("fixture missing (set TEST_FIXTURES)");
    }
    seg_result r;
    segment_and_check(text, len, &r);
    span *blocks;
    size_t nb = page_blocks(text, len, &blocks);

    size_t k = 0; /* article index */
    for (char *line = strtok(expect, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#' || !line[0])
            continue;
        char *fields[16];
        size_t nf = 0;
        for (char *f = line; f && nf < NFS_ARRAY_LEN(fields);) {
            fields[nf++] = f;
            char *tab = strchr(f, '\t');
            if (tab)
                *tab++ = '\0';
            f = tab;
        }
        if (!strcmp(fields[0], "join") && nf >= 3) {
            int x = atoi(fields[1]), y = atoi(fields[2]);
            CHECK_MSG(x >= 0 && y >= 0 && (size_t)x < nb && (size_t)y < nb && joined(&r, blocks, x, y),
                      "%s: blocks %d and %d are not joined into one paragraph", name, x, y);
            continue;
        }
        const seg_article *a = field_article(&r, k);
        k++;
        if (!a) {
            CHECK_MSG(0, "%s: article %zu missing", name, k);
            continue;
        }
        CHECK_STR(art_kind_name(a->kind), fields[0]);
        if (nf > 1)
            CHECK_STR(a->title, fields[1]);
        if (nf > 2) {
            strbuf got = {0};
            for (size_t b = 0; b < a->n_blocks; b++)
                sb_printf(&got, "%s%d", b ? " " : "", a->blocks[b]);
            CHECK_STR(got.s ? got.s : "", fields[2]);
            sb_free(&got);
        }
        for (size_t f = 3; f < nf; f++) {
            char *eq = strchr(fields[f], '=');
            if (!eq)
                continue;
            *eq = '\0';
            const char *got = article_field(a, fields[f]);
            CHECK_MSG(got && !strcmp(got, eq + 1), "%s: article %zu %s = %s, want %s", name, k, fields[f],
                      got ? got : "(null)", eq + 1);
        }
    }
    CHECK_INT(r.n_articles, k);
    seg_result_free(&r);
    free(blocks);
    free(text);
    free(expect);
}

#define FIXTURE(name)                                                                 \
    static void fixture_##name(void) { check_fixture(#name); }
FIXTURE(headline_group)
FIXTURE(hash_marks)
FIXTURE(lead_bylines)
FIXTURE(feature_subheads)
FIXTURE(photo_credit_block)
FIXTURE(box_byline_after)
FIXTURE(continuation)
FIXTURE(colbreak_photo_box)
FIXTURE(colbreak_summary)
FIXTURE(orphan_before_headline)
FIXTURE(fragment_in_headline)
FIXTURE(fragment_after_title)
FIXTURE(single_line_titles)
FIXTURE(box_before_headline)
FIXTURE(news_then_brief)
FIXTURE(endmark)
FIXTURE(multiline_head)
FIXTURE(brief_column)
FIXTURE(enumerated_list)

/* ---- properties --------------------------------------------------------------- */

static void test_empty_input(void)
{
    seg_result r;
    CHECK_INT(segment_page("", 0, &r), 0);
    CHECK_INT(r.n_articles, 0);
    CHECK_INT(r.n_blocks, 0);
    seg_result_free(&r);
    CHECK_INT(segment_page(NULL, 0, &r), 0);
    CHECK_INT(r.n_articles, 0);
    seg_result_free(&r);
    const char *blank = "\n\n  \n\t\n\n\xE3\x80\x80\n";
    CHECK_INT(segment_page(blank, strlen(blank), &r), 0);
    CHECK_INT(r.n_articles, 0);
    CHECK_INT(r.n_blocks, 0);
    seg_result_free(&r);
}

static void test_no_blank_lines(void)
{
    const char *t = "一行标题\n本报讯(记者张三)第一段文字。\n第二段文字,没有空行分隔。\n";
    seg_result r;
    segment_and_check(t, strlen(t), &r);
    CHECK_INT(r.n_articles, 1);
    CHECK_INT(r.n_blocks, 1);
    seg_result_free(&r);
}

static void test_one_megabyte_line(void)
{
    strbuf sb = {0};
    while (sb.len < (1u << 20))
        sb_puts(&sb, "职工服务中心开展技能培训和法律援助,");
    seg_result r;
    segment_and_check(sb.s, sb.len, &r);
    CHECK_INT(r.n_articles, 1);
    CHECK(r.n_articles == 1 && strlen(r.articles[0].title) < 200);
    seg_result_free(&r);
    sb_free(&sb);
}

static uint32_t next_random(uint32_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    return *state;
}

static void test_garbage_bytes(void)
{
    uint32_t seed = 12345;
    for (int round = 0; round < 40; round++) {
        size_t len = 1 + next_random(&seed) % 4000;
        char *buf = nfs_xmalloc(len);
        for (size_t i = 0; i < len; i++) {
            uint32_t x = next_random(&seed);
            /* bias toward newlines and UTF-8 fragments */
            buf[i] = (x % 7 == 0) ? '\n' : (x % 11 == 0) ? '#' : (char)(x >> 8);
        }
        seg_result r;
        if (segment_and_check(buf, len, &r))
            CHECK_MSG(0, "garbage round %d", round);
        seg_result_free(&r);
        free(buf);
    }
    /* U+FFFD and lone continuation bytes next to real text */
    const char *t = "\xEF\xBF\xBD\xEF\xBF\xBD标题\n\n本报讯(记者张三)\x80\x80内容。\n\n\xE5\xB7\n\n\xEF\xBF\xBD 摄\n\n";
    seg_result r;
    segment_and_check(t, strlen(t), &r);
    seg_result_free(&r);
}

/* Every block shape the segmenter knows, shuffled: bylines, credits,
 * boxes, marks, head-like lines, cut paragraphs, fragments. */
static void test_random_layouts(void)
{
    static const char *const pieces[] = {
        "本报讯(记者王五)今天召开大会,部署工作。", "本报记者 赵六 本报通讯员 钱七", "新华社记者 孙八 摄",
        "阅读提示", "(上接第3版)", "## 标题一行", "工会推进建会入会——", "职工技能竞赛举行",
        "促创新,优方法", "的职工活动中心已经建成。", "近年来,全市不断完善服务体系,每", "年组织一次培训。",
        "通讯员李四报道 近日,某厂举办活动。", "活动现场。 本报记者 周九 摄", "誉称号。",
        "记者吴十报道 “好!”他说。", "县委组织部每", "团结动员广大", "职工当好主力军。"};
    uint32_t seed = 777;
    for (int round = 0; round < 300; round++) {
        strbuf sb = {0};
        size_t n = 1 + next_random(&seed) % 40;
        for (size_t i = 0; i < n; i++) {
            sb_puts(&sb, pieces[next_random(&seed) % NFS_ARRAY_LEN(pieces)]);
            sb_puts(&sb, next_random(&seed) % 9 ? "\n\n" : "\n");
        }
        seg_result r;
        if (segment_and_check(sb.s, sb.len, &r))
            CHECK_MSG(0, "random layout round %d:\n%s", round, sb.s);
        seg_result_free(&r);
        sb_free(&sb);
    }
}

static double segment_seconds(const char *text, size_t len, seg_result *r)
{
    double t0 = nfs_now();
    segment_page(text, len, r);
    return nfs_now() - t0;
}

#if defined(__SANITIZE_ADDRESS__)
#define SLOWDOWN 20.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOWDOWN 20.0
#endif
#endif
#ifndef SLOWDOWN
#define SLOWDOWN 1.0
#endif

static void test_many_tiny_blocks(void)
{
    /* 4 MB of one- and two-character blocks and short cut lines: linear,
     * with bounded look-ahead */
    static const char *const tiny[] = {"a\n\n", "甲\n\n", "近日,某\n\n", "的\n\n", "乙丙,\n\n", "摄\n\n"};
    strbuf sb = {0};
    uint32_t seed = 99;
    while (sb.len < (4u << 20))
        sb_puts(&sb, tiny[next_random(&seed) % NFS_ARRAY_LEN(tiny)]);
    seg_result r;
    double dt = segment_seconds(sb.s, sb.len, &r);
    check_invariants(sb.s, sb.len, &r);
    printf("     many tiny blocks: %zu blocks, %.2f s\n", r.n_blocks, dt);
    CHECK_MSG(dt < 5.0 * SLOWDOWN, "%.2f s for %zu tiny blocks", dt, r.n_blocks);
    seg_result_free(&r);
    sb_free(&sb);
}

/* A large page made of the fixtures: throughput well above the indexer's
 * 10 MB/s per core. */
static void test_throughput(void)
{
    static const char *const names[] = {"headline_group", "hash_marks", "lead_bylines",
                                        "feature_subheads", "photo_credit_block", "continuation",
                                        "colbreak_photo_box", "orphan_before_headline"};
    strbuf page = {0};
    for (size_t k = 0; k < NFS_ARRAY_LEN(names); k++) {
        char path[256];
        snprintf(path, sizeof path, "segment/%s.txt", names[k]);
        size_t len;
        char *t = tl_slurp(tl_fixture(path), &len);
        if (!t) {
            sb_free(&page);
            SKIP("fixtures missing");
        }
        sb_append(&page, t, len);
        sb_puts(&page, "\n\n");
        free(t);
    }
    size_t one = page.len;
    while (page.len < (16u << 20)) {
        size_t n = page.len < one * 64 ? page.len : one * 64;
        sb_reserve(&page, n); /* page.s must not move while it is copied from */
        sb_append(&page, page.s, n);
    }
    seg_result r;
    double dt = segment_seconds(page.s, page.len, &r);
    double mbs = page.len / (dt > 1e-9 ? dt : 1e-9) / 1e6;
    printf("     throughput: %.1f MB in %.3f s = %.0f MB/s, %zu articles\n", page.len / 1e6, dt, mbs,
           r.n_articles);
    CHECK_MSG(mbs > 10.0 / SLOWDOWN, "%.1f MB/s", mbs);
    seg_result_free(&r);
    sb_free(&page);
}

int main(void)
{
    RUN(fixture_headline_group);
    RUN(fixture_hash_marks);
    RUN(fixture_lead_bylines);
    RUN(fixture_feature_subheads);
    RUN(fixture_photo_credit_block);
    RUN(fixture_box_byline_after);
    RUN(fixture_continuation);
    RUN(fixture_colbreak_photo_box);
    RUN(fixture_colbreak_summary);
    RUN(fixture_orphan_before_headline);
    RUN(fixture_fragment_in_headline);
    RUN(fixture_fragment_after_title);
    RUN(fixture_single_line_titles);
    RUN(fixture_box_before_headline);
    RUN(fixture_news_then_brief);
    RUN(fixture_endmark);
    RUN(fixture_multiline_head);
    RUN(fixture_brief_column);
    RUN(fixture_enumerated_list);
    RUN(test_empty_input);
    RUN(test_no_blank_lines);
    RUN(test_one_megabyte_line);
    RUN(test_garbage_bytes);
    RUN(test_random_layouts);
    RUN(test_many_tiny_blocks);
    RUN(test_throughput);
    return tl_done();
}
