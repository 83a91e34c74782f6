/* main.c - the newsfs command line: index, mount, search, explain, and the
 * debugging commands that show each stage of the pipeline on its own. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "decode.h"
#include "fsmount.h"
#include "index.h"
#include "mount_helper.h"
#include "nfs.h"
#include "segment.h"

static const char usage_main[] =
    "usage: newsfs COMMAND [ARGS]\n"
    "\n"
    "  index CORPUS_DIR DB [--topics FILE] [--force] [--quiet]\n"
    "                       create or update the index of a folder of issue files\n"
    "  mount DB MOUNTPOINT [-f] [-d] [-o OPTIONS]\n"
    "                       mount the index (unmount with fusermount3 -u MOUNTPOINT)\n"
    "  search DB QUERY... [--limit N]\n"
    "                       print matching articles: rank, path, match in context\n"
    "  explain DB PATH      why an article got its region and topics\n"
    "  check DB             verify the index (integrity, full-text index, counts)\n"
    "  ls [-l] DB PATH | cat DB PATH | stat DB PATH\n"
    "                       read the virtual tree without mounting it\n"
    "  mkdir DB /search/QUERY | rmdir DB /search/QUERY\n"
    "                       save a query (listed in search/) or forget it\n"
    "  segment FILE [--json]\n"
    "                       show how one issue file is cut into articles\n"
    "  enrich [--topics FILE] [--json] [--article] FILE...\n"
    "                       the region and topics of each article\n"
    "\n"
    "  newsfs COMMAND --help   details of one command;  newsfs --version\n"
    "  As mount.newsfs (make install links /sbin/mount.newsfs): the mount(8)\n"
    "    helper for /etc/fstab lines of type newsfs; see man newsfs.\n"
    "\n"
    "The mounted tree: README.txt, issues/<issue>/, regions/, topics/, and\n"
    "search/<query>/ whose listing is the articles matching the query, e.g.\n"
    "  ls \"mnt/search/劳模 工匠\"   ls mnt/search/title:工会   ls mnt/search/date:2020-11\n"
    "See README.txt in the mount or man newsfs.\n";

static const char usage_segment[] =
    "usage: newsfs segment FILE [--json]\n"
    "Decode FILE, cut it into articles and print them (text, or one JSON\n"
    "object per article with kind, title, pretitle, subtitle, byline, blocks).\n";

static void print_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void print_json_field(FILE *f, const char *key, const char *value)
{
    fprintf(f, ", \"%s\": ", key);
    if (value)
        print_json_string(f, value);
    else
        fputs("null", f);
}

static int cmd_segment(int argc, char **argv)
{
    const char *path = NULL;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_segment, stdout);
            return 0;
        } else if (!path)
            path = argv[i];
        else {
            fprintf(stderr, "newsfs segment: unexpected argument '%s'\n%s", argv[i], usage_segment);
            return 2;
        }
    }
    if (!path) {
        fputs(usage_segment, stderr);
        return 2;
    }
    decoded_text d;
    nfs_err err;
    if (decode_file(path, &d, &err) != 0) {
        fprintf(stderr, "newsfs segment: %s\n", err.msg);
        return 1;
    }
    if (d.n_bad)
        fprintf(stderr, "newsfs segment: warning: %s: %zu undecodable sequence(s), first at byte %zu\n",
                path, d.n_bad, d.first_bad);
    seg_result r;
    segment_page(d.text, d.len, &r);
    for (size_t i = 0; i < r.n_articles; i++) {
        const seg_article *a = &r.articles[i];
        if (json) {
            printf("{\"article\": %zu, \"kind\": \"%s\"", i + 1, art_kind_name(a->kind));
            print_json_field(stdout, "title", a->title);
            print_json_field(stdout, "pretitle", a->pretitle);
            print_json_field(stdout, "subtitle", a->subtitle);
            print_json_field(stdout, "byline", a->byline);
            printf(", \"blocks\": [");
            for (size_t b = 0; b < a->n_blocks; b++)
                printf("%s%d", b ? ", " : "", a->blocks[b]);
            printf("]");
            print_json_field(stdout, "text", a->text);
            printf("}\n");
        } else {
            printf("=== %zu %s: %s  [blocks", i + 1, art_kind_name(a->kind), a->title);
            for (size_t b = 0; b < a->n_blocks; b++)
                printf(" %d", a->blocks[b]);
            printf("]\n%s\n", a->text);
        }
    }
    seg_result_free(&r);
    decoded_text_free(&d);
    return 0;
}

int main(int argc, char **argv)
{
    if (is_mount_helper(argv[0]))
        return mount_helper_main(argc, argv);
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("newsfs %s\n", NFS_VERSION);
        return 0;
    }
    argc--;
    argv++;
    if (!strcmp(cmd, "index"))
        return cli_index(argc, argv);
    if (!strcmp(cmd, "mount"))
        return cli_mount(argc, argv);
    if (!strcmp(cmd, "search"))
        return cli_search(argc, argv);
    if (!strcmp(cmd, "explain"))
        return cli_explain(argc, argv);
    if (!strcmp(cmd, "ls") || !strcmp(cmd, "cat") || !strcmp(cmd, "stat") ||
        !strcmp(cmd, "mkdir") || !strcmp(cmd, "rmdir"))
        return cli_tree(cmd, argc, argv);
    if (!strcmp(cmd, "check"))
        return cli_check(argc, argv);
    if (!strcmp(cmd, "enrich"))
        return cli_enrich(argc, argv);
    if (!strcmp(cmd, "segment"))
        return cmd_segment(argc, argv);
    fprintf(stderr, "newsfs: unknown command '%s'\n%s", cmd, usage_main);
    return 2;
}
