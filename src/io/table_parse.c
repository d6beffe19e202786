/* The per-block parser: the hot loop of reading.
 *
 * Each record is walked once, field by field. An unquoted field ends at the
 * next byte the class table marks (delimiter, '\n' or '"'), so columns that
 * are not used cost one table lookup per byte and nothing else; quoted
 * fields (RFC 4180: doubled quotes, embedded delimiters and newlines) take a
 * slower path that unescapes into a scratch buffer. Blocks always end with
 * '\n', which stops the unquoted scan without a bounds check. Numbers get a
 * plain-integer fast path before the general parser. Failures are recorded
 * with their block-relative line and byte column and stop the block; the
 * in-order commit turns them into absolute positions. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/table.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- results ------------------------------------------------------------ */

void *ig__tbl_res_new(void *ud)
{
    tbl *t = ud;
    tbl_res *r = ig__calloc(t->ctx, 1, sizeof *r);
    if (!r) return NULL;
    size_t nn = t->n_num ? t->n_num : 1;
    size_t nf = t->n_flag ? t->n_flag : 1;
    size_t ns = t->n_str ? t->n_str : 1;
    r->val = ig__calloc(t->ctx, nn, sizeof *r->val);
    r->vna = ig__calloc(t->ctx, nn, 1);
    r->vpos = ig__calloc(t->ctx, nn, sizeof *r->vpos);
    r->vflag = ig__calloc(t->ctx, nf, 1);
    r->soff = ig__calloc(t->ctx, ns, sizeof *r->soff);
    if (!r->val || !r->vna || !r->vpos || !r->vflag || !r->soff) {
        ig__tbl_res_free(ud, r);
        return NULL;
    }
    return r;
}

void ig__tbl_res_free(void *ud, void *res)
{
    tbl *t = ud;
    tbl_res *r = res;
    if (!r) return;
    ig_ctx *ctx = t->ctx;
    size_t g = t->mode == M_LONG ? 1 : (t->n_groups ? t->n_groups : 1);
    ig__free(ctx, r->cells, r->cap * sizeof *r->cells);
    ig__free(ctx, r->counts, r->cap * g * sizeof *r->counts);
    ig__free(ctx, r->na, r->cap * g);
    ig__free(ctx, r->any_na, r->cap);
    ig__free(ctx, r->flagged, r->cap);
    ig__free(ctx, r->unit_code, r->cap);
    ig__free(ctx, r->total, r->cap * sizeof *r->total);
    ig__free(ctx, r->vars, r->cap * t->n_vars * sizeof *r->vars);
    ig__free(ctx, r->unit_off, r->cap * sizeof(size_t));
    ig__free(ctx, r->group_off, r->cap * sizeof(size_t));
    ig__free(ctx, r->place_off, r->cap * sizeof(size_t));
    ig__free(ctx, r->within_off, r->cap * sizeof(size_t));
    ig__free(ctx, r->line, r->cap * sizeof *r->line);
    ig__free(ctx, r->arena, r->acap);
    ig__free(ctx, r->scratch, r->scap);
    ig__free(ctx, r->val, 0);
    ig__free(ctx, r->vna, 0);
    ig__free(ctx, r->vpos, 0);
    ig__free(ctx, r->vflag, 0);
    ig__free(ctx, r->soff, 0);
    ig__free(ctx, r, sizeof *r);
}

/* Grow one row array from cap to nc elements of size es; NULL keeps it. */
static int regrow(ig_ctx *ctx, void **p, size_t cap, size_t nc, size_t es)
{
    void *np = ig__realloc(ctx, *p, cap * es, nc * es);
    if (!np) return 0;
    *p = np;
    return 1;
}

static int res_reserve(const tbl *t, tbl_res *r)
{
    if (r->n < r->cap) return 1;
    size_t nc = r->cap ? r->cap * 2 : 1024;
    ig_ctx *ctx = t->ctx;
    size_t g = t->mode == M_LONG ? 1 : t->n_groups;
    int ok = 1;
    /* Each array moves to the new capacity or stays at the old one; the
     * capacity is raised only when all have moved. */
#define GROW(field, es)                                          \
    do {                                                         \
        void *tmp_ = r->field;                                   \
        if (ok && !regrow(ctx, &tmp_, r->cap, nc, (es))) ok = 0; \
        r->field = tmp_;                                         \
    } while (0)
    if (t->mode == M_CODE || t->mode == M_XY) GROW(cells, sizeof(ig_cell));
    GROW(counts, g * sizeof(double));
    GROW(na, g);
    GROW(any_na, 1);
    GROW(flagged, 1);
    GROW(line, sizeof(long));
    if (t->total_slot >= 0) GROW(total, sizeof(double));
    if (t->n_vars) GROW(vars, t->n_vars * sizeof(double));
    if (t->mode == M_UNIT || t->mode == M_LONG) GROW(unit_off, sizeof(size_t));
    if (t->mode == M_LONG) {
        GROW(group_off, sizeof(size_t));
        GROW(unit_code, 1);
    }
    if (t->place_str >= 0) GROW(place_off, sizeof(size_t));
    if (t->within_str >= 0) GROW(within_off, sizeof(size_t));
#undef GROW
    if (!ok) return 0; /* reading stops; arrays are freed as they are */
    r->cap = nc;
    return 1;
}

/* ---- errors ------------------------------------------------------------- */

static void rerr(tbl_res *r, ig_status st, long line, long col, const char *fmt,
                 ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

static void rerr(tbl_res *r, ig_status st, long line, long col, const char *fmt,
                 ...)
{
    if (r->st != IG_OK) return;
    r->st = st;
    r->err_line = line;
    r->err_col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err_msg, sizeof r->err_msg, fmt, ap);
    va_end(ap);
}

static int field_has(const char *s, const char *e, char c)
{
    return memchr(s, c, (size_t)(e - s)) != NULL;
}

/* A negative whole number such as -1, -9 or -9999: a missing-value code. */
static int looks_like_sentinel(const char *s, const char *e)
{
    if (e - s < 2 || s[0] != '-') return 0;
    for (const char *p = s + 1; p < e; p++)
        if (*p < '0' || *p > '9') return 0;
    return 1;
}

/* ---- fields ------------------------------------------------------------- */

static int is_na(const tbl *t, const char *s, size_t n)
{
    for (size_t i = 0; i < t->n_na; i++)
        if (t->na_len[i] == n && memcmp(t->na[i], s, n) == 0) return 1;
    return 0;
}

static inline void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\t')) (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t')) (*e)--;
}

/* Parse a numeric field into slot s. Returns 0 on failure (recorded). */
static int num_field(const tbl *t, tbl_res *r, int32_t s, const char *fs,
                     const char *fe, long line, long col)
{
    trim(&fs, &fe);
    r->vpos[s] = col;
    if (fs == fe ||
        (t->na_first[(uint8_t)*fs] && is_na(t, fs, (size_t)(fe - fs)))) {
        r->vna[s] = 1;
        r->val[s] = 0.0;
        return 1;
    }
    r->vna[s] = 0;
    size_t n = (size_t)(fe - fs);
    double v;
    if (n <= 15) {
        uint64_t u = 0;
        size_t i = 0;
        for (; i < n; i++) {
            unsigned d = (unsigned)(uint8_t)fs[i] - '0';
            if (d > 9) break;
            u = u * 10 + d;
        }
        if (i == n) {
            r->val[s] = (double)u;
            return 1;
        }
    }
    const char *cname = t->cols[t->num_col[s]];
    int rc = ig__num_parse(fs, n, t->dec, t->libc_dp, &v);
    if (rc == IG__NUM_NOT_FINITE) {
        rerr(r, IG_ERR_PARSE, line, col,
             "column '%s' holds '%.*s', which is not a finite number; "
             "leave missing values empty or list their code in --na",
             cname, (int)(n > 40 ? 40 : n), fs);
        return 0;
    }
    if (rc != IG__NUM_OK) {
        const char *hint;
        if (t->dec == '.' && field_has(fs, fe, ','))
            hint = "; see --decimal-comma";
        else if (t->dec == ',' && field_has(fs, fe, '.'))
            hint =
                "; the file is read with decimal commas, see "
                "--decimal-comma";
        else
            hint = "; if it marks a missing value, add it to --na";
        rerr(r, IG_ERR_PARSE, line, col,
             "column '%s' is not a number ('%.*s')%s", cname,
             (int)(n > 40 ? 40 : n), fs, hint);
        return 0;
    }
    if (v < 0.0 && t->num_count[s]) {
        if (looks_like_sentinel(fs, fe))
            rerr(r, IG_ERR_PARSE, line, col,
                 "column '%s' has a negative count (%.*s); if %.*s marks a "
                 "missing value, pass --na %.*s",
                 cname, (int)n, fs, (int)n, fs, (int)n, fs);
        else
            rerr(r, IG_ERR_PARSE, line, col,
                 "column '%s' has a negative count (%.*s); counts must be "
                 ">= 0",
                 cname, (int)(n > 40 ? 40 : n), fs);
        return 0;
    }
    r->val[s] = v;
    return 1;
}

static int flag_field(const tbl *t, tbl_res *r, int32_t f, const char *fs,
                      const char *fe, long line, long col)
{
    trim(&fs, &fe);
    size_t n = (size_t)(fe - fs);
    if (n == 1 && (*fs == '0' || *fs == '1')) {
        r->vflag[f] = (uint8_t)(*fs == '1');
        return 1;
    }
    if (n == 0 || (t->na_first[(uint8_t)*fs] && is_na(t, fs, n))) {
        r->vflag[f] = 0;
        return 1;
    }
    double v;
    if (ig__num_parse(fs, n, t->dec, t->libc_dp, &v) != IG__NUM_OK) {
        rerr(r, IG_ERR_PARSE, line, col,
             "flag column '%s' is not a number ('%.*s'); flags are 0 or 1",
             t->cols[t->flag_col[f]], (int)(n > 40 ? 40 : n), fs);
        return 0;
    }
    r->vflag[f] = (uint8_t)(v != 0.0);
    return 1;
}

static int arena_put(const tbl *t, tbl_res *r, const char *s, size_t n,
                     size_t *off)
{
    if (r->alen + n + 1 > r->acap) {
        size_t nc = r->acap ? r->acap : 4096;
        while (nc < r->alen + n + 1) nc *= 2;
        char *p = ig__realloc(t->ctx, r->arena, r->acap, nc);
        if (!p) return 0;
        r->arena = p;
        r->acap = nc;
    }
    memcpy(r->arena + r->alen, s, n);
    r->arena[r->alen + n] = '\0';
    *off = r->alen;
    r->alen += n + 1;
    return 1;
}

static int code_field(const tbl *t, tbl_res *r, const char *fs, const char *fe,
                      long line, long col)
{
    trim(&fs, &fe);
    size_t n = (size_t)(fe - fs);
    const char *cname = t->cols[t->code_col];
    if (n == 0) {
        rerr(r, IG_ERR_PARSE, line, col,
             "column '%s' is empty; every row needs a cell code", cname);
        return 0;
    }
    ig_status st = ig_cellcode_parse(fs, n, &r->cell);
    if (st == IG_ERR_DOMAIN) {
        rerr(r, IG_ERR_PARSE, line, col,
             "cell code '%.*s' in column '%s' is out of range (size 0 or a "
             "coordinate beyond 1e12 m)",
             (int)(n > 60 ? 60 : n), fs, cname);
        return 0;
    }
    if (st != IG_OK) {
        rerr(r, IG_ERR_PARSE, line, col,
             "column '%s' is not a cell code ('%.*s'); expected e.g. "
             "CRS3035RES1000mN2684000E4334000 or 1kmN2684E4334",
             cname, (int)(n > 60 ? 60 : n), fs);
        return 0;
    }
    return 1;
}

/* ---- rows --------------------------------------------------------------- */

/* Lower-left corner in metres from a coordinate value. */
static int corner(const tbl *t, tbl_res *r, int32_t s, int64_t *out, long line)
{
    const char *cname = t->cols[t->num_col[s]];
    if (r->vna[s]) {
        rerr(r, IG_ERR_PARSE, line, r->vpos[s],
             "column '%s' has no coordinate; every row needs x and y", cname);
        return 0;
    }
    double v = r->val[s];
    if (t->origin == IG_ORIGIN_CENTRE) v -= (double)t->size_m / 2.0;
    double rv = nearbyint(v);
    if (!(fabs(rv) < 1e12) || fabs(v - rv) > 1e-6) {
        rerr(r, IG_ERR_PARSE, line, r->vpos[s],
             "column '%s': %.17g does not give a whole-metre cell corner "
             "(origin %s, cell size %d m); check --origin and --cell-size",
             cname, r->val[s],
             t->origin == IG_ORIGIN_CENTRE ? "centre" : "lower-left",
             (int)t->size_m);
        return 0;
    }
    *out = (int64_t)rv;
    return 1;
}

static int finish_row(const tbl *t, tbl_res *r, long line)
{
    if (!res_reserve(t, r)) {
        rerr(r, IG_ERR_NOMEM, line, 0, "out of memory while reading");
        return 0;
    }
    size_t i = r->n;
    uint8_t flagged = 0;
    for (size_t s = 0; s < t->n_num; s++) {
        int32_t f = t->num_flag[s];
        if (f >= 0 && r->vflag[f]) {
            flagged = 1;
            /* Eurostat 2021: 0 with the flag set means "not available". */
            if (!r->vna[s] && r->val[s] == 0.0) r->vna[s] = 1;
        }
        if (r->vna[s] && t->na_as_zero && t->num_count[s]) {
            r->vna[s] = 0;
            r->val[s] = 0.0;
        }
    }
    r->flagged[i] = flagged;
    r->flagged_rows += flagged;
    r->line[i] = line;
    if (t->mode == M_LONG) {
        int32_t s = t->count_slot;
        r->counts[i] = r->vna[s] ? 0.0 : r->val[s];
        r->na[i] = r->vna[s];
        r->any_na[i] = r->vna[s];
        r->unit_off[i] = r->soff[t->unit_str];
        r->group_off[i] = r->soff[t->group_str];
        r->unit_code[i] = (uint8_t)r->cell_ok;
    } else {
        double *cnt = r->counts + i * t->n_groups;
        uint8_t *na = r->na + i * t->n_groups;
        uint8_t any = 0;
        double sum = 0.0;
        for (size_t g = 0; g < t->n_groups; g++) {
            double v = 0.0;
            uint8_t gna = 0;
            for (size_t k = t->term_start[g]; k < t->term_start[g + 1]; k++) {
                const tbl_term *tm = &t->terms[k];
                double a = r->val[tm->a];
                gna |= r->vna[tm->a];
                if (tm->b >= 0) {
                    double b = r->val[tm->b];
                    gna |= r->vna[tm->b];
                    v += tm->op == IG__TERM_PCT ? a / 100.0 * b : a * b;
                } else {
                    v += a;
                }
            }
            if (gna) v = 0.0;
            cnt[g] = v;
            na[g] = gna;
            any |= gna;
            sum += v;
        }
        r->any_na[i] = any;
        if (t->total_slot >= 0) {
            int32_t s = t->total_slot;
            double tot = r->val[s];
            if (r->vna[s]) {
                tot = sum;
            } else if (tot < sum) {
                if (sum - tot > 1e-9 * fmax(1.0, sum)) {
                    if (r->total_fixed++ == 0) r->total_fixed_line = line;
                }
                tot = sum;
            }
            r->total[i] = tot;
        }
        for (size_t v = 0; v < t->n_vars; v++) {
            int32_t s = t->var_slot[v];
            r->vars[i * t->n_vars + v] = r->vna[s] ? (double)NAN : r->val[s];
        }
        if (t->mode == M_CODE) {
            r->cells[i] = r->cell;
        } else if (t->mode == M_XY) {
            ig_cell c;
            if (!corner(t, r, t->x_slot, &c.east_m, line) ||
                !corner(t, r, t->y_slot, &c.north_m, line))
                return 0;
            c.size_m = t->size_m;
            c.epsg = t->epsg;
            r->cells[i] = c;
        } else {
            r->unit_off[i] = r->soff[t->unit_str];
        }
    }
    if (t->place_str >= 0) r->place_off[i] = r->soff[t->place_str];
    if (t->within_str >= 0) r->within_off[i] = r->soff[t->within_str];
    r->n++;
    r->rows++;
    return 1;
}

/* ---- the block loop ------------------------------------------------------ */

/* Field ends are found with a bit mask of the special bytes (delimiter,
 * '\n', '"') over 64-byte windows, built with 16-byte compares that do not
 * depend on where fields start; walking from one field end to the next is
 * then a count-trailing-zeros and a bit clear, with no per-byte branch
 * (the simdcsv idea). Blocks end with '\n' and carry IG__IO_BLOCK_PAD
 * initialised bytes after it, so the window loads stay inside the buffer. */
typedef struct scan_vec {
#if defined(__SSE2__)
    __m128i d, n, q;
#else
    char d;
#endif
} scan_vec;

typedef struct scanner {
    const char *base; /* window start */
    uint64_t mask;    /* special bytes in [base, base + 64) not yet used */
} scanner;

static inline uint64_t chunk_mask(const char *p, const scan_vec *v)
{
#if defined(__SSE2__)
    uint64_t m = 0;
    for (int k = 0; k < 4; k++) {
        __m128i x =
            _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i e = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, v->d), _mm_cmpeq_epi8(x, v->n)),
            _mm_cmpeq_epi8(x, v->q));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(e) << (16 * k);
    }
    return m;
#else
    uint64_t m = 0;
    for (int k = 0; k < 64; k++) {
        char c = p[k];
        if (c == v->d || c == '\n' || c == '"') m |= (uint64_t)1 << k;
    }
    return m;
#endif
}

static inline void sc_reset(scanner *sc, const char *p, const scan_vec *v)
{
    sc->base = p;
    sc->mask = chunk_mask(p, v);
}

/* The next special byte; consumes it. */
static inline const char *sc_next(scanner *sc, const scan_vec *v)
{
    while (!sc->mask) {
        sc->base += 64;
        sc->mask = chunk_mask(sc->base, v);
    }
    const char *r = sc->base + __builtin_ctzll(sc->mask);
    sc->mask &= sc->mask - 1;
    return r;
}

static int ensure_scratch(const tbl *t, tbl_res *r, size_t need)
{
    if (r->scap >= need) return 1;
    char *p = ig__realloc(t->ctx, r->scratch, r->scap, need);
    if (!p) return 0;
    r->scratch = p;
    r->scap = need;
    return 1;
}

void ig__tbl_parse(void *ud, const ig__block *b, void *res)
{
    const tbl *t = ud;
    tbl_res *r = res;
    r->n = 0;
    r->alen = 0;
    r->rows = 0;
    r->flagged_rows = 0;
    r->total_fixed = 0;
    r->total_fixed_line = 0;
    r->st = IG_OK;
    r->err_msg[0] = '\0';
    const char *p = b->buf;
    const char *end = b->buf + b->len;
    long line = 1;
    if (b->seq == 0) {
        p += t->data_start;
        line = t->header_lines + 1;
    }
    const char delim = t->delim;
    scan_vec sv;
#if defined(__SSE2__)
    sv.d = _mm_set1_epi8(delim);
    sv.n = _mm_set1_epi8('\n');
    sv.q = _mm_set1_epi8('"');
#else
    sv.d = delim;
#endif
    scanner sc;
    if (p < end) sc_reset(&sc, p, &sv);
    const size_t ncols = t->ncols;
    while (p < end) {
        const char *rec = p;
        const char *ls = p; /* start of the current physical line */
        long rec_line = line;
        if (*p == '\n') {
            (void)sc_next(&sc, &sv);
            p++;
            line++;
            continue;
        }
        if (*p == '\r' && p + 1 < end && p[1] == '\n') {
            (void)sc_next(&sc, &sv);
            p += 2;
            line++;
            continue;
        }
        size_t col = 0;
        r->cell_ok = 0;
        for (;;) {
            const char *fs = p, *fe;
            long fcol = (long)(p - ls) + 1;
            long fline = line;
            int quoted = 0;
            if (*p == '"') {
                quoted = 1;
                if (!ensure_scratch(t, r, (size_t)(end - p))) {
                    rerr(r, IG_ERR_NOMEM, fline, fcol,
                         "out of memory while reading");
                    goto done;
                }
                size_t k = 0;
                p++;
                for (;;) {
                    if (p >= end) {
                        rerr(r, IG_ERR_PARSE, fline, fcol,
                             "a quoted field is not closed: no matching "
                             "'\"' before the end of the input");
                        goto done;
                    }
                    char c = *p;
                    if (c == '"') {
                        if (p + 1 < end && p[1] == '"') {
                            r->scratch[k++] = '"';
                            p += 2;
                            continue;
                        }
                        p++;
                        break;
                    }
                    if (c == '\n') {
                        line++;
                        ls = p + 1;
                    }
                    r->scratch[k++] = c;
                    p++;
                }
                if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n') p++;
                if (p >= end || (*p != delim && *p != '\n')) {
                    rerr(r, IG_ERR_PARSE, line, (long)(p - ls) + 1,
                         "unexpected character after a closing quote; "
                         "inside a quoted field write a quote as \"\"");
                    goto done;
                }
                sc_reset(&sc, p, &sv);
                (void)sc_next(&sc, &sv);
                fs = r->scratch;
                fe = r->scratch + k;
            } else {
                p = sc_next(&sc, &sv);
                if (*p == '"') {
                    rerr(r, IG_ERR_PARSE, line, (long)(p - ls) + 1,
                         "unexpected '\"' inside an unquoted field; quote "
                         "the whole field and double the quotes inside "
                         "(RFC 4180)");
                    goto done;
                }
                fe = p;
                if (*p == '\n' && fe > fs && fe[-1] == '\r') fe--;
            }
            if (col < ncols) {
                int ok = 1;
                switch (t->kind[col]) {
                    case K_SKIP:
                        break;
                    case K_NUM:
                        ok = num_field(t, r, t->slot[col], fs, fe, fline, fcol);
                        break;
                    case K_FLAG:
                        ok =
                            flag_field(t, r, t->slot[col], fs, fe, fline, fcol);
                        break;
                    case K_CODE:
                        ok = code_field(t, r, fs, fe, fline, fcol);
                        break;
                    case K_STR: {
                        if (!quoted) trim(&fs, &fe);
                        size_t n = (size_t)(fe - fs);
                        if (!arena_put(t, r, fs, n, &r->soff[t->slot[col]])) {
                            rerr(r, IG_ERR_NOMEM, fline, fcol,
                                 "out of memory while reading");
                            ok = 0;
                        } else if (t->mode == M_LONG &&
                                   t->slot[col] == t->unit_str) {
                            const char *a = fs, *z = fe;
                            trim(&a, &z);
                            r->cell_ok =
                                a < z && ig_cellcode_parse(a, (size_t)(z - a),
                                                           &r->cell) == IG_OK;
                        }
                        break;
                    }
                    default:
                        break;
                }
                if (!ok) goto done;
            }
            col++;
            if (*p == '\n') break;
            p++; /* the delimiter */
        }
        if (col != ncols) {
            rerr(r, IG_ERR_PARSE, rec_line, 1,
                 "this row has %zu field%s but the header has %zu; quote "
                 "fields that contain the delimiter '%s'",
                 col, col == 1 ? "" : "s", ncols,
                 delim == '\t' ? "\\t" : (delim == ';' ? ";" : ","));
            goto done;
        }
        if ((size_t)(p - rec) > t->max_line) {
            rerr(r, IG_ERR_PARSE, rec_line, 1,
                 "a line is longer than %zu bytes (the max_line_bytes "
                 "limit); raise the limit (--max-line) if the line is real",
                 t->max_line);
            goto done;
        }
        p++;
        line++;
        if (!finish_row(t, r, rec_line)) goto done;
    }
done:
    r->n_lines = line - 1;
}
