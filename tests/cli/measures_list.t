# integrid measures --list: the registry (src/measures/measures.def)
$ integrid measures --list --format csv | head -3
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation
dissimilarity,single,"[0, 1]",0,1,0,0,,Index of dissimilarity D: share of the group that would have to move for an even distribution,Duncan & Duncan (1955); Massey & Denton (1988)
gini,single,"[0, 1]",0,1,0,0,,"Gini segregation index: mean absolute difference of unit shares, exact O(n log n)",Massey & Denton (1988)
# csv is the default when stdout is not a terminal
$ integrid measures --list | head -1
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation
# infinite range ends
$ integrid measures --list --format csv | grep '^location_quotient_max,'
location_quotient_max,single,"[0, inf)",0,inf,0,0,,Largest location quotient (unit share / overall share) among populated units,Isard (1960); Brown & Chung (2006)
# json: valid, one entry per csv row, null for infinite range ends
% command -v python3
$ integrid measures --list --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)["measures"]; m={x["name"]: x for x in d}; print(len(d) > 20, m["dissimilarity"]["family"], m["multi_dissimilarity"]["family"], m["location_quotient_max"]["range_max"], m["mutual_information"]["decomposable"], m["modified_dissimilarity"]["simulated"])'
True single multi None True True
$ test "$(integrid measures --list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["measures"]))')" = "$(integrid measures --list --format csv | python3 -c 'import csv,sys; print(len(list(csv.reader(sys.stdin))) - 1)')" && echo same count
same count
# table: a header, then each measure with its summary on the next line
$ integrid measures --list --format table | head -3
name                                    family  range         params           citation
dissimilarity                           single  [0, 1]                         Duncan & Duncan (1955); Massey & Denton (1988)
    Index of dissimilarity D: share of the group that would have to move for an even distribution
# written atomically like any output
$ integrid measures --list -o list.csv && head -1 list.csv && ls -A
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation
list.csv
