/* dates.h - the publication date of each issue, from (in order of trust) a
 * manifest the user puts beside the corpus, a date in the file name, or
 * inference from the text of its articles; with its source and how sure it
 * is. Articles carry their issue's date (as mtime, in names, for date:
 * searches).
 *
 * Dates are strings "YYYY-MM-DD", or "YYYY-MM" when only the month is
 * known, or "" when unknown.
 */
#ifndef NFS_DATES_H
#define NFS_DATES_H

#include "nfs.h"

typedef enum {
    DATE_UNKNOWN = 0,
    DATE_MANIFEST, /* the corpus manifest */
    DATE_FILENAME, /* e.g. 2020-11-23.txt, rmrb20201123.txt */
    DATE_TEXT,     /* inferred from the articles */
} date_source;

/* "manifest", "file name", "text", "" */
const char *date_source_name(date_source s);

typedef struct {
    char date[11];      /* "YYYY-MM-DD", "YYYY-MM" or "" */
    date_source source;
    float confidence;   /* 0..1; 1 for manifest and file name */
    char explain[256];  /* how it was found, for users */
} issue_date;

/* The manifest: an optional file beside the issues (see the README for its
 * format). Loading a corpus without one succeeds with an empty manifest;
 * a malformed one fails with the file and line in err. */
typedef struct date_manifest date_manifest;
/* The manifest's file name, looked for directly in the corpus folder. */
#define DATE_MANIFEST_NAME "newsfs-dates.tsv"
int date_manifest_load(const char *corpus_dir, date_manifest **out, nfs_err *err);
void date_manifest_free(date_manifest *m);
/* A short fingerprint of the manifest's content ("" without a manifest),
 * stored in the index so that a changed manifest re-dates every issue. */
const char *date_manifest_signature(const date_manifest *m);
/* The manifest's date for a corpus file (path relative to the corpus
 * folder, or its base name), or NULL. */
const char *date_manifest_lookup(const date_manifest *m, const char *rel_path);
/* The page written in the manifest's optional third column for that file,
 * or NULL. */
const char *date_manifest_page(const date_manifest *m, const char *rel_path);

/* A date written in a file name (any directory part counts too). */
int date_from_filename(const char *rel_path, issue_date *out);

/* Infer the publication date of an issue from its decoded text: explicit
 * full dates, then month/day mentions with the year from explicit years and
 * context. Pure function. Returns 1 when a date was found. */
int date_infer_text(const char *text, size_t len, issue_date *out);

/* All three in order of trust: manifest (may be NULL), file name, text. */
void date_for_issue(const date_manifest *m, const char *rel_path, const char *text, size_t len,
                    issue_date *out);

/* A date ("YYYY-MM-DD" or "YYYY-MM") as a Unix time at midnight UTC of that
 * day (the 1st for a month); -1 for "" or anything else. */
int64_t date_to_unix(const char *date);

#endif
