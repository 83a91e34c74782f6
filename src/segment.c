/* segment.c - STUB: one article per page. Replaced by the real segmenter. */
#include "segment.h"

#include <stdlib.h>
#include <string.h>

const char *art_kind_name(art_kind k)
{
    static const char *names[] = {"news", "feature", "photo", "box", "continuation"};
    return (unsigned)k < NFS_ARRAY_LEN(names) ? names[k] : "news";
}

int segment_page(const char *text, size_t len, seg_result *out)
{
    memset(out, 0, sizeof *out);
    while (len && (text[0] == '\n' || text[0] == ' ')) {
        text++;
        len--;
    }
    if (!len)
        return 0;
    seg_article *a = nfs_xcalloc(1, sizeof *a);
    const char *nl = memchr(text, '\n', len);
    size_t tl = nl ? (size_t)(nl - text) : len;
    a->title = nfs_xstrndup(text, tl);
    a->lead = nfs_xstrdup("");
    strbuf sb = {0};
    sb_append(&sb, text, len);
    if (sb.s[sb.len - 1] != '\n')
        sb_putc(&sb, '\n');
    a->text_len = sb.len;
    a->text = sb_steal(&sb);
    a->blocks = nfs_xcalloc(1, sizeof(int));
    a->n_blocks = 1;
    out->articles = a;
    out->n_articles = 1;
    out->n_blocks = 1;
    return 0;
}

void seg_result_free(seg_result *r)
{
    for (size_t i = 0; i < r->n_articles; i++) {
        seg_article *a = &r->articles[i];
        free(a->title);
        free(a->pretitle);
        free(a->subtitle);
        free(a->byline);
        free(a->lead);
        free(a->text);
        free(a->blocks);
    }
    free(r->articles);
    memset(r, 0, sizeof *r);
}
