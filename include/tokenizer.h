/* tokenizer.h - the FTS5 tokenizer "newsfs" and the text folding it uses.
 *
 * Folding (applied identically to documents and queries): NFKC, Unicode
 * case folding, and traditional characters folded to simplified ones with a
 * per-character table (so that substrings stay substrings).
 *
 * Tokens: inside a run of Han characters, an overlapping bigram at every
 * position and the run's last character alone, so that a query of k >= 2
 * characters is a phrase of k-1 consecutive bigrams (an exact substring
 * match) and a one-character query is the prefix query "x"*. Runs of Latin
 * letters and digits are whole words. Nothing spans white space or
 * punctuation, so no match crosses a line, as with grep.
 */
#ifndef NFS_TOKENIZER_H
#define NFS_TOKENIZER_H

#include <sqlite3.h>

#include "nfs.h"

/* Options for "CREATE VIRTUAL TABLE fts USING fts5(title, text, ...)". */
#define NFS_FTS_OPTIONS "tokenize='unicode61'" /* STUB until the tokenizer lands */

/* Register the tokenizer on a connection (needed on every connection that
 * reads or writes the fts table). */
int nfs_tokenizer_register(sqlite3 *db, nfs_err *err);

/* Fold text as the tokenizer does. Returns a new string; *out_len its length. */
char *nfs_fold(const char *s, size_t len, size_t *out_len);

#endif
