/* rank.c - nfs_rank(), the FTS5 auxiliary function that ranks search
 * results: bm25 without document-length normalisation (see rank.h). */
#include "rank.h"

#include <math.h>
#include <stdlib.h>

#define K1 1.2
#define MAX_COLUMNS 16

/* Per query: the idf of each phrase. */
typedef struct {
    int n_phrases;
    double idf[];
} rank_data;

static int count_row(const Fts5ExtensionApi *x, Fts5Context *fc, void *ctx)
{
    (*(sqlite3_int64 *)ctx)++;
    return SQLITE_OK;
}

/* idf of every phrase, as bm25() computes it. With one phrase the idf
 * scales every score alike and is not computed (it costs a pass over the
 * phrase's matches). */
static rank_data *rank_data_of(const Fts5ExtensionApi *x, Fts5Context *fc, int *rc)
{
    rank_data *d = x->xGetAuxdata(fc, 0);
    if (d)
        return d;
    int n = x->xPhraseCount(fc);
    d = sqlite3_malloc64(sizeof *d + (size_t)(n > 0 ? n : 1) * sizeof(double));
    if (!d) {
        *rc = SQLITE_NOMEM;
        return NULL;
    }
    d->n_phrases = n;
    for (int i = 0; i < n; i++)
        d->idf[i] = 1.0;
    if (n > 1) {
        sqlite3_int64 rows = 0;
        *rc = x->xRowCount(fc, &rows);
        for (int i = 0; i < n && *rc == SQLITE_OK; i++) {
            sqlite3_int64 hits = 0;
            *rc = x->xQueryPhrase(fc, i, &hits, count_row);
            double idf = log(((double)rows - (double)hits + 0.5) / ((double)hits + 0.5));
            d->idf[i] = idf > 1e-6 ? idf : 1e-6;
        }
    }
    if (*rc == SQLITE_OK)
        *rc = x->xSetAuxdata(fc, d, sqlite3_free);
    else
        sqlite3_free(d);
    return *rc == SQLITE_OK ? d : NULL;
}

static void rank_function(const Fts5ExtensionApi *x, Fts5Context *fc, sqlite3_context *ctx,
                          int n_args, sqlite3_value **args)
{
    int rc = SQLITE_OK;
    rank_data *d = rank_data_of(x, fc, &rc);
    if (!d) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    double weight[MAX_COLUMNS];
    int n_cols = x->xColumnCount(fc);
    for (int c = 0; c < MAX_COLUMNS; c++)
        weight[c] = c < n_args ? sqlite3_value_double(args[c]) : 1.0;
    double score = 0;
    for (int p = 0; p < d->n_phrases; p++) {
        Fts5PhraseIter it;
        int col, off;
        double freq = 0;
        rc = x->xPhraseFirst(fc, p, &it, &col, &off);
        if (rc != SQLITE_OK) {
            sqlite3_result_error_code(ctx, rc);
            return;
        }
        for (; col >= 0; x->xPhraseNext(fc, &it, &col, &off))
            freq += col < n_cols && col < MAX_COLUMNS ? weight[col] : 1.0;
        if (freq > 0)
            score += d->idf[p] * freq * (K1 + 1) / (freq + K1);
    }
    sqlite3_result_double(ctx, -score);
}

int nfs_rank_register(fts5_api *api)
{
    return api->xCreateFunction(api, NFS_RANK_FUNCTION, NULL, rank_function, NULL);
}
