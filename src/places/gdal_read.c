/* Boundary files through GDAL/OGR (Shapefile, GeoPackage, ...) into the same
 * polygon store as the GeoJSON reader, so repairs, reprojection and checks
 * are shared. One layer is read (the first, or opts->layer); its CRS (a
 * shapefile's .prj) is given to PROJ as an EPSG code when GDAL can name one,
 * else as WKT2. GDAL's error handler is silenced for the call (its handler
 * stack is per thread) and its last message is reported. GDAL allocates
 * outside the context's allocator; nothing of it is kept. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ig_config.h"
#include "places/boundaries_internal.h"

#if IG_HAVE_GDAL
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#endif

#if IG_HAVE_GDAL

static ig_status gfail(ig_boundaries *b, ig_error *err, ig_status st,
                       const char *msg, const char *detail)
{
    ig__error_set(err, st, 0, 0, "%s%s%s", msg, detail && *detail ? ": " : "",
                  detail ? detail : "");
    ig__error_file(err, b->source);
    return st;
}

static void field_list(OGRFeatureDefnH defn, char *buf, size_t cap)
{
    buf[0] = '\0';
    int n = OGR_FD_GetFieldCount(defn);
    size_t used = 0;
    for (int i = 0; i < n && used + 8 < cap; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "",
                         name ? name : "?");
        if (w < 0) break;
        used += (size_t)w;
    }
    if (n == 0) snprintf(buf, cap, "none");
}

static ig_status set_layer_crs(ig_boundaries *b, OGRLayerH layer,
                               const ig_boundaries_opts *opts, ig_error *err)
{
    if (opts->src_crs) {
        if (ig__bnd_source_crs_text(b, opts->src_crs) != IG_OK)
            return gfail(b, err, IG_ERR_NOMEM, "out of memory", NULL);
        return IG_OK;
    }
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(layer);
    if (!srs)
        return gfail(b, err, IG_ERR_FORMAT,
                     "the layer has no CRS (a shapefile without its .prj?): "
                     "give the source CRS (src_crs, e.g. \"EPSG:2154\")",
                     NULL);
    OGRSpatialReferenceH clone = NULL;
    const char *auth = OSRGetAuthorityName(srs, NULL);
    const char *code = OSRGetAuthorityCode(srs, NULL);
    if (!(auth && code && strcmp(auth, "EPSG") == 0)) {
        clone = OSRClone(srs);
        if (clone && OSRAutoIdentifyEPSG(clone) == OGRERR_NONE) {
            auth = OSRGetAuthorityName(clone, NULL);
            code = OSRGetAuthorityCode(clone, NULL);
        }
    }
    ig_status st = IG_OK;
    if (auth && code && strcmp(auth, "EPSG") == 0) {
        char text[48];
        snprintf(text, sizeof text, "EPSG:%.20s", code);
        st = ig__bnd_source_crs_text(b, text);
    } else {
        char *wkt = NULL;
        const char *const wopts[] = {"FORMAT=WKT2_2019", NULL};
        if (OSRExportToWktEx(srs, &wkt, wopts) != OGRERR_NONE || !wkt) {
            if (wkt) CPLFree(wkt);
            if (clone) OSRDestroySpatialReference(clone);
            return gfail(b, err, IG_ERR_FORMAT,
                         "GDAL cannot describe the layer's CRS",
                         CPLGetLastErrorMsg());
        }
        const char *name = OSRGetName(srs);
        st = ig__bnd_set_source_crs(b, wkt, name ? name : "WKT", 0);
        CPLFree(wkt);
    }
    if (clone) OSRDestroySpatialReference(clone);
    if (st != IG_OK) return gfail(b, err, IG_ERR_NOMEM, "out of memory", NULL);
    return IG_OK;
}

static ig_status add_polygon(ig_boundaries *b, OGRGeometryH poly,
                             size_t feature, size_t polygon, ig_error *err)
{
    int nr = OGR_G_GetGeometryCount(poly);
    size_t first = b->nrings;
    for (int r = 0; r < nr; r++) {
        OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
        int np = ring ? OGR_G_GetPointCount(ring) : 0;
        ig__bnd_ring_begin(b, 0, 0);
        for (int i = 0; i < np; i++) {
            double x = OGR_G_GetX(ring, i), y = OGR_G_GetY(ring, i);
            if (!isfinite(x) || !isfinite(y)) {
                ig__error_set(err, IG_ERR_DOMAIN, 0, 0,
                              "feature %zu, polygon %zu, ring %d: a "
                              "coordinate is not a finite number",
                              feature, polygon, r + 1);
                ig__error_file(err, b->source);
                return IG_ERR_DOMAIN;
            }
            if (ig__bnd_point(b, x, y) != IG_OK)
                return gfail(b, err, IG_ERR_NOMEM, "out of memory", NULL);
        }
        ig_status st =
            ig__bnd_ring_end(b, feature, polygon, (size_t)r + 1, err);
        if (st != IG_OK) return st;
    }
    if (ig__bnd_poly_end(b, first) != IG_OK)
        return gfail(b, err, IG_ERR_NOMEM, "out of memory", NULL);
    return IG_OK;
}

static ig_status read_feature(ig_boundaries *b, OGRFeatureH f, size_t index,
                              int id_field, int name_field,
                              const ig_boundaries_opts *opts, size_t *skipped,
                              ig_error *err)
{
    OGRGeometryH geom = OGR_F_GetGeometryRef(f);
    OGRGeometryH lin = NULL;
    OGRwkbGeometryType t =
        geom ? wkbFlatten(OGR_G_GetGeometryType(geom)) : wkbUnknown;
    if (geom && (t == wkbCurvePolygon || t == wkbMultiSurface)) {
        lin = OGR_G_GetLinearGeometry(geom, 0.0, NULL);
        geom = lin;
        t = geom ? wkbFlatten(OGR_G_GetGeometryType(geom)) : wkbUnknown;
    }
    ig_status st = IG_OK;
    if (!geom || (t != wkbPolygon && t != wkbMultiPolygon)) {
        if (++*skipped <= IG__BND_WARN_MAX)
            ig__log(b->ctx, IG_LOG_WARN,
                    "%s: feature %zu %s%s; only polygons become places: "
                    "skipped",
                    b->source, index, geom ? "is a " : "has no geometry",
                    geom ? OGRGeometryTypeToName(t) : "");
        goto out;
    }
    if (t == wkbPolygon) {
        if (!OGR_G_IsEmpty(geom)) st = add_polygon(b, geom, index, 1, err);
    } else {
        int n = OGR_G_GetGeometryCount(geom);
        for (int k = 0; k < n && st == IG_OK; k++)
            st = add_polygon(b, OGR_G_GetGeometryRef(geom, k), index,
                             (size_t)k + 1, err);
    }
    if (st != IG_OK) goto out;
    char num[32];
    const char *id = num, *name = NULL;
    snprintf(num, sizeof num, "%zu", index);
    if (id_field >= 0) {
        if (!OGR_F_IsFieldSetAndNotNull(f, id_field)) {
            ig__error_set(err, IG_ERR_PARSE, 0, 0,
                          "feature %zu has no value in field '%s' for the "
                          "place id",
                          index, opts->id_prop);
            ig__error_file(err, b->source);
            st = IG_ERR_PARSE;
            goto out;
        }
        id = OGR_F_GetFieldAsString(f, id_field);
    }
    /* copy: the next GetFieldAsString may reuse GDAL's buffer */
    char idbuf[512];
    snprintf(idbuf, sizeof idbuf, "%s", id ? id : "");
    if (name_field >= 0)
        name = OGR_F_IsFieldSetAndNotNull(f, name_field)
                   ? OGR_F_GetFieldAsString(f, name_field)
                   : "";
    else
        name = idbuf;
    if (ig__bnd_feature_end(b, index, idbuf, strlen(idbuf), name ? name : "",
                            strlen(name ? name : "")) != IG_OK)
        st = gfail(b, err, IG_ERR_NOMEM, "out of memory", NULL);
out:
    if (lin) OGR_G_DestroyGeometry(lin);
    return st;
}

ig_status ig__gdal_read(ig_boundaries *b, const char *path,
                        const ig_boundaries_opts *opts, ig_error *err)
{
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        ig__error_set(err, IG_ERR_IO, 0, 0,
                      "cannot open the boundary file (does it exist, and "
                      "may it be read?)");
        ig__error_file(err, path);
        return IG_ERR_IO;
    }
    fclose(probe);
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    ig_status st = IG_OK;
    size_t skipped = 0, index = 0;
    GDALDatasetH ds =
        GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = gfail(b, err, IG_ERR_FORMAT,
                   "neither GeoJSON nor a vector format GDAL can open",
                   CPLGetLastErrorMsg());
        goto out;
    }
    int nl = GDALDatasetGetLayerCount(ds);
    OGRLayerH layer = opts->layer ? GDALDatasetGetLayerByName(ds, opts->layer)
                      : nl > 0    ? GDALDatasetGetLayer(ds, 0)
                                  : NULL;
    if (!layer) {
        char names[256] = "";
        size_t used = 0;
        for (int i = 0; i < nl && used + 8 < sizeof names; i++) {
            int w = snprintf(names + used, sizeof names - used, "%s%s",
                             i ? ", " : "",
                             OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
            if (w < 0) break;
            used += (size_t)w;
        }
        if (opts->layer) {
            ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                          "no layer '%s' (layers: %s)", opts->layer,
                          nl ? names : "none");
            ig__error_file(err, path);
            st = IG_ERR_NOT_FOUND;
        } else {
            st =
                gfail(b, err, IG_ERR_FORMAT, "the dataset has no layers", NULL);
        }
        goto out;
    }
    if (!opts->layer && nl > 1)
        ig__log(b->ctx, IG_LOG_WARN,
                "%s: reading layer '%s', the first of %d; choose another with "
                "the layer option",
                path, OGR_L_GetName(layer), nl);
    if ((st = set_layer_crs(b, layer, opts, err)) != IG_OK) goto out;
    b->src_from_opts = opts->src_crs != NULL;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int id_field = -1, name_field = -1;
    const char *props[2] = {opts->id_prop, opts->name_prop};
    int *fields[2] = {&id_field, &name_field};
    for (int k = 0; k < 2; k++) {
        if (!props[k]) continue;
        *fields[k] = OGR_FD_GetFieldIndex(defn, props[k]);
        if (*fields[k] < 0) {
            char list[256];
            field_list(defn, list, sizeof list);
            ig__error_set(err, IG_ERR_NOT_FOUND, 0, 0,
                          "the layer has no field '%s' for the place %s "
                          "(its fields: %s)",
                          props[k], k ? "name" : "id", list);
            ig__error_file(err, path);
            st = IG_ERR_NOT_FOUND;
            goto out;
        }
    }
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while ((f = OGR_L_GetNextFeature(layer)) != NULL) {
        st = read_feature(b, f, ++index, id_field, name_field, opts, &skipped,
                          err);
        OGR_F_Destroy(f);
        if (st != IG_OK) goto out;
    }
    if (skipped > IG__BND_WARN_MAX)
        ig__log(b->ctx, IG_LOG_WARN,
                "%s: %zu features in all were skipped (not polygons)", path,
                skipped);
out:
    if (ds) GDALClose(ds);
    CPLPopErrorHandler();
    return st;
}

#else /* !IG_HAVE_GDAL */

ig_status ig__gdal_read(ig_boundaries *b, const char *path,
                        const ig_boundaries_opts *opts, ig_error *err)
{
    (void)b;
    (void)opts;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        ig__error_set(err, IG_ERR_IO, 0, 0,
                      "cannot open the boundary file (does it exist, and "
                      "may it be read?)");
        ig__error_file(err, path);
        return IG_ERR_IO;
    }
    fclose(probe);
    ig__error_set(err, IG_ERR_DISABLED, 0, 0,
                  "not GeoJSON, and integrid was built without GDAL, which "
                  "reads the other formats: convert the file (ogr2ogr -f "
                  "GeoJSON out.geojson %s) or rebuild integrid with GDAL",
                  path);
    ig__error_file(err, path);
    return IG_ERR_DISABLED;
}

#endif
