#!/bin/sh
# Open the HTML report in headless Chromium (Debian `chromium`):
#   1. a screenshot is taken and is not blank (pngstat: enough non-white
#      pixels and colours);
#   2. the page logs no console error and no blocked request: the report
#      carries a Content-Security-Policy (default-src 'none'; img-src
#      data:), so anything that tried to leave the file would be refused
#      and logged, and host names resolve to nothing (--host-resolver-rules);
#   3. the DOM has the seven sections (--dump-dom);
#   4. a control copy with one external image must be caught by check 2,
#      so the check can fail.
# Usage: check_report.sh INTEGRID PNGSTAT DATA_DIR. Exit 0 pass, 1 fail,
# 77 skip (no /usr/bin/chromium).
set -u
bin=$1 pngstat=$2 data=$3
chromium=${IG_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "skip: $chromium not found"
    exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/igbrowser.XXXXXX") || exit 1
trap '[ -n "${IG_KEEP:-}" ] || rm -rf "$work"' EXIT
fail=0

"$bin" report "$data/towns.csv" --by CNTR_ID --places degurba --place 1 \
    --reps 19 -o "$work/report.html" -q || { echo "FAIL: integrid report"; exit 1; }

# run chromium on a page; stderr log in $2.log, extra args after
run() {
    page=$1 name=$2
    shift 2
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
        --no-first-run --no-default-browser-check --disable-extensions \
        --user-data-dir="$work/profile-$name" \
        --enable-logging=stderr --v=0 \
        --host-resolver-rules="MAP * ~NOTFOUND" \
        "$@" "file://$page" 2> "$work/$name.log"
}

# console errors and refused or failed requests in a log
bad_lines() {
    grep -E 'CONSOLE|Refused to|net::ERR_|Failed to load' "$1" || true
}

# 1. screenshot (phone width and desktop width)
for size in 1200,2400 390,1600; do
    name=shot-$(echo "$size" | cut -d, -f1)
    (cd "$work" && run "$work/report.html" "$name" \
        --window-size="$size" --screenshot="$work/$name.png" \
        --hide-scrollbars > /dev/null)
    if [ ! -s "$work/$name.png" ]; then
        echo "FAIL: no screenshot at $size"; fail=1; continue
    fi
    stats=$("$pngstat" "$work/$name.png") || { echo "FAIL: unreadable PNG"; fail=1; continue; }
    echo "screenshot $size: $stats (width height non-white-share colours)"
    set -- $stats
    if ! awk -v nw="$3" -v nc="$4" 'BEGIN { exit !(nw > 0.02 && nc > 20) }'; then
        echo "FAIL: the screenshot at $size looks blank"; fail=1
    fi
    b=$(bad_lines "$work/$name.log")
    if [ -n "$b" ]; then
        echo "FAIL: console errors or requests at $size:"; echo "$b"; fail=1
    fi
done

# 3. the DOM
run "$work/report.html" dom --dump-dom > "$work/dom.html"
n=$(grep -o '<section id="[a-z-]*"' "$work/dom.html" | wc -l)
if [ "$n" -ne 7 ]; then
    echo "FAIL: $n sections in the DOM, not 7"; fail=1
fi
svgs=$(grep -o '<svg ' "$work/dom.html" | wc -l)
echo "DOM: $n sections, $svgs inline SVG figures"
if [ "$svgs" -lt 5 ]; then echo "FAIL: too few figures in the DOM"; fail=1; fi
b=$(bad_lines "$work/dom.log")
if [ -n "$b" ]; then echo "FAIL: console errors:"; echo "$b"; fail=1; fi

# 4. the control: an external image must be refused and logged
sed 's|</main>|<img src="https://example.invalid/x.png" alt="x"></main>|' \
    "$work/report.html" > "$work/control.html"
run "$work/control.html" control --dump-dom > /dev/null
if [ -z "$(bad_lines "$work/control.log")" ]; then
    echo "FAIL: the control page's external request was not detected"
    fail=1
else
    echo "control: the external request was refused and logged"
fi

[ "$fail" -eq 0 ] && echo "PASS"
exit "$fail"
