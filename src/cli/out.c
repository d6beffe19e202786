/* Diagnostics and output for the CLI.
 *
 * Diagnostics: every message is one line on stderr, `integrid: <cmd>: ...`,
 * and erases the progress bar first. Output files are written atomically:
 * a temporary file beside the target (mkstemp), fflush + fsync, rename. The
 * temporary name is also kept in a process-wide slot so that an atexit hook
 * and a SIGINT/SIGTERM handler can remove it; that slot and the two
 * Ctrl-C flags (cli_soft_interrupt) are the only mutable globals of the CLI
 * (the library has none), and signal handlers can reach nothing else. Formatting: CSV fields per RFC 4180, JSON strings with
 * escapes, numbers with 17 significant digits so every double round-trips. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* ---- memory ------------------------------------------------------------- */

static void out_of_memory(void)
{
    fputs("integrid: out of memory\n", stderr);
    exit(CLI_EXIT_ERROR); /* the atexit hook removes a temporary output */
}

void *cli_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) out_of_memory();
    return p;
}

void *cli_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) out_of_memory();
    return q;
}

char *cli_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = cli_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

/* ---- diagnostics -------------------------------------------------------- */

void cli_env_init(cli_env *env, const char *cmd, const cli_opts *o)
{
    memset(env, 0, sizeof *env);
    env->cmd = cmd;
    env->quiet = o ? o->quiet : 0;
    cli_progress_init(&env->progress,
                      o && !o->no_progress && isatty(STDERR_FILENO));
}

void cli_env_free(cli_env *env)
{
    cli_progress_clear(&env->progress);
    cli_progress_destroy(&env->progress);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static void
vmsg(cli_env *env, const char *kind, const char *fmt, va_list ap)
{
    cli_progress_clear(&env->progress);
    fprintf(stderr, "integrid: %s: %s", env->cmd, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void cli_error(cli_env *env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(env, "", fmt, ap);
    va_end(ap);
}

void cli_warn(cli_env *env, const char *fmt, ...)
{
    if (env->quiet) return;
    env->warnings++;
    va_list ap;
    va_start(ap, fmt);
    vmsg(env, "warning: ", fmt, ap);
    va_end(ap);
}

void cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (cmd)
        fprintf(stderr, "integrid: %s: ", cmd);
    else
        fputs("integrid: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "\ntry 'integrid %s --help'\n", cmd);
    else
        fputs("\ntry 'integrid --help'\n", stderr);
}

void cli_report(cli_env *env, ig_status st, const ig_error *err,
                const char *path)
{
    ig_error e = {0};
    if (err) e = *err;
    if (e.status == IG_OK) e.status = st;
    if (!e.file[0] && path) snprintf(e.file, sizeof e.file, "%s", path);
    /* a bare status says little: add its text */
    if (!e.msg[0]) snprintf(e.msg, sizeof e.msg, "%s", ig_strerror(st));
    char buf[IG_ERROR_MSG_MAX + IG_ERROR_FILE_MAX + 64];
    ig_error_format(&e, buf, sizeof buf);
    /* one line, whatever the message holds */
    for (char *p = buf; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    cli_error(env, "%s", buf);
}

void cli_log_cb(void *ud, ig_log_level level, const char *msg)
{
    cli_env *env = ud;
    if (level < IG_LOG_WARN || !msg) return;
    cli_warn(env, "%s", msg);
}

ig_ctx *cli_make_ctx(cli_env *env, const cli_opts *o)
{
    ig_ctx_opts co;
    memset(&co, 0, sizeof co);
    co.log_fn = cli_log_cb;
    co.log_ud = env;
    co.n_threads = cli_threads(o);
    ig_ctx *ctx = NULL;
    ig_status st = ig_ctx_create(&co, &ctx);
    if (st != IG_OK) {
        cli_error(env, "cannot create a library context: %s", ig_strerror(st));
        return NULL;
    }
    return ctx;
}

/* ---- atomic output files ------------------------------------------------ */

/* The temporary file being written, for the exit and signal paths. */
static char tmp_slot[4096];
static volatile sig_atomic_t tmp_slot_set;
static int hooks_installed;

static void remove_tmp_at_exit(void)
{
    if (tmp_slot_set) {
        tmp_slot_set = 0;
        unlink(tmp_slot);
    }
}

/* A first Ctrl-C during a run that can stop cleanly (cli_soft_interrupt)
 * only raises this flag; the command then writes what it has, marked as
 * partial. A second one, or any other signal, ends the process. */
static volatile sig_atomic_t soft_interrupt;
static volatile sig_atomic_t interrupted;

static void remove_tmp_on_signal(int sig)
{
    if (sig == SIGINT && soft_interrupt && !interrupted) {
        interrupted = 1;
        return;
    }
    if (tmp_slot_set) unlink(tmp_slot); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_hooks(void)
{
    if (hooks_installed) return;
    hooks_installed = 1;
    atexit(remove_tmp_at_exit);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = remove_tmp_on_signal;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* keep an inherited "ignore" (e.g. nohup) */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

void cli_soft_interrupt(int on)
{
    install_hooks();
    soft_interrupt = on ? 1 : 0;
}

int cli_interrupted(void)
{
    return interrupted != 0;
}

int cli_out_open(cli_env *env, cli_out *out, const char *path)
{
    memset(out, 0, sizeof *out);
    if (!path || strcmp(path, "-") == 0) {
        out->fp = stdout;
        return 1;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error(env, "cannot write output to '%s': it is a directory", path);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 16;
    if (n >= sizeof tmp_slot) {
        cli_error(env, "output path too long: '%s'", path);
        return 0;
    }
    out->tmp = cli_xmalloc(n);
    /* "dir/.name.XXXXXX": hidden, same directory so rename is atomic */
    snprintf(out->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
    install_hooks();
    int fd = mkstemp(out->tmp);
    if (fd < 0) {
        int e = errno;
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", dirlen ? (int)dirlen : 1,
                 dirlen ? path : ".");
        cli_error(env, "cannot create output file '%s' (in directory '%s'): %s",
                  path, dir, strerror(e));
        free(out->tmp);
        out->tmp = NULL;
        return 0;
    }
    memcpy(tmp_slot, out->tmp, strlen(out->tmp) + 1);
    tmp_slot_set = 1;
    /* mkstemp makes 0600; give the file the usual 0666 & ~umask */
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, (mode_t)(0666 & ~um)) != 0) {
        /* not fatal: the file is still written */
    }
    out->fp = fdopen(fd, "w");
    if (!out->fp) {
        int e = errno;
        close(fd);
        cli_out_abort(out);
        cli_error(env, "cannot write output file '%s': %s", path, strerror(e));
        return 0;
    }
    out->path = cli_xstrdup(path);
    return 1;
}

int cli_out_commit(cli_env *env, cli_out *out)
{
    if (!out->fp) return 0;
    if (!out->tmp) { /* standard output */
        int bad = fflush(out->fp) != 0 || ferror(out->fp);
        if (bad) {
            cli_error(env, "cannot write to standard output: %s",
                      strerror(errno ? errno : EIO));
            return 0;
        }
        return 1;
    }
    int e = 0;
    if (fflush(out->fp) != 0 || ferror(out->fp)) e = errno ? errno : EIO;
    if (!e && fsync(fileno(out->fp)) != 0 && errno != EINVAL) e = errno;
    if (fclose(out->fp) != 0 && !e) e = errno ? errno : EIO;
    out->fp = NULL;
    if (!e && rename(out->tmp, out->path) != 0) e = errno;
    if (e) {
        cli_error(env, "cannot write output file '%s': %s", out->path,
                  strerror(e));
        cli_out_abort(out);
        return 0;
    }
    tmp_slot_set = 0;
    /* make the rename itself durable */
    const char *slash = strrchr(out->path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s",
             slash ? (int)(slash - out->path) + (slash == out->path) : 1,
             slash ? out->path : ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    free(out->tmp);
    out->tmp = NULL;
    free(out->path);
    out->path = NULL;
    return 1;
}

void cli_out_abort(cli_out *out)
{
    if (out->fp && out->fp != stdout) fclose(out->fp);
    out->fp = NULL;
    if (out->tmp) {
        unlink(out->tmp);
        tmp_slot_set = 0;
        free(out->tmp);
        out->tmp = NULL;
    }
    free(out->path);
    out->path = NULL;
}

int cli_out_is_tty(const cli_out *out)
{
    return out->fp && !out->tmp && isatty(fileno(out->fp));
}

/* ---- formatting --------------------------------------------------------- */

void cli_csv_str(FILE *fp, const char *s)
{
    if (!s) return;
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"') fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    unsigned cp = c & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

void cli_json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            fputc('\\', fp);
            fputc((int)c, fp);
            p++;
        } else if (c < 0x20 || c == 0x7F) {
            switch (c) {
                case '\n':
                    fputs("\\n", fp);
                    break;
                case '\r':
                    fputs("\\r", fp);
                    break;
                case '\t':
                    fputs("\\t", fp);
                    break;
                default:
                    fprintf(fp, "\\u%04x", c);
                    break;
            }
            p++;
        } else if (c < 0x80) {
            fputc((int)c, fp);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n == 0) {
                fputs("\\ufffd", fp);
                p++;
            } else {
                fwrite(p, 1, n, fp);
                p += n;
            }
        }
    }
    fputc('"', fp);
}

static void num17(FILE *fp, double v)
{
    if (v == 0.0) v = 0.0; /* no "-0" */
    fprintf(fp, "%.17g", v);
}

void cli_json_num(FILE *fp, double v)
{
    if (!isfinite(v))
        fputs("null", fp);
    else
        num17(fp, v);
}

void cli_csv_num(FILE *fp, double v)
{
    if (isnan(v)) return;
    if (isinf(v))
        fputs(v > 0 ? "inf" : "-inf", fp);
    else
        num17(fp, v);
}

void cli_csv_count(FILE *fp, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        fprintf(fp, "%.0f", v == 0.0 ? 0.0 : v);
    else
        cli_csv_num(fp, v);
}

void cli_fmt_count(char *buf, size_t cap, double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, cap, "%.0f", v == 0.0 ? 0.0 : v);
    else
        snprintf(buf, cap, "%.6g", v);
}

void cli_appendf(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    if (*len >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (w > 0) *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
}

double cli_sum(const double *v, size_t n)
{
    double s = 0.0, c = 0.0;
    for (size_t i = 0; i < n; i++) {
        double t = s + v[i];
        if (fabs(s) >= fabs(v[i]))
            c += (s - t) + v[i];
        else
            c += (v[i] - t) + s;
        s = t;
    }
    return s + c;
}

size_t cli_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64) return la > lb ? la : lb;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

size_t cli_utf8_width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) w++;
    return w;
}

void cli_pad(FILE *fp, const char *s, size_t width, int right)
{
    size_t w = cli_utf8_width(s);
    if (right)
        for (size_t i = w; i < width; i++) fputc(' ', fp);
    fputs(s, fp);
    if (!right)
        for (size_t i = w; i < width; i++) fputc(' ', fp);
}

/* ---- inference columns --------------------------------------------------- */

const char *cli_inf_name(int c)
{
    static const char *const names[CLI_INF_ALL] = {
        "ci_low",    "ci_high", "ci_bca_low", "ci_bca_high", "null_mean",
        "null_sd",   "p_value", "expected",   "corrected",   "z",
        "noise_bias", "noise_sd", "noise_share"};
    return c >= 0 && c < CLI_INF_ALL ? names[c] : "";
}

void cli_inf_values(const ig_inference *x, double v[CLI_INF_ALL])
{
    v[0] = x->ci_low;
    v[1] = x->ci_high;
    v[2] = x->ci_bca_low;
    v[3] = x->ci_bca_high;
    v[4] = x->null_mean;
    v[5] = x->null_sd;
    v[6] = x->p_value;
    v[7] = x->expected;
    v[8] = x->corrected;
    v[9] = x->z;
    v[10] = x->noise_bias;
    v[11] = x->noise_sd;
    v[12] = x->noise_share;
}

int cli_inf_wanted(int c, int ci, int test, int noise)
{
    if (c < 0 || c >= CLI_INF_ALL) return 0;
    return c < CLI_INF_CI ? ci : c < CLI_INF_TEST ? test : noise;
}
