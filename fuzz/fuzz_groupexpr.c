/* Fuzz target for group expressions (--group NAME=EXPR): the parser behind
 * ig_group_expr_check() on arbitrary bytes (cut at the first NUL).
 * Properties: no crash, UB or leak; a rejection is IG_ERR_PARSE with a
 * message and a column inside the expression (or 0); an accepted
 * expression is also accepted with blanks around it. The same bytes also
 * go to the other small option parser, the --noise model (ig_noise_parse):
 * no crash; a rejection is IG_ERR_DOMAIN with a message; an accepted model
 * is "none" or has a parameter in its documented range. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "integrid/integrid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *s)
{
    fprintf(stderr, "fuzz_groupexpr: %s for \"%.200s\"\n", what, s);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) return 0;
    char *s = malloc(size + 3);
    if (!s) return 0;
    memcpy(s + 1, data, size);
    s[0] = ' ';
    s[size + 1] = ' ';
    s[size + 2] = '\0';
    const char *e = s + 1;
    s[size + 1] = '\0';
    ig_error err = {0};
    ig_status st = ig_group_expr_check(e, &err);
    size_t len = strlen(e);
    if (st != IG_OK) {
        if (st != IG_ERR_PARSE) fail("status is not IG_ERR_PARSE", e);
        if (err.status != st || !err.msg[0]) fail("no error detail", e);
        if (err.column < 0 || (size_t)err.column > len + 1)
            fail("column outside the expression", e);
    } else {
        s[len + 1] = ' ';
        s[len + 2] = '\0';
        ig_error err2 = {0};
        if (ig_group_expr_check(s, &err2) != IG_OK)
            fail("blanks around an accepted expression", s);
    }
    ig_noise nz;
    ig_error err3 = {0};
    ig_status ns = ig_noise_parse(e, &nz, &err3);
    if (ns != IG_OK && (ns != IG_ERR_DOMAIN || !err3.msg[0]))
        fail("noise model rejected without IG_ERR_DOMAIN and a message", e);
    if (ns == IG_OK &&
        !(nz.kind == IG_NOISE_NONE ||
          (nz.kind == IG_NOISE_ROUND && nz.param >= 2 && nz.param <= 1000000) ||
          (nz.kind == IG_NOISE_PERTURB && nz.param >= 1 &&
           nz.param <= 1000000)))
        fail("noise model accepted outside its range", e);
    free(s);
    return 0;
}
