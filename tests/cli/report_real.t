# The report of real city windows (../shared/data; skipped without it): a
# city window by name (--by CITY) as HTML and as PDF, and the DEGURBA urban
# centre of a city with the fictional policy answers.
% test -f "$SHARED/eu_census2021_1km_city_windows.csv"
$ integrid report $SHARED/eu_census2021_1km_city_windows.csv --by CITY --place Lyon -o lyon.html -q &&
> grep -o '<section id=' lyon.html | wc -l && grep -o '<svg ' lyon.html | wc -l &&
> grep -o 'Lyon has [0-9,]* residents in [0-9,]* grid cells' lyon.html &&
> grep -c -E 'https?://| src=' lyon.html
? 1
7
6
Lyon has 1,729,381 residents in 1,451 grid cells
0
$ integrid report $SHARED/eu_census2021_1km_city_windows.csv --by CITY --place Lyon -o lyon.pdf -q && head -c 5 lyon.pdf && echo
| %PDF-
$ integrid report $SHARED/eu_census2021_1km_city_windows.csv --place Vienna --policy $DATA/../policy/fictown.json -o wien.html -q &&
> grep -o '<section id=' wien.html | wc -l && grep -c 'Policy scores by area' wien.html
7
2
