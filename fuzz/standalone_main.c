/* Replays fuzz inputs without libFuzzer, so gcc builds run every corpus as
 * an ordinary ctest test (after h3's aflHarness.h and PROJ's standalone
 * mode). Each argument is a file or a directory; directory entries are
 * replayed in name order so a failure reproduces the same way every time.
 * Each input is copied into a buffer of exactly its size, as libFuzzer does,
 * so ASan catches a parser reading one byte too far. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "standalone: cannot open %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        fprintf(stderr, "standalone: cannot read %s\n", path);
        return -1;
    }
    /* Exact-size copy: any read past the input is a heap overflow. */
    uint8_t *exact = malloc(n > 0 ? n : 1);
    if (!exact) {
        free(buf);
        fprintf(stderr, "standalone: out of memory for %s\n", path);
        return -1;
    }
    if (n > 0) memcpy(exact, buf, n);
    free(buf);
    (void)LLVMFuzzerTestOneInput(exact, n);
    free(exact);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file in dir; returns the count, or -1 on error. */
static long replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "standalone: cannot open directory %s: %s\n", dir,
                strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int oom = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                oom = 1;
                break;
            }
            names = nn;
            cap = nc;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) {
            oom = 1;
            break;
        }
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    long count = 0;
    if (oom) {
        fprintf(stderr, "standalone: out of memory listing %s\n", dir);
        count = -1;
    } else {
        if (n > 1) qsort(names, n, sizeof *names, cmp_names);
        for (size_t i = 0; i < n; i++) {
            struct stat st;
            if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode)) continue;
            if (replay_file(names[i]) != 0) {
                count = -1;
                break;
            }
            count++;
        }
    }
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return count;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr,
                "usage: %s FILE|DIR...\n"
                "Runs the fuzz target once on every input file (no "
                "fuzzing).\n",
                argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "standalone: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        long got;
        if (S_ISDIR(st.st_mode)) {
            got = replay_dir(argv[i]);
        } else {
            got = replay_file(argv[i]) == 0 ? 1 : -1;
        }
        if (got < 0) return 1;
        total += got;
    }
    if (total == 0) {
        fprintf(stderr,
                "standalone: no inputs found (an empty corpus tests "
                "nothing; add seeds)\n");
        return 1;
    }
    printf("replayed %ld input(s) without a crash\n", total);
    return 0;
}
