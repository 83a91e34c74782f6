/* charidx.c - the one-character index (charidx.h): the writer's sink that
 * collects, per character and column, the ids of the articles that
 * contain it; the rewrite that drops deleted articles; and the read side,
 * the table-valued function nfs_chars(ch, col). */
#include "charidx.h"

#include <stdlib.h>
#include <string.h>

#include "fold.h"

#define N_COLUMNS 2          /* fts: text, headline */
#define N_CODE_POINTS 0x110000u
#define PENDING_MAX 4096 /* characters kept before they are added to the lists */

/* ---- id lists: a first id, then varint gaps ---- */

typedef struct {
    uint32_t cp;
    int col;
    int64_t first, last; /* first == 0: empty */
    unsigned char *gaps;
    size_t len, cap;
} id_list;

static inline void put_varint(unsigned char **buf, size_t *len, size_t *cap, uint64_t v)
{
    if (v < 0x80 && *len < *cap) { /* most gaps: one byte */
        (*buf)[(*len)++] = (unsigned char)v;
        return;
    }
    if (*len + 10 > *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *buf = nfs_xrealloc(*buf, *cap);
    }
    while (v >= 0x80) {
        (*buf)[(*len)++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    (*buf)[(*len)++] = (unsigned char)v;
}

/* The varint at buf[*off] (buf has len bytes); 0 at the end or on a
 * truncated varint, which ends the list. */
static int get_varint(const unsigned char *buf, size_t len, size_t *off, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; *off < len && shift < 64; shift += 7) {
        unsigned char b = buf[(*off)++];
        x |= (uint64_t)(b & 0x7F) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 1;
        }
    }
    *off = len;
    return 0;
}

/* ---- the sink ---- */

struct char_sink {
    uint32_t *slot[N_COLUMNS]; /* code point -> 1 + index in lists (0: none) */
    id_list *lists;
    size_t n_lists, cap_lists;
    uint32_t *pending; /* cp | col << 24 passed for row, not yet in lists */
    size_t n_pending;  /* at most PENDING_MAX */
    int64_t row;  /* the current article, 0 for none */
    int next_col; /* columns of row tokenized so far */
    int64_t last_row;
    const char *fault; /* why the collected lists cannot be trusted */
};

static void drain(char_sink *s);

char_sink *char_sink_new(void)
{
    char_sink *s = nfs_xcalloc(1, sizeof *s);
    for (int c = 0; c < N_COLUMNS; c++) /* untouched pages cost nothing */
        s->slot[c] = nfs_xcalloc(N_CODE_POINTS, sizeof *s->slot[c]);
    return s;
}

void char_sink_free(char_sink *s)
{
    if (!s)
        return;
    for (int c = 0; c < N_COLUMNS; c++)
        free(s->slot[c]);
    for (size_t i = 0; i < s->cap_lists; i++)
        free(s->lists[i].gaps);
    free(s->lists);
    free(s->pending);
    free(s);
}

void char_sink_row(char_sink *s, int64_t id)
{
    drain(s);
    if (id > 0 && id <= s->last_row && !s->fault)
        s->fault = "articles came out of id order";
    s->row = id > 0 ? id : 0;
    s->next_col = 0;
    if (id > 0)
        s->last_row = id;
}

int char_sink_column(char_sink *s)
{
    if (!s->row)
        return -1;
    if (s->next_col >= N_COLUMNS) {
        if (!s->fault)
            s->fault = "an article was tokenized more often than it has columns";
        return -1;
    }
    return s->next_col++;
}

/* Add the current row to the list of (cp, col). */
static void add_now(char_sink *s, uint32_t cp, int col)
{
    uint32_t k = s->slot[col][cp];
    id_list *l;
    if (!k) {
        if (s->n_lists == s->cap_lists) {
            size_t cap = s->cap_lists ? s->cap_lists * 2 : 4096;
            s->lists = nfs_xrealloc(s->lists, cap * sizeof *s->lists);
            memset(s->lists + s->cap_lists, 0, (cap - s->cap_lists) * sizeof *s->lists);
            s->cap_lists = cap;
        }
        l = &s->lists[s->n_lists++]; /* gaps kept from an earlier flush */
        l->cp = cp;
        l->col = col;
        l->first = l->last = 0;
        l->len = 0;
        s->slot[col][cp] = (uint32_t)s->n_lists;
    } else {
        l = &s->lists[k - 1];
    }
    if (l->last == s->row)
        return; /* not the first time in this column */
    if (!l->first)
        l->first = s->row;
    else
        put_varint(&l->gaps, &l->len, &l->cap, (uint64_t)(s->row - l->last));
    l->last = s->row;
}

/* Add the row to the lists of the characters passed for it. Each add
 * touches three places far apart in memory (its slot, its list, the end of
 * the list's gaps); the loads of a chunk are started together, one kind
 * after the other, before any is waited for. */
static void drain(char_sink *s)
{
    enum { CHUNK = 32 };
    for (size_t base = 0; base < s->n_pending; base += CHUNK) {
        size_t n = s->n_pending - base < CHUNK ? s->n_pending - base : CHUNK;
        const uint32_t *p = s->pending + base;
        for (size_t i = 0; i < n; i++)
            __builtin_prefetch(&s->slot[p[i] >> 24][p[i] & 0xFFFFFF]);
        for (size_t i = 0; i < n; i++) {
            uint32_t k = s->slot[p[i] >> 24][p[i] & 0xFFFFFF];
            if (k)
                __builtin_prefetch(&s->lists[k - 1]);
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t k = s->slot[p[i] >> 24][p[i] & 0xFFFFFF];
            if (k && s->lists[k - 1].gaps)
                __builtin_prefetch(s->lists[k - 1].gaps + s->lists[k - 1].len, 1);
        }
        for (size_t i = 0; i < n; i++)
            add_now(s, p[i] & 0xFFFFFF, (int)(p[i] >> 24));
    }
    s->n_pending = 0;
}

void char_sink_add(char_sink *s, uint32_t cp, int col)
{
    if (cp >= N_CODE_POINTS || col < 0 || col >= N_COLUMNS)
        return;
    if (!s->pending)
        s->pending = nfs_xmalloc(PENDING_MAX * sizeof *s->pending);
    else if (s->n_pending == PENDING_MAX)
        drain(s); /* a long row: memory stays bounded */
    s->pending[s->n_pending++] = cp | (uint32_t)col << 24;
}

static void sink_reset(char_sink *s)
{
    s->n_pending = 0;
    for (size_t i = 0; i < s->n_lists; i++)
        s->slot[s->lists[i].col][s->lists[i].cp] = 0;
    s->n_lists = 0;
    s->row = 0;
    s->next_col = 0;
}

int char_sink_flush(char_sink *s, sqlite3 *db, nfs_err *err)
{
    drain(s);
    if (s->fault) {
        nfs_err_set(err, "one-character index: %s (nothing written)", s->fault);
        sink_reset(s);
        s->fault = NULL;
        return -1;
    }
    sqlite3_stmt *st = NULL;
    if (s->n_lists &&
        sqlite3_prepare_v2(db,
                           "INSERT INTO char_docs(ch, col, first_id, last_id, ids)"
                           " VALUES(?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        nfs_err_set(err, "one-character index: %s", sqlite3_errmsg(db));
        sink_reset(s);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < s->n_lists && rc == 0; i++) {
        const id_list *l = &s->lists[i];
        sqlite3_bind_int64(st, 1, l->cp);
        sqlite3_bind_int(st, 2, l->col);
        sqlite3_bind_int64(st, 3, l->first);
        sqlite3_bind_int64(st, 4, l->last);
        sqlite3_bind_blob(st, 5, l->len ? (const void *)l->gaps : "", (int)l->len, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = nfs_err_set(err, "one-character index: %s", sqlite3_errmsg(db));
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sink_reset(s);
    return rc;
}

/* ---- dropping deleted articles ---- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* The ids of char_dead, ascending, in *out (NULL when none). */
static int load_dead(sqlite3 *db, int64_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT id FROM char_dead ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        return -1;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        NFS_VEC_PUSH(*out, *n_out, cap, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Is any of dead[0..n) in [lo, hi]? */
static int any_dead_in(const int64_t *dead, size_t n, int64_t lo, int64_t hi)
{
    size_t a = 0, b = n;
    while (a < b) { /* first dead >= lo */
        size_t m = a + (b - a) / 2;
        if (dead[m] < lo)
            a = m + 1;
        else
            b = m;
    }
    return a < n && dead[a] <= hi;
}

/* The rowids of the char_docs rows whose id range holds a dead id (the
 * ranges only: the lists are read for those rows alone). */
static int rows_to_rewrite(sqlite3 *db, const int64_t *dead, size_t n_dead, int64_t **out,
                           size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    size_t cap = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT rowid, first_id, last_id FROM char_docs", -1, &st, NULL) !=
        SQLITE_OK)
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (any_dead_in(dead, n_dead, sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2)))
            NFS_VEC_PUSH(*out, *n_out, cap, sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

/* Rewrite row `rowid` of char_docs without the dead ids (delete it when
 * none is left). get, put, del: the statements of char_idx_purge. */
static int rewrite_row(sqlite3_stmt *get, sqlite3_stmt *put, sqlite3_stmt *del, int64_t rowid,
                       const int64_t *dead, size_t n_dead)
{
    sqlite3_bind_int64(get, 1, rowid);
    if (sqlite3_step(get) != SQLITE_ROW) {
        sqlite3_reset(get);
        return -1;
    }
    int64_t id = sqlite3_column_int64(get, 0), first = 0, last = 0;
    const unsigned char *in = sqlite3_column_blob(get, 1);
    size_t in_len = (size_t)sqlite3_column_bytes(get, 1), off = 0;
    unsigned char *gaps = NULL;
    size_t len = 0, cap = 0;
    for (;;) { /* keep the ids that are not dead */
        if (!bsearch(&id, dead, n_dead, sizeof *dead, cmp_i64)) {
            if (!first)
                first = id;
            else
                put_varint(&gaps, &len, &cap, (uint64_t)(id - last));
            last = id;
        }
        uint64_t gap;
        if (!get_varint(in, in_len, &off, &gap))
            break;
        id += (int64_t)gap;
    }
    sqlite3_reset(get);
    sqlite3_stmt *st = first ? put : del;
    sqlite3_bind_int64(st, 1, rowid);
    if (first) {
        sqlite3_bind_int64(st, 2, first);
        sqlite3_bind_int64(st, 3, last);
        sqlite3_bind_blob(st, 4, len ? (const void *)gaps : "", (int)len, SQLITE_STATIC);
    }
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
    sqlite3_reset(st);
    free(gaps);
    return rc;
}

int char_idx_purge(sqlite3 *db, nfs_err *err)
{
    int64_t *dead = NULL, *rows = NULL;
    size_t n_dead = 0, n_rows = 0;
    sqlite3_stmt *get = NULL, *put = NULL, *del = NULL;
    int rc = load_dead(db, &dead, &n_dead);
    if (rc == 0 && n_dead) {
        rc = rows_to_rewrite(db, dead, n_dead, &rows, &n_rows);
        if (rc == 0 &&
            (sqlite3_prepare_v2(db, "SELECT first_id, ids FROM char_docs WHERE rowid = ?", -1,
                                &get, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(db,
                                "UPDATE char_docs SET first_id = ?2, last_id = ?3, ids = ?4"
                                " WHERE rowid = ?1",
                                -1, &put, NULL) != SQLITE_OK ||
             sqlite3_prepare_v2(db, "DELETE FROM char_docs WHERE rowid = ?", -1, &del, NULL) !=
                 SQLITE_OK))
            rc = -1;
        for (size_t i = 0; i < n_rows && rc == 0; i++)
            rc = rewrite_row(get, put, del, rows[i], dead, n_dead);
        if (rc == 0 && sqlite3_exec(db, "DELETE FROM char_dead", NULL, NULL, NULL) != SQLITE_OK)
            rc = -1;
    }
    if (rc != 0)
        nfs_err_set(err, "one-character index: dropping deleted articles: %s",
                    sqlite3_errmsg(db));
    sqlite3_finalize(get);
    sqlite3_finalize(put);
    sqlite3_finalize(del);
    free(rows);
    free(dead);
    return rc;
}

/* ---- nfs_chars(ch, col): the ids, ascending ---- */

enum { COL_ID, COL_CH, COL_COL };

/* idxNum bits: which bounds on id xFilter gets after ch and col */
enum { HAS_LO = 1, LO_STRICT = 2, HAS_HI = 4, HI_STRICT = 8, IS_EQ = 16 };

typedef struct {
    sqlite3_vtab base;
    sqlite3 *db;
} chars_vtab;

typedef struct {
    sqlite3_vtab_cursor base;
    sqlite3_stmt *rows; /* first_id, ids of the character's rows */
    const unsigned char *gaps;
    size_t len, off;
    int64_t id, hi;
    int have_hi, eof;
    int64_t *dead;
    size_t n_dead, i_dead;
    int64_t ch;
    int col;
} chars_cursor;

static int chars_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                         sqlite3_vtab **out, char **errmsg)
{
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(id INTEGER, ch HIDDEN, col HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    chars_vtab *v = sqlite3_malloc(sizeof *v);
    if (!v)
        return SQLITE_NOMEM;
    memset(v, 0, sizeof *v);
    v->db = db;
    *out = &v->base;
    return SQLITE_OK;
}

static int chars_disconnect(sqlite3_vtab *v)
{
    sqlite3_free(v);
    return SQLITE_OK;
}

/* Constraint i becomes xFilter's next argument (nfs_chars checks it). */
static void use_arg(sqlite3_index_info *info, int i, int *arg)
{
    info->aConstraintUsage[i].argvIndex = (*arg)++;
    info->aConstraintUsage[i].omit = 1;
}

static int chars_best_index(sqlite3_vtab *v, sqlite3_index_info *info)
{
    int ch = -1, col = -1, lo = -1, hi = -1, eq = -1, flags = 0;
    for (int i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (!c->usable)
            continue;
        unsigned char op = c->op;
        if (c->iColumn == COL_CH && op == SQLITE_INDEX_CONSTRAINT_EQ)
            ch = i;
        else if (c->iColumn == COL_COL && op == SQLITE_INDEX_CONSTRAINT_EQ)
            col = i;
        else if (c->iColumn == COL_ID && op == SQLITE_INDEX_CONSTRAINT_EQ)
            eq = i;
        else if (c->iColumn == COL_ID && lo < 0 &&
                 (op == SQLITE_INDEX_CONSTRAINT_GT || op == SQLITE_INDEX_CONSTRAINT_GE)) {
            lo = i;
            flags |= op == SQLITE_INDEX_CONSTRAINT_GT ? LO_STRICT : 0;
        } else if (c->iColumn == COL_ID && hi < 0 &&
                   (op == SQLITE_INDEX_CONSTRAINT_LT || op == SQLITE_INDEX_CONSTRAINT_LE)) {
            hi = i;
            flags |= op == SQLITE_INDEX_CONSTRAINT_LT ? HI_STRICT : 0;
        }
    }
    if (ch < 0 || col < 0)
        return SQLITE_CONSTRAINT; /* nfs_chars needs both arguments */
    int arg = 1;
    use_arg(info, ch, &arg);
    use_arg(info, col, &arg);
    if (eq >= 0) {
        flags = IS_EQ;
        use_arg(info, eq, &arg);
        info->estimatedCost = 10;
        info->estimatedRows = 1;
    } else {
        if (lo >= 0) {
            flags |= HAS_LO;
            use_arg(info, lo, &arg);
        }
        if (hi >= 0) {
            flags |= HAS_HI;
            use_arg(info, hi, &arg);
        }
        info->estimatedCost = (lo >= 0 || hi >= 0) ? 500 : 1000;
        info->estimatedRows = 10000;
    }
    info->idxNum = flags;
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_ID && !info->aOrderBy[0].desc)
        info->orderByConsumed = 1;
    return SQLITE_OK;
}

static int chars_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    chars_vtab *v = (chars_vtab *)vt;
    chars_cursor *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    int rc = sqlite3_prepare_v2(v->db,
                                "SELECT first_id, ids FROM char_docs WHERE ch = ?1 AND col = ?2"
                                " AND last_id >= ?3 ORDER BY first_id",
                                -1, &c->rows, NULL);
    if (rc != SQLITE_OK) {
        vt->zErrMsg = sqlite3_mprintf("nfs_chars: %s", sqlite3_errmsg(v->db));
        sqlite3_free(c);
        return rc;
    }
    *out = &c->base;
    return SQLITE_OK;
}

static int chars_close(sqlite3_vtab_cursor *cur)
{
    chars_cursor *c = (chars_cursor *)cur;
    sqlite3_finalize(c->rows);
    free(c->dead);
    sqlite3_free(c);
    return SQLITE_OK;
}

/* Move to the next id of the character's rows at or after the current
 * position, whatever it is; sets eof at the end. */
static int step_raw(chars_cursor *c)
{
    uint64_t gap;
    if (c->gaps && get_varint(c->gaps, c->len, &c->off, &gap)) {
        c->id += (int64_t)gap;
        return SQLITE_OK;
    }
    int rc = sqlite3_step(c->rows);
    if (rc == SQLITE_DONE) {
        c->eof = 1;
        c->gaps = NULL;
        return SQLITE_OK;
    }
    if (rc != SQLITE_ROW)
        return rc;
    c->id = sqlite3_column_int64(c->rows, 0);
    c->gaps = sqlite3_column_blob(c->rows, 1);
    c->len = (size_t)sqlite3_column_bytes(c->rows, 1);
    c->off = 0;
    if (!c->gaps) /* an empty blob: the row has one id */
        c->gaps = (const unsigned char *)"";
    return SQLITE_OK;
}

/* The next id that is not dead and within the bounds (from lo on). */
static int advance(chars_cursor *c, int64_t lo)
{
    for (;;) {
        int rc = step_raw(c);
        if (rc != SQLITE_OK)
            return rc;
        if (c->eof)
            return SQLITE_OK;
        if (c->id < lo)
            continue;
        if (c->have_hi && c->id > c->hi) {
            c->eof = 1;
            return SQLITE_OK;
        }
        while (c->i_dead < c->n_dead && c->dead[c->i_dead] < c->id)
            c->i_dead++;
        if (c->i_dead < c->n_dead && c->dead[c->i_dead] == c->id)
            continue;
        return SQLITE_OK;
    }
}

static int chars_filter(sqlite3_vtab_cursor *cur, int idx_num, const char *idx_str, int argc,
                        sqlite3_value **argv)
{
    chars_cursor *c = (chars_cursor *)cur;
    chars_vtab *v = (chars_vtab *)cur->pVtab;
    sqlite3_reset(c->rows);
    c->gaps = NULL;
    c->eof = 0;
    c->have_hi = 0;
    free(c->dead);
    c->dead = NULL;
    c->n_dead = c->i_dead = 0;
    if (argc < 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        c->eof = 1;
        return SQLITE_OK;
    }
    c->ch = sqlite3_value_int64(argv[0]);
    c->col = sqlite3_value_int(argv[1]);
    int64_t lo = INT64_MIN;
    int arg = 2;
    if (idx_num & IS_EQ) {
        lo = c->hi = sqlite3_value_int64(argv[arg++]);
        c->have_hi = 1;
    } else {
        if (idx_num & HAS_LO) {
            lo = sqlite3_value_int64(argv[arg++]);
            if ((idx_num & LO_STRICT) && lo < INT64_MAX)
                lo++;
        }
        if (idx_num & HAS_HI) {
            c->hi = sqlite3_value_int64(argv[arg++]);
            c->have_hi = 1;
            if ((idx_num & HI_STRICT) && c->hi > INT64_MIN)
                c->hi--;
        }
    }
    if (load_dead(v->db, &c->dead, &c->n_dead) != 0) {
        cur->pVtab->zErrMsg = sqlite3_mprintf("nfs_chars: %s", sqlite3_errmsg(v->db));
        return SQLITE_ERROR;
    }
    sqlite3_bind_int64(c->rows, 1, c->ch);
    sqlite3_bind_int(c->rows, 2, c->col);
    sqlite3_bind_int64(c->rows, 3, lo);
    return advance(c, lo);
}

static int chars_next(sqlite3_vtab_cursor *cur)
{
    return advance((chars_cursor *)cur, INT64_MIN);
}

static int chars_eof(sqlite3_vtab_cursor *cur)
{
    return ((chars_cursor *)cur)->eof;
}

static int chars_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i)
{
    chars_cursor *c = (chars_cursor *)cur;
    if (i == COL_ID)
        sqlite3_result_int64(ctx, c->id);
    else if (i == COL_CH)
        sqlite3_result_int64(ctx, c->ch);
    else
        sqlite3_result_int(ctx, c->col);
    return SQLITE_OK;
}

static int chars_rowid(sqlite3_vtab_cursor *cur, sqlite_int64 *rowid)
{
    *rowid = ((chars_cursor *)cur)->id;
    return SQLITE_OK;
}

static const sqlite3_module chars_module = {
    .iVersion = 0,
    .xCreate = NULL, /* eponymous only: nfs_chars(...) in FROM */
    .xConnect = chars_connect,
    .xBestIndex = chars_best_index,
    .xDisconnect = chars_disconnect,
    .xDestroy = chars_disconnect,
    .xOpen = chars_open,
    .xClose = chars_close,
    .xFilter = chars_filter,
    .xNext = chars_next,
    .xEof = chars_eof,
    .xColumn = chars_column,
    .xRowid = chars_rowid,
};

int char_idx_register(sqlite3 *db)
{
    return sqlite3_create_module(db, "nfs_chars", &chars_module, NULL);
}

uint32_t char_idx_term_char(const char *term)
{
    fold_iter it;
    fold_iter_init(&it, term, strlen(term));
    fold_char c;
    uint32_t cp = 0;
    while (!cp && fold_next(&it, &c))
        if (c.cls == FOLD_CJK)
            cp = c.cp;
    fold_iter_free(&it);
    return cp;
}
