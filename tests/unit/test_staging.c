/* test_staging.c - a first index built beside its path: the staging file
 * is created and locked, a second run is refused while it lives, a
 * leftover of a dead run is removed, publication gives the final name and
 * never replaces a file that appeared meanwhile. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "staging.h"
#include "testlib.h"

static char dir[] = "/tmp/newsfs-staging-XXXXXX";

static char *path_in(const char *name)
{
    strbuf sb = {0};
    sb_printf(&sb, "%s/%s", dir, name);
    return sb_steal(&sb);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_first_build_is_published_whole(void)
{
    char *db = path_in("a.db"), *building = path_in("a.db.building");
    staging s;
    nfs_err err;
    CHECK_INT(staging_begin(db, &s, &err), 1);
    CHECK_STR(s.path, building);
    CHECK(exists(building));
    CHECK(!exists(db));
    /* a second run while the first lives: refused, nothing touched */
    staging other;
    CHECK_INT(staging_begin(db, &other, &err), -1);
    CHECK(strstr(err.msg, "another newsfs index run") != NULL);
    CHECK(exists(building));
    write_file(building, "the whole index");
    CHECK_INT(staging_publish(&s, db, &err), 0);
    CHECK(exists(db));
    CHECK(!exists(building));
    /* the index exists now: later runs update it in place */
    CHECK_INT(staging_begin(db, &s, &err), 0);
    CHECK(s.path == NULL);
    unlink(db);
    free(db);
    free(building);
}

static void test_leftover_is_removed(void)
{
    char *db = path_in("b.db"), *building = path_in("b.db.building");
    char *wal = path_in("b.db.building-wal");
    write_file(building, "a dead run's partial build");
    write_file(wal, "and its log");
    staging s;
    nfs_err err;
    CHECK_INT(staging_begin(db, &s, &err), 1); /* nobody holds it: removed, started anew */
    struct stat st;
    CHECK(stat(building, &st) == 0 && st.st_size == 0);
    CHECK(!exists(wal));
    staging_abandon(&s);
    CHECK(!exists(building));
    CHECK(!exists(db));
    /* a leftover beside an existing index (a crash after the link) goes too */
    write_file(db, "index");
    write_file(building, "index");
    CHECK_INT(staging_begin(db, &s, &err), 0);
    CHECK(!exists(building));
    CHECK(exists(db));
    unlink(db);
    free(db);
    free(building);
    free(wal);
}

static void test_publish_never_replaces(void)
{
    char *db = path_in("c.db"), *building = path_in("c.db.building");
    staging s;
    nfs_err err;
    CHECK_INT(staging_begin(db, &s, &err), 1);
    write_file(building, "new");
    write_file(db, "made by someone else meanwhile");
    CHECK_INT(staging_publish(&s, db, &err), -1);
    CHECK(strstr(err.msg, "appeared") != NULL);
    FILE *f = fopen(db, "r");
    char buf[64] = {0};
    CHECK(f && fgets(buf, sizeof buf, f));
    if (f)
        fclose(f);
    CHECK_STR(buf, "made by someone else meanwhile");
    CHECK(!exists(building));
    unlink(db);
    free(db);
    free(building);
}

static void test_unclean_build_is_not_published(void)
{
    char *db = path_in("d.db"), *wal = path_in("d.db.building-wal");
    staging s;
    nfs_err err;
    CHECK_INT(staging_begin(db, &s, &err), 1);
    write_file(wal, "pages never checkpointed");
    CHECK_INT(staging_publish(&s, db, &err), -1);
    CHECK(!exists(db));
    CHECK(!exists(wal));
    free(db);
    free(wal);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    RUN(test_first_build_is_published_whole);
    RUN(test_leftover_is_removed);
    RUN(test_publish_never_replaces);
    RUN(test_unclean_build_is_not_published);
    rmdir(dir);
    return tl_done();
}
