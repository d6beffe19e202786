/* Bias-corrected dissimilarity (Allen, Burgess, Davidson & Windmeijer
 * 2015), as pysal BiasCorrectedDissim: D_bc = 2 D - mean over `reps` of the
 * D of bootstrap data sets x* ~ Multinomial(round(X), x_i/X) and
 * y* ~ Multinomial(round(Y), y_i/Y), clamped at 0 (pysal does not clamp;
 * the clamp keeps the documented range [0, 1]). Replicate r uses stream
 * (seed, r). The multinomials are sequential conditional binomials
 * (core/rng.c), one binomial per category, so categories are saved where
 * it is exact to do so: a unit without group members (x_i = 0) always
 * gets x_i* = 0 and adds y_i* / Y* to the sum, which is linear, so all such
 * units form one category of the y-multinomial (and the units with
 * y_i = 0 one category of the x-multinomial). On the 1 km grid that is
 * half of the cells for a minority group. */
#include <math.h>
#include <stdint.h>

#include "core/rng.h"
#include "measures/single/single_util.h"

ig_status ig__m_bias_corrected_dissimilarity(const ig__min *in, double *value)
{
    const char *name = "bias_corrected_dissimilarity";
    ig__single su;
    ig_status st = ig__single_setup(in, name, 0, &su);
    if (st != IG_OK) return st;
    double D = 0.0;
    st = ig__m_dissimilarity(in, &D);
    if (st != IG_OK) return st;
    double nx = round(su.X), ny = round(su.Y);
    if (nx < 1.0 || ny < 1.0 || nx > 1e15 || ny > 1e15)
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: undefined: %g group members and %g others "
                             "(rounded) cannot be resampled",
                             name, nx, ny);

    ig_ctx *ctx = in->ctx;
    size_t m = 0; /* units with members of both */
    for (size_t i = 0; i < in->n; i++)
        if (in->x[i] > 0.0 && in->t[i] - in->x[i] > 0.0) m++;
    size_t cap = m + 2; /* + "only the group", + "only the rest" */
    double *px = ig__calloc(ctx, cap, sizeof *px);
    double *py = ig__calloc(ctx, cap, sizeof *py);
    uint64_t *ox = ig__calloc(ctx, cap, sizeof *ox);
    uint64_t *oy = ig__calloc(ctx, cap, sizeof *oy);
    if (!px || !py || !ox || !oy) {
        st = ig__error_set(in->err, IG_ERR_NOMEM, 0, 0, "%s: out of memory",
                           name);
        goto done;
    }
    size_t j = 0;
    ig_ksum only_x, only_y;
    ig_ksum_init(&only_x);
    ig_ksum_init(&only_y);
    for (size_t i = 0; i < in->n; i++) {
        double x = in->x[i], y = in->t[i] - in->x[i];
        if (x > 0.0 && y > 0.0) {
            px[j] = x;
            py[j] = y;
            j++;
        } else if (x > 0.0) {
            ig_ksum_add(&only_x, x);
        } else if (y > 0.0) {
            ig_ksum_add(&only_y, y);
        }
    }
    px[m] = ig_ksum_value(&only_x);     /* py[m] = 0 */
    py[m + 1] = ig_ksum_value(&only_y); /* px[m + 1] = 0 */
    m += 2;
    ig_ksum kb;
    ig_ksum_init(&kb);
    for (int r = 0; r < in->p->reps; r++) {
        ig_rng rng;
        ig__rng_init(&rng, in->p->seed, (uint64_t)r);
        ig__rng_multinomial(&rng, (uint64_t)nx, px, m, ox);
        ig__rng_multinomial(&rng, (uint64_t)ny, py, m, oy);
        ig_ksum k;
        ig_ksum_init(&k);
        for (size_t q = 0; q < m; q++)
            if (ox[q] | oy[q])
                ig_ksum_add(&k, fabs((double)ox[q] / nx - (double)oy[q] / ny));
        ig_ksum_add(&kb, 0.5 * ig_ksum_value(&k));
    }
    double v = 2.0 * D - ig_ksum_value(&kb) / in->p->reps;
    *value = v > 0.0 ? v : 0.0;
done:
    ig__free(ctx, px, cap * sizeof *px);
    ig__free(ctx, py, cap * sizeof *py);
    ig__free(ctx, ox, cap * sizeof *ox);
    ig__free(ctx, oy, cap * sizeof *oy);
    return st;
}
