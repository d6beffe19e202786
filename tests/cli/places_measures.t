# `integrid measures --places degurba` and `integrid benchmark` on
# tests/data/cli/towns.csv: six towns of 9 cells x 6,000 people (54,000:
# urban centres, each also its own urban cluster), three in AA and three in
# BB; town k (1..6) has OTH shares of 2k, 4k and 6k % in its three columns
# (so 4k % in all), EU_OTH 5 % everywhere; one rural cell per country.
# Town 1 by hand: OTH 120, 240, 360 per row against 5,880, 5,760, 5,640;
# D = 1/2 x 3 x (|120/2160 - 5880/51840| + 0 + |360/2160 - 5640/51840|)
#   = 0.1736111...
$ integrid measures $DATA/towns.csv --by CNTR_ID --places degurba --only share,dissimilarity --format csv -q | grep -E '^(place|1|6|urban_centre:AA|rural:BB),' | grep -v EU_OTH
place,measure,group,value
1,dissimilarity,NAT,0.081400081400081398
1,dissimilarity,OTH,0.1736111111111111
1,share,NAT,0.91000000000000003
1,share,OTH,0.040000000000000001
6,dissimilarity,NAT,0.19426906265177268
6,dissimilarity,OTH,0.21929824561403508
6,share,NAT,0.70999999999999996
6,share,OTH,0.23999999999999999
urban_centre:AA,dissimilarity,NAT,0.17683465959328026
urban_centre:AA,dissimilarity,OTH,0.27173913043478259
urban_centre:AA,share,NAT,0.87
urban_centre:AA,share,OTH,0.080000000000000002
rural:BB,dissimilarity,NAT,0
rural:BB,dissimilarity,OTH,0
rural:BB,share,NAT,0.83333333333333337
rural:BB,share,OTH,0.083333333333333329
# the places: 6 centres, 6 clusters, and per country the centres, the
# clusters and the rural cells together (aggregate = 1)
$ integrid measures $DATA/towns.csv --by CNTR_ID --places degurba --only share --places-out places.csv -q > /dev/null; cut -d, -f1-4,7,13,15 places.csv
place_id,class,cells,population,OTH,country,aggregate
1,urban_centre,9,54000,2160,AA,0
2,urban_centre,9,54000,4320,AA,0
3,urban_centre,9,54000,6480,AA,0
4,urban_centre,9,54000,8640,BB,0
5,urban_centre,9,54000,10800,BB,0
6,urban_centre,9,54000,12960,BB,0
7,urban_cluster,9,54000,2160,AA,0
8,urban_cluster,9,54000,4320,AA,0
9,urban_cluster,9,54000,6480,AA,0
10,urban_cluster,9,54000,8640,BB,0
11,urban_cluster,9,54000,10800,BB,0
12,urban_cluster,9,54000,12960,BB,0
urban_centre:AA,urban_centre,27,162000,12960,AA,1
urban_centre:BB,urban_centre,27,162000,32400,BB,1
urban_cluster:AA,urban_cluster,27,162000,12960,AA,1
urban_cluster:BB,urban_cluster,27,162000,32400,BB,1
rural:AA,rural,1,40,1,AA,1
rural:BB,rural,1,60,5,BB,1
$ integrid measures $DATA/towns.csv --by CNTR_ID --places degurba --no-aggregates --only share --format csv -q | tail -n 1
12,share,OTH,0.23999999999999999
# JSON carries each place's class, name, country and population
$ integrid measures $DATA/towns.csv --places degurba --only share --format json -q | python3 -c '
> import json, sys; d = json.load(sys.stdin); p = d["places"]
> print(d["places_from"], len(p), p[0]["class"], p[0]["population"], p[-1]["place"], p[-1]["aggregate"])'
degurba 15 urban_centre 54000 rural:all True
# benchmark town 2 (OTH 8 %) among the six centres: four have more OTH
# (rank 5, percentile 100 x 1/5 = 20, median (12 + 16)/2 = 14 %); in AA it
# is the middle one of 4, 8, 12 %
$ integrid benchmark $DATA/towns.csv --by CNTR_ID --places degurba --place 2 --measures share --peers 2 --format csv --peers-out peers.csv | grep -E '^(place|2,share,OTH)'; cut -d, -f1,2,5,6 peers.csv
place,measure,group,value,set,n,rank,percentile,median
2,share,OTH,0.080000000000000002,class,6,5,20,0.14000000000000001
2,share,OTH,0.080000000000000002,class_country,3,2,50,0.080000000000000002
2,share,OTH,0.080000000000000002,size_band,6,5,20,0.14000000000000001
2,share,OTH,0.080000000000000002,share_band,1,1,,0.080000000000000002
2,share,OTH,0.080000000000000002,peers,3,2,50,0.080000000000000002
peer_rank,place_id,country,population
1,3,AA,54000
2,1,AA,54000
# the default places of benchmark are the Degree of Urbanisation's (with
# --by and no --places, the --by places); town 6 has 24 + 5 = 29 % born
# abroad
$ integrid benchmark $DATA/towns.csv --place 6 --measures dissimilarity --format json | python3 -c '
> import json, sys; d = json.load(sys.stdin)
> print(d["places_from"], d["place"]["id"], d["size_band"], d["share_band"], len(d["peers"]), [v["name"] for v in d["variables"] if v["used"]])'
degurba 6 50k-100k 20-30% 5 ['foreign_share', 'eu_share', 'movers_share']
# a place that is not there: the closest ones are offered
$ integrid benchmark $DATA/towns.csv --place 77 --measures share
? 1
!! 1
! ^integrid: benchmark: --place: no place '77'; closest: .*id 
$ integrid benchmark $DATA/towns.csv --measures share
? 2
! ^integrid: benchmark: --place ID\|NAME is required
$ integrid benchmark $DATA/towns.csv --place 1 --measures nosuch
? 2
! ^integrid: benchmark: unknown measure 'nosuch' in --measures
$ integrid measures $DATA/towns.csv --places degurba --assign area
? 2
! apply to --places FILE
# places from a boundary file (GeoJSON in EPSG:3035): A covers town 1; B
# the west 1.5 km of town 2 (by centre: its first column of 3 cells at
# 4 % OTH; by area share: also the half-covered second column at 8 %, which
# no other polygon touches, so all of it); C covers no cell (population 0)
$ integrid measures $DATA/towns.csv --places $DATA/towns_areas.geojson --place-name name --only share --format csv --places-out p.csv | grep ,OTH,; cut -d, -f1-4,7,14 p.csv
A,share,OTH,0.040000000000000001
B,share,OTH,0.040000000000000001
C,share,OTH,
place_id,class,cells,population,OTH,name
A,boundary,9,54000,2160,Town one
B,boundary,3,18000,720,West of town two
C,boundary,0,0,0,Empty
! place 'C' \(feature 3\) covers no grid cell; it is kept without cells \(population 0\)
$ integrid measures $DATA/towns.csv --places $DATA/towns_areas.geojson --assign area --only share --format csv -q | grep '^B,share,OTH'
B,share,OTH,0.059999999999999998
$ integrid measures $DATA/towns.csv --places $DATA/nosuch.geojson --only share
? 1
!! 1
! nosuch\.geojson
# benchmark options that name a group or column the file does not have
$ integrid benchmark $DATA/towns.csv --place 1 --measures share --native NOPE
? 1
!! 1
! ^integrid: benchmark: --native NOPE: no such group
$ integrid benchmark $DATA/towns.csv --place 1 --measures share --movers NOPE -o out.csv; test -e out.csv && echo written; :
? 0
!! 1
! ^integrid: benchmark: --movers NOPE: the file has no such numeric column
