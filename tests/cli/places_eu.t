# DEGURBA places on the whole EU+EFTA 1 km grid (slow): as many urban
# centres as the library's own count (tests/unit/test_degurba_eu.c), and
# every place has a country.
% test -f "$SHARED/eu_census2021_grid1km.csv.gz"
$ integrid places $SHARED/eu_census2021_grid1km.csv.gz --method degurba --by CNTR_ID -q -o places.csv; echo "exit $?"; grep -c ',urban_centre,' places.csv; awk -F, 'NR > 1 && $13 == ""' places.csv | wc -l
exit 0
689
0
