/* Between/within decomposition of M and H = M / E for a clustering of the
 * units (Theil 1972; Mora & Ruiz-Castillo 2011; R segregation's `within`):
 * M = M_between + sum_k (T_k/T) M_k, M_between being M of the clusters as
 * units. The within part is one pass over the units,
 * (1/T) sum_i sum_m x_im ln(pi_im / pi_k(i)m), equal to sum_k (T_k/T) M_k
 * term by term. H parts are the M parts over the overall E, so they add up.
 * `total` is computed as the measure itself is (equal to ig_measure_compute)
 * and between + within match it to rounding. Scratch: one n_clusters x
 * (n_groups + 1) table of compensated sums. */
#include <stdint.h>

#include "measures/multi/multi_common.h"

ig_status ig__decompose(const ig__min *in, const uint32_t *cluster,
                        size_t n_clusters, int which, ig_decomposition *out)
{
    const char *name =
        which == 1 ? "multi_information_theory" : "mutual_information";
    if (which != 0 && which != 1)
        return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                             "decompose: unknown component %d (0 = M, 1 = H)",
                             which);
    if (in->n > 0 && !cluster)
        return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                             "%s: no cluster ids given for the decomposition",
                             name);
    for (size_t i = 0; i < in->n; i++)
        if ((size_t)cluster[i] >= n_clusters)
            return ig__error_set(in->err, IG_ERR_DOMAIN, 0, 0,
                                 "%s: unit %zu is in cluster %lu but there "
                                 "are only %zu clusters; cluster ids must be "
                                 "below n_clusters",
                                 name, i, (unsigned long)cluster[i],
                                 n_clusters);
    ig_status st = ig__multi_need_k2(in, name);
    if (st != IG_OK) return st;
    double e = ig__multi_entropy(in);
    if (which == 1 && !(e > 0.0))
        return ig__error_set(in->err, IG_ERR_NUMERIC, 0, 0,
                             "%s: the group entropy is 0 in this place; H is "
                             "undefined",
                             name);

    size_t G = in->n_groups, w = G + 1;
    if (n_clusters > SIZE_MAX / w)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "%s: %zu clusters x %zu groups is too large", name,
                             n_clusters, G);
    size_t cells = n_clusters * w;
    /* row k: X_k0 .. X_k(G-1), then T_k */
    ig_ksum *tab = ig__calloc(in->ctx, cells, sizeof *tab);
    if (!tab)
        return ig__error_set(in->err, IG_ERR_NOMEM, 0, 0,
                             "%s: out of memory for %zu clusters x %zu groups",
                             name, n_clusters, G);
    for (size_t i = 0; i < in->n; i++) {
        ig_ksum *row = tab + (size_t)cluster[i] * w;
        for (size_t g = 0; g < G; g++) ig_ksum_add(&row[g], in->counts[g][i]);
        ig_ksum_add(&row[G], in->t[i]);
    }
    /* Collapse each compensated sum into its .s so the rest reads plain
     * values. */
    for (size_t c = 0; c < cells; c++) {
        tab[c].s = ig_ksum_value(&tab[c]);
        tab[c].c = 0.0;
    }

    ig_ksum kb, kw;
    ig_ksum_init(&kb);
    ig_ksum_init(&kw);
    for (size_t c = 0; c < n_clusters; c++) {
        const ig_ksum *row = tab + c * w;
        double tk = row[G].s;
        if (!(tk > 0.0)) continue;
        for (size_t g = 0; g < G; g++) {
            double xk = row[g].s;
            if (!(xk > 0.0)) continue;
            ig_ksum_add(&kb, xk * log(xk / (tk * ig__multi_share(in, g))));
        }
    }
    for (size_t i = 0; i < in->n; i++) {
        const ig_ksum *row = tab + (size_t)cluster[i] * w;
        double ti = in->t[i];
        if (!(ti > 0.0)) continue;
        double tk = row[G].s;
        for (size_t g = 0; g < G; g++) {
            double x = in->counts[g][i];
            if (!(x > 0.0)) continue;
            /* x ln(pi_ig / pi_kg) with pi_kg = X_kg / T_k */
            ig_ksum_add(&kw, x * log((x * tk) / (ti * row[g].s)));
        }
    }
    ig__free(in->ctx, tab, cells * sizeof *tab);

    double between = ig_ksum_value(&kb) / in->T;
    double within = ig_ksum_value(&kw) / in->T;
    double total = 0.0;
    st = ig__multi_mutual(in, name, &total);
    if (st != IG_OK) return st;
    /* each part is a divergence, >= 0; negative values are rounding */
    if (between < 0.0) between = 0.0;
    if (within < 0.0) within = 0.0;
    if (which == 1) {
        total /= e;
        between /= e;
        within /= e;
    }
    out->total = total;
    out->between = between;
    out->within = within;
    return IG_OK;
}
