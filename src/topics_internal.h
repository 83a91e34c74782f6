/* topics_internal.h - the layout of a parsed taxonomy, shared by the
 * topics-file parser (topics_taxonomy.c) and the classifier (topics.c).
 * Not part of the public interface (see include/topics.h).
 */
#ifndef NFS_TOPICS_INTERNAL_H
#define NFS_TOPICS_INTERNAL_H

#include <stddef.h>

#include "topics.h"
#include "topics_match.h"

/* Tunable constants of the classifier; "@set KEY VALUE" in a topics file
 * changes them (see src/data/topics.txt for their meaning). */
typedef struct {
    float headline;     /* factor for a term found in the headline lines */
    float lead;         /* extra factor for a term found in the lead paragraph */
    float subhead;      /* extra factor for a term found in a subheading inside the body */
    float repeat;       /* weight of repeated body mentions: 1 + repeat * ln(count) */
    float min_score;    /* the main topic needs at least this score */
    float second_ratio; /* further topics need this fraction of the main topic's score */
    float second_min;   /* ... and at least this score */
    int max_topics;     /* 1 to 3 */
} topic_params;

typedef struct {
    char *text;   /* NFKC-normalised, ASCII letters lower-cased */
    size_t len;
    int topic;    /* index into the taxonomy's topics */
    float weight; /* evidence per mention; negative = evidence against */
    int exclude;  /* 1: masks this topic's shorter terms inside it, scores nothing */
} topic_term;

struct taxonomy {
    char *text;         /* what taxonomy_text() returns */
    char **names;       /* directory names, in order */
    size_t n_topics;
    topic_term *terms;  /* term i is matcher pattern i */
    size_t n_terms;
    term_matcher *matcher;
    topic_params params;
};

/* The parameters a taxonomy starts with. */
topic_params topic_params_default(void);

#endif
