/* datedump.c - a test-only driver for the dates module (dates.h): prints the
 * publication date newsfs would give each file, as the indexer does
 * (decode, then manifest, file name, text), one tab-separated line per file:
 *   path  date  source  confidence  explanation
 * Built and run by tests/tools/datescore.py; not part of newsfs.
 *
 * usage: datedump [-m CORPUS_DIR] [-t] FILE...
 *   -m DIR  load DIR/newsfs-dates.tsv and look files up relative to DIR
 *   -t      text inference only (ignore the manifest and the file name)
 */
#include "dates.h"
#include "decode.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *corpus = NULL;
    int text_only = 0, i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
            corpus = argv[++i];
        else if (strcmp(argv[i], "-t") == 0)
            text_only = 1;
        else {
            fprintf(stderr, "usage: datedump [-m CORPUS_DIR] [-t] FILE...\n");
            return 2;
        }
    }
    date_manifest *m = NULL;
    nfs_err err;
    if (corpus && date_manifest_load(corpus, &m, &err) != 0) {
        fprintf(stderr, "datedump: %s\n", err.msg);
        return 1;
    }
    int status = 0;
    for (; i < argc; i++) {
        decoded_text d;
        if (decode_file(argv[i], &d, &err) != 0) {
            fprintf(stderr, "datedump: %s\n", err.msg);
            status = 1;
            continue;
        }
        const char *rel = argv[i];
        size_t cl = corpus ? strlen(corpus) : 0;
        if (corpus && strncmp(rel, corpus, cl) == 0 && rel[cl] == '/')
            rel += cl + 1;
        issue_date date;
        if (text_only)
            date_infer_text(d.text, d.len, &date);
        else
            date_for_issue(m, rel, d.text, d.len, &date);
        printf("%s\t%s\t%s\t%.2f\t%s\n", argv[i], date.date[0] ? date.date : "-",
               date_source_name(date.source), date.confidence, date.explain);
        decoded_text_free(&d);
    }
    date_manifest_free(m);
    return status;
}
