/* topics.h - the topic taxonomy (a default one compiled in, replaceable by a
 * user's plain-text file) and the classifier that gives each article one to
 * three topics, main topic first, with an explanation of every decision.
 *
 * A taxonomy is immutable once loaded and may be shared by threads.
 */
#ifndef NFS_TOPICS_H
#define NFS_TOPICS_H

#include "article.h"
#include "nfs.h"

typedef struct taxonomy taxonomy;

/* The built-in default taxonomy. */
int taxonomy_default(taxonomy **out, nfs_err *err);
/* Parse a taxonomy from text in the documented format (see the top of
 * src/data/topics.txt); origin names the source (a file name) in error
 * messages, which give the line number: "origin:LINE: reason". */
int taxonomy_parse(const char *text, size_t len, const char *origin, taxonomy **out, nfs_err *err);
int taxonomy_load_file(const char *path, taxonomy **out, nfs_err *err);
void taxonomy_free(taxonomy *t);

size_t taxonomy_size(const taxonomy *t);
const char *taxonomy_topic_name(const taxonomy *t, size_t i); /* the directory name */
/* The text the taxonomy was parsed from (stored in the index so that a
 * change is noticed and articles re-filed). A file that says
 * "@include default" gets a last comment line naming a hash of the
 * built-in default, so that a new default also counts as a change. */
const char *taxonomy_text(const taxonomy *t);

typedef struct {
    int topic;   /* index into the taxonomy */
    float score;
} topic_pick;

typedef struct {
    topic_pick picks[3]; /* main topic first */
    int n;               /* 0 to 3: weak evidence gives no topic rather than a wrong one */
    char *explain;       /* scores and the terms that produced them, one topic per line
                          * (ENRICH_EXPLAIN; NULL otherwise) */
} topic_result;

int topics_classify(const taxonomy *t, const article_view *a, enrich_mode mode, topic_result *out);
void topic_result_free(topic_result *r);

#endif
