#!/bin/sh
# Runs the data-driven acceptance cases against a claimcheck binary.
#   tests/cases/run.sh [path/to/claimcheck]      (default: target/debug/claimcheck)
# Run from the repository root. Prints one line per failing case; exits 1 if any failed.
BIN=${1:-target/debug/claimcheck}
HERE=$(dirname "$0")
fail=0; total=0
OUT=$(mktemp); ERR=$(mktemp); trap 'rm -f "$OUT" "$ERR"' EXIT
for dir in "$HERE"/*/; do
    dir=${dir%/}; total=$((total + 1))
    want=0; [ -f "$dir/EXPECT_EXIT_1" ] && want=1
    "$BIN" check "$dir" >"$OUT" 2>&1; got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL $dir: exit $got, want $want"; sed 's/^/    /' "$OUT" | head -40; fail=$((fail + 1))
    fi
done
for dir in "$HERE"/../errors/*/; do
    dir=${dir%/}; total=$((total + 1))
    "$BIN" check "$dir" >/dev/null 2>"$ERR"; got=$?
    if [ "$got" != 2 ]; then
        echo "FAIL $dir: exit $got, want 2"; fail=$((fail + 1)); continue
    fi
    while IFS= read -r want_text || [ -n "$want_text" ]; do
        [ -z "$want_text" ] && continue
        if ! grep -qF -- "$want_text" "$ERR"; then
            echo "FAIL $dir: stderr lacks: $want_text"; sed 's/^/    /' "$ERR" | head -20; fail=$((fail + 1)); break
        fi
    done < "$dir/expected.txt"
done
echo "$((total - fail)) of $total cases passed"
[ "$fail" = 0 ]
