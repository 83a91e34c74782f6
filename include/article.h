/* article.h - the read-only view of one article that the enrichers
 * (gazetteer, topics, dates) work on. It is built the same way at index
 * time (from the segmenter's output) and when articles are re-filed from
 * the index without re-reading the corpus, so both give the same results. */
#ifndef NFS_ARTICLE_H
#define NFS_ARTICLE_H

#include "nfs.h"

typedef struct {
    const char *title;    /* main title, never NULL */
    const char *headline; /* all headline lines (pretitle, title, subtitle) joined by '\n' */
    const char *byline;   /* "" when none */
    const char *lead;     /* first body paragraph, "" when none */
    const char *text;     /* the whole article file text */
    size_t text_len;
} article_view;

#endif
