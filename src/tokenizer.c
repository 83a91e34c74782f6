/* tokenizer.c - STUB: no custom tokenizer yet (NFS_FTS_OPTIONS would name it). */
#include "tokenizer.h"

#include <string.h>

int nfs_tokenizer_register(sqlite3 *db, nfs_err *err) { return 0; }

char *nfs_fold(const char *s, size_t len, size_t *out_len)
{
    *out_len = len;
    return nfs_xstrndup(s, len);
}
