/* search.c - STUB: queries are not supported yet. */
#include "search.h"

int search_parse(const search_env *env, const char *const *parts, size_t n, search_query **out,
                 nfs_err *err)
{
    *out = NULL;
    return nfs_err_set(err, "search is not implemented yet");
}

void search_query_free(search_query *q) {}

int search_execute(sqlite3 *db, const search_query *q, search_results **out, nfs_err *err)
{
    *out = NULL;
    return nfs_err_set(err, "search is not implemented yet");
}

uint64_t search_results_count(search_results *r) { return 0; }
int search_results_get(search_results *r, uint64_t pos, int64_t *article_id) { return 0; }
void search_results_free(search_results *r) {}
int search_matches(sqlite3 *db, const search_query *q, int64_t article_id) { return 0; }
int search_snippets(sqlite3 *db, const search_query *q, size_t limit, strbuf *out, nfs_err *err)
{
    return nfs_err_set(err, "search is not implemented yet");
}
