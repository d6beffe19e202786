/* Shared declarations of the `integrid` command-line tool (src/cli).
 *
 * The CLI is a thin layer over the public API in include/integrid/: it parses
 * options (opts.c), calls the library, and prints (out.c, progress.c). It
 * never includes library internals. Unlike the library it may exit on out of
 * memory (cli_xmalloc), because an atexit hook removes any half-written
 * output file first. */
#ifndef IG_CLI_H
#define IG_CLI_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "integrid/integrid.h"

/* Exit codes: the contract documented in docs/cli.md. */
enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_INTERRUPTED = 130 /* Ctrl-C: partial results written */
};

/* Command ids and entry points, generated from commands.def. */
typedef enum cli_cmd_id {
#define IG_CMD(name, usage, summary) CLI_CMD_##name,
#include "cli/commands.def"
#undef IG_CMD
    CLI_CMD_COUNT
} cli_cmd_id;

#define IG_CMD(name, usage, summary) int cli_cmd_##name(int argc, char **argv);
#include "cli/commands.def"
#undef IG_CMD

/* Name, usage and summary of command @p id (static strings). */
const char *cli_cmd_name(cli_cmd_id id);
const char *cli_cmd_usage(cli_cmd_id id);
const char *cli_cmd_summary(cli_cmd_id id);

/* ---- options (opts.c) --------------------------------------------------- */

typedef enum cli_format {
    CLI_FMT_DEFAULT = 0, /* table on a terminal, else csv (json for info) */
    CLI_FMT_TABLE,
    CLI_FMT_CSV,
    CLI_FMT_JSON
} cli_format;

/* Everything a command line can say. Pointers point into argv or into
 * strings owned by the struct (freed by cli_opts_free). */
typedef struct cli_opts {
    cli_cmd_id cmd;
    const char *input; /* FILE argument; NULL when none was given */
    const char *input2; /* change: the second FILE (NEW) */

    /* read options, mapped onto ig_read_opts */
    ig_read_opts read;
    const char **groups;
    size_t n_groups;
    const char **keep;
    size_t n_keep;

    /* measure options */
    const char **only;
    size_t n_only;
    ig_measure_params params;
    int threads; /* 0: number of online CPUs */
    int list;    /* measures --list */

    /* place options (measures, benchmark) */
    const char *places;     /* --places degurba|FILE; NULL: --by or all */
    const char *place_name; /* --place-name PROP (boundary files) */
    const char *place_id;   /* --place-id PROP (boundary files) */
    int assign_area;        /* --assign area (default: centre) */
    const char *places_crs; /* --places-crs CRS (boundary files) */
    const char *places_layer; /* --places-layer NAME (GDAL files) */
    const char *places_out; /* --places-out FILE */
    const char *land_area;  /* --land-area COL */
    int no_aggregates;      /* --no-aggregates */
    const char *place;      /* benchmark --place ID|NAME */
    int peers;              /* benchmark --peers K; 0: the default */
    int peers_set;          /* --peers was given (0 allowed) */
    const char *peers_out;  /* benchmark --peers-out FILE */
    const char *native;     /* --native GROUP: the native-born group */
    const char *eu_group;   /* --eu-group GROUP: born in another EU state */
    const char *movers;     /* --movers COL: moved in from abroad (CHG_OUT) */

    /* spatial options (measures, profile, local); the kernel, edge,
     * adjacency, decay and centre go into params */
    double *radii;        /* --radii LIST (profile), or the one value of
                             --radius-m R (measures, local); owned */
    size_t n_radii;
    double *ks;           /* --k LIST (profile) or --k K (measures, local);
                             owned */
    size_t n_ks;
    const char *measure;  /* local --measure NAME */
    int permutations;     /* local --permutations N (LISA); 0: 999 */
    double fdr;           /* local --fdr Q (hot spots); 0: 0.05 */
    const char *area;     /* --area COL: land area per cell (km2) */
    const char *out_groups; /* local --output-groups G1,G2: groups to write */

    /* inference and change (issue #5) */
    int ci;               /* --ci: bootstrap confidence intervals */
    double level;         /* --level X (0 < X < 1); 0: 0.95 */
    const char *resample; /* --resample residents|cells */
    int test;             /* --test: test against a null of no segregation */
    const char *null_model; /* --null random|systematic|evenness|composition|permutation */
    const char *noise;    /* --noise round:B | perturb:K */
    const char *classes;  /* change --classes degurba|COL */
    int reps_set;         /* --reps was given */

    /* output options */
    cli_format format;
    const char *output; /* -o FILE; NULL or "-" means standard output */
    int quiet;
    int no_progress;
    int help;

    char **owned; /* strings to free */
    size_t n_owned;
} cli_opts;

/* Parse argv (argv[0] is the command name) for command @p cmd. Returns 1
 * when the command should run; otherwise 0 with *exit_code set (help was
 * printed: 0; a usage error was reported: 2) and @p o already freed. */
int cli_opts_parse(cli_cmd_id cmd, int argc, char **argv, cli_opts *o,
                   int *exit_code);
void cli_opts_free(cli_opts *o);
/* Print the help of command @p cmd (its options come from the table). */
void cli_print_cmd_help(cli_cmd_id cmd, FILE *fp);
/* The full help of `integrid places`, whose own options are parsed in
 * cmd_places.c. */
void cli_places_print_help(FILE *fp);
/* The full help of `integrid map` and `integrid policy`, whose own options
 * are parsed in cmd_map.c and cmd_policy.c. */
void cli_map_print_help(FILE *fp);
void cli_policy_print_help(FILE *fp);
void cli_serve_print_help(FILE *fp);
void cli_report_print_help(FILE *fp);
void cli_practices_print_help(FILE *fp);
/* The inference options (--ci, --level, --reps, --seed, --resample,
 * --test, --null) as ig_infer_opts. Returns 0 after a usage error for an
 * unknown --resample or --null. */
int cli_infer_opts(const cli_opts *o, ig_infer_opts *io);
/* Number of threads to use: --threads, or the online CPUs. */
int cli_threads(const cli_opts *o);

/* Read the input grid (input.c); NULL after reporting an error. Commands
 * that make places also keep LAND_SURFACE, T and CHG_IN (or the columns of
 * --land-area and --movers) when the file has them. */
struct cli_env;
ig_grid *cli_read_grid(struct cli_env *env, ig_ctx *ctx, cli_opts *o);
/* The same for another file of the command line (change and compare read
 * two grids with the same options). */
ig_grid *cli_read_grid_at(struct cli_env *env, ig_ctx *ctx, cli_opts *o,
                          const char *file);

/* ---- places (placesel.c) ------------------------------------------------ */

/* 1 when the command works on a place set (--places, or benchmark). */
int cli_uses_places(const cli_opts *o);
/* 1 when the command computes spatial measures (profile, local, or
 * spatial names in --only). */
int cli_uses_spatial(const cli_opts *o);
/* Spatial run options: the grid around regrouped places (context) and the
 * land-area column (--area, else LAND_SURFACE when kept). */
void cli_spatial_run_opts(const cli_opts *o, const ig_grid *grid,
                          const ig_placeset *ps, ig_run_opts *ro);
/* The place set the options ask for: --places degurba, --places FILE
 * (a boundary file), else the grid's --by places (or one place "all").
 * NULL after reporting an error. */
ig_placeset *cli_placeset(struct cli_env *env, ig_ctx *ctx,
                          const cli_opts *o, const ig_grid *grid);
/* The row of --place Q in a place set: an id (any place when any_id, else
 * one that is not an aggregate); else a name or id among the places that
 * are not aggregates (ig_bench_find), urban centres first when
 * centres_first (a city's centre and its cluster share the name).
 * (size_t)-1 after reporting. */
size_t cli_find_place(struct cli_env *env, const ig_placeset *ps,
                      const char *q, int centres_first, int any_id);
/* Name the places after the built-in gazetteer (GeoNames); a warning
 * when that is not possible. */
void cli_name_places(struct cli_env *env, ig_ctx *ctx, ig_placeset *ps,
                     const ig_grid *grid);
/* The companion table of a place set (docs/cli.md): place_id, class, name,
 * country, aggregate, cells, population, groups, area_km2, x, y, lon,
 * lat. Written atomically to @p path ("-" or NULL: stdout). */
int cli_write_placeset(struct cli_env *env, const char *path,
                       const ig_placeset *ps, const ig_grid *grid);

/* ---- progress bar (progress.c) ----------------------------------------- */

/* A progress bar on stderr, drawn only when stderr is a terminal, --no-
 * progress was not given and the run has lasted over a second. The library
 * may call the callback from worker threads, so drawing takes a lock. */
typedef struct cli_progress {
    int enabled;
    int visible; /* a bar is on screen */
    int bytes;   /* 1: done/total are bytes */
    const char *label;
    double t_start;
    double t_last;
    double delay_s;
    pthread_mutex_t mu;
} cli_progress;

void cli_progress_init(cli_progress *p, int enabled);
void cli_progress_phase(cli_progress *p, const char *label, int bytes);
/* Erase the bar if one is shown (before printing anything on stderr). */
void cli_progress_clear(cli_progress *p);
void cli_progress_destroy(cli_progress *p);
/* ig_progress_fn; ud is a cli_progress. Never cancels. */
int cli_progress_cb(void *ud, uint64_t done, uint64_t total);

/* ---- diagnostics and output (out.c) ------------------------------------- */

/* What a command needs to report: its name, --quiet, the progress bar. */
typedef struct cli_env {
    const char *cmd;
    int quiet;
    int warnings; /* warnings printed so far */
    cli_progress progress;
} cli_env;

void cli_env_init(cli_env *env, const char *cmd, const cli_opts *o);
void cli_env_free(cli_env *env);
/* Make a library context that logs through cli_log_cb. NULL on failure
 * (reported). */
ig_ctx *cli_make_ctx(cli_env *env, const cli_opts *o);

/* `integrid: <cmd>: <message>` on stderr. */
void cli_error(cli_env *env, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* `integrid: <cmd>: warning: <message>`, unless --quiet. */
void cli_warn(cli_env *env, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* A usage error: the problem, then `try 'integrid <cmd> --help'`. */
void cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* One line for a library error, located by ig_error_format(); @p path
 * names the input when the library did not. */
void cli_report(cli_env *env, ig_status st, const ig_error *err,
                const char *path);
/* ig_log_fn; ud is a cli_env. */
void cli_log_cb(void *ud, ig_log_level level, const char *msg);

/* The inference columns, in output order: --ci gives columns [0,
 * CLI_INF_CI) (ci_low, ci_high, ci_bca_low, ci_bca_high), --test
 * [CLI_INF_CI, CLI_INF_TEST) (null_mean, null_sd, p_value, expected,
 * corrected, z), --noise [CLI_INF_TEST, CLI_INF_ALL) (noise_bias,
 * noise_sd, noise_share). Shared by measures and profile. */
enum { CLI_INF_CI = 4, CLI_INF_TEST = 10, CLI_INF_ALL = 13 };
const char *cli_inf_name(int c);
void cli_inf_values(const ig_inference *x, double v[CLI_INF_ALL]);
/* Whether column c is written with these options. */
int cli_inf_wanted(int c, int ci, int test, int noise);

/* Memory that the CLI cannot do without: exits with status 1 on failure. */
void *cli_xmalloc(size_t n);
void *cli_xrealloc(void *p, size_t n);
char *cli_xstrdup(const char *s);

/* An output destination: standard output, or a file written atomically
 * (temporary file in the same directory, fsync, rename). */
typedef struct cli_out {
    FILE *fp;
    char *path; /* target; NULL for standard output */
    char *tmp;  /* temporary file while open */
} cli_out;

/* Open @p path ("-" or NULL: stdout). Reports and returns 0 on failure. */
int cli_out_open(cli_env *env, cli_out *out, const char *path);
/* While on, a first SIGINT (Ctrl-C) does not end the process: it sets a
 * flag that cli_interrupted() reports and cli_progress_cb() turns into a
 * request to stop; long runs then write their partial results, marked,
 * and exit with CLI_EXIT_INTERRUPTED. A second Ctrl-C ends the process. */
void cli_soft_interrupt(int on);
int cli_interrupted(void);
/* Flush, fsync and rename into place. Reports and returns 0 on failure
 * (the temporary file is then removed). */
int cli_out_commit(cli_env *env, cli_out *out);
/* Drop the output: remove the temporary file. Safe after commit. */
void cli_out_abort(cli_out *out);
/* 1 when the output goes to a terminal. */
int cli_out_is_tty(const cli_out *out);

/* CSV field, quoted per RFC 4180 when needed. */
void cli_csv_str(FILE *fp, const char *s);
/* JSON string with escapes; invalid UTF-8 becomes U+FFFD. */
void cli_json_str(FILE *fp, const char *s);
/* A number with 17 significant digits (round-trips a double). JSON: null
 * for non-finite values; CSV: empty. */
void cli_json_num(FILE *fp, double v);
void cli_csv_num(FILE *fp, double v);
/* A count in CSV: without decimals when integral, else as cli_csv_num. */
void cli_csv_count(FILE *fp, double v);
/* A count of residents: integral values without decimals. */
void cli_fmt_count(char *buf, size_t cap, double v);

/* Append printf-style text to buf (cap bytes, *len of them in use); what
 * does not fit is cut, and buf stays NUL-terminated. */
void cli_appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Neumaier-compensated sum of v[0..n). */
double cli_sum(const double *v, size_t n);

/* Levenshtein distance (for "did you mean"). */
size_t cli_edit_distance(const char *a, const char *b);
/* Display width of a UTF-8 string (code points). */
size_t cli_utf8_width(const char *s);
/* Print s padded with spaces to @p width columns (left or right aligned). */
void cli_pad(FILE *fp, const char *s, size_t width, int right);

#endif /* IG_CLI_H */
