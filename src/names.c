/* names.c - valid, readable file names for articles and issues (names.h). */
#include "names.h"

#include <stdio.h>
#include <string.h>

/* Append title to sb cleaned (see names.h). */
static void clean_title(const char *title, strbuf *sb)
{
    size_t start = sb->len;
    size_t len = strlen(title);
    int pending_space = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(title + i, len - i, &cp);
        i += n;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp == ' ' || cp == 0x3000 ||
            cp == 0x2028 || cp == 0x2029) {
            pending_space = sb->len > start;
            continue;
        }
        if (pending_space) {
            sb_putc(sb, ' ');
            pending_space = 0;
        }
        if (cp == '/')
            cp = 0xFF0F;
        char buf[4];
        sb_append(sb, buf, utf8_encode(cp, buf));
    }
    if (sb->len == start)
        sb_puts(sb, "无题");
}

char *names_make(const char *prefix, const char *title, const char *suffix)
{
    strbuf t = {0};
    clean_title(title ? title : "", &t);
    size_t pl = strlen(prefix), sl = strlen(suffix);
    size_t room = NFS_NAME_MAX > pl + sl ? NFS_NAME_MAX - pl - sl : 0;
    size_t tl = utf8_cut(t.s, t.len, room);
    while (tl > 0 && t.s[tl - 1] == ' ')
        tl--;
    strbuf out = {0};
    sb_append(&out, prefix, pl);
    sb_append(&out, t.s, tl);
    sb_append(&out, suffix, sl);
    sb_free(&t);
    if (out.len > NFS_NAME_MAX) { /* absurdly long prefix/suffix: cut the end */
        out.len = utf8_cut(out.s, out.len, NFS_NAME_MAX);
        out.s[out.len] = '\0';
    }
    return sb_steal(&out);
}

char *names_issue_entry(int seq, int n_in_issue, const char *title)
{
    int width = 2;
    for (int n = n_in_issue; n >= 100; n /= 10)
        width++;
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%0*d ", width, seq);
    return names_make(prefix, title, ".txt");
}

char *names_view_entry(const char *date, const char *issue, int seq, const char *title,
                       const char *disambig)
{
    strbuf prefix = {0}, suffix = {0};
    if (date && *date)
        sb_printf(&prefix, "%s ", date);
    else
        sb_printf(&prefix, "%s %02d ", issue, seq);
    if (disambig)
        sb_printf(&suffix, " (%s)", disambig);
    sb_puts(&suffix, ".txt");
    char *name = names_make(prefix.s, title, suffix.s);
    sb_free(&prefix);
    sb_free(&suffix);
    return name;
}

char *names_issue_dir(const char *rel)
{
    size_t len = strlen(rel);
    if (len > 4 && strcasecmp(rel + len - 4, ".txt") == 0)
        len -= 4;
    strbuf sb = {0};
    for (size_t i = 0; i < len; i++)
        sb_putc(&sb, rel[i] == '/' ? '_' : rel[i]);
    char *name = names_make("", sb.s ? sb.s : "", "");
    sb_free(&sb);
    return name;
}
