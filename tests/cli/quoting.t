# Place names with commas and quotes: RFC 4180 quoting in CSV, escapes in
# JSON, as they are in the table.
$ integrid measures --by CITY --only share $DATA/quoted.csv
place,measure,group,value
"Alpha, North",share,NAT,0.25
"Alpha, North",share,EU_OTH,0.25
"Alpha, North",share,OTH,0.5
"Beta ""B""",share,NAT,0.5
"Beta ""B""",share,EU_OTH,0
"Beta ""B""",share,OTH,0.5
$ integrid measures --format table --by CITY --only share $DATA/quoted.csv | grep '^CITY'
CITY = Alpha, North (2 cells, 16 residents)
CITY = Beta "B" (2 cells, 32 residents)
% command -v python3
$ integrid measures --by CITY --only share $DATA/quoted.csv | python3 -c 'import csv, sys; print(sorted({r[0] for r in list(csv.reader(sys.stdin))[1:]}))'
['Alpha, North', 'Beta "B"']
$ integrid measures --format json --by CITY --only share $DATA/quoted.csv | python3 -c 'import json, sys; print([p["place"] for p in json.load(sys.stdin)["places"]])'
['Alpha, North', 'Beta "B"']
