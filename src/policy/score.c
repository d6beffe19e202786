/* Scoring, MIPEX style (docs/policy/scoring.md). An indicator scores its
 * option (0..100) or, for numbers, its band or its calibrated percentile;
 * "not applicable", a false applicability rule and competence "none" are
 * left out of the denominator and counted; "don't know" scores 0 and is
 * counted. An area is the weighted mean of its answered policy indicators
 * when they cover at least coverage_min (70 %) of the applicable ones;
 * blocks and the overall score apply the same rule to areas and blocks.
 * Outcome indicators get their own mean beside the policy score and are
 * never mixed into it. Evidence gives a badge and is never scored. Means
 * use compensated sums in framework order, so results are reproducible. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ksum.h"
#include "policy/policy_impl.h"

struct ig_policy_scores {
    ig_ctx *ctx;
    size_t ni, na, nb, nrec;
    ig_policy_iscore *ind;
    ig_policy_gscore *area;
    ig_policy_gscore *block;
    ig_policy_gscore overall;
    size_t *rec;
};

const char *ig_policy_istatus_name(ig_policy_istatus st)
{
    static const char *const n[] = {"scored",        "unanswered",
                                    "not_applicable", "rule_excluded",
                                    "no_competence", "dont_know",
                                    "not_scored"};
    return (unsigned)st < sizeof n / sizeof *n ? n[st] : "unknown";
}

const char *ig_policy_badge_name(ig_policy_badge b)
{
    static const char *const n[] = {"none", "self_declared", "document",
                                    "validated"};
    return (unsigned)b < sizeof n / sizeof *n ? n[b] : "unknown";
}

/* ---- rule variables ----------------------------------------------------- */

typedef struct env {
    const ig_policy_framework *fw;
    const ig_policy_assessment *a;
    const ig_policy_answer *ans; /* applicability: the indicator's answer */
    const ig_policy_scores *s;   /* recommendations: the scores */
} env;

static int eq(const char *s, size_t n, const char *w)
{
    return strlen(w) == n && strncmp(s, w, n) == 0;
}

static int num_or_none(double v, double *num)
{
    if (!isfinite(v)) return 0;
    *num = v;
    return 1;
}

static int var_fn(void *ud, const char *name, size_t len, double *num,
                  const char **str)
{
    const env *e = ud;
    char buf[256];
    if (eq(name, len, "population"))
        return num_or_none(e->a->info.population, num);
    if (eq(name, len, "foreign_share"))
        return num_or_none(e->a->info.foreign_share, num);
    if (eq(name, len, "settlement")) {
        if (!e->a->info.settlement[0]) return 0;
        *str = e->a->info.settlement;
        return 1;
    }
    if (eq(name, len, "competence")) {
        static const char *const c[] = {"", "own", "shared", "none"};
        if (!e->ans || e->ans->competence == IG_POLICY_COMP_UNSET) return 0;
        *str = c[e->ans->competence];
        return 1;
    }
    if (len >= sizeof buf) return -1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    if (!strncmp(buf, "context.", 8))
        return num_or_none(ig_policy_assessment_context(e->a, buf + 8), num);
    if (!e->s) return -1;
    const ig_policy_framework *fw = e->fw;
    if (!strcmp(buf, "overall")) return num_or_none(e->s->overall.score, num);
    if (!strncmp(buf, "area.", 5)) {
        for (size_t i = 0; i < fw->info.n_areas; i++)
            if (!strcmp(fw->areas[i].id, buf + 5))
                return num_or_none(e->s->area[i].score, num);
        return -1;
    }
    if (!strncmp(buf, "block.", 6)) {
        for (size_t i = 0; i < fw->info.n_blocks; i++)
            if (!strcmp(fw->blocks[i].id, buf + 6))
                return num_or_none(e->s->block[i].score, num);
        return -1;
    }
    if (!strncmp(buf, "indicator.", 10)) {
        size_t k = ig_policy_indicator_find(fw, buf + 10);
        if (k == (size_t)-1) return -1;
        return num_or_none(e->s->ind[k].score, num);
    }
    return -1;
}

/* ---- one indicator ------------------------------------------------------ */

static ig_policy_badge badge_of(const ig_policy_answer *r)
{
    ig_policy_badge b = IG_POLICY_BADGE_SELF;
    for (size_t k = 0; r && k < r->n_evidence; k++) {
        const ig_policy_evidence *e = &r->evidence[k];
        if (!strcmp(e->type, "external_validation"))
            return IG_POLICY_BADGE_VALIDATED;
        if (e->title[0] || e->url[0]) b = IG_POLICY_BADGE_DOCUMENT;
    }
    return b;
}

static double band_score(const ig_policy_indicator *ind, double v)
{
    if (ind->n_bands == 0) return NAN;
    if (v < ind->bands[0].min) return ind->bands[0].score;
    for (size_t k = 0; k < ind->n_bands; k++) {
        const ig_policy_band *b = &ind->bands[k];
        if (v >= b->min && (v < b->max || k + 1 == ind->n_bands)) return b->score;
        if (k + 1 < ind->n_bands && v >= b->max && v < ind->bands[k + 1].min)
            return NAN; /* a gap between bands: no score */
    }
    return ind->bands[ind->n_bands - 1].score;
}

static ig_status score_indicator(const ig_policy_framework *fw,
                                 const ig_policy_assessment *a, size_t i,
                                 ig_policy_iscore *out, ig_error *err)
{
    const ig_policy_indicator *ind = &fw->indicators[i];
    const ig_policy_answer *r = NULL;
    for (size_t k = 0; k < a->info.n_answers; k++)
        if (!strcmp(a->answers[k].indicator, ind->id)) r = &a->answers[k];
    const ig__policy_outcome *o = NULL;
    for (size_t k = 0; k < a->n_outcomes; k++)
        if (!strcmp(a->outcomes[k].indicator, ind->id)) o = &a->outcomes[k];

    out->score = out->value = NAN;
    out->badge = IG_POLICY_BADGE_NONE;
    out->evidence_missing = 0;
    out->calibrated = 0;
    out->status = IG_POLICY_UNANSWERED;

    if (ind->applies_if[0]) {
        env e = {fw, a, r, NULL};
        int res = IG__RULE_UNKNOWN;
        ig_status st = ig__rule_eval(ind->applies_if, var_fn, &e, &res, err);
        if (st != IG_OK) return st; /* validated before: cannot happen */
        if (res == IG__RULE_FALSE) {
            out->status = IG_POLICY_RULE_EXCLUDED;
            return IG_OK;
        }
    }
    if (r && r->competence == IG_POLICY_COMP_NONE) {
        out->status = IG_POLICY_NO_COMPETENCE;
        return IG_OK;
    }
    if (ind->answer == IG_POLICY_ANSWER_SINGLE) {
        if (!r || !r->option[0]) return IG_OK;
        const ig_policy_option *opt =
            &ind->options[ig__policy_option_find(ind, r->option)];
        if (opt->flag == IG_POLICY_FLAG_NOT_APPLICABLE) {
            out->status = IG_POLICY_NOT_APPLICABLE;
        } else if (opt->flag == IG_POLICY_FLAG_DONT_KNOW) {
            out->status = IG_POLICY_DONT_KNOW;
            out->score = 0;
        } else {
            out->status = IG_POLICY_SCORED;
            out->score = opt->score;
        }
    } else if (ind->answer == IG_POLICY_ANSWER_NUMERIC) {
        int special = r && r->option[0] && !isfinite(r->value)
                          ? ig__policy_special_answer(r->option)
                          : 0;
        if (o) {
            out->value = o->value;
        } else if (special == 1) {
            out->status = IG_POLICY_NOT_APPLICABLE;
        } else if (special == 2) {
            out->status = IG_POLICY_DONT_KNOW;
            out->score = 0;
        } else if (r) {
            out->value = r->value;
        }
        if (isfinite(out->value)) {
            double sc = NAN;
            if (o && isfinite(o->score)) {
                sc = o->score;
                out->calibrated = 1;
            } else {
                sc = band_score(ind, out->value);
            }
            out->score = sc;
            out->status = isfinite(sc) ? IG_POLICY_SCORED : IG_POLICY_NOT_SCORED;
        }
    } else {
        out->status = (r && r->text[0]) ? IG_POLICY_NOT_SCORED
                                        : IG_POLICY_UNANSWERED;
    }
    if (ind->kind == IG_POLICY_KIND_CONTEXT && out->status == IG_POLICY_SCORED) {
        out->status = IG_POLICY_NOT_SCORED; /* context is never scored */
        out->score = NAN;
    }
    if (out->status != IG_POLICY_UNANSWERED) {
        out->badge = o && !r ? IG_POLICY_BADGE_VALIDATED : badge_of(r);
        if (o) out->badge = IG_POLICY_BADGE_VALIDATED; /* computed by us */
        out->evidence_missing = ind->evidence_required &&
                                out->badge < IG_POLICY_BADGE_DOCUMENT;
    }
    return IG_OK;
}

/* ---- aggregation -------------------------------------------------------- */

static int excluded(ig_policy_istatus st)
{
    return st == IG_POLICY_NOT_APPLICABLE || st == IG_POLICY_RULE_EXCLUDED ||
           st == IG_POLICY_NO_COMPETENCE;
}

static void score_area(const ig_policy_framework *fw, ig_policy_scores *s,
                       size_t ai, double cov_min, int unweighted)
{
    const ig_policy_area *ar = &fw->areas[ai];
    ig_policy_gscore *g = &s->area[ai];
    ig_ksum sw, sws, ow, ows;
    ig_ksum_init(&sw);
    ig_ksum_init(&sws);
    ig_ksum_init(&ow);
    ig_ksum_init(&ows);
    memset(g, 0, sizeof *g);
    for (size_t i = ar->first_indicator;
         i < ar->first_indicator + ar->n_indicators; i++) {
        const ig_policy_indicator *ind = &fw->indicators[i];
        const ig_policy_iscore *x = &s->ind[i];
        double w = unweighted ? 1 : ind->weight;
        if (ind->kind == IG_POLICY_KIND_OUTCOME) {
            g->n_outcomes++;
            if (isfinite(x->score) && x->status == IG_POLICY_SCORED) {
                g->n_outcomes_scored++;
                ig_ksum_add(&ow, w);
                ig_ksum_add(&ows, w * x->score);
            }
            continue;
        }
        if (ind->kind != IG_POLICY_KIND_POLICY ||
            ind->answer == IG_POLICY_ANSWER_TEXT)
            continue;
        g->n_indicators++;
        if (excluded(x->status)) {
            g->n_excluded++;
            continue;
        }
        g->n_applicable++;
        if (x->status == IG_POLICY_SCORED || x->status == IG_POLICY_DONT_KNOW) {
            g->n_answered++;
            g->n_dont_know += x->status == IG_POLICY_DONT_KNOW;
            g->n_documented += x->badge >= IG_POLICY_BADGE_DOCUMENT;
            ig_ksum_add(&sw, w);
            ig_ksum_add(&sws, w * x->score);
        }
    }
    g->coverage = g->n_applicable
                      ? (double)g->n_answered / (double)g->n_applicable
                      : (double)NAN;
    g->sufficient = g->n_applicable > 0 && g->coverage >= cov_min - 1e-12;
    g->score = g->sufficient ? ig_ksum_value(&sws) / ig_ksum_value(&sw) : (double)NAN;
    g->outcome_score = g->n_outcomes_scored
                           ? ig_ksum_value(&ows) / ig_ksum_value(&ow)
                           : (double)NAN;
}

/* A parent (block or overall) from its parts: the same coverage rule
 * over the parts that have applicable indicators. */
static void score_parent(ig_policy_gscore *g, const ig_policy_gscore *parts,
                         const double *weights, size_t n, double cov_min,
                         int unweighted)
{
    ig_ksum sw, sws, ow, ows;
    ig_ksum_init(&sw);
    ig_ksum_init(&sws);
    ig_ksum_init(&ow);
    ig_ksum_init(&ows);
    memset(g, 0, sizeof *g);
    size_t with_applicable = 0;
    for (size_t k = 0; k < n; k++) {
        const ig_policy_gscore *p = &parts[k];
        double w = unweighted ? 1 : weights[k];
        g->n_indicators += p->n_indicators;
        g->n_applicable += p->n_applicable;
        g->n_answered += p->n_answered;
        g->n_excluded += p->n_excluded;
        g->n_dont_know += p->n_dont_know;
        g->n_documented += p->n_documented;
        g->n_outcomes += p->n_outcomes;
        g->n_outcomes_scored += p->n_outcomes_scored;
        g->n_parts++;
        if (p->n_applicable > 0) with_applicable++;
        if (p->sufficient) {
            g->n_parts_scored++;
            ig_ksum_add(&sw, w);
            ig_ksum_add(&sws, w * p->score);
        }
        if (isfinite(p->outcome_score)) {
            ig_ksum_add(&ow, w);
            ig_ksum_add(&ows, w * p->outcome_score);
        }
    }
    g->coverage = g->n_applicable
                      ? (double)g->n_answered / (double)g->n_applicable
                      : (double)NAN;
    g->sufficient =
        with_applicable > 0 &&
        (double)g->n_parts_scored >= cov_min * (double)with_applicable - 1e-12;
    g->score = g->sufficient ? ig_ksum_value(&sws) / ig_ksum_value(&sw) : (double)NAN;
    g->outcome_score =
        ig_ksum_value(&ow) > 0 ? ig_ksum_value(&ows) / ig_ksum_value(&ow) : (double)NAN;
}

ig_status ig_policy_score(ig_ctx *ctx, const ig_policy_framework *fw,
                          const ig_policy_assessment *a,
                          const ig_policy_score_opts *opts,
                          ig_policy_scores **out, ig_error *err)
{
    if (!fw || !a || !out)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "fw, a and out required");
    ig_status st = ig_policy_assessment_check(fw, a, err);
    if (st != IG_OK) return st;
    double cov_min = opts && opts->coverage_min > 0 ? opts->coverage_min
                                                    : fw->info.coverage_min;
    int unweighted = opts ? opts->unweighted : 0;

    ig_policy_scores *s = ig__calloc(ctx, 1, sizeof *s);
    if (!s) return ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
    s->ctx = ctx;
    s->ni = fw->info.n_indicators;
    s->na = fw->info.n_areas;
    s->nb = fw->info.n_blocks;
    s->ind = ig__calloc(ctx, s->ni + 1, sizeof *s->ind);
    s->area = ig__calloc(ctx, s->na + 1, sizeof *s->area);
    s->block = ig__calloc(ctx, s->nb + 1, sizeof *s->block);
    s->rec = ig__calloc(ctx, fw->info.n_recommendations + 1, sizeof *s->rec);
    double *w = ig__calloc(ctx, (s->na > s->nb ? s->na : s->nb) + 1,
                           sizeof *w);
    ig_policy_gscore *tmp = ig__calloc(ctx, s->nb + 1, sizeof *tmp);
    if (!s->ind || !s->area || !s->block || !s->rec || !w || !tmp) {
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->ni; i++) {
        st = score_indicator(fw, a, i, &s->ind[i], err);
        if (st != IG_OK) goto out;
    }
    for (size_t i = 0; i < s->na; i++)
        score_area(fw, s, i, cov_min, unweighted);
    for (size_t b = 0; b < s->nb; b++) {
        const ig_policy_block *bl = &fw->blocks[b];
        for (size_t k = 0; k < bl->n_areas; k++)
            w[k] = fw->areas[bl->first_area + k].weight;
        score_parent(&s->block[b], &s->area[bl->first_area], w, bl->n_areas,
                     cov_min, unweighted);
    }
    for (size_t b = 0; b < s->nb; b++) w[b] = fw->blocks[b].weight;
    score_parent(&s->overall, s->block, w, s->nb, cov_min, unweighted);

    /* recommendations: framework order within a priority */
    env e = {fw, a, NULL, s};
    size_t nr = 0;
    for (int prio = 1; prio <= 9; prio++)
        for (size_t r = 0; r < fw->info.n_recommendations; r++) {
            if (fw->recs[r].priority != prio) continue;
            int res = IG__RULE_UNKNOWN;
            st = ig__rule_eval(fw->recs[r].condition, var_fn, &e, &res, err);
            if (st != IG_OK) goto out;
            if (res == IG__RULE_TRUE) s->rec[nr++] = r;
        }
    s->nrec = nr;
out:
    ig__free(ctx, w, 0);
    ig__free(ctx, tmp, 0);
    if (st != IG_OK) {
        ig_policy_scores_destroy(s);
        return st;
    }
    *out = s;
    return IG_OK;
}

void ig_policy_scores_destroy(ig_policy_scores *s)
{
    if (!s) return;
    ig__free(s->ctx, s->ind, 0);
    ig__free(s->ctx, s->area, 0);
    ig__free(s->ctx, s->block, 0);
    ig__free(s->ctx, s->rec, 0);
    ig__free(s->ctx, s, sizeof *s);
}

const ig_policy_iscore *ig_policy_scores_indicator(const ig_policy_scores *s,
                                                   size_t i)
{
    return s && i < s->ni ? &s->ind[i] : NULL;
}

const ig_policy_gscore *ig_policy_scores_area(const ig_policy_scores *s,
                                              size_t i)
{
    return s && i < s->na ? &s->area[i] : NULL;
}

const ig_policy_gscore *ig_policy_scores_block(const ig_policy_scores *s,
                                               size_t i)
{
    return s && i < s->nb ? &s->block[i] : NULL;
}

const ig_policy_gscore *ig_policy_scores_overall(const ig_policy_scores *s)
{
    return s ? &s->overall : NULL;
}

const size_t *ig_policy_scores_recommendations(const ig_policy_scores *s,
                                               size_t *n)
{
    if (n) *n = s ? s->nrec : 0;
    return s ? s->rec : NULL;
}

void ig_policy_rank(const double *values, size_t n, double value,
                    size_t *rank, double *percentile)
{
    if (rank) *rank = 0;
    if (percentile) *percentile = NAN;
    if (!isfinite(value)) return;
    size_t above = 0, below = 0, ties = 0, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(values[i])) continue;
        total++;
        if (values[i] > value) above++;
        else if (values[i] < value) below++;
        else ties++;
    }
    /* value itself is one of the ties when it is among the values */
    size_t others = total > 0 && ties > 0 ? total - 1 : total;
    size_t tie_others = ties > 0 ? ties - 1 : 0;
    if (rank) *rank = above + 1;
    if (percentile)
        *percentile = others == 0 ? 50.0
                                  : 100.0 * ((double)below + 0.5 * (double)tie_others) /
                                        (double)others;
}
