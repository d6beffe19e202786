# integrid formats: the reader registry, in the order readers are tried
# (specific formats first, the generic CSV reader last).
$ integrid formats --format csv | head -1
name,extensions,description
$ integrid formats --format csv | cut -d, -f1
name
eurostat
csv
$ integrid formats --format table | head -1 | tr -s ' '
name extensions description
$ integrid formats -o formats.csv && cmp formats.csv "$(integrid formats > f2.csv; echo f2.csv)" && echo same
same
% command -v python3
$ integrid formats --format json | python3 -c 'import json, sys; print([(f["name"], sorted(f)) for f in json.load(sys.stdin)["formats"]])'
[('eurostat', ['description', 'extensions', 'name']), ('csv', ['description', 'extensions', 'name'])]
# the names are what --format-in takes
$ integrid info --format-in nope $DATA/alpha.csv
? 2
! ^integrid: info: unknown input format 'nope' for --format-in; known: eurostat, csv$
$ integrid info --format-in csv $DATA/alpha.csv | grep '^format'
format             csv
