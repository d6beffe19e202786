/* The local integration profile report (ig_report_write) on
 * tests/data/cli/towns.csv (six towns of 9 cells x 6,000 people; town 1
 * has D(OTH) = 0.1736, see tests/cli/places_measures.t): the structure of
 * the HTML page (seven sections, the CSP, no request leaving the file, one
 * inline SVG per figure with its own id prefix, every sentence filled with
 * numbers), the PDF (signature, page count), the policy section with
 * the shipped framework, errors (extension, unwritable folder, a place
 * without cells, bad radii), atomic output and allocation failures; the
 * change since an earlier census (--previous: the same grid with every
 * count doubled keeps M and D and halves nothing but the residents) and
 * the confidence bands of the profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "integrid/ig_report.h"
#include "test_support.h"

typedef struct fixture {
    ig_grid *grid;
    ig_placeset *ps;
    char dir[64];
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    const char *opt[] = {"LAND_SURFACE", "T", "CHG_OUT"};
    o.keep_optional = opt;
    o.n_keep_optional = 3;
    ig_error err = {0};
    if (ig_grid_read_path(NULL, fixture_path("cli/towns.csv"), &o, &f->grid,
                          &err) != IG_OK)
        fail_msg("%s", err.msg);
    ig_placeset_opts po = {0};
    po.land_area_var = "LAND_SURFACE";
    po.by_places = 1;
    po.aggregates = 1;
    if (ig_placeset_degurba(NULL, f->grid, NULL, &po, &f->ps, &err) != IG_OK)
        fail_msg("%s", err.msg);
    snprintf(f->dir, sizeof f->dir, "/tmp/igreportXXXXXX");
    if (!mkdtemp(f->dir)) fail_msg("mkdtemp");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    ig_placeset_destroy(f->ps);
    ig_grid_destroy(f->grid);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0) return -1;
    free(f);
    ig_render_cleanup();
    return 0;
}

static void spec_for(const fixture *f, ig_report_spec *sp, size_t place)
{
    ig_report_spec_init(sp);
    sp->grid = f->grid;
    sp->places = f->ps;
    sp->place = place;
    sp->infer.reps = 19;
    sp->date = "2026-01-02";
    sp->command = "integrid report towns.csv --place 1 -o r.html";
    sp->input = "towns.csv";
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    size_t got = fread(p, 1, (size_t)n, fp);
    fclose(fp);
    p[got] = '\0';
    if (len) *len = got;
    return p;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what)) n++;
    return n;
}

/* Files left in dir besides the ones named. */
static size_t stray_files(const char *dir)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -c '^\\.'", dir);
    FILE *p = popen(cmd, "r");
    size_t n = 0;
    if (p) {
        if (fscanf(p, "%zu", &n) != 1) n = 0;
        pclose(p);
    }
    return n;
}

static void test_report_html_structure(void **state)
{
    fixture *f = *state;
    ig_report_spec sp;
    spec_for(f, &sp, 0); /* town 1 */
    char path[128];
    snprintf(path, sizeof path, "%s/town1.html", f->dir);
    ig_report_result res;
    ig_error err = {0};
    ig_status st = ig_report_write(NULL, &sp, path, &res, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    assert_int_equal(res.format, IG_REPORT_HTML);
    assert_int_equal(res.sections, 7);
    /* two share maps, two hot-spot maps, the profile, the strip plot */
    assert_int_equal(res.figures, 6);
    assert_int_equal(res.cells, 9);
    assert_true(res.population == 54000.0);
    /* dissimilarity, isolation, exposure of EU_OTH and OTH, and H */
    assert_int_equal(res.measures, 7);
    assert_true(res.peers >= 1);
    assert_true(res.sentences >= 10);
    size_t len = 0;
    char *h = slurp(path, &len);
    assert_non_null(h);
    assert_int_equal(len, res.bytes);
    assert_int_equal(strncmp(h, "<!DOCTYPE html>", 15), 0);
    assert_non_null(strstr(h, "</html>\n"));
    assert_int_equal(count(h, "<section id="), 7);
    const char *ids[7] = {"key-figures", "where", "how-mixed", "scale",
                          "peers",       "policy", "methods"};
    for (int i = 0; i < 7; i++) {
        char a[64];
        snprintf(a, sizeof a, "<section id=\"%s\">", ids[i]);
        assert_non_null(strstr(h, a));
    }
    /* self-contained: a CSP forbidding requests, nothing pointing out */
    assert_non_null(strstr(h, "default-src 'none'; img-src data:"));
    assert_null(strstr(h, "http://"));
    assert_null(strstr(h, "https://"));
    assert_null(strstr(h, "<script"));
    assert_null(strstr(h, "<link"));
    assert_null(strstr(h, " src="));
    assert_null(strstr(h, "@import"));
    assert_int_equal(count(h, "href=\"#"), 7 + count(h, "xlink:href=\"#"));
    /* one inline SVG per figure; ids prefixed per figure */
    assert_int_equal(count(h, "<svg "), res.figures);
    assert_int_equal(count(h, "</svg>"), res.figures);
    assert_null(strstr(h, "<?xml"));
    assert_non_null(strstr(h, "id=\"f0-"));
    assert_non_null(strstr(h, "id=\"f5-"));
    assert_null(strstr(h, "id=\"glyph"));
    assert_null(strstr(h, "href=\"#glyph"));
    /* sentences filled with numbers */
    assert_non_null(strstr(h, "Residents born outside the EU would need to "
                              "move between cells in a share of 17\xc2\xa0% for an "
                              "even distribution."));
    assert_non_null(strstr(h, "54,000 residents"));
    assert_non_null(strstr(h, "95\xc2\xa0% interval is"));
    assert_non_null(strstr(h, "nearest peers"));
    for (char c = '1'; c <= '9'; c++) {
        char ph[4] = {'{', c, '}', 0};
        assert_null(strstr(h, ph));
    }
    /* responsive and printable */
    assert_non_null(strstr(h, "name=\"viewport\""));
    assert_non_null(strstr(h, "@media print"));
    assert_non_null(strstr(h, "@page{size:A4"));
    /* data and methods: version, command */
    assert_non_null(strstr(h, ig_version_string()));
    assert_non_null(
        strstr(h, "integrid report towns.csv --place 1 -o r.html"));
    assert_non_null(strstr(h, "No policy assessment was given"));
    free(h);
    /* no temporary files or folders left */
    assert_int_equal(stray_files(f->dir), 0);
}

static void test_report_pdf_pages(void **state)
{
    fixture *f = *state;
    ig_report_spec sp;
    spec_for(f, &sp, 3); /* town 4, in BB */
    char path[128];
    snprintf(path, sizeof path, "%s/town4.pdf", f->dir);
    ig_report_result res;
    ig_error err = {0};
    ig_status st = ig_report_write(NULL, &sp, path, &res, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    assert_int_equal(res.format, IG_REPORT_PDF);
    assert_true(res.pages >= 3);
    size_t len = 0;
    char *p = slurp(path, &len);
    assert_non_null(p);
    assert_int_equal(memcmp(p, "%PDF-", 5), 0);
    assert_int_equal(len, res.bytes);
    /* page objects: "/Type /Page" not followed by "s" (binary data: no
     * string functions) */
    size_t pages = 0, images = 0;
    for (size_t i = 0; i + 16 < len; i++) {
        if (memcmp(p + i, "/Type /Page", 11) == 0) pages += p[i + 11] != 's';
        if (memcmp(p + i, "/Subtype /Image", 15) == 0) images++;
    }
    assert_int_equal(pages, (size_t)res.pages);
    assert_true(images >= res.figures);
    free(p);
    assert_int_equal(stray_files(f->dir), 0);
}

static void test_report_policy_section(void **state)
{
    fixture *f = *state;
    ig_policy_framework *fw = NULL;
    ig_policy_assessment *as = NULL;
    ig_policy_scores *sc = NULL;
    ig_error err = {0};
    assert_int_equal(ig_policy_framework_builtin(NULL, "lic-oecd12", &fw,
                                                 &err),
                     IG_OK);
    if (ig_policy_assessment_read(NULL, fixture_path("policy/fictown.json"),
                                  &as, &err) != IG_OK)
        fail_msg("%s", err.msg);
    if (ig_policy_score(NULL, fw, as, NULL, &sc, &err) != IG_OK)
        fail_msg("%s", err.msg);
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    sp.policy_framework = fw;
    sp.policy_scores = sc;
    sp.policy_file = "fictown.json";
    char path[128];
    snprintf(path, sizeof path, "%s/policy.html", f->dir);
    ig_report_result res;
    ig_status st = ig_report_write(NULL, &sp, path, &res, &err);
    if (st != IG_OK) fail_msg("%s", err.msg);
    assert_int_equal(res.figures, 7); /* + the radar */
    char *h = slurp(path, NULL);
    assert_non_null(h);
    assert_null(strstr(h, "No policy assessment was given"));
    assert_non_null(strstr(h, "out of 100") ? strstr(h, "out of 100")
                                            : strstr(h, "There is no overall policy score"));
    assert_non_null(strstr(h, "fictown.json"));
    ig_policy_framework_info fi;
    ig_policy_framework_get_info(fw, &fi);
    /* one table row per area */
    const ig_policy_area *a0 = ig_policy_area_get(fw, 0);
    assert_non_null(strstr(h, a0->title));
    assert_int_equal(count(h, "<svg "), 7);
    /* every recommendation that fired links to practices (all the shipped
     * framework's tags have some; docs/policy/practices.md) */
    size_t nrec = 0;
    ig_policy_scores_recommendations(sc, &nrec);
    if (nrec > 8) nrec = 8;
    assert_true(nrec > 0);
    assert_int_equal(count(h, "Examples from similar places: "), nrec);
    free(h);
    ig_policy_scores_destroy(sc);
    ig_policy_assessment_destroy(as);
    ig_policy_framework_destroy(fw);
}

static void test_report_errors(void **state)
{
    fixture *f = *state;
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    ig_error err = {0};
    char path[160];
    /* unknown extension */
    snprintf(path, sizeof path, "%s/r.txt", f->dir);
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, ".html or .pdf"));
    /* unwritable folder */
    memset(&err, 0, sizeof err);
    assert_int_equal(
        ig_report_write(NULL, &sp, "/nonexistent-ig/dir/r.html", NULL, &err),
        IG_ERR_IO);
    assert_non_null(strstr(err.msg, "/nonexistent-ig/dir/r.html"));
    /* place out of range */
    memset(&err, 0, sizeof err);
    sp.place = 1000;
    snprintf(path, sizeof path, "%s/r.html", f->dir);
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, &err),
                     IG_ERR_DOMAIN);
    /* radii not ascending */
    spec_for(f, &sp, 0);
    double radii[2] = {2000, 1000};
    sp.radii = radii;
    sp.n_radii = 2;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, &err),
                     IG_ERR_DOMAIN);
    /* unknown native group */
    spec_for(f, &sp, 0);
    sp.native_group = "NOPE";
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, &err),
                     IG_ERR_NOT_FOUND);
    assert_non_null(strstr(err.msg, "NOPE"));
    /* a place without cells */
    ig_place_def defs[2] = {{"a", "Full", "", "", 0},
                            {"b", "Empty", "", "", 0}};
    size_t off[3] = {0, 1, 1};
    size_t cells[1] = {0};
    ig_placeset *ps = NULL;
    ig_placeset_opts po = {0};
    assert_int_equal(ig_placeset_create(NULL, f->grid, 2, defs, off, cells,
                                        NULL, &po, &ps, &err),
                     IG_OK);
    spec_for(f, &sp, 1);
    sp.places = ps;
    memset(&err, 0, sizeof err);
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, &err),
                     IG_ERR_DOMAIN);
    assert_non_null(strstr(err.msg, "no populated cells"));
    assert_non_null(strstr(err.msg, "Empty"));
    ig_placeset_destroy(ps);
    /* nothing was written */
    struct stat sb;
    assert_int_not_equal(stat(path, &sb), 0);
    assert_int_equal(stray_files(f->dir), 0);
}

/* An existing report stays as it was when a new one fails. */
static void test_report_atomic(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/keep.html", f->dir);
    FILE *fp = fopen(path, "w");
    fputs("old", fp);
    fclose(fp);
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    sp.native_group = "NOPE";
    assert_int_equal(ig_report_write(NULL, &sp, path, NULL, NULL),
                     IG_ERR_NOT_FOUND);
    char *s = slurp(path, NULL);
    assert_string_equal(s, "old");
    free(s);
}

static void test_report_alloc_failures(void **state)
{
    fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/alloc.html", f->dir);
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    sp.infer.reps = 3;
    sp.peers = 2;
    /* count the allocations of a whole run */
    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    assert_int_equal(ig_report_write(ctx, &sp, path, NULL, NULL), IG_OK);
    ig_ctx_destroy(ctx);
    long total = fa.calls;
    assert_true(total > 50);
    /* fail the first 40, then about 60 spread over the rest */
    long step = total / 60 > 1 ? total / 60 : 1;
    for (long n = 1; n <= total; n = n < 40 ? n + 1 : n + step) {
        fail_alloc fb = {0};
        fb.fail_at = n;
        ig_ctx *c2 = make_fail_ctx(&fb, 1);
        ig_error err = {0};
        ig_status st = ig_report_write(c2, &sp, path, NULL, &err);
        ig_ctx_destroy(c2);
        if (fb.live != 0) fail_msg("leak after failing allocation %ld", n);
        if (st != IG_OK && st != IG_ERR_NOMEM)
            fail_msg("allocation %ld: status %d (%s)", n, (int)st, err.msg);
    }
    assert_int_equal(stray_files(f->dir), 0);
}

/* Write towns.csv with every count multiplied by k (and, when rename_nat,
 * the NAT column renamed) into dir/name; read it like the fixture. */
static ig_grid *scaled_towns(const fixture *f, const char *name, int k,
                             int rename_nat)
{
    char *src = slurp(fixture_path("cli/towns.csv"), NULL);
    assert_non_null(src);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    int line = 0;
    for (char *l = strtok(src, "\n"); l; l = strtok(NULL, "\n"), line++) {
        if (line == 0) {
            fputs(rename_nat ? "GRD_ID,CNTR_ID,T,NATX,EU_OTH,OTH,"
                               "LAND_SURFACE,CHG_OUT\n"
                             : l,
                  fp);
            if (!rename_nat) fputc('\n', fp);
            continue;
        }
        /* GRD_ID,CNTR_ID,T,NAT,EU_OTH,OTH,LAND_SURFACE,CHG_OUT */
        char id[64], cn[16], rest[64];
        double t, nat, eu, oth;
        if (sscanf(l, "%63[^,],%15[^,],%lf,%lf,%lf,%lf,%63s", id, cn, &t,
                   &nat, &eu, &oth, rest) != 7)
            fail_msg("towns.csv line %d: %s", line + 1, l);
        fprintf(fp, "%s,%s,%g,%g,%g,%g,%s\n", id, cn, k * t, k * nat, k * eu,
                k * oth, rest);
    }
    fclose(fp);
    free(src);
    ig_read_opts o;
    ig_read_opts_init(&o);
    o.by_col = "CNTR_ID";
    static const char *const gx[3] = {"NATX", "EU_OTH", "OTH"};
    if (rename_nat) {
        o.groups = gx;
        o.n_groups = 3;
    }
    ig_grid *g = NULL;
    ig_error err = {0};
    if (ig_grid_read_path(NULL, path, &o, &g, &err) != IG_OK)
        fail_msg("%s", err.msg);
    return g;
}

/* The value after `what` in s, as text up to the next space or '<'. */
static void word_after(const char *s, const char *what, char *buf, size_t cap)
{
    const char *p = strstr(s, what);
    if (!p) fail_msg("no \"%s\" in the report", what);
    p += strlen(what);
    size_t n = strcspn(p, " <;");
    if (n >= cap) n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
}

static void test_report_previous(void **state)
{
    fixture *f = *state;
    ig_grid *prev = scaled_towns(f, "prev2.csv", 2, 0);
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    sp.previous = prev;
    sp.previous_file = "towns2011.csv";
    char path[128];
    snprintf(path, sizeof path, "%s/prev.html", f->dir);
    ig_report_result res;
    ig_error err = {0};
    if (ig_report_write(NULL, &sp, path, &res, &err) != IG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(res.change, 1);
    assert_true(close_rel(res.previous_population, 2 * res.population, 1e-12));
    /* one more figure: the bar chart of the parts of M */
    assert_int_equal(res.figures, 7);
    assert_int_equal(res.sections, 7);
    char *h = slurp(path, NULL);
    assert_non_null(strstr(h, "Change since the earlier census"));
    assert_non_null(strstr(h, "Residents, earlier census"));
    assert_non_null(strstr(h, "towns2011.csv")); /* section 7 */
    assert_null(strstr(h, "from one census grid only"));
    /* residents halved; the share born abroad and M and D unchanged */
    assert_non_null(strstr(h, "50\xc2\xa0%") ? strstr(h, "50\xc2\xa0%")
                                             : strstr(h, "50 %"));
    assert_non_null(strstr(h, "(0.0 percentage points)"));
    char m0[32];
    word_after(h, "index M, stayed at ", m0, sizeof m0);
    assert_true(m0[0] >= '0' && m0[0] <= '9');
    /* D of born outside the EU = 0.174 then and now: every part 0 */
    assert_non_null(strstr(h, "<td>dissimilarity</td>"));
    assert_non_null(strstr(h, "went from 0.174 to 0.174"));
    free(h);
    ig_grid_destroy(prev);

    /* a previous grid without the native-born group: the report stands
     * and says why there is no change */
    prev = scaled_towns(f, "prevx.csv", 1, 1);
    sp.previous = prev;
    if (ig_report_write(NULL, &sp, path, &res, &err) != IG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(res.change, 0);
    h = slurp(path, NULL);
    assert_non_null(strstr(h, "cannot be shown: the previous grid has no "
                              "group NAT"));
    free(h);
    ig_grid_destroy(prev);
}

static void test_report_profile_bands(void **state)
{
    fixture *f = *state;
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    char path[128];
    snprintf(path, sizeof path, "%s/bands.html", f->dir);
    ig_report_result res;
    ig_error err = {0};
    if (ig_report_write(NULL, &sp, path, &res, &err) != IG_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(res.profile_bands, 0);
    sp.profile_ci = 1;
    if (ig_report_write(NULL, &sp, path, &res, &err) != IG_OK)
        fail_msg("%s", err.msg);
    /* spatial isolation of EU_OTH and OTH, and H: one band each */
    assert_int_equal(res.profile_bands, 3);
    char *h = slurp(path, NULL);
    assert_non_null(strstr(h, "Shaded bands are 95"));
    free(h);
}

/* The change and the bands under allocation failure. */
static void test_report_previous_alloc_failures(void **state)
{
    fixture *f = *state;
    ig_grid *prev = scaled_towns(f, "preva.csv", 2, 0);
    char path[128];
    snprintf(path, sizeof path, "%s/preva.html", f->dir);
    ig_report_spec sp;
    spec_for(f, &sp, 0);
    sp.infer.reps = 3;
    sp.peers = 2;
    sp.previous = prev;
    sp.profile_ci = 1;
    fail_alloc fa = {0};
    ig_ctx *ctx = make_fail_ctx(&fa, 1);
    ig_report_result res;
    assert_int_equal(ig_report_write(ctx, &sp, path, &res, NULL), IG_OK);
    assert_int_equal(res.change, 1);
    ig_ctx_destroy(ctx);
    long total = fa.calls;
    long step = total / 60 > 1 ? total / 60 : 1;
    for (long n = 1; n <= total; n += step) {
        fail_alloc fb = {0};
        fb.fail_at = n;
        ig_ctx *c2 = make_fail_ctx(&fb, 1);
        ig_error err = {0};
        ig_status st = ig_report_write(c2, &sp, path, &res, &err);
        ig_ctx_destroy(c2);
        if (fb.live != 0) fail_msg("leak after failing allocation %ld", n);
        if (st != IG_OK && st != IG_ERR_NOMEM)
            fail_msg("allocation %ld: status %d (%s)", n, (int)st, err.msg);
    }
    ig_grid_destroy(prev);
    assert_int_equal(stray_files(f->dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_html_structure),
        cmocka_unit_test(test_report_pdf_pages),
        cmocka_unit_test(test_report_policy_section),
        cmocka_unit_test(test_report_errors),
        cmocka_unit_test(test_report_atomic),
        cmocka_unit_test(test_report_alloc_failures),
        cmocka_unit_test(test_report_previous),
        cmocka_unit_test(test_report_profile_bands),
        cmocka_unit_test(test_report_previous_alloc_failures),
    };
    return cmocka_run_group_tests_name("report", tests, setup, teardown);
}
