/* test_charidx.c - the one-character index (charidx.h) on its own: the
 * sink's lists across flushes and over long rows, nfs_chars() with bounds
 * on id, deleted articles skipped then purged, and feeding faults
 * reported. */
#include <stdint.h>
#include <unistd.h>

#include "charidx.h"
#include "index.h"
#include "nfs.h"
#include "testlib.h"
#include "tokenizer.h"

static sqlite3 *open_tmp(char *path)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    close(fd);
    unlink(path);
    sqlite3 *db = NULL;
    nfs_err err;
    if (index_open_db(path, 0, &db, &err) != 0)
        return NULL;
    return db;
}

static void close_tmp(sqlite3 *db, const char *path)
{
    sqlite3_close(db);
    tl_remove_db(path);
}

/* The ids SQL gives, as "1,2,3" (caller frees). */
static char *ids_of(sqlite3 *db, const char *sql)
{
    strbuf out = {0};
    sb_puts(&out, "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        sb_printf(&out, "error: %s", sqlite3_errmsg(db));
        return sb_steal(&out);
    }
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW)
        sb_printf(&out, "%s%lld", n++ ? "," : "", (long long)sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return sb_steal(&out);
}

#define CHECK_IDS(db, sql, want)                                                      \
    do {                                                                              \
        char *got_ = ids_of(db, sql);                                                 \
        CHECK_MSG(strcmp(got_, want) == 0, "%s: got {%s}, want {%s}", sql, got_, want); \
        free(got_);                                                                   \
    } while (0)

/* Article id has character 0x5DE5 (工) in the text when id % 3 == 0, 0x4F1A
 * (会) in the text always and in the headline when id is even. */
static void feed(char_sink *s, int64_t from, int64_t to)
{
    for (int64_t id = from; id <= to; id++) {
        char_sink_row(s, id);
        int col = char_sink_column(s);
        if (id % 3 == 0) {
            char_sink_add(s, 0x5DE5, col);
            char_sink_add(s, 0x5DE5, col); /* a repeat counts once */
        }
        char_sink_add(s, 0x4F1A, col);
        col = char_sink_column(s);
        if (id % 2 == 0)
            char_sink_add(s, 0x4F1A, col);
    }
}

static void test_lists_and_bounds(void)
{
    char path[] = "/tmp/nfs-chars-XXXXXX";
    sqlite3 *db = open_tmp(path);
    if (!db)
        SKIP("no temporary index");
    nfs_err err;
    char_sink *s = char_sink_new();
    feed(s, 1, 10);
    CHECK(char_sink_flush(s, db, &err) == 0);
    feed(s, 11, 400); /* a second flush: a second row per list, gaps >= 128 below */
    CHECK(char_sink_flush(s, db, &err) == 0);
    char_sink_row(s, 1000);
    char_sink_add(s, 0x5DE5, char_sink_column(s));
    CHECK(char_sink_flush(s, db, &err) == 0);
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id < 13", "3,6,9,12");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id > 390", "393,396,399,1000");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id BETWEEN 9 AND 15", "9,12,15");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id = 399", "399");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id = 400", "");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(20250, 1) WHERE id <= 8", "2,4,6,8");
    CHECK_IDS(db, "SELECT count(*) FROM nfs_chars(20250, 0)", "400");
    CHECK_IDS(db, "SELECT count(*) FROM nfs_chars(20250, 1)", "200");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 1)", "");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(1, 0)", "");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(NULL, 0)", "");
    /* without its arguments the function cannot be used */
    char *e = ids_of(db, "SELECT id FROM nfs_chars");
    CHECK_MSG(strncmp(e, "error", 5) == 0, "%s", e);
    free(e);
    /* deleted articles: skipped while in char_dead, gone after the purge */
    CHECK(sqlite3_exec(db, "INSERT INTO char_dead(id) VALUES(3),(12),(1000)", NULL, NULL, NULL) ==
          SQLITE_OK);
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id < 16", "6,9,15");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id > 396", "399");
    CHECK(char_idx_purge(db, &err) == 0);
    CHECK_IDS(db, "SELECT count(*) FROM char_dead", "0");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0) WHERE id < 16", "6,9,15");
    CHECK_IDS(db, "SELECT count(*) FROM nfs_chars(24037, 0)", "131");
    CHECK_IDS(db, "SELECT count(*) FROM char_docs WHERE first_id = 1000", "0");
    char_sink_free(s);
    close_tmp(db, path);
}

/* A row passes more characters than the sink keeps before adding them to
 * its lists (supplementary characters reach it with their repeats): each
 * still counts once for the row, and the next rows are unaffected. */
static void test_long_row(void)
{
    char path[] = "/tmp/nfs-chars-XXXXXX";
    sqlite3 *db = open_tmp(path);
    if (!db)
        SKIP("no temporary index");
    nfs_err err;
    char_sink *s = char_sink_new();
    char_sink_row(s, 5);
    int col = char_sink_column(s);
    for (int rep = 0; rep < 3; rep++)
        for (uint32_t cp = 0x20000; cp < 0x20000 + 5000; cp++)
            char_sink_add(s, cp, col);
    char_sink_row(s, 7);
    char_sink_add(s, 0x20000, char_sink_column(s));
    CHECK(char_sink_flush(s, db, &err) == 0);
    CHECK_IDS(db, "SELECT id FROM nfs_chars(131072, 0)", "5,7");
    CHECK_IDS(db, "SELECT id FROM nfs_chars(136071, 0)", "5");
    CHECK_IDS(db, "SELECT count(*) FROM char_docs", "5000");
    char_sink_free(s);
    close_tmp(db, path);
}

static void test_faults(void)
{
    char path[] = "/tmp/nfs-chars-XXXXXX";
    sqlite3 *db = open_tmp(path);
    if (!db)
        SKIP("no temporary index");
    nfs_err err;
    char_sink *s = char_sink_new();
    /* no current article: nothing recorded */
    CHECK(char_sink_column(s) == -1);
    /* a third column of one article */
    char_sink_row(s, 1);
    CHECK(char_sink_column(s) == 0);
    CHECK(char_sink_column(s) == 1);
    CHECK(char_sink_column(s) == -1);
    CHECK(char_sink_flush(s, db, &err) == -1);
    CHECK_MSG(strstr(err.msg, "one-character index") != NULL, "%s", err.msg);
    /* ids going backwards */
    char_sink_row(s, 5);
    char_sink_add(s, 0x5DE5, char_sink_column(s));
    char_sink_row(s, 4);
    CHECK(char_sink_flush(s, db, &err) == -1);
    CHECK_IDS(db, "SELECT count(*) FROM char_docs", "0");
    /* after a fault the sink starts afresh */
    char_sink_row(s, 7);
    char_sink_add(s, 0x5DE5, char_sink_column(s));
    CHECK(char_sink_flush(s, db, &err) == 0);
    CHECK_IDS(db, "SELECT id FROM nfs_chars(24037, 0)", "7");
    char_sink_free(s);
    close_tmp(db, path);
}

static void test_term_char(void)
{
    CHECK(char_idx_term_char("工") == 0x5DE5);
    CHECK(char_idx_term_char("會") == 0x4F1A); /* folded to simplified */
    CHECK(char_idx_term_char("“工”") == 0x5DE5);
    CHECK(char_idx_term_char("abc") == 0);
    CHECK(char_idx_term_char("") == 0);
}

int main(void)
{
    nfs_err err;
    if (nfs_tokenizer_ready(&err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    RUN(test_lists_and_bounds);
    RUN(test_long_row);
    RUN(test_faults);
    RUN(test_term_char);
    return tl_done();
}
