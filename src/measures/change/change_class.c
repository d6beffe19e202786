/* The change of M (or H) split between and within classes of units
 * (ig_change_by_class): Theil's decomposition M = M_between + sum_k
 * (T_k / T) M_k, taken in each census with its own classification, and
 * then differenced part by part. M_between is M of the table whose units
 * are the classes (the class totals per group, compensated sums); M_k is M
 * of class k's units alone. Every value comes from the registry, as the
 * rest of the change module's. Units without a class form one more class,
 * so the parts always add up to M(NEW) - M(OLD) (to rounding). */
#include <math.h>
#include <string.h>

#include "core/core.h"
#include "core/ksum.h"
#include "integrid/ig_change.h"
#include "measures/change/change_impl.h"

/* The parts of one table: parts[0] = M_between, parts[1 + k] = (T_k / T)
 * M_k for k = 0..K (K: the units without a class), all divided by E for
 * H. */
static ig_status split_one(ig_ctx *ctx, const ig_ctab *t, const uint32_t *cls,
                           size_t K, int theil, double *parts, ig_error *err)
{
    const ig_measure_info *mm = ig_measure_find("mutual_information");
    const ig_measure_info *me = ig_measure_find("multi_diversity");
    size_t n = t->n_units, G = t->n_groups, KK = K + 1;
    ig_status st = IG_OK;
    ig_ksum *acc = ig__calloc(ctx, KK * G, sizeof *acc);
    double *agg = ig__calloc(ctx, KK * G, sizeof *agg);
    size_t *cnt = ig__calloc(ctx, KK, sizeof *cnt);
    double *sub = ig__calloc(ctx, (n ? n : 1) * G, sizeof *sub);
    if (!acc || !agg || !cnt || !sub) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "change: out of memory");
        goto out;
    }
    for (size_t q = 0; q < KK * G; q++) ig_ksum_init(&acc[q]);
    for (size_t i = 0; i < n; i++) {
        size_t k = cls[i] < K ? cls[i] : K;
        cnt[k]++;
        for (size_t g = 0; g < G; g++)
            ig_ksum_add(&acc[g * KK + k], t->counts[g * n + i]);
    }
    double T = 0.0;
    {
        ig_ksum kt;
        ig_ksum_init(&kt);
        for (size_t q = 0; q < KK * G; q++) {
            agg[q] = ig_ksum_value(&acc[q]);
            ig_ksum_add(&kt, agg[q]);
        }
        T = ig_ksum_value(&kt);
    }
    if (!(T > 0.0)) {
        st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                           "change by class: no residents");
        goto out;
    }
    double E = 1.0;
    if (theil) {
        st = ig__change_eval(ctx, me, 0, n, G, t->counts, &E, err);
        if (st != IG_OK) goto out;
        if (!(E > 0.0)) {
            st = ig__error_set(err, IG_ERR_NUMERIC, 0, 0,
                               "change by class: H is undefined with a "
                               "single group present");
            goto out;
        }
    }
    st = ig__change_eval(ctx, mm, 0, KK, G, agg, &parts[0], err);
    if (st != IG_OK) goto out;
    parts[0] /= E;
    for (size_t k = 0; k < KK; k++) {
        ig_ksum kt;
        ig_ksum_init(&kt);
        for (size_t g = 0; g < G; g++) ig_ksum_add(&kt, agg[g * KK + k]);
        double Tk = ig_ksum_value(&kt);
        parts[1 + k] = 0.0;
        if (!(Tk > 0.0)) continue; /* an empty class contributes nothing */
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            if ((cls[i] < K ? cls[i] : K) != k) continue;
            for (size_t g = 0; g < G; g++) sub[g * cnt[k] + m] = t->counts[g * n + i];
            m++;
        }
        double Mk = 0.0;
        ig_error e2;
        memset(&e2, 0, sizeof e2);
        ig_status s2 = ig__change_eval(ctx, mm, 0, m, G, sub, &Mk, &e2);
        if (s2 == IG_ERR_NOMEM) {
            st = ig__error_set(err, s2, 0, 0, "change: out of memory");
            goto out;
        }
        if (s2 != IG_OK) Mk = 0.0; /* one group only in the class: M_k = 0 */
        parts[1 + k] = (Tk / T) * Mk / E;
    }
out:
    ig__free(ctx, acc, KK * G * sizeof *acc);
    ig__free(ctx, agg, KK * G * sizeof *agg);
    ig__free(ctx, cnt, KK * sizeof *cnt);
    ig__free(ctx, sub, (n ? n : 1) * G * sizeof *sub);
    return st;
}

ig_status ig_change_by_class(ig_ctx *ctx, const ig_ctab *old_t,
                             const uint32_t *old_cls, const ig_ctab *new_t,
                             const uint32_t *new_cls, size_t n_classes,
                             ig_change_measure measure, ig_change_parts *out,
                             ig_error *err)
{
    if (!old_t || !new_t || !old_cls || !new_cls || !out ||
        !old_t->counts || !new_t->counts)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change by class: tables, classes and out are "
                             "required");
    if (measure == IG_CHANGE_DISSIM)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change by class: the between/within split is "
                             "for mutual_information and "
                             "multi_information_theory (D does not add up "
                             "over classes)");
    if (old_t->n_groups != new_t->n_groups || old_t->n_groups < 1)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change by class: the tables need the same "
                             "groups");
    if (n_classes > 100000)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "change by class: at most 100,000 classes");
    size_t KK = n_classes + 1;
    double *pa = ig__calloc(ctx, 2 * (KK + 1), sizeof *pa);
    if (!pa) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    double *pb = pa + KK + 1;
    int theil = measure == IG_CHANGE_THEIL;
    ig_status st = split_one(ctx, old_t, old_cls, n_classes, theil, pa, err);
    if (st == IG_OK)
        st = split_one(ctx, new_t, new_cls, n_classes, theil, pb, err);
    if (st == IG_OK) {
        for (size_t k = 0; k < KK + 1; k++) {
            memset(&out[k], 0, sizeof out[k]);
            out[k].old_value = pa[k];
            out[k].new_value = pb[k];
            out[k].total = pb[k] - pa[k];
        }
    }
    ig__free(ctx, pa, 2 * (KK + 1) * sizeof *pa);
    return st;
}
