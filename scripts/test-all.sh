#!/usr/bin/env bash
# README command (2), run by .ci/run: install the dependencies, then build
# and run every test.
#
#   1. the `ci` preset (gcc, -Werror) is configured and built;
#   2. the `asan` preset (ASan + UBSan, Debug) is built and its tests run;
#   3. each fuzz target runs for IG_FUZZ_SECONDS (default 20) when clang is
#      installed (fuzz/run_fuzzers.sh);
#   4. a table of step timings is printed;
#   5. the `ci` tests run LAST, so the closing lines are ctest's
#      "100% tests passed, 0 tests failed out of N" that CI parses.
# Exits non-zero when any step fails; a failing earlier step is named after
# the final ctest run, followed by that step's own ctest summary if it has
# one, so the last summary printed is never a misleading 100%.
#
# Environment: IG_SHARED_DATA (data folder, default ../shared/data beside the
# checkout), IG_FUZZ_SECONDS, IG_SKIP_ASAN=1, IG_SKIP_FUZZ=1 (local use).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

configure_args=()
if [[ -n "${IG_SHARED_DATA:-}" ]]; then
    configure_args+=("-DIG_SHARED_DATA=$IG_SHARED_DATA")
fi

step_names=()
step_secs=()
step_status=()
failed=()
asan_summary=""

# run_step NAME CMD...: run and record time and outcome.
run_step() {
    local name="$1"
    shift
    local start=$SECONDS rc
    echo
    echo "==== $name: $*"
    "$@"
    rc=$?
    step_names+=("$name")
    step_secs+=($((SECONDS - start)))
    if [[ $rc -eq 0 ]]; then
        step_status+=("ok")
    else
        step_status+=("FAILED (exit $rc)")
        failed+=("$name")
    fi
    return $rc
}

# ctest_logged LOG ARGS...: ctest ARGS, shown and copied to LOG (pipefail
# keeps ctest's exit status).
ctest_logged() {
    local log="$1"
    shift
    ctest "$@" 2>&1 | tee "$log"
}

print_timings() {
    echo
    echo "==== step timings (seconds)"
    local i
    for i in "${!step_names[@]}"; do
        printf '  %-16s %5d  %s\n' "${step_names[$i]}" "${step_secs[$i]}" \
            "${step_status[$i]}"
    done
    printf '  %-16s %5d\n' "total" "$SECONDS"
}

run_step deps bash scripts/install-deps.sh || {
    print_timings
    exit 1
}

ci_built=0
if run_step ci-configure cmake --preset ci "${configure_args[@]}" &&
   run_step ci-build cmake --build --preset ci -j2; then
    ci_built=1
fi

if [[ "${IG_SKIP_ASAN:-0}" != 1 ]]; then
    if run_step asan-configure cmake --preset asan "${configure_args[@]}" &&
       run_step asan-build cmake --build --preset asan -j2; then
        asan_log="build/asan/test-all-ctest.log"
        run_step asan-ctest ctest_logged "$asan_log" --preset asan \
            --output-on-failure --no-label-summary -LE "slow|bench"
        asan_summary="$(grep -E '^[0-9]+% tests passed' "$asan_log" | tail -n 1)"
    fi
fi

if [[ "${IG_SKIP_FUZZ:-0}" != 1 ]]; then
    run_step fuzz bash fuzz/run_fuzzers.sh "${IG_FUZZ_SECONDS:-20}"
fi

if [[ $ci_built -ne 1 ]]; then
    print_timings
    echo "test-all: FAILED: ${failed[*]} (the ci build failed, so its tests did not run)"
    exit 1
fi

print_timings
echo
echo "==== ci-ctest (last, so that its summary closes the log)"
start=$SECONDS
# The slow label (the whole EU grid, a few seconds) runs here too.
ctest --preset ci --output-on-failure --no-label-summary -LE bench
ci_rc=$?
if [[ $ci_rc -ne 0 ]]; then
    failed+=("ci-ctest")
fi

if [[ ${#failed[@]} -gt 0 ]]; then
    echo
    echo "test-all: FAILED steps: ${failed[*]} (ci-ctest took $((SECONDS - start)) s; total $SECONDS s)"
    # Keep a failing summary last when an earlier ctest run failed.
    if [[ $ci_rc -eq 0 && -n "$asan_summary" ]]; then
        echo "asan-ctest summary:"
        echo "$asan_summary"
    fi
    exit 1
fi
exit 0
