/* gazetteer_internal.h - what the gazetteer's source files share: the
 * division table loaded by gaz_open (gazetteer.c), the name matcher built on
 * first use (gazetteer_match.c) and the recogniser (gazetteer_locate.c).
 * Not a public interface. */
#ifndef NFS_GAZETTEER_INTERNAL_H
#define NFS_GAZETTEER_INTERNAL_H

#include "gazetteer.h"

#include <pthread.h>
#include <stdatomic.h>

/* How a name refers to its division. */
enum gaz_name_kind {
    GAZ_FULL,   /* official name: 吉林省, 长春市, 朝阳区 */
    GAZ_SHORT,  /* short form: 吉林, 长春, 宁夏, 青龙 */
    GAZ_FORMER, /* former or other name from the lexicon: 下城区 -> 拱墅区 */
    GAZ_STREET, /* township or street: evidence for its county */
    GAZ_BLOCK,  /* an ordinary word that hides a place name: 新华社 */
};

typedef struct {
    uint32_t code;
    int32_t parent;                /* index of the parent node in the region tree, -1 = 全国 */
    uint8_t level;                 /* administrative level: 1 province, 2 prefecture, 3 county */
    uint8_t depth;                 /* components of its path: 1..3 */
    const char *name;              /* official full name, NUL-terminated */
    const char *shorts;            /* short forms, comma-separated, NUL-terminated ("" if none) */
    uint32_t child_lo, n_children; /* its children: g->children[child_lo ..] */
} gaz_node;

/* One name in the navigation index (official, short and former names). */
typedef struct {
    const char *s;
    uint32_t len;
    uint32_t node;
    uint8_t kind; /* GAZ_FULL, GAZ_SHORT or GAZ_FORMER */
} gaz_name_ref;

/* A word of the lexicon (common or block), pointing into the embedded data. */
typedef struct {
    const char *s;
    uint32_t len;
} gaz_word;

struct gaz_matcher;

struct gazetteer {
    gaz_node *nodes; /* by code */
    uint32_t *codes; /* nodes[i].code, for binary search */
    size_t n_nodes;
    uint32_t *children;       /* child codes grouped by parent, each group in code order */
    uint32_t root_lo, root_n; /* the provinces in children[] */
    gaz_name_ref *names;      /* sorted by bytes, then node */
    size_t n_names;
    char *table; /* writable copy of the division lines, names cut out in place */
    gaz_word *common, *block;
    size_t n_common, n_block;
    uint32_t *surnames; /* sorted code points */
    size_t n_surnames;
    const char *streets; /* the %streets section of the embedded table */
    size_t streets_len;

    pthread_mutex_t matcher_lock;
    int lock_ready;
    struct gaz_matcher *_Atomic matcher; /* built on the first gaz_locate */
};

/* --- table (gazetteer.c) --- */
int gaz_node_index(const gazetteer *g, uint32_t code);      /* -1 if unknown */
int gaz_is_ancestor(const gazetteer *g, int anc, int node); /* anc strictly above node */
int gaz_is_common_word(const gazetteer *g, const char *s, size_t len);
int gaz_is_surname(const gazetteer *g, uint32_t cp);

/* --- matcher (gazetteer_match.c) --- */
typedef struct {
    uint32_t node; /* node index; unused for GAZ_BLOCK */
    uint8_t kind;
    uint8_t common; /* the name is also an ordinary word (lexicon "common") */
} gaz_entry;

/* A place-name occurrence found in a text. */
typedef struct {
    uint32_t start, end; /* byte offsets */
    uint32_t entry_lo;   /* entries: m->entries[entry_lo .. entry_lo + n_entries) */
    uint16_t n_entries;
    uint8_t n_chars; /* length of the name in characters */
    uint8_t clipped; /* a longer name here was given up for an overlapping word (合作市场) */
} gaz_match;

struct gaz_matcher;
/* Build the matcher if it does not exist yet; thread-safe. NULL on failure. */
const struct gaz_matcher *gaz_matcher_get(const gazetteer *g);
void gaz_matcher_free(struct gaz_matcher *m);
const gaz_entry *gaz_matcher_entries(const struct gaz_matcher *m);
/* Find the place names of s[0..len): leftmost-longest, skipping ordinary
 * words from the lexicon; appends to *out (a vector of *n, capacity *cap). */
void gaz_matcher_scan(const struct gaz_matcher *m, const char *s, size_t len, gaz_match **out,
                      size_t *n, size_t *cap);

#endif
