/* Palettes: fixed tables of anchor colours (data, not code), sampled to
 * any number of classes by linear interpolation in sRGB.
 *
 * The sequential and diverging ramps are the colour-blind-safe ones of
 * ColorBrewer 2.0 (Brewer, Harrower & Penn State, Apache 2.0; the 9-class
 * sequential and 11-class diverging schemes are the anchors) and the
 * perceptually uniform viridis (van der Walt & Smith, matplotlib, CC0) and
 * cividis (Nuñez, Anderton & Renslow 2018, PLoS ONE 13(7): e0199239),
 * sampled at ten points. The hot-spot / LISA categories use RdBu hues so
 * that "hot" reads red and "cold" blue in every map. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "integrid/ig_render.h"
#include "render/render_internal.h"

typedef struct palette {
    ig_palette_info info;
    size_t n_anchors;
    uint32_t anchors[11]; /* 0xRRGGBB, low to high */
} palette;

#define CB "ColorBrewer 2.0 (Cynthia Brewer, Apache 2.0)"

static const palette palettes[] = {
    {{"viridis", IG_PALETTE_SEQUENTIAL, IG_CLASSES_MAX,
      "viridis (matplotlib, CC0), 10 samples"},
     10,
     {0x440154, 0x482878, 0x3e4989, 0x31688e, 0x26828e, 0x1f9e89, 0x35b779,
      0x6ece58, 0xb5de2b, 0xfde725}},
    {{"cividis", IG_PALETTE_SEQUENTIAL, IG_CLASSES_MAX,
      "cividis (Nunez et al. 2018), 10 samples"},
     10,
     {0x00224e, 0x123570, 0x3b496c, 0x575d6d, 0x707173, 0x8a8779, 0xa69d75,
      0xc4b56c, 0xe4cf5b, 0xfee838}},
    {{"Blues", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5,
      0x08519c, 0x08306b}},
    {{"Greens", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476, 0x41ab5d, 0x238b45,
      0x006d2c, 0x00441b}},
    {{"Purples", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8, 0x807dba, 0x6a51a3,
      0x54278f, 0x3f007d}},
    {{"Reds", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xfff5f0, 0xfee0d2, 0xfcbba1, 0xfc9272, 0xfb6a4a, 0xef3b2c, 0xcb181d,
      0xa50f15, 0x67000d}},
    {{"YlOrRd", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c, 0xfc4e2a, 0xe31a1c,
      0xbd0026, 0x800026}},
    {{"YlGnBu", IG_PALETTE_SEQUENTIAL, 9, CB},
     9,
     {0xffffd9, 0xedf8b1, 0xc7e9b4, 0x7fcdbb, 0x41b6c4, 0x1d91c0, 0x225ea8,
      0x253494, 0x081d58}},
    {{"RdBu", IG_PALETTE_DIVERGING, 11, CB},
     11,
     {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7, 0xf7f7f7, 0xd1e5f0,
      0x92c5de, 0x4393c3, 0x2166ac, 0x053061}},
    {{"RdYlBu", IG_PALETTE_DIVERGING, 11, CB},
     11,
     {0xa50026, 0xd73027, 0xf46d43, 0xfdae61, 0xfee090, 0xffffbf, 0xe0f3f8,
      0xabd9e9, 0x74add1, 0x4575b4, 0x313695}},
    {{"PuOr", IG_PALETTE_DIVERGING, 11, CB},
     11,
     {0x7f3b08, 0xb35806, 0xe08214, 0xfdb863, 0xfee0b6, 0xf7f7f7, 0xd8daeb,
      0xb2abd2, 0x8073ac, 0x542788, 0x2d004b}},
    {{"BrBG", IG_PALETTE_DIVERGING, 11, CB},
     11,
     {0x543005, 0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3, 0xf5f5f5, 0xc7eae5,
      0x80cdc1, 0x35978f, 0x01665e, 0x003c30}},
    {{"PiYG", IG_PALETTE_DIVERGING, 11, CB},
     11,
     {0x8e0152, 0xc51b7d, 0xde77ae, 0xf1b6da, 0xfde0ef, 0xf7f7f7, 0xe6f5d0,
      0xb8e186, 0x7fbc41, 0x4d9221, 0x276419}},
};

#define N_PALETTES (sizeof palettes / sizeof palettes[0])

size_t ig_palette_count(void) { return N_PALETTES; }

const ig_palette_info *ig_palette_get(size_t i)
{
    return i < N_PALETTES ? &palettes[i].info : NULL;
}

static const palette *lookup(const char *name, int *reversed)
{
    *reversed = 0;
    if (!name) return NULL;
    size_t len = strlen(name);
    if (len > 2 && strcmp(name + len - 2, "_r") == 0) {
        *reversed = 1;
        len -= 2;
    }
    for (size_t i = 0; i < N_PALETTES; i++)
        if (strlen(palettes[i].info.name) == len &&
            strncmp(palettes[i].info.name, name, len) == 0)
            return &palettes[i];
    return NULL;
}

const ig_palette_info *ig__palette_lookup(const char *name, int *reversed)
{
    const palette *p = lookup(name, reversed);
    return p ? &p->info : NULL;
}

const ig_palette_info *ig_palette_find(const char *name)
{
    int rev;
    return ig__palette_lookup(name, &rev);
}

static ig_rgb unpack(uint32_t c)
{
    ig_rgb o = {(uint8_t)(c >> 16), (uint8_t)(c >> 8), (uint8_t)c};
    return o;
}

static uint8_t mix(uint8_t a, uint8_t b, double f)
{
    double v = (double)a + ((double)b - (double)a) * f;
    return (uint8_t)(v + 0.5);
}

ig_status ig_palette_colours(const char *name, size_t n, ig_rgb *out,
                             ig_error *err)
{
    int rev = 0;
    const palette *p = lookup(name, &rev);
    if (!p) {
        char known[400] = "";
        size_t kl = 0;
        for (size_t i = 0; i < N_PALETTES && kl + 20 < sizeof known; i++)
            kl += (size_t)snprintf(known + kl, sizeof known - kl, "%s%s",
                                   i ? ", " : "", palettes[i].info.name);
        return ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                             "unknown palette '%s'; palettes: %s (add _r to "
                             "reverse one)",
                             name ? name : "", known);
    }
    if (n == 0 || n > p->info.max_classes)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "palette %s has %zu classes at most; %zu were "
                             "asked for: ask for fewer classes or use "
                             "viridis or cividis (up to %d)",
                             p->info.name, p->info.max_classes, n,
                             IG_CLASSES_MAX);
    for (size_t i = 0; i < n; i++) {
        /* one colour: the middle of a diverging ramp, 2/3 up a sequential */
        double t = n == 1 ? (p->info.kind == IG_PALETTE_DIVERGING ? 0.5
                                                                  : 0.67)
                          : (double)i / (double)(n - 1);
        if (rev) t = 1.0 - t;
        double pos = t * (double)(p->n_anchors - 1);
        size_t a = (size_t)pos;
        if (a >= p->n_anchors - 1) a = p->n_anchors - 2;
        double f = pos - (double)a;
        ig_rgb c0 = unpack(p->anchors[a]), c1 = unpack(p->anchors[a + 1]);
        out[i].r = mix(c0.r, c1.r, f);
        out[i].g = mix(c0.g, c1.g, f);
        out[i].b = mix(c0.b, c1.b, f);
    }
    return IG_OK;
}

ig_rgb ig_palette_class_colour(ig_local_class c)
{
    static const uint32_t col[IG_LCLASS_COUNT] = {
        0xbdbdbd, /* NONE: no value */
        0xf0f0f0, /* ns */
        0xb2182b, 0xef8a62, 0xfddbc7, /* hot 99, 95, 90 */
        0x2166ac, 0x67a9cf, 0xd1e5f0, /* cold 99, 95, 90 */
        0xb2182b, 0x2166ac, 0xef8a62, 0x67a9cf /* HH, LL, HL, LH */
    };
    unsigned i = (unsigned)c;
    return unpack(i < IG_LCLASS_COUNT ? col[i] : col[0]);
}

const char *ig_palette_class_label(ig_local_class c)
{
    switch (c) {
    case IG_LCLASS_NONE: return "";
    case IG_LCLASS_NS: return "Not significant";
    case IG_LCLASS_HOT_99: return "Hot spot, 99 % confidence";
    case IG_LCLASS_HOT_95: return "Hot spot, 95 % confidence";
    case IG_LCLASS_HOT_90: return "Hot spot, 90 % confidence";
    case IG_LCLASS_COLD_99: return "Cold spot, 99 % confidence";
    case IG_LCLASS_COLD_95: return "Cold spot, 95 % confidence";
    case IG_LCLASS_COLD_90: return "Cold spot, 90 % confidence";
    case IG_LCLASS_HH: return "High among high (HH)";
    case IG_LCLASS_LL: return "Low among low (LL)";
    case IG_LCLASS_HL: return "High among low (HL)";
    case IG_LCLASS_LH: return "Low among high (LH)";
    }
    return "";
}
