/* Resolving a table's schema from its header and first record, then
 * running the pipeline.
 *
 * Detection, in order: the delimiter (the most frequent of , ; tab in the
 * header, outside quotes), the decimal separator (a comma only for ; or
 * tab files whose sample rows show "1,5" and never "1.5"), how rows are
 * located (a cell-code column, else x/y columns, else --long units), the
 * groups (given, else Eurostat 2021's NAT, EU_OTH, OTH), and the Eurostat
 * flag column C_CI of every numeric column C in use. Columns are matched
 * exactly first, then ignoring case. Every refusal names the columns that
 * exist and the option that fixes it. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "core/grid_internal.h"
#include "io/table.h"

/* ---- small helpers ------------------------------------------------------- */

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int ieq(const char *a, const char *b)
{
    while (*a && *b && lower((unsigned char)*a) == lower((unsigned char)*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static int iprefix(const char *s, const char *pre)
{
    while (*pre && lower((unsigned char)*s) == lower((unsigned char)*pre)) {
        s++;
        pre++;
    }
    return *pre == '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 64;
    size_t d[64 + 1];
    for (size_t j = 0; j <= lb; j++) d[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = d[0];
        d[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = d[j];
            size_t cost = lower((unsigned char)a[i - 1]) !=
                          lower((unsigned char)b[j - 1]);
            size_t best = prev + cost;
            if (d[j] + 1 < best) best = d[j] + 1;
            if (d[j - 1] + 1 < best) best = d[j - 1] + 1;
            d[j] = best;
            prev = cur;
        }
    }
    return d[lb];
}

const char *ig__io_closest(const char *want, const char *const *names, size_t n)
{
    const char *best = NULL;
    size_t bd = (size_t)-1;
    size_t lw = strlen(want);
    size_t limit = lw / 3 > 2 ? lw / 3 : 2;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(want, names[i]);
        if (d < bd) {
            bd = d;
            best = names[i];
        }
    }
    return bd <= limit ? best : NULL;
}

/* "A, B, C, ..." into buf. */
static void list_cols(const tbl *t, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < t->ncols; c++) {
        int w = snprintf(buf + k, cap - k, "%s%s", c ? ", " : "", t->cols[c]);
        if (w < 0 || (size_t)w >= cap - k) {
            /* Cut at the last whole name and say there are more. */
            if (k + 6 > cap) k = cap > 6 ? cap - 6 : 0;
            memcpy(buf + k, ", ...", 6);
            return;
        }
        k += (size_t)w;
    }
}

static int32_t find_col(const tbl *t, const char *name)
{
    for (size_t c = 0; c < t->ncols; c++)
        if (strcmp(t->cols[c], name) == 0) return (int32_t)c;
    for (size_t c = 0; c < t->ncols; c++)
        if (ieq(t->cols[c], name)) return (int32_t)c;
    return -1;
}

static ig_status missing_col(const tbl *t, const char *name, const char *what,
                             ig_error *err)
{
    char list[300];
    list_cols(t, list, sizeof list);
    const char *near =
        ig__io_closest(name, (const char *const *)t->cols, t->ncols);
    if (near)
        return ig__error_set(err, IG_ERR_NOT_FOUND, 1, 0,
                             "%s column '%s' is not in the header; did you "
                             "mean '%s'? Columns: %s",
                             what, name, near, list);
    return ig__error_set(err, IG_ERR_NOT_FOUND, 1, 0,
                         "%s column '%s' is not in the header; columns: %s",
                         what, name, list);
}

static ig_status need_col(const tbl *t, const char *name, const char *what,
                          int32_t *out, ig_error *err)
{
    *out = find_col(t, name);
    if (*out < 0) return missing_col(t, name, what, err);
    return IG_OK;
}

static ig_status kind_clash(const tbl *t, int32_t col, ig_error *err)
{
    return ig__error_set(err, IG_ERR_DOMAIN, 1, 0,
                         "column '%s' is asked to be two different things "
                         "(e.g. a count and a label); use it once",
                         t->cols[col]);
}

/* Numeric slot for column col; count = 1 when it holds counts. */
static ig_status num_slot(tbl *t, int32_t col, int count, int32_t *out,
                          ig_error *err)
{
    if (t->kind[col] == K_NUM) {
        int32_t s = t->slot[col];
        if (count) t->num_count[s] = 1;
        *out = s;
        return IG_OK;
    }
    if (t->kind[col] != K_SKIP) return kind_clash(t, col, err);
    int32_t s = (int32_t)t->n_num++;
    t->kind[col] = K_NUM;
    t->slot[col] = s;
    t->num_col[s] = col;
    t->num_flag[s] = -1;
    t->num_count[s] = (uint8_t)count;
    *out = s;
    return IG_OK;
}

static ig_status str_slot(tbl *t, int32_t col, int32_t *out, ig_error *err)
{
    if (t->kind[col] == K_STR) {
        *out = t->slot[col];
        return IG_OK;
    }
    if (t->kind[col] != K_SKIP) return kind_clash(t, col, err);
    int32_t s = (int32_t)t->n_str++;
    t->kind[col] = K_STR;
    t->slot[col] = s;
    t->str_col[s] = col;
    *out = s;
    return IG_OK;
}

/* ---- lexing the header and sample records ------------------------------- */

typedef struct fields {
    char **f;
    size_t n, cap;
} fields;

static void fields_free(ig_ctx *ctx, fields *fv)
{
    for (size_t i = 0; i < fv->n; i++) ig__free(ctx, fv->f[i], 0);
    ig__free(ctx, fv->f, fv->cap * sizeof *fv->f);
    memset(fv, 0, sizeof *fv);
}

/* Split the record at p into trimmed, unescaped fields. *bad is set to the
 * 1-based column of an unclosed or misplaced quote. */
static ig_status lex_record(ig_ctx *ctx, const char *p, const char *end,
                            char delim, fields *fv, long *bad)
{
    const char *ls = p;
    *bad = 0;
    for (;;) {
        const char *fs = p;
        size_t cap = 0;
        int quoted = 0;
        if (p < end && *p == '"') {
            quoted = 1;
            p++;
            while (p < end) {
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        p += 2;
                        continue;
                    }
                    break;
                }
                p++;
            }
            if (p >= end) {
                *bad = (long)(fs - ls) + 1;
                return IG_OK;
            }
            p++;
            if (p < end && *p == '\r') p++;
            if (p < end && *p != delim && *p != '\n') {
                *bad = (long)(p - ls) + 1;
                return IG_OK;
            }
        } else {
            while (p < end && *p != delim && *p != '\n') p++;
        }
        /* Copy (unescaping) fs..p. */
        size_t n = (size_t)(p - fs);
        char *s = ig__alloc(ctx, n + 1);
        if (!s) return IG_ERR_NOMEM;
        const char *a = fs, *z = p;
        if (quoted) {
            a++;
            while (z > a && z[-1] != '"') z--;
            z--; /* the closing quote */
            for (const char *q = a; q < z; q++) {
                s[cap++] = *q;
                if (*q == '"') q++;
            }
        } else {
            if (z > a && z[-1] == '\r') z--;
            while (a < z && (*a == ' ' || *a == '\t')) a++;
            while (z > a && (z[-1] == ' ' || z[-1] == '\t')) z--;
            memcpy(s, a, (size_t)(z - a));
            cap = (size_t)(z - a);
        }
        s[cap] = '\0';
        void *f = fv->f;
        if (ig__grow(ctx, &f, &fv->cap, fv->n + 1, sizeof *fv->f) != IG_OK) {
            ig__free(ctx, s, n + 1);
            return IG_ERR_NOMEM;
        }
        fv->f = f;
        fv->f[fv->n++] = s;
        if (p >= end || *p == '\n') return IG_OK;
        p++;
    }
}

/* The most frequent candidate outside quotes in the header record. */
static char detect_delim(const char *p, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    int in_q = 0;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c == '"') in_q = !in_q;
        if (in_q) continue;
        if (c == ',') comma++;
        if (c == ';') semi++;
        if (c == '\t') tab++;
    }
    if (semi > comma && semi >= tab) return ';';
    if (tab > comma && tab > semi) return '\t';
    return ',';
}

/* "12,5" style vs "12.5" style numbers in the sample rows. */
static int detect_decimal_comma(const char *p, const char *end, char delim)
{
    long comma = 0, point = 0;
    int lines = 0;
    while (p < end && lines < 1000) {
        const char *fs = p;
        while (p < end && *p != delim && *p != '\n') p++;
        const char *a = fs, *z = p;
        if (z > a && z[-1] == '\r') z--;
        if (z - a >= 2 && *a == '"' && z[-1] == '"') {
            a++;
            z--;
        }
        if (a < z && (*a == '-' || *a == '+')) a++;
        const char *d = a;
        while (d < z && *d >= '0' && *d <= '9') d++;
        if (d > a && d < z && (*d == ',' || *d == '.')) {
            const char *e = d + 1;
            while (e < z && *e >= '0' && *e <= '9') e++;
            if (e == z && e > d + 1) {
                if (*d == ',')
                    comma++;
                else
                    point++;
            }
        }
        if (p < end && *p == '\n') lines++;
        if (p < end) p++;
    }
    return comma > 0 && point == 0;
}

/* Size in metres from a name ending in _100m, _1km, ... or 0. */
static int32_t size_suffix(const char *name)
{
    size_t n = strlen(name);
    size_t unit = 0;
    int32_t mult = 0;
    if (n > 2 && ieq(name + n - 2, "km")) {
        unit = 2;
        mult = 1000;
    } else if (n > 1 && lower((unsigned char)name[n - 1]) == 'm') {
        unit = 1;
        mult = 1;
    } else {
        return 0;
    }
    size_t e = n - unit, b = e;
    while (b > 0 && name[b - 1] >= '0' && name[b - 1] <= '9') b--;
    if (b == e || b == 0 || (name[b - 1] != '_' && name[b - 1] != '-'))
        return 0;
    long v = 0;
    for (size_t i = b; i < e && v < 100000000; i++)
        v = v * 10 + (name[i] - '0');
    if (v <= 0 || v * mult > 100000000) return 0;
    return (int32_t)(v * mult);
}

/* ---- the schema ---------------------------------------------------------- */

static void tbl_free(tbl *t)
{
    ig_ctx *ctx = t->ctx;
    for (size_t c = 0; c < t->ncols; c++) ig__free(ctx, t->cols[c], 0);
    ig__free(ctx, t->cols, 0);
    ig__free(ctx, t->kind, 0);
    ig__free(ctx, t->slot, 0);
    ig__free(ctx, t->num_col, 0);
    ig__free(ctx, t->num_flag, 0);
    ig__free(ctx, t->num_count, 0);
    ig__free(ctx, t->flag_col, 0);
    ig__free(ctx, t->str_col, 0);
    for (size_t i = 0; i < t->n_na; i++) ig__free(ctx, t->na[i], 0);
    ig__free(ctx, t->na, 0);
    ig__free(ctx, t->na_len, 0);
    if (t->group_names)
        for (size_t g = 0; g < t->n_groups; g++)
            ig__free(ctx, t->group_names[g], 0);
    ig__free(ctx, t->group_names, 0);
    ig__free(ctx, t->term_start, 0);
    ig__free(ctx, t->terms, 0);
    ig__free(ctx, t->var_slot, 0);
    ig__free(ctx, t->var_names, 0);
    ig_grid_builder_destroy(t->b);
    ig__tbl_long_free(t);
}

static ig_status parse_na(tbl *t, ig_error *err)
{
    const char *s = t->o->na_values ? t->o->na_values : "NA,-9999";
    size_t n = 1;
    for (const char *p = s; *p; p++)
        if (*p == ',') n++;
    t->na = ig__calloc(t->ctx, n, sizeof *t->na);
    t->na_len = ig__calloc(t->ctx, n, sizeof *t->na_len);
    if (!t->na || !t->na_len)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    const char *p = s;
    for (;;) {
        const char *e = p;
        while (*e && *e != ',') e++;
        const char *a = p, *z = e;
        while (a < z && (*a == ' ' || *a == '\t')) a++;
        while (z > a && (z[-1] == ' ' || z[-1] == '\t')) z--;
        if (z > a) {
            char *v = ig__strndup(t->ctx, a, (size_t)(z - a));
            if (!v)
                return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
            t->na[t->n_na] = v;
            t->na_len[t->n_na] = (size_t)(z - a);
            t->na_first[(uint8_t)*a] = 1;
            t->n_na++;
        }
        if (!*e) break;
        p = e + 1;
    }
    return IG_OK;
}

/* Flag column C_CI for numeric slot s (count or kept variable). */
static ig_status attach_flag(tbl *t, int32_t s, ig_error *err)
{
    const char *base = t->cols[t->num_col[s]];
    size_t n = strlen(base);
    if (n >= 3 && ieq(base + n - 3, "_ci")) return IG_OK;
    char name[256];
    if (n + 4 > sizeof name) return IG_OK;
    snprintf(name, sizeof name, "%s_CI", base);
    int32_t c = find_col(t, name);
    if (c < 0) return IG_OK;
    if (t->kind[c] == K_FLAG) {
        t->num_flag[s] = t->slot[c];
        return IG_OK;
    }
    if (t->kind[c] != K_SKIP) return IG_OK; /* used as data: not a flag */
    (void)err;
    int32_t f = (int32_t)t->n_flag++;
    t->kind[c] = K_FLAG;
    t->slot[c] = f;
    t->flag_col[f] = c;
    t->num_flag[s] = f;
    return IG_OK;
}

static const char *const strong_code_names[] = {"grd_id", "grid_id", "cellcode",
                                                "cell_code", "inspire_id"};
static const char *const weak_code_names[] = {"id",   "cell",     "cell_id",
                                              "code", "gridcode", "grid_code"};

static int is_code_value(const fields *row, int32_t c)
{
    ig_cell cell;
    if (!row || (size_t)c >= row->n) return 0;
    const char *v = row->f[c];
    return v[0] && ig_cellcode_parse(v, strlen(v), &cell) == IG_OK;
}

/* Name-based origin: *_llc lower-left, *_mp_* / centroid centre. */
static int origin_from_names(const char *x, const char *y)
{
    const char *names[2] = {x, y};
    for (int i = 0; i < 2; i++) {
        const char *s = names[i];
        size_t n = strlen(s);
        for (size_t k = 0; k + 3 <= n; k++) {
            if (iprefix(s + k, "_llc") || iprefix(s + k, "_ll")) {
                if (iprefix(s + k, "_llc") || s[k + 3] == '\0' ||
                    s[k + 3] == '_')
                    return IG_ORIGIN_LL;
            }
            if (iprefix(s + k, "_mp") || iprefix(s + k, "centroid") ||
                iprefix(s + k, "centre") || iprefix(s + k, "center"))
                return IG_ORIGIN_CENTRE;
        }
    }
    return IG_ORIGIN_AUTO;
}

static ig_status setup_xy(tbl *t, int32_t xc, int32_t yc, ig_error *err)
{
    const ig_read_opts *o = t->o;
    ig_status st = num_slot(t, xc, 0, &t->x_slot, err);
    if (st == IG_OK) st = num_slot(t, yc, 0, &t->y_slot, err);
    if (st != IG_OK) return st;
    t->mode = M_XY;
    t->origin = o->origin != IG_ORIGIN_AUTO
                    ? (int)o->origin
                    : origin_from_names(t->cols[xc], t->cols[yc]);
    if (t->origin == IG_ORIGIN_AUTO)
        return ig__error_set(err, IG_ERR_DOMAIN, 1, 0,
                             "cannot tell whether columns '%s'/'%s' hold "
                             "cell corners or centres; pass --origin ll or "
                             "--origin centre",
                             t->cols[xc], t->cols[yc]);
    t->size_m = o->cell_size_m > 0 ? o->cell_size_m : size_suffix(t->cols[xc]);
    if (t->size_m <= 0) t->size_m = size_suffix(t->cols[yc]);
    if (t->size_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 1, 0,
                             "the x/y columns '%s'/'%s' do not say the cell "
                             "size; pass --cell-size (e.g. --cell-size 1000 "
                             "for 1 km cells)",
                             t->cols[xc], t->cols[yc]);
    t->epsg = o->epsg > 0 ? o->epsg : 3035;
    return IG_OK;
}

static ig_status setup_location(tbl *t, const fields *row, ig_error *err)
{
    const ig_read_opts *o = t->o;
    ig_status st;
    if (o->long_spec) {
        if (o->cell_col || o->x_col || o->y_col)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "--cell-col, --x and --y do not apply to "
                                 "--long input: the UNIT column names the "
                                 "units");
        char parts[3][256] = {{0}};
        size_t k = 0;
        const char *p = o->long_spec;
        for (;;) {
            const char *e = p;
            while (*e && *e != ',') e++;
            const char *a = p, *z = e;
            while (a < z && *a == ' ') a++;
            while (z > a && z[-1] == ' ') z--;
            if (k < 3 && (size_t)(z - a) < sizeof parts[0]) {
                memcpy(parts[k], a, (size_t)(z - a));
                parts[k][z - a] = '\0';
            }
            k++;
            if (!*e) break;
            p = e + 1;
        }
        if (k != 3 || !parts[0][0] || !parts[1][0] || !parts[2][0])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "long format '%s' must be UNIT,GROUP,COUNT "
                                 "(e.g. --long school,race,n)",
                                 o->long_spec);
        int32_t uc, gc, cc;
        if ((st = need_col(t, parts[0], "unit", &uc, err)) != IG_OK ||
            (st = need_col(t, parts[1], "group", &gc, err)) != IG_OK ||
            (st = need_col(t, parts[2], "count", &cc, err)) != IG_OK)
            return st;
        t->mode = M_LONG;
        if ((st = str_slot(t, uc, &t->unit_str, err)) != IG_OK ||
            (st = str_slot(t, gc, &t->group_str, err)) != IG_OK ||
            (st = num_slot(t, cc, 1, &t->count_slot, err)) != IG_OK)
            return st;
        return IG_OK;
    }
    if (o->cell_col) {
        int32_t c;
        if ((st = need_col(t, o->cell_col, "cell-code", &c, err)) != IG_OK)
            return st;
        if (is_code_value(row, c)) {
            t->mode = M_CODE;
            t->code_col = c;
            t->kind[c] = K_CODE;
            return IG_OK;
        }
        ig__log(t->ctx, IG_LOG_INFO,
                "%s: column '%s' does not hold cell codes ('%s'); reading "
                "rows as aspatial units",
                t->name, t->cols[c],
                row && (size_t)c < row->n ? row->f[c] : "");
        t->mode = M_UNIT;
        return str_slot(t, c, &t->unit_str, err);
    }
    if (o->x_col || o->y_col) {
        if (!o->x_col || !o->y_col)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "give both the x and the y column (--x and "
                                 "--y)");
        int32_t xc, yc;
        if ((st = need_col(t, o->x_col, "x", &xc, err)) != IG_OK ||
            (st = need_col(t, o->y_col, "y", &yc, err)) != IG_OK)
            return st;
        return setup_xy(t, xc, yc, err);
    }
    /* A cell-code column by name. */
    for (size_t c = 0; c < t->ncols; c++) {
        const char *nm = t->cols[c];
        int strong = iprefix(nm, "gitter_id");
        for (size_t k = 0; !strong && k < sizeof strong_code_names /
                                              sizeof strong_code_names[0];
             k++)
            strong = ieq(nm, strong_code_names[k]);
        int weak = 0;
        for (size_t k = 0;
             !strong && !weak &&
             k < sizeof weak_code_names / sizeof weak_code_names[0];
             k++)
            weak = ieq(nm, weak_code_names[k]);
        if (strong || (weak && is_code_value(row, (int32_t)c))) {
            t->mode = M_CODE;
            t->code_col = (int32_t)c;
            t->kind[c] = K_CODE;
            return IG_OK;
        }
    }
    /* x/y pairs by name. */
    static const char *const pairs[][2] = {{"x_llc", "y_llc"},
                                           {"x_ll", "y_ll"},
                                           {"x", "y"},
                                           {"easting", "northing"},
                                           {"east", "north"}};
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        int32_t xc = find_col(t, pairs[k][0]), yc = find_col(t, pairs[k][1]);
        if (xc >= 0 && yc >= 0) return setup_xy(t, xc, yc, err);
    }
    for (size_t c = 0; c < t->ncols; c++) {
        const char *nm = t->cols[c];
        if (!iprefix(nm, "x_mp_")) continue;
        char yname[256];
        snprintf(yname, sizeof yname, "y%s", nm + 1);
        int32_t yc = find_col(t, yname);
        if (yc >= 0) return setup_xy(t, (int32_t)c, yc, err);
    }
    char list[300];
    list_cols(t, list, sizeof list);
    return ig__error_set(
        err, IG_ERR_NOT_FOUND, 1, 0,
        "no cell-code column (GRD_ID, Gitter_ID_100m, id, cell, ...) and no "
        "x/y columns (X_LLC/Y_LLC, x_mp_100m/y_mp_100m, x/y); pass "
        "--cell-col, or --x and --y, or --long for aspatial units. Columns: "
        "%s",
        list);
}

/* Columns that look numeric in the first record, for the groups hint. */
static void numeric_cols(const tbl *t, const fields *row, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t c = 0; row && c < t->ncols && c < row->n; c++) {
        const char *v = row->f[c];
        size_t n = strlen(v), ln = strlen(t->cols[c]);
        double d;
        if (t->kind[c] != K_SKIP) continue;
        if (ln >= 3 && ieq(t->cols[c] + ln - 3, "_ci")) continue;
        if (n && ig__num_parse(v, n, t->dec, t->libc_dp, &d) != IG__NUM_OK)
            continue;
        int w = snprintf(buf + k, cap - k, "%s%s", k ? ", " : "", t->cols[c]);
        if (w < 0 || (size_t)w >= cap - k) return;
        k += (size_t)w;
    }
}

static ig_status setup_groups(tbl *t, const fields *row, ig_error *err)
{
    const ig_read_opts *o = t->o;
    ig_ctx *ctx = t->ctx;
    size_t n = o->groups ? o->n_groups : 0;
    static const char *const eurostat2021[] = {"NAT", "EU_OTH", "OTH"};
    const char *const *list = o->groups;
    if (t->mode == M_LONG) {
        if (n == 0) return IG_OK; /* from the data, sorted */
        t->group_names = ig__calloc(ctx, n, sizeof *t->group_names);
        if (!t->group_names)
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        t->n_groups = n;
        for (size_t g = 0; g < n; g++) {
            const char *s = list[g] ? list[g] : "";
            if (!s[0] || strpbrk(s, "=+%*,"))
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "with --long, groups are values of the "
                                     "group column, not expressions ('%s')",
                                     s);
            for (size_t h = 0; h < g; h++)
                if (strcmp(t->group_names[h], s) == 0)
                    return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                         "group '%s' is listed twice", s);
            t->group_names[g] = ig__strdup(ctx, s);
            if (!t->group_names[g])
                return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        }
        return IG_OK;
    }
    if (n == 0) {
        int all = 1;
        for (size_t g = 0; g < 3; g++)
            if (find_col(t, eurostat2021[g]) < 0) all = 0;
        if (!all) {
            char nums[300];
            numeric_cols(t, row, nums, sizeof nums);
            return ig__error_set(err, IG_ERR_DOMAIN, 1, 0,
                                 "no groups given and no known schema "
                                 "(Eurostat 2021: NAT, EU_OTH, OTH) found; "
                                 "choose groups with --groups A,B,... or "
                                 "--group NAME=EXPR. Numeric columns: %s",
                                 nums[0] ? nums : "(none)");
        }
        list = eurostat2021;
        n = 3;
    }
    t->group_names = ig__calloc(ctx, n, sizeof *t->group_names);
    t->term_start = ig__calloc(ctx, n + 1, sizeof *t->term_start);
    if (!t->group_names || !t->term_start)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    t->n_groups = n;
    size_t n_terms = 0, cap_terms = 0;
    for (size_t g = 0; g < n; g++) {
        ig__gexpr e;
        ig_status st = ig__gexpr_parse(ctx, list[g], &e, err);
        if (st != IG_OK) return st;
        for (size_t h = 0; h < g && st == IG_OK; h++)
            if (strcmp(t->group_names[h], e.name) == 0)
                st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                   "group '%s' is defined twice", e.name);
        void *tp = t->terms;
        if (st == IG_OK && ig__grow(ctx, &tp, &cap_terms, n_terms + e.n_terms,
                                    sizeof *t->terms) != IG_OK)
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        t->terms = tp;
        t->term_start[g] = n_terms;
        for (size_t k = 0; k < e.n_terms && st == IG_OK; k++) {
            tbl_term *tm = &t->terms[n_terms];
            int32_t c;
            st = need_col(t, e.terms[k].col, "group", &c, err);
            if (st == IG_OK) st = num_slot(t, c, 1, &tm->a, err);
            tm->b = -1;
            tm->op = e.terms[k].op;
            if (st == IG_OK && e.terms[k].tot) {
                st = need_col(t, e.terms[k].tot, "total", &c, err);
                if (st == IG_OK) st = num_slot(t, c, 1, &tm->b, err);
            }
            n_terms++;
        }
        if (st == IG_OK) {
            t->group_names[g] = e.name;
            e.name = NULL;
        }
        ig__gexpr_free(ctx, &e);
        if (st != IG_OK) return st;
    }
    t->term_start[n] = n_terms;
    return IG_OK;
}

static ig_status setup_extras(tbl *t, ig_error *err)
{
    const ig_read_opts *o = t->o;
    ig_status st;
    int32_t c;
    if (o->total_col) {
        if (t->mode == M_LONG)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "--total does not apply to --long input; "
                                 "unit totals are the sums of their groups");
        if ((st = need_col(t, o->total_col, "total", &c, err)) != IG_OK ||
            (st = num_slot(t, c, 1, &t->total_slot, err)) != IG_OK)
            return st;
    }
    if (o->by_col) {
        if ((st = need_col(t, o->by_col, "--by", &c, err)) != IG_OK ||
            (st = str_slot(t, c, &t->place_str, err)) != IG_OK)
            return st;
    }
    if (o->within_col) {
        if ((st = need_col(t, o->within_col, "--within", &c, err)) != IG_OK ||
            (st = str_slot(t, c, &t->within_str, err)) != IG_OK)
            return st;
    }
    size_t nk = o->keep ? o->n_keep : 0;
    size_t nopt = o->keep_optional ? o->n_keep_optional : 0;
    if (nk && t->mode == M_LONG)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "--keep does not apply to --long input");
    if (t->mode == M_LONG) nopt = 0;
    if (nk + nopt) {
        t->var_slot = ig__calloc(t->ctx, nk + nopt, sizeof *t->var_slot);
        t->var_names = ig__calloc(t->ctx, nk + nopt, sizeof *t->var_names);
        if (!t->var_slot || !t->var_names)
            return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        for (size_t k = 0; k < nk; k++) {
            if (!o->keep[k])
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "--keep: empty column name");
            if ((st = need_col(t, o->keep[k], "--keep", &c, err)) != IG_OK ||
                (st = num_slot(t, c, 0, &t->var_slot[k], err)) != IG_OK)
                return st;
            t->var_names[k] = t->cols[c];
            t->n_vars = k + 1;
        }
        /* Columns kept when present: absent ones, and ones kept already,
         * are skipped without a word. */
        for (size_t k = 0; k < nopt; k++) {
            const char *name = o->keep_optional[k];
            if (!name || !name[0] || (c = find_col(t, name)) < 0) continue;
            if (t->kind[c] == K_STR) continue; /* a label, not a number */
            int dup = 0;
            for (size_t j = 0; j < t->n_vars; j++)
                dup |= strcmp(t->var_names[j], t->cols[c]) == 0;
            if (dup) continue;
            if ((st = num_slot(t, c, 0, &t->var_slot[t->n_vars], err)) !=
                IG_OK)
                return st;
            t->var_names[t->n_vars++] = t->cols[c];
        }
    }
    /* Flags for every count and kept variable (not coordinates). */
    for (size_t s = 0; s < t->n_num; s++) {
        if ((int32_t)s == t->x_slot || (int32_t)s == t->y_slot) continue;
        if ((st = attach_flag(t, (int32_t)s, err)) != IG_OK) return st;
    }
    return IG_OK;
}

/* ---- reading --------------------------------------------------------------
 */

static ig_status setup(tbl *t, const ig__block *b, ig_error *err)
{
    const ig_read_opts *o = t->o;
    ig_ctx *ctx = t->ctx;
    const char *buf = b->buf;
    size_t len = b->len;
    if (len == 0)
        return ig__error_set(err, IG_ERR_PARSE, 1, 1,
                             "the file is empty: expected a header row");
    size_t hend = ig__csv_first_record_end(buf, len);
    if (hend == 0)
        return ig__error_set(err, IG_ERR_PARSE, 1, 1,
                             "the header row has a quote that is not closed");
    /* Delimiter. */
    if (o->delimiter) {
        if (o->delimiter != ',' && o->delimiter != ';' &&
            o->delimiter != '\t' && o->delimiter != '|')
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "unsupported delimiter '%c'; use ',', ';', "
                                 "tab or '|'",
                                 o->delimiter);
        t->delim = o->delimiter;
    } else {
        t->delim = detect_delim(buf, hend);
    }
    t->header_lines = 0;
    for (size_t i = 0; i < hend; i++)
        if (buf[i] == '\n') t->header_lines++;
    t->data_start = hend;
    /* Header names. */
    fields hdr = {0}, row = {0};
    long bad = 0;
    ig_status st = lex_record(ctx, buf, buf + hend, t->delim, &hdr, &bad);
    if (st != IG_OK) {
        fields_free(ctx, &hdr);
        return ig__error_set(err, st, 0, 0, "out of memory");
    }
    if (bad) {
        fields_free(ctx, &hdr);
        return ig__error_set(err, IG_ERR_PARSE, 1, bad,
                             "the header row has a misplaced quote");
    }
    t->ncols = hdr.n;
    t->cols = hdr.f; /* the table owns the names from here */
    hdr.f = NULL;
    hdr.n = hdr.cap = 0;
    t->kind = ig__calloc(ctx, t->ncols, 1);
    t->slot = ig__calloc(ctx, t->ncols, sizeof *t->slot);
    t->num_col = ig__calloc(ctx, t->ncols, sizeof *t->num_col);
    t->num_flag = ig__calloc(ctx, t->ncols, sizeof *t->num_flag);
    t->num_count = ig__calloc(ctx, t->ncols, 1);
    t->flag_col = ig__calloc(ctx, t->ncols, sizeof *t->flag_col);
    t->str_col = ig__calloc(ctx, t->ncols, sizeof *t->str_col);
    if (!t->kind || !t->slot || !t->num_col || !t->num_flag || !t->num_count ||
        !t->flag_col || !t->str_col)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    /* The first record after the header (blank lines skipped). */
    size_t p = hend;
    while (p < len && (buf[p] == '\n' ||
                       (buf[p] == '\r' && p + 1 < len && buf[p + 1] == '\n')))
        p += buf[p] == '\n' ? 1 : 2;
    if (p >= len)
        return ig__error_set(err, IG_ERR_PARSE, t->header_lines + 1, 0,
                             "no data rows: the file has a header but no "
                             "records");
    st = lex_record(ctx, buf + p, buf + len, t->delim, &row, &bad);
    if (st != IG_OK) {
        fields_free(ctx, &row);
        return ig__error_set(err, st, 0, 0, "out of memory");
    }
    const fields *first = bad ? NULL : &row;
    /* Decimal separator. */
    if (o->decimal_comma == 1)
        t->dec_comma = 1;
    else if (o->decimal_comma == 0 || t->delim == ',')
        t->dec_comma = 0;
    else
        t->dec_comma = detect_decimal_comma(buf + p, buf + len, t->delim);
    t->dec = t->dec_comma ? ',' : '.';
    if (t->dec == t->delim) {
        fields_free(ctx, &row);
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a decimal comma needs a delimiter other than "
                             "',' (quote such numbers or use ';')");
    }
    st = parse_na(t, err);
    if (st == IG_OK) st = setup_location(t, first, err);
    /* Identified by its GRD_ID column, a Eurostat file may still be read
     * by x/y or as units when asked; only a forced reader insists. */
    if (st == IG_OK && t->flavour == IG__FLAVOUR_EUROSTAT && t->forced &&
        (t->mode == M_XY || t->mode == M_UNIT))
        st = ig__error_set(err, IG_ERR_FORMAT, 1, 0,
                           "the eurostat reader needs a cell-code column "
                           "(GRD_ID); use --format csv for other tables");
    if (st == IG_OK) st = setup_groups(t, first, err);
    if (st == IG_OK) st = setup_extras(t, err);
    fields_free(ctx, &row);
    if (st != IG_OK) return st;
    t->cls[(uint8_t)t->delim] = 1;
    t->cls['\n'] = 1;
    t->cls['"'] = 1;
    return IG_OK;
}

ig_status ig__table_read(ig__io_input *in, ig__table_flavour flavour,
                         const char *format_name, ig_grid **out, ig_error *err)
{
    tbl t;
    memset(&t, 0, sizeof t);
    t.ctx = in->ctx;
    t.o = in->opts;
    t.name = in->name;
    t.format = format_name;
    t.flavour = (int)flavour;
    t.forced = in->forced;
    t.max_line = in->opts->max_line_bytes ? in->opts->max_line_bytes
                                          : IG__IO_MAX_LINE_DEFAULT;
    t.na_as_zero = in->opts->na_as_zero;
    t.code_col = t.x_slot = t.y_slot = -1;
    t.unit_str = t.group_str = t.count_slot = -1;
    t.place_str = t.within_str = t.total_slot = -1;
    const struct lconv *lc = localeconv();
    t.libc_dp = (lc && lc->decimal_point && lc->decimal_point[0] &&
                 !lc->decimal_point[1])
                    ? lc->decimal_point[0]
                    : '.';
    ig__block *first = in->first;
    in->first = NULL;
    ig_status st = first->st;
    if (st != IG_OK) {
        if (err) {
            *err = first->err;
            err->status = st;
            if (first->st_line) err->line = first->st_line;
        }
        ig__block_free(t.ctx, first);
    } else {
        st = setup(&t, first, err);
        if (st != IG_OK) {
            ig__block_free(t.ctx, first);
        } else {
            ig__pipe_ops ops = {&t, ig__tbl_res_new, ig__tbl_res_free,
                                ig__tbl_parse, ig__tbl_commit};
            st = ig__pipe_run(t.ctx, in->src, first, &ops, in->opts->progress,
                              in->opts->progress_ud, err);
        }
    }
    ig_grid *g = NULL;
    if (st == IG_OK) st = ig__tbl_finish(&t, &g, err);
    if (st == IG_OK) {
        ig_grid_stats s;
        memset(&s, 0, sizeof s);
        s.rows_read = t.rows;
        s.cells_flagged = t.flagged;
        snprintf(s.format, sizeof s.format, "%s", format_name);
        s.delimiter = t.delim;
        s.decimal_comma = t.dec_comma;
        s.gzip = ig__source_gzip(in->src);
        ig__grid_set_read_stats(g, &s);
        *out = g;
    } else {
        ig__error_file(err, in->name);
    }
    tbl_free(&t);
    return st;
}
