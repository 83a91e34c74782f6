/* dates.c - STUB: no dates yet. Replaced by the real module. */
#include "dates.h"

#include <stdlib.h>
#include <string.h>

const char *date_source_name(date_source s)
{
    static const char *names[] = {"", "manifest", "file name", "text"};
    return (unsigned)s < NFS_ARRAY_LEN(names) ? names[s] : "";
}

struct date_manifest {
    int unused;
};

int date_manifest_load(const char *corpus_dir, date_manifest **out, nfs_err *err)
{
    *out = nfs_xcalloc(1, sizeof **out);
    return 0;
}

void date_manifest_free(date_manifest *m) { free(m); }
const char *date_manifest_signature(const date_manifest *m) { return ""; }
const char *date_manifest_lookup(const date_manifest *m, const char *rel_path) { return NULL; }

int date_from_filename(const char *rel_path, issue_date *out)
{
    memset(out, 0, sizeof *out);
    return 0;
}

int date_infer_text(const char *text, size_t len, issue_date *out)
{
    memset(out, 0, sizeof *out);
    return 0;
}

void date_for_issue(const date_manifest *m, const char *rel_path, const char *text, size_t len,
                    issue_date *out)
{
    memset(out, 0, sizeof *out);
}
