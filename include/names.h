/* names.h - file names for articles: readable titles made valid (no '/',
 * no control characters, at most 255 bytes cut on a character boundary). */
#ifndef NFS_NAMES_H
#define NFS_NAMES_H

#include "nfs.h"

#define NFS_NAME_MAX 255

/* prefix + cleaned title + suffix, the title cut so that the whole fits in
 * NFS_NAME_MAX bytes. Cleaning: '/' becomes U+FF0F '／', control characters
 * and line breaks become spaces, runs of spaces collapse, ends trimmed; an
 * empty title becomes "无题". Returns a new string. */
char *names_make(const char *prefix, const char *title, const char *suffix);

/* Name of an article in issues/<issue>/: "07 title.txt" (width grows past 99). */
char *names_issue_entry(int seq, int n_in_issue, const char *title);

/* Name of an article everywhere else: "2020-11-23 title.txt" when the date
 * is known, else "<issue> 07 title.txt"; disambig (may be NULL) is added
 * as " (disambig)" to make it unique. */
char *names_view_entry(const char *date, const char *issue, int seq, const char *title,
                       const char *disambig);

/* Name of an issue directory for the corpus file at relative path rel:
 * the path without ".txt", '/' replaced by '_', made valid. */
char *names_issue_dir(const char *rel);

#endif
