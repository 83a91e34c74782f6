/* dates.c - the publication date of each issue (dates.h): from the corpus
 * manifest newsfs-dates.tsv, from a date written in the file name, or
 * inferred from the text of the issue (the rule is described above
 * date_infer_text). Everything here is a pure function of its arguments,
 * except that date_manifest_load reads the manifest file. */
#include "dates.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Years accepted as publication years from file names and text (the
 * manifest accepts any four-digit year: it is the user's word). */
#define YEAR_MIN 1949
#define YEAR_MAX 2100

const char *date_source_name(date_source s)
{
    static const char *names[] = {"", "manifest", "file name", "text"};
    return (unsigned)s < NFS_ARRAY_LEN(names) ? names[s] : "";
}

/* ------------------------------------------------------------------ */
/* Calendar                                                            */
/* ------------------------------------------------------------------ */

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int valid_day(int y, int m, int d) { return d >= 1 && d <= days_in_month(y, m); }

/* Days since 1970-01-01 in the proleptic Gregorian calendar (counting
 * years from March, so that a leap day ends its year). */
static long day_number(int y, int m, int d)
{
    long yy = y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long year_of_era = yy - era * 400;
    long month_from_march = (m + 9) % 12;
    long day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

/* 0 = Sunday ... 6 = Saturday. */
static int weekday(int y, int m, int d)
{
    long z = day_number(y, m, d);
    return (int)(((z % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
}

/* Day of the year 1..366 counted as in a leap year: a place on the
 * calendar for dates whose year is not known yet. */
static int leap_day_of_year(int m, int d)
{
    static const int before[12] = {0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335};
    return before[m - 1] + d;
}

static void put_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* "YYYY-MM-DD", or "YYYY-MM" when d is 0 (0 <= y <= 9999). */
static void format_date(char out[11], int y, int m, int d)
{
    put_digits(out, y, 4);
    out[4] = '-';
    put_digits(out + 5, m, 2);
    if (d) {
        out[7] = '-';
        put_digits(out + 8, d, 2);
        out[10] = '\0';
    } else {
        out[7] = '\0';
    }
}

static void set_explain(issue_date *out, const char *s)
{
    size_t n = utf8_cut(s, strlen(s), sizeof out->explain - 1);
    memcpy(out->explain, s, n);
    out->explain[n] = '\0';
}

static int is_digit_byte(char c) { return c >= '0' && c <= '9'; }
static int is_alpha_byte(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_hex_byte(char c)
{
    return is_digit_byte(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Exactly "YYYY-MM-DD" or "YYYY-MM" in s[0..n); d is 0 for a month. */
static int parse_iso_date(const char *s, size_t n, int *y, int *m, int *d)
{
    if (n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !is_digit_byte(s[i]))
            return 0;
    }
    *y = digits_value(s, 4);
    *m = digits_value(s + 5, 2);
    *d = n == 10 ? digits_value(s + 8, 2) : 0;
    if (*y < 1000 || *m < 1 || *m > 12)
        return 0;
    return *d == 0 || valid_day(*y, *m, *d);
}

/* ------------------------------------------------------------------ */
/* The manifest                                                        */
/* ------------------------------------------------------------------ */

#define MANIFEST_MAX_BYTES (64u << 20)
#define MANIFEST_PAGE_MAX 16

typedef struct {
    char *key; /* the file as written, without a leading "./" */
    char date[11];
    char page[MANIFEST_PAGE_MAX + 1]; /* "" when none */
    int line;
} manifest_entry;

struct date_manifest {
    manifest_entry *entries;
    size_t n, cap;
    size_t *slots; /* hash table of entry index + 1 (0: free); size a power of two */
    size_t n_slots;
    char signature[48]; /* "" without a manifest file */
};

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static const manifest_entry *table_get(const date_manifest *m, const char *key, size_t n)
{
    if (!m->n_slots)
        return NULL;
    size_t mask = m->n_slots - 1;
    for (size_t i = (size_t)hash_bytes(key, n) & mask;; i = (i + 1) & mask) {
        size_t slot = m->slots[i];
        if (!slot)
            return NULL;
        const manifest_entry *e = &m->entries[slot - 1];
        if (strlen(e->key) == n && memcmp(e->key, key, n) == 0)
            return e;
    }
}

static void table_insert(size_t *slots, size_t n_slots, const char *key, size_t index)
{
    size_t mask = n_slots - 1;
    size_t i = (size_t)hash_bytes(key, strlen(key)) & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = index + 1;
}

/* Index the last entry pushed, growing the table to stay at most half full. */
static void table_add_last(date_manifest *m)
{
    if (m->n * 2 > m->n_slots) {
        size_t n_slots = m->n_slots ? m->n_slots * 2 : 64;
        free(m->slots);
        m->slots = nfs_xcalloc(n_slots, sizeof *m->slots);
        m->n_slots = n_slots;
        for (size_t i = 0; i < m->n; i++)
            table_insert(m->slots, n_slots, m->entries[i].key, i);
    } else {
        table_insert(m->slots, m->n_slots, m->entries[m->n - 1].key, m->n - 1);
    }
}

/* A short printable copy of a field for error messages. */
static void quote_field(char *buf, size_t size, const char *s, size_t n)
{
    size_t k = utf8_cut(s, n, size - 4);
    memcpy(buf, s, k);
    if (k < n)
        memcpy(buf + k, "...", 4);
    else
        buf[k] = '\0';
}

static void trim_spaces(const char **s, size_t *n)
{
    while (*n && ((*s)[0] == ' ' || (*s)[0] == '\r')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\r'))
        (*n)--;
}

#define MANIFEST_SYNTAX "<file><TAB><YYYY-MM-DD or YYYY-MM>[<TAB><page>]"

/* One line of the manifest (without its newline). */
static int manifest_line(date_manifest *m, const char *path, int line, const char *s, size_t n,
                         nfs_err *err)
{
    size_t lead = 0;
    while (lead < n && (s[lead] == ' ' || s[lead] == '\t' || s[lead] == '\r'))
        lead++;
    if (lead == n || s[lead] == '#')
        return 0; /* blank or comment */
    if (memchr(s, '\0', n))
        return nfs_err_set(err, "%s:%d: contains a NUL byte", path, line);
    if (!utf8_valid(s, n))
        return nfs_err_set(err, "%s:%d: not valid UTF-8", path, line);

    const char *field[3];
    size_t flen[3];
    int nf = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '\t')
            continue;
        const char *f = s + start;
        size_t fl = i - start;
        trim_spaces(&f, &fl);
        start = i + 1;
        if (nf == 3) {
            if (fl == 0)
                continue; /* trailing tabs */
            return nfs_err_set(err, "%s:%d: too many fields (expected " MANIFEST_SYNTAX ")", path,
                               line);
        }
        field[nf] = f;
        flen[nf] = fl;
        nf++;
    }
    if (nf < 2)
        return nfs_err_set(err, "%s:%d: no tab after the file name (expected " MANIFEST_SYNTAX ")",
                           path, line);

    const char *key = field[0];
    size_t key_len = flen[0];
    while (key_len >= 2 && key[0] == '.' && key[1] == '/') {
        key += 2;
        key_len -= 2;
        while (key_len && key[0] == '/') {
            key++;
            key_len--;
        }
    }
    char shown[80];
    if (key_len == 0)
        return nfs_err_set(err, "%s:%d: empty file name (expected " MANIFEST_SYNTAX ")", path,
                           line);
    if (key[0] == '/') {
        quote_field(shown, sizeof shown, key, key_len);
        return nfs_err_set(err, "%s:%d: \"%s\": file names are relative to the corpus folder",
                           path, line, shown);
    }
    int y, mo, d;
    if (!parse_iso_date(field[1], flen[1], &y, &mo, &d)) {
        quote_field(shown, sizeof shown, field[1], flen[1]);
        return nfs_err_set(err, "%s:%d: bad date \"%s\" (expected YYYY-MM-DD or YYYY-MM)", path,
                           line, shown);
    }
    size_t page_len = nf == 3 ? flen[2] : 0;
    int page_ok = page_len <= MANIFEST_PAGE_MAX;
    for (size_t i = 0; page_ok && i < page_len; i++) {
        char c = field[2][i];
        page_ok = is_digit_byte(c) || is_alpha_byte(c) || c == '-' || c == '_' || c == '.';
    }
    if (!page_ok) {
        quote_field(shown, sizeof shown, field[2], page_len);
        return nfs_err_set(err,
                           "%s:%d: bad page \"%s\" (expected up to %d letters, digits, '-', '_' "
                           "or '.')",
                           path, line, shown, MANIFEST_PAGE_MAX);
    }
    const manifest_entry *dup = table_get(m, key, key_len);
    if (dup) {
        quote_field(shown, sizeof shown, key, key_len);
        return nfs_err_set(err, "%s:%d: a second entry for \"%s\" (the first is on line %d)",
                           path, line, shown, dup->line);
    }
    manifest_entry e;
    memset(&e, 0, sizeof e);
    e.key = nfs_xstrndup(key, key_len);
    format_date(e.date, y, mo, d);
    if (page_len)
        memcpy(e.page, field[2], page_len);
    e.line = line;
    NFS_VEC_PUSH(m->entries, m->n, m->cap, e);
    table_add_last(m);
    return 0;
}

static int manifest_parse(date_manifest *m, const char *path, const char *text, size_t len,
                          nfs_err *err)
{
    size_t pos = 0;
    int line = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    while (pos < len) {
        line++;
        const char *s = text + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl ? 1 : 0);
        if (manifest_line(m, path, line, s, n, err) != 0)
            return -1;
    }
    return 0;
}

int date_manifest_load(const char *corpus_dir, date_manifest **out, nfs_err *err)
{
    *out = NULL;
    date_manifest *m = nfs_xcalloc(1, sizeof *m);
    strbuf path = {0}, text = {0};
    sb_printf(&path, "%s/%s", corpus_dir, DATE_MANIFEST_NAME);
    FILE *f = fopen(path.s, "rb");
    if (!f) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR) { /* no manifest: nothing to say */
            sb_free(&path);
            *out = m;
            return 0;
        }
        nfs_err_set(err, "%s: %s", path.s, strerror(e));
        goto fail;
    }
    char buf[65536];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) {
        sb_append(&text, buf, r);
        if (text.len > MANIFEST_MAX_BYTES) {
            fclose(f);
            nfs_err_set(err, "%s: larger than %u MB; is it really a date manifest?", path.s,
                        MANIFEST_MAX_BYTES >> 20);
            goto fail;
        }
    }
    if (ferror(f)) {
        int e = errno;
        fclose(f);
        nfs_err_set(err, "%s: %s", path.s, strerror(e ? e : EIO));
        goto fail;
    }
    fclose(f);
    snprintf(m->signature, sizeof m->signature, "%016llx-%zu",
             (unsigned long long)hash_bytes(text.s ? text.s : "", text.len), text.len);
    if (manifest_parse(m, path.s, text.s ? text.s : "", text.len, err) != 0)
        goto fail;
    sb_free(&path);
    sb_free(&text);
    *out = m;
    return 0;
fail:
    sb_free(&path);
    sb_free(&text);
    date_manifest_free(m);
    return -1;
}

void date_manifest_free(date_manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        free(m->entries[i].key);
    free(m->entries);
    free(m->slots);
    free(m);
}

const char *date_manifest_signature(const date_manifest *m) { return m ? m->signature : ""; }

/* The entry for a corpus file: its relative path, then that path without
 * its extension, then its base name, then the base name without extension. */
static const manifest_entry *manifest_find(const date_manifest *m, const char *rel_path)
{
    if (!m || !m->n || !rel_path)
        return NULL;
    while (rel_path[0] == '.' && rel_path[1] == '/') {
        rel_path += 2;
        while (*rel_path == '/')
            rel_path++;
    }
    size_t n = strlen(rel_path);
    const char *slash = strrchr(rel_path, '/');
    const char *base = slash ? slash + 1 : rel_path;
    size_t base_len = strlen(base);
    const char *dot = strrchr(base, '.');
    size_t ext = dot && dot != base ? (size_t)(base + base_len - dot) : 0;
    const manifest_entry *e;
    if ((e = table_get(m, rel_path, n)) || (ext && (e = table_get(m, rel_path, n - ext))))
        return e;
    if (base != rel_path &&
        ((e = table_get(m, base, base_len)) || (ext && (e = table_get(m, base, base_len - ext)))))
        return e;
    return NULL;
}

const char *date_manifest_lookup(const date_manifest *m, const char *rel_path)
{
    const manifest_entry *e = manifest_find(m, rel_path);
    return e ? e->date : NULL;
}

const char *date_manifest_page(const date_manifest *m, const char *rel_path)
{
    const manifest_entry *e = manifest_find(m, rel_path);
    return e && e->page[0] ? e->page : NULL;
}

/* ------------------------------------------------------------------ */
/* Dates in file names                                                 */
/* ------------------------------------------------------------------ */

static int is_name_separator(char c) { return c == '-' || c == '_' || c == '.' || c == '/' || c == ' '; }

static size_t digit_run_end(const char *s, size_t len, size_t i)
{
    while (i < len && is_digit_byte(s[i]))
        i++;
    return i;
}

/* 1 when the digits s[a..b) belong to a hash-like word rather than to a name
 * with a date in it: a word of 12 or more hex digits with letters among them
 * (a908ea7bfa3109f3), or an all-hex word with letters on both sides of the
 * digits (ab20201123cd). Letters on one side only are a prefix or suffix
 * (rmrb20201123). */
static int in_hash_like_word(const char *s, size_t len, size_t a, size_t b)
{
    size_t ws = a, we = b;
    while (ws > 0 && (is_digit_byte(s[ws - 1]) || is_alpha_byte(s[ws - 1])))
        ws--;
    while (we < len && (is_digit_byte(s[we]) || is_alpha_byte(s[we])))
        we++;
    int all_hex = 1, letters = 0;
    for (size_t i = ws; i < we; i++) {
        all_hex &= is_hex_byte(s[i]);
        letters += is_alpha_byte(s[i]);
    }
    if (!all_hex || !letters)
        return 0;
    return we - ws >= 12 || (ws < a && b < we);
}

typedef struct {
    int y, m, d;     /* d is 0 for a month */
    size_t at, end;  /* where it is written */
} name_date;

static int is_year_month_day(int y, int m, int d)
{
    return y >= YEAR_MIN && y <= YEAR_MAX && valid_day(y, m, d);
}

/* A date written from the digit run s[a..b) on: YYYYMMDD, YYYY-MM-DD (any
 * of - _ . / space, mixed, 1-2 digit month and day), YYYY/MMDD, YYYY-MM
 * (two-digit month, nothing date-like after it), or YYYY年M月D日. */
static int name_date_at(const char *s, size_t len, size_t a, size_t b, name_date *nd)
{
    memset(nd, 0, sizeof *nd);
    nd->at = a;
    if (b - a == 8) {
        nd->y = digits_value(s + a, 4);
        nd->m = digits_value(s + a + 4, 2);
        nd->d = digits_value(s + a + 6, 2);
        nd->end = b;
        return is_year_month_day(nd->y, nd->m, nd->d) && !in_hash_like_word(s, len, a, b);
    }
    if (b - a != 4)
        return 0;
    nd->y = digits_value(s + a, 4);
    if (nd->y < YEAR_MIN || nd->y > YEAR_MAX || in_hash_like_word(s, len, a, b))
        return 0;
    if (b + 1 < len && is_name_separator(s[b]) && is_digit_byte(s[b + 1])) {
        size_t c = b + 1, ce = digit_run_end(s, len, c);
        if (ce - c == 4) { /* 2020/1123 */
            nd->m = digits_value(s + c, 2);
            nd->d = digits_value(s + c + 2, 2);
            nd->end = ce;
            return is_year_month_day(nd->y, nd->m, nd->d);
        }
        if (ce - c > 2)
            return 0;
        nd->m = digits_value(s + c, ce - c);
        if (nd->m < 1 || nd->m > 12)
            return 0;
        if (ce + 1 < len && is_name_separator(s[ce]) && is_digit_byte(s[ce + 1])) {
            size_t e = ce + 1, ee = digit_run_end(s, len, e);
            if (ee - e > 2)
                return 0; /* 2020-11-2345: not a date */
            nd->d = digits_value(s + e, ee - e);
            nd->end = ee;
            return valid_day(nd->y, nd->m, nd->d);
        }
        nd->end = ce;
        return ce - c == 2; /* 2020-11, but not 2020-1 (more likely a number) */
    }
    static const char year_sign[] = "年", month_sign[] = "月", day_sign[] = "日";
    size_t k = b;
    if (len - k < 3 || memcmp(s + k, year_sign, 3) != 0)
        return 0;
    k += 3;
    size_t me = digit_run_end(s, len, k);
    if (me == k || me - k > 2 || len - me < 3 || memcmp(s + me, month_sign, 3) != 0)
        return 0;
    nd->m = digits_value(s + k, me - k);
    if (nd->m < 1 || nd->m > 12)
        return 0;
    k = me + 3;
    nd->end = k;
    size_t de = digit_run_end(s, len, k);
    if (de > k && de - k <= 2 && len - de >= 3 && memcmp(s + de, day_sign, 3) == 0) {
        nd->d = digits_value(s + k, de - k);
        nd->end = de + 3;
        return valid_day(nd->y, nd->m, nd->d);
    }
    return 1;
}

int date_from_filename(const char *rel_path, issue_date *out)
{
    memset(out, 0, sizeof *out);
    if (!rel_path)
        return 0;
    size_t len = strlen(rel_path);
    name_date best = {0, 0, 0, 0, 0};
    int found = 0;
    for (size_t i = 0; i < len;) {
        if (!is_digit_byte(rel_path[i])) {
            i++;
            continue;
        }
        size_t b = digit_run_end(rel_path, len, i);
        name_date nd;
        /* the most precise date wins; among equals the last (nearest the
         * file's own name) */
        if (name_date_at(rel_path, len, i, b, &nd) && (!found || (nd.d != 0) >= (best.d != 0))) {
            best = nd;
            found = 1;
        }
        i = b;
    }
    if (!found)
        return 0;
    format_date(out->date, best.y, best.m, best.d);
    out->source = DATE_FILENAME;
    out->confidence = 1.0f;
    strbuf sb = {0};
    sb_printf(&sb, "file name: \"%.*s\" in %s", (int)(best.end - best.at), rel_path + best.at,
              rel_path);
    set_explain(out, sb.s);
    sb_free(&sb);
    return 1;
}

/* ------------------------------------------------------------------ */
/* Dates from the text                                                 */
/* ------------------------------------------------------------------ */

/* The text as code points, so that context can be read both ways. */
typedef struct {
    uint32_t *c;
    size_t n;
} cptext;

static int is_sentence_end(uint32_t c)
{
    return c == '\n' || c == '\r' || c == 0x3002 /* 。 */ || c == '!' || c == '?' || c == ';' ||
           c == 0xFF01 || c == 0xFF1F || c == 0xFF1B;
}

/* 1 when the code points at t[at..] spell the UTF-8 word w. */
static int word_at(const cptext *t, size_t at, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i < wl;) {
        uint32_t c;
        i += utf8_decode(w + i, wl - i, &c);
        if (at >= t->n || t->c[at] != c)
            return 0;
        at++;
    }
    return 1;
}

/* 1 when one of words ends at most `gap` code points before pos, with no
 * sentence end in between. */
static int word_before(const cptext *t, size_t pos, size_t gap, const char *const *words)
{
    for (size_t g = 0; g <= gap && g <= pos; g++) {
        size_t end = pos - g;
        if (g > 0 && is_sentence_end(t->c[end]))
            return 0;
        for (const char *const *w = words; *w; w++) {
            size_t wl = utf8_count(*w, strlen(*w));
            if (end >= wl && word_at(t, end - wl, *w))
                return 1;
        }
    }
    return 0;
}

/* 1 when one of words starts at most `gap` code points after pos, with no
 * sentence end in between. */
static int word_after(const cptext *t, size_t pos, size_t gap, const char *const *words)
{
    for (size_t g = 0; g <= gap && pos + g < t->n; g++) {
        if (g > 0 && is_sentence_end(t->c[pos + g - 1]))
            return 0;
        for (const char *const *w = words; *w; w++)
            if (word_at(t, pos + g, *w))
                return 1;
    }
    return 0;
}

static int one_of(uint32_t c, const char *chars)
{
    size_t n = strlen(chars);
    for (size_t i = 0; i < n;) {
        uint32_t x;
        i += utf8_decode(chars + i, n - i, &x);
        if (x == c)
            return 1;
    }
    return 0;
}

#define CP_YEAR 0x5E74  /* 年 */
#define CP_MONTH 0x6708 /* 月 */
#define CP_DAY 0x65E5   /* 日 */
#define CP_HAO 0x53F7   /* 号 */
#define CP_DU 0x5EA6    /* 度 */
#define CP_TEN 0x5341   /* 十 */

static int arabic_digit(uint32_t c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    return -1;
}

/* The Han digits differ in their low five bits, so one probe of a table
 * indexed by them answers: find_mentions asks this of every character of
 * an issue (perf on 2,000 issues: with a loop over the ten digits, date
 * inference took 3.2% of indexing; with the table, 2.1%). */
#define HAN_DIGIT(cp, v) [(cp) & 31] = {(cp), (v)}
static const struct {
    uint32_t cp;
    int value;
} han_digits[32] = {
    HAN_DIGIT(0x3007, 0), /* 〇 */ HAN_DIGIT(0x96F6, 0), /* 零 */ HAN_DIGIT(0x4E00, 1), /* 一 */
    HAN_DIGIT(0x4E8C, 2), /* 二 */ HAN_DIGIT(0x4E09, 3), /* 三 */ HAN_DIGIT(0x56DB, 4), /* 四 */
    HAN_DIGIT(0x4E94, 5), /* 五 */ HAN_DIGIT(0x516D, 6), /* 六 */ HAN_DIGIT(0x4E03, 7), /* 七 */
    HAN_DIGIT(0x516B, 8), /* 八 */ HAN_DIGIT(0x4E5D, 9), /* 九 */
};
#undef HAN_DIGIT

static inline int han_digit(uint32_t c)
{
    /* empty slots hold 0, which no digit is */
    return c != 0 && han_digits[c & 31].cp == c ? han_digits[c & 31].value : -1;
}

static int is_number_char(uint32_t c) { return arabic_digit(c) >= 0 || han_digit(c) >= 0 || c == CP_TEN; }

typedef struct {
    int value;
    int digits; /* how many digits were written (0 for Han numbers with 十) */
    int han;
    size_t end;
} number;

/* The number written at t[i..]: Arabic digits, Han digits written one by
 * one (二〇二〇) or a Han number up to 99 (十一, 二十三). */
static int read_number(const cptext *t, size_t i, number *num)
{
    memset(num, 0, sizeof *num);
    if (i >= t->n)
        return 0;
    if (arabic_digit(t->c[i]) >= 0) {
        long v = 0;
        size_t j = i;
        int dv;
        while (j < t->n && (dv = arabic_digit(t->c[j])) >= 0) {
            if (v < 100000000)
                v = v * 10 + dv;
            j++;
        }
        num->value = (int)v;
        num->digits = (int)(j - i);
        num->end = j;
        return 1;
    }
    size_t j = i;
    while (j < t->n && j - i < 6 && (han_digit(t->c[j]) >= 0 || t->c[j] == CP_TEN))
        j++;
    if (j == i || (j < t->n && is_number_char(t->c[j])))
        return 0;
    num->han = 1;
    num->end = j;
    size_t ten = j;
    for (size_t k = i; k < j; k++)
        if (t->c[k] == CP_TEN) {
            if (ten != j)
                return 0;
            ten = k;
        }
    if (ten == j) { /* digits one by one */
        int v = 0;
        for (size_t k = i; k < j; k++)
            v = v * 10 + han_digit(t->c[k]);
        num->value = v;
        num->digits = (int)(j - i);
        return 1;
    }
    /* [d]十[d] */
    int tens = 1, ones = 0;
    if (ten - i > 1 || j - ten > 2)
        return 0;
    if (ten > i && (tens = han_digit(t->c[i])) < 1)
        return 0;
    if (j - ten == 2 && (ones = han_digit(t->c[ten + 1])) < 1)
        return 0;
    num->value = tens * 10 + ones;
    return 1;
}

/* What the context says about a date mention. */
enum {
    F_PLAN = 1 << 0,      /* in the future: 将, 计划, 力争, 明年, …前 */
    F_FAR = 1 << 1,       /* a long-range target: 到2035年, 2035年远景目标 */
    F_PAST = 1 << 2,      /* marked as past: 自, 从, 于, 截至, 在; …以来, …开始, …起 */
    F_NAMED = 1 << 3,     /* a year naming something: 2023年度, 2024年自治区工匠学院 */
    F_THIS_YEAR = 1 << 4, /* 今年3月 */
    F_LAST_YEAR = 1 << 5, /* 去年10月 */
    F_RECURRING = 1 << 6, /* 每年3月5日 */
    F_EFFECTIVE = 1 << 7, /* …起施行: a rule taking effect, maybe in the future */
    F_ORPHAN_DAY = 1 << 8,  /* 18日 without a month */
    F_SAYS_THIS_YEAR = 1 << 9, /* 今年（2020年） */
    F_SAYS_LAST_YEAR = 1 << 10, /* 去年（2019年） */
    F_SAYS_NEXT_YEAR = 1 << 11, /* 明年（2021年） */
    F_SINCE = 1 << 12,          /* 2023年以来: since then, till now */
};

typedef struct {
    int y, m, d;         /* 0 when not written */
    int wday;            /* weekday written after it (0 Sunday), or -1 */
    unsigned flags;
    size_t start, end;   /* the date in the text, in code points */
    size_t ctx_end;      /* after a weekday written after it */
} mention;

static int is_range_connector(uint32_t c)
{
    return one_of(c, "至到-~～—–、和及与");
}

/* A day written alone (18日) counts only at the start of a clause
 * (…)18日, 于18日) and followed by a time of day or a clause break. */
static int lone_day_context(const cptext *t, size_t start, size_t end)
{
    if (start > 0 && !one_of(t->c[start - 1], ",，、。;；:：!?() （）“\"\n\t\x20\u3000于在从自至讯电当"))
        return 0;
    return end < t->n && one_of(t->c[end], ",，、上下晚凌早中夜起至到在-—");
}

/* The date written at t[i..] (i starts a number), or 0; *next is where to
 * go on scanning. prev is the mention before, for ranges (11月16日至18日). */
static int read_mention(const cptext *t, size_t i, const mention *prev, mention *mt, size_t *next)
{
    number a, b, c;
    memset(mt, 0, sizeof *mt);
    mt->wday = -1;
    mt->start = i;
    *next = i + 1;
    if (!read_number(t, i, &a))
        return 0;
    *next = a.end;
    uint32_t after = a.end < t->n ? t->c[a.end] : 0;
    size_t k;
    if (after == CP_YEAR) {
        if (a.digits != 4 || a.value < 1800 || a.value > 2200)
            return 0;
        mt->y = a.value;
        k = a.end + 1;
        if (read_number(t, k, &b) && b.end < t->n && t->c[b.end] == CP_MONTH && b.digits <= 2 &&
            b.value >= 1 && b.value <= 12) {
            mt->m = b.value;
            k = b.end + 1;
            if (read_number(t, k, &c) && c.end < t->n &&
                (t->c[c.end] == CP_DAY || t->c[c.end] == CP_HAO) && c.digits <= 2 &&
                valid_day(mt->y, mt->m, c.value)) {
                mt->d = c.value;
                k = c.end + 1;
            }
        }
    } else if (!a.han && a.digits == 4 && (after == '-' || after == '/' || after == '.')) {
        /* 2020-11-18 */
        if (!read_number(t, a.end + 1, &b) || b.han || b.digits > 2 || b.end >= t->n ||
            t->c[b.end] != after || !read_number(t, b.end + 1, &c) || c.han || c.digits > 2)
            return 0;
        if (a.value < YEAR_MIN || a.value > YEAR_MAX || !valid_day(a.value, b.value, c.value))
            return 0;
        mt->y = a.value;
        mt->m = b.value;
        mt->d = c.value;
        k = c.end;
    } else if (after == CP_MONTH && a.value >= 1 && a.value <= 12 && (a.han || a.digits <= 2)) {
        mt->m = a.value;
        k = a.end + 1;
        if (read_number(t, k, &c) && c.end < t->n &&
            (t->c[c.end] == CP_DAY || t->c[c.end] == CP_HAO) && c.digits <= 2 &&
            valid_day(2000, mt->m, c.value)) {
            mt->d = c.value;
            k = c.end + 1;
        }
        if (a.han && !mt->d)
            return 0; /* 三月 alone is too often not a date */
    } else if (after == CP_DAY && !a.han && a.digits <= 2 && a.value >= 1 && a.value <= 31) {
        k = a.end + 1;
        mt->d = a.value;
        if (prev && prev->m && prev->end + 1 == i && is_range_connector(t->c[prev->end])) {
            mt->y = prev->y; /* 11月16日至18日 */
            mt->m = prev->m;
            if (!valid_day(mt->y ? mt->y : 2000, mt->m, mt->d))
                return 0;
        } else if (lone_day_context(t, i, k)) {
            mt->flags |= F_ORPHAN_DAY;
        } else {
            return 0;
        }
    } else {
        return 0;
    }
    /* the second half of a range keeps the first one's year */
    if (!mt->y && mt->m && prev && prev->end + 1 == i && is_range_connector(t->c[prev->end])) {
        mt->y = prev->y;
        mt->flags |= prev->flags & (F_THIS_YEAR | F_LAST_YEAR);
    }
    mt->end = mt->ctx_end = k;
    *next = k;

    /* a weekday after it: (星期三), 周三, " 星期五" */
    size_t w = k;
    while (w < t->n && w < k + 2 && (t->c[w] == ' ' || t->c[w] == 0x3000))
        w++;
    if (w < t->n && (t->c[w] == '(' || t->c[w] == 0xFF08))
        w++;
    static const char *const week_words[] = {"星期", "礼拜", "周", NULL};
    for (const char *const *ww = week_words; *ww; ww++) {
        if (!word_at(t, w, *ww))
            continue;
        size_t x = w + utf8_count(*ww, strlen(*ww));
        if (x >= t->n)
            break;
        static const char *const days = "日一二三四五六";
        uint32_t dc = t->c[x];
        int wd = dc == 0x5929 /* 天 */ ? 0 : -1;
        size_t dn = strlen(days);
        int idx = 0;
        for (size_t p = 0; p < dn && wd < 0; idx++) {
            uint32_t cc;
            p += utf8_decode(days + p, dn - p, &cc);
            if (cc == dc)
                wd = idx;
        }
        if (wd >= 0) {
            mt->wday = wd;
            x++;
            if (x < t->n && (t->c[x] == ')' || t->c[x] == 0xFF09))
                x++;
            mt->ctx_end = x;
            *next = x;
        }
        break;
    }
    return 1;
}

/* Context words (see classify). */
static const char *const PLAN_BEFORE[] = {"将", "拟", "计划", "预计", "力争", "争取", "确保",
                                          "定于", "即将", "届时", "有望", "目标", NULL};
static const char *const PLAN_AFTER[] = {"计划", "将", "力争", "预计", "拟", "即将",
                                         "有望", "目标", "规划", "远景", "愿景", NULL};
static const char *const FAR_AFTER[] = {"远景", "愿景", "规划", NULL};
static const char *const PAST_BEFORE[] = {"自", "从", "于", "截至", "截止", "早在", "始于", NULL};
static const char *const SINCE_AFTER[] = {"以来", "开始", NULL};
static const char *const EFFECT_AFTER[] = {"起施行", "起实施", "起生效", "起执行", "起正式", NULL};
/* verbs of past events right after a year: 2019年入职, 2016年成立 */
static const char *const PAST_VERB_AFTER[] = {
    "入职", "成立", "出台", "启动", "建成", "获得", "获评", "荣获", "被", "加入", "参加",
    "毕业", "退休", "进入", "来到", "投产", "开展", "举办", "组建", "创建", "发布", "印发",
    "制定", "提出", "完成", "开通", "落成", "当选", "参军", "入党", "就读", NULL};

/* Read the words around a mention into its flags. prev_adjacent: it is
 * the second half of a range. */
static void classify(const cptext *t, mention *mt, int prev_adjacent)
{
    static const char *const this_year[] = {"今年", NULL}, *const last_year[] = {"去年", NULL},
                              *const next_year[] = {"明年", NULL},
                              *const every[] = {"每年", "每月", "每", NULL},
                              *const says_this[] = {"今年(", "今年（", NULL},
                              *const says_last[] = {"去年(", "去年（", NULL},
                              *const says_next[] = {"明年(", "明年（", NULL},
                              *const deadline[] = {"到", "至", NULL},
                              *const until[] = {"截至", "截止", NULL},
                              *const at[] = {"在", NULL}, *const before_word[] = {"前", "底前", NULL},
                              *const since_word[] = {"以来", NULL}, *const from_word[] = {"起", NULL};
    size_t s = mt->start;
    if (word_before(t, s, 0, this_year))
        mt->flags |= F_THIS_YEAR;
    if (word_before(t, s, 0, last_year))
        mt->flags |= F_LAST_YEAR;
    if (word_before(t, s, 0, next_year))
        mt->flags |= F_PLAN;
    if (word_before(t, s, 0, every))
        mt->flags |= F_RECURRING;
    if (mt->y && word_before(t, s, 0, says_this))
        mt->flags |= F_SAYS_THIS_YEAR;
    if (mt->y && word_before(t, s, 0, says_last))
        mt->flags |= F_SAYS_LAST_YEAR;
    if (mt->y && word_before(t, s, 0, says_next))
        mt->flags |= F_SAYS_NEXT_YEAR;

    int day_level = mt->d != 0;
    if (word_before(t, s, day_level ? 4 : 6, PLAN_BEFORE))
        mt->flags |= F_PLAN;
    if (mt->y && !day_level && !prev_adjacent && !word_before(t, s, 0, until) &&
        word_before(t, s, 0, deadline))
        mt->flags |= F_PLAN | F_FAR; /* 到2025年: a target */
    if (word_after(t, mt->ctx_end, 0, before_word))
        mt->flags |= F_PLAN; /* 12月31日前: a deadline */
    if (mt->y && word_after(t, mt->ctx_end, 8, PLAN_AFTER))
        mt->flags |= F_PLAN;
    if (mt->y && word_after(t, mt->ctx_end, 4, FAR_AFTER))
        mt->flags |= F_PLAN | F_FAR;
    if (word_after(t, mt->ctx_end, 1, EFFECT_AFTER))
        mt->flags |= F_EFFECTIVE;
    if (!(mt->flags & F_PLAN) && word_after(t, mt->ctx_end, 3, since_word))
        mt->flags |= F_SINCE | F_PAST;
    if (!(mt->flags & F_PLAN)) {
        if (word_before(t, s, 3, PAST_BEFORE) || word_before(t, s, 0, at) ||
            word_after(t, mt->ctx_end, 3, SINCE_AFTER) || word_after(t, mt->ctx_end, 2, since_word) ||
            (mt->y && !mt->m && word_after(t, mt->ctx_end, 0, PAST_VERB_AFTER)) ||
            (!(mt->flags & F_EFFECTIVE) && word_after(t, mt->ctx_end, 0, from_word)))
            mt->flags |= F_PAST;
    }
    /* 2023年度…, 2024年自治区工匠学院: the year is part of a name (but not
     * in 于2019年出台…, a time) */
    if (mt->y && !mt->m && !(mt->flags & F_PAST) && mt->ctx_end < t->n) {
        uint32_t c = t->c[mt->ctx_end];
        if (c == CP_DU || (nfs_is_han(c) && !one_of(c, "以开起初底末中前后至到上下间内里是就便又再即的来")))
            mt->flags |= F_NAMED;
    }
}

/* All date mentions of the text, in order. */
static mention *find_mentions(const cptext *t, size_t *count)
{
    mention *v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < t->n;) {
        uint32_t c = t->c[i];
        int starts = 0;
        if (arabic_digit(c) >= 0) /* not inside a number (5.2020) or a code (G20) */
            starts = i == 0 ||
                     (arabic_digit(t->c[i - 1]) < 0 &&
                      !(t->c[i - 1] == '.' && i >= 2 && arabic_digit(t->c[i - 2]) >= 0) &&
                      !(t->c[i - 1] < 0x80 && is_alpha_byte((char)t->c[i - 1])));
        else if (han_digit(c) >= 0 || c == CP_TEN)
            starts = i == 0 || (!is_number_char(t->c[i - 1]) && t->c[i - 1] != 0x7B2C /* 第 */);
        if (!starts) {
            i++;
            continue;
        }
        mention mt;
        size_t next;
        const mention *prev = n ? &v[n - 1] : NULL;
        if (read_mention(t, i, prev, &mt, &next)) {
            int adjacent = prev && prev->end + 1 == i && is_range_connector(t->c[prev->end]);
            classify(t, &mt, adjacent);
            NFS_VEC_PUSH(v, n, cap, mt);
        }
        /* skip the rest of a number that did not make a date */
        while (next < t->n && next > i && arabic_digit(t->c[next]) >= 0 &&
               arabic_digit(t->c[next - 1]) >= 0)
            next++;
        i = next > i ? next : i + 1;
    }
    *count = n;
    return v;
}

/* A dated event on the calendar, for choosing the publication day. */
typedef struct {
    long day; /* day number (or day of a leap year while the year is unknown) */
    double weight;
    int y, m, d;
    size_t mention;
} event_point;

static int cmp_event_point(const void *a, const void *b)
{
    long x = ((const event_point *)a)->day, y = ((const event_point *)b)->day;
    return (x > y) - (x < y);
}

/* Sum of the weights of the sorted points with day in [lo, hi]. */
static double weight_between(const event_point *p, const double *prefix, size_t n, long lo,
                             long hi)
{
    size_t a = 0, b = n;
    while (a < b) { /* first day >= lo */
        size_t mid = a + (b - a) / 2;
        if (p[mid].day < lo)
            a = mid + 1;
        else
            b = mid;
    }
    size_t first = a;
    b = n;
    while (a < b) { /* first day > hi */
        size_t mid = a + (b - a) / 2;
        if (p[mid].day <= hi)
            a = mid + 1;
        else
            b = mid;
    }
    return prefix[a] - prefix[first];
}

/* How well a publication day explains the events: an event counts 1 when
 * it is within a week before, 0.5 within a month, 0.2 within two months,
 * and not at all when after it or longer before. */
static double day_support(const event_point *p, const double *prefix, size_t n, long day)
{
    double week = weight_between(p, prefix, n, day - 7, day);
    double month = weight_between(p, prefix, n, day - 31, day);
    double two = weight_between(p, prefix, n, day - 62, day);
    return week + 0.5 * (month - week) + 0.2 * (two - month);
}

/* The best publication day among the candidate points cand[0..nc): the one
 * most supported by the events p (sorted, with prefix sums of weights); on
 * a tie the later one (cyclic: the later within two months, when the days
 * are days of a year, period 366). Returns the index in cand. */
static size_t best_day(const event_point *cand, size_t nc, const event_point *p,
                       const double *prefix, size_t n, long period, double *score)
{
    size_t best = 0;
    double best_score = -1;
    for (size_t i = 0; i < nc; i++) {
        double s = day_support(p, prefix, n, cand[i].day);
        int later;
        if (period)
            later = ((cand[i].day - cand[best].day) % period + period) % period;
        else
            later = cand[i].day > cand[best].day;
        if (s > best_score + 1e-9 ||
            (s > best_score - 1e-9 && (period ? later > 0 && later <= 62 : later))) {
            best = i;
            best_score = s;
        }
    }
    *score = best_score;
    return best;
}

/* Choose the publication day for points (sorted here): with period 366 the
 * points are days of the year and the year wraps (December before January). */
static size_t choose_day(event_point *pts, size_t n, long period, double *score)
{
    qsort(pts, n, sizeof *pts, cmp_event_point);
    size_t ne = period ? 2 * n : n;
    event_point *ext = nfs_xmalloc(ne * sizeof *ext);
    if (period) { /* each point also a year earlier, so that windows wrap */
        for (size_t i = 0; i < n; i++) {
            ext[i] = pts[i];
            ext[i].day -= period;
            ext[n + i] = pts[i];
        }
    } else {
        memcpy(ext, pts, n * sizeof *ext);
    }
    double *prefix = nfs_xmalloc((ne + 1) * sizeof *prefix);
    prefix[0] = 0;
    for (size_t i = 0; i < ne; i++)
        prefix[i + 1] = prefix[i] + ext[i].weight;
    size_t best = best_day(pts, n, ext, prefix, ne, period, score);
    free(prefix);
    free(ext);
    return best;
}

/* The mention's own words, for explanations. */
static void quote_mention(const cptext *t, const mention *mt, strbuf *sb)
{
    static const char *const relative[] = {"今年", "去年", NULL};
    size_t a = mt->start;
    if (mt->flags & (F_SAYS_THIS_YEAR | F_SAYS_LAST_YEAR | F_SAYS_NEXT_YEAR))
        a -= 3; /* 今年（ */
    else if (word_before(t, a, 0, relative))
        a -= 2;
    else if (a >= 2 && word_at(t, a - 2, "截至"))
        a -= 2;
    else if (a > 0 && one_of(t->c[a - 1], "于自从在"))
        a -= 1;
    size_t e = mt->ctx_end;
    if (e < t->n && e - a < 12 && word_at(t, e, "以来"))
        e += 2;
    for (size_t i = a; i < e && i < a + 20; i++) {
        char buf[4];
        sb_append(sb, buf, utf8_encode(t->c[i], buf));
    }
}

/* Positions of 今年 in the text, sorted. */
typedef struct {
    size_t *at;
    size_t n, cap;
} positions;

static int near_any(const positions *p, size_t pos, size_t dist)
{
    size_t a = 0, b = p->n;
    size_t lo = pos > dist ? pos - dist : 0;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (p->at[mid] < lo)
            a = mid + 1;
        else
            b = mid;
    }
    return a < p->n && p->at[a] <= pos + dist;
}

/* How near (in characters) a 今年 must be for an explicit year to count as
 * "a year other than this one": about the same article. */
#define THIS_YEAR_NEAR 400

typedef struct {
    int year;        /* 0: none */
    float confidence;
    strbuf why;
} year_choice;

/* The anchor: the month and day (day 0: only the month) the issue seems to
 * be "now", before its year is known; m is 0 when there is none. */
typedef struct {
    int m, d;
} anchor;

/* How far after the anchor, in days, a dated mention must be (later in
 * its year) to be taken for an earlier year: a few weeks after the events
 * may still be this year (the anchor is a lower bound). */
#define PAST_BY_ORDER_DAYS 45

/* 1 for a date written in full (not as past) within PAST_BY_ORDER_DAYS of
 * the anchor in the same year (or any, when there is no anchor): one of
 * the issue's events, dated. */
static int is_dated_event(const mention *mt, anchor an)
{
    if (!mt->y || !mt->d || (mt->flags & (F_PAST | F_PLAN | F_RECURRING | F_EFFECTIVE | F_FAR)))
        return 0;
    if (!an.m)
        return 1;
    int now = leap_day_of_year(an.m, an.d ? an.d : 15);
    int then = leap_day_of_year(mt->m, mt->d);
    return then - now <= PAST_BY_ORDER_DAYS && now - then <= PAST_BY_ORDER_DAYS;
}

static int after_anchor(const mention *mt, anchor an)
{
    if (!an.m || !mt->m)
        return 0;
    int now = leap_day_of_year(an.m, an.d ? an.d : 15);
    int then = leap_day_of_year(mt->m, mt->d ? mt->d : 1);
    return then - now > PAST_BY_ORDER_DAYS;
}

/* The publication year (see date_infer_text). */
static void choose_year(const cptext *t, const mention *ms, size_t n, const positions *this_year,
                        anchor an, year_choice *yc)
{
    yc->year = 0;
    yc->confidence = 0;
    /* 1. the text says it: 今年（2020年） */
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        int y = mt->flags & F_SAYS_THIS_YEAR   ? mt->y
                : mt->flags & F_SAYS_LAST_YEAR ? mt->y + 1
                : mt->flags & F_SAYS_NEXT_YEAR ? mt->y - 1
                                               : 0;
        if (y >= YEAR_MIN && y <= YEAR_MAX) {
            yc->year = y;
            yc->confidence = 0.95f;
            sb_printf(&yc->why, "year %d: the text says so (", y);
            quote_mention(t, mt, &yc->why);
            sb_puts(&yc->why, ")");
            return;
        }
    }
    /* 2. explicit years: an isolated far-future year (more than 10 years
     * after every other, and only ever naming something: 2060年碳中和) is
     * a target */
    int top = 0, second = 0, top_dated = 0;
    for (size_t i = 0; i < n; i++) {
        int y = ms[i].y;
        if (!y || (ms[i].flags & F_FAR) || y == top)
            continue;
        if (y > top) {
            second = top;
            top = y;
        } else if (y > second) {
            second = y;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (ms[i].y == top && (ms[i].m || !(ms[i].flags & (F_NAMED | F_PLAN))))
            top_dated = 1;
    int cutoff = second && top > second + 10 && !top_dated ? second : top;
    int latest = 0, latest_plan = 0, earliest_plan = 0;
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        if (!mt->y || mt->y > cutoff || (mt->flags & (F_FAR | F_EFFECTIVE)))
            continue;
        if (mt->flags & F_PLAN) {
            latest_plan = mt->y > latest_plan ? mt->y : latest_plan;
            earliest_plan = !earliest_plan || mt->y < earliest_plan ? mt->y : earliest_plan;
        } else if (mt->y > latest) {
            latest = mt->y;
        }
    }
    /* the latest year written; a plan for the year after counts too (the
     * plans of a new year: 2025年，自治区计划…), except late in the year,
     * when plans are for the next one */
    int year = latest;
    if (latest && latest_plan == latest + 1 && (!an.m || an.m < 10))
        year = latest_plan;
    else if (!latest)
        year = earliest_plan;
    if (!year)
        return;
    /* a mention of `year` that reads as this year's: a name, a plan, or an
     * event dated in full among the events of the issue */
    int current_like = 0, event_year = 0;
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        if (is_dated_event(mt, an) && mt->y > event_year)
            event_year = mt->y;
        if (mt->y != year || (mt->flags & (F_FAR | F_EFFECTIVE)))
            continue;
        if (mt->flags & (F_NAMED | F_PLAN))
            current_like = 1;
    }
    if (event_year == year)
        current_like = 1;

    /* 3. past years: a year written next to 今年 in a past construction
     * (于2019年6月, 2018年开始) is another year than this one; a past date
     * later in its year than the issue's "now" (2024年12月30日 in an issue
     * whose events are in January) is from an earlier year */
    enum { NOT_PAST, PAST_BY_SINCE, PAST_BY_THIS_YEAR, PAST_BY_ORDER };
    static const float past_confidence[] = {0, 0.7f, 0.75f, 0.9f};
    int bound = 0, bound_why = NOT_PAST;
    const mention *bound_mention = NULL;
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        if (!mt->y || (mt->flags & (F_PLAN | F_EFFECTIVE | F_RECURRING)) || mt->y > cutoff)
            continue;
        int why = NOT_PAST;
        if (after_anchor(mt, an))
            why = PAST_BY_ORDER;
        else if (mt->y == event_year)
            why = NOT_PAST; /* the year of the issue's dated events */
        else if ((mt->flags & F_PAST) && !(mt->flags & F_NAMED) &&
                 near_any(this_year, mt->start, THIS_YEAR_NEAR))
            why = PAST_BY_THIS_YEAR;
        else if (mt->flags & F_SINCE)
            why = PAST_BY_SINCE; /* this year would be 今年以来 */
        int b = mt->y + (why != NOT_PAST);
        if (b > bound || (b == bound && why > bound_why)) {
            bound = b;
            bound_why = why;
            bound_mention = mt;
        }
    }
    if (bound > year || (bound == year && bound_why != NOT_PAST)) {
        year = bound;
        yc->confidence = past_confidence[bound_why];
        sb_printf(&yc->why, "year %d: ", year);
        quote_mention(t, bound_mention, &yc->why);
        if (bound_why == PAST_BY_ORDER)
            sb_printf(&yc->why, " is later in its year than %02d-%02d, so a past year", an.m,
                      an.d ? an.d : 1);
        else if (bound_why == PAST_BY_THIS_YEAR)
            sb_puts(&yc->why, " is a past year (written next to 今年)");
        else
            sb_puts(&yc->why, " is a past year (this year's would be 今年以来)");
    } else if (this_year->n && year == latest && !current_like) {
        /* a writer calls this year 今年 and writes out the numbers of other
         * years: when none of the mentions of the latest year reads as this
         * year's (2023年度, 2022年全市…, a plan), it is last year */
        year = latest + 1;
        yc->confidence = 0.6f;
        sb_printf(&yc->why, "year %d: the text says 今年 and writes %d only as a past year", year,
                  latest);
        for (size_t i = 0; i < n; i++)
            if (ms[i].y == latest) {
                sb_puts(&yc->why, " (");
                quote_mention(t, &ms[i], &yc->why);
                sb_puts(&yc->why, ")");
                break;
            }
    } else {
        yc->confidence = current_like ? 0.85f : 0.7f;
        sb_printf(&yc->why, "year %d: the latest year written", year);
        for (size_t i = 0; i < n; i++)
            if (ms[i].y == year) {
                sb_puts(&yc->why, " (");
                quote_mention(t, &ms[i], &yc->why);
                sb_puts(&yc->why, ")");
                break;
            }
    }
    if (year < YEAR_MIN || year > YEAR_MAX) {
        sb_clear(&yc->why);
        yc->confidence = 0;
        return;
    }
    yc->year = year;

    /* 4. weekdays written with month/day mentions pick between this year,
     * the next and (when allowed) the previous */
    int best = year, best_hits = -1, hits_year = 0, with_weekday = 0;
    for (int cand = year - 1; cand <= year + 1; cand++) {
        if (cand < bound || cand < YEAR_MIN || cand > YEAR_MAX)
            continue;
        int hits = 0;
        for (size_t i = 0; i < n; i++) {
            const mention *mt = &ms[i];
            if (mt->wday < 0 || mt->y || !mt->m || !mt->d || (mt->flags & F_LAST_YEAR) ||
                !valid_day(cand, mt->m, mt->d))
                continue;
            with_weekday += cand == year;
            hits += weekday(cand, mt->m, mt->d) == mt->wday;
        }
        if (cand == year)
            hits_year = hits;
        if (hits > best_hits || (hits == best_hits && cand == year)) {
            best = cand;
            best_hits = hits;
        }
    }
    if (with_weekday && best != year && best_hits > hits_year) {
        yc->year = best;
        yc->confidence = 0.9f;
        sb_clear(&yc->why);
        sb_printf(&yc->why, "year %d: the weekdays written with the dates fit it", best);
    } else if (with_weekday && hits_year == with_weekday && yc->confidence < 0.9f) {
        yc->confidence = 0.9f;
        sb_puts(&yc->why, "; the weekdays fit");
    }
}

static int is_day_event(const mention *mt)
{
    return mt->m && mt->d && !(mt->flags & (F_PLAN | F_RECURRING | F_EFFECTIVE | F_ORPHAN_DAY));
}

/* A full date at the top of the issue on a short line without sentence
 * punctuation (a dateline such as "2020年11月23日 星期一"), or -1. */
static long find_dateline(const cptext *t, const mention *ms, size_t n, size_t *which)
{
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        if (mt->start > 300)
            break;
        if (!mt->y || !mt->d || mt->y < YEAR_MIN || mt->y > YEAR_MAX)
            continue;
        if (mt->wday >= 0 && mt->wday != weekday(mt->y, mt->m, mt->d))
            continue;
        size_t a = mt->start, b = mt->ctx_end;
        while (a > 0 && t->c[a - 1] != '\n')
            a--;
        while (b < t->n && t->c[b] != '\n')
            b++;
        int sentence = 0; /* a dateline is not a sentence */
        for (size_t k = a; k < b && !sentence; k++)
            sentence = one_of(t->c[k], ",，。;；");
        if (b - a > 60 || sentence)
            continue;
        *which = i;
        return day_number(mt->y, mt->m, mt->d);
    }
    return -1;
}

static float round2(double x) { return (float)((long)(x * 100 + 0.5) / 100.0); }

/*
 * The rule. A news issue is published on, or a day or a few after, the
 * latest events it reports (近日, 日前, "11月18日，…"; photos usually of the
 * day before), while it also mentions history (2008年开始, 2019年下发) and
 * plans (2025年计划, 到2035年). Writers call the current year 今年 and
 * write out the numbers of other years; the current year is written out
 * mostly in names and targets (2023年度…, 实现2022年全市…目标).
 *
 *  0. A dateline at the top (a full date in the first 300 characters on
 *     a short line without sentence punctuation, with a weekday that fits
 *     if one is written) is the date.
 *  1. The "now" of the issue: among the month/day mentions without a year
 *     (not plans 将于…, deadlines …前, rules taking effect …起施行, yearly
 *     days 每年…, or 去年…), the latest well-supported one: each is scored
 *     by the mentions within two months before it (1 within a week, 0.5
 *     within a month, 0.2 within two; the year wraps), and the best, the
 *     latest on a tie, wins; so one stray far-off date does not move it.
 *     Without any day, the latest month mentioned as this year's (今年7月,
 *     6月以来) is a lower bound for the month.
 *  2. The year, in order:
 *     a. said outright: 今年（2020年）, 去年（2019年）;
 *     b. else the latest year written, leaving out plans (将, 计划, …前),
 *        targets (到2035年, 远景) and isolated far-future years, but
 *        counting a plan for the year after it unless "now" is in
 *        October..December (a new year's plans: 2025年，自治区计划…);
 *     c. raised to the year after an explicit date that must be past:
 *        later in its year than "now" by more than 45 days (截至2024年
 *        12月30日 in an issue whose events are on 1月10日); or written as
 *        a past date (于2019年6月, 2018年开始, 2019年入职) within about an
 *        article (400 characters) of a 今年; or "Y年以来" (this year's
 *        would be 今年以来) -- but never the year of an event dated in
 *        full among the issue's events (2020年11月18日，… next to 11月20日);
 *     d. else, when the text says 今年 and no mention of the latest year
 *        reads as this year's (a name such as 2023年度, a plan, an event
 *        dated in full), the year after it;
 *     e. weekdays written with month/day mentions (11月20日（星期五）)
 *        choose among that year, the next and the previous one.
 *  3. The publication date: the latest well-supported event date of that
 *     year (scored as in step 1 over the yearless mentions placed in the
 *     year, or in the year before when they fall after "now", the full
 *     dates of that year and the one before, and lone days (18日) of the
 *     month). It is a lower bound: the issue is usually out a day or a few
 *     later. When a single event supports the day, only "YYYY-MM" is
 *     returned; with no year, nothing (the explanation says what was seen).
 *
 * Confidence is the product of how well the day is supported (0.85 for
 * four or more close events .. 0.55 for a month from one event, 0.35 for
 * a month lower bound) and how the year was found (0.95 said outright, 0.9
 * by date order or weekdays, 0.85 written as this year's, 0.75 past next
 * to 今年, 0.7 latest written or Y年以来, 0.6 rule d); 0.9-0.95 for a
 * dateline.
 */
int date_infer_text(const char *text, size_t len, issue_date *out)
{
    memset(out, 0, sizeof *out);
    if (!text || !len)
        return 0;
    cptext t;
    t.c = nfs_xmalloc((len + 1) * sizeof *t.c);
    t.n = 0;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        i += utf8_decode(text + i, len - i, &c);
        t.c[t.n++] = c;
    }
    size_t n = 0;
    mention *ms = find_mentions(&t, &n);
    positions this_year = {0};
    for (size_t i = 0; i + 1 < t.n; i++)
        if (t.c[i] == 0x4ECA /* 今 */ && t.c[i + 1] == CP_YEAR)
            NFS_VEC_PUSH(this_year.at, this_year.n, this_year.cap, i);
    strbuf ex = {0};
    year_choice yc = {0};
    event_point *pts = NULL;
    size_t np = 0, cap = 0;
    int found = 0;

    size_t which = 0;
    if (find_dateline(&t, ms, n, &which) >= 0) {
        const mention *mt = &ms[which];
        format_date(out->date, mt->y, mt->m, mt->d);
        out->confidence = mt->wday >= 0 ? 0.95f : 0.9f;
        sb_puts(&ex, "text: the dateline at the top (");
        quote_mention(&t, mt, &ex);
        sb_puts(&ex, ")");
        found = 1;
        goto done;
    }

    /* 1. the issue's "now" */
    anchor an = {0, 0};
    int day_anchor = 0;
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        if (mt->y || !is_day_event(mt) || (mt->flags & F_LAST_YEAR))
            continue;
        event_point p = {leap_day_of_year(mt->m, mt->d), 1.0, 0, mt->m, mt->d, i};
        NFS_VEC_PUSH(pts, np, cap, p);
    }
    if (np) {
        day_anchor = 1;
    } else { /* months only: 今年7月, 6月以来, 10月份 */
        for (size_t i = 0; i < n; i++) {
            const mention *mt = &ms[i];
            if (mt->y || !mt->m || mt->d || (mt->flags & (F_LAST_YEAR | F_PLAN | F_RECURRING)))
                continue;
            event_point p = {leap_day_of_year(mt->m, 15), 1.0, 0, mt->m, 0, i};
            NFS_VEC_PUSH(pts, np, cap, p);
        }
    }
    double score = 0;
    if (np) {
        size_t b = choose_day(pts, np, 366, &score);
        an.m = pts[b].m;
        an.d = pts[b].d;
    }

    /* 2. the year */
    yc.why = (strbuf){0};
    choose_year(&t, ms, n, &this_year, an, &yc);
    if (!yc.year) {
        if (an.d)
            sb_printf(&ex, "text: events up to %d月%d日 but no year written", an.m, an.d);
        else if (an.m)
            sb_printf(&ex, "text: events up to %d月 but no year written", an.m);
        else
            sb_puts(&ex, "text: no date written");
        goto done;
    }

    /* 3. the publication date */
    np = 0;
    int Y = yc.year;
    long now_doy = day_anchor ? leap_day_of_year(an.m, an.d) : 366;
    for (size_t i = 0; i < n; i++) {
        const mention *mt = &ms[i];
        int y = 0, m = mt->m, d = mt->d;
        double w = 1.0;
        if (mt->flags & F_ORPHAN_DAY) {
            if (!day_anchor || (mt->flags & (F_PLAN | F_RECURRING | F_EFFECTIVE)))
                continue;
            y = Y;
            m = an.m;
            if (d > an.d + 7 && --m == 0) {
                m = 12;
                y--;
            }
            w = 0.5;
        } else if (!is_day_event(mt)) {
            continue;
        } else if (mt->y) {
            if (mt->y != Y && mt->y != Y - 1)
                continue;
            y = mt->y;
        } else if (mt->flags & F_LAST_YEAR) {
            y = Y - 1;
        } else if (mt->flags & F_THIS_YEAR) {
            y = Y;
        } else {
            y = leap_day_of_year(m, d) <= now_doy ? Y : Y - 1;
        }
        if (!valid_day(y, m, d))
            continue;
        event_point p = {day_number(y, m, d), w, y, m, d, i};
        NFS_VEC_PUSH(pts, np, cap, p);
    }
    if (!np) { /* no day: the month of "now", if any */
        if (an.m) {
            format_date(out->date, Y, an.m, 0);
            out->confidence = round2(0.35 * yc.confidence);
            sb_printf(&ex,
                      "text: no day written; %d月 is the latest month of this year mentioned (a "
                      "lower bound); %s",
                      an.m, yc.why.s);
            found = 1;
        } else {
            sb_printf(&ex, "text: no month written; %s", yc.why.s);
        }
        goto done;
    }
    size_t best = choose_day(pts, np, 0, &score);
    const event_point *pub = &pts[best];
    size_t close = 0;
    for (size_t i = 0; i < np; i++)
        close += pts[i].day <= pub->day && pts[i].day >= pub->day - 62;
    double day_conf;
    if (score >= 1.5) {
        format_date(out->date, pub->y, pub->m, pub->d);
        day_conf = score >= 4 ? 0.85 : score >= 2.5 ? 0.8 : 0.7;
        sb_puts(&ex, "text: latest well-supported event date ");
        quote_mention(&t, &ms[pub->mention], &ex);
        sb_printf(&ex, " (%zu of %zu dated events in the two months before it); %s", close, np,
                  yc.why.s);
    } else {
        format_date(out->date, pub->y, pub->m, 0);
        day_conf = 0.55;
        sb_puts(&ex, "text: only the month, a single event date supports the day (");
        quote_mention(&t, &ms[pub->mention], &ex);
        sb_printf(&ex, "); %s", yc.why.s);
    }
    out->confidence = round2(day_conf * yc.confidence);
    found = 1;

done:
    if (found)
        out->source = DATE_TEXT;
    else
        out->date[0] = '\0';
    set_explain(out, ex.s ? ex.s : "text: no date");
    sb_free(&ex);
    sb_free(&yc.why);
    free(pts);
    free(this_year.at);
    free(ms);
    free(t.c);
    return found;
}

/* ------------------------------------------------------------------ */
/* All three                                                           */
/* ------------------------------------------------------------------ */

void date_for_issue(const date_manifest *m, const char *rel_path, const char *text, size_t len,
                    issue_date *out)
{
    memset(out, 0, sizeof *out);
    const manifest_entry *e = manifest_find(m, rel_path);
    if (e) {
        memcpy(out->date, e->date, sizeof out->date);
        out->source = DATE_MANIFEST;
        out->confidence = 1.0f;
        strbuf sb = {0};
        sb_printf(&sb, "manifest: %s line %d", DATE_MANIFEST_NAME, e->line);
        set_explain(out, sb.s);
        sb_free(&sb);
        return;
    }
    if (date_from_filename(rel_path, out))
        return;
    issue_date from_text;
    if (date_infer_text(text, len, &from_text)) {
        *out = from_text;
        return;
    }
    memset(out, 0, sizeof *out);
    strbuf sb = {0};
    sb_printf(&sb, "no date in the manifest or the file name; %s", from_text.explain);
    set_explain(out, sb.s);
    sb_free(&sb);
}

int64_t date_to_unix(const char *date)
{
    int y, m, d = 1;
    if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) < 2 || y < 1900 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    return (int64_t)timegm(&tm);
}
