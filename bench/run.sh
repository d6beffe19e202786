#!/usr/bin/env bash
# End-to-end benchmark on the real EU Census 2021 1 km grid (1.9 M cells,
# 38 MB gzip): how long `integrid measures` takes to read, split by country
# and compute, as a RATIO to `zcat` of the same file timed in the same run
# (decompressing is the least any reader must do). Target: ratio <= 1.5.
# Reported twice: with every measure, and without the simulated ones
# (their cost grows with --reps, not with reading).
# Then, when given, bench_measures prints per-measure ratios to a summing
# pass (bench/README.md).
#
# usage: bench/run.sh [--integrid PATH] [--bench-measures PATH]
#                     [--data DIR] [--runs N] [--target RATIO]
# Defaults: build/release/integrid, no bench_measures, $IG_SHARED_DATA or
# ../shared/data beside the checkout, 3 runs (median), target 1.5.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
integrid="$root/build/release/integrid"
bench_measures=""
data="${IG_SHARED_DATA:-}"
runs=3
target=1.5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --integrid) integrid="$2"; shift 2 ;;
        --bench-measures) bench_measures="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[[ -n "$data" ]] || data="$root/../shared/data"
file="$data/eu_census2021_grid1km.csv.gz"

if [[ ! -x "$integrid" ]]; then
    echo "run.sh: $integrid not found; build it first:" >&2
    echo "  cmake --preset release && cmake --build --preset release" >&2
    exit 2
fi
if [[ ! -r "$file" ]]; then
    echo "run.sh: cannot read $file (set IG_SHARED_DATA or --data)" >&2
    exit 2
fi

errlog="$(mktemp)"
trap 'rm -f "$errlog"' EXIT
# time_ms CMD...: prints "<wall ms> <exit status>"; output discarded,
# stderr kept in $errlog for the message when it fails.
time_ms() {
    local t0 t1 rc
    t0=$(date +%s%N)
    set +e
    "$@" >/dev/null 2>"$errlog"
    rc=$?
    set -e
    t1=$(date +%s%N)
    echo "$(((t1 - t0) / 1000000)) $rc"
}
# median_ms NAME CMD...: median wall time of $runs runs, in ms; fails
# (with the command's last error lines) when the command fails.
median_ms() {
    local name="$1"
    shift
    local times=() i out
    for ((i = 0; i < runs; i++)); do
        out=$(time_ms "$@")
        if [[ "${out#* }" != 0 ]]; then
            echo "run.sh: $name failed (exit ${out#* }):" >&2
            tail -n 5 "$errlog" >&2
            return 1
        fi
        times+=("${out% *}")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{v[NR]=$1}
        END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}

verdict() { # verdict MS BASE_MS -> "ratio=R PASS|FAIL"
    awk -v a="$1" -v b="$2" -v t="$target" 'BEGIN {
        r = a / b; printf "ratio_to_zcat=%.2f target=%s %s", r, t,
        (r <= t) ? "PASS" : "FAIL" }'
}

echo "bench e2e: $(nproc) cpus, $runs runs each (median), file $file"
zcat_ms=$(median_ms zcat zcat "$file")
echo "bench e2e.zcat reps=$runs median_ms=$zcat_ms"

status=0
common=(measures "$file" --by CNTR_ID --groups NAT,EU_OTH,OTH --format csv -o /dev/null)
if all_ms=$(median_ms "integrid measures" "$integrid" "${common[@]}"); then
    echo "bench e2e.measures_all reps=$runs median_ms=$all_ms $(verdict "$all_ms" "$zcat_ms")"
else
    echo "bench e2e.measures_all FAIL (did not run)"
    status=1
fi

# The non-simulated measures, from the registry as the CLI lists it.
if list_csv=$("$integrid" measures --list --format csv 2>"$errlog") &&
   only=$(printf '%s\n' "$list_csv" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
if not rows:
    sys.exit("empty measure list")
keys = {k.lower(): k for k in rows[0]}
idk = next((keys[k] for k in ("id", "name", "measure") if k in keys), None)
simk = keys.get("simulated")
flk = keys.get("flags")
if idk is None or (simk is None and flk is None):
    sys.exit("need columns id/name and simulated or flags, got: %s" % list(rows[0]))
def simulated(r):
    if simk is not None:
        return r[simk].strip().lower() in ("1", "yes", "true", "y")
    return "sim" in r[flk].lower()
print(",".join(r[idk] for r in rows if not simulated(r)))
' 2>>"$errlog"); then
    if ns_ms=$(median_ms "integrid measures --only" "$integrid" "${common[@]}" --only "$only"); then
        echo "bench e2e.measures_nonsimulated reps=$runs median_ms=$ns_ms $(verdict "$ns_ms" "$zcat_ms")"
    else
        echo "bench e2e.measures_nonsimulated FAIL (did not run)"
        status=1
    fi
else
    echo "run.sh: could not read the measure list from '$integrid measures --list --format csv':" >&2
    tail -n 3 "$errlog" >&2
    echo "bench e2e.measures_nonsimulated FAIL (no measure list)"
    status=1
fi

if [[ -n "$bench_measures" ]]; then
    echo "bench measures: $bench_measures (4,000,000 cells x 3 groups)"
    "$bench_measures" || status=1
fi
exit $status
