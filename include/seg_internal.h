/* seg_internal.h - private types shared by the segmenter's source files.
 *
 *   segment.c       blocks, page layout (headline groups, photo items, boxes,
 *                   article regions) and the assignment of blocks to articles
 *   seg_lex.c       what one block looks like on its own: bylines, credits,
 *                   head-like lines, sentence ends, paragraph openers
 *   seg_colbreak.c  column-break repair: which block continues a paragraph
 *                   that was cut mid-sentence
 *   seg_render.c    titles and the rendered article text
 *
 * Not a public interface: only segment.h is.
 */
#ifndef NFS_SEG_INTERNAL_H
#define NFS_SEG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "nfs.h"
#include "segment.h"

/* What a block looks like on its own (set by seg_classify_block). */
enum {
    BF_HEADLIKE = 1u << 0,   /* one short line without sentence-final punctuation */
    BF_TERMINAL = 1u << 1,   /* ends a sentence */
    BF_LEAD = 1u << 2,       /* opens with a byline: 本报讯…, 记者…报道 */
    BF_BYLINE = 1u << 3,     /* a reporter line on its own */
    BF_CREDIT = 1u << 4,     /* a photo credit on its own (… 摄) */
    BF_CAPTION = 1u << 5,    /* text that ends in a photo credit */
    BF_BOXHEAD = 1u << 6,    /* 阅读提示 on its own */
    BF_BOXINLINE = 1u << 7,  /* 阅读提示: and its text in one block */
    BF_CONTMARK = 1u << 8,   /* starts with (上接第N版) */
    BF_OPENER = 1u << 9,     /* starts the way new paragraphs do (近年来, 据, a date) */
    BF_NONINITIAL = 1u << 10,/* starts with what cannot open a paragraph (的, 了, ，) */
    BF_CLAUSES = 1u << 11,   /* has a comma or semicolon inside */
    BF_PREMARK = 1u << 12,   /* ends with —— or : (a pretitle) */
    BF_OPEN_END = 1u << 13,  /* ends where no sentence can: , 、 ( “ …, or 每/和/的 … after clauses */
    BF_QUOTE_OPEN = 1u << 15,/* starts with an opening quote mark */
    BF_SHORT_OPEN = 1u << 16,/* its first sentence is a few characters: the end of another */
    BF_ENDMARK = 1u << 17,   /* (下转第N版): the article goes on elsewhere */
    BF_ENUM = 1u << 18,      /* starts with an enumerator: 一、 (二) 3. ④ */
    BF_CUT = 1u << 19,       /* (layout) head-like, but shown to be a cut paragraph */
};

/* Subheadings and short headline lines hold at most this many characters;
 * a longer line with clauses inside is read as text, not a heading, unless
 * its place says otherwise. */
#define SEG_SHORT_HEAD_CHARS 24

/* What a block is in the page layout. */
typedef enum {
    ROLE_BODY = 0,   /* paragraph of the article whose region it is in */
    ROLE_SUBHEAD,    /* head-like line inside an article (subheading, running head) */
    ROLE_HEAD,       /* headline line of an article */
    ROLE_ZONE,       /* text between a headline and the article's byline or body */
    ROLE_ANCHOR,     /* the lead, byline or (上接…) block that opens an article */
    ROLE_BYLINE,     /* a byline block further down an article */
    ROLE_PHOTO_HEAD, /* headline of a photo item */
    ROLE_PHOTO,      /* caption or credit of a photo item */
    ROLE_BOX,        /* 阅读提示 box */
} seg_role;

typedef struct {
    size_t off, len;      /* the stripped block text is page[off, off+len) */
    uint32_t nchars;      /* code points that are not white space */
    uint32_t flags;       /* BF_* */
    uint16_t byline_len;  /* bytes of the byline that opens a lead block */
    uint16_t credit_off;  /* caption blocks: where the trailing credit starts */
    uint8_t hashes;       /* '#' heading marks before the text (0 = none) */
    uint8_t role;         /* seg_role */
    int32_t unit;         /* article unit the block belongs to (-1 = not yet) */
    int32_t next;         /* block continuing this paragraph after a column break, or -1 */
    int32_t prev;         /* block whose paragraph this one continues, or -1 */
} seg_block;

/* An article in the making. Text starts (headline groups, leads, bylines,
 * continuation marks), photo items and orphan text each make one. */
typedef struct {
    art_kind kind;
    int first;                 /* first block of its own start, in page order */
    int head_first, head_last; /* headline blocks, or -1 */
    int anchor;                /* lead / byline / continuation-mark block, or -1 */
    int zone_first;            /* first text between headline and byline/body, or -1 */
    int last;                  /* photo items: last block */
    int is_photo;
    int late_byline;           /* a byline block found inside the article, or -1 */
    int running_head;          /* a head-like line inside a column break, or -1 */
    int *blocks;               /* member blocks, ascending (filled last) */
    size_t n_blocks, cap_blocks;
} seg_unit;

/* Text that follows a photo item inside a region (or opens the page): it
 * goes with the paragraph it continues, else the interrupted article, else
 * the next one. */
typedef struct {
    int first, last;  /* blocks, inclusive */
    int first_body;   /* first body block in it, or -1 */
    int before_unit;  /* text unit whose region it lies in (-1: page start) */
    int after_unit;   /* next text unit (-1: none) */
    int after_photo;  /* 1 when a photo item closes just before it */
    int photo_first;  /* that photo item's first block, or -1 */
    int owner;        /* resolved unit, -1 while unknown */
} seg_run;

/* Per-call working state; ICU objects live here, opened lazily. */
typedef struct {
    const char *text;
    size_t len;
    seg_block *b;
    size_t n;
    seg_unit *units;
    size_t n_units, cap_units;
    seg_run *runs;
    size_t n_runs, cap_runs;
    int *run_of;      /* block -> run index or -1 */
    int *text_unit_of;/* block -> text unit of the region it lies in, or -1 */
    int *tail_of_unit;/* unit -> last body block of its own region, or -1 */
    void *word_break; /* UBreakIterator*, opened on first use */
    int word_break_failed;
    long evidence_budget; /* joins that may still be weighed with word break / n-grams */
} seg_page;

/* seg_lex.c */
void seg_classify_block(const char *s, size_t len, seg_block *b);
/* A plain paragraph: none of the special kinds of line (bylines, credits,
 * boxes, marks, leads), and not head-like unless shown to be a cut. */
int seg_plain_text(const seg_block *b);
/* A line of clauses longer than a subheading. */
int seg_long_clause(const seg_block *b);
/* Python's str.isspace() for one code point (blocks are stripped with it).
 * Inline, with the commonest answer (a Han character) first: the segmenter
 * asks it of every character. */
static inline int seg_is_space(uint32_t cp)
{
    if (cp > 0x3000)
        return 0;
    return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20) || cp == 0x85 || cp == 0xA0 ||
           cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}
/* The code point ending at s[end) (end > 0); *start receives its offset. */
uint32_t seg_cp_before(const char *s, size_t end, size_t *start);
/* Bytes of leading '#' marks and the white space after them. */
size_t seg_heading_skip(const char *s, size_t len);
/* Byte length of the first words of s, for a title: up to the first
 * sentence end or max_chars characters, cut on a character boundary. */
size_t seg_first_words(const char *s, size_t len, size_t max_chars);
/* A Han character, an ASCII digit or an ASCII letter. */
static inline int seg_is_han_or_alnum(uint32_t cp)
{
    return nfs_is_han(cp) || (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
           (cp >= 'a' && cp <= 'z');
}
/* 1 when the byline opening a lead is a dateline (本报讯, 新华社…电) rather
 * than a reporter's name (记者X报道). */
int seg_lead_is_dispatch(const char *s, size_t byline_len);

/* seg_colbreak.c */
/* Mark head-like blocks that are really paragraphs cut mid-sentence. The
 * first column-break pass: it also sets the page's evidence budget. */
void seg_flag_cut_heads(seg_page *p);
/* Find the continuation of every paragraph cut mid-sentence (b[].next/prev). */
void seg_pair_breaks(seg_page *p);
/* Close the ICU objects seg_page holds. */
void seg_page_close_icu(seg_page *p);

/* seg_render.c */
/* Fill the title fields and text of one article from its unit; done[]
 * marks the page's blocks already written (each is written once). */
void seg_render_unit(const seg_page *p, const seg_unit *u, unsigned char *done, seg_article *out);

#endif
