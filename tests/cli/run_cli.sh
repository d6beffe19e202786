#!/bin/sh
# Run one CLI transcript (tests/cli/*.t) against the built `integrid`, in the
# spirit of h3's tests/cli: the transcript holds command lines and what they
# must print. Usage:
#   run_cli.sh INTEGRID_BINARY TRANSCRIPT DATA_DIR SHARED_DIR VERSION [WRAPPER...]
#
# Transcript syntax, one directive per line:
#   # text          comment
#   % shell-test    skip the whole transcript (exit 77) unless it succeeds,
#                   e.g. `% test -f "$SHARED/eu_census2021_1km_city_windows.csv"`
#   $ command       a command for sh -c; `integrid` is on PATH; $DATA is the
#                   fixture folder, $SHARED the shared data, the working
#                   folder is a fresh scratch folder
#   > more          continues the command on a new line (right after `$`)
#   ? N             expected exit status (default 0)
#   ! ERE           some line of stderr must match (grep -E)
#   !- ERE          no line of stderr may match
#   !! N            stderr must have exactly N lines
#   | text          a stdout line that would otherwise look like a directive
#                   (or like a continuation, right after a command)
#   anything else   an expected stdout line, compared exactly (@VERSION@ is
#                   replaced); trailing empty lines are not significant.
# Exit: 0 pass, 1 fail, 77 skipped.
set -u
if [ $# -lt 5 ]; then
    echo "usage: $0 BINARY TRANSCRIPT DATA_DIR SHARED_DIR VERSION [WRAPPER...]" >&2
    exit 2
fi
bin=$1 t=$2 DATA=$3 SHARED=$4 VERSION=$5
shift 5
wrapper="$*"
# commands run in a scratch folder: make the paths absolute
abs() { case $1 in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
bin=$(abs "$bin") t=$(abs "$t") DATA=$(abs "$DATA") SHARED=$(abs "$SHARED")
export DATA SHARED VERSION

work=$(mktemp -d "${TMPDIR:-/tmp}/igcli.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM
mkdir "$work/bin" "$work/run"
{
    echo '#!/bin/sh'
    echo "exec $wrapper \"$bin\" \"\$@\""
} > "$work/bin/integrid"
chmod +x "$work/bin/integrid"
PATH="$work/bin:$PATH"
export PATH
# a predictable environment for the commands
LC_ALL=C
export LC_ALL
unset POSIXLY_CORRECT

failures=0
ncmd=0
cmd=
have_cmd=0
code=0

# trailing empty lines are not significant
trim() {
    awk '{ l[NR] = $0 } END { n = NR; while (n > 0 && l[n] == "") n--;
          for (i = 1; i <= n; i++) print l[i] }' "$1"
}

reset_block() {
    : > "$work/expected"
    : > "$work/err_must"
    : > "$work/err_mustnot"
    code=0
    nerr=
}

run_block() {
    [ "$have_cmd" = 1 ] || return 0
    ncmd=$((ncmd + 1))
    title=$(printf '%s\n' "$cmd" | head -n 1)
    rm -rf "$work/run" && mkdir "$work/run"
    (cd "$work/run" && sh -c "$cmd") > "$work/out" 2> "$work/err_raw" < /dev/null
    rc=$?
    # valgrind and similar wrappers talk on stderr with a ==PID== prefix
    grep -v '^==[0-9]*==' "$work/err_raw" > "$work/err"
    ok=1
    if [ "$rc" != "$code" ]; then
        echo "FAIL [$ncmd] $title"
        echo "  exit status $rc, expected $code"
        ok=0
    fi
    sed "s/@VERSION@/$VERSION/g" "$work/expected" > "$work/expected.v"
    trim "$work/expected.v" > "$work/expected.t"
    trim "$work/out" > "$work/out.t"
    if ! cmp -s "$work/expected.t" "$work/out.t"; then
        [ "$ok" = 1 ] && echo "FAIL [$ncmd] $title"
        echo "  stdout differs (- expected, + actual):"
        diff -u "$work/expected.t" "$work/out.t" | sed -n '3,$p' | sed 's/^/    /'
        ok=0
    fi
    while IFS= read -r re; do
        if ! grep -Eq -- "$re" "$work/err"; then
            [ "$ok" = 1 ] && echo "FAIL [$ncmd] $title"
            echo "  stderr has no line matching: $re"
            ok=0
        fi
    done < "$work/err_must"
    while IFS= read -r re; do
        if grep -Eq -- "$re" "$work/err"; then
            [ "$ok" = 1 ] && echo "FAIL [$ncmd] $title"
            echo "  stderr has a line matching: $re"
            ok=0
        fi
    done < "$work/err_mustnot"
    if [ -n "$nerr" ]; then
        n=$(wc -l < "$work/err" | tr -d ' ')
        if [ "$n" != "$nerr" ]; then
            [ "$ok" = 1 ] && echo "FAIL [$ncmd] $title"
            echo "  stderr has $n lines, expected $nerr"
            ok=0
        fi
    fi
    if [ "$ok" = 1 ]; then
        echo "ok   [$ncmd] $title"
    else
        failures=$((failures + 1))
        if [ -s "$work/err" ]; then
            echo "  stderr was:"
            sed 's/^/    /' "$work/err"
        fi
    fi
}

reset_block
in_cmd=0
nl='
'
while IFS= read -r line || [ -n "$line" ]; do
    if [ "$in_cmd" = 1 ]; then
        case $line in
        '> '*)
            cmd="$cmd$nl${line#> }"
            continue
            ;;
        esac
    fi
    in_cmd=0
    case $line in
    '# '* | '#') ;;
    '% '*)
        if ! (eval "${line#% }") > /dev/null 2>&1; then
            echo "SKIP: requirement not met: ${line#% }"
            exit 77
        fi
        ;;
    '$ '*)
        run_block
        reset_block
        cmd=${line#\$ }
        have_cmd=1
        in_cmd=1
        ;;
    '? '*) code=${line#\? } ;;
    '!! '*) nerr=${line#!! } ;;
    '!- '*) printf '%s\n' "${line#!- }" >> "$work/err_mustnot" ;;
    '! '*) printf '%s\n' "${line#! }" >> "$work/err_must" ;;
    '| '*) printf '%s\n' "${line#| }" >> "$work/expected" ;;
    '|') echo >> "$work/expected" ;;
    *) printf '%s\n' "$line" >> "$work/expected" ;;
    esac
done < "$t"
run_block

if [ "$ncmd" = 0 ]; then
    echo "FAIL: no commands in $t"
    exit 1
fi
if [ "$failures" -gt 0 ]; then
    echo "$failures of $ncmd commands failed"
    exit 1
fi
echo "all $ncmd commands passed"
exit 0
