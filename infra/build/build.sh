#!/usr/bin/env bash
# Builds every Lambda function under functions/ for provided.al2023 on arm64:
# dist/<function>/bootstrap and dist/<function>.zip, ready for `aws lambda update-function-code`
# or a template whose CodeUri points at the zips. GOARCH=amd64 builds for x86_64 functions.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
arch=${GOARCH:-arm64}
dist=${DIST:-$top/dist}

mapfile -t fns < <(for d in functions/*/; do
  compgen -G "$d*.go" >/dev/null && basename "$d"
done)
if [ ${#fns[@]} -eq 0 ]; then
  echo "build: no functions under functions/" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$dist"

# One go build for all functions shares the compilation of the packages they have in common.
# lambda.norpc leaves out the net/rpc entry point that only the retired go1.x runtime used.
pkgs=()
for fn in "${fns[@]}"; do pkgs+=("./functions/$fn"); done
GOOS=linux GOARCH=$arch CGO_ENABLED=0 go build -trimpath -buildvcs=false -tags lambda.norpc \
  -ldflags "-s -w" -o "$tmp/bin/" "${pkgs[@]}"
go build -o "$tmp/zipper" ./infra/build/zipper

printf '%-14s %12s %12s\n' function bootstrap zip
for fn in "${fns[@]}"; do
  rm -rf "${dist:?}/$fn" "$dist/$fn.zip"
  mkdir -p "$dist/$fn"
  mv "$tmp/bin/$fn" "$dist/$fn/bootstrap"
  "$tmp/zipper" "$dist/$fn.zip" "$dist/$fn"
  printf '%-14s %12s %12s\n' "$fn" "$(stat -c %s "$dist/$fn/bootstrap")" "$(stat -c %s "$dist/$fn.zip")"
done
