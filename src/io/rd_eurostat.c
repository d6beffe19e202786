/* The Eurostat / INSPIRE grid reader: delimited text with a cell-code
 * column (GRD_ID; Zensus Gitter_ID_100m) and optional *_CI flag columns.
 * It says YES when the header names such a column, so it wins over the
 * generic csv reader; the reading itself is the shared table engine. */
#include <string.h>

#include "io/reader.h"

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int ieq_n(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);
    if (n < k) return 0;
    for (size_t i = 0; i < k; i++)
        if (lower((unsigned char)s[i]) != lit[i]) return 0;
    return 1;
}

static int is_code_name(const char *s, size_t n)
{
    return (n == 6 && ieq_n(s, n, "grd_id")) || ieq_n(s, n, "gitter_id");
}

static ig_probe_answer identify(const ig__probe *p)
{
    return ig__probe_header_any(p, is_code_name) ? IG_PROBE_YES : IG_PROBE_NO;
}

static ig_status read_eurostat(ig__io_input *in, ig_grid **out, ig_error *err)
{
    return ig__table_read(in, IG__FLAVOUR_EUROSTAT, "eurostat", out, err);
}

const ig__reader_vt ig__reader_eurostat = {
    {"eurostat",
     "Eurostat/INSPIRE grid CSV (GRD_ID or Gitter_ID cell codes, *_CI "
     "flags)",
     "csv,csv.gz,tsv,txt"},
    IG_RD_GRID | IG_RD_STREAMING,
    identify,
    read_eurostat};
