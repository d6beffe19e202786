# Maps of the real data in ../shared/data (skipped when it is missing):
# a city window by name, and the DEGURBA urban centre of a city.
% test -f "$SHARED/eu_census2021_1km_city_windows.csv"
$ integrid map $SHARED/eu_census2021_1km_city_windows.csv --by CITY --place Lyon --var share:OTH --classify jenks -o lyon.png && ls
lyon.png
$ integrid map $SHARED/eu_census2021_1km_city_windows.csv --by CITY --place Lyon --var measure:local_gi_star:OTH@2000 -o gi.svg && grep -c '<svg' gi.svg
1
$ integrid map $SHARED/eu_census2021_1km_city_windows.csv --place Lyon --var lq:OTH --palette RdBu_r --classes 7 -o lyon.pdf -q && head -c 4 lyon.pdf
| %PDF
