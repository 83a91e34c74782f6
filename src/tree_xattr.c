/* tree_xattr.c - extended attributes of articles (tree.h): what newsfs knows
 * about an article, readable with getfattr -d, and the freedesktop names
 * desktop tools show (user.xdg.tags, user.xdg.comment).
 *
 * listxattr is a constant list (no database access); getxattr reads one
 * row. Names outside "user." (security.*, system.posix_acl_*, which ls and
 * cp probe) answer EOPNOTSUPP at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "tree_internal.h"

typedef enum {
    X_TITLE,
    X_KIND,
    X_BYLINE,
    X_REGION,
    X_TOPICS,
    X_DATE,
    X_DATE_SOURCE,
    X_SOURCE,
    X_BLOCKS,
    X_WHY_REGION,
    X_WHY_TOPICS,
    X_XDG_TAGS,
    X_XDG_COMMENT,
    X_COUNT
} xattr_id;

static const char *const xattr_names[X_COUNT] = {
    [X_TITLE] = "user.newsfs.title",
    [X_KIND] = "user.newsfs.kind",
    [X_BYLINE] = "user.newsfs.byline",
    [X_REGION] = "user.newsfs.region",
    [X_TOPICS] = "user.newsfs.topics",
    [X_DATE] = "user.newsfs.date",
    [X_DATE_SOURCE] = "user.newsfs.date_source",
    [X_SOURCE] = "user.newsfs.source",
    [X_BLOCKS] = "user.newsfs.blocks",
    [X_WHY_REGION] = "user.newsfs.why_region",
    [X_WHY_TOPICS] = "user.newsfs.why_topics",
    [X_XDG_TAGS] = "user.xdg.tags",
    [X_XDG_COMMENT] = "user.xdg.comment",
};

static const char *col(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    return s ? s : "";
}

/* Columns of Q_XATTR. */
enum {
    XC_KIND, XC_TITLE, XC_PRETITLE, XC_SUBTITLE, XC_BYLINE, XC_BLOCKS, XC_DATE, XC_DATE_SOURCE,
    XC_REGION, XC_ISSUE, XC_PATH, XC_DATE_CONFIDENCE, XC_SEQ, XC_TOPICS
};

/* Why the article got its region or its topics: the enrichers run again on
 * the stored text with the index's taxonomy (deterministic, ~20 us), rather
 * than storing explanations as big as a third of the corpus. */
static int explain(tree_conn *c, uint64_t id, int region, strbuf *out)
{
    sqlite3_stmt *st = tree_stmt(c, Q_ARTICLE_ROW);
    sqlite3_bind_int64(st, 1, (int64_t)id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? -ENOENT : -EIO;
    }
    strbuf lead = {0};
    article_view v;
    article_view_from_row((const char *)sqlite3_column_text(st, 0),
                          (const char *)sqlite3_column_text(st, 1),
                          (const char *)sqlite3_column_text(st, 2),
                          (const char *)sqlite3_column_text(st, 5),
                          (size_t)sqlite3_column_bytes(st, 5), (size_t)sqlite3_column_int64(st, 3),
                          (size_t)sqlite3_column_int64(st, 4), &v, &lead);
    if (region) {
        gaz_result gr;
        gaz_locate(c->t->gaz, &v, ENRICH_EXPLAIN, &gr);
        sb_puts(out, gr.explain ? gr.explain : "");
        gaz_result_free(&gr);
    } else {
        topic_result tr;
        topics_classify(tree_taxonomy(c->t), &v, ENRICH_EXPLAIN, &tr);
        sb_puts(out, tr.explain ? tr.explain : "");
        topic_result_free(&tr);
    }
    sb_free(&lead);
    sqlite3_reset(st);
    return 0;
}

static int article_xattr(tree_conn *c, uint64_t id, xattr_id which, strbuf *out)
{
    if (which == X_WHY_REGION || which == X_WHY_TOPICS)
        return explain(c, id, which == X_WHY_REGION, out);
    sqlite3_stmt *st = tree_stmt(c, Q_XATTR);
    sqlite3_bind_int64(st, 1, (int64_t)id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? -ENOENT : -EIO;
    }
    switch (which) {
    case X_TITLE:
        sb_puts(out, col(st, XC_TITLE));
        break;
    case X_KIND:
        sb_puts(out, col(st, XC_KIND));
        break;
    case X_BYLINE:
        sb_puts(out, col(st, XC_BYLINE));
        break;
    case X_REGION: {
        char path[512];
        gaz_path(c->t->gaz, (uint32_t)sqlite3_column_int64(st, XC_REGION), path, sizeof path);
        sb_puts(out, path);
        break;
    }
    case X_TOPICS:
    case X_XDG_TAGS:
        sb_puts(out, col(st, XC_TOPICS));
        break;
    case X_DATE:
        sb_puts(out, col(st, XC_DATE));
        break;
    case X_DATE_SOURCE:
        sb_puts(out, col(st, XC_DATE_SOURCE));
        break;
    case X_SOURCE:
        sb_printf(out, "%s (issue %s, article %d)", col(st, XC_PATH), col(st, XC_ISSUE),
                  sqlite3_column_int(st, XC_SEQ));
        break;
    case X_BLOCKS:
        sb_puts(out, col(st, XC_BLOCKS));
        break;
    case X_WHY_REGION:
    case X_WHY_TOPICS: /* handled above */
    case X_XDG_COMMENT:
        sb_puts(out, col(st, XC_TITLE));
        if (*col(st, XC_BYLINE))
            sb_printf(out, " — %s", col(st, XC_BYLINE));
        break;
    case X_COUNT:
        break;
    }
    sqlite3_reset(st);
    return 0;
}

/* Copy value to buf per the xattr protocol. */
static ssize_t reply_value(const char *value, size_t len, char *buf, size_t size)
{
    if (size == 0)
        return (ssize_t)len;
    if (len > size)
        return -ERANGE;
    memcpy(buf, value, len);
    return (ssize_t)len;
}

ssize_t tree_getxattr(tree_conn *c, nfs_ino ino, const char *name, char *buf, size_t size)
{
    /* No security labels, ACLs or trusted attributes here: EOPNOTSUPP (not
     * ENODATA) lets ls -l and cp -a note it once per filesystem instead of
     * asking again for every file. */
    if (strncmp(name, "user.", 5) != 0)
        return -EOPNOTSUPP;
    if (tree_ino_tag(ino) != TAG_ARTICLE)
        return -ENODATA;
    xattr_id which = X_COUNT;
    for (int i = 0; i < X_COUNT; i++)
        if (!strcmp(name, xattr_names[i]))
            which = (xattr_id)i;
    if (which == X_COUNT)
        return -ENODATA;
    strbuf v = {0};
    int rc = article_xattr(c, tree_ino_id(ino), which, &v);
    ssize_t r = rc != 0 ? rc : reply_value(v.s ? v.s : "", v.len, buf, size);
    sb_free(&v);
    return r;
}

ssize_t tree_listxattr(tree_conn *c, nfs_ino ino, char *buf, size_t size)
{
    if (tree_ino_tag(ino) != TAG_ARTICLE)
        return reply_value("", 0, buf, size);
    char list[1024];
    size_t n = 0;
    for (int i = 0; i < X_COUNT; i++) {
        size_t l = strlen(xattr_names[i]) + 1;
        memcpy(list + n, xattr_names[i], l);
        n += l;
    }
    return reply_value(list, n, buf, size);
}
