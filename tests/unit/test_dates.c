/* test_dates.c - unit tests for the dates module (dates.h): the manifest
 * (format, comments, lookups by relative path and base name, errors with
 * line numbers, no manifest), dates in file names (every form, and names
 * that only look like dates), inference from invented issue texts
 * (tests/fixtures/dates/issue-*.txt), the order of trust, explanations,
 * robustness and speed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dates.h"
#include "testlib.h"

/* ---- helpers ------------------------------------------------------------- */

/* A fresh corpus folder under /tmp holding a manifest with this content. */
static const char *corpus_with_manifest(const char *content, size_t len)
{
    static char dir[256];
    snprintf(dir, sizeof dir, "/tmp/newsfs-test-dates-XXXXXX");
    if (!mkdtemp(dir))
        return NULL;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, DATE_MANIFEST_NAME);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    fwrite(content, 1, len, f);
    fclose(f);
    return dir;
}

static void remove_corpus(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, DATE_MANIFEST_NAME);
    unlink(path);
    rmdir(dir);
}

/* Load a manifest with this content; returns the error message ("" when it
 * loaded) and frees the manifest. */
static const char *manifest_error(const char *content)
{
    static nfs_err err;
    memset(&err, 0, sizeof err);
    const char *dir = corpus_with_manifest(content, strlen(content));
    if (!dir)
        return "(could not create a temporary corpus)";
    date_manifest *m = NULL;
    int rc = date_manifest_load(dir, &m, &err);
    if (rc == 0)
        err.msg[0] = '\0';
    CHECK((rc == 0) == (m != NULL));
    date_manifest_free(m);
    remove_corpus(dir);
    return err.msg;
}

static const char *filename_date(const char *name)
{
    static issue_date d;
    int found = date_from_filename(name, &d);
    CHECK_MSG(found == (d.date[0] != 0), "%s: return value and date disagree", name);
    if (found) {
        CHECK(d.source == DATE_FILENAME);
        CHECK(d.confidence == 1.0f);
        CHECK_MSG(strstr(d.explain, "file name") != NULL, "%s: explain \"%s\"", name, d.explain);
    }
    return d.date;
}

/* Infer the date of a fixture issue text. */
static issue_date infer_fixture(const char *name)
{
    issue_date d;
    memset(&d, 0, sizeof d);
    size_t len = 0;
    char *text = tl_slurp(tl_fixture(name), &len);
    CHECK_MSG(text != NULL, "cannot read fixture %s", tl_fixture(name));
    if (!text)
        return d;
    int found = date_infer_text(text, len, &d);
    CHECK_MSG(found == (d.date[0] != 0), "%s: return value and date disagree", name);
    CHECK_MSG(!found || d.source == DATE_TEXT, "%s: source %d", name, d.source);
    CHECK_MSG(d.confidence >= 0 && d.confidence <= 1, "%s: confidence %f", name, d.confidence);
    CHECK_MSG(d.explain[0] != 0, "%s: no explanation", name);
    free(text);
    return d;
}

static int contains(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

/* ---- the manifest -------------------------------------------------------- */

static void test_manifest_valid(void)
{
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    int rc = date_manifest_load(tl_fixture("dates/manifest-ok"), &m, &err);
    CHECK_MSG(rc == 0, "%s", err.msg);
    if (rc != 0)
        return;
    CHECK_STR(date_manifest_lookup(m, "000_a908ea7bfa3109f3.txt"), "2020-11-23");
    CHECK_STR(date_manifest_page(m, "000_a908ea7bfa3109f3.txt"), "3");
    CHECK_STR(date_manifest_lookup(m, "2021/issue-7.txt"), "2021-02");
    CHECK(date_manifest_page(m, "2021/issue-7.txt") == NULL);
    CHECK_STR(date_manifest_lookup(m, "issue-without-ext.txt"), "2019-06-01");
    CHECK_STR(date_manifest_page(m, "issue-without-ext.txt"), "A2");
    CHECK_STR(date_manifest_lookup(m, "dotted/start.txt"), "2016-12-31"); /* spaces trimmed */
    CHECK(date_manifest_lookup(m, "nothing-like-it.txt") == NULL);
    CHECK(date_manifest_lookup(m, "") == NULL);
    CHECK(date_manifest_lookup(m, NULL) == NULL);
    const char *sig = date_manifest_signature(m);
    CHECK(sig && strlen(sig) > 8);
    date_manifest_free(m);

    /* the same content gives the same signature; another content another */
    date_manifest *again = NULL;
    CHECK(date_manifest_load(tl_fixture("dates/manifest-ok"), &again, &err) == 0);
    char saved[64];
    snprintf(saved, sizeof saved, "%s", date_manifest_signature(again));
    date_manifest_free(again);
    const char *dir = corpus_with_manifest("a.txt\t2020-01-01\n", 17);
    date_manifest *other = NULL;
    CHECK(dir && date_manifest_load(dir, &other, &err) == 0);
    if (other) {
        CHECK(strcmp(saved, date_manifest_signature(other)) != 0);
        CHECK(*date_manifest_signature(other));
    }
    date_manifest_free(other);
    if (dir)
        remove_corpus(dir);
}

static void test_manifest_base_name_and_relative_path(void)
{
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    if (date_manifest_load(tl_fixture("dates/manifest-ok"), &m, &err) != 0) {
        CHECK_MSG(0, "%s", err.msg);
        return;
    }
    /* a base-name entry applies wherever the file is */
    CHECK_STR(date_manifest_lookup(m, "any/dir/000_a908ea7bfa3109f3.txt"), "2020-11-23");
    CHECK_STR(date_manifest_lookup(m, "x/page.txt"), "2017-01-02");
    /* a relative-path entry beats a base-name one, and only matches its path */
    CHECK_STR(date_manifest_lookup(m, "sub/dir/page.txt"), "2018-05-06");
    CHECK_STR(date_manifest_lookup(m, "./sub/dir/page.txt"), "2018-05-06");
    CHECK(date_manifest_lookup(m, "other/issue-7.txt") == NULL);
    CHECK(date_manifest_lookup(m, "issue-7.txt") == NULL);
    /* an entry may leave out the extension */
    CHECK_STR(date_manifest_lookup(m, "deep/issue-without-ext.txt"), "2019-06-01");
    date_manifest_free(m);
}

static void test_manifest_missing_is_empty(void)
{
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    /* the fixture folder itself has no manifest */
    CHECK(date_manifest_load(tl_fixture("dates"), &m, &err) == 0);
    CHECK(m != NULL);
    CHECK(date_manifest_lookup(m, "000_a908ea7bfa3109f3.txt") == NULL);
    CHECK_STR(date_manifest_signature(m), "");
    date_manifest_free(m);
    /* nor has a folder that does not exist */
    m = NULL;
    CHECK(date_manifest_load("/nonexistent/newsfs/corpus", &m, &err) == 0);
    CHECK(m != NULL);
    CHECK_STR(date_manifest_signature(m), "");
    date_manifest_free(m);
    /* NULL is an empty manifest for every function */
    CHECK(date_manifest_lookup(NULL, "a.txt") == NULL);
    CHECK(date_manifest_page(NULL, "a.txt") == NULL);
    CHECK_STR(date_manifest_signature(NULL), "");
    date_manifest_free(NULL);
}

static void test_manifest_malformed_line_numbers(void)
{
    date_manifest *m = (date_manifest *)1;
    nfs_err err = {{0}};
    CHECK(date_manifest_load(tl_fixture("dates/manifest-bad"), &m, &err) == -1);
    CHECK(m == NULL);
    CHECK_MSG(contains(err.msg, "manifest-bad/newsfs-dates.tsv:5:"), "%s", err.msg);
    CHECK_MSG(contains(err.msg, "2020-13-01"), "%s", err.msg);

    const char *e;
    e = manifest_error("# ok\na.txt\t2020-11-23\nb.txt 2020-11-24\n");
    CHECK_MSG(contains(e, "newsfs-dates.tsv:3:") && contains(e, "tab"), "%s", e);
    e = manifest_error("a.txt\t2020/11/23\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "bad date"), "%s", e);
    e = manifest_error("a.txt\t2020-02-30\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "bad date"), "%s", e);
    e = manifest_error("a.txt\t2020-11-23\tpage 3\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "bad page"), "%s", e);
    e = manifest_error("a.txt\t2020-11-23\t3\textra\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "too many"), "%s", e);
    e = manifest_error("\n\n\t2020-11-23\n");
    CHECK_MSG(contains(e, ":3:") && contains(e, "empty file name"), "%s", e);
    e = manifest_error("/abs/a.txt\t2020-11-23\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "relative"), "%s", e);
    e = manifest_error("a.txt\t2020-11-23\nx.txt\t2020-11-24\na.txt\t2020-11-25\n");
    CHECK_MSG(contains(e, ":3:") && contains(e, "line 1"), "%s", e);
    e = manifest_error("a.txt\t\xff\xfe\n");
    CHECK_MSG(contains(e, ":1:") && contains(e, "UTF-8"), "%s", e);
}

static void test_manifest_bom_crlf_trailing_tab(void)
{
    const char text[] = "\xEF\xBB\xBF# dates\r\n2020/a.txt\t2020-11-23\r\nb.txt\t2020-11\t\r\n";
    const char *dir = corpus_with_manifest(text, sizeof text - 1);
    CHECK(dir != NULL);
    if (!dir)
        return;
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(date_manifest_load(dir, &m, &err) == 0, "%s", err.msg);
    CHECK_STR(date_manifest_lookup(m, "2020/a.txt"), "2020-11-23");
    CHECK_STR(date_manifest_lookup(m, "b.txt"), "2020-11");
    CHECK(date_manifest_page(m, "b.txt") == NULL);
    date_manifest_free(m);
    remove_corpus(dir);
}

static void test_manifest_many_entries(void)
{
    strbuf sb = {0};
    for (int i = 0; i < 5000; i++)
        sb_printf(&sb, "%d/issue-%d.txt\t%04d-%02d-%02d\n", 2000 + i % 20, i, 2000 + i % 20,
                  1 + i % 12, 1 + i % 28);
    const char *dir = corpus_with_manifest(sb.s, sb.len);
    sb_free(&sb);
    if (!dir) {
        CHECK(dir != NULL);
        return;
    }
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(date_manifest_load(dir, &m, &err) == 0, "%s", err.msg);
    int ok = 1;
    for (int i = 0; i < 5000; i++) {
        char key[64], want[16];
        snprintf(key, sizeof key, "%d/issue-%d.txt", 2000 + i % 20, i);
        snprintf(want, sizeof want, "%04d-%02d-%02d", 2000 + i % 20, 1 + i % 12, 1 + i % 28);
        const char *got = date_manifest_lookup(m, key);
        ok &= got && strcmp(got, want) == 0;
    }
    CHECK(ok);
    date_manifest_free(m);
    remove_corpus(dir);
}

/* ---- file names ---------------------------------------------------------- */

static void test_filename_forms(void)
{
    CHECK_STR(filename_date("2020-11-23.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020_11_23.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020.11.23.txt"), "2020-11-23");
    CHECK_STR(filename_date("20201123.txt"), "2020-11-23");
    CHECK_STR(filename_date("rmrb20201123-01.txt"), "2020-11-23");
    CHECK_STR(filename_date("grrb_2020-11-23_p03.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020-1-5.txt"), "2020-01-05");
    CHECK_STR(filename_date("工人日报2020年11月23日第3版.txt"), "2020-11-23");
    CHECK_STR(filename_date("1949-10-01.txt"), "1949-10-01");
    CHECK_STR(filename_date("2020-02-29.txt"), "2020-02-29");
}

static void test_filename_directories(void)
{
    CHECK_STR(filename_date("2020/11/23.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020-11/23.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020/1123.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020/11/23/page-04.txt"), "2020-11-23");
    CHECK_STR(filename_date("archive/20201123/03.txt"), "2020-11-23");
    /* only the month */
    CHECK_STR(filename_date("2020-11/page-03.txt"), "2020-11");
    CHECK_STR(filename_date("2020/11/notes.txt"), "2020-11");
    /* the most precise wins, then the one nearest the file's own name */
    CHECK_STR(filename_date("2020-11-23/notes-2020-12.txt"), "2020-11-23");
    CHECK_STR(filename_date("2019-01-01/2020-11-23.txt"), "2020-11-23");
    CHECK_STR(filename_date("2020-11/2020-11-24.txt"), "2020-11-24");
}

static void test_filename_non_dates(void)
{
    CHECK_STR(filename_date("000_a908ea7bfa3109f3.txt"), "");
    CHECK_STR(filename_date("004_2346e4344e25976a.txt"), "");
    CHECK_STR(filename_date("ab20201123cd.txt"), "");          /* inside a hex word */
    CHECK_STR(filename_date("9f3a20201123e7b1c0.txt"), "");    /* a hash */
    CHECK_STR(filename_date("issue-12345678.txt"), "");        /* 8 digits, not a date */
    CHECK_STR(filename_date("20201345.txt"), "");
    CHECK_STR(filename_date("2020-13-45.txt"), "");
    CHECK_STR(filename_date("2020-11-31.txt"), "");
    CHECK_STR(filename_date("2019-02-29.txt"), "");
    CHECK_STR(filename_date("1848-03-01.txt"), "");            /* before 1949 */
    CHECK_STR(filename_date("2101-01-01.txt"), "");            /* after 2100 */
    CHECK_STR(filename_date("123420201123.txt"), "");          /* a longer number */
    CHECK_STR(filename_date("2020-11-2345.txt"), "");
    CHECK_STR(filename_date("issue-2020-1.txt"), "");          /* 2020 issue no. 1 */
    CHECK_STR(filename_date("2019-2020.txt"), "");
    CHECK_STR(filename_date("v2020.txt"), "");
    CHECK_STR(filename_date("page 3.txt"), "");
    CHECK_STR(filename_date(""), "");
    issue_date d;
    CHECK(date_from_filename(NULL, &d) == 0 && d.date[0] == 0);
}

/* ---- text ---------------------------------------------------------------- */

static void test_text_past_year_beside_this_year(void)
{
    /* events on 3月5日..3月9日; 从2016年开始 and 于2020年10月 are history
     * (2020年10月 is after March, and next to 今年), so the year is 2021;
     * 每年3月5日 is a yearly day, not an event */
    issue_date d = infer_fixture("dates/issue-past-year.txt");
    CHECK_STR(d.date, "2021-03-09");
    CHECK(d.confidence >= 0.5f);
    CHECK_MSG(contains(d.explain, "text") && contains(d.explain, "3月9日"), "%s", d.explain);

    d = infer_fixture("dates/issue-lone-days.txt");
    /* 5月16日至18日, then 19日 and 20日 of the same month; 于2020年 written
     * next to 今年 is a past year */
    CHECK_STR(d.date, "2021-05-20");
    CHECK_MSG(contains(d.explain, "2020") && contains(d.explain, "今年"), "%s", d.explain);
}

static void test_text_new_year_issue(void)
{
    /* January events; 截至2022年12月31日 is past, so it is January 2023 */
    issue_date d = infer_fixture("dates/issue-new-year.txt");
    CHECK_STR(d.date, "2023-01-12");
    CHECK(d.confidence >= 0.6f);
    CHECK_MSG(contains(d.explain, "2022年12月31日"), "%s", d.explain);
}

static void test_text_dateline(void)
{
    issue_date d = infer_fixture("dates/issue-dateline.txt");
    CHECK_STR(d.date, "2021-05-14");
    CHECK(d.confidence >= 0.9f);
    CHECK_MSG(contains(d.explain, "dateline"), "%s", d.explain);

    d = infer_fixture("dates/issue-han-dateline.txt"); /* 二〇二一年三月五日 星期五 */
    CHECK_STR(d.date, "2021-03-05");
    CHECK(d.confidence >= 0.9f);

    /* a dateline whose weekday does not fit is not trusted as one (but is
     * still a date of the events) */
    const char *text = "2021年5月15日 星期五\n\n5月12日,某厂召开职代会。5月13日,职工代表发言。\n";
    d.date[0] = 0;
    date_infer_text(text, strlen(text), &d);
    CHECK_STR(d.date, "2021-05-15");
    CHECK(d.confidence < 0.9f);
    CHECK_MSG(!contains(d.explain, "dateline"), "%s", d.explain);

    /* a full date of this year a few days after the other events does not
     * make them last year's */
    const char *later = "11月18日,某市召开大会。11月19日,分组讨论。2021年11月22日,大会闭幕。\n";
    date_infer_text(later, strlen(later), &d);
    CHECK_STR(d.date, "2021-11-22");
}

static void test_text_plans_and_history_ignored(void)
{
    /* 将于10月1日起施行, 到2035年, 2025年前, 明年3月: plans; 1998年 and
     * 4月3日: history; the events are 9月20日..9月22日 of 2022 (2022年度) */
    issue_date d = infer_fixture("dates/issue-plans.txt");
    CHECK_STR(d.date, "2022-09-22");
}

static void test_text_month_only(void)
{
    /* no day: 今年4月, 5月以来 give the month (a lower bound), 去年10月 is last
     * year's; the year from 2021年度 */
    issue_date d = infer_fixture("dates/issue-month-only.txt");
    CHECK_STR(d.date, "2021-05");
    CHECK(d.confidence > 0 && d.confidence < 0.5f);
    CHECK_MSG(contains(d.explain, "lower bound"), "%s", d.explain);
}

static void test_text_no_year_is_unknown(void)
{
    issue_date d = infer_fixture("dates/issue-no-year.txt");
    CHECK_STR(d.date, "");
    CHECK(d.source == DATE_UNKNOWN);
    CHECK_MSG(contains(d.explain, "no year"), "%s", d.explain);
}

static void test_text_weekday_picks_year(void)
{
    /* 10月8日(星期五), 10月9日(星期六): 2021, not 2020 (the latest year written) */
    issue_date d = infer_fixture("dates/issue-weekday.txt");
    CHECK_STR(d.date, "2021-10-09");
    CHECK_MSG(contains(d.explain, "weekday"), "%s", d.explain);
}

static void test_text_says_year(void)
{
    issue_date d = infer_fixture("dates/issue-says-year.txt"); /* 今年(2021年) */
    CHECK_STR(d.date, "2021-06-30");
    CHECK_MSG(contains(d.explain, "今年(2021年)"), "%s", d.explain);
}

/* Infer from an inline text; the date ("" when none). */
static const char *infer(const char *text)
{
    static issue_date d;
    date_infer_text(text, strlen(text), &d);
    return d.date;
}

static void test_text_year_rules(void)
{
    /* the latest year written, when it reads as this year's (a name) */
    CHECK_STR(infer("5月6日,甲厂开工。5月8日,乙厂竣工。2022年度先进集体受表彰。2021年,该市出台方案。"
                    "今年以来,已举办培训12场。"),
              "2022-05-08");
    /* the text says 今年 and writes 2021 only as a past year: 2022 */
    CHECK_STR(infer("5月6日,甲厂开工。5月8日,乙厂竣工。今年以来,已举办培训12场。\n\n"
                    "另据了解,2019年,该市出台产业工人队伍建设改革方案。"),
              "2020-05-08");
    /* without 今年 the latest year written is this year */
    CHECK_STR(infer("5月6日,甲厂开工。5月8日,乙厂竣工。2019年,该市出台产业工人队伍建设改革方案。"),
              "2019-05-08");
    /* Y年以来: this year's would be 今年以来 */
    CHECK_STR(infer("3月2日,某市召开大会。3月4日,分组讨论。2023年以来,该市新建工会300家。"),
              "2024-03-04");
    /* a year followed by a past verb is a time, not a name */
    CHECK_STR(infer("6月1日,某厂表彰技术能手。6月3日,座谈会召开。今年3月,该厂开展比武。"
                    "技术员小王于2019年入职,2020年获评技术能手。"),
              "2021-06-03");
    /* a plan for the next year: counted early in the year, not late */
    CHECK_STR(infer("1月5日,某省总工会召开全委会。1月8日,省总工会部署送温暖。2024年,全省新建工会"
                    "800家。2025年,全省计划再建工会500家。"),
              "2025-01-08");
    CHECK_STR(infer("12月5日,某省总工会召开全委会。12月8日,省总工会部署送温暖。2024年,全省新建工会"
                    "800家。2025年,全省计划再建工会500家。"),
              "2024-12-08");
    /* a rule taking effect next year does not make it next year */
    CHECK_STR(infer("11月20日,某市人大通过职工权益保障条例。11月23日,市总工会召开学习会。"
                    "2020年,该市启动立法调研。条例自2021年1月1日起施行。"),
              "2020-11-23");
    /* events dated in full are this year's even next to 今年 */
    CHECK_STR(infer("2020年11月18日,某市召开职代会。11月20日,分组讨论。今年以来,该市新建工会。"
                    "于2020年3月,该市出台方案。"),
              "2020-11-20");
    CHECK_STR(infer("2021年3月5日,某厂召开职代会。2021年3月8日,女职工座谈会召开。"), "2021-03-08");
    /* 去年（2019年） */
    CHECK_STR(infer("4月2日,某厂复工。4月6日,生产线满负荷运转。去年(2019年)该厂产值首破百亿。"),
              "2020-04-06");
}

static void test_text_single_event_gives_month(void)
{
    const char *text = "本报讯 11月18日,某市总工会召开全委会。2019年,该市出台产业工会改革意见。\n";
    issue_date d;
    CHECK(date_infer_text(text, strlen(text), &d) == 1);
    CHECK_STR(d.date, "2019-11");
    CHECK(d.confidence < 0.6f);
}

static void test_text_stray_date_does_not_move_it(void)
{
    /* a lone date weeks after a cluster of events is not the issue's "now" */
    const char *text = "6月2日,甲厂开工。6月3日,乙厂竣工。6月5日,丙厂投产。6月6日,丁厂检修。"
                       "7月20日,夏令营开营。2022年,该市新建工会100家。\n";
    issue_date d;
    CHECK(date_infer_text(text, strlen(text), &d) == 1);
    CHECK_STR(d.date, "2022-06-06");
    /* while a genuine later event within days moves it */
    const char *text2 = "6月2日,甲厂开工。6月3日,乙厂竣工。6月5日,丙厂投产。6月8日,丁厂检修。"
                        "2022年,该市新建工会100家。\n";
    CHECK(date_infer_text(text2, strlen(text2), &d) == 1);
    CHECK_STR(d.date, "2022-06-08");
}

static void test_text_fullwidth_and_iso(void)
{
    const char *text = "１１月２０日，某区总工会举办讲座。１１月２１日，讲座继续。2020年，该区…\n";
    issue_date d;
    CHECK(date_infer_text(text, strlen(text), &d) == 1);
    CHECK_STR(d.date, "2020-11-21");
    const char *iso = "记者 2021-07-01 报道:7月1日,某厂举行升旗仪式。\n"
                      "6月30日,职工合唱团彩排。\n";
    CHECK(date_infer_text(iso, strlen(iso), &d) == 1);
    CHECK_STR(d.date, "2021-07-01");
}

static void test_text_robustness(void)
{
    issue_date d;
    CHECK(date_infer_text(NULL, 0, &d) == 0 && d.date[0] == 0);
    CHECK(date_infer_text("", 0, &d) == 0 && d.date[0] == 0);
    const char junk[] = "\xff\xfe\xe5\xb9\x32\x30\x32\x30\xe5\xb9\xb4\xe6\x9c\x88\xe6\x97"
                        "1月日年年月月99999999年12月32日0月0日十十月二十三十日";
    CHECK(date_infer_text(junk, sizeof junk - 1, &d) >= 0);
    CHECK(d.confidence >= 0 && d.confidence <= 1);
    /* not dates: durations, counts, ordinals */
    const char *none = "连续工作5日,3个月内完成,第3月,共有2020名职工,5.2020万元。\n";
    CHECK(date_infer_text(none, strlen(none), &d) == 0);
    CHECK_STR(d.date, "");
}

static void test_text_is_fast(void)
{
    /* about 4 MB of dated sentences: linear, well under a second */
    const char *para = "本报讯 11月18日,某市总工会召开会议。该市于2019年出台意见;今年以来,"
                       "已举办培训12场,11月20日上午又组织职工参观。\n";
    strbuf sb = {0};
    while (sb.len < (4u << 20))
        sb_puts(&sb, para);
    issue_date d;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    int found = date_infer_text(sb.s, sb.len, &d);
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    CHECK(found == 1);
    CHECK_STR(d.date, "2020-11-20");
    CHECK_MSG(secs < 2.0, "%.2f s for %zu bytes", secs, sb.len);
    sb_free(&sb);
}

/* ---- all three ----------------------------------------------------------- */

static void test_order_of_trust(void)
{
    const char *manifest = "2020/11/23.txt\t2001-02-03\nbare.txt\t2002-03\n";
    const char *dir = corpus_with_manifest(manifest, strlen(manifest));
    CHECK(dir != NULL);
    if (!dir)
        return;
    date_manifest *m = NULL;
    nfs_err err = {{0}};
    CHECK_MSG(date_manifest_load(dir, &m, &err) == 0, "%s", err.msg);
    const char *text = "本报讯 5月12日,某厂召开职代会。5月13日,职工代表发言。2019年,该厂改制。\n";
    size_t len = strlen(text);
    issue_date d;

    /* the manifest beats the file name and the text */
    date_for_issue(m, "2020/11/23.txt", text, len, &d);
    CHECK_STR(d.date, "2001-02-03");
    CHECK(d.source == DATE_MANIFEST);
    CHECK(d.confidence == 1.0f);
    CHECK_MSG(contains(d.explain, "manifest") && contains(d.explain, "line 1"), "%s", d.explain);
    date_for_issue(m, "elsewhere/bare.txt", text, len, &d);
    CHECK_STR(d.date, "2002-03");
    CHECK(d.source == DATE_MANIFEST);

    /* then the file name beats the text */
    date_for_issue(m, "2020/11/24.txt", text, len, &d);
    CHECK_STR(d.date, "2020-11-24");
    CHECK(d.source == DATE_FILENAME);
    CHECK_MSG(contains(d.explain, "file name"), "%s", d.explain);

    /* then the text */
    date_for_issue(m, "000_a908ea7bfa3109f3.txt", text, len, &d);
    CHECK_STR(d.date, "2019-05-13");
    CHECK(d.source == DATE_TEXT);
    CHECK(d.confidence > 0 && d.confidence < 1);
    CHECK_MSG(contains(d.explain, "text"), "%s", d.explain);
    CHECK_STR(date_source_name(d.source), "text");

    /* without a manifest */
    date_for_issue(NULL, "rmrb20201123-01.txt", text, len, &d);
    CHECK_STR(d.date, "2020-11-23");
    CHECK_STR(date_source_name(d.source), "file name");

    /* nothing at all */
    date_for_issue(m, "notes.txt", "没有日期的文字。", strlen("没有日期的文字。"), &d);
    CHECK_STR(d.date, "");
    CHECK(d.source == DATE_UNKNOWN);
    CHECK(d.confidence == 0);
    CHECK_STR(date_source_name(d.source), "");
    CHECK_MSG(contains(d.explain, "manifest") && contains(d.explain, "file name"), "%s",
              d.explain);
    date_for_issue(NULL, NULL, NULL, 0, &d);
    CHECK_STR(d.date, "");

    date_manifest_free(m);
    remove_corpus(dir);
}

static void test_explanations_fit(void)
{
    /* a long path still gives a NUL-terminated explanation cut on a
     * character boundary */
    strbuf p = {0};
    for (int i = 0; i < 60; i++)
        sb_puts(&p, "很长的目录/");
    sb_puts(&p, "2020-11-23.txt");
    issue_date d;
    CHECK(date_from_filename(p.s, &d) == 1);
    CHECK_STR(d.date, "2020-11-23");
    CHECK(strlen(d.explain) < sizeof d.explain);
    CHECK(utf8_valid(d.explain, strlen(d.explain)));
    sb_free(&p);
}

int main(void)
{
    RUN(test_manifest_valid);
    RUN(test_manifest_base_name_and_relative_path);
    RUN(test_manifest_missing_is_empty);
    RUN(test_manifest_malformed_line_numbers);
    RUN(test_manifest_bom_crlf_trailing_tab);
    RUN(test_manifest_many_entries);
    RUN(test_filename_forms);
    RUN(test_filename_directories);
    RUN(test_filename_non_dates);
    RUN(test_text_past_year_beside_this_year);
    RUN(test_text_new_year_issue);
    RUN(test_text_dateline);
    RUN(test_text_plans_and_history_ignored);
    RUN(test_text_month_only);
    RUN(test_text_no_year_is_unknown);
    RUN(test_text_weekday_picks_year);
    RUN(test_text_says_year);
    RUN(test_text_year_rules);
    RUN(test_text_single_event_gives_month);
    RUN(test_text_stray_date_does_not_move_it);
    RUN(test_text_fullwidth_and_iso);
    RUN(test_text_robustness);
    RUN(test_text_is_fast);
    RUN(test_order_of_trust);
    RUN(test_explanations_fit);
    return tl_done();
}
