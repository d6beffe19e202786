/* The reader registry (STYLE.md 11.8, after GDAL's drivers): each reader
 * has a cheap identify() that looks only at the first bytes of the
 * decompressed input, and a read() that consumes the whole input. The
 * registry opens the input itself (so gzip and probing happen once), which
 * is why GDAL's separate open step is folded into read(). */
#ifndef IG_IO_READER_H
#define IG_IO_READER_H

#include "io/io_internal.h"

typedef enum ig_probe_answer {
    IG_PROBE_NO = 0,
    IG_PROBE_MAYBE = 1,
    IG_PROBE_YES = 2
} ig_probe_answer;

/* What identify() may look at. */
typedef struct ig__probe {
    const char *name; /* path or the name given for memory input */
    const char *ext;  /* lower-case extension without ".gz", "" if none */
    const char *head; /* first decompressed bytes (no BOM) */
    size_t n_head;    /* at most IG__PROBE_BYTES */
    int gzip;
    uint64_t size; /* compressed size, 0 when unknown */
} ig__probe;

#define IG__PROBE_BYTES IG__IO_HEAD_BYTES

enum { IG_RD_GRID = 1u, IG_RD_STREAMING = 2u };

typedef struct ig__reader_vt {
    ig_reader_info info; /* name, long name, extensions */
    unsigned caps;
    ig_probe_answer (*identify)(const ig__probe *p);
    ig_status (*read)(ig__io_input *in, ig_grid **out, ig_error *err);
} ig__reader_vt;

/* Header fields of the probe's first line, for identify(): calls fn for
 * each name (quotes and blanks stripped) until it returns non-zero. */
int ig__probe_header_any(const ig__probe *p,
                         int (*fn)(const char *name, size_t len));

#define IG_READER(id) extern const ig__reader_vt ig__reader_##id;
#include "io/readers.def"
#undef IG_READER

#endif /* IG_IO_READER_H */
