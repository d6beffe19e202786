/* A progress bar on stderr, fed by the library's progress callbacks (bytes
 * while reading, work items while computing).
 *
 * It is drawn only when stderr is a terminal and --no-progress was not
 * given, and only once a phase has lasted over a second, so quick runs and
 * redirected output never see it (INTEGRID_PROGRESS_DELAY, in seconds,
 * changes that second; the tests set it to 0). Redraws are throttled to 10 per
 * second. The measure runner may report from worker threads, hence the mutex; a
 * thread that finds it taken simply skips that update. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(cli_progress *p, int enabled)
{
    memset(p, 0, sizeof *p);
    p->enabled = enabled;
    p->delay_s = 1.0;
    /* for tests: INTEGRID_PROGRESS_DELAY=0 shows the bar at once */
    const char *env = getenv("INTEGRID_PROGRESS_DELAY");
    if (env && *env) {
        char *end;
        double d = strtod(env, &end);
        if (*end == '\0' && d >= 0.0 && d < 3600.0) p->delay_s = d;
    }
    p->t_start = now_s();
    pthread_mutex_init(&p->mu, NULL);
}

void cli_progress_phase(cli_progress *p, const char *label, int bytes)
{
    pthread_mutex_lock(&p->mu);
    p->label = label;
    p->bytes = bytes;
    p->t_start = now_s();
    p->t_last = 0.0;
    pthread_mutex_unlock(&p->mu);
}

static void erase_locked(cli_progress *p)
{
    if (!p->visible) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->visible = 0;
}

void cli_progress_clear(cli_progress *p)
{
    if (!p->enabled) return;
    pthread_mutex_lock(&p->mu);
    erase_locked(p);
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_destroy(cli_progress *p)
{
    pthread_mutex_destroy(&p->mu);
}

static void human_bytes(char *buf, size_t cap, uint64_t n)
{
    const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    if (u == 0)
        snprintf(buf, cap, "%llu B", (unsigned long long)n);
    else
        snprintf(buf, cap, "%.1f %s", v, unit[u]);
}

int cli_progress_cb(void *ud, uint64_t done, uint64_t total)
{
    cli_progress *p = ud;
    if (cli_interrupted()) return 1; /* Ctrl-C: stop, keep what is done */
    if (!p || !p->enabled) return 0;
    if (pthread_mutex_trylock(&p->mu) != 0) return 0;
    double t = now_s();
    int finished = total > 0 && done >= total;
    if (t - p->t_start < p->delay_s || (t - p->t_last < 0.1 && !finished)) {
        pthread_mutex_unlock(&p->mu);
        return 0;
    }
    p->t_last = t;
    char amount[64];
    if (p->bytes) {
        char a[24], b[24];
        human_bytes(a, sizeof a, done);
        human_bytes(b, sizeof b, total);
        if (total)
            snprintf(amount, sizeof amount, "%s / %s", a, b);
        else
            snprintf(amount, sizeof amount, "%s", a);
    } else {
        snprintf(amount, sizeof amount, "%llu / %llu", (unsigned long long)done,
                 (unsigned long long)total);
    }
    const int width = 30;
    if (total) {
        double f = (double)done / (double)total;
        if (f > 1.0) f = 1.0;
        int fill = (int)(f * width);
        char bar[64];
        for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
        bar[width] = '\0';
        fprintf(stderr, "\r\033[K%s [%s] %3d%%  %s",
                p->label ? p->label : "working", bar, (int)(f * 100.0), amount);
    } else {
        fprintf(stderr, "\r\033[K%s  %s", p->label ? p->label : "working",
                amount);
    }
    fflush(stderr);
    p->visible = 1;
    pthread_mutex_unlock(&p->mu);
    return 0;
}
