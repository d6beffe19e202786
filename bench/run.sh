#!/usr/bin/env bash
# End-to-end benchmark on the real EU Census 2021 1 km grid (1.9 M cells,
# 38 MB gzip): how long `integrid measures` takes to read, split by country
# and compute, as a RATIO to `zcat` of the same file timed in the same run
# (decompressing is the least any reader must do). Target: ratio <= 1.5 for
# every non-simulated measure (the simulated ones cost --reps random draws
# each, 500 by default, so they are reported apart, without a target).
# Each round times zcat, the read alone (`integrid info`, same read
# options) and the measures back to back, so that a busy spell of the
# machine hits all three; the median of the rounds is reported, with the
# range. Then, when given, bench_measures prints per-measure ratios to a
# summing pass (bench/README.md).
#
# usage: bench/run.sh [--integrid PATH] [--bench-measures PATH] [--bench-profile PATH]
#                     [--data DIR] [--runs N] [--all-runs N] [--target RATIO]
# Defaults: build/release/integrid, no bench_measures, $IG_SHARED_DATA or
# ../shared/data beside the checkout, 5 rounds (median), 1 run with the
# simulated measures (0 skips it; about 2 minutes each), target 1.5.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
integrid="$root/build/release/integrid"
bench_measures=""
bench_profile=""
data="${IG_SHARED_DATA:-}"
runs=5
all_runs=1
target=1.5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --integrid) integrid="$2"; shift 2 ;;
        --bench-measures) bench_measures="$2"; shift 2 ;;
        --bench-profile) bench_profile="$2"; shift 2 ;;
        --data) data="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --all-runs) all_runs="$2"; shift 2 ;;
        --target) target="$2"; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
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
if ! [[ "$runs" =~ ^[1-9][0-9]*$ && "$all_runs" =~ ^[0-9]+$ ]]; then
    echo "run.sh: --runs needs a number >= 1, --all-runs a number >= 0" >&2
    exit 2
fi

errlog="$(mktemp)"
trap 'rm -f "$errlog"' EXIT
# time_ms NAME CMD...: wall time of one run in ms; output discarded, stderr
# kept in $errlog; fails (with the command's last error lines) when the
# command fails.
time_ms() {
    local name="$1" t0 t1 rc
    shift
    t0=$(date +%s%N)
    set +e
    "$@" >/dev/null 2>"$errlog"
    rc=$?
    set -e
    t1=$(date +%s%N)
    if [[ $rc != 0 ]]; then
        echo "run.sh: $name failed (exit $rc):" >&2
        tail -n 5 "$errlog" >&2
        return 1
    fi
    echo $(((t1 - t0) / 1000000))
}
# stats MS...: "median min max" of the arguments
stats() {
    printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1}
        END {m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
             print m, v[1], v[NR]}'
}
# ratio A B: A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { # verdict RATIO -> "target=T PASS|FAIL"
    awk -v r="$1" -v t="$target" 'BEGIN {
        printf "target=%s %s", t, (r <= t) ? "PASS" : "FAIL" }'
}

# The non-simulated measures, from the registry as the CLI lists it.
if ! list_csv=$("$integrid" measures --list --format csv 2>"$errlog") ||
   ! only=$(printf '%s\n' "$list_csv" | python3 -c '
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
    echo "run.sh: could not read the measure list from '$integrid measures --list --format csv':" >&2
    tail -n 3 "$errlog" >&2
    exit 1
fi

readopts=(--by CNTR_ID --groups NAT,EU_OTH,OTH)
common=(measures "$file" "${readopts[@]}" --format csv -o /dev/null)
n_only=$(printf '%s\n' "$only" | tr ',' '\n' | wc -l)
echo "bench e2e: $(nproc) cpus, $runs rounds (median, range), file $file"
echo "bench e2e: non-simulated measures ($n_only): $only"

z=() r=() m=()
for ((i = 0; i < runs; i++)); do
    z+=("$(time_ms zcat zcat "$file")")
    r+=("$(time_ms "integrid info" "$integrid" info "$file" "${readopts[@]}")")
    m+=("$(time_ms "integrid measures --only" "$integrid" "${common[@]}" --only "$only")")
done
read -r zmed zmin zmax <<<"$(stats "${z[@]}")"
read -r rmed rmin rmax <<<"$(stats "${r[@]}")"
read -r mmed mmin mmax <<<"$(stats "${m[@]}")"
echo "bench e2e.zcat reps=$runs median_ms=$zmed range_ms=$zmin-$zmax"
echo "bench e2e.read_only (integrid info) reps=$runs median_ms=$rmed range_ms=$rmin-$rmax ratio_to_zcat=$(ratio "$rmed" "$zmed")"
rm_=$(ratio "$mmed" "$zmed")
echo "bench e2e.measures_nonsimulated reps=$runs median_ms=$mmed range_ms=$mmin-$mmax ratio_to_zcat=$rm_ $(verdict "$rm_")"
status=0
awk -v r="$rm_" -v t="$target" 'BEGIN { exit !(r <= t) }' || status=1

if ((all_runs > 0)); then
    a=()
    for ((i = 0; i < all_runs; i++)); do
        a+=("$(time_ms "integrid measures" "$integrid" "${common[@]}")")
    done
    read -r amed amin amax <<<"$(stats "${a[@]}")"
    echo "bench e2e.measures_all (simulated ones with 500 draws each) reps=$all_runs median_ms=$amed range_ms=$amin-$amax ratio_to_zcat=$(ratio "$amed" "$zmed") (no target)"
fi

if [[ -n "$bench_measures" ]]; then
    echo "bench measures: $bench_measures (4,000,000 cells x 3 groups)"
    "$bench_measures" || status=1
fi

if [[ -n "$bench_profile" ]]; then
    echo "bench profile: $bench_profile (EU grid in memory, 8 radii; target <= 4x one aspatial pass)"
    "$bench_profile" --data "$data" || status=1
fi
exit $status
