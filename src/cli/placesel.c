/* Choosing the places a command works on (--places degurba|FILE, or the
 * --by places) and writing their companion table. The library does the
 * work (ig_placeset_*); this file maps options onto it and words the
 * notes. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int cli_uses_places(const cli_opts *o)
{
    return o->places != NULL || o->cmd == CLI_CMD_benchmark;
}

int cli_uses_spatial(const cli_opts *o)
{
    if (o->cmd == CLI_CMD_profile || o->cmd == CLI_CMD_local) return 1;
    for (size_t i = 0; i < o->n_only; i++) {
        const ig_measure_info *m = ig_measure_find(o->only[i]);
        if (m && (m->flags & (IG_MF_SPATIAL | IG_MF_SCALE))) return 1;
    }
    return 0;
}

void cli_spatial_run_opts(const cli_opts *o, const ig_grid *grid,
                          const ig_placeset *ps, ig_run_opts *ro)
{
    /* neighbourhoods of regrouped places reach into the grid around them */
    ro->context = ps ? grid : NULL;
    if (o->area)
        ro->area_var = o->area;
    else if (ig_grid_var_index(grid, "LAND_SURFACE") != (size_t)-1)
        ro->area_var = "LAND_SURFACE";
}

void cli_name_places(cli_env *env, ig_ctx *ctx, ig_placeset *ps,
                     const ig_grid *grid)
{
    ig_gazetteer *gz = NULL;
    ig_error err = {0};
    ig_status st = ig_gazetteer_open_builtin(ctx, &gz, &err);
    if (st == IG_OK) st = ig_placeset_name_places(ps, gz, grid, &err);
    if (st != IG_OK)
        cli_warn(env, "places are not named: %s",
                 err.msg[0] ? err.msg : ig_strerror(st));
    ig_gazetteer_destroy(gz);
}

static ig_placeset *degurba(cli_env *env, ig_ctx *ctx, const cli_opts *o,
                            const ig_grid *grid, ig_placeset_opts *po)
{
    if (!po->land_area_var)
        cli_warn(env, "no LAND_SURFACE column: densities use full cells "
                      "(give --land-area COL)");
    ig_degurba_opts dop;
    ig_degurba_opts_init(&dop);
    dop.land_area_var = po->land_area_var;
    /* the same population as `integrid places`: T when the file has it */
    if (!o->read.total_col && ig_grid_var_index(grid, "T") != (size_t)-1) dop.pop_var = "T";
    ig_placeset *ps = NULL;
    ig_error err = {0};
    cli_progress_phase(&env->progress, "finding places", 0);
    ig_status st = ig_placeset_degurba(ctx, grid, &dop, po, &ps, &err);
    cli_progress_clear(&env->progress);
    if (st != IG_OK) {
        cli_report(env, st, &err, o->input ? o->input : "<stdin>");
        return NULL;
    }
    cli_name_places(env, ctx, ps, grid);
    return ps;
}

ig_placeset *cli_placeset(cli_env *env, ig_ctx *ctx, const cli_opts *o,
                          const ig_grid *grid)
{
    ig_placeset_opts po = {0};
    if (o->land_area)
        po.land_area_var = o->land_area;
    else if (ig_grid_var_index(grid, "LAND_SURFACE") != (size_t)-1)
        po.land_area_var = "LAND_SURFACE";
    po.by_places = o->read.by_col != NULL;
    /* class aggregates are rows of `measures`; a benchmark ranks places */
    po.aggregates = o->cmd == CLI_CMD_measures && !o->no_aggregates;
    ig_error err = {0};
    ig_placeset *ps = NULL;
    ig_status st;
    if (o->places && strcmp(o->places, "degurba") == 0)
        return degurba(env, ctx, o, grid, &po);
    if (o->places) {
        ig_boundaries_opts bo;
        memset(&bo, 0, sizeof bo);
        bo.name_prop = o->place_name;
        bo.id_prop = o->place_id;
        bo.src_crs = o->places_crs;
        bo.layer = o->places_layer;
        bo.target_epsg = ig_grid_crs_epsg(grid);
        ig_boundaries *b = NULL;
        cli_progress_phase(&env->progress, "reading boundaries", 0);
        st = ig_boundaries_read_path(ctx, o->places, &bo, &b, &err);
        if (st == IG_OK)
            st = ig_placeset_boundaries(ctx, grid, b,
                                        o->assign_area ? IG_ASSIGN_AREA
                                                       : IG_ASSIGN_CENTRE,
                                        &po, &ps, &err);
        cli_progress_clear(&env->progress);
        ig_boundaries_destroy(b);
        if (st != IG_OK) {
            cli_report(env, st, &err, o->places);
            return NULL;
        }
        return ps;
    }
    /* benchmark without --places or --by: the Degree of Urbanisation */
    if (o->cmd == CLI_CMD_benchmark && !o->read.by_col)
        return degurba(env, ctx, o, grid, &po);
    st = ig_placeset_by(ctx, grid, o->read.by_col ? o->read.by_col : "", &po,
                        &ps, &err);
    if (st != IG_OK) {
        cli_report(env, st, &err, o->input ? o->input : "<stdin>");
        return NULL;
    }
    return ps;
}

int cli_write_placeset(cli_env *env, const char *path, const ig_placeset *ps,
                       const ig_grid *grid)
{
    cli_out out;
    if (!cli_out_open(env, &out, path)) return 0;
    FILE *fp = out.fp;
    size_t ng = ig_grid_ngroups(grid);
    int32_t epsg = ig_grid_crs_epsg(grid);
    fputs("place_id,class,cells,population", fp);
    for (size_t g = 0; g < ng; g++) {
        fputc(',', fp);
        cli_csv_str(fp, ig_grid_group_name(grid, g));
    }
    fprintf(fp, ",area_km2,x_%ld,y_%ld,lon,lat,country,name,aggregate\n",
            (long)(epsg ? epsg : 3035), (long)(epsg ? epsg : 3035));
    for (size_t i = 0; i < ig_placeset_count(ps); i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        cli_csv_str(fp, r->id);
        fputc(',', fp);
        cli_csv_str(fp, r->cls);
        fprintf(fp, ",%zu,", r->cells);
        cli_csv_count(fp, r->population);
        for (size_t g = 0; g < ng; g++) {
            fputc(',', fp);
            cli_csv_count(fp, r->groups[g]);
        }
        const double v[5] = {r->area_km2, r->x, r->y, r->lon, r->lat};
        for (int j = 0; j < 5; j++) {
            fputc(',', fp);
            if (j == 0)
                cli_csv_count(fp, v[j]);
            else
                cli_csv_num(fp, v[j]);
        }
        fputc(',', fp);
        cli_csv_str(fp, r->country);
        fputc(',', fp);
        cli_csv_str(fp, r->name);
        fprintf(fp, ",%d\n", r->aggregate);
    }
    return cli_out_commit(env, &out);
}

size_t cli_find_place(cli_env *env, const ig_placeset *ps, const char *q,
                      int centres_first, int any_id)
{
    size_t row = ig_placeset_find(ps, q);
    if (row != (size_t)-1 && (any_id || !ig_placeset_get(ps, row)->aggregate))
        return row;
    size_t n = ig_placeset_count(ps), nall = 0, ncen = 0;
    ig_bench_place *all = cli_xmalloc((n + 1) * sizeof *all);
    ig_bench_place *cen = cli_xmalloc((n + 1) * sizeof *cen);
    size_t *map = cli_xmalloc((n + 1) * sizeof *map);
    size_t *cmap = cli_xmalloc((n + 1) * sizeof *cmap);
    for (size_t i = 0; i < n; i++) {
        const ig_placeset_row *r = ig_placeset_get(ps, i);
        if (r->aggregate) continue;
        ig_bench_place p;
        memset(&p, 0, sizeof p);
        p.id = r->id;
        p.name = r->name;
        p.cls = r->cls;
        p.country = r->country;
        p.population = r->population;
        p.foreign_share = p.eu_share = p.density_km2 = p.movers_share = NAN;
        if (centres_first && r->cls && strcmp(r->cls, "urban_centre") == 0) {
            cmap[ncen] = i;
            cen[ncen++] = p;
        }
        map[nall] = i;
        all[nall++] = p;
    }
    size_t r = 0;
    ig_error err = {0};
    row = (size_t)-1;
    if (ncen && ig_bench_find(cen, ncen, q, &r, NULL) == IG_OK)
        row = cmap[r];
    else if (ig_bench_find(all, nall, q, &r, &err) == IG_OK)
        row = map[r];
    else
        cli_error(env, "--place: %s", err.msg[0] ? err.msg : "not found");
    free(all);
    free(cen);
    free(map);
    free(cmap);
    return row;
}
