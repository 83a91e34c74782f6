/* test_topics.c - unit tests for the topic taxonomy (default, file format,
 * user files) and the classifier (invented articles, thresholds,
 * explanations, determinism, threads) and its term matcher. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "article.h"
#include "testlib.h"
#include "topics.h"

/* white-box access for the matcher and parser internals */
#include "../../src/topics_internal.h"
#include "../../src/topics_match.h"

static const char *const default_names[] = {
    "劳模工匠", "技能提升", "职工创新", "建会入会",   "新就业形态", "帮扶送温暖", "维权法律",
    "民主管理", "服务阵地", "工会建设", "产业工人", "安全生产",   "文体疗休养", "抗疫救灾",
};

/* ---- helpers ------------------------------------------------------------- */

static taxonomy *parse_ok(const char *text)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    int rc = taxonomy_parse(text, strlen(text), "test.topics", &t, &err);
    CHECK_MSG(rc == 0 && t, "unexpected parse error: %s", err.msg);
    return t;
}

/* Parse text that must fail; the message must contain want. */
static void parse_fails_len(const char *text, size_t len, const char *want)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    int rc = taxonomy_parse(text, len, "test.topics", &t, &err);
    CHECK_MSG(rc != 0 && t == NULL, "parsed but should fail with '%s'", want);
    CHECK_MSG(strstr(err.msg, want) != NULL, "error '%s' lacks '%s'", err.msg, want);
    taxonomy_free(t);
}

static long topic_index(const taxonomy *t, const char *name)
{
    for (size_t i = 0; i < taxonomy_size(t); i++)
        if (!strcmp(taxonomy_topic_name(t, i), name))
            return (long)i;
    return -1;
}

/* Classify an article given in the article-file layout. */
static void classify_text(const taxonomy *t, const char *text, topic_result *r)
{
    strbuf buf = {0};
    article_view v;
    article_view_from_text(text, strlen(text), &v, &buf);
    CHECK_INT(topics_classify(t, &v, ENRICH_EXPLAIN, r), 0);
    sb_free(&buf);
}

static const char *pick_name(const taxonomy *t, const topic_result *r, int i)
{
    return i < r->n ? taxonomy_topic_name(t, (size_t)r->picks[i].topic) : "(none)";
}

static int has_topic(const taxonomy *t, const topic_result *r, const char *name)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(pick_name(t, r, i), name))
            return 1;
    return 0;
}

static taxonomy *default_taxonomy(void)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(taxonomy_default(&t, &err) == 0, "default taxonomy: %s", err.msg);
    return t;
}

static void parse_fails(const char *text, const char *want)
{
    parse_fails_len(text, strlen(text), want);
}

/* ---- the matcher ------------------------------------------------------- */

typedef struct {
    char found[64][16];
    int n;
} hits;

static void record_hit(void *ctx, unsigned pattern, size_t start, size_t end)
{
    hits *h = ctx;
    if (h->n < 64)
        snprintf(h->found[h->n++], sizeof h->found[0], "%u@%zu-%zu", pattern, start, end);
}

static void test_matcher_overlaps(void)
{
    const char *pats[] = {"he", "she", "his", "hers", "工会", "工会干部", "会干"};
    size_t lens[7];
    for (int i = 0; i < 7; i++)
        lens[i] = strlen(pats[i]);
    term_matcher *m = term_matcher_build(pats, lens, 7);
    hits h = {0};
    term_matcher_scan(m, "USHERS", 6, record_hit, &h); /* ASCII letters match in any case */
    CHECK_INT(h.n, 3);
    CHECK_STR(h.found[0], "1@1-4"); /* she */
    CHECK_STR(h.found[1], "0@2-4"); /* he */
    CHECK_STR(h.found[2], "3@2-6"); /* hers */
    h.n = 0;
    const char *zh = "各级工会干部";
    term_matcher_scan(m, zh, strlen(zh), record_hit, &h);
    CHECK_INT(h.n, 3);
    CHECK_STR(h.found[0], "4@6-12");  /* 工会 */
    CHECK_STR(h.found[1], "6@9-15");  /* 会干 */
    CHECK_STR(h.found[2], "5@6-18");  /* 工会干部 */
    h.n = 0;
    term_matcher_scan(m, "", 0, record_hit, &h);
    CHECK_INT(h.n, 0);
    term_matcher_free(m);
}

static void test_matcher_duplicates_and_bytes(void)
{
    /* the same pattern twice is reported twice; any byte value works */
    const char *pats[] = {"ab", "ab", "\xff\x01"};
    size_t lens[] = {2, 2, 2};
    term_matcher *m = term_matcher_build(pats, lens, 3);
    hits h = {0};
    term_matcher_scan(m, "xab\xff\x01", 5, record_hit, &h);
    CHECK_INT(h.n, 3);
    term_matcher_free(m);
    m = term_matcher_build(NULL, NULL, 0);
    h.n = 0;
    term_matcher_scan(m, "anything", 8, record_hit, &h);
    CHECK_INT(h.n, 0);
    CHECK_INT(term_matcher_states(m), 1);
    term_matcher_free(m);
}

/* Every (pattern, start, end) found by brute force: ASCII letters without
 * regard to case, matches starting on a symbol boundary of the text. */
typedef struct {
    unsigned pat;
    size_t start, end;
} triple;

static int cmp_triple(const void *a, const void *b)
{
    const triple *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->pat < y->pat ? -1 : x->pat > y->pat;
}

typedef struct {
    triple v[4096];
    size_t n;
} triples;

static void record_triple(void *ctx, unsigned pattern, size_t start, size_t end)
{
    triples *t = ctx;
    if (t->n < 4096)
        t->v[t->n++] = (triple){pattern, start, end};
}

/* The automaton finds exactly what brute force finds, in order of end
 * offset, on random texts and patterns over a small alphabet (Han, ASCII
 * in both cases, a malformed byte) that makes overlaps, shared prefixes
 * and failure chains common. Texts run to 1,800 bytes: long ones are
 * walked as two halves at once, some with more hits than the second walk
 * holds back. */
static void test_matcher_equals_brute_force(void)
{
    static const char *const alphabet[] = {"工", "会", "干", "部", "a", "B", "b", "\xff", " "};
    const size_t n_alpha = NFS_ARRAY_LEN(alphabet);
    uint32_t seed = 7;
#define NEXT_RAND() (seed = seed * 1103515245u + 12345u, seed >> 16)
    int bad = 0;
    for (int round = 0; round < 400 && !bad; round++) {
        char pats[12][16];
        const char *pp[12];
        size_t lens[12], n_pats = 1 + NEXT_RAND() % 12;
        for (size_t i = 0; i < n_pats; i++) {
            pats[i][0] = '\0';
            size_t k = 1 + NEXT_RAND() % 3;
            for (size_t j = 0; j < k; j++)
                strcat(pats[i], alphabet[NEXT_RAND() % (n_alpha - 1)]);
            pp[i] = pats[i];
            lens[i] = strlen(pats[i]);
        }
        char text[2048] = "";
        size_t starts[600], n_sym = 1 + NEXT_RAND() % (round % 2 ? 600 : 60);
        for (size_t j = 0; j < n_sym; j++) {
            starts[j] = strlen(text);
            strcat(text, alphabet[NEXT_RAND() % n_alpha]);
        }
        size_t len = strlen(text);
        triples *want = calloc(1, sizeof *want), *got = calloc(1, sizeof *got);
        for (size_t j = 0; j < n_sym; j++)
            for (size_t i = 0; i < n_pats; i++)
                if (starts[j] + lens[i] <= len && strncasecmp(text + starts[j], pats[i], lens[i]) == 0)
                    record_triple(want, (unsigned)i, starts[j], starts[j] + lens[i]);
        term_matcher *m = term_matcher_build(pp, lens, n_pats);
        term_matcher_scan(m, text, len, record_triple, got);
        term_matcher_free(m);
        for (size_t k = 1; k < got->n && !bad; k++)
            if (got->v[k].end < got->v[k - 1].end) {
                fprintf(stderr, "  round %d: hit %zu ends before the one before\n", round, k);
                bad = 1;
            }
        qsort(want->v, want->n, sizeof *want->v, cmp_triple);
        qsort(got->v, got->n, sizeof *got->v, cmp_triple);
        if (got->n != want->n || memcmp(got->v, want->v, got->n * sizeof *got->v) != 0) {
            fprintf(stderr, "  round %d: %zu hits, brute force %zu, text \"%.200s\"\n", round,
                    got->n, want->n, text);
            bad = 1;
        }
        free(want);
        free(got);
    }
#undef NEXT_RAND
    CHECK_INT(bad, 0);
}

/* ---- the default taxonomy ---------------------------------------------- */

static void test_default_has_14_topics_in_order(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    CHECK_INT(taxonomy_size(t), 14);
    for (size_t i = 0; i < NFS_ARRAY_LEN(default_names) && i < taxonomy_size(t); i++)
        CHECK_STR(taxonomy_topic_name(t, i), default_names[i]);
    CHECK(taxonomy_topic_name(t, 14) == NULL);
    /* the text it was parsed from, stored by the index to notice changes */
    CHECK(strstr(taxonomy_text(t), "[劳模工匠]") != NULL);
    CHECK(strstr(taxonomy_text(t), "@include default:") == NULL);
    /* every topic has terms of its own */
    for (size_t k = 0; k < taxonomy_size(t); k++) {
        int n = 0;
        for (size_t i = 0; i < t->n_terms; i++)
            n += t->terms[i].topic == (int)k && t->terms[i].weight > 0;
        CHECK_MSG(n >= 10, "topic %s has only %d terms", default_names[k], n);
    }
    taxonomy_free(t);
}

static void test_default_parses_fast(void)
{
    double t0 = nfs_now();
    int rounds = 20;
    for (int i = 0; i < rounds; i++) {
        taxonomy *t = default_taxonomy();
        taxonomy_free(t);
    }
    double ms = (nfs_now() - t0) * 1000.0 / rounds;
    /* a few milliseconds (generous bound for sanitizer builds) */
    CHECK_MSG(ms < 50.0, "taxonomy_default takes %.1f ms", ms);
}

/* ---- the file format --------------------------------------------------- */

static const topic_term *find_term(const taxonomy *t, const char *topic, const char *text)
{
    long k = topic_index(t, topic);
    for (size_t i = 0; i < t->n_terms; i++)
        if (t->terms[i].topic == k && !strcmp(t->terms[i].text, text))
            return &t->terms[i];
    return NULL;
}

static void test_format_comments_weights_quotes(void)
{
    taxonomy *t = parse_ok("\xef\xbb\xbf# a comment line\r\n"
                           "\r\n"
                           "[甲]   # a comment after a header\r\n"
                           "  词一\r\n"
                           "词二 2.5   # a comment after a weight\n"
                           "词三, 词四，词五、词六 -1.5\n"
                           "!词一二三\n"
                           "\"two words\" \"12\" 3\n"
                           "\xe3\x80\x80全角空格\xe3\x80\x80 0.5\n"
                           "C#语言\n"
                           "[ 乙 ]\n"
                           "ＡＰＰ .5\n"
                           "词一 +2\n");
    if (!t)
        return;
    CHECK_INT(taxonomy_size(t), 2);
    CHECK_STR(taxonomy_topic_name(t, 0), "甲");
    CHECK_STR(taxonomy_topic_name(t, 1), "乙");
    const topic_term *x;
    CHECK((x = find_term(t, "甲", "词一")) && x->weight == 1.0f && !x->exclude);
    CHECK((x = find_term(t, "甲", "词二")) && x->weight == 2.5f);
    for (const char *w = "词三\0词四\0词五\0词六\0"; *w; w += strlen(w) + 1)
        CHECK_MSG((x = find_term(t, "甲", w)) && x->weight == -1.5f, "%s", w);
    CHECK((x = find_term(t, "甲", "词一二三")) && x->exclude && x->weight == 0.0f);
    CHECK((x = find_term(t, "甲", "two words")) && x->weight == 3.0f);
    CHECK((x = find_term(t, "甲", "12")) && x->weight == 3.0f);
    CHECK((x = find_term(t, "甲", "全角空格")) && x->weight == 0.5f);
    CHECK((x = find_term(t, "甲", "c#语言")) != NULL); /* '#' inside a term is no comment */
    CHECK((x = find_term(t, "乙", "app")) && x->weight == 0.5f); /* NFKC, case folded */
    CHECK((x = find_term(t, "乙", "词一")) && x->weight == 2.0f);
    taxonomy_free(t);
}

static void test_format_repeated_term_last_wins(void)
{
    taxonomy *t = parse_ok("[甲]\n词一 2\n词二\n词一 3\n词二 0\n");
    if (!t)
        return;
    const topic_term *x = find_term(t, "甲", "词一");
    CHECK(x && x->weight == 3.0f);
    CHECK(find_term(t, "甲", "词二") == NULL); /* weight 0 drops a term */
    CHECK_INT(t->n_terms, 1);
    taxonomy_free(t);
}

static void test_format_errors_name_file_and_line(void)
{
    parse_fails("", "test.topics: no topics");
    parse_fails("# only a comment\n\n", "test.topics: no topics");
    parse_fails("# c\n词一 2\n", "test.topics:2: term outside a topic");
    parse_fails("[甲\n", "test.topics:1: topic header without closing ']'");
    parse_fails("[ ]\n", "test.topics:1: empty topic name");
    parse_fails("[a/b]\nx\n", "test.topics:1: a topic name cannot hold '/'");
    parse_fails("[.hidden]\nx\n", "test.topics:1: a topic name cannot start with '.'");
    parse_fails("[甲] x\n", "test.topics:1: unexpected text after");
    parse_fails("[甲]\n词\n\n[乙]\n词\n[甲]\n词\n",
                "test.topics:6: duplicate topic [甲] (first declared on line 1)");
    parse_fails("[甲]\n词\n@frobnicate now\n", "test.topics:3: unknown directive '@frobnicate'");
    parse_fails("[甲]\n词\n@set speed 3\n", "test.topics:3: @set: unknown setting 'speed'");
    parse_fails("[甲]\n词\n@set max-topics 4\n", "test.topics:3: @set max-topics needs an integer");
    parse_fails("[甲]\n词\n@set lead x\n", "test.topics:3: @set lead needs a number");
    parse_fails("[甲]\n词 11\n", "test.topics:2: weight 11 out of range");
    parse_fails("[甲]\n!词 2\n", "test.topics:2: an exclusion (!词) takes no weight");
    parse_fails("[甲]\n\"词 2\n", "test.topics:2: unterminated quote");
    parse_fails("[甲]\n\"词\"x\n", "test.topics:2: text right after a closing quote");
    parse_fails("[甲]\n词 3 词二\n", "test.topics:2: '3' looks like a weight");
    parse_fails("[甲]\n!\n", "test.topics:2: empty term");
    parse_fails("[甲]\n词\n[乙]\n!词\n", "test.topics:3: topic [乙] has no terms with a positive weight");
    parse_fails("[甲]\n词 -1\n", "test.topics:1: topic [甲] has no terms with a positive weight");
    parse_fails("[甲]\n词\n@remove 乙\n", "test.topics:3: @remove: no topic [乙]");
    parse_fails("@include other\n", "test.topics:1: @include takes the word 'default'");
    parse_fails("@include default\n@include default\n", "test.topics:2: @include default appears twice");
    static const char bad_utf8[] = "[甲]\n词\n坏\xff字\n";
    parse_fails_len(bad_utf8, sizeof bad_utf8 - 1, "test.topics:3: invalid UTF-8 (byte 4 of the line)");
    static const char nul[] = "[甲]\n词\0x\n";
    parse_fails_len(nul, sizeof nul - 1, "test.topics:2: a term cannot hold control characters");
}

static void test_format_very_long_lines(void)
{
    /* 4000 distinct terms on one line are fine */
    strbuf sb = {0};
    sb_puts(&sb, "[长]\n");
    for (int i = 0; i < 4000; i++)
        sb_printf(&sb, "词%04d,", i);
    sb_puts(&sb, " 2\n");
    taxonomy *t = parse_ok(sb.s);
    if (t) {
        CHECK_INT(t->n_terms, 4000);
        topic_result r;
        classify_text(t, "标题\n\n正文提到词0042和词3999。", &r);
        CHECK_INT(r.n, 1);
        topic_result_free(&r);
    }
    taxonomy_free(t);
    /* one 200 KB term is not */
    sb_clear(&sb);
    sb_puts(&sb, "[长]\n词\n\n");
    for (int i = 0; i < 200000; i++)
        sb_putc(&sb, 'x');
    sb_puts(&sb, "\n");
    parse_fails_len(sb.s, sb.len, "test.topics:4: term longer than 100 bytes");
    sb_free(&sb);
}

/* ---- user files -------------------------------------------------------- */

static void test_user_file_replaces_default(void)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(taxonomy_load_file(tl_fixture("topics/replace.topics"), &t, &err) == 0, "%s",
              err.msg);
    if (!t)
        return;
    CHECK_INT(taxonomy_size(t), 2);
    CHECK_STR(taxonomy_topic_name(t, 0), "乡村振兴");
    CHECK_STR(taxonomy_topic_name(t, 1), "职工书屋");
    CHECK(strstr(taxonomy_text(t), "[职工书屋]") != NULL);
    topic_result r;
    classify_text(t, "驻村干部带领合作社增收\n\n本报讯 驻村工作队帮助农民成立合作社。", &r);
    CHECK_INT(r.n, 1);
    CHECK_STR(pick_name(t, &r, 0), "乡村振兴");
    topic_result_free(&r);
    /* an exclusion: 农民工 is not 农民 here */
    classify_text(t, "新闻\n\n农民工农民工农民工农民工。", &r);
    CHECK_INT(r.n, 0);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_user_file_extends_default(void)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(taxonomy_load_file(tl_fixture("topics/extend.topics"), &t, &err) == 0, "%s",
              err.msg);
    if (!t)
        return;
    CHECK_INT(taxonomy_size(t), 14); /* 14 + 乡村振兴 - 抗疫救灾 */
    CHECK(topic_index(t, "抗疫救灾") < 0);
    CHECK_INT(topic_index(t, "乡村振兴"), 13);
    CHECK_INT(topic_index(t, "劳模工匠"), 0);
    CHECK(find_term(t, "劳模工匠", "金牌工人") != NULL);
    CHECK(find_term(t, "劳模工匠", "劳动模范") != NULL); /* the default's terms stay */
    CHECK(find_term(t, "乡村振兴", "rural revitalization") != NULL);
    CHECK(t->params.second_ratio == 0.5f);
    /* the stored text identifies the built-in default it was combined with */
    CHECK(strstr(taxonomy_text(t), "[乡村振兴]") != NULL);
    CHECK(strstr(taxonomy_text(t), "# @include default: fnv1a64 ") != NULL);
    topic_result r;
    classify_text(t, "金牌工人的一天\n\n本报讯 这位金牌工人坚守岗位二十年。", &r);
    CHECK(r.n >= 1);
    CHECK_STR(pick_name(t, &r, 0), "劳模工匠");
    topic_result_free(&r);
    taxonomy_free(t);

    /* comments after directives */
    t = parse_ok("@include default   # the 14 topics\n@set lead 2 # more weight\n@remove 抗疫救灾 # not here\n");
    if (t) {
        CHECK_INT(taxonomy_size(t), 13);
        CHECK(t->params.lead == 2.0f);
    }
    taxonomy_free(t);
    /* a user file may name a default topic once to extend it, not twice */
    parse_fails("@include default\n[劳模工匠]\n甲\n[劳模工匠]\n乙\n",
                "test.topics:4: duplicate topic [劳模工匠] (first declared on line 2)");
    /* terms right after @include belong to no topic */
    parse_fails("@include default\n甲\n", "test.topics:2: term outside a topic");
}

static void test_load_file_errors(void)
{
    taxonomy *t = NULL;
    nfs_err err = {{0}};
    char path[4096];
    snprintf(path, sizeof path, "%s", tl_fixture("topics/bad.topics"));
    CHECK(taxonomy_load_file(path, &t, &err) != 0);
    CHECK(t == NULL);
    char want[4200];
    snprintf(want, sizeof want, "%s:6: weight 20 out of range", path);
    CHECK_MSG(strstr(err.msg, want) != NULL, "got '%s'", err.msg);
    CHECK(taxonomy_load_file("/nonexistent/x.topics", &t, &err) != 0);
    CHECK(strstr(err.msg, "/nonexistent/x.topics: ") == err.msg);
}

/* ---- classifying invented articles ---------------------------------------- */

typedef struct {
    const char *topic;
    const char *text; /* headline lines, blank line, body */
} sample;

/* One invented article per default topic (our own sentences). */
static const sample per_topic[] = {
    {"劳模工匠",
     "老钳工获评全国劳动模范\n\n本报讯 在机床厂干了三十年的老钳工日前获评全国劳动模范。"
     "他带出的徒弟中有两人获得五一劳动奖章,车间班组被授予工人先锋号。\n\n"
     "表彰会后,他走进学校参加劳模宣讲,讲述爱岗敬业的故事。"},
    {"技能提升",
     "全市数控车工技能大赛落幕\n\n本报讯 为期两天的全市数控车工职业技能竞赛日前落幕,"
     "来自四十家企业的选手同台比武。\n\n市总工会将以赛代训,组织获奖选手到工匠学院开展技能培训。"},
    {"职工创新",
     "一线班组攻克设备难题\n\n本报讯 热电厂运行班组依托职工创新工作室开展技术攻关,"
     "改进给水泵密封结构,已申请两项专利。\n\n今年该厂收到合理化建议三百多条,"
     "“五小”成果二十多项,小改小革每年节约成本百万元。"},
    {"建会入会",
     "物业行业集中入会\n\n本报讯 区总工会近日为五十家物业企业组建行业工会联合会,"
     "八百多名保洁员、保安员集中入会,领到了会员证。\n\n区总工会表示,将推动非公企业应建尽建,"
     "扩大工会组织覆盖。"},
    {"新就业形态",
     "骑手们的暖冬\n\n本报讯 寒潮来临,外卖骑手和快递员在户外奔波。平台企业与工会协商,"
     "为网约配送员延长接单间隔。\n\n货车司机和网约车司机也被纳入关爱范围。"},
    {"帮扶送温暖",
     "春节前夕走访困难职工\n\n本报讯 春节前夕,市总工会开展送温暖活动,"
     "走访慰问困难职工家庭一百余户,发放慰问金和米面油。\n\n对患大病的职工,"
     "工会还启动医疗互助给予救助。"},
    {"维权法律",
     "工会律师帮讨回血汗钱\n\n本报讯 二十多名建筑工人遭遇欠薪,县总工会法律援助中心"
     "指派律师介入,经调解,工人们拿回了被拖欠的劳动报酬。\n\n"
     "县总工会还设立劳动争议调解室,开展普法宣传。"},
    {"民主管理",
     "职代会审议通过集体合同\n\n本报讯 电缆公司日前召开职工代表大会,职工代表审议通过"
     "工资集体协商协议和集体合同。\n\n公司同时推行厂务公开,每季度向职工公布经营情况。"},
    {"服务阵地",
     "街角驿站成了歇脚点\n\n本报讯 市总工会在公交站旁新建的工会驿站投入使用,"
     "环卫工人可以在这里喝热水、热饭、给手机充电。\n\n全市已建成户外劳动者服务站两百余个,"
     "部分企业还设立了母婴室和职工之家。"},
    {"工会建设",
     "县总工会推进工会改革\n\n本报讯 县总工会日前召开会议部署工会改革,"
     "推行兼职副主席制度,加强工会干部队伍建设。\n\n县总还上线智慧工会平台,"
     "把工作机制延伸到基层工会。"},
    {"产业工人",
     "装备制造业推进产改\n\n本报讯 省总工会召开产业工人队伍建设改革推进会,"
     "要求培养知识型技能型创新型产业工人。\n\n与会企业交流了提高技术工人待遇的做法。"},
    {"安全生产",
     "“安康杯”竞赛启动\n\n本报讯 市总工会日前启动安康杯竞赛,组织职工排查事故隐患,"
     "开展消防应急演练。\n\n今年将重点检查高温作业和劳动保护措施落实,守住安全生产底线。"},
    {"文体疗休养",
     "职工篮球赛激战正酣\n\n本报讯 市第五届职工运动会篮球比赛近日开赛,"
     "三十支队伍参加。\n\n市总工会还将举办职工合唱比赛,并安排一线职工分批疗休养。"},
    {"抗疫救灾",
     "暴雨过后忙重建\n\n本报讯 连日暴雨引发洪涝灾害,市总工会紧急下拨救灾资金,"
     "组织职工志愿者参与抢险。\n\n洪水退去后,工会又组织职工帮助受灾群众清淤,推进灾后重建。"},
};

static void test_each_default_topic(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    for (size_t i = 0; i < NFS_ARRAY_LEN(per_topic); i++) {
        topic_result r;
        classify_text(t, per_topic[i].text, &r);
        CHECK_MSG(r.n >= 1 && !strcmp(pick_name(t, &r, 0), per_topic[i].topic),
                  "wanted %s, got %s:\n%s", per_topic[i].topic, pick_name(t, &r, 0), r.explain);
        topic_result_free(&r);
    }
    taxonomy_free(t);
}

static void test_multi_topic_article(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    topic_result r;
    classify_text(t,
                  "职代会上讨薪难题有了解法\n\n本报讯 针对部分项目欠薪问题,公司工会提请职工代表大会"
                  "审议工资支付办法,并通过集体协商写入集体合同。\n\n工会法律援助律师同时为被拖欠"
                  "工资的职工提供法律咨询,调解劳动争议。",
                  &r);
    CHECK_MSG(r.n >= 2 && has_topic(t, &r, "民主管理") && has_topic(t, &r, "维权法律"), "%s",
              r.explain);
    for (int i = 1; i < r.n; i++)
        CHECK(r.picks[i].score <= r.picks[i - 1].score);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_headline_outweighs_passing_mentions(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    /* one headline term beats two passing body mentions of another topic */
    topic_result r;
    classify_text(t,
                  "职工疗休养启程\n\n本报讯 首批一线职工今天出发。活动前,工会组织了一次培训,"
                  "培训内容包括出行须知。",
                  &r);
    CHECK_MSG(r.n >= 1 && !strcmp(pick_name(t, &r, 0), "文体疗休养"), "%s", r.explain);
    topic_result_free(&r);
    /* the same words with the roles swapped */
    classify_text(t,
                  "电工培训开班\n\n本报讯 新一期电工培训今天开班。结业后学员可参加疗休养。", &r);
    CHECK_MSG(r.n >= 1 && !strcmp(pick_name(t, &r, 0), "技能提升"), "%s", r.explain);
    topic_result_free(&r);
    /* a passing mention in a long article about something else is not filed */
    classify_text(t,
                  "老师傅的创新工作室\n\n本报讯 创新工作室成立五年来完成技术攻关十余项,获得专利八项,"
                  "职工提出合理化建议五百多条。\n\n工作室还总结了先进操作法,技术革新成果在全公司推广。"
                  "\n\n疫情期间,工作室成员坚持攻关。",
                  &r);
    CHECK_MSG(r.n >= 1 && !strcmp(pick_name(t, &r, 0), "职工创新") && !has_topic(t, &r, "抗疫救灾"),
              "%s", r.explain);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_weak_evidence_gives_no_topic(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    topic_result r;
    classify_text(t, "秋日即景\n\n本报讯 银杏叶黄了,公园里游人不多。", &r);
    CHECK_INT(r.n, 0);
    CHECK_MSG(strncmp(r.explain, "no topic", 8) == 0, "%s", r.explain);
    topic_result_free(&r);
    classify_text(t, "", &r);
    CHECK_INT(r.n, 0);
    CHECK(r.explain != NULL);
    topic_result_free(&r);
    /* one weak word is not enough */
    classify_text(t, "会议召开\n\n本报讯 会议听取了工作报告,讨论了历史问题。", &r);
    CHECK_MSG(r.n == 0, "%s", r.explain);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_photo_caption_gets_a_topic(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    topic_result r;
    classify_text(t, "寒夜送暖\n\n12月3日,工会志愿者为夜间作业的快递员送上热饮。 本报记者 某某 摄",
                  &r);
    CHECK_MSG(r.n >= 1 && has_topic(t, &r, "新就业形态"), "%s", r.explain);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_at_most_three_topics(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    topic_result r;
    classify_text(t,
                  "劳模技能消防疗休养欠薪驿站\n\n劳模 劳动模范 工匠 技能竞赛 职业技能 培训 消防 安全生产 "
                  "隐患 疗休养 联谊 文体 欠薪 维权 法律援助 驿站 职工之家 母婴室 疫情 抗疫 核酸",
                  &r);
    CHECK_INT(r.n, 3);
    CHECK(strstr(r.explain, "(not filed: 3 topics already)") != NULL);
    topic_result_free(&r);
    /* max-topics from the file */
    taxonomy *one = parse_ok("@include default\n@set max-topics 1\n");
    if (one) {
        classify_text(one, "劳模消防\n\n劳模 劳动模范 消防 安全生产", &r);
        CHECK_INT(r.n, 1);
        topic_result_free(&r);
    }
    taxonomy_free(one);
    taxonomy_free(t);
}

static void test_explanation_names_terms(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    topic_result r;
    classify_text(t, per_topic[5].text, &r); /* 帮扶送温暖 */
    CHECK(strncmp(r.explain, "帮扶送温暖 ", strlen("帮扶送温暖 ")) == 0);
    CHECK(strstr(r.explain, "(main): ") != NULL);
    CHECK(strstr(r.explain, "困难职工 ") != NULL);
    CHECK(strstr(r.explain, "(headline, lead, body 1x)") != NULL);
    CHECK(strstr(r.explain, "送温暖") != NULL);
    CHECK(r.explain[strlen(r.explain) - 1] != '\n');
    /* one line per topic, picked topics first */
    int lines = 1;
    for (const char *p = r.explain; *p; p++)
        lines += *p == '\n';
    CHECK(lines >= r.n && lines <= r.n + 2);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_longer_term_masks_contained_one(void)
{
    taxonomy *t = parse_ok("[产]\n产业工人 1\n产业工人队伍建设改革 5\n[文]\n文化 3\n!企业文化\n");
    if (!t)
        return;
    topic_result r;
    classify_text(t, "题\n\n推进产业工人队伍建设改革。", &r);
    CHECK_INT(r.n, 1);
    CHECK(strstr(r.explain, "产业工人队伍建设改革 10.0 (lead, body 1x)") != NULL);
    CHECK(strstr(r.explain, "产业工人 1") == NULL);
    topic_result_free(&r);
    /* the exclusion stops 文化 inside 企业文化, not elsewhere */
    classify_text(t, "题\n\n建设企业文化。", &r);
    CHECK_MSG(r.n == 0, "%s", r.explain);
    topic_result_free(&r);
    classify_text(t, "题\n\n建设企业文化,丰富职工文化生活。", &r);
    CHECK_INT(r.n, 1);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_subheading_counts_more(void)
{
    taxonomy *t = parse_ok("[甲]\n驿站 2\n[乙]\n培训 2\n");
    if (!t)
        return;
    topic_result r;
    /* both terms once in the body; 驿站 also in a subheading (short line, no full stop) */
    classify_text(t,
                  "题\n\n本报讯 今年工会做了很多事。\n\n家门口的驿站\n\n职工可以在驿站休息,"
                  "也参加了培训。",
                  &r);
    CHECK_MSG(r.n >= 1 && !strcmp(pick_name(t, &r, 0), "甲"), "%s", r.explain);
    CHECK(strstr(r.explain, "驿站 4.8 (subheading, body 2x)") != NULL);
    CHECK(strstr(r.explain, "培训 2.0 (body 1x)") != NULL);
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_negative_weight_and_settings(void)
{
    taxonomy *t = parse_ok("@set min-score 1\n[甲]\n竞赛 2\n安康杯 -3\n[乙]\n安康杯 2\n");
    if (!t)
        return;
    topic_result r;
    classify_text(t, "题\n\n安康杯竞赛开赛。", &r);
    CHECK_INT(r.n, 1);
    CHECK_STR(pick_name(t, &r, 0), "乙");
    CHECK(strstr(r.explain, "安康杯 -3.0") == NULL); /* 甲 scores 0 and is not shown */
    topic_result_free(&r);
    classify_text(t, "题\n\n竞赛开赛。", &r);
    CHECK_INT(r.n, 1);
    CHECK_STR(pick_name(t, &r, 0), "甲");
    topic_result_free(&r);
    taxonomy_free(t);
}

static void test_odd_article_views(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    /* invalid UTF-8 and NUL bytes in the text; NULL fields */
    static const char junk[] = "\xff\xfe劳模\0\xc3\n\n劳动模范\xe5\x8a";
    article_view v = {.title = "t", .headline = NULL, .byline = "", .lead = NULL,
                      .text = junk, .text_len = sizeof junk - 1};
    topic_result r;
    CHECK_INT(topics_classify(t, &v, ENRICH_EXPLAIN, &r), 0);
    CHECK(r.explain != NULL);
    topic_result_free(&r);
    /* a headline that is not a prefix of the text */
    article_view w = {.title = "劳模风采", .headline = "劳模风采", .byline = "", .lead = "",
                      .text = "其他\n\n劳动模范的故事。劳动模范。", .text_len = 0};
    w.text_len = strlen(w.text);
    CHECK_INT(topics_classify(t, &w, ENRICH_EXPLAIN, &r), 0);
    CHECK_STR(pick_name(t, &r, 0), "劳模工匠");
    topic_result_free(&r);
    taxonomy_free(t);
}

/* The indexer asks for the decision only: the same picks and scores as
 * with the account, and no account built. */
static void test_decide_only(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    for (size_t i = 0; i < NFS_ARRAY_LEN(per_topic); i++) {
        strbuf buf = {0};
        article_view v;
        article_view_from_text(per_topic[i].text, strlen(per_topic[i].text), &v, &buf);
        topic_result full, quick;
        CHECK_INT(topics_classify(t, &v, ENRICH_EXPLAIN, &full), 0);
        CHECK_INT(topics_classify(t, &v, ENRICH_DECIDE, &quick), 0);
        CHECK(full.explain != NULL);
        CHECK(quick.explain == NULL);
        CHECK_INT(quick.n, full.n);
        for (int k = 0; k < full.n && k < quick.n; k++) {
            CHECK_INT(quick.picks[k].topic, full.picks[k].topic);
            CHECK(quick.picks[k].score == full.picks[k].score);
        }
        topic_result_free(&full);
        topic_result_free(&quick);
        sb_free(&buf);
    }
    taxonomy_free(t);
}

static void test_deterministic(void)
{
    taxonomy *a = default_taxonomy(), *b = default_taxonomy();
    if (!a || !b)
        return;
    for (size_t i = 0; i < NFS_ARRAY_LEN(per_topic); i++) {
        topic_result x, y, z;
        classify_text(a, per_topic[i].text, &x);
        classify_text(a, per_topic[i].text, &y);
        classify_text(b, per_topic[i].text, &z);
        CHECK_STR(x.explain, y.explain);
        CHECK_STR(x.explain, z.explain);
        CHECK_INT(x.n, z.n);
        for (int k = 0; k < x.n; k++) {
            CHECK_INT(x.picks[k].topic, z.picks[k].topic);
            CHECK(x.picks[k].score == z.picks[k].score);
        }
        topic_result_free(&x);
        topic_result_free(&y);
        topic_result_free(&z);
    }
    CHECK_STR(taxonomy_text(a), taxonomy_text(b));
    taxonomy_free(a);
    taxonomy_free(b);
}

typedef struct {
    const taxonomy *t;
    char *explain[NFS_ARRAY_LEN(per_topic)];
} thread_job;

static void *classify_all(void *arg)
{
    thread_job *job = arg;
    for (int round = 0; round < 50; round++)
        for (size_t i = 0; i < NFS_ARRAY_LEN(per_topic); i++) {
            strbuf buf = {0};
            article_view v;
            topic_result r;
            article_view_from_text(per_topic[i].text, strlen(per_topic[i].text), &v, &buf);
            topics_classify(job->t, &v, ENRICH_EXPLAIN, &r);
            free(job->explain[i]);
            job->explain[i] = r.explain;
            r.explain = NULL;
            topic_result_free(&r);
            sb_free(&buf);
        }
    return NULL;
}

static void test_shared_between_threads(void)
{
    taxonomy *t = default_taxonomy();
    if (!t)
        return;
    thread_job jobs[4] = {{0}};
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].t = t;
        CHECK(pthread_create(&th[i], NULL, classify_all, &jobs[i]) == 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (size_t k = 0; k < NFS_ARRAY_LEN(per_topic); k++)
        for (int i = 1; i < 4; i++)
            CHECK_STR(jobs[i].explain[k], jobs[0].explain[k]);
    for (int i = 0; i < 4; i++)
        for (size_t k = 0; k < NFS_ARRAY_LEN(per_topic); k++)
            free(jobs[i].explain[k]);
    taxonomy_free(t);
}

int main(void)
{
    RUN(test_matcher_overlaps);
    RUN(test_matcher_duplicates_and_bytes);
    RUN(test_matcher_equals_brute_force);
    RUN(test_default_has_14_topics_in_order);
    RUN(test_default_parses_fast);
    RUN(test_format_comments_weights_quotes);
    RUN(test_format_repeated_term_last_wins);
    RUN(test_format_errors_name_file_and_line);
    RUN(test_format_very_long_lines);
    RUN(test_user_file_replaces_default);
    RUN(test_user_file_extends_default);
    RUN(test_load_file_errors);
    RUN(test_each_default_topic);
    RUN(test_multi_topic_article);
    RUN(test_headline_outweighs_passing_mentions);
    RUN(test_weak_evidence_gives_no_topic);
    RUN(test_photo_caption_gets_a_topic);
    RUN(test_at_most_three_topics);
    RUN(test_explanation_names_terms);
    RUN(test_longer_term_masks_contained_one);
    RUN(test_subheading_counts_more);
    RUN(test_negative_weight_and_settings);
    RUN(test_odd_article_views);
    RUN(test_decide_only);
    RUN(test_deterministic);
    RUN(test_shared_between_threads);
    return tl_done();
}
