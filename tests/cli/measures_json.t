# JSON output of `integrid measures`: one object with the run's inputs,
# parameters, a summary per place and one entry per result row; numbers
# with 17 significant digits, null for undefined values.
$ cd $DATA && integrid measures --format json --only share,simpsons_interaction alpha.csv
{
  "integrid_version": "@VERSION@",
  "input": "alpha.csv",
  "places_from": null,
  "format": "eurostat",
  "groups": ["NAT", "EU_OTH", "OTH"],
  "params": {"seed": 1, "reps": 500, "atkinson_b": 0.5, "thresholds": 1000},
  "places": [
    {"place": "all", "cells_used": 2, "cells_excluded": 0, "residents_used": 16, "residents_excluded": 0}
  ],
  "rows": [
    {"place": "all", "measure": "share", "group": "NAT", "component": "total", "value": 0.25, "status": "ok"},
    {"place": "all", "measure": "share", "group": "EU_OTH", "component": "total", "value": 0.25, "status": "ok"},
    {"place": "all", "measure": "share", "group": "OTH", "component": "total", "value": 0.5, "status": "ok"},
    {"place": "all", "measure": "simpsons_interaction", "group": null, "component": "total", "value": 0.625, "status": "ok"}
  ]
}
% command -v python3
# valid JSON with the documented fields; undefined -> null + "undefined"
$ integrid measures --format json --by CITY --seed 42 --reps 20 --atkinson-b 0.3 --thresholds 50 $DATA/tiny.csv 2>/dev/null | python3 -c '
> import json, sys
> d = json.load(sys.stdin)
> print(sorted(d))
> print(d["groups"], d["params"])
> print([(p["place"], p["cells_used"], p["residents_used"]) for p in d["places"]])
> r = {(x["place"], x["measure"], x["group"]): x for x in d["rows"]}
> print(r[("Beta", "dissimilarity", "EU_OTH")])
> print(r[("Alpha", "dissimilarity", "NAT")]["value"], r[("Alpha", "simpsons_concentration", None)]["value"])
> print(sorted({x["status"] for x in d["rows"]}), sorted({x["component"] for x in d["rows"]}))
> print(all(set(x) == {"place", "measure", "group", "component", "value", "status"} for x in d["rows"]))
> '
['format', 'groups', 'input', 'integrid_version', 'params', 'places', 'places_from', 'rows']
['NAT', 'EU_OTH', 'OTH'] {'seed': 42, 'reps': 20, 'atkinson_b': 0.3, 'thresholds': 50}
[('Alpha', 2, 16), ('Beta', 2, 32)]
{'place': 'Beta', 'measure': 'dissimilarity', 'group': 'EU_OTH', 'component': 'total', 'value': None, 'status': 'undefined'}
0.75 0.375
['ok', 'undefined'] ['total']
True
# the JSON rows are the CSV rows, value for value (17 digits both ways)
$ integrid measures --by CITY $DATA/tiny.csv > a.csv 2>/dev/null && integrid measures --format json --by CITY $DATA/tiny.csv 2>/dev/null | python3 -c '
> import csv, json, sys
> d = json.load(sys.stdin)
> c = list(csv.reader(open("a.csv")))[1:]
> j = [[x["place"], x["measure"] + ("" if x["component"] == "total" else "_" + x["component"]), x["group"] or "", "" if x["value"] is None else repr(x["value"])] for x in d["rows"]]
> print(len(c) == len(j), all(a[:3] == b[:3] and (a[3] == b[3] == "" or float(a[3]) == float(b[3])) for a, b in zip(c, j)))
> '
True True
