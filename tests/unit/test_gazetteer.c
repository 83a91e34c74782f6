/* test_gazetteer.c - the gazetteer: the division table and its navigation
 * (regions/ tree), place recognition with its traps, the choice of the main
 * region, determinism and thread safety. Every article text here is
 * invented for the test. */
#include "article.h"
#include "gazetteer.h"
#include "testlib.h"

#include <pthread.h>

static gazetteer *G;

/* ------------------------------------------------------------------ */
/* helpers */

/* Main region of an article given as "headline\n\nbody..." text. */
static uint32_t locate_text(const char *text, gaz_result *r)
{
    strbuf buf = {0};
    article_view v;
    article_view_from_text(text, strlen(text), &v, &buf);
    gaz_locate(G, &v, ENRICH_EXPLAIN, r);
    sb_free(&buf);
    return r->main;
}

static const char *region_of(const char *text)
{
    static char path[512];
    gaz_result r;
    locate_text(text, &r);
    gaz_path(G, r.main, path, sizeof path);
    gaz_result_free(&r);
    return path;
}

static const char *path_of(uint32_t code)
{
    static char path[512];
    gaz_path(G, code, path, sizeof path);
    return path;
}

/* How often the article was found to name code (0 if never). */
static uint32_t hit_count(const gaz_result *r, uint32_t code)
{
    for (size_t i = 0; i < r->n_hits; i++)
        if (r->hits[i].code == code)
            return r->hits[i].count;
    return 0;
}

/* ------------------------------------------------------------------ */
/* the table and navigation */

static void test_open_is_cheap(void)
{
    double t0 = nfs_now();
    nfs_err err;
    gazetteer *g = NULL;
    CHECK(gaz_open(&g, &err) == 0);
    double ms = (nfs_now() - t0) * 1000;
    CHECK_MSG(ms < 50, "gaz_open took %.1f ms", ms);
    gaz_close(g);
    gaz_close(NULL);
}

static void test_table_counts(void)
{
    const uint32_t *prov;
    size_t np = gaz_children(G, 0, &prov);
    CHECK_INT(np, 31);
    size_t prefectures = 0, counties = 0;
    for (size_t i = 0; i < np; i++) {
        CHECK_INT(gaz_level(G, prov[i]), 1);
        CHECK_INT(gaz_parent(G, prov[i]), 0);
        const uint32_t *kids;
        size_t nk = gaz_children(G, prov[i], &kids);
        for (size_t j = 0; j < nk; j++) {
            CHECK_INT(gaz_parent(G, kids[j]), prov[i]);
            if (j)
                CHECK(kids[j] > kids[j - 1]);
            if (gaz_level(G, kids[j]) == 2) {
                prefectures++;
                const uint32_t *cs;
                size_t nc = gaz_children(G, kids[j], &cs);
                for (size_t k = 0; k < nc; k++) {
                    CHECK_INT(gaz_parent(G, cs[k]), kids[j]);
                    CHECK_INT(gaz_level(G, cs[k]), 3);
                    CHECK_INT(gaz_depth(G, cs[k]), 3);
                }
                counties += nc;
            } else {
                CHECK_INT(gaz_level(G, kids[j]), 3); /* 北京市/朝阳区, 河南省/济源市 */
                CHECK_INT(gaz_depth(G, kids[j]), 2);
                counties++;
            }
        }
    }
    CHECK_MSG(prefectures >= 330 && prefectures <= 340, "%zu prefectures", prefectures);
    CHECK_MSG(counties >= 2800 && counties <= 2900, "%zu counties", counties);
}

static void test_paths_and_names(void)
{
    CHECK_STR(path_of(220104), "吉林省/长春市/朝阳区");
    CHECK_STR(path_of(110105), "北京市/朝阳区");
    CHECK_STR(path_of(640000), "宁夏回族自治区");
    CHECK_STR(path_of(232761), "黑龙江省/大兴安岭地区/加格达奇区");
    CHECK_STR(path_of(0), "全国");
    CHECK_STR(path_of(999999), "全国"); /* unknown codes read as 全国 */
    CHECK_STR(gaz_name(G, 0), "全国");
    CHECK_STR(gaz_name(G, 220100), "长春市");
    CHECK(gaz_name(G, 123456) == NULL);
    CHECK_INT(gaz_parent(G, 220104), 220100);
    CHECK_INT(gaz_parent(G, 220100), 220000);
    CHECK_INT(gaz_level(G, 0), 0);
    CHECK_INT(gaz_level(G, 123456), -1);
    CHECK_INT(gaz_depth(G, 0), 0);
    /* the length it needs, whatever the buffer */
    char small[4];
    size_t need = gaz_path(G, 220104, small, sizeof small);
    CHECK_INT(need, strlen("吉林省/长春市/朝阳区"));
    CHECK_STR(small, "");
}

static void test_pseudo_levels_skipped(void)
{
    /* municipalities: districts right under them, no 市辖区 / 县 level */
    CHECK_INT(gaz_parent(G, 110105), 110000);
    CHECK_INT(gaz_parent(G, 500233), 500000); /* 重庆市/忠县 */
    CHECK(gaz_name(G, 110100) == NULL);
    CHECK(gaz_name(G, 500200) == NULL);
    /* counties directly under their province */
    CHECK_STR(path_of(419001), "河南省/济源市");
    CHECK_STR(path_of(429004), "湖北省/仙桃市");
    CHECK(gaz_name(G, 419000) == NULL);
    /* prefecture cities without counties have no copy of themselves below */
    CHECK_STR(path_of(441900), "广东省/东莞市");
    const uint32_t *kids;
    CHECK_INT(gaz_children(G, 441900, &kids), 0);
    /* statistical development zones are not divisions */
    CHECK(gaz_name(G, 220171) == NULL);
    /* children of 北京市: its 16 districts */
    CHECK_INT(gaz_children(G, 110000, &kids), 16);
    CHECK_INT(kids[0], 110101);
}

static void test_child_by_name(void)
{
    int canonical = -1;
    CHECK_INT(gaz_child_by_name(G, 0, "宁夏回族自治区", &canonical), 640000);
    CHECK_INT(canonical, 1);
    CHECK_INT(gaz_child_by_name(G, 0, "宁夏", &canonical), 640000);
    CHECK_INT(canonical, 0);
    CHECK_INT(gaz_child_by_name(G, 0, "新疆", NULL), 650000);
    CHECK_INT(gaz_child_by_name(G, 0, "广西", NULL), 450000);
    CHECK_INT(gaz_child_by_name(G, 0, "吉林", NULL), 220000);
    CHECK_INT(gaz_child_by_name(G, 220000, "长春", &canonical), 220100);
    CHECK_INT(canonical, 0);
    CHECK_INT(gaz_child_by_name(G, 220000, "长春市", &canonical), 220100);
    CHECK_INT(canonical, 1);
    CHECK_INT(gaz_child_by_name(G, 220000, "吉林", NULL), 220200); /* 吉林市 */
    CHECK_INT(gaz_child_by_name(G, 110000, "朝阳", NULL), 110105);
    CHECK_INT(gaz_child_by_name(G, 130300, "青龙", NULL), 130321); /* 青龙满族自治县 */
    CHECK_INT(gaz_child_by_name(G, 230000, "大兴安岭", NULL), 232700);
    /* former names resolve to the successor */
    CHECK_INT(gaz_child_by_name(G, 330100, "下城区", &canonical), 330105);
    CHECK_INT(canonical, 0);
    /* only children */
    CHECK_INT(gaz_child_by_name(G, 0, "长春", NULL), 0);
    CHECK_INT(gaz_child_by_name(G, 220000, "朝阳区", NULL), 0);
    CHECK_INT(gaz_child_by_name(G, 999999, "长春", NULL), 0);
    CHECK_INT(gaz_child_by_name(G, 0, "", NULL), 0);
}

static void test_find(void)
{
    CHECK_INT(gaz_find(G, "长春"), 220100);
    CHECK_INT(gaz_find(G, "长春市"), 220100);
    CHECK_INT(gaz_find(G, "吉林省长春市"), 220100);
    CHECK_INT(gaz_find(G, "吉林长春"), 220100);
    CHECK_INT(gaz_find(G, "吉林省/长春市"), 220100);
    CHECK_INT(gaz_find(G, "吉林"), 220000);
    CHECK_INT(gaz_find(G, "宁夏"), 640000);
    CHECK_INT(gaz_find(G, "海南"), 460000); /* the province, not 海南藏族自治州 */
    CHECK_INT(gaz_find(G, "朝阳区"), 0);    /* in 北京 and in 长春 */
    CHECK_INT(gaz_find(G, "北京市朝阳区"), 110105);
    CHECK_INT(gaz_find(G, "北京市/朝阳区"), 110105);
    CHECK_INT(gaz_find(G, "长春朝阳区"), 220104);
    CHECK_INT(gaz_find(G, "天津和平区"), 120101);
    CHECK_INT(gaz_find(G, "下城区"), 330105);
    CHECK_INT(gaz_find(G, "全国"), 0);
    CHECK_INT(gaz_find(G, "不存在的地方"), 0);
    CHECK_INT(gaz_find(G, ""), 0);
}

/* ------------------------------------------------------------------ */
/* recognition */

static void test_full_names(void)
{
    CHECK_STR(
        region_of("职工书屋开放\n\n本报讯 近日,吉林省长春市总工会为一线职工开放了新的职工书屋。\n"),
        "吉林省/长春市");
    CHECK_STR(
        region_of(
            "技能竞赛举行\n\n本报讯 湖南省株洲市芦淞区举办服装行业技能竞赛,200名职工参赛。\n"),
        "湖南省/株洲市/芦淞区");
    CHECK_STR(
        region_of("牧区职工之家\n\n本报讯 内蒙古自治区锡林郭勒盟总工会在牧区建起流动职工之家。\n"),
        "内蒙古自治区/锡林郭勒盟");
}

static void test_short_forms(void)
{
    CHECK_STR(region_of("宁夏职工技能提升\n\n本报讯 宁夏各级工会今年培训职工两万人次。\n"),
              "宁夏回族自治区");
    CHECK_STR(region_of("新疆工会送清凉\n\n本报讯 新疆各地工会为高温下作业的职工送去防暑用品。\n"),
              "新疆维吾尔自治区");
    CHECK_STR(region_of("广西劳模宣讲\n\n本报讯 广西劳模宣讲团走进企业车间。\n"), "广西壮族自治区");
    CHECK_STR(region_of("长春职工运动会开幕\n\n本报讯 长春第十届职工运动会开幕,3000名职工参加。\n"),
              "吉林省/长春市");
    CHECK_STR(region_of("夜校开课\n\n本报讯 大兴安岭林区职工夜校近日开课,学员多为一线职工。\n"),
              "黑龙江省/大兴安岭地区");
}

static void test_union_shorthand(void)
{
    CHECK_STR(
        region_of(
            "长春市总推出新举措\n\n本报讯 长春市总日前推出服务新就业形态劳动者的十项举措。\n"),
        "吉林省/长春市");
    CHECK_STR(
        region_of("陕西省总开展调研\n\n本报讯 陕西省总近日赴多家企业开展调研,了解职工诉求。\n"),
        "陕西省");
    CHECK_STR(
        region_of("肥西县总举办培训\n\n本报讯 肥西县总近日举办工会干部培训班,60名学员参训。\n"),
        "安徽省/合肥市/肥西县");
    /* a two-character county: after its municipality, then by itself */
    CHECK_STR(
        region_of("忠县总走访企业\n\n本报讯 重庆忠县总工会走访企业。忠县总还设立了法律援助站。\n"),
        "重庆市/忠县");
}

static void test_county_level(void)
{
    CHECK_STR(
        region_of("县级工会改革\n\n本报讯 安徽合肥市肥西县推进县级工会改革,成立了10个行业工会。\n"),
        "安徽省/合肥市/肥西县");
    /* the short form of a county-level city after its province */
    CHECK_STR(
        region_of("五金工匠比武\n\n本报讯 浙江永康日前举办五金工匠比武,永康各级工会参与组织。\n"),
        "浙江省/金华市/永康市");
    /* the short form followed by the old unit word (永康县 for today's 永康市) */
    CHECK_STR(region_of("五金工匠比武\n\n本报讯 日前,永康县总工会举办五金工匠比武。\n"),
              "浙江省/金华市/永康市");
    /* an autonomous county by its short form, after its city */
    CHECK_STR(region_of("志愿服务队成立\n\n本报讯 河北秦皇岛青龙县总工会志愿服务队日前成立。\n"),
              "河北省/秦皇岛市/青龙满族自治县");
}

static void test_ambiguous_districts_resolved(void)
{
    /* right after the city */
    CHECK_STR(region_of("科技企业建会\n\n本报讯 辽宁省沈阳市和平区科技企业工会联合会成立。\n"),
              "辽宁省/沈阳市/和平区");
    CHECK_STR(region_of("职工驿站揭牌\n\n本报讯 天津市和平区总工会的职工驿站揭牌。\n"),
              "天津市/和平区");
    /* the city named elsewhere in the article */
    CHECK_STR(
        region_of("沟通会如期举行\n\n本报讯 朝阳区总工会的职工沟通会如期举行。朝阳区总工会主席介绍,"
                  "这项工作按照北京市总的部署开展。朝阳区已举办沟通会300场。\n"),
        "北京市/朝阳区");
    CHECK_STR(
        region_of("送清凉\n\n本报讯 长春市总工会为户外劳动者送清凉。活动首站设在朝阳区,朝阳区总工会"
                  "负责人介绍了情况。朝阳区今年已建成驿站20个。\n"),
        "吉林省/长春市/朝阳区");
    CHECK_STR(
        region_of(
            "送清凉\n\n本报讯 福州市鼓楼区总工会近日开展送清凉活动。鼓楼区共设服务点15个。\n"),
        "福建省/福州市/鼓楼区");
    /* a district named on the first line, its city only later */
    CHECK_STR(
        region_of("江北区总工会创新服务\n\n本报讯 江北区总工会推出职工服务新举措。宁波市总工会对此"
                  "给予肯定。江北区还建成了12个职工驿站。\n"),
        "浙江省/宁波市/江北区");
}

static void test_ambiguous_districts_never_guessed(void)
{
    gaz_result r;
    CHECK_INT(
        locate_text(
            "送清凉\n\n本报讯 朝阳区总工会为环卫工人送去清凉用品。朝阳区已连续8年开展此项活动。\n",
            &r),
        0);
    CHECK(strstr(r.explain, "朝阳区") != NULL);
    CHECK_INT(hit_count(&r, 110105), 0);
    CHECK_INT(hit_count(&r, 220104), 0);
    gaz_result_free(&r);
    /* the province is known but 鼓楼区 exists in two of its cities: stay at the province */
    CHECK_STR(region_of("送清凉\n\n本报讯 江苏省总工会部署送清凉工作。鼓楼区总工会率先行动,鼓楼区"
                        "已走访工地10个。\n"),
              "江苏省");
    /* 铁东区 is in two cities of two provinces: nothing */
    CHECK_STR(region_of("劳模工作室\n\n本报讯 铁东区劳模创新工作室挂牌。\n"), "全国");
}

static void test_street_evidence(void)
{
    /* the township tells which 朝阳区 */
    CHECK_STR(
        region_of("职工沟通会\n\n本报讯 朝阳区三里屯街道的职工沟通会如期开展,不少职工前来咨询。\n"),
        "北京市/朝阳区");
    CHECK_STR(
        region_of("职工沟通会\n\n本报讯 朝阳区湖西街道的职工沟通会如期开展,不少职工前来咨询。\n"),
        "吉林省/长春市/朝阳区");
    /* a township after its city counts for its district */
    CHECK_STR(region_of("暖心驿站\n\n本报讯 北京市方庄街道建成暖心驿站,为快递员提供休息场所。\n"),
              "北京市/丰台区");
    /* a township and its county */
    gaz_result r;
    locate_text("社区建会\n\n本报讯 安徽肥西县桃花镇的社区工会吸纳新会员120名。\n", &r);
    CHECK_STR(path_of(r.main), "安徽省/合肥市/肥西县");
    gaz_result_free(&r);
}

static void test_trap_ordinary_words(void)
{
    gaz_result r;
    /* 和平 (和平区) in 和平发展, 新华 (新华区) in 新华社, 中国 */
    CHECK_INT(
        locate_text("坚持和平发展\n\n本报讯 新华社消息,中国工会代表团坚持和平发展理念开展交流。\n",
                    &r),
        0);
    CHECK_INT(r.n_hits, 0);
    gaz_result_free(&r);
    /* even in an article about a city that has a 和平区 */
    locate_text("国际交流\n\n本报讯 天津市总工会接待外国工会代表团,双方表示将共同维护世界和平。\n",
                &r);
    CHECK_STR(path_of(r.main), "天津市");
    CHECK_INT(hit_count(&r, 120101), 0);
    gaz_result_free(&r);
    /* prefecture and county names that are ordinary words */
    CHECK_STR(region_of("节日问候\n\n本报讯 工会干部向坚守岗位的职工致以问候,祝大家端午安康。\n"),
              "全国");
    CHECK_STR(
        region_of("盛大庆祝\n\n本报讯 企业举行盛大庆祝活动,表彰一批先进班组,各方案大同小异。\n"),
        "全国");
    CHECK_STR(region_of("乡村振兴\n\n本报讯 工会助力创新乡村治理,推动沿海城市产业向内地转移。\n"),
              "全国");
    CHECK_STR(region_of("校企合作\n\n本报讯 "
                        "双方加强校企合作,拓展合作市场,提高县级工会服务能力,整合港口区域资源。\n"),
              "全国");
    CHECK_STR(region_of("延长服务时间\n\n本报讯 "
                        "职工服务中心把服务时间延长到晚上8点,资源共享、公安民警也来帮忙。\n"),
              "全国");
    CHECK_STR(
        region_of("生态保护\n\n本报讯 黄河南岸的治沙工程进展顺利,前海深港合作区也派人参观。\n"),
        "全国");
    /* a county name that is also a phrase (会同县 in 会同县人社局), with nothing around it */
    CHECK_STR(region_of("欠薪排查\n\n本报讯 日前,各地工会会同县人社部门开展欠薪排查。\n\n"
                        "据统计,已为职工追回工资3000万元。\n"),
              "全国");
}

static void test_trap_personal_names(void)
{
    gaz_result r;
    CHECK_INT(
        locate_text("岗位能手\n\n本报讯 劳模张长春带领班组攻克技术难题。张长春说,创新没有止境。\n",
                    &r),
        0);
    CHECK_INT(hit_count(&r, 220100), 0);
    gaz_result_free(&r);
    /* a person named like a place in an article about another place */
    locate_text(
        "技术攻关\n\n本报讯 山东省青岛市总工会表彰技术能手,获奖职工李成都表示将再接再厉。\n", &r);
    CHECK_STR(path_of(r.main), "山东省/青岛市");
    CHECK_INT(hit_count(&r, 510100), 0);
    gaz_result_free(&r);
    /* but a province right before the city name is a place, not a surname */
    CHECK_STR(region_of("职工书屋\n\n本报讯 吉林长春的职工书屋今年新增图书1万册。\n"),
              "吉林省/长春市");
}

static void test_trap_national(void)
{
    gaz_result r;
    CHECK_INT(
        locate_text(
            "全总部署工作\n\n本报讯 中华全国总工会日前召开会议,部署全国工会系统下半年工作。\n", &r),
        0);
    CHECK_INT(r.n_hits, 0);
    CHECK(r.explain && r.explain[0]);
    gaz_result_free(&r);
    /* a national report filed in the capital */
    CHECK_STR(region_of("全总部署送清凉\n\n本报北京6月1日电(记者王红)中华全国总工会日前印发通知,"
                        "要求各级工会做好高温天气劳动保护工作。\n"),
              "全国");
    /* a local one */
    CHECK_STR(region_of("长春职工书屋\n\n本报长春6月1日电(记者王红)长春市总工会日前新建职工书屋20家,"
                        "覆盖一线职工5万人。\n"),
              "吉林省/长春市");
    /* many provinces, none leading */
    CHECK_STR(
        region_of(
            "全国总决赛\n\n本报讯 全国职工技能大赛落幕,获奖选手来自北京、上海、广东、四川等地。\n"),
        "全国");
}

static void test_headline_outweighs_passing_mentions(void)
{
    /* the headline and lead name 淮安; 南京 twice in passing */
    CHECK_STR(
        region_of("淮安职工唱响劳动者之歌\n\n本报讯 近日,一首歌曲在江苏省淮安市广大职工中传唱。\n\n"
                  "作者曾在南京学习作曲,南京的老师给了他很多帮助。\n"),
        "江苏省/淮安市");
    /* a county named once as an example stays below its city */
    CHECK_STR(
        region_of("秦皇岛组建志愿服务队\n\n本报讯 河北省秦皇岛市卢龙县总工会志愿服务队日前成立,"
                  "这是秦皇岛市工会系统开展志愿服务的缩影。\n\n秦皇岛市总工会要求各县区成立分队。"
                  "秦皇岛市已有志愿者500人。\n"),
        "河北省/秦皇岛市");
    /* the venue of the event, named in full in the lead, is the place */
    CHECK_STR(
        region_of("一顿年夜饭\n\n本报记者 王红\n\n1月8日,货车司机年夜饭活动在浙江省宁波市镇海区一处"
                  "物流园举行。\n\n宁波市总工会负责人表示,宁波是港口城市,离不开货车司机。镇海区"
                  "总工会也参与了组织。\n"),
        "浙江省/宁波市/镇海区");
}

static void test_municipalities(void)
{
    CHECK_STR(region_of("抗疫一线\n\n本报讯 北京市丰台区总工会组织志愿者送餐到社区。\n"),
              "北京市/丰台区");
    CHECK_STR(region_of("职工创新\n\n本报讯 上海各级工会推动职工创新,今年评出创新成果500项。\n"),
              "上海市");
    CHECK_STR(region_of("供电公司\n\n本报讯 "
                        "国网重庆市北供电公司工会开展技能比武。重庆市电力公司工会给予支持。\n"),
              "重庆市");
    CHECK_STR(region_of("驿站揭牌\n\n本报讯 天津市滨海新区总工会为货车司机建起驿站。\n"),
              "天津市/滨海新区");
}

static void test_former_names(void)
{
    gaz_result r;
    CHECK_INT(locate_text("商圈工会\n\n本报讯 杭州下城区商圈工会改革试点取得成效。\n", &r), 330105);
    CHECK(strstr(r.explain, "拱墅区") != NULL);
    gaz_result_free(&r);
    CHECK_STR(region_of("新区工会\n\n本报讯 天津塘沽区总工会开展送温暖活动。\n"),
              "天津市/滨海新区");
}

static void test_hits_and_explanation(void)
{
    gaz_result r;
    locate_text("长春产业工会改革\n\n本报讯 吉林省长春市总工会召开产业工会代表大会。\n\n"
                "长春市总工会下发实施意见。长春市各产业工会表示将抓好落实。\n",
                &r);
    CHECK_INT(r.main, 220100);
    CHECK(r.n_hits >= 2);
    CHECK_INT(r.hits[0].code, 220100);
    CHECK_INT(r.hits[0].count, 4);
    CHECK_INT(hit_count(&r, 220000), 1);
    for (size_t i = 1; i < r.n_hits; i++)
        CHECK(r.hits[i - 1].count >= r.hits[i].count);
    CHECK(strncmp(r.explain, "吉林省/长春市", strlen("吉林省/长春市")) == 0);
    gaz_result_free(&r);
}

/* The indexer asks for the decision only: the same main region and places
 * as with the account, and no account built. */
static void test_decide_only(void)
{
    static const char *const texts[] = {
        "长春汽车工人技能比武\n\n本报讯 吉林省长春市总工会日前在朝阳区举办技能比武。",
        "两地工会签约\n\n北京市总工会与天津市总工会签署协作协议，北京和天津职工共享疗休养基地。",
        "一线职工的心声\n\n职工们说，希望工会多办实事。",
    };
    for (size_t i = 0; i < NFS_ARRAY_LEN(texts); i++) {
        strbuf buf = {0};
        article_view v;
        article_view_from_text(texts[i], strlen(texts[i]), &v, &buf);
        gaz_result full, quick;
        CHECK_INT(gaz_locate(G, &v, ENRICH_EXPLAIN, &full), 0);
        CHECK_INT(gaz_locate(G, &v, ENRICH_DECIDE, &quick), 0);
        CHECK(full.explain != NULL);
        CHECK(quick.explain == NULL);
        CHECK_INT(quick.main, full.main);
        CHECK_INT(quick.n_hits, full.n_hits);
        for (size_t k = 0; k < full.n_hits && k < quick.n_hits; k++) {
            CHECK_INT(quick.hits[k].code, full.hits[k].code);
            CHECK_INT(quick.hits[k].count, full.hits[k].count);
        }
        gaz_result_free(&full);
        gaz_result_free(&quick);
        sb_free(&buf);
    }
}

/* A long body is scanned in chunks of candidate places: a paragraph
 * repeated 200 times (names at every chunk boundary, traps included) gives
 * the places of one copy, each 200 times as often. */
static void test_long_text_chunks(void)
{
    static const char para[] = "吉林省长春市职工赴安徽合肥交流，振兴安徽，创新乡村，"
                               "北京市总工会与天津市总工会签约，浙江省杭州市西湖区职工参加。\n";
    enum { COPIES = 200 };
    strbuf one = {0}, many = {0};
    sb_puts(&one, "职工交流活动\n\n");
    sb_puts(&many, "职工交流活动\n\n");
    sb_puts(&one, para);
    for (int i = 0; i < COPIES; i++)
        sb_puts(&many, para);
    gaz_result r1, rn;
    strbuf b1 = {0}, bn = {0};
    article_view v1, vn;
    article_view_from_text(one.s, one.len, &v1, &b1);
    article_view_from_text(many.s, many.len, &vn, &bn);
    CHECK_INT(gaz_locate(G, &v1, ENRICH_DECIDE, &r1), 0);
    CHECK_INT(gaz_locate(G, &vn, ENRICH_DECIDE, &rn), 0);
    CHECK(r1.n_hits >= 5);
    CHECK_INT(rn.n_hits, r1.n_hits);
    for (size_t k = 0; k < r1.n_hits; k++) {
        uint32_t want = 0;
        for (size_t j = 0; j < rn.n_hits; j++)
            if (rn.hits[j].code == r1.hits[k].code)
                want = rn.hits[j].count;
        CHECK_MSG(want == r1.hits[k].count * COPIES, "place %u: %u in one copy, %u in %d",
                  r1.hits[k].code, r1.hits[k].count, want, COPIES);
    }
    gaz_result_free(&r1);
    gaz_result_free(&rn);
    sb_free(&one);
    sb_free(&many);
    sb_free(&b1);
    sb_free(&bn);
}

static void test_odd_input(void)
{
    gaz_result r;
    article_view v = {"", "", "", "", "", 0};
    CHECK_INT(gaz_locate(G, &v, ENRICH_EXPLAIN, &r), 0);
    CHECK_INT(r.main, 0);
    gaz_result_free(&r);
    /* malformed UTF-8, truncated characters, a name cut at the end */
    static const char bad[] = "\xe5\x90\x89\xe6\x9e\x97\xff\xfe\xe9\x95\xbf\xe6\x98\xa5\xe5\xb8";
    article_view w = {"", "", "", "", bad, sizeof bad - 1};
    CHECK_INT(gaz_locate(G, &w, ENRICH_EXPLAIN, &r), 0);
    gaz_result_free(&r);
    /* a long run of place names */
    strbuf sb = {0};
    sb_puts(&sb, "标题\n\n");
    for (int i = 0; i < 2000; i++)
        sb_puts(&sb, i % 2 ? "吉林省长春市朝阳区" : "北京朝阳");
    locate_text(sb.s, &r);
    CHECK(r.n_hits > 0);
    gaz_result_free(&r);
    /* every prefecture of the country in one list: national */
    sb_clear(&sb);
    sb_puts(&sb, "各地\n\n");
    const uint32_t *prov, *kids;
    size_t np = gaz_children(G, 0, &prov), named = 0;
    for (size_t i = 0; i < np; i++) {
        size_t nk = gaz_children(G, prov[i], &kids);
        for (size_t j = 0; j < nk; j++, named++) {
            sb_puts(&sb, gaz_name(G, kids[j]));
            sb_puts(&sb, "、");
        }
    }
    sb_puts(&sb, "等地。\n");
    CHECK_INT(locate_text(sb.s, &r), 0);
    CHECK_MSG(r.n_hits >= named * 9 / 10, "%zu of %zu places read", r.n_hits, named);
    gaz_result_free(&r);
    sb_free(&sb);
}

/* Articles of many kinds, each with the region a reader would file it under. */
static void test_varied_articles(void)
{
    static const struct {
        const char *text, *region;
    } cases[] = {
        {"江西省总工会召开全委会\n\n本报讯(记者刘明)日前,江西省总工会在南昌召开全委会议,"
         "总结上半年工作,部署下一阶段任务。\n\n会议要求,全省各级工会要聚焦职工急难愁盼问题。\n",
         "江西省"},
        {"职工疗休养基地挂牌\n\n本报讯 "
         "近日,湖北省武汉市总工会在黄陂区木兰山挂牌职工疗休养基地,"
         "首批200名劳模将分批前往。\n\n武汉市总工会相关负责人介绍,基地由市总与黄陂区共建。\n",
         "湖北省/武汉市/黄陂区"},
        {"各地工会送清凉\n\n本报讯 "
         "入伏以来,各地工会纷纷开展送清凉活动。江苏南京市总工会为环卫工人送去西瓜;"
         "浙江杭州市总工会开放爱心驿站;广东深圳市总工会发放防暑药品。\n",
         "全国"},
        {"评论:让劳动者体面劳动\n\n劳动者是社会财富的创造者。让每一位劳动者体面劳动、全面发展,"
         "是新时代工会工作的应有之义。\n\n各级工会要把服务职工作为中心任务。\n",
         "全国"},
        {"兵团职工技能大赛举行\n\n本报讯 "
         "近日,新疆生产建设兵团第八师石河子市举办职工技能大赛,"
         "来自各团场的300名选手参赛。\n\n石河子市总工会介绍,大赛设10个工种。\n",
         "新疆维吾尔自治区/石河子市"},
        {"大庆油田职工创新成果丰硕\n\n本报讯 "
         "记者从大庆油田工会获悉,"
         "今年油田职工共完成创新成果1200项。\n\n黑龙江省总工会对此给予表彰。\n",
         "黑龙江省/大庆市"},
        {"雄安新区建设者之家启用\n\n本报讯 "
         "河北雄安新区首个建设者之家日前启用,可容纳500名农民工住宿。\n",
         "河北省"},
        {"香港工会代表团来访\n\n本报讯 "
         "香港工会联合会代表团日前来访,双方就职工福利等议题交换意见。\n",
         "全国"},
        {"快递小哥的暖心驿站\n\n本报记者 "
         "李强\n\n在四川成都,快递小哥王成都每天要送300件快递。他说,"
         "工会驿站让他有了歇脚的地方。\n\n成都市总工会已建成驿站800个。\n",
         "四川省/成都市"},
        {"山东:工会助力乡村振兴\n\n本报讯 "
         "山东省各级工会积极投身乡村振兴,今年以来共组织职工志愿者下乡服务2万人次。其中,"
         "济南市章丘区总工会组织农技专家走进田间地头。\n",
         "山东省"},
        {"盐城黄海湿地迎来观鸟季\n\n11月10日,游客在江苏省盐城市大丰区的黄海湿地观鸟。 新华社记者 "
         "赵强 摄\n",
         "江苏省/盐城市/大丰区"},
        {"西湖区总工会开展职工运动会\n\n本报讯 "
         "近日,西湖区总工会举办第三届职工运动会,辖区50家企业的800名职工参赛。\n",
         "全国"},
        {"西湖区总工会开展职工运动会\n\n本报讯 "
         "近日,杭州市西湖区总工会举办第三届职工运动会,辖区50家企业的800名职工参赛。\n",
         "浙江省/杭州市/西湖区"},
        {"南昌西湖区职工书屋开放\n\n本报讯 江西南昌西湖区的职工书屋日前开放。\n",
         "江西省/南昌市/西湖区"},
        {"劳模风采:扎根大山的电力工人\n\n本报记者 "
         "黄河\n\n在云南省怒江傈僳族自治州贡山独龙族怒族自治县,"
         "电力工人李小明一干就是20年。\n\n贡山县山高路险,线路巡检异常艰难。\n",
         "云南省/怒江傈僳族自治州/贡山独龙族怒族自治县"},
        {"沪苏浙皖工会签署合作协议\n\n本报讯 "
         "近日,上海、江苏、浙江、安徽四省市总工会在上海签署长三角工会协作协议。\n",
         "全国"},
        {"平安建设在行动\n\n本报讯 "
         "平安建设离不开广大职工的参与。各地工会把平安建设纳入工会工作总体部署,"
         "推动东方红厂区安全生产。\n",
         "全国"},
        {"一线职工的新年愿望\n\n新年伊始,记者采访了多位一线职工。来自河南周口的农民工张大勇说,"
         "希望今年工资按时足额发放。在江苏苏州打工的李芳则希望多学一门技术。\n",
         "全国"},
        {"吉林:冰雪经济带动职工增收\n\n本报讯 "
         "吉林省总工会近日发布数据,"
         "全省冰雪产业从业职工达10万人。吉林市、长春市、通化市等地工会组织冰雪技能培训。\n",
         "吉林省"},
        {"洞庭湖南岸的守堤人\n\n本报记者 "
         "王湘\n\n湖南省岳阳市华容县的守堤职工24小时轮班。华容县总工会为他们送去慰问品。\n",
         "湖南省/岳阳市/华容县"},
        {"海南自贸港建设者风采\n\n本报讯 海南省总工会近日表彰100名自贸港建设者。\n", "海南省"},
        {"宁德时代工会建起职工书屋\n\n本报讯 福建宁德的宁德时代新能源公司工会近日建起职工书屋。\n",
         "福建省/宁德市"},
        {"美国德州工人罢工\n\n据外媒报道,美国德州一家工厂工人举行罢工,要求提高工资。\n", "全国"},
        {"长沙市总开展送温暖\n\n本报讯 "
         "长沙市总近日开展送温暖活动。芙蓉区、天心区、岳麓区总工会同步行动。\n",
         "湖南省/长沙市"},
        {"职工之家\n\n本报讯 "
         "日前,重庆市渝北区总工会职工之家正式启用。渝北区总工会负责人表示,将常态化开展活动。\n",
         "重庆市/渝北区"},
    };
    for (size_t i = 0; i < NFS_ARRAY_LEN(cases); i++) {
        const char *got = region_of(cases[i].text);
        CHECK_MSG(strcmp(got, cases[i].region) == 0, "case %zu: got %s, want %s", i, got,
                  cases[i].region);
    }
}

static void test_fixture_articles(void)
{
    char *list = tl_slurp(tl_fixture("gazetteer/expected.tsv"), NULL);
    if (!list)
        SKIP("no fixtures/gazetteer/expected.tsv");
    int n = 0;
    for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char name[256];
        snprintf(name, sizeof name, "gazetteer/%s", line);
        char *text = tl_slurp(tl_fixture(name), NULL);
        CHECK_MSG(text != NULL, "missing fixture %s", name);
        if (!text)
            continue;
        const char *got = region_of(text);
        CHECK_MSG(strcmp(got, tab + 1) == 0, "%s: got %s, want %s", line, got, tab + 1);
        free(text);
        n++;
    }
    CHECK(n >= 5);
    free(list);
}

static void test_determinism(void)
{
    const char *text =
        "两地工会交流\n\n本报讯 广东省深圳市盐田区总工会与福州市鼓楼区总工会签订合作协议。"
        "盐田区总工会负责人介绍了经验。\n";
    gaz_result a, b;
    locate_text(text, &a);
    nfs_err err;
    gazetteer *g2 = NULL;
    CHECK(gaz_open(&g2, &err) == 0);
    gazetteer *saved = G;
    G = g2;
    locate_text(text, &b);
    G = saved;
    CHECK_INT(a.main, b.main);
    CHECK_INT(a.n_hits, b.n_hits);
    for (size_t i = 0; i < a.n_hits && i < b.n_hits; i++) {
        CHECK_INT(a.hits[i].code, b.hits[i].code);
        CHECK_INT(a.hits[i].count, b.hits[i].count);
    }
    CHECK_STR(a.explain, b.explain);
    gaz_result_free(&a);
    gaz_result_free(&b);
    gaz_close(g2);
}

/* Many threads on a fresh gazetteer: the matcher is built once, results agree. */
static gazetteer *thread_gaz;
static void *locate_in_thread(void *arg)
{
    strbuf buf = {0};
    article_view v;
    const char *text = arg;
    article_view_from_text(text, strlen(text), &v, &buf);
    uintptr_t code = 0;
    for (int i = 0; i < 50; i++) {
        gaz_result r;
        gaz_locate(thread_gaz, &v, ENRICH_EXPLAIN, &r);
        if (i == 0)
            code = r.main;
        else if (code != r.main)
            code = 1;
        gaz_result_free(&r);
    }
    sb_free(&buf);
    return (void *)code;
}

static void test_threads(void)
{
    nfs_err err;
    CHECK(gaz_open(&thread_gaz, &err) == 0);
    const char *text = "送温暖\n\n本报讯 辽宁省沈阳市和平区总工会走访困难职工。\n";
    pthread_t t[8];
    for (int i = 0; i < 8; i++)
        CHECK(pthread_create(&t[i], NULL, locate_in_thread, (void *)text) == 0);
    for (int i = 0; i < 8; i++) {
        void *res;
        pthread_join(t[i], &res);
        CHECK_INT((uintptr_t)res, 210102);
    }
    gaz_close(thread_gaz);
}

int main(void)
{
    nfs_err err;
    if (gaz_open(&G, &err) != 0) {
        fprintf(stderr, "gaz_open: %s\n", err.msg);
        return 1;
    }
    RUN(test_open_is_cheap);
    RUN(test_table_counts);
    RUN(test_paths_and_names);
    RUN(test_pseudo_levels_skipped);
    RUN(test_child_by_name);
    RUN(test_find);
    RUN(test_full_names);
    RUN(test_short_forms);
    RUN(test_union_shorthand);
    RUN(test_county_level);
    RUN(test_ambiguous_districts_resolved);
    RUN(test_ambiguous_districts_never_guessed);
    RUN(test_street_evidence);
    RUN(test_trap_ordinary_words);
    RUN(test_trap_personal_names);
    RUN(test_trap_national);
    RUN(test_headline_outweighs_passing_mentions);
    RUN(test_municipalities);
    RUN(test_former_names);
    RUN(test_hits_and_explanation);
    RUN(test_decide_only);
    RUN(test_long_text_chunks);
    RUN(test_odd_input);
    RUN(test_varied_articles);
    RUN(test_fixture_articles);
    RUN(test_determinism);
    RUN(test_threads);
    gaz_close(G);
    return tl_done();
}
