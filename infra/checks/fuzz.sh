#!/usr/bin/env bash
# Runs every fuzz target in the module for a short time each (default 3s), starting from the
# seed corpora committed under testdata/fuzz.
set -euo pipefail
cd "$(dirname "$0")/../.."
fuzztime=${1:-3s}
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(f \*testing\.F\)' shared cmd workflows 2>/dev/null | while read -r file; do
  dir=$(dirname "$file")
  grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //' | while read -r target; do
    echo "fuzz $dir $target ($fuzztime)"
    if ! out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "./$dir" 2>&1); then
      echo "$out"
      exit 1
    fi
  done
done
