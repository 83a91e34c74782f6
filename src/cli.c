/* cli.c - the subcommands of the newsfs command line (see main.c for the
 * dispatcher and the overall usage text). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "article.h"
#include "decode.h"
#include "gazetteer.h"
#include "index.h"
#include "segment.h"
#include "topics.h"

static const char usage_index[] =
    "usage: newsfs index CORPUS_DIR DB [--topics FILE] [--force] [--quiet]\n"
    "Create or update the index DB of the issue files (*.txt) under CORPUS_DIR.\n"
    "Only new and changed files are read; files gone from CORPUS_DIR are dropped.\n"
    "The index may be mounted meanwhile: the mount shows the new state when done.\n"
    "  --topics FILE  file articles under the topics of FILE (see README: topics\n"
    "                 file format); kept for later runs; re-files every article\n"
    "                 without re-reading the corpus\n"
    "  --force        re-read every file even when unchanged\n"
    "  --quiet        no progress line (the default when stderr is not a terminal)\n";

int cli_index(int argc, char **argv)
{
    index_options opt = {.progress = isatty(2)};
    const char *pos[2] = {NULL, NULL};
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_index, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--topics")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "newsfs index: --topics needs a file\n%s", usage_index);
                return 2;
            }
            opt.topics_file = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            opt.force = 1;
        } else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) {
            opt.progress = 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "newsfs index: unknown option '%s'\n%s", argv[i], usage_index);
            return 2;
        } else if (npos < 2) {
            pos[npos++] = argv[i];
        } else {
            fprintf(stderr, "newsfs index: unexpected argument '%s'\n%s", argv[i], usage_index);
            return 2;
        }
    }
    if (npos != 2) {
        fputs(usage_index, stderr);
        return 2;
    }
    index_stats st;
    nfs_err err;
    if (index_update(pos[1], pos[0], &opt, &st, &err) != 0) {
        fprintf(stderr, "newsfs index: %s\n", err.msg);
        return 1;
    }
    double mb = (double)st.bytes_read / 1e6;
    fprintf(stderr,
            "newsfs index: %zu files: %zu indexed, %zu unchanged, %zu removed, %zu failed; "
            "%zu articles added, %zu removed%s; %.1f MB in %.2f s (%.1f MB/s)%s\n",
            st.files_seen, st.files_indexed, st.files_unchanged, st.files_removed,
            st.files_failed, st.articles_added, st.articles_removed,
            st.articles_refiled ? ", re-filed under new topics" : "", mb, st.seconds,
            st.seconds > 0 ? mb / st.seconds : 0.0,
            st.warnings ? "; see warnings above" : "");
    return st.files_failed ? 3 : 0;
}
int cli_mount(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_search(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_explain(int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }
int cli_tree(const char *cmd, int argc, char **argv) { fprintf(stderr, "not yet\n"); return 1; }

static const char usage_enrich[] =
    "usage: newsfs enrich [--topics FILE] [--json] [--article] FILE...\n"
    "Show the region and topics newsfs gives each article of an issue FILE\n"
    "(decoded and segmented), or with --article of files each holding one\n"
    "article in the layout of the mounted article files (headline lines, a\n"
    "blank line, byline, body paragraphs).\n";

static void json_str(const char *s)
{
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c == '\n')
            fputs("\\n", stdout);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void enrich_one(const gazetteer *gaz, const taxonomy *tax, const char *file, size_t n,
                       const article_view *v, int json)
{
    gaz_result gr;
    topic_result tr;
    gaz_locate(gaz, v, &gr);
    topics_classify(tax, v, &tr);
    char path[512];
    gaz_path(gaz, gr.main, path, sizeof path);
    if (json) {
        printf("{\"file\": ");
        json_str(file);
        printf(", \"article\": %zu, \"title\": ", n);
        json_str(v->title);
        printf(", \"region\": ");
        json_str(path);
        printf(", \"topics\": [");
        for (int i = 0; i < tr.n; i++) {
            printf("%s", i ? ", " : "");
            json_str(taxonomy_topic_name(tax, (size_t)tr.picks[i].topic));
        }
        printf("], \"places\": [");
        for (size_t i = 0; i < gr.n_hits; i++) {
            char p[512];
            gaz_path(gaz, gr.hits[i].code, p, sizeof p);
            printf("%s[", i ? ", " : "");
            json_str(p);
            printf(", %u]", gr.hits[i].count);
        }
        printf("], \"explain_region\": ");
        json_str(gr.explain);
        printf(", \"explain_topics\": ");
        json_str(tr.explain);
        printf("}\n");
    } else {
        printf("%s #%zu %s\n  region: %s\n  topics:", file, n, v->title, path);
        for (int i = 0; i < tr.n; i++)
            printf(" %s(%.2f)", taxonomy_topic_name(tax, (size_t)tr.picks[i].topic),
                   tr.picks[i].score);
        printf("\n  why region: %s\n  why topics: %s\n", gr.explain ? gr.explain : "",
               tr.explain ? tr.explain : "");
    }
    gaz_result_free(&gr);
    topic_result_free(&tr);
}

int cli_enrich(int argc, char **argv)
{
    const char *topics_file = NULL;
    int json = 0, single = 0, first_file = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help")) {
            fputs(usage_enrich, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--json")) {
            json = 1;
        } else if (!strcmp(argv[i], "--article")) {
            single = 1;
        } else if (!strcmp(argv[i], "--topics") && i + 1 < argc) {
            topics_file = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "newsfs enrich: unknown option '%s'\n%s", argv[i], usage_enrich);
            return 2;
        } else {
            first_file = i;
            break;
        }
    }
    if (!first_file) {
        fputs(usage_enrich, stderr);
        return 2;
    }
    nfs_err err;
    gazetteer *gaz = NULL;
    taxonomy *tax = NULL;
    if (gaz_open(&gaz, &err) != 0 ||
        (topics_file ? taxonomy_load_file(topics_file, &tax, &err)
                     : taxonomy_default(&tax, &err)) != 0) {
        fprintf(stderr, "newsfs enrich: %s\n", err.msg);
        gaz_close(gaz);
        return 1;
    }
    int status = 0;
    strbuf buf = {0};
    for (int i = first_file; i < argc; i++) {
        decoded_text d;
        if (decode_file(argv[i], &d, &err) != 0) {
            fprintf(stderr, "newsfs enrich: %s\n", err.msg);
            status = 1;
            continue;
        }
        if (single) {
            article_view v;
            article_view_from_text(d.text, d.len, &v, &buf);
            enrich_one(gaz, tax, argv[i], 1, &v, json);
        } else {
            seg_result r;
            segment_page(d.text, d.len, &r);
            for (size_t k = 0; k < r.n_articles; k++) {
                article_view v;
                article_view_from_seg(&r.articles[k], &v, &buf);
                enrich_one(gaz, tax, argv[i], k + 1, &v, json);
            }
            seg_result_free(&r);
        }
        decoded_text_free(&d);
    }
    sb_free(&buf);
    taxonomy_free(tax);
    gaz_close(gaz);
    return status;
}
