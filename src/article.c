/* article.c - build the article_view the enrichers read: from the
 * segmenter's output (index time) or from a rendered article file
 * ("newsfs enrich --article", tests). */
#include "article.h"

#include <string.h>

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* A paragraph that is only a reporter line: short and naming reporters. */
static int looks_like_byline(const char *s, size_t n)
{
    if (n == 0 || n > 120)
        return 0;
    static const char *marks[] = {"本报记者", "本报通讯员", "通讯员", "记者", "本报讯", "新华社"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(marks); i++)
        if (n >= strlen(marks[i]) && memcmp(s, marks[i], strlen(marks[i])) == 0)
            return !ends_with(s, n, "。");
    return 0;
}

void article_view_from_text(const char *text, size_t len, article_view *v, strbuf *buf)
{
    /* buf holds: headline \0 title \0 byline \0 lead \0 text \0 */
    sb_clear(buf);
    size_t p = 0;
    while (p < len && text[p] == '\n')
        p++;
    size_t head_start = p;
    const char *blank = NULL;
    for (size_t i = p; i + 1 < len; i++)
        if (text[i] == '\n' && text[i + 1] == '\n') {
            blank = text + i;
            break;
        }
    size_t head_end = blank ? (size_t)(blank - text) : len;
    size_t off_headline = buf->len;
    sb_append(buf, text + head_start, head_end - head_start);
    sb_putc(buf, '\0');

    /* title: the longest headline line that is not a pretitle */
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t i = head_start; i < head_end;) {
        const char *nl = memchr(text + i, '\n', head_end - i);
        size_t e = nl ? (size_t)(nl - text) : head_end;
        size_t n = e - i;
        int pre = ends_with(text + i, n, "——") || ends_with(text + i, n, ":");
        if (n && (!best || (!pre && n > best_len))) {
            best = text + i;
            best_len = n;
        }
        i = e + 1;
    }
    size_t off_title = buf->len;
    sb_append(buf, best ? best : "", best ? best_len : 0);
    sb_putc(buf, '\0');

    /* body paragraphs: byline (optional), lead */
    const char *para[2] = {NULL, NULL};
    size_t plen[2] = {0, 0};
    int np = 0;
    for (size_t i = head_end; i < len && np < 2;) {
        while (i < len && text[i] == '\n')
            i++;
        if (i >= len)
            break;
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len;
        para[np] = text + i;
        plen[np] = e - i;
        np++;
        i = e;
    }
    size_t off_byline = buf->len;
    int lead_idx = 0;
    if (np > 0 && looks_like_byline(para[0], plen[0])) {
        sb_append(buf, para[0], plen[0]);
        lead_idx = 1;
    }
    sb_putc(buf, '\0');
    size_t off_lead = buf->len;
    if (lead_idx < np)
        sb_append(buf, para[lead_idx], plen[lead_idx]);
    sb_putc(buf, '\0');
    size_t off_text = buf->len;
    sb_append(buf, text, len);

    v->headline = buf->s + off_headline;
    v->title = buf->s + off_title;
    v->byline = buf->s + off_byline;
    v->lead = buf->s + off_lead;
    v->text = buf->s + off_text;
    v->text_len = len;
}

/* Headline lines of a segmented article joined by '\n' (pretitle, title, subtitle). */
static void seg_headline(const seg_article *a, strbuf *sb)
{
    sb_clear(sb);
    const char *parts[] = {a->pretitle, a->title, a->subtitle};
    for (size_t i = 0; i < 3; i++) {
        if (!parts[i])
            continue;
        if (sb->len)
            sb_putc(sb, '\n');
        sb_puts(sb, parts[i]);
    }
}

void article_view_from_seg(const seg_article *a, article_view *v, strbuf *headline)
{
    seg_headline(a, headline);
    v->title = a->title;
    v->headline = headline->s ? headline->s : "";
    v->byline = a->byline ? a->byline : "";
    v->lead = a->lead ? a->lead : "";
    v->text = a->text;
    v->text_len = a->text_len;
}


void article_view_from_row(const char *title, const char *headline, const char *byline,
                           const char *text, size_t text_len, size_t lead_off, size_t lead_len,
                           article_view *v, strbuf *lead)
{
    sb_clear(lead);
    if (text && lead_off <= text_len && lead_len <= text_len - lead_off)
        sb_append(lead, text + lead_off, lead_len);
    v->title = title ? title : "";
    v->headline = headline ? headline : "";
    v->byline = byline ? byline : "";
    v->lead = lead->s ? lead->s : "";
    v->text = text ? text : "";
    v->text_len = text ? text_len : 0;
}
