/* test_search.c - the search engine end to end on a temporary index: the
 * listing of a query equals a brute-force "substring of a line after
 * folding" scan, operators and field filters, malformed queries, ranking,
 * huge result sets, single-article checks and snippets. */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include "index.h"
#include "nfs.h"
#include "search.h"
#include "testlib.h"
#include "tokenizer.h"

/* ---- the fixture index ---- */

typedef struct {
    int64_t id;
    char *text;
    char *headline;
    int region;
    char date[16];
    char topics[128];
} fx_article;

static fx_article *arts;
static size_t n_arts;
static sqlite3 *db;
static sqlite3 *helper; /* set: listings run split in two (search_execute_split) */
static char db_path[64];
static taxonomy *tax;
static search_env env;

static const char *topic_names[] = {"劳模工匠", "安全生产", "技能提升"};

static sqlite3 *new_db(char *path)
{
    strcpy(path, "/tmp/nfs-search-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    close(fd);
    unlink(path);
    sqlite3 *d;
    nfs_err err;
    if (index_open_db(path, 0, &d, &err) != 0) {
        fprintf(stderr, "  %s\n", err.msg);
        return NULL;
    }
    sqlite3_exec(d,
                 "INSERT INTO sources(id, path, issue, size, mtime_ns, hash, indexed_at)"
                 " VALUES(1, '/corpus/2020-11-23.txt', '2020-11-23', 0, 0, '', 0)",
                 NULL, NULL, NULL);
    return d;
}

static int insert_article(sqlite3 *d, int64_t id, const char *headline, const char *text,
                          int region, const char *date)
{
    static const char *sql =
        "INSERT INTO articles(id, source_id, seq, kind, name, vname, title, headline, blocks,"
        " mtime, size, region, date) VALUES(?1, 1, ?1, 'article', ?2, ?3, ?4, ?4, '', 0,"
        " length(?5), ?6, ?7)";
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(d, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    char name[64], vname[64];
    snprintf(name, sizeof name, "%02lld article.txt", (long long)id);
    snprintf(vname, sizeof vname, "2020-11-23 article %lld.txt", (long long)id);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, vname, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, headline, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 6, region);
    if (date && *date && strcmp(date, "-"))
        sqlite3_bind_text(st, 7, date, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, 7);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_finalize(st);
    /* the text goes apart (index.h), then into fts as the indexer does */
    if (rc == 0 && sqlite3_prepare_v2(d, "INSERT INTO article_texts(id, text) VALUES(?1, ?2)", -1,
                                      &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    nfs_err err;
    if (rc == 0 && index_fts_add_after(d, id - 1, &err) != 0) {
        fprintf(stderr, "  %s\n", err.msg);
        rc = -1;
    }
    if (rc)
        fprintf(stderr, "  insert: %s\n", sqlite3_errmsg(d));
    return rc;
}

/* Parse tests/fixtures/search/articles.txt (format in its header). */
static int load_fixture(void)
{
    size_t len;
    char *all = tl_slurp(tl_fixture("search/articles.txt"), &len);
    if (!all)
        return -1;
    size_t cap = 0;
    char *p = strstr(all, "\n=== ");
    while (p) {
        p += 1;
        char *meta_end = strchr(p, '\n');
        char *next = strstr(meta_end, "\n=== ");
        char *body_end = next ? next : all + len;
        fx_article a = {0};
        a.id = (int64_t)n_arts + 1;
        char meta[256];
        snprintf(meta, sizeof meta, "%.*s", (int)(meta_end - p), p);
        char *r = strstr(meta, "region="), *d = strstr(meta, "date="), *t = strstr(meta, "topics=");
        a.region = r ? atoi(r + 7) : 0;
        if (d)
            sscanf(d + 5, "%15s", a.date);
        if (t)
            sscanf(t + 7, "%127s", a.topics);
        const char *b = meta_end + 1;
        size_t n = (size_t)(body_end - b);
        while (n && b[n - 1] == '\n')
            n--;
        a.text = nfs_xstrndup(b, n);
        const char *blank = strstr(a.text, "\n\n");
        a.headline = nfs_xstrndup(a.text, blank ? (size_t)(blank - a.text) : strlen(a.text));
        NFS_VEC_PUSH(arts, n_arts, cap, a);
        p = next;
    }
    free(all);
    return n_arts ? 0 : -1;
}

static int setup(void)
{
    if (load_fixture() != 0) {
        fprintf(stderr, "cannot read the fixture %s\n", tl_fixture("search/articles.txt"));
        return -1;
    }
    db = new_db(db_path);
    if (!db)
        return -1;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t i = 0; i < NFS_ARRAY_LEN(topic_names); i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "INSERT INTO topics(id, name) VALUES(%zu, '%s')", i + 1,
                 topic_names[i]);
        sqlite3_exec(db, sql, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < n_arts; i++) {
        if (insert_article(db, arts[i].id, arts[i].headline, arts[i].text, arts[i].region,
                           arts[i].date) != 0)
            return -1;
        for (size_t k = 0; k < NFS_ARRAY_LEN(topic_names); k++) {
            if (strstr(arts[i].topics, topic_names[k])) {
                char sql[160];
                snprintf(sql, sizeof sql,
                         "INSERT INTO article_topics(topic_id, article_id, rank, score)"
                         " VALUES(%zu, %lld, 0, 1)",
                         k + 1, (long long)arts[i].id);
                sqlite3_exec(db, sql, NULL, NULL, NULL);
            }
        }
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    const char *tax_text = "[劳模工匠]\n劳模 3\n[安全生产]\n安全 3\n[技能提升]\n技能 3\n";
    nfs_err err;
    if (taxonomy_parse(tax_text, strlen(tax_text), "test", &tax, &err) != 0) {
        fprintf(stderr, "taxonomy: %s\n", err.msg);
        return -1;
    }
    env.tax = tax;
    env.gaz = NULL;
    return 0;
}

/* ---- running queries ---- */

typedef struct {
    int64_t *ids;
    size_t n;
    int ok;
    char err[1024];
} listing;

static void listing_free(listing *l)
{
    free(l->ids);
    memset(l, 0, sizeof *l);
}

/* The listing of a query given as directory names (NULL-terminated). */
static listing run_parts(const char *const *parts, size_t n_parts)
{
    listing l = {0};
    search_query *q;
    nfs_err err;
    if (search_parse(&env, parts, n_parts, &q, &err) != 0) {
        snprintf(l.err, sizeof l.err, "%s", err.msg);
        return l;
    }
    search_results *r;
    int rc = helper ? search_execute_split(db, helper, q, &r, &err)
                    : search_execute(db, q, &r, &err);
    if (rc != 0) {
        snprintf(l.err, sizeof l.err, "execute: %.1000s", err.msg);
        search_query_free(q);
        return l;
    }
    size_t cap = 0;
    int64_t id;
    int g;
    for (uint64_t pos = 0; (g = search_results_get(r, pos, &id)) == 1; pos++)
        NFS_VEC_PUSH(l.ids, l.n, cap, id);
    l.ok = g == 0 && search_results_count(r) == l.n;
    if (!l.ok)
        snprintf(l.err, sizeof l.err, "get %d, count %llu, listed %zu", g,
                 (unsigned long long)search_results_count(r), l.n);
    search_results_free(r);
    search_query_free(q);
    return l;
}

static listing run(const char *query)
{
    return run_parts(&query, 1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The listing of query run whole and split in two (helper set) agree,
 * positions and order. Returns whether both ran; *n: how many listed. */
static int check_split_same(const char *query, const char *label, size_t *n)
{
    sqlite3 *h = helper;
    helper = NULL;
    listing one = run(query);
    helper = h;
    listing two = run(query);
    CHECK_MSG(one.ok == two.ok && one.n == two.n &&
                  (!one.n || !memcmp(one.ids, two.ids, one.n * sizeof *one.ids)),
              "%s (%s): %zu vs %zu listed", query, label, one.n, two.n);
    int ok = one.ok && two.ok;
    *n = one.n;
    listing_free(&one);
    listing_free(&two);
    return ok;
}

/* The ids as a sorted, comma-separated string, for comparisons. */
static char *id_set(const int64_t *ids, size_t n)
{
    int64_t *s = nfs_xmalloc((n ? n : 1) * sizeof *s);
    if (n)
        memcpy(s, ids, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_i64);
    strbuf sb = {0};
    sb_puts(&sb, "");
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%lld", i ? "," : "", (long long)s[i]);
    free(s);
    return sb_steal(&sb);
}

/* Articles with a line containing q, both folded (the "grep" oracle). */
static char *oracle(const char *q, int headline_only)
{
    size_t qn;
    char *fq = nfs_fold(q, strlen(q), &qn);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < n_arts; i++) {
        const char *t = headline_only ? arts[i].headline : arts[i].text;
        int found = 0;
        while (*t && !found) {
            const char *eol = strchr(t, '\n');
            size_t ll = eol ? (size_t)(eol - t) : strlen(t), fl;
            char *fline = nfs_fold(t, ll, &fl);
            found = strstr(fline, fq) != NULL;
            free(fline);
            t += ll + (eol ? 1 : 0);
        }
        if (found)
            NFS_VEC_PUSH(ids, n, cap, arts[i].id);
    }
    char *s = id_set(ids, n);
    free(ids);
    free(fq);
    return s;
}

/* The query lists exactly the ids in want ("1,2,3"), in any order. */
#define CHECK_SET(query, want)                                                        \
    do {                                                                              \
        listing l_ = run(query);                                                      \
        CHECK_MSG(l_.ok, "%s: %s", query, l_.err);                                    \
        char *s_ = id_set(l_.ids, l_.n);                                              \
        CHECK_MSG(!strcmp(s_, want), "%s: got {%s}, want {%s}", query, s_, want);     \
        free(s_);                                                                     \
        listing_free(&l_);                                                            \
    } while (0)

#define CHECK_ORACLE(query, text, headline)                                           \
    do {                                                                              \
        char *w_ = oracle(text, headline);                                            \
        CHECK_SET(query, w_);                                                         \
        free(w_);                                                                     \
    } while (0)

/* The query is rejected with a message. */
#define CHECK_ERROR(query, fragment)                                                  \
    do {                                                                              \
        listing l_ = run(query);                                                      \
        CHECK_MSG(!l_.ok && l_.err[0] && strstr(l_.err, fragment), "%s: ok=%d err='%s'", \
                  query, l_.ok, l_.err);                                              \
        listing_free(&l_);                                                            \
    } while (0)

/* Ids of the fixture articles satisfying a predicate. */
static char *ids_where(int (*pred)(const fx_article *))
{
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < n_arts; i++)
        if (pred(&arts[i]))
            NFS_VEC_PUSH(ids, n, cap, arts[i].id);
    char *s = id_set(ids, n);
    free(ids);
    return s;
}

/* ---- the property: search == grep after folding ---- */

/* Runs of Han characters of the fixture. */
static void han_runs(char ***out, size_t *n_out)
{
    size_t cap = 0;
    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < n_arts; i++) {
        const char *t = arts[i].text;
        size_t len = strlen(t), j = 0;
        while (j < len) {
            uint32_t cp;
            size_t k = utf8_decode(t + j, len - j, &cp);
            if (!(cp >= 0x4E00 && cp <= 0x9FFF)) {
                j += k;
                continue;
            }
            size_t start = j;
            while (j < len && (k = utf8_decode(t + j, len - j, &cp)) && cp >= 0x4E00 &&
                   cp <= 0x9FFF)
                j += k;
            NFS_VEC_PUSH(*out, *n_out, cap, nfs_xstrndup(t + start, j - start));
        }
    }
}

/* simplified -> one traditional form, from the folding table */
static uint32_t to_traditional(uint32_t cp)
{
    extern const unsigned char nfs_data_t2s_txt[];
    extern const unsigned long nfs_data_t2s_txt_len;
    const char *p = (const char *)nfs_data_t2s_txt, *end = p + nfs_data_t2s_txt_len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (*p != '#') {
            char *q;
            unsigned long from = strtoul(p, &q, 16), to = strtoul(q, &q, 16);
            if (to == cp)
                return (uint32_t)from;
        }
        p = eol + 1;
    }
    return cp;
}

static char *traditional(const char *s)
{
    strbuf sb = {0};
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        char buf[4];
        sb_append(&sb, buf, utf8_encode(to_traditional(cp), buf));
    }
    return sb_steal(&sb);
}

static void test_substrings_equal_grep(void)
{
    char **runs;
    size_t n_runs;
    han_runs(&runs, &n_runs);
    CHECK(n_runs > 50);
    unsigned seed = 20261121;
    static const int lens[] = {1, 2, 2, 3, 4, 6};
    int checked = 0, traditional_differs = 0;
    for (int i = 0; i < 600 && n_runs; i++) {
        const char *r = runs[rand_r(&seed) % n_runs];
        size_t chars = utf8_count(r, strlen(r));
        int k = lens[rand_r(&seed) % NFS_ARRAY_LEN(lens)];
        if ((size_t)k > chars)
            continue;
        size_t start = rand_r(&seed) % (chars - (size_t)k + 1);
        /* byte range of characters [start, start+k) (all 3-byte) */
        char *q = nfs_xstrndup(r + start * 3, (size_t)k * 3);
        char *want = oracle(q, 0);
        CHECK_SET(q, want);
        /* the same query written in traditional characters */
        char *tq = traditional(q);
        if (strcmp(tq, q)) {
            traditional_differs++;
            CHECK_SET(tq, want);
        }
        free(tq);
        free(want);
        free(q);
        checked++;
    }
    CHECK(checked > 400);
    CHECK(traditional_differs > 50);
    for (size_t i = 0; i < n_runs; i++)
        free(runs[i]);
    free(runs);
}

static void test_one_character(void)
{
    CHECK_ORACLE("工", "工", 0);
    CHECK_ORACLE("長", "长", 0);
    CHECK_ORACLE("书", "书", 0);
    CHECK_ORACLE("書", "书", 0);
    CHECK_ORACLE("旱", "旱", 0); /* nowhere */
    CHECK_ORACLE("title:工", "工", 1);
}

static void test_traditional_equals_simplified(void)
{
    static const char *pairs[][2] = {{"長春", "长春"}, {"總工會", "总工会"}, {"勞動模範", "劳动模范"},
                                     {"書法", "书法"}};
    for (size_t i = 0; i < NFS_ARRAY_LEN(pairs); i++) {
        listing a = run(pairs[i][0]), b = run(pairs[i][1]);
        CHECK(a.ok && b.ok);
        CHECK_INT(a.n, b.n);
        CHECK(a.n > 0);
        /* the same list in the same order */
        CHECK(a.n == b.n && !memcmp(a.ids, b.ids, a.n * sizeof *a.ids));
        listing_free(&a);
        listing_free(&b);
    }
}

static void test_no_match_across_punctuation(void)
{
    /* "长春。工会。" must not match 春工 (grep would not either) */
    CHECK_ORACLE("春工", "春工", 0);
    CHECK_ORACLE("会长春", "会长春", 0); /* does cross words: a substring */
    CHECK_ORACLE("工会长春劳模", "工会长春劳模", 0);
    CHECK_SET("春工", "");
}

static void test_words_and_numbers(void)
{
    /* Latin letters and digits are whole words, case-folded, NFKC */
    CHECK_ORACLE("ABC", "abc", 0);
    CHECK_ORACLE("abc", "abc", 0);
    CHECK_ORACLE("ＡＢＣ", "abc", 0);
    CHECK_ORACLE("5G", "5g", 0);
    CHECK_ORACLE("5g网络", "5g网络", 0);
    CHECK_ORACLE("wifi", "wifi", 0);
    CHECK_ORACLE("第5届", "第5届", 0);
    CHECK_ORACLE("5届", "5届", 0);
    CHECK_ORACLE("2024年", "2024年", 0);
    CHECK_ORACLE("5G网", "5g网", 0);
    CHECK_ORACLE("5G基", "5g基", 0);
    CHECK_ORACLE("到11月", "到11月", 0);
    CHECK_ORACLE("第一期", "第一期", 0);
    CHECK_ORACLE("年11月", "年11月", 0);
    CHECK_ORACLE("straße", "strasse", 0);
    CHECK_ORACLE("STRASSE", "strasse", 0);
    CHECK_ORACLE("café", "café", 0);
    /* whole words: a part of a number or word does not match */
    CHECK_SET("202", "");
    CHECK_SET("cafe", "");
}

/* ---- operators ---- */

static void test_operators(void)
{
    listing la = run("长春"), lb = run("工会");
    listing both = run("长春 工会"), either = run("长春 OR 工会"), only = run("长春 -工会");
    CHECK(la.ok && lb.ok && both.ok && either.ok && only.ok);
    /* AND = intersection, OR = union, - = difference */
    size_t n_a = 0, n_b = 0, n_ab = 0;
    for (size_t i = 0; i < n_arts; i++) {
        int64_t id = arts[i].id;
        int in_a = 0, in_b = 0, in_both = 0, in_either = 0, in_only = 0;
        for (size_t k = 0; k < la.n; k++)
            in_a |= la.ids[k] == id;
        for (size_t k = 0; k < lb.n; k++)
            in_b |= lb.ids[k] == id;
        for (size_t k = 0; k < both.n; k++)
            in_both |= both.ids[k] == id;
        for (size_t k = 0; k < either.n; k++)
            in_either |= either.ids[k] == id;
        for (size_t k = 0; k < only.n; k++)
            in_only |= only.ids[k] == id;
        n_a += in_a;
        n_b += in_b;
        n_ab += in_a && in_b;
        CHECK_MSG(in_both == (in_a && in_b), "AND, article %lld", (long long)id);
        CHECK_MSG(in_either == (in_a || in_b), "OR, article %lld", (long long)id);
        CHECK_MSG(in_only == (in_a && !in_b), "-, article %lld", (long long)id);
    }
    CHECK(n_ab > 0 && n_a > n_ab && n_b > n_ab);
    listing_free(&la);
    listing_free(&lb);
    listing_free(&both);
    listing_free(&either);
    listing_free(&only);

    /* the other spellings of the same operators */
    listing x = run("长春 工会"), y = run("长春 AND 工会"), z = run("(长春) (工会)");
    char *sx = id_set(x.ids, x.n), *sy = id_set(y.ids, y.n), *sz = id_set(z.ids, z.n);
    CHECK_STR(sy, sx);
    CHECK_STR(sz, sx);
    free(sx), free(sy), free(sz);
    listing_free(&x), listing_free(&y), listing_free(&z);
    listing n1 = run("长春 -工会"), n2 = run("长春 NOT 工会");
    char *s1 = id_set(n1.ids, n1.n), *s2 = id_set(n2.ids, n2.n);
    CHECK_STR(s2, s1);
    free(s1), free(s2);
    listing_free(&n1), listing_free(&n2);

    /* nested directories are ANDed */
    const char *parts[] = {"长春", "工会"};
    listing p = run_parts(parts, 2), q = run("长春 工会");
    char *sp = id_set(p.ids, p.n), *sq = id_set(q.ids, q.n);
    CHECK_STR(sp, sq);
    free(sp), free(sq);
    listing_free(&p), listing_free(&q);

    /* grouping: (沈阳 OR 嘉兴) 工会 */
    listing g = run("(沈阳 OR 嘉兴) 工会"), g1 = run("沈阳 工会"), g2 = run("嘉兴 工会");
    CHECK(g.ok && g.n == g1.n + g2.n && g.n > 0);
    listing_free(&g), listing_free(&g1), listing_free(&g2);

    /* double negation */
    CHECK_ORACLE("--长春", "长春", 0);
}

static void test_phrases(void)
{
    /* a quoted phrase with punctuation inside is a phrase of its words */
    CHECK_ORACLE("\"会员卡升级\"", "会员卡升级", 0);
    CHECK_ORACLE("“会员卡升级”", "会员卡升级", 0);
    CHECK_ORACLE("\"劳模精神、劳动精神\"", "劳模精神、劳动精神", 0);
    CHECK_ORACLE("\"Straße und\"", "no such text", 0);
    /* an unclosed quote is an error */
    CHECK_ERROR("\"会员卡升级", "never closed");
    CHECK_ERROR("“会员卡升级", "never closed");
    /* inside a phrase, white space and punctuation separate words; any
     * separator matches any other; a lone last character is a prefix */
    CHECK_SET("\"春节前夕 长\"", "20");
    CHECK_SET("\"春节前夕 长春市总工会\"", "20");
    CHECK_SET("\"会员卡 升\"", "");
}

static int has_headline_gonghui(const fx_article *a)
{
    size_t n;
    char *f = nfs_fold(a->headline, strlen(a->headline), &n);
    int r = strstr(f, "工会") != NULL;
    free(f);
    return r;
}

static void test_title(void)
{
    char *want = ids_where(has_headline_gonghui);
    CHECK_SET("title:工会", want);
    CHECK_SET("标题:工会", want);
    CHECK_SET("TITLE:工會", want);
    CHECK_SET("title:\"工会\"", want);
    free(want);
    listing a = run("title:(工会 OR 职工)"), b = run("title:工会"), c = run("title:职工");
    CHECK(a.ok && a.n >= b.n && a.n >= c.n && a.n <= b.n + c.n && c.n > 0);
    listing_free(&a), listing_free(&b), listing_free(&c);
    CHECK_ERROR("title:", "title:");
    CHECK_ERROR("title: 工会", "title:");
    CHECK_ERROR("title:(date:2020)", "title:");
}

/* ---- field filters ---- */

static int region_in_220100(const fx_article *a)
{
    return a->region >= 220100 && a->region <= 220199;
}
static int region_in_220000(const fx_article *a)
{
    return a->region >= 220000 && a->region <= 229999;
}
static int region_220104(const fx_article *a)
{
    return a->region == 220104;
}
static int region_national(const fx_article *a)
{
    return a->region == 0;
}

static void test_region(void)
{
    char *w;
    CHECK_SET("region:220100", w = ids_where(region_in_220100));
    free(w);
    CHECK_SET("region:220000", w = ids_where(region_in_220000));
    free(w);
    CHECK_SET("region:220104", w = ids_where(region_220104));
    free(w);
    CHECK_SET("region:全国", w = ids_where(region_national));
    free(w);
    CHECK_SET("地区:220104", w = ids_where(region_220104));
    free(w);
    /* with text */
    listing l = run("工会 region:220000"), t = run("工会");
    CHECK(l.ok && l.n > 0 && l.n < t.n);
    for (size_t i = 0; i < l.n; i++) {
        int ok = 0;
        for (size_t k = 0; k < n_arts; k++)
            ok |= arts[k].id == l.ids[i] && region_in_220000(&arts[k]);
        CHECK(ok);
    }
    listing_free(&l), listing_free(&t);
    /* names need the gazetteer; without one, a clear error */
    CHECK_ERROR("region:长春", "region:");
    CHECK_ERROR("region:", "region:");
    /* with the gazetteer (whatever it knows today): unknown places fail */
    gazetteer *g;
    nfs_err err;
    if (gaz_open(&g, &err) == 0) {
        search_env e = {g, tax};
        const char *q = "region:没有这个地方";
        search_query *sq;
        CHECK(search_parse(&e, &q, 1, &sq, &err) != 0);
        CHECK(strstr(err.msg, "unknown") != NULL);
        uint32_t code = gaz_find(g, "长春市");
        if (code) { /* the real gazetteer: a name resolves to its code */
            q = "region:长春市";
            CHECK(search_parse(&e, &q, 1, &sq, &err) == 0);
            search_query_free(sq);
        }
        gaz_close(g);
    }
}

static int topic_labor(const fx_article *a)
{
    return strstr(a->topics, "劳模工匠") != NULL;
}
static int topic_labor_not_skill(const fx_article *a)
{
    return strstr(a->topics, "劳模工匠") && !strstr(a->topics, "技能提升");
}

static void test_topic(void)
{
    char *w;
    CHECK_SET("topic:劳模工匠", w = ids_where(topic_labor));
    free(w);
    CHECK_SET("主题:劳模工匠 -topic:技能提升", w = ids_where(topic_labor_not_skill));
    free(w);
    CHECK_ERROR("topic:体育", "unknown topic");
    CHECK_ERROR("topic:体育", "劳模工匠, 安全生产, 技能提升");
    search_env no_tax = {NULL, NULL};
    const char *q = "topic:劳模工匠";
    search_query *sq;
    nfs_err err;
    CHECK(search_parse(&no_tax, &q, 1, &sq, &err) != 0 && strstr(err.msg, "topic"));
}

static const char *date_lo, *date_hi;
static int date_between(const fx_article *a)
{
    if (!a->date[0] || !strcmp(a->date, "-"))
        return 0;
    return strcmp(a->date, date_lo) >= 0 && strncmp(a->date, date_hi, strlen(date_hi)) <= 0;
}
static int undated_or_not_2020(const fx_article *a)
{
    return !a->date[0] || !strcmp(a->date, "-") || strncmp(a->date, "2020", 4) != 0;
}

#define CHECK_DATE(query, lo, hi)                                                     \
    do {                                                                              \
        date_lo = lo, date_hi = hi;                                                   \
        char *w_ = ids_where(date_between);                                           \
        CHECK_SET(query, w_);                                                         \
        free(w_);                                                                     \
    } while (0)

static void test_date(void)
{
    CHECK_DATE("date:2020", "2020", "2020");
    CHECK_DATE("date:2020-11", "2020-11", "2020-11");
    CHECK_DATE("date:2020-11-23", "2020-11-23", "2020-11-23");
    CHECK_DATE("date:2020-01..2020-11", "2020-01", "2020-11");
    CHECK_DATE("date:2020-1..2020-11", "2020-01", "2020-11");
    CHECK_DATE("date:2020/11/23", "2020-11-23", "2020-11-23");
    CHECK_DATE("date:2020年11月", "2020-11", "2020-11");
    CHECK_DATE("date:2020年11月23日", "2020-11-23", "2020-11-23");
    CHECK_DATE("日期:2021", "2021", "2021");
    CHECK_DATE("date:..2019", "0000", "2019");
    CHECK_DATE("date:2024..", "2024", "9999");
    CHECK_DATE("date:2020-11-24..2020-12", "2020-11-24", "2020-12");
    /* a month-precise date is not within a day */
    CHECK_SET("date:2020-11-01..2020-11-30", "1,2,26");
    char *w = ids_where(undated_or_not_2020);
    CHECK_SET("-date:2020", w);
    free(w);
    CHECK_ERROR("date:2020-13", "date:");
    CHECK_ERROR("date:2020-00-05", "date:");
    CHECK_ERROR("date:2020-11-00", "date:");
    CHECK_ERROR("date:2020-", "date:");
    CHECK_ERROR("date:2020-11-23-1", "date:");
    CHECK_ERROR("date:999", "date:");
    CHECK_ERROR("date:2021-02-29", "date:");
    CHECK_ERROR("date:20201", "date:");
    CHECK_ERROR("date:abc", "date:");
    CHECK_ERROR("date:..", "date:");
    CHECK_ERROR("date:2021..2020", "ends before it starts");
    CHECK_ERROR("date:", "date:");
}

static void test_mixed_filters(void)
{
    /* text OR field: evaluated in SQL */
    listing a = run("region:510100 OR 嘉兴"), b = run("region:510100"), c = run("嘉兴");
    CHECK(a.ok && a.n == b.n + c.n && b.n > 0 && c.n > 0);
    listing_free(&a), listing_free(&b), listing_free(&c);
    /* field-only and negative-only queries list in id order */
    listing d = run("date:2020");
    CHECK(d.ok && d.n > 2);
    for (size_t i = 1; i < d.n; i++)
        CHECK(d.ids[i - 1] < d.ids[i]);
    listing_free(&d);
    listing e = run("-工会"), f = run("工会");
    CHECK(e.ok && e.n + f.n == n_arts);
    for (size_t i = 1; i < e.n; i++)
        CHECK(e.ids[i - 1] < e.ids[i]);
    listing_free(&e), listing_free(&f);
    listing g = run("-工会 -长春"), h = run("工会 OR 长春");
    CHECK(g.ok && g.n + h.n == n_arts);
    listing_free(&g), listing_free(&h);
    /* all three fields with text */
    CHECK_SET("工会 region:220000 date:2020-11 topic:劳模工匠", "1");
    CHECK_SET("职工 region:220000 date:2020-11 topic:劳模工匠", "3");
    CHECK_SET("劳模 (region:210100 OR region:220100) -date:2020-12", "1,26");
}

/* ---- robustness ---- */

static void test_malformed(void)
{
    CHECK_ERROR("", "empty");
    CHECK_ERROR("   ", "empty");
    CHECK_ERROR("OR", "OR");
    CHECK_ERROR("工会 OR", "OR");
    CHECK_ERROR("OR 工会", "OR");
    CHECK_ERROR("工会 OR OR 长春", "OR");
    CHECK_ERROR("AND", "AND");
    CHECK_ERROR("-", "-");
    CHECK_ERROR("工会 -", "-");
    CHECK_ERROR("- 工会", "-");
    CHECK_ERROR("NOT", "NOT");
    CHECK_ERROR("\"\"", "nothing to search");
    CHECK_ERROR("\"", "never closed");
    CHECK_ERROR("\"\"", "nothing to search");
    CHECK_ERROR("，。！", "nothing to search");
    CHECK_ERROR("* ^ +", "nothing to search");
    CHECK_ERROR("工会 ，", "nothing to search");
    CHECK_ERROR("()", "empty parentheses");
    CHECK_ERROR("(工会", "(");
    CHECK_ERROR("工会)", ")");
    CHECK_ERROR("工会\x01", "control");
    CHECK_ERROR("工会\t长春", "control");
    CHECK_ERROR("\xff\xfe", "UTF-8");
    CHECK_ERROR("工\xe4", "UTF-8");
    CHECK_ERROR("unknown:x title:", "unknown field 'unknown:'");
    CHECK_ERROR("author:张三", "unknown field");
    CHECK_ORACLE("\"author:张三\"", "author:张三", 0);
    CHECK_ORACLE("10:30", "10:30", 0);
    /* too long, too many, too deep */
    strbuf big = {0};
    for (int i = 0; i < 10000; i++)
        sb_puts(&big, "字");
    CHECK_ERROR(big.s, "too long");
    sb_clear(&big);
    for (int i = 0; i < 100; i++)
        sb_puts(&big, "字 ");
    CHECK_ERROR(big.s, "too many");
    sb_clear(&big);
    for (int i = 0; i < 100; i++)
        sb_puts(&big, "(");
    sb_puts(&big, "字");
    for (int i = 0; i < 100; i++)
        sb_puts(&big, ")");
    CHECK_ERROR(big.s, "deep");
    sb_free(&big);
    /* the parts: empty ones add nothing; all empty is an error */
    const char *parts[] = {"", "工会", " "};
    listing l = run_parts(parts, 3), m = run("工会");
    CHECK(l.ok && l.n == m.n);
    listing_free(&l), listing_free(&m);
    const char *empty[] = {"", " "};
    l = run_parts(empty, 2);
    CHECK(!l.ok && strstr(l.err, "empty"));
    listing_free(&l);
    search_query *q;
    nfs_err err;
    CHECK(search_parse(&env, NULL, 0, &q, &err) != 0);
}

/* Every query nested as deeply as the parser accepts runs: the SQL and
 * FTS5 it becomes fit their parsers' stacks. */
static void test_deep_nesting(void)
{
    static const char *patterns[][2] = {
        {"-(region:220100 OR ", ")"}, {"(date:2020 OR -", ")"}, {"-(工会 -", ")"},
        {"(长春 OR (劳模 ", "))"},     {"-(topic:劳模工匠 ", ")"}, {"(-工会 OR title:", ")"},
    };
    for (size_t i = 0; i < NFS_ARRAY_LEN(patterns); i++) {
        int accepted = 0;
        for (int depth = 1; depth < 40; depth++) {
            strbuf q = {0};
            for (int k = 0; k < depth; k++)
                sb_puts(&q, patterns[i][0]);
            sb_puts(&q, "职工");
            for (int k = 0; k < depth; k++)
                sb_puts(&q, patterns[i][1]);
            listing l = run(q.s);
            if (!l.ok) {
                CHECK_MSG(strstr(l.err, "deep") || strstr(l.err, "too many"), "%s: %s", q.s,
                          l.err);
                listing_free(&l);
                sb_free(&q);
                break;
            }
            accepted = depth;
            listing_free(&l);
            sb_free(&q);
        }
        CHECK_MSG(accepted >= 3, "pattern %zu: depth %d", i, accepted);
    }
}

/* Strings that look like FTS5 or SQL syntax are plain text. */
static void test_no_injection(void)
{
    static const char *queries[] = {
        "'; DROP TABLE articles; --", "\" OR 1=1 --", "NEAR(工会 长春)", "工会 NEAR 长春",
        "{headline}:工会", "\"headline:工会\"", "text:工会", "工会*", "^工会", "工会+长春", "a:b:c",
        "\"工会\" \"长春\"\"", "rowid:1", "工会' OR '1'='1", "x\\y", "%工会%", "_工_",
        "工会 AND NOT 长春", "col:(a OR b)", "\"\"\"\"", "\"工会", "“工会", "工会”",
    };
    for (size_t i = 0; i < NFS_ARRAY_LEN(queries); i++) {
        listing l = run(queries[i]);
        /* either a listing or a readable error, never an SQL/FTS5 error */
        CHECK_MSG(l.ok || (l.err[0] && !strstr(l.err, "execute")), "%s: %s", queries[i], l.err);
        listing_free(&l);
    }
    CHECK_ORACLE("\"headline:工会\"", "headline:工会", 0);
    CHECK_ERROR("headline:工会", "unknown field");
    CHECK_ORACLE("工会*", "工会", 0);
    CHECK_ORACLE("工会+长春", "工会+长春", 0);
    listing all = run("工");
    CHECK(all.ok && all.n > 10);
    listing_free(&all);
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(db, "SELECT count(*) FROM articles", -1, &st, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == (int)n_arts);
    sqlite3_finalize(st);
}

/* Random strings over the query syntax: parsing never crashes, and every
 * query that parses runs. */
static void test_random_queries(void)
{
    static const char *pieces[] = {
        "工会", "长春", "長", "劳", " ", " ", "OR", "AND", "NOT", "-", "\"", "“", "”", "(", ")",
        "title:", "region:", "topic:", "date:", "2020", "..", "220100", "劳模工匠", "*", "^",
        ":", "'", ";", "，", "abc", "\xff", "\x01", "全国", "{", "}", "+", "NEAR", "～"};
    unsigned seed = 99;
    int parsed = 0, failed_exec = 0;
    for (int i = 0; i < 3000; i++) {
        strbuf sb = {0};
        int n = 1 + (int)(rand_r(&seed) % 8);
        for (int k = 0; k < n; k++)
            sb_puts(&sb, pieces[rand_r(&seed) % NFS_ARRAY_LEN(pieces)]);
        listing l = run(sb.s);
        if (l.ok)
            parsed++;
        else if (!l.err[0] || strstr(l.err, "execute") || strstr(l.err, "get")) {
            failed_exec++;
            fprintf(stderr, "    '%s': %s\n", sb.s, l.err);
        }
        listing_free(&l);
        sb_free(&sb);
    }
    CHECK_INT(failed_exec, 0);
    CHECK(parsed > 300);
}

/* ---- ranking, matches, snippets ---- */

static void test_headline_first(void)
{
    listing l = run("工会");
    CHECK(l.ok && l.n > 5);
    int seen_body_only = 0, bad = 0, n_head = 0;
    for (size_t i = 0; i < l.n; i++) {
        const fx_article *a = &arts[l.ids[i] - 1];
        int head = has_headline_gonghui(a);
        n_head += head;
        if (!head)
            seen_body_only = 1;
        else if (seen_body_only)
            bad++;
    }
    CHECK(n_head > 2);
    CHECK_INT(bad, 0);
    listing_free(&l);
}

static void test_matches(void)
{
    static const char *queries[] = {"工会",          "長春 工会",      "长春 -工会",
                                    "工",            "title:工会",      "region:220000 劳模",
                                    "date:2020",     "-工会",           "嘉兴 OR region:510100",
                                    "topic:劳模工匠", "\"会员卡 升\""};
    for (size_t i = 0; i < NFS_ARRAY_LEN(queries); i++) {
        search_query *q;
        nfs_err err;
        CHECK(search_parse(&env, &queries[i], 1, &q, &err) == 0);
        listing l = run(queries[i]);
        for (size_t k = 0; k < n_arts; k++) {
            int listed = 0;
            for (size_t j = 0; j < l.n; j++)
                listed |= l.ids[j] == arts[k].id;
            int m = search_matches(db, q, arts[k].id);
            CHECK_MSG(m == listed, "%s, article %lld: matches %d, listed %d", queries[i],
                      (long long)arts[k].id, m, listed);
        }
        CHECK_INT(search_matches(db, q, 999999), 0);
        listing_free(&l);
        search_query_free(q);
    }
}

static void test_snippets(void)
{
    search_query *q;
    nfs_err err;
    const char *text = "長春 工会";
    CHECK(search_parse(&env, &text, 1, &q, &err) == 0);
    strbuf out = {0};
    CHECK(search_snippets(db, q, 3, &out, &err) == 0);
    CHECK(out.s != NULL);
    if (out.s) {
        /* rank<TAB>issue/name<TAB>snippet, three lines, matches in [ ] */
        int lines = 0;
        for (char *p = out.s; *p; p++)
            lines += *p == '\n';
        CHECK_INT(lines, 3);
        CHECK(!strncmp(out.s, "1\t2020-11-23/", 13));
        CHECK(strstr(out.s, "[长春]") || strstr(out.s, "[長春]"));
        CHECK(strstr(out.s, "[工会]") || strstr(out.s, "[工會]"));
        char *second = strchr(out.s, '\n') + 1;
        CHECK(!strncmp(second, "2\t", 2));
    }
    /* all results (0 = no limit), one line each */
    sb_clear(&out);
    CHECK(search_snippets(db, q, 0, &out, &err) == 0);
    listing l = run(text);
    int lines = 0;
    for (char *p = out.s; p && *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, l.n);
    listing_free(&l);
    search_query_free(q);
    /* a field-only query shows the start of the article */
    const char *field = "date:2020-11-23";
    CHECK(search_parse(&env, &field, 1, &q, &err) == 0);
    sb_clear(&out);
    CHECK(search_snippets(db, q, 0, &out, &err) == 0);
    CHECK(out.s && strstr(out.s, "1\t2020-11-23/01 article.txt\t长春市总工会表彰"));
    search_query_free(q);
    /* a one-character query: its first place in context, highlighted, also
     * when the article has the traditional form */
    const char *one = "會";
    CHECK(search_parse(&env, &one, 1, &q, &err) == 0);
    sb_clear(&out);
    CHECK(search_snippets(db, q, 0, &out, &err) == 0);
    CHECK_MSG(out.s && (strstr(out.s, "[会]") || strstr(out.s, "[會]")), "%s", out.s);
    int n_lines = 0, n_marked = 0;
    for (char *p = out.s; p && *p; p = strchr(p, '\n') + 1) {
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        n_lines++;
        char *open = strchr(p, '[');
        n_marked += open && open < nl;
    }
    CHECK(n_lines > 0 && n_marked == n_lines);
    search_query_free(q);
    sb_free(&out);
}

/* A results object read from another connection (another thread's). */
static void test_other_connection(void)
{
    sqlite3 *db2;
    nfs_err err;
    CHECK(index_open_db(db_path, 1, &db2, &err) == 0);
    search_query *q;
    const char *text = "工会";
    CHECK(search_parse(&env, &text, 1, &q, &err) == 0);
    search_results *r;
    CHECK(search_execute(db, q, &r, &err) == 0);
    search_results_use_db(r, db2);
    int64_t id;
    uint64_t n = 0;
    while (search_results_get(r, n, &id) == 1)
        n++;
    CHECK_INT(n, search_results_count(r));
    CHECK(n > 0);
    search_results_free(r);
    search_query_free(q);
    sqlite3_close(db2);
}

/* ---- huge result sets ---- */

/* Resident memory now, in KiB. */
static long rss_kb(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void test_huge_results(void)
{
    char path[64];
    sqlite3 *big = new_db(path);
    if (!big)
        SKIP("cannot create a database");
    const int N = 50000;
    sqlite3_exec(big, "BEGIN", NULL, NULL, NULL);
    int bad = 0;
    for (int i = 1; i <= N; i++) {
        char text[128], head[64];
        snprintf(head, sizeof head, "%s", i % 100 == 0 ? "工会简讯" : "简讯");
        snprintf(text, sizeof text, "%s\n\n第%d条：工会组织职工活动。", head, i);
        bad += insert_article(big, i, head, text, 220100 + i % 3, i % 2 ? "2020-11-23" : "2021");
    }
    sqlite3_exec(big, "COMMIT", NULL, NULL, NULL);
    CHECK_INT(bad, 0);
    sqlite3 *saved = db;
    db = big;
    long rss0 = rss_kb(), rss_peak = rss0;
    double t0 = nfs_now();
    search_query *q;
    nfs_err err;
    const char *text = "工会";
    CHECK(search_parse(&env, &text, 1, &q, &err) == 0);
    search_results *r;
    CHECK(search_execute(big, q, &r, &err) == 0);
    CHECK_INT(search_results_count(r), N);
    /* every article exactly once: the 500 headline matches first */
    unsigned char *seen = nfs_xcalloc((size_t)N + 1, 1);
    int64_t id;
    uint64_t pos = 0;
    int dup = 0, head_late = 0;
    while (search_results_get(r, pos, &id) == 1) {
        if (id < 1 || id > N || seen[id])
            dup++;
        else
            seen[id] = 1;
        if (pos >= 500 && id % 100 == 0)
            head_late++;
        if (pos % 1000 == 0) {
            long now = rss_kb();
            if (now > rss_peak)
                rss_peak = now;
        }
        pos++;
    }
    double t = nfs_now() - t0;
    CHECK_INT(pos, N);
    CHECK_INT(dup, 0);
    CHECK_INT(head_late, 0);
    /* random access agrees with the sequential order */
    unsigned seed = 5;
    for (int k = 0; k < 200; k++) {
        uint64_t p = rand_r(&seed) % (unsigned)N;
        int64_t a, b;
        search_results_get(r, p, &a);
        search_results_get(r, p + 1 < (uint64_t)N ? p + 1 : p, &b);
        CHECK(a != b || p + 1 >= (uint64_t)N);
        CHECK(a >= 1 && a <= N);
    }
    int64_t last;
    CHECK(search_results_get(r, (uint64_t)N, &last) == 0);
    CHECK(search_results_get(r, (uint64_t)N * 10, &last) == 0);
    /* bounded: the ranked ids, one page, page starts; not the 50,000
     * (the seen[] array of this test is 50 KiB of it; SQLite's page cache
     * of this connection is at most 4 MB) */
    printf("     50,000 matches: executed and all read in %.0f ms; RSS +%ld KiB while reading\n",
           t * 1e3, rss_peak - rss0);
    CHECK(rss_peak - rss0 < 8 * 1024);
    search_results_free(r);
    search_query_free(q);
    free(seen);

    /* the same listing when only a few ids are kept and the rest is read
     * from the index a page at a time */
    listing full = run("工会");
    setenv("NEWSFS_SEARCH_STORE_BYTES", "3000", 1);
    listing paged = run("工会");
    listing paged_date = run("date:2021");
    /* random access, backwards too, in the paged part */
    CHECK(search_parse(&env, &text, 1, &q, &err) == 0);
    CHECK(search_execute(big, q, &r, &err) == 0);
    int wrong = 0;
    for (int k = 0; k < 300; k++) {
        uint64_t p = rand_r(&seed) % (unsigned)N;
        int64_t got;
        if (search_results_get(r, p, &got) != 1 || got != full.ids[p])
            wrong++;
    }
    CHECK_INT(wrong, 0);
    search_results_free(r);
    search_query_free(q);
    unsetenv("NEWSFS_SEARCH_STORE_BYTES");
    CHECK(full.ok && paged.ok && full.n == (size_t)N && paged.n == full.n);
    CHECK(full.n == paged.n && !memcmp(full.ids, paged.ids, full.n * sizeof *full.ids));
    CHECK(paged_date.ok && paged_date.n == (size_t)N / 2);
    listing_free(&full);
    listing_free(&paged);
    listing_free(&paged_date);

    /* field-only and negative-only listings stream too */
    listing d = run("date:2020");
    CHECK(d.ok && d.n == (size_t)N / 2);
    listing_free(&d);
    listing n = run("-简讯 OR region:220102");
    size_t want = 0;
    for (int i = 1; i <= N; i++)
        want += 220100 + i % 3 == 220102;
    CHECK(n.ok && n.n == want);
    listing_free(&n);
    listing s = run("-title:工会");
    CHECK(s.ok && s.n == (size_t)(N - N / 100));
    listing_free(&s);

    /* the pass split in two halves on two connections lists the same, in
     * the same order: ranked part, stored ids, and pages read from the
     * index when the stored ids run out in either half */
    const char *split_queries[] = {"工会", "简讯", "工会 -date:2021", "title:工会 OR 职工",
                                   "date:2021 活动", "第1条", "\"组织职工\"", "罕见词",
                                   "罕见词 OR 第1条"};
    /* matches in the upper half only: there, and not in the lower half,
     * the stored ids run out */
    sqlite3_exec(big, "BEGIN", NULL, NULL, NULL);
    for (int i = N + 1; i <= N + 3000; i++)
        bad += insert_article(big, i, "简讯", "简讯\n\n罕见词出现在后半。", 220101, "2021");
    sqlite3_exec(big, "COMMIT", NULL, NULL, NULL);
    CHECK_INT(bad, 0);
    CHECK(index_open_db(path, 1, &helper, &err) == 0);
    const char *store[] = {NULL, "1000", "3000", "40000"};
    for (size_t k = 0; k < NFS_ARRAY_LEN(store); k++) {
        if (store[k])
            setenv("NEWSFS_SEARCH_STORE_BYTES", store[k], 1);
        for (size_t i = 0; i < NFS_ARRAY_LEN(split_queries); i++) {
            size_t n_matches;
            CHECK(check_split_same(split_queries[i], store[k] ? store[k] : "default store",
                                   &n_matches));
            if (!strcmp(split_queries[i], "罕见词"))
                CHECK_INT(n_matches, 3000);
        }
        unsetenv("NEWSFS_SEARCH_STORE_BYTES");
    }
    sqlite3_close(helper);
    helper = NULL;
    db = saved;
    sqlite3_close(big);
    tl_remove_db(path);
}

/* Every query of the small fixture lists the same split in two. */
static void test_split_equals_single(void)
{
    const char *queries[] = {"工会", "长春", "劳模 工匠", "\"安全生产\"", "工 -会", "title:工会",
                             "region:吉林省 工人", "topic:劳模工匠", "date:2020..2021 职工",
                             "2020年", "OR", "会 OR 职"};
    nfs_err err;
    CHECK(index_open_db(db_path, 1, &helper, &err) == 0);
    size_t n;
    for (size_t i = 0; i < NFS_ARRAY_LEN(queries); i++)
        check_split_same(queries[i], "small fixture", &n);
    sqlite3_close(helper);
    helper = NULL;
}

int main(void)
{
    if (setup() != 0) {
        printf("0 passed, 1 failed, 0 skipped\n");
        return 1;
    }
    RUN(test_substrings_equal_grep);
    RUN(test_split_equals_single);
    RUN(test_one_character);
    RUN(test_traditional_equals_simplified);
    RUN(test_no_match_across_punctuation);
    RUN(test_words_and_numbers);
    RUN(test_operators);
    RUN(test_phrases);
    RUN(test_title);
    RUN(test_region);
    RUN(test_topic);
    RUN(test_date);
    RUN(test_mixed_filters);
    RUN(test_malformed);
    RUN(test_deep_nesting);
    RUN(test_no_injection);
    RUN(test_random_queries);
    RUN(test_headline_first);
    RUN(test_matches);
    RUN(test_snippets);
    RUN(test_other_connection);
    RUN(test_huge_results);
    sqlite3_close(db);
    tl_remove_db(db_path);
    taxonomy_free(tax);
    return tl_done();
}
