/* gazetteer.h - the national administrative-division table (GB/T 2260:
 * provinces, prefecture-level and county-level units, with township and
 * street names as evidence) compiled into the binary, and recognition of
 * the places an article is about.
 *
 * Codes are the six-digit GB/T 2260 numbers (吉林省 220000, 长春市 220100,
 * 朝阳区 220104); code 0 stands for 全国 (no place / national scope).
 * The region tree used by regions/ has the provinces at the top, then
 * prefecture-level units, then county-level units; for the four
 * municipalities the districts sit directly under the municipality.
 *
 * A gazetteer is immutable once opened and may be shared by threads.
 */
#ifndef NFS_GAZETTEER_H
#define NFS_GAZETTEER_H

#include "article.h"
#include "nfs.h"

typedef struct gazetteer gazetteer;

int gaz_open(gazetteer **out, nfs_err *err);
void gaz_close(gazetteer *g);

/* One recognised place and how often the article mentions it. */
typedef struct {
    uint32_t code;
    uint32_t count;
} gaz_hit;

typedef struct {
    uint32_t main;  /* main region, 0 = 全国 */
    gaz_hit *hits;  /* every recognised place (any level), most mentioned first */
    size_t n_hits;
    char *explain;  /* short human-readable account of the decision (ENRICH_EXPLAIN) */
} gaz_result;

/* Recognise the places of an article and choose its main region. */
int gaz_locate(const gazetteer *g, const article_view *a, enrich_mode mode, gaz_result *out);
void gaz_result_free(gaz_result *r);

/* Navigation for the regions/ tree. */
const char *gaz_name(const gazetteer *g, uint32_t code); /* official full name; "全国" for 0; NULL if unknown */
uint32_t gaz_parent(const gazetteer *g, uint32_t code);  /* parent in the region tree; 0 for provinces */
int gaz_level(const gazetteer *g, uint32_t code);        /* 0 全国, 1 province, 2 prefecture, 3 county; -1 if unknown */
/* Components of the code's path in the region tree: 0 for 全国, 1 for a
 * province, 2 for 北京市/朝阳区 or 河南省/济源市, 3 for 吉林省/长春市/朝阳区;
 * -1 if unknown. */
int gaz_depth(const gazetteer *g, uint32_t code);
/* "吉林省/长春市/朝阳区" ("全国" for 0) into buf; returns the length it needs. */
size_t gaz_path(const gazetteer *g, uint32_t code, char *buf, size_t n);
/* Children of code (0 = the provinces) in the region tree, in code order. */
size_t gaz_children(const gazetteer *g, uint32_t code, const uint32_t **out);
/* The child of parent called name: the official full name, or a short or
 * former name that resolves unambiguously among parent's children (宁夏 ->
 * 宁夏回族自治区). *canonical (if not NULL) is set to 1 when name is the
 * official name. Returns 0 when there is no such child. */
uint32_t gaz_child_by_name(const gazetteer *g, uint32_t parent, const char *name, int *canonical);
/* A place named anywhere in the table by official, short or former name,
 * for region: queries ("长春", "吉林省长春市", "朝阳区" is ambiguous -> 0). */
uint32_t gaz_find(const gazetteer *g, const char *name);

#endif
