#!/usr/bin/env bash
# Measures deduplication through the whole system: converts each record-linkage file (every
# FEBRL or RLdata CSV in the data folder, $INTAKE_DEDUP_DATA by default ../shared/data/dedup) into
# submissions, imports them one at a time in file order into a fresh data folder (the same
# workflow the API runs), exports the links and scores them against the true pairs.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${INTAKE_DEDUP_DATA:-../shared/data/dedup}
if [ ! -d "$data" ]; then
  echo "bench-dedup: no data folder at $data (set INTAKE_DEDUP_DATA)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/intake" ./cmd/intake
go build -o "$work/linkscore" ./tools/linkscore
go run ./tools/dedupdata convert --data "$data" --out "$work" >/dev/null
for file in "$work"/*.ndjson; do
  name=$(basename "$file" .ndjson)
  echo "== $name" >&2
  "$work/intake" import --data "$work/$name.data" "$work/$name.ndjson" > "$work/$name.import.txt"
  head -n 1 "$work/$name.import.txt" >&2
  "$work/intake" export links --data "$work/$name.data" --out "$work/$name.links.csv"
  "$work/linkscore" -links "$work/$name.links.csv" -truth "$work/$name.truth.csv" -name "$name"
done
