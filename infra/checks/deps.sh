#!/usr/bin/env bash
# Dependencies point inward: the domain packages import no AWS package, no adapter (the store
# port itself is allowed: the hygiene engines work through it), no HTTP layer.
set -euo pipefail
cd "$(dirname "$0")/../.."
module=$(go list -m)
status=0
for pkg in customer validate match score hygiene; do
  [ -d "shared/$pkg" ] || continue
  deps=$(go list -deps "./shared/$pkg/..." 2>/dev/null | sort -u)
  bad=$(grep -E "^(github.com/aws/|github.com/awslabs/|go.etcd.io/bbolt|$module/shared/(store/|httpapi|steps|localflow|auth|forms|sfnstart)|$module/(functions|cmd|workflows))" <<<"$deps" || true)
  if [ -n "$bad" ]; then
    echo "shared/$pkg must not depend on:"; sed 's/^/  /' <<<"$bad"; status=1
  fi
done
exit $status
