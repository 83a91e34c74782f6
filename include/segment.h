/* segment.h - cut the decoded text of one newspaper issue into articles.
 *
 * segment_page() is a pure function (no I/O, no global state): decoded page
 * text in, articles in reading order out. It recognises headline groups
 * (banner/column name, pretitle, title, subtitle; markdown '#' marks are
 * removed), bylines (本报讯, 本报记者, 通讯员…报道, 新华社记者…摄), photo items
 * (a caption ending in 摄), 阅读提示 boxes (attached to the article they
 * summarise), continuations (上接第N版), in-article subheadings (kept inside
 * the article), and repairs column breaks: a paragraph cut mid-sentence is
 * joined to its continuation even when another item was printed between
 * the two halves.
 *
 * Blocks are numbered as in the gold format: the text split at every run of
 * two or more newlines, each piece stripped, empty pieces dropped, from 0.
 * Every block belongs to exactly one article and every non-white-space
 * character of the input except '#' heading marks appears in exactly one
 * article's text.
 *
 * The article file text (seg_article.text) is rendered here so that the
 * file, the search index and the classifiers all see the same text:
 *   headline lines (one per line)
 *   blank line
 *   byline                      (when the article opens with one)
 *   blank line
 *   body paragraphs, separated by blank lines, each on one line
 * A photo's caption keeps its trailing "… 摄" credit as printed.
 */
#ifndef NFS_SEGMENT_H
#define NFS_SEGMENT_H

#include "nfs.h"

typedef enum {
    ART_NEWS = 0,     /* 本报讯 item */
    ART_FEATURE,      /* longer report with its own byline */
    ART_PHOTO,        /* picture with caption */
    ART_BOX,          /* a standalone short item */
    ART_CONTINUATION, /* the rest of an article begun elsewhere (上接第N版) */
} art_kind;

/* "news", "feature", "photo", "box", "continuation" */
const char *art_kind_name(art_kind k);

typedef struct {
    art_kind kind;
    char *title;    /* main title, never NULL (for a headless item: its first words) */
    char *pretitle; /* 引题 or NULL */
    char *subtitle; /* 副题 or NULL */
    char *byline;   /* reporter line or NULL */
    char *lead;     /* first body paragraph (no byline), or "" */
    char *text;     /* rendered article file, UTF-8, ends with "\n" */
    size_t text_len;
    int *blocks;    /* block numbers, ascending */
    size_t n_blocks;
} seg_article;

typedef struct {
    seg_article *articles;
    size_t n_articles;
    size_t n_blocks; /* blocks in the page */
} seg_result;

/* Segment NFKC-normalised UTF-8 page text. Never fails on any input (an
 * empty page yields no articles); returns 0. */
int segment_page(const char *text, size_t len, seg_result *out);

void seg_result_free(seg_result *r);

#endif
