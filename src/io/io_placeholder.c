/* IG_PLACEHOLDER: replaced by the real readers. */
#include <string.h>

#include "core/core.h"
#include "integrid/ig_io.h"

void ig_read_opts_init(ig_read_opts *o)
{
    memset(o, 0, sizeof *o);
    o->decimal_comma = -1;
}

ig_status ig_grid_read_path(ig_ctx *ctx, const char *path,
                            const ig_read_opts *opts, ig_grid **out,
                            ig_error *err)
{
    (void)ctx, (void)path, (void)opts, (void)out;
    return ig__error_set(err, IG_ERR_DISABLED, 0, 0, "not implemented yet");
}

ig_status ig_grid_read_mem(ig_ctx *ctx, const void *data, size_t len,
                           const char *name, const ig_read_opts *opts,
                           ig_grid **out, ig_error *err)
{
    (void)ctx, (void)data, (void)len, (void)name, (void)opts, (void)out;
    return ig__error_set(err, IG_ERR_DISABLED, 0, 0, "not implemented yet");
}

size_t ig_reader_count(void)
{
    return 0;
}

const ig_reader_info *ig_reader_get(size_t i)
{
    (void)i;
    return NULL;
}

ig_status ig_group_expr_check(const char *expr, ig_error *err)
{
    (void)expr;
    return ig__error_set(err, IG_ERR_DISABLED, 0, 0, "not implemented yet");
}
