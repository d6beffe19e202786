/** @file ig_status.h
 *  @brief Status codes and caller-owned error detail.
 *
 *  Every fallible library function returns an ::ig_status and, when the
 *  caller passes a non-NULL ::ig_error, fills it with where (file, line,
 *  column) and what went wrong. There is no global "last error". */
#ifndef IG_STATUS_H
#define IG_STATUS_H

#include "integrid/ig_export.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One list drives both the enum and ig_strerror(), so they cannot drift. */
#define IG_STATUS_MAP(X)                                          \
    X(OK, "success")                                              \
    X(ERR_NOMEM, "out of memory")                                 \
    X(ERR_IO, "input/output error")                               \
    X(ERR_PARSE, "malformed input")                               \
    X(ERR_FORMAT, "unknown or unsupported input format")          \
    X(ERR_DOMAIN, "argument outside its valid range")             \
    X(ERR_MISMATCH, "inputs do not match (grid, groups, size)")   \
    X(ERR_TOO_SMALL, "caller buffer too small")                   \
    X(ERR_NUMERIC, "numerical failure (zero total, NaN)")         \
    X(ERR_NOT_FOUND, "no such column, group, measure or place")   \
    X(ERR_DISABLED, "feature not compiled in")                    \
    X(ERR_CANCELLED, "cancelled by the caller")

/** Status codes. IG_OK is 0; every other value is an error. */
typedef enum ig_status {
#define IG_STATUS_X_(name, text) IG_##name,
    IG_STATUS_MAP(IG_STATUS_X_)
#undef IG_STATUS_X_
        IG_STATUS_END /**< sentinel: one past the last code, not a status */
} ig_status;

/** Longest message kept in ::ig_error, including the NUL. */
#define IG_ERROR_MSG_MAX 512
/** Longest file name kept in ::ig_error, including the NUL. */
#define IG_ERROR_FILE_MAX 256

/** Error detail, filled when the caller passes one. Owned by the caller.
 *  Zero-initialise it (`ig_error err = {0};`) before the first call. */
typedef struct ig_error {
    ig_status status;             /**< same as the function's return value */
    char file[IG_ERROR_FILE_MAX]; /**< input file, "" when not applicable */
    long line;   /**< 1-based input line, 0 when not applicable */
    long column; /**< 1-based byte column, 0 when not applicable */
    char msg[IG_ERROR_MSG_MAX]; /**< NUL-terminated; set when status != IG_OK */
} ig_error;

/** Short static description of @p s; never NULL ("unknown status" for
 *  values outside the enum). */
IG_API const char *ig_strerror(ig_status s);

/** Format @p err as one line, `file:line:column: message` (parts that are
 *  not known are left out), into @p buf of @p cap bytes; always
 *  NUL-terminates when @p cap > 0. Returns @p buf. */
IG_API char *ig_error_format(const ig_error *err, char *buf, unsigned long cap);

#ifdef __cplusplus
}
#endif
#endif /* IG_STATUS_H */
