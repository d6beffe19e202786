# --long UNIT,GROUP,COUNT: one row per unit and group, units without
# coordinates (schools, districts). long.csv holds the tiny.csv counts as
# schools s1..s4 in districts d1 (= Alpha) and d2 (= Beta).
# Groups come in name order unless --groups gives an order.
$ integrid measures --long school,group,n --by district --only share $DATA/long.csv
place,measure,group,value
d1,share,EU_OTH,0.25
d1,share,NAT,0.25
d1,share,OTH,0.5
d2,share,EU_OTH,0
d2,share,NAT,0.5
d2,share,OTH,0.5
$ integrid measures --long school,group,n --groups NAT,EU_OTH,OTH --by district --only dissimilarity,share $DATA/long.csv 2>/dev/null
place,measure,group,value
d1,dissimilarity,NAT,0.75
d1,dissimilarity,EU_OTH,0.25
d1,dissimilarity,OTH,0.375
d1,share,NAT,0.25
d1,share,EU_OTH,0.25
d1,share,OTH,0.5
d2,dissimilarity,NAT,0.25
d2,dissimilarity,EU_OTH,
d2,dissimilarity,OTH,0.25
d2,share,NAT,0.5
d2,share,EU_OTH,0
d2,share,OTH,0.5
# every measure gives the same numbers as the wide file
$ integrid measures --long school,group,n --groups NAT,EU_OTH,OTH --by district $DATA/long.csv 2>/dev/null | cut -d, -f2- > l.csv && integrid measures --by CITY $DATA/tiny.csv 2>/dev/null | cut -d, -f2- > w.csv && cmp l.csv w.csv && echo same
same
# within-district decomposition of the schools
$ integrid measures --long school,group,n --within district --only mutual_information $DATA/long.csv | cut -d, -f1-3
place,measure,group
all,mutual_information,
all,mutual_information_between,
all,mutual_information_within,
# info: aspatial units have no CRS, resolution or extent
$ integrid info --long school,group,n $DATA/long.csv | grep -e '^CRS' -e '^units' -e '^resolution' -e '^extent' -e '^rows read'
CRS                none (aspatial units)
units              4
rows read          12
