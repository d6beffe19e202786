/* Writing a drawing to PNG, SVG or PDF, atomically: a temporary file
 * ".NAME.XXXXXX" beside the target (mode 0666 & ~umask), the cairo surface
 * of the format streaming into it, then flush, fsync and rename. Any
 * failure removes the temporary file, so the target is either the complete
 * new file or whatever it was before. Shared by maps and charts. */
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"
#include "render/render_internal.h"

static cairo_status_t write_fn(void *closure, const unsigned char *data,
                               unsigned int len)
{
    FILE *fp = closure;
    return fwrite(data, 1, len, fp) == len ? CAIRO_STATUS_SUCCESS
                                           : CAIRO_STATUS_WRITE_ERROR;
}

static ig_status open_tmp(ig_ctx *ctx, const char *path, const char *what,
                          char **tmp, size_t *tmp_n, FILE **fp,
                          ig_error *err)
{
    struct stat stt;
    if (stat(path, &stt) == 0 && S_ISDIR(stt.st_mode))
        return ig__error_set(err, IG_ERR_IO, 0, 0,
                             "cannot write the %s to '%s': it is a "
                             "directory",
                             what, path);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 16;
    char *t = ig__alloc(ctx, n);
    if (!t)
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory writing the %s", what);
    snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
    int fd = mkstemp(t);
    if (fd < 0) {
        int e = errno;
        ig__free(ctx, t, n);
        return ig__error_set(err, IG_ERR_IO, 0, 0,
                             "cannot create the %s '%s' (in directory "
                             "'%.*s'): %s",
                             what, path, dirlen ? (int)dirlen : 1,
                             dirlen ? path : ".", strerror(e));
    }
    mode_t um = umask(0);
    umask(um);
    (void)fchmod(fd, (mode_t)(0666 & ~um));
    *fp = fdopen(fd, "wb");
    if (!*fp) {
        int e = errno;
        close(fd);
        unlink(t);
        ig__free(ctx, t, n);
        return ig__error_set(err, IG_ERR_IO, 0, 0,
                             "cannot write the %s '%s': %s", what, path,
                             strerror(e));
    }
    *tmp = t;
    *tmp_n = n;
    return IG_OK;
}

/* 1 when s is a date YYYY-MM-DD (what cairo takes as a creation date). */
static int is_date(const char *s)
{
    if (!s || strlen(s) != 10) return 0;
    for (int i = 0; i < 10; i++) {
        int dig = s[i] >= '0' && s[i] <= '9';
        if ((i == 4 || i == 7) ? s[i] != '-' : !dig) return 0;
    }
    return 1;
}

ig_status ig__render_write(ig_ctx *ctx, const char *path, ig_map_format fmt,
                           double w, double h, const char *title,
                           const char *date, const char *what,
                           ig__render_draw_fn draw, void *ud,
                           ig_error *err)
{
    char *tmp = NULL;
    size_t tmp_n = 0;
    FILE *fp = NULL;
    ig_status st = open_tmp(ctx, path, what, &tmp, &tmp_n, &fp, err);
    if (st != IG_OK) return st;
    cairo_surface_t *surf = NULL;
    cairo_t *cr = NULL;
    errno = 0;
    if (fmt == IG_MAP_PNG)
        surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)w, (int)h);
    else if (fmt == IG_MAP_SVG)
        surf = cairo_svg_surface_create_for_stream(write_fn, fp, w, h);
    else
        surf = cairo_pdf_surface_create_for_stream(write_fn, fp, w, h);
    cairo_status_t cs = cairo_surface_status(surf);
    if (cs == CAIRO_STATUS_SUCCESS && fmt == IG_MAP_PDF) {
        if (title)
            cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
                                           title);
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR,
                                       "integrid");
        if (is_date(date))
            cairo_pdf_surface_set_metadata(
                surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    }
    if (cs == CAIRO_STATUS_SUCCESS) {
        cr = cairo_create(surf);
        cs = cairo_status(cr);
    }
    if (cs == CAIRO_STATUS_SUCCESS) {
        st = draw(ud, cr);
        if (st == IG_OK) cs = cairo_status(cr);
    }
    if (st == IG_OK && cs == CAIRO_STATUS_SUCCESS) {
        cairo_destroy(cr);
        cr = NULL;
        if (fmt == IG_MAP_PNG) {
            cs = cairo_surface_write_to_png_stream(surf, write_fn, fp);
        } else {
            cairo_surface_finish(surf);
            cs = cairo_surface_status(surf);
        }
    }
    if (cr) cairo_destroy(cr);
    if (surf) cairo_surface_destroy(surf);
    if (st == IG_OK && cs == CAIRO_STATUS_NO_MEMORY)
        st = ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                           "out of memory drawing the %s (cairo)", what);
    else if (st == IG_OK && cs == CAIRO_STATUS_WRITE_ERROR)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot write the %s '%s': %s", what, path,
                           strerror(errno ? errno : EIO));
    else if (st == IG_OK && cs != CAIRO_STATUS_SUCCESS)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cairo could not draw the %s '%s': %s", what, path,
                           cairo_status_to_string(cs));
    if (st == IG_OK) {
        errno = 0;
        if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0)
            st = ig__error_set(err, IG_ERR_IO, 0, 0,
                               "cannot write the %s '%s': %s", what, path,
                               strerror(errno ? errno : EIO));
    }
    if (fclose(fp) != 0 && st == IG_OK)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot write the %s '%s': %s", what, path,
                           strerror(errno ? errno : EIO));
    if (st == IG_OK && rename(tmp, path) != 0)
        st = ig__error_set(err, IG_ERR_IO, 0, 0,
                           "cannot put the %s in place as '%s': %s", what,
                           path, strerror(errno));
    if (st != IG_OK) unlink(tmp);
    ig__free(ctx, tmp, tmp_n);
    return st;
}

void ig_render_cleanup(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}
