/* topics.c - STUB: an empty taxonomy. Replaced by the real classifier. */
#include "topics.h"

#include <stdlib.h>
#include <string.h>

struct taxonomy {
    char *text;
};

int taxonomy_default(taxonomy **out, nfs_err *err)
{
    return taxonomy_parse("", 0, "default", out, err);
}

int taxonomy_parse(const char *text, size_t len, const char *origin, taxonomy **out, nfs_err *err)
{
    *out = nfs_xcalloc(1, sizeof **out);
    (*out)->text = nfs_xstrndup(text, len);
    return 0;
}

int taxonomy_load_file(const char *path, taxonomy **out, nfs_err *err)
{
    return nfs_err_set(err, "%s: topics files are not supported yet", path);
}

void taxonomy_free(taxonomy *t)
{
    if (t)
        free(t->text);
    free(t);
}

size_t taxonomy_size(const taxonomy *t) { return 0; }
const char *taxonomy_topic_name(const taxonomy *t, size_t i) { return NULL; }
const char *taxonomy_text(const taxonomy *t) { return t->text; }

int topics_classify(const taxonomy *t, const article_view *a, topic_result *out)
{
    memset(out, 0, sizeof *out);
    out->explain = nfs_xstrdup("");
    return 0;
}

void topic_result_free(topic_result *r)
{
    free(r->explain);
    memset(r, 0, sizeof *r);
}
