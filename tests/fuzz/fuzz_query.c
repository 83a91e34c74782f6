/* fuzz_query.c - libFuzzer harness: any directory names under search/
 * parse into a valid query or a readable error, and a valid query runs
 * against a small index without crashing or an SQL/FTS5 syntax error.
 * Input: path components separated by '/'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gazetteer.h"
#include "index.h"
#include "search.h"
#include "topics.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static sqlite3 *db;
static search_env env;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static gazetteer *gaz;
    static taxonomy *tax;
    nfs_err err;
    char path[64];
    snprintf(path, sizeof path, "/tmp/newsfs-fuzz-query-%d.db", (int)getpid());
    unlink(path);
    if (gaz_open(&gaz, &err) != 0 || taxonomy_default(&tax, &err) != 0 ||
        index_open_db(path, 0, &db, &err) != 0) {
        fprintf(stderr, "fuzz_query setup: %s\n", err.msg);
        abort();
    }
    env.gaz = gaz;
    env.tax = tax;
    const char *sql =
        "INSERT INTO sources(id, path, issue, size, mtime_ns, hash, indexed_at)"
        " VALUES(1, 'a.txt', 'a', 1, 1, 'x', 1);"
        "INSERT INTO articles(id, source_id, seq, kind, name, vname, title, headline, blocks,"
        " mtime, size, region, date) VALUES"
        " (1, 1, 1, 'news', '01 工会.txt', 'v1', '工会', '工会', '0', 1, 10, 220100, '2020-11-23'),"
        " (2, 1, 2, 'news', '02 技能.txt', 'v2', '技能', '技能', '1', 1, 10, 330500, '2021-03');"
        "INSERT INTO article_texts(id, text) VALUES"
        " (1, '工会\n\n本报讯 長春市总工会举办劳模工匠宣讲 ABC 123。\n'),"
        " (2, '技能\n\n本报讯 职工技能大赛在湖州举行。\n');"
        "INSERT INTO topics(id, name) VALUES(1, '劳模工匠');"
        "INSERT INTO article_topics(topic_id, article_id, rank, score) VALUES(1, 1, 0, 5);";
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "fuzz_query setup: %s\n", msg);
        abort();
    }
    if (index_fts_add_after(db, 0, &err) != 0) { /* as the indexer does at commit */
        fprintf(stderr, "fuzz_query setup: %s\n", err.msg);
        abort();
    }
    unlink(path); /* the open connection keeps it */
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *buf = malloc(size + 1);
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *parts[64];
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(buf, "/", &save); p && n < 64; p = strtok_r(NULL, "/", &save))
        parts[n++] = p;
    if (n == 0) {
        free(buf);
        return 0;
    }
    search_query *q = NULL;
    nfs_err err;
    err.msg[0] = '\0';
    if (search_parse(&env, parts, n, &q, &err) != 0) {
        if (!err.msg[0])
            abort(); /* a malformed query must say why */
    } else {
        search_results *r = NULL;
        if (search_execute(db, q, &r, &err) != 0) {
            fprintf(stderr, "valid query failed to run: %s\n", err.msg);
            abort();
        }
        int64_t id;
        for (uint64_t pos = 0; pos < 10 && search_results_get(r, pos, &id) == 1; pos++)
            if (search_matches(db, q, id) != 1)
                abort(); /* listed but does not match */
        search_results_free(r);
        search_query_free(q);
    }
    free(buf);
    return 0;
}
