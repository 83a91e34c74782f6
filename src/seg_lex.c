/* seg_lex.c - what one block of an issue looks like on its own, for the
 * segmenter: bylines (本报讯 (记者…), 本报记者 X, 通讯员X报道), photo credits
 * (… 摄), 阅读提示 boxes, continuation marks (上接第N版), head-like lines,
 * sentence ends, and how a block starts (like a new paragraph, or in the
 * middle of a sentence). Only general newspaper conventions live here:
 * nothing is specific to one issue. */
#include <string.h>

#include "nfs.h"
#include "seg_internal.h"

/* ---- code points ------------------------------------------------------ */

uint32_t seg_cp_before(const char *s, size_t end, size_t *start)
{
    size_t k = end - 1;
    while (k > 0 && end - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    uint32_t cp;
    if (utf8_decode(s + k, end - k, &cp) != end - k) {
        k = end - 1; /* malformed: take the last byte alone */
        cp = 0xFFFD;
    }
    if (start)
        *start = k;
    return cp;
}

static int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

/* Punctuation that ends a sentence (after NFKC: full-width forms are ASCII). */
static int is_sentence_end(uint32_t cp)
{
    return cp == 0x3002 /* 。 */ || cp == '!' || cp == '?' || cp == ';' || cp == 0x2026 /* … */ ||
           cp == '.';
}

static int is_closer(uint32_t cp)
{
    return cp == 0x201D /* ” */ || cp == 0x2019 /* ’ */ || cp == 0x300D /* 」 */ ||
           cp == 0x300F /* 』 */ || cp == '"' || cp == '\'';
}

/* Marks printed before bylines and boxed items. */
static int is_bullet(uint32_t cp)
{
    return cp == 0x25A1 /* □ */ || cp == 0x25A0 /* ■ */ || cp == 0x25CF /* ● */ ||
           cp == 0x25C6 /* ◆ */ || cp == 0x25B2 /* ▲ */ || cp == 0x2605 /* ★ */ ||
           cp == 0x25BC /* ▼ */ || cp == 0x25C7 /* ◇ */ || cp == 0x25CB /* ○ */;
}

/* ---- small string helpers --------------------------------------------- */

static int has_prefix(const char *s, size_t len, const char *lit)
{
    for (size_t i = 0; lit[i]; i++) /* stops at the first difference */
        if (i >= len || s[i] != lit[i])
            return 0;
    return 1;
}

static int has_suffix(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    return len >= n && memcmp(s + len - n, lit, n) == 0;
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!seg_is_space(cp))
            break;
        i += k;
    }
    return i;
}

static size_t skip_bullets(const char *s, size_t len, size_t i)
{
    for (;;) {
        i = skip_spaces(s, len, i);
        if (i >= len)
            return i;
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (!is_bullet(cp))
            return i;
        i += k;
    }
}

size_t seg_heading_skip(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && s[i] == '#')
        i++;
    if (i == 0)
        return 0;
    return skip_spaces(s, len, i);
}

size_t seg_first_words(const char *s, size_t len, size_t max_chars)
{
    size_t i = seg_heading_skip(s, len), start = i, chars = 0;
    while (i < len && chars < max_chars) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (cp == '\n' || (is_sentence_end(cp) && i > start))
            break;
        i += k;
        chars++;
    }
    return i;
}

/* ---- bylines and credits ---------------------------------------------- */

/* Length in bytes of a reporter role word at s (本报记者, 通讯员, 新华社记者,
 * 本报特约记者…), or 0. */
static size_t role_len(const char *s, size_t len)
{
    static const char *const orgs[] = {"本报", "新华社", "中新社", "人民日报", "工人日报"};
    static const char *const quals[] = {"特约", "见习", "首席", "摄影", "实习", "驻站"};
    static const char *const cores[] = {"记者", "通讯员", "评论员", "撰稿人"};
    size_t i = 0;
    for (size_t k = 0; k < NFS_ARRAY_LEN(orgs); k++)
        if (has_prefix(s + i, len - i, orgs[k])) {
            i += strlen(orgs[k]);
            break;
        }
    for (size_t k = 0; k < NFS_ARRAY_LEN(quals); k++)
        if (has_prefix(s + i, len - i, quals[k])) {
            i += strlen(quals[k]);
            break;
        }
    for (size_t k = 0; k < NFS_ARRAY_LEN(cores); k++)
        if (has_prefix(s + i, len - i, cores[k]))
            return i + strlen(cores[k]);
    return 0;
}

typedef struct {
    int roles, names;
    int credit; /* a photo credit: … 摄, 摄影, 供图, 新华社发 */
    int report; /* ends with 报道 */
} person_line;

/* A person's name: 2 to 4 Han characters, or up to 12 with a middle dot. */
static int is_name(const char *s, size_t len)
{
    size_t i = 0, chars = 0;
    int dot = 0;
    while (i < len) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (cp == 0xB7 || cp == 0x30FB || cp == 0x2022)
            dot = 1;
        else if (!nfs_is_han(cp))
            return 0;
        chars++;
    }
    return chars >= 2 && (chars <= 4 || (dot && chars <= 12));
}

static int is_separator(uint32_t cp)
{
    return seg_is_space(cp) || cp == 0x3001 /* 、 */ || cp == '/' || cp == '(' || cp == ')' ||
           cp == ',' || cp == ':' || cp == 0x3010 || cp == 0x3011 /* 【】 */;
}

static int token_is(const char *tok, size_t tl, const char *lit)
{
    return tl == strlen(lit) && !memcmp(tok, lit, tl);
}

/* Strip a closing word (摄, 报道 …) from the end of a token; returns 1 for a
 * photo credit, 2 for 报道, 0 for none. */
static int strip_closing(const char *tok, size_t *tl)
{
    static const char *const credits[] = {"摄影报道", "摄影", "摄", "供图"};
    for (size_t k = 0; k < NFS_ARRAY_LEN(credits); k++)
        if (has_suffix(tok, *tl, credits[k])) {
            *tl -= strlen(credits[k]);
            return 1;
        }
    if (has_suffix(tok, *tl, "报道")) {
        *tl -= strlen("报道");
        return 2;
    }
    return 0;
}

/* Parse a line made only of reporter roles and names, optionally closed by
 * 摄 (a photo credit) or 报道: "本报记者 X 本报通讯员 Y", "文/X 图/Y",
 * "新华社记者 X 摄", "X 摄". Returns 1 when the whole line is such. */
static int parse_person_line(const char *s, size_t len, person_line *pl)
{
    memset(pl, 0, sizeof *pl);
    size_t i = 0;
    int tokens = 0, closed = 0, bare_credit = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = utf8_decode(s + i, len - i, &cp);
        if (is_separator(cp)) {
            i += k;
            continue;
        }
        size_t t = i; /* token: up to the next separator */
        while (t < len) {
            k = utf8_decode(s + t, len - t, &cp);
            if (is_separator(cp))
                break;
            t += k;
        }
        if (closed)
            return 0; /* something after 摄 / 报道 */
        const char *tok = s + i;
        size_t tl = t - i;
        i = t;
        if (++tokens > 12)
            return 0;
        if (token_is(tok, tl, "新华社发") || token_is(tok, tl, "中新社发")) {
            pl->credit = 1;
            pl->roles++;
            continue;
        }
        if (token_is(tok, tl, "文") || token_is(tok, tl, "图") || token_is(tok, tl, "文图") ||
            token_is(tok, tl, "实习生")) {
            pl->roles++;
            continue;
        }
        size_t r;
        while ((r = role_len(tok, tl)) > 0) {
            pl->roles++;
            tok += r;
            tl -= r;
        }
        int closing = strip_closing(tok, &tl);
        if (closing) {
            closed = 1;
            if (closing == 1) {
                pl->credit = 1;
                bare_credit = tl == 0;
            } else {
                pl->report = 1;
            }
        }
        if (tl == 0)
            continue;
        if (!is_name(tok, tl))
            return 0;
        pl->names++;
    }
    /* without a role word, a credit needs its 摄 apart: "张三 摄", not "拍摄" */
    if (pl->credit && !pl->roles && !bare_credit)
        return 0;
    return pl->names > 0 || (pl->credit && pl->roles > 0);
}

/* A trailing photo credit after the last sentence of s: its offset, or 0. */
static size_t caption_credit_offset(const char *s, size_t len, size_t nchars)
{
    size_t end = len;
    while (end > 0) { /* drop a closing parenthesis around the credit */
        size_t st;
        uint32_t cp = seg_cp_before(s, end, &st);
        if (cp != ')' && !seg_is_space(cp))
            break;
        end = st;
    }
    if (end == 0)
        return 0;
    if (!(has_suffix(s, end, "摄") || has_suffix(s, end, "摄影") || has_suffix(s, end, "供图") ||
          has_suffix(s, end, "新华社发")))
        return 0;
    /* walk back over at most 40 characters to the end of the last sentence */
    size_t i = end, chars = 0;
    while (i > 0 && chars < 40) {
        size_t st;
        uint32_t cp = seg_cp_before(s, i, &st);
        if (is_sentence_end(cp) || is_closer(cp))
            break;
        if (cp == '(' && st > 0) {
            /* a credit in parentheses: "…现场。(新华社记者 X 摄)" */
            size_t st2;
            uint32_t before = seg_cp_before(s, st, &st2);
            if (is_sentence_end(before) || is_closer(before)) {
                i = st;
                break;
            }
        }
        i = st;
        chars++;
    }
    if (i == 0 && nchars > 40)
        return 0;
    person_line pl;
    if (!parse_person_line(s + i, len - i, &pl) || !pl.credit)
        return 0;
    if (i == 0)
        return 0; /* the whole block is a credit: not a caption */
    return i;
}

/* Byte length of the byline that opens a lead paragraph, or 0. */
static size_t extend_byline(const char *s, size_t len, size_t q)
{
    size_t r = skip_spaces(s, len, q);
    if (r < len && role_len(s + r, len - r)) {
        /* 本报北京9月1日电 记者张三 李四 text: names up to the last space */
        size_t k = r, cut = 0;
        for (size_t chars = 0; k < len && chars < 24; chars++) {
            uint32_t cp;
            size_t step = utf8_decode(s + k, len - k, &cp);
            if (seg_is_space(cp))
                cut = k;
            else if (!(nfs_is_han(cp) || cp == 0x3001 || cp == 0xB7))
                break;
            k += step;
        }
        person_line pl;
        if (cut > r && parse_person_line(s + r, cut - r, &pl) && pl.roles && pl.names && !pl.credit)
            return cut;
    }
    if (r < len && s[r] == '(') {
        for (size_t k = r + 1, chars = 0; k < len && chars < 40; chars++) {
            uint32_t cp;
            size_t step = utf8_decode(s + k, len - k, &cp);
            if (cp == ')')
                return k + 1;
            if (is_sentence_end(cp) || cp == ',')
                break;
            k += step;
        }
        return q;
    }
    /* 本报讯 通讯员X 记者Y报道 */
    for (size_t k = r, chars = 0; k < len && chars < 40; chars++) {
        if (has_prefix(s + k, len - k, "报道"))
            return chars ? k + strlen("报道") : q;
        uint32_t cp;
        size_t step = utf8_decode(s + k, len - k, &cp);
        if (!(nfs_is_han(cp) || seg_is_space(cp) || cp == 0x3001 || cp == 0xB7))
            break;
        k += step;
    }
    return q;
}

static size_t lead_byline_len(const char *s, size_t len)
{
    size_t p = skip_bullets(s, len, 0);
    if (has_prefix(s + p, len - p, "本报讯"))
        return extend_byline(s, len, p + strlen("本报讯"));
    if (!role_len(s + p, len - p) &&
        (has_prefix(s + p, len - p, "本报") || has_prefix(s + p, len - p, "新华社") ||
         has_prefix(s + p, len - p, "中新社"))) {
        /* 本报北京11月20日电, 新华社北京11月20日电 */
        size_t k = p + (has_prefix(s + p, len - p, "本报") ? strlen("本报") : strlen("新华社"));
        for (size_t chars = 0; k < len && chars < 20; chars++) {
            uint32_t cp;
            size_t step = utf8_decode(s + k, len - k, &cp);
            if (chars >= 2 && (has_prefix(s + k, len - k, "电") || has_prefix(s + k, len - k, "讯")))
                return extend_byline(s, len, k + step);
            if (!(nfs_is_han(cp) || is_digit(cp) || seg_is_space(cp)))
                break;
            k += step;
        }
        return 0;
    }
    /* 记者X报道 / 通讯员X 记者Y报道, then the text */
    if (!role_len(s + p, len - p))
        return 0;
    for (size_t k = p, chars = 0; k < len && chars < 40; chars++) {
        if (has_prefix(s + k, len - k, "报道")) {
            person_line pl;
            size_t end = k + strlen("报道");
            if (parse_person_line(s + p, end - p, &pl) && pl.report)
                return end;
            return 0;
        }
        uint32_t cp;
        size_t step = utf8_decode(s + k, len - k, &cp);
        if (!(nfs_is_han(cp) || seg_is_space(cp) || cp == 0x3001 || cp == 0xB7))
            return 0;
        k += step;
    }
    return 0;
}

int seg_lead_is_dispatch(const char *s, size_t byline_len)
{
    size_t p = skip_bullets(s, byline_len, 0);
    return byline_len > 0 && !role_len(s + p, byline_len - p);
}

/* ---- boxes and continuation marks ------------------------------------- */

static const char *const box_words[] = {"阅读提示", "核心提示", "编者按", "内容提要"};

/* 1: the block is a box header alone; 2: a box header with its text. */
static int box_kind(const char *s, size_t len)
{
    size_t i = skip_bullets(s, len, seg_heading_skip(s, len));
    for (size_t k = 0; k < NFS_ARRAY_LEN(box_words); k++) {
        size_t w = strlen(box_words[k]);
        if (!has_prefix(s + i, len - i, box_words[k]))
            continue;
        size_t r = skip_spaces(s, len, i + w);
        if (r < len && s[r] == ':')
            r = skip_spaces(s, len, r + 1);
        return r >= len ? 1 : 2;
    }
    return 0;
}

static int is_contmark(const char *s, size_t len)
{
    size_t i = skip_spaces(s, len, seg_heading_skip(s, len));
    if (i < len && s[i] == '(')
        i++;
    if (!has_prefix(s + i, len - i, "上接"))
        return 0;
    i += strlen("上接");
    for (size_t chars = 0; i < len && chars < 8; chars++) {
        if (has_prefix(s + i, len - i, "版"))
            return 1;
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
    }
    return 0;
}

/* ---- how a block ends --------------------------------------------------- */

/* Text that can only stop in the middle of a sentence: after a comma or an
 * opening mark, after a word that needs what follows (每, 和, 把 …), or with
 * a last clause of one character ("…、职", "…,现"). */
static int ends_mid_sentence(const char *s, size_t len, uint32_t last, int clauses)
{
    switch (last) {
    case ',': case 0x3001: case '(': case 0x201C: case 0x2018: case 0x300A:
        return 1;
    case 0x6BCF: /* 每 (short headlines may end in 人和 …: only lines of clauses) */ case 0x5404: /* 各 */ case 0x548C: /* 和 */ case 0x4E0E: /* 与 */
    case 0x53CA: /* 及 */ case 0x628A: /* 把 */ case 0x88AB: /* 被 */ case 0x5411: /* 向 */
    case 0x4ECE: /* 从 */ case 0x5BF9: /* 对 */ case 0x5176: /* 其 */ case 0x8BE5: /* 该 */
    case 0x7684: /* 的 */
        return clauses;
    default:
        break;
    }
    size_t st;
    seg_cp_before(s, len, &st);
    if (st == 0)
        return 0;
    uint32_t before = seg_cp_before(s, st, NULL);
    return nfs_is_han(last) && (before == ',' || before == 0x3001);
}

/* ---- how a block starts ------------------------------------------------ */

static int starts_like_paragraph(const char *s, size_t len)
{
    static const char *const openers[] = {
        "近年来", "近年", "近日", "日前", "目前", "据", "此外", "同时", "今年", "去年", "前不久",
        "不久前", "为此", "另外", "与此同时", "截至", "随着", "如今", "当天", "当日", "记者",
        "对此", "其中", "一是", "二是", "三是", "首先", "其次", "最后", "此前", "近期", "连日来",
        "眼下", "然而", "因此", "由此", "今后", "未来", "下一步", "自此", "从此", "另据", "本次",
        "这次", "近些年", "多年来", "长期以来", "一直以来"};
    for (size_t k = 0; k < NFS_ARRAY_LEN(openers); k++)
        if (has_prefix(s, len, openers[k]))
            return 1;
    /* a date: 2019年, 11月21日 */
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i > 0 && (has_prefix(s + i, len - i, "年") || has_prefix(s + i, len - i, "月") ||
                  has_prefix(s + i, len - i, "日")))
        return 1;
    return 0;
}

static int starts_mid_sentence(const char *s, size_t len)
{
    uint32_t cp, next = 0;
    size_t k = utf8_decode(s, len, &cp);
    if (k < len)
        utf8_decode(s + k, len - k, &next);
    switch (cp) {
    case ',': case 0x3001: case 0x3002: case ';': case ':': case '!': case '?': case ')':
    case 0x201D: case 0x2019: case 0x300B: case 0x300D: case 0x300F: case 0x2026: case '%':
        return 1;
    case 0x7684: /* 的, but not 的确 */
        return next != 0x786E;
    case 0x4E86: /* 了, but not 了解 */
        return next != 0x89E3;
    case 0x4EEC: /* 们 */
    case 0x8005: /* 者 */
    case 0x5417: /* 吗 */
    case 0x5462: /* 呢 */
    case 0x5427: /* 吧 */
    case 0x4E48: /* 么 */
        return 1;
    default:
        return 0;
    }
}

/* The first sentence is a few characters long ("卫视播出。…"): paragraphs do
 * not open that way, the tail of a cut sentence does. */
static int short_first_sentence(const char *s, size_t len)
{
    size_t i = 0, chars = 0;
    while (i < len && chars <= 5) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (cp == 0x3002 || cp == '!' || cp == '?' || cp == ';')
            return chars >= 1;
        if (cp == ',' || cp == 0x201C || cp == ':' || seg_is_space(cp))
            return 0;
        chars++;
    }
    return 0;
}

/* One line of a headline: short, no full stop, not ending a sentence. A
 * pretitle ending in —— or : may be longer. */
static int line_headlike(const char *s, size_t len)
{
    size_t hs = seg_heading_skip(s, len);
    s += hs;
    len -= hs;
    uint32_t nchars = 0, alnum = 0, exclaims = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += utf8_decode(s + i, len - i, &cp);
        if (seg_is_space(cp))
            continue;
        nchars++;
        if (cp == 0x3002)
            return 0;
        if (cp == '!' || cp == '?')
            exclaims++;
        if (seg_is_han_or_alnum(cp))
            alnum++;
    }
    if (!alnum)
        return 0;
    size_t end = len;
    while (end > 0) {
        size_t st;
        uint32_t cp = seg_cp_before(s, end, &st);
        if (!seg_is_space(cp))
            break;
        end = st;
    }
    size_t lst;
    uint32_t last = seg_cp_before(s, end, &lst), before_last = lst ? seg_cp_before(s, lst, NULL) : 0;
    int premark = (last == 0x2014 && before_last == 0x2014) || last == ':';
    if (nchars > (premark ? 100u : 64u))
        return 0;
    if (last == ',' || last == 0x3001 || last == '(' || last == 0x201C || last == 0x2018 ||
        last == 0x300A || last == ';' || last == 0x2026 || last == '.')
        return 0;
    if (last == '!' || last == '?')
        return nchars <= SEG_SHORT_HEAD_CHARS && exclaims <= 2;
    if (is_closer(last) && is_sentence_end(before_last))
        return 0;
    return 1;
}

/* Every line head-like, and not too many of them. */
static int block_headlike(const char *s, size_t len)
{
    size_t lines = 0;
    for (size_t i = 0; i < len;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        if (skip_spaces(s, e, i) < e) {
            if (++lines > 8 || !line_headlike(s + i, e - i))
                return 0;
        }
        i = e + 1;
    }
    return lines > 0;
}

/* (下转第N版): the article goes on in another page. */
static int is_endmark(const char *c, size_t cl, uint32_t nchars)
{
    size_t i = 0;
    if (nchars > 16)
        return 0;
    if (i < cl && c[i] == '(')
        i++;
    if (!has_prefix(c + i, cl - i, "下转") && !has_prefix(c + i, cl - i, "转第") &&
        !has_prefix(c + i, cl - i, "转下版"))
        return 0;
    return memmem(c, cl, "版", strlen("版")) != NULL;
}

int seg_plain_text(const seg_block *b)
{
    return !(b->flags & (BF_BYLINE | BF_CREDIT | BF_BOXHEAD | BF_BOXINLINE | BF_CONTMARK | BF_LEAD |
                         BF_ENDMARK)) &&
           (!(b->flags & BF_HEADLIKE) || (b->flags & BF_CUT));
}

int seg_long_clause(const seg_block *b)
{
    return (b->flags & BF_CLAUSES) && b->nchars > SEG_SHORT_HEAD_CHARS;
}

/* An enumerator opens the line: 一、 (二) 3. 4、 ⑤ — list items and numbered
 * subheadings, never an article's headline. */
static int starts_with_enumerator(const char *s, size_t len)
{
    static const char numerals[] = "一二三四五六七八九十";
    size_t i = 0;
    int paren = 0, digits = 0;
    uint32_t cp;
    if (i < len && s[i] == '(') {
        paren = 1;
        i++;
    }
    while (i < len) {
        size_t k = utf8_decode(s + i, len - i, &cp);
        int numeral = (cp >= '0' && cp <= '9') || (k == 3 && memmem(numerals, sizeof numerals - 1, s + i, 3));
        if (!numeral)
            break;
        digits++;
        i += k;
    }
    if (!digits) {
        utf8_decode(s, len, &cp);
        return cp >= 0x2460 && cp <= 0x2473; /* ① … ⑳ */
    }
    if (digits > 3 || i >= len)
        return 0;
    utf8_decode(s + i, len - i, &cp);
    return paren ? cp == ')' : (cp == 0x3001 /* 、 */ || (cp == '.' && (unsigned char)s[0] <= '9'));
}

/* ---- the block ---------------------------------------------------------- */

void seg_classify_block(const char *s, size_t len, seg_block *b)
{
    b->flags = 0;
    b->byline_len = 0;
    b->credit_off = 0;
    size_t hs = seg_heading_skip(s, len);
    b->hashes = 0;
    while (b->hashes < 255 && b->hashes < hs && s[b->hashes] == '#')
        b->hashes++;
    const char *c = s + hs; /* content after heading marks */
    size_t cl = len - hs;

    uint32_t nchars = 0, stops = 0, alnum = 0;
    int clauses = 0, multiline = 0;
    for (size_t i = 0; i < cl;) {
        uint32_t cp;
        i += utf8_decode(c + i, cl - i, &cp);
        if (cp == '\n')
            multiline = 1;
        if (seg_is_space(cp))
            continue;
        nchars++;
        if (cp == 0x3002)
            stops++;
        else if ((cp == ',' || cp == ';') && i < cl)
            clauses = 1;
        if (seg_is_han_or_alnum(cp))
            alnum++;
    }
    b->nchars = nchars;
    if (clauses)
        b->flags |= BF_CLAUSES;
    if (!cl)
        return;

    /* how it ends */
    size_t lst;
    uint32_t last = seg_cp_before(c, cl, &lst), before_last = 0;
    if (lst > 0)
        before_last = seg_cp_before(c, lst, NULL);
    if (is_sentence_end(last) || last == ':' || last == ')')
        b->flags |= BF_TERMINAL;
    else if (is_closer(last) && (is_sentence_end(before_last) || before_last == ':'))
        b->flags |= BF_TERMINAL;
    if (last == 0x2014 && before_last == 0x2014) /* —— */
        b->flags |= BF_PREMARK;
    if (last == ':')
        b->flags |= BF_PREMARK;
    if (ends_mid_sentence(c, cl, last, clauses))
        b->flags |= BF_OPEN_END;

    /* how it starts */
    if (starts_like_paragraph(c, cl))
        b->flags |= BF_OPENER;
    if (has_prefix(c, cl, "\xE2\x80\x9C") || has_prefix(c, cl, "\xE3\x80\x8C")) /* “ 「 */
        b->flags |= BF_QUOTE_OPEN;
    if (starts_mid_sentence(c, cl))
        b->flags |= BF_NONINITIAL;
    if (short_first_sentence(c, cl))
        b->flags |= BF_SHORT_OPEN;
    if (starts_with_enumerator(c, cl))
        b->flags |= BF_ENUM;

    /* what it is: bylines, credits, boxes and marks open with a Han
     * character, a bullet or a parenthesis */
    uint32_t first_cp;
    utf8_decode(c, cl, &first_cp);
    int special = nfs_is_han(first_cp) || is_bullet(first_cp) || first_cp == '(' || first_cp >= 0x3000;
    person_line pl;
    int bk = special ? box_kind(s, len) : 0;
    if (bk == 1)
        b->flags |= BF_BOXHEAD;
    else if (bk == 2)
        b->flags |= BF_BOXINLINE;
    else if (special && is_contmark(s, len))
        b->flags |= BF_CONTMARK;
    else if (special && !multiline && nchars <= 48 && parse_person_line(c, cl, &pl) &&
             (pl.credit || pl.roles > 0)) {
        b->flags |= pl.credit ? BF_CREDIT : BF_BYLINE;
        b->flags &= ~(uint32_t)(BF_OPENER | BF_NONINITIAL);
    } else {
        size_t bl = special ? lead_byline_len(s, len) : 0;
        if (bl > 0 && bl < 0xFFFF) {
            size_t rest = skip_spaces(s, len, bl);
            if (rest < len) {
                b->flags |= BF_LEAD;
                b->byline_len = (uint16_t)bl;
                b->flags &= ~(uint32_t)(BF_OPENER | BF_NONINITIAL | BF_QUOTE_OPEN);
            } else {
                b->flags |= BF_BYLINE;
            }
        }
        size_t co = caption_credit_offset(s, len, nchars);
        if (co > 0 && co < 0xFFFF) {
            b->flags |= BF_CAPTION;
            b->credit_off = (uint16_t)co;
        }
    }

    if (is_endmark(c, cl, nchars)) {
        b->flags |= BF_ENDMARK | BF_TERMINAL;
        b->flags &= ~(uint32_t)(BF_OPENER | BF_NONINITIAL | BF_SHORT_OPEN);
        return;
    }

    /* head-like: short lines that do not end a sentence */
    if (alnum > 0 && stops == 0 &&
        !(b->flags & (BF_OPEN_END | BF_BYLINE | BF_CREDIT | BF_LEAD | BF_BOXHEAD | BF_BOXINLINE |
                      BF_CONTMARK | BF_CAPTION)) &&
        block_headlike(s, len))
        b->flags |= BF_HEADLIKE;
}
