/* Pixel statistics of a PNG for the headless-browser check of the report
 * (check_report.sh): width, height, the share of pixels that are not
 * white and the number of distinct colours, read through
 * cairo. A blank screenshot has no non-white pixel and one colour. */
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE.png\n", argv[0]);
        return 2;
    }
    cairo_surface_t *s = cairo_image_surface_create_from_png(argv[1]);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "%s: %s\n", argv[1],
                cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return 1;
    }
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s);
    int h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    /* a bit per 24-bit colour */
    unsigned char *seen = calloc((size_t)1 << 21, 1);
    if (!seen) return 1;
    size_t n_seen = 0, nonwhite = 0;
    for (int y = 0; y < h; y++) {
        const uint32_t *row = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            uint32_t px = row[x] & 0xFFFFFFu;
            if (px != 0xFFFFFFu) nonwhite++;
            if (!(seen[px >> 3] & (1u << (px & 7)))) {
                seen[px >> 3] |= (unsigned char)(1u << (px & 7));
                n_seen++;
            }
        }
    }
    printf("%d %d %.4f %zu\n", w, h,
           w && h ? (double)nonwhite / ((double)w * (double)h) : 0.0, n_seen);
    free(seen);
    cairo_surface_destroy(s);
    return 0;
}
