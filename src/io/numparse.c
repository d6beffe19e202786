/* Decimal number parsing for counts and coordinates.
 *
 * The syntax is checked by hand ([+-]digits[sep digits][e[+-]digits]), so
 * hex, "nan", "inf" and locale quirks never slip through strtod. Values with
 * at most 2^53 as significand and a power of ten up to 22 take Clinger's
 * fast path: both factors are exact doubles, so one IEEE multiplication or
 * division gives the correctly rounded result. Anything harder (long
 * significands, large exponents) goes to strtod, which glibc rounds
 * correctly; the separator is swapped for the C library's decimal point. */
#include <stdlib.h>
#include <string.h>

#include "io/io_internal.h"

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* "nan", "inf", "infinity" with an optional sign, any case. */
static int is_nonfinite_word(const char *s, size_t n)
{
    size_t i = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) i = 1;
    static const char *const words[] = {"nan", "inf", "infinity"};
    for (size_t w = 0; w < 3; w++) {
        size_t wl = strlen(words[w]);
        if (n - i != wl) continue;
        size_t k = 0;
        while (k < wl && lower(s[i + k]) == words[w][k]) k++;
        if (k == wl) return 1;
    }
    return 0;
}

static int slow_path(const char *s, size_t n, char dec, char libc_dp,
                     double *out)
{
    char buf[512];
    if (n >= sizeof buf) return IG__NUM_BAD;
    for (size_t i = 0; i < n; i++) buf[i] = (s[i] == dec) ? libc_dp : s[i];
    buf[n] = '\0';
    char *end = NULL;
    double v = strtod(buf, &end);
    if (end != buf + n) return IG__NUM_BAD;
    if (!(v - v == 0.0)) return IG__NUM_NOT_FINITE; /* inf or nan */
    *out = v;
    return IG__NUM_OK;
}

int ig__num_parse(const char *s, size_t n, char dec, char libc_dp, double *out)
{
    size_t i = 0;
    int neg = 0;
    if (n == 0) return IG__NUM_BAD;
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t m = 0;
    int sig = 0;     /* significant digits kept in m */
    int dropped = 0; /* significant digits beyond 19 (slow path) */
    int digits = 0;  /* all mantissa digits seen */
    long e10 = 0;
    while (i < n && is_digit(s[i])) {
        digits++;
        if (m == 0 && s[i] == '0') {
            /* leading zero: not significant */
        } else if (sig < 19) {
            m = m * 10 + (uint64_t)(s[i] - '0');
            sig++;
        } else {
            dropped = 1;
            e10++;
        }
        i++;
    }
    if (i < n && s[i] == dec) {
        i++;
        while (i < n && is_digit(s[i])) {
            digits++;
            if (m == 0 && s[i] == '0') {
                e10--;
            } else if (sig < 19) {
                m = m * 10 + (uint64_t)(s[i] - '0');
                sig++;
                e10--;
            } else {
                dropped = 1;
            }
            i++;
        }
    }
    if (digits == 0) {
        if (is_nonfinite_word(s, n)) return IG__NUM_NOT_FINITE;
        return IG__NUM_BAD;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        if (i >= n || !is_digit(s[i])) return IG__NUM_BAD;
        long ev = 0;
        while (i < n && is_digit(s[i])) {
            if (ev < 100000) ev = ev * 10 + (s[i] - '0');
            i++;
        }
        e10 += eneg ? -ev : ev;
    }
    if (i != n) return IG__NUM_BAD;
    double v;
    if (m == 0) {
        v = 0.0;
    } else if (!dropped && m <= ((uint64_t)1 << 53) && e10 >= -22 &&
               e10 <= 22) {
        v = (double)m;
        v = e10 >= 0 ? v * pow10_exact[e10] : v / pow10_exact[-e10];
        if (neg) v = -v;
    } else {
        return slow_path(s, n, dec, libc_dp, out);
    }
    *out = v;
    return IG__NUM_OK;
}
