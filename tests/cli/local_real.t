# Local measures on the shared real data (skipped when it is missing):
# the Eurostat Census 2021 1 km windows around 26 cities (--by CITY).
% test -f "$SHARED/eu_census2021_1km_city_windows.csv"
# Every city's dissimilarity contributions at 2 km add up to its spatial
# D(2 km) from `integrid measures`, cells left out alike (the cells of a
# city are found through the input's CITY column).
$ W=$SHARED/eu_census2021_1km_city_windows.csv; integrid local --measure local_dissimilarity_contribution --radius-m 2000 --by CITY $W -o dc.csv 2>/dev/null && integrid measures --only spatial_dissimilarity_multi --radius-m 2000 --by CITY $W 2>/dev/null > d.csv && awk -F, 'FILENAME == ARGV[1] { if (FNR > 1) city[$2] = $1; next } FILENAME == ARGV[2] { if (FNR > 1 && $2 != "") s[city[$1]] += $2; next } FNR > 1 { n++; d = s[$1] - $4; if (d > 1e-12 || d < -1e-12) bad++ } END { print n, bad + 0 }' $W dc.csv d.csv
26 0
# one row per cell and group; the left-out cells are counted on stderr
$ integrid local --measure local_share --k 1000 --by CITY $SHARED/eu_census2021_1km_city_windows.csv | wc -l
90664
! ^integrid: local: warning: 705 cells left out because a group is not available there \(--na-as-zero counts it as 0\); values left empty$
