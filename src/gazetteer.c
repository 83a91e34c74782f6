/* gazetteer.c - STUB: knows no places. Replaced by the real gazetteer. */
#include "gazetteer.h"

#include <stdlib.h>
#include <string.h>

struct gazetteer {
    int unused;
};

int gaz_open(gazetteer **out, nfs_err *err)
{
    *out = nfs_xcalloc(1, sizeof **out);
    return 0;
}

void gaz_close(gazetteer *g) { free(g); }

int gaz_locate(const gazetteer *g, const article_view *a, gaz_result *out)
{
    memset(out, 0, sizeof *out);
    out->explain = nfs_xstrdup("stub");
    return 0;
}

void gaz_result_free(gaz_result *r)
{
    free(r->hits);
    free(r->explain);
    memset(r, 0, sizeof *r);
}

const char *gaz_name(const gazetteer *g, uint32_t code) { return code ? NULL : "全国"; }
uint32_t gaz_parent(const gazetteer *g, uint32_t code) { return 0; }
int gaz_level(const gazetteer *g, uint32_t code) { return 0; }
size_t gaz_path(const gazetteer *g, uint32_t code, char *buf, size_t n)
{
    const char *s = "全国";
    size_t l = strlen(s);
    if (n > l)
        memcpy(buf, s, l + 1);
    return l;
}
size_t gaz_children(const gazetteer *g, uint32_t code, const uint32_t **out)
{
    *out = NULL;
    return 0;
}
uint32_t gaz_child_by_name(const gazetteer *g, uint32_t parent, const char *name, int *canonical)
{
    return 0;
}
uint32_t gaz_find(const gazetteer *g, const char *name) { return 0; }
