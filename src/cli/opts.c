/* Command-line options for every subcommand, from one table.
 *
 * Each row of `opt_table` carries the long name, the value name, the help
 * text and the set of commands that accept it; the getopt_long array and
 * `integrid <cmd> --help` are both generated from it, so help and parsing
 * cannot drift (h3's Arg table, parsed here with getopt_long as curl does).
 * Values are checked with strtol/strtod and range checks; anything wrong is
 * a usage error (exit 2) reported before any input is read. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"

typedef enum opt_id {
    OPT_HELP = 'h',
    OPT_OUTPUT = 'o',
    OPT_QUIET = 'q',
    OPT_FORMAT_IN = 1000,
    OPT_SEP,
    OPT_DECIMAL_COMMA,
    OPT_CELL_COL,
    OPT_X,
    OPT_Y,
    OPT_ORIGIN,
    OPT_CELL_SIZE,
    OPT_CRS,
    OPT_NA,
    OPT_GROUPS,
    OPT_GROUP,
    OPT_TOTAL,
    OPT_LONG,
    OPT_BY,
    OPT_WITHIN,
    OPT_KEEP,
    OPT_NA_AS_ZERO,
    OPT_STRICT,
    OPT_LIST,
    OPT_ONLY,
    OPT_SEED,
    OPT_REPS,
    OPT_ATKINSON_B,
    OPT_THRESHOLDS,
    OPT_THREADS,
    OPT_FORMAT,
    OPT_NO_PROGRESS,
    OPT_PLACES,
    OPT_PLACE_NAME,
    OPT_PLACE_ID,
    OPT_ASSIGN,
    OPT_PLACES_OUT,
    OPT_LAND_AREA,
    OPT_NO_AGGREGATES,
    OPT_PLACE,
    OPT_PEERS,
    OPT_MEASURES,
    OPT_NATIVE,
    OPT_EU_GROUP,
    OPT_MOVERS,
    OPT_PEERS_OUT,
    OPT_PLACES_CRS,
    OPT_PLACES_LAYER,
    OPT_RADIUS_M,
    OPT_RADII,
    OPT_K,
    OPT_KERNEL,
    OPT_EDGE,
    OPT_ADJACENCY,
    OPT_DECAY_ALPHA,
    OPT_DECAY_BETA,
    OPT_CENTRE,
    OPT_MEASURE,
    OPT_PERMUTATIONS,
    OPT_FDR,
    OPT_AREA,
    OPT_OUTPUT_GROUPS,
    OPT_CI,
    OPT_LEVEL,
    OPT_RESAMPLE,
    OPT_TEST,
    OPT_NULL,
    OPT_NOISE,
    OPT_CLASSES
} opt_id;

typedef enum opt_section {
    SEC_READ,
    SEC_MEASURE,
    SEC_PLACES,
    SEC_OUTPUT,
    SEC_GENERAL,
    SEC_COUNT
} opt_section;

static const char *const section_title[SEC_COUNT] = {
    "Read options", "Measure options", "Place options", "Output options",
    "General options"};

#define C_FORMATS (1u << CLI_CMD_formats)
#define C_INFO (1u << CLI_CMD_info)
#define C_MEASURES (1u << CLI_CMD_measures)
#define C_VERSION (1u << CLI_CMD_version)
#define C_HELP (1u << CLI_CMD_help)
#define C_PLACES (1u << CLI_CMD_places)
#define C_BENCHMARK (1u << CLI_CMD_benchmark)
#define C_PROFILE (1u << CLI_CMD_profile)
#define C_LOCAL (1u << CLI_CMD_local)
#define C_CHANGE (1u << CLI_CMD_change)
#define C_COMPARE (1u << CLI_CMD_compare)
#define C_MAP (1u << CLI_CMD_map)
#define C_POLICY (1u << CLI_CMD_policy)
#define C_REPORT (1u << CLI_CMD_report)
#define C_SERVE (1u << CLI_CMD_serve)
#define C_PRACTICES (1u << CLI_CMD_practices)
#define C_INFER (C_MEASURES | C_PROFILE | C_BENCHMARK | C_REPORT)
#define C_READ (C_INFO | C_MEASURES | C_PLACES | C_BENCHMARK | C_PROFILE | \
                C_LOCAL | C_CHANGE | C_COMPARE | C_MAP | C_POLICY | C_REPORT | \
                C_PRACTICES)
#define C_PLACESET (C_MEASURES | C_BENCHMARK | C_PROFILE | C_MAP | C_POLICY | \
                    C_REPORT | C_PRACTICES)
#define C_SPATIAL (C_MEASURES | C_PROFILE | C_LOCAL | C_MAP | C_REPORT)
#define C_ALL (C_FORMATS | C_INFO | C_MEASURES | C_PLACES | C_BENCHMARK | \
               C_PROFILE | C_LOCAL | C_CHANGE | C_COMPARE | C_MAP | \
               C_POLICY | C_REPORT | C_SERVE | C_PRACTICES | C_VERSION | \
               C_HELP)

typedef struct opt_def {
    const char *name; /* long name */
    int id;           /* short option character, or an OPT_* above 255 */
    const char *arg;  /* value name, NULL for a flag */
    unsigned cmds;    /* commands that accept it */
    opt_section section;
    /* Plain options need no code: a string option stores its value in the
     * `const char *` at str_off of cli_opts, a flag sets the int at
     * flag_off to 1. Options whose value is checked have NONE in both. */
    size_t str_off, flag_off;
    const char *help;
} opt_def;

#define NONE ((size_t)-1)
#define STR(field) offsetof(cli_opts, field), NONE
#define FLAG(field) NONE, offsetof(cli_opts, field)
#define CHECKED NONE, NONE

/* Rows with the same name must have disjoint command sets. */
static const opt_def opt_table[] = {
    {"format-in", OPT_FORMAT_IN, "NAME", C_READ, SEC_READ, CHECKED,
     "force a reader instead of detecting one (see 'integrid formats')"},
    {"sep", OPT_SEP, "CHAR", C_READ, SEC_READ, CHECKED,
     "field separator: ',' ';' or 'tab' (default: detect)"},
    {"decimal-comma", OPT_DECIMAL_COMMA, NULL, C_READ, SEC_READ,
     FLAG(read.decimal_comma),
     "numbers use a decimal comma (1,5); default: detect"},
    {"cell-col", OPT_CELL_COL, "COL", C_READ, SEC_READ, STR(read.cell_col),
     "column with cell codes (CRS3035RES1000mN...E..., 1kmN...E...)"},
    {"x", OPT_X, "COL", C_READ, SEC_READ, STR(read.x_col),
     "column with x (easting) coordinates, metres"},
    {"y", OPT_Y, "COL", C_READ, SEC_READ, STR(read.y_col),
     "column with y (northing) coordinates, metres"},
    {"origin", OPT_ORIGIN, "ll|centre", C_READ, SEC_READ, CHECKED,
     "x/y give the lower-left corner or the centre of a cell"},
    {"cell-size", OPT_CELL_SIZE, "M", C_READ, SEC_READ, CHECKED,
     "cell edge length in metres for x/y input (default: detect)"},
    {"crs", OPT_CRS, "EPSG", C_READ, SEC_READ, CHECKED,
     "CRS code of x/y input (default: 3035, ETRS89-LAEA)"},
    {"na", OPT_NA, "LIST", C_READ, SEC_READ, STR(read.na_values),
     "values meaning 'not available', e.g. '-1,-9,-9999,.' (default: "
     "NA,-9999)"},
    {"groups", OPT_GROUPS, "A,B,C", C_READ, SEC_READ, CHECKED,
     "group columns (default: detect, e.g. Eurostat NAT,EU_OTH,OTH)"},
    {"group", OPT_GROUP, "NAME=EXPR", C_READ, SEC_READ, CHECKED,
     "a group from columns, e.g. FOREIGN=EU_OTH+OTH (repeatable)"},
    {"total", OPT_TOTAL, "COL", C_READ, SEC_READ, STR(read.total_col),
     "population total column (default: the sum of the groups)"},
    {"long", OPT_LONG, "UNIT,GROUP,COUNT", C_READ, SEC_READ, CHECKED,
     "long format: one row per unit and group, no coordinates"},
    {"by", OPT_BY, "COL", C_READ, SEC_READ, STR(read.by_col),
     "split into places by this column (one result block per value)"},
    {"within", OPT_WITHIN, "COL", C_READ, SEC_READ, STR(read.within_col),
     "clusters for between/within decompositions (e.g. districts)"},
    {"keep", OPT_KEEP, "COL,...", C_READ, SEC_READ, CHECKED,
     "extra numeric columns to keep (e.g. LAND_SURFACE)"},
    {"na-as-zero", OPT_NA_AS_ZERO, NULL, C_READ, SEC_READ,
     FLAG(read.na_as_zero),
     "count 'not available' values as 0 instead of leaving cells out"},
    {"strict", OPT_STRICT, NULL, C_READ, SEC_READ, FLAG(read.strict),
     "a cell that appears twice is an error (default: rows are summed)"},

    {"list", OPT_LIST, NULL, C_MEASURES, SEC_MEASURE, FLAG(list),
     "list the measures (name, family, range, citation) and exit"},
    {"list", OPT_LIST, NULL, C_LOCAL, SEC_MEASURE, FLAG(list),
     "list the local measures and exit"},
    {"only", OPT_ONLY, "M1,M2,...", C_MEASURES, SEC_MEASURE, CHECKED,
     "compute only these measures (default: every measure that needs no "
     "coordinates; 'spatial' adds the spatial ones, 'all' is every one; "
     "see --list)"},
    {"measures", OPT_MEASURES, "M1,M2,...", C_BENCHMARK | C_COMPARE | C_REPORT,
     SEC_MEASURE, CHECKED,
     "compare these measures (default: every measure that needs no "
     "simulation; see 'integrid measures --list')"},
    {"measures", OPT_MEASURES, "M1,M2,...", C_PROFILE, SEC_MEASURE, CHECKED,
     "measures to profile (default: every measure that uses a scale: "
     "spatial_isolation, spatial_exposure, spatial_information_theory, "
     "spatial_dissimilarity_multi, spatial_mutual_information)"},
    {"measure", OPT_MEASURE, "NAME", C_LOCAL, SEC_MEASURE, STR(measure),
     "the local measure (see 'integrid local --list')"},
    {"measure", OPT_MEASURE, "NAME", C_CHANGE, SEC_MEASURE, STR(measure),
     "mutual_information (default), multi_information_theory or "
     "dissimilarity"},
    {"radius-m", OPT_RADIUS_M, "R", C_MEASURES | C_COMPARE, SEC_MEASURE,
     CHECKED,
     "neighbourhood radius in metres for measures that use a scale "
     "(default: 1000)"},
    {"radius-m", OPT_RADIUS_M, "R", C_LOCAL, SEC_MEASURE, CHECKED,
     "neighbourhood radius in metres (this or --k for measures that use a "
     "neighbourhood)"},
    {"radii", OPT_RADII, "R1,R2,...", C_PROFILE, SEC_MEASURE, CHECKED,
     "neighbourhood radii in metres, e.g. 100,200,500,1000,2000,5000"},
    {"k", OPT_K, "K", C_MEASURES | C_LOCAL | C_COMPARE, SEC_MEASURE, CHECKED,
     "neighbourhoods of the K nearest residents (EquiPop) instead of a "
     "radius"},
    {"k", OPT_K, "K1,K2,...", C_PROFILE, SEC_MEASURE, CHECKED,
     "neighbourhoods of the K nearest residents, e.g. "
     "200,400,800,1600,3200,6400,12800,25600"},
    {"kernel", OPT_KERNEL, "NAME", C_SPATIAL | C_COMPARE, SEC_MEASURE,
     CHECKED,
     "disc, square, gaussian, biweight, epanechnikov or linear (default: "
     "disc)"},
    {"edge", OPT_EDGE, "grid|place", C_SPATIAL, SEC_MEASURE, CHECKED,
     "neighbourhoods draw from every cell of the grid, or only from the "
     "place's own cells (default: grid)"},
    {"adjacency", OPT_ADJACENCY, "rook|queen",
     C_MEASURES | C_PROFILE | C_COMPARE,
     SEC_MEASURE, CHECKED,
     "contiguity of the spatial dissimilarity indices (default: rook)"},
    {"decay-alpha", OPT_DECAY_ALPHA, "X", C_MEASURES | C_PROFILE | C_COMPARE,
     SEC_MEASURE,
     CHECKED, "proximity measures: a cell's distance to itself is (alpha "
     "a)^beta km, a its area in km2 (default: 0.6)"},
    {"decay-beta", OPT_DECAY_BETA, "X", C_MEASURES | C_PROFILE | C_COMPARE,
     SEC_MEASURE,
     CHECKED, "exponent beta of that self-distance (default: 0.5)"},
    {"centre", OPT_CENTRE, "X,Y", C_SPATIAL, SEC_MEASURE, CHECKED,
     "centre for the centralization measures, metres in the grid's CRS "
     "(default: the population-weighted centroid of the place)"},
    {"area", OPT_AREA, "COL", C_MEASURES | C_PROFILE, SEC_MEASURE, CHECKED,
     "land area per cell in km2 for concentration, delta, centralization "
     "and proximity (default: LAND_SURFACE when present, else whole "
     "cells)"},
    {"output-groups", OPT_OUTPUT_GROUPS, "G1,G2,...", C_LOCAL, SEC_MEASURE,
     STR(out_groups),
     "write only these groups of a per-group measure (every group still "
     "makes up the neighbourhoods; default: all)"},
    {"ci", OPT_CI, NULL, C_INFER, SEC_MEASURE, FLAG(ci),
     "bootstrap confidence intervals: columns ci_low,ci_high (percentile "
     "and BCa; --reps, --seed, --level, --resample)"},
    {"level", OPT_LEVEL, "X", C_INFER | C_COMPARE, SEC_MEASURE, CHECKED,
     "confidence level of --ci, 0 < X < 1 (default: 0.95)"},
    {"resample", OPT_RESAMPLE, "residents|cells", C_INFER, SEC_MEASURE,
     STR(resample),
     "bootstrap residents within cells (multinomial on each cell's "
     "composition; default) or whole cells"},
    {"test", OPT_TEST, NULL, C_INFER, SEC_MEASURE, FLAG(test),
     "test against a null of no segregation: columns null_mean,null_sd,"
     "p_value (--null, --reps, --seed)"},
    {"null", OPT_NULL, "MODEL", C_INFER, SEC_MEASURE, STR(null_model),
     "random (residents allocated at random keeping cell and group totals; "
     "default), systematic, evenness, composition, permutation (cells, for "
     "spatial measures)"},
    {"noise", OPT_NOISE, "MODEL", C_INFER, SEC_MEASURE, STR(noise),
     "noise of the published counts: round:B (rounded to base B) or "
     "perturb:K (moved by at most +-K); it goes into the --ci intervals, and "
     "columns noise_bias,noise_sd,noise_share say what it alone does"},
    {"classes", OPT_CLASSES, "degurba|COL", C_CHANGE, SEC_MEASURE,
     STR(classes),
     "also split the change in M or H between and within classes of cells: "
     "the DEGURBA classes of each census (1 km grids), or the values of "
     "column COL"},
    {"permutations", OPT_PERMUTATIONS, "N", C_LOCAL | C_MAP, SEC_MEASURE, CHECKED,
     "permutations for the LISA pseudo p-values (default: 999)"},
    {"fdr", OPT_FDR, "Q", C_LOCAL | C_MAP, SEC_MEASURE, CHECKED,
     "false discovery rate for the hot-spot classes (default: 0.05)"},
    {"seed", OPT_SEED, "N", C_PLACESET | C_LOCAL | C_CHANGE | C_COMPARE,
     SEC_MEASURE,
     CHECKED,
     "random seed for simulated measures (default: 1)"},
    {"reps", OPT_REPS, "N", C_PLACESET | C_CHANGE | C_COMPARE, SEC_MEASURE,
     CHECKED,
     "simulations for simulated measures (default: 500)"},
    {"atkinson-b", OPT_ATKINSON_B, "X", C_PLACESET, SEC_MEASURE, CHECKED,
     "Atkinson shape parameter, 0 < X < 1 (default: 0.5)"},
    {"thresholds", OPT_THRESHOLDS, "N", C_PLACESET, SEC_MEASURE, CHECKED,
     "thresholds of the concentration profile (default: 1000)"},

    {"places", OPT_PLACES, "degurba|FILE", C_PLACESET, SEC_PLACES,
     STR(places),
     "places to compute for: 'degurba' (urban centres and clusters found "
     "in the grid) or a boundary file (GeoJSON; Shapefile, GeoPackage with "
     "GDAL); default: the --by places"},
    {"place-name", OPT_PLACE_NAME, "PROP", C_PLACESET, SEC_PLACES,
     STR(place_name), "boundary-file property with the place name"},
    {"place-id", OPT_PLACE_ID, "PROP", C_PLACESET, SEC_PLACES, STR(place_id),
     "boundary-file property with the place id (default: the feature id, "
     "else its number)"},
    {"places-crs", OPT_PLACES_CRS, "CRS", C_PLACESET, SEC_PLACES,
     STR(places_crs),
     "CRS of the boundary file when it does not say (e.g. EPSG:2154; "
     "default: its crs member or .prj, else lon/lat)"},
    {"places-layer", OPT_PLACES_LAYER, "NAME", C_PLACESET, SEC_PLACES,
     STR(places_layer),
     "layer of a GDAL boundary file (default: the first)"},
    {"assign", OPT_ASSIGN, "centre|area", C_PLACESET, SEC_PLACES, CHECKED,
     "cells go to the polygon holding their centre, or are split by area "
     "share (default: centre)"},
    {"land-area", OPT_LAND_AREA, "COL", C_PLACESET, SEC_PLACES,
     STR(land_area),
     "land area per cell in km2 (default: LAND_SURFACE when present)"},
    {"no-aggregates", OPT_NO_AGGREGATES, NULL, C_MEASURES | C_PROFILE,
     SEC_PLACES,
     FLAG(no_aggregates),
     "with --places degurba: no rows for all urban centres, urban clusters "
     "and rural cells of each country together"},
    {"places-out", OPT_PLACES_OUT, "FILE", C_MEASURES, SEC_PLACES,
     STR(places_out),
     "also write the places (id, class, name, country, population...) to "
     "FILE, atomically"},
    {"place", OPT_PLACE, "ID|NAME", C_BENCHMARK, SEC_PLACES, STR(place),
     "the place to benchmark: its id, or its name (e.g. Lyon)"},
    {"place", OPT_PLACE, "ID|NAME", C_MAP | C_POLICY | C_REPORT | C_PRACTICES,
     SEC_PLACES,
     STR(place),
     "the place: its id, or its name (e.g. Lyon); default: the whole grid"},
    {"peers", OPT_PEERS, "K", C_BENCHMARK | C_REPORT, SEC_PLACES, CHECKED,
     "number of nearest peers on context variables (default: 10)"},
    {"peers-out", OPT_PEERS_OUT, "FILE", C_BENCHMARK, SEC_PLACES,
     STR(peers_out),
     "also write the peer list (rank, id, name, distance, z-scores) as CSV "
     "to FILE, atomically"},
    {"native", OPT_NATIVE, "GROUP", C_BENCHMARK | C_REPORT, SEC_PLACES, STR(native),
     "the native-born group; the others are foreign-born (default: NAT "
     "when present, else the first group)"},
    {"eu-group", OPT_EU_GROUP, "GROUP", C_BENCHMARK | C_REPORT, SEC_PLACES,
     STR(eu_group),
     "foreign-born group born in another EU state (default: EU_OTH when "
     "present)"},
    {"movers", OPT_MOVERS, "COL", C_BENCHMARK | C_REPORT, SEC_PLACES, STR(movers),
     "column of residents who moved in from abroad in the last year "
     "(default: CHG_OUT, Eurostat's 'residence one year before outside the "
     "country', when present)"},
    {"threads", OPT_THREADS, "N", C_READ, SEC_MEASURE, CHECKED,
     "worker threads (default: the number of online CPUs)"},

    {"format", OPT_FORMAT, "F",
     C_MEASURES | C_FORMATS | C_BENCHMARK | C_PROFILE | C_CHANGE | C_COMPARE,
     SEC_OUTPUT, CHECKED,
     "table, csv or json (default: table on a terminal, else csv)"},
    {"format", OPT_FORMAT, "F", C_INFO, SEC_OUTPUT, CHECKED,
     "table or json (default: table)"},
    {"output", OPT_OUTPUT, "FILE", C_READ | C_FORMATS, SEC_OUTPUT, STR(output),
     "write to FILE, atomically (default: standard output)"},
    {"quiet", OPT_QUIET, NULL, C_READ, SEC_OUTPUT, FLAG(quiet),
     "no warnings on standard error"},
    {"no-progress", OPT_NO_PROGRESS, NULL, C_READ, SEC_OUTPUT,
     FLAG(no_progress),
     "no progress bar (it is shown only on a terminal, after 1 s)"},

    {"help", OPT_HELP, NULL, C_ALL, SEC_GENERAL, FLAG(help),
     "show this help and exit"},
};

#define N_OPTS (sizeof opt_table / sizeof opt_table[0])

/* ---- small helpers ------------------------------------------------------ */

static void own(cli_opts *o, char *s)
{
    o->owned = cli_xrealloc(o->owned, (o->n_owned + 1) * sizeof *o->owned);
    o->owned[o->n_owned++] = s;
}

static void push(const char ***list, size_t *n, const char *s)
{
    *list = cli_xrealloc((void *)*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = s;
}

/* Split a copy of @p arg at commas into @p list. Returns 0 (after a usage
 * error) for an empty item. */
static int split_list(cli_opts *o, const char *opt, const char *arg,
                      const char ***list, size_t *n)
{
    char *copy = cli_xstrdup(arg);
    own(o, copy);
    char *p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma) *comma = '\0';
        if (*p == '\0') {
            cli_usage_error(cli_cmd_name(o->cmd), "empty item in --%s '%s'",
                            opt, arg);
            return 0;
        }
        push(list, n, p);
        if (!comma) break;
        p = comma + 1;
    }
    return 1;
}

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE || v < min || v > max)
        return 0;
    *out = v;
    return 1;
}

static int parse_u64(const char *s, uint64_t *out)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t') p++;
    if (*p == '-' || *p == '+') return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(p, &end, 10);
    if (end == p || *end != '\0' || errno == ERANGE) return 0;
    *out = (uint64_t)v;
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

static const opt_def *find_def(int id, cli_cmd_id cmd)
{
    for (size_t i = 0; i < N_OPTS; i++)
        if (opt_table[i].id == id && (opt_table[i].cmds & (1u << cmd)))
            return &opt_table[i];
    return NULL;
}

/* "did you mean" for an unknown long option */
static const char *closest_option(const char *given, cli_cmd_id cmd)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < N_OPTS; i++) {
        if (!(opt_table[i].cmds & (1u << cmd))) continue;
        size_t d = cli_edit_distance(given, opt_table[i].name);
        if (d < best_d) {
            best_d = d;
            best = opt_table[i].name;
        }
    }
    size_t len = strlen(given);
    return best_d <= (len < 6 ? 2 : len / 3) ? best : NULL;
}

/* Options of @p cmd that start with @p given, listed in @p buf. */
static size_t prefix_matches(const char *given, cli_cmd_id cmd, char *buf,
                             size_t cap)
{
    size_t n = 0, len = 0, glen = strlen(given);
    buf[0] = '\0';
    for (size_t i = 0; i < N_OPTS; i++) {
        if (!(opt_table[i].cmds & (1u << cmd))) continue;
        if (strncmp(opt_table[i].name, given, glen) != 0) continue;
        cli_appendf(buf, cap, &len, "%s--%s", n++ ? ", " : "",
                    opt_table[i].name);
    }
    return n;
}

static int bad_value(cli_opts *o, const char *opt, const char *arg,
                     const char *expect)
{
    cli_usage_error(cli_cmd_name(o->cmd), "invalid value '%s' for --%s: %s",
                    arg, opt, expect);
    return 0;
}

/* A whole number in [min, max] into *dst. */
static int set_int(cli_opts *o, const opt_def *d, const char *arg, long min,
                   long max, int *dst)
{
    long v;
    if (!parse_long(arg, min, max, &v)) {
        char expect[96];
        snprintf(expect, sizeof expect,
                 "expected a whole number from %ld to %ld", min, max);
        return bad_value(o, d->name, arg, expect);
    }
    *dst = (int)v;
    return 1;
}

/* ---- one option --------------------------------------------------------- */

static int set_format(cli_opts *o, const char *arg)
{
    if (strcmp(arg, "table") == 0)
        o->format = CLI_FMT_TABLE;
    else if (strcmp(arg, "csv") == 0 && o->cmd != CLI_CMD_info)
        o->format = CLI_FMT_CSV;
    else if (strcmp(arg, "json") == 0)
        o->format = CLI_FMT_JSON;
    else
        return bad_value(o, "format", arg,
                         o->cmd == CLI_CMD_info ? "use table or json"
                                                : "use table, csv or json");
    return 1;
}

static int set_format_in(cli_opts *o, const char *arg)
{
    size_t n = ig_reader_count();
    if (n == 0) { /* no registry to check against: let the library decide */
        o->read.format = arg;
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        const ig_reader_info *r = ig_reader_get(i);
        if (r && strcmp(r->name, arg) == 0) {
            o->read.format = r->name;
            return 1;
        }
    }
    char names[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        const ig_reader_info *r = ig_reader_get(i);
        if (r)
            cli_appendf(names, sizeof names, &len, "%s%s", len ? ", " : "",
                        r->name);
    }
    cli_usage_error(cli_cmd_name(o->cmd),
                    "unknown input format '%s' for --format-in; known: %s", arg,
                    names);
    return 0;
}

static int set_sep(cli_opts *o, const char *arg)
{
    if (strcmp(arg, ",") == 0 || strcmp(arg, "comma") == 0)
        o->read.delimiter = ',';
    else if (strcmp(arg, ";") == 0 || strcmp(arg, "semicolon") == 0)
        o->read.delimiter = ';';
    else if (strcmp(arg, "tab") == 0 || strcmp(arg, "\t") == 0 ||
             strcmp(arg, "\\t") == 0)
        o->read.delimiter = '\t';
    else
        return bad_value(o, "sep", arg, "use ',' ';' or 'tab'");
    return 1;
}

static int check_group_expr(cli_opts *o, const char *opt, const char *expr)
{
    ig_error err = {0};
    ig_status st = ig_group_expr_check(expr, &err);
    if (st == IG_OK || st == IG_ERR_DISABLED) {
        if (st == IG_ERR_DISABLED && strchr(expr, '=') &&
            (expr[0] == '=' || strchr(expr, '=')[1] == '\0')) {
            cli_usage_error(cli_cmd_name(o->cmd),
                            "invalid group '%s' for --%s: use NAME=EXPR", expr,
                            opt);
            return 0;
        }
        return 1;
    }
    /* the library's message names the expression and the column */
    if (err.msg[0])
        cli_usage_error(cli_cmd_name(o->cmd), "--%s: %s", opt, err.msg);
    else
        cli_usage_error(cli_cmd_name(o->cmd), "invalid group '%s' for --%s: %s",
                        expr, opt, ig_strerror(st));
    return 0;
}

/* --radius-m R, --radii R1,R2,... and --k K[,K2,...]: positive finite
 * numbers, one each unless the command is `profile`. */
static int set_scales(cli_opts *o, const opt_def *d, const char *arg)
{
    int is_k = d->id == OPT_K;
    int many = o->cmd == CLI_CMD_profile;
    const char **items = NULL;
    size_t n = 0;
    if (!split_list(o, d->name, arg, &items, &n)) {
        free((void *)items);
        return 0;
    }
    if (n > 1 && !many) {
        free((void *)items);
        return bad_value(o, d->name, arg,
                         "expected one number (several scales: 'integrid "
                         "profile')");
    }
    double **dst = is_k ? &o->ks : &o->radii;
    size_t *nd = is_k ? &o->n_ks : &o->n_radii;
    for (size_t i = 0; i < n; i++) {
        double v;
        if (!parse_double(items[i], &v) || !(v > 0.0) ||
            (is_k && v < 1.0)) {
            free((void *)items);
            return bad_value(o, d->name, arg,
                             is_k ? "expected whole numbers of residents "
                                    ">= 1, e.g. 200,400,800"
                                  : "expected distances in metres > 0, "
                                    "e.g. 500,1000,2000");
        }
        *dst = cli_xrealloc(*dst, (*nd + 1) * sizeof **dst);
        (*dst)[(*nd)++] = v;
    }
    free((void *)items);
    if (!is_k && *nd) o->params.scale.radius_m = (*dst)[0];
    if (is_k && *nd) o->params.scale.k = (*dst)[0];
    return 1;
}

static int handle(cli_opts *o, const opt_def *d, const char *arg)
{
    if (d->str_off != NONE) {
        *(const char **)(void *)((char *)o + d->str_off) = arg;
        return 1;
    }
    if (d->flag_off != NONE) {
        *(int *)(void *)((char *)o + d->flag_off) = 1;
        return 1;
    }
    long v;
    double x;
    switch ((opt_id)d->id) {
        case OPT_FORMAT_IN:
            return set_format_in(o, arg);
        case OPT_SEP:
            return set_sep(o, arg);
        case OPT_ORIGIN:
            if (strcmp(arg, "ll") == 0 || strcmp(arg, "lower-left") == 0)
                o->read.origin = IG_ORIGIN_LL;
            else if (strcmp(arg, "centre") == 0 || strcmp(arg, "center") == 0)
                o->read.origin = IG_ORIGIN_CENTRE;
            else
                return bad_value(o, d->name, arg, "use ll or centre");
            return 1;
        case OPT_CELL_SIZE: {
            int m = 0;
            if (!set_int(o, d, arg, 1, INT32_MAX, &m)) return 0;
            o->read.cell_size_m = (int32_t)m;
            return 1;
        }
        case OPT_CRS: {
            const char *p = arg;
            if (strncasecmp(p, "EPSG:", 5) == 0) p += 5;
            if (!parse_long(p, 1, 999999, &v))
                return bad_value(o, d->name, arg,
                                 "expected an EPSG code such as 3035");
            o->read.epsg = (int32_t)v;
            return 1;
        }
        case OPT_GROUPS: {
            size_t first = o->n_groups;
            if (!split_list(o, d->name, arg, &o->groups, &o->n_groups))
                return 0;
            for (size_t i = first; i < o->n_groups; i++)
                if (!check_group_expr(o, d->name, o->groups[i])) return 0;
            return 1;
        }
        case OPT_GROUP:
            if (!strchr(arg, '='))
                return bad_value(o, d->name, arg,
                                 "use NAME=EXPR, e.g. FOREIGN=EU_OTH+OTH");
            if (!check_group_expr(o, d->name, arg)) return 0;
            push(&o->groups, &o->n_groups, arg);
            return 1;
        case OPT_LONG: {
            const char *c1 = strchr(arg, ',');
            const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
            if (!c1 || !c2 || strchr(c2 + 1, ',') || c1 == arg ||
                c2 == c1 + 1 || c2[1] == '\0')
                return bad_value(o, d->name, arg,
                                 "use UNIT_COL,GROUP_COL,COUNT_COL");
            o->read.long_spec = arg;
            return 1;
        }
        case OPT_KEEP:
            return split_list(o, d->name, arg, &o->keep, &o->n_keep);
        case OPT_ONLY:
            return split_list(o, d->name, arg, &o->only, &o->n_only);
        case OPT_SEED:
            if (!parse_u64(arg, &o->params.seed))
                return bad_value(o, d->name, arg,
                                 "expected a whole number from 0 to 2^64-1");
            return 1;
        case OPT_REPS:
            o->reps_set = 1;
            return set_int(o, d, arg, 1, 100000000, &o->params.reps);
        case OPT_ATKINSON_B:
            if (!parse_double(arg, &x) || !(x > 0.0 && x < 1.0))
                return bad_value(
                    o, d->name, arg,
                    "expected a number between 0 and 1 (exclusive)");
            o->params.atkinson_b = x;
            return 1;
        case OPT_THRESHOLDS:
            return set_int(o, d, arg, 2, 100000000, &o->params.n_thresholds);
        case OPT_THREADS:
            return set_int(o, d, arg, 1, 1024, &o->threads);
        case OPT_MEASURES:
            return split_list(o, d->name, arg, &o->only, &o->n_only);
        case OPT_PEERS:
            o->peers_set = 1;
            return set_int(o, d, arg, 0, 100000, &o->peers);
        case OPT_ASSIGN:
            if (strcmp(arg, "centre") == 0 || strcmp(arg, "center") == 0)
                o->assign_area = 0;
            else if (strcmp(arg, "area") == 0)
                o->assign_area = 1;
            else
                return bad_value(o, d->name, arg, "use centre or area");
            return 1;
        case OPT_RADIUS_M:
        case OPT_RADII:
        case OPT_K:
            return set_scales(o, d, arg);
        case OPT_KERNEL: {
            ig_error e;
            memset(&e, 0, sizeof e);
            if (ig_kernel_parse(arg, &o->params.scale.kernel, &e) != IG_OK)
                return bad_value(o, d->name, arg, e.msg);
            return 1;
        }
        case OPT_EDGE:
            if (strcmp(arg, "grid") == 0)
                o->params.edge = IG_EDGE_GRID;
            else if (strcmp(arg, "place") == 0)
                o->params.edge = IG_EDGE_PLACE;
            else
                return bad_value(o, d->name, arg, "use grid or place");
            return 1;
        case OPT_ADJACENCY:
            if (strcmp(arg, "rook") == 0 || strcmp(arg, "4") == 0)
                o->params.adjacency = 4;
            else if (strcmp(arg, "queen") == 0 || strcmp(arg, "8") == 0)
                o->params.adjacency = 8;
            else
                return bad_value(o, d->name, arg, "use rook or queen");
            return 1;
        case OPT_DECAY_ALPHA:
        case OPT_DECAY_BETA:
            if (!parse_double(arg, &x) || !(x > 0.0))
                return bad_value(o, d->name, arg, "expected a number > 0");
            if (d->id == OPT_DECAY_ALPHA)
                o->params.decay_alpha = x;
            else
                o->params.decay_beta = x;
            return 1;
        case OPT_CENTRE: {
            const char *comma = strchr(arg, ',');
            char xs[64];
            size_t len = comma ? (size_t)(comma - arg) : 0;
            double y;
            if (!comma || len >= sizeof xs)
                return bad_value(o, d->name, arg,
                                 "expected X,Y in metres, e.g. "
                                 "4321000,3210000");
            memcpy(xs, arg, len);
            xs[len] = '\0';
            if (!parse_double(xs, &x) || !parse_double(comma + 1, &y))
                return bad_value(o, d->name, arg,
                                 "expected X,Y in metres, e.g. "
                                 "4321000,3210000");
            o->params.centre_given = 1;
            o->params.centre_x_m = x;
            o->params.centre_y_m = y;
            return 1;
        }
        case OPT_AREA:
            o->area = arg;
            return 1;
        case OPT_PERMUTATIONS:
            return set_int(o, d, arg, 1, 100000000, &o->permutations);
        case OPT_LEVEL:
            if (!parse_double(arg, &x) || !(x > 0.0 && x < 1.0))
                return bad_value(o, d->name, arg,
                                 "expected a number between 0 and 1, e.g. "
                                 "0.95");
            o->level = x;
            return 1;
        case OPT_FDR:
            if (!parse_double(arg, &x) || !(x > 0.0 && x < 1.0))
                return bad_value(o, d->name, arg,
                                 "expected a number between 0 and 1");
            o->fdr = x;
            return 1;
        case OPT_FORMAT:
            return set_format(o, arg);
        default:
            break; /* plain options: stored above */
    }
    return 1;
}

/* --only / --measures keywords: "all" (every measure), "spatial" (the
 * measures that need coordinates), "aspatial" (those that do not). */
static void expand_keywords(cli_opts *o)
{
    const char **names = NULL;
    size_t n = 0;
    int any = 0;
    for (size_t i = 0; i < o->n_only; i++) {
        const char *w = o->only[i];
        int all = strcmp(w, "all") == 0, sp = strcmp(w, "spatial") == 0,
            asp = strcmp(w, "aspatial") == 0;
        if (!all && !sp && !asp) {
            push(&names, &n, w);
            continue;
        }
        any = 1;
        for (size_t m = 0; m < ig_measure_count(); m++) {
            const ig_measure_info *mi = ig_measure_get(m);
            int is_sp = (mi->flags & (IG_MF_SPATIAL | IG_MF_SCALE)) != 0;
            if (all || (sp && is_sp) || (asp && !is_sp))
                push(&names, &n, mi->name);
        }
    }
    if (!any) {
        free((void *)names);
        return;
    }
    free((void *)o->only);
    o->only = names;
    o->n_only = n;
}

/* Checks across options, once all are known. */
static int check_combination(cli_opts *o)
{
    const char *cmd = cli_cmd_name(o->cmd);
    const ig_read_opts *r = &o->read;
    if (!r->x_col != !r->y_col) {
        cli_usage_error(cmd, "--x and --y go together");
        return 0;
    }
    if (r->cell_col && r->x_col) {
        cli_usage_error(cmd, "give either --cell-col or --x/--y, not both");
        return 0;
    }
    if (r->long_spec && (r->cell_col || r->x_col)) {
        cli_usage_error(cmd,
                        "--long input has no coordinates; "
                        "drop --cell-col/--x/--y");
        return 0;
    }
    if ((o->cmd == CLI_CMD_measures || o->cmd == CLI_CMD_local) && o->list) {
        if (o->input) {
            cli_usage_error(cmd, "--list takes no FILE");
            return 0;
        }
        return 1;
    }
    if (o->cmd == CLI_CMD_benchmark && (!o->place || !o->place[0])) {
        cli_usage_error(cmd, "--place ID|NAME is required: the place to "
                             "compare with its peers");
        return 0;
    }
    if (o->places && !o->places[0]) {
        cli_usage_error(cmd, "--places needs 'degurba' or a boundary file");
        return 0;
    }
    if ((o->place_name || o->place_id || o->assign_area || o->places_crs ||
         o->places_layer) &&
        (!o->places || strcmp(o->places, "degurba") == 0)) {
        cli_usage_error(cmd, "--place-name, --place-id, --places-crs, "
                             "--places-layer and --assign apply to --places "
                             "FILE (a boundary file)");
        return 0;
    }
    if (o->places && o->read.long_spec) {
        cli_usage_error(cmd, "--places needs a grid with cells; --long "
                             "input has none (use --by)");
        return 0;
    }
    if (o->cmd == CLI_CMD_measures || o->cmd == CLI_CMD_profile)
        expand_keywords(o);
    if (o->cmd == CLI_CMD_measures || o->cmd == CLI_CMD_benchmark ||
        o->cmd == CLI_CMD_profile) {
        const char *which =
            o->cmd == CLI_CMD_measures ? "--only" : "--measures";
        for (size_t i = 0; i < o->n_only; i++) {
            if (ig_measure_find(o->only[i])) continue;
            /* the closest names, best first */
            const char *best[3] = {NULL, NULL, NULL};
            size_t bd[3] = {(size_t)-1, (size_t)-1, (size_t)-1};
            for (size_t m = 0; m < ig_measure_count(); m++) {
                const ig_measure_info *mi = ig_measure_get(m);
                if (!mi) continue;
                size_t d = cli_edit_distance(o->only[i], mi->name);
                if (strstr(mi->name, o->only[i])) d = d < 3 ? d : 3;
                for (int k = 0; k < 3; k++) {
                    if (d < bd[k]) {
                        for (int j = 2; j > k; j--) {
                            bd[j] = bd[j - 1];
                            best[j] = best[j - 1];
                        }
                        bd[k] = d;
                        best[k] = mi->name;
                        break;
                    }
                }
            }
            /* close names only, unless nothing is close */
            size_t limit = strlen(o->only[i]) / 2;
            if (limit < 3) limit = 3;
            if (bd[0] <= limit)
                for (int k = 1; k < 3; k++)
                    if (bd[k] > limit) best[k] = NULL;
            char hint[256] = "";
            size_t len = 0;
            for (int k = 0; k < 3 && best[k]; k++)
                cli_appendf(hint, sizeof hint, &len, "%s%s", k ? ", " : "",
                            best[k]);
            if (len)
                cli_usage_error(cmd,
                                "unknown measure '%s' in %s; closest: %s "
                                "(all: 'integrid measures --list')",
                                o->only[i], which, hint);
            else
                cli_usage_error(cmd, "unknown measure '%s' in %s",
                                o->only[i], which);
            return 0;
        }
    }
    if ((o->cmd == CLI_CMD_measures || o->cmd == CLI_CMD_local ||
         o->cmd == CLI_CMD_compare) &&
        o->n_radii && o->n_ks) {
        cli_usage_error(cmd, "give --radius-m or --k, not both");
        return 0;
    }
    if (o->cmd == CLI_CMD_profile && !o->n_radii == !o->n_ks) {
        cli_usage_error(cmd, "give the scales: --radii R1,R2,... (metres) or "
                             "--k K1,K2,... (nearest residents), one of "
                             "them");
        return 0;
    }
    if (o->cmd == CLI_CMD_local && !o->list &&
        (!o->measure || !o->measure[0])) {
        cli_usage_error(cmd, "--measure NAME is required (see 'integrid "
                             "local --list')");
        return 0;
    }
    if (o->cmd == CLI_CMD_info || o->cmd == CLI_CMD_measures ||
        o->cmd == CLI_CMD_places || o->cmd == CLI_CMD_benchmark ||
        o->cmd == CLI_CMD_profile || o->cmd == CLI_CMD_local ||
        o->cmd == CLI_CMD_map || o->cmd == CLI_CMD_report) {
        if (!o->input && isatty(STDIN_FILENO)) {
            cli_usage_error(cmd,
                            "no input FILE given (use '-' to read "
                            "standard input from a terminal)");
            return 0;
        }
    }
    return 1;
}

int cli_opts_parse(cli_cmd_id cmd, int argc, char **argv, cli_opts *o,
                   int *exit_code)
{
    memset(o, 0, sizeof *o);
    o->cmd = cmd;
    ig_read_opts_init(&o->read);
    ig_measure_params_init(&o->params);
    const char *name = cli_cmd_name(cmd);

    struct option lopts[N_OPTS + 1];
    char shorts[2 * N_OPTS + 2];
    size_t nl = 0, ns = 0;
    shorts[ns++] = ':'; /* report a missing value as ':' */
    for (size_t i = 0; i < N_OPTS; i++) {
        const opt_def *d = &opt_table[i];
        if (!(d->cmds & (1u << cmd))) continue;
        lopts[nl].name = d->name;
        lopts[nl].has_arg = d->arg ? required_argument : no_argument;
        lopts[nl].flag = NULL;
        lopts[nl].val = d->id;
        nl++;
        if (d->id < 256) {
            shorts[ns++] = (char)d->id;
            if (d->arg) shorts[ns++] = ':';
        }
    }
    memset(&lopts[nl], 0, sizeof lopts[nl]);
    shorts[ns] = '\0';

    opterr = 0;
    optind = 1;
    for (;;) {
        int c = getopt_long(argc, argv, shorts, lopts, NULL);
        if (c == -1) break;
        if (c == '?' || c == ':') {
            char given[128];
            if (optopt && optopt < 256)
                snprintf(given, sizeof given, "-%c", optopt);
            else
                snprintf(given, sizeof given, "%s", argv[optind - 1]);
            if (c == ':') {
                cli_usage_error(name, "option '%s' needs a value", given);
            } else {
                char *eq = strchr(given, '=');
                if (eq) *eq = '\0';
                const char *near = NULL;
                char cands[256] = "";
                size_t nc = 0;
                if (strncmp(given, "--", 2) == 0) {
                    near = closest_option(given + 2, cmd);
                    nc = prefix_matches(given + 2, cmd, cands, sizeof cands);
                }
                if (nc > 1)
                    cli_usage_error(name, "ambiguous option '%s': %s", given,
                                    cands);
                else if (near)
                    cli_usage_error(name,
                                    "unknown option '%s'; did you mean '--%s'?",
                                    given, near);
                else
                    cli_usage_error(name, "unknown option '%s'", given);
            }
            *exit_code = CLI_EXIT_USAGE;
            cli_opts_free(o);
            return 0;
        }
        const opt_def *d = find_def(c, cmd);
        if (!d) continue;
        if (!handle(o, d, optarg)) {
            *exit_code = CLI_EXIT_USAGE;
            cli_opts_free(o);
            return 0;
        }
    }
    if (o->help) {
        cli_print_cmd_help(cmd, stdout);
        *exit_code = CLI_EXIT_OK;
        if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr,
                    "integrid: %s: cannot write to standard output: %s\n", name,
                    strerror(errno ? errno : EIO));
            *exit_code = CLI_EXIT_ERROR;
        }
        cli_opts_free(o);
        return 0;
    }
    int max_pos = (cmd == CLI_CMD_info || cmd == CLI_CMD_measures ||
                   cmd == CLI_CMD_places || cmd == CLI_CMD_benchmark ||
                   cmd == CLI_CMD_profile || cmd == CLI_CMD_local ||
                   cmd == CLI_CMD_map || cmd == CLI_CMD_policy ||
                   cmd == CLI_CMD_report || cmd == CLI_CMD_practices ||
                   cmd == CLI_CMD_help)
                      ? 1
                  : cmd == CLI_CMD_change || cmd == CLI_CMD_compare ? 2
                                          : 0;
    if (argc - optind > max_pos) {
        cli_usage_error(name, "unexpected argument '%s'",
                        argv[optind + max_pos]);
        *exit_code = CLI_EXIT_USAGE;
        cli_opts_free(o);
        return 0;
    }
    if (optind < argc) o->input = argv[optind];
    if (optind + 1 < argc) o->input2 = argv[optind + 1];
    if ((cmd == CLI_CMD_change || cmd == CLI_CMD_compare) && !o->help &&
        (!o->input || !o->input2)) {
        cli_usage_error(name, cmd == CLI_CMD_compare
                                  ? "give two grids: A B (e.g. the 2011 and "
                                    "the 2021 census)"
                                  : "give two grids: OLD NEW (e.g. the 2011 "
                                    "and the 2021 census of the same place)");
        *exit_code = CLI_EXIT_USAGE;
        cli_opts_free(o);
        return 0;
    }
    o->read.groups = o->groups;
    o->read.n_groups = o->n_groups;
    o->read.keep = o->keep;
    o->read.n_keep = o->n_keep;
    if (!check_combination(o)) {
        *exit_code = CLI_EXIT_USAGE;
        cli_opts_free(o);
        return 0;
    }
    return 1;
}

void cli_opts_free(cli_opts *o)
{
    for (size_t i = 0; i < o->n_owned; i++) free(o->owned[i]);
    free(o->owned);
    free((void *)o->groups);
    free((void *)o->keep);
    free((void *)o->only);
    free(o->radii);
    free(o->ks);
    memset(o, 0, sizeof *o);
}

int cli_infer_opts(const cli_opts *o, ig_infer_opts *io)
{
    const char *cmd = cli_cmd_name(o->cmd);
    ig_infer_opts_init(io);
    io->ci = o->ci;
    io->test = o->test;
    if (o->level > 0.0) io->level = o->level;
    if (o->reps_set) io->reps = o->params.reps;
    io->seed = o->params.seed;
    if (o->resample && ig_resample_parse(o->resample, &io->resample) != IG_OK) {
        cli_usage_error(cmd, "unknown --resample '%s'; use residents or cells",
                        o->resample);
        return 0;
    }
    if (o->null_model &&
        ig_null_model_parse(o->null_model, &io->null_model) != IG_OK) {
        cli_usage_error(cmd,
                        "unknown --null '%s'; use random, permutation, "
                        "systematic, evenness or composition",
                        o->null_model);
        return 0;
    }
    if (o->noise) {
        ig_error e = {0};
        if (ig_noise_parse(o->noise, &io->noise, &e) != IG_OK) {
            cli_usage_error(cmd, "--noise: %s", e.msg);
            return 0;
        }
    }
    return 1;
}

int cli_threads(const cli_opts *o)
{
    if (o->threads > 0) return o->threads;
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) return 1;
    return n > 1024 ? 1024 : (int)n;
}

/* An option line: the option in a 28-column gutter, the help text wrapped
 * at 79 columns. */
static void print_wrapped(FILE *fp, const char *left, int left_w,
                          const char *text)
{
    enum { GUTTER = 28, WIDTH = 79 };
    if (left_w >= GUTTER)
        fprintf(fp, "%s\n%*s", left, GUTTER, "");
    else
        fprintf(fp, "%-*s", GUTTER, left);
    size_t col = GUTTER;
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (col > GUTTER && col + 1 + word > WIDTH) {
            fprintf(fp, "\n%*s", GUTTER, "");
            col = GUTTER;
        } else if (col > GUTTER) {
            fputc(' ', fp);
            col++;
        }
        fwrite(p, 1, word, fp);
        col += word;
        p += word;
        while (*p == ' ') p++;
    }
    fputc('\n', fp);
}

void cli_print_cmd_help(cli_cmd_id cmd, FILE *fp)
{
    const char *usage = cli_cmd_usage(cmd);
    fprintf(fp, "Usage: integrid %s%s%s\n\n%s.\n", cli_cmd_name(cmd),
            usage[0] ? " " : "", usage, cli_cmd_summary(cmd));
    for (int s = 0; s < SEC_COUNT; s++) {
        int shown = 0;
        for (size_t i = 0; i < N_OPTS; i++) {
            const opt_def *d = &opt_table[i];
            if (!(d->cmds & (1u << cmd)) || (int)d->section != s) continue;
            if (!shown) fprintf(fp, "\n%s:\n", section_title[s]);
            shown = 1;
            char left[64];
            int w;
            if (d->id < 256)
                w = snprintf(left, sizeof left, "  -%c, --%s%s%s", d->id,
                             d->name, d->arg ? " " : "", d->arg ? d->arg : "");
            else
                w = snprintf(left, sizeof left, "      --%s%s%s", d->name,
                             d->arg ? " " : "", d->arg ? d->arg : "");
            print_wrapped(fp, left, w, d->help);
        }
    }
    if (cmd == CLI_CMD_info || cmd == CLI_CMD_measures ||
        cmd == CLI_CMD_places || cmd == CLI_CMD_profile ||
        cmd == CLI_CMD_local)
        fputs("\nFILE may be gzip-compressed; '-' reads standard input.\n", fp);
    fputs("Exit status: 0 success, 1 runtime error, 2 usage error.\n", fp);
}
