#!/usr/bin/env bash
# README command (1), the main job: install the build dependencies, build
# the release preset and compute every measure for the 26 city windows of
# the EU Census 2021 1 km grid, printed as a table.
#
# usage: bash scripts/main-job.sh [extra integrid measures options...]
# The data folder is ../shared/data beside the checkout; set IG_SHARED_DATA
# to use another one.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
data_dir="${IG_SHARED_DATA:-$root/../shared/data}"
input="$data_dir/eu_census2021_1km_city_windows.csv"

bash scripts/install-deps.sh >&2

if [[ ! -r "$input" ]]; then
    echo "main-job: cannot read $input" >&2
    echo "main-job: put the shared data folder at ../shared/data beside the" \
         "checkout, or set IG_SHARED_DATA=/path/to/data" >&2
    exit 2
fi

{
    cmake --preset release >/dev/null
    cmake --build --preset release -j2 --target integrid_cli
} >&2

exec build/release/integrid measures "$input" --by CITY --format table "$@"
