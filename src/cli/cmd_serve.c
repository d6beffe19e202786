/* `integrid serve`: the local web app (ig_server_start, include/integrid/
 * ig_server.h) over a data directory, until SIGINT or SIGTERM. All of its
 * options are parsed here (like cmd_places.c): none of them is a read or
 * measure option. The signals are blocked before the server starts, so its
 * threads inherit the mask and the main thread alone takes them with
 * sigwait(); then the server is stopped cleanly (jobs cancelled, store
 * closed). The token is printed once, on standard error. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "integrid/ig_render.h"
#include "integrid/ig_server.h"

void cli_serve_print_help(FILE *fp)
{
    fputs(
        "Usage: integrid serve [--data DIR] [--bind 127.0.0.1] [--port 8080]\n"
        "       [--token T] [--public-read] [--max-upload SIZE] [--threads N]\n"
        "       [--cache SIZE]\n"
        "\n"
        "Run the local web app: a browser UI and a JSON API (/api/v1/) over\n"
        "the grids, places and results kept in DIR/integrid.sqlite. Open the\n"
        "printed address in a browser. Stop it with Ctrl-C.\n"
        "\n"
        "Options:\n"
        "      --data DIR          data directory, created if missing\n"
        "                          (default: the current directory)\n"
        "      --bind ADDR         IPv4 address to listen on (default\n"
        "                          127.0.0.1: this machine only)\n"
        "      --port N            TCP port (default 8080; 0: any free port)\n"
        "      --token T           the token API clients must send as\n"
        "                          'Authorization: Bearer T' (16-64 printable\n"
        "                          characters; default: $INTEGRID_TOKEN, else "
        "a\n"
        "                          random one, printed once)\n"
        "      --public-read       off loopback, let reads go without the\n"
        "                          token (changes always need it)\n"
        "      --max-upload SIZE   largest upload, e.g. 500M, 2G (default\n"
        "                          256M); decompressed gzip uploads are\n"
        "                          capped at 8 times that\n"
        "      --threads N         HTTP worker threads (default 4)\n"
        "      --cache SIZE        memory for decoded grids kept between\n"
        "                          requests, e.g. 512M (default 1G)\n"
        "  -q, --quiet             print only errors\n"
        "\n"
        "Off 127.0.0.1, every request to the API needs the token unless\n"
        "--public-read is given. See docs/server.md.\n"
        "Exit status: 0 stopped by a signal, 1 runtime error, 2 usage "
        "error.\n",
        fp);
}

/* "500M" -> bytes; 0 on a bad value. */
static unsigned long long parse_size(const char *s)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || s[0] == '-') return 0;
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10;
    if (*end == 'M' || *end == 'm') shift = 20;
    if (*end == 'G' || *end == 'g') shift = 30;
    if (shift) end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) return 0;
    if (v > (~0ull >> shift)) return 0;
    return v << shift;
}

int cli_cmd_serve(int argc, char **argv)
{
    ig_server_opts so;
    ig_server_opts_init(&so);
    int quiet = 0;
    unsigned long long max_upload = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = NULL;
        static const char *const with_value[] = {
            "--data",       "--bind",    "--port", "--token",
            "--max-upload", "--threads", "--cache"};
        int k = -1;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            cli_serve_print_help(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(a, "--public-read") == 0) {
            so.public_read = 1;
            continue;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
            continue;
        }
        for (int j = 0; j < 7 && k < 0; j++) {
            size_t n = strlen(with_value[j]);
            if (strncmp(a, with_value[j], n) != 0) continue;
            if (a[n] == '=') {
                k = j;
                val = a + n + 1;
            } else if (a[n] == '\0') {
                k = j;
                if (i + 1 >= argc) {
                    cli_usage_error("serve", "option '%s' needs a value",
                                    with_value[j]);
                    return CLI_EXIT_USAGE;
                }
                val = argv[++i];
            }
        }
        if (k < 0) {
            cli_usage_error("serve", "unknown option or argument '%s'", a);
            return CLI_EXIT_USAGE;
        }
        char *end = NULL;
        long n = 0;
        switch (k) {
            case 0:
                so.data_dir = val;
                break;
            case 1:
                so.bind = val;
                break;
            case 2:
                errno = 0;
                n = strtol(val, &end, 10);
                if (errno || !val[0] || *end || n < 0 || n > 65535) {
                    cli_usage_error("serve",
                                    "invalid value '%s' for --port: "
                                    "give 0 to 65535",
                                    val);
                    return CLI_EXIT_USAGE;
                }
                so.port = (uint16_t)n;
                break;
            case 3:
                so.token = val;
                break;
            case 4:
                max_upload = parse_size(val);
                if (!max_upload) {
                    cli_usage_error("serve",
                                    "invalid value '%s' for --max-upload:"
                                    " give a size such as 500M or 2G",
                                    val);
                    return CLI_EXIT_USAGE;
                }
                break;
            case 6:
                so.cache_bytes = parse_size(val);
                if (!so.cache_bytes) {
                    cli_usage_error("serve",
                                    "invalid value '%s' for --cache:"
                                    " give a size such as 512M or 2G",
                                    val);
                    return CLI_EXIT_USAGE;
                }
                break;
            default:
                errno = 0;
                n = strtol(val, &end, 10);
                if (errno || !val[0] || *end || n < 1 || n > 256) {
                    cli_usage_error("serve",
                                    "invalid value '%s' for --threads: "
                                    "give 1 to 256",
                                    val);
                    return CLI_EXIT_USAGE;
                }
                so.threads = (unsigned)n;
                break;
        }
    }
    if (!so.token && getenv("INTEGRID_TOKEN") && getenv("INTEGRID_TOKEN")[0])
        so.token = getenv("INTEGRID_TOKEN");
    so.max_upload = max_upload;
    so.max_inflated = max_upload ? max_upload * 8 : 0;
    so.quiet = quiet;

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    cli_opts none;
    memset(&none, 0, sizeof none);
    none.quiet = quiet;
    cli_env env;
    cli_env_init(&env, "serve", &none);
    ig_ctx *ctx = cli_make_ctx(&env, &none);
    if (!ctx) {
        cli_env_free(&env);
        return CLI_EXIT_ERROR;
    }
    ig_server *srv = NULL;
    ig_error err = {0};
    ig_status st = ig_server_start(ctx, &so, &srv, &err);
    if (st != IG_OK) {
        cli_report(&env, st, &err, NULL);
        ig_ctx_destroy(ctx);
        cli_env_free(&env);
        return st == IG_ERR_DOMAIN ? CLI_EXIT_USAGE : CLI_EXIT_ERROR;
    }
    const char *host = strcmp(so.bind, "0.0.0.0") == 0 ? "127.0.0.1" : so.bind;
    if (!quiet) {
        fprintf(stderr, "integrid serve: http://%s:%u/ (data in %s)\n", host,
                (unsigned)ig_server_port(srv), so.data_dir);
        if (strncmp(so.bind, "127.", 4) != 0)
            fprintf(stderr,
                    "integrid serve: listening beyond this machine; "
                    "API clients and the browser UI need the token\n");
    }
    /* printed once, whatever --quiet says: without it nobody can write */
    if (!so.token) fprintf(stderr, "token: %s\n", ig_server_token(srv));
    fflush(stderr);
    int sig = 0;
    sigwait(&set, &sig);
    if (!quiet) fprintf(stderr, "integrid serve: stopping\n");
    ig_server_stop(srv);
    ig_ctx_destroy(ctx);
    cli_env_free(&env);
    ig_render_cleanup(); /* the process ends: no leak reports for fonts */
    return CLI_EXIT_OK;
}
