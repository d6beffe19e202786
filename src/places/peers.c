/* Benchmarking one place against others (docs/benchmarking.md).
 *
 * A pure computation on the caller's table. Each comparison set is a bit
 * in one byte per place, so every measure runs the same gather / count /
 * sort loop over the places in input order. Ranks and percentiles count
 * exact comparisons (no tolerance) and medians sort the gathered values,
 * so nothing depends on the row order; peers are sorted by (distance, id)
 * with unique ids, a total order. Means and standard deviations of the
 * context variables use compensated sums (two passes). Name look-up folds
 * case code point by code point (ASCII, Latin-1, Latin Extended-A, Greek,
 * Cyrillic) and needs no memory: the edit distance works on the first 64
 * code points of each string, in fixed stack buffers. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_peers.h"

#define DEFAULT_K 10
#define NOTE_MAX 256
#define LEV_MAX 64  /* code points compared by the edit distance */
#define N_CLOSEST 5 /* names offered when a look-up fails */

struct ig_bench {
    ig_ctx *ctx;
    size_t place, n_measures;
    ig_bench_stat *stats; /* n_measures * IG_BENCH_NSETS */
    size_t npeers, ncand, nskipped;
    ig_bench_peer *peers;
    ig_bench_var vars[IG_BENCH_NVARS];
    int size_band, share_band;
    char note[NOTE_MAX];
};

static const char *const SET_NAMES[IG_BENCH_NSETS] = {
    "class", "class_country", "size_band", "share_band", "peers"};
static const char *const SIZE_LABELS[IG_BENCH_NSIZE_BANDS] = {
    "<50k", "50k-100k", "100k-250k", "250k-1M", ">=1M"};
static const char *const SHARE_LABELS[IG_BENCH_NSHARE_BANDS] = {
    "<5%", "5-10%", "10-15%", "15-20%", "20-30%", ">=30%"};
static const char *const VAR_NAMES[IG_BENCH_NVARS] = {
    "log_population", "foreign_share", "eu_share", "density_km2",
    "movers_share"};

const char *ig_bench_set_name(int s)
{
    return (s >= 0 && s < IG_BENCH_NSETS) ? SET_NAMES[s] : NULL;
}

int ig_bench_size_band(double population)
{
    if (!(population >= 0.0)) return -1; /* NaN too */
    if (population < 50000.0) return 0;
    if (population < 100000.0) return 1;
    if (population < 250000.0) return 2;
    if (population < 1000000.0) return 3;
    return 4;
}

const char *ig_bench_size_band_label(int b)
{
    return (b >= 0 && b < IG_BENCH_NSIZE_BANDS) ? SIZE_LABELS[b] : NULL;
}

int ig_bench_share_band(double share)
{
    if (!(share >= 0.0 && share <= 1.0)) return -1;
    if (share < 0.05) return 0;
    if (share < 0.10) return 1;
    if (share < 0.15) return 2;
    if (share < 0.20) return 3;
    if (share < 0.30) return 4;
    return 5;
}

const char *ig_bench_share_band_label(int b)
{
    return (b >= 0 && b < IG_BENCH_NSHARE_BANDS) ? SHARE_LABELS[b] : NULL;
}

void ig_bench_opts_init(ig_bench_opts *o)
{
    if (!o) return;
    o->k = DEFAULT_K;
    o->peers_any_class = 0;
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* Bytes of s to print within max, not cutting a UTF-8 sequence. */
static int print_len(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max) return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return (int)max;
}

/* Value of context variable v for place p; NaN when unknown. */
static double var_value(const ig_bench_place *p, int v)
{
    switch (v) {
        case IG_BENCH_VAR_LOG_POPULATION:
            return p->population > 0.0 ? log(p->population) : (double)NAN;
        case IG_BENCH_VAR_FOREIGN_SHARE:
            return p->foreign_share;
        case IG_BENCH_VAR_EU_SHARE:
            return p->eu_share;
        case IG_BENCH_VAR_DENSITY:
            return p->density_km2;
        default:
            return p->movers_share;
    }
}

/* ---- input checks ---------------------------------------------------- */

static int cmp_str_ptr(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;
    return strcmp(*x, *y);
}

static ig_status bad_share(ig_error *err, const ig_bench_place *p,
                           const char *what, double v)
{
    return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                         "place '%s': %s %g is outside [0, 1]; give a share "
                         "between 0 and 1, or NaN when unknown",
                         p->id, what, v);
}

static ig_status check_input(ig_ctx *ctx, const ig_bench_input *in,
                             size_t place, ig_error *err)
{
    if (!in || !in->places || in->n_places == 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "benchmarking needs a table of places");
    if (in->n_measures > 0 && !in->values)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu measures but no values", in->n_measures);
    if (place >= in->n_places)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "place row %zu is out of range (%zu places)",
                             place, in->n_places);
    for (size_t i = 0; i < in->n_places; i++) {
        const ig_bench_place *p = &in->places[i];
        if (!p->id || !p->id[0])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "place in row %zu (from 1) has no id; every "
                                 "place needs a unique id",
                                 i + 1);
        if (!isfinite(p->population) || p->population < 0.0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "place '%s': population %g is not a number "
                                 ">= 0",
                                 p->id, p->population);
        if (!isnan(p->foreign_share) &&
            !(p->foreign_share >= 0.0 && p->foreign_share <= 1.0))
            return bad_share(err, p, "foreign-born share", p->foreign_share);
        if (!isnan(p->eu_share) && !(p->eu_share >= 0.0 && p->eu_share <= 1.0))
            return bad_share(err, p, "EU share among the foreign-born",
                             p->eu_share);
        if (!isnan(p->movers_share) &&
            !(p->movers_share >= 0.0 && p->movers_share <= 1.0))
            return bad_share(err, p, "recent movers' share", p->movers_share);
        if (!isnan(p->density_km2) &&
            !(isfinite(p->density_km2) && p->density_km2 >= 0.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "place '%s': density %g is not a number >= "
                                 "0 (or NaN when unknown)",
                                 p->id, p->density_km2);
    }
    /* Ids must be unique: they break ties and name places in the output. */
    const char **ids = ig__calloc(ctx, in->n_places, sizeof *ids);
    if (!ids)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory checking place ids");
    for (size_t i = 0; i < in->n_places; i++) ids[i] = in->places[i].id;
    qsort(ids, in->n_places, sizeof *ids, cmp_str_ptr);
    ig_status st = IG_OK;
    for (size_t i = 1; i < in->n_places; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            st = ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                               "place id '%s' appears more than once; ids "
                               "must be unique",
                               ids[i]);
            break;
        }
    ig__free(ctx, ids, in->n_places * sizeof *ids);
    return st;
}

/* ---- ranks, percentiles, medians ------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Statistics of value v (the place's, possibly undefined) in a set whose
 * defined values (the place's included when defined) are vals[0..n). */
static void set_stat(ig_bench_stat *s, double v, double *vals, size_t n)
{
    s->n = n;
    s->rank = s->percentile = s->median = NAN;
    if (n == 0) return;
    qsort(vals, n, sizeof *vals, cmp_double);
    s->median = (n % 2) ? vals[n / 2] : (vals[n / 2 - 1] + vals[n / 2]) / 2.0;
    if (!isfinite(v)) return;
    size_t above = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        if (vals[i] > v)
            above++;
        else if (vals[i] < v)
            below++;
    }
    size_t tied = n - above - below - 1; /* the others equal to v */
    s->rank = 1.0 + (double)above + (double)tied / 2.0;
    if (n >= 2)
        s->percentile =
            100.0 * ((double)below + (double)tied / 2.0) / (double)(n - 1);
}

/* ---- peers -------------------------------------------------------------- */

typedef struct cand {
    double d;
    const char *id;
    size_t row;
} cand;

static int cmp_cand(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->d != y->d) return x->d < y->d ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int in_pool(const ig_bench_input *in, size_t i, size_t place,
                   int any_class)
{
    return any_class || strcmp(str_or_empty(in->places[i].cls),
                               str_or_empty(in->places[place].cls)) == 0;
}

/* Mean, sd and use of each context variable over the pool. */
static void standardise(ig_bench *b, const ig_bench_input *in, int any_class)
{
    const ig_bench_place *pp = &in->places[b->place];
    for (int v = 0; v < IG_BENCH_NVARS; v++) {
        ig_bench_var *w = &b->vars[v];
        w->name = VAR_NAMES[v];
        w->used = 0;
        w->why = "";
        w->n = 0;
        w->mean = w->sd = w->place_z = NAN;
        w->place_value = var_value(pp, v);
        ig_ksum s;
        ig_ksum_init(&s);
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < in->n_places; i++) {
            if (!in_pool(in, i, b->place, any_class)) continue;
            double x = var_value(&in->places[i], v);
            if (isnan(x)) continue;
            w->n++;
            ig_ksum_add(&s, x);
            if (x < lo) lo = x;
            if (x > hi) hi = x;
        }
        if (w->n == 0) {
            w->why = "unknown for the place";
            continue;
        }
        w->mean = ig_ksum_value(&s) / (double)w->n;
        ig_ksum_init(&s);
        for (size_t i = 0; i < in->n_places; i++) {
            if (!in_pool(in, i, b->place, any_class)) continue;
            double x = var_value(&in->places[i], v);
            if (isnan(x)) continue;
            ig_ksum_add(&s, (x - w->mean) * (x - w->mean));
        }
        w->sd = sqrt(ig_ksum_value(&s) / (double)w->n);
        /* Equal values are tested exactly: a rounded mean can leave an sd
         * of 1e-17 where every value is the same. */
        if (isnan(w->place_value))
            w->why = "unknown for the place";
        else if (w->n < 2)
            w->why = "known for no other candidate";
        else if (lo == hi || !(w->sd > 0.0) || !isfinite(w->sd))
            w->why = "the same value for every candidate (sd 0)";
        else {
            w->used = 1;
            w->place_z = (w->place_value - w->mean) / w->sd;
        }
        if (!w->used) w->place_z = NAN;
    }
}

static ig_status find_peers(ig_bench *b, const ig_bench_input *in,
                            const ig_bench_opts *o, ig_error *err)
{
    ig_ctx *ctx = b->ctx;
    standardise(b, in, o->peers_any_class);
    const char *cls = str_or_empty(in->places[b->place].cls);
    int nused = 0;
    for (int v = 0; v < IG_BENCH_NVARS; v++) nused += b->vars[v].used;
    size_t ncand = 0;
    for (size_t i = 0; i < in->n_places; i++)
        if (i != b->place && in_pool(in, i, b->place, o->peers_any_class))
            ncand++;
    b->ncand = ncand;
    if (o->k == 0) return IG_OK;
    if (nused == 0) {
        snprintf(b->note, sizeof b->note,
                 "no peers: no context variable can be used for this place "
                 "(see the variables and why each was dropped)");
        return IG_OK;
    }
    cand *c = ig__calloc(ctx, ncand, sizeof *c);
    if (!c)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory choosing peers among %zu places",
                             ncand);
    size_t nc = 0;
    for (size_t i = 0; i < in->n_places; i++) {
        if (i == b->place || !in_pool(in, i, b->place, o->peers_any_class))
            continue;
        ig_ksum s;
        ig_ksum_init(&s);
        int ok = 1;
        for (int v = 0; v < IG_BENCH_NVARS && ok; v++) {
            const ig_bench_var *w = &b->vars[v];
            if (!w->used) continue;
            double x = var_value(&in->places[i], v);
            if (isnan(x)) ok = 0;
            double dz = (x - w->mean) / w->sd - w->place_z;
            ig_ksum_add(&s, dz * dz);
        }
        if (!ok) {
            b->nskipped++;
            continue;
        }
        c[nc].d = sqrt(ig_ksum_value(&s));
        c[nc].id = in->places[i].id;
        c[nc].row = i;
        nc++;
    }
    qsort(c, nc, sizeof *c, cmp_cand);
    size_t np = nc < o->k ? nc : o->k;
    ig_status st = IG_OK;
    if (np > 0) {
        b->peers = ig__calloc(ctx, np, sizeof *b->peers);
        if (!b->peers) {
            st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                               "out of memory for %zu peers", np);
            goto out;
        }
    }
    for (size_t j = 0; j < np; j++) {
        ig_bench_peer *p = &b->peers[j];
        p->place = c[j].row;
        p->distance = c[j].d;
        for (int v = 0; v < IG_BENCH_NVARS; v++) {
            const ig_bench_var *w = &b->vars[v];
            p->z[v] =
                w->used
                    ? (var_value(&in->places[p->place], v) - w->mean) / w->sd
                    : (double)NAN;
        }
    }
    b->npeers = np;
    if (np < o->k) {
        char scope[96];
        if (o->peers_any_class)
            snprintf(scope, sizeof scope, "other places");
        else
            snprintf(scope, sizeof scope, "other places of class '%.*s'",
                     print_len(cls, 60), cls);
        if (b->nskipped > 0)
            snprintf(b->note, sizeof b->note,
                     "%zu of %zu peers: %zu of the %zu %s were left out for "
                     "an unknown context variable",
                     np, o->k, b->nskipped, ncand, scope);
        else
            snprintf(b->note, sizeof b->note, "%zu of %zu peers: only %zu %s",
                     np, o->k, ncand, scope);
    }
out:
    ig__free(ctx, c, ncand * sizeof *c);
    return st;
}

/* ---- the run ------------------------------------------------------------ */

static ig_status nomem(ig_error *err, size_t n)
{
    return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                         "out of memory benchmarking %zu places", n);
}

void ig_bench_destroy(ig_bench *b)
{
    if (!b) return;
    ig_ctx *ctx = b->ctx;
    ig__free(ctx, b->stats, b->n_measures * IG_BENCH_NSETS * sizeof *b->stats);
    ig__free(ctx, b->peers, b->npeers * sizeof *b->peers);
    ig__free(ctx, b, sizeof *b);
}

ig_status ig_bench_run(ig_ctx *ctx, const ig_bench_input *in, size_t place,
                       const ig_bench_opts *opts, ig_bench **out, ig_error *err)
{
    if (!out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_bench_run needs an output pointer");
    ig_bench_opts o;
    ig_bench_opts_init(&o);
    if (opts) o = *opts;
    ig_status st = check_input(ctx, in, place, err);
    if (st != IG_OK) return st;

    size_t n = in->n_places, m_count = in->n_measures;
    unsigned char *member = NULL;
    double *vals = NULL;
    if (m_count > SIZE_MAX / IG_BENCH_NSETS)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "too many measures (%zu)",
                             m_count);
    ig_bench *b = ig__calloc(ctx, 1, sizeof *b);
    if (!b) return nomem(err, n);
    b->ctx = ctx;
    b->place = place;
    if (m_count > 0) {
        b->stats = ig__calloc(ctx, m_count * IG_BENCH_NSETS, sizeof *b->stats);
        if (!b->stats) {
            st = nomem(err, n);
            goto out;
        }
        b->n_measures = m_count;
    }
    st = find_peers(b, in, &o, err);
    if (st != IG_OK) goto out;

    member = ig__calloc(ctx, n, 1);
    vals = ig__calloc(ctx, n, sizeof *vals);
    if (!member || !vals) {
        st = nomem(err, n);
        goto out;
    }
    const ig_bench_place *pp = &in->places[place];
    b->size_band = ig_bench_size_band(pp->population);
    b->share_band = ig_bench_share_band(pp->foreign_share);
    for (size_t i = 0; i < n; i++) {
        const ig_bench_place *q = &in->places[i];
        if (strcmp(str_or_empty(q->cls), str_or_empty(pp->cls)) != 0) continue;
        unsigned bits = 1u << IG_BENCH_CLASS;
        if (strcmp(str_or_empty(q->country), str_or_empty(pp->country)) == 0)
            bits |= 1u << IG_BENCH_CLASS_COUNTRY;
        if (ig_bench_size_band(q->population) == b->size_band)
            bits |= 1u << IG_BENCH_SIZE_BAND;
        if (b->share_band >= 0 &&
            ig_bench_share_band(q->foreign_share) == b->share_band)
            bits |= 1u << IG_BENCH_SHARE_BAND;
        member[i] = (unsigned char)bits;
    }
    member[place] |= (unsigned char)(1u << IG_BENCH_PEERS);
    for (size_t j = 0; j < b->npeers; j++)
        member[b->peers[j].place] |= (unsigned char)(1u << IG_BENCH_PEERS);

    for (size_t m = 0; m < m_count; m++) {
        double v = in->values[place * m_count + m];
        if (!isfinite(v)) v = NAN;
        for (int s = 0; s < IG_BENCH_NSETS; s++) {
            ig_bench_stat *bs = &b->stats[m * IG_BENCH_NSETS + (size_t)s];
            size_t nv = 0, nset = 0;
            for (size_t i = 0; i < n; i++) {
                if (!(member[i] & (1u << s))) continue;
                nset++;
                double x = in->values[i * m_count + m];
                if (isfinite(x)) vals[nv++] = x;
            }
            bs->value = v;
            bs->n_set = nset;
            set_stat(bs, v, vals, nv);
        }
    }

out:
    ig__free(ctx, vals, n * sizeof *vals);
    ig__free(ctx, member, n);
    if (st != IG_OK) {
        ig_bench_destroy(b);
        return st;
    }
    *out = b;
    return IG_OK;
}

size_t ig_bench_place_row(const ig_bench *b)
{
    return b ? b->place : 0;
}

size_t ig_bench_nmeasures(const ig_bench *b)
{
    return b ? b->n_measures : 0;
}

const ig_bench_stat *ig_bench_stat_get(const ig_bench *b, size_t m, int set)
{
    if (!b || m >= b->n_measures || set < 0 || set >= IG_BENCH_NSETS)
        return NULL;
    return &b->stats[m * IG_BENCH_NSETS + (size_t)set];
}

int ig_bench_size_band_of(const ig_bench *b)
{
    return b ? b->size_band : -1;
}

int ig_bench_share_band_of(const ig_bench *b)
{
    return b ? b->share_band : -1;
}

size_t ig_bench_npeers(const ig_bench *b)
{
    return b ? b->npeers : 0;
}

const ig_bench_peer *ig_bench_peers(const ig_bench *b)
{
    return b ? b->peers : NULL;
}

const ig_bench_var *ig_bench_vars(const ig_bench *b)
{
    return b ? b->vars : NULL;
}

size_t ig_bench_ncandidates(const ig_bench *b)
{
    return b ? b->ncand : 0;
}

size_t ig_bench_nskipped(const ig_bench *b)
{
    return b ? b->nskipped : 0;
}

const char *ig_bench_note(const ig_bench *b)
{
    return b ? b->note : "";
}

/* ---- finding a place by name ------------------------------------------ */

/* Next code point of UTF-8 text *s, advancing *s. A byte that does not
 * start a valid sequence stands for itself, above the Unicode range, so it
 * only ever equals the same byte. */
static uint32_t next_cp(const unsigned char **s)
{
    const unsigned char *p = *s;
    uint32_t c = p[0];
    if (c < 0x80) {
        *s = p + 1;
        return c;
    }
    size_t len = 0;
    uint32_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    }
    if (len == 0 || p[1] < lo || p[1] > hi) goto invalid;
    for (size_t k = 2; k < len; k++)
        if (p[k] < 0x80 || p[k] > 0xBF) goto invalid;
    uint32_t cp = c & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < len; k++) cp = (cp << 6) | (p[k] & 0x3Fu);
    *s = p + len;
    return cp;
invalid:
    *s = p + 1;
    return 0x110000u + c;
}

/* Simple case folding for the scripts of European place names. */
static uint32_t fold_cp(uint32_t c)
{
    if (c >= 'A' && c <= 'Z') return c + 32;
    if (c < 0xC0) return c;
    if (c <= 0xDE) return c == 0xD7 ? c : c + 32; /* Latin-1, not the x */
    if (c >= 0x100 && c <= 0x17F) {
        if (c == 0x130) return 'i';  /* dotted capital I */
        if (c == 0x178) return 0xFF; /* Y with diaeresis */
        if ((c <= 0x12F || (c >= 0x132 && c <= 0x137) ||
             (c >= 0x14A && c <= 0x177)) &&
            c % 2 == 0)
            return c + 1;
        if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) &&
            c % 2 == 1)
            return c + 1;
        return c;
    }
    if (c >= 0x386 && c <= 0x3C2) {
        if (c == 0x386) return 0x3AC;
        if (c >= 0x388 && c <= 0x38A) return c + 37;
        if (c == 0x38C) return 0x3CC;
        if (c == 0x38E || c == 0x38F) return c + 63;
        if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;
        if (c == 0x3C2) return 0x3C3; /* final sigma */
        return c;
    }
    if (c >= 0x400 && c <= 0x40F) return c + 80;
    if (c >= 0x410 && c <= 0x42F) return c + 32;
    return c;
}

static uint32_t next_folded(const unsigned char **s)
{
    return fold_cp(next_cp(s));
}

/* 1 when a equals b ignoring case (whole) or starts with it (prefix). */
static int fold_match(const char *a, const char *b, int prefix)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;
    while (*y) {
        if (!*x) return 0;
        if (next_folded(&x) != next_folded(&y)) return 0;
    }
    return prefix || !*x;
}

static size_t fold_decode(const char *s, uint32_t *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
    while (*p && n < LEV_MAX) out[n++] = next_folded(&p);
    return n;
}

/* Levenshtein distance between folded code point strings. */
static size_t edit_distance(const uint32_t *a, size_t na, const uint32_t *b,
                            size_t nb)
{
    size_t row[LEV_MAX + 1];
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[nb];
}

typedef struct hit {
    size_t row, dist;
} hit;

static const char *id_of(const ig_bench_place *p)
{
    return p->id ? p->id : "";
}

static const char *key_of(const ig_bench_place *p)
{
    return (p->name && p->name[0]) ? p->name : id_of(p);
}

/* Keep the best N_CLOSEST hits by (distance, name, id). */
static void keep_hit(hit *h, size_t *nh, const ig_bench_place *places,
                     size_t row, size_t dist)
{
    size_t pos = *nh;
    while (pos > 0) {
        const hit *o = &h[pos - 1];
        int c = o->dist != dist
                    ? (o->dist < dist ? -1 : 1)
                    : strcmp(key_of(&places[o->row]), key_of(&places[row]));
        if (c == 0) c = strcmp(id_of(&places[o->row]), id_of(&places[row]));
        if (c <= 0) break;
        pos--;
    }
    if (pos >= N_CLOSEST) return;
    size_t end = *nh < N_CLOSEST ? *nh : N_CLOSEST - 1;
    memmove(&h[pos + 1], &h[pos], (end - pos) * sizeof *h);
    h[pos].row = row;
    h[pos].dist = dist;
    if (*nh < N_CLOSEST) (*nh)++;
}

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static void append(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    *len += (size_t)w;
    if (*len >= cap) *len = cap - 1;
}

static void append_place(char *buf, size_t cap, size_t *len,
                         const ig_bench_place *p)
{
    const char *name = str_or_empty(p->name);
    const char *parts[3] = {str_or_empty(p->country), str_or_empty(p->cls),
                            id_of(p)};
    if (name[0]) append(buf, cap, len, "%.*s ", print_len(name, 48), name);
    append(buf, cap, len, "(");
    const char *sep = "";
    for (int k = 0; k < 3; k++) {
        if (!parts[k][0]) continue;
        append(buf, cap, len, "%s%s%.*s", sep, k == 2 ? "id " : "",
               print_len(parts[k], 24), parts[k]);
        sep = ", ";
    }
    append(buf, cap, len, ")");
}

static ig_status report(ig_error *err, const ig_bench_place *places,
                        const hit *h, size_t nh, size_t total,
                        const char *query, int step)
{
    char msg[IG_ERROR_MSG_MAX];
    size_t len = 0;
    int ql = print_len(query, 60);
    if (step == 0)
        append(msg, sizeof msg, &len, "no place '%.*s'%s", ql, query,
               nh ? "; closest: " : "");
    else if (step == 3)
        append(msg, sizeof msg, &len, "%zu places have the id '%.*s': ", total,
               ql, query);
    else if (step == 1)
        append(msg, sizeof msg, &len, "%zu places are named '%.*s': ", total,
               ql, query);
    else
        append(msg, sizeof msg, &len,
               "%zu place names start with '%.*s': ", total, ql, query);
    for (size_t j = 0; j < nh; j++) {
        if (j) append(msg, sizeof msg, &len, ", ");
        append_place(msg, sizeof msg, &len, &places[h[j].row]);
    }
    if (total > nh) append(msg, sizeof msg, &len, ", ...");
    append(msg, sizeof msg, &len, "%s",
           step == 0   ? "; give an id or a full name"
           : step == 2 ? "; type more of the name, or give the id"
           : step == 3 ? "; ids must be unique"
                       : "; give the id instead");
    return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0, "%s", msg);
}

ig_status ig_bench_find(const ig_bench_place *places, size_t n_places,
                        const char *query, size_t *row, ig_error *err)
{
    if (!places || n_places == 0 || !row)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "looking up a place needs a table of places");
    if (!query || !query[0])
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "empty place name; give an id or a name");
    hit h[N_CLOSEST];
    /* Step 0: exact id. Steps 1 and 2: name, whole or prefix. */
    for (int step = 0; step < 3; step++) {
        size_t nh = 0, count = 0, found = 0;
        for (size_t i = 0; i < n_places; i++) {
            const char *id = id_of(&places[i]);
            const char *name = str_or_empty(places[i].name);
            int match = step == 0
                            ? strcmp(id, query) == 0
                            : (name[0] && fold_match(name, query, step == 2));
            if (!match) continue;
            count++;
            found = i;
            keep_hit(h, &nh, places, i, 0);
        }
        if (count == 1) {
            *row = found;
            return IG_OK;
        }
        if (count > 1)
            return report(err, places, h, nh, count, query,
                          step == 0 ? 3 : step);
    }
    uint32_t q[LEV_MAX], k[LEV_MAX];
    size_t nq = fold_decode(query, q), nh = 0;
    for (size_t i = 0; i < n_places; i++) {
        size_t nk = fold_decode(key_of(&places[i]), k);
        keep_hit(h, &nh, places, i, edit_distance(q, nq, k, nk));
    }
    return report(err, places, h, nh, 0, query, 0);
}
