/* meta.measures: the measure registry is the single list of what integrid
 * computes, so it also drives this audit (Redis's commands.def freshness
 * idea). For every registered measure, docs/measures/<id>.md must exist and
 * carry the headings "## Formula", "## Meaning for policy staff" and
 * "## Citation", and tests/golden/<id>/ must hold at least one *.case file.
 * One cmocka test per measure, built at run time from the registry, so a
 * failure names the measure and every missing piece at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"

static const char *g_srcdir = NULL;

static const char *const required_headings[] = {
    "## Formula",
    "## Meaning for policy staff",
    "## Citation",
};

/* Read a whole file into a NUL-terminated buffer, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (cap - n < 2) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}

/* 1 when some line of text is exactly heading (trailing spaces and a CR
 * allowed). A heading quoted inside a longer line does not count. */
static int has_heading(const char *text, const char *heading)
{
    size_t hl = strlen(heading);
    for (const char *line = text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\r' ||
                           line[len - 1] == '\t'))
            len--;
        if (len == hl && memcmp(line, heading, hl) == 0) return 1;
        line = end ? end + 1 : NULL;
    }
    return 0;
}

static int count_cases(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".case") == 0) n++;
    }
    closedir(d);
    return n;
}

static void test_measure_is_documented_and_tested(void **state)
{
    const ig_measure_info *m = *state;
    char path[4096];
    int problems = 0;

    snprintf(path, sizeof path, "%s/docs/measures/%s.md", g_srcdir, m->name);
    char *doc = slurp(path);
    if (!doc) {
        print_error(
            "%s: missing docs page %s (write it: formula, meaning "
            "for policy staff, citation)\n",
            m->name, path);
        problems++;
    } else {
        for (size_t i = 0;
             i < sizeof required_headings / sizeof required_headings[0]; i++) {
            if (!has_heading(doc, required_headings[i])) {
                print_error("%s: %s lacks the heading line \"%s\"\n", m->name,
                            path, required_headings[i]);
                problems++;
            }
        }
        free(doc);
    }

    snprintf(path, sizeof path, "%s/tests/golden/%s", g_srcdir, m->name);
    int cases = count_cases(path);
    if (cases <= 0) {
        print_error(
            "%s: no golden cases: add at least one %s/*.case "
            "(see tests/golden/README.md)\n",
            m->name, path);
        problems++;
    }
    if (problems > 0)
        fail_msg("%s: %d problem(s), listed above", m->name, problems);
}

static void test_registry_is_sane(void **state)
{
    (void)state;
    size_t n = ig_measure_count();
    assert_true(n > 0);
    assert_null(ig_measure_get(n));
    for (size_t i = 0; i < n; i++) {
        const ig_measure_info *m = ig_measure_get(i);
        assert_non_null(m);
        assert_non_null(m->name);
        /* Ids are file names and CLI arguments: lower case, digits, '_'. */
        assert_true(m->name[0] >= 'a' && m->name[0] <= 'z');
        for (const char *c = m->name; *c; c++)
            assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                        *c == '_');
        assert_ptr_equal(ig_measure_find(m->name), m);
        assert_int_equal(ig_measure_index(m), i);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(ig_measure_get(j)->name, m->name);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SOURCE_DIR\n", argv[0]);
        return 2;
    }
    g_srcdir = argv[1];
    size_t n = ig_measure_count();
    struct CMUnitTest *tests = calloc(n + 1, sizeof *tests);
    char **names = calloc(n + 1, sizeof *names);
    if (!tests || !names) {
        fprintf(stderr, "test_meta: out of memory\n");
        return 1;
    }
    tests[0].name = "registry_is_sane";
    tests[0].test_func = test_registry_is_sane;
    for (size_t i = 0; i < n; i++) {
        const ig_measure_info *m = ig_measure_get(i);
        size_t len = strlen(m->name) + 32;
        names[i] = malloc(len);
        if (!names[i]) {
            fprintf(stderr, "test_meta: out of memory\n");
            return 1;
        }
        snprintf(names[i], len, "measure_%s_documented", m->name);
        tests[i + 1].name = names[i];
        tests[i + 1].test_func = test_measure_is_documented_and_tested;
        /* cmocka hands initial_state to the test as *state. */
        tests[i + 1].initial_state = (void *)(uintptr_t)m;
    }
    int rc = _cmocka_run_group_tests("meta.measures", tests, n + 1, NULL, NULL);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    free(tests);
    return rc;
}
