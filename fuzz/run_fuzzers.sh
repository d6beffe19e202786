#!/usr/bin/env bash
# Bounded fuzzing, as h3's test-fuzzer.yml does in CI: build the `fuzz`
# preset (clang, libFuzzer + ASan + UBSan) and run every fuzz target for a
# fixed time on a scratch copy of its corpus, so CI never writes into the
# repository. Exits non-zero when any target crashes, leaks, times out or
# fails to build; the crashing input is kept under build/fuzz/artifacts/.
#
# usage: fuzz/run_fuzzers.sh [SECONDS_PER_TARGET]   (default 20, or
#        IG_FUZZ_SECONDS). A crasher you fix belongs in
#        fuzz/corpus/<target>/ as a regression seed (fuzz/README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs="${1:-${IG_FUZZ_SECONDS:-20}}"

if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: clang not found; skipping (apt-get install clang libclang-rt-14-dev)"
    exit 0
fi

targets=(fuzz_cellcode)
for t in fuzz_csv fuzz_groupexpr fuzz_geojson fuzz_policy fuzz_http; do
    [[ -f "fuzz/$t.c" ]] && targets+=("$t")
done

log_dir="build/fuzz/logs"
art_dir="build/fuzz/artifacts"
echo "fuzz: configuring and building preset 'fuzz' (${targets[*]})"
mkdir -p "$log_dir" "$art_dir"
if ! cmake --preset fuzz >"$log_dir/configure.log" 2>&1; then
    tail -n 60 "$log_dir/configure.log"
    echo "fuzz: FAILED to configure"
    exit 1
fi
if ! cmake --build --preset fuzz -j2 --target "${targets[@]}" \
        >"$log_dir/build.log" 2>&1; then
    tail -n 60 "$log_dir/build.log"
    echo "fuzz: FAILED to build"
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/integrid-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT

failed=0
summary=()
for t in "${targets[@]}"; do
    mkdir -p "$work/$t/corpus" "$work/$t/art"
    if [[ -d "fuzz/corpus/$t" ]]; then
        cp -R "fuzz/corpus/$t/." "$work/$t/corpus/"
    fi
    log="$log_dir/$t.log"
    set +e
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a runaway
    # allocation is a bug, not a reason to swap.
    # -seed: the same mutation sequence every run, so CI does not flake;
    # set IG_FUZZ_SEED to explore elsewhere.
    "build/fuzz/fuzz/$t" -seed="${IG_FUZZ_SEED:-1}" -max_total_time="$secs" \
        -max_len=4096 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/$t/art/" "$work/$t/corpus" >"$log" 2>&1
    rc=$?
    set -e
    runs="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    cov="$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)"
    if [[ $rc -eq 0 ]]; then
        summary+=("fuzz $t: OK runs=${runs:-?} cov=${cov:-?} seconds=$secs")
    else
        failed=1
        mkdir -p "$art_dir/$t"
        cp -R "$work/$t/art/." "$art_dir/$t/" 2>/dev/null || true
        echo "---- $t: libFuzzer exited with $rc; last lines of $log:"
        tail -n 40 "$log"
        summary+=("fuzz $t: FAILED rc=$rc (inputs kept in $art_dir/$t/)")
    fi
done

printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
    echo "fuzz: FAILED"
    exit 1
fi
echo "fuzz: all ${#targets[@]} target(s) passed"
