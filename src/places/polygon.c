/* Geometric kernels for boundary polygons: an exact orientation predicate
 * (Shewchuk's filter, then an exact expansion of fma() products); a sweep
 * for crossing edges along the axis where edges are short against the
 * extent (O((n + k) log n)); Sutherland-Hodgman clipping as the reference
 * for areas; crossings of edges with lattice lines y = (r + off) s from an
 * edge table and an x-ordered active list (x from the endpoints ordered by
 * y, so a shared edge gives the same x in both polygons); and edges cut at
 * every lattice line into per-cell pieces for the exact area rule. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ksum.h"
#include "places/boundaries_internal.h"

/* ---- exact orientation ----------------------------------------------------
 */

static void two_sum(double a, double b, double *s, double *e)
{
    double x = a + b;
    double bv = x - a;
    double av = x - bv;
    *e = (a - av) + (b - bv);
    *s = x;
}

/* Sign of the exact sum of t[0..n): grow a non-overlapping expansion
 * (Shewchuk 1997, GROW-EXPANSION with zero elimination); its last
 * component is the largest and carries the sign. */
static int expansion_sign(const double *t, int n)
{
    double e[32];
    int m = 0;
    for (int i = 0; i < n; i++) {
        double q = t[i];
        int k = 0;
        for (int j = 0; j < m; j++) {
            double s, h;
            two_sum(q, e[j], &s, &h);
            if (h != 0.0) e[k++] = h;
            q = s;
        }
        if (q != 0.0) e[k++] = q;
        m = k;
    }
    if (m == 0) return 0;
    return e[m - 1] > 0.0 ? 1 : -1;
}

static int sign_of(double d)
{
    return (d > 0.0) - (d < 0.0);
}

int ig__orient2d(double ax, double ay, double bx, double by, double cx,
                 double cy)
{
    double detl = (ax - cx) * (by - cy);
    double detr = (ay - cy) * (bx - cx);
    double det = detl - detr;
    double detsum;
    if (detl > 0.0) {
        if (detr <= 0.0) return sign_of(det);
        detsum = detl + detr;
    } else if (detl < 0.0) {
        if (detr >= 0.0) return sign_of(det);
        detsum = -detl - detr;
    } else {
        return sign_of(det);
    }
    /* (3 + 16 eps) eps, eps = 2^-53 */
    const double errbound = 3.3306690738754716e-16 * detsum;
    if (det >= errbound || -det >= errbound) return sign_of(det);

    /* ax*by - ay*bx + bx*cy - by*cx + cx*ay - cy*ax, each product split
     * exactly into its rounded value and its error */
    double f[6][2] = {{ax, by},  {-ay, bx}, {bx, cy},
                      {-by, cx}, {cx, ay},  {-cy, ax}};
    double t[12];
    for (int i = 0; i < 6; i++) {
        double p = f[i][0] * f[i][1];
        t[2 * i] = fma(f[i][0], f[i][1], -p);
        t[2 * i + 1] = p;
    }
    return expansion_sign(t, 12);
}

/* ---- rings ------------------------------------------------------------------
 */

double ig__ring_area2(const double *xy, size_t n)
{
    if (n < 3) return 0.0;
    const double x0 = xy[0], y0 = xy[1];
    ig_ksum k;
    ig_ksum_init(&k);
    for (size_t i = 0; i < n; i++) {
        size_t j = i + 1 == n ? 0 : i + 1;
        double xi = xy[2 * i] - x0, yi = xy[2 * i + 1] - y0;
        double xj = xy[2 * j] - x0, yj = xy[2 * j + 1] - y0;
        ig_ksum_add(&k, xi * yj);
        ig_ksum_add(&k, -(xj * yi));
    }
    return ig_ksum_value(&k);
}

void ig__ring_reverse(double *xy, size_t n)
{
    for (size_t i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        double tx = xy[2 * i], ty = xy[2 * i + 1];
        xy[2 * i] = xy[2 * j];
        xy[2 * i + 1] = xy[2 * j + 1];
        xy[2 * j] = tx;
        xy[2 * j + 1] = ty;
    }
}

/* ---- crossing search
 * ---------------------------------------------------------- */

typedef struct seg {
    double lo, hi;   /* extent along the sweep axis */
    double olo, ohi; /* extent along the other axis */
    size_t a, b;     /* point indices */
    size_t ring;     /* ring index */
    size_t j, n;     /* edge j of a ring of n edges */
    size_t order;    /* tie-break: position in the input */
} seg;

static int cmp_seg(const void *pa, const void *pb)
{
    const seg *x = pa, *y = pb;
    if (x->lo != y->lo) return x->lo < y->lo ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static int adjacent(const seg *s, const seg *t)
{
    if (s->ring != t->ring) return 0;
    size_t i = s->j, k = t->j, n = s->n;
    if (i + 1 == k || k + 1 == i) return 1;
    return (i == 0 && k + 1 == n) || (k == 0 && i + 1 == n);
}

static int proper_crossing(const double *xy, const seg *s, const seg *t)
{
    double p1x = xy[2 * s->a], p1y = xy[2 * s->a + 1];
    double p2x = xy[2 * s->b], p2y = xy[2 * s->b + 1];
    double q1x = xy[2 * t->a], q1y = xy[2 * t->a + 1];
    double q2x = xy[2 * t->b], q2y = xy[2 * t->b + 1];
    int o1 = ig__orient2d(p1x, p1y, p2x, p2y, q1x, q1y);
    int o2 = ig__orient2d(p1x, p1y, p2x, p2y, q2x, q2y);
    if (o1 * o2 >= 0) return 0;
    int o3 = ig__orient2d(q1x, q1y, q2x, q2y, p1x, p1y);
    int o4 = ig__orient2d(q1x, q1y, q2x, q2y, p2x, p2y);
    return o3 * o4 < 0;
}

static void crossing_point(const double *xy, const seg *s, const seg *t,
                           double *px, double *py)
{
    double p1x = xy[2 * s->a], p1y = xy[2 * s->a + 1];
    double rx = xy[2 * s->b] - p1x, ry = xy[2 * s->b + 1] - p1y;
    double q1x = xy[2 * t->a], q1y = xy[2 * t->a + 1];
    double sx = xy[2 * t->b] - q1x, sy = xy[2 * t->b + 1] - q1y;
    double den = rx * sy - ry * sx;
    double u = den != 0.0 ? ((q1x - p1x) * sy - (q1y - p1y) * sx) / den : 0.5;
    *px = p1x + u * rx;
    *py = p1y + u * ry;
}

ig_status ig__poly_find_crossing(ig_ctx *ctx, const double *xy,
                                 const size_t *ring_off, size_t r0, size_t r1,
                                 int *found, double *px, double *py,
                                 size_t *ring_a, size_t *ring_b)
{
    *found = 0;
    size_t ns = 0;
    for (size_t r = r0; r < r1; r++) ns += ring_off[r + 1] - ring_off[r];
    if (ns < 4) return IG_OK;
    /* which axis: the one along which edges are short against the extent */
    double minx = HUGE_VAL, maxx = -HUGE_VAL, miny = HUGE_VAL, maxy = -HUGE_VAL;
    double sdx = 0.0, sdy = 0.0;
    for (size_t r = r0; r < r1; r++) {
        size_t o = ring_off[r], n = ring_off[r + 1] - o;
        for (size_t j = 0; j < n; j++) {
            size_t a = o + j, b = o + (j + 1 == n ? 0 : j + 1);
            double x = xy[2 * a], y = xy[2 * a + 1];
            minx = fmin(minx, x);
            maxx = fmax(maxx, x);
            miny = fmin(miny, y);
            maxy = fmax(maxy, y);
            sdx += fabs(xy[2 * b] - x);
            sdy += fabs(xy[2 * b + 1] - y);
        }
    }
    double w = maxx - minx, h = maxy - miny;
    if (!(w > 0.0) || !(h > 0.0)) return IG_OK; /* all on one line */
    int along_x = sdx / w <= sdy / h;

    seg *s = ig__calloc(ctx, ns, sizeof *s);
    size_t *act = ig__calloc(ctx, ns, sizeof *act);
    if (!s || !act) {
        ig__free(ctx, s, ns * sizeof *s);
        ig__free(ctx, act, ns * sizeof *act);
        return IG_ERR_NOMEM;
    }
    size_t k = 0;
    for (size_t r = r0; r < r1; r++) {
        size_t o = ring_off[r], n = ring_off[r + 1] - o;
        for (size_t j = 0; j < n; j++, k++) {
            size_t a = o + j, b = o + (j + 1 == n ? 0 : j + 1);
            double ax = xy[2 * a], ay = xy[2 * a + 1];
            double bx = xy[2 * b], by = xy[2 * b + 1];
            double u0 = along_x ? ax : ay, u1 = along_x ? bx : by;
            double v0 = along_x ? ay : ax, v1 = along_x ? by : bx;
            s[k].lo = fmin(u0, u1);
            s[k].hi = fmax(u0, u1);
            s[k].olo = fmin(v0, v1);
            s[k].ohi = fmax(v0, v1);
            s[k].a = a;
            s[k].b = b;
            s[k].ring = r;
            s[k].j = j;
            s[k].n = n;
            s[k].order = k;
        }
    }
    qsort(s, ns, sizeof *s, cmp_seg);
    size_t na = 0;
    for (size_t i = 0; i < ns && !*found; i++) {
        size_t keep = 0;
        for (size_t q = 0; q < na; q++)
            if (s[act[q]].hi >= s[i].lo) act[keep++] = act[q];
        na = keep;
        for (size_t q = 0; q < na; q++) {
            const seg *t = &s[act[q]];
            if (t->ohi < s[i].olo || s[i].ohi < t->olo) continue;
            if (adjacent(&s[i], t)) continue;
            if (proper_crossing(xy, t, &s[i])) {
                /* report the earlier edge of the input first */
                const seg *e1 = t->order < s[i].order ? t : &s[i];
                const seg *e2 = e1 == t ? &s[i] : t;
                crossing_point(xy, e1, e2, px, py);
                *ring_a = e1->ring;
                *ring_b = e2->ring;
                *found = 1;
                break;
            }
        }
        act[na++] = i;
    }
    ig__free(ctx, s, ns * sizeof *s);
    ig__free(ctx, act, ns * sizeof *act);
    return IG_OK;
}

/* ---- Sutherland-Hodgman clipping (reference)
 * ---------------------------------- */

/* Clip in[0..n) against the half-plane selected by (axis, bound, keep_ge):
 * points with coordinate >= bound (keep_ge) or <= bound are inside. */
static size_t clip_half(const double *in, size_t n, double *out, int axis,
                        double bound, int keep_ge)
{
    size_t m = 0;
    if (n == 0) return 0;
    for (size_t i = 0; i < n; i++) {
        const double *p = in + 2 * (i == 0 ? n - 1 : i - 1);
        const double *q = in + 2 * i;
        double pv = p[axis], qv = q[axis];
        int pin = keep_ge ? pv >= bound : pv <= bound;
        int qin = keep_ge ? qv >= bound : qv <= bound;
        if (pin != qin) {
            double t = (bound - pv) / (qv - pv);
            double x = p[0] + t * (q[0] - p[0]);
            double y = p[1] + t * (q[1] - p[1]);
            if (axis == 0)
                x = bound;
            else
                y = bound;
            out[2 * m] = x;
            out[2 * m + 1] = y;
            m++;
        }
        if (qin) {
            out[2 * m] = q[0];
            out[2 * m + 1] = q[1];
            m++;
        }
    }
    return m;
}

double ig__ring_clip_area(const double *xy, size_t n, double x0, double y0,
                          double x1, double y1, double *tmp)
{
    size_t cap = 2 * (16 * n + 64); /* each clip at most doubles */
    double *a = tmp, *b = tmp + cap;
    size_t m = clip_half(xy, n, a, 0, x0, 1);
    m = clip_half(a, m, b, 0, x1, 0);
    m = clip_half(b, m, a, 1, y0, 1);
    m = clip_half(a, m, b, 1, y1, 0);
    return 0.5 * ig__ring_area2(b, m);
}

/* ---- lattice lines
 * -------------------------------------------------------------- */

int64_t ig__lattice_at_or_above(double v, double s, double off, int64_t lo,
                                int64_t hi)
{
    double g = ceil(v / s - off);
    int64_t r;
    if (!(g >= (double)(lo - 1)))
        r = lo - 1;
    else if (g > (double)(hi + 1))
        r = hi + 1;
    else
        r = (int64_t)g;
    while (r <= hi && ((double)r + off) * s < v) r++;
    while (r > lo && ((double)(r - 1) + off) * s >= v) r--;
    if (r < lo) r = lo;
    return r;
}

static int cmp_edge_rf(const void *pa, const void *pb)
{
    const ig__scan_edge *x = pa, *y = pb;
    return (x->rf > y->rf) - (x->rf < y->rf);
}

ig_status ig__scan_begin(ig__scan *sc, const double *xy, const size_t *ring_off,
                         size_t r0, size_t r1, double s, double off,
                         int64_t rlo, int64_t rhi)
{
    sc->ne = 0;
    sc->nact = 0;
    sc->next = 0;
    sc->s = s;
    sc->off = off;
    if (rlo > rhi) return IG_OK;
    for (size_t r = r0; r < r1; r++) {
        size_t o = ring_off[r], n = ring_off[r + 1] - o;
        for (size_t j = 0; j < n; j++) {
            size_t a = o + j, b = o + (j + 1 == n ? 0 : j + 1);
            double ax = xy[2 * a], ay = xy[2 * a + 1];
            double bx = xy[2 * b], by = xy[2 * b + 1];
            if (ay == by) continue; /* horizontal: never crosses */
            ig__scan_edge e;
            if (ay < by) {
                e.lox = ax, e.loy = ay, e.hix = bx, e.hiy = by;
            } else {
                e.lox = bx, e.loy = by, e.hix = ax, e.hiy = ay;
            }
            /* rows with loy <= y_r < hiy */
            e.rf = ig__lattice_at_or_above(e.loy, s, off, rlo, rhi);
            e.rl = ig__lattice_at_or_above(e.hiy, s, off, rlo, rhi) - 1;
            if (e.rf > e.rl) continue;
            if (ig__grow(sc->ctx, (void **)&sc->e, &sc->cap_e, sc->ne + 1,
                         sizeof *sc->e) != IG_OK)
                return IG_ERR_NOMEM;
            sc->e[sc->ne++] = e;
        }
    }
    if (sc->ne > 1) qsort(sc->e, sc->ne, sizeof *sc->e, cmp_edge_rf);
    if (ig__grow(sc->ctx, (void **)&sc->act, &sc->cap_act, sc->ne + 1,
                 sizeof *sc->act) != IG_OK ||
        ig__grow(sc->ctx, (void **)&sc->xs, &sc->cap_xs, sc->ne + 1,
                 sizeof *sc->xs) != IG_OK)
        return IG_ERR_NOMEM;
    return IG_OK;
}

size_t ig__scan_row(ig__scan *sc, int64_t r)
{
    /* rows must come in ascending order */
    size_t keep = 0;
    for (size_t i = 0; i < sc->nact; i++)
        if (sc->e[sc->act[i].e].rl >= r) sc->act[keep++] = sc->act[i];
    sc->nact = keep;
    while (sc->next < sc->ne && sc->e[sc->next].rf <= r) {
        if (sc->e[sc->next].rl >= r) {
            sc->act[sc->nact].e = sc->next;
            sc->act[sc->nact].x = 0.0;
            sc->nact++;
        }
        sc->next++;
    }
    const double y = ((double)r + sc->off) * sc->s;
    for (size_t i = 0; i < sc->nact; i++) {
        const ig__scan_edge *e = &sc->e[sc->act[i].e];
        sc->act[i].x =
            e->lox + (y - e->loy) * (e->hix - e->lox) / (e->hiy - e->loy);
    }
    /* insertion sort: the order changes little from row to row */
    for (size_t i = 1; i < sc->nact; i++) {
        ig__scan_x v = sc->act[i];
        size_t j = i;
        while (j > 0 && sc->act[j - 1].x > v.x) {
            sc->act[j] = sc->act[j - 1];
            j--;
        }
        sc->act[j] = v;
    }
    for (size_t i = 0; i < sc->nact; i++) sc->xs[i] = sc->act[i].x;
    return sc->nact & ~(size_t)1;
}

void ig__scan_free(ig__scan *sc)
{
    ig__free(sc->ctx, sc->e, sc->cap_e * sizeof *sc->e);
    ig__free(sc->ctx, sc->act, sc->cap_act * sizeof *sc->act);
    ig__free(sc->ctx, sc->xs, sc->cap_xs * sizeof *sc->xs);
    sc->e = NULL;
    sc->act = NULL;
    sc->xs = NULL;
    sc->cap_e = sc->cap_act = sc->cap_xs = 0;
}

/* ---- edge pieces
 * ----------------------------------------------------------------- */

static ig_status push_piece(ig__pieces *pc, int64_t r, int64_t c, double v)
{
    if (ig__grow(pc->ctx, (void **)&pc->p, &pc->cap, pc->n + 1,
                 sizeof *pc->p) != IG_OK)
        return IG_ERR_NOMEM;
    pc->p[pc->n].row = (int32_t)r;
    pc->p[pc->n].col = (int32_t)c;
    pc->p[pc->n].v = v;
    pc->n++;
    return IG_OK;
}

/* Cell of a piece from its midpoint; cells are half-open (x0, x1] x
 * (y0, y1], so a piece lying on a lattice line goes to the cell west or
 * south of it. */
static ig_status emit_piece(ig__pieces *pc, double xa, double ya, double xb,
                            double yb, const ig__walk_win *w)
{
    if (xa == xb) return IG_OK; /* no contribution to -integral y dx */
    double s = w->s;
    double xm = 0.5 * (xa + xb), ym = 0.5 * (ya + yb);
    int64_t c = ig__lattice_at_or_above(xm, s, 0.0, w->c0, w->c1 + 1) - 1;
    int64_t r = ig__lattice_at_or_above(ym, s, 0.0, w->r0, w->r1 + 1) - 1;
    if (c < w->c0 || c > w->c1 || r < w->r0 || r > w->r1) return IG_OK;
    double y0 = (double)r * s;
    double v = -((0.5 * ((ya - y0) + (yb - y0))) * (xb - xa));
    return push_piece(pc, r, c, v);
}

/* Lattice lines k s strictly between u0 and u1, in order from u0: the
 * first k, the exclusive end and the step. */
static void lines_between(double u0, double u1, double s, int64_t *first,
                          int64_t *end, int64_t *step)
{
    const int64_t lo = INT32_MIN, hi = INT32_MAX;
    if (u1 > u0) {
        int64_t k = ig__lattice_at_or_above(u0, s, 0.0, lo, hi);
        if ((double)k * s == u0) k++;
        *first = k;
        *end = ig__lattice_at_or_above(u1, s, 0.0, lo, hi);
        *step = 1;
    } else if (u1 < u0) {
        *first = ig__lattice_at_or_above(u0, s, 0.0, lo, hi) - 1;
        int64_t m = ig__lattice_at_or_above(u1, s, 0.0, lo, hi);
        if ((double)m * s == u1) m++;
        *end = m - 1;
        *step = -1;
    } else {
        *first = *end = 0;
        *step = 1;
    }
}

ig_status ig__walk_edge(ig__pieces *pc, double ax, double ay, double bx,
                        double by, const ig__walk_win *w)
{
    /* Liang-Barsky against the window of cells (plus a margin), so huge
     * edges cost only the cells they pass over */
    const double s = w->s;
    const double wx0 = ((double)w->c0 - 1.0) * s,
                 wx1 = ((double)w->c1 + 2.0) * s;
    const double wy0 = ((double)w->r0 - 1.0) * s,
                 wy1 = ((double)w->r1 + 2.0) * s;
    double dx = bx - ax, dy = by - ay;
    double t0 = 0.0, t1 = 1.0;
    const double p[4] = {-dx, dx, -dy, dy};
    const double q[4] = {ax - wx0, wx1 - ax, ay - wy0, wy1 - ay};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0) {
            if (q[i] < 0.0) return IG_OK;
        } else {
            double t = q[i] / p[i];
            if (p[i] < 0.0) {
                if (t > t1) return IG_OK;
                if (t > t0) t0 = t;
            } else {
                if (t < t0) return IG_OK;
                if (t < t1) t1 = t;
            }
        }
    }
    double sx = t0 > 0.0 ? ax + t0 * dx : ax, sy = t0 > 0.0 ? ay + t0 * dy : ay;
    double ex = t1 < 1.0 ? ax + t1 * dx : bx, ey = t1 < 1.0 ? ay + t1 * dy : by;

    /* lattice lines strictly between the clipped ends, in order along the
     * edge: x = k s and y = m s */
    int64_t kx, kx_end, ky, ky_end, stepx, stepy;
    lines_between(sx, ex, s, &kx, &kx_end, &stepx);
    lines_between(sy, ey, s, &ky, &ky_end, &stepy);
    double px = sx, py = sy;
    for (;;) {
        int hx = stepx > 0 ? kx < kx_end : kx > kx_end;
        int hy = stepy > 0 ? ky < ky_end : ky > ky_end;
        if (!hx && !hy) break;
        double tx = HUGE_VAL, ty = HUGE_VAL;
        if (hx) tx = ((double)kx * s - ax) / dx;
        if (hy) ty = ((double)ky * s - ay) / dy;
        double qx, qy;
        if (tx <= ty) {
            qx = (double)kx * s;
            qy = ay + (qx - ax) * dy / dx;
            if (tx == ty) {
                qy = (double)ky * s;
                ky += stepy;
            }
            kx += stepx;
        } else {
            qy = (double)ky * s;
            qx = ax + (qy - ay) * dx / dy;
            ky += stepy;
        }
        ig_status st = emit_piece(pc, px, py, qx, qy, w);
        if (st != IG_OK) return st;
        px = qx;
        py = qy;
    }
    return emit_piece(pc, px, py, ex, ey, w);
}
