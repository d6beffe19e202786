# lon/lat of the place centroids (PROJ, EPSG:3035 -> EPSG:4326) on
# tests/data/cli/degurba.csv; skipped when integrid was built without PROJ
# (lon/lat are then empty, see places.t).
% integrid places -q "$DATA/degurba.csv" --method degurba | awk -F, 'NR == 2 && $11 != "" { ok = 1 } END { exit !ok }'
# lon/lat of the centroids (PROJ, EPSG:3035 -> EPSG:4326)
$ integrid places -q $DATA/degurba.csv --method degurba | awk -F, 'NR > 1 { printf "%.5f %.5f\n", $11, $12 }'
10.19152 47.28292
10.19152 47.28292
10.25155 47.32780
# both centroids inside the ETRS89 area, around 10 E 47 N
$ integrid places -q $DATA/degurba.csv --method degurba | awk -F, 'NR > 1 && ($11 < 10 || $11 > 11 || $12 < 47 || $12 > 48) { bad++ } END { print bad + 0 }'
0
