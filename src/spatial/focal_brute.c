/* Focal sums by brute force: the reference the fast paths are tested
 * against. The points are summed per lattice cell into an open-addressing
 * hash (linear probing on (row, column)); each target then visits every
 * non-zero weight of the table in row-major order, the order the direct
 * convolution uses, so the two agree to the bit on the same cell sums.
 * O(n + n_targets (2R + 1)^2): for tests and small inputs only. */
#include <string.h>

#include "core/ksum.h"
#include "spatial/focal.h"

typedef struct cell_hash {
    size_t cap;    /* power of two */
    uint64_t *key; /* (row, col) */
    unsigned char *used;
    double *val; /* A values per slot, slot-major */
    size_t A;
} cell_hash;

static uint64_t cell_key(int64_t row, int64_t col)
{
    return ((uint64_t)(uint32_t)row << 32) | (uint32_t)col;
}

static size_t slot_of(const cell_hash *h, uint64_t key)
{
    uint64_t x = key * 0x9e3779b97f4a7c15ull;
    size_t s = (size_t)(x >> 20) & (h->cap - 1);
    while (h->used[s] && h->key[s] != key) s = (s + 1) & (h->cap - 1);
    return s;
}

static const double *lookup(const cell_hash *h, int64_t row, int64_t col)
{
    if (row < INT32_MIN || row > INT32_MAX || col < INT32_MIN ||
        col > INT32_MAX)
        return NULL;
    size_t s = slot_of(h, cell_key(row, col));
    return h->used[s] ? h->val + s * h->A : NULL;
}

static void hash_free(ig_ctx *ctx, cell_hash *h)
{
    ig__free(ctx, h->key, h->cap * sizeof *h->key);
    ig__free(ctx, h->used, h->cap);
    ig__free(ctx, h->val, h->cap * h->A * sizeof *h->val);
}

/* Sum the points of src per cell: groups, then the population. */
static ig_status hash_build(ig_ctx *ctx, const ig_lattice *src, cell_hash *h)
{
    size_t G = src->n_groups;
    h->A = G + 1;
    h->cap = 16;
    while (h->cap < 2 * src->n) h->cap *= 2;
    h->key = ig__calloc(ctx, h->cap, sizeof *h->key);
    h->used = ig__calloc(ctx, h->cap, 1);
    h->val = ig__calloc(ctx, h->cap * h->A, sizeof *h->val);
    if (!h->key || !h->used || !h->val) {
        hash_free(ctx, h);
        return IG_ERR_NOMEM;
    }
    for (size_t i = 0; i < src->n; i++) {
        uint64_t key = cell_key(src->row[i], src->col[i]);
        size_t s = slot_of(h, key);
        h->key[s] = key;
        h->used[s] = 1;
        double *v = h->val + s * h->A;
        ig_ksum t;
        ig_ksum_init(&t);
        for (size_t g = 0; g < G; g++) {
            v[g] += src->counts[g][i];
            ig_ksum_add(&t, src->counts[g][i]);
        }
        v[G] += src->total ? src->total[i] : ig_ksum_value(&t);
    }
    return IG_OK;
}

ig_status ig__focal_brute(ig_ctx *ctx, const ig_lattice *src, size_t n_targets,
                          const int32_t *trow, const int32_t *tcol,
                          const ig__ktable *kt, double *out, ig_error *err)
{
    if (!src || !kt || !kt->w || (n_targets && (!trow || !tcol || !out)))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "focal sums need a lattice, a kernel table, "
                             "targets and an output array");
    size_t A = src->n_groups + 1;
    cell_hash h;
    memset(&h, 0, sizeof h);
    if (hash_build(ctx, src, &h) != IG_OK)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory for the cell hash of %zu points",
                             src->n);
    int64_t R = kt->R;
    size_t side = 2 * (size_t)R + 1;
    for (size_t j = 0; j < n_targets; j++) {
        for (size_t a = 0; a < A; a++) {
            double s = 0.0;
            for (int64_t dy = -R; dy <= R; dy++)
                for (int64_t dx = -R; dx <= R; dx++) {
                    double w =
                        kt->w[(size_t)(dy + R) * side + (size_t)(dx + R)];
                    if (w == 0.0) continue;
                    const double *v = lookup(&h, trow[j] + dy, tcol[j] + dx);
                    if (v) s += w * v[a];
                }
            out[a * n_targets + j] = s;
        }
    }
    hash_free(ctx, &h);
    return IG_OK;
}
