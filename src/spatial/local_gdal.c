/* GeoTIFF output of local results through GDAL (compiled only with
 * IG_HAVE_GDAL; without it the function explains how to get CSV or
 * GeoJSON instead).
 *
 * The raster covers the bounding box of the result cells on the grid's own
 * lattice, north up, one Float64 band per layer, nodata NaN. Cells are
 * sorted by raster row once and written one scanline at a time, so memory
 * is one row plus the cell list, never the whole raster, even for a
 * country at 100 m. GDAL's error handler is silenced for the call (its
 * handler stack is per thread) and its last message is passed on. GDAL
 * allocates outside the context's allocator; nothing of it is kept. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ig_config.h"
#include "spatial/local_impl.h"

#if IG_HAVE_GDAL
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#endif

static ig_status check_args(const ig_grid *grid,
                            const ig_local_result *const *results,
                            size_t n_results, const char *path, ig_error *err)
{
    if (!grid || !results || n_results == 0 || !path || !path[0])
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "ig_local_write_geotiff: grid, at least one "
                             "result and a path are required");
    if (ig_grid_cell_size_m(grid) <= 0 || !ig_grid_rows(grid))
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "a GeoTIFF needs grid cells with coordinates; "
                             "this grid has aspatial units");
    size_t L = ig_local_result_nlayers(results[0]);
    for (size_t r = 0; r < n_results; r++) {
        if (!results[r])
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "result %zu is missing", r + 1);
        if (ig_local_result_info(results[r]) !=
                ig_local_result_info(results[0]) ||
            ig_local_result_nlayers(results[r]) != L)
            return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                 "results of different measures or groups "
                                 "cannot share one raster");
        for (size_t k = 0; k < L; k++)
            if (ig_local_result_layer(results[r], k)->group !=
                ig_local_result_layer(results[0], k)->group)
                return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                                     "results of different groups cannot "
                                     "share one raster");
    }
    return IG_OK;
}

#if IG_HAVE_GDAL

typedef struct pix {
    int64_t y, x; /* raster row (0 = north) and column */
    size_t seq;   /* order of appearance: the last one wins */
    size_t r, j;  /* result and cell */
} pix;

static int cmp_pix(const void *a, const void *b)
{
    const pix *p = a, *q = b;
    if (p->y != q->y) return p->y < q->y ? -1 : 1;
    if (p->x != q->x) return p->x < q->x ? -1 : 1;
    return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static ig_status gdal_fail(ig_error *err, const char *path, const char *what)
{
    const char *m = CPLGetLastErrorMsg();
    ig__error_set(err, IG_ERR_IO, 0, 0, "%s%s%s", what, m && *m ? ": " : "",
                  m ? m : "");
    ig__error_file(err, path);
    return IG_ERR_IO;
}

ig_status ig_local_write_geotiff(ig_ctx *ctx, const ig_grid *grid,
                                 const ig_local_result *const *results,
                                 size_t n_results, const char *path,
                                 ig_error *err)
{
    ig_status st = check_args(grid, results, n_results, path, err);
    if (st != IG_OK) return st;
    const int32_t *rows = ig_grid_rows(grid), *cols = ig_grid_cols(grid);
    int32_t cell_m = ig_grid_cell_size_m(grid);
    size_t total = 0;
    for (size_t r = 0; r < n_results; r++)
        total += ig_local_result_ncells(results[r]);
    if (total == 0)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "no cells to write: the place is empty");
    int64_t r0 = INT64_MAX, r1 = INT64_MIN, c0 = INT64_MAX, c1 = INT64_MIN;
    for (size_t r = 0; r < n_results; r++) {
        const size_t *cells = ig_local_result_cells(results[r]);
        for (size_t j = 0; j < ig_local_result_ncells(results[r]); j++) {
            int64_t y = rows[cells[j]], x = cols[cells[j]];
            if (y < r0) r0 = y;
            if (y > r1) r1 = y;
            if (x < c0) c0 = x;
            if (x > c1) c1 = x;
        }
    }
    int64_t width = c1 - c0 + 1, height = r1 - r0 + 1;
    if (width > INT_MAX || height > INT_MAX)
        return ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                             "the cells span %lld x %lld cells, more than a "
                             "GeoTIFF can hold; write .csv or .geojson",
                             (long long)width, (long long)height);

    size_t L = ig_local_result_nlayers(results[0]);
    pix *px = ig__alloc(ctx, total * sizeof *px);
    double *buf = ig__alloc(ctx, (size_t)width * sizeof *buf);
    if (!px || !buf) {
        ig__free(ctx, px, total * sizeof *px);
        ig__free(ctx, buf, (size_t)width * sizeof *buf);
        return ig__error_set(err, IG_ERR_NOMEM, 0, 0,
                             "out of memory writing the GeoTIFF");
    }
    size_t q = 0;
    for (size_t r = 0; r < n_results; r++) {
        const size_t *cells = ig_local_result_cells(results[r]);
        for (size_t j = 0; j < ig_local_result_ncells(results[r]); j++) {
            px[q].y = r1 - rows[cells[j]];
            px[q].x = cols[cells[j]] - c0;
            px[q].seq = q;
            px[q].r = r;
            px[q].j = j;
            q++;
        }
    }
    qsort(px, total, sizeof *px, cmp_pix);

    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    GDALDatasetH ds = NULL;
    OGRSpatialReferenceH srs = NULL;
    char *wkt = NULL;
    char **copts = NULL;
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    if (!drv) {
        st = gdal_fail(err, path, "GDAL has no GTiff driver");
        goto out;
    }
    copts = CSLSetNameValue(copts, "COMPRESS", "DEFLATE");
    copts = CSLSetNameValue(copts, "PREDICTOR", "3");
    copts = CSLSetNameValue(copts, "INTERLEAVE", "BAND");
    copts = CSLSetNameValue(copts, "BIGTIFF", "IF_SAFER");
    ds = GDALCreate(drv, path, (int)width, (int)height, (int)L, GDT_Float64,
                    copts);
    if (!ds) {
        st = gdal_fail(err, path, "cannot create the GeoTIFF");
        goto out;
    }
    double gt[6] = {(double)c0 * cell_m,
                    (double)cell_m,
                    0.0,
                    (double)(r1 + 1) * cell_m,
                    0.0,
                    -(double)cell_m};
    int epsg = ig_grid_crs_epsg(grid);
    srs = OSRNewSpatialReference(NULL);
    if (!srs || OSRImportFromEPSG(srs, epsg ? epsg : 3035) != OGRERR_NONE ||
        OSRExportToWkt(srs, &wkt) != OGRERR_NONE) {
        st = gdal_fail(err, path, "cannot describe the grid's CRS to GDAL");
        goto out;
    }
    if (GDALSetGeoTransform(ds, gt) != CE_None ||
        GDALSetProjection(ds, wkt) != CE_None) {
        st = gdal_fail(err, path, "cannot georeference the GeoTIFF");
        goto out;
    }
    const ig_local_info *info = ig_local_result_info(results[0]);
    GDALSetMetadataItem(ds, "INTEGRID_MEASURE", info->name, NULL);
    for (size_t k = 0; k < L; k++) {
        GDALRasterBandH band = GDALGetRasterBand(ds, (int)(k + 1));
        const ig_local_layer *ly0 = ig_local_result_layer(results[0], k);
        GDALSetDescription(band,
                           ly0->group_name ? ly0->group_name : info->name);
        GDALSetRasterNoDataValue(band, NAN);
        size_t a = 0;
        for (int64_t y = 0; y < height; y++) {
            for (int64_t x = 0; x < width; x++) buf[x] = NAN;
            for (; a < total && px[a].y == y; a++) {
                const ig_local_layer *ly =
                    ig_local_result_layer(results[px[a].r], k);
                buf[px[a].x] = ly->value[px[a].j];
            }
            if (GDALRasterIO(band, GF_Write, 0, (int)y, (int)width, 1, buf,
                             (int)width, 1, GDT_Float64, 0, 0) != CE_None) {
                st = gdal_fail(err, path, "cannot write the GeoTIFF");
                goto out;
            }
        }
    }
out:
    if (ds) {
        GDALClose(ds);
        if (st == IG_OK && CPLGetLastErrorType() >= CE_Failure)
            st = gdal_fail(err, path, "cannot finish the GeoTIFF");
    }
    CPLFree(wkt);
    if (srs) OSRDestroySpatialReference(srs);
    CSLDestroy(copts);
    CPLPopErrorHandler();
    ig__free(ctx, px, total * sizeof *px);
    ig__free(ctx, buf, (size_t)width * sizeof *buf);
    return st;
}

#else

ig_status ig_local_write_geotiff(ig_ctx *ctx, const ig_grid *grid,
                                 const ig_local_result *const *results,
                                 size_t n_results, const char *path,
                                 ig_error *err)
{
    (void)ctx;
    ig_status st = check_args(grid, results, n_results, path, err);
    if (st != IG_OK) return st;
    return ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                         "GeoTIFF output needs GDAL, and this build has none: "
                         "write .csv or .geojson instead (or rebuild with "
                         "libgdal-dev installed)");
}

#endif
