/* Fuzz target for cell codes: ig_cellcode_parse() on arbitrary bytes, then
 * the round trips parse -> format -> parse in the long and the short form.
 *
 * Properties checked (each failure aborts, which libFuzzer reports as a
 * crash and the standalone replay as a failed test):
 *  - a rejected input returns IG_ERR_PARSE or IG_ERR_DOMAIN and leaves the
 *    output cell untouched;
 *  - an accepted input formats in the long form, and parsing that text
 *    gives back the same cell (parse . format . parse = parse);
 *  - the short form exists exactly when both coordinates are multiples of
 *    the cell size, and parses back to the same cell in EPSG:3035;
 *  - a buffer one byte too small gives IG_ERR_TOO_SMALL and "". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/ig_grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_cellcode: %s for input \"%.*s\"\n", what,
            (int)(size > 200 ? 200 : size), (const char *)data);
    abort();
}

static int same_cell(const ig_cell *a, const ig_cell *b)
{
    return a->north_m == b->north_m && a->east_m == b->east_m &&
           a->size_m == b->size_m && a->epsg == b->epsg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const ig_cell sentinel = {-7, -7, -7, -7};
    ig_cell c = sentinel;
    ig_status st = ig_cellcode_parse(s, size, &c);
    if (st != IG_OK) {
        if (st != IG_ERR_PARSE && st != IG_ERR_DOMAIN)
            fail("unexpected status on rejection", data, size);
        if (!same_cell(&c, &sentinel))
            fail("output written on rejection", data, size);
        return 0;
    }
    if (c.size_m <= 0 || c.north_m < 0 || c.east_m < 0 ||
        c.north_m >= 1000000000000LL || c.east_m >= 1000000000000LL ||
        c.epsg <= 0)
        fail("accepted a cell outside the documented range", data, size);

    /* Long form. */
    char buf[IG_CELLCODE_MAX];
    if (ig_cellcode_format(&c, buf, sizeof buf) != IG_OK)
        fail("long form does not format", data, size);
    size_t n = strlen(buf);
    ig_cell back = sentinel;
    if (ig_cellcode_parse(buf, n, &back) != IG_OK || !same_cell(&c, &back))
        fail("long form does not round-trip", data, size);
    char small[IG_CELLCODE_MAX];
    memset(small, 'x', sizeof small);
    if (ig_cellcode_format(&c, small, n) != IG_ERR_TOO_SMALL || small[0] != 0)
        fail("long form ignores a too-small buffer", data, size);

    /* Short form: defined only on the lattice of the cell size. */
    int on_lattice = c.north_m % c.size_m == 0 && c.east_m % c.size_m == 0;
    st = ig_cellcode_format_short(&c, buf, sizeof buf);
    if (!on_lattice) {
        if (st != IG_ERR_DOMAIN)
            fail("short form accepted off-lattice coordinates", data, size);
        return 0;
    }
    if (st != IG_OK) fail("short form does not format", data, size);
    n = strlen(buf);
    back = sentinel;
    if (ig_cellcode_parse(buf, n, &back) != IG_OK)
        fail("short form does not parse back", data, size);
    if (back.north_m != c.north_m || back.east_m != c.east_m ||
        back.size_m != c.size_m || back.epsg != 3035)
        fail("short form does not round-trip", data, size);
    memset(small, 'x', sizeof small);
    if (ig_cellcode_format_short(&c, small, n) != IG_ERR_TOO_SMALL ||
        small[0] != 0)
        fail("short form ignores a too-small buffer", data, size);
    return 0;
}
