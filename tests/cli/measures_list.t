# integrid measures --list: the registry (src/measures/measures.def).
# Summaries and citations are the measure authors' text, so only the
# structure and a few stable fields are checked here.
$ integrid measures --list --format csv | head -1
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation,spatial,scale
# csv is the default when stdout is not a terminal
$ integrid measures --list | head -1
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation,spatial,scale
# quoted ranges ("[0, 1]") and infinite range ends
$ integrid measures --list --format csv | grep -e '^dissimilarity,' -e '^location_quotient_max,' -e '^modified_dissimilarity,' -e '^mutual_information,' | sed 's/"[^"]*"/RANGE/' | cut -d, -f1-7
dissimilarity,single,RANGE,0,1,0,0
modified_dissimilarity,single,RANGE,-1,1,1,0
location_quotient_max,single,RANGE,1,inf,0,0
mutual_information,multi,RANGE,0,inf,0,1
% command -v python3
# json: valid, one entry per csv row, null for infinite range ends
$ integrid measures --list --format json | python3 -c 'import json,sys; d=json.load(sys.stdin)["measures"]; m={x["name"]: x for x in d}; print(len(d) > 20, m["dissimilarity"]["family"], m["multi_dissimilarity"]["family"], m["location_quotient_max"]["range_max"], m["mutual_information"]["decomposable"], m["modified_dissimilarity"]["simulated"], sorted(m["share"]))'
True single multi None True True ['citation', 'decomposable', 'family', 'name', 'params', 'range', 'range_max', 'range_min', 'scale', 'simulated', 'spatial', 'summary']
$ test "$(integrid measures --list --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["measures"]))')" = "$(integrid measures --list --format csv | python3 -c 'import csv,sys; print(len(list(csv.reader(sys.stdin))) - 1)')" && echo same count
same count
# every row of the csv has the 10 fields
$ integrid measures --list --format csv | python3 -c 'import csv,sys; print(sorted({len(r) for r in csv.reader(sys.stdin)}))'
[12]
# table: a header, then each measure with its summary on the next line
$ integrid measures --list --format table | head -1 | tr -s ' '
name family range params citation
$ integrid measures --list --format table | sed -n 2p | tr -s ' ' | cut -d' ' -f1-4
dissimilarity single [0, 1]
$ integrid measures --list --format table | sed -n 3p | grep -c '^    [^ ]'
1
# written atomically like any output
$ integrid measures --list -o list.csv && head -1 list.csv && ls -A
name,family,range,range_min,range_max,simulated,decomposable,params,summary,citation,spatial,scale
list.csv
