/* k nearest residents (EquiPop; Östh, Malmberg & Andersson 2014) on the
 * sparse row index of knn_index.c. For each target the squared radius L*
 * at which the disc population first reaches k is found by galloping over
 * integer L from the previous target's L* (neighbours differ little); a
 * probe sums the O(sqrt L) row runs of the disc from per-row prefix sums.
 * The cells of the last bracket (an annulus about one cell wide) are then
 * listed one by one, so the tie ring at L* gets its exact share. Cost per
 * target is O(r) for a neighbourhood of radius r = sqrt(k / density):
 * sub-linear in k, with memory O(cells) and no dense raster. Targets are
 * sorted by cell and cut into fixed blocks of KNN_BLOCK, each searched with
 * its own hints, so results are the same for every thread count. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ksum.h"
#include "spatial/knn.h"

/* Targets per task: enough for the hints to pay off, small enough to
 * balance two to a few dozen threads on a 100 m country. */
#define KNN_BLOCK 1024

/* Exact floor(sqrt(v)) for 0 <= v <= 2^62. */
static int64_t isqrt64(int64_t v)
{
    if (v <= 0) return 0;
    int64_t r = (int64_t)sqrt((double)v);
    while (r > 0 && r * r > v) r--;
    while ((r + 1) * (r + 1) <= v) r++;
    return r;
}

/* floor(sqrt(v)) from a guess g >= 0 that is close (the half-width of the
 * previous row of a disc): a few steps instead of a square root. */
static inline int64_t isqrt_from(int64_t v, int64_t g)
{
    if (g < 0) return isqrt64(v);
    while (g > 0 && g * g > v) g--;
    while ((g + 1) * (g + 1) <= v) g++;
    return g;
}

/* acc += ph - pl and acc += v over na values, unrolled for the usual two
 * or three groups (the loop with an unknown na costs twice as much). */
static inline void add_diff(double *restrict acc, const double *ph,
                            const double *pl, size_t na)
{
    if (na == 4) {
        acc[0] += ph[0] - pl[0];
        acc[1] += ph[1] - pl[1];
        acc[2] += ph[2] - pl[2];
        acc[3] += ph[3] - pl[3];
    } else if (na == 3) {
        acc[0] += ph[0] - pl[0];
        acc[1] += ph[1] - pl[1];
        acc[2] += ph[2] - pl[2];
    } else {
        for (size_t a = 0; a < na; a++) acc[a] += ph[a] - pl[a];
    }
}

static inline void add_vec(double *restrict acc, const double *v, size_t na)
{
    if (na == 4) {
        acc[0] += v[0];
        acc[1] += v[1];
        acc[2] += v[2];
        acc[3] += v[3];
    } else if (na == 3) {
        acc[0] += v[0];
        acc[1] += v[1];
        acc[2] += v[2];
    } else {
        for (size_t a = 0; a < na; a++) acc[a] += v[a];
    }
}

/* ---- checks -------------------------------------------------------------- */

static int coord_ok(int32_t v)
{
    return v >= -IG_KNN_COORD_MAX && v <= IG_KNN_COORD_MAX;
}

static ig_status knn_check(const ig_lattice *src, size_t nt,
                           const int32_t *trow, const int32_t *tcol,
                           const double *ks, size_t nk, const double *out,
                           ig_error *err)
{
    for (size_t q = 0; q < nk; q++)
        if (!isfinite(ks[q]) || ks[q] < 1.0)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "k = %g is not a number of residents: the "
                                 "k nearest residents need a finite k >= 1 "
                                 "(e.g. k = 200)",
                                 ks[q]);
    if (!src)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "no lattice given for the k nearest residents");
    if (src->cell_m <= 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "cell size %d m: the lattice needs a cell size "
                             "> 0 m",
                             (int)src->cell_m);
    if (src->n >= UINT32_MAX || nt >= UINT32_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu points and %zu targets: the k nearest "
                             "residents take fewer than 2^32 of each",
                             src->n, nt);
    if (src->n > 0 && (!src->row || !src->col))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the lattice has %zu points but no rows or "
                             "columns",
                             src->n);
    if (src->n > 0 && src->n_groups > 0 && !src->counts)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the lattice has %zu groups but no counts",
                             src->n_groups);
    for (size_t g = 0; src->n > 0 && g < src->n_groups; g++)
        if (!src->counts[g])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "the lattice has no counts for group %zu",
                                 g + 1);
    for (size_t i = 0; i < src->n; i++) {
        if (!coord_ok(src->row[i]) || !coord_ok(src->col[i]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "point %zu at row %ld, column %ld: lattice "
                                 "positions must lie within +-%ld cells",
                                 i + 1, (long)src->row[i], (long)src->col[i],
                                 (long)IG_KNN_COORD_MAX);
        for (size_t g = 0; g < src->n_groups; g++) {
            double v = src->counts[g][i];
            if (!isfinite(v) || v < 0.0)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "point %zu (row %ld, column %ld): group "
                                     "%zu has count %g; counts must be "
                                     "finite and >= 0",
                                     i + 1, (long)src->row[i],
                                     (long)src->col[i], g + 1, v);
        }
        if (src->total && (!isfinite(src->total[i]) || src->total[i] < 0.0))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "point %zu (row %ld, column %ld): population "
                                 "%g; populations must be finite and >= 0",
                                 i + 1, (long)src->row[i], (long)src->col[i],
                                 src->total[i]);
    }
    if (nt > 0 && (!trow || !tcol || !out))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu targets but no target rows, columns or "
                             "output",
                             nt);
    for (size_t j = 0; j < nt; j++)
        if (!coord_ok(trow[j]) || !coord_ok(tcol[j]))
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "target %zu at row %ld, column %ld: lattice "
                                 "positions must lie within +-%ld cells",
                                 j + 1, (long)trow[j], (long)tcol[j],
                                 (long)IG_KNN_COORD_MAX);
    return IG_OK;
}

/* ---- the search ------------------------------------------------------------ */

/* First row index rho with rowv[rho] >= r. */
static uint32_t first_row(const ig__knn_index *x, int64_t r)
{
    uint32_t lo = 0, hi = x->nr;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x->rowv[mid] < r)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* First cell of row rho with column >= c (the row's end when none). */
static inline uint32_t row_lower(const ig__knn_index *x, uint32_t rho,
                                 int64_t c)
{
    uint32_t s = x->rstart[rho], e = x->rstart[rho + 1];
    int64_t c0 = x->col[s];
    if (c <= c0) return s;
    if (c > x->col[e - 1]) return e;
    const uint32_t *ch = x->chunk + x->coff[rho];
    size_t b = (size_t)((uint64_t)(c - c0) >> x->csh[rho]);
    uint32_t i = ch[b], j = ch[b + 1];
    /* cells of later chunks lie right of c */
    while (j - i > 8) {
        uint32_t mid = i + (j - i) / 2;
        if (x->col[mid] < c)
            i = mid + 1;
        else
            j = mid;
    }
    while (i < j && x->col[i] < c) i++;
    return i;
}

/* acc[0..na) = the values of the disc of squared radius L around (r0, c0),
 * *cnt its cells. Plain sums in row order: each term is a difference of
 * two prefix sums, so the sum never loses monotonicity in L. */
static void disc_sum(const ig__knn_index *x, int64_t r0, int64_t c0,
                     int64_t L, double *acc, uint64_t *cnt)
{
    size_t na = x->na;
    for (size_t a = 0; a < na; a++) acc[a] = 0.0;
    *cnt = 0;
    if (L < 0) return;
    int64_t R = isqrt64(L), w = -1;
    for (uint32_t rho = first_row(x, r0 - R); rho < x->nr; rho++) {
        int64_t dy = x->rowv[rho] - r0;
        if (dy > R) break;
        w = isqrt_from(L - dy * dy, w);
        uint32_t lo = row_lower(x, rho, c0 - w);
        uint32_t hi = row_lower(x, rho, c0 + w + 1);
        if (hi == lo) continue;
        const double *ph = x->pre + ((size_t)hi + rho) * na;
        const double *pl = x->pre + ((size_t)lo + rho) * na;
        add_diff(acc, ph, pl, na);
        *cnt += hi - lo;
    }
}

typedef struct knn_item {
    int64_t L;  /* squared distance */
    uint32_t i; /* cell */
} knn_item;

static int item_cmp(const void *pa, const void *pb)
{
    const knn_item *a = pa, *b = pb;
    if (a->L != b->L) return a->L < b->L ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* Scratch of one task. */
typedef struct knn_work {
    ig_ctx *ctx;
    double *acc; /* na: a probe */
    double *lo;  /* na: the disc at the bracket's lower end */
    ig_ksum *ks; /* na */
    knn_item *items;
    size_t icap;
    double *hist;
    size_t hcap;
} knn_work;

/* The cells of row rho in columns [from, to], squared distance dy2 + dx^2
 * from the target: added to the ring table (w->hist, na values per L in
 * (lo, lo + hcap]) or, when items is set, listed in w->items. */
static ig_status annulus_run(knn_work *w, const ig__knn_index *x,
                             uint32_t rho, int64_t dy2, int64_t c0,
                             int64_t from, int64_t to, int64_t lo, int items,
                             size_t *m)
{
    /* the runs of an annulus are short: scan to the end, no second lookup */
    uint32_t a = row_lower(x, rho, from), e = x->rstart[rho + 1], b = a;
    while (b < e && x->col[b] <= to) b++;
    if (a == b) return IG_OK;
    size_t na = x->na;
    if (!items) {
        for (uint32_t i = a; i < b; i++) {
            int64_t dx = x->col[i] - c0;
            add_vec(w->hist + (size_t)(dy2 + dx * dx - lo - 1) * na,
                    x->val + (size_t)i * na, na);
        }
        *m += b - a;
        return IG_OK;
    }
    if (*m + (b - a) > w->icap) {
        void *p = w->items;
        if (ig__grow(w->ctx, &p, &w->icap, *m + (b - a), sizeof *w->items) !=
            IG_OK)
            return IG_ERR_NOMEM;
        w->items = p;
    }
    for (uint32_t i = a; i < b; i++) {
        int64_t dx = x->col[i] - c0;
        w->items[*m].L = dy2 + dx * dx;
        w->items[*m].i = i;
        (*m)++;
    }
    return IG_OK;
}

/* Everyone: every cell (all within the farthest one), f = 1. */
static void everyone(const ig__knn_index *x, int64_t r0, int64_t c0,
                     double *res, int64_t *Ls)
{
    for (size_t a = 0; a < x->na; a++) res[a] = x->sum[a];
    *Ls = ig__knn_farthest(x, r0, c0);
}

/* The annulus (lo, hi]: w->lo is the disc at lo, whose population is
 * below k, and the annulus holds at most est cells. Walk its rings in
 * order of L and give the ring where the running population reaches k its
 * fraction (*found = 1). When the population stays below k, res is the
 * disc at hi and *found = 0 with *m its cells beyond lo, unless must is
 * set (hi is known to reach k, or is the bounding box): then that is only
 * rounding and the whole annulus is taken. Rings are gathered in a table
 * indexed by L when the annulus is narrow (the usual case: one cell of
 * radius or less), else the cells are sorted. */
static ig_status resolve(knn_work *w, const ig__knn_index *x, int64_t r0,
                         int64_t c0, int64_t lo, int64_t hi, uint64_t est,
                         double k, int must, double *res, int64_t *Ls,
                         int *found_out, size_t *m_out)
{
    size_t na = x->na, m = 0;
    uint64_t dL = (uint64_t)(hi - lo);
    int items = dL > 2 * est + 64;
    if (!items) {
        if (dL * na > w->hcap) {
            void *p = w->hist;
            if (ig__grow(w->ctx, &p, &w->hcap, (size_t)dL * na,
                         sizeof *w->hist) != IG_OK)
                return IG_ERR_NOMEM;
            w->hist = p;
        }
        memset(w->hist, 0, (size_t)dL * na * sizeof *w->hist);
    }
    int64_t R = isqrt64(hi), whi = -1, wlo = -1;
    for (uint32_t rho = first_row(x, r0 - R); rho < x->nr; rho++) {
        int64_t dy = x->rowv[rho] - r0;
        if (dy > R) break;
        int64_t dy2 = dy * dy;
        whi = isqrt_from(hi - dy2, whi);
        wlo = lo - dy2 >= 0 ? isqrt_from(lo - dy2, wlo) : -1;
        ig_status st = IG_OK;
        if (wlo >= whi) continue;
        if (wlo < 0) {
            st = annulus_run(w, x, rho, dy2, c0, c0 - whi, c0 + whi, lo,
                             items, &m);
        } else {
            st = annulus_run(w, x, rho, dy2, c0, c0 - whi, c0 - wlo - 1, lo,
                             items, &m);
            if (st == IG_OK)
                st = annulus_run(w, x, rho, dy2, c0, c0 + wlo + 1, c0 + whi,
                                 lo, items, &m);
        }
        if (st != IG_OK) return st;
    }
    *m_out = m;
    *found_out = 0;
    if (m == 0) {
        if (!must) {
            memcpy(res, w->lo, na * sizeof *res);
            return IG_OK;
        }
        everyone(x, r0, c0, res, Ls); /* only after rounding, k about T */
        *found_out = 1;
        return IG_OK;
    }

    double run = w->lo[0], f = 1.0;
    int found = 0;
    int64_t Lstar = lo;
    for (size_t a = 0; a < na; a++) {
        ig_ksum_init(&w->ks[a]);
        ig_ksum_add(&w->ks[a], w->lo[a]);
    }
    if (!items) {
        const double *ring = NULL;
        for (uint64_t b = 0; b < dL; b++) {
            const double *h = w->hist + (size_t)b * na;
            if (!(h[0] > 0.0)) continue;
            Lstar = lo + 1 + (int64_t)b;
            if (run + h[0] >= k) {
                found = 1;
                f = (k - run) / h[0];
                ring = h;
                break;
            }
            run += h[0];
            for (size_t a = 0; a < na; a++) ig_ksum_add(&w->ks[a], h[a]);
        }
        if (found) {
            if (f > 1.0) f = 1.0;
            for (size_t a = 0; a < na; a++)
                ig_ksum_add(&w->ks[a], f * ring[a]);
        }
    } else { /* few cells over a wide range of L */
        qsort(w->items, m, sizeof *w->items, item_cmp);
        size_t t = 0, e = 0;
        while (t < m) {
            double h = 0.0;
            for (e = t; e < m && w->items[e].L == w->items[t].L; e++)
                h += x->val[(size_t)w->items[e].i * na];
            Lstar = w->items[t].L;
            if (run + h >= k) {
                found = 1;
                f = (k - run) / h;
                break;
            }
            run += h;
            for (; t < e; t++) {
                const double *v = x->val + (size_t)w->items[t].i * na;
                for (size_t a = 0; a < na; a++) ig_ksum_add(&w->ks[a], v[a]);
            }
        }
        if (found) {
            if (f > 1.0) f = 1.0;
            for (; t < e; t++) {
                const double *v = x->val + (size_t)w->items[t].i * na;
                for (size_t a = 0; a < na; a++)
                    ig_ksum_add(&w->ks[a], f * v[a]);
            }
        }
    }
    /* not found: the whole annulus (with must: rounding, k about T) */
    for (size_t a = 0; a < na; a++) res[a] = ig_ksum_value(&w->ks[a]);
    if (found) res[0] = k;
    *Ls = Lstar;
    *found_out = found || must;
    return IG_OK;
}

/* The k nearest residents of (r0, c0): res[0..na) (population first),
 * *Ls = L*. hint: a guess of L*, e.g. the previous target's.
 *
 * Near the hint, one probe at hint - a and one thin annulus up to hint + a
 * (a about half a cell of radius) usually settle it. Otherwise gallop over
 * L in steps of about one cell of radius, doubling, until P crosses k;
 * halve the bracket while its annulus would list many cells; list it. */
static ig_status knn_one(knn_work *w, const ig__knn_index *x, int64_t r0,
                         int64_t c0, double k, int64_t hint, double *res,
                         int64_t *Ls)
{
    size_t na = x->na, m = 0;
    int found = 0;
    ig_status st;
    if (!(k <= x->sum[0])) {
        everyone(x, r0, c0, res, Ls);
        return IG_OK;
    }
    /* every cell lies within the bounding box's farthest corner */
    int64_t dr = r0 - x->rmin > x->rmax - r0 ? r0 - x->rmin : x->rmax - r0;
    int64_t dc = c0 - x->cmin > x->cmax - c0 ? c0 - x->cmin : x->cmax - c0;
    int64_t Lbox = dr * dr + dc * dc;
    int64_t lo = -1, hi = Lbox;
    uint64_t nlo = 0, nhi = x->n, cnt = 0;
    int known = 0; /* 1: lo below k, gallop up; 2: hi reaches k, go down */
    for (size_t a = 0; a < na; a++) w->lo[a] = 0.0;

    int64_t L = hint < 0 ? 0 : hint;
    if (L > 0 && L < Lbox) {
        int64_t a = isqrt64(L) / 2 + 2, g = L - a;
        if (g >= 0) {
            disc_sum(x, r0, c0, g, w->acc, &cnt);
        } else {
            for (size_t q = 0; q < na; q++) w->acc[q] = 0.0;
            cnt = 0;
        }
        if (w->acc[0] >= k) {
            hi = g;
            nhi = cnt;
            known = 2;
        } else {
            lo = g < 0 ? -1 : g;
            nlo = cnt;
            memcpy(w->lo, w->acc, na * sizeof *w->lo);
            int64_t top = L + a < Lbox ? L + a : Lbox;
            st = resolve(w, x, r0, c0, lo, top, (uint64_t)(top - lo), k,
                         top == Lbox, res, Ls, &found, &m);
            if (st != IG_OK || found) return st;
            lo = top; /* res is the disc at top */
            nlo += m;
            memcpy(w->lo, res, na * sizeof *w->lo);
            known = 1;
        }
    } else if (L < Lbox) {
        disc_sum(x, r0, c0, L, w->acc, &cnt);
        if (w->acc[0] >= k) {
            hi = L;
            nhi = cnt;
            known = 2;
        } else {
            lo = L;
            nlo = cnt;
            memcpy(w->lo, w->acc, na * sizeof *w->lo);
            known = 1;
        }
    }
    if (known == 2) { /* down, one cell of radius first */
        int64_t step = 2 * isqrt64(hi) + 1;
        while (hi - step >= 0) {
            int64_t cand = hi - step;
            disc_sum(x, r0, c0, cand, w->acc, &cnt);
            if (w->acc[0] >= k) {
                hi = cand;
                nhi = cnt;
                step *= 2;
            } else {
                lo = cand;
                nlo = cnt;
                memcpy(w->lo, w->acc, na * sizeof *w->lo);
                break;
            }
        }
    } else if (known == 1) { /* up */
        int64_t step = 2 * isqrt64(lo < 0 ? 0 : lo) + 1;
        while (lo + step < Lbox) {
            int64_t cand = lo + step;
            disc_sum(x, r0, c0, cand, w->acc, &cnt);
            if (w->acc[0] >= k) {
                hi = cand;
                nhi = cnt;
                break;
            }
            lo = cand;
            nlo = cnt;
            memcpy(w->lo, w->acc, na * sizeof *w->lo);
            step *= 2;
        }
    }
    /* halve while the annulus would list too many cells */
    while (hi - lo > 1 && nhi - nlo > 16 * (uint64_t)isqrt64(hi) + 64) {
        int64_t mid = lo + (hi - lo) / 2;
        disc_sum(x, r0, c0, mid, w->acc, &cnt);
        if (w->acc[0] >= k) {
            hi = mid;
            nhi = cnt;
        } else {
            lo = mid;
            nlo = cnt;
            memcpy(w->lo, w->acc, na * sizeof *w->lo);
        }
    }
    return resolve(w, x, r0, c0, lo, hi, nhi - nlo, k, 1, res, Ls, &found,
                   &m);
}

typedef struct knn_job {
    ig_ctx *ctx;
    const ig__knn_index *x;
    size_t nt;
    const int32_t *trow, *tcol;
    const uint32_t *perm; /* targets in cell order, NULL: as given */
    const double *ks;
    size_t nk;
    double *out, *reach;
    double cell_m;
} knn_job;

/* Targets number t and u of the sorted order are the same cell. */
static int same_target(const knn_job *J, size_t t, size_t u)
{
    size_t a = J->perm ? J->perm[t] : t, b = J->perm ? J->perm[u] : u;
    return J->trow[a] == J->trow[b] && J->tcol[a] == J->tcol[b];
}

static void work_free(knn_work *w, size_t na)
{
    ig__free(w->ctx, w->acc, 3 * na * sizeof *w->acc);
    ig__free(w->ctx, w->ks, na * sizeof *w->ks);
    ig__free(w->ctx, w->items, w->icap * sizeof *w->items);
    ig__free(w->ctx, w->hist, w->hcap * sizeof *w->hist);
}

static ig_status knn_block(void *ud, size_t b)
{
    const knn_job *J = ud;
    const ig__knn_index *x = J->x;
    size_t na = x->na, ng = na - 1, nt = J->nt;
    /* blocks never split the copies of one target cell, so which copy
     * lands where in the sorted order cannot matter */
    size_t t0 = b * KNN_BLOCK, t1 = t0 + KNN_BLOCK < nt ? t0 + KNN_BLOCK : nt;
    while (t0 > 0 && t0 < nt && same_target(J, t0, t0 - 1)) t0++;
    while (t1 < nt && same_target(J, t1, t1 - 1)) t1++;
    double *res = NULL;
    knn_work w;
    memset(&w, 0, sizeof w);
    w.ctx = J->ctx;
    ig_status st = IG_OK;
    w.acc = ig__calloc(J->ctx, 3 * na, sizeof *w.acc);
    w.ks = ig__calloc(J->ctx, na, sizeof *w.ks);
    int64_t *hint = ig__calloc(J->ctx, J->nk, sizeof *hint);
    if (!w.acc || !w.ks || !hint) {
        st = IG_ERR_NOMEM;
        goto done;
    }
    w.lo = w.acc + na;
    res = w.acc + 2 * na;
    for (size_t t = t0; t < t1; t++) {
        size_t j = J->perm ? J->perm[t] : t;
        if (t > t0 && same_target(J, t, t - 1)) { /* a copy: same result */
            size_t jp = J->perm ? J->perm[t - 1] : t - 1;
            for (size_t q = 0; q < J->nk; q++) {
                double *o = J->out + q * na * nt;
                for (size_t a = 0; a < na; a++) o[a * nt + j] = o[a * nt + jp];
                if (J->reach) J->reach[q * nt + j] = J->reach[q * nt + jp];
            }
            continue;
        }
        for (size_t q = 0; q < J->nk; q++) {
            int64_t Ls = 0;
            st = knn_one(&w, x, J->trow[j], J->tcol[j], J->ks[q], hint[q],
                         res, &Ls);
            if (st != IG_OK) goto done;
            hint[q] = Ls;
            double *o = J->out + q * na * nt;
            for (size_t g = 0; g < ng; g++) o[g * nt + j] = res[1 + g];
            o[ng * nt + j] = res[0];
            if (J->reach) J->reach[q * nt + j] = sqrt((double)Ls) * J->cell_m;
        }
    }
done:
    ig__free(J->ctx, hint, J->nk * sizeof *hint);
    work_free(&w, na);
    return st;
}

ig_status ig__knn_multi(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol,
                        const double *ks, size_t n_k, double *out,
                        double *reach_m, ig_error *err)
{
    if (n_k > 0 && !ks)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "%zu values of k announced but none given", n_k);
    ig_status st = knn_check(src, n_targets, trow, tcol, ks, n_k, out, err);
    if (st != IG_OK || n_targets == 0 || n_k == 0) return st;

    ig__knn_index x;
    st = ig__knn_index_build(ctx, src, &x, err);
    if (st != IG_OK) return st;

    /* targets in cell order (grids usually come sorted: then as given) */
    uint32_t *perm = NULL;
    uint64_t *key = NULL;
    int sorted = 1;
    for (size_t j = 1; j < n_targets && sorted; j++)
        if (ig__knn_key(trow[j], tcol[j]) < ig__knn_key(trow[j - 1], tcol[j - 1]))
            sorted = 0;
    if (!sorted) {
        key = ig__calloc(ctx, n_targets, sizeof *key);
        perm = ig__calloc(ctx, n_targets, sizeof *perm);
        if (!key || !perm) {
            st = IG_ERR_NOMEM;
        } else {
            for (size_t j = 0; j < n_targets; j++) {
                key[j] = ig__knn_key(trow[j], tcol[j]);
                perm[j] = (uint32_t)j;
            }
            st = ig__knn_radix_sort(ctx, n_targets, key, perm);
        }
        ig__free(ctx, key, n_targets * sizeof *key);
    }
    if (st == IG_OK) {
        knn_job J;
        J.ctx = ctx;
        J.x = &x;
        J.nt = n_targets;
        J.trow = trow;
        J.tcol = tcol;
        J.perm = perm;
        J.ks = ks;
        J.nk = n_k;
        J.out = out;
        J.reach = reach_m;
        J.cell_m = (double)src->cell_m;
        st = ig__parallel_for(ctx, (n_targets + KNN_BLOCK - 1) / KNN_BLOCK,
                              knn_block, &J);
    }
    ig__free(ctx, perm, n_targets * sizeof *perm);
    ig__knn_index_free(ctx, &x);
    if (st == IG_ERR_NOMEM)
        return ig__error_set(err, st, 0, 0,
                             "out of memory searching the k nearest "
                             "residents of %zu targets",
                             n_targets);
    if (st != IG_OK)
        return ig__error_set(err, st, 0, 0,
                             "the k nearest residents search stopped: %s",
                             ig_strerror(st));
    return IG_OK;
}

ig_status ig__knn(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                  const int32_t *trow, const int32_t *tcol, double k,
                  double *out, double *reach_m, ig_error *err)
{
    return ig__knn_multi(ctx, src, n_targets, trow, tcol, &k, 1, out,
                         reach_m, err);
}

/* ---- brute force ------------------------------------------------------------ */

ig_status ig__knn_brute(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                        const int32_t *trow, const int32_t *tcol, double k,
                        double *out, double *reach_m, ig_error *err)
{
    ig_status st = knn_check(src, n_targets, trow, tcol, &k, 1, out, err);
    if (st != IG_OK || n_targets == 0) return st;
    size_t na = src->n_groups + 1, ng = src->n_groups, nt = n_targets, m = 0;
    for (size_t i = 0; i < src->n; i++)
        if (ig__knn_point_pop(src, i) > 0.0) m++;
    knn_item *it = ig__calloc(ctx, m ? m : 1, sizeof *it);
    ig_ksum *ks = ig__calloc(ctx, na, sizeof *ks);
    if (!it || !ks) {
        ig__free(ctx, it, (m ? m : 1) * sizeof *it);
        ig__free(ctx, ks, na * sizeof *ks);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory sorting %zu points", src->n);
    }
    for (size_t j = 0; j < nt; j++) {
        size_t t = 0;
        for (size_t i = 0; i < src->n; i++) {
            if (!(ig__knn_point_pop(src, i) > 0.0)) continue;
            int64_t dy = (int64_t)src->row[i] - trow[j];
            int64_t dx = (int64_t)src->col[i] - tcol[j];
            it[t].L = dy * dy + dx * dx;
            it[t].i = (uint32_t)i;
            t++;
        }
        qsort(it, m, sizeof *it, item_cmp);
        ig_ksum run;
        ig_ksum_init(&run);
        int found = 0;
        int64_t Lstar = 0;
        double f = 1.0;
        for (size_t s = 0; s < m;) {
            size_t e = s;
            ig_ksum ring;
            ig_ksum_init(&ring);
            while (e < m && it[e].L == it[s].L)
                ig_ksum_add(&ring, ig__knn_point_pop(src, it[e++].i));
            double before = ig_ksum_value(&run), h = ig_ksum_value(&ring);
            Lstar = it[s].L;
            if (before + h >= k) {
                found = 1;
                f = (k - before) / h;
                break;
            }
            ig_ksum_merge(&run, &ring);
            s = e;
        }
        for (size_t a = 0; a < na; a++) ig_ksum_init(&ks[a]);
        for (size_t s = 0; s < m && it[s].L <= Lstar; s++) {
            double w = it[s].L < Lstar ? 1.0 : f;
            size_t i = it[s].i;
            ig_ksum_add(&ks[0], w * ig__knn_point_pop(src, i));
            for (size_t g = 0; g < ng; g++)
                ig_ksum_add(&ks[1 + g], w * src->counts[g][i]);
        }
        for (size_t g = 0; g < ng; g++)
            out[g * nt + j] = ig_ksum_value(&ks[1 + g]);
        out[ng * nt + j] = found ? k : ig_ksum_value(&ks[0]);
        if (reach_m) reach_m[j] = sqrt((double)Lstar) * (double)src->cell_m;
    }
    ig__free(ctx, it, (m ? m : 1) * sizeof *it);
    ig__free(ctx, ks, na * sizeof *ks);
    return IG_OK;
}
