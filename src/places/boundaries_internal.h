/* Internals of the boundary readers and the cell assignment.
 *
 * An ig_boundaries is built in place by the readers (geojson.c, gdal_read.c)
 * through the ig__bnd_* calls: positions go into one coordinate array, rings
 * are ranges of it, polygons ranges of rings, features ranges of polygons.
 * Ring repairs (dropping repeated positions, closing) happen as each ring
 * ends; reprojection, orientation, areas and the self-intersection check
 * happen once in ig__bnd_finish(). polygon.c holds the geometric kernels
 * (exact orientation, crossing search, clipping, scanline crossings). */
#ifndef IG_BOUNDARIES_INTERNAL_H
#define IG_BOUNDARIES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "integrid/ig_boundaries.h"

/* Coordinates beyond this (metres in the target CRS) are refused: they are
 * no place on Earth, and the exact predicates stay far from overflow. */
#define IG__BND_MAX_COORD 1e12

/* How many warnings of one kind are logged one by one before a summary. */
#define IG__BND_WARN_MAX 10

struct ig_boundaries {
    ig_ctx *ctx;
    int32_t epsg;    /* target CRS */
    char *source;    /* name for messages */
    char *src_crs;   /* display form of the source CRS */
    char *src_def;   /* what PROJ is given; NULL = the target itself */
    int src_default; /* 1: no CRS in the input, RFC 7946 lon/lat assumed */

    double *xy;                 /* 2 * npts */
    size_t npts, cap_xy;        /* cap in doubles */
    size_t *ring_off;           /* nrings + 1 point offsets */
    long *ring_line, *ring_col; /* where each ring starts (0 = unknown) */
    size_t nrings, cap_ring_off, cap_ring_line, cap_ring_col;
    size_t *poly_off; /* npolys + 1 ring offsets; ring 0 is the exterior */
    size_t npolys, cap_poly_off;
    size_t *feat_off;        /* nfeat + 1 polygon offsets */
    size_t *feat_index;      /* 1-based position in the input */
    size_t *id_at, *name_at; /* offsets into pool */
    size_t nfeat, cap_feat_off, cap_feat_index, cap_id_at, cap_name_at;
    char *pool;
    size_t npool, cap_pool;

    /* made by ig__bnd_finish() */
    const char **ids, **names;
    double *area_m2;
    ig_bbox *bbox;
    int finished;

    /* building state */
    size_t ring_start;
    long cur_line, cur_col; /* where the open ring starts */
    size_t n_unclosed;
    int src_from_opts; /* the source CRS came from the options */
};

/* A position in the arrays, to drop a geometry that turned out not to
 * belong to a feature. */
typedef struct ig__bnd_mark {
    size_t npts, nrings, npolys;
} ig__bnd_mark;

ig_status ig__bnd_create(ig_ctx *ctx, const char *source,
                         const ig_boundaries_opts *opts, ig_boundaries **out,
                         ig_error *err);
ig__bnd_mark ig__bnd_mark_get(const ig_boundaries *b);
void ig__bnd_truncate(ig_boundaries *b, ig__bnd_mark m);
void ig__bnd_ring_begin(ig_boundaries *b, long line, long col);
/* Append a position; a repeat of the previous one is dropped. */
ig_status ig__bnd_point(ig_boundaries *b, double x, double y);
/* End the ring: close it (warning) or drop its closing position; fewer
 * than 4 positions is an error. feature/polygon/ring are 1-based numbers
 * for messages. */
ig_status ig__bnd_ring_end(ig_boundaries *b, size_t feature, size_t polygon,
                           size_t ring, ig_error *err);
/* End a polygon (a no-op when it has no rings). */
ig_status ig__bnd_poly_end(ig_boundaries *b, size_t ring_first);
/* End a feature: its polygons are those added since the previous one. */
ig_status ig__bnd_feature_end(ig_boundaries *b, size_t index, const char *id,
                              size_t id_len, const char *name, size_t name_len);
/* Set the source CRS: def for PROJ (NULL = the target), display text,
 * and whether it is the RFC 7946 default. */
ig_status ig__bnd_set_source_crs(ig_boundaries *b, const char *def,
                                 const char *display, int is_default);
/* The same from a CRS name (EPSG code, URN, CRS84 or anything PROJ
 * reads); NULL: the RFC 7946 default, lon/lat. */
ig_status ig__bnd_source_crs_text(ig_boundaries *b, const char *text);
/* Reproject, orient, measure and check; then the object is read-only. */
ig_status ig__bnd_finish(ig_boundaries *b, ig_error *err);

/* Recognise a CRS name: returns the EPSG code, IG__CRS84 for OGC CRS84
 * (lon/lat), or 0 when unknown. */
#define IG__CRS84 (-84)
int32_t ig__crs_code(const char *s, size_t n);

/* The GeoJSON reader. */
ig_status ig__geojson_read(ig_boundaries *b, const char *buf, size_t len,
                           const ig_boundaries_opts *opts, ig_error *err);
/* The GDAL/OGR reader; IG_ERR_DISABLED without GDAL. */
ig_status ig__gdal_read(ig_boundaries *b, const char *path,
                        const ig_boundaries_opts *opts, ig_error *err);

/* ---- geometric kernels (polygon.c) -------------------------------------- */

/* Sign of the orientation of (a, b, c): +1 counter-clockwise, -1
 * clockwise, 0 collinear; exact for all finite inputs below 1e100. */
int ig__orient2d(double ax, double ay, double bx, double by, double cx,
                 double cy);
/* Twice the signed area of an open ring of n points (compensated). */
double ig__ring_area2(const double *xy, size_t n);
void ig__ring_reverse(double *xy, size_t n);

/* Search the rings [r0, r1) of one polygon for a proper crossing: two
 * edges whose interiors cross (edges of one ring, or of two rings). On a
 * find, *found = 1 and the point and the two rings are returned.
 * O((n + k) log n) for n edges and k candidate pairs from a sweep. */
ig_status ig__poly_find_crossing(ig_ctx *ctx, const double *xy,
                                 const size_t *ring_off, size_t r0, size_t r1,
                                 int *found, double *px, double *py,
                                 size_t *ring_a, size_t *ring_b);

/* Area of the intersection of an open ring with the rectangle
 * [x0, x1] x [y0, y1], signed as the ring (Sutherland-Hodgman clipping
 * against the four sides, then the shoelace formula). tmp holds at least
 * IG__CLIP_TMP(n) doubles. Exact up to rounding for simple rings; the
 * reference the fast assignment is tested against. */
#define IG__CLIP_TMP(n) (4 * (16 * (size_t)(n) + 64))
double ig__ring_clip_area(const double *xy, size_t n, double x0, double y0,
                          double x1, double y1, double *tmp);

/* Smallest k in [lo, hi + 1] with (k + off) * s >= v (lo when every k
 * qualifies, hi + 1 when none does). */
int64_t ig__lattice_at_or_above(double v, double s, double off, int64_t lo,
                                int64_t hi);

/* Crossings of a polygon's edges with the lattice lines y = (r + off) * s,
 * r = rlo..rhi, under the half-open rule: an edge crosses line y when
 * min(y_a, y_b) <= y < max(y_a, y_b). */
typedef struct ig__scan_edge {
    double lox, loy, hix, hiy; /* endpoints ordered by y */
    int64_t rf, rl;            /* first and last row it crosses */
} ig__scan_edge;
typedef struct ig__scan_x {
    double x;
    size_t e;
} ig__scan_x;
typedef struct ig__scan {
    ig_ctx *ctx; /* set before the first ig__scan_begin() */
    ig__scan_edge *e;
    size_t ne, cap_e;
    ig__scan_x *act;
    size_t nact, cap_act;
    double *xs; /* the sorted crossings of the last row */
    size_t cap_xs, next;
    double s, off;
} ig__scan;
/* Set up the edge table of rings [r0, r1); buffers are kept between
 * calls. */
ig_status ig__scan_begin(ig__scan *sc, const double *xy, const size_t *ring_off,
                         size_t r0, size_t r1, double s, double off,
                         int64_t rlo, int64_t rhi);
/* Crossings of row r (ascending r from call to call) into sc->xs, sorted;
 * returns their number (even: pairs bound the inside). */
size_t ig__scan_row(ig__scan *sc, int64_t r);
void ig__scan_free(ig__scan *sc);

/* Pieces of polygon edges cut at the lattice lines, for the exact area of
 * polygon n cell: piece (xa, ya) -> (xb, yb) in cell (r, c) contributes
 * -((ya + yb) / 2 - r s) (xb - xa), its part of -integral (y - y0) dx. */
typedef struct ig__piece {
    int32_t row, col;
    double v;
} ig__piece;
typedef struct ig__pieces {
    ig_ctx *ctx;
    ig__piece *p;
    size_t n, cap;
} ig__pieces;
/* Cells [r0, r1] x [c0, c1] of size s that pieces may fall in. */
typedef struct ig__walk_win {
    double s;
    int64_t r0, r1, c0, c1;
} ig__walk_win;
/* Cut edge a -> b at every lattice line and append its pieces inside the
 * window (cells are half-open: (x0, x1] x (y0, y1]). */
ig_status ig__walk_edge(ig__pieces *pc, double ax, double ay, double bx,
                        double by, const ig__walk_win *w);

#endif /* IG_BOUNDARIES_INTERNAL_H */
