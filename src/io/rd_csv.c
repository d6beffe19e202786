/* The generic delimited-text reader: x/y or cell-code columns, group
 * counts, or long format. It accepts anything that looks like text (no NUL
 * bytes in the first 4 KiB) with a MAYBE, so it is the fallback. */
#include <string.h>

#include "io/reader.h"

static ig_probe_answer identify(const ig__probe *p)
{
    if (memchr(p->head, '\0', p->n_head)) return IG_PROBE_NO;
    return IG_PROBE_MAYBE;
}

static ig_status read_csv(ig__io_input *in, ig_grid **out, ig_error *err)
{
    return ig__table_read(in, IG__FLAVOUR_CSV, "csv", out, err);
}

const ig__reader_vt ig__reader_csv = {
    {"csv",
     "Delimited text (, ; tab): cell codes or x/y columns, group counts, "
     "or long format",
     "csv,tsv,txt,csv.gz,tsv.gz"},
    IG_RD_GRID | IG_RD_STREAMING,
    identify,
    read_csv};
