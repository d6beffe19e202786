# Spatial measures through `integrid measures`: named one by one, or all
# with the keyword `spatial` (the default run leaves them out).
$ integrid measures $DATA/tiny.csv --by CITY --only delta,spatial_isolation --radius-m 500 | grep -e '^place' -e '^Alpha'
place,measure,group,value
Alpha,delta,NAT,0.5
Alpha,delta,EU_OTH,0.25
Alpha,delta,OTH,0.25
Alpha,spatial_isolation,NAT,0.5714285714285714
Alpha,spatial_isolation,EU_OTH,0.2857142857142857
Alpha,spatial_isolation,OTH,0.5714285714285714
! ^integrid: measures: warning: radius 500 m is below the cell size 1000 m: each neighbourhood is its cell alone$
# at 500 m the environment is the cell: spatial isolation is the aspatial one
$ integrid measures $DATA/tiny.csv --by CITY --only isolation | grep '^Alpha'
Alpha,isolation,NAT,0.5714285714285714
Alpha,isolation,EU_OTH,0.2857142857142857
Alpha,isolation,OTH,0.5714285714285714
# `spatial` adds 18 measures: 13 + 2 single-group ones per group, 3 multigroup
$ integrid measures $DATA/tiny.csv --only spatial --quiet | tail -n +2 | wc -l
48
$ integrid measures $DATA/tiny.csv --quiet | grep -c -e spatial -e centralization -e delta -e proximity; echo "exit $?"
0
exit 1
# equal cell areas: the concentration indices are undefined, and say why
$ integrid measures $DATA/tiny.csv --only absolute_concentration | head -2
place,measure,group,value
all,absolute_concentration,NAT,
! absolute_concentration is undefined for group 'NAT'.*same land area.*--area COL
# bad input
$ integrid measures $DATA/long.csv --long school,group,n --only spatial_dissimilarity
? 1
! ^integrid: measures: spatial_dissimilarity is a spatial measure: it needs grid cells
$ integrid measures $DATA/tiny.csv --only spatial_isolation --radius-m 500 --k 4
? 2
! ^integrid: measures: give --radius-m or --k, not both$
$ integrid measures $DATA/tiny.csv --only spatial_dissimilarity --adjacency hex
? 2
! ^integrid: measures: invalid value 'hex' for --adjacency: use rook or queen$
$ integrid measures $DATA/tiny.csv --only spatial_isolation --radius-m -3
? 2
! ^integrid: measures: invalid value '-3' for --radius-m: expected distances in metres > 0
# real data: every spatial measure on the 26 city windows, the same for 1
# and 2 threads
% test -f "$SHARED/eu_census2021_1km_city_windows.csv"
$ integrid measures $SHARED/eu_census2021_1km_city_windows.csv --by CITY --only spatial --quiet --threads 1 > a.csv && integrid measures $SHARED/eu_census2021_1km_city_windows.csv --by CITY --only spatial --quiet --threads 2 > b.csv && cmp a.csv b.csv && wc -l < a.csv && grep -c -e '^Berlin,relative_clustering,OTH,0.558' -e '^Paris,delta,OTH,0.474' a.csv
1249
2
# EquiPop: the composition of the k nearest residents and the radius it
# reached. E4334 (6,1,1) holds 8; its neighbour E4335 (2,1,5), 1000 m
# away, gives the other 2 (a quarter of it): NAT (6 + 0.5) / 10 = 0.65.
$ integrid local $DATA/local_row.csv --measure local_share --k 10 | head -4
cell,group,value,reach_m
CRS3035RES1000mN2684000E4334000,NAT,0.65000000000000002,1000
CRS3035RES1000mN2684000E4334000,EU_OTH,0.125,1000
CRS3035RES1000mN2684000E4334000,OTH,0.22500000000000001,1000
