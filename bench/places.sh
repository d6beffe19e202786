#!/usr/bin/env bash
# Places benchmark (issue "places and peers"): delineating the Degree of
# Urbanisation's urban centres and clusters of the EU Census 2021 grid,
# naming them and computing every non-simulated measure for each of them
# in one command (--no-aggregates: the issue's target is for the centres
# and clusters; the class aggregates, which copy every rural cell once
# more, are timed on a line of their own without a target), as a RATIO to the
# foundation's pass over the same file (`measures --by CNTR_ID`, the same
# measures) timed in the same run. Target: ratio <= 2. Each round runs the
# two commands back to back; the median over the rounds is reported with
# the range.
#
# usage: bench/places.sh [--integrid PATH] [--data DIR] [--runs N]
# Defaults: build/release/integrid, $IG_SHARED_DATA or ../shared/data,
# 5 rounds.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
integrid="$root/build/release/integrid"
data="${IG_SHARED_DATA:-$root/../shared/data}"
runs=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --integrid) integrid="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "places.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
file="$data/eu_census2021_grid1km.csv.gz"
[[ -r "$file" ]] || { echo "places.sh: cannot read $file" >&2; exit 2; }
[[ -x "$integrid" ]] || { echo "places.sh: no integrid at $integrid" >&2; exit 2; }

# every measure that needs no simulation
only="$("$integrid" measures --list --format json | python3 -c '
import json, sys
print(",".join(m["name"] for m in json.load(sys.stdin)["measures"] if not m["simulated"]))')"

now() { date +%s.%N; }
# floating-point arithmetic with awk (no bc on a fresh machine)
calc() { awk "BEGIN { print $1 }"; }
base=() places=() ratio=() agg=()
for ((i = 0; i < runs; i++)); do
    t0=$(now)
    "$integrid" measures "$file" --by CNTR_ID --only "$only" --format csv \
        -o /dev/null -q
    t1=$(now)
    "$integrid" measures "$file" --by CNTR_ID --places degurba --only "$only" \
        --no-aggregates --format csv -o /dev/null -q
    t2=$(now)
    "$integrid" measures "$file" --by CNTR_ID --places degurba --only "$only" \
        --format csv -o /dev/null -q
    t3=$(now)
    agg+=("$(calc "($t3 - $t2) / ($t1 - $t0)")")
    b=$(calc "$t1 - $t0")
    p=$(calc "$t2 - $t1")
    base+=("$b") places+=("$p") ratio+=("$(calc "$p / $b")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
range() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "%.2f-%.2f", lo, hi}'; }
r=$(median "${ratio[@]}")
printf 'foundation pass (--by CNTR_ID): median %.2f s\n' "$(median "${base[@]}")"
printf 'places (--places degurba --no-aggregates, 8,008 places): median %.2f s\n' \
    "$(median "${places[@]}")"
printf 'ratio places / foundation: median %.2f (range %s over %d rounds), target <= 2: %s\n' \
    "$r" "$(range "${ratio[@]}")" "$runs" \
    "$(awk "BEGIN { print ($r <= 2) ? \"met\" : \"NOT met\" }")"
printf 'with the class aggregates (no target): median ratio %.2f (range %s)\n' \
    "$(median "${agg[@]}")" "$(range "${agg[@]}")"
