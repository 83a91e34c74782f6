/* search_bench.c - developer tool: measure the search engine (tokenizer
 * throughput, index size, query latency) on a synthetic corpus made by
 * ../shared/eval/gencorpus.py, independently of the segmenter.
 *
 *   make BUILD=build-tok build-tok/libnewsfs.a
 *   cc -O2 -std=c11 -D_GNU_SOURCE -Iinclude -Isrc src/tools/search_bench.c \
 *      build-tok/libnewsfs.a $(pkg-config --libs fuse3 sqlite3 icu-uc icu-i18n) \
 *      -lpthread -lm -o build-tok/search_bench
 *   build-tok/search_bench load CORPUS_DIR DB     split issues into articles, index them
 *   build-tok/search_bench tok CORPUS_DIR         tokenizer throughput
 *   build-tok/search_bench query DB [N [CHECK]]   latency of N random 1/2/4-char queries,
  *                                                  CHECK=1: each checked by brute force
 *
 * Articles: an issue's blank-line-separated blocks, a new article starting
 * at a short block without final punctuation (the headline heuristic of
 * gencorpus.py) that follows at least MIN_BODY bytes of body.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "index.h"
#include "search.h"
#include "tokenizer.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = nfs_xmalloc((size_t)n + 1);
    *len = fread(buf, 1, (size_t)n, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **list_txt(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        exit(1);
    }
    char **v = NULL;
    size_t cap = 0;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".txt"))
            NFS_VEC_PUSH(v, *n, cap, nfs_xstrdup(e->d_name));
    }
    closedir(d);
    qsort(v, *n, sizeof *v, cmp_str);
    return v;
}

/* A headline block: short, no final punctuation. */
static int is_headline(const char *b, size_t n)
{
    if (n >= 180) /* ~60 characters */
        return 0;
    static const char *ends[] = {"。", "”", ")", "!", "?", "…"};
    for (size_t i = 0; i < NFS_ARRAY_LEN(ends); i++) {
        size_t l = strlen(ends[i]);
        if (n >= l && !memcmp(b + n - l, ends[i], l))
            return 0;
    }
    return 1;
}

typedef struct {
    const char *s;
    size_t n;
} block;

/* gives about 8.5 articles per issue, as gencorpus.py draws them */
#define MIN_BODY 1200

static size_t split_blocks(char *text, size_t len, block **out)
{
    size_t n = 0, cap = 0;
    *out = NULL;
    size_t i = 0;
    while (i < len) {
        while (i < len && (text[i] == '\n' || text[i] == ' '))
            i++;
        size_t start = i;
        while (i < len && !(text[i] == '\n' && i + 1 < len && text[i + 1] == '\n'))
            i++;
        size_t end = i;
        while (end > start && (text[end - 1] == '\n' || text[end - 1] == ' '))
            end--;
        if (end > start) {
            block b = {text + start, end - start};
            NFS_VEC_PUSH(*out, n, cap, b);
        }
    }
    return n;
}

/* Index the articles added since *after (the indexer does it at commit). */
static void fts_add_new(sqlite3 *db, int64_t *after)
{
    nfs_err err;
    if (index_fts_add_after(db, *after, &err) != 0)
        fprintf(stderr, "%s\n", err.msg);
    *after = index_last_article_id(db);
}

static int cmd_load(const char *dir, const char *dbpath)
{
    sqlite3 *db;
    nfs_err err;
    if (index_open_db(dbpath, 0, &db, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    /* experiments: other FTS5 options, extra set-up SQL */
    const char *opts = getenv("NFS_BENCH_FTS_OPTIONS"), *setup = getenv("NFS_BENCH_SETUP");
    const char *cols = getenv("NFS_BENCH_FTS_COLUMNS");
    if (opts || cols) {
        char sql[1024];
        snprintf(sql, sizeof sql,
                 "DROP TABLE fts; CREATE VIRTUAL TABLE fts USING fts5(%s,"
                 " content='articles', content_rowid='id', %s)",
                 cols ? cols : "headline, text", opts ? opts : NFS_FTS_OPTIONS);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "%s\n", sqlite3_errmsg(db));
            return 1;
        }
    }
    if (setup && sqlite3_exec(db, setup, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    size_t nf;
    char **files = list_txt(dir, &nf);
    sqlite3_stmt *src, *art, *txt;
    sqlite3_prepare_v2(db,
                       "INSERT INTO sources(path, issue, size, mtime_ns, hash, indexed_at, date)"
                       " VALUES(?1, ?2, ?3, 0, '', 0, ?4)",
                       -1, &src, NULL);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO articles(source_id, seq, kind, name, vname, title, headline,"
                           " blocks, mtime, size, date, region) VALUES(?1, ?2, 'article', ?3, ?4,"
                           " ?5, ?6, '', 0, ?7, ?9, ?10)",
                           -1, &art, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO article_texts(id, text) VALUES(?1, ?2)", -1, &txt,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    int64_t fts_after = 0;
    double t0 = nfs_now();
    size_t bytes = 0, n_art = 0;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    for (size_t f = 0; f < nf; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[f]);
        size_t len;
        char *text = slurp(path, &len);
        if (!text) {
            perror(path);
            return 1;
        }
        bytes += len;
        char issue[256];
        snprintf(issue, sizeof issue, "%.*s", (int)(strlen(files[f]) - 4), files[f]);
        char date[32];
        snprintf(date, sizeof date, "%04zu-%02zu-%02zu", 2000 + f / 336, 1 + f / 28 % 12,
                 1 + f % 28);
        sqlite3_bind_text(src, 1, path, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(src, 2, issue, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(src, 3, (sqlite3_int64)len);
        sqlite3_bind_text(src, 4, date, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(src) != SQLITE_DONE) {
            fprintf(stderr, "insert source: %s\n", sqlite3_errmsg(db));
            return 1;
        }
        sqlite3_reset(src);
        int64_t sid = sqlite3_last_insert_rowid(db);
        block *b;
        size_t nb = split_blocks(text, len, &b);
        int seq = 0;
        for (size_t i = 0; i < nb;) {
            /* headline blocks, then body blocks up to the next headline
             * block that follows at least MIN_BODY bytes of body */
            size_t h = i;
            while (h < nb && is_headline(b[h].s, b[h].n))
                h++;
            size_t e = h, body_bytes = 0;
            while (e < nb && (!is_headline(b[e].s, b[e].n) || body_bytes < MIN_BODY))
                body_bytes += b[e++].n;
            if (h == i && e == i)
                e = i + 1;
            strbuf headline = {0}, body = {0};
            for (size_t k = i; k < h; k++)
                sb_printf(&headline, "%s%.*s", k > i ? "\n" : "", (int)b[k].n, b[k].s);
            if (!headline.len && e > i)
                sb_printf(&headline, "%.*s", (int)(b[i].n < 60 ? b[i].n : utf8_cut(b[i].s, b[i].n, 60)), b[i].s);
            sb_printf(&body, "%s\n\n", headline.s);
            for (size_t k = h; k < e; k++)
                sb_printf(&body, "%.*s\n\n", (int)b[k].n, b[k].s);
            seq++;
            char name[400], vname[700];
            snprintf(name, sizeof name, "%02d %.*s.txt", seq,
                     (int)utf8_cut(headline.s, headline.len, 200), headline.s);
            snprintf(vname, sizeof vname, "%s %s", issue, name);
            sqlite3_bind_int64(art, 1, sid);
            sqlite3_bind_int(art, 2, seq);
            sqlite3_bind_text(art, 3, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(art, 4, vname, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(art, 5, headline.s, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(art, 6, headline.s, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(art, 7, (sqlite3_int64)body.len);
            sqlite3_bind_text(art, 9, date, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(art, 10, 110000 + (int)(f % 31) * 10000 + (int)(n_art % 3) * 100);
            if (sqlite3_step(art) != SQLITE_DONE) {
                fprintf(stderr, "insert: %s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(art);
            sqlite3_bind_int64(txt, 1, sqlite3_last_insert_rowid(db));
            sqlite3_bind_text(txt, 2, body.s, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(txt) != SQLITE_DONE) {
                fprintf(stderr, "insert text: %s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(txt);
            n_art++;
            sb_free(&headline);
            sb_free(&body);
            i = e;
        }
        free(b);
        free(text);
        if (f % 500 == 499) {
            fts_add_new(db, &fts_after);
            sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL);
            fprintf(stderr, "\r%zu files, %zu articles, %.1f MB/s", f + 1, n_art,
                    bytes / (nfs_now() - t0) / 1e6);
        }
    }
    fts_add_new(db, &fts_after);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    double t_ins = nfs_now() - t0;
    double t1 = nfs_now();
    sqlite3_exec(db, "INSERT INTO fts(fts) VALUES('optimize')", NULL, NULL, NULL);
    double t_opt = nfs_now() - t1;
    sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    sqlite3_finalize(src);
    sqlite3_finalize(art);
    sqlite3_finalize(txt);
    sqlite3_close(db);
    struct stat st;
    stat(dbpath, &st);
    printf("\n%zu files, %zu articles, %.1f MB in %.1f s (%.1f MB/s incl. SQLite), optimize %.1f "
           "s\ndb %.1f MB = %.2fx the text\n",
           nf, n_art, bytes / 1e6, t_ins, bytes / t_ins / 1e6, t_opt, st.st_size / 1e6,
           (double)st.st_size / (double)bytes);
    return 0;
}

static int count_token(void *ctx, const char *tok, int len, int start, int end, int colocated)
{
    (*(size_t *)ctx)++;
    return 0;
}

static int cmd_tok(const char *dir)
{
    size_t nf;
    char **files = list_txt(dir, &nf);
    strbuf all = {0};
    for (size_t f = 0; f < nf && all.len < 64u << 20; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[f]);
        size_t len;
        char *t = slurp(path, &len);
        if (t)
            sb_append(&all, t, len);
        free(t);
    }
    size_t n_tok = 0;
    nfs_tokenize("x", 1, 0, count_token, &n_tok); /* build the tables */
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        n_tok = 0;
        double t0 = nfs_now();
        /* in article-sized pieces, as FTS5 calls it */
        for (size_t off = 0; off < all.len;) {
            size_t n = utf8_cut(all.s + off, all.len - off, 6000);
            if (n == 0)
                n = all.len - off;
            nfs_tokenize(all.s + off, n, 0, count_token, &n_tok);
            off += n;
        }
        double t = nfs_now() - t0;
        if (t < best)
            best = t;
    }
    printf("tokenizer: %.1f MB, %zu tokens, %.1f MB/s (best of 5)\n", all.len / 1e6, n_tok,
           all.len / best / 1e6);
    sb_free(&all);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Random runs of n Han characters from random articles. */
static char *random_query(sqlite3 *db, int n, unsigned *seed)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT text FROM articles WHERE id = ?", -1, &st, NULL);
    int64_t max_id = 0;
    sqlite3_stmt *m;
    sqlite3_prepare_v2(db, "SELECT max(id) FROM articles", -1, &m, NULL);
    if (sqlite3_step(m) == SQLITE_ROW)
        max_id = sqlite3_column_int64(m, 0);
    sqlite3_finalize(m);
    char *out = NULL;
    while (!out) {
        sqlite3_bind_int64(st, 1, 1 + (int64_t)(rand_r(seed) % (unsigned)max_id));
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            size_t len = strlen(t);
            for (int tries = 0; tries < 20 && !out; tries++) {
                size_t off = len ? (size_t)rand_r(seed) % len : 0;
                while (off < len && ((unsigned char)t[off] & 0xC0) == 0x80)
                    off++;
                size_t i = off;
                int k = 0;
                while (k < n && i < len) {
                    uint32_t cp;
                    size_t l = utf8_decode(t + i, len - i, &cp);
                    if (!(cp >= 0x4E00 && cp <= 0x9FFF))
                        break;
                    i += l;
                    k++;
                }
                if (k == n)
                    out = nfs_xstrndup(t + off, i - off);
            }
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return out;
}

/* Articles with a line containing q, by brute force. */
static size_t brute_count(sqlite3 *db, const char *q)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "SELECT count(*) FROM articles WHERE instr(text, ?) > 0", -1, &st,
                       NULL);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    size_t n = 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int cmd_query(const char *dbpath, int n_queries, int check)
{
    sqlite3 *db;
    nfs_err err;
    if (index_open_db(dbpath, 1, &db, &err) != 0) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    static const int lens[] = {1, 2, 4};
    unsigned seed = 20261121;
    for (size_t li = 0; li < NFS_ARRAY_LEN(lens); li++) {
        double *t = nfs_xmalloc((size_t)n_queries * sizeof *t);
        double total_hits = 0;
        size_t bad = 0, max_hits = 0;
        for (int i = 0; i < n_queries; i++) {
            char *q = random_query(db, lens[li], &seed);
            const char *parts[] = {q};
            search_query *sq;
            if (search_parse(NULL, parts, 1, &sq, &err) != 0) {
                fprintf(stderr, "%s: %s\n", q, err.msg);
                return 1;
            }
            double t0 = nfs_now();
            search_results *r;
            if (search_execute(db, sq, &r, &err) != 0) {
                fprintf(stderr, "%s: %s\n", q, err.msg);
                return 1;
            }
            uint64_t pos = 0;
            int64_t id;
            while (search_results_get(r, pos, &id) == 1)
                pos++;
            t[i] = nfs_now() - t0;
            if (pos != search_results_count(r))
                bad++;
            if (check && brute_count(db, q) != pos) {
                fprintf(stderr, "MISMATCH %s: listed %llu, brute force %zu\n", q,
                        (unsigned long long)pos, brute_count(db, q));
                bad++;
            }
            total_hits += (double)pos;
            if (pos > max_hits)
                max_hits = pos;
            search_results_free(r);
            search_query_free(sq);
            free(q);
        }
        qsort(t, (size_t)n_queries, sizeof *t, cmp_double);
        printf("%d-char queries: n=%d median %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms;"
               " mean hits %.0f, max hits %zu; %zu mismatches\n",
               lens[li], n_queries, t[n_queries / 2] * 1e3, t[n_queries * 9 / 10] * 1e3,
               t[n_queries * 99 / 100] * 1e3, t[n_queries - 1] * 1e3, total_hits / n_queries,
               max_hits, bad);
        free(t);
    }
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "load"))
        return cmd_load(argv[2], argv[3]);
    if (argc >= 3 && !strcmp(argv[1], "tok"))
        return cmd_tok(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "query"))
        return cmd_query(argv[2], argc > 3 ? atoi(argv[3]) : 200, argc > 4 ? atoi(argv[4]) : 0);
    fprintf(stderr, "usage: search_bench load CORPUS DB | tok CORPUS | query DB [N [CHECK]]\n");
    return 2;
}
