# --within COL: decomposable measures add <id>_between and <id>_within rows
# (components IG_COMP_BETWEEN / IG_COMP_WITHIN), right after the total.
# tiny.csv districts: Alpha's two cells are districts A1 and A2 (one cell
# each, so nothing is within them); both Beta cells are district B1 (so
# nothing is between districts).
$ integrid measures --by CITY --within DIST --only share,mutual_information,multi_information_theory $DATA/tiny.csv 2>/dev/null | cut -d, -f1-3
place,measure,group
Alpha,share,NAT
Alpha,share,EU_OTH
Alpha,share,OTH
Alpha,multi_information_theory,
Alpha,multi_information_theory_between,
Alpha,multi_information_theory_within,
Alpha,mutual_information,
Alpha,mutual_information_between,
Alpha,mutual_information_within,
Beta,share,NAT
Beta,share,EU_OTH
Beta,share,OTH
Beta,multi_information_theory,
Beta,multi_information_theory_between,
Beta,multi_information_theory_within,
Beta,mutual_information,
Beta,mutual_information_between,
Beta,mutual_information_within,
$ integrid measures --by CITY --within DIST --only mutual_information $DATA/tiny.csv | grep -e '^Alpha,mutual_information_within,' -e '^Beta,mutual_information_between,'
Alpha,mutual_information_within,,0
Beta,mutual_information_between,,0
# without --within there are no components
$ integrid measures --by CITY --only mutual_information $DATA/tiny.csv | grep -c -e _between -e _within
0
? 1
% command -v python3
# total = between + within, here over the whole grid (three districts)
$ integrid measures --format json --within DIST --only mutual_information,multi_information_theory $DATA/tiny.csv | python3 -c '
> import json, sys
> d = json.load(sys.stdin)
> v = {(x["measure"], x["component"]): x["value"] for x in d["rows"]}
> for m in ("mutual_information", "multi_information_theory"):
>     t, b, w = v[(m, "total")], v[(m, "between")], v[(m, "within")]
>     print(m, 0 < b < t, 0 < w < t, abs(t - b - w) < 1e-12)
> '
mutual_information True True True
multi_information_theory True True True
# the table shows the components as rows of their own
$ integrid measures --format table --within DIST --only mutual_information $DATA/tiny.csv | cut -c1-26 | sed 's/ *$//'
all cells (4 cells, 48 res
measure
mutual_information
mutual_information_between
mutual_information_within
