/* Units grouped by their counts. Census grids are made of units with
 * small whole counts (half the 1 km cells of the EU grid have at most 25
 * residents, 85 % fewer than 256, 91 % fewer than 512), and a measure that
 * is a sum over units of a term f(x_i, t_i) can add c f(x, t) once per
 * distinct pair (x, t) held by c units instead of f once per unit: one
 * logarithm, root or sort entry per pair. c is a whole number, exact in a
 * double; c f is rounded once where adding f c times would round c times,
 * so the compensated sums lose nothing (results move by an ulp or so).
 *
 * ig__bycounts splits the units of a group: the pairs 0 <= x <= t < tmax
 * of whole numbers, counted in a triangle (slot t (t + 1) / 2 + x) and
 * then listed (t, then x ascending); and the rest (bigger or fractional
 * counts), copied in unit order, summed one by one. tmax is a power of
 * two up to 512 with tmax^2 <= n, so the triangle (tmax^2 / 2 slots)
 * costs less than a pass over the units. It is built once per place and
 * group by the runner (measures/run.c) or by the measure itself; the same
 * units give the same split and the same bits either way. */
#ifndef IG_COUNT_TRI_H
#define IG_COUNT_TRI_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "measures/measure_impl.h"

#define IG_TRI_TMAX 512

typedef struct ig__tri {
    uint32_t *c; /* ig__tri_slots(tmax) counts, or NULL (off: no unit in) */
    size_t tmax; /* t < tmax */
} ig__tri;

static inline size_t ig__tri_slots(size_t tmax)
{
    return tmax * (tmax + 1) / 2;
}

/* A zeroed triangle sized for n units; m->c stays NULL (off, not an
 * error) when n is too small to be worth it. IG_ERR_NOMEM on failure. */
static inline ig_status ig__tri_init(ig_ctx *ctx, ig__tri *m, size_t n)
{
    size_t tm = 8;
    while (tm < IG_TRI_TMAX && (2 * tm) * (2 * tm) <= n) tm *= 2;
    m->c = NULL;
    m->tmax = 0;
    if (tm * tm > n) return IG_OK; /* fewer than 64 units */
    m->c = ig__calloc(ctx, ig__tri_slots(tm), sizeof *m->c);
    if (!m->c) return IG_ERR_NOMEM;
    m->tmax = tm;
    return IG_OK;
}

static inline void ig__tri_free(ig_ctx *ctx, ig__tri *m)
{
    if (m->c) ig__free(ctx, m->c, ig__tri_slots(m->tmax) * sizeof *m->c);
    m->c = NULL;
}

/* The counts of a unit outside the pairs. */
typedef struct ig__xt {
    double x, t;
} ig__xt;

/* An occupied slot: c units with counts (x, t). */
typedef struct ig__pair {
    uint16_t x, t;
    uint32_t c;
} ig__pair;

/* The units of one group (counts x, populations t) split into the pairs
 * and the rest, built once and read by several measures. */
typedef struct ig__bycounts {
    size_t n_pairs;  /* occupied slots of the triangle, */
    ig__pair *pairs; /* in the order t = 0, 1, ... and x = 0..t */
    size_t n_rest;   /* the other units, */
    ig__xt *rest;    /* their counts in unit order (a copy: the measures
                        read them in sequence, not scattered over the
                        grid's arrays); NULL: every unit, no pairs */
    size_t cap;      /* rest holds cap entries */
    ig__tri tri;     /* the counts, while building */
} ig__bycounts;

/* Pair *k as doubles, then *k + 1; 0 after the last. */
static inline int ig__pairs_next(const ig__bycounts *b, size_t *k, double *x,
                                 double *t, double *c)
{
    if (*k >= b->n_pairs) return 0;
    const ig__pair *p = &b->pairs[(*k)++];
    *x = (double)p->x;
    *t = (double)p->t;
    *c = (double)p->c;
    return 1;
}

/* An empty split for n units: triangle and room for n rest units
 * (n_rest = 0), or off (tri.c NULL, rest NULL, n_rest = n) when n is too
 * small or too big. Fill with ig__bycounts_fill, then
 * ig__bycounts_finish. IG_ERR_NOMEM on failure (nothing to free then). */
ig_status ig__bycounts_alloc(ig_ctx *ctx, size_t n, ig__bycounts *b);
/* Add units 0..n-1 (counts x[g], populations t) to the splits out[0..ng)
 * made by ig__bycounts_alloc for the same n; may be called block by block
 * (the rest keeps the order of the calls). */
void ig__bycounts_fill(ig__bycounts *out, size_t ng, const double *const *x,
                       const double *t, size_t n);
/* The occupied slots into b->pairs; the triangle is freed. IG_ERR_NOMEM
 * on failure (free b then). */
ig_status ig__bycounts_finish(ig_ctx *ctx, ig__bycounts *b);

/* First half of placing a unit: whether t is a whole number below tmax,
 * and then the first slot of its row. */
static inline int ig__split_t(double t, double tmax, size_t *base)
{
    uint32_t tu = (uint32_t)(t < tmax ? t : 0.0);
    *base = (size_t)tu * (tu + 1) / 2;
    return t < tmax && (double)tu == t;
}

/* Second half: the unit's slot in counts c, or NULL when it goes to the
 * rest. x <= t is assumed (measures may assume it, see measure_impl.h). */
static inline uint32_t *ig__split_slot(uint32_t *c, double x, int whole,
                                       size_t base, double tmax)
{
    uint32_t xu = (uint32_t)(x < tmax ? x : 0.0);
    return whole && (double)xu == x ? &c[base + xu] : NULL;
}

/* Split units 0..n-1 of one group, or of ng groups at once (out[g] for
 * counts x[g], the same t). IG_ERR_NOMEM on failure (nothing to free
 * then). */
ig_status ig__bycounts_build(ig_ctx *ctx, const double *x, const double *t,
                             size_t n, ig__bycounts *out);
ig_status ig__bycounts_build_all(ig_ctx *ctx, const double *const *x, size_t ng,
                                 const double *t, size_t n, ig__bycounts *out);
void ig__bycounts_free(ig_ctx *ctx, ig__bycounts *b);

/* Unit *j of the rest (counts *xo, *to) of split b of counts x,
 * populations t, then *j + 1; 0 after the last. */
static inline int ig__rest_next(const ig__bycounts *b, const double *x,
                                const double *t, size_t *j, double *xo,
                                double *to)
{
    if (*j >= b->n_rest) return 0;
    size_t k = (*j)++;
    if (b->rest) {
        *xo = b->rest[k].x;
        *to = b->rest[k].t;
    } else {
        *xo = x[k];
        *to = t[k];
    }
    return 1;
}

/* The units of group g of a measure's input split by counts: the
 * runner's (in->bycounts) or built into *own. Release with
 * ig__bycounts_release. IG_ERR_NOMEM (no message) on failure. */
static inline ig_status ig__bycounts_get(const ig__min *in, size_t g,
                                         ig__bycounts *own,
                                         const ig__bycounts **out)
{
    if (in->bycounts) {
        *out = &in->bycounts[g];
        return IG_OK;
    }
    *out = own;
    return ig__bycounts_build(in->ctx, in->counts[g], in->t, in->n, own);
}

static inline void ig__bycounts_release(const ig__min *in, ig__bycounts *own,
                                        const ig__bycounts *b)
{
    if (b == own) ig__bycounts_free(in->ctx, own);
}

/* A term of a sum over units: f(arg, x_i, t_i). */
typedef double (*ig__unit_term)(const void *arg, double x, double t);

/* k += sum over split units bc (counts x, populations t) of
 * term(arg, x_i, t_i): the units outside the triangle in unit order, then
 * c times the term of each pair (x, t). Zero terms are skipped (adding
 * 0 to a compensated sum changes nothing). Static inline with a constant
 * term, so each measure gets its own loop. */
static inline void ig__sum_bycounts(const ig__bycounts *bc, const double *x,
                                    const double *t, ig__unit_term term,
                                    const void *arg, ig_ksum *k)
{
    size_t j = 0;
    double rx, rt;
    while (ig__rest_next(bc, x, t, &j, &rx, &rt)) {
        double v = term(arg, rx, rt);
        if (v != 0.0) ig_ksum_add(k, v);
    }
    size_t it = 0;
    double xx, tt, c;
    while (ig__pairs_next(bc, &it, &xx, &tt, &c)) {
        double v = term(arg, xx, tt);
        if (v != 0.0) ig_ksum_add(k, c * v);
    }
}

/* The same over the units of group g of a measure's input (the runner's
 * split, or one built here). IG_ERR_NOMEM (no message) on failure. */
static inline ig_status ig__sum_units(const ig__min *in, size_t g,
                                      ig__unit_term term, const void *arg,
                                      ig_ksum *k)
{
    ig__bycounts own;
    const ig__bycounts *bc;
    if (ig__bycounts_get(in, g, &own, &bc) != IG_OK) return IG_ERR_NOMEM;
    ig__sum_bycounts(bc, in->counts[g], in->t, term, arg, k);
    ig__bycounts_release(in, &own, bc);
    return IG_OK;
}

#endif /* IG_COUNT_TRI_H */
