# Table output: a block per place, measures as rows, groups as columns,
# multigroup measures in an "all groups" column, 4 decimals, n/a for
# undefined values. (Default on a terminal; --format table elsewhere.)
$ integrid measures --format table --by CITY --only dissimilarity,share,simpsons_interaction $DATA/tiny.csv
CITY = Alpha (2 cells, 16 residents)
measure                     NAT     EU_OTH        OTH  all groups
dissimilarity            0.7500     0.2500     0.3750
share                    0.2500     0.2500     0.5000
simpsons_interaction                                       0.6250

CITY = Beta (2 cells, 32 residents)
measure                     NAT     EU_OTH        OTH  all groups
dissimilarity            0.2500        n/a     0.2500
share                    0.5000     0.0000     0.5000
simpsons_interaction                                       0.5000
!! 1
! ^integrid: measures: warning: dissimilarity is undefined for group 'EU_OTH' in 1 of 2 places \(Beta\): .+; shown as n/a$
# no --by: one block; no multigroup measure: no "all groups" column
$ integrid measures --format table --only dissimilarity $DATA/alpha.csv
all cells (2 cells, 16 residents)
measure              NAT     EU_OTH        OTH
dissimilarity     0.7500     0.2500     0.3750
# only multigroup measures: only the "all groups" column
$ integrid measures --format table --only multi_dissimilarity,simpsons_concentration $DATA/alpha.csv
all cells (2 cells, 16 residents)
measure                 all groups
multi_dissimilarity         0.4500
simpsons_concentration      0.3750
% command -v script
# on a terminal the table is the default (script(1) provides one)
$ script -qec "integrid measures --only share $DATA/alpha.csv" /dev/null | tr -d '\r' | head -2
all cells (2 cells, 16 residents)
measure        NAT     EU_OTH        OTH
