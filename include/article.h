/* article.h - the read-only view of one article that the enrichers
 * (gazetteer, topics, dates) work on. It is built the same way at index
 * time (from the segmenter's output) and when articles are re-filed from
 * the index without re-reading the corpus, so both give the same results. */
#ifndef NFS_ARTICLE_H
#define NFS_ARTICLE_H

#include "nfs.h"
#include "segment.h"

typedef struct {
    const char *title;    /* main title, never NULL */
    const char *headline; /* all headline lines (pretitle, title, subtitle) joined by '\n' */
    const char *byline;   /* "" when none */
    const char *lead;     /* first body paragraph, "" when none */
    const char *text;     /* the whole article file text */
    size_t text_len;
} article_view;

/* Fill a view from a rendered article file (segment.h's layout): the lines
 * before the first blank line are the headline; the longest of them that
 * does not end like a pretitle ("——", ":") is taken as the title; the first
 * body paragraph is the byline when it looks like one, the next the lead.
 * Pointers refer to buf, which is filled and must outlive the view. */
void article_view_from_text(const char *text, size_t len, article_view *v, strbuf *buf);

/* Fill a view from the segmenter's output; headline receives the headline
 * lines (pretitle, title, subtitle) and must outlive the view. */
void article_view_from_seg(const seg_article *a, article_view *v, strbuf *headline);

/* Fill a view from the stored columns of an article (index.h): what the
 * indexer re-files from and the tree explains from. lead is filled with the
 * lead paragraph (text[lead_off .. lead_off+lead_len)) and must outlive v. */
void article_view_from_row(const char *title, const char *headline, const char *byline,
                           const char *text, size_t text_len, size_t lead_off, size_t lead_len,
                           article_view *v, strbuf *lead);

/* What an enricher (gazetteer.h, topics.h) gives besides its decision: the
 * indexer needs only the decision; `newsfs explain` and the why-xattrs also
 * want the account of it, which costs as much again in string building. */
typedef enum {
    ENRICH_DECIDE,  /* the decision only: the result's explain is NULL */
    ENRICH_EXPLAIN, /* the decision and its human-readable account */
} enrich_mode;

#endif
