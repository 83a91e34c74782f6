/* topics_match.h - a multi-pattern string matcher (Aho-Corasick automaton
 * over bytes) used by the topic classifier to find every taxonomy term in
 * an article in one pass over its text.
 *
 * Patterns are UTF-8 byte strings; ASCII letters match without regard to
 * case. Because UTF-8 is self-synchronising, a match of a well-formed
 * pattern in well-formed text always starts and ends on character
 * boundaries. A built matcher is immutable and may be shared by threads.
 */
#ifndef NFS_TOPICS_MATCH_H
#define NFS_TOPICS_MATCH_H

#include <stddef.h>

typedef struct term_matcher term_matcher;

/* Build a matcher for n non-empty patterns; pattern i is reported as i.
 * Duplicate patterns are allowed (each is reported). Never fails (out of
 * memory aborts). */
term_matcher *term_matcher_build(const char *const *patterns, const size_t *lens, size_t n);
void term_matcher_free(term_matcher *m);

/* Called for every occurrence, overlapping ones included, in order of end
 * offset: pattern id and the byte range [start, end) in the text. */
typedef void (*term_hit_fn)(void *ctx, unsigned pattern, size_t start, size_t end);

void term_matcher_scan(const term_matcher *m, const char *text, size_t len, term_hit_fn hit,
                       void *ctx);

/* Number of automaton states (for tests and diagnostics). */
size_t term_matcher_states(const term_matcher *m);

#endif
