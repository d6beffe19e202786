# `integrid places --method degurba` on tests/data/cli/degurba.csv, built so
# that the manual's real thresholds apply:
# a 3x3 block at 6,000 people per km2 (54,000: an urban centre, which is
# also the whole of its urban cluster), a town of two 2,600-people cells
# plus a 0.25 km2 cell of 100 people (400/km2 of land: dense only with
# LAND_SURFACE; 5,300 people: an urban cluster only with T as the total,
# the groups sum to 4,900) and two sparse rural cells.
$ integrid places $DATA/degurba.csv --method degurba | cut -d, -f1-10,13-14
place_id,class,cells,population,NAT,EU_OTH,OTH,area_km2,x_3035,y_3035,country,name
1,urban_centre,9,54000,45000,4500,3600,9,4335500,2685500,,
2,urban_cluster,9,54000,45000,4500,3600,9,4335500,2685500,,
3,urban_cluster,3,5300,4080,410,410,2.25,4340028.3018867923,2690500,,
# (a second stderr line, a warning, when built without PROJ)
! ^integrid: places: note: using column T as the population total
# split by country: the centre is mostly in AA, the town in BB; -o and
# --cells-out are written (atomically) and stdout stays empty
$ integrid places $DATA/degurba.csv --method degurba --by CNTR_ID -o places.csv --cells-out cells.csv; echo "exit $?"; cut -d, -f1,2,13 places.csv; cat cells.csv
exit 0
place_id,class,country
1,urban_centre,AA
2,urban_cluster,AA
3,urban_cluster,BB
cell,place_id,class
CRS3035RES1000mN2683000E4334000,0,rural
CRS3035RES1000mN2684000E4334000,1,urban_centre
CRS3035RES1000mN2684000E4335000,1,urban_centre
CRS3035RES1000mN2685000E4334000,1,urban_centre
CRS3035RES1000mN2685000E4335000,1,urban_centre
CRS3035RES1000mN2686000E4334000,1,urban_centre
CRS3035RES1000mN2686000E4335000,1,urban_centre
CRS3035RES1000mN2684000E4336000,1,urban_centre
CRS3035RES1000mN2685000E4336000,1,urban_centre
CRS3035RES1000mN2686000E4336000,1,urban_centre
CRS3035RES1000mN2690000E4339000,3,urban_cluster
CRS3035RES1000mN2690000E4340000,3,urban_cluster
CRS3035RES1000mN2690000E4341000,3,urban_cluster
CRS3035RES1000mN2695000E4345000,0,rural
# without T (group sums: 4,900 in the town) the town is rural
$ integrid places $DATA/degurba.csv --method degurba --total NAT --groups NAT,EU_OTH,OTH -q | cut -d, -f1-4
place_id,class,cells,population
1,urban_centre,9,53100
2,urban_cluster,9,53100
# an explicit --land-area that is also in --keep gives the same table
$ integrid places $DATA/degurba.csv --method degurba --land-area LAND_SURFACE --keep LAND_SURFACE -q | cut -d, -f1-4,8
place_id,class,cells,population,area_km2
1,urban_centre,9,54000,9
2,urban_cluster,9,54000,9
3,urban_cluster,3,5300,2.25
# no LAND_SURFACE column: full cells, with a warning
$ integrid places $DATA/tiny.csv --method degurba
place_id,class,cells,population,NAT,EU_OTH,OTH,area_km2,x_3035,y_3035,lon,lat,country,name
! ^integrid: places: warning: no LAND_SURFACE column: densities use full 1 km2 cells
# help
$ integrid places --help | head -n 1
Usage: integrid places FILE --method degurba [--level 1|2] [-o FILE]
# usage errors: exit 2, nothing written
$ integrid places $DATA/degurba.csv --method kmeans -o out.csv; echo "exit $?"; test -e out.csv && echo written; :
exit 2
! ^integrid: places: unknown method 'kmeans' for --method; methods: degurba$
# level 2: the town's two dense cells are also a dense urban cluster
$ integrid places $DATA/degurba.csv --method degurba --level 2 -q | cut -d, -f1-4,13-14
place_id,class,cells,population,country,name
1,urban_centre,9,54000,,
2,urban_cluster,9,54000,,
3,urban_cluster,3,5300,,
4,dense_urban_cluster,2,5200,,
$ integrid places $DATA/degurba.csv --method degurba --level 3
? 2
! ^integrid: places: invalid value '3' for --level: use 1 or 2$
$ integrid places $DATA/degurba.csv
? 2
! ^integrid: places: --method is required
# a 100 m grid is classified on its 1 km cells: 8 people are rural here
$ integrid places $DATA/degurba_100m.csv --method degurba -q -o out.csv; echo "exit $?"; cat out.csv
exit 0
place_id,class,cells,population,NAT,EU_OTH,OTH,area_km2,x_3035,y_3035,lon,lat,country,name
# runtime errors: exit 1 and one line
$ integrid places $DATA/degurba_2km.csv --method degurba -q -o out.csv; echo "exit $?"; test -e out.csv && echo written; :
exit 1
!! 1
! ^integrid: places: .*degurba_2km\.csv: grid cells are 2000 m; the Degree of Urbanisation needs 1 km cells or a finer grid
$ integrid places $DATA/degurba.csv --method degurba --land-area AREA
? 1
!! 1
! AREA
