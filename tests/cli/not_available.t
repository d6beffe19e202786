# Cells where a group is not available (-9999, empty) are left out of the
# measures, and the CLI says how much was left out per place.
# with_na.csv = tiny.csv plus an Alpha cell (5, 2, -9999): Alpha's results
# are those of tiny.csv.
$ integrid measures --by CITY --only dissimilarity,share $DATA/with_na.csv
place,measure,group,value
Alpha,dissimilarity,NAT,0.75
Alpha,dissimilarity,EU_OTH,0.25
Alpha,dissimilarity,OTH,0.375
Alpha,share,NAT,0.25
Alpha,share,EU_OTH,0.25
Alpha,share,OTH,0.5
Beta,dissimilarity,NAT,0.25
Beta,dissimilarity,EU_OTH,
Beta,dissimilarity,OTH,0.25
Beta,share,NAT,0.5
Beta,share,EU_OTH,0
Beta,share,OTH,0.5
!! 2
! ^integrid: measures: warning: Alpha: 1 cell \(at least 7 residents\) left out because a group was not available; --na-as-zero counts them as 0, --total COL counts all residents$
# the table says it in a footer instead
$ integrid measures --format table --by CITY --only share $DATA/with_na.csv
CITY = Alpha (2 cells, 16 residents)
measure        NAT     EU_OTH        OTH
share       0.2500     0.2500     0.5000

CITY = Beta (2 cells, 32 residents)
measure        NAT     EU_OTH        OTH
share       0.5000     0.0000     0.5000

Left out because a group was not available (--na-as-zero counts such values as 0):
  Alpha: 1 cell, at least 7 residents
!! 0
# --na-as-zero keeps the cell, counting OTH as 0: Alpha has 23 residents,
# 9 of them NAT
$ integrid measures --na-as-zero --by CITY --only share $DATA/with_na.csv
place,measure,group,value
Alpha,share,NAT,0.39130434782608697
Alpha,share,EU_OTH,0.2608695652173913
Alpha,share,OTH,0.34782608695652173
Beta,share,NAT,0.5
Beta,share,EU_OTH,0
Beta,share,OTH,0.5
!! 0
# info counts them
$ integrid info --by CITY $DATA/with_na.csv | grep -e '^cells with n/a' -e '^cells  '
cells              5
cells with n/a     1
% command -v python3
$ integrid measures --format json --by CITY --only share $DATA/with_na.csv 2>/dev/null | python3 -c '
> import json, sys
> for p in json.load(sys.stdin)["places"]: print(p)
> '
{'place': 'Alpha', 'cells_used': 2, 'cells_excluded': 1, 'residents_used': 16, 'residents_excluded': 7}
{'place': 'Beta', 'cells_used': 2, 'cells_excluded': 0, 'residents_used': 32, 'residents_excluded': 0}
