/* Golden-case runner: reads plain-text *.case files (PROJ .gie / jq.test
 * style, format in tests/golden/README.md) and checks each case through the
 * public API: ig_measure_find + ig_measure_compute, or ig_measure_decompose
 * when the case gives clusters. Every case runs on a counting allocator so
 * a leak fails the case too. A `cellsize` line makes a case spatial: its
 * units then carry lattice rows and columns (and `areas` land areas), for
 * ig_units.row/col/cell_m/area. Unknown directives, a case without a
 * `# provenance:` line and a directory without cases are errors: the cases
 * are reviewed by people, so the runner is strict about their shape.
 *
 * usage: golden_runner [--measure ID] PATH...   (PATH: a .case file or a
 * directory whose *.case files are run in name order) */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"
#include "test_support.h"

#define MAX_GROUPS 64
#define MAX_TOK 256

typedef struct gcase {
    const char *file;
    long line; /* of the `measure` line */
    char measure[128];
    int has_group;
    char group[128];
    size_t n_groups;
    char group_names[MAX_GROUPS][64];
    int totals_mode; /* 0 none, 1 trailing column, 2 `totals` list */
    size_t n_units;
    size_t cap_units;
    double *counts; /* unit-major: counts[i * n_groups + g] */
    double *total;  /* n_units, or NULL */
    size_t n_total_list;
    double *total_list;
    int32_t cell_m;  /* > 0: a spatial case (`cellsize`) */
    int32_t *rowcol; /* unit-major: row, col of each unit */
    size_t n_area_list;
    double *area_list; /* `areas`, km2 */
    uint32_t *cluster;
    size_t n_cluster;
    char (*cluster_names)[64];
    size_t n_cluster_names;
    ig_measure_params params;
    double tol;
    int has_expect, has_between, has_within, has_status, has_message;
    double expect, expect_between, expect_within;
    ig_status expect_status;
    char expect_message[256];
    int has_provenance;
} gcase;

static int n_fail;
static const char *only_measure;

static void failf(const gcase *c, long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%ld: ", c->file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    n_fail++;
}

static void case_init(gcase *c, const char *file, long line)
{
    memset(c, 0, sizeof *c);
    c->file = file;
    c->line = line;
    ig_measure_params_init(&c->params);
    c->tol = 1e-12;
}

static void case_free(gcase *c)
{
    free(c->counts);
    free(c->total);
    free(c->total_list);
    free(c->rowcol);
    free(c->area_list);
    free(c->cluster);
    free(c->cluster_names);
    memset(c, 0, sizeof *c);
}

static int parse_double(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE) return 0;
    *out = v;
    return 1;
}

static int parse_long(const char *s, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE) return 0;
    *out = v;
    return 1;
}

static int parse_status(const char *s, ig_status *out)
{
    static const struct {
        const char *name;
        ig_status st;
    } map[] = {
#define X(name, text) {"IG_" #name, IG_##name},
        IG_STATUS_MAP(X)
#undef X
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(s, map[i].name) == 0) {
            *out = map[i].st;
            return 1;
        }
    }
    return 0;
}

static const char *status_name(ig_status s)
{
    switch (s) {
#define X(name, text) \
    case IG_##name:   \
        return "IG_" #name;
        IG_STATUS_MAP(X)
#undef X
        default:
            return "(unknown status)";
    }
}

/* Split line into whitespace-separated tokens (modifies line). A `#` that
 * starts a token begins a trailing comment. */
static size_t tokenize(char *line, char **tok, size_t max)
{
    size_t n = 0;
    char *p = line;
    while (*p) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p || *p == '#') break;
        if (n == max) return max + 1;
        tok[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

static int key_is(const char *kv, size_t kl, const char *name)
{
    return kl == strlen(name) && strncmp(kv, name, kl) == 0;
}

/* Parameters whose value is not one number: centre=X,Y, kernel=NAME,
 * edge=grid|place. Returns 1 when handled (ok or failed: *ok says). */
static int set_param_text(gcase *c, long line, const char *kv, size_t kl,
                          const char *val, int *ok)
{
    *ok = 1;
    if (key_is(kv, kl, "centre")) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", val);
        char *comma = strchr(buf, ',');
        double x, y;
        if (!comma) {
            *ok = 0;
        } else {
            *comma = '\0';
            *ok = parse_double(buf, &x) && parse_double(comma + 1, &y);
        }
        if (!*ok) {
            failf(c, line, "param: centre must be X,Y in metres, got '%s'",
                  val);
            return 1;
        }
        c->params.centre_given = 1;
        c->params.centre_x_m = x;
        c->params.centre_y_m = y;
        return 1;
    }
    if (key_is(kv, kl, "kernel")) {
        ig_error err = {0};
        if (ig_kernel_parse(val, &c->params.scale.kernel, &err) != IG_OK) {
            failf(c, line, "param: kernel '%s': %s", val, err.msg);
            *ok = 0;
        }
        return 1;
    }
    if (key_is(kv, kl, "edge")) {
        if (strcmp(val, "grid") == 0) {
            c->params.edge = IG_EDGE_GRID;
        } else if (strcmp(val, "place") == 0) {
            c->params.edge = IG_EDGE_PLACE;
        } else {
            failf(c, line, "param: edge must be grid or place, got '%s'", val);
            *ok = 0;
        }
        return 1;
    }
    return 0;
}

static int set_param(gcase *c, long line, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq) {
        failf(c, line, "param: expected key=value, got '%s'", kv);
        return 0;
    }
    size_t kl = (size_t)(eq - kv);
    int ok;
    if (set_param_text(c, line, kv, kl, eq + 1, &ok)) return ok;
    double v;
    if (!parse_double(eq + 1, &v)) {
        failf(c, line, "param: '%s' is not a number", eq + 1);
        return 0;
    }
    if (kl == 1 && strncmp(kv, "b", 1) == 0) {
        c->params.atkinson_b = v;
    } else if (kl == 4 && strncmp(kv, "reps", 4) == 0) {
        c->params.reps = (int)v;
    } else if (kl == 4 && strncmp(kv, "seed", 4) == 0) {
        if (v < 0) {
            failf(c, line, "param: seed must be >= 0");
            return 0;
        }
        c->params.seed = (uint64_t)v;
    } else if (kl == 10 && strncmp(kv, "thresholds", 10) == 0) {
        c->params.n_thresholds = (int)v;
    } else if (key_is(kv, kl, "adjacency")) {
        c->params.adjacency = (int)v;
    } else if (key_is(kv, kl, "alpha")) {
        c->params.decay_alpha = v;
    } else if (key_is(kv, kl, "beta")) {
        c->params.decay_beta = v;
    } else if (key_is(kv, kl, "radius")) {
        c->params.scale.radius_m = v;
    } else if (key_is(kv, kl, "k")) {
        c->params.scale.k = v;
    } else {
        failf(c, line,
              "param: unknown parameter '%.*s' (known: b, reps, seed, "
              "thresholds, adjacency, alpha, beta, centre, kernel, radius, "
              "k, edge)",
              (int)kl, kv);
        return 0;
    }
    return 1;
}

static long group_index(const gcase *c, const char *name)
{
    for (size_t g = 0; g < c->n_groups; g++)
        if (strcmp(c->group_names[g], name) == 0) return (long)g;
    return -1;
}

/* Run a complete case; report mismatches. */
static void run_case(gcase *c)
{
    const ig_measure_info *m = ig_measure_find(c->measure);
    if (!m) {
        failf(c, c->line, "unknown measure '%s'", c->measure);
        return;
    }
    if (only_measure && strcmp(only_measure, c->measure) != 0) {
        failf(c, c->line, "case for '%s' in the directory of '%s'", c->measure,
              only_measure);
        return;
    }
    if (!c->has_provenance) {
        failf(c, c->line, "case has no '# provenance:' line");
        return;
    }
    if (c->n_groups == 0 || c->n_units == 0) {
        failf(c, c->line, "case needs a `groups` line and `unit` lines");
        return;
    }
    int decomp = c->n_cluster > 0;
    if (!c->has_status && !c->has_expect && !c->has_between && !c->has_within) {
        failf(c, c->line, "case has no expectation");
        return;
    }
    if (!decomp && (c->has_between || c->has_within)) {
        failf(c, c->line, "expect_between/expect_within need `cluster`");
        return;
    }
    if (decomp && c->n_cluster != c->n_units) {
        failf(c, c->line, "`cluster` lists %zu labels for %zu units",
              c->n_cluster, c->n_units);
        return;
    }
    size_t group = 0;
    if (m->family == IG_FAM_SINGLE) {
        if (!c->has_group) {
            failf(c, c->line, "single-group measure '%s' needs a `group` line",
                  c->measure);
            return;
        }
        long gi = group_index(c, c->group);
        if (gi < 0) {
            failf(c, c->line, "group '%s' is not in `groups`", c->group);
            return;
        }
        group = (size_t)gi;
    } else if (c->has_group) {
        failf(c, c->line, "multigroup measure '%s' takes no `group` line",
              c->measure);
        return;
    }
    if (c->totals_mode == 2) {
        if (c->n_total_list != c->n_units) {
            failf(c, c->line, "`totals` lists %zu values for %zu units",
                  c->n_total_list, c->n_units);
            return;
        }
        c->total = c->total_list;
        c->total_list = NULL;
    }

    if (c->n_area_list && !c->cell_m) {
        failf(c, c->line, "`areas` needs a spatial case (`cellsize`)");
        return;
    }
    if (c->n_area_list && c->n_area_list != c->n_units) {
        failf(c, c->line, "`areas` lists %zu values for %zu units",
              c->n_area_list, c->n_units);
        return;
    }

    /* group-major copies for ig_units */
    double *cols = malloc(c->n_groups * c->n_units * sizeof *cols);
    const double **ptrs = malloc(c->n_groups * sizeof *ptrs);
    if (!cols || !ptrs) abort();
    for (size_t g = 0; g < c->n_groups; g++) {
        for (size_t i = 0; i < c->n_units; i++)
            cols[g * c->n_units + i] = c->counts[i * c->n_groups + g];
        ptrs[g] = cols + g * c->n_units;
    }
    ig_units u;
    memset(&u, 0, sizeof u);
    int32_t *rows = NULL, *colv = NULL;
    if (c->cell_m) {
        rows = malloc(c->n_units * sizeof *rows);
        colv = malloc(c->n_units * sizeof *colv);
        if (!rows || !colv) abort();
        for (size_t i = 0; i < c->n_units; i++) {
            rows[i] = c->rowcol[2 * i];
            colv[i] = c->rowcol[2 * i + 1];
        }
        u.row = rows;
        u.col = colv;
        u.cell_m = c->cell_m;
        u.area = c->n_area_list ? c->area_list : NULL;
    }
    u.n_units = c->n_units;
    u.n_groups = c->n_groups;
    u.counts = (const double *const *)ptrs;
    u.total = c->total;

    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    ig_error err = {0};
    ig_status st;
    double value = NAN;
    ig_decomposition dec = {NAN, NAN, NAN};
    if (decomp) {
        st = ig_measure_decompose(ctx, m, &u, c->cluster, c->n_cluster_names,
                                  &dec, &err);
        value = dec.total;
    } else {
        st = ig_measure_compute(ctx, m, &u, group, &c->params, &value, &err);
    }
    ig_ctx_destroy(ctx);
    if (fa.live != 0)
        failf(c, c->line, "%s: %ld allocation(s) not freed", c->measure,
              fa.live);

    ig_status want = c->has_status ? c->expect_status : IG_OK;
    if (st != want) {
        failf(c, c->line, "%s: expected status %s, got %s (%s)", c->measure,
              status_name(want), status_name(st),
              err.msg[0] ? err.msg : "no message");
    } else if (st != IG_OK) {
        if (!err.msg[0])
            failf(c, c->line, "%s: status %s came without a message",
                  c->measure, status_name(st));
        else if (c->has_message && !strstr(err.msg, c->expect_message))
            failf(c, c->line, "%s: message '%s' does not contain '%s'",
                  c->measure, err.msg, c->expect_message);
    } else {
        struct {
            int has;
            const char *what;
            double want, got;
        } chk[3] = {
            {c->has_expect, "value", c->expect, value},
            {c->has_between, "between", c->expect_between, dec.between},
            {c->has_within, "within", c->expect_within, dec.within},
        };
        for (int k = 0; k < 3; k++) {
            if (!chk[k].has) continue;
            double w = chk[k].want, g = chk[k].got;
            int ok = (isinf(w) && w == g) ||
                     (isfinite(w) && isfinite(g) && close_rel(w, g, c->tol));
            if (!ok)
                failf(c, c->line,
                      "%s: %s expected %.17g, got %.17g (difference %.3g, "
                      "tolerance %g)",
                      c->measure, chk[k].what, w, g, g - w, c->tol);
        }
    }
    free(cols);
    free(ptrs);
    free(rows);
    free(colv);
}

static void finish_case(gcase *c, int *open)
{
    if (*open) run_case(c);
    case_free(c);
    *open = 0;
}

static int run_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        n_fail++;
        return 0;
    }
    gcase c;
    case_init(&c, path, 0);
    int open = 0, n_cases = 0;
    int broken = 0; /* the current case had an error: skip to the next */
    int pending_prov = 0, blank_since = 1;
    char buf[65536];
    long line = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        size_t len = strlen(buf);
        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            failf(&c, line, "line too long");
            break;
        }
        char *p = buf;
        while (*p && isspace((unsigned char)*p)) p++;
        if (*p == '\0') {
            blank_since = 1;
            continue;
        }
        if (*p == '#') {
            if (strstr(p, "provenance:")) {
                if (open && !blank_since)
                    c.has_provenance = 1;
                else
                    pending_prov = 1;
            }
            continue;
        }
        char *tok[MAX_TOK];
        size_t nt = tokenize(p, tok, MAX_TOK);
        if (nt > MAX_TOK) {
            failf(&c, line, "too many fields (at most %d)", MAX_TOK);
            continue;
        }
        if (nt == 0) continue;
        const char *d = tok[0];
        if (strcmp(d, "measure") == 0) {
            finish_case(&c, &open);
            case_init(&c, path, line);
            open = 1;
            broken = 0;
            n_cases++;
            c.has_provenance = pending_prov;
            pending_prov = 0;
            blank_since = 0;
            if (nt != 2) {
                failf(&c, line, "measure: expected one id");
                open = 0;
                broken = 1;
                continue;
            }
            snprintf(c.measure, sizeof c.measure, "%s", tok[1]);
            continue;
        }
        blank_since = 0;
        if (!open && broken) continue;
        if (!open) {
            failf(&c, line, "'%s' before the first `measure` line", d);
            continue;
        }
        if (strcmp(d, "group") == 0 && nt == 2) {
            c.has_group = 1;
            snprintf(c.group, sizeof c.group, "%s", tok[1]);
        } else if (strcmp(d, "groups") == 0 && nt >= 2) {
            if (c.n_groups || c.n_units) {
                failf(&c, line, "groups: given twice or after units");
                open = 0;
                broken = 1;
                continue;
            }
            if (nt - 1 > MAX_GROUPS) {
                failf(&c, line, "groups: at most %d", MAX_GROUPS);
                open = 0;
                broken = 1;
                continue;
            }
            c.n_groups = nt - 1;
            for (size_t g = 0; g < c.n_groups; g++)
                snprintf(c.group_names[g], sizeof c.group_names[g], "%s",
                         tok[g + 1]);
        } else if (strcmp(d, "totals") == 0) {
            if (c.totals_mode || c.n_units) {
                failf(&c, line, "totals: given twice or after units");
                open = 0;
                broken = 1;
                continue;
            }
            if (nt == 1) {
                c.totals_mode = 1;
            } else {
                c.totals_mode = 2;
                c.n_total_list = nt - 1;
                c.total_list = malloc(c.n_total_list * sizeof(double));
                if (!c.total_list) abort();
                for (size_t k = 1; k < nt; k++) {
                    if (!parse_double(tok[k], &c.total_list[k - 1])) {
                        failf(&c, line, "totals: '%s' is not a number", tok[k]);
                        open = 0;
                        broken = 1;
                        break;
                    }
                }
            }
        } else if (strcmp(d, "unit") == 0) {
            if (!c.n_groups) {
                failf(&c, line, "unit before `groups`");
                open = 0;
                broken = 1;
                continue;
            }
            size_t sp = c.cell_m ? 2 : 0; /* row and column */
            size_t want = 2 + sp + c.n_groups + (c.totals_mode == 1 ? 1 : 0);
            if (nt != want) {
                failf(&c, line,
                      "unit: expected a name and %zu numbers%s, got %zu "
                      "fields",
                      want - 2, sp ? " (row, column, counts)" : "", nt - 1);
                open = 0;
                broken = 1;
                continue;
            }
            if (c.n_units == c.cap_units) {
                c.cap_units = c.cap_units ? 2 * c.cap_units : 16;
                c.counts = realloc(c.counts,
                                   c.cap_units * c.n_groups * sizeof(double));
                if (!c.counts) abort();
                if (c.totals_mode == 1) {
                    c.total = realloc(c.total, c.cap_units * sizeof(double));
                    if (!c.total) abort();
                }
                if (c.cell_m) {
                    c.rowcol =
                        realloc(c.rowcol, 2 * c.cap_units * sizeof *c.rowcol);
                    if (!c.rowcol) abort();
                }
            }
            int bad = 0;
            for (size_t k = 0; k < sp && !bad; k++) {
                long v;
                if (!parse_long(tok[2 + k], &v) || v < INT32_MIN ||
                    v > INT32_MAX) {
                    failf(&c, line, "unit: %s '%s' is not a whole number",
                          k ? "column" : "row", tok[2 + k]);
                    bad = 2;
                } else {
                    c.rowcol[2 * c.n_units + k] = (int32_t)v;
                }
            }
            for (size_t g = 0; g < c.n_groups && !bad; g++)
                if (!parse_double(tok[2 + sp + g],
                                  &c.counts[c.n_units * c.n_groups + g]))
                    bad = 1;
            if (!bad && c.totals_mode == 1 &&
                !parse_double(tok[2 + sp + c.n_groups], &c.total[c.n_units]))
                bad = 1;
            if (bad == 2) {
                open = 0;
                broken = 1;
                continue;
            }
            if (bad) {
                failf(&c, line, "unit: a count is not a number");
                open = 0;
                broken = 1;
                continue;
            }
            c.n_units++;
        } else if (strcmp(d, "cellsize") == 0 && nt == 2) {
            long v;
            if (c.cell_m || c.n_units) {
                failf(&c, line, "cellsize: given twice or after units");
                open = 0;
                broken = 1;
                continue;
            }
            if (!parse_long(tok[1], &v) || v <= 0 || v > INT32_MAX) {
                failf(&c, line,
                      "cellsize: '%s' is not a whole number of metres > 0",
                      tok[1]);
                open = 0;
                broken = 1;
                continue;
            }
            c.cell_m = (int32_t)v;
        } else if (strcmp(d, "areas") == 0 && nt >= 2) {
            c.area_list = realloc(
                c.area_list, (c.n_area_list + nt - 1) * sizeof *c.area_list);
            if (!c.area_list) abort();
            for (size_t k = 1; k < nt; k++) {
                if (!parse_double(tok[k], &c.area_list[c.n_area_list++])) {
                    failf(&c, line, "areas: '%s' is not a number", tok[k]);
                    open = 0;
                    broken = 1;
                    break;
                }
            }
        } else if (strcmp(d, "cluster") == 0 && nt >= 2) {
            for (size_t k = 1; k < nt; k++) {
                size_t id = c.n_cluster_names;
                for (size_t q = 0; q < c.n_cluster_names; q++)
                    if (strcmp(c.cluster_names[q], tok[k]) == 0) id = q;
                if (id == c.n_cluster_names) {
                    c.cluster_names =
                        realloc(c.cluster_names, (c.n_cluster_names + 1) *
                                                     sizeof *c.cluster_names);
                    if (!c.cluster_names) abort();
                    snprintf(c.cluster_names[id], sizeof c.cluster_names[id],
                             "%s", tok[k]);
                    c.n_cluster_names++;
                }
                c.cluster =
                    realloc(c.cluster, (c.n_cluster + 1) * sizeof *c.cluster);
                if (!c.cluster) abort();
                c.cluster[c.n_cluster++] = (uint32_t)id;
            }
        } else if (strcmp(d, "param") == 0 && nt >= 2) {
            for (size_t k = 1; k < nt; k++)
                if (!set_param(&c, line, tok[k])) open = 0;
            broken = 1;
        } else if (strcmp(d, "tolerance") == 0 && nt == 2) {
            if (!parse_double(tok[1], &c.tol) || !(c.tol >= 0)) {
                failf(&c, line, "tolerance: '%s' is not a number >= 0", tok[1]);
                open = 0;
                broken = 1;
            }
        } else if ((strcmp(d, "expect") == 0 ||
                    strcmp(d, "expect_between") == 0 ||
                    strcmp(d, "expect_within") == 0) &&
                   nt == 2) {
            double v;
            if (!parse_double(tok[1], &v) || isnan(v)) {
                failf(&c, line, "%s: '%s' is not a number", d, tok[1]);
                open = 0;
                broken = 1;
                continue;
            }
            if (d[6] == '\0') {
                c.has_expect = 1;
                c.expect = v;
            } else if (d[7] == 'b') {
                c.has_between = 1;
                c.expect_between = v;
            } else {
                c.has_within = 1;
                c.expect_within = v;
            }
        } else if (strcmp(d, "expect_status") == 0 && nt == 2) {
            if (!parse_status(tok[1], &c.expect_status)) {
                failf(&c, line, "expect_status: unknown status '%s'", tok[1]);
                open = 0;
                broken = 1;
                continue;
            }
            c.has_status = 1;
        } else if (strcmp(d, "expect_message") == 0 && nt >= 2) {
            /* the rest of the line, single spaces between the words */
            c.expect_message[0] = '\0';
            for (size_t k = 1; k < nt; k++) {
                size_t l = strlen(c.expect_message);
                snprintf(c.expect_message + l, sizeof c.expect_message - l,
                         "%s%s", k > 1 ? " " : "", tok[k]);
            }
            c.has_message = 1;
        } else {
            failf(&c, line,
                  "unknown directive or wrong number of fields: '%s' "
                  "(see tests/golden/README.md)",
                  d);
            open = 0;
            broken = 1;
        }
    }
    finish_case(&c, &open);
    fclose(f);
    if (n_cases == 0) {
        fprintf(stderr, "%s: no cases\n", path);
        n_fail++;
    }
    return n_cases;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "%s: cannot open directory: %s\n", dir,
                strerror(errno));
        n_fail++;
        return 0;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".case") == 0) {
            names = realloc(names, (n + 1) * sizeof *names);
            if (!names) abort();
            size_t pl = strlen(dir) + l + 2;
            names[n] = malloc(pl);
            if (!names[n]) abort();
            snprintf(names[n], pl, "%s/%s", dir, e->d_name);
            n++;
        }
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "%s: no *.case files\n", dir);
        n_fail++;
    }
    qsort(names, n, sizeof *names, cmp_str);
    int total = 0;
    for (size_t i = 0; i < n; i++) {
        total += run_file(names[i]);
        free(names[i]);
    }
    free(names);
    return total;
}

int main(int argc, char **argv)
{
    int total = 0, n_paths = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--measure") == 0 && a + 1 < argc) {
            only_measure = argv[++a];
            continue;
        }
        n_paths++;
        DIR *d = opendir(argv[a]);
        if (d) {
            closedir(d);
            total += run_dir(argv[a]);
        } else {
            total += run_file(argv[a]);
        }
    }
    if (n_paths == 0) {
        fprintf(stderr, "usage: golden_runner [--measure ID] PATH...\n");
        return 2;
    }
    printf("%d case(s), %d failure(s)\n", total, n_fail);
    return n_fail ? 1 : 0;
}
