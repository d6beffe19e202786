/* Status strings and error detail. The enum and the strings come from one
 * list (IG_STATUS_MAP), so they cannot drift. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/core.h"
#include "integrid/ig_status.h"
#include "integrid/ig_version.h"

static const char *const status_text[] = {
#define X(name, text) text,
    IG_STATUS_MAP(X)
#undef X
};

const char *ig_strerror(ig_status s)
{
    if ((unsigned)s >= (unsigned)IG_STATUS_END) return "unknown status";
    return status_text[s];
}

char *ig_error_format(const ig_error *err, char *buf, unsigned long cap)
{
    if (!buf || cap == 0) return buf;
    buf[0] = '\0';
    if (!err) return buf;
    size_t n = 0;
    int w;
    if (err->file[0]) {
        w = snprintf(buf, cap, "%s:", err->file);
        n = w > 0 ? (size_t)w : 0;
        if (err->line > 0 && n < cap) {
            w = snprintf(buf + n, cap - n, "%ld:", err->line);
            n += w > 0 ? (size_t)w : 0;
            if (err->column > 0 && n < cap) {
                w = snprintf(buf + n, cap - n, "%ld:", err->column);
                n += w > 0 ? (size_t)w : 0;
            }
        }
        if (n < cap) {
            w = snprintf(buf + n, cap - n, " ");
            n += w > 0 ? (size_t)w : 0;
        }
    } else if (err->line > 0) {
        w = snprintf(buf, cap, "line %ld, column %ld: ", err->line,
                     err->column);
        n = w > 0 ? (size_t)w : 0;
    }
    if (n < cap)
        snprintf(buf + n, cap - n, "%s",
                 err->msg[0] ? err->msg : ig_strerror(err->status));
    return buf;
}

ig_status ig__error_set(ig_error *err, ig_status st, long line, long column,
                        const char *fmt, ...)
{
    if (!err) return st;
    err->status = st;
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return st;
}

void ig__error_file(ig_error *err, const char *file)
{
    if (!err || !file || err->file[0]) return;
    snprintf(err->file, sizeof err->file, "%s", file);
}

unsigned ig_version_number(void)
{
    return IG_VERSION_NUMBER;
}

const char *ig_version_string(void)
{
    return IG_VERSION_STRING;
}
