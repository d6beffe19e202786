# The README's main example on the shared Eurostat Census 2021 extract:
# 40 km x 40 km windows around 26 city centres (column CITY).
% test -f "$SHARED/eu_census2021_1km_city_windows.csv"
$ integrid measures $SHARED/eu_census2021_1km_city_windows.csv --by CITY --format table > table.txt; echo "exit $?"; grep -c '^CITY = ' table.txt; grep -c '^dissimilarity ' table.txt
exit 0
26
26
# CSV: 26 places x 3 groups, all dissimilarities and shares in [0, 1]
$ integrid measures $SHARED/eu_census2021_1km_city_windows.csv --by CITY --only dissimilarity,share > d.csv; echo "exit $?"; wc -l < d.csv; awk -F, 'NR > 1 && !($4 >= 0 && $4 <= 1) { bad++ } END { print bad + 0 }' d.csv
exit 0
157
0
% command -v python3
$ integrid info --format json --by CITY $SHARED/eu_census2021_1km_city_windows.csv | python3 -c '
> import json, sys
> d = json.load(sys.stdin)
> print(d["cells"], len(d["places"]), [g["name"] for g in d["groups"]], d["crs_epsg"], d["cell_size_m"])
> '
30221 26 ['NAT', 'EU_OTH', 'OTH'] 3035 1000
